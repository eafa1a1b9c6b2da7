// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP errors from the far side, counted per flow (icmp_errors): a
 * Destination Unreachable (port, host, fragmentation needed...), Time
 * Exceeded or Parameter Problem (ICMPv6: Destination Unreachable, Packet
 * Too Big, Time Exceeded, Parameter Problem) that arrives quoting a UDP
 * datagram sent from a flow's local address:port to its remote one is
 * counted on that flow: a relay leg (the datagrams ksrtp_relay_xmit() sent
 * from it) or a flow whose application sends.  RFC 792 and RFC 4443 §2.4
 * make the quote hold the whole IP header and at least the first 8 bytes
 * past it, so the ports are there.
 *
 * Called from the ingress hook (NF_INET_LOCAL_IN, under RCU) only for an
 * ICMP/ICMPv6 packet of a namespace with flows (ksrtp_is_icmp()); the
 * flow lookup and the checksum are paid only by ICMP errors.  The packet
 * always goes on to the stack, which hands the error to a socket bound
 * there if there is one and, for IPv4 "fragmentation needed", lowers the
 * route's path MTU whether or not there is one (udp_err()).  IPv6 does
 * that for UDP only through a socket (__udp6_lib_err()), and a relay leg
 * may have none: for a leg's Packet Too Big this file updates the route
 * itself (ip6_update_pmtu(), as icmpv6_err() does for quoted ICMPv6).  The
 * relay's MTU check then sees the lower MTU: the cached route is
 * invalidated by the PMTU exception (relay.c).
 *
 * Anyone on the path (or who guesses the 4-tuple) can forge such an error:
 * it costs a count and, like for any UDP socket, a path MTU no lower than
 * the stack's minimum (IPv6: 1280).
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/netfilter.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/route.h>
#include <net/sock.h>

#include "flow.h"
#include "icmp.h"

/* The flow that sent the UDP datagram quoted at @off (its IP header). */
static struct ksrtp_flow *ksrtp_icmp_quoted(struct ksrtp_net *kn,
					    struct sk_buff *skb,
					    unsigned int off, bool v6)
{
	struct ksrtp_flow_key fk = {};
	struct ksrtp_flow *flow;
	__be16 pbuf[2];
	const __be16 *ports;

	if (!v6) {
		struct iphdr buf;
		const struct iphdr *iph;

		iph = skb_header_pointer(skb, off, sizeof(buf), &buf);
		/* Only the first fragment of what we sent has the ports. */
		if (!iph || iph->version != 4 || iph->ihl < 5 ||
		    iph->protocol != IPPROTO_UDP ||
		    (iph->frag_off & htons(IP_OFFSET)))
			return NULL;
		fk.family = AF_INET;
		fk.laddr.s6_addr32[0] = iph->saddr;
		fk.raddr.s6_addr32[0] = iph->daddr;
		off += iph->ihl * 4;
	} else {
		struct ipv6hdr buf;
		const struct ipv6hdr *ip6h;

		ip6h = skb_header_pointer(skb, off, sizeof(buf), &buf);
		/* What the relay and a UDP socket send: no extension header. */
		if (!ip6h || ip6h->version != 6 || ip6h->nexthdr != IPPROTO_UDP)
			return NULL;
		fk.family = AF_INET6;
		fk.laddr = ip6h->saddr;
		fk.raddr = ip6h->daddr;
		off += sizeof(*ip6h);
	}
	ports = skb_header_pointer(skb, off, sizeof(pbuf), pbuf);
	if (!ports)
		return NULL;
	fk.lport = ports[0];
	fk.rport = ports[1];
	flow = ksrtp_flow_lookup_rcu(kn, &fk);
	/* A latching flow sends only to the remote it learned. */
	if (!flow && READ_ONCE(kn->latching)) {
		flow = ksrtp_flow_lookup_latch_rcu(kn, &fk);
		if (flow && !ksrtp_flow_is_remote(flow, &fk))
			flow = NULL;
	}
	return flow;
}

/*
 * IPv6 Packet Too Big for a relay leg: the route from the quoted source to
 * the quoted destination gets the MTU (at least 1280), as the stack does
 * for a socket.  ip6_update_pmtu() reads the quoted header at skb->data,
 * as an error handler sees it; the packet is put back as it was.
 */
static void ksrtp_icmp_pmtu6(struct net *net, struct sk_buff *skb,
			     unsigned int off, __be32 mtu)
{
	if (!pskb_may_pull(skb, off + sizeof(struct ipv6hdr)))
		return;
	__skb_pull(skb, off);
	ip6_update_pmtu(skb, net, mtu, 0, 0, sock_net_uid(net, NULL));
	__skb_push(skb, off);
}

/*
 * IPv4 "fragmentation needed" for a relay leg: the same for IPv4.  Linux
 * 6.1 lowers the route's PMTU itself even when no socket is bound to the
 * quoted source port; 6.12 does not (seen: the relay kept sending 1372
 * bytes past a 1300-byte path), and a relay leg may have no socket.  The
 * stack's own rules apply: ip_no_pmtu_disc, min_pmtu, a locked MTU.
 */
static void ksrtp_icmp_pmtu4(struct net *net, struct sk_buff *skb,
			     unsigned int off, __be16 mtu)
{
	if (READ_ONCE(net->ipv4.sysctl_ip_no_pmtu_disc) ||
	    !pskb_may_pull(skb, off + sizeof(struct iphdr)))
		return;
	__skb_pull(skb, off);
	ipv4_update_pmtu(skb, net, ntohs(mtu), 0, IPPROTO_UDP);
	__skb_push(skb, off);
}

unsigned int ksrtp_icmp_in(struct net *net, struct ksrtp_net *kn,
			   struct sk_buff *skb, unsigned int hook, bool v6)
{
	unsigned int off = skb_network_offset(skb);
	struct ksrtp_flow *flow;
	struct icmphdr buf;	/* the same 8 bytes as struct icmp6hdr */
	const struct icmphdr *ih;
	bool ptb = false, frag = false;

	BUILD_BUG_ON(sizeof(struct icmphdr) != sizeof(struct icmp6hdr));
	off += v6 ? sizeof(struct ipv6hdr) : ip_hdr(skb)->ihl * 4;
	ih = skb_header_pointer(skb, off, sizeof(buf), &buf);
	if (!ih)
		return NF_ACCEPT;
	if (!v6) {
		if (ih->type != ICMP_DEST_UNREACH &&
		    ih->type != ICMP_TIME_EXCEEDED &&
		    ih->type != ICMP_PARAMETERPROB)
			return NF_ACCEPT;
		frag = ih->type == ICMP_DEST_UNREACH &&
		       ih->code == ICMP_FRAG_NEEDED;
	} else {
		/* RFC 4443 §2.1: types 1 to 4 are the errors of ICMPv6. */
		if (ih->type < ICMPV6_DEST_UNREACH ||
		    ih->type > ICMPV6_PARAMPROB)
			return NF_ACCEPT;
		ptb = ih->type == ICMPV6_PKT_TOOBIG;
	}
	flow = ksrtp_icmp_quoted(kn, skb, off + sizeof(buf), v6);
	/* A corrupted error is the stack's to drop, not ours to count. */
	if (!flow || nf_checksum(skb, hook, off,
				 v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP,
				 v6 ? NFPROTO_IPV6 : NFPROTO_IPV4))
		return NF_ACCEPT;
	ksrtp_stat_inc(flow->stats, KSRTP_A_STATS_ICMP_ERRORS);
	if (ptb && rcu_access_pointer(flow->peer)) {
		__be32 mtu = ih->un.gateway;	/* icmp6_mtu */

		ksrtp_icmp_pmtu6(net, skb, off + sizeof(buf), mtu);
	}
	if (frag && rcu_access_pointer(flow->peer))
		ksrtp_icmp_pmtu4(net, skb, off + sizeof(buf), ih->un.frag.mtu);
	return NF_ACCEPT;
}
