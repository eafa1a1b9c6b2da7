#!/bin/bash
# make demo: boot the VM on Debian's cloud kernel and run the demo story:
# a ZRTP call between two hosts (tools/demo/guest.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "Booting Debian's cloud kernel in QEMU (TCG) with ksrtp.ko..."
tools/vm/run.sh --kernel cloud --bin build/bin/zrtpctl --bin build/bin/zrtpd --bin build/bin/rtpapp \
	tools/demo/guest.sh |
	grep -v '^### ksrtp-vm' | sed -e 's/^# //' -e 's/^#$//'
