// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * SRTP index estimation (RFC 3711 §3.3.1, Appendix A) and the sliding
 * replay window (RFC 3711 §3.3.2), kept as an RFC 6479 ring of 64-bit
 * blocks: advancing the window clears whole blocks instead of shifting a
 * long bitmap, so the cost per packet does not grow with the window size.
 */
#include "srtp_replay.h"

/* Blocks in the ring: enough for the window plus one partial block
 * (RFC 6479 §2), rounded up to a power of two so the ring index is a mask.
 */
u32 ksrtp_replay_words(u32 window)
{
	u32 need = window / 64 + 1, w = 1;

	while (w < need)
		w <<= 1;
	return w;
}

/*
 * RFC 3711 Appendix A: pick v in {ROC-1, ROC, ROC+1} so that v||SEQ is the
 * index closest to the highest one seen, s_l being its low 16 bits.
 * An index before the first ROC (v = ROC-1 with ROC = 0) cannot exist and
 * is too old; one past 2^48 - 1 means the key is used up (RFC 3711 §3.3.1).
 */
int ksrtp_index_estimate(u64 top, u16 seq, u64 *idx)
{
	u32 roc = (u32)(top >> 16);
	u16 s_l = (u16)top;
	u64 v = roc;

	if (s_l < 0x8000) {
		if (seq > s_l && seq - s_l > 0x8000) {
			if (roc == 0)
				return KSRTP_ERR_TOO_OLD;
			v = (u64)roc - 1;
		}
	} else {
		if (s_l - 0x8000 > seq) {
			if (roc == 0xffffffff)
				return KSRTP_ERR_EXHAUSTED;
			v = (u64)roc + 1;
		}
	}
	*idx = v << 16 | seq;
	return 0;
}

/*
 * RFC 3711 §3.3.2: ahead of the window is new, behind it is too old, in it
 * the bit decides.  @bits NULL stands for an empty bitmap (a stream not yet
 * committed).  Read-only: the window moves only after authentication.
 */
int ksrtp_replay_check(const u64 *bits, u32 words, u32 window, u64 top,
		       u64 idx)
{
	if (idx > top)
		return 0;
	if (top - idx >= window)
		return KSRTP_ERR_TOO_OLD;
	if (bits && (bits[(idx >> 6) & (words - 1)] >> (idx & 63)) & 1)
		return KSRTP_ERR_REPLAY;
	return 0;
}

void ksrtp_replay_update(u64 *bits, u32 words, u64 *top, u8 *seen, u64 idx)
{
	u64 blk, cur, n, i;

	if (!*seen) {
		memset(bits, 0, (size_t)words * sizeof(*bits));
		*top = idx;
		*seen = 1;
	} else if (idx > *top) {
		/* RFC 6479 §2: clear the blocks the window slides over. */
		cur = *top >> 6;
		blk = idx >> 6;
		n = blk - cur;
		if (n > words)
			n = words;
		for (i = 1; i <= n; i++)
			bits[(cur + i) & (words - 1)] = 0;
		*top = idx;
	}
	bits[(idx >> 6) & (words - 1)] |= 1ULL << (idx & 63);
}
