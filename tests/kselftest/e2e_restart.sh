#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# zrtpd killed with SIGKILL in the middle of a secure call: the media does
# not stop (the kernel holds the keys), and the restarted zrtpd reads the
# flows back by dump, lists the call as secure with its SAS, and restarts
# the handshake of a flow that was still negotiating.
#
#   netns A ("alice")                                 netns B ("bob")
#   zrtpd --KILL--> zrtpd (new)                       zrtpd
#   rtpapp 10.77.0.1:4000  va ======== veth ======== vb  rtpapp 10.77.0.2:5000
#   (and 10.77.0.1:4010 -> 10.77.0.2:5999: no peer, in handshake at the kill)
#
# Kernel config: CONFIG_NET_NS, CONFIG_VETH, CONFIG_NETFILTER, CONFIG_PACKET.
# busybox sh prefers its own applets: iproute2 is /sbin/ip.  Background
# jobs run /sbin/ip itself (a backgrounded shell function is a subshell,
# and $! would be the subshell, not the program).
ip() { /sbin/ip "$@"; }

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n $*"; }
check() { desc=$1; shift; if "$@"; then ok "$desc"; else nok "$desc"; fi; }
skip_rest() { while [ "$n" -lt "$PLAN" ]; do n=$((n + 1)); echo "ok $n # SKIP $*"; done; exit 0; }

PLAN=8
echo "TAP version 13"
echo "1..$PLAN"

r=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
A=e2ra$r
B=e2rb$r
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	rm -rf /tmp/A /tmp/B
}
trap cleanup EXIT

inA() { ip netns exec "$A" "$@"; }
inB() { ip netns exec "$B" "$@"; }
ctlA() { inA zrtpctl -s /tmp/A/zrtpd.sock "$@"; }
ctlB() { inB zrtpctl -s /tmp/B/zrtpd.sock "$@"; }
poll() { tries=$1; shift; while [ "$tries" -gt 0 ]; do "$@" && return 0; tries=$((tries - 1)); sleep 0.1; done; return 1; }
json_field() { sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\)\"\{0,1\}.*/\1/p" | head -1; }
alive() { kill -0 "$1" 2>/dev/null; }
is_state() { want=$1; shift; "$@" -j show $FLOW 2>/dev/null | grep -q "\"state\":\"$want\""; }
is_keyed() { "$@" -j show $FLOW 2>/dev/null | grep -q "\"state\":\"\(secure\|switching\)\""; }

if ! modprobe ksrtp 2>/dev/null && ! insmod "$KSRTP_KO"; then
	nok "ksrtp loads"
	skip_rest "ksrtp did not load"
fi
ok "ksrtp loads"

ip netns add "$A" && ip netns add "$B" &&
ip link add va netns "$A" type veth peer name vb netns "$B" &&
ip -n "$A" addr add 10.77.0.1/24 dev va && ip -n "$B" addr add 10.77.0.2/24 dev vb &&
ip -n "$A" link set va up && ip -n "$B" link set vb up &&
ip -n "$A" link set lo up && ip -n "$B" link set lo up || { nok "two hosts"; skip_rest "no topology"; }

mkdir -p /tmp/A /tmp/B
start_zrtpd() { # ns dir -> ZPID
	/sbin/ip netns exec "$1" zrtpd --cache "$2/cache.db" --state-file "$2/state" \
		-s "$2/zrtpd.sock" >>"$2/zrtpd.log" 2>&1 &
	ZPID=$!
	PIDS="$PIDS $ZPID"
	poll 100 ip netns exec "$1" zrtpctl -s "$2/zrtpd.sock" status >/dev/null 2>&1
}
start_zrtpd "$A" /tmp/A; ZA=$ZPID
start_zrtpd "$B" /tmp/B
FLOW_A="local 10.77.0.1:4000 remote 10.77.0.2:5000"
FLOW_B="local 10.77.0.2:5000 remote 10.77.0.1:4000"
LONELY="local 10.77.0.1:4010 remote 10.77.0.2:5999"
ctlA session add $FLOW_A >/dev/null && ctlB session add $FLOW_B >/dev/null &&
	ctlA session add $LONELY role initiator >/dev/null &&
	FLOW=$FLOW_A poll 300 is_keyed ctlA && FLOW=$FLOW_B poll 300 is_keyed ctlB
check "call keyed, secure or switching (and one flow negotiating with nobody)" [ $? = 0 ]
SAS=$(ctlA -j show $FLOW_A | json_field sas)

# 8 s of media both ways; alice's zrtpd is killed after 2 s and restarted
/sbin/ip netns exec "$A" rtpapp sniff --dev va --seconds 120 -j >/tmp/A/sniff.json 2>&1 &
SNIFF=$!
sleep 0.5
/sbin/ip netns exec "$B" rtpapp call --local 10.77.0.2:5000 --remote 10.77.0.1:4000 --count 800 --rate 100 --wait 5 --delay 1500 >/tmp/B/app.out 2>&1 &
APP_B=$!
/sbin/ip netns exec "$A" rtpapp call --local 10.77.0.1:4000 --remote 10.77.0.2:5000 --count 800 --rate 100 --wait 5 --delay 1500 >/tmp/A/app.out 2>&1 &
APP_A=$!
sleep 2
kill -KILL "$ZA"
wait "$ZA" 2>/dev/null
check "zrtpd killed (SIGKILL) while the media runs" sh -c "! kill -0 $ZA 2>/dev/null"
start_zrtpd "$A" /tmp/A; ZA=$ZPID
check "a new zrtpd starts on the leftover socket" alive "$ZA"
# the flow that was negotiating started over: the new daemon sent Hellos
# on it (counted per daemon).  Its Hello retries last about 4 s before a
# peer-less flow is declared clear, which a slow guest may reach before
# this check: handshake or clear, as long as the new zrtpd sent Hello.
hello_again() {
	S=$(ctlA -j show $LONELY)
	st=$(echo "$S" | json_field state)
	[ "$st" = handshake -o "$st" = clear ] && [ "$(echo "$S" | json_field zrtp_tx)" -ge 1 ]
}
check "the flow that was negotiating started its handshake again (new Hellos)" poll 30 hello_again
echo "# $S"

wait $APP_A; rc_a=$?
wait $APP_B; rc_b=$?
sed 's/^/# alice /' /tmp/A/app.out; sed 's/^/# bob   /' /tmp/B/app.out
check "media never stopped: both apps got all 800 packets" [ $rc_a = 0 -a $rc_b = 0 ]
kill -TERM $SNIFF; wait $SNIFF
sed 's/^/# capture on va: /' /tmp/A/sniff.json
check "no plaintext on the wire, before, during or after the restart" \
	[ "$(json_field plaintext </tmp/A/sniff.json)" = 0 -a "$(json_field udp </tmp/A/sniff.json)" -ge 1600 ]

S=$(ctlA -j show $FLOW_A)
echo "# restarted zrtpd: $S"
check "the restarted zrtpd lists the call as secure (resumed, same SAS)" \
	[ "$(echo "$S" | json_field state)" = secure -a "$(echo "$S" | json_field resumed)" = true \
	  -a "$(echo "$S" | json_field sas)" = "$SAS" ]
if [ $fails -gt 0 ]; then
	sed 's/^/# A: /' /tmp/A/zrtpd.log; sed 's/^/# B: /' /tmp/B/zrtpd.log
fi
exit $((fails > 0))
