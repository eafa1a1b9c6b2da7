/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Helpers shared by the SRTP core's unit tests. */
#ifndef KSRTP_SRTP_TEST_H
#define KSRTP_SRTP_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srtp_openssl.h"
#include "srtp_replay.h"

/* Hex to bytes, spaces ignored; returns the byte count. */
static inline size_t unhex(const char *s, u8 *out, size_t cap)
{
	size_t n = 0;
	unsigned int v;

	while (*s) {
		if (*s == ' ') {
			s++;
			continue;
		}
		if (n >= cap || sscanf(s, "%2x", &v) != 1)
			abort();
		out[n++] = (u8)v;
		s += 2;
	}
	return n;
}

/* Deterministic PRNG (xorshift64*) so every failure reproduces. */
static inline u64 test_rand(u64 *st)
{
	u64 x = *st;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*st = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static inline void test_fill(u64 *st, u8 *p, size_t n)
{
	while (n--)
		*p++ = (u8)test_rand(st);
}

/* Write an RTP header: @cc CSRCs, an RFC 3550 §5.3.1 extension of
 * @ext_words words if @ext_words >= 0.  Returns the header length. */
static inline unsigned int test_rtp_hdr(u8 *p, u16 seq, u32 ts, u32 ssrc,
					unsigned int cc, int ext_words, u64 *st)
{
	unsigned int n = 12, i;

	p[0] = 0x80 | (ext_words >= 0 ? 0x10 : 0) | cc;
	p[1] = 96;
	p[2] = seq >> 8;
	p[3] = seq;
	ksrtp_put_be32(ts, p + 4);
	ksrtp_put_be32(ssrc, p + 8);
	for (i = 0; i < cc; i++, n += 4)
		ksrtp_put_be32((u32)test_rand(st), p + n);
	if (ext_words >= 0) {
		p[n] = 0xbe;
		p[n + 1] = 0xde;
		p[n + 2] = ext_words >> 8;
		p[n + 3] = ext_words;
		n += 4;
		test_fill(st, p + n, 4 * ext_words);
		n += 4 * ext_words;
	}
	return n;
}

static const enum ksrtp_profile all_profiles[] = {
	KSRTP_AES_CM_128_HMAC_SHA1_80, KSRTP_AES_CM_128_HMAC_SHA1_32,
	KSRTP_AES_256_CM_HMAC_SHA1_80, KSRTP_AES_256_CM_HMAC_SHA1_32,
	KSRTP_AEAD_AES_128_GCM, KSRTP_AEAD_AES_256_GCM,
};

#endif
