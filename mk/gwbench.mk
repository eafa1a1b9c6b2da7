# The gateway benchmark (tests/bench/gwbench.c, issue 14): 172-byte RTP from
# a phone through a gateway namespace to a pbx by plain IP forwarding (the
# floor), a ksrtp relay and a userspace libsrtp relay, per SRTP/RTP
# combination and profile, in the VM with -icount on Linux 6.1 under
# QEMU 7.2 (tools/bench/gwbench.sh; GWBENCH_SHA_NI=1 also runs it under
# QEMU 10, whose guest CPU has SHA-NI).  `make bench-gateway` prints the
# table and the issue's target; Documentation/benchmarks.md, "Gateway relay".

GWBENCH_ICOUNT ?= 0
GWBENCH_PACKETS ?= 4000
GWBENCH_TIMEOUT ?= 900
GWBENCH_SHA_NI ?= 0

BENCHES += bench-gateway
.PHONY: bench-gateway

# The userspace relay links libsrtp 2.5 built on OpenSSL, as kbench's.
$(B)/bench/gwbench: tests/bench/gwbench.c tests/bench/bench.h tests/kselftest/ksft_ksrtp.h \
		tests/kselftest/ksft_netns.h $(NL_LIB)
	@mkdir -p $(@D)
	ossl=$$(tools/bench/libsrtp-openssl.sh) && \
	$(CC) $(NL_CFLAGS) -I$$ossl/include -Itests/kselftest -o $@ $< $(NL_LIB) $(NL_LIBS) \
		$$ossl/lib/libsrtp2.a -lcrypto

bench-gateway: $(B)/bench/gwbench $(B)/kmod/cloud/ksrtp.ko
	GWBENCH_SHA_NI=$(GWBENCH_SHA_NI) tools/bench/gwbench.sh $(GWBENCH_ICOUNT) $(GWBENCH_TIMEOUT) $(B)/bench/gwbench $(GWBENCH_PACKETS)
