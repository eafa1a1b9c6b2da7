// SPDX-License-Identifier: GPL-2.0
/*
 * Gateway mode: a relay joins two flows of a network namespace (legs A and
 * B).  RTP/RTCP that a leg accepts at NF_INET_LOCAL_IN (hooks.c: after it
 * was authenticated and decrypted, or passed clear by the policy) does not
 * go on to a socket: ksrtp_relay_xmit() turns the same skb into a datagram
 * of the other leg, from its local address:port to its remote, and sends
 * it with ip_local_out()/ip6_local_out().  It then passes NF_INET_LOCAL_OUT
 * like anything this host sends, where the other leg's flow protects it
 * under its TX key if it is SECURE (hooks.c, unchanged).  Nothing is
 * allocated per packet: the headers are rewritten in place (the IP header
 * rebuilt in the room the received one used), and the route comes from
 * the leg's per-CPU dst cache.  See Documentation/design.md, "Gateway
 * relays".
 *
 * Lifetime: the packet path reads flow->peer under RCU.  A relay's two
 * peer pointers are cleared under ksrtp_net.lock before either flow can
 * be queued for freeing after a grace period (flow.c), so a packet that
 * read a peer keeps a valid one until its RCU section ends.  The relay
 * itself is never read by the packet path.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/dsfield.h>
#include <net/dst_cache.h>
#include <net/genetlink.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <net/route.h>
#include <net/udp.h>
#include <uapi/linux/ksrtp.h>

#include "flow.h"
#include "netlink.h"
#include "netlink-gen.h"
#include "srtp/srtp.h"

struct ksrtp_relay {
	u32 id;
	struct ksrtp_flow *leg[2];	/* A, B; under ksrtp_net.lock */
};

/* Unlink and free @flow's relay: both legs deliver to sockets again. */
void ksrtp_relay_unlink(struct ksrtp_net *kn, struct ksrtp_flow *flow)
{
	struct ksrtp_relay *r = flow->relay;
	unsigned int i;

	lockdep_assert_held(&kn->lock);
	if (!r)
		return;
	for (i = 0; i < 2; i++) {
		RCU_INIT_POINTER(r->leg[i]->peer, NULL);
		r->leg[i]->relay = NULL;
	}
	xa_erase(&kn->relays, r->id);
	kn->gen++;
	/* The packet path never reads @r: no grace period needed. */
	kfree(r);
}

/* Namespace exit: every flow, and with it every relay, is gone. */
void ksrtp_relay_net_exit(struct ksrtp_net *kn)
{
	WARN_ON_ONCE(!xa_empty(&kn->relays));
	xa_destroy(&kn->relays);
}

/*
 * The SRTP overhead @to adds to a packet on the way out: its TX key's
 * (the active slot, or the other if only that one is filled), or 0.
 */
static unsigned int ksrtp_relay_overhead(struct ksrtp_flow *to, bool rtcp)
{
	struct ksrtp_key *key;
	u8 act;

	if (READ_ONCE(to->mode) != KSRTP_FLOW_MODE_SECURE)
		return 0;
	act = READ_ONCE(to->active[KSRTP_KEY_DIR_TX]);
	key = rcu_dereference(to->keys[KSRTP_KEY_DIR_TX][act]);
	if (!key)
		key = rcu_dereference(to->keys[KSRTP_KEY_DIR_TX][!act]);
	return key ? ksrtp_overhead(key->ctx, rtcp) : 0;
}

static unsigned int ksrtp_relay_drop(struct ksrtp_flow *from,
				     unsigned int stat, struct dst_entry *dst)
{
	dst_release(dst);
	ksrtp_stat_inc(from->stats, stat);
	return NF_DROP;
}

/*
 * The route from @to's local address to its remote one (@k: the 4-tuple
 * of ksrtp_flow_tuple(), a latching leg's learned remote, which is set
 * once before anything is sent or cached), or an ERR_PTR:
 * from @to's per-CPU dst cache (a held reference, as from a lookup), else
 * looked up and cached.  The cache drops a route the stack invalidated
 * (a routing change, an address or device gone, a new PMTU exception:
 * dst->ops->check()), and RELAY_NEW resets it.  BH off: the cache is
 * per-CPU, and LOCAL_IN may run in process context (nf_reinject()).
 */
static struct dst_entry *ksrtp_relay_route(struct net *net,
					   struct ksrtp_flow *to,
					   const struct ksrtp_flow_key *k)
{
	struct dst_entry *dst;

	local_bh_disable();
	if (k->family == AF_INET) {
		struct flowi4 fl4 = {
			.daddr = k->raddr.s6_addr32[0],
			.saddr = k->laddr.s6_addr32[0],
			.flowi4_proto = IPPROTO_UDP,
			.fl4_sport = k->lport,
			.fl4_dport = k->rport,
		};
		struct rtable *rt = dst_cache_get_ip4(&to->dst_cache,
						      &fl4.saddr);

		if (!rt) {
			rt = ip_route_output_key(net, &fl4);
			if (!IS_ERR(rt))
				dst_cache_set_ip4(&to->dst_cache, &rt->dst,
						  fl4.saddr);
		}
		dst = IS_ERR(rt) ? ERR_CAST(rt) : &rt->dst;
	} else {
		struct flowi6 fl6 = {
			.daddr = k->raddr,
			.saddr = k->laddr,
			.flowi6_proto = IPPROTO_UDP,
			.fl6_sport = k->lport,
			.fl6_dport = k->rport,
		};

		dst = dst_cache_get_ip6(&to->dst_cache, &fl6.saddr);
		if (!dst) {
			dst = ip6_route_output(net, NULL, &fl6);
			if (dst->error) {
				int err = dst->error;

				dst_release(dst);
				dst = ERR_PTR(err);
			} else {
				dst_cache_set_ip6(&to->dst_cache, dst,
						  &fl6.saddr);
			}
		}
	}
	local_bh_enable();
	return dst;
}

/*
 * A packet of @from, accepted there and now clear RTP/RTCP (its UDP
 * header at @l4off from skb->data, the network header at skb->data, the
 * lengths already fixed by the ingress path), leaves as @to's.  Called
 * from NF_INET_LOCAL_IN under RCU.  Returns NF_STOLEN once sent, NF_DROP
 * (counted on @from) if it cannot be.
 *
 * As a router does: TTL (hop limit) is the received one minus one, and a
 * packet that arrived with 1 or less is dropped; DSCP and ECN are copied;
 * IPv4 gets DF and is never fragmented: a packet whose SRTP tag would take
 * it past the route's MTU is dropped and counted.  The skb is scrubbed as
 * it crosses from one leg to the other (socket of an early demux, dst,
 * conntrack entry, mark, timestamp): the other leg's conntrack and filter
 * rules see a new locally generated datagram.
 */
unsigned int ksrtp_relay_xmit(struct net *net, struct ksrtp_flow *from,
			      struct ksrtp_flow *to, struct sk_buff *skb,
			      unsigned int l4off, bool v6, bool rtcp)
{
	struct ksrtp_flow_key kbuf;
	const struct ksrtp_flow_key *k = ksrtp_flow_tuple(to, &kbuf);
	bool out6 = to->key.family == AF_INET6;
	unsigned int hlen = out6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr);
	struct dst_entry *dst;
	struct udphdr *uh;
	unsigned int ulen;
	u8 ttl, dsfield;
	int err;

	if (v6) {
		ttl = ipv6_hdr(skb)->hop_limit;
		dsfield = ipv6_get_dsfield(ipv6_hdr(skb));
	} else {
		ttl = ip_hdr(skb)->ttl;
		dsfield = ip_hdr(skb)->tos;
	}
	if (ttl <= 1)
		return ksrtp_relay_drop(from, KSRTP_A_STATS_RELAY_TTL_DROPPED,
					NULL);
	/* A latching leg that has not learned its remote yet: nowhere to go. */
	if (unlikely(!k))
		return ksrtp_relay_drop(from, KSRTP_A_STATS_RELAY_ERRORS, NULL);
	if (skb_ensure_writable(skb, l4off + sizeof(*uh)))
		return ksrtp_relay_drop(from, KSRTP_A_STATS_RELAY_ERRORS, NULL);
	ulen = ntohs(((struct udphdr *)(skb->data + l4off))->len);

	dst = ksrtp_relay_route(net, to, k);
	if (IS_ERR(dst))
		return ksrtp_relay_drop(from, KSRTP_A_STATS_RELAY_ERRORS, NULL);
	if (hlen + ulen + ksrtp_relay_overhead(to, rtcp) > dst_mtu(dst))
		return ksrtp_relay_drop(from, KSRTP_A_STATS_RELAY_MTU_DROPPED,
					dst);

	/* Headers: the UDP one kept, a fresh IP one in front of it. */
	__skb_pull(skb, l4off);
	skb_reset_transport_header(skb);
	if (skb_cow_head(skb, hlen + LL_RESERVED_SPACE(dst->dev)))
		return ksrtp_relay_drop(from, KSRTP_A_STATS_RELAY_ERRORS, dst);
	skb_orphan(skb);
	skb_scrub_packet(skb, true);
	uh = udp_hdr(skb);
	uh->source = k->lport;
	uh->dest = k->rport;
	skb_push(skb, hlen);
	skb_reset_network_header(skb);
	if (!out6) {
		struct iphdr *iph = ip_hdr(skb);

		iph->version = 4;
		iph->ihl = 5;
		iph->tos = dsfield;
		iph->tot_len = htons(skb->len);
		iph->frag_off = htons(IP_DF);
		iph->ttl = ttl - 1;
		iph->protocol = IPPROTO_UDP;
		iph->saddr = k->laddr.s6_addr32[0];
		iph->daddr = k->raddr.s6_addr32[0];
		iph->id = 0;	/* DF: RFC 6864 */
		skb->ip_summed = CHECKSUM_NONE;
		udp_set_csum(false, skb, iph->saddr, iph->daddr, ulen);
		memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
		skb->protocol = htons(ETH_P_IP);
	} else {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);

		ip6_flow_hdr(ip6h, dsfield, 0);
		ip6h->payload_len = htons(ulen);
		ip6h->nexthdr = IPPROTO_UDP;
		ip6h->hop_limit = ttl - 1;
		ip6h->saddr = k->laddr;
		ip6h->daddr = k->raddr;
		skb->ip_summed = CHECKSUM_NONE;
		udp6_set_csum(false, skb, &ip6h->saddr, &ip6h->daddr, ulen);
		memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
		skb->protocol = htons(ETH_P_IPV6);
	}
	skb_dst_set(skb, dst);

	/* LOCAL_OUT: the other leg's flow protects it if it is SECURE. */
	if (out6)
		err = ip6_local_out(net, NULL, skb);
	else
		err = ip_local_out(net, NULL, skb);
	if (unlikely(net_xmit_eval(err))) {
		ksrtp_stat_inc(from->stats, KSRTP_A_STATS_RELAY_ERRORS);
	} else {
		ksrtp_stat_inc(from->stats, KSRTP_A_STATS_RELAY_PACKETS);
		ksrtp_stat_add(from->stats, KSRTP_A_STATS_RELAY_BYTES,
			       ulen - sizeof(*uh));
	}
	return NF_STOLEN;
}

/* Netlink: RELAY_NEW, RELAY_DEL, RELAY_GET (include/uapi/linux/ksrtp.h). */

static int ksrtp_put_relay(struct sk_buff *skb, const struct ksrtp_relay *r)
{
	struct nlattr *nest = nla_nest_start(skb, KSRTP_A_RELAY);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, KSRTP_A_RELAY_ID, r->id) ||
	    nla_put_u32(skb, KSRTP_A_RELAY_FLOW_A, r->leg[0]->id) ||
	    nla_put_u32(skb, KSRTP_A_RELAY_FLOW_B, r->leg[1]->id)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int ksrtp_reply_relay(struct genl_info *info, u8 cmd,
			     const struct ksrtp_relay *r)
{
	struct sk_buff *msg;
	void *hdr;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ksrtp_genl_family, 0, cmd);
	if (!hdr || ksrtp_put_relay(msg, r)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* The RELAY nest of a request, parsed into @tb; 0 or -errno. */
static int ksrtp_relay_parse(struct genl_info *info, struct nlattr **tb)
{
	if (!info->attrs[KSRTP_A_RELAY]) {
		NL_SET_ERR_MSG(info->extack, "missing relay (KSRTP_A_RELAY)");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, KSRTP_A_RELAY);
		return -EINVAL;
	}
	return nla_parse_nested(tb, KSRTP_A_RELAY_MAX,
				info->attrs[KSRTP_A_RELAY],
				ksrtp_relay_nl_policy, info->extack);
}

/* A leg named by FLOW_A or FLOW_B: it must exist, and be in no relay. */
static struct ksrtp_flow *ksrtp_relay_leg(struct ksrtp_net *kn,
					  struct genl_info *info,
					  struct nlattr **tb, int type)
{
	struct nlattr *nest = info->attrs[KSRTP_A_RELAY];
	struct ksrtp_flow *flow;

	if (!tb[type]) {
		if (type == KSRTP_A_RELAY_FLOW_A)
			NL_SET_ERR_MSG_ATTR(info->extack, nest,
					    "missing leg A (KSRTP_A_RELAY_FLOW_A)");
		else
			NL_SET_ERR_MSG_ATTR(info->extack, nest,
					    "missing leg B (KSRTP_A_RELAY_FLOW_B)");
		NL_SET_ERR_ATTR_MISS(info->extack, nest, type);
		return ERR_PTR(-EINVAL);
	}
	flow = ksrtp_flow_by_id(kn, nla_get_u32(tb[type]));
	if (!flow) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[type],
				    "no flow with this id");
		return ERR_PTR(-ENOENT);
	}
	if (flow->relay) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[type],
				    "this flow is already a leg of a relay");
		return ERR_PTR(-EBUSY);
	}
	return flow;
}

/*
 * A leg's route cache: allocated when the flow first becomes a leg (kept
 * until the flow is freed, after a grace period: a packet that read the
 * flow as a peer may still use it), emptied when it becomes one again.
 */
static int ksrtp_relay_dst_cache(struct ksrtp_flow *flow)
{
	if (flow->dst_cache.cache) {
		dst_cache_reset(&flow->dst_cache);
		return 0;
	}
	return dst_cache_init(&flow->dst_cache, GFP_KERNEL_ACCOUNT);
}

int ksrtp_nl_relay_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ksrtp_net *kn = ksrtp_net(genl_info_net(info));
	struct nlattr *tb[KSRTP_A_RELAY_MAX + 1];
	struct ksrtp_flow *a, *b;
	struct ksrtp_relay *r;
	int ret;

	ret = ksrtp_relay_parse(info, tb);
	if (ret)
		return ret;
	if (tb[KSRTP_A_RELAY_ID]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KSRTP_A_RELAY_ID],
				    "relay id is assigned by the kernel");
		return -EINVAL;
	}
	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return -ENOMEM;

	mutex_lock(&kn->lock);
	a = ksrtp_relay_leg(kn, info, tb, KSRTP_A_RELAY_FLOW_A);
	b = IS_ERR(a) ? a : ksrtp_relay_leg(kn, info, tb, KSRTP_A_RELAY_FLOW_B);
	if (IS_ERR(b)) {
		ret = PTR_ERR(b);
		goto err;
	}
	if (a == b) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KSRTP_A_RELAY_FLOW_B],
				    "leg A and leg B are the same flow");
		ret = -EINVAL;
		goto err;
	}
	ret = ksrtp_relay_dst_cache(a);
	if (!ret)
		ret = ksrtp_relay_dst_cache(b);
	if (ret)
		goto err;
	/*
	 * At most max_flows / 2 relays: a flow is a leg of one relay at most,
	 * and the flow limit bounds the flows.
	 */
	ret = xa_alloc_cyclic(&kn->relays, &r->id, r, xa_limit_32b,
			      &kn->next_relay_id, GFP_KERNEL_ACCOUNT);
	if (ret < 0)
		goto err;
	r->leg[0] = a;
	r->leg[1] = b;
	a->relay = r;
	b->relay = r;
	rcu_assign_pointer(a->peer, b);
	rcu_assign_pointer(b->peer, a);
	kn->gen++;
	ret = ksrtp_reply_relay(info, KSRTP_CMD_RELAY_NEW, r);
	mutex_unlock(&kn->lock);
	return ret;

err:
	mutex_unlock(&kn->lock);
	kfree(r);
	return ret;
}

/* The relay named by RELAY_ID, under kn->lock. */
static struct ksrtp_relay *ksrtp_relay_find(struct ksrtp_net *kn,
					    struct genl_info *info)
{
	struct nlattr *tb[KSRTP_A_RELAY_MAX + 1];
	struct ksrtp_relay *r;
	int ret;

	ret = ksrtp_relay_parse(info, tb);
	if (ret)
		return ERR_PTR(ret);
	if (!tb[KSRTP_A_RELAY_ID]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KSRTP_A_RELAY],
				    "missing relay id (KSRTP_A_RELAY_ID)");
		NL_SET_ERR_ATTR_MISS(info->extack, info->attrs[KSRTP_A_RELAY],
				     KSRTP_A_RELAY_ID);
		return ERR_PTR(-EINVAL);
	}
	r = xa_load(&kn->relays, nla_get_u32(tb[KSRTP_A_RELAY_ID]));
	if (!r) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KSRTP_A_RELAY_ID],
				    "no relay with this id");
		return ERR_PTR(-ENOENT);
	}
	return r;
}

int ksrtp_nl_relay_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ksrtp_net *kn = ksrtp_net(genl_info_net(info));
	struct ksrtp_relay *r;
	int ret = 0;

	mutex_lock(&kn->lock);
	r = ksrtp_relay_find(kn, info);
	if (IS_ERR(r))
		ret = PTR_ERR(r);
	else
		ksrtp_relay_unlink(kn, r->leg[0]);
	mutex_unlock(&kn->lock);
	return ret;
}

int ksrtp_nl_relay_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ksrtp_net *kn = ksrtp_net(genl_info_net(info));
	struct ksrtp_relay *r;
	int ret;

	mutex_lock(&kn->lock);
	r = ksrtp_relay_find(kn, info);
	if (IS_ERR(r))
		ret = PTR_ERR(r);
	else
		ret = ksrtp_reply_relay(info, KSRTP_CMD_RELAY_GET, r);
	mutex_unlock(&kn->lock);
	return ret;
}

int ksrtp_nl_relay_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ksrtp_net *kn = ksrtp_net(sock_net(skb->sk));
	unsigned long id = cb->args[0];
	struct ksrtp_relay *r;
	void *hdr;

	mutex_lock(&kn->lock);
	cb->seq = kn->gen;
	xa_for_each_start(&kn->relays, id, r, id) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &ksrtp_genl_family,
				  NLM_F_MULTI, KSRTP_CMD_RELAY_GET);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (ksrtp_put_relay(skb, r)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = id + 1;
	}
	mutex_unlock(&kn->lock);
	return skb->len;
}
