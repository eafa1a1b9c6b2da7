#!/bin/bash
# Boot a kernel in QEMU (TCG) with a generated initramfs holding busybox, a
# working /sbin/modprobe, the kernel's crypto modules, ksrtp.ko and the test
# programs with their libraries; run the tests; stream their output; exit
# with their status.
#
#   tools/vm/run.sh [options] [--] test...
#     --kernel cloud|cloud612|debug
#                            which kernel (default cloud): Debian 12's
#                            linux-image-cloud-amd64 (6.1, installed), the
#                            6.12 one from bookworm-backports (unpacked by
#                            tools/vm/kernel-bpo.sh, booted with QEMU 10 from
#                            tools/vm/qemu-bpo.sh), or the debug kernel
#                            cached by tools/vm/build-debug-kernel.sh
#     --module PATH          ksrtp.ko to install (default build/kmod/<kernel>/)
#     --bin PATH             extra program to put on the guest's PATH (repeatable)
#     --timeout SECONDS      kill a runaway guest (default 900; cloud612, debug 1800)
#     --icount SHIFT         -icount shift=SHIFT: guest time = instructions
#     --env NAME=VALUE       exported to the tests in the guest (repeatable)
#     --disk IMAGE           attach IMAGE as a read-only virtio disk
#                            (repeatable); the guest sees /dev/vda, /dev/vdb...
#                            in order, listed in $KSRTP_DISKS
#     --shell                interactive shell instead of tests
#     --tap                  print one TAP stream covering every test plus the
#                            kernel-log checks (what tools/check.sh consumes)
#
# Each test is a program or a shell script printing TAP.  Two checks are
# added after the tests: the kernel log holds no KASAN report, lockdep splat,
# WARN, BUG or Oops, and (on kernels with kmemleak) no leak was found.
set -euo pipefail
# The whole script is one block, parsed before it runs: editing this file
# while a (long) run is going cannot derail that run.
{

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

kernel=cloud
module=
bins=()
envs=()
disks=()
timeout=
icount=
shell=0
tests=()
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift 2 ;;
	--module) module=$2; shift 2 ;;
	--bin) bins+=("$2"); shift 2 ;;
	--env) envs+=("$2"); shift 2 ;;
	--disk) disks+=("$2"); shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--icount) icount=$2; shift 2 ;;
	--shell) shell=1; shift ;;
	--tap) shift ;; # the only output format; kept for readability at call sites
	--) shift; tests+=("$@"); break ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) tests+=("$1"); shift ;;
	esac
done

case $kernel in
cloud)
	kver=$(ls -1 /lib/modules | grep -- '-cloud-amd64$' | sort -V | tail -1)
	[ -n "$kver" ] || { echo "run.sh: no cloud kernel installed (make deps)" >&2; exit 1; }
	vmlinuz=/boot/vmlinuz-$kver
	moddir=/lib/modules/$kver
	: "${timeout:=900}"
	;;
cloud612)
	# Debian 12's QEMU 7.2 crashes 6.12 guests under TCG (in SLUB, with or
	# without our module) unless -icount: QEMU 10 then, unless the caller
	# chose a QEMU.
	eval "$("$here/kernel-bpo.sh")" || { echo "run.sh: no 6.12 kernel (tools/vm/kernel-bpo.sh)" >&2; exit 1; }
	kver=$KVER vmlinuz=$VMLINUZ moddir=$MODDIR
	if [ -z "${KSRTP_QEMU:-}" ]; then
		eval "$("$here/qemu-bpo.sh")" || { echo "run.sh: no QEMU 10 (tools/vm/qemu-bpo.sh)" >&2; exit 1; }
	fi
	# The whole VM list took 847 s in the guest on a loaded machine
	# (boot alone 18-35 s under QEMU 10): more room than cloud's 900.
	: "${timeout:=1800}"
	;;
debug)
	kdir=$("$here/build-debug-kernel.sh")
	vmlinuz=$kdir/arch/x86/boot/bzImage
	kver=$(cat "$kdir/include/config/kernel.release")
	moddir=
	: "${timeout:=1800}"
	;;
*) echo "run.sh: --kernel must be cloud, cloud612 or debug" >&2; exit 2 ;;
esac
: "${module:=$top/build/kmod/$kernel/ksrtp.ko}"
[ -f "$module" ] || { echo "run.sh: $module not built (make)" >&2; exit 1; }
stale=$(find "$top/kernel" "$top/include" "$top/Kbuild" -newer "$module" -type f 2>/dev/null | head -1 || true)
[ -z "$stale" ] || echo "run.sh: warning: $module is older than $stale (make $module)" >&2
[ -r "$vmlinuz" ] || { echo "run.sh: cannot read $vmlinuz" >&2; exit 1; }

# One directory per run, so concurrent runs never share files; the image is
# removed at exit, the logs stay (build/vm/<kernel>-last points at them).
mkdir -p "$top/build/vm"
work=$(mktemp -d "$top/build/vm/$kernel-XXXXXX")
trap 'rm -rf "$work/root" "$work/initrd.gz"' EXIT
ln -sfn "$(basename "$work")" "$top/build/vm/$kernel-last"
find "$top/build/vm" -maxdepth 1 -name "$kernel-??????" -mmin +120 -exec rm -rf {} + 2>/dev/null || true
root=$work/root
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,run,var,tests,lib/modules/"$kver"/extra}
ln -s ../run "$root/var/run"

cp /bin/busybox "$root/bin/busybox"
for a in $(/bin/busybox --list); do
	[ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done
# The kernel calls /sbin/modprobe to autoload crypto templates (gcm, ghash...).
for a in modprobe insmod rmmod lsmod depmod poweroff; do
	ln -sf ../bin/busybox "$root/sbin/$a"
done

# Kernel modules: on the Debian kernels, the crypto and the few drivers the
# tests use (veth, and vrf and tun for modprobe); the debug kernel has them
# built in.  6.12's are .ko.xz: busybox's modprobe can load them, but it
# first hands the file to finit_module() uncompressed-only, and the kernel
# logs "Invalid ELF header magic" for each; they are decompressed here.
if [ -n "$moddir" ]; then
	(cd "$moddir" && find kernel/crypto kernel/arch/x86/crypto kernel/lib/crypto -name '*.ko*' &&
		find kernel/drivers/net -maxdepth 1 -name 'veth.ko*' -o -name 'vrf.ko*' -o -name 'tun.ko*'
		# nftables NAT (masquerade) for ksrtp_latch, loaded on demand
		find kernel/net/netfilter kernel/net/ipv4/netfilter kernel/net/ipv6/netfilter kernel/lib \
			-name 'nf_tables.ko*' -o -name 'nfnetlink.ko*' -o -name 'nft_chain_nat.ko*' -o \
			-name 'nft_masq.ko*' -o -name 'nf_nat.ko*' -o -name 'nf_conntrack.ko*' -o \
			-name 'nf_defrag_ipv[46].ko*' -o -name 'libcrc32c.ko*') |
	while read -r m; do
		mkdir -p "$root/lib/modules/$kver/$(dirname "$m")"
		case $m in
		*.ko.xz) xz -dc "$moddir/$m" >"$root/lib/modules/$kver/${m%.xz}" ;;
		*) cp "$moddir/$m" "$root/lib/modules/$kver/$m" ;;
		esac
	done
	cp "$moddir"/modules.builtin* "$moddir/modules.order" "$root/lib/modules/$kver/" 2>/dev/null || true
	echo "veth aesni_intel ctr gcm ghash_generic ghash_clmulni_intel sha1_ssse3" > "$root/etc/ksrtp-modules"
	if [ ${#disks[@]} -gt 0 ]; then
		# virtio block for --disk (ext4 is built in)
		(cd "$moddir" && find kernel/drivers/virtio kernel/drivers/block/virtio_blk.ko* \
			-name '*.ko*' 2>/dev/null) | while read -r m; do
			mkdir -p "$root/lib/modules/$kver/$(dirname "$m")"
			cp "$moddir/$m" "$root/lib/modules/$kver/$m"
		done
		echo "virtio_pci virtio_blk" >> "$root/etc/ksrtp-modules"
	fi
else
	cp "$kdir/modules.order" "$kdir"/modules.builtin* "$root/lib/modules/$kver/" 2>/dev/null || true
	: > "$root/etc/ksrtp-modules"
fi
cp "$module" "$root/lib/modules/$kver/extra/ksrtp.ko"
depmod -b "$root" "$kver"

# Programs: the tests, the helpers, iproute2 (busybox ip has no netns), and
# every shared library they need.  Debian's static busybox prefers its own
# applets over PATH, so guest scripts reach iproute2 as /sbin/ip (or define
# ip() { /sbin/ip "$@"; }).
progs=()
for t in "${tests[@]}"; do
	[ -e "$t" ] || { echo "run.sh: no such test $t" >&2; exit 1; }
	cp "$t" "$root/tests/"
	progs+=("$root/tests/$(basename "$t")")
done
for b in "${bins[@]}"; do
	cp "$b" "$root/bin/"
	progs+=("$root/bin/$(basename "$b")")
done
cp /usr/bin/ip "$root/sbin/ip.real" 2>/dev/null || cp /sbin/ip "$root/sbin/ip.real"
rm -f "$root/bin/ip"
ln -sf ip.real "$root/sbin/ip"
progs+=("$root/sbin/ip.real")
for p in "${progs[@]}"; do
	file -L "$p" 2>/dev/null | grep -q ELF || continue
	ldd "$p" 2>/dev/null | grep -oE '/[^ ]+' | while read -r lib; do
		[ -e "$root$lib" ] || { mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib"; }
	done
done

# libsrtp on Debian is built on NSS, which dlopen()s its softoken next to
# libnss3: ldd cannot see those, so copy them whenever NSS is in.
nssdir=$(dirname "$(find "$root" -name libnss3.so | head -1)" 2>/dev/null || true)
if [ -n "$nssdir" ] && [ "$nssdir" != . ]; then
	for f in /usr/lib/x86_64-linux-gnu/libsoftokn3.* /usr/lib/x86_64-linux-gnu/libfreebl*; do
		[ -e "$f" ] && cp -L "$f" "$nssdir/"
	done
	for lib in "$nssdir"/libsoftokn3.so "$nssdir"/libfreeblpriv3.so; do
		ldd "$lib" 2>/dev/null | grep -oE '/[^ ]+' | while read -r l; do
			[ -e "$root$l" ] || { mkdir -p "$root$(dirname "$l")"; cp -L "$l" "$root$l"; }
		done
	done
fi

for t in "${tests[@]}"; do basename "$t"; done > "$root/etc/ksrtp-tests"
for e in "${envs[@]}"; do printf 'export %q\n' "$e"; done > "$root/etc/ksrtp-env"
[ -z "$icount" ] || echo "export KSRTP_VM_ICOUNT=$icount" >> "$root/etc/ksrtp-env"
vds=
for i in "${!disks[@]}"; do
	[ -r "${disks[$i]}" ] || { echo "run.sh: cannot read disk ${disks[$i]}" >&2; exit 1; }
	vds="$vds /dev/vd$(echo abcdefgh | cut -c$((i + 1)))"
done
[ -z "$vds" ] || echo "export KSRTP_DISKS='${vds# }'" >> "$root/etc/ksrtp-env"

cat > "$root/init" <<'INIT'
#!/bin/sh
export PATH=/tests:/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mount -t tmpfs run /run
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
# A report the kernel made while booting, before any module or test (seen:
# KASAN in handle_edge_irq during identify_cpu on the debug kernel under
# TCG): not ours, but it taints the kernel, turns lockdep off and uses up
# KASAN's one report, so the run could not see our bugs.  Say so and stop;
# run.sh boots again.  (ksrtp.fakeboot: run.sh's own test of that path.)
grep -q ksrtp.fakeboot /proc/cmdline && echo "WARNING: ksrtp.fakeboot: a made-up boot report" > /dev/kmsg
if dmesg | grep -qE 'BUG:|WARNING:|KASAN|Call Trace:|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage'; then
	echo "### ksrtp-vm: boot report" > /dev/ttyS1
	dmesg | grep -m1 -E 'BUG:|WARNING:|KASAN|Call Trace:|locking|lock state|RCU usage' | sed 's/^/# /' > /dev/ttyS1
	poweroff -f
fi
ip link set lo up
for m in $(cat /etc/ksrtp-modules); do
	modprobe "$m" || echo "# modprobe $m failed" > /dev/ttyS1
done
# Multi-threaded TCG (two vCPUs on two host threads) livelocked twice on
# 2026-11-30 while the kernel patched a netfilter static branch
# (nf_hooks_needed, the NF_HOOK site in ip_local_deliver) that the other
# vCPU was executing in a packet flood: both vCPUs stuck at that site, one
# in the int3 of text_poke_bp, "soft lockup" for minutes (ksrtp_nlfuzz's
# random flows under traffic, ksrtp_relay's unload under traffic).  The keys
# flip only when the first hook of a family and hook point is registered or
# the last one removed (ksrtp's per-netns hooks, as flows come and go; the
# module's unload): an empty accept-all nftables chain at every IPv4/IPv6
# hook of the initial namespace keeps them on for the whole run, so later
# registrations only count.  A kernel without nf_tables (the debug one)
# runs unpinned.  Not under -icount (single-threaded TCG, benchmarks).
if ! grep -q KSRTP_VM_ICOUNT /etc/ksrtp-env && command -v nft >/dev/null; then
	nft -f - <<NFT 2>/dev/null || echo "# netfilter hooks not pinned (no nf_tables)" > /dev/ttyS1
table inet ksrtp_vm_pin {
	chain pr { type filter hook prerouting priority 0; }
	chain i { type filter hook input priority 0; }
	chain f { type filter hook forward priority 0; }
	chain o { type filter hook output priority 0; }
	chain po { type filter hook postrouting priority 0; }
}
NFT
fi
[ -w /sys/kernel/debug/kmemleak ] && echo clear > /sys/kernel/debug/kmemleak
export KSRTP_KO=/lib/modules/$(uname -r)/extra/ksrtp.ko
. /etc/ksrtp-env
if grep -q ksrtp.shell /proc/cmdline; then
	setsid cttyhack sh
	poweroff -f
fi
exec >/dev/ttyS1 2>&1
echo "### ksrtp-vm: kernel $(uname -r), tests start at guest uptime $(cut -d' ' -f1 /proc/uptime) s"
for t in $(cat /etc/ksrtp-tests); do
	echo "### ksrtp-vm: begin $t"
	t0=$(cut -d. -f1 /proc/uptime)
	case $t in
	*.sh) sh "/tests/$t" ;;
	*) "/tests/$t" ;;
	esac
	rc=$?
	echo "# ksrtp-vm: $t took $(($(cut -d. -f1 /proc/uptime) - t0)) s (guest clock)"
	echo "### ksrtp-vm: end $t rc=$rc"
	# Nothing a test loaded may outlive it.
	grep -q '^ksrtp ' /proc/modules && rmmod ksrtp
done
if [ -w /sys/kernel/debug/kmemleak ]; then
	# kmemleak reports objects unreferenced for 5 s over two scans.
	echo scan > /sys/kernel/debug/kmemleak
	sleep 6
	echo scan > /sys/kernel/debug/kmemleak
	echo "### ksrtp-vm: kmemleak begin"
	cat /sys/kernel/debug/kmemleak
	echo "### ksrtp-vm: kmemleak end"
fi
echo "### ksrtp-vm: done"
poweroff -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/initrd.gz"

append="console=ttyS0 panic=-1 oops=panic nokaslr"
# -icount is single-threaded TCG, and a guest with two vCPUs under it
# hangs at secondary CPU bring-up: one vCPU then.
smp=2
[ -n "$icount" ] && smp=1
# KSRTP_QEMU names another QEMU binary (cloud612 and the benchmark's SHA-NI
# runs use QEMU 10 from bookworm-backports, unpacked by tools/vm/qemu-bpo.sh);
# KSRTP_QEMU_DATA its firmware directory.
qemu=("${KSRTP_QEMU:-qemu-system-x86_64}" ${KSRTP_QEMU_DATA:+-L "$KSRTP_QEMU_DATA" -L /usr/share/seabios} -m 2G -smp "$smp" -cpu max -no-reboot
	-kernel "$vmlinuz" -initrd "$work/initrd.gz" -display none -monitor none)
for d in "${disks[@]}"; do
	qemu+=(-drive "file=$d,format=raw,if=virtio,readonly=on")
done
if [ -n "$icount" ]; then
	# Deterministic, instruction-proportional guest time (single-threaded TCG).
	qemu+=(-accel tcg -icount shift="$icount")
else
	qemu+=(-accel tcg,thread=multi)
fi

if [ $shell = 1 ]; then
	"${qemu[@]}" -append "$append ksrtp.shell" -serial mon:stdio -serial null
fi

console=$work/console.log
out=$work/tests.out
# Up to three boots: a kernel that reported a bug of its own while booting,
# before any test ran (the init above), is booted again; its console is
# kept as console-bootN.log and the verdict below judges the last boot.
# KSRTP_VM_FAKE_BOOT_REPORT=1 makes the first boot report one (a test).
for boot in 1 2 3; do
	extra=
	[ "$boot" = 1 ] && [ "${KSRTP_VM_FAKE_BOOT_REPORT:-0}" = 1 ] && extra=" ksrtp.fakeboot"
	set +e
	timeout -k 10 "$timeout" "${qemu[@]}" -append "$append$extra" \
		-serial "file:$console" -serial stdio </dev/null | sed -u 's/\r$//' | tee "$out" |
		grep --line-buffered -v '^# ksrtp-vm artifact '
	qrc=${PIPESTATUS[0]}
	set -e
	grep -q '^### ksrtp-vm: boot report' "$out" || break
	cp "$console" "$work/console-boot$boot.log"
	echo "# ksrtp-vm: boot $boot: the kernel reported a bug while booting, before any module or test (not ksrtp's; KASAN and lockdep would be blind for the run): booting again"
done

# Artifacts: a test prints "# ksrtp-vm artifact NAME BASE64" to hand a file
# (a capture) to the host; captures are judged here by tshark, each as a
# section of its own.
mkdir -p "$work/artifacts"
sed -n 's/^# ksrtp-vm artifact \([A-Za-z0-9_.-]*\) \(.*\)$/\1 \2/p' "$out" |
while read -r name data; do
	printf '%s' "$data" | base64 -d > "$work/artifacts/$name" 2>/dev/null || true
done
for f in "$work"/artifacts/*.pcap; do
	[ -e "$f" ] || continue
	name=$(basename "$f")
	echo "### ksrtp-vm: begin $name"
	"$here/check-pcap.sh" "$kernel" "$name" "$f"
	echo "### ksrtp-vm: end $name rc=0"
done > "$work/pcap.out"
cat "$work/pcap.out"

# Verdict: every test ended with rc=0, the guest finished, the log is clean.
# The guest-level checks are a section of their own ("kernel-log"), so a
# timeout or a hang after the last test is a failed result, not only an
# exit status.
fail=0
if grep -E '^### ksrtp-vm: end .* rc=[1-9]' "$out" >/dev/null; then fail=1; fi
if grep -q '^not ok' "$work/pcap.out"; then fail=1; fi
logfail=0
echo "### ksrtp-vm: begin kernel-log"
echo "1..3"
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	echo "not ok 1 $kernel: guest finished (killed after the ${timeout}s timeout)"
	logfail=1
elif ! grep -q '^### ksrtp-vm: done' "$out"; then
	echo "not ok 1 $kernel: guest finished (it stopped before the end, qemu rc=$qrc)"
	logfail=1
else
	echo "ok 1 $kernel: guest finished"
fi
bad='BUG:|WARNING:|Oops|KASAN|kernel BUG|general protection|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|sleeping function called from invalid context|Call Trace:|Kernel panic'
if [ ! -s "$console" ]; then
	# No console log is no evidence: QEMU did not start or wrote nothing.
	echo "not ok 2 $kernel: kernel log clean (no console log was written)"
	logfail=1
elif grep -E "$bad" "$console" >"$work/badlog"; then
	echo "not ok 2 $kernel: kernel log clean (no KASAN/lockdep/WARN/BUG/Oops)"
	# (head closes the pipe early: no errexit for that)
	sed 's/^/#   /' "$work/badlog" | head -40 || true
	grep -n -B2 -A30 -E "$bad" "$console" | head -120 | sed 's/^/# /' || true
	logfail=1
else
	echo "ok 2 $kernel: kernel log clean (no KASAN/lockdep/WARN/BUG/Oops)"
fi
leaks=$(sed -n '/^### ksrtp-vm: kmemleak begin/,/^### ksrtp-vm: kmemleak end/p' "$out" | grep -c 'unreferenced object' || true)
if ! grep -q '^### ksrtp-vm: kmemleak begin' "$out" && [ "$kernel" = debug ]; then
	echo "not ok 3 $kernel: kmemleak did not report (the debug kernel has it)"
	logfail=1
elif ! grep -q '^### ksrtp-vm: kmemleak begin' "$out"; then
	echo "ok 3 $kernel: kmemleak # SKIP kernel has no kmemleak"
elif [ "$leaks" -gt 0 ]; then
	echo "not ok 3 $kernel: kmemleak found $leaks leaked objects"
	logfail=1
else
	echo "ok 3 $kernel: kmemleak found no leak"
fi
echo "### ksrtp-vm: end kernel-log rc=$logfail"
[ $fail = 0 ] && [ $logfail = 0 ]
exit
}
