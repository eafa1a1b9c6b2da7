// SPDX-License-Identifier: GPL-2.0
/*
 * Key rotation after a rollover, both directions, against libsrtp 2.5.
 *
 *     netns A: app socket 10.99.0.1:5000          netns B: peer socket 10.99.0.2:6000
 *              flow A:5000 <-> B:6000, SECURE               libsrtp protects / unprotects
 *
 * Both ends start a stream a few hundred packets before its sequence number
 * wraps (RFC 3711 §3.3.1: the ROC becomes 1), send across the wrap, then
 * rotate the way zrtpd and a libsrtp peer do: ksrtp KEY_NEW into slot 1 (no
 * ROC/SEQ given) and KEY_SWAP, then KEY_DEL of slot 0; libsrtp srtp_update()
 * with the new key, which keeps each stream's index.  Every packet after
 * the rotation must authenticate on both sides.  Before issue 10 a new
 * key started every SSRC at ROC 0: the first packet after the rotation
 * failed authentication, and every one after it.
 *
 * KSRTP_ROC_PACKETS=N sends N packets each way before the rotation (default
 * 600, centred on the wrap); N >= 65536 starts at sequence number 0, so
 * the whole first ROC goes through the kernel.
 *
 * Kernel config: CONFIG_NET_NS, CONFIG_VETH, CONFIG_NETFILTER and the
 * AES/CTR/GCM/HMAC/SHA1 crypto.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <srtp2/srtp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/ksrtp.h>

#include "kselftest_harness.h"
#include "ksft_ksrtp.h"
#include "ksft_netns.h"
#include "ksrtp_nl.h"

enum { PORT_A = 5000, PORT_B = 6000, MAXPKT = 2048, AFTER = 300 };
enum { SSRC_A = 0x0a0a0001, SSRC_B = 0x0b0b0001 };

static size_t make_rtp(uint8_t *b, uint32_t ssrc, uint16_t seq, size_t plen)
{
	size_t i;

	b[0] = 0x80;
	b[1] = 0;
	b[2] = seq >> 8;
	b[3] = seq & 0xff;
	b[4] = 0; b[5] = 0; b[6] = seq >> 8; b[7] = seq & 0xff;
	b[8] = ssrc >> 24; b[9] = ssrc >> 16; b[10] = ssrc >> 8; b[11] = ssrc;
	for (i = 0; i < plen; i++)
		b[12 + i] = (uint8_t)(seq + i);
	return 12 + plen;
}

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

FIXTURE(roc) {
	struct ksrtp_nl nl;
	int sa, sb;
	uint32_t flow_id;
	uint8_t ktx[46], krx[46], ktx2[46], krx2[46];
	srtp_t b_rx, b_tx;	/* libsrtp in B: decrypts A's TX, makes A's RX */
};

FIXTURE_VARIANT(roc) {
	uint16_t profile;
	int key_len, salt_len;
	void (*pol)(srtp_crypto_policy_t *p);
};

FIXTURE_VARIANT_ADD(roc, aes_cm_128_hmac_sha1_80) {
	.profile = KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_80, .key_len = 16,
	.salt_len = 14, .pol = srtp_crypto_policy_set_rtp_default,
};

FIXTURE_VARIANT_ADD(roc, aead_aes_128_gcm) {
	.profile = KSRTP_PROFILE_AEAD_AES_128_GCM, .key_len = 16,
	.salt_len = 12, .pol = srtp_crypto_policy_set_aes_gcm_128_16_auth,
};

static void policy(const FIXTURE_VARIANT(roc) *v, srtp_policy_t *pol,
		   uint8_t *key, bool inbound)
{
	memset(pol, 0, sizeof(*pol));
	v->pol(&pol->rtp);
	v->pol(&pol->rtcp);
	pol->ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
	pol->key = key;
	pol->window_size = 128;
	pol->allow_repeat_tx = 0;
}

static int udp_socket(int netns, const char *ip, int port, const char *peer,
		      int peer_port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 5 };
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
	a.sin_port = htons(peer_port);
	inet_pton(AF_INET, peer, &a.sin_addr);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
		return -1;
	return fd;
}

static int install(struct ksrtp_nl *nl, uint32_t flow, uint8_t dir,
		   uint8_t slot, const FIXTURE_VARIANT(roc) *v,
		   const uint8_t *keysalt)
{
	struct ksrtp_key_req k = {
		.flow_id = flow, .dir = dir, .slot = slot,
		.profile = v->profile,
		.key_len = (uint8_t)v->key_len, .salt_len = (uint8_t)v->salt_len,
	};

	memcpy(k.key, keysalt, v->key_len);
	memcpy(k.salt, keysalt + v->key_len, v->salt_len);
	return ksrtp_nl_key_new(nl, &k);
}

static void rnd(uint8_t *p, size_t n)
{
	while (n--)
		*p++ = (uint8_t)rand();
}

FIXTURE_SETUP(roc)
{
	struct ksrtp_flow_info f = { .mode = KSRTP_FLOW_MODE_SECURE,
				     .policy = KSRTP_POLICY_REQUIRE_SECURE }, got;
	srtp_policy_t pol;

	ASSERT_EQ(0, ksrtp_load());
	ASSERT_EQ(srtp_err_status_ok, srtp_init());
	ASSERT_LE(0, hosts.fd_a);
	ASSERT_LE(0, hosts.fd_b);
	self->sb = udp_socket(hosts.fd_b, "10.99.0.2", PORT_B, "10.99.0.1", PORT_A);
	ASSERT_LE(0, self->sb);
	self->sa = udp_socket(hosts.fd_a, "10.99.0.1", PORT_A, "10.99.0.2", PORT_B);
	ASSERT_LE(0, self->sa);
	ASSERT_EQ(0, ksrtp_nl_open(&self->nl));
	ASSERT_EQ(0, ksrtp_parse_sockaddr("10.99.0.1:5000", &f.local));
	ASSERT_EQ(0, ksrtp_parse_sockaddr("10.99.0.2:6000", &f.remote));
	ASSERT_EQ(0, ksrtp_nl_flow_new(&self->nl, &f, &got));
	self->flow_id = got.id;

	rnd(self->ktx, sizeof(self->ktx));
	rnd(self->krx, sizeof(self->krx));
	rnd(self->ktx2, sizeof(self->ktx2));
	rnd(self->krx2, sizeof(self->krx2));
	policy(variant, &pol, self->ktx, true);
	ASSERT_EQ(srtp_err_status_ok, srtp_create(&self->b_rx, &pol));
	policy(variant, &pol, self->krx, false);
	ASSERT_EQ(srtp_err_status_ok, srtp_create(&self->b_tx, &pol));
	ASSERT_EQ(0, install(&self->nl, self->flow_id, KSRTP_KEY_DIR_TX, 0,
			     variant, self->ktx));
	ASSERT_EQ(0, install(&self->nl, self->flow_id, KSRTP_KEY_DIR_RX, 0,
			     variant, self->krx));
}

FIXTURE_TEARDOWN(roc)
{
	struct ksrtp_flow_info f = { .id = self->flow_id };

	ksrtp_nl_flow_del(&self->nl, &f);
	ksrtp_nl_close(&self->nl);
	close(self->sa);
	close(self->sb);
	srtp_dealloc(self->b_rx);
	srtp_dealloc(self->b_tx);
}

/* A's application -> kernel (protect) -> B, libsrtp unprotects. */
static int one_tx(FIXTURE_DATA(roc) *self, uint16_t seq)
{
	uint8_t pkt[MAXPKT], wire[MAXPKT];
	size_t n = make_rtp(pkt, SSRC_A, seq, 80);
	ssize_t r;
	int len;

	if (send(self->sa, pkt, n, 0) != (ssize_t)n)
		return -1;
	r = recv(self->sb, wire, sizeof(wire), 0);
	if (r <= (ssize_t)n)
		return -2;
	len = (int)r;
	if (srtp_unprotect(self->b_rx, wire, &len) != srtp_err_status_ok)
		return -3;
	return len == (int)n && !memcmp(pkt, wire, n) ? 0 : -4;
}

/* libsrtp protects in B -> kernel (unprotect) -> A's application. */
static int one_rx(FIXTURE_DATA(roc) *self, uint16_t seq)
{
	uint8_t pkt[MAXPKT], wire[MAXPKT], got[MAXPKT];
	size_t n = make_rtp(pkt, SSRC_B, seq, 80);
	int len = (int)n;

	memcpy(wire, pkt, n);
	if (srtp_protect(self->b_tx, wire, &len) != srtp_err_status_ok)
		return -1;
	if (send(self->sb, wire, (size_t)len, 0) != len)
		return -2;
	/* A packet the kernel drops never arrives: recv times out (5 s). */
	if (recv(self->sa, got, sizeof(got), 0) != (ssize_t)n)
		return -3;
	return memcmp(pkt, got, n) ? -4 : 0;
}

static uint64_t stat(struct ksrtp_nl *nl, uint32_t flow, unsigned int which)
{
	struct ksrtp_flow_info f = { .id = flow };
	struct ksrtp_flow_stats st;

	if (ksrtp_nl_stats_get(nl, &f, &st))
		return ~0ULL;
	return st.c[which];
}

TEST_F(roc, rotation_after_rollover)
{
	const char *env = getenv("KSRTP_ROC_PACKETS");
	unsigned long before = env ? strtoul(env, NULL, 0) : 600;
	uint16_t start = before >= 65536 ? 0 : (uint16_t)(65536 - before / 2);
	uint16_t seq = start;
	struct ksrtp_flow_stats st;
	srtp_policy_t pol;
	unsigned long i;
	unsigned int k;

	TH_LOG("%lu packets each way from sequence number %u, then %u after the rotation",
	       before, start, AFTER);
	for (i = 0; i < before; i++, seq++) {
		ASSERT_EQ(0, one_tx(self, seq)) TH_LOG("TX packet %lu, seq %u", i, seq);
		ASSERT_EQ(0, one_rx(self, seq)) TH_LOG("RX packet %lu, seq %u", i, seq);
	}
	/* Both keys are past the wrap: ROC 1. */
	ASSERT_EQ(0, ksrtp_nl_stats_get(&self->nl, &(struct ksrtp_flow_info){
		.id = self->flow_id }, &st));
	ASSERT_EQ(2, st.nkeys);
	for (k = 0; k < st.nkeys; k++)
		EXPECT_EQ(1, st.keys[k].roc);

	/* Rotation, as zrtpd does it, with no ROC/SEQ in KEY_NEW. */
	ASSERT_EQ(0, install(&self->nl, self->flow_id, KSRTP_KEY_DIR_TX, 1,
			     variant, self->ktx2));
	ASSERT_EQ(0, install(&self->nl, self->flow_id, KSRTP_KEY_DIR_RX, 1,
			     variant, self->krx2));
	ASSERT_EQ(0, ksrtp_nl_key_swap(&self->nl, self->flow_id, KSRTP_KEY_DIR_TX));
	ASSERT_EQ(0, ksrtp_nl_key_swap(&self->nl, self->flow_id, KSRTP_KEY_DIR_RX));
	ASSERT_EQ(0, ksrtp_nl_key_del(&self->nl, self->flow_id, KSRTP_KEY_DIR_TX, 0));
	ASSERT_EQ(0, ksrtp_nl_key_del(&self->nl, self->flow_id, KSRTP_KEY_DIR_RX, 0));
	/* libsrtp's rotation keeps each stream's index (srtp_update). */
	policy(variant, &pol, self->ktx2, true);
	ASSERT_EQ(srtp_err_status_ok, srtp_update(self->b_rx, &pol));
	policy(variant, &pol, self->krx2, false);
	ASSERT_EQ(srtp_err_status_ok, srtp_update(self->b_tx, &pol));

	for (i = 0; i < AFTER; i++, seq++) {
		ASSERT_EQ(0, one_tx(self, seq))
			TH_LOG("TX packet %lu after the rotation, seq %u", i, seq);
		ASSERT_EQ(0, one_rx(self, seq))
			TH_LOG("RX packet %lu after the rotation, seq %u", i, seq);
	}
	EXPECT_EQ(0, stat(&self->nl, self->flow_id, KSRTP_A_STATS_RX_AUTH_FAIL));
	EXPECT_EQ(before + AFTER,
		  stat(&self->nl, self->flow_id, KSRTP_A_STATS_TX_PACKETS));
	EXPECT_EQ(before + AFTER,
		  stat(&self->nl, self->flow_id, KSRTP_A_STATS_RX_PACKETS));
	/* The new keys report the carried ROC. */
	ASSERT_EQ(0, ksrtp_nl_stats_get(&self->nl, &(struct ksrtp_flow_info){
		.id = self->flow_id }, &st));
	ASSERT_EQ(2, st.nkeys);
	for (k = 0; k < st.nkeys; k++) {
		EXPECT_EQ(1, st.keys[k].slot);
		EXPECT_EQ(1, st.keys[k].roc);
	}
}

TEST_HARNESS_MAIN
