#!/bin/sh
# Install every Debian package the project needs, idempotently.
# This is the only place the list lives: `make deps` runs it, and so do
# `make demo` and `make check`.
set -eu

# What each group is for, so nobody has to guess whether it can go.
pkgs="
	build-essential make pkg-config
	libssl-dev libmnl-dev libsqlite3-dev
	linux-headers-cloud-amd64 linux-image-cloud-amd64 linux-source-6.1
	bc flex bison libelf-dev cpio kmod rsync xz-utils zstd
	qemu-system-x86 busybox-static iproute2
	sparse
	clang libclang-rt-14-dev
	valgrind
	libsrtp2-dev libbzrtp-dev tshark
	linphone-cli e2fsprogs
"
# build-essential..sqlite: the product (zrtpd/zrtpctl link OpenSSL, libmnl, SQLite)
# linux-*: ksrtp.ko is built against cloud headers and tested by booting that
#   image; linux-source-6.1 gives the debug kernel, kselftest_harness.h, checkpatch
# bc..zstd: building the debug kernel and the VM initramfs
# qemu/busybox/iproute2: the VM runner and its guests
# sparse: `make sparse` on the module
# clang + libclang-rt: libFuzzer harnesses
# valgrind: callgrind instruction counts in `make bench`
# libsrtp2-dev, libbzrtp-dev, tshark: test oracles only, never linked by the product
# linphone-cli, e2fsprogs: a real softphone for tests/kselftest/e2e_linphone.sh,
#   copied with its libraries into an ext4 image (tools/vm/linphone-image.sh)

missing=
for p in $pkgs; do
	s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$s" = installed ] || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "deps: all installed"
	exit 0
fi
echo "deps: installing$missing"
if [ "$(id -u)" != 0 ]; then
	echo "deps: need root to install packages" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# tshark asks whether non-root users may capture; the default (no) is fine.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get install -y -qq --no-install-recommends $missing
