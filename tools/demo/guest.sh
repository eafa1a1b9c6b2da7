#!/bin/sh
# Runs inside the VM for `make demo`: a ZRTP call between two hosts whose
# RTP applications know nothing of encryption.
#
#   host "alice" (netns)                        host "bob" (netns)
#   ksrtp + zrtpd                               ksrtp + zrtpd
#   rtpapp 10.0.0.1:4000  veth-a ===== veth-b  rtpapp 10.0.0.2:5000
#
# busybox sh prefers its own applets; iproute2 is /sbin/ip.  Background
# programs are started through /sbin/ip itself so that $! is the program.
ip() { /sbin/ip "$@"; }
say() { echo "# $*"; }
run() { say "\$ $*"; "$@" 2>&1 | sed 's/^/#     /'; }
n=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
nok() { n=$((n + 1)); echo "not ok $n $*"; }
poll() { t=$1; shift; while [ "$t" -gt 0 ]; do "$@" && return 0; t=$((t - 1)); sleep 0.1; done; return 1; }
PIDS=""
trap 'for p in $PIDS; do kill $p 2>/dev/null; done' EXIT
echo "1..8"

say "kernel $(uname -r); loading ksrtp"
modprobe ksrtp && ok "modprobe ksrtp" || nok "modprobe ksrtp"
ip netns add alice && ip netns add bob
ip link add veth-a netns alice type veth peer name veth-b netns bob
ip -n alice addr add 10.0.0.1/24 dev veth-a && ip -n alice link set veth-a up && ip -n alice link set lo up
ip -n bob addr add 10.0.0.2/24 dev veth-b && ip -n bob link set veth-b up && ip -n bob link set lo up
say ""
say "Two hosts: alice 10.0.0.1 <--veth--> bob 10.0.0.2 (network namespaces)."
say "Each runs zrtpd, the ZRTP daemon that keys the kernel's SRTP:"
mkdir -p /tmp/alice /tmp/bob
for h in alice bob; do
	say "\$ ip netns exec $h zrtpd --cache /tmp/$h/cache.db -s /tmp/$h/zrtpd.sock &"
	/sbin/ip netns exec $h zrtpd --cache /tmp/$h/cache.db --state-file /tmp/$h/state \
		-s /tmp/$h/zrtpd.sock 2>>/tmp/$h/zrtpd.log &
	PIDS="$PIDS $!"
	eval "Z_$h=$!"
done
a() { ip netns exec alice zrtpctl -s /tmp/alice/zrtpd.sock "$@"; }
b() { ip netns exec bob zrtpctl -s /tmp/bob/zrtpd.sock "$@"; }
poll 100 a status >/dev/null 2>&1 && poll 100 b status >/dev/null 2>&1 && ok "zrtpd runs on both hosts" || nok "zrtpd runs on both hosts"
/sbin/ip netns exec alice zrtpctl -s /tmp/alice/zrtpd.sock monitor >/tmp/alice/monitor 2>&1 &
PIDS="$PIDS $!"

say ""
say "The signalling (not shown) agreed on the media ports; each side tells its zrtpd:"
say "\$ zrtpctl session add local 10.0.0.1:4000 remote 10.0.0.2:5000     (on alice)"
a session add local 10.0.0.1:4000 remote 10.0.0.2:5000 | sed 's/^/#     /'
say "\$ zrtpctl session add local 10.0.0.2:5000 remote 10.0.0.1:4000     (on bob)"
b session add local 10.0.0.2:5000 remote 10.0.0.1:4000 | sed 's/^/#     /'
# Keys in: "switching" until the kernel has seen the peer's first SRTP
# authenticate (until then it would still take clear RTP), "secure" after.
keyed() { "$@" -j show 1 2>/dev/null | grep -q '"state":"\(secure\|switching\)"'; }
sec() { "$@" -j show 1 2>/dev/null | grep -q '"state":"secure"'; }
if poll 300 keyed a && poll 300 keyed b; then ok "ZRTP handshake: both sides have their SRTP keys in the kernel"; else nok "ZRTP handshake: both sides have their SRTP keys in the kernel"; fi
say ""
say "Both users read their SAS aloud; it is the same on both screens:"
run ip netns exec alice zrtpctl -s /tmp/alice/zrtpd.sock list
run ip netns exec bob zrtpctl -s /tmp/bob/zrtpd.sock list
sas() { "$@" -j show 1 | sed -n 's/.*"sas":"\([^"]*\)".*/\1/p'; }
[ -n "$(sas a)" ] && [ "$(sas a)" = "$(sas b)" ] && ok "same SAS on both hosts: $(sas a)" || nok "same SAS on both hosts"
run ip netns exec alice zrtpctl -s /tmp/alice/zrtpd.sock show 1

say ""
say "Now two plain RTP applications talk (rtpapp: RTP with a recognisable"
say "payload 'KSRTP-PLAINTEXT...'), while a capture watches alice's wire:"
/sbin/ip netns exec alice rtpapp sniff --dev veth-a --seconds 120 >/tmp/alice/sniff 2>&1 &
SN=$!
sleep 0.5
/sbin/ip netns exec bob rtpapp call --local 10.0.0.2:5000 --remote 10.0.0.1:4000 --count 300 --rate 50 --wait 5 --delay 1500 >/tmp/bob/app 2>&1 &
AB=$!
say "\$ rtpapp call --local 10.0.0.1:4000 --remote 10.0.0.2:5000 --count 300   (bob runs the mirror)"
/sbin/ip netns exec alice rtpapp call --local 10.0.0.1:4000 --remote 10.0.0.2:5000 --count 300 --rate 50 --wait 5 --delay 1500 >/tmp/alice/app 2>&1
ra=$?; wait $AB; rb=$?
sed 's/^/#     alice: /' /tmp/alice/app; sed 's/^/#     bob:   /' /tmp/bob/app
[ $ra = 0 ] && [ $rb = 0 ] && ok "each application received exactly what the other sent" || nok "each application received exactly what the other sent"
kill -TERM $SN; wait $SN
sed 's/^/#     /' /tmp/alice/sniff
grep -q ' 0 with the plaintext marker' /tmp/alice/sniff && ok "the wire never carried the plaintext" || nok "the wire never carried the plaintext"
say ""
say "A side says 'secure' only once its kernel refuses clear RTP: after the"
say "peer's first SRTP packet authenticated (before that it says 'switching'):"
run ip netns exec alice zrtpctl -s /tmp/alice/zrtpd.sock list
run ip netns exec bob zrtpctl -s /tmp/bob/zrtpd.sock list
poll 50 sec a && poll 50 sec b && ok "both sides secure once media flowed" || nok "both sides secure once media flowed"
say "The kernel did the work (SRTP in and out, in place):"
run ip netns exec alice zrtpctl stats

say ""
say "alice's zrtpd is killed (SIGKILL) in the middle of a call, and restarted:"
/sbin/ip netns exec bob rtpapp call --local 10.0.0.2:5000 --remote 10.0.0.1:4000 --count 250 --rate 50 --wait 5 --delay 1500 >/tmp/bob/app 2>&1 &
AB=$!
/sbin/ip netns exec alice rtpapp call --local 10.0.0.1:4000 --remote 10.0.0.2:5000 --count 250 --rate 50 --wait 5 --delay 1500 >/tmp/alice/app 2>&1 &
AA=$!
sleep 3
say "\$ kill -9 <zrtpd on alice>"
kill -9 "$Z_alice"
/sbin/ip netns exec alice zrtpd --cache /tmp/alice/cache.db --state-file /tmp/alice/state \
	-s /tmp/alice/zrtpd.sock 2>>/tmp/alice/zrtpd.log &
PIDS="$PIDS $!"
poll 100 a status >/dev/null 2>&1
run ip netns exec alice zrtpctl -s /tmp/alice/zrtpd.sock list
wait $AA; ra=$?; wait $AB; rb=$?
sed 's/^/#     alice: /' /tmp/alice/app; sed 's/^/#     bob:   /' /tmp/bob/app
[ $ra = 0 ] && [ $rb = 0 ] && a -j show 1 | grep -q '"resumed":true' &&
	ok "media never stopped; the new zrtpd lists the call as secure (resumed)" ||
	nok "media never stopped; the new zrtpd lists the call as secure (resumed)"
say ""
say "What alice's 'zrtpctl monitor' printed meanwhile:"
sed 's/^/#     /' /tmp/alice/monitor
