#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the kernel data-path benchmark in the VM (cloud kernel) with -icount,
# so that guest time is proportional to executed instructions, and print its
# table.  Usage: kbench.sh ICOUNT_SHIFT TIMEOUT path/to/kbench [PACKETS]
#
# Three VM runs, each a table with its own baseline: Debian 12's 6.1 under
# its QEMU 7.2, whose `-cpu max` has AES-NI, PCLMULQDQ and AVX2 but no SHA
# extensions; 6.1 under QEMU 10 from bookworm-backports (tools/vm/qemu-bpo.sh),
# whose `-cpu max` adds sha_ni as on current server CPUs; and Linux 6.12
# (run.sh --kernel cloud612) under that same QEMU 10, followed by the last
# two side by side.  KBENCH_SHA_NI=0 skips the QEMU 10 runs, KBENCH_612=0
# the 6.12 one.
#
# Before timing, the guest waits for the kernel's crypto self-tests: 6.12
# runs them in cryptomgr_test threads that go on for ~0.5 s of guest time
# after the load that registered an algorithm, and a table timed meanwhile
# is billed for them (its first cases, plain UDP included, slowed).  So each
# profile is run once untimed (kbench -p: it instantiates the profile's
# ctr/hmac/gcm), and then the guest waits until no cryptomgr thread is left.
set -euo pipefail

shift_=${1:?usage: $0 ICOUNT_SHIFT TIMEOUT kbench [PACKETS]}
timeout=${2:?}
bin=${3:?}
packets=${4:-}
top=$(cd "$(dirname "$0")/../.." && pwd)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# run.sh runs tests without arguments: a script passes -n, after the
# untimed run of every profile and the wait for the crypto self-tests.
profiles="AES_CM_128_HMAC_SHA1_80 AES_CM_128_HMAC_SHA1_32 AES_256_CM_HMAC_SHA1_80"
profiles="$profiles AES_256_CM_HMAC_SHA1_32 AEAD_AES_128_GCM AEAD_AES_256_GCM"
cat >"$tmp/kbench-run.sh" <<SH
settle() {
	i=0
	while grep -qs '^cryptomgr_' /proc/[0-9]*/comm && [ \$i -lt 600 ]; do
		sleep 0.1
		i=\$((i + 1))
	done
	echo "# kbench: crypto self-tests done (\$1) at guest uptime \$(cut -d' ' -f1 /proc/uptime) s"
}
settle "after boot"
for p in $profiles; do
	kbench -n 1 -p \$p >/dev/null 2>&1 || echo "# kbench: untimed run of \$p failed"
done
settle "after one untimed run of every profile"
exec kbench ${packets:+-n $packets}
SH

# run_one KERNEL LABEL [VAR=VALUE...]: one VM run; its table, then its verdict.
run_one() {
	local kernel=$1 label=$2 start end rc
	shift 2
	runs=$((runs + 1))
	echo "# kbench: ===== $label ====="
	start=$(date +%s)
	set +e
	env "$@" "$top/tools/vm/run.sh" --kernel "$kernel" --icount "$shift_" --timeout "$timeout" \
		--bin "$bin" "$tmp/kbench-run.sh" >"$tmp/out" 2>&1
	rc=$?
	set -e
	end=$(date +%s)
	# The bench's own lines (table and checks), then the runner's verdict.
	sed -n '/^### ksrtp-vm: begin kbench-run.sh/,/^### ksrtp-vm: end kbench-run.sh/p' "$tmp/out" |
		grep -v 'ksrtp-vm:' | tee "$tmp/table-$runs"
	grep -E "^(not )?ok [0-9]+ $kernel:|^# ksrtp-vm:" "$tmp/out" || true
	echo "# kbench: -icount shift=$shift_, VM run $((end - start)) s wall"
	if [ $rc != 0 ]; then
		echo "# kbench: the VM run failed (rc=$rc); its full output:" >&2
		sed 's/^/#   /' "$tmp/out" | tail -60 >&2
	fi
	return $rc
}

# side_by_side A B: the "x udp" and ns/pkt columns of two tables, per case.
side_by_side() {
	echo
	echo "# kbench: ===== Linux 6.1 and 6.12 side by side (QEMU 10, -cpu max with SHA-NI) ====="
	awk '
	function grab(f, t,   line, pass, name, n, a) {
		pass = 0
		while ((getline line < f) > 0) {
			if (line ~ /^## pass /) { split(line, a, " "); pass = a[3] + 0; continue }
			if (!pass || length(line) < 46 || line ~ /^case /) continue
			name = substr(line, 1, 44); sub(/ +$/, "", name)
			n = split(substr(line, 45), a, " ")
			if (n < 4 || a[1] !~ /^[0-9]+$/) continue
			if (t == 1 && !((pass, name) in seen)) { seen[pass, name] = 1; order[++cnt] = pass SUBSEP name }
			ns[t, pass, name] = a[2]; xu[t, pass, name] = a[4]
		}
	}
	BEGIN {
		grab(ARGV[1], 1); grab(ARGV[2], 2)
		last = 0
		for (i = 1; i <= cnt; i++) {
			split(order[i], k, SUBSEP)
			if (k[1] != last) {
				last = k[1]
				printf "\n## pass %d\n%-44s %10s %10s %8s %8s\n", last, "case",
					"6.1 ns", "6.12 ns", "6.1 xudp", "6.12 xudp"
			}
			printf "%-44s %10s %10s %8s %8s\n", k[2], ns[1, k[1], k[2]],
				((2, k[1], k[2]) in ns) ? ns[2, k[1], k[2]] : "-", xu[1, k[1], k[2]],
				((2, k[1], k[2]) in xu) ? xu[2, k[1], k[2]] : "-"
		}
	}' "$1" "$2"
}

rc=0 runs=0
run_one cloud "Linux 6.1, guest CPU without SHA extensions (QEMU $(qemu-system-x86_64 --version |
	sed -n 's/^QEMU emulator version \([0-9.]*\).*/\1/p'), -cpu max)" || rc=1
if [ "${KBENCH_SHA_NI:-1}" != 0 ]; then
	if qenv=$("$top/tools/vm/qemu-bpo.sh"); then
		# shellcheck disable=SC2086 # two VAR=VALUE words
		run_one cloud "Linux 6.1, guest CPU with SHA-NI (QEMU from bookworm-backports, -cpu max)" \
			$qenv || rc=1
		if [ "${KBENCH_612:-1}" != 0 ]; then
			# shellcheck disable=SC2086
			run_one cloud612 "Linux 6.12, guest CPU with SHA-NI (QEMU from bookworm-backports, -cpu max)" \
				$qenv || rc=1
			side_by_side "$tmp/table-2" "$tmp/table-3"
		fi
	else
		echo "# kbench: the SHA-NI and 6.12 runs were not done (no QEMU from bookworm-backports; see above)"
	fi
fi
exit $rc
