#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kernel/netlink-gen.[ch] from Documentation/netlink/specs/ksrtp.yaml with the
# kernel's own generator (tools/net/ynl/ynl-gen-c.py of Linux 6.12, fetched by
# tools/ynl/fetch.sh): the per-command request policies and the ops table.
#
#   tools/ynl/gen.sh           regenerate the files in place
#   tools/ynl/gen.sh --check   TAP: the spec is valid against the kernel's
#                              schema and the committed files are exactly what
#                              it generates (make check's "netlink-spec" suite)
#
# 6.12's per-op mode cannot express a command without request attributes
# (get-info, zrtp-listen: it fails on an empty policy), so those two are left
# out of the generation and registered by netlink.c as small ops under the
# family's reject-everything policy.  Everything else is the generator's.
set -euo pipefail
cd "$(dirname "$0")/../.."
check=0
[ "${1:-}" = --check ] && check=1
py=/usr/bin/python3
spec=Documentation/netlink/specs/ksrtp.yaml

y=$(tools/ynl/fetch.sh)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/Documentation/netlink/specs"
touch "$work/MAINTAINERS"	# ynl-gen-c.py finds the tree root by it
cp "$y"/Documentation/netlink/*.yaml "$work/Documentation/netlink/"
"$py" - "$spec" "$work/$spec" <<'PY'
import sys, yaml
s = yaml.safe_load(open(sys.argv[1]))
s['operations']['list'] = [op for op in s['operations']['list']
                           if op['name'] not in ('get-info', 'zrtp-listen')]
# the numbering is the uAPI header's: keep the first remaining op's value
s['operations']['list'][0]['value'] = 2
out = open(sys.argv[2], 'w')
out.write(open(sys.argv[1]).readline())	# the SPDX line
yaml.safe_dump(s, out, sort_keys=False)
PY
gen() {
	(cd "$y/tools/net/ynl" && "$py" ynl-gen-c.py --mode kernel "--$1" \
		--spec "$work/$spec" -o "$2")
}
gen header "$work/netlink-gen.h" >"$work/gen.log" 2>&1 &&
gen source "$work/netlink-gen.c" >>"$work/gen.log" 2>&1 || {
	tail -5 "$work/gen.log" >&2
	[ $check = 1 ] && { echo "1..1"; echo "not ok 1 ynl-gen-c.py failed on $spec"; }
	exit 1
}
if [ $check = 0 ]; then
	cp "$work/netlink-gen.h" "$work/netlink-gen.c" kernel/
	echo "ynl: kernel/netlink-gen.h, kernel/netlink-gen.c regenerated from $spec"
	exit 0
fi
echo "TAP version 13"
echo "1..3"
echo "ok 1 $spec: valid against the kernel's genetlink-legacy schema, generated"
rc=0
for f in netlink-gen.h netlink-gen.c; do
	n=$((${n:-1} + 1))
	if diff -u "kernel/$f" "$work/$f" >"$work/diff" 2>&1; then
		echo "ok $n kernel/$f is what the spec generates"
	else
		sed 's/^/# /' "$work/diff" | head -40
		echo "not ok $n kernel/$f differs from what the spec generates (tools/ynl/gen.sh)"
		rc=1
	fi
done
exit $rc
