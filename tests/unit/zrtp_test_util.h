/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by the ZRTP unit tests. */
#ifndef ZRTP_TEST_UTIL_H
#define ZRTP_TEST_UTIL_H
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <ctype.h>

static inline size_t zt_unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (*hex && n < cap) {
		unsigned v;

		while (*hex && !isxdigit((unsigned char)*hex))
			hex++;
		if (!hex[0] || !hex[1])
			break;
		sscanf(hex, "%2x", &v);
		out[n++] = (uint8_t)v;
		hex += 2;
	}
	return n;
}
#endif
