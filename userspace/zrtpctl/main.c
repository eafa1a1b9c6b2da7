// SPDX-License-Identifier: GPL-2.0
/* zrtpctl: the operator's tool for ksrtp and zrtpd.  See zrtpctl(8). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ksrtp_nl.h"
#include "zrtpctl.h"

static const struct subcommand subcommands[] = {
	{ "info", cmd_info, "info",
	  "show the kernel module's version and features" },
	{ "flow", cmd_flow, "flow { add | del | show } ...",
	  "configure the UDP flows ksrtp handles" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: zrtpctl [-j] <command> [arguments]\n\n"
		   "Commands:\n");
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %-32s %s\n", subcommands[i].usage,
			subcommands[i].help);
	fprintf(f, "\nOptions:\n"
		   "  -j, --json    machine-readable JSON output\n"
		   "  -h, --help    this help\n");
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl_opts o = { 0 };
	size_t i;
	int c;

	while ((c = getopt_long(argc, argv, "+jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o.json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
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
