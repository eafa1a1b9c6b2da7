// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Known-answer self-test of the SRTP core *and the crypto backend it is
 * given*: ksrtp.ko can run it at load time with the kernel crypto API ops
 * (as WireGuard runs its selftests) and refuse to load if the backend does
 * not produce the RFC vectors; the userspace unit tests run it with the
 * OpenSSL ops.  Vectors cite their RFC section; they are the same ones
 * tests/unit/srtp_kat.c checks in more detail.
 */
#include "srtp.h"

struct selftest_mem {
	u8 out[96];
	u8 pkt[256];
	u8 exp[256];
	struct ksrtp_session_keys sk;
	u64 ctx[];		/* struct ksrtp_ctx, 8-byte aligned */
};

static unsigned int unhex(const char *s, u8 *out, unsigned int cap)
{
	unsigned int n = 0;
	int hi, lo;

	while (s[0] && s[1] && n < cap) {
		hi = s[0] <= '9' ? s[0] - '0' : (s[0] | 0x20) - 'a' + 10;
		lo = s[1] <= '9' ? s[1] - '0' : (s[1] | 0x20) - 'a' + 10;
		out[n++] = (u8)(hi << 4 | lo);
		s += 2;
	}
	return n;
}

/* RFC 3711 Appendix B.3 */
static const char b3_key[] = "e1f97a0d3e018be0d64fa32c06de4139";
static const char b3_salt[] = "0ec675ad498afeebb6960b3aabe6";
/* RFC 6188 §7.2 */
static const char r6188_key[] = "f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6";
static const char r6188_salt[] = "3b04803de51ee7c96423ab5b78d2";

static const struct {
	const char *key, *salt;
	u8 key_len, label, out_len;
	const char *out;
} kdf_vec[] = {
	{ b3_key, b3_salt, 16, 0, 16, "c61e7a93744f39ee10734afe3ff7a087" },
	{ b3_key, b3_salt, 16, 1, 20, "cebe321f6ff7716b6fd4ab49af256a156d38baa4" },
	{ b3_key, b3_salt, 16, 2, 14, "30cbbc08863d8c85d49db34a9ae1" },
	{ r6188_key, r6188_salt, 32, 0, 32,
	  "5ba1064e30ec51613cad926c5a28ef731ec7fb397f70a960653caf06554cd8c4" },
	{ r6188_key, r6188_salt, 32, 1, 20, "fd9c32d39ed5fbb5a9dc96b30818454d1313dc05" },
	{ r6188_key, r6188_salt, 32, 2, 14, "fa31791685ca444a9e07c6c64e93" },
};

/* RFC 3711 Appendix B.2: the first three keystream blocks. */
static const char b2_key[] = "2b7e151628aed2a6abf7158809cf4f3c";
static const char b2_iv[] = "f0f1f2f3f4f5f6f7f8f9fafbfcfd0000";
static const char b2_ks[] = "e03ead0935c95e80e166b16dd92b4eb4d23513162b02d0f72a43a2fe4a5f97ab41e95b3bb0a2e8dd477901e4fca894c0";

/* RFC 7714 §16.1 / §17.1 plaintexts, §16.x.1 / §17.x.1 ciphertexts. */
static const char gcm_salt[] = "517569642070726f2071756f";
static const char gcm_rtp[] =
	"8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573";
static const char gcm_rtcp[] =
	"81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbeef";
static const struct {
	enum ksrtp_profile profile;
	const char *key, *srtp, *srtcp;
} gcm_vec[] = {
	{ KSRTP_AEAD_AES_128_GCM, "000102030405060708090a0b0c0d0e0f",
	  "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833899d7f27beb16a9152cf765ee4390cce",
	  "81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade800005d4" },
	{ KSRTP_AEAD_AES_256_GCM,
	  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	  "8040f17b8041f8d35501a0b232b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3b50b2a0276ffae0f1ba63799b87b7aa3db36dfffd6b0f9bb7878d7a76c13",
	  "81c8000d4d617273d50ae4d1f5ce5d304ba297e47d470c282c3ece5dbffe0a50a2eaa5c1110555be8415f658c61de0476f1b6fad1d1eb30c4446839f57ff6f6cb26ac3be800005d4" },
};

/*
 * Not from an RFC: SRTP packets produced by libsrtp 2.5.0 (the project's
 * oracle) for every profile with master key 0x22..., master salt 0x44...,
 * SSRC 0x01020304, ROC 0x12345 (set with srtp_set_stream_roc()), SEQ
 * 0x1234, one CSRC and a one-word header extension.  The non-zero ROC is
 * what the RFC vectors lack: it proves the ROC enters the HMAC (RFC 3711
 * §4.2) and the GCM IV (RFC 7714 §8.1).  Plaintext: that header, then
 * "ksrtp selftest pkt!!".
 */
static const char lib_rtp[] = "91601234decafbad010203040a0b0c0dbede0001112233446b737274702073656c667465737420706b742121";
static const struct {
	enum ksrtp_profile profile;
	const char *srtp;
} lib_vec[] = {
	{ KSRTP_AES_CM_128_HMAC_SHA1_80,
	  "91601234decafbad010203040a0b0c0dbede000111223344504bcd477c23d34fc4870d4ccd0359c61910916506b0c76c1e9798bc2dbf" },
	{ KSRTP_AES_CM_128_HMAC_SHA1_32,
	  "91601234decafbad010203040a0b0c0dbede000111223344504bcd477c23d34fc4870d4ccd0359c61910916506b0c76c" },
	{ KSRTP_AES_256_CM_HMAC_SHA1_80,
	  "91601234decafbad010203040a0b0c0dbede00011122334465be557a72379f09c6873fe03ef6b238d2e752a288a6b787a086e676515c" },
	{ KSRTP_AES_256_CM_HMAC_SHA1_32,
	  "91601234decafbad010203040a0b0c0dbede00011122334465be557a72379f09c6873fe03ef6b238d2e752a288a6b787" },
	{ KSRTP_AEAD_AES_128_GCM,
	  "91601234decafbad010203040a0b0c0dbede00011122334415510f65253d5e735fba5f084cccb9bb1dd54df13c8f3e4f3b48c6994bd8aeda6bbca25a" },
	{ KSRTP_AEAD_AES_256_GCM,
	  "91601234decafbad010203040a0b0c0dbede00011122334428a5e18bd55f19d9faa67a4e25afd351b2ea041c6496ad8012d5cb410ff6b2f4105ee396" },
};

static int test_kdf(const struct ksrtp_crypto_ops *ops, struct selftest_mem *m)
{
	u8 key[32], salt[14];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kdf_vec); i++) {
		unhex(kdf_vec[i].key, key, sizeof(key));
		unhex(kdf_vec[i].salt, salt, sizeof(salt));
		unhex(kdf_vec[i].out, m->exp, kdf_vec[i].out_len);
		if (ksrtp_kdf(ops, key, kdf_vec[i].key_len, salt, 14,
			      kdf_vec[i].label, m->out, kdf_vec[i].out_len) ||
		    memcmp(m->out, m->exp, kdf_vec[i].out_len))
			return -1;
	}
	return 0;
}

static int test_keystream(const struct ksrtp_crypto_ops *ops,
			  struct selftest_mem *m)
{
	u8 key[16], iv[16];
	void *k;
	int ret = -1;

	unhex(b2_key, key, sizeof(key));
	unhex(b2_iv, iv, sizeof(iv));
	unhex(b2_ks, m->exp, 48);
	memset(m->out, 0, 48);
	k = ops->key_new(KSRTP_ALG_AES_CTR, key, 16);
	if (!k)
		return -1;
	if (!ops->ctr_xor(k, iv, m->out, 48) && !memcmp(m->out, m->exp, 48))
		ret = 0;
	ops->key_free(k);
	return ret;
}

static int test_gcm(const struct ksrtp_crypto_ops *ops, struct selftest_mem *m,
		    size_t ctx_size)
{
	struct ksrtp_ctx *tx = (struct ksrtp_ctx *)((u8 *)m->ctx + ctx_size);
	struct ksrtp_ctx *ctx = (struct ksrtp_ctx *)m->ctx;
	unsigned int i, n, en;
	int ret = 0;

	for (i = 0; i < ARRAY_SIZE(gcm_vec) && !ret; i++) {
		memset(&m->sk, 0, sizeof(m->sk));
		unhex(gcm_vec[i].key, m->sk.enc, sizeof(m->sk.enc));
		unhex(gcm_salt, m->sk.salt, sizeof(m->sk.salt));
		if (ksrtp_ctx_init_session(ctx, ctx_size, ops,
					   gcm_vec[i].profile, &m->sk, &m->sk,
					   NULL))
			return -1;
		/* §16.x.1: protect gives the vector, unprotect inverts it. */
		n = unhex(gcm_rtp, m->pkt, sizeof(m->pkt));
		en = unhex(gcm_vec[i].srtp, m->exp, sizeof(m->exp));
		if (ksrtp_protect(ctx, m->pkt, &n, sizeof(m->pkt)) || n != en ||
		    memcmp(m->pkt, m->exp, en))
			ret = -1;
		ksrtp_ctx_wipe(ctx);
		if (ret || ksrtp_ctx_init_session(ctx, ctx_size, ops,
						  gcm_vec[i].profile, &m->sk,
						  &m->sk, NULL))
			return -1;
		en = unhex(gcm_rtp, m->exp, sizeof(m->exp));
		if (ksrtp_unprotect(ctx, m->pkt, &n) || n != en ||
		    memcmp(m->pkt, m->exp, en))
			ret = -1;
		/* §17.x.1: SRTCP, and a flipped tag bit is refused. */
		n = unhex(gcm_vec[i].srtcp, m->pkt, sizeof(m->pkt));
		m->pkt[n - 5] ^= 1;
		if (ksrtcp_unprotect(ctx, m->pkt, &n) != KSRTP_ERR_AUTH)
			ret = -1;
		n = unhex(gcm_vec[i].srtcp, m->pkt, sizeof(m->pkt));
		en = unhex(gcm_rtcp, m->exp, sizeof(m->exp));
		if (ksrtcp_unprotect(ctx, m->pkt, &n) || n != en ||
		    memcmp(m->pkt, m->exp, en))
			ret = -1;
		/* Our SRTCP-GCM protect, with its split AAD, round-trips
		 * (to a fresh receiver: the vector's index is 0x5d4, ours 1).
		 */
		ksrtp_ctx_wipe(ctx);
		if (ksrtp_ctx_init_session(tx, ctx_size, ops,
					   gcm_vec[i].profile, &m->sk, &m->sk,
					   NULL))
			return -1;
		if (ksrtp_ctx_init_session(ctx, ctx_size, ops,
					   gcm_vec[i].profile, &m->sk, &m->sk,
					   NULL)) {
			ksrtp_ctx_wipe(tx);
			return -1;
		}
		if (ksrtcp_protect(tx, m->pkt, &n, sizeof(m->pkt)) ||
		    ksrtcp_unprotect(ctx, m->pkt, &n) || n != en ||
		    memcmp(m->pkt, m->exp, en))
			ret = -1;
		ksrtp_ctx_wipe(tx);
		ksrtp_ctx_wipe(ctx);
	}
	return ret;
}

/*
 * Every profile against the libsrtp vectors, with a sender and a receiver
 * context (each holds one direction's per-SSRC state), then tamper and
 * replay, then an SRTCP round trip.
 */
static int test_profiles(const struct ksrtp_crypto_ops *ops,
			 struct selftest_mem *m, size_t ctx_size)
{
	struct ksrtp_ctx *tx = (struct ksrtp_ctx *)m->ctx;
	struct ksrtp_ctx *rx = (struct ksrtp_ctx *)((u8 *)m->ctx + ctx_size);
	struct ksrtp_opts o = { .roc = 0x12345 };
	unsigned int i, n, pn, en;
	u8 key[32], salt[14];
	int ret = 0;

	memset(key, 0x22, sizeof(key));
	memset(salt, 0x44, sizeof(salt));
	for (i = 0; i < ARRAY_SIZE(lib_vec) && !ret; i++) {
		enum ksrtp_profile p = lib_vec[i].profile;
		unsigned int kl = p == KSRTP_AES_CM_128_HMAC_SHA1_80 ||
				  p == KSRTP_AES_CM_128_HMAC_SHA1_32 ||
				  p == KSRTP_AEAD_AES_128_GCM ? 16 : 32;
		unsigned int sl = p == KSRTP_AEAD_AES_128_GCM ||
				  p == KSRTP_AEAD_AES_256_GCM ? 12 : 14;

		if (ksrtp_ctx_init(tx, ctx_size, ops, p, key, kl, salt, sl, &o))
			return -1;
		if (ksrtp_ctx_init(rx, ctx_size, ops, p, key, kl, salt, sl,
				   &o)) {
			ksrtp_ctx_wipe(tx);
			return -1;
		}
		pn = unhex(lib_rtp, m->pkt, sizeof(m->pkt));
		en = unhex(lib_vec[i].srtp, m->exp, sizeof(m->exp));
		n = pn;
		if (ksrtp_protect(tx, m->pkt, &n, sizeof(m->pkt)) || n != en ||
		    memcmp(m->pkt, m->exp, en))
			ret = -1;
		memcpy(m->out, m->pkt, n);	/* keep the SRTP packet */
		m->pkt[n - 1] ^= 0x40;
		if (ksrtp_unprotect(rx, m->pkt, &n) != KSRTP_ERR_AUTH)
			ret = -1;
		/* GCM may have decrypted in place before refusing the tag. */
		memcpy(m->pkt, m->out, en);
		n = en;
		unhex(lib_rtp, m->exp, sizeof(m->exp));
		if (ksrtp_unprotect(rx, m->pkt, &n) || n != pn ||
		    memcmp(m->pkt, m->exp, pn))
			ret = -1;
		n = en;
		if (ksrtp_unprotect(rx, m->out, &n) != KSRTP_ERR_REPLAY)
			ret = -1;
		pn = unhex(gcm_rtcp, m->exp, sizeof(m->exp));
		memcpy(m->pkt, m->exp, pn);
		n = pn;
		if (ksrtcp_protect(tx, m->pkt, &n, sizeof(m->pkt)) ||
		    ksrtcp_unprotect(rx, m->pkt, &n) || n != pn ||
		    memcmp(m->pkt, m->exp, pn))
			ret = -1;
		ksrtp_ctx_wipe(tx);
		ksrtp_ctx_wipe(rx);
	}
	return ret;
}

int ksrtp_selftest(const struct ksrtp_crypto_ops *ops, void *scratch,
		   size_t len)
{
	struct selftest_mem *m = scratch;
	size_t ctx_size = (ksrtp_ctx_size(NULL) + 7) & ~(size_t)7;

	if (len < sizeof(*m) + 2 * ctx_size || !ksrtp_sg_capable(scratch))
		return KSRTP_ERR_INVAL;
	if (test_kdf(ops, m))
		return -1;
	if (test_keystream(ops, m))
		return -2;
	if (test_gcm(ops, m, ctx_size))
		return -3;
	if (test_profiles(ops, m, ctx_size))
		return -4;
	ksrtp_wipe(m, sizeof(*m));
	return 0;
}
