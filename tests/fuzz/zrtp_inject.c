// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: an active attacker against two honest ZRTP engines
 * (issue 11).  The real exchange runs by itself over zrtp_harness.h's
 * network with the virtual clock; the input only says what the attacker
 * adds: up to 4 injections, each "before real packet N, into Alice or Bob,
 * one forged message" -- either a forgery of zrtp_forge.h (type, variant,
 * seed) or a copy of that real packet with some bytes changed (the CRC made
 * valid), delivered in addition to the real one -- and up to 2 real packets
 * dropped.
 *
 * Invariants (abort on violation):
 *  - never a split: if both sides report SECURE, keys and SAS agree;
 *  - one forgery of zrtp_forge.h and nothing else costs nothing: both
 *    sides secure, the initiator confirmed, no error event, within §6's
 *    T2 budget (tests/unit/zrtp_forge.c states the same property over a
 *    fixed grid; this explores seeds, points and combinations).
 *  - whatever the attacker does, both sides end quiet: secure, clear, or
 *    failed with no timer armed (every state has a deadline).
 * A racing altered copy of a real Commit or DHPart is outside the second
 * invariant: its MAC can only be checked once the next hash image is
 * revealed (§9), by then the exchange has used it; see zrtp-engine.md.
 *
 * Input: byte 0 = roles (bits 0-1), matching retained secrets in both
 * caches (bit 2: a single forgery must then also leave a cache match);
 * then 5-byte records: op, at, type, variant/side, seed.  op & 3: 0 forge,
 * 1 altered copy, 2 drop, 3 ignored.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include "zrtp_harness.h"
#include "zrtp_forge.h"

enum { MAX_ACTS = 6, T2_BUDGET_MS = 150 + 300 + 600 + 7 * 1200 };

struct act {
	int op, at;
	enum zrtp_msg_type type;
	int variant;
	bool into_a;
	uint32_t seed;
	bool done;
};

struct attacker {
	struct act act[MAX_ACTS];
	int nact, seen;
	struct zh_peer *a, *b;
};

static int prng(void *arg, uint8_t *buf, size_t len)
{
	zf_fill(arg, buf, len);
	return 0;
}

static void forge(struct attacker *at, struct act *x, const struct zh_pkt *real, uint64_t now)
{
	struct zh_peer *to = x->into_a ? at->a : at->b, *peer = x->into_a ? at->b : at->a;
	uint8_t pkt[ZRTP_OUT_MAX_PKT];
	int n;

	if (x->op == 0) {
		n = zf_forge(x->type, x->variant, &x->seed, to->cfg.zid, peer->cfg.zid,
			     peer->cfg.ssrc, pkt, sizeof(pkt));
	} else {
		if (!real || real->len < 16)
			return;
		memcpy(pkt, real->b, real->len);
		n = (int)real->len;
		for (int i = 0; i < 1 + x->variant; i++) {
			uint32_t r = zf_next(&x->seed);

			pkt[12 + r % (uint32_t)(n - 16)] ^= (uint8_t)(r >> 16) | 1;
		}
		zrtp_packet_set_crc(pkt, (size_t)n);
	}
	if (n > 0)
		zrtp_input(to->s, now, pkt, (size_t)n);
	zh_drain(to, now);
}

static enum zh_fate filter(void *arg, struct zh_peer *from, struct zh_pkt *pk)
{
	struct attacker *at = arg;
	enum zh_fate fate = ZH_DELIVER;
	int n = at->seen++;

	for (int i = 0; i < at->nact; i++) {
		struct act *x = &at->act[i];

		if (x->done || x->at != n)
			continue;
		x->done = true;
		if (x->op == 2)
			fate = ZH_DROP;
		else if (x->op == 1 && (from == at->a) != x->into_a)
			forge(at, x, pk, from->now);	/* a copy goes the packet's way */
		else if (x->op == 0)
			forge(at, x, NULL, from->now);
	}
	return fate;
}

static bool quiet(struct zh_peer *p, uint64_t now)
{
	struct zrtp_output o;
	const char *st = zrtp_state_name(p->s);

	zrtp_poll(p->s, now, &o);
	if (o.kind != ZRTP_OUT_NONE)
		return false;
	if (!strcmp(st, "secure") || !strcmp(st, "clear"))
		return true;
	return !strcmp(st, "error") && o.next_timer_ms == UINT64_MAX;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum zrtp_role roles[4][2] = {
		{ ZRTP_ROLE_INITIATOR, ZRTP_ROLE_RESPONDER }, { ZRTP_ROLE_AUTO, ZRTP_ROLE_AUTO },
		{ ZRTP_ROLE_RESPONDER, ZRTP_ROLE_INITIATOR }, { ZRTP_ROLE_AUTO, ZRTP_ROLE_RESPONDER },
	};
	struct attacker at = { 0 };
	struct zh_peer a, b;
	struct zrtp_config ca, cb;
	uint32_t sa = 5, sb = 9;
	int forged = 0, others = 0;
	uint64_t now;
	struct zrtp_cache *xa = NULL, *xb = NULL;
	bool cached;

	if (size < 1)
		return 0;
	for (size_t i = 1; i + 5 <= size && at.nact < MAX_ACTS; i += 5) {
		struct act *x = &at.act[at.nact];

		x->op = data[i] & 3;
		if (x->op == 3)
			continue;
		x->at = data[i + 1] % 24;
		x->type = (enum zrtp_msg_type)(1 + data[i + 2] % (ZRTP_MSG_COUNT - 1));
		x->variant = data[i + 3] % ZF_VARIANTS;
		x->into_a = data[i + 3] & 0x80;
		x->seed = data[i + 4] * 2654435761u + (uint32_t)i;
		if (x->op == 0)
			forged++;
		else
			others++;
		at.nact++;
	}
	zh_config(&ca, "fuzz-alice-1", 0xa, roles[data[0] & 3][0]);
	zh_config(&cb, "fuzz-bob---2", 0xb, roles[data[0] & 3][1]);
	ca.rand = cb.rand = prng;
	ca.rand_arg = &sa;
	cb.rand_arg = &sb;
	zh_prefs(&ca, ZRTP_CODE('S', '2', '5', '6'), ZRTP_CODE('A', 'E', 'S', '1'),
		 ZRTP_CODE('H', 'S', '3', '2'), ZRTP_CODE('X', '2', '5', '5'), ZRTP_CODE('B', '3', '2', ' '));
	cb.algs[ZRTP_ALG_KA][0] = ZRTP_CODE('X', '2', '5', '5');
	cb.nalgs[ZRTP_ALG_KA] = 1;
	cached = data[0] & 4;
	if (cached) {
		uint8_t rs[32];

		memset(rs, 0x3c, sizeof(rs));
		xa = zrtp_cache_open(":memory:");
		xb = zrtp_cache_open(":memory:");
		if (!xa || !xb || zrtp_cache_rotate(xa, cb.zid, rs, NULL, 0xffffffffu, true) ||
		    zrtp_cache_rotate(xb, ca.zid, rs, NULL, 0xffffffffu, true))
			abort();
		ca.cache = xa;
		cb.cache = xb;
	}
	if (zh_start(&a, "a", &ca, 0) || zh_start(&b, "b", &cb, 0))
		abort();
	at.a = &a;
	at.b = &b;
	now = zh_run(&a, &b, 0, 120000, filter, &at);
	/* injections planned after the end land in the finished sessions */
	for (int i = 0; i < at.nact; i++) {
		if (!at.act[i].done && at.act[i].op == 0) {
			at.act[i].done = true;
			forge(&at, &at.act[i], NULL, now);
		}
	}
	now = zh_run(&a, &b, now, now + 120000, NULL, NULL);
	if (a.n_secure && b.n_secure &&
	    (a.secure.tx.key_len != b.secure.rx.key_len ||
	     memcmp(a.secure.tx.key, b.secure.rx.key, a.secure.tx.key_len) ||
	     memcmp(a.secure.rx.key, b.secure.tx.key, a.secure.rx.key_len) ||
	     memcmp(a.secure.tx.salt, b.secure.rx.salt, 14) || strcmp(a.secure.sas, b.secure.sas)))
		abort();	/* split keys */
	if (forged == 1 && !others &&
	    (a.n_secure != 1 || b.n_secure != 1 || a.n_error || b.n_error ||
	     (a.secure.initiator ? a.n_confirmed : b.n_confirmed) != 1 ||
	     a.t_secure > T2_BUDGET_MS || b.t_secure > T2_BUDGET_MS ||
	     (cached && (a.secure.cache != ZRTP_CACHE_MATCH || b.secure.cache != ZRTP_CACHE_MATCH))))
		abort();	/* one forged packet cost more than a drop */
	if (!quiet(&a, now) || !quiet(&b, now))
		abort();	/* a state without a deadline */
	zh_stop(&a);
	zh_stop(&b);
	zrtp_cache_close(xa);
	zrtp_cache_close(xb);
	return 0;
}
