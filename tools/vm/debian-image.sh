#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A real Debian 12 system for `make check-system` (tests/system/run.sh): a
# root filesystem made by debootstrap (--variant=minbase) from the apt mirror
# this machine is configured with, plus systemd as init, apt, dkms, the cloud
# kernel (6.1) with its headers, gcc/make/pahole (what DKMS needs to build
# ksrtp for 6.1 and, after the upgrade, 6.12) and python3-yaml/jsonschema
# (the kernel's ynl client), and the libraries zrtpd's package depends on
# (the guest has no network: apt installs local .deb files only).  Written
# as a raw ext4 image (mke2fs -d, no mount), booted by QEMU with the kernel
# and initrd taken from the image's own /boot.
#
#   tools/vm/debian-image.sh           prints the image's path (built if missing)
#   tools/vm/debian-image.sh --bpo     prints a directory holding the .deb files
#                                      of bookworm-backports' 6.12 cloud kernel
#                                      and headers (what the guest installs)
#
# Cached outside the work tree like the debug kernel:
# $KSRTP_CACHE/debian-bookworm-<key>.img (default /var/cache/ksrtp), where
# <key> is a hash of this script's code, the package list and the mirror, so a changed package list
# makes a new image; older images are removed.  One build at a time
# ($KSRTP_CACHE/.debian-image.lock).  The image is never written by tests:
# they boot a copy.  Needs root (debootstrap, chroot).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${KSRTP_CACHE:-/var/cache/ksrtp}
suite=bookworm
mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
: "${mirror:=http://deb.debian.org/debian}"

pkgs=(systemd systemd-sysv udev dbus kmod iproute2 procps apt ca-certificates
	linux-image-cloud-amd64 linux-headers-cloud-amd64 initramfs-tools zstd xz-utils
	dkms gcc make libc6-dev pahole
	adduser libssl3 libsystemd0 libmnl0 libsqlite3-0
	python3 python3-yaml python3-jsonschema)

[ "$(id -u)" = 0 ] || { echo "debian-image: needs root (debootstrap)" >&2; exit 1; }
mkdir -p "$cache"

if [ "${1:-}" = --bpo ]; then
	# shellcheck source=tools/vm/bpo-apt.sh
	. "$here/bpo-apt.sh"
	eval "$("$here/kernel-bpo.sh")"
	d=$cache/debs-$KVER
	if [ ! -f "$d/.done" ]; then
		bpo_lock
		if [ ! -f "$d/.done" ]; then
			[ -d "$cache/bpo-lists/apt/lists" ] || bpo_update "$cache/bpo-lists"
			rm -rf "$d"
			v=$(bpo_field "$cache/bpo-lists" "linux-image-$KVER" Version)
			rm -rf "$cache/bpo-lists/debs"
			bpo_download "$cache/bpo-lists" "linux-image-$KVER" "linux-headers-$KVER" \
				"linux-headers-${KVER%-cloud-amd64}-common" "linux-kbuild-${KVER%-cloud-amd64}"
			mkdir -p "$d"
			mv "$cache/bpo-lists/debs" "$d/debs"
			ls "$d"/debs/linux-image-"$KVER"_"${v//:/%3a}"_amd64.deb >/dev/null
			touch "$d/.done"
		fi
	fi
	echo "$d/debs"
	exit 0
fi

# (comment lines do not count: editing them does not rebuild the image)
key=$( { grep -v '^[[:space:]]*#' "$0"; echo "$suite $mirror ${pkgs[*]}"; } | sha256sum | cut -c1-12)
img=$cache/debian-$suite-$key.img
if [ -f "$img" ]; then
	echo "$img"
	exit 0
fi
exec 9>"$cache/.debian-image.lock"
flock 9
if [ -f "$img" ]; then
	echo "$img"
	exit 0
fi
command -v debootstrap >/dev/null || { echo "debian-image: no debootstrap (apt-get install debootstrap)" >&2; exit 1; }

tmp=$(mktemp -d "$cache/.debian-$suite-XXXXXX")
trap 'umount -l "$tmp/root/proc" "$tmp/root/sys" "$tmp/root/dev" 2>/dev/null || true; rm -rf "$tmp"' EXIT
root=$tmp/root
log=$cache/debian-$suite-$key.log
t0=$(date +%s)
echo "debian-image: debootstrap $suite from $mirror (log $log)" >&2
# (the downloaded packages are kept for the next build: --cache-dir)
mkdir -p "$cache/debootstrap-debs"
if ! debootstrap --cache-dir="$cache/debootstrap-debs" --variant=minbase --include="$(IFS=,; echo "${pkgs[*]}")" \
	"$suite" "$root" "$mirror" >"$log" 2>&1; then
	tail -20 "$log" >&2
	echo "debian-image: debootstrap failed (log $log)" >&2
	exit 1
fi

# The system: root on the first virtio disk, a serial console, no network
# (the guest installs only files it is given), no timers that would run apt
# in the middle of a test.
cat >"$root/etc/fstab" <<'EOF'
/dev/vda / ext4 rw,errors=remount-ro 0 1
EOF
echo ksrtp-system >"$root/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 ksrtp-system\n' >"$root/etc/hosts"
chroot "$root" passwd -d root >/dev/null
for u in apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer \
	fstrim.timer systemd-tmpfiles-clean.timer; do
	ln -sf /dev/null "$root/etc/systemd/system/$u"
done
# tests/system/run.sh hands the guest a second disk (/dev/vdb) with the
# packages and the stage script; this unit runs the stage named on the
# kernel command line (ksrtp.stage=N), with its TAP on the second serial
# port, then powers off.  Type=simple: the boot completes around it (the
# stage waits for that with systemctl is-system-running --wait).
cat >"$root/etc/systemd/system/ksrtp-stage.service" <<'EOF'
[Unit]
Description=ksrtp system test stage (tests/system)
ConditionKernelCommandLine=ksrtp.stage

[Service]
Type=simple
ExecStart=/bin/sh -c 'mkdir -p /mnt/ksrtp && mount -o ro /dev/vdb /mnt/ksrtp && exec /bin/bash /mnt/ksrtp/stage.sh'
StandardOutput=file:/dev/ttyS1
StandardError=inherit
ExecStopPost=/bin/systemctl --no-block poweroff

[Install]
WantedBy=multi-user.target
EOF
ln -s /etc/systemd/system/ksrtp-stage.service \
	"$root/etc/systemd/system/multi-user.target.wants/ksrtp-stage.service"
# Local .deb files only: no sources, no lists.
: >"$root/etc/apt/sources.list"
rm -f "$root"/etc/apt/sources.list.d/*
chroot "$root" apt-get clean
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin
echo "$key" >"$root/etc/ksrtp-system-image"

# ext4 from the directory (mke2fs -d keeps owners and modes), with room for
# the 6.12 kernel, its headers and two DKMS builds; sparse on disk.
used=$(du -sm "$root" | cut -f1)
size=$((used + 1536))
mke2fs -q -t ext4 -L ksrtp-root -m 0 -d "$root" "$tmp/img" "${size}M"
mv -f "$tmp/img" "$img"
find "$cache" -maxdepth 1 -name "debian-$suite-*.img" ! -name "${img##*/}" -delete
echo "debian-image: $img (${size} MB, ${used} MB used, built in $(($(date +%s) - t0)) s)" >&2
echo "$img"
