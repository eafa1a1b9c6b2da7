# The real-softphone end-to-end test (tests/kselftest/e2e_linphone.sh, a
# VM_TESTS entry through the e2e_*.sh pattern in zrtpd.mk) runs Debian's
# linphonec from an ext4 image attached to the VM as a virtio disk.
#   VM_DISKS   images tools/check.sh attaches (run.sh --disk)
# The image is rebuilt only when its content would change (the script keeps
# a hash next to it), so the rule runs the script every time.
LINPHONE_IMG := $(B)/linphone/linphone.ext4
VM_DISKS += $(LINPHONE_IMG)

.PHONY: linphone-image
linphone-image:
	@tools/vm/linphone-image.sh $(LINPHONE_IMG)
$(LINPHONE_IMG): linphone-image
tests: linphone-image
