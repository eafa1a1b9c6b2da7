# Count TAP results across suites.  Input: sections framed by
#   ### ksrtp-vm: begin NAME   ...TAP...   ### ksrtp-vm: end NAME rc=N
# A suite that exits non-zero without a failing test, or prints fewer results
# than its plan, is counted as failed (a crash must not look like a pass).
# Prints "P F S" (passed, failed, skipped) and, on stderr, what failed.
function flush() {
	if (name == "") return
	missing = plan - (ok + nok)
	if (plan > 0 && missing > 0) {
		F += missing
		printf("FAIL %s: %d of %d planned results missing (crashed or hung?)\n", name, missing, plan) > "/dev/stderr"
	}
	if (rc != 0 && nok == 0 && !(plan > 0 && missing > 0)) {
		F += 1
		printf("FAIL %s: exited rc=%s without reporting a failure\n", name, rc) > "/dev/stderr"
	}
	if (!ended) {
		F += 1
		printf("FAIL %s: never finished\n", name) > "/dev/stderr"
	}
	name = ""
}
/^### ksrtp-vm: begin / {
	flush()
	name = $4; plan = 0; ok = 0; nok = 0; rc = 0; ended = 0
	next
}
/^### ksrtp-vm: end / {
	rc = $5; sub(/^rc=/, "", rc); ended = 1
	next
}
name != "" && /^1\.\.[0-9]+/ { p = $1; sub(/^1\.\./, "", p); plan += p; next }
name != "" && /^ok / {
	ok++
	if ($0 ~ /# [Ss][Kk][Ii][Pp]/) S++; else P++
	next
}
name != "" && /^not ok / {
	if ($0 ~ /# TODO/) { ok++; S++; next }
	nok++; F++
	printf("FAIL %s: %s\n", name, $0) > "/dev/stderr"
	next
}
END { flush(); printf("%d %d %d\n", P, F, S) }
