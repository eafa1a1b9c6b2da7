// SPDX-License-Identifier: GPL-2.0
/*
 * zrtpctl monitor: one line per session event (started, secure, failed,
 * clear, verified, cache-mismatch, auth-fail, key-limit, removed) until
 * interrupted; with -j, one JSON object per line.
 */
#include <stdio.h>

#include "zrtpctl.h"

int cmd_monitor(int argc, char **argv, const struct ctl_opts *o)
{
	if (argc) {
		fputs("usage: zrtpctl monitor\n", stderr);
		return 2;
	}
	return ctl_call(o, "monitor", 0, argv, true);
}
