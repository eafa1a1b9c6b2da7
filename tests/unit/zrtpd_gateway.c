// SPDX-License-Identifier: GPL-2.0
/*
 * Gateway: ZRTP on one leg of a kernel relay, on the mock kernel.
 *
 *   phone zrtpd (bob)            gateway zrtpd (gw)
 *   127.0.0.1:P1 <--- ZRTP ---> leg A 127.0.0.1:P0  <relay>  leg B P2 -> P3 (clear)
 *
 * "relay-add LEG to LEG zrtp a" joins two existing flows and runs a
 * session on leg A only: leg B keeps its mode and policy, gets no key, no
 * ZRTP and no session.  Refusals change nothing.  A restarted daemon takes
 * back the legs it bound (from the kernel's relays and its state file) and
 * never a relay leg keyed by someone else.
 */
#include "kselftest_harness.h"
#include "zrtpd_test.h"

FIXTURE(gw) {
	struct host gw, bob;
	struct host *hs[2];
	char *tmp;
	struct ksrtp_flow_info a, b;	/* the gateway's legs, as created */
};

FIXTURE_SETUP(gw)
{
	struct ksrtp_flow_info a = flow_of(test_port(0), test_port(1));
	struct ksrtp_flow_info b = flow_of(test_port(2), test_port(3));

	self->tmp = test_tmpdir();
	host_init(&self->gw, "gw", self->tmp);
	host_init(&self->bob, "bob", self->tmp);
	self->hs[0] = &self->gw;
	self->hs[1] = &self->bob;
	ASSERT_EQ(0, host_start(&self->gw));
	ASSERT_EQ(0, host_start(&self->bob));
	/* the legs, as "zrtpctl flow add" makes them: DIVERT, policy 0 */
	ASSERT_EQ(0, self->gw.k->ops->flow_add(self->gw.k, &a, &self->a));
	ASSERT_EQ(0, self->gw.k->ops->flow_add(self->gw.k, &b, &self->b));
}

FIXTURE_TEARDOWN(gw)
{
	host_free(&self->gw);
	host_free(&self->bob);
	rm_rf(self->tmp);
	free(self->tmp);
}

static int count_relay(const struct ksrtp_relay_info *r, void *arg)
{
	(*(unsigned int *)arg)++;
	return 0;
}

static unsigned int relays(struct host *h)
{
	unsigned int n = 0;

	h->k->ops->relay_dump(h->k, count_relay, &n);
	return n;
}

/* "ok" (1) or "error" (0) of one control request; the reply in buf. */
static int request(struct host *h, const char *line, char *buf, size_t cap)
{
	char *reply = NULL;
	size_t len = 0;
	int ok;

	if (zrtpd_ctl_request(&h->d, line, &reply, &len))
		return -1;
	snprintf(buf, cap, "%.*s", (int)len, reply);
	ok = !strncmp(reply, "ok\n", 3);
	free(reply);
	return ok;
}

/* Leg B as it was created: DIVERT, policy 0, no key, no ZRTP, no session. */
static bool leg_b_untouched(FIXTURE_DATA(gw) *self)
{
	struct ksrtp_flow_info kf;
	struct zrtpd_mock_key k;

	return !zrtpd_mock_get_flow(self->gw.m, self->b.id, &kf) &&
	       kf.mode == KSRTP_FLOW_MODE_DIVERT && kf.policy == 0 &&
	       zrtpd_mock_get_key_slot(self->gw.m, self->b.id, KSRTP_KEY_DIR_TX, 0, &k) &&
	       zrtpd_mock_get_key_slot(self->gw.m, self->b.id, KSRTP_KEY_DIR_RX, 0, &k) &&
	       !zrtpd_mock_zrtp_sent(self->gw.m, self->b.id) &&
	       !zrtpd_session_by_id(&self->gw.d, self->b.id) &&
	       !zrtpd_session_by_tuple(&self->gw.d, &self->b.local, &self->b.remote);
}

static void secure_gateway_call(struct __test_metadata *_metadata, FIXTURE_DATA(gw) *self,
				struct zrtpd_session **sg, struct zrtpd_session **sb)
{
	struct ksrtp_flow_info fb = flow_of(test_port(1), test_port(0));
	struct two_sessions t = { &self->gw.d, &self->bob.d, self->a.id, 0, ZS_SECURE };
	char line[256], buf[4096];

	/* the phone first: its Hello waits for the gateway's session */
	ASSERT_EQ(0, zrtpd_session_add(&self->bob.d, &fb, NULL, sb));
	t.idb = (*sb)->flow.id;
	snprintf(line, sizeof(line), "json relay-add id %u to local 127.0.0.1:%u remote 127.0.0.1:%u "
		 "zrtp a require-secure", self->a.id, test_port(2), test_port(3));
	ASSERT_EQ(1, request(&self->gw, line, buf, sizeof(buf))) TH_LOG("%s", buf);
	ASSERT_NE(NULL, strstr(buf, "\"relay\":{\"id\":1,\"leg\":\"a\""));
	ASSERT_EQ(1, relays(&self->gw));
	*sg = zrtpd_session_by_id(&self->gw.d, self->a.id);
	ASSERT_NE(NULL, *sg);
	/* the policy of a flow zrtpd makes: RX_TRIAL, and the one asked for */
	ASSERT_EQ(KSRTP_POLICY_RX_TRIAL | KSRTP_POLICY_REQUIRE_SECURE, (*sg)->flow.policy);
	ASSERT_EQ(self->b.id, (*sg)->relay_other);
	ASSERT_TRUE(run_until(self->hs, 2, both_in_state, &t, 10000));
}

TEST_F(gw, zrtp_on_leg_a_only)
{
	struct zrtpd_session *sg, *sb;
	struct zrtpd_mock_key gtx, grx, btx, brx;

	secure_gateway_call(_metadata, self, &sg, &sb);
	EXPECT_STREQ(sb->sas, sg->sas);
	/* leg A has the call's keys, crossed with the phone's */
	ASSERT_EQ(0, zrtpd_mock_get_key(self->gw.m, self->a.id, KSRTP_KEY_DIR_TX, &gtx));
	ASSERT_EQ(0, zrtpd_mock_get_key(self->gw.m, self->a.id, KSRTP_KEY_DIR_RX, &grx));
	ASSERT_EQ(0, zrtpd_mock_get_key(self->bob.m, sb->flow.id, KSRTP_KEY_DIR_TX, &btx));
	ASSERT_EQ(0, zrtpd_mock_get_key(self->bob.m, sb->flow.id, KSRTP_KEY_DIR_RX, &brx));
	EXPECT_EQ(0, memcmp(gtx.key, brx.key, gtx.key_len));
	EXPECT_EQ(0, memcmp(grx.key, btx.key, grx.key_len));
	EXPECT_TRUE(zrtpd_mock_zrtp_sent(self->gw.m, self->a.id) > 0);
	EXPECT_TRUE(leg_b_untouched(self));
	EXPECT_EQ(1, self->gw.d.nsessions);
	EXPECT_EQ(0, self->gw.secure_but_clear);
	/* session del ends the session and deletes leg A, and so the relay;
	 * leg B is the operator's and stays */
	ASSERT_EQ(0, zrtpd_session_del(&self->gw.d, sg, true));
	EXPECT_EQ(0, relays(&self->gw));
	EXPECT_TRUE(leg_b_untouched(self));
}

TEST_F(gw, refusals_change_nothing)
{
	struct zrtpd_session *s;
	struct ksrtp_flow_info c = flow_of(test_port(4), test_port(5)), kc, kf;
	struct ksrtp_flow_info e = flow_of(test_port(6), test_port(7));
	struct ksrtp_key_req kr = { .dir = KSRTP_KEY_DIR_RX, .profile =
				    KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_80, .key_len = 16, .salt_len = 14 };
	char line[256], buf[1024];
	static const char *const bad[] = {
		"relay-add id %1$u to id %2$u",			/* no zrtp a|b */
		"relay-add id %1$u to id %2$u zrtp c",
		"relay-add id %1$u to id %1$u zrtp a",		/* the same flow */
		"relay-add id %1$u to id 999 zrtp a",		/* no such leg */
		"relay-add id %1$u zrtp a",			/* one leg */
		"relay-add id %3$u to id %2$u zrtp a",		/* leg with (SDES) keys */
		"relay-add id %1$u to id %4$u zrtp a",		/* other leg is a session */
		"relay-add id %1$u to id %2$u zrtp a role boss",
		"relay-add id %1$u to id %3$u zrtp both",	/* leg B has keys */
		"relay-add id %4$u to id %2$u zrtp both",	/* leg A is a session */
		"relay-add id %1$u to id %2$u zrtp bot",
	};

	ASSERT_EQ(0, self->gw.k->ops->flow_add(self->gw.k, &c, &kc));
	kr.flow_id = kc.id;
	ASSERT_EQ(0, self->gw.k->ops->key_new(self->gw.k, &kr));
	ASSERT_EQ(0, zrtpd_session_add(&self->gw.d, &e, NULL, &s));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), bad[i], self->a.id, self->b.id, kc.id, s->flow.id);
		EXPECT_EQ(0, request(&self->gw, line, buf, sizeof(buf))) TH_LOG("%s", line);
	}
	EXPECT_EQ(0, relays(&self->gw));
	EXPECT_TRUE(leg_b_untouched(self));
	ASSERT_EQ(0, zrtpd_mock_get_flow(self->gw.m, self->a.id, &kf));
	EXPECT_EQ(0, kf.policy);
	EXPECT_EQ(NULL, zrtpd_session_by_id(&self->gw.d, self->a.id));
	EXPECT_EQ(NULL, zrtpd_session_by_id(&self->gw.d, kc.id));
	EXPECT_EQ(1, self->gw.d.nsessions);
}

TEST_F(gw, restart_takes_back_its_legs_only)
{
	struct zrtpd_session *sg, *sb, *s;
	struct ksrtp_flow_info c = flow_of(test_port(4), test_port(5)), kc;
	struct ksrtp_flow_info d = flow_of(test_port(8), test_port(9)), kd;
	struct ksrtp_key_req kr = { .profile = KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_80,
				    .key_len = 16, .salt_len = 14 };
	struct ksrtp_relay_info ri;
	struct zrtpd_mock_key k;
	char sas[40];

	secure_gateway_call(_metadata, self, &sg, &sb);
	snprintf(sas, sizeof(sas), "%s", sg->sas);
	/* a second relay, keyed from SDES by someone else: SECURE leg C */
	ASSERT_EQ(0, self->gw.k->ops->flow_add(self->gw.k, &c, &kc));
	ASSERT_EQ(0, self->gw.k->ops->flow_add(self->gw.k, &d, &kd));
	for (kr.dir = 0; kr.dir < 2; kr.dir++) {
		kr.flow_id = kc.id;
		kr.key_len = 16;
		kr.salt_len = 14;
		ASSERT_EQ(0, self->gw.k->ops->key_new(self->gw.k, &kr));
	}
	kc.mode = KSRTP_FLOW_MODE_SECURE;
	ASSERT_EQ(0, self->gw.k->ops->flow_set(self->gw.k, &kc));
	ASSERT_EQ(0, self->gw.k->ops->relay_new(self->gw.k, kc.id, kd.id, &ri));

	host_stop(&self->gw);
	ASSERT_EQ(0, host_start(&self->gw));
	/* leg A: resumed, secure, with its SAS and relay */
	s = zrtpd_session_by_id(&self->gw.d, self->a.id);
	ASSERT_NE(NULL, s);
	EXPECT_EQ(ZS_SECURE, s->state);
	EXPECT_STREQ(sas, s->sas);
	EXPECT_EQ(1, s->relay_id);
	EXPECT_EQ(self->b.id, s->relay_other);
	/* leg B and the SDES relay's legs: nobody's session, untouched */
	EXPECT_TRUE(leg_b_untouched(self));
	EXPECT_EQ(NULL, zrtpd_session_by_id(&self->gw.d, kc.id));
	EXPECT_EQ(NULL, zrtpd_session_by_id(&self->gw.d, kd.id));
	EXPECT_EQ(0, zrtpd_mock_get_key(self->gw.m, kc.id, KSRTP_KEY_DIR_TX, &k));
	EXPECT_EQ(0, zrtpd_mock_zrtp_sent(self->gw.m, kc.id));
	EXPECT_EQ(1, self->gw.d.nsessions);
	/* and once more: the rewritten state file still names leg A only */
	host_stop(&self->gw);
	ASSERT_EQ(0, host_start(&self->gw));
	s = zrtpd_session_by_id(&self->gw.d, self->a.id);
	ASSERT_NE(NULL, s);
	EXPECT_STREQ(sas, s->sas);
	EXPECT_EQ(NULL, zrtpd_session_by_id(&self->gw.d, kc.id));
	EXPECT_EQ(1, self->gw.d.nsessions);
}

TEST_F(gw, restart_in_handshake_starts_over_on_its_leg)
{
	struct zrtpd_session *s;
	char line[128], buf[4096];

	/* no phone: the bound leg stays in handshake (DIVERT, RX_TRIAL) */
	snprintf(line, sizeof(line), "relay-add id %u to id %u zrtp a", self->a.id, self->b.id);
	ASSERT_EQ(1, request(&self->gw, line, buf, sizeof(buf))) TH_LOG("%s", buf);
	host_stop(&self->gw);
	self->gw.cfg.state_path[0] = 0;		/* nothing to go by but the kernel */
	ASSERT_EQ(0, host_start(&self->gw));
	s = zrtpd_session_by_id(&self->gw.d, self->a.id);
	ASSERT_NE(NULL, s);
	EXPECT_EQ(ZS_HANDSHAKE, s->state);
	EXPECT_EQ(1, s->relay_id);
	EXPECT_EQ('a', s->relay_leg);
	EXPECT_TRUE(leg_b_untouched(self));
	EXPECT_EQ(1, self->gw.d.nsessions);
}

TEST_HARNESS_MAIN
