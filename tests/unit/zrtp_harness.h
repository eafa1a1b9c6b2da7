/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Two ZRTP engines in one process: a tiny "network" between them with a
 * virtual clock, hooks to drop / duplicate / reorder / tamper packets, and
 * a record of every event.  Used by the engine and cache unit tests and by
 * the state-machine fuzzer.
 */
#ifndef ZRTP_HARNESS_H
#define ZRTP_HARNESS_H
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include "zrtp.h"
#include "zrtp_wire.h"

struct zh_pkt {
	uint8_t b[ZRTP_OUT_MAX_PKT];
	size_t len;
};

struct zh_peer {
	const char *name;
	struct zrtp_session *s;
	struct zrtp_config cfg;
	struct zrtp_event secure;
	int n_secure, n_confirmed, n_error, n_mismatch, n_goclear, n_clear, n_relayed,
	    n_relay_rejected, n_enrolled, n_hello_hash_mismatch, n_relay_unacked;
	struct zrtp_event last_error, relayed;
	struct zh_pkt out[64];		/* packets emitted, not yet delivered */
	int nout;
	int sent[ZRTP_MSG_COUNT];	/* per type, counting retransmissions */
	uint64_t now;			/* the clock at the last drain */
	uint64_t t_secure;		/* when ZRTP_EV_SECURE came out */
};

static inline enum zrtp_msg_type zh_type(const uint8_t *p, size_t len)
{
	struct zrtp_packet pk;

	if (zrtp_packet_parse(p, len, &pk))
		return ZRTP_MSG_INVALID;
	return pk.m.type;
}

/* Drain one engine: packets go to p->out, events are recorded. */
static inline void zh_drain(struct zh_peer *p, uint64_t now)
{
	struct zrtp_output o;

	p->now = now;
	while (zrtp_poll(p->s, now, &o) != ZRTP_OUT_NONE) {
		if (o.kind == ZRTP_OUT_PACKET) {
			if (p->nout < 64) {
				memcpy(p->out[p->nout].b, o.pkt, o.len);
				p->out[p->nout++].len = o.len;
			}
			p->sent[zh_type(o.pkt, o.len)]++;
			continue;
		}
		switch (o.ev.type) {
		case ZRTP_EV_SECURE: p->secure = o.ev; p->n_secure++; p->t_secure = now; break;
		case ZRTP_EV_CONFIRMED: p->n_confirmed++; break;
		case ZRTP_EV_ERROR: p->last_error = o.ev; p->n_error++; break;
		case ZRTP_EV_CACHE_MISMATCH: p->n_mismatch++; break;
		case ZRTP_EV_GOCLEAR: p->n_goclear++; break;
		case ZRTP_EV_CLEAR: p->n_clear++; break;
		case ZRTP_EV_SAS_RELAYED: p->relayed = o.ev; p->n_relayed++; break;
		case ZRTP_EV_RELAY_REJECTED: p->n_relay_rejected++; break;
		case ZRTP_EV_ENROLLED: p->n_enrolled++; break;
		case ZRTP_EV_HELLO_HASH_MISMATCH: p->n_hello_hash_mismatch++; break;
		case ZRTP_EV_RELAY_UNACKED: p->n_relay_unacked++; break;
		default: break;
		}
	}
}

/* Take the oldest pending packet of p (returns 0 if none). */
static inline int zh_take(struct zh_peer *p, struct zh_pkt *pk)
{
	if (!p->nout)
		return 0;
	*pk = p->out[0];
	memmove(p->out, p->out + 1, sizeof(p->out[0]) * --p->nout);
	return 1;
}

/* The network's decision for one packet. */
enum zh_fate { ZH_DELIVER, ZH_DROP, ZH_DUP };
typedef enum zh_fate (*zh_filter)(void *arg, struct zh_peer *from, struct zh_pkt *pk);

/*
 * Run until both sides are quiet and no timer fires before `until`.
 * Packets are delivered in order (or as the filter decides); the clock
 * jumps to the next timer when nothing is in flight.
 */
static inline uint64_t zh_run(struct zh_peer *a, struct zh_peer *b, uint64_t now,
			      uint64_t until, zh_filter f, void *arg)
{
	struct zrtp_output o;

	for (int guard = 0; guard < 100000; guard++) {
		struct zh_pkt pk;
		bool moved = false;

		zh_drain(a, now);
		zh_drain(b, now);
		for (int side = 0; side < 2; side++) {
			struct zh_peer *from = side ? b : a, *to = side ? a : b;

			while (zh_take(from, &pk)) {
				enum zh_fate fate = f ? f(arg, from, &pk) : ZH_DELIVER;

				moved = true;
				if (fate == ZH_DROP)
					continue;
				zrtp_input(to->s, now, pk.b, pk.len);
				if (fate == ZH_DUP)
					zrtp_input(to->s, now, pk.b, pk.len);
				zh_drain(to, now);
			}
		}
		if (moved)
			continue;
		/* nothing in flight: advance the clock to the next timer */
		{
			uint64_t ta, tb, next;

			zrtp_poll(a->s, now, &o);
			ta = o.next_timer_ms;
			if (o.kind != ZRTP_OUT_NONE)
				continue;	/* cannot happen: drained */
			zrtp_poll(b->s, now, &o);
			tb = o.next_timer_ms;
			next = ta < tb ? ta : tb;
			if (next == UINT64_MAX || next > until)
				return now;
			now = next > now ? next : now;
		}
	}
	return now;
}

/* Deliver exactly one pending packet from -> to; returns its type. */
static inline enum zrtp_msg_type zh_step(struct zh_peer *from, struct zh_peer *to, uint64_t now)
{
	struct zh_pkt pk;

	zh_drain(from, now);
	if (!zh_take(from, &pk))
		return ZRTP_MSG_INVALID;
	zrtp_input(to->s, now, pk.b, pk.len);
	zh_drain(to, now);
	return zh_type(pk.b, pk.len);
}

static inline int zh_start(struct zh_peer *p, const char *name, const struct zrtp_config *cfg,
			   uint64_t now)
{
	struct zh_peer fresh = { .name = name, .cfg = *cfg };

	*p = fresh;
	p->s = zrtp_session_new(cfg);
	if (!p->s)
		return -1;
	return zrtp_start(p->s, now);
}

static inline void zh_stop(struct zh_peer *p)
{
	zrtp_session_free(p->s);
	p->s = NULL;
}

static inline void zh_config(struct zrtp_config *c, const char *zid, uint32_t ssrc,
			     enum zrtp_role role)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->zid, zid, 12);
	c->client_id = "ksrtp-test";
	c->ssrc = ssrc;
	c->role = role;
}

static inline void zh_prefs(struct zrtp_config *c, uint32_t hash, uint32_t cipher,
			    uint32_t auth, uint32_t ka, uint32_t sas)
{
	uint32_t v[5] = { hash, cipher, auth, ka, sas };

	for (int k = 0; k < 5; k++) {
		c->algs[k][0] = v[k];
		c->nalgs[k] = 1;
	}
}
#endif
