#!/bin/sh
# Build (once) and cache the ksrtp debug kernel: Debian's linux-source-6.1 with
# KASAN, lockdep, kmemleak and DEBUG_ATOMIC_SLEEP (tools/vm/debug.config).
#
# The cache lives outside the work tree, keyed by the source version and a hash
# of the config fragment and this script, so a clean clone reuses it and any
# change to the config rebuilds it.  Prints the build directory on stdout; the
# kernel image is $dir/arch/x86/boot/bzImage and external modules build with
# `make -C $dir M=...`.
#
#   KSRTP_CACHE   cache root (default /var/cache/ksrtp)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cache=${KSRTP_CACHE:-/var/cache/ksrtp}
tarball=$(ls /usr/src/linux-source-6.1.tar.xz 2>/dev/null || true)
[ -n "$tarball" ] || { echo "build-debug-kernel: /usr/src/linux-source-6.1.tar.xz missing (run: make deps)" >&2; exit 1; }

srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
key=$( (echo "$srcver"; cat "$here/debug.config" "$here/build-debug-kernel.sh") | sha256sum | cut -c1-16)
dir="$cache/debug-6.1-$key"

if [ -f "$dir/.ksrtp-done" ]; then
	echo "$dir"
	exit 0
fi

mkdir -p "$cache"
lock="$cache/.debug-kernel.lock"
exec 9>"$lock"
flock 9
if [ -f "$dir/.ksrtp-done" ]; then
	echo "$dir"
	exit 0
fi

log="$cache/debug-6.1-$key.log"
echo "build-debug-kernel: building $dir (about 15 min on 2 cores; log: $log)" >&2
rm -rf "$dir" "$dir.tmp"
mkdir -p "$dir.tmp"
start=$(date +%s)
{
	tar -xf "$tarball" -C "$dir.tmp" --strip-components=1
	cd "$dir.tmp"
	make -s x86_64_defconfig
	make -s kvm_guest.config
	scripts/kconfig/merge_config.sh -m .config "$here/debug.config"
	make -s olddefconfig
	# Every line of the fragment must have survived olddefconfig.
	grep -E '^CONFIG_[A-Z0-9_]+=[ym0-9]' "$here/debug.config" | while read -r line; do
		case $line in
		*=n) opt=${line%=n}; grep -q "^$opt=" .config && { echo "config: $opt still set" >&2; exit 1; } ;;
		*) grep -qx "$line" .config || { echo "config: $line did not stick" >&2; exit 1; } ;;
		esac
	done
	make -s -j"$(nproc)" bzImage modules
} >"$log" 2>&1 || { echo "build-debug-kernel: FAILED, see $log" >&2; tail -20 "$log" >&2; exit 1; }
cd "$cache"
mv "$dir.tmp" "$dir"
touch "$dir/.ksrtp-done"
echo "build-debug-kernel: built in $(( $(date +%s) - start )) s" >&2
echo "$dir"
