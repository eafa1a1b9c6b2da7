// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 6189 §7.3, the trusted MiTM: three engines in one process.
 *
 *   phone A  <--leg a-->  PBX (leg a | leg b)  <--leg b-->  phone B
 *
 * The PBX runs one ZRTP session per leg (same ZID, same cache, M flag in
 * its Hello).  A phone enrolls with the PBX (§7.3.1: E flag in the PBX's
 * Confirm, pbxsecret = KDF(ZRTPSess, "Trusted MiTM key", ZIDi || ZIDr))
 * once the user verified the enrollment call's SAS.  In a later call the
 * PBX relays the far leg's sashash to an enrolled phone (SASrelay, §5.13),
 * so both users read the same SAS.  Then the attacker's side: forged,
 * truncated, replayed, IV-altered and early SASrelays, a MiTM that tries
 * to enroll itself, a relay nobody acknowledges.
 */
#include <stdio.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "zrtp_harness.h"
#include "zrtp_crypto.h"

#define ZID_A "phone-A-zid1"
#define ZID_B "phone-B-zid2"
#define ZID_P "pbx-zid-0003"
#define ZID_M "mallory-zid4"

FIXTURE(m)
{
	char dir[64];
	struct zrtp_cache *ca, *cb, *cp, *cm;
	struct zrtp_config cfa, cfb, cfp, cfp2, cfm;
	uint64_t now;
};

static struct zrtp_cache *open_in(const char *dir, const char *name)
{
	char p[128];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return zrtp_cache_open(p);
}

FIXTURE_SETUP(m)
{
	strcpy(self->dir, "/tmp/zrtp-mitm-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	self->ca = open_in(self->dir, "a.db");
	self->cb = open_in(self->dir, "b.db");
	self->cp = open_in(self->dir, "pbx.db");
	self->cm = open_in(self->dir, "m.db");
	ASSERT_NE(NULL, self->ca);
	ASSERT_NE(NULL, self->cb);
	ASSERT_NE(NULL, self->cp);
	ASSERT_NE(NULL, self->cm);
	/* the phones initiate, the PBX responds (as in the RFC's §7.3) */
	zh_config(&self->cfa, ZID_A, 0xa, ZRTP_ROLE_INITIATOR);
	zh_config(&self->cfb, ZID_B, 0xb, ZRTP_ROLE_INITIATOR);
	zh_config(&self->cfp, ZID_P, 0x1a, ZRTP_ROLE_RESPONDER);
	zh_config(&self->cfm, ZID_M, 0x3a, ZRTP_ROLE_RESPONDER);
	self->cfa.cache = self->ca;
	self->cfb.cache = self->cb;
	self->cfp.cache = self->cp;
	self->cfm.cache = self->cm;
	self->cfa.pbx_enroll = self->cfb.pbx_enroll = true;	/* accept an offer */
	self->cfp.mitm = self->cfp.pbx_enroll = true;		/* the PBX offers */
	self->cfm.mitm = self->cfm.pbx_enroll = true;		/* so does Mallory */
	self->cfp2 = self->cfp;
	self->cfp2.ssrc = 0x1b;					/* the PBX's leg b */
}

FIXTURE_TEARDOWN(m)
{
	char cmd[128];

	zrtp_cache_close(self->ca);
	zrtp_cache_close(self->cb);
	zrtp_cache_close(self->cp);
	zrtp_cache_close(self->cm);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		TH_LOG("cleanup failed");
}

/* One leg: phone <-> PBX until both are quiet; returns the clock. */
static uint64_t leg(struct __test_metadata *_metadata, struct zh_peer *ph, struct zh_peer *px,
		    struct zrtp_config *cph, struct zrtp_config *cpx, uint64_t now)
{
	EXPECT_EQ(0, zh_start(ph, "phone", cph, now));
	EXPECT_EQ(0, zh_start(px, "pbx", cpx, now));
	now = zh_run(ph, px, now, now + 60000, NULL, NULL);
	EXPECT_EQ(1, ph->n_secure);
	EXPECT_EQ(1, px->n_secure);
	EXPECT_STREQ(ph->secure.sas, px->secure.sas);
	EXPECT_TRUE(ph->secure.peer_is_mitm);
	return now;
}

/* §7.3.1: the enrollment call; the user verifies its SAS, then it counts. */
static void enroll(struct __test_metadata *_metadata, struct zrtp_config *cph,
		   struct zrtp_config *cpx)
{
	struct zh_peer ph, px;
	struct zrtp_cache_entry e;

	leg(_metadata, &ph, &px, cph, cpx, 0);
	EXPECT_TRUE(ph.secure.pbx_enroll_pending);
	EXPECT_EQ(0, ph.n_enrolled);
	ASSERT_EQ(0, zrtp_set_sas_verified(ph.s, true));
	zh_drain(&ph, ph.now);
	EXPECT_EQ(1, ph.n_enrolled);
	zh_stop(&ph);
	zh_stop(&px);
	/* both ends keep the same pbxsecret for the other */
	ASSERT_EQ(0, zrtp_cache_get(cph->cache, cpx->zid, &e));
	ASSERT_TRUE(e.has_pbx);
	{
		struct zrtp_cache_entry f;

		ASSERT_EQ(0, zrtp_cache_get(cpx->cache, cph->zid, &f));
		ASSERT_TRUE(f.has_pbx);
		EXPECT_EQ(0, memcmp(e.pbx, f.pbx, 32));
	}
}

/* The PBX side of the relay: other leg's sashash to this leg's phone. */
static int relay(struct zh_peer *from_leg, struct zh_peer *to_leg, uint64_t now)
{
	uint8_t h[32];
	uint32_t scheme;

	if (zrtp_get_sashash(from_leg->s, h, &scheme))
		return -1;
	return zrtp_send_sasrelay(to_leg->s, now, h, scheme);
}

/* A call across the PBX: phone A on leg a, phone B on leg b, all secure. */
struct call3 {
	struct zh_peer a, b, pa, pb;
	uint64_t now;
};

static void call3_start(struct __test_metadata *_metadata, FIXTURE_DATA(m) *self,
			struct call3 *c)
{
	c->now = leg(_metadata, &c->a, &c->pa, &self->cfa, &self->cfp, 0);
	c->now = leg(_metadata, &c->b, &c->pb, &self->cfb, &self->cfp2, c->now);
}

static void call3_stop(struct call3 *c)
{
	zh_stop(&c->a);
	zh_stop(&c->pa);
	zh_stop(&c->b);
	zh_stop(&c->pb);
}

/*
 * A enrolled, B not: the PBX relays leg b's SAS to A.  A now shows what B
 * shows, so A and B can compare one SAS across the PBX.
 */
TEST_F(m, relays_far_leg_sas_to_enrolled_phone)
{
	struct call3 c;
	struct zh_peer *a = &c.a, *b = &c.b, *pa = &c.pa, *pb = &c.pb;

	enroll(_metadata, &self->cfa, &self->cfp);
	call3_start(_metadata, self, &c);
	EXPECT_TRUE(a->secure.pbx_secret_used);		/* s3 matched (§4.3) */
	EXPECT_FALSE(a->secure.pbx_enroll_pending);	/* no E to an enrolled phone */
	EXPECT_TRUE(zrtp_peer_enrolled(pa->s));
	EXPECT_TRUE(zrtp_peer_enrolled(a->s));
	EXPECT_FALSE(zrtp_peer_enrolled(pb->s));
	TH_LOG("leg a SAS %s, leg b SAS %s", a->secure.sas, b->secure.sas);
	ASSERT_STRNE(a->secure.sas, b->secure.sas);	/* two legs, two SAS */
	/* the PBX relays to the one enrolled phone only */
	ASSERT_EQ(0, relay(pb, pa, c.now));
	c.now = zh_run(a, pa, c.now, c.now + 60000, NULL, NULL);
	ASSERT_EQ(1, a->n_relayed);
	EXPECT_STREQ(b->secure.sas, a->relayed.sas);	/* A reads B's SAS */
	EXPECT_STREQ(b->secure.sas_type, a->relayed.sas_type);
	EXPECT_FALSE(a->relayed.sas_verified);
	EXPECT_EQ(1, a->sent[ZRTP_MSG_RELAYACK]);
	EXPECT_EQ(1, pa->sent[ZRTP_MSG_SASRELAY]);	/* RelayACK stopped T2 */
	EXPECT_EQ(0, pa->n_relay_unacked);
	EXPECT_EQ(0u, zrtp_sasrelay_refused(a->s));
	EXPECT_TRUE(zrtp_is_secure(a->s));
	/* a phone may not relay */
	EXPECT_EQ(-1, relay(pa, a, c.now));
	call3_stop(&c);
}

/*
 * Both phones enrolled: the PBX relays in ONE direction (relaying both
 * ways would swap the two SAS and they would never match).  Here towards
 * B: B reads A's SAS.
 */
TEST_F(m, both_enrolled_relay_towards_b)
{
	struct call3 c;

	enroll(_metadata, &self->cfa, &self->cfp);
	enroll(_metadata, &self->cfb, &self->cfp2);
	call3_start(_metadata, self, &c);
	EXPECT_TRUE(zrtp_peer_enrolled(c.pa.s));
	EXPECT_TRUE(zrtp_peer_enrolled(c.pb.s));
	ASSERT_EQ(0, relay(&c.pa, &c.pb, c.now));
	zh_run(&c.b, &c.pb, c.now, c.now + 60000, NULL, NULL);
	ASSERT_EQ(1, c.b.n_relayed);
	EXPECT_STREQ(c.a.secure.sas, c.b.relayed.sas);
	EXPECT_EQ(0, c.a.n_relayed);
	call3_stop(&c);
}

/* B never enrolled: a relay towards it changes nothing B shows. */
TEST_F(m, unenrolled_phone_refuses_relay)
{
	struct call3 c;

	enroll(_metadata, &self->cfa, &self->cfp);
	call3_start(_metadata, self, &c);
	ASSERT_EQ(0, relay(&c.pa, &c.pb, c.now));	/* the engine lets the PBX try */
	zh_run(&c.b, &c.pb, c.now, c.now + 60000, NULL, NULL);
	EXPECT_EQ(0, c.b.n_relayed);
	EXPECT_EQ(1, c.b.n_relay_rejected);
	EXPECT_EQ(1u, zrtp_sasrelay_refused(c.b.s));
	EXPECT_TRUE(zrtp_is_secure(c.b.s));
	call3_stop(&c);
}

/*
 * §7.3.1: Mallory, in the middle of a call the user did not verify, sets
 * M and E.  A must not enroll her; her relay in the next call is refused.
 */
TEST_F(m, unverified_call_does_not_enroll)
{
	struct zh_peer a, x;
	struct zrtp_cache_entry e;
	uint8_t h[32] = { 0x42 };
	uint64_t now;

	leg(_metadata, &a, &x, &self->cfa, &self->cfm, 0);
	EXPECT_TRUE(a.secure.pbx_enroll_pending);
	zh_stop(&a);			/* hung up, SAS never verified */
	zh_stop(&x);
	EXPECT_EQ(0, a.n_enrolled);
	ASSERT_EQ(0, zrtp_cache_get(self->ca, (const uint8_t *)ZID_M, &e));
	EXPECT_FALSE(e.has_pbx);
	now = leg(_metadata, &a, &x, &self->cfa, &self->cfm, 0);
	EXPECT_FALSE(a.secure.pbx_secret_used);
	ASSERT_EQ(0, zrtp_send_sasrelay(x.s, now, h, ZRTP_B32));
	zh_run(&a, &x, now, now + 60000, NULL, NULL);
	EXPECT_EQ(0, a.n_relayed);
	EXPECT_EQ(1, a.n_relay_rejected);
	zh_stop(&a);
	zh_stop(&x);
}

/* The PBX re-offers nothing to an enrolled phone: the pbxsecret stays. */
TEST_F(m, enrolled_phone_keeps_its_pbxsecret)
{
	struct zh_peer a, pa;
	struct zrtp_cache_entry e1, e2, f1, f2;

	enroll(_metadata, &self->cfa, &self->cfp);
	ASSERT_EQ(0, zrtp_cache_get(self->ca, (const uint8_t *)ZID_P, &e1));
	ASSERT_EQ(0, zrtp_cache_get(self->cp, (const uint8_t *)ZID_A, &f1));
	for (int i = 0; i < 2; i++) {
		leg(_metadata, &a, &pa, &self->cfa, &self->cfp, 0);
		EXPECT_TRUE(a.secure.pbx_secret_used);
		EXPECT_FALSE(a.secure.pbx_enroll_pending);
		EXPECT_EQ(0, a.n_enrolled);
		zh_stop(&a);
		zh_stop(&pa);
	}
	ASSERT_EQ(0, zrtp_cache_get(self->ca, (const uint8_t *)ZID_P, &e2));
	ASSERT_EQ(0, zrtp_cache_get(self->cp, (const uint8_t *)ZID_A, &f2));
	EXPECT_EQ(0, memcmp(e1.pbx, e2.pbx, 32));
	EXPECT_EQ(0, memcmp(f1.pbx, f2.pbx, 32));
}

/* ---- the attacker's SASrelays ---------------------------------------------- */

/* Holds every SASrelay the PBX sends instead of delivering it. */
struct hold {
	struct zh_pkt pk[4];
	int n;
	bool drop_relayack;
	bool drop_conf2ack;
};

static enum zh_fate holder(void *arg, struct zh_peer *from, struct zh_pkt *pk)
{
	struct hold *h = arg;
	enum zrtp_msg_type t = zh_type(pk->b, pk->len);

	if (t == ZRTP_MSG_SASRELAY && h->n < 4) {
		h->pk[h->n++] = *pk;
		return ZH_DROP;
	}
	if (t == ZRTP_MSG_RELAYACK && h->drop_relayack)
		return ZH_DROP;
	if (t == ZRTP_MSG_CONF2ACK && h->drop_conf2ack)
		return ZH_DROP;
	return ZH_DELIVER;
}

/* An enrolled A and its PBX leg, secure; returns the clock. */
static uint64_t enrolled_call(struct __test_metadata *_metadata, FIXTURE_DATA(m) *self,
			      struct zh_peer *a, struct zh_peer *pa)
{
	enroll(_metadata, &self->cfa, &self->cfp);
	return leg(_metadata, a, pa, &self->cfa, &self->cfp, 0);
}

static void deliver(struct zh_peer *to, uint64_t now, const struct zh_pkt *pk)
{
	zrtp_input(to->s, now, pk->b, pk->len);
	zh_drain(to, now);
}

/* Offset of the SASrelay's parts inside a packet. */
enum { OFF_MSG = ZRTP_PKT_HDR_LEN, OFF_MAC = OFF_MSG + 12, OFF_IV = OFF_MSG + 20,
       OFF_ENC = OFF_MSG + 36 };

TEST_F(m, forged_mac_refused)
{
	struct zh_peer a, pa;
	struct hold h = { 0 };
	uint8_t sh[32] = { 0x11, 0x22, 0x33 };
	struct zh_pkt bad;
	uint64_t now = enrolled_call(_metadata, self, &a, &pa);

	ASSERT_EQ(0, zrtp_send_sasrelay(pa.s, now, sh, ZRTP_B32));
	zh_run(&a, &pa, now, now + 10, holder, &h);
	ASSERT_GE(h.n, 1);
	/* the sashash's ciphertext, one bit: the MAC no longer verifies */
	bad = h.pk[0];
	bad.b[OFF_ENC + 8] ^= 0x01;
	zrtp_packet_set_crc(bad.b, bad.len);
	deliver(&a, now, &bad);
	/* the MAC itself */
	bad = h.pk[0];
	bad.b[OFF_MAC] ^= 0x80;
	zrtp_packet_set_crc(bad.b, bad.len);
	deliver(&a, now, &bad);
	EXPECT_EQ(0, a.n_relayed);
	EXPECT_EQ(0, a.n_relay_rejected);		/* unauthenticated: counted only */
	EXPECT_EQ(2u, zrtp_sasrelay_refused(a.s));
	EXPECT_EQ(0, a.sent[ZRTP_MSG_RELAYACK]);	/* no ack for a forgery */
	/* the genuine one still gets through */
	deliver(&a, now, &h.pk[0]);
	EXPECT_EQ(1, a.n_relayed);
	EXPECT_EQ(1, a.sent[ZRTP_MSG_RELAYACK]);
	zh_stop(&a);
	zh_stop(&pa);
}

TEST_F(m, truncated_and_padded_refused)
{
	struct zh_peer a, pa;
	struct hold h = { 0 };
	uint8_t sh[32] = { 0x44 };
	struct zh_pkt bad;
	uint64_t now = enrolled_call(_metadata, self, &a, &pa);

	ASSERT_EQ(0, zrtp_send_sasrelay(pa.s, now, sh, ZRTP_B256));
	zh_run(&a, &pa, now, now + 10, holder, &h);
	ASSERT_GE(h.n, 1);
	/* one word short, length field and CRC fixed: below the fixed size */
	bad = h.pk[0];
	bad.len -= 4;
	zrtp_put16(bad.b + OFF_MSG + 2, zrtp_get16(bad.b + OFF_MSG + 2) - 1);
	zrtp_packet_set_crc(bad.b, bad.len);
	EXPECT_GT(0, zrtp_input(a.s, now, bad.b, bad.len));
	/* the datagram cut, length field left: the length no longer matches */
	bad = h.pk[0];
	bad.len -= 8;
	zrtp_packet_set_crc(bad.b, bad.len);
	EXPECT_GT(0, zrtp_input(a.s, now, bad.b, bad.len));
	/* one word more (a "signature"): wire-valid, the MAC fails */
	bad = h.pk[0];
	memmove(bad.b + bad.len, bad.b + bad.len - 4, 4);
	memset(bad.b + bad.len - 4, 0, 4);
	bad.len += 4;
	zrtp_put16(bad.b + OFF_MSG + 2, zrtp_get16(bad.b + OFF_MSG + 2) + 1);
	zrtp_packet_set_crc(bad.b, bad.len);
	EXPECT_EQ(0, zrtp_input(a.s, now, bad.b, bad.len));
	zh_drain(&a, now);
	EXPECT_EQ(0, a.n_relayed);
	EXPECT_EQ(1u, zrtp_sasrelay_refused(a.s));
	deliver(&a, now, &h.pk[0]);
	EXPECT_EQ(1, a.n_relayed);
	zh_stop(&a);
	zh_stop(&pa);
}

/*
 * Relay 1, then relay 2 (the far leg changed: a transfer).  A replay of
 * relay 1 would bring back a SAS that is no longer the far end's: refused,
 * not acknowledged.  A repeat of relay 2 (our RelayACK was lost) is acked
 * again and changes nothing.
 */
TEST_F(m, replayed_older_relay_refused)
{
	struct zh_peer a, pa;
	struct hold h1 = { 0 }, h2 = { 0 };
	uint8_t s1[32] = { 0x01, 0x02 }, s2[32] = { 0xf0, 0x0f };
	char sas2[40];
	uint64_t now = enrolled_call(_metadata, self, &a, &pa);

	ASSERT_EQ(0, zrtp_send_sasrelay(pa.s, now, s1, ZRTP_B32));
	zh_run(&a, &pa, now, now + 10, holder, &h1);
	deliver(&a, now, &h1.pk[0]);
	zh_run(&a, &pa, now, now + 10, NULL, NULL);	/* RelayACK to the PBX */
	ASSERT_EQ(1, a.n_relayed);
	ASSERT_EQ(0, zrtp_send_sasrelay(pa.s, now, s2, ZRTP_B32));
	zh_run(&a, &pa, now, now + 10, holder, &h2);
	deliver(&a, now, &h2.pk[0]);
	ASSERT_EQ(2, a.n_relayed);
	strcpy(sas2, a.relayed.sas);
	EXPECT_STRNE(sas2, "");
	ASSERT_EQ(2, a.sent[ZRTP_MSG_RELAYACK]);
	deliver(&a, now, &h1.pk[0]);			/* the replay */
	EXPECT_EQ(2, a.n_relayed);
	EXPECT_STREQ(sas2, a.relayed.sas);
	EXPECT_EQ(2, a.sent[ZRTP_MSG_RELAYACK]);
	EXPECT_EQ(1u, zrtp_sasrelay_refused(a.s));
	deliver(&a, now, &h2.pk[0]);			/* a retransmission */
	EXPECT_EQ(2, a.n_relayed);
	EXPECT_EQ(3, a.sent[ZRTP_MSG_RELAYACK]);
	EXPECT_EQ(1u, zrtp_sasrelay_refused(a.s));
	zh_stop(&a);
	zh_stop(&pa);
}

/*
 * The MAC covers the ciphertext, not the IV (§5.13): a copy of a genuine
 * relay with another IV passes the MAC and decrypts its first block to
 * noise.  Whichever comes first, no second SAS can come of one MAC.
 */
TEST_F(m, iv_altered_copy_never_shows)
{
	for (int order = 0; order < 2; order++) {
		struct zh_peer a, pa;
		struct hold h = { 0 };
		uint8_t sh[32] = { 0x5a, 0xa5 };
		struct zh_pkt alt;
		uint64_t now;

		if (order) {	/* a fresh enrollment each round */
			zrtp_cache_close(self->ca);
			zrtp_cache_close(self->cp);
			self->ca = open_in(self->dir, "a2.db");
			self->cp = open_in(self->dir, "pbx2.db");
			self->cfa.cache = self->ca;
			self->cfp.cache = self->cp;
		}
		now = enrolled_call(_metadata, self, &a, &pa);
		ASSERT_EQ(0, zrtp_send_sasrelay(pa.s, now, sh, ZRTP_B32));
		zh_run(&a, &pa, now, now + 10, holder, &h);
		alt = h.pk[0];
		alt.b[OFF_IV + 3] ^= 0x40;
		zrtp_packet_set_crc(alt.b, alt.len);
		if (order) {
			deliver(&a, now, &h.pk[0]);
			ASSERT_EQ(1, a.n_relayed);
			deliver(&a, now, &alt);
			EXPECT_EQ(1, a.n_relayed);	/* a repeat, not a new SAS */
		} else {
			deliver(&a, now, &alt);
			EXPECT_EQ(0, a.n_relayed);	/* noise: refused */
			deliver(&a, now, &h.pk[0]);
			EXPECT_EQ(0, a.n_relayed);	/* fail closed: that MAC was used */
		}
		TH_LOG("order %d: refused %u, rejected %d", order, zrtp_sasrelay_refused(a.s),
		       a.n_relay_rejected);
		zh_stop(&a);
		zh_stop(&pa);
	}
}

/*
 * §5.13: "only after the Confirm messages and their ACKs".  The PBX
 * (responder) is secure on Confirm2; its Conf2ACK is lost, so A still
 * waits in confirm2-sent when the SASrelay comes: refused.  A's Confirm2
 * retransmission brings a new Conf2ACK, and the PBX's T2 retransmission of
 * the relay then gets through.
 */
TEST_F(m, relay_before_conf2ack_refused)
{
	struct zh_peer a, pa;
	struct hold h = { .drop_conf2ack = true };
	uint8_t sh[32] = { 0x77 };
	uint64_t now;

	enroll(_metadata, &self->cfa, &self->cfp);
	ASSERT_EQ(0, zh_start(&a, "a", &self->cfa, 0));
	ASSERT_EQ(0, zh_start(&pa, "pa", &self->cfp, 0));
	now = zh_run(&a, &pa, 0, 100, holder, &h);
	ASSERT_EQ(1, pa.n_secure);
	ASSERT_STREQ("confirm2-sent", zrtp_state_name(a.s));
	ASSERT_EQ(0, zrtp_send_sasrelay(pa.s, now, sh, ZRTP_B32));
	ASSERT_EQ(ZRTP_MSG_SASRELAY, zh_step(&pa, &a, now));
	EXPECT_EQ(0, a.n_relayed);
	EXPECT_EQ(1u, zrtp_sasrelay_refused(a.s));
	EXPECT_EQ(0, a.sent[ZRTP_MSG_RELAYACK]);
	h.drop_conf2ack = false;
	h.n = 4;			/* hold no more SASrelays */
	zh_run(&a, &pa, now, now + 60000, holder, &h);
	EXPECT_STREQ("secure", zrtp_state_name(a.s));
	EXPECT_EQ(1, a.n_relayed);
	EXPECT_EQ(1, a.sent[ZRTP_MSG_RELAYACK]);
	zh_stop(&a);
	zh_stop(&pa);
}

/*
 * A phone that never answers (a peer without SASrelay, like bzrtp 5.1.64):
 * the PBX retries on T2 (1 + 10 sends), reports the relay unacknowledged
 * and its call stays secure.  The phone took the relay once; the repeats
 * were acknowledged again without a second event.
 */
TEST_F(m, unacked_relay_keeps_the_call)
{
	struct zh_peer a, pa;
	struct hold h = { .n = 4, .drop_relayack = true };
	uint8_t sh[32] = { 0x99 };
	uint64_t now = enrolled_call(_metadata, self, &a, &pa), t0 = now;

	ASSERT_EQ(0, zrtp_send_sasrelay(pa.s, now, sh, ZRTP_B32));
	now = zh_run(&a, &pa, now, now + 60000, holder, &h);
	EXPECT_EQ(11, pa.sent[ZRTP_MSG_SASRELAY]);
	EXPECT_EQ(1, pa.n_relay_unacked);
	EXPECT_EQ(0, pa.n_error);
	EXPECT_TRUE(zrtp_is_secure(pa.s));
	EXPECT_TRUE(zrtp_is_secure(a.s));
	EXPECT_EQ(1, a.n_relayed);
	EXPECT_EQ(11, a.sent[ZRTP_MSG_RELAYACK]);
	EXPECT_EQ(0u, zrtp_sasrelay_refused(a.s));
	TH_LOG("gave up after %llu ms", (unsigned long long)(now - t0));
	/* and the PBX can relay again afterwards */
	h.drop_relayack = false;
	sh[0] = 0x98;
	ASSERT_EQ(0, zrtp_send_sasrelay(pa.s, now, sh, ZRTP_B32));
	zh_run(&a, &pa, now, now + 60000, holder, &h);
	EXPECT_EQ(2, a.n_relayed);
	EXPECT_EQ(12, pa.sent[ZRTP_MSG_SASRELAY]);
	zh_stop(&a);
	zh_stop(&pa);
}

TEST_HARNESS_MAIN
