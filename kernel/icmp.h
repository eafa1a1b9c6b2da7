/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSRTP_ICMP_H
#define _KSRTP_ICMP_H

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>

struct ksrtp_net;

unsigned int ksrtp_icmp_in(struct net *net, struct ksrtp_net *kn,
			   struct sk_buff *skb, unsigned int hook, bool v6);

/*
 * Is this (not UDP) packet ICMP or ICMPv6 right after the fixed IP header?
 * The one test every other packet pays.  An ICMPv6 error behind extension
 * headers is not looked at.
 */
static inline bool ksrtp_is_icmp(const struct sk_buff *skb, bool v6)
{
	return v6 ? ipv6_hdr(skb)->nexthdr == IPPROTO_ICMPV6 :
		    ip_hdr(skb)->protocol == IPPROTO_ICMP;
}

#endif
