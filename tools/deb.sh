#!/bin/bash
# make deb: the Debian packages (ksrtp-dkms, zrtpd) with the distribution's
# tooling, built from a copy of the tree (dpkg-buildpackage cleans its tree,
# and build/ holds the checked build), then lintian over the result.
# Prints the packages and lintian's verdict; exits 1 on a lintian error or
# warning that debian/*.lintian-overrides does not justify.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/deb
rm -rf "$out" && mkdir -p "$out/src"
rsync -a --exclude=/build --exclude=/.git ./ "$out/src/ksrtp/"
(cd "$out/src/ksrtp" && dpkg-buildpackage -us -uc -b --no-pre-clean) >"$out/build.log" 2>&1 || {
	tail -30 "$out/build.log" >&2
	echo "deb: dpkg-buildpackage failed (log: $out/build.log)" >&2
	exit 1
}
mv "$out"/src/*.deb "$out"/src/*.changes "$out"/src/*.buildinfo "$out"/ 2>/dev/null || true
rm -rf "$out/src"
ls -1 "$out"/*.deb
lintian --fail-on error,warning --info "$out"/*.changes | tee "$out/lintian.log"
echo "deb: lintian clean (errors and warnings; see $out/lintian.log for info tags)"
