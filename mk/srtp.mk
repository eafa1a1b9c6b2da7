# The portable SRTP/SRTCP core (kernel/srtp/) built as a userspace library
# with the OpenSSL backend (userspace/srtp/), its tests, fuzzers and bench.
# Kbuild compiles the same kernel/srtp/*.c into ksrtp.ko.

SRTP_SRCS := $(sort $(wildcard kernel/srtp/*.c)) $(sort $(wildcard userspace/srtp/*.c))
SRTP_HDRS := $(wildcard kernel/srtp/*.h) $(wildcard userspace/srtp/*.h)
SRTP_OBJS := $(patsubst %.c,$(B)/srtp/obj/%.o,$(SRTP_SRCS))
SRTP_LIB := $(B)/lib/libsrtpcore.a
SRTP_CFLAGS := $(USER_CFLAGS) -Ikernel/srtp -Iuserspace/srtp
# Tests and the bench link libsrtp (the oracle); the library itself only libcrypto.
SRTP_TEST_LIBS = $(shell pkg-config --libs libsrtp2 libcrypto)
SRTP_TEST_CFLAGS = $(SRTP_CFLAGS) $(shell pkg-config --cflags libsrtp2)

SRTP_UNIT := $(basename $(notdir $(wildcard tests/unit/srtp_*.c)))
UNIT_TESTS += $(addprefix $(B)/tests/,$(SRTP_UNIT))
SRTP_FUZZERS := $(basename $(notdir $(wildcard tests/fuzz/srtp*.c)))
FUZZERS += $(SRTP_FUZZERS)
BENCHES += $(if $(wildcard tests/bench/srtp_bench.c),bench-srtp)

.PHONY: srtp-lib srtp-tests bench-srtp

srtp-lib: $(SRTP_LIB)
srtp-tests: $(addprefix $(B)/tests/,$(SRTP_UNIT))

$(SRTP_OBJS): $(B)/srtp/obj/%.o: %.c $(SRTP_HDRS)
	@mkdir -p $(@D)
	$(CC) $(SRTP_CFLAGS) -c -o $@ $<

$(SRTP_LIB): $(SRTP_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(addprefix $(B)/tests/,$(SRTP_UNIT)): $(B)/tests/%: tests/unit/%.c tests/unit/srtp_test.h $(SRTP_LIB) $(KSFT_HDR)
	@mkdir -p $(@D)
	$(CC) $(SRTP_TEST_CFLAGS) -o $@ $< $(SRTP_LIB) $(SRTP_TEST_LIBS)

# Fuzzers build the core from source with the sanitizers.
$(addprefix $(B)/fuzz/,$(SRTP_FUZZERS)): $(B)/fuzz/%: tests/fuzz/%.c tests/fuzz/srtp_fuzz_common.h $(SRTP_SRCS) $(SRTP_HDRS)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -Ikernel/srtp -Iuserspace/srtp -o $@ $< $(SRTP_SRCS) -lcrypto

$(B)/bench/srtp_bench: tests/bench/srtp_bench.c $(SRTP_LIB)
	@mkdir -p $(@D)
	$(CC) $(SRTP_TEST_CFLAGS) -o $@ $< $(SRTP_LIB) $(SRTP_TEST_LIBS)

# The same bench linked with libsrtp built on OpenSSL (what a gateway would
# deploy; Debian's is on NSS): tools/bench/libsrtp-openssl.sh, cached.
$(B)/bench/srtp_bench_ossl: tests/bench/srtp_bench.c $(SRTP_LIB)
	@mkdir -p $(@D)
	ossl=$$(tools/bench/libsrtp-openssl.sh) && \
	$(CC) $(SRTP_CFLAGS) -I$$ossl/include -DLIBSRTP_NAME='"libsrtp-ossl"' -o $@ $< \
		$(SRTP_LIB) $$ossl/lib/libsrtp2.a -lcrypto

bench-srtp: $(B)/bench/srtp_bench $(B)/bench/srtp_bench_ossl
	tools/bench/srtp_bench.sh $(B)/bench/srtp_bench $(B)/bench/srtp_bench_ossl
