// SPDX-License-Identifier: GPL-2.0
/*
 * ZRTP on flows: incoming ZRTP is handed to the daemon over netlink, the
 * daemon's ZRTP leaves as UDP built here; watched port ranges report
 * unknown 4-tuples; events.
 *
 * The listener is one netlink port id per namespace, set by ZRTP_LISTEN and
 * cleared when that socket is released (netlink notifier).
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/jhash.h>
#include <linux/netlink.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/udp.h>

#include "netlink.h"
#include "zrtp.h"

bool ksrtp_zrtp_divert(struct net *net, struct ksrtp_net *kn,
		       struct ksrtp_flow *flow,
		       const struct ksrtp_flow_key *fk, const u8 *pkt,
		       unsigned int len)
{
	u32 portid = READ_ONCE(kn->zrtp_portid);
	bool ok = portid &&
		  !ksrtp_nl_zrtp_recv(net, portid, flow ? flow->id : 0, fk,
				      pkt, len);

	if (flow)
		ksrtp_stat_inc(flow->stats, ok ? KSRTP_A_STATS_ZRTP_RX :
					       KSRTP_A_STATS_ZRTP_DROPPED);
	return ok;
}

static int ksrtp_xmit4(struct net *net, struct sk_buff *skb,
		       const struct ksrtp_flow_key *fk, unsigned int ulen)
{
	struct flowi4 fl4 = {
		.daddr = fk->raddr.s6_addr32[0],
		.saddr = fk->laddr.s6_addr32[0],
		.flowi4_proto = IPPROTO_UDP,
		.fl4_sport = fk->lport,
		.fl4_dport = fk->rport,
	};
	struct udphdr *uh = udp_hdr(skb);
	struct rtable *rt;
	struct iphdr *iph;

	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt)) {
		kfree_skb(skb);
		return PTR_ERR(rt);
	}
	skb_dst_set(skb, &rt->dst);

	uh->check = 0;
	uh->check = csum_tcpudp_magic(fl4.saddr, fl4.daddr, ulen, IPPROTO_UDP,
				      skb_checksum(skb, skb_transport_offset(skb),
						   ulen, 0));
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;

	skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	iph = ip_hdr(skb);
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->tos = 0;
	iph->tot_len = htons(skb->len);
	iph->frag_off = htons(IP_DF);
	iph->ttl = ip4_dst_hoplimit(&rt->dst);
	iph->protocol = IPPROTO_UDP;
	iph->saddr = fl4.saddr;
	iph->daddr = fl4.daddr;
	ip_select_ident(net, skb, NULL);
	ip_send_check(iph);
	skb->protocol = htons(ETH_P_IP);
	return ip_local_out(net, NULL, skb);
}

static int ksrtp_xmit6(struct net *net, struct sk_buff *skb,
		       const struct ksrtp_flow_key *fk, unsigned int ulen)
{
	struct flowi6 fl6 = {
		.daddr = fk->raddr,
		.saddr = fk->laddr,
		.flowi6_proto = IPPROTO_UDP,
		.fl6_sport = fk->lport,
		.fl6_dport = fk->rport,
	};
	struct udphdr *uh = udp_hdr(skb);
	struct ipv6hdr *ip6h;
	struct dst_entry *dst;
	int ret;

	dst = ip6_route_output(net, NULL, &fl6);
	ret = dst->error;
	if (ret) {
		dst_release(dst);
		kfree_skb(skb);
		return ret;
	}
	skb_dst_set(skb, dst);

	uh->check = 0;
	uh->check = csum_ipv6_magic(&fk->laddr, &fk->raddr, ulen, IPPROTO_UDP,
				    skb_checksum(skb, skb_transport_offset(skb),
						 ulen, 0));
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;

	skb_push(skb, sizeof(*ip6h));
	skb_reset_network_header(skb);
	ip6h = ipv6_hdr(skb);
	ip6_flow_hdr(ip6h, 0, 0);
	ip6h->payload_len = htons(ulen);
	ip6h->nexthdr = IPPROTO_UDP;
	ip6h->hop_limit = ip6_dst_hoplimit(dst);
	ip6h->saddr = fk->laddr;
	ip6h->daddr = fk->raddr;
	skb->protocol = htons(ETH_P_IPV6);
	return ip6_local_out(net, NULL, skb);
}

int ksrtp_zrtp_xmit(struct net *net, struct ksrtp_flow *flow, const u8 *pkt,
		    unsigned int len)
{
	struct ksrtp_flow_key kbuf;
	const struct ksrtp_flow_key *fk = ksrtp_flow_tuple(flow, &kbuf);
	unsigned int ulen = len + sizeof(struct udphdr);
	unsigned int hlen = LL_MAX_HEADER + sizeof(struct ipv6hdr);
	struct sk_buff *skb;
	struct udphdr *uh;
	int ret;

	if (!fk)
		return -ENOTCONN;	/* latching, and not latched yet */
	skb = alloc_skb(hlen + ulen, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	skb_reserve(skb, hlen);
	skb_put_data(skb, pkt, len);
	skb_push(skb, sizeof(*uh));
	skb_reset_transport_header(skb);
	uh = udp_hdr(skb);
	uh->source = fk->lport;
	uh->dest = fk->rport;
	uh->len = htons(ulen);
	skb->ip_summed = CHECKSUM_NONE;

	if (fk->family == AF_INET)
		ret = ksrtp_xmit4(net, skb, fk, ulen);
	else
		ret = ksrtp_xmit6(net, skb, fk, ulen);
	/*
	 * The skb is gone either way: ip_local_out() consumed it, or the
	 * route lookup failed and it was freed.  NET_XMIT_CN is not an error.
	 */
	ret = net_xmit_eval(ret);
	if (!ret)
		ksrtp_stat_inc(flow->stats, KSRTP_A_STATS_ZRTP_TX);
	return ret;
}

bool ksrtp_watch_seen(struct net *net, struct ksrtp_net *kn,
		      const struct ksrtp_flow_key *fk, u8 kind)
{
	struct ksrtp_watches *ws = rcu_dereference(kn->watches);
	u16 port = ntohs(fk->lport);
	unsigned int i, slot;
	bool watched = false;
	u32 h;

	if (!ws)
		return false;
	for (i = 0; i < ws->n; i++) {
		if (port >= ws->w[i].port_min && port <= ws->w[i].port_max) {
			watched = true;
			break;
		}
	}
	if (!watched)
		return false;

	/*
	 * Rate limit per 4-tuple, lossily: a small table of hash -> jiffies.
	 * A collision only delays an event, never loses the packet.
	 */
	h = jhash2((const u32 *)fk, sizeof(*fk) / sizeof(u32), 0);
	slot = h % KSRTP_SEEN_SLOTS;
	if (READ_ONCE(kn->seen_hash[slot]) == h &&
	    time_before(jiffies, READ_ONCE(kn->seen[slot]) + HZ))
		return true;
	WRITE_ONCE(kn->seen_hash[slot], h);
	WRITE_ONCE(kn->seen[slot], jiffies);
	ksrtp_nl_event_flow_seen(net, fk, kind);
	return true;
}

void ksrtp_event_auth_fail(struct net *net, struct ksrtp_flow *flow)
{
	unsigned long last = READ_ONCE(flow->auth_event_at);

	if (last && time_before(jiffies, last + HZ))
		return;
	/* Racing CPUs may both send one; harmless. */
	WRITE_ONCE(flow->auth_event_at, jiffies ?: 1);
	ksrtp_nl_event_auth_fail(net, flow);
}

/* The listener's socket went away: stop sending it ZRTP. */
static int ksrtp_netlink_notify(struct notifier_block *nb, unsigned long event,
				void *ptr)
{
	struct netlink_notify *n = ptr;
	struct ksrtp_net *kn;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC)
		return NOTIFY_DONE;
	kn = ksrtp_net(n->net);
	if (READ_ONCE(kn->zrtp_portid) == n->portid)
		cmpxchg(&kn->zrtp_portid, n->portid, 0);
	return NOTIFY_DONE;
}

static struct notifier_block ksrtp_netlink_nb = {
	.notifier_call = ksrtp_netlink_notify,
};

int ksrtp_zrtp_init(void)
{
	return netlink_register_notifier(&ksrtp_netlink_nb);
}

void ksrtp_zrtp_exit(void)
{
	netlink_unregister_notifier(&ksrtp_netlink_nb);
}
