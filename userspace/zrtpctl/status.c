// SPDX-License-Identifier: GPL-2.0
/* zrtpctl status: the daemon: ZID, policy, session counts, counters. */
#include <stdio.h>

#include "zrtpctl.h"

int cmd_status(int argc, char **argv, const struct ctl_opts *o)
{
	if (argc) {
		fputs("usage: zrtpctl status\n", stderr);
		return 2;
	}
	return ctl_call(o, "status", 0, argv, false);
}
