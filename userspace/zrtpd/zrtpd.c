// SPDX-License-Identifier: GPL-2.0
/*
 * zrtpd: the ZRTP daemon.
 *
 * What exists today: it finds the ksrtp family and reads the flows back by
 * dump, which is how a restarted daemon resumes.  The ZRTP sessions, the
 * control socket and watch mode are the work of issue 6 and not here yet;
 * zrtpd refuses to pretend otherwise.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ksrtp_nl.h"

static int print_flow(const struct ksrtp_flow_info *f, void *arg)
{
	char l[64], r[64];
	unsigned int *n = arg;

	printf("zrtpd: flow %u: %s -> %s\n", f->id,
	       ksrtp_format_sockaddr(&f->local, l, sizeof(l)),
	       ksrtp_format_sockaddr(&f->remote, r, sizeof(r)));
	(*n)++;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "check", no_argument, NULL, 'c' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ksrtp_nl nl;
	unsigned int n = 0;
	int c, check = 0, ret;

	while ((c = getopt_long(argc, argv, "cVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			check = 1;
			break;
		case 'V':
			puts("zrtpd 0.1.0");
			return 0;
		case 'h':
			puts("Usage: zrtpd --check    verify the kernel link and list the flows a restart would resume");
			return 0;
		default:
			return 2;
		}
	}
	if (!check) {
		fputs("zrtpd: running ZRTP sessions is not implemented yet; only --check works\n", stderr);
		return 1;
	}
	ret = ksrtp_nl_open(&nl);
	if (ret == -ENOENT) {
		fputs("zrtpd: the ksrtp kernel module is not loaded (modprobe ksrtp)\n", stderr);
		return 1;
	} else if (ret) {
		fprintf(stderr, "zrtpd: netlink: %s\n", strerror(-ret));
		return 1;
	}
	ret = ksrtp_nl_flow_dump(&nl, print_flow, &n);
	ksrtp_nl_close(&nl);
	if (ret) {
		fprintf(stderr, "zrtpd: reading flows: %s\n", strerror(-ret));
		return 1;
	}
	printf("zrtpd: kernel link ok, %u flows\n", n);
	return 0;
}
