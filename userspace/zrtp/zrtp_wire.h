/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ZRTP wire format (RFC 6189 §5): packet header, CRC-32C and the 16
 * message types.  Parsing is strict: the declared message length must
 * match the datagram exactly, algorithm counts are at most 7, fixed-size
 * messages must have exactly their size.  No crypto here: MACs and the
 * encrypted part of Confirm/SASrelay are carried as opaque bytes.
 */
#ifndef ZRTP_WIRE_H
#define ZRTP_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

enum {
	ZRTP_PKT_HDR_LEN = 12,		/* 0x10 0x00 seq(16) magic(32) SSRC(32) */
	ZRTP_CRC_LEN = 4,
	ZRTP_MSG_HDR_LEN = 12,		/* preamble(16) length(16) type(64) */
	ZRTP_PREAMBLE = 0x505a,
	ZRTP_MAGIC = 0x5a525450,	/* "ZRTP" */
	ZRTP_MAX_ALGS = 7,		/* §5.2: at most 7 of each type */
	ZRTP_ZID_LEN = 12,
	ZRTP_HASH_IMAGE_LEN = 32,	/* H0..H3 are SHA-256 images, §9 */
	ZRTP_MAC_LEN = 8,		/* 64-bit truncated MACs */
	ZRTP_ID_LEN = 8,		/* rs1ID etc., §4.3.1 */
	ZRTP_CFB_IV_LEN = 16,
	ZRTP_MAX_PV_LEN = 384,		/* DH3k */
	ZRTP_MAX_MSG_LEN = 1024,
	ZRTP_MAX_PKT_LEN = ZRTP_PKT_HDR_LEN + ZRTP_MAX_MSG_LEN + ZRTP_CRC_LEN,
	/* Confirm/SASrelay encrypted part: fixed part + signature (9-bit
	 * word count) */
	ZRTP_CONFIRM_PLAIN_LEN = 40,	/* H0 + flags word + expiry */
	ZRTP_SASRELAY_PLAIN_LEN = 40,	/* flags word + scheme + sashash */
	ZRTP_MAX_SIG_WORDS = 511,
	ZRTP_MAX_ENC_LEN = ZRTP_MAX_MSG_LEN,
};

enum zrtp_msg_type {
	ZRTP_MSG_INVALID = 0,
	ZRTP_MSG_HELLO,
	ZRTP_MSG_HELLOACK,
	ZRTP_MSG_COMMIT,
	ZRTP_MSG_DHPART1,
	ZRTP_MSG_DHPART2,
	ZRTP_MSG_CONFIRM1,
	ZRTP_MSG_CONFIRM2,
	ZRTP_MSG_CONF2ACK,
	ZRTP_MSG_ERROR,
	ZRTP_MSG_ERRORACK,
	ZRTP_MSG_GOCLEAR,
	ZRTP_MSG_CLEARACK,
	ZRTP_MSG_SASRELAY,
	ZRTP_MSG_RELAYACK,
	ZRTP_MSG_PING,
	ZRTP_MSG_PINGACK,
	ZRTP_MSG_COUNT,
};

/* Algorithm identifiers are 4 ASCII characters, kept as a big-endian word. */
#define ZRTP_ALG(a, b, c, d) \
	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

enum zrtp_alg_kind {
	ZRTP_ALG_HASH, ZRTP_ALG_CIPHER, ZRTP_ALG_AUTH, ZRTP_ALG_KA, ZRTP_ALG_SAS,
	ZRTP_ALG_KINDS,
};

/* Hello flags (§5.2) */
enum {
	ZRTP_HELLO_S = 0x4,	/* signature capable */
	ZRTP_HELLO_M = 0x2,	/* MiTM (PBX) */
	ZRTP_HELLO_P = 0x1,	/* passive */
};

/* Confirm flags (§5.7) and SASrelay flags (§5.13) */
enum {
	ZRTP_CONFIRM_E = 0x8,	/* PBX enrollment */
	ZRTP_CONFIRM_V = 0x4,	/* SAS verified */
	ZRTP_CONFIRM_A = 0x2,	/* allow clear */
	ZRTP_CONFIRM_D = 0x1,	/* disclosure */
};

struct zrtp_hello {
	uint8_t version[4];
	uint8_t client_id[16];
	uint8_t h3[32];
	uint8_t zid[ZRTP_ZID_LEN];
	uint8_t flags;		/* ZRTP_HELLO_S|M|P */
	uint8_t n[ZRTP_ALG_KINDS];
	uint32_t alg[ZRTP_ALG_KINDS][ZRTP_MAX_ALGS];
	uint8_t mac[ZRTP_MAC_LEN];
};

struct zrtp_commit {
	uint8_t h2[32];
	uint8_t zid[ZRTP_ZID_LEN];
	uint32_t alg[ZRTP_ALG_KINDS];	/* hash, cipher, auth, ka, sas */
	uint8_t hvi[32];		/* DH modes */
	uint8_t nonce[16];		/* Mult and Prsh */
	uint8_t key_id[8];		/* Prsh */
	uint8_t mac[ZRTP_MAC_LEN];
};

struct zrtp_dhpart {
	uint8_t h1[32];
	uint8_t rs1_id[ZRTP_ID_LEN];
	uint8_t rs2_id[ZRTP_ID_LEN];
	uint8_t aux_id[ZRTP_ID_LEN];
	uint8_t pbx_id[ZRTP_ID_LEN];
	uint16_t pv_len;
	uint8_t pv[ZRTP_MAX_PV_LEN];
	uint8_t mac[ZRTP_MAC_LEN];
};

/* Confirm1/2 and SASrelay: MAC, IV and the still-encrypted part. */
struct zrtp_confirm {
	uint8_t mac[ZRTP_MAC_LEN];
	uint8_t iv[ZRTP_CFB_IV_LEN];
	uint16_t enc_len;
	uint8_t enc[ZRTP_MAX_ENC_LEN];
};

/* The decrypted part of a Confirm message (§5.7). */
struct zrtp_confirm_plain {
	uint8_t h0[32];
	uint16_t sig_words;
	uint8_t flags;			/* ZRTP_CONFIRM_E|V|A|D */
	uint32_t cache_expiry;		/* seconds; 0xffffffff = forever */
	const uint8_t *sig;		/* points into the decrypted buffer */
};

/* The decrypted part of a SASrelay message (§5.13). */
struct zrtp_sasrelay_plain {
	uint16_t sig_words;
	uint8_t flags;			/* V|A|D */
	uint32_t sas_scheme;		/* rendering scheme of relayed SAS */
	uint8_t sashash[32];
	const uint8_t *sig;
};

struct zrtp_ping {
	uint8_t version[4];
	uint8_t endpoint_hash[8];
};

struct zrtp_pingack {
	uint8_t version[4];
	uint8_t sender_hash[8];
	uint8_t received_hash[8];
	uint32_t ssrc;
};

struct zrtp_msg {
	enum zrtp_msg_type type;
	union {
		struct zrtp_hello hello;
		struct zrtp_commit commit;
		struct zrtp_dhpart dhpart;
		struct zrtp_confirm confirm;	/* Confirm1/2, SASrelay */
		uint32_t error_code;
		uint8_t clear_mac[ZRTP_MAC_LEN];
		struct zrtp_ping ping;
		struct zrtp_pingack pingack;
	};
};

struct zrtp_packet {
	uint16_t seq;
	uint32_t ssrc;
	const uint8_t *msg;		/* the message inside the datagram */
	size_t msg_len;
	struct zrtp_msg m;
};

/* Parse errors: negative; 0 on success. */
enum zrtp_wire_err {
	ZRTP_WIRE_OK = 0,
	ZRTP_WIRE_ESHORT = -1,		/* shorter than header + CRC */
	ZRTP_WIRE_EHDR = -2,		/* first byte / magic */
	ZRTP_WIRE_ECRC = -3,
	ZRTP_WIRE_ELEN = -4,		/* declared length != datagram */
	ZRTP_WIRE_ETYPE = -5,
	ZRTP_WIRE_ECOUNT = -6,		/* algorithm count > 7 */
	ZRTP_WIRE_EFORMAT = -7,		/* wrong size for this type */
};

const char *zrtp_msg_type_name(enum zrtp_msg_type t);
uint32_t zrtp_crc32c(const uint8_t *p, size_t len);
bool zrtp_is_zrtp_packet(const uint8_t *p, size_t len);

/* Strict parse of a whole datagram (header, CRC, message). */
int zrtp_packet_parse(const uint8_t *p, size_t len, struct zrtp_packet *out);
/* Parse a bare message (no packet header/CRC). */
int zrtp_msg_parse(const uint8_t *p, size_t len, struct zrtp_msg *out);

/*
 * Encode a message into buf; returns its length or -1 if it would not fit
 * or is invalid.  MACs are written as carried in the struct; the caller
 * computes them over the encoded bytes (zrtp_msg_mac_offset()) and patches.
 */
int zrtp_msg_encode(const struct zrtp_msg *m, uint8_t *buf, size_t cap);
/* Offset of the trailing MAC in an encoded Hello/Commit/DHPart, else -1. */
int zrtp_msg_mac_offset(enum zrtp_msg_type t, size_t msg_len);
/* Wrap a message into a packet with header and CRC; returns length or -1. */
int zrtp_packet_build(uint16_t seq, uint32_t ssrc, const uint8_t *msg,
		      size_t msg_len, uint8_t *buf, size_t cap);

/* (Re)compute the trailing CRC of a whole packet (§5, LSB first). */
void zrtp_packet_set_crc(uint8_t *pkt, size_t len);

/* Confirm/SASrelay plaintext helpers (after/before AES-CFB). */
int zrtp_confirm_plain_parse(const uint8_t *p, size_t len, struct zrtp_confirm_plain *out);
int zrtp_confirm_plain_encode(const struct zrtp_confirm_plain *c, uint8_t *buf, size_t cap);
int zrtp_sasrelay_plain_parse(const uint8_t *p, size_t len, struct zrtp_sasrelay_plain *out);
int zrtp_sasrelay_plain_encode(const struct zrtp_sasrelay_plain *s, uint8_t *buf, size_t cap);

int zrtp_pv_len(uint32_t ka);

/* Big-endian helpers shared by the library. */
static inline void zrtp_put16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v; }
static inline void zrtp_put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}
static inline uint16_t zrtp_get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t zrtp_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#endif
