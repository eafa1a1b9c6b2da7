// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * SRTP core vs libsrtp 2.5: cost per packet, per profile, for 172-byte
 * (20 ms G.711 + header) and 1200-byte (video) RTP packets, protect and
 * unprotect, same keys and same packets for both.
 *
 *   srtp_bench time    native ns/packet, one line per case
 *   srtp_bench count   the same loops with callgrind collection toggled
 *                      around each measured loop and one dump per case
 *                      (run under valgrind --tool=callgrind
 *                      --collect-atstart=no; tools/bench/srtp_bench.sh
 *                      divides by the packet count)
 * Lines: "<impl> <profile> <size> <op> <value>".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <srtp2/srtp.h>
#include <valgrind/callgrind.h>

#include "srtp_openssl.h"

/* the libsrtp build this binary is linked with (srtp_bench: Debian's, on
 * NSS; srtp_bench_ossl: Debian's source built on OpenSSL) */
#ifndef LIBSRTP_NAME
#define LIBSRTP_NAME "libsrtp"
#endif

enum { BATCH = 512, COUNT_PKTS = 256 };

static const enum ksrtp_profile profiles[] = {
	KSRTP_AES_CM_128_HMAC_SHA1_80, KSRTP_AES_CM_128_HMAC_SHA1_32,
	KSRTP_AES_256_CM_HMAC_SHA1_80, KSRTP_AES_256_CM_HMAC_SHA1_32,
	KSRTP_AEAD_AES_128_GCM, KSRTP_AEAD_AES_256_GCM,
};
static const unsigned int sizes[] = { 172, 1200 };

static void lib_policy(enum ksrtp_profile p, srtp_policy_t *pol)
{
	switch (p) {
	case KSRTP_AES_CM_128_HMAC_SHA1_80:
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol->rtp);
		break;
	case KSRTP_AES_CM_128_HMAC_SHA1_32:
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&pol->rtp);
		break;
	case KSRTP_AES_256_CM_HMAC_SHA1_80:
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&pol->rtp);
		break;
	case KSRTP_AES_256_CM_HMAC_SHA1_32:
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32(&pol->rtp);
		break;
	case KSRTP_AEAD_AES_128_GCM:
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol->rtp);
		break;
	case KSRTP_AEAD_AES_256_GCM:
		srtp_crypto_policy_set_aes_gcm_256_16_auth(&pol->rtp);
		break;
	}
	pol->rtcp = pol->rtp;
}

static srtp_t lib_session(enum ksrtp_profile p, u8 *key, bool inbound)
{
	srtp_policy_t pol;
	srtp_t s = NULL;

	memset(&pol, 0, sizeof(pol));
	lib_policy(p, &pol);
	pol.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
	pol.key = key;
	pol.window_size = 128;
	if (srtp_create(&s, &pol) != srtp_err_status_ok) {
		fprintf(stderr, "libsrtp: srtp_create failed\n");
		exit(1);
	}
	return s;
}

struct side {
	struct ksrtp_ctx *tx, *rx;
	srtp_t ltx, lrx;
	bool lib;
};

static int do_protect(struct side *s, u8 *b, unsigned int *n)
{
	int ln = (int)*n, r;

	if (!s->lib)
		return ksrtp_protect(s->tx, b, n, 1300);
	r = srtp_protect(s->ltx, b, &ln);
	*n = (unsigned int)ln;
	return r;
}

static int do_unprotect(struct side *s, u8 *b, unsigned int *n)
{
	int ln = (int)*n, r;

	if (!s->lib)
		return ksrtp_unprotect(s->rx, b, n);
	r = srtp_unprotect(s->lrx, b, &ln);
	*n = (unsigned int)ln;
	return r;
}

static u8 pkts[BATCH][1300];
static unsigned int lens[BATCH];

static void make_tmpl(u8 *t, unsigned int size)
{
	unsigned int i;

	memset(t, 0, size);
	t[0] = 0x80;
	t[1] = 96;
	t[8] = 0x12;
	t[9] = 0x34;
	t[10] = 0x56;
	t[11] = 0x78;
	for (i = 12; i < size; i++)
		t[i] = (u8)(i * 7);
}

/* Protect then unprotect @npk packets, timing or counting each loop. */
static void run_batch(struct side *s, const u8 *tmpl, unsigned int size,
		      u16 *seq, unsigned int npk, bool count,
		      double *t_prot, double *t_unprot)
{
	struct timespec a, b;
	unsigned int i;

	if (count)
		CALLGRIND_TOGGLE_COLLECT;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < npk; i++) {
		memcpy(pkts[i], tmpl, size);
		pkts[i][2] = *seq >> 8;
		pkts[i][3] = (u8)*seq;
		(*seq)++;
		lens[i] = size;
		if (do_protect(s, pkts[i], &lens[i])) {
			fprintf(stderr, "protect failed\n");
			exit(1);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (count) {
		CALLGRIND_TOGGLE_COLLECT;
		return;
	}
	*t_prot += (b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < npk; i++) {
		if (do_unprotect(s, pkts[i], &lens[i]) || lens[i] != size) {
			fprintf(stderr, "unprotect failed\n");
			exit(1);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	*t_unprot += (b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec);
}

/* Unprotect only, counted (the protect above was not). */
static void count_unprotect(struct side *s, unsigned int size, unsigned int npk)
{
	unsigned int i;

	CALLGRIND_TOGGLE_COLLECT;
	for (i = 0; i < npk; i++)
		if (do_unprotect(s, pkts[i], &lens[i]) || lens[i] != size)
			exit(1);
	CALLGRIND_TOGGLE_COLLECT;
}

int main(int argc, char **argv)
{
	bool count = argc > 1 && !strcmp(argv[1], "count");
	static u8 key[64];
	u8 tmpl[1300];
	unsigned int pi, si, impl, i;
	char label[128];

	if (argc < 2 || (!count && strcmp(argv[1], "time"))) {
		fprintf(stderr, "usage: %s time|count\n", argv[0]);
		return 2;
	}
	if (srtp_init() != srtp_err_status_ok)
		return 1;
	for (i = 0; i < sizeof(key); i++)
		key[i] = (u8)(i * 37 + 11);

	for (pi = 0; pi < sizeof(profiles) / sizeof(profiles[0]); pi++) {
		enum ksrtp_profile p = profiles[pi];
		unsigned int kl = ksrtp_profile_key_len(p);
		unsigned int sl = ksrtp_profile_salt_len(p);

		for (si = 0; si < 2; si++) {
			make_tmpl(tmpl, sizes[si]);
			for (impl = 0; impl < 2; impl++) {
				struct side s = { .lib = impl == 1 };
				const char *name = impl ? LIBSRTP_NAME : "ours";
				double tp = 0, tu = 0;
				unsigned int rounds, r;
				u16 seq = 1;

				s.tx = ksrtp_ctx_new(p, key, kl, key + kl, sl,
						     NULL, NULL);
				s.rx = ksrtp_ctx_new(p, key, kl, key + kl, sl,
						     NULL, NULL);
				s.ltx = lib_session(p, key, false);
				s.lrx = lib_session(p, key, true);
				/* Warm up: first packets create streams. */
				run_batch(&s, tmpl, sizes[si], &seq, 64, false,
					  &tp, &tu);
				if (count) {
					run_batch(&s, tmpl, sizes[si], &seq,
						  COUNT_PKTS, true, NULL, NULL);
					snprintf(label, sizeof(label),
						 "%s %s %u protect %u", name,
						 ksrtp_profile_name(p),
						 sizes[si], COUNT_PKTS);
					CALLGRIND_DUMP_STATS_AT(label);
					count_unprotect(&s, sizes[si],
							COUNT_PKTS);
					snprintf(label, sizeof(label),
						 "%s %s %u unprotect %u", name,
						 ksrtp_profile_name(p),
						 sizes[si], COUNT_PKTS);
					CALLGRIND_DUMP_STATS_AT(label);
				} else {
					tp = tu = 0;
					rounds = sizes[si] > 500 ? 60 : 150;
					for (r = 0; r < rounds; r++)
						run_batch(&s, tmpl, sizes[si],
							  &seq, BATCH, false,
							  &tp, &tu);
					printf("%s %s %u protect %.1f\n", name,
					       ksrtp_profile_name(p), sizes[si],
					       tp / (rounds * BATCH));
					printf("%s %s %u unprotect %.1f\n", name,
					       ksrtp_profile_name(p), sizes[si],
					       tu / (rounds * BATCH));
				}
				ksrtp_ctx_free(s.tx);
				ksrtp_ctx_free(s.rx);
				srtp_dealloc(s.ltx);
				srtp_dealloc(s.lrx);
			}
		}
	}
	return 0;
}
