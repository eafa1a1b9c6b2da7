// SPDX-License-Identifier: GPL-2.0
/*
 * Interop with bzrtp 5.1.64 (Debian libbzrtp-dev), the oracle: our engine
 * and a bzrtp context talk over two real UDP sockets on 127.0.0.1, with
 * both roles (ours initiator / bzrtp initiator), for DH3k, DH2k, X255,
 * X448 x AES1/AES3 x HS32/HS80 x B32/B256, and Multistream.  Each run
 * asserts the same SAS and the same SRTP keys and salts on both sides
 * (our tx = bzrtp's peer key, ...).  A second call between the same two
 * caches must reuse rs1 (no cache mismatch on either side).
 *
 * To make bzrtp the responder we drop our HelloACKs on the way out: bzrtp
 * never sees its Hello acknowledged, so it cannot Commit, and our Commit
 * acknowledges implicitly (RFC 6189 §4.1: HelloACK is optional).
 *
 * ZRTP_PCAP=file writes every datagram of the run to a pcap (raw IPv4)
 * so that tshark can dissect a capture (see the tshark_dissects test).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sqlite3.h>
#include <bzrtp/bzrtp.h>
#include "kselftest_harness.h"
#include "zrtp.h"
#include "zrtp_crypto.h"
#include "zrtp_harness.h"

/* ---- a minimal pcap writer (LINKTYPE_RAW, IPv4/UDP) -------------------- */

static FILE *pcap;

static uint16_t ip_csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void pcap_open(const char *path)
{
	struct { uint32_t magic; uint16_t maj, min; int32_t tz; uint32_t sig, snap, link; } h = {
		0xa1b2c3d4, 2, 4, 0, 0, 65535, 101,
	};

	pcap = fopen(path, "w");
	if (pcap)
		fwrite(&h, sizeof(h), 1, pcap);
}

static void pcap_write(uint16_t sport, uint16_t dport, const uint8_t *data, size_t len)
{
	uint8_t pkt[2048];
	struct timespec ts;
	struct { uint32_t s, us, incl, orig; } rh;
	size_t tot = 20 + 8 + len;

	if (!pcap || tot > sizeof(pkt))
		return;
	memset(pkt, 0, 28);
	pkt[0] = 0x45;
	pkt[2] = tot >> 8; pkt[3] = tot;
	pkt[8] = 64; pkt[9] = 17;
	pkt[12] = 127; pkt[15] = 1;
	pkt[16] = 127; pkt[19] = 1;
	uint16_t c = ip_csum(pkt, 20);
	pkt[10] = c >> 8; pkt[11] = c;
	pkt[20] = sport >> 8; pkt[21] = sport;
	pkt[22] = dport >> 8; pkt[23] = dport;
	pkt[24] = (8 + len) >> 8; pkt[25] = 8 + len;
	memcpy(pkt + 28, data, len);
	clock_gettime(CLOCK_REALTIME, &ts);
	rh.s = ts.tv_sec; rh.us = ts.tv_nsec / 1000; rh.incl = rh.orig = tot;
	fwrite(&rh, sizeof(rh), 1, pcap);
	fwrite(pkt, tot, 1, pcap);
}

/* ---- a log of the moments that matter for the switch to SRTP ---------- */

enum moment {
	M_NONE, M_BZ_RX_KEY, M_BZ_TX_KEY, M_BZ_SENDS_CONFIRM2, M_BZ_SENDS_CONF2ACK,
	M_OURS_SECURE_TX, M_OURS_SECURE_RX_ONLY, M_OURS_SENDS_CONFIRM2, M_OURS_SENDS_CONF2ACK,
	M_OURS_CONFIRMED, M_COUNT,
};
static int moment_seq, moment_at[M_COUNT];

static void moment(enum moment m)
{
	if (!moment_at[m])
		moment_at[m] = ++moment_seq;
}

/* ---- the two endpoints ------------------------------------------------- */

struct bz_side {
	int fd;
	uint16_t port;
	uint16_t peer_port;
	uint32_t ssrc;
	bool secrets, started, mismatch;
	int drop_every, sent, commits;
	int32_t verified;
	int aux_mismatch;
	uint8_t self_key[32], self_salt[14], peer_key[32], peer_salt[14];
	int key_len;
	char sas[64];
};

struct our_side {
	int fd;
	uint16_t port;
	struct zrtp_session *s;
	struct zrtp_event secure;
	int n_secure, n_error, n_mismatch;
	uint32_t error;
	bool drop_helloack;
	int commits_sent;
	int drop_every, sent;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int udp_socket(uint16_t *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t l = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &l))
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

static int udp_connect(int fd, uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

	return connect(fd, (struct sockaddr *)&a, sizeof(a));
}

static int bz_send(void *cd, const uint8_t *p, uint16_t len)
{
	struct bz_side *b = cd;

	if (len > 24 && !memcmp(p + 16, "Commit  ", 8))
		b->commits++;
	if (len > 24 && !memcmp(p + 16, "Confirm2", 8))
		moment(M_BZ_SENDS_CONFIRM2);
	if (len > 24 && !memcmp(p + 16, "Conf2ACK", 8))
		moment(M_BZ_SENDS_CONF2ACK);
	if (b->drop_every && ++b->sent % b->drop_every == 0)
		return 0;		/* "lost" on the wire */
	pcap_write(b->port, b->peer_port, p, len);
	return send(b->fd, p, len, 0) == len ? 0 : -1;
}

static int bz_secrets(void *cd, const bzrtpSrtpSecrets_t *s, uint8_t part)
{
	struct bz_side *b = cd;

	if (part & ZRTP_SRTP_SECRETS_FOR_RECEIVER)
		moment(M_BZ_RX_KEY);
	if (part & ZRTP_SRTP_SECRETS_FOR_SENDER)
		moment(M_BZ_TX_KEY);
	if (part & ZRTP_SRTP_SECRETS_FOR_SENDER) {
		memcpy(b->self_key, s->selfSrtpKey, s->selfSrtpKeyLength);
		memcpy(b->self_salt, s->selfSrtpSalt, s->selfSrtpSaltLength);
		b->key_len = s->selfSrtpKeyLength;
	}
	if (part & ZRTP_SRTP_SECRETS_FOR_RECEIVER) {
		memcpy(b->peer_key, s->peerSrtpKey, s->peerSrtpKeyLength);
		memcpy(b->peer_salt, s->peerSrtpSalt, s->peerSrtpSaltLength);
	}
	b->secrets = true;
	return 0;
}

static int bz_start(void *cd, const bzrtpSrtpSecrets_t *s, int32_t verified)
{
	struct bz_side *b = cd;

	if (s->sas)
		snprintf(b->sas, sizeof(b->sas), "%s", s->sas);
	b->mismatch = s->cacheMismatch;
	b->verified = verified;
	b->aux_mismatch = s->auxSecretMismatch;
	b->started = true;
	return 0;
}

static int bz_status(void *cd, const uint8_t level, const uint8_t id, const char *msg)
{
	if (getenv("BZRTP_DEBUG"))
		fprintf(stderr, "# bzrtp[%d/%d]: %s\n", level, id, msg ? msg : "");
	return 0;
}

static const bzrtpCallbacks_t bz_cbs = {
	.bzrtp_statusMessage = bz_status,
	.bzrtp_messageLevel = BZRTP_MESSAGE_DEBUG,
	.bzrtp_sendData = bz_send,
	.bzrtp_srtpSecretsAvailable = bz_secrets,
	.bzrtp_startSrtpSession = bz_start,
};

static void our_drain(struct our_side *o, uint16_t peer_port)
{
	struct zrtp_output out;

	while (zrtp_poll(o->s, now_ms(), &out) != ZRTP_OUT_NONE) {
		if (out.kind == ZRTP_OUT_PACKET) {
			if (o->drop_helloack && out.len > 24 && !memcmp(out.pkt + 16, "HelloACK", 8))
				continue;
			if (out.len > 24 && !memcmp(out.pkt + 16, "Commit  ", 8))
				o->commits_sent++;
			if (out.len > 24 && !memcmp(out.pkt + 16, "Confirm2", 8))
				moment(M_OURS_SENDS_CONFIRM2);
			if (out.len > 24 && !memcmp(out.pkt + 16, "Conf2ACK", 8))
				moment(M_OURS_SENDS_CONF2ACK);
			if (o->drop_every && ++o->sent % o->drop_every == 0)
				continue;	/* "lost" on the wire */
			pcap_write(o->port, peer_port, out.pkt, out.len);
			if (send(o->fd, out.pkt, out.len, 0) < 0)
				continue;
		} else if (out.ev.type == ZRTP_EV_CONFIRMED) {
			moment(M_OURS_CONFIRMED);
		} else if (out.ev.type == ZRTP_EV_SECURE) {
			moment(out.ev.tx_ready ? M_OURS_SECURE_TX : M_OURS_SECURE_RX_ONLY);
			o->secure = out.ev;
			o->n_secure++;
		} else if (out.ev.type == ZRTP_EV_ERROR) {
			o->n_error++;
			o->error = out.ev.error_code;
		} else if (out.ev.type == ZRTP_EV_CACHE_MISMATCH) {
			o->n_mismatch++;
		}
	}
}

/* Pump both sides over the sockets until both are done or timeout. */
static void pump(bzrtpContext_t *bz, struct bz_side *b, struct our_side *o, int timeout_ms)
{
	uint64_t end = now_ms() + timeout_ms;
	uint8_t buf[2048];

	while (now_ms() < end) {
		struct pollfd p[2] = { { .fd = o->fd, .events = POLLIN }, { .fd = b->fd, .events = POLLIN } };
		ssize_t n;

		our_drain(o, b->port);
		bzrtp_iterate(bz, b->ssrc, now_ms());
		if (o->n_secure && b->started && zrtp_is_secure(o->s) &&
		    bzrtp_getChannelStatus(bz, b->ssrc) == BZRTP_CHANNEL_SECURE &&
		    !strcmp(zrtp_state_name(o->s), "secure"))
			return;
		if (o->n_error)
			return;
		if (poll(p, 2, 5) <= 0)
			continue;
		if (p[0].revents & POLLIN) {
			n = recv(o->fd, buf, sizeof(buf), 0);
			if (n > 0)
				zrtp_input(o->s, now_ms(), buf, n);
		}
		if (p[1].revents & POLLIN) {
			n = recv(b->fd, buf, sizeof(buf), 0);
			if (n > 0)
				bzrtp_processMessage(bz, b->ssrc, buf, n);
		}
	}
}

static uint8_t bz_code(uint32_t c)
{
	switch (c) {
	case ZRTP_S256: return ZRTP_HASH_S256;
	case ZRTP_S384: return ZRTP_HASH_S384;
	case ZRTP_AES1: return ZRTP_CIPHER_AES1;
	case ZRTP_AES3: return ZRTP_CIPHER_AES3;
	case ZRTP_HS32: return ZRTP_AUTHTAG_HS32;
	case ZRTP_HS80: return ZRTP_AUTHTAG_HS80;
	case ZRTP_DH3K: return ZRTP_KEYAGREEMENT_DH3k;
	case ZRTP_DH2K: return ZRTP_KEYAGREEMENT_DH2k;
	case ZRTP_X255: return ZRTP_KEYAGREEMENT_X255;
	case ZRTP_X448: return ZRTP_KEYAGREEMENT_X448;
	case ZRTP_EC25: return ZRTP_KEYAGREEMENT_EC25;
	case ZRTP_EC38: return ZRTP_KEYAGREEMENT_EC38;
	case ZRTP_EC52: return ZRTP_KEYAGREEMENT_EC52;
	case ZRTP_B32: return ZRTP_SAS_B32;
	case ZRTP_B256: return ZRTP_SAS_B256;
	}
	return 0;
}

struct call {
	bzrtpContext_t *bz;
	struct bz_side b;
	struct our_side o;
	struct zrtp_config cfg;
};

/* Key agreement lists (preference order) replacing prefs[3] on each side. */
struct ka_lists {
	const uint32_t *bz, *ours;
	int nbz, nours;
	enum zrtp_role role;		/* ours, when set (else from ours_initiates) */
	bool our_defaults;		/* ours: the engine's default lists */
};

/* Set up one call: bzrtp (optionally with a sqlite cache) and ours. */
static int call_setup_ka(struct call *c, const uint32_t prefs[5], bool ours_initiates,
			 sqlite3 *bzdb, struct zrtp_cache *cache, const struct ka_lists *kl)
{
	static const uint8_t types[5] = { ZRTP_HASH_TYPE, ZRTP_CIPHERBLOCK_TYPE, ZRTP_AUTHTAG_TYPE,
					  ZRTP_KEYAGREEMENT_TYPE, ZRTP_SAS_TYPE };

	memset(c, 0, sizeof(*c));
	c->b.ssrc = 0x0b0b0b0b;
	c->b.fd = udp_socket(&c->b.port);
	c->o.fd = udp_socket(&c->o.port);
	if (c->b.fd < 0 || c->o.fd < 0 || udp_connect(c->b.fd, c->o.port) ||
	    udp_connect(c->o.fd, c->b.port))
		return -1;
	c->b.peer_port = c->o.port;
	c->bz = bzrtp_createBzrtpContext();
	if (!c->bz)
		return -1;
	if (bzdb && bzrtp_setZIDCache(c->bz, bzdb, "sip:bz@test", "sip:ours@test") < 0)
		return -1;
	bzrtp_setCallbacks(c->bz, &bz_cbs);
	for (int k = 0; k < 5; k++) {
		uint8_t t[7] = { bz_code(prefs[k]) };
		int n = 1;

		if (k == 3 && kl && kl->nbz) {
			for (n = 0; n < kl->nbz; n++)
				t[n] = bz_code(kl->bz[n]);
		}
		bzrtp_setSupportedCryptoTypes(c->bz, types[k], t, n);
	}
	if (bzrtp_initBzrtpContext(c->bz, c->b.ssrc))
		return -1;
	bzrtp_setClientData(c->bz, c->b.ssrc, &c->b);

	if (cache)
		zrtp_cache_zid(cache, c->cfg.zid);
	else
		memcpy(c->cfg.zid, "ours-zid-123", 12);
	c->cfg.client_id = "ksrtp interop";
	c->cfg.ssrc = 0x0a0a0a0a;
	c->cfg.role = ours_initiates ? ZRTP_ROLE_INITIATOR : ZRTP_ROLE_RESPONDER;
	c->cfg.cache = cache;
	for (int k = 0; k < 5; k++) {
		c->cfg.algs[k][0] = prefs[k];
		c->cfg.nalgs[k] = 1;
	}
	if (kl && kl->nours) {
		memcpy(c->cfg.algs[3], kl->ours, kl->nours * sizeof(uint32_t));
		c->cfg.nalgs[3] = kl->nours;
	}
	if (kl && kl->role)
		c->cfg.role = kl->role;
	if (kl && kl->our_defaults)
		memset(c->cfg.nalgs, 0, sizeof(c->cfg.nalgs));
	c->o.drop_helloack = ours_initiates;
	c->o.s = zrtp_session_new(&c->cfg);
	if (!c->o.s)
		return -1;
	if (bzrtp_startChannelEngine(c->bz, c->b.ssrc) || zrtp_start(c->o.s, now_ms()))
		return -1;
	return 0;
}

static int call_setup(struct call *c, const uint32_t prefs[5], bool ours_initiates,
		      sqlite3 *bzdb, struct zrtp_cache *cache)
{
	return call_setup_ka(c, prefs, ours_initiates, bzdb, cache, NULL);
}

static void call_teardown(struct call *c)
{
	if (c->bz)
		bzrtp_destroyBzrtpContext(c->bz, c->b.ssrc);
	zrtp_session_free(c->o.s);
	close(c->b.fd);
	close(c->o.fd);
}

static void expect_same(struct __test_metadata *_metadata, struct call *c, bool ours_initiates)
{
	ASSERT_EQ(1, c->o.n_secure) TH_LOG("ours: state %s error 0x%x", zrtp_state_name(c->o.s), c->o.error);
	ASSERT_TRUE(c->b.started) TH_LOG("bzrtp status 0x%x", bzrtp_getChannelStatus(c->bz, c->b.ssrc));
	EXPECT_EQ(ours_initiates, c->o.secure.initiator);
	EXPECT_STREQ(c->o.secure.sas, c->b.sas);
	ASSERT_EQ(c->o.secure.tx.key_len, c->b.key_len);
	EXPECT_EQ(0, memcmp(c->o.secure.tx.key, c->b.peer_key, c->b.key_len));
	EXPECT_EQ(0, memcmp(c->o.secure.tx.salt, c->b.peer_salt, 14));
	EXPECT_EQ(0, memcmp(c->o.secure.rx.key, c->b.self_key, c->b.key_len));
	EXPECT_EQ(0, memcmp(c->o.secure.rx.salt, c->b.self_salt, 14));
}

FIXTURE(interop) {};
FIXTURE_VARIANT(interop) { uint32_t ka; bool ours_initiates; };
FIXTURE_VARIANT_ADD(interop, dh3k_ours_init) { ZRTP_DH3K, true };
FIXTURE_VARIANT_ADD(interop, dh3k_bz_init) { ZRTP_DH3K, false };
FIXTURE_VARIANT_ADD(interop, dh2k_ours_init) { ZRTP_DH2K, true };
FIXTURE_VARIANT_ADD(interop, dh2k_bz_init) { ZRTP_DH2K, false };
FIXTURE_VARIANT_ADD(interop, x255_ours_init) { ZRTP_X255, true };
FIXTURE_VARIANT_ADD(interop, x255_bz_init) { ZRTP_X255, false };
FIXTURE_VARIANT_ADD(interop, x448_ours_init) { ZRTP_X448, true };
FIXTURE_VARIANT_ADD(interop, x448_bz_init) { ZRTP_X448, false };
FIXTURE_SETUP(interop) {}
FIXTURE_TEARDOWN(interop) {}

/* AES1/AES3 x HS32/HS80 x B32/B256 for this key agreement and role. */
TEST_F(interop, handshake_same_sas_and_keys)
{
	static const uint32_t ciphers[] = { ZRTP_AES1, ZRTP_AES3 };
	static const uint32_t auths[] = { ZRTP_HS32, ZRTP_HS80 };
	static const uint32_t sases[] = { ZRTP_B32, ZRTP_B256 };

	for (int ci = 0; ci < 2; ci++)
	for (int ai = 0; ai < 2; ai++)
	for (int si = 0; si < 2; si++) {
		uint32_t prefs[5] = { ZRTP_S256, ciphers[ci], auths[ai], variant->ka, sases[si] };
		struct call c;
		char ka[5];

		ASSERT_EQ(0, call_setup(&c, prefs, variant->ours_initiates, NULL, NULL));
		pump(c.bz, &c.b, &c.o, 5000);
		expect_same(_metadata, &c, variant->ours_initiates);
		zrtp_put32((uint8_t *)ka, variant->ka);
		ka[4] = 0;
		EXPECT_STREQ(ka, c.o.secure.ka);
		call_teardown(&c);
	}
}

/* S384 with every key agreement both sides implement. */
TEST(s384)
{
	static const uint32_t kas[] = { ZRTP_X255, ZRTP_DH3K };

	for (int k = 0; k < 2; k++)
	for (int ours_init = 0; ours_init < 2; ours_init++) {
		uint32_t prefs[5] = { ZRTP_S384, ZRTP_AES3, ZRTP_HS80, kas[k], ZRTP_B256 };
		struct call c;

		ASSERT_EQ(0, call_setup(&c, prefs, ours_init, NULL, NULL));
		pump(c.bz, &c.b, &c.o, 5000);
		expect_same(_metadata, &c, ours_init);
		EXPECT_STREQ("S384", c.o.secure.hash);
		call_teardown(&c);
	}
}

/* The auxiliary secret (§4.3): same on both sides -> bzrtp reports a
 * match (so our auxsecretID = MAC(aux, H3) is what it computes) and the
 * keys agree; different -> bzrtp reports the mismatch, keys still agree
 * (s2 is null on both sides). */
TEST(aux_secret)
{
	uint32_t prefs[5] = { ZRTP_S256, ZRTP_AES1, ZRTP_HS80, ZRTP_X255, ZRTP_B32 };
	static const uint8_t aux[] = "aux secret from signalling";

	for (int same = 0; same < 2; same++)
	for (int ours_init = 0; ours_init < 2; ours_init++) {
		struct call c;
		struct zrtp_config cfg;

		ASSERT_EQ(0, call_setup(&c, prefs, ours_init, NULL, NULL));
		ASSERT_EQ(0, bzrtp_setAuxiliarySharedSecret(c.bz, aux, same ? sizeof(aux) : 5));
		/* restart ours with the aux secret, before any packet left */
		cfg = c.cfg;
		cfg.aux_secret = aux;
		cfg.aux_secret_len = sizeof(aux);
		zrtp_session_free(c.o.s);
		c.o.s = zrtp_session_new(&cfg);
		ASSERT_EQ(0, zrtp_start(c.o.s, now_ms()));
		pump(c.bz, &c.b, &c.o, 5000);
		expect_same(_metadata, &c, ours_init);
		EXPECT_EQ(same ? BZRTP_AUXSECRET_MATCH : BZRTP_AUXSECRET_MISMATCH, c.b.aux_mismatch);
		call_teardown(&c);
	}
}

/* Both sides Commit (we do not hold back): RFC 6189 §4.2 must make bzrtp
 * and us agree on who is initiator, whichever it turns out to be. */
TEST(commit_contention_with_bzrtp)
{
	uint32_t prefs[5] = { ZRTP_S256, ZRTP_AES1, ZRTP_HS32, ZRTP_X255, ZRTP_B32 };
	int ours_init = 0, yielded = 0, runs = 8;

	for (int i = 0; i < runs; i++) {
		struct call c;

		ASSERT_EQ(0, call_setup(&c, prefs, true, NULL, NULL));
		c.o.drop_helloack = false;		/* both will Commit */
		pump(c.bz, &c.b, &c.o, 5000);
		expect_same(_metadata, &c, c.o.secure.initiator);
		EXPECT_LE(1, c.o.commits_sent);
		ours_init += c.o.secure.initiator;
		/* we committed and still ended responder: we lost §4.2 */
		yielded += !c.o.secure.initiator && c.o.commits_sent;
		call_teardown(&c);
	}
	TH_LOG("we were initiator in %d of %d runs, yielded a Commit in %d", ours_init, runs,
	       yielded);
}

/*
 * Commit contention for every pair of key agreements each side may prefer
 * (issue 12 item 3).  bzrtp lists {a, b}, we list {b, a} (a == b: that one
 * alone); both start at once and both Commit.  RFC 6189 §4.1.2 makes both
 * pick the faster of the two first choices -- bzrtp 5.1.64's ranking is
 * DH2k, X255, EC25, X448, DH3k, EC38, EC52 -- so the two Commits name the
 * same key agreement and §4.2 (larger hvi) decides who initiates.  bzrtp
 * never yields to a Commit of another key agreement than its own: with a
 * different ranking (ours used to put X448 after DH3k) the call stays
 * clear whenever our hvi is the larger.  Our role auto and initiator both.
 */
static int bz_rank(uint32_t ka)
{
	return bz_code(ka);	/* bzrtp's codes are in its speed order */
}

TEST(contention_every_ka_pair)
{
	static const uint32_t kas[] = { ZRTP_DH2K, ZRTP_X255, ZRTP_X448, ZRTP_DH3K };
	int n = 0, ours_init = 0, both_committed = 0;

	for (unsigned i = 0; i < 4; i++)
	for (unsigned j = 0; j < 4; j++)
	for (int r = 0; r < 2; r++)
	for (int rep = 0; rep < 2; rep++) {
		uint32_t prefs[5] = { ZRTP_S256, ZRTP_AES1, ZRTP_HS32, kas[i], ZRTP_B32 };
		uint32_t bz[2] = { kas[i], kas[j] }, ours[2] = { kas[j], kas[i] };
		struct ka_lists kl = { bz, ours, i == j ? 1 : 2, i == j ? 1 : 2,
				       r ? ZRTP_ROLE_INITIATOR : ZRTP_ROLE_AUTO, false };
		uint32_t want = bz_rank(kas[i]) < bz_rank(kas[j]) ? kas[i] : kas[j];
		struct call c;
		char ka[5], pa[5], pb[5];

		zrtp_put32((uint8_t *)ka, want);
		zrtp_put32((uint8_t *)pa, kas[i]);
		zrtp_put32((uint8_t *)pb, kas[j]);
		ka[4] = pa[4] = pb[4] = 0;
		ASSERT_EQ(0, call_setup_ka(&c, prefs, true, NULL, NULL, &kl));
		c.o.drop_helloack = false;		/* both will Commit */
		pump(c.bz, &c.b, &c.o, 8000);
		if (c.o.n_secure != 1 || !c.b.started || strcmp(ka, c.o.secure.ka))
			TH_LOG("bzrtp prefers %s, we prefer %s, role %s: expected %s", pa, pb,
			       r ? "initiator" : "auto", ka);
		expect_same(_metadata, &c, c.o.secure.initiator);
		EXPECT_STREQ(ka, c.o.secure.ka);
		n++;
		ours_init += c.o.secure.initiator;
		both_committed += c.o.commits_sent > 0 && c.b.commits > 0;
		call_teardown(&c);
	}
	TH_LOG("%d calls: we initiated %d, both sides sent Commit in %d", n, ours_init,
	       both_committed);
	EXPECT_LT(0, ours_init);
	EXPECT_GT(n, ours_init);
}

/*
 * The case of issue 12 as it happened: a peer offering X448 and DH3k (not
 * X255), our default lists, both sides Commit.  Both must pick X448.
 */
TEST(x448_peer_against_our_defaults)
{
	static const uint32_t bz[] = { ZRTP_X448, ZRTP_DH3K };
	uint32_t prefs[5] = { ZRTP_S256, ZRTP_AES1, ZRTP_HS32, ZRTP_X448, ZRTP_B32 };

	for (int i = 0; i < 8; i++) {
		struct ka_lists kl = { bz, NULL, 2, 0, ZRTP_ROLE_AUTO, true };
		struct call c;

		ASSERT_EQ(0, call_setup_ka(&c, prefs, true, NULL, NULL, &kl));
		c.o.drop_helloack = false;		/* both will Commit */
		pump(c.bz, &c.b, &c.o, 8000);
		expect_same(_metadata, &c, c.o.secure.initiator);
		EXPECT_STREQ("X448", c.o.secure.ka);
		call_teardown(&c);
	}
}

/*
 * When each side may send SRTP (issue 12 item 4; RFC 6189 §4.6: the
 * responder after Confirm2, the initiator after Conf2ACK or the
 * responder's first SRTP), measured on bzrtp's callbacks: bzrtp installs
 * its receive key on Confirm1 as initiator and on Confirm2 as responder,
 * its send key on Conf2ACK as initiator and right after sending Conf2ACK
 * as responder.  Our engine hands zrtpd the keys at the same moments:
 *  - ours responder: SECURE with tx_ready on the Confirm2, before our
 *    Conf2ACK leaves (bzrtp had its receive key since Confirm1);
 *  - ours initiator: SECURE (receive key) on Confirm1, before Confirm2
 *    leaves (bzrtp sends SRTP after Conf2ACK), CONFIRMED (send) on
 *    Conf2ACK.  bzrtp, responder, expects our SRTP from its Confirm2 on:
 *    the only window where our clear RTP meets its receive key is the
 *    Conf2ACK's trip back, one network transit plus processing.
 */
TEST(srtp_switch_moments)
{
	uint32_t prefs[5] = { ZRTP_S256, ZRTP_AES1, ZRTP_HS80, ZRTP_X255, ZRTP_B32 };

	for (int ours_init = 0; ours_init < 2; ours_init++) {
		struct call c;
		int *at = moment_at;

		moment_seq = 0;
		memset(moment_at, 0, sizeof(moment_at));
		ASSERT_EQ(0, call_setup(&c, prefs, ours_init, NULL, NULL));
		pump(c.bz, &c.b, &c.o, 5000);
		expect_same(_metadata, &c, ours_init);
		if (ours_init) {
			EXPECT_LT(at[M_OURS_SECURE_RX_ONLY], at[M_OURS_SENDS_CONFIRM2]);
			EXPECT_LT(at[M_OURS_SENDS_CONFIRM2], at[M_BZ_RX_KEY]);
			EXPECT_LT(at[M_BZ_RX_KEY], at[M_BZ_SENDS_CONF2ACK]);
			EXPECT_LT(at[M_BZ_SENDS_CONF2ACK], at[M_OURS_CONFIRMED]);
			EXPECT_LT(at[M_BZ_SENDS_CONF2ACK], at[M_BZ_TX_KEY]);
			EXPECT_EQ(0, at[M_OURS_SECURE_TX]);
		} else {
			EXPECT_LT(at[M_BZ_RX_KEY], at[M_BZ_SENDS_CONFIRM2]);
			EXPECT_LT(at[M_BZ_SENDS_CONFIRM2], at[M_OURS_SECURE_TX]);
			EXPECT_LT(at[M_OURS_SECURE_TX], at[M_OURS_SENDS_CONF2ACK]);
			EXPECT_LT(at[M_OURS_SENDS_CONF2ACK], at[M_BZ_TX_KEY]);
			EXPECT_EQ(0, at[M_OURS_CONFIRMED]);
		}
		call_teardown(&c);
	}
}

/* Packet loss both ways (every 3rd datagram of each side dropped): the
 * two implementations' retransmissions still meet, in both roles. */
TEST(lossy_network)
{
	uint32_t prefs[5] = { ZRTP_S256, ZRTP_AES1, ZRTP_HS80, ZRTP_X255, ZRTP_B256 };

	for (int ours_init = 0; ours_init < 2; ours_init++)
	for (int phase = 0; phase < 3; phase++) {
		struct call c;

		ASSERT_EQ(0, call_setup(&c, prefs, ours_init, NULL, NULL));
		c.o.drop_every = 3;
		c.b.drop_every = 3;
		c.o.sent = phase;	/* shift which packets are lost */
		c.b.sent = 2 - phase;
		pump(c.bz, &c.b, &c.o, 15000);
		expect_same(_metadata, &c, ours_init);
		call_teardown(&c);
	}
}

/* Two calls between the same two caches: the second reuses rs1. */
TEST(second_call_reuses_rs1)
{
	char dir[] = "/tmp/zrtp-interop-XXXXXX", p1[64], p2[64];
	uint32_t prefs[5] = { ZRTP_S256, ZRTP_AES1, ZRTP_HS80, ZRTP_X255, ZRTP_B32 };
	sqlite3 *bzdb;
	struct zrtp_cache *cache;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(p1, sizeof(p1), "%s/bz.db", dir);
	snprintf(p2, sizeof(p2), "%s/ours.db", dir);
	ASSERT_EQ(SQLITE_OK, sqlite3_open(p1, &bzdb));
	bzrtp_initCache_lock(bzdb, NULL);
	cache = zrtp_cache_open(p2);
	ASSERT_NE(NULL, cache);
	for (int i = 0; i < 3; i++) {
		struct call c;
		bool ours_init = i != 1;	/* both roles */

		ASSERT_EQ(0, call_setup(&c, prefs, ours_init, bzdb, cache));
		pump(c.bz, &c.b, &c.o, 5000);
		expect_same(_metadata, &c, ours_init);
		EXPECT_EQ(i == 0 ? ZRTP_CACHE_NONE : ZRTP_CACHE_MATCH, c.o.secure.cache)
			TH_LOG("call %d", i);
		EXPECT_EQ(0, c.o.n_mismatch);
		EXPECT_FALSE(c.b.mismatch) TH_LOG("bzrtp saw a cache mismatch in call %d", i);
		/* the V flag: both users verify in call 1; calls 2 and 3
		 * start verified on both sides */
		EXPECT_EQ(i >= 2, c.o.secure.sas_verified) TH_LOG("call %d", i);
		EXPECT_EQ(i >= 2, !!c.b.verified) TH_LOG("call %d", i);
		if (i == 1) {
			bzrtp_SASVerified(c.bz);
			EXPECT_EQ(0, zrtp_set_sas_verified(c.o.s, true));
		}
		call_teardown(&c);
	}
	/* We lose our cache (same ZID): bzrtp must see a cache mismatch, we
	 * see a first call. */
	{
		struct call c;
		uint8_t zid[12];
		struct zrtp_config keep;

		zrtp_cache_zid(cache, zid);
		zrtp_cache_close(cache);
		unlink(p2);
		cache = zrtp_cache_open(p2);
		ASSERT_NE(NULL, cache);
		ASSERT_EQ(0, call_setup(&c, prefs, true, bzdb, cache));
		/* restart with the old ZID: the endpoint is the same */
		keep = c.cfg;
		memcpy(keep.zid, zid, 12);
		zrtp_session_free(c.o.s);
		c.o.s = zrtp_session_new(&keep);
		ASSERT_EQ(0, zrtp_start(c.o.s, now_ms()));
		pump(c.bz, &c.b, &c.o, 5000);
		expect_same(_metadata, &c, true);
		EXPECT_EQ(ZRTP_CACHE_NONE, c.o.secure.cache);
		EXPECT_TRUE(c.b.mismatch);
		EXPECT_FALSE(c.b.verified);
		call_teardown(&c);
	}
	zrtp_cache_close(cache);
	sqlite3_close(bzdb);
	snprintf(p1, sizeof(p1), "rm -rf %s", dir);
	if (system(p1))
		TH_LOG("cleanup");
}

/* Multistream: a second channel of the same bzrtp context against a
 * second session of ours with the first as master. */
TEST(multistream)
{
	uint32_t prefs[5] = { ZRTP_S256, ZRTP_AES1, ZRTP_HS80, ZRTP_X255, ZRTP_B32 };
	for (int ours_init = 0; ours_init < 2; ours_init++) {
		struct call c;
		struct bz_side b2 = { .ssrc = 0x0c0c0c0c };
		struct our_side o2 = { 0 };
		struct zrtp_config cfg2;

		ASSERT_EQ(0, call_setup(&c, prefs, ours_init, NULL, NULL));
		pump(c.bz, &c.b, &c.o, 5000);
		expect_same(_metadata, &c, ours_init);

		b2.fd = udp_socket(&b2.port);
		o2.fd = udp_socket(&o2.port);
		ASSERT_EQ(0, udp_connect(b2.fd, o2.port));
		ASSERT_EQ(0, udp_connect(o2.fd, b2.port));
		b2.peer_port = o2.port;
		ASSERT_EQ(0, bzrtp_addChannel(c.bz, b2.ssrc));
		bzrtp_setClientData(c.bz, b2.ssrc, &b2);
		cfg2 = c.cfg;
		cfg2.ssrc = 0x0d0d0d0d;
		cfg2.master = c.o.s;
		/* Mult must be listed by both: bzrtp adds it as mandatory */
		o2.drop_helloack = ours_init;
		o2.s = zrtp_session_new(&cfg2);
		ASSERT_NE(NULL, o2.s);
		ASSERT_EQ(0, bzrtp_startChannelEngine(c.bz, b2.ssrc));
		ASSERT_EQ(0, zrtp_start(o2.s, now_ms()));
		pump(c.bz, &b2, &o2, 5000);
		ASSERT_EQ(1, o2.n_secure) TH_LOG("ours: %s err 0x%x", zrtp_state_name(o2.s), o2.error);
		ASSERT_TRUE(b2.secrets);
		EXPECT_STREQ("Mult", o2.secure.ka);
		EXPECT_EQ(0, memcmp(o2.secure.tx.key, b2.peer_key, o2.secure.tx.key_len));
		EXPECT_EQ(0, memcmp(o2.secure.rx.key, b2.self_key, o2.secure.rx.key_len));
		EXPECT_EQ(0, memcmp(o2.secure.tx.salt, b2.peer_salt, 14));
		EXPECT_EQ(0, memcmp(o2.secure.rx.salt, b2.self_salt, 14));
		bzrtp_destroyBzrtpContext(c.bz, b2.ssrc);
		zrtp_session_free(o2.s);
		close(b2.fd);
		close(o2.fd);
		call_teardown(&c);
	}
}

/* tshark dissects a capture of a full handshake: no malformed packet,
 * and a good CRC on every ZRTP message. */
TEST(tshark_dissects)
{
	char path[] = "/tmp/zrtp-capture-XXXXXX", cmd[512];
	uint32_t prefs[5] = { ZRTP_S256, ZRTP_AES1, ZRTP_HS80, ZRTP_DH3K, ZRTP_B32 };
	struct call c;
	FILE *f;
	int fd = mkstemp(path), total = 0, good = 0, malformed = 0, types = 0;
	char line[256];

	ASSERT_LE(0, fd);
	close(fd);
	if (system("command -v tshark >/dev/null 2>&1"))
		SKIP(return, "tshark not installed");
	pcap_open(path);
	ASSERT_NE(NULL, pcap);
	ASSERT_EQ(0, call_setup(&c, prefs, true, NULL, NULL));
	pump(c.bz, &c.b, &c.o, 5000);
	expect_same(_metadata, &c, true);
	call_teardown(&c);
	fclose(pcap);
	pcap = NULL;
	snprintf(cmd, sizeof(cmd),
		 "tshark -r %s --enable-heuristic rtp_udp -T fields -E separator=, "
		 "-e zrtp.type -e zrtp.checksum.status -e _ws.malformed 2>/dev/null", path);
	f = popen(cmd, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		total++;
		if (strstr(line, "Malformed") || strstr(line, "malformed"))
			malformed++;
		/* checksum status 1 = good */
		if (strstr(line, ",1,") || strstr(line, ",1\n"))
			good++;
		if (line[0] != ',')
			types++;
		if (getenv("ZRTP_TSHARK_DEBUG"))
			fprintf(stderr, "# %s", line);
	}
	pclose(f);
	TH_LOG("%d packets, %d with a ZRTP type, %d good CRC, %d malformed", total, types, good,
	       malformed);
	EXPECT_LE(9, total);
	EXPECT_EQ(total, types);
	EXPECT_EQ(total, good);
	EXPECT_EQ(0, malformed);
	unlink(path);
}

/* ---- all 16 message types through tshark ------------------------------ */

struct rec { bool tamper_dhpart2; };

static enum zh_fate record(void *arg, struct zh_peer *from, struct zh_pkt *pk)
{
	struct rec *r = arg;

	if (r && r->tamper_dhpart2 && zh_type(pk->b, pk->len) == ZRTP_MSG_DHPART2) {
		pk->b[12 + 100] ^= 1;		/* breaks hvi: Error 0x62 */
		zrtp_packet_set_crc(pk->b, pk->len);
		r->tamper_dhpart2 = false;
	}
	pcap_write(from->cfg.ssrc == 1 ? 5004 : 5006, from->cfg.ssrc == 1 ? 5006 : 5004,
		   pk->b, pk->len);
	return ZH_DELIVER;
}

/* Ours against ours: a handshake, SASrelay/RelayACK, Ping/PingACK,
 * GoClear/ClearACK, then a second exchange ending in Error/ErrorACK.
 * tshark must name all 16 types, with a good CRC and nothing malformed. */
TEST(tshark_all_16_types)
{
	char path[] = "/tmp/zrtp-all16-XXXXXX", cmd[512], line[256];
	struct zh_peer a, b;
	struct zrtp_config ca, cb;
	struct rec r = { .tamper_dhpart2 = true };
	struct zrtp_msg m = { .type = ZRTP_MSG_PING };
	uint8_t sh[32] = { 1 }, msg[64], pkt[128];
	struct zrtp_output o;
	char types[16][9];
	int ntypes = 0, total = 0, good = 0, malformed = 0, fd = mkstemp(path), n;
	uint64_t now;
	FILE *f;

	ASSERT_LE(0, fd);
	close(fd);
	if (system("command -v tshark >/dev/null 2>&1"))
		SKIP(return, "tshark not installed");
	pcap_open(path);
	ASSERT_NE(NULL, pcap);
	zh_config(&ca, "all16-alice1", 1, ZRTP_ROLE_INITIATOR);
	zh_config(&cb, "all16-bob--2", 2, ZRTP_ROLE_RESPONDER);
	ca.allow_clear = cb.allow_clear = true;
	cb.mitm = true;
	ASSERT_EQ(0, zh_start(&a, "a", &ca, 0));
	ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
	now = zh_run(&a, &b, 0, 60000, record, NULL);
	ASSERT_EQ(1, a.n_secure);
	ASSERT_EQ(0, zrtp_send_sasrelay(b.s, now, sh, ZRTP_B32));
	now = zh_run(&a, &b, now, now + 60000, record, NULL);
	/* Ping from "b" (a Zfone-style prober) to a */
	memcpy(m.ping.version, "1.10", 4);
	memcpy(m.ping.endpoint_hash, "endpoint", 8);
	n = zrtp_msg_encode(&m, msg, sizeof(msg));
	n = zrtp_packet_build(1, 2, msg, n, pkt, sizeof(pkt));
	pcap_write(5006, 5004, pkt, n);
	ASSERT_EQ(0, zrtp_input(a.s, now, pkt, n));
	ASSERT_EQ(ZRTP_OUT_PACKET, zrtp_poll(a.s, now, &o));
	pcap_write(5004, 5006, o.pkt, o.len);
	ASSERT_EQ(0, zrtp_go_clear(a.s, now));
	zh_run(&a, &b, now, now + 60000, record, NULL);
	EXPECT_EQ(1, a.n_clear);
	zh_stop(&a);
	zh_stop(&b);
	ASSERT_EQ(0, zh_start(&a, "a", &ca, 0));
	ASSERT_EQ(0, zh_start(&b, "b", &cb, 0));
	zh_run(&a, &b, 0, 60000, record, &r);
	EXPECT_EQ(1, b.n_error);
	zh_stop(&a);
	zh_stop(&b);
	fclose(pcap);
	pcap = NULL;

	snprintf(cmd, sizeof(cmd),
		 "tshark -r %s --enable-heuristic rtp_udp -T fields -E separator=, "
		 "-e zrtp.type -e zrtp.checksum.status -e _ws.malformed 2>/dev/null", path);
	f = popen(cmd, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		char *comma = strchr(line, ',');
		bool seen = false;

		total++;
		if (strstr(line, "alformed"))
			malformed++;
		if (strstr(line, ",1,") || strstr(line, ",1\n"))
			good++;
		if (!comma || comma - line != 8)
			continue;
		for (int i = 0; i < ntypes; i++)
			seen |= !memcmp(types[i], line, 8);
		if (!seen && ntypes < 16) {
			memcpy(types[ntypes], line, 8);
			types[ntypes++][8] = 0;
		}
	}
	pclose(f);
	TH_LOG("%d packets, %d types, %d good CRC, %d malformed", total, ntypes, good, malformed);
	EXPECT_EQ(16, ntypes);
	EXPECT_EQ(total, good);
	EXPECT_EQ(0, malformed);
	if (getenv("ZRTP_KEEP_PCAP"))
		TH_LOG("capture kept: %s", path);
	else
		unlink(path);
}

/*
 * RFC 6189 §7.3 with bzrtp as the phone and our engine as the trusted MiTM
 * (PBX: M in its Hello, E in its Confirm).  bzrtp 5.1.64 implements neither
 * side of it: it never stores a pbxsecret (its cache has a pbx column that
 * nothing writes), and in its secure state it takes only a repeated
 * Confirm2 (state_secure() in stateMachine.c), so a SASrelay is dropped
 * unanswered.  What must hold: the call with a PBX is an ordinary secure
 * call for bzrtp (same SAS and keys), no pbxsecret ever matches in a later
 * call (so our side reports the phone as not enrolled and a gateway does
 * not relay to it), and if a SASrelay is sent anyway the PBX retries it on
 * T2, gives up (ZRTP_EV_RELAY_UNACKED) and both sides stay secure.  The
 * engine-to-engine case, where the phone does take the relay, is
 * tests/unit/zrtp_mitm.c.
 */
TEST(trusted_mitm_towards_bzrtp)
{
	char dir[] = "/tmp/zrtp-interop-XXXXXX", p1[64], p2[64];
	uint32_t prefs[5] = { ZRTP_S256, ZRTP_AES1, ZRTP_HS80, ZRTP_X255, ZRTP_B32 };
	uint8_t sh[32] = { 0x31, 0x41, 0x59 };
	sqlite3 *bzdb;
	sqlite3_stmt *st;
	struct zrtp_cache *cache;
	struct zrtp_cache_entry e;
	int pbx_rows = -1;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(p1, sizeof(p1), "%s/bz.db", dir);
	snprintf(p2, sizeof(p2), "%s/pbx.db", dir);
	ASSERT_EQ(SQLITE_OK, sqlite3_open(p1, &bzdb));
	bzrtp_initCache_lock(bzdb, NULL);
	cache = zrtp_cache_open(p2);
	ASSERT_NE(NULL, cache);
	for (int i = 0; i < 2; i++) {
		struct call c;
		struct zrtp_session *keep;
		struct zrtp_output out;
		uint8_t buf[2048];
		int relays = 0, acks = 0, bz_refused = 0, unacked = 0, relayed = 0, bz_ret = 0;
		uint64_t t;

		ASSERT_EQ(0, call_setup(&c, prefs, false, bzdb, cache));
		/* the same session, but as a PBX offering enrollment */
		c.cfg.mitm = c.cfg.pbx_enroll = true;
		keep = zrtp_session_new(&c.cfg);
		ASSERT_NE(NULL, keep);
		zrtp_session_free(c.o.s);
		c.o.s = keep;
		ASSERT_EQ(0, zrtp_start(c.o.s, now_ms()));
		pump(c.bz, &c.b, &c.o, 5000);
		expect_same(_metadata, &c, false);
		EXPECT_FALSE(c.o.secure.pbx_secret_used) TH_LOG("call %d", i);
		EXPECT_FALSE(zrtp_peer_enrolled(c.o.s)) TH_LOG("call %d", i);
		if (i == 0) {
			/* both users verify: a phone of ours would enroll now */
			bzrtp_SASVerified(c.bz);
			EXPECT_EQ(0, zrtp_set_sas_verified(c.o.s, true));
			/* the PBX keeps a pbxsecret for the phone ... */
			ASSERT_EQ(0, zrtp_cache_get(cache, c.o.secure.peer_zid, &e));
			EXPECT_TRUE(e.has_pbx);
			call_teardown(&c);
			continue;
		}
		/* call 2: relay anyway; our clock runs ahead (T2 is ~10 s) */
		t = now_ms();
		ASSERT_EQ(0, zrtp_send_sasrelay(c.o.s, t, sh, ZRTP_B32));
		for (int k = 0; k < 400 && !unacked; k++, t += 50) {
			struct pollfd p[2] = { { .fd = c.o.fd, .events = POLLIN },
					       { .fd = c.b.fd, .events = POLLIN } };

			while (zrtp_poll(c.o.s, t, &out) != ZRTP_OUT_NONE) {
				if (out.kind == ZRTP_OUT_PACKET) {
					relays += zh_type(out.pkt, out.len) == ZRTP_MSG_SASRELAY;
					if (send(c.o.fd, out.pkt, out.len, 0) < 0)
						TH_LOG("send failed");
				} else if (out.ev.type == ZRTP_EV_RELAY_UNACKED) {
					unacked++;
				} else if (out.ev.type == ZRTP_EV_ERROR) {
					c.o.n_error++;
				}
			}
			if (poll(p, 2, 2) <= 0)
				continue;
			if (p[1].revents & POLLIN) {
				ssize_t n = recv(c.b.fd, buf, sizeof(buf), 0);

				if (n > 0 && zh_type(buf, n) == ZRTP_MSG_SASRELAY) {
					relayed++;
					bz_ret = bzrtp_processMessage(c.bz, c.b.ssrc, buf, n);
					bz_refused += bz_ret != 0;
				}
			}
			if (p[0].revents & POLLIN) {
				ssize_t n = recv(c.o.fd, buf, sizeof(buf), 0);

				if (n > 0) {
					acks += zh_type(buf, n) == ZRTP_MSG_RELAYACK;
					zrtp_input(c.o.s, t, buf, n);
				}
			}
		}
		TH_LOG("SASrelay sent %d, reached bzrtp %d, refused by it %d (0x%x), RelayACK %d",
		       relays, relayed, bz_refused, bz_ret, acks);
		EXPECT_EQ(11, relays);		/* 1 + 10 on T2 */
		EXPECT_EQ(relays, relayed);
		EXPECT_EQ(relayed, bz_refused);
		EXPECT_EQ(0, acks);
		EXPECT_EQ(1, unacked);
		EXPECT_EQ(0, c.o.n_error);
		EXPECT_TRUE(zrtp_is_secure(c.o.s));
		EXPECT_EQ(BZRTP_CHANNEL_SECURE, bzrtp_getChannelStatus(c.bz, c.b.ssrc));
		call_teardown(&c);
	}
	/* ... and bzrtp none for the PBX: its pbx column stays empty */
	ASSERT_EQ(SQLITE_OK, sqlite3_prepare_v2(bzdb, "SELECT count(*) FROM zrtp WHERE pbx IS NOT NULL",
						-1, &st, NULL));
	if (sqlite3_step(st) == SQLITE_ROW)
		pbx_rows = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	EXPECT_EQ(0, pbx_rows);
	zrtp_cache_close(cache);
	sqlite3_close(bzdb);
	snprintf(p1, sizeof(p1), "rm -rf %s", dir);
	if (system(p1))
		TH_LOG("cleanup");
}

int main(int argc, char **argv)
{
	if (getenv("ZRTP_PCAP"))
		pcap_open(getenv("ZRTP_PCAP"));
	return test_harness_run(argc, argv);
}
