#!/bin/bash
# checkpatch.pl (from the installed linux-source tarball) over every kernel
# source file.  --tap prints one TAP result per file.
set -uo pipefail
cd "$(dirname "$0")/.."
cp=build/checkpatch
if [ ! -f $cp/scripts/checkpatch.pl ]; then
	mkdir -p $cp
	tar -xf /usr/src/linux-source-6.1.tar.xz -C $cp --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch || exit 1
fi
files=$(find kernel include -name '*.[ch]' | sort)
tap=0
[ "${1:-}" = --tap ] && tap=1
n=0; fail=0
[ $tap = 1 ] && echo "1..$(echo "$files" | wc -w)"
for f in $files; do
	n=$((n + 1))
	out=$(perl $cp/scripts/checkpatch.pl --no-tree --terse --show-types -q \
		--ignore FILE_PATH_CHANGES -f "$f" 2>&1 | grep -E ': (ERROR|WARNING|CHECK):')
	if [ -z "$out" ]; then
		[ $tap = 1 ] && echo "ok $n checkpatch $f"
	else
		fail=1
		if [ $tap = 1 ]; then
			echo "not ok $n checkpatch $f"
			echo "$out" | sed 's/^/# /'
		else
			echo "$out"
		fi
	fi
done
exit $fail
