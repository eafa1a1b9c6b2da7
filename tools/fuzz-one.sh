#!/bin/bash
# Run one libFuzzer harness for a fixed time and report it as one TAP test.
#   tools/fuzz-one.sh NAME SECONDS
# Seeds come from tests/fuzz/corpus/NAME (read-only); new inputs go to
# build/fuzz/corpus/NAME; a crash leaves build/fuzz/crash-NAME-*.
set -uo pipefail
name=$1
secs=$2
bin=build/fuzz/$name
echo "1..1"
if [ ! -x "$bin" ]; then
	echo "not ok 1 fuzz $name: $bin not built"
	exit 1
fi
work=build/fuzz/corpus/$name
mkdir -p "$work"
seeds=tests/fuzz/corpus/$name
[ -d "$seeds" ] || seeds=
log=build/fuzz/$name.log
"$bin" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="build/fuzz/crash-$name-" \
	"$work" $seeds > "$log" 2>&1
rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
if [ $rc = 0 ]; then
	echo "ok 1 fuzz $name: ${execs:-?} inputs in ${secs}s, no crash"
else
	echo "not ok 1 fuzz $name: crashed (rc=$rc), see $log"
	grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -5 | sed 's/^/# /'
	exit 1
fi
