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
# busybox sh prefers its own applets: iproute2 is /sbin/ip.  Background
# jobs run /sbin/ip itself so that $! is the program, not a subshell.
ip() { /sbin/ip "$@"; }

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n $*"; }
check() { desc=$1; shift; if "$@"; then ok "$desc"; else nok "$desc"; fi; }
skip_rest() { while [ "$n" -lt "$PLAN" ]; do n=$((n + 1)); echo "ok $n # SKIP $*"; done; exit 0; }

PLAN=6
echo "TAP version 13"
echo "1..$PLAN"

r=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
A=e2ia$r
B=e2ib$r
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	rm -rf /tmp/A /tmp/B
}
trap cleanup EXIT

ctlA() { ip netns exec "$A" zrtpctl -s /tmp/A/zrtpd.sock "$@"; }
poll() { tries=$1; shift; while [ "$tries" -gt 0 ]; do "$@" && return 0; tries=$((tries - 1)); sleep 0.1; done; return 1; }
json_field() { sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\)\"\{0,1\}.*/\1/p" | head -1; }

if ! command -v bzrtp_peer >/dev/null; then
	skip_rest "bzrtp_peer not in the VM (--bin build/bin/bzrtp_peer)"
fi
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
/sbin/ip netns exec "$A" zrtpd --cache /tmp/A/cache.db --state-file /tmp/A/state \
	-s /tmp/A/zrtpd.sock >>/tmp/A/zrtpd.log 2>&1 &
PIDS="$PIDS $!"
poll 100 ctlA status >/dev/null 2>&1

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

/sbin/ip netns exec "$A" rtpapp sniff --dev va --seconds 120 -j >/tmp/A/sniff.json 2>&1 &
SNIFF=$!
# the capture is ready once its packet socket exists in A (the only one there)
sniffing() { [ "$(/sbin/ip netns exec "$A" cat /proc/net/packet | wc -l)" -gt 1 ]; }
# (on the debug kernel a capture started without waiting missed the first packet)
poll 300 sniffing || echo "# the capture socket did not appear in 30 s"
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
	sed 's/^/# A: /' /tmp/A/zrtpd.log
fi
exit $((fails > 0))
