// SPDX-License-Identifier: GPL-2.0
/*
 * The packet path: netfilter hooks that protect RTP/RTCP leaving a flow
 * (NF_INET_LOCAL_OUT) and unprotect SRTP/SRTCP arriving on one
 * (NF_INET_LOCAL_IN), in place, and divert ZRTP to the daemon.
 *
 * Everything here runs under the RCU read lock netfilter holds around
 * hooks.  Flows are found without a lock; a key's SRTP context is used
 * under that key's spinlock (BH disabled, since LOCAL_OUT may run in
 * process context and LOCAL_IN in softirq).  Nothing is allocated per
 * packet on the common path: skb_ensure_writable() and pskb_expand_head()
 * only copy a cloned, non-linear or tailroom-less skb.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/percpu.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/netfilter/nf_queue.h>

#include "flow.h"
#include "hooks.h"
#include "netlink.h"
#include "zrtp.h"
#include "srtp/srtp.h"

/* Where a UDP datagram of a flow sits in the skb. */
struct ksrtp_pkt {
	struct ksrtp_flow_key fk;
	unsigned int l4off;	/* UDP header, from skb->data */
	unsigned int plen;	/* UDP payload length */
	bool v6;
};

/* Per-CPU copy of a GCM packet, to retry it under the other RX key. */
enum { KSRTP_SCRATCH_LEN = 2048 };
static DEFINE_PER_CPU(u8 [KSRTP_SCRATCH_LEN], ksrtp_scratch);

/* IPv6: the UDP header's offset, past any extension headers; 0 if none. */
static noinline unsigned int ksrtp_parse6(struct sk_buff *skb,
					  struct in6_addr *src,
					  struct in6_addr *dst)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	u8 nexthdr = ip6h->nexthdr;
	__be16 frag_off;
	int off;

	off = ipv6_skip_exthdr(skb, skb_network_offset(skb) + sizeof(*ip6h),
			       &nexthdr, &frag_off);
	if (off <= 0 || nexthdr != IPPROTO_UDP || frag_off)
		return 0;
	*src = ip6h->saddr;
	*dst = ip6h->daddr;
	return off;
}

/*
 * Parse the IP and UDP headers into @p, as seen from this host (@out: we
 * are the source).  False if this is not a whole UDP datagram.  The IPv6
 * part is out of line: the IPv4 path then needs no stack canary.
 */
static bool ksrtp_parse(struct sk_buff *skb, bool v6, bool out,
			struct ksrtp_pkt *p)
{
	struct in6_addr *src = out ? &p->fk.laddr : &p->fk.raddr;
	struct in6_addr *dst = out ? &p->fk.raddr : &p->fk.laddr;
	const struct udphdr *uh;
	unsigned int ulen;

	memset(&p->fk, 0, sizeof(p->fk));
	p->v6 = v6;
	if (!v6) {
		const struct iphdr *iph = ip_hdr(skb);

		if (iph->protocol != IPPROTO_UDP || ip_is_fragment(iph))
			return false;
		p->l4off = skb_network_offset(skb) + iph->ihl * 4;
		p->fk.family = AF_INET;
		src->s6_addr32[0] = iph->saddr;
		dst->s6_addr32[0] = iph->daddr;
	} else {
		p->l4off = ksrtp_parse6(skb, src, dst);
		if (!p->l4off)
			return false;
		p->fk.family = AF_INET6;
	}
	if (!pskb_may_pull(skb, p->l4off + sizeof(*uh)))
		return false;
	uh = (const struct udphdr *)(skb->data + p->l4off);
	ulen = ntohs(uh->len);
	/* A UDP GSO batch carries the length of one segment; checked later. */
	if (ulen < sizeof(*uh) ||
	    (!skb_is_gso(skb) && ulen != skb->len - p->l4off))
		return false;
	p->plen = ulen - sizeof(*uh);
	if (out) {
		p->fk.lport = uh->source;
		p->fk.rport = uh->dest;
	} else {
		p->fk.lport = uh->dest;
		p->fk.rport = uh->source;
	}
	return true;
}

static u8 *ksrtp_payload(struct sk_buff *skb, const struct ksrtp_pkt *p)
{
	return skb->data + p->l4off + sizeof(struct udphdr);
}

/* New payload length @plen: fix the UDP and IP lengths and checksums. */
static void ksrtp_fix_out(struct sk_buff *skb, const struct ksrtp_pkt *p,
			  unsigned int plen)
{
	struct udphdr *uh = (struct udphdr *)(skb->data + p->l4off);
	unsigned int ulen = plen + sizeof(*uh);
	__wsum csum;

	uh->len = htons(ulen);
	if (!p->v6) {
		struct iphdr *iph = ip_hdr(skb);

		iph->tot_len = htons(skb->len - skb_network_offset(skb));
		ip_send_check(iph);
		if (!uh->check)
			return;		/* RFC 768: no checksum was asked for */
		if (skb->ip_summed == CHECKSUM_PARTIAL) {
			uh->check = ~csum_tcpudp_magic(iph->saddr, iph->daddr,
						       ulen, IPPROTO_UDP, 0);
			return;
		}
		uh->check = 0;
		csum = skb_checksum(skb, p->l4off, ulen, 0);
		uh->check = csum_tcpudp_magic(iph->saddr, iph->daddr, ulen,
					      IPPROTO_UDP, csum);
	} else {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);

		ip6h->payload_len = htons(skb->len - skb_network_offset(skb) -
					  sizeof(*ip6h));
		if (skb->ip_summed == CHECKSUM_PARTIAL) {
			uh->check = ~csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr,
						     ulen, IPPROTO_UDP, 0);
			return;
		}
		uh->check = 0;
		csum = skb_checksum(skb, p->l4off, ulen, 0);
		uh->check = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, ulen,
					    IPPROTO_UDP, csum);
	}
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;
	skb->ip_summed = CHECKSUM_NONE;
}

/* After unprotect: the checksum was verified before, the lengths shrink. */
static void ksrtp_fix_in(struct sk_buff *skb, const struct ksrtp_pkt *p,
			 unsigned int plen)
{
	struct udphdr *uh = (struct udphdr *)(skb->data + p->l4off);

	uh->len = htons(plen + sizeof(*uh));
	if (!p->v6) {
		struct iphdr *iph = ip_hdr(skb);

		iph->tot_len = htons(skb->len - skb_network_offset(skb));
		ip_send_check(iph);
	} else {
		ipv6_hdr(skb)->payload_len =
			htons(skb->len - skb_network_offset(skb) -
			      sizeof(struct ipv6hdr));
	}
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	skb->csum_level = 0;
}

static struct ksrtp_key *ksrtp_active_key(struct ksrtp_flow *flow, u8 dir)
{
	return rcu_dereference(flow->keys[dir][READ_ONCE(flow->active[dir])]);
}

static_assert(BIT(KSRTP_POLICY_RX_TRIAL_BIT) == KSRTP_POLICY_RX_TRIAL);

/* A flow without keys for this direction: the policy decides. */
static unsigned int ksrtp_clear(struct ksrtp_flow *flow)
{
	if (READ_ONCE(flow->policy) & KSRTP_POLICY_REQUIRE_SECURE) {
		ksrtp_stat_inc(flow->stats, KSRTP_A_STATS_CLEAR_DROPPED);
		return NF_DROP;
	}
	ksrtp_stat_inc(flow->stats, KSRTP_A_STATS_CLEAR_PASSED);
	return NF_ACCEPT;
}

/*
 * Within 2^16 packets of the index limit (RFC 3711 §9.2: 2^48 SRTP, 2^31
 * SRTCP)?  Called under the key's lock right after a protect; once per key.
 */
static bool ksrtp_key_near_limit(struct ksrtp_key *key, bool rtcp)
{
	struct ksrtp_stream_info si;

	if (likely(key->limit_reported) ||
	    ksrtp_stream_get(key->ctx, key->ctx->last, &si))
		return false;
	if (rtcp ? si.rtcp_index < (1U << 31) - (1U << 16) : si.roc != U32_MAX)
		return false;
	key->limit_reported = true;
	return true;
}

static unsigned int ksrtp_egress(struct net *net, struct sk_buff *skb, bool v6)
{
	bool near_limit = false;
	struct ksrtp_net *kn = ksrtp_net(net);
	enum ksrtp_pkt_kind kind;
	struct ksrtp_flow *flow;
	struct ksrtp_key *key;
	struct ksrtp_pkt p;
	unsigned int len, need;
	int ret;

	if (!READ_ONCE(kn->count) && !rcu_access_pointer(kn->watches))
		return NF_ACCEPT;
	if (!ksrtp_parse(skb, v6, true, &p))
		return NF_ACCEPT;
	if (!pskb_may_pull(skb, p.l4off + sizeof(struct udphdr) +
			   min(p.plen, 12U)))
		return NF_ACCEPT;
	kind = ksrtp_classify(ksrtp_payload(skb, &p), p.plen);
	if (kind != KSRTP_PKT_RTP && kind != KSRTP_PKT_RTCP)
		return NF_ACCEPT;	/* ZRTP we send, STUN, anything else */

	flow = ksrtp_flow_lookup_rcu(kn, &p.fk);
	if (!flow) {
		ksrtp_watch_seen(net, kn, &p.fk, KSRTP_EVENT_RTP_OUT);
		return NF_ACCEPT;
	}
	key = ksrtp_active_key(flow, KSRTP_KEY_DIR_TX);
	if (flow->mode != KSRTP_FLOW_MODE_SECURE || !key)
		return ksrtp_clear(flow);

	/* A UDP_SEGMENT batch would need one tag per segment: refuse it. */
	if (skb_is_gso(skb))
		goto refuse_gso;
	if (skb_ensure_writable(skb, skb->len))
		goto drop;
	need = ksrtp_overhead(key->ctx, kind == KSRTP_PKT_RTCP);
	if (skb_tailroom(skb) < need &&
	    pskb_expand_head(skb, 0, need - skb_tailroom(skb), GFP_ATOMIC))
		goto drop;

	len = p.plen;
	spin_lock_bh(&key->lock);
	if (kind == KSRTP_PKT_RTP)
		ret = ksrtp_protect(key->ctx, ksrtp_payload(skb, &p), &len,
				    p.plen + skb_tailroom(skb));
	else
		ret = ksrtcp_protect(key->ctx, ksrtp_payload(skb, &p), &len,
				     p.plen + skb_tailroom(skb));
	if (!ret) {
		key->packets++;
		near_limit = ksrtp_key_near_limit(key, kind == KSRTP_PKT_RTCP);
	}
	spin_unlock_bh(&key->lock);
	if (ret)
		goto drop;
	if (unlikely(near_limit))
		ksrtp_nl_event_key_limit(net, flow, key->dir, key->slot);

	skb_put(skb, len - p.plen);
	ksrtp_fix_out(skb, &p, len);
	ksrtp_stat_inc(flow->stats, KSRTP_A_STATS_TX_PACKETS);
	ksrtp_stat_add(flow->stats, KSRTP_A_STATS_TX_BYTES, p.plen);
	return NF_ACCEPT;

refuse_gso:
	ksrtp_stat_inc(flow->stats, KSRTP_A_STATS_GSO_REFUSED);
	return NF_DROP;
drop:
	ksrtp_stat_inc(flow->stats, KSRTP_A_STATS_TX_ERRORS);
	return NF_DROP;
}

static int ksrtp_unprotect_with(struct ksrtp_key *key, bool rtcp, u8 *buf,
				unsigned int *len)
{
	int ret;

	spin_lock_bh(&key->lock);
	if (rtcp)
		ret = ksrtcp_unprotect(key->ctx, buf, len);
	else
		ret = ksrtp_unprotect(key->ctx, buf, len);
	if (!ret)
		key->packets++;
	spin_unlock_bh(&key->lock);
	return ret;
}

/*
 * Unprotect under the active RX key; on an authentication failure try the
 * other slot, which holds the previous or the next key during a rotation.
 * HMAC profiles check the tag before touching the packet; GCM decrypts in
 * place before its tag check fails, so a GCM packet is saved first when
 * another attempt may follow, or when @keep asks for the packet back
 * unchanged on failure (RX_TRIAL: it may be clear RTP after all).  With
 * @keep, a GCM packet too large to save is not tried (-KSRTP_ERR_AUTH).
 */
static int ksrtp_unprotect_any(struct ksrtp_flow *flow, bool rtcp, u8 *buf,
			       unsigned int *len, bool keep)
{
	u8 act = READ_ONCE(flow->active[KSRTP_KEY_DIR_RX]);
	struct ksrtp_key *key = rcu_dereference(flow->keys[KSRTP_KEY_DIR_RX][act]);
	struct ksrtp_key *alt = rcu_dereference(flow->keys[KSRTP_KEY_DIR_RX][!act]);
	unsigned int orig = *len;
	bool saved = false;
	u8 *scratch = NULL;
	int ret;

	if ((alt || keep) && key->ctx->gcm) {
		if (orig > KSRTP_SCRATCH_LEN) {
			if (keep)
				return KSRTP_ERR_AUTH;
		} else {
			local_bh_disable();
			scratch = this_cpu_ptr(ksrtp_scratch);
			memcpy(scratch, buf, orig);
			saved = true;
		}
	}
	ret = ksrtp_unprotect_with(key, rtcp, buf, len);
	if (ret == KSRTP_ERR_AUTH && alt && (saved || !key->ctx->gcm)) {
		if (saved)
			memcpy(buf, scratch, orig);
		*len = orig;
		ret = ksrtp_unprotect_with(alt, rtcp, buf, len);
	}
	if (ret && keep) {
		if (saved)
			memcpy(buf, scratch, orig);
		*len = orig;
	}
	if (saved)
		local_bh_enable();
	return ret;
}

static const u8 ksrtp_err_stat[] = {
	[-KSRTP_ERR_AUTH] = KSRTP_A_STATS_RX_AUTH_FAIL,
	[-KSRTP_ERR_REPLAY] = KSRTP_A_STATS_RX_REPLAY,
	[-KSRTP_ERR_TOO_OLD] = KSRTP_A_STATS_RX_TOO_OLD,
	[-KSRTP_ERR_MALFORMED] = KSRTP_A_STATS_RX_MALFORMED,
	[-KSRTP_ERR_SSRC_LIMIT] = KSRTP_A_STATS_RX_SSRC_LIMIT,
	[-KSRTP_ERR_MKI] = KSRTP_A_STATS_RX_AUTH_FAIL,
};

static unsigned int ksrtp_ingress(struct net *net, struct sk_buff *skb,
				  unsigned int hook, bool v6)
{
	struct ksrtp_net *kn = ksrtp_net(net);
	enum ksrtp_pkt_kind kind;
	struct ksrtp_flow *flow;
	struct ksrtp_pkt p;
	unsigned int len;
	bool trial;
	u8 *buf;
	int ret;

	if (!READ_ONCE(kn->count) && !rcu_access_pointer(kn->watches))
		return NF_ACCEPT;
	if (!ksrtp_parse(skb, v6, false, &p))
		return NF_ACCEPT;
	flow = ksrtp_flow_lookup_rcu(kn, &p.fk);
	if (!pskb_may_pull(skb, p.l4off + sizeof(struct udphdr) +
			   min(p.plen, 12U)))
		goto malformed_or_pass;
	kind = ksrtp_classify(ksrtp_payload(skb, &p), p.plen);

	if (kind == KSRTP_PKT_ZRTP) {
		if (!flow && !ksrtp_watch_seen(net, kn, &p.fk,
					       KSRTP_EVENT_ZRTP_IN))
			return NF_ACCEPT;
		if (skb_linearize(skb))
			return NF_DROP;
		ksrtp_zrtp_divert(net, kn, flow, &p.fk, ksrtp_payload(skb, &p),
				  p.plen);
		consume_skb(skb);
		return NF_STOLEN;
	}
	if (!flow)
		return NF_ACCEPT;
	/* RX_TRIAL: try the RX key, and take what fails as clear. */
	trial = test_bit(KSRTP_POLICY_RX_TRIAL_BIT, &flow->policy);
	if (!ksrtp_active_key(flow, KSRTP_KEY_DIR_RX) ||
	    (READ_ONCE(flow->mode) != KSRTP_FLOW_MODE_SECURE && !trial)) {
		if (kind == KSRTP_PKT_UNKNOWN)
			return NF_ACCEPT;
		return ksrtp_clear(flow);
	}
	if (kind == KSRTP_PKT_UNKNOWN) {
		if (trial)
			return NF_ACCEPT;
		/*
		 * RFC 7983 demux: first byte 128..191 is RTP/RTCP, so a short
		 * one is a truncated SRTP packet.  STUN and DTLS pass.
		 */
		if (p.plen && (ksrtp_payload(skb, &p)[0] & 0xc0) != 0x80)
			return NF_ACCEPT;
		goto malformed;
	}
	if (skb_is_gso(skb)) {
		if (trial)
			return ksrtp_clear(flow);
		ksrtp_stat_inc(flow->stats, KSRTP_A_STATS_GSO_REFUSED);
		return NF_DROP;
	}
	/* Unprotecting changes the payload: verify the UDP checksum now. */
	if (!skb_csum_unnecessary(skb) &&
	    (v6 || ((struct udphdr *)(skb->data + p.l4off))->check) &&
	    nf_checksum(skb, hook, p.l4off, IPPROTO_UDP,
			v6 ? NFPROTO_IPV6 : NFPROTO_IPV4))
		goto malformed;
	if (skb_ensure_writable(skb, skb->len))
		goto malformed;

	buf = ksrtp_payload(skb, &p);
	len = p.plen;
	ret = ksrtp_unprotect_any(flow, kind == KSRTP_PKT_RTCP, buf, &len,
				  trial);
	if (ret && trial)
		return ksrtp_clear(flow);	/* restored: it was clear */
	if (trial && READ_ONCE(flow->mode) == KSRTP_FLOW_MODE_SECURE)
		clear_bit(KSRTP_POLICY_RX_TRIAL_BIT, &flow->policy);
	if (ret) {
		if (-ret < ARRAY_SIZE(ksrtp_err_stat) && ksrtp_err_stat[-ret])
			ksrtp_stat_inc(flow->stats, ksrtp_err_stat[-ret]);
		else
			ksrtp_stat_inc(flow->stats, KSRTP_A_STATS_RX_MALFORMED);
		if (ret == KSRTP_ERR_AUTH)
			ksrtp_event_auth_fail(net, flow);
		return NF_DROP;
	}
	skb_trim(skb, skb->len - (p.plen - len));
	ksrtp_fix_in(skb, &p, len);
	ksrtp_stat_inc(flow->stats, KSRTP_A_STATS_RX_PACKETS);
	ksrtp_stat_add(flow->stats, KSRTP_A_STATS_RX_BYTES, len);
	return NF_ACCEPT;

malformed_or_pass:
	if (!flow)
		return NF_ACCEPT;
malformed:
	ksrtp_stat_inc(flow->stats, KSRTP_A_STATS_RX_MALFORMED);
	return NF_DROP;
}

static unsigned int ksrtp_out4(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	return ksrtp_egress(state->net, skb, false);
}

static unsigned int ksrtp_out6(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	return ksrtp_egress(state->net, skb, true);
}

static unsigned int ksrtp_in4(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	return ksrtp_ingress(state->net, skb, state->hook, false);
}

static unsigned int ksrtp_in6(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	return ksrtp_ingress(state->net, skb, state->hook, true);
}

/*
 * Egress runs last in LOCAL_OUT, so filter rules and DNAT see clear RTP
 * and the final addresses; ingress runs before the filter table, so rules
 * see RTP, not SRTP, and ZRTP is taken before anything else wants it.
 */
static const struct nf_hook_ops ksrtp_nf_ops[] = {
	{
		.hook = ksrtp_out4,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_LAST - 1,
	}, {
		.hook = ksrtp_in4,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP_PRI_MANGLE - 1,
	}, {
		.hook = ksrtp_out6,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP6_PRI_LAST - 1,
	}, {
		.hook = ksrtp_in6,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP6_PRI_MANGLE - 1,
	},
};

int ksrtp_hooks_register(struct net *net)
{
	return nf_register_net_hooks(net, ksrtp_nf_ops, ARRAY_SIZE(ksrtp_nf_ops));
}

void ksrtp_hooks_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, ksrtp_nf_ops, ARRAY_SIZE(ksrtp_nf_ops));
}
