// SPDX-License-Identifier: GPL-2.0
/*
 * ZRTP crypto layer: known answers where a published vector exists
 * (RFC 4231 HMAC, NIST SP 800-38A AES-CFB, RFC 7748 X25519/X448, the
 * Castagnoli CRC in zrtp_wire), the §4.5.1 KDF recomputed independently
 * from its definition, SAS rendering (§5.1.6), and every key agreement
 * type: both sides agree, and invalid shares (0, 1, p-1, >= p, points off
 * the curve, low-order X25519 points, wrong sizes) are refused.
 */
#include <stdio.h>
#include <openssl/hmac.h>
#include <openssl/evp.h>
#include <openssl/bn.h>
#include "kselftest_harness.h"
#include "zrtp_crypto.h"
#include "zrtp_test_util.h"

TEST(hmac_rfc4231_case2)
{
	/* RFC 4231 §4.3 test case 2 */
	uint8_t out[48], exp[48];
	const uint8_t *data = (const uint8_t *)"what do ya want for nothing?";

	ASSERT_EQ(0, zrtp_hmac(ZRTP_S256, (const uint8_t *)"Jefe", 4, data, 28, out));
	zt_unhex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", exp, 32);
	EXPECT_EQ(0, memcmp(out, exp, 32));
	ASSERT_EQ(0, zrtp_hmac(ZRTP_S384, (const uint8_t *)"Jefe", 4, data, 28, out));
	zt_unhex("af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
		 "8e2240ca5e69e2c78b3239ecfab21649", exp, 48);
	EXPECT_EQ(0, memcmp(out, exp, 48));
	EXPECT_EQ(32u, zrtp_hash_len(ZRTP_S256));
	EXPECT_EQ(48u, zrtp_hash_len(ZRTP_S384));
	EXPECT_EQ(0u, zrtp_hash_len(ZRTP_ALG('S', 'K', 'N', '1')));
}

TEST(aes_cfb_sp800_38a)
{
	/* NIST SP 800-38A F.3.13 CFB128-AES128.Encrypt, block 1, and
	 * F.3.17 CFB128-AES256.Encrypt, block 1 */
	uint8_t key[32], iv[16], pt[16], ct[16], out[16], back[16];

	zt_unhex("2b7e151628aed2a6abf7158809cf4f3c", key, 16);
	zt_unhex("000102030405060708090a0b0c0d0e0f", iv, 16);
	zt_unhex("6bc1bee22e409f96e93d7e117393172a", pt, 16);
	zt_unhex("3b3fd92eb72dad20333449f8e83cfb4a", ct, 16);
	ASSERT_EQ(0, zrtp_aes_cfb(ZRTP_AES1, key, iv, pt, out, 16, true));
	EXPECT_EQ(0, memcmp(out, ct, 16));
	ASSERT_EQ(0, zrtp_aes_cfb(ZRTP_AES1, key, iv, out, back, 16, false));
	EXPECT_EQ(0, memcmp(back, pt, 16));
	zt_unhex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", key, 32);
	zt_unhex("dc7e84bfda79164b7ecd8486985d3860", ct, 16);
	ASSERT_EQ(0, zrtp_aes_cfb(ZRTP_AES3, key, iv, pt, out, 16, true));
	EXPECT_EQ(0, memcmp(out, ct, 16));
}

/* §4.5.1 recomputed from the text with OpenSSL's HMAC directly. */
TEST(kdf_definition)
{
	uint8_t ki[48], ctx[56], out[48], ref[64], buf[256];
	unsigned int rl;
	const char *label = "Initiator SRTP master key";
	size_t n = 0;

	for (int i = 0; i < 48; i++)
		ki[i] = i;
	for (int i = 0; i < 56; i++)
		ctx[i] = 0xa0 + i;
	/* i (32 bits) = 1 */
	buf[n++] = 0; buf[n++] = 0; buf[n++] = 0; buf[n++] = 1;
	memcpy(buf + n, label, strlen(label)); n += strlen(label);
	buf[n++] = 0;
	memcpy(buf + n, ctx, 56); n += 56;
	/* L = 128 bits */
	buf[n++] = 0; buf[n++] = 0; buf[n++] = 0; buf[n++] = 128;
	HMAC(EVP_sha256(), ki, 32, buf, n, ref, &rl);
	ASSERT_EQ(0, zrtp_kdf(ZRTP_S256, ki, 32, label, ctx, 56, 128, out));
	EXPECT_EQ(0, memcmp(out, ref, 16));
	/* S384, 384 bits */
	buf[n - 2] = 384 >> 8; buf[n - 1] = 384 & 0xff;
	HMAC(EVP_sha384(), ki, 48, buf, n, ref, &rl);
	ASSERT_EQ(0, zrtp_kdf(ZRTP_S384, ki, 48, label, ctx, 56, 384, out));
	EXPECT_EQ(0, memcmp(out, ref, 48));
	/* L beyond the hash is refused */
	EXPECT_EQ(-1, zrtp_kdf(ZRTP_S256, ki, 32, label, ctx, 56, 384, out));
}

TEST(sas_render)
{
	uint8_t h[32] = { 0 };
	char s[64];

	ASSERT_EQ(0, zrtp_sas_render(ZRTP_B32, h, s, sizeof(s)));
	EXPECT_STREQ("yyyy", s);
	/* leftmost 20 bits 00001 00010 00011 00100 -> indices 1,2,3,4 */
	h[0] = 0x08; h[1] = 0x86; h[2] = 0x40; h[3] = 0x0f;
	ASSERT_EQ(0, zrtp_sas_render(ZRTP_B32, h, s, sizeof(s)));
	EXPECT_STREQ("bndr", s);
	memset(h, 0xff, 4);
	ASSERT_EQ(0, zrtp_sas_render(ZRTP_B32, h, s, sizeof(s)));
	EXPECT_STREQ("9999", s);
	memset(h, 0, 4);
	ASSERT_EQ(0, zrtp_sas_render(ZRTP_B256, h, s, sizeof(s)));
	EXPECT_STREQ("aardvark:adroitness", s);
	h[0] = 0xff; h[1] = 0xff;
	ASSERT_EQ(0, zrtp_sas_render(ZRTP_B256, h, s, sizeof(s)));
	EXPECT_STREQ("Zulu:Yucatan", s);
	h[0] = 0x01; h[1] = 0x02;	/* absurd (even #1), aftermath (odd #2) */
	ASSERT_EQ(0, zrtp_sas_render(ZRTP_B256, h, s, sizeof(s)));
	EXPECT_STREQ("absurd:aftermath", s);
	EXPECT_EQ(-1, zrtp_sas_render(ZRTP_B32, h, s, 4));
}

TEST(x25519_rfc7748)
{
	/* RFC 7748 §6.1 */
	uint8_t a[32], bpub[32], shared[32], out[ZRTP_MAX_DH_RESULT], pub[32], apub[32];
	struct zrtp_dh *dh;

	zt_unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", a, 32);
	zt_unhex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", apub, 32);
	zt_unhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", bpub, 32);
	zt_unhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", shared, 32);
	dh = zrtp_dh_new_priv(ZRTP_X255, a, 32);
	ASSERT_NE(NULL, dh);
	ASSERT_EQ(32, zrtp_dh_public(dh, pub, sizeof(pub)));
	EXPECT_EQ(0, memcmp(pub, apub, 32));
	ASSERT_EQ(32, zrtp_dh_compute(dh, bpub, 32, out, sizeof(out)));
	EXPECT_EQ(0, memcmp(out, shared, 32));
	/* low-order point (u = 0) gives an all-zero result: refused */
	memset(pub, 0, 32);
	EXPECT_GT(0, zrtp_dh_compute(dh, pub, 32, out, sizeof(out)));
	/* u = 1 is of order 4 as well */
	pub[0] = 1;
	EXPECT_GT(0, zrtp_dh_compute(dh, pub, 32, out, sizeof(out)));
	EXPECT_GT(0, zrtp_dh_compute(dh, bpub, 31, out, sizeof(out)));
	zrtp_dh_free(dh);
}

TEST(x448_rfc7748)
{
	/* RFC 7748 §6.2 */
	uint8_t a[56], bpub[56], shared[56], out[ZRTP_MAX_DH_RESULT];
	struct zrtp_dh *dh;

	zt_unhex("9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28dd9c9baf5"
		 "74a9419744897391006382a6f127ab1d9ac2d8c0a598726b", a, 56);
	zt_unhex("3eb7a829b0cd20f5bcfc0b599b6feccf6da4627107bdb0d4f345b43027d8b972"
		 "fc3e34fb4232a13ca706dcb57aec3dae07bdc1c67bf33609", bpub, 56);
	zt_unhex("07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282bb60c0b56"
		 "fd2464c335543936521c24403085d59a449a5037514a879d", shared, 56);
	dh = zrtp_dh_new_priv(ZRTP_X448, a, 56);
	ASSERT_NE(NULL, dh);
	ASSERT_EQ(56, zrtp_dh_compute(dh, bpub, 56, out, sizeof(out)));
	EXPECT_EQ(0, memcmp(out, shared, 56));
	memset(bpub, 0, 56);
	EXPECT_GT(0, zrtp_dh_compute(dh, bpub, 56, out, sizeof(out)));
	zrtp_dh_free(dh);
}

/* Every key agreement type: two fresh key pairs agree, bad shares fail. */
FIXTURE(ka) {};
FIXTURE_VARIANT(ka) { uint32_t ka; int pv; int res; };
FIXTURE_VARIANT_ADD(ka, dh3k) { ZRTP_DH3K, 384, 384 };
FIXTURE_VARIANT_ADD(ka, dh2k) { ZRTP_DH2K, 256, 256 };
FIXTURE_VARIANT_ADD(ka, ec25) { ZRTP_EC25, 64, 32 };
FIXTURE_VARIANT_ADD(ka, ec38) { ZRTP_EC38, 96, 48 };
FIXTURE_VARIANT_ADD(ka, ec52) { ZRTP_EC52, 132, 66 };
FIXTURE_VARIANT_ADD(ka, x255) { ZRTP_X255, 32, 32 };
FIXTURE_VARIANT_ADD(ka, x448) { ZRTP_X448, 56, 56 };
FIXTURE_SETUP(ka) {}
FIXTURE_TEARDOWN(ka) {}

TEST_F(ka, agree_and_reject_invalid_shares)
{
	struct zrtp_dh *a = zrtp_dh_new(variant->ka), *b = zrtp_dh_new(variant->ka);
	uint8_t pa[384], pb[384], ra[384], rb[384], bad[384];
	int n = variant->pv;

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	ASSERT_EQ(n, zrtp_ka_pv_len(variant->ka));
	ASSERT_EQ(n, zrtp_dh_public(a, pa, sizeof(pa)));
	ASSERT_EQ(n, zrtp_dh_public(b, pb, sizeof(pb)));
	EXPECT_NE(0, memcmp(pa, pb, n));
	ASSERT_EQ(variant->res, zrtp_dh_compute(a, pb, n, ra, sizeof(ra)));
	ASSERT_EQ(variant->res, zrtp_dh_compute(b, pa, n, rb, sizeof(rb)));
	EXPECT_EQ(0, memcmp(ra, rb, variant->res));
	/* wrong sizes */
	EXPECT_GT(0, zrtp_dh_compute(a, pb, n - 1, ra, sizeof(ra)));
	/* all zeros: 0 for DH, the point at infinity / low order otherwise */
	memset(bad, 0, n);
	EXPECT_GT(0, zrtp_dh_compute(a, bad, n, ra, sizeof(ra)));
	if (variant->ka == ZRTP_DH3K || variant->ka == ZRTP_DH2K) {
		BIGNUM *p = variant->ka == ZRTP_DH3K ? BN_get_rfc3526_prime_3072(NULL)
						     : BN_get_rfc3526_prime_2048(NULL);
		/* 1 */
		bad[n - 1] = 1;
		EXPECT_GT(0, zrtp_dh_compute(a, bad, n, ra, sizeof(ra)));
		/* p */
		BN_bn2binpad(p, bad, n);
		EXPECT_GT(0, zrtp_dh_compute(a, bad, n, ra, sizeof(ra)));
		/* p - 1 */
		BN_sub_word(p, 1);
		BN_bn2binpad(p, bad, n);
		EXPECT_GT(0, zrtp_dh_compute(a, bad, n, ra, sizeof(ra)));
		/* p - 2 is an acceptable value */
		BN_sub_word(p, 1);
		BN_bn2binpad(p, bad, n);
		EXPECT_EQ(n, zrtp_dh_compute(a, bad, n, ra, sizeof(ra)));
		/* all ones: above p */
		memset(bad, 0xff, n);
		EXPECT_GT(0, zrtp_dh_compute(a, bad, n, ra, sizeof(ra)));
		BN_free(p);
	} else if (variant->ka == ZRTP_EC25 || variant->ka == ZRTP_EC38 || variant->ka == ZRTP_EC52) {
		/* a point off the curve: y + 1 */
		memcpy(bad, pb, n);
		bad[n - 1] ^= 1;
		EXPECT_GT(0, zrtp_dh_compute(a, bad, n, ra, sizeof(ra)));
		/* coordinates above the field */
		memset(bad, 0xff, n);
		EXPECT_GT(0, zrtp_dh_compute(a, bad, n, ra, sizeof(ra)));
	}
	zrtp_dh_free(a);
	zrtp_dh_free(b);
}

TEST(ka_speed_ranking)
{
	/* §4.1.2: DH-2048 < ECDH-256 < DH-3072 < ECDH-384 < ECDH-521 */
	EXPECT_LT(zrtp_ka_speed_rank(ZRTP_DH2K), zrtp_ka_speed_rank(ZRTP_EC25));
	EXPECT_LT(zrtp_ka_speed_rank(ZRTP_EC25), zrtp_ka_speed_rank(ZRTP_DH3K));
	EXPECT_LT(zrtp_ka_speed_rank(ZRTP_DH3K), zrtp_ka_speed_rank(ZRTP_EC38));
	EXPECT_LT(zrtp_ka_speed_rank(ZRTP_EC38), zrtp_ka_speed_rank(ZRTP_EC52));
	EXPECT_LT(zrtp_ka_speed_rank(ZRTP_X255), zrtp_ka_speed_rank(ZRTP_EC25));
}

TEST_HARNESS_MAIN
