// SPDX-License-Identifier: GPL-2.0
/* zrtpctl: the operator's tool for ksrtp and zrtpd.  See zrtpctl(8). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksrtp_nl.h"
#include "zrtpctl.h"

/* Kernel commands talk netlink; session commands talk to zrtpd. */
static const struct subcommand subcommands[] = {
	{ "info", cmd_info, "info",
	  "show the kernel module's version and features" },
	{ "flow", cmd_flow, "flow { add | del | show | set | key } ...",
	  "configure the UDP flows ksrtp handles (kernel only, no ZRTP)" },
	{ "relay", cmd_relay, "relay { add | del | show } ...",
	  "join two flows: the kernel forwards media between them (gateway)" },
	{ "stats", cmd_stats, "stats [FLOW]",
	  "the kernel's per-flow SRTP/ZRTP counters" },
	{ "status", cmd_status, "status",
	  "zrtpd: ZID, policy, sessions, counters" },
	{ "list", cmd_list, "list",
	  "zrtpd's sessions: state, cipher, SAS" },
	{ "show", cmd_show, "show FLOW",
	  "one session in full (peer ZID, algorithms, cache, packets)" },
	{ "session", cmd_session, "session { add | del | list | show } ...",
	  "start ZRTP on a flow (zrtpd creates it) or stop it" },
	{ "verify", cmd_verify, "verify FLOW",
	  "record that the SAS was compared and matched" },
	{ "unverify", cmd_verify, "unverify FLOW",
	  "clear the verified flag" },
	{ "relay-sas", cmd_relay_sas, "relay-sas FROM to TO",
	  "trusted MiTM: show leg FROM's SAS on the enrolled phone of leg TO" },
	{ "hello-hash", cmd_hello_hash, "hello-hash FLOW",
	  "our a=zrtp-hash line for the SDP" },
	{ "peer-hash", cmd_peer_hash, "peer-hash FLOW [1.10] HEX",
	  "the peer's a=zrtp-hash from its SDP" },
	{ "watch", cmd_watch, "watch { add | del } udp:MIN-MAX | list",
	  "start ZRTP automatically on new flows in a port range" },
	{ "monitor", cmd_monitor, "monitor",
	  "stream zrtpd's session events" },
	{ "metrics", cmd_metrics, "metrics [--per-flow]",
	  "kernel and zrtpd counters in Prometheus text format" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: zrtpctl [-j] [-s SOCKET] <command> [arguments]\n\n"
		   "Commands:\n");
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %-32s %s\n", subcommands[i].usage,
			subcommands[i].help);
	fprintf(f, "\nOptions:\n"
		   "  -j, --json           machine-readable JSON output\n"
		   "  -s, --socket PATH    zrtpd's control socket (default $ZRTPD_SOCKET or "
		   ZRTPD_DEFAULT_SOCKET ")\n"
		   "  -h, --help           this help\n"
		   "FLOW is a flow id or 'local ADDR:PORT remote ADDR:PORT'.  See zrtpctl(8).\n");
}

int nl_fail(const struct ksrtp_nl *nl, const char *what, int err)
{
	if (nl && nl->err_msg[0])
		fprintf(stderr, "zrtpctl: %s: %s: %s\n", what, strerror(-err),
			nl->err_msg);
	else
		fprintf(stderr, "zrtpctl: %s: %s\n", what, strerror(-err));
	return 1;
}

int nl_open_or_explain(struct ksrtp_nl *nl)
{
	int ret = ksrtp_nl_open(nl);

	if (ret == -ENOENT) {
		fprintf(stderr, "zrtpctl: the ksrtp kernel module is not loaded (modprobe ksrtp)\n");
		return 1;
	}
	if (ret)
		return nl_fail(NULL, "netlink", ret);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl_opts o = { .socket = getenv("ZRTPD_SOCKET") };
	size_t i;
	int c;

	while ((c = getopt_long(argc, argv, "+js:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o.json = true;
			break;
		case 's':
			o.socket = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!o.socket || !*o.socket)
		o.socket = ZRTPD_DEFAULT_SOCKET;
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
		if (!strcmp(argv[optind], subcommands[i].name))
			return subcommands[i].fn(argc - optind - 1,
						 argv + optind + 1, &o);
	}
	fprintf(stderr, "zrtpctl: unknown command '%s' (see zrtpctl --help)\n",
		argv[optind]);
	return 2;
}
