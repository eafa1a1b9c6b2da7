// SPDX-License-Identifier: GPL-2.0
/*
 * Fail closed at the switch to SRTP (issue 11, finding 1).  Two zrtpd on
 * mock kernels whose media path follows ksrtp's rules (kernel_mock.h,
 * zrtpd_mock_media), attacked at the switch:
 *
 *   alice (initiator)                         bob (responder)
 *   ... Confirm1  <---------------------------
 *   keys in, flow DIVERT ("switching")
 *   Confirm2      --------------------------->  keys in, flow SECURE+RX_TRIAL
 *                 <------ Conf2ACK ---X         ("switching")
 *
 * - every Conf2ACK dropped: bob's first SRTP stands for it (RFC 6189 §4.6);
 * - bob's zrtpd killed between switching and Conf2ACK, the media starting
 *   before or after alice's Confirm2 retransmissions run out;
 * - every Confirm2 lost: bob never switches, alice gives up on his clear RTP;
 * - a key installation that fails on either side.
 * In each case neither side is ever shown "secure" while its kernel flow
 * still takes clear RTP (host_check_secure, every round), and the call
 * ends secure through the first SRTP, or visibly not secure with its keys
 * gone.
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

static void p_setup(struct __test_metadata *_metadata, struct pair *p, unsigned int port)
{
	p->tmp = test_tmpdir();
	ASSERT_NE(NULL, p->tmp);
	host_init(&p->alice, "alice", p->tmp);
	host_init(&p->bob, "bob", p->tmp);
	p->hs[0] = &p->alice;
	p->hs[1] = &p->bob;
	p->fa = flow_of(test_port(port), test_port(port + 1));
	p->fb = flow_of(test_port(port + 1), test_port(port));
	/* a peer that keeps sending clear this long after the switch fails */
	p->alice.cfg.switch_timeout = p->bob.cfg.switch_timeout = 1;
}

/* alice initiates, bob responds (fixed roles: each attack hits one side). */
static void p_call(struct __test_metadata *_metadata, struct pair *p)
{
	struct zrtpd_session_opts resp = { .role = ZRTP_ROLE_RESPONDER };

	ASSERT_EQ(0, host_start(&p->alice));
	ASSERT_EQ(0, host_start(&p->bob));
	ASSERT_EQ(0, zrtpd_session_add(&p->bob.d, &p->fb, &resp, &p->sb));
	ASSERT_EQ(0, zrtpd_session_add(&p->alice.d, &p->fa, NULL, &p->sa));
}

static void p_teardown(struct pair *p)
{
	host_free(&p->alice);
	host_free(&p->bob);
	rm_rf(p->tmp);
	free(p->tmp);
}

static bool no_keys(struct host *h, uint32_t id)
{
	struct zrtpd_mock_key k;

	return zrtpd_mock_get_key(h->m, id, KSRTP_KEY_DIR_TX, &k) == -ENOENT &&
	       zrtpd_mock_get_key(h->m, id, KSRTP_KEY_DIR_RX, &k) == -ENOENT;
}

static bool flow_mode(struct host *h, uint32_t id, uint8_t mode)
{
	struct ksrtp_flow_info kf;

	return !zrtpd_mock_get_flow(h->m, id, &kf) && kf.mode == mode;
}

struct state_is { struct zrtpd_session *s; enum zrtpd_sess_state st; };

static bool one_in_state(void *arg)
{
	struct state_is *w = arg;

	return w->s->state == w->st;
}

/*
 * Every Conf2ACK bob sends is lost.  With the applications talking, bob's
 * SRTP reaches alice's armed flow (RX_TRIAL takes it), zrtpd sees it
 * authenticate and takes it for Conf2ACK; alice's SRTP then clears bob's
 * RX_TRIAL.  Both end secure, keys crossed; nobody was "secure" early.
 * Run with the FLOW_SECURED event (API 3) and without (older kernel:
 * zrtpd reads the flow back while switching).
 */
FIXTURE(conf2ack) { struct pair p; };
FIXTURE_VARIANT(conf2ack) { bool secured_event; };
FIXTURE_VARIANT_ADD(conf2ack, with_secured_event) { true };
FIXTURE_VARIANT_ADD(conf2ack, without_secured_event) { false };
FIXTURE_SETUP(conf2ack) { p_setup(_metadata, &self->p, 0); }
FIXTURE_TEARDOWN(conf2ack) { p_teardown(&self->p); }

TEST_F(conf2ack, every_conf2ack_dropped)
{
	struct pair *p = &self->p;
	struct two_sessions t;
	struct zrtpd_mock_key atx, brx;

	zrtpd_mock_set_secured_event(p->alice.m, variant->secured_event);
	zrtpd_mock_set_secured_event(p->bob.m, variant->secured_event);
	zrtpd_mock_drop_type(p->bob.m, "Conf2ACK");
	zrtpd_mock_count_type(p->bob.m, "Conf2ACK");
	p_call(_metadata, p);
	t = (struct two_sessions){ &p->alice.d, &p->bob.d, p->sa->flow.id, p->sb->flow.id,
				   ZS_SECURE };
	ASSERT_TRUE(run_until(p->hs, 2, both_in_state, &t, 15000));
	ASSERT_LE(1, zrtpd_mock_type_sent(p->bob.m));	/* the Conf2ACKs were sent, all lost */
	ASSERT_TRUE(p->sa->initiator);
	ASSERT_EQ(0, p->alice.secure_but_clear);
	ASSERT_EQ(0, p->bob.secure_but_clear);
	ASSERT_FALSE(zrtpd_mock_accepts_clear(p->alice.m, p->sa->flow.id));
	ASSERT_FALSE(zrtpd_mock_accepts_clear(p->bob.m, p->sb->flow.id));
	ASSERT_EQ(0, zrtpd_mock_get_key(p->alice.m, p->sa->flow.id, KSRTP_KEY_DIR_TX, &atx));
	ASSERT_EQ(0, zrtpd_mock_get_key(p->bob.m, p->sb->flow.id, KSRTP_KEY_DIR_RX, &brx));
	ASSERT_EQ(0, memcmp(atx.key, brx.key, atx.key_len));
	ASSERT_STREQ(p->sa->sas, p->sb->sas);
	/* and the media now goes SRTP both ways */
	ASSERT_EQ(ZM_SRTP, zrtpd_mock_media(p->alice.m, p->bob.m, &p->fa.local, &p->fa.remote));
	ASSERT_EQ(ZM_SRTP, zrtpd_mock_media(p->bob.m, p->alice.m, &p->fb.local, &p->fb.remote));
}

/* Runs both until bob's kernel flow is SECURE (he switched on Confirm2). */
static bool bob_switched(void *arg)
{
	struct pair *p = arg;

	return p->sb->state == ZS_SWITCHING;
}

/*
 * bob's zrtpd dies between switching and Conf2ACK (his Conf2ACK never
 * leaves; his kernel keeps the SECURE flow and its keys).  The media goes
 * on: bob's kernel sends SRTP, alice takes it for Conf2ACK and is secure;
 * bob's restarted zrtpd finds his flow strict (alice's SRTP cleared
 * RX_TRIAL) and lists it secure.
 */
TEST(responder_killed_after_switching_media_flows)
{
	struct pair p;
	struct state_is w;
	struct zrtpd_session *s;

	p_setup(_metadata, &p, 2);
	p.alice.no_media = p.bob.no_media = true;
	zrtpd_mock_drop_type(p.bob.m, "Conf2ACK");	/* never left: killed */
	p_call(_metadata, &p);
	ASSERT_TRUE(run_until(p.hs, 2, bob_switched, &p, 10000));
	host_stop(&p.bob);
	ASSERT_EQ(ZS_SWITCHING, p.sa->state);
	/* the applications talk; bob's kernel works without his zrtpd */
	p.alice.no_media = p.bob.no_media = false;
	w = (struct state_is){ p.sa, ZS_SECURE };
	ASSERT_TRUE(run_until(p.hs, 2, one_in_state, &w, 10000));
	ASSERT_EQ(0, p.alice.secure_but_clear);
	ASSERT_FALSE(zrtpd_mock_accepts_clear(p.bob.m, 1));	/* alice's SRTP went through */
	ASSERT_EQ(0, host_start(&p.bob));
	s = zrtpd_session_by_tuple(&p.bob.d, &p.fb.local, &p.fb.remote);
	ASSERT_NE(NULL, s);
	ASSERT_EQ(ZS_SECURE, s->state);
	ASSERT_TRUE(s->resumed);
	p_teardown(&p);
}

/*
 * The same, but the applications stay silent until alice's Confirm2
 * retransmissions (T2, RFC 6189 §6) have run out, as on a slow host
 * (the debug kernel): the keys are agreed and bob switched on her
 * Confirm2, so she keeps them, flow DIVERT with RX_TRIAL ("switching",
 * not secure), her engine gone.  bob's restarted zrtpd finds his flow
 * SECURE with RX_TRIAL and lists it "switching".  When the applications
 * talk, bob's SRTP authenticates at alice (it stands for Conf2ACK, §4.6)
 * and hers clears bob's RX_TRIAL: both secure, and no application ever
 * got SRTP it could not read.  (Before the fix alice took her keys out on
 * T2 and her kernel passed bob's SRTP to her application as clear.)
 */
TEST(responder_killed_after_switching_media_late)
{
	struct pair p;
	struct state_is w;
	struct zrtpd_session *s;

	p_setup(_metadata, &p, 4);
	p.alice.no_media = p.bob.no_media = true;
	zrtpd_mock_drop_type(p.bob.m, "Conf2ACK");
	p_call(_metadata, &p);
	ASSERT_TRUE(run_until(p.hs, 2, bob_switched, &p, 10000));
	host_stop(&p.bob);
	/* T2: 150 ms doubling to 1200 ms, 10 retransmissions (~9.5 s) */
	w = (struct state_is){ p.sa, ZS_FAILED };
	ASSERT_FALSE(run_until(p.hs, 2, one_in_state, &w, 12000));
	ASSERT_EQ(NULL, p.sa->z);	/* the engine gave up on Conf2ACK */
	ASSERT_EQ(ZS_SWITCHING, p.sa->state);
	ASSERT_TRUE(flow_mode(&p.alice, p.sa->flow.id, KSRTP_FLOW_MODE_DIVERT));
	ASSERT_FALSE(no_keys(&p.alice, p.sa->flow.id));
	ASSERT_EQ(0, host_start(&p.bob));
	s = zrtpd_session_by_tuple(&p.bob.d, &p.fb.local, &p.fb.remote);
	ASSERT_NE(NULL, s);
	ASSERT_EQ(ZS_SWITCHING, s->state);
	ASSERT_TRUE(zrtpd_mock_accepts_clear(p.bob.m, s->flow.id));
	p.alice.no_media = p.bob.no_media = false;	/* the applications talk */
	w = (struct state_is){ p.sa, ZS_SECURE };
	ASSERT_TRUE(run_until(p.hs, 2, one_in_state, &w, 10000));
	w = (struct state_is){ s, ZS_SECURE };
	ASSERT_TRUE(run_until(p.hs, 2, one_in_state, &w, 10000));
	ASSERT_EQ(0, zrtpd_mock_garbled(p.alice.m));
	ASSERT_EQ(0, zrtpd_mock_garbled(p.bob.m));
	ASSERT_FALSE(zrtpd_mock_accepts_clear(p.alice.m, p.sa->flow.id));
	ASSERT_FALSE(zrtpd_mock_accepts_clear(p.bob.m, s->flow.id));
	ASSERT_EQ(ZM_SRTP, zrtpd_mock_media(p.alice.m, p.bob.m, &p.fa.local, &p.fa.remote));
	ASSERT_EQ(ZM_SRTP, zrtpd_mock_media(p.bob.m, p.alice.m, &p.fb.local, &p.fb.remote));
	ASSERT_EQ(0, p.alice.secure_but_clear);
	ASSERT_EQ(0, p.bob.secure_but_clear);
	p_teardown(&p);
}

/* run_until as a plain wait: both hosts run (media per no_media) for its time. */
static bool never(void *arg)
{
	return false;
}

/*
 * Every Conf2ACK lost, and the applications start long after the switch
 * (more than switch-timeout): alice's first packets are clear (armed, she
 * has not seen bob's SRTP yet) and cross bob's first SRTP.  Her zrtpd is
 * slow to look (a loaded host: paused 1.5 s while the media flows): bob
 * sees her clear RTP first, and must not take it for a peer that never
 * switched.  Both end secure.  (Before the fix bob failed at his first
 * look: the call went clear, his keys out while his application sent.)
 */
TEST(media_late_first_packets_cross)
{
	struct pair p;
	struct state_is w;

	p_setup(_metadata, &p, 12);
	p.alice.no_media = p.bob.no_media = true;
	zrtpd_mock_drop_type(p.bob.m, "Conf2ACK");
	p_call(_metadata, &p);
	ASSERT_TRUE(run_until(p.hs, 2, bob_switched, &p, 10000));
	run_until(p.hs, 2, never, NULL, 2000);	/* silence > switch-timeout (1 s) */
	ASSERT_EQ(ZS_SWITCHING, p.sa->state);
	ASSERT_EQ(ZS_SWITCHING, p.sb->state);
	p.alice.no_media = p.bob.no_media = false;
	p.alice.running = false;		/* her kernel works, her zrtpd is slow */
	run_until(p.hs, 2, never, NULL, 1500);
	ASSERT_EQ(ZS_SWITCHING, p.sb->state);
	p.alice.running = true;
	w = (struct state_is){ p.sa, ZS_SECURE };
	ASSERT_TRUE(run_until(p.hs, 2, one_in_state, &w, 10000));
	w = (struct state_is){ p.sb, ZS_SECURE };
	ASSERT_TRUE(run_until(p.hs, 2, one_in_state, &w, 10000));
	ASSERT_EQ(0, zrtpd_mock_garbled(p.alice.m));
	ASSERT_EQ(0, zrtpd_mock_garbled(p.bob.m));
	ASSERT_EQ(0, p.alice.secure_but_clear);
	ASSERT_EQ(0, p.bob.secure_but_clear);
	p_teardown(&p);
}

/*
 * alice's Confirm2 never reaches bob (every one lost): bob never switches
 * and gives up; his application talks clear.  alice, her Confirm2
 * retransmissions run out, keeps her keys only while that can still end
 * secure: clear RTP from bob long after the switch means he never turned
 * SRTP on, and she fails visibly with her keys out.
 */
TEST(initiator_confirm2_lost_peer_stays_clear)
{
	struct pair p;
	struct state_is w;

	p_setup(_metadata, &p, 10);
	zrtpd_mock_drop_type(p.alice.m, "Confirm2");
	p_call(_metadata, &p);
	w = (struct state_is){ p.sa, ZS_FAILED };
	ASSERT_TRUE(run_until(p.hs, 2, one_in_state, &w, 20000));
	ASSERT_TRUE(no_keys(&p.alice, p.sa->flow.id));
	ASSERT_TRUE(flow_mode(&p.alice, p.sa->flow.id, KSRTP_FLOW_MODE_DIVERT));
	ASSERT_NE(ZS_SECURE, p.sb->state);
	ASSERT_NE(ZS_SWITCHING, p.sb->state);
	ASSERT_EQ(0, zrtpd_mock_garbled(p.alice.m));
	ASSERT_EQ(0, zrtpd_mock_garbled(p.bob.m));
	ASSERT_EQ(0, p.alice.secure_but_clear);
	ASSERT_EQ(0, p.bob.secure_but_clear);
	ASSERT_EQ(ZM_CLEAR, zrtpd_mock_media(p.alice.m, p.bob.m, &p.fa.local, &p.fa.remote));
	ASSERT_EQ(ZM_CLEAR, zrtpd_mock_media(p.bob.m, p.alice.m, &p.fb.local, &p.fb.remote));
	p_teardown(&p);
}

/*
 * bob's kernel refuses his TX key (the second KEY_NEW, after the RX key
 * went in): no Conf2ACK may leave, his RX key comes out again, his session
 * fails.  alice, armed, never hears Conf2ACK nor SRTP and gives up on T2:
 * her keys come out too.  Clear both ways, and shown so.
 */
TEST(responder_key_install_fails)
{
	struct pair p;
	struct state_is w;

	p_setup(_metadata, &p, 6);
	zrtpd_mock_fail_key_new(p.bob.m, 2);
	zrtpd_mock_count_type(p.bob.m, "Conf2ACK");
	p_call(_metadata, &p);
	w = (struct state_is){ p.sb, ZS_FAILED };
	ASSERT_TRUE(run_until(p.hs, 2, one_in_state, &w, 10000));
	ASSERT_TRUE(no_keys(&p.bob, p.sb->flow.id));
	ASSERT_TRUE(flow_mode(&p.bob, p.sb->flow.id, KSRTP_FLOW_MODE_DIVERT));
	w = (struct state_is){ p.sa, ZS_FAILED };
	ASSERT_TRUE(run_until(p.hs, 2, one_in_state, &w, 20000));
	ASSERT_EQ(0, zrtpd_mock_type_sent(p.bob.m));
	ASSERT_TRUE(no_keys(&p.alice, p.sa->flow.id));
	ASSERT_TRUE(flow_mode(&p.alice, p.sa->flow.id, KSRTP_FLOW_MODE_DIVERT));
	ASSERT_EQ(0, p.alice.secure_but_clear);
	ASSERT_EQ(0, p.bob.secure_but_clear);
	ASSERT_EQ(ZM_CLEAR, zrtpd_mock_media(p.alice.m, p.bob.m, &p.fa.local, &p.fa.remote));
	ASSERT_EQ(ZM_CLEAR, zrtpd_mock_media(p.bob.m, p.alice.m, &p.fb.local, &p.fb.remote));
	p_teardown(&p);
}

/* alice's kernel refuses her TX key on Confirm1: no Confirm2 leaves. */
TEST(initiator_key_install_fails)
{
	struct pair p;
	struct state_is w;
	int i;

	p_setup(_metadata, &p, 8);
	zrtpd_mock_fail_key_new(p.alice.m, 2);
	zrtpd_mock_count_type(p.alice.m, "Confirm2");
	p_call(_metadata, &p);
	w = (struct state_is){ p.sa, ZS_FAILED };
	ASSERT_TRUE(run_until(p.hs, 2, one_in_state, &w, 10000));
	ASSERT_TRUE(no_keys(&p.alice, p.sa->flow.id));
	ASSERT_TRUE(flow_mode(&p.alice, p.sa->flow.id, KSRTP_FLOW_MODE_DIVERT));
	for (i = 0; i < 200; i++) {
		zrtpd_run_once(&p.alice.d, 2);
		zrtpd_run_once(&p.bob.d, 2);
	}
	ASSERT_EQ(0, zrtpd_mock_type_sent(p.alice.m));
	/* bob never got Confirm2: no keys, not secure */
	ASSERT_NE(ZS_SECURE, p.sb->state);
	ASSERT_NE(ZS_SWITCHING, p.sb->state);
	ASSERT_TRUE(no_keys(&p.bob, p.sb->flow.id));
	ASSERT_EQ(0, p.alice.secure_but_clear);
	ASSERT_EQ(0, p.bob.secure_but_clear);
	p_teardown(&p);
}

TEST_HARNESS_MAIN
