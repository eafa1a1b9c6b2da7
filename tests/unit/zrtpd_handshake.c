// SPDX-License-Identifier: GPL-2.0
/*
 * Two zrtpd daemons, each on its own mock kernel, run a whole call over
 * UDP on 127.0.0.1:
 *
 *   alice (zrtpd + mock)  127.0.0.1:A  <-- ZRTP -->  127.0.0.1:B  bob (zrtpd + mock)
 *
 * What the daemon owes the kernel on SECURE is checked on the mocks: each
 * side's TX key is the other's RX key, the profile is the negotiated one,
 * and the flow is switched to SECURE mode after the keys are in.
 */
#include "kselftest_harness.h"
#include "zrtpd_test.h"

struct call {
	struct host alice, bob;
	struct host *hs[2];
	char *tmp;
	struct zrtpd_session *sa, *sb;
};

static void c_setup(struct __test_metadata *_metadata, struct call *c)
{
	c->tmp = test_tmpdir();
	ASSERT_NE(NULL, c->tmp);
	host_init(&c->alice, "alice", c->tmp);
	host_init(&c->bob, "bob", c->tmp);
	c->hs[0] = &c->alice;
	c->hs[1] = &c->bob;
}

static void c_start(struct __test_metadata *_metadata, struct call *c)
{
	ASSERT_EQ(0, host_start(&c->alice));
	ASSERT_EQ(0, host_start(&c->bob));
}

/* Both sides add their end of the flow, as an operator would. */
static void c_place(struct __test_metadata *_metadata, struct call *c, unsigned int port)
{
	struct ksrtp_flow_info fa = flow_of(test_port(port), test_port(port + 1));
	struct ksrtp_flow_info fb = flow_of(test_port(port + 1), test_port(port));
	struct two_sessions t = { &c->alice.d, &c->bob.d, 0, 0, ZS_SECURE };

	ASSERT_EQ(0, zrtpd_session_add(&c->alice.d, &fa, NULL, &c->sa));
	ASSERT_EQ(0, zrtpd_session_add(&c->bob.d, &fb, NULL, &c->sb));
	t.ida = c->sa->flow.id;
	t.idb = c->sb->flow.id;
	ASSERT_TRUE(run_until(c->hs, 2, both_in_state, &t, 10000));
}

static void assert_keys_cross(struct __test_metadata *_metadata, struct call *c)
{
	struct zrtpd_mock_key atx, arx, btx, brx;
	struct ksrtp_flow_info fa, fb;

	ASSERT_EQ(0, zrtpd_mock_get_key(c->alice.m, c->sa->flow.id, KSRTP_KEY_DIR_TX, &atx));
	ASSERT_EQ(0, zrtpd_mock_get_key(c->alice.m, c->sa->flow.id, KSRTP_KEY_DIR_RX, &arx));
	ASSERT_EQ(0, zrtpd_mock_get_key(c->bob.m, c->sb->flow.id, KSRTP_KEY_DIR_TX, &btx));
	ASSERT_EQ(0, zrtpd_mock_get_key(c->bob.m, c->sb->flow.id, KSRTP_KEY_DIR_RX, &brx));
	/* alice's sending key is bob's receiving key, and back */
	ASSERT_EQ(atx.key_len, brx.key_len);
	ASSERT_EQ(0, memcmp(atx.key, brx.key, atx.key_len));
	ASSERT_EQ(0, memcmp(atx.salt, brx.salt, 14));
	ASSERT_EQ(0, memcmp(btx.key, arx.key, btx.key_len));
	ASSERT_EQ(0, memcmp(btx.salt, arx.salt, 14));
	/* and the two directions differ (RFC 6189 §4.5.3: initiator/responder keys) */
	ASSERT_NE(0, memcmp(atx.key, arx.key, atx.key_len));
	ASSERT_EQ(atx.profile, btx.profile);
	ASSERT_EQ(14, atx.salt_len);
	/* protection was switched on, on both flows */
	ASSERT_EQ(0, zrtpd_mock_get_flow(c->alice.m, c->sa->flow.id, &fa));
	ASSERT_EQ(0, zrtpd_mock_get_flow(c->bob.m, c->sb->flow.id, &fb));
	ASSERT_EQ(KSRTP_FLOW_MODE_SECURE, fa.mode);
	ASSERT_EQ(KSRTP_FLOW_MODE_SECURE, fb.mode);
	/* and both show "secure" only with clear RTP refused by their kernel */
	ASSERT_EQ(0, fa.policy & KSRTP_POLICY_RX_TRIAL);
	ASSERT_EQ(0, fb.policy & KSRTP_POLICY_RX_TRIAL);
	ASSERT_EQ(0, c->alice.secure_but_clear);
	ASSERT_EQ(0, c->bob.secure_but_clear);
}

static void c_teardown(struct call *c)
{
	host_free(&c->alice);
	host_free(&c->bob);
	rm_rf(c->tmp);
	free(c->tmp);
}

/* Every key agreement zrtpd offers, with each SRTP cipher ksrtp has. */
FIXTURE(call) { struct call c; };
FIXTURE_VARIANT(call) { const char *ka, *cipher, *auth; uint16_t profile; };
FIXTURE_VARIANT_ADD(call, x255_aes1_hs32) { "X255", "AES1", "HS32", KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_32 };
FIXTURE_VARIANT_ADD(call, ec25_aes1_hs80) { "EC25", "AES1", "HS80", KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_80 };
FIXTURE_VARIANT_ADD(call, dh3k_aes3_hs80) { "DH3k", "AES3", "HS80", KSRTP_PROFILE_AES_256_CM_HMAC_SHA1_80 };
FIXTURE_VARIANT_ADD(call, x448_aes3_hs32) { "X448", "AES3", "HS32", KSRTP_PROFILE_AES_256_CM_HMAC_SHA1_32 };
FIXTURE_VARIANT_ADD(call, ec38_aes1_hs32) { "EC38", "AES1", "HS32", KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_32 };

FIXTURE_SETUP(call)
{
	char err[256];
	struct host *hs[2];

	c_setup(_metadata, &self->c);
	hs[0] = &self->c.alice;
	hs[1] = &self->c.bob;
	for (int i = 0; i < 2; i++) {
		ASSERT_EQ(0, zrtpd_config_set(&hs[i]->cfg, "key-agreement", variant->ka, err, sizeof(err)));
		ASSERT_EQ(0, zrtpd_config_set(&hs[i]->cfg, "cipher", variant->cipher, err, sizeof(err)));
		ASSERT_EQ(0, zrtpd_config_set(&hs[i]->cfg, "auth", variant->auth, err, sizeof(err)));
	}
	c_start(_metadata, &self->c);
}

FIXTURE_TEARDOWN(call)
{
	c_teardown(&self->c);
}

TEST_F(call, secure_both_ways)
{
	struct call *c = &self->c;
	struct zrtpd_mock_key k;

	c_place(_metadata, c, 0);
	assert_keys_cross(_metadata, c);
	ASSERT_EQ(0, zrtpd_mock_get_key(c->alice.m, c->sa->flow.id, KSRTP_KEY_DIR_TX, &k));
	ASSERT_EQ(variant->profile, k.profile);
	/* the same SAS and algorithms on both ends; exactly one initiator */
	ASSERT_STREQ(c->sa->sas, c->sb->sas);
	ASSERT_NE(0, strlen(c->sa->sas));
	ASSERT_STREQ(variant->ka, c->sa->ka);
	ASSERT_STREQ(variant->cipher, c->sa->cipher);
	ASSERT_STREQ(c->sa->cipher, c->sb->cipher);
	ASSERT_NE(c->sa->initiator, c->sb->initiator);
	/* each side saw the other's ZID */
	ASSERT_EQ(0, memcmp(c->sa->peer_zid, c->bob.d.zid, 12));
	ASSERT_EQ(0, memcmp(c->sb->peer_zid, c->alice.d.zid, 12));
	/* first call: nothing cached, nothing verified */
	ASSERT_EQ(ZRTP_CACHE_NONE, c->sa->cache);
	ASSERT_FALSE(c->sa->verified);
}

/*
 * The second call between the same endpoints: rs1 from the first matches
 * (cache "match") and the SAS verified in the first call stays verified.
 */
TEST(second_call_cache_and_verified)
{
	struct call c;

	c_setup(_metadata, &c);
	c_start(_metadata, &c);
	c_place(_metadata, &c, 0);
	ASSERT_EQ(ZRTP_CACHE_NONE, c.sa->cache);
	/* both users compare the SAS aloud and press "verified" */
	ASSERT_EQ(0, zrtpd_session_verify(&c.alice.d, c.sa, true));
	ASSERT_EQ(0, zrtpd_session_verify(&c.bob.d, c.sb, true));
	ASSERT_EQ(0, zrtpd_session_del(&c.alice.d, c.sa, true));
	ASSERT_EQ(0, zrtpd_session_del(&c.bob.d, c.sb, true));
	ASSERT_EQ(0, zrtpd_mock_flow_count(c.alice.m));

	c_place(_metadata, &c, 2);
	assert_keys_cross(_metadata, &c);
	ASSERT_EQ(ZRTP_CACHE_MATCH, c.sa->cache);
	ASSERT_EQ(ZRTP_CACHE_MATCH, c.sb->cache);
	ASSERT_TRUE(c.sa->verified);
	ASSERT_TRUE(c.sb->verified);
	ASSERT_STREQ(c.sa->sas, c.sb->sas);
	c_teardown(&c);
}

/*
 * A peer that never answers: discovery gives up (T1, RFC 6189 §6) and the
 * call is clear, its flow left in DIVERT so RTP passes (opportunistic).
 */
TEST(no_peer_means_clear)
{
	struct call c;
	struct zrtpd_session *s;
	struct ksrtp_flow_info f = flow_of(test_port(4), test_port(5)), kf;
	struct two_sessions t;

	c_setup(_metadata, &c);
	c_start(_metadata, &c);
	ASSERT_EQ(0, zrtpd_session_add(&c.alice.d, &f, NULL, &s));
	t = (struct two_sessions){ &c.alice.d, &c.alice.d, s->flow.id, s->flow.id, ZS_CLEAR };
	ASSERT_TRUE(run_until(c.hs, 1, both_in_state, &t, 15000));
	ASSERT_EQ(0, zrtpd_mock_get_flow(c.alice.m, s->flow.id, &kf));
	ASSERT_EQ(KSRTP_FLOW_MODE_DIVERT, kf.mode);
	/* opportunistic; the switch to SRTP would have been lossless */
	ASSERT_EQ(KSRTP_POLICY_RX_TRIAL, kf.policy);
	ASSERT_LT(10, s->zrtp_tx);	/* Hello was retransmitted */
	c_teardown(&c);
}

/*
 * The peer starts after our discovery gave up (its media starts late, or
 * its host is slow): its first Hello starts the handshake over, and the
 * call ends secure with the keys crossed, as if both had started together.
 */
TEST(late_peer_after_discovery_gave_up)
{
	struct call c;
	struct ksrtp_flow_info fa = flow_of(test_port(30), test_port(31));
	struct ksrtp_flow_info fb = flow_of(test_port(31), test_port(30));
	struct two_sessions t;
	uint64_t tx_before;
	char hh[sizeof(c.sa->hello_hash)];

	c_setup(_metadata, &c);
	c_start(_metadata, &c);
	ASSERT_EQ(0, zrtpd_session_add(&c.alice.d, &fa, NULL, &c.sa));
	t = (struct two_sessions){ &c.alice.d, &c.alice.d, c.sa->flow.id, c.sa->flow.id, ZS_CLEAR };
	ASSERT_TRUE(run_until(c.hs, 1, both_in_state, &t, 15000));
	ASSERT_EQ(1, c.alice.d.stats.clear);
	tx_before = c.sa->zrtp_tx;
	strcpy(hh, c.sa->hello_hash);

	ASSERT_EQ(0, zrtpd_session_add(&c.bob.d, &fb, NULL, &c.sb));
	t = (struct two_sessions){ &c.alice.d, &c.bob.d, c.sa->flow.id, c.sb->flow.id, ZS_SECURE };
	ASSERT_TRUE(run_until(c.hs, 2, both_in_state, &t, 10000));
	ASSERT_LT(tx_before, c.sa->zrtp_tx);
	/* the same Hello as before: a peer that queued it still matches */
	ASSERT_STREQ(hh, c.sa->hello_hash);
	ASSERT_EQ(0, c.alice.d.stats.clear);
	ASSERT_STREQ(c.sa->sas, c.sb->sas);
	assert_keys_cross(_metadata, &c);
	c_teardown(&c);
}

/* With require-secure, the kernel flow carries the policy bit (and, as
 * every flow zrtpd creates, RX_TRIAL for a lossless switch to SRTP). */
TEST(require_secure_policy_on_the_flow)
{
	struct call c;
	struct zrtpd_session *s;
	struct ksrtp_flow_info f = flow_of(test_port(6), test_port(7)), kf;
	char err[128];

	c_setup(_metadata, &c);
	ASSERT_EQ(0, zrtpd_config_set(&c.alice.cfg, "policy", "require-secure", err, sizeof(err)));
	c_start(_metadata, &c);
	ASSERT_EQ(0, zrtpd_session_add(&c.alice.d, &f, NULL, &s));
	ASSERT_EQ(0, zrtpd_mock_get_flow(c.alice.m, s->flow.id, &kf));
	ASSERT_EQ(KSRTP_POLICY_REQUIRE_SECURE | KSRTP_POLICY_RX_TRIAL, kf.policy);
	c_teardown(&c);
}

/*
 * RFC 6189 §4.6: the initiator may send SRTP only once the responder has
 * its keys.  zrtpd installs the initiator's keys on Confirm1 but switches
 * the flow to SECURE only on Conf2ACK: with every Conf2ACK lost (and the
 * applications silent), alice stays "switching" (keys in, DIVERT) and so
 * does bob (SECURE with RX_TRIAL: his kernel still takes clear RTP);
 * neither shows "secure".  When a Conf2ACK gets through alice switches and
 * is secure; bob is secure once her first SRTP has authenticated.
 */
TEST(initiator_switches_on_conf2ack)
{
	struct call c;
	struct zrtpd_session_opts resp = { .role = ZRTP_ROLE_RESPONDER };
	struct ksrtp_flow_info fa = flow_of(test_port(10), test_port(11));
	struct ksrtp_flow_info fb = flow_of(test_port(11), test_port(10)), kf;
	struct zrtpd_mock_key k;
	struct two_sessions t;
	int i;

	c_setup(_metadata, &c);
	c.alice.no_media = c.bob.no_media = true;
	c_start(_metadata, &c);
	ASSERT_EQ(0, zrtpd_session_add(&c.bob.d, &fb, &resp, &c.sb));
	ASSERT_EQ(0, zrtpd_session_add(&c.alice.d, &fa, NULL, &c.sa));
	for (i = 0; i < 5000 && !c.sa->armed; i++) {
		zrtpd_run_once(&c.alice.d, 1);
		if (c.sa->armed)
			zrtpd_mock_set_blackhole(c.bob.m, true);	/* Conf2ACK lost */
		else
			zrtpd_run_once(&c.bob.d, 1);
	}
	ASSERT_TRUE(c.sa->armed);
	ASSERT_TRUE(c.sa->initiator);
	for (i = 0; i < 50; i++) {
		zrtpd_run_once(&c.alice.d, 2);
		zrtpd_run_once(&c.bob.d, 2);
	}
	/* bob switched, alice has her keys but has not: neither is secure */
	ASSERT_EQ(ZS_SWITCHING, c.sb->state);
	ASSERT_EQ(ZS_SWITCHING, c.sa->state);
	ASSERT_TRUE(zrtpd_mock_accepts_clear(c.bob.m, c.sb->flow.id));
	ASSERT_EQ(0, zrtpd_mock_get_key(c.alice.m, c.sa->flow.id, KSRTP_KEY_DIR_TX, &k));
	ASSERT_EQ(0, zrtpd_mock_get_flow(c.alice.m, c.sa->flow.id, &kf));
	ASSERT_EQ(KSRTP_FLOW_MODE_DIVERT, kf.mode);
	/* Confirm2 is retransmitted, bob answers it again, alice switches */
	zrtpd_mock_set_blackhole(c.bob.m, false);
	t = (struct two_sessions){ &c.alice.d, &c.alice.d, c.sa->flow.id, c.sa->flow.id, ZS_SECURE };
	ASSERT_TRUE(run_until(c.hs, 2, both_in_state, &t, 10000));
	ASSERT_EQ(0, zrtpd_mock_get_flow(c.alice.m, c.sa->flow.id, &kf));
	ASSERT_EQ(KSRTP_FLOW_MODE_SECURE, kf.mode);
	ASSERT_EQ(0, kf.policy & KSRTP_POLICY_RX_TRIAL);
	ASSERT_EQ(ZS_SWITCHING, c.sb->state);	/* no media yet */
	/* the applications talk: alice's first SRTP makes bob secure */
	c.alice.no_media = c.bob.no_media = false;
	t = (struct two_sessions){ &c.alice.d, &c.bob.d, c.sa->flow.id, c.sb->flow.id, ZS_SECURE };
	ASSERT_TRUE(run_until(c.hs, 2, both_in_state, &t, 10000));
	assert_keys_cross(_metadata, &c);
	ASSERT_EQ(0, c.alice.secure_but_clear);
	ASSERT_EQ(0, c.bob.secure_but_clear);
	c_teardown(&c);
}

/*
 * Admission: with max-handshakes 2, five calls added at once run discovery
 * two at a time (the others wait, sending nothing), and all five end secure.
 */
struct five { struct zrtpd *a, *b; unsigned int max_active; };

static bool five_secure(void *arg)
{
	struct five *f = arg;

	if (f->a->active > f->max_active)
		f->max_active = f->a->active;
	return f->a->stats.secure == 5 && f->b->stats.secure == 5;
}

TEST(admission_limits_concurrent_handshakes)
{
	struct call c;
	struct five f;
	struct zrtpd_session *s;
	int i;

	c_setup(_metadata, &c);
	c.alice.cfg.max_handshakes = 2;
	c_start(_metadata, &c);
	for (i = 0; i < 5; i++) {
		struct ksrtp_flow_info fa = flow_of(test_port(20 + 2 * i), test_port(21 + 2 * i));

		ASSERT_EQ(0, zrtpd_session_add(&c.alice.d, &fa, NULL, &s));
	}
	ASSERT_EQ(2, c.alice.d.active);
	ASSERT_EQ(3, c.alice.d.nqueued);
	ASSERT_TRUE(s->queued);
	ASSERT_EQ(0, s->zrtp_tx);		/* a waiting session sends nothing */
	ASSERT_NE(0, strlen(s->hello_hash));	/* but has its hello hash already */
	for (i = 0; i < 5; i++) {
		struct ksrtp_flow_info fb = flow_of(test_port(21 + 2 * i), test_port(20 + 2 * i));
		struct zrtpd_session_opts o = { .role = ZRTP_ROLE_RESPONDER };

		ASSERT_EQ(0, zrtpd_session_add(&c.bob.d, &fb, &o, NULL));
	}
	f = (struct five){ &c.alice.d, &c.bob.d, 0 };
	ASSERT_TRUE(run_until(c.hs, 2, five_secure, &f, 15000));
	/* bob's Hellos admit alice's waiting sessions early: at most 2 + 3 */
	ASSERT_GE(5, f.max_active);
	ASSERT_EQ(0, c.alice.d.active);
	ASSERT_EQ(0, c.alice.d.nqueued);
	c_teardown(&c);
}

/* The same flow twice is refused, and nothing is left behind. */
TEST(duplicate_flow_refused)
{
	struct call c;
	struct ksrtp_flow_info f = flow_of(test_port(8), test_port(9));

	c_setup(_metadata, &c);
	c_start(_metadata, &c);
	ASSERT_EQ(0, zrtpd_session_add(&c.alice.d, &f, NULL, NULL));
	ASSERT_EQ(-EEXIST, zrtpd_session_add(&c.alice.d, &f, NULL, NULL));
	ASSERT_EQ(1, c.alice.d.nsessions);
	ASSERT_EQ(1, zrtpd_mock_flow_count(c.alice.m));
	c_teardown(&c);
}

TEST_HARNESS_MAIN
