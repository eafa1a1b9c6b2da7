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
