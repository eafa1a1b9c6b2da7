// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket: a UNIX stream socket, one request line per
 * connection, one reply, then close -- except "monitor", which keeps the
 * connection and streams one line per event.  The grammar and every reply
 * are in Documentation/control-protocol.md; zrtpctl is one client of it.
 *
 *	request = [ "json" ] command { word } LF
 *	reply   = ( "ok" | "error " message ) LF body
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <linux/ksrtp.h>

#include "zrtpd.h"
#include "sbuf.h"
#include "util.h"

enum {
	CTL_MAX_LINE = 4096, CTL_MAX_WORDS = 32, CTL_MONITOR_MAX_BACKLOG = 1 << 20,
	CTL_REQUEST_TIMEOUT_MS = 5000,	/* a client must send its line by then */
};

/* Who may do what (Documentation/control-protocol.md, "Authorisation"). */
enum ctl_access {
	CTL_NONE = 0,	/* refused: not root, no CAP_NET_ADMIN, not in control-group */
	CTL_READ,	/* control-group member: queries and monitor */
	CTL_ADMIN,	/* root or CAP_NET_ADMIN: everything */
};

struct ctl_peer {
	pid_t pid;
	uid_t uid;
	gid_t gid;
	enum ctl_access access;
};

struct zrtpd_client {
	int fd;
	struct ctl_peer peer;
	char in[CTL_MAX_LINE];
	size_t inlen;
	struct sbuf out;
	size_t off;
	bool monitor, json, done;
	uint64_t accepted_ms;
	struct zrtpd_client *next;
};

struct req {
	struct zrtpd *d;
	const struct ctl_peer *peer;
	bool json;
	int argc;
	char **argv;
	struct sbuf *b;		/* body */
	char err[256];		/* set: the reply is an error */
};

static int fail(struct req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct req *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- rendering ---------------------------------------------------------------- */

static void session_json(struct zrtpd *d, struct sbuf *b, const struct zrtpd_session *s,
			 const struct ksrtp_flow_stats *st)
{
	char l[64], r[64], zid[25];

	zrtpd_hex(s->peer_zid, sizeof(s->peer_zid), zid);
	sbuf_printf(b, "{\"id\":%u,\"local\":\"%s\",\"remote\":\"%s\",\"state\":\"%s\"",
		    s->flow.id, ksrtp_format_sockaddr(&s->flow.local, l, sizeof(l)),
		    ksrtp_format_sockaddr(&s->flow.remote, r, sizeof(r)), zrtpd_state_str(s));
	sbuf_printf(b, ",\"engine_state\":\"%s\",\"queued\":%s", s->z ? zrtp_state_name(s->z) : "none",
		    s->queued ? "true" : "false");
	if (s->rtcp.id)
		sbuf_printf(b, ",\"rtcp_id\":%u,\"rtcp_local\":\"%s\",\"rtcp_remote\":\"%s\","
			    "\"rtcp_mode\":\"%s\",\"rtcp_rx_trial\":%s", s->rtcp.id,
			    ksrtp_format_sockaddr(&s->rtcp.local, l, sizeof(l)),
			    ksrtp_format_sockaddr(&s->rtcp.remote, r, sizeof(r)),
			    s->rtcp.mode == KSRTP_FLOW_MODE_SECURE ? "secure" : "divert",
			    s->rtcp.policy & KSRTP_POLICY_RX_TRIAL ? "true" : "false");
	else
		sbuf_printf(b, ",\"rtcp_id\":0");
	sbuf_printf(b, ",\"mode\":\"%s\",\"require_secure\":%s",
		    s->flow.mode == KSRTP_FLOW_MODE_SECURE ? "secure" : "divert",
		    s->flow.policy & KSRTP_POLICY_REQUIRE_SECURE ? "true" : "false");
	sbuf_printf(b, ",\"role\":\"%s\"", s->state == ZS_SECURE || s->state == ZS_SWITCHING ?
		    (s->initiator ? "initiator" : "responder") : "");
	sbuf_printf(b, ",\"peer_zid\":\"%s\"", s->have_peer_zid ? zid : "");
	sbuf_printf(b, ",\"hash\":\"%s\",\"cipher\":\"%s\",\"auth\":\"%s\",\"key_agreement\":\"%s\","
		    "\"sas_type\":\"%s\",\"srtp_profile\":\"%s\",\"sas\":",
		    s->hash, s->cipher, s->auth, s->ka, s->sas_type, s->profile);
	sbuf_json_str(b, s->sas);
	sbuf_printf(b, ",\"verified\":%s,\"cache\":\"%s\",\"resumed\":%s,\"watch\":%s",
		    s->verified ? "true" : "false", zrtpd_cache_str(s->cache),
		    s->resumed ? "true" : "false", s->from_watch ? "true" : "false");
	sbuf_printf(b, ",\"error\":%u,\"zrtp_rx\":%llu,\"zrtp_tx\":%llu", s->error_code,
		    (unsigned long long)s->zrtp_rx, (unsigned long long)s->zrtp_tx);
	sbuf_printf(b, ",\"hello_hash\":\"%s\"", s->hello_hash);
	sbuf_printf(b, ",\"rekeying\":%s,\"redials\":%u", s->rekey ? "true" : "false", s->redials);
	if (s->relay_id)
		sbuf_printf(b, ",\"relay\":{\"id\":%u,\"leg\":\"%c\",\"other_flow\":%u}", s->relay_id,
			    s->relay_leg, s->relay_other);
	if (s->sas_relay_from)
		sbuf_printf(b, ",\"sas_relay\":{\"from_flow\":%u,\"unacked\":%s}", s->sas_relay_from,
			    s->sas_relay_unacked ? "true" : "false");
	if (st)
		sbuf_printf(b, ",\"packets\":{\"tx\":%llu,\"rx\":%llu,\"rx_auth_fail\":%llu,"
			    "\"rx_replay\":%llu,\"clear_dropped\":%llu,\"clear_passed\":%llu}",
			    (unsigned long long)st->c[KSRTP_A_STATS_TX_PACKETS],
			    (unsigned long long)st->c[KSRTP_A_STATS_RX_PACKETS],
			    (unsigned long long)st->c[KSRTP_A_STATS_RX_AUTH_FAIL],
			    (unsigned long long)st->c[KSRTP_A_STATS_RX_REPLAY],
			    (unsigned long long)st->c[KSRTP_A_STATS_CLEAR_DROPPED],
			    (unsigned long long)st->c[KSRTP_A_STATS_CLEAR_PASSED]);
	sbuf_add(b, "}", 1);
}

static void session_text(struct sbuf *b, const struct zrtpd_session *s, bool detail,
			 const struct ksrtp_flow_stats *st)
{
	char f[160], zid[25];

	zrtpd_flow_str(&s->flow, f, sizeof(f));
	sbuf_printf(b, "flow %u: %s  %s", s->flow.id, f, zrtpd_state_str(s));
	if (s->state == ZS_SECURE || s->state == ZS_SWITCHING)
		sbuf_printf(b, "  %s/%s/%s  SAS %s%s", s->cipher, s->auth, s->ka,
			    s->sas[0] ? s->sas : "?", s->verified ? " (verified)" : " (not verified)");
	else if (s->queued)
		sbuf_printf(b, " (queued)");
	else if (s->state == ZS_FAILED && s->error_code)
		sbuf_printf(b, " (error 0x%x)", s->error_code);
	else if (s->state == ZS_HANDSHAKE && s->z)
		sbuf_printf(b, " (%s)", zrtp_state_name(s->z));
	if (s->resumed)
		sbuf_printf(b, "  resumed");
	sbuf_add(b, "\n", 1);
	if (!detail)
		return;
	zrtpd_hex(s->peer_zid, sizeof(s->peer_zid), zid);
	sbuf_printf(b, "  peer ZID:      %s\n", s->have_peer_zid ? zid : "-");
	sbuf_printf(b, "  role:          %s\n", s->state == ZS_SECURE || s->state == ZS_SWITCHING ?
		    (s->initiator ? "initiator" : "responder") : "-");
	sbuf_printf(b, "  algorithms:    hash %s cipher %s auth %s key agreement %s SAS %s\n",
		    s->hash, s->cipher, s->auth, s->ka, s->sas_type);
	sbuf_printf(b, "  SRTP profile:  %s\n", s->profile[0] ? s->profile : "-");
	if (s->rtcp.id) {
		zrtpd_flow_str(&s->rtcp, f, sizeof(f));
		sbuf_printf(b, "  RTCP:          flow %u: %s, same keys\n", s->rtcp.id, f);
	} else {
		sbuf_printf(b, "  RTCP:          on the RTP ports (RFC 5761 mux)\n");
	}
	if (s->relay_id)
		sbuf_printf(b, "  relay:         %u, leg %c; the other leg: flow %u\n",
			    s->relay_id, s->relay_leg, s->relay_other);
	if (s->sas_relay_from)
		sbuf_printf(b, "  SAS relay:     this phone was sent the SAS of flow %u%s\n",
			    s->sas_relay_from, s->sas_relay_unacked ? " (never acknowledged)" : "");
	sbuf_printf(b, "  cache:         %s\n", zrtpd_cache_str(s->cache));
	sbuf_printf(b, "  policy:        %s\n", s->flow.policy & KSRTP_POLICY_REQUIRE_SECURE ?
		    "require-secure" : "opportunistic");
	sbuf_printf(b, "  ZRTP packets:  %llu in, %llu out\n", (unsigned long long)s->zrtp_rx,
		    (unsigned long long)s->zrtp_tx);
	if (s->error_code)
		sbuf_printf(b, "  error:         0x%x\n", s->error_code);
	if (s->hello_hash[0])
		sbuf_printf(b, "  hello hash:    a=zrtp-hash:%s\n", s->hello_hash);
	if (st)
		sbuf_printf(b, "  SRTP packets:  %llu sent, %llu received, %llu rejected (auth)\n",
			    (unsigned long long)st->c[KSRTP_A_STATS_TX_PACKETS],
			    (unsigned long long)st->c[KSRTP_A_STATS_RX_PACKETS],
			    (unsigned long long)st->c[KSRTP_A_STATS_RX_AUTH_FAIL]);
}

/* ---- arguments ---------------------------------------------------------------- */

/* FLOW = N | id N | local A remote B; consumes words from *i. */
static struct zrtpd_session *parse_flow(struct req *r, int *i)
{
	struct ksrtp_sockaddr l, rem;
	struct zrtpd_session *s;
	unsigned long id;

	if (*i < r->argc && !strcmp(r->argv[*i], "id"))
		(*i)++;
	if (*i < r->argc && strcmp(r->argv[*i], "local")) {
		if (zrtpd_parse_ulong(r->argv[*i], 10, UINT32_MAX, &id) || !id) {
			fail(r, "bad flow '%s' (want an id or local ADDR:PORT remote ADDR:PORT)", r->argv[*i]);
			return NULL;
		}
		(*i)++;
		s = zrtpd_session_by_id(r->d, (uint32_t)id);
		if (!s)
			fail(r, "no such flow %lu", id);
		return s;
	}
	if (*i + 3 >= r->argc || strcmp(r->argv[*i + 2], "remote")) {
		fail(r, "name a flow: an id, or local ADDR:PORT remote ADDR:PORT");
		return NULL;
	}
	if (ksrtp_parse_sockaddr(r->argv[*i + 1], &l) || ksrtp_parse_sockaddr(r->argv[*i + 3], &rem)) {
		fail(r, "bad address in '%s %s' (want ADDR:PORT or [ADDR6]:PORT)", r->argv[*i + 1],
		     r->argv[*i + 3]);
		return NULL;
	}
	*i += 4;
	s = zrtpd_session_by_tuple(r->d, &l, &rem);
	if (!s)
		fail(r, "no such flow %s \u2192 %s", r->argv[*i - 3], r->argv[*i - 1]);
	return s;
}

static int no_more(struct req *r, int i)
{
	return i < r->argc ? fail(r, "unexpected '%s'", r->argv[i]) : 0;
}

/* "1.10 <hex>" or "<hex>" (a=zrtp-hash, RFC 6189 §8.1) */
static int parse_hash(struct req *r, int *i, uint8_t h[32])
{
	if (*i < r->argc && strchr(r->argv[*i], '.') && strlen(r->argv[*i]) == 4) {
		if (strcmp(r->argv[*i], "1.10"))
			return fail(r, "unsupported ZRTP version '%s' in the hash (want 1.10)", r->argv[*i]);
		(*i)++;
	}
	if (*i >= r->argc || zrtpd_unhex(r->argv[*i], h, 32))
		return fail(r, "a=zrtp-hash wants 64 hex digits");
	(*i)++;
	return 0;
}

/* ---- commands ------------------------------------------------------------------ */

static int get_stats(struct zrtpd *d, const struct zrtpd_session *s, struct ksrtp_flow_stats *st)
{
	return d->k->ops->stats_get(d->k, &s->flow, st) ? -1 : 0;
}

static int c_list(struct req *r)
{
	struct zrtpd *d = r->d;
	unsigned int b, n = 0;

	if (no_more(r, 1))
		return -1;
	if (r->json)
		sbuf_add(r->b, "[", 1);
	for (b = 0; b < d->nbuckets; b++) {
		const struct zrtpd_session *s;

		for (s = d->by_id[b]; s; s = s->next_id) {
			if (r->json) {
				if (n)
					sbuf_add(r->b, ",", 1);
				session_json(d, r->b, s, NULL);
			} else {
				session_text(r->b, s, false, NULL);
			}
			n++;
		}
	}
	if (r->json)
		sbuf_add(r->b, "]\n", 2);
	return 0;
}

static int c_show(struct req *r)
{
	struct ksrtp_flow_stats st;
	struct zrtpd_session *s;
	int i = 1;

	s = parse_flow(r, &i);
	if (!s || no_more(r, i))
		return -1;
	if (get_stats(r->d, s, &st) == 0) {
		if (r->json)
			session_json(r->d, r->b, s, &st), sbuf_add(r->b, "\n", 1);
		else
			session_text(r->b, s, true, &st);
	} else {
		if (r->json)
			session_json(r->d, r->b, s, NULL), sbuf_add(r->b, "\n", 1);
		else
			session_text(r->b, s, true, NULL);
	}
	return 0;
}

static int c_verify(struct req *r)
{
	bool v = !strcmp(r->argv[0], "verify");
	struct zrtpd_session *s;
	int i = 1, ret;

	s = parse_flow(r, &i);
	if (!s || no_more(r, i))
		return -1;
	ret = zrtpd_session_verify(r->d, s, v);
	if (ret == -EAGAIN)
		return fail(r, "flow %u is not secure yet (state %s): no SAS to verify", s->flow.id,
			    zrtpd_state_str(s));
	if (ret == -ESTALE)
		return fail(r, "flow %u: the session holding this call's new retained secret is "
			    "gone (zrtpd restarted after a cache mismatch, or the master of this "
			    "Multistream session ended): compare and verify the SAS on the next call",
			    s->flow.id);
	if (ret)
		return fail(r, "flow %u: cannot record the verification (%s)", s->flow.id,
			    r->d->cache ? zrtp_cache_errmsg(r->d->cache) : "no cache configured");
	if (r->json)
		sbuf_printf(r->b, "{\"id\":%u,\"verified\":%s}\n", s->flow.id, v ? "true" : "false");
	return 0;
}

/* relay-sas FROM to TO: the SAS of leg FROM to the enrolled phone of leg TO
 * (RFC 6189 §7.3; trusted-mitm = yes). */
static int c_relay_sas(struct req *r)
{
	struct zrtpd_session *from, *to;
	int i = 1, ret;

	from = parse_flow(r, &i);
	if (!from)
		return -1;
	if (i < r->argc && !strcmp(r->argv[i], "to"))
		i++;
	to = parse_flow(r, &i);
	if (!to || no_more(r, i))
		return -1;
	ret = zrtpd_session_relay_sas(r->d, from, to);
	if (ret == -EPERM)
		return fail(r, "not a trusted MiTM (trusted-mitm = no in zrtpd.conf)");
	if (ret == -EACCES)
		return fail(r, "flow %u: its phone is not enrolled with us (no pbxsecret matched): "
			    "it would refuse the relay", to->flow.id);
	if (ret)
		return fail(r, "flows %u and %u must be two secure sessions", from->flow.id,
			    to->flow.id);
	if (r->json)
		sbuf_printf(r->b, "{\"id\":%u,\"relayed_from\":%u}\n", to->flow.id, from->flow.id);
	return 0;
}

static int c_flow_add(struct req *r)
{
	struct zrtpd_session_opts o = { .role = ZRTP_ROLE_AUTO };
	struct ksrtp_flow_info f;
	struct zrtpd_session *s;
	uint8_t hash[32];
	bool have_l = false, have_r = false;
	char what[160];
	int i = 1, ret;

	memset(&f, 0, sizeof(f));
	while (i < r->argc) {
		const char *kw = r->argv[i++];

		if (!strcmp(kw, "require-secure") || !strcmp(kw, "opportunistic")) {
			o.have_policy = true;
			o.require_secure = kw[0] == 'r';
		} else if (!strcmp(kw, "peer-hash")) {
			if (parse_hash(r, &i, hash))
				return -1;
			o.peer_hash = hash;
		} else if (!strcmp(kw, "rtcp-mux")) {
			o.rtcp = ZRTPD_RTCP_MUX;
		} else if (i >= r->argc) {
			return fail(r, "'%s' needs a value", kw);
		} else if (!strcmp(kw, "local") || !strcmp(kw, "remote")) {
			struct ksrtp_sockaddr *sa = kw[0] == 'l' ? &f.local : &f.remote;

			if (ksrtp_parse_sockaddr(r->argv[i], sa))
				return fail(r, "bad %s address '%s' (want ADDR:PORT or [ADDR6]:PORT)",
					    kw, r->argv[i]);
			*(kw[0] == 'l' ? &have_l : &have_r) = true;
			i++;
		} else if (!strcmp(kw, "rtcp")) {
			/* rtcp mux | port+1 | LPORT:RPORT (RFC 5761, RFC 3550
			 * §11, RFC 3605's a=rtcp on each side) */
			const char *v = r->argv[i++];
			unsigned long lp, rp;
			char *colon;

			if (!strcmp(v, "mux")) {
				o.rtcp = ZRTPD_RTCP_MUX;
				continue;
			}
			if (!strcmp(v, "port+1")) {
				o.rtcp = ZRTPD_RTCP_PORT1;
				continue;
			}
			colon = strchr(v, ':');
			if (!colon || strlen(v) > 11)
				return fail(r, "rtcp: mux, port+1 or LOCAL-PORT:REMOTE-PORT, not '%s'", v);
			*colon = 0;
			if (zrtpd_parse_ulong(v, 10, 65535, &lp) || !lp ||
			    zrtpd_parse_ulong(colon + 1, 10, 65535, &rp) || !rp) {
				*colon = ':';
				return fail(r, "rtcp: ports 1-65535 as LOCAL-PORT:REMOTE-PORT, not '%s'", v);
			}
			*colon = ':';
			o.rtcp = ZRTPD_RTCP_PORTS;
			o.rtcp_lport = (uint16_t)lp;
			o.rtcp_rport = (uint16_t)rp;
		} else if (!strcmp(kw, "role")) {
			if (!strcmp(r->argv[i], "initiator"))
				o.role = ZRTP_ROLE_INITIATOR;
			else if (!strcmp(r->argv[i], "responder"))
				o.role = ZRTP_ROLE_RESPONDER;
			else if (strcmp(r->argv[i], "auto"))
				return fail(r, "role must be auto, initiator or responder");
			i++;
		} else {
			return fail(r, "unknown keyword '%s'", kw);
		}
	}
	if (!have_l || !have_r)
		return fail(r, "flow add needs local ADDR:PORT and remote ADDR:PORT");
	if (f.local.family != f.remote.family)
		return fail(r, "local and remote are of different address families");
	ret = zrtpd_session_add(r->d, &f, &o, &s);
	if (ret == -EEXIST)
		return fail(r, "flow %s exists already", zrtpd_flow_str(&f, what, sizeof(what)));
	if (ret == -EADDRINUSE)
		return fail(r, "flow %s: its RTCP ports are another flow's: name them "
			    "(rtcp LOCAL-PORT:REMOTE-PORT) or say rtcp-mux",
			    zrtpd_flow_str(&f, what, sizeof(what)));
	if (ret)
		return fail(r, "flow %s: %s%s%s", zrtpd_flow_str(&f, what, sizeof(what)), strerror(-ret),
			    r->d->k->ops->err_msg(r->d->k)[0] ? ": " : "",
			    r->d->k->ops->err_msg(r->d->k));
	if (r->json)
		session_json(r->d, r->b, s, NULL), sbuf_add(r->b, "\n", 1);
	else
		session_text(r->b, s, false, NULL);
	return 0;
}

/* LEG = id N | local ADDR:PORT remote ADDR:PORT (a kernel flow) */
static int parse_leg(struct req *r, int *i, struct ksrtp_flow_info *f)
{
	unsigned long id;

	memset(f, 0, sizeof(*f));
	if (*i + 1 < r->argc && !strcmp(r->argv[*i], "id")) {
		if (zrtpd_parse_ulong(r->argv[*i + 1], 10, UINT32_MAX, &id) || !id)
			return fail(r, "bad flow id '%s'", r->argv[*i + 1]);
		f->id = (uint32_t)id;
		*i += 2;
		return 0;
	}
	if (*i + 3 < r->argc && !strcmp(r->argv[*i], "local") && !strcmp(r->argv[*i + 2], "remote")) {
		if (ksrtp_parse_sockaddr(r->argv[*i + 1], &f->local) ||
		    ksrtp_parse_sockaddr(r->argv[*i + 3], &f->remote))
			return fail(r, "bad address in '%s %s' (want ADDR:PORT or [ADDR6]:PORT)",
				    r->argv[*i + 1], r->argv[*i + 3]);
		*i += 4;
		return 0;
	}
	return fail(r, "a leg is 'id N' or 'local ADDR:PORT remote ADDR:PORT'");
}

/* relay-add LEG to LEG zrtp a|b|both [require-secure|opportunistic] [role R] [peer-hash H] */
static int c_relay_add(struct req *r)
{
	struct zrtpd_relay_req q = { .zrtp = -1, .o = { .role = ZRTP_ROLE_AUTO } };
	struct zrtpd_session *s;
	const char *why;
	uint8_t hash[32];
	int i = 1, ret;

	if (parse_leg(r, &i, &q.leg[0]))
		return -1;
	if (i >= r->argc || strcmp(r->argv[i++], "to"))
		return fail(r, "relay-add LEG to LEG zrtp a|b|both");
	if (parse_leg(r, &i, &q.leg[1]))
		return -1;
	while (i < r->argc) {
		const char *kw = r->argv[i++];

		if (!strcmp(kw, "require-secure") || !strcmp(kw, "opportunistic")) {
			q.o.have_policy = true;
			q.o.require_secure = kw[0] == 'r';
		} else if (!strcmp(kw, "peer-hash")) {
			if (parse_hash(r, &i, hash))
				return -1;
			q.o.peer_hash = hash;
		} else if (i >= r->argc) {
			return fail(r, "'%s' needs a value", kw);
		} else if (!strcmp(kw, "zrtp")) {
			if (!strcmp(r->argv[i], "both"))
				q.zrtp = 2;
			else if (!strcmp(r->argv[i], "a") || !strcmp(r->argv[i], "b"))
				q.zrtp = r->argv[i][0] == 'b';
			else
				return fail(r, "zrtp a, b or both: the leg(s) that run ZRTP");
			i++;
		} else if (!strcmp(kw, "role")) {
			if (!strcmp(r->argv[i], "initiator"))
				q.o.role = ZRTP_ROLE_INITIATOR;
			else if (!strcmp(r->argv[i], "responder"))
				q.o.role = ZRTP_ROLE_RESPONDER;
			else if (strcmp(r->argv[i], "auto"))
				return fail(r, "role must be auto, initiator or responder");
			i++;
		} else {
			return fail(r, "unknown keyword '%s'", kw);
		}
	}
	if (q.zrtp < 0)
		return fail(r, "relay-add needs 'zrtp a', 'zrtp b' or 'zrtp both' (without ZRTP: zrtpctl relay add "
			    "talks to the kernel alone)");
	ret = zrtpd_relay_add(r->d, &q, &s, &why);
	if (ret)
		return fail(r, "relay: %s: %s%s%s", why ? why : "", strerror(-ret),
			    r->d->k->ops->err_msg(r->d->k)[0] ? ": " : "",
			    r->d->k->ops->err_msg(r->d->k));
	if (r->json)
		session_json(r->d, r->b, s, NULL), sbuf_add(r->b, "\n", 1);
	else
		session_text(r->b, s, true, NULL);
	/* both: leg b's session too, on a line (or a block) of its own */
	s = q.zrtp == 2 ? zrtpd_relay_partner(r->d, s) : NULL;
	if (s && r->json)
		session_json(r->d, r->b, s, NULL), sbuf_add(r->b, "\n", 1);
	else if (s)
		session_text(r->b, s, true, NULL);
	return 0;
}

static int c_flow_del(struct req *r)
{
	struct zrtpd_session *s;
	int i = 1, ret;

	s = parse_flow(r, &i);
	if (!s || no_more(r, i))
		return -1;
	ret = zrtpd_session_del(r->d, s, true);
	if (ret)
		return fail(r, "removing the kernel flow: %s", strerror(-ret));
	return 0;
}

static int c_hello_hash(struct req *r)
{
	struct zrtpd_session *s;
	int i = 1;

	s = parse_flow(r, &i);
	if (!s || no_more(r, i))
		return -1;
	if (!s->hello_hash[0])
		return fail(r, "flow %u has no running ZRTP session (resumed after a restart)", s->flow.id);
	if (r->json)
		sbuf_printf(r->b, "{\"id\":%u,\"zrtp_hash\":\"%s\"}\n", s->flow.id, s->hello_hash);
	else
		sbuf_printf(r->b, "a=zrtp-hash:%s\n", s->hello_hash);
	return 0;
}

static int c_peer_hash(struct req *r)
{
	struct zrtpd_session *s;
	uint8_t h[32];
	int i = 1, ret;

	s = parse_flow(r, &i);
	if (!s || parse_hash(r, &i, h) || no_more(r, i))
		return -1;
	ret = zrtpd_session_set_peer_hash(r->d, s, h);
	if (ret == -EBUSY)
		return fail(r, "flow %u has heard from the peer already; give peer-hash at flow add",
			    s->flow.id);
	if (ret)
		return fail(r, "flow %u: %s", s->flow.id, strerror(-ret));
	if (r->json)
		sbuf_printf(r->b, "{\"id\":%u,\"zrtp_hash\":\"%s\"}\n", s->flow.id, s->hello_hash);
	else
		sbuf_printf(r->b, "a=zrtp-hash:%s\n", s->hello_hash);
	return 0;
}

static int c_watch(struct req *r)
{
	struct zrtpd *d = r->d;
	struct zrtpd_port_range pr;
	unsigned int i;
	int ret;

	if (!strcmp(r->argv[0], "watch-list")) {
		if (no_more(r, 1))
			return -1;
		if (r->json)
			sbuf_add(r->b, "[", 1);
		for (i = 0; i < d->nwatches; i++)
			sbuf_printf(r->b, r->json ? "%s{\"min\":%u,\"max\":%u}" : "%sudp:%u-%u\n",
				    r->json ? (i ? "," : "") : "", d->watches[i].min, d->watches[i].max);
		if (r->json)
			sbuf_add(r->b, "]\n", 2);
		return 0;
	}
	if (r->argc != 2 || zrtpd_parse_range(r->argv[1], &pr))
		return fail(r, "%s wants one port range, e.g. 10000-20000", r->argv[0]);
	if (!strcmp(r->argv[0], "watch-add")) {
		ret = zrtpd_watch_add(d, &pr);
		if (ret == -ENOSPC)
			return fail(r, "too many watches (at most %d)", ZRTPD_MAX_WATCHES);
	} else {
		ret = zrtpd_watch_del(d, &pr);
		if (ret == -ENOENT)
			return fail(r, "no watch on ports %u-%u", pr.min, pr.max);
	}
	if (ret)
		return fail(r, "ports %u-%u: %s", pr.min, pr.max, strerror(-ret));
	return 0;
}

/* Sessions by state into @by_state; returns the number of monitors. */
static unsigned int count_states(const struct zrtpd *d, unsigned int by_state[5])
{
	const struct zrtpd_client *c;
	unsigned int b, monitors = 0;

	memset(by_state, 0, 5 * sizeof(*by_state));
	for (c = d->clients; c; c = c->next)
		monitors += c->monitor;
	for (b = 0; b < d->nbuckets; b++) {
		const struct zrtpd_session *s;

		for (s = d->by_id[b]; s; s = s->next_id)
			by_state[s->state]++;
	}
	return monitors;
}

static int c_status(struct req *r)
{
	struct zrtpd *d = r->d;
	struct zrtpd_stats *st = &d->stats;
	unsigned int by_state[5], monitors;
	char zid[25];

	if (no_more(r, 1))
		return -1;
	monitors = count_states(d, by_state);
	zrtpd_hex(d->zid, sizeof(d->zid), zid);
	if (r->json) {
		sbuf_printf(r->b, "{\"pid\":%d,\"zid\":\"%s\",\"kernel\":\"%s\",\"policy\":\"%s\","
			    "\"cache\":\"%s\",\"sessions\":%u,\"handshake\":%u,\"switching\":%u,"
			    "\"secure\":%u,\"clear\":%u,\"failed\":%u,\"queued\":%u,\"monitors\":%u,",
			    (int)getpid(), zid, d->k->ops->name,
			    d->cfg.policy ? "require-secure" : "opportunistic", d->cfg.cache_path,
			    d->nsessions, by_state[ZS_HANDSHAKE], by_state[ZS_SWITCHING], by_state[ZS_SECURE],
			    by_state[ZS_CLEAR], by_state[ZS_FAILED], d->nqueued, monitors);
		sbuf_printf(r->b, "\"counters\":{\"started\":%llu,\"secure\":%llu,\"failed\":%llu,"
			    "\"clear\":%llu,\"zrtp_rx\":%llu,\"zrtp_tx\":%llu,\"zrtp_unknown\":%llu,"
			    "\"key_errors\":%llu,\"redials\":%llu,\"hellos_ignored\":%llu}}\n",
			    (unsigned long long)st->started, (unsigned long long)st->secure,
			    (unsigned long long)st->failed, (unsigned long long)st->clear,
			    (unsigned long long)st->zrtp_rx, (unsigned long long)st->zrtp_tx,
			    (unsigned long long)st->zrtp_unknown, (unsigned long long)st->key_errors,
			    (unsigned long long)st->redials, (unsigned long long)st->hellos_ignored);
		return 0;
	}
	sbuf_printf(r->b, "zrtpd pid %d, ZID %s, kernel link %s, policy %s\n", (int)getpid(), zid,
		    d->k->ops->name, d->cfg.policy ? "require-secure" : "opportunistic");
	sbuf_printf(r->b, "cache: %s\n", d->cfg.cache_path[0] ? d->cfg.cache_path : "(none)");
	sbuf_printf(r->b, "sessions: %u (%u handshake, %u switching, %u secure, %u clear, %u failed)\n",
		    d->nsessions, by_state[ZS_HANDSHAKE], by_state[ZS_SWITCHING], by_state[ZS_SECURE],
		    by_state[ZS_CLEAR],
		    by_state[ZS_FAILED]);
	sbuf_printf(r->b, "since start: %llu started, %llu secure, %llu failed; ZRTP %llu in, %llu out\n",
		    (unsigned long long)st->started, (unsigned long long)st->secure,
		    (unsigned long long)st->failed, (unsigned long long)st->zrtp_rx,
		    (unsigned long long)st->zrtp_tx);
	if (st->redials || st->hellos_ignored)
		sbuf_printf(r->b, "redials: %llu new ZRTP sessions on calls, %llu Hellos ignored "
			    "on live calls\n", (unsigned long long)st->redials,
			    (unsigned long long)st->hellos_ignored);
	return 0;
}

/*
 * Prometheus text exposition (format 0.0.4) of the daemon's own numbers;
 * zrtpctl metrics adds the kernel's and serves both (operations.md).
 */
static int c_metrics(struct req *r)
{
	static const char *const state_names[] = {
		[ZS_HANDSHAKE] = "handshake", [ZS_SWITCHING] = "switching", [ZS_SECURE] = "secure",
		[ZS_CLEAR] = "clear", [ZS_FAILED] = "failed",
	};
	const struct {
		const char *name, *help;
		uint64_t v;
	} counters[] = {
		{ "zrtpd_sessions_started_total", "ZRTP sessions started", r->d->stats.started },
		{ "zrtpd_sessions_secured_total", "Sessions that became secure", r->d->stats.secure },
		{ "zrtpd_sessions_failed_total", "Sessions that failed (error or timeout)",
		  r->d->stats.failed },
		{ "zrtpd_sessions_clear_total", "Sessions that ended clear (no ZRTP peer, GoClear)",
		  r->d->stats.clear },
		{ "zrtpd_sessions_keyed_total", "Handshakes that installed keys in the kernel",
		  r->d->stats.keyed },
		{ "zrtpd_sessions_refused_total", "Watch sessions refused by a bound",
		  r->d->stats.refused },
		{ "zrtpd_zrtp_received_packets_total", "ZRTP packets received", r->d->stats.zrtp_rx },
		{ "zrtpd_zrtp_sent_packets_total", "ZRTP packets sent", r->d->stats.zrtp_tx },
		{ "zrtpd_zrtp_ignored_packets_total",
		  "ZRTP packets ignored: for no session, or not a valid Hello on a watched port",
		  r->d->stats.zrtp_unknown + r->d->stats.not_hello },
		{ "zrtpd_unverified_budget_drops_total",
		  "Packets not sent to a peer that has not answered yet", r->d->stats.budget_drops },
		{ "zrtpd_dh_admitted_total", "Watch sessions let into key agreement",
		  r->d->stats.dh_admitted },
		{ "zrtpd_dh_deferred_total", "Commits deferred by the key agreement rate limit",
		  r->d->stats.dh_deferred },
		{ "zrtpd_key_errors_total", "Kernel refusals of a key or flow change",
		  r->d->stats.key_errors },
	};
	struct zrtpd *d = r->d;
	unsigned int i, by_state[5], monitors;

	if (no_more(r, 1))
		return -1;
	monitors = count_states(d, by_state);
	sbuf_printf(r->b, "# HELP zrtpd_up Whether zrtpd answered.\n# TYPE zrtpd_up gauge\n"
		    "zrtpd_up 1\n");
	sbuf_printf(r->b, "# HELP zrtpd_info zrtpd's policy and kernel link.\n"
		    "# TYPE zrtpd_info gauge\nzrtpd_info{policy=\"%s\",kernel=\"%s\"} 1\n",
		    d->cfg.policy ? "require-secure" : "opportunistic", d->k->ops->name);
	sbuf_printf(r->b, "# HELP zrtpd_sessions Sessions by state.\n# TYPE zrtpd_sessions gauge\n");
	for (i = 0; i < 5; i++)
		sbuf_printf(r->b, "zrtpd_sessions{state=\"%s\"} %u\n", state_names[i], by_state[i]);
	sbuf_printf(r->b, "# HELP zrtpd_sessions_queued Sessions waiting for a handshake slot.\n"
		    "# TYPE zrtpd_sessions_queued gauge\nzrtpd_sessions_queued %u\n", d->nqueued);
	sbuf_printf(r->b, "# HELP zrtpd_monitors Clients following events.\n"
		    "# TYPE zrtpd_monitors gauge\nzrtpd_monitors %u\n", monitors);
	for (i = 0; i < sizeof(counters) / sizeof(counters[0]); i++)
		sbuf_printf(r->b, "# HELP %s %s.\n# TYPE %s counter\n%s %llu\n", counters[i].name,
			    counters[i].help, counters[i].name, counters[i].name,
			    (unsigned long long)counters[i].v);
	return 0;
}

static int c_monitor(struct req *r)
{
	return no_more(r, 1);	/* the caller keeps the connection */
}

static const struct {
	const char *name;
	int (*fn)(struct req *r);
	enum ctl_access need;	/* CTL_ADMIN: changes state, logged with the peer */
} commands[] = {
	{ "list", c_list, CTL_READ },
	{ "show", c_show, CTL_READ },
	{ "verify", c_verify, CTL_ADMIN },
	{ "unverify", c_verify, CTL_ADMIN },
	{ "relay-sas", c_relay_sas, CTL_ADMIN },
	{ "flow-add", c_flow_add, CTL_ADMIN },
	{ "flow-del", c_flow_del, CTL_ADMIN },
	{ "relay-add", c_relay_add, CTL_ADMIN },
	{ "hello-hash", c_hello_hash, CTL_READ },
	{ "peer-hash", c_peer_hash, CTL_ADMIN },
	{ "watch-add", c_watch, CTL_ADMIN },
	{ "watch-del", c_watch, CTL_ADMIN },
	{ "watch-list", c_watch, CTL_READ },
	{ "status", c_status, CTL_READ },
	{ "metrics", c_metrics, CTL_READ },
	{ "monitor", c_monitor, CTL_READ },
};

/* The in-process caller (tests, zrtpd_ctl_request) is the daemon itself. */
static const struct ctl_peer self_peer = { .pid = 0, .uid = 0, .gid = 0, .access = CTL_ADMIN };

/* Splits line in place; runs it; *json and *monitor tell the caller. */
static void run(struct zrtpd *d, const struct ctl_peer *peer, char *line, struct sbuf *reply,
		bool *json, bool *monitor)
{
	char *argv[CTL_MAX_WORDS], *save = NULL, *w, logline[CTL_MAX_LINE];
	struct sbuf body = { 0 };
	struct req r = { .d = d, .peer = peer, .b = &body };
	size_t i;

	snprintf(logline, sizeof(logline), "%s", line);
	logline[strcspn(logline, "\r\n")] = 0;
	for (w = strtok_r(line, " \t\r\n", &save); w; w = strtok_r(NULL, " \t\r\n", &save)) {
		if (r.argc == CTL_MAX_WORDS) {
			fail(&r, "too many words");
			goto out;
		}
		argv[r.argc++] = w;
	}
	r.argv = argv;
	if (r.argc && !strcmp(argv[0], "json")) {
		r.json = true;
		r.argv++;
		r.argc--;
	}
	*json = r.json;
	if (!r.argc) {
		fail(&r, "empty request");
		goto out;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, r.argv[0]))
			break;
	if (i == sizeof(commands) / sizeof(commands[0])) {
		fail(&r, "unknown command '%s'", r.argv[0]);
	} else if (peer->access < commands[i].need) {
		fail(&r, "permission denied: '%s' needs %s", r.argv[0],
		     commands[i].need == CTL_ADMIN ? "root or CAP_NET_ADMIN" :
		     "root, CAP_NET_ADMIN or the control-group");
		zrtpd_log(d, 1, "control: uid %u pid %d refused: %s", (unsigned int)peer->uid,
			  (int)peer->pid, logline);
	} else {
		int ret = commands[i].fn(&r);

		if (ret == 0 && commands[i].fn == c_monitor)
			*monitor = true;
		/* every state change, with who asked for it */
		if (commands[i].need == CTL_ADMIN)
			zrtpd_log(d, 0, "control: uid %u pid %d: %s: %s", (unsigned int)peer->uid,
				  (int)peer->pid, logline, r.err[0] ? r.err : "done");
	}
out:
	if (r.err[0] || body.oom) {
		sbuf_printf(reply, "error %s\n", r.err[0] ? r.err : "out of memory");
	} else {
		sbuf_add(reply, "ok\n", 3);
		if (body.len)
			sbuf_add(reply, body.p, body.len);
	}
	sbuf_free(&body);
}

int zrtpd_ctl_request(struct zrtpd *d, const char *line, char **reply, size_t *len)
{
	struct sbuf out = { 0 };
	bool json = false, monitor = false;
	char *copy = strdup(line);

	if (!copy)
		return -ENOMEM;
	run(d, &self_peer, copy, &out, &json, &monitor);
	free(copy);
	if (out.oom) {
		sbuf_free(&out);
		return -ENOMEM;
	}
	*reply = out.p;
	*len = out.len;
	return 0;
}

/* ---- the socket ---------------------------------------------------------------- */

static void client_free(struct zrtpd *d, struct zrtpd_client *c)
{
	struct zrtpd_client **pp;

	for (pp = &d->clients; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	sbuf_free(&c->out);
	free(c);
}

/* Writes what it can; 0 still open, -1 freed. */
static int client_flush(struct zrtpd *d, struct zrtpd_client *c)
{
	struct epoll_event ev = { .data.u64 = (uintptr_t)c };

	while (c->off < c->out.len) {
		ssize_t n = write(c->fd, c->out.p + c->off, c->out.len - c->off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			client_free(d, c);
			return -1;
		}
		c->off += (size_t)n;
	}
	if (c->off == c->out.len) {
		c->off = c->out.len = 0;
		if (c->done && !c->monitor) {
			client_free(d, c);
			return -1;
		}
	}
	ev.events = EPOLLIN | (c->off < c->out.len ? EPOLLOUT : 0);
	epoll_ctl(d->epfd, EPOLL_CTL_MOD, c->fd, &ev);
	return 0;
}

void zrtpd_ctl_client_io(struct zrtpd *d, struct zrtpd_client *c, uint32_t events)
{
	char *nl;
	ssize_t n;

	if (events & EPOLLOUT && client_flush(d, c))
		return;
	if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	n = read(c->fd, c->in + c->inlen, sizeof(c->in) - 1 - c->inlen);
	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		client_free(d, c);	/* peer closed (a monitor ending) */
		return;
	}
	if (c->done)
		return;		/* a monitor sends nothing more */
	c->inlen += (size_t)n;
	c->in[c->inlen] = 0;
	nl = strchr(c->in, '\n');
	if (!nl) {
		if (c->inlen == sizeof(c->in) - 1) {
			sbuf_printf(&c->out, "error request longer than %d bytes\n", CTL_MAX_LINE - 1);
			c->done = true;
			client_flush(d, c);
		}
		return;
	}
	*nl = 0;
	run(d, &c->peer, c->in, &c->out, &c->json, &c->monitor);
	c->done = true;
	client_flush(d, c);
}

/* Does the process hold CAP_NET_ADMIN, or belong to gid (any of its groups)? */
static void proc_status(pid_t pid, gid_t gid, bool *net_admin, bool *in_group)
{
	char path[64], line[1024];
	FILE *f;

	*net_admin = *in_group = false;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "CapEff:", 7)) {
			unsigned long long caps = strtoull(line + 7, NULL, 16);

			*net_admin = caps & (1ULL << 12);	/* CAP_NET_ADMIN */
		} else if (!strncmp(line, "Groups:", 7) && gid != (gid_t)-1) {
			char *p = line + 7, *end;

			for (;;) {
				unsigned long g = strtoul(p, &end, 10);

				if (end == p)
					break;
				if (g == gid)
					*in_group = true;
				p = end;
			}
		}
	}
	fclose(f);
}

/*
 * SO_PEERCRED: who is at the other end.  Root or CAP_NET_ADMIN (the right
 * the kernel asks for the same changes over netlink) may change state;
 * members of control-group may read; anyone else is refused.  The socket's
 * mode is the first gate, this the second.
 */
static void peer_identify(struct zrtpd *d, int fd, struct ctl_peer *p)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	bool net_admin, in_group;

	p->access = CTL_NONE;
	p->uid = (uid_t)-1;
	p->pid = 0;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0)
		return;
	p->pid = cr.pid;
	p->uid = cr.uid;
	p->gid = cr.gid;
	proc_status(cr.pid, d->cfg.ctl_gid, &net_admin, &in_group);
	if (cr.uid == 0 || net_admin)
		p->access = CTL_ADMIN;
	else if (d->cfg.ctl_gid != (gid_t)-1 && (cr.gid == d->cfg.ctl_gid || in_group))
		p->access = CTL_READ;
}

void zrtpd_ctl_accept(struct zrtpd *d)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct zrtpd_client *c;
	int fd;

	while ((fd = accept4(d->ctl_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			return;
		}
		c->fd = fd;
		c->accepted_ms = d->now;
		peer_identify(d, fd, &c->peer);
		ev.data.u64 = (uintptr_t)c;
		if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			close(fd);
			free(c);
			return;
		}
		c->next = d->clients;
		d->clients = c;
	}
}

/*
 * A client that connects and never sends its request would hold a file
 * descriptor forever: close it after CTL_REQUEST_TIMEOUT_MS.  Returns the
 * ms until the next sweep is needed, or -1.
 */
int zrtpd_ctl_sweep(struct zrtpd *d)
{
	struct zrtpd_client *c, *next;
	int wait = -1;

	for (c = d->clients; c; c = next) {
		uint64_t due = c->accepted_ms + CTL_REQUEST_TIMEOUT_MS;

		next = c->next;
		if (c->done)
			continue;
		if (d->now >= due) {
			client_free(d, c);
			continue;
		}
		if (wait < 0 || (int)(due - d->now) < wait)
			wait = (int)(due - d->now);
	}
	return wait;
}

void zrtpd_ctl_event(struct zrtpd *d, const char *what, const struct zrtpd_session *s,
		     const char *detail)
{
	struct zrtpd_client *c, *next;
	struct sbuf js = { 0 }, tx = { 0 };
	bool any = false;

	for (c = d->clients; c; c = c->next)
		any |= c->monitor;
	if (!any)
		return;
	sbuf_printf(&js, "{\"event\":\"%s\",\"session\":", what);
	session_json(d, &js, s, NULL);
	if (detail) {
		sbuf_add(&js, ",\"detail\":", 10);
		sbuf_json_str(&js, detail);
	}
	sbuf_add(&js, "}\n", 2);
	sbuf_printf(&tx, "%s: ", what);
	session_text(&tx, s, false, NULL);
	if (detail) {
		tx.len--;	/* before the newline */
		sbuf_printf(&tx, "  (%s)\n", detail);
	}
	for (c = d->clients; c; c = next) {
		const struct sbuf *m = c->json ? &js : &tx;

		next = c->next;
		if (!c->monitor)
			continue;
		if (c->out.len > CTL_MONITOR_MAX_BACKLOG) {
			client_free(d, c);	/* a monitor that does not read */
			continue;
		}
		sbuf_add(&c->out, m->p, m->len);
		client_flush(d, c);
	}
	sbuf_free(&js);
	sbuf_free(&tx);
}

int zrtpd_ctl_open(struct zrtpd *d)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = ZP_CTL };
	mode_t old;
	int fd, probe;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", d->cfg.ctl_path);
	/* a live socket means another zrtpd; a dead one is left over */
	probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (probe >= 0 && connect(probe, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		close(probe);
		fprintf(stderr, "zrtpd: another zrtpd is running at %s\n", d->cfg.ctl_path);
		return -EADDRINUSE;
	}
	if (probe >= 0)
		close(probe);
	unlink(d->cfg.ctl_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	old = umask(0177);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int e = errno;

		umask(old);
		close(fd);
		fprintf(stderr, "zrtpd: control socket %s: %s\n", d->cfg.ctl_path, strerror(e));
		return -e;
	}
	umask(old);
	if (chmod(d->cfg.ctl_path, d->cfg.ctl_mode) < 0 ||
	    (d->cfg.ctl_gid != (gid_t)-1 && chown(d->cfg.ctl_path, (uid_t)-1, d->cfg.ctl_gid) < 0) ||
	    listen(fd, 64) < 0 || epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int e = errno;

		close(fd);
		unlink(d->cfg.ctl_path);
		fprintf(stderr, "zrtpd: control socket %s: %s\n", d->cfg.ctl_path, strerror(e));
		return -e;
	}
	d->ctl_fd = fd;
	return 0;
}

void zrtpd_ctl_close(struct zrtpd *d)
{
	while (d->clients)
		client_free(d, d->clients);
	if (d->ctl_fd >= 0) {
		close(d->ctl_fd);
		unlink(d->cfg.ctl_path);
	}
	d->ctl_fd = -1;
}
