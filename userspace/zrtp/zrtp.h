/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libzrtp (ksrtp): an I/O-free ZRTP engine, RFC 6189.
 *
 * The engine never touches a socket or a clock.  The caller feeds it the
 * ZRTP packets it receives and the current time, and polls it for packets
 * to send, events, and the deadline of its next timer:
 *
 *	s = zrtp_session_new(&cfg);
 *	zrtp_start(s, now);
 *	loop:
 *		while (zrtp_poll(s, now, &out))   -> send out.pkt / handle out.ev
 *		wait for a packet or out.next_timer_ms
 *		zrtp_input(s, now, pkt, len);
 *
 * Retained secrets live in a zrtp_cache (SQLite, WAL) that the caller opens
 * once per endpoint and passes in the config; it also holds this endpoint's
 * persistent ZID.  Randomness comes from OpenSSL unless cfg.rand is set.
 */
#ifndef ZRTP_H
#define ZRTP_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define ZRTP_CODE(a, b, c, d) \
	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

enum zrtp_role {
	/* commit as soon as we hold the peer's Hello and ours is
	 * acknowledged; a peer's Commit that comes first makes us responder */
	ZRTP_ROLE_AUTO = 0,
	/* as AUTO, and a peer's Commit that comes before we could commit is
	 * answered with our own Commit: RFC 6189 §4.2 then decides (we lose
	 * only if the peer's Commit wins it) */
	ZRTP_ROLE_INITIATOR,
	/* wait for the peer's Commit; if none comes within
	 * ZRTP_RESPONDER_WAIT_MS of both Hellos being acknowledged, commit
	 * (unless passive: then the session fails with 0xB0) */
	ZRTP_ROLE_RESPONDER,
};

/* RFC 6189 §5.9 error codes */
enum zrtp_error_code {
	ZRTP_ERR_MALFORMED = 0x10,
	ZRTP_ERR_SOFTWARE = 0x20,
	ZRTP_ERR_VERSION = 0x30,
	ZRTP_ERR_HELLO_MISMATCH = 0x40,
	ZRTP_ERR_HASH_UNSUPP = 0x51,
	ZRTP_ERR_CIPHER_UNSUPP = 0x52,
	ZRTP_ERR_PK_UNSUPP = 0x53,
	ZRTP_ERR_AUTH_UNSUPP = 0x54,
	ZRTP_ERR_SAS_UNSUPP = 0x55,
	ZRTP_ERR_NO_SHARED_SECRET = 0x56,
	ZRTP_ERR_DH_BAD_PV = 0x61,
	ZRTP_ERR_DH_HVI = 0x62,
	ZRTP_ERR_UNTRUSTED_MITM = 0x63,
	ZRTP_ERR_CONFIRM_MAC = 0x70,
	ZRTP_ERR_NONCE_REUSE = 0x80,
	ZRTP_ERR_EQUAL_ZID = 0x90,
	ZRTP_ERR_SSRC_COLLISION = 0x91,
	ZRTP_ERR_UNAVAILABLE = 0xA0,
	ZRTP_ERR_TIMEOUT = 0xB0,
	ZRTP_ERR_GOCLEAR_NOT_ALLOWED = 0x100,
};

/* How long a responder waits for the peer's Commit before sending its own
 * (issue 12: a peer that waits for our Commit must not park both sides). */
enum { ZRTP_RESPONDER_WAIT_MS = 2000 };

typedef int (*zrtp_rand_fn)(void *arg, uint8_t *buf, size_t len);

struct zrtp_cache;
struct zrtp_session;

enum { ZRTP_MAX_PREFS = 7 };

struct zrtp_config {
	uint8_t zid[12];		/* this endpoint; zrtp_cache_zid() */
	const char *client_id;		/* Hello client identifier, <= 16 chars */
	uint32_t ssrc;			/* SSRC in the ZRTP packet header */
	enum zrtp_role role;
	/* Preference lists by wire code (ZRTP_CODE('S','2','5','6')...);
	 * n == 0 selects the defaults.  Index: hash, cipher, auth, ka, sas. */
	uint32_t algs[5][ZRTP_MAX_PREFS];
	uint8_t nalgs[5];
	bool passive;			/* Hello P flag: never send Commit */
	bool mitm;			/* Hello M flag: we are a trusted PBX */
	bool allow_clear;		/* Confirm A flag */
	bool disclosure;		/* Confirm D flag */
	bool pbx_enroll;		/* PBX: offer enrollment (E flag);
					 * client: accept an offered enrollment */
	struct zrtp_cache *cache;	/* NULL: no retained secrets */
	const uint8_t *aux_secret;	/* optional, §4.3 */
	size_t aux_secret_len;
	/* a=zrtp-hash (RFC 6189 §8.1): the SHA-256 of the peer's Hello
	 * message, when signalling supplied it; NULL otherwise. */
	const uint8_t *peer_hello_hash;
	/* Multistream (§4.4.3): a session that reached SECURE in DH or
	 * preshared mode with the same peer; this stream then uses Mult.
	 * Either name it here, or (when the peer is not known in advance)
	 * give find_master: called with the peer's ZID, during zrtp_input()
	 * or zrtp_poll(), when this stream would commit or the peer's Mult
	 * Commit arrives; return a secure session with that peer, or NULL.
	 * The engine checks it (secure, not Mult itself, same peer ZID) and
	 * takes ZRTPSess and the SAS from it there and then: the master
	 * only has to live through that call. */
	const struct zrtp_session *master;
	const struct zrtp_session *(*find_master)(void *arg, const uint8_t peer_zid[12]);
	void *find_master_arg;
	bool preshared;			/* try Prsh when a cached rs1 exists */
	zrtp_rand_fn rand;		/* NULL: OpenSSL RAND_bytes */
	void *rand_arg;
};

enum zrtp_event_type {
	ZRTP_EV_NONE = 0,
	ZRTP_EV_SECURE,		/* keys agreed: install SRTP */
	ZRTP_EV_CONFIRMED,	/* initiator: Conf2ACK (or first SRTP) seen */
	ZRTP_EV_CACHE_MISMATCH,	/* a cached rs1 exists but did not match */
	ZRTP_EV_ERROR,		/* fatal: error code, sent or received */
	ZRTP_EV_GOCLEAR,	/* peer asked to go clear (and we accepted) */
	ZRTP_EV_CLEAR,		/* our GoClear was acknowledged */
	ZRTP_EV_SAS_RELAYED,	/* SASrelay from an enrolled PBX: new SAS */
	ZRTP_EV_RELAY_REJECTED,	/* SASrelay from a non-enrolled MiTM ignored */
	ZRTP_EV_ENROLLED,	/* PBX enrollment stored */
	ZRTP_EV_HELLO_HASH_MISMATCH,	/* a Hello did not match a=zrtp-hash:
					 * discarded (reported once) */
	/* PBX: our SASrelay went unacknowledged through the whole T2
	 * schedule (a peer that does not implement it, e.g. bzrtp 5.1.64):
	 * the relay is abandoned, the session stays secure */
	ZRTP_EV_RELAY_UNACKED,
};

enum zrtp_cache_status {
	ZRTP_CACHE_NONE = 0,	/* no retained secret for this peer (first call) */
	ZRTP_CACHE_MATCH,	/* rs1 or rs2 matched */
	ZRTP_CACHE_MISMATCH,	/* we had one, it did not match */
};

struct zrtp_srtp_key {
	uint8_t key[32];
	uint8_t key_len;	/* 16, 24 or 32 */
	uint8_t salt[14];	/* 112-bit master salt */
};

struct zrtp_event {
	enum zrtp_event_type type;
	/* ZRTP_EV_SECURE */
	struct zrtp_srtp_key tx, rx;	/* our sending / receiving direction */
	const char *srtp_profile;	/* e.g. "AES_CM_128_HMAC_SHA1_80" */
	char hash[5], cipher[5], auth[5], ka[5], sas_type[5];
	char sas[40];			/* rendered SAS ("" in Mult mode: use master's) */
	bool sas_verified;		/* from the cache (both sides' V) */
	bool initiator;
	/* §4.6: the responder may send SRTP at once; the initiator installs
	 * its receive key now and starts sending on ZRTP_EV_CONFIRMED
	 * (Conf2ACK, or the responder's first SRTP) */
	bool tx_ready;
	enum zrtp_cache_status cache;
	bool peer_disclosure, peer_allow_clear, peer_is_mitm;
	uint8_t peer_zid[12];
	uint8_t exported_key[48];	/* §4.5.2 ExportedKey */
	uint8_t exported_key_len;
	bool aux_mismatch;		/* we had an aux secret, the peer's differed */
	bool pbx_secret_used;		/* s3 (pbxsecret) matched */
	/* The cache could not be read: cache is ZRTP_CACHE_MISMATCH (the SAS
	 * must be compared) and nothing is written until it is verified. */
	bool cache_read_failed;
	/* Storing the new rs1 (or pbxsecret) failed (disk full...): the next
	 * call may show a mismatch.  zrtp_cache_errmsg() says why. */
	bool cache_write_failed;
	/* ZRTP_EV_SECURE: the PBX offered enrollment (E flag, §7.3.1) and
	 * cfg.pbx_enroll accepts it, but this call's SAS is not verified
	 * yet: the pbxsecret is stored (ZRTP_EV_ENROLLED) only when the
	 * user verifies it (zrtp_set_sas_verified), so that a MiTM on the
	 * path of an unverified call cannot enroll itself as our PBX. */
	bool pbx_enroll_pending;
	/* ZRTP_EV_ERROR */
	uint32_t error_code;
	bool error_sent;		/* we detected it (true) or the peer did */
	const char *reason;		/* one line for the log (static string) */
};

enum zrtp_output_kind {
	ZRTP_OUT_NONE = 0,
	ZRTP_OUT_PACKET,
	ZRTP_OUT_EVENT,
};

enum { ZRTP_OUT_MAX_PKT = 1040 };

struct zrtp_output {
	enum zrtp_output_kind kind;
	uint8_t pkt[ZRTP_OUT_MAX_PKT];
	size_t len;
	struct zrtp_event ev;
	uint64_t next_timer_ms;	/* UINT64_MAX: no timer armed */
};

struct zrtp_session *zrtp_session_new(const struct zrtp_config *cfg);
void zrtp_session_free(struct zrtp_session *s);	/* wipes every secret */

/* Begin discovery: queue the first Hello and arm T1. */
int zrtp_start(struct zrtp_session *s, uint64_t now_ms);
/* Discovery gave up (T1 ran out without a Hello from the peer) and the
 * peer has spoken since: take discovery up again with the same Hello --
 * the same hash chain, ZID and SSRC a slow peer may already have queued --
 * so the late peer still finds us.  -1 in any other state. */
int zrtp_resume_discovery(struct zrtp_session *s, uint64_t now_ms);
/* A received datagram that zrtp_is_zrtp() recognised.  Returns 0 if the
 * packet was accepted (or harmlessly ignored), <0 if malformed. */
int zrtp_input(struct zrtp_session *s, uint64_t now_ms, const uint8_t *pkt, size_t len);
/* Fire due timers, then pop one output.  Returns out->kind; with
 * ZRTP_OUT_NONE, out->next_timer_ms says when to call again. */
int zrtp_poll(struct zrtp_session *s, uint64_t now_ms, struct zrtp_output *out);

/* The first valid SRTP packet from the peer was seen: as an initiator,
 * stop retransmitting Confirm2 (§4.6). */
void zrtp_srtp_received(struct zrtp_session *s, uint64_t now_ms);
/* Local user verified (or reset) the SAS: V flag in the cache (§4.6.1).
 * After a cache mismatch (§4.6.1.1) the new rs1 is written only now, by
 * verifying the SAS while the session is still secure. */
int zrtp_set_sas_verified(struct zrtp_session *s, bool verified);
/* Ask the peer to go clear (§4.7.2); only in SECURE with A agreed. */
int zrtp_go_clear(struct zrtp_session *s, uint64_t now_ms);
/* PBX only: relay a SAS to this (enrolled) endpoint (§7.3): sashash and
 * rendering scheme of the other leg (zrtp_get_sashash() of that leg's
 * session).  Sent encrypted and MACed as Confirm is, retransmitted on T2
 * until RelayACK; an unacknowledged relay ends in ZRTP_EV_RELAY_UNACKED.
 * -1 unless secure (and Confirm acknowledged) with cfg.mitm set. */
int zrtp_send_sasrelay(struct zrtp_session *s, uint64_t now_ms,
		       const uint8_t sashash[32], uint32_t sas_scheme);
/* The sashash (§4.5.2) and SAS rendering scheme of a secure session: what a
 * PBX relays to the phone on its other leg.  -1 if not secure. */
int zrtp_get_sashash(const struct zrtp_session *s, uint8_t sashash[32], uint32_t *sas_scheme);
/* The peer's pbxsecret matched in this exchange (§7.3.1): the PBX is one we
 * enrolled with (phone side), or the phone is enrolled with us (PBX side).
 * Only then is a SASrelay honoured, and only then should a PBX send one. */
bool zrtp_peer_enrolled(const struct zrtp_session *s);
/* SASrelay messages this session refused: before secure, failed MAC or
 * format, replayed, from a peer that is not an enrolled PBX. */
uint32_t zrtp_sasrelay_refused(const struct zrtp_session *s);

/* a=zrtp-hash value for our Hello: "1.10 <64 hex>" (§8.1). */
int zrtp_hello_hash(const struct zrtp_session *s, char *out, size_t cap);
const char *zrtp_state_name(const struct zrtp_session *s);
bool zrtp_is_secure(const struct zrtp_session *s);
/* RFC 6189 demultiplexing rule: first byte 0x10 and the magic cookie. */
bool zrtp_is_zrtp(const uint8_t *pkt, size_t len);

/* ---- retained-secret cache (SQLite, WAL) ---------------------------- */

struct zrtp_cache_entry {
	bool has_rs1, has_rs2, has_pbx;
	uint8_t rs1[32], rs2[32], pbx[32];
	bool sas_verified;
	int64_t rs1_expires;		/* unix seconds; INT64_MAX: never */
};

/* Opens (creates) the cache; generates this endpoint's ZID on first use.
 * The file is created 0600 (an existing looser mode is tightened).
 * NULL if it cannot be opened, or is not a usable database. */
struct zrtp_cache *zrtp_cache_open(const char *path);
enum {
	/* a file that is not a usable database (corrupt, truncated, not
	 * SQLite) is renamed PATH.corrupt-<unix time> and a fresh cache,
	 * with a new ZID, is started in its place */
	ZRTP_CACHE_RECOVER = 1,
};
/* zrtp_cache_open() with flags; `msg` (may be NULL) receives one line for
 * the log: what was moved where, or why the open failed ("" if neither). */
struct zrtp_cache *zrtp_cache_open_ex(const char *path, unsigned flags, char *msg, size_t cap);
/* The last SQLite error of this cache (a failed get, rotate, set_pbx...). */
const char *zrtp_cache_errmsg(const struct zrtp_cache *c);
void zrtp_cache_close(struct zrtp_cache *c);
void zrtp_cache_zid(const struct zrtp_cache *c, uint8_t zid[12]);
/* 0 found, 1 not found, <0 error */
int zrtp_cache_get(struct zrtp_cache *c, const uint8_t peer[12], struct zrtp_cache_entry *e);
/* One statement: rs1 := new; rs2 := `rs2` if given (the secret that
 * matched in this exchange), else the old rs1 (§4.6.1). */
int zrtp_cache_rotate(struct zrtp_cache *c, const uint8_t peer[12], const uint8_t rs1[32],
		      const uint8_t *rs2, uint32_t expiry_s, bool sas_verified);
int zrtp_cache_set_verified(struct zrtp_cache *c, const uint8_t peer[12], bool v);
int zrtp_cache_set_pbx(struct zrtp_cache *c, const uint8_t peer[12], const uint8_t pbx[32]);
/* Test hook: the clock used for expiry (unix seconds); NULL restores. */
void zrtp_cache_set_clock(struct zrtp_cache *c, int64_t (*now)(void));

#endif
