/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Internal to the SRTP core: per-SSRC state, index estimation and the
 * replay window.  Not for users of srtp.h.
 */
#ifndef KSRTP_SRTP_REPLAY_H
#define KSRTP_SRTP_REPLAY_H

#include "srtp.h"

/*
 * One per SSRC seen by a context (RFC 3711 §3.2.1: the cryptographic
 * context holds ROC, s_l and the replay list per SSRC).  The SRTP index
 * ROC||SEQ is kept whole: rtp_top >> 16 is the ROC, its low 16 bits s_l.
 */
struct ksrtp_stream {
	u64 rtp_top;		/* highest SRTP index authenticated/sent */
	u32 ssrc;
	u32 rtcp_top;		/* highest SRTCP index authenticated */
	u32 rtcp_tx;		/* last SRTCP index sent (RFC 3711 §3.4) */
	u8 rtp_seen;
	u8 rtcp_seen;
	/*
	 * Carried over from the previous key (ksrtp_stream_seed()) and not
	 * used by RTP / SRTCP under this one yet: see stream_put().
	 */
	u8 carried;
	u8 rtcp_carried;
};

#define KSRTCP_INDEX_MAX	0x7fffffffu	/* RFC 3711 §3.4: 31 bits */

int ksrtp_index_estimate(u64 top, u16 seq, u64 *idx);
int ksrtp_replay_check(const u64 *bits, u32 words, u32 window, u64 top,
		       u64 idx);
void ksrtp_replay_update(u64 *bits, u32 words, u64 *top, u8 *seen, u64 idx);
u32 ksrtp_replay_words(u32 window);

#endif /* KSRTP_SRTP_REPLAY_H */
