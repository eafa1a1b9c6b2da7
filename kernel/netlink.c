// SPDX-License-Identifier: GPL-2.0
/*
 * The "ksrtp" generic netlink family.  The contract, with every command's
 * attribute tree, is include/uapi/linux/ksrtp.h.
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/socket.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <uapi/linux/ksrtp.h>

#include "ksrtp.h"
#include "flow.h"
#include "key.h"
#include "netlink.h"
#include "netlink-gen.h"
#include "zrtp.h"
#include "srtp/srtp.h"

/* Not static: relay.c's commands put replies of the family too. */
struct genl_family ksrtp_genl_family;

/* ZRTP messages are at most ~1 KiB (RFC 6189 §5); leave room for Hello. */
enum { KSRTP_ZRTP_MIN = 12, KSRTP_ZRTP_MAX = 1500 };

enum { KSRTP_REPLAY_WINDOW_MAX = 32768 };

/*
 * A required attribute: report which one is missing both as the extack
 * missing-attribute fields and as a message a person can read.
 */
#define KSRTP_REQUIRE(extack, nest, tb, type, what) ({			\
	bool __miss = NL_REQ_ATTR_CHECK(extack, nest, tb, type);	\
	if (__miss)							\
		NL_SET_ERR_MSG_ATTR(extack, nest, "missing " what);	\
	__miss;								\
})

/*
 * The request policies, one per command, and the ops table are generated
 * from Documentation/netlink/specs/ksrtp.yaml (netlink-gen.c, by the
 * kernel's ynl-gen-c.py: tools/ynl/gen.sh).  GET_INFO and ZRTP_LISTEN take
 * no attributes; ynl-gen's per-op mode cannot say so, so they are small ops
 * under the family's policy, which admits nothing (strict validation
 * refuses every attribute whose policy type is NLA_UNSPEC).
 */
static const struct nla_policy ksrtp_none_policy[KSRTP_A_MAX + 1] = {};

/*
 * Parse one address nest into the side of @key it describes; without
 * @need_port (a latching remote) the port may be left out.
 */
static int ksrtp_parse_addr(struct nlattr *nest, bool local, bool need_port,
			    struct ksrtp_flow_key *key,
			    struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KSRTP_A_ADDR_MAX + 1];
	struct in6_addr *addr = local ? &key->laddr : &key->raddr;
	__be16 *port = local ? &key->lport : &key->rport;
	u16 family;
	int ret;

	ret = nla_parse_nested(tb, KSRTP_A_ADDR_MAX, nest, ksrtp_addr_nl_policy,
			       extack);
	if (ret)
		return ret;

	ret = -EINVAL;
	if (KSRTP_REQUIRE(extack, nest, tb, KSRTP_A_ADDR_FAMILY,
			  "address family (KSRTP_A_ADDR_FAMILY)") ||
	    (need_port && KSRTP_REQUIRE(extack, nest, tb, KSRTP_A_ADDR_PORT,
					"port (KSRTP_A_ADDR_PORT)")))
		return ret;

	family = nla_get_u16(tb[KSRTP_A_ADDR_FAMILY]);
	switch (family) {
	case AF_INET:
		if (KSRTP_REQUIRE(extack, nest, tb, KSRTP_A_ADDR_IN,
				  "IPv4 address (KSRTP_A_ADDR_IN)"))
			return ret;
		if (tb[KSRTP_A_ADDR_IN6]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[KSRTP_A_ADDR_IN6],
					    "IPv6 address given for an AF_INET address");
			return ret;
		}
		addr->s6_addr32[0] = nla_get_in_addr(tb[KSRTP_A_ADDR_IN]);
		break;
	case AF_INET6:
		if (KSRTP_REQUIRE(extack, nest, tb, KSRTP_A_ADDR_IN6,
				  "IPv6 address (KSRTP_A_ADDR_IN6)"))
			return ret;
		if (tb[KSRTP_A_ADDR_IN]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[KSRTP_A_ADDR_IN],
					    "IPv4 address given for an AF_INET6 address");
			return ret;
		}
		*addr = nla_get_in6_addr(tb[KSRTP_A_ADDR_IN6]);
		break;
	default:
		NL_SET_ERR_MSG_ATTR(extack, tb[KSRTP_A_ADDR_FAMILY],
				    "address family must be AF_INET or AF_INET6");
		return ret;
	}

	*port = tb[KSRTP_A_ADDR_PORT] ? nla_get_be16(tb[KSRTP_A_ADDR_PORT]) : 0;
	if (!*port && need_port) {
		NL_SET_ERR_MSG_ATTR(extack, tb[KSRTP_A_ADDR_PORT],
				    "port must not be 0");
		return ret;
	}

	if (key->family && key->family != family) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "local and remote addresses are of different families");
		return -EAFNOSUPPORT;
	}
	key->family = family;
	return 0;
}

/*
 * Parse LOCAL and REMOTE of a flow nest into a lookup key; with LATCH,
 * the key of a latching flow (flow.h): PORT takes REMOTE without a port,
 * ADDR no REMOTE.
 */
static int ksrtp_parse_tuple(struct nlattr **tb, struct nlattr *flow_nest,
			     struct ksrtp_flow_key *key,
			     struct netlink_ext_ack *extack)
{
	u8 latch = tb[KSRTP_A_FLOW_LATCH] ? nla_get_u8(tb[KSRTP_A_FLOW_LATCH]) :
					    KSRTP_LATCH_NONE;
	int ret;

	memset(key, 0, sizeof(*key));
	if (KSRTP_REQUIRE(extack, flow_nest, tb, KSRTP_A_FLOW_LOCAL,
			  "local address (KSRTP_A_FLOW_LOCAL)") ||
	    (latch != KSRTP_LATCH_ADDR &&
	     KSRTP_REQUIRE(extack, flow_nest, tb, KSRTP_A_FLOW_REMOTE,
			   "remote address (KSRTP_A_FLOW_REMOTE)")))
		return -EINVAL;
	if (latch == KSRTP_LATCH_ADDR && tb[KSRTP_A_FLOW_REMOTE]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[KSRTP_A_FLOW_REMOTE],
				    "a flow that latches address and port has no remote");
		return -EINVAL;
	}

	ret = ksrtp_parse_addr(tb[KSRTP_A_FLOW_LOCAL], true, true, key, extack);
	if (ret || latch == KSRTP_LATCH_ADDR)
		goto out;
	ret = ksrtp_parse_addr(tb[KSRTP_A_FLOW_REMOTE], false,
			       latch == KSRTP_LATCH_NONE, key, extack);
	if (!ret && key->rport && latch == KSRTP_LATCH_PORT) {
		NL_SET_ERR_MSG_ATTR(extack, tb[KSRTP_A_FLOW_REMOTE],
				    "a flow that latches the remote port is given none");
		ret = -EINVAL;
	}
out:
	key->latch = latch;
	return ret;
}

static int ksrtp_put_addr(struct sk_buff *skb, int type, u16 family,
			  const struct in6_addr *addr, __be16 port)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u16(skb, KSRTP_A_ADDR_FAMILY, family) ||
	    (family == AF_INET ?
	     nla_put_in_addr(skb, KSRTP_A_ADDR_IN, addr->s6_addr32[0]) :
	     nla_put_in6_addr(skb, KSRTP_A_ADDR_IN6, addr)) ||
	    nla_put_be16(skb, KSRTP_A_ADDR_PORT, port)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* A FLOW nest: the id (if any), the addresses, and mode/policy of @flow. */
static int ksrtp_put_tuple(struct sk_buff *skb, u32 id,
			   const struct ksrtp_flow_key *k,
			   const struct ksrtp_flow *flow)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, KSRTP_A_FLOW);
	if (!nest)
		return -EMSGSIZE;
	if ((id && nla_put_u32(skb, KSRTP_A_FLOW_ID, id)) ||
	    ksrtp_put_addr(skb, KSRTP_A_FLOW_LOCAL, k->family, &k->laddr,
			   k->lport) ||
	    ksrtp_put_addr(skb, KSRTP_A_FLOW_REMOTE, k->family, &k->raddr,
			   k->rport) ||
	    (flow && (nla_put_u8(skb, KSRTP_A_FLOW_MODE, READ_ONCE(flow->mode)) ||
		      nla_put_u32(skb, KSRTP_A_FLOW_POLICY,
				  (u32)READ_ONCE(flow->policy)))) ||
	    (flow && flow->key.latch &&
	     (nla_put_u8(skb, KSRTP_A_FLOW_LATCH, flow->key.latch) ||
	      (k != &flow->key && nla_put_flag(skb, KSRTP_A_FLOW_LATCHED))))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* A latching flow shows the remote it learned, or what it knows (flow.h). */
static int ksrtp_put_flow(struct sk_buff *skb, const struct ksrtp_flow *flow)
{
	struct ksrtp_flow_key kbuf;
	const struct ksrtp_flow_key *k = ksrtp_flow_tuple(flow, &kbuf);

	return ksrtp_put_tuple(skb, flow->id, k ?: &flow->key, flow);
}

static int ksrtp_put_stats(struct sk_buff *skb, const struct ksrtp_flow *flow)
{
	u64 c[KSRTP_NSTATS];
	struct nlattr *nest;
	unsigned int i;

	ksrtp_stats_read(flow->stats, c);
	nest = nla_nest_start(skb, KSRTP_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = KSRTP_A_STATS_TX_PACKETS; i <= KSRTP_A_STATS_MAX; i++) {
		if (i == KSRTP_A_STATS_PAD)
			continue;
		if (nla_put_u64_64bit(skb, i, c[i], KSRTP_A_STATS_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Installed keys, described: never their bytes. */
static int ksrtp_put_keys(struct sk_buff *skb, const struct ksrtp_flow *flow)
{
	struct ksrtp_stream_info si;
	unsigned int d, s;

	rcu_read_lock();
	for (d = 0; d < KSRTP_DIRS; d++) {
		for (s = 0; s < KSRTP_SLOTS; s++) {
			struct ksrtp_key *key = rcu_dereference(flow->keys[d][s]);
			struct nlattr *nest;
			u64 packets;
			u32 roc = 0;

			if (!key)
				continue;
			spin_lock_bh(&key->lock);
			packets = key->packets;
			if (!ksrtp_stream_get(key->ctx, 0, &si))
				roc = si.roc;
			spin_unlock_bh(&key->lock);
			nest = nla_nest_start(skb, KSRTP_A_KEY);
			if (!nest ||
			    nla_put_u32(skb, KSRTP_A_KEY_FLOW_ID, flow->id) ||
			    nla_put_u8(skb, KSRTP_A_KEY_DIR, d) ||
			    nla_put_u8(skb, KSRTP_A_KEY_SLOT, s) ||
			    nla_put_u16(skb, KSRTP_A_KEY_PROFILE, key->profile) ||
			    (READ_ONCE(flow->active[d]) == s &&
			     nla_put_flag(skb, KSRTP_A_KEY_ACTIVE)) ||
			    nla_put_u32(skb, KSRTP_A_KEY_ROC, roc) ||
			    nla_put_u64_64bit(skb, KSRTP_A_KEY_PACKETS, packets,
					      KSRTP_A_KEY_PAD)) {
				rcu_read_unlock();
				return -EMSGSIZE;
			}
			nla_nest_end(skb, nest);
		}
	}
	rcu_read_unlock();
	return 0;
}

/* Reply to @info with one flow, built by the command @cmd. */
static int ksrtp_reply_flow(struct genl_info *info, u8 cmd,
			    const struct ksrtp_flow *flow)
{
	struct sk_buff *msg;
	void *hdr;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ksrtp_genl_family, 0, cmd);
	if (!hdr || ksrtp_put_flow(msg, flow)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int ksrtp_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct ksrtp_net *kn = ksrtp_net(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ksrtp_genl_family, 0,
				KSRTP_CMD_GET_INFO);
	if (!hdr ||
	    nla_put_u32(msg, KSRTP_A_VERSION, KSRTP_VERSION) ||
	    nla_put_u32(msg, KSRTP_A_API_VERSION, KSRTP_API_VERSION) ||
	    nla_put_u64_64bit(msg, KSRTP_A_FEATURES,
			      KSRTP_F_FLOWS | KSRTP_F_IPV6 | KSRTP_F_SRTP |
			      KSRTP_F_ZRTP | KSRTP_F_WATCH |
			      KSRTP_F_RX_TRIAL | KSRTP_F_SECURED_EVENT |
			      KSRTP_F_RELAY | KSRTP_F_LATCH, KSRTP_A_PAD) ||
	    /* How many calls the host carries is the administrator's. */
	    (netlink_capable(skb, CAP_NET_ADMIN) &&
	     nla_put_u32(msg, KSRTP_A_FLOW_COUNT, READ_ONCE(kn->count)))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int ksrtp_nl_flow_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ksrtp_net *kn = ksrtp_net(genl_info_net(info));
	struct nlattr *tb[KSRTP_A_FLOW_MAX + 1];
	struct ksrtp_flow_key key;
	struct ksrtp_flow *flow;
	u32 policy = 0;
	u8 mode = KSRTP_FLOW_MODE_DIVERT;
	int ret;

	if (KSRTP_REQUIRE(info->extack, NULL, info->attrs, KSRTP_A_FLOW,
			  "flow (KSRTP_A_FLOW)"))
		return -EINVAL;
	ret = nla_parse_nested(tb, KSRTP_A_FLOW_MAX, info->attrs[KSRTP_A_FLOW],
			       ksrtp_flow_nl_policy, info->extack);
	if (ret)
		return ret;
	if (tb[KSRTP_A_FLOW_ID]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KSRTP_A_FLOW_ID],
				    "flow id is assigned by the kernel");
		return -EINVAL;
	}
	ret = ksrtp_parse_tuple(tb, info->attrs[KSRTP_A_FLOW], &key,
				info->extack);
	if (ret)
		return ret;
	if (tb[KSRTP_A_FLOW_MODE])
		mode = nla_get_u8(tb[KSRTP_A_FLOW_MODE]);
	if (tb[KSRTP_A_FLOW_POLICY])
		policy = nla_get_u32(tb[KSRTP_A_FLOW_POLICY]);

	mutex_lock(&kn->lock);
	ret = ksrtp_flow_add(genl_info_net(info), kn, &key, mode, policy, &flow);
	if (ret == -EEXIST)
		NL_SET_ERR_MSG(info->extack,
			       "a flow with this local and remote address exists");
	else if (ret == -ENOSPC)
		NL_SET_ERR_MSG(info->extack,
			       "flow limit of this network namespace reached (max_flows)");
	if (!ret)
		ret = ksrtp_reply_flow(info, KSRTP_CMD_FLOW_NEW, flow);
	mutex_unlock(&kn->lock);
	return ret;
}

/* Find the flow named by a FLOW nest: by ID, or by LOCAL + REMOTE. */
static struct ksrtp_flow *ksrtp_find_flow(struct ksrtp_net *kn,
					  struct genl_info *info)
{
	struct nlattr *tb[KSRTP_A_FLOW_MAX + 1];
	struct nlattr *nest = info->attrs[KSRTP_A_FLOW];
	struct ksrtp_flow_key key;
	struct ksrtp_flow *flow;
	int ret;

	lockdep_assert_held(&kn->lock);

	if (KSRTP_REQUIRE(info->extack, NULL, info->attrs, KSRTP_A_FLOW,
			  "flow (KSRTP_A_FLOW)"))
		return ERR_PTR(-EINVAL);
	ret = nla_parse_nested(tb, KSRTP_A_FLOW_MAX, nest, ksrtp_flow_nl_policy,
			       info->extack);
	if (ret)
		return ERR_PTR(ret);

	if (tb[KSRTP_A_FLOW_ID]) {
		flow = ksrtp_flow_by_id(kn, nla_get_u32(tb[KSRTP_A_FLOW_ID]));
		if (!flow)
			NL_SET_ERR_MSG_ATTR(info->extack, tb[KSRTP_A_FLOW_ID],
					    "no flow with this id");
		return flow ?: ERR_PTR(-ENOENT);
	}

	ret = ksrtp_parse_tuple(tb, nest, &key, info->extack);
	if (ret)
		return ERR_PTR(ret);
	rcu_read_lock();
	flow = ksrtp_flow_lookup_rcu(kn, &key);
	rcu_read_unlock();
	if (!flow)
		NL_SET_ERR_MSG(info->extack,
			       "no flow with this local and remote address");
	return flow ?: ERR_PTR(-ENOENT);
}

int ksrtp_nl_flow_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ksrtp_net *kn = ksrtp_net(genl_info_net(info));
	struct ksrtp_flow *flow;
	int ret = 0;

	mutex_lock(&kn->lock);
	flow = ksrtp_find_flow(kn, info);
	if (IS_ERR(flow))
		ret = PTR_ERR(flow);
	else
		ksrtp_flow_remove(kn, flow);
	mutex_unlock(&kn->lock);
	return ret;
}

int ksrtp_nl_flow_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ksrtp_net *kn = ksrtp_net(genl_info_net(info));
	struct ksrtp_flow *flow;
	int ret;

	mutex_lock(&kn->lock);
	flow = ksrtp_find_flow(kn, info);
	if (IS_ERR(flow))
		ret = PTR_ERR(flow);
	else
		ret = ksrtp_reply_flow(info, KSRTP_CMD_FLOW_GET, flow);
	mutex_unlock(&kn->lock);
	return ret;
}

/*
 * Dump every flow, resuming at cb->args[0] (the next flow id).  The
 * generation counter marks the dump NLM_F_DUMP_INTR if the table changed
 * between two parts of it.
 */
int ksrtp_nl_flow_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ksrtp_net *kn = ksrtp_net(sock_net(skb->sk));
	unsigned long id = cb->args[0];
	struct ksrtp_flow *flow;
	void *hdr;

	mutex_lock(&kn->lock);
	cb->seq = kn->gen;
	xa_for_each_start(&kn->ids, id, flow, id) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &ksrtp_genl_family,
				  NLM_F_MULTI, KSRTP_CMD_FLOW_GET);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (ksrtp_put_flow(skb, flow)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = id + 1;
	}
	mutex_unlock(&kn->lock);
	return skb->len;
}


int ksrtp_nl_flow_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ksrtp_net *kn = ksrtp_net(genl_info_net(info));
	struct nlattr *tb[KSRTP_A_FLOW_MAX + 1];
	struct ksrtp_flow *flow;
	int ret;

	mutex_lock(&kn->lock);
	flow = ksrtp_find_flow(kn, info);
	if (IS_ERR(flow)) {
		ret = PTR_ERR(flow);
		goto out;
	}
	/* Validated by ksrtp_find_flow() already. */
	ret = nla_parse_nested(tb, KSRTP_A_FLOW_MAX, info->attrs[KSRTP_A_FLOW],
			       ksrtp_flow_nl_policy, info->extack);
	if (ret)
		goto out;
	if (!tb[KSRTP_A_FLOW_MODE] && !tb[KSRTP_A_FLOW_POLICY]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KSRTP_A_FLOW],
				    "nothing to change: give a mode or a policy");
		ret = -EINVAL;
		goto out;
	}
	if (tb[KSRTP_A_FLOW_MODE])
		WRITE_ONCE(flow->mode, nla_get_u8(tb[KSRTP_A_FLOW_MODE]));
	if (tb[KSRTP_A_FLOW_POLICY])
		WRITE_ONCE(flow->policy, nla_get_u32(tb[KSRTP_A_FLOW_POLICY]));
	kn->gen++;
	ret = ksrtp_reply_flow(info, KSRTP_CMD_FLOW_SET, flow);
out:
	mutex_unlock(&kn->lock);
	return ret;
}

/* Parse a KEY nest; @full: KEY_NEW, which needs the key material too. */
static int ksrtp_parse_key(struct genl_info *info, bool full, bool need_slot,
			   struct nlattr **tb, struct ksrtp_key_params *p,
			   u32 *flow_id)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *nest = info->attrs[KSRTP_A_KEY];
	u8 key_len, salt_len;
	int ret;

	if (KSRTP_REQUIRE(extack, NULL, info->attrs, KSRTP_A_KEY,
			  "key (KSRTP_A_KEY)"))
		return -EINVAL;
	ret = nla_parse_nested(tb, KSRTP_A_KEY_MAX, nest, ksrtp_key_nl_policy,
			       extack);
	if (ret)
		return ret;
	/* The spec's key set is shared with replies; these never come in. */
	if (tb[KSRTP_A_KEY_ACTIVE] || tb[KSRTP_A_KEY_PACKETS]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[KSRTP_A_KEY_ACTIVE] ?:
				    tb[KSRTP_A_KEY_PACKETS],
				    "reply-only attribute in a request");
		return -EINVAL;
	}
	if (KSRTP_REQUIRE(extack, nest, tb, KSRTP_A_KEY_FLOW_ID,
			  "flow id (KSRTP_A_KEY_FLOW_ID)") ||
	    KSRTP_REQUIRE(extack, nest, tb, KSRTP_A_KEY_DIR,
			  "direction (KSRTP_A_KEY_DIR)"))
		return -EINVAL;
	if (need_slot && KSRTP_REQUIRE(extack, nest, tb, KSRTP_A_KEY_SLOT,
				       "slot (KSRTP_A_KEY_SLOT)"))
		return -EINVAL;
	*flow_id = nla_get_u32(tb[KSRTP_A_KEY_FLOW_ID]);
	p->dir = nla_get_u8(tb[KSRTP_A_KEY_DIR]);
	p->slot = tb[KSRTP_A_KEY_SLOT] ? nla_get_u8(tb[KSRTP_A_KEY_SLOT]) : 0;
	if (!full)
		return 0;

	if (KSRTP_REQUIRE(extack, nest, tb, KSRTP_A_KEY_PROFILE,
			  "profile (KSRTP_A_KEY_PROFILE)") ||
	    KSRTP_REQUIRE(extack, nest, tb, KSRTP_A_KEY_MASTER_KEY,
			  "master key (KSRTP_A_KEY_MASTER_KEY)") ||
	    KSRTP_REQUIRE(extack, nest, tb, KSRTP_A_KEY_MASTER_SALT,
			  "master salt (KSRTP_A_KEY_MASTER_SALT)"))
		return -EINVAL;
	p->profile = nla_get_u16(tb[KSRTP_A_KEY_PROFILE]);
	if (!ksrtp_profile_lengths(p->profile, &key_len, &salt_len)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[KSRTP_A_KEY_PROFILE],
				    "unknown SRTP profile");
		return -EOPNOTSUPP;
	}
	if (nla_len(tb[KSRTP_A_KEY_MASTER_KEY]) != key_len) {
		if (key_len == 16)
			NL_SET_ERR_MSG_ATTR(extack, tb[KSRTP_A_KEY_MASTER_KEY],
					    "master key must be 16 bytes for this profile");
		else
			NL_SET_ERR_MSG_ATTR(extack, tb[KSRTP_A_KEY_MASTER_KEY],
					    "master key must be 32 bytes for this profile");
		return -EINVAL;
	}
	if (nla_len(tb[KSRTP_A_KEY_MASTER_SALT]) != salt_len) {
		if (salt_len == 14)
			NL_SET_ERR_MSG_ATTR(extack, tb[KSRTP_A_KEY_MASTER_SALT],
					    "master salt must be 14 bytes for this profile");
		else
			NL_SET_ERR_MSG_ATTR(extack, tb[KSRTP_A_KEY_MASTER_SALT],
					    "master salt must be 12 bytes for this profile");
		return -EINVAL;
	}
	p->key_len = key_len;
	p->salt_len = salt_len;
	nla_memcpy(p->master_key, tb[KSRTP_A_KEY_MASTER_KEY], key_len);
	nla_memcpy(p->master_salt, tb[KSRTP_A_KEY_MASTER_SALT], salt_len);
	/* The request's copy, too: it may linger in a socket buffer. */
	memzero_explicit(nla_data(tb[KSRTP_A_KEY_MASTER_KEY]), key_len);
	memzero_explicit(nla_data(tb[KSRTP_A_KEY_MASTER_SALT]), salt_len);
	if (tb[KSRTP_A_KEY_ROC]) {
		p->has_roc = true;
		p->roc = nla_get_u32(tb[KSRTP_A_KEY_ROC]);
	}
	if (tb[KSRTP_A_KEY_SEQ]) {
		p->has_seq = true;
		p->seq = nla_get_u16(tb[KSRTP_A_KEY_SEQ]);
	}
	if (tb[KSRTP_A_KEY_REPLAY_WINDOW]) {
		p->replay_window = nla_get_u32(tb[KSRTP_A_KEY_REPLAY_WINDOW]);
		/* the policy has the minimum (the spec says why not both) */
		if (p->replay_window > KSRTP_REPLAY_WINDOW_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, tb[KSRTP_A_KEY_REPLAY_WINDOW],
					    "replay window above 32768 packets");
			return -ERANGE;
		}
	}
	if (tb[KSRTP_A_KEY_MAX_SSRCS])
		p->max_ssrcs = nla_get_u32(tb[KSRTP_A_KEY_MAX_SSRCS]);
	return 0;
}

static struct ksrtp_flow *ksrtp_key_flow(struct ksrtp_net *kn, u32 id,
					 struct nlattr **tb,
					 struct netlink_ext_ack *extack)
{
	struct ksrtp_flow *flow = ksrtp_flow_by_id(kn, id);

	if (!flow)
		NL_SET_ERR_MSG_ATTR(extack, tb[KSRTP_A_KEY_FLOW_ID],
				    "no flow with this id");
	return flow;
}

/* The message below names the limit. */
static_assert(KSRTP_CTX_MAX_SIZE == 512 * 1024);

/* The extack message for an error of ksrtp_key_create(). */
static void ksrtp_key_create_msg(struct netlink_ext_ack *extack, int err)
{
	switch (err) {
	case -ERANGE:
		NL_SET_ERR_MSG(extack,
			       "replay window x SSRC bound needs more than the 512 KiB a key may use (KSRTP_A_KEY_REPLAY_WINDOW, KSRTP_A_KEY_MAX_SSRCS)");
		break;
	case -ENOENT:
		NL_SET_ERR_MSG(extack,
			       "the kernel lacks a crypto algorithm this profile needs");
		break;
	case -EINVAL:
		NL_SET_ERR_MSG(extack, "the SRTP core refused these key parameters");
		break;
	case -ENOMEM:
		NL_SET_ERR_MSG(extack, "out of memory for the key");
		break;
	}
}

/*
 * KEY_NEW: the key is built (allocation, key derivation, transforms) before
 * the namespace's lock is taken; under it the flow is looked up again (it
 * may have been deleted meanwhile) and the key published.
 */
int ksrtp_nl_key_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ksrtp_net *kn = ksrtp_net(genl_info_net(info));
	struct nlattr *tb[KSRTP_A_KEY_MAX + 1];
	struct ksrtp_key_params p = { 0 };
	struct ksrtp_key *key = NULL;
	struct ksrtp_flow *flow;
	u32 id;
	int ret;

	ret = ksrtp_parse_key(info, true, false, tb, &p, &id);
	if (ret)
		goto out;
	if (!ksrtp_key_ctx_need(&p) ||
	    ksrtp_key_ctx_need(&p) > KSRTP_CTX_MAX_SIZE) {
		ret = -ERANGE;
		ksrtp_key_create_msg(info->extack, ret);
		goto out;
	}
	key = ksrtp_key_create(&p);
	if (IS_ERR(key)) {
		ret = PTR_ERR(key);
		key = NULL;
		ksrtp_key_create_msg(info->extack, ret);
		goto out;
	}
	mutex_lock(&kn->lock);
	flow = ksrtp_key_flow(kn, id, tb, info->extack);
	if (flow) {
		ksrtp_key_publish(kn, flow, key, &p);
		key = NULL;
	} else {
		ret = -ENOENT;
	}
	mutex_unlock(&kn->lock);
out:
	ksrtp_key_destroy(key);
	memzero_explicit(&p, sizeof(p));
	return ret;
}

int ksrtp_nl_key_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ksrtp_net *kn = ksrtp_net(genl_info_net(info));
	struct nlattr *tb[KSRTP_A_KEY_MAX + 1];
	struct ksrtp_key_params p = { 0 };
	struct ksrtp_flow *flow;
	u32 id;
	int ret;

	ret = ksrtp_parse_key(info, false, true, tb, &p, &id);
	if (ret)
		return ret;
	mutex_lock(&kn->lock);
	flow = ksrtp_key_flow(kn, id, tb, info->extack);
	ret = flow ? ksrtp_key_delete(kn, flow, p.dir, p.slot) : -ENOENT;
	if (flow && ret)
		NL_SET_ERR_MSG(info->extack, "no key in this slot");
	mutex_unlock(&kn->lock);
	return ret;
}

int ksrtp_nl_key_swap_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ksrtp_net *kn = ksrtp_net(genl_info_net(info));
	struct nlattr *tb[KSRTP_A_KEY_MAX + 1];
	struct ksrtp_key_params p = { 0 };
	struct ksrtp_flow *flow;
	u32 id;
	int ret;

	ret = ksrtp_parse_key(info, false, false, tb, &p, &id);
	if (ret)
		return ret;
	mutex_lock(&kn->lock);
	flow = ksrtp_key_flow(kn, id, tb, info->extack);
	ret = flow ? ksrtp_key_swap(kn, flow, p.dir) : -ENOENT;
	if (flow && ret)
		NL_SET_ERR_MSG(info->extack, "the other slot holds no key");
	mutex_unlock(&kn->lock);
	return ret;
}

static int ksrtp_fill_stats(struct sk_buff *skb, u32 portid, u32 seq,
			    int flags, const struct ksrtp_flow *flow,
			    struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &ksrtp_genl_family, flags,
			  KSRTP_CMD_STATS_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (ksrtp_put_flow(skb, flow) || ksrtp_put_stats(skb, flow) ||
	    ksrtp_put_keys(skb, flow)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

int ksrtp_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ksrtp_net *kn = ksrtp_net(genl_info_net(info));
	struct ksrtp_flow *flow;
	struct sk_buff *msg;
	int ret;

	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&kn->lock);
	flow = ksrtp_find_flow(kn, info);
	if (IS_ERR(flow))
		ret = PTR_ERR(flow);
	else
		ret = ksrtp_fill_stats(msg, info->snd_portid, info->snd_seq, 0,
				       flow, NULL);
	mutex_unlock(&kn->lock);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

int ksrtp_nl_stats_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ksrtp_net *kn = ksrtp_net(sock_net(skb->sk));
	unsigned long id = cb->args[0];
	struct ksrtp_flow *flow;

	mutex_lock(&kn->lock);
	cb->seq = kn->gen;
	xa_for_each_start(&kn->ids, id, flow, id) {
		if (ksrtp_fill_stats(skb, NETLINK_CB(cb->skb).portid,
				     cb->nlh->nlmsg_seq, NLM_F_MULTI, flow, cb))
			break;
		cb->args[0] = id + 1;
	}
	mutex_unlock(&kn->lock);
	return skb->len;
}

static int ksrtp_nl_zrtp_listen(struct sk_buff *skb, struct genl_info *info)
{
	struct ksrtp_net *kn = ksrtp_net(genl_info_net(info));

	WRITE_ONCE(kn->zrtp_portid, info->snd_portid);
	return 0;
}

int ksrtp_nl_zrtp_xmit_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct ksrtp_net *kn = ksrtp_net(net);
	struct nlattr *pkt = info->attrs[KSRTP_A_PACKET];
	struct ksrtp_flow *flow;
	int ret;

	if (KSRTP_REQUIRE(info->extack, NULL, info->attrs, KSRTP_A_PACKET,
			  "packet (KSRTP_A_PACKET)"))
		return -EINVAL;
	if (nla_len(pkt) < KSRTP_ZRTP_MIN || nla_len(pkt) > KSRTP_ZRTP_MAX) {
		NL_SET_ERR_MSG_ATTR(info->extack, pkt,
				    "ZRTP packet length outside 12..1500 bytes");
		return -EINVAL;
	}
	if (ksrtp_classify(nla_data(pkt), nla_len(pkt)) != KSRTP_PKT_ZRTP) {
		NL_SET_ERR_MSG_ATTR(info->extack, pkt,
				    "not a ZRTP packet (RFC 6189 section 5 header)");
		return -EINVAL;
	}
	mutex_lock(&kn->lock);
	flow = ksrtp_find_flow(kn, info);
	if (IS_ERR(flow))
		ret = PTR_ERR(flow);
	else
		ret = ksrtp_zrtp_xmit(net, flow, nla_data(pkt), nla_len(pkt));
	mutex_unlock(&kn->lock);
	if (ret == -ENETUNREACH || ret == -EHOSTUNREACH)
		NL_SET_ERR_MSG(info->extack, "no route to the flow's remote address");
	else if (ret == -ENOTCONN)
		NL_SET_ERR_MSG(info->extack, "the flow has not learned its remote yet (latching)");
	return ret;
}

int ksrtp_nl_watch_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ksrtp_net *kn = ksrtp_net(genl_info_net(info));
	struct nlattr *tb[KSRTP_A_WATCH_MAX + 1];
	struct nlattr *nest = info->attrs[KSRTP_A_WATCH];
	struct ksrtp_watches *old, *ws;
	struct sk_buff *msg;
	u16 lo, hi;
	void *hdr;
	u32 id;
	int ret;

	if (KSRTP_REQUIRE(info->extack, NULL, info->attrs, KSRTP_A_WATCH,
			  "watch (KSRTP_A_WATCH)"))
		return -EINVAL;
	ret = nla_parse_nested(tb, KSRTP_A_WATCH_MAX, nest, ksrtp_watch_nl_policy,
			       info->extack);
	if (ret)
		return ret;
	if (KSRTP_REQUIRE(info->extack, nest, tb, KSRTP_A_WATCH_PORT_MIN,
			  "lowest port (KSRTP_A_WATCH_PORT_MIN)") ||
	    KSRTP_REQUIRE(info->extack, nest, tb, KSRTP_A_WATCH_PORT_MAX,
			  "highest port (KSRTP_A_WATCH_PORT_MAX)"))
		return -EINVAL;
	lo = nla_get_u16(tb[KSRTP_A_WATCH_PORT_MIN]);
	hi = nla_get_u16(tb[KSRTP_A_WATCH_PORT_MAX]);
	if (hi < lo) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KSRTP_A_WATCH_PORT_MAX],
				    "highest port is below the lowest");
		return -EINVAL;
	}

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&kn->lock);
	old = rcu_dereference_protected(kn->watches, lockdep_is_held(&kn->lock));
	ret = -ENOSPC;
	if (old && old->n >= KSRTP_MAX_WATCHES) {
		NL_SET_ERR_MSG(info->extack, "too many watched ranges");
		goto err_unlock;
	}
	if (!kn->hooks_registered) {
		ret = ksrtp_hooks_register(genl_info_net(info));
		if (ret)
			goto err_unlock;
		kn->hooks_registered = true;
	}
	ret = -ENOMEM;
	ws = kzalloc(struct_size(ws, w, (old ? old->n : 0) + 1),
		     GFP_KERNEL_ACCOUNT);
	if (!ws)
		goto err_unlock;
	if (old) {
		memcpy(ws->w, old->w, old->n * sizeof(ws->w[0]));
		ws->n = old->n;
	}
	id = ++kn->next_watch_id ?: ++kn->next_watch_id;
	ws->w[ws->n].id = id;
	ws->w[ws->n].port_min = lo;
	ws->w[ws->n].port_max = hi;
	ws->n++;
	rcu_assign_pointer(kn->watches, ws);
	kfree_rcu(old, rcu);
	mutex_unlock(&kn->lock);

	hdr = genlmsg_put_reply(msg, info, &ksrtp_genl_family, 0,
				KSRTP_CMD_WATCH_NEW);
	nest = hdr ? nla_nest_start(msg, KSRTP_A_WATCH) : NULL;
	if (!nest || nla_put_u32(msg, KSRTP_A_WATCH_ID, id) ||
	    nla_put_u16(msg, KSRTP_A_WATCH_PORT_MIN, lo) ||
	    nla_put_u16(msg, KSRTP_A_WATCH_PORT_MAX, hi)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_unlock:
	mutex_unlock(&kn->lock);
	nlmsg_free(msg);
	return ret;
}

int ksrtp_nl_watch_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ksrtp_net *kn = ksrtp_net(genl_info_net(info));
	struct nlattr *tb[KSRTP_A_WATCH_MAX + 1];
	struct nlattr *nest = info->attrs[KSRTP_A_WATCH];
	struct ksrtp_watches *old, *ws = NULL;
	unsigned int i, j;
	u32 id;
	int ret;

	if (KSRTP_REQUIRE(info->extack, NULL, info->attrs, KSRTP_A_WATCH,
			  "watch (KSRTP_A_WATCH)"))
		return -EINVAL;
	ret = nla_parse_nested(tb, KSRTP_A_WATCH_MAX, nest, ksrtp_watch_nl_policy,
			       info->extack);
	if (ret)
		return ret;
	if (KSRTP_REQUIRE(info->extack, nest, tb, KSRTP_A_WATCH_ID,
			  "watch id (KSRTP_A_WATCH_ID)"))
		return -EINVAL;
	id = nla_get_u32(tb[KSRTP_A_WATCH_ID]);

	mutex_lock(&kn->lock);
	old = rcu_dereference_protected(kn->watches, lockdep_is_held(&kn->lock));
	for (i = 0; old && i < old->n; i++)
		if (old->w[i].id == id)
			break;
	ret = -ENOENT;
	if (!old || i == old->n) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KSRTP_A_WATCH_ID],
				    "no watch with this id");
		goto out;
	}
	if (old->n > 1) {
		ret = -ENOMEM;
		ws = kzalloc(struct_size(ws, w, old->n - 1),
			     GFP_KERNEL_ACCOUNT);
		if (!ws)
			goto out;
		for (j = 0; j < old->n; j++)
			if (j != i)
				ws->w[ws->n++] = old->w[j];
	}
	rcu_assign_pointer(kn->watches, ws);
	kfree_rcu(old, rcu);
	ret = 0;
out:
	mutex_unlock(&kn->lock);
	return ret;
}

/* ---- messages the kernel sends on its own ---- */

int ksrtp_nl_zrtp_recv(struct net *net, u32 portid, u32 flow_id,
		       const struct ksrtp_flow_key *fk, const u8 *pkt,
		       unsigned int len)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(nla_total_size(len) + 256, GFP_ATOMIC);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, 0, 0, &ksrtp_genl_family, 0,
			  KSRTP_CMD_ZRTP_RECV);
	if (!hdr || ksrtp_put_tuple(msg, flow_id, fk, NULL) ||
	    nla_put(msg, KSRTP_A_PACKET, len, pkt)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_unicast(net, msg, portid);
}

/*
 * Events go to the "events" group of the flow's namespace, from softirq
 * as often as from process context: GFP_ATOMIC, and nothing is built when
 * nobody listens.
 */
static struct sk_buff *ksrtp_event_new(struct net *net, u8 cmd, size_t size,
				       void **hdr)
{
	struct sk_buff *msg;

	if (!genl_has_listeners(&ksrtp_genl_family, net, KSRTP_NLGRP_EVENTS))
		return NULL;
	msg = genlmsg_new(size, GFP_ATOMIC);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &ksrtp_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static void ksrtp_event_send(struct net *net, struct sk_buff *msg, void *hdr)
{
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&ksrtp_genl_family, net, msg, 0,
				KSRTP_NLGRP_EVENTS, GFP_ATOMIC);
}

void ksrtp_nl_event_flow_seen(struct net *net, const struct ksrtp_flow_key *fk,
			      u8 kind)
{
	struct sk_buff *msg;
	void *hdr;

	msg = ksrtp_event_new(net, KSRTP_CMD_FLOW_SEEN, NLMSG_DEFAULT_SIZE, &hdr);
	if (!msg)
		return;
	if (ksrtp_put_tuple(msg, 0, fk, NULL) ||
	    nla_put_u8(msg, KSRTP_A_EVENT_KIND, kind)) {
		nlmsg_free(msg);
		return;
	}
	ksrtp_event_send(net, msg, hdr);
}

void ksrtp_nl_event_auth_fail(struct net *net, const struct ksrtp_flow *flow)
{
	struct sk_buff *msg;
	void *hdr;

	msg = ksrtp_event_new(net, KSRTP_CMD_AUTH_FAIL, NLMSG_GOODSIZE, &hdr);
	if (!msg)
		return;
	if (ksrtp_put_flow(msg, flow) || ksrtp_put_stats(msg, flow)) {
		nlmsg_free(msg);
		return;
	}
	ksrtp_event_send(net, msg, hdr);
}

void ksrtp_nl_event_key_limit(struct net *net, const struct ksrtp_flow *flow,
			      u8 dir, u8 slot)
{
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = ksrtp_event_new(net, KSRTP_CMD_KEY_LIMIT, NLMSG_DEFAULT_SIZE, &hdr);
	if (!msg)
		return;
	nest = nla_nest_start(msg, KSRTP_A_KEY);
	if (!nest || nla_put_u32(msg, KSRTP_A_KEY_FLOW_ID, flow->id) ||
	    nla_put_u8(msg, KSRTP_A_KEY_DIR, dir) ||
	    nla_put_u8(msg, KSRTP_A_KEY_SLOT, slot)) {
		nlmsg_free(msg);
		return;
	}
	nla_nest_end(msg, nest);
	ksrtp_event_send(net, msg, hdr);
}

/* An event @cmd carrying the FLOW nest of @flow, as FLOW_GET shows it. */
static void ksrtp_nl_event_flow(struct net *net, u8 cmd,
				const struct ksrtp_flow *flow)
{
	struct sk_buff *msg;
	void *hdr;

	msg = ksrtp_event_new(net, cmd, NLMSG_DEFAULT_SIZE, &hdr);
	if (!msg)
		return;
	if (ksrtp_put_flow(msg, flow)) {
		nlmsg_free(msg);
		return;
	}
	ksrtp_event_send(net, msg, hdr);
}

/* RX_TRIAL of a SECURE flow ended: its first SRTP/SRTCP authenticated. */
void ksrtp_nl_event_flow_secured(struct net *net, const struct ksrtp_flow *flow)
{
	ksrtp_nl_event_flow(net, KSRTP_CMD_FLOW_SECURED, flow);
}

/* A latching flow learned its remote from a packet it accepted. */
void ksrtp_nl_event_flow_latched(struct net *net, const struct ksrtp_flow *flow)
{
	ksrtp_nl_event_flow(net, KSRTP_CMD_FLOW_LATCHED, flow);
}

/*
 * Who may do what (Documentation/operations.md, "Who may use ksrtp"):
 * every command but GET_INFO needs CAP_NET_ADMIN in the initial user
 * namespace (GENL_ADMIN_PERM: the socket's opener and the sender both), in
 * whatever network namespace the socket lives.  A container given the real
 * capability works in its own netns; an unprivileged user namespace, which
 * anyone may create, reaches nothing but GET_INFO: flows carry peers'
 * addresses, keys protect other people's calls, and the crypto work of
 * KEY_NEW is the host's.  GET_INFO answers version and features to anyone
 * (what a tool needs to say "ksrtp is there"), the flow count only to an
 * administrator.
 */
static const struct genl_small_ops ksrtp_small_ops[] = {
	{
		.cmd = KSRTP_CMD_GET_INFO,
		.doit = ksrtp_nl_get_info,
	}, {
		.cmd = KSRTP_CMD_ZRTP_LISTEN,
		.doit = ksrtp_nl_zrtp_listen,
		.flags = GENL_ADMIN_PERM,
	},
};

/*
 * The events name flows and their peers: joining needs CAP_NET_ADMIN over
 * the socket's network namespace (the check 6.1 offers for a group,
 * ns_capable(net->user_ns)).  In the initial namespaces that is the
 * commands' rule; a netns owned by an unprivileged user namespace can hold
 * no flow or watch of its own (its owner cannot create them), so its
 * group stays silent unless the host's administrator puts flows there.
 */
static const struct genl_multicast_group ksrtp_mcgrps[] = {
	[KSRTP_NLGRP_EVENTS] = {
		.name = KSRTP_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

struct genl_family ksrtp_genl_family __ro_after_init = {
	.name = KSRTP_GENL_NAME,
	.version = KSRTP_GENL_VERSION,
	.maxattr = KSRTP_A_MAX,
	.policy = ksrtp_none_policy,
	.netnsok = true,
	/*
	 * No genl_mutex around the commands: each takes its namespace's
	 * kn->lock for what it changes or reads, and KEY_NEW does its crypto
	 * work before taking it, so no namespace waits for another's.
	 */
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = ksrtp_nl_ops,
	.n_ops = ARRAY_SIZE(ksrtp_nl_ops),
	.small_ops = ksrtp_small_ops,
	.n_small_ops = ARRAY_SIZE(ksrtp_small_ops),
	.mcgrps = ksrtp_mcgrps,
	.n_mcgrps = ARRAY_SIZE(ksrtp_mcgrps),
};

int __init ksrtp_genl_init(void)
{
	return genl_register_family(&ksrtp_genl_family);
}

void ksrtp_genl_exit(void)
{
	genl_unregister_family(&ksrtp_genl_family);
}
