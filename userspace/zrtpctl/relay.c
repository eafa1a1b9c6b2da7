// SPDX-License-Identifier: GPL-2.0
/*
 * zrtpctl relay add LEG to LEG       join two flows: the kernel forwards
 * zrtpctl relay del id N             each one's accepted RTP/RTCP out of
 * zrtpctl relay show [id N]          the other (gateway mode, API 4)
 *   LEG: id N | local ADDR:PORT remote ADDR:PORT (a flow)
 * zrtpctl relay add LEG to LEG zrtp a|b|both [require-secure|opportunistic]
 *                   [role R] [peer-hash H]
 *     the same, through zrtpd, which runs ZRTP on leg a (or b) and never
 *     touches the other (Documentation/gateway.md); both:
 *     a session on each leg (trusted MiTM: SASrelay between them).  show
 *     adds each leg's zrtpd session (state, SAS) when zrtpd has one.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ksrtp.h>

#include "ksrtp_nl.h"
#include "zrtpctl.h"

static const char *const relay_usage =
	"usage: zrtpctl relay add { id N | local ADDR:PORT remote ADDR:PORT } to { id M | local ADDR:PORT remote ADDR:PORT }\n"
	"                         [zrtp a|b|both [require-secure|opportunistic] [role auto|initiator|responder] [peer-hash HEX]]\n"
	"       zrtpctl relay del id N\n"
	"       zrtpctl relay show [ id N ]\n";

/* "id N" or "local A remote B" in argv[0..argc) -> f; 0 or -1 (printed). */
static int parse_leg(int argc, char **argv, struct ksrtp_flow_info *f)
{
	char *end;
	unsigned long v;

	memset(f, 0, sizeof(*f));
	if (argc == 2 && !strcmp(argv[0], "id")) {
		v = strtoul(argv[1], &end, 10);
		if (!*argv[1] || *end || !v || v > 0xffffffffUL) {
			fprintf(stderr, "zrtpctl: bad flow id '%s'\n", argv[1]);
			return -1;
		}
		f->id = (uint32_t)v;
		return 0;
	}
	if (argc == 4 && !strcmp(argv[0], "local") && !strcmp(argv[2], "remote")) {
		if (ksrtp_parse_sockaddr(argv[1], &f->local) ||
		    ksrtp_parse_sockaddr(argv[3], &f->remote)) {
			fprintf(stderr, "zrtpctl: bad address in '%s %s %s %s' (want ADDR:PORT or [ADDR6]:PORT)\n",
				argv[0], argv[1], argv[2], argv[3]);
			return -1;
		}
		return 0;
	}
	fprintf(stderr, "zrtpctl: a leg is 'id N' or 'local ADDR:PORT remote ADDR:PORT'\n%s", relay_usage);
	return -1;
}

static int leg_id(struct ksrtp_nl *nl, const struct ksrtp_flow_info *f, uint32_t *id)
{
	struct ksrtp_flow_info out;
	char l[64], r[64], what[160];
	int ret;

	if (f->id) {
		*id = f->id;
		return 0;
	}
	ret = ksrtp_nl_flow_get(nl, f, &out);
	if (ret) {
		ksrtp_format_sockaddr(&f->local, l, sizeof(l));
		ksrtp_format_sockaddr(&f->remote, r, sizeof(r));
		snprintf(what, sizeof(what), "flow %s -> %s", l, r);
		return nl_fail(nl, what, ret);
	}
	*id = out.id;
	return 0;
}

/* zrtpd's session on flow @id (json: its object, else its summary line), or "". */
static void leg_session(const struct ctl_opts *o, uint32_t id, bool json, char *buf, size_t cap)
{
	char line[64];

	snprintf(line, sizeof(line), "%sshow id %u\n", json ? "json " : "", id);
	if (ctl_query(o, line, buf, cap))
		buf[0] = 0;
	buf[strcspn(buf, "\n")] = 0;
}

static void print_leg(struct ksrtp_nl *nl, const struct ctl_opts *o, const char *name, uint32_t id,
		      bool json)
{
	char sess[4096];
	struct ksrtp_flow_info f = { .id = id };
	struct ksrtp_flow_stats st;
	char l[64] = "?", r[64] = "?";
	const uint64_t *c = st.c;

	memset(&st, 0, sizeof(st));
	if (!ksrtp_nl_stats_get(nl, &f, &st)) {
		ksrtp_format_sockaddr(&st.flow.local, l, sizeof(l));
		ksrtp_format_sockaddr(&st.flow.remote, r, sizeof(r));
	}
	if (json) {
		printf("\"%s\":{\"flow\":%u,\"local\":\"%s\",\"remote\":\"%s\",\"mode\":\"%s\","
		       "\"relayed_packets\":%" PRIu64 ",\"relayed_bytes\":%" PRIu64
		       ",\"mtu_dropped\":%" PRIu64 ",\"ttl_dropped\":%" PRIu64 ",\"errors\":%" PRIu64
		       ",\"icmp_errors\":%" PRIu64,
		       name, id, l, r, st.flow.mode == KSRTP_FLOW_MODE_SECURE ? "secure" : "divert",
		       c[KSRTP_A_STATS_RELAY_PACKETS], c[KSRTP_A_STATS_RELAY_BYTES],
		       c[KSRTP_A_STATS_RELAY_MTU_DROPPED], c[KSRTP_A_STATS_RELAY_TTL_DROPPED],
		       c[KSRTP_A_STATS_RELAY_ERRORS], c[KSRTP_A_STATS_ICMP_ERRORS]);
		leg_session(o, id, true, sess, sizeof(sess));
		/* "session": zrtpd's, as "zrtpctl -j show" prints it; null: none */
		printf(",\"session\":%s}", sess[0] == '{' ? sess : "null");
		return;
	}
	printf("  leg %s: flow %u %s -> %s (%s): relayed %" PRIu64 " packets (%" PRIu64
	       " bytes); dropped: %" PRIu64 " past the MTU, %" PRIu64 " TTL, %" PRIu64
	       " errors; %" PRIu64 " ICMP errors back\n",
	       name, id, l, r, st.flow.mode == KSRTP_FLOW_MODE_SECURE ? "secure" : "divert",
	       c[KSRTP_A_STATS_RELAY_PACKETS], c[KSRTP_A_STATS_RELAY_BYTES],
	       c[KSRTP_A_STATS_RELAY_MTU_DROPPED], c[KSRTP_A_STATS_RELAY_TTL_DROPPED],
	       c[KSRTP_A_STATS_RELAY_ERRORS], c[KSRTP_A_STATS_ICMP_ERRORS]);
	leg_session(o, id, false, sess, sizeof(sess));
	if (sess[0])
		printf("    zrtpd: %s\n", sess);
}

static void print_relay(struct ksrtp_nl *nl, const struct ctl_opts *o,
			const struct ksrtp_relay_info *r, bool json)
{
	if (json) {
		printf("{\"id\":%u,", r->id);
		print_leg(nl, o, "a", r->flow_a, true);
		putchar(',');
		print_leg(nl, o, "b", r->flow_b, true);
		putchar('}');
		return;
	}
	printf("relay %u: flow %u <-> flow %u\n", r->id, r->flow_a, r->flow_b);
	print_leg(nl, o, "a", r->flow_a, false);
	print_leg(nl, o, "b", r->flow_b, false);
}

/* Collected first: the legs' stats need the socket the dump is using. */
struct collect {
	struct ksrtp_relay_info *v;
	size_t n, cap;
};

static int collect_one(const struct ksrtp_relay_info *r, void *arg)
{
	struct collect *c = arg;

	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		struct ksrtp_relay_info *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return -1;
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = *r;
	return 0;
}

int cmd_relay(int argc, char **argv, const struct ctl_opts *o)
{
	struct ksrtp_flow_info fa, fb;
	struct ksrtp_relay_info r;
	struct ksrtp_nl nl;
	char what[64];
	int i, to = -1, ret = 0;

	if (argc < 1) {
		fputs(relay_usage, stderr);
		return 2;
	}
	if (!strcmp(argv[0], "add")) {
		for (i = 1; i < argc; i++)
			if (!strcmp(argv[i], "to"))
				to = i;
		if (to < 0) {
			fprintf(stderr, "zrtpctl: relay add needs two legs: LEG to LEG\n%s", relay_usage);
			return 2;
		}
		/* ZRTP on a leg: zrtpd sets the relay up (and checks the words) */
		for (i = to + 1; i < argc; i++)
			if (!strcmp(argv[i], "zrtp"))
				return ctl_call(o, "relay-add", argc - 1, argv + 1, false);
		if (parse_leg(to - 1, argv + 1, &fa) || parse_leg(argc - to - 1, argv + to + 1, &fb))
			return 2;
	} else if (!strcmp(argv[0], "del") || !strcmp(argv[0], "show") || !strcmp(argv[0], "list")) {
		memset(&r, 0, sizeof(r));
		if (argc == 3 && !strcmp(argv[1], "id")) {
			char *end;
			unsigned long v = strtoul(argv[2], &end, 10);

			if (!*argv[2] || *end || !v || v > 0xffffffffUL) {
				fprintf(stderr, "zrtpctl: bad relay id '%s'\n", argv[2]);
				return 2;
			}
			r.id = (uint32_t)v;
		} else if (argc != 1 || !strcmp(argv[0], "del")) {
			fputs(relay_usage, stderr);
			return 2;
		}
	} else {
		fprintf(stderr, "zrtpctl: unknown relay command '%s'\n%s", argv[0], relay_usage);
		return 2;
	}
	if (nl_open_or_explain(&nl))
		return 1;
	if (!strcmp(argv[0], "add")) {
		uint32_t a, b;

		ret = leg_id(&nl, &fa, &a);
		if (!ret)
			ret = leg_id(&nl, &fb, &b);
		if (!ret) {
			ret = ksrtp_nl_relay_new(&nl, a, b, &r);
			if (ret) {
				snprintf(what, sizeof(what), "relay flow %u <-> flow %u", a, b);
				ret = nl_fail(&nl, what, ret);
			} else {
				print_relay(&nl, o, &r, o->json);
				if (o->json)
					putchar('\n');
			}
		}
	} else if (!strcmp(argv[0], "del")) {
		ret = ksrtp_nl_relay_del(&nl, r.id);
		if (ret == -ENOENT && !nl.err_msg[0])
			snprintf(nl.err_msg, sizeof(nl.err_msg), "no such relay");
		if (ret) {
			snprintf(what, sizeof(what), "relay %u", r.id);
			ret = nl_fail(&nl, what, ret);
		}
	} else if (r.id) {
		uint32_t id = r.id;

		ret = ksrtp_nl_relay_get(&nl, id, &r);
		if (ret == -ENOENT && !nl.err_msg[0])
			snprintf(nl.err_msg, sizeof(nl.err_msg), "no such relay");
		if (ret) {
			snprintf(what, sizeof(what), "relay %u", id);
			ret = nl_fail(&nl, what, ret);
		} else {
			print_relay(&nl, o, &r, o->json);
			if (o->json)
				putchar('\n');
		}
	} else {
		struct collect c = { 0 };
		size_t k;

		ret = ksrtp_nl_relay_dump(&nl, collect_one, &c);
		if (ret) {
			ret = nl_fail(&nl, "relay show", ret);
		} else {
			if (o->json)
				putchar('[');
			for (k = 0; k < c.n; k++) {
				if (o->json && k)
					putchar(',');
				print_relay(&nl, o, &c.v[k], o->json);
			}
			if (o->json)
				puts("]");
		}
		free(c.v);
	}
	ksrtp_nl_close(&nl);
	return ret;
}
