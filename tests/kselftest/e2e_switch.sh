#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Fail closed at the switch to SRTP (issue 11, finding 1), on the real
# kernel: bob's zrtpd loses every Conf2ACK it sends (--test-drop Conf2ACK,
# a test-only hook: the message is built and counted, never sent).
#
#   netns A ("alice", initiator)                    netns B ("bob", responder)
#   zrtpd                                           zrtpd --test-drop Conf2ACK
#   rtpapp 10.77.0.1:4000  va ======= veth ======= vb  rtpapp 10.77.0.2:5000
#
# Alice never gets Conf2ACK: bob's first SRTP must stand for it (RFC 6189
# §4.6), so she switches; her SRTP then clears RX_TRIAL on bob's flow
# (FLOW_SECURED, API 3, or read back by zrtpd from an older kernel).
# A second call (ports 4002/5002) has bob's zrtpd SIGKILLed while it is
# switching, as the media starts, and restarted: the kernel keeps both
# flows keyed, alice takes bob's first SRTP for the Conf2ACK, and bob's new
# zrtpd finds his flow turned strict by alice's SRTP.  The media may start
# after alice's Confirm2 retransmissions ran out (a slow host: the debug
# kernel, in both calls): she keeps her keys (switching, not secure), and
# bob's first SRTP still makes her secure (zrtpd_switch tests the rest:
# a peer that never switches and keeps sending clear makes her fail).
# Throughout, a watcher reads each side's session state, then its kernel
# flow: a session shown "secure" must have a SECURE flow without
# rx-trial (the kernel refuses clear RTP).  Both end secure, same SAS, the
# apps get every packet.
#
# Kernel config: as e2e_call.sh.
lib=$(dirname "$0")/lib.sh; [ -r "$lib" ] || lib=$(command -v lib.sh); . "$lib"

ksft_plan 14
e2e_names e2e
e2e_load_ksrtp
e2e_veth
check "two hosts joined by veth" [ $? = 0 ]
start_zrtpd "$A" /tmp/A && start_zrtpd "$B" /tmp/B --test-drop Conf2ACK
check "zrtpd runs on both hosts (bob loses every Conf2ACK)" [ $? = 0 ]

FLOW_A="local 10.77.0.1:4000 remote 10.77.0.2:5000"
FLOW_B="local 10.77.0.2:5000 remote 10.77.0.1:4000"
FLOW_A2="local 10.77.0.1:4002 remote 10.77.0.2:5002"
FLOW_B2="local 10.77.0.2:5002 remote 10.77.0.1:4002"

# one look: "secure" in zrtpd, then the kernel flow must be strict
look() { # ctl-function flow...
	c=$1; shift
	st=$(state_of $c -j show "$@")
	[ "$st" = secure ] || return 0
	f=$($c -j flow show "$@" 2>/dev/null)
	echo "$f" | grep -q '"mode":"secure"' && echo "$f" | grep -q '"rx_trial":false' && return 0
	echo "# VIOLATION: $c shows secure but its flow is $f"
	return 1
}
watcher() {
	v=0
	while [ ! -e /tmp/A/stop ]; do
		look ctlA $FLOW_A || v=$((v + 1))
		look ctlB $FLOW_B || v=$((v + 1))
		look ctlA $FLOW_A2 || v=$((v + 1))
		look ctlB $FLOW_B2 || v=$((v + 1))
		sleep 0.3	# each zrtpctl is a process: do not starve the guest
	done
	echo $v > /tmp/A/violations
}
watcher &
WATCH=$!

ctlB session add $FLOW_B role responder >/dev/null && ctlA session add $FLOW_A role initiator >/dev/null
check "sessions added (alice initiator, bob responder)" [ $? = 0 ]
keyed() { st=$(state_of "$@"); [ "$st" = secure -o "$st" = switching ]; }
poll 300 keyed ctlA -j show $FLOW_A && poll 300 keyed ctlB -j show $FLOW_B
check "both have their keys (switching or secure)" [ $? = 0 ]
check "without media, bob is not secure: his kernel still takes clear RTP" \
	[ "$(state_of ctlB -j show $FLOW_B)" = switching ]

/sbin/ip netns exec "$B" rtpapp call --local 10.77.0.2:5000 --remote 10.77.0.1:4000 --count 300 --rate 100 --wait 5 --delay 1500 >/tmp/B/app.out 2>&1 &
APP_B=$!
inA rtpapp call --local 10.77.0.1:4000 --remote 10.77.0.2:5000 --count 300 --rate 100 --wait 5 --delay 1500 >/tmp/A/app.out 2>&1
rc_a=$?
wait $APP_B
rc_b=$?
sed 's/^/# alice /' /tmp/A/app.out; sed 's/^/# bob   /' /tmp/B/app.out
check "both apps got all 300 packets" [ $rc_a = 0 -a $rc_b = 0 ]
secure() { [ "$(state_of "$@")" = secure ]; }
poll 100 secure ctlA -j show $FLOW_A && poll 100 secure ctlB -j show $FLOW_B
check "both secure once SRTP flowed, with every Conf2ACK lost" [ $? = 0 ]
SA=$(ctlA -j show $FLOW_A); SB=$(ctlB -j show $FLOW_B)
check "same SAS on both sides" [ -n "$(echo "$SA" | json_field sas)" -a "$(echo "$SA" | json_field sas)" = "$(echo "$SB" | json_field sas)" ]

# The second call: bob's zrtpd dies while switching (keys in, no media yet).
ZB=${PIDS##* }
ctlB session add $FLOW_B2 role responder >/dev/null && ctlA session add $FLOW_A2 role initiator >/dev/null &&
	poll 300 keyed ctlA -j show $FLOW_A2 && poll 300 keyed ctlB -j show $FLOW_B2
check "second call: both have their keys (switching or secure)" [ $? = 0 ]
# Media starts (after --delay), then bob's zrtpd dies before its first
# packet: alice must take bob's SRTP for the lost Conf2ACK on her own.
# Alice's app starts sending 2 s after bob's: on a slow guest (the debug
# kernel, busy restarting bob's zrtpd) bob's rtpapp was seen to bind its
# socket more than a second late and miss alice's first packets.
/sbin/ip netns exec "$B" rtpapp call --local 10.77.0.2:5002 --remote 10.77.0.1:4002 --count 300 --rate 100 --wait 5 --delay 500 >/tmp/B/app2.out 2>&1 &
APP_B=$!
/sbin/ip netns exec "$A" rtpapp call --local 10.77.0.1:4002 --remote 10.77.0.2:5002 --count 300 --rate 100 --wait 5 --delay 2500 >/tmp/A/app2.out 2>&1 &
APP_A=$!
kill -9 "$ZB"; wait "$ZB" 2>/dev/null
start_zrtpd "$B" /tmp/B &&
	poll 100 ctlB -j show $FLOW_B2 >/dev/null 2>&1
check "bob's zrtpd SIGKILLed while switching; a new one runs and knows the call" [ $? = 0 ]
wait $APP_A
rc_a=$?
wait $APP_B
rc_b=$?
sed 's/^/# alice /' /tmp/A/app2.out; sed 's/^/# bob   /' /tmp/B/app2.out
check "second call: both apps got all 300 packets" [ $rc_a = 0 -a $rc_b = 0 ]
poll 100 secure ctlA -j show $FLOW_A2 && poll 100 secure ctlB -j show $FLOW_B2
check "second call: both secure once SRTP flowed (bob's zrtpd restarted)" [ $? = 0 ]
touch /tmp/A/stop
wait $WATCH
check "never shown secure while the kernel took clear RTP ($(cat /tmp/A/violations) violations)" \
	[ "$(cat /tmp/A/violations)" = 0 ]

if [ $fails -gt 0 ]; then
	e2e_dump_logs
fi
exit $((fails > 0))
