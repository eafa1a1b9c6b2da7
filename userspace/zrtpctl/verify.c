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

/* zrtpctl relay-sas FROM to TO: zrtpd as a trusted MiTM (RFC 6189 §7.3)
 * relays leg FROM's SAS to the enrolled phone of leg TO. */
int cmd_relay_sas(int argc, char **argv, const struct ctl_opts *o)
{
	if (argc < 2) {
		fprintf(stderr, "usage: zrtpctl relay-sas FROM to TO\n");
		return 2;
	}
	return ctl_call(o, "relay-sas", argc, argv, false);
}
