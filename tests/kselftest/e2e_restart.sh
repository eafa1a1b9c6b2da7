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
lib=$(dirname "$0")/lib.sh; [ -r "$lib" ] || lib=$(command -v lib.sh); . "$lib"

ksft_plan 8
e2e_names e2r
alive() { kill -0 "$1" 2>/dev/null; }
is_state() { want=$1; shift; "$@" -j show $FLOW 2>/dev/null | grep -q "\"state\":\"$want\""; }
is_keyed() { "$@" -j show $FLOW 2>/dev/null | grep -q "\"state\":\"\(secure\|switching\)\""; }
e2e_load_ksrtp
e2e_veth || { nok "two hosts"; skip_rest "no topology"; }

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
sniff_start "" /tmp/A/sniff.json
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
	e2e_dump_logs
fi
exit $((fails > 0))
