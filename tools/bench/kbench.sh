#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the kernel data-path benchmark in the VM (cloud kernel) with -icount,
# so that guest time is proportional to executed instructions, and print its
# table.  Usage: kbench.sh ICOUNT_SHIFT TIMEOUT path/to/kbench [PACKETS]
#
# Two VM runs, each a table with its own baseline: under Debian's QEMU 7.2,
# whose `-cpu max` has AES-NI, PCLMULQDQ and AVX2 but no SHA extensions, and
# under QEMU 10 from bookworm-backports (tools/vm/qemu-bpo.sh), whose
# `-cpu max` adds sha_ni as on current server CPUs.  KBENCH_SHA_NI=0 skips
# the second.
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

# run_one LABEL [VAR=VALUE...]: one VM run; its table, then its verdict.
run_one() {
	local label=$1 start end rc
	shift
	echo "# kbench: ===== $label ====="
	start=$(date +%s)
	set +e
	env "$@" "$top/tools/vm/run.sh" --kernel cloud --icount "$shift_" --timeout "$timeout" \
		--bin "$bin" "$tmp/kbench-run.sh" >"$tmp/out" 2>&1
	rc=$?
	set -e
	end=$(date +%s)
	# The bench's own lines (table and checks), then the runner's verdict.
	sed -n '/^### ksrtp-vm: begin kbench-run.sh/,/^### ksrtp-vm: end kbench-run.sh/p' "$tmp/out" |
		grep -v '^### ksrtp-vm:'
	grep -E '^(not )?ok [0-9]+ cloud:|^# ksrtp-vm:' "$tmp/out" || true
	echo "# kbench: -icount shift=$shift_, VM run $((end - start)) s wall"
	if [ $rc != 0 ]; then
		echo "# kbench: the VM run failed (rc=$rc); its full output:" >&2
		sed 's/^/#   /' "$tmp/out" | tail -60 >&2
	fi
	return $rc
}

rc=0
run_one "guest CPU without SHA extensions (QEMU $(qemu-system-x86_64 --version |
	sed -n 's/^QEMU emulator version \([0-9.]*\).*/\1/p'), -cpu max)" || rc=1
if [ "${KBENCH_SHA_NI:-1}" != 0 ]; then
	if qenv=$("$top/tools/vm/qemu-bpo.sh"); then
		# shellcheck disable=SC2086 # two VAR=VALUE words
		run_one "guest CPU with SHA-NI (QEMU from bookworm-backports, -cpu max)" $qenv || rc=1
	else
		echo "# kbench: the SHA-NI run was not done (no QEMU from bookworm-backports; see above)"
	fi
fi
exit $rc
