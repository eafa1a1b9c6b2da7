/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers the gateway tests share (ksrtp_relay.c, ksrtp_latch.c):
 * RTP and RTCP packets with random payloads, "nothing is waiting on this
 * socket", one counter of a flow.
 */
#ifndef KSFT_MEDIA_H
#define KSFT_MEDIA_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "ksrtp_nl.h"

static inline void rnd(uint8_t *p, size_t n)
{
	while (n--)
		*p++ = (uint8_t)rand();
}

/* RTP version 2, PT 96, SSRC @ssrc, sequence @seq, @plen random bytes. */
static inline size_t make_rtp(uint8_t *b, uint32_t ssrc, uint16_t seq,
			      size_t plen)
{
	b[0] = 0x80;
	b[1] = 96;
	b[2] = seq >> 8;
	b[3] = seq & 0xff;
	b[4] = 0x11; b[5] = 0x22; b[6] = seq >> 8; b[7] = seq & 0xff;
	b[8] = ssrc >> 24; b[9] = ssrc >> 16; b[10] = ssrc >> 8; b[11] = ssrc;
	rnd(b + 12, plen);
	return 12 + plen;
}

/* An RTCP sender report of @words random 32-bit words after the SSRC. */
static inline size_t make_rtcp(uint8_t *b, uint32_t ssrc, int words)
{
	b[0] = 0x80;
	b[1] = 200;
	b[2] = 0;
	b[3] = (uint8_t)(1 + words);
	b[4] = ssrc >> 24; b[5] = ssrc >> 16; b[6] = ssrc >> 8; b[7] = ssrc;
	rnd(b + 8, 4 * (size_t)(words + 1) - 4);
	return 4 * (size_t)(words + 2);
}

static inline bool nothing_waiting(int fd)
{
	uint8_t b[16];

	return recv(fd, b, sizeof(b), MSG_DONTWAIT) < 0 && errno == EAGAIN;
}

/* Counter @which (enum ksrtp_stats_attr) of flow @flow, or ~0 on error. */
static inline uint64_t stat(struct ksrtp_nl *nl, uint32_t flow,
			    unsigned int which)
{
	struct ksrtp_flow_info f = { .id = flow };
	struct ksrtp_flow_stats st;

	if (ksrtp_nl_stats_get(nl, &f, &st))
		return ~0ULL;
	return st.c[which];
}

#endif
