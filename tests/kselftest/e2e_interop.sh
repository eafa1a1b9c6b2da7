#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Interop: ksrtp + zrtpd against an independent implementation, bzrtp
# (ZRTP) + libsrtp (SRTP) in userspace, which knows nothing of ksrtp.
#
#   netns A: ksrtp + zrtpd                        netns B: no ksrtp flow, no zrtpd
#   rtpapp 10.77.0.1:4000  va ======= veth ======= vb  bzrtp_peer 10.77.0.2:5000
#   (plain RTP; the kernel does SRTP)                  (bzrtp + libsrtp on one socket)
#
# Same SAS and profile on both; each side authenticates and decrypts every
# packet of the other; no plaintext on the wire.
# Kernel config: CONFIG_NET_NS, CONFIG_VETH, CONFIG_NETFILTER, CONFIG_PACKET.
#
lib=$(dirname "$0")/lib.sh; [ -r "$lib" ] || lib=$(command -v lib.sh); . "$lib"

ksft_plan 7
e2e_names e2i
if ! command -v bzrtp_peer >/dev/null; then
	skip_rest "bzrtp_peer not in the VM (--bin build/bin/bzrtp_peer)"
fi
e2e_load_ksrtp
e2e_veth || { nok "two hosts"; skip_rest "no topology"; }

mkdir -p /tmp/A /tmp/B
start_zrtpd "$A" /tmp/A

/sbin/ip netns exec "$B" bzrtp_peer --local 10.77.0.2:5000 --remote 10.77.0.1:4000 \
	--count 200 --rate 100 --after-peer --wait 8 --timeout 120 >/tmp/B/peer.out 2>&1 &
PEER=$!
PIDS="$PIDS $PEER"
FLOW="local 10.77.0.1:4000 remote 10.77.0.2:5000"
ctlA session add $FLOW >/dev/null
# the cheap check first: on the debug kernel every zrtpctl costs seconds
# zrtpd: keys in ("switching" until the kernel has authenticated bzrtp's
# first SRTP, or "secure"); the state after the media is checked below
secure() { grep -q 'secure, SAS' /tmp/B/peer.out && ctlA -j show $FLOW 2>/dev/null | grep -q '"state":"\(secure\|switching\)"'; }
check "zrtpd and bzrtp agree: both have their keys" poll 400 secure

S=$(ctlA -j show $FLOW)
sas_a=$(echo "$S" | json_field sas); prof_a=$(echo "$S" | json_field srtp_profile)
line=$(grep 'secure, SAS' /tmp/B/peer.out)
echo "# zrtpd: SAS '$sas_a' $prof_a; $line"
check "same SAS and SRTP profile as bzrtp" [ -n "$sas_a" -a "$line" = "bzrtp_peer: secure, SAS $sas_a, $prof_a" ]

# (on the debug kernel a capture started without waiting missed the first packet)
sniff_start "" /tmp/A/sniff.json
ip netns exec "$A" rtpapp call --local 10.77.0.1:4000 --remote 10.77.0.2:5000 --count 200 \
	--rate 100 --wait 8 --delay 500 >/tmp/A/app.out 2>&1
rc_a=$?
wait $PEER
rc_b=$?
sed 's/^/# ksrtp side: /' /tmp/A/app.out; sed 's/^/# bzrtp side: /' /tmp/B/peer.out
check "ksrtp unprotected all 200 of libsrtp's packets (rtpapp got them exact)" [ $rc_a = 0 ]
check "libsrtp authenticated and decrypted all 200 of ksrtp's packets" [ $rc_b = 0 ]
is_secure() { ctlA -j show $FLOW 2>/dev/null | grep -q '"state":"secure"'; }
check "zrtpd shows the call secure once SRTP flowed" is_secure
kill -TERM $SNIFF; wait $SNIFF
sed 's/^/# capture on va: /' /tmp/A/sniff.json
check "no plaintext on the wire" [ "$(json_field plaintext </tmp/A/sniff.json)" = 0 -a "$(json_field udp </tmp/A/sniff.json)" -ge 400 ]
ip netns exec "$A" zrtpctl stats $FLOW | sed 's/^/# /'

if [ $fails -gt 0 ]; then
	e2e_dump_logs
fi
exit $((fails > 0))
