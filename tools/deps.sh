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
	sparse pahole
	clang libclang-rt-14-dev
	valgrind
	libsrtp2-dev libbzrtp-dev tshark python3-prometheus-client
	libsystemd-dev
	debhelper dh-dkms dkms lintian adduser
	python3-yaml python3-jsonschema
	linphone-cli e2fsprogs
	nftables
"
# build-essential..sqlite: the product (zrtpd/zrtpctl link OpenSSL, libmnl, SQLite)
# linux-*: ksrtp.ko is built against cloud headers and tested by booting that
#   image; linux-source-6.1 gives the debug kernel, kselftest_harness.h, checkpatch
# bc..zstd: building the debug kernel and the VM initramfs
# qemu/busybox/iproute2: the VM runner and its guests
# sparse: `make sparse` on the module
# pahole: the BTF step of the module build against the 6.12 headers (they ship
#   vmlinux); those headers, the 6.12 image and QEMU 10 come from
#   bookworm-backports unpacked, not installed (tools/vm/kernel-bpo.sh,
#   tools/vm/qemu-bpo.sh)
# clang + libclang-rt: libFuzzer harnesses
# valgrind: callgrind instruction counts in `make bench`
# libsrtp2-dev, libbzrtp-dev, tshark, python3-prometheus-client: test oracles
#   only (SRTP, ZRTP, wire format, metrics text format), never linked by the product
# libsystemd-dev: zrtpd reports readiness/reload/stop with sd_notify(3)
# debhelper..adduser: `make deb` (packages, lintian) and the DKMS build check
# python3-yaml, python3-jsonschema: the kernel's ynl-gen-c.py (tools/ynl/gen.sh)
# linphone-cli, e2fsprogs: the real-softphone test's ext4 image
#   (tools/vm/linphone-image.sh; `tools/deps.sh PKG...` installs just those)
# nftables: the NAT (masquerade) in front of a latching leg in ksrtp_latch
#   (nft is copied into the VM; the cloud kernels' nf_tables modules too)
[ $# -gt 0 ] && pkgs="$*"

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
