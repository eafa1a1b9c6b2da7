#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# SRTP core vs libsrtp 2.5, per profile, 172- and 1200-byte RTP packets:
# instructions/packet under callgrind (deterministic) and native ns/packet,
# with ours/libsrtp ratios against two builds of libsrtp 2.5.0: Debian's
# (on NSS, "nss") and Debian's source built on OpenSSL ("ossl", what a
# gateway operator would deploy; tools/bench/libsrtp-openssl.sh).
# Usage: srtp_bench.sh build/bench/srtp_bench build/bench/srtp_bench_ossl
set -euo pipefail

bin=${1:?usage: $0 srtp_bench srtp_bench_ossl}
bin_ossl=${2:?usage: $0 srtp_bench srtp_bench_ossl}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

command -v valgrind >/dev/null || { echo "valgrind missing" >&2; exit 1; }

# One callgrind run per binary; the bench dumps once per measured loop.
count() {
	rm -f "$tmp"/cg.out*
	valgrind --tool=callgrind --collect-atstart=no \
		--callgrind-out-file="$tmp/cg.out" "$1" count >/dev/null 2>"$tmp/vg.log" ||
		{ cat "$tmp/vg.log" >&2; exit 1; }
	for f in "$tmp"/cg.out*; do
		desc=$(sed -n 's/^desc: Trigger: Client Request: //p' "$f")
		[ -n "$desc" ] || continue
		ir=$(sed -n 's/^summary: //p;s/^totals: //p' "$f" | head -1)
		# desc = "<impl> <profile> <size> <op> <npkts>"
		set -- $desc
		echo "$1 $2 $3 $4 $(( ${ir%% *} / $5 ))"
	done
}
count "$bin" >"$tmp/instr.txt"
count "$bin_ossl" | grep -v '^ours ' >>"$tmp/instr.txt"
"$bin" time >"$tmp/ns.txt"
"$bin_ossl" time | grep -v '^ours ' >>"$tmp/ns.txt"

awk -v target=0.67 '
FNR == NR { ir[$1 " " $2 " " $3 " " $4] = $5; next }
          { ns[$1 " " $2 " " $3 " " $4] = $5
            if ($1 == "ours") order[++n] = $2 " " $3 " " $4 }
END {
	printf "%-24s %5s %-9s | %8s %8s %6s %8s %6s | %7s %7s %7s\n", "profile", "bytes", "op",
	       "ours Ir", "nss", "ratio", "ossl", "ratio", "ours ns", "/nss", "/ossl"
	for (i = 1; i <= n; i++) {
		k = order[i]
		split(k, f, " ")
		o = ir["ours " k]; l = ir["libsrtp " k]; s = ir["libsrtp-ossl " k]
		on = ns["ours " k]; ln = ns["libsrtp " k]; sn = ns["libsrtp-ossl " k]
		printf "%-24s %5s %-9s | %8d %8d %6.3f %8d %6.3f | %7.1f %7.3f %7.3f\n",
		       f[1], f[2], f[3], o, l, l ? o / l : 0, s, s ? o / s : 0,
		       on, ln ? on / ln : 0, sn ? on / sn : 0
		if (f[2] == 172 && (f[1] == "AES_CM_128_HMAC_SHA1_80" || f[1] ~ /GCM/)) {
			if ((l ? o / l : 99) > target) miss = miss " " k
			if ((s ? o / s : 99) > target) miss_s = miss_s " " k
		}
	}
	printf "\ntarget: <= %.2fx libsrtp instructions/packet for AES_CM_128_HMAC_SHA1_80 and GCM at 172 bytes\n", target
	printf "  against Debian'"'"'s libsrtp (NSS): %s\n", miss == "" ? "met" : "MISSED for" miss
	printf "  against libsrtp on OpenSSL:       %s\n", miss_s == "" ? "met" : "MISSED for" miss_s
}' "$tmp/instr.txt" "$tmp/ns.txt"
