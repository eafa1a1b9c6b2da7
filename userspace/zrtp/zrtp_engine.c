// SPDX-License-Identifier: GPL-2.0
/*
 * The ZRTP state machine, RFC 6189 §4-§7, I/O-free.
 *
 * Roles: both endpoints send Hello (§4.1) and answer the peer's Hello with
 * HelloACK; an endpoint that has the peer's Hello and an acknowledgement of
 * its own (a HelloACK, or the peer's Commit standing in for it) may Commit
 * and so become the initiator.  If both Commit, §4.2 decides.
 *
 *   initiator                         responder
 *   Commit        ----------------->
 *                 <-----------------  DHPart1     (DH modes only)
 *   DHPart2       ----------------->
 *                 <-----------------  Confirm1
 *   Confirm2      ----------------->
 *                 <-----------------  Conf2ACK
 *
 * Retransmission (§6): Hello on T1 (50 ms doubling to 200 ms, 20 times),
 * Commit, DHPart2, Confirm2, GoClear, Error and SASrelay on T2 (150 ms
 * doubling to 1200 ms, 10 times).  The responder never retransmits on its
 * own: a repeated Commit/DHPart2/Confirm2 makes it resend DHPart1,
 * Confirm1 or Conf2ACK.
 *
 * Hash chain (§9): H0 random, H1..H3 = SHA-256 of the previous.  Each
 * message reveals the key of the MAC of the previous one (H2 keys the
 * Hello MAC, H1 the Commit MAC, H0 the DHPart MACs), so each peer message
 * is checked against the chain as soon as the next image is revealed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include "zrtp.h"
#include "zrtp_wire.h"
#include "zrtp_crypto.h"

enum zrtp_state {
	ST_IDLE,
	ST_DISCOVERY,		/* Hello exchange */
	ST_COMMIT_SENT,		/* initiator: waiting for DHPart1 (Confirm1 in Mult/Prsh) */
	ST_DHPART2_SENT,	/* initiator: waiting for Confirm1 */
	ST_CONFIRM2_SENT,	/* initiator: waiting for Conf2ACK */
	ST_DHPART1_SENT,	/* responder: waiting for DHPart2 */
	ST_CONFIRM1_SENT,	/* responder: waiting for Confirm2 */
	ST_SECURE,
	ST_GOCLEAR_SENT,
	ST_CLEAR,
	ST_ERROR,
};

static const char *const state_names[] = {
	[ST_IDLE] = "idle", [ST_DISCOVERY] = "discovery", [ST_COMMIT_SENT] = "commit-sent",
	[ST_DHPART2_SENT] = "dhpart2-sent", [ST_CONFIRM2_SENT] = "confirm2-sent",
	[ST_DHPART1_SENT] = "dhpart1-sent", [ST_CONFIRM1_SENT] = "confirm1-sent",
	[ST_SECURE] = "secure", [ST_GOCLEAR_SENT] = "goclear-sent", [ST_CLEAR] = "clear",
	[ST_ERROR] = "error",
};

/* §6 timer values */
enum {
	T1_INITIAL = 50, T1_CAP = 200, T1_MAX_RETRANS = 20,
	T2_INITIAL = 150, T2_CAP = 1200, T2_MAX_RETRANS = 10,
	QUEUE_LEN = 32,
	/* A state in which we do not retransmit (waiting for a Commit after
	 * discovery, the responder's DHPart1-sent and Confirm1-sent) gives up
	 * after WAIT_MS: longer than the peer's whole T2 schedule (150 + 300
	 * + 600 + 7 x 1200 = 9450 ms), so a live peer is never cut off. */
	WAIT_MS = 12000,
	/* An Error (§5.9) carries no MAC: it ends the key agreement only if
	 * the exchange makes no progress for ERR_GRACE_MS after it, so a
	 * forged one costs nothing while a real one still ends the attempt. */
	ERR_GRACE_MS = T2_CAP,
	/* Hellos kept until the chain tells which one was the peer's (§9),
	 * and Commits from the same chain kept until DHPart2 picks one. */
	HELLO_CANDS = 4, ALT_COMMITS = 3,
	/* SASrelays one session takes (§7.3): a PBX relays again only when
	 * its other leg changes (a transfer); past this, it fails closed */
	RELAY_MAX = 16,
};

enum timer_kind { TIMER_NONE, TIMER_T1, TIMER_T2 };

static const char ZRTP_VERSION[4] = { '1', '.', '1', '0' };

struct msgbuf {
	uint8_t b[ZRTP_MAX_MSG_LEN];
	size_t len;
};

struct zrtp_session {
	struct zrtp_config cfg;
	uint8_t aux[64];
	size_t aux_len;
	uint8_t peer_hello_hash[32];
	bool check_hello_hash, hello_hash_reported;
	enum zrtp_state state;
	bool initiator;
	uint16_t seq;
	uint8_t h[4][32];			/* our H0..H3 */

	/* our messages, kept for retransmission and for the hashes */
	struct msgbuf hello, commit, dhpart, confirm, ctrl;
	/* the peer's */
	struct msgbuf p_hello, p_commit, p_dhpart;
	struct zrtp_hello ph;
	/* every distinct acceptable Hello received: which one is the peer's
	 * is known only when its H2 is revealed (Commit or DHPart1) */
	struct msgbuf cand[HELLO_CANDS];
	struct zrtp_hello cand_h[HELLO_CANDS];
	int ncand;
	uint32_t discovery_hint;	/* why Hellos were refused: the timeout's code */
	uint64_t hello_resend_ok;	/* rate limit for answering a repeated Hello */
	bool peer_repeats_hello;	/* seen while our Commit was unanswered */
	/* responder: other Commits from the same chain (same H2, algorithms) */
	struct msgbuf alt_commit[ALT_COMMITS];
	int nalt;
	struct zrtp_commit pc, mc;		/* peer's and my Commit, parsed */
	struct zrtp_dhpart pd;
	bool have_ph, have_pc, have_pd, got_helloack;
	uint8_t peer_h[4][32];
	bool peer_h_known[4];
	bool hello_mac_ok, commit_mac_ok, dhpart_mac_ok;
	bool bad_confirm;		/* a Confirm failed its MAC: the timeout's reason */

	uint32_t alg[ZRTP_ALG_KINDS];		/* negotiated */
	const struct zrtp_session *master;	/* Multistream: see master_of() */
	struct zrtp_dh *dh;
	uint32_t dh_ka;
	struct zrtp_keyset ks;
	bool keys_ready;
	uint8_t psk[ZRTP_MAX_HASH_LEN];		/* Prsh preshared_key */

	struct zrtp_cache_entry ce;
	bool ce_loaded;
	bool cache_read_failed;		/* zrtp_cache_get() error: not "no entry" */
	bool cache_write_failed;	/* a rotate / set_pbx failed */
	bool cache_pending;		/* mismatch: new rs1 not stored until the SAS is verified */
	bool discovery_timed_out;	/* ST_ERROR from T1, no peer Hello */
	enum zrtp_cache_status cache_status;
	bool peer_v, peer_a, peer_d, peer_e;
	bool aux_matched, pbx_matched;
	bool enroll_pending;		/* phone: E accepted, waits for the SAS check */
	/* SASrelay (§7.3), phone side: the MAC of every SASrelay that passed
	 * its MAC check, in order; the last one is the SAS shown */
	uint8_t relay_mac[RELAY_MAX][ZRTP_MAC_LEN];
	int nrelay;
	uint32_t relay_refused;
	uint8_t matched_rs[32];		/* s1 of this exchange, if any */
	bool have_matched_rs;
	uint32_t peer_expiry;
	char sas[40];
	bool sas_verified;

	/* retransmission */
	enum timer_kind tkind;
	uint64_t deadline;
	uint32_t interval;
	int count;
	struct msgbuf *rtx;
	/* the deadline of a state without retransmission (finding 3) */
	uint64_t give_up_at;
	enum zrtp_state wait_for;	/* the state give_up_at was armed for */
	/* an Error received during the key agreement, not yet honoured */
	uint64_t err_at;
	uint32_t peer_err;
	/* counts peer messages that authenticated (chained, or passed their
	 * MAC): the exchange is alive, so an Error since then was forged */
	uint32_t progress, err_progress;

	struct zrtp_output q[QUEUE_LEN];
	int qhead, qlen;
};

/* ---- small helpers ------------------------------------------------------ */

static int rnd(struct zrtp_session *s, void *buf, size_t len)
{
	if (s->cfg.rand)
		return s->cfg.rand(s->cfg.rand_arg, buf, len);
	return RAND_bytes(buf, (int)len) == 1 ? 0 : -1;
}

static void code_str(uint32_t c, char out[5])
{
	zrtp_put32((uint8_t *)out, c);
	out[4] = 0;
}

static struct zrtp_output *q_push(struct zrtp_session *s)
{
	struct zrtp_output *o;

	if (s->qlen == QUEUE_LEN)
		return NULL;
	o = &s->q[(s->qhead + s->qlen++) % QUEUE_LEN];
	memset(o, 0, sizeof(*o) - sizeof(o->pkt));	/* pkt is overwritten */
	memset(&o->ev, 0, sizeof(o->ev));
	return o;
}

static void send_msg(struct zrtp_session *s, const struct msgbuf *m)
{
	struct zrtp_output *o = q_push(s);
	int n;

	if (!o)
		return;		/* a retransmission will make up for it */
	n = zrtp_packet_build(s->seq++, s->cfg.ssrc, m->b, m->len, o->pkt, sizeof(o->pkt));
	if (n < 0) {
		s->qlen--;
		return;
	}
	o->kind = ZRTP_OUT_PACKET;
	o->len = n;
}

static struct zrtp_event *push_event(struct zrtp_session *s, enum zrtp_event_type t)
{
	struct zrtp_output *o = q_push(s);

	if (!o)
		return NULL;
	o->kind = ZRTP_OUT_EVENT;
	o->ev.type = t;
	memcpy(o->ev.peer_zid, s->ph.zid, 12);
	return &o->ev;
}

static void timer_stop(struct zrtp_session *s)
{
	s->tkind = TIMER_NONE;
	s->rtx = NULL;
}

static void timer_start(struct zrtp_session *s, enum timer_kind k, struct msgbuf *m, uint64_t now)
{
	s->tkind = k;
	s->rtx = m;
	s->count = 0;
	s->interval = k == TIMER_T1 ? T1_INITIAL : T2_INITIAL;
	s->deadline = now + s->interval;
}

/* Encode a message into a msgbuf; MAC (if any) patched by the caller. */
static int encode(struct msgbuf *mb, const struct zrtp_msg *m)
{
	int n = zrtp_msg_encode(m, mb->b, sizeof(mb->b));

	if (n < 0)
		return -1;
	mb->len = n;
	return 0;
}

/* 64-bit truncated MAC over a message but its own trailing MAC field. */
static int msg_mac(uint32_t hash, const uint8_t *key, size_t klen, const uint8_t *msg,
		   size_t len, uint8_t out[8])
{
	uint8_t full[ZRTP_MAX_HASH_LEN];

	if (len < 8 || zrtp_hmac(hash, key, klen, msg, len - 8, full))
		return -1;
	memcpy(out, full, 8);
	return 0;
}

static void patch_mac(uint32_t hash, const uint8_t *key, struct msgbuf *mb)
{
	msg_mac(hash, key, 32, mb->b, mb->len, mb->b + mb->len - 8);
}

static bool check_mac(uint32_t hash, const uint8_t *key, const struct msgbuf *mb)
{
	uint8_t mac[8];

	return msg_mac(hash, key, 32, mb->b, mb->len, mac) == 0 &&
	       zrtp_memeq(mac, mb->b + mb->len - 8, 8);
}

static void sha256(const uint8_t *in, size_t n, uint8_t out[32])
{
	zrtp_hash(ZRTP_S256, in, n, out);
}

/*
 * The MACs keyed with the hash images (Hello with H2, Commit with H1,
 * DHPart1/2 with H0) are HMAC-SHA-256 whatever hash is negotiated: the
 * images themselves are SHA-256 (§9), the Hello MAC is computed before
 * any negotiation, and bzrtp (the interop oracle) does the same for all
 * of them.  Confirm, GoClear and SASrelay MACs use the negotiated hash.
 */
#define HELLO_MAC_HASH ZRTP_S256
#define CHAIN_MAC_HASH ZRTP_S256

static void wipe_keys(struct zrtp_session *s)
{
	zrtp_wipe(&s->ks, sizeof(s->ks));
	zrtp_wipe(s->psk, sizeof(s->psk));
	zrtp_wipe(&s->ce, sizeof(s->ce));
	zrtp_dh_free(s->dh);
	s->dh = NULL;
	s->keys_ready = false;
}

/* ---- algorithm lists and negotiation (§4.1.2) ---------------------------- */

static const uint32_t default_algs[ZRTP_ALG_KINDS][ZRTP_MAX_PREFS] = {
	{ ZRTP_S256, ZRTP_S384 },
	{ ZRTP_AES1, ZRTP_AES3, ZRTP_AES2 },
	{ ZRTP_HS80, ZRTP_HS32 },
	{ ZRTP_X255, ZRTP_EC25, ZRTP_DH3K, ZRTP_DH2K, ZRTP_EC38, ZRTP_X448, ZRTP_MULT },
	{ ZRTP_B32, ZRTP_B256 },
};
static const uint8_t default_n[ZRTP_ALG_KINDS] = { 2, 3, 2, 7, 2 };

/* Mandatory to implement (§5.1.2-§5.1.6, §4.4.3): implied in every Hello. */
static bool mandatory(int kind, uint32_t a)
{
	switch (kind) {
	case ZRTP_ALG_HASH: return a == ZRTP_S256;
	case ZRTP_ALG_CIPHER: return a == ZRTP_AES1;
	case ZRTP_ALG_AUTH: return a == ZRTP_HS32 || a == ZRTP_HS80;
	case ZRTP_ALG_KA: return a == ZRTP_DH3K || a == ZRTP_MULT;
	case ZRTP_ALG_SAS: return a == ZRTP_B32;
	}
	return false;
}

static bool implemented(int kind, uint32_t a)
{
	switch (kind) {
	case ZRTP_ALG_HASH: return zrtp_hash_supported(a);
	case ZRTP_ALG_CIPHER: return zrtp_cipher_key_len(a) != 0;
	case ZRTP_ALG_AUTH: return zrtp_auth_supported(a);
	case ZRTP_ALG_KA: return zrtp_ka_supported(a) || a == ZRTP_MULT || a == ZRTP_PRSH;
	case ZRTP_ALG_SAS: return zrtp_sas_supported(a);
	}
	return false;
}

static bool list_has(const uint32_t *l, int n, uint32_t a)
{
	for (int i = 0; i < n; i++)
		if (l[i] == a)
			return true;
	return false;
}

static bool self_has(const struct zrtp_session *s, int kind, uint32_t a)
{
	return implemented(kind, a) &&
	       (list_has(s->cfg.algs[kind], s->cfg.nalgs[kind], a) || mandatory(kind, a));
}

static bool peer_has(const struct zrtp_session *s, int kind, uint32_t a)
{
	return list_has(s->ph.alg[kind], s->ph.n[kind], a) || mandatory(kind, a);
}

/* Our list in preference order, followed by the implied mandatory ones. */
static int full_list(const uint32_t *l, int n, int kind, uint32_t *out)
{
	static const uint32_t mand[] = { ZRTP_S256, ZRTP_AES1, ZRTP_HS32, ZRTP_HS80,
					 ZRTP_DH3K, ZRTP_MULT, ZRTP_B32 };
	int m = 0;

	for (int i = 0; i < n; i++)
		out[m++] = l[i];
	for (unsigned i = 0; i < sizeof(mand) / sizeof(mand[0]); i++)
		if (mandatory(kind, mand[i]) && !list_has(out, m, mand[i]))
			out[m++] = mand[i];
	return m;
}

static uint32_t first_common(const struct zrtp_session *s, int kind, bool from_peer, bool dh_only)
{
	uint32_t l[ZRTP_MAX_PREFS + 8];
	int n = from_peer ? full_list(s->ph.alg[kind], s->ph.n[kind], kind, l)
			  : full_list(s->cfg.algs[kind], s->cfg.nalgs[kind], kind, l);

	for (int i = 0; i < n; i++) {
		if (dh_only && !zrtp_ka_is_dh(l[i]))
			continue;
		if (self_has(s, kind, l[i]) && peer_has(s, kind, l[i]))
			return l[i];
	}
	return 0;
}

/* ---- session life ------------------------------------------------------- */

static int build_hello(struct zrtp_session *s)
{
	struct zrtp_msg m = { .type = ZRTP_MSG_HELLO };
	struct zrtp_hello *h = &m.hello;
	size_t cl = s->cfg.client_id ? strlen(s->cfg.client_id) : 0;

	memcpy(h->version, ZRTP_VERSION, 4);
	memset(h->client_id, ' ', 16);
	memcpy(h->client_id, s->cfg.client_id, cl > 16 ? 16 : cl);
	memcpy(h->h3, s->h[3], 32);
	memcpy(h->zid, s->cfg.zid, 12);
	h->flags = (s->cfg.mitm ? ZRTP_HELLO_M : 0) | (s->cfg.passive ? ZRTP_HELLO_P : 0);
	for (int k = 0; k < ZRTP_ALG_KINDS; k++) {
		h->n[k] = s->cfg.nalgs[k];
		memcpy(h->alg[k], s->cfg.algs[k], sizeof(h->alg[k]));
	}
	if (encode(&s->hello, &m))
		return -1;
	msg_mac(HELLO_MAC_HASH, s->h[2], 32, s->hello.b, s->hello.len,
		s->hello.b + s->hello.len - 8);
	return 0;
}

struct zrtp_session *zrtp_session_new(const struct zrtp_config *cfg)
{
	struct zrtp_session *s = OPENSSL_zalloc(sizeof(*s));

	if (!s)
		return NULL;
	s->cfg = *cfg;
	s->cfg.client_id = NULL;
	s->cfg.aux_secret = NULL;
	s->cfg.peer_hello_hash = NULL;
	for (int k = 0; k < ZRTP_ALG_KINDS; k++) {
		int n = 0;

		if (!cfg->nalgs[k]) {
			memcpy(s->cfg.algs[k], default_algs[k], sizeof(s->cfg.algs[k]));
			s->cfg.nalgs[k] = default_n[k];
			continue;
		}
		/* keep only what we implement; at most 7 (§5.2) */
		for (int i = 0; i < cfg->nalgs[k] && i < ZRTP_MAX_PREFS; i++)
			if (implemented(k, cfg->algs[k][i]))
				s->cfg.algs[k][n++] = cfg->algs[k][i];
		s->cfg.nalgs[k] = n;
	}
	if (cfg->aux_secret && cfg->aux_secret_len) {
		s->aux_len = cfg->aux_secret_len > sizeof(s->aux) ? sizeof(s->aux) : cfg->aux_secret_len;
		memcpy(s->aux, cfg->aux_secret, s->aux_len);
	}
	if (cfg->peer_hello_hash) {
		memcpy(s->peer_hello_hash, cfg->peer_hello_hash, 32);
		s->check_hello_hash = true;
	}
	/* §9: H0 is random, H1..H3 successive SHA-256 images */
	if (rnd(s, s->h[0], 32) || rnd(s, &s->seq, sizeof(s->seq)))
		goto err;
	s->seq &= 0x7fff;
	for (int i = 1; i < 4; i++)
		sha256(s->h[i - 1], 32, s->h[i]);
	{
		const char *id = cfg->client_id ? cfg->client_id : "ksrtp";
		s->cfg.client_id = id;	/* only used while building Hello */
		if (build_hello(s))
			goto err;
		s->cfg.client_id = NULL;
	}
	s->state = ST_IDLE;
	return s;
err:
	zrtp_session_free(s);
	return NULL;
}

void zrtp_session_free(struct zrtp_session *s)
{
	if (!s)
		return;
	zrtp_dh_free(s->dh);
	OPENSSL_clear_free(s, sizeof(*s));
}

int zrtp_start(struct zrtp_session *s, uint64_t now)
{
	if (s->state != ST_IDLE)
		return -1;
	s->state = ST_DISCOVERY;
	send_msg(s, &s->hello);
	timer_start(s, TIMER_T1, &s->hello, now);
	return 0;
}

int zrtp_resume_discovery(struct zrtp_session *s, uint64_t now)
{
	if (s->state != ST_ERROR || !s->discovery_timed_out || s->have_ph)
		return -1;
	s->discovery_timed_out = false;
	s->state = ST_DISCOVERY;
	send_msg(s, &s->hello);
	timer_start(s, TIMER_T1, &s->hello, now);
	return 0;
}

const char *zrtp_state_name(const struct zrtp_session *s)
{
	return state_names[s->state];
}

bool zrtp_is_secure(const struct zrtp_session *s)
{
	return s->state == ST_SECURE || s->state == ST_CONFIRM2_SENT;
}

bool zrtp_is_zrtp(const uint8_t *pkt, size_t len)
{
	return zrtp_is_zrtp_packet(pkt, len);
}

int zrtp_hello_hash(const struct zrtp_session *s, char *out, size_t cap)
{
	uint8_t h[32];
	size_t n = 0;

	if (cap < 5 + 64 + 1)
		return -1;
	sha256(s->hello.b, s->hello.len, h);
	n = (size_t)snprintf(out, cap, "%.4s ", ZRTP_VERSION);
	for (int i = 0; i < 32; i++)
		n += (size_t)snprintf(out + n, cap - n, "%02x", h[i]);
	return 0;
}

/* ---- errors (§5.9) --------------------------------------------------- */

static const char *error_reason(uint32_t code)
{
	switch (code) {
	case ZRTP_ERR_MALFORMED: return "malformed packet";
	case ZRTP_ERR_SOFTWARE:
		return "software error (internal, or a Multistream Commit crossing "
		       "a non-Multistream one, RFC 6189 4.2)";
	case ZRTP_ERR_VERSION: return "only Hellos of an unsupported protocol version came";
	case ZRTP_ERR_HELLO_MISMATCH: return "the peer's Hello failed its MAC";
	case ZRTP_ERR_HASH_UNSUPP: return "the peer's Commit names a hash we do not have";
	case ZRTP_ERR_CIPHER_UNSUPP: return "the peer's Commit names a cipher we do not have";
	case ZRTP_ERR_PK_UNSUPP: return "no key agreement in common (or Multistream without a master)";
	case ZRTP_ERR_AUTH_UNSUPP: return "the peer's Commit names an auth tag we do not have";
	case ZRTP_ERR_SAS_UNSUPP: return "the peer's Commit names a SAS type we do not have";
	case ZRTP_ERR_NO_SHARED_SECRET: return "Preshared Commit without a shared secret";
	case ZRTP_ERR_DH_BAD_PV: return "the peer's DH public value is invalid";
	case ZRTP_ERR_DH_HVI: return "DHPart2 does not match the Commit's hvi";
	case ZRTP_ERR_CONFIRM_MAC: return "a MAC of the exchange failed";
	case ZRTP_ERR_EQUAL_ZID: return "only Hellos with our own ZID came";
	case ZRTP_ERR_GOCLEAR_NOT_ALLOWED: return "GoClear not allowed";
	}
	return "protocol error";
}

static void fail(struct zrtp_session *s, uint64_t now, uint32_t code)
{
	struct zrtp_msg m = { .type = ZRTP_MSG_ERROR, .error_code = code };
	struct zrtp_event *ev;

	if (s->state == ST_ERROR)
		return;
	wipe_keys(s);
	s->state = ST_ERROR;
	timer_stop(s);
	if (code != ZRTP_ERR_TIMEOUT && encode(&s->ctrl, &m) == 0) {
		send_msg(s, &s->ctrl);
		timer_start(s, TIMER_T2, &s->ctrl, now);
	}
	ev = push_event(s, ZRTP_EV_ERROR);
	if (ev) {
		ev->error_code = code;
		ev->error_sent = true;
		ev->reason = error_reason(code);
	}
}

static void send_simple(struct zrtp_session *s, enum zrtp_msg_type t)
{
	struct zrtp_msg m = { .type = t };
	struct msgbuf mb;

	if (encode(&mb, &m) == 0)
		send_msg(s, &mb);
}

/* ---- hash chain (§9) ------------------------------------------------- */

/*
 * Learn the peer's H<k>: derive the images above it and compare them with
 * every image already known (a mismatch means this message is not from
 * the peer who sent the earlier ones: CHAIN_BAD, the caller discards it).
 * Then check the MACs of the stored peer messages whose key is now known
 * (MAC_BAD: a stored message was forged or altered, the exchange is
 * compromised and ends: 0x40 for the Hello, 0x70 otherwise).
 */
enum chain_result { CHAIN_OK, CHAIN_BAD, MAC_BAD_HELLO, MAC_BAD };

static enum chain_result learn_peer_h(struct zrtp_session *s, int k, const uint8_t hk[32])
{
	uint8_t h[4][32];

	memcpy(h[k], hk, 32);
	for (int i = k + 1; i < 4; i++)
		sha256(h[i - 1], 32, h[i]);
	for (int i = k; i < 4; i++)
		if (s->peer_h_known[i] && !zrtp_memeq(s->peer_h[i], h[i], 32))
			return CHAIN_BAD;
	if (s->have_ph && !s->hello_mac_ok) {
		if (!check_mac(HELLO_MAC_HASH, h[2], &s->p_hello))
			return MAC_BAD_HELLO;
		s->hello_mac_ok = true;
	}
	if (k <= 1 && s->have_pc && !s->commit_mac_ok) {
		if (!check_mac(CHAIN_MAC_HASH, h[1], &s->p_commit))
			return MAC_BAD;
		s->commit_mac_ok = true;
	}
	if (k == 0 && s->have_pd && !s->dhpart_mac_ok) {
		if (!check_mac(CHAIN_MAC_HASH, h[0], &s->p_dhpart))
			return MAC_BAD;
		s->dhpart_mac_ok = true;
	}
	for (int i = k; i < 4; i++) {
		memcpy(s->peer_h[i], h[i], 32);
		s->peer_h_known[i] = true;
	}
	s->progress++;
	return CHAIN_OK;
}

/* true: go on; false: the message was discarded or the exchange failed */
static bool chain_ok(struct zrtp_session *s, uint64_t now, int k, const uint8_t hk[32])
{
	switch (learn_peer_h(s, k, hk)) {
	case CHAIN_OK:
		return true;
	case CHAIN_BAD:
		return false;
	case MAC_BAD_HELLO:
		fail(s, now, ZRTP_ERR_HELLO_MISMATCH);
		return false;
	default:
		fail(s, now, ZRTP_ERR_CONFIRM_MAC);
		return false;
	}
}

/* ---- retained secrets (§4.3) ----------------------------------------- */

static void load_cache(struct zrtp_session *s)
{
	if (s->ce_loaded)
		return;
	s->ce_loaded = true;
	memset(&s->ce, 0, sizeof(s->ce));
	if (!s->cfg.cache)
		return;
	switch (zrtp_cache_get(s->cfg.cache, s->ph.zid, &s->ce)) {
	case 0:
		return;
	case 1:		/* no entry: a first call */
		break;
	default:
		/* Not "no entry": we cannot tell whether this peer should
		 * have matched, so this call is treated as a mismatch (the
		 * user is told to compare the SAS) and the cache is not
		 * written until the SAS is verified. */
		s->cache_read_failed = true;
		break;
	}
	memset(&s->ce, 0, sizeof(s->ce));
}

static const uint8_t *role_label(bool initiator, size_t *len)
{
	*len = initiator ? 9 : 9;
	return (const uint8_t *)(initiator ? "Initiator" : "Responder");
}

/* §4.3.1: the IDs we send, labelled with our role; random when absent. */
static int my_ids(struct zrtp_session *s, struct zrtp_dhpart *d)
{
	uint32_t hash = s->alg[ZRTP_ALG_HASH];
	size_t ll;
	const uint8_t *label = role_label(s->initiator, &ll);

	load_cache(s);
	if (rnd(s, d->rs1_id, 8) || rnd(s, d->rs2_id, 8) || rnd(s, d->aux_id, 8) ||
	    rnd(s, d->pbx_id, 8))
		return -1;
	if (s->ce.has_rs1)
		zrtp_secret_id(hash, s->ce.rs1, 32, label, ll, d->rs1_id);
	if (s->ce.has_rs2)
		zrtp_secret_id(hash, s->ce.rs2, 32, label, ll, d->rs2_id);
	if (s->aux_len)		/* keyed with our own H3 */
		zrtp_secret_id(hash, s->aux, s->aux_len, s->h[3], 32, d->aux_id);
	if (s->ce.has_pbx)
		zrtp_secret_id(hash, s->ce.pbx, 32, label, ll, d->pbx_id);
	return 0;
}

struct secrets {
	const uint8_t *s1, *s2, *s3;
	size_t l1, l2, l3;
};

static bool id_matches(struct zrtp_session *s, const uint8_t *secret, size_t slen,
		       const uint8_t *label, size_t ll, const uint8_t id[8])
{
	uint8_t mine[8];

	return zrtp_secret_id(s->alg[ZRTP_ALG_HASH], secret, slen, label, ll, mine) == 0 &&
	       zrtp_memeq(mine, id, 8);
}

/*
 * §4.3: find s1 (rs1/rs2 cross-comparison), s2 (aux), s3 (pbx).
 * Each of our rs1, rs2 is compared with each of the peer's rs1ID, rs2ID:
 * two DH streams to the same peer at once, or calls interrupted between
 * the two sides' cache writes with the initiator changing, can leave the
 * common secret as rs2 on both sides.  Both ends must pick the same pair
 * when several match, so the order is stated in the initiator's and
 * responder's terms: (rs1i, rs1r), (rs1i, rs2r), (rs2i, rs1r), (rs2i, rs2r).
 */
static void match_secrets(struct zrtp_session *s, const struct zrtp_dhpart *pd, struct secrets *x)
{
	size_t ll;
	const uint8_t *pl = role_label(!s->initiator, &ll);
	static const int order[4][2] = { { 1, 1 }, { 1, 2 }, { 2, 1 }, { 2, 2 } };

	memset(x, 0, sizeof(*x));
	load_cache(s);
	for (int i = 0; i < 4 && !x->s1; i++) {
		int mine = order[i][s->initiator ? 0 : 1], theirs = order[i][s->initiator ? 1 : 0];
		bool have = mine == 1 ? s->ce.has_rs1 : s->ce.has_rs2;
		const uint8_t *rs = mine == 1 ? s->ce.rs1 : s->ce.rs2;

		if (have && id_matches(s, rs, 32, pl, ll, theirs == 1 ? pd->rs1_id : pd->rs2_id))
			x->s1 = rs;
	}
	if (x->s1) {
		x->l1 = 32;
		memcpy(s->matched_rs, x->s1, 32);
		s->have_matched_rs = true;
	}
	if (x->s1)
		s->cache_status = ZRTP_CACHE_MATCH;
	else if (s->ce.has_rs1 || s->ce.has_rs2 || s->cache_read_failed)
		s->cache_status = ZRTP_CACHE_MISMATCH;
	else
		s->cache_status = ZRTP_CACHE_NONE;
	if (s->aux_len && id_matches(s, s->aux, s->aux_len, s->ph.h3, 32, pd->aux_id)) {
		x->s2 = s->aux;
		x->l2 = s->aux_len;
	}
	if (s->ce.has_pbx && id_matches(s, s->ce.pbx, 32, pl, ll, pd->pbx_id)) {
		x->s3 = s->ce.pbx;
		x->l3 = 32;
	}
	s->aux_matched = x->s2 != NULL;
	s->pbx_matched = x->s3 != NULL;
}

static const uint8_t *zid_i(const struct zrtp_session *s)
{
	return s->initiator ? s->cfg.zid : s->ph.zid;
}

static const uint8_t *zid_r(const struct zrtp_session *s)
{
	return s->initiator ? s->ph.zid : s->cfg.zid;
}

static const struct msgbuf *resp_hello(const struct zrtp_session *s)
{
	return s->initiator ? &s->p_hello : &s->hello;
}

static const struct msgbuf *the_commit(const struct zrtp_session *s)
{
	return s->initiator ? &s->commit : &s->p_commit;
}

/* DH mode: total_hash, s0 and every key (§4.4.1.4, §4.5). */
static int derive_dh(struct zrtp_session *s, const uint8_t *dhres, size_t dhlen)
{
	const struct msgbuf *d1 = s->initiator ? &s->p_dhpart : &s->dhpart;
	const struct msgbuf *d2 = s->initiator ? &s->dhpart : &s->p_dhpart;
	uint8_t th[ZRTP_MAX_HASH_LEN];
	uint32_t hash = s->alg[ZRTP_ALG_HASH];
	struct secrets x;
	int r;

	match_secrets(s, &s->pd, &x);
	if (zrtp_hash_v(hash, th, resp_hello(s)->b, resp_hello(s)->len, the_commit(s)->b,
			the_commit(s)->len, d1->b, d1->len, d2->b, d2->len))
		return -1;
	r = zrtp_s0_dh(hash, dhres, dhlen, zid_i(s), zid_r(s), th, x.s1, x.l1, x.s2, x.l2,
		       x.s3, x.l3, s->ks.s0);
	if (!r)
		r = zrtp_keyset_derive(&s->ks, hash, s->alg[ZRTP_ALG_CIPHER], zid_i(s), zid_r(s),
				       th, false);
	/* §4.4.1.4: s0 (and s1..s3, the DH result) go once used */
	zrtp_wipe(s->ks.s0, sizeof(s->ks.s0));
	s->keys_ready = r == 0;
	return r;
}

static const struct zrtp_session *master_of(struct zrtp_session *s);

/* Mult and Prsh: total_hash = hash(responder's Hello || Commit). */
static int derive_nondh(struct zrtp_session *s)
{
	uint32_t hash = s->alg[ZRTP_ALG_HASH];
	size_t hl = zrtp_hash_len(hash);
	uint8_t th[ZRTP_MAX_HASH_LEN], ctx[24 + ZRTP_MAX_HASH_LEN];
	bool mult = s->alg[ZRTP_ALG_KA] == ZRTP_MULT;
	int r;

	if (zrtp_hash_v(hash, th, resp_hello(s)->b, resp_hello(s)->len, the_commit(s)->b,
			the_commit(s)->len, NULL, 0, NULL, 0))
		return -1;
	memcpy(ctx, zid_i(s), 12);
	memcpy(ctx + 12, zid_r(s), 12);
	memcpy(ctx + 24, th, hl);
	if (mult) {
		const struct zrtp_session *m = s->master ? s->master : master_of(s);

		if (!m)
			return -1;
		s->master = m;
		/* the SAS is the master's (§4.4.3): taken now, so the master
		 * need not outlive this call */
		memcpy(s->sas, m->sas, sizeof(s->sas));
		s->sas_verified = m->sas_verified;
		/* §4.4.3.2: s0 = KDF(ZRTPSess, "ZRTP MSK", KDF_Context, hl) */
		r = zrtp_kdf(hash, m->ks.zrtp_sess, hl, "ZRTP MSK", ctx, 24 + hl,
			     hl * 8, s->ks.s0);
	} else {
		/* §4.4.2: s0 = KDF(preshared_key, "ZRTP PSK", KDF_Context, hl) */
		r = zrtp_kdf(hash, s->psk, hl, "ZRTP PSK", ctx, 24 + hl, hl * 8, s->ks.s0);
	}
	if (!r)
		r = zrtp_keyset_derive(&s->ks, hash, s->alg[ZRTP_ALG_CIPHER], zid_i(s), zid_r(s),
				       th, mult);
	if (!r && mult)
		memcpy(s->ks.zrtp_sess, s->master->ks.zrtp_sess, hl);
	s->master = NULL;
	zrtp_wipe(s->ks.s0, sizeof(s->ks.s0));
	zrtp_wipe(s->psk, sizeof(s->psk));
	s->keys_ready = r == 0;
	return r;
}

/* §4.4.2: preshared_key from rs1 (or rs2), aux and pbx; keyID. */
static int psk_from(struct zrtp_session *s, const uint8_t *rs, uint8_t key_id[8])
{
	uint32_t hash = s->alg[ZRTP_ALG_HASH];

	if (zrtp_preshared_key(hash, rs, 32, s->aux_len ? s->aux : NULL, s->aux_len,
			       s->ce.has_pbx ? s->ce.pbx : NULL, s->ce.has_pbx ? 32 : 0, s->psk))
		return -1;
	return zrtp_secret_id(hash, s->psk, zrtp_hash_len(hash), (const uint8_t *)"Prsh", 4, key_id);
}

/* ---- building our messages ------------------------------------------- */

static int ensure_dh(struct zrtp_session *s, uint32_t ka)
{
	if (s->dh && s->dh_ka == ka)
		return 0;	/* §4.1.2: the precomputed share is reused */
	zrtp_dh_free(s->dh);
	s->dh = zrtp_dh_new(ka);
	s->dh_ka = ka;
	return s->dh ? 0 : -1;
}

static int build_dhpart(struct zrtp_session *s, enum zrtp_msg_type t)
{
	struct zrtp_msg m = { .type = t };
	int n;

	memcpy(m.dhpart.h1, s->h[1], 32);
	if (my_ids(s, &m.dhpart))
		return -1;
	n = zrtp_dh_public(s->dh, m.dhpart.pv, sizeof(m.dhpart.pv));
	if (n < 0)
		return -1;
	m.dhpart.pv_len = n;
	if (encode(&s->dhpart, &m))
		return -1;
	patch_mac(CHAIN_MAC_HASH, s->h[0], &s->dhpart);
	return 0;
}

static uint8_t my_confirm_flags(struct zrtp_session *s)
{
	uint8_t f = 0;

	if (s->cfg.disclosure)
		f |= ZRTP_CONFIRM_D;
	if (s->cfg.allow_clear)
		f |= ZRTP_CONFIRM_A;
	if (s->cache_status == ZRTP_CACHE_MATCH && s->ce.sas_verified)
		f |= ZRTP_CONFIRM_V;
	/* §7.3.1: a PBX offers enrollment; not to a phone whose pbxsecret
	 * matched in this exchange (it is enrolled: a new pbxsecret on our
	 * side only would undo that if the phone declines this time) */
	if (s->cfg.mitm && s->cfg.pbx_enroll && !s->pbx_matched)
		f |= ZRTP_CONFIRM_E;
	return f;
}

/* Confirm1/Confirm2 and SASrelay: encrypt with our zrtpkey, MAC (§5.7). */
static int seal(struct zrtp_session *s, enum zrtp_msg_type t, const uint8_t *plain,
		size_t plen, struct msgbuf *out)
{
	struct zrtp_msg m = { .type = t };
	const uint8_t *zk = s->initiator ? s->ks.zrtp_key_i : s->ks.zrtp_key_r;
	const uint8_t *mk = s->initiator ? s->ks.mac_key_i : s->ks.mac_key_r;
	uint8_t mac[ZRTP_MAX_HASH_LEN];

	if (rnd(s, m.confirm.iv, 16) ||
	    zrtp_aes_cfb(s->alg[ZRTP_ALG_CIPHER], zk, m.confirm.iv, plain, m.confirm.enc, plen, true))
		return -1;
	m.confirm.enc_len = plen;
	if (zrtp_hmac(s->alg[ZRTP_ALG_HASH], mk, s->ks.hlen, m.confirm.enc, plen, mac))
		return -1;
	memcpy(m.confirm.mac, mac, 8);
	return encode(out, &m);
}

/* Verify and decrypt a peer's Confirm/SASrelay.  Returns plaintext length. */
static int unseal(struct zrtp_session *s, const struct zrtp_confirm *c, uint8_t *plain)
{
	const uint8_t *zk = s->initiator ? s->ks.zrtp_key_r : s->ks.zrtp_key_i;
	const uint8_t *mk = s->initiator ? s->ks.mac_key_r : s->ks.mac_key_i;
	uint8_t mac[ZRTP_MAX_HASH_LEN];

	if (!s->keys_ready ||
	    zrtp_hmac(s->alg[ZRTP_ALG_HASH], mk, s->ks.hlen, c->enc, c->enc_len, mac) ||
	    !zrtp_memeq(mac, c->mac, 8))
		return -1;
	if (zrtp_aes_cfb(s->alg[ZRTP_ALG_CIPHER], zk, c->iv, c->enc, plain, c->enc_len, false))
		return -1;
	return c->enc_len;
}

static int build_confirm(struct zrtp_session *s, enum zrtp_msg_type t)
{
	struct zrtp_confirm_plain c = { 0 };
	uint8_t plain[ZRTP_CONFIRM_PLAIN_LEN];
	int r;

	memcpy(c.h0, s->h[0], 32);
	c.flags = my_confirm_flags(s);
	c.cache_expiry = 0xffffffffu;
	if (zrtp_confirm_plain_encode(&c, plain, sizeof(plain)) < 0)
		return -1;
	r = seal(s, t, plain, sizeof(plain), &s->confirm);
	zrtp_wipe(plain, sizeof(plain));
	return r;
}

/* ---- events ------------------------------------------------------------ */

static const char *profile_name(uint32_t cipher, uint32_t auth)
{
	bool t32 = auth == ZRTP_HS32;

	switch (cipher) {
	case ZRTP_AES1: return t32 ? "AES_CM_128_HMAC_SHA1_32" : "AES_CM_128_HMAC_SHA1_80";
	case ZRTP_AES2: return t32 ? "AES_192_CM_HMAC_SHA1_32" : "AES_192_CM_HMAC_SHA1_80";
	case ZRTP_AES3: return t32 ? "AES_256_CM_HMAC_SHA1_32" : "AES_256_CM_HMAC_SHA1_80";
	}
	return "unknown";
}

static void emit_secure(struct zrtp_session *s)
{
	struct zrtp_event *ev;
	const struct zrtp_keyset *k = &s->ks;
	bool mult = s->alg[ZRTP_ALG_KA] == ZRTP_MULT;

	if (!mult) {
		zrtp_sas_render(s->alg[ZRTP_ALG_SAS], k->sashash, s->sas, sizeof(s->sas));
		s->sas_verified = s->cache_status == ZRTP_CACHE_MATCH && s->ce.sas_verified && s->peer_v;
	}
	if (s->cache_status == ZRTP_CACHE_MISMATCH && !mult) {
		ev = push_event(s, ZRTP_EV_CACHE_MISMATCH);
		if (ev)
			ev->cache = ZRTP_CACHE_MISMATCH;
	}
	ev = push_event(s, ZRTP_EV_SECURE);
	if (!ev)
		return;
	ev->initiator = s->initiator;
	ev->tx_ready = !s->initiator;
	ev->tx.key_len = ev->rx.key_len = (uint8_t)k->klen;
	memcpy(ev->tx.key, s->initiator ? k->srtp_key_i : k->srtp_key_r, k->klen);
	memcpy(ev->tx.salt, s->initiator ? k->srtp_salt_i : k->srtp_salt_r, 14);
	memcpy(ev->rx.key, s->initiator ? k->srtp_key_r : k->srtp_key_i, k->klen);
	memcpy(ev->rx.salt, s->initiator ? k->srtp_salt_r : k->srtp_salt_i, 14);
	ev->srtp_profile = profile_name(s->alg[ZRTP_ALG_CIPHER], s->alg[ZRTP_ALG_AUTH]);
	code_str(s->alg[ZRTP_ALG_HASH], ev->hash);
	code_str(s->alg[ZRTP_ALG_CIPHER], ev->cipher);
	code_str(s->alg[ZRTP_ALG_AUTH], ev->auth);
	code_str(s->alg[ZRTP_ALG_KA], ev->ka);
	code_str(s->alg[ZRTP_ALG_SAS], ev->sas_type);
	memcpy(ev->sas, s->sas, sizeof(ev->sas));
	ev->sas_verified = s->sas_verified;
	ev->cache = mult ? ZRTP_CACHE_MATCH : s->cache_status;
	ev->peer_disclosure = s->peer_d;
	ev->peer_allow_clear = s->peer_a;
	ev->peer_is_mitm = s->ph.flags & ZRTP_HELLO_M;
	ev->aux_mismatch = s->aux_len && !s->aux_matched && !mult && s->alg[ZRTP_ALG_KA] != ZRTP_PRSH;
	ev->cache_read_failed = s->cache_read_failed;
	ev->cache_write_failed = s->cache_write_failed;
	ev->pbx_secret_used = s->pbx_matched;
	ev->pbx_enroll_pending = s->enroll_pending;
	ev->exported_key_len = (uint8_t)k->hlen;
	memcpy(ev->exported_key, k->exported, k->hlen);
}

/* §7.3.1: pbxsecret = KDF(ZRTPSess, "Trusted MiTM key", ZIDi || ZIDr, 256) */
static int store_pbxsecret(struct zrtp_session *s)
{
	uint8_t pbx[32];
	int r = -1;

	if (zrtp_pbxsecret(s->alg[ZRTP_ALG_HASH], s->ks.zrtp_sess, zid_i(s), zid_r(s), pbx) ||
	    zrtp_cache_set_pbx(s->cfg.cache, s->ph.zid, pbx)) {
		s->cache_write_failed = true;
	} else {
		r = 0;
		if (!s->cfg.mitm)
			push_event(s, ZRTP_EV_ENROLLED);
	}
	s->enroll_pending = false;
	zrtp_wipe(pbx, sizeof(pbx));
	return r;
}

/*
 * §4.6.1: the new rs1 enters the cache once the peer has proven it holds
 * the same keys (its Confirm verified): initiator on Confirm1, responder
 * on Confirm2.  Not in Multistream mode (no new rs1), not when the peer
 * asked not to be cached (expiry 0, §4.9).
 */
static void cache_commit(struct zrtp_session *s)
{
	bool v = s->cache_status == ZRTP_CACHE_MATCH && s->ce.sas_verified;

	if (!s->cfg.cache || s->alg[ZRTP_ALG_KA] == ZRTP_MULT || s->peer_expiry == 0)
		return;
	if (s->cache_status == ZRTP_CACHE_MISMATCH) {
		/* §4.6.1.1: after a cache mismatch the cache is left as it is
		 * (old rs1, rs2, V flag) until the user verifies the SAS of
		 * this call (zrtp_set_sas_verified); otherwise a MiTM's second
		 * call would "match" the secret of its first.  The new rs1
		 * stays in this session only. */
		s->cache_pending = true;
	} else if (zrtp_cache_rotate(s->cfg.cache, s->ph.zid, s->ks.rs1,
				     s->have_matched_rs ? s->matched_rs : NULL, s->peer_expiry, v)) {
		/* rs2 := the secret both sides proved they share in this
		 * exchange (normally the old rs1): see zrtp_cache.c */
		s->cache_write_failed = true;
	}
	/* PBX enrollment (§7.3.1): both ends keep pbxsecret for the other.
	 * The PBX stores it when it offers (E set in its Confirm); the phone
	 * when it accepts an offer from a peer with M in its Hello -- and only
	 * once this call's SAS is verified (now, from the cache's V flag, or
	 * later in zrtp_set_sas_verified): an attacker in the middle of an
	 * unverified call could otherwise enroll itself as our trusted MiTM
	 * and from then on relay whatever SAS it likes. */
	if (!s->cfg.pbx_enroll)
		return;
	if (s->cfg.mitm && !(s->ph.flags & ZRTP_HELLO_M) && !s->pbx_matched)
		store_pbxsecret(s);
	else if (!s->cfg.mitm && s->peer_e && (s->ph.flags & ZRTP_HELLO_M)) {
		if (s->cache_status == ZRTP_CACHE_MATCH && s->ce.sas_verified && s->peer_v)
			store_pbxsecret(s);
		else
			s->enroll_pending = true;
	}
}

/* ---- candidate Hellos ------------------------------------------------ */

/* Take candidate Hello i as the peer's (§9: until its H2 is revealed a
 * Hello is only a candidate; nothing of it is authenticated). */
static void adopt_hello(struct zrtp_session *s, int i)
{
	s->p_hello = s->cand[i];
	s->ph = s->cand_h[i];
	s->have_ph = true;
	memset(s->peer_h_known, 0, sizeof(s->peer_h_known));
	memcpy(s->peer_h[3], s->ph.h3, 32);
	s->peer_h_known[3] = true;
	s->hello_mac_ok = false;
	s->progress++;
	/* retained secrets are per peer ZID: read again for this one */
	if (s->ce_loaded) {
		zrtp_wipe(&s->ce, sizeof(s->ce));
		s->ce_loaded = false;
		s->cache_read_failed = false;
	}
}

/* Does candidate i belong to the chain of this H2: H3 = hash(H2), and the
 * Hello's MAC keyed with H2 (§9)? */
static bool cand_chains(const struct zrtp_session *s, int i, const uint8_t h2[32])
{
	uint8_t h3[32];

	sha256(h2, 32, h3);
	return zrtp_memeq(h3, s->cand_h[i].h3, 32) && check_mac(HELLO_MAC_HASH, h2, &s->cand[i]);
}

/* The peer revealed H2 (in a Commit, or H1 in a DHPart1): if the Hello we
 * acted on is not of that chain but another candidate is, the first was
 * forged.  Returns the candidate to switch to, -1 if none (or no need). */
static int other_hello(const struct zrtp_session *s, const uint8_t h2[32])
{
	int cur = -1;

	if (!s->have_ph || s->hello_mac_ok)
		return -1;
	for (int i = 0; i < s->ncand; i++)
		if (s->cand[i].len == s->p_hello.len && !memcmp(s->cand[i].b, s->p_hello.b, s->p_hello.len))
			cur = i;
	if (cur >= 0 && cand_chains(s, cur, h2))
		return -1;
	for (int i = 0; i < s->ncand; i++)
		if (i != cur && cand_chains(s, i, h2))
			return i;
	return -1;
}

/* ---- Commit -------------------------------------------------------------- */

/*
 * §4.4.3: the session whose ZRTPSess keys this Multistream stream: it must
 * be secure (DH or Preshared, not itself Mult) and with the same peer ZID
 * as this stream's Hello.  cfg.master, else cfg.find_master(peer ZID).
 * Used only synchronously (negotiation, key derivation): nothing of it is
 * kept but ZRTPSess and its SAS.
 */
static const struct zrtp_session *master_of(struct zrtp_session *s)
{
	const struct zrtp_session *m = s->cfg.master;

	if (!s->have_ph)
		return NULL;
	if (!m && s->cfg.find_master)
		m = s->cfg.find_master(s->cfg.find_master_arg, s->ph.zid);
	if (!m || m == s || !zrtp_is_secure(m) || !m->keys_ready || !m->have_ph ||
	    m->alg[ZRTP_ALG_KA] == ZRTP_MULT || memcmp(m->ph.zid, s->ph.zid, 12))
		return NULL;
	return m;
}

/* Both sides implement (or list) algorithm a of this kind. */
static bool common(const struct zrtp_session *s, int kind, uint32_t a)
{
	return self_has(s, kind, a) && peer_has(s, kind, a);
}

/*
 * RFC 6189 §4.1.2 ends: "the DH key size influences the Hash Type and the
 * size of the symmetric cipher key, as explained in Section 5.1.5"; §5.1.2
 * and §5.1.5 tie SHA-384 and a 256-bit (or 192-bit) AES key to the 384-bit
 * curve: a hash weaker than the key agreement would cap its strength.  So
 * with EC38 (and the stronger EC52) the initiator takes S384 and AES3
 * (else AES2) when both sides have them, whatever its own order; bzrtp
 * does the same for EC38, and another deployed implementation refuses an
 * EC38 Commit that names S256 with Error 0x51 (issue 12).  Other key
 * agreements keep the initiator's first preference the peer also lists.
 */
static void strengthen_for_ka(struct zrtp_session *s)
{
	uint32_t ka = s->alg[ZRTP_ALG_KA];

	if (ka != ZRTP_EC38 && ka != ZRTP_EC52)
		return;
	if (common(s, ZRTP_ALG_HASH, ZRTP_S384))
		s->alg[ZRTP_ALG_HASH] = ZRTP_S384;
	if (common(s, ZRTP_ALG_CIPHER, ZRTP_AES3))
		s->alg[ZRTP_ALG_CIPHER] = ZRTP_AES3;
	else if (common(s, ZRTP_ALG_CIPHER, ZRTP_AES2))
		s->alg[ZRTP_ALG_CIPHER] = ZRTP_AES2;
}

static int negotiate(struct zrtp_session *s)
{
	uint32_t mine, theirs;

	for (int k = 0; k < ZRTP_ALG_KINDS; k++) {
		if (k == ZRTP_ALG_KA)
			continue;
		s->alg[k] = first_common(s, k, false, false);
		if (!s->alg[k])
			return -1;
	}
	s->master = master_of(s);
	if (s->master && peer_has(s, ZRTP_ALG_KA, ZRTP_MULT)) {
		/* §4.4.3: a Multistream session keeps the master's hash */
		s->alg[ZRTP_ALG_KA] = ZRTP_MULT;
		s->alg[ZRTP_ALG_HASH] = s->master->alg[ZRTP_ALG_HASH];
		return 0;
	}
	s->master = NULL;
	if (s->cfg.preshared && self_has(s, ZRTP_ALG_KA, ZRTP_PRSH) &&
	    peer_has(s, ZRTP_ALG_KA, ZRTP_PRSH)) {
		load_cache(s);
		if (s->ce.has_rs1) {
			s->alg[ZRTP_ALG_KA] = ZRTP_PRSH;
			return 0;
		}
	}
	/* §4.1.2: each endpoint takes the first key agreement of its own
	 * list that the other also has, compares it with the other's first
	 * choice and takes the faster (zrtp_ka_speed_rank): both ends reach
	 * the same answer from the two Hellos, so crossing Commits name the
	 * same key agreement and the loser of §4.2 keeps its DH share. */
	mine = first_common(s, ZRTP_ALG_KA, false, true);
	theirs = first_common(s, ZRTP_ALG_KA, true, true);
	if (!mine || !theirs)
		return -1;
	s->alg[ZRTP_ALG_KA] = zrtp_ka_speed_rank(theirs) < zrtp_ka_speed_rank(mine) ? theirs : mine;
	strengthen_for_ka(s);
	return 0;
}

static void send_commit(struct zrtp_session *s, uint64_t now, const uint32_t *keep)
{
	struct zrtp_msg m = { .type = ZRTP_MSG_COMMIT };
	struct zrtp_commit *c = &m.commit;
	uint32_t ka;

	s->initiator = true;
	if (keep) {
		memcpy(s->alg, keep, sizeof(s->alg));
	} else if (negotiate(s)) {
		fail(s, now, ZRTP_ERR_PK_UNSUPP);
		return;
	}
	ka = s->alg[ZRTP_ALG_KA];
	memcpy(c->h2, s->h[2], 32);
	memcpy(c->zid, s->cfg.zid, 12);
	memcpy(c->alg, s->alg, sizeof(c->alg));
	if (zrtp_ka_is_dh(ka)) {
		uint8_t hvi[ZRTP_MAX_HASH_LEN];

		if (ensure_dh(s, ka) || build_dhpart(s, ZRTP_MSG_DHPART2))
			goto err;
		/* §4.4.1.1: hvi = hash(DHPart2 || responder's Hello), 256 bits */
		zrtp_hash_v(s->alg[ZRTP_ALG_HASH], hvi, s->dhpart.b, s->dhpart.len,
			    s->p_hello.b, s->p_hello.len, NULL, 0, NULL, 0);
		memcpy(c->hvi, hvi, 32);
	} else {
		if (rnd(s, c->nonce, 16))
			goto err;
		if (ka == ZRTP_PRSH && psk_from(s, s->ce.rs1, c->key_id))
			goto err;
	}
	if (encode(&s->commit, &m))
		goto err;
	patch_mac(CHAIN_MAC_HASH, s->h[1], &s->commit);
	zrtp_msg_parse(s->commit.b, s->commit.len, &m);
	s->mc = m.commit;
	if (!zrtp_ka_is_dh(ka)) {
		if (ka == ZRTP_PRSH) {
			s->cache_status = ZRTP_CACHE_MATCH;
			memcpy(s->matched_rs, s->ce.rs1, 32);
			s->have_matched_rs = true;
		}
		if (derive_nondh(s))
			goto err;
	}
	s->state = ST_COMMIT_SENT;
	send_msg(s, &s->commit);
	timer_start(s, TIMER_T2, &s->commit, now);
	return;
err:
	fail(s, now, ZRTP_ERR_SOFTWARE);
}

static void maybe_commit(struct zrtp_session *s, uint64_t now)
{
	if (s->state == ST_DISCOVERY && s->have_ph && s->got_helloack &&
	    s->cfg.role != ZRTP_ROLE_RESPONDER && !s->cfg.passive)
		send_commit(s, now, NULL);
}

/*
 * RFC 6189 §4.2, Commit contention: both sides sent a Commit.
 *  - One for Multistream and the other not: "a software error has
 *    occurred and the ZRTP negotiation should be terminated" (Error 0x20).
 *  - DH against Preshared: the Preshared Commit is discarded.
 *  - Both Preshared, and exactly one side set M in its Hello: that side's
 *    Commit is discarded, whatever the nonces (the phone initiates, the
 *    PBX responds).
 *  - Both DH, or both non-DH: the Commit with the lower hvi (DH) or nonce
 *    (non-DH), compared as unsigned big-endian integers, is discarded.
 *    This holds for two DH Commits of different key agreements too: §4.2
 *    ends "the responder's DH public value should only be discarded if it
 *    does not match the initiator's DH key size", i.e. the loser answers
 *    the winner's key agreement with a new share (ensure_dh()).  §4.1.2
 *    makes that case rare: both sides derive the same choice from the two
 *    Hellos.  (bzrtp 5.1.64 departs from this: it never yields to a
 *    Commit of another key agreement than its own; with the same ranking
 *    as bzrtp, its Commits and ours always name the same one.)
 */
enum contention { MINE_WINS, THEIRS_WINS, CONTENTION_ERROR };

static enum contention contend(const struct zrtp_session *s, const struct zrtp_commit *mine,
			       const struct zrtp_commit *theirs)
{
	uint32_t mk = mine->alg[ZRTP_ALG_KA], tk = theirs->alg[ZRTP_ALG_KA];
	bool md = zrtp_ka_is_dh(mk), td = zrtp_ka_is_dh(tk);

	if ((mk == ZRTP_MULT) != (tk == ZRTP_MULT))
		return CONTENTION_ERROR;
	if (md != td)
		return md ? MINE_WINS : THEIRS_WINS;
	if (mk == ZRTP_PRSH && tk == ZRTP_PRSH) {
		bool my_m = s->cfg.mitm, their_m = s->ph.flags & ZRTP_HELLO_M;

		if (my_m != their_m)
			return my_m ? THEIRS_WINS : MINE_WINS;
	}
	if (md)
		return memcmp(mine->hvi, theirs->hvi, 32) > 0 ? MINE_WINS : THEIRS_WINS;
	return memcmp(mine->nonce, theirs->nonce, 16) > 0 ? MINE_WINS : THEIRS_WINS;
}

/*
 * Our Commit was built over a Hello that turned out to be forged (the peer's
 * DHPart1 or Commit chains to another candidate): build it again over the
 * peer's real Hello, keeping the algorithms so that a responder that already
 * answered the first one takes this one as an alternative (on_other_commit).
 * With `theirs` (the peer's crossing Commit) decide contention as the peer
 * will, from the Commit it has seen: if ours wins there, we stay initiator.
 * Returns true if the caller should go on processing `theirs` as responder.
 */
static bool rebuild_commit(struct zrtp_session *s, uint64_t now, const struct zrtp_commit *theirs)
{
	uint32_t keep[ZRTP_ALG_KINDS];
	bool same = true;

	if (theirs && contend(s, &s->mc, theirs) == CONTENTION_ERROR) {
		fail(s, now, ZRTP_ERR_SOFTWARE);
		return false;
	}
	if (theirs && contend(s, &s->mc, theirs) == THEIRS_WINS) {
		timer_stop(s);		/* the peer keeps its Commit: we yield */
		s->state = ST_DISCOVERY;
		s->keys_ready = false;
		return true;
	}
	memcpy(keep, s->mc.alg, sizeof(keep));
	for (int k = 0; k < ZRTP_ALG_KINDS; k++)
		same &= peer_has(s, k, keep[k]);
	s->state = ST_DISCOVERY;
	timer_stop(s);
	send_commit(s, now, same ? keep : NULL);
	return false;
}

/* Responder after DHPart1: another Commit from the same chain and with the
 * same algorithms (so our DHPart1 answers it too) is kept; DHPart2's hvi
 * tells which one the initiator really sent (on_dhpart). */
static void on_other_commit(struct zrtp_session *s, const uint8_t *msg, size_t len,
			    const struct zrtp_commit *c)
{
	if (!zrtp_ka_is_dh(s->pc.alg[ZRTP_ALG_KA]) || memcmp(c->zid, s->pc.zid, 12) ||
	    memcmp(c->alg, s->pc.alg, sizeof(c->alg)) || !zrtp_memeq(c->h2, s->pc.h2, 32))
		return;
	for (int i = 0; i < s->nalt; i++)
		if (len == s->alt_commit[i].len && !memcmp(msg, s->alt_commit[i].b, len)) {
			send_msg(s, &s->dhpart);
			return;
		}
	if (s->nalt == ALT_COMMITS)
		return;
	memcpy(s->alt_commit[s->nalt].b, msg, len);
	s->alt_commit[s->nalt++].len = len;
	send_msg(s, &s->dhpart);
}

static void on_commit(struct zrtp_session *s, uint64_t now, const uint8_t *msg, size_t len,
		      const struct zrtp_commit *c)
{
	static const uint32_t errs[ZRTP_ALG_KINDS] = {
		ZRTP_ERR_HASH_UNSUPP, ZRTP_ERR_CIPHER_UNSUPP, ZRTP_ERR_AUTH_UNSUPP,
		ZRTP_ERR_PK_UNSUPP, ZRTP_ERR_SAS_UNSUPP,
	};
	uint32_t ka = c->alg[ZRTP_ALG_KA];
	int other;

	/* A repeated Commit: our answer was lost, repeat it. */
	if (s->have_pc && len == s->p_commit.len && !memcmp(msg, s->p_commit.b, len)) {
		if (s->state == ST_DHPART1_SENT)
			send_msg(s, &s->dhpart);
		else if (s->state == ST_CONFIRM1_SENT && !zrtp_ka_is_dh(ka))
			send_msg(s, &s->confirm);
		return;
	}
	if (s->state == ST_DHPART1_SENT) {
		on_other_commit(s, msg, len, c);
		return;
	}
	if (s->state != ST_DISCOVERY && s->state != ST_COMMIT_SENT)
		return;
	/* Nothing below changes until the Commit chains: its H2 must hash to
	 * the H3 of the peer's Hello and key that Hello's MAC (§9). */
	other = other_hello(s, c->h2);
	if (other >= 0 && !memcmp(c->zid, s->cand_h[other].zid, 12)) {
		/* the Hello we took was forged; this one is the peer's */
		adopt_hello(s, other);
		if (s->state == ST_COMMIT_SENT && !rebuild_commit(s, now, c))
			return;
	}
	if (!s->have_ph || memcmp(c->zid, s->ph.zid, 12))
		return;		/* cannot check it yet: the peer will repeat */
	if (!chain_ok(s, now, 2, c->h2))
		return;
	if (s->state == ST_DISCOVERY && s->cfg.role == ZRTP_ROLE_INITIATOR && !s->cfg.passive &&
	    ka != ZRTP_MULT && !master_of(s)) {
		/* Role initiator: the peer's Commit came before ours could
		 * leave (it also acknowledges our Hello, §4.1).  Send ours now
		 * and let §4.2 decide, as if they had crossed: we yield only
		 * to a Commit that wins.  Not when either Commit would be
		 * Multistream: Mult against non-Mult is an error (§4.2). */
		s->got_helloack = true;
		if (s->tkind == TIMER_T1)
			timer_stop(s);
		send_commit(s, now, NULL);
		if (s->state != ST_COMMIT_SENT)
			return;
	}
	if (s->state == ST_COMMIT_SENT) {
		switch (contend(s, &s->mc, c)) {
		case CONTENTION_ERROR:
			fail(s, now, ZRTP_ERR_SOFTWARE);
			return;
		case MINE_WINS:
			return;		/* they will become responder */
		case THEIRS_WINS:
			break;
		}
		timer_stop(s);		/* we yield: responder now */
		s->state = ST_DISCOVERY;
		s->keys_ready = false;
	}
	if (s->tkind == TIMER_T1)
		timer_stop(s);		/* a Commit acknowledges our Hello */
	s->got_helloack = true;
	s->initiator = false;
	for (int k = 0; k < ZRTP_ALG_KINDS; k++) {
		if (!self_has(s, k, c->alg[k])) {
			fail(s, now, errs[k]);
			return;
		}
	}
	memcpy(s->alg, c->alg, sizeof(s->alg));
	memcpy(s->p_commit.b, msg, len);
	s->p_commit.len = len;
	s->pc = *c;
	s->have_pc = true;
	s->commit_mac_ok = false;

	if (ka == ZRTP_MULT) {
		s->master = master_of(s);
		if (!s->master || s->master->alg[ZRTP_ALG_HASH] != c->alg[ZRTP_ALG_HASH]) {
			fail(s, now, ZRTP_ERR_PK_UNSUPP);
			return;
		}
	} else if (ka == ZRTP_PRSH) {
		uint8_t id[8];
		const uint8_t *ok = NULL;

		load_cache(s);
		if (s->ce.has_rs1 && psk_from(s, s->ce.rs1, id) == 0 && zrtp_memeq(id, c->key_id, 8))
			ok = s->ce.rs1;
		else if (s->ce.has_rs2 && psk_from(s, s->ce.rs2, id) == 0 && zrtp_memeq(id, c->key_id, 8))
			ok = s->ce.rs2;
		if (ok) {
			memcpy(s->matched_rs, ok, 32);
			s->have_matched_rs = true;
		} else {
			/* §4.4.2: no such secret here; answer with a DH Commit,
			 * which wins the contention (§4.2). */
			s->have_pc = false;
			if (s->cfg.passive)
				fail(s, now, ZRTP_ERR_NO_SHARED_SECRET);
			else
				send_commit(s, now, NULL);
			return;
		}
		s->cache_status = ZRTP_CACHE_MATCH;
	}
	if (zrtp_ka_is_dh(ka)) {
		if (ensure_dh(s, ka) || build_dhpart(s, ZRTP_MSG_DHPART1)) {
			fail(s, now, ZRTP_ERR_SOFTWARE);
			return;
		}
		s->state = ST_DHPART1_SENT;
		send_msg(s, &s->dhpart);
		return;
	}
	/* Mult, Prsh: straight to Confirm1 */
	if (derive_nondh(s) || build_confirm(s, ZRTP_MSG_CONFIRM1)) {
		fail(s, now, ZRTP_ERR_SOFTWARE);
		return;
	}
	s->state = ST_CONFIRM1_SENT;
	send_msg(s, &s->confirm);
}

/* ---- DHPart1 / DHPart2 ------------------------------------------------- */

static void on_dhpart(struct zrtp_session *s, uint64_t now, enum zrtp_msg_type t,
		      const uint8_t *msg, size_t len, const struct zrtp_dhpart *d)
{
	uint8_t res[ZRTP_MAX_DH_RESULT];
	int rl;

	if (t == ZRTP_MSG_DHPART2 && s->state == ST_CONFIRM1_SENT && s->have_pd &&
	    len == s->p_dhpart.len && !memcmp(msg, s->p_dhpart.b, len)) {
		send_msg(s, &s->confirm);	/* our Confirm1 was lost */
		return;
	}
	if (t == ZRTP_MSG_DHPART1 && !(s->state == ST_COMMIT_SENT && zrtp_ka_is_dh(s->alg[ZRTP_ALG_KA])))
		return;
	if (t == ZRTP_MSG_DHPART2 && s->state != ST_DHPART1_SENT)
		return;
	if (d->pv_len != zrtp_ka_pv_len(s->alg[ZRTP_ALG_KA]))
		return;
	if (t == ZRTP_MSG_DHPART1) {
		uint8_t h2[32];
		int other;

		sha256(d->h1, 32, h2);
		other = other_hello(s, h2);
		if (other >= 0) {
			/* the responder's real Hello is another one: our
			 * Commit was built on a forged Hello, build it again */
			adopt_hello(s, other);
			rebuild_commit(s, now, NULL);
			return;
		}
	}
	if (t == ZRTP_MSG_DHPART2) {
		/* §4.4.1.1: hvi = hash(DHPart2 || responder's Hello); of the
		 * Commits from this chain, the one with that hvi is the
		 * initiator's (its MAC is checked with H1 just below) */
		uint8_t hvi[ZRTP_MAX_HASH_LEN];

		zrtp_hash_v(s->alg[ZRTP_ALG_HASH], hvi, msg, len, s->hello.b, s->hello.len,
			    NULL, 0, NULL, 0);
		if (!zrtp_memeq(hvi, s->pc.hvi, 32)) {
			for (int i = 0; i < s->nalt; i++) {
				struct zrtp_msg am;

				if (zrtp_msg_parse(s->alt_commit[i].b, s->alt_commit[i].len, &am) ||
				    !zrtp_memeq(hvi, am.commit.hvi, 32))
					continue;
				s->p_commit = s->alt_commit[i];
				s->pc = am.commit;
				s->commit_mac_ok = false;
				break;
			}
		}
		if (!zrtp_memeq(hvi, s->pc.hvi, 32)) {
			if (learn_peer_h(s, 1, d->h1) == CHAIN_BAD)
				return;		/* not the initiator's: ignore */
			fail(s, now, ZRTP_ERR_DH_HVI);
			return;
		}
	}
	/* H1 must chain to what we know (H3 from Hello, H2 from Commit) and
	 * key the MAC of the Commit (responder) / Hello (initiator). */
	if (!chain_ok(s, now, 1, d->h1))
		return;
	/* §4.4.1.1, §5.1.5: 1 < pv < p-1, on-curve points */
	rl = zrtp_dh_compute(s->dh, d->pv, d->pv_len, res, sizeof(res));
	if (rl < 0) {
		fail(s, now, ZRTP_ERR_DH_BAD_PV);
		return;
	}
	memcpy(s->p_dhpart.b, msg, len);
	s->p_dhpart.len = len;
	s->pd = *d;
	s->have_pd = true;
	if (derive_dh(s, res, rl)) {
		zrtp_wipe(res, sizeof(res));
		fail(s, now, ZRTP_ERR_SOFTWARE);
		return;
	}
	zrtp_wipe(res, sizeof(res));
	zrtp_dh_free(s->dh);		/* the DH secret is no longer needed */
	s->dh = NULL;
	if (t == ZRTP_MSG_DHPART1) {
		timer_stop(s);
		s->state = ST_DHPART2_SENT;
		send_msg(s, &s->dhpart);
		timer_start(s, TIMER_T2, &s->dhpart, now);
	} else {
		if (build_confirm(s, ZRTP_MSG_CONFIRM1)) {
			fail(s, now, ZRTP_ERR_SOFTWARE);
			return;
		}
		s->state = ST_CONFIRM1_SENT;
		send_msg(s, &s->confirm);
	}
}

/* ---- Confirm1 / Confirm2 / Conf2ACK -------------------------------------- */

static void on_confirm(struct zrtp_session *s, uint64_t now, enum zrtp_msg_type t,
		       const struct zrtp_confirm *c)
{
	uint8_t plain[ZRTP_MAX_ENC_LEN];
	struct zrtp_confirm_plain cp;
	int n;

	if (t == ZRTP_MSG_CONFIRM2 && s->state == ST_SECURE && !s->initiator) {
		send_simple(s, ZRTP_MSG_CONF2ACK);	/* our Conf2ACK was lost */
		return;
	}
	if (t == ZRTP_MSG_CONFIRM1 &&
	    !(s->state == ST_DHPART2_SENT ||
	      (s->state == ST_COMMIT_SENT && !zrtp_ka_is_dh(s->alg[ZRTP_ALG_KA]))))
		return;
	if (t == ZRTP_MSG_CONFIRM2 && s->state != ST_CONFIRM1_SENT)
		return;
	n = unseal(s, c, plain);
	if (n < 0) {
		/* not from the peer (forged), or our keys differ (an earlier
		 * message altered): as if lost; if the exchange then times
		 * out, 0x70 is the reason given (§5.9) */
		s->bad_confirm = true;
		return;
	}
	s->progress++;
	if (zrtp_confirm_plain_parse(plain, n, &cp)) {
		zrtp_wipe(plain, sizeof(plain));
		fail(s, now, ZRTP_ERR_MALFORMED);
		return;
	}
	/* H0 closes the chain: it keys the DHPart MAC (DH), or the Commit /
	 * Hello MAC (Mult, Prsh). */
	if (learn_peer_h(s, 0, cp.h0) != CHAIN_OK) {
		/* authenticated by confirm_mac, yet not the peer's chain or
		 * an earlier message altered: the exchange was tampered with */
		zrtp_wipe(plain, sizeof(plain));
		fail(s, now, ZRTP_ERR_CONFIRM_MAC);
		return;
	}
	zrtp_wipe(plain, sizeof(plain));
	s->peer_v = cp.flags & ZRTP_CONFIRM_V;
	s->peer_a = cp.flags & ZRTP_CONFIRM_A;
	s->peer_d = cp.flags & ZRTP_CONFIRM_D;
	s->peer_e = cp.flags & ZRTP_CONFIRM_E;
	s->peer_expiry = cp.cache_expiry;
	if (t == ZRTP_MSG_CONFIRM1) {
		timer_stop(s);
		if (build_confirm(s, ZRTP_MSG_CONFIRM2)) {
			fail(s, now, ZRTP_ERR_SOFTWARE);
			return;
		}
		/* §4.6: the SECURE event (our receive key) is queued before
		 * the Confirm2 that lets the responder send SRTP, and for the
		 * responder before its Conf2ACK: a caller that acts on outputs
		 * in order has the keys in before the peer may use them. */
		cache_commit(s);
		s->state = ST_CONFIRM2_SENT;
		emit_secure(s);
		send_msg(s, &s->confirm);
		timer_start(s, TIMER_T2, &s->confirm, now);
	} else {
		cache_commit(s);
		s->state = ST_SECURE;
		emit_secure(s);
		send_simple(s, ZRTP_MSG_CONF2ACK);
	}
}

static void confirmed(struct zrtp_session *s)
{
	if (s->state != ST_CONFIRM2_SENT)
		return;
	timer_stop(s);
	s->state = ST_SECURE;
	s->progress++;
	push_event(s, ZRTP_EV_CONFIRMED);
}

void zrtp_srtp_received(struct zrtp_session *s, uint64_t now)
{
	confirmed(s);	/* §4.6: first SRTP from the responder acts as Conf2ACK */
}

/* ---- Hello ------------------------------------------------------------- */

static void on_hello(struct zrtp_session *s, uint64_t now, const uint8_t *msg, size_t len,
		     const struct zrtp_hello *h)
{
	for (int i = 0; i < s->ncand; i++) {
		if (len != s->cand[i].len || memcmp(msg, s->cand[i].b, len))
			continue;
		/* a repeat: acknowledge again while the peer may still need it */
		if (s->state > ST_CONFIRM1_SENT)
			return;
		send_simple(s, ZRTP_MSG_HELLOACK);
		/* It repeats its Hello although ours is acknowledged: it may
		 * never have had ours (a forged HelloACK stopped T1). */
		if (s->state == ST_COMMIT_SENT)
			s->peer_repeats_hello = true;
		if (s->state == ST_DISCOVERY && s->tkind != TIMER_T1 && now >= s->hello_resend_ok) {
			send_msg(s, &s->hello);
			s->hello_resend_ok = now + T1_CAP;
		}
		return;
	}
	if (s->state == ST_ERROR || s->state == ST_CLEAR || s->state > ST_CONFIRM1_SENT)
		return;
	if (s->hello_mac_ok || s->ncand == HELLO_CANDS)
		return;		/* the peer's Hello is known (or no room): not the peer */
	/* §8.1.1: a=zrtp-hash from signalling must match the Hello. */
	if (s->check_hello_hash) {
		uint8_t hh[32];

		sha256(msg, len, hh);
		if (!zrtp_memeq(hh, s->peer_hello_hash, 32)) {
			if (!s->hello_hash_reported)
				push_event(s, ZRTP_EV_HELLO_HASH_MISMATCH);
			s->hello_hash_reported = true;
			return;
		}
	}
	/* Unauthenticated: a bad version or our own ZID is not a reason to
	 * end anything (anyone can send it); it is only the reason given if
	 * discovery then times out with no acceptable Hello (§4.1.1, §5.9). */
	if (memcmp(h->version, "1.1", 3)) {
		s->discovery_hint = ZRTP_ERR_VERSION;
		return;
	}
	if (!memcmp(h->zid, s->cfg.zid, 12)) {
		s->discovery_hint = ZRTP_ERR_EQUAL_ZID;
		return;
	}
	memcpy(s->cand[s->ncand].b, msg, len);
	s->cand[s->ncand].len = len;
	s->cand_h[s->ncand] = *h;
	s->ncand++;
	if (s->state != ST_IDLE)
		send_simple(s, ZRTP_MSG_HELLOACK);
	if (s->have_ph)
		return;		/* the first stays in use until the chain says otherwise */
	adopt_hello(s, s->ncand - 1);
	if (s->state == ST_IDLE)
		return;		/* kept until zrtp_start() */
	if (s->got_helloack && s->tkind == TIMER_T1)
		timer_stop(s);	/* both Hellos acknowledged */
	maybe_commit(s, now);
}

/* ---- GoClear, SASrelay, Ping (§4.7.2, §7.3, §5.15) ----------------------- */

static void clear_mac(struct zrtp_session *s, bool mine, uint8_t out[8])
{
	const uint8_t *mk = (mine == s->initiator) ? s->ks.mac_key_i : s->ks.mac_key_r;
	uint8_t mac[ZRTP_MAX_HASH_LEN];

	zrtp_hmac(s->alg[ZRTP_ALG_HASH], mk, s->ks.hlen, (const uint8_t *)"GoClear ", 8, mac);
	memcpy(out, mac, 8);
}

int zrtp_go_clear(struct zrtp_session *s, uint64_t now)
{
	struct zrtp_msg m = { .type = ZRTP_MSG_GOCLEAR };

	if (s->state != ST_SECURE || !s->cfg.allow_clear || !s->peer_a)
		return -1;
	clear_mac(s, true, m.clear_mac);
	if (encode(&s->ctrl, &m))
		return -1;
	s->state = ST_GOCLEAR_SENT;
	send_msg(s, &s->ctrl);
	timer_start(s, TIMER_T2, &s->ctrl, now);
	return 0;
}

static void on_goclear(struct zrtp_session *s, uint64_t now, const uint8_t mac[8])
{
	uint8_t want[8];

	if (s->state == ST_CLEAR) {
		send_simple(s, ZRTP_MSG_CLEARACK);
		return;
	}
	if (s->state != ST_SECURE)
		return;
	clear_mac(s, false, want);
	if (!zrtp_memeq(want, mac, 8))
		return;		/* forged: ignore */
	if (!s->cfg.allow_clear) {
		fail(s, now, ZRTP_ERR_GOCLEAR_NOT_ALLOWED);
		return;
	}
	s->state = ST_CLEAR;
	send_simple(s, ZRTP_MSG_CLEARACK);
	push_event(s, ZRTP_EV_GOCLEAR);
	wipe_keys(s);
}

/*
 * §5.13, §7.3: the PBX side.  SASrelay is encrypted with our zrtpkey and
 * MACed with our mackey exactly as our Confirm was (seal()), and only once
 * the Confirm exchange is over: ST_SECURE is reached by the responder on
 * Confirm2 and by the initiator on Conf2ACK.  The V, A and D flags are ours
 * towards this phone.  T2 retransmits it until RelayACK; a new relay
 * replaces one still unacknowledged (it is the same buffer).
 */
int zrtp_send_sasrelay(struct zrtp_session *s, uint64_t now, const uint8_t sashash[32],
		       uint32_t scheme)
{
	struct zrtp_sasrelay_plain p = { .sas_scheme = scheme };
	uint8_t plain[ZRTP_SASRELAY_PLAIN_LEN];
	int r;

	if (s->state != ST_SECURE || !s->cfg.mitm || !zrtp_sas_supported(scheme))
		return -1;
	p.flags = my_confirm_flags(s) & (ZRTP_CONFIRM_V | ZRTP_CONFIRM_A | ZRTP_CONFIRM_D);
	memcpy(p.sashash, sashash, 32);
	r = zrtp_sasrelay_plain_encode(&p, plain, sizeof(plain)) < 0 ||
	    seal(s, ZRTP_MSG_SASRELAY, plain, sizeof(plain), &s->ctrl) ? -1 : 0;
	zrtp_wipe(plain, sizeof(plain));
	zrtp_wipe(&p, sizeof(p));
	if (r)
		return -1;
	send_msg(s, &s->ctrl);
	timer_start(s, TIMER_T2, &s->ctrl, now);
	return 0;
}

int zrtp_get_sashash(const struct zrtp_session *s, uint8_t sashash[32], uint32_t *scheme)
{
	if (!zrtp_is_secure(s) || !s->keys_ready)
		return -1;
	memcpy(sashash, s->ks.sashash, 32);
	if (scheme)
		*scheme = s->alg[ZRTP_ALG_SAS];
	return 0;
}

bool zrtp_peer_enrolled(const struct zrtp_session *s)
{
	return zrtp_is_secure(s) && s->pbx_matched;
}

uint32_t zrtp_sasrelay_refused(const struct zrtp_session *s)
{
	return s->relay_refused;
}

static void relay_rejected(struct zrtp_session *s, const char *why)
{
	struct zrtp_event *ev = push_event(s, ZRTP_EV_RELAY_REJECTED);

	s->relay_refused++;
	if (ev)
		ev->reason = why;
}

/*
 * §7.3, the phone side: a SASrelay replaces the SAS the user sees, so it is
 * honoured only when
 *  - the session is secure and the Confirm exchange over (ST_SECURE: an
 *    initiator still waiting for Conf2ACK refuses it);
 *  - its MAC verifies with the peer's mackey (it comes from the peer of
 *    this very exchange, not from the path);
 *  - it is new: the MAC covers the ciphertext but not the IV, so a copy of
 *    a genuine relay with another IV would decrypt its first block to
 *    something else.  Every MAC that verified is remembered, in order; a
 *    copy of the latest is a retransmission (our RelayACK was lost: ack
 *    again, nothing else), a copy of an older one a replay (refused: it
 *    would bring back a SAS the PBX has since replaced);
 *  - the peer set M in its Hello and its pbxsecret matched in THIS
 *    exchange (s3, §4.3): we enrolled with it and it proved it is that
 *    PBX.  Holding a pbxsecret for its ZID says nothing about who is at
 *    the other end now.
 * Refusals that did not authenticate are only counted (a flood must not
 * flood the log); an authenticated relay from a peer that is not an
 * enrolled PBX is acknowledged (the peer is who it says, it only may not
 * relay) and reported once.
 */
static void on_sasrelay(struct zrtp_session *s, uint64_t now, const struct zrtp_confirm *c)
{
	uint8_t plain[ZRTP_MAX_ENC_LEN];
	struct zrtp_sasrelay_plain p;
	struct zrtp_event *ev;
	int n;

	if (s->state != ST_SECURE) {
		s->relay_refused++;
		return;
	}
	for (int i = 0; i < s->nrelay; i++) {
		if (!zrtp_memeq(c->mac, s->relay_mac[i], ZRTP_MAC_LEN))
			continue;
		if (i == s->nrelay - 1)
			send_simple(s, ZRTP_MSG_RELAYACK);
		else
			s->relay_refused++;	/* replay of an older relay */
		return;
	}
	n = unseal(s, c, plain);
	if (n < 0) {
		s->relay_refused++;	/* not from our peer */
		return;
	}
	if (s->nrelay == RELAY_MAX) {
		zrtp_wipe(plain, (size_t)n);
		relay_rejected(s, "too many SASrelay messages in one session");
		return;
	}
	memcpy(s->relay_mac[s->nrelay++], c->mac, ZRTP_MAC_LEN);
	if (zrtp_sasrelay_plain_parse(plain, n, &p)) {
		zrtp_wipe(plain, (size_t)n);
		s->relay_refused++;
		return;
	}
	zrtp_wipe(plain, (size_t)n);
	send_simple(s, ZRTP_MSG_RELAYACK);
	if (!(s->ph.flags & ZRTP_HELLO_M)) {
		relay_rejected(s, "SASrelay from a peer that is not a MiTM (no M flag in its Hello)");
		return;
	}
	if (!s->pbx_matched) {
		relay_rejected(s, "SASrelay from a MiTM we are not enrolled with"
			       " (no pbxsecret matched in this exchange)");
		return;
	}
	if (!zrtp_sas_supported(p.sas_scheme)) {
		relay_rejected(s, "SASrelay with an unknown SAS rendering scheme");
		return;
	}
	zrtp_sas_render(p.sas_scheme, p.sashash, s->sas, sizeof(s->sas));
	/* the user has not compared this SAS yet */
	s->sas_verified = false;
	ev = push_event(s, ZRTP_EV_SAS_RELAYED);
	if (ev) {
		memcpy(ev->sas, s->sas, sizeof(ev->sas));
		code_str(p.sas_scheme, ev->sas_type);
		ev->sas_verified = false;
	}
	zrtp_wipe(&p, sizeof(p));
}

static void on_ping(struct zrtp_session *s, uint32_t ssrc, const struct zrtp_ping *p)
{
	struct zrtp_msg m = { .type = ZRTP_MSG_PINGACK };
	struct msgbuf mb;
	uint8_t h[32];

	/* §5.16: our endpoint hash is a truncated hash of our ZID */
	sha256(s->cfg.zid, 12, h);
	memcpy(m.pingack.version, ZRTP_VERSION, 4);
	memcpy(m.pingack.sender_hash, h, 8);
	memcpy(m.pingack.received_hash, p->endpoint_hash, 8);
	m.pingack.ssrc = ssrc;
	if (encode(&mb, &m) == 0)
		send_msg(s, &mb);
}

/* ---- input, timers, output ------------------------------------------------ */

int zrtp_input(struct zrtp_session *s, uint64_t now, const uint8_t *pkt, size_t len)
{
	struct zrtp_packet p;
	int r = zrtp_packet_parse(pkt, len, &p);

	if (r)
		return r;
	switch (p.m.type) {
	case ZRTP_MSG_HELLO:
		on_hello(s, now, p.msg, p.msg_len, &p.m.hello);
		break;
	case ZRTP_MSG_HELLOACK:
		/* Unauthenticated: it stops our Hello only once we also hold
		 * the peer's, so a forged one cannot silence us before the
		 * peer has heard us (§4.1, finding 3). */
		if (s->state == ST_DISCOVERY && !s->got_helloack) {
			s->got_helloack = true;
			if (s->have_ph && s->tkind == TIMER_T1)
				timer_stop(s);
			maybe_commit(s, now);
		}
		break;
	case ZRTP_MSG_COMMIT:
		on_commit(s, now, p.msg, p.msg_len, &p.m.commit);
		break;
	case ZRTP_MSG_DHPART1:
	case ZRTP_MSG_DHPART2:
		on_dhpart(s, now, p.m.type, p.msg, p.msg_len, &p.m.dhpart);
		break;
	case ZRTP_MSG_CONFIRM1:
	case ZRTP_MSG_CONFIRM2:
		on_confirm(s, now, p.m.type, &p.m.confirm);
		break;
	case ZRTP_MSG_CONF2ACK:
		confirmed(s);
		break;
	case ZRTP_MSG_ERROR:
		/* §5.9: an Error ends a key agreement in progress, never a
		 * secure (or cleared) session.  It has no MAC: honoured only
		 * if the exchange then stalls for ERR_GRACE_MS (run_timer). */
		if (s->state == ST_ERROR) {
			send_simple(s, ZRTP_MSG_ERRORACK);
			break;
		}
		if (s->state == ST_IDLE || s->state >= ST_SECURE ||
		    (s->state == ST_DISCOVERY && !s->have_ph))
			break;
		send_simple(s, ZRTP_MSG_ERRORACK);
		if (!s->err_at) {
			s->err_at = now + ERR_GRACE_MS;
			s->err_progress = s->progress;
			s->peer_err = p.m.error_code;
		}
		break;
	case ZRTP_MSG_ERRORACK:
		if (s->state == ST_ERROR)
			timer_stop(s);
		break;
	case ZRTP_MSG_GOCLEAR:
		on_goclear(s, now, p.m.clear_mac);
		break;
	case ZRTP_MSG_CLEARACK:
		if (s->state == ST_GOCLEAR_SENT) {
			timer_stop(s);
			s->state = ST_CLEAR;
			wipe_keys(s);
			push_event(s, ZRTP_EV_CLEAR);
		}
		break;
	case ZRTP_MSG_SASRELAY:
		on_sasrelay(s, now, &p.m.confirm);
		break;
	case ZRTP_MSG_RELAYACK:
		if (s->state == ST_SECURE && s->rtx == &s->ctrl)
			timer_stop(s);
		break;
	case ZRTP_MSG_PING:
		on_ping(s, p.ssrc, &p.m.ping);
		break;
	case ZRTP_MSG_PINGACK:
	default:
		break;
	}
	return 0;
}

/* States in which we only wait for the peer, with nothing to retransmit. */
static bool waiting(const struct zrtp_session *s)
{
	return s->tkind == TIMER_NONE &&
	       (s->state == ST_DISCOVERY || s->state == ST_DHPART1_SENT || s->state == ST_CONFIRM1_SENT);
}

/*
 * A responder in discovery with both Hellos acknowledged waits for the
 * peer's Commit.  A peer may wait for ours instead (it had its Hello
 * acknowledged and ignores our role; issue 12): after
 * ZRTP_RESPONDER_WAIT_MS we commit ourselves, and §4.2 settles it if the
 * peer commits at the same moment.  A passive endpoint promised never to
 * commit (Hello P flag): it gives up after WAIT_MS instead.
 */
static bool may_commit_late(const struct zrtp_session *s)
{
	return s->state == ST_DISCOVERY && s->have_ph && s->got_helloack && !s->cfg.passive &&
	       s->cfg.role == ZRTP_ROLE_RESPONDER;
}

/* §6: give up; a protocol timeout, visible as an error event (keys wiped). */
static void timed_out(struct zrtp_session *s, uint64_t now)
{
	struct zrtp_event *ev;

	s->discovery_timed_out = s->state == ST_DISCOVERY && !s->have_ph;
	timer_stop(s);
	if (s->discovery_timed_out && s->discovery_hint) {
		/* only refused Hellos came: say why (0x30, 0x90) */
		fail(s, now, s->discovery_hint);
		return;
	}
	if (s->bad_confirm) {
		fail(s, now, ZRTP_ERR_CONFIRM_MAC);
		return;
	}
	{
		static const char *const why[] = {
			[ST_DISCOVERY] = "no Commit came (our Hello was acknowledged)",
			[ST_COMMIT_SENT] = "our Commit was never answered",
			[ST_DHPART2_SENT] = "our DHPart2 was never answered (no Confirm1)",
			[ST_CONFIRM2_SENT] = "our Confirm2 was never acknowledged",
			[ST_DHPART1_SENT] = "no DHPart2 came after our DHPart1",
			[ST_CONFIRM1_SENT] = "no Confirm2 came after our Confirm1",
			[ST_GOCLEAR_SENT] = "our GoClear was never acknowledged",
		};
		enum zrtp_state st = s->state;

		wipe_keys(s);
		s->state = ST_ERROR;
		ev = push_event(s, ZRTP_EV_ERROR);
		if (ev) {
			ev->error_code = ZRTP_ERR_TIMEOUT;
			ev->error_sent = true;
			ev->reason = s->discovery_timed_out ? "no Hello from the peer" :
				     st < sizeof(why) / sizeof(why[0]) && why[st] ? why[st] :
				     "protocol timeout";
		}
	}
}

static void run_timer(struct zrtp_session *s, uint64_t now)
{
	int max = s->tkind == TIMER_T1 ? T1_MAX_RETRANS : T2_MAX_RETRANS;
	uint32_t cap = s->tkind == TIMER_T1 ? T1_CAP : T2_CAP;

	if (s->err_at && now >= s->err_at) {
		s->err_at = 0;
		if (s->progress == s->err_progress && s->state < ST_SECURE) {
			/* no progress since the peer's Error: it was real */
			struct zrtp_event *ev;

			wipe_keys(s);
			s->state = ST_ERROR;
			timer_stop(s);
			ev = push_event(s, ZRTP_EV_ERROR);
			if (ev) {
				ev->error_code = s->peer_err;
				ev->reason = "the peer sent Error and the exchange stalled";
			}
			return;
		}
	}
	if (waiting(s)) {
		if (now < s->give_up_at)
			return;
		if (may_commit_late(s))
			send_commit(s, now, NULL);	/* the peer waits for us */
		else
			timed_out(s, now);
		return;
	}
	if (s->tkind == TIMER_NONE || now < s->deadline)
		return;
	if (s->count >= max) {
		if (s->state == ST_ERROR) {
			timer_stop(s);	/* our Error went unacknowledged */
			return;
		}
		if (s->state == ST_SECURE && s->rtx == &s->ctrl) {
			/* §5.13: SASrelay is retried "until a RelayACK message
			 * is received or the retry schedule has been
			 * exhausted"; the call itself is secure and stays so */
			timer_stop(s);
			push_event(s, ZRTP_EV_RELAY_UNACKED);
			return;
		}
		timed_out(s, now);
		return;
	}
	s->count++;
	if (s->state == ST_COMMIT_SENT && s->peer_repeats_hello) {
		/* the peer still repeats its Hello and ignores our Commit:
		 * it may never have had our Hello (a forged HelloACK) */
		s->peer_repeats_hello = false;
		send_msg(s, &s->hello);
	}
	send_msg(s, s->rtx);
	s->interval = s->interval * 2 > cap ? cap : s->interval * 2;
	s->deadline = now + s->interval;
}

static uint64_t next_timer(const struct zrtp_session *s)
{
	uint64_t t = UINT64_MAX;

	if (s->tkind != TIMER_NONE)
		t = s->deadline;
	else if (waiting(s))
		t = s->give_up_at;
	if (s->err_at && s->err_at < t)
		t = s->err_at;
	return t;
}

int zrtp_poll(struct zrtp_session *s, uint64_t now, struct zrtp_output *out)
{
	if (waiting(s) && s->wait_for != s->state) {
		s->wait_for = s->state;		/* entered a waiting state: arm */
		s->give_up_at = now + (may_commit_late(s) ? ZRTP_RESPONDER_WAIT_MS : WAIT_MS);
	}
	if (!s->qlen)
		run_timer(s, now);
	if (s->qlen) {
		struct zrtp_output *o = &s->q[s->qhead];

		out->kind = o->kind;
		out->len = o->len;
		if (o->kind == ZRTP_OUT_PACKET)
			memcpy(out->pkt, o->pkt, o->len);
		out->ev = o->ev;
		zrtp_wipe(&o->ev, sizeof(o->ev));
		s->qhead = (s->qhead + 1) % QUEUE_LEN;
		s->qlen--;
	} else {
		out->kind = ZRTP_OUT_NONE;
		out->len = 0;
	}
	out->next_timer_ms = next_timer(s);
	return out->kind;
}

int zrtp_set_sas_verified(struct zrtp_session *s, bool verified)
{
	if (!s->have_ph || !s->cfg.cache)
		return -1;
	s->sas_verified = verified;
	if (verified && s->enroll_pending && zrtp_is_secure(s) && store_pbxsecret(s))
		return -1;	/* §7.3.1: the PBX offered, the user checked the SAS */
	if (verified && s->cache_pending && zrtp_is_secure(s)) {
		/* §4.6.1.1: the SAS of the call that mismatched is verified:
		 * now its rs1 replaces the cached one */
		if (zrtp_cache_rotate(s->cfg.cache, s->ph.zid, s->ks.rs1, NULL, s->peer_expiry, true))
			return -1;
		s->cache_pending = false;
		return 0;
	}
	return zrtp_cache_set_verified(s->cfg.cache, s->ph.zid, verified);
}
