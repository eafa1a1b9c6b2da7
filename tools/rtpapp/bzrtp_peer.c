// SPDX-License-Identifier: GPL-2.0
/*
 * bzrtp_peer: an independent ZRTP + SRTP endpoint for the interop
 * end-to-end test: bzrtp 5.1.64 runs ZRTP and libsrtp 2 protects RTP, on
 * one plain UDP socket, in userspace -- no ksrtp, no zrtpd.  Facing a host
 * running ksrtp + zrtpd + rtpapp, it proves that the kernel's SRTP and
 * zrtpd's keys are the ones RFC 6189 and RFC 3711 define.
 *
 *   bzrtp_peer --local ADDR:PORT --remote ADDR:PORT [--count N] [--rate PPS]
 *              [--wait S] [--delay MS] [--after-peer] [--timeout S]
 *              [--sdes-tx FILE --sdes-rx FILE]
 *
 * It answers ZRTP until SECURE, prints the SAS and the SRTP profile, waits
 * --delay (with --after-peer: until the peer's first SRTP packet has
 * authenticated, so a slow peer application is listening by then), then
 * sends N SRTP packets (rtpapp's payload) while unprotecting and checking
 * what arrives; exit 0 iff the N packets of the peer arrived,
 * authenticated and exact.  IPv4 only.
 *
 * With --sdes-tx/--sdes-rx there is no ZRTP: libsrtp is keyed from two
 * SDES crypto attributes (RFC 4568, "a=crypto:1 SUITE inline:KEY|..."),
 * the one it sends with and the one it receives with, decoded here with
 * OpenSSL's base64 (not libksrtp's parser, which the other side uses).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <bzrtp/bzrtp.h>
#include <srtp2/srtp.h>
#include <openssl/evp.h>

#define MARKER "KSRTP-PLAINTEXT"
enum { RTP_HDR = 12, SIZE = 160, PT = 96 };

struct peer {
	int fd;
	uint32_t ssrc;
	bool secrets, started;
	uint8_t tx_key[46], rx_key[46];	/* key || salt, as libsrtp takes them */
	uint8_t key_len, cipher, auth;
	char sas[32];
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int parse4(const char *s, struct sockaddr_in *a)
{
	char host[64];
	const char *c = strrchr(s, ':');

	memset(a, 0, sizeof(*a));
	if (!c || (size_t)(c - s) >= sizeof(host))
		return -1;
	memcpy(host, s, (size_t)(c - s));
	host[c - s] = 0;
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)atoi(c + 1));
	return inet_pton(AF_INET, host, &a->sin_addr) == 1 ? 0 : -1;
}

/* rtpapp's payload for (ssrc, seq) */
static void payload(uint8_t *p, size_t n, uint32_t ssrc, uint16_t seq)
{
	size_t i, m = sizeof(MARKER) - 1;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seq * 31 + i * 7 + ssrc);
	memcpy(p, MARKER, m);
	p[m] = (uint8_t)(ssrc >> 24);
	p[m + 1] = (uint8_t)(ssrc >> 16);
	p[m + 2] = (uint8_t)(ssrc >> 8);
	p[m + 3] = (uint8_t)ssrc;
	p[m + 4] = (uint8_t)(seq >> 8);
	p[m + 5] = (uint8_t)seq;
}

/* SDES: an attribute file -> libsrtp policy (key into @key). */
static int sdes_policy(const char *file, srtp_policy_t *p, uint8_t *key, int ssrc_type)
{
	static const struct {
		const char *name;
		void (*rtp)(srtp_crypto_policy_t *), (*rtcp)(srtp_crypto_policy_t *);
		int len;
	} st[] = {
		{ "AES_CM_128_HMAC_SHA1_80", srtp_crypto_policy_set_rtp_default,
		  srtp_crypto_policy_set_rtcp_default, 30 },
		{ "AES_CM_128_HMAC_SHA1_32", srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32,
		  srtp_crypto_policy_set_rtcp_default, 30 },
		{ "AES_256_CM_HMAC_SHA1_80", srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80,
		  srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80, 46 },
		{ "AES_256_CM_HMAC_SHA1_32", srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32,
		  srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80, 46 },
		{ "AEAD_AES_128_GCM", srtp_crypto_policy_set_aes_gcm_128_16_auth,
		  srtp_crypto_policy_set_aes_gcm_128_16_auth, 28 },
		{ "AEAD_AES_256_GCM", srtp_crypto_policy_set_aes_gcm_256_16_auth,
		  srtp_crypto_policy_set_aes_gcm_256_16_auth, 44 },
	};
	char line[512], suite[64], b64[128];
	unsigned char raw[96];
	unsigned int i;
	FILE *f = fopen(file, "r");
	int n;

	if (!f || !fgets(line, sizeof(line), f)) {
		fprintf(stderr, "bzrtp_peer: cannot read %s\n", file);
		return -1;
	}
	fclose(f);
	if (sscanf(line, "a=crypto:%*u %63s inline:%127[A-Za-z0-9+/=]", suite, b64) != 2) {
		fprintf(stderr, "bzrtp_peer: %s: not an a=crypto line\n", file);
		return -1;
	}
	n = EVP_DecodeBlock(raw, (unsigned char *)b64, (int)strlen(b64));
	if (n > 0)
		n -= (int)(strlen(b64) - strcspn(b64, "="));	/* padding */
	memset(p, 0, sizeof(*p));
	for (i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
		if (strcmp(suite, st[i].name))
			continue;
		if (n != st[i].len) {
			fprintf(stderr, "bzrtp_peer: %s: key of %d bytes for %s\n", file, n, suite);
			return -1;
		}
		st[i].rtp(&p->rtp);
		st[i].rtcp(&p->rtcp);
		memcpy(key, raw, (size_t)n);
		p->ssrc.type = ssrc_type;
		p->key = key;
		p->window_size = 128;
		return 0;
	}
	fprintf(stderr, "bzrtp_peer: %s: unknown suite %s\n", file, suite);
	return -1;
}

static int bz_send(void *cd, const uint8_t *p, uint16_t len)
{
	struct peer *pe = cd;

	return send(pe->fd, p, len, 0) == len ? 0 : -1;
}

static int bz_secrets(void *cd, const bzrtpSrtpSecrets_t *s, uint8_t part)
{
	struct peer *pe = cd;

	if (part & ZRTP_SRTP_SECRETS_FOR_SENDER) {
		memcpy(pe->tx_key, s->selfSrtpKey, s->selfSrtpKeyLength);
		memcpy(pe->tx_key + s->selfSrtpKeyLength, s->selfSrtpSalt, s->selfSrtpSaltLength);
		pe->key_len = s->selfSrtpKeyLength;
	}
	if (part & ZRTP_SRTP_SECRETS_FOR_RECEIVER) {
		memcpy(pe->rx_key, s->peerSrtpKey, s->peerSrtpKeyLength);
		memcpy(pe->rx_key + s->peerSrtpKeyLength, s->peerSrtpSalt, s->peerSrtpSaltLength);
	}
	pe->cipher = s->cipherAlgo;
	pe->auth = s->authTagAlgo;
	pe->secrets = true;
	return 0;
}

static int bz_start(void *cd, const bzrtpSrtpSecrets_t *s, int32_t verified)
{
	struct peer *pe = cd;

	if (s->sas)
		snprintf(pe->sas, sizeof(pe->sas), "%s", s->sas);
	pe->started = true;
	return 0;
}

static const bzrtpCallbacks_t cbs = {
	.bzrtp_sendData = bz_send,
	.bzrtp_srtpSecretsAvailable = bz_secrets,
	.bzrtp_startSrtpSession = bz_start,
};

static const char *profile_name(const struct peer *pe)
{
	bool t32 = pe->auth == ZRTP_AUTHTAG_HS32;

	if (pe->cipher == ZRTP_CIPHER_AES3)
		return t32 ? "AES_256_CM_HMAC_SHA1_32" : "AES_256_CM_HMAC_SHA1_80";
	return t32 ? "AES_CM_128_HMAC_SHA1_32" : "AES_CM_128_HMAC_SHA1_80";
}

static void set_policy(const struct peer *pe, srtp_policy_t *p, uint8_t *key, int ssrc_type)
{
	memset(p, 0, sizeof(*p));
	if (pe->cipher == ZRTP_CIPHER_AES3) {
		if (pe->auth == ZRTP_AUTHTAG_HS32)
			srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32(&p->rtp);
		else
			srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&p->rtp);
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&p->rtcp);
	} else {
		if (pe->auth == ZRTP_AUTHTAG_HS32)
			srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&p->rtp);
		else
			srtp_crypto_policy_set_rtp_default(&p->rtp);
		srtp_crypto_policy_set_rtcp_default(&p->rtcp);
	}
	p->ssrc.type = ssrc_type;
	p->key = key;
	p->window_size = 128;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "local", required_argument, NULL, 'l' }, { "remote", required_argument, NULL, 'r' },
		{ "count", required_argument, NULL, 'n' }, { "rate", required_argument, NULL, 'p' },
		{ "wait", required_argument, NULL, 'w' }, { "delay", required_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 't' },
		{ "after-peer", no_argument, NULL, 'a' },
		{ "sdes-tx", required_argument, NULL, 'T' }, { "sdes-rx", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	struct sockaddr_in local, remote;
	unsigned long count = 100, rate = 50, wait_s = 10, delay_ms = 1000, timeout_s = 60;
	unsigned long sent = 0, recvd = 0, bad = 0, dup = 0, clear = 0;
	bool have_l = false, have_r = false, after_peer = false;
	struct peer pe = { 0 };
	const char *sdes_tx = NULL, *sdes_rx = NULL;
	bzrtpContext_t *bz;
	srtp_t tx = NULL, rx = NULL;
	srtp_policy_t ptx, prx;
	uint8_t seen[65536] = { 0 }, pkt[2048], want[SIZE];
	uint64_t start = now_ms(), send_at = 0, deadline = 0, next = 0;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l': have_l = !parse4(optarg, &local); break;
		case 'r': have_r = !parse4(optarg, &remote); break;
		case 'n': count = strtoul(optarg, NULL, 10); break;
		case 'p': rate = strtoul(optarg, NULL, 10); break;
		case 'w': wait_s = strtoul(optarg, NULL, 10); break;
		case 'd': delay_ms = strtoul(optarg, NULL, 10); break;
		case 't': timeout_s = strtoul(optarg, NULL, 10); break;
		case 'a': after_peer = true; break;
		case 'T': sdes_tx = optarg; break;
		case 'R': sdes_rx = optarg; break;
		default: return 2;
		}
	}
	if (!have_l || !have_r || !count || count > 65535 || !rate || !sdes_tx != !sdes_rx) {
		fputs("usage: bzrtp_peer --local ADDR:PORT --remote ADDR:PORT [--count N] [--rate PPS]\n"
		      "                  [--wait S] [--delay MS] [--after-peer] [--timeout S]\n"
		      "                  [--sdes-tx FILE --sdes-rx FILE]\n", stderr);
		return 2;
	}
	pe.fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (pe.fd < 0 || bind(pe.fd, (struct sockaddr *)&local, sizeof(local)) ||
	    connect(pe.fd, (struct sockaddr *)&remote, sizeof(remote))) {
		perror("bzrtp_peer: socket");
		return 1;
	}
	{	/* a starved peer must not drop at its own socket */
		int sz = 8 << 20;

		if (setsockopt(pe.fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)))
			setsockopt(pe.fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	}
	srand((unsigned int)(now_ms() ^ (uint64_t)getpid()));
	pe.ssrc = (uint32_t)rand() | 1;
	if (srtp_init() != srtp_err_status_ok)
		return 1;
	if (sdes_tx) {
		uint8_t ktx[64], krx[64];

		if (sdes_policy(sdes_tx, &ptx, ktx, ssrc_any_outbound) ||
		    sdes_policy(sdes_rx, &prx, krx, ssrc_any_inbound))
			return 1;
		if (srtp_create(&tx, &ptx) || srtp_create(&rx, &prx)) {
			fputs("bzrtp_peer: libsrtp refused the SDES keys\n", stderr);
			return 1;
		}
		printf("bzrtp_peer: SDES keys in libsrtp\n");
		fflush(stdout);
		send_at = next = after_peer ? UINT64_MAX : now_ms() + delay_ms;
	}
	bz = sdes_tx ? NULL : bzrtp_createBzrtpContext();
	if (!sdes_tx) {
		if (!bz)
			return 1;
		bzrtp_setCallbacks(bz, &cbs);
		if (bzrtp_initBzrtpContext(bz, pe.ssrc))
			return 1;
		bzrtp_setClientData(bz, pe.ssrc, &pe);
		if (bzrtp_startChannelEngine(bz, pe.ssrc))
			return 1;
	}

	for (;;) {
		uint64_t t = now_ms();
		struct pollfd p = { .fd = pe.fd, .events = POLLIN };
		ssize_t n;

		if (bz)
			bzrtp_iterate(bz, pe.ssrc, t);
		if (!tx && pe.started && pe.secrets) {
			set_policy(&pe, &ptx, pe.tx_key, ssrc_any_outbound);
			set_policy(&pe, &prx, pe.rx_key, ssrc_any_inbound);
			if (srtp_create(&tx, &ptx) || srtp_create(&rx, &prx)) {
				fputs("bzrtp_peer: libsrtp refused the keys\n", stderr);
				return 1;
			}
			printf("bzrtp_peer: secure, SAS %s, %s\n", pe.sas, profile_name(&pe));
			fflush(stdout);
			send_at = next = after_peer ? UINT64_MAX : t + delay_ms;
		}
		if (!tx && t - start > timeout_s * 1000) {
			fputs("bzrtp_peer: no ZRTP handshake before the timeout\n", stderr);
			return 1;
		}
		if (tx && send_at == UINT64_MAX && t - start > timeout_s * 1000) {
			fputs("bzrtp_peer: no SRTP from the peer before the timeout\n", stderr);
			break;
		}
		if (tx && sent < count && t >= next) {
			int len = RTP_HDR + SIZE;
			uint16_t seq = (uint16_t)sent;

			pkt[0] = 0x80;
			pkt[1] = PT;
			pkt[2] = (uint8_t)(seq >> 8);
			pkt[3] = (uint8_t)seq;
			*(uint32_t *)(pkt + 4) = htonl((uint32_t)(sent * 160));
			*(uint32_t *)(pkt + 8) = htonl(pe.ssrc);
			payload(pkt + RTP_HDR, SIZE, pe.ssrc, seq);
			if (srtp_protect(tx, pkt, &len) == srtp_err_status_ok)
				send(pe.fd, pkt, (size_t)len, 0);
			sent++;
			next = send_at + sent * 1000 / rate;
			if (sent == count)
				deadline = t + wait_s * 1000;
		}
		if (sent == count && (recvd >= count || t >= deadline))
			break;
		if (poll(&p, 1, 5) <= 0)
			continue;
		n = recv(pe.fd, pkt, sizeof(pkt), 0);
		if (n < RTP_HDR)
			continue;
		if (pkt[0] == 0x10 && n >= 8 && !memcmp(pkt + 4, "ZRTP", 4)) {
			if (!bz) {
				bad++;	/* no ZRTP is expected with SDES keys */
				continue;
			}
			bzrtp_processMessage(bz, pe.ssrc, pkt, (uint32_t)n);
			continue;
		}
		if (!rx) {
			clear++;	/* RTP before SECURE (opportunistic) */
			continue;
		}
		{
			int len = (int)n;
			uint16_t seq;
			uint32_t ssrc;

			if (srtp_unprotect(rx, pkt, &len) != srtp_err_status_ok) {
				bad++;
				continue;
			}
			seq = (uint16_t)(pkt[2] << 8 | pkt[3]);
			ssrc = ntohl(*(uint32_t *)(pkt + 8));
			payload(want, SIZE, ssrc, seq);
			if (len != RTP_HDR + SIZE || memcmp(want, pkt + RTP_HDR, SIZE)) {
				bad++;
				continue;
			}
			if (seen[seq]++) {
				dup++;
				continue;
			}
			recvd++;
			if (send_at == UINT64_MAX)	/* --after-peer: the peer is there */
				send_at = next = now_ms();
		}
	}
	printf("bzrtp_peer: ssrc %08x sent %lu received %lu verified %lu bad %lu duplicate %lu missing %lu"
	       " (clear before SECURE %lu)\n", pe.ssrc, sent, recvd, recvd, bad, dup, count - recvd, clear);
	srtp_dealloc(tx);
	srtp_dealloc(rx);
	if (bz)
		bzrtp_destroyBzrtpContext(bz, pe.ssrc);
	return recvd == count && !bad && !dup ? 0 : 1;
}
