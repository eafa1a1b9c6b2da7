# The netlink client and the kernel tests (mk fragment).

# libksrtp: the netlink client (userspace/nl) as a public C library.  The
# shared object (soname libksrtp.so.1, symbols versioned KSRTP_0 by
# libksrtp.map, everything not ksrtp_* hidden) is for media servers; zrtpd,
# zrtpctl and the tests link the static archive of the same sources, so they
# need no library at run time (in the VM, in the packages).
KSRTP_SO_VERSION := 1.0.0
KSRTP_SONAME := libksrtp.so.1
KSRTP_SO := $(B)/lib/libksrtp.so.$(KSRTP_SO_VERSION)
NL_LIB := $(B)/lib/libksrtp.a
NL_SRCS := userspace/nl/ksrtp_nl.c userspace/nl/ksrtp_sdes.c
NL_OBJS := $(patsubst userspace/nl/%.c,$(B)/obj/nl/%.o,$(NL_SRCS))
NL_PIC_OBJS := $(patsubst userspace/nl/%.c,$(B)/obj/nl-pic/%.o,$(NL_SRCS))
NL_CFLAGS := $(USER_CFLAGS) -Iuserspace/nl $(shell pkg-config --cflags libmnl)
NL_LIBS := $(shell pkg-config --libs libmnl)

$(B)/obj/nl/%.o: userspace/nl/%.c userspace/nl/ksrtp_nl.h include/uapi/linux/ksrtp.h
	@mkdir -p $(@D)
	$(CC) $(NL_CFLAGS) -c -o $@ $<

$(B)/obj/nl-pic/%.o: userspace/nl/%.c userspace/nl/ksrtp_nl.h include/uapi/linux/ksrtp.h
	@mkdir -p $(@D)
	$(CC) $(NL_CFLAGS) -fPIC -c -o $@ $<

$(NL_LIB): $(NL_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(KSRTP_SO): $(NL_PIC_OBJS) userspace/nl/libksrtp.map
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,$(KSRTP_SONAME) -Wl,--version-script=userspace/nl/libksrtp.map \
		-Wl,-z,defs -Wl,-z,relro -Wl,-z,now -o $@ $(NL_PIC_OBJS) $(NL_LIBS)
	ln -sf $(notdir $@) $(B)/lib/$(KSRTP_SONAME)
	ln -sf $(KSRTP_SONAME) $(B)/lib/libksrtp.so

# ksrtp.pc for the build tree (tests) and for an installation.
define KSRTP_PC
Name: ksrtp
Description: Client library of the ksrtp kernel SRTP module (flows, keys, SDES)
Version: $(KSRTP_SO_VERSION)
Requires.private: libmnl
Libs: -L$${libdir} -lksrtp
Cflags: -I$${includedir}
endef
export KSRTP_PC
$(B)/lib/pkgconfig/ksrtp.pc: mk/core.mk
	@mkdir -p $(@D)
	printf 'libdir=%s\nincludedir=%s\n\n%s\n' "$(CURDIR)/$(B)/lib" "$(CURDIR)/$(B)/include/ksrtp" "$$KSRTP_PC" >$@
	mkdir -p $(B)/include/ksrtp/linux
	cp userspace/nl/ksrtp_nl.h $(B)/include/ksrtp/ksrtp_nl.h
	cp include/uapi/linux/ksrtp.h $(B)/include/ksrtp/linux/ksrtp.h

libksrtp: $(KSRTP_SO) $(NL_LIB) $(B)/lib/pkgconfig/ksrtp.pc
.PHONY: libksrtp

# The SDES parser and the library's ABI (soname, exported symbols, a program
# built with pkg-config against the build tree and against `make install`).
$(B)/tests/sdes: tests/unit/sdes.c $(NL_LIB) $(KSFT_HDR)
	@mkdir -p $(@D)
	$(CC) $(NL_CFLAGS) -Wno-deprecated-declarations -o $@ $< $(NL_LIB) $(NL_LIBS) -lcrypto

UNIT_TESTS += $(B)/tests/sdes tests/unit/libksrtp_abi.sh
tests/unit/libksrtp_abi.sh: libksrtp

$(B)/fuzz/sdes_parse: tests/fuzz/sdes_parse.c userspace/nl/ksrtp_sdes.c userspace/nl/ksrtp_nl.h
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -Iuserspace/nl -o $@ tests/fuzz/sdes_parse.c userspace/nl/ksrtp_sdes.c

FUZZERS += sdes_parse

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
$(B)/vmtests/ksrtp_relay: tests/kselftest/ksrtp_relay.c tests/kselftest/ksft_media.h tests/kselftest/ksft_ksrtp.h tests/kselftest/ksft_netns.h $(NL_LIB) $(KSFT_HDR)
	@mkdir -p $(@D)
	$(CC) $(NL_CFLAGS) -Wno-missing-field-initializers -Itests/kselftest -o $@ $< $(NL_LIB) $(NL_LIBS) $(shell pkg-config --libs libsrtp2)

VM_TESTS += $(B)/vmtests/ksrtp_relay

# Latching (symmetric RTP, RFC 4961) behind an nftables NAT (issue 14).
$(B)/vmtests/ksrtp_latch: tests/kselftest/ksrtp_latch.c tests/kselftest/ksft_media.h tests/kselftest/ksft_ksrtp.h tests/kselftest/ksft_netns.h $(NL_LIB) $(KSFT_HDR)
	@mkdir -p $(@D)
	$(CC) $(NL_CFLAGS) -Wno-missing-field-initializers -Itests/kselftest -o $@ $< $(NL_LIB) $(NL_LIBS) $(shell pkg-config --libs libsrtp2)

VM_TESTS += $(B)/vmtests/ksrtp_latch
VM_BINS += $(wildcard /usr/sbin/nft)
