/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the data-path benchmarks share (tests/bench/kbench.c, gwbench.c):
 * the SRTP profiles under their ksrtp and libsrtp names, the 172-byte RTP
 * packet of one SSRC, UDP sockets in a namespace, batches for
 * sendmmsg/recvmmsg, the guest clock and the guest CPU's crypto flags.
 * Include after ksft_netns.h, and define die() (report and exit).
 */
#ifndef KSRTP_BENCH_H
#define KSRTP_BENCH_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <srtp2/srtp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include <linux/ksrtp.h>

#include "ksft_netns.h"

enum { PKT = 172, BATCH = 32, WARM = 256, BUFLEN = 256 };
#define SSRC 0x4b535250u

static void die(const char *what);

struct profile {
	const char *name;
	uint16_t id;
	int key_len, salt_len, tag;
	void (*set)(srtp_crypto_policy_t *p);
};

static const struct profile profiles[] = {
	{ "AES_CM_128_HMAC_SHA1_80", KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_80, 16, 14, 10,
	  srtp_crypto_policy_set_rtp_default },
	{ "AES_CM_128_HMAC_SHA1_32", KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_32, 16, 14, 4,
	  srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32 },
	{ "AES_256_CM_HMAC_SHA1_80", KSRTP_PROFILE_AES_256_CM_HMAC_SHA1_80, 32, 14, 10,
	  srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80 },
	{ "AES_256_CM_HMAC_SHA1_32", KSRTP_PROFILE_AES_256_CM_HMAC_SHA1_32, 32, 14, 4,
	  srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32 },
	{ "AEAD_AES_128_GCM", KSRTP_PROFILE_AEAD_AES_128_GCM, 16, 12, 16,
	  srtp_crypto_policy_set_aes_gcm_128_16_auth },
	{ "AEAD_AES_256_GCM", KSRTP_PROFILE_AEAD_AES_256_GCM, 32, 12, 16,
	  srtp_crypto_policy_set_aes_gcm_256_16_auth },
};
#define NPROF (int)(sizeof(profiles) / sizeof(profiles[0]))

/*
 * A UDP socket in @netns bound to @ip:@port (and connected to
 * @peer:@peer_port if @peer), 8 MiB buffers, 2 s receive timeout.
 */
static inline int udp_socket(int netns, const char *ip, int port, const char *peer,
			     int peer_port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 2 };
	int fd, big = 8 << 20;

	if (enter(netns))
		die("setns");
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
	a.sin_port = htons(port);
	inet_pton(AF_INET, ip, &a.sin_addr);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)))
		die("bind");
	if (peer) {
		a.sin_port = htons(peer_port);
		inet_pton(AF_INET, peer, &a.sin_addr);
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
			die("connect");
	}
	return fd;
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The application's packets: RTP of SSRC, sequence @seq, 160 bytes payload. */
static inline void make_rtp(uint8_t *b, uint16_t seq)
{
	uint32_t ts = (uint32_t)seq * 160;

	b[0] = 0x80;
	b[1] = 0;	/* PCMU */
	b[2] = seq >> 8; b[3] = (uint8_t)seq;
	b[4] = ts >> 24; b[5] = ts >> 16; b[6] = ts >> 8; b[7] = (uint8_t)ts;
	b[8] = SSRC >> 24; b[9] = (SSRC >> 16) & 0xff;
	b[10] = (SSRC >> 8) & 0xff; b[11] = SSRC & 0xff;
	memset(b + 12, 0xd5 ^ (seq & 0x7f), PKT - 12);	/* PCMU near-silence */
}

/* A batch of BATCH messages, each one iovec of BUFLEN into @buf. */
static inline void mm_init(struct mmsghdr *m, struct iovec *v, uint8_t (*buf)[BUFLEN])
{
	int i;

	for (i = 0; i < BATCH; i++) {
		v[i].iov_base = buf[i];
		v[i].iov_len = BUFLEN;
		memset(&m[i], 0, sizeof(m[i]));
		m[i].msg_hdr.msg_iov = &v[i];
		m[i].msg_hdr.msg_iovlen = 1;
	}
}

/*
 * B checks what it received: clear, or SRTP that @check turns back into the
 * packet of @seq.
 */
static inline bool sink_verify(srtp_t check, const uint8_t *pkt, size_t len, uint16_t seq)
{
	uint8_t want[PKT], buf[BUFLEN];
	int n = (int)len;

	make_rtp(want, seq);
	if (len > sizeof(buf))
		return false;
	memcpy(buf, pkt, len);
	if (check) {
		if (srtp_unprotect(check, buf, &n) != srtp_err_status_ok)
			return false;
	}
	return n == PKT && !memcmp(buf, want, PKT);
}

/* A libsrtp session of profile @p, any SSRC, inbound or outbound. */
static inline srtp_t lsrtp(const struct profile *p, const uint8_t *keysalt, bool inbound)
{
	srtp_policy_t pol;
	srtp_t s;

	memset(&pol, 0, sizeof(pol));
	p->set(&pol.rtp);
	p->set(&pol.rtcp);
	pol.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
	pol.key = (uint8_t *)keysalt;
	pol.window_size = 1024;
	if (srtp_create(&s, &pol) != srtp_err_status_ok) {
		errno = EINVAL;
		die("srtp_create");
	}
	return s;
}

static inline void rnd(uint8_t *p, size_t n)
{
	while (n--)
		*p++ = (uint8_t)rand();
}

/* What the guest CPU offers the kernel's AES, GHASH and SHA-1 drivers. */
static inline void print_cpu(const char *prog)
{
	static const char *const want[] = { "aes", "pclmulqdq", "avx2", "sha_ni" };
	char line[4096];
	FILE *f = fopen("/proc/cpuinfo", "r");
	size_t i;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "flags", 5))
			break;
	fclose(f);
	printf("# %s: guest CPU flags:", prog);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char w[32];

		snprintf(w, sizeof(w), " %s", want[i]);
		printf(" %s=%s", want[i],
		       strstr(line, w) && (strchr(" \n", strstr(line, w)[strlen(w)]) ||
					   !strstr(line, w)[strlen(w)]) ? "yes" : "no");
	}
	printf("\n");
}

#endif
