#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# QEMU 10 from bookworm-backports: it boots Linux 6.12 guests (Debian 12's
# QEMU 7.2 crashes them in SLUB under TCG, see run.sh --kernel cloud612), and
# its TCG emulates the SHA extensions, for the kernel benchmark.
#
# Debian 12's QEMU 7.2 has no SHA-NI in TCG, so under it the kernel hashes
# HMAC-SHA1 with sha1-avx2, while the servers this runs on (Intel since Ice
# Lake, AMD since Zen) use sha1-ni.  bookworm-backports has QEMU 10, whose
# `-cpu max` has sha_ni.  This script downloads its packages with a private
# apt configuration (tools/vm/bpo-apt.sh: the system's sources and installed
# QEMU are not touched), unpacks them into $KSRTP_CACHE/qemu-bpo (default
# /var/cache/ksrtp) and prints the path of a wrapper that runs it; run.sh
# takes it as KSRTP_QEMU, the firmware directory as KSRTP_QEMU_DATA.
# The wrapper bind-mounts the unpacked QEMU's module directory over the
# system one in a private mount namespace (QEMU looks for its modules there
# and refuses those of another build), so it needs root, as the VM tests do.
#
# Prints "KSRTP_QEMU=... KSRTP_QEMU_DATA=..." on success; exits 1 with the
# reason on stderr otherwise.
set -euo pipefail
# shellcheck source=tools/vm/bpo-apt.sh
. "$(dirname "$0")/bpo-apt.sh"

cache=${KSRTP_CACHE:-/var/cache/ksrtp}/qemu-bpo
pkgs=(qemu-system-x86 qemu-system-common qemu-system-data)
root=$cache/root
wrap=$cache/qemu-system-x86_64
moddir=/usr/lib/x86_64-linux-gnu/qemu

emit() {
	echo "KSRTP_QEMU=$wrap KSRTP_QEMU_DATA=$root/usr/share/qemu"
}

if [ -x "$wrap" ] && "$root/usr/bin/qemu-system-x86_64" --version >/dev/null 2>&1; then
	emit
	exit 0
fi
[ "$(id -u)" = 0 ] || { echo "qemu-bpo: needs root" >&2; exit 1; }
command -v unshare >/dev/null || { echo "qemu-bpo: no unshare(1)" >&2; exit 1; }
# One fetch at a time; another run may have finished it while we waited.
bpo_lock
if [ -x "$wrap" ] && "$root/usr/bin/qemu-system-x86_64" --version >/dev/null 2>&1; then
	emit
	exit 0
fi

rm -rf "$cache"
mkdir -p "$root"
bpo_update "$cache" || exit 1
bpo_download "$cache" "${pkgs[@]}" || exit 1
for d in "$cache"/debs/*.deb; do
	dpkg-deb -x "$d" "$root"
done
if ! "$root/usr/bin/qemu-system-x86_64" --version >/dev/null 2>&1; then
	echo "qemu-bpo: the unpacked QEMU does not run:" >&2
	"$root/usr/bin/qemu-system-x86_64" --version >&2 || true
	exit 1
fi
mkdir -p "$root$moddir"
cat > "$wrap" <<EOF
#!/bin/sh
# QEMU from bookworm-backports (tools/vm/qemu-bpo.sh), with its own modules.
exec unshare -m sh -c 'mount --bind "$root$moddir" "$moddir" && exec "$root/usr/bin/qemu-system-x86_64" "\$@"' qemu "\$@"
EOF
chmod +x "$wrap"
emit
