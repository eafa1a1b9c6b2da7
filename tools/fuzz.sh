#!/bin/bash
# make fuzz: run every fuzzer for SECONDS, one after another, and report
# the executions each achieved.   tools/fuzz.sh SECONDS NAME...
set -uo pipefail
secs=$1; shift
fail=0
for f in "$@"; do
	echo "== $f (${secs}s)"
	tools/fuzz-one.sh "$f" "$secs" | grep -v '^1\.\.' || fail=1
done
exit $fail
