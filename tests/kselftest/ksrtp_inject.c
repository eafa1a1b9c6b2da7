// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile peer against a SECURE, require-secure flow: forged and
 * malformed datagrams, IPv4 and IPv6, built byte by byte.
 *
 *     netns A: app sockets 10.99.0.1:5000, [fd99::1]:5000
 *              flows to 10.99.0.2:6000 / [fd99::2]:6000, SECURE,
 *              REQUIRE_SECURE, AES_CM_128_HMAC_SHA1_80 keys
 *     netns B: raw sockets: IPv4 IP_HDRINCL; IPv6 as Ethernet frames
 *              written on vb (AF_PACKET), so nothing in B's stack
 *              corrects them; a libsrtp sender for good packets
 *
 * Two variants: direct (the flows deliver to A's application) and relay
 * (issue 14: each flow is leg A of a relay whose other leg, clear, is
 * A:5002 <-> B:6002, so what the flow accepts is relayed back to B:6002;
 * nothing malformed may be relayed, A's application gets nothing, the
 * same counters move, and relay_packets counts the sentinels).
 *
 * Every case sends the forgery, then a good SRTP packet (the sentinel):
 * the first datagram A's application reads must be the sentinel's RTP, so
 * nothing the forgery carried was delivered; and exactly the expected
 * counter moved, by exactly one (or none, when the kernel's own IP layer
 * throws the packet away before LOCAL_IN).
 *
 * Kernel config: CONFIG_NET_NS, CONFIG_VETH, CONFIG_NETFILTER, CONFIG_IPV6,
 * and the AES/CTR/HMAC/SHA1 crypto.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <linux/if_ether.h>
#include <linux/sockios.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <srtp2/srtp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/ksrtp.h>

#include "kselftest_harness.h"
#include "ksft_ksrtp.h"
#include "ksft_netns.h"
#include "ksrtp_nl.h"

enum { PORT_A = 5000, PORT_B = 6000, MAXPKT = 2048, SSRC = 0x55aa0001 };

static struct two_hosts hosts = { .fd_a = -1, .fd_b = -1 };
static pid_t hosts_owner;
static int init_ns = -1;

static void __attribute__((constructor)) hosts_up(void)
{
	srand((unsigned int)getpid());
	init_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	hosts_owner = getpid();
	if (two_hosts_up(&hosts))
		fprintf(stderr, "# could not create the namespaces\n");
}

static void __attribute__((destructor)) hosts_down(void)
{
	if (getpid() == hosts_owner)
		two_hosts_down(&hosts);
}

static void rnd(uint8_t *p, size_t n)
{
	while (n--)
		*p++ = (uint8_t)rand();
}

/* RTP with @cc CSRCs, an extension of @ext words if >= 0, @plen payload. */
static size_t make_rtp(uint8_t *b, uint16_t seq, int cc, int ext, size_t plen)
{
	size_t n = 12;

	b[0] = 0x80 | (ext >= 0 ? 0x10 : 0) | (uint8_t)cc;
	b[1] = 96;
	b[2] = seq >> 8;
	b[3] = seq & 0xff;
	memset(b + 4, 0x11, 4);
	b[8] = SSRC >> 24; b[9] = (SSRC >> 16) & 0xff;
	b[10] = (SSRC >> 8) & 0xff; b[11] = SSRC & 0xff;
	rnd(b + n, 4 * (size_t)cc);
	n += 4 * (size_t)cc;
	if (ext >= 0) {
		b[n] = 0xbe; b[n + 1] = 0xde; b[n + 2] = 0; b[n + 3] = (uint8_t)ext;
		rnd(b + n + 4, 4 * (size_t)ext);
		n += 4 + 4 * (size_t)ext;
	}
	rnd(b + n, plen);
	return n + plen;
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (; n > 1; p += 2, n -= 2)
		s += (uint32_t)(p[0] << 8 | p[1]);
	if (n)
		s += (uint32_t)(p[0] << 8);
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* UDP header + payload at @u, checksum over @n bytes with the pseudo-header. */
static void udp_fill(uint8_t *u, const uint8_t *pl, size_t plen, uint16_t ulen_field,
		     bool v6, const void *src, const void *dst, size_t csum_len, bool csum)
{
	uint32_t s;
	uint16_t c;

	u[0] = PORT_B >> 8; u[1] = PORT_B & 0xff;
	u[2] = PORT_A >> 8; u[3] = PORT_A & 0xff;
	u[4] = ulen_field >> 8; u[5] = ulen_field & 0xff;
	u[6] = u[7] = 0;
	memcpy(u + 8, pl, plen);
	if (!csum)
		return;
	s = sum16(src, v6 ? 16 : 4, 0);
	s = sum16(dst, v6 ? 16 : 4, s);
	s += 17 + (uint32_t)csum_len;
	if (v6)
		s += (uint32_t)(csum_len >> 16);
	s = sum16(u, csum_len, s);
	c = fold(s);
	if (!c)
		c = 0xffff;
	u[6] = c >> 8;
	u[7] = c & 0xff;
}

FIXTURE(inj) {
	struct ksrtp_nl nl;
	int sa, sb, sa6, sb6;		/* application and peer sockets */
	int raw4, pk6;			/* in B */
	struct sockaddr_ll ll;		/* vb, to va's MAC */
	uint8_t mac_a[6], mac_b[6];
	uint32_t f4, f6;
	srtp_t tx;			/* B's libsrtp: makes A's RX */
	uint16_t seq;
	struct in_addr a4, b4;
	struct in6_addr a6, b6;
	/*
	 * Where what the flows accept arrives: A's application (sa, sa6), or
	 * in the relay variant B's sockets on the relays' other legs.
	 */
	int rx4, rx6;
	int so4, so6;			/* in B: B:6002 <- A:5002 (relay) */
	uint32_t o4, o6;		/* the relays' other legs, clear */
};

/*
 * relay: each SECURE flow is leg A of a relay whose leg B is a clear flow
 * A:5002 <-> B:6002; what A accepts leaves on it to B:6002 instead of
 * reaching A's application, which must get nothing.  The same forgeries
 * must relay nothing malformed and count the same.
 */
FIXTURE_VARIANT(inj) {
	bool relay;
};

FIXTURE_VARIANT_ADD(inj, direct) {
	.relay = false,
};

FIXTURE_VARIANT_ADD(inj, relay) {
	.relay = true,
};

static int udp_sock(int ns, int fam, const char *ip, int port, const char *peer, int pport)
{
	struct sockaddr_storage a, p;
	struct timeval tv = { .tv_sec = 3 };
	socklen_t len;
	int fd;

	memset(&a, 0, sizeof(a));
	memset(&p, 0, sizeof(p));
	if (fam == AF_INET) {
		struct sockaddr_in *x = (void *)&a, *y = (void *)&p;

		x->sin_family = y->sin_family = AF_INET;
		x->sin_port = htons(port);
		y->sin_port = htons(pport);
		inet_pton(AF_INET, ip, &x->sin_addr);
		inet_pton(AF_INET, peer, &y->sin_addr);
		len = sizeof(*x);
	} else {
		struct sockaddr_in6 *x = (void *)&a, *y = (void *)&p;

		x->sin6_family = y->sin6_family = AF_INET6;
		x->sin6_port = htons(port);
		y->sin6_port = htons(pport);
		inet_pton(AF_INET6, ip, &x->sin6_addr);
		inet_pton(AF_INET6, peer, &y->sin6_addr);
		len = sizeof(*x);
	}
	if (enter(ns))
		return -1;
	fd = socket(fam, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (bind(fd, (void *)&a, len) || connect(fd, (void *)&p, len))
		return -1;
	return fd;
}

static int mac_of(int ns, const char *dev, uint8_t *mac)
{
	struct ifreq ifr;
	int fd, ret;

	if (enter(ns))
		return -1;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	ret = ioctl(fd, SIOCGIFHWADDR, &ifr);
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	return ret;
}

static const uint8_t master[30] = "0123456789abcdefghijklmnopqrs";

static int flow_add(struct ksrtp_nl *nl, const char *l, const char *r, uint32_t *id)
{
	struct ksrtp_flow_info f = {
		.mode = KSRTP_FLOW_MODE_SECURE,
		.policy = KSRTP_POLICY_REQUIRE_SECURE,
	}, got;
	struct ksrtp_key_req k = {
		.profile = KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_80,
		.key_len = 16, .salt_len = 14,
	};
	int ret;

	if (ksrtp_parse_sockaddr(l, &f.local) || ksrtp_parse_sockaddr(r, &f.remote))
		return -EINVAL;
	ret = ksrtp_nl_flow_new(nl, &f, &got);
	if (ret)
		return ret;
	*id = got.id;
	k.flow_id = got.id;
	k.dir = KSRTP_KEY_DIR_RX;
	memcpy(k.key, master, 16);
	memcpy(k.salt, master + 16, 14);
	ret = ksrtp_nl_key_new(nl, &k);
	if (ret)
		return ret;
	/* A TX key too, so A's own sends are SRTP (unused here) */
	k.dir = KSRTP_KEY_DIR_TX;
	memcpy(k.key, master, 16);
	memcpy(k.salt, master + 16, 14);
	return ksrtp_nl_key_new(nl, &k);
}

FIXTURE_SETUP(inj)
{
	srtp_policy_t pol;
	uint8_t key[30];

	srand((unsigned int)getpid());
	ASSERT_EQ(0, ksrtp_load());
	ASSERT_EQ(srtp_err_status_ok, srtp_init());
	ASSERT_LE(0, hosts.fd_a);
	self->seq = 1000;
	inet_pton(AF_INET, "10.99.0.1", &self->a4);
	inet_pton(AF_INET, "10.99.0.2", &self->b4);
	inet_pton(AF_INET6, "fd99::1", &self->a6);
	inet_pton(AF_INET6, "fd99::2", &self->b6);

	self->sb = udp_sock(hosts.fd_b, AF_INET, "10.99.0.2", PORT_B, "10.99.0.1", PORT_A);
	ASSERT_LE(0, self->sb);
	self->sb6 = udp_sock(hosts.fd_b, AF_INET6, "fd99::2", PORT_B, "fd99::1", PORT_A);
	ASSERT_LE(0, self->sb6);
	ASSERT_EQ(0, enter(hosts.fd_b));
	self->raw4 = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	ASSERT_LE(0, self->raw4);
	self->pk6 = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IPV6));
	ASSERT_LE(0, self->pk6);
	ASSERT_EQ(0, mac_of(hosts.fd_b, "vb", self->mac_b));
	memset(&self->ll, 0, sizeof(self->ll));
	self->ll.sll_family = AF_PACKET;
	self->ll.sll_protocol = htons(ETH_P_IPV6);
	self->ll.sll_ifindex = (int)if_nametoindex("vb");
	self->ll.sll_halen = 6;
	ASSERT_LT(0, self->ll.sll_ifindex);

	self->sa = udp_sock(hosts.fd_a, AF_INET, "10.99.0.1", PORT_A, "10.99.0.2", PORT_B);
	ASSERT_LE(0, self->sa);
	self->sa6 = udp_sock(hosts.fd_a, AF_INET6, "fd99::1", PORT_A, "fd99::2", PORT_B);
	ASSERT_LE(0, self->sa6);
	ASSERT_EQ(0, mac_of(hosts.fd_a, "va", self->mac_a));
	memcpy(self->ll.sll_addr, self->mac_a, 6);
	ASSERT_EQ(0, ksrtp_nl_open(&self->nl));
	ASSERT_EQ(0, flow_add(&self->nl, "10.99.0.1:5000", "10.99.0.2:6000", &self->f4));
	ASSERT_EQ(0, flow_add(&self->nl, "[fd99::1]:5000", "[fd99::2]:6000", &self->f6));
	self->rx4 = self->sa;
	self->rx6 = self->sa6;
	self->so4 = self->so6 = -1;
	if (variant->relay) {
		struct ksrtp_flow_info o = { .mode = KSRTP_FLOW_MODE_DIVERT }, got;
		struct ksrtp_relay_info ri;

		ASSERT_EQ(0, ksrtp_parse_sockaddr("10.99.0.1:5002", &o.local));
		ASSERT_EQ(0, ksrtp_parse_sockaddr("10.99.0.2:6002", &o.remote));
		ASSERT_EQ(0, ksrtp_nl_flow_new(&self->nl, &o, &got));
		self->o4 = got.id;
		ASSERT_EQ(0, ksrtp_parse_sockaddr("[fd99::1]:5002", &o.local));
		ASSERT_EQ(0, ksrtp_parse_sockaddr("[fd99::2]:6002", &o.remote));
		ASSERT_EQ(0, ksrtp_nl_flow_new(&self->nl, &o, &got));
		self->o6 = got.id;
		ASSERT_EQ(0, ksrtp_nl_relay_new(&self->nl, self->f4, self->o4, &ri));
		ASSERT_EQ(0, ksrtp_nl_relay_new(&self->nl, self->f6, self->o6, &ri));
		self->so4 = udp_sock(hosts.fd_b, AF_INET, "10.99.0.2", PORT_B + 2,
				     "10.99.0.1", PORT_A + 2);
		ASSERT_LE(0, self->so4);
		self->so6 = udp_sock(hosts.fd_b, AF_INET6, "fd99::2", PORT_B + 2,
				     "fd99::1", PORT_A + 2);
		ASSERT_LE(0, self->so6);
		ASSERT_EQ(0, enter(hosts.fd_a));
		self->rx4 = self->so4;
		self->rx6 = self->so6;
	}

	memset(&pol, 0, sizeof(pol));
	srtp_crypto_policy_set_rtp_default(&pol.rtp);
	srtp_crypto_policy_set_rtcp_default(&pol.rtcp);
	pol.ssrc.type = ssrc_any_outbound;
	memcpy(key, master, sizeof(key));
	pol.key = key;
	pol.window_size = 1024;
	pol.allow_repeat_tx = 1;
	ASSERT_EQ(srtp_err_status_ok, srtp_create(&self->tx, &pol));
}

FIXTURE_TEARDOWN(inj)
{
	struct ksrtp_flow_info f = { .id = self->f4 };

	ksrtp_nl_flow_del(&self->nl, &f);
	f.id = self->f6;
	ksrtp_nl_flow_del(&self->nl, &f);
	if (variant->relay) {
		f.id = self->o4;
		ksrtp_nl_flow_del(&self->nl, &f);
		f.id = self->o6;
		ksrtp_nl_flow_del(&self->nl, &f);
		close(self->so4);
		close(self->so6);
	}
	ksrtp_nl_close(&self->nl);
	srtp_dealloc(self->tx);
	close(self->sa);
	close(self->sb);
	close(self->sa6);
	close(self->sb6);
	close(self->raw4);
	close(self->pk6);
}

static uint64_t stat(struct ksrtp_nl *nl, uint32_t flow, unsigned int which)
{
	struct ksrtp_flow_info f = { .id = flow };
	struct ksrtp_flow_stats st;

	if (ksrtp_nl_stats_get(nl, &f, &st))
		return ~0ULL;
	return st.c[which];
}

/* Every counter of @flow, to see which one moved. */
static void stats(struct ksrtp_nl *nl, uint32_t flow, uint64_t *c)
{
	unsigned int i;

	for (i = 0; i < KSRTP_NL_NSTATS; i++)
		c[i] = stat(nl, flow, i);
}

/* SRTP of a fresh RTP packet with @plen payload into @w; RTP into @rtp. */
static int srtp_of(FIXTURE_DATA(inj) *self, uint8_t *rtp, size_t *n, uint8_t *w,
		   size_t plen)
{
	int len;

	*n = make_rtp(rtp, self->seq++, 0, -1, plen);
	memcpy(w, rtp, *n);
	len = (int)*n;
	if (srtp_protect(self->tx, w, &len) != srtp_err_status_ok)
		return -1;
	return len;
}

/*
 * The sentinel: a good SRTP packet from B's socket; A's application must
 * read its RTP as the first datagram (so the forgery was not delivered),
 * and then nothing else.
 */
static void sentinel(struct __test_metadata *_metadata, FIXTURE_DATA(inj) *self, bool v6)
{
	uint8_t rtp[MAXPKT], w[MAXPKT], got[MAXPKT];
	size_t n;
	int len = srtp_of(self, rtp, &n, w, 100);

	ASSERT_LT(0, len);
	ASSERT_EQ(len, send(v6 ? self->sb6 : self->sb, w, (size_t)len, 0));
	ASSERT_EQ((ssize_t)n, recv(v6 ? self->rx6 : self->rx4, got, sizeof(got), 0))
		TH_LOG("the forged packet was delivered (or the sentinel lost)");
	ASSERT_EQ(0, memcmp(rtp, got, n)) TH_LOG("the forged packet was delivered");
	EXPECT_EQ(-1, recv(v6 ? self->rx6 : self->rx4, got, sizeof(got), MSG_DONTWAIT));
	/* Relayed: A's application gets nothing at all. */
	EXPECT_EQ(-1, recv(v6 ? self->sa6 : self->sa, got, sizeof(got), MSG_DONTWAIT));
}

/*
 * Only counter @which moved, by @by (0: none moved), besides the
 * sentinel's RX_PACKETS/RX_BYTES and the @delivered packets.
 */
static void moved(struct __test_metadata *_metadata, FIXTURE_DATA(inj) *self,
		  uint32_t flow, const uint64_t *before, unsigned int which,
		  uint64_t by, uint64_t delivered)
{
	uint64_t now[KSRTP_NL_NSTATS];
	unsigned int i;

	stats(&self->nl, flow, now);
	for (i = 1; i < KSRTP_NL_NSTATS; i++) {
		uint64_t want = before[i];

		if (i == KSRTP_A_STATS_RX_BYTES || i == KSRTP_A_STATS_RELAY_BYTES)
			continue;
		if (i == KSRTP_A_STATS_RX_PACKETS ||
		    (i == KSRTP_A_STATS_RELAY_PACKETS && self->rx4 != self->sa))
			want += 1 + delivered;
		else if (i == which)
			want += by;
		EXPECT_EQ(want, now[i]) TH_LOG("counter %u", i);
	}
}

static int got_cb(const struct ksrtp_nl_event *e, void *arg)
{
	struct ksrtp_nl_event **out = arg;

	*out = malloc(sizeof(*e));
	if (*out)
		memcpy(*out, e, sizeof(*e));
	return 1;
}

/* ---- IPv4: IP_HDRINCL from B ---- */

/*
 * An IPv4 packet from B:6000 to A:5000 with the UDP datagram @u of @ulen
 * bytes (its header already filled) as the fragment at byte @off of @more.
 */
static size_t ip4(FIXTURE_DATA(inj) *self, uint8_t *f, const uint8_t *u, size_t n,
		  size_t off, bool more, uint16_t id)
{
	struct iphdr *ip = (struct iphdr *)f;

	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->id = htons(id);
	ip->frag_off = htons((uint16_t)((off / 8) | (more ? IP_MF : 0)));
	ip->saddr = self->b4.s_addr;
	ip->daddr = self->a4.s_addr;
	memcpy(f + 20, u, n);
	ip->tot_len = htons((uint16_t)(20 + n));
	return 20 + n;
}

static void send4(struct __test_metadata *_metadata, FIXTURE_DATA(inj) *self,
		  const uint8_t *f, size_t n)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr = self->a4 };

	ASSERT_EQ((ssize_t)n, sendto(self->raw4, f, n, 0, (struct sockaddr *)&to, sizeof(to)));
}

/* A UDP datagram of @pl with UDP length @ulen, whole, from B's raw socket. */
static void udp4(struct __test_metadata *_metadata, FIXTURE_DATA(inj) *self,
		 const uint8_t *pl, size_t plen, uint16_t ulen, bool csum)
{
	uint8_t u[MAXPKT], f[MAXPKT];

	udp_fill(u, pl, plen, ulen, false, &self->b4, &self->a4, 8 + plen, csum);
	send4(_metadata, self, f, ip4(self, f, u, 8 + plen, 0, false, (uint16_t)rand()));
}

/* The first probe: 4 trailing bytes, checksum 0, clear RTP. */
TEST_F(inj, v4_udp_length_shorter_than_ip)
{
	uint8_t rtp[MAXPKT];
	uint64_t c[KSRTP_NL_NSTATS];
	size_t n = make_rtp(rtp, self->seq++, 0, -1, 160);

	stats(&self->nl, self->f4, c);
	udp4(_metadata, self, rtp, n + 4, (uint16_t)(8 + n), false);
	sentinel(_metadata, self, false);
	moved(_metadata, self, self->f4, c, KSRTP_A_STATS_RX_MALFORMED, 1, 0);
}

/* Good SRTP, but a UDP length 4 short of it: not passed, not unprotected. */
TEST_F(inj, v4_srtp_with_short_udp_length)
{
	uint8_t rtp[MAXPKT], w[MAXPKT];
	uint64_t c[KSRTP_NL_NSTATS];
	size_t n;
	int len = srtp_of(self, rtp, &n, w, 160);

	stats(&self->nl, self->f4, c);
	udp4(_metadata, self, w, (size_t)len, (uint16_t)(8 + len - 4), true);
	sentinel(_metadata, self, false);
	moved(_metadata, self, self->f4, c, KSRTP_A_STATS_RX_MALFORMED, 1, 0);
}

TEST_F(inj, v4_udp_length_longer_than_ip)
{
	uint8_t rtp[MAXPKT];
	uint64_t c[KSRTP_NL_NSTATS];
	size_t n = make_rtp(rtp, self->seq++, 0, -1, 160);

	stats(&self->nl, self->f4, c);
	udp4(_metadata, self, rtp, n, (uint16_t)(8 + n + 40), false);
	sentinel(_metadata, self, false);
	moved(_metadata, self, self->f4, c, KSRTP_A_STATS_RX_MALFORMED, 1, 0);
}

TEST_F(inj, v4_udp_length_below_header)
{
	uint8_t rtp[MAXPKT];
	uint64_t c[KSRTP_NL_NSTATS];
	size_t n = make_rtp(rtp, self->seq++, 0, -1, 160);

	stats(&self->nl, self->f4, c);
	udp4(_metadata, self, rtp, n, 4, false);
	sentinel(_metadata, self, false);
	moved(_metadata, self, self->f4, c, KSRTP_A_STATS_RX_MALFORMED, 1, 0);
}

TEST_F(inj, v4_bad_checksum)
{
	uint8_t rtp[MAXPKT], w[MAXPKT], u[MAXPKT], f[MAXPKT];
	uint64_t c[KSRTP_NL_NSTATS];
	size_t n;
	int len = srtp_of(self, rtp, &n, w, 160);

	stats(&self->nl, self->f4, c);
	udp_fill(u, w, (size_t)len, (uint16_t)(8 + len), false, &self->b4, &self->a4,
		 8 + (size_t)len, true);
	u[7] ^= 0x5a;
	send4(_metadata, self, f, ip4(self, f, u, 8 + (size_t)len, 0, false, 7));
	sentinel(_metadata, self, false);
	moved(_metadata, self, self->f4, c, KSRTP_A_STATS_RX_MALFORMED, 1, 0);
}

/* RTP headers that end past the packet: truncated, CSRCs, extension. */
TEST_F(inj, v4_rtp_header_past_the_end)
{
	uint8_t rtp[MAXPKT];
	uint64_t c[KSRTP_NL_NSTATS];
	size_t n;

	stats(&self->nl, self->f4, c);
	n = make_rtp(rtp, self->seq++, 0, -1, 0);
	udp4(_metadata, self, rtp, 7, 8 + 7, true);		/* 7 of 12 bytes */
	sentinel(_metadata, self, false);
	moved(_metadata, self, self->f4, c, KSRTP_A_STATS_RX_MALFORMED, 1, 0);

	stats(&self->nl, self->f4, c);
	n = make_rtp(rtp, self->seq++, 15, -1, 0);		/* 15 CSRCs, 40 bytes */
	udp4(_metadata, self, rtp, 12 + 28, 8 + 12 + 28, true);
	sentinel(_metadata, self, false);
	moved(_metadata, self, self->f4, c, KSRTP_A_STATS_RX_MALFORMED, 1, 0);

	stats(&self->nl, self->f4, c);
	n = make_rtp(rtp, self->seq++, 0, 200, 0);		/* 200-word extension */
	udp4(_metadata, self, rtp, 12 + 4 + 40, 8 + 12 + 4 + 40, true);
	sentinel(_metadata, self, false);
	moved(_metadata, self, self->f4, c, KSRTP_A_STATS_RX_MALFORMED, 1, 0);
	(void)n;
}

/*
 * IPv4 fragments: ip_local_deliver() reassembles before LOCAL_IN, so the
 * hook judges the whole datagram: good SRTP in 2 or 3 pieces is delivered,
 * clear RTP in pieces is not authentic, overlapping pieces never arrive.
 */
static void frags4(struct __test_metadata *_metadata, FIXTURE_DATA(inj) *self,
		   const uint8_t *pl, size_t plen, const size_t (*piece)[2], int n,
		   uint16_t id)
{
	uint8_t u[MAXPKT], f[MAXPKT];
	int i;

	udp_fill(u, pl, plen, (uint16_t)(8 + plen), false, &self->b4, &self->a4,
		 8 + plen, true);
	for (i = 0; i < n; i++) {
		size_t end = piece[i][1] ? piece[i][1] : 8 + plen;

		send4(_metadata, self, f, ip4(self, f, u + piece[i][0],
					      end - piece[i][0], piece[i][0],
					      i < n - 1, id));
	}
}

TEST_F(inj, v4_fragments)
{
	uint8_t rtp[MAXPKT], w[MAXPKT], got[MAXPKT];
	uint64_t c[KSRTP_NL_NSTATS];
	/* byte ranges of the UDP datagram; 0 as an end: to the end */
	const size_t two[][2] = { { 0, 96 }, { 96, 0 } };
	const size_t three[][2] = { { 0, 64 }, { 64, 200 }, { 200, 0 } };
	const size_t overlap[][2] = { { 0, 96 }, { 88, 200 }, { 200, 0 } };
	size_t n;
	int len;

	/* 2 pieces of good SRTP: delivered once */
	stats(&self->nl, self->f4, c);
	len = srtp_of(self, rtp, &n, w, 300);
	frags4(_metadata, self, w, (size_t)len, two, 2, 0x1001);
	ASSERT_EQ((ssize_t)n, recv(self->rx4, got, sizeof(got), 0));
	ASSERT_EQ(0, memcmp(rtp, got, n));
	sentinel(_metadata, self, false);
	moved(_metadata, self, self->f4, c, 0, 0, 1);

	/* 3 pieces */
	stats(&self->nl, self->f4, c);
	len = srtp_of(self, rtp, &n, w, 300);
	frags4(_metadata, self, w, (size_t)len, three, 3, 0x1002);
	ASSERT_EQ((ssize_t)n, recv(self->rx4, got, sizeof(got), 0));
	ASSERT_EQ(0, memcmp(rtp, got, n));
	sentinel(_metadata, self, false);
	moved(_metadata, self, self->f4, c, 0, 0, 1);

	/* clear RTP in 3 pieces: judged whole, not authentic */
	stats(&self->nl, self->f4, c);
	n = make_rtp(rtp, self->seq++, 0, -1, 300);
	frags4(_metadata, self, rtp, n, three, 3, 0x1003);
	sentinel(_metadata, self, false);
	moved(_metadata, self, self->f4, c, KSRTP_A_STATS_RX_AUTH_FAIL, 1, 0);

	/* overlapping pieces (88 < 96) of clear RTP: IPv4 drops the datagram */
	stats(&self->nl, self->f4, c);
	n = make_rtp(rtp, self->seq++, 0, -1, 300);
	frags4(_metadata, self, rtp, n, overlap, 3, 0x1004);
	sentinel(_metadata, self, false);
	moved(_metadata, self, self->f4, c, 0, 0, 0);
}

/* ---- IPv6: Ethernet frames on vb ---- */

/*
 * A frame to A: IPv6 from fd99::2 to fd99::1, first next header @nh,
 * then @ext (extension headers, @next chained inside by the caller), then
 * @l4 of @n bytes.
 */
static void send6(struct __test_metadata *_metadata, FIXTURE_DATA(inj) *self,
		  uint8_t nh, const uint8_t *ext, size_t elen, const uint8_t *l4, size_t n)
{
	uint8_t f[MAXPKT + 128];
	size_t plen = elen + n;

	memcpy(f, self->mac_a, 6);
	memcpy(f + 6, self->mac_b, 6);
	f[12] = 0x86; f[13] = 0xdd;
	memset(f + 14, 0, 40);
	f[14] = 0x60;
	f[18] = (uint8_t)(plen >> 8);
	f[19] = plen & 0xff;
	f[20] = nh;
	f[21] = 64;
	memcpy(f + 22, &self->b6, 16);
	memcpy(f + 38, &self->a6, 16);
	memcpy(f + 54, ext, elen);
	memcpy(f + 54 + elen, l4, n);
	ASSERT_EQ((ssize_t)(54 + plen), sendto(self->pk6, f, 54 + plen, 0,
					       (struct sockaddr *)&self->ll,
					       sizeof(self->ll)));
}

/* A fragment header: next @nh, byte offset @off, more @m. */
static void fraghdr(uint8_t *h, uint8_t nh, size_t off, bool m, uint32_t id)
{
	uint16_t fo = (uint16_t)(off | (m ? 1 : 0));

	h[0] = nh;
	h[1] = 0;
	h[2] = fo >> 8;
	h[3] = fo & 0xff;
	h[4] = id >> 24; h[5] = (id >> 16) & 0xff; h[6] = (id >> 8) & 0xff; h[7] = id & 0xff;
}

/* Sanity of the frame builder: a well-formed frame of good SRTP arrives. */
TEST_F(inj, v6_good_frame_delivered)
{
	uint8_t rtp[MAXPKT], w[MAXPKT], u[MAXPKT], got[MAXPKT];
	uint64_t c[KSRTP_NL_NSTATS];
	size_t n;
	int len = srtp_of(self, rtp, &n, w, 160);

	stats(&self->nl, self->f6, c);
	udp_fill(u, w, (size_t)len, (uint16_t)(8 + len), true, &self->b6, &self->a6,
		 8 + (size_t)len, true);
	send6(_metadata, self, IPPROTO_UDP, NULL, 0, u, 8 + (size_t)len);
	ASSERT_EQ((ssize_t)n, recv(self->rx6, got, sizeof(got), 0));
	ASSERT_EQ(0, memcmp(rtp, got, n));
	sentinel(_metadata, self, true);
	moved(_metadata, self, self->f6, c, 0, 0, 1);
}

/* The second probe: UDP length 0 (jumbo style), good checksum. */
TEST_F(inj, v6_udp_length_zero)
{
	uint8_t rtp[MAXPKT], u[MAXPKT];
	uint64_t c[KSRTP_NL_NSTATS];
	size_t n = make_rtp(rtp, self->seq++, 0, -1, 160);

	stats(&self->nl, self->f6, c);
	udp_fill(u, rtp, n, 0, true, &self->b6, &self->a6, 8 + n, true);
	send6(_metadata, self, IPPROTO_UDP, NULL, 0, u, 8 + n);
	sentinel(_metadata, self, true);
	moved(_metadata, self, self->f6, c, KSRTP_A_STATS_RX_MALFORMED, 1, 0);
}

TEST_F(inj, v6_udp_length_shorter_than_ip)
{
	uint8_t rtp[MAXPKT], u[MAXPKT];
	uint64_t c[KSRTP_NL_NSTATS];
	size_t n = make_rtp(rtp, self->seq++, 0, -1, 160);

	stats(&self->nl, self->f6, c);
	udp_fill(u, rtp, n + 4, (uint16_t)(8 + n), true, &self->b6, &self->a6, 8 + n, true);
	send6(_metadata, self, IPPROTO_UDP, NULL, 0, u, 8 + n + 4);
	sentinel(_metadata, self, true);
	moved(_metadata, self, self->f6, c, KSRTP_A_STATS_RX_MALFORMED, 1, 0);
}

TEST_F(inj, v6_zero_checksum)
{
	uint8_t rtp[MAXPKT], w[MAXPKT], u[MAXPKT];
	uint64_t c[KSRTP_NL_NSTATS];
	size_t n;
	int len = srtp_of(self, rtp, &n, w, 160);

	stats(&self->nl, self->f6, c);
	udp_fill(u, w, (size_t)len, (uint16_t)(8 + len), true, &self->b6, &self->a6,
		 8 + (size_t)len, false);
	send6(_metadata, self, IPPROTO_UDP, NULL, 0, u, 8 + (size_t)len);
	sentinel(_metadata, self, true);
	moved(_metadata, self, self->f6, c, KSRTP_A_STATS_RX_MALFORMED, 1, 0);
}

/*
 * IPv6 fragments reach LOCAL_IN unreassembled, and the reassembled
 * datagram never passes it: the first fragment of a flow (it holds the
 * ports) is dropped, so the datagram is never whole; the others have no
 * ports and time out in the reassembly queue.  Clear or SRTP alike.
 */
static void frags6(struct __test_metadata *_metadata, FIXTURE_DATA(inj) *self,
		   const uint8_t *u, size_t n, size_t cut, uint32_t id)
{
	uint8_t fh[8];

	fraghdr(fh, IPPROTO_UDP, 0, true, id);
	send6(_metadata, self, 44, fh, 8, u, cut);
	fraghdr(fh, IPPROTO_UDP, cut, false, id);
	send6(_metadata, self, 44, fh, 8, u + cut, n - cut);
}

TEST_F(inj, v6_fragments)
{
	uint8_t rtp[MAXPKT], w[MAXPKT], u[MAXPKT];
	uint64_t c[KSRTP_NL_NSTATS];
	size_t n;
	int len;

	/* clear RTP in two fragments */
	stats(&self->nl, self->f6, c);
	n = make_rtp(rtp, self->seq++, 0, -1, 160);
	udp_fill(u, rtp, n, (uint16_t)(8 + n), true, &self->b6, &self->a6, 8 + n, true);
	frags6(_metadata, self, u, 8 + n, 96, 0x6001);
	sentinel(_metadata, self, true);
	moved(_metadata, self, self->f6, c, KSRTP_A_STATS_RX_MALFORMED, 1, 0);

	/* good SRTP in two fragments: cannot be checked whole, dropped too */
	stats(&self->nl, self->f6, c);
	len = srtp_of(self, rtp, &n, w, 160);
	udp_fill(u, w, (size_t)len, (uint16_t)(8 + len), true, &self->b6, &self->a6,
		 8 + (size_t)len, true);
	frags6(_metadata, self, u, 8 + (size_t)len, 64, 0x6002);
	sentinel(_metadata, self, true);
	moved(_metadata, self, self->f6, c, KSRTP_A_STATS_RX_MALFORMED, 1, 0);

	/* an atomic fragment (offset 0, no M) of good SRTP: dropped */
	stats(&self->nl, self->f6, c);
	len = srtp_of(self, rtp, &n, w, 160);
	udp_fill(u, w, (size_t)len, (uint16_t)(8 + len), true, &self->b6, &self->a6,
		 8 + (size_t)len, true);
	{
		uint8_t fh[8];

		fraghdr(fh, IPPROTO_UDP, 0, false, 0x6003);
		send6(_metadata, self, 44, fh, 8, u, 8 + (size_t)len);
	}
	sentinel(_metadata, self, true);
	moved(_metadata, self, self->f6, c, KSRTP_A_STATS_RX_MALFORMED, 1, 0);
}

/*
 * RFC 7112: a first fragment without the UDP header (a destination
 * options header pushes it into the second) has no ports to match; the
 * kernel discards it (ipv6frag_thdr_truncated), so nothing is delivered.
 */
TEST_F(inj, v6_first_fragment_without_udp_header)
{
	uint8_t rtp[MAXPKT], u[MAXPKT], ext[16], dst[8 + MAXPKT];
	uint64_t c[KSRTP_NL_NSTATS];
	size_t n = make_rtp(rtp, self->seq++, 0, -1, 160);

	stats(&self->nl, self->f6, c);
	udp_fill(u, rtp, n, (uint16_t)(8 + n), true, &self->b6, &self->a6, 8 + n, true);
	/* the fragmentable part: dstopts (8 bytes: PadN) then UDP */
	dst[0] = IPPROTO_UDP; dst[1] = 0; dst[2] = 1; dst[3] = 4;
	memset(dst + 4, 0, 4);
	memcpy(dst + 8, u, 8 + n);
	fraghdr(ext, 60, 0, true, 0x6004);
	send6(_metadata, self, 44, ext, 8, dst, 8);
	fraghdr(ext, 60, 8, false, 0x6004);
	send6(_metadata, self, 44, ext, 8, dst + 8, 8 + n);
	sentinel(_metadata, self, true);
	moved(_metadata, self, self->f6, c, 0, 0, 0);
}

/*
 * A routing header with segments left: this host is a waypoint and would
 * forward the packet (ipv6_rthdr_rcv), so unprotecting it would send the
 * media on in clear.  Dropped and counted, never unprotected.
 */
TEST_F(inj, v6_routing_header_segments_left)
{
	uint8_t rtp[MAXPKT], w[MAXPKT], u[MAXPKT], rh[40];
	uint64_t c[KSRTP_NL_NSTATS];
	struct in6_addr far;
	size_t n;
	int len = srtp_of(self, rtp, &n, w, 160);

	stats(&self->nl, self->f6, c);
	inet_pton(AF_INET6, "fd99::77", &far);
	/* summed as the hook would check it, to the current destination */
	udp_fill(u, w, (size_t)len, (uint16_t)(8 + len), true, &self->b6, &self->a6,
		 8 + (size_t)len, true);
	/* RFC 8754 segment routing header, 2 segments, 1 left */
	memset(rh, 0, sizeof(rh));
	rh[0] = IPPROTO_UDP;
	rh[1] = 4;		/* (40 - 8) / 8 */
	rh[2] = 4;		/* SRH */
	rh[3] = 1;		/* segments left */
	rh[4] = 1;		/* last entry */
	memcpy(rh + 8, &far, 16);
	memcpy(rh + 24, &self->a6, 16);
	send6(_metadata, self, 43, rh, sizeof(rh), u, 8 + (size_t)len);
	sentinel(_metadata, self, true);
	moved(_metadata, self, self->f6, c, KSRTP_A_STATS_RX_MALFORMED, 1, 0);
}

#ifndef UDP_GRO
#define UDP_GRO 104
#endif

/* A legacy ethtool switch (ETHTOOL_SGRO, _STSO) of @dev in @ns. */
static int ethtool_set(int ns, const char *dev, uint32_t cmd, int on)
{
	struct ethtool_value ev = { .cmd = cmd, .data = (uint32_t)on };
	struct ifreq ifr;
	int fd, ret;

	if (enter(ns))
		return -1;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	ifr.ifr_data = (void *)&ev;
	ret = ioctl(fd, SIOCETHTOOL, &ifr);
	close(fd);
	return ret;
}

/*
 * GRO on A's veth: 6.1's veth gives va a NAPI instance when GRO is
 * switched on, and hands it B's skbs only if vb does no TSO
 * (veth_skb_is_eligible_for_gro).
 */
static int veth_gro(int on)
{
	if (ethtool_set(hosts.fd_b, "vb", ETHTOOL_STSO, !on))
		return -1;
	if (on && ethtool_set(hosts.fd_a, "va", ETHTOOL_SGRO, 0))
		return -1;
	return ethtool_set(hosts.fd_a, "va", ETHTOOL_SGRO, on);
}

/*
 * A GRO batch (the application asked for UDP_GRO; A's veth does GRO) on a
 * flow in RX_TRIAL (DIVERT, so the trial never ends): each datagram in it would need its own check, so the
 * batch is refused whole (gso_refused), never delivered as it is (SRTP to
 * the application) nor taken for clear.  What is delivered outside a
 * batch is RTP.  Whether GRO forms a batch depends on how many packets
 * one NAPI poll finds: if none formed, the case is skipped.
 */
TEST_F(inj, v4_gro_batch_refused)
{
	struct ksrtp_flow_info f = { .id = self->f4, .mode = KSRTP_FLOW_MODE_DIVERT,
				     .policy = KSRTP_POLICY_RX_TRIAL };
	uint8_t rtp[16][MAXPKT], w[16][MAXPKT], got[MAXPKT], big[MAXPKT], bw[MAXPKT];
	struct mmsghdr mm[16];
	struct iovec iov[16];
	uint64_t c[KSRTP_NL_NSTATS], refused;
	size_t n[16], bn;
	int i, on = 1, delivered = 0, round, len;

	ASSERT_EQ(0, ksrtp_nl_flow_set(&self->nl, &f));
	ASSERT_EQ(0, veth_gro(1));
	/*
	 * Threaded NAPI: the poll runs in a kthread, so datagrams pile up in
	 * the veth's ring while it is not running, and GRO sees several.
	 */
	sh("/sbin/ip netns exec %s sh -c 'echo 1 > /sys/class/net/va/threaded'", hosts.a);
	ASSERT_EQ(0, setsockopt(self->sa, IPPROTO_UDP, UDP_GRO, &on, sizeof(on)));
	stats(&self->nl, self->f4, c);
	for (round = 0; round < 8; round++) {
		memset(mm, 0, sizeof(mm));
		for (i = 0; i < 16; i++) {
			len = srtp_of(self, rtp[i], &n[i], w[i], 40);
			ASSERT_LT(0, len);
			iov[i].iov_base = w[i];
			iov[i].iov_len = (size_t)len;
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
		}
		ASSERT_EQ(16, sendmmsg(self->sb, mm, 16, 0));
		/*
		 * Then a larger one (it ends any batch): every datagram read
		 * before it is one of the 16, alone and clear.
		 */
		len = srtp_of(self, big, &bn, bw, 100);
		ASSERT_EQ(len, send(self->sb, bw, (size_t)len, 0));
		for (;;) {
			ssize_t r = recv(self->rx4, got, sizeof(got), 0);

			ASSERT_LT(0, r) TH_LOG("the last datagram was lost");
			if (r == (ssize_t)bn && !memcmp(got, big, bn))
				break;
			ASSERT_EQ((ssize_t)n[0], r) TH_LOG("a batch or SRTP was delivered");
			/* RTP: version 2 and the SSRC, in clear */
			ASSERT_EQ(0x80, got[0]);
			ASSERT_EQ(0, memcmp(got + 8, rtp[0] + 8, 4));
			delivered++;
		}
	}
	refused = stat(&self->nl, self->f4, KSRTP_A_STATS_GSO_REFUSED) -
		  c[KSRTP_A_STATS_GSO_REFUSED];
	TH_LOG("128 datagrams: %d delivered one by one, %llu GRO batches refused",
	       delivered, (unsigned long long)refused);
	/* each of the 8 larger ones too; nothing else */
	EXPECT_EQ((uint64_t)delivered + 8, stat(&self->nl, self->f4, KSRTP_A_STATS_RX_PACKETS) -
		  c[KSRTP_A_STATS_RX_PACKETS]);
	EXPECT_EQ(0, stat(&self->nl, self->f4, KSRTP_A_STATS_CLEAR_PASSED) -
		     c[KSRTP_A_STATS_CLEAR_PASSED]);
	sh("/sbin/ip netns exec %s sh -c 'echo 0 > /sys/class/net/va/threaded'", hosts.a);
	ASSERT_EQ(0, veth_gro(0));
	if (!refused)
		SKIP(return, "no GRO batch formed on the veth");
}

/* Load a module file (e.g. vrf.ko handed in with the runner's --bin). */
static int load_ko(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = (int)syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret == -EEXIST ? 0 : ret;
}

/*
 * VRF: a socket bound to an l3mdev (a VRF) sends through LOCAL_OUT twice,
 * once with the VRF device as output and once with the real one.  The RTP
 * must be protected once: libsrtp in the peer decrypts it to exactly what
 * was sent.  Needs CONFIG_NET_VRF: built in, or the cloud kernel's vrf.ko,
 * which mk/core.mk hands the runner base64-encoded (vrf.ko.b64).
 */
TEST_F(inj, vrf_protected_once)
{
	struct two_hosts h = { .fd_a = -1, .fd_b = -1 };
	uint8_t kk[30], pkt[MAXPKT], wire[MAXPKT];
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(PORT_A) };
	struct ksrtp_nl nl;
	srtp_policy_t pol;
	uint32_t flow;
	srtp_t rx;
	size_t n;
	int sa, sb, len, i;

	if (variant->relay)
		SKIP(return, "not a relay case: run by the direct variant");

	/* the runner copies ELF files as programs: vrf.ko comes in base64 */
	if (access("/sys/module/vrf", F_OK) &&
	    (sh("base64 -d /bin/vrf.ko.b64 > /tmp/vrf.ko 2>/dev/null") ||
	     load_ko("/tmp/vrf.ko")) &&
	    sh("/sbin/ip link add vrf-probe type vrf table 9 2>/dev/null"))
		SKIP(return, "no VRF in this kernel (CONFIG_NET_VRF)");
	sh("/sbin/ip link del vrf-probe 2>/dev/null");
	/* from where the device names va and vb are free */
	ASSERT_EQ(0, enter(init_ns));
	ASSERT_EQ(0, two_hosts_up(&h));
	ASSERT_EQ(0, sh("/sbin/ip -n %s link add vrf-a type vrf table 10 && "
			"/sbin/ip -n %s link set vrf-a up && "
			"/sbin/ip -n %s link set va master vrf-a", h.a, h.a, h.a));
	sb = udp_sock(h.fd_b, AF_INET, "10.99.0.2", PORT_B, "10.99.0.1", PORT_A);
	ASSERT_LE(0, sb);
	ASSERT_EQ(0, enter(h.fd_a));
	sa = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, sa);
	ASSERT_EQ(0, setsockopt(sa, SOL_SOCKET, SO_BINDTODEVICE, "vrf-a", 6));
	inet_pton(AF_INET, "10.99.0.1", &a.sin_addr);
	ASSERT_EQ(0, bind(sa, (struct sockaddr *)&a, sizeof(a)));
	a.sin_port = htons(PORT_B);
	inet_pton(AF_INET, "10.99.0.2", &a.sin_addr);
	ASSERT_EQ(0, connect(sa, (struct sockaddr *)&a, sizeof(a)));
	ASSERT_EQ(0, ksrtp_nl_open(&nl));
	ASSERT_EQ(0, flow_add(&nl, "10.99.0.1:5000", "10.99.0.2:6000", &flow));

	memset(&pol, 0, sizeof(pol));
	srtp_crypto_policy_set_rtp_default(&pol.rtp);
	srtp_crypto_policy_set_rtcp_default(&pol.rtcp);
	pol.ssrc.type = ssrc_any_inbound;
	memcpy(kk, master, sizeof(kk));
	pol.key = kk;
	pol.window_size = 128;
	ASSERT_EQ(srtp_err_status_ok, srtp_create(&rx, &pol));
	for (i = 0; i < 10; i++) {
		n = make_rtp(pkt, (uint16_t)(100 + i), 0, -1, 160);
		ASSERT_EQ((ssize_t)n, send(sa, pkt, n, 0))
			TH_LOG("send: %s; tx_packets %llu, tx_errors %llu", strerror(errno),
			       (unsigned long long)stat(&nl, flow, KSRTP_A_STATS_TX_PACKETS),
			       (unsigned long long)stat(&nl, flow, KSRTP_A_STATS_TX_ERRORS));
		len = (int)recv(sb, wire, sizeof(wire), 0);
		ASSERT_EQ((int)n + 10, len) TH_LOG("packet %d: not one 10-byte tag", i);
		ASSERT_EQ(srtp_err_status_ok, srtp_unprotect(rx, wire, &len));
		ASSERT_EQ(0, memcmp(pkt, wire, n));
	}
	EXPECT_EQ(10, stat(&nl, flow, KSRTP_A_STATS_TX_PACKETS));
	srtp_dealloc(rx);
	{
		struct ksrtp_flow_info f = { .id = flow };

		ksrtp_nl_flow_del(&nl, &f);
	}
	ksrtp_nl_close(&nl);
	close(sa);
	close(sb);
	two_hosts_down(&h);
}

/*
 * The tag grows a datagram past the path MTU (PMTUDISC_DO, or IPv6 which
 * routers never fragment): what does the sender see?  The hook protects
 * it; ip_fragment()/ip6_fragment() then refuse it (DF) and send the
 * kernel's own ICMP "fragmentation needed"/"packet too big" to the local
 * sender, and send() returns EMSGSIZE.  Not silent.  A datagram that fits
 * with its tag is delivered.  veth MTU 1500 for this test.
 */
TEST_F(inj, tag_past_the_mtu_is_emsgsize)
{
	int i;
	uint8_t pkt[MAXPKT], wire[MAXPKT];
	size_t n;
	ssize_t r;

	if (variant->relay)
		SKIP(return, "not a relay case: run by the direct variant");

	ASSERT_EQ(0, sh("/sbin/ip -n %s link set va mtu 1500 && /sbin/ip -n %s link set vb mtu 1500",
			hosts.a, hosts.b));
	for (i = 0; i < 2; i++) {
		int fd = i ? self->sa6 : self->sa, peer = i ? self->sb6 : self->sb;
		size_t room = 1500 - (i ? 40 : 20) - 8;	/* UDP payload that fits */
		int pmtu = i ? IPV6_PMTUDISC_DO : IP_PMTUDISC_DO;

		ASSERT_EQ(0, setsockopt(fd, i ? IPPROTO_IPV6 : IPPROTO_IP,
					i ? IPV6_MTU_DISCOVER : IP_MTU_DISCOVER,
					&pmtu, sizeof(pmtu)));
		/* fits with its 10-byte tag: delivered */
		n = make_rtp(pkt, self->seq++, 0, -1, room - 10 - 12);
		ASSERT_EQ((ssize_t)n, send(fd, pkt, n, 0));
		ASSERT_EQ((ssize_t)n + 10, recv(peer, wire, sizeof(wire), 0));
		/* fits, but not with its tag: EMSGSIZE, nothing on the wire */
		n = make_rtp(pkt, self->seq++, 0, -1, room - 12);
		r = send(fd, pkt, n, 0);
		TH_LOG("%s: %zu-byte RTP at MTU 1500: send() %zd (%s)", i ? "IPv6" : "IPv4",
		       n, r, r < 0 ? strerror(errno) : "ok");
		EXPECT_EQ(-1, r);
		EXPECT_EQ(EMSGSIZE, errno);
		EXPECT_EQ(-1, recv(peer, wire, sizeof(wire), MSG_DONTWAIT));
	}
	sh("/sbin/ip -n %s link set va mtu 9000; /sbin/ip -n %s link set vb mtu 9000",
	   hosts.a, hosts.b);
}

/*
 * Load the running kernel's own module through modprobe (the runner puts
 * vrf and tun of the Debian kernels in the guest), else the one in base64
 * at /bin/NAME.ko.b64 (mk/core.mk: 6.1's, which 6.12 refuses).
 */
static int load_b64(const char *name)
{
	char path[64];

	if (!sh("modprobe %s 2>/dev/null", name))
		return 0;
	snprintf(path, sizeof(path), "/tmp/%s.ko", name);
	if (sh("base64 -d /bin/%s.ko.b64 > %s 2>/dev/null", name, path))
		return -ENOENT;
	return load_ko(path);
}

/*
 * A UFO datagram written into a tap device with a virtio-net header: the
 * skb is GSO (SKB_GSO_UDP), and its UDP length claims 1000 bytes where 40
 * are.  On a flow it is refused whole (gso_refused) before anything reads
 * the payload; the ZRTP listener gets nothing.  (The previous module
 * skipped the length check for GSO skbs and diverted ZRTP with the
 * claimed length: a copy past the packet.)
 */
TEST_F(inj, v4_tap_ufo_zrtp_refused)
{
	static const uint8_t zrtp[40] = "\x10\x00\x00\x01ZRTP\x01\x02\x03\x04"
					"\x50\x5a\x00\x03HelloACK";
	struct {
		struct virtio_net_hdr vh;
		uint8_t eth[14], ip[20], udp[8], pl[40];
	} __attribute__((packed)) fr;
	struct timeval tv = { .tv_sec = 1 };
	struct ifreq ifr;
	struct ksrtp_nl lnl;
	struct ksrtp_nl_event *e = NULL;
	uint32_t flow;
	int tap, hdrsz = sizeof(fr.vh), got = 0;
	uint64_t before;
	uint32_t sum = 0;
	unsigned int i;

	if (variant->relay)
		SKIP(return, "not a relay case: run by the direct variant");

	if (access("/dev/net/tun", F_OK) && load_b64("tun"))
		SKIP(return, "no tun in this kernel");
	ASSERT_EQ(0, enter(hosts.fd_a));
	tap = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, tap);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "ktap0");
	ASSERT_EQ(0, ioctl(tap, TUNSETIFF, &ifr));
	ASSERT_EQ(0, ioctl(tap, TUNSETVNETHDRSZ, &hdrsz));
	ASSERT_EQ(0, sh("/sbin/ip -n %s addr add 10.98.0.1/24 dev ktap0 && "
			"/sbin/ip -n %s link set ktap0 up", hosts.a, hosts.a));
	ASSERT_EQ(0, mac_of(hosts.fd_a, "ktap0", fr.eth));
	ASSERT_EQ(0, enter(hosts.fd_a));
	ASSERT_EQ(0, flow_add(&self->nl, "10.98.0.1:5000", "10.98.0.2:6000", &flow));
	ASSERT_EQ(0, ksrtp_nl_open(&lnl));
	setsockopt(ksrtp_nl_fd(&lnl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	ASSERT_EQ(0, ksrtp_nl_zrtp_listen(&lnl));
	before = stat(&self->nl, flow, KSRTP_A_STATS_GSO_REFUSED);

	memset(&fr, 0, sizeof(fr));
	fr.vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	fr.vh.gso_type = VIRTIO_NET_HDR_GSO_UDP;
	fr.vh.hdr_len = 14 + 20 + 8;
	fr.vh.gso_size = 16;
	fr.vh.csum_start = 14 + 20;
	fr.vh.csum_offset = 6;
	ASSERT_EQ(0, mac_of(hosts.fd_a, "ktap0", fr.eth));
	fr.eth[6] = 0x02; fr.eth[7] = 0x11; fr.eth[8] = 0x22;
	fr.eth[9] = 0x33; fr.eth[10] = 0x44; fr.eth[11] = 0x55;
	fr.eth[12] = 0x08; fr.eth[13] = 0x00;
	fr.ip[0] = 0x45;
	fr.ip[3] = 20 + 8 + 40;
	fr.ip[8] = 64;
	fr.ip[9] = IPPROTO_UDP;
	fr.ip[12] = 10; fr.ip[13] = 98; fr.ip[14] = 0; fr.ip[15] = 2;
	fr.ip[16] = 10; fr.ip[17] = 98; fr.ip[18] = 0; fr.ip[19] = 1;
	for (i = 0; i < 20; i += 2)
		sum += (uint32_t)(fr.ip[i] << 8 | fr.ip[i + 1]);
	fr.ip[10] = (uint8_t)(fold(sum) >> 8);
	fr.ip[11] = (uint8_t)fold(sum);
	fr.udp[0] = PORT_B >> 8; fr.udp[1] = PORT_B & 0xff;
	fr.udp[2] = PORT_A >> 8; fr.udp[3] = PORT_A & 0xff;
	fr.udp[4] = 1000 >> 8; fr.udp[5] = 1000 & 0xff;	/* 40 bytes follow */
	memcpy(fr.pl, zrtp, sizeof(zrtp));
	ASSERT_EQ((ssize_t)sizeof(fr), write(tap, &fr, sizeof(fr)))
		TH_LOG("write: %s", strerror(errno));

	/* nothing reaches the listener (1 s timeout) */
	while (!ksrtp_nl_recv_events(&lnl, false, got_cb, &e)) {
		if (e && e->cmd == KSRTP_CMD_ZRTP_RECV) {
			got++;
			TH_LOG("ZRTP_RECV of %zu bytes from a 40-byte payload", e->len);
		}
		free(e);
		e = NULL;
	}
	EXPECT_EQ(0, got);
	EXPECT_EQ(before + 1, stat(&self->nl, flow, KSRTP_A_STATS_GSO_REFUSED));
	ksrtp_nl_close(&lnl);
	{
		struct ksrtp_flow_info f = { .id = flow };

		ksrtp_nl_flow_del(&self->nl, &f);
	}
	close(tap);
}

TEST_HARNESS_MAIN
