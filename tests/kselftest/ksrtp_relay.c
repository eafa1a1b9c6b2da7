// SPDX-License-Identifier: GPL-2.0
/*
 * Gateway mode (issue 14): a relay joins two flows of the gateway's netns,
 * and media crosses it in the kernel, checked against libsrtp at both ends.
 *
 *   netns P (phone)            netns G (gateway, ksrtp)              netns X (pbx)
 *   10.98.1.1 fd98:1::1  vp -- vg1 10.98.1.2 fd98:1::2
 *                                  10.98.2.2 fd98:2::2 vg2 -- vx  10.98.2.1 fd98:2::1
 *
 *   phone :5000 <-> leg A  G:7000 (outside)  ==relay==  leg B  G:7002 (inside) <-> pbx :6000
 *
 * Leg A is SECURE under AEAD_AES_128_GCM or clear, leg B SECURE under
 * AES_CM_128_HMAC_SHA1_80 or clear: the four combinations, over IPv4 and
 * IPv6.  libsrtp in P and X plays the other end of each SECURE leg; what
 * one end sends the other must get byte for byte, the gateway's own
 * sockets (bound and connected to both legs' 4-tuples) nothing, and the
 * counters must say so.  Forged and replayed SRTP on a SECURE leg is
 * dropped, counted, never relayed; a packet the other leg's tag would push
 * past the MTU (1500 on both links) is dropped and counted; ICMP errors
 * coming back are counted on the leg they quote, and a lower path MTU they
 * carry is respected.  RELAY_NEW,
 * RELAY_DEL and RELAY_GET refuse what they must, with extack messages, and
 * only to CAP_NET_ADMIN.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/capability.h>
#include <linux/genetlink.h>
#include <netinet/in.h>
#include <sched.h>
#include <srtp2/srtp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include <linux/ksrtp.h>

#include "kselftest_harness.h"
#include "ksft_ksrtp.h"
#include "ksft_media.h"
#include "ksft_netns.h"
#include "ksrtp_nl.h"

enum { PORT_P = 5000, PORT_GA = 7000, PORT_GB = 7002, PORT_X = 6000,
       MAXPKT = 2048 };

/* The three hosts, made once per run (the harness forks every test). */
struct net3 {
	char p[32], g[32], x[32];
	int fd_p, fd_g, fd_x;
};
static struct net3 net3 = { .fd_p = -1, .fd_g = -1, .fd_x = -1 };
static pid_t net3_owner;

static int ns_fd(const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

static int net3_make(struct net3 *n)
{
	unsigned int r = (unsigned int)getpid() ^ (unsigned int)rand();

	snprintf(n->p, sizeof(n->p), "ksrp%x", r);
	snprintf(n->g, sizeof(n->g), "ksrg%x", r);
	snprintf(n->x, sizeof(n->x), "ksrx%x", r);
	if (sh("set -e; I=/sbin/ip; P=%s; G=%s; X=%s; "
	       "$I netns add $P; $I netns add $G; $I netns add $X; "
	       "$I link add vp netns $P type veth peer name vg1 netns $G; "
	       "$I link add vx netns $X type veth peer name vg2 netns $G; "
	       "$I -n $P addr add 10.98.1.1/24 dev vp; $I -n $P addr add fd98:1::1/64 dev vp nodad; "
	       "$I -n $G addr add 10.98.1.2/24 dev vg1; $I -n $G addr add fd98:1::2/64 dev vg1 nodad; "
	       "$I -n $G addr add 10.98.2.2/24 dev vg2; $I -n $G addr add fd98:2::2/64 dev vg2 nodad; "
	       "$I -n $X addr add 10.98.2.1/24 dev vx; $I -n $X addr add fd98:2::1/64 dev vx nodad; "
	       "for n in $P $G $X; do $I -n $n link set lo up; done; "
	       "$I -n $P link set vp up; $I -n $X link set vx up; "
	       "$I -n $G link set vg1 up; $I -n $G link set vg2 up",
	       n->p, n->g, n->x))
		return -1;
	n->fd_p = ns_fd(n->p);
	n->fd_g = ns_fd(n->g);
	n->fd_x = ns_fd(n->x);
	return n->fd_p < 0 || n->fd_g < 0 || n->fd_x < 0 ? -1 : 0;
}

static void net3_del(struct net3 *n)
{
	if (n->fd_p >= 0)
		close(n->fd_p);
	if (n->fd_g >= 0)
		close(n->fd_g);
	if (n->fd_x >= 0)
		close(n->fd_x);
	n->fd_p = n->fd_g = n->fd_x = -1;
	sh("/sbin/ip netns del %s 2>/dev/null; /sbin/ip netns del %s 2>/dev/null; "
	   "/sbin/ip netns del %s 2>/dev/null", n->p, n->g, n->x);
}

static void __attribute__((constructor)) net3_up(void)
{
	srand((unsigned int)getpid());
	net3_owner = getpid();
	if (net3_make(&net3))
		fprintf(stderr, "# could not create the namespaces\n");
}

static void __attribute__((destructor)) net3_down(void)
{
	if (getpid() == net3_owner)
		net3_del(&net3);
}

/* A UDP socket in @netns bound to @ip:@port and connected to @peer:@pport. */
static int udp_socket(int netns, bool v6, const char *ip, int port,
		      const char *peer, int pport)
{
	struct sockaddr_storage a, b;
	struct timeval tv = { .tv_sec = 3 };
	socklen_t len;
	int fd;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (v6) {
		struct sockaddr_in6 *s = (void *)&a, *d = (void *)&b;

		s->sin6_family = d->sin6_family = AF_INET6;
		s->sin6_port = htons(port);
		d->sin6_port = htons(pport);
		inet_pton(AF_INET6, ip, &s->sin6_addr);
		inet_pton(AF_INET6, peer, &d->sin6_addr);
		len = sizeof(*s);
	} else {
		struct sockaddr_in *s = (void *)&a, *d = (void *)&b;

		s->sin_family = d->sin_family = AF_INET;
		s->sin_port = htons(port);
		d->sin_port = htons(pport);
		inet_pton(AF_INET, ip, &s->sin_addr);
		inet_pton(AF_INET, peer, &d->sin_addr);
		len = sizeof(*s);
	}
	if (setns(netns, CLONE_NEWNET))
		return -1;
	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (bind(fd, (struct sockaddr *)&a, len) ||
	    connect(fd, (struct sockaddr *)&b, len)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * RELAY_* requests by hand (libmnl): the client library does not know the
 * relay yet.  Returns 0 or -errno (extack message in nl->err_msg, via
 * ksrtp_nl_send when no reply is wanted); on success *@id and, for GET,
 * the legs.
 */
struct relay_reply {
	uint32_t id, a, b;
	unsigned int n;		/* relays seen (dump) */
};

static int relay_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct relay_reply *r = arg;
	struct nlattr *top, *a;

	mnl_attr_for_each(top, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(top) != KSRTP_A_RELAY)
			continue;
		r->n++;
		mnl_attr_for_each_nested(a, top) {
			switch (mnl_attr_get_type(a)) {
			case KSRTP_A_RELAY_ID:
				r->id = mnl_attr_get_u32(a);
				break;
			case KSRTP_A_RELAY_FLOW_A:
				r->a = mnl_attr_get_u32(a);
				break;
			case KSRTP_A_RELAY_FLOW_B:
				r->b = mnl_attr_get_u32(a);
				break;
			}
		}
	}
	return MNL_CB_OK;
}

static int relay_talk(struct ksrtp_nl *nl, struct nlmsghdr *nlh,
		      struct relay_reply *out)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t seq = nlh->nlmsg_seq;
	int ret;

	memset(out, 0, sizeof(*out));
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ret = (int)mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (ret < 0)
			return -errno;
		ret = mnl_cb_run(buf, (size_t)ret, seq, nl->portid, relay_cb,
				 out);
		if (ret < 0)
			return -errno;
		if (ret == MNL_CB_STOP)
			return 0;
	}
}

/* Build a RELAY request: @id, @a, @b are put when not 0. */
static struct nlmsghdr *relay_msg(struct ksrtp_nl *nl, char *buf, uint8_t cmd,
				  uint16_t flags, uint32_t id, uint32_t a,
				  uint32_t b)
{
	struct nlmsghdr *nlh = ksrtp_nl_msg(nl, buf, cmd, flags);
	struct nlattr *nest = mnl_attr_nest_start(nlh, KSRTP_A_RELAY);

	if (id)
		mnl_attr_put_u32(nlh, KSRTP_A_RELAY_ID, id);
	if (a)
		mnl_attr_put_u32(nlh, KSRTP_A_RELAY_FLOW_A, a);
	if (b)
		mnl_attr_put_u32(nlh, KSRTP_A_RELAY_FLOW_B, b);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static int relay_new(struct ksrtp_nl *nl, uint32_t a, uint32_t b,
		     uint32_t *id)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct relay_reply r;
	int ret;

	ret = relay_talk(nl, relay_msg(nl, buf, KSRTP_CMD_RELAY_NEW, NLM_F_ACK,
				       0, a, b), &r);
	if (!ret && (r.n != 1 || r.a != a || r.b != b || !r.id))
		return -EPROTO;
	*id = r.id;
	return ret;
}

/* With the extack message kept in nl->err_msg. */
static int relay_send(struct ksrtp_nl *nl, uint8_t cmd, uint32_t id,
		      uint32_t a, uint32_t b)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	return ksrtp_nl_send(nl, relay_msg(nl, buf, cmd, NLM_F_ACK, id, a, b));
}

static int relay_get(struct ksrtp_nl *nl, uint32_t id, struct relay_reply *r)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	return relay_talk(nl, relay_msg(nl, buf, KSRTP_CMD_RELAY_GET, NLM_F_ACK,
					id, 0, 0), r);
}

/* How many relays the netns has (RELAY_GET dump). */
static int relay_count(struct ksrtp_nl *nl)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct relay_reply r;
	int ret;

	ret = relay_talk(nl, ksrtp_nl_msg(nl, buf, KSRTP_CMD_RELAY_GET,
					  NLM_F_DUMP), &r);
	return ret ? ret : (int)r.n;
}

static int make_flow(struct ksrtp_nl *nl, bool v6, const char *l4,
		     const char *l6, int lport, const char *r4,
		     const char *r6, int rport, uint8_t mode, uint32_t *id)
{
	struct ksrtp_flow_info f = { .mode = mode }, got;
	char l[64], r[64];
	int ret;

	if (v6) {
		snprintf(l, sizeof(l), "[%s]:%d", l6, lport);
		snprintf(r, sizeof(r), "[%s]:%d", r6, rport);
	} else {
		snprintf(l, sizeof(l), "%s:%d", l4, lport);
		snprintf(r, sizeof(r), "%s:%d", r4, rport);
	}
	if (ksrtp_parse_sockaddr(l, &f.local) ||
	    ksrtp_parse_sockaddr(r, &f.remote))
		return -EINVAL;
	ret = ksrtp_nl_flow_new(nl, &f, &got);
	*id = got.id;
	return ret;
}

/* The profile of each leg. */
static const struct leg_profile {
	uint16_t profile;
	int key_len, salt_len;
	void (*pol)(srtp_crypto_policy_t *p);
} out_prof = {
	KSRTP_PROFILE_AEAD_AES_128_GCM, 16, 12,
	srtp_crypto_policy_set_aes_gcm_128_16_auth,
}, in_prof = {
	KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_80, 16, 14,
	srtp_crypto_policy_set_rtp_default,
};

static int lsrtp(const struct leg_profile *lp, srtp_t *s, uint8_t *key,
		 bool inbound)
{
	srtp_policy_t pol;

	memset(&pol, 0, sizeof(pol));
	lp->pol(&pol.rtp);
	lp->pol(&pol.rtcp);
	pol.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
	pol.key = key;
	pol.window_size = 128;
	pol.allow_repeat_tx = 1;
	return srtp_create(s, &pol) == srtp_err_status_ok ? 0 : -1;
}

static int install(struct ksrtp_nl *nl, uint32_t flow, uint8_t dir,
		   const struct leg_profile *lp, const uint8_t *keysalt)
{
	struct ksrtp_key_req k = {
		.flow_id = flow, .dir = dir, .profile = lp->profile,
		.key_len = (uint8_t)lp->key_len,
		.salt_len = (uint8_t)lp->salt_len,
	};

	memcpy(k.key, keysalt, lp->key_len);
	memcpy(k.salt, keysalt + lp->key_len, lp->salt_len);
	return ksrtp_nl_key_new(nl, &k);
}

/* One end of the call: its socket, and libsrtp if its leg is SECURE. */
struct end {
	int fd;
	bool secure;
	srtp_t tx, rx;
};

FIXTURE(relay) {
	struct ksrtp_nl nl;		/* in G */
	struct end phone, pbx;
	int ga, gb;			/* the gateway's sockets on A and B */
	uint32_t a, b, relay;
	uint8_t k[4][30];		/* A TX, A RX, B TX, B RX: key||salt */
};

FIXTURE_VARIANT(relay) {
	const char *name;
	bool out_secure, in_secure, v6;
};

#define COMBO(vname, o, i, six)					\
	FIXTURE_VARIANT_ADD(relay, vname) {				\
		.name = #vname,						\
		.out_secure = o, .in_secure = i, .v6 = six,		\
	}
COMBO(srtp_to_rtp_v4, true, false, false);
COMBO(rtp_to_srtp_v4, false, true, false);
COMBO(srtp_to_srtp_v4, true, true, false);
COMBO(rtp_to_rtp_v4, false, false, false);
COMBO(srtp_to_rtp_v6, true, false, true);
COMBO(rtp_to_srtp_v6, false, true, true);
COMBO(srtp_to_srtp_v6, true, true, true);
COMBO(rtp_to_rtp_v6, false, false, true);

#define A4(v, a4, a6) ((v)->v6 ? (a6) : (a4))

FIXTURE_SETUP(relay)
{
	const FIXTURE_VARIANT(relay) *v = variant;
	unsigned int i;

	srand((unsigned int)getpid());
	/*
	 * KSRTP_RELAY_VARIANTS=a,b limits the run to those combinations (the
	 * others are reported as skipped); on the debug kernel (KASAN under
	 * TCG, ~10x slower) it defaults to two that cross both profiles and
	 * both families.
	 */
	const char *only = getenv("KSRTP_RELAY_VARIANTS");

	if (!only && getenv("KSRTP_DEBUG_KERNEL"))
		only = "srtp_to_srtp_v4,rtp_to_srtp_v6";
	if (only && strcmp(only, "all") && !strstr(only, variant->name))
		/* 6.1's harness runs the body after a setup SKIP that returns. */
		SKIP(longjmp(_metadata->env, 1),
		     "combination %s not in KSRTP_RELAY_VARIANTS", variant->name);
	ASSERT_EQ(0, ksrtp_load());
	ASSERT_EQ(srtp_err_status_ok, srtp_init());
	ASSERT_LE(0, net3.fd_g);
	for (i = 0; i < 4; i++)
		rnd(self->k[i], sizeof(self->k[i]));

	self->phone.fd = udp_socket(net3.fd_p, v->v6, A4(v, "10.98.1.1", "fd98:1::1"),
				    PORT_P, A4(v, "10.98.1.2", "fd98:1::2"), PORT_GA);
	ASSERT_LE(0, self->phone.fd);
	self->pbx.fd = udp_socket(net3.fd_x, v->v6, A4(v, "10.98.2.1", "fd98:2::1"),
				  PORT_X, A4(v, "10.98.2.2", "fd98:2::2"), PORT_GB);
	ASSERT_LE(0, self->pbx.fd);
	self->ga = udp_socket(net3.fd_g, v->v6, A4(v, "10.98.1.2", "fd98:1::2"),
			      PORT_GA, A4(v, "10.98.1.1", "fd98:1::1"), PORT_P);
	ASSERT_LE(0, self->ga);
	self->gb = udp_socket(net3.fd_g, v->v6, A4(v, "10.98.2.2", "fd98:2::2"),
			      PORT_GB, A4(v, "10.98.2.1", "fd98:2::1"), PORT_X);
	ASSERT_LE(0, self->gb);

	/* In G from here on. */
	ASSERT_EQ(0, ksrtp_nl_open(&self->nl));
	ASSERT_EQ(0, make_flow(&self->nl, v->v6, "10.98.1.2", "fd98:1::2",
			       PORT_GA, "10.98.1.1", "fd98:1::1", PORT_P,
			       v->out_secure ? KSRTP_FLOW_MODE_SECURE :
					       KSRTP_FLOW_MODE_DIVERT, &self->a));
	ASSERT_EQ(0, make_flow(&self->nl, v->v6, "10.98.2.2", "fd98:2::2",
			       PORT_GB, "10.98.2.1", "fd98:2::1", PORT_X,
			       v->in_secure ? KSRTP_FLOW_MODE_SECURE :
					      KSRTP_FLOW_MODE_DIVERT, &self->b));
	self->phone.secure = v->out_secure;
	self->pbx.secure = v->in_secure;
	if (v->out_secure) {
		ASSERT_EQ(0, install(&self->nl, self->a, KSRTP_KEY_DIR_TX,
				     &out_prof, self->k[0]));
		ASSERT_EQ(0, install(&self->nl, self->a, KSRTP_KEY_DIR_RX,
				     &out_prof, self->k[1]));
		ASSERT_EQ(0, lsrtp(&out_prof, &self->phone.rx, self->k[0], true));
		ASSERT_EQ(0, lsrtp(&out_prof, &self->phone.tx, self->k[1], false));
	}
	if (v->in_secure) {
		ASSERT_EQ(0, install(&self->nl, self->b, KSRTP_KEY_DIR_TX,
				     &in_prof, self->k[2]));
		ASSERT_EQ(0, install(&self->nl, self->b, KSRTP_KEY_DIR_RX,
				     &in_prof, self->k[3]));
		ASSERT_EQ(0, lsrtp(&in_prof, &self->pbx.rx, self->k[2], true));
		ASSERT_EQ(0, lsrtp(&in_prof, &self->pbx.tx, self->k[3], false));
	}
	ASSERT_EQ(0, relay_new(&self->nl, self->a, self->b, &self->relay))
		TH_LOG("RELAY_NEW: %s", self->nl.err_msg);
}

FIXTURE_TEARDOWN(relay)
{
	struct ksrtp_flow_info f = { .id = self->a };

	ksrtp_nl_flow_del(&self->nl, &f);
	f.id = self->b;
	ksrtp_nl_flow_del(&self->nl, &f);
	ksrtp_nl_close(&self->nl);
	close(self->phone.fd);
	close(self->pbx.fd);
	close(self->ga);
	close(self->gb);
}

/* Send @pkt from @e, protected by libsrtp if its leg is SECURE. */
static int end_send(struct end *e, const uint8_t *pkt, size_t n, bool rtcp,
		    uint8_t *wire, int *wlen)
{
	int len = (int)n;
	srtp_err_status_t st = srtp_err_status_ok;

	memcpy(wire, pkt, n);
	if (e->secure)
		st = rtcp ? srtp_protect_rtcp(e->tx, wire, &len) :
			    srtp_protect(e->tx, wire, &len);
	if (st != srtp_err_status_ok)
		return -1;
	*wlen = len;
	return send(e->fd, wire, (size_t)len, 0) == len ? 0 : -1;
}

/* Receive at @e into @got, unprotected by libsrtp if SECURE; length or -1. */
static int end_recv(struct end *e, uint8_t *got, bool rtcp)
{
	ssize_t r = recv(e->fd, got, MAXPKT, 0);
	int len = (int)r;
	srtp_err_status_t st = srtp_err_status_ok;

	if (r < 0)
		return -1;
	if (e->secure)
		st = rtcp ? srtp_unprotect_rtcp(e->rx, got, &len) :
			    srtp_unprotect(e->rx, got, &len);
	return st == srtp_err_status_ok ? len : -2;
}

/*
 * Both ways, RTP and RTCP: each end gets exactly what the other sent, the
 * gateway's sockets nothing, and the counters of both legs agree.
 */
TEST_F(relay, both_ways)
{
	uint8_t pkt[MAXPKT], wire[MAXPKT], got[MAXPKT];
	uint64_t bytes[2] = { 0, 0 };
	uint16_t seq[2] = { (uint16_t)rand(), (uint16_t)rand() };
	unsigned int i, d, np = 40;
	int wlen, r;

	for (i = 0; i < np; i++) {
		for (d = 0; d < 2; d++) {
			struct end *from = d ? &self->pbx : &self->phone;
			struct end *to = d ? &self->phone : &self->pbx;
			bool rtcp = i % 5 == 4;
			size_t n = rtcp ? make_rtcp(pkt, 0x100 + d, rand() % 40) :
				   make_rtp(pkt, 0x100 + d, seq[d]++,
					    (size_t)(rand() % 1200));

			ASSERT_EQ(0, end_send(from, pkt, n, rtcp, wire, &wlen));
			r = end_recv(to, got, rtcp);
			ASSERT_EQ((int)n, r)
				TH_LOG("packet %u %s: got %d", i,
				       d ? "pbx->phone" : "phone->pbx", r);
			ASSERT_EQ(0, memcmp(pkt, got, n));
			bytes[d] += n;
		}
	}
	EXPECT_TRUE(nothing_waiting(self->ga));
	EXPECT_TRUE(nothing_waiting(self->gb));
	EXPECT_EQ(np, stat(&self->nl, self->a, KSRTP_A_STATS_RELAY_PACKETS));
	EXPECT_EQ(np, stat(&self->nl, self->b, KSRTP_A_STATS_RELAY_PACKETS));
	EXPECT_EQ(bytes[0], stat(&self->nl, self->a, KSRTP_A_STATS_RELAY_BYTES));
	EXPECT_EQ(bytes[1], stat(&self->nl, self->b, KSRTP_A_STATS_RELAY_BYTES));
	EXPECT_EQ(0, stat(&self->nl, self->a, KSRTP_A_STATS_RELAY_ERRORS));
	EXPECT_EQ(0, stat(&self->nl, self->b, KSRTP_A_STATS_RELAY_ERRORS));
	/* A SECURE leg unprotected what came in and protected what went out. */
	EXPECT_EQ(variant->out_secure ? np : 0,
		  stat(&self->nl, self->a, KSRTP_A_STATS_RX_PACKETS));
	EXPECT_EQ(variant->out_secure ? np : 0,
		  stat(&self->nl, self->a, KSRTP_A_STATS_TX_PACKETS));
	EXPECT_EQ(variant->in_secure ? np : 0,
		  stat(&self->nl, self->b, KSRTP_A_STATS_RX_PACKETS));
	EXPECT_EQ(variant->in_secure ? np : 0,
		  stat(&self->nl, self->b, KSRTP_A_STATS_TX_PACKETS));
}

/*
 * Forged and replayed SRTP on a SECURE leg: dropped, counted, never
 * relayed (the next good packet is the first the other end reads).
 */
TEST_F(relay, forged_and_replayed_not_relayed)
{
	struct end *from = variant->out_secure ? &self->phone : &self->pbx;
	struct end *to = variant->out_secure ? &self->pbx : &self->phone;
	uint32_t leg = variant->out_secure ? self->a : self->b;
	uint8_t pkt[MAXPKT], wire[MAXPKT], keep[MAXPKT], got[MAXPKT];
	int wlen, klen;
	size_t n;

	if (!variant->out_secure && !variant->in_secure)
		SKIP(return, "no SECURE leg");
	n = make_rtp(pkt, 0x77, 1000, 100);
	ASSERT_EQ(0, end_send(from, pkt, n, false, keep, &klen));
	ASSERT_EQ((int)n, end_recv(to, got, false));
	/* The same bytes again: a replay. */
	ASSERT_EQ(klen, send(from->fd, keep, (size_t)klen, 0));
	/* A forged one: last byte of the tag flipped. */
	n = make_rtp(pkt, 0x77, 1001, 100);
	memcpy(wire, pkt, n);
	wlen = (int)n;
	ASSERT_EQ(srtp_err_status_ok, srtp_protect(from->tx, wire, &wlen));
	wire[wlen - 1] ^= 0x01;
	ASSERT_EQ(wlen, send(from->fd, wire, (size_t)wlen, 0));
	/* A good one: the first the other end must see. */
	n = make_rtp(pkt, 0x77, 1002, 100);
	ASSERT_EQ(0, end_send(from, pkt, n, false, wire, &wlen));
	ASSERT_EQ((int)n, end_recv(to, got, false));
	ASSERT_EQ(0, memcmp(pkt, got, n));
	EXPECT_TRUE(nothing_waiting(to->fd));
	EXPECT_EQ(1, stat(&self->nl, leg, KSRTP_A_STATS_RX_REPLAY));
	EXPECT_EQ(1, stat(&self->nl, leg, KSRTP_A_STATS_RX_AUTH_FAIL));
	EXPECT_EQ(2, stat(&self->nl, leg, KSRTP_A_STATS_RELAY_PACKETS));
	EXPECT_TRUE(nothing_waiting(self->ga));
	EXPECT_TRUE(nothing_waiting(self->gb));
}

/*
 * A datagram that fits the link it came on but not, with the other leg's
 * tag, the link it leaves on (MTU 1500 both): dropped and counted on the
 * leg it came in on, not fragmented.
 */
TEST_F(relay, mtu_respected)
{
	/* Towards the SECURE leg: the tag is what does not fit. */
	bool to_out = variant->out_secure;
	struct end *from = to_out ? &self->pbx : &self->phone;
	struct end *to = to_out ? &self->phone : &self->pbx;
	uint32_t leg = to_out ? self->b : self->a;
	size_t max = 1500 - (variant->v6 ? 40 : 20) - 8;
	uint8_t pkt[MAXPKT], wire[MAXPKT], got[MAXPKT];
	int wlen;
	size_t n;

	if (!variant->out_secure && !variant->in_secure)
		SKIP(return, "no SECURE leg");
	if (from->secure)
		max -= 10;	/* the incoming leg's own HMAC-80 tag */
	/* Fits both ways without the tag: relayed. */
	n = make_rtp(pkt, 0x99, 1, max - 16 - 12);
	ASSERT_EQ(0, end_send(from, pkt, n, false, wire, &wlen));
	ASSERT_EQ((int)n, end_recv(to, got, false));
	/* Full size in: the tag would take it past 1500 out. */
	n = make_rtp(pkt, 0x99, 2, max - 12);
	ASSERT_EQ(0, end_send(from, pkt, n, false, wire, &wlen));
	ASSERT_EQ((int)(max + (from->secure ? 10 : 0)), wlen);
	n = make_rtp(pkt, 0x99, 3, 50);
	ASSERT_EQ(0, end_send(from, pkt, n, false, wire, &wlen));
	ASSERT_EQ((int)n, end_recv(to, got, false));
	ASSERT_EQ(0, memcmp(pkt, got, n));
	EXPECT_EQ(1, stat(&self->nl, leg, KSRTP_A_STATS_RELAY_MTU_DROPPED));
	EXPECT_EQ(2, stat(&self->nl, leg, KSRTP_A_STATS_RELAY_PACKETS));
	EXPECT_TRUE(nothing_waiting(self->ga));
	EXPECT_TRUE(nothing_waiting(self->gb));
}

/*
 * RELAY_DEL: the flows stay and deliver to the gateway's sockets again
 * (what the relay took from them); FLOW_DEL of a leg deletes its relay.
 */
TEST_F(relay, del_relay_then_flow)
{
	uint8_t pkt[MAXPKT], wire[MAXPKT], got[MAXPKT];
	struct ksrtp_flow_info f = { .id = self->a };
	struct relay_reply r;
	uint32_t id;
	int wlen;
	size_t n;

	ASSERT_EQ(0, relay_get(&self->nl, self->relay, &r));
	EXPECT_EQ(self->a, r.a);
	EXPECT_EQ(self->b, r.b);
	EXPECT_EQ(1, relay_count(&self->nl));
	ASSERT_EQ(0, relay_send(&self->nl, KSRTP_CMD_RELAY_DEL, self->relay, 0, 0));
	EXPECT_EQ(0, relay_count(&self->nl));
	EXPECT_EQ(-ENOENT, relay_get(&self->nl, self->relay, &r));

	n = make_rtp(pkt, 0x55, 7, 80);
	ASSERT_EQ(0, end_send(&self->phone, pkt, n, false, wire, &wlen));
	ASSERT_EQ((ssize_t)n, recv(self->ga, got, sizeof(got), 0));
	ASSERT_EQ(0, memcmp(pkt, got, n));
	EXPECT_TRUE(nothing_waiting(self->pbx.fd));

	/* A new relay, and its leg A deleted: the relay goes with it. */
	ASSERT_EQ(0, relay_new(&self->nl, self->a, self->b, &id));
	ASSERT_EQ(0, ksrtp_nl_flow_del(&self->nl, &f));
	EXPECT_EQ(0, relay_count(&self->nl));
	EXPECT_EQ(-ENOENT, relay_get(&self->nl, id, &r));
	n = make_rtp(pkt, 0x56, 8, 80);
	ASSERT_EQ(0, end_send(&self->pbx, pkt, n, false, wire, &wlen));
	ASSERT_EQ((ssize_t)n, recv(self->gb, got, sizeof(got), 0));
	ASSERT_EQ(0, memcmp(pkt, got, n));
	EXPECT_TRUE(nothing_waiting(self->phone.fd));
}

/* A packet that arrives with TTL 1 (hop limit 1) is not relayed. */
TEST_F(relay, ttl_decremented)
{
	uint8_t pkt[MAXPKT], wire[MAXPKT], got[MAXPKT];
	char cbuf[256];
	struct iovec iov = { got, sizeof(got) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	int one = 1, ttl = 1, seen = -1, wlen;
	size_t n;

	if (variant->v6) {
		ASSERT_EQ(0, setsockopt(self->pbx.fd, IPPROTO_IPV6,
					IPV6_RECVHOPLIMIT, &one, sizeof(one)));
	} else {
		ASSERT_EQ(0, setsockopt(self->pbx.fd, IPPROTO_IP, IP_RECVTTL,
					&one, sizeof(one)));
	}
	n = make_rtp(pkt, 0x66, 1, 60);
	ASSERT_EQ(0, end_send(&self->phone, pkt, n, false, wire, &wlen));
	ASSERT_LE(0, recvmsg(self->pbx.fd, &m, 0));
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
		if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
		    (c->cmsg_level == IPPROTO_IPV6 &&
		     c->cmsg_type == IPV6_HOPLIMIT))
			memcpy(&seen, CMSG_DATA(c), sizeof(seen));
	/* The phone sent with the default 64; one hop through the relay. */
	EXPECT_EQ(63, seen);

	if (variant->v6) {
		ASSERT_EQ(0, setsockopt(self->phone.fd, IPPROTO_IPV6,
					IPV6_UNICAST_HOPS, &ttl, sizeof(ttl)));
	} else {
		ASSERT_EQ(0, setsockopt(self->phone.fd, IPPROTO_IP, IP_TTL,
					&ttl, sizeof(ttl)));
	}
	n = make_rtp(pkt, 0x66, 2, 60);
	ASSERT_EQ(0, end_send(&self->phone, pkt, n, false, wire, &wlen));
	usleep(200000);
	EXPECT_TRUE(nothing_waiting(self->pbx.fd));
	EXPECT_EQ(1, stat(&self->nl, self->a, KSRTP_A_STATS_RELAY_TTL_DROPPED));
	EXPECT_EQ(1, stat(&self->nl, self->a, KSRTP_A_STATS_RELAY_PACKETS));
}

/* Ones' complement sum of @n bytes (RFC 1071), folded and inverted. */
static uint16_t inet_csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)(p[n - 1] << 8);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

enum { ICMP4_UNREACH = 3, ICMP4_PORT = 3, ICMP4_FRAG = 4, ICMP6_UNREACH = 1,
       ICMP6_PORT = 4, ICMP6_PTB = 2, ICMP6_ECHO_REPLY = 129 };

/*
 * Forge, from the pbx's netns X with a raw socket, an ICMP(v6) error to
 * the gateway quoting a UDP datagram G:@gport -> pbx:PORT_X (what leg B
 * sends), with @mtu in the second word; @bad_csum spoils the IPv4 checksum
 * (for ICMPv6 the kernel always computes it).  The caller is in G.
 */
static int forge_icmp(bool v6, uint8_t type, uint8_t code, uint32_t mtu,
		      int gport, bool bad_csum)
{
	uint8_t m[8 + 40 + 8 + 100];
	size_t qlen = v6 ? 40 : 20, n = 8 + qlen + 8 + 100;
	uint8_t *q = m + 8, *u = q + qlen;
	struct sockaddr_storage to;
	socklen_t tlen;
	uint16_t c;
	int fd, ret;

	memset(m, 0, sizeof(m));
	memset(&to, 0, sizeof(to));
	m[0] = type;
	m[1] = code;
	if (v6) {
		struct sockaddr_in6 *s6 = (void *)&to;

		m[4] = mtu >> 24; m[5] = mtu >> 16; m[6] = mtu >> 8; m[7] = mtu;
		q[0] = 0x60;
		q[4] = 0; q[5] = 108;		/* payload length: UDP 8 + 100 */
		q[6] = IPPROTO_UDP;
		q[7] = 63;
		inet_pton(AF_INET6, "fd98:2::2", q + 8);
		inet_pton(AF_INET6, "fd98:2::1", q + 24);
		s6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, "fd98:2::2", &s6->sin6_addr);
		tlen = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (void *)&to;

		m[6] = mtu >> 8; m[7] = mtu;
		q[0] = 0x45;
		q[3] = 128;			/* total length: 20 + 8 + 100 */
		q[6] = 0x40;			/* DF */
		q[8] = 63;
		q[9] = IPPROTO_UDP;
		inet_pton(AF_INET, "10.98.2.2", q + 12);
		inet_pton(AF_INET, "10.98.2.1", q + 16);
		c = inet_csum(q, 20);
		q[10] = c >> 8; q[11] = c;
		s4->sin_family = AF_INET;
		inet_pton(AF_INET, "10.98.2.2", &s4->sin_addr);
		tlen = sizeof(*s4);
	}
	u[0] = gport >> 8; u[1] = gport & 0xff;
	u[2] = PORT_X >> 8; u[3] = PORT_X & 0xff;
	u[5] = 108;
	if (!v6) {
		c = inet_csum(m, n);
		m[2] = c >> 8; m[3] = (uint8_t)(c ^ (bad_csum ? 0x5a : 0));
	}
	if (setns(net3.fd_x, CLONE_NEWNET))
		return -1;
	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW,
		    v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	ret = fd >= 0 && sendto(fd, m, n, 0, (struct sockaddr *)&to, tlen) ==
			 (ssize_t)n ? 0 : -1;
	if (fd >= 0)
		close(fd);
	if (setns(net3.fd_g, CLONE_NEWNET))
		return -1;
	return ret;
}

/* @which of @flow once it reaches @want, or what it is after 2 s. */
static uint64_t stat_wait(struct ksrtp_nl *nl, uint32_t flow,
			  unsigned int which, uint64_t want)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 100; i++) {
		v = stat(nl, flow, which);
		if (v == want)
			break;
		usleep(20000);
	}
	return v;
}

/*
 * ICMP errors from the far side, counted on the leg whose datagram they
 * quote (B, towards the pbx), never on A: a port unreachable from the
 * pbx's kernel, and a forged "fragmentation needed" / Packet Too Big whose
 * MTU (1300) the relay then respects, through its cached route (looked up
 * and cached by the first packet, invalidated by the PMTU exception).  The
 * gateway's socket on B is closed first: over IPv6 only ksrtp updates the
 * route then.  A corrupted error, an error quoting another 4-tuple and a
 * non-error are not counted.
 */
TEST_F(relay, icmp_errors_counted)
{
	bool v6 = variant->v6;
	uint8_t pkt[MAXPKT], wire[MAXPKT], got[MAXPKT];
	uint8_t unreach = v6 ? ICMP6_UNREACH : ICMP4_UNREACH;
	uint8_t port = v6 ? ICMP6_PORT : ICMP4_PORT;
	int wlen;
	size_t n;

	n = make_rtp(pkt, 0x44, 1, 1360);
	ASSERT_EQ(0, end_send(&self->phone, pkt, n, false, wire, &wlen));
	ASSERT_EQ((int)n, end_recv(&self->pbx, got, false));
	close(self->gb);
	self->gb = -1;

	/* Not counted: another 4-tuple, not an error, a bad checksum. */
	ASSERT_EQ(0, forge_icmp(v6, unreach, port, 0, PORT_GB + 1, false));
	if (v6) {
		ASSERT_EQ(0, forge_icmp(v6, ICMP6_ECHO_REPLY, 0, 0, PORT_GB, false));
	} else {
		ASSERT_EQ(0, forge_icmp(v6, ICMP4_UNREACH, ICMP4_FRAG, 1300,
					PORT_GB, true));
	}
	usleep(200000);
	EXPECT_EQ(0, stat(&self->nl, self->b, KSRTP_A_STATS_ICMP_ERRORS));
	EXPECT_EQ(0, stat(&self->nl, self->a, KSRTP_A_STATS_ICMP_ERRORS));
	n = make_rtp(pkt, 0x44, 2, 1360);
	ASSERT_EQ(0, end_send(&self->phone, pkt, n, false, wire, &wlen));
	ASSERT_EQ((int)n, end_recv(&self->pbx, got, false));

	/* Path MTU 1300 towards the pbx: counted, and respected. */
	ASSERT_EQ(0, forge_icmp(v6, v6 ? ICMP6_PTB : ICMP4_UNREACH,
				v6 ? 0 : ICMP4_FRAG, 1300, PORT_GB, false));
	EXPECT_EQ(1, stat_wait(&self->nl, self->b, KSRTP_A_STATS_ICMP_ERRORS, 1));
	n = make_rtp(pkt, 0x44, 3, 1360);
	ASSERT_EQ(0, end_send(&self->phone, pkt, n, false, wire, &wlen));
	n = make_rtp(pkt, 0x44, 4, 1200);
	ASSERT_EQ(0, end_send(&self->phone, pkt, n, false, wire, &wlen));
	ASSERT_EQ((int)n, end_recv(&self->pbx, got, false));
	ASSERT_EQ(0, memcmp(pkt, got, n));
	EXPECT_EQ(1, stat(&self->nl, self->a, KSRTP_A_STATS_RELAY_MTU_DROPPED));
	/*
	 * The link's MTU down and up again takes the path MTU back to 1500
	 * (the exception would outlive the test by 10 minutes in this netns):
	 * the relay's cached route sees it.
	 */
	ASSERT_EQ(0, sh("/sbin/ip -n %s link set vg2 mtu 1300 && "
			"/sbin/ip -n %s link set vg2 mtu 1500", net3.g, net3.g));
	n = make_rtp(pkt, 0x44, 5, 1360);
	ASSERT_EQ(0, end_send(&self->phone, pkt, n, false, wire, &wlen));
	ASSERT_EQ((int)n, end_recv(&self->pbx, got, false));

	/* The pbx's socket gone: its kernel answers port unreachable. */
	close(self->pbx.fd);
	self->pbx.fd = -1;
	n = make_rtp(pkt, 0x44, 6, 60);
	ASSERT_EQ(0, end_send(&self->phone, pkt, n, false, wire, &wlen));
	EXPECT_EQ(2, stat_wait(&self->nl, self->b, KSRTP_A_STATS_ICMP_ERRORS, 2));
	EXPECT_EQ(5, stat(&self->nl, self->a, KSRTP_A_STATS_RELAY_PACKETS));
	EXPECT_EQ(0, stat(&self->nl, self->a, KSRTP_A_STATS_ICMP_ERRORS));
}

/* RELAY_NEW/DEL/GET: every refusal with its errno and extack message. */
TEST(relay_netlink_refusals)
{
	struct ksrtp_nl nl;
	uint32_t f[3], id, id2;
	struct relay_reply r;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	unsigned int i;

	ASSERT_EQ(0, ksrtp_load());
	ASSERT_LE(0, net3.fd_g);
	ASSERT_EQ(0, setns(net3.fd_g, CLONE_NEWNET));
	ASSERT_EQ(0, ksrtp_nl_open(&nl));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, make_flow(&nl, false, "10.98.1.2", NULL, 8000 + i,
				       "10.98.1.1", NULL, 9000,
				       KSRTP_FLOW_MODE_DIVERT, &f[i]));

#define REFUSE(err, text, call) do {					\
		EXPECT_EQ(err, (call));					\
		EXPECT_NE(NULL, strstr(nl.err_msg, text))		\
			TH_LOG("extack: \"%s\"", nl.err_msg);		\
	} while (0)

	nlh = ksrtp_nl_msg(&nl, buf, KSRTP_CMD_RELAY_NEW, NLM_F_ACK);
	REFUSE(-EINVAL, "missing relay", ksrtp_nl_send(&nl, nlh));
	REFUSE(-EINVAL, "missing leg A",
	       relay_send(&nl, KSRTP_CMD_RELAY_NEW, 0, 0, f[1]));
	REFUSE(-EINVAL, "missing leg B",
	       relay_send(&nl, KSRTP_CMD_RELAY_NEW, 0, f[0], 0));
	REFUSE(-ENOENT, "no flow with this id",
	       relay_send(&nl, KSRTP_CMD_RELAY_NEW, 0, f[0], 0x7fffffff));
	REFUSE(-EINVAL, "same flow",
	       relay_send(&nl, KSRTP_CMD_RELAY_NEW, 0, f[0], f[0]));
	REFUSE(-EINVAL, "assigned by the kernel",
	       relay_send(&nl, KSRTP_CMD_RELAY_NEW, 5, f[0], f[1]));
	/* Strict policy: an attribute the nest does not have. */
	nlh = ksrtp_nl_msg(&nl, buf, KSRTP_CMD_RELAY_NEW, NLM_F_ACK);
	nest = mnl_attr_nest_start(nlh, KSRTP_A_RELAY);
	mnl_attr_put_u32(nlh, KSRTP_A_RELAY_FLOW_A, f[0]);
	mnl_attr_put_u32(nlh, KSRTP_A_RELAY_FLOW_B, f[1]);
	mnl_attr_put_u32(nlh, KSRTP_A_RELAY_MAX + 1, 1);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_EQ(-EINVAL, ksrtp_nl_send(&nl, nlh));
	/* Flow id 0: below the policy's minimum. */
	nlh = ksrtp_nl_msg(&nl, buf, KSRTP_CMD_RELAY_NEW, NLM_F_ACK);
	nest = mnl_attr_nest_start(nlh, KSRTP_A_RELAY);
	mnl_attr_put_u32(nlh, KSRTP_A_RELAY_FLOW_A, 0);
	mnl_attr_put_u32(nlh, KSRTP_A_RELAY_FLOW_B, f[1]);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_GT(0, ksrtp_nl_send(&nl, nlh));
	EXPECT_EQ(0, relay_count(&nl));

	ASSERT_EQ(0, relay_new(&nl, f[0], f[1], &id));
	REFUSE(-EBUSY, "already a leg",
	       relay_send(&nl, KSRTP_CMD_RELAY_NEW, 0, f[2], f[1]));
	REFUSE(-EBUSY, "already a leg",
	       relay_send(&nl, KSRTP_CMD_RELAY_NEW, 0, f[0], f[2]));
	REFUSE(-EBUSY, "already a leg",
	       relay_send(&nl, KSRTP_CMD_RELAY_NEW, 0, f[1], f[0]));
	REFUSE(-ENOENT, "no relay with this id",
	       relay_send(&nl, KSRTP_CMD_RELAY_DEL, id + 1000, 0, 0));
	REFUSE(-EINVAL, "missing relay id",
	       relay_send(&nl, KSRTP_CMD_RELAY_DEL, 0, 0, 0));
	REFUSE(-ENOENT, "no relay with this id",
	       relay_send(&nl, KSRTP_CMD_RELAY_GET, id + 1000, 0, 0));
	EXPECT_EQ(1, relay_count(&nl));
	ASSERT_EQ(0, relay_get(&nl, id, &r));
	EXPECT_EQ(f[0], r.a);
	EXPECT_EQ(f[1], r.b);

	/* CAP_NET_ADMIN: a process without it reaches none of the three. */
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct d[2] = { { 0 } };
		struct ksrtp_nl unpriv;
		int bad = 0;

		if (syscall(SYS_capset, &h, d) || ksrtp_nl_open(&unpriv))
			_exit(100);
		bad += relay_send(&unpriv, KSRTP_CMD_RELAY_NEW, 0, f[2], f[1]) != -EPERM;
		bad += relay_send(&unpriv, KSRTP_CMD_RELAY_DEL, id, 0, 0) != -EPERM;
		bad += relay_send(&unpriv, KSRTP_CMD_RELAY_GET, id, 0, 0) != -EPERM;
		bad += relay_count(&unpriv) != -EPERM;
		_exit(bad);
	}
	int status;

	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("unprivileged child: status %d", status);
	/* The relay is still there. */
	EXPECT_EQ(0, relay_get(&nl, id, &r));

	/* After RELAY_DEL its flows may be joined again. */
	ASSERT_EQ(0, relay_send(&nl, KSRTP_CMD_RELAY_DEL, id, 0, 0));
	ASSERT_EQ(0, relay_new(&nl, f[1], f[2], &id2));
	EXPECT_NE(id, id2);
	for (i = 0; i < 3; i++) {
		struct ksrtp_flow_info fi = { .id = f[i] };

		EXPECT_EQ(0, ksrtp_nl_flow_del(&nl, &fi));
	}
	EXPECT_EQ(0, relay_count(&nl));
	ksrtp_nl_close(&nl);
#undef REFUSE
}

/*
 * Both ends flood a relay of two clear legs (RTP->RTP: the most packets per
 * second) from their own processes while the gateway: deletes and re-creates
 * the relay, deletes a leg that is in it, and finally unloads the module
 * with the relay installed; or, in the second test, its namespace goes.
 * The kernel log must stay clean (the VM runner checks it).
 */
static pid_t flooder(int fd, uint32_t ssrc)
{
	pid_t pid = fork();

	if (pid == 0) {
		uint8_t pkt[MAXPKT];
		uint16_t seq = 0;

		for (;;)
			send(fd, pkt, make_rtp(pkt, ssrc, seq++, 160),
			     MSG_DONTWAIT);
	}
	return pid;
}

static void reap(pid_t pid)
{
	int status;

	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
}

struct churn {
	struct ksrtp_nl nl;
	int sp, sx;
	uint32_t a, b;
	pid_t kids[2];
};

/* Flows, relay and flooders in @n; in G afterwards. */
static int churn_up(struct net3 *n, struct churn *c, uint32_t *relay)
{
	c->sp = udp_socket(n->fd_p, false, "10.98.1.1", PORT_P, "10.98.1.2", PORT_GA);
	c->sx = udp_socket(n->fd_x, false, "10.98.2.1", PORT_X, "10.98.2.2", PORT_GB);
	if (c->sp < 0 || c->sx < 0 || setns(n->fd_g, CLONE_NEWNET) ||
	    ksrtp_nl_open(&c->nl))
		return -1;
	if (make_flow(&c->nl, false, "10.98.1.2", NULL, PORT_GA, "10.98.1.1",
		      NULL, PORT_P, KSRTP_FLOW_MODE_DIVERT, &c->a) ||
	    make_flow(&c->nl, false, "10.98.2.2", NULL, PORT_GB, "10.98.2.1",
		      NULL, PORT_X, KSRTP_FLOW_MODE_DIVERT, &c->b) ||
	    relay_new(&c->nl, c->a, c->b, relay))
		return -1;
	c->kids[0] = flooder(c->sp, 1);
	c->kids[1] = flooder(c->sx, 2);
	return c->kids[0] < 0 || c->kids[1] < 0 ? -1 : 0;
}

static void churn_down(struct churn *c)
{
	reap(c->kids[0]);
	reap(c->kids[1]);
	close(c->sp);
	close(c->sx);
}

TEST(churn_and_unload_under_traffic)
{
	int round, i;

	ASSERT_LE(0, net3.fd_g);
	for (round = 0; round < 2; round++) {
		struct churn c;
		struct ksrtp_flow_info f;
		uint32_t relay;

		ASSERT_EQ(0, ksrtp_load());
		ASSERT_EQ(0, churn_up(&net3, &c, &relay));
		usleep(100000);
		EXPECT_LT(0, stat(&c.nl, c.a, KSRTP_A_STATS_RELAY_PACKETS));
		EXPECT_LT(0, stat(&c.nl, c.b, KSRTP_A_STATS_RELAY_PACKETS));
		for (i = 0; i < 100; i++) {
			ASSERT_EQ(0, relay_send(&c.nl, KSRTP_CMD_RELAY_DEL,
						relay, 0, 0));
			ASSERT_EQ(0, relay_new(&c.nl, c.a, c.b, &relay));
			/* Leg B goes with the relay in place, and comes back. */
			f = (struct ksrtp_flow_info){ .id = c.b };
			ASSERT_EQ(0, ksrtp_nl_flow_del(&c.nl, &f));
			ASSERT_EQ(-ENOENT, relay_get(&c.nl, relay,
						     &(struct relay_reply){ 0 }));
			ASSERT_EQ(0, make_flow(&c.nl, false, "10.98.2.2", NULL,
					       PORT_GB, "10.98.2.1", NULL,
					       PORT_X, KSRTP_FLOW_MODE_DIVERT,
					       &c.b));
			ASSERT_EQ(0, relay_new(&c.nl, c.a, c.b, &relay));
		}
		ksrtp_nl_close(&c.nl);
		usleep(100000);
		/* The relay is installed and carrying packets. */
		EXPECT_EQ(0, ksrtp_unload());
		EXPECT_FALSE(ksrtp_loaded());
		churn_down(&c);
	}
	ASSERT_EQ(0, ksrtp_load());
}

TEST(netns_exit_under_traffic)
{
	int round;

	ASSERT_EQ(0, ksrtp_load());
	for (round = 0; round < 3; round++) {
		struct net3 n = { .fd_p = -1, .fd_g = -1, .fd_x = -1 };
		struct churn c;
		uint32_t relay;

		ASSERT_EQ(0, net3_make(&n));
		ASSERT_EQ(0, churn_up(&n, &c, &relay));
		usleep(100000);
		EXPECT_LT(0, stat(&c.nl, c.a, KSRTP_A_STATS_RELAY_PACKETS));
		/* G's last references: the netlink socket, the fd, the name. */
		ksrtp_nl_close(&c.nl);
		ASSERT_EQ(0, setns(n.fd_p, CLONE_NEWNET));
		close(n.fd_g);
		n.fd_g = -1;
		ASSERT_EQ(0, sh("/sbin/ip netns del %s", n.g));
		usleep(300000);		/* both ends keep sending while G goes */
		churn_down(&c);
		net3_del(&n);
	}
}

TEST_HARNESS_MAIN
