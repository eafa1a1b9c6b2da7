/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSRTP_NETLINK_H
#define _KSRTP_NETLINK_H

#include <linux/types.h>

struct genl_family;
struct net;
struct ksrtp_flow;
struct ksrtp_flow_key;

int ksrtp_nl_zrtp_recv(struct net *net, u32 portid, u32 flow_id,
		       const struct ksrtp_flow_key *fk, const u8 *pkt,
		       unsigned int len);
void ksrtp_nl_event_flow_seen(struct net *net, const struct ksrtp_flow_key *fk,
			      u8 kind);
void ksrtp_nl_event_auth_fail(struct net *net, const struct ksrtp_flow *flow);
void ksrtp_nl_event_key_limit(struct net *net, const struct ksrtp_flow *flow,
			      u8 dir, u8 slot);
void ksrtp_nl_event_flow_secured(struct net *net,
				 const struct ksrtp_flow *flow);
void ksrtp_nl_event_flow_latched(struct net *net,
				 const struct ksrtp_flow *flow);

extern struct genl_family ksrtp_genl_family;

int ksrtp_genl_init(void);
void ksrtp_genl_exit(void);

#endif
