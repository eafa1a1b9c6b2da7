/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR BSD-2-Clause */
/*
 * ksrtp: in-kernel SRTP for configured UDP flows, keyed by a ZRTP daemon.
 *
 * This header is the whole contract between ksrtp.ko and userspace.  It is a
 * generic netlink family named KSRTP_GENL_NAME; everything crosses as
 * attributes, never as fixed structs.
 *
 * Conventions
 * -----------
 * - Every command but GET_INFO, queries and dumps included, needs
 *   CAP_NET_ADMIN in the initial user namespace (GENL_ADMIN_PERM), whatever
 *   the socket's network namespace; an unprivileged user namespace's root
 *   gets EPERM.  GET_INFO answers anyone, KSRTP_A_FLOW_COUNT only to an
 *   administrator.  Joining the events group needs CAP_NET_ADMIN over the
 *   socket's network namespace.
 * - Per network namespace at most max_flows flows (module parameter,
 *   default 16384; then -ENOSPC), 4 keys a flow, 64 watches.  Memory is
 *   charged to the caller's memory cgroup.
 * - Objects live in the network namespace of the netlink socket that
 *   created them and die with it.
 * - Errors carry an extack message naming the attribute that was wrong.
 * - Key material goes in and never comes out.
 *
 * Commands and their attribute trees
 * ----------------------------------
 *
 * KSRTP_CMD_GET_INFO                          (open to anyone, doit)
 *   request:  (none)
 *   reply:    KSRTP_A_VERSION       u32   module version, KSRTP_VERSION
 *             KSRTP_A_API_VERSION   u32   KSRTP_API_VERSION of this header
 *             KSRTP_A_FEATURES      u64   KSRTP_F_* bits this module supports
 *             KSRTP_A_FLOW_COUNT    u32   flows in the caller's netns (only
 *                                         to a caller with CAP_NET_ADMIN)
 *
 * KSRTP_CMD_FLOW_NEW                          (admin)
 *   request:  KSRTP_A_FLOW          nest
 *               KSRTP_A_FLOW_LOCAL    nest  KSRTP_A_ADDR_* (required)
 *               KSRTP_A_FLOW_REMOTE   nest  KSRTP_A_ADDR_* (required)
 *               KSRTP_A_FLOW_MODE     u8    enum ksrtp_flow_mode (default DIVERT)
 *               KSRTP_A_FLOW_POLICY   u32   KSRTP_POLICY_* bits (default 0)
 *               KSRTP_A_FLOW_LATCH    u8    enum ksrtp_latch (API 5, default
 *                                           NONE): PORT: REMOTE has no port
 *                                           (or 0); ADDR: no REMOTE at all
 *   reply:    KSRTP_A_FLOW nest with KSRTP_A_FLOW_ID, as FLOW_GET
 *   errors:   -EEXIST  a flow with the same 4-tuple exists (for a latching
 *                      flow: the same local address:port, LATCH kind, and
 *                      for PORT the same remote address)
 *             -EAFNOSUPPORT local and remote of different families
 *             -ENOSPC  the netns flow limit is reached
 *
 *   An address nest is
 *               KSRTP_A_ADDR_FAMILY   u16   AF_INET or AF_INET6 (required)
 *               KSRTP_A_ADDR_IN       be32  IPv4 address   (one of IN/IN6,
 *               KSRTP_A_ADDR_IN6      16 bytes IPv6 address  matching FAMILY)
 *               KSRTP_A_ADDR_PORT     be16  UDP port, not 0 (required)
 *
 * KSRTP_CMD_FLOW_DEL                          (admin)
 *   request:  KSRTP_A_FLOW nest with KSRTP_A_FLOW_ID
 *             (or LOCAL + REMOTE to name it by its 4-tuple; a latching
 *             flow by LOCAL + LATCH and, for PORT, REMOTE's address, as
 *             it was created)
 *
 * KSRTP_CMD_FLOW_GET                          (admin query; doit and dump)
 *   doit:     KSRTP_A_FLOW nest naming the flow as for FLOW_DEL
 *   dump:     every flow of the netns; NLM_F_DUMP_INTR is set if the table
 *             changed during the dump (generation counter)
 *   reply:    KSRTP_A_FLOW nest
 *               KSRTP_A_FLOW_ID       u32
 *               KSRTP_A_FLOW_LOCAL    nest
 *               KSRTP_A_FLOW_REMOTE   nest
 *               KSRTP_A_FLOW_MODE     u8
 *               KSRTP_A_FLOW_POLICY   u32
 *               KSRTP_A_FLOW_LATCH    u8    (API 5, latching flows only)
 *               KSRTP_A_FLOW_LATCHED  flag  (API 5, once the remote is
 *                                           learned)
 *             REMOTE of a latching flow is the learned remote once
 *             LATCHED, else what is known: port 0 (PORT), or the
 *             unspecified address and port 0 (ADDR).
 *
 * KSRTP_CMD_FLOW_SET                          (admin)
 *   request:  KSRTP_A_FLOW nest naming the flow (ID or LOCAL + REMOTE), with
 *               KSRTP_A_FLOW_MODE and/or KSRTP_A_FLOW_POLICY to change
 *   reply:    the flow, as FLOW_GET
 *   Switching a flow to SECURE after installing its keys is how zrtpd turns
 *   protection on at one instant.
 *
 * KSRTP_CMD_KEY_NEW                           (admin)
 *   request:  KSRTP_A_KEY           nest
 *               KSRTP_A_KEY_FLOW_ID      u32  (required)
 *               KSRTP_A_KEY_DIR          u8   enum ksrtp_key_dir (required)
 *               KSRTP_A_KEY_SLOT         u8   0 or 1 (default 0)
 *               KSRTP_A_KEY_PROFILE      u16  enum ksrtp_srtp_profile (required)
 *               KSRTP_A_KEY_MASTER_KEY   16 or 32 bytes, per profile (required)
 *               KSRTP_A_KEY_MASTER_SALT  14 bytes (AES-CM) or 12 (GCM) (required)
 *               KSRTP_A_KEY_ROC          u32  initial rollover counter
 *               KSRTP_A_KEY_SEQ          u16  initial sequence number (with ROC:
 *                                        the index new SSRCs start from)
 *               KSRTP_A_KEY_REPLAY_WINDOW u32 packets, 128..32768 (default 128)
 *               KSRTP_A_KEY_MAX_SSRCS    u32  1..4096 (default 16)
 *   errors:   -ERANGE  window x SSRC bound together need more than the
 *                      512 KiB a key's context may use (either extreme
 *                      with the other at its default fits)
 *   Installs (or replaces) the key in SLOT of DIR.  The slot that was just
 *   written becomes the active one when the direction had no active key.
 *   Rotation keeps the RFC 3711 index: unless ROC or SEQ is given, every
 *   SSRC the direction's active key has seen starts under the new key
 *   where it is now (ROC, highest sequence number, SRTCP index), as
 *   libsrtp's srtp_update() does; so KEY_NEW into the other slot and
 *   KEY_SWAP after 2^16 packets keep authenticating.  The state is taken
 *   at KEY_NEW: swap (and let the peer switch) within 2^15 packets of it.
 *   Session keys are derived here (RFC 3711 §4.3); the master key is wiped
 *   once they are.  Keys are never readable back.
 *
 * KSRTP_CMD_KEY_DEL                           (admin)
 *   request:  KSRTP_A_KEY nest with FLOW_ID, DIR, SLOT
 *
 * KSRTP_CMD_KEY_SWAP                          (admin)
 *   request:  KSRTP_A_KEY nest with FLOW_ID, DIR
 *   The other slot becomes active.  For TX, packets leave under the new key
 *   from the next packet on.  For RX, the active slot is tried first and the
 *   other one too, so packets under the old key still in flight are
 *   accepted until that key is deleted: rotation without loss.
 *
 * KSRTP_CMD_STATS_GET                         (admin query; doit and dump)
 *   request:  KSRTP_A_FLOW nest naming the flow (doit), nothing (dump)
 *   reply:    KSRTP_A_FLOW nest (as FLOW_GET) and
 *             KSRTP_A_STATS         nest, u64 counters, enum ksrtp_stats_attr
 *             KSRTP_A_KEY           nest per installed key: FLOW_ID, DIR, SLOT,
 *                                   PROFILE, KSRTP_A_KEY_ACTIVE (flag),
 *                                   KSRTP_A_KEY_ROC, KSRTP_A_KEY_PACKETS
 *                                   (u64) -- never the key
 *   KSRTP_A_KEY_ROC is the ROC of the key's first SSRC (the first it
 *   protected or authenticated, or the first carried over from the key it
 *   replaced): a call's media stream in that direction.  A flow that
 *   carries several SSRCs per direction (RTX, simulcast) has one ROC per
 *   SSRC; only the first is reported.
 *
 * KSRTP_CMD_ZRTP_LISTEN                       (admin)
 *   request:  (none)
 *   The calling socket becomes the receiver of diverted ZRTP packets of
 *   this network namespace (one per netns; the newest wins).  It stops
 *   being one when the socket is closed.
 *
 * KSRTP_CMD_ZRTP_RECV                         (kernel -> listener, unicast)
 *   message:  KSRTP_A_FLOW nest (ID, LOCAL, REMOTE) and
 *             KSRTP_A_PACKET        the ZRTP datagram (UDP payload)
 *   A ZRTP packet (RFC 6189 §5: first byte 0x10, "ZRTP" at offset 4)
 *   arriving on a flow, or on a watched port, is taken out of the stack and
 *   sent here.  Without a listener it is dropped and counted.
 *
 * KSRTP_CMD_ZRTP_XMIT                         (admin)
 *   request:  KSRTP_A_FLOW nest naming the flow (ID or LOCAL + REMOTE)
 *             KSRTP_A_PACKET        ZRTP datagram, 12..1500 bytes
 *   The kernel sends it from the flow's local address:port to its remote.
 *
 * KSRTP_CMD_WATCH_NEW / KSRTP_CMD_WATCH_DEL   (admin)
 *   request:  KSRTP_A_WATCH         nest
 *               KSRTP_A_WATCH_ID       u32 (reply of NEW; names it for DEL)
 *               KSRTP_A_WATCH_PORT_MIN u16 (required for NEW)
 *               KSRTP_A_WATCH_PORT_MAX u16 (required for NEW, >= MIN)
 *   Outgoing RTP from, or incoming ZRTP to, a local UDP port in a watched
 *   range on a 4-tuple that is not a flow produces one KSRTP_CMD_FLOW_SEEN
 *   event per 4-tuple (rate-limited), and incoming ZRTP Hello on it is also
 *   delivered as ZRTP_RECV with no flow id.
 *
 * KSRTP_CMD_RELAY_NEW                         (admin, API 4)
 *   request:  KSRTP_A_RELAY         nest
 *               KSRTP_A_RELAY_FLOW_A  u32  flow id of leg A (required)
 *               KSRTP_A_RELAY_FLOW_B  u32  flow id of leg B (required)
 *   reply:    KSRTP_A_RELAY nest with KSRTP_A_RELAY_ID, as RELAY_GET
 *   errors:   -ENOENT  no flow with that id in this netns
 *             -EINVAL  A and B are the same flow
 *             -EBUSY   a flow is already a leg of a relay
 *   Joins two flows of the netns into a gateway relay.  RTP/RTCP that
 *   arrives on one leg and is accepted there (authenticated and decrypted
 *   on a SECURE leg; clear and admitted by the policy on a DIVERT one) is
 *   not delivered to a socket: it leaves from the other leg's local
 *   address:port to its remote address:port, and is protected there
 *   under that leg's TX key if it is SECURE (the leg's own TX counters
 *   count it).  Headers are rebuilt as a router would: TTL/hop limit
 *   decremented (a packet that arrives with 1 or less is dropped), DSCP
 *   and ECN copied, IPv4 DF set; a packet that would exceed the route's
 *   MTU after protection is dropped, never fragmented.  ZRTP, STUN and
 *   everything that is not RTP/RTCP on a leg is handled as on any flow.
 *   A flow belongs to at most one relay, so a netns has at most
 *   max_flows / 2 relays.  Deleting either flow deletes the relay.
 *
 * KSRTP_CMD_RELAY_DEL                         (admin, API 4)
 *   request:  KSRTP_A_RELAY nest with KSRTP_A_RELAY_ID
 *   The flows stay, and deliver to sockets again.
 *
 * KSRTP_CMD_RELAY_GET                         (admin query; doit and dump)
 *   doit:     KSRTP_A_RELAY nest with KSRTP_A_RELAY_ID
 *   dump:     every relay of the netns (NLM_F_DUMP_INTR as FLOW_GET)
 *   reply:    KSRTP_A_RELAY nest: ID, FLOW_A, FLOW_B.  The per-leg
 *             counters (KSRTP_A_STATS_RELAY_*) are in each flow's
 *             STATS_GET.
 *
 * Multicast group KSRTP_MCGRP_EVENTS ("events"):
 *   KSRTP_CMD_FLOW_SEEN    KSRTP_A_FLOW nest (LOCAL, REMOTE), KSRTP_A_EVENT_KIND
 *   KSRTP_CMD_AUTH_FAIL    KSRTP_A_FLOW nest (ID), KSRTP_A_STATS nest with
 *                          the failure counters: a burst of rejected packets
 *   KSRTP_CMD_KEY_LIMIT    KSRTP_A_KEY nest (FLOW_ID, DIR, SLOT): a TX key
 *                          came within 2^16 packets of its SRTP (2^48) or
 *                          SRTCP (2^31) index limit; sent once per key
 *   KSRTP_CMD_FLOW_SECURED KSRTP_A_FLOW nest (ID, LOCAL, REMOTE, MODE,
 *                          POLICY): on a SECURE flow with RX_TRIAL, the
 *                          first SRTP/SRTCP packet authenticated and the
 *                          kernel cleared RX_TRIAL: from this packet on the
 *                          flow accepts no clear RTP.  RFC 6189 §4.6 lets
 *                          the ZRTP initiator take this packet for Conf2ACK.
 *   KSRTP_CMD_FLOW_LATCHED KSRTP_A_FLOW nest as FLOW_GET (ID, LOCAL, the
 *                          learned REMOTE, MODE, POLICY, LATCH, LATCHED):
 *                          a latching flow learned its remote (API 5)
 *
 * Data path
 * ---------
 * On a SECURE flow with an active TX key, RTP (and RTCP, RFC 5761 demux)
 * leaving the local address:port for the remote is protected in place at
 * NF_INET_LOCAL_OUT.  SRTP/SRTCP arriving from the remote is unprotected at
 * NF_INET_LOCAL_IN before the socket sees it.  Packets that fail
 * authentication, are replayed, too old or malformed are dropped and
 * counted.  A SECURE flow fails closed: in a direction where it has no
 * key, RTP/RTCP is dropped and counted (CLEAR_DROPPED; the sender gets
 * EPERM).  On a DIVERT flow, clear RTP passes unless
 * KSRTP_POLICY_REQUIRE_SECURE is set.
 *
 * The switch from clear to SRTP (KSRTP_POLICY_RX_TRIAL).  The two ends of
 * a call start sending SRTP at different moments (RFC 6189 §4.6: the ZRTP
 * responder on Confirm2, the initiator on Conf2ACK, one packet trip
 * later), so for a moment each may receive the other's old kind of packet.
 * With RX_TRIAL set and an RX key installed, an incoming RTP/RTCP packet
 * is first unprotected under the RX key(s); if that succeeds it is
 * delivered as usual, otherwise it is restored byte for byte and handled
 * as clear (passed, or dropped under REQUIRE_SECURE; counted as clear, not
 * as an authentication failure).  In DIVERT mode this lets SRTP in before
 * the flow is switched; in SECURE mode it lets clear RTP in until the first
 * packet authenticates, and then the kernel clears the bit itself: from
 * there on the flow is strict (FLOW_GET shows the bit gone).
 *
 * Latching (symmetric RTP, RFC 4961; API 5).  A gateway's leg towards a
 * phone behind NAT does not know the port (or the address) the phone's
 * packets will come from.  A flow created with KSRTP_A_FLOW_LATCH PORT
 * (or ADDR) matches packets to its local address:port from its remote
 * address and any port (from anywhere), and learns the remote from the
 * first RTP/RTCP packet it accepts: on a flow with an RX key, the first
 * SRTP/SRTCP packet that authenticates (a forged, failing or replayed
 * packet never latches); clear RTP/RTCP only under
 * KSRTP_POLICY_LATCH_CLEAR (a clear packet on a flow without it is dropped
 * and counted, LATCH_DROPPED).  From then on the flow is the learned
 * 4-tuple: packets to its local address:port from any other source are
 * dropped and counted (LATCH_DROPPED), never delivered nor relayed; it is
 * learned once, for the flow's life.  When first packets from two sources
 * race, exactly one wins; the other is dropped (LATCH_DROPPED).  Until it
 * has latched, the flow has no remote: RTP/RTCP a local application sends
 * from its local address:port is dropped (TX_ERRORS; the sender gets
 * EPERM), as it is afterwards to any but the learned remote; RTP/RTCP a
 * relay would send on it is dropped and counted on the leg it arrived on
 * (RELAY_ERRORS, as with no route); ZRTP_XMIT fails with -ENOTCONN.  ZRTP
 * and other non-media packets from any source are handled as on any flow
 * until it latches.  An exact flow on the same local address:port wins
 * over a latching one.
 */
#ifndef _UAPI_LINUX_KSRTP_H
#define _UAPI_LINUX_KSRTP_H

#include <linux/types.h>

#define KSRTP_GENL_NAME		"ksrtp"
#define KSRTP_GENL_VERSION	1

/* Bumped whenever an attribute or command is added. */
#define KSRTP_API_VERSION	5

enum ksrtp_cmd {
	KSRTP_CMD_UNSPEC,
	KSRTP_CMD_GET_INFO,
	KSRTP_CMD_FLOW_NEW,
	KSRTP_CMD_FLOW_DEL,
	KSRTP_CMD_FLOW_GET,
	KSRTP_CMD_FLOW_SET,
	KSRTP_CMD_KEY_NEW,
	KSRTP_CMD_KEY_DEL,
	KSRTP_CMD_KEY_SWAP,
	KSRTP_CMD_STATS_GET,
	KSRTP_CMD_ZRTP_LISTEN,
	KSRTP_CMD_ZRTP_RECV,
	KSRTP_CMD_ZRTP_XMIT,
	KSRTP_CMD_WATCH_NEW,
	KSRTP_CMD_WATCH_DEL,
	KSRTP_CMD_FLOW_SEEN,
	KSRTP_CMD_AUTH_FAIL,
	KSRTP_CMD_KEY_LIMIT,
	KSRTP_CMD_FLOW_SECURED,		/* API 3 */
	KSRTP_CMD_RELAY_NEW,		/* API 4 */
	KSRTP_CMD_RELAY_DEL,		/* API 4 */
	KSRTP_CMD_RELAY_GET,		/* API 4 */
	KSRTP_CMD_FLOW_LATCHED,		/* API 5 */

	__KSRTP_CMD_MAX,
};
#define KSRTP_CMD_MAX (__KSRTP_CMD_MAX - 1)

/* Top-level attributes. */
enum ksrtp_attr {
	KSRTP_A_UNSPEC,
	KSRTP_A_VERSION,	/* u32 */
	KSRTP_A_API_VERSION,	/* u32 */
	KSRTP_A_FEATURES,	/* u64, KSRTP_F_* */
	KSRTP_A_FLOW_COUNT,	/* u32 */
	KSRTP_A_FLOW,		/* nest, enum ksrtp_flow_attr */
	KSRTP_A_PAD,
	KSRTP_A_KEY,		/* nest, enum ksrtp_key_attr */
	KSRTP_A_STATS,		/* nest, enum ksrtp_stats_attr */
	KSRTP_A_PACKET,		/* binary, a UDP payload */
	KSRTP_A_WATCH,		/* nest, enum ksrtp_watch_attr */
	KSRTP_A_EVENT_KIND,	/* u8, enum ksrtp_event_kind */
	KSRTP_A_RELAY,		/* nest, enum ksrtp_relay_attr (API 4) */

	__KSRTP_A_MAX,
};
#define KSRTP_A_MAX (__KSRTP_A_MAX - 1)

enum ksrtp_flow_attr {
	KSRTP_A_FLOW_UNSPEC,
	KSRTP_A_FLOW_ID,	/* u32 */
	KSRTP_A_FLOW_LOCAL,	/* nest, enum ksrtp_addr_attr */
	KSRTP_A_FLOW_REMOTE,	/* nest, enum ksrtp_addr_attr */
	KSRTP_A_FLOW_MODE,	/* u8, enum ksrtp_flow_mode */
	KSRTP_A_FLOW_POLICY,	/* u32, KSRTP_POLICY_* */
	KSRTP_A_FLOW_LATCH,	/* u8, enum ksrtp_latch (API 5) */
	KSRTP_A_FLOW_LATCHED,	/* flag, replies only: the remote is learned */

	__KSRTP_A_FLOW_MAX,
};
#define KSRTP_A_FLOW_MAX (__KSRTP_A_FLOW_MAX - 1)

enum ksrtp_addr_attr {
	KSRTP_A_ADDR_UNSPEC,
	KSRTP_A_ADDR_FAMILY,	/* u16, AF_INET or AF_INET6 */
	KSRTP_A_ADDR_IN,	/* be32 */
	KSRTP_A_ADDR_IN6,	/* 16 bytes */
	KSRTP_A_ADDR_PORT,	/* be16 */

	__KSRTP_A_ADDR_MAX,
};
#define KSRTP_A_ADDR_MAX (__KSRTP_A_ADDR_MAX - 1)

enum ksrtp_key_attr {
	KSRTP_A_KEY_UNSPEC,
	KSRTP_A_KEY_FLOW_ID,		/* u32 */
	KSRTP_A_KEY_DIR,		/* u8, enum ksrtp_key_dir */
	KSRTP_A_KEY_SLOT,		/* u8, 0..1 */
	KSRTP_A_KEY_PROFILE,		/* u16, enum ksrtp_srtp_profile */
	KSRTP_A_KEY_MASTER_KEY,		/* 16 or 32 bytes */
	KSRTP_A_KEY_MASTER_SALT,	/* 14 or 12 bytes */
	KSRTP_A_KEY_ROC,		/* u32 */
	KSRTP_A_KEY_SEQ,		/* u16 */
	KSRTP_A_KEY_REPLAY_WINDOW,	/* u32 */
	KSRTP_A_KEY_MAX_SSRCS,		/* u32 */
	KSRTP_A_KEY_ACTIVE,		/* flag, replies only */
	KSRTP_A_KEY_PACKETS,		/* u64, replies only */
	KSRTP_A_KEY_PAD,

	__KSRTP_A_KEY_MAX,
};
#define KSRTP_A_KEY_MAX (__KSRTP_A_KEY_MAX - 1)

enum ksrtp_key_dir {
	KSRTP_KEY_DIR_TX = 0,	/* protect what leaves */
	KSRTP_KEY_DIR_RX = 1,	/* unprotect what arrives */
};

/*
 * SRTP protection profiles.  Where a DTLS-SRTP protection profile exists
 * (RFC 5764 §4.1.2, RFC 7714 §14.2) the value is its identifier.
 */
enum ksrtp_srtp_profile {
	KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_80 = 1,	/* RFC 3711 */
	KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_32 = 2,	/* RFC 3711 */
	KSRTP_PROFILE_AES_256_CM_HMAC_SHA1_80 = 3,	/* RFC 6188 */
	KSRTP_PROFILE_AES_256_CM_HMAC_SHA1_32 = 4,	/* RFC 6188 */
	KSRTP_PROFILE_AEAD_AES_128_GCM = 7,		/* RFC 7714 */
	KSRTP_PROFILE_AEAD_AES_256_GCM = 8,		/* RFC 7714 */
};

enum ksrtp_stats_attr {
	KSRTP_A_STATS_UNSPEC,
	KSRTP_A_STATS_TX_PACKETS,	/* u64, protected and sent */
	KSRTP_A_STATS_TX_BYTES,		/* u64, RTP bytes before protection */
	KSRTP_A_STATS_RX_PACKETS,	/* u64, unprotected and delivered */
	KSRTP_A_STATS_RX_BYTES,		/* u64, RTP bytes after unprotection */
	KSRTP_A_STATS_RX_AUTH_FAIL,	/* u64, dropped: tag did not verify */
	KSRTP_A_STATS_RX_REPLAY,	/* u64, dropped: index already seen */
	KSRTP_A_STATS_RX_TOO_OLD,	/* u64, dropped: behind the window */
	KSRTP_A_STATS_RX_MALFORMED,	/* u64, dropped: not SRTP/SRTCP */
	KSRTP_A_STATS_RX_SSRC_LIMIT,	/* u64, dropped: too many SSRCs */
	KSRTP_A_STATS_TX_ERRORS,	/* u64, dropped on the way out */
	KSRTP_A_STATS_CLEAR_DROPPED,	/* u64, clear RTP refused by policy */
	KSRTP_A_STATS_CLEAR_PASSED,	/* u64, clear RTP passed before keys */
	KSRTP_A_STATS_ZRTP_RX,		/* u64, ZRTP diverted to the listener */
	KSRTP_A_STATS_ZRTP_TX,		/* u64, ZRTP sent by ZRTP_XMIT */
	KSRTP_A_STATS_ZRTP_DROPPED,	/* u64, ZRTP with no listener */
	KSRTP_A_STATS_GSO_REFUSED,	/* u64, UDP GSO batches dropped */
	KSRTP_A_STATS_PAD,
	/* API 4: packets that arrived on this flow, counted here, for its relay */
	KSRTP_A_STATS_RELAY_PACKETS,	/* u64, sent on the relay's other leg */
	KSRTP_A_STATS_RELAY_BYTES,	/* u64, their RTP bytes, clear */
	KSRTP_A_STATS_RELAY_MTU_DROPPED, /* u64, dropped: past the path MTU */
	KSRTP_A_STATS_RELAY_TTL_DROPPED, /* u64, dropped: TTL/hop limit <= 1 */
	KSRTP_A_STATS_RELAY_ERRORS,	/* u64, dropped: no route, refused */
	/* API 5: latching flows, dropped: not from the (learned) remote */
	KSRTP_A_STATS_LATCH_DROPPED,	/* u64 */
	/*
	 * API 5: ICMP/ICMPv6 errors (destination unreachable, packet too big,
	 * time exceeded, parameter problem) that came back quoting a datagram
	 * sent from this flow's local address:port to its remote one
	 */
	KSRTP_A_STATS_ICMP_ERRORS,	/* u64 */

	__KSRTP_A_STATS_MAX,
};
#define KSRTP_A_STATS_MAX (__KSRTP_A_STATS_MAX - 1)

enum ksrtp_watch_attr {
	KSRTP_A_WATCH_UNSPEC,
	KSRTP_A_WATCH_ID,		/* u32 */
	KSRTP_A_WATCH_PORT_MIN,		/* u16 */
	KSRTP_A_WATCH_PORT_MAX,		/* u16 */

	__KSRTP_A_WATCH_MAX,
};
#define KSRTP_A_WATCH_MAX (__KSRTP_A_WATCH_MAX - 1)

enum ksrtp_event_kind {
	KSRTP_EVENT_RTP_OUT = 1,	/* outgoing RTP on an unknown 4-tuple */
	KSRTP_EVENT_ZRTP_IN = 2,	/* incoming ZRTP on an unknown 4-tuple */
};

enum ksrtp_relay_attr {
	KSRTP_A_RELAY_UNSPEC,
	KSRTP_A_RELAY_ID,		/* u32 */
	KSRTP_A_RELAY_FLOW_A,		/* u32, a flow id: leg A */
	KSRTP_A_RELAY_FLOW_B,		/* u32, a flow id: leg B */

	__KSRTP_A_RELAY_MAX,
};
#define KSRTP_A_RELAY_MAX (__KSRTP_A_RELAY_MAX - 1)

#define KSRTP_MCGRP_EVENTS	"events"

enum ksrtp_flow_mode {
	/* ZRTP is diverted to the daemon; RTP passes per policy. */
	KSRTP_FLOW_MODE_DIVERT = 0,
	/* As DIVERT, and RTP/RTCP are protected once keys are installed. */
	KSRTP_FLOW_MODE_SECURE = 1,
	__KSRTP_FLOW_MODE_MAX,
};
#define KSRTP_FLOW_MODE_MAX (__KSRTP_FLOW_MODE_MAX - 1)

/* What a latching flow learns from its first accepted packet (API 5). */
enum ksrtp_latch {
	KSRTP_LATCH_NONE = 0,	/* the remote is given whole */
	KSRTP_LATCH_PORT = 1,	/* the remote address is given, its port learned */
	KSRTP_LATCH_ADDR = 2,	/* the remote address and port are learned */
	__KSRTP_LATCH_MAX,
};
#define KSRTP_LATCH_MAX (__KSRTP_LATCH_MAX - 1)

/* Per-flow policy bits. */
enum {
	/* Drop clear RTP/RTCP on this flow while it has no keys. */
	KSRTP_POLICY_REQUIRE_SECURE = 1U << 0,
	/* Accept both kinds while the peer switches (see "The switch"). */
	KSRTP_POLICY_RX_TRIAL = 1U << 1,
	/* A latching flow may latch on clear RTP/RTCP (API 5, see "Latching") */
	KSRTP_POLICY_LATCH_CLEAR = 1U << 2,
};
#define KSRTP_POLICY_MASK	(KSRTP_POLICY_REQUIRE_SECURE | \
				 KSRTP_POLICY_RX_TRIAL | \
				 KSRTP_POLICY_LATCH_CLEAR)

/* Feature bits reported by KSRTP_CMD_GET_INFO. */
enum {
	KSRTP_F_FLOWS	= 1ULL << 0,	/* FLOW_NEW/DEL/GET */
	KSRTP_F_IPV6	= 1ULL << 1,	/* IPv6 flows */
	KSRTP_F_SRTP	= 1ULL << 2,	/* KEY_*, STATS_GET, the data path */
	KSRTP_F_ZRTP	= 1ULL << 3,	/* ZRTP_LISTEN/RECV/XMIT */
	KSRTP_F_WATCH	= 1ULL << 4,	/* WATCH_*, FLOW_SEEN events */
	KSRTP_F_RX_TRIAL = 1ULL << 5,	/* KSRTP_POLICY_RX_TRIAL (API 2) */
	KSRTP_F_SECURED_EVENT = 1ULL << 6, /* KSRTP_CMD_FLOW_SECURED (API 3) */
	KSRTP_F_RELAY	= 1ULL << 7,	/* RELAY_NEW/DEL/GET, gateway (API 4) */
	KSRTP_F_LATCH	= 1ULL << 8,	/* KSRTP_A_FLOW_LATCH, FLOW_LATCHED (API 5) */
};

#endif /* _UAPI_LINUX_KSRTP_H */
