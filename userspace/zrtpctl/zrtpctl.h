/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ZRTPCTL_H
#define ZRTPCTL_H

#include <stdbool.h>

struct ctl_opts {
	bool json;
};

struct subcommand {
	const char *name;
	int (*fn)(int argc, char **argv, const struct ctl_opts *o);
	const char *usage;
	const char *help;
};

int cmd_info(int argc, char **argv, const struct ctl_opts *o);
int cmd_flow(int argc, char **argv, const struct ctl_opts *o);

/* Prints "zrtpctl: <what>: <strerror>[: <kernel message>]" and returns 1. */
struct ksrtp_nl;
int nl_fail(const struct ksrtp_nl *nl, const char *what, int err);
/* Opens the netlink link, explaining failure. */
int nl_open_or_explain(struct ksrtp_nl *nl);

#endif
