# The packages on a real Debian system (tests/system/run.sh): a debootstrap
# root filesystem booted with systemd in the VM, apt install of `make deb`'s
# packages, DKMS, systemctl start/restart mid-call, the upgrade to 6.12 and a
# reboot into it, the kernel's ynl client, apt purge.  Opt-in, not part of
# `make check`: the first run builds the image from the package mirror
# (cached in /var/cache/ksrtp), and the whole run takes long under TCG.
#   make check-system            debootstrap + e2fsprogs installed if missing
.PHONY: check-system
check-system: $(B)/bin/rtpapp deb
	@tools/deps.sh debootstrap e2fsprogs
	tests/system/run.sh

# ksrtp.ko's static per-CPU data stays within a small share of the 8 KiB all
# modules share (what made the load fail on the real system): a unit test.
$(B)/tests/module_percpu: tests/system/module_percpu.sh $(B)/kmod/cloud/ksrtp.ko
	@mkdir -p $(dir $@)
	printf '#!/bin/sh\nexec %s %s "$$@"\n' $(CURDIR)/tests/system/module_percpu.sh \
		$(CURDIR)/$(B)/kmod/cloud/ksrtp.ko >$@
	chmod +x $@
UNIT_TESTS += $(B)/tests/module_percpu
