// SPDX-License-Identifier: GPL-2.0
/*
 * zrtpctl metrics [--per-flow]
 *
 * Prometheus text exposition (format 0.0.4) of the kernel's counters, summed
 * over the namespace's flows (or per flow with --per-flow: 16 series a
 * flow, so not by default on a gateway with thousands), followed by zrtpd's
 * own (the control socket's "metrics").  Meant for node_exporter's textfile
 * collector or any scraper that runs a command (operations.md, "Metrics").
 * A part that cannot be read says so in a gauge (ksrtp_up, zrtpd_up 0) and
 * the exit status is 1, so a scrape never silently loses a half.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ksrtp.h>

#include "ksrtp_nl.h"
#include "zrtpctl.h"

/* One series per counter: family, labels (what the counter is). */
static const struct {
	const char *family;
	const char *labels;
} series[KSRTP_NL_NSTATS] = {
	[KSRTP_A_STATS_TX_PACKETS] = { "ksrtp_srtp_packets_total", "direction=\"out\"" },
	[KSRTP_A_STATS_RX_PACKETS] = { "ksrtp_srtp_packets_total", "direction=\"in\"" },
	[KSRTP_A_STATS_TX_BYTES] = { "ksrtp_rtp_bytes_total", "direction=\"out\"" },
	[KSRTP_A_STATS_RX_BYTES] = { "ksrtp_rtp_bytes_total", "direction=\"in\"" },
	[KSRTP_A_STATS_RX_AUTH_FAIL] = { "ksrtp_dropped_packets_total", "reason=\"auth\"" },
	[KSRTP_A_STATS_RX_REPLAY] = { "ksrtp_dropped_packets_total", "reason=\"replay\"" },
	[KSRTP_A_STATS_RX_TOO_OLD] = { "ksrtp_dropped_packets_total", "reason=\"too_old\"" },
	[KSRTP_A_STATS_RX_MALFORMED] = { "ksrtp_dropped_packets_total", "reason=\"malformed\"" },
	[KSRTP_A_STATS_RX_SSRC_LIMIT] = { "ksrtp_dropped_packets_total", "reason=\"ssrc_limit\"" },
	[KSRTP_A_STATS_TX_ERRORS] = { "ksrtp_dropped_packets_total", "reason=\"tx_error\"" },
	[KSRTP_A_STATS_CLEAR_DROPPED] = { "ksrtp_dropped_packets_total", "reason=\"clear_refused\"" },
	[KSRTP_A_STATS_GSO_REFUSED] = { "ksrtp_dropped_packets_total", "reason=\"gso_refused\"" },
	[KSRTP_A_STATS_ZRTP_DROPPED] = { "ksrtp_dropped_packets_total", "reason=\"zrtp_no_listener\"" },
	[KSRTP_A_STATS_CLEAR_PASSED] = { "ksrtp_clear_passed_packets_total", "direction=\"in\"" },
	[KSRTP_A_STATS_ZRTP_RX] = { "ksrtp_zrtp_packets_total", "direction=\"in\"" },
	[KSRTP_A_STATS_ZRTP_TX] = { "ksrtp_zrtp_packets_total", "direction=\"out\"" },
	[KSRTP_A_STATS_RELAY_PACKETS] = { "ksrtp_relayed_packets_total", "direction=\"out\"" },
	[KSRTP_A_STATS_RELAY_BYTES] = { "ksrtp_relayed_bytes_total", "direction=\"out\"" },
	[KSRTP_A_STATS_RELAY_MTU_DROPPED] = { "ksrtp_dropped_packets_total", "reason=\"relay_mtu\"" },
	[KSRTP_A_STATS_RELAY_TTL_DROPPED] = { "ksrtp_dropped_packets_total", "reason=\"relay_ttl\"" },
	[KSRTP_A_STATS_RELAY_ERRORS] = { "ksrtp_dropped_packets_total", "reason=\"relay_error\"" },
	[KSRTP_A_STATS_LATCH_DROPPED] = { "ksrtp_dropped_packets_total", "reason=\"latch\"" },
	[KSRTP_A_STATS_ICMP_ERRORS] = { "ksrtp_icmp_errors_total", "direction=\"in\"" },
};

static const struct {
	const char *family, *help;
} families[] = {
	{ "ksrtp_srtp_packets_total", "SRTP/SRTCP packets protected (out) and authenticated (in)" },
	{ "ksrtp_rtp_bytes_total", "RTP/RTCP bytes before protection (out), after unprotection (in)" },
	{ "ksrtp_dropped_packets_total", "Packets of flows dropped by the kernel, by reason" },
	{ "ksrtp_clear_passed_packets_total", "Clear RTP passed before keys (opportunistic policy)" },
	{ "ksrtp_zrtp_packets_total", "ZRTP packets diverted to zrtpd (in) and sent for it (out)" },
	{ "ksrtp_relayed_packets_total", "RTP/RTCP packets a relay leg accepted and sent on its other leg" },
	{ "ksrtp_relayed_bytes_total", "RTP/RTCP bytes (clear) a relay leg accepted and sent on its other leg" },
	{ "ksrtp_icmp_errors_total", "ICMP/ICMPv6 errors quoting a datagram a flow sent" },
};

struct acc {
	bool per_flow;
	unsigned int flows, secure;
	uint64_t sum[KSRTP_NL_NSTATS];
	struct flow_row {
		uint32_t id;
		char local[64], remote[64];
		uint64_t c[KSRTP_NL_NSTATS];
	} *rows;
	size_t nrows, cap;
};

static int add_flow(const struct ksrtp_flow_stats *s, void *arg)
{
	struct acc *a = arg;
	unsigned int i;

	a->flows++;
	a->secure += s->flow.mode == KSRTP_FLOW_MODE_SECURE;
	for (i = 0; i < KSRTP_NL_NSTATS; i++)
		a->sum[i] += s->c[i];
	if (!a->per_flow)
		return 0;
	if (a->nrows == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 64;
		struct flow_row *r = realloc(a->rows, cap * sizeof(*r));

		if (!r)
			return -ENOMEM;
		a->rows = r;
		a->cap = cap;
	}
	a->rows[a->nrows].id = s->flow.id;
	ksrtp_format_sockaddr(&s->flow.local, a->rows[a->nrows].local, sizeof(a->rows[0].local));
	ksrtp_format_sockaddr(&s->flow.remote, a->rows[a->nrows].remote, sizeof(a->rows[0].remote));
	memcpy(a->rows[a->nrows].c, s->c, sizeof(s->c));
	a->nrows++;
	return 0;
}

/* Totals, or with --per-flow the same families one series per flow (sum()
 * in PromQL gives the totals back; both at once would count twice). */
static void print_kernel(const struct acc *a)
{
	size_t f, r;
	unsigned int i;

	printf("# HELP ksrtp_flows Flows configured in this network namespace.\n"
	       "# TYPE ksrtp_flows gauge\nksrtp_flows{mode=\"secure\"} %u\n"
	       "ksrtp_flows{mode=\"divert\"} %u\n", a->secure, a->flows - a->secure);
	for (f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		const char *fam = families[f].family;

		printf("# HELP %s %s.\n# TYPE %s counter\n", fam, families[f].help, fam);
		for (i = 0; i < KSRTP_NL_NSTATS; i++) {
			if (!series[i].family || strcmp(series[i].family, fam))
				continue;
			if (!a->per_flow) {
				printf("%s{%s} %" PRIu64 "\n", fam, series[i].labels, a->sum[i]);
				continue;
			}
			for (r = 0; r < a->nrows; r++)
				printf("%s{flow=\"%u\",local=\"%s\",remote=\"%s\",%s} %" PRIu64 "\n",
				       fam, a->rows[r].id, a->rows[r].local, a->rows[r].remote,
				       series[i].labels, a->rows[r].c[i]);
		}
	}
}

int cmd_metrics(int argc, char **argv, const struct ctl_opts *o)
{
	struct acc a = { 0 };
	struct ksrtp_nl nl;
	int ret = 0, rc = 0;

	if (argc == 1 && !strcmp(argv[0], "--per-flow")) {
		a.per_flow = true;
	} else if (argc) {
		fputs("usage: zrtpctl metrics [--per-flow]\n", stderr);
		return 2;
	}
	if (nl_open_or_explain(&nl)) {
		ret = -1;
	} else {
		ret = ksrtp_nl_stats_dump(&nl, add_flow, &a);
		if (ret)
			nl_fail(&nl, "metrics", ret);
		ksrtp_nl_close(&nl);
	}
	printf("# HELP ksrtp_up Whether the ksrtp module's counters could be read.\n"
	       "# TYPE ksrtp_up gauge\nksrtp_up %d\n", !ret);
	if (!ret)
		print_kernel(&a);
	else
		rc = 1;
	free(a.rows);
	fflush(stdout);
	if (ctl_call(o, "metrics", 0, NULL, false)) {
		printf("# HELP zrtpd_up Whether zrtpd answered.\n# TYPE zrtpd_up gauge\nzrtpd_up 0\n");
		rc = 1;
	}
	return rc;
}
