# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for the VM end-to-end scripts (tests/kselftest/e2e_*.sh),
# in the manner of the kernel selftests' net/lib.sh.  Sourced, never run:
#
#   lib=$(dirname "$0")/lib.sh; [ -r "$lib" ] || lib=$(command -v lib.sh)
#   . "$lib"
#
# The VM runner copies the scripts to /tests and this file, a VM_BINS
# entry (mk/zrtpd.mk), to /bin, which is on the guest's PATH.
#
# The usual topology, two hosts joined by one veth pair:
#
#   netns $A ("alice")                               netns $B ("bob")
#   zrtpd (ctl: /tmp/A/zrtpd.sock)                   zrtpd (ctl: /tmp/B/zrtpd.sock)
#   10.77.0.1/24  va ========== veth ========== vb  10.77.0.2/24
#
# What a script gets:
#   ksft_plan N            TAP header for N tests
#   ok/nok/check/skip_rest TAP results (n, fails count them)
#   poll TRIES CMD...      CMD until it succeeds, 0.1 s apart
#   json_field NAME        first value of "NAME" in the JSON on stdin
#   e2e_names PREFIX       random namespace names $A/$B, cleanup at EXIT
#   e2e_load_ksrtp         "ksrtp loads" result; skips the rest if not
#   e2e_veth               the two namespaces and the veth (status)
#   start_zrtpd NS DIR ARG...  a zrtpd, waited for; its pid in $ZPID
#   inA/inB/ctlA/ctlB      run in alice's/bob's namespace, zrtpctl there
#   state_of CMD...        "state" of the JSON printed by CMD
#   sniff_start PCAP JSON [PORT]  rtpapp sniff on va (PORT: also counted
#                          apart), waited for; pid in $SNIFF
#   e2e_dump_logs          the zrtpd logs and kernel counters as TAP comments
#   gw_names PREFIX DIR    gateway tests: namespaces $P (phone), $G (gateway),
#                          $X (PBX), DIR made; all removed at EXIT
#   gw_topo OUT IN         P =vp/vg= G =vh/vx= X: OUT.2 phone, OUT.1 and IN.1
#                          gateway, IN.2 PBX (OUT, IN: "10.80.0" ...)
#   inG                    run in the gateway's namespace
#
# busybox sh prefers its own applets: iproute2 is /sbin/ip.  Background
# jobs run /sbin/ip itself (a backgrounded shell function is a subshell,
# and $! would be the subshell, not the program).

ip() { /sbin/ip "$@"; }

n=0
fails=0
PLAN=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n $*"; }
check() { desc=$1; shift; if "$@"; then ok "$desc"; else nok "$desc"; fi; }
skip_rest() { while [ "$n" -lt "$PLAN" ]; do n=$((n + 1)); echo "ok $n # SKIP $*"; done; exit 0; }
ksft_plan() { PLAN=$1; echo "TAP version 13"; echo "1..$PLAN"; }

# poll CMD... until it succeeds, 0.1 s apart, at most $1 tries
poll() { tries=$1; shift; while [ "$tries" -gt 0 ]; do "$@" && return 0; tries=$((tries - 1)); sleep 0.1; done; return 1; }

json_field() { sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\)\"\{0,1\}.*/\1/p" | head -1; }
state_of() { "$@" 2>/dev/null | json_field state; }

PIDS=""
e2e_cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	rm -rf /tmp/A /tmp/B
}
# e2e_names PREFIX: namespaces PREFIXa<random>, PREFIXb<random>
e2e_names() {
	r=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
	A=${1}a$r
	B=${1}b$r
	trap e2e_cleanup EXIT
}

inA() { ip netns exec "$A" "$@"; }
inB() { ip netns exec "$B" "$@"; }
ctlA() { inA zrtpctl -s /tmp/A/zrtpd.sock "$@"; }
ctlB() { inB zrtpctl -s /tmp/B/zrtpd.sock "$@"; }

e2e_load_ksrtp() {
	if ! modprobe ksrtp 2>/dev/null && ! insmod "$KSRTP_KO"; then
		nok "ksrtp loads"
		skip_rest "ksrtp did not load"
	fi
	ok "ksrtp loads"
}

e2e_veth() {
	ip netns add "$A" && ip netns add "$B" &&
	ip link add va netns "$A" type veth peer name vb netns "$B" &&
	ip -n "$A" addr add 10.77.0.1/24 dev va && ip -n "$B" addr add 10.77.0.2/24 dev vb &&
	ip -n "$A" link set va up && ip -n "$B" link set vb up &&
	ip -n "$A" link set lo up && ip -n "$B" link set lo up &&
	mkdir -p /tmp/A /tmp/B
}

# start_zrtpd NS DIR [ARG...]: zrtpd in NS with its files in DIR, waited
# for until its control socket answers; its pid in $ZPID (and in $PIDS)
start_zrtpd() {
	ns=$1; dir=$2; shift 2
	/sbin/ip netns exec "$ns" zrtpd --cache "$dir/cache.db" --state-file "$dir/state" \
		-s "$dir/zrtpd.sock" "$@" >>"$dir/zrtpd.log" 2>&1 &
	ZPID=$!
	PIDS="$PIDS $ZPID"
	poll 100 ip netns exec "$ns" zrtpctl -s "$dir/zrtpd.sock" status >/dev/null 2>&1
}

# sniff_start PCAP JSON [PORT]: capture on alice's va (PCAP may be empty),
# the packets from or to PORT also counted apart; ready once its packet
# socket exists in A (the only one there)
sniff_start() {
	/sbin/ip netns exec "$A" rtpapp sniff --dev va --seconds 600 ${1:+--pcap "$1"} ${3:+--port "$3"} \
		-j >"$2" 2>&1 &
	SNIFF=$!
	sniffing() { [ "$(/sbin/ip netns exec "$A" cat /proc/net/packet | wc -l)" -gt 1 ]; }
	poll 300 sniffing || echo "# the capture socket did not appear in 30 s"
}

# the zrtpd logs and both kernels' counters, as TAP comments (after a failure)
e2e_dump_logs() {
	for d in A B; do
		ns=$A; [ $d = B ] && ns=$B
		ip netns exec "$ns" zrtpctl stats 2>/dev/null | sed "s/^/# $d stats: /"
		[ -r /tmp/$d/zrtpd.log ] && sed "s/^/# $d: /" /tmp/$d/zrtpd.log
	done
	return 0
}

# The gateway tests' three hosts (e2e_relay.sh, e2e_gateway_zrtp.sh):
#   P vp ==veth== vg G vh ==veth== vx X
gw_cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	for ns in $P $G $X; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$GW_DIR"
}
gw_names() {
	r=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
	P=${1}p$r G=${1}g$r X=${1}x$r GW_DIR=$2
	trap gw_cleanup EXIT
	mkdir -p "$GW_DIR"
}
gw_topo() {
	ip netns add $P && ip netns add $G && ip netns add $X &&
	ip link add vp netns $P type veth peer name vg netns $G &&
	ip link add vh netns $G type veth peer name vx netns $X &&
	ip -n $P addr add $1.2/24 dev vp && ip -n $G addr add $1.1/24 dev vg &&
	ip -n $G addr add $2.1/24 dev vh && ip -n $X addr add $2.2/24 dev vx &&
	for l in "$P vp" "$G vg" "$G vh" "$X vx" "$P lo" "$G lo" "$X lo"; do
		ip -n ${l% *} link set ${l#* } up || return 1
	done
}
inG() { ip netns exec "$G" "$@"; }
