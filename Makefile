# ksrtp: ZRTP + kernel SRTP.  `make help` lists the targets.
#
# Layout of the build: everything generated goes under build/ (userspace
# objects, test binaries, fuzzers, the module per target kernel, VM images).
# Each component adds itself through a fragment in mk/*.mk, appending to:
#   PROGRAMS     userspace programs built by `make`
#   UNIT_TESTS   native test binaries; each prints TAP (kselftest_harness.h)
#   FUZZERS      fuzzer names; mk fragment builds build/fuzz/<name>, seeds in
#                tests/fuzz/corpus/<name>/
#   VM_TESTS     programs/scripts run inside the VM, in order; each prints TAP
#   VM_BINS      extra binaries copied into the VM (helpers, not tests)
#   BENCHES      make targets run by `make bench`

SHELL := /bin/bash
B := build

# The default target kernel: Debian's cloud flavour, newest installed.
KVER ?= $(shell ls -1 /lib/modules 2>/dev/null | grep -- '-cloud-amd64$$' | sort -V | tail -1)
KDIR ?= /lib/modules/$(KVER)/build

CC ?= cc
CLANG ?= clang
USER_CFLAGS := -O2 -g -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror \
	-Wno-unused-parameter -fno-strict-aliasing \
	-Iinclude/uapi -Iinclude -Iuserspace/include -isystem $(B)/kselftest \
	$(CPPFLAGS) $(CFLAGS)
# CPPFLAGS/CFLAGS/LDFLAGS from the environment (dpkg-buildflags: hardening)
# reach the product's programs; LDFLAGS is used by their link lines.
USER_LDFLAGS := $(LDFLAGS)
FUZZ_CFLAGS := -O1 -g -std=gnu11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -Iinclude/uapi -Iinclude -Iuserspace/include

PROGRAMS :=
UNIT_TESTS :=
FUZZERS :=
VM_TESTS :=
VM_BINS :=
BENCHES :=

.PHONY: all module userspace deps check demo bench fuzz clean help \
	checkpatch sparse vm-shell kselftest-header install install-userspace install-lib \
	install-dkms-src deb

all: module userspace libksrtp

help:
	@echo "make            build ksrtp.ko (KDIR=$(KDIR)) and the userspace programs"
	@echo "make deps       install the Debian packages the project needs"
	@echo "make check      every test: unit, fuzz (short), kernel tests in the VM on 6.1, 6.12 and 6.1 debug"
	@echo "make demo       a ZRTP call between two hosts in the VM, explained"
	@echo "make bench      benchmarks, as ratios against their named baselines"
	@echo "make fuzz       long fuzzing runs (FUZZ_TIME=seconds per fuzzer, default 600)"
	@echo "make checkpatch / sparse    kernel code hygiene"
	@echo "make vm-shell   boot the VM with the module and an interactive shell"
	@echo "make deb        Debian packages ksrtp-dkms and zrtpd into build/deb/ (+ lintian)"
	@echo "make check-system  the packages on a debootstrapped Debian with systemd in the VM (opt-in, long)"
	@echo "make install    zrtpd, zrtpctl, man pages, unit, config; the module through DKMS"

deps:
	@tools/deps.sh

# kselftest_harness.h comes from the installed linux-source tarball, never
# from the tree.
KSFT_HDR := $(B)/kselftest/kselftest_harness.h
$(KSFT_HDR):
	@mkdir -p $(B)/kselftest
	tar -xf /usr/src/linux-source-6.1.tar.xz -C $(B)/kselftest --strip-components=4 \
		linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.1/tools/testing/selftests/kselftest.h
	@touch $@
kselftest-header: $(KSFT_HDR)

# ---- the kernel module ------------------------------------------------------
# The module is built in a per-kernel directory of symlinks to the sources so
# the builds never share objects:  build/kmod/<name>/ksrtp.ko, for cloud
# (Debian 12's 6.1, installed), cloud612 (6.12 from bookworm-backports) and
# debug (6.1 with KASAN and lockdep).
KMOD_SRCS := Kbuild $(shell find kernel include -name '*.[ch]' 2>/dev/null)

define kmod_build
	@rm -rf $(B)/kmod/$(1) && mkdir -p $(B)/kmod/$(1)
	@cp -rs $(CURDIR)/Kbuild $(CURDIR)/kernel $(CURDIR)/include $(B)/kmod/$(1)/
	+$(MAKE) -C $(2) M=$(CURDIR)/$(B)/kmod/$(1) $(3) modules
endef

module: $(B)/kmod/cloud/ksrtp.ko
$(B)/kmod/cloud/ksrtp.ko: $(KMOD_SRCS)
	@test -d $(KDIR) || { echo "no kernel headers at $(KDIR): run 'make deps' or set KDIR=" >&2; exit 1; }
	$(call kmod_build,cloud,$(KDIR))

# The cloud module with the transform's microbenchmark (make bench-crypto).
$(B)/kmod/cloud-bench/ksrtp.ko: $(KMOD_SRCS)
	@test -d $(KDIR) || { echo "no kernel headers at $(KDIR): run 'make deps' or set KDIR=" >&2; exit 1; }
	$(call kmod_build,cloud-bench,$(KDIR),KSRTP_BENCH=y)

DEBUG_KDIR = $(shell tools/vm/build-debug-kernel.sh)
$(B)/kmod/debug/ksrtp.ko: $(KMOD_SRCS)
	$(call kmod_build,debug,$(DEBUG_KDIR))

# Linux 6.12, Debian 13's series: bookworm-backports' cloud-amd64 image and
# headers, unpacked (not installed) by tools/vm/kernel-bpo.sh into
# /var/cache/ksrtp; its first line repeats the fetch only to stop with the
# reason if the one that expanded CLOUD612_KDIR failed.
CLOUD612_KDIR = $(shell tools/vm/kernel-bpo.sh --kdir)
$(B)/kmod/cloud612/ksrtp.ko: $(KMOD_SRCS)
	@test -n "$(CLOUD612_KDIR)" || { tools/vm/kernel-bpo.sh --kdir >/dev/null && \
		echo "kernel-bpo: fetched at the second try: run make again" >&2; exit 1; }
	$(call kmod_build,cloud612,$(CLOUD612_KDIR))

checkpatch:
	@tools/checkpatch.sh

sparse:
	@rm -rf $(B)/kmod/sparse && mkdir -p $(B)/kmod/sparse
	@cp -rs $(CURDIR)/Kbuild $(CURDIR)/kernel $(CURDIR)/include $(B)/kmod/sparse/
	$(MAKE) -C $(KDIR) M=$(CURDIR)/$(B)/kmod/sparse C=2 CF="-D__CHECK_ENDIAN__" modules 2>&1 | tee $(B)/kmod/sparse-build.log
	@! grep -E "warning:|error:" $(B)/kmod/sparse-build.log

# ---- userspace components -----------------------------------------------------
include $(sort $(wildcard mk/*.mk))

userspace: $(PROGRAMS)
tests: $(UNIT_TESTS) $(VM_TESTS) $(VM_BINS)
fuzzers: $(addprefix $(B)/fuzz/,$(FUZZERS))

# Lists for the scripts under tools/.
print-%:
	@echo $($*)

# ---- the commands that matter -------------------------------------------------
check: deps
	@$(MAKE) --no-print-directory all tests fuzzers $(B)/kmod/debug/ksrtp.ko \
		$(B)/kmod/cloud612/ksrtp.ko linphone-image
	@tools/check.sh

demo: deps
	@$(MAKE) --no-print-directory all tests
	@tools/demo.sh

bench: deps
	@$(MAKE) --no-print-directory all tests
	@set -e; for b in $(BENCHES); do $(MAKE) --no-print-directory $$b; done

FUZZ_TIME ?= 600
fuzz: fuzzers
	@tools/fuzz.sh $(FUZZ_TIME) $(FUZZERS)

vm-shell: all tests
	tools/vm/run.sh --shell

# ---- installation -------------------------------------------------------------
# `make install` is what the packages do, for machines without them:
# userspace + unit + config (kept if present), the module's source for
# DKMS (built now and on every kernel upgrade), the zrtpd system user.
PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
UNITDIR ?= /lib/systemd/system
PKG_VERSION := $(shell sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog)
DKMS_SRC = /usr/src/ksrtp-$(PKG_VERSION)

install-userspace: $(B)/bin/zrtpd $(B)/bin/zrtpctl
	install -D -m 0755 $(B)/bin/zrtpd $(DESTDIR)$(SBINDIR)/zrtpd
	install -D -m 0755 $(B)/bin/zrtpctl $(DESTDIR)$(SBINDIR)/zrtpctl
	install -D -m 0644 Documentation/man/zrtpd.8 $(DESTDIR)$(MANDIR)/man8/zrtpd.8
	install -D -m 0644 Documentation/man/zrtpctl.8 $(DESTDIR)$(MANDIR)/man8/zrtpctl.8
	install -D -m 0644 Documentation/man/zrtpd.conf.5 $(DESTDIR)$(MANDIR)/man5/zrtpd.conf.5
	install -D -m 0644 tools/systemd/zrtpd.service $(DESTDIR)$(UNITDIR)/zrtpd.service
	@if [ -n "$(DESTDIR)" ] || [ ! -e /etc/zrtpd.conf ]; then \
		install -D -m 0644 tools/systemd/zrtpd.conf $(DESTDIR)/etc/zrtpd.conf; \
	else echo "install: /etc/zrtpd.conf exists, kept (new one: tools/systemd/zrtpd.conf)"; fi

LIBDIR ?= $(PREFIX)/lib/$(shell $(CC) -print-multiarch)
INCLUDEDIR ?= $(PREFIX)/include

# libksrtp for programs: shared object, static archive, headers, ksrtp.pc.
install-lib: libksrtp
	install -D -m 0644 $(KSRTP_SO) $(DESTDIR)$(LIBDIR)/libksrtp.so.$(KSRTP_SO_VERSION)
	ln -sf libksrtp.so.$(KSRTP_SO_VERSION) $(DESTDIR)$(LIBDIR)/$(KSRTP_SONAME)
	ln -sf $(KSRTP_SONAME) $(DESTDIR)$(LIBDIR)/libksrtp.so
	install -D -m 0644 $(NL_LIB) $(DESTDIR)$(LIBDIR)/libksrtp.a
	install -D -m 0644 userspace/nl/ksrtp_nl.h $(DESTDIR)$(INCLUDEDIR)/ksrtp/ksrtp_nl.h
	install -D -m 0644 include/uapi/linux/ksrtp.h $(DESTDIR)$(INCLUDEDIR)/ksrtp/linux/ksrtp.h
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig
	printf 'prefix=%s\nlibdir=%s\nincludedir=%s/ksrtp\n\n%s\n' "$(PREFIX)" "$(LIBDIR)" \
		"$(INCLUDEDIR)" "$$KSRTP_PC" >$(DESTDIR)$(LIBDIR)/pkgconfig/ksrtp.pc
	@test -n "$(DESTDIR)" || ldconfig

install-dkms-src:
	install -d $(DESTDIR)$(DKMS_SRC)
	cp -r Kbuild kernel include $(DESTDIR)$(DKMS_SRC)/
	sed 's/#MODULE_VERSION#/$(PKG_VERSION)/' debian/ksrtp-dkms.dkms >$(DESTDIR)$(DKMS_SRC)/dkms.conf

install: install-userspace install-lib install-dkms-src
	@test -z "$(DESTDIR)" || { echo "install: DESTDIR set, stopping before dkms/users" >&2; exit 0; }
	getent group zrtpd >/dev/null || addgroup --system zrtpd
	getent passwd zrtpd >/dev/null || adduser --system --ingroup zrtpd \
		--home /var/lib/zrtpd --no-create-home --disabled-login zrtpd
	dkms status -m ksrtp -v $(PKG_VERSION) | grep -q . || dkms add -m ksrtp -v $(PKG_VERSION)
	dkms install -m ksrtp -v $(PKG_VERSION)
	-systemctl daemon-reload

# Debian packages with the distribution's tooling, then lintian on them.
deb:
	@tools/deb.sh

clean:
	rm -rf $(B)
