# The ZRTP engine library (userspace/zrtp/), its tests, fuzzers and bench.
# Pure library: links OpenSSL (crypto) and SQLite (retained-secret cache).

ZRTP_SRCS := $(sort $(wildcard userspace/zrtp/*.c))
ZRTP_HDRS := $(wildcard userspace/zrtp/*.h)
ZRTP_OBJS := $(patsubst userspace/zrtp/%.c,$(B)/zrtp/%.o,$(ZRTP_SRCS))
ZRTP_LIB := $(B)/lib/libzrtp.a
ZRTP_LDLIBS := -lcrypto -lsqlite3
ZRTP_TEST_CFLAGS := $(USER_CFLAGS) -Iuserspace/zrtp

$(B)/zrtp/%.o: userspace/zrtp/%.c $(ZRTP_HDRS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -Iuserspace/zrtp -c $< -o $@

$(ZRTP_LIB): $(ZRTP_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

ZRTP_UNIT := zrtp_wire zrtp_crypto zrtp_engine zrtp_cache zrtp_forge zrtp_mitm
ZRTP_UNIT := $(foreach t,$(ZRTP_UNIT),$(if $(wildcard tests/unit/$(t).c),$(t)))
UNIT_TESTS += $(addprefix $(B)/tests/,$(ZRTP_UNIT))

$(B)/tests/zrtp_%: tests/unit/zrtp_%.c $(ZRTP_LIB) $(ZRTP_HDRS) tests/unit/zrtp_test_util.h tests/unit/zrtp_harness.h tests/unit/zrtp_forge.h $(KSFT_HDR)
	@mkdir -p $(@D)
	$(CC) $(ZRTP_TEST_CFLAGS) $< -o $@ $(ZRTP_LIB) $(USER_LDFLAGS) $(ZRTP_LDLIBS)

# Interop with bzrtp 5.1.64 (test-only dependency).
ifneq ($(wildcard tests/interop/zrtp_bzrtp.c),)
UNIT_TESTS += $(B)/tests/zrtp_bzrtp
$(B)/tests/zrtp_bzrtp: tests/interop/zrtp_bzrtp.c $(ZRTP_LIB) $(ZRTP_HDRS) tests/unit/zrtp_harness.h $(KSFT_HDR)
	@mkdir -p $(@D)
	$(CC) $(ZRTP_TEST_CFLAGS) -Itests/unit -Wno-deprecated-declarations $< -o $@ $(ZRTP_LIB) -lbzrtp -lbctoolbox $(ZRTP_LDLIBS)
endif

# libFuzzer harnesses: the library is rebuilt with sanitizers and coverage.
ZRTP_FUZZERS := $(foreach f,zrtp_parse zrtp_fsm zrtp_inject,$(if $(wildcard tests/fuzz/$(f).c),$(f)))
FUZZERS += $(ZRTP_FUZZERS)
$(addprefix $(B)/fuzz/,$(ZRTP_FUZZERS)): $(B)/fuzz/%: tests/fuzz/%.c $(ZRTP_SRCS) $(ZRTP_HDRS) tests/unit/zrtp_harness.h tests/unit/zrtp_forge.h
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -Iuserspace/zrtp -Itests/unit $< $(ZRTP_SRCS) -o $@ $(ZRTP_LDLIBS)

# make bench-zrtp: handshakes/s, ours vs bzrtp, one core.
ifneq ($(wildcard tests/bench/zrtp_bench.c),)
BENCHES += bench-zrtp
.PHONY: bench-zrtp
$(B)/bench/zrtp_bench: tests/bench/zrtp_bench.c $(ZRTP_LIB) $(ZRTP_HDRS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -Iuserspace/zrtp -Wno-deprecated-declarations $< -o $@ $(ZRTP_LIB) -lbzrtp -lbctoolbox $(ZRTP_LDLIBS)
bench-zrtp: $(B)/bench/zrtp_bench
	taskset -c 0 $(B)/bench/zrtp_bench
endif
