#!/bin/bash
# libksrtp as a program outside the tree sees it: the soname, only ksrtp_*
# exported and all of them versioned KSRTP_0 (or the later node the map
# puts them in: KSRTP_0.1, latching), and a program built with
# pkg-config against the build tree and against `make install DESTDIR=`,
# linked to the shared object (not the archive) and run.
set -uo pipefail
cd "$(dirname "$0")/../.."
B=build
so=$(make -s --no-print-directory print-KSRTP_SO 2>/dev/null)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
no() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n $1"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else no "$what"; fi; }
echo "1..7"

check "shared object built ($so)" test -n "$so" -a -f "$so"
soname=$(readelf -d "$so" 2>/dev/null | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
check "soname is libksrtp.so.1 (got '$soname')" test "$soname" = libksrtp.so.1
# objdump -T: "... g DF .text ... KSRTP_0 ksrtp_nl_open"
objdump -T "$so" | awk '$2 == "g" && $4 == ".text"' > "$tmp/syms"
bad=$(awk '$NF !~ /^ksrtp_/ ||
	($(NF-1) != "KSRTP_0" && !($(NF-1) == "KSRTP_0.1" && $NF == "ksrtp_nl_flow_new_latch"))' "$tmp/syms")
count=$(wc -l < "$tmp/syms")
check "exported: $count functions, all ksrtp_* at KSRTP_0 (0.1: flow_new_latch)${bad:+ (not: $bad)}" \
	test "$count" -ge 20 -a -z "$bad"

cat > "$tmp/user.c" <<'C'
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <ksrtp_nl.h>
#include <linux/ksrtp.h>

int main(void)
{
	struct ksrtp_key_req k = { 0 };
	struct ksrtp_sockaddr sa;
	const char *why;
	char buf[64];

	if (ksrtp_sdes_parse("a=crypto:1 AEAD_AES_128_GCM inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGw==",
			     &k, &why) || k.profile != KSRTP_PROFILE_AEAD_AES_128_GCM ||
	    k.key[15] != 15 || k.salt[11] != 27)
		return 1;
	if (ksrtp_parse_sockaddr("[2001:db8::1]:5004", &sa) ||
	    strcmp(ksrtp_format_sockaddr(&sa, buf, sizeof(buf)), "[2001:db8::1]:5004"))
		return 2;
	puts("libksrtp user ok");
	return 0;
}
C
build_run() {	# $1: label; PKG_CONFIG_* set by the caller
	local cflags libs
	cflags=$(pkg-config --cflags ksrtp) && libs=$(pkg-config --libs ksrtp) || return 1
	gcc -Wall -Werror $cflags -o "$tmp/user" "$tmp/user.c" $libs || return 1
	ldd "$tmp/user" | grep -q 'libksrtp.so.1 =>' || { echo "# not linked to the .so"; return 1; }
	"$tmp/user" | grep -q 'libksrtp user ok'
}
check "a program built with the build tree's ksrtp.pc runs on libksrtp.so.1" \
	env PKG_CONFIG_PATH=$B/lib/pkgconfig LD_LIBRARY_PATH=$B/lib bash -c "$(declare -f build_run); tmp=$tmp build_run"

dest=$tmp/root
check "make install-lib DESTDIR=... installs it" \
	make -s --no-print-directory install-lib DESTDIR="$dest" PREFIX=/usr
libdir=/usr/lib/$(gcc -print-multiarch)
check "installed: .so, soname link, .a, headers, ksrtp.pc" test -f "$dest$libdir/libksrtp.so.1.0.0" -a \
	-L "$dest$libdir/libksrtp.so.1" -a -L "$dest$libdir/libksrtp.so" -a -f "$dest$libdir/libksrtp.a" -a \
	-f "$dest/usr/include/ksrtp/ksrtp_nl.h" -a -f "$dest/usr/include/ksrtp/linux/ksrtp.h" -a \
	-f "$dest$libdir/pkgconfig/ksrtp.pc"
check "a program built with the installed ksrtp.pc runs" \
	env PKG_CONFIG_PATH="$dest$libdir/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$dest" \
	LD_LIBRARY_PATH="$dest$libdir" bash -c "$(declare -f build_run); tmp=$tmp build_run"
echo "# $n tests, $fails failed"
[ $fails = 0 ]
