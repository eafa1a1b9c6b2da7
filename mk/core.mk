# The netlink client, zrtpctl, zrtpd and the kernel tests (mk fragment).

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

ZRTPCTL_SRCS := $(wildcard userspace/zrtpctl/*.c)
$(B)/bin/zrtpctl: $(ZRTPCTL_SRCS) userspace/zrtpctl/zrtpctl.h $(NL_LIB)
	@mkdir -p $(@D)
	$(CC) $(NL_CFLAGS) -Iuserspace/zrtpctl -o $@ $(ZRTPCTL_SRCS) $(NL_LIB) $(NL_LIBS)

$(B)/bin/zrtpd: userspace/zrtpd/zrtpd.c $(NL_LIB)
	@mkdir -p $(@D)
	$(CC) $(NL_CFLAGS) -o $@ $< $(NL_LIB) $(NL_LIBS)

PROGRAMS += $(B)/bin/zrtpctl $(B)/bin/zrtpd

# Kernel tests: kselftest_harness.h programs run inside the VM.
$(B)/vmtests/%: tests/kselftest/%.c tests/kselftest/ksft_ksrtp.h $(NL_LIB) $(KSFT_HDR)
	@mkdir -p $(@D)
	$(CC) $(NL_CFLAGS) -Itests/kselftest -o $@ $< $(NL_LIB) $(NL_LIBS)

VM_TESTS += $(B)/vmtests/ksrtp_genl
VM_BINS += $(B)/bin/zrtpctl $(B)/bin/zrtpd

# Native unit tests of the userspace pieces above.
$(B)/tests/sockaddr: tests/unit/sockaddr.c $(NL_LIB) $(KSFT_HDR)
	@mkdir -p $(@D)
	$(CC) $(NL_CFLAGS) -o $@ $< $(NL_LIB) $(NL_LIBS)

UNIT_TESTS += $(B)/tests/sockaddr
