// SPDX-License-Identifier: GPL-2.0
/*
 * One forged packet costs no more than a dropped one (issue 11, RFC 6189
 * §4, §5.9, §6, §9).
 *
 * Property: two engines run a whole handshake over the in-process network
 * of zrtp_harness.h, with the virtual clock; an attacker injects ONE
 * forged message (zrtp_forge.h: every message type, hash images that do
 * not chain, random MACs and encrypted parts, any SSRC, Error, HelloACK,
 * a Hello with the receiver's own ZID, with a bad version, or with the
 * real peer's ZID) into either side, before any packet of the exchange or
 * after it is over.  The real exchange must still reach SECURE on both
 * sides, once, with mirrored SRTP keys and the same SAS, the initiator
 * confirmed, no error on either side, and within the timer budget of
 * §6 (both secure before T2's whole schedule, 9450 ms, has run out).
 *
 * One test per forged message type; each runs every injection point x
 * variant x target side x role pairing (initiator/responder; both
 * automatic: Commit contention; both automatic with a verified rs1 in
 * both caches: the call must also show a cache match, SAS verified).  Deterministic: engines and forgeries
 * draw from seeded generators.
 */
#include <stdio.h>
#include "kselftest_harness.h"
#include "zrtp_harness.h"
#include "zrtp_forge.h"
#include "zrtp_crypto.h"

#define ZID_A "alice-zid-01"
#define ZID_B "bob---zid-02"

enum { T2_BUDGET_MS = 150 + 300 + 600 + 7 * 1200 };

static int prng(void *arg, uint8_t *buf, size_t len)
{
	zf_fill(arg, buf, len);
	return 0;
}

struct inj {
	int at;			/* inject before the at-th packet of the exchange */
	int seen;
	enum zrtp_msg_type type;
	int variant;
	bool into_a;
	uint32_t seed;
	struct zh_peer *a, *b;
	bool done;
};

static void inject(struct inj *in, uint64_t now)
{
	struct zh_peer *to = in->into_a ? in->a : in->b, *peer = in->into_a ? in->b : in->a;
	uint8_t pkt[ZRTP_OUT_MAX_PKT];
	int n = zf_forge(in->type, in->variant, &in->seed, to->cfg.zid, peer->cfg.zid,
			 peer->cfg.ssrc, pkt, sizeof(pkt));

	in->done = true;
	if (n > 0)
		zrtp_input(to->s, now, pkt, (size_t)n);
	zh_drain(to, now);
}

static enum zh_fate inj_filter(void *arg, struct zh_peer *from, struct zh_pkt *pk)
{
	struct inj *in = arg;

	if (!in->done && in->seen++ == in->at)
		inject(in, from->now);
	return ZH_DELIVER;
}

/* One handshake with one forgery; returns a description of what went wrong or NULL. */
static const char *one_case(struct inj *in, enum zrtp_role ra, enum zrtp_role rb, bool cached,
			    uint64_t *t_done)
{
	struct zh_peer a, b;
	struct zrtp_config ca, cb;
	uint32_t sa = 11 + in->seed, sb = 23 + in->seed;
	const char *bad = NULL;
	uint64_t now;
	struct zrtp_cache *xa = NULL, *xb = NULL;

	zh_config(&ca, ZID_A, 0xa11ce, ra);
	zh_config(&cb, ZID_B, 0xb0b, rb);
	ca.rand = cb.rand = prng;
	ca.rand_arg = &sa;
	cb.rand_arg = &sb;
	if (cached) {
		/* a second call: both hold the same verified rs1 */
		uint8_t rs[32];

		memset(rs, 0x5a, sizeof(rs));
		xa = zrtp_cache_open(":memory:");
		xb = zrtp_cache_open(":memory:");
		if (!xa || !xb || zrtp_cache_rotate(xa, (const uint8_t *)ZID_B, rs, NULL, 0xffffffffu, true) ||
		    zrtp_cache_rotate(xb, (const uint8_t *)ZID_A, rs, NULL, 0xffffffffu, true))
			return "cache";
		ca.cache = xa;
		cb.cache = xb;
	}
	if (zh_start(&a, "a", &ca, 0) || zh_start(&b, "b", &cb, 0))
		return "start";
	in->a = &a;
	in->b = &b;
	if (in->at == 0)
		inject(in, 0);
	now = zh_run(&a, &b, 0, 60000, inj_filter, in);
	if (!in->done) {	/* after the exchange: into a secure session */
		inject(in, now);
		zh_run(&a, &b, now, now + 60000, NULL, NULL);
	}
	if (a.n_error || b.n_error)
		bad = "error event";
	else if (a.n_secure != 1 || b.n_secure != 1)
		bad = "not secure";
	else if (a.secure.initiator == b.secure.initiator)
		bad = "roles";
	else if (strcmp(a.secure.sas, b.secure.sas) ||
		 memcmp(a.secure.tx.key, b.secure.rx.key, a.secure.tx.key_len) ||
		 memcmp(a.secure.rx.key, b.secure.tx.key, a.secure.rx.key_len) ||
		 memcmp(a.secure.tx.salt, b.secure.rx.salt, 14) ||
		 memcmp(a.secure.rx.salt, b.secure.tx.salt, 14))
		bad = "keys or SAS differ";
	else if ((a.secure.initiator ? a.n_confirmed : b.n_confirmed) != 1)
		bad = "initiator not confirmed";
	else if (!zrtp_is_secure(a.s) || !zrtp_is_secure(b.s))
		bad = "state not secure";
	else if (a.t_secure > T2_BUDGET_MS || b.t_secure > T2_BUDGET_MS)
		bad = "too slow";
	else if (cached && (a.secure.cache != ZRTP_CACHE_MATCH || b.secure.cache != ZRTP_CACHE_MATCH ||
			    a.n_mismatch || b.n_mismatch || !a.secure.sas_verified))
		bad = "cache not matched";
	*t_done = a.t_secure > b.t_secure ? a.t_secure : b.t_secure;
	zh_stop(&a);
	zh_stop(&b);
	zrtp_cache_close(xa);
	zrtp_cache_close(xb);
	return bad;
}

FIXTURE(forge) {};
FIXTURE_VARIANT(forge) { enum zrtp_msg_type type; };
FIXTURE_VARIANT_ADD(forge, hello) { ZRTP_MSG_HELLO };
FIXTURE_VARIANT_ADD(forge, helloack) { ZRTP_MSG_HELLOACK };
FIXTURE_VARIANT_ADD(forge, commit) { ZRTP_MSG_COMMIT };
FIXTURE_VARIANT_ADD(forge, dhpart1) { ZRTP_MSG_DHPART1 };
FIXTURE_VARIANT_ADD(forge, dhpart2) { ZRTP_MSG_DHPART2 };
FIXTURE_VARIANT_ADD(forge, confirm1) { ZRTP_MSG_CONFIRM1 };
FIXTURE_VARIANT_ADD(forge, confirm2) { ZRTP_MSG_CONFIRM2 };
FIXTURE_VARIANT_ADD(forge, conf2ack) { ZRTP_MSG_CONF2ACK };
FIXTURE_VARIANT_ADD(forge, error) { ZRTP_MSG_ERROR };
FIXTURE_VARIANT_ADD(forge, errorack) { ZRTP_MSG_ERRORACK };
FIXTURE_VARIANT_ADD(forge, goclear) { ZRTP_MSG_GOCLEAR };
FIXTURE_VARIANT_ADD(forge, clearack) { ZRTP_MSG_CLEARACK };
FIXTURE_VARIANT_ADD(forge, sasrelay) { ZRTP_MSG_SASRELAY };
FIXTURE_VARIANT_ADD(forge, relayack) { ZRTP_MSG_RELAYACK };
FIXTURE_VARIANT_ADD(forge, ping) { ZRTP_MSG_PING };
FIXTURE_VARIANT_ADD(forge, pingack) { ZRTP_MSG_PINGACK };
FIXTURE_SETUP(forge) {}
FIXTURE_TEARDOWN(forge) {}

/* A handshake here is 11 packets (Hello x2, HelloACK x2, Commit, DHPart1,
 * DHPart2, Confirm1, Confirm2, Conf2ACK, + contention); injection points
 * 0..15 cover every state, the last ones a secure session. */
enum { AT_MAX = 16 };

TEST_F(forge, one_forged_packet_costs_at_most_a_drop)
{
	static const enum zrtp_role roles[3][2] = {
		{ ZRTP_ROLE_INITIATOR, ZRTP_ROLE_RESPONDER },
		{ ZRTP_ROLE_AUTO, ZRTP_ROLE_AUTO },
		{ ZRTP_ROLE_AUTO, ZRTP_ROLE_AUTO },	/* with matching caches */
	};
	static const char *const mode[3] = { "fixed roles", "auto roles", "auto roles, cached" };
	int cases = 0, failed = 0;
	uint64_t worst = 0;

	for (int r = 0; r < 3; r++)
	for (int at = 0; at < AT_MAX; at++)
	for (int v = 0; v < ZF_VARIANTS; v++)
	for (int side = 0; side < 2; side++) {
		struct inj in = { .at = at, .type = variant->type, .variant = v,
				  .into_a = side, .seed = 1000u * at + 10u * v + side + 7u * r };
		uint64_t t = 0;
		const char *bad = one_case(&in, roles[r][0], roles[r][1], r == 2, &t);

		cases++;
		if (t > worst)
			worst = t;
		if (bad) {
			if (failed < 12)
				TH_LOG("%s variant %d into %s before packet %d (%s): %s",
				       zrtp_msg_type_name(variant->type), v, side ? "alice" : "bob",
				       at, mode[r], bad);
			failed++;
		}
	}
	TH_LOG("%d cases, %d failed, slowest secure at %llu ms", cases, failed,
	       (unsigned long long)worst);
	EXPECT_EQ(0, failed);
}

TEST_HARNESS_MAIN
