// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the SDES crypto attribute parser (libksrtp,
 * zrtpctl flow key).  Whatever it accepts must have a profile's key and
 * salt lengths and a reason-free result; whatever it refuses must give a
 * reason and leave the request as it was.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ksrtp.h>

#include "ksrtp_nl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ksrtp_key_req zero;
	struct ksrtp_key_req k;
	const char *why = NULL;
	char in[512];
	int r;

	if (size >= sizeof(in))
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	memset(&k, 0, sizeof(k));
	r = ksrtp_sdes_parse(in, &k, &why);
	if (r == 0) {
		if (why || !k.profile || (k.key_len != 16 && k.key_len != 32) ||
		    (k.salt_len != 14 && k.salt_len != 12))
			abort();
	} else if (r != -EINVAL || !why || memcmp(&k, &zero, sizeof(k))) {
		abort();
	}
	return 0;
}
