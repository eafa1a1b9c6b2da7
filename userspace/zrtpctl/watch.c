// SPDX-License-Identifier: GPL-2.0
/*
 * zrtpctl watch add udp:MIN-MAX | del udp:MIN-MAX | list
 *
 * A watched range makes zrtpd start ZRTP on every new flow the kernel sees
 * there (outgoing RTP, or an incoming ZRTP Hello).
 */
#include <stdio.h>
#include <string.h>

#include "zrtpctl.h"

int cmd_watch(int argc, char **argv, const struct ctl_opts *o)
{
	if (argc == 0 || (argc == 1 && !strcmp(argv[0], "list")))
		return ctl_call(o, "watch-list", 0, argv, false);
	if (argc == 2 && !strcmp(argv[0], "add"))
		return ctl_call(o, "watch-add", 1, argv + 1, false);
	if (argc == 2 && !strcmp(argv[0], "del"))
		return ctl_call(o, "watch-del", 1, argv + 1, false);
	fputs("usage: zrtpctl watch { add udp:MIN-MAX | del udp:MIN-MAX | list }\n", stderr);
	return 2;
}
