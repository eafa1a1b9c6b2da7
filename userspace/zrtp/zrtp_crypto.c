// SPDX-License-Identifier: GPL-2.0
/*
 * ZRTP crypto primitives over OpenSSL 3.  See zrtp_crypto.h.
 */
#include <stdio.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/crypto.h>
#include "zrtp_crypto.h"

void zrtp_wipe(void *p, size_t n)
{
	if (p && n)
		OPENSSL_cleanse(p, n);
}

int zrtp_memeq(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

static const EVP_MD *md_of(uint32_t hash)
{
	switch (hash) {
	case ZRTP_S256: return EVP_sha256();
	case ZRTP_S384: return EVP_sha384();
	}
	return NULL;
}

bool zrtp_hash_supported(uint32_t hash)
{
	return md_of(hash) != NULL;
}

size_t zrtp_hash_len(uint32_t hash)
{
	return hash == ZRTP_S256 ? 32 : hash == ZRTP_S384 ? 48 : 0;
}

int zrtp_hash_v(uint32_t hash, uint8_t *out, const uint8_t *p1, size_t n1,
		const uint8_t *p2, size_t n2, const uint8_t *p3, size_t n3,
		const uint8_t *p4, size_t n4)
{
	const EVP_MD *md = md_of(hash);
	EVP_MD_CTX *c;
	int ok;

	if (!md || !(c = EVP_MD_CTX_new()))
		return -1;
	ok = EVP_DigestInit_ex(c, md, NULL) &&
	     (!p1 || EVP_DigestUpdate(c, p1, n1)) &&
	     (!p2 || EVP_DigestUpdate(c, p2, n2)) &&
	     (!p3 || EVP_DigestUpdate(c, p3, n3)) &&
	     (!p4 || EVP_DigestUpdate(c, p4, n4)) &&
	     EVP_DigestFinal_ex(c, out, NULL);
	EVP_MD_CTX_free(c);
	return ok ? 0 : -1;
}

int zrtp_hash(uint32_t hash, const uint8_t *p, size_t n, uint8_t *out)
{
	return zrtp_hash_v(hash, out, p, n, NULL, 0, NULL, 0, NULL, 0);
}

int zrtp_hmac(uint32_t hash, const uint8_t *key, size_t klen, const uint8_t *p,
	      size_t n, uint8_t *out)
{
	const EVP_MD *md = md_of(hash);
	unsigned int olen = 0;
	static const uint8_t empty;

	if (!md)
		return -1;
	if (!HMAC(md, key ? key : &empty, (int)klen, p ? p : &empty, n, out, &olen))
		return -1;
	return 0;
}

int zrtp_kdf(uint32_t hash, const uint8_t *ki, size_t kilen, const char *label,
	     const uint8_t *ctx, size_t ctxlen, unsigned bits, uint8_t *out)
{
	size_t llen = strlen(label), n = 4 + llen + 1 + ctxlen + 4;
	uint8_t buf[512], mac[ZRTP_MAX_HASH_LEN];
	size_t hl = zrtp_hash_len(hash);
	int ret = -1;

	if (!hl || n > sizeof(buf) || bits == 0 || bits > hl * 8 || bits % 8)
		return -1;
	zrtp_put32(buf, 1);				/* i = 1 */
	memcpy(buf + 4, label, llen);
	buf[4 + llen] = 0;
	memcpy(buf + 5 + llen, ctx, ctxlen);
	zrtp_put32(buf + 5 + llen + ctxlen, bits);	/* L */
	if (zrtp_hmac(hash, ki, kilen, buf, n, mac) == 0) {
		memcpy(out, mac, bits / 8);
		ret = 0;
	}
	zrtp_wipe(mac, sizeof(mac));
	zrtp_wipe(buf, n);
	return ret;
}

size_t zrtp_cipher_key_len(uint32_t cipher)
{
	switch (cipher) {
	case ZRTP_AES1: return 16;
	case ZRTP_AES2: return 24;
	case ZRTP_AES3: return 32;
	}
	return 0;
}

bool zrtp_auth_supported(uint32_t auth)
{
	return auth == ZRTP_HS32 || auth == ZRTP_HS80;
}

int zrtp_aes_cfb(uint32_t cipher, const uint8_t *key, const uint8_t *iv,
		 const uint8_t *in, uint8_t *out, size_t len, bool encrypt)
{
	const EVP_CIPHER *c;
	EVP_CIPHER_CTX *x;
	int ol = 0, fl = 0, ok;

	switch (cipher) {
	case ZRTP_AES1: c = EVP_aes_128_cfb128(); break;
	case ZRTP_AES2: c = EVP_aes_192_cfb128(); break;
	case ZRTP_AES3: c = EVP_aes_256_cfb128(); break;
	default: return -1;
	}
	if (!(x = EVP_CIPHER_CTX_new()))
		return -1;
	ok = EVP_CipherInit_ex(x, c, NULL, key, iv, encrypt) &&
	     EVP_CipherUpdate(x, out, &ol, in, (int)len) &&
	     EVP_CipherFinal_ex(x, out + ol, &fl);
	EVP_CIPHER_CTX_free(x);
	return ok && (size_t)(ol + fl) == len ? 0 : -1;
}

/* ---- SAS (§5.1.6) ---------------------------------------------------- */

/* §5.1.6: the z-base-32 alphabet of the B32 rendering. */
static const char b32_alphabet[] = "ybndrfg8ejkmcpqxot1uwisza345h769";

/* The PGP word list (Juola and Zimmermann): data, not code. */
#include "zrtp_pgpwords.h"

bool zrtp_sas_supported(uint32_t sas)
{
	return sas == ZRTP_B32 || sas == ZRTP_B256;
}

int zrtp_sas_render(uint32_t sas, const uint8_t sashash[32], char *out, size_t cap)
{
	/* sasvalue = the leftmost 32 bits of sashash (§4.5.2) */
	uint32_t v = zrtp_get32(sashash);

	if (sas == ZRTP_B32) {
		if (cap < 5)
			return -1;
		for (int i = 0; i < 4; i++)
			out[i] = b32_alphabet[(v >> (27 - 5 * i)) & 31];
		out[4] = 0;
		return 0;
	}
	if (sas == ZRTP_B256) {
		int n = snprintf(out, cap, "%s:%s", pgp_even[sashash[0]], pgp_odd[sashash[1]]);

		return n > 0 && (size_t)n < cap ? 0 : -1;
	}
	return -1;
}

/* ---- key agreement (§4.4.1, §5.1.5) --------------------------------- */

struct zrtp_dh {
	uint32_t ka;
	/* finite field */
	BIGNUM *p, *priv, *pub;
	BN_CTX *bnctx;
	/* EC and X25519/X448 */
	EVP_PKEY *pkey;
};

bool zrtp_ka_supported(uint32_t ka)
{
	return zrtp_pv_len(ka) > 0;
}

bool zrtp_ka_is_dh(uint32_t ka)
{
	return zrtp_pv_len(ka) > 0;
}

int zrtp_ka_pv_len(uint32_t ka)
{
	return zrtp_pv_len(ka);
}

/* §4.1.2 ranking, fastest first, with bzrtp's X255/X448 inserted where
 * the ZRTP drafts that define them put them. */
int zrtp_ka_speed_rank(uint32_t ka)
{
	/* RFC 6189 §4.1.2 ranks DH-2048, ECDH-256, DH-3072, ECDH-384,
	 * ECDH-521 from fastest to slowest; X25519 and X448 are placed
	 * where bzrtp 5.1.64 (the deployed implementation that defines
	 * them) places them, or two endpoints would pick different key
	 * agreements and their Commits would never meet (issue 12). */
	static const uint32_t order[] = {
		ZRTP_DH2K, ZRTP_X255, ZRTP_EC25, ZRTP_X448, ZRTP_DH3K, ZRTP_EC38, ZRTP_EC52,
	};

	for (unsigned i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (order[i] == ka)
			return (int)i;
	return 100;
}

static const char *ec_group(uint32_t ka)
{
	switch (ka) {
	case ZRTP_EC25: return "P-256";
	case ZRTP_EC38: return "P-384";
	case ZRTP_EC52: return "P-521";
	}
	return NULL;
}

static const char *x_name(uint32_t ka)
{
	return ka == ZRTP_X255 ? "X25519" : ka == ZRTP_X448 ? "X448" : NULL;
}

static bool is_ff(uint32_t ka)
{
	return ka == ZRTP_DH3K || ka == ZRTP_DH2K;
}

static struct zrtp_dh *dh_alloc(uint32_t ka)
{
	struct zrtp_dh *dh;

	if (!zrtp_ka_supported(ka))
		return NULL;
	dh = OPENSSL_zalloc(sizeof(*dh));
	if (!dh)
		return NULL;
	dh->ka = ka;
	if (is_ff(ka)) {
		/* RFC 3526 MODP groups 14 (2048) and 15 (3072), g = 2 */
		dh->p = ka == ZRTP_DH3K ? BN_get_rfc3526_prime_3072(NULL)
					: BN_get_rfc3526_prime_2048(NULL);
		dh->bnctx = BN_CTX_secure_new();
		dh->priv = BN_secure_new();
		dh->pub = BN_new();
		if (!dh->p || !dh->bnctx || !dh->priv || !dh->pub) {
			zrtp_dh_free(dh);
			return NULL;
		}
	}
	return dh;
}

static int ff_public(struct zrtp_dh *dh)
{
	BIGNUM *g = BN_new();
	int ok = g && BN_set_word(g, 2) &&
		 BN_mod_exp_mont_consttime(dh->pub, g, dh->priv, dh->p, dh->bnctx, NULL);

	BN_free(g);
	return ok ? 0 : -1;
}

struct zrtp_dh *zrtp_dh_new(uint32_t ka)
{
	struct zrtp_dh *dh = dh_alloc(ka);

	if (!dh)
		return NULL;
	if (is_ff(ka)) {
		/* §5.1.5: a secret exponent of at least twice the symmetric
		 * strength; 256 bits for both groups. */
		if (!BN_priv_rand_ex(dh->priv, 256, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY, 0, dh->bnctx) ||
		    ff_public(dh)) {
			zrtp_dh_free(dh);
			return NULL;
		}
	} else if (ec_group(ka)) {
		dh->pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", ec_group(ka));
	} else {
		dh->pkey = EVP_PKEY_Q_keygen(NULL, NULL, x_name(ka));
	}
	if (!is_ff(ka) && !dh->pkey) {
		zrtp_dh_free(dh);
		return NULL;
	}
	return dh;
}

struct zrtp_dh *zrtp_dh_new_priv(uint32_t ka, const uint8_t *priv, size_t len)
{
	struct zrtp_dh *dh = dh_alloc(ka);

	if (!dh)
		return NULL;
	if (is_ff(ka)) {
		if (!BN_bin2bn(priv, (int)len, dh->priv) || ff_public(dh))
			goto err;
	} else if (x_name(ka)) {
		dh->pkey = EVP_PKEY_new_raw_private_key_ex(NULL, x_name(ka), NULL, priv, len);
		if (!dh->pkey)
			goto err;
	} else {
		goto err;	/* EC private import: not needed by the tests */
	}
	return dh;
err:
	zrtp_dh_free(dh);
	return NULL;
}

int zrtp_dh_public(const struct zrtp_dh *dh, uint8_t *out, size_t cap)
{
	int pvl = zrtp_pv_len(dh->ka);
	size_t n;

	if ((size_t)pvl > cap)
		return -1;
	if (is_ff(dh->ka))
		return BN_bn2binpad(dh->pub, out, pvl) == pvl ? pvl : -1;
	if (ec_group(dh->ka)) {
		/* §5.1.5: EC public values are x || y, no point-format byte */
		uint8_t pt[1 + 132];

		if (!EVP_PKEY_get_octet_string_param(dh->pkey, OSSL_PKEY_PARAM_PUB_KEY, pt,
						     sizeof(pt), &n) ||
		    n != (size_t)pvl + 1 || pt[0] != 0x04)
			return -1;
		memcpy(out, pt + 1, pvl);
		return pvl;
	}
	/* X25519/X448: the RFC 7748 little-endian u-coordinate, as bzrtp
	 * puts it on the wire. */
	n = cap;
	if (!EVP_PKEY_get_raw_public_key(dh->pkey, out, &n) || n != (size_t)pvl)
		return -1;
	return pvl;
}

static int ff_compute(struct zrtp_dh *dh, const uint8_t *peer, size_t len, uint8_t *out)
{
	BIGNUM *y = BN_new(), *pm1 = BN_new(), *r = BN_secure_new();
	int ret = -1, pl = BN_num_bytes(dh->p);

	if (!y || !pm1 || !r || (int)len != pl)
		goto out;
	if (!BN_bin2bn(peer, (int)len, y) || !BN_sub(pm1, dh->p, BN_value_one()))
		goto out;
	/* §4.4.1.1/§5.1.5: reject 0, 1, p-1 and anything >= p-1 */
	if (BN_cmp(y, BN_value_one()) <= 0 || BN_cmp(y, pm1) >= 0)
		goto out;
	if (!BN_mod_exp_mont_consttime(r, y, dh->priv, dh->p, dh->bnctx, NULL))
		goto out;
	/* a result of 1 or p-1 means a small-subgroup value */
	if (BN_is_one(r) || !BN_cmp(r, pm1))
		goto out;
	if (BN_bn2binpad(r, out, pl) != pl)	/* DHResult is padded to p */
		goto out;
	ret = pl;
out:
	BN_free(y);
	BN_free(pm1);
	BN_clear_free(r);
	return ret;
}

static EVP_PKEY *peer_key(uint32_t ka, const uint8_t *peer, size_t len)
{
	EVP_PKEY *pk = NULL;

	if (ec_group(ka)) {
		uint8_t pt[1 + 132];
		OSSL_PARAM params[3];
		EVP_PKEY_CTX *c;

		pt[0] = 0x04;
		memcpy(pt + 1, peer, len);
		params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
							     (char *)ec_group(ka), 0);
		params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, pt, len + 1);
		params[2] = OSSL_PARAM_construct_end();
		c = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
		if (!c || EVP_PKEY_fromdata_init(c) <= 0 ||
		    EVP_PKEY_fromdata(c, &pk, EVP_PKEY_PUBLIC_KEY, params) <= 0)
			pk = NULL;
		EVP_PKEY_CTX_free(c);
	} else {
		pk = EVP_PKEY_new_raw_public_key_ex(NULL, x_name(ka), NULL, peer, len);
	}
	return pk;
}

int zrtp_dh_compute(struct zrtp_dh *dh, const uint8_t *peer, size_t len, uint8_t *out, size_t cap)
{
	EVP_PKEY *pk = NULL;
	EVP_PKEY_CTX *c = NULL;
	size_t olen;
	int ret = -1;

	if (!dh || len != (size_t)zrtp_pv_len(dh->ka) || cap < ZRTP_MAX_DH_RESULT)
		return -1;
	if (is_ff(dh->ka))
		return ff_compute(dh, peer, len, out);
	pk = peer_key(dh->ka, peer, len);
	if (!pk)
		goto out;
	/* Point on the curve (EC): the full public-key check. */
	if (ec_group(dh->ka)) {
		EVP_PKEY_CTX *v = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
		int ok = v && EVP_PKEY_public_check(v) == 1;

		EVP_PKEY_CTX_free(v);
		if (!ok)
			goto out;
	}
	c = EVP_PKEY_CTX_new_from_pkey(NULL, dh->pkey, NULL);
	/* EVP_PKEY_derive_set_peer_ex(validate=1) re-checks the peer; for
	 * X25519/X448 OpenSSL fails the derivation on an all-zero result
	 * (a low-order point, RFC 7748 §6.1). */
	if (!c || EVP_PKEY_derive_init(c) <= 0 || EVP_PKEY_derive_set_peer_ex(c, pk, 1) <= 0)
		goto out;
	olen = cap;
	if (EVP_PKEY_derive(c, out, &olen) <= 0)
		goto out;
	ret = (int)olen;	/* EC: the x coordinate, §5.1.5 */
out:
	EVP_PKEY_CTX_free(c);
	EVP_PKEY_free(pk);
	return ret;
}

void zrtp_dh_free(struct zrtp_dh *dh)
{
	if (!dh)
		return;
	BN_free(dh->p);
	BN_clear_free(dh->priv);
	BN_free(dh->pub);
	BN_CTX_free(dh->bnctx);
	EVP_PKEY_free(dh->pkey);
	OPENSSL_free(dh);
}

/* ---- key schedule ----------------------------------------------------- */

static size_t put_len_secret(uint8_t *p, const uint8_t *s, size_t l)
{
	zrtp_put32(p, s ? (uint32_t)l : 0);
	if (s && l)
		memcpy(p + 4, s, l);
	return 4 + (s ? l : 0);
}

int zrtp_s0_dh(uint32_t hash, const uint8_t *dhres, size_t dhlen, const uint8_t zidi[12],
	       const uint8_t zidr[12], const uint8_t *total_hash, const uint8_t *s1,
	       size_t l1, const uint8_t *s2, size_t l2, const uint8_t *s3, size_t l3,
	       uint8_t *s0)
{
	uint8_t buf[4 + ZRTP_MAX_DH_RESULT + 13 + 24 + ZRTP_MAX_HASH_LEN + 3 * (4 + 64)];
	size_t n = 0, hl = zrtp_hash_len(hash);
	int r;

	if (!hl || dhlen > ZRTP_MAX_DH_RESULT || l1 > 64 || l2 > 64 || l3 > 64)
		return -1;
	zrtp_put32(buf, 1);
	n = 4;
	memcpy(buf + n, dhres, dhlen);
	n += dhlen;
	memcpy(buf + n, "ZRTP-HMAC-KDF", 13);
	n += 13;
	memcpy(buf + n, zidi, 12);
	memcpy(buf + n + 12, zidr, 12);
	n += 24;
	memcpy(buf + n, total_hash, hl);
	n += hl;
	n += put_len_secret(buf + n, s1, l1);
	n += put_len_secret(buf + n, s2, l2);
	n += put_len_secret(buf + n, s3, l3);
	r = zrtp_hash(hash, buf, n, s0);
	zrtp_wipe(buf, n);
	return r;
}

int zrtp_preshared_key(uint32_t hash, const uint8_t *s1, size_t l1, const uint8_t *s2,
		       size_t l2, const uint8_t *s3, size_t l3, uint8_t *out)
{
	uint8_t buf[3 * (4 + 64)];
	size_t n = 0;
	int r;

	if (l1 > 64 || l2 > 64 || l3 > 64)
		return -1;
	n += put_len_secret(buf + n, s1, l1);
	n += put_len_secret(buf + n, s2, l2);
	n += put_len_secret(buf + n, s3, l3);
	r = zrtp_hash(hash, buf, n, out);
	zrtp_wipe(buf, n);
	return r;
}

int zrtp_secret_id(uint32_t hash, const uint8_t *secret, size_t slen, const uint8_t *label,
		   size_t llen, uint8_t id[8])
{
	uint8_t mac[ZRTP_MAX_HASH_LEN];

	if (zrtp_hmac(hash, secret, slen, label, llen, mac))
		return -1;
	memcpy(id, mac, 8);
	return 0;
}

int zrtp_keyset_derive(struct zrtp_keyset *k, uint32_t hash, uint32_t cipher,
		       const uint8_t zidi[12], const uint8_t zidr[12],
		       const uint8_t *total_hash, bool multistream)
{
	size_t hl = zrtp_hash_len(hash), kl = zrtp_cipher_key_len(cipher);
	const uint8_t *s0 = k->s0, *c = k->ctx;
	int r = 0;

	if (!hl || !kl)
		return -1;
	k->hash = hash;
	k->cipher = cipher;
	k->hlen = hl;
	k->klen = kl;
	memcpy(k->ctx, zidi, 12);
	memcpy(k->ctx + 12, zidr, 12);
	memcpy(k->ctx + 24, total_hash, hl);
	k->ctxlen = 24 + hl;
#define KDF(label, bits, out) r |= zrtp_kdf(hash, s0, hl, label, c, k->ctxlen, (bits), (out))
	if (!multistream) {
		KDF("ZRTP Session Key", hl * 8, k->zrtp_sess);
		KDF("SAS", 256, k->sashash);
		KDF("retained secret", 256, k->rs1);
	}
	KDF("Initiator SRTP master key", kl * 8, k->srtp_key_i);
	KDF("Initiator SRTP master salt", 112, k->srtp_salt_i);
	KDF("Responder SRTP master key", kl * 8, k->srtp_key_r);
	KDF("Responder SRTP master salt", 112, k->srtp_salt_r);
	KDF("Initiator HMAC key", hl * 8, k->mac_key_i);
	KDF("Responder HMAC key", hl * 8, k->mac_key_r);
	KDF("Initiator ZRTP key", kl * 8, k->zrtp_key_i);
	KDF("Responder ZRTP key", kl * 8, k->zrtp_key_r);
	KDF("Exported key", hl * 8, k->exported);
#undef KDF
	return r ? -1 : 0;
}

int zrtp_pbxsecret(uint32_t hash, const uint8_t *zrtp_sess, const uint8_t zidi[12],
		   const uint8_t zidr[12], uint8_t out[32])
{
	uint8_t ctx[24];

	memcpy(ctx, zidi, 12);
	memcpy(ctx + 12, zidr, 12);
	return zrtp_kdf(hash, zrtp_sess, zrtp_hash_len(hash), "Trusted MiTM key", ctx, 24, 256, out);
}
