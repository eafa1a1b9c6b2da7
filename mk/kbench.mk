# The kernel data-path benchmark (tests/bench/kbench.c): plain UDP, ksrtp per
# profile and a userspace libsrtp relay over veth between two namespaces, in
# the VM with -icount (guest time proportional to instructions; ratios only),
# on Linux 6.1 and 6.12 (tools/bench/kbench.sh).
# `make bench-kernel` prints the table; Documentation/benchmarks.md explains it.

KBENCH_ICOUNT ?= 0
KBENCH_PACKETS ?=
KBENCH_TIMEOUT ?= 600

BENCHES += bench-kernel
.PHONY: bench-kernel

# The relay baseline is libsrtp 2.5 built on OpenSSL (what a gateway would
# deploy; Debian's libsrtp2 is built on NSS, ~3.4x the instructions per
# protect), linked statically: tools/bench/libsrtp-openssl.sh.
$(B)/bench/kbench: tests/bench/kbench.c tests/bench/bench.h tests/kselftest/ksft_ksrtp.h tests/kselftest/ksft_netns.h $(NL_LIB)
	@mkdir -p $(@D)
	ossl=$$(tools/bench/libsrtp-openssl.sh) && \
	$(CC) $(NL_CFLAGS) -I$$ossl/include -Itests/kselftest -o $@ $< $(NL_LIB) $(NL_LIBS) \
		$$ossl/lib/libsrtp2.a -lcrypto

# KBENCH_SHA_NI=0 (no QEMU 10 runs) or KBENCH_612=0: no 6.12 run, no 6.12 module.
bench-kernel: $(B)/bench/kbench $(B)/kmod/cloud/ksrtp.ko \
	$(if $(filter 0,$(KBENCH_SHA_NI) $(KBENCH_612)),,$(B)/kmod/cloud612/ksrtp.ko)
	tools/bench/kbench.sh $(KBENCH_ICOUNT) $(KBENCH_TIMEOUT) $(B)/bench/kbench $(KBENCH_PACKETS)

# The transform alone, step by step (kernel/crypto_bench.c, the test-only
# module parameter bench_crypto): `make bench-crypto`, XBENCH_SHA_NI=1 for a
# guest CPU with SHA-NI.  Not part of `make bench`.
.PHONY: bench-crypto
bench-crypto: $(B)/kmod/cloud-bench/ksrtp.ko
	XBENCH_SHA_NI=$(XBENCH_SHA_NI) tools/bench/xbench.sh $(XBENCH_CALLS)
XBENCH_SHA_NI ?= 0
XBENCH_CALLS ?= 10000
