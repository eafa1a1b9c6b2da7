/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSRTP_FLOW_H
#define _KSRTP_FLOW_H

#include <linux/in6.h>
#include <linux/mutex.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/dst_cache.h>
#include <net/net_namespace.h>

#include "stats.h"

struct ksrtp_ctx;

/*
 * The lookup key of a flow, seen from this host: our address and port, the
 * peer's address and port.  The hash table compares it as five u64 words
 * (flow.c), so it is 40 bytes, 8-byte aligned, has no padding, and unused
 * bytes are always zero.  An IPv4 address sits in the first word of the
 * in6_addr.  @latch is 0 in a packet's 4-tuple and in an exact flow's key;
 * a latching flow's key carries its KSRTP_LATCH_* kind there, with the
 * unknown remote port (and address) zero: no packet's 4-tuple equals it,
 * only ksrtp_flow_lookup_latch_rcu() finds it.
 */
struct ksrtp_flow_key {
	struct in6_addr laddr;
	struct in6_addr raddr;
	__be16 lport;
	__be16 rport;
	u16 family;
	u16 latch;
} __aligned(8);
static_assert(sizeof(struct ksrtp_flow_key) == 40);

enum { KSRTP_DIRS = 2, KSRTP_SLOTS = 2 };

/* One installed SRTP key: the core's context, serialised by @lock. */
struct ksrtp_key {
	spinlock_t lock;
	u16 profile;
	u8 dir;
	u8 slot;
	bool limit_reported;
	u64 packets;		/* under @lock */
	struct ksrtp_ctx *ctx;	/* ksrtp_ctx_size() bytes, wiped on free */
	size_t ctx_size;
	struct rcu_work free_work;
};

/* KSRTP_POLICY_RX_TRIAL as a bit number, for test_bit()/clear_bit() */
#define KSRTP_POLICY_RX_TRIAL_BIT	1

struct ksrtp_flow {
	struct rhash_head node;
	struct ksrtp_flow_key key;
	u32 id;
	u8 mode;
	/* KSRTP_POLICY_* bits; the packet path clears RX_TRIAL (clear_bit) */
	unsigned long policy;
	/* Readers: RCU.  Writers: ksrtp_net.lock. */
	struct ksrtp_key __rcu *keys[KSRTP_DIRS][KSRTP_SLOTS];
	u8 active[KSRTP_DIRS];	/* active slot per direction */
	unsigned long auth_event_at;	/* jiffies of the last AUTH_FAIL event */
	u64 auth_fail_reported;
	struct ksrtp_pcpu_stats __percpu *stats;
	/*
	 * Gateway (relay.c): the relay's other leg, read by the packet path
	 * under RCU; @relay for the writers.  Both under ksrtp_net.lock.
	 */
	struct ksrtp_flow __rcu *peer;
	struct ksrtp_relay *relay;
	/*
	 * Latching (RFC 4961; flow.c): @key.latch says what is unknown, and
	 * @key never changes.  The remote is learned once: the CPU that moves
	 * @latch_state from UNLATCHED to CLAIMING (cmpxchg) writes @lraddr and
	 * @lrport and publishes them with a release store of LATCHED; readers
	 * load @latch_state with acquire first.
	 */
	u32 latch_state;
	__be16 lrport;
	struct in6_addr lraddr;
	/*
	 * The route a relay sends this leg's datagrams on (relay.c): per-CPU,
	 * allocated when the flow first becomes a leg, freed with the flow.
	 */
	struct dst_cache dst_cache;
	struct rcu_work free_work;
};

enum { KSRTP_UNLATCHED, KSRTP_LATCH_CLAIMING, KSRTP_LATCHED };

/* Has @flow (a latching one) learned its remote? */
static inline bool ksrtp_flow_latched(const struct ksrtp_flow *flow)
{
	/* Pairs with the release in ksrtp_flow_latch(): lraddr/lrport set. */
	return smp_load_acquire(&flow->latch_state) == KSRTP_LATCHED;
}

struct ksrtp_watch {
	u32 id;
	u16 port_min;
	u16 port_max;
};

enum { KSRTP_MAX_WATCHES = 64, KSRTP_SEEN_SLOTS = 256 };

/* Per network namespace state. */
struct ksrtp_net {
	struct mutex lock;		/* serialises every change below */
	struct rhashtable flows;	/* by ksrtp_flow_key, RCU lookups */
	struct xarray ids;		/* flow id -> flow, for the control path */
	u32 next_id;
	u32 count;
	unsigned int gen;		/* bumped on every change, for dumps */
	bool hooks_registered;
	u32 zrtp_portid;		/* ZRTP listener, 0 = none */
	/* Watched port ranges: copy-on-write array, RCU readers. */
	struct ksrtp_watches __rcu *watches;
	u32 next_watch_id;
	struct xarray relays;		/* relay id -> relay (relay.c) */
	u32 next_relay_id;
	u32 latching;			/* flows with a latch key */
	/* Recently reported unknown 4-tuples (hash -> jiffies), lossy. */
	unsigned long seen[KSRTP_SEEN_SLOTS];
	u32 seen_hash[KSRTP_SEEN_SLOTS];
};

struct ksrtp_watches {
	struct rcu_head rcu;
	unsigned int n;
	struct ksrtp_watch w[];
};

struct ksrtp_net *ksrtp_net(const struct net *net);

struct ksrtp_flow *ksrtp_flow_lookup_rcu(struct ksrtp_net *kn,
					 const struct ksrtp_flow_key *key);
struct ksrtp_flow *ksrtp_flow_by_id(struct ksrtp_net *kn, u32 id);
/* Latching flows (flow.c), under RCU. */
struct ksrtp_flow *ksrtp_flow_lookup_latch_rcu(struct ksrtp_net *kn,
					       const struct ksrtp_flow_key *fk);
const struct ksrtp_flow_key *ksrtp_flow_tuple(const struct ksrtp_flow *flow,
					      struct ksrtp_flow_key *buf);
bool ksrtp_flow_is_remote(const struct ksrtp_flow *flow,
			  const struct ksrtp_flow_key *fk);
int ksrtp_flow_latch(struct ksrtp_flow *flow, const struct ksrtp_flow_key *fk);

int ksrtp_flow_add(struct net *net, struct ksrtp_net *kn,
		   const struct ksrtp_flow_key *key, u8 mode, u32 policy,
		   struct ksrtp_flow **out);
void ksrtp_flow_remove(struct ksrtp_net *kn, struct ksrtp_flow *flow);

/*
 * Keys (key.c).  ksrtp_key_create() runs without any lock (it sleeps, in
 * the crypto API); the others are writers and hold ksrtp_net.lock.
 */
struct ksrtp_key_params;
struct ksrtp_key *ksrtp_key_create(const struct ksrtp_key_params *p);
void ksrtp_key_publish(struct ksrtp_net *kn, struct ksrtp_flow *flow,
		       struct ksrtp_key *key, const struct ksrtp_key_params *p);
int ksrtp_key_delete(struct ksrtp_net *kn, struct ksrtp_flow *flow, u8 dir,
		     u8 slot);
int ksrtp_key_swap(struct ksrtp_net *kn, struct ksrtp_flow *flow, u8 dir);
void ksrtp_key_release(struct ksrtp_key *key);
void ksrtp_key_destroy(struct ksrtp_key *key);

/* Gateway relays (relay.c).  Writers hold ksrtp_net.lock. */
void ksrtp_relay_unlink(struct ksrtp_net *kn, struct ksrtp_flow *flow);
void ksrtp_relay_net_exit(struct ksrtp_net *kn);
unsigned int ksrtp_relay_xmit(struct net *net, struct ksrtp_flow *from,
			      struct ksrtp_flow *to, struct sk_buff *skb,
			      unsigned int l4off, bool v6, bool rtcp);

/* Hooks (hooks.c), registered in a namespace with its first flow. */
int ksrtp_hooks_register(struct net *net);
void ksrtp_hooks_unregister(struct net *net);

extern struct workqueue_struct *ksrtp_wq;

int ksrtp_flow_init(void);
void ksrtp_flow_exit(void);

#endif
