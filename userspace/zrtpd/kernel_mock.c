// SPDX-License-Identifier: GPL-2.0
/*
 * The mock kernel link: flows, keys and watches in memory, ZRTP over real
 * UDP sockets on the flows' local addresses.  See kernel_mock.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <linux/ksrtp.h>

#include "kernel_mock.h"
#include "util.h"

enum { MOCK_BUCKETS = 1 << 14, MOCK_MAX_WATCH_PORTS = 256, MOCK_MAX_WATCHES = 64,
       MOCK_MAX_EVENTS = 1024 };

/* One UDP socket per local address:port in use, shared by flows and watches. */
struct mock_port {
	struct ksrtp_sockaddr addr;
	int fd;
	unsigned int refs;
	struct mock_port *next;
};

struct mock_flow {
	struct ksrtp_flow_info info;
	struct zrtpd_mock_key keys[2][2];	/* [dir][slot] */
	uint8_t active[2];			/* [dir]: the active slot */
	struct mock_port *port;
	uint64_t zrtp_rx, zrtp_tx;
	uint64_t c[KSRTP_NL_NSTATS];		/* media counters (zrtpd_mock_media) */
	bool secured_sent;			/* FLOW_SECURED raised */
	uint32_t relay, peer;			/* a relay's leg: its id, the other leg */
	bool leg_a;
	struct mock_flow *next;			/* tuple hash chain */
};

struct mock_watch {
	uint32_t id;
	uint16_t min, max;
};

struct zrtpd_mock {
	int epfd;			/* every port socket and evfd */
	int evfd;			/* pending synthetic events */
	struct mock_flow **by_id;	/* index: id */
	uint32_t nids, next_id;
	unsigned int nflows;
	struct mock_flow *by_tuple[MOCK_BUCKETS];
	struct mock_port *ports[MOCK_BUCKETS];
	struct mock_watch watches[MOCK_MAX_WATCHES];
	unsigned int nwatches;
	uint32_t next_watch_id;
	uint32_t next_relay_id;
	zrtpd_kevent *pending;		/* synthetic events (RTP seen) */
	unsigned int npending;
	bool blackhole;
	uint64_t swaps;			/* KEY_SWAPs (tests) */
	bool no_secured_event;		/* a kernel before API 3 */
	unsigned int garbled;		/* SRTP delivered to an application as clear */
	char drop_type[9];		/* ZRTP message type dropped on xmit */
	unsigned int fail_key_new;	/* the n-th next key_new fails (1: the next) */
	uint64_t sent_type, dropped_type;	/* packets of drop_type / count_type */
	char count_type[9];
	char err[128];
};

struct mock_link {
	struct zrtpd_kernel k;
	struct zrtpd_mock *m;
	zrtpd_kevent ev;		/* scratch: large */
};

static unsigned int tuple_hash(const struct ksrtp_sockaddr *l, const struct ksrtp_sockaddr *r)
{
	unsigned int h = zrtpd_sa_hash(l) * 31 + (r ? zrtpd_sa_hash(r) : 0);

	return h & (MOCK_BUCKETS - 1);
}

static struct mock_flow *find_tuple(struct zrtpd_mock *m, const struct ksrtp_sockaddr *l,
				    const struct ksrtp_sockaddr *r)
{
	struct mock_flow *f;

	for (f = m->by_tuple[tuple_hash(l, r)]; f; f = f->next)
		if (zrtpd_sa_equal(&f->info.local, l) && zrtpd_sa_equal(&f->info.remote, r))
			return f;
	return NULL;
}

static struct mock_flow *find_flow(struct zrtpd_mock *m, const struct ksrtp_flow_info *f)
{
	if (f->id)
		return f->id < m->nids ? m->by_id[f->id] : NULL;
	return find_tuple(m, &f->local, &f->remote);
}

static struct mock_port *port_get(struct zrtpd_mock *m, const struct ksrtp_sockaddr *a)
{
	unsigned int h = tuple_hash(a, NULL);
	struct epoll_event ev = { .events = EPOLLIN };
	struct sockaddr_storage ss;
	struct mock_port *p;
	socklen_t sl;

	for (p = m->ports[h]; p; p = p->next)
		if (zrtpd_sa_equal(&p->addr, a)) {
			p->refs++;
			return p;
		}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->addr = *a;
	p->fd = socket(a->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (p->fd < 0)
		goto err;
	sl = zrtpd_sa_to_sockaddr(a, &ss);
	if (bind(p->fd, (struct sockaddr *)&ss, sl) < 0) {
		snprintf(m->err, sizeof(m->err), "mock: cannot bind local port %u: %s",
			 a->port, strerror(errno));
		close(p->fd);
		goto err;
	}
	ev.data.ptr = p;
	if (epoll_ctl(m->epfd, EPOLL_CTL_ADD, p->fd, &ev) < 0) {
		close(p->fd);
		goto err;
	}
	p->refs = 1;
	p->next = m->ports[h];
	m->ports[h] = p;
	return p;
err:
	free(p);
	return NULL;
}

static void port_put(struct zrtpd_mock *m, struct mock_port *p)
{
	struct mock_port **pp;

	if (!p || --p->refs)
		return;
	for (pp = &m->ports[tuple_hash(&p->addr, NULL)]; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	epoll_ctl(m->epfd, EPOLL_CTL_DEL, p->fd, NULL);
	close(p->fd);
	free(p);
}

struct zrtpd_mock *zrtpd_mock_new(void)
{
	struct zrtpd_mock *m = calloc(1, sizeof(*m));
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };

	if (!m)
		return NULL;
	m->next_id = 1;
	m->next_watch_id = 1;
	m->epfd = epoll_create1(EPOLL_CLOEXEC);
	m->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	m->pending = calloc(MOCK_MAX_EVENTS, sizeof(*m->pending));
	if (m->epfd < 0 || m->evfd < 0 || !m->pending ||
	    epoll_ctl(m->epfd, EPOLL_CTL_ADD, m->evfd, &ev) < 0) {
		zrtpd_mock_free(m);
		return NULL;
	}
	return m;
}

void zrtpd_mock_free(struct zrtpd_mock *m)
{
	uint32_t i;

	if (!m)
		return;
	for (i = 0; i < m->nids; i++) {
		if (!m->by_id[i])
			continue;
		port_put(m, m->by_id[i]->port);
		zrtpd_wipe(m->by_id[i], sizeof(*m->by_id[i]));
		free(m->by_id[i]);
	}
	free(m->by_id);
	for (i = 0; i < MOCK_BUCKETS; i++)
		while (m->ports[i]) {
			m->ports[i]->refs = 1;
			port_put(m, m->ports[i]);
		}
	free(m->pending);
	if (m->evfd >= 0)
		close(m->evfd);
	if (m->epfd >= 0)
		close(m->epfd);
	free(m);
}

static struct zrtpd_mock *M(struct zrtpd_kernel *k)
{
	return ((struct mock_link *)k)->m;
}

static void mock_close(struct zrtpd_kernel *k)
{
	free(k);
}

static int mock_fd(struct zrtpd_kernel *k)
{
	return M(k)->epfd;
}

static int mock_listen(struct zrtpd_kernel *k)
{
	return 0;
}

static bool watched(struct zrtpd_mock *m, uint16_t port)
{
	unsigned int i;

	for (i = 0; i < m->nwatches; i++)
		if (port >= m->watches[i].min && port <= m->watches[i].max)
			return true;
	return false;
}

static int push_event(struct zrtpd_mock *m, const zrtpd_kevent *ev)
{
	uint64_t one = 1;

	if (m->npending >= MOCK_MAX_EVENTS)
		return -ENOBUFS;
	m->pending[m->npending++] = *ev;
	if (write(m->evfd, &one, sizeof(one)) < 0)
		return -errno;
	return 0;
}

static int read_port(struct mock_link *l, struct mock_port *p, zrtpd_kevent_cb cb, void *arg)
{
	struct zrtpd_mock *m = l->m;
	zrtpd_kevent *ev = &l->ev;
	struct sockaddr_storage ss;
	struct ksrtp_sockaddr from;
	struct mock_flow *f;
	int ret, n;

	for (n = 0; n < 64; n++) {
		socklen_t sl = sizeof(ss);
		ssize_t len = recvfrom(p->fd, ev->pkt, sizeof(ev->pkt), 0,
				       (struct sockaddr *)&ss, &sl);

		if (len < 0)
			return errno == EAGAIN ? 0 : -errno;
		if (len < 8 || ev->pkt[0] != 0x10 || memcmp(ev->pkt + 4, "ZRTP", 4))
			continue;	/* the mock carries only ZRTP */
		zrtpd_sa_from_sockaddr(&ss, &from);
		memset(&ev->flow, 0, sizeof(ev->flow));
		ev->len = (size_t)len;
		ev->flow.local = p->addr;
		ev->flow.remote = from;
		f = find_tuple(m, &p->addr, &from);
		if (f) {
			f->zrtp_rx++;
			ev->flow = f->info;
		} else if (watched(m, p->addr.port)) {
			/* unknown 4-tuple on a watch: announce it, and pass
			 * the packet on with no flow id (ksrtp.h, WATCH) */
			ev->cmd = KSRTP_CMD_FLOW_SEEN;
			ev->kind = KSRTP_EVENT_ZRTP_IN;
			ret = cb(ev, arg);
			if (ret)
				return ret;
		} else {
			continue;
		}
		ev->cmd = KSRTP_CMD_ZRTP_RECV;
		ret = cb(ev, arg);
		if (ret)
			return ret;
	}
	return 0;
}

static int mock_dispatch(struct zrtpd_kernel *k, zrtpd_kevent_cb cb, void *arg)
{
	struct mock_link *l = (struct mock_link *)k;
	struct zrtpd_mock *m = l->m;
	struct epoll_event evs[64];
	int n, i, ret;

	n = epoll_wait(m->epfd, evs, 64, 0);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (i = 0; i < n; i++) {
		if (!evs[i].data.ptr) {
			uint64_t v;
			unsigned int j, np;

			if (read(m->evfd, &v, sizeof(v)) < 0 && errno != EAGAIN)
				return -errno;
			np = m->npending;
			m->npending = 0;
			for (j = 0; j < np; j++) {
				ret = cb(&m->pending[j], arg);
				if (ret)
					return ret;
			}
			continue;
		}
		ret = read_port(l, evs[i].data.ptr, cb, arg);
		if (ret)
			return ret;
	}
	return 0;
}

static int mock_flow_dump(struct zrtpd_kernel *k,
			  int (*cb)(const struct ksrtp_flow_info *f, void *arg), void *arg)
{
	struct zrtpd_mock *m = M(k);
	uint32_t i;

	for (i = 0; i < m->nids; i++)
		if (m->by_id[i] && cb(&m->by_id[i]->info, arg))
			break;
	return 0;
}

static int mock_flow_add(struct zrtpd_kernel *k, const struct ksrtp_flow_info *req,
			 struct ksrtp_flow_info *out)
{
	struct zrtpd_mock *m = M(k);
	struct mock_flow *f;
	unsigned int h;

	m->err[0] = 0;
	if (!req->local.port || !req->remote.port || req->local.family != req->remote.family)
		return -EINVAL;
	if (find_tuple(m, &req->local, &req->remote))
		return -EEXIST;
	if (m->next_id >= m->nids) {
		uint32_t n = m->nids ? m->nids * 2 : 64;
		struct mock_flow **a = realloc(m->by_id, n * sizeof(*a));

		if (!a)
			return -ENOMEM;
		memset(a + m->nids, 0, (n - m->nids) * sizeof(*a));
		m->by_id = a;
		m->nids = n;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->port = port_get(m, &req->local);
	if (!f->port) {
		free(f);
		return -EADDRINUSE;
	}
	f->info = *req;
	f->info.id = m->next_id++;
	m->by_id[f->info.id] = f;
	h = tuple_hash(&f->info.local, &f->info.remote);
	f->next = m->by_tuple[h];
	m->by_tuple[h] = f;
	m->nflows++;
	if (out)
		*out = f->info;
	return 0;
}

static int mock_flow_del(struct zrtpd_kernel *k, const struct ksrtp_flow_info *req)
{
	struct zrtpd_mock *m = M(k);
	struct mock_flow *f = find_flow(m, req), **pp;

	if (!f)
		return -ENOENT;
	for (pp = &m->by_tuple[tuple_hash(&f->info.local, &f->info.remote)]; *pp; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	if (f->relay)	/* as the kernel: a leg's deletion ends its relay */
		m->by_id[f->peer]->relay = 0;
	m->by_id[f->info.id] = NULL;
	m->nflows--;
	port_put(m, f->port);
	zrtpd_wipe(f, sizeof(*f));
	free(f);
	return 0;
}

static int mock_flow_set(struct zrtpd_kernel *k, const struct ksrtp_flow_info *req)
{
	struct mock_flow *f = find_flow(M(k), req);

	if (!f)
		return -ENOENT;
	if (req->mode > KSRTP_FLOW_MODE_MAX || (req->policy & ~KSRTP_POLICY_MASK))
		return -EINVAL;
	f->info.mode = req->mode;
	f->info.policy = req->policy;
	return 0;
}

static int mock_key_new(struct zrtpd_kernel *k, struct ksrtp_key_req *req)
{
	struct ksrtp_flow_info name = { .id = req->flow_id };
	struct mock_flow *f = find_flow(M(k), &name);
	struct zrtpd_mock_key *key;
	int ret = -ENOENT;

	if (!f)
		goto out;
	if (M(k)->fail_key_new && !--M(k)->fail_key_new) {
		ret = -ENOMEM;
		snprintf(M(k)->err, sizeof(M(k)->err), "mock: key installation failed (test hook)");
		goto out;
	}
	ret = -EINVAL;
	if (req->dir > 1 || req->slot > 1 || (req->key_len != 16 && req->key_len != 32) ||
	    (req->salt_len != 14 && req->salt_len != 12))
		goto out;
	key = &f->keys[req->dir][req->slot];
	/* the slot just written becomes active if the direction had none */
	if (!f->keys[req->dir][f->active[req->dir]].set)
		f->active[req->dir] = req->slot;
	key->set = true;
	key->profile = req->profile;
	key->key_len = req->key_len;
	key->salt_len = req->salt_len;
	memcpy(key->key, req->key, req->key_len);
	memcpy(key->salt, req->salt, req->salt_len);
	ret = 0;
out:
	zrtpd_wipe(req->key, sizeof(req->key));
	zrtpd_wipe(req->salt, sizeof(req->salt));
	return ret;
}

static int mock_key_del(struct zrtpd_kernel *k, uint32_t flow_id, uint8_t dir, uint8_t slot)
{
	struct ksrtp_flow_info name = { .id = flow_id };
	struct mock_flow *f = find_flow(M(k), &name);

	if (!f || dir > 1 || slot > 1 || !f->keys[dir][slot].set)
		return -ENOENT;
	zrtpd_wipe(&f->keys[dir][slot], sizeof(f->keys[dir][slot]));
	if (f->active[dir] == slot && f->keys[dir][!slot].set)
		f->active[dir] = !slot;
	return 0;
}

static int mock_key_swap(struct zrtpd_kernel *k, uint32_t flow_id, uint8_t dir)
{
	struct ksrtp_flow_info name = { .id = flow_id };
	struct mock_flow *f = find_flow(M(k), &name);

	if (!f || dir > 1 || !f->keys[dir][!f->active[dir]].set)
		return -ENOENT;
	f->active[dir] = !f->active[dir];
	M(k)->swaps++;
	return 0;
}

static int mock_zrtp_xmit(struct zrtpd_kernel *k, const struct ksrtp_flow_info *req,
			  const uint8_t *pkt, size_t len)
{
	struct zrtpd_mock *m = M(k);
	struct mock_flow *f = find_flow(m, req);
	struct sockaddr_storage ss;
	socklen_t sl;

	if (!f)
		return -ENOENT;
	if (len < 12 || len > 1500)
		return -EINVAL;
	f->zrtp_tx++;
	if (m->count_type[0] && len >= 24 && !memcmp(pkt + 16, m->count_type, 8))
		m->sent_type++;
	if (m->drop_type[0] && len >= 24 && !memcmp(pkt + 16, m->drop_type, 8)) {
		m->dropped_type++;
		return 0;
	}
	if (m->blackhole)
		return 0;
	sl = zrtpd_sa_to_sockaddr(&f->info.remote, &ss);
	if (sendto(f->port->fd, pkt, len, 0, (struct sockaddr *)&ss, sl) < 0 &&
	    errno != ECONNREFUSED && errno != EAGAIN)
		return -errno;
	return 0;
}

static int mock_watch_add(struct zrtpd_kernel *k, uint16_t min, uint16_t max, uint32_t *id)
{
	struct zrtpd_mock *m = M(k);
	struct ksrtp_sockaddr a = { .family = AF_INET };
	unsigned int p;

	if (!min || max < min)
		return -EINVAL;
	if (m->nwatches >= MOCK_MAX_WATCHES)
		return -ENOSPC;
	m->watches[m->nwatches].id = m->next_watch_id++;
	m->watches[m->nwatches].min = min;
	m->watches[m->nwatches].max = max;
	*id = m->watches[m->nwatches].id;
	m->nwatches++;
	/* a mock watch hears ZRTP on 127.0.0.1 for its first ports only */
	a.addr.v4.s_addr = htonl(INADDR_LOOPBACK);
	for (p = min; p <= max && p < (unsigned int)min + MOCK_MAX_WATCH_PORTS; p++) {
		a.port = (uint16_t)p;
		port_get(m, &a);
	}
	return 0;
}

static int mock_watch_del(struct zrtpd_kernel *k, uint32_t id)
{
	struct zrtpd_mock *m = M(k);
	struct ksrtp_sockaddr a = { .family = AF_INET };
	unsigned int i, p;

	for (i = 0; i < m->nwatches; i++) {
		struct mock_watch w = m->watches[i];

		if (w.id != id)
			continue;
		m->watches[i] = m->watches[--m->nwatches];
		a.addr.v4.s_addr = htonl(INADDR_LOOPBACK);
		for (p = w.min; p <= w.max && p < (unsigned int)w.min + MOCK_MAX_WATCH_PORTS; p++) {
			struct mock_port *mp;

			a.port = (uint16_t)p;
			for (mp = m->ports[tuple_hash(&a, NULL)]; mp; mp = mp->next)
				if (zrtpd_sa_equal(&mp->addr, &a)) {
					port_put(m, mp);
					break;
				}
		}
		return 0;
	}
	return -ENOENT;
}

static int mock_stats_get(struct zrtpd_kernel *k, const struct ksrtp_flow_info *req,
			  struct ksrtp_flow_stats *out)
{
	struct mock_flow *f = find_flow(M(k), req);
	unsigned int d, s;

	if (!f)
		return -ENOENT;
	memset(out, 0, sizeof(*out));
	out->flow = f->info;
	memcpy(out->c, f->c, sizeof(out->c));
	out->c[KSRTP_A_STATS_ZRTP_RX] = f->zrtp_rx;
	out->c[KSRTP_A_STATS_ZRTP_TX] = f->zrtp_tx;
	for (d = 0; d < 2; d++)
		for (s = 0; s < 2; s++) {
			if (!f->keys[d][s].set)
				continue;
			out->keys[out->nkeys].dir = (uint8_t)d;
			out->keys[out->nkeys].slot = (uint8_t)s;
			out->keys[out->nkeys].active = s == 0;
			out->keys[out->nkeys].profile = f->keys[d][s].profile;
			out->nkeys++;
		}
	return 0;
}

static const char *mock_err_msg(struct zrtpd_kernel *k)
{
	return M(k)->err;
}

static int mock_relay_new(struct zrtpd_kernel *k, uint32_t flow_a, uint32_t flow_b,
			  struct ksrtp_relay_info *out)
{
	struct zrtpd_mock *m = M(k);
	struct ksrtp_flow_info fa = { .id = flow_a }, fb = { .id = flow_b };
	struct mock_flow *a = find_flow(m, &fa), *b = find_flow(m, &fb);

	if (!a || !b)
		return -ENOENT;
	if (a == b)
		return -EINVAL;
	if (a->relay || b->relay)
		return -EBUSY;
	a->relay = b->relay = ++m->next_relay_id;
	a->peer = flow_b;
	b->peer = flow_a;
	a->leg_a = true;
	b->leg_a = false;
	if (out) {
		out->id = a->relay;
		out->flow_a = flow_a;
		out->flow_b = flow_b;
	}
	return 0;
}

static int mock_relay_del(struct zrtpd_kernel *k, uint32_t id)
{
	struct zrtpd_mock *m = M(k);
	uint32_t i;

	for (i = 0; id && i < m->nids; i++)
		if (m->by_id[i] && m->by_id[i]->relay == id) {
			m->by_id[m->by_id[i]->peer]->relay = 0;
			m->by_id[i]->relay = 0;
			return 0;
		}
	return -ENOENT;
}

static int mock_relay_dump(struct zrtpd_kernel *k,
			   int (*cb)(const struct ksrtp_relay_info *r, void *arg), void *arg)
{
	struct zrtpd_mock *m = M(k);
	uint32_t i;

	for (i = 0; i < m->nids; i++) {
		struct mock_flow *f = m->by_id[i];
		struct ksrtp_relay_info r;

		if (!f || !f->relay || !f->leg_a)
			continue;
		r.id = f->relay;
		r.flow_a = f->info.id;
		r.flow_b = f->peer;
		if (cb(&r, arg))
			break;
	}
	return 0;
}

static const struct zrtpd_kernel_ops mock_ops = {
	.name = "mock",
	.close = mock_close,
	.fd = mock_fd,
	.listen = mock_listen,
	.dispatch = mock_dispatch,
	.flow_dump = mock_flow_dump,
	.flow_add = mock_flow_add,
	.flow_del = mock_flow_del,
	.flow_set = mock_flow_set,
	.key_new = mock_key_new,
	.key_del = mock_key_del,
	.key_swap = mock_key_swap,
	.zrtp_xmit = mock_zrtp_xmit,
	.watch_add = mock_watch_add,
	.watch_del = mock_watch_del,
	.stats_get = mock_stats_get,
	.err_msg = mock_err_msg,
	.relay_new = mock_relay_new,
	.relay_del = mock_relay_del,
	.relay_dump = mock_relay_dump,
};

int zrtpd_mock_attach(struct zrtpd_mock *m, struct zrtpd_kernel **k)
{
	struct mock_link *l = calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	l->k.ops = &mock_ops;
	l->m = m;
	*k = &l->k;
	return 0;
}

int zrtpd_mock_get_key(struct zrtpd_mock *m, uint32_t flow_id, uint8_t dir,
		       struct zrtpd_mock_key *out)
{
	struct ksrtp_flow_info name = { .id = flow_id };
	struct mock_flow *f = find_flow(m, &name);

	if (!f || dir > 1)
		return -ENOENT;
	*out = f->keys[dir][f->active[dir]];
	return out->set ? 0 : -ENOENT;
}

int zrtpd_mock_get_key_slot(struct zrtpd_mock *m, uint32_t flow_id, uint8_t dir, uint8_t slot,
			    struct zrtpd_mock_key *out)
{
	struct ksrtp_flow_info name = { .id = flow_id };
	struct mock_flow *f = find_flow(m, &name);

	if (!f || dir > 1 || slot > 1)
		return -ENOENT;
	*out = f->keys[dir][slot];
	return out->set ? 0 : -ENOENT;
}

uint64_t zrtpd_mock_zrtp_sent(struct zrtpd_mock *m, uint32_t flow_id)
{
	struct ksrtp_flow_info name = { .id = flow_id };
	struct mock_flow *f = find_flow(m, &name);

	return f ? f->zrtp_tx : 0;
}

uint64_t zrtpd_mock_swaps(const struct zrtpd_mock *m)
{
	return m->swaps;
}

uint64_t zrtpd_mock_stat(struct zrtpd_mock *m, uint32_t flow_id, unsigned int counter)
{
	struct ksrtp_flow_info name = { .id = flow_id };
	struct mock_flow *f = find_flow(m, &name);

	return f && counter < KSRTP_NL_NSTATS ? f->c[counter] : 0;
}

int zrtpd_mock_get_flow(struct zrtpd_mock *m, uint32_t flow_id, struct ksrtp_flow_info *out)
{
	struct ksrtp_flow_info name = { .id = flow_id };
	struct mock_flow *f = find_flow(m, &name);

	if (!f)
		return -ENOENT;
	*out = f->info;
	return 0;
}

unsigned int zrtpd_mock_flow_count(const struct zrtpd_mock *m)
{
	return m->nflows;
}

int zrtpd_mock_rtp_out(struct zrtpd_mock *m, const struct ksrtp_sockaddr *local,
		       const struct ksrtp_sockaddr *remote)
{
	zrtpd_kevent ev;

	if (find_tuple(m, local, remote) || !watched(m, local->port))
		return 0;
	memset(&ev, 0, offsetof(zrtpd_kevent, pkt));
	ev.len = 0;
	ev.cmd = KSRTP_CMD_FLOW_SEEN;
	ev.kind = KSRTP_EVENT_RTP_OUT;
	ev.flow.local = *local;
	ev.flow.remote = *remote;
	return push_event(m, &ev);
}

void zrtpd_mock_set_blackhole(struct zrtpd_mock *m, bool on)
{
	m->blackhole = on;
}

void zrtpd_mock_set_secured_event(struct zrtpd_mock *m, bool on)
{
	m->no_secured_event = !on;
}

/* "Conf2ACK" -> the 8-byte, space-padded type block */
static void type_block(char out[9], const char *type)
{
	snprintf(out, 9, "%-8s", type ? type : "");
	if (!type || !type[0])
		out[0] = 0;
}

void zrtpd_mock_drop_type(struct zrtpd_mock *m, const char *type)
{
	type_block(m->drop_type, type);
}

void zrtpd_mock_count_type(struct zrtpd_mock *m, const char *type)
{
	type_block(m->count_type, type);
	m->sent_type = 0;
}

uint64_t zrtpd_mock_type_sent(const struct zrtpd_mock *m)
{
	return m->sent_type;
}

void zrtpd_mock_fail_key_new(struct zrtpd_mock *m, unsigned int nth)
{
	m->fail_key_new = nth;
}

static bool same_key(const struct zrtpd_mock_key *a, const struct zrtpd_mock_key *b)
{
	return a->set && b->set && a->key_len == b->key_len && a->salt_len == b->salt_len &&
	       !memcmp(a->key, b->key, a->key_len) && !memcmp(a->salt, b->salt, a->salt_len);
}

/* The flow's policy decides what a clear packet does (kernel/hooks.c). */
static enum zrtpd_mock_media_result clear_in(struct mock_flow *f)
{
	if (f->info.policy & KSRTP_POLICY_REQUIRE_SECURE) {
		f->c[KSRTP_A_STATS_CLEAR_DROPPED]++;
		return ZM_DROPPED;
	}
	f->c[KSRTP_A_STATS_CLEAR_PASSED]++;
	return ZM_CLEAR;
}

/*
 * One RTP packet on the wire from `from`'s flow (local -> remote) to
 * `to`'s flow (remote -> local), with ksrtp's rules on both ends: SRTP
 * under the sender's TX key if its flow is SECURE, else clear; the
 * receiver takes it as kernel/hooks.c does (RX key, mode, RX_TRIAL,
 * REQUIRE_SECURE), and on the first SRTP that authenticates on a SECURE
 * flow with RX_TRIAL clears the bit and raises FLOW_SECURED (API 3).
 */
static enum zrtpd_mock_media_result media_one(struct zrtpd_mock *from, struct zrtpd_mock *to,
					       const struct ksrtp_sockaddr *local,
					       const struct ksrtp_sockaddr *remote)
{
	struct mock_flow *s = find_tuple(from, local, remote);
	struct mock_flow *r = find_tuple(to, remote, local);
	const struct zrtpd_mock_key *txk = NULL, *rxk;
	bool trial;

	if (s && s->info.mode == KSRTP_FLOW_MODE_SECURE &&
	    s->keys[KSRTP_KEY_DIR_TX][s->active[KSRTP_KEY_DIR_TX]].set) {
		txk = &s->keys[KSRTP_KEY_DIR_TX][s->active[KSRTP_KEY_DIR_TX]];
		s->c[KSRTP_A_STATS_TX_PACKETS]++;
	}
	if (!r)
		return txk ? ZM_GARBLED : ZM_CLEAR;	/* no flow: the socket gets it as is */
	/* RX: the active slot, then the other (kernel/hooks.c: rotation) */
	rxk = &r->keys[KSRTP_KEY_DIR_RX][r->active[KSRTP_KEY_DIR_RX]];
	if (txk && !same_key(txk, rxk) && same_key(txk, &r->keys[KSRTP_KEY_DIR_RX][!r->active[KSRTP_KEY_DIR_RX]]))
		rxk = &r->keys[KSRTP_KEY_DIR_RX][!r->active[KSRTP_KEY_DIR_RX]];
	trial = r->info.policy & KSRTP_POLICY_RX_TRIAL;
	if (!rxk->set || (r->info.mode != KSRTP_FLOW_MODE_SECURE && !trial)) {
		/* no unprotect: SRTP passes as if clear (garbled for the app) */
		enum zrtpd_mock_media_result ret = clear_in(r);

		return ret == ZM_CLEAR && txk ? ZM_GARBLED : ret;
	}
	if (!txk || !same_key(txk, rxk)) {
		if (trial) {
			enum zrtpd_mock_media_result ret = clear_in(r);

			return ret == ZM_CLEAR && txk ? ZM_GARBLED : ret;
		}
		r->c[KSRTP_A_STATS_RX_AUTH_FAIL]++;
		return ZM_DROPPED;
	}
	r->c[KSRTP_A_STATS_RX_PACKETS]++;
	if (trial && r->info.mode == KSRTP_FLOW_MODE_SECURE) {
		r->info.policy &= ~KSRTP_POLICY_RX_TRIAL;
		if (!r->secured_sent && !to->no_secured_event) {
			zrtpd_kevent ev;

			r->secured_sent = true;
			memset(&ev, 0, offsetof(zrtpd_kevent, pkt));
			ev.cmd = KSRTP_CMD_FLOW_SECURED;
			ev.flow = r->info;
			push_event(to, &ev);
		}
	}
	return ZM_SRTP;
}

enum zrtpd_mock_media_result zrtpd_mock_media(struct zrtpd_mock *from, struct zrtpd_mock *to,
					      const struct ksrtp_sockaddr *local,
					      const struct ksrtp_sockaddr *remote)
{
	enum zrtpd_mock_media_result ret = media_one(from, to, local, remote);

	if (ret == ZM_GARBLED)
		to->garbled++;
	return ret;
}

/* How many SRTP packets `m`'s applications got as if clear (garbage). */
unsigned int zrtpd_mock_garbled(const struct zrtpd_mock *m)
{
	return m->garbled;
}

/* Would the kernel pass a clear RTP packet from the peer on this flow? */
bool zrtpd_mock_accepts_clear(struct zrtpd_mock *m, uint32_t flow_id)
{
	struct ksrtp_flow_info name = { .id = flow_id };
	struct mock_flow *f = find_flow(m, &name);

	if (!f || (f->info.policy & KSRTP_POLICY_REQUIRE_SECURE))
		return false;
	if (!f->keys[KSRTP_KEY_DIR_RX][0].set && !f->keys[KSRTP_KEY_DIR_RX][1].set)
		return true;
	if (f->info.mode != KSRTP_FLOW_MODE_SECURE)
		return true;
	return f->info.policy & KSRTP_POLICY_RX_TRIAL;
}

unsigned int zrtpd_mock_media_all(struct zrtpd_mock *from, struct zrtpd_mock *to)
{
	unsigned int n = 0;
	uint32_t i;

	for (i = 0; i < from->nids; i++) {
		struct mock_flow *f = from->by_id[i];

		if (f && find_tuple(to, &f->info.remote, &f->info.local)) {
			zrtpd_mock_media(from, to, &f->info.local, &f->info.remote);
			n++;
		}
	}
	return n;
}
