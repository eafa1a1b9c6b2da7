// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel ops over netlink: a thin translation to the ksrtp client
 * (userspace/nl/).  Two sockets: one is the ZRTP listener and event-group
 * member, read only from the loop (notifications arrive on it at any
 * time); the other carries requests and their ACKs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "kernel.h"

struct nl_link {
	struct zrtpd_kernel k;
	struct ksrtp_nl req, lis;
	bool lis_open;
};

static struct nl_link *L(struct zrtpd_kernel *k)
{
	return (struct nl_link *)k;
}

static void nl_close(struct zrtpd_kernel *k)
{
	struct nl_link *l = L(k);

	if (l->lis_open)
		ksrtp_nl_close(&l->lis);
	ksrtp_nl_close(&l->req);
	free(l);
}

static int nl_flow_dump(struct zrtpd_kernel *k,
			int (*cb)(const struct ksrtp_flow_info *f, void *arg), void *arg)
{
	return ksrtp_nl_flow_dump(&L(k)->req, cb, arg);
}

static int nl_flow_add(struct zrtpd_kernel *k, const struct ksrtp_flow_info *req,
		       struct ksrtp_flow_info *out)
{
	return ksrtp_nl_flow_new(&L(k)->req, req, out);
}

static int nl_flow_del(struct zrtpd_kernel *k, const struct ksrtp_flow_info *f)
{
	return ksrtp_nl_flow_del(&L(k)->req, f);
}

static const char *nl_err_msg(struct zrtpd_kernel *k)
{
	return L(k)->req.err_msg;
}

static int nl_fd(struct zrtpd_kernel *k)
{
	return ksrtp_nl_fd(&L(k)->lis);
}

static int nl_listen(struct zrtpd_kernel *k)
{
	struct nl_link *l = L(k);
	int ret;

	if (!l->lis_open) {
		ret = ksrtp_nl_open(&l->lis);
		if (ret)
			return ret;
		l->lis_open = true;
	}
	ret = ksrtp_nl_zrtp_listen(&l->lis);
	if (!ret)
		ret = ksrtp_nl_join_events(&l->lis);
	/* thousands of handshakes at once: room for a burst of diverted
	 * ZRTP while the loop computes (a loss is only a retransmission) */
	if (!ret) {
		int sz = 4 << 20;

		if (setsockopt(ksrtp_nl_fd(&l->lis), SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)))
			setsockopt(ksrtp_nl_fd(&l->lis), SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	}
	return ret;
}

static int nl_dispatch(struct zrtpd_kernel *k, zrtpd_kevent_cb cb, void *arg)
{
	int ret, n;

	/* bounded, so a flood of ZRTP cannot starve the control socket */
	for (n = 0; n < 64; n++) {
		ret = ksrtp_nl_recv_events(&L(k)->lis, true, cb, arg);
		if (ret)
			return ret == -EAGAIN ? 0 : ret;
	}
	return 0;
}

static int nl_flow_set(struct zrtpd_kernel *k, const struct ksrtp_flow_info *f)
{
	return ksrtp_nl_flow_set(&L(k)->req, f);
}

static int nl_key_new(struct zrtpd_kernel *k, struct ksrtp_key_req *req)
{
	return ksrtp_nl_key_new(&L(k)->req, req);
}

static int nl_key_del(struct zrtpd_kernel *k, uint32_t flow_id, uint8_t dir, uint8_t slot)
{
	return ksrtp_nl_key_del(&L(k)->req, flow_id, dir, slot);
}

static int nl_key_swap(struct zrtpd_kernel *k, uint32_t flow_id, uint8_t dir)
{
	return ksrtp_nl_key_swap(&L(k)->req, flow_id, dir);
}

static int nl_zrtp_xmit(struct zrtpd_kernel *k, const struct ksrtp_flow_info *f,
			const uint8_t *pkt, size_t len)
{
	return ksrtp_nl_zrtp_xmit(&L(k)->req, f, pkt, len);
}

static int nl_watch_add(struct zrtpd_kernel *k, uint16_t min, uint16_t max, uint32_t *id)
{
	return ksrtp_nl_watch_new(&L(k)->req, min, max, id);
}

static int nl_watch_del(struct zrtpd_kernel *k, uint32_t id)
{
	return ksrtp_nl_watch_del(&L(k)->req, id);
}

static int nl_stats_get(struct zrtpd_kernel *k, const struct ksrtp_flow_info *f,
			struct ksrtp_flow_stats *out)
{
	return ksrtp_nl_stats_get(&L(k)->req, f, out);
}

static int nl_relay_new(struct zrtpd_kernel *k, uint32_t flow_a, uint32_t flow_b,
			struct ksrtp_relay_info *out)
{
	return ksrtp_nl_relay_new(&L(k)->req, flow_a, flow_b, out);
}

static int nl_relay_del(struct zrtpd_kernel *k, uint32_t id)
{
	return ksrtp_nl_relay_del(&L(k)->req, id);
}

static int nl_relay_dump(struct zrtpd_kernel *k,
			 int (*cb)(const struct ksrtp_relay_info *r, void *arg), void *arg)
{
	return ksrtp_nl_relay_dump(&L(k)->req, cb, arg);
}

static const struct zrtpd_kernel_ops nl_ops = {
	.name = "netlink",
	.close = nl_close,
	.fd = nl_fd,
	.listen = nl_listen,
	.dispatch = nl_dispatch,
	.flow_dump = nl_flow_dump,
	.flow_add = nl_flow_add,
	.flow_del = nl_flow_del,
	.flow_set = nl_flow_set,
	.key_new = nl_key_new,
	.key_del = nl_key_del,
	.key_swap = nl_key_swap,
	.zrtp_xmit = nl_zrtp_xmit,
	.watch_add = nl_watch_add,
	.watch_del = nl_watch_del,
	.stats_get = nl_stats_get,
	.err_msg = nl_err_msg,
	.relay_new = nl_relay_new,
	.relay_del = nl_relay_del,
	.relay_dump = nl_relay_dump,
};

int zrtpd_kernel_nl_open(struct zrtpd_kernel **k)
{
	struct nl_link *l = calloc(1, sizeof(*l));
	int ret;

	if (!l)
		return -ENOMEM;
	ret = ksrtp_nl_open(&l->req);
	if (ret) {
		free(l);
		return ret;
	}
	l->k.ops = &nl_ops;
	*k = &l->k;
	return 0;
}
