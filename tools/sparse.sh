#!/bin/bash
# Build ksrtp.ko with sparse (C=2) against the cloud headers; any sparse
# warning fails.  --tap prints a one-test TAP stream.
set -uo pipefail
cd "$(dirname "$0")/.."
log=build/sparse.log
make -s --no-print-directory sparse > $log 2>&1
rc=$?
if [ "${1:-}" = --tap ]; then
	echo "1..1"
	if [ $rc = 0 ]; then
		echo "ok 1 sparse: ksrtp.ko has no sparse warning"
	else
		echo "not ok 1 sparse: see $log"
		grep -E 'warning:|error:' $log | head -20 | sed 's/^/# /'
	fi
else
	cat $log
fi
exit $rc
