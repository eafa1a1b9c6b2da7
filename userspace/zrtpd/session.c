// SPDX-License-Identifier: GPL-2.0
/*
 * Sessions: one per flow.  A session drives its ZRTP engine with the
 * packets the kernel diverts and the loop's clock, sends what the engine
 * produces through ZRTP_XMIT, and on SECURE installs the SRTP keys and
 * switches the flow to SECURE mode, in that order, so that the first RTP
 * packet after the switch already leaves protected (RFC 6189 §4.6: the
 * responder may send SRTP after Confirm2, the initiator after Conf2ACK;
 * our kernel holds the RX key before either can arrive).
 *
 * Fail closed.  A session is shown "secure" only when its kernel flow takes
 * no clear RTP any more: SECURE mode, keys both ways, RX_TRIAL cleared.
 * Between the keys going in and that moment it is "switching".  The
 * kernel clears RX_TRIAL itself when the peer's first SRTP authenticates
 * and says so (KSRTP_CMD_FLOW_SECURED, API 3); a kernel without the event
 * is asked (STATS_GET: the flow's policy and its SRTP counter) while a
 * session switches.  The first SRTP from the responder also stands for a
 * lost Conf2ACK (§4.6: zrtp_srtp_received()).  A handshake that fails
 * after the keys went in takes them out again, and a key installation
 * that fails lets neither Confirm2 nor Conf2ACK leave.
 *
 * A session covers its stream's RTCP: on its own ports (port+1 by
 * default) a second kernel flow with the same keys, switched and made
 * strict with the RTP flow, never a ZRTP session of its own.  A new ZRTP
 * session from the peer on the same ports (a redial) runs beside a secure
 * call, whose old keys serve until the new ones are in the other key slot
 * (KEY_SWAP); a Hello alone, unauthenticated, never ends a call.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/rand.h>

#include <linux/ksrtp.h>

#include "zrtpd.h"
#include "zrtp_wire.h"	/* the engine's strict packet parser, for the watch gate */
#include "util.h"

static unsigned int id_bucket(const struct zrtpd *d, uint32_t id)
{
	return (id * 2654435761u) & (d->nbuckets - 1);
}

static unsigned int tuple_bucket(const struct zrtpd *d, const struct ksrtp_sockaddr *l,
				 const struct ksrtp_sockaddr *r)
{
	return (zrtpd_sa_hash(l) * 31 + zrtpd_sa_hash(r)) & (d->nbuckets - 1);
}

struct zrtpd_session *zrtpd_session_by_id(struct zrtpd *d, uint32_t id)
{
	struct zrtpd_session *s;

	for (s = d->by_id[id_bucket(d, id)]; s; s = s->next_id)
		if (s->flow.id == id)
			return s;
	return NULL;
}

struct zrtpd_session *zrtpd_session_by_tuple(struct zrtpd *d, const struct ksrtp_sockaddr *l,
					     const struct ksrtp_sockaddr *r)
{
	struct zrtpd_session *s;

	for (s = d->by_tuple[tuple_bucket(d, l, r)]; s; s = s->next_tuple)
		if (zrtpd_sa_equal(&s->flow.local, l) && zrtpd_sa_equal(&s->flow.remote, r))
			return s;
	return NULL;
}

struct zrtpd_session *zrtpd_session_by_rtcp(struct zrtpd *d, const struct ksrtp_sockaddr *l,
					    const struct ksrtp_sockaddr *r)
{
	struct zrtpd_session *s;

	for (s = d->by_rtcp[tuple_bucket(d, l, r)]; s; s = s->next_rtcp)
		if (zrtpd_sa_equal(&s->rtcp.local, l) && zrtpd_sa_equal(&s->rtcp.remote, r))
			return s;
	return NULL;
}

const char *zrtpd_state_str(const struct zrtpd_session *s)
{
	switch (s->state) {
	case ZS_HANDSHAKE:
		return "handshake";
	case ZS_SWITCHING:
		return "switching";
	case ZS_SECURE:
		return "secure";
	case ZS_CLEAR:
		return "clear";
	case ZS_FAILED:
		return "failed";
	}
	return "?";
}

const char *zrtpd_cache_str(enum zrtp_cache_status c)
{
	switch (c) {
	case ZRTP_CACHE_MATCH:
		return "match";
	case ZRTP_CACHE_MISMATCH:
		return "mismatch";
	default:
		return "none";
	}
}

/* KSRTP profile for the engine's SRTP profile name; 0 if ksrtp lacks it. */
static uint16_t profile_id(const char *name)
{
	static const struct {
		const char *name;
		uint16_t id;
	} map[] = {
		{ "AES_CM_128_HMAC_SHA1_80", KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_80 },
		{ "AES_CM_128_HMAC_SHA1_32", KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_32 },
		{ "AES_256_CM_HMAC_SHA1_80", KSRTP_PROFILE_AES_256_CM_HMAC_SHA1_80 },
		{ "AES_256_CM_HMAC_SHA1_32", KSRTP_PROFILE_AES_256_CM_HMAC_SHA1_32 },
	};
	size_t i;

	for (i = 0; name && i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i].name, name))
			return map[i].id;
	return 0;
}

static void link_session(struct zrtpd *d, struct zrtpd_session *s)
{
	unsigned int b = id_bucket(d, s->flow.id), t = tuple_bucket(d, &s->flow.local, &s->flow.remote);

	s->next_id = d->by_id[b];
	d->by_id[b] = s;
	s->next_tuple = d->by_tuple[t];
	d->by_tuple[t] = s;
	if (s->rtcp.id) {
		t = tuple_bucket(d, &s->rtcp.local, &s->rtcp.remote);
		s->next_rtcp = d->by_rtcp[t];
		d->by_rtcp[t] = s;
	}
	d->nsessions++;
}

static void unlink_session(struct zrtpd *d, struct zrtpd_session *s)
{
	struct zrtpd_session **pp;

	for (pp = &d->by_id[id_bucket(d, s->flow.id)]; *pp; pp = &(*pp)->next_id)
		if (*pp == s) {
			*pp = s->next_id;
			break;
		}
	for (pp = &d->by_tuple[tuple_bucket(d, &s->flow.local, &s->flow.remote)]; *pp;
	     pp = &(*pp)->next_tuple)
		if (*pp == s) {
			*pp = s->next_tuple;
			break;
		}
	if (s->rtcp.id)
		for (pp = &d->by_rtcp[tuple_bucket(d, &s->rtcp.local, &s->rtcp.remote)]; *pp;
		     pp = &(*pp)->next_rtcp)
			if (*pp == s) {
				*pp = s->next_rtcp;
				break;
			}
	d->nsessions--;
}

/* The peer answered beyond Hello (or the session left discovery). */
static void set_verified(struct zrtpd *d, struct zrtpd_session *s)
{
	if (!s->unverified)
		return;
	s->unverified = false;
	d->nunverified--;
}

static void free_session(struct zrtpd *d, struct zrtpd_session *s)
{
	s->deadline = UINT64_MAX;
	zrtpd_timer_update(d, s);
	zrtp_session_free(s->z);
	zrtp_session_free(s->z_prev);
	zrtpd_wipe(s, sizeof(*s));
	free(s);
}

/* The engine of the call the session shows (the old one while a new ZRTP
 * session runs beside it: redial). */
static struct zrtp_session *call_engine(const struct zrtpd_session *s)
{
	return s->rekey ? s->z_prev : s->z;
}

/*
 * Multistream (RFC 6189 §4.4.3): a second stream with a peer we already
 * have a secure call with (video next to audio) uses Mult, keyed from that
 * call's ZRTPSess.  The engine asks with the peer's ZID when it negotiates,
 * commits or gets a Mult Commit; it checks what we return (secure, has
 * keys, not Mult itself, same peer ZID) and copies ZRTPSess and the SAS at
 * once.  A session keeps its engine for as long as it exists (freed only
 * by a failure, a restart of the handshake or zrtpd_session_del), so a
 * secure session's engine is always there to be found.
 */
static struct zrtpd_session *master_session(struct zrtpd *d, const uint8_t peer_zid[12])
{
	unsigned int b;

	/*
	 * Not a session being redialled (s->rekey): its engine is the peer's
	 * previous call, which the peer's new Hello says it no longer has.
	 * Offered as a master, our new session would commit Multistream
	 * against the peer's DH Commit, and §4.2 ends that in Error 0x20.
	 */
	for (b = 0; b < d->nbuckets; b++)
		for (struct zrtpd_session *s = d->by_id[b]; s; s = s->next_id)
			if (call_engine(s) && !s->rekey &&
			    (s->state == ZS_SECURE || s->state == ZS_SWITCHING) &&
			    s->have_peer_zid && strcmp(s->ka, "Mult") &&
			    !memcmp(s->peer_zid, peer_zid, 12) && zrtp_is_secure(call_engine(s)))
				return s;
	return NULL;
}

static const struct zrtp_session *find_master(void *arg, const uint8_t peer_zid[12])
{
	struct zrtpd_session *m = master_session(arg, peer_zid);

	return m ? call_engine(m) : NULL;
}

/* A fresh engine for s (first start, peer-hash, a peer restarting its call). */
static int create_engine(struct zrtpd *d, struct zrtpd_session *s, enum zrtp_role role)
{
	struct zrtp_config zc;

	memset(&zc, 0, sizeof(zc));
	memcpy(zc.zid, d->zid, sizeof(zc.zid));
	zc.client_id = d->cfg.client_id;
	if (RAND_bytes((uint8_t *)&zc.ssrc, sizeof(zc.ssrc)) != 1)
		return -EIO;
	zc.role = role;
	memcpy(zc.algs, d->cfg.algs, sizeof(zc.algs));
	memcpy(zc.nalgs, d->cfg.nalgs, sizeof(zc.nalgs));
	zc.cache = d->cache;
	zc.mitm = d->cfg.trusted_mitm;
	zc.pbx_enroll = d->cfg.pbx_enroll;
	zc.peer_hello_hash = s->have_peer_hash ? s->peer_hash : NULL;
	zc.find_master = find_master;
	zc.find_master_arg = d;
	zrtp_session_free(s->z);
	s->z = zrtp_session_new(&zc);
	if (!s->z)
		return -ENOMEM;
	s->role = role;
	s->begun = false;
	zrtp_hello_hash(s->z, s->hello_hash, sizeof(s->hello_hash));
	s->state = ZS_HANDSHAKE;
	return 0;
}

/*
 * Admission: at most cfg.max_handshakes sessions run discovery at once.
 * Every running handshake retransmits Hello every 50-200 ms (RFC 6189 §6,
 * T1) and gives up after 20 tries; thousands started together would spend
 * the loop on retransmissions and time out before their turn.  Waiting
 * sessions hold their engine (so hello-hash works) but send nothing until
 * admitted, in arrival order, or at once when their peer speaks.
 */
static void begun(struct zrtpd *d, struct zrtpd_session *s)
{
	char buf[160];

	s->begun = true;
	if (!s->counted) {
		s->counted = true;
		d->active++;
	}
	s->started_ms = d->now;
	d->stats.started++;
	zrtpd_log(d, 1, "flow %u %s: ZRTP started%s", s->flow.id,
		  zrtpd_flow_str(&s->flow, buf, sizeof(buf)), s->from_watch ? " (watch)" : "");
	zrtpd_ctl_event(d, "started", s, NULL);
	zrtpd_session_pump(d, s);
}

static void begin(struct zrtpd *d, struct zrtpd_session *s)
{
	if (!zrtp_start(s->z, d->now))
		begun(d, s);
}

static void dequeue(struct zrtpd *d, struct zrtpd_session *s)
{
	struct zrtpd_session **pp;

	if (!s->queued)
		return;
	for (pp = &d->q_head; *pp; pp = &(*pp)->next_q)
		if (*pp == s) {
			*pp = s->next_q;
			break;
		}
	if (d->q_tail == s) {
		d->q_tail = NULL;
		for (struct zrtpd_session *t = d->q_head; t; t = t->next_q)
			d->q_tail = t;
	}
	s->next_q = NULL;
	s->queued = false;
	d->nqueued--;
}

static void admit_next(struct zrtpd *d)
{
	if (d->admitting)
		return;
	d->admitting = true;
	while (d->q_head && (!d->cfg.max_handshakes || d->active < d->cfg.max_handshakes)) {
		struct zrtpd_session *s = d->q_head;

		dequeue(d, s);
		begin(d, s);
	}
	d->admitting = false;
}

static void enqueue_or_begin(struct zrtpd *d, struct zrtpd_session *s)
{
	if (!d->cfg.max_handshakes || d->active < d->cfg.max_handshakes) {
		begin(d, s);
		return;
	}
	s->queued = true;
	s->next_q = NULL;
	if (d->q_tail)
		d->q_tail->next_q = s;
	else
		d->q_head = s;
	d->q_tail = s;
	d->nqueued++;
}

/* A session that left discovery frees its slot. */
static void account(struct zrtpd *d, struct zrtpd_session *s)
{
	if (s->counted && s->state != ZS_HANDSHAKE) {
		s->counted = false;
		d->active--;
		admit_next(d);
	}
}

/*
 * Where the stream's RTCP goes (RFC 3550 §11: the next port up unless
 * signalling says otherwise, RFC 3605 a=rtcp; RFC 5761: on the RTP port).
 * false: muxed, no flow of its own.
 */
static bool rtcp_tuple(const struct zrtpd *d, const struct ksrtp_flow_info *f,
		       const struct zrtpd_session_opts *o, struct ksrtp_flow_info *rtcp)
{
	int how = o ? o->rtcp : ZRTPD_RTCP_DEFAULT;

	if (how == ZRTPD_RTCP_DEFAULT)
		how = d->cfg.rtcp_mux ? ZRTPD_RTCP_MUX : ZRTPD_RTCP_PORT1;
	memset(rtcp, 0, sizeof(*rtcp));
	rtcp->local = f->local;
	rtcp->remote = f->remote;
	if (how == ZRTPD_RTCP_MUX)
		return false;
	if (how == ZRTPD_RTCP_PORTS) {
		rtcp->local.port = o->rtcp_lport;
		rtcp->remote.port = o->rtcp_rport;
	} else {
		/* no port+1 above 65535: such a stream can only mux */
		if (f->local.port == 65535 || f->remote.port == 65535)
			return false;
		rtcp->local.port = f->local.port + 1;
		rtcp->remote.port = f->remote.port + 1;
	}
	return true;
}

int zrtpd_session_add(struct zrtpd *d, const struct ksrtp_flow_info *flow,
		      const struct zrtpd_session_opts *o, struct zrtpd_session **out)
{
	struct zrtpd_session *s;
	struct ksrtp_flow_info req = *flow, rtcp;
	bool want_rtcp = false;
	int ret;

	if (zrtpd_session_by_tuple(d, &flow->local, &flow->remote) ||
	    zrtpd_session_by_rtcp(d, &flow->local, &flow->remote))
		return -EEXIST;
	if (!req.id) {
		want_rtcp = rtcp_tuple(d, flow, o, &rtcp);
		if (want_rtcp && (zrtpd_sa_equal(&rtcp.local, &flow->local) &&
				  zrtpd_sa_equal(&rtcp.remote, &flow->remote)))
			want_rtcp = false;	/* "rtcp" naming the RTP ports: muxed */
		if (want_rtcp && (zrtpd_session_by_tuple(d, &rtcp.local, &rtcp.remote) ||
				  zrtpd_session_by_rtcp(d, &rtcp.local, &rtcp.remote))) {
			/* a watch guessed port+1: that 4-tuple is another
			 * call's, so this one muxes (or has no RTCP) */
			if (!o || !o->from_watch)
				return -EADDRINUSE;
			want_rtcp = false;
		}
	}
	if (d->cfg.max_sessions && d->nsessions >= d->cfg.max_sessions)
		return -ENOSPC;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->heap_idx = -1;
	s->deadline = UINT64_MAX;
	s->active_ms = d->now;
	s->from_watch = o && o->from_watch;
	if (o && o->relay_id) {
		s->relay_id = o->relay_id;
		s->relay_other = o->relay_other;
		s->relay_leg = o->relay_leg;
	}
	if (o && o->unverified) {
		s->unverified = true;
		d->nunverified++;
	}
	if (o && o->peer_hash) {
		memcpy(s->peer_hash, o->peer_hash, 32);
		s->have_peer_hash = true;
	}
	if (!req.id) {
		bool req_sec = o && o->have_policy ? o->require_secure :
			       d->cfg.policy == ZRTPD_POLICY_REQUIRE_SECURE;

		req.mode = KSRTP_FLOW_MODE_DIVERT;
		/* RX_TRIAL: the kernel takes the peer's SRTP from the moment the
		 * RX key is in, and its clear RTP until the first SRTP, so the
		 * switch to SRTP loses nothing in either direction (RFC 6189
		 * §4.6 lets the two ends switch one packet trip apart). */
		req.policy = (req_sec ? KSRTP_POLICY_REQUIRE_SECURE : 0) | KSRTP_POLICY_RX_TRIAL;
		ret = d->k->ops->flow_add(d->k, &req, &s->flow);
		if (ret) {
			free(s);
			return ret;
		}
		if (want_rtcp) {
			/* the same mode and policy: clear RTCP passes (or not)
			 * as clear RTP does, until both switch together */
			rtcp.mode = req.mode;
			rtcp.policy = req.policy;
			ret = d->k->ops->flow_add(d->k, &rtcp, &s->rtcp);
			if (ret == -EEXIST && o && o->from_watch) {
				memset(&s->rtcp, 0, sizeof(s->rtcp));	/* as above */
			} else if (ret) {
				d->k->ops->flow_del(d->k, &s->flow);
				free(s);
				return ret == -EEXIST ? -EADDRINUSE : ret;
			}
		}
	} else {
		s->flow = req;
		if (o && o->rtcp_flow)
			s->rtcp = *o->rtcp_flow;
	}
	link_session(d, s);
	ret = create_engine(d, s, o ? o->role : ZRTP_ROLE_AUTO);
	if (ret) {
		zrtpd_session_del(d, s, !flow->id);
		return ret;
	}
	enqueue_or_begin(d, s);
	if (out)
		*out = s;
	return 0;
}

int zrtpd_session_del(struct zrtpd *d, struct zrtpd_session *s, bool del_flow)
{
	int ret = 0;

	if (del_flow) {
		ret = d->k->ops->flow_del(d->k, &s->flow);
		if (s->rtcp.id) {
			int r2 = d->k->ops->flow_del(d->k, &s->rtcp);

			if (!ret || ret == -ENOENT)
				ret = r2;
		}
	}
	zrtpd_ctl_event(d, "removed", s, NULL);
	dequeue(d, s);
	unlink_session(d, s);
	if (s->counted)
		d->active--;
	set_verified(d, s);
	if (s->reap)
		d->nreap--;
	free_session(d, s);
	admit_next(d);
	return ret == -ENOENT ? 0 : ret;
}

void zrtpd_sessions_free(struct zrtpd *d)
{
	unsigned int b;

	if (!d->by_id)
		return;
	for (b = 0; b < d->nbuckets; b++)
		while (d->by_id[b]) {
			struct zrtpd_session *s = d->by_id[b];

			unlink_session(d, s);
			free_session(d, s);
		}
}

static int install_key_on(struct zrtpd *d, uint32_t flow_id, uint8_t dir, uint8_t slot,
			  uint16_t profile, const struct zrtp_srtp_key *k)
{
	struct ksrtp_key_req req;
	int ret;

	memset(&req, 0, sizeof(req));
	req.flow_id = flow_id;
	req.dir = dir;
	req.slot = slot;
	req.profile = profile;
	req.key_len = k->key_len;
	memcpy(req.key, k->key, k->key_len);
	req.salt_len = 14;
	memcpy(req.salt, k->salt, 14);
	/*
	 * A ZRTP session's SRTP master key starts a new cryptographic
	 * context (RFC 3711 §3.2.1: ROC 0), at both ends.  Say so: without
	 * an explicit ROC the kernel carries each SSRC's ROC over from the
	 * direction's current key, which is right for a rekey of the same
	 * context but not for a new call on the same ports.
	 */
	req.has_roc = true;
	req.roc = 0;
	ret = d->k->ops->key_new(d->k, &req);
	zrtpd_wipe(&req, sizeof(req));
	return ret;
}

/*
 * One direction's key on the RTP flow and, if the stream has one, on its
 * RTCP flow: the same master key and salt.  SRTCP is protected under the
 * same cryptographic context as SRTP (RFC 3711 §3.4; RFC 6189 §4.5.3
 * derives one key and salt per direction for both); the kernel derives the
 * SRTCP session keys from it (labels 3-5, §4.3.2) on whichever flow the
 * RTCP travels.
 */
static int install_key(struct zrtpd *d, struct zrtpd_session *s, uint8_t dir, uint8_t slot,
		       uint16_t profile, const struct zrtp_srtp_key *k)
{
	int ret = install_key_on(d, s->flow.id, dir, slot, profile, k);

	if (!ret && s->rtcp.id)
		ret = install_key_on(d, s->rtcp.id, dir, slot, profile, k);
	return ret;
}

/* One slot's keys out of both flows, both directions. */
static void del_slot(struct zrtpd *d, struct zrtpd_session *s, uint8_t slot)
{
	d->k->ops->key_del(d->k, s->flow.id, KSRTP_KEY_DIR_TX, slot);
	d->k->ops->key_del(d->k, s->flow.id, KSRTP_KEY_DIR_RX, slot);
	if (s->rtcp.id) {
		d->k->ops->key_del(d->k, s->rtcp.id, KSRTP_KEY_DIR_TX, slot);
		d->k->ops->key_del(d->k, s->rtcp.id, KSRTP_KEY_DIR_RX, slot);
	}
}

/* KEY_SWAP of one direction on both flows. */
static int swap_dir(struct zrtpd *d, struct zrtpd_session *s, uint8_t dir)
{
	int ret = d->k->ops->key_swap(d->k, s->flow.id, dir);

	if (!ret && s->rtcp.id)
		ret = d->k->ops->key_swap(d->k, s->rtcp.id, dir);
	return ret;
}

/* Takes this session's keys out of the kernel (a failed handshake). */
static void remove_keys(struct zrtpd *d, struct zrtpd_session *s)
{
	struct ksrtp_flow_info set = s->flow;

	if (!s->keys_in)
		return;
	/* back to DIVERT first, then the keys: a SECURE flow without its
	 * keys would refuse the application's sends (EPERM) in between */
	if (s->flow.mode == KSRTP_FLOW_MODE_SECURE) {
		/* the flow's policy decides what clear RTP does */
		set.mode = KSRTP_FLOW_MODE_DIVERT;
		set.policy |= KSRTP_POLICY_RX_TRIAL;
		if (!d->k->ops->flow_set(d->k, &set))
			s->flow = set;
	}
	if (s->rtcp.id && s->rtcp.mode == KSRTP_FLOW_MODE_SECURE) {
		set = s->rtcp;
		set.mode = KSRTP_FLOW_MODE_DIVERT;
		set.policy |= KSRTP_POLICY_RX_TRIAL;
		if (!d->k->ops->flow_set(d->k, &set))
			s->rtcp = set;
	}
	del_slot(d, s, s->slot);
	s->keys_in = false;
	s->armed = false;
}

/* The handshake (or the switch) failed: keys out, state and event. */
static void session_fail(struct zrtpd *d, struct zrtpd_session *s, const char *why)
{
	int level = s->keys_in ? 0 : 1;	/* keys taken back out: the operator must know */

	if (s->rekey) {
		/* the new session failed, not the call */
		s->rekey_fail = true;
		zrtpd_log(d, 1, "flow %u: new ZRTP session: %s", s->flow.id, why);
		return;
	}
	if (s->error_code == ZRTP_ERR_TIMEOUT && !s->zrtp_rx && !s->keys_in) {
		/* discovery gave up and the peer never spoke ZRTP: no ZRTP
		 * endpoint there, the call is clear (opportunistic), not a
		 * failure; one name for it everywhere (list, show, monitor) */
		if (s->state != ZS_CLEAR)
			d->stats.clear++;
		s->state = ZS_CLEAR;
		zrtpd_log(d, 1, "flow %u: clear: no ZRTP from the peer", s->flow.id);
		zrtpd_ctl_event(d, "clear", s, "no ZRTP from the peer");
		return;
	}
	remove_keys(d, s);
	if (s->state != ZS_FAILED)
		d->stats.failed++;
	s->state = ZS_FAILED;
	zrtpd_log(d, level, "flow %u: not secure: %s", s->flow.id, why);
	zrtpd_ctl_event(d, "failed", s, why);
}

/* The kernel takes no clear RTP on the flow any more: show it. */
static void mark_secure(struct zrtpd *d, struct zrtpd_session *s, const char *how)
{
	char buf[160];

	if (s->state == ZS_SECURE)
		return;
	s->state = ZS_SECURE;
	s->secure_ms = d->now;
	s->secure_gen++;
	d->stats.secure++;
	/* the SAS goes to the operator by zrtpctl, not to the log (level 3 only) */
	zrtpd_log(d, 1, "flow %u %s: secure (%s), %s %s%s", s->flow.id,
		  zrtpd_flow_str(&s->flow, buf, sizeof(buf)), how, s->profile, s->ka,
		  s->verified ? ", SAS verified" : "");
	zrtpd_log(d, 3, "flow %u: SAS %s", s->flow.id, s->sas);
	zrtpd_state_save(d, s);
	zrtpd_ctl_event(d, "secure", s, NULL);
}

/*
 * SWITCH_CLEAR_RUN_MS: how long the peer's clear RTP must go on before a
 * switch older than switch-timeout fails.  The peer itself sends clear
 * until it has seen our first SRTP (it polls too): when the media starts
 * late, both sides' first packets cross, and one poll seeing clear RTP
 * must not end a call that is about to be secure.
 */
enum { SWITCH_POLL_MS = 200, SWITCH_POLL_SLOW_MS = 1000, SWITCH_FAST_MS = 3000,
       SWITCH_CLEAR_RUN_MS = 3000 };

static void start_switching(struct zrtpd *d, struct zrtpd_session *s)
{
	if (s->state == ZS_SWITCHING)
		return;
	s->state = ZS_SWITCHING;
	s->switch_ms = d->now;
	s->poll_ms = d->now + SWITCH_POLL_MS;
	s->clear_seen = UINT64_MAX;
	s->clear_run_ms = 0;
	d->stats.keyed++;
	zrtpd_state_save(d, s);
	zrtpd_ctl_event(d, "switching", s, NULL);
}

/*
 * Switching a flow to SECURE turns both directions to SRTP at once, so it
 * must happen when the peer's kernel holds our keys too (RFC 6189 §4.6):
 *
 *   responder: on Confirm2.  The initiator has had the keys since
 *              Confirm1: install both, switch, then Conf2ACK leaves.  The
 *              flow keeps RX_TRIAL (the initiator's clear RTP still comes
 *              until Conf2ACK reaches it): "switching" until the kernel
 *              has authenticated the initiator's first SRTP.
 *   initiator: on Confirm1 install both ("armed", flow still DIVERT, the
 *              responder's SRTP already taken under RX_TRIAL) and switch
 *              on Conf2ACK or the responder's first SRTP
 *              (ZRTP_EV_CONFIRMED).  Either proves the responder sends
 *              SRTP only, so RX_TRIAL goes in the same FLOW_SET.
 */
static int set_secure(struct zrtpd *d, struct zrtpd_session *s, bool strict)
{
	struct ksrtp_flow_info set = s->flow;
	int ret;

	set.mode = KSRTP_FLOW_MODE_SECURE;
	if (strict)
		set.policy &= ~KSRTP_POLICY_RX_TRIAL;
	ret = d->k->ops->flow_set(d->k, &set);
	if (ret) {
		d->stats.key_errors++;
		zrtpd_log(d, 0, "flow %u: switching to SECURE: %s", s->flow.id, strerror(-ret));
		return ret;
	}
	s->armed = false;
	s->flow = set;
	if (s->rtcp.id) {
		/* the RTCP flow switches with it (same keys, same moment) */
		set = s->rtcp;
		set.mode = KSRTP_FLOW_MODE_SECURE;
		if (strict)
			set.policy &= ~KSRTP_POLICY_RX_TRIAL;
		ret = d->k->ops->flow_set(d->k, &set);
		if (ret) {
			d->stats.key_errors++;
			zrtpd_log(d, 0, "flow %u: switching its RTCP flow %u to SECURE: %s",
				  s->flow.id, s->rtcp.id, strerror(-ret));
			return ret;
		}
		s->rtcp = set;
	}
	return 0;
}

/*
 * The RTP flow became strict: the peer's SRTP authenticated, so the peer
 * has switched, its RTCP too.  The RTCP flow stops taking clear RTCP now,
 * not at the peer's first SRTCP (seconds later, RFC 3550 §6.2): a session
 * is secure only when none of its flows takes clear packets.
 */
static int rtcp_strict(struct zrtpd *d, struct zrtpd_session *s)
{
	struct ksrtp_flow_info set = s->rtcp;
	int ret;

	if (!s->rtcp.id || (s->rtcp.mode == KSRTP_FLOW_MODE_SECURE &&
			    !(s->rtcp.policy & KSRTP_POLICY_RX_TRIAL)))
		return 0;
	set.mode = KSRTP_FLOW_MODE_SECURE;
	set.policy &= ~KSRTP_POLICY_RX_TRIAL;
	ret = d->k->ops->flow_set(d->k, &set);
	if (ret) {
		d->stats.key_errors++;
		zrtpd_log(d, 0, "flow %u: making its RTCP flow %u strict: %s", s->flow.id,
			  s->rtcp.id, strerror(-ret));
		return ret;
	}
	s->rtcp = set;
	return 0;
}

/* ---- redial: a new ZRTP session on a secure call ----------------------------- */

/*
 * The new session's keys are in and both directions swapped: the call now
 * runs under them (its new SAS is the one shown).  The old slot goes.
 */
static void rekey_finish(struct zrtpd *d, struct zrtpd_session *s)
{
	char buf[160];

	if (swap_dir(d, s, KSRTP_KEY_DIR_TX)) {
		d->stats.key_errors++;
		zrtpd_log(d, 0, "flow %u: KEY_SWAP (TX) for the new session: %s", s->flow.id,
			  d->k->ops->err_msg(d->k));
	}
	del_slot(d, s, s->slot);
	s->slot = !s->slot;
	zrtp_session_free(s->z_prev);
	s->z_prev = NULL;
	s->rekey = s->rekey_keys = s->rekey_tx = false;
	s->secure_ms = d->now;
	s->secure_gen++;
	s->sas_relay_from = 0;		/* the new call's phone has its own SAS */
	d->stats.secure++;
	zrtpd_log(d, 1, "flow %u %s: secure again under the new ZRTP session, %s %s%s", s->flow.id,
		  zrtpd_flow_str(&s->flow, buf, sizeof(buf)), s->profile, s->ka,
		  s->verified ? ", SAS verified" : "");
	zrtpd_log(d, 3, "flow %u: SAS %s", s->flow.id, s->sas);
	zrtpd_state_save(d, s);
	zrtpd_ctl_event(d, "secure", s, "new ZRTP session (redial)");
}

/*
 * The new session did not end secure (a forged Hello nobody answered, an
 * error, a timeout, keys refused): it is dropped, and the call goes on
 * under its old keys as if it had never started.
 */
static void rekey_abort(struct zrtpd *d, struct zrtpd_session *s, const char *why)
{
	if (s->rekey_keys) {
		swap_dir(d, s, KSRTP_KEY_DIR_RX);	/* back to the old slot */
		del_slot(d, s, !s->slot);
	} else {
		del_slot(d, s, !s->slot);	/* a half install */
	}
	zrtp_session_free(s->z);
	s->z = s->z_prev;
	s->z_prev = NULL;
	s->begun = s->z != NULL;
	s->rekey = s->rekey_keys = s->rekey_tx = s->rekey_fail = false;
	s->hello_mark = false;
	zrtpd_log(d, 0, "flow %u: the new ZRTP session did not end secure (%s): the call keeps "
		  "its keys", s->flow.id, why);
	zrtpd_ctl_event(d, "redial-failed", s, why);
}

/* The new session is secure: its keys go into the other slot. */
static void rekey_keys(struct zrtpd *d, struct zrtpd_session *s, const struct zrtp_event *ev,
		       uint16_t profile)
{
	uint8_t other = !s->slot;
	int ret = -EPROTONOSUPPORT;

	if (profile)
		ret = install_key(d, s, KSRTP_KEY_DIR_RX, other, profile, &ev->rx);
	if (!ret)
		ret = install_key(d, s, KSRTP_KEY_DIR_TX, other, profile, &ev->tx);
	/* RX tries both slots: the peer's SRTP under either key is taken
	 * from now on; the swap makes the new one the first tried */
	if (!ret)
		ret = swap_dir(d, s, KSRTP_KEY_DIR_RX);
	if (ret) {
		d->stats.key_errors++;
		/* nothing of this batch leaves (no Confirm2/Conf2ACK) */
		s->rekey_fail = true;
		zrtpd_log(d, 0, "flow %u: installing the new session's keys: %s", s->flow.id,
			  strerror(-ret));
		return;
	}
	s->rekey_keys = true;
	if (!ev->tx_ready) {
		s->rekey_tx = true;	/* initiator: TX swaps on Conf2ACK */
		return;
	}
	rekey_finish(d, s);
}

static void on_secure(struct zrtpd *d, struct zrtpd_session *s, const struct zrtp_event *ev)
{
	uint16_t profile = profile_id(ev->srtp_profile);
	char why[400];
	int ret;

	s->initiator = ev->initiator;
	s->verified = ev->sas_verified;
	s->cache = ev->cache;
	memcpy(s->peer_zid, ev->peer_zid, sizeof(s->peer_zid));
	s->have_peer_zid = true;
	memcpy(s->sas, ev->sas, sizeof(s->sas));
	memcpy(s->hash, ev->hash, 5);
	memcpy(s->cipher, ev->cipher, 5);
	memcpy(s->auth, ev->auth, 5);
	memcpy(s->ka, ev->ka, 5);
	memcpy(s->sas_type, ev->sas_type, 5);
	/* wire codes are space-padded ("B32 "); names are not */
	for (char *c = s->sas_type + 3; c > s->sas_type && *c == ' '; c--)
		*c = 0;
	snprintf(s->profile, sizeof(s->profile), "%s", ev->srtp_profile ? ev->srtp_profile : "");
	if (ev->cache_read_failed) {
		/* the engine calls it a mismatch: the SAS must be compared */
		snprintf(why, sizeof(why), "cannot read the retained-secret cache (%s): "
			 "shown as a cache mismatch, compare the SAS",
			 d->cache ? zrtp_cache_errmsg(d->cache) : "no cache");
		zrtpd_log(d, 0, "flow %u: warning: %s", s->flow.id, why);
		zrtpd_ctl_event(d, "cache-error", s, why);
	}
	if (ev->cache_write_failed) {
		snprintf(why, sizeof(why), "storing the retained secret failed (%s): "
			 "the next call with this peer may show a cache mismatch",
			 d->cache ? zrtp_cache_errmsg(d->cache) : "no cache");
		zrtpd_log(d, 0, "flow %u: %s", s->flow.id, why);
		zrtpd_ctl_event(d, "cache-error", s, why);
	}
	if (s->rekey) {
		rekey_keys(d, s, ev, profile);
		return;
	}
	ret = -EPROTONOSUPPORT;
	if (!profile)
		goto fail;
	s->keys_in = true;	/* from the first attempt: a half install is undone too */
	ret = install_key(d, s, KSRTP_KEY_DIR_RX, s->slot, profile, &ev->rx);
	if (!ret)
		ret = install_key(d, s, KSRTP_KEY_DIR_TX, s->slot, profile, &ev->tx);
	if (ret)
		goto fail;
	if (!ev->tx_ready) {
		s->armed = true;	/* initiator: switch on Conf2ACK or first SRTP */
		start_switching(d, s);
		return;
	}
	ret = set_secure(d, s, false);
	if (ret)
		goto fail;
	start_switching(d, s);
	return;
fail:
	d->stats.key_errors++;
	/* nothing of this batch leaves: no Confirm2 or Conf2ACK may tell the
	 * peer to send SRTP our kernel cannot take */
	s->abort = true;
	snprintf(why, sizeof(why), "installing keys (%s): %s%s%s", s->profile, strerror(-ret),
		 d->k->ops->err_msg(d->k)[0] ? ": " : "", d->k->ops->err_msg(d->k));
	session_fail(d, s, why);
}

static void on_event(struct zrtpd *d, struct zrtpd_session *s, const struct zrtp_event *ev)
{
	char detail[64];

	switch (ev->type) {
	case ZRTP_EV_SECURE:
		on_secure(d, s, ev);
		break;
	case ZRTP_EV_CONFIRMED:
		if (s->rekey_tx) {
			rekey_finish(d, s);
			break;
		}
		if (s->armed) {
			if (set_secure(d, s, true))
				session_fail(d, s, "the kernel refused to switch the flow to SECURE");
			else
				mark_secure(d, s, "Conf2ACK or the peer's first SRTP");
		}
		break;
	case ZRTP_EV_CACHE_MISMATCH:
		s->cache = ZRTP_CACHE_MISMATCH;
		zrtpd_ctl_event(d, "cache-mismatch", s, "retained secret did not match: verify the SAS");
		break;
	case ZRTP_EV_ERROR:
		/* an error before SECURE ends the handshake and takes its keys
		 * out; policy decides what RTP does (REQUIRE_SECURE) */
		snprintf(detail, sizeof(detail), "error 0x%x (%s)", ev->error_code,
			 ev->error_sent ? "ours" : "peer's");
		if (s->rekey) {
			zrtpd_log(d, 1, "flow %u: new ZRTP session: %s", s->flow.id, detail);
			s->rekey_fail = true;
			break;
		}
		if (s->armed && ev->error_code == ZRTP_ERR_TIMEOUT && ev->error_sent) {
			/* Confirm2 never acknowledged, but the keys are agreed
			 * (Confirm1 authenticated) and the responder switched
			 * on our Confirm2 if one arrived: its SRTP may simply
			 * not have started yet (RFC 6189 §4.6).  Keys stay in,
			 * the flow stays DIVERT with RX_TRIAL ("switching", not
			 * secure); check_switch decides: the responder's SRTP
			 * authenticates (secure) or its clear RTP goes on long
			 * after (failed, keys out).  Giving up here left a
			 * switched responder sending SRTP that our keyless
			 * flow passed on as clear. */
			s->confirm_lost = true;
			zrtpd_log(d, 1, "flow %u: our Confirm2 was never acknowledged: keys kept, "
				  "waiting for the peer's first SRTP", s->flow.id);
			break;
		}
		s->error_code = ev->error_code;
		if (s->state != ZS_SECURE) {
			session_fail(d, s, detail);
		} else {
			zrtpd_log(d, 1, "flow %u: %s", s->flow.id, detail);
			zrtpd_ctl_event(d, "error", s, detail);
		}
		break;
	case ZRTP_EV_GOCLEAR:
	case ZRTP_EV_CLEAR:
		if (s->rekey) {
			s->rekey_fail = true;	/* never a way to clear a secure call */
			break;
		}
		s->state = ZS_CLEAR;
		d->stats.clear++;
		zrtpd_ctl_event(d, "clear", s, NULL);
		break;
	case ZRTP_EV_SAS_RELAYED:
		/* the far leg's SAS (§7.3): nobody has compared this one yet */
		memcpy(s->sas, ev->sas, sizeof(s->sas));
		s->verified = false;
		zrtpd_state_save(d, s);
		zrtpd_ctl_event(d, "sas-relayed", s, NULL);
		break;
	case ZRTP_EV_RELAY_REJECTED:
		zrtpd_log(d, 0, "flow %u: %s: refused", s->flow.id, ev->reason);
		zrtpd_ctl_event(d, "relay-rejected", s, ev->reason);
		break;
	case ZRTP_EV_RELAY_UNACKED:
		zrtpd_log(d, 1, "flow %u: our SASrelay was never acknowledged (the phone does "
			  "not take relays): its own SAS stands", s->flow.id);
		s->sas_relay_unacked = true;
		zrtpd_ctl_event(d, "relay-unacked", s, NULL);
		break;
	case ZRTP_EV_ENROLLED:
		zrtpd_log(d, 1, "flow %u: enrolled with this PBX (trusted MiTM, RFC 6189 §7.3.1)",
			  s->flow.id);
		zrtpd_ctl_event(d, "enrolled", s, NULL);
		break;
	case ZRTP_EV_HELLO_HASH_MISMATCH:
		zrtpd_log(d, 0, "flow %u: a Hello did not match a=zrtp-hash: discarded "
			  "(a man in the middle, or signalling out of date)", s->flow.id);
		zrtpd_ctl_event(d, "hello-hash-mismatch", s,
				"a Hello did not match the signalled a=zrtp-hash: discarded");
		break;
	default:
		break;
	}
}

/*
 * A session switching: has the kernel seen the peer's SRTP?  On an armed
 * initiator (flow DIVERT, RX_TRIAL) an SRTP packet that authenticated shows
 * in RX_PACKETS and stands for Conf2ACK; on a SECURE flow the kernel has
 * cleared RX_TRIAL.  A peer that goes on sending clear RTP long after the
 * switch never switched (killed, or it never got our Confirm2 or Conf2ACK
 * and gave up): the session fails and its keys go, so the call is visibly
 * clear.  An armed initiator is judged so only once its engine has given
 * up on Conf2ACK (before, the engine's T2 decides).
 */
static void check_switch(struct zrtpd *d, struct zrtpd_session *s)
{
	struct ksrtp_flow_stats st;
	uint64_t clear;

	s->poll_ms = d->now + (d->now - s->switch_ms < SWITCH_FAST_MS ? SWITCH_POLL_MS :
			       SWITCH_POLL_SLOW_MS);
	if (d->k->ops->stats_get(d->k, &s->flow, &st))
		return;
	if (s->armed && st.c[KSRTP_A_STATS_RX_PACKETS]) {
		if (s->z) {
			zrtp_srtp_received(s->z, d->now);	/* CONFIRMED follows */
			return;
		}
		if (set_secure(d, s, true))
			session_fail(d, s, "the kernel refused to switch the flow to SECURE");
		else
			mark_secure(d, s, "the peer's first SRTP");
		return;
	}
	if (s->armed && s->z)
		return;	/* the engine's Confirm2 retransmissions still run */
	if (st.flow.mode == KSRTP_FLOW_MODE_SECURE && !(st.flow.policy & KSRTP_POLICY_RX_TRIAL)) {
		s->flow.policy = st.flow.policy;
		if (rtcp_strict(d, s))
			session_fail(d, s, "the kernel refused to make the RTCP flow strict");
		else
			mark_secure(d, s, "the peer's first SRTP");
		return;
	}
	clear = st.c[KSRTP_A_STATS_CLEAR_PASSED] + st.c[KSRTP_A_STATS_CLEAR_DROPPED];
	if (s->clear_seen == UINT64_MAX || clear <= s->clear_seen)
		s->clear_run_ms = 0;
	else if (!s->clear_run_ms)
		s->clear_run_ms = d->now;
	s->clear_seen = clear;
	if (s->clear_run_ms && d->now - s->clear_run_ms >= SWITCH_CLEAR_RUN_MS &&
	    d->now - s->switch_ms >= (uint64_t)d->cfg.switch_timeout * 1000)
		session_fail(d, s, "the peer still sends clear RTP long after the switch: "
			     "it never turned SRTP on");
}

/*
 * Drains the engine: events are acted on at once, packets are sent after
 * the batch, so keys reach the kernel before the message that lets the
 * peer start SRTP (Confirm2, Conf2ACK) leaves.
 */
void zrtpd_session_pump(struct zrtpd *d, struct zrtpd_session *s)
{
	struct zrtp_output *out = &d->out;
	unsigned int ntx = 0, i;
	uint64_t next = UINT64_MAX;
	int ret, n;

	if (s->state == ZS_SWITCHING && d->now >= s->poll_ms)
		check_switch(d, s);
	if (s->z && s->begun) {
		/* bounded: the engine's queue holds at most a few dozen outputs */
		for (n = 0; n < 64 && !s->abort && !s->rekey_fail; n++) {
			int kind = zrtp_poll(s->z, d->now, out);

			if (kind == ZRTP_OUT_NONE)
				break;
			if (kind == ZRTP_OUT_PACKET) {
				if (ntx < ZRTPD_TXQ) {
					memcpy(d->txq[ntx].b, out->pkt, out->len);
					d->txq[ntx++].len = out->len;
				}
			} else {
				on_event(d, s, &out->ev);
				zrtpd_wipe(&out->ev, sizeof(out->ev));
			}
		}
		next = out->next_timer_ms;
		if (s->rekey && !s->rekey_fail && d->cfg.handshake_timeout &&
		    d->now >= s->rekey_ms + (uint64_t)d->cfg.handshake_timeout * 1000) {
			s->rekey_fail = true;
			zrtpd_log(d, 1, "flow %u: the new ZRTP session timed out", s->flow.id);
		}
		if (s->rekey_fail) {
			ntx = 0;
			rekey_abort(d, s, "no secure end");
			s->abort = false;
			next = UINT64_MAX;
		} else if (s->confirm_lost) {
			/* the engine gave up on Conf2ACK; the keys stay armed
			 * and check_switch watches the media (as after a
			 * restart: no engine) */
			zrtp_session_free(s->z);
			s->z = NULL;
			s->begun = false;
			s->confirm_lost = false;
			next = UINT64_MAX;
		} else if (s->abort) {
			/* the keys did not go in: the engine (and its Confirm2
			 * or Conf2ACK, and their retransmissions) is dropped */
			ntx = 0;
			zrtp_session_free(s->z);
			s->z = NULL;
			s->begun = false;
			s->abort = false;
			next = UINT64_MAX;
		}
		for (i = 0; i < ntx; i++) {
			/* an unverified peer (perhaps a spoofed source) gets at
			 * most two packets per packet it sent (HelloACK and our
			 * Hello): no T1 retransmissions towards a victim */
			if (s->unverified && s->zrtp_tx >= 2 * s->zrtp_rx) {
				d->stats.budget_drops++;
				continue;
			}
			if (d->cfg.test_drop[0] && d->txq[i].len >= 24 &&
			    !memcmp(d->txq[i].b + 16, d->cfg.test_drop, 8)) {
				s->zrtp_tx++;	/* "sent", and lost on the way */
				continue;
			}
			ret = d->k->ops->zrtp_xmit(d->k, &s->flow, d->txq[i].b, d->txq[i].len);
			if (ret)
				zrtpd_log(d, 2, "flow %u: ZRTP_XMIT: %s", s->flow.id, strerror(-ret));
			else
				s->zrtp_tx++, d->stats.zrtp_tx++;
		}
	}
	/* every handshake has a deadline, whatever the engine's timers */
	if (s->state == ZS_HANDSHAKE && s->begun && d->cfg.handshake_timeout) {
		uint64_t end = s->started_ms + (uint64_t)d->cfg.handshake_timeout * 1000;

		if (d->now >= end) {
			zrtp_session_free(s->z);
			s->z = NULL;
			s->begun = false;
			s->error_code = ZRTP_ERR_TIMEOUT;
			session_fail(d, s, "handshake-timeout: the handshake did not end in time");
			next = UINT64_MAX;
		} else if (end < next) {
			next = end;
		}
	}
	if (s->state == ZS_SWITCHING && s->poll_ms < next)
		next = s->poll_ms;
	if (s->rekey && d->cfg.handshake_timeout &&
	    s->rekey_ms + (uint64_t)d->cfg.handshake_timeout * 1000 < next)
		next = s->rekey_ms + (uint64_t)d->cfg.handshake_timeout * 1000;
	s->deadline = next;
	zrtpd_timer_update(d, s);
	/* a watch session whose peer never got past Hello and that ended
	 * without keys goes at once (flow too): a flood leaves nothing */
	if (s->from_watch && s->unverified && !s->keys_in && !s->reap &&
	    (s->state == ZS_FAILED || s->state == ZS_CLEAR)) {
		s->reap = true;
		d->nreap++;
	}
	account(d, s);
	if (s->relay_id && s->state == ZS_SECURE && d->cfg.trusted_mitm)
		zrtpd_relay_auto(d, s);
}

/* ZRTP header (12 bytes), preamble and length (4), then the type block. */
static bool is_hello(const uint8_t *pkt, size_t len)
{
	return len >= 24 && !memcmp(pkt + 16, "Hello   ", 8);
}

/*
 * A token bucket on the DH work watch sessions cost (a key pair and a
 * shared secret each).  A HelloACK makes our engine Commit, a Commit makes
 * it answer DHPart1: both are one forged packet away for a spoofer, so a
 * watch session enters key agreement only with a token (max-dh-per-second,
 * burst of one second).  Without one its packet is dropped; the peer
 * retransmits (Commit on T2, RFC 6189 §6).
 */
static bool dh_token(struct zrtpd *d)
{
	uint64_t cap = (uint64_t)d->cfg.max_dh_rate * 1000;

	if (!d->cfg.max_dh_rate)
		return true;
	if (!d->dh_refill_ms) {
		d->dh_refill_ms = d->now;
		d->dh_tokens_milli = cap;
	}
	d->dh_tokens_milli += (d->now - d->dh_refill_ms) * d->cfg.max_dh_rate;
	d->dh_refill_ms = d->now;
	if (d->dh_tokens_milli > cap)
		d->dh_tokens_milli = cap;
	if (d->dh_tokens_milli < 1000)
		return false;
	d->dh_tokens_milli -= 1000;
	return true;
}

enum { REDIAL_QUIET_MS = 1000, REDIAL_MARK_STALE_MS = 5000 };

/*
 * Is the call live?  A peer that started a new call on these ports (a
 * redial) sends no SRTP under the old keys; a forged Hello from the path
 * comes while the real peer's SRTP still authenticates.  1: the call's
 * SRTP moved since the first new Hello (ignore it); 0: quiet for
 * REDIAL_QUIET_MS (take it); -1: not yet known (the peer retransmits its
 * Hello on T1, RFC 6189 §6: the next one decides).
 */
static int call_live(struct zrtpd *d, struct zrtpd_session *s)
{
	struct ksrtp_flow_stats st;
	uint64_t rx = 0;

	if (!d->k->ops->stats_get(d->k, &s->flow, &st))
		rx += st.c[KSRTP_A_STATS_RX_PACKETS];
	if (s->rtcp.id && !d->k->ops->stats_get(d->k, &s->rtcp, &st))
		rx += st.c[KSRTP_A_STATS_RX_PACKETS];
	if (!s->hello_mark || d->now - s->hello_mark_ms > REDIAL_MARK_STALE_MS) {
		s->hello_mark = true;
		s->hello_mark_rx = rx;
		s->hello_mark_ms = d->now;
		return -1;
	}
	if (rx != s->hello_mark_rx) {
		s->hello_mark_rx = rx;
		s->hello_mark_ms = d->now;
		return 1;
	}
	return d->now - s->hello_mark_ms >= REDIAL_QUIET_MS ? 0 : -1;
}

/*
 * A Hello on a session that has (had) a call.  Returns true when the
 * packet is consumed here (ignored), false when it goes to s->z, which may
 * be a new engine: a new ZRTP session (RFC 6189 §4.1: a new Hello, a new
 * hash chain H3 or another ZID) after a failed one starts at once; on a
 * secure call it runs beside the call's keys (redial) if the call is no
 * longer live, and is ignored while it is.
 */
static bool hello_on_call(struct zrtpd *d, struct zrtpd_session *s, const uint8_t *pkt, size_t len)
{
	static struct zrtp_packet p;	/* large; the loop is single-threaded */
	bool same;
	char buf[160];
	int live;

	if (s->rekey || zrtp_packet_parse(pkt, len, &p) || p.m.type != ZRTP_MSG_HELLO)
		return false;
	same = s->have_peer_h3 && !memcmp(s->peer_h3, p.m.hello.h3, 32) &&
	       (!s->have_peer_zid || !memcmp(s->peer_zid, p.m.hello.zid, 12));
	switch (s->state) {
	case ZS_HANDSHAKE:
		/* the Hello of this call (the engine checks it) */
		memcpy(s->peer_h3, p.m.hello.h3, 32);
		s->have_peer_h3 = true;
		return false;
	case ZS_FAILED:
		if (same && s->z)
			return false;	/* the failed call's own Hello */
		d->stats.redials++;
		s->redials++;
		zrtpd_log(d, 1, "flow %u %s: a new ZRTP session from the peer after a failed one",
			  s->flow.id, zrtpd_flow_str(&s->flow, buf, sizeof(buf)));
		zrtpd_ctl_event(d, "redial", s, "a new Hello after the session failed");
		if (create_engine(d, s, s->role))
			return true;
		s->error_code = 0;
		memcpy(s->peer_h3, p.m.hello.h3, 32);
		s->have_peer_h3 = true;
		begin(d, s);
		return false;
	case ZS_SECURE:
		if (same)
			return false;
		live = call_live(d, s);
		if (live) {
			if (live > 0)
				d->stats.hellos_ignored++;
			/* one log line and event per 5 s at most: a forger sends
			 * as many Hellos as it likes */
			if (live > 0 && (!s->hello_event_ms ||
					 d->now - s->hello_event_ms >= REDIAL_MARK_STALE_MS)) {
				s->hello_event_ms = d->now;
				zrtpd_log(d, 1, "flow %u: a Hello of another ZRTP session while this "
					  "call's SRTP authenticates: ignored", s->flow.id);
				zrtpd_ctl_event(d, "hello-ignored", s, "a new Hello while the call's "
						"SRTP authenticates (forged, or a stale peer)");
			}
			return true;
		}
		d->stats.redials++;
		s->redials++;
		zrtpd_log(d, 1, "flow %u %s: a new ZRTP session from the peer (%s): handshake, the "
			  "call keeps its keys until the new ones are in", s->flow.id,
			  zrtpd_flow_str(&s->flow, buf, sizeof(buf)),
			  s->have_peer_zid && memcmp(s->peer_zid, p.m.hello.zid, 12) ?
			  "another ZID" : "a new hash chain");
		s->z_prev = s->z;
		s->z = NULL;
		if (create_engine(d, s, ZRTP_ROLE_AUTO)) {
			s->z = s->z_prev;
			s->z_prev = NULL;
			s->state = ZS_SECURE;
			return true;
		}
		s->state = ZS_SECURE;	/* the call is, until the new session is */
		s->rekey = true;
		s->rekey_ms = d->now;
		s->hello_mark = false;
		memcpy(s->peer_h3, p.m.hello.h3, 32);
		s->have_peer_h3 = true;
		zrtpd_ctl_event(d, "redial", s, "a new Hello on a secure call");
		begin(d, s);
		return false;
	default:
		return false;
	}
}

void zrtpd_session_input(struct zrtpd *d, struct zrtpd_session *s, const uint8_t *pkt, size_t len)
{
	if (s->from_watch && !s->dh_paid && s->state == ZS_HANDSHAKE && len >= 24 &&
	    (!memcmp(pkt + 16, "HelloACK", 8) || !memcmp(pkt + 16, "Commit  ", 8))) {
		if (!dh_token(d)) {
			d->stats.dh_deferred++;
			return;
		}
		s->dh_paid = true;
		d->stats.dh_admitted++;
	}
	s->zrtp_rx++;
	d->stats.zrtp_rx++;
	/* a peer in key agreement (Commit, DHPart, Confirm...) talks to us;
	 * Hello and HelloACK cost a spoofer nothing and prove nothing */
	if (s->unverified && len >= 24 && memcmp(pkt + 16, "Hello   ", 8) &&
	    memcmp(pkt + 16, "HelloACK", 8))
		set_verified(d, s);
	if (is_hello(pkt, len) && hello_on_call(d, s, pkt, len))
		return;
	if (!s->z) {
		/* resumed after a restart: the peer has started over (a new
		 * Hello) only if its call restarted; answer with a fresh engine */
		/* a resumed session has no engine, so no keys to check a
		 * retransmitted Confirm2 with; the initiator does not need
		 * our Conf2ACK: our first SRTP stands for it (§4.6) */
		if (s->state == ZS_SECURE || s->state == ZS_SWITCHING || !is_hello(pkt, len))
			return;
		if (create_engine(d, s, ZRTP_ROLE_AUTO))
			return;
		begin(d, s);
	} else if (s->state == ZS_CLEAR && is_hello(pkt, len) &&
		   !zrtp_resume_discovery(s->z, d->now)) {
		/* discovery gave up before the peer was there; now it is (a
		 * peer whose media starts late, or a slow host).  The same
		 * engine goes on, with the Hello the peer may have queued: a
		 * fresh one would be a different hash chain, and a peer that
		 * kept our first Hello would drop its Commit (§4.1, §9). */
		zrtpd_log(d, 1, "flow %u: the peer's Hello after discovery gave up: ZRTP again",
			  s->flow.id);
		s->state = ZS_HANDSHAKE;
		d->stats.clear--;
		begun(d, s);
	} else if (s->queued && !s->unverified) {
		/* the peer is already talking: admit now, whatever the limit
		 * (not a watch session's unverified source: it waits) */
		dequeue(d, s);
		begin(d, s);
	}
	if (zrtp_input(s->z, d->now, pkt, len) < 0)
		zrtpd_log(d, 2, "flow %u: malformed ZRTP packet (%zu bytes) ignored", s->flow.id, len);
	zrtpd_session_pump(d, s);
}

int zrtpd_session_relay_sas(struct zrtpd *d, struct zrtpd_session *from,
			    struct zrtpd_session *to)
{
	uint8_t h[32];
	uint32_t scheme;
	int ret;

	if (!d->cfg.trusted_mitm)
		return -EPERM;
	if (from == to || from->state != ZS_SECURE || to->state != ZS_SECURE ||
	    !call_engine(from) || !call_engine(to) ||
	    zrtp_get_sashash(call_engine(from), h, &scheme))
		return -EAGAIN;
	if (!zrtp_peer_enrolled(call_engine(to))) {
		zrtpd_wipe(h, sizeof(h));
		return -EACCES;
	}
	ret = zrtp_send_sasrelay(call_engine(to), d->now, h, scheme);
	zrtpd_wipe(h, sizeof(h));
	if (ret)
		return -EAGAIN;
	zrtpd_log(d, 1, "flow %u: relaying the SAS of flow %u (%s) to its phone", to->flow.id,
		  from->flow.id, from->sas);
	to->sas_relay_from = from->flow.id;
	to->sas_relay_unacked = false;
	zrtpd_ctl_event(d, "sas-relay-sent", to, NULL);
	zrtpd_session_pump(d, to);
	return 0;
}

int zrtpd_session_enrolled(const struct zrtpd_session *s)
{
	if (!call_engine(s))
		return -ENOENT;
	return zrtp_peer_enrolled(call_engine(s));
}

int zrtpd_session_verify(struct zrtpd *d, struct zrtpd_session *s, bool v)
{
	int ret;

	if (s->state != ZS_SECURE || !s->have_peer_zid)
		return -EAGAIN;
	/* After a cache mismatch the cache still holds the old secret; the
	 * engine stores this call's new rs1 only when its SAS is verified
	 * while the session lives (§4.6.1.1).  A resumed session (zrtpd
	 * restarted) lost that secret: setting V now would mark the old,
	 * unmatched one verified.  Refused: verify on the next call. */
	if (!call_engine(s) && v && s->cache == ZRTP_CACHE_MISMATCH)
		return -ESTALE;
	if (!strcmp(s->ka, "Mult")) {
		/* a Multistream session has its master's SAS and no retained
		 * secret of its own: the verification is the master's (which
		 * stores its rs1 after a mismatch) */
		struct zrtpd_session *m = master_session(d, s->peer_zid);

		if (!m)
			return -ESTALE;
		ret = zrtpd_session_verify(d, m, v);
		if (ret)
			return ret;
		s->verified = v;
		zrtpd_state_save(d, s);
		zrtpd_ctl_event(d, v ? "verified" : "unverified", s, NULL);
		return 0;
	}
	if (call_engine(s)) {
		ret = zrtp_set_sas_verified(call_engine(s), v);
		zrtpd_session_pump(d, s);	/* a PBX enrollment it stored */
	} else if (d->cache)
		ret = zrtp_cache_set_verified(d->cache, s->peer_zid, v);
	else
		ret = -1;
	if (ret)
		return -EIO;
	s->verified = v;
	zrtpd_state_save(d, s);
	zrtpd_ctl_event(d, v ? "verified" : "unverified", s, NULL);
	return 0;
}

/*
 * a=zrtp-hash from signalling.  The engine takes it at creation, so a
 * session that has not heard the peer yet is restarted with it (its own
 * Hello, and so its hello-hash, changes); later it is too late.
 */
int zrtpd_session_set_peer_hash(struct zrtpd *d, struct zrtpd_session *s, const uint8_t h[32])
{
	if (s->state != ZS_HANDSHAKE || s->zrtp_rx)
		return -EBUSY;
	bool was_begun = s->begun;

	memcpy(s->peer_hash, h, 32);
	s->have_peer_hash = true;
	if (create_engine(d, s, s->role))
		return -ENOMEM;
	if (was_begun) {
		d->stats.started--;
		begin(d, s);
	}
	return 0;
}

/* ---- kernel notifications -------------------------------------------------- */

/* Watch sessions of this remote address (bounded per source). */
static unsigned int sessions_of_source(struct zrtpd *d, const struct ksrtp_sockaddr *r)
{
	unsigned int b, n = 0;

	for (b = 0; b < d->nbuckets; b++)
		for (struct zrtpd_session *s = d->by_id[b]; s; s = s->next_id)
			if (s->from_watch && s->flow.remote.family == r->family &&
			    !memcmp(&s->flow.remote.addr, &r->addr, sizeof(r->addr)))
				n++;
	return n;
}

/*
 * An unknown 4-tuple on a watched port.  Anyone can send a datagram with a
 * forged source, so creating a session (a kernel flow, an engine, Hellos
 * sent back) is bounded: only a Hello that parses with a good CRC may
 * create one (or our own application's RTP, kind RTP_OUT), within
 * max-sessions in total, max-sessions-per-source per remote address and
 * max-unverified watch sessions whose peer has sent nothing but Hello.
 */
static void on_unknown_tuple(struct zrtpd *d, const zrtpd_kevent *ev, bool hello_ok)
{
	struct zrtpd_session_opts o = { .from_watch = true, .unverified = hello_ok };
	struct ksrtp_flow_info f = ev->flow;
	struct zrtpd_session *s;
	const char *why = NULL;
	char buf[160];
	int ret;

	f.id = 0;
	/* a session's own RTCP ports are never a session of their own */
	if (zrtpd_session_by_tuple(d, &f.local, &f.remote) ||
	    zrtpd_session_by_rtcp(d, &f.local, &f.remote))
		return;
	if (d->cfg.max_sessions && d->nsessions >= d->cfg.max_sessions)
		why = "max-sessions";
	else if (hello_ok && d->cfg.max_unverified && d->nunverified >= d->cfg.max_unverified)
		why = "max-unverified";
	else if (d->cfg.max_per_source &&
		 sessions_of_source(d, &f.remote) >= d->cfg.max_per_source)
		why = "max-sessions-per-source";
	if (why) {
		if (!d->stats.refused++ || !(d->stats.refused & 1023))
			zrtpd_log(d, 0, "watch: flow %s refused (%s reached; %llu refused so far)",
				  zrtpd_flow_str(&f, buf, sizeof(buf)), why,
				  (unsigned long long)d->stats.refused);
		return;
	}
	ret = zrtpd_session_add(d, &f, &o, &s);
	if (ret)
		zrtpd_log(d, 0, "watch: flow %s: %s", zrtpd_flow_str(&f, buf, sizeof(buf)),
			  strerror(-ret));
}

/* A whole, valid Hello (CRC, length, fields): the only ZRTP that may
 * create a watch session. */
static bool valid_hello(struct zrtpd *d, const uint8_t *pkt, size_t len)
{
	static struct zrtp_packet p;	/* large; the loop is single-threaded */

	return !zrtp_packet_parse(pkt, len, &p) && p.m.type == ZRTP_MSG_HELLO;
}

/* Sessions marked reap (watch, never verified, ended without keys) go. */
void zrtpd_sessions_reap(struct zrtpd *d)
{
	unsigned int b;

	for (b = 0; b < d->nbuckets && d->nreap; b++) {
		struct zrtpd_session *s = d->by_id[b], *next;

		for (; s; s = next) {
			next = s->next_id;
			if (s->reap)
				zrtpd_session_del(d, s, true);
		}
	}
}

int zrtpd_kernel_event(const zrtpd_kevent *ev, void *arg)
{
	struct zrtpd *d = arg;
	struct zrtpd_session *s;

	switch (ev->cmd) {
	case KSRTP_CMD_ZRTP_RECV:
		s = ev->flow.id ? zrtpd_session_by_id(d, ev->flow.id) : NULL;
		if (!s)
			s = zrtpd_session_by_tuple(d, &ev->flow.local, &ev->flow.remote);
		if (!s && !ev->flow.id && d->nwatches) {
			/* ZRTP on a watched port from an unknown 4-tuple */
			if (!valid_hello(d, ev->pkt, ev->len)) {
				d->stats.not_hello++;
				return 0;
			}
			on_unknown_tuple(d, ev, true);
			s = zrtpd_session_by_tuple(d, &ev->flow.local, &ev->flow.remote);
		}
		if (!s && zrtpd_session_by_rtcp(d, &ev->flow.local, &ev->flow.remote)) {
			/* ZRTP runs on the RTP flow only (RFC 6189 §4.5.3: its
			 * keys cover the RTCP flow); a peer that runs it on the
			 * RTCP port gets no answer from us */
			zrtpd_log(d, 2, "flow %u: ZRTP on an RTCP flow ignored", ev->flow.id);
			d->stats.zrtp_unknown++;
			return 0;
		}
		if (!s) {
			d->stats.zrtp_unknown++;
			return 0;
		}
		zrtpd_session_input(d, s, ev->pkt, ev->len);
		break;
	case KSRTP_CMD_FLOW_SEEN:
		/* our application's RTP to a new peer starts a session; ZRTP
		 * from one is judged on the ZRTP_RECV that follows (a Hello) */
		if (d->nwatches && ev->kind != KSRTP_EVENT_ZRTP_IN)
			on_unknown_tuple(d, ev, false);
		break;
	case KSRTP_CMD_FLOW_SECURED:
		/* the peer's first SRTP authenticated; RX_TRIAL is gone */
		s = zrtpd_session_by_id(d, ev->flow.id);
		if (!s) {
			/* an RTCP flow: its RX_TRIAL is gone too */
			s = zrtpd_session_by_rtcp(d, &ev->flow.local, &ev->flow.remote);
			if (s && s->rtcp.id == ev->flow.id) {
				s->rtcp.mode = ev->flow.mode;
				s->rtcp.policy = ev->flow.policy;
			}
			break;
		}
		if (s->state == ZS_SWITCHING && !s->armed &&
		    ev->flow.mode == KSRTP_FLOW_MODE_SECURE) {
			s->flow.policy = ev->flow.policy;
			if (rtcp_strict(d, s))
				session_fail(d, s, "the kernel refused to make the RTCP flow strict");
			else
				mark_secure(d, s, "the peer's first SRTP");
			zrtpd_session_pump(d, s);
		}
		break;
	case KSRTP_CMD_AUTH_FAIL:
		s = zrtpd_session_by_id(d, ev->flow.id);
		if (s)
			zrtpd_ctl_event(d, "auth-fail", s, "a burst of SRTP packets failed authentication");
		break;
	case KSRTP_CMD_KEY_LIMIT:
		s = zrtpd_session_by_id(d, ev->flow.id);
		if (s)
			zrtpd_ctl_event(d, "key-limit", s, "a key is near its packet limit");
		break;
	default:
		break;
	}
	return 0;
}

/* ---- restart ------------------------------------------------------------------ */

/*
 * A restarted daemon reads the kernel's flows back.  SECURE flows keep
 * their keys and their media; the session is listed as secure (with its
 * SAS and algorithms from the state file).  Flows still in DIVERT were in
 * handshake when the old daemon died: their handshake starts over.
 */
struct flow_list {
	struct ksrtp_flow_info *f;
	unsigned int n, cap;
};

static int collect_flow(const struct ksrtp_flow_info *f, void *arg)
{
	struct flow_list *l = arg;

	if (l->n == l->cap) {
		unsigned int cap = l->cap ? l->cap * 2 : 64;
		struct ksrtp_flow_info *n = realloc(l->f, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		l->f = n;
		l->cap = cap;
	}
	l->f[l->n++] = *f;
	return 0;
}

static int resume_one(struct zrtpd *d, const struct ksrtp_flow_info *f,
		      const struct ksrtp_flow_info *rtcp)
{
	struct zrtpd_session_opts o = { .role = ZRTP_ROLE_AUTO, .rtcp_flow = rtcp };
	struct ksrtp_flow_stats st;
	struct zrtpd_session *s;

	if (zrtpd_session_by_tuple(d, &f->local, &f->remote))
		return 0;
	if (f->mode != KSRTP_FLOW_MODE_SECURE) {
		/* in handshake when the old daemon died, perhaps an armed
		 * initiator: its keys go, the handshake starts over */
		d->k->ops->key_del(d->k, f->id, KSRTP_KEY_DIR_TX, 0);
		d->k->ops->key_del(d->k, f->id, KSRTP_KEY_DIR_RX, 0);
		if (rtcp) {
			d->k->ops->key_del(d->k, rtcp->id, KSRTP_KEY_DIR_TX, 0);
			d->k->ops->key_del(d->k, rtcp->id, KSRTP_KEY_DIR_RX, 0);
		}
		return zrtpd_session_add(d, f, &o, NULL);
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->heap_idx = -1;
	s->deadline = UINT64_MAX;
	s->flow = *f;
	if (rtcp)
		s->rtcp = *rtcp;
	/* the slot the kernel protects with (a redial may have swapped) */
	if (!d->k->ops->stats_get(d->k, f, &st))
		for (unsigned int i = 0; i < st.nkeys; i++)
			if (st.keys[i].dir == KSRTP_KEY_DIR_TX && st.keys[i].active)
				s->slot = st.keys[i].slot;
	s->resumed = true;
	s->keys_in = true;
	s->started_ms = s->secure_ms = d->now;
	link_session(d, s);
	if (f->policy & KSRTP_POLICY_RX_TRIAL) {
		/* switched, but the peer's SRTP never came: still switching,
		 * and the kernel still takes clear RTP (fail closed) */
		s->state = ZS_SWITCHING;
		s->switch_ms = d->now;
		s->poll_ms = d->now + SWITCH_POLL_MS;
		s->clear_seen = UINT64_MAX;
		s->deadline = s->poll_ms;
		zrtpd_timer_update(d, s);
	} else {
		s->state = ZS_SECURE;
		rtcp_strict(d, s);	/* a restart between the two flows' switches */
	}
	return 0;
}

/*
 * The flows are read first and acted on after the dump: starting a
 * handshake sends ZRTP_XMIT, which must not interleave with the dump's
 * replies on the same socket.
 */
static int by_flow_id(const void *a, const void *b)
{
	const struct ksrtp_flow_info *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * After a restart the kernel's flows are all there is: a flow on the
 * ports one above another's (same addresses, created after it) is taken
 * for that session's RTCP flow (RFC 3550 §11), never a session of its own.
 */
static bool is_rtcp_of(const struct ksrtp_flow_info *rtp, const struct ksrtp_flow_info *f)
{
	struct ksrtp_sockaddr l = rtp->local, r = rtp->remote;

	if (l.port == 65535 || r.port == 65535)
		return false;
	l.port++;
	r.port++;
	return zrtpd_sa_equal(&f->local, &l) && zrtpd_sa_equal(&f->remote, &r);
}

/*
 * A relay's leg (gateway.c) is a session only if zrtpd bound it: it has
 * RX_TRIAL (set at the bind, until the peer's SRTP), or it is SECURE and
 * the state file has its line (zrtpd_relay_not_ours(), after
 * zrtpd_state_restore).  The other legs -- clear, or keyed from SDES --
 * are never touched.
 */
static bool resume_leg(struct zrtpd *d, const struct zrtpd_relay_legs *legs,
		       const struct ksrtp_flow_info *f)
{
	struct zrtpd_session *s;
	uint32_t relay, other;
	char leg;

	relay = zrtpd_relay_leg_of(legs, f->id, &other, &leg);
	if (!relay)
		return false;
	if ((f->policy & KSRTP_POLICY_RX_TRIAL) || f->mode == KSRTP_FLOW_MODE_SECURE) {
		struct zrtpd_session_opts o = { .role = ZRTP_ROLE_AUTO, .relay_id = relay,
						.relay_other = other, .relay_leg = leg };

		if (zrtpd_session_by_tuple(d, &f->local, &f->remote))
			return true;
		if (f->mode != KSRTP_FLOW_MODE_SECURE) {
			/* in handshake: keys out, it starts over (as resume_one) */
			d->k->ops->key_del(d->k, f->id, KSRTP_KEY_DIR_TX, 0);
			d->k->ops->key_del(d->k, f->id, KSRTP_KEY_DIR_RX, 0);
			zrtpd_session_add(d, f, &o, NULL);
			return true;
		}
		resume_one(d, f, NULL);
		s = zrtpd_session_by_tuple(d, &f->local, &f->remote);
		if (s) {
			s->relay_id = relay;
			s->relay_other = other;
			s->relay_leg = leg;
		}
	}
	return true;
}

int zrtpd_sessions_resume(struct zrtpd *d)
{
	const struct ksrtp_flow_info **rtcp_of;
	struct zrtpd_relay_legs *legs = zrtpd_relay_legs_read(d);
	struct flow_list l = { 0 };
	unsigned int i, j, b;
	bool *taken;
	int ret;

	if (!legs)	/* which flows are relay legs is not known: touch none */
		return -ENOMEM;
	ret = d->k->ops->flow_dump(d->k, collect_flow, &l);

	if (ret) {
		zrtpd_log(d, 0, "reading the kernel's flows: %s", strerror(-ret));
		free(l.f);
		zrtpd_relay_legs_free(legs);
		return ret;
	}
	/* creation order: a session's RTP flow before its RTCP flow */
	qsort(l.f, l.n, sizeof(*l.f), by_flow_id);
	rtcp_of = calloc(l.n ? l.n : 1, sizeof(*rtcp_of));
	taken = calloc(l.n ? l.n : 1, sizeof(*taken));
	if (!rtcp_of || !taken) {
		free(rtcp_of);
		free(taken);
		free(l.f);
		zrtpd_relay_legs_free(legs);
		return -ENOMEM;
	}
	for (i = 0; i < l.n; i++)	/* a relay leg is nobody's RTCP flow */
		taken[i] = zrtpd_relay_leg_of(legs, l.f[i].id, NULL, NULL) != 0;
	for (i = 0; i < l.n; i++) {
		if (taken[i])
			continue;
		for (j = i + 1; j < l.n; j++)
			if (!taken[j] && is_rtcp_of(&l.f[i], &l.f[j])) {
				rtcp_of[i] = &l.f[j];
				taken[j] = true;
				break;
			}
	}
	for (i = 0; i < l.n; i++) {
		if (resume_leg(d, legs, &l.f[i]) || taken[i])
			continue;
		ret = resume_one(d, &l.f[i], rtcp_of[i]);
		if (ret) {
			char buf[160];

			zrtpd_log(d, 0, "resuming flow %u %s: %s", l.f[i].id,
				  zrtpd_flow_str(&l.f[i], buf, sizeof(buf)), strerror(-ret));
		}
	}
	free(rtcp_of);
	free(taken);
	free(l.f);
	zrtpd_relay_legs_free(legs);
	zrtpd_state_restore(d);
	/* a SECURE relay leg the state file does not name was keyed by
	 * someone else (SDES): not ours */
	for (b = 0; b < d->nbuckets; b++)
		for (struct zrtpd_session *s = d->by_id[b], *next; s; s = next) {
			next = s->next_id;
			if (zrtpd_relay_not_ours(s))
				zrtpd_session_del(d, s, false);
		}
	if (d->nsessions)
		zrtpd_log(d, 1, "resumed %u sessions (%u kernel flows)", d->nsessions, l.n);
	return 0;
}

/*
 * Watch mode creates flows nobody will delete: the application never told
 * anyone about its call.  A watch-created session whose kernel counters
 * (SRTP and clear RTP both ways, ZRTP) have not moved for idle-timeout
 * seconds is over; its flow and keys go.  Named sessions are the
 * operator's and stay until "session del".
 */
unsigned int zrtpd_sessions_gc(struct zrtpd *d)
{
	struct zrtpd_session **idle = NULL, *s;
	unsigned int b, n = 0, cap = 0, i;
	struct ksrtp_flow_stats st;
	char buf[160];

	if (!d->cfg.idle_timeout)
		return 0;
	for (b = 0; b < d->nbuckets; b++)
		for (s = d->by_id[b]; s; s = s->next_id) {
			uint64_t sum;

			if (!s->from_watch || s->state == ZS_HANDSHAKE ||
			    d->k->ops->stats_get(d->k, &s->flow, &st))
				continue;
			sum = st.c[KSRTP_A_STATS_TX_PACKETS] + st.c[KSRTP_A_STATS_RX_PACKETS] +
			      st.c[KSRTP_A_STATS_CLEAR_PASSED] + st.c[KSRTP_A_STATS_CLEAR_DROPPED] +
			      st.c[KSRTP_A_STATS_RX_AUTH_FAIL] + st.c[KSRTP_A_STATS_ZRTP_RX];
			if (sum != s->activity) {
				s->activity = sum;
				s->active_ms = d->now;
				continue;
			}
			if (d->now - s->active_ms < (uint64_t)d->cfg.idle_timeout * 1000)
				continue;
			if (n == cap) {
				struct zrtpd_session **l = realloc(idle, (cap ? cap * 2 : 16) * sizeof(*l));

				if (!l)
					break;
				idle = l;
				cap = cap ? cap * 2 : 16;
			}
			idle[n++] = s;
		}
	for (i = 0; i < n; i++) {
		zrtpd_log(d, 1, "flow %u %s: idle for %us, removed", idle[i]->flow.id,
			  zrtpd_flow_str(&idle[i]->flow, buf, sizeof(buf)), d->cfg.idle_timeout);
		zrtpd_session_del(d, idle[i], true);
	}
	free(idle);
	return n;
}
