// SPDX-License-Identifier: GPL-2.0
/*
 * Multistream through zrtpd (issue 11, finding 7): two daemons on mock
 * kernels, a first stream (audio) keyed by DH, then a second stream
 * (video) between the same two ZIDs.  The second goes secure in Mult mode
 * (RFC 6189 §4.4.3) keyed from the first: no DH, the first call's SAS,
 * its own SRTP keys in both kernels.  Without a master the engine would
 * run a second DH (and refuse a peer's Mult Commit with 0x53).
 */
#include "kselftest_harness.h"
#include "zrtpd_test.h"

FIXTURE(mult) {
	struct host alice, bob;
	struct host *hs[2];
	char *tmp;
};

/* who starts the second stream: alice (initiator), bob, or both (auto) */
FIXTURE_VARIANT(mult) { enum zrtp_role alice_role, bob_role; };
FIXTURE_VARIANT_ADD(mult, alice_commits) { ZRTP_ROLE_INITIATOR, ZRTP_ROLE_RESPONDER };
FIXTURE_VARIANT_ADD(mult, bob_commits) { ZRTP_ROLE_RESPONDER, ZRTP_ROLE_INITIATOR };
FIXTURE_VARIANT_ADD(mult, auto_roles) { ZRTP_ROLE_AUTO, ZRTP_ROLE_AUTO };

FIXTURE_SETUP(mult)
{
	self->tmp = test_tmpdir();
	ASSERT_NE(NULL, self->tmp);
	host_init(&self->alice, "alice", self->tmp);
	host_init(&self->bob, "bob", self->tmp);
	self->hs[0] = &self->alice;
	self->hs[1] = &self->bob;
	ASSERT_EQ(0, host_start(&self->alice));
	ASSERT_EQ(0, host_start(&self->bob));
}

FIXTURE_TEARDOWN(mult)
{
	host_free(&self->alice);
	host_free(&self->bob);
	rm_rf(self->tmp);
	free(self->tmp);
}

static void stream(struct __test_metadata *_metadata, FIXTURE_DATA(mult) *self,
		   unsigned int port, enum zrtp_role ra, enum zrtp_role rb,
		   struct zrtpd_session **sa, struct zrtpd_session **sb)
{
	struct zrtpd_session_opts oa = { .role = ra }, ob = { .role = rb };
	struct ksrtp_flow_info fa = flow_of(test_port(port), test_port(port + 1));
	struct ksrtp_flow_info fb = flow_of(test_port(port + 1), test_port(port));
	struct two_sessions t;

	ASSERT_EQ(0, zrtpd_session_add(&self->bob.d, &fb, &ob, sb));
	ASSERT_EQ(0, zrtpd_session_add(&self->alice.d, &fa, &oa, sa));
	t = (struct two_sessions){ &self->alice.d, &self->bob.d, (*sa)->flow.id, (*sb)->flow.id,
				   ZS_SECURE };
	ASSERT_TRUE(run_until(self->hs, 2, both_in_state, &t, 15000));
	ASSERT_EQ(0, self->alice.secure_but_clear);
	ASSERT_EQ(0, self->bob.secure_but_clear);
}

static void keys_crossed(struct __test_metadata *_metadata, FIXTURE_DATA(mult) *self,
			 uint32_t ida, uint32_t idb, struct zrtpd_mock_key *atx)
{
	struct zrtpd_mock_key brx, arx, btx;

	ASSERT_EQ(0, zrtpd_mock_get_key(self->alice.m, ida, KSRTP_KEY_DIR_TX, atx));
	ASSERT_EQ(0, zrtpd_mock_get_key(self->alice.m, ida, KSRTP_KEY_DIR_RX, &arx));
	ASSERT_EQ(0, zrtpd_mock_get_key(self->bob.m, idb, KSRTP_KEY_DIR_TX, &btx));
	ASSERT_EQ(0, zrtpd_mock_get_key(self->bob.m, idb, KSRTP_KEY_DIR_RX, &brx));
	EXPECT_EQ(0, memcmp(atx, &brx, sizeof(brx)));
	EXPECT_EQ(0, memcmp(&arx, &btx, sizeof(btx)));
}

TEST_F(mult, second_stream_uses_mult)
{
	struct zrtpd_session *a1, *b1, *a2, *b2;
	struct zrtpd_mock_key k1, k2;
	uint64_t dh_a, dh_b;

	/* audio: a DH exchange (DHPart1/DHPart2 on the wire) */
	zrtpd_mock_count_type(self->alice.m, "DHPart2");
	zrtpd_mock_count_type(self->bob.m, "DHPart1");
	stream(_metadata, self, 0, ZRTP_ROLE_INITIATOR, ZRTP_ROLE_RESPONDER, &a1, &b1);
	EXPECT_STRNE("Mult", a1->ka);
	EXPECT_STRNE("Mult", b1->ka);
	dh_a = zrtpd_mock_type_sent(self->alice.m);
	dh_b = zrtpd_mock_type_sent(self->bob.m);
	EXPECT_LE(1, dh_a + dh_b);
	keys_crossed(_metadata, self, a1->flow.id, b1->flow.id, &k1);

	/* video, same two ZIDs: Mult, no DHPart1 from either side */
	zrtpd_mock_count_type(self->alice.m, "DHPart1");
	zrtpd_mock_count_type(self->bob.m, "DHPart1");
	stream(_metadata, self, 2, variant->alice_role, variant->bob_role, &a2, &b2);
	EXPECT_STREQ("Mult", a2->ka);
	EXPECT_STREQ("Mult", b2->ka);
	EXPECT_EQ(0, zrtpd_mock_type_sent(self->alice.m));
	EXPECT_EQ(0, zrtpd_mock_type_sent(self->bob.m));
	/* one SAS for the two streams */
	EXPECT_STREQ(a1->sas, a2->sas);
	EXPECT_STREQ(b1->sas, b2->sas);
	EXPECT_STREQ(a2->sas, b2->sas);
	EXPECT_NE(0, a2->sas[0]);
	/* the video stream's own keys, in both kernels */
	keys_crossed(_metadata, self, a2->flow.id, b2->flow.id, &k2);
	EXPECT_NE(0, memcmp(&k1, &k2, sizeof(k1)));
	/* the audio stream is untouched */
	EXPECT_EQ(ZS_SECURE, a1->state);
	EXPECT_EQ(ZS_SECURE, b1->state);
}

TEST_HARNESS_MAIN
