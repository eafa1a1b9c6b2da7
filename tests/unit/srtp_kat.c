// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Known-answer tests of the SRTP core against the vectors published in the
 * RFCs.  Each vector cites its section.  A wrong KDF label offset, IV
 * layout, byte order, AAD or tag placement changes every byte checked here.
 */
#include "kselftest_harness.h"
#include "srtp_test.h"

static const struct ksrtp_crypto_ops *ops = &ksrtp_openssl_ops;

/* RFC 3711 Appendix B.2: AES-CM keystream, 65282 blocks from the offset. */
TEST(rfc3711_b2_aes_cm_keystream)
{
	static const struct {
		unsigned int block;
		const char *ks;
	} want[] = {
		{ 0x0000, "E03EAD0935C95E80E166B16DD92B4EB4" },
		{ 0x0001, "D23513162B02D0F72A43A2FE4A5F97AB" },
		{ 0x0002, "41E95B3BB0A2E8DD477901E4FCA894C0" },
		{ 0xfeff, "EC8CDF7398607CB0F2D21675EA9EA1E4" },
		{ 0xff00, "362B7C3C6773516318A077D7FC5073AE" },
		{ 0xff01, "6A2CC3787889374FBEB4C81B17BA6C44" },
	};
	const unsigned int len = 1044512;
	u8 key[16], iv[16], exp[16];
	u8 *buf = calloc(1, len);
	unsigned int i;
	void *k;

	ASSERT_NE(NULL, buf);
	unhex("2B7E151628AED2A6ABF7158809CF4F3C", key, sizeof(key));
	unhex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000", iv, sizeof(iv));
	k = ops->key_new(KSRTP_ALG_AES_CTR, key, 16);
	ASSERT_NE(NULL, k);
	ASSERT_EQ(0, ops->ctr_xor(k, iv, buf, len));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		unhex(want[i].ks, exp, sizeof(exp));
		EXPECT_EQ(0, memcmp(buf + 16 * want[i].block, exp, 16))
			TH_LOG("keystream block %#x", want[i].block);
	}
	ops->key_free(k);
	free(buf);
}

/* RFC 3711 Appendix B.3: key derivation, kdr 0; the full 94-octet auth key. */
TEST(rfc3711_b3_key_derivation)
{
	u8 mk[16], ms[14], exp[94];
	u8 *out = calloc(1, 94);

	ASSERT_NE(NULL, out);
	unhex("E1F97A0D3E018BE0D64FA32C06DE4139", mk, sizeof(mk));
	unhex("0EC675AD498AFEEBB6960B3AABE6", ms, sizeof(ms));

	ASSERT_EQ(0, ksrtp_kdf(ops, mk, 16, ms, 14, 0x00, out, 16));
	unhex("C61E7A93744F39EE10734AFE3FF7A087", exp, sizeof(exp));
	EXPECT_EQ(0, memcmp(out, exp, 16));

	ASSERT_EQ(0, ksrtp_kdf(ops, mk, 16, ms, 14, 0x02, out, 14));
	unhex("30CBBC08863D8C85D49DB34A9AE1", exp, sizeof(exp));
	EXPECT_EQ(0, memcmp(out, exp, 14));

	ASSERT_EQ(0, ksrtp_kdf(ops, mk, 16, ms, 14, 0x01, out, 94));
	unhex("CEBE321F6FF7716B6FD4AB49AF256A15"
	      "6D38BAA48F0A0ACF3C34E2359E6CDBCE"
	      "E049646C43D9327AD175578EF7227098"
	      "6371C10C9A369AC2F94A8C5FBCDDDC25"
	      "6D6E919A48B610EF17C2041E47403576"
	      "6B68642C59BBFC2F34DB60DBDFB2", exp, sizeof(exp));
	EXPECT_EQ(0, memcmp(out, exp, 94));
	free(out);
}

/* RFC 6188 §7.2: AES_256_CM_PRF key derivation. */
TEST(rfc6188_7_2_aes_256_cm_prf)
{
	u8 mk[32], ms[14], exp[32];
	u8 *out = calloc(1, 32);

	ASSERT_NE(NULL, out);
	unhex("f0f04914b513f2763a1b1fa130f10e29"
	      "98f6f6e43e4309d1e622a0e332b9f1b6", mk, sizeof(mk));
	unhex("3b04803de51ee7c96423ab5b78d2", ms, sizeof(ms));

	ASSERT_EQ(0, ksrtp_kdf(ops, mk, 32, ms, 14, 0x00, out, 32));
	unhex("5ba1064e30ec51613cad926c5a28ef73"
	      "1ec7fb397f70a960653caf06554cd8c4", exp, sizeof(exp));
	EXPECT_EQ(0, memcmp(out, exp, 32));

	ASSERT_EQ(0, ksrtp_kdf(ops, mk, 32, ms, 14, 0x02, out, 14));
	unhex("fa31791685ca444a9e07c6c64e93", exp, sizeof(exp));
	EXPECT_EQ(0, memcmp(out, exp, 14));

	ASSERT_EQ(0, ksrtp_kdf(ops, mk, 32, ms, 14, 0x01, out, 20));
	unhex("fd9c32d39ed5fbb5a9dc96b30818454d1313dc05", exp, sizeof(exp));
	EXPECT_EQ(0, memcmp(out, exp, 20));
	free(out);
}

/* RFC 7714 §16 (SRTP) and §17 (SRTCP): session key, salt "Quid pro quo". */
FIXTURE(rfc7714) {
	struct ksrtp_ctx *ctx;
	size_t size;
	u8 buf[256];
};

FIXTURE_VARIANT(rfc7714) {
	enum ksrtp_profile profile;
	const char *key;
	const char *srtp;	/* §16.x.1 protected RTP */
	const char *srtcp;	/* §17.x.1 protected RTCP */
};

/* RFC 7714 §16.1.1 and §17.1.1 */
FIXTURE_VARIANT_ADD(rfc7714, aead_aes_128_gcm) {
	.profile = KSRTP_AEAD_AES_128_GCM,
	.key = "000102030405060708090a0b0c0d0e0f",
	.srtp = "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bca"
		"be633bd50d294e6f42a5f47a51c7d19b36de3adf8833899d7f27beb1"
		"6a9152cf765ee4390cce",
	.srtcp = "81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f7"
		 "6c06f32dc676a5f1730d6fda4ce09b4686303ded0bb9275bc84aa458"
		 "96cf4d2fc5abf87245d9eade800005d4",
};

/* RFC 7714 §16.2.1 and §17.2.1 */
FIXTURE_VARIANT_ADD(rfc7714, aead_aes_256_gcm) {
	.profile = KSRTP_AEAD_AES_256_GCM,
	.key = "000102030405060708090a0b0c0d0e0f"
	       "101112131415161718191a1b1c1d1e1f",
	.srtp = "8040f17b8041f8d35501a0b232b1de78a822fe12ef9f78fa332e33aa"
		"b18012389a58e2f3b50b2a0276ffae0f1ba63799b87b7aa3db36dfff"
		"d6b0f9bb7878d7a76c13",
	.srtcp = "81c8000d4d617273d50ae4d1f5ce5d304ba297e47d470c282c3ece5d"
		 "bffe0a50a2eaa5c1110555be8415f658c61de0476f1b6fad1d1eb30c"
		 "4446839f57ff6f6cb26ac3be800005d4",
};

/* RFC 7714 §16.1: "Gallia est omnis divisa in partes tres". */
static const char rtp_plain[] =
	"8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e6973"
	"2064697669736120696e207061727465732074726573";
/* RFC 7714 §17.1 */
static const char rtcp_plain[] =
	"81c8000d4d6172734e5450314e545032525450200000042a0000e930"
	"4c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbeef";

FIXTURE_SETUP(rfc7714)
{
	struct ksrtp_session_keys sk = { 0 };

	unhex(variant->key, sk.enc, sizeof(sk.enc));
	unhex("517569642070726f2071756f", sk.salt, sizeof(sk.salt));
	self->size = ksrtp_ctx_size(NULL);
	self->ctx = calloc(1, self->size);
	ASSERT_NE(NULL, self->ctx);
	ASSERT_EQ(0, ksrtp_ctx_init_session(self->ctx, self->size, ops,
					    variant->profile, &sk, &sk, NULL));
}

FIXTURE_TEARDOWN(rfc7714)
{
	ksrtp_ctx_wipe(self->ctx);
	free(self->ctx);
}

TEST_F(rfc7714, srtp_protect)
{
	u8 exp[256];
	unsigned int n = unhex(rtp_plain, self->buf, sizeof(self->buf));
	unsigned int en = unhex(variant->srtp, exp, sizeof(exp));

	ASSERT_EQ(0, ksrtp_protect(self->ctx, self->buf, &n, sizeof(self->buf)));
	ASSERT_EQ(en, n);
	EXPECT_EQ(0, memcmp(self->buf, exp, en));
}

TEST_F(rfc7714, srtp_unprotect)
{
	u8 exp[256];
	unsigned int n = unhex(variant->srtp, self->buf, sizeof(self->buf));
	unsigned int en = unhex(rtp_plain, exp, sizeof(exp));

	ASSERT_EQ(0, ksrtp_unprotect(self->ctx, self->buf, &n));
	ASSERT_EQ(en, n);
	EXPECT_EQ(0, memcmp(self->buf, exp, en));
	/* Same packet again: the replay window must catch it. */
	n = unhex(variant->srtp, self->buf, sizeof(self->buf));
	EXPECT_EQ(KSRTP_ERR_REPLAY, ksrtp_unprotect(self->ctx, self->buf, &n));
}

TEST_F(rfc7714, srtp_tamper)
{
	unsigned int n = unhex(variant->srtp, self->buf, sizeof(self->buf));

	self->buf[5] ^= 1;	/* AAD: the timestamp */
	EXPECT_EQ(KSRTP_ERR_AUTH, ksrtp_unprotect(self->ctx, self->buf, &n));
	n = unhex(variant->srtp, self->buf, sizeof(self->buf));
	self->buf[n - 1] ^= 0x80;	/* the tag */
	EXPECT_EQ(KSRTP_ERR_AUTH, ksrtp_unprotect(self->ctx, self->buf, &n));
}

TEST_F(rfc7714, srtcp_unprotect)
{
	u8 exp[256];
	unsigned int n = unhex(variant->srtcp, self->buf, sizeof(self->buf));
	unsigned int en = unhex(rtcp_plain, exp, sizeof(exp));

	ASSERT_EQ(0, ksrtcp_unprotect(self->ctx, self->buf, &n));
	ASSERT_EQ(en, n);
	EXPECT_EQ(0, memcmp(self->buf, exp, en));
	n = unhex(variant->srtcp, self->buf, sizeof(self->buf));
	EXPECT_EQ(KSRTP_ERR_REPLAY, ksrtcp_unprotect(self->ctx, self->buf, &n));
}

TEST_F(rfc7714, srtcp_tamper_index)
{
	unsigned int n = unhex(variant->srtcp, self->buf, sizeof(self->buf));

	/* The E||index word is AAD (RFC 7714 §9.2) though not contiguous
	 * with the header: changing it must break the tag. */
	self->buf[n - 1] ^= 0x01;
	EXPECT_EQ(KSRTP_ERR_AUTH, ksrtcp_unprotect(self->ctx, self->buf, &n));
}

/* Session keys from a master key for GCM: 12-octet salt padded for the KDF
 * (RFC 7714 §11), checked against the PRF computed directly. */
TEST(rfc7714_11_kdf_salt_padding)
{
	u8 mk[16], ms[14] = { 0 }, *a = calloc(1, 16), *b = calloc(1, 16);

	ASSERT_NE(NULL, a);
	unhex("000102030405060708090a0b0c0d0e0f", mk, sizeof(mk));
	unhex("517569642070726f2071756f", ms, 12);
	ASSERT_EQ(0, ksrtp_kdf(ops, mk, 16, ms, 12, 0, a, 16));
	ASSERT_EQ(0, ksrtp_kdf(ops, mk, 16, ms, 14, 0, b, 16));
	EXPECT_EQ(0, memcmp(a, b, 16));
	free(a);
	free(b);
}

/* The self-test ksrtp.ko can run at load passes with the OpenSSL backend. */
TEST(selftest_openssl)
{
	void *scratch = calloc(1, KSRTP_SELFTEST_SCRATCH);

	ASSERT_NE(NULL, scratch);
	EXPECT_EQ(0, ksrtp_selftest(ops, scratch, KSRTP_SELFTEST_SCRATCH));
	free(scratch);
}

/* ...and fails on a backend with a subtle bug in each operation. */
static int bad_ctr(void *k, const u8 iv[16], u8 *buf, unsigned int len)
{
	u8 iv2[16];

	memcpy(iv2, iv, 16);
	iv2[15] ^= 1;		/* counter starts one block late */
	return ksrtp_openssl_ops.ctr_xor(k, iv2, buf, len);
}

static int bad_gcm_dec(void *k, const u8 iv[12], const struct ksrtp_seg *aad,
		       unsigned int naad, u8 *buf, unsigned int len)
{
	ksrtp_openssl_ops.gcm_decrypt(k, iv, aad, naad, buf, len);
	return 0;		/* ignores the tag */
}

static int bad_gcm_enc(void *k, const u8 iv[12], const struct ksrtp_seg *aad,
		       unsigned int naad, u8 *buf, unsigned int len)
{
	return ksrtp_openssl_ops.gcm_encrypt(k, iv, aad, 1, buf, len);
}

static int bad_hmac(void *k, const u8 *data, unsigned int len, u8 mac[20])
{
	/* leaves out the last 4 bytes: the ROC of SRTP */
	return ksrtp_openssl_ops.hmac_sha1(k, data, len - 4, mac);
}

TEST(selftest_detects_broken_backends)
{
	void *scratch = calloc(1, KSRTP_SELFTEST_SCRATCH);
	struct ksrtp_crypto_ops bad;

	ASSERT_NE(NULL, scratch);
	bad = ksrtp_openssl_ops;
	bad.ctr_xor = bad_ctr;
	EXPECT_NE(0, ksrtp_selftest(&bad, scratch, KSRTP_SELFTEST_SCRATCH));
	bad = ksrtp_openssl_ops;
	bad.gcm_decrypt = bad_gcm_dec;
	EXPECT_EQ(-3, ksrtp_selftest(&bad, scratch, KSRTP_SELFTEST_SCRATCH));
	bad = ksrtp_openssl_ops;
	bad.gcm_encrypt = bad_gcm_enc;
	EXPECT_EQ(-3, ksrtp_selftest(&bad, scratch, KSRTP_SELFTEST_SCRATCH));
	bad = ksrtp_openssl_ops;
	bad.hmac_sha1 = bad_hmac;
	/* A round trip would not notice (both ends agree); the libsrtp
	 * vector with a non-zero ROC does. */
	EXPECT_EQ(-4, ksrtp_selftest(&bad, scratch, KSRTP_SELFTEST_SCRATCH));
	EXPECT_EQ(KSRTP_ERR_INVAL, ksrtp_selftest(ops, scratch, 100));
	free(scratch);
}

TEST_HARNESS_MAIN
