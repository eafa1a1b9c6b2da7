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
	-Iinclude/uapi -Iinclude -Iuserspace/include -isystem $(B)/kselftest
USER_LDFLAGS :=
FUZZ_CFLAGS := -O1 -g -std=gnu11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -Iinclude/uapi -Iinclude -Iuserspace/include

PROGRAMS :=
UNIT_TESTS :=
FUZZERS :=
VM_TESTS :=
VM_BINS :=
BENCHES :=

.PHONY: all module userspace deps check demo bench fuzz clean help \
	checkpatch sparse vm-shell kselftest-header

all: module userspace

help:
	@echo "make            build ksrtp.ko (KDIR=$(KDIR)) and the userspace programs"
	@echo "make deps       install the Debian packages the project needs"
	@echo "make check      every test: unit, fuzz (short), kernel tests in the VM on both kernels"
	@echo "make demo       a ZRTP call between two hosts in the VM, explained"
	@echo "make bench      benchmarks, as ratios against their named baselines"
	@echo "make fuzz       long fuzzing runs (FUZZ_TIME=seconds per fuzzer, default 600)"
	@echo "make checkpatch / sparse    kernel code hygiene"
	@echo "make vm-shell   boot the VM with the module and an interactive shell"

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
# the cloud and debug builds never share objects:  build/kmod/<name>/ksrtp.ko.
KMOD_SRCS := Kbuild $(shell find kernel include -name '*.[ch]' 2>/dev/null)

define kmod_build
	@rm -rf $(B)/kmod/$(1) && mkdir -p $(B)/kmod/$(1)
	@cp -rs $(CURDIR)/Kbuild $(CURDIR)/kernel $(CURDIR)/include $(B)/kmod/$(1)/
	$(MAKE) -C $(2) M=$(CURDIR)/$(B)/kmod/$(1) modules
endef

module: $(B)/kmod/cloud/ksrtp.ko
$(B)/kmod/cloud/ksrtp.ko: $(KMOD_SRCS)
	@test -d $(KDIR) || { echo "no kernel headers at $(KDIR): run 'make deps' or set KDIR=" >&2; exit 1; }
	$(call kmod_build,cloud,$(KDIR))

DEBUG_KDIR = $(shell tools/vm/build-debug-kernel.sh)
$(B)/kmod/debug/ksrtp.ko: $(KMOD_SRCS)
	$(call kmod_build,debug,$(DEBUG_KDIR))

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
	@$(MAKE) --no-print-directory all tests fuzzers $(B)/kmod/debug/ksrtp.ko
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

clean:
	rm -rf $(B)
