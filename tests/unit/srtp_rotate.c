// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Key rotation in the core: ksrtp_stream_get() on the old context and
 * ksrtp_stream_seed() on the new one carry every SSRC's ROC, highest
 * sequence number and SRTCP index over (RFC 3711 §3.3.1), so a rotation
 * after a rollover keeps authenticating -- and without the carry it does
 * not, which is what ksrtp.ko did before (issue 10).
 */
#include "kselftest_harness.h"
#include "srtp_test.h"

static const u8 key1[32] = "0123456789abcdef0123456789abcdef";
static const u8 key2[32] = "fedcba9876543210fedcba9876543210";
static const u8 salt1[14] = "saltsaltsaltsa";
static const u8 salt2[14] = "SALTSALTSALTSA";

enum { SSRC_A = 0x1111, SSRC_B = 0x2222, START = 65536 - 40 };

FIXTURE(rotate) {
	struct ksrtp_ctx *tx1, *rx1, *tx2, *rx2;
	u64 st;
};

FIXTURE_VARIANT(rotate) {
	enum ksrtp_profile profile;
};

FIXTURE_VARIANT_ADD(rotate, cm80) { .profile = KSRTP_AES_CM_128_HMAC_SHA1_80 };
FIXTURE_VARIANT_ADD(rotate, gcm128) { .profile = KSRTP_AEAD_AES_128_GCM };

static struct ksrtp_ctx *mk(enum ksrtp_profile p, const u8 *k, const u8 *s)
{
	int err = 0;

	return ksrtp_ctx_new(p, k, ksrtp_profile_key_len(p), s,
			     ksrtp_profile_salt_len(p), NULL, &err);
}

FIXTURE_SETUP(rotate)
{
	self->st = 0x5eed;
	self->tx1 = mk(variant->profile, key1, salt1);
	self->rx1 = mk(variant->profile, key1, salt1);
	self->tx2 = mk(variant->profile, key2, salt2);
	self->rx2 = mk(variant->profile, key2, salt2);
	ASSERT_NE(NULL, self->tx1);
	ASSERT_NE(NULL, self->rx1);
	ASSERT_NE(NULL, self->tx2);
	ASSERT_NE(NULL, self->rx2);
}

FIXTURE_TEARDOWN(rotate)
{
	ksrtp_ctx_free(self->tx1);
	ksrtp_ctx_free(self->rx1);
	ksrtp_ctx_free(self->tx2);
	ksrtp_ctx_free(self->rx2);
}

/* One RTP packet of @ssrc/@seq through @tx then @rx; the result of rx. */
static int trip(FIXTURE_DATA(rotate) *self, struct ksrtp_ctx *tx,
		struct ksrtp_ctx *rx, u32 ssrc, u16 seq)
{
	u8 b[256];
	unsigned int n = test_rtp_hdr(b, seq, seq * 160u, ssrc, 0, -1, &self->st);
	int ret;

	test_fill(&self->st, b + n, 100);
	n += 100;
	ret = ksrtp_protect(tx, b, &n, sizeof(b));
	if (ret)
		return 1000 + ret;
	return ksrtp_unprotect(rx, b, &n);
}

/* One RTCP packet (a bare sender report header) through @tx then @rx. */
static int rtcp_trip(struct ksrtp_ctx *tx, struct ksrtp_ctx *rx, u32 ssrc)
{
	u8 b[256] = { 0x80, 200, 0, 6 };
	unsigned int n = 28;
	int ret;

	ksrtp_put_be32(ssrc, b + 4);
	ret = ksrtcp_protect(tx, b, &n, sizeof(b));
	if (ret)
		return 1000 + ret;
	return ksrtcp_unprotect(rx, b, &n);
}

/* Both SSRCs cross the rollover under the first key. */
static void before(struct __test_metadata *_metadata,
		   FIXTURE_DATA(rotate) *self)
{
	unsigned int i;

	for (i = 0; i < 100; i++) {
		ASSERT_EQ(0, trip(self, self->tx1, self->rx1, SSRC_A,
				  (u16)(START + i)));
		ASSERT_EQ(0, trip(self, self->tx1, self->rx1, SSRC_B,
				  (u16)(START + 2 * i)));
	}
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, rtcp_trip(self->tx1, self->rx1, SSRC_A));
}

static void carry(struct ksrtp_ctx *to, const struct ksrtp_ctx *from)
{
	struct ksrtp_stream_info si;
	unsigned int i;

	for (i = 0; !ksrtp_stream_get(from, i, &si); i++)
		ksrtp_stream_seed(to, &si);
}

TEST_F(rotate, carried_roc_authenticates)
{
	struct ksrtp_stream_info si;
	unsigned int i;

	before(_metadata, self);
	carry(self->tx2, self->tx1);
	carry(self->rx2, self->rx1);
	ASSERT_EQ(0, ksrtp_stream_get(self->tx2, 0, &si));
	EXPECT_EQ(SSRC_A, si.ssrc);
	EXPECT_EQ(1, si.roc);
	EXPECT_EQ((u16)(START + 99), si.seq);
	EXPECT_EQ(3, si.rtcp_index);
	ASSERT_EQ(0, ksrtp_stream_get(self->rx2, 1, &si));
	EXPECT_EQ(SSRC_B, si.ssrc);
	EXPECT_EQ(1, si.roc);
	EXPECT_EQ((u16)(START + 198), si.seq);
	/* Seeding an SSRC twice is refused. */
	EXPECT_EQ(KSRTP_ERR_INVAL, ksrtp_stream_seed(self->rx2, &si));

	for (i = 100; i < 200; i++) {
		ASSERT_EQ(0, trip(self, self->tx2, self->rx2, SSRC_A,
				  (u16)(START + i))) TH_LOG("packet %u", i);
		ASSERT_EQ(0, trip(self, self->tx2, self->rx2, SSRC_B,
				  (u16)(START + 2 * i))) TH_LOG("packet %u", i);
	}
	ASSERT_EQ(0, rtcp_trip(self->tx2, self->rx2, SSRC_A));
	/* The new receiver continues the old one's index: ROC 1 (or 2). */
	ASSERT_EQ(0, ksrtp_stream_get(self->rx2, 1, &si));
	EXPECT_EQ(1, si.roc);
	/* The SRTCP index continued too: the 4th packet is index 4. */
	ASSERT_EQ(0, ksrtp_stream_get(self->tx2, 0, &si));
	EXPECT_EQ(4, si.rtcp_index);
}

/* Without the carry, the receiver of the peer's new key is 2^16 behind. */
TEST_F(rotate, fresh_context_fails_after_rollover)
{
	unsigned int i;

	before(_metadata, self);
	carry(self->tx2, self->tx1);	/* the peer carries, we do not */
	for (i = 100; i < 110; i++)
		EXPECT_EQ(KSRTP_ERR_AUTH, trip(self, self->tx2, self->rx2, SSRC_A,
					       (u16)(START + i)));
}

/* A new SSRC after the carry starts as any new SSRC does. */
TEST_F(rotate, new_ssrc_after_carry)
{
	before(_metadata, self);
	carry(self->tx2, self->tx1);
	carry(self->rx2, self->rx1);
	EXPECT_EQ(0, trip(self, self->tx2, self->rx2, 0x3333, 17));
	EXPECT_EQ(0, trip(self, self->tx2, self->rx2, 0x3333, 18));
}

/*
 * The peer started the SSRC afresh under the new key (a new session, a
 * new random sequence number behind the carried one): the carried state
 * would call every packet too old, for ever; the first packet that
 * authenticates as a fresh start replaces it.
 */
TEST_F(rotate, peer_restart_after_carry)
{
	struct ksrtp_stream_info si;
	unsigned int i;

	before(_metadata, self);
	carry(self->rx2, self->rx1);
	/*
	 * tx2 is a fresh sender: ROC 0 from sequence number 40000, which the
	 * carried state (ROC 1, s_l 59) places 25,595 packets back.  (A
	 * fresh start that lands ahead of a carried ROC >= 1 cannot be told
	 * from a continuation; with a carried ROC 0 both agree anyway.)
	 */
	for (i = 0; i < 20; i++)
		ASSERT_EQ(0, trip(self, self->tx2, self->rx2, SSRC_A,
				  (u16)(40000 + i))) TH_LOG("packet %u", i);
	ASSERT_EQ(0, ksrtp_stream_get(self->rx2, 0, &si));
	EXPECT_EQ(SSRC_A, si.ssrc);
	EXPECT_EQ(0, si.roc);
	EXPECT_EQ(40019, si.seq);
	/* SRTCP restarted at index 1 too. */
	EXPECT_EQ(0, rtcp_trip(self->tx2, self->rx2, SSRC_A));
	EXPECT_EQ(0, rtcp_trip(self->tx2, self->rx2, SSRC_A));

	/* A packet claiming a fresh start must still authenticate ... */
	{
		u8 b[256];
		unsigned int n = test_rtp_hdr(b, 40000, 0, SSRC_B, 0, -1, &self->st);

		n += 50;
		ASSERT_EQ(0, ksrtp_protect(self->tx2, b, &n, sizeof(b)));
		b[n - 1] ^= 1;
		EXPECT_EQ(KSRTP_ERR_AUTH, ksrtp_unprotect(self->rx2, b, &n));
	}
	/* ... and one that does not leaves the carried stream as it was. */
	ASSERT_EQ(0, ksrtp_stream_get(self->rx2, 1, &si));
	EXPECT_EQ(SSRC_B, si.ssrc);
	EXPECT_EQ(1, si.roc);
	carry(self->tx2, self->tx1);	/* SSRC_B continues under tx2 */
	EXPECT_EQ(0, trip(self, self->tx2, self->rx2, SSRC_B, (u16)(START + 200)));
}

/* Carried streams no packet used make room for new SSRCs. */
TEST_F(rotate, carried_streams_give_way)
{
	struct ksrtp_opts o = { .max_ssrcs = 2 };
	struct ksrtp_ctx *tx3, *rx3;
	int err = 0;

	before(_metadata, self);
	rx3 = ksrtp_ctx_new(variant->profile, key2,
			    ksrtp_profile_key_len(variant->profile), salt2,
			    ksrtp_profile_salt_len(variant->profile), &o, &err);
	tx3 = ksrtp_ctx_new(variant->profile, key2,
			    ksrtp_profile_key_len(variant->profile), salt2,
			    ksrtp_profile_salt_len(variant->profile), &o, &err);
	ASSERT_NE(NULL, rx3);
	ASSERT_NE(NULL, tx3);
	carry(rx3, self->rx1);		/* full: SSRC_A and SSRC_B */
	carry(tx3, self->tx1);
	/* SSRC_A goes on; a new SSRC takes SSRC_B's place, not refused. */
	EXPECT_EQ(0, trip(self, tx3, rx3, SSRC_A, (u16)(START + 100)));
	EXPECT_EQ(0, trip(self, tx3, rx3, 0x4444, 5));
	/* Now both places are in use: a third SSRC is refused. */
	EXPECT_EQ(1000 + KSRTP_ERR_SSRC_LIMIT, trip(self, tx3, rx3, 0x5555, 5));
	ksrtp_ctx_free(tx3);
	ksrtp_ctx_free(rx3);
}

TEST_HARNESS_MAIN
