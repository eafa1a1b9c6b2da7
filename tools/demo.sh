#!/bin/bash
# make demo: boot the VM on Debian's cloud kernel and run the demo story:
# a ZRTP call between two hosts (tools/demo/guest.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "Booting Debian's cloud kernel in QEMU (TCG) with ksrtp.ko..."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
tools/vm/run.sh --kernel cloud --bin build/bin/zrtpctl --bin build/bin/zrtpd --bin build/bin/rtpapp \
	tools/demo/guest.sh | tee "$out" |
	grep -v '^### ksrtp-vm' | sed -e 's/^# //' -e 's/^#$//'
# A step that did not happen is a failed demo, not a story with a gap.
if grep -q '^not ok' "$out"; then
	echo "demo: $(grep -c '^not ok' "$out") step(s) failed" >&2
	exit 1
fi
