#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ksrtp.ko's static per-CPU data stays small (TAP).  Every module's
# DEFINE_PER_CPU data comes from one reserved chunk of 8 KiB shared by all
# modules (PERCPU_MODULE_RESERVE); on the debootstrapped Debian of make
# check-system, with kvm and the usual modules loaded, 4384 bytes of it made
# ksrtp fail to load ("Could not allocate 4384 bytes percpu data").  Large
# per-CPU buffers are alloc_percpu()'d at load instead.  Checks the
# .data..percpu section of the module as built for the cloud kernel.
#   module_percpu [KO]     (default build/kmod/cloud/ksrtp.ko)
ko=${1:-build/kmod/cloud/ksrtp.ko}
max=256
echo "TAP version 13"
echo "1..1"
if [ ! -r "$ko" ]; then
	echo "not ok 1 $ko: no module (make module)"
	exit 1
fi
hex=$(readelf -S -W "$ko" 2>/dev/null | awk '$2 == ".data..percpu" { print $6 }')
size=$((0x${hex:-0}))
if [ -n "$hex" ] && [ "$size" -le "$max" ]; then
	echo "ok 1 $ko: $size bytes of static per-CPU data (<= $max of the modules' shared 8 KiB)"
elif [ -z "$hex" ]; then
	echo "ok 1 $ko: no static per-CPU data"
else
	echo "not ok 1 $ko: $size bytes of static per-CPU data (> $max; the modules' shared reserve is 8 KiB)"
	exit 1
fi
