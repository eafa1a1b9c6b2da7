#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# libsrtp 2.5 built on OpenSSL, the userspace SRTP a gateway operator would
# deploy, as the benchmarks' baseline.  Debian's libsrtp2 is built on NSS,
# which costs ~3.4x the instructions per protect; the benchmarks name both.
# Debian's own source package (apt-get source libsrtp2, through a private
# apt configuration with a deb-src line: the system's sources and state are
# not touched), configured --enable-openssl, built once and cached:
#
#   tools/bench/libsrtp-openssl.sh     prints the install prefix
#     $PREFIX/include/srtp2/srtp.h, $PREFIX/lib/libsrtp2.a (static)
#
# Cache: ${KSRTP_CACHE:-/var/cache/ksrtp}/libsrtp-openssl-<version>; logs
# beside it.  Needs dpkg-dev (dpkg-source), gcc, make, libssl-dev.
set -euo pipefail
cache=${KSRTP_CACHE:-/var/cache/ksrtp}
mkdir -p "$cache"
exec 8>"$cache/.libsrtp-openssl.lock"
flock 8

ver=$(dpkg-query -W -f '${Version}' libsrtp2-dev 2>/dev/null || true)
[ -n "$ver" ] || ver=2.5.0-3
prefix=$cache/libsrtp-openssl-$ver
if [ -f "$prefix/lib/libsrtp2.a" ] && [ -f "$prefix/include/srtp2/srtp.h" ]; then
	echo "$prefix"
	exit 0
fi
work=$cache/libsrtp-openssl-$ver.work
log=$cache/libsrtp-openssl-$ver.log
rm -rf "$work"
mkdir -p "$work/apt/lists/partial" "$work/apt/cache/archives/partial" "$work/src"
echo "deb-src http://deb.debian.org/debian bookworm main" >"$work/apt/sources.list"
apt_p() {
	apt-get -o "Dir::Etc::sourcelist=$work/apt/sources.list" -o Dir::Etc::sourceparts=/dev/null \
		-o "Dir::State::Lists=$work/apt/lists" -o "Dir::Cache=$work/apt/cache" \
		-o Debug::NoLocking=1 -o APT::Sandbox::User=root "$@"
}
{
	echo "== $(date -u +%FT%TZ) libsrtp2 $ver with OpenSSL"
	apt_p -q update
	# apt checks the .dsc and tarballs against the signed Sources index
	(cd "$work/src" && apt_p source --download-only "libsrtp2=$ver")
	(cd "$work/src" && dpkg-source -x --no-check ./*.dsc tree)
	cd "$work/src/tree"
	./configure --enable-openssl --disable-pcap --prefix="$prefix" CFLAGS="-O2 -g"
	make -j"$(nproc)" libsrtp2.a
	grep -q '^#define OPENSSL 1' crypto/include/config.h ||
		{ echo "configure did not select OpenSSL"; exit 1; }
	mkdir -p "$prefix/lib" "$prefix/include/srtp2"
	cp libsrtp2.a "$prefix/lib/"
	cp include/srtp.h crypto/include/auth.h crypto/include/cipher.h \
		crypto/include/crypto_types.h "$prefix/include/srtp2/"
} >"$log" 2>&1 || { echo "libsrtp-openssl: build failed, see $log" >&2; tail -5 "$log" >&2; exit 1; }
rm -rf "$work"
echo "$prefix"
