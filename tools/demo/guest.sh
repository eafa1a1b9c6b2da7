#!/bin/sh
# Runs inside the VM for `make demo`.  Today it shows the kernel half that
# exists: the module loads, its netlink family answers, flows are configured
# per network namespace.  The two-host ZRTP call replaces this when zrtpd can
# run a call (issue 6).
echo "1..4"
# busybox sh prefers its own applets; iproute2 is /sbin/ip.
ip() { /sbin/ip "$@"; }
say() { echo "# $*"; }
say "kernel: $(uname -r)"
if modprobe ksrtp; then echo "ok 1 modprobe ksrtp"; else echo "not ok 1 modprobe ksrtp"; fi
say "\$ zrtpctl info"
zrtpctl info | sed 's/^/#   /'
ip netns add alice && ip netns add bob
ip link add veth-a netns alice type veth peer name veth-b netns bob
ip -n alice addr add 10.0.0.1/24 dev veth-a && ip -n alice link set veth-a up
ip -n bob addr add 10.0.0.2/24 dev veth-b && ip -n bob link set veth-b up
say "hosts: alice 10.0.0.1 <-veth-> bob 10.0.0.2 (network namespaces)"
say "\$ ip netns exec alice zrtpctl flow add local 10.0.0.1:4000 remote 10.0.0.2:4000 mode secure"
if ip netns exec alice zrtpctl flow add local 10.0.0.1:4000 remote 10.0.0.2:4000 mode secure | sed 's/^/#   /'; then
	echo "ok 2 flow added in alice"
else
	echo "not ok 2 flow added in alice"
fi
say "\$ ip netns exec bob zrtpctl flow add local 10.0.0.2:4000 remote 10.0.0.1:4000 mode secure"
ip netns exec bob zrtpctl flow add local 10.0.0.2:4000 remote 10.0.0.1:4000 mode secure | sed 's/^/#   /'
say "\$ ip netns exec alice zrtpctl -j flow show"
out=$(ip netns exec alice zrtpctl -j flow show)
say "  $out"
case $out in *'"local":"10.0.0.1:4000"'*) echo "ok 3 alice sees only her flow" ;; *) echo "not ok 3 alice sees only her flow" ;; esac
say "\$ zrtpctl flow show   (the root namespace has none)"
n=$(zrtpctl flow show | wc -l)
[ "$n" = 0 ] && echo "ok 4 flows are per namespace" || echo "not ok 4 flows are per namespace"
say "not yet: the ZRTP handshake, SAS and SRTP media (issues 3-6)"
