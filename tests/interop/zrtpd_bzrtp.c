// SPDX-License-Identifier: GPL-2.0
/*
 * Multistream through zrtpd against bzrtp (issue 11, finding 7): one zrtpd
 * on the mock kernel, one bzrtp context (Linphone's library) with two
 * channels, audio then video, each on its own UDP port pair on 127.0.0.1.
 * Audio is keyed by DH; video must go secure in Mult mode keyed from the
 * audio stream, with one SAS for both, and bzrtp's keys for each stream
 * in the mock kernel's flow.  zrtpd initiates (its HelloACKs are dropped,
 * so bzrtp never commits: RFC 6189 §4.1, HelloACK is optional).
 */
#include <poll.h>
#include <sys/socket.h>
#include <bzrtp/bzrtp.h>

#include "kselftest_harness.h"
#include "zrtpd_test.h"

struct bz_chan {
	uint32_t ssrc;
	int fd;
	bool secrets, started;
	uint8_t self_key[32], self_salt[14], peer_key[32], peer_salt[14], key_len;
	char sas[64];
};

static int bz_send(void *cd, const uint8_t *p, uint16_t len)
{
	struct bz_chan *b = cd;

	return send(b->fd, p, len, 0) == len ? 0 : -1;
}

static int bz_secrets(void *cd, const bzrtpSrtpSecrets_t *s, uint8_t part)
{
	struct bz_chan *b = cd;

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
	struct bz_chan *b = cd;

	if (s->sas)
		snprintf(b->sas, sizeof(b->sas), "%s", s->sas);
	b->started = true;
	return 0;
}

static int bz_status(void *cd, const uint8_t level, const uint8_t id, const char *msg)
{
	return 0;
}

static const bzrtpCallbacks_t bz_cbs = {
	.bzrtp_statusMessage = bz_status,
	.bzrtp_messageLevel = BZRTP_MESSAGE_ERROR,
	.bzrtp_sendData = bz_send,
	.bzrtp_srtpSecretsAvailable = bz_secrets,
	.bzrtp_startSrtpSession = bz_start,
};

/* bzrtp's socket: the remote end of a zrtpd flow local:rport -> lport */
static int bz_socket(uint16_t port, uint16_t peer)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)))
		return -1;
	a.sin_port = htons(peer);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
		return -1;
	return fd;
}

struct run {
	struct host *h;
	bzrtpContext_t *bz;
	struct bz_chan *c;
	struct zrtpd_session *s;
};

static bool pump(struct run *r, int ms)
{
	uint64_t end = zrtpd_now_ms() + (uint64_t)ms;
	uint8_t buf[2048];

	while (zrtpd_now_ms() < end) {
		ssize_t n;

		zrtpd_run_once(&r->h->d, 2);
		bzrtp_iterate(r->bz, r->c->ssrc, zrtpd_now_ms());
		while ((n = recv(r->c->fd, buf, sizeof(buf), 0)) > 0)
			bzrtp_processMessage(r->bz, r->c->ssrc, buf, (size_t)n);
		host_check_secure(r->h);
		if (r->s->state == ZS_SECURE && r->c->started &&
		    bzrtp_getChannelStatus(r->bz, r->c->ssrc) == BZRTP_CHANNEL_SECURE)
			return true;
		if (r->s->state == ZS_FAILED)
			return false;
	}
	return false;
}

static void keys_match(struct __test_metadata *_metadata, struct host *h, uint32_t id,
		       const struct bz_chan *c)
{
	struct zrtpd_mock_key tx, rx;

	ASSERT_EQ(0, zrtpd_mock_get_key(h->m, id, KSRTP_KEY_DIR_TX, &tx));
	ASSERT_EQ(0, zrtpd_mock_get_key(h->m, id, KSRTP_KEY_DIR_RX, &rx));
	ASSERT_EQ(c->key_len, tx.key_len);
	EXPECT_EQ(0, memcmp(tx.key, c->peer_key, c->key_len));
	EXPECT_EQ(0, memcmp(tx.salt, c->peer_salt, 14));
	EXPECT_EQ(0, memcmp(rx.key, c->self_key, c->key_len));
	EXPECT_EQ(0, memcmp(rx.salt, c->self_salt, 14));
}

TEST(multistream_with_bzrtp)
{
	static const uint8_t types[5] = { ZRTP_HASH_TYPE, ZRTP_CIPHERBLOCK_TYPE, ZRTP_AUTHTAG_TYPE,
					  ZRTP_KEYAGREEMENT_TYPE, ZRTP_SAS_TYPE };
	static const uint8_t prefs[5] = { ZRTP_HASH_S256, ZRTP_CIPHER_AES1, ZRTP_AUTHTAG_HS80,
					  ZRTP_KEYAGREEMENT_X255, ZRTP_SAS_B32 };
	struct zrtpd_session_opts init = { .role = ZRTP_ROLE_INITIATOR };
	struct bz_chan audio = { .ssrc = 0x0b0b0b0b }, video = { .ssrc = 0x0c0c0c0c };
	struct ksrtp_flow_info fa = flow_of(test_port(0), test_port(1));
	struct ksrtp_flow_info fv = flow_of(test_port(2), test_port(3));
	struct zrtpd_session *sa, *sv;
	struct host h;
	struct run r;
	bzrtpContext_t *bz;
	char *tmp = test_tmpdir();

	ASSERT_NE(NULL, tmp);
	host_init(&h, "alice", tmp);
	memcpy(h.cfg.test_drop, "HelloACK", 9);
	ASSERT_EQ(0, host_start(&h));
	audio.fd = bz_socket(test_port(1), test_port(0));
	video.fd = bz_socket(test_port(3), test_port(2));
	ASSERT_LE(0, audio.fd);
	ASSERT_LE(0, video.fd);

	bz = bzrtp_createBzrtpContext();
	ASSERT_NE(NULL, bz);
	bzrtp_setCallbacks(bz, &bz_cbs);
	for (int k = 0; k < 5; k++) {
		uint8_t t[7] = { prefs[k] };

		bzrtp_setSupportedCryptoTypes(bz, types[k], t, 1);
	}
	ASSERT_EQ(0, bzrtp_initBzrtpContext(bz, audio.ssrc));
	bzrtp_setClientData(bz, audio.ssrc, &audio);

	/* audio: DH */
	ASSERT_EQ(0, zrtpd_session_add(&h.d, &fa, &init, &sa));
	ASSERT_EQ(0, bzrtp_startChannelEngine(bz, audio.ssrc));
	r = (struct run){ &h, bz, &audio, sa };
	ASSERT_TRUE(pump(&r, 10000)) TH_LOG("audio: zrtpd %s, bzrtp 0x%x", zrtpd_state_str(sa),
					    bzrtp_getChannelStatus(bz, audio.ssrc));
	EXPECT_STREQ("X255", sa->ka);
	EXPECT_STREQ(audio.sas, sa->sas);
	keys_match(_metadata, &h, sa->flow.id, &audio);

	/* video: a second channel of the same bzrtp context, Mult */
	ASSERT_EQ(0, bzrtp_addChannel(bz, video.ssrc));
	bzrtp_setClientData(bz, video.ssrc, &video);
	ASSERT_EQ(0, zrtpd_session_add(&h.d, &fv, &init, &sv));
	ASSERT_EQ(0, bzrtp_startChannelEngine(bz, video.ssrc));
	r = (struct run){ &h, bz, &video, sv };
	ASSERT_TRUE(pump(&r, 10000)) TH_LOG("video: zrtpd %s (error 0x%x), bzrtp 0x%x",
					    zrtpd_state_str(sv), sv->error_code,
					    bzrtp_getChannelStatus(bz, video.ssrc));
	EXPECT_STREQ("Mult", sv->ka);
	EXPECT_STREQ(sa->sas, sv->sas);		/* one SAS for the call */
	keys_match(_metadata, &h, sv->flow.id, &video);
	EXPECT_NE(0, memcmp(audio.self_key, video.self_key, audio.key_len));
	EXPECT_EQ(ZS_SECURE, sa->state);
	EXPECT_EQ(0, h.secure_but_clear);

	bzrtp_destroyBzrtpContext(bz, video.ssrc);
	bzrtp_destroyBzrtpContext(bz, audio.ssrc);
	close(audio.fd);
	close(video.fd);
	host_free(&h);
	rm_rf(tmp);
	free(tmp);
}

TEST_HARNESS_MAIN
