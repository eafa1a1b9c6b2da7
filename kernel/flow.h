/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSRTP_FLOW_H
#define _KSRTP_FLOW_H

#include <linux/in6.h>
#include <linux/mutex.h>
#include <linux/rhashtable-types.h>
#include <linux/xarray.h>
#include <net/net_namespace.h>

/*
 * The lookup key of a flow, seen from this host: our address and port, the
 * peer's address and port.  Compared with memcmp by the hash table, so it has
 * no padding and unused bytes are always zero.  An IPv4 address sits in the
 * first word of the in6_addr.
 */
struct ksrtp_flow_key {
	struct in6_addr laddr;
	struct in6_addr raddr;
	__be16 lport;
	__be16 rport;
	u16 family;
	u16 zero;
};

struct ksrtp_flow {
	struct rhash_head node;
	struct ksrtp_flow_key key;
	u32 id;
	u8 mode;
	u32 policy;
	struct rcu_head rcu;
};

/* Per network namespace state. */
struct ksrtp_net {
	struct mutex lock;		/* serialises every change below */
	struct rhashtable flows;	/* by ksrtp_flow_key, RCU lookups */
	struct xarray ids;		/* flow id -> flow, for the control path */
	u32 next_id;
	u32 count;
	unsigned int gen;		/* bumped on every change, for dumps */
};

struct ksrtp_net *ksrtp_net(const struct net *net);

struct ksrtp_flow *ksrtp_flow_lookup_rcu(struct ksrtp_net *kn,
					 const struct ksrtp_flow_key *key);
struct ksrtp_flow *ksrtp_flow_by_id(struct ksrtp_net *kn, u32 id);

int ksrtp_flow_add(struct ksrtp_net *kn, const struct ksrtp_flow_key *key,
		   u8 mode, u32 policy, struct ksrtp_flow **out);
void ksrtp_flow_remove(struct ksrtp_net *kn, struct ksrtp_flow *flow);

int ksrtp_flow_init(void);
void ksrtp_flow_exit(void);

#endif
