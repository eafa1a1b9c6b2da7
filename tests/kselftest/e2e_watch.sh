#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Watch mode: no per-call configuration at all.  Both zrtpd watch a port
# range; an application's first RTP packet (alice) or a ZRTP Hello from an
# unknown peer (bob) starts a session, and the call becomes secure.
#
#   netns A ("alice")                                   netns B ("bob")
#   zrtpd --watch udp:4000-4099                         zrtpd --watch udp:5000-5099
#   rtpapp 10.77.0.1:4000  va ========= veth ========= vb  rtpapp 10.77.0.2:5000
#
# Kernel config: CONFIG_NET_NS, CONFIG_VETH, CONFIG_NETFILTER.
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

PLAN=7
echo "TAP version 13"
echo "1..$PLAN"

r=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
A=e2wa$r
B=e2wb$r
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
is_state() { want=$1; shift; "$@" -j show $FLOW 2>/dev/null | grep -q "\"state\":\"$want\""; }

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
start_zrtpd() { # ns dir watch
	/sbin/ip netns exec "$1" zrtpd --cache "$2/cache.db" --state-file "$2/state" \
		-s "$2/zrtpd.sock" --watch "$3" >>"$2/zrtpd.log" 2>&1 &
	PIDS="$PIDS $!"
	poll 100 ip netns exec "$1" zrtpctl -s "$2/zrtpd.sock" status >/dev/null 2>&1
}
start_zrtpd "$A" /tmp/A udp:4000-4099 && start_zrtpd "$B" /tmp/B udp:5000-5099
check "zrtpd watching on both hosts, no sessions" \
	[ "$(ctlA -j status | json_field sessions)" = 0 -a "$(ctlB -j watch list)" = '[{"min":5000,"max":5099}]' ]

# the applications just start talking; the first packets may go clear
# (opportunistic) until the handshake ends, then SRTP
/sbin/ip netns exec "$B" rtpapp call --local 10.77.0.2:5000 --remote 10.77.0.1:4000 --count 300 --rate 100 --wait 5 --delay 1500 >/tmp/B/app.out 2>&1 &
APP_B=$!
inA rtpapp call --local 10.77.0.1:4000 --remote 10.77.0.2:5000 --count 300 --rate 100 --wait 5 --delay 1500 >/tmp/A/app.out 2>&1
rc_a=$?
wait $APP_B; rc_b=$?
sed 's/^/# alice /' /tmp/A/app.out; sed 's/^/# bob   /' /tmp/B/app.out
# The two hosts switch to SRTP one ZRTP message apart (RFC 6189 §4.6);
# zrtpd's flows carry KSRTP_POLICY_RX_TRIAL, so each kernel takes the
# peer's SRTP as soon as it has the RX key and the peer's clear RTP until
# the first SRTP authenticates: nothing is lost or garbled at the switch.
lost() { sed -n 's/.*received \([0-9]*\) verified.*bad \([0-9]*\).*/\1 \2/p' "$1"; }
set -- $(lost /tmp/A/app.out) $(lost /tmp/B/app.out)
echo "# switch window: alice got $1 (+$2 garbled), bob got $3 (+$4 garbled) of 300"
check "both apps got all 300 packets, none garbled, across the switch to SRTP" \
	[ $rc_a = 0 -a $rc_b = 0 -a "${1:-0}" = 300 -a "${2:-1}" = 0 -a "${3:-0}" = 300 -a "${4:-1}" = 0 ]

FLOW="local 10.77.0.1:4000 remote 10.77.0.2:5000"
check "alice's zrtpd started a session by itself and it is secure" poll 50 is_state secure ctlA
FLOW="local 10.77.0.2:5000 remote 10.77.0.1:4000"
check "bob's zrtpd started a session by itself and it is secure" poll 50 is_state secure ctlB
SA=$(ctlA -j show local 10.77.0.1:4000 remote 10.77.0.2:5000)
SB=$(ctlB -j show local 10.77.0.2:5000 remote 10.77.0.1:4000)
echo "# alice: $(echo "$SA" | json_field sas) watch=$(echo "$SA" | json_field watch); bob: $(echo "$SB" | json_field sas) watch=$(echo "$SB" | json_field watch)"
check "same SAS, both sessions created by the watch" \
	[ -n "$(echo "$SA" | json_field sas)" -a "$(echo "$SA" | json_field sas)" = "$(echo "$SB" | json_field sas)" \
	  -a "$(echo "$SA" | json_field watch)" = true -a "$(echo "$SB" | json_field watch)" = true ]
tx=$(inA zrtpctl -j stats local 10.77.0.1:4000 remote 10.77.0.2:5000 | json_field tx_packets)
echo "# alice's kernel protected $tx packets"
check "the call went SRTP once secure (kernel protected packets)" [ "${tx:-0}" -ge 1 ]

if [ $fails -gt 0 ]; then
	inA zrtpctl stats | sed 's/^/# A stats: /'; inB zrtpctl stats | sed 's/^/# B stats: /'
	sed 's/^/# A: /' /tmp/A/zrtpd.log; sed 's/^/# B: /' /tmp/B/zrtpd.log
fi
exit $((fails > 0))
