// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * OpenSSL backend of the SRTP core's crypto ops (see kernel/srtp/srtp_crypto.h).
 *
 * Everything keyed is set up once per session key in key_new(); per packet
 * there is no allocation and no key schedule:
 *  - AES-CTR and AES-GCM keep an EVP_CIPHER_CTX keyed once, re-IV'd per
 *    packet (EVP_*Init_ex with only an IV);
 *  - HMAC-SHA1 precomputes the SHA-1 states after the inner and outer pads
 *    (RFC 2104 §4 "precomputations"), so a packet costs the data blocks
 *    plus two final blocks, through the low-level SHA-1 (SHA-NI capable)
 *    rather than the EVP_MAC provider dispatch.
 */
#define OPENSSL_SUPPRESS_DEPRECATED	/* SHA1_Init & co. are what we want */
#include <stdlib.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "srtp_openssl.h"

struct ossl_key {
	enum ksrtp_alg alg;
	EVP_CIPHER_CTX *enc;
	EVP_CIPHER_CTX *dec;		/* GCM only */
	SHA_CTX inner, outer;		/* HMAC only */
};

static void ossl_key_free(void *p)
{
	struct ossl_key *k = p;

	if (!k)
		return;
	EVP_CIPHER_CTX_free(k->enc);
	EVP_CIPHER_CTX_free(k->dec);
	OPENSSL_cleanse(k, sizeof(*k));
	free(k);
}

static EVP_CIPHER_CTX *evp_new(const EVP_CIPHER *c, const u8 *key, int enc)
{
	EVP_CIPHER_CTX *e = EVP_CIPHER_CTX_new();

	if (e && EVP_CipherInit_ex(e, c, NULL, key, NULL, enc) == 1)
		return e;
	EVP_CIPHER_CTX_free(e);
	return NULL;
}

static void *ossl_key_new(enum ksrtp_alg alg, const u8 *key,
			  unsigned int key_len)
{
	struct ossl_key *k = calloc(1, sizeof(*k));
	u8 pad[SHA_CBLOCK];
	unsigned int i;

	if (!k)
		return NULL;
	k->alg = alg;
	switch (alg) {
	case KSRTP_ALG_AES_CTR:
		if (key_len != 16 && key_len != 32)
			goto fail;
		k->enc = evp_new(key_len == 16 ? EVP_aes_128_ctr() :
				 EVP_aes_256_ctr(), key, 1);
		if (!k->enc)
			goto fail;
		break;
	case KSRTP_ALG_AES_GCM:
		if (key_len != 16 && key_len != 32)
			goto fail;
		k->enc = evp_new(key_len == 16 ? EVP_aes_128_gcm() :
				 EVP_aes_256_gcm(), key, 1);
		k->dec = evp_new(key_len == 16 ? EVP_aes_128_gcm() :
				 EVP_aes_256_gcm(), key, 0);
		if (!k->enc || !k->dec)
			goto fail;
		break;
	case KSRTP_ALG_HMAC_SHA1:
		if (key_len > SHA_CBLOCK)
			goto fail;
		/* RFC 2104 §2: H(K ^ opad, H(K ^ ipad, text)). */
		memset(pad, 0x36, sizeof(pad));
		for (i = 0; i < key_len; i++)
			pad[i] ^= key[i];
		SHA1_Init(&k->inner);
		SHA1_Update(&k->inner, pad, sizeof(pad));
		memset(pad, 0x5c, sizeof(pad));
		for (i = 0; i < key_len; i++)
			pad[i] ^= key[i];
		SHA1_Init(&k->outer);
		SHA1_Update(&k->outer, pad, sizeof(pad));
		OPENSSL_cleanse(pad, sizeof(pad));
		break;
	default:
		goto fail;
	}
	return k;
fail:
	ossl_key_free(k);
	return NULL;
}

static int ossl_ctr_xor(void *p, const u8 iv[KSRTP_CTR_IV_LEN], u8 *buf,
			unsigned int len)
{
	struct ossl_key *k = p;
	int outl;

	if (EVP_EncryptInit_ex(k->enc, NULL, NULL, NULL, iv) != 1)
		return -1;
	if (len && EVP_EncryptUpdate(k->enc, buf, &outl, buf, (int)len) != 1)
		return -1;
	return 0;
}

static int ossl_hmac_sha1(void *p, const u8 *data, unsigned int len,
			  u8 mac[KSRTP_SHA1_LEN])
{
	struct ossl_key *k = p;
	u8 inner[SHA_DIGEST_LENGTH];
	SHA_CTX c;

	c = k->inner;
	SHA1_Update(&c, data, len);
	SHA1_Final(inner, &c);
	c = k->outer;
	SHA1_Update(&c, inner, sizeof(inner));
	SHA1_Final(mac, &c);
	OPENSSL_cleanse(&c, sizeof(c));
	return 0;
}

static int gcm_aad(EVP_CIPHER_CTX *e, const struct ksrtp_seg *aad,
		   unsigned int naad)
{
	unsigned int i;
	int outl;

	for (i = 0; i < naad; i++)
		if (aad[i].len &&
		    EVP_CipherUpdate(e, NULL, &outl, aad[i].p,
				     (int)aad[i].len) != 1)
			return -1;
	return 0;
}

static int ossl_gcm_encrypt(void *p, const u8 iv[KSRTP_GCM_IV_LEN],
			    const struct ksrtp_seg *aad, unsigned int naad,
			    u8 *buf, unsigned int len)
{
	struct ossl_key *k = p;
	int outl;

	if (EVP_EncryptInit_ex(k->enc, NULL, NULL, NULL, iv) != 1 ||
	    gcm_aad(k->enc, aad, naad))
		return -1;
	if (len && EVP_EncryptUpdate(k->enc, buf, &outl, buf, (int)len) != 1)
		return -1;
	if (EVP_EncryptFinal_ex(k->enc, buf + len, &outl) != 1 ||
	    EVP_CIPHER_CTX_ctrl(k->enc, EVP_CTRL_GCM_GET_TAG,
				KSRTP_GCM_TAG_LEN, buf + len) != 1)
		return -1;
	return 0;
}

static int ossl_gcm_decrypt(void *p, const u8 iv[KSRTP_GCM_IV_LEN],
			    const struct ksrtp_seg *aad, unsigned int naad,
			    u8 *buf, unsigned int len)
{
	struct ossl_key *k = p;
	int outl;

	if (EVP_DecryptInit_ex(k->dec, NULL, NULL, NULL, iv) != 1 ||
	    gcm_aad(k->dec, aad, naad))
		return -1;
	if (len && EVP_DecryptUpdate(k->dec, buf, &outl, buf, (int)len) != 1)
		return -1;
	if (EVP_CIPHER_CTX_ctrl(k->dec, EVP_CTRL_GCM_SET_TAG,
				KSRTP_GCM_TAG_LEN, buf + len) != 1)
		return -1;
	/* Constant-time tag check inside OpenSSL. */
	if (EVP_DecryptFinal_ex(k->dec, buf + len, &outl) != 1)
		return -1;
	return 0;
}

/* ---- segmented packets: the same, range by range ---------------------- */

typedef int (*seg_fn)(void *arg, u8 *p, unsigned int len);

/* Call @fn on each piece of [off, off + len) of the segments, in order. */
static int seg_walk(const struct ksrtp_iov *v, unsigned int nv,
		    unsigned int off, unsigned int len, seg_fn fn, void *arg)
{
	unsigned int i, c;

	for (i = 0; i < nv && len; i++) {
		if (off >= v[i].len) {
			off -= v[i].len;
			continue;
		}
		c = v[i].len - off < len ? v[i].len - off : len;
		if (fn(arg, v[i].p + off, c))
			return -1;
		len -= c;
		off = 0;
	}
	return len ? -1 : 0;
}

/* EVP_CipherUpdate in place (CTR and GCM keep partial blocks across calls). */
static int seg_crypt(void *arg, u8 *p, unsigned int len)
{
	int outl;

	return EVP_CipherUpdate(arg, p, &outl, p, (int)len) == 1 ? 0 : -1;
}

static int seg_aad(void *arg, u8 *p, unsigned int len)
{
	int outl;

	return EVP_CipherUpdate(arg, NULL, &outl, p, (int)len) == 1 ? 0 : -1;
}

static int seg_sha1(void *arg, u8 *p, unsigned int len)
{
	return SHA1_Update(arg, p, len) == 1 ? 0 : -1;
}

struct seg_copy {
	u8 *to;		/* out of the packet, or NULL */
	const u8 *from;	/* into the packet */
};

static int seg_copy(void *arg, u8 *p, unsigned int len)
{
	struct seg_copy *c = arg;

	if (c->to) {
		memcpy(c->to, p, len);
		c->to += len;
	} else {
		memcpy(p, c->from, len);
		c->from += len;
	}
	return 0;
}

static int ossl_ctr_xor_v(void *p, const u8 iv[KSRTP_CTR_IV_LEN],
			  const struct ksrtp_iov *v, unsigned int nv,
			  unsigned int off, unsigned int len)
{
	struct ossl_key *k = p;

	if (EVP_EncryptInit_ex(k->enc, NULL, NULL, NULL, iv) != 1)
		return -1;
	return seg_walk(v, nv, off, len, seg_crypt, k->enc);
}

static int ossl_hmac_sha1_v(void *p, const struct ksrtp_iov *v,
			    unsigned int nv, unsigned int len, const u8 *tail,
			    unsigned int tail_len, u8 mac[KSRTP_SHA1_LEN])
{
	struct ossl_key *k = p;
	u8 inner[SHA_DIGEST_LENGTH];
	SHA_CTX c;
	int ret;

	c = k->inner;
	ret = seg_walk(v, nv, 0, len, seg_sha1, &c);
	if (tail_len)
		SHA1_Update(&c, tail, tail_len);
	SHA1_Final(inner, &c);
	c = k->outer;
	SHA1_Update(&c, inner, sizeof(inner));
	SHA1_Final(mac, &c);
	OPENSSL_cleanse(&c, sizeof(c));
	return ret;
}

static int ossl_gcm_v(void *p, const u8 iv[KSRTP_GCM_IV_LEN],
		      const struct ksrtp_iov *v, unsigned int nv,
		      const struct ksrtp_range *aad, unsigned int naad,
		      unsigned int off, unsigned int len, int enc)
{
	struct ossl_key *k = p;
	EVP_CIPHER_CTX *e = enc ? k->enc : k->dec;
	u8 tag[KSRTP_GCM_TAG_LEN];
	struct seg_copy c = { 0 };
	unsigned int i;
	int outl;

	if (EVP_CipherInit_ex(e, NULL, NULL, NULL, iv, enc) != 1)
		return -1;
	for (i = 0; i < naad; i++)
		if (seg_walk(v, nv, aad[i].off, aad[i].len, seg_aad, e))
			return -1;
	if (seg_walk(v, nv, off, len, seg_crypt, e))
		return -1;
	if (enc) {
		if (EVP_CipherFinal_ex(e, tag, &outl) != 1 ||
		    EVP_CIPHER_CTX_ctrl(e, EVP_CTRL_GCM_GET_TAG,
					KSRTP_GCM_TAG_LEN, tag) != 1)
			return -1;
		c.from = tag;
		return seg_walk(v, nv, off + len, sizeof(tag), seg_copy, &c);
	}
	c.to = tag;
	if (seg_walk(v, nv, off + len, sizeof(tag), seg_copy, &c) ||
	    EVP_CIPHER_CTX_ctrl(e, EVP_CTRL_GCM_SET_TAG, KSRTP_GCM_TAG_LEN,
				tag) != 1)
		return -1;
	/* Constant-time tag check inside OpenSSL. */
	return EVP_CipherFinal_ex(e, tag, &outl) == 1 ? 0 : -1;
}

static int ossl_gcm_encrypt_v(void *p, const u8 iv[KSRTP_GCM_IV_LEN],
			      const struct ksrtp_iov *v, unsigned int nv,
			      const struct ksrtp_range *aad, unsigned int naad,
			      unsigned int off, unsigned int len)
{
	return ossl_gcm_v(p, iv, v, nv, aad, naad, off, len, 1);
}

static int ossl_gcm_decrypt_v(void *p, const u8 iv[KSRTP_GCM_IV_LEN],
			      const struct ksrtp_iov *v, unsigned int nv,
			      const struct ksrtp_range *aad, unsigned int naad,
			      unsigned int off, unsigned int len)
{
	return ossl_gcm_v(p, iv, v, nv, aad, naad, off, len, 0);
}

const struct ksrtp_crypto_ops ksrtp_openssl_ops = {
	.ctr_xor_v = ossl_ctr_xor_v,
	.hmac_sha1_v = ossl_hmac_sha1_v,
	.gcm_encrypt_v = ossl_gcm_encrypt_v,
	.gcm_decrypt_v = ossl_gcm_decrypt_v,
	.key_new = ossl_key_new,
	.key_free = ossl_key_free,
	.ctr_xor = ossl_ctr_xor,
	.hmac_sha1 = ossl_hmac_sha1,
	.gcm_encrypt = ossl_gcm_encrypt,
	.gcm_decrypt = ossl_gcm_decrypt,
};
