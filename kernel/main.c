// SPDX-License-Identifier: GPL-2.0
/*
 * ksrtp: SRTP in the kernel for configured UDP flows, keyed by a ZRTP daemon.
 * See Documentation/design.md.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <uapi/linux/ksrtp.h>

#include "ksrtp.h"
#include "crypto.h"
#include "srtp/srtp.h"
#include "flow.h"
#include "hooks.h"
#include "netlink.h"
#include "zrtp.h"

static bool selftest = true;
module_param(selftest, bool, 0444);
MODULE_PARM_DESC(selftest, "Run the SRTP known-answer tests with the kernel crypto at load (default on)");

/*
 * RFC 3711/6188/7714 known answers through the kernel crypto API: a module
 * whose crypto disagrees with the RFCs must not protect anything.  Twice:
 * with the FPU (AES-NI) transforms the packet path normally uses, and with
 * the generic ones it falls back to (kernel/crypto.c).
 */
static int __init ksrtp_run_selftest(void)
{
	void *scratch;
	int ret;

	if (!selftest)
		return 0;
	scratch = kzalloc(KSRTP_SELFTEST_SCRATCH, GFP_KERNEL);
	if (!scratch)
		return -ENOMEM;
	ret = ksrtp_selftest(&ksrtp_kcrypto_ops, scratch, KSRTP_SELFTEST_SCRATCH);
	if (!ret) {
		ksrtp_crypto_use_fpu(false);
		ret = ksrtp_selftest(&ksrtp_kcrypto_ops, scratch,
				     KSRTP_SELFTEST_SCRATCH);
		ksrtp_crypto_use_fpu(true);
	}
	kfree_sensitive(scratch);
	if (ret) {
		pr_err("SRTP self-test %d failed: refusing to load\n", -ret);
		return -ENOTRECOVERABLE;
	}
	return 0;
}

static int __init ksrtp_init(void)
{
	int ret;

	ret = ksrtp_run_selftest();
	if (ret)
		goto err_selftest;

	ret = ksrtp_hooks_init();
	if (ret)
		goto err_selftest;

	ret = ksrtp_flow_init();
	if (ret)
		goto err_flow;

	ret = ksrtp_zrtp_init();
	if (ret)
		goto err_zrtp;

	ret = ksrtp_genl_init();
	if (ret)
		goto err_genl;

	pr_info("version " KSRTP_VERSION_STR " loaded\n");
	return 0;

err_genl:
	ksrtp_zrtp_exit();
err_zrtp:
	ksrtp_flow_exit();
err_flow:
	ksrtp_hooks_exit();
err_selftest:
	return ret;
}

static void __exit ksrtp_exit(void)
{
	ksrtp_genl_exit();
	ksrtp_zrtp_exit();
	ksrtp_flow_exit();
	ksrtp_hooks_exit();
	pr_info("unloaded\n");
}

module_init(ksrtp_init);
module_exit(ksrtp_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("SRTP for UDP flows, keyed by ZRTP in userspace");
MODULE_VERSION(KSRTP_VERSION_STR);
MODULE_ALIAS_GENL_FAMILY(KSRTP_GENL_NAME);
