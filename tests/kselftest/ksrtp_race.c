// SPDX-License-Identifier: GPL-2.0
/*
 * Races a second CPU can cause, with nothing pinned: traffic both ways
 * while keys of both directions and both slots are installed, swapped and
 * deleted and the flow is deleted and re-added; the module unloaded and a
 * namespace deleted while packets are inside the hooks; relays made and
 * deleted against the deletion of their legs while they relay.
 *
 *     netns A: app 10.99.0.1:5000, flow to B:6000, SECURE   netns B: peer 10.99.0.2:6000
 *       sender: clear RTP marked "CLEARRTP" --------------->  reader: no datagram may
 *                                                              hold the marker
 *       app reader  <------------------------------ SRTP (libsrtp) and garbage
 *
 * QEMU: these run with the VM runner's default multi-threaded TCG (two
 * vCPUs, so the hooks run on both while the control loop changes keys).
 *
 * KSRTP_RACE_ROUNDS (default 300) sets the key churn's rounds.  Against
 * the module before issue 10's fix, 300 rounds show clear RTP leaving the
 * SECURE flow and SRTP reaching the application; 1500 rounds also hit the
 * NULL dereference of the RX key read twice (kernel panic in softirq,
 * ksrtp_unprotect_with from ksrtp_ingress), seen once in one run.
 *
 * Kernel config: CONFIG_NET_NS, CONFIG_VETH, CONFIG_NETFILTER, the
 * AES/CTR/GCM/HMAC/SHA1 crypto.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <srtp2/srtp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/ksrtp.h>

#include "kselftest_harness.h"
#include "ksft_ksrtp.h"
#include "ksft_netns.h"
#include "ksrtp_nl.h"

enum { PORT_A = 5000, PORT_B = 6000, MAXPKT = 2048 };

static const char marker[] = "CLEARRTP";

static struct two_hosts hosts = { .fd_a = -1, .fd_b = -1 };
static pid_t hosts_owner;

static void __attribute__((constructor)) hosts_up(void)
{
	srand((unsigned int)getpid());
	hosts_owner = getpid();
	if (two_hosts_up(&hosts))
		fprintf(stderr, "# could not create the namespaces\n");
}

static void __attribute__((destructor)) hosts_down(void)
{
	if (getpid() == hosts_owner)
		two_hosts_down(&hosts);
}

static int udp_socket(int netns, const char *ip, int port, const char *peer, int pport)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 2 };
	int fd;

	if (enter(netns))
		return -1;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	a.sin_port = htons(port);
	inet_pton(AF_INET, ip, &a.sin_addr);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)))
		return -1;
	a.sin_port = htons(pport);
	inet_pton(AF_INET, peer, &a.sin_addr);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
		return -1;
	return fd;
}

static size_t make_rtp(uint8_t *b, uint32_t ssrc, uint16_t seq, size_t plen)
{
	size_t i;

	b[0] = 0x80;
	b[1] = 96;
	b[2] = seq >> 8;
	b[3] = seq & 0xff;
	memset(b + 4, 0, 4);
	b[8] = ssrc >> 24; b[9] = (ssrc >> 16) & 0xff; b[10] = (ssrc >> 8) & 0xff; b[11] = ssrc & 0xff;
	for (i = 0; i < plen; i++)
		b[12 + i] = (uint8_t)marker[i % 8];
	return 12 + plen;
}

static const uint8_t k_hmac[30] = "hmac-key-0123456789abcdefghij";
static const uint8_t k_gcm[28] = "gcm-key-0123456789abcdefghi";

static int key(struct ksrtp_nl *nl, uint32_t flow, uint8_t dir, uint8_t slot, bool gcm)
{
	struct ksrtp_key_req k = {
		.flow_id = flow, .dir = dir, .slot = slot,
		.profile = gcm ? KSRTP_PROFILE_AEAD_AES_128_GCM :
				 KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_80,
		.key_len = 16, .salt_len = gcm ? 12 : 14,
	};

	memcpy(k.key, gcm ? k_gcm : k_hmac, 16);
	memcpy(k.salt, (gcm ? k_gcm : k_hmac) + 16, k.salt_len);
	return ksrtp_nl_key_new(nl, &k);
}

static int flow_new(struct ksrtp_nl *nl, uint32_t *id)
{
	struct ksrtp_flow_info f = { .mode = KSRTP_FLOW_MODE_SECURE }, got;
	int ret;

	if (ksrtp_parse_sockaddr("10.99.0.1:5000", &f.local) ||
	    ksrtp_parse_sockaddr("10.99.0.2:6000", &f.remote))
		return -EINVAL;
	ret = ksrtp_nl_flow_new(nl, &f, &got);
	*id = got.id;
	return ret;
}

/*
 * B: SRTP under the HMAC key and its GCM twin, and garbage, to A, until
 * killed.  A ring of packets made once and sent over and over (repeats
 * are replays, refused after the key's first sight of them): the hooks
 * see far more packets than per-packet libsrtp calls would allow in TCG.
 */
enum { RING = 256 };

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (; n > 1; p += 2, n -= 2)
		s += (uint32_t)(p[0] << 8 | p[1]);
	if (n)
		s += (uint32_t)(p[0] << 8);
	return s;
}

/*
 * IPv4 + UDP around the @n bytes at @b + 28, B:6000 -> A:5000, with a UDP
 * checksum: sent through a raw socket, the skb is CHECKSUM_NONE, so the
 * hook verifies the checksum in software (the widest window of the path).
 */
static int wrap4(uint8_t *b, int n)
{
	static const uint8_t src[4] = { 10, 99, 0, 2 }, dst[4] = { 10, 99, 0, 1 };
	uint16_t ulen = (uint16_t)(8 + n), c;
	uint32_t sum;

	memset(b, 0, 28);
	b[0] = 0x45;
	b[2] = (uint8_t)((20 + ulen) >> 8);
	b[3] = (uint8_t)(20 + ulen);
	b[8] = 64;
	b[9] = IPPROTO_UDP;
	memcpy(b + 12, src, 4);
	memcpy(b + 16, dst, 4);
	b[20] = PORT_B >> 8; b[21] = PORT_B & 0xff;
	b[22] = PORT_A >> 8; b[23] = PORT_A & 0xff;
	b[24] = ulen >> 8; b[25] = ulen & 0xff;
	sum = sum16(src, 4, 0);
	sum = sum16(dst, 4, sum);
	sum += IPPROTO_UDP + ulen;
	sum = sum16(b + 20, ulen, sum);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	c = (uint16_t)~sum;
	if (!c)
		c = 0xffff;
	b[26] = c >> 8;
	b[27] = c & 0xff;
	return 20 + ulen;
}

static void peer_sender(int sb)
{
	static uint8_t ring[RING][28 + 400];
	static int rlen[RING];
	struct sockaddr_in to = { .sin_family = AF_INET };
	int raw = enter(hosts.fd_b) ? -1 : socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	srtp_policy_t pol;
	srtp_t s[2];
	uint8_t kk[2][30];
	int i;

	srtp_init();
	for (i = 0; i < 2; i++) {
		memset(&pol, 0, sizeof(pol));
		if (i) {
			srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtp);
			srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtcp);
		} else {
			srtp_crypto_policy_set_rtp_default(&pol.rtp);
			srtp_crypto_policy_set_rtcp_default(&pol.rtcp);
		}
		memcpy(kk[i], i ? k_gcm : k_hmac, 30);
		pol.key = kk[i];
		pol.ssrc.type = ssrc_any_outbound;
		pol.window_size = 1024;
		pol.allow_repeat_tx = 1;
		if (srtp_create(&s[i], &pol))
			_exit(2);
	}
	for (i = 0; i < RING; i++) {
		uint16_t seq = (uint16_t)(i + 1);
		uint8_t *p = ring[i] + 28;

		rlen[i] = (int)make_rtp(p, 0xb0b, seq, 100 + seq % 200);
		if (i % 5 == 4)
			p[rlen[i]++] = 0xee;	/* garbage: fails auth */
		else if (srtp_protect(s[i & 1], p, &rlen[i]))
			_exit(3);
		rlen[i] = wrap4(ring[i], rlen[i]);
	}
	inet_pton(AF_INET, "10.99.0.1", &to.sin_addr);
	for (i = 0;; i = (i + 1) % RING) {
		/* half through the raw socket (software checksum), half UDP */
		if (raw >= 0 && (i & 1))
			sendto(raw, ring[i], (size_t)rlen[i], MSG_DONTWAIT,
			       (struct sockaddr *)&to, sizeof(to));
		else
			send(sb, ring[i] + 28, (size_t)rlen[i] - 28, MSG_DONTWAIT);
	}
}

/* A's application: clear RTP with the marker, until killed; pausable. */
static void app_sender(int sa, volatile int *pause, volatile int *paused)
{
	uint8_t pkt[MAXPKT];
	uint16_t seq = 1;

	for (;;) {
		if (*pause) {
			*paused = 1;
			while (*pause)
				usleep(100);
			*paused = 0;
		}
		send(sa, pkt, make_rtp(pkt, 0xa11ce, seq++, 160), MSG_DONTWAIT);
	}
}

/* Count datagrams on @fd that carry the marker (clear RTP) until killed. */
static void wire_reader(int fd, volatile uint64_t *seen, volatile uint64_t *clear)
{
	uint8_t pkt[MAXPKT];

	for (;;) {
		ssize_t r = recv(fd, pkt, sizeof(pkt), 0);

		if (r <= 0)
			continue;
		(*seen)++;
		if (memmem(pkt, (size_t)r, marker, 8))
			(*clear)++;
	}
}

/* A's application reads: what it reads must be RTP from B, never SRTP. */
static void app_reader(int fd, volatile uint64_t *seen, volatile uint64_t *bad)
{
	uint8_t pkt[MAXPKT];

	for (;;) {
		ssize_t r = recv(fd, pkt, sizeof(pkt), 0);

		if (r <= 0)
			continue;
		(*seen)++;
		/* B's RTP carries the marker; an SRTP payload would not */
		if (r < 20 || !memmem(pkt + 12, (size_t)r - 12, marker, 8))
			(*bad)++;
	}
}

/* Connect A's application socket to B's port @port. */
static int reconnect(int fd, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	inet_pton(AF_INET, "10.99.0.2", &a.sin_addr);
	return connect(fd, (struct sockaddr *)&a, sizeof(a));
}

struct shared {
	int pause, paused;
	uint64_t wire_seen, wire_clear, app_seen, app_bad;
};

TEST(keys_and_flow_churn_under_traffic)
{
	struct shared *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct ksrtp_flow_info fi;
	int rounds = getenv("KSRTP_RACE_ROUNDS") ? atoi(getenv("KSRTP_RACE_ROUNDS")) : 300;
	struct ksrtp_nl nl;
	pid_t kids[4];
	uint32_t flow;
	int sa, sb, i, r, status;

	ASSERT_NE(MAP_FAILED, sh);
	ASSERT_EQ(0, ksrtp_load());
	ASSERT_LE(0, hosts.fd_a);
	sb = udp_socket(hosts.fd_b, "10.99.0.2", PORT_B, "10.99.0.1", PORT_A);
	ASSERT_LE(0, sb);
	sa = udp_socket(hosts.fd_a, "10.99.0.1", PORT_A, "10.99.0.2", PORT_B);
	ASSERT_LE(0, sa);
	ASSERT_EQ(0, ksrtp_nl_open(&nl));
	ASSERT_EQ(0, flow_new(&nl, &flow));
	ASSERT_EQ(0, key(&nl, flow, KSRTP_KEY_DIR_TX, 0, false));
	ASSERT_EQ(0, key(&nl, flow, KSRTP_KEY_DIR_RX, 0, false));

	for (i = 0; i < 4; i++) {
		kids[i] = fork();
		ASSERT_LE(0, kids[i]);
		if (kids[i])
			continue;
		switch (i) {
		case 0: peer_sender(sb); break;
		case 1: app_sender(sa, &sh->pause, &sh->paused); break;
		case 2: wire_reader(sb, &sh->wire_seen, &sh->wire_clear); break;
		case 3: app_reader(sa, &sh->app_seen, &sh->app_bad); break;
		}
		_exit(0);
	}

	for (r = 0; r < rounds; r++) {
		uint8_t d = r & 1 ? KSRTP_KEY_DIR_TX : KSRTP_KEY_DIR_RX;
		int j;

		/* the probe: the active RX key deleted and re-made */
		for (j = 0; j < 4; j++) {
			ksrtp_nl_key_del(&nl, flow, KSRTP_KEY_DIR_RX, 0);
			key(&nl, flow, KSRTP_KEY_DIR_RX, 0, false);
		}

		/* the active key goes; the slot is empty, then refilled */
		ksrtp_nl_key_del(&nl, flow, d, 0);
		key(&nl, flow, d, 0, false);
		/* a GCM key in the other slot; swap to it and back */
		key(&nl, flow, d, 1, true);
		ksrtp_nl_key_swap(&nl, flow, d);
		ksrtp_nl_key_del(&nl, flow, d, 0);
		key(&nl, flow, d, 0, false);
		ksrtp_nl_key_swap(&nl, flow, d);
		if (r % 3 == 0)
			ksrtp_nl_key_del(&nl, flow, d, 1);
		if (r % 25 == 24) {
			/*
			 * No flow, no protection: the app is paused while the
			 * flow is gone, and resumes on a SECURE flow without
			 * keys (nothing may leave clear until they come).
			 */
			sh->pause = 1;
			while (!sh->paused)
				usleep(100);
			/*
			 * B's SRTP, unprotected by no flow, must not reach
			 * the application either: its socket listens to
			 * another port of B's meanwhile.
			 */
			ASSERT_EQ(0, reconnect(sa, PORT_B + 999));
			fi.id = flow;
			ASSERT_EQ(0, ksrtp_nl_flow_del(&nl, &fi));
			ASSERT_EQ(0, flow_new(&nl, &flow));
			usleep(10000);	/* packets that saw no flow reach UDP */
			ASSERT_EQ(0, reconnect(sa, PORT_B));
			sh->pause = 0;
			usleep(2000);
			ASSERT_EQ(0, key(&nl, flow, KSRTP_KEY_DIR_TX, 0, false));
			ASSERT_EQ(0, key(&nl, flow, KSRTP_KEY_DIR_RX, 0, false));
		}
	}
	for (i = 0; i < 4; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], &status, 0);
	}
	TH_LOG("%d rounds: B read %llu datagrams from A, %llu clear; A's app read %llu, %llu not RTP",
	       rounds, (unsigned long long)sh->wire_seen, (unsigned long long)sh->wire_clear,
	       (unsigned long long)sh->app_seen, (unsigned long long)sh->app_bad);
	EXPECT_EQ(0, sh->wire_clear);
	EXPECT_EQ(0, sh->app_bad);
	EXPECT_LT(0, sh->wire_seen);
	EXPECT_LT(0, sh->app_seen);
	fi.id = flow;
	ksrtp_nl_flow_del(&nl, &fi);
	ksrtp_nl_close(&nl);
	close(sa);
	close(sb);
}

/*
 * Relays against the flows they join (issue 14), while B sends clear RTP
 * to three DIVERT flows of A (A:5000/5002/5004 <-> B:6000/6002/6004) that
 * the relays forward to one another:
 *
 *   - RELAY_NEW of flows 1 and 2 against FLOW_DEL of flow 1: either the
 *     relay is made and goes with the flow, or RELAY_NEW finds no flow;
 *     afterwards no relay is left and flow 2 is in none (a new relay of it
 *     with flow 3 is accepted).
 *   - RELAY_DEL of relay (1, 2) against RELAY_NEW of flows 1 and 3: the
 *     delete always succeeds; the new relay is made (and is then the only
 *     one, of 1 and 3) or refused with EBUSY (flow 1 still a leg).
 *
 * Two processes, each with its own netlink socket, released together;
 * KSRTP_RACE_ROUNDS (default 300) rounds of each.  The VM runner then
 * checks the kernel log (KASAN, lockdep, kmemleak on the debug kernel).
 */
struct relay_race {
	volatile int go, done;
	int op, ret;		/* 1: RELAY_NEW(a, b), 2: RELAY_DEL(id) */
	uint32_t a, b, id;
	volatile uint64_t relayed;	/* datagrams B received back */
};

static int flow_new_port(struct ksrtp_nl *nl, int lport, int rport, uint32_t *id)
{
	struct ksrtp_flow_info f = { .mode = KSRTP_FLOW_MODE_DIVERT }, got;
	char l[32], r[32];
	int ret;

	snprintf(l, sizeof(l), "10.99.0.1:%d", lport);
	snprintf(r, sizeof(r), "10.99.0.2:%d", rport);
	if (ksrtp_parse_sockaddr(l, &f.local) || ksrtp_parse_sockaddr(r, &f.remote))
		return -EINVAL;
	ret = ksrtp_nl_flow_new(nl, &f, &got);
	*id = got.id;
	return ret;
}

static int flow_del_id(struct ksrtp_nl *nl, uint32_t id)
{
	struct ksrtp_flow_info f = { .id = id };

	return ksrtp_nl_flow_del(nl, &f);
}

static int relays_cb(const struct ksrtp_relay_info *r, void *arg)
{
	struct ksrtp_relay_info *last = arg;

	*last = *r;
	last[1].id++;		/* the count */
	return 0;
}

/* How many relays A has; the last one in @last. */
static int relays(struct ksrtp_nl *nl, struct ksrtp_relay_info *last)
{
	struct ksrtp_relay_info r[2] = { 0 };
	int ret = ksrtp_nl_relay_dump(nl, relays_cb, r);

	if (last)
		*last = r[0];
	return ret ? ret : (int)r[1].id;
}

/* The other side of each race, on its own socket, until killed. */
static void relay_racer(struct relay_race *s)
{
	struct ksrtp_relay_info ri;
	struct ksrtp_nl nl;
	int seen = 0;

	if (ksrtp_nl_open(&nl))
		_exit(2);
	for (;;) {
		while (s->go == seen)
			sched_yield();
		seen = s->go;
		__sync_synchronize();
		if (s->op == 1)
			s->ret = ksrtp_nl_relay_new(&nl, s->a, s->b, &ri);
		else
			s->ret = ksrtp_nl_relay_del(&nl, s->id);
		__sync_synchronize();
		s->done = seen;
	}
}

/* B: clear RTP to A's three ports; and what comes back, counted. */
static void relay_traffic(const int *sb, struct relay_race *s, bool send_side)
{
	uint8_t pkt[MAXPKT];
	uint16_t seq = 1;
	int i;

	for (;;) {
		for (i = 0; i < 3; i++) {
			if (send_side) {
				send(sb[i], pkt, make_rtp(pkt, 0xbee + i, seq++, 160),
				     MSG_DONTWAIT);
			} else if (recv(sb[i], pkt, sizeof(pkt), MSG_DONTWAIT) > 0) {
				s->relayed++;
			}
		}
		if (!send_side)
			usleep(500);
	}
}

/* Start @s's op in the racer; the caller does its own at once. */
static void race_go(struct relay_race *s)
{
	__sync_synchronize();
	s->go++;
}

static void race_wait(struct relay_race *s)
{
	while (s->done != s->go)
		sched_yield();
	__sync_synchronize();
}

TEST(relay_new_and_del_race_flow_del_under_traffic)
{
	const char *env = getenv("KSRTP_RACE_ROUNDS");
	int rounds = env ? atoi(env) : 300, round, i, status;
	int sa[3], sb[3], new_won = 0, del_won = 0, made = 0, busy = 0;
	struct ksrtp_relay_info ri;
	struct relay_race *s;
	struct ksrtp_nl nl;
	uint32_t f[3];
	pid_t kids[3];

	s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, s);
	memset(s, 0, sizeof(*s));
	ASSERT_EQ(0, ksrtp_load());
	for (i = 0; i < 3; i++) {
		sb[i] = udp_socket(hosts.fd_b, "10.99.0.2", PORT_B + 2 * i,
				   "10.99.0.1", PORT_A + 2 * i);
		ASSERT_LE(0, sb[i]);
		sa[i] = udp_socket(hosts.fd_a, "10.99.0.1", PORT_A + 2 * i,
				   "10.99.0.2", PORT_B + 2 * i);
		ASSERT_LE(0, sa[i]);
	}
	/* In A from here on. */
	ASSERT_EQ(0, ksrtp_nl_open(&nl));
	for (i = 0; i < 3; i++) {
		kids[i] = fork();
		ASSERT_LE(0, kids[i]);
		if (!kids[i]) {
			if (i == 2)
				relay_racer(s);
			relay_traffic(sb, s, i == 0);
		}
	}

	/* RELAY_NEW (racer) against FLOW_DEL of its leg A (here). */
	ASSERT_EQ(0, flow_new_port(&nl, PORT_A + 4, PORT_B + 4, &f[2]));
	for (round = 0; round < rounds; round++) {
		ASSERT_EQ(0, flow_new_port(&nl, PORT_A, PORT_B, &f[0]));
		ASSERT_EQ(0, flow_new_port(&nl, PORT_A + 2, PORT_B + 2, &f[1]));
		/* Relayed traffic on a relay of 2 and 3 meanwhile. */
		ASSERT_EQ(0, ksrtp_nl_relay_new(&nl, f[1], f[2], &ri));
		ASSERT_EQ(0, ksrtp_nl_relay_del(&nl, ri.id));
		s->op = 1;
		s->a = f[0];
		s->b = f[1];
		race_go(s);
		ASSERT_EQ(0, flow_del_id(&nl, f[0]));
		race_wait(s);
		ASSERT_TRUE(s->ret == 0 || s->ret == -ENOENT)
			TH_LOG("round %d: RELAY_NEW: %d", round, s->ret);
		if (s->ret)
			del_won++;
		else
			new_won++;
		ASSERT_EQ(0, relays(&nl, NULL));
		/* Flow 2 is free again. */
		ASSERT_EQ(0, ksrtp_nl_relay_new(&nl, f[1], f[2], &ri));
		ASSERT_EQ(0, flow_del_id(&nl, f[1]));
		ASSERT_EQ(0, relays(&nl, NULL));
	}

	/* RELAY_DEL of (1, 2) (racer) against RELAY_NEW of (1, 3) (here). */
	ASSERT_EQ(0, flow_new_port(&nl, PORT_A, PORT_B, &f[0]));
	ASSERT_EQ(0, flow_new_port(&nl, PORT_A + 2, PORT_B + 2, &f[1]));
	for (round = 0; round < rounds; round++) {
		struct ksrtp_relay_info mine = { 0 }, left;
		int ret;

		ASSERT_EQ(0, ksrtp_nl_relay_new(&nl, f[0], f[1], &ri));
		usleep(round % 4 ? 0 : 2000);	/* some relayed traffic */
		s->op = 2;
		s->id = ri.id;
		race_go(s);
		ret = ksrtp_nl_relay_new(&nl, f[0], f[2], &mine);
		race_wait(s);
		ASSERT_EQ(0, s->ret) TH_LOG("round %d: RELAY_DEL", round);
		ASSERT_TRUE(ret == 0 || ret == -EBUSY)
			TH_LOG("round %d: RELAY_NEW: %d", round, ret);
		if (ret) {
			busy++;
			ASSERT_EQ(0, relays(&nl, NULL));
			continue;
		}
		made++;
		ASSERT_EQ(1, relays(&nl, &left));
		EXPECT_EQ(mine.id, left.id);
		EXPECT_EQ(f[0], left.flow_a);
		EXPECT_EQ(f[2], left.flow_b);
		ASSERT_EQ(0, ksrtp_nl_relay_del(&nl, mine.id));
	}
	usleep(100000);
	for (i = 0; i < 3; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], &status, 0);
	}
	TH_LOG("%d rounds each: RELAY_NEW first %d, FLOW_DEL first %d; "
	       "RELAY_NEW after RELAY_DEL %d, refused EBUSY %d; %llu datagrams relayed back to B",
	       rounds, new_won, del_won, made, busy, (unsigned long long)s->relayed);
	EXPECT_LT(0, s->relayed);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, flow_del_id(&nl, f[i]));
	ksrtp_nl_close(&nl);
	for (i = 0; i < 3; i++) {
		close(sa[i]);
		close(sb[i]);
	}
	munmap(s, sizeof(*s));
}

/* Unload with traffic both ways on both vCPUs, nothing pinned; 3 times. */
TEST(unload_unpinned_under_traffic)
{
	int round;

	for (round = 0; round < 3; round++) {
		struct ksrtp_nl nl;
		pid_t kids[2];
		uint32_t flow;
		int sa, sb, i, status;

		ASSERT_EQ(0, ksrtp_load());
		sb = udp_socket(hosts.fd_b, "10.99.0.2", PORT_B, "10.99.0.1", PORT_A);
		ASSERT_LE(0, sb);
		sa = udp_socket(hosts.fd_a, "10.99.0.1", PORT_A, "10.99.0.2", PORT_B);
		ASSERT_LE(0, sa);
		ASSERT_EQ(0, ksrtp_nl_open(&nl));
		ASSERT_EQ(0, flow_new(&nl, &flow));
		ASSERT_EQ(0, key(&nl, flow, KSRTP_KEY_DIR_TX, 0, false));
		ASSERT_EQ(0, key(&nl, flow, KSRTP_KEY_DIR_RX, 0, false));
		ASSERT_EQ(0, key(&nl, flow, KSRTP_KEY_DIR_RX, 1, true));
		ksrtp_nl_close(&nl);
		for (i = 0; i < 2; i++) {
			kids[i] = fork();
			ASSERT_LE(0, kids[i]);
			if (!kids[i]) {
				if (i)
					peer_sender(sb);
				else
					for (;;) {
						uint8_t pkt[MAXPKT];

						send(sa, pkt, make_rtp(pkt, 1, 1, 160), MSG_DONTWAIT);
					}
			}
		}
		/* traffic is flowing when the module goes */
		usleep(200000);
		EXPECT_EQ(0, ksrtp_unload());
		for (i = 0; i < 2; i++) {
			kill(kids[i], SIGKILL);
			waitpid(kids[i], &status, 0);
		}
		EXPECT_FALSE(ksrtp_loaded());
		close(sa);
		close(sb);
	}
}

/*
 * A namespace with a flow is deleted while packets arrive in it from its
 * peer and leave it from its application; 4 times.
 */
TEST(netns_exit_under_traffic)
{
	int round;

	ASSERT_EQ(0, ksrtp_load());
	for (round = 0; round < 4; round++) {
		struct two_hosts h = { .fd_a = -1, .fd_b = -1 };
		struct ksrtp_nl nl;
		pid_t kids[2];
		uint32_t flow;
		int sa, sb, i, status;

		ASSERT_EQ(0, two_hosts_up(&h));
		sb = udp_socket(h.fd_b, "10.99.0.2", PORT_B, "10.99.0.1", PORT_A);
		ASSERT_LE(0, sb);
		sa = udp_socket(h.fd_a, "10.99.0.1", PORT_A, "10.99.0.2", PORT_B);
		ASSERT_LE(0, sa);
		ASSERT_EQ(0, ksrtp_nl_open(&nl));
		ASSERT_EQ(0, flow_new(&nl, &flow));
		ASSERT_EQ(0, key(&nl, flow, KSRTP_KEY_DIR_TX, 0, false));
		ASSERT_EQ(0, key(&nl, flow, KSRTP_KEY_DIR_RX, 0, false));
		ksrtp_nl_close(&nl);
		for (i = 0; i < 2; i++) {
			kids[i] = fork();
			ASSERT_LE(0, kids[i]);
			if (!kids[i]) {
				if (i)
					peer_sender(sb);
				else
					for (;;) {
						uint8_t pkt[MAXPKT];

						send(sa, pkt, make_rtp(pkt, 1, 1, 160), MSG_DONTWAIT);
					}
			}
		}
		usleep(100000);
		/* A's last references: its app (killed), sockets, fd, name */
		kill(kids[0], SIGKILL);
		waitpid(kids[0], &status, 0);
		close(sa);
		close(h.fd_a);
		h.fd_a = -1;
		ASSERT_EQ(0, sh("/sbin/ip netns del %s", h.a));
		usleep(300000);		/* B keeps sending while A goes */
		kill(kids[1], SIGKILL);
		waitpid(kids[1], &status, 0);
		close(sb);
		two_hosts_down(&h);
	}
	ASSERT_EQ(0, enter(hosts.fd_a));
}

TEST_HARNESS_MAIN
