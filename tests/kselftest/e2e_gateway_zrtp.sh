#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A ZRTP gateway: zrtpd terminates ZRTP with an outside phone on leg A of a
# kernel relay, and the kernel relays clear RTP to an inside PBX on leg B
# (zrtpctl relay add A to B zrtp a).  The phone is bzrtp + libsrtp
# (bzrtp_peer), the PBX a plain RTP application; neither knows of ksrtp.
#
#   netns P (phone)        netns G (gateway: ksrtp + zrtpd, no sockets)   netns X (PBX)
#   bzrtp_peer             leg A 10.82.0.1:4000     leg B 10.83.0.1:4100     rtpapp
#   10.82.0.2:5000 ==vp/vg== ZRTP -> SECURE <relay> DIVERT (clear) ==vh/vx== 10.83.0.2:6000
#
# zrtpd and bzrtp agree on the SAS; each end gets exactly what the other
# sent; the outside wire carries ZRTP and SRTP only, the inside wire clear
# RTP only (no ZRTP ever); the gateway's UDP sockets get nothing; leg B is
# never a zrtpd session and never changes; the counters add up; ZRTP from
# the inside is ignored and never crosses.  zrtpd restarts mid-call and
# takes back leg A only; then the call is hung up and dialled again on the
# same ports.
# Kernel config: CONFIG_NET_NS, CONFIG_VETH, CONFIG_NETFILTER, CONFIG_PACKET.
#
lib=$(dirname "$0")/lib.sh; [ -r "$lib" ] || lib=$(command -v lib.sh); . "$lib"

ksft_plan 29
gw_names e2g /tmp/G
if ! command -v bzrtp_peer >/dev/null; then
	skip_rest "bzrtp_peer not in the VM (--bin build/bin/bzrtp_peer)"
fi
e2e_load_ksrtp
check "three hosts: phone, gateway, PBX" gw_topo 10.82.0 10.83.0 || skip_rest "no topology"

ctlG() { inG zrtpctl -s /tmp/G/zrtpd.sock "$@"; }
A="local 10.82.0.1:4000 remote 10.82.0.2:5000"
B="local 10.83.0.1:4100 remote 10.83.0.2:6000"
start_zrtpd $G /tmp/G
# the gateway's UDP counters (its sockets): InDatagrams, NoPorts
udp_in() { inG awk '/^Udp:/ { n++; if (n == 2) print $2 + $3 }' /proc/net/snmp; }
# rtpapp sniff on DEV in G, json to FILE; pid in $S_pid
sniff() {
	before=$(inG cat /proc/net/packet | wc -l)
	/sbin/ip netns exec $G rtpapp sniff --dev $1 --seconds 600 -j >$2 2>&1 &
	S_pid=$!
	PIDS="$PIDS $S_pid"
	more() { [ "$(inG cat /proc/net/packet | wc -l)" -gt "$before" ]; }
	poll 300 more || echo "# the capture on $1 did not start in 30 s"
}

# call N COUNT: legs, relay with ZRTP on leg A, the phone, the PBX; checks
call() {
	tag=$1
	sniff vg /tmp/G/out$tag.json; SO=$S_pid
	sniff vh /tmp/G/in$tag.json; SI=$S_pid
	# the flows first: the phone's first Hello finds leg A, not a closed port
	{ inG zrtpctl flow add $A && inG zrtpctl flow add $B; } >/tmp/G/setup$tag.out 2>&1
	rc=$?
	/sbin/ip netns exec $P bzrtp_peer --local 10.82.0.2:5000 --remote 10.82.0.1:4000 \
		--count 200 --rate 100 --after-peer --wait 8 --timeout 120 >/tmp/G/phone$tag.out 2>&1 &
	PHONE=$!
	PIDS="$PIDS $PHONE"
	[ $rc = 0 ] && ctlG relay add $A to $B zrtp a >>/tmp/G/setup$tag.out 2>&1
	rc=$?
	sed 's/^/# /' /tmp/G/setup$tag.out
	check "call $tag: legs and the relay with ZRTP on leg A (zrtpctl relay add ... zrtp a)" [ $rc = 0 ]
	# secure both ends (leg A SECURE: nothing the PBX sends leaves clear)
	keyed() { grep -q 'secure, SAS' /tmp/G/phone$tag.out &&
		  ctlG -j show $A 2>/dev/null | grep -q '"mode":"secure"'; }
	poll 600 keyed
	S=$(ctlG -j relay show)
	Sa=$(echo "$S" | sed 's/,"b":{.*//')	# leg a alone
	sas=$(echo "$Sa" | sed -n 's/.*"session":{.*"sas":"\([^"]*\)".*/\1/p')
	prof=$(echo "$Sa" | sed -n 's/.*"session":{.*"srtp_profile":"\([^"]*\)".*/\1/p')
	line=$(grep 'secure, SAS' /tmp/G/phone$tag.out)
	echo "# relay show: $S"
	echo "# phone: $line"
	check "call $tag: zrtpd (relay show, leg a) and bzrtp agree on SAS '$sas' and $prof" \
		[ -n "$sas" -a "$line" = "bzrtp_peer: secure, SAS $sas, $prof" ]
	T=$(ctlG relay show)
	echo "$T" | sed 's/^/# /'
	check "call $tag: relay show (text) prints leg a's session with its SAS" \
		[ -n "$(echo "$T" | grep "^    zrtpd: flow .* SAS $sas")" -a \
		  -z "$(echo "$T" | sed -n '/leg b:/,$p' | grep zrtpd:)" ]
	/sbin/ip netns exec $X rtpapp call --local 10.83.0.2:6000 --remote 10.83.0.1:4100 \
		--count 200 --rate 100 --wait 8 --delay 500 >/tmp/G/pbx$tag.out 2>&1
	rc_x=$?
	wait $PHONE
	rc_p=$?
	sed 's/^/# PBX: /' /tmp/G/pbx$tag.out; sed 's/^/# phone: /' /tmp/G/phone$tag.out
	check "call $tag: PBX got all 200 of the phone's packets exact (SRTP from bzrtp, decrypted by the gateway's kernel)" [ $rc_x = 0 ]
	check "call $tag: phone (libsrtp) authenticated all 200 of the PBX's packets (encrypted by the gateway)" [ $rc_p = 0 ]
	secure() { ctlG -j show $A 2>/dev/null | grep -q '"state":"secure"'; }
	check "call $tag: zrtpd shows leg A secure" poll 50 secure
	kill -TERM $SO $SI; wait $SO; wait $SI
	o=/tmp/G/out$tag.json i=/tmp/G/in$tag.json
	sed 's/^/# outside capture: /' $o; sed 's/^/# inside capture: /' $i
	check "call $tag: outside wire: ZRTP and SRTP only, no plaintext" \
		[ "$(json_field plaintext <$o)" = 0 -a "$(json_field zrtp <$o)" -gt 0 -a \
		  "$(json_field udp <$o)" = $((400 + $(json_field zrtp <$o))) ]
	check "call $tag: inside wire: the 400 clear packets, no ZRTP" \
		[ "$(json_field zrtp <$i)" = 0 -a "$(json_field plaintext <$i)" = 400 -a \
		  "$(json_field udp <$i)" = 400 ]
	SA=$(inG zrtpctl -j stats $A); SB=$(inG zrtpctl -j stats $B)
	echo "# leg A: $SA"; echo "# leg B: $SB"
	f() { echo "$1" | json_field $2; }
	check "call $tag: counters: leg A 200 SRTP in and 200 out, 200 relayed each way, leg B 400 clear" \
		[ "$(f "$SA" rx_packets)" = 200 -a "$(f "$SA" tx_packets)" = 200 -a \
		  "$(f "$SA" relay_packets)" = 200 -a "$(f "$SB" relay_packets)" = 200 -a \
		  "$(f "$SB" clear_passed)" = 400 -a "$(f "$SA" rx_auth_fail)" = 0 ]
	check "call $tag: leg B untouched: DIVERT, no rx-trial, no keys, no ZRTP sent, no zrtpd session" \
		[ "$(f "$SB" mode)" = divert -a "$(f "$SB" zrtp_tx)" = 0 -a \
		  -z "$(echo "$SB" | grep -o '"dir"')" -a \
		  -z "$(inG zrtpctl -j flow show $B | grep -o '"rx_trial":true')" -a \
		  "$(ctlG -j list | grep -o '"state"' | wc -l)" = 1 ]
}

call 1
check "the gateway's UDP sockets got nothing (InDatagrams + NoPorts = $(udp_in))" [ "$(udp_in)" = 0 ]

# ZRTP from the inside (a ZRTP endpoint, or a forger, on the PBX's 4-tuple):
# the kernel diverts it to zrtpd, which has no session on leg B and answers
# nothing; nothing of it crosses to the outside
sniff vg /tmp/G/outz.json; SO=$S_pid
uk0=$(ctlG -j status | json_field zrtp_unknown)
ip netns exec $X bzrtp_peer --local 10.83.0.2:6000 --remote 10.83.0.1:4100 --count 1 \
	--timeout 3 >/tmp/G/inside-zrtp.out 2>&1
rc=$?
kill -TERM $SO; wait $SO
SB=$(inG zrtpctl -j stats $B)
uk1=$(ctlG -j status | json_field zrtp_unknown)
echo "# inside ZRTP endpoint: $(cat /tmp/G/inside-zrtp.out)"; echo "# leg B: $SB"
echo "# outside capture meanwhile: $(cat /tmp/G/outz.json)"
check "ZRTP from the inside: diverted to zrtpd ($((uk1 - uk0)) ignored), never answered on leg B" \
	[ $rc != 0 -a "$(echo "$SB" | json_field zrtp_rx)" -gt 0 -a $((uk1 - uk0)) -gt 0 -a \
	  "$(echo "$SB" | json_field zrtp_tx)" = 0 -a "$(ctlG -j list | grep -o '"state"' | wc -l)" = 1 ]
check "ZRTP from the inside never reaches the outside wire" \
	[ "$(json_field zrtp </tmp/G/outz.json)" = 0 -a "$(json_field udp </tmp/G/outz.json)" = 0 ]

# zrtpd restarts during the call: it takes leg A back (secure, same SAS,
# from the kernel's relay and its state file), never leg B
kill -TERM $ZPID; wait $ZPID
start_zrtpd $G /tmp/G
L=$(ctlG -j list)
echo "# after the restart: $L"
check "restart: leg A resumed secure with its SAS '$sas' and relay" \
	[ "$(echo "$L" | json_field state)" = secure -a "$(echo "$L" | json_field sas)" = "$sas" -a \
	  "$(echo "$L" | json_field resumed)" = true -a -n "$(echo "$L" | grep -o '"relay":{"id"')" ]
check "restart: leg B is still nobody's session" \
	[ "$(echo "$L" | grep -o '"state"' | wc -l)" = 1 -a \
	  -z "$(inG zrtpctl -j flow show $B | grep -o '"rx_trial":true')" ]

# hang up: the session (and with it leg A and the relay), then leg B
{ ctlG session del $A && inG zrtpctl flow del $B; } >/tmp/G/hangup.out 2>&1
rc=$?
check "hang-up: session del (leg A, the relay) and flow del (leg B)" \
	[ $rc = 0 -a "$(inG zrtpctl -j relay show)" = "[]" -a "$(ctlG -j list)" = "[]" ]
call 2
check "still nothing for the gateway's UDP sockets after the redial ($(udp_in))" [ "$(udp_in)" = 0 ]
[ $fails = 0 ] || { inG zrtpctl stats | sed 's/^/# gateway: /'; sed 's/^/# zrtpd: /' /tmp/G/zrtpd.log; }
exit $((fails > 0))
