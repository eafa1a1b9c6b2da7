// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel crypto API backend of the portable SRTP core
 * (kernel/srtp/srtp_crypto.h has the contract).
 *
 * Every transform is allocated once per session key, when keys are
 * installed (process context).  Per packet nothing is allocated: the
 * requests (skcipher, AEAD), the HMAC descriptor and the scatterlists are
 * allocated with the key and reused (the tables are initialised once, a
 * packet only points their entries at its bytes); the caller serialises
 * every use of one key (the per-key spinlock in key.c).  Not on the stack:
 * Debian builds with CONFIG_INIT_STACK_ALL_ZERO, which would clear the
 * SYNC_SKCIPHER_REQUEST_ON_STACK and SHASH_DESC_ON_STACK areas (~840 bytes)
 * on every call, and they were wiped again after use (measured together:
 * ~340 instructions per packet).  What the HMAC
 * descriptor holds between packets (hash states derived from the key) is
 * what the tfm holds anyway, and is wiped with it.
 *
 * Synchronous implementations only: the packet path runs in softirq or with
 * BH disabled and cannot wait for an async completion.  On Debian's 6.1
 * kernels the registered "gcm(aes)" and "ctr(aes)" with AES-NI are async
 * simd wrappers (cryptd when the FPU is not usable), so each key holds two
 * transforms:
 *
 *   fast: the wrapper's inner, synchronous implementation, requested by its
 *         name ("__gcm(aes)", "__ctr(aes)") with CRYPTO_ALG_INTERNAL in type
 *         and mask, as crypto/simd.c itself does.  It uses the FPU, so it is
 *         called only when crypto_simd_usable() says so -- in softirq that is
 *         always, unless the softirq interrupted a kernel FPU section.
 *   safe: "gcm(aes)" / "ctr(aes)" with CRYPTO_ALG_ASYNC in the mask: the
 *         crypto manager builds the generic templates over the synchronous
 *         single-block AES-NI cipher ("gcm_base(ctr(aes-aesni),ghash-generic)",
 *         "ctr(aes-aesni)"), which fall back to C by themselves when the FPU
 *         is not usable.  Used when fast is not (no AES-NI module, or no FPU
 *         at that moment).
 *
 * Both compute the same bytes; the fast one costs a fraction of the other
 * (whole-packet AES-NI + PCLMULQDQ in one FPU section instead of one FPU
 * section per AES block and a table-driven GHASH): see
 * Documentation/benchmarks.md.  HMAC-SHA1 is an shash, always synchronous.
 *
 * The AES-NI GCM glue linearises associated data that is not in the first
 * scatterlist entry with kmalloc(); SRTCP's two AAD segments are therefore
 * joined in a per-key buffer first, so no packet allocates.  SRTP's AAD,
 * the header, lies right before the payload: one entry then covers the
 * whole packet, and the cipher's walk has no entry boundary to cross.
 *
 * Paged packets (the _v operations) are described by a per-key
 * scatterlist of KSRTP_VSG_MAX entries, initialised once with the key; a
 * packet points entries at its pieces and marks, then unmarks, the end.
 * Their AAD is joined in the same per-key buffer when it fits.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/aead.h>
#include <crypto/hash.h>
#include <asm/simd.h>
#include <crypto/internal/simd.h>
#include <crypto/skcipher.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include "crypto.h"

/*
 * Associated data joined in the first scatterlist entry: SRTCP's 8-byte
 * header and 4-byte E||index, or a segmented packet's RTP header (fixed,
 * CSRCs, a short extension).  Longer AAD of a segmented packet goes to the
 * generic implementation as it lies.
 */
#define KSRTP_AAD_JOIN_MAX 128

/* A segmented packet's scatterlist: AAD ranges, then data and tag. */
#define KSRTP_VSG_MAX (2 * KSRTP_MAX_IOV + 2)

struct ksrtp_kkey {
	enum ksrtp_alg alg;
	union {
		struct crypto_sync_skcipher *ctr;
		struct crypto_shash *hmac;
		struct crypto_aead *gcm;
	};
	union {				/* the FPU implementation, or NULL */
		struct crypto_skcipher *fast_ctr;
		struct crypto_aead *fast_gcm;
	};
	union {
		struct aead_request *req;	/* GCM: for gcm */
		struct skcipher_request *ctr_req;	/* CTR: for ctr */
		struct shash_desc *desc;	/* HMAC */
	};
	union {
		struct aead_request *fast_req;	/* GCM: for fast_gcm */
		struct skcipher_request *fast_ctr_req;	/* CTR: for fast_ctr */
	};
	struct scatterlist sg[3];	/* GCM: aad0, aad1, data + tag; CTR: data */
	struct scatterlist sg2[2];	/* GCM: aad, data + tag */
	struct scatterlist sg1[1];	/* GCM: aad + data + tag, contiguous */
	u8 aad[KSRTP_AAD_JOIN_MAX];	/* GCM: AAD segments joined */
	struct scatterlist *vsg;	/* CTR, GCM: [KSRTP_VSG_MAX], _v ops */
};

/*
 * The FPU implementations are looked up by name once per key; where the
 * first lookup fails (no AES-NI) it is not tried again for every call.
 */
static bool ksrtp_no_fast_ctr, ksrtp_no_fast_gcm;

/* Off only while the load-time self-test checks the fallbacks. */
static bool ksrtp_use_fpu = true;

void ksrtp_crypto_use_fpu(bool on)
{
	WRITE_ONCE(ksrtp_use_fpu, on);
}

static bool ksrtp_fpu_ok(const void *fast)
{
	return fast && READ_ONCE(ksrtp_use_fpu) && crypto_simd_usable();
}

static struct crypto_skcipher *ksrtp_fast_ctr(const u8 *key, unsigned int len)
{
	struct crypto_skcipher *t;

	if (READ_ONCE(ksrtp_no_fast_ctr))
		return NULL;
	t = crypto_alloc_skcipher("__ctr(aes)", CRYPTO_ALG_INTERNAL,
				  CRYPTO_ALG_INTERNAL | CRYPTO_ALG_ASYNC);
	if (IS_ERR(t)) {
		if (PTR_ERR(t) == -ENOENT)
			WRITE_ONCE(ksrtp_no_fast_ctr, true);
		return NULL;
	}
	if (crypto_skcipher_setkey(t, key, len)) {
		crypto_free_skcipher(t);
		return NULL;
	}
	pr_info_once("AES-CTR by %s when the FPU is usable\n",
		     crypto_tfm_alg_driver_name(crypto_skcipher_tfm(t)));
	return t;
}

static struct crypto_aead *ksrtp_fast_gcm(const u8 *key, unsigned int len)
{
	struct crypto_aead *t;

	if (READ_ONCE(ksrtp_no_fast_gcm))
		return NULL;
	t = crypto_alloc_aead("__gcm(aes)", CRYPTO_ALG_INTERNAL,
			      CRYPTO_ALG_INTERNAL | CRYPTO_ALG_ASYNC);
	if (IS_ERR(t)) {
		if (PTR_ERR(t) == -ENOENT)
			WRITE_ONCE(ksrtp_no_fast_gcm, true);
		return NULL;
	}
	if (crypto_aead_setkey(t, key, len) ||
	    crypto_aead_setauthsize(t, KSRTP_GCM_TAG_LEN)) {
		crypto_free_aead(t);
		return NULL;
	}
	pr_info_once("AES-GCM by %s when the FPU is usable\n",
		     crypto_tfm_alg_driver_name(crypto_aead_tfm(t)));
	return t;
}

static void ksrtp_kkey_free(void *handle)
{
	struct ksrtp_kkey *k = handle;

	if (!k)
		return;
	switch (k->alg) {
	case KSRTP_ALG_AES_CTR:
		skcipher_request_free(k->fast_ctr_req);
		crypto_free_skcipher(k->fast_ctr);
		skcipher_request_free(k->ctr_req);
		crypto_free_sync_skcipher(k->ctr);
		break;
	case KSRTP_ALG_HMAC_SHA1:
		kfree_sensitive(k->desc);
		crypto_free_shash(k->hmac);
		break;
	case KSRTP_ALG_AES_GCM:
		aead_request_free(k->fast_req);
		crypto_free_aead(k->fast_gcm);
		aead_request_free(k->req);
		crypto_free_aead(k->gcm);
		break;
	}
	kfree(k->vsg);
	kfree_sensitive(k);
}

static void *ksrtp_kkey_new(enum ksrtp_alg alg, const u8 *key,
			    unsigned int key_len)
{
	struct ksrtp_kkey *k;
	int ret;

	k = kzalloc(sizeof(*k), GFP_KERNEL_ACCOUNT);
	if (!k)
		return NULL;
	k->alg = alg;
	sg_init_table(k->sg, 1);	/* CTR */
	sg_init_table(k->sg2, 2);	/* GCM with one AAD segment */
	sg_init_table(k->sg1, 1);	/* GCM, AAD just before the data */
	/*
	 * A failed allocation leaves an ERR_PTR in the union; the crypto_free_*
	 * helpers ignore ERR_PTR and NULL alike, so one unwind serves all.
	 */
	switch (alg) {
	case KSRTP_ALG_AES_CTR:
		k->ctr = crypto_alloc_sync_skcipher("ctr(aes)", 0, 0);
		ret = PTR_ERR_OR_ZERO(k->ctr);
		if (!ret)
			ret = crypto_sync_skcipher_setkey(k->ctr, key, key_len);
		if (!ret) {
			k->ctr_req = skcipher_request_alloc(&k->ctr->base,
							    GFP_KERNEL_ACCOUNT);
			ret = k->ctr_req ? 0 : -ENOMEM;
		}
		if (!ret)
			k->fast_ctr = ksrtp_fast_ctr(key, key_len);
		if (k->fast_ctr) {
			k->fast_ctr_req = skcipher_request_alloc(k->fast_ctr,
								 GFP_KERNEL_ACCOUNT);
			if (!k->fast_ctr_req) {
				crypto_free_skcipher(k->fast_ctr);
				k->fast_ctr = NULL;
			}
		}
		break;
	case KSRTP_ALG_HMAC_SHA1:
		k->hmac = crypto_alloc_shash("hmac(sha1)", 0, 0);
		ret = PTR_ERR_OR_ZERO(k->hmac);
		if (!ret)
			ret = crypto_shash_setkey(k->hmac, key, key_len);
		if (!ret) {
			k->desc = kzalloc(sizeof(*k->desc) +
					  crypto_shash_descsize(k->hmac),
					  GFP_KERNEL_ACCOUNT);
			ret = k->desc ? 0 : -ENOMEM;
		}
		if (!ret)
			k->desc->tfm = k->hmac;
		break;
	case KSRTP_ALG_AES_GCM:
		k->gcm = crypto_alloc_aead("gcm(aes)", 0, CRYPTO_ALG_ASYNC);
		ret = PTR_ERR_OR_ZERO(k->gcm);
		if (!ret)
			ret = crypto_aead_setkey(k->gcm, key, key_len);
		if (!ret)
			ret = crypto_aead_setauthsize(k->gcm, KSRTP_GCM_TAG_LEN);
		if (!ret) {
			k->req = aead_request_alloc(k->gcm, GFP_KERNEL_ACCOUNT);
			ret = k->req ? 0 : -ENOMEM;
		}
		if (!ret)
			k->fast_gcm = ksrtp_fast_gcm(key, key_len);
		if (k->fast_gcm) {
			k->fast_req = aead_request_alloc(k->fast_gcm, GFP_KERNEL_ACCOUNT);
			if (!k->fast_req) {
				crypto_free_aead(k->fast_gcm);
				k->fast_gcm = NULL;
			}
		}
		break;
	default:
		ret = -EINVAL;
	}
	if (!ret && alg != KSRTP_ALG_HMAC_SHA1) {
		k->vsg = kcalloc(KSRTP_VSG_MAX, sizeof(*k->vsg),
				 GFP_KERNEL_ACCOUNT);
		ret = k->vsg ? 0 : -ENOMEM;
		if (!ret)
			sg_init_table(k->vsg, KSRTP_VSG_MAX);
	}
	if (ret) {
		ksrtp_kkey_free(k);
		return NULL;
	}
	return k;
}

static int ksrtp_kctr_xor(void *handle, const u8 iv[KSRTP_CTR_IV_LEN],
			  u8 *buf, unsigned int len)
{
	struct ksrtp_kkey *k = handle;
	struct skcipher_request *req = k->ctr_req;
	u8 ivc[KSRTP_CTR_IV_LEN];

	if (!len)
		return 0;
	/* The cipher advances the IV it is given: hand it a copy. */
	memcpy(ivc, iv, sizeof(ivc));
	sg_set_buf(&k->sg[0], buf, len);
	if (ksrtp_fpu_ok(k->fast_ctr))
		req = k->fast_ctr_req;
	skcipher_request_set_callback(req, 0, NULL, NULL);
	skcipher_request_set_crypt(req, k->sg, k->sg, len, ivc);
	return crypto_skcipher_encrypt(req);
}

static int ksrtp_khmac_sha1(void *handle, const u8 *data, unsigned int len,
			    u8 mac[KSRTP_SHA1_LEN])
{
	struct ksrtp_kkey *k = handle;

	/* One call: hmac's finup runs the inner hash in one FPU section. */
	return crypto_shash_digest(k->desc, data, len, mac);
}

/* One scatterlist [aad..., data+tag] used as both source and destination. */
static int ksrtp_kgcm(void *handle, const u8 iv[KSRTP_GCM_IV_LEN],
		      const struct ksrtp_seg *aad, unsigned int naad,
		      u8 *buf, unsigned int len, bool enc)
{
	struct ksrtp_kkey *k = handle;
	struct aead_request *req = k->req;
	unsigned int i, nsg = naad, assoclen = 0;
	struct scatterlist *sg = k->sg2;
	u8 ivc[KSRTP_GCM_IV_LEN];

	if (!naad || naad > 2)
		return -EINVAL;
	for (i = 0; i < naad; i++)
		assoclen += aad[i].len;
	if (ksrtp_fpu_ok(k->fast_gcm) &&
	    (naad < 2 || assoclen <= sizeof(k->aad))) {
		req = k->fast_req;
		if (naad == 2) {
			memcpy(k->aad, aad[0].p, aad[0].len);
			memcpy(k->aad + aad[0].len, aad[1].p, aad[1].len);
			nsg = 1;
		}
	}
	if (naad == 1 && aad[0].p + aad[0].len == buf) {
		/*
		 * SRTP: the header is the AAD and lies right before the
		 * payload, so one entry describes the whole packet and the
		 * cipher's walk has no entry boundary to cross.
		 */
		sg = k->sg1;
		sg_set_buf(sg, aad[0].p, assoclen + len + KSRTP_GCM_TAG_LEN);
		goto crypt;
	}
	if (nsg == 2) {
		sg = k->sg;
		sg_init_table(sg, 3);
	}
	if (nsg < naad)
		sg_set_buf(&sg[0], k->aad, assoclen);
	else
		for (i = 0; i < naad; i++)
			sg_set_buf(&sg[i], aad[i].p, aad[i].len);
	sg_set_buf(&sg[nsg], buf, len + KSRTP_GCM_TAG_LEN);
crypt:
	memcpy(ivc, iv, sizeof(ivc));

	aead_request_set_callback(req, 0, NULL, NULL);
	aead_request_set_ad(req, assoclen);
	if (enc) {
		aead_request_set_crypt(req, sg, sg, len, ivc);
		return crypto_aead_encrypt(req);
	}
	aead_request_set_crypt(req, sg, sg, len + KSRTP_GCM_TAG_LEN, ivc);
	return crypto_aead_decrypt(req);
}

static int ksrtp_kgcm_encrypt(void *handle, const u8 iv[KSRTP_GCM_IV_LEN],
			      const struct ksrtp_seg *aad, unsigned int naad,
			      u8 *buf, unsigned int len)
{
	return ksrtp_kgcm(handle, iv, aad, naad, buf, len, true);
}

static int ksrtp_kgcm_decrypt(void *handle, const u8 iv[KSRTP_GCM_IV_LEN],
			      const struct ksrtp_seg *aad, unsigned int naad,
			      u8 *buf, unsigned int len)
{
	return ksrtp_kgcm(handle, iv, aad, naad, buf, len, false);
}

/* ---- segmented packets (a paged skb's head and fragments) -------------- */

/*
 * Point entries of @sg (at most @max) at [off, off + len) of the segments;
 * returns how many, or a negative error.  The segments are an skb's head
 * and page fragments, in the linear map (srtp_crypto.h).
 */
static int ksrtp_sg_fill(struct scatterlist *sg, unsigned int max,
			 const struct ksrtp_iov *v, unsigned int nv,
			 unsigned int off, unsigned int len)
{
	unsigned int i, c, n = 0;

	for (i = 0; i < nv && len; i++) {
		if (off >= v[i].len) {
			off -= v[i].len;
			continue;
		}
		c = min(v[i].len - off, len);
		if (n == max)
			return -EMSGSIZE;
		sg_set_buf(&sg[n++], v[i].p + off, c);
		len -= c;
		off = 0;
	}
	return len ? -EINVAL : n;
}

/* Copy [off, off + len) of the segments to @dst. */
static void ksrtp_iov_read(const struct ksrtp_iov *v, unsigned int nv,
			   unsigned int off, u8 *dst, unsigned int len)
{
	unsigned int i, c;

	for (i = 0; i < nv && len; i++) {
		if (off >= v[i].len) {
			off -= v[i].len;
			continue;
		}
		c = min(v[i].len - off, len);
		memcpy(dst, v[i].p + off, c);
		dst += c;
		len -= c;
		off = 0;
	}
}

/*
 * The entries of k->vsg stay initialised from key_new(); a packet marks
 * the end of what it filled and unmarks it after, so no packet clears the
 * table.
 */
static int ksrtp_kctr_xor_v(void *handle, const u8 iv[KSRTP_CTR_IV_LEN],
			    const struct ksrtp_iov *v, unsigned int nv,
			    unsigned int off, unsigned int len)
{
	struct ksrtp_kkey *k = handle;
	struct skcipher_request *req = k->ctr_req;
	u8 ivc[KSRTP_CTR_IV_LEN];
	int n, ret;

	if (!len)
		return 0;
	n = ksrtp_sg_fill(k->vsg, KSRTP_VSG_MAX, v, nv, off, len);
	if (n <= 0)
		return -EINVAL;
	sg_mark_end(&k->vsg[n - 1]);
	memcpy(ivc, iv, sizeof(ivc));
	if (ksrtp_fpu_ok(k->fast_ctr))
		req = k->fast_ctr_req;
	skcipher_request_set_callback(req, 0, NULL, NULL);
	skcipher_request_set_crypt(req, k->vsg, k->vsg, len, ivc);
	ret = crypto_skcipher_encrypt(req);
	sg_unmark_end(&k->vsg[n - 1]);
	return ret;
}

static int ksrtp_khmac_sha1_v(void *handle, const struct ksrtp_iov *v,
			      unsigned int nv, unsigned int len,
			      const u8 *tail, unsigned int tail_len,
			      u8 mac[KSRTP_SHA1_LEN])
{
	struct ksrtp_kkey *k = handle;
	unsigned int i, c;
	int ret;

	ret = crypto_shash_init(k->desc);
	for (i = 0; !ret && i < nv && len; i++) {
		c = min(v[i].len, len);
		ret = crypto_shash_update(k->desc, v[i].p, c);
		len -= c;
	}
	if (!ret && len)
		ret = -EINVAL;
	if (!ret && tail_len)
		ret = crypto_shash_update(k->desc, tail, tail_len);
	if (!ret)
		ret = crypto_shash_final(k->desc, mac);
	return ret;
}

/*
 * [aad..., data + tag] over the segments.  The AAD is joined in the key's
 * buffer when it fits (the AES-NI glue would otherwise linearise it with
 * kmalloc()); else the ranges go as they lie, to the generic template.
 */
static int ksrtp_kgcm_v(void *handle, const u8 iv[KSRTP_GCM_IV_LEN],
			const struct ksrtp_iov *v, unsigned int nv,
			const struct ksrtp_range *aad, unsigned int naad,
			unsigned int off, unsigned int len, bool enc)
{
	struct ksrtp_kkey *k = handle;
	struct aead_request *req = k->req;
	unsigned int i, assoclen = 0, pos = 0;
	struct scatterlist *sg = k->vsg;
	u8 ivc[KSRTP_GCM_IV_LEN];
	int n = 0, r, ret;

	for (i = 0; i < naad; i++)
		assoclen += aad[i].len;
	if (assoclen <= sizeof(k->aad)) {
		for (i = 0; i < naad; i++) {
			ksrtp_iov_read(v, nv, aad[i].off, k->aad + pos,
				       aad[i].len);
			pos += aad[i].len;
		}
		sg_set_buf(&sg[n++], k->aad, assoclen);
		if (ksrtp_fpu_ok(k->fast_gcm))
			req = k->fast_req;
	} else {
		for (i = 0; i < naad; i++) {
			r = ksrtp_sg_fill(sg + n, KSRTP_VSG_MAX - n, v, nv,
					  aad[i].off, aad[i].len);
			if (r < 0)
				return r;
			n += r;
		}
	}
	r = ksrtp_sg_fill(sg + n, KSRTP_VSG_MAX - n, v, nv, off,
			  len + KSRTP_GCM_TAG_LEN);
	if (r <= 0)
		return -EINVAL;
	n += r;
	sg_mark_end(&sg[n - 1]);
	memcpy(ivc, iv, sizeof(ivc));
	aead_request_set_callback(req, 0, NULL, NULL);
	aead_request_set_ad(req, assoclen);
	aead_request_set_crypt(req, sg, sg, enc ? len : len + KSRTP_GCM_TAG_LEN,
			       ivc);
	ret = enc ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req);
	sg_unmark_end(&sg[n - 1]);
	return ret;
}

static int ksrtp_kgcm_encrypt_v(void *handle, const u8 iv[KSRTP_GCM_IV_LEN],
				const struct ksrtp_iov *v, unsigned int nv,
				const struct ksrtp_range *aad,
				unsigned int naad, unsigned int off,
				unsigned int len)
{
	return ksrtp_kgcm_v(handle, iv, v, nv, aad, naad, off, len, true);
}

static int ksrtp_kgcm_decrypt_v(void *handle, const u8 iv[KSRTP_GCM_IV_LEN],
				const struct ksrtp_iov *v, unsigned int nv,
				const struct ksrtp_range *aad,
				unsigned int naad, unsigned int off,
				unsigned int len)
{
	return ksrtp_kgcm_v(handle, iv, v, nv, aad, naad, off, len, false);
}

const struct ksrtp_crypto_ops ksrtp_kcrypto_ops = {
	.ctr_xor_v = ksrtp_kctr_xor_v,
	.hmac_sha1_v = ksrtp_khmac_sha1_v,
	.gcm_encrypt_v = ksrtp_kgcm_encrypt_v,
	.gcm_decrypt_v = ksrtp_kgcm_decrypt_v,
	.key_new = ksrtp_kkey_new,
	.key_free = ksrtp_kkey_free,
	.ctr_xor = ksrtp_kctr_xor,
	.hmac_sha1 = ksrtp_khmac_sha1,
	.gcm_encrypt = ksrtp_kgcm_encrypt,
	.gcm_decrypt = ksrtp_kgcm_decrypt,
};
