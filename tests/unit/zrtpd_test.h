/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hosts for zrtpd's native tests: a host is a mock kernel (its flows and
 * keys survive the daemon) plus a zrtpd running on it, in this process.
 * Two hosts talk ZRTP over UDP on 127.0.0.1; the tests drive both loops
 * from one thread with a bounded poll.
 */
#ifndef ZRTPD_TEST_H
#define ZRTPD_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/stat.h>

#include <linux/ksrtp.h>

#include "zrtpd.h"
#include "kernel_mock.h"
#include "util.h"

struct host {
	const char *name;
	char dir[96];
	struct zrtpd_mock *m;
	struct zrtpd_kernel *k;
	struct zrtpd_config cfg;
	struct zrtpd d;
	bool running;
	bool no_media;		/* run_until: this host's applications are silent */
	/* times a session was shown "secure" while its kernel flow still
	 * took clear RTP (or was not SECURE with keys both ways) */
	unsigned int secure_but_clear;
};

/* A private directory for a host's cache, state and socket. */
static inline void host_init(struct host *h, const char *name, const char *tmp)
{
	memset(h, 0, sizeof(*h));
	h->name = name;
	snprintf(h->dir, sizeof(h->dir), "%s/%s", tmp, name);
	mkdir(h->dir, 0700);
	h->m = zrtpd_mock_new();
	zrtpd_config_defaults(&h->cfg);
	snprintf(h->cfg.cache_path, sizeof(h->cfg.cache_path), "%s/cache.db", h->dir);
	snprintf(h->cfg.state_path, sizeof(h->cfg.state_path), "%s/state", h->dir);
	h->cfg.ctl_path[0] = 0;
	/* the tests' two hosts use neighbouring ports on one address: RTCP
	 * muxed unless a test asks for port+1 (zrtpd_rtcp.c) */
	h->cfg.rtcp_mux = true;
	h->cfg.verbose = getenv("ZRTPD_TEST_VERBOSE") ? 3 : 0;
}

static inline int host_start(struct host *h)
{
	int ret = zrtpd_mock_attach(h->m, &h->k);

	if (ret)
		return ret;
	ret = zrtpd_init(&h->d, &h->cfg, h->k);
	h->running = !ret;
	return ret;
}

/* The daemon goes (as if killed); the mock kernel stays. */
static inline void host_stop(struct host *h)
{
	if (!h->running)
		return;
	zrtpd_fini(&h->d);
	h->k->ops->close(h->k);
	h->running = false;
}

static inline void host_free(struct host *h)
{
	host_stop(h);
	zrtpd_mock_free(h->m);
	h->m = NULL;
}

static inline char *test_tmpdir(void)
{
	char *t = strdup("/tmp/zrtpd-test.XXXXXX");

	return mkdtemp(t);
}

static inline void rm_rf(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		return;
}

static inline struct ksrtp_sockaddr lo(uint16_t port)
{
	struct ksrtp_sockaddr a = { .family = AF_INET, .port = port };

	a.addr.v4.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static inline struct ksrtp_flow_info flow_of(uint16_t lport, uint16_t rport)
{
	struct ksrtp_flow_info f = { .local = lo(lport), .remote = lo(rport) };

	return f;
}

/* Ports of this test run: apart from concurrent runs. */
static inline uint16_t test_port(unsigned int i)
{
	return (uint16_t)(20000 + (getpid() % 2000) * 16 + i);
}

typedef bool (*host_cond)(void *arg);

/*
 * Fail closed: a session shown "secure" must have a kernel flow that takes
 * no clear RTP: SECURE mode, keys both ways, RX_TRIAL gone.  Checked on
 * every round of run_until.
 */
static inline void host_check_secure(struct host *h)
{
	unsigned int b;

	if (!h->running)
		return;
	for (b = 0; b < h->d.nbuckets; b++)
		for (struct zrtpd_session *s = h->d.by_id[b]; s; s = s->next_id) {
			struct ksrtp_flow_info kf;
			struct zrtpd_mock_key k;

			if (s->state != ZS_SECURE)
				continue;
			if (zrtpd_mock_accepts_clear(h->m, s->flow.id) ||
			    zrtpd_mock_get_flow(h->m, s->flow.id, &kf) ||
			    kf.mode != KSRTP_FLOW_MODE_SECURE ||
			    zrtpd_mock_get_key(h->m, s->flow.id, KSRTP_KEY_DIR_TX, &k) ||
			    zrtpd_mock_get_key(h->m, s->flow.id, KSRTP_KEY_DIR_RX, &k))
				h->secure_but_clear++;
			/* and its RTCP flow, if it has one of its own */
			else if (s->rtcp.id &&
				 (zrtpd_mock_accepts_clear(h->m, s->rtcp.id) ||
				  zrtpd_mock_get_flow(h->m, s->rtcp.id, &kf) ||
				  kf.mode != KSRTP_FLOW_MODE_SECURE ||
				  zrtpd_mock_get_key(h->m, s->rtcp.id, KSRTP_KEY_DIR_TX, &k) ||
				  zrtpd_mock_get_key(h->m, s->rtcp.id, KSRTP_KEY_DIR_RX, &k)))
				h->secure_but_clear++;
		}
}

/*
 * Runs the loops of the running hosts until cond holds or ms pass.  The
 * hosts' applications talk meanwhile: one RTP packet each way on every
 * flow the two mocks share, per round (kernel_mock.h, zrtpd_mock_media),
 * also on a host whose daemon is down (its kernel still works).
 */
static inline bool run_until(struct host **hs, int n, host_cond cond, void *arg, int ms)
{
	uint64_t end = zrtpd_now_ms() + (uint64_t)ms;

	while (zrtpd_now_ms() < end) {
		for (int i = 0; i < n; i++)
			if (hs[i]->running)
				zrtpd_run_once(&hs[i]->d, 2);
		for (int i = 0; i < n; i++)
			for (int j = 0; j < n; j++)
				if (i != j && !hs[i]->no_media)
					zrtpd_mock_media_all(hs[i]->m, hs[j]->m);
		for (int i = 0; i < n; i++)
			host_check_secure(hs[i]);
		if (cond(arg))
			return true;
	}
	return cond(arg);
}

struct two_sessions {
	struct zrtpd *a, *b;
	uint32_t ida, idb;
	enum zrtpd_sess_state want;
};

static inline bool both_in_state(void *arg)
{
	struct two_sessions *t = arg;
	struct zrtpd_session *a = zrtpd_session_by_id(t->a, t->ida);
	struct zrtpd_session *b = zrtpd_session_by_id(t->b, t->idb);

	return a && b && a->state == t->want && b->state == t->want;
}

#endif
