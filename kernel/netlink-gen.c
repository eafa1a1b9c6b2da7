// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/ksrtp.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink-gen.h"

#include <uapi/linux/ksrtp.h>

/* Common nested types */
const struct nla_policy ksrtp_addr_nl_policy[KSRTP_A_ADDR_PORT + 1] = {
	[KSRTP_A_ADDR_FAMILY] = { .type = NLA_U16, },
	[KSRTP_A_ADDR_IN] = { .type = NLA_U32, },
	[KSRTP_A_ADDR_IN6] = NLA_POLICY_EXACT_LEN(16),
	[KSRTP_A_ADDR_PORT] = { .type = NLA_U16, },
};

const struct nla_policy ksrtp_flow_nl_policy[KSRTP_A_FLOW_LATCHED + 1] = {
	[KSRTP_A_FLOW_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[KSRTP_A_FLOW_LOCAL] = NLA_POLICY_NESTED(ksrtp_addr_nl_policy),
	[KSRTP_A_FLOW_REMOTE] = NLA_POLICY_NESTED(ksrtp_addr_nl_policy),
	[KSRTP_A_FLOW_MODE] = NLA_POLICY_MAX(NLA_U8, 1),
	[KSRTP_A_FLOW_POLICY] = NLA_POLICY_MASK(NLA_U32, 0x7),
	[KSRTP_A_FLOW_LATCH] = NLA_POLICY_MAX(NLA_U8, 2),
	[KSRTP_A_FLOW_LATCHED] = { .type = NLA_FLAG, },
};

const struct nla_policy ksrtp_key_nl_policy[KSRTP_A_KEY_PAD + 1] = {
	[KSRTP_A_KEY_FLOW_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[KSRTP_A_KEY_DIR] = NLA_POLICY_MAX(NLA_U8, 1),
	[KSRTP_A_KEY_SLOT] = NLA_POLICY_MAX(NLA_U8, 1),
	[KSRTP_A_KEY_PROFILE] = { .type = NLA_U16, },
	[KSRTP_A_KEY_MASTER_KEY] = { .type = NLA_BINARY, },
	[KSRTP_A_KEY_MASTER_SALT] = { .type = NLA_BINARY, },
	[KSRTP_A_KEY_ROC] = { .type = NLA_U32, },
	[KSRTP_A_KEY_SEQ] = { .type = NLA_U16, },
	[KSRTP_A_KEY_REPLAY_WINDOW] = NLA_POLICY_MIN(NLA_U32, 128),
	[KSRTP_A_KEY_MAX_SSRCS] = NLA_POLICY_RANGE(NLA_U32, 1, 4096),
	[KSRTP_A_KEY_ACTIVE] = { .type = NLA_FLAG, },
	[KSRTP_A_KEY_PACKETS] = { .type = NLA_U64, },
};

const struct nla_policy ksrtp_relay_nl_policy[KSRTP_A_RELAY_FLOW_B + 1] = {
	[KSRTP_A_RELAY_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[KSRTP_A_RELAY_FLOW_A] = NLA_POLICY_MIN(NLA_U32, 1),
	[KSRTP_A_RELAY_FLOW_B] = NLA_POLICY_MIN(NLA_U32, 1),
};

const struct nla_policy ksrtp_watch_nl_policy[KSRTP_A_WATCH_PORT_MAX + 1] = {
	[KSRTP_A_WATCH_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[KSRTP_A_WATCH_PORT_MIN] = NLA_POLICY_MIN(NLA_U16, 1),
	[KSRTP_A_WATCH_PORT_MAX] = NLA_POLICY_MIN(NLA_U16, 1),
};

/* KSRTP_CMD_FLOW_NEW - do */
const struct nla_policy ksrtp_flow_new_nl_policy[KSRTP_A_FLOW + 1] = {
	[KSRTP_A_FLOW] = NLA_POLICY_NESTED(ksrtp_flow_nl_policy),
};

/* KSRTP_CMD_FLOW_DEL - do */
const struct nla_policy ksrtp_flow_del_nl_policy[KSRTP_A_FLOW + 1] = {
	[KSRTP_A_FLOW] = NLA_POLICY_NESTED(ksrtp_flow_nl_policy),
};

/* KSRTP_CMD_FLOW_GET - do */
const struct nla_policy ksrtp_flow_get_nl_policy[KSRTP_A_FLOW + 1] = {
	[KSRTP_A_FLOW] = NLA_POLICY_NESTED(ksrtp_flow_nl_policy),
};

/* KSRTP_CMD_FLOW_SET - do */
const struct nla_policy ksrtp_flow_set_nl_policy[KSRTP_A_FLOW + 1] = {
	[KSRTP_A_FLOW] = NLA_POLICY_NESTED(ksrtp_flow_nl_policy),
};

/* KSRTP_CMD_KEY_NEW - do */
const struct nla_policy ksrtp_key_new_nl_policy[KSRTP_A_KEY + 1] = {
	[KSRTP_A_KEY] = NLA_POLICY_NESTED(ksrtp_key_nl_policy),
};

/* KSRTP_CMD_KEY_DEL - do */
const struct nla_policy ksrtp_key_del_nl_policy[KSRTP_A_KEY + 1] = {
	[KSRTP_A_KEY] = NLA_POLICY_NESTED(ksrtp_key_nl_policy),
};

/* KSRTP_CMD_KEY_SWAP - do */
const struct nla_policy ksrtp_key_swap_nl_policy[KSRTP_A_KEY + 1] = {
	[KSRTP_A_KEY] = NLA_POLICY_NESTED(ksrtp_key_nl_policy),
};

/* KSRTP_CMD_STATS_GET - do */
const struct nla_policy ksrtp_stats_get_nl_policy[KSRTP_A_FLOW + 1] = {
	[KSRTP_A_FLOW] = NLA_POLICY_NESTED(ksrtp_flow_nl_policy),
};

/* KSRTP_CMD_ZRTP_XMIT - do */
const struct nla_policy ksrtp_zrtp_xmit_nl_policy[KSRTP_A_PACKET + 1] = {
	[KSRTP_A_FLOW] = NLA_POLICY_NESTED(ksrtp_flow_nl_policy),
	[KSRTP_A_PACKET] = { .type = NLA_BINARY, },
};

/* KSRTP_CMD_WATCH_NEW - do */
const struct nla_policy ksrtp_watch_new_nl_policy[KSRTP_A_WATCH + 1] = {
	[KSRTP_A_WATCH] = NLA_POLICY_NESTED(ksrtp_watch_nl_policy),
};

/* KSRTP_CMD_WATCH_DEL - do */
const struct nla_policy ksrtp_watch_del_nl_policy[KSRTP_A_WATCH + 1] = {
	[KSRTP_A_WATCH] = NLA_POLICY_NESTED(ksrtp_watch_nl_policy),
};

/* KSRTP_CMD_RELAY_NEW - do */
const struct nla_policy ksrtp_relay_new_nl_policy[KSRTP_A_RELAY + 1] = {
	[KSRTP_A_RELAY] = NLA_POLICY_NESTED(ksrtp_relay_nl_policy),
};

/* KSRTP_CMD_RELAY_DEL - do */
const struct nla_policy ksrtp_relay_del_nl_policy[KSRTP_A_RELAY + 1] = {
	[KSRTP_A_RELAY] = NLA_POLICY_NESTED(ksrtp_relay_nl_policy),
};

/* KSRTP_CMD_RELAY_GET - do */
const struct nla_policy ksrtp_relay_get_nl_policy[KSRTP_A_RELAY + 1] = {
	[KSRTP_A_RELAY] = NLA_POLICY_NESTED(ksrtp_relay_nl_policy),
};

/* Ops table for ksrtp */
const struct genl_ops ksrtp_nl_ops[14] = {
	{
		.cmd		= KSRTP_CMD_FLOW_NEW,
		.doit		= ksrtp_nl_flow_new_doit,
		.policy		= ksrtp_flow_new_nl_policy,
		.maxattr	= KSRTP_A_FLOW,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= KSRTP_CMD_FLOW_DEL,
		.doit		= ksrtp_nl_flow_del_doit,
		.policy		= ksrtp_flow_del_nl_policy,
		.maxattr	= KSRTP_A_FLOW,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= KSRTP_CMD_FLOW_GET,
		.doit		= ksrtp_nl_flow_get_doit,
		.dumpit		= ksrtp_nl_flow_get_dumpit,
		.policy		= ksrtp_flow_get_nl_policy,
		.maxattr	= KSRTP_A_FLOW,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= KSRTP_CMD_FLOW_SET,
		.doit		= ksrtp_nl_flow_set_doit,
		.policy		= ksrtp_flow_set_nl_policy,
		.maxattr	= KSRTP_A_FLOW,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= KSRTP_CMD_KEY_NEW,
		.doit		= ksrtp_nl_key_new_doit,
		.policy		= ksrtp_key_new_nl_policy,
		.maxattr	= KSRTP_A_KEY,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= KSRTP_CMD_KEY_DEL,
		.doit		= ksrtp_nl_key_del_doit,
		.policy		= ksrtp_key_del_nl_policy,
		.maxattr	= KSRTP_A_KEY,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= KSRTP_CMD_KEY_SWAP,
		.doit		= ksrtp_nl_key_swap_doit,
		.policy		= ksrtp_key_swap_nl_policy,
		.maxattr	= KSRTP_A_KEY,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= KSRTP_CMD_STATS_GET,
		.doit		= ksrtp_nl_stats_get_doit,
		.dumpit		= ksrtp_nl_stats_get_dumpit,
		.policy		= ksrtp_stats_get_nl_policy,
		.maxattr	= KSRTP_A_FLOW,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= KSRTP_CMD_ZRTP_XMIT,
		.doit		= ksrtp_nl_zrtp_xmit_doit,
		.policy		= ksrtp_zrtp_xmit_nl_policy,
		.maxattr	= KSRTP_A_PACKET,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= KSRTP_CMD_WATCH_NEW,
		.doit		= ksrtp_nl_watch_new_doit,
		.policy		= ksrtp_watch_new_nl_policy,
		.maxattr	= KSRTP_A_WATCH,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= KSRTP_CMD_WATCH_DEL,
		.doit		= ksrtp_nl_watch_del_doit,
		.policy		= ksrtp_watch_del_nl_policy,
		.maxattr	= KSRTP_A_WATCH,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= KSRTP_CMD_RELAY_NEW,
		.doit		= ksrtp_nl_relay_new_doit,
		.policy		= ksrtp_relay_new_nl_policy,
		.maxattr	= KSRTP_A_RELAY,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= KSRTP_CMD_RELAY_DEL,
		.doit		= ksrtp_nl_relay_del_doit,
		.policy		= ksrtp_relay_del_nl_policy,
		.maxattr	= KSRTP_A_RELAY,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= KSRTP_CMD_RELAY_GET,
		.doit		= ksrtp_nl_relay_get_doit,
		.dumpit		= ksrtp_nl_relay_get_dumpit,
		.policy		= ksrtp_relay_get_nl_policy,
		.maxattr	= KSRTP_A_RELAY,
		.flags		= GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group ksrtp_nl_mcgrps[] = {
	[KSRTP_NLGRP_EVENTS] = { "events", },
};
