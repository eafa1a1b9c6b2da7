// SPDX-License-Identifier: GPL-2.0
/*
 * The flow table: one per network namespace.
 *
 * Writers (netlink, namespace teardown) hold kn->lock, a per-namespace
 * mutex: the family runs with parallel_ops, so two namespaces never wait
 * for each other, and nothing slow (key derivation, crypto allocation)
 * happens under it.  The packet path looks flows up under rcu_read_lock()
 * only; a removed flow, with its keys,
 * is wiped and freed from a workqueue after a grace period.
 */
#include <linux/jhash.h>
#include <linux/module.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <net/ipv6.h>
#include <net/netns/generic.h>

#include "flow.h"

/*
 * A flow costs ~1 KiB with its per-CPU counters, up to four keys (two
 * directions, two slots) a few KiB each with the default window and SSRC
 * bound, at most KSRTP_CTX_MAX_SIZE (512 KiB) each with the largest.  All
 * of it is charged to the memory cgroup of whoever created it.
 */
static unsigned int max_flows = 16384;
module_param(max_flows, uint, 0644);
MODULE_PARM_DESC(max_flows, "Maximum number of flows per network namespace (16384)");

static unsigned int ksrtp_net_id __read_mostly;
struct workqueue_struct *ksrtp_wq;

/*
 * The hash of a flow key: an IPv4 key has three words that are not zero,
 * so it is hashed as three (jhash_3words) instead of ten (jhash2 of the
 * whole key, the rhashtable default): on every packet of every flow.  The
 * seed is rhashtable's random one, so either is as hard to collide.
 */
static u32 flow_hash(const void *data, u32 len, u32 seed)
{
	const struct ksrtp_flow_key *k = data;

	if (k->family == AF_INET)
		return jhash_3words((__force u32)k->laddr.s6_addr32[0],
				    (__force u32)k->raddr.s6_addr32[0],
				    (__force u32)k->lport << 16 |
				    (__force u32)k->rport, seed);
	return jhash2((const u32 *)k, sizeof(*k) / sizeof(u32), seed);
}

/* 0 if equal: five 64-bit compares instead of a call to memcmp(). */
static int flow_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	const u64 *a = arg->key;
	const u64 *b = (const u64 *)&((const struct ksrtp_flow *)obj)->key;
	unsigned int i;
	u64 d = 0;

	for (i = 0; i < sizeof(struct ksrtp_flow_key) / sizeof(u64); i++)
		d |= a[i] ^ b[i];
	return d != 0;
}

static const struct rhashtable_params flow_params = {
	.key_len = sizeof(struct ksrtp_flow_key),
	.key_offset = offsetof(struct ksrtp_flow, key),
	.head_offset = offsetof(struct ksrtp_flow, node),
	.hashfn = flow_hash,
	.obj_cmpfn = flow_cmp,
	.automatic_shrinking = true,
};

struct ksrtp_net *ksrtp_net(const struct net *net)
{
	return net_generic(net, ksrtp_net_id);
}

struct ksrtp_flow *ksrtp_flow_lookup_rcu(struct ksrtp_net *kn,
					 const struct ksrtp_flow_key *key)
{
	return rhashtable_lookup(&kn->flows, key, flow_params);
}

/*
 * A packet's 4-tuple that is no flow's: is it a latching flow's?  Its
 * local address:port and remote address with any port (KSRTP_LATCH_PORT),
 * then its local address:port alone (KSRTP_LATCH_ADDR).  Two more lookups,
 * only in a namespace that has latching flows (kn->latching).
 */
struct ksrtp_flow *ksrtp_flow_lookup_latch_rcu(struct ksrtp_net *kn,
					       const struct ksrtp_flow_key *fk)
{
	struct ksrtp_flow_key w = *fk;
	struct ksrtp_flow *flow;

	w.rport = 0;
	w.latch = KSRTP_LATCH_PORT;
	flow = rhashtable_lookup(&kn->flows, &w, flow_params);
	if (flow)
		return flow;
	memset(&w.raddr, 0, sizeof(w.raddr));
	w.latch = KSRTP_LATCH_ADDR;
	return rhashtable_lookup(&kn->flows, &w, flow_params);
}

/*
 * The 4-tuple packets of @flow leave on: its key, or for a latching flow
 * the learned remote in @buf; NULL while it has not latched.
 */
const struct ksrtp_flow_key *ksrtp_flow_tuple(const struct ksrtp_flow *flow,
					      struct ksrtp_flow_key *buf)
{
	if (likely(!flow->key.latch))
		return &flow->key;
	if (!ksrtp_flow_latched(flow))
		return NULL;
	*buf = flow->key;
	buf->raddr = flow->lraddr;
	buf->rport = flow->lrport;
	buf->latch = 0;
	return buf;
}

/* Is @fk's remote (a packet's 4-tuple) the one @flow latched on? */
bool ksrtp_flow_is_remote(const struct ksrtp_flow *flow,
			  const struct ksrtp_flow_key *fk)
{
	return ksrtp_flow_latched(flow) && flow->lrport == fk->rport &&
	       ipv6_addr_equal(&flow->lraddr, &fk->raddr);
}

/*
 * Latch @flow on the remote of @fk, the 4-tuple of a packet it accepted.
 * Returns 1 if this packet latched it, 0 if it had latched on this remote
 * already, -EBUSY if on another one (or another CPU is latching it now:
 * of two first packets from two sources exactly one wins).
 */
int ksrtp_flow_latch(struct ksrtp_flow *flow, const struct ksrtp_flow_key *fk)
{
	if (cmpxchg(&flow->latch_state, KSRTP_UNLATCHED,
		    KSRTP_LATCH_CLAIMING) != KSRTP_UNLATCHED)
		return ksrtp_flow_is_remote(flow, fk) ? 0 : -EBUSY;
	flow->lraddr = fk->raddr;
	flow->lrport = fk->rport;
	/* Publishes lraddr/lrport to ksrtp_flow_latched()'s acquire. */
	smp_store_release(&flow->latch_state, KSRTP_LATCHED);
	return 1;
}

struct ksrtp_flow *ksrtp_flow_by_id(struct ksrtp_net *kn, u32 id)
{
	lockdep_assert_held(&kn->lock);
	return xa_load(&kn->ids, id);
}

void ksrtp_stats_read(struct ksrtp_pcpu_stats __percpu *s, u64 *out)
{
	unsigned int cpu, i, start;

	memset(out, 0, sizeof(u64) * KSRTP_NSTATS);
	for_each_possible_cpu(cpu) {
		const struct ksrtp_pcpu_stats *p = per_cpu_ptr(s, cpu);
		u64 v[KSRTP_NSTATS];

		do {
			start = u64_stats_fetch_begin(&p->syncp);
			for (i = 0; i < KSRTP_NSTATS; i++)
				v[i] = u64_stats_read(&p->c[i]);
		} while (u64_stats_fetch_retry(&p->syncp, start));
		for (i = 0; i < KSRTP_NSTATS; i++)
			out[i] += v[i];
	}
}

static void ksrtp_flow_destroy(struct ksrtp_flow *flow)
{
	unsigned int d, s;

	for (d = 0; d < KSRTP_DIRS; d++)
		for (s = 0; s < KSRTP_SLOTS; s++)
			ksrtp_key_destroy(rcu_dereference_protected(flow->keys[d][s], 1));
	dst_cache_destroy(&flow->dst_cache);
	free_percpu(flow->stats);
	kfree(flow);
}

static void ksrtp_flow_free_work(struct work_struct *work)
{
	ksrtp_flow_destroy(container_of(to_rcu_work(work), struct ksrtp_flow,
					free_work));
}

int ksrtp_flow_add(struct net *net, struct ksrtp_net *kn,
		   const struct ksrtp_flow_key *key, u8 mode, u32 policy,
		   struct ksrtp_flow **out)
{
	struct ksrtp_flow *flow;
	unsigned int cpu;
	int ret;

	lockdep_assert_held(&kn->lock);

	ret = -ENOSPC;
	if (kn->count >= max_flows)
		goto out;

	if (!kn->hooks_registered) {
		ret = ksrtp_hooks_register(net);
		if (ret)
			goto out;
		kn->hooks_registered = true;
	}

	ret = -ENOMEM;
	flow = kzalloc(sizeof(*flow), GFP_KERNEL_ACCOUNT);
	if (!flow)
		goto out;
	flow->stats = alloc_percpu_gfp(struct ksrtp_pcpu_stats,
				       GFP_KERNEL_ACCOUNT);
	if (!flow->stats)
		goto err_free;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(flow->stats, cpu)->syncp);
	flow->key = *key;
	flow->mode = mode;
	flow->policy = policy;

	ret = xa_alloc_cyclic(&kn->ids, &flow->id, flow, xa_limit_32b,
			      &kn->next_id, GFP_KERNEL_ACCOUNT);
	if (ret < 0)
		goto err_free;

	ret = rhashtable_lookup_insert_fast(&kn->flows, &flow->node,
					    flow_params);
	if (ret)
		goto err_id;

	kn->count++;
	if (key->latch)
		WRITE_ONCE(kn->latching, kn->latching + 1);
	kn->gen++;
	*out = flow;
	return 0;

err_id:
	xa_erase(&kn->ids, flow->id);
err_free:
	free_percpu(flow->stats);
	kfree(flow);
out:
	return ret;
}

void ksrtp_flow_remove(struct ksrtp_net *kn, struct ksrtp_flow *flow)
{
	lockdep_assert_held(&kn->lock);

	if (flow->relay)
		ksrtp_relay_unlink(kn, flow);
	rhashtable_remove_fast(&kn->flows, &flow->node, flow_params);
	xa_erase(&kn->ids, flow->id);
	kn->count--;
	if (flow->key.latch)
		WRITE_ONCE(kn->latching, kn->latching - 1);
	kn->gen++;
	INIT_RCU_WORK(&flow->free_work, ksrtp_flow_free_work);
	queue_rcu_work(ksrtp_wq, &flow->free_work);
}

static int __net_init ksrtp_net_init(struct net *net)
{
	struct ksrtp_net *kn = ksrtp_net(net);

	mutex_init(&kn->lock);
	xa_init_flags(&kn->ids, XA_FLAGS_ALLOC1);
	xa_init_flags(&kn->relays, XA_FLAGS_ALLOC1);
	kn->gen = 1;
	return rhashtable_init(&kn->flows, &flow_params);
}

/*
 * Unhook first.  nf_unregister_net_hooks() does not wait for hooks that
 * are running on other CPUs, and those read the flow table: the namespace
 * core waits for an RCU grace period between every pre_exit and exit
 * (cleanup_net, and unregister_pernet_subsys at module unload), so when
 * ksrtp_net_exit() frees the table no packet is still inside a hook.
 */
static void __net_exit ksrtp_net_pre_exit(struct net *net)
{
	struct ksrtp_net *kn = ksrtp_net(net);

	if (kn->hooks_registered)
		ksrtp_hooks_unregister(net);
}

static void __net_exit ksrtp_net_exit(struct net *net)
{
	struct ksrtp_net *kn = ksrtp_net(net);
	struct ksrtp_watches *ws;
	struct ksrtp_flow *flow;
	unsigned long id;

	mutex_lock(&kn->lock);
	xa_for_each(&kn->ids, id, flow)
		ksrtp_flow_remove(kn, flow);
	ws = rcu_replace_pointer(kn->watches, NULL, lockdep_is_held(&kn->lock));
	kfree_rcu(ws, rcu);
	mutex_unlock(&kn->lock);

	rhashtable_destroy(&kn->flows);
	xa_destroy(&kn->ids);
	ksrtp_relay_net_exit(kn);
}

static struct pernet_operations ksrtp_net_ops = {
	.init = ksrtp_net_init,
	.pre_exit = ksrtp_net_pre_exit,
	.exit = ksrtp_net_exit,
	.id = &ksrtp_net_id,
	.size = sizeof(struct ksrtp_net),
};

int ksrtp_flow_init(void)
{
	int ret;

	ksrtp_wq = alloc_workqueue("ksrtp", WQ_UNBOUND, 0);
	if (!ksrtp_wq)
		return -ENOMEM;
	ret = register_pernet_subsys(&ksrtp_net_ops);
	if (ret)
		destroy_workqueue(ksrtp_wq);
	return ret;
}

void ksrtp_flow_exit(void)
{
	unregister_pernet_subsys(&ksrtp_net_ops);
	/* Let the grace periods of removed flows and keys end, then drain. */
	rcu_barrier();
	destroy_workqueue(ksrtp_wq);
}
