# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Sourced by tools/vm/qemu-bpo.sh and tools/vm/kernel-bpo.sh: packages from
# Debian's bookworm-backports through a private apt configuration.  The
# system's sources, apt state and installed packages are never touched: the
# package lists and downloads live under the caller's cache directory, and
# the packages are unpacked there with dpkg-deb -x, never installed.
#
#   bpo_lock                take $KSRTP_CACHE/.bpo.lock (one fetch at a time,
#                           however many make/run.sh run concurrently)
#   bpo_update DIR          fresh bookworm-backports lists in DIR/apt
#   bpo_field DIR PKG FIELD that field of PKG's bookworm-backports entry
#   bpo_download DIR PKG... the .deb files into DIR/debs
# Failures print "bpo: ..." on stderr and return 1; logs go to DIR/apt.log.

bpo_cache_root=${KSRTP_CACHE:-/var/cache/ksrtp}

bpo_lock() {
	mkdir -p "$bpo_cache_root"
	exec 9>"$bpo_cache_root/.bpo.lock"
	flock 9
}

bpo_apt() {
	local dir=$1
	shift
	apt-get -o "Dir::Etc::sourcelist=$dir/apt/sources.list" -o Dir::Etc::sourceparts=/dev/null \
		-o "Dir::State::Lists=$dir/apt/lists" -o "Dir::Cache=$dir/apt/cache" \
		-o Debug::NoLocking=1 -o APT::Sandbox::User=root "$@"
}

bpo_update() {
	local dir=$1
	mkdir -p "$dir/apt/lists/partial" "$dir/apt/cache/archives/partial"
	echo "deb http://deb.debian.org/debian bookworm-backports main" >"$dir/apt/sources.list"
	if ! bpo_apt "$dir" -q update >>"$dir/apt.log" 2>&1; then
		echo "bpo: apt-get update of bookworm-backports failed (see $dir/apt.log)" >&2
		return 1
	fi
}

# apt-cache takes the same options; apt-get has no "show".
bpo_field() {
	local dir=$1 pkg=$2 field=$3
	apt-cache -o "Dir::Etc::sourcelist=$dir/apt/sources.list" -o Dir::Etc::sourceparts=/dev/null \
		-o "Dir::State::Lists=$dir/apt/lists" -o "Dir::Cache=$dir/apt/cache" \
		show "$pkg/bookworm-backports" 2>>"$dir/apt.log" |
		sed -n "s/^$field: //p" | head -1
}

bpo_download() {
	local dir=$1
	shift
	mkdir -p "$dir/debs"
	if ! (cd "$dir/debs" && bpo_apt "$dir" -q download "${@/%//bookworm-backports}") \
		>>"$dir/apt.log" 2>&1; then
		echo "bpo: downloading $* from bookworm-backports failed (see $dir/apt.log)" >&2
		return 1
	fi
}
