/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSRTP_ZRTP_H
#define _KSRTP_ZRTP_H

#include "flow.h"

/* ZRTP to the listener (zrtpd); false if nobody listens (counted). */
bool ksrtp_zrtp_divert(struct net *net, struct ksrtp_net *kn,
		       struct ksrtp_flow *flow,
		       const struct ksrtp_flow_key *fk, const u8 *pkt,
		       unsigned int len);

/* Send @pkt as a UDP datagram from the flow's local to its remote end. */
int ksrtp_zrtp_xmit(struct net *net, struct ksrtp_flow *flow, const u8 *pkt,
		    unsigned int len);

/*
 * An unknown 4-tuple: true if its local port is watched, and then (at most
 * once per second per 4-tuple) a FLOW_SEEN event is multicast.
 */
bool ksrtp_watch_seen(struct net *net, struct ksrtp_net *kn,
		      const struct ksrtp_flow_key *fk, u8 kind);

/* A rejected packet: multicast an AUTH_FAIL event, at most once a second. */
void ksrtp_event_auth_fail(struct net *net, struct ksrtp_flow *flow);

int ksrtp_zrtp_init(void);
void ksrtp_zrtp_exit(void);

#endif
