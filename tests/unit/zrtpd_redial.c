// SPDX-License-Identifier: GPL-2.0
/*
 * Redial on the same ports (issue 12, item 2).  Softphones reuse their
 * media port for every call: a new ZRTP session (a new Hello: a new hash
 * chain, or another ZID) on a flow whose session is secure must start a
 * new handshake, while the old keys keep serving until the new ones are
 * in (the other key slot, then KEY_SWAP); a Hello alone proves nothing
 * (RFC 6189 §4.1: unauthenticated), so one forged from the path while the
 * call's SRTP flows changes nothing.
 *
 *   alice  127.0.0.1:P (+1 RTCP)  <---- call 1, hang-up, call 2 ---->  bob, then carol
 *                                 <---- forged Hello (mallory) -----   (from bob's address)
 */
#include <openssl/rand.h>

#include "kselftest_harness.h"
#include "zrtpd_test.h"

struct call {
	struct host alice, bob;
	struct host *hs[2];
	char *tmp;
	struct zrtpd_session *sa, *sb;
	struct ksrtp_flow_info fa, fb;
};

static void c_setup(struct __test_metadata *_metadata, struct call *c)
{
	c->tmp = test_tmpdir();
	ASSERT_NE(NULL, c->tmp);
	host_init(&c->alice, "alice", c->tmp);
	host_init(&c->bob, "bob", c->tmp);
	/* RTCP on port+1: both flows of alice's session move to the new keys */
	c->alice.cfg.rtcp_mux = c->bob.cfg.rtcp_mux = false;
	c->hs[0] = &c->alice;
	c->hs[1] = &c->bob;
	c->fa = flow_of(test_port(0), test_port(2));
	c->fb = flow_of(test_port(2), test_port(0));
}

static void c_teardown(struct call *c)
{
	host_free(&c->alice);
	host_free(&c->bob);
	rm_rf(c->tmp);
	free(c->tmp);
}

/* The first call: both secure. */
static void c_call(struct __test_metadata *_metadata, struct call *c)
{
	struct two_sessions t;

	ASSERT_EQ(0, host_start(&c->alice));
	ASSERT_EQ(0, host_start(&c->bob));
	ASSERT_EQ(0, zrtpd_session_add(&c->alice.d, &c->fa, NULL, &c->sa));
	ASSERT_EQ(0, zrtpd_session_add(&c->bob.d, &c->fb, NULL, &c->sb));
	t = (struct two_sessions){ &c->alice.d, &c->bob.d, c->sa->flow.id, c->sb->flow.id, ZS_SECURE };
	ASSERT_TRUE(run_until(c->hs, 2, both_in_state, &t, 15000));
}

static bool same_key(const struct zrtpd_mock_key *a, const struct zrtpd_mock_key *b)
{
	return a->set && b->set && a->key_len == b->key_len && !memcmp(a->key, b->key, a->key_len) &&
	       !memcmp(a->salt, b->salt, a->salt_len);
}

/* alice's session (same flow, never removed) secure under a new session
 * that matches the peer's (host p, its session on fb) */
struct resecured {
	struct call *c;
	struct host *peer;
	unsigned int redials;
	unsigned int not_secure;	/* rounds alice's call was not shown secure */
};

static bool alice_resecured(void *arg)
{
	struct resecured *w = arg;
	struct zrtpd_session *a = w->c->sa;
	struct zrtpd_session *p = zrtpd_session_by_tuple(&w->peer->d, &w->c->fb.local,
							  &w->c->fb.remote);

	if (a->state != ZS_SECURE)
		w->not_secure++;
	return p && p->state == ZS_SECURE && a->state == ZS_SECURE && !a->rekey &&
	       a->redials == w->redials && !strcmp(a->sas, p->sas);
}

/* alice and the peer's kernels hold crossed keys on both flows */
static void assert_keys_crossed(struct __test_metadata *_metadata, struct call *c, struct host *peer)
{
	struct zrtpd_session *p = zrtpd_session_by_tuple(&peer->d, &c->fb.local, &c->fb.remote);
	struct zrtpd_mock_key a, b;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, zrtpd_mock_get_key(c->alice.m, c->sa->flow.id, KSRTP_KEY_DIR_TX, &a));
	ASSERT_EQ(0, zrtpd_mock_get_key(peer->m, p->flow.id, KSRTP_KEY_DIR_RX, &b));
	ASSERT_TRUE(same_key(&a, &b));
	ASSERT_EQ(0, zrtpd_mock_get_key(c->alice.m, c->sa->flow.id, KSRTP_KEY_DIR_RX, &a));
	ASSERT_EQ(0, zrtpd_mock_get_key(peer->m, p->flow.id, KSRTP_KEY_DIR_TX, &b));
	ASSERT_TRUE(same_key(&a, &b));
	ASSERT_NE(0, c->sa->rtcp.id);
	ASSERT_EQ(0, zrtpd_mock_get_key(c->alice.m, c->sa->rtcp.id, KSRTP_KEY_DIR_TX, &a));
	ASSERT_EQ(0, zrtpd_mock_get_key(peer->m, p->rtcp.id, KSRTP_KEY_DIR_RX, &b));
	ASSERT_TRUE(same_key(&a, &b));
	/* media: SRTP both ways on RTP and RTCP */
	ASSERT_EQ(ZM_SRTP, zrtpd_mock_media(c->alice.m, peer->m, &c->fa.local, &c->fa.remote));
	ASSERT_EQ(ZM_SRTP, zrtpd_mock_media(peer->m, c->alice.m, &c->fb.local, &c->fb.remote));
	ASSERT_EQ(ZM_SRTP, zrtpd_mock_media(c->alice.m, peer->m, &c->sa->rtcp.local,
					   &c->sa->rtcp.remote));
	/* the old slot is gone: one key per direction */
	ASSERT_EQ(-ENOENT, zrtpd_mock_get_key_slot(c->alice.m, c->sa->flow.id, KSRTP_KEY_DIR_TX,
						   !c->sa->slot, &a));
	ASSERT_EQ(-ENOENT, zrtpd_mock_get_key_slot(c->alice.m, c->sa->rtcp.id, KSRTP_KEY_DIR_RX,
						   !c->sa->slot, &a));
}

/*
 * bob hangs up (his session and flows go) and calls again on the same
 * ports: alice, whose session is still secure (her application did not
 * hang up, or the watch has not timed out), starts a new session on the
 * new Hello and ends secure with bob's new SAS; her flow is never removed
 * nor shown anything but secure, and its keys rotate through the other
 * slot.  (Before: the Hellos were ignored, bob never got secure.)
 */
TEST(redial_after_hangup)
{
	struct call c;
	struct zrtpd_mock_key old_tx, k;
	struct resecured w;
	uint32_t flow_id;

	c_setup(_metadata, &c);
	c_call(_metadata, &c);
	flow_id = c.sa->flow.id;
	ASSERT_EQ(0, zrtpd_mock_get_key(c.alice.m, flow_id, KSRTP_KEY_DIR_TX, &old_tx));
	/* hang-up on bob's side; redial on the same ports */
	ASSERT_EQ(0, zrtpd_session_del(&c.bob.d, c.sb, true));
	ASSERT_EQ(0, zrtpd_session_add(&c.bob.d, &c.fb, NULL, &c.sb));
	w = (struct resecured){ &c, &c.bob, 1, 0 };
	ASSERT_TRUE(run_until(c.hs, 2, alice_resecured, &w, 20000));
	ASSERT_EQ(0, w.not_secure);
	ASSERT_EQ(flow_id, c.sa->flow.id);
	ASSERT_EQ(1, c.alice.d.stats.redials);
	ASSERT_LE(2, zrtpd_mock_swaps(c.alice.m));	/* RX and TX, per flow */
	ASSERT_EQ(0, zrtpd_mock_get_key(c.alice.m, flow_id, KSRTP_KEY_DIR_TX, &k));
	ASSERT_FALSE(same_key(&k, &old_tx));
	assert_keys_crossed(_metadata, &c, &c.bob);
	ASSERT_EQ(0, c.alice.secure_but_clear);
	ASSERT_EQ(0, c.bob.secure_but_clear);
	c_teardown(&c);
}

static bool alice_failed(void *arg)
{
	struct call *c = arg;

	return c->sa->state == ZS_FAILED;
}

/*
 * A session that ended (failed: the peer spoke ZRTP, the handshake did not
 * finish) takes the peer's next call on the same ports: a new Hello starts
 * a new handshake at once.  (Before: the failed engine ignored it.)
 */
TEST(redial_after_failure)
{
	struct call c;
	struct resecured w;

	c_setup(_metadata, &c);
	c.alice.cfg.handshake_timeout = c.bob.cfg.handshake_timeout = 2;
	zrtpd_mock_drop_type(c.alice.m, "DHPart1");	/* whoever responds, it is lost */
	zrtpd_mock_drop_type(c.bob.m, "DHPart1");
	ASSERT_EQ(0, host_start(&c.alice));
	ASSERT_EQ(0, host_start(&c.bob));
	ASSERT_EQ(0, zrtpd_session_add(&c.alice.d, &c.fa, NULL, &c.sa));
	ASSERT_EQ(0, zrtpd_session_add(&c.bob.d, &c.fb, NULL, &c.sb));
	ASSERT_TRUE(run_until(c.hs, 2, alice_failed, &c, 15000));
	ASSERT_LT(0, c.sa->zrtp_rx);
	/* the line is good again; bob calls again on the same ports */
	zrtpd_mock_drop_type(c.alice.m, NULL);
	zrtpd_mock_drop_type(c.bob.m, NULL);
	ASSERT_EQ(0, zrtpd_session_del(&c.bob.d, c.sb, true));
	ASSERT_EQ(0, zrtpd_session_add(&c.bob.d, &c.fb, NULL, &c.sb));
	w = (struct resecured){ &c, &c.bob, 1, 0 };
	ASSERT_TRUE(run_until(c.hs, 2, alice_resecured, &w, 20000));
	assert_keys_crossed(_metadata, &c, &c.bob);
	ASSERT_EQ(0, c.alice.secure_but_clear);
	c_teardown(&c);
}

/*
 * Another endpoint (another ZID) takes bob's ports and calls alice: a new
 * session with the new peer, its ZID and SAS shown.
 */
TEST(redial_from_another_zid)
{
	struct call c;
	struct host carol;
	struct resecured w;
	uint8_t bob_zid[12];

	c_setup(_metadata, &c);
	c_call(_metadata, &c);
	memcpy(bob_zid, c.sa->peer_zid, 12);
	host_free(&c.bob);
	host_init(&carol, "carol", c.tmp);
	carol.cfg.rtcp_mux = false;
	ASSERT_EQ(0, host_start(&carol));
	ASSERT_NE(0, memcmp(bob_zid, carol.d.zid, 12));
	c.hs[1] = &carol;
	ASSERT_EQ(0, zrtpd_session_add(&carol.d, &c.fb, NULL, NULL));
	w = (struct resecured){ &c, &carol, 1, 0 };
	ASSERT_TRUE(run_until(c.hs, 2, alice_resecured, &w, 20000));
	ASSERT_EQ(0, w.not_secure);
	ASSERT_EQ(0, memcmp(carol.d.zid, c.sa->peer_zid, 12));
	assert_keys_crossed(_metadata, &c, &carol);
	host_free(&carol);
	c_teardown(&c);
}

/* A Hello of another ZRTP session, as a third party would build it. */
static size_t forged_hello(uint8_t *pkt, size_t cap)
{
	struct zrtp_config zc;
	struct zrtp_session *z;
	struct zrtp_output out;
	size_t len = 0;

	memset(&zc, 0, sizeof(zc));
	RAND_bytes(zc.zid, sizeof(zc.zid));
	zc.client_id = "mallory";
	zc.ssrc = 0x4d414c4c;
	zc.role = ZRTP_ROLE_AUTO;
	z = zrtp_session_new(&zc);
	if (!z)
		return 0;
	if (!zrtp_start(z, zrtpd_now_ms()))
		for (int i = 0; i < 8; i++) {
			int kind = zrtp_poll(z, zrtpd_now_ms(), &out);

			if (kind == ZRTP_OUT_NONE)
				break;
			if (kind == ZRTP_OUT_PACKET && out.len >= 24 &&
			    !memcmp(out.pkt + 16, "Hello   ", 8) && out.len <= cap) {
				memcpy(pkt, out.pkt, out.len);
				len = out.len;
				break;
			}
		}
	zrtp_session_free(z);
	return len;
}

struct forging {
	struct call *c;
	struct zrtpd_kernel *k;		/* a link on bob's kernel */
	uint8_t pkt[ZRTP_OUT_MAX_PKT];
	size_t len;
	uint64_t until;
	unsigned int sent, not_secure;
	char sas[40];
};

/* one forged Hello per round, from bob's address, until the time is up;
 * alice must stay secure with her first SAS throughout */
static bool forge_round(void *arg)
{
	struct forging *f = arg;
	struct call *c = f->c;

	f->k->ops->zrtp_xmit(f->k, &c->fb, f->pkt, f->len);
	f->sent++;
	if (c->sa->state != ZS_SECURE || c->sa->rekey || strcmp(c->sa->sas, f->sas))
		f->not_secure++;
	return zrtpd_now_ms() >= f->until;
}

/*
 * Forged Hellos from the path, for 3 s, while the call's media flows:
 * nothing changes (not the state, the SAS, the keys, the slot), alice
 * sends no ZRTP in answer (no Hello to the real peer: no rekey to
 * provoke), and the media stays SRTP.
 */
TEST(forged_hello_during_secure_call_changes_nothing)
{
	struct call c;
	struct forging f;
	struct zrtpd_mock_key tx0, rx0, k;
	uint64_t sent_before;

	c_setup(_metadata, &c);
	c_call(_metadata, &c);
	memset(&f, 0, sizeof(f));
	f.c = &c;
	f.k = c.bob.k;
	f.len = forged_hello(f.pkt, sizeof(f.pkt));
	ASSERT_LT(0, f.len);
	snprintf(f.sas, sizeof(f.sas), "%s", c.sa->sas);
	ASSERT_EQ(0, zrtpd_mock_get_key(c.alice.m, c.sa->flow.id, KSRTP_KEY_DIR_TX, &tx0));
	ASSERT_EQ(0, zrtpd_mock_get_key(c.alice.m, c.sa->flow.id, KSRTP_KEY_DIR_RX, &rx0));
	sent_before = zrtpd_mock_zrtp_sent(c.alice.m, c.sa->flow.id);
	f.until = zrtpd_now_ms() + 3000;
	run_until(c.hs, 2, forge_round, &f, 5000);
	ASSERT_LE(10, f.sent);
	ASSERT_EQ(0, f.not_secure);
	ASSERT_EQ(ZS_SECURE, c.sa->state);
	ASSERT_EQ(0, c.sa->redials);
	ASSERT_EQ(0, c.alice.d.stats.redials);
	ASSERT_LE(1, c.alice.d.stats.hellos_ignored);
	ASSERT_STREQ(f.sas, c.sa->sas);
	ASSERT_EQ(sent_before, zrtpd_mock_zrtp_sent(c.alice.m, c.sa->flow.id));
	ASSERT_EQ(0, zrtpd_mock_get_key(c.alice.m, c.sa->flow.id, KSRTP_KEY_DIR_TX, &k));
	ASSERT_TRUE(same_key(&k, &tx0));
	ASSERT_EQ(0, zrtpd_mock_get_key(c.alice.m, c.sa->flow.id, KSRTP_KEY_DIR_RX, &k));
	ASSERT_TRUE(same_key(&k, &rx0));
	ASSERT_EQ(0, zrtpd_mock_swaps(c.alice.m));
	ASSERT_EQ(ZM_SRTP, zrtpd_mock_media(c.alice.m, c.bob.m, &c.fa.local, &c.fa.remote));
	ASSERT_EQ(ZM_SRTP, zrtpd_mock_media(c.bob.m, c.alice.m, &c.fb.local, &c.fb.remote));
	ASSERT_EQ(0, c.alice.secure_but_clear);
	c_teardown(&c);
}

/*
 * A forged Hello while the call is silent (on hold) does start a new
 * session, which only the real peer could finish: nobody answers as the
 * forger, the attempt ends and the call keeps its keys, never shown
 * anything but secure.
 */
TEST(forged_hello_on_a_silent_call_keeps_its_keys)
{
	struct call c;
	struct forging f;
	struct zrtpd_mock_key tx0, k;

	c_setup(_metadata, &c);
	c.alice.cfg.handshake_timeout = 3;
	c_call(_metadata, &c);
	host_stop(&c.bob);	/* bob's zrtpd is gone; his kernel keeps the call */
	c.alice.no_media = c.bob.no_media = true;
	memset(&f, 0, sizeof(f));
	f.c = &c;
	ASSERT_EQ(0, zrtpd_mock_attach(c.bob.m, &f.k));
	f.len = forged_hello(f.pkt, sizeof(f.pkt));
	ASSERT_LT(0, f.len);
	snprintf(f.sas, sizeof(f.sas), "%s", c.sa->sas);
	ASSERT_EQ(0, zrtpd_mock_get_key(c.alice.m, c.sa->flow.id, KSRTP_KEY_DIR_TX, &tx0));
	f.until = zrtpd_now_ms() + 1500;
	run_until(c.hs, 1, forge_round, &f, 3000);
	f.k->ops->close(f.k);
	ASSERT_EQ(1, c.sa->redials);	/* the attempt ran beside the call... */
	for (int i = 0; i < 3000 && c.sa->rekey; i++)
		zrtpd_run_once(&c.alice.d, 5);
	ASSERT_FALSE(c.sa->rekey);	/* ...and gave up */
	ASSERT_EQ(ZS_SECURE, c.sa->state);
	ASSERT_STREQ(f.sas, c.sa->sas);
	ASSERT_EQ(0, zrtpd_mock_get_key(c.alice.m, c.sa->flow.id, KSRTP_KEY_DIR_TX, &k));
	ASSERT_TRUE(same_key(&k, &tx0));
	ASSERT_EQ(-ENOENT, zrtpd_mock_get_key_slot(c.alice.m, c.sa->flow.id, KSRTP_KEY_DIR_TX,
						   !c.sa->slot, &k));
	ASSERT_FALSE(zrtpd_mock_accepts_clear(c.alice.m, c.sa->flow.id));
	ASSERT_EQ(0, c.alice.secure_but_clear);
	c_teardown(&c);
}

TEST_HARNESS_MAIN
