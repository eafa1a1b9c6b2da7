// SPDX-License-Identifier: GPL-2.0
/*
 * Latching (symmetric RTP, RFC 4961; issue 14): a gateway's leg towards a
 * phone behind a NAT learns the phone's address:port from the first packet
 * that authenticates on it, checked with libsrtp at the phone.
 *
 *   netns P (phone)        netns N (NAT)               netns G (gateway, ksrtp)       netns X (pbx)
 *   10.97.1.1 fd97:1::1 vp -- vn1 10.97.1.2 fd97:1::2
 *                              vn2 10.97.2.1 fd97:2::1 -- vg1 10.97.2.2 fd97:2::2
 *                              (and .3 / ::3: the attacker)  vg2 10.97.3.2 fd97:3::2 -- vx 10.97.3.1 fd97:3::1
 *
 *   phone :5000 -> NAT (nftables masquerade to :40000-40099) -> leg A G:7000 (SECURE, GCM,
 *   remote 10.97.2.1:? or ?:?) ==relay== leg B G:7002 (clear) <-> pbx :6000
 *
 * N rewrites the phone's source address and port (masquerade to a port
 * range, so the port surely changes).  Leg A knows the NAT's address but
 * not the port (latch port), or nothing (latch addr).  Before the phone's
 * first packet, forged SRTP from the NAT's address (another port) and from
 * a third address never latches the leg and is never relayed; the PBX's
 * RTP and the gateway's own RTP towards the unknown remote are dropped and
 * counted.  The phone's first packet latches the leg: the FLOW_LATCHED
 * event and FLOW_GET carry the NAT's address:port, and media then crosses
 * both ways byte for byte.  After that, packets from any other source
 * (a replay of the phone's packet, or a fresh authentic one under the
 * phone's key) are dropped, counted, never relayed nor delivered.  Also:
 * latching on clear RTP only by opt-in (KSRTP_POLICY_LATCH_CLEAR), two
 * sources racing to be first (exactly one wins), and the netlink rules.
 *
 * Where the kernel has no nf_tables (the debug kernel), N routes instead of
 * translating: the leg then learns the phone's own address:port, and every
 * check but "the port was rewritten" still runs (said in the log).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <srtp2/srtp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/ksrtp.h>

#include "kselftest_harness.h"
#include "ksft_ksrtp.h"
#include "ksft_media.h"
#include "ksft_netns.h"
#include "ksrtp_nl.h"

enum { PORT_P = 5000, PORT_GA = 7000, PORT_GB = 7002, PORT_X = 6000,
       PORT_ATK = 4444, NAT_LO = 40000, NAT_HI = 40099, MAXPKT = 2048 };

/* The four hosts, made once per run (the harness forks every test). */
static struct net4 {
	char p[32], n[32], g[32], x[32];
	int fd_p, fd_n, fd_g, fd_x;
	bool nat;		/* N translates (else it only routes) */
	bool up;
} net4 = { .fd_p = -1, .fd_n = -1, .fd_g = -1, .fd_x = -1 };
static pid_t net4_owner;

static int ns_open(const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* Write @val to /proc/sys/@key in netns @fd. */
static int ns_sysctl(int fd, const char *key, const char *val)
{
	char path[128];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "/proc/sys/%s", key);
	if (setns(fd, CLONE_NEWNET))
		return -1;
	f = fopen(path, "w");
	if (!f)
		return -1;
	ret = fputs(val, f) < 0;
	return fclose(f) || ret ? -1 : 0;
}

/* Does the running kernel have nf_tables (built in or as a module)? */
static bool kernel_has_nft(void)
{
	struct utsname u;
	char path[256];

	if (uname(&u))
		return false;
	snprintf(path, sizeof(path), "/lib/modules/%s/kernel/net/netfilter/nf_tables.ko",
		 u.release);
	if (!access(path, F_OK))
		return true;
	return !sh("grep -q '/nf_tables.ko' /lib/modules/%s/modules.builtin 2>/dev/null",
		   u.release);
}

static int net4_make(struct net4 *n)
{
	unsigned int r = (unsigned int)getpid() ^ (unsigned int)rand();

	snprintf(n->p, sizeof(n->p), "kslp%x", r);
	snprintf(n->n, sizeof(n->n), "ksln%x", r);
	snprintf(n->g, sizeof(n->g), "kslg%x", r);
	snprintf(n->x, sizeof(n->x), "kslx%x", r);
	/* sh() takes 1 KiB: the topology in three parts. */
	if (sh("set -e; I=/sbin/ip; P=%s; N=%s; G=%s; X=%s; "
	       "for n in $P $N $G $X; do $I netns add $n; $I -n $n link set lo up; done; "
	       "$I link add vp netns $P type veth peer name vn1 netns $N; "
	       "$I link add vn2 netns $N type veth peer name vg1 netns $G; "
	       "$I link add vx netns $X type veth peer name vg2 netns $G; "
	       "$I -n $P link set vp up; $I -n $N link set vn1 up; $I -n $N link set vn2 up; "
	       "$I -n $G link set vg1 up; $I -n $G link set vg2 up; $I -n $X link set vx up",
	       n->p, n->n, n->g, n->x) ||
	    sh("set -e; I=/sbin/ip; P=%s; N=%s; "
	       "$I -n $P addr add 10.97.1.1/24 dev vp; $I -n $P addr add fd97:1::1/64 dev vp nodad; "
	       "$I -n $N addr add 10.97.1.2/24 dev vn1; $I -n $N addr add fd97:1::2/64 dev vn1 nodad; "
	       "$I -n $N addr add 10.97.2.1/24 dev vn2; $I -n $N addr add fd97:2::1/64 dev vn2 nodad; "
	       "$I -n $N addr add 10.97.2.3/24 dev vn2; "
	       /* deprecated: never the source masquerade picks for P */
	       "$I -n $N addr add fd97:2::3/64 dev vn2 nodad preferred_lft 0; "
	       "$I -n $P route add default via 10.97.1.2; "
	       "$I -n $P -6 route add default via fd97:1::2",
	       n->p, n->n) ||
	    sh("set -e; I=/sbin/ip; G=%s; X=%s; "
	       "$I -n $G addr add 10.97.2.2/24 dev vg1; $I -n $G addr add fd97:2::2/64 dev vg1 nodad; "
	       "$I -n $G addr add 10.97.3.2/24 dev vg2; $I -n $G addr add fd97:3::2/64 dev vg2 nodad; "
	       "$I -n $X addr add 10.97.3.1/24 dev vx; $I -n $X addr add fd97:3::1/64 dev vx nodad",
	       n->g, n->x)) {
		fprintf(stderr, "# ip: could not build the four hosts\n");
		return -1;
	}
	n->fd_p = ns_open(n->p);
	n->fd_n = ns_open(n->n);
	n->fd_g = ns_open(n->g);
	n->fd_x = ns_open(n->x);
	if (n->fd_p < 0 || n->fd_n < 0 || n->fd_g < 0 || n->fd_x < 0 ||
	    ns_sysctl(n->fd_n, "net/ipv4/ip_forward", "1") ||
	    ns_sysctl(n->fd_n, "net/ipv6/conf/all/forwarding", "1")) {
		fprintf(stderr, "# netns or forwarding sysctl: %s\n", strerror(errno));
		return -1;
	}
	n->nat = kernel_has_nft();
	if (n->nat) {
		/* In N (ns_sysctl left us there): the phone's side is masqueraded. */
		if (sh("nft -f - <<'EOF'\n"
		       "table inet ksrtp_nat {\n"
		       " chain post {\n"
		       "  type nat hook postrouting priority srcnat; policy accept;\n"
		       "  ip saddr 10.97.1.0/24 oifname \"vn2\" meta l4proto udp masquerade to :%d-%d\n"
		       "  ip6 saddr fd97:1::/64 oifname \"vn2\" meta l4proto udp masquerade to :%d-%d\n"
		       " }\n"
		       "}\n"
		       "EOF", NAT_LO, NAT_HI, NAT_LO, NAT_HI)) {
			fprintf(stderr, "# nft failed: is nftables installed (make deps) and in the VM?\n");
			return -1;
		}
	} else if (sh("/sbin/ip -n %s route add 10.97.1.0/24 via 10.97.2.1 && "
		      "/sbin/ip -n %s -6 route add fd97:1::/64 via fd97:2::1",
		      n->g, n->g)) {
		return -1;
	}
	n->up = true;
	return 0;
}

static void net4_del(struct net4 *n)
{
	int *fds[] = { &n->fd_p, &n->fd_n, &n->fd_g, &n->fd_x };
	unsigned int i;

	for (i = 0; i < 4; i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
	sh("for n in %s %s %s %s; do /sbin/ip netns del $n 2>/dev/null; done",
	   n->p, n->n, n->g, n->x);
}

static void __attribute__((constructor)) net4_up(void)
{
	srand((unsigned int)getpid());
	net4_owner = getpid();
	if (net4_make(&net4))
		fprintf(stderr, "# could not create the namespaces\n");
	else
		fprintf(stderr, "# N %s\n", net4.nat ?
			"masquerades P (nftables, ports 40000-40099)" :
			"routes, no NAT: the kernel has no nf_tables");
}

static void __attribute__((destructor)) net4_down(void)
{
	if (getpid() == net4_owner)
		net4_del(&net4);
}

static int sa_make(struct sockaddr_storage *ss, bool v6, const char *ip,
		   int port)
{
	memset(ss, 0, sizeof(*ss));
	if (v6) {
		struct sockaddr_in6 *s = (void *)ss;

		s->sin6_family = AF_INET6;
		s->sin6_port = htons(port);
		inet_pton(AF_INET6, ip, &s->sin6_addr);
		return sizeof(*s);
	}
	struct sockaddr_in *s = (void *)ss;

	s->sin_family = AF_INET;
	s->sin_port = htons(port);
	inet_pton(AF_INET, ip, &s->sin_addr);
	return sizeof(*s);
}

/* A UDP socket in @netns bound to @ip:@port, connected to @peer if given. */
static int udp_sock(int netns, bool v6, const char *ip, int port,
		    const char *peer, int pport)
{
	struct timeval tv = { .tv_sec = 3 };
	struct sockaddr_storage a;
	socklen_t len;
	int fd;

	if (setns(netns, CLONE_NEWNET))
		return -1;
	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	len = sa_make(&a, v6, ip, port);
	if (bind(fd, (struct sockaddr *)&a, len))
		goto err;
	if (peer) {
		len = sa_make(&a, v6, peer, pport);
		if (connect(fd, (struct sockaddr *)&a, len))
			goto err;
	}
	return fd;
err:
	close(fd);
	return -1;
}

/* Give packets in flight (and their drops) a moment, then check @fd. */
static bool nothing_arrives(int fd)
{
	usleep(100000);
	return nothing_waiting(fd);
}

static int flow_get(struct ksrtp_nl *nl, uint32_t id, struct ksrtp_flow_info *out)
{
	struct ksrtp_flow_info f = { .id = id };

	memset(out, 0, sizeof(*out));
	return ksrtp_nl_flow_get(nl, &f, out);
}

/* A flow of G: @local (IP, port); @remote IP or NULL; latch kind. */
static int latch_flow(struct ksrtp_nl *nl, bool v6, const char *lip, int lport,
		      const char *rip, int rport, uint8_t latch, uint8_t mode,
		      uint32_t policy, uint32_t *id)
{
	struct ksrtp_flow_info f = { .mode = mode, .policy = policy }, got;
	int ret;

	f.local.family = f.remote.family = v6 ? AF_INET6 : AF_INET;
	f.local.port = (uint16_t)lport;
	f.remote.port = (uint16_t)rport;
	inet_pton(f.local.family, lip, &f.local.addr);
	if (rip)
		inet_pton(f.remote.family, rip, &f.remote.addr);
	ret = latch ? ksrtp_nl_flow_new_latch(nl, &f, latch, &got) :
		      ksrtp_nl_flow_new(nl, &f, &got);
	*id = got.id;
	return ret;
}

/* Events of G's events group, collected until none is waiting. */
struct evs {
	unsigned int n;
	struct ksrtp_flow_info f[8];
};

static int ev_cb(const struct ksrtp_nl_event *ev, void *arg)
{
	struct evs *e = arg;

	if (ev->cmd == KSRTP_CMD_FLOW_LATCHED && e->n < 8)
		e->f[e->n++] = ev->flow;
	return 0;
}

static void latched_events(struct ksrtp_nl *ev, uint32_t flow, struct evs *out)
{
	struct evs all = { 0 };
	unsigned int i;

	while (ksrtp_nl_recv_events(ev, true, ev_cb, &all) == 0)
		;
	memset(out, 0, sizeof(*out));
	for (i = 0; i < all.n; i++)
		if (all.f[i].id == flow)
			out->f[out->n++] = all.f[i];
}

static bool addr_is(const struct ksrtp_sockaddr *sa, const char *ip)
{
	struct in6_addr a;

	if (inet_pton(sa->family, ip, &a) != 1)
		return false;
	return !memcmp(&sa->addr, &a, sa->family == AF_INET ? 4 : 16);
}

static const struct prof {
	uint16_t profile;
	int key_len, salt_len;
} gcm = { KSRTP_PROFILE_AEAD_AES_128_GCM, 16, 12 };

static int lsrtp(srtp_t *s, uint8_t *key, bool inbound)
{
	srtp_policy_t pol;

	memset(&pol, 0, sizeof(pol));
	srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtp);
	srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtcp);
	pol.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
	pol.key = key;
	pol.window_size = 128;
	pol.allow_repeat_tx = 1;
	return srtp_create(s, &pol) == srtp_err_status_ok ? 0 : -1;
}

static int install(struct ksrtp_nl *nl, uint32_t flow, uint8_t dir,
		   const uint8_t *keysalt)
{
	struct ksrtp_key_req k = {
		.flow_id = flow, .dir = dir, .profile = gcm.profile,
		.key_len = (uint8_t)gcm.key_len, .salt_len = (uint8_t)gcm.salt_len,
	};

	memcpy(k.key, keysalt, gcm.key_len);
	memcpy(k.salt, keysalt + gcm.key_len, gcm.salt_len);
	return ksrtp_nl_key_new(nl, &k);
}

/*
 * RELAY_NEW by hand (libmnl), as ksrtp_relay.c does: legs @a, @b; 0 or
 * -errno.
 */
static int relay_new(struct ksrtp_nl *nl, uint32_t a, uint32_t b)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = ksrtp_nl_msg(nl, buf, KSRTP_CMD_RELAY_NEW, NLM_F_ACK);
	struct nlattr *nest = mnl_attr_nest_start(nlh, KSRTP_A_RELAY);

	mnl_attr_put_u32(nlh, KSRTP_A_RELAY_FLOW_A, a);
	mnl_attr_put_u32(nlh, KSRTP_A_RELAY_FLOW_B, b);
	mnl_attr_nest_end(nlh, nest);
	return ksrtp_nl_send(nl, nlh);
}

FIXTURE(latch) {
	struct ksrtp_nl nl, ev;		/* in G: requests, events */
	int phone, pbx;			/* P :5000 -> G:7000; X :6000 -> G:7002 */
	int ga, gb;			/* G's own sockets on A and B (unconnected) */
	int atk_other, atk_same;	/* from a third address; from the NAT's address */
	uint32_t a, b;
	srtp_t ptx, prx, atx;		/* phone TX/RX; the attacker under the phone's key */
	uint8_t k[2][28];		/* A TX, A RX: key||salt */
	const char *nat_ip;		/* the phone's address as G sees it */
};

FIXTURE_VARIANT(latch) {
	bool v6;
	uint8_t latch;
};

FIXTURE_VARIANT_ADD(latch, port_v4) { .v6 = false, .latch = KSRTP_LATCH_PORT };
FIXTURE_VARIANT_ADD(latch, addr_v4) { .v6 = false, .latch = KSRTP_LATCH_ADDR };
FIXTURE_VARIANT_ADD(latch, port_v6) { .v6 = true, .latch = KSRTP_LATCH_PORT };
FIXTURE_VARIANT_ADD(latch, addr_v6) { .v6 = true, .latch = KSRTP_LATCH_ADDR };

#define A4(v, a4, a6) ((v)->v6 ? (a6) : (a4))

FIXTURE_SETUP(latch)
{
	const FIXTURE_VARIANT(latch) *v = variant;
	const char *same_ip;
	int same_ns;

	srand((unsigned int)getpid());
	ASSERT_EQ(0, ksrtp_load());
	ASSERT_EQ(srtp_err_status_ok, srtp_init());
	ASSERT_TRUE(net4.up);
	rnd(self->k[0], sizeof(self->k[0]));
	rnd(self->k[1], sizeof(self->k[1]));
	/* With NAT, the phone appears as N's outside address; else as itself. */
	self->nat_ip = net4.nat ? A4(v, "10.97.2.1", "fd97:2::1") :
				  A4(v, "10.97.1.1", "fd97:1::1");
	same_ip = self->nat_ip;
	same_ns = net4.nat ? net4.fd_n : net4.fd_p;

	self->phone = udp_sock(net4.fd_p, v->v6, A4(v, "10.97.1.1", "fd97:1::1"), PORT_P,
			       A4(v, "10.97.2.2", "fd97:2::2"), PORT_GA);
	ASSERT_LE(0, self->phone);
	self->pbx = udp_sock(net4.fd_x, v->v6, A4(v, "10.97.3.1", "fd97:3::1"), PORT_X,
			     A4(v, "10.97.3.2", "fd97:3::2"), PORT_GB);
	ASSERT_LE(0, self->pbx);
	self->atk_other = udp_sock(net4.fd_n, v->v6, A4(v, "10.97.2.3", "fd97:2::3"),
				   PORT_ATK, A4(v, "10.97.2.2", "fd97:2::2"), PORT_GA);
	ASSERT_LE(0, self->atk_other);
	self->atk_same = udp_sock(same_ns, v->v6, same_ip, PORT_ATK,
				  A4(v, "10.97.2.2", "fd97:2::2"), PORT_GA);
	ASSERT_LE(0, self->atk_same);
	self->ga = udp_sock(net4.fd_g, v->v6, A4(v, "10.97.2.2", "fd97:2::2"), PORT_GA,
			    NULL, 0);
	ASSERT_LE(0, self->ga);
	self->gb = udp_sock(net4.fd_g, v->v6, A4(v, "10.97.3.2", "fd97:3::2"), PORT_GB,
			    NULL, 0);
	ASSERT_LE(0, self->gb);

	/* In G from here on. */
	ASSERT_EQ(0, ksrtp_nl_open(&self->nl));
	ASSERT_EQ(0, ksrtp_nl_open(&self->ev));
	ASSERT_EQ(0, ksrtp_nl_join_events(&self->ev));
	ASSERT_EQ(0, latch_flow(&self->nl, v->v6, A4(v, "10.97.2.2", "fd97:2::2"), PORT_GA,
				v->latch == KSRTP_LATCH_PORT ? self->nat_ip : NULL, 0,
				v->latch, KSRTP_FLOW_MODE_SECURE, 0, &self->a))
		TH_LOG("FLOW_NEW latching: %s", self->nl.err_msg);
	ASSERT_EQ(0, latch_flow(&self->nl, v->v6, A4(v, "10.97.3.2", "fd97:3::2"), PORT_GB,
				A4(v, "10.97.3.1", "fd97:3::1"), PORT_X, KSRTP_LATCH_NONE,
				KSRTP_FLOW_MODE_DIVERT, 0, &self->b));
	ASSERT_EQ(0, install(&self->nl, self->a, KSRTP_KEY_DIR_TX, self->k[0]));
	ASSERT_EQ(0, install(&self->nl, self->a, KSRTP_KEY_DIR_RX, self->k[1]));
	ASSERT_EQ(0, lsrtp(&self->prx, self->k[0], true));
	ASSERT_EQ(0, lsrtp(&self->ptx, self->k[1], false));
	ASSERT_EQ(0, lsrtp(&self->atx, self->k[1], false));
	ASSERT_EQ(0, relay_new(&self->nl, self->a, self->b))
		TH_LOG("RELAY_NEW: %s", self->nl.err_msg);
}

FIXTURE_TEARDOWN(latch)
{
	struct ksrtp_flow_info f = { .id = self->a };

	ksrtp_nl_flow_del(&self->nl, &f);
	f.id = self->b;
	ksrtp_nl_flow_del(&self->nl, &f);
	ksrtp_nl_close(&self->nl);
	ksrtp_nl_close(&self->ev);
	close(self->phone);
	close(self->pbx);
	close(self->ga);
	close(self->gb);
	close(self->atk_other);
	close(self->atk_same);
}

/* SRTP from @fd under @s: the wire bytes in @wire, their length returned. */
static int send_srtp(int fd, srtp_t s, const uint8_t *pkt, size_t n, uint8_t *wire)
{
	int len = (int)n;

	memcpy(wire, pkt, n);
	if (srtp_protect(s, wire, &len) != srtp_err_status_ok)
		return -1;
	return send(fd, wire, (size_t)len, 0) == len ? len : -1;
}

/* Receive SRTP at the phone, unprotected: its length, or < 0. */
static int phone_recv(int fd, srtp_t s, uint8_t *got)
{
	ssize_t r = recv(fd, got, MAXPKT, 0);
	int len = (int)r;

	if (r < 0)
		return -1;
	return srtp_unprotect(s, got, &len) == srtp_err_status_ok ? len : -2;
}

TEST_F(latch, learns_from_first_authentic_packet)
{
	const FIXTURE_VARIANT(latch) *v = variant;
	uint8_t pkt[MAXPKT], wire[MAXPKT], first[MAXPKT], got[MAXPKT];
	struct sockaddr_storage to;
	struct ksrtp_flow_info f;
	uint16_t seq = 100, seqx = 7;
	unsigned int i, relayed = 0, forged_on_flow, dropped = 0;
	int flen, len, r;
	struct evs e;
	uint16_t port;
	size_t n;

	/* Before: known, and what is not known shows as 0. */
	ASSERT_EQ(0, flow_get(&self->nl, self->a, &f));
	EXPECT_EQ(v->latch, f.latch);
	EXPECT_EQ(0, f.latched);
	EXPECT_EQ(0, f.remote.port);
	if (v->latch == KSRTP_LATCH_PORT) {
		EXPECT_TRUE(addr_is(&f.remote, self->nat_ip));
	}

	/* The PBX's RTP has nowhere to go yet: dropped on the way to A. */
	n = make_rtp(pkt, 0x200, seqx++, 80);
	ASSERT_EQ((ssize_t)n, send(self->pbx, pkt, n, 0));
	EXPECT_TRUE(nothing_arrives(self->phone));
	EXPECT_EQ(1, stat(&self->nl, self->b, KSRTP_A_STATS_RELAY_ERRORS));
	EXPECT_EQ(0, stat(&self->nl, self->b, KSRTP_A_STATS_RELAY_PACKETS));
	EXPECT_TRUE(nothing_waiting(self->gb));

	/* G's own RTP from A's port towards where the phone will be: refused. */
	n = make_rtp(pkt, 0x300, 1, 40);
	len = sa_make(&to, v->v6, self->nat_ip, NAT_LO);
	EXPECT_EQ(-1, sendto(self->ga, pkt, n, 0, (struct sockaddr *)&to, (socklen_t)len));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(1, stat(&self->nl, self->a, KSRTP_A_STATS_TX_ERRORS));

	/* Forged SRTP (an RTP header, random "ciphertext" and tag). */
	n = make_rtp(pkt, 0x400, 1, 100);
	ASSERT_EQ((ssize_t)n, send(self->atk_same, pkt, n, 0));
	n = make_rtp(pkt, 0x400, 2, 100);
	ASSERT_EQ((ssize_t)n, send(self->atk_other, pkt, n, 0));
	/* A latching-port leg's remote address is fixed: .3 is not its peer. */
	forged_on_flow = v->latch == KSRTP_LATCH_ADDR ? 2 : 1;
	EXPECT_TRUE(nothing_arrives(self->pbx));
	EXPECT_EQ(forged_on_flow, stat(&self->nl, self->a, KSRTP_A_STATS_RX_AUTH_FAIL));
	EXPECT_EQ(0, stat(&self->nl, self->a, KSRTP_A_STATS_RELAY_PACKETS));
	if (v->latch == KSRTP_LATCH_PORT) {
		EXPECT_EQ((ssize_t)n, recv(self->ga, got, sizeof(got), MSG_DONTWAIT));
	}
	EXPECT_TRUE(nothing_waiting(self->ga));
	ASSERT_EQ(0, flow_get(&self->nl, self->a, &f));
	EXPECT_EQ(0, f.latched);
	latched_events(&self->ev, self->a, &e);
	EXPECT_EQ(0, e.n);

	/* The phone's first packet: relayed, and the leg has latched. */
	n = make_rtp(pkt, 0x100, seq++, 120);
	flen = send_srtp(self->phone, self->ptx, pkt, n, first);
	ASSERT_LT(0, flen);
	ASSERT_EQ((ssize_t)n, recv(self->pbx, got, sizeof(got), 0));
	ASSERT_EQ(0, memcmp(pkt, got, n));
	relayed++;
	latched_events(&self->ev, self->a, &e);
	ASSERT_EQ(1, e.n);
	EXPECT_TRUE(e.f[0].latched);
	EXPECT_TRUE(addr_is(&e.f[0].remote, self->nat_ip));
	port = e.f[0].remote.port;
	if (net4.nat) {
		EXPECT_TRUE(port >= NAT_LO && port <= NAT_HI)
			TH_LOG("learned port %u, not the NAT's", port);
	} else {
		EXPECT_EQ(PORT_P, port);
	}
	ASSERT_EQ(0, flow_get(&self->nl, self->a, &f));
	EXPECT_EQ(1, f.latched);
	EXPECT_EQ(v->latch, f.latch);
	EXPECT_TRUE(addr_is(&f.remote, self->nat_ip));
	EXPECT_EQ(port, f.remote.port);

	/* Both ways, byte for byte, back through the NAT. */
	for (i = 0; i < 20; i++) {
		n = make_rtp(pkt, 0x100, seq++, (size_t)(rand() % 900));
		ASSERT_LT(0, send_srtp(self->phone, self->ptx, pkt, n, wire));
		ASSERT_EQ((ssize_t)n, recv(self->pbx, got, sizeof(got), 0));
		ASSERT_EQ(0, memcmp(pkt, got, n));
		relayed++;
		n = make_rtp(pkt, 0x200, seqx++, (size_t)(rand() % 900));
		ASSERT_EQ((ssize_t)n, send(self->pbx, pkt, n, 0));
		r = phone_recv(self->phone, self->prx, got);
		ASSERT_EQ((int)n, r) TH_LOG("pbx->phone %u: %d", i, r);
		ASSERT_EQ(0, memcmp(pkt, got, n));
	}
	/* G's own RTP to the learned remote: protected, the phone gets it. */
	n = make_rtp(pkt, 0x300, 2, 40);
	len = sa_make(&to, v->v6, self->nat_ip, port);
	ASSERT_EQ((ssize_t)n, sendto(self->ga, pkt, n, 0, (struct sockaddr *)&to,
				     (socklen_t)len));
	ASSERT_EQ((int)n, phone_recv(self->phone, self->prx, got));
	ASSERT_EQ(0, memcmp(pkt, got, n));
	/* ...and to anywhere else from A's port: refused. */
	len = sa_make(&to, v->v6, self->nat_ip, port == NAT_HI ? NAT_LO : port + 1);
	EXPECT_EQ(-1, sendto(self->ga, pkt, n, 0, (struct sockaddr *)&to, (socklen_t)len));
	EXPECT_EQ(2, stat(&self->nl, self->a, KSRTP_A_STATS_TX_ERRORS));

	/* After: the phone's first packet replayed from elsewhere... */
	ASSERT_EQ(flen, send(self->atk_same, first, (size_t)flen, 0));
	dropped++;
	ASSERT_EQ(flen, send(self->atk_other, first, (size_t)flen, 0));
	dropped += v->latch == KSRTP_LATCH_ADDR;
	/* ...and a fresh, authentic one under the phone's key. */
	n = make_rtp(pkt, 0x500, 1, 60);
	ASSERT_LT(0, send_srtp(self->atk_same, self->atx, pkt, n, wire));
	dropped++;
	n = make_rtp(pkt, 0x500, 2, 60);
	ASSERT_LT(0, send_srtp(self->atk_other, self->atx, pkt, n, wire));
	dropped += v->latch == KSRTP_LATCH_ADDR;
	EXPECT_TRUE(nothing_arrives(self->pbx));
	/* Not the flow's (latch port, another address): the host's, as before. */
	if (v->latch == KSRTP_LATCH_PORT) {
		EXPECT_EQ(flen, recv(self->ga, got, sizeof(got), MSG_DONTWAIT));
		EXPECT_LT(0, recv(self->ga, got, sizeof(got), MSG_DONTWAIT));
	}
	EXPECT_TRUE(nothing_waiting(self->ga));
	EXPECT_EQ(dropped, stat(&self->nl, self->a, KSRTP_A_STATS_LATCH_DROPPED));

	/* The phone still gets through; the PBX reads exactly its packet next. */
	n = make_rtp(pkt, 0x100, seq++, 50);
	ASSERT_LT(0, send_srtp(self->phone, self->ptx, pkt, n, wire));
	ASSERT_EQ((ssize_t)n, recv(self->pbx, got, sizeof(got), 0));
	ASSERT_EQ(0, memcmp(pkt, got, n));
	relayed++;
	EXPECT_TRUE(nothing_waiting(self->pbx));
	EXPECT_TRUE(nothing_waiting(self->gb));
	EXPECT_EQ(relayed, stat(&self->nl, self->a, KSRTP_A_STATS_RELAY_PACKETS));
	EXPECT_EQ(20, stat(&self->nl, self->b, KSRTP_A_STATS_RELAY_PACKETS));
	EXPECT_EQ(forged_on_flow, stat(&self->nl, self->a, KSRTP_A_STATS_RX_AUTH_FAIL));
	/* Learned once: the remote did not move. */
	ASSERT_EQ(0, flow_get(&self->nl, self->a, &f));
	EXPECT_EQ(port, f.remote.port);
	latched_events(&self->ev, self->a, &e);
	EXPECT_EQ(0, e.n);
}

/* ZRTP_XMIT on a leg that has not latched: there is no remote to send to. */
TEST_F(latch, zrtp_xmit_before_latching)
{
	static const uint8_t hello[] = {
		0x10, 0x00, 0x00, 0x01, 'Z', 'R', 'T', 'P', 0, 0, 0, 1,
		0x50, 0x5a, 0, 3, 'H', 'e', 'l', 'l', 'o', ' ', ' ', ' ',
	};
	struct ksrtp_flow_info f = { .id = self->a };

	EXPECT_EQ(-ENOTCONN, ksrtp_nl_zrtp_xmit(&self->nl, &f, hello, sizeof(hello)));
	EXPECT_NE(NULL, strstr(self->nl.err_msg, "not learned its remote"))
		TH_LOG("extack: \"%s\"", self->nl.err_msg);
}

/*
 * Clear legs: a DIVERT flow latches on clear RTP only with
 * KSRTP_POLICY_LATCH_CLEAR; without it, clear RTP never latches it and is
 * dropped.  No relay: what a leg accepts goes to G's socket.
 */
TEST(clear_latching_needs_opt_in)
{
	uint8_t pkt[MAXPKT], got[MAXPKT];
	struct ksrtp_nl nl, ev;
	struct ksrtp_flow_info f;
	uint32_t yes, no;
	int sy, sn, py, pn, atk;
	struct evs e;
	size_t n;

	ASSERT_EQ(0, ksrtp_load());
	ASSERT_TRUE(net4.up);
	sy = udp_sock(net4.fd_g, false, "10.97.2.2", 7010, NULL, 0);
	sn = udp_sock(net4.fd_g, false, "10.97.2.2", 7012, NULL, 0);
	py = udp_sock(net4.fd_p, false, "10.97.1.1", 5010, "10.97.2.2", 7010);
	pn = udp_sock(net4.fd_p, false, "10.97.1.1", 5012, "10.97.2.2", 7012);
	atk = udp_sock(net4.fd_n, false, "10.97.2.3", 5555, "10.97.2.2", 7010);
	ASSERT_LE(0, sy);
	ASSERT_LE(0, sn);
	ASSERT_LE(0, py);
	ASSERT_LE(0, pn);
	ASSERT_LE(0, atk);
	ASSERT_EQ(0, setns(net4.fd_g, CLONE_NEWNET));
	ASSERT_EQ(0, ksrtp_nl_open(&nl));
	ASSERT_EQ(0, ksrtp_nl_open(&ev));
	ASSERT_EQ(0, ksrtp_nl_join_events(&ev));
	ASSERT_EQ(0, latch_flow(&nl, false, "10.97.2.2", 7010, NULL, 0, KSRTP_LATCH_ADDR,
				KSRTP_FLOW_MODE_DIVERT, KSRTP_POLICY_LATCH_CLEAR, &yes));
	ASSERT_EQ(0, latch_flow(&nl, false, "10.97.2.2", 7012, NULL, 0, KSRTP_LATCH_ADDR,
				KSRTP_FLOW_MODE_DIVERT, 0, &no));

	/* Without the opt-in: dropped, counted, not latched, three times. */
	for (int i = 0; i < 3; i++) {
		n = make_rtp(pkt, 0x10, (uint16_t)i, 60);
		ASSERT_EQ((ssize_t)n, send(pn, pkt, n, 0));
	}
	EXPECT_TRUE(nothing_arrives(sn));
	EXPECT_EQ(3, stat(&nl, no, KSRTP_A_STATS_LATCH_DROPPED));
	ASSERT_EQ(0, flow_get(&nl, no, &f));
	EXPECT_EQ(0, f.latched);

	/* With it: the first clear RTP latches, and is delivered. */
	n = make_rtp(pkt, 0x11, 1, 60);
	ASSERT_EQ((ssize_t)n, send(py, pkt, n, 0));
	ASSERT_EQ((ssize_t)n, recv(sy, got, sizeof(got), 0));
	ASSERT_EQ(0, memcmp(pkt, got, n));
	ASSERT_EQ(0, flow_get(&nl, yes, &f));
	EXPECT_EQ(1, f.latched);
	EXPECT_TRUE(addr_is(&f.remote, net4.nat ? "10.97.2.1" : "10.97.1.1"));
	latched_events(&ev, yes, &e);
	EXPECT_EQ(1, e.n);
	latched_events(&ev, no, &e);
	EXPECT_EQ(0, e.n);
	/* From another address afterwards: dropped, not delivered. */
	n = make_rtp(pkt, 0x12, 1, 60);
	ASSERT_EQ((ssize_t)n, send(atk, pkt, n, 0));
	EXPECT_TRUE(nothing_arrives(sy));
	EXPECT_EQ(1, stat(&nl, yes, KSRTP_A_STATS_LATCH_DROPPED));
	/* The latched phone still is. */
	n = make_rtp(pkt, 0x11, 2, 60);
	ASSERT_EQ((ssize_t)n, send(py, pkt, n, 0));
	ASSERT_EQ((ssize_t)n, recv(sy, got, sizeof(got), 0));

	f = (struct ksrtp_flow_info){ .id = yes };
	EXPECT_EQ(0, ksrtp_nl_flow_del(&nl, &f));
	f.id = no;
	EXPECT_EQ(0, ksrtp_nl_flow_del(&nl, &f));
	ksrtp_nl_close(&nl);
	ksrtp_nl_close(&ev);
	close(sy);
	close(sn);
	close(py);
	close(pn);
	close(atk);
}

/* Flood @fd with @count clear RTP packets once @go is readable. */
static pid_t racer(int fd, uint32_t ssrc, int go, unsigned int count)
{
	pid_t pid = fork();

	if (pid == 0) {
		uint8_t pkt[256], c;
		unsigned int i;

		if (read(go, &c, 1) != 1)
			_exit(1);
		for (i = 0; i < count; i++)
			send(fd, pkt, make_rtp(pkt, ssrc, (uint16_t)i, 100), 0);
		_exit(0);
	}
	return pid;
}

/*
 * Two sources send their first packets at the same moment, from two
 * processes (two CPUs): exactly one latches the flow, one event says so,
 * and G's socket gets packets from that one only; the other's are dropped
 * and counted.  Many rounds, a new flow each.
 */
TEST(race_two_sources_one_wins)
{
	enum { ROUNDS = 20, COUNT = 200 };
	unsigned int round, wins[2] = { 0, 0 };
	struct ksrtp_nl nl, ev;

	ASSERT_EQ(0, ksrtp_load());
	ASSERT_TRUE(net4.up);
	ASSERT_EQ(0, setns(net4.fd_g, CLONE_NEWNET));
	ASSERT_EQ(0, ksrtp_nl_open(&nl));
	ASSERT_EQ(0, ksrtp_nl_open(&ev));
	ASSERT_EQ(0, ksrtp_nl_join_events(&ev));
	for (round = 0; round < ROUNDS; round++) {
		int s1 = udp_sock(net4.fd_n, false, "10.97.2.1", 6001, "10.97.2.2", 7020);
		int s2 = udp_sock(net4.fd_n, false, "10.97.2.3", 6002, "10.97.2.2", 7020);
		int gs = udp_sock(net4.fd_g, false, "10.97.2.2", 7020, NULL, 0);
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		struct ksrtp_flow_info f;
		unsigned int got = 0, wrong = 0, w;
		uint8_t buf[512];
		int go[2], st;
		pid_t k1, k2;
		struct evs e;
		uint32_t id;

		ASSERT_LE(0, s1);
		ASSERT_LE(0, s2);
		ASSERT_LE(0, gs);
		ASSERT_EQ(0, latch_flow(&nl, false, "10.97.2.2", 7020, NULL, 0,
					KSRTP_LATCH_ADDR, KSRTP_FLOW_MODE_DIVERT,
					KSRTP_POLICY_LATCH_CLEAR, &id));
		ASSERT_EQ(0, pipe(go));
		k1 = racer(s1, 1, go[0], COUNT);
		k2 = racer(s2, 2, go[0], COUNT);
		ASSERT_EQ(2, write(go[1], "gg", 2));
		waitpid(k1, &st, 0);
		waitpid(k2, &st, 0);
		close(go[0]);
		close(go[1]);
		usleep(50000);

		ASSERT_EQ(0, flow_get(&nl, id, &f));
		ASSERT_EQ(1, f.latched);
		w = addr_is(&f.remote, "10.97.2.1") ? 0 : 1;
		ASSERT_TRUE(addr_is(&f.remote, w ? "10.97.2.3" : "10.97.2.1"));
		EXPECT_EQ(w ? 6002 : 6001, f.remote.port);
		wins[w]++;
		latched_events(&ev, id, &e);
		ASSERT_EQ(1, e.n);
		EXPECT_EQ(f.remote.port, e.f[0].remote.port);
		while (recvfrom(gs, buf, sizeof(buf), MSG_DONTWAIT,
				(struct sockaddr *)&from, &flen) > 0) {
			got++;
			wrong += ntohs(from.sin_port) != f.remote.port;
			flen = sizeof(from);
		}
		EXPECT_EQ(0, wrong);
		EXPECT_LT(0, got);
		/* Every packet of the loser was dropped (a socket may drop too). */
		EXPECT_LE(COUNT, stat(&nl, id, KSRTP_A_STATS_LATCH_DROPPED));
		EXPECT_GE(COUNT, got);
		f = (struct ksrtp_flow_info){ .id = id };
		ASSERT_EQ(0, ksrtp_nl_flow_del(&nl, &f));
		close(s1);
		close(s2);
		close(gs);
	}
	TH_LOG("first-packet race: %u won by .1, %u by .3", wins[0], wins[1]);
	ksrtp_nl_close(&nl);
	ksrtp_nl_close(&ev);
}

/* FLOW_NEW with LATCH: what it refuses, GET_INFO, naming, duplicates. */
TEST(latch_netlink)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ksrtp_flow_info f = { 0 }, got;
	struct nlmsghdr *nlh;
	struct nlattr *nest, *an;
	struct ksrtp_info info;
	struct ksrtp_nl nl;
	uint32_t id, id2;
	in_addr_t l = inet_addr("10.97.2.2"), r = inet_addr("10.97.2.1");

	ASSERT_EQ(0, ksrtp_load());
	ASSERT_TRUE(net4.up);
	ASSERT_EQ(0, setns(net4.fd_g, CLONE_NEWNET));
	ASSERT_EQ(0, ksrtp_nl_open(&nl));
	ASSERT_EQ(0, ksrtp_nl_get_info(&nl, &info));
	EXPECT_EQ(5, info.api_version);
	EXPECT_TRUE(info.features & KSRTP_F_LATCH);

#define ADDR(type, a, port) do {					\
		an = mnl_attr_nest_start(nlh, type);			\
		mnl_attr_put_u16(nlh, KSRTP_A_ADDR_FAMILY, AF_INET);	\
		mnl_attr_put(nlh, KSRTP_A_ADDR_IN, 4, &(a));		\
		if (port)						\
			mnl_attr_put_u16(nlh, KSRTP_A_ADDR_PORT, htons(port)); \
		mnl_attr_nest_end(nlh, an);				\
	} while (0)
#define REQ(cmd, latch, rport, with_remote) do {			\
		nlh = ksrtp_nl_msg(&nl, buf, cmd, NLM_F_ACK);		\
		nest = mnl_attr_nest_start(nlh, KSRTP_A_FLOW);		\
		ADDR(KSRTP_A_FLOW_LOCAL, l, 7030);			\
		if (with_remote)					\
			ADDR(KSRTP_A_FLOW_REMOTE, r, rport);		\
		mnl_attr_put_u8(nlh, KSRTP_A_FLOW_LATCH, latch);	\
		mnl_attr_nest_end(nlh, nest);				\
	} while (0)
#define REFUSE(err, text) do {						\
		EXPECT_EQ(err, ksrtp_nl_send(&nl, nlh));		\
		EXPECT_NE(NULL, strstr(nl.err_msg, text))		\
			TH_LOG("extack: \"%s\"", nl.err_msg);		\
	} while (0)

	REQ(KSRTP_CMD_FLOW_NEW, KSRTP_LATCH_PORT, 9000, true);
	REFUSE(-EINVAL, "latches the remote port is given none");
	REQ(KSRTP_CMD_FLOW_NEW, KSRTP_LATCH_ADDR, 9000, true);
	REFUSE(-EINVAL, "latches address and port has no remote");
	REQ(KSRTP_CMD_FLOW_NEW, KSRTP_LATCH_PORT, 0, false);
	REFUSE(-EINVAL, "missing remote");
	REQ(KSRTP_CMD_FLOW_NEW, KSRTP_LATCH_NONE, 0, true);
	REFUSE(-EINVAL, "port");
	REQ(KSRTP_CMD_FLOW_NEW, KSRTP_LATCH_MAX + 1, 0, false);
	EXPECT_EQ(-ERANGE, ksrtp_nl_send(&nl, nlh));	/* the policy's max */

	/* PORT: remote without a port (or 0); ADDR: no remote. */
	f.local.family = f.remote.family = AF_INET;
	memcpy(&f.local.addr.v4, &l, 4);
	memcpy(&f.remote.addr.v4, &r, 4);
	f.local.port = 7030;
	f.remote.port = 1234;	/* not sent for PORT */
	ASSERT_EQ(0, ksrtp_nl_flow_new_latch(&nl, &f, KSRTP_LATCH_PORT, &got));
	id = got.id;
	EXPECT_EQ(KSRTP_LATCH_PORT, got.latch);
	EXPECT_EQ(0, got.latched);
	EXPECT_EQ(0, got.remote.port);
	EXPECT_EQ(-EEXIST, ksrtp_nl_flow_new_latch(&nl, &f, KSRTP_LATCH_PORT, &got));
	/* Another kind on the same local address:port is another flow. */
	ASSERT_EQ(0, ksrtp_nl_flow_new_latch(&nl, &f, KSRTP_LATCH_ADDR, &got));
	id2 = got.id;
	EXPECT_EQ(KSRTP_LATCH_ADDR, got.latch);
	/* And an exact flow too (it wins for its own 4-tuple). */
	f.remote.port = 1234;
	ASSERT_EQ(0, ksrtp_nl_flow_new(&nl, &f, &got));
	EXPECT_EQ(0, got.latch);
	/* Named by LOCAL + LATCH (+ REMOTE's address), as created. */
	REQ(KSRTP_CMD_FLOW_DEL, KSRTP_LATCH_PORT, 0, true);
	EXPECT_EQ(0, ksrtp_nl_send(&nl, nlh));
	EXPECT_EQ(-ENOENT, flow_get(&nl, id, &got));
	REQ(KSRTP_CMD_FLOW_DEL, KSRTP_LATCH_ADDR, 0, false);
	EXPECT_EQ(0, ksrtp_nl_send(&nl, nlh));
	EXPECT_EQ(-ENOENT, flow_get(&nl, id2, &got));
	/* The exact one is still there. */
	EXPECT_EQ(0, ksrtp_nl_flow_del(&nl, &f));
	ksrtp_nl_close(&nl);
#undef REFUSE
#undef REQ
#undef ADDR
}

TEST_HARNESS_MAIN
