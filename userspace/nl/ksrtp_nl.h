/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
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
	/*
	 * Replies only (since KSRTP_0.1; in what was padding, so the struct
	 * keeps its size and layout): enum ksrtp_latch of a latching flow,
	 * and whether it has learned its remote (then in @remote; before,
	 * @remote has port 0, and for KSRTP_LATCH_ADDR no address).  Requests
	 * ignore them: ksrtp_nl_flow_new_latch() creates a latching flow.
	 */
	uint8_t latch;
	uint8_t latched;
	uint32_t policy;
};

/*
 * Room for the kernel's per-flow counters (enum ksrtp_stats_attr): fixed for
 * the life of soname libksrtp.so.1, with headroom, so new kernel counters up
 * to index 31 need no new soname (older programs just do not name them).
 * Soname 0 had 24 and no room for API 5's counters.
 */
#define KSRTP_NL_NSTATS 32

struct ksrtp_info {
	uint32_t version;
	uint32_t api_version;
	uint64_t features;
	uint32_t flow_count;
	bool has_flow_count;	/* the kernel tells it to CAP_NET_ADMIN only */
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

/* FLOW_SET: changes mode and policy of the flow named by id or addresses. */
int ksrtp_nl_flow_set(struct ksrtp_nl *nl, const struct ksrtp_flow_info *f);

struct ksrtp_key_req {
	uint32_t flow_id;
	uint8_t dir;		/* KSRTP_KEY_DIR_TX / _RX */
	uint8_t slot;		/* 0 or 1 */
	uint16_t profile;	/* enum ksrtp_srtp_profile */
	uint8_t key[32];
	uint8_t key_len;	/* 16 or 32 */
	uint8_t salt[14];
	uint8_t salt_len;	/* 14, or 12 for GCM */
	bool has_roc;		/* send ROC (and SEQ) */
	uint32_t roc;
	bool has_seq;
	uint16_t seq;
	uint32_t replay_window;	/* 0: kernel default */
	uint32_t max_ssrcs;	/* 0: kernel default */
};

/* KEY_NEW; the request (key bytes) is wiped after sending. */
int ksrtp_nl_key_new(struct ksrtp_nl *nl, struct ksrtp_key_req *k);
int ksrtp_nl_key_del(struct ksrtp_nl *nl, uint32_t flow_id, uint8_t dir,
		     uint8_t slot);
int ksrtp_nl_key_swap(struct ksrtp_nl *nl, uint32_t flow_id, uint8_t dir);

/* Per-flow counters, indexed by enum ksrtp_stats_attr. */
struct ksrtp_flow_stats {
	struct ksrtp_flow_info flow;
	uint64_t c[KSRTP_NL_NSTATS];
	unsigned int nkeys;
	struct {
		uint8_t dir, slot, active;
		uint16_t profile;
		uint32_t roc;
		uint64_t packets;
	} keys[4];
};
int ksrtp_nl_stats_get(struct ksrtp_nl *nl, const struct ksrtp_flow_info *f,
		       struct ksrtp_flow_stats *out);
int ksrtp_nl_stats_dump(struct ksrtp_nl *nl,
			int (*cb)(const struct ksrtp_flow_stats *s, void *arg),
			void *arg);

/*
 * ZRTP: make this socket the receiver of diverted ZRTP packets (LISTEN),
 * send one (XMIT), and receive the next ZRTP_RECV or multicast event.
 * Use a dedicated struct ksrtp_nl for listening: notifications arrive on it
 * asynchronously.  ksrtp_nl_fd() is for poll/epoll.
 */
int ksrtp_nl_zrtp_listen(struct ksrtp_nl *nl);
int ksrtp_nl_zrtp_xmit(struct ksrtp_nl *nl, const struct ksrtp_flow_info *f,
		       const uint8_t *pkt, size_t len);
int ksrtp_nl_join_events(struct ksrtp_nl *nl);
int ksrtp_nl_fd(const struct ksrtp_nl *nl);

struct ksrtp_nl_event {
	uint8_t cmd;		/* KSRTP_CMD_ZRTP_RECV, _FLOW_SEEN, _AUTH_FAIL, _KEY_LIMIT */
	struct ksrtp_flow_info flow;	/* id 0 for an unknown 4-tuple */
	uint8_t kind;		/* FLOW_SEEN: enum ksrtp_event_kind */
	uint8_t dir, slot;	/* KEY_LIMIT */
	uint8_t pkt[2048];	/* ZRTP_RECV */
	size_t len;
};
/*
 * Read one batch of notifications and call cb for each.  Returns 0, or
 * -EAGAIN if the socket had nothing (non-blocking mode), or -errno.
 */
int ksrtp_nl_recv_events(struct ksrtp_nl *nl, bool nonblock,
			 int (*cb)(const struct ksrtp_nl_event *ev, void *arg),
			 void *arg);

int ksrtp_nl_watch_new(struct ksrtp_nl *nl, uint16_t port_min,
		       uint16_t port_max, uint32_t *id);
int ksrtp_nl_watch_del(struct ksrtp_nl *nl, uint32_t id);

/*
 * Raw access, for tests that build malformed requests by hand: start a
 * request of @cmd in @buf (MNL_SOCKET_BUFFER_SIZE bytes), add attributes
 * with libmnl, then send it and wait for the ACK.
 */
struct nlmsghdr;
struct nlmsghdr *ksrtp_nl_msg(struct ksrtp_nl *nl, char *buf, uint8_t cmd,
			      uint16_t flags);
int ksrtp_nl_send(struct ksrtp_nl *nl, struct nlmsghdr *nlh);

/*
 * Relays (gateway mode, API 4): two flows of the netns joined so the kernel
 * forwards each leg's accepted RTP/RTCP out of the other (uapi header,
 * KSRTP_CMD_RELAY_NEW).  Per-leg counters are in each flow's stats
 * (KSRTP_A_STATS_RELAY_*).
 */
struct ksrtp_relay_info {
	uint32_t id;
	uint32_t flow_a, flow_b;	/* flow ids of leg A and leg B */
};
int ksrtp_nl_relay_new(struct ksrtp_nl *nl, uint32_t flow_a, uint32_t flow_b,
		       struct ksrtp_relay_info *out);
int ksrtp_nl_relay_del(struct ksrtp_nl *nl, uint32_t id);
int ksrtp_nl_relay_get(struct ksrtp_nl *nl, uint32_t id,
		       struct ksrtp_relay_info *out);
int ksrtp_nl_relay_dump(struct ksrtp_nl *nl,
			int (*cb)(const struct ksrtp_relay_info *r, void *arg),
			void *arg);

/*
 * Latching (symmetric RTP, RFC 4961; API 5, KSRTP_F_LATCH; KSRTP_0.1):
 * FLOW_NEW of a flow that learns its remote port (KSRTP_LATCH_PORT: the
 * port of req->remote is not sent) or its remote address and port
 * (KSRTP_LATCH_ADDR: req->remote is not sent) from the first packet that
 * authenticates on it (or, with KSRTP_POLICY_LATCH_CLEAR in req->policy,
 * the first clear RTP/RTCP).  The kernel then sends KSRTP_CMD_FLOW_LATCHED
 * to the events group; FLOW_GET shows latch, latched and the remote.
 * Delete or name such a flow by its id.
 */
int ksrtp_nl_flow_new_latch(struct ksrtp_nl *nl,
			    const struct ksrtp_flow_info *req, uint8_t latch,
			    struct ksrtp_flow_info *out);

/*
 * SDES (RFC 4568): fill k's profile, key and salt from one crypto attribute,
 * "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:BASE64[|2^31]" (or without
 * "a=" / "a=crypto:"), as a signalling stack negotiated it.  Suites: the
 * six profiles of enum ksrtp_srtp_profile by their SDES names.  Refused with
 * -EINVAL and a reason in *why: unknown suite, bad base64, a key of the wrong
 * length, MKI, several keys, session parameters.  The other fields of k are
 * left as they were.
 */
int ksrtp_sdes_parse(const char *attr, struct ksrtp_key_req *k,
		     const char **why);

/* "10.0.0.1:4000", "[fe80::1]:4000" <-> struct ksrtp_sockaddr. */
int ksrtp_parse_sockaddr(const char *s, struct ksrtp_sockaddr *sa);
const char *ksrtp_format_sockaddr(const struct ksrtp_sockaddr *sa, char *buf,
				  size_t len);

#endif
