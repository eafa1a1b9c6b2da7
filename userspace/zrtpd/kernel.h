/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zrtpd's view of the kernel: an ops table.
 *
 * The daemon never calls netlink directly.  Everything it needs from ksrtp
 * (flows, keys, ZRTP in and out, watches, events) goes through struct
 * zrtpd_kernel_ops, so the sessions, the loop and the control socket are
 * tested natively against a mock (kernel_mock.c) and the netlink plug-in
 * (kernel_nl.c) stays a thin translation.
 *
 * The types are those of the netlink client (ksrtp_nl.h) so the netlink
 * plug-in passes them straight through; the mock only uses its headers.
 */
#ifndef ZRTPD_KERNEL_H
#define ZRTPD_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "ksrtp_nl.h"

/*
 * One notification from the kernel: a diverted ZRTP packet (ZRTP_RECV), a
 * flow seen on a watched range (FLOW_SEEN), a burst of authentication
 * failures (AUTH_FAIL) or a key near its limit (KEY_LIMIT).  Same layout
 * as the netlink client's.
 */
typedef struct ksrtp_nl_event zrtpd_kevent;
typedef int (*zrtpd_kevent_cb)(const zrtpd_kevent *ev, void *arg);

struct zrtpd_kernel;

struct zrtpd_kernel_ops {
	const char *name;
	void (*close)(struct zrtpd_kernel *k);
	/* A file descriptor that becomes readable when dispatch has work. */
	int (*fd)(struct zrtpd_kernel *k);
	/* Become the ZRTP listener and join the event group. */
	int (*listen)(struct zrtpd_kernel *k);
	/* Deliver every pending notification to cb, without blocking. */
	int (*dispatch)(struct zrtpd_kernel *k, zrtpd_kevent_cb cb, void *arg);

	int (*flow_dump)(struct zrtpd_kernel *k,
			 int (*cb)(const struct ksrtp_flow_info *f, void *arg),
			 void *arg);
	int (*flow_add)(struct zrtpd_kernel *k, const struct ksrtp_flow_info *req,
			struct ksrtp_flow_info *out);
	int (*flow_del)(struct zrtpd_kernel *k, const struct ksrtp_flow_info *f);
	int (*flow_set)(struct zrtpd_kernel *k, const struct ksrtp_flow_info *f);
	/* The request's key bytes are wiped by the callee. */
	int (*key_new)(struct zrtpd_kernel *k, struct ksrtp_key_req *req);
	int (*key_del)(struct zrtpd_kernel *k, uint32_t flow_id, uint8_t dir,
		       uint8_t slot);
	/* The direction's other slot becomes the active one (rotation). */
	int (*key_swap)(struct zrtpd_kernel *k, uint32_t flow_id, uint8_t dir);
	int (*zrtp_xmit)(struct zrtpd_kernel *k, const struct ksrtp_flow_info *f,
			 const uint8_t *pkt, size_t len);
	int (*watch_add)(struct zrtpd_kernel *k, uint16_t min, uint16_t max,
			 uint32_t *id);
	int (*watch_del)(struct zrtpd_kernel *k, uint32_t id);
	int (*stats_get)(struct zrtpd_kernel *k, const struct ksrtp_flow_info *f,
			 struct ksrtp_flow_stats *out);
	/* Human-readable reason for the last error, or "". */
	const char *(*err_msg)(struct zrtpd_kernel *k);
	/* Relays (gateway mode, API 4): two flows joined by the kernel. */
	int (*relay_new)(struct zrtpd_kernel *k, uint32_t flow_a, uint32_t flow_b,
			 struct ksrtp_relay_info *out);
	int (*relay_del)(struct zrtpd_kernel *k, uint32_t id);
	int (*relay_dump)(struct zrtpd_kernel *k,
			  int (*cb)(const struct ksrtp_relay_info *r, void *arg), void *arg);
};

struct zrtpd_kernel {
	const struct zrtpd_kernel_ops *ops;
};

/* The netlink plug-in; -ENOENT when ksrtp is not loaded. */
int zrtpd_kernel_nl_open(struct zrtpd_kernel **k);

#endif
