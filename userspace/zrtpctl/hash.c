// SPDX-License-Identifier: GPL-2.0
/*
 * zrtpctl hello-hash FLOW            our a=zrtp-hash, for the SDP we send
 * zrtpctl peer-hash FLOW [1.10] HEX  the peer's a=zrtp-hash, from its SDP
 *
 * RFC 6189 §8.1: with the peer's hash, a Hello that does not match it is
 * refused, which binds the ZRTP exchange to the signalling.
 */
#include <stdio.h>

#include "zrtpctl.h"

int cmd_hello_hash(int argc, char **argv, const struct ctl_opts *o)
{
	if (!argc) {
		fputs("usage: zrtpctl hello-hash FLOW\n", stderr);
		return 2;
	}
	return ctl_call(o, "hello-hash", argc, argv, false);
}

int cmd_peer_hash(int argc, char **argv, const struct ctl_opts *o)
{
	if (argc < 2) {
		fputs("usage: zrtpctl peer-hash FLOW [1.10] HEX\n", stderr);
		return 2;
	}
	return ctl_call(o, "peer-hash", argc, argv, false);
}
