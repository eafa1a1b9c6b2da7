// SPDX-License-Identifier: GPL-2.0
/*
 * ZRTP wire format tests (RFC 6189 §5): every message type round-trips
 * through encode/packet/parse, the CRC-32C matches the RFC 3720 check
 * value, and malformed inputs in the style of CVE-2013-2221 (oversized
 * algorithm counts), CVE-2013-2222 (oversized/undersized variable fields)
 * and CVE-2013-2223 (short Ping) are rejected with an error, never read
 * beyond the datagram.
 */
#include <stdio.h>
#include <stdlib.h>
#include "kselftest_harness.h"
#include "zrtp_wire.h"
#include "zrtp_test_util.h"

static int build(const struct zrtp_msg *m, uint8_t *pkt)
{
	uint8_t msg[ZRTP_MAX_MSG_LEN];
	int n = zrtp_msg_encode(m, msg, sizeof(msg));

	if (n < 0)
		return n;
	return zrtp_packet_build(0x1234, 0xdeadbeef, msg, n, pkt, ZRTP_MAX_PKT_LEN);
}

/* Every byte of the packet is read through a heap copy of exactly len
 * bytes so ASan-less runs still catch over-reads in valgrind. */
static int parse_exact(const uint8_t *pkt, size_t len, struct zrtp_packet *out)
{
	uint8_t *copy = malloc(len ? len : 1);
	int r;

	memcpy(copy, pkt, len);
	r = zrtp_packet_parse(copy, len, out);
	free(copy);
	return r;
}

static void fill_hello(struct zrtp_hello *h)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->version, "1.10", 4);
	memcpy(h->client_id, "ksrtp test      ", 16);
	for (int i = 0; i < 32; i++)
		h->h3[i] = i;
	memcpy(h->zid, "ABCDEFGHIJKL", 12);
	h->flags = ZRTP_HELLO_M;
	h->n[ZRTP_ALG_HASH] = 2;
	h->alg[ZRTP_ALG_HASH][0] = ZRTP_ALG('S', '2', '5', '6');
	h->alg[ZRTP_ALG_HASH][1] = ZRTP_ALG('S', '3', '8', '4');
	h->n[ZRTP_ALG_CIPHER] = 1;
	h->alg[ZRTP_ALG_CIPHER][0] = ZRTP_ALG('A', 'E', 'S', '1');
	h->n[ZRTP_ALG_AUTH] = 2;
	h->alg[ZRTP_ALG_AUTH][0] = ZRTP_ALG('H', 'S', '3', '2');
	h->alg[ZRTP_ALG_AUTH][1] = ZRTP_ALG('H', 'S', '8', '0');
	h->n[ZRTP_ALG_KA] = 7;
	for (int i = 0; i < 7; i++)
		h->alg[ZRTP_ALG_KA][i] = ZRTP_ALG('D', 'H', '3', '0' + i);
	h->n[ZRTP_ALG_SAS] = 1;
	h->alg[ZRTP_ALG_SAS][0] = ZRTP_ALG('B', '3', '2', ' ');
	memcpy(h->mac, "MACMACMA", 8);
}

TEST(crc32c_check_value)
{
	/* RFC 3720 §B.4 / the Castagnoli check value of "123456789". */
	EXPECT_EQ(0xE3069283u, zrtp_crc32c((const uint8_t *)"123456789", 9));
	/* RFC 3720 §B.4: 32 bytes of zeros -> aa 36 91 8a (little-endian
	 * transmission of 0x8a9136aa). */
	uint8_t z[32] = { 0 };
	EXPECT_EQ(0x8a9136aau, zrtp_crc32c(z, 32));

	/* On the wire the CRC goes least significant byte first, as SCTP's
	 * (RFC 3309) and as bzrtp and Wireshark check it. */
	struct zrtp_msg m = { .type = ZRTP_MSG_HELLOACK };
	uint8_t msg[16], pkt[32];
	int n = zrtp_msg_encode(&m, msg, sizeof(msg));
	uint32_t c;

	ASSERT_EQ(12, n);
	ASSERT_EQ(28, zrtp_packet_build(1, 2, msg, n, pkt, sizeof(pkt)));
	c = zrtp_crc32c(pkt, 24);
	EXPECT_EQ(c & 0xff, pkt[24]);
	EXPECT_EQ(c >> 24, pkt[27]);
}

TEST(hello_roundtrip)
{
	struct zrtp_msg m = { .type = ZRTP_MSG_HELLO };
	struct zrtp_packet p;
	uint8_t pkt[ZRTP_MAX_PKT_LEN];
	int n;

	fill_hello(&m.hello);
	n = build(&m, pkt);
	ASSERT_EQ(12 + 88 + 4 * 13 + 4, n);
	ASSERT_TRUE(zrtp_is_zrtp_packet(pkt, n));
	ASSERT_EQ(0, parse_exact(pkt, n, &p));
	EXPECT_EQ(0x1234, p.seq);
	EXPECT_EQ(0xdeadbeefu, p.ssrc);
	EXPECT_EQ((int)ZRTP_MSG_HELLO, (int)p.m.type);
	EXPECT_EQ(0, memcmp(&m.hello, &p.m.hello, sizeof(m.hello)));
}

/* One variant per fixed-layout message type: encode, parse, compare. */
FIXTURE(msg) { struct zrtp_msg m; };
FIXTURE_VARIANT(msg) { enum zrtp_msg_type type; uint32_t ka; int len; };
FIXTURE_VARIANT_ADD(msg, helloack) { .type = ZRTP_MSG_HELLOACK, .len = 12 };
FIXTURE_VARIANT_ADD(msg, commit_dh) { .type = ZRTP_MSG_COMMIT, .ka = ZRTP_ALG('D', 'H', '3', 'k'), .len = 116 };
FIXTURE_VARIANT_ADD(msg, commit_mult) { .type = ZRTP_MSG_COMMIT, .ka = ZRTP_ALG('M', 'u', 'l', 't'), .len = 100 };
FIXTURE_VARIANT_ADD(msg, commit_prsh) { .type = ZRTP_MSG_COMMIT, .ka = ZRTP_ALG('P', 'r', 's', 'h'), .len = 108 };
FIXTURE_VARIANT_ADD(msg, dhpart1_dh3k) { .type = ZRTP_MSG_DHPART1, .ka = 384, .len = 84 + 384 };
FIXTURE_VARIANT_ADD(msg, dhpart2_x255) { .type = ZRTP_MSG_DHPART2, .ka = 32, .len = 84 + 32 };
FIXTURE_VARIANT_ADD(msg, dhpart2_ec52) { .type = ZRTP_MSG_DHPART2, .ka = 132, .len = 84 + 132 };
FIXTURE_VARIANT_ADD(msg, confirm1) { .type = ZRTP_MSG_CONFIRM1, .len = 76 };
FIXTURE_VARIANT_ADD(msg, confirm2) { .type = ZRTP_MSG_CONFIRM2, .len = 76 };
FIXTURE_VARIANT_ADD(msg, conf2ack) { .type = ZRTP_MSG_CONF2ACK, .len = 12 };
FIXTURE_VARIANT_ADD(msg, error) { .type = ZRTP_MSG_ERROR, .len = 16 };
FIXTURE_VARIANT_ADD(msg, erroraack) { .type = ZRTP_MSG_ERRORACK, .len = 12 };
FIXTURE_VARIANT_ADD(msg, goclear) { .type = ZRTP_MSG_GOCLEAR, .len = 20 };
FIXTURE_VARIANT_ADD(msg, clearack) { .type = ZRTP_MSG_CLEARACK, .len = 12 };
FIXTURE_VARIANT_ADD(msg, sasrelay) { .type = ZRTP_MSG_SASRELAY, .len = 76 };
FIXTURE_VARIANT_ADD(msg, relayack) { .type = ZRTP_MSG_RELAYACK, .len = 12 };
FIXTURE_VARIANT_ADD(msg, ping) { .type = ZRTP_MSG_PING, .len = 24 };
FIXTURE_VARIANT_ADD(msg, pingack) { .type = ZRTP_MSG_PINGACK, .len = 36 };

FIXTURE_SETUP(msg)
{
	struct zrtp_msg *m = &self->m;

	memset(m, 0, sizeof(*m));
	m->type = variant->type;
	switch (m->type) {
	case ZRTP_MSG_COMMIT:
		memset(m->commit.h2, 2, 32);
		memcpy(m->commit.zid, "zidzidzidzid", 12);
		m->commit.alg[0] = ZRTP_ALG('S', '2', '5', '6');
		m->commit.alg[1] = ZRTP_ALG('A', 'E', 'S', '1');
		m->commit.alg[2] = ZRTP_ALG('H', 'S', '3', '2');
		m->commit.alg[3] = variant->ka;
		m->commit.alg[4] = ZRTP_ALG('B', '3', '2', ' ');
		if (variant->ka == ZRTP_ALG('D', 'H', '3', 'k'))
			memset(m->commit.hvi, 0x55, 32);
		else
			memset(m->commit.nonce, 0x66, 16);
		if (variant->ka == ZRTP_ALG('P', 'r', 's', 'h'))
			memset(m->commit.key_id, 0x77, 8);
		memset(m->commit.mac, 0x99, 8);
		break;
	case ZRTP_MSG_DHPART1:
	case ZRTP_MSG_DHPART2:
		memset(m->dhpart.h1, 1, 32);
		memset(m->dhpart.rs1_id, 0x11, 8);
		memset(m->dhpart.rs2_id, 0x22, 8);
		memset(m->dhpart.aux_id, 0x33, 8);
		memset(m->dhpart.pbx_id, 0x44, 8);
		m->dhpart.pv_len = variant->ka;
		for (unsigned i = 0; i < variant->ka; i++)
			m->dhpart.pv[i] = i * 7;
		memset(m->dhpart.mac, 0xab, 8);
		break;
	case ZRTP_MSG_CONFIRM1:
	case ZRTP_MSG_CONFIRM2:
	case ZRTP_MSG_SASRELAY:
		memset(m->confirm.mac, 0xcd, 8);
		memset(m->confirm.iv, 0xef, 16);
		m->confirm.enc_len = 40;
		memset(m->confirm.enc, 0x5a, 40);
		break;
	case ZRTP_MSG_ERROR:
		m->error_code = 0x61;
		break;
	case ZRTP_MSG_GOCLEAR:
		memcpy(m->clear_mac, "clearmac", 8);
		break;
	case ZRTP_MSG_PING:
		memcpy(m->ping.version, "1.10", 4);
		memcpy(m->ping.endpoint_hash, "endpoint", 8);
		break;
	case ZRTP_MSG_PINGACK:
		memcpy(m->pingack.version, "1.10", 4);
		memcpy(m->pingack.sender_hash, "sender!!", 8);
		memcpy(m->pingack.received_hash, "received", 8);
		m->pingack.ssrc = 0x01020304;
		break;
	default:
		break;
	}
}
FIXTURE_TEARDOWN(msg) {}

TEST_F(msg, roundtrip_and_every_truncation_rejected)
{
	uint8_t pkt[ZRTP_MAX_PKT_LEN];
	struct zrtp_packet p;
	int n = build(&self->m, pkt);

	ASSERT_EQ(12 + variant->len + 4, n);
	ASSERT_EQ(0, parse_exact(pkt, n, &p));
	ASSERT_EQ((int)self->m.type, (int)p.m.type);
	EXPECT_EQ(0, memcmp(&self->m, &p.m, sizeof(p.m)));
	EXPECT_EQ((size_t)variant->len, p.msg_len);
	EXPECT_STREQ(zrtp_msg_type_name(self->m.type), zrtp_msg_type_name(p.m.type));

	/* Truncated datagrams (with a CRC made valid again, so the length
	 * checks are what rejects them): every size below the real one. */
	for (int cut = 4; cut < variant->len; cut += 4) {
		uint8_t t[ZRTP_MAX_PKT_LEN];
		int tl = 12 + variant->len - cut + 4;

		memcpy(t, pkt, tl - 4);
		zrtp_packet_set_crc(t, tl);
		EXPECT_GT(0, parse_exact(t, tl, &p)) TH_LOG("cut %d accepted", cut);
		/* Same, with the declared length fixed up to match. */
		/* A shorter DHPart can be a well-formed DHPart of another key
		 * agreement type (EC52 cut to X255 size): the engine rejects
		 * it against the negotiated type, the wire layer cannot. */
		int rest = variant->len - cut - 84;
		bool other_pv = (variant->type == ZRTP_MSG_DHPART1 || variant->type == ZRTP_MSG_DHPART2) &&
				(rest == 32 || rest == 56 || rest == 64 || rest == 96 || rest == 132 || rest == 256);
		if (variant->len - cut >= 12 && !other_pv) {
			zrtp_put16(t + 12 + 2, (variant->len - cut) / 4);
			zrtp_packet_set_crc(t, tl);
			EXPECT_GT(0, parse_exact(t, tl, &p)) TH_LOG("cut %d relabelled accepted", cut);
		}
	}
	/* A bad CRC in an otherwise valid packet. */
	pkt[n - 1] ^= 1;
	EXPECT_EQ(ZRTP_WIRE_ECRC, parse_exact(pkt, n, &p));
}

static int hello_pkt(uint8_t *pkt)
{
	struct zrtp_msg m = { .type = ZRTP_MSG_HELLO };

	fill_hello(&m.hello);
	return build(&m, pkt);
}

static void fix_crc(uint8_t *pkt, int n)
{
	zrtp_packet_set_crc(pkt, n);
}

/* CVE-2013-2221 style: algorithm counts of 8..15 (fits the 4-bit field but
 * exceeds the RFC's 7) must be refused even when the length is coherent. */
TEST(hello_count_over_7_rejected)
{
	uint8_t pkt[ZRTP_MAX_PKT_LEN];
	struct zrtp_packet p;

	for (int field = 0; field < 5; field++) {
		for (int cnt = 8; cnt <= 15; cnt++) {
			int n = hello_pkt(pkt);
			uint8_t *f = pkt + 12 + 76;
			uint8_t big[ZRTP_MAX_PKT_LEN];
			int total, bn;

			switch (field) {
			case 0: f[1] = (f[1] & 0xf0) | cnt; break;
			case 1: f[2] = (f[2] & 0x0f) | cnt << 4; break;
			case 2: f[2] = (f[2] & 0xf0) | cnt; break;
			case 3: f[3] = (f[3] & 0x0f) | cnt << 4; break;
			case 4: f[3] = (f[3] & 0xf0) | cnt; break;
			}
			/* make the length consistent with the bogus counts */
			total = (f[1] & 0xf) + (f[2] >> 4) + (f[2] & 0xf) + (f[3] >> 4) + (f[3] & 0xf);
			memcpy(big, pkt, n);
			bn = 12 + 88 + 4 * total + 4;
			memset(big + n - 4, 0, sizeof(big) - (n - 4));
			zrtp_put16(big + 12 + 2, (88 + 4 * total) / 4);
			fix_crc(big, bn);
			EXPECT_EQ(ZRTP_WIRE_ECOUNT, parse_exact(big, bn, &p));
		}
	}
}

/* Counts that do not add up to the declared length are refused. */
TEST(hello_counts_inconsistent_with_length)
{
	uint8_t pkt[ZRTP_MAX_PKT_LEN];
	struct zrtp_packet p;
	int n = hello_pkt(pkt);

	pkt[12 + 79] = 0x77;	/* kc=7 sc=7 while the list holds fewer */
	fix_crc(pkt, n);
	EXPECT_EQ(ZRTP_WIRE_EFORMAT, parse_exact(pkt, n, &p));
}

TEST(declared_length_mismatch)
{
	uint8_t pkt[ZRTP_MAX_PKT_LEN];
	struct zrtp_packet p;
	int n = hello_pkt(pkt);

	zrtp_put16(pkt + 14, zrtp_get16(pkt + 14) + 1);	/* claims 4 more bytes */
	fix_crc(pkt, n);
	EXPECT_EQ(ZRTP_WIRE_ELEN, parse_exact(pkt, n, &p));
	zrtp_put16(pkt + 14, 0xffff);
	fix_crc(pkt, n);
	EXPECT_EQ(ZRTP_WIRE_ELEN, parse_exact(pkt, n, &p));
	zrtp_put16(pkt + 14, 0);
	fix_crc(pkt, n);
	EXPECT_EQ(ZRTP_WIRE_ELEN, parse_exact(pkt, n, &p));
}

/* CVE-2013-2223 style: a Ping shorter (or longer) than 24 bytes. */
TEST(short_and_long_ping_rejected)
{
	static const uint8_t short_ping[] = {
		0x10, 0, 0, 1, 'Z', 'R', 'T', 'P', 0, 0, 0, 1,
		0x50, 0x5a, 0x00, 0x03, 'P', 'i', 'n', 'g', ' ', ' ', ' ', ' ',
		0, 0, 0, 0,
	};
	uint8_t pkt[64];
	struct zrtp_packet p;

	memcpy(pkt, short_ping, sizeof(short_ping));
	fix_crc(pkt, sizeof(short_ping));
	EXPECT_EQ(ZRTP_WIRE_EFORMAT, parse_exact(pkt, sizeof(short_ping), &p));
	/* A 7-word "Ping" with consistent length is still refused. */
	memcpy(pkt, short_ping, 24);
	zrtp_put16(pkt + 14, 7);
	memset(pkt + 24, 'x', 16);
	fix_crc(pkt, 12 + 28 + 4);
	EXPECT_EQ(ZRTP_WIRE_EFORMAT, parse_exact(pkt, 12 + 28 + 4, &p));
}

/* CVE-2013-2222 style: a DHPart whose public value has a size no key
 * agreement type has, and one far bigger than any (overflow attempt). */
TEST(dhpart_bad_pv_size_rejected)
{
	uint8_t pkt[2048] = { 0 };
	struct zrtp_packet p;
	struct zrtp_msg m = { .type = ZRTP_MSG_DHPART1 };
	uint8_t msg[ZRTP_MAX_MSG_LEN];
	int n;

	m.dhpart.pv_len = 32;
	n = zrtp_msg_encode(&m, msg, sizeof(msg));
	ASSERT_EQ(116, n);
	/* 36-byte pv: length coherent, size unknown */
	memcpy(pkt + 12, msg, 84 + 32 - 8);
	zrtp_put16(pkt + 14, (84 + 36) / 4);
	n = zrtp_packet_build(1, 1, pkt + 12, 84 + 36, pkt, sizeof(pkt));
	EXPECT_EQ(ZRTP_WIRE_EFORMAT, parse_exact(pkt, n, &p));
	/* 1200-byte message: beyond any ZRTP message */
	zrtp_put16(pkt + 14, 1200 / 4);
	memset(pkt + 12 + 84, 0, 1200);
	zrtp_packet_set_crc(pkt, 12 + 1200 + 4);
	EXPECT_GT(0, parse_exact(pkt, 12 + 1200 + 4, &p));
}

TEST(header_checks)
{
	uint8_t pkt[ZRTP_MAX_PKT_LEN];
	struct zrtp_packet p;
	int n = hello_pkt(pkt);

	ASSERT_EQ(0, parse_exact(pkt, n, &p));
	pkt[0] = 0x80;		/* an RTP packet */
	fix_crc(pkt, n);
	EXPECT_EQ(ZRTP_WIRE_EHDR, parse_exact(pkt, n, &p));
	pkt[0] = 0x10;
	pkt[4] = 'X';
	fix_crc(pkt, n);
	EXPECT_EQ(ZRTP_WIRE_EHDR, parse_exact(pkt, n, &p));
	pkt[4] = 'Z';
	memcpy(pkt + 16, "Hellx   ", 8);
	fix_crc(pkt, n);
	EXPECT_EQ(ZRTP_WIRE_ETYPE, parse_exact(pkt, n, &p));
	memcpy(pkt + 16, "Hello   ", 8);
	pkt[12] = 0x51;		/* preamble */
	fix_crc(pkt, n);
	EXPECT_EQ(ZRTP_WIRE_EHDR, parse_exact(pkt, n, &p));
	for (int len = 0; len < 28; len++)
		EXPECT_GT(0, parse_exact(pkt, len, &p));
}

TEST(confirm_plain_roundtrip_and_sig_len)
{
	struct zrtp_confirm_plain c = { .sig_words = 0, .flags = 0xf, .cache_expiry = 0xffffffff }, d;
	struct zrtp_sasrelay_plain s = { .flags = 5, .sas_scheme = ZRTP_ALG('B', '2', '5', '6') }, t;
	uint8_t buf[64];

	memset(c.h0, 0xa5, 32);
	ASSERT_EQ(40, zrtp_confirm_plain_encode(&c, buf, sizeof(buf)));
	ASSERT_EQ(0, zrtp_confirm_plain_parse(buf, 40, &d));
	EXPECT_EQ(0xf, d.flags);
	EXPECT_EQ(0xffffffffu, d.cache_expiry);
	EXPECT_EQ(0, memcmp(c.h0, d.h0, 32));
	/* a signature length that the buffer does not hold */
	buf[33] = 1;
	EXPECT_GT(0, zrtp_confirm_plain_parse(buf, 40, &d));
	memset(s.sashash, 0x3c, 32);
	ASSERT_EQ(40, zrtp_sasrelay_plain_encode(&s, buf, sizeof(buf)));
	ASSERT_EQ(0, zrtp_sasrelay_plain_parse(buf, 40, &t));
	EXPECT_EQ(5, t.flags);
	EXPECT_EQ(s.sas_scheme, t.sas_scheme);
	EXPECT_EQ(0, memcmp(s.sashash, t.sashash, 32));
	buf[2] = 3;
	EXPECT_GT(0, zrtp_sasrelay_plain_parse(buf, 40, &t));
}

TEST_HARNESS_MAIN
