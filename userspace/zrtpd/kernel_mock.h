/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A mock of ksrtp for native tests and the bench ("loopback link").
 *
 * The mock is the kernel's state (flows, keys, watches, counters) and is
 * separate from the link a daemon opens on it, so a test can drop a daemon
 * and attach a new one to the same state, as a restarted zrtpd would.
 * ZRTP travels for real: every local port in use (by a flow or a watch) is
 * a UDP socket bound to the flow's local address, and ZRTP_XMIT is a
 * sendto() to the flow's remote.  Two daemons, each on its own mock, talk
 * over 127.0.0.1 as two hosts would.  No SRTP is done: key_new records the
 * keys so tests can compare one side's TX with the other's RX.
 */
#ifndef ZRTPD_KERNEL_MOCK_H
#define ZRTPD_KERNEL_MOCK_H

#include <stdbool.h>
#include "kernel.h"

struct zrtpd_mock;

struct zrtpd_mock_key {
	bool set;
	uint16_t profile;
	uint8_t key[32], key_len;
	uint8_t salt[14], salt_len;
};

struct zrtpd_mock *zrtpd_mock_new(void);
void zrtpd_mock_free(struct zrtpd_mock *m);
/* A link on the mock, as zrtpd_kernel_nl_open() is one on the kernel. */
int zrtpd_mock_attach(struct zrtpd_mock *m, struct zrtpd_kernel **k);

/* Test hooks. */
/* The direction's active key. */
int zrtpd_mock_get_key(struct zrtpd_mock *m, uint32_t flow_id, uint8_t dir,
		       struct zrtpd_mock_key *out);
int zrtpd_mock_get_flow(struct zrtpd_mock *m, uint32_t flow_id,
			struct ksrtp_flow_info *out);
unsigned int zrtpd_mock_flow_count(const struct zrtpd_mock *m);
/* The key in one slot, active or not. */
int zrtpd_mock_get_key_slot(struct zrtpd_mock *m, uint32_t flow_id, uint8_t dir, uint8_t slot,
			    struct zrtpd_mock_key *out);
/* ZRTP packets zrtpd sent on a flow (ZRTP_XMIT). */
uint64_t zrtpd_mock_zrtp_sent(struct zrtpd_mock *m, uint32_t flow_id);
/* KEY_SWAPs done on this mock. */
uint64_t zrtpd_mock_swaps(const struct zrtpd_mock *m);
/* One media counter (KSRTP_A_STATS_*) of a flow. */
uint64_t zrtpd_mock_stat(struct zrtpd_mock *m, uint32_t flow_id, unsigned int counter);
/* The application sent RTP on a 4-tuple: raises FLOW_SEEN on a watch. */
int zrtpd_mock_rtp_out(struct zrtpd_mock *m, const struct ksrtp_sockaddr *local,
		       const struct ksrtp_sockaddr *remote);
/* Drop every ZRTP packet sent from now on (a lost link). */
void zrtpd_mock_set_blackhole(struct zrtpd_mock *m, bool on);
/* Drop every ZRTP packet of one type ("Conf2ACK") sent from now on; NULL: none. */
void zrtpd_mock_drop_type(struct zrtpd_mock *m, const char *type);
/* Count the ZRTP packets of one type this mock is asked to send (even dropped). */
void zrtpd_mock_count_type(struct zrtpd_mock *m, const char *type);
uint64_t zrtpd_mock_type_sent(const struct zrtpd_mock *m);
/* The nth next KEY_NEW fails with -ENOMEM (1: the next one; 0: none). */
void zrtpd_mock_fail_key_new(struct zrtpd_mock *m, unsigned int nth);
/* KSRTP_CMD_FLOW_SECURED on (the default, API 3) or off (an older kernel). */
void zrtpd_mock_set_secured_event(struct zrtpd_mock *m, bool on);

/*
 * Media: one RTP packet from `from`'s flow local->remote to `to`'s flow
 * remote->local, each end applying ksrtp's rules.  The sender protects it
 * if its flow is SECURE with a TX key; the receiver unprotects, passes it
 * as clear or drops it as the kernel would, and raises FLOW_SECURED on the
 * first SRTP that authenticates on a SECURE flow with RX_TRIAL.
 */
enum zrtpd_mock_media_result {
	ZM_DROPPED,	/* the receiving kernel refused it */
	ZM_CLEAR,	/* clear RTP delivered to the application */
	ZM_SRTP,	/* SRTP authenticated, delivered as RTP */
	ZM_GARBLED,	/* SRTP delivered unprotected: garbage for the app */
};
enum zrtpd_mock_media_result zrtpd_mock_media(struct zrtpd_mock *from, struct zrtpd_mock *to,
					      const struct ksrtp_sockaddr *local,
					      const struct ksrtp_sockaddr *remote);
/* One packet on every flow of `from` whose reverse is a flow of `to`. */
unsigned int zrtpd_mock_media_all(struct zrtpd_mock *from, struct zrtpd_mock *to);
/* Would the kernel deliver clear RTP from the peer on this flow? */
bool zrtpd_mock_accepts_clear(struct zrtpd_mock *m, uint32_t flow_id);
unsigned int zrtpd_mock_garbled(const struct zrtpd_mock *m);

#endif
