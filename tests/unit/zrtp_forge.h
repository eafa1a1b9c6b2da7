/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What an active attacker on the path can send without any key: one ZRTP
 * message of any type, well formed (the CRC is not a secret), with hash
 * images that do not chain to the peer's, random MACs and encrypted parts,
 * any SSRC; Error and HelloACK as they are; a Hello with the receiver's own
 * ZID, a bad version, or the real peer's ZID with the attacker's chain.
 * Used by the forged-message property test (tests/unit/zrtp_forge.c) and
 * the engine injection fuzzer (tests/fuzz/zrtp_inject.c).
 */
#ifndef ZRTP_FORGE_H
#define ZRTP_FORGE_H
#include <stdint.h>
#include <string.h>
#include "zrtp.h"
#include "zrtp_wire.h"

enum { ZF_VARIANTS = 4 };

static inline uint32_t zf_next(uint32_t *st)
{
	*st = *st * 1103515245u + 12345u;
	return *st >> 8;
}

static inline void zf_fill(uint32_t *st, void *buf, size_t n)
{
	uint8_t *b = buf;

	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)zf_next(st);
}

static inline void zf_algs(uint32_t alg[ZRTP_ALG_KINDS], uint32_t hash, uint32_t ka)
{
	alg[ZRTP_ALG_HASH] = hash;
	alg[ZRTP_ALG_CIPHER] = ZRTP_ALG('A', 'E', 'S', '1');
	alg[ZRTP_ALG_AUTH] = ZRTP_ALG('H', 'S', '3', '2');
	alg[ZRTP_ALG_KA] = ka;
	alg[ZRTP_ALG_SAS] = ZRTP_ALG('B', '3', '2', ' ');
}

/*
 * Build forged message `t`, variant `v` (0..ZF_VARIANTS-1), as the packet
 * the attacker sends to the endpoint whose ZID is `target_zid`, pretending
 * to be `peer_zid` (whose SSRC is `peer_ssrc`).  Returns the packet length.
 */
static inline int zf_forge(enum zrtp_msg_type t, int v, uint32_t *st, const uint8_t target_zid[12],
			   const uint8_t peer_zid[12], uint32_t peer_ssrc, uint8_t *pkt, size_t cap)
{
	struct zrtp_msg m;
	uint8_t msg[ZRTP_MAX_MSG_LEN];
	uint32_t ssrc = v & 1 ? zf_next(st) : peer_ssrc;
	int n;

	memset(&m, 0, sizeof(m));
	m.type = t;
	switch (t) {
	case ZRTP_MSG_HELLO: {
		struct zrtp_hello *h = &m.hello;

		memcpy(h->version, v == 2 ? "0.85" : "1.10", 4);
		memcpy(h->client_id, "forged          ", 16);
		zf_fill(st, h->h3, 32);
		/* 0: someone else; 1: the target's own ZID; 2: bad version;
		 * 3: the real peer's ZID, offering only DH3k and S384 */
		if (v == 0)
			zf_fill(st, h->zid, 12);
		else
			memcpy(h->zid, v == 1 ? target_zid : peer_zid, 12);
		if (v == 3) {
			h->n[ZRTP_ALG_HASH] = 1;
			h->alg[ZRTP_ALG_HASH][0] = ZRTP_ALG('S', '3', '8', '4');
			h->n[ZRTP_ALG_KA] = 1;
			h->alg[ZRTP_ALG_KA][0] = ZRTP_ALG('D', 'H', '3', 'k');
			h->flags = ZRTP_HELLO_M;
		}
		zf_fill(st, h->mac, sizeof(h->mac));
		break;
	}
	case ZRTP_MSG_COMMIT: {
		static const uint32_t ka[ZF_VARIANTS] = {
			ZRTP_ALG('X', '2', '5', '5'), ZRTP_ALG('X', '2', '5', '5'),
			ZRTP_ALG('M', 'u', 'l', 't'), ZRTP_ALG('P', 'r', 's', 'h'),
		};

		zf_fill(st, m.commit.h2, 32);
		memcpy(m.commit.zid, peer_zid, 12);
		/* variant 1 asks for another hash: it must not stick */
		zf_algs(m.commit.alg, v == 1 ? ZRTP_ALG('S', '3', '8', '4') : ZRTP_ALG('S', '2', '5', '6'),
			ka[v]);
		zf_fill(st, m.commit.hvi, 32);
		zf_fill(st, m.commit.nonce, 16);
		zf_fill(st, m.commit.key_id, 8);
		zf_fill(st, m.commit.mac, sizeof(m.commit.mac));
		break;
	}
	case ZRTP_MSG_DHPART1:
	case ZRTP_MSG_DHPART2:
		zf_fill(st, &m.dhpart, sizeof(m.dhpart));
		m.dhpart.pv_len = v < 2 ? 32 : 384;	/* X25519 / DH3k sized */
		if (v == 2)
			memset(m.dhpart.pv, 0, 384);
		break;
	case ZRTP_MSG_CONFIRM1:
	case ZRTP_MSG_CONFIRM2:
	case ZRTP_MSG_SASRELAY:
		zf_fill(st, &m.confirm, sizeof(m.confirm));
		m.confirm.enc_len = 40;
		break;
	case ZRTP_MSG_ERROR: {
		static const uint32_t codes[ZF_VARIANTS] = { 0x70, 0x30, 0x62, 0xB0 };

		m.error_code = codes[v];
		break;
	}
	case ZRTP_MSG_GOCLEAR:
		zf_fill(st, m.clear_mac, sizeof(m.clear_mac));
		break;
	case ZRTP_MSG_PING:
		memcpy(m.ping.version, "1.10", 4);
		zf_fill(st, m.ping.endpoint_hash, 8);
		break;
	case ZRTP_MSG_PINGACK:
		memcpy(m.pingack.version, "1.10", 4);
		zf_fill(st, m.pingack.sender_hash, 8);
		zf_fill(st, m.pingack.received_hash, 8);
		m.pingack.ssrc = zf_next(st);
		break;
	default:	/* HelloACK, Conf2ACK, ErrorACK, ClearACK, RelayACK */
		break;
	}
	n = zrtp_msg_encode(&m, msg, sizeof(msg));
	if (n < 0)
		return -1;
	return zrtp_packet_build((uint16_t)zf_next(st), ssrc, msg, (size_t)n, pkt, cap);
}
#endif
