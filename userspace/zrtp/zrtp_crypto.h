/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ZRTP crypto primitives over OpenSSL 3: negotiated hash and HMAC,
 * the KDF of RFC 6189 §4.5.1, AES-CFB for Confirm/SASrelay (§5.7),
 * SAS rendering (§5.1.6) and the key agreement types of §5.1.5 plus
 * X25519/X448 as bzrtp names them (X255, X448).  Algorithms are named by
 * their 4-character wire code (ZRTP_ALG()).
 */
#ifndef ZRTP_CRYPTO_H
#define ZRTP_CRYPTO_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "zrtp_wire.h"

#define ZRTP_S256 ZRTP_ALG('S', '2', '5', '6')
#define ZRTP_S384 ZRTP_ALG('S', '3', '8', '4')
#define ZRTP_AES1 ZRTP_ALG('A', 'E', 'S', '1')
#define ZRTP_AES2 ZRTP_ALG('A', 'E', 'S', '2')
#define ZRTP_AES3 ZRTP_ALG('A', 'E', 'S', '3')
#define ZRTP_HS32 ZRTP_ALG('H', 'S', '3', '2')
#define ZRTP_HS80 ZRTP_ALG('H', 'S', '8', '0')
#define ZRTP_DH3K ZRTP_ALG('D', 'H', '3', 'k')
#define ZRTP_DH2K ZRTP_ALG('D', 'H', '2', 'k')
#define ZRTP_EC25 ZRTP_ALG('E', 'C', '2', '5')
#define ZRTP_EC38 ZRTP_ALG('E', 'C', '3', '8')
#define ZRTP_EC52 ZRTP_ALG('E', 'C', '5', '2')
#define ZRTP_X255 ZRTP_ALG('X', '2', '5', '5')
#define ZRTP_X448 ZRTP_ALG('X', '4', '4', '8')
#define ZRTP_MULT ZRTP_ALG('M', 'u', 'l', 't')
#define ZRTP_PRSH ZRTP_ALG('P', 'r', 's', 'h')
#define ZRTP_B32  ZRTP_ALG('B', '3', '2', ' ')
#define ZRTP_B256 ZRTP_ALG('B', '2', '5', '6')

enum { ZRTP_MAX_HASH_LEN = 48, ZRTP_MAX_DH_RESULT = 384 };

bool zrtp_hash_supported(uint32_t hash);
size_t zrtp_hash_len(uint32_t hash);		/* 0 if unknown */
int zrtp_hash(uint32_t hash, const uint8_t *p, size_t n, uint8_t *out);
/* Hash of a concatenation of up to 4 buffers (NULL ends the list early). */
int zrtp_hash_v(uint32_t hash, uint8_t *out, const uint8_t *p1, size_t n1,
		const uint8_t *p2, size_t n2, const uint8_t *p3, size_t n3,
		const uint8_t *p4, size_t n4);
int zrtp_hmac(uint32_t hash, const uint8_t *key, size_t klen, const uint8_t *p,
	      size_t n, uint8_t *out);
/* §4.5.1: KDF(KI, Label, Context, L) = HMAC(KI, i || Label || 0x00 ||
 * Context || L), i = 1, L in bits, truncated to L bits. */
int zrtp_kdf(uint32_t hash, const uint8_t *ki, size_t kilen, const char *label,
	     const uint8_t *ctx, size_t ctxlen, unsigned bits, uint8_t *out);

size_t zrtp_cipher_key_len(uint32_t cipher);	/* 16/24/32, 0 unknown */
bool zrtp_auth_supported(uint32_t auth);
/* AES in 128-bit CFB mode (§5.7), encrypt or decrypt in place or not. */
int zrtp_aes_cfb(uint32_t cipher, const uint8_t *key, const uint8_t *iv,
		 const uint8_t *in, uint8_t *out, size_t len, bool encrypt);

/* §5.1.6: B32 renders the leftmost 20 bits as 4 base32 characters; B256
 * renders the leftmost 16 bits as two PGP words "even:odd". */
bool zrtp_sas_supported(uint32_t sas);
int zrtp_sas_render(uint32_t sas, const uint8_t sashash[32], char *out, size_t cap);

/* Key agreement (§4.4.1, §5.1.5). */
bool zrtp_ka_supported(uint32_t ka);
bool zrtp_ka_is_dh(uint32_t ka);
int zrtp_ka_pv_len(uint32_t ka);
int zrtp_ka_speed_rank(uint32_t ka);	/* lower is faster */
struct zrtp_dh;
struct zrtp_dh *zrtp_dh_new(uint32_t ka);
/* Known-answer tests only: a fixed private key (big-endian exponent for
 * DH, raw scalar for X255/X448). */
struct zrtp_dh *zrtp_dh_new_priv(uint32_t ka, const uint8_t *priv, size_t len);
int zrtp_dh_public(const struct zrtp_dh *dh, uint8_t *out, size_t cap);
/* Validates the peer's value (§4.4.1.1, §5.1.5: 1 < pv < p-1, point on
 * curve, not a low-order point) and writes DHResult; returns its length
 * or a negative value if the peer value is rejected. */
int zrtp_dh_compute(struct zrtp_dh *dh, const uint8_t *peer, size_t len, uint8_t *out, size_t cap);
void zrtp_dh_free(struct zrtp_dh *dh);

void zrtp_wipe(void *p, size_t n);
int zrtp_memeq(const void *a, const void *b, size_t n);	/* constant time, 1 if equal */

#endif

/* ---- key schedule (§4.4.1.4, §4.4.2, §4.4.3.2, §4.5) ---------------- */

struct zrtp_keyset {
	uint32_t hash, cipher;
	size_t hlen, klen;
	uint8_t ctx[12 + 12 + ZRTP_MAX_HASH_LEN];	/* KDF_Context */
	size_t ctxlen;
	uint8_t s0[ZRTP_MAX_HASH_LEN];
	uint8_t zrtp_sess[ZRTP_MAX_HASH_LEN];
	uint8_t sashash[32];
	uint8_t srtp_key_i[32], srtp_salt_i[14];
	uint8_t srtp_key_r[32], srtp_salt_r[14];
	uint8_t mac_key_i[ZRTP_MAX_HASH_LEN], mac_key_r[ZRTP_MAX_HASH_LEN];
	uint8_t zrtp_key_i[32], zrtp_key_r[32];
	uint8_t rs1[32];
	uint8_t exported[ZRTP_MAX_HASH_LEN];
};

/* §4.4.1.4: s0 = hash(1 || DHResult || "ZRTP-HMAC-KDF" || ZIDi || ZIDr ||
 * total_hash || len(s1) || s1 || len(s2) || s2 || len(s3) || s3) */
int zrtp_s0_dh(uint32_t hash, const uint8_t *dhres, size_t dhlen, const uint8_t zidi[12],
	       const uint8_t zidr[12], const uint8_t *total_hash, const uint8_t *s1,
	       size_t l1, const uint8_t *s2, size_t l2, const uint8_t *s3, size_t l3,
	       uint8_t *s0);
/* §4.4.2: preshared_key = hash(len(s1)||s1||len(s2)||s2||len(s3)||s3) */
int zrtp_preshared_key(uint32_t hash, const uint8_t *s1, size_t l1, const uint8_t *s2,
		       size_t l2, const uint8_t *s3, size_t l3, uint8_t *out);
/* §4.3.1: a 64-bit ID = MAC(secret, label) truncated */
int zrtp_secret_id(uint32_t hash, const uint8_t *secret, size_t slen, const uint8_t *label,
		   size_t llen, uint8_t id[8]);
/* Fill ctx (ZIDi || ZIDr || total_hash), then derive everything from s0
 * that §4.5 defines.  With multistream set, ZRTPSess, sashash and rs1 are
 * not derived (§4.4.3.2: they belong to the DH session). */
int zrtp_keyset_derive(struct zrtp_keyset *k, uint32_t hash, uint32_t cipher,
		       const uint8_t zidi[12], const uint8_t zidr[12],
		       const uint8_t *total_hash, bool multistream);
/* §7.3.1: pbxsecret = KDF(ZRTPSess, "Trusted MiTM key", ZIDi || ZIDr, 256) */
int zrtp_pbxsecret(uint32_t hash, const uint8_t *zrtp_sess, const uint8_t zidi[12],
		   const uint8_t zidr[12], uint8_t out[32]);
