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

static char reply[512];

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
