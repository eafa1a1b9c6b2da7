#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the kernel data-path benchmark in the VM (cloud kernel) with -icount,
# so that guest time is proportional to executed instructions, and print its
# table.  Usage: kbench.sh ICOUNT_SHIFT TIMEOUT path/to/kbench [PACKETS]
set -euo pipefail

shift_=${1:?usage: $0 ICOUNT_SHIFT TIMEOUT kbench [PACKETS]}
timeout=${2:?}
bin=${3:?}
packets=${4:-}
top=$(cd "$(dirname "$0")/../.." && pwd)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# run.sh runs tests without arguments: a one-line script passes -n.
cat >"$tmp/kbench-run.sh" <<SH
exec kbench ${packets:+-n $packets}
SH

start=$(date +%s)
set +e
"$top/tools/vm/run.sh" --kernel cloud --icount "$shift_" --timeout "$timeout" \
	--bin "$bin" "$tmp/kbench-run.sh" >"$tmp/out" 2>&1
rc=$?
set -e
end=$(date +%s)

# The bench's own lines (table and checks), then the runner's verdict lines.
sed -n '/^### ksrtp-vm: begin kbench-run.sh/,/^### ksrtp-vm: end kbench-run.sh/p' "$tmp/out" |
	grep -v '^### ksrtp-vm:'
grep -E '^(not )?ok [0-9]+ cloud:|^# ksrtp-vm:' "$tmp/out" || true
echo "# kbench: -icount shift=$shift_, VM run $((end - start)) s wall"
if [ $rc != 0 ]; then
	echo "# kbench: the VM run failed (rc=$rc); its full output:" >&2
	sed 's/^/#   /' "$tmp/out" | tail -60 >&2
fi
exit $rc
