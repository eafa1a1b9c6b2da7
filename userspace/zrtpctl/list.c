// SPDX-License-Identifier: GPL-2.0
/*
 * zrtpctl list                  every session: flow, state, cipher, SAS
 * zrtpctl show FLOW             one session in full, with its packet counters
 *
 * FLOW is a flow id, or "local ADDR:PORT remote ADDR:PORT".
 */
#include <stdio.h>

#include "zrtpctl.h"

int cmd_list(int argc, char **argv, const struct ctl_opts *o)
{
	if (argc) {
		fputs("usage: zrtpctl list\n", stderr);
		return 2;
	}
	return ctl_call(o, "list", 0, argv, false);
}

int cmd_show(int argc, char **argv, const struct ctl_opts *o)
{
	if (!argc)
		return cmd_list(argc, argv, o);
	return ctl_call(o, "show", argc, argv, false);
}
