// SPDX-License-Identifier: GPL-2.0
/*
 * The event loop: one epoll set for the kernel link, the control socket and
 * its clients, and signals; one binary min-heap of session deadlines, so a
 * round costs O(log n) per due timer however many sessions exist.
 */
#include <errno.h>
#include <stddef.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <openssl/rand.h>

#include "zrtpd.h"
#include "util.h"

void zrtpd_log(const struct zrtpd *d, int level, const char *fmt, ...)
{
	va_list ap;

	if (level > d->cfg.verbose)
		return;
	va_start(ap, fmt);
	/* sd-daemon(3) prefixes: 0 warnings and errors, 1 notices, 2+ debug */
	if (d->journal)
		fputs(level <= 0 ? "<4>" : level == 1 ? "<5>" : "<7>", stderr);
	fputs("zrtpd: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* ---- the timer heap ------------------------------------------------------ */

static void heap_swap(struct zrtpd *d, unsigned int a, unsigned int b)
{
	struct zrtpd_session *t = d->heap[a];

	d->heap[a] = d->heap[b];
	d->heap[b] = t;
	d->heap[a]->heap_idx = (int)a;
	d->heap[b]->heap_idx = (int)b;
}

static void heap_up(struct zrtpd *d, unsigned int i)
{
	while (i && d->heap[(i - 1) / 2]->deadline > d->heap[i]->deadline) {
		heap_swap(d, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void heap_down(struct zrtpd *d, unsigned int i)
{
	for (;;) {
		unsigned int l = 2 * i + 1, r = l + 1, m = i;

		if (l < d->nheap && d->heap[l]->deadline < d->heap[m]->deadline)
			m = l;
		if (r < d->nheap && d->heap[r]->deadline < d->heap[m]->deadline)
			m = r;
		if (m == i)
			return;
		heap_swap(d, i, m);
		i = m;
	}
}

static void heap_remove(struct zrtpd *d, struct zrtpd_session *s)
{
	unsigned int i = (unsigned int)s->heap_idx;

	s->heap_idx = -1;
	if (i == --d->nheap)
		return;
	d->heap[i] = d->heap[d->nheap];
	d->heap[i]->heap_idx = (int)i;
	heap_down(d, i);
	heap_up(d, i);
}

/* Puts s where its deadline says (out of the heap if it has none). */
void zrtpd_timer_update(struct zrtpd *d, struct zrtpd_session *s)
{
	if (s->deadline == UINT64_MAX) {
		if (s->heap_idx >= 0)
			heap_remove(d, s);
		return;
	}
	if (s->heap_idx < 0) {
		if (d->nheap == d->heap_cap) {
			unsigned int n = d->heap_cap ? d->heap_cap * 2 : 256;
			struct zrtpd_session **h = realloc(d->heap, n * sizeof(*h));

			if (!h)
				return;	/* the session's timer is lost: it will time out on input */
			d->heap = h;
			d->heap_cap = n;
		}
		s->heap_idx = (int)d->nheap;
		d->heap[d->nheap++] = s;
		heap_up(d, (unsigned int)s->heap_idx);
		return;
	}
	heap_down(d, (unsigned int)s->heap_idx);
	heap_up(d, (unsigned int)s->heap_idx);
}

static void run_timers(struct zrtpd *d)
{
	/* bounded: a session whose engine keeps the same deadline must not spin */
	unsigned int budget = d->nheap + 1;

	while (d->nheap && d->heap[0]->deadline <= d->now && budget--) {
		struct zrtpd_session *s = d->heap[0];

		zrtpd_session_pump(d, s);
		if (s->heap_idx == 0 && s->deadline <= d->now) {
			/* the engine did not move its deadline: drop the timer */
			s->deadline = UINT64_MAX;
			zrtpd_timer_update(d, s);
		}
	}
}

/* ---- setup ----------------------------------------------------------------- */

static int add_fd(struct zrtpd *d, int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };

	return epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

int zrtpd_init(struct zrtpd *d, const struct zrtpd_config *cfg, struct zrtpd_kernel *k)
{
	unsigned int i;
	int ret;

	memset(d, 0, sizeof(*d));
	d->cfg = *cfg;
	d->k = k;
	d->ctl_fd = -1;
	d->sig_fd = -1;
	d->journal = getenv("JOURNAL_STREAM") != NULL;
	d->now = zrtpd_now_ms();
	d->nbuckets = 1 << 14;
	d->by_id = calloc(d->nbuckets, sizeof(*d->by_id));
	d->by_tuple = calloc(d->nbuckets, sizeof(*d->by_tuple));
	d->by_rtcp = calloc(d->nbuckets, sizeof(*d->by_rtcp));
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	ret = -ENOMEM;
	if (!d->by_id || !d->by_tuple || !d->by_rtcp || d->epfd < 0)
		goto err;

	if (cfg->cache_path[0]) {
		char msg[512] = "";

		/* a corrupt file is moved aside and a fresh cache started: a
		 * gateway keeps working, every peer sees one cache mismatch */
		d->cache = zrtp_cache_open_ex(cfg->cache_path, ZRTP_CACHE_RECOVER, msg,
					      sizeof(msg));
		if (msg[0])
			zrtpd_log(d, 0, "%s", msg);
		if (!d->cache) {
			fprintf(stderr, "zrtpd: cannot open the cache %s\n", cfg->cache_path);
			ret = -EIO;
			goto err;
		}
		zrtp_cache_zid(d->cache, d->zid);
	}
	if (cfg->have_zid)
		memcpy(d->zid, cfg->zid, sizeof(d->zid));
	else if (!d->cache && RAND_bytes(d->zid, sizeof(d->zid)) != 1)
		goto err;

	ret = k->ops->listen(k);
	if (ret) {
		fprintf(stderr, "zrtpd: cannot become the ZRTP listener: %s\n", strerror(-ret));
		goto err;
	}
	ret = add_fd(d, k->ops->fd(k), ZP_KERNEL);
	if (ret)
		goto err;
	if (cfg->ctl_path[0]) {
		ret = zrtpd_ctl_open(d);
		if (ret)
			goto err;
	}
	/* sessions first (restart: the kernel's flows), then the watches */
	ret = zrtpd_sessions_resume(d);
	if (ret)
		goto err;
	for (i = 0; i < cfg->nwatches; i++) {
		ret = zrtpd_watch_add(d, &cfg->watches[i]);
		if (ret)
			goto err;
	}
	return 0;
err:
	zrtpd_fini(d);
	return ret < 0 ? ret : -EINVAL;
}

int zrtpd_watch_add(struct zrtpd *d, const struct zrtpd_port_range *r)
{
	uint32_t id;
	int ret;

	if (d->nwatches >= ZRTPD_MAX_WATCHES)
		return -ENOSPC;
	ret = d->k->ops->watch_add(d->k, r->min, r->max, &id);
	if (ret) {
		zrtpd_log(d, 0, "watch %u-%u: %s", r->min, r->max, strerror(-ret));
		return ret;
	}
	d->watch_ids[d->nwatches] = id;
	d->watches[d->nwatches++] = *r;
	zrtpd_log(d, 1, "watching UDP ports %u-%u", r->min, r->max);
	return 0;
}

int zrtpd_watch_del(struct zrtpd *d, const struct zrtpd_port_range *r)
{
	unsigned int i;
	int ret;

	for (i = 0; i < d->nwatches; i++) {
		if (d->watches[i].min != r->min || d->watches[i].max != r->max)
			continue;
		ret = d->k->ops->watch_del(d->k, d->watch_ids[i]);
		d->nwatches--;
		d->watches[i] = d->watches[d->nwatches];
		d->watch_ids[i] = d->watch_ids[d->nwatches];
		return ret;
	}
	return -ENOENT;
}

void zrtpd_fini(struct zrtpd *d)
{
	unsigned int i;

	/* watches belong to this daemon; flows and keys stay in the kernel */
	for (i = 0; i < d->nwatches; i++)
		if (d->k)
			d->k->ops->watch_del(d->k, d->watch_ids[i]);
	d->nwatches = 0;
	zrtpd_ctl_close(d);
	zrtpd_sessions_free(d);
	free(d->by_id);
	free(d->by_tuple);
	free(d->by_rtcp);
	free(d->heap);
	d->by_id = d->by_tuple = d->by_rtcp = NULL;
	d->heap = NULL;
	if (d->cache)
		zrtp_cache_close(d->cache);
	d->cache = NULL;
	if (d->sig_fd >= 0)
		close(d->sig_fd);
	if (d->epfd >= 0)
		close(d->epfd);
	d->epfd = d->sig_fd = -1;
	zrtpd_wipe(&d->out, sizeof(d->out));
}

/* ---- the loop ------------------------------------------------------------- */

int zrtpd_run_once(struct zrtpd *d, int max_wait_ms)
{
	struct epoll_event evs[64];
	int timeout = max_wait_ms, n, i, ret;

	d->now = zrtpd_now_ms();
	run_timers(d);
	if (d->cfg.idle_timeout && d->now >= d->next_gc) {
		uint64_t every = d->cfg.idle_timeout * 1000ULL / 4;

		zrtpd_sessions_gc(d);
		d->next_gc = d->now + (every < 1000 ? 1000 : every > 30000 ? 30000 : every);
	}
	if (d->cfg.idle_timeout) {
		int t = d->next_gc <= d->now ? 0 : (int)(d->next_gc - d->now);

		if (timeout < 0 || t < timeout)
			timeout = t;
	}
	if (d->clients) {
		int t = zrtpd_ctl_sweep(d);

		if (t >= 0 && (timeout < 0 || t < timeout))
			timeout = t;
	}
	if (d->nheap) {
		uint64_t due = d->heap[0]->deadline;
		int t = due <= d->now ? 0 : (int)(due - d->now > 60000 ? 60000 : due - d->now);

		if (timeout < 0 || t < timeout)
			timeout = t;
	}
	n = epoll_wait(d->epfd, evs, 64, timeout);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	d->now = zrtpd_now_ms();
	for (i = 0; i < n; i++) {
		uint64_t tag = evs[i].data.u64;

		switch (tag) {
		case ZP_KERNEL:
			ret = d->k->ops->dispatch(d->k, zrtpd_kernel_event, d);
			if (ret && ret != -EAGAIN)
				zrtpd_log(d, 0, "kernel link: %s", strerror(-ret));
			break;
		case ZP_CTL:
			zrtpd_ctl_accept(d);
			break;
		case ZP_SIGNAL: {
			struct signalfd_siginfo si;

			if (read(d->sig_fd, &si, sizeof(si)) != sizeof(si))
				break;
			if (si.ssi_signo != SIGHUP)
				d->stop = true;
			else if (d->reload)
				d->reload(d);
			break;
		}
		default:
			zrtpd_ctl_client_io(d, (struct zrtpd_client *)(uintptr_t)tag,
					    evs[i].events);
			break;
		}
	}
	run_timers(d);
	if (d->nreap)
		zrtpd_sessions_reap(d);
	return 0;
}

#define CHANGED(f) (memcmp(&d->cfg.f, &n->f, sizeof(n->f)) != 0)

void zrtpd_reconfigure(struct zrtpd *d, const struct zrtpd_config *n)
{
	static const struct {
		const char *name;
		size_t off, len;
	} fixed[] = {
#define F(key, f) { key, offsetof(struct zrtpd_config, f), sizeof(((struct zrtpd_config *)0)->f) }
		F("cache", cache_path), F("state-file", state_path), F("zid", have_zid),
		F("zid", zid), F("watch", watches), F("watch", nwatches),
		F("control-socket", ctl_path), F("control-mode", ctl_mode),
		F("control-group", ctl_gid), F("kernel", kernel), F("test-drop", test_drop),
#undef F
	};
	const char *last = NULL;
	unsigned int i;

	/* These need a restart (which keeps the calls: flows and keys stay in
	 * the kernel and are resumed): say so, keep the running value. */
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (!memcmp((const char *)&d->cfg + fixed[i].off,
			    (const char *)n + fixed[i].off, fixed[i].len) ||
		    (last && !strcmp(last, fixed[i].name)))
			continue;
		last = fixed[i].name;
		zrtpd_log(d, 0, "reload: '%s' changed; it takes effect at the next restart",
			  fixed[i].name);
	}
	if (CHANGED(algs) || CHANGED(nalgs) || CHANGED(client_id) || CHANGED(policy) ||
	    CHANGED(max_handshakes) || CHANGED(idle_timeout) || CHANGED(switch_timeout) ||
	    CHANGED(handshake_timeout) || CHANGED(max_sessions) || CHANGED(max_per_source) ||
	    CHANGED(max_dh_rate) || CHANGED(max_unverified) || CHANGED(verbose)) {
		memcpy(d->cfg.algs, n->algs, sizeof(n->algs));
		memcpy(d->cfg.nalgs, n->nalgs, sizeof(n->nalgs));
		memcpy(d->cfg.client_id, n->client_id, sizeof(n->client_id));
		d->cfg.policy = n->policy;
		d->cfg.max_handshakes = n->max_handshakes;
		d->cfg.idle_timeout = n->idle_timeout;
		d->cfg.switch_timeout = n->switch_timeout;
		d->cfg.handshake_timeout = n->handshake_timeout;
		d->cfg.max_sessions = n->max_sessions;
		d->cfg.max_per_source = n->max_per_source;
		d->cfg.max_dh_rate = n->max_dh_rate;
		d->cfg.max_unverified = n->max_unverified;
		d->cfg.verbose = n->verbose;
		zrtpd_log(d, 0, "reload: applied: algorithms and policy to new sessions (the %u in "
			  "progress keep theirs), limits and timeouts from now on", d->nsessions);
	} else {
		zrtpd_log(d, 1, "reload: nothing to change");
	}
}

int zrtpd_run(struct zrtpd *d)
{
	sigset_t set;
	int ret;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	d->sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (d->sig_fd < 0 || add_fd(d, d->sig_fd, ZP_SIGNAL))
		return -errno;
	while (!d->stop) {
		ret = zrtpd_run_once(d, -1);
		if (ret)
			return ret;
	}
	zrtpd_log(d, 1, "stopping; %u sessions stay in the kernel", d->nsessions);
	return 0;
}
