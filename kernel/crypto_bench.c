// SPDX-License-Identifier: GPL-2.0
/*
 * Where the instructions of the SRTP transform go: a test-only
 * microbenchmark, run by writing a call count to the module parameter
 *
 *   echo 20000 > /sys/module/ksrtp/parameters/bench_crypto
 *
 * in a guest booted with -icount shift=0 (`make bench-crypto`,
 * tools/bench/xbench.sh), where one guest nanosecond is one instruction.
 * Each line of the kernel log gives the mean guest ns per call of one
 * step, from the whole SRTP transform of a 172-byte RTP packet (12-byte
 * header, 160-byte payload) down to the raw ciphers and the FPU section,
 * each step timed alone over the same packet, with bottom halves off as on
 * the packet path.  Nothing here runs unless the parameter is written
 * (root only); Documentation/benchmarks.md has the figures.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/aead.h>
#include <crypto/hash.h>
#include <crypto/skcipher.h>
#include <asm/fpu/api.h>
#include <asm/simd.h>
#include <crypto/internal/simd.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>

#include "crypto.h"
#include "srtp/srtp.h"

enum { XB_HDR = 12, XB_PAY = 160, XB_SLOT = 256, XB_MAX = 30000 };

struct xb {
	unsigned int n;
	u8 *pkts;		/* n slots of XB_SLOT bytes */
	u8 buf[2048];
	u8 out[64];
	struct scatterlist sg[2];
};

static u64 xb_t0;

static void xb_start(void)
{
	local_bh_disable();
	xb_t0 = ktime_get_ns();
}

static void xb_stop(const struct xb *x, const char *what, u64 base)
{
	u64 d = ktime_get_ns() - xb_t0;

	local_bh_enable();
	d = div_u64(d, x->n);
	pr_info("xbench: %-44s %6llu ns/call (%lld over the empty loop)\n",
		what, d, (long long)d - (long long)base);
}

static void xb_rtp(u8 *p, u16 seq)
{
	memset(p, 0xab, XB_HDR + XB_PAY);
	p[0] = 0x80;
	p[1] = 0x00;
	p[2] = seq >> 8;
	p[3] = seq;
	p[4] = p[5] = p[6] = p[7] = 0;
	p[8] = 0x12; p[9] = 0x34; p[10] = 0x56; p[11] = 0x78;
}

static u64 xb_empty(struct xb *x)
{
	unsigned int i;
	u64 d;

	local_bh_disable();
	xb_t0 = ktime_get_ns();
	for (i = 0; i < x->n; i++)
		barrier();
	d = ktime_get_ns() - xb_t0;
	local_bh_enable();
	return div_u64(d, x->n);
}

/*
 * A backend that does no cryptography (the MAC is all zeros): the core's
 * own work per packet -- parse, stream lookup, index estimation, replay
 * window, IV, tag handling -- with the calls into the backend left in.
 */
static u8 xb_null_key;

static void *xb_null_new(enum ksrtp_alg alg, const u8 *key, unsigned int len)
{
	return &xb_null_key;
}

static void xb_null_free(void *key)
{
}

static int xb_null_ctr(void *key, const u8 iv[KSRTP_CTR_IV_LEN], u8 *buf,
		       unsigned int len)
{
	return 0;
}

static int xb_null_hmac(void *key, const u8 *data, unsigned int len,
			u8 mac[KSRTP_SHA1_LEN])
{
	memset(mac, 0, KSRTP_SHA1_LEN);
	return 0;
}

static int xb_null_gcm(void *key, const u8 iv[KSRTP_GCM_IV_LEN],
		       const struct ksrtp_seg *aad, unsigned int naad,
		       u8 *buf, unsigned int len)
{
	return 0;
}

static const struct ksrtp_crypto_ops xb_null_ops = {
	.key_new = xb_null_new,
	.key_free = xb_null_free,
	.ctr_xor = xb_null_ctr,
	.hmac_sha1 = xb_null_hmac,
	.gcm_encrypt = xb_null_gcm,
	.gcm_decrypt = xb_null_gcm,
};

/* The whole transform through the portable core, as the hooks call it. */
static void xb_profile(struct xb *x, enum ksrtp_profile p, const char *name,
		       u64 base, const struct ksrtp_crypto_ops *ops)
{
	static const u8 key[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	static const u8 salt[14] = { 9, 8, 7, 6, 5 };
	unsigned int kl = (p == KSRTP_AES_256_CM_HMAC_SHA1_80 ||
			   p == KSRTP_AES_256_CM_HMAC_SHA1_32 ||
			   p == KSRTP_AEAD_AES_256_GCM) ? 32 : 16;
	unsigned int sl = p >= KSRTP_AEAD_AES_128_GCM ? 12 : 14;
	struct ksrtp_opts o = {};
	struct ksrtp_ctx *tx, *rx;
	unsigned int i, len;
	size_t sz;
	char what[64];
	int bad = 0;

	sz = ksrtp_ctx_size(&o);
	tx = kzalloc(sz, GFP_KERNEL);
	rx = kzalloc(sz, GFP_KERNEL);
	if (!tx || !rx)
		goto out;
	if (ksrtp_ctx_init(tx, sz, ops, p, key, kl, salt, sl, &o))
		goto out;
	if (ksrtp_ctx_init(rx, sz, ops, p, key, kl, salt, sl, &o)) {
		ksrtp_ctx_wipe(tx);
		goto out;
	}
	/* protect: the same packet each time, its sequence number advanced */
	xb_rtp(x->buf, 0);
	xb_start();
	for (i = 0; i < x->n; i++) {
		x->buf[2] = i >> 8;
		x->buf[3] = i;
		len = XB_HDR + XB_PAY;
		bad |= ksrtp_protect(tx, x->buf, &len, sizeof(x->buf));
	}
	snprintf(what, sizeof(what), "%s%s protect", name,
		 ops == &xb_null_ops ? " (no crypto)" : "");
	xb_stop(x, what, base);
	/* unprotect: n packets protected beforehand, each once */
	ksrtp_ctx_reset(tx);
	for (i = 0; i < x->n; i++) {
		xb_rtp(x->pkts + i * XB_SLOT, i);
		len = XB_HDR + XB_PAY;
		bad |= ksrtp_protect(tx, x->pkts + i * XB_SLOT, &len, XB_SLOT);
	}
	xb_start();
	for (i = 0; i < x->n; i++) {
		unsigned int l = len;

		bad |= ksrtp_unprotect(rx, x->pkts + i * XB_SLOT, &l);
	}
	snprintf(what, sizeof(what), "%s%s unprotect", name,
		 ops == &xb_null_ops ? " (no crypto)" : "");
	xb_stop(x, what, base);
	if (bad)
		pr_err("xbench: %s: a packet failed\n", name);
	ksrtp_ctx_wipe(tx);
	ksrtp_ctx_wipe(rx);
out:
	kfree(tx);
	kfree(rx);
}

/* One backend operation, over a linear buffer, as the core calls it. */
static void xb_ops(struct xb *x, u64 base)
{
	const struct ksrtp_crypto_ops *ops = &ksrtp_kcrypto_ops;
	static const u8 key[32] = { 7 };
	u8 iv[16] = { 1 };
	struct ksrtp_seg aad = { x->buf, XB_HDR };
	void *ctr, *hmac, *gcm;
	unsigned int i;

	ctr = ops->key_new(KSRTP_ALG_AES_CTR, key, 16);
	hmac = ops->key_new(KSRTP_ALG_HMAC_SHA1, key, 20);
	gcm = ops->key_new(KSRTP_ALG_AES_GCM, key, 16);
	if (ctr) {
		xb_start();
		for (i = 0; i < x->n; i++)
			ops->ctr_xor(ctr, iv, x->buf + XB_HDR, XB_PAY);
		xb_stop(x, "ops.ctr_xor 160", base);
	}
	if (hmac) {
		xb_start();
		for (i = 0; i < x->n; i++)
			ops->hmac_sha1(hmac, x->buf, XB_HDR + XB_PAY + 4, x->out);
		xb_stop(x, "ops.hmac_sha1 176", base);
	}
	if (gcm) {
		xb_start();
		for (i = 0; i < x->n; i++)
			ops->gcm_encrypt(gcm, iv, &aad, 1, x->buf + XB_HDR,
					 XB_PAY);
		xb_stop(x, "ops.gcm_encrypt 12+160", base);
	}
	ops->key_free(ctr);
	ops->key_free(hmac);
	ops->key_free(gcm);
}

static void xb_shash(struct xb *x, const char *alg, u32 type,
		     unsigned int klen, u64 base)
{
	static const u8 key[20] = { 3 };
	static const unsigned int lens[] = { 0, 16, 20, 64, 160, 176, 640 };
	struct crypto_shash *t;
	struct shash_desc *d;
	unsigned int i, j;
	char what[64];

	t = crypto_alloc_shash(alg, type, type);
	if (IS_ERR(t)) {
		pr_info("xbench: no %s\n", alg);
		return;
	}
	d = kzalloc(sizeof(*d) + crypto_shash_descsize(t), GFP_KERNEL);
	if (!d || (klen && crypto_shash_setkey(t, key, klen)))
		goto out;
	d->tfm = t;
	pr_info("xbench: %s is %s\n", alg,
		crypto_tfm_alg_driver_name(crypto_shash_tfm(t)));
	for (j = 0; j < ARRAY_SIZE(lens); j++) {
		xb_start();
		for (i = 0; i < x->n; i++)
			crypto_shash_digest(d, x->buf, lens[j], x->out);
		snprintf(what, sizeof(what), "%s digest %u", alg, lens[j]);
		xb_stop(x, what, base);
	}
	/* init + update alone (no finalisation), whole blocks */
	for (j = 3; j < ARRAY_SIZE(lens); j++) {
		xb_start();
		for (i = 0; i < x->n; i++) {
			crypto_shash_init(d);
			crypto_shash_update(d, x->buf, lens[j]);
		}
		snprintf(what, sizeof(what), "%s init+update %u", alg, lens[j]);
		xb_stop(x, what, base);
	}
	xb_start();
	for (i = 0; i < x->n; i++)
		crypto_shash_init(d);
	snprintf(what, sizeof(what), "%s init", alg);
	xb_stop(x, what, base);
out:
	kfree_sensitive(d);
	crypto_free_shash(t);
}

static void xb_skcipher(struct xb *x, const char *alg, u32 type, u64 base)
{
	static const u8 key[16] = { 5 };
	static const unsigned int lens[] = { 16, 160, 1600 };
	struct crypto_skcipher *t;
	struct skcipher_request *r;
	unsigned int i, j;
	u8 iv[16] = {};
	char what[64];

	t = crypto_alloc_skcipher(alg, type, type | CRYPTO_ALG_ASYNC);
	if (IS_ERR(t)) {
		pr_info("xbench: no %s\n", alg);
		return;
	}
	r = skcipher_request_alloc(t, GFP_KERNEL);
	if (!r || crypto_skcipher_setkey(t, key, 16))
		goto out;
	pr_info("xbench: %s is %s\n", alg,
		crypto_tfm_alg_driver_name(crypto_skcipher_tfm(t)));
	sg_init_table(x->sg, 1);
	for (j = 0; j < ARRAY_SIZE(lens); j++) {
		sg_set_buf(x->sg, x->buf, lens[j]);
		xb_start();
		for (i = 0; i < x->n; i++) {
			skcipher_request_set_callback(r, 0, NULL, NULL);
			skcipher_request_set_crypt(r, x->sg, x->sg, lens[j], iv);
			crypto_skcipher_encrypt(r);
		}
		snprintf(what, sizeof(what), "%s %u", alg, lens[j]);
		xb_stop(x, what, base);
	}
out:
	skcipher_request_free(r);
	crypto_free_skcipher(t);
}

static void xb_aead(struct xb *x, const char *alg, u32 type, u64 base)
{
	static const u8 key[16] = { 5 };
	static const unsigned int lens[] = { 16, 160, 1600 };
	struct crypto_aead *t;
	struct aead_request *r;
	unsigned int i, j;
	u8 iv[12] = {};
	char what[64];

	t = crypto_alloc_aead(alg, type, type | CRYPTO_ALG_ASYNC);
	if (IS_ERR(t)) {
		pr_info("xbench: no %s\n", alg);
		return;
	}
	r = aead_request_alloc(t, GFP_KERNEL);
	if (!r || crypto_aead_setkey(t, key, 16) ||
	    crypto_aead_setauthsize(t, 16))
		goto out;
	pr_info("xbench: %s is %s\n", alg,
		crypto_tfm_alg_driver_name(crypto_aead_tfm(t)));
	sg_init_table(x->sg, 1);
	for (j = 0; j < ARRAY_SIZE(lens); j++) {
		sg_set_buf(x->sg, x->buf, XB_HDR + lens[j] + 16);
		xb_start();
		for (i = 0; i < x->n; i++) {
			aead_request_set_callback(r, 0, NULL, NULL);
			aead_request_set_ad(r, XB_HDR);
			aead_request_set_crypt(r, x->sg, x->sg, lens[j], iv);
			crypto_aead_encrypt(r);
		}
		snprintf(what, sizeof(what), "%s enc 12+%u", alg, lens[j]);
		xb_stop(x, what, base);
	}
out:
	aead_request_free(r);
	crypto_free_aead(t);
}

/*
 * GCM composed of the two primitives it is made of, as a floor for what
 * "__gcm(aes)" costs beyond them: GHASH (the 12-byte AAD zero-padded in
 * one block, 160 bytes, the length block) and AES-CTR from J0 over
 * [one block for E(K, J0) | 160 bytes], two scatterlist entries.
 */
static void xb_gcm_parts(struct xb *x, u64 base)
{
	static const u8 key[16] = { 5 };
	struct crypto_shash *gh;
	struct crypto_skcipher *ctr;
	struct skcipher_request *r = NULL;
	struct shash_desc *d = NULL;
	struct scatterlist sg[2];
	unsigned int i;
	u8 iv[16] = {};

	gh = crypto_alloc_shash("__ghash", CRYPTO_ALG_INTERNAL,
				CRYPTO_ALG_INTERNAL);
	ctr = crypto_alloc_skcipher("__ctr(aes)", CRYPTO_ALG_INTERNAL,
				    CRYPTO_ALG_INTERNAL | CRYPTO_ALG_ASYNC);
	if (IS_ERR(gh) || IS_ERR(ctr))
		goto out;
	d = kzalloc(sizeof(*d) + crypto_shash_descsize(gh), GFP_KERNEL);
	r = skcipher_request_alloc(ctr, GFP_KERNEL);
	if (!d || !r || crypto_shash_setkey(gh, key, 16) ||
	    crypto_skcipher_setkey(ctr, key, 16))
		goto out;
	d->tfm = gh;
	xb_start();
	for (i = 0; i < x->n; i++) {
		crypto_shash_init(d);
		crypto_shash_update(d, x->buf + 1024, 16);
		crypto_shash_update(d, x->buf + XB_HDR, XB_PAY);
		crypto_shash_finup(d, x->buf + 1040, 16, x->out);
	}
	xb_stop(x, "GHASH 16+160+16 (__ghash, 3 calls)", base);
	xb_start();
	for (i = 0; i < x->n; i++) {
		crypto_shash_init(d);
		crypto_shash_finup(d, x->buf + 1024, 16 + XB_PAY + 16, x->out);
	}
	xb_stop(x, "GHASH 192 (__ghash, 1 call)", base);
	sg_init_table(sg, 2);
	sg_set_buf(&sg[0], x->buf + 1024, 16);
	sg_set_buf(&sg[1], x->buf + XB_HDR, XB_PAY);
	xb_start();
	for (i = 0; i < x->n; i++) {
		skcipher_request_set_callback(r, 0, NULL, NULL);
		skcipher_request_set_crypt(r, sg, sg, 16 + XB_PAY, iv);
		crypto_skcipher_encrypt(r);
	}
	xb_stop(x, "__ctr(aes) 16+160, 2 entries", base);
out:
	skcipher_request_free(r);
	kfree_sensitive(d);
	if (!IS_ERR(ctr))
		crypto_free_skcipher(ctr);
	if (!IS_ERR(gh))
		crypto_free_shash(gh);
}

static void xb_fpu(struct xb *x, u64 base)
{
	unsigned int i;
	int u = 0;

	xb_start();
	for (i = 0; i < x->n; i++) {
		kernel_fpu_begin();
		kernel_fpu_end();
	}
	xb_stop(x, "kernel_fpu_begin+end", base);
	xb_start();
	for (i = 0; i < x->n; i++)
		u += crypto_simd_usable();
	xb_stop(x, "crypto_simd_usable", base);
	xb_start();
	for (i = 0; i < x->n; i++)
		memcpy(x->buf + 512, x->buf, 96);
	xb_stop(x, "memcpy 96", base);
	xb_start();
	for (i = 0; i < x->n; i++)
		memzero_explicit(x->buf + 512, 96);
	xb_stop(x, "memzero_explicit 96", base);
}

static void ksrtp_xbench(unsigned int n)
{
	struct xb *x;
	u64 base;

	x = kzalloc(sizeof(*x), GFP_KERNEL);
	if (!x)
		return;
	x->n = clamp(n, 1U, (unsigned int)XB_MAX);
	x->pkts = vzalloc(array_size(x->n, XB_SLOT));
	if (!x->pkts)
		goto out;
	base = xb_empty(x);
	pr_info("xbench: %u calls per line; empty loop %llu ns/iteration\n",
		x->n, base);
	xb_profile(x, KSRTP_AES_CM_128_HMAC_SHA1_80, "AES_CM_128_HMAC_SHA1_80",
		   base, &ksrtp_kcrypto_ops);
	xb_profile(x, KSRTP_AES_CM_128_HMAC_SHA1_32, "AES_CM_128_HMAC_SHA1_32",
		   base, &ksrtp_kcrypto_ops);
	xb_profile(x, KSRTP_AEAD_AES_128_GCM, "AEAD_AES_128_GCM", base,
		   &ksrtp_kcrypto_ops);
	xb_profile(x, KSRTP_AEAD_AES_256_GCM, "AEAD_AES_256_GCM", base,
		   &ksrtp_kcrypto_ops);
	xb_profile(x, KSRTP_AES_CM_128_HMAC_SHA1_80, "AES_CM_128_HMAC_SHA1_80",
		   base, &xb_null_ops);
	xb_profile(x, KSRTP_AEAD_AES_128_GCM, "AEAD_AES_128_GCM", base,
		   &xb_null_ops);
	xb_ops(x, base);
	xb_shash(x, "hmac(sha1)", 0, 20, base);
	xb_shash(x, "sha1", 0, 0, base);
	xb_shash(x, "sha1-generic", 0, 0, base);
	xb_shash(x, "__ghash", CRYPTO_ALG_INTERNAL, 16, base);
	xb_shash(x, "ghash-generic", 0, 16, base);
	xb_skcipher(x, "__ctr(aes)", CRYPTO_ALG_INTERNAL, base);
	xb_skcipher(x, "__ecb(aes)", CRYPTO_ALG_INTERNAL, base);
	xb_skcipher(x, "ctr(aes)", 0, base);
	xb_aead(x, "__gcm(aes)", CRYPTO_ALG_INTERNAL, base);
	xb_gcm_parts(x, base);
	xb_fpu(x, base);
	pr_info("xbench: done\n");
out:
	vfree(x->pkts);
	kfree(x);
}

static int ksrtp_xbench_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n;
	int ret = kstrtouint(val, 0, &n);

	if (ret)
		return ret;
	if (n)
		ksrtp_xbench(n);
	return 0;
}

static const struct kernel_param_ops ksrtp_xbench_ops = {
	.set = ksrtp_xbench_set,
};
module_param_cb(bench_crypto, &ksrtp_xbench_ops, NULL, 0200);
MODULE_PARM_DESC(bench_crypto, "Test only: time the SRTP transform's steps over this many calls each (kernel log)");
