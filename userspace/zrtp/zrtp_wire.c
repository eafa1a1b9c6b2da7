// SPDX-License-Identifier: GPL-2.0
/*
 * ZRTP wire format, RFC 6189 §5.  See zrtp_wire.h.
 *
 * Every parser checks the declared length (in 32-bit words, §5.1.1)
 * against the bytes actually present before touching a field; variable
 * parts (algorithm lists, DH public values, signatures) are bounded by the
 * protocol's own limits, never by a count taken from the packet alone
 * (CVE-2013-2221/2222/2223 were exactly those mistakes).
 */
#include <string.h>
#include "zrtp_wire.h"

static const char type_block[ZRTP_MSG_COUNT][9] = {
	[ZRTP_MSG_HELLO] = "Hello   ",
	[ZRTP_MSG_HELLOACK] = "HelloACK",
	[ZRTP_MSG_COMMIT] = "Commit  ",
	[ZRTP_MSG_DHPART1] = "DHPart1 ",
	[ZRTP_MSG_DHPART2] = "DHPart2 ",
	[ZRTP_MSG_CONFIRM1] = "Confirm1",
	[ZRTP_MSG_CONFIRM2] = "Confirm2",
	[ZRTP_MSG_CONF2ACK] = "Conf2ACK",
	[ZRTP_MSG_ERROR] = "Error   ",
	[ZRTP_MSG_ERRORACK] = "ErrorACK",
	[ZRTP_MSG_GOCLEAR] = "GoClear ",
	[ZRTP_MSG_CLEARACK] = "ClearACK",
	[ZRTP_MSG_SASRELAY] = "SASrelay",
	[ZRTP_MSG_RELAYACK] = "RelayACK",
	[ZRTP_MSG_PING] = "Ping    ",
	[ZRTP_MSG_PINGACK] = "PingACK ",
};

/* Message sizes in bytes for the fixed-size types (§5.3-§5.16). */
enum {
	HELLO_FIXED = 88,		/* 22 words + algorithm words */
	ACK_LEN = 12,
	COMMIT_DH_LEN = 116,		/* 29 words */
	COMMIT_MULT_LEN = 100,		/* 25 words */
	COMMIT_PRSH_LEN = 108,		/* 27 words */
	DHPART_FIXED = 84,		/* 21 words + pv */
	CONFIRM_FIXED = 36,		/* header + MAC + IV, then encrypted */
	ERROR_LEN = 16,
	GOCLEAR_LEN = 20,
	PING_LEN = 24,
	PINGACK_LEN = 36,
};

#define KA_MULT ZRTP_ALG('M', 'u', 'l', 't')
#define KA_PRSH ZRTP_ALG('P', 'r', 's', 'h')

const char *zrtp_msg_type_name(enum zrtp_msg_type t)
{
	if (t <= ZRTP_MSG_INVALID || t >= ZRTP_MSG_COUNT)
		return "invalid";
	return type_block[t];
}

/* CRC-32C (Castagnoli, RFC 3309), reflected, as RFC 6189 §5 requires. */
static uint32_t crc_table[256];
static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
		crc_table[i] = c;
	}
}

uint32_t zrtp_crc32c(const uint8_t *p, size_t len)
{
	uint32_t c = 0xffffffffu;

	if (!crc_table[1])
		crc_init();
	while (len--)
		c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return ~c;
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* RFC 6189 §5: first byte 0x10 and the magic cookie at offset 4. */
bool zrtp_is_zrtp_packet(const uint8_t *p, size_t len)
{
	return len >= ZRTP_PKT_HDR_LEN && p[0] == 0x10 && zrtp_get32(p + 4) == ZRTP_MAGIC;
}

static enum zrtp_msg_type type_from_block(const uint8_t *b)
{
	for (int t = ZRTP_MSG_HELLO; t < ZRTP_MSG_COUNT; t++)
		if (!memcmp(b, type_block[t], 8))
			return t;
	return ZRTP_MSG_INVALID;
}

static bool ka_is_dh(uint32_t ka)
{
	return ka != KA_MULT && ka != KA_PRSH;
}

/* Lengths of DH public values per key agreement type (§5.1.5). */
static int pv_len_for(uint32_t ka)
{
	switch (ka) {
	case ZRTP_ALG('D', 'H', '3', 'k'): return 384;
	case ZRTP_ALG('D', 'H', '2', 'k'): return 256;
	case ZRTP_ALG('E', 'C', '2', '5'): return 64;
	case ZRTP_ALG('E', 'C', '3', '8'): return 96;
	case ZRTP_ALG('E', 'C', '5', '2'): return 132;
	case ZRTP_ALG('X', '2', '5', '5'): return 32;
	case ZRTP_ALG('X', '4', '4', '8'): return 56;
	}
	return -1;
}

static bool pv_len_known(size_t n)
{
	return n == 384 || n == 256 || n == 64 || n == 96 || n == 132 || n == 32 || n == 56;
}

static int parse_hello(const uint8_t *p, size_t len, struct zrtp_hello *h)
{
	size_t total = 0, off;

	if (len < HELLO_FIXED)
		return ZRTP_WIRE_EFORMAT;
	memcpy(h->version, p + 12, 4);
	memcpy(h->client_id, p + 16, 16);
	memcpy(h->h3, p + 32, 32);
	memcpy(h->zid, p + 64, 12);
	h->flags = p[76] >> 4 & 0x7;
	h->n[ZRTP_ALG_HASH] = p[77] & 0xf;
	h->n[ZRTP_ALG_CIPHER] = p[78] >> 4;
	h->n[ZRTP_ALG_AUTH] = p[78] & 0xf;
	h->n[ZRTP_ALG_KA] = p[79] >> 4;
	h->n[ZRTP_ALG_SAS] = p[79] & 0xf;
	for (int k = 0; k < ZRTP_ALG_KINDS; k++) {
		if (h->n[k] > ZRTP_MAX_ALGS)
			return ZRTP_WIRE_ECOUNT;	/* CVE-2013-2221 */
		total += h->n[k];
	}
	if (len != HELLO_FIXED + 4 * total)
		return ZRTP_WIRE_EFORMAT;
	off = 80;
	for (int k = 0; k < ZRTP_ALG_KINDS; k++)
		for (int i = 0; i < h->n[k]; i++, off += 4)
			h->alg[k][i] = zrtp_get32(p + off);
	memcpy(h->mac, p + off, 8);
	return 0;
}

static int parse_commit(const uint8_t *p, size_t len, struct zrtp_commit *c)
{
	if (len < COMMIT_MULT_LEN)
		return ZRTP_WIRE_EFORMAT;
	memcpy(c->h2, p + 12, 32);
	memcpy(c->zid, p + 44, 12);
	for (int k = 0; k < ZRTP_ALG_KINDS; k++)
		c->alg[k] = zrtp_get32(p + 56 + 4 * k);
	memset(c->hvi, 0, sizeof(c->hvi));
	memset(c->nonce, 0, sizeof(c->nonce));
	memset(c->key_id, 0, sizeof(c->key_id));
	switch (c->alg[ZRTP_ALG_KA]) {
	case KA_MULT:
		if (len != COMMIT_MULT_LEN)
			return ZRTP_WIRE_EFORMAT;
		memcpy(c->nonce, p + 76, 16);
		break;
	case KA_PRSH:
		if (len != COMMIT_PRSH_LEN)
			return ZRTP_WIRE_EFORMAT;
		memcpy(c->nonce, p + 76, 16);
		memcpy(c->key_id, p + 92, 8);
		break;
	default:
		if (len != COMMIT_DH_LEN)
			return ZRTP_WIRE_EFORMAT;
		memcpy(c->hvi, p + 76, 32);
		break;
	}
	memcpy(c->mac, p + len - 8, 8);
	return 0;
}

static int parse_dhpart(const uint8_t *p, size_t len, struct zrtp_dhpart *d)
{
	size_t pv;

	if (len < DHPART_FIXED)
		return ZRTP_WIRE_EFORMAT;
	pv = len - DHPART_FIXED;
	if (!pv_len_known(pv))		/* only sizes of types we know */
		return ZRTP_WIRE_EFORMAT;
	memcpy(d->h1, p + 12, 32);
	memcpy(d->rs1_id, p + 44, 8);
	memcpy(d->rs2_id, p + 52, 8);
	memcpy(d->aux_id, p + 60, 8);
	memcpy(d->pbx_id, p + 68, 8);
	d->pv_len = pv;
	memcpy(d->pv, p + 76, pv);
	memcpy(d->mac, p + 76 + pv, 8);
	return 0;
}

static int parse_confirm(const uint8_t *p, size_t len, struct zrtp_confirm *c, size_t plain)
{
	/* The encrypted part is at least the fixed plaintext, plus at most a
	 * 511-word signature; its exact size is checked after decryption. */
	if (len < CONFIRM_FIXED + plain || len > ZRTP_MAX_MSG_LEN)
		return ZRTP_WIRE_EFORMAT;
	memcpy(c->mac, p + 12, 8);
	memcpy(c->iv, p + 20, 16);
	c->enc_len = len - CONFIRM_FIXED;
	memcpy(c->enc, p + CONFIRM_FIXED, c->enc_len);
	return 0;
}

int zrtp_msg_parse(const uint8_t *p, size_t len, struct zrtp_msg *m)
{
	size_t declared;

	memset(m, 0, sizeof(*m));
	if (len < ZRTP_MSG_HDR_LEN)
		return ZRTP_WIRE_ESHORT;
	if (zrtp_get16(p) != ZRTP_PREAMBLE)
		return ZRTP_WIRE_EHDR;
	declared = 4u * zrtp_get16(p + 2);
	if (declared != len || len > ZRTP_MAX_MSG_LEN)
		return ZRTP_WIRE_ELEN;
	m->type = type_from_block(p + 4);
	switch (m->type) {
	case ZRTP_MSG_HELLO:
		return parse_hello(p, len, &m->hello);
	case ZRTP_MSG_COMMIT:
		return parse_commit(p, len, &m->commit);
	case ZRTP_MSG_DHPART1:
	case ZRTP_MSG_DHPART2:
		return parse_dhpart(p, len, &m->dhpart);
	case ZRTP_MSG_CONFIRM1:
	case ZRTP_MSG_CONFIRM2:
		return parse_confirm(p, len, &m->confirm, ZRTP_CONFIRM_PLAIN_LEN);
	case ZRTP_MSG_SASRELAY:
		return parse_confirm(p, len, &m->confirm, ZRTP_SASRELAY_PLAIN_LEN);
	case ZRTP_MSG_HELLOACK:
	case ZRTP_MSG_CONF2ACK:
	case ZRTP_MSG_ERRORACK:
	case ZRTP_MSG_CLEARACK:
	case ZRTP_MSG_RELAYACK:
		return len == ACK_LEN ? 0 : ZRTP_WIRE_EFORMAT;
	case ZRTP_MSG_ERROR:
		if (len != ERROR_LEN)
			return ZRTP_WIRE_EFORMAT;
		m->error_code = zrtp_get32(p + 12);
		return 0;
	case ZRTP_MSG_GOCLEAR:
		if (len != GOCLEAR_LEN)
			return ZRTP_WIRE_EFORMAT;
		memcpy(m->clear_mac, p + 12, 8);
		return 0;
	case ZRTP_MSG_PING:		/* CVE-2013-2223: exact size */
		if (len != PING_LEN)
			return ZRTP_WIRE_EFORMAT;
		memcpy(m->ping.version, p + 12, 4);
		memcpy(m->ping.endpoint_hash, p + 16, 8);
		return 0;
	case ZRTP_MSG_PINGACK:
		if (len != PINGACK_LEN)
			return ZRTP_WIRE_EFORMAT;
		memcpy(m->pingack.version, p + 12, 4);
		memcpy(m->pingack.sender_hash, p + 16, 8);
		memcpy(m->pingack.received_hash, p + 24, 8);
		m->pingack.ssrc = zrtp_get32(p + 32);
		return 0;
	default:
		return ZRTP_WIRE_ETYPE;
	}
}

int zrtp_packet_parse(const uint8_t *p, size_t len, struct zrtp_packet *out)
{
	size_t msg_len;
	uint32_t crc;

	memset(out, 0, sizeof(*out));
	if (len < ZRTP_PKT_HDR_LEN + ZRTP_MSG_HDR_LEN + ZRTP_CRC_LEN)
		return ZRTP_WIRE_ESHORT;
	if (!zrtp_is_zrtp_packet(p, len) || p[1] != 0)
		return ZRTP_WIRE_EHDR;
	/* §5: CRC-32C over header and message.  As in SCTP (RFC 3309), the
	 * reflected CRC goes on the wire least significant byte first: the
	 * byte order Wireshark and bzrtp check (RFC 6189 erratum). */
	crc = zrtp_crc32c(p, len - ZRTP_CRC_LEN);
	if (crc != get_le32(p + len - ZRTP_CRC_LEN))
		return ZRTP_WIRE_ECRC;
	out->seq = zrtp_get16(p + 2);
	out->ssrc = zrtp_get32(p + 8);
	out->msg = p + ZRTP_PKT_HDR_LEN;
	msg_len = len - ZRTP_PKT_HDR_LEN - ZRTP_CRC_LEN;
	out->msg_len = msg_len;
	return zrtp_msg_parse(out->msg, msg_len, &out->m);
}

static void put_hdr(uint8_t *p, enum zrtp_msg_type t, size_t len)
{
	zrtp_put16(p, ZRTP_PREAMBLE);
	zrtp_put16(p + 2, len / 4);
	memcpy(p + 4, type_block[t], 8);
}

int zrtp_msg_encode(const struct zrtp_msg *m, uint8_t *p, size_t cap)
{
	size_t len = 0, off;

	if (m->type <= ZRTP_MSG_INVALID || m->type >= ZRTP_MSG_COUNT)
		return -1;
	switch (m->type) {
	case ZRTP_MSG_HELLO: {
		const struct zrtp_hello *h = &m->hello;
		size_t total = 0;

		for (int k = 0; k < ZRTP_ALG_KINDS; k++) {
			if (h->n[k] > ZRTP_MAX_ALGS)
				return -1;
			total += h->n[k];
		}
		len = HELLO_FIXED + 4 * total;
		if (len > cap)
			return -1;
		memcpy(p + 12, h->version, 4);
		memcpy(p + 16, h->client_id, 16);
		memcpy(p + 32, h->h3, 32);
		memcpy(p + 64, h->zid, 12);
		p[76] = (h->flags & 0x7) << 4;
		p[77] = h->n[ZRTP_ALG_HASH];
		p[78] = h->n[ZRTP_ALG_CIPHER] << 4 | h->n[ZRTP_ALG_AUTH];
		p[79] = h->n[ZRTP_ALG_KA] << 4 | h->n[ZRTP_ALG_SAS];
		off = 80;
		for (int k = 0; k < ZRTP_ALG_KINDS; k++)
			for (int i = 0; i < h->n[k]; i++, off += 4)
				zrtp_put32(p + off, h->alg[k][i]);
		memcpy(p + off, h->mac, 8);
		break;
	}
	case ZRTP_MSG_COMMIT: {
		const struct zrtp_commit *c = &m->commit;
		uint32_t ka = c->alg[ZRTP_ALG_KA];

		len = ka == KA_MULT ? COMMIT_MULT_LEN : ka == KA_PRSH ? COMMIT_PRSH_LEN : COMMIT_DH_LEN;
		if (len > cap)
			return -1;
		memcpy(p + 12, c->h2, 32);
		memcpy(p + 44, c->zid, 12);
		for (int k = 0; k < ZRTP_ALG_KINDS; k++)
			zrtp_put32(p + 56 + 4 * k, c->alg[k]);
		if (ka_is_dh(ka)) {
			memcpy(p + 76, c->hvi, 32);
		} else {
			memcpy(p + 76, c->nonce, 16);
			if (ka == KA_PRSH)
				memcpy(p + 92, c->key_id, 8);
		}
		memcpy(p + len - 8, c->mac, 8);
		break;
	}
	case ZRTP_MSG_DHPART1:
	case ZRTP_MSG_DHPART2: {
		const struct zrtp_dhpart *d = &m->dhpart;

		if (!pv_len_known(d->pv_len))
			return -1;
		len = DHPART_FIXED + d->pv_len;
		if (len > cap)
			return -1;
		memcpy(p + 12, d->h1, 32);
		memcpy(p + 44, d->rs1_id, 8);
		memcpy(p + 52, d->rs2_id, 8);
		memcpy(p + 60, d->aux_id, 8);
		memcpy(p + 68, d->pbx_id, 8);
		memcpy(p + 76, d->pv, d->pv_len);
		memcpy(p + 76 + d->pv_len, d->mac, 8);
		break;
	}
	case ZRTP_MSG_CONFIRM1:
	case ZRTP_MSG_CONFIRM2:
	case ZRTP_MSG_SASRELAY: {
		const struct zrtp_confirm *c = &m->confirm;

		if (c->enc_len % 4 || c->enc_len < ZRTP_CONFIRM_PLAIN_LEN)
			return -1;
		len = CONFIRM_FIXED + c->enc_len;
		if (len > cap || len > ZRTP_MAX_MSG_LEN)
			return -1;
		memcpy(p + 12, c->mac, 8);
		memcpy(p + 20, c->iv, 16);
		memcpy(p + 36, c->enc, c->enc_len);
		break;
	}
	case ZRTP_MSG_ERROR:
		len = ERROR_LEN;
		if (len > cap)
			return -1;
		zrtp_put32(p + 12, m->error_code);
		break;
	case ZRTP_MSG_GOCLEAR:
		len = GOCLEAR_LEN;
		if (len > cap)
			return -1;
		memcpy(p + 12, m->clear_mac, 8);
		break;
	case ZRTP_MSG_PING:
		len = PING_LEN;
		if (len > cap)
			return -1;
		memcpy(p + 12, m->ping.version, 4);
		memcpy(p + 16, m->ping.endpoint_hash, 8);
		break;
	case ZRTP_MSG_PINGACK:
		len = PINGACK_LEN;
		if (len > cap)
			return -1;
		memcpy(p + 12, m->pingack.version, 4);
		memcpy(p + 16, m->pingack.sender_hash, 8);
		memcpy(p + 24, m->pingack.received_hash, 8);
		zrtp_put32(p + 32, m->pingack.ssrc);
		break;
	default:	/* the ACKs: header only */
		len = ACK_LEN;
		if (len > cap)
			return -1;
		break;
	}
	put_hdr(p, m->type, len);
	return (int)len;
}

int zrtp_msg_mac_offset(enum zrtp_msg_type t, size_t msg_len)
{
	switch (t) {
	case ZRTP_MSG_HELLO:
	case ZRTP_MSG_COMMIT:
	case ZRTP_MSG_DHPART1:
	case ZRTP_MSG_DHPART2:
		return msg_len >= ZRTP_MSG_HDR_LEN + 8 ? (int)(msg_len - 8) : -1;
	default:
		return -1;
	}
}

int zrtp_packet_build(uint16_t seq, uint32_t ssrc, const uint8_t *msg, size_t msg_len,
		      uint8_t *buf, size_t cap)
{
	size_t len = ZRTP_PKT_HDR_LEN + msg_len + ZRTP_CRC_LEN;

	if (len > cap || msg_len > ZRTP_MAX_MSG_LEN)
		return -1;
	buf[0] = 0x10;
	buf[1] = 0x00;
	zrtp_put16(buf + 2, seq);
	zrtp_put32(buf + 4, ZRTP_MAGIC);
	zrtp_put32(buf + 8, ssrc);
	memmove(buf + ZRTP_PKT_HDR_LEN, msg, msg_len);
	zrtp_packet_set_crc(buf, len);
	return (int)len;
}

void zrtp_packet_set_crc(uint8_t *pkt, size_t len)
{
	uint32_t c = zrtp_crc32c(pkt, len - ZRTP_CRC_LEN);

	pkt[len - 4] = c;
	pkt[len - 3] = c >> 8;
	pkt[len - 2] = c >> 16;
	pkt[len - 1] = c >> 24;
}

/* §5.7: H0, then 15 zero bits | sig len (9) | 0000 EVAD, expiry, sig. */
int zrtp_confirm_plain_parse(const uint8_t *p, size_t len, struct zrtp_confirm_plain *c)
{
	if (len < ZRTP_CONFIRM_PLAIN_LEN)
		return ZRTP_WIRE_EFORMAT;
	memcpy(c->h0, p, 32);
	c->sig_words = (uint16_t)((p[33] & 1) << 8 | p[34]);
	c->flags = p[35] & 0xf;
	c->cache_expiry = zrtp_get32(p + 36);
	if (len != ZRTP_CONFIRM_PLAIN_LEN + 4u * c->sig_words)
		return ZRTP_WIRE_ELEN;
	c->sig = c->sig_words ? p + ZRTP_CONFIRM_PLAIN_LEN : NULL;
	return 0;
}

int zrtp_confirm_plain_encode(const struct zrtp_confirm_plain *c, uint8_t *p, size_t cap)
{
	size_t len = ZRTP_CONFIRM_PLAIN_LEN + 4u * c->sig_words;

	if (len > cap || c->sig_words > ZRTP_MAX_SIG_WORDS)
		return -1;
	memcpy(p, c->h0, 32);
	p[32] = 0;
	p[33] = c->sig_words >> 8 & 1;
	p[34] = c->sig_words & 0xff;
	p[35] = c->flags & 0xf;
	zrtp_put32(p + 36, c->cache_expiry);
	if (c->sig_words)
		memcpy(p + 40, c->sig, 4u * c->sig_words);
	return (int)len;
}

/* §5.13: 15 zero bits | sig len | 00000 VAD, rendering scheme, sashash. */
int zrtp_sasrelay_plain_parse(const uint8_t *p, size_t len, struct zrtp_sasrelay_plain *s)
{
	if (len < ZRTP_SASRELAY_PLAIN_LEN)
		return ZRTP_WIRE_EFORMAT;
	s->sig_words = (uint16_t)((p[1] & 1) << 8 | p[2]);
	s->flags = p[3] & 0x7;
	s->sas_scheme = zrtp_get32(p + 4);
	memcpy(s->sashash, p + 8, 32);
	if (len != ZRTP_SASRELAY_PLAIN_LEN + 4u * s->sig_words)
		return ZRTP_WIRE_ELEN;
	s->sig = s->sig_words ? p + ZRTP_SASRELAY_PLAIN_LEN : NULL;
	return 0;
}

int zrtp_sasrelay_plain_encode(const struct zrtp_sasrelay_plain *s, uint8_t *p, size_t cap)
{
	size_t len = ZRTP_SASRELAY_PLAIN_LEN + 4u * s->sig_words;

	if (len > cap || s->sig_words > ZRTP_MAX_SIG_WORDS)
		return -1;
	p[0] = 0;
	p[1] = s->sig_words >> 8 & 1;
	p[2] = s->sig_words & 0xff;
	p[3] = s->flags & 0x7;
	zrtp_put32(p + 4, s->sas_scheme);
	memcpy(p + 8, s->sashash, 32);
	if (s->sig_words)
		memcpy(p + 40, s->sig, 4u * s->sig_words);
	return (int)len;
}

/* Exposed for the engine: expected pv size of a key agreement type. */
int zrtp_pv_len(uint32_t ka)
{
	return pv_len_for(ka);
}
