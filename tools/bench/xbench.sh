#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Where the SRTP transform's instructions go: boot the VM (Linux 6.1, cloud)
# with -icount shift=0 and write a call count to ksrtp's test-only module
# parameter bench_crypto (kernel/crypto_bench.c, only in the module built
# with KSRTP_BENCH=y: build/kmod/cloud-bench/), which times each step of
# the transform -- the whole protect/unprotect per profile, the core with a
# backend that does no cryptography, each backend operation, and the kernel
# crypto API's transforms alone -- and prints guest ns (= instructions) per
# call in the kernel log.
# Usage: xbench.sh [CALLS]   (default 10000)
#
# XBENCH_SHA_NI=1 runs it under QEMU 10 from bookworm-backports instead,
# whose `-cpu max` has the SHA extensions (kbench.sh says why that matters).
set -euo pipefail

calls=${1:-10000}
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The first write loads every transform (and the kernel's crypto self-tests
# of each, which run in cryptomgr threads): the timed write waits for them.
cat >"$tmp/xbench-run.sh" <<SH
#!/bin/sh
modprobe ksrtp || exit 1
echo 1 > /sys/module/ksrtp/parameters/bench_crypto
i=0
while grep -qs '^cryptomgr_' /proc/[0-9]*/comm && [ \$i -lt 600 ]; do
	sleep 0.1
	i=\$((i + 1))
done
dmesg -c >/dev/null
echo "# xbench: guest CPU flags: \$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' |
	grep -xE 'aes|pclmulqdq|avx2|sha_ni' | tr '\n' ' ')"
echo $calls > /sys/module/ksrtp/parameters/bench_crypto
dmesg | sed -n 's/^.*ksrtp: xbench: /# /p'
dmesg | grep -q 'xbench: done' && echo "ok 1 xbench" || echo "not ok 1 xbench"
SH
chmod +x "$tmp/xbench-run.sh"

qenv=
if [ "${XBENCH_SHA_NI:-0}" = 1 ]; then
	qenv=$("$top/tools/vm/qemu-bpo.sh")
fi
# shellcheck disable=SC2086 # two VAR=VALUE words, or none
env $qenv "$top/tools/vm/run.sh" --kernel cloud --icount 0 \
	--module "$top/build/kmod/cloud-bench/ksrtp.ko" "$tmp/xbench-run.sh" |
	sed -n '/^### ksrtp-vm: begin xbench-run.sh/,/^### ksrtp-vm: end xbench-run.sh/p' |
	grep -v 'ksrtp-vm:'
