#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kernel's YNL tools (tools/net/ynl: ynl-gen-c.py, the ynl CLI and its
# library) and the genetlink schemas (Documentation/netlink/), from
# bookworm-backports' linux-source-6.12 (6.1's tree predates them).
# Downloaded with a private apt configuration (the system's sources are not
# touched), extracted once into $KSRTP_CACHE/ynl (default /var/cache/ksrtp).
# Prints the directory holding tools/ and Documentation/.
set -euo pipefail

cache=${KSRTP_CACHE:-/var/cache/ksrtp}/ynl
if [ -f "$cache/.done" ]; then
	echo "$cache/linux"
	exit 0
fi
[ "$(id -u)" = 0 ] || { echo "ynl-fetch: needs root (apt)" >&2; exit 1; }
rm -rf "$cache"
mkdir -p "$cache/apt/lists/partial" "$cache/apt/cache/archives/partial" "$cache/debs" "$cache/linux"
echo "deb http://deb.debian.org/debian bookworm-backports main" > "$cache/apt/sources.list"
apt=(-o "Dir::Etc::sourcelist=$cache/apt/sources.list" -o Dir::Etc::sourceparts=/dev/null
	-o "Dir::State::Lists=$cache/apt/lists" -o "Dir::Cache=$cache/apt/cache"
	-o Debug::NoLocking=1 -o APT::Sandbox::User=root)
apt-get "${apt[@]}" -q update >"$cache/apt.log" 2>&1 ||
	{ echo "ynl-fetch: apt-get update of bookworm-backports failed ($cache/apt.log)" >&2; exit 1; }
(cd "$cache/debs" && apt-get "${apt[@]}" -q download linux-source-6.12/bookworm-backports) \
	>>"$cache/apt.log" 2>&1 ||
	{ echo "ynl-fetch: downloading linux-source-6.12 failed ($cache/apt.log)" >&2; exit 1; }
dpkg-deb --fsys-tarfile "$cache"/debs/linux-source-6.12_*.deb |
	tar -x -C "$cache/debs" --wildcards './usr/src/linux-source-6.12.tar.xz'
tar -xf "$cache"/debs/usr/src/linux-source-6.12.tar.xz -C "$cache/linux" --strip-components=1 \
	--wildcards 'linux-source-6.12/tools/net/ynl' 'linux-source-6.12/Documentation/netlink' \
	'linux-source-6.12/tools/include' 'linux-source-6.12/scripts/checkpatch.pl' \
	'linux-source-6.12/scripts/spelling.txt' 'linux-source-6.12/scripts/const_structs.checkpatch'
rm -rf "$cache/debs" "$cache/apt/cache"
touch "$cache/.done"
echo "$cache/linux"
