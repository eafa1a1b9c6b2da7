// SPDX-License-Identifier: GPL-2.0
/*
 * Restart safety and watch mode, on the mock kernel.
 *
 *   alice zrtpd --X (killed) ... zrtpd (new)      bob zrtpd
 *        |  mock kernel: flows + keys stay  |         |
 *   127.0.0.1:P  <------------- ZRTP ------------->  127.0.0.1:P+1
 *
 * Restart: the kernel keeps the flows and keys of a secure call; a new
 * daemon reads the flows back by dump, lists the call as secure with the
 * SAS it had, and does not touch its keys.  A flow that was still in
 * handshake starts its handshake over.
 *
 * Watch: a port range is watched; a ZRTP Hello from an unknown peer, or
 * outgoing RTP on an unknown 4-tuple, starts a session by itself.
 */
#include "kselftest_harness.h"
#include "zrtpd_test.h"

FIXTURE(pair) {
	struct host alice, bob;
	struct host *hs[2];
	char *tmp;
};

FIXTURE_SETUP(pair)
{
	self->tmp = test_tmpdir();
	host_init(&self->alice, "alice", self->tmp);
	host_init(&self->bob, "bob", self->tmp);
	self->hs[0] = &self->alice;
	self->hs[1] = &self->bob;
}

FIXTURE_TEARDOWN(pair)
{
	host_free(&self->alice);
	host_free(&self->bob);
	rm_rf(self->tmp);
	free(self->tmp);
}

static void secure_call(struct __test_metadata *_metadata, FIXTURE_DATA(pair) *self,
			struct zrtpd_session **sa, struct zrtpd_session **sb)
{
	struct ksrtp_flow_info fa = flow_of(test_port(0), test_port(1));
	struct ksrtp_flow_info fb = flow_of(test_port(1), test_port(0));
	struct two_sessions t = { &self->alice.d, &self->bob.d, 0, 0, ZS_SECURE };

	ASSERT_EQ(0, zrtpd_session_add(&self->alice.d, &fa, NULL, sa));
	ASSERT_EQ(0, zrtpd_session_add(&self->bob.d, &fb, NULL, sb));
	t.ida = (*sa)->flow.id;
	t.idb = (*sb)->flow.id;
	ASSERT_TRUE(run_until(self->hs, 2, both_in_state, &t, 10000));
}

TEST_F(pair, restart_keeps_secure_call_and_restarts_handshakes)
{
	struct zrtpd_session *sa, *sb, *s, *pending;
	struct zrtpd_mock_key before_tx, before_rx, after_tx, after_rx;
	struct ksrtp_flow_info lonely = flow_of(test_port(2), test_port(3)), kf;
	char sas[40];
	uint32_t id, pending_id;
	uint64_t tx0;

	ASSERT_EQ(0, host_start(&self->alice));
	ASSERT_EQ(0, host_start(&self->bob));
	secure_call(_metadata, self, &sa, &sb);
	id = sa->flow.id;
	snprintf(sas, sizeof(sas), "%s", sa->sas);
	ASSERT_EQ(0, zrtpd_session_verify(&self->alice.d, sa, true));
	/* a second flow whose peer never answers: in handshake at the kill */
	ASSERT_EQ(0, zrtpd_session_add(&self->alice.d, &lonely, NULL, &pending));
	pending_id = pending->flow.id;
	ASSERT_EQ(0, zrtpd_mock_get_key(self->alice.m, id, KSRTP_KEY_DIR_TX, &before_tx));
	ASSERT_EQ(0, zrtpd_mock_get_key(self->alice.m, id, KSRTP_KEY_DIR_RX, &before_rx));

	host_stop(&self->alice);		/* the daemon dies; the kernel stays */
	ASSERT_EQ(2, zrtpd_mock_flow_count(self->alice.m));
	ASSERT_EQ(0, host_start(&self->alice));	/* a new daemon: resume by dump */

	ASSERT_EQ(2, self->alice.d.nsessions);
	s = zrtpd_session_by_id(&self->alice.d, id);
	ASSERT_NE(NULL, s);
	ASSERT_EQ(ZS_SECURE, s->state);
	ASSERT_TRUE(s->resumed);
	ASSERT_EQ(NULL, s->z);			/* no engine: nothing to redo */
	/* what the kernel cannot say, the state file did */
	ASSERT_STREQ(sas, s->sas);
	ASSERT_STREQ("AES1", s->cipher);
	ASSERT_TRUE(s->verified);
	ASSERT_EQ(0, memcmp(s->peer_zid, self->bob.d.zid, 12));
	/* the media keys were not touched, the flow is still SECURE */
	ASSERT_EQ(0, zrtpd_mock_get_key(self->alice.m, id, KSRTP_KEY_DIR_TX, &after_tx));
	ASSERT_EQ(0, zrtpd_mock_get_key(self->alice.m, id, KSRTP_KEY_DIR_RX, &after_rx));
	ASSERT_EQ(0, memcmp(&before_tx, &after_tx, sizeof(before_tx)));
	ASSERT_EQ(0, memcmp(&before_rx, &after_rx, sizeof(before_rx)));
	ASSERT_EQ(0, zrtpd_mock_get_flow(self->alice.m, id, &kf));
	ASSERT_EQ(KSRTP_FLOW_MODE_SECURE, kf.mode);

	/* the flow in handshake started over: a fresh engine sending Hello */
	s = zrtpd_session_by_id(&self->alice.d, pending_id);
	ASSERT_NE(NULL, s);
	ASSERT_EQ(ZS_HANDSHAKE, s->state);
	ASSERT_NE(NULL, s->z);
	ASSERT_FALSE(s->resumed);
	tx0 = s->zrtp_tx;
	for (int i = 0; i < 100 && s->zrtp_tx == tx0; i++)
		zrtpd_run_once(&self->alice.d, 10);
	ASSERT_LT(tx0, s->zrtp_tx);

	/* verify/unverify still work on a resumed session (cache by peer ZID) */
	s = zrtpd_session_by_id(&self->alice.d, id);
	ASSERT_EQ(0, zrtpd_session_verify(&self->alice.d, s, false));
	ASSERT_FALSE(s->verified);
}

/* Restart with the state file lost: the call is still listed as secure. */
TEST_F(pair, restart_without_state_file)
{
	struct zrtpd_session *sa, *sb, *s;
	uint32_t id;

	ASSERT_EQ(0, host_start(&self->alice));
	ASSERT_EQ(0, host_start(&self->bob));
	secure_call(_metadata, self, &sa, &sb);
	id = sa->flow.id;
	host_stop(&self->alice);
	unlink(self->alice.cfg.state_path);
	ASSERT_EQ(0, host_start(&self->alice));
	s = zrtpd_session_by_id(&self->alice.d, id);
	ASSERT_NE(NULL, s);
	ASSERT_EQ(ZS_SECURE, s->state);
	ASSERT_TRUE(s->resumed);
	ASSERT_STREQ("", s->sas);
}

/* Bob watches a port range and has no per-call configuration at all. */
TEST_F(pair, watch_incoming_hello_starts_session)
{
	struct zrtpd_port_range r = { test_port(4), test_port(7) };
	struct ksrtp_flow_info fa = flow_of(test_port(8), test_port(5));
	struct zrtpd_mock_key atx, brx;
	struct zrtpd_session *sa, *sb;
	struct two_sessions t = { &self->alice.d, &self->bob.d, 0, 1, ZS_SECURE };

	self->bob.cfg.watches[0] = r;
	self->bob.cfg.nwatches = 1;
	ASSERT_EQ(0, host_start(&self->alice));
	ASSERT_EQ(0, host_start(&self->bob));
	ASSERT_EQ(0, self->bob.d.nsessions);
	ASSERT_EQ(0, zrtpd_session_add(&self->alice.d, &fa, NULL, &sa));
	t.ida = sa->flow.id;
	ASSERT_TRUE(run_until(self->hs, 2, both_in_state, &t, 10000));
	ASSERT_EQ(1, self->bob.d.nsessions);
	sb = zrtpd_session_by_id(&self->bob.d, 1);
	ASSERT_TRUE(sb->from_watch);
	ASSERT_EQ(test_port(5), sb->flow.local.port);
	ASSERT_EQ(test_port(8), sb->flow.remote.port);
	ASSERT_STREQ(sa->sas, sb->sas);
	ASSERT_EQ(0, zrtpd_mock_get_key(self->alice.m, sa->flow.id, KSRTP_KEY_DIR_TX, &atx));
	ASSERT_EQ(0, zrtpd_mock_get_key(self->bob.m, sb->flow.id, KSRTP_KEY_DIR_RX, &brx));
	ASSERT_EQ(0, memcmp(atx.key, brx.key, atx.key_len));
}

/* Both sides watch; alice's application sends RTP: the call secures itself. */
TEST_F(pair, watch_outgoing_rtp_starts_session)
{
	struct zrtpd_port_range ra = { test_port(10), test_port(11) };
	struct zrtpd_port_range rb = { test_port(12), test_port(13) };
	struct ksrtp_sockaddr la = lo(test_port(10)), lb = lo(test_port(12));
	struct zrtpd_session *sa, *sb;
	struct two_sessions t = { &self->alice.d, &self->bob.d, 1, 1, ZS_SECURE };

	self->alice.cfg.watches[0] = ra;
	self->alice.cfg.nwatches = 1;
	self->bob.cfg.watches[0] = rb;
	self->bob.cfg.nwatches = 1;
	ASSERT_EQ(0, host_start(&self->alice));
	ASSERT_EQ(0, host_start(&self->bob));
	/* the application's first RTP packet, as the kernel reports it */
	ASSERT_EQ(0, zrtpd_mock_rtp_out(self->alice.m, &la, &lb));
	ASSERT_TRUE(run_until(self->hs, 2, both_in_state, &t, 10000));
	sa = zrtpd_session_by_id(&self->alice.d, 1);
	sb = zrtpd_session_by_id(&self->bob.d, 1);
	ASSERT_TRUE(sa->from_watch);
	ASSERT_TRUE(sb->from_watch);
	ASSERT_STREQ(sa->sas, sb->sas);
	/* a second report of the same 4-tuple does not start a second session */
	ASSERT_EQ(0, zrtpd_mock_rtp_out(self->alice.m, &la, &lb));
	zrtpd_run_once(&self->alice.d, 10);
	ASSERT_EQ(1, self->alice.d.nsessions);
}

/*
 * A watch-created call nobody hangs up: once its counters stop moving for
 * idle-timeout, the session and its kernel flow go.  A session added by
 * name stays.
 */
TEST_F(pair, watch_sessions_idle_out)
{
	struct zrtpd_port_range r = { test_port(4), test_port(7) };
	struct ksrtp_flow_info fa = flow_of(test_port(8), test_port(5));
	struct zrtpd_session *sa;
	struct two_sessions t = { &self->alice.d, &self->bob.d, 0, 1, ZS_SECURE };
	uint64_t end;

	self->bob.cfg.watches[0] = r;
	self->bob.cfg.nwatches = 1;
	self->bob.cfg.idle_timeout = 1;
	self->alice.cfg.idle_timeout = 1;
	ASSERT_EQ(0, host_start(&self->alice));
	ASSERT_EQ(0, host_start(&self->bob));
	ASSERT_EQ(0, zrtpd_session_add(&self->alice.d, &fa, NULL, &sa));
	t.ida = sa->flow.id;
	ASSERT_TRUE(run_until(self->hs, 2, both_in_state, &t, 10000));
	ASSERT_EQ(1, zrtpd_mock_flow_count(self->bob.m));
	/* no traffic from now on: within a few GC rounds bob's flow is gone */
	end = zrtpd_now_ms() + 5000;
	while (self->bob.d.nsessions && zrtpd_now_ms() < end) {
		zrtpd_run_once(&self->alice.d, 5);
		zrtpd_run_once(&self->bob.d, 5);
	}
	ASSERT_EQ(0, self->bob.d.nsessions);
	ASSERT_EQ(0, zrtpd_mock_flow_count(self->bob.m));
	/* alice named hers: still there */
	ASSERT_EQ(1, self->alice.d.nsessions);
	ASSERT_EQ(1, zrtpd_mock_flow_count(self->alice.m));
}

/* Outside the watched range nothing happens. */
TEST_F(pair, unwatched_port_ignored)
{
	struct zrtpd_port_range ra = { test_port(10), test_port(11) };
	struct ksrtp_sockaddr la = lo(test_port(14)), lb = lo(test_port(12));

	self->alice.cfg.watches[0] = ra;
	self->alice.cfg.nwatches = 1;
	ASSERT_EQ(0, host_start(&self->alice));
	ASSERT_EQ(0, zrtpd_mock_rtp_out(self->alice.m, &la, &lb));
	for (int i = 0; i < 5; i++)
		zrtpd_run_once(&self->alice.d, 5);
	ASSERT_EQ(0, self->alice.d.nsessions);
}

TEST_HARNESS_MAIN
