// SPDX-License-Identifier: GPL-2.0
/*
 * RTCP on its own port (issue 12, item 1).  A ZRTP session covers its
 * stream's RTCP: on port+1 by default (RFC 3550 §11), on ports the
 * operator names, or muxed on the RTP port (RFC 5761).  On two zrtpd over
 * mock kernels:
 *
 *   alice  127.0.0.1:P   (RTP)  <---- ZRTP, SRTP ---->  127.0.0.1:P+2  bob
 *          127.0.0.1:P+1 (RTCP) <------ SRTCP ------->  127.0.0.1:P+3
 *
 * - the RTCP flow is created with the session, keyed with the same master
 *   keys as the RTP flow (RFC 3711 §3.4, RFC 6189 §4.5.3), switched with
 *   it (a session is "secure" only when neither flow takes clear packets,
 *   checked on every round by host_check_secure) and removed with it;
 * - no ZRTP is ever sent on the RTCP flow (no Hellos to the peer's RTCP
 *   port: the 0xb0 failures of the issue);
 * - watch mode does the same, and never makes the RTCP ports a session;
 * - "rtcp-mux" makes no second flow, "rtcp L:R" names the ports;
 * - a restarted zrtpd takes the port+1 flow back as the session's RTCP.
 */
#include "kselftest_harness.h"
#include "zrtpd_test.h"

struct pair {
	struct host alice, bob;
	struct host *hs[2];
	char *tmp;
	struct zrtpd_session *sa, *sb;
	struct ksrtp_flow_info fa, fb;
};

static void p_setup(struct __test_metadata *_metadata, struct pair *p)
{
	p->tmp = test_tmpdir();
	ASSERT_NE(NULL, p->tmp);
	host_init(&p->alice, "alice", p->tmp);
	host_init(&p->bob, "bob", p->tmp);
	p->alice.cfg.rtcp_mux = p->bob.cfg.rtcp_mux = false;	/* the default: port+1 */
	p->hs[0] = &p->alice;
	p->hs[1] = &p->bob;
	p->fa = flow_of(test_port(0), test_port(2));
	p->fb = flow_of(test_port(2), test_port(0));
}

static void p_teardown(struct pair *p)
{
	host_free(&p->alice);
	host_free(&p->bob);
	rm_rf(p->tmp);
	free(p->tmp);
}

static bool same_key(const struct zrtpd_mock_key *a, const struct zrtpd_mock_key *b)
{
	return a->set && b->set && a->key_len == b->key_len && a->salt_len == b->salt_len &&
	       !memcmp(a->key, b->key, a->key_len) && !memcmp(a->salt, b->salt, a->salt_len);
}

/* The RTCP flow holds the RTP flow's keys, both directions. */
static bool rtcp_keyed_like_rtp(struct host *h, const struct zrtpd_session *s)
{
	struct zrtpd_mock_key a, b;

	for (uint8_t dir = 0; dir < 2; dir++)
		if (zrtpd_mock_get_key(h->m, s->flow.id, dir, &a) ||
		    zrtpd_mock_get_key(h->m, s->rtcp.id, dir, &b) || !same_key(&a, &b))
			return false;
	return true;
}

FIXTURE(rtcp) { struct pair p; };
FIXTURE_SETUP(rtcp) { p_setup(_metadata, &self->p); }
FIXTURE_TEARDOWN(rtcp) { p_teardown(&self->p); }

/* session add: RTCP on port+1, created, keyed, secured and removed with RTP */
TEST_F(rtcp, port_plus_one_follows_the_session)
{
	struct pair *p = &self->p;
	struct two_sessions t;
	struct zrtpd_mock_key atx, brx;
	struct ksrtp_flow_info kf;
	uint32_t arid, brid;

	ASSERT_EQ(0, host_start(&p->alice));
	ASSERT_EQ(0, host_start(&p->bob));
	ASSERT_EQ(0, zrtpd_session_add(&p->alice.d, &p->fa, NULL, &p->sa));
	ASSERT_EQ(0, zrtpd_session_add(&p->bob.d, &p->fb, NULL, &p->sb));
	/* created with the session: the next ports up, same addresses */
	ASSERT_NE(0, p->sa->rtcp.id);
	ASSERT_EQ(test_port(1), p->sa->rtcp.local.port);
	ASSERT_EQ(test_port(3), p->sa->rtcp.remote.port);
	ASSERT_EQ(2, zrtpd_mock_flow_count(p->alice.m));
	ASSERT_EQ(0, zrtpd_mock_get_flow(p->alice.m, p->sa->rtcp.id, &kf));
	ASSERT_EQ(KSRTP_FLOW_MODE_DIVERT, kf.mode);
	ASSERT_EQ(p->sa, zrtpd_session_by_rtcp(&p->alice.d, &p->sa->rtcp.local, &p->sa->rtcp.remote));
	/* the RTCP ports are no session of their own */
	ASSERT_EQ(NULL, zrtpd_session_by_tuple(&p->alice.d, &p->sa->rtcp.local, &p->sa->rtcp.remote));

	t = (struct two_sessions){ &p->alice.d, &p->bob.d, p->sa->flow.id, p->sb->flow.id, ZS_SECURE };
	ASSERT_TRUE(run_until(p->hs, 2, both_in_state, &t, 15000));
	/* never secure while a flow, RTP or RTCP, still took clear packets */
	ASSERT_EQ(0, p->alice.secure_but_clear);
	ASSERT_EQ(0, p->bob.secure_but_clear);
	/* the same master keys on both flows of a side (RFC 3711 §3.4) */
	ASSERT_TRUE(rtcp_keyed_like_rtp(&p->alice, p->sa));
	ASSERT_TRUE(rtcp_keyed_like_rtp(&p->bob, p->sb));
	ASSERT_EQ(0, zrtpd_mock_get_key(p->alice.m, p->sa->rtcp.id, KSRTP_KEY_DIR_TX, &atx));
	ASSERT_EQ(0, zrtpd_mock_get_key(p->bob.m, p->sb->rtcp.id, KSRTP_KEY_DIR_RX, &brx));
	ASSERT_TRUE(same_key(&atx, &brx));
	/* both flows strict */
	ASSERT_FALSE(zrtpd_mock_accepts_clear(p->alice.m, p->sa->rtcp.id));
	ASSERT_FALSE(zrtpd_mock_accepts_clear(p->bob.m, p->sb->rtcp.id));
	/* SRTCP both ways on the RTCP ports */
	ASSERT_EQ(ZM_SRTP, zrtpd_mock_media(p->alice.m, p->bob.m, &p->sa->rtcp.local, &p->sa->rtcp.remote));
	ASSERT_EQ(ZM_SRTP, zrtpd_mock_media(p->bob.m, p->alice.m, &p->sb->rtcp.local, &p->sb->rtcp.remote));
	/* ZRTP ran on the RTP flow only: nothing to the peer's RTCP port */
	ASSERT_LT(0, zrtpd_mock_zrtp_sent(p->alice.m, p->sa->flow.id));
	ASSERT_EQ(0, zrtpd_mock_zrtp_sent(p->alice.m, p->sa->rtcp.id));
	ASSERT_EQ(0, zrtpd_mock_zrtp_sent(p->bob.m, p->sb->rtcp.id));
	/* removed with the session */
	arid = p->sa->rtcp.id;
	brid = p->sb->rtcp.id;
	ASSERT_EQ(0, zrtpd_session_del(&p->alice.d, p->sa, true));
	ASSERT_EQ(0, zrtpd_session_del(&p->bob.d, p->sb, true));
	ASSERT_EQ(-ENOENT, zrtpd_mock_get_flow(p->alice.m, arid, &kf));
	ASSERT_EQ(-ENOENT, zrtpd_mock_get_flow(p->bob.m, brid, &kf));
	ASSERT_EQ(0, zrtpd_mock_flow_count(p->alice.m));
	ASSERT_EQ(0, zrtpd_mock_flow_count(p->bob.m));
}

/* Watch mode: the application's RTP starts a session, its RTCP flow too */
TEST_F(rtcp, watch_mode_covers_port_plus_one)
{
	struct pair *p = &self->p;
	struct zrtpd_port_range ra = { test_port(0), test_port(1) };
	struct zrtpd_port_range rb = { test_port(2), test_port(3) };
	struct two_sessions t;
	struct ksrtp_flow_info rtcp;

	ASSERT_EQ(0, host_start(&p->alice));
	ASSERT_EQ(0, host_start(&p->bob));
	ASSERT_EQ(0, zrtpd_watch_add(&p->alice.d, &ra));
	ASSERT_EQ(0, zrtpd_watch_add(&p->bob.d, &rb));
	/* alice's application sends RTP: her zrtpd starts; bob's answers the Hello */
	ASSERT_EQ(0, zrtpd_mock_rtp_out(p->alice.m, &p->fa.local, &p->fa.remote));
	zrtpd_run_once(&p->alice.d, 10);
	p->sa = zrtpd_session_by_tuple(&p->alice.d, &p->fa.local, &p->fa.remote);
	ASSERT_NE(NULL, p->sa);
	ASSERT_NE(0, p->sa->rtcp.id);
	rtcp = p->sa->rtcp;
	/* its RTCP on port+1 starts nothing (the kernel has a flow there) */
	ASSERT_EQ(0, zrtpd_mock_rtp_out(p->alice.m, &rtcp.local, &rtcp.remote));
	zrtpd_run_once(&p->alice.d, 10);
	ASSERT_EQ(1, p->alice.d.nsessions);
	for (int i = 0; i < 2000 && !zrtpd_session_by_tuple(&p->bob.d, &p->fb.local, &p->fb.remote); i++) {
		zrtpd_run_once(&p->alice.d, 2);
		zrtpd_run_once(&p->bob.d, 2);
	}
	p->sb = zrtpd_session_by_tuple(&p->bob.d, &p->fb.local, &p->fb.remote);
	ASSERT_NE(NULL, p->sb);
	ASSERT_NE(0, p->sb->rtcp.id);
	t = (struct two_sessions){ &p->alice.d, &p->bob.d, p->sa->flow.id, p->sb->flow.id, ZS_SECURE };
	ASSERT_TRUE(run_until(p->hs, 2, both_in_state, &t, 15000));
	ASSERT_EQ(1, p->alice.d.nsessions);
	ASSERT_EQ(1, p->bob.d.nsessions);
	ASSERT_EQ(0, p->alice.secure_but_clear);
	ASSERT_EQ(0, p->bob.secure_but_clear);
	ASSERT_TRUE(rtcp_keyed_like_rtp(&p->alice, p->sa));
	ASSERT_TRUE(rtcp_keyed_like_rtp(&p->bob, p->sb));
	ASSERT_EQ(0, zrtpd_mock_zrtp_sent(p->alice.m, p->sa->rtcp.id));
	ASSERT_EQ(0, zrtpd_mock_zrtp_sent(p->bob.m, p->sb->rtcp.id));
}

/* A watch that would take another call's 4-tuple for port+1 RTCP does not:
 * the new session goes without an RTCP flow (muxed), the other call keeps
 * its flow */
TEST_F(rtcp, watch_leaves_another_calls_ports_alone)
{
	struct pair *p = &self->p;
	struct zrtpd_port_range ra = { test_port(0), test_port(1) };
	struct zrtpd_session_opts mux = { .rtcp = ZRTPD_RTCP_MUX };
	struct ksrtp_flow_info other = flow_of(test_port(1), test_port(3));
	struct zrtpd_session *o, *s;

	ASSERT_EQ(0, host_start(&p->alice));
	ASSERT_EQ(0, zrtpd_session_add(&p->alice.d, &other, &mux, &o));
	ASSERT_EQ(0, zrtpd_watch_add(&p->alice.d, &ra));
	ASSERT_EQ(0, zrtpd_mock_rtp_out(p->alice.m, &p->fa.local, &p->fa.remote));
	zrtpd_run_once(&p->alice.d, 10);
	s = zrtpd_session_by_tuple(&p->alice.d, &p->fa.local, &p->fa.remote);
	ASSERT_NE(NULL, s);
	ASSERT_EQ(0, s->rtcp.id);
	ASSERT_EQ(o, zrtpd_session_by_tuple(&p->alice.d, &other.local, &other.remote));
	ASSERT_EQ(2, p->alice.d.nsessions);
	ASSERT_EQ(2, zrtpd_mock_flow_count(p->alice.m));
}

/* A restarted zrtpd takes the port+1 flow back as the session's RTCP */
TEST_F(rtcp, restart_pairs_the_rtcp_flow)
{
	struct pair *p = &self->p;
	struct two_sessions t;
	struct zrtpd_session *s;
	uint32_t rid;

	ASSERT_EQ(0, host_start(&p->alice));
	ASSERT_EQ(0, host_start(&p->bob));
	ASSERT_EQ(0, zrtpd_session_add(&p->alice.d, &p->fa, NULL, &p->sa));
	ASSERT_EQ(0, zrtpd_session_add(&p->bob.d, &p->fb, NULL, &p->sb));
	t = (struct two_sessions){ &p->alice.d, &p->bob.d, p->sa->flow.id, p->sb->flow.id, ZS_SECURE };
	ASSERT_TRUE(run_until(p->hs, 2, both_in_state, &t, 15000));
	rid = p->sa->rtcp.id;
	host_stop(&p->alice);
	ASSERT_EQ(0, host_start(&p->alice));
	ASSERT_EQ(1, p->alice.d.nsessions);
	s = zrtpd_session_by_tuple(&p->alice.d, &p->fa.local, &p->fa.remote);
	ASSERT_NE(NULL, s);
	ASSERT_EQ(ZS_SECURE, s->state);
	ASSERT_EQ(rid, s->rtcp.id);
	ASSERT_EQ(0, zrtpd_session_del(&p->alice.d, s, true));
	ASSERT_EQ(0, zrtpd_mock_flow_count(p->alice.m));
}

static char *req(struct zrtpd *d, const char *line)
{
	char *reply = NULL;
	size_t len;

	if (zrtpd_ctl_request(d, line, &reply, &len))
		return NULL;
	return reply;
}

/* flow-add: rtcp-mux (no second flow), rtcp L:R (named ports), mistakes */
TEST_F(rtcp, control_protocol_options)
{
	struct pair *p = &self->p;
	char line[256], *r;
	struct zrtpd_session *s;
	struct ksrtp_flow_info f = flow_of(test_port(4), test_port(6));

	ASSERT_EQ(0, host_start(&p->alice));
	snprintf(line, sizeof(line), "flow-add local 127.0.0.1:%u remote 127.0.0.1:%u rtcp-mux",
		 test_port(0), test_port(2));
	r = req(&p->alice.d, line);
	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, strncmp(r, "ok", 2)) TH_LOG("%s", r);
	free(r);
	s = zrtpd_session_by_tuple(&p->alice.d, &p->fa.local, &p->fa.remote);
	ASSERT_NE(NULL, s);
	ASSERT_EQ(0, s->rtcp.id);
	ASSERT_EQ(1, zrtpd_mock_flow_count(p->alice.m));

	snprintf(line, sizeof(line), "json flow-add local 127.0.0.1:%u remote 127.0.0.1:%u rtcp %u:%u",
		 test_port(4), test_port(6), test_port(9), test_port(11));
	r = req(&p->alice.d, line);
	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, strncmp(r, "ok", 2)) TH_LOG("%s", r);
	ASSERT_NE(NULL, strstr(r, "\"rtcp_local\":\"127.0.0.1:")) TH_LOG("%s", r);
	free(r);
	s = zrtpd_session_by_tuple(&p->alice.d, &f.local, &f.remote);
	ASSERT_NE(NULL, s);
	ASSERT_NE(0, s->rtcp.id);
	ASSERT_EQ(test_port(9), s->rtcp.local.port);
	ASSERT_EQ(test_port(11), s->rtcp.remote.port);
	ASSERT_EQ(3, zrtpd_mock_flow_count(p->alice.m));

	/* a session on another's RTCP ports is refused, not stolen */
	snprintf(line, sizeof(line), "flow-add local 127.0.0.1:%u remote 127.0.0.1:%u",
		 test_port(9), test_port(11));
	r = req(&p->alice.d, line);
	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, strncmp(r, "error", 5)) TH_LOG("%s", r);
	free(r);
	r = req(&p->alice.d, "flow-add local 127.0.0.1:7000 remote 127.0.0.1:7002 rtcp 5");
	ASSERT_NE(NULL, r);
	ASSERT_NE(NULL, strstr(r, "error rtcp:")) TH_LOG("%s", r);
	free(r);
	r = req(&p->alice.d, "flow-add local 127.0.0.1:7000 remote 127.0.0.1:7002 rtcp 0:9");
	ASSERT_NE(NULL, r);
	ASSERT_NE(NULL, strstr(r, "error rtcp:")) TH_LOG("%s", r);
	free(r);
	ASSERT_EQ(3, zrtpd_mock_flow_count(p->alice.m));
}

TEST_HARNESS_MAIN
