/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small client of the "ksrtp" generic netlink family (libmnl).  Used by
 * zrtpctl, zrtpd and the kernel tests.  Every call returns 0 or a negative
 * errno; when the kernel sent an extack message it is kept in nl->err_msg.
 */
#ifndef KSRTP_NL_H
#define KSRTP_NL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

struct mnl_socket;

struct ksrtp_nl {
	struct mnl_socket *sock;
	uint16_t family_id;
	uint32_t seq;
	uint32_t portid;
	char err_msg[256];	/* extack message of the last error, or "" */
};

struct ksrtp_sockaddr {
	int family;		/* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} addr;
	uint16_t port;		/* host order */
};

struct ksrtp_flow_info {
	uint32_t id;
	struct ksrtp_sockaddr local;
	struct ksrtp_sockaddr remote;
	uint8_t mode;
	uint32_t policy;
};

struct ksrtp_info {
	uint32_t version;
	uint32_t api_version;
	uint64_t features;
	uint32_t flow_count;
};

/* Opens a socket and resolves the family; -ENOENT if ksrtp is not loaded. */
int ksrtp_nl_open(struct ksrtp_nl *nl);
void ksrtp_nl_close(struct ksrtp_nl *nl);

int ksrtp_nl_get_info(struct ksrtp_nl *nl, struct ksrtp_info *info);
int ksrtp_nl_flow_new(struct ksrtp_nl *nl, const struct ksrtp_flow_info *req,
		      struct ksrtp_flow_info *out);
/* Names the flow by id if id != 0, else by its addresses. */
int ksrtp_nl_flow_del(struct ksrtp_nl *nl, const struct ksrtp_flow_info *f);
int ksrtp_nl_flow_get(struct ksrtp_nl *nl, const struct ksrtp_flow_info *f,
		      struct ksrtp_flow_info *out);
/* Calls cb for each flow; stops early if cb returns non-zero. */
int ksrtp_nl_flow_dump(struct ksrtp_nl *nl,
		       int (*cb)(const struct ksrtp_flow_info *f, void *arg),
		       void *arg);

/*
 * Raw access, for tests that build malformed requests by hand: start a
 * request of @cmd in @buf (MNL_SOCKET_BUFFER_SIZE bytes), add attributes
 * with libmnl, then send it and wait for the ACK.
 */
struct nlmsghdr;
struct nlmsghdr *ksrtp_nl_msg(struct ksrtp_nl *nl, char *buf, uint8_t cmd,
			      uint16_t flags);
int ksrtp_nl_send(struct ksrtp_nl *nl, struct nlmsghdr *nlh);

/* "10.0.0.1:4000", "[fe80::1]:4000" <-> struct ksrtp_sockaddr. */
int ksrtp_parse_sockaddr(const char *s, struct ksrtp_sockaddr *sa);
const char *ksrtp_format_sockaddr(const struct ksrtp_sockaddr *sa, char *buf,
				  size_t len);

#endif
