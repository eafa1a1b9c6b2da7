#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# SRTP core vs libsrtp 2.5, per profile, 172- and 1200-byte RTP packets:
# instructions/packet under callgrind (deterministic) and native ns/packet,
# with ours/libsrtp ratios.  Usage: srtp_bench.sh build/bench/srtp_bench
set -euo pipefail

bin=${1:?usage: $0 path/to/srtp_bench}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

command -v valgrind >/dev/null || { echo "valgrind missing" >&2; exit 1; }

# One callgrind run; the bench dumps once per measured loop.
valgrind --tool=callgrind --collect-atstart=no \
	--callgrind-out-file="$tmp/cg.out" "$bin" count >/dev/null 2>"$tmp/vg.log" ||
	{ cat "$tmp/vg.log" >&2; exit 1; }
for f in "$tmp"/cg.out*; do
	desc=$(sed -n 's/^desc: Trigger: Client Request: //p' "$f")
	[ -n "$desc" ] || continue
	ir=$(sed -n 's/^summary: //p;s/^totals: //p' "$f" | head -1)
	# desc = "<impl> <profile> <size> <op> <npkts>"
	set -- $desc
	echo "$1 $2 $3 $4 $(( ${ir%% *} / $5 ))"
done >"$tmp/instr.txt"

"$bin" time >"$tmp/ns.txt"

awk -v target=0.67 '
FNR == NR { ir[$1 " " $2 " " $3 " " $4] = $5; next }
          { ns[$1 " " $2 " " $3 " " $4] = $5; keys[$2 " " $3 " " $4] = 1;
            order[++n] = $2 " " $3 " " $4 }
END {
	printf "%-24s %5s %-9s | %9s %9s %6s | %8s %8s %6s\n", "profile", "bytes",
	       "op", "ours Ir", "libsrtp", "ratio", "ours ns", "libsrtp", "ratio"
	for (i = 1; i <= n; i++) {
		k = order[i]
		if (seen[k]++) continue
		split(k, f, " ")
		o = ir["ours " k]; l = ir["libsrtp " k]
		on = ns["ours " k]; ln = ns["libsrtp " k]
		printf "%-24s %5s %-9s | %9d %9d %6.3f | %8.1f %8.1f %6.3f\n",
		       f[1], f[2], f[3], o, l, l ? o / l : 0, on, ln, ln ? on / ln : 0
		if (f[2] == 172 && (f[1] == "AES_CM_128_HMAC_SHA1_80" || f[1] ~ /GCM/)) {
			r = l ? o / l : 99
			if (r > target) miss = miss " " k
		}
	}
	printf "\ntarget: <= %.2fx libsrtp instructions/packet for AES_CM_128_HMAC_SHA1_80 and GCM at 172 bytes: %s\n",
	       target, miss == "" ? "met" : "MISSED for" miss
}' "$tmp/instr.txt" "$tmp/ns.txt"
