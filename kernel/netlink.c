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
#include "netlink.h"

static struct genl_family ksrtp_genl_family;

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

static const struct nla_policy ksrtp_addr_policy[KSRTP_A_ADDR_MAX + 1] = {
	[KSRTP_A_ADDR_FAMILY]	= { .type = NLA_U16 },
	[KSRTP_A_ADDR_IN]	= { .type = NLA_BE32 },
	[KSRTP_A_ADDR_IN6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[KSRTP_A_ADDR_PORT]	= { .type = NLA_BE16 },
};

static const struct nla_policy ksrtp_flow_policy[KSRTP_A_FLOW_MAX + 1] = {
	[KSRTP_A_FLOW_ID]	= NLA_POLICY_MIN(NLA_U32, 1),
	[KSRTP_A_FLOW_LOCAL]	= NLA_POLICY_NESTED(ksrtp_addr_policy),
	[KSRTP_A_FLOW_REMOTE]	= NLA_POLICY_NESTED(ksrtp_addr_policy),
	[KSRTP_A_FLOW_MODE]	= NLA_POLICY_MAX(NLA_U8, KSRTP_FLOW_MODE_MAX),
	[KSRTP_A_FLOW_POLICY]	= NLA_POLICY_MASK(NLA_U32, KSRTP_POLICY_MASK),
};

/* Reply-only attributes are rejected in requests. */
static const struct nla_policy ksrtp_policy[KSRTP_A_MAX + 1] = {
	[KSRTP_A_VERSION]	= { .type = NLA_REJECT },
	[KSRTP_A_API_VERSION]	= { .type = NLA_REJECT },
	[KSRTP_A_FEATURES]	= { .type = NLA_REJECT },
	[KSRTP_A_FLOW_COUNT]	= { .type = NLA_REJECT },
	[KSRTP_A_FLOW]		= NLA_POLICY_NESTED(ksrtp_flow_policy),
};

/* Parse one address nest into the side of @key it describes. */
static int ksrtp_parse_addr(struct nlattr *nest, bool local,
			    struct ksrtp_flow_key *key,
			    struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KSRTP_A_ADDR_MAX + 1];
	struct in6_addr *addr = local ? &key->laddr : &key->raddr;
	__be16 *port = local ? &key->lport : &key->rport;
	u16 family;
	int ret;

	ret = nla_parse_nested(tb, KSRTP_A_ADDR_MAX, nest, ksrtp_addr_policy,
			       extack);
	if (ret)
		return ret;

	ret = -EINVAL;
	if (KSRTP_REQUIRE(extack, nest, tb, KSRTP_A_ADDR_FAMILY,
			  "address family (KSRTP_A_ADDR_FAMILY)") ||
	    KSRTP_REQUIRE(extack, nest, tb, KSRTP_A_ADDR_PORT,
			  "port (KSRTP_A_ADDR_PORT)"))
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

	*port = nla_get_be16(tb[KSRTP_A_ADDR_PORT]);
	if (!*port) {
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

/* Parse LOCAL and REMOTE of a flow nest into a lookup key. */
static int ksrtp_parse_tuple(struct nlattr **tb, struct nlattr *flow_nest,
			     struct ksrtp_flow_key *key,
			     struct netlink_ext_ack *extack)
{
	int ret;

	memset(key, 0, sizeof(*key));
	if (KSRTP_REQUIRE(extack, flow_nest, tb, KSRTP_A_FLOW_LOCAL,
			  "local address (KSRTP_A_FLOW_LOCAL)") ||
	    KSRTP_REQUIRE(extack, flow_nest, tb, KSRTP_A_FLOW_REMOTE,
			  "remote address (KSRTP_A_FLOW_REMOTE)"))
		return -EINVAL;

	ret = ksrtp_parse_addr(tb[KSRTP_A_FLOW_LOCAL], true, key, extack);
	if (ret)
		return ret;
	return ksrtp_parse_addr(tb[KSRTP_A_FLOW_REMOTE], false, key, extack);
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

static int ksrtp_put_flow(struct sk_buff *skb, const struct ksrtp_flow *flow)
{
	const struct ksrtp_flow_key *k = &flow->key;
	struct nlattr *nest;

	nest = nla_nest_start(skb, KSRTP_A_FLOW);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, KSRTP_A_FLOW_ID, flow->id) ||
	    ksrtp_put_addr(skb, KSRTP_A_FLOW_LOCAL, k->family, &k->laddr,
			   k->lport) ||
	    ksrtp_put_addr(skb, KSRTP_A_FLOW_REMOTE, k->family, &k->raddr,
			   k->rport) ||
	    nla_put_u8(skb, KSRTP_A_FLOW_MODE, flow->mode) ||
	    nla_put_u32(skb, KSRTP_A_FLOW_POLICY, flow->policy)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
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
			      KSRTP_F_FLOWS | KSRTP_F_IPV6, KSRTP_A_PAD) ||
	    nla_put_u32(msg, KSRTP_A_FLOW_COUNT, READ_ONCE(kn->count))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int ksrtp_nl_flow_new(struct sk_buff *skb, struct genl_info *info)
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
			       ksrtp_flow_policy, info->extack);
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
	ret = ksrtp_flow_add(kn, &key, mode, policy, &flow);
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
	ret = nla_parse_nested(tb, KSRTP_A_FLOW_MAX, nest, ksrtp_flow_policy,
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

static int ksrtp_nl_flow_del(struct sk_buff *skb, struct genl_info *info)
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

static int ksrtp_nl_flow_get(struct sk_buff *skb, struct genl_info *info)
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
static int ksrtp_nl_flow_dump(struct sk_buff *skb, struct netlink_callback *cb)
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

static const struct genl_ops ksrtp_genl_ops[] = {
	{
		.cmd = KSRTP_CMD_GET_INFO,
		.doit = ksrtp_nl_get_info,
	}, {
		.cmd = KSRTP_CMD_FLOW_NEW,
		.doit = ksrtp_nl_flow_new,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = KSRTP_CMD_FLOW_DEL,
		.doit = ksrtp_nl_flow_del,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = KSRTP_CMD_FLOW_GET,
		.doit = ksrtp_nl_flow_get,
		.dumpit = ksrtp_nl_flow_dump,
	},
};

static struct genl_family ksrtp_genl_family __ro_after_init = {
	.name = KSRTP_GENL_NAME,
	.version = KSRTP_GENL_VERSION,
	.maxattr = KSRTP_A_MAX,
	.policy = ksrtp_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = ksrtp_genl_ops,
	.n_ops = ARRAY_SIZE(ksrtp_genl_ops),
};

int __init ksrtp_genl_init(void)
{
	return genl_register_family(&ksrtp_genl_family);
}

void ksrtp_genl_exit(void)
{
	genl_unregister_family(&ksrtp_genl_family);
}
