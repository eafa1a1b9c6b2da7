// SPDX-License-Identifier: GPL-2.0
/*
 * Gateway: ZRTP on one leg of a kernel relay (kernel/relay.c).
 *
 *   phone ==ZRTP/SRTP== leg (bound: a session) <relay> other leg ==clear RTP== PBX
 *
 * The kernel forwards what a leg accepts out of the other leg; there is no
 * application socket.  For zrtpd the bound leg is a flow like any other:
 * ZRTP on it is diverted to us, the peer's SRTP authenticates on it
 * (RX_PACKETS, FLOW_SECURED) before the relay takes it, and the relayed
 * packets leave through its NF_INET_LOCAL_OUT, where SECURE protects them,
 * as an application's would.  So the session logic (RX_TRIAL, the switch,
 * redial) is unchanged; what is new is only how the session begins:
 * "relay-add LEG to LEG zrtp a|b" (control.c) resets the bound leg's mode
 * and policy to those of a session zrtpd creates (DIVERT, RX_TRIAL, the
 * policy asked for), joins the legs in the kernel, then starts ZRTP.  The
 * other leg is never touched: no session, no key, no mode change, no ZRTP
 * sent on it; ZRTP arriving on it is diverted by the kernel (never relayed)
 * and ignored here (it belongs to no session).
 *
 * "zrtp both" binds each leg so (the relay created once): two sessions that
 * know each other by the relay (zrtpd_relay_partner).  As a trusted MiTM
 * (RFC 6189 §7.3) zrtpd then relays, once both are secure, the SAS of one
 * leg to the phone of the other if that phone enrolled with us
 * (zrtpd_relay_auto).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ksrtp.h>

#include "zrtpd.h"
#include "util.h"

/* A leg named by id or 4-tuple, read back from the kernel. */
static int leg_get(struct zrtpd *d, const struct ksrtp_flow_info *name, struct ksrtp_flow_stats *st)
{
	return d->k->ops->stats_get(d->k, name, st);
}

static bool has_session(struct zrtpd *d, const struct ksrtp_flow_info *f)
{
	return zrtpd_session_by_id(d, f->id) || zrtpd_session_by_tuple(d, &f->local, &f->remote) ||
	       zrtpd_session_by_rtcp(d, &f->local, &f->remote);
}

int zrtpd_relay_add(struct zrtpd *d, const struct zrtpd_relay_req *req, struct zrtpd_session **out,
		    const char **why)
{
	struct zrtpd_session_opts o = req->o;
	struct ksrtp_flow_stats st[2];
	struct ksrtp_flow_info set[2], old[2];
	struct zrtpd_session *ss[2] = { NULL, NULL };
	struct ksrtp_relay_info r;
	bool req_sec, zl[2] = { req->zrtp != 1, req->zrtp != 0 };	/* ZRTP on leg i */
	int ret, i;

	*why = NULL;
	if (!d->k->ops->relay_new) {
		*why = "the kernel link has no relays";
		return -EOPNOTSUPP;
	}
	for (i = 0; i < 2; i++) {
		ret = leg_get(d, &req->leg[i], &st[i]);
		if (ret) {
			*why = i ? "leg B: no such flow" : "leg A: no such flow";
			return ret;
		}
	}
	if (st[0].flow.id == st[1].flow.id) {
		*why = "leg A and leg B are the same flow";
		return -EINVAL;
	}
	for (i = 0; i < 2; i++) {
		if (zl[i] && has_session(d, &st[i].flow)) {
			*why = !zl[!i] ? "the ZRTP leg has a session already" :
			       i ? "leg B has a session already" : "leg A has a session already";
			return -EEXIST;
		}
	}
	for (i = 0; i < 2; i++) {
		if (!zl[i] && has_session(d, &st[i].flow)) {
			/* a session there would run ZRTP (and switch SRTP)
			 * towards the side that must stay clear */
			*why = "the other leg is a zrtpd session's flow";
			return -EBUSY;
		}
		if (zl[i] && (st[i].nkeys || st[i].flow.mode == KSRTP_FLOW_MODE_SECURE)) {
			*why = "the ZRTP leg has keys already (SDES?): delete them or use another flow";
			return -EBUSY;
		}
	}
	/* the mode and policy of a flow zrtpd creates (session.c) */
	req_sec = o.have_policy ? o.require_secure : d->cfg.policy == ZRTPD_POLICY_REQUIRE_SECURE;
	for (i = 0; i < 2; i++) {
		old[i] = set[i] = st[i].flow;
		if (!zl[i])
			continue;
		set[i].mode = KSRTP_FLOW_MODE_DIVERT;
		set[i].policy = (req_sec ? KSRTP_POLICY_REQUIRE_SECURE : 0) | KSRTP_POLICY_RX_TRIAL;
		ret = d->k->ops->flow_set(d->k, &set[i]);
		if (ret) {
			*why = "setting the ZRTP leg's policy";
			goto undo_policy;
		}
	}
	/* joined before ZRTP starts: the peer's first packets are relayed */
	ret = d->k->ops->relay_new(d->k, st[0].flow.id, st[1].flow.id, &r);
	if (ret) {
		*why = "joining the legs";
		goto undo_policy;
	}
	o.rtcp = ZRTPD_RTCP_MUX;	/* a leg carries its RTCP (RFC 5761) */
	o.relay_id = r.id;
	for (i = 0; i < 2; i++) {
		if (!zl[i])
			continue;
		o.relay_other = st[!i].flow.id;
		o.relay_leg = i ? 'b' : 'a';
		ret = zrtpd_session_add(d, &set[i], &o, &ss[i]);
		if (ret) {
			*why = "starting the session";
			goto undo_sessions;
		}
	}
	*out = ss[0] ? ss[0] : ss[1];
	return 0;

undo_sessions:
	for (i = 0; i < 2; i++)
		if (ss[i])
			zrtpd_session_del(d, ss[i], false);
	d->k->ops->relay_del(d->k, r.id);
	i = 2;
undo_policy:
	while (i-- > 0)
		if (zl[i])
			d->k->ops->flow_set(d->k, &old[i]);
	return ret;
}

struct zrtpd_session *zrtpd_relay_partner(struct zrtpd *d, const struct zrtpd_session *s)
{
	struct zrtpd_session *o;

	if (!s->relay_id)
		return NULL;
	o = zrtpd_session_by_id(d, s->relay_other);
	return o && o->relay_id == s->relay_id && o->relay_other == s->flow.id ? o : NULL;
}

/*
 * Both legs secure: the phone of a leg that enrolled with us gets the other
 * leg's SAS.  One direction only (Documentation/zrtp-engine.md, "Trusted
 * MiTM": both ways would swap the two SAS): both enrolled, leg b's phone
 * gets leg a's.  Decided once per pair of call engines (secure_gen, kept on
 * leg a), so again after a redial on either leg; a SASrelay the engine
 * cannot send yet (initiator before Conf2ACK) is tried at the next pump.
 */
void zrtpd_relay_auto(struct zrtpd *d, struct zrtpd_session *s)
{
	struct zrtpd_session *o = zrtpd_relay_partner(d, s), *la, *lb, *from, *to;
	unsigned int gen[2], keep[2];
	int ret;

	if (!o || !d->cfg.trusted_mitm || s->state != ZS_SECURE || o->state != ZS_SECURE)
		return;
	la = s->relay_leg == 'a' ? s : o;
	lb = la == s ? o : s;
	gen[0] = la->secure_gen + 1;
	gen[1] = lb->secure_gen + 1;
	if (!memcmp(la->relay_gen, gen, sizeof(gen)))
		return;
	memcpy(keep, la->relay_gen, sizeof(keep));
	memcpy(la->relay_gen, gen, sizeof(gen));	/* first: relay_sas pumps `to` */
	if (zrtpd_session_enrolled(la) < 0 || zrtpd_session_enrolled(lb) < 0) {
		/* resumed after a restart: the engines (and keys) are gone */
		zrtpd_log(d, 2, "relay %u: a leg has no ZRTP engine (restart): no SAS relay",
			  la->relay_id);
		return;
	}
	if (zrtpd_session_enrolled(lb) > 0) {
		from = la;
		to = lb;
	} else if (zrtpd_session_enrolled(la) > 0) {
		from = lb;
		to = la;
	} else {
		zrtpd_log(d, 1, "relay %u: neither phone is enrolled with us: no SAS relayed, "
			  "each leg compares its own SAS", la->relay_id);
		zrtpd_ctl_event(d, "sas-relay-none", la, "neither phone is enrolled with us");
		zrtpd_ctl_event(d, "sas-relay-none", lb, "neither phone is enrolled with us");
		return;
	}
	ret = zrtpd_session_relay_sas(d, from, to);
	if (ret == -EAGAIN)
		memcpy(la->relay_gen, keep, sizeof(keep));	/* again at the next pump */
	else if (ret)
		zrtpd_log(d, 0, "relay %u: SASrelay to flow %u: %s", la->relay_id, to->flow.id,
			  strerror(-ret));
}

/* ---- restart: the kernel's relays, by leg ----------------------------------- */

struct zrtpd_relay_legs {
	struct ksrtp_relay_info *v;
	size_t n, cap;
};

static int collect_relay(const struct ksrtp_relay_info *r, void *arg)
{
	struct zrtpd_relay_legs *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct ksrtp_relay_info *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *r;
	return 0;
}

struct zrtpd_relay_legs *zrtpd_relay_legs_read(struct zrtpd *d)
{
	struct zrtpd_relay_legs *l = calloc(1, sizeof(*l));
	int ret;

	if (!l || !d->k->ops->relay_dump)
		return l;
	ret = d->k->ops->relay_dump(d->k, collect_relay, l);
	if (ret) {
		/* a kernel before API 4 has no relays: none to skip */
		if (ret != -EOPNOTSUPP && ret != -EINVAL)
			zrtpd_log(d, 0, "reading the kernel's relays: %s: their legs may be "
				  "taken for sessions", strerror(-ret));
		l->n = 0;
	}
	return l;
}

/*
 * A resumed SECURE relay leg that zrtpd did not bind: no RX_TRIAL (never
 * set by anyone else) and no line in the state file (an SDES leg).
 */
bool zrtpd_relay_not_ours(const struct zrtpd_session *s)
{
	return s->relay_id && s->resumed && !s->restored &&
	       !(s->flow.policy & KSRTP_POLICY_RX_TRIAL);
}

uint32_t zrtpd_relay_leg_of(const struct zrtpd_relay_legs *l, uint32_t flow_id, uint32_t *other,
			    char *leg)
{
	size_t i;

	for (i = 0; l && i < l->n; i++) {
		if (l->v[i].flow_a != flow_id && l->v[i].flow_b != flow_id)
			continue;
		if (other)
			*other = l->v[i].flow_a == flow_id ? l->v[i].flow_b : l->v[i].flow_a;
		if (leg)
			*leg = l->v[i].flow_a == flow_id ? 'a' : 'b';
		return l->v[i].id;
	}
	return 0;
}

void zrtpd_relay_legs_free(struct zrtpd_relay_legs *l)
{
	if (l)
		free(l->v);
	free(l);
}
