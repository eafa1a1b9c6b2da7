#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A ZRTP call between two unmodified RTP applications, one per host, each
# host running ksrtp and zrtpd.  Run in the VM (tools/vm/run.sh) with
# --bin zrtpd --bin zrtpctl --bin rtpapp.
#
#   netns A ("alice")                               netns B ("bob")
#   zrtpd  (ctl: /tmp/A/zrtpd.sock)                 zrtpd  (ctl: /tmp/B/zrtpd.sock)
#   rtpapp 10.77.0.1:4000  va ======= veth ======= vb  rtpapp 10.77.0.2:5000
#                          ^ rtpapp sniff: no plaintext payload on the wire
#
# 1. handshake: both sides secure, same SAS and cipher (zrtpctl -j)
# 2. each app receives exactly the packets the other sent, both ways
# 3. the capture on the veth holds ZRTP and SRTP, never the clear payload
# 4. the kernel counted the protected packets (zrtpctl stats, netlink)
# 5. RTCP on port+1 (4001 <-> 5001, RFC 3550 §11): a second kernel flow
#    per side, keyed and switched with the session: SRTCP on the wire, no
#    ZRTP there, every RTCP packet delivered exact (issue 12, item 1)
# 6. bob hangs up and redials on the same ports while alice's session is
#    still secure: a new ZRTP session, a new SAS, the media goes on under
#    the new keys (issue 12, item 2)
# 7. second call: rs1 matches (cache "match"), the SAS verified in the
#    first call is still verified
#
# Kernel config: CONFIG_NET_NS, CONFIG_VETH, CONFIG_NETFILTER, CONFIG_PACKET,
# the AES/CTR/HMAC/SHA1 crypto.
lib=$(dirname "$0")/lib.sh; [ -r "$lib" ] || lib=$(command -v lib.sh); . "$lib"

ksft_plan 23
e2e_names e2e
e2e_load_ksrtp
e2e_veth
check "two hosts joined by veth" [ $? = 0 ]
start_zrtpd "$A" /tmp/A && start_zrtpd "$B" /tmp/B
check "zrtpd runs on both hosts" [ $? = 0 ]

secure() { "$@" -j show $FLOW 2>/dev/null | grep -q '"state":"secure"'; }
# keys in: "secure", or "switching" while the kernel still takes the
# peer's clear RTP (until the peer's first SRTP authenticates, issue 11)
keyed() { "$@" -j show $FLOW 2>/dev/null | grep -q '"state":"\(secure\|switching\)"'; }

call() { # local-port remote-port: both sides add their end, wait until keyed
	FLOW_A="local 10.77.0.1:$1 remote 10.77.0.2:$2"
	FLOW_B="local 10.77.0.2:$2 remote 10.77.0.1:$1"
	ctlA session add $FLOW_A >/dev/null && ctlB session add $FLOW_B >/dev/null || return 1
	FLOW=$FLOW_A; poll 300 keyed ctlA || return 1
	FLOW=$FLOW_B; poll 300 keyed ctlB
}
# a capture on alice's side of the wire, from before the handshake to the
# end of the media; the host runs tshark on it (tools/vm/check-pcap.sh)
sniff_start /tmp/A/call.pcap /tmp/A/sniff.json 4001
check "handshake completes, both sides have their keys in (secure or switching)" call 4000 5000
check "each session has its RTCP flow on port+1 (4001 <-> 5001)" \
	[ "$(ctlA -j show $FLOW_A | json_field rtcp_local)" = 10.77.0.1:4001 -a \
	  "$(ctlB -j show $FLOW_B | json_field rtcp_remote)" = 10.77.0.1:4001 ]

SA=$(ctlA -j show $FLOW_A)
SB=$(ctlB -j show $FLOW_B)
sas_a=$(echo "$SA" | json_field sas); sas_b=$(echo "$SB" | json_field sas)
cip_a=$(echo "$SA" | json_field srtp_profile); cip_b=$(echo "$SB" | json_field srtp_profile)
echo "# alice: SAS '$sas_a' $cip_a; bob: SAS '$sas_b' $cip_b"
check "same SAS and SRTP profile on both sides" [ -n "$sas_a" -a "$sas_a" = "$sas_b" -a -n "$cip_a" -a "$cip_a" = "$cip_b" ]

# media both ways, RTP and (one packet in 10) RTCP on port+1
media() { # count tag: both apps, RTP on 4000/5000, RTCP on 4001/5001
	/sbin/ip netns exec "$B" rtpapp call --local 10.77.0.2:5000 --remote 10.77.0.1:4000 --count $1 \
		--rate 100 --wait 5 --delay 1500 --rtcp 10 >/tmp/B/app$2.out 2>&1 &
	APP_B=$!
	inA rtpapp call --local 10.77.0.1:4000 --remote 10.77.0.2:5000 --count $1 --rate 100 --wait 5 \
		--delay 1500 --rtcp 10 >/tmp/A/app$2.out 2>&1
	rc_a=$?
	wait $APP_B
	rc_b=$?
	sed 's/^/# alice /' /tmp/A/app$2.out; sed 's/^/# bob   /' /tmp/B/app$2.out
}
rtp_exact() { grep -q ' received \([0-9]*\) verified .* bad 0 duplicate 0 missing 0' "$1"; }
rtcp_exact() { grep -q "RTCP sent $2 received $2 bad 0" "$1"; }
media 200 ""
check "alice received exactly bob's 200 packets" rtp_exact /tmp/A/app.out
check "bob received exactly alice's 200 packets" rtp_exact /tmp/B/app.out
check "RTCP on port+1: each side received the other's 20 RTCP packets exact (SRTCP through both kernels)" \
	eval 'rtcp_exact /tmp/A/app.out 20 && rtcp_exact /tmp/B/app.out 20'
# after the first SRTP both kernels refuse clear RTP: only now "secure"
FLOW=$FLOW_A; secure ctlA; rc_a=$?
FLOW=$FLOW_B; secure ctlB; rc_b=$?
check "both sides secure once SRTP flowed (RX_TRIAL cleared by the kernel)" [ $rc_a = 0 -a $rc_b = 0 ]
check "both RTCP flows are SECURE and strict too" \
	[ "$(ctlA -j show $FLOW_A | json_field rtcp_mode)" = secure -a "$(ctlA -j show $FLOW_A | json_field rtcp_rx_trial)" = false \
	  -a "$(ctlB -j show $FLOW_B | json_field rtcp_mode)" = secure -a "$(ctlB -j show $FLOW_B | json_field rtcp_rx_trial)" = false ]
rtx=$(inA zrtpctl -j stats local 10.77.0.1:4001 remote 10.77.0.2:5001 | json_field tx_packets)
rrx=$(inA zrtpctl -j stats local 10.77.0.1:4001 remote 10.77.0.2:5001 | json_field rx_packets)
echo "# alice's RTCP flow: $rtx protected, $rrx unprotected"
check "alice's kernel protected 20 and unprotected 20 RTCP packets on the RTCP flow" [ "${rtx:-0}" -ge 20 -a "${rrx:-0}" -ge 20 ]

# bob hangs up and calls again on the same ports; alice's session (her
# application did not hang up yet) is still secure under the old keys
SAS1=$sas_a
ID_A=$(ctlA -j show $FLOW_A | json_field id)
redialled() {
	S=$(ctlA -j show $FLOW_A 2>/dev/null)
	[ "$(echo "$S" | json_field redials)" = 1 -a "$(echo "$S" | json_field rekeying)" = false ] &&
		FLOW=$FLOW_B keyed ctlB
}
ctlB session del $FLOW_B && ctlB session add $FLOW_B >/dev/null && poll 300 redialled
check "bob redials on the same ports: alice's zrtpd runs a new ZRTP session, both have new keys" [ $? = 0 ]
sas_a=$(ctlA -j show $FLOW_A | json_field sas); sas_b=$(ctlB -j show $FLOW_B | json_field sas)
echo "# after the redial: alice SAS '$sas_a', bob '$sas_b' (first call: '$SAS1')"
check "after the redial: the same new SAS on both sides" [ -n "$sas_a" -a "$sas_a" = "$sas_b" -a "$sas_a" != "$SAS1" ]
media 100 2
check "after the redial: every RTP and RTCP packet arrives exact, both ways" \
	eval 'rtp_exact /tmp/A/app2.out && rtp_exact /tmp/B/app2.out && rtcp_exact /tmp/A/app2.out 10 && rtcp_exact /tmp/B/app2.out 10'
FLOW=$FLOW_A; secure ctlA; rc_a=$?
FLOW=$FLOW_B; secure ctlB; rc_b=$?
check "after the redial: both secure, alice's session the same (flow $ID_A)" \
	[ $rc_a = 0 -a $rc_b = 0 -a "$(ctlA -j show $FLOW_A | json_field id)" = "$ID_A" ]

kill -TERM $SNIFF; wait $SNIFF
sed 's/^/# capture on va: /' /tmp/A/sniff.json
# the capture leaves the VM as an artifact line (run.sh decodes it)
[ -s /tmp/A/call.pcap ] && echo "# ksrtp-vm artifact e2e_call.pcap $(base64 -w 0 /tmp/A/call.pcap)"
udp=$(json_field udp </tmp/A/sniff.json); plain=$(json_field plaintext </tmp/A/sniff.json)
check "the RTCP port 4001 carried SRTCP only: >= 60 packets, none with the plaintext, no ZRTP" \
	[ "$(json_field port_udp </tmp/A/sniff.json)" -ge 60 -a "$(json_field port_plaintext </tmp/A/sniff.json)" = 0 \
	  -a "$(json_field port_zrtp </tmp/A/sniff.json)" = 0 ]
check "the wire carried the call (>= 400 UDP packets)" [ "${udp:-0}" -ge 400 ]
check "no plaintext payload on the wire" [ "${plain:-1}" = 0 ]

tx=$(inA zrtpctl -j stats $FLOW_A | json_field tx_packets)
rx=$(inA zrtpctl -j stats $FLOW_A | json_field rx_packets)
echo "# alice's kernel: $tx protected, $rx unprotected"
check "alice's kernel protected 200 and unprotected 200 packets" [ "${tx:-0}" -ge 200 -a "${rx:-0}" -ge 200 ]

# both users compare the SAS and press "verified"; hang up; call again
ctlA verify $FLOW_A && ctlB verify $FLOW_B && ctlA session del $FLOW_A && ctlB session del $FLOW_B
check "SAS verified on both sides, call ended" [ $? = 0 ]

if call 4002 5002; then
	SA=$(ctlA -j show $FLOW_A); SB=$(ctlB -j show $FLOW_B)
	echo "# second call: alice cache $(echo "$SA" | json_field cache) verified $(echo "$SA" | json_field verified)"
	check "second call: retained secret matched on both sides" \
		[ "$(echo "$SA" | json_field cache)" = match -a "$(echo "$SB" | json_field cache)" = match ]
	check "second call: SAS still verified on both sides" \
		[ "$(echo "$SA" | json_field verified)" = true -a "$(echo "$SB" | json_field verified)" = true ]
else
	nok "second call: retained secret matched on both sides"
	nok "second call: SAS still verified on both sides"
fi

if [ $fails -gt 0 ]; then
	echo "# zrtpd logs:"; e2e_dump_logs
fi
exit $((fails > 0))
