# The real-softphone end-to-end test (tests/kselftest/softphone_linphone.sh)
# runs Debian's linphonec from an ext4 image attached to the VM as a virtio
# disk (tools/vm/linphone-image.sh, cached in /var/cache/ksrtp).  `make check`
# builds the image (linphone-cli is in tools/deps.sh) and tools/check.sh
# attaches VM_DISKS on the kernels in DISK_KERNELS (default: cloud); the
# test runs there with the other VM tests and skips where no image is attached.
#   make linphone-image          builds (or finds) the image
#   make check-linphone          only this test, on the cloud kernel
# VM_DISKS: the images already built (nothing if none: never builds).
VM_DISKS = $(shell tools/vm/linphone-image.sh --path)

.PHONY: linphone-image check-linphone
linphone-image:
	@tools/deps.sh linphone-cli e2fsprogs
	@tools/vm/linphone-image.sh >/dev/null

check-linphone: all tests linphone-image
	tools/vm/run.sh --kernel cloud --disk $$(tools/vm/linphone-image.sh --path) \
		$(foreach b,$(VM_BINS),--bin $(b)) tests/kselftest/softphone_linphone.sh
VM_TESTS += tests/kselftest/softphone_linphone.sh
