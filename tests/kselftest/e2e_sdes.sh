#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Keys from SDES (RFC 4568) instead of ZRTP: what a gateway whose own SIP
# stack negotiated a=crypto does.  zrtpctl flow key reads each attribute
# from a file or standard input (never argv) through libksrtp's parser;
# the other end is libsrtp keyed from the same attributes (bzrtp_peer
# --sdes-*, which decodes them with OpenSSL, not with our parser).
#
#   netns A: ksrtp, no zrtpd                     netns B: no ksrtp flow
#   rtpapp 10.77.0.1:40xx  va ===== veth ===== vb  bzrtp_peer 10.77.0.2:50xx
#   (plain RTP; the kernel does SRTP)              (libsrtp on one socket)
#
lib=$(dirname "$0")/lib.sh; [ -r "$lib" ] || lib=$(command -v lib.sh); . "$lib"

SUITES="AES_CM_128_HMAC_SHA1_80:30 AES_256_CM_HMAC_SHA1_32:46 AEAD_AES_256_GCM:44"
# KASAN + lockdep under TCG: one suite (the data path's profiles are covered
# on that kernel by ksrtp_datapath)
[ -n "${KSRTP_DEBUG_KERNEL:-}" ] && SUITES="AEAD_AES_256_GCM:44"
ksft_plan $((3 + 4 * $(echo $SUITES | wc -w)))
e2e_names e2s
if ! command -v bzrtp_peer >/dev/null; then
	skip_rest "bzrtp_peer not in the VM (--bin build/bin/bzrtp_peer)"
fi
e2e_load_ksrtp
e2e_veth || { nok "two hosts"; skip_rest "no topology"; }
ok "two hosts"

# An attribute the parser refuses: exit 2, the reason, nothing installed.
F0="local 10.77.0.1:3999 remote 10.77.0.2:4999"
inA zrtpctl flow add $F0 >/dev/null
echo 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:QUJD' | inA zrtpctl flow key $F0 dir tx \
	>/tmp/A/bad.out 2>&1
rc=$?
keys=$(inA zrtpctl -j stats $F0 2>/dev/null | grep -o '"dir"' | wc -l)
sed 's/^/# /' /tmp/A/bad.out
grep -q 'wrong length' /tmp/A/bad.out && why=1 || why=0
check "a key of the wrong length is refused with its reason, no key installed" \
	[ $rc = 2 -a "$keys" = 0 -a $why = 1 ]

key() { head -c "$1" /dev/urandom | base64 | tr -d '\n'; }
i=0
for s in $SUITES; do
	suite=${s%%:*}; len=${s##*:}
	i=$((i + 1))
	FLOW="local 10.77.0.1:$((4000 + 2 * i)) remote 10.77.0.2:$((5000 + 2 * i))"
	# alice sends with ta (bob receives with it), bob with tb
	echo "a=crypto:1 $suite inline:$(key "$len")|2^31" >/tmp/A/tx.attr
	echo "a=crypto:1 $suite inline:$(key "$len")" >/tmp/A/rx.attr
	cp /tmp/A/tx.attr /tmp/B/rx.attr
	cp /tmp/A/rx.attr /tmp/B/tx.attr
	inA zrtpctl flow add $FLOW >/dev/null &&
	inA zrtpctl flow key $FLOW dir tx key-file /tmp/A/tx.attr >/tmp/A/key.out 2>&1 &&
	inA zrtpctl flow key $FLOW dir rx </tmp/A/rx.attr >>/tmp/A/key.out 2>&1 &&
	inA zrtpctl flow set $FLOW mode secure require-secure >>/tmp/A/key.out 2>&1
	rc=$?
	sed 's/^/# /' /tmp/A/key.out
	check "$suite: both keys installed from the attributes, flow secure" \
		[ $rc = 0 -a "$(grep -c "key installed in slot 0 ($suite)" /tmp/A/key.out)" = 2 ]

	/sbin/ip netns exec "$B" bzrtp_peer --local 10.77.0.2:$((5000 + 2 * i)) \
		--remote 10.77.0.1:$((4000 + 2 * i)) --sdes-tx /tmp/B/tx.attr --sdes-rx /tmp/B/rx.attr \
		--count 100 --rate 100 --after-peer --wait 8 --timeout 60 >/tmp/B/peer.out 2>&1 &
	PEER=$!
	PIDS="$PIDS $PEER"
	# the libsrtp peer must be listening before the first packet: on the debug
	# kernel it bound its socket after 0.76 s of the other side's packets
	# (2026-11-30), hence the 2 s delay
	sniff_start "" /tmp/A/sniff.json
	inA rtpapp call --local 10.77.0.1:$((4000 + 2 * i)) --remote 10.77.0.2:$((5000 + 2 * i)) \
		--count 100 --rate 100 --wait 8 --delay 2000 >/tmp/A/app.out 2>&1
	rc_a=$?
	wait $PEER
	rc_b=$?
	kill -TERM $SNIFF; wait $SNIFF
	sed 's/^/# ksrtp side: /' /tmp/A/app.out; sed 's/^/# libsrtp side: /' /tmp/B/peer.out
	sed 's/^/# capture on va: /' /tmp/A/sniff.json
	check "$suite: ksrtp unprotected all 100 of libsrtp's packets (rtpapp got them exact)" [ $rc_a = 0 ]
	check "$suite: libsrtp authenticated and decrypted all 100 of ksrtp's packets" [ $rc_b = 0 ]
	check "$suite: no plaintext on the wire" \
		[ "$(json_field plaintext </tmp/A/sniff.json)" = 0 -a "$(json_field udp </tmp/A/sniff.json)" -ge 200 ]
done
[ $fails = 0 ] || e2e_dump_logs
