# zrtpd (the daemon), zrtpctl (the operator's tool), rtpapp (a plain RTP
# test application), their native tests, VM end-to-end tests and bench.

# The daemon minus main() is a library, so native tests run daemons in-process.
ZRTPD_SRCS := $(filter-out userspace/zrtpd/main.c,$(sort $(wildcard userspace/zrtpd/*.c)))
ZRTPD_HDRS := $(wildcard userspace/zrtpd/*.h)
ZRTPD_OBJS := $(patsubst userspace/zrtpd/%.c,$(B)/obj/zrtpd/%.o,$(ZRTPD_SRCS))
ZRTPD_LIB := $(B)/lib/libzrtpd.a
ZRTPD_CFLAGS := $(NL_CFLAGS) -Iuserspace/zrtp -Iuserspace/zrtpd
ZRTPD_LDLIBS := $(ZRTPD_LIB) $(ZRTP_LIB) $(NL_LIB) $(NL_LIBS) -lssl -lcrypto -lsqlite3

$(B)/obj/zrtpd/%.o: userspace/zrtpd/%.c $(ZRTPD_HDRS) $(ZRTP_HDRS) userspace/nl/ksrtp_nl.h userspace/nl/ksrtp_nl.c
	@mkdir -p $(@D)
	$(CC) $(ZRTPD_CFLAGS) -c -o $@ $<

$(ZRTPD_LIB): $(ZRTPD_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(B)/bin/zrtpd: userspace/zrtpd/main.c $(ZRTPD_LIB) $(ZRTP_LIB) $(NL_LIB)
	@mkdir -p $(@D)
	$(CC) $(ZRTPD_CFLAGS) $(shell pkg-config --cflags libsystemd) $(USER_LDFLAGS) -o $@ $< \
		$(ZRTPD_LDLIBS) $(shell pkg-config --libs libsystemd)

ZRTPCTL_SRCS := $(sort $(wildcard userspace/zrtpctl/*.c))
$(B)/bin/zrtpctl: $(ZRTPCTL_SRCS) userspace/zrtpctl/zrtpctl.h $(NL_LIB)
	@mkdir -p $(@D)
	$(CC) $(NL_CFLAGS) -Iuserspace/zrtpctl $(USER_LDFLAGS) -o $@ $(ZRTPCTL_SRCS) $(NL_LIB) $(NL_LIBS)

$(B)/bin/rtpapp: tools/rtpapp/rtpapp.c
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -o $@ $<

# An independent ZRTP+SRTP endpoint (bzrtp + libsrtp) for the interop e2e test.
$(B)/bin/bzrtp_peer: tools/rtpapp/bzrtp_peer.c
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -Wno-deprecated-declarations $(shell pkg-config --cflags libsrtp2) -o $@ $< \
		-lbzrtp -lbctoolbox $(shell pkg-config --libs libsrtp2) -lcrypto

PROGRAMS += $(B)/bin/zrtpctl $(B)/bin/zrtpd $(if $(wildcard tools/rtpapp/rtpapp.c),$(B)/bin/rtpapp)
VM_BINS += tests/kselftest/lib.sh $(B)/bin/zrtpctl $(B)/bin/zrtpd $(if $(wildcard tools/rtpapp/rtpapp.c),$(B)/bin/rtpapp) \
	$(if $(wildcard tools/rtpapp/bzrtp_peer.c),$(B)/bin/bzrtp_peer)

# Native tests: daemons on the mock kernel link.
ZRTPD_UNIT := $(basename $(notdir $(wildcard tests/unit/zrtpd_*.c)))
UNIT_TESTS += $(addprefix $(B)/tests/,$(ZRTPD_UNIT))
$(addprefix $(B)/tests/,$(ZRTPD_UNIT)): $(B)/tests/%: tests/unit/%.c $(wildcard tests/unit/zrtpd_test.h) $(ZRTPD_LIB) $(ZRTP_LIB) $(NL_LIB) $(KSFT_HDR) $(B)/bin/zrtpctl $(B)/bin/zrtpd
	@mkdir -p $(@D)
	$(CC) $(ZRTPD_CFLAGS) -Itests/unit -o $@ $< $(ZRTPD_LDLIBS)

# zrtpd on the mock kernel against bzrtp (test-only dependency).
ifneq ($(wildcard tests/interop/zrtpd_bzrtp.c),)
UNIT_TESTS += $(B)/tests/zrtpd_bzrtp
$(B)/tests/zrtpd_bzrtp: tests/interop/zrtpd_bzrtp.c tests/unit/zrtpd_test.h $(ZRTPD_LIB) $(ZRTP_LIB) $(NL_LIB) $(KSFT_HDR)
	@mkdir -p $(@D)
	$(CC) $(ZRTPD_CFLAGS) -Itests/unit -Wno-deprecated-declarations -o $@ $< $(ZRTPD_LDLIBS) -lbzrtp -lbctoolbox
endif

# End-to-end tests in the VM (two namespaces, a zrtpd in each).
VM_TESTS += $(sort $(wildcard tests/kselftest/e2e_*.sh))

ifneq ($(wildcard tests/bench/zrtpd_bench.c),)
BENCHES += bench-zrtpd
.PHONY: bench-zrtpd
$(B)/bench/zrtpd_bench: tests/bench/zrtpd_bench.c $(ZRTPD_LIB) $(ZRTP_LIB) $(NL_LIB)
	@mkdir -p $(@D)
	$(CC) $(ZRTPD_CFLAGS) -o $@ $< $(ZRTPD_LDLIBS)
bench-zrtpd: $(B)/bench/zrtpd_bench
	$(B)/bench/zrtpd_bench
endif

# libFuzzer harnesses for the daemon's parsers, built from source with the
# sanitizers: the control requests (the whole daemon on the mock kernel)
# and zrtpd.conf (config.c and what it calls).  Only the parsers carry
# coverage; the rest of the daemon and the engine get ASan/UBSan alone, so
# the fuzzer is not steered (nor slowed) by their hash-table sweeps.
ZRTPD_FUZZ_CFLAGS := $(FUZZ_CFLAGS) -Wall -Wextra -Werror -Wno-unused-parameter \
	-Iuserspace/nl -Iuserspace/zrtp -Iuserspace/zrtpd $(shell pkg-config --cflags libmnl)
ZRTPD_FUZZ_COVERED := userspace/zrtpd/control.c userspace/zrtpd/config.c userspace/zrtpd/util.c \
	userspace/nl/ksrtp_nl.c
ZRTPD_FUZZ_PLAIN := $(patsubst userspace/%.c,$(B)/fuzz/obj/%.o, \
	$(filter-out $(ZRTPD_FUZZ_COVERED),$(ZRTPD_SRCS)) $(ZRTP_SRCS))
comma := ,
$(ZRTPD_FUZZ_PLAIN): $(B)/fuzz/obj/%.o: userspace/%.c $(ZRTPD_HDRS) $(ZRTP_HDRS) userspace/nl/ksrtp_nl.h
	@mkdir -p $(@D)
	$(CLANG) $(subst -fsanitize=fuzzer$(comma),-fsanitize=,$(ZRTPD_FUZZ_CFLAGS)) -c -o $@ $<

ZRTPD_FUZZERS := $(foreach f,zrtpd_ctl zrtpd_conf,$(if $(wildcard tests/fuzz/$(f).c),$(f)))
FUZZERS += $(ZRTPD_FUZZERS)
$(B)/fuzz/zrtpd_ctl: tests/fuzz/zrtpd_ctl.c $(ZRTPD_FUZZ_COVERED) $(ZRTPD_FUZZ_PLAIN) $(ZRTPD_HDRS) \
		userspace/nl/ksrtp_nl.h
	@mkdir -p $(@D)
	$(CLANG) $(ZRTPD_FUZZ_CFLAGS) -o $@ $< $(ZRTPD_FUZZ_COVERED) $(ZRTPD_FUZZ_PLAIN) \
		$(NL_LIBS) -lssl -lcrypto -lsqlite3
$(B)/fuzz/zrtpd_conf: tests/fuzz/zrtpd_conf.c userspace/zrtpd/config.c userspace/zrtpd/util.c \
		$(ZRTPD_HDRS) userspace/nl/ksrtp_nl.c userspace/nl/ksrtp_nl.h
	@mkdir -p $(@D)
	$(CLANG) $(ZRTPD_FUZZ_CFLAGS) -o $@ $< userspace/zrtpd/config.c userspace/zrtpd/util.c \
		userspace/nl/ksrtp_nl.c $(NL_LIBS) -lcrypto
