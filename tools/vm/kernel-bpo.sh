#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Linux 6.12 (the series of Debian 13) from bookworm-backports, for building
# and testing ksrtp against it on Debian 12: Debian's cloud-amd64 image and
# its headers (+ linux-headers-*-common, linux-kbuild-*), downloaded with a
# private apt configuration (tools/vm/bpo-apt.sh: nothing is installed, the
# system's sources are not touched) and unpacked into
# $KSRTP_CACHE/linux-<version>-cloud-amd64 (default /var/cache/ksrtp), one
# directory per kernel version.
#
#   tools/vm/kernel-bpo.sh          prints KVER=... KDIR=... VMLINUZ=... MODDIR=...
#   tools/vm/kernel-bpo.sh --kdir   prints only KDIR (for make -C KDIR M=...)
#
# KDIR is the unpacked linux-headers-<version>-cloud-amd64: the packages'
# absolute references to /usr/src (its Makefile's include of the -common
# Makefile, lib/modules/<version>/build and source) are rewritten to the
# unpacked tree; scripts/ and tools/ are relative links to the unpacked
# linux-kbuild.  The headers ship vmlinux, so the module build's BTF step
# runs pahole (tools/deps.sh installs it).  The compiler is gcc-12, as for 6.1.
#
# Once a version is unpacked it is used without any network access; with
# KSRTP_BPO_REFRESH=1 the package lists are read again and a newer 6.12
# point release, if any, is fetched next to the old one.
# Exits 1 with the reason on stderr when nothing can be had.
set -euo pipefail
# shellcheck source=tools/vm/bpo-apt.sh
. "$(dirname "$0")/bpo-apt.sh"

series=6.12
flavour=cloud-amd64
cache=$bpo_cache_root

# The newest complete unpacked version, if any.
cached() {
	local d
	d=$(find "$cache" -maxdepth 2 -path "$cache/linux-$series.*-$flavour/.ksrtp-done" 2>/dev/null |
		sed 's|/.ksrtp-done$||' | sort -V | tail -1)
	[ -n "$d" ] || return 1
	kver=${d##*/linux-}
	top=$d/root
}

emit() {
	local kdir=$top/usr/src/linux-headers-$kver
	if [ "${1:-}" = --kdir ]; then
		echo "$kdir"
	else
		echo "KVER=$kver KDIR=$kdir VMLINUZ=$top/boot/vmlinuz-$kver MODDIR=$top/lib/modules/$kver"
	fi
}

if [ "${KSRTP_BPO_REFRESH:-0}" != 1 ] && cached; then
	emit "$@"
	exit 0
fi
[ "$(id -u)" = 0 ] || { echo "kernel-bpo: needs root (to write $cache)" >&2; exit 1; }
bpo_lock
if [ "${KSRTP_BPO_REFRESH:-0}" != 1 ] && cached; then
	emit "$@"
	exit 0
fi

# Which 6.12 is current: the flavour's meta packages name it.
lists=$cache/bpo-lists
rm -rf "$lists"
bpo_update "$lists" || exit 1
img=$(bpo_field "$lists" "linux-image-$flavour" Depends | sed 's/ .*//')
case $img in
linux-image-$series.*-$flavour) ;;
*)
	echo "kernel-bpo: bookworm-backports' linux-image-$flavour is '${img:-nothing}', not $series" >&2
	exit 1
	;;
esac
kver=${img#linux-image-}
d=$cache/linux-$kver
if [ -e "$d/.ksrtp-done" ]; then
	top=$d/root
	emit "$@"
	exit 0
fi
hdr=linux-headers-$kver
# linux-headers-<abi>-common and linux-kbuild-<abi>, from the headers' Depends.
deps=$(bpo_field "$lists" "$hdr" Depends | tr ',|' '\n' | sed 's/^ *//; s/ .*//' |
	grep -E '^linux-(headers-.*-common|kbuild-)' | sort -u)
[ "$(echo "$deps" | wc -w)" = 2 ] || {
	echo "kernel-bpo: cannot find the common headers and kbuild of $hdr (got: $deps)" >&2
	exit 1
}

rm -rf "$d"
mkdir -p "$d/root"
cp -r "$lists/apt" "$d/"
# shellcheck disable=SC2086 # two package names
bpo_download "$d" "$img" "$hdr" $deps || exit 1
for f in "$d"/debs/*.deb; do
	dpkg-deb -x "$f" "$d/root"
done
top=$d/root
kdir=$top/usr/src/$hdr
sed -i "s|^include /usr/src/|include $top/usr/src/|" "$kdir/Makefile"
ln -sfn "../../../usr/src/$hdr" "$top/lib/modules/$kver/build"
common=$(echo "$deps" | grep -- '-common$')
ln -sfn "../../../usr/src/$common" "$top/lib/modules/$kver/source"
for f in "$top/boot/vmlinuz-$kver" "$kdir/Module.symvers" "$kdir/scripts/Makefile.modpost" \
	"$top/usr/src/$common/Makefile" "$top/lib/modules/$kver/modules.order"; do
	[ -e "$f" ] || { echo "kernel-bpo: $f missing after unpacking" >&2; exit 1; }
done
if grep -rlsIE --exclude=patch-kernel "(^|[ =])/usr/src/" "$kdir" \
	"$top/usr/src/$common/Makefile" >&2; then
	echo "kernel-bpo: absolute /usr/src references left in the files above" >&2
	exit 1
fi
rm -rf "$d/debs" "$d/apt"
touch "$d/.ksrtp-done"
emit "$@"
