// SPDX-License-Identifier: GPL-2.0
/*
 * make bench-zrtp: complete ZRTP handshakes per second on one core
 * (the Makefile pins with taskset -c 0), ours vs bzrtp 5.1.64, in one run.
 * Both run two endpoints in one process with packets handed over in
 * memory, no cache, one key agreement type each: X255, EC25, DH3k.
 * A handshake = both sides created, Hello..Conf2ACK, both freed.  Both
 * endpoints of each implementation are left to Commit, as bzrtp always
 * does, so both sides of the comparison go through §4.2 contention.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bzrtp/bzrtp.h>
#include "zrtp.h"
#include "zrtp_crypto.h"

static double secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- ours ----------------------------------------------------------------- */

static int ours_once(uint32_t ka)
{
	struct zrtp_config ca = { .ssrc = 1, .role = ZRTP_ROLE_AUTO };
	struct zrtp_config cb = { .ssrc = 2, .role = ZRTP_ROLE_AUTO };
	struct zrtp_session *s[2];
	struct zrtp_output o;
	int secure = 0, confirmed = 0, guard = 0;

	memcpy(ca.zid, "bench-alice1", 12);
	memcpy(cb.zid, "bench-bob--2", 12);
	ca.algs[ZRTP_ALG_KA][0] = cb.algs[ZRTP_ALG_KA][0] = ka;
	ca.nalgs[ZRTP_ALG_KA] = cb.nalgs[ZRTP_ALG_KA] = 1;
	s[0] = zrtp_session_new(&ca);
	s[1] = zrtp_session_new(&cb);
	zrtp_start(s[0], 0);
	zrtp_start(s[1], 0);
	while (!(secure == 2 && confirmed) && guard++ < 1000) {
		for (int i = 0; i < 2; i++) {
			while (zrtp_poll(s[i], 0, &o) != ZRTP_OUT_NONE) {
				if (o.kind == ZRTP_OUT_PACKET)
					zrtp_input(s[!i], 0, o.pkt, o.len);
				else if (o.ev.type == ZRTP_EV_SECURE)
					secure++;
				else if (o.ev.type == ZRTP_EV_CONFIRMED)
					confirmed++;
			}
		}
	}
	zrtp_session_free(s[0]);
	zrtp_session_free(s[1]);
	return secure == 2 ? 0 : -1;
}

/* ---- bzrtp ---------------------------------------------------------------- */

struct bq {
	uint8_t pkt[32][2048];
	uint16_t len[32];
	int n;
};

struct bz_end {
	struct bq q;		/* packets this endpoint sent */
	int started;
};

static int bz_send(void *cd, const uint8_t *p, uint16_t len)
{
	struct bz_end *e = cd;

	if (e->q.n < 32) {
		memcpy(e->q.pkt[e->q.n], p, len);
		e->q.len[e->q.n++] = len;
	}
	return 0;
}

static int bz_start(void *cd, const bzrtpSrtpSecrets_t *s, int32_t v)
{
	((struct bz_end *)cd)->started = 1;
	return 0;
}

static uint8_t bz_negotiated;

static int bz_secrets(void *cd, const bzrtpSrtpSecrets_t *s, uint8_t part)
{
	bz_negotiated = s->keyAgreementAlgo;
	return 0;
}

static const bzrtpCallbacks_t cbs = {
	.bzrtp_sendData = bz_send,
	.bzrtp_startSrtpSession = bz_start,
	.bzrtp_srtpSecretsAvailable = bz_secrets,
};

static int bz_once(uint8_t ka)
{
	bzrtpContext_t *c[2];
	struct bz_end e[2];
	uint32_t ssrc[2] = { 1, 2 };
	uint64_t t = 1000;
	int guard = 0;

	memset(e, 0, sizeof(e));
	for (int i = 0; i < 2; i++) {
		uint8_t k[7] = { ka };

		c[i] = bzrtp_createBzrtpContext();
		bzrtp_setCallbacks(c[i], &cbs);
		bzrtp_setSupportedCryptoTypes(c[i], ZRTP_KEYAGREEMENT_TYPE, k, 1);
		bzrtp_initBzrtpContext(c[i], ssrc[i]);
		bzrtp_setClientData(c[i], ssrc[i], &e[i]);
	}
	bzrtp_startChannelEngine(c[0], ssrc[0]);
	bzrtp_startChannelEngine(c[1], ssrc[1]);
	while (!(e[0].started && e[1].started &&
		 bzrtp_getChannelStatus(c[0], 1) == BZRTP_CHANNEL_SECURE &&
		 bzrtp_getChannelStatus(c[1], 2) == BZRTP_CHANNEL_SECURE) && guard++ < 2000) {
		bool moved = false;

		for (int i = 0; i < 2; i++) {
			struct bq q = e[i].q;

			e[i].q.n = 0;
			for (int j = 0; j < q.n; j++) {
				bzrtp_processMessage(c[!i], ssrc[!i], q.pkt[j], q.len[j]);
				moved = true;
			}
		}
		if (!moved) {
			t += 10;	/* let timers fire if something stalled */
			bzrtp_iterate(c[0], 1, t);
			bzrtp_iterate(c[1], 2, t);
		}
	}
	bzrtp_destroyBzrtpContext(c[0], 1);
	bzrtp_destroyBzrtpContext(c[1], 2);
	return e[0].started && e[1].started ? 0 : -1;
}

static double rate(int (*fn)(uintptr_t), uintptr_t arg, double budget, int *fails)
{
	double t0 = secs(), t;
	int n = 0;

	*fails = 0;
	do {
		if (fn(arg))
			(*fails)++;
		n++;
		t = secs() - t0;
	} while (t < budget);
	return n / t;
}

static int ours_fn(uintptr_t ka) { return ours_once((uint32_t)ka); }
static int bz_fn(uintptr_t ka) { return bz_once((uint8_t)ka); }

int main(int argc, char **argv)
{
	static const struct { const char *name; uint32_t ours; uint8_t bz; } kas[] = {
		{ "X255", ZRTP_X255, ZRTP_KEYAGREEMENT_X255 },
		{ "EC25", ZRTP_EC25, ZRTP_KEYAGREEMENT_EC25 },
		{ "DH3k", ZRTP_DH3K, ZRTP_KEYAGREEMENT_DH3k },
	};
	double budget = argc > 1 ? atof(argv[1]) : 2.0;
	int rc = 0;

	printf("# ZRTP full handshakes per second, one core, two endpoints in one process\n");
	printf("%-6s %14s %14s %8s\n", "ka", "ours hs/s", "bzrtp hs/s", "ratio");
	for (unsigned i = 0; i < sizeof(kas) / sizeof(kas[0]); i++) {
		int fo, fb;
		double ro = rate(ours_fn, kas[i].ours, budget, &fo);
		double rb = rate(bz_fn, kas[i].bz, budget, &fb);

		bz_negotiated = 0;
		bz_once(kas[i].bz);
		printf("%-6s %14.1f %14.1f %7.2fx%s%s%s\n", kas[i].name, ro, rb, ro / rb,
		       fo ? "  (ours: failures!)" : "", fb ? "  (bzrtp: failures!)" : "",
		       bz_negotiated != kas[i].bz ? "  (bzrtp lacks it: negotiated another)" : "");
		if (fo)
			rc = 1;
	}
	return rc;
}
