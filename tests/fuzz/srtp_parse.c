// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer: the RTP/RTCP parsers and the shared-port demux, on a heap copy
 * of exactly the input's size, with their invariants checked.
 */
#include <stdlib.h>
#include <string.h>

#include "srtp.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	unsigned int n = size > 65535 ? 65535 : (unsigned int)size;
	struct ksrtp_rtp_info ri;
	enum ksrtp_pkt_kind k;
	u8 *b = malloc(n ? n : 1);
	int h, r;

	if (!b)
		return 0;
	memcpy(b, data, n);
	k = ksrtp_classify(b, n);
	if (k == KSRTP_PKT_ZRTP && (n < 12 || b[0] != 0x10))
		abort();
	if ((k == KSRTP_PKT_RTP || k == KSRTP_PKT_RTCP) && (b[0] >> 6) != 2)
		abort();
	h = ksrtp_rtp_hdr_len(b, n);
	if (h >= 0 && (h < 12 || (unsigned int)h > n))
		abort();
	r = ksrtp_rtp_parse(b, n, &ri);
	if (r == 0) {
		if (ri.hdr_len != (unsigned int)h ||
		    ri.hdr_len + ri.pad_len + ri.payload_len != n ||
		    ri.hdr_len != 12 + 4u * ri.cc +
				  (ri.ext ? 4 + 4u * ri.ext_words : 0))
			abort();
	} else if (r != KSRTP_ERR_MALFORMED) {
		abort();
	}
	r = ksrtp_rtcp_parse(b, n);
	if (r != KSRTP_ERR_MALFORMED && (r < 1 || (unsigned int)r > n / 4))
		abort();
	free(b);
	return 0;
}
