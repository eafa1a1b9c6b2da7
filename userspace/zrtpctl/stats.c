// SPDX-License-Identifier: GPL-2.0
/*
 * zrtpctl stats [ id N | local ADDR:PORT remote ADDR:PORT ]
 *
 * The kernel's counters per flow, straight over netlink (no zrtpd needed):
 * SRTP packets protected and unprotected, every kind of rejection, ZRTP
 * diverted and sent, and the installed keys (profile, ROC, packets; never
 * the key itself).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ksrtp.h>

#include "ksrtp_nl.h"
#include "zrtpctl.h"

static const char *const counter_names[KSRTP_NL_NSTATS] = {
	[KSRTP_A_STATS_TX_PACKETS] = "tx_packets",
	[KSRTP_A_STATS_TX_BYTES] = "tx_bytes",
	[KSRTP_A_STATS_RX_PACKETS] = "rx_packets",
	[KSRTP_A_STATS_RX_BYTES] = "rx_bytes",
	[KSRTP_A_STATS_RX_AUTH_FAIL] = "rx_auth_fail",
	[KSRTP_A_STATS_RX_REPLAY] = "rx_replay",
	[KSRTP_A_STATS_RX_TOO_OLD] = "rx_too_old",
	[KSRTP_A_STATS_RX_MALFORMED] = "rx_malformed",
	[KSRTP_A_STATS_RX_SSRC_LIMIT] = "rx_ssrc_limit",
	[KSRTP_A_STATS_TX_ERRORS] = "tx_errors",
	[KSRTP_A_STATS_CLEAR_DROPPED] = "clear_dropped",
	[KSRTP_A_STATS_CLEAR_PASSED] = "clear_passed",
	[KSRTP_A_STATS_ZRTP_RX] = "zrtp_rx",
	[KSRTP_A_STATS_ZRTP_TX] = "zrtp_tx",
	[KSRTP_A_STATS_ZRTP_DROPPED] = "zrtp_dropped",
	[KSRTP_A_STATS_GSO_REFUSED] = "gso_refused",
	[KSRTP_A_STATS_RELAY_PACKETS] = "relay_packets",
	[KSRTP_A_STATS_RELAY_BYTES] = "relay_bytes",
	[KSRTP_A_STATS_RELAY_MTU_DROPPED] = "relay_mtu_dropped",
	[KSRTP_A_STATS_RELAY_TTL_DROPPED] = "relay_ttl_dropped",
	[KSRTP_A_STATS_RELAY_ERRORS] = "relay_errors",
	[KSRTP_A_STATS_LATCH_DROPPED] = "latch_dropped",
	[KSRTP_A_STATS_ICMP_ERRORS] = "icmp_errors",
};

struct stats_state {
	bool json;
	unsigned int n;
};

static int print_stats(const struct ksrtp_flow_stats *s, void *arg)
{
	struct stats_state *st = arg;
	char l[64], r[64];
	unsigned int i;

	ksrtp_format_sockaddr(&s->flow.local, l, sizeof(l));
	ksrtp_format_sockaddr(&s->flow.remote, r, sizeof(r));
	if (st->json) {
		printf("%s{\"id\":%u,\"local\":\"%s\",\"remote\":\"%s\",\"mode\":\"%s\"", st->n ? "," : "",
		       s->flow.id, l, r, s->flow.mode == KSRTP_FLOW_MODE_SECURE ? "secure" : "divert");
		for (i = 0; i < KSRTP_NL_NSTATS; i++)
			if (counter_names[i])
				printf(",\"%s\":%" PRIu64, counter_names[i], s->c[i]);
		printf(",\"keys\":[");
		for (i = 0; i < s->nkeys; i++)
			printf("%s{\"dir\":\"%s\",\"slot\":%u,\"active\":%s,\"profile\":%u,\"roc\":%u,\"packets\":%" PRIu64 "}",
			       i ? "," : "", s->keys[i].dir == KSRTP_KEY_DIR_TX ? "tx" : "rx",
			       s->keys[i].slot, s->keys[i].active ? "true" : "false", s->keys[i].profile,
			       s->keys[i].roc, s->keys[i].packets);
		printf("]}");
	} else {
		printf("flow %u: %s -> %s mode %s\n", s->flow.id, l, r,
		       s->flow.mode == KSRTP_FLOW_MODE_SECURE ? "secure" : "divert");
		printf("  SRTP out: %" PRIu64 " packets, %" PRIu64 " bytes, %" PRIu64 " errors\n",
		       s->c[KSRTP_A_STATS_TX_PACKETS], s->c[KSRTP_A_STATS_TX_BYTES],
		       s->c[KSRTP_A_STATS_TX_ERRORS]);
		printf("  SRTP in:  %" PRIu64 " packets, %" PRIu64 " bytes; dropped: %" PRIu64
		       " auth, %" PRIu64 " replay, %" PRIu64 " too old, %" PRIu64 " malformed\n",
		       s->c[KSRTP_A_STATS_RX_PACKETS], s->c[KSRTP_A_STATS_RX_BYTES],
		       s->c[KSRTP_A_STATS_RX_AUTH_FAIL], s->c[KSRTP_A_STATS_RX_REPLAY],
		       s->c[KSRTP_A_STATS_RX_TOO_OLD], s->c[KSRTP_A_STATS_RX_MALFORMED]);
		/* the kernel counts both directions together */
		printf("  clear RTP/RTCP, both directions (sent + received): %" PRIu64
		       " passed, %" PRIu64 " dropped by policy\n",
		       s->c[KSRTP_A_STATS_CLEAR_PASSED], s->c[KSRTP_A_STATS_CLEAR_DROPPED]);
		printf("  ZRTP: %" PRIu64 " in, %" PRIu64 " out, %" PRIu64 " dropped (no zrtpd)\n",
		       s->c[KSRTP_A_STATS_ZRTP_RX], s->c[KSRTP_A_STATS_ZRTP_TX],
		       s->c[KSRTP_A_STATS_ZRTP_DROPPED]);
		if (s->c[KSRTP_A_STATS_RELAY_PACKETS] || s->c[KSRTP_A_STATS_RELAY_MTU_DROPPED] ||
		    s->c[KSRTP_A_STATS_RELAY_TTL_DROPPED] || s->c[KSRTP_A_STATS_RELAY_ERRORS])
			printf("  relayed to the other leg: %" PRIu64 " packets, %" PRIu64
			       " bytes; dropped: %" PRIu64 " past the MTU, %" PRIu64 " TTL, %" PRIu64
			       " errors\n", s->c[KSRTP_A_STATS_RELAY_PACKETS],
			       s->c[KSRTP_A_STATS_RELAY_BYTES], s->c[KSRTP_A_STATS_RELAY_MTU_DROPPED],
			       s->c[KSRTP_A_STATS_RELAY_TTL_DROPPED], s->c[KSRTP_A_STATS_RELAY_ERRORS]);
		if (s->c[KSRTP_A_STATS_ICMP_ERRORS])
			printf("  ICMP errors from the far side: %" PRIu64 "\n",
			       s->c[KSRTP_A_STATS_ICMP_ERRORS]);
		for (i = 0; i < s->nkeys; i++)
			printf("  key %s slot %u%s: profile %u, ROC %u, %" PRIu64 " packets\n",
			       s->keys[i].dir == KSRTP_KEY_DIR_TX ? "tx" : "rx", s->keys[i].slot,
			       s->keys[i].active ? " (active)" : "", s->keys[i].profile,
			       s->keys[i].roc, s->keys[i].packets);
	}
	st->n++;
	return 0;
}

int cmd_stats(int argc, char **argv, const struct ctl_opts *o)
{
	struct stats_state st = { o->json, 0 };
	struct ksrtp_flow_info f;
	struct ksrtp_flow_stats s;
	struct ksrtp_nl nl;
	char what[160];
	int ret;

	memset(&f, 0, sizeof(f));
	if (argc == 2 && !strcmp(argv[0], "id")) {
		f.id = (uint32_t)strtoul(argv[1], NULL, 10);
		if (!f.id) {
			fprintf(stderr, "zrtpctl: bad flow id '%s'\n", argv[1]);
			return 2;
		}
	} else if (argc == 4 && !strcmp(argv[0], "local") && !strcmp(argv[2], "remote")) {
		if (ksrtp_parse_sockaddr(argv[1], &f.local) || ksrtp_parse_sockaddr(argv[3], &f.remote)) {
			fprintf(stderr, "zrtpctl: bad address (want ADDR:PORT or [ADDR6]:PORT)\n");
			return 2;
		}
	} else if (argc) {
		fputs("usage: zrtpctl stats [ id N | local ADDR:PORT remote ADDR:PORT ]\n", stderr);
		return 2;
	}
	if (nl_open_or_explain(&nl))
		return 1;
	if (argc) {
		ret = ksrtp_nl_stats_get(&nl, &f, &s);
		if (ret) {
			if (f.id)
				snprintf(what, sizeof(what), "no such flow %u", f.id);
			else
				snprintf(what, sizeof(what), "no such flow %s \u2192 %s", argv[1], argv[3]);
			ret = ret == -ENOENT ? (fprintf(stderr, "zrtpctl: %s\n", what), 1) :
					       nl_fail(&nl, "stats", ret);
		} else {
			print_stats(&s, &st);
			if (o->json)
				putchar('\n');
		}
	} else {
		if (o->json)
			putchar('[');
		ret = ksrtp_nl_stats_dump(&nl, print_stats, &st);
		if (o->json)
			puts("]");
		if (ret)
			ret = nl_fail(&nl, "stats", ret);
	}
	ksrtp_nl_close(&nl);
	return ret;
}
