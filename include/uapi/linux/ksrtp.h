/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR BSD-2-Clause */
/*
 * ksrtp: in-kernel SRTP for configured UDP flows, keyed by a ZRTP daemon.
 *
 * This header is the whole contract between ksrtp.ko and userspace.  It is a
 * generic netlink family named KSRTP_GENL_NAME; everything crosses as
 * attributes, never as fixed structs.
 *
 * Conventions
 * -----------
 * - Every command that changes state needs CAP_NET_ADMIN in the user
 *   namespace owning the network namespace (GENL_UNS_ADMIN_PERM).  Queries
 *   are open to everyone.
 * - Objects live in the network namespace of the netlink socket that
 *   created them and die with it.
 * - Errors carry an extack message naming the attribute that was wrong.
 * - Key material goes in and never comes out.
 *
 * Commands and their attribute trees
 * ----------------------------------
 *
 * KSRTP_CMD_GET_INFO                          (query, doit)
 *   request:  (none)
 *   reply:    KSRTP_A_VERSION       u32   module version, KSRTP_VERSION
 *             KSRTP_A_API_VERSION   u32   KSRTP_API_VERSION of this header
 *             KSRTP_A_FEATURES      u64   KSRTP_F_* bits this module supports
 *             KSRTP_A_FLOW_COUNT    u32   flows in the caller's netns
 *
 * KSRTP_CMD_FLOW_NEW                          (admin)
 *   request:  KSRTP_A_FLOW          nest
 *               KSRTP_A_FLOW_LOCAL    nest  KSRTP_A_ADDR_* (required)
 *               KSRTP_A_FLOW_REMOTE   nest  KSRTP_A_ADDR_* (required)
 *               KSRTP_A_FLOW_MODE     u8    enum ksrtp_flow_mode (default DIVERT)
 *               KSRTP_A_FLOW_POLICY   u32   KSRTP_POLICY_* bits (default 0)
 *   reply:    KSRTP_A_FLOW nest with KSRTP_A_FLOW_ID, as FLOW_GET
 *   errors:   -EEXIST  a flow with the same 4-tuple exists
 *             -EAFNOSUPPORT local and remote of different families
 *             -ENOSPC  the netns flow limit is reached
 *
 *   An address nest is
 *               KSRTP_A_ADDR_FAMILY   u16   AF_INET or AF_INET6 (required)
 *               KSRTP_A_ADDR_IN       be32  IPv4 address   (one of IN/IN6,
 *               KSRTP_A_ADDR_IN6      16 bytes IPv6 address  matching FAMILY)
 *               KSRTP_A_ADDR_PORT     be16  UDP port, not 0 (required)
 *
 * KSRTP_CMD_FLOW_DEL                          (admin)
 *   request:  KSRTP_A_FLOW nest with KSRTP_A_FLOW_ID
 *             (or LOCAL + REMOTE to name it by its 4-tuple)
 *
 * KSRTP_CMD_FLOW_GET                          (query; doit and dump)
 *   doit:     KSRTP_A_FLOW nest naming the flow as for FLOW_DEL
 *   dump:     every flow of the netns; NLM_F_DUMP_INTR is set if the table
 *             changed during the dump (generation counter)
 *   reply:    KSRTP_A_FLOW nest
 *               KSRTP_A_FLOW_ID       u32
 *               KSRTP_A_FLOW_LOCAL    nest
 *               KSRTP_A_FLOW_REMOTE   nest
 *               KSRTP_A_FLOW_MODE     u8
 *               KSRTP_A_FLOW_POLICY   u32
 *
 * Commands reserved for the data path (not yet implemented; see
 * Documentation/netlink.md): FLOW_SET, KEY_NEW, KEY_DEL, KEY_SWAP, STATS_GET,
 * ZRTP_XMIT, WATCH_NEW, WATCH_DEL, and the multicast group "events".
 */
#ifndef _UAPI_LINUX_KSRTP_H
#define _UAPI_LINUX_KSRTP_H

#include <linux/types.h>

#define KSRTP_GENL_NAME		"ksrtp"
#define KSRTP_GENL_VERSION	1

/* Bumped whenever an attribute or command is added. */
#define KSRTP_API_VERSION	1

enum ksrtp_cmd {
	KSRTP_CMD_UNSPEC,
	KSRTP_CMD_GET_INFO,
	KSRTP_CMD_FLOW_NEW,
	KSRTP_CMD_FLOW_DEL,
	KSRTP_CMD_FLOW_GET,

	__KSRTP_CMD_MAX,
};
#define KSRTP_CMD_MAX (__KSRTP_CMD_MAX - 1)

/* Top-level attributes. */
enum ksrtp_attr {
	KSRTP_A_UNSPEC,
	KSRTP_A_VERSION,	/* u32 */
	KSRTP_A_API_VERSION,	/* u32 */
	KSRTP_A_FEATURES,	/* u64, KSRTP_F_* */
	KSRTP_A_FLOW_COUNT,	/* u32 */
	KSRTP_A_FLOW,		/* nest, enum ksrtp_flow_attr */
	KSRTP_A_PAD,

	__KSRTP_A_MAX,
};
#define KSRTP_A_MAX (__KSRTP_A_MAX - 1)

enum ksrtp_flow_attr {
	KSRTP_A_FLOW_UNSPEC,
	KSRTP_A_FLOW_ID,	/* u32 */
	KSRTP_A_FLOW_LOCAL,	/* nest, enum ksrtp_addr_attr */
	KSRTP_A_FLOW_REMOTE,	/* nest, enum ksrtp_addr_attr */
	KSRTP_A_FLOW_MODE,	/* u8, enum ksrtp_flow_mode */
	KSRTP_A_FLOW_POLICY,	/* u32, KSRTP_POLICY_* */

	__KSRTP_A_FLOW_MAX,
};
#define KSRTP_A_FLOW_MAX (__KSRTP_A_FLOW_MAX - 1)

enum ksrtp_addr_attr {
	KSRTP_A_ADDR_UNSPEC,
	KSRTP_A_ADDR_FAMILY,	/* u16, AF_INET or AF_INET6 */
	KSRTP_A_ADDR_IN,	/* be32 */
	KSRTP_A_ADDR_IN6,	/* 16 bytes */
	KSRTP_A_ADDR_PORT,	/* be16 */

	__KSRTP_A_ADDR_MAX,
};
#define KSRTP_A_ADDR_MAX (__KSRTP_A_ADDR_MAX - 1)

enum ksrtp_flow_mode {
	/* ZRTP is diverted to the daemon; RTP passes per policy. */
	KSRTP_FLOW_MODE_DIVERT = 0,
	/* As DIVERT, and RTP/RTCP are protected once keys are installed. */
	KSRTP_FLOW_MODE_SECURE = 1,
	__KSRTP_FLOW_MODE_MAX,
};
#define KSRTP_FLOW_MODE_MAX (__KSRTP_FLOW_MODE_MAX - 1)

/* Per-flow policy bits. */
enum {
	/* Drop clear RTP/RTCP on this flow while it has no keys. */
	KSRTP_POLICY_REQUIRE_SECURE = 1U << 0,
};
#define KSRTP_POLICY_MASK	(KSRTP_POLICY_REQUIRE_SECURE)

/* Feature bits reported by KSRTP_CMD_GET_INFO. */
enum {
	KSRTP_F_FLOWS	= 1ULL << 0,	/* FLOW_NEW/DEL/GET */
	KSRTP_F_IPV6	= 1ULL << 1,	/* IPv6 flows */
};

#endif /* _UAPI_LINUX_KSRTP_H */
