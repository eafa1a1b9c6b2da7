# The netlink client and the kernel tests (mk fragment).

NL_LIB := $(B)/lib/libksrtpnl.a
NL_OBJS := $(B)/obj/nl/ksrtp_nl.o
NL_CFLAGS := $(USER_CFLAGS) -Iuserspace/nl $(shell pkg-config --cflags libmnl)
NL_LIBS := $(shell pkg-config --libs libmnl)

$(B)/obj/nl/%.o: userspace/nl/%.c userspace/nl/ksrtp_nl.h include/uapi/linux/ksrtp.h
	@mkdir -p $(@D)
	$(CC) $(NL_CFLAGS) -c -o $@ $<

$(NL_LIB): $(NL_OBJS)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

# zrtpd and zrtpctl: mk/zrtpd.mk.

# Kernel tests: kselftest_harness.h programs run inside the VM.
$(B)/vmtests/%: tests/kselftest/%.c tests/kselftest/ksft_ksrtp.h $(NL_LIB) $(KSFT_HDR)
	@mkdir -p $(@D)
	$(CC) $(NL_CFLAGS) -Itests/kselftest -o $@ $< $(NL_LIB) $(NL_LIBS)

VM_TESTS += $(B)/vmtests/ksrtp_genl $(B)/vmtests/ksrtp_perm

# The netlink sweep and seeded fuzzer (KSRTP_FUZZ_SEED/OPS/SECONDS).
$(B)/vmtests/ksrtp_nlfuzz: tests/kselftest/ksrtp_nlfuzz.c tests/kselftest/ksft_ksrtp.h tests/kselftest/ksft_netns.h $(NL_LIB) $(KSFT_HDR)
	@mkdir -p $(@D)
	$(CC) $(NL_CFLAGS) -Wno-missing-field-initializers -Itests/kselftest -o $@ $< $(NL_LIB) $(NL_LIBS)

VM_TESTS += $(B)/vmtests/ksrtp_nlfuzz

# Native unit tests of the userspace pieces above.
$(B)/tests/sockaddr: tests/unit/sockaddr.c $(NL_LIB) $(KSFT_HDR)
	@mkdir -p $(@D)
	$(CC) $(NL_CFLAGS) -o $@ $< $(NL_LIB) $(NL_LIBS)

UNIT_TESTS += $(B)/tests/sockaddr

$(B)/vmtests/ksrtp_datapath: tests/kselftest/ksrtp_datapath.c tests/kselftest/ksft_ksrtp.h tests/kselftest/ksft_netns.h $(NL_LIB) $(KSFT_HDR)
	@mkdir -p $(@D)
	$(CC) $(NL_CFLAGS) -Wno-missing-field-initializers -Itests/kselftest -o $@ $< $(NL_LIB) $(NL_LIBS) $(shell pkg-config --libs libsrtp2)

VM_TESTS += $(B)/vmtests/ksrtp_datapath

$(B)/vmtests/ksrtp_roc: tests/kselftest/ksrtp_roc.c tests/kselftest/ksft_ksrtp.h tests/kselftest/ksft_netns.h $(NL_LIB) $(KSFT_HDR)
	@mkdir -p $(@D)
	$(CC) $(NL_CFLAGS) -Wno-missing-field-initializers -Itests/kselftest -o $@ $< $(NL_LIB) $(NL_LIBS) $(shell pkg-config --libs libsrtp2)

VM_TESTS += $(B)/vmtests/ksrtp_roc

# libFuzzer harness for the ADDR:PORT parser.
$(B)/fuzz/sockaddr: tests/fuzz/sockaddr.c userspace/nl/ksrtp_nl.c userspace/nl/ksrtp_nl.h
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -Iuserspace/nl -o $@ tests/fuzz/sockaddr.c userspace/nl/ksrtp_nl.c $(NL_LIBS)

FUZZERS += sockaddr

# A hostile peer: forged and malformed datagrams (issue 10).
$(B)/vmtests/ksrtp_inject: tests/kselftest/ksrtp_inject.c tests/kselftest/ksft_ksrtp.h tests/kselftest/ksft_netns.h $(NL_LIB) $(KSFT_HDR)
	@mkdir -p $(@D)
	$(CC) $(NL_CFLAGS) -Wno-missing-field-initializers -Itests/kselftest -o $@ $< $(NL_LIB) $(NL_LIBS) $(shell pkg-config --libs libsrtp2)

VM_TESTS += $(B)/vmtests/ksrtp_inject

# The cloud kernel's vrf.ko and tun.ko for ksrtp_inject's VRF and tap
# cases, in base64: the VM runner copies ELF files as programs (and ldd's
# them).
$(B)/vmtests/%.ko.b64:
	@mkdir -p $(@D)
	ko=/lib/modules/$(KVER)/kernel/drivers/net/$*.ko; \
	if [ -f $$ko ]; then base64 $$ko > $@; else : > $@; fi

VM_BINS += $(B)/vmtests/vrf.ko.b64 $(B)/vmtests/tun.ko.b64

# Races a second CPU can cause: key/flow churn, unload, netns exit (issue 10).
$(B)/vmtests/ksrtp_race: tests/kselftest/ksrtp_race.c tests/kselftest/ksft_ksrtp.h tests/kselftest/ksft_netns.h $(NL_LIB) $(KSFT_HDR)
	@mkdir -p $(@D)
	$(CC) $(NL_CFLAGS) -Wno-missing-field-initializers -Itests/kselftest -o $@ $< $(NL_LIB) $(NL_LIBS) $(shell pkg-config --libs libsrtp2)

VM_TESTS += $(B)/vmtests/ksrtp_race
# make fuzz: the netlink fuzzer in the VM for FUZZ_TIME seconds as well,
# on FUZZ_KERNEL (debug: KASAN, lockdep, kmemleak).  The seed is printed;
# rerun one with: tools/vm/run.sh --env KSRTP_FUZZ_SEED=0x... ...
FUZZ_KERNEL ?= debug
.PHONY: fuzz-netlink
fuzz-netlink: $(B)/kmod/$(FUZZ_KERNEL)/ksrtp.ko $(B)/vmtests/ksrtp_nlfuzz
	tools/vm/run.sh --kernel $(FUZZ_KERNEL) --timeout $$(( $(FUZZ_TIME) * 2 + 600 )) \
		--env KSRTP_FUZZ_SECONDS=$(FUZZ_TIME) $(B)/vmtests/ksrtp_nlfuzz
fuzz: fuzz-netlink

# Gateway mode: relays between two flows, libsrtp at both ends (issue 14).
$(B)/vmtests/ksrtp_relay: tests/kselftest/ksrtp_relay.c tests/kselftest/ksft_ksrtp.h tests/kselftest/ksft_netns.h $(NL_LIB) $(KSFT_HDR)
	@mkdir -p $(@D)
	$(CC) $(NL_CFLAGS) -Wno-missing-field-initializers -Itests/kselftest -o $@ $< $(NL_LIB) $(NL_LIBS) $(shell pkg-config --libs libsrtp2)

VM_TESTS += $(B)/vmtests/ksrtp_relay
