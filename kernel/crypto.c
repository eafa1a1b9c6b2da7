// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel crypto API backend of the portable SRTP core
 * (kernel/srtp/srtp_crypto.h has the contract).
 *
 * Every transform is allocated once per session key, when keys are
 * installed (process context).  Per packet nothing is allocated: the
 * skcipher request lives on the stack (SYNC_SKCIPHER_REQUEST_ON_STACK), the
 * shash descriptor too (SHASH_DESC_ON_STACK), and the AEAD request and its
 * scatterlist are allocated with the key and reused; the caller serialises
 * every use of one key (the per-key spinlock in key.c).
 *
 * Synchronous implementations only: the packet path runs in softirq or with
 * BH disabled and cannot wait for an async completion.  Every transform is
 * therefore requested with CRYPTO_ALG_ASYNC in the mask.  On Debian's 6.1
 * kernels the only registered "gcm(aes)" is the async generic-gcm-aesni
 * (a cryptd/simd wrapper), so this mask makes the crypto manager instantiate
 * the generic gcm template over the synchronous AES-NI block cipher
 * ("gcm_base(ctr(aes-aesni),ghash-generic)"), autoloading the gcm and ghash
 * modules through /sbin/modprobe.  Likewise "ctr(aes)" resolves to
 * ctr(aes-aesni).  This trades some GCM speed for never sleeping or
 * deferring on the packet path; see Documentation/design.md.
 */
#include <crypto/aead.h>
#include <crypto/hash.h>
#include <crypto/skcipher.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include "crypto.h"

struct ksrtp_kkey {
	enum ksrtp_alg alg;
	union {
		struct crypto_sync_skcipher *ctr;
		struct crypto_shash *hmac;
		struct crypto_aead *gcm;
	};
	struct aead_request *req;	/* GCM only */
	struct scatterlist sg[3];	/* GCM: aad0, aad1, data + tag */
};

static void ksrtp_kkey_free(void *handle)
{
	struct ksrtp_kkey *k = handle;

	if (!k)
		return;
	switch (k->alg) {
	case KSRTP_ALG_AES_CTR:
		crypto_free_sync_skcipher(k->ctr);
		break;
	case KSRTP_ALG_HMAC_SHA1:
		crypto_free_shash(k->hmac);
		break;
	case KSRTP_ALG_AES_GCM:
		aead_request_free(k->req);
		crypto_free_aead(k->gcm);
		break;
	}
	kfree_sensitive(k);
}

static void *ksrtp_kkey_new(enum ksrtp_alg alg, const u8 *key,
			    unsigned int key_len)
{
	struct ksrtp_kkey *k;
	int ret;

	k = kzalloc(sizeof(*k), GFP_KERNEL);
	if (!k)
		return NULL;
	k->alg = alg;
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
		break;
	case KSRTP_ALG_HMAC_SHA1:
		k->hmac = crypto_alloc_shash("hmac(sha1)", 0, 0);
		ret = PTR_ERR_OR_ZERO(k->hmac);
		if (!ret)
			ret = crypto_shash_setkey(k->hmac, key, key_len);
		break;
	case KSRTP_ALG_AES_GCM:
		k->gcm = crypto_alloc_aead("gcm(aes)", 0, CRYPTO_ALG_ASYNC);
		ret = PTR_ERR_OR_ZERO(k->gcm);
		if (!ret)
			ret = crypto_aead_setkey(k->gcm, key, key_len);
		if (!ret)
			ret = crypto_aead_setauthsize(k->gcm, KSRTP_GCM_TAG_LEN);
		if (!ret) {
			k->req = aead_request_alloc(k->gcm, GFP_KERNEL);
			ret = k->req ? 0 : -ENOMEM;
		}
		break;
	default:
		ret = -EINVAL;
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
	u8 ivc[KSRTP_CTR_IV_LEN];
	struct scatterlist sg;
	int ret;

	SYNC_SKCIPHER_REQUEST_ON_STACK(req, k->ctr);

	if (!len)
		return 0;
	/* The cipher advances the IV it is given: hand it a copy. */
	memcpy(ivc, iv, sizeof(ivc));
	sg_init_one(&sg, buf, len);
	skcipher_request_set_sync_tfm(req, k->ctr);
	skcipher_request_set_callback(req, 0, NULL, NULL);
	skcipher_request_set_crypt(req, &sg, &sg, len, ivc);
	ret = crypto_skcipher_encrypt(req);
	skcipher_request_zero(req);
	return ret;
}

static int ksrtp_khmac_sha1(void *handle, const u8 *d1, unsigned int l1,
			    const u8 *d2, unsigned int l2,
			    u8 mac[KSRTP_SHA1_LEN])
{
	struct ksrtp_kkey *k = handle;
	SHASH_DESC_ON_STACK(desc, k->hmac);
	int ret;

	desc->tfm = k->hmac;
	ret = crypto_shash_init(desc);
	if (!ret)
		ret = crypto_shash_update(desc, d1, l1);
	if (!ret && l2)
		ret = crypto_shash_update(desc, d2, l2);
	if (!ret)
		ret = crypto_shash_final(desc, mac);
	shash_desc_zero(desc);
	return ret;
}

/* One scatterlist [aad..., data+tag] used as both source and destination. */
static int ksrtp_kgcm(void *handle, const u8 iv[KSRTP_GCM_IV_LEN],
		      const struct ksrtp_seg *aad, unsigned int naad,
		      u8 *buf, unsigned int len, bool enc)
{
	struct ksrtp_kkey *k = handle;
	unsigned int i, assoclen = 0;
	u8 ivc[KSRTP_GCM_IV_LEN];

	if (naad > 2)
		return -EINVAL;
	sg_init_table(k->sg, naad + 1);
	for (i = 0; i < naad; i++) {
		sg_set_buf(&k->sg[i], aad[i].p, aad[i].len);
		assoclen += aad[i].len;
	}
	sg_set_buf(&k->sg[naad], buf, len + KSRTP_GCM_TAG_LEN);
	memcpy(ivc, iv, sizeof(ivc));

	aead_request_set_callback(k->req, 0, NULL, NULL);
	aead_request_set_ad(k->req, assoclen);
	if (enc) {
		aead_request_set_crypt(k->req, k->sg, k->sg, len, ivc);
		return crypto_aead_encrypt(k->req);
	}
	aead_request_set_crypt(k->req, k->sg, k->sg, len + KSRTP_GCM_TAG_LEN,
			       ivc);
	return crypto_aead_decrypt(k->req);
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

const struct ksrtp_crypto_ops ksrtp_kcrypto_ops = {
	.key_new = ksrtp_kkey_new,
	.key_free = ksrtp_kkey_free,
	.ctr_xor = ksrtp_kctr_xor,
	.hmac_sha1 = ksrtp_khmac_sha1,
	.gcm_encrypt = ksrtp_kgcm_encrypt,
	.gcm_decrypt = ksrtp_kgcm_decrypt,
};
