// SPDX-License-Identifier: GPL-2.0
/*
 * zrtpd as a trusted MiTM (RFC 6189 §7.3): three daemons, each on its own
 * mock kernel, over UDP on 127.0.0.1:
 *
 *   alice (zrtpd, pbx-enroll)  <-- leg a -->  pbx (zrtpd, trusted-mitm,
 *   bob   (zrtpd, pbx-enroll)  <-- leg b -->       pbx-enroll; two flows)
 *
 * Alice enrolls with the PBX by verifying the SAS of a first call (the
 * phone stores the pbxsecret only then).  In the next call the PBX relays
 * leg b's SAS to Alice (relay-sas), and Alice's session then shows exactly
 * the SAS Bob's shows.  Bob never enrolled: a relay towards him is refused
 * by the PBX itself; a daemon without trusted-mitm relays nothing.
 */
#include <stdarg.h>
#include "kselftest_harness.h"
#include "zrtpd_test.h"

struct four {
	struct zrtpd *pbx, *a, *b;
	uint32_t pa, pb, sa, sb;
};

static bool all_secure(void *arg)
{
	struct four *f = arg;
	struct zrtpd_session *s[4] = {
		zrtpd_session_by_id(f->pbx, f->pa), zrtpd_session_by_id(f->pbx, f->pb),
		zrtpd_session_by_id(f->a, f->sa), f->b ? zrtpd_session_by_id(f->b, f->sb) : NULL,
	};

	for (int i = 0; i < (f->b ? 4 : 3); i++)
		if (!s[i] || s[i]->state != ZS_SECURE)
			return false;
	return true;
}

struct same_sas {
	struct zrtpd_session *x, *y;
};

static bool sas_equal(void *arg)
{
	struct same_sas *t = arg;

	return !strcmp(t->x->sas, t->y->sas);
}

/* One leg: phone's flow to the PBX's, both added as an operator would. */
static void place(struct __test_metadata *_metadata, struct host *ph, struct host *pbx,
		  unsigned int port, struct zrtpd_session **sph, struct zrtpd_session **spx)
{
	struct ksrtp_flow_info fp = flow_of(test_port(port), test_port(port + 1));
	struct ksrtp_flow_info fx = flow_of(test_port(port + 1), test_port(port));

	ASSERT_EQ(0, zrtpd_session_add(&ph->d, &fp, NULL, sph));
	ASSERT_EQ(0, zrtpd_session_add(&pbx->d, &fx, NULL, spx));
}

static char reply[8192];

/* One control request (Documentation/control-protocol.md); reply kept. */
static void ctl(struct __test_metadata *_metadata, struct zrtpd *d, const char *fmt, ...)
{
	char line[128], *r = NULL;
	size_t len = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	ASSERT_EQ(0, zrtpd_ctl_request(d, line, &r, &len));
	snprintf(reply, sizeof(reply), "%s", r ? r : "");
	free(r);
}

TEST(relay_far_leg_sas_to_enrolled_phone)
{
	struct host alice, bob, pbx;
	struct host *hs[3] = { &alice, &bob, &pbx };
	struct zrtpd_session *sa, *sb, *pa, *pb;
	struct zrtp_cache_entry e;
	struct four f;
	struct same_sas t;
	char *tmp = test_tmpdir();

	ASSERT_NE(NULL, tmp);
	host_init(&alice, "alice", tmp);
	host_init(&bob, "bob", tmp);
	host_init(&pbx, "pbx", tmp);
	ASSERT_EQ(0, zrtpd_config_set(&pbx.cfg, "trusted-mitm", "yes", NULL, 0));
	ASSERT_EQ(0, zrtpd_config_set(&pbx.cfg, "pbx-enroll", "yes", NULL, 0));
	ASSERT_EQ(0, zrtpd_config_set(&alice.cfg, "pbx-enroll", "yes", NULL, 0));
	ASSERT_EQ(0, zrtpd_config_set(&bob.cfg, "pbx-enroll", "yes", NULL, 0));
	ASSERT_EQ(0, host_start(&alice));
	ASSERT_EQ(0, host_start(&bob));
	ASSERT_EQ(0, host_start(&pbx));

	/* call 1, the enrollment: Alice and the PBX; she verifies the SAS */
	place(_metadata, &alice, &pbx, 0, &sa, &pa);
	f = (struct four){ &pbx.d, &alice.d, NULL, pa->flow.id, pa->flow.id, sa->flow.id, 0 };
	ASSERT_TRUE(run_until(hs, 3, all_secure, &f, 10000));
	ASSERT_STREQ(sa->sas, pa->sas);
	/* not before the user verified the SAS */
	EXPECT_FALSE(zrtp_cache_get(alice.d.cache, pbx.d.zid, &e) == 0 && e.has_pbx);
	ASSERT_EQ(0, zrtpd_session_verify(&alice.d, sa, true));
	ASSERT_EQ(0, zrtp_cache_get(alice.d.cache, pbx.d.zid, &e));
	ASSERT_TRUE(e.has_pbx);
	ASSERT_EQ(0, zrtpd_session_del(&alice.d, sa, true));
	ASSERT_EQ(0, zrtpd_session_del(&pbx.d, pa, true));

	/* call 2: Alice on leg a, Bob on leg b */
	place(_metadata, &alice, &pbx, 2, &sa, &pa);
	place(_metadata, &bob, &pbx, 4, &sb, &pb);
	f = (struct four){ &pbx.d, &alice.d, &bob.d, pa->flow.id, pb->flow.id,
			   sa->flow.id, sb->flow.id };
	ASSERT_TRUE(run_until(hs, 3, all_secure, &f, 10000));
	TH_LOG("leg a SAS %s, leg b SAS %s", sa->sas, sb->sas);
	ASSERT_STRNE(sa->sas, sb->sas);
	/* Bob is not enrolled: the PBX does not relay to him */
	EXPECT_EQ(-EACCES, zrtpd_session_relay_sas(&pbx.d, pa, pb));
	ctl(_metadata, &pbx.d, "relay-sas %u to %u", pa->flow.id, pb->flow.id);
	EXPECT_NE(NULL, strstr(reply, "not enrolled"));
	/* a phone is no MiTM */
	EXPECT_EQ(-EPERM, zrtpd_session_relay_sas(&alice.d, sa, sa));
	ctl(_metadata, &alice.d, "relay-sas %u to %u", sa->flow.id, sa->flow.id);
	EXPECT_NE(NULL, strstr(reply, "not a trusted MiTM"));
	/* to Alice, as an operator would: she then reads the SAS Bob reads */
	ctl(_metadata, &pbx.d, "json relay-sas %u to %u", pb->flow.id, pa->flow.id);
	EXPECT_EQ(0, strncmp(reply, "ok\n{\"id\":", 9)) TH_LOG("%s", reply);
	t = (struct same_sas){ sa, sb };
	EXPECT_TRUE(run_until(hs, 3, sas_equal, &t, 5000));
	EXPECT_STREQ(sb->sas, sa->sas);
	EXPECT_FALSE(sa->verified);		/* a new SAS, not compared yet */
	EXPECT_EQ(ZS_SECURE, sa->state);
	EXPECT_EQ(ZS_SECURE, pa->state);

	host_free(&alice);
	host_free(&bob);
	host_free(&pbx);
	rm_rf(tmp);
	free(tmp);
}

/*
 * The gateway: "relay-add LEG to LEG zrtp both" on one daemon runs a
 * session on each leg of a kernel relay; as a trusted MiTM it relays by
 * itself, once both legs are secure, the far leg's SAS to a phone that
 * enrolled with it.
 *
 *   alice P2 <-- leg a P3 [gw relay] leg b P5 --> P4 bob
 */
struct gwcall {
	struct host alice, bob, gw;
	struct host *hs[3];
	struct zrtpd_session *sa, *sb, *pa, *pb;
	char *tmp;
};

static bool never(void *arg)
{
	return false;
}

/* enroll: bit 0 Alice, bit 1 Bob verify a first call with the gateway */
static void gw_call(struct __test_metadata *_metadata, struct gwcall *c, bool mitm,
		    unsigned int enroll)
{
	struct ksrtp_flow_info a = flow_of(test_port(3), test_port(2));
	struct ksrtp_flow_info b = flow_of(test_port(5), test_port(4));
	struct ksrtp_flow_info fa = flow_of(test_port(2), test_port(3));
	struct ksrtp_flow_info fb = flow_of(test_port(4), test_port(5));
	struct zrtpd_session *x, *y;
	struct four f;

	c->tmp = test_tmpdir();
	ASSERT_NE(NULL, c->tmp);
	host_init(&c->alice, "alice", c->tmp);
	host_init(&c->bob, "bob", c->tmp);
	host_init(&c->gw, "gw", c->tmp);
	c->hs[0] = &c->alice, c->hs[1] = &c->bob, c->hs[2] = &c->gw;
	ASSERT_EQ(0, zrtpd_config_set(&c->gw.cfg, "trusted-mitm", "yes", NULL, 0));
	ASSERT_EQ(0, zrtpd_config_set(&c->gw.cfg, "pbx-enroll", "yes", NULL, 0));
	ASSERT_EQ(0, zrtpd_config_set(&c->alice.cfg, "pbx-enroll", "yes", NULL, 0));
	ASSERT_EQ(0, zrtpd_config_set(&c->bob.cfg, "pbx-enroll", "yes", NULL, 0));
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(0, host_start(c->hs[i]));
	for (int i = 0; i < 2; i++) {
		if (!(enroll & (1u << i)))
			continue;
		place(_metadata, c->hs[i], &c->gw, 0, &x, &y);
		f = (struct four){ &c->gw.d, &c->hs[i]->d, NULL, y->flow.id, y->flow.id,
				   x->flow.id, 0 };
		ASSERT_TRUE(run_until(c->hs, 3, all_secure, &f, 10000));
		ASSERT_EQ(0, zrtpd_session_verify(&c->hs[i]->d, x, true));
		ASSERT_EQ(0, zrtpd_session_del(&c->hs[i]->d, x, true));
		ASSERT_EQ(0, zrtpd_session_del(&c->gw.d, y, true));
	}
	ASSERT_EQ(0, c->gw.k->ops->flow_add(c->gw.k, &a, &a));
	ASSERT_EQ(0, c->gw.k->ops->flow_add(c->gw.k, &b, &b));
	ASSERT_EQ(0, zrtpd_session_add(&c->alice.d, &fa, NULL, &c->sa));
	ASSERT_EQ(0, zrtpd_session_add(&c->bob.d, &fb, NULL, &c->sb));
	ctl(_metadata, &c->gw.d, "json relay-add id %u to id %u zrtp both", a.id, b.id);
	ASSERT_EQ(0, strncmp(reply, "ok\n{", 4)) TH_LOG("%s", reply);
	ASSERT_NE(NULL, strstr(reply, "\"leg\":\"a\""));
	ASSERT_NE(NULL, strstr(reply, "}\n{"));		/* a session object per leg */
	ASSERT_NE(NULL, strstr(reply, "\"leg\":\"b\""));
	/* off: as a reload would turn it off now; the engines already run as a
	 * MiTM, so only zrtpd's own check can keep it from relaying */
	c->gw.d.cfg.trusted_mitm = mitm;
	c->pa = zrtpd_session_by_id(&c->gw.d, a.id);
	c->pb = zrtpd_session_by_id(&c->gw.d, b.id);
	ASSERT_NE(NULL, c->pa);
	ASSERT_NE(NULL, c->pb);
	EXPECT_EQ(c->pb, zrtpd_relay_partner(&c->gw.d, c->pa));
	EXPECT_EQ(c->pa, zrtpd_relay_partner(&c->gw.d, c->pb));
	EXPECT_EQ(c->pa->relay_id, c->pb->relay_id);
	f = (struct four){ &c->gw.d, &c->alice.d, &c->bob.d, a.id, b.id,
			   c->sa->flow.id, c->sb->flow.id };
	ASSERT_TRUE(run_until(c->hs, 3, all_secure, &f, 10000));
	TH_LOG("leg a SAS %s, leg b SAS %s", c->pa->sas, c->pb->sas);
	ASSERT_STRNE(c->pa->sas, c->pb->sas);
}

static void gw_free(struct gwcall *c)
{
	host_free(&c->alice);
	host_free(&c->bob);
	host_free(&c->gw);
	rm_rf(c->tmp);
	free(c->tmp);
}

/* Alice enrolled, Bob not: Alice is sent leg b's SAS, Bob keeps his own. */
TEST(gateway_both_legs_relay_to_enrolled_phone)
{
	struct gwcall c;
	struct same_sas t;
	uint32_t ida, idb;
	uint64_t n;

	gw_call(_metadata, &c, true, 1);
	t = (struct same_sas){ c.sa, c.sb };
	EXPECT_TRUE(run_until(c.hs, 3, sas_equal, &t, 5000));
	EXPECT_STREQ(c.pb->sas, c.sa->sas);	/* the relayed one: leg b's */
	EXPECT_STREQ(c.pb->sas, c.sb->sas);	/* Bob: his own leg's */
	EXPECT_FALSE(c.sa->verified);
	EXPECT_EQ(c.pb->flow.id, c.pa->sas_relay_from);
	EXPECT_EQ(0u, c.pb->sas_relay_from);	/* nothing towards Bob */
	/* once per call: after RelayACK nothing more goes to Alice */
	run_until(c.hs, 3, never, NULL, 500);
	n = zrtpd_mock_zrtp_sent(c.gw.m, c.pa->flow.id);
	run_until(c.hs, 3, never, NULL, 1500);
	EXPECT_EQ(n, zrtpd_mock_zrtp_sent(c.gw.m, c.pa->flow.id));
	ctl(_metadata, &c.gw.d, "json show id %u", c.pa->flow.id);
	EXPECT_NE(NULL, strstr(reply, "\"sas_relay\":{\"from_flow\":")) TH_LOG("%s", reply);
	EXPECT_EQ(ZS_SECURE, c.sa->state);
	EXPECT_EQ(ZS_SECURE, c.sb->state);
	/* the gateway restarts: both legs taken back, each knowing the other,
	 * no engine, so nothing is relayed again (Alice keeps leg b's SAS) */
	ida = c.pa->flow.id;
	idb = c.pb->flow.id;
	host_stop(&c.gw);
	ASSERT_EQ(0, host_start(&c.gw));
	c.pa = zrtpd_session_by_id(&c.gw.d, ida);
	c.pb = zrtpd_session_by_id(&c.gw.d, idb);
	ASSERT_NE(NULL, c.pa);
	ASSERT_NE(NULL, c.pb);
	EXPECT_TRUE(c.pa->resumed && c.pb->resumed);
	EXPECT_EQ(c.pb, zrtpd_relay_partner(&c.gw.d, c.pa));
	n = zrtpd_mock_zrtp_sent(c.gw.m, ida) + zrtpd_mock_zrtp_sent(c.gw.m, idb);
	run_until(c.hs, 3, never, NULL, 1000);
	EXPECT_EQ(n, zrtpd_mock_zrtp_sent(c.gw.m, ida) + zrtpd_mock_zrtp_sent(c.gw.m, idb));
	EXPECT_EQ(ZS_SECURE, c.pa->state);
	EXPECT_EQ(ZS_SECURE, c.pb->state);
	EXPECT_STREQ(c.sb->sas, c.sa->sas);
	gw_free(&c);
}

struct redialed {
	struct gwcall *c;
	char old[40];
};

static bool relayed_again(void *arg)
{
	struct redialed *w = arg;
	struct gwcall *c = w->c;

	return c->pb->state == ZS_SECURE && !c->pb->rekey && c->pb->redials == 1 &&
	       c->sb->state == ZS_SECURE && strcmp(c->sb->sas, w->old) &&
	       !strcmp(c->sa->sas, c->sb->sas);
}

/* Bob hangs up and calls again on the same ports (leg b redials, a new
 * SAS): Alice is sent the new one. */
TEST(gateway_both_legs_relay_again_after_redial)
{
	struct gwcall c;
	struct same_sas t;
	struct redialed w = { .c = &c };
	struct ksrtp_flow_info fb = flow_of(test_port(4), test_port(5));

	gw_call(_metadata, &c, true, 1);
	t = (struct same_sas){ c.sa, c.sb };
	ASSERT_TRUE(run_until(c.hs, 3, sas_equal, &t, 5000));
	snprintf(w.old, sizeof(w.old), "%s", c.sb->sas);
	ASSERT_EQ(0, zrtpd_session_del(&c.bob.d, c.sb, true));
	ASSERT_EQ(0, zrtpd_session_add(&c.bob.d, &fb, NULL, &c.sb));
	EXPECT_TRUE(run_until(c.hs, 3, relayed_again, &w, 20000));
	TH_LOG("leg b SAS %s, then %s; Alice shows %s", w.old, c.sb->sas, c.sa->sas);
	EXPECT_STREQ(c.pb->sas, c.sa->sas);
	EXPECT_EQ(c.pb->flow.id, c.pa->sas_relay_from);
	gw_free(&c);
}

/* Both enrolled: one direction only (Documentation/zrtp-engine.md,
 * "Trusted MiTM"): Bob is sent leg a's SAS, Alice keeps hers. */
TEST(gateway_both_legs_both_enrolled_relay_towards_b)
{
	struct gwcall c;
	struct same_sas t;

	gw_call(_metadata, &c, true, 3);
	t = (struct same_sas){ c.sa, c.sb };
	EXPECT_TRUE(run_until(c.hs, 3, sas_equal, &t, 5000));
	run_until(c.hs, 3, never, NULL, 500);
	EXPECT_STREQ(c.pa->sas, c.sb->sas);	/* the relayed one: leg a's */
	EXPECT_STREQ(c.pa->sas, c.sa->sas);	/* Alice: her own leg's */
	EXPECT_EQ(c.pa->flow.id, c.pb->sas_relay_from);
	EXPECT_EQ(0u, c.pa->sas_relay_from);	/* not both ways */
	gw_free(&c);
}

/* Each phone shows its own leg's SAS; the gateway sends no SASrelay. */
static void no_relay(struct __test_metadata *_metadata, bool mitm, unsigned int enroll)
{
	struct gwcall c;
	uint64_t na, nb;

	gw_call(_metadata, &c, mitm, enroll);
	run_until(c.hs, 3, never, NULL, 500);
	na = zrtpd_mock_zrtp_sent(c.gw.m, c.pa->flow.id);
	nb = zrtpd_mock_zrtp_sent(c.gw.m, c.pb->flow.id);
	run_until(c.hs, 3, never, NULL, 1500);
	EXPECT_EQ(na, zrtpd_mock_zrtp_sent(c.gw.m, c.pa->flow.id));
	EXPECT_EQ(nb, zrtpd_mock_zrtp_sent(c.gw.m, c.pb->flow.id));
	EXPECT_STREQ(c.pa->sas, c.sa->sas);
	EXPECT_STREQ(c.pb->sas, c.sb->sas);
	EXPECT_EQ(0u, c.pa->sas_relay_from);
	EXPECT_EQ(0u, c.pb->sas_relay_from);
	gw_free(&c);
}

TEST(gateway_both_legs_no_relay_without_trusted_mitm)
{
	no_relay(_metadata, false, 1);	/* Alice enrolled, trusted-mitm off */
}

TEST(gateway_both_legs_none_enrolled)
{
	no_relay(_metadata, true, 0);	/* trusted MiTM, but no phone enrolled */
}

TEST(config_keys)
{
	struct zrtpd_config c;
	char err[128];

	zrtpd_config_defaults(&c);
	EXPECT_FALSE(c.trusted_mitm);		/* off unless asked */
	EXPECT_FALSE(c.pbx_enroll);
	EXPECT_EQ(0, zrtpd_config_set(&c, "trusted-mitm", "yes", err, sizeof(err)));
	EXPECT_TRUE(c.trusted_mitm);
	EXPECT_EQ(0, zrtpd_config_set(&c, "pbx-enroll", "no", err, sizeof(err)));
	EXPECT_FALSE(c.pbx_enroll);
	EXPECT_EQ(-1, zrtpd_config_set(&c, "pbx-enroll", "maybe", err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "yes or no"));
}

TEST_HARNESS_MAIN
