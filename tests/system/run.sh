#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-system: the packages on a real Debian 12 system in a VM (TAP,
# one stream).  Opt-in, not part of make check: the first run builds a root
# filesystem with debootstrap from the package mirror, and everything runs
# under TCG (no KVM), DKMS compiles included.
#
#   host   the cached Debian image (tools/vm/debian-image.sh: debootstrap
#          --variant=minbase + systemd, apt, dkms, the 6.1 cloud kernel and
#          headers, gcc, make), a copy of it to boot, a read-only data disk
#          with build/deb's packages, bookworm-backports' 6.12 kernel
#          packages, rtpapp, the kernel's ynl tree and our spec
#   boot 1 the image's own /boot/vmlinuz + initrd (6.1), systemd as init:
#          tests/system/stage.sh 1 (apt install, DKMS, systemctl start,
#          secure call, restart mid-call, ynl, kernel upgrade to 6.12)
#   boot 2 the 6.12 kernel and initrd the guest installed, read back from the
#          disk (the host plays the bootloader), QEMU 10 (Debian 12's 7.2
#          crashes 6.12 guests under TCG): stage.sh 2 (module rebuilt, call
#          again, purge)
#
# Each guest step is one TAP result; each boot's console log, the stage's
# output and the guest's disk stay in build/system/.  Needs root (debootstrap, as the VM tests).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
top=$PWD
work=$top/build/system
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n $*"; }
t_all=$(date +%s)
echo "TAP version 13"
rm -rf "$work" && mkdir -p "$work"

# The image and the 6.12 packages (built/fetched once, cached)
t=$(date +%s)
if img=$(tools/vm/debian-image.sh 2>"$work/image.log"); then
	ok "Debian 12 image (debootstrap minbase + systemd): ${img##*/} ($(($(date +%s) - t)) s)"
else
	sed 's/^/# /' "$work/image.log"
	nok "Debian 12 image (debootstrap)"
	echo "1..$n"; exit 1
fi
bpo=$(tools/vm/debian-image.sh --bpo 2>"$work/bpo.log") || { sed 's/^/# /' "$work/bpo.log"; bpo=; }
ynl=$(tools/ynl/fetch.sh 2>"$work/ynl.log") || { sed 's/^/# /' "$work/ynl.log"; ynl=; }
debs=$(ls build/deb/ksrtp-dkms_*_all.deb build/deb/zrtpd_*_amd64.deb 2>/dev/null)
if [ "$(echo "$debs" | grep -c .)" = 2 ] && [ -n "$bpo" ] && [ -n "$ynl" ] && [ -x build/bin/rtpapp ]; then
	ok "inputs: $(echo "$debs" | xargs -n1 basename | tr '\n' ' ')+ 6.12 kernel packages, rtpapp, ynl"
else
	nok "inputs: build/deb packages (make deb), 6.12 packages, ynl tree, build/bin/rtpapp"
	echo "1..$n"; exit 1
fi

# The data disk (read-only in the guest, /mnt/ksrtp)
data=$work/data
mkdir -p "$data"/{bin,debs,bpo,ynl/tools/net,ynl/Documentation}
cp tests/system/stage.sh "$data/stage.sh"
cp build/bin/rtpapp tests/kselftest/lib.sh "$data/bin/"
# shellcheck disable=SC2086
cp $debs "$data/debs/"
cp "$bpo"/*.deb "$data/bpo/"
cp -r "$ynl/tools/net/ynl" "$data/ynl/tools/net/"
cp -r "$ynl/Documentation/netlink" "$data/ynl/Documentation/"
cp Documentation/netlink/specs/ksrtp.yaml "$data/ynl/Documentation/netlink/specs/"
rm -rf "$data/ynl/tools/net/ynl/generated" "$data/ynl/tools/net/ynl/samples"
mke2fs -q -t ext4 -L ksrtp-data -m 0 -d "$data" "$work/data.img" \
	"$(($(du -sm "$data" | cut -f1) + 16))M" >/dev/null 2>"$work/mke2fs.log" ||
	{ sed 's/^/# /' "$work/mke2fs.log"; nok "data disk (mke2fs -d)"; echo "1..$n"; exit 1; }

# The system disk: a sparse copy of the cached image
root=$work/root.img
cp --sparse=always "$img" "$root"

# boot STAGE QEMU VMLINUZ INITRD: the guest runs stage.sh STAGE and powers
# off; its TAP results are renumbered into this stream
boot() {
	local stage=$1 qemu=$2 vmlinuz=$3 initrd=$4 t rc
	local log=$work/console$stage.log out=$work/stage$stage.out
	t=$(date +%s)
	timeout -k 10 "${KSRTP_SYSTEM_TIMEOUT:-3600}" "$qemu" ${KSRTP_QEMU_DATA:+-L "$KSRTP_QEMU_DATA" -L /usr/share/seabios} \
		-m 2G -smp 2 -cpu max -accel tcg,thread=multi -no-reboot -display none -monitor none \
		-kernel "$vmlinuz" -initrd "$initrd" \
		-append "root=/dev/vda rw console=ttyS0 panic=-1 ksrtp.stage=$stage" \
		-drive "file=$root,format=raw,if=virtio" \
		-drive "file=$work/data.img,format=raw,if=virtio,readonly=on" \
		-serial "file:$log" -serial "file:$out" </dev/null
	rc=$?
	secs=$(($(date +%s) - t))
	echo "# boot $stage: $(grep -m1 -o 'Linux version [^ ]*' "$log") (qemu rc=$rc, $secs s wall clock)"
	sed 's/\r$//' "$out" | while IFS= read -r l; do
		case $l in
		"ok "*|"not ok "*) echo "$l" ;;
		"#"*) echo "$l" ;;
		esac
	done > "$work/stage$stage.tap"
	local got
	got=$(grep -cE '^(ok|not ok) ' "$work/stage$stage.tap")
	while IFS= read -r l; do
		case $l in
		"ok "*) ok "${l#ok [0-9]* }" ;;
		"not ok "*) nok "${l#not ok [0-9]* }" ;;
		*) echo "$l" ;;
		esac
	done < "$work/stage$stage.tap"
	if [ "$rc" = 0 ] && [ "$got" -gt 0 ] && grep -q "^# stage $stage done" "$out"; then
		ok "boot $stage finished and powered off ($secs s)"
	else
		grep -E 'Kernel panic|BUG|Oops|Failed to|emergency' "$log" | head -20 | sed 's/^/# console: /'
		nok "boot $stage finished and powered off (qemu rc=$rc after $secs s, $got results)"
	fi
	bad='BUG:|WARNING:|Oops|general protection|Call Trace:|Kernel panic'
	if grep -E "$bad" "$log" >"$work/badlog$stage"; then
		sed 's/^/#   /' "$work/badlog$stage" | head -20
		nok "boot $stage: kernel log clean (no WARN/BUG/Oops)"
	else
		ok "boot $stage: kernel log clean (no WARN/BUG/Oops)"
	fi
}

# /boot of the guest's disk, read without mounting it
guest_file() { debugfs -R "dump -p $1 $2" "$root" >/dev/null 2>&1 && [ -s "$2" ]; }
guest_boot_kver() { # newest /boot/vmlinuz-SERIES* in the guest
	debugfs -R "ls -p /boot" "$root" 2>/dev/null | awk -F/ '{print $6}' |
		sed -n "s/^vmlinuz-\($1.*\)$/\1/p" | sort -V | tail -1
}

k61=$(guest_boot_kver 6.1.)
if [ -n "$k61" ] && guest_file "/boot/vmlinuz-$k61" "$work/vmlinuz-$k61" &&
	guest_file "/boot/initrd.img-$k61" "$work/initrd.img-$k61"; then
	boot 1 qemu-system-x86_64 "$work/vmlinuz-$k61" "$work/initrd.img-$k61"
else
	nok "the image's /boot has a 6.1 kernel and initrd ('$k61')"
fi

k612=$(guest_boot_kver 6.12.)
if [ -n "$k612" ] && guest_file "/boot/vmlinuz-$k612" "$work/vmlinuz-$k612" &&
	guest_file "/boot/initrd.img-$k612" "$work/initrd.img-$k612"; then
	ok "reboot: the guest's /boot has $k612 and its initrd (the host boots them)"
	if eval "$(tools/vm/qemu-bpo.sh)"; then
		export KSRTP_QEMU_DATA
		boot 2 "$KSRTP_QEMU" "$work/vmlinuz-$k612" "$work/initrd.img-$k612"
	else
		nok "QEMU 10 for the 6.12 guest (tools/vm/qemu-bpo.sh)"
	fi
else
	nok "reboot: no 6.12 kernel and initrd in the guest's /boot ('$k612')"
fi
# (root.img stays for a post-mortem, debugfs -R "cat /tmp/apt.log" ...;
# the next run removes it)
echo "# check-system took $(($(date +%s) - t_all)) s"
echo "1..$n"
[ "$fails" = 0 ]
