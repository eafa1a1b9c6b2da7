// SPDX-License-Identifier: GPL-2.0
/*
 * The ZRTP engine, two instances in one process (RFC 6189 §4-§7).
 *
 * - handshake_step_by_step: one DH handshake, one step per message, each
 *   step asserting exactly which message crosses.
 * - algs.*: every hash x cipher x auth x key agreement x SAS combination
 *   completes with equal SAS and mirrored SRTP keys.
 * - loss/dup/reorder, Commit contention (§4.2), timers (§6), the errors of
 *   §5.9 provoked by tampering, GoClear, Ping, a=zrtp-hash, malformed input.
 */
#include <stdio.h>
#include "kselftest_harness.h"
#include "zrtp_harness.h"
#include "zrtp_crypto.h"

#define ZID_A "alice-zid-01"
#define ZID_B "bob---zid-02"

static void expect_keys_agree(struct __test_metadata *_metadata, struct zh_peer *a,
			      struct zh_peer *b)
{
	ASSERT_EQ(1, a->n_secure);
	ASSERT_EQ(1, b->n_secure);
	EXPECT_NE(a->secure.initiator, b->secure.initiator);
	EXPECT_STREQ(a->secure.sas, b->secure.sas);
	EXPECT_NE(0, strlen(a->secure.sas));
	EXPECT_EQ(a->secure.tx.key_len, b->secure.rx.key_len);
	EXPECT_EQ(0, memcmp(a->secure.tx.key, b->secure.rx.key, a->secure.tx.key_len));
	EXPECT_EQ(0, memcmp(a->secure.tx.salt, b->secure.rx.salt, 14));
	EXPECT_EQ(0, memcmp(a->secure.rx.key, b->secure.tx.key, a->secure.rx.key_len));
	EXPECT_EQ(0, memcmp(a->secure.rx.salt, b->secure.tx.salt, 14));
	/* the two directions use different keys */
	EXPECT_NE(0, memcmp(a->secure.tx.key, a->secure.rx.key, a->secure.tx.key_len));
	EXPECT_STREQ(a->secure.srtp_profile, b->secure.srtp_profile);
	EXPECT_EQ(0, memcmp(a->secure.exported_key, b->secure.exported_key,
			    a->secure.exported_key_len));
	EXPECT_TRUE(zrtp_is_secure(a->s));
	EXPECT_TRUE(zrtp_is_secure(b->s));
}

/* Deliver exactly one pending packet from -> to and check its type. */
static enum zrtp_msg_type step(struct zh_peer *from, struct zh_peer *to, uint64_t now)
{
	struct zh_pkt pk;

	zh_drain(from, now);
	if (!zh_take(from, &pk))
		return ZRTP_MSG_INVALID;
	zrtp_input(to->s, now, pk.b, pk.len);
	zh_drain(to, now);
	return zh_type(pk.b, pk.len);
}

#define STEP(from, to, type) ASSERT_EQ((int)(type), (int)step(from, to, now))

/*
 * One DH handshake, Alice initiator, Bob responder, one message per step.
 * Used for the default algorithms and for every algorithm combination.
 */
static void dh_handshake_steps(struct __test_metadata *_metadata, struct zh_peer *a,
			       struct zh_peer *b)
{
	uint64_t now = 1000;

	STEP(a, b, ZRTP_MSG_HELLO);		/* Alice: Hello -> Bob */
	STEP(b, a, ZRTP_MSG_HELLO);		/* Bob: Hello -> Alice */
	STEP(b, a, ZRTP_MSG_HELLOACK);		/* Bob acknowledges Alice's Hello */
	/* Alice has Bob's Hello and her own acknowledged: she queued
	 * HelloACK (for Bob's Hello) and then Commit. */
	STEP(a, b, ZRTP_MSG_HELLOACK);		/* Alice: HelloACK -> Bob */
	STEP(a, b, ZRTP_MSG_COMMIT);		/* Alice commits (hvi, H2): initiator */
	EXPECT_STREQ("dhpart1-sent", zrtp_state_name(b->s));
	STEP(b, a, ZRTP_MSG_DHPART1);		/* Bob: DHPart1 (pvr, H1, rs IDs) */
	STEP(a, b, ZRTP_MSG_DHPART2);		/* Alice: DHPart2 (pvi, H1, rs IDs) */
	EXPECT_EQ(0, a->n_secure);
	STEP(b, a, ZRTP_MSG_CONFIRM1);		/* Bob: Confirm1 (H0, flags), encrypted */
	EXPECT_EQ(1, a->n_secure);		/* Alice has keys */
	EXPECT_EQ(0, b->n_secure);
	STEP(a, b, ZRTP_MSG_CONFIRM2);		/* Alice: Confirm2 (H0, flags) */
	EXPECT_EQ(1, b->n_secure);
	EXPECT_EQ(0, a->n_confirmed);
	STEP(b, a, ZRTP_MSG_CONF2ACK);		/* Bob: Conf2ACK */
	EXPECT_EQ(1, a->n_confirmed);
	EXPECT_EQ(ZRTP_MSG_INVALID, step(a, b, now));	/* quiet */
	EXPECT_EQ(ZRTP_MSG_INVALID, step(b, a, now));
	expect_keys_agree(_metadata, a, b);
	EXPECT_TRUE(a->secure.initiator);
	EXPECT_FALSE(a->secure.tx_ready);	/* sends after Conf2ACK */
	EXPECT_TRUE(b->secure.tx_ready);
	EXPECT_STREQ("secure", zrtp_state_name(a->s));
	EXPECT_STREQ("secure", zrtp_state_name(b->s));
}

TEST(handshake_step_by_step)
{
	struct zh_peer a, b;
	struct zrtp_config ca, cb;

	zh_config(&ca, ZID_A, 0xaaaa, ZRTP_ROLE_INITIATOR);
	zh_config(&cb, ZID_B, 0xbbbb, ZRTP_ROLE_RESPONDER);
	ASSERT_EQ(0, zh_start(&a, "alice", &ca, 1000));
	ASSERT_EQ(0, zh_start(&b, "bob", &cb, 1000));
	dh_handshake_steps(_metadata, &a, &b);
	EXPECT_STREQ("X255", a.secure.ka);	/* default first choice */
	EXPECT_EQ(ZRTP_CACHE_NONE, a.secure.cache);
	zh_stop(&a);
	zh_stop(&b);
}

/* Every algorithm combination: variant = key agreement, loop over the
 * rest (hash x cipher x auth x SAS = 2 x 3 x 2 x 2). */
FIXTURE(algs) {};
FIXTURE_VARIANT(algs) { uint32_t ka; };
FIXTURE_VARIANT_ADD(algs, dh3k) { ZRTP_DH3K };
FIXTURE_VARIANT_ADD(algs, dh2k) { ZRTP_DH2K };
FIXTURE_VARIANT_ADD(algs, ec25) { ZRTP_EC25 };
FIXTURE_VARIANT_ADD(algs, ec38) { ZRTP_EC38 };
FIXTURE_VARIANT_ADD(algs, ec52) { ZRTP_EC52 };
FIXTURE_VARIANT_ADD(algs, x255) { ZRTP_X255 };
FIXTURE_VARIANT_ADD(algs, x448) { ZRTP_X448 };
FIXTURE_SETUP(algs) {}
FIXTURE_TEARDOWN(algs) {}

TEST_F(algs, every_combination)
{
	static const uint32_t hashes[] = { ZRTP_S256, ZRTP_S384 };
	static const uint32_t ciphers[] = { ZRTP_AES1, ZRTP_AES2, ZRTP_AES3 };
	static const uint32_t auths[] = { ZRTP_HS32, ZRTP_HS80 };
	static const uint32_t sases[] = { ZRTP_B32, ZRTP_B256 };
	static const uint8_t klen[] = { 16, 24, 32 };

	for (int h = 0; h < 2; h++)
	for (int c = 0; c < 3; c++)
	for (int t = 0; t < 2; t++)
	for (int x = 0; x < 2; x++) {
		struct zh_peer a, b;
		struct zrtp_config ca, cb;
		char code[5];

		zh_config(&ca, ZID_A, 1, ZRTP_ROLE_INITIATOR);
		zh_config(&cb, ZID_B, 2, ZRTP_ROLE_RESPONDER);
		zh_prefs(&ca, hashes[h], ciphers[c], auths[t], variant->ka, sases[x]);
		zh_prefs(&cb, hashes[h], ciphers[c], auths[t], variant->ka, sases[x]);
		ASSERT_EQ(0, zh_start(&a, "a", &ca, 1000));
		ASSERT_EQ(0, zh_start(&b, "b", &cb, 1000));
		dh_handshake_steps(_metadata, &a, &b);	/* Hello .. Conf2ACK */
		zrtp_put32((uint8_t *)code, variant->ka);
		code[4] = 0;
		EXPECT_STREQ(code, a.secure.ka);
		zrtp_put32((uint8_t *)code, hashes[h]);
		EXPECT_STREQ(code, b.secure.hash);
		EXPECT_EQ(klen[c], a.secure.tx.key_len);
		EXPECT_EQ(sases[x] == ZRTP_B32 ? 4u : 9u <= strlen(a.secure.sas),
			  sases[x] == ZRTP_B32 ? strlen(a.secure.sas) : 1u);
		EXPECT_NE(NULL, strstr(a.secure.srtp_profile, auths[t] == ZRTP_HS32 ? "_32" : "_80"));
		EXPECT_EQ(1, a.n_confirmed);
		zh_stop(&a);
		zh_stop(&b);
	}
}

/* §4.1.2: the faster of the two first choices, from both sides. */
TEST(ka_faster_first_choice)
{
	struct zh_peer a, b;
	struct zrtp_config ca, cb;

	zh_config(&ca, ZID_A, 1, ZRTP_ROLE_INITIATOR);
	zh_config(&cb, ZID_B, 2, ZRTP_ROLE_RESPONDER);
	/* Alice: DH3k, EC25; Bob: EC25, DH3k -> EC25 (faster) */
	ca.algs[ZRTP_ALG_KA][0] = ZRTP_DH3K; ca.algs[ZRTP_ALG_KA][1] = ZRTP_EC25;
	ca.nalgs[ZRTP_ALG_KA] = 2;
	cb.algs[ZRTP_ALG_KA][0] = ZRTP_EC25; cb.algs[ZRTP_ALG_KA][1] = ZRTP_DH3K;
	cb.nalgs[ZRTP_ALG_KA] = 2;
	ASSERT_EQ(0, zh_start(&a, "a", &ca, 0));
	ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
	zh_run(&a, &b, 0, 100000, NULL, NULL);
	expect_keys_agree(_metadata, &a, &b);
	EXPECT_STREQ("EC25", a.secure.ka);
	zh_stop(&a);
	zh_stop(&b);
	/* Alice: DH3k, X448; Bob: X448, DH3k -> X448: bzrtp 5.1.64 ranks
	 * X448 faster than DH3k (issue 12: ranked the other way, the two
	 * sides committed different key agreements and never met) */
	ca.algs[ZRTP_ALG_KA][0] = ZRTP_DH3K; ca.algs[ZRTP_ALG_KA][1] = ZRTP_X448;
	cb.algs[ZRTP_ALG_KA][0] = ZRTP_X448; cb.algs[ZRTP_ALG_KA][1] = ZRTP_DH3K;
	ASSERT_EQ(0, zh_start(&a, "a", &ca, 0));
	ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
	zh_run(&a, &b, 0, 100000, NULL, NULL);
	expect_keys_agree(_metadata, &a, &b);
	EXPECT_STREQ("X448", a.secure.ka);
	zh_stop(&a);
	zh_stop(&b);
	/* the full order, pairwise: the faster of the two first choices */
	{
		static const uint32_t order[] = { ZRTP_DH2K, ZRTP_X255, ZRTP_EC25, ZRTP_X448,
						  ZRTP_DH3K, ZRTP_EC38, ZRTP_EC52 };

		for (int i = 0; i < 7; i++)
			for (int j = i + 1; j < 7; j++)
				EXPECT_LT(zrtp_ka_speed_rank(order[i]), zrtp_ka_speed_rank(order[j]));
	}
	/* Alice: EC38 only (+ implied DH3k); Bob: DH2k first -> DH2k is
	 * not in Alice's list, so the intersection is DH3k */
	ca.algs[ZRTP_ALG_KA][0] = ZRTP_EC38;
	ca.nalgs[ZRTP_ALG_KA] = 1;
	cb.algs[ZRTP_ALG_KA][0] = ZRTP_DH2K;
	cb.nalgs[ZRTP_ALG_KA] = 1;
	ASSERT_EQ(0, zh_start(&a, "a", &ca, 0));
	ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
	zh_run(&a, &b, 0, 100000, NULL, NULL);
	expect_keys_agree(_metadata, &a, &b);
	EXPECT_STREQ("DH3k", a.secure.ka);
	zh_stop(&a);
	zh_stop(&b);
}

/* ---- network faults ---------------------------------------------------- */

struct fault {
	enum zrtp_msg_type type;	/* which message to hit */
	int times;			/* how many times */
	enum zh_fate fate;
	unsigned seed;
	int loss_pct;
	bool reorder;
	struct zh_pkt held;
	bool holding;
};

static enum zh_fate fault_filter(void *arg, struct zh_peer *from, struct zh_pkt *pk)
{
	struct fault *f = arg;
	enum zrtp_msg_type t = zh_type(pk->b, pk->len);

	if (f->loss_pct) {
		f->seed = f->seed * 1103515245u + 12345u;
		return (f->seed >> 16) % 100 < (unsigned)f->loss_pct ? ZH_DROP : ZH_DELIVER;
	}
	if (t == f->type && f->times > 0) {
		f->times--;
		return f->fate;
	}
	return ZH_DELIVER;
}

FIXTURE(loss) {};
FIXTURE_VARIANT(loss) { enum zrtp_msg_type type; int times; enum zh_fate fate; };
FIXTURE_VARIANT_ADD(loss, hello) { ZRTP_MSG_HELLO, 3, ZH_DROP };
FIXTURE_VARIANT_ADD(loss, helloack) { ZRTP_MSG_HELLOACK, 2, ZH_DROP };
FIXTURE_VARIANT_ADD(loss, commit) { ZRTP_MSG_COMMIT, 2, ZH_DROP };
FIXTURE_VARIANT_ADD(loss, dhpart1) { ZRTP_MSG_DHPART1, 2, ZH_DROP };
FIXTURE_VARIANT_ADD(loss, dhpart2) { ZRTP_MSG_DHPART2, 2, ZH_DROP };
FIXTURE_VARIANT_ADD(loss, confirm1) { ZRTP_MSG_CONFIRM1, 2, ZH_DROP };
FIXTURE_VARIANT_ADD(loss, confirm2) { ZRTP_MSG_CONFIRM2, 2, ZH_DROP };
FIXTURE_VARIANT_ADD(loss, conf2ack) { ZRTP_MSG_CONF2ACK, 2, ZH_DROP };
FIXTURE_VARIANT_ADD(loss, dup_hello) { ZRTP_MSG_HELLO, 1, ZH_DUP };
FIXTURE_VARIANT_ADD(loss, dup_commit) { ZRTP_MSG_COMMIT, 1, ZH_DUP };
FIXTURE_VARIANT_ADD(loss, dup_dhpart1) { ZRTP_MSG_DHPART1, 1, ZH_DUP };
FIXTURE_VARIANT_ADD(loss, dup_dhpart2) { ZRTP_MSG_DHPART2, 1, ZH_DUP };
FIXTURE_VARIANT_ADD(loss, dup_confirm1) { ZRTP_MSG_CONFIRM1, 1, ZH_DUP };
FIXTURE_VARIANT_ADD(loss, dup_confirm2) { ZRTP_MSG_CONFIRM2, 1, ZH_DUP };
FIXTURE_SETUP(loss) {}
FIXTURE_TEARDOWN(loss) {}

TEST_F(loss, handshake_completes)
{
	struct zh_peer a, b;
	struct zrtp_config ca, cb;
	struct fault f = { .type = variant->type, .times = variant->times, .fate = variant->fate };

	zh_config(&ca, ZID_A, 1, ZRTP_ROLE_INITIATOR);
	zh_config(&cb, ZID_B, 2, ZRTP_ROLE_RESPONDER);
	ASSERT_EQ(0, zh_start(&a, "a", &ca, 0));
	ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
	zh_run(&a, &b, 0, 60000, fault_filter, &f);
	EXPECT_EQ(0, f.times);		/* the fault did happen */
	expect_keys_agree(_metadata, &a, &b);
	EXPECT_EQ(1, a.n_confirmed);
	EXPECT_EQ(0, a.n_error);
	EXPECT_EQ(0, b.n_error);
	zh_stop(&a);
	zh_stop(&b);
}

TEST(random_loss_30pct)
{
	for (unsigned seed = 1; seed <= 20; seed++) {
		struct zh_peer a, b;
		struct zrtp_config ca, cb;
		struct fault f = { .seed = seed, .loss_pct = 30 };

		zh_config(&ca, ZID_A, 1, ZRTP_ROLE_INITIATOR);
		zh_config(&cb, ZID_B, 2, ZRTP_ROLE_RESPONDER);
		ASSERT_EQ(0, zh_start(&a, "a", &ca, 0));
		ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
		zh_run(&a, &b, 0, 60000, fault_filter, &f);
		/* with 30% loss the handshake either completes with equal
		 * keys or times out cleanly, never half-secure */
		if (a.n_secure && b.n_secure) {
			expect_keys_agree(_metadata, &a, &b);
		} else {
			EXPECT_TRUE(a.n_error || b.n_error) TH_LOG("seed %u stuck", seed);
		}
		zh_stop(&a);
		zh_stop(&b);
	}
}

/* Reordering: every batch of packets is delivered newest first. */
TEST(reorder)
{
	struct zh_peer a, b;
	struct zrtp_config ca, cb;
	uint64_t now = 0;

	zh_config(&ca, ZID_A, 1, ZRTP_ROLE_INITIATOR);
	zh_config(&cb, ZID_B, 2, ZRTP_ROLE_RESPONDER);
	ASSERT_EQ(0, zh_start(&a, "a", &ca, 0));
	ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
	for (int round = 0; round < 200 && !(a.n_confirmed && b.n_secure); round++) {
		struct zh_peer *from = round & 1 ? &b : &a, *to = round & 1 ? &a : &b;
		struct zh_pkt batch[64];
		int n = 0;
		struct zrtp_output o;

		zh_drain(from, now);
		while (n < 64 && zh_take(from, &batch[n]))
			n++;
		for (int i = n - 1; i >= 0; i--) {
			zrtp_input(to->s, now, batch[i].b, batch[i].len);
			zh_drain(to, now);
		}
		if (!n && !to->nout) {
			zrtp_poll(from->s, now, &o);
			if (o.next_timer_ms != UINT64_MAX && o.next_timer_ms > now)
				now = o.next_timer_ms;
		}
	}
	expect_keys_agree(_metadata, &a, &b);
	zh_stop(&a);
	zh_stop(&b);
}

/* §4.2: both sides Commit; the larger hvi wins and becomes initiator. */
TEST(commit_contention)
{
	for (int i = 0; i < 8; i++) {
		struct zh_peer a, b;
		struct zrtp_config ca, cb;
		struct zh_pkt ka, kb;
		struct zrtp_packet pa, pb;
		uint64_t now = 0;

		zh_config(&ca, ZID_A, 1, ZRTP_ROLE_AUTO);
		zh_config(&cb, ZID_B, 2, ZRTP_ROLE_AUTO);
		ASSERT_EQ(0, zh_start(&a, "a", &ca, now));
		ASSERT_EQ(0, zh_start(&b, "b", &cb, now));
		STEP(&a, &b, ZRTP_MSG_HELLO);
		STEP(&b, &a, ZRTP_MSG_HELLO);
		STEP(&b, &a, ZRTP_MSG_HELLOACK);	/* Alice can commit */
		STEP(&a, &b, ZRTP_MSG_HELLOACK);	/* Bob can commit */
		/* both have queued a Commit: they cross on the wire */
		zh_drain(&a, now);
		zh_drain(&b, now);
		ASSERT_TRUE(zh_take(&a, &ka));
		ASSERT_TRUE(zh_take(&b, &kb));
		ASSERT_EQ(ZRTP_MSG_COMMIT, zh_type(ka.b, ka.len));
		ASSERT_EQ(ZRTP_MSG_COMMIT, zh_type(kb.b, kb.len));
		ASSERT_EQ(0, zrtp_packet_parse(ka.b, ka.len, &pa));
		ASSERT_EQ(0, zrtp_packet_parse(kb.b, kb.len, &pb));
		zrtp_input(b.s, now, ka.b, ka.len);
		zrtp_input(a.s, now, kb.b, kb.len);
		zh_run(&a, &b, now, 60000, NULL, NULL);
		expect_keys_agree(_metadata, &a, &b);
		EXPECT_EQ(memcmp(pa.m.commit.hvi, pb.m.commit.hvi, 32) > 0, a.secure.initiator);
		zh_stop(&a);
		zh_stop(&b);
	}
}

/* ---- timers (§6) -------------------------------------------------------- */

TEST(t1_hello_schedule_and_timeout)
{
	struct zh_peer a;
	struct zrtp_config ca;
	struct zrtp_output o;
	uint64_t now = 0, expect[] = { 50, 150, 350, 550, 750 };

	zh_config(&ca, ZID_A, 1, ZRTP_ROLE_INITIATOR);
	ASSERT_EQ(0, zh_start(&a, "a", &ca, now));
	ASSERT_EQ(ZRTP_OUT_PACKET, zrtp_poll(a.s, now, &o));	/* first Hello */
	for (int i = 0; i < 5; i++) {
		ASSERT_EQ(ZRTP_OUT_NONE, zrtp_poll(a.s, now, &o));
		EXPECT_EQ(expect[i], o.next_timer_ms);	/* 50, 100, 200, 200.. */
		now = o.next_timer_ms;
		ASSERT_EQ(ZRTP_OUT_PACKET, zrtp_poll(a.s, now, &o));
		EXPECT_EQ(ZRTP_MSG_HELLO, zh_type(o.pkt, o.len));
	}
	/* 20 retransmissions in all, then a protocol timeout */
	for (int i = 5; i < 20; i++) {
		zrtp_poll(a.s, now, &o);
		now = o.next_timer_ms;
		ASSERT_EQ(ZRTP_OUT_PACKET, zrtp_poll(a.s, now, &o));
	}
	zrtp_poll(a.s, now, &o);
	now = o.next_timer_ms;
	ASSERT_EQ(ZRTP_OUT_EVENT, zrtp_poll(a.s, now, &o));
	EXPECT_EQ(ZRTP_EV_ERROR, o.ev.type);
	EXPECT_EQ(ZRTP_ERR_TIMEOUT, o.ev.error_code);
	ASSERT_EQ(ZRTP_OUT_NONE, zrtp_poll(a.s, now, &o));
	EXPECT_EQ(UINT64_MAX, o.next_timer_ms);
	zh_stop(&a);
}

static enum zh_fate drop_after_commit(void *arg, struct zh_peer *from, struct zh_pkt *pk)
{
	int *seen = arg;

	if (zh_type(pk->b, pk->len) == ZRTP_MSG_COMMIT)
		(*seen)++;
	return *seen ? ZH_DROP : ZH_DELIVER;	/* responder goes silent */
}

TEST(t2_commit_retransmissions)
{
	struct zh_peer a, b;
	struct zrtp_config ca, cb;
	int seen = 0;

	zh_config(&ca, ZID_A, 1, ZRTP_ROLE_INITIATOR);
	zh_config(&cb, ZID_B, 2, ZRTP_ROLE_RESPONDER);
	ASSERT_EQ(0, zh_start(&a, "a", &ca, 0));
	ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
	zh_run(&a, &b, 0, 100000, drop_after_commit, &seen);
	/* first Commit + 10 retransmissions (150, 300, 600, 1200 x 7 ms) */
	EXPECT_EQ(11, a.sent[ZRTP_MSG_COMMIT]);
	EXPECT_EQ(1, a.n_error);
	EXPECT_EQ(ZRTP_ERR_TIMEOUT, a.last_error.error_code);
	EXPECT_STREQ("error", zrtp_state_name(a.s));
	zh_stop(&a);
	zh_stop(&b);
}

/*
 * Every state has a deadline (§6, issue 11 finding 3): the network is cut
 * from a given message on (as if the peer died there); each side must end
 * either secure (it had finished) or in "error" with a timeout event, and
 * then arm no timer.  The responder does not retransmit DHPart1 / Confirm1
 * and an endpoint waiting for a Commit sends nothing, yet they give up too.
 */
static enum zh_fate cut_from(void *arg, struct zh_peer *from, struct zh_pkt *pk)
{
	struct { enum zrtp_msg_type t; bool cut; } *c = arg;

	if (zh_type(pk->b, pk->len) == c->t)
		c->cut = true;
	return c->cut ? ZH_DROP : ZH_DELIVER;
}

FIXTURE(deadline) {};
FIXTURE_VARIANT(deadline) { enum zrtp_msg_type cut; enum zrtp_role rb; const char *b_state; };
/* Bob only responds; both are passive: nobody commits, both wait */
FIXTURE_VARIANT_ADD(deadline, waiting_for_commit) { ZRTP_MSG_INVALID, ZRTP_ROLE_RESPONDER, "discovery" };
FIXTURE_VARIANT_ADD(deadline, commit_lost) { ZRTP_MSG_COMMIT, ZRTP_ROLE_RESPONDER, "discovery" };
FIXTURE_VARIANT_ADD(deadline, dhpart1_sent) { ZRTP_MSG_DHPART1, ZRTP_ROLE_RESPONDER, "dhpart1-sent" };
FIXTURE_VARIANT_ADD(deadline, confirm1_sent) { ZRTP_MSG_CONFIRM1, ZRTP_ROLE_RESPONDER, "confirm1-sent" };
FIXTURE_VARIANT_ADD(deadline, conf2ack_lost) { ZRTP_MSG_CONF2ACK, ZRTP_ROLE_RESPONDER, "secure" };
FIXTURE_SETUP(deadline) {}
FIXTURE_TEARDOWN(deadline) {}

TEST_F(deadline, every_state_gives_up)
{
	struct zh_peer a, b;
	struct zrtp_config ca, cb;
	struct { enum zrtp_msg_type t; bool cut; } c = { variant->cut, false };
	struct zrtp_output o;
	uint64_t now;

	zh_config(&ca, ZID_A, 1, ZRTP_ROLE_INITIATOR);
	zh_config(&cb, ZID_B, 2, variant->rb);
	/* both passive: nobody ever commits (a responder alone would,
	 * after ZRTP_RESPONDER_WAIT_MS) */
	ca.passive = variant->cut == ZRTP_MSG_INVALID;
	cb.passive = ca.passive;
	ASSERT_EQ(0, zh_start(&a, "a", &ca, 0));
	ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
	/* up to the cut, no timer: Bob is in the state under test */
	zh_run(&a, &b, 0, 0, cut_from, &c);
	EXPECT_STREQ(variant->b_state, zrtp_state_name(b.s));
	now = zh_run(&a, &b, 0, 3600 * 1000, cut_from, &c);
	EXPECT_GE(20000, now);		/* the last one gave up by then */
	for (int i = 0; i < 2; i++) {
		struct zh_peer *p = i ? &b : &a;

		if (!strcmp(zrtp_state_name(p->s), "secure"))
			continue;
		EXPECT_STREQ("error", zrtp_state_name(p->s)) TH_LOG("%s", p->name);
		EXPECT_EQ(1, p->n_error);
		EXPECT_EQ(ZRTP_ERR_TIMEOUT, p->last_error.error_code);
		EXPECT_EQ(ZRTP_OUT_NONE, zrtp_poll(p->s, now, &o));
		EXPECT_EQ(UINT64_MAX, o.next_timer_ms);
	}
	zh_stop(&a);
	zh_stop(&b);
}

/*
 * A spoofed HelloACK before the peer is up (issue 11: "one spoofed HelloACK
 * parks a session for ever"): Alice's Hellos go nowhere until Bob starts at
 * 500 ms; a forged HelloACK reaches her at 10 ms.  She keeps sending Hello
 * until she also has Bob's, so Bob hears her and the call becomes secure.
 */
TEST(spoofed_helloack_before_peer_is_up)
{
	for (int r = 0; r < 2; r++) {
		struct zh_peer a, b;
		struct zrtp_config ca, cb;
		struct zrtp_output o;
		uint8_t pkt[ZRTP_OUT_MAX_PKT], msg[64];
		struct zrtp_msg m = { .type = ZRTP_MSG_HELLOACK };
		uint64_t now = 0;
		int n;

		zh_config(&ca, ZID_A, 1, r ? ZRTP_ROLE_RESPONDER : ZRTP_ROLE_INITIATOR);
		zh_config(&cb, ZID_B, 2, r ? ZRTP_ROLE_INITIATOR : ZRTP_ROLE_RESPONDER);
		ASSERT_EQ(0, zh_start(&a, "a", &ca, 0));
		n = zrtp_msg_encode(&m, msg, sizeof(msg));
		n = zrtp_packet_build(1, 2, msg, n, pkt, sizeof(pkt));
		zh_drain(&a, 0);
		zrtp_input(a.s, 10, pkt, n);		/* the forgery, at 10 ms */
		for (now = 10; now < 500;) {
			zh_drain(&a, now);
			a.nout = 0;			/* nobody listens yet */
			zrtp_poll(a.s, now, &o);
			now = o.next_timer_ms > 500 ? 500 : o.next_timer_ms;
		}
		ASSERT_EQ(0, zh_start(&b, "b", &cb, now));
		zh_run(&a, &b, now, 60000, NULL, NULL);
		expect_keys_agree(_metadata, &a, &b);
		EXPECT_EQ(0, a.n_error);
		zh_stop(&a);
		zh_stop(&b);
	}
}

/* An Error ends a key agreement in progress (§5.9), never a secure session. */
TEST(error_never_ends_a_secure_session)
{
	struct zh_peer a, b;
	struct zrtp_config ca, cb;
	struct zrtp_msg m = { .type = ZRTP_MSG_ERROR, .error_code = ZRTP_ERR_CONFIRM_MAC };
	uint8_t pkt[ZRTP_OUT_MAX_PKT], msg[64];
	uint64_t now;
	int n;

	zh_config(&ca, ZID_A, 1, ZRTP_ROLE_INITIATOR);
	zh_config(&cb, ZID_B, 2, ZRTP_ROLE_RESPONDER);
	ASSERT_EQ(0, zh_start(&a, "a", &ca, 0));
	ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
	now = zh_run(&a, &b, 0, 60000, NULL, NULL);
	expect_keys_agree(_metadata, &a, &b);
	n = zrtp_msg_encode(&m, msg, sizeof(msg));
	n = zrtp_packet_build(1, 2, msg, n, pkt, sizeof(pkt));
	zrtp_input(a.s, now, pkt, n);
	zrtp_input(b.s, now, pkt, n);
	now = zh_run(&a, &b, now, now + 60000, NULL, NULL);
	EXPECT_EQ(0, a.n_error);
	EXPECT_EQ(0, b.n_error);
	EXPECT_STREQ("secure", zrtp_state_name(a.s));
	EXPECT_STREQ("secure", zrtp_state_name(b.s));
	/* the same Error during the key agreement, with the peer then gone
	 * silent: honoured, with the peer's code */
	zh_stop(&a);
	zh_stop(&b);
	{
		struct { enum zrtp_msg_type t; bool cut; } c = { ZRTP_MSG_DHPART1, false };

		ASSERT_EQ(0, zh_start(&a, "a", &ca, 0));
		ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
		zh_run(&a, &b, 0, 0, cut_from, &c);
		EXPECT_STREQ("commit-sent", zrtp_state_name(a.s));
		zrtp_input(a.s, 0, pkt, n);
		zh_run(&a, &b, 0, 60000, cut_from, &c);
		EXPECT_EQ(1, a.n_error);
		EXPECT_EQ(ZRTP_ERR_CONFIRM_MAC, a.last_error.error_code);
		EXPECT_FALSE(a.last_error.error_sent);
		EXPECT_EQ(1, a.sent[ZRTP_MSG_ERRORACK]);
	}
	zh_stop(&a);
	zh_stop(&b);
}

/* §4.6: Confirm2 retransmission stops on the first SRTP packet. */
static enum zh_fate drop_conf2ack(void *arg, struct zh_peer *from, struct zh_pkt *pk)
{
	return zh_type(pk->b, pk->len) == ZRTP_MSG_CONF2ACK ? ZH_DROP : ZH_DELIVER;
}

TEST(confirm2_stops_on_srtp)
{
	struct zh_peer a, b;
	struct zrtp_config ca, cb;
	struct zrtp_output o;
	uint64_t now;

	zh_config(&ca, ZID_A, 1, ZRTP_ROLE_INITIATOR);
	zh_config(&cb, ZID_B, 2, ZRTP_ROLE_RESPONDER);
	ASSERT_EQ(0, zh_start(&a, "a", &ca, 0));
	ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
	now = zh_run(&a, &b, 0, 400, drop_conf2ack, NULL);
	EXPECT_EQ(1, a.n_secure);
	EXPECT_STREQ("confirm2-sent", zrtp_state_name(a.s));
	EXPECT_LE(2, a.sent[ZRTP_MSG_CONFIRM2]);	/* retransmitting */
	zrtp_srtp_received(a.s, now);
	zh_drain(&a, now);
	EXPECT_EQ(1, a.n_confirmed);
	EXPECT_STREQ("secure", zrtp_state_name(a.s));
	zrtp_poll(a.s, now, &o);
	EXPECT_EQ(UINT64_MAX, o.next_timer_ms);
	zh_stop(&a);
	zh_stop(&b);
}

/*
 * §4.6 (issue 11, finding 1, the engine's side): zrtpd calls
 * zrtp_srtp_received() when the kernel says the first SRTP from the peer
 * authenticated.  For the initiator in confirm2-sent it stands for
 * Conf2ACK (secure, ZRTP_EV_CONFIRMED, Confirm2 no longer repeated); at
 * any other moment, and for the responder, it changes nothing -- before
 * Confirm1 there are no keys such a packet could have authenticated with.
 * If it never comes and Conf2ACK never comes, T2 runs out: a timeout
 * event (keys wiped), never a silent "secure".
 */
static enum zh_fate drop_conf2ack_fwd(void *arg, struct zh_peer *from, struct zh_pkt *pk)
{
	return zh_type(pk->b, pk->len) == ZRTP_MSG_CONF2ACK ? ZH_DROP : ZH_DELIVER;
}

TEST(srtp_received_only_stands_for_conf2ack)
{
	struct zh_peer a, b;
	struct zrtp_config ca, cb;
	uint64_t now = 0;
	struct zh_pkt pk;
	int steps = 0;

	zh_config(&ca, ZID_A, 1, ZRTP_ROLE_INITIATOR);
	zh_config(&cb, ZID_B, 2, ZRTP_ROLE_RESPONDER);
	ASSERT_EQ(0, zh_start(&a, "a", &ca, 0));
	ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
	/* one packet at a time; SRTP "seen" by both before each */
	for (;;) {
		const char *sa = zrtp_state_name(a.s), *sb = zrtp_state_name(b.s);
		bool c2 = !strcmp(sa, "confirm2-sent");
		struct zh_peer *from, *to;

		zrtp_srtp_received(b.s, now);
		zh_drain(&b, now);
		EXPECT_STREQ(sb, zrtp_state_name(b.s));
		EXPECT_EQ(0, b.n_confirmed);
		if (c2)
			break;
		zrtp_srtp_received(a.s, now);
		zh_drain(&a, now);
		EXPECT_STREQ(sa, zrtp_state_name(a.s)) TH_LOG("step %d", steps);
		EXPECT_EQ(0, a.n_confirmed);
		zh_drain(&a, now);
		from = a.nout ? &a : &b;
		to = from == &a ? &b : &a;
		ASSERT_TRUE(zh_take(from, &pk)) TH_LOG("stuck at step %d", steps);
		if (zh_type(pk.b, pk.len) == ZRTP_MSG_CONF2ACK)
			continue;	/* lost: SRTP must stand for it */
		zrtp_input(to->s, now, pk.b, pk.len);
		zh_drain(to, now);
		ASSERT_GT(40, ++steps);
	}
	EXPECT_EQ(1, a.n_secure);
	EXPECT_FALSE(a.secure.tx_ready);		/* not before confirmation */
	zrtp_srtp_received(a.s, now);
	zh_drain(&a, now);
	EXPECT_EQ(1, a.n_confirmed);
	EXPECT_STREQ("secure", zrtp_state_name(a.s));
	zrtp_srtp_received(a.s, now);			/* once only */
	zh_drain(&a, now);
	EXPECT_EQ(1, a.n_confirmed);
	zh_stop(&a);
	zh_stop(&b);

	/* neither Conf2ACK nor SRTP: the initiator gives up visibly */
	ASSERT_EQ(0, zh_start(&a, "a", &ca, 0));
	ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
	now = zh_run(&a, &b, 0, 600000, drop_conf2ack_fwd, NULL);
	EXPECT_EQ(1, a.n_secure);
	EXPECT_EQ(0, a.n_confirmed);
	EXPECT_EQ(1, a.n_error);
	EXPECT_EQ(ZRTP_ERR_TIMEOUT, a.last_error.error_code);
	EXPECT_STREQ("error", zrtp_state_name(a.s));
	EXPECT_FALSE(zrtp_is_secure(a.s));
	zrtp_srtp_received(a.s, now);			/* too late: changes nothing */
	zh_drain(&a, now);
	EXPECT_EQ(0, a.n_confirmed);
	EXPECT_STREQ("error", zrtp_state_name(a.s));
	zh_stop(&a);
	zh_stop(&b);
}

/* ---- tampering: the errors of §5.9 --------------------------------------- */

struct tamper {
	enum zrtp_msg_type type;
	int offset;		/* from the start of the message */
	uint8_t xor;
	bool set_pv_one;
	bool done;
};

static enum zh_fate tamper_filter(void *arg, struct zh_peer *from, struct zh_pkt *pk)
{
	struct tamper *t = arg;
	uint8_t *msg = pk->b + 12;
	size_t mlen = pk->len - 16;

	if (t->done || zh_type(pk->b, pk->len) != t->type)
		return ZH_DELIVER;
	t->done = true;
	if (t->set_pv_one) {
		/* pv := 1 (big-endian, DH3k), MAC left alone: the MAC is
		 * only checkable later, the value must be refused now */
		memset(msg + 76, 0, mlen - 84);
		msg[76 + mlen - 84 - 1] = 1;
	} else {
		msg[t->offset] ^= t->xor;
	}
	zrtp_packet_set_crc(pk->b, pk->len);
	return ZH_DELIVER;
}

FIXTURE(tamper) {};
FIXTURE_VARIANT(tamper) {
	enum zrtp_msg_type type; int offset; bool pv_one; uint32_t code; bool a_detects;
};
/* DHPart1 pv = 1: Alice refuses it (0x61) */
FIXTURE_VARIANT_ADD(tamper, dhpart1_pv_one) { ZRTP_MSG_DHPART1, 0, true, ZRTP_ERR_DH_BAD_PV, true };
/* DHPart2 altered: its hash no longer matches the Commit's hvi (0x62) */
FIXTURE_VARIANT_ADD(tamper, dhpart2_hvi) { ZRTP_MSG_DHPART2, 100, false, ZRTP_ERR_DH_HVI, false };
/* Alice's Hello altered (client id): its MAC fails once the Commit
 * reveals H2 (§9): Bob ends the exchange (0x40) */
FIXTURE_VARIANT_ADD(tamper, hello_mac) { ZRTP_MSG_HELLO, 20, false, ZRTP_ERR_HELLO_MISMATCH, false };
/* the Commit's MAC altered: found when DHPart2 reveals H1 */
FIXTURE_VARIANT_ADD(tamper, commit_mac) { ZRTP_MSG_COMMIT, 110, false, ZRTP_ERR_CONFIRM_MAC, false };
/* DHPart1's MAC altered (DH3k: 468 bytes, MAC at 460): Alice's keys then
 * differ from Bob's, every Confirm1 fails its MAC and is discarded (it
 * could be a forgery); when T2 runs out she ends with 0x70 as the reason */
FIXTURE_VARIANT_ADD(tamper, dhpart1_mac) { ZRTP_MSG_DHPART1, 462, false, ZRTP_ERR_CONFIRM_MAC, true };
FIXTURE_SETUP(tamper) {}
FIXTURE_TEARDOWN(tamper) {}

TEST_F(tamper, error_exchange)
{
	struct zh_peer a, b;
	struct zrtp_config ca, cb;
	struct tamper t = { .type = variant->type, .offset = variant->offset, .xor = 0x40,
			    .set_pv_one = variant->pv_one };
	struct zh_peer *det, *other;

	zh_config(&ca, ZID_A, 1, ZRTP_ROLE_INITIATOR);
	zh_config(&cb, ZID_B, 2, ZRTP_ROLE_RESPONDER);
	zh_prefs(&ca, ZRTP_S256, ZRTP_AES1, ZRTP_HS80, ZRTP_DH3K, ZRTP_B32);
	zh_prefs(&cb, ZRTP_S256, ZRTP_AES1, ZRTP_HS80, ZRTP_DH3K, ZRTP_B32);
	ASSERT_EQ(0, zh_start(&a, "a", &ca, 0));
	ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
	zh_run(&a, &b, 0, 60000, tamper_filter, &t);
	ASSERT_TRUE(t.done);
	det = variant->a_detects ? &a : &b;
	other = variant->a_detects ? &b : &a;
	ASSERT_EQ(1, det->n_error);
	EXPECT_EQ(variant->code, det->last_error.error_code);
	EXPECT_TRUE(det->last_error.error_sent);
	/* the peer got the Error message and acknowledged it */
	EXPECT_EQ(1, det->sent[ZRTP_MSG_ERROR]);	/* ErrorACK stopped T2 */
	EXPECT_EQ(1, other->sent[ZRTP_MSG_ERRORACK]);
	EXPECT_EQ(1, other->n_error);
	EXPECT_EQ(variant->code, other->last_error.error_code);
	EXPECT_FALSE(other->last_error.error_sent);
	EXPECT_EQ(0, det->n_secure);
	zh_stop(&a);
	zh_stop(&b);
}

/* A Confirm1 / Confirm2 whose encrypted part or MAC was altered is
 * discarded like a lost packet (it may be a forgery: issue 11); the
 * retransmission completes the handshake. */
TEST(altered_confirm_discarded)
{
	static const struct { enum zrtp_msg_type t; int off; } hit[] = {
		{ ZRTP_MSG_CONFIRM1, 40 }, { ZRTP_MSG_CONFIRM2, 50 }, { ZRTP_MSG_CONFIRM1, 14 },
	};

	for (unsigned i = 0; i < sizeof(hit) / sizeof(hit[0]); i++) {
		struct zh_peer a, b;
		struct zrtp_config ca, cb;
		struct tamper t = { .type = hit[i].t, .offset = hit[i].off, .xor = 0x40 };

		zh_config(&ca, ZID_A, 1, ZRTP_ROLE_INITIATOR);
		zh_config(&cb, ZID_B, 2, ZRTP_ROLE_RESPONDER);
		ASSERT_EQ(0, zh_start(&a, "a", &ca, 0));
		ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
		zh_run(&a, &b, 0, 60000, tamper_filter, &t);
		ASSERT_TRUE(t.done);
		expect_keys_agree(_metadata, &a, &b);
		EXPECT_EQ(0, a.n_error);
		EXPECT_EQ(0, b.n_error);
		EXPECT_EQ(0, a.sent[ZRTP_MSG_ERROR] + b.sent[ZRTP_MSG_ERROR]);
		zh_stop(&a);
		zh_stop(&b);
	}
}

/* A forged DHPart1 with a wrong H1 is discarded, not fatal; the genuine one
 * that follows completes the handshake. */
TEST(forged_dhpart1_discarded)
{
	struct zh_peer a, b;
	struct zrtp_config ca, cb;
	struct tamper t = { .type = ZRTP_MSG_DHPART1, .offset = 14, .xor = 1 };

	zh_config(&ca, ZID_A, 1, ZRTP_ROLE_INITIATOR);
	zh_config(&cb, ZID_B, 2, ZRTP_ROLE_RESPONDER);
	ASSERT_EQ(0, zh_start(&a, "a", &ca, 0));
	ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
	zh_run(&a, &b, 0, 60000, tamper_filter, &t);
	ASSERT_TRUE(t.done);
	expect_keys_agree(_metadata, &a, &b);
	EXPECT_LE(2, a.sent[ZRTP_MSG_COMMIT]);	/* Commit was repeated */
	zh_stop(&a);
	zh_stop(&b);
}

/* ---- a=zrtp-hash (§8.1) --------------------------------------------------- */

static void hash_of_hello(struct zrtp_session *s, uint8_t out[32])
{
	char hex[80];

	zrtp_hello_hash(s, hex, sizeof(hex));
	for (int i = 0; i < 32; i++)
		sscanf(hex + 5 + 2 * i, "%2hhx", &out[i]);
}

TEST(zrtp_hash_attribute)
{
	struct zh_peer a, b;
	struct zrtp_config ca, cb;
	uint8_t hb[32];
	struct zrtp_session *probe;
	char hex[80];

	zh_config(&ca, ZID_A, 1, ZRTP_ROLE_INITIATOR);
	zh_config(&cb, ZID_B, 2, ZRTP_ROLE_RESPONDER);
	ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
	ASSERT_EQ(0, zrtp_hello_hash(b.s, hex, sizeof(hex)));
	EXPECT_EQ(0, strncmp(hex, "1.10 ", 5));
	EXPECT_EQ(69u, strlen(hex));
	hash_of_hello(b.s, hb);
	ca.peer_hello_hash = hb;	/* signalled by Bob: matches */
	ASSERT_EQ(0, zh_start(&a, "a", &ca, 0));
	zh_run(&a, &b, 0, 60000, NULL, NULL);
	expect_keys_agree(_metadata, &a, &b);
	EXPECT_EQ(0, a.n_hello_hash_mismatch);
	zh_stop(&a);
	zh_stop(&b);

	/* a different hash: Bob's Hello is refused, no handshake */
	hb[0] ^= 1;
	ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
	ASSERT_EQ(0, zh_start(&a, "a", &ca, 0));
	zh_run(&a, &b, 0, 60000, NULL, NULL);
	EXPECT_EQ(0, a.n_secure);
	EXPECT_EQ(0, b.n_secure);
	EXPECT_EQ(0, a.sent[ZRTP_MSG_COMMIT]);
	EXPECT_EQ(1, a.n_hello_hash_mismatch);	/* reported once */
	EXPECT_EQ(0, a.sent[ZRTP_MSG_HELLOACK]);
	zh_stop(&a);
	zh_stop(&b);
	probe = NULL;
	(void)probe;
}

/* ---- GoClear / ClearACK (§4.7.2), Ping / PingACK (§5.15) -------------------- */

TEST(goclear)
{
	struct zh_peer a, b;
	struct zrtp_config ca, cb;
	uint64_t now;

	zh_config(&ca, ZID_A, 1, ZRTP_ROLE_INITIATOR);
	zh_config(&cb, ZID_B, 2, ZRTP_ROLE_RESPONDER);
	ca.allow_clear = cb.allow_clear = true;
	ASSERT_EQ(0, zh_start(&a, "a", &ca, 0));
	ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
	now = zh_run(&a, &b, 0, 60000, NULL, NULL);
	expect_keys_agree(_metadata, &a, &b);
	EXPECT_TRUE(a.secure.peer_allow_clear);
	ASSERT_EQ(0, zrtp_go_clear(a.s, now));
	zh_run(&a, &b, now, now + 60000, NULL, NULL);
	EXPECT_EQ(1, b.n_goclear);
	EXPECT_EQ(1, a.n_clear);
	EXPECT_EQ(1, b.sent[ZRTP_MSG_CLEARACK]);
	EXPECT_STREQ("clear", zrtp_state_name(a.s));
	EXPECT_STREQ("clear", zrtp_state_name(b.s));
	zh_stop(&a);
	zh_stop(&b);

	/* Bob does not allow clear: Alice may not even ask */
	cb.allow_clear = false;
	ASSERT_EQ(0, zh_start(&a, "a", &ca, 0));
	ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
	now = zh_run(&a, &b, 0, 60000, NULL, NULL);
	EXPECT_FALSE(a.secure.peer_allow_clear);
	EXPECT_EQ(-1, zrtp_go_clear(a.s, now));
	zh_stop(&a);
	zh_stop(&b);
}

TEST(ping_pingack)
{
	struct zh_peer a;
	struct zrtp_config ca;
	struct zrtp_msg m = { .type = ZRTP_MSG_PING };
	uint8_t msg[64], pkt[128];
	struct zrtp_output o;
	struct zrtp_packet p;
	int n;

	zh_config(&ca, ZID_A, 0x1111, ZRTP_ROLE_INITIATOR);
	ASSERT_EQ(0, zh_start(&a, "a", &ca, 0));
	zrtp_poll(a.s, 0, &o);		/* Hello */
	memcpy(m.ping.version, "1.10", 4);
	memcpy(m.ping.endpoint_hash, "PINGHASH", 8);
	n = zrtp_msg_encode(&m, msg, sizeof(msg));
	n = zrtp_packet_build(7, 0xcafef00d, msg, n, pkt, sizeof(pkt));
	ASSERT_EQ(0, zrtp_input(a.s, 0, pkt, n));
	ASSERT_EQ(ZRTP_OUT_PACKET, zrtp_poll(a.s, 0, &o));
	ASSERT_EQ(0, zrtp_packet_parse(o.pkt, o.len, &p));
	ASSERT_EQ(ZRTP_MSG_PINGACK, p.m.type);
	EXPECT_EQ(0, memcmp(p.m.pingack.received_hash, "PINGHASH", 8));
	EXPECT_EQ(0xcafef00du, p.m.pingack.ssrc);
	EXPECT_EQ(0x1111u, p.ssrc);
	/* a short Ping (CVE-2013-2223) is rejected, nothing is sent */
	zrtp_put16(pkt + 14, 5);
	zrtp_packet_set_crc(pkt, 12 + 20 + 4);
	EXPECT_GT(0, zrtp_input(a.s, 0, pkt, 12 + 20 + 4));
	EXPECT_EQ(ZRTP_OUT_NONE, zrtp_poll(a.s, 0, &o));
	zh_stop(&a);
}

/* Garbage of every length never changes the state or emits anything. */
TEST(garbage_input)
{
	struct zh_peer a;
	struct zrtp_config ca;
	struct zrtp_output o;
	uint8_t buf[1200];
	unsigned seed = 7;

	zh_config(&ca, ZID_A, 1, ZRTP_ROLE_INITIATOR);
	ASSERT_EQ(0, zh_start(&a, "a", &ca, 0));
	zrtp_poll(a.s, 0, &o);
	for (size_t len = 0; len < sizeof(buf); len += 7) {
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = seed >> 16;
		}
		if (len >= 8) {
			buf[0] = 0x10;
			memcpy(buf + 4, "ZRTP", 4);
		}
		EXPECT_GT(0, zrtp_input(a.s, 0, buf, len));
	}
	EXPECT_EQ(ZRTP_OUT_NONE, zrtp_poll(a.s, 0, &o));
	EXPECT_STREQ("discovery", zrtp_state_name(a.s));
	zh_stop(&a);
}

TEST(equal_zid_refused)
{
	struct zh_peer a, b;
	struct zrtp_config ca, cb;

	zh_config(&ca, ZID_A, 1, ZRTP_ROLE_INITIATOR);
	zh_config(&cb, ZID_A, 2, ZRTP_ROLE_RESPONDER);
	ASSERT_EQ(0, zh_start(&a, "a", &ca, 0));
	ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
	zh_run(&a, &b, 0, 60000, NULL, NULL);
	EXPECT_EQ(0, a.n_secure);
	EXPECT_LE(1, a.n_error);
	EXPECT_EQ(ZRTP_ERR_EQUAL_ZID, a.last_error.error_code);
	zh_stop(&a);
	zh_stop(&b);
}

/* ---- a hand-made peer: Commits with algorithms we do not have (§5.9) ---- */

struct fake {
	uint8_t h[4][32];
	uint8_t hello[ZRTP_MAX_MSG_LEN];
	int hello_len;
};

static int fake_packet(const struct zrtp_msg *m, const uint8_t *mac_key, uint8_t *pkt)
{
	uint8_t msg[ZRTP_MAX_MSG_LEN], full[32];
	int n = zrtp_msg_encode(m, msg, sizeof(msg)), off = zrtp_msg_mac_offset(m->type, n);

	if (off > 0) {
		zrtp_hmac(ZRTP_S256, mac_key, 32, msg, off, full);
		memcpy(msg + off, full, 8);
	}
	return zrtp_packet_build(9, 0xf00d, msg, n, pkt, ZRTP_OUT_MAX_PKT);
}

static void fake_init(struct fake *f, struct zrtp_msg *hello, const char *version)
{
	memset(f->h[0], 0x42, 32);
	for (int i = 1; i < 4; i++)
		zrtp_hash(ZRTP_S256, f->h[i - 1], 32, f->h[i]);
	memset(hello, 0, sizeof(*hello));
	hello->type = ZRTP_MSG_HELLO;
	memcpy(hello->hello.version, version, 4);
	memcpy(hello->hello.client_id, "fake peer       ", 16);
	memcpy(hello->hello.h3, f->h[3], 32);
	memcpy(hello->hello.zid, "fake-peer-zid", 12);
}

FIXTURE(badcommit) {};
FIXTURE_VARIANT(badcommit) { int kind; uint32_t alg; uint32_t code; const char *version; };
FIXTURE_VARIANT_ADD(badcommit, hash) { ZRTP_ALG_HASH, ZRTP_ALG('N', '2', '5', '6'), ZRTP_ERR_HASH_UNSUPP, "1.10" };
FIXTURE_VARIANT_ADD(badcommit, cipher) { ZRTP_ALG_CIPHER, ZRTP_ALG('2', 'F', 'S', '1'), ZRTP_ERR_CIPHER_UNSUPP, "1.10" };
FIXTURE_VARIANT_ADD(badcommit, auth) { ZRTP_ALG_AUTH, ZRTP_ALG('S', 'K', '3', '2'), ZRTP_ERR_AUTH_UNSUPP, "1.10" };
FIXTURE_VARIANT_ADD(badcommit, ka) { ZRTP_ALG_KA, ZRTP_ALG('E', 'C', '9', '9'), ZRTP_ERR_PK_UNSUPP, "1.10" };
FIXTURE_VARIANT_ADD(badcommit, sas) { ZRTP_ALG_SAS, ZRTP_ALG('B', '9', '9', ' '), ZRTP_ERR_SAS_UNSUPP, "1.10" };
FIXTURE_VARIANT_ADD(badcommit, version) { -1, 0, ZRTP_ERR_VERSION, "0.85" };
FIXTURE_SETUP(badcommit) {}
FIXTURE_TEARDOWN(badcommit) {}

TEST_F(badcommit, error_code)
{
	struct zh_peer b;
	struct zrtp_config cb;
	struct fake f;
	struct zrtp_msg m;
	uint8_t pkt[ZRTP_OUT_MAX_PKT];
	int n;
	uint32_t algs[5] = { ZRTP_S256, ZRTP_AES1, ZRTP_HS32, ZRTP_DH3K, ZRTP_B32 };

	zh_config(&cb, ZID_B, 2, ZRTP_ROLE_RESPONDER);
	ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
	fake_init(&f, &m, variant->version);
	n = fake_packet(&m, f.h[2], pkt);		/* Hello, MAC keyed with H2 */
	ASSERT_EQ(0, zrtp_input(b.s, 0, pkt, n));
	zh_drain(&b, 0);
	if (variant->kind < 0) {
		/* A Hello of another version is not authenticated: it ends
		 * nothing by itself.  Discovery goes on; when T1 runs out
		 * with no acceptable Hello, 0x30 is the reason given. */
		uint64_t now = 0;
		struct zrtp_output o;

		EXPECT_EQ(0, b.n_error);
		EXPECT_EQ(0, b.sent[ZRTP_MSG_HELLOACK]);
		EXPECT_STREQ("discovery", zrtp_state_name(b.s));
		for (int i = 0; i < 100 && !b.n_error; i++) {
			zrtp_poll(b.s, now, &o);
			if (o.kind == ZRTP_OUT_NONE && o.next_timer_ms != UINT64_MAX)
				now = o.next_timer_ms;
			zh_drain(&b, now);
		}
		ASSERT_EQ(1, b.n_error);
		EXPECT_EQ(variant->code, b.last_error.error_code);
		EXPECT_EQ(1, b.sent[ZRTP_MSG_ERROR]);
		zh_stop(&b);
		return;
	}
	EXPECT_EQ(1, b.sent[ZRTP_MSG_HELLOACK]);
	memset(&m, 0, sizeof(m));
	m.type = ZRTP_MSG_COMMIT;
	memcpy(m.commit.h2, f.h[2], 32);
	memcpy(m.commit.zid, "fake-peer-zid", 12);
	memcpy(m.commit.alg, algs, sizeof(algs));
	m.commit.alg[variant->kind] = variant->alg;
	memset(m.commit.hvi, 7, 32);
	n = fake_packet(&m, f.h[1], pkt);		/* Commit, MAC keyed with H1 */
	ASSERT_EQ(0, zrtp_input(b.s, 0, pkt, n));
	zh_drain(&b, 0);
	ASSERT_EQ(1, b.n_error);
	EXPECT_EQ(variant->code, b.last_error.error_code);
	EXPECT_EQ(1, b.sent[ZRTP_MSG_ERROR]);
	EXPECT_EQ(0, b.sent[ZRTP_MSG_DHPART1]);
	EXPECT_STREQ("error", zrtp_state_name(b.s));
	zh_stop(&b);
}

/* The same hand-made Commit with valid algorithms but an H2 that does not
 * hash to the Hello's H3 is silently discarded (forgery), not an error. */
TEST(commit_with_wrong_h2_discarded)
{
	struct zh_peer b;
	struct zrtp_config cb;
	struct fake f;
	struct zrtp_msg m;
	uint8_t pkt[ZRTP_OUT_MAX_PKT], wrong[32];
	int n;
	uint32_t algs[5] = { ZRTP_S256, ZRTP_AES1, ZRTP_HS32, ZRTP_DH3K, ZRTP_B32 };

	zh_config(&cb, ZID_B, 2, ZRTP_ROLE_RESPONDER);
	ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
	fake_init(&f, &m, "1.10");
	n = fake_packet(&m, f.h[2], pkt);
	ASSERT_EQ(0, zrtp_input(b.s, 0, pkt, n));
	memset(&m, 0, sizeof(m));
	m.type = ZRTP_MSG_COMMIT;
	memset(wrong, 0x13, 32);
	memcpy(m.commit.h2, wrong, 32);
	memcpy(m.commit.zid, "fake-peer-zid", 12);
	memcpy(m.commit.alg, algs, sizeof(algs));
	n = fake_packet(&m, f.h[1], pkt);
	ASSERT_EQ(0, zrtp_input(b.s, 0, pkt, n));
	zh_drain(&b, 0);
	EXPECT_EQ(0, b.n_error);
	EXPECT_EQ(0, b.sent[ZRTP_MSG_DHPART1]);
	EXPECT_STREQ("discovery", zrtp_state_name(b.s));
	/* the genuine H2 is then accepted */
	memcpy(m.commit.h2, f.h[2], 32);
	n = fake_packet(&m, f.h[1], pkt);
	ASSERT_EQ(0, zrtp_input(b.s, 0, pkt, n));
	zh_drain(&b, 0);
	EXPECT_EQ(1, b.sent[ZRTP_MSG_DHPART1]);
	zh_stop(&b);
}

/* ---- a scripted peer: contention, late Commit, role initiator ---------- */

/* Feed one hand-made message to b (MAC keyed with `key`, if any). */
static void fake_send(struct zh_peer *b, uint64_t now, const struct zrtp_msg *m, const uint8_t *key)
{
	uint8_t pkt[ZRTP_OUT_MAX_PKT];
	int n = fake_packet(m, key, pkt);

	zrtp_input(b->s, now, pkt, n);
	zh_drain(b, now);
}

/* The fake peer's Hello, offering X255 (and the implied DH3k, Mult). */
static void fake_hello(struct zh_peer *b, struct fake *f, uint64_t now)
{
	struct zrtp_msg m;

	fake_init(f, &m, "1.10");
	m.hello.n[ZRTP_ALG_KA] = 1;
	m.hello.alg[ZRTP_ALG_KA][0] = ZRTP_X255;
	fake_send(b, now, &m, f->h[2]);
}

static void fake_commit(struct zh_peer *b, struct fake *f, uint64_t now, uint32_t ka, uint8_t fill)
{
	uint32_t algs[5] = { ZRTP_S256, ZRTP_AES1, ZRTP_HS32, ka, ZRTP_B32 };
	struct zrtp_msg m = { .type = ZRTP_MSG_COMMIT };

	memcpy(m.commit.h2, f->h[2], 32);
	memcpy(m.commit.zid, "fake-peer-zid", 12);
	memcpy(m.commit.alg, algs, sizeof(algs));
	memset(m.commit.hvi, fill, 32);
	memset(m.commit.nonce, fill, 16);
	fake_send(b, now, &m, f->h[1]);
}

/* The pv length of the last DHPart1 b sent (0: none). */
static int last_dhpart1_pv(struct zh_peer *b)
{
	int pv = 0;

	for (int i = 0; i < b->nout; i++) {
		struct zrtp_packet p;

		if (!zrtp_packet_parse(b->out[i].b, b->out[i].len, &p) &&
		    p.m.type == ZRTP_MSG_DHPART1)
			pv = p.m.dhpart.pv_len;
	}
	return pv;
}

/*
 * RFC 6189 §4.2 between Commits of two different DH key agreements: Bob
 * committed X255; the peer (ranking key agreements otherwise) commits
 * DH3k.  The larger hvi wins whatever the types: with the peer's larger,
 * Bob yields and answers with a DH3k share (a new one: his X25519 share
 * does not fit, §4.2 last paragraph); with his larger, he keeps his
 * Commit and sends no DHPart1.  A Multistream Commit against his DH
 * Commit is the "software error" of §4.2: Error 0x20.
 */
TEST(contention_other_key_agreement)
{
	static const struct { uint32_t ka; uint8_t fill; int pv; const char *state; uint32_t err; } c[] = {
		{ ZRTP_DH3K, 0xff, 384, "dhpart1-sent", 0 },	/* theirs wins */
		{ ZRTP_DH3K, 0x00, 0, "commit-sent", 0 },	/* ours wins */
		{ ZRTP_X255, 0xff, 32, "dhpart1-sent", 0 },	/* same type */
		{ ZRTP_MULT, 0xff, 0, "error", ZRTP_ERR_SOFTWARE },
	};

	for (unsigned i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct zh_peer b;
		struct zrtp_config cb;
		struct fake f;
		struct zrtp_msg ack = { .type = ZRTP_MSG_HELLOACK };

		zh_config(&cb, ZID_B, 2, ZRTP_ROLE_AUTO);
		ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
		fake_hello(&b, &f, 0);
		fake_send(&b, 0, &ack, NULL);		/* Bob commits (X255) */
		ASSERT_EQ(1, b.sent[ZRTP_MSG_COMMIT]);
		b.nout = 0;
		fake_commit(&b, &f, 0, c[i].ka, c[i].fill);
		EXPECT_STREQ(c[i].state, zrtp_state_name(b.s)) TH_LOG("case %u", i);
		EXPECT_EQ(c[i].pv, last_dhpart1_pv(&b)) TH_LOG("case %u", i);
		if (c[i].err) {
			EXPECT_EQ(1, b.n_error);
			EXPECT_EQ(c[i].err, b.last_error.error_code);
			EXPECT_EQ(1, b.sent[ZRTP_MSG_ERROR]);
		}
		zh_stop(&b);
	}
}

/*
 * Issue 12 item 6: in role responder, against a peer that acknowledges
 * our Hello and then waits for our Commit.  Bob commits himself after
 * ZRTP_RESPONDER_WAIT_MS of (virtual) time; when the peer answers nothing
 * at all either, his Commit's T2 schedule runs out and the session fails
 * visibly: Error event 0xB0 with its reason, and no timer left.
 */
TEST(responder_commits_when_peer_waits)
{
	struct zh_peer b;
	struct zrtp_config cb;
	struct fake f;
	struct zrtp_msg ack = { .type = ZRTP_MSG_HELLOACK };
	struct zrtp_output o;
	uint64_t now = 100, t_commit = 0;
	int ticks = 0;

	zh_config(&cb, ZID_B, 2, ZRTP_ROLE_RESPONDER);
	ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
	fake_hello(&b, &f, now);
	fake_send(&b, now, &ack, NULL);		/* both Hellos acknowledged */
	EXPECT_EQ(0, b.sent[ZRTP_MSG_COMMIT]);
	EXPECT_STREQ("discovery", zrtp_state_name(b.s));
	/* follow Bob's timer, tick by tick, until he stops arming one */
	for (ticks = 0; ticks < 100; ticks++) {
		zrtp_poll(b.s, now, &o);
		if (o.kind != ZRTP_OUT_NONE || o.next_timer_ms == UINT64_MAX)
			break;
		now = o.next_timer_ms;
		zh_drain(&b, now);
		if (!t_commit && b.sent[ZRTP_MSG_COMMIT])
			t_commit = now;
	}
	EXPECT_EQ(100 + ZRTP_RESPONDER_WAIT_MS, t_commit);
	EXPECT_EQ(1 + 10, b.sent[ZRTP_MSG_COMMIT]);	/* T2: 10 retransmissions */
	EXPECT_GE(12, ticks);		/* the wait, then the T2 schedule */
	ASSERT_EQ(1, b.n_error);
	EXPECT_EQ(ZRTP_ERR_TIMEOUT, b.last_error.error_code);
	EXPECT_STREQ("our Commit was never answered", b.last_error.reason);
	EXPECT_STREQ("error", zrtp_state_name(b.s));
	EXPECT_EQ(UINT64_MAX, o.next_timer_ms);
	zh_stop(&b);
}

/*
 * Issue 12 item 7: role initiator.  The peer's Commit reaches Bob before
 * he could commit (he never got a HelloACK; the Commit acknowledges his
 * Hello).  In role auto he answers it as responder; in role initiator he
 * sends his own Commit and §4.2 decides: with the peer's hvi lower he
 * stays initiator, with it higher he yields.
 */
TEST(role_initiator_commits)
{
	static const struct { enum zrtp_role role; uint8_t fill; int commits; const char *state; } c[] = {
		{ ZRTP_ROLE_AUTO, 0x00, 0, "dhpart1-sent" },
		{ ZRTP_ROLE_INITIATOR, 0x00, 1, "commit-sent" },
		{ ZRTP_ROLE_INITIATOR, 0xff, 1, "dhpart1-sent" },
	};

	for (unsigned i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct zh_peer b;
		struct zrtp_config cb;
		struct fake f;

		zh_config(&cb, ZID_B, 2, c[i].role);
		ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
		fake_hello(&b, &f, 0);
		EXPECT_EQ(0, b.sent[ZRTP_MSG_COMMIT]);	/* no HelloACK yet */
		fake_commit(&b, &f, 0, ZRTP_X255, c[i].fill);
		EXPECT_EQ(c[i].commits, b.sent[ZRTP_MSG_COMMIT]) TH_LOG("case %u", i);
		EXPECT_STREQ(c[i].state, zrtp_state_name(b.s)) TH_LOG("case %u", i);
		zh_stop(&b);
	}
}

/*
 * Issue 12 item 5, RFC 6189 §5.1.2/§5.1.5: with EC38 or EC52 the
 * initiator names S384 (and AES3) when both sides have them, although
 * both prefer S256 and AES1; with another key agreement, or a peer
 * without S384, its first preference stands.
 */
TEST(hash_follows_key_agreement)
{
	static const struct {
		uint32_t ka; int peer_has_s384;
		const char *hash, *cipher;
	} c[] = {
		{ ZRTP_EC38, 1, "S384", "AES3" },
		{ ZRTP_EC52, 1, "S384", "AES3" },
		{ ZRTP_EC38, 0, "S256", "AES3" },
		{ ZRTP_X255, 1, "S256", "AES1" },
		{ ZRTP_EC25, 1, "S256", "AES1" },
	};

	for (unsigned i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct zh_peer a, b;
		struct zrtp_config ca, cb;
		struct zrtp_packet p;
		struct zh_pkt pk;
		char h[5], ci[5];
		uint64_t now = 0;

		zh_config(&ca, ZID_A, 1, ZRTP_ROLE_INITIATOR);
		zh_config(&cb, ZID_B, 2, ZRTP_ROLE_RESPONDER);
		for (int k = 0; k < 2; k++) {
			struct zrtp_config *x = k ? &cb : &ca;

			x->algs[ZRTP_ALG_HASH][0] = ZRTP_S256;
			x->algs[ZRTP_ALG_HASH][1] = ZRTP_S384;
			x->nalgs[ZRTP_ALG_HASH] = k && !c[i].peer_has_s384 ? 1 : 2;
			x->algs[ZRTP_ALG_CIPHER][0] = ZRTP_AES1;
			x->algs[ZRTP_ALG_CIPHER][1] = ZRTP_AES3;
			x->nalgs[ZRTP_ALG_CIPHER] = 2;
			x->algs[ZRTP_ALG_KA][0] = c[i].ka;
			x->nalgs[ZRTP_ALG_KA] = 1;
		}
		ASSERT_EQ(0, zh_start(&a, "a", &ca, 0));
		ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
		STEP(&a, &b, ZRTP_MSG_HELLO);
		STEP(&b, &a, ZRTP_MSG_HELLO);
		STEP(&b, &a, ZRTP_MSG_HELLOACK);
		STEP(&a, &b, ZRTP_MSG_HELLOACK);
		zh_drain(&a, now);
		ASSERT_TRUE(zh_take(&a, &pk));		/* Alice's Commit */
		ASSERT_EQ(0, zrtp_packet_parse(pk.b, pk.len, &p));
		ASSERT_EQ(ZRTP_MSG_COMMIT, p.m.type);
		zrtp_put32((uint8_t *)h, p.m.commit.alg[ZRTP_ALG_HASH]);
		zrtp_put32((uint8_t *)ci, p.m.commit.alg[ZRTP_ALG_CIPHER]);
		h[4] = ci[4] = 0;
		EXPECT_STREQ(c[i].hash, h) TH_LOG("case %u", i);
		EXPECT_STREQ(c[i].cipher, ci) TH_LOG("case %u", i);
		zrtp_input(b.s, now, pk.b, pk.len);
		zh_run(&a, &b, now, 60000, NULL, NULL);
		expect_keys_agree(_metadata, &a, &b);
		EXPECT_STREQ(c[i].hash, a.secure.hash);
		EXPECT_STREQ(c[i].hash, b.secure.hash);
		zh_stop(&a);
		zh_stop(&b);
	}
}

/* Hello P flag: a passive endpoint never commits; Confirm D and A flags
 * reach the peer; Hello M flag is reported. */
TEST(passive_and_flags)
{
	struct zh_peer a, b;
	struct zrtp_config ca, cb;

	zh_config(&ca, ZID_A, 1, ZRTP_ROLE_AUTO);
	zh_config(&cb, ZID_B, 2, ZRTP_ROLE_RESPONDER);
	ca.passive = true;
	ASSERT_EQ(0, zh_start(&a, "a", &ca, 0));
	ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
	/* nobody commits before the responder's wait runs out ... */
	zh_run(&a, &b, 0, ZRTP_RESPONDER_WAIT_MS - 1, NULL, NULL);
	EXPECT_EQ(0, a.sent[ZRTP_MSG_COMMIT]);
	EXPECT_EQ(0, b.sent[ZRTP_MSG_COMMIT]);
	EXPECT_EQ(0, a.n_secure);
	/* ... then the responder does (issue 12): the passive one never */
	zh_run(&a, &b, 0, 60000, NULL, NULL);
	EXPECT_EQ(0, a.sent[ZRTP_MSG_COMMIT]);
	EXPECT_EQ(1, b.sent[ZRTP_MSG_COMMIT]);
	expect_keys_agree(_metadata, &a, &b);
	EXPECT_TRUE(b.secure.initiator);
	EXPECT_EQ(ZRTP_RESPONDER_WAIT_MS, b.t_secure);
	zh_stop(&a);
	zh_stop(&b);

	/* two passive endpoints: nobody commits, both give up visibly */
	cb.passive = true;
	ASSERT_EQ(0, zh_start(&a, "a", &ca, 0));
	ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
	zh_run(&a, &b, 0, 60000, NULL, NULL);
	EXPECT_EQ(0, a.sent[ZRTP_MSG_COMMIT] + b.sent[ZRTP_MSG_COMMIT]);
	EXPECT_EQ(1, a.n_error);
	EXPECT_EQ(1, b.n_error);
	EXPECT_EQ(ZRTP_ERR_TIMEOUT, b.last_error.error_code);
	EXPECT_STREQ("no Commit came (our Hello was acknowledged)", b.last_error.reason);
	cb.passive = false;
	zh_stop(&a);
	zh_stop(&b);

	/* the passive one is committed to by an active peer */
	cb.role = ZRTP_ROLE_AUTO;
	cb.disclosure = true;
	cb.mitm = true;
	ca.allow_clear = true;
	ASSERT_EQ(0, zh_start(&a, "a", &ca, 0));
	ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
	zh_run(&a, &b, 0, 60000, NULL, NULL);
	expect_keys_agree(_metadata, &a, &b);
	EXPECT_TRUE(b.secure.initiator);
	EXPECT_TRUE(a.secure.peer_disclosure);
	EXPECT_FALSE(b.secure.peer_disclosure);
	EXPECT_TRUE(b.secure.peer_allow_clear);
	EXPECT_FALSE(a.secure.peer_allow_clear);
	EXPECT_TRUE(a.secure.peer_is_mitm);
	EXPECT_FALSE(b.secure.peer_is_mitm);
	zh_stop(&a);
	zh_stop(&b);
}

TEST_HARNESS_MAIN
