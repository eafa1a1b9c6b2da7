// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the ZRTP packet parser (RFC 6189 §5).
 * Any input: parse as a datagram and as a bare message; whatever parses
 * must re-encode to something that parses to the same fields, and the
 * Confirm/SASrelay plaintext parsers get the encrypted part too.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include "zrtp_wire.h"

static void roundtrip(const struct zrtp_msg *m)
{
	uint8_t buf[ZRTP_MAX_MSG_LEN], pkt[ZRTP_MAX_PKT_LEN];
	struct zrtp_msg m2;
	struct zrtp_packet p;
	int n = zrtp_msg_encode(m, buf, sizeof(buf)), pn;

	if (n < 0)
		abort();		/* parsed but not encodable */
	if (zrtp_msg_parse(buf, n, &m2) || memcmp(m, &m2, sizeof(m2)))
		abort();
	pn = zrtp_packet_build(1, 2, buf, n, pkt, sizeof(pkt));
	if (pn < 0 || zrtp_packet_parse(pkt, pn, &p) || memcmp(m, &p.m, sizeof(*m)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zrtp_packet p;
	struct zrtp_msg m;
	struct zrtp_confirm_plain c;
	struct zrtp_sasrelay_plain s;
	uint8_t *copy;

	/* exact-size heap copies so ASan sees any over-read */
	copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	if (zrtp_packet_parse(copy, size, &p) == 0)
		roundtrip(&p.m);
	if (size >= 8) {
		/* the same bytes with a valid CRC, to get past it */
		uint8_t *fixed = malloc(size);

		memcpy(fixed, data, size);
		zrtp_packet_set_crc(fixed, size);
		if (zrtp_packet_parse(fixed, size, &p) == 0)
			roundtrip(&p.m);
		free(fixed);
	}
	if (zrtp_msg_parse(copy, size, &m) == 0)
		roundtrip(&m);
	zrtp_confirm_plain_parse(copy, size, &c);
	zrtp_sasrelay_plain_parse(copy, size, &s);
	zrtp_is_zrtp_packet(copy, size);
	free(copy);
	return 0;
}
