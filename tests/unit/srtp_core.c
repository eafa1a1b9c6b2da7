// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The SRTP core's own logic, without an oracle: index estimation (RFC 3711
 * Appendix A), the replay window at several sizes, per-SSRC bounds, MKI,
 * every error code, parsing and demux, options, and key wiping.
 */
#include "kselftest_harness.h"
#include "srtp_test.h"

/* RFC 3711 Appendix A, case by case: (ROC, s_l, SEQ) -> v. */
TEST(index_estimation_appendix_a)
{
	static const struct {
		u32 roc;
		u16 s_l, seq;
		int ret;
		u32 v;
	} c[] = {
		{ 5, 100, 101, 0, 5 },		/* next packet */
		{ 5, 100, 50, 0, 5 },		/* late, same ROC */
		{ 5, 100, 40000, 0, 4 },	/* s_l < 2^15, SEQ - s_l > 2^15 */
		{ 5, 100, 32868, 0, 5 },	/* exactly 2^15 ahead: same ROC */
		{ 0, 100, 40000, KSRTP_ERR_TOO_OLD, 0 },	/* ROC - 1 < 0 */
		{ 5, 65000, 10, 0, 6 },		/* wrapped: ROC + 1 */
		{ 5, 65000, 40000, 0, 5 },	/* late before the wrap */
		{ 5, 40000, 7232, 0, 5 },	/* s_l - 2^15 == SEQ: same ROC */
		{ 5, 40000, 7231, 0, 6 },
		{ 0xffffffff, 65000, 10, KSRTP_ERR_EXHAUSTED, 0 },
	};
	unsigned int i;
	u64 idx;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		int ret = ksrtp_index_estimate((u64)c[i].roc << 16 | c[i].s_l,
					       c[i].seq, &idx);

		EXPECT_EQ(c[i].ret, ret) TH_LOG("case %u", i);
		if (!ret && !c[i].ret)
			EXPECT_EQ((u64)c[i].v << 16 | c[i].seq, idx)
				TH_LOG("case %u", i);
	}
}

FIXTURE(window) {
	struct ksrtp_ctx *tx, *rx;
	int unused;
};

FIXTURE_VARIANT(window) {
	u32 size;
	enum ksrtp_profile profile;
};

FIXTURE_VARIANT_ADD(window, w128_cm) { .size = 128, .profile = KSRTP_AES_CM_128_HMAC_SHA1_80 };
FIXTURE_VARIANT_ADD(window, w200_gcm) { .size = 200, .profile = KSRTP_AEAD_AES_128_GCM };
FIXTURE_VARIANT_ADD(window, w1024_cm32) { .size = 1024, .profile = KSRTP_AES_CM_128_HMAC_SHA1_32 };
FIXTURE_VARIANT_ADD(window, w4096_gcm256) { .size = 4096, .profile = KSRTP_AEAD_AES_256_GCM };

static const u8 mkey[32] = "0123456789abcdef0123456789abcdef";
static const u8 msalt[14] = "saltsaltsaltsa";

FIXTURE_SETUP(window)
{
	struct ksrtp_opts o = { .replay_window = variant->size };
	enum ksrtp_profile p = variant->profile;

	self->tx = ksrtp_ctx_new(p, mkey, ksrtp_profile_key_len(p), msalt,
				 ksrtp_profile_salt_len(p), &o, NULL);
	self->rx = ksrtp_ctx_new(p, mkey, ksrtp_profile_key_len(p), msalt,
				 ksrtp_profile_salt_len(p), &o, NULL);
	ASSERT_NE(NULL, self->tx);
	ASSERT_NE(NULL, self->rx);
}

FIXTURE_TEARDOWN(window)
{
	ksrtp_ctx_free(self->tx);
	ksrtp_ctx_free(self->rx);
}

static unsigned int mk(struct ksrtp_ctx *tx, u8 *b, u16 seq, u32 ssrc)
{
	unsigned int n = 12 + 20;
	u64 st = seq + 1;

	test_rtp_hdr(b, seq, 0, ssrc, 0, -1, &st);
	memset(b + 12, seq & 0xff, 20);
	if (ksrtp_protect(tx, b, &n, 128))
		return 0;
	return n;
}

/* Exactly window-1 behind is accepted, window behind is too old, for each
 * size; duplicates anywhere in the window are replays. */
TEST_F(window, edges)
{
	const u32 w = variant->size;
	static u8 saved[8300][128];
	static unsigned int len[8300];
	unsigned int i, n;
	u8 b[128] = { 0 };

	ASSERT_GE(8300, 2 * w + 10);
	/* Send 2w+10 packets (protect in order, across the seq wrap), deliver
	 * the first and the last. */
	for (i = 0; i < 2 * w + 10; i++) {
		len[i] = mk(self->tx, saved[i], (u16)(65000 + i), 9);
		ASSERT_NE(0, len[i]);
	}
	memcpy(b, saved[0], len[0]);
	n = len[0];
	ASSERT_EQ(0, ksrtp_unprotect(self->rx, b, &n));
	i = 2 * w + 9;
	memcpy(b, saved[i], len[i]);
	n = len[i];
	ASSERT_EQ(0, ksrtp_unprotect(self->rx, b, &n));
	/* top - (w - 1): inside; top - w: too old. */
	memcpy(b, saved[i - (w - 1)], len[i - (w - 1)]);
	n = len[i - (w - 1)];
	EXPECT_EQ(0, ksrtp_unprotect(self->rx, b, &n));
	memcpy(b, saved[i - w], len[i - w]);
	n = len[i - w];
	EXPECT_EQ(KSRTP_ERR_TOO_OLD, ksrtp_unprotect(self->rx, b, &n));
	/* Every other packet inside the window, then all again: replays. */
	for (i = w + 11; i < 2 * w + 9; i += 2) {
		memcpy(b, saved[i], len[i]);
		n = len[i];
		ASSERT_EQ(0, ksrtp_unprotect(self->rx, b, &n)) TH_LOG("%u", i);
	}
	for (i = w + 10; i < 2 * w + 9; i++) {
		if (i == w + 10)	/* delivered above */
			continue;
		memcpy(b, saved[i], len[i]);
		n = len[i];
		ASSERT_EQ((i - w - 11) % 2 ? 0 : KSRTP_ERR_REPLAY,
			  ksrtp_unprotect(self->rx, b, &n)) TH_LOG("%u", i);
	}
	/* A jump far ahead (across several ring blocks) clears old bits. */
	for (i = 0; i < 3; i++) {
		u16 seq = (u16)(65000 + 2 * w + 9 + 5 * w + i);

		n = mk(self->tx, b, seq, 9);
		ASSERT_NE(0, n);
		ASSERT_EQ(0, ksrtp_unprotect(self->rx, b, &n));
	}
}

/* SSRC bound: the n+1th SSRC is refused on both sides, known ones still
 * pass; forged packets from new SSRCs never take a slot. */
TEST(ssrc_limit)
{
	struct ksrtp_opts o = { .max_ssrcs = 3 };
	struct ksrtp_ctx *tx, *tx2, *rx;
	u8 b[128] = { 0 };
	unsigned int n, i;

	tx = ksrtp_ctx_new(KSRTP_AES_CM_128_HMAC_SHA1_80, mkey, 16, msalt, 14,
			   &o, NULL);
	tx2 = ksrtp_ctx_new(KSRTP_AES_CM_128_HMAC_SHA1_80, mkey, 16, msalt, 14,
			    NULL, NULL);
	rx = ksrtp_ctx_new(KSRTP_AES_CM_128_HMAC_SHA1_80, mkey, 16, msalt, 14,
			   &o, NULL);
	ASSERT_NE(NULL, rx);
	/* Forgeries from 10 SSRCs: AUTH, and no slot taken. */
	for (i = 0; i < 10; i++) {
		n = mk(tx2, b, 1, 100 + i);
		b[n - 1] ^= 1;
		EXPECT_EQ(KSRTP_ERR_AUTH, ksrtp_unprotect(rx, b, &n));
	}
	for (i = 0; i < 3; i++) {
		n = mk(tx, b, 1, 200 + i);
		ASSERT_NE(0, n);
		ASSERT_EQ(0, ksrtp_unprotect(rx, b, &n));
	}
	n = 32;
	test_rtp_hdr(b, 2, 0, 999, 0, -1, &(u64){ 1 });
	EXPECT_EQ(KSRTP_ERR_SSRC_LIMIT, ksrtp_protect(tx, b, &n, 128));
	n = mk(tx2, b, 2, 999);
	EXPECT_EQ(KSRTP_ERR_SSRC_LIMIT, ksrtp_unprotect(rx, b, &n));
	n = mk(tx, b, 2, 201);
	EXPECT_EQ(0, ksrtp_unprotect(rx, b, &n));
	ksrtp_ctx_free(tx);
	ksrtp_ctx_free(tx2);
	ksrtp_ctx_free(rx);
}

/* Distinct error codes for each malformation. */
TEST(errors)
{
	struct ksrtp_opts o = { .mki_len = 2, .mki = { 0xab, 0xcd } };
	struct ksrtp_ctx *tx, *rx;
	u8 b[128] = { 0 }, c[128] = { 0 };
	unsigned int n, m;

	tx = ksrtp_ctx_new(KSRTP_AES_CM_128_HMAC_SHA1_80, mkey, 16, msalt, 14,
			   &o, NULL);
	rx = ksrtp_ctx_new(KSRTP_AES_CM_128_HMAC_SHA1_80, mkey, 16, msalt, 14,
			   &o, NULL);
	ASSERT_NE(NULL, rx);
	/* NOSPACE: no room for MKI + tag. */
	n = 32;
	test_rtp_hdr(b, 1, 0, 5, 0, -1, &(u64){ 1 });
	EXPECT_EQ(KSRTP_ERR_NOSPACE, ksrtp_protect(tx, b, &n, 32 + 11));
	EXPECT_EQ(32, n);
	EXPECT_EQ(0, ksrtp_protect(tx, b, &n, 32 + 12));
	EXPECT_EQ(44, n);
	/* MKI mismatch. */
	memcpy(c, b, n);
	m = n;
	c[32] ^= 1;
	EXPECT_EQ(KSRTP_ERR_MKI, ksrtp_unprotect(rx, c, &m));
	/* Malformed: short, bad version, CSRC count past the end, extension
	 * length past the end. */
	m = 20;
	EXPECT_EQ(KSRTP_ERR_MALFORMED, ksrtp_unprotect(rx, c, &m));
	memcpy(c, b, n);
	m = n;
	c[0] = 0x40;
	EXPECT_EQ(KSRTP_ERR_MALFORMED, ksrtp_unprotect(rx, c, &m));
	memcpy(c, b, n);
	c[0] = 0x8f;
	m = n;
	EXPECT_EQ(KSRTP_ERR_MALFORMED, ksrtp_unprotect(rx, c, &m));
	memcpy(c, b, n);
	c[0] = 0x90;
	c[14] = 0x7f;
	m = n;
	EXPECT_EQ(KSRTP_ERR_MALFORMED, ksrtp_unprotect(rx, c, &m));
	/* Auth, then the good one, then replay.  A packet that fails is left
	 * exactly as it came (the ROC is hashed in place of MKI and tag, then
	 * put back): the RX trial hands it on as clear.
	 */
	memcpy(c, b, n);
	c[20] ^= 4;
	m = n;
	EXPECT_EQ(KSRTP_ERR_AUTH, ksrtp_unprotect(rx, c, &m));
	EXPECT_EQ(n, m);
	c[20] ^= 4;
	EXPECT_EQ(0, memcmp(c, b, n));
	c[n - 1] ^= 0x80;
	EXPECT_EQ(KSRTP_ERR_AUTH, ksrtp_unprotect(rx, c, &m));
	c[n - 1] ^= 0x80;
	EXPECT_EQ(0, memcmp(c, b, n));
	memcpy(c, b, n);
	m = n;
	EXPECT_EQ(0, ksrtp_unprotect(rx, c, &m));
	EXPECT_EQ(32, m);
	memcpy(c, b, n);
	m = n;
	EXPECT_EQ(KSRTP_ERR_REPLAY, ksrtp_unprotect(rx, c, &m));
	/* Sender refuses to reuse an index (keystream reuse). */
	n = 32;
	test_rtp_hdr(b, 1, 0, 5, 0, -1, &(u64){ 1 });
	EXPECT_EQ(KSRTP_ERR_REPLAY, ksrtp_protect(tx, b, &n, 128));
	/* SRTCP: short and bad version. */
	n = 11;
	EXPECT_EQ(KSRTP_ERR_MALFORMED, ksrtcp_unprotect(rx, b, &n));
	n = 7;
	EXPECT_EQ(KSRTP_ERR_MALFORMED, ksrtcp_protect(tx, b, &n, 128));
	/* Bad creation arguments. */
	o.replay_window = 64;
	EXPECT_EQ(0, ksrtp_ctx_size(&o));
	o.replay_window = 0;
	o.mki_len = 17;
	EXPECT_EQ(0, ksrtp_ctx_size(&o));
	/* Within each bound but too big together for one kmalloc. */
	o.mki_len = 0;
	o.replay_window = 32768;
	o.max_ssrcs = 4096;
	EXPECT_EQ(0, ksrtp_ctx_size(&o));
	o.max_ssrcs = 4;
	EXPECT_GT(ksrtp_ctx_size(&o), 4 * 2 * 32768 / 8);
	EXPECT_GE(KSRTP_CTX_MAX_SIZE, ksrtp_ctx_size(&o));
	o.replay_window = 0;
	o.max_ssrcs = 0;
	EXPECT_GE(4096, ksrtp_ctx_size(&o));	/* defaults: ~2 KiB */
	{
		int err = 0;

		EXPECT_EQ(NULL, ksrtp_ctx_new(KSRTP_AES_CM_128_HMAC_SHA1_80,
					      mkey, 32, msalt, 14, NULL, &err));
		EXPECT_EQ(KSRTP_ERR_INVAL, err);
		EXPECT_EQ(NULL, ksrtp_ctx_new((enum ksrtp_profile)5, mkey, 16,
					      msalt, 14, NULL, &err));
		EXPECT_EQ(KSRTP_ERR_INVAL, err);
	}
	ksrtp_ctx_free(tx);
	ksrtp_ctx_free(rx);
}

/* Options: initial ROC, and KSRTP_OPT_INIT_SEQ so that a first packet
 * just past a wrap is placed in ROC + 1. */
TEST(initial_roc_and_seq)
{
	struct ksrtp_opts o = { .roc = 7 };
	struct ksrtp_opts r = { .roc = 7, .seq = 65530,
				.flags = KSRTP_OPT_INIT_SEQ };
	struct ksrtp_ctx *tx, *rx;
	struct ksrtp_stream_info si;
	u8 b[128] = { 0 };
	unsigned int n;

	tx = ksrtp_ctx_new(KSRTP_AEAD_AES_128_GCM, mkey, 16, msalt, 12, &o,
			   NULL);
	ASSERT_NE(NULL, tx);
	n = mk(tx, b, 65534, 1);
	ASSERT_EQ(0, ksrtp_stream_get(tx, 0, &si));
	EXPECT_EQ(7, si.roc);
	n = mk(tx, b, 3, 1);	/* wraps: ROC 8 */
	ASSERT_EQ(0, ksrtp_stream_get(tx, 0, &si));
	EXPECT_EQ(8, si.roc);
	EXPECT_EQ(3, si.seq);

	rx = ksrtp_ctx_new(KSRTP_AEAD_AES_128_GCM, mkey, 16, msalt, 12, &r,
			   NULL);
	ASSERT_NE(NULL, rx);
	EXPECT_EQ(0, ksrtp_unprotect(rx, b, &n));
	ASSERT_EQ(0, ksrtp_stream_get(rx, 0, &si));
	EXPECT_EQ(8, si.roc);
	ksrtp_ctx_free(tx);
	ksrtp_ctx_free(rx);
	/* Without INIT_SEQ the receiver would place it in ROC 7: AUTH. */
	r.flags = 0;
	tx = ksrtp_ctx_new(KSRTP_AEAD_AES_128_GCM, mkey, 16, msalt, 12, &o,
			   NULL);
	rx = ksrtp_ctx_new(KSRTP_AEAD_AES_128_GCM, mkey, 16, msalt, 12, &r,
			   NULL);
	mk(tx, b, 65534, 1);
	n = mk(tx, b, 3, 1);
	EXPECT_EQ(KSRTP_ERR_AUTH, ksrtp_unprotect(rx, b, &n));
	ksrtp_ctx_free(tx);
	ksrtp_ctx_free(rx);
}

/* Reset forgets streams (a replayed packet is accepted again), keeps keys. */
TEST(reset)
{
	struct ksrtp_ctx *tx, *rx;
	struct ksrtp_stream_info si;
	u8 b[128] = { 0 }, c[128];
	unsigned int n, m;

	tx = ksrtp_ctx_new(KSRTP_AES_CM_128_HMAC_SHA1_80, mkey, 16, msalt, 14,
			   NULL, NULL);
	rx = ksrtp_ctx_new(KSRTP_AES_CM_128_HMAC_SHA1_80, mkey, 16, msalt, 14,
			   NULL, NULL);
	ASSERT_NE(NULL, rx);
	n = mk(tx, b, 7, 77);
	memcpy(c, b, n);
	m = n;
	ASSERT_EQ(0, ksrtp_unprotect(rx, c, &m));
	memcpy(c, b, n);
	m = n;
	ASSERT_EQ(KSRTP_ERR_REPLAY, ksrtp_unprotect(rx, c, &m));
	ksrtp_ctx_reset(rx);
	EXPECT_EQ(KSRTP_ERR_INVAL, ksrtp_stream_get(rx, 0, &si));
	memcpy(c, b, n);
	m = n;
	EXPECT_EQ(0, ksrtp_unprotect(rx, c, &m));
	ksrtp_ctx_free(tx);
	ksrtp_ctx_free(rx);
}

/* Keys are wiped: after ksrtp_ctx_wipe() the whole context is zero. */
TEST(wipe)
{
	size_t size = ksrtp_ctx_size(NULL), i, nz = 0;
	struct ksrtp_ctx *ctx = calloc(1, size);
	const u8 *p = (const u8 *)ctx;

	ASSERT_EQ(0, ksrtp_ctx_init(ctx, size, &ksrtp_openssl_ops,
				    KSRTP_AES_256_CM_HMAC_SHA1_80, mkey, 32,
				    msalt, 14, NULL));
	for (i = 0; i < size; i++)
		nz += p[i] != 0;
	EXPECT_GT(nz, 20);
	ksrtp_ctx_wipe(ctx);
	for (i = 0, nz = 0; i < size; i++)
		nz += p[i] != 0;
	EXPECT_EQ(0, nz);
	free(ctx);
}

/* RFC 5761 §4 / RFC 6189 §5 demux, RFC 3550 parsing. */
TEST(classify_and_parse)
{
	u8 b[64] = { 0 };
	struct ksrtp_rtp_info ri;
	u64 st = 3;

	memcpy(b, "\x10\x00\x00\x01ZRTP\x00\x00\x00\x00", 12);
	EXPECT_EQ(KSRTP_PKT_ZRTP, ksrtp_classify(b, 12));
	EXPECT_EQ(KSRTP_PKT_UNKNOWN, ksrtp_classify(b, 11));
	b[0] = 0x80;
	b[1] = 200;
	EXPECT_EQ(KSRTP_PKT_RTCP, ksrtp_classify(b, 8));
	b[1] = 223;
	EXPECT_EQ(KSRTP_PKT_RTCP, ksrtp_classify(b, 8));
	b[1] = 224;
	EXPECT_EQ(KSRTP_PKT_RTP, ksrtp_classify(b, 12));
	b[1] = 0x80 | 96;	/* marker + PT 96 */
	EXPECT_EQ(KSRTP_PKT_RTP, ksrtp_classify(b, 12));
	EXPECT_EQ(KSRTP_PKT_UNKNOWN, ksrtp_classify(b, 11));
	b[0] = 0x00;		/* STUN-like */
	EXPECT_EQ(KSRTP_PKT_UNKNOWN, ksrtp_classify(b, 20));

	/* 2 CSRCs, 1-word extension, 10 payload bytes of which 3 padding. */
	test_rtp_hdr(b, 77, 1234, 0xabcdef01, 2, 1, &st);
	b[0] |= 0x20;
	b[12 + 8 + 8 + 9] = 3;
	ASSERT_EQ(0, ksrtp_rtp_parse(b, 38, &ri));
	EXPECT_EQ(28, ri.hdr_len);
	EXPECT_EQ(2, ri.cc);
	EXPECT_EQ(0xbede, ri.ext_profile);
	EXPECT_EQ(1, ri.ext_words);
	EXPECT_EQ(3, ri.pad_len);
	EXPECT_EQ(7, ri.payload_len);
	EXPECT_EQ(77, ri.seq);
	EXPECT_EQ(0xabcdef01, ri.ssrc);
	b[37] = 11;		/* more padding than payload */
	EXPECT_EQ(KSRTP_ERR_MALFORMED, ksrtp_rtp_parse(b, 38, &ri));
	b[37] = 0;
	EXPECT_EQ(KSRTP_ERR_MALFORMED, ksrtp_rtp_parse(b, 38, &ri));

	/* Compound RTCP: RR (1 word) + SDES (2 words). */
	memset(b, 0, sizeof(b));
	b[0] = 0x80; b[1] = 201; b[3] = 1;
	b[8] = 0x81; b[9] = 202; b[11] = 2;
	EXPECT_EQ(2, ksrtp_rtcp_parse(b, 20));
	EXPECT_EQ(KSRTP_ERR_MALFORMED, ksrtp_rtcp_parse(b, 19));
	b[11] = 3;
	EXPECT_EQ(KSRTP_ERR_MALFORMED, ksrtp_rtcp_parse(b, 20));
}

TEST_HARNESS_MAIN
