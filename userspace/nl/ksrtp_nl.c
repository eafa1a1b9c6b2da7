// SPDX-License-Identifier: GPL-2.0
/* Client of the ksrtp generic netlink family; see ksrtp_nl.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/ksrtp.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ksrtp_nl.h"

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
		ret = mnl_cb_run(buf, ret, seq, nl->portid, cb, arg);
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
