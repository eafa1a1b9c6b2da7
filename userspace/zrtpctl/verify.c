// SPDX-License-Identifier: GPL-2.0
/*
 * zrtpctl verify FLOW / zrtpctl unverify FLOW
 *
 * The users compared the SAS aloud: record it (RFC 6189 §4.6.1, the V flag
 * in the cache), so later calls with this peer show "verified".
 */
#include <stdio.h>
#include <string.h>

#include "zrtpctl.h"

int cmd_verify(int argc, char **argv, const struct ctl_opts *o)
{
	const char *verb = argv[-1];

	if (!argc) {
		fprintf(stderr, "usage: zrtpctl %s FLOW\n", verb);
		return 2;
	}
	return ctl_call(o, strcmp(verb, "unverify") ? "verify" : "unverify", argc, argv, false);
}
