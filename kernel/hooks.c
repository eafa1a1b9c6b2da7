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
 * packet on the common path.  Ingress unprotects a paged skb in place over
 * its head and page fragments when no one else sees them (not cloned, no
 * page-cache fragment, no frag_list: ksrtp_in_frags_ok()); otherwise, and
 * on egress, skb_ensure_writable() and pskb_expand_head() copy a cloned,
 * non-linear or tailroom-less skb into a private linear head.
 *
 * Fail closed.  Whether a packet is a flow's is decided by its 4-tuple
 * alone; a flow's packet that is not one whole, consistent datagram is
 * dropped and counted, never passed on for the IP or UDP layer to trim or
 * reassemble into something this file never checked.  A packet reads the
 * keys it uses once, under RCU; KEY_DEL may empty a slot meanwhile, but a
 * key is freed only after a grace period (key.c).
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/scatterlist.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/netfilter/nf_queue.h>

#include "flow.h"
#include "hooks.h"
#include "icmp.h"
#include "netlink.h"
#include "zrtp.h"
#include "srtp/srtp.h"

/* Where a UDP datagram of a flow sits in the skb. */
struct ksrtp_pkt {
	struct ksrtp_flow_key fk;
	unsigned int l4off;	/* UDP header, from skb->data */
	unsigned int plen;	/* UDP payload length, once checked */
	bool v6;
	/*
	 * Not a whole datagram that ends here: an IPv4 or IPv6 fragment (the
	 * first; the others have no UDP header), or an IPv6 routing header
	 * with segments left (the packet is forwarded, not delivered).
	 */
	bool partial;
	/* Found by a latching flow's key before it latched (ingress). */
	bool wild;
	/* Authenticated under an RX key (ingress): it may latch. */
	bool authentic;
};

/*
 * The two large per-CPU buffers below are allocated at load from the
 * dynamic per-CPU pool: the static per-CPU area all modules share is 8 KiB
 * in all (PERCPU_MODULE_RESERVE), and on a real Debian system with kvm and
 * the other usual modules loaded, 4.3 KiB of static per-CPU data made the
 * load fail ("Could not allocate 4384 bytes percpu data", make check-system).
 */

/* Per-CPU copy of a GCM packet, to retry it under the other RX key. */
enum { KSRTP_SCRATCH_LEN = 2048 };
struct ksrtp_scratch {
	u8 b[KSRTP_SCRATCH_LEN];
};
static struct ksrtp_scratch __percpu *ksrtp_scratch;

/*
 * Per-CPU, for a paged packet unprotected in place: its payload as the
 * SRTP core's segment list (head part, then one entry per page fragment),
 * and the scatterlist skb_to_sgvec() fills to find them.  Used with BH
 * disabled.
 */
struct ksrtp_frags {
	struct scatterlist sg[KSRTP_MAX_IOV];
	struct ksrtp_iov v[KSRTP_MAX_IOV];
};
static struct ksrtp_frags __percpu *ksrtp_frags;

/*
 * Per-CPU page the egress path carves SRTP trailers (tag, MKI, E||index)
 * from, appended to a paged skb as one more fragment (as esp4 does with
 * its xfrag): a page is allocated when the previous one is used up, not
 * per packet.  Used with BH disabled; freed at module exit.
 */
static DEFINE_PER_CPU(struct page_frag, ksrtp_tail_frag);

/*
 * Paged packets protected and unprotected in place over their fragments,
 * for tests and operators to see that the path is taken (read-only module
 * parameters tx_frag_packets and rx_frag_packets).
 */
static DEFINE_PER_CPU(unsigned long [2], ksrtp_frag_pkts);

static int ksrtp_frag_pkts_get(char *buf, const struct kernel_param *kp)
{
	unsigned long sum = 0, dir = (unsigned long)kp->arg;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu(ksrtp_frag_pkts, cpu)[dir];
	return sysfs_emit(buf, "%lu\n", sum);
}

static const struct kernel_param_ops ksrtp_frag_pkts_ops = {
	.get = ksrtp_frag_pkts_get,
};
module_param_cb(tx_frag_packets, &ksrtp_frag_pkts_ops, (void *)0UL, 0444);
MODULE_PARM_DESC(tx_frag_packets,
		 "RTP/RTCP packets protected in place over page fragments");
module_param_cb(rx_frag_packets, &ksrtp_frag_pkts_ops, (void *)1UL, 0444);
MODULE_PARM_DESC(rx_frag_packets,
		 "SRTP/SRTCP packets unprotected in place over page fragments");

int ksrtp_hooks_init(void)
{
	ksrtp_scratch = alloc_percpu(struct ksrtp_scratch);
	ksrtp_frags = alloc_percpu(struct ksrtp_frags);
	if (!ksrtp_scratch || !ksrtp_frags) {
		free_percpu(ksrtp_scratch);
		free_percpu(ksrtp_frags);
		ksrtp_scratch = NULL;
		ksrtp_frags = NULL;
		return -ENOMEM;
	}
	return 0;
}

void ksrtp_hooks_exit(void)
{
	struct page_frag *pf;
	int cpu;

	for_each_possible_cpu(cpu) {
		pf = per_cpu_ptr(&ksrtp_tail_frag, cpu);
		if (pf->page)
			put_page(pf->page);
		pf->page = NULL;
	}
	free_percpu(ksrtp_scratch);
	free_percpu(ksrtp_frags);
}

/*
 * May a paged skb be changed in place over its fragments?  As esp4
 * decides, and more strictly: only if nobody else sees its data (not cloned: an AF_PACKET tap
 * or a tee holds a clone and must keep what it saw; no fragment shared
 * with the page cache, as sendfile() and splice() make them), without a
 * frag_list, within the segments the core takes (@spare: fragments to be
 * added).  Else it is copied into a private linear head as before.  The
 * fragments must be in the linear map to be segments.
 */
static bool ksrtp_frags_ok(struct sk_buff *skb, unsigned int spare)
{
	const struct skb_shared_info *si = skb_shinfo(skb);
	unsigned int i;

	if (IS_ENABLED(CONFIG_HIGHMEM) || !skb_is_nonlinear(skb) ||
	    skb_cloned(skb) || skb_has_frag_list(skb) ||
	    skb_has_shared_frag(skb) || si->nr_frags + spare >= MAX_SKB_FRAGS ||
	    si->nr_frags + 1 + spare > KSRTP_MAX_IOV)
		return false;
	/*
	 * Belt and braces: SKBFL_SHARED_FRAG has been lost on some paths
	 * (coalescing, GRO), and a zero-copy sender (MSG_SPLICE_PAGES)
	 * may not set it.  A page with a mapping is a file's page cache or
	 * a process's anonymous memory, never a buffer the network stack
	 * allocated: writing it in place could change a file the sender
	 * may only read.  Such a packet is copied.
	 */
	for (i = 0; i < si->nr_frags; i++)
		if (READ_ONCE(compound_head(skb_frag_page(&si->frags[i]))->mapping))
			return false;
	return true;
}

/*
 * [off, off + len) of a paged skb as the core's segment list, in the
 * per-CPU arrays (BH disabled).  Returns the segment count, or <= 0.
 */
static int ksrtp_skb_segs(struct sk_buff *skb, struct ksrtp_frags *f,
			  unsigned int off, unsigned int len)
{
	int i, n;

	sg_init_table(f->sg, skb_shinfo(skb)->nr_frags + 1);
	n = skb_to_sgvec(skb, f->sg, off, len);
	for (i = 0; i < n; i++) {
		f->v[i].p = sg_virt(&f->sg[i]);
		f->v[i].len = f->sg[i].length;
	}
	return n;
}


/*
 * IPv6: the UDP header's offset past the extension headers, or 0 if there
 * is none in this packet.  LOCAL_IN runs before any extension header is
 * processed (ip6_input_finish), so a fragment is seen unreassembled (and
 * its reassembly never passes LOCAL_IN again), and a routing header with
 * segments left means this host forwards the packet: both set @partial.
 */
static noinline unsigned int ksrtp_parse6(struct sk_buff *skb,
					  struct in6_addr *src,
					  struct in6_addr *dst, bool *partial)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	unsigned int off = skb_network_offset(skb) + sizeof(*ip6h);
	u8 nexthdr = ip6h->nexthdr;
	u8 buf[4];
	const u8 *h;

	*src = ip6h->saddr;
	*dst = ip6h->daddr;
	for (;;) {
		switch (nexthdr) {
		case NEXTHDR_UDP:
			return off;
		case NEXTHDR_HOP:
		case NEXTHDR_ROUTING:
		case NEXTHDR_DEST:
		case NEXTHDR_AUTH:
			/* next header, length, (routing: type, segments left) */
			h = skb_header_pointer(skb, off, sizeof(buf), buf);
			if (!h)
				return 0;
			if (nexthdr == NEXTHDR_ROUTING && h[3])
				*partial = true;
			off += nexthdr == NEXTHDR_AUTH ? ipv6_authlen(
				(const struct ipv6_opt_hdr *)h) :
				ipv6_optlen((const struct ipv6_opt_hdr *)h);
			nexthdr = h[0];
			break;
		case NEXTHDR_FRAGMENT: {
			struct frag_hdr fbuf;
			const struct frag_hdr *fh;

			fh = skb_header_pointer(skb, off, sizeof(fbuf), &fbuf);
			/* Only the first fragment holds the UDP header. */
			if (!fh || (fh->frag_off & htons(IP6_OFFSET)))
				return 0;
			*partial = true;
			off += sizeof(*fh);
			nexthdr = fh->nexthdr;
			break;
		}
		default:
			return 0;	/* ESP, no next header, not UDP */
		}
	}
}

/*
 * The 4-tuple of a UDP packet into @p, as seen from this host (@out: we
 * are the source), and nothing else: whether it belongs to a flow is
 * decided by these four values alone, and a flow's packet that is not a
 * whole, consistent datagram is then dropped, never passed (ksrtp_check).
 * False if there is no UDP header to read.  The IPv6 part is out of line:
 * the IPv4 path then needs no stack canary.
 */
static bool ksrtp_parse(struct sk_buff *skb, bool v6, bool out,
			struct ksrtp_pkt *p)
{
	struct in6_addr *src = out ? &p->fk.laddr : &p->fk.raddr;
	struct in6_addr *dst = out ? &p->fk.raddr : &p->fk.laddr;
	const struct udphdr *uh;

	memset(&p->fk, 0, sizeof(p->fk));
	p->v6 = v6;
	p->partial = false;
	p->wild = false;
	p->authentic = false;
	if (!v6) {
		const struct iphdr *iph = ip_hdr(skb);

		if (iph->protocol != IPPROTO_UDP)
			return false;
		/*
		 * ip_local_deliver() reassembles before LOCAL_IN, so only a
		 * raw sender's LOCAL_OUT sees a fragment; the first has ports.
		 */
		if (ip_is_fragment(iph)) {
			if (iph->frag_off & htons(IP_OFFSET))
				return false;
			p->partial = true;
		}
		p->l4off = skb_network_offset(skb) + iph->ihl * 4;
		p->fk.family = AF_INET;
		src->s6_addr32[0] = iph->saddr;
		dst->s6_addr32[0] = iph->daddr;
	} else {
		p->l4off = ksrtp_parse6(skb, src, dst, &p->partial);
		if (!p->l4off)
			return false;
		p->fk.family = AF_INET6;
	}
	if (!pskb_may_pull(skb, p->l4off + sizeof(*uh)))
		return false;
	uh = (const struct udphdr *)(skb->data + p->l4off);
	if (out) {
		p->fk.lport = uh->source;
		p->fk.rport = uh->dest;
	} else {
		p->fk.lport = uh->dest;
		p->fk.rport = uh->source;
	}
	return true;
}

/*
 * Is this one whole UDP datagram whose length agrees with the IP header's?
 * Sets @p->plen.  The IP layers trimmed the skb to the IP length already;
 * a UDP length that differs either way (or is 0, an IPv6 jumbogram's), a
 * fragment or a datagram still to be routed is not one we can check.
 */
static bool ksrtp_whole(struct sk_buff *skb, struct ksrtp_pkt *p)
{
	const struct udphdr *uh = (const struct udphdr *)(skb->data + p->l4off);
	unsigned int ulen = ntohs(uh->len);

	if (p->partial || ulen < sizeof(*uh) || ulen != skb->len - p->l4off)
		return false;
	p->plen = ulen - sizeof(*uh);
	/* The first bytes of the payload, for ksrtp_classify(). */
	return pskb_may_pull(skb, p->l4off + sizeof(*uh) + min(p->plen, 12U));
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

/*
 * The key(s) of a direction, read once per packet.  A packet uses only
 * what is returned here: KEY_DEL may unpublish a slot at any moment, but
 * a key read under the RCU read lock stays valid until the packet is done
 * (keys are freed after a grace period, key.c).  While KEY_DEL of the
 * active slot moves @active to the other slot, the active slot may read
 * empty and the other full: the other is then the active one.
 */
static struct ksrtp_key *ksrtp_keys(struct ksrtp_flow *flow, u8 dir,
				    struct ksrtp_key **alt)
{
	u8 act = READ_ONCE(flow->active[dir]);
	struct ksrtp_key *key = rcu_dereference(flow->keys[dir][act]);

	*alt = rcu_dereference(flow->keys[dir][!act]);
	if (!key) {
		key = *alt;
		*alt = NULL;
	}
	return key;
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

static unsigned int ksrtp_drop(struct ksrtp_flow *flow, unsigned int stat)
{
	ksrtp_stat_inc(flow->stats, stat);
	return NF_DROP;
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

/* Under the key's lock, after a protect: count, and the limit check. */
static bool ksrtp_tx_done(struct ksrtp_key *key, bool rtcp)
{
	key->packets++;
	return ksrtp_key_near_limit(key, rtcp);
}

/*
 * Egress of a paged skb, in place: the trailer is appended as a fragment
 * of the per-CPU tail page, then the payload and trailer are protected as
 * segments.  Returns the protect result (or 1: not done, copy instead).
 */
static int ksrtp_out_frags(struct ksrtp_key *key, struct sk_buff *skb,
			   const struct ksrtp_pkt *p, bool rtcp,
			   unsigned int need, unsigned int *len,
			   bool *near_limit)
{
	struct ksrtp_frags *f;
	struct page_frag *pf;
	int n, ret = 1, nr;

	local_bh_disable();
	pf = this_cpu_ptr(&ksrtp_tail_frag);
	if (!skb_page_frag_refill(ALIGN(need, L1_CACHE_BYTES), pf, GFP_ATOMIC))
		goto out;
	skb_zcopy_downgrade_managed(skb);
	get_page(pf->page);
	nr = skb_shinfo(skb)->nr_frags;
	__skb_fill_page_desc(skb, nr, pf->page, pf->offset, need);
	skb_shinfo(skb)->nr_frags = nr + 1;
	pf->offset += ALIGN(need, L1_CACHE_BYTES);
	skb_len_add(skb, need);
	if (skb->sk && sk_fullsock(skb->sk))
		refcount_add(need, &skb->sk->sk_wmem_alloc);

	f = this_cpu_ptr(ksrtp_frags);
	n = ksrtp_skb_segs(skb, f, p->l4off + sizeof(struct udphdr),
			   p->plen + need);
	ret = KSRTP_ERR_MALFORMED;
	if (n > 0) {
		spin_lock(&key->lock);
		ret = ksrtp_protect_v(key->ctx, f->v, n, len, rtcp);
		if (!ret)
			*near_limit = ksrtp_tx_done(key, rtcp);
		spin_unlock(&key->lock);
	}
	if (!ret)
		this_cpu_inc(ksrtp_frag_pkts[0]);
out:
	local_bh_enable();
	return ret;
}

/* Protect RTP/RTCP of a SECURE flow under @key, in place. */
static unsigned int ksrtp_out_protect(struct net *net, struct ksrtp_flow *flow,
				      struct ksrtp_key *key,
				      struct sk_buff *skb,
				      const struct ksrtp_pkt *p, bool rtcp)
{
	unsigned int len = p->plen, need = ksrtp_overhead(key->ctx, rtcp);
	bool near_limit = false;
	int ret = 1;

	if (ksrtp_frags_ok(skb, 1))
		ret = ksrtp_out_frags(key, skb, p, rtcp, need, &len,
				      &near_limit);
	if (ret > 0) {
		/* Linear, or not ours alone: a private linear copy. */
		if (skb_ensure_writable(skb, skb->len))
			return ksrtp_drop(flow, KSRTP_A_STATS_TX_ERRORS);
		if (skb_tailroom(skb) < need &&
		    pskb_expand_head(skb, 0, need - skb_tailroom(skb),
				     GFP_ATOMIC))
			return ksrtp_drop(flow, KSRTP_A_STATS_TX_ERRORS);
		spin_lock_bh(&key->lock);
		if (!rtcp)
			ret = ksrtp_protect(key->ctx, ksrtp_payload(skb, p),
					    &len, p->plen + skb_tailroom(skb));
		else
			ret = ksrtcp_protect(key->ctx, ksrtp_payload(skb, p),
					     &len, p->plen + skb_tailroom(skb));
		if (!ret)
			near_limit = ksrtp_tx_done(key, rtcp);
		spin_unlock_bh(&key->lock);
		if (!ret)
			skb_put(skb, len - p->plen);
	}
	if (ret)
		return ksrtp_drop(flow, KSRTP_A_STATS_TX_ERRORS);
	if (unlikely(near_limit))
		ksrtp_nl_event_key_limit(net, flow, key->dir, key->slot);

	ksrtp_fix_out(skb, p, len);
	ksrtp_stat_inc(flow->stats, KSRTP_A_STATS_TX_PACKETS);
	ksrtp_stat_add(flow->stats, KSRTP_A_STATS_TX_BYTES, p->plen);
	return NF_ACCEPT;
}

static unsigned int ksrtp_egress(struct net *net, struct sk_buff *skb, bool v6)
{
	struct ksrtp_net *kn = ksrtp_net(net);
	enum ksrtp_pkt_kind kind;
	struct ksrtp_key *key, *alt;
	struct ksrtp_flow *flow;
	struct ksrtp_pkt p;

	if (!READ_ONCE(kn->count) && !rcu_access_pointer(kn->watches))
		return NF_ACCEPT;
	if (!ksrtp_parse(skb, v6, true, &p))
		return NF_ACCEPT;
	flow = ksrtp_flow_lookup_rcu(kn, &p.fk);
	if (!flow && READ_ONCE(kn->latching))
		flow = ksrtp_flow_lookup_latch_rcu(kn, &p.fk);
	if (!flow) {
		if (!skb_is_gso(skb) && ksrtp_whole(skb, &p)) {
			kind = ksrtp_classify(ksrtp_payload(skb, &p), p.plen);
			if (kind == KSRTP_PKT_RTP || kind == KSRTP_PKT_RTCP)
				ksrtp_watch_seen(net, kn, &p.fk,
						 KSRTP_EVENT_RTP_OUT);
		}
		return NF_ACCEPT;
	}
	/* A UDP_SEGMENT batch would need one tag per segment: refuse it. */
	if (unlikely(skb_is_gso(skb))) {
		if (READ_ONCE(flow->mode) == KSRTP_FLOW_MODE_SECURE)
			return ksrtp_drop(flow, KSRTP_A_STATS_GSO_REFUSED);
		if (flow->key.latch && !ksrtp_flow_is_remote(flow, &p.fk))
			return ksrtp_drop(flow, KSRTP_A_STATS_TX_ERRORS);
		return ksrtp_clear(flow);
	}
	/* Only a raw sender can make this; it is no datagram we can protect. */
	if (!ksrtp_whole(skb, &p))
		return ksrtp_drop(flow, KSRTP_A_STATS_TX_ERRORS);
	kind = ksrtp_classify(ksrtp_payload(skb, &p), p.plen);
	if (kind != KSRTP_PKT_RTP && kind != KSRTP_PKT_RTCP)
		return NF_ACCEPT;	/* ZRTP we send, STUN, anything else */
	/* A latching flow sends media only to the remote it learned. */
	if (unlikely(flow->key.latch) && !ksrtp_flow_is_remote(flow, &p.fk))
		return ksrtp_drop(flow, KSRTP_A_STATS_TX_ERRORS);

	if (READ_ONCE(flow->mode) != KSRTP_FLOW_MODE_SECURE)
		return ksrtp_clear(flow);
	key = ksrtp_keys(flow, KSRTP_KEY_DIR_TX, &alt);
	/*
	 * SECURE without a TX key (deleted, or between KEY_DEL and KEY_NEW):
	 * the application still thinks it is protected; nothing leaves clear.
	 */
	if (unlikely(!key))
		return ksrtp_drop(flow, KSRTP_A_STATS_CLEAR_DROPPED);
	return ksrtp_out_protect(net, flow, key, skb, &p,
				 kind == KSRTP_PKT_RTCP);
}

/*
 * The payload handed to the SRTP core: linear (@buf), or the segments of
 * a paged skb (@v, @nv) unprotected in place.
 */
struct ksrtp_rxbuf {
	u8 *buf;
	struct ksrtp_iov *v;
	unsigned int nv;
};

/* Copy the payload to @dst, or back from @src (the GCM retry scratch). */
static void ksrtp_rxbuf_copy(const struct ksrtp_rxbuf *b, u8 *dst,
			     const u8 *src, unsigned int len)
{
	unsigned int i, c;

	if (b->buf) {
		memcpy(dst ? dst : b->buf, dst ? b->buf : src, len);
		return;
	}
	for (i = 0; i < b->nv && len; i++) {
		c = min(b->v[i].len, len);
		if (dst) {
			memcpy(dst, b->v[i].p, c);
			dst += c;
		} else {
			memcpy(b->v[i].p, src, c);
			src += c;
		}
		len -= c;
	}
}

static int ksrtp_unprotect_with(struct ksrtp_key *key, bool rtcp,
				const struct ksrtp_rxbuf *b,
				unsigned int *len)
{
	int ret;

	spin_lock_bh(&key->lock);
	if (b->v)
		ret = ksrtp_unprotect_v(key->ctx, b->v, b->nv, len, rtcp);
	else if (rtcp)
		ret = ksrtcp_unprotect(key->ctx, b->buf, len);
	else
		ret = ksrtp_unprotect(key->ctx, b->buf, len);
	if (!ret)
		key->packets++;
	spin_unlock_bh(&key->lock);
	return ret;
}

/*
 * Unprotect under @key (the active RX key); on an authentication failure
 * try @alt, the other slot, which holds the previous or the next key
 * during a rotation.  HMAC profiles check the tag before touching the
 * packet; GCM decrypts in place before its tag check fails, so the packet
 * is saved first when a GCM attempt may be followed by another one (@alt),
 * or when @keep asks for the packet back unchanged on failure (RX_TRIAL:
 * it may be clear RTP after all).  The two slots may hold different
 * profiles.  With @keep, a GCM packet too large to save is not tried.
 */
static int ksrtp_unprotect_any(struct ksrtp_key *key, struct ksrtp_key *alt,
			       bool rtcp, const struct ksrtp_rxbuf *buf,
			       unsigned int *len, bool keep)
{
	bool gcm = key->ctx->gcm || (alt && alt->ctx->gcm);
	unsigned int orig = *len;
	bool saved = false;
	u8 *scratch = NULL;
	int ret;

	if (gcm && (alt || keep)) {
		if (orig > KSRTP_SCRATCH_LEN) {
			if (keep)
				return KSRTP_ERR_AUTH;
		} else {
			local_bh_disable();
			scratch = this_cpu_ptr(ksrtp_scratch)->b;
			ksrtp_rxbuf_copy(buf, scratch, NULL, orig);
			saved = true;
		}
	}
	ret = ksrtp_unprotect_with(key, rtcp, buf, len);
	if (ret == KSRTP_ERR_AUTH && alt && (saved || !key->ctx->gcm)) {
		if (saved)
			ksrtp_rxbuf_copy(buf, NULL, scratch, orig);
		*len = orig;
		ret = ksrtp_unprotect_with(alt, rtcp, buf, len);
	}
	if (ret && keep) {
		if (saved)
			ksrtp_rxbuf_copy(buf, NULL, scratch, orig);
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

/* Ingress, last step: the payload shrank to @len; deliver. */
static unsigned int ksrtp_in_finish(struct ksrtp_flow *flow,
				    struct sk_buff *skb,
				    const struct ksrtp_pkt *p, unsigned int len)
{
	/* Paged: not cloned (ksrtp_in_frags_ok), so this cannot fail. */
	if (pskb_trim(skb, skb->len - (p->plen - len)))
		return ksrtp_drop(flow, KSRTP_A_STATS_RX_MALFORMED);
	ksrtp_fix_in(skb, p, len);
	ksrtp_stat_inc(flow->stats, KSRTP_A_STATS_RX_PACKETS);
	ksrtp_stat_add(flow->stats, KSRTP_A_STATS_RX_BYTES, len);
	return NF_ACCEPT;
}

/* Ingress: SRTP/SRTCP under the RX key(s) read once for this packet. */
static unsigned int ksrtp_in_unprotect(struct net *net,
				       struct ksrtp_flow *flow,
				       struct sk_buff *skb,
				       struct ksrtp_pkt *p, bool rtcp,
				       struct ksrtp_key *key,
				       struct ksrtp_key *alt, bool trial)
{
	struct ksrtp_rxbuf b = { NULL };
	struct ksrtp_frags *f;
	unsigned int len = p->plen;
	int ret, n;

	if (ksrtp_frags_ok(skb, 0)) {
		/* In place over the fragments, as esp4's input does. */
		local_bh_disable();
		f = this_cpu_ptr(ksrtp_frags);
		n = ksrtp_skb_segs(skb, f, p->l4off + sizeof(struct udphdr),
				   p->plen);
		if (n > 0) {
			b.v = f->v;
			b.nv = n;
			ret = ksrtp_unprotect_any(key, alt, rtcp, &b, &len,
						  trial);
			if (!ret)
				this_cpu_inc(ksrtp_frag_pkts[1]);
		} else {
			ret = KSRTP_ERR_MALFORMED;
		}
		local_bh_enable();
	} else {
		/* Linear, or cloned/shared/frag_list: a private linear copy. */
		if (skb_ensure_writable(skb, skb->len))
			return ksrtp_drop(flow, KSRTP_A_STATS_RX_MALFORMED);
		b.buf = ksrtp_payload(skb, p);
		ret = ksrtp_unprotect_any(key, alt, rtcp, &b, &len, trial);
	}
	if (ret && trial)
		return ksrtp_clear(flow);	/* restored: it was clear */
	if (ret) {
		if (-ret < ARRAY_SIZE(ksrtp_err_stat) && ksrtp_err_stat[-ret])
			ksrtp_stat_inc(flow->stats, ksrtp_err_stat[-ret]);
		else
			ksrtp_stat_inc(flow->stats, KSRTP_A_STATS_RX_MALFORMED);
		if (ret == KSRTP_ERR_AUTH)
			ksrtp_event_auth_fail(net, flow);
		return NF_DROP;
	}
	/* The first authentic packet ends the trial: one event per end. */
	if (trial && READ_ONCE(flow->mode) == KSRTP_FLOW_MODE_SECURE &&
	    test_and_clear_bit(KSRTP_POLICY_RX_TRIAL_BIT, &flow->policy))
		ksrtp_nl_event_flow_secured(net, flow);
	p->authentic = true;
	return ksrtp_in_finish(flow, skb, p, len);
}

/* RFC 7983 §7: a first byte of 128..191 is RTP/RTCP (or an empty one). */
static bool ksrtp_rtp_like(struct sk_buff *skb, const struct ksrtp_pkt *p)
{
	return !p->plen || (ksrtp_payload(skb, p)[0] & 0xc0) == 0x80;
}

/* Ingress: what the flow's mode, policy and keys say about this packet. */
static unsigned int ksrtp_in_policy(struct net *net, struct ksrtp_flow *flow,
				    struct sk_buff *skb, struct ksrtp_pkt *p,
				    enum ksrtp_pkt_kind kind)
{
	bool trial = test_bit(KSRTP_POLICY_RX_TRIAL_BIT, &flow->policy);
	struct ksrtp_key *key, *alt;

	if (kind == KSRTP_PKT_UNKNOWN && !ksrtp_rtp_like(skb, p))
		return NF_ACCEPT;	/* STUN, DTLS: not media */
	key = ksrtp_keys(flow, KSRTP_KEY_DIR_RX, &alt);
	if (READ_ONCE(flow->mode) != KSRTP_FLOW_MODE_SECURE) {
		if (!key || !trial)
			return ksrtp_clear(flow);
	} else if (unlikely(!key)) {
		/* SECURE without an RX key (KEY_DEL): nothing is authentic */
		return ksrtp_drop(flow, KSRTP_A_STATS_CLEAR_DROPPED);
	}
	/* Too short for an RTP/RTCP header: clear in trial, else broken. */
	if (kind == KSRTP_PKT_UNKNOWN)
		return trial ? ksrtp_clear(flow) :
			       ksrtp_drop(flow, KSRTP_A_STATS_RX_MALFORMED);
	return ksrtp_in_unprotect(net, flow, skb, p, kind == KSRTP_PKT_RTCP,
				  key, alt, trial);
}

/*
 * Is the UDP checksum bad?  Unprotecting changes the payload, and a
 * flow's packet is judged whole, so it is verified here.  RFC 8200 §8.1:
 * over IPv6 a zero checksum is not "none".
 */
static bool ksrtp_bad_csum(struct sk_buff *skb, const struct ksrtp_pkt *p,
			   unsigned int hook)
{
	const struct udphdr *uh = (const struct udphdr *)(skb->data + p->l4off);

	if (p->v6 && !uh->check)
		return true;
	if (skb_csum_unnecessary(skb) || !uh->check)
		return false;
	return nf_checksum(skb, hook, p->l4off, IPPROTO_UDP,
			   p->v6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
}

/* Ingress of ZRTP: to the listener, whole (the length was checked). */
static unsigned int ksrtp_in_zrtp(struct net *net, struct ksrtp_net *kn,
				  struct ksrtp_flow *flow, struct sk_buff *skb,
				  const struct ksrtp_pkt *p)
{
	if (skb_linearize(skb)) {
		if (flow)
			ksrtp_stat_inc(flow->stats, KSRTP_A_STATS_ZRTP_DROPPED);
		return NF_DROP;
	}
	ksrtp_zrtp_divert(net, kn, flow, &p->fk, ksrtp_payload(skb, p),
			  p->plen);
	consume_skb(skb);
	return NF_STOLEN;
}

/*
 * Ingress, RTP/RTCP accepted on a latching flow that has not latched yet
 * (RFC 4961): it latches the flow if it authenticated, or if the flow may
 * latch on clear media (KSRTP_POLICY_LATCH_CLEAR); else, or if another
 * source won the race, it is dropped.
 */
static unsigned int ksrtp_in_latch(struct net *net, struct ksrtp_flow *flow,
				   const struct ksrtp_pkt *p)
{
	int ret;

	if (!p->authentic &&
	    !(READ_ONCE(flow->policy) & KSRTP_POLICY_LATCH_CLEAR))
		return ksrtp_drop(flow, KSRTP_A_STATS_LATCH_DROPPED);
	ret = ksrtp_flow_latch(flow, &p->fk);
	if (ret < 0)
		return ksrtp_drop(flow, KSRTP_A_STATS_LATCH_DROPPED);
	if (ret)
		ksrtp_nl_event_flow_latched(net, flow);
	return NF_ACCEPT;
}

/*
 * Ingress, a packet of a flow: it is one whole, consistent datagram, or it
 * is dropped and counted; never passed on.  A GRO batch (UDP_GRO socket,
 * rx-gro-list) would need each datagram checked: refused whole.
 */
static unsigned int ksrtp_in_flow(struct net *net, struct ksrtp_net *kn,
				  struct ksrtp_flow *flow, struct sk_buff *skb,
				  struct ksrtp_pkt *p, unsigned int hook)
{
	enum ksrtp_pkt_kind kind;
	unsigned int verdict;

	if (unlikely(skb_is_gso(skb)))
		return ksrtp_drop(flow, KSRTP_A_STATS_GSO_REFUSED);
	if (!ksrtp_whole(skb, p) || ksrtp_bad_csum(skb, p, hook))
		return ksrtp_drop(flow, KSRTP_A_STATS_RX_MALFORMED);
	kind = ksrtp_classify(ksrtp_payload(skb, p), p->plen);
	if (kind == KSRTP_PKT_ZRTP)
		return ksrtp_in_zrtp(net, kn, flow, skb, p);
	verdict = ksrtp_in_policy(net, flow, skb, p, kind);
	if (unlikely(p->wild) && verdict == NF_ACCEPT &&
	    (kind == KSRTP_PKT_RTP || kind == KSRTP_PKT_RTCP))
		verdict = ksrtp_in_latch(net, flow, p);
	/* Gateway: accepted RTP/RTCP of a relay's leg leaves on the other. */
	if (verdict == NF_ACCEPT &&
	    (kind == KSRTP_PKT_RTP || kind == KSRTP_PKT_RTCP)) {
		struct ksrtp_flow *peer = rcu_dereference(flow->peer);

		if (peer)
			return ksrtp_relay_xmit(net, flow, peer, skb, p->l4off,
						p->v6, kind == KSRTP_PKT_RTCP);
	}
	return verdict;
}

/* Ingress, no flow: untouched, unless ZRTP arrives on a watched port. */
static unsigned int ksrtp_in_other(struct net *net, struct ksrtp_net *kn,
				   struct sk_buff *skb, struct ksrtp_pkt *p)
{
	if (!rcu_access_pointer(kn->watches) || skb_is_gso(skb) ||
	    !ksrtp_whole(skb, p) ||
	    ksrtp_classify(ksrtp_payload(skb, p), p->plen) != KSRTP_PKT_ZRTP ||
	    !ksrtp_watch_seen(net, kn, &p->fk, KSRTP_EVENT_ZRTP_IN))
		return NF_ACCEPT;
	return ksrtp_in_zrtp(net, kn, NULL, skb, p);
}

/* Classify (by the 4-tuple alone) -> policy -> unprotect -> finish. */
static unsigned int ksrtp_ingress(struct net *net, struct sk_buff *skb,
				  unsigned int hook, bool v6)
{
	struct ksrtp_net *kn = ksrtp_net(net);
	struct ksrtp_flow *flow;
	struct ksrtp_pkt p;

	if (!READ_ONCE(kn->count) && !rcu_access_pointer(kn->watches))
		return NF_ACCEPT;
	if (!ksrtp_parse(skb, v6, false, &p))
		return unlikely(ksrtp_is_icmp(skb, v6)) ?
		       ksrtp_icmp_in(net, kn, skb, hook, v6) : NF_ACCEPT;
	flow = ksrtp_flow_lookup_rcu(kn, &p.fk);
	if (!flow && READ_ONCE(kn->latching)) {
		/* Latching: before, any source may be the remote; after, one. */
		flow = ksrtp_flow_lookup_latch_rcu(kn, &p.fk);
		if (flow && !ksrtp_flow_is_remote(flow, &p.fk)) {
			if (ksrtp_flow_latched(flow))
				return ksrtp_drop(flow,
						  KSRTP_A_STATS_LATCH_DROPPED);
			p.wild = true;
		}
	}
	if (!flow)
		return ksrtp_in_other(net, kn, skb, &p);
	return ksrtp_in_flow(net, kn, flow, skb, &p, hook);
}

/*
 * VRF: a datagram routed through an l3mdev passes LOCAL_OUT twice, first
 * with the VRF device as output (vrf_ip_out), then with the real one.  It
 * is protected once, on the second pass.
 */
static bool ksrtp_l3mdev_pass(const struct nf_hook_state *state)
{
	return state->out && netif_is_l3_master(state->out);
}

static unsigned int ksrtp_out4(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	if (unlikely(ksrtp_l3mdev_pass(state)))
		return NF_ACCEPT;
	return ksrtp_egress(state->net, skb, false);
}

static unsigned int ksrtp_out6(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	if (unlikely(ksrtp_l3mdev_pass(state)))
		return NF_ACCEPT;
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
