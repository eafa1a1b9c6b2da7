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
#   (RTCP on port+1:  4001 <----------------------------------->  5001)
#
# Each watch session covers its RTCP on port+1 (issue 12, item 1): one
# session per call, its RTCP flow keyed with it, SRTCP both ways.  Then
# bob's phone hangs up (his session goes) and calls again on the same
# ports while alice's session is still secure: a new ZRTP session, a new
# SAS, the media under the new keys (item 2).
#
# Kernel config: CONFIG_NET_NS, CONFIG_VETH, CONFIG_NETFILTER.
lib=$(dirname "$0")/lib.sh; [ -r "$lib" ] || lib=$(command -v lib.sh); . "$lib"

ksft_plan 12
e2e_names e2w
is_state() { want=$1; shift; "$@" -j show $FLOW 2>/dev/null | grep -q "\"state\":\"$want\""; }
e2e_load_ksrtp
e2e_veth || { nok "two hosts"; skip_rest "no topology"; }

start_zrtpd "$A" /tmp/A --watch udp:4000-4099 && start_zrtpd "$B" /tmp/B --watch udp:5000-5099
check "zrtpd watching on both hosts, no sessions" \
	[ "$(ctlA -j status | json_field sessions)" = 0 -a "$(ctlB -j watch list)" = '[{"min":5000,"max":5099}]' ]

# the applications just start talking; the first packets may go clear
# (opportunistic) until the handshake ends, then SRTP
/sbin/ip netns exec "$B" rtpapp call --local 10.77.0.2:5000 --remote 10.77.0.1:4000 --count 300 --rate 100 --wait 5 --delay 1500 --rtcp 10 >/tmp/B/app.out 2>&1 &
APP_B=$!
inA rtpapp call --local 10.77.0.1:4000 --remote 10.77.0.2:5000 --count 300 --rate 100 --wait 5 --delay 1500 --rtcp 10 >/tmp/A/app.out 2>&1
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
	[ "${1:-0}" = 300 -a "${2:-1}" = 0 -a "${3:-0}" = 300 -a "${4:-1}" = 0 ]
check "RTCP on port+1: both apps got the other's 30 RTCP packets exact, across the switch" \
	eval 'grep -q "RTCP sent 30 received 30 bad 0" /tmp/A/app.out && grep -q "RTCP sent 30 received 30 bad 0" /tmp/B/app.out'
echo "# exit codes: alice $rc_a, bob $rc_b"

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
rtx=$(inA zrtpctl -j stats local 10.77.0.1:4001 remote 10.77.0.2:5001 | json_field tx_packets)
check "one session per side, its RTCP flow on port+1 keyed and used (alice's kernel protected $rtx RTCP packets)" \
	[ "$(ctlA -j status | json_field sessions)" = 1 -a "$(ctlB -j status | json_field sessions)" = 1 \
	  -a "$(echo "$SA" | json_field rtcp_local)" = 10.77.0.1:4001 -a "$(echo "$SB" | json_field rtcp_local)" = 10.77.0.2:5001 \
	  -a "${rtx:-0}" -ge 1 ]

# bob's phone hangs up (the operator, or its own zrtpd, ends his session)
# and calls again from the same ports: his watch starts a new session
SAS1=$(echo "$SA" | json_field sas)
FA="local 10.77.0.1:4000 remote 10.77.0.2:5000"
FB="local 10.77.0.2:5000 remote 10.77.0.1:4000"
ctlB session del $FB
/sbin/ip netns exec "$B" rtpapp call --local 10.77.0.2:5000 --remote 10.77.0.1:4000 --count 800 --rate 100 --wait 5 --delay 500 >/tmp/B/app2.out 2>&1 &
APP_B=$!
/sbin/ip netns exec "$A" rtpapp call --local 10.77.0.1:4000 --remote 10.77.0.2:5000 --count 800 --rate 100 --wait 5 --delay 500 >/tmp/A/app2.out 2>&1 &
APP_A=$!
redialled() {
	S=$(ctlA -j show $FA 2>/dev/null)
	[ "$(echo "$S" | json_field redials)" = 1 -a "$(echo "$S" | json_field rekeying)" = false \
	  -a "$(echo "$S" | json_field state)" = secure ]
}
poll 300 redialled
check "bob's new call on the same ports: alice's watch session runs a new ZRTP session and is secure again" [ $? = 0 ]
wait $APP_A; wait $APP_B
sed 's/^/# alice /' /tmp/A/app2.out; sed 's/^/# bob   /' /tmp/B/app2.out
FLOW=$FB
poll 50 is_state secure ctlB
sas_a=$(ctlA -j show $FA | json_field sas); sas_b=$(ctlB -j show $FB | json_field sas)
echo "# after the redial: alice SAS '$sas_a', bob '$sas_b' (first call '$SAS1')"
check "after the redial: both secure with the same new SAS" \
	[ -n "$sas_a" -a "$sas_a" = "$sas_b" -a "$sas_a" != "$SAS1" -a "$(ctlB -j show $FB | json_field state)" = secure ]
# the old keys served (the peer's new call could not read them) until the
# new ones were in; from then on each app gets the other's media exact
set -- $(lost /tmp/A/app2.out) $(lost /tmp/B/app2.out)
echo "# redial: alice got $1 of 800 exact, bob $3"
check "after the redial the media goes under the new keys both ways (>= 100 exact packets each)" \
	[ "${1:-0}" -ge 100 -a "${3:-0}" -ge 100 ]

if [ $fails -gt 0 ]; then
	e2e_dump_logs
fi
exit $((fails > 0))
