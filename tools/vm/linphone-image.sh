#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# linphone-image.sh [--path]: an ext4 image holding Debian's linphonec
# (package linphone-cli, installed by tools/deps.sh) with every library it
# loads and the data files it reads, for tests/kselftest/softphone_linphone.sh.
# run.sh attaches it as a read-only virtio disk (--disk); the test mounts it
# and runs linphonec chrooted into it (the cloud kernel has no 9p, and the
# initramfs stays small for the other tests).
#
# Cached outside the work tree like the debug kernel, keyed by content:
# $KSRTP_CACHE (default /var/cache/ksrtp)/linphone-VERSION-KEY.ext4, where
# KEY hashes this script and the name, size and mtime of every installed
# file it copies, so a clean clone reuses it and an upgrade of any of them
# builds a new one (older images are removed).  Prints the image's path on
# stdout; --path only prints it if it is built (nothing otherwise: the
# test then reports itself skipped).  Without linphonec installed it builds
# nothing and says so.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${KSRTP_CACHE:-/var/cache/ksrtp}
only_path=
[ "${1:-}" = --path ] && only_path=1

lpc=$(command -v linphonec || true)
if [ -z "$lpc" ]; then
	[ -n "$only_path" ] || echo "linphone-image: linphonec not installed (make deps); no image" >&2
	exit 0
fi

# What goes in: the program, its shared libraries (ldd: the closure), the
# dynamic loader, and the data liblinphone/belle-sip read at run time.
files() {
	echo "$lpc"
	ldd "$lpc" | grep -oE '/[^ ]+'
	# libsrtp2 is built on NSS, which dlopen()s its softoken next to
	# libnss3 (ldd cannot see it; without it SRTP fails to initialise)
	nss=$(ldd "$lpc" | sed -n 's|.*=> \(/[^ ]*\)/libnss3\.so.*|\1|p')
	if [ -n "$nss" ]; then
		for f in /usr/lib/x86_64-linux-gnu/libsoftokn3.* /usr/lib/x86_64-linux-gnu/libfreebl*; do
			[ -e "$f" ] || continue
			echo "$f" | sed "s|^/usr/lib/x86_64-linux-gnu|$nss|"
			case $f in *.so) ldd "$f" | grep -oE '/[^ ]+' ;; esac
		done
	fi
	# liblinphone's database layer (soci) dlopen()s its SQLite backend
	for f in /usr/lib/x86_64-linux-gnu/libsoci_sqlite3.so*; do
		[ -e "$f" ] || continue
		echo "$f"
		ldd "$f" | grep -oE '/[^ ]+'
	done
	for d in /usr/share/belr/grammars /usr/share/linphone; do
		[ -d "$d" ] && find "$d" -type f
	done
	ls /usr/share/sounds/linphone/ringback.wav /usr/share/sounds/linphone/rings/*.wav 2>/dev/null || true
}
list=$(files | sort -u)

# The media the tests play: 8 kHz mono 16-bit PCM whose G.711 mu-law
# encoding is the marker "KSRTP-PLAINTEXT" over and over (mu-law decodes
# each marker byte to a sample that encodes back to the same byte), so
# clear RTP on the wire carries the marker rtpapp sniff looks for, exactly
# like rtpapp's own payloads.
ulaw2lin() {
	local u=$(( ~$1 & 0xff )) s
	s=$(( ((((u & 15) << 3) + 0x84) << ((u >> 4) & 7)) - 0x84 ))
	(( u & 0x80 )) && s=$(( -s ))
	echo $(( s & 0xffff ))
}
le16() { printf '\\x%02x\\x%02x' $(( $1 & 255 )) $(( ($1 >> 8) & 255 )); }
le32() { printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(( $1 & 255 )) $(( ($1 >> 8) & 255 )) \
	$(( ($1 >> 16) & 255 )) $(( ($1 >> 24) & 255 )); }
mkwav() { # FILE SECONDS
	local marker=KSRTP-PLAINTEXT unit= i c n data
	for ((i = 0; i < ${#marker}; i++)); do
		c=$(printf '%d' "'${marker:i:1}")
		unit+=$(le16 "$(ulaw2lin "$c")")
	done
	n=$(( $2 * 8000 / ${#marker} ))
	data=$(( n * ${#marker} * 2 ))
	{
		printf 'RIFF'; printf "$(le32 $((36 + data)))"; printf 'WAVEfmt '
		printf "$(le32 16)$(le16 1)$(le16 1)$(le32 8000)$(le32 16000)$(le16 2)$(le16 16)"
		printf 'data'; printf "$(le32 "$data")"
		for ((i = 0; i < n; i++)); do printf "$unit"; done
	} > "$1"
}

key=$( { sha256sum < "$0"; echo "$list" | while read -r f; do stat -L -c '%n %s %Y' "$f"; done; } |
	sha256sum | cut -d' ' -f1)
ver=$(dpkg-query -W -f='${Version}' linphone-cli 2>/dev/null || echo unknown)
out=$cache/linphone-$ver-${key:0:16}.ext4
if [ -f "$out" ] || [ -n "$only_path" ]; then
	[ -f "$out" ] && echo "$out"
	exit 0
fi

mkdir -p "$cache"
exec 9>"$cache/.linphone-image.lock"
flock 9
if [ -f "$out" ]; then
	echo "$out"
	exit 0
fi
start=$(date +%s)
tmp=$(mktemp -d "$cache/.linphone-root-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir -p "$root"/{dev,proc,sys,tmp,run,root,etc,media,var}
ln -s ../tmp "$root/var/tmp"
echo "$list" | while read -r f; do
	mkdir -p "$root$(dirname "$f")"
	cp -L "$f" "$root$f"
done
# (the libraries land where ldd names them, /lib/x86_64-linux-gnu: a
# default search directory of the loader, so no ld.so.cache is needed)
# Bob's Linphone must be a softphone without ZRTP (zrtpd does it for him):
# liblinphone 5.1 accepts ZRTP on every incoming call whatever linphonerc
# says (media_encryption=none, [sip] supported_encryptions without ZRTP and
# enable_capability_negotiations=0 were all tried: an incoming call takes
# the compile-time list), so the test preloads this into bob's linphonec:
# mediastreamer2 then reports ZRTP unavailable, as in a build without bzrtp.
mkdir -p "$root/usr/lib/ksrtp"
printf '%s\n' '/* ZRTP unavailable: linphonec as if built without bzrtp */' \
	'int ms_zrtp_available(void);' 'int ms_zrtp_available(void) { return 0; }' > "$tmp/nozrtp.c"
${CC:-cc} -shared -fPIC -O2 -o "$root/usr/lib/ksrtp/nozrtp.so" "$tmp/nozrtp.c"
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
echo "root:x:0:" > "$root/etc/group"
mkwav "$root/media/marker.wav" 30
echo "$key" > "$root/etc/ksrtp-linphone-image"

# ext4 from the directory, no mount and no root needed (mke2fs -d)
size=$(( $(du -sm "$root" | cut -f1) * 5 / 4 + 32 ))
rm -f "$tmp/img"
mke2fs -q -t ext4 -L ksrtp-lp -m 0 -d "$root" "$tmp/img" "${size}M" >&2
rm -f "$cache"/linphone-*.ext4
mv -f "$tmp/img" "$out"
echo "linphone-image: $out (${size} MB, $(echo "$list" | wc -l) files from the host, $(( $(date +%s) - start )) s)" >&2
echo "$out"
