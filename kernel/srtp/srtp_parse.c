// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * RTP/RTCP header parsing and shared-port demultiplexing.  Every length is
 * checked against the datagram before it is used: this is the code an
 * attacker's bytes reach first (fuzzed by tests/fuzz/srtp_parse.c).
 */
#include "srtp.h"

enum {
	RTP_VERSION = 2,
	RTP_FIXED_LEN = 12,
	RTP_EXT_HDR_LEN = 4,
	RTCP_HDR_LEN = 8,
	ZRTP_FIRST_BYTE = 0x10,
	ZRTP_MIN_LEN = 12,
	RTCP_PT_FIRST = 192,	/* RFC 5761 §4: RTCP packet types 192..223 */
	RTCP_PT_LAST = 223,
};

enum ksrtp_pkt_kind ksrtp_classify(const u8 *buf, unsigned int len)
{
	/* RFC 6189 §5: ZRTP has version bits 00, so it never looks like RTP. */
	if (len >= ZRTP_MIN_LEN && buf[0] == ZRTP_FIRST_BYTE &&
	    buf[4] == 'Z' && buf[5] == 'R' && buf[6] == 'T' && buf[7] == 'P')
		return KSRTP_PKT_ZRTP;
	if (len < RTCP_HDR_LEN || (buf[0] >> 6) != RTP_VERSION)
		return KSRTP_PKT_UNKNOWN;
	/* RFC 5761 §4: the second octet of RTCP is 192..223 (M bit + PT). */
	if (buf[1] >= RTCP_PT_FIRST && buf[1] <= RTCP_PT_LAST)
		return KSRTP_PKT_RTCP;
	if (len < RTP_FIXED_LEN)
		return KSRTP_PKT_UNKNOWN;
	return KSRTP_PKT_RTP;
}

int ksrtp_rtp_hdr_len(const u8 *buf, unsigned int len)
{
	unsigned int hlen;

	if (len < RTP_FIXED_LEN || (buf[0] >> 6) != RTP_VERSION)
		return KSRTP_ERR_MALFORMED;
	/* RFC 3550 §5.1: CC 32-bit CSRC identifiers follow the fixed header. */
	hlen = RTP_FIXED_LEN + 4 * (buf[0] & 0x0f);
	if (buf[0] & 0x10) {
		/* RFC 3550 §5.3.1: 16-bit profile, 16-bit length in words. */
		if (len < hlen + RTP_EXT_HDR_LEN)
			return KSRTP_ERR_MALFORMED;
		hlen += RTP_EXT_HDR_LEN + 4 * ksrtp_get_be16(buf + hlen + 2);
	}
	if (hlen > len)
		return KSRTP_ERR_MALFORMED;
	return hlen;
}

int ksrtp_rtp_parse(const u8 *buf, unsigned int len,
		    struct ksrtp_rtp_info *info)
{
	int hlen = ksrtp_rtp_hdr_len(buf, len);
	unsigned int cc_end;

	if (hlen < 0)
		return hlen;
	memset(info, 0, sizeof(*info));
	info->cc = buf[0] & 0x0f;
	info->marker = buf[1] >> 7;
	info->pt = buf[1] & 0x7f;
	info->seq = ksrtp_get_be16(buf + 2);
	info->ts = ksrtp_get_be32(buf + 4);
	info->ssrc = ksrtp_get_be32(buf + 8);
	info->hdr_len = hlen;
	cc_end = RTP_FIXED_LEN + 4 * info->cc;
	if (buf[0] & 0x10) {
		info->ext = true;
		info->ext_profile = ksrtp_get_be16(buf + cc_end);
		info->ext_words = ksrtp_get_be16(buf + cc_end + 2);
	}
	info->payload_len = len - hlen;
	if (buf[0] & 0x20) {
		/* RFC 3550 §5.1: the last octet counts the padding, itself
		 * included, so it is at least 1 and fits in the payload.
		 */
		if (len == (unsigned int)hlen)
			return KSRTP_ERR_MALFORMED;
		info->pad_len = buf[len - 1];
		if (info->pad_len == 0 || info->pad_len > info->payload_len)
			return KSRTP_ERR_MALFORMED;
		info->payload_len -= info->pad_len;
	}
	return 0;
}

int ksrtp_rtcp_parse(const u8 *buf, unsigned int len)
{
	unsigned int off = 0, plen;
	int n = 0;

	if (len < RTCP_HDR_LEN)
		return KSRTP_ERR_MALFORMED;
	/* RFC 3550 §6.4: each packet's length field counts 32-bit words
	 * minus one; a compound packet is a concatenation of them.
	 */
	while (off < len) {
		if (len - off < 4 || (buf[off] >> 6) != RTP_VERSION)
			return KSRTP_ERR_MALFORMED;
		plen = 4 * (ksrtp_get_be16(buf + off + 2) + 1);
		if (plen > len - off)
			return KSRTP_ERR_MALFORMED;
		/* Only the last packet of a compound may carry padding. */
		if ((buf[off] & 0x20) && off + plen != len)
			return KSRTP_ERR_MALFORMED;
		off += plen;
		n++;
	}
	return n;
}
