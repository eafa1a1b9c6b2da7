/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/ksrtp.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_KSRTP_GEN_H
#define _LINUX_KSRTP_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/ksrtp.h>

/* Common nested types */
extern const struct nla_policy ksrtp_addr_nl_policy[KSRTP_A_ADDR_PORT + 1];
extern const struct nla_policy ksrtp_flow_nl_policy[KSRTP_A_FLOW_LATCHED + 1];
extern const struct nla_policy ksrtp_key_nl_policy[KSRTP_A_KEY_PAD + 1];
extern const struct nla_policy ksrtp_relay_nl_policy[KSRTP_A_RELAY_FLOW_B + 1];
extern const struct nla_policy ksrtp_watch_nl_policy[KSRTP_A_WATCH_PORT_MAX + 1];

extern const struct nla_policy ksrtp_flow_new_nl_policy[KSRTP_A_FLOW + 1];

extern const struct nla_policy ksrtp_flow_del_nl_policy[KSRTP_A_FLOW + 1];

extern const struct nla_policy ksrtp_flow_get_nl_policy[KSRTP_A_FLOW + 1];

extern const struct nla_policy ksrtp_flow_set_nl_policy[KSRTP_A_FLOW + 1];

extern const struct nla_policy ksrtp_key_new_nl_policy[KSRTP_A_KEY + 1];

extern const struct nla_policy ksrtp_key_del_nl_policy[KSRTP_A_KEY + 1];

extern const struct nla_policy ksrtp_key_swap_nl_policy[KSRTP_A_KEY + 1];

extern const struct nla_policy ksrtp_stats_get_nl_policy[KSRTP_A_FLOW + 1];

extern const struct nla_policy ksrtp_zrtp_xmit_nl_policy[KSRTP_A_PACKET + 1];

extern const struct nla_policy ksrtp_watch_new_nl_policy[KSRTP_A_WATCH + 1];

extern const struct nla_policy ksrtp_watch_del_nl_policy[KSRTP_A_WATCH + 1];

extern const struct nla_policy ksrtp_relay_new_nl_policy[KSRTP_A_RELAY + 1];

extern const struct nla_policy ksrtp_relay_del_nl_policy[KSRTP_A_RELAY + 1];

extern const struct nla_policy ksrtp_relay_get_nl_policy[KSRTP_A_RELAY + 1];

/* Ops table for ksrtp */
extern const struct genl_ops ksrtp_nl_ops[14];

int ksrtp_nl_flow_new_doit(struct sk_buff *skb, struct genl_info *info);
int ksrtp_nl_flow_del_doit(struct sk_buff *skb, struct genl_info *info);
int ksrtp_nl_flow_get_doit(struct sk_buff *skb, struct genl_info *info);
int ksrtp_nl_flow_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int ksrtp_nl_flow_set_doit(struct sk_buff *skb, struct genl_info *info);
int ksrtp_nl_key_new_doit(struct sk_buff *skb, struct genl_info *info);
int ksrtp_nl_key_del_doit(struct sk_buff *skb, struct genl_info *info);
int ksrtp_nl_key_swap_doit(struct sk_buff *skb, struct genl_info *info);
int ksrtp_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info);
int ksrtp_nl_stats_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int ksrtp_nl_zrtp_xmit_doit(struct sk_buff *skb, struct genl_info *info);
int ksrtp_nl_watch_new_doit(struct sk_buff *skb, struct genl_info *info);
int ksrtp_nl_watch_del_doit(struct sk_buff *skb, struct genl_info *info);
int ksrtp_nl_relay_new_doit(struct sk_buff *skb, struct genl_info *info);
int ksrtp_nl_relay_del_doit(struct sk_buff *skb, struct genl_info *info);
int ksrtp_nl_relay_get_doit(struct sk_buff *skb, struct genl_info *info);
int ksrtp_nl_relay_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

enum {
	KSRTP_NLGRP_EVENTS,
};

#endif /* _LINUX_KSRTP_GEN_H */
