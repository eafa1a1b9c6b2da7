/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zrtpd: the ZRTP daemon.  One event loop (epoll) owns the kernel link, the
 * control socket and every session; the ZRTP engine (libzrtp) is I/O-free,
 * so a session is a flow, an engine and a timer in the loop's heap.
 *
 *   main.c        options, config, signals, the daemon's lifetime
 *   config.c      zrtpd.conf and the flags that override it
 *   loop.c        epoll, the timer heap, kernel notifications
 *   session.c     sessions: create, drive the engine, install keys, resume
 *   control.c     the control socket (Documentation/control-protocol.md)
 *   state.c       what the kernel cannot say back after a restart (SAS...)
 *   kernel_nl.c   the kernel ops over netlink (ksrtp)
 *   kernel_mock.c the kernel ops in memory + UDP on loopback (tests, bench)
 */
#ifndef ZRTPD_H
#define ZRTPD_H

#include <limits.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "kernel.h"
#include "zrtp.h"

enum {
	ZRTPD_MAX_WATCHES = 16,
	ZRTPD_ALG_KINDS = 5,		/* hash, cipher, auth, ka, sas */
	ZRTPD_TXQ = 32,			/* packets of one engine batch */
};

enum zrtpd_policy {
	ZRTPD_POLICY_OPPORTUNISTIC = 0,	/* no peer ZRTP: the call stays clear */
	ZRTPD_POLICY_REQUIRE_SECURE,	/* clear RTP dropped until keys exist */
};

struct zrtpd_port_range {
	uint16_t min, max;
};

struct zrtpd_config {
	char cache_path[PATH_MAX];	/* "" : no retained secrets */
	char state_path[PATH_MAX];	/* "" : no session state across restarts */
	bool have_zid;
	uint8_t zid[12];
	char client_id[17];
	uint32_t algs[ZRTPD_ALG_KINDS][ZRTP_MAX_PREFS];
	uint8_t nalgs[ZRTPD_ALG_KINDS];
	struct zrtpd_port_range watches[ZRTPD_MAX_WATCHES];
	unsigned int nwatches;
	enum zrtpd_policy policy;
	char ctl_path[108];
	mode_t ctl_mode;
	gid_t ctl_gid;			/* (gid_t)-1: the daemon's */
	char kernel[16];		/* "netlink" or "mock" */
	unsigned int max_handshakes;	/* in discovery at once; 0: no limit */
	unsigned int idle_timeout;	/* s: watch-created flows without traffic go; 0: never */
	unsigned int switch_timeout;	/* s: switching, the peer still sends clear RTP: fail */
	unsigned int handshake_timeout;	/* s: a handshake not secure by then fails */
	unsigned int max_sessions;	/* sessions (and so flows) at most */
	unsigned int max_per_source;	/* watch-created sessions per remote address */
	char test_drop[9];		/* tests only: never send this ZRTP message type */
	unsigned int max_dh_rate;	/* watch sessions entering key agreement per second */
	unsigned int max_unverified;	/* watch sessions whose peer has not proved
					 * it receives our packets, at most */
	bool rtcp_mux;			/* sessions' RTCP on the RTP port (RFC 5761);
					 * else on port+1, a flow of its own */
	bool trusted_mitm;		/* RFC 6189 §7.3: M flag; may relay SAS */
	bool pbx_enroll;		/* §7.3.1: trusted MiTM: offer enrollment;
					 * else: accept a PBX's offer (on verify) */
	int verbose;
};

void zrtpd_config_defaults(struct zrtpd_config *c);
/* One "key = value" setting, from the file or a flag; 0 or -1 with err. */
int zrtpd_config_set(struct zrtpd_config *c, const char *key, const char *value,
		     char *err, size_t errlen);
/* Reads a zrtpd.conf; err names the file and line. */
int zrtpd_config_load(struct zrtpd_config *c, const char *path, char *err, size_t errlen);
int zrtpd_parse_range(const char *s, struct zrtpd_port_range *r);
/* The effective configuration, in zrtpd.conf syntax (zrtpd --dump-config). */
void zrtpd_config_write(FILE *f, const struct zrtpd_config *c);
/* "X255,EC25" -> wire codes; -1 on an unknown name for that kind. */
int zrtpd_parse_algs(int kind, const char *list, uint32_t *out, uint8_t *n);

enum zrtpd_sess_state {
	ZS_HANDSHAKE,	/* the engine is running (see engine state) */
	ZS_SWITCHING,	/* keys installed; the kernel still takes clear RTP
			 * (initiator before Conf2ACK, or flow with RX_TRIAL
			 * until the peer's first SRTP authenticates) */
	ZS_SECURE,	/* flow SECURE, keys both ways, RX_TRIAL cleared:
			 * the kernel accepts no clear RTP on it */
	ZS_CLEAR,	/* no ZRTP from the peer, or GoClear */
	ZS_FAILED,	/* protocol error or timeout */
};

struct zrtpd_session {
	struct ksrtp_flow_info flow;
	/* The stream's RTCP on its own ports (RFC 3550 §11: port+1 by
	 * default): a second kernel flow under the same SRTP master keys
	 * (RFC 3711 §3.4, RFC 6189 §4.5.3), switched with the RTP flow,
	 * never a ZRTP session of its own.  rtcp.id 0: RTCP muxed on the
	 * RTP flow (RFC 5761), or no RTCP port. */
	struct ksrtp_flow_info rtcp;
	struct zrtp_session *z;		/* NULL once done or when resumed */
	enum zrtpd_sess_state state;
	bool resumed;			/* found secure in the kernel at start */
	bool armed;			/* keys in, SECURE on Conf2ACK (initiator) */
	bool keys_in;			/* this session installed keys in the kernel */
	bool abort;			/* key installation failed: drop the batch */
	bool confirm_lost;		/* armed, Confirm2 never acknowledged: engine goes */
	bool unverified;		/* watch-created, the peer has sent only Hellos
					 * (it may be a spoofed source): budgeted */
	bool reap;			/* watch-created, ended without keys: goes */
	bool dh_paid;			/* watch session: its DH work was admitted */
	bool begun;			/* zrtp_start() done */
	bool queued;			/* waiting for a handshake slot */
	bool counted;			/* holds a handshake slot */
	enum zrtp_role role;
	bool from_watch;
	bool initiator;
	bool verified;
	bool have_peer_zid;
	bool have_peer_hash;
	enum zrtp_cache_status cache;
	uint8_t peer_zid[12];
	uint8_t peer_hash[32];
	char sas[40];
	char hash[5], cipher[5], auth[5], ka[5], sas_type[5];
	char profile[32];
	char hello_hash[80];
	uint32_t error_code;
	uint64_t started_ms, secure_ms;
	uint64_t switch_ms;		/* keys installed (ZS_SWITCHING since) */
	uint64_t poll_ms;		/* next look at the kernel while switching */
	uint64_t clear_seen;		/* clear RTP counters at the last look */
	uint64_t clear_run_ms;		/* since when the peer's clear RTP keeps coming (0: not) */
	uint64_t zrtp_rx, zrtp_tx;

	/*
	 * Redial on the same ports (a new ZRTP session from the peer on a
	 * live secure call): the new engine runs in z while z_prev (the old
	 * call's) is kept; the old keys serve in the active slot until the
	 * new ones are in the other and swapped (KEY_SWAP).  A Hello alone
	 * proves nothing: while the call's SRTP still authenticates it is
	 * ignored (hello_mark_*), and a new session that does not end
	 * secure changes nothing.
	 */
	struct zrtp_session *z_prev;
	uint8_t slot;			/* the active key slot, both directions */
	bool rekey;			/* a new ZRTP session on a secure call */
	bool rekey_keys;		/* its keys are in the other slot, RX swapped */
	bool rekey_tx;			/* initiator: TX swaps on Conf2ACK */
	bool rekey_fail;		/* give up the new session after this batch */
	bool have_peer_h3;
	bool hello_mark;
	uint8_t peer_h3[32];		/* H3 of the current call's peer Hello */
	uint64_t rekey_ms;
	uint64_t hello_mark_rx, hello_mark_ms;
	uint64_t hello_event_ms;	/* last hello-ignored event (rate limit) */
	unsigned int redials;		/* new ZRTP sessions on this flow */

	/* Gateway (gateway.c): the flow is one leg of a kernel relay, bound
	 * by "relay-add ... zrtp"; relay_id 0: not a relay leg.  The other
	 * leg (relay_other) is never touched: no session, keys or mode
	 * ("zrtp both": it has its own session, zrtpd_relay_partner). */
	uint32_t relay_id, relay_other;
	char relay_leg;			/* 'a' or 'b' */
	/* "zrtp both", trusted MiTM (gateway.c): call engines that went secure
	 * here; on leg a, the pair of those counts last relayed for (+1); the
	 * flow whose SAS our SASrelay last carried to this phone (0: none) */
	unsigned int secure_gen, relay_gen[2];
	uint32_t sas_relay_from;
	bool sas_relay_unacked;		/* that SASrelay was never acknowledged */
	bool restored;			/* resume: its state-file line was read */

	uint64_t activity;		/* kernel packet counters, summed (idle GC) */
	uint64_t active_ms;		/* when they last moved */
	uint64_t deadline;		/* UINT64_MAX: no timer */
	int heap_idx;			/* -1: not in the heap */
	struct zrtpd_session *next_id, *next_tuple, *next_q, *next_rtcp;
};

struct zrtpd_client;

struct zrtpd_stats {
	uint64_t started, secure, failed, clear;
	uint64_t keyed;			/* handshakes that put keys in the kernel */
	uint64_t refused;		/* watch sessions refused by a bound */
	uint64_t not_hello;		/* unknown 4-tuple, not a valid Hello: ignored */
	uint64_t budget_drops;		/* packets not sent to an unverified peer */
	uint64_t dh_admitted;		/* watch sessions let into key agreement */
	uint64_t dh_deferred;		/* their HelloACK/Commit dropped: no DH token */
	uint64_t zrtp_rx, zrtp_tx, zrtp_unknown, key_errors;
	uint64_t redials;		/* new ZRTP sessions on a flow that had one */
	uint64_t hellos_ignored;	/* new-session Hellos on a call whose SRTP flows */
};

struct zrtpd {
	struct zrtpd_config cfg;
	struct zrtpd_kernel *k;
	struct zrtp_cache *cache;
	uint8_t zid[12];
	int epfd;
	int ctl_fd;
	int sig_fd;
	uint32_t watch_ids[ZRTPD_MAX_WATCHES];
	struct zrtpd_port_range watches[ZRTPD_MAX_WATCHES];
	unsigned int nwatches;

	struct zrtpd_session **by_id, **by_tuple;	/* hash tables */
	struct zrtpd_session **by_rtcp;			/* by the RTCP flow's 4-tuple */
	unsigned int nbuckets, nsessions;
	struct zrtpd_session **heap;
	unsigned int nheap, heap_cap;

	/* admission (session.c): handshakes running, and those waiting */
	unsigned int active, nqueued;
	unsigned int nunverified;	/* watch sessions not yet answered by their peer */
	unsigned int nreap;		/* sessions marked reap */
	uint64_t dh_tokens_milli;	/* token bucket for watch sessions' DH work */
	uint64_t dh_refill_ms;
	struct zrtpd_session *q_head, *q_tail;
	bool admitting;

	struct zrtpd_client *clients;
	struct zrtpd_stats stats;
	struct zrtp_output out;		/* scratch for zrtp_poll */
	struct {
		uint8_t b[ZRTP_OUT_MAX_PKT];
		size_t len;
	} txq[ZRTPD_TXQ];		/* scratch: one batch's packets */
	uint64_t now;
	uint64_t next_gc;
	bool stop;
	bool journal;		/* stderr goes to journald: <N> priority prefixes */
	/* SIGHUP (main.c: re-reads the configuration); NULL: ignored */
	void (*reload)(struct zrtpd *d);
};

/* loop.c */
int zrtpd_init(struct zrtpd *d, const struct zrtpd_config *cfg, struct zrtpd_kernel *k);
void zrtpd_fini(struct zrtpd *d);	/* leaves the kernel's flows and keys */
/* One round: wait up to max_wait_ms (or the next timer), handle it all. */
int zrtpd_run_once(struct zrtpd *d, int max_wait_ms);
int zrtpd_run(struct zrtpd *d);
void zrtpd_timer_update(struct zrtpd *d, struct zrtpd_session *s);
/*
 * A new configuration on a running daemon (SIGHUP): algorithm preferences,
 * policy, limits, timeouts and log level apply to what happens next, calls
 * in progress keep their keys; the rest needs a restart and is logged.
 */
void zrtpd_reconfigure(struct zrtpd *d, const struct zrtpd_config *n);
void zrtpd_log(const struct zrtpd *d, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* session.c */
struct zrtpd_session_opts {
	bool require_secure;
	bool have_policy;		/* else the config's */
	enum zrtp_role role;
	const uint8_t *peer_hash;	/* 32 bytes or NULL */
	bool from_watch;
	bool unverified;		/* created by a peer's Hello: budgeted */
	/* RTCP: ZRTPD_RTCP_DEFAULT (the config's), _MUX (none of its own),
	 * _PORT1 (local port+1 <-> remote port+1), _PORTS (the two below) */
	enum { ZRTPD_RTCP_DEFAULT, ZRTPD_RTCP_MUX, ZRTPD_RTCP_PORT1, ZRTPD_RTCP_PORTS } rtcp;
	uint16_t rtcp_lport, rtcp_rport;
	const struct ksrtp_flow_info *rtcp_flow;	/* resume: the kernel's RTCP flow */
	uint32_t relay_id, relay_other;	/* a relay leg (gateway.c) */
	char relay_leg;
};
int zrtpd_session_add(struct zrtpd *d, const struct ksrtp_flow_info *flow,
		      const struct zrtpd_session_opts *o, struct zrtpd_session **out);
int zrtpd_session_del(struct zrtpd *d, struct zrtpd_session *s, bool del_flow);
struct zrtpd_session *zrtpd_session_by_id(struct zrtpd *d, uint32_t id);
struct zrtpd_session *zrtpd_session_by_tuple(struct zrtpd *d, const struct ksrtp_sockaddr *l,
					     const struct ksrtp_sockaddr *r);
/* The session whose RTCP flow has this 4-tuple. */
struct zrtpd_session *zrtpd_session_by_rtcp(struct zrtpd *d, const struct ksrtp_sockaddr *l,
					    const struct ksrtp_sockaddr *r);
void zrtpd_session_input(struct zrtpd *d, struct zrtpd_session *s, const uint8_t *pkt,
			 size_t len);
void zrtpd_session_pump(struct zrtpd *d, struct zrtpd_session *s);
int zrtpd_session_verify(struct zrtpd *d, struct zrtpd_session *s, bool v);
/* Trusted MiTM (RFC 6189 §7.3): relay the SAS of `from` (one leg) to the
 * phone of `to` (the other leg).  -EPERM unless trusted-mitm is on;
 * -EAGAIN unless both are secure with a live engine; -EACCES if the phone
 * of `to` is not enrolled with us (its pbxsecret did not match). */
int zrtpd_session_relay_sas(struct zrtpd *d, struct zrtpd_session *from,
			    struct zrtpd_session *to);
/* Its call engine's peer enrolled with us (pbxsecret matched): 1 or 0;
 * -ENOENT: no engine (resumed after a restart, or given up). */
int zrtpd_session_enrolled(const struct zrtpd_session *s);
int zrtpd_session_set_peer_hash(struct zrtpd *d, struct zrtpd_session *s, const uint8_t h[32]);
int zrtpd_sessions_resume(struct zrtpd *d);
void zrtpd_sessions_free(struct zrtpd *d);
int zrtpd_kernel_event(const zrtpd_kevent *ev, void *arg);
const char *zrtpd_state_str(const struct zrtpd_session *s);
const char *zrtpd_cache_str(enum zrtp_cache_status c);
int zrtpd_watch_add(struct zrtpd *d, const struct zrtpd_port_range *r);
int zrtpd_watch_del(struct zrtpd *d, const struct zrtpd_port_range *r);
/* Removes watch-created sessions idle for cfg.idle_timeout; returns how many. */
unsigned int zrtpd_sessions_gc(struct zrtpd *d);
/* Deletes the sessions marked reap (flows too). */
void zrtpd_sessions_reap(struct zrtpd *d);

/* control.c */
int zrtpd_ctl_open(struct zrtpd *d);
void zrtpd_ctl_close(struct zrtpd *d);
void zrtpd_ctl_accept(struct zrtpd *d);
void zrtpd_ctl_client_io(struct zrtpd *d, struct zrtpd_client *c, uint32_t events);
/* A session changed: tell every monitor.  what: "secure", "failed"... */
void zrtpd_ctl_event(struct zrtpd *d, const char *what, const struct zrtpd_session *s,
		     const char *detail);
/* Closes clients that never sent a request; ms until needed again, or -1. */
int zrtpd_ctl_sweep(struct zrtpd *d);
/* Runs one control request as if it came from a client (tests). */
int zrtpd_ctl_request(struct zrtpd *d, const char *line, char **reply, size_t *len);

/* gateway.c: ZRTP on one leg of a kernel relay */
struct zrtpd_relay_req {
	struct ksrtp_flow_info leg[2];	/* A, B: by id or 4-tuple */
	int zrtp;			/* 0: ZRTP on leg A, 1: on leg B, 2: both */
	struct zrtpd_session_opts o;
};
/* Joins the two flows in a kernel relay and runs a session on one leg;
 * *why says what went wrong. */
int zrtpd_relay_add(struct zrtpd *d, const struct zrtpd_relay_req *req, struct zrtpd_session **out,
		    const char **why);
/* The session on the other leg of s's relay ("zrtp both"), or NULL. */
struct zrtpd_session *zrtpd_relay_partner(struct zrtpd *d, const struct zrtpd_session *s);
/* Both legs secure, trusted MiTM: the automatic SASrelay, once per pair of
 * call engines (session pump). */
void zrtpd_relay_auto(struct zrtpd *d, struct zrtpd_session *s);
/* Restart: which kernel flows are relay legs; marks resumed sessions. */
struct zrtpd_relay_legs;
struct zrtpd_relay_legs *zrtpd_relay_legs_read(struct zrtpd *d);
/* The relay of a flow, or 0; *other, *leg: the other leg, 'a'/'b'. */
uint32_t zrtpd_relay_leg_of(const struct zrtpd_relay_legs *l, uint32_t flow_id, uint32_t *other,
			    char *leg);
void zrtpd_relay_legs_free(struct zrtpd_relay_legs *l);
/* Resumed, SECURE, a relay's leg zrtpd never bound (SDES): to be dropped. */
bool zrtpd_relay_not_ours(const struct zrtpd_session *s);

/* state.c */
void zrtpd_state_save(struct zrtpd *d, const struct zrtpd_session *s);
/* After resume: fills resumed sessions from the file, then rewrites it. */
void zrtpd_state_restore(struct zrtpd *d);

/* epoll tags */
enum zrtpd_poll_kind { ZP_KERNEL = 1, ZP_CTL, ZP_CLIENT, ZP_SIGNAL };

#endif
