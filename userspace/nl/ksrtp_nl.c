// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Client of the ksrtp generic netlink family; see ksrtp_nl.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/ksrtp.h>
#include <linux/netlink.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ksrtp_nl.h"

#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

static struct nlmsghdr *put_genl(char *buf, struct ksrtp_nl *nl, uint16_t type,
				 uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++nl->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = KSRTP_GENL_VERSION;
	return nlh;
}

/* Pull the extack message out of an NLMSG_ERROR, if there is one. */
static void keep_extack(struct ksrtp_nl *nl, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	unsigned int off = sizeof(*e);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	mnl_attr_for_each(a, nlh, off) {
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG) {
			snprintf(nl->err_msg, sizeof(nl->err_msg), "%s",
				 mnl_attr_get_str(a));
			return;
		}
	}
}

/*
 * Send one request and run cb over every reply until the ACK (or the end of
 * a dump).  Returns the kernel's error as a negative errno.
 */
static void wipe(void *p, size_t n);

static int transact(struct ksrtp_nl *nl, struct nlmsghdr *nlh,
		    mnl_cb_t cb, void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t seq = nlh->nlmsg_seq;
	int ret;

	nl->err_msg[0] = '\0';
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ret = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (ret < 0)
			return -errno;
		/* Look for an error with extack before libmnl consumes it. */
		const struct nlmsghdr *m = (const struct nlmsghdr *)buf;
		int left = ret;

		for (; mnl_nlmsg_ok(m, left); m = mnl_nlmsg_next(m, &left)) {
			if (m->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(m);

				if (e->error)
					keep_extack(nl, m);
			}
		}
		{
			size_t got = (size_t)ret;

			ret = mnl_cb_run(buf, got, seq, nl->portid, cb, arg);
			/* a reply may echo a request that held a key: wipe */
			wipe(buf, got);
		}
		if (ret < 0)
			return -errno;
		if (ret == MNL_CB_STOP)
			return 0;
	}
}

static int family_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct ksrtp_nl *nl = arg;
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			nl->family_id = mnl_attr_get_u16(a);
	}
	return MNL_CB_OK;
}

int ksrtp_nl_open(struct ksrtp_nl *nl)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int one = 1, ret;

	memset(nl, 0, sizeof(*nl));
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock)
		return -errno;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto err;
	}
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	/* An error ACK carries the request back unless capped: a refused
	 * KEY_NEW would return its master key and salt to our buffer. */
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);

	nlh = put_genl(buf, nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, KSRTP_GENL_NAME);
	ret = transact(nl, nlh, family_cb, nl);
	if (ret == 0 && !nl->family_id)
		ret = -ENOENT;
	if (ret)
		goto err;
	return 0;
err:
	mnl_socket_close(nl->sock);
	nl->sock = NULL;
	return ret;
}

void ksrtp_nl_close(struct ksrtp_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

static int info_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct ksrtp_info *info = arg;
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case KSRTP_A_VERSION:
			info->version = mnl_attr_get_u32(a);
			break;
		case KSRTP_A_API_VERSION:
			info->api_version = mnl_attr_get_u32(a);
			break;
		case KSRTP_A_FEATURES:
			info->features = mnl_attr_get_u64(a);
			break;
		case KSRTP_A_FLOW_COUNT:
			info->flow_count = mnl_attr_get_u32(a);
			info->has_flow_count = true;
			break;
		}
	}
	return MNL_CB_OK;
}

int ksrtp_nl_get_info(struct ksrtp_nl *nl, struct ksrtp_info *info)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	memset(info, 0, sizeof(*info));
	nlh = put_genl(buf, nl, nl->family_id, KSRTP_CMD_GET_INFO, 0);
	return transact(nl, nlh, info_cb, info);
}

static void put_addr(struct nlmsghdr *nlh, int type,
		     const struct ksrtp_sockaddr *sa)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	mnl_attr_put_u16(nlh, KSRTP_A_ADDR_FAMILY, (uint16_t)sa->family);
	if (sa->family == AF_INET)
		mnl_attr_put(nlh, KSRTP_A_ADDR_IN, 4, &sa->addr.v4);
	else
		mnl_attr_put(nlh, KSRTP_A_ADDR_IN6, 16, &sa->addr.v6);
	mnl_attr_put_u16(nlh, KSRTP_A_ADDR_PORT, htons(sa->port));
	mnl_attr_nest_end(nlh, nest);
}

static void parse_addr(const struct nlattr *nest, struct ksrtp_sockaddr *sa)
{
	const struct nlattr *a;

	memset(sa, 0, sizeof(*sa));
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case KSRTP_A_ADDR_FAMILY:
			sa->family = mnl_attr_get_u16(a);
			break;
		case KSRTP_A_ADDR_IN:
			memcpy(&sa->addr.v4, mnl_attr_get_payload(a), 4);
			break;
		case KSRTP_A_ADDR_IN6:
			memcpy(&sa->addr.v6, mnl_attr_get_payload(a), 16);
			break;
		case KSRTP_A_ADDR_PORT:
			sa->port = ntohs(mnl_attr_get_u16(a));
			break;
		}
	}
}

struct flow_cb_arg {
	int (*cb)(const struct ksrtp_flow_info *f, void *arg);
	void *arg;
	int stopped;
};

static int flow_cb(const struct nlmsghdr *nlh, void *data)
{
	struct flow_cb_arg *fa = data;
	struct ksrtp_flow_info f;
	const struct nlattr *a, *b;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != KSRTP_A_FLOW)
			continue;
		memset(&f, 0, sizeof(f));
		mnl_attr_for_each_nested(b, a) {
			switch (mnl_attr_get_type(b)) {
			case KSRTP_A_FLOW_ID:
				f.id = mnl_attr_get_u32(b);
				break;
			case KSRTP_A_FLOW_LOCAL:
				parse_addr(b, &f.local);
				break;
			case KSRTP_A_FLOW_REMOTE:
				parse_addr(b, &f.remote);
				break;
			case KSRTP_A_FLOW_MODE:
				f.mode = mnl_attr_get_u8(b);
				break;
			case KSRTP_A_FLOW_POLICY:
				f.policy = mnl_attr_get_u32(b);
				break;
			case KSRTP_A_FLOW_LATCH:
				f.latch = mnl_attr_get_u8(b);
				break;
			case KSRTP_A_FLOW_LATCHED:
				f.latched = 1;
				break;
			}
		}
		if (!fa->stopped && fa->cb(&f, fa->arg))
			fa->stopped = 1;
	}
	return MNL_CB_OK;
}

static int copy_flow(const struct ksrtp_flow_info *f, void *arg)
{
	memcpy(arg, f, sizeof(*f));
	return 0;
}

static void put_flow_name(struct nlmsghdr *nlh, const struct ksrtp_flow_info *f)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, KSRTP_A_FLOW);

	if (f->id) {
		mnl_attr_put_u32(nlh, KSRTP_A_FLOW_ID, f->id);
	} else {
		put_addr(nlh, KSRTP_A_FLOW_LOCAL, &f->local);
		put_addr(nlh, KSRTP_A_FLOW_REMOTE, &f->remote);
	}
	mnl_attr_nest_end(nlh, nest);
}

/* The padding the latch fields took: the layout of KSRTP_0 stays. */
_Static_assert(offsetof(struct ksrtp_flow_info, policy) ==
	       offsetof(struct ksrtp_flow_info, mode) + 4,
	       "struct ksrtp_flow_info changed its layout");

int ksrtp_nl_flow_new_latch(struct ksrtp_nl *nl,
			    const struct ksrtp_flow_info *req, uint8_t latch,
			    struct ksrtp_flow_info *out)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ksrtp_flow_info dummy;
	struct flow_cb_arg fa = { copy_flow, out ? out : &dummy, 0 };
	struct nlmsghdr *nlh;
	struct nlattr *nest, *rn;

	nlh = put_genl(buf, nl, nl->family_id, KSRTP_CMD_FLOW_NEW, 0);
	nest = mnl_attr_nest_start(nlh, KSRTP_A_FLOW);
	put_addr(nlh, KSRTP_A_FLOW_LOCAL, &req->local);
	if (latch == KSRTP_LATCH_NONE) {
		put_addr(nlh, KSRTP_A_FLOW_REMOTE, &req->remote);
	} else if (latch == KSRTP_LATCH_PORT) {
		rn = mnl_attr_nest_start(nlh, KSRTP_A_FLOW_REMOTE);
		mnl_attr_put_u16(nlh, KSRTP_A_ADDR_FAMILY,
				 (uint16_t)req->remote.family);
		if (req->remote.family == AF_INET)
			mnl_attr_put(nlh, KSRTP_A_ADDR_IN, 4, &req->remote.addr.v4);
		else
			mnl_attr_put(nlh, KSRTP_A_ADDR_IN6, 16, &req->remote.addr.v6);
		mnl_attr_nest_end(nlh, rn);
	}
	mnl_attr_put_u8(nlh, KSRTP_A_FLOW_MODE, req->mode);
	mnl_attr_put_u32(nlh, KSRTP_A_FLOW_POLICY, req->policy);
	mnl_attr_put_u8(nlh, KSRTP_A_FLOW_LATCH, latch);
	mnl_attr_nest_end(nlh, nest);
	return transact(nl, nlh, flow_cb, &fa);
}

int ksrtp_nl_flow_new(struct ksrtp_nl *nl, const struct ksrtp_flow_info *req,
		      struct ksrtp_flow_info *out)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ksrtp_flow_info dummy;
	struct flow_cb_arg fa = { copy_flow, out ? out : &dummy, 0 };
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = put_genl(buf, nl, nl->family_id, KSRTP_CMD_FLOW_NEW, 0);
	nest = mnl_attr_nest_start(nlh, KSRTP_A_FLOW);
	put_addr(nlh, KSRTP_A_FLOW_LOCAL, &req->local);
	put_addr(nlh, KSRTP_A_FLOW_REMOTE, &req->remote);
	mnl_attr_put_u8(nlh, KSRTP_A_FLOW_MODE, req->mode);
	mnl_attr_put_u32(nlh, KSRTP_A_FLOW_POLICY, req->policy);
	mnl_attr_nest_end(nlh, nest);
	return transact(nl, nlh, flow_cb, &fa);
}

int ksrtp_nl_flow_del(struct ksrtp_nl *nl, const struct ksrtp_flow_info *f)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	nlh = put_genl(buf, nl, nl->family_id, KSRTP_CMD_FLOW_DEL, 0);
	put_flow_name(nlh, f);
	return transact(nl, nlh, NULL, NULL);
}

int ksrtp_nl_flow_get(struct ksrtp_nl *nl, const struct ksrtp_flow_info *f,
		      struct ksrtp_flow_info *out)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct flow_cb_arg fa = { copy_flow, out, 0 };
	struct nlmsghdr *nlh;

	nlh = put_genl(buf, nl, nl->family_id, KSRTP_CMD_FLOW_GET, 0);
	put_flow_name(nlh, f);
	return transact(nl, nlh, flow_cb, &fa);
}

int ksrtp_nl_flow_dump(struct ksrtp_nl *nl,
		       int (*cb)(const struct ksrtp_flow_info *f, void *arg),
		       void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct flow_cb_arg fa = { cb, arg, 0 };
	struct nlmsghdr *nlh;

	nlh = put_genl(buf, nl, nl->family_id, KSRTP_CMD_FLOW_GET, NLM_F_DUMP);
	return transact(nl, nlh, flow_cb, &fa);
}

struct nlmsghdr *ksrtp_nl_msg(struct ksrtp_nl *nl, char *buf, uint8_t cmd,
			      uint16_t flags)
{
	return put_genl(buf, nl, nl->family_id, cmd, flags);
}

int ksrtp_nl_send(struct ksrtp_nl *nl, struct nlmsghdr *nlh)
{
	return transact(nl, nlh, NULL, NULL);
}

int ksrtp_parse_sockaddr(const char *s, struct ksrtp_sockaddr *sa)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon;
	char *end;
	unsigned long port;
	size_t hl;

	memset(sa, 0, sizeof(*sa));
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (!rb || rb[1] != ':')
			return -EINVAL;
		hl = (size_t)(rb - s - 1);
		colon = rb + 1;
		s++;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -EINVAL;
		hl = (size_t)(colon - s);
	}
	if (hl == 0 || hl >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, hl);
	host[hl] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || port == 0 || port > 65535)
		return -EINVAL;
	sa->port = (uint16_t)port;
	if (inet_pton(AF_INET, host, &sa->addr.v4) == 1)
		sa->family = AF_INET;
	else if (inet_pton(AF_INET6, host, &sa->addr.v6) == 1)
		sa->family = AF_INET6;
	else
		return -EINVAL;
	return 0;
}

const char *ksrtp_format_sockaddr(const struct ksrtp_sockaddr *sa, char *buf,
				  size_t len)
{
	char host[INET6_ADDRSTRLEN];

	if (!inet_ntop(sa->family, &sa->addr, host, sizeof(host)))
		snprintf(host, sizeof(host), "?");
	snprintf(buf, len, sa->family == AF_INET6 ? "[%s]:%u" : "%s:%u",
		 host, sa->port);
	return buf;
}

int ksrtp_nl_flow_set(struct ksrtp_nl *nl, const struct ksrtp_flow_info *f)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ksrtp_flow_info dummy;
	struct flow_cb_arg fa = { copy_flow, &dummy, 0 };
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = put_genl(buf, nl, nl->family_id, KSRTP_CMD_FLOW_SET, 0);
	nest = mnl_attr_nest_start(nlh, KSRTP_A_FLOW);
	if (f->id) {
		mnl_attr_put_u32(nlh, KSRTP_A_FLOW_ID, f->id);
	} else {
		put_addr(nlh, KSRTP_A_FLOW_LOCAL, &f->local);
		put_addr(nlh, KSRTP_A_FLOW_REMOTE, &f->remote);
	}
	mnl_attr_put_u8(nlh, KSRTP_A_FLOW_MODE, f->mode);
	mnl_attr_put_u32(nlh, KSRTP_A_FLOW_POLICY, f->policy);
	mnl_attr_nest_end(nlh, nest);
	return transact(nl, nlh, flow_cb, &fa);
}

static void wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}

int ksrtp_nl_key_new(struct ksrtp_nl *nl, struct ksrtp_key_req *k)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	int ret;

	nlh = put_genl(buf, nl, nl->family_id, KSRTP_CMD_KEY_NEW, 0);
	nest = mnl_attr_nest_start(nlh, KSRTP_A_KEY);
	mnl_attr_put_u32(nlh, KSRTP_A_KEY_FLOW_ID, k->flow_id);
	mnl_attr_put_u8(nlh, KSRTP_A_KEY_DIR, k->dir);
	mnl_attr_put_u8(nlh, KSRTP_A_KEY_SLOT, k->slot);
	mnl_attr_put_u16(nlh, KSRTP_A_KEY_PROFILE, k->profile);
	mnl_attr_put(nlh, KSRTP_A_KEY_MASTER_KEY, k->key_len, k->key);
	mnl_attr_put(nlh, KSRTP_A_KEY_MASTER_SALT, k->salt_len, k->salt);
	if (k->has_roc)
		mnl_attr_put_u32(nlh, KSRTP_A_KEY_ROC, k->roc);
	if (k->has_seq)
		mnl_attr_put_u16(nlh, KSRTP_A_KEY_SEQ, k->seq);
	if (k->replay_window)
		mnl_attr_put_u32(nlh, KSRTP_A_KEY_REPLAY_WINDOW, k->replay_window);
	if (k->max_ssrcs)
		mnl_attr_put_u32(nlh, KSRTP_A_KEY_MAX_SSRCS, k->max_ssrcs);
	mnl_attr_nest_end(nlh, nest);
	ret = transact(nl, nlh, NULL, NULL);
	/* The message held the key: wipe both. */
	wipe(buf, sizeof(buf));
	wipe(k->key, sizeof(k->key));
	wipe(k->salt, sizeof(k->salt));
	return ret;
}

static int key_op(struct ksrtp_nl *nl, uint8_t cmd, uint32_t flow_id,
		  uint8_t dir, int slot)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = put_genl(buf, nl, nl->family_id, cmd, 0);
	nest = mnl_attr_nest_start(nlh, KSRTP_A_KEY);
	mnl_attr_put_u32(nlh, KSRTP_A_KEY_FLOW_ID, flow_id);
	mnl_attr_put_u8(nlh, KSRTP_A_KEY_DIR, dir);
	if (slot >= 0)
		mnl_attr_put_u8(nlh, KSRTP_A_KEY_SLOT, (uint8_t)slot);
	mnl_attr_nest_end(nlh, nest);
	return transact(nl, nlh, NULL, NULL);
}

int ksrtp_nl_key_del(struct ksrtp_nl *nl, uint32_t flow_id, uint8_t dir,
		     uint8_t slot)
{
	return key_op(nl, KSRTP_CMD_KEY_DEL, flow_id, dir, slot);
}

int ksrtp_nl_key_swap(struct ksrtp_nl *nl, uint32_t flow_id, uint8_t dir)
{
	return key_op(nl, KSRTP_CMD_KEY_SWAP, flow_id, dir, -1);
}

struct stats_cb_arg {
	int (*cb)(const struct ksrtp_flow_stats *s, void *arg);
	void *arg;
	int stopped;
};

static int stats_one_flow(const struct ksrtp_flow_info *f, void *arg)
{
	memcpy(arg, f, sizeof(*f));
	return 0;
}

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	struct stats_cb_arg *sa = data;
	struct ksrtp_flow_stats st;
	struct flow_cb_arg fa = { stats_one_flow, &st.flow, 0 };
	const struct nlattr *a, *b;

	memset(&st, 0, sizeof(st));
	flow_cb(nlh, &fa);
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == KSRTP_A_STATS) {
			mnl_attr_for_each_nested(b, a) {
				unsigned int t = mnl_attr_get_type(b);

				if (t < KSRTP_NL_NSTATS && t != KSRTP_A_STATS_PAD)
					st.c[t] = mnl_attr_get_u64(b);
			}
		} else if (mnl_attr_get_type(a) == KSRTP_A_KEY &&
			   st.nkeys < sizeof(st.keys) / sizeof(st.keys[0])) {
			unsigned int i = st.nkeys++;

			mnl_attr_for_each_nested(b, a) {
				switch (mnl_attr_get_type(b)) {
				case KSRTP_A_KEY_DIR:
					st.keys[i].dir = mnl_attr_get_u8(b);
					break;
				case KSRTP_A_KEY_SLOT:
					st.keys[i].slot = mnl_attr_get_u8(b);
					break;
				case KSRTP_A_KEY_PROFILE:
					st.keys[i].profile = mnl_attr_get_u16(b);
					break;
				case KSRTP_A_KEY_ACTIVE:
					st.keys[i].active = 1;
					break;
				case KSRTP_A_KEY_ROC:
					st.keys[i].roc = mnl_attr_get_u32(b);
					break;
				case KSRTP_A_KEY_PACKETS:
					st.keys[i].packets = mnl_attr_get_u64(b);
					break;
				}
			}
		}
	}
	if (!sa->stopped && sa->cb(&st, sa->arg))
		sa->stopped = 1;
	return MNL_CB_OK;
}

static int copy_stats(const struct ksrtp_flow_stats *s, void *arg)
{
	memcpy(arg, s, sizeof(*s));
	return 0;
}

int ksrtp_nl_stats_get(struct ksrtp_nl *nl, const struct ksrtp_flow_info *f,
		       struct ksrtp_flow_stats *out)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct stats_cb_arg sa = { copy_stats, out, 0 };
	struct nlmsghdr *nlh;

	memset(out, 0, sizeof(*out));
	nlh = put_genl(buf, nl, nl->family_id, KSRTP_CMD_STATS_GET, 0);
	put_flow_name(nlh, f);
	return transact(nl, nlh, stats_cb, &sa);
}

int ksrtp_nl_stats_dump(struct ksrtp_nl *nl,
			int (*cb)(const struct ksrtp_flow_stats *s, void *arg),
			void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct stats_cb_arg sa = { cb, arg, 0 };
	struct nlmsghdr *nlh;

	nlh = put_genl(buf, nl, nl->family_id, KSRTP_CMD_STATS_GET, NLM_F_DUMP);
	return transact(nl, nlh, stats_cb, &sa);
}

int ksrtp_nl_zrtp_listen(struct ksrtp_nl *nl)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	return transact(nl, put_genl(buf, nl, nl->family_id,
				     KSRTP_CMD_ZRTP_LISTEN, 0), NULL, NULL);
}

int ksrtp_nl_zrtp_xmit(struct ksrtp_nl *nl, const struct ksrtp_flow_info *f,
		       const uint8_t *pkt, size_t len)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	nlh = put_genl(buf, nl, nl->family_id, KSRTP_CMD_ZRTP_XMIT, 0);
	put_flow_name(nlh, f);
	mnl_attr_put(nlh, KSRTP_A_PACKET, len, pkt);
	return transact(nl, nlh, NULL, NULL);
}

/* Resolve the "events" group id from the family, then join it. */
static int mcgrp_cb(const struct nlmsghdr *nlh, void *arg)
{
	unsigned int *grp = arg;
	const struct nlattr *a, *g, *b;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != CTRL_ATTR_MCAST_GROUPS)
			continue;
		mnl_attr_for_each_nested(g, a) {
			const char *name = NULL;
			unsigned int id = 0;

			mnl_attr_for_each_nested(b, g) {
				if (mnl_attr_get_type(b) == CTRL_ATTR_MCAST_GRP_NAME)
					name = mnl_attr_get_str(b);
				else if (mnl_attr_get_type(b) == CTRL_ATTR_MCAST_GRP_ID)
					id = mnl_attr_get_u32(b);
			}
			if (name && !strcmp(name, KSRTP_MCGRP_EVENTS))
				*grp = id;
		}
	}
	return MNL_CB_OK;
}

int ksrtp_nl_join_events(struct ksrtp_nl *nl)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	unsigned int grp = 0;
	int ret;

	nlh = put_genl(buf, nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, KSRTP_GENL_NAME);
	ret = transact(nl, nlh, mcgrp_cb, &grp);
	if (ret)
		return ret;
	if (!grp)
		return -ENOENT;
	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &grp,
				  sizeof(grp)) < 0)
		return -errno;
	return 0;
}

int ksrtp_nl_fd(const struct ksrtp_nl *nl)
{
	return mnl_socket_get_fd(nl->sock);
}

struct event_cb_arg {
	int (*cb)(const struct ksrtp_nl_event *ev, void *arg);
	void *arg;
	struct ksrtp_nl_event *ev;
};

static int event_flow(const struct ksrtp_flow_info *f, void *arg)
{
	memcpy(arg, f, sizeof(*f));
	return 0;
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct event_cb_arg *ea = data;
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	struct ksrtp_nl_event *ev = ea->ev;
	struct flow_cb_arg fa = { event_flow, &ev->flow, 0 };
	const struct nlattr *a, *b;

	memset(ev, 0, sizeof(*ev));
	ev->cmd = g->cmd;
	flow_cb(nlh, &fa);
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case KSRTP_A_PACKET:
			ev->len = mnl_attr_get_payload_len(a);
			if (ev->len > sizeof(ev->pkt))
				ev->len = sizeof(ev->pkt);
			memcpy(ev->pkt, mnl_attr_get_payload(a), ev->len);
			break;
		case KSRTP_A_EVENT_KIND:
			ev->kind = mnl_attr_get_u8(a);
			break;
		case KSRTP_A_KEY:
			mnl_attr_for_each_nested(b, a) {
				if (mnl_attr_get_type(b) == KSRTP_A_KEY_DIR)
					ev->dir = mnl_attr_get_u8(b);
				else if (mnl_attr_get_type(b) == KSRTP_A_KEY_SLOT)
					ev->slot = mnl_attr_get_u8(b);
				else if (mnl_attr_get_type(b) == KSRTP_A_KEY_FLOW_ID)
					ev->flow.id = mnl_attr_get_u32(b);
			}
			break;
		}
	}
	return ea->cb(ev, ea->arg) ? MNL_CB_STOP : MNL_CB_OK;
}

int ksrtp_nl_recv_events(struct ksrtp_nl *nl, bool nonblock,
			 int (*cb)(const struct ksrtp_nl_event *ev, void *arg),
			 void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ksrtp_nl_event *ev = malloc(sizeof(*ev));
	struct event_cb_arg ea = { cb, arg, ev };
	ssize_t n;
	int ret;

	if (!ev)
		return -ENOMEM;
	n = recv(mnl_socket_get_fd(nl->sock), buf, sizeof(buf),
		 nonblock ? MSG_DONTWAIT : 0);
	if (n < 0) {
		ret = -errno;
		free(ev);
		return ret;
	}
	/* Notifications carry seq 0 and portid 0. */
	ret = mnl_cb_run(buf, (size_t)n, 0, 0, event_cb, &ea);
	free(ev);
	return ret < 0 ? -errno : 0;
}

static int watch_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *a, *b;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != KSRTP_A_WATCH)
			continue;
		mnl_attr_for_each_nested(b, a)
			if (mnl_attr_get_type(b) == KSRTP_A_WATCH_ID)
				*(uint32_t *)arg = mnl_attr_get_u32(b);
	}
	return MNL_CB_OK;
}

int ksrtp_nl_watch_new(struct ksrtp_nl *nl, uint16_t port_min,
		       uint16_t port_max, uint32_t *id)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	uint32_t got = 0;
	int ret;

	nlh = put_genl(buf, nl, nl->family_id, KSRTP_CMD_WATCH_NEW, 0);
	nest = mnl_attr_nest_start(nlh, KSRTP_A_WATCH);
	mnl_attr_put_u16(nlh, KSRTP_A_WATCH_PORT_MIN, port_min);
	mnl_attr_put_u16(nlh, KSRTP_A_WATCH_PORT_MAX, port_max);
	mnl_attr_nest_end(nlh, nest);
	ret = transact(nl, nlh, watch_cb, &got);
	if (!ret && id)
		*id = got;
	return ret;
}

int ksrtp_nl_watch_del(struct ksrtp_nl *nl, uint32_t id)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = put_genl(buf, nl, nl->family_id, KSRTP_CMD_WATCH_DEL, 0);
	nest = mnl_attr_nest_start(nlh, KSRTP_A_WATCH);
	mnl_attr_put_u32(nlh, KSRTP_A_WATCH_ID, id);
	mnl_attr_nest_end(nlh, nest);
	return transact(nl, nlh, NULL, NULL);
}

/* Relays (API 4): RELAY_NEW/DEL/GET. */
struct relay_cb_arg {
	int (*cb)(const struct ksrtp_relay_info *r, void *arg);
	void *arg;
	int stop;
};

static int relay_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct relay_cb_arg *ra = arg;
	const struct nlattr *a, *b;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		struct ksrtp_relay_info r = { 0 };

		if (mnl_attr_get_type(a) != KSRTP_A_RELAY)
			continue;
		mnl_attr_for_each_nested(b, a) {
			if (mnl_attr_get_payload_len(b) != 4)
				continue;
			switch (mnl_attr_get_type(b)) {
			case KSRTP_A_RELAY_ID:
				r.id = mnl_attr_get_u32(b);
				break;
			case KSRTP_A_RELAY_FLOW_A:
				r.flow_a = mnl_attr_get_u32(b);
				break;
			case KSRTP_A_RELAY_FLOW_B:
				r.flow_b = mnl_attr_get_u32(b);
				break;
			}
		}
		if (ra->cb && !ra->stop && ra->cb(&r, ra->arg))
			ra->stop = 1;
	}
	return MNL_CB_OK;
}

static int copy_relay(const struct ksrtp_relay_info *r, void *arg)
{
	*(struct ksrtp_relay_info *)arg = *r;
	return 0;
}

int ksrtp_nl_relay_new(struct ksrtp_nl *nl, uint32_t flow_a, uint32_t flow_b,
		       struct ksrtp_relay_info *out)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ksrtp_relay_info got = { 0 };
	struct relay_cb_arg ra = { copy_relay, &got, 0 };
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	int ret;

	nlh = put_genl(buf, nl, nl->family_id, KSRTP_CMD_RELAY_NEW, 0);
	nest = mnl_attr_nest_start(nlh, KSRTP_A_RELAY);
	mnl_attr_put_u32(nlh, KSRTP_A_RELAY_FLOW_A, flow_a);
	mnl_attr_put_u32(nlh, KSRTP_A_RELAY_FLOW_B, flow_b);
	mnl_attr_nest_end(nlh, nest);
	ret = transact(nl, nlh, relay_cb, &ra);
	if (!ret && out)
		*out = got;
	return ret;
}

int ksrtp_nl_relay_del(struct ksrtp_nl *nl, uint32_t id)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = put_genl(buf, nl, nl->family_id, KSRTP_CMD_RELAY_DEL, 0);
	nest = mnl_attr_nest_start(nlh, KSRTP_A_RELAY);
	mnl_attr_put_u32(nlh, KSRTP_A_RELAY_ID, id);
	mnl_attr_nest_end(nlh, nest);
	return transact(nl, nlh, NULL, NULL);
}

int ksrtp_nl_relay_get(struct ksrtp_nl *nl, uint32_t id,
		       struct ksrtp_relay_info *out)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct relay_cb_arg ra = { copy_relay, out, 0 };
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = put_genl(buf, nl, nl->family_id, KSRTP_CMD_RELAY_GET, 0);
	nest = mnl_attr_nest_start(nlh, KSRTP_A_RELAY);
	mnl_attr_put_u32(nlh, KSRTP_A_RELAY_ID, id);
	mnl_attr_nest_end(nlh, nest);
	return transact(nl, nlh, relay_cb, &ra);
}

int ksrtp_nl_relay_dump(struct ksrtp_nl *nl,
			int (*cb)(const struct ksrtp_relay_info *r, void *arg),
			void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct relay_cb_arg ra = { cb, arg, 0 };
	struct nlmsghdr *nlh;

	nlh = put_genl(buf, nl, nl->family_id, KSRTP_CMD_RELAY_GET, NLM_F_DUMP);
	return transact(nl, nlh, relay_cb, &ra);
}
