#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the gateway benchmark (tests/bench/gwbench.c) in the VM (Debian 12's
# 6.1 cloud kernel under its QEMU 7.2) with -icount, so that guest time is
# proportional to executed instructions, and print its table.
# Usage: gwbench.sh ICOUNT_SHIFT TIMEOUT path/to/gwbench [PACKETS]
#
# GWBENCH_SHA_NI=1 adds a second run of the same kernel under QEMU 10 from
# bookworm-backports (tools/vm/qemu-bpo.sh), whose `-cpu max` has the SHA
# extensions of current server CPUs (kbench.sh says why that matters).
#
# As in kbench.sh, the guest first instantiates every profile untimed
# (gwbench -w: the ksrtp relay of every combination) and waits for the
# kernel's crypto self-tests to finish, so no timed case is billed for them.
set -euo pipefail

shift_=${1:?usage: $0 ICOUNT_SHIFT TIMEOUT gwbench [PACKETS]}
timeout=${2:?}
bin=${3:?}
packets=${4:-}
top=$(cd "$(dirname "$0")/../.." && pwd)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/gwbench-run.sh" <<SH
gwbench -w -n 1 >/dev/null 2>&1 || echo "# gwbench: the untimed run failed"
i=0
while grep -qs '^cryptomgr_' /proc/[0-9]*/comm && [ \$i -lt 600 ]; do
	sleep 0.1
	i=\$((i + 1))
done
echo "# gwbench: crypto self-tests done at guest uptime \$(cut -d' ' -f1 /proc/uptime) s"
exec gwbench ${packets:+-n $packets}
SH

# run_one LABEL [VAR=VALUE...]: one VM run, its table and verdict.
run_one() {
	local label=$1 start end rc
	shift
	echo "# gwbench: ===== Linux 6.1 (cloud), $label, -icount shift=$shift_ ====="
	start=$(date +%s)
	set +e
	env "$@" "$top/tools/vm/run.sh" --kernel cloud --icount "$shift_" --timeout "$timeout" \
		--bin "$bin" "$tmp/gwbench-run.sh" >"$tmp/out" 2>&1
	rc=$?
	set -e
	end=$(date +%s)
	sed -n '/^### ksrtp-vm: begin gwbench-run.sh/,/^### ksrtp-vm: end gwbench-run.sh/p' "$tmp/out" |
		grep -v 'ksrtp-vm:'
	grep -E "^(not )?ok [0-9]+ cloud:|^# ksrtp-vm:" "$tmp/out" || true
	echo "# gwbench: VM run $((end - start)) s wall"
	if [ $rc != 0 ]; then
		echo "# gwbench: the VM run failed (rc=$rc); its full output:" >&2
		sed 's/^/#   /' "$tmp/out" | tail -60 >&2
	fi
	return $rc
}

rc=0
run_one "QEMU $(qemu-system-x86_64 --version |
	sed -n 's/^QEMU emulator version \([0-9.]*\).*/\1/p'), -cpu max without SHA extensions" || rc=1
if [ "${GWBENCH_SHA_NI:-0}" = 1 ]; then
	if qenv=$("$top/tools/vm/qemu-bpo.sh"); then
		# shellcheck disable=SC2086 # two VAR=VALUE words
		run_one "QEMU from bookworm-backports, -cpu max with SHA-NI" $qenv || rc=1
	else
		echo "# gwbench: no SHA-NI run (no QEMU from bookworm-backports; see above)"
		rc=1
	fi
fi
exit $rc
