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

/*
 * Every derived value of §4.5 (and s0 of §4.4.1.4, preshared_key/keyID of
 * §4.4.2, the Multistream s0 of §4.4.3.2, rs1IDi of §4.3.1, pbxsecret of
 * §7.3.1) for fixed inputs.  No published vector exists; the expected
 * values were computed with an independent implementation (Python's
 * hashlib/hmac, straight from the RFC formulas), and the interpretation
 * of those formulas is checked against bzrtp by the interop test (same
 * SAS, SRTP keys and salts).
 * Inputs: DHResult = 01..20, ZIDi = "ZIDinitiator", ZIDr = "ZIDresponder",
 * total_hash = hash("total"), s1 = 32 x a1, s2 = "aux-secret", s3 null.
 */
static const char *const kdf_kat[2][18] = {
	{ /* S256, key length 16 */
		"ee74254f599203a07dabd15a2bc28f9e6a65069a1bb6a5ef26faef8db18d1f19", /* s0 */
		"74ea1af15711067638ab1a9ce278e82354bb90977c16f0432e8aa23507ed79b0", /* ZRTPSess */
		"f0fb481fb8b64016d1575fe31086d221e99123c685152131b58731abd2aed508", /* sashash */
		"e487594cd6a72f3b37902f5be3097a7e", /* srtpkeyi */
		"f4e1e86c1e3d338d9dcba8368df9", /* srtpsalti */
		"93de16cffde0fd4f4b97ac6c639afa91", /* srtpkeyr */
		"ccae2db8e8a4f79186209c5b5ee9", /* srtpsaltr */
		"af885e4dfda06a44ef6b5a026a4637ede4c48b7e355d00f202103d8dd27e6241", /* mackeyi */
		"c3ffc5ee5f52b64bce9638ebe7b8ba1ff2b7a74aa0911229ec914bae8c0e82db", /* mackeyr */
		"fc959d92486da0b7fd79a847bc1e77e3", /* zrtpkeyi */
		"e52b1d29d53dd9502beea4c9f68bf120", /* zrtpkeyr */
		"bc76b8232a8191116e86c269eaac30211b1f3444398efdfdaa9d583286004747", /* rs1 */
		"17a93dea2d89e61e91bbaa364d20629fba1edb6e6712d9c30c4c4f2b5e1f7564", /* ExportedKey */
		"2ba1bef6e04e09d12689685d7db86767e733b089648808c6e279912fbb930efc", /* pbxsecret */
		"9a582baddd1871e2", /* rs1IDi */
		"888fb63b47e0f62d2b1e1a9fb0f6ce745f7a2a172c4e4bcd3a21c11142a02bde", /* preshared_key */
		"15eeb377bdad0d3d", /* keyID */
		"2e6b9eac733311c44f1a1cf0f5ad842e58182af771e438294a86e7d8e985803a", /* Mult s0 */
	},
	{ /* S384, key length 32 */
		"942b90757e6adbbc479e0250c29c31e83b172b9bc2da290b22422dacb4760f1ac8ada845f11cac247c2f94036e2e3717", /* s0 */
		"0a99c333551fb8ca9daf113573d5e057d48de58f40641c887ba1516885c8b142339f2da915e397f56490633615f6149a", /* ZRTPSess */
		"6d7812db3aa4649ff01dc6139a52c3018ba98492b12f63828bb8f487183c1ddc", /* sashash */
		"f19bc42a2ead080dd49513e6a249111084dcedaaf8dfc849e312ab120f806ba5", /* srtpkeyi */
		"3a9c195ab1bf0595fe3872bb1c67", /* srtpsalti */
		"978f5c556c46f7c67b79988e2e08105c03a3b5ea6f658e781f0f917752575984", /* srtpkeyr */
		"8ccb0bc289be66d5ad99926aec04", /* srtpsaltr */
		"6b2aefd1d8ad56c9d61b167146f1fd95ceab67707f4b51c8416d8aa9119e27fb835c3f652c002eab41a4e69f63d38b4e", /* mackeyi */
		"ba9d509a155ef250df1b1d03cfa44a0d9f8fe7acff23925a4f588659affbf398ca187db88f78b6a772942e7d4201fda0", /* mackeyr */
		"3baaa9156369c99454d83a200db4729857d2725b08f3f2af78312671b235391d", /* zrtpkeyi */
		"f68597f54edb5ab0ed3878dcc31146856b77616e7b62c59fae097e912f6eb380", /* zrtpkeyr */
		"c4b208f78e6c34a773a54b1a33e766df57111c7fb30775abf80fed682b5dc7d7", /* rs1 */
		"3c9dd050043f6e654adc81b3a727428a3ea0e1055735af5ad21c8c19e32fdf3a4fe6dc12e34bbea63d574294ec295861", /* ExportedKey */
		"db44f859ba91bedf763151a623c2b2ea374e399397523f2256f071ca4985a5c9", /* pbxsecret */
		"ca57b1dd0a4a78a6", /* rs1IDi */
		"5fb4f4410e213538ea210e2176a4ceea6c6103d1ea8681b8016b6ff325695d751adba998f8a813c536cc39175779f1a5", /* preshared_key */
		"d65c9435402dcf29", /* keyID */
		"f8f08c7e4fb7ecf94779e429d5848503d1ade5d374bc6257b23dfa97d23eaf2312ee8d799524671b31b5b47907282638", /* Mult s0 */
	},
};

static void expect_hex(struct __test_metadata *_metadata, const char *hex, const uint8_t *v,
		       size_t n, const char *what)
{
	uint8_t want[64];

	ASSERT_EQ(n, zt_unhex(hex, want, sizeof(want))) TH_LOG("%s length", what);
	EXPECT_EQ(0, memcmp(want, v, n)) TH_LOG("%s differs", what);
}

TEST(key_schedule_kat)
{
	static const uint32_t hashes[2] = { ZRTP_S256, ZRTP_S384 };
	static const uint32_t ciphers[2] = { ZRTP_AES1, ZRTP_AES3 };

	for (int v = 0; v < 2; v++) {
		uint32_t h = hashes[v];
		size_t hl = zrtp_hash_len(h), kl = zrtp_cipher_key_len(ciphers[v]);
		uint8_t dh[32], th[48], s1[32], pbx[32], id[8], psk[48], ms0[48], ctx[72];
		const char *const *k = kdf_kat[v];
		struct zrtp_keyset ks;

		for (int i = 0; i < 32; i++)
			dh[i] = i + 1;
		memset(s1, 0xa1, 32);
		ASSERT_EQ(0, zrtp_hash(h, (const uint8_t *)"total", 5, th));
		memset(&ks, 0, sizeof(ks));
		ASSERT_EQ(0, zrtp_s0_dh(h, dh, 32, (const uint8_t *)"ZIDinitiator",
					(const uint8_t *)"ZIDresponder", th, s1, 32,
					(const uint8_t *)"aux-secret", 10, NULL, 0, ks.s0));
		ASSERT_EQ(0, zrtp_keyset_derive(&ks, h, ciphers[v], (const uint8_t *)"ZIDinitiator",
						(const uint8_t *)"ZIDresponder", th, false));
		expect_hex(_metadata, k[0], ks.s0, hl, "s0");
		expect_hex(_metadata, k[1], ks.zrtp_sess, hl, "ZRTPSess");
		expect_hex(_metadata, k[2], ks.sashash, 32, "sashash");
		expect_hex(_metadata, k[3], ks.srtp_key_i, kl, "srtpkeyi");
		expect_hex(_metadata, k[4], ks.srtp_salt_i, 14, "srtpsalti");
		expect_hex(_metadata, k[5], ks.srtp_key_r, kl, "srtpkeyr");
		expect_hex(_metadata, k[6], ks.srtp_salt_r, 14, "srtpsaltr");
		expect_hex(_metadata, k[7], ks.mac_key_i, hl, "mackeyi");
		expect_hex(_metadata, k[8], ks.mac_key_r, hl, "mackeyr");
		expect_hex(_metadata, k[9], ks.zrtp_key_i, kl, "zrtpkeyi");
		expect_hex(_metadata, k[10], ks.zrtp_key_r, kl, "zrtpkeyr");
		expect_hex(_metadata, k[11], ks.rs1, 32, "rs1");
		expect_hex(_metadata, k[12], ks.exported, hl, "ExportedKey");
		ASSERT_EQ(0, zrtp_pbxsecret(h, ks.zrtp_sess, (const uint8_t *)"ZIDinitiator",
					    (const uint8_t *)"ZIDresponder", pbx));
		expect_hex(_metadata, k[13], pbx, 32, "pbxsecret");
		ASSERT_EQ(0, zrtp_secret_id(h, s1, 32, (const uint8_t *)"Initiator", 9, id));
		expect_hex(_metadata, k[14], id, 8, "rs1IDi");
		ASSERT_EQ(0, zrtp_preshared_key(h, s1, 32, (const uint8_t *)"aux-secret", 10,
						NULL, 0, psk));
		expect_hex(_metadata, k[15], psk, hl, "preshared_key");
		ASSERT_EQ(0, zrtp_secret_id(h, psk, hl, (const uint8_t *)"Prsh", 4, id));
		expect_hex(_metadata, k[16], id, 8, "keyID");
		memcpy(ctx, ks.ctx, ks.ctxlen);
		ASSERT_EQ(0, zrtp_kdf(h, ks.zrtp_sess, hl, "ZRTP MSK", ctx, ks.ctxlen, hl * 8, ms0));
		expect_hex(_metadata, k[17], ms0, hl, "Mult s0");
	}
}

TEST_HARNESS_MAIN
