// SPDX-License-Identifier: GPL-2.0
/*
 * zrtpctl session add local ADDR:PORT remote ADDR:PORT [require-secure|opportunistic]
 *                     [role auto|initiator|responder] [peer-hash [1.10] HEX]
 *                     [rtcp port+1|mux|LPORT:RPORT | rtcp-mux]
 * zrtpctl session del FLOW
 * zrtpctl session list | show FLOW
 *
 * "session add" asks zrtpd to create the kernel flow and run ZRTP on it;
 * "flow add" (netlink, no zrtpd) only creates the flow.
 */
#include <stdio.h>
#include <string.h>

#include "zrtpctl.h"

static const char *const usage =
	"usage: zrtpctl session add local ADDR:PORT remote ADDR:PORT [require-secure|opportunistic]\n"
	"                           [role auto|initiator|responder] [peer-hash [1.10] HEX]\n"
	"                           [rtcp port+1|mux|LPORT:RPORT | rtcp-mux]\n"
	"       zrtpctl session del FLOW\n"
	"       zrtpctl session list | show FLOW\n";

int cmd_session(int argc, char **argv, const struct ctl_opts *o)
{
	if (argc < 1) {
		fputs(usage, stderr);
		return 2;
	}
	if (!strcmp(argv[0], "add"))
		return ctl_call(o, "flow-add", argc - 1, argv + 1, false);
	if (!strcmp(argv[0], "del"))
		return ctl_call(o, "flow-del", argc - 1, argv + 1, false);
	if (!strcmp(argv[0], "list"))
		return cmd_list(argc - 1, argv + 1, o);
	if (!strcmp(argv[0], "show"))
		return cmd_show(argc - 1, argv + 1, o);
	fprintf(stderr, "zrtpctl: unknown session command '%s'\n%s", argv[0], usage);
	return 2;
}
