// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the ADDR:PORT parser (zrtpctl, zrtpd, the kernel
 * tests).  Whatever it accepts must format and parse back to the same
 * address.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ksrtp_nl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ksrtp_sockaddr a, b;
	char in[128], out[80];

	if (size >= sizeof(in))
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	if (ksrtp_parse_sockaddr(in, &a))
		return 0;
	if (a.port == 0 || (a.family != 2 && a.family != 10))
		abort();
	ksrtp_format_sockaddr(&a, out, sizeof(out));
	if (ksrtp_parse_sockaddr(out, &b) || memcmp(&a, &b, sizeof(a)))
		abort();
	return 0;
}
