// SPDX-License-Identifier: GPL-2.0
/*
 * Watch mode under a flood of spoofed ZRTP (issue 11, finding 2).
 *
 *   10,000 datagrams, each from its own 4-tuple (127.10.x.y:port)
 *        |  half carry only the ZRTP magic (bad CRC), half a replayed
 *        |  valid Hello; 200 Hellos before them from one address
 *        v
 *   alice: zrtpd --watch on 127.0.0.1:W (mock kernel)  <-- bob: a real call
 *
 * Bounds: only a valid Hello creates a session; sessions, flows, watch
 * sessions not yet verified and sessions per source stay within
 * max-sessions / max-unverified / max-sessions-per-source at every round;
 * an unverified peer gets at most two packets per packet it sent; and bob's
 * call, placed during the flood, ends secure.  The figures are printed.
 */
#include <sys/resource.h>
#include "kselftest_harness.h"
#include "zrtpd_test.h"
#include "zrtp_wire.h"

enum { FLOOD = 10000, SAME_SRC = 200, BATCH = 100, MAX_SESS = 256, MAX_UNVER = 32, PER_SRC = 4 };

static size_t a_hello(uint8_t *buf)
{
	struct zrtp_config zc;
	struct zrtp_session *z;
	static struct zrtp_output out;
	size_t len = 0;

	memset(&zc, 0, sizeof(zc));
	for (int i = 0; i < 12; i++)
		zc.zid[i] = (uint8_t)(0xa0 + i);
	zc.ssrc = 0x1234;
	z = zrtp_session_new(&zc);
	if (!z)
		return 0;
	zrtp_start(z, 0);
	while (zrtp_poll(z, 0, &out) != ZRTP_OUT_NONE)
		if (out.kind == ZRTP_OUT_PACKET && !len) {
			memcpy(buf, out.pkt, out.len);
			len = out.len;
		}
	zrtp_session_free(z);
	return len;
}

/* One datagram from src_addr:src_port to 127.0.0.1:dport. */
static int spoof(uint32_t src_addr, uint16_t src_port, uint16_t dport, const uint8_t *p, size_t n)
{
	struct sockaddr_in from = { .sin_family = AF_INET, .sin_port = htons(src_port),
				    .sin_addr.s_addr = htonl(src_addr) };
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(dport),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), one = 1, ret = -1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (!bind(fd, (struct sockaddr *)&from, sizeof(from)) &&
	    sendto(fd, p, n, 0, (struct sockaddr *)&to, sizeof(to)) == (ssize_t)n)
		ret = 0;
	close(fd);
	return ret;
}

static unsigned int of_source(struct zrtpd *d, uint32_t addr)
{
	unsigned int n = 0;

	for (unsigned int b = 0; b < d->nbuckets; b++)
		for (struct zrtpd_session *s = d->by_id[b]; s; s = s->next_id)
			if (s->flow.remote.addr.v4.s_addr == htonl(addr))
				n++;
	return n;
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

static long rss_kib(void)
{
	long kib = 0;
	char line[128];
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmRSS:", 6))
			kib = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return kib;
}

TEST(spoofed_flood_bounded_and_real_call_secure)
{
	char *tmp = test_tmpdir();
	struct host alice, bob, *hs[2] = { &alice, &bob };
	uint16_t wport = test_port(0), bport = test_port(1);
	struct ksrtp_flow_info fb = flow_of(bport, wport);
	struct ksrtp_sockaddr wl = lo(wport), bl = lo(bport);
	struct zrtpd_session *sb, *sa = NULL;
	struct zrtpd_port_range r = { wport, wport };
	uint8_t hello[ZRTP_OUT_MAX_PKT], junk[64];
	unsigned int max_sess = 0, max_flows = 0, max_unver = 0, max_src = 0, sent = 0, i;
	uint64_t tx0, secure_at_batch = 0;
	size_t hlen = a_hello(hello);
	long rss0;
	double cpu0;
	struct two_sessions t;

	ASSERT_NE(0, hlen);
	memset(junk, 0x55, sizeof(junk));
	junk[0] = 0x10;
	memcpy(junk + 4, "ZRTP", 4);	/* the magic and nothing valid after it */
	host_init(&alice, "alice", tmp);
	host_init(&bob, "bob", tmp);
	alice.cfg.max_sessions = MAX_SESS;
	alice.cfg.max_unverified = MAX_UNVER;
	alice.cfg.max_per_source = PER_SRC;
	ASSERT_EQ(0, host_start(&alice));
	ASSERT_EQ(0, host_start(&bob));
	ASSERT_EQ(0, zrtpd_watch_add(&alice.d, &r));
	rss0 = rss_kib();
	cpu0 = cpu_s();
	tx0 = alice.d.stats.zrtp_tx;

	for (i = 0; i < FLOOD + SAME_SRC; i++) {
		/* first 200 Hellos from one address, then one per 4-tuple */
		unsigned int j = i - SAME_SRC;
		uint32_t src = i < SAME_SRC ? (127u << 24 | 9u << 16 | 9u << 8 | 9u) :
			       (127u << 24 | 10u << 16 | (j / 200) << 8 | (j % 200 + 1));
		bool valid = i < SAME_SRC || (j & 1);

		if (!spoof(src, (uint16_t)(30000 + i % 20000), wport, valid ? hello : junk,
			   valid ? hlen : sizeof(junk)))
			sent++;
		if (i == 2000) {
			/* bob calls alice's watched port; alice's application
			 * sends RTP to bob (its FLOW_SEEN starts her side) */
			ASSERT_EQ(0, zrtpd_session_add(&bob.d, &fb, NULL, &sb));
			ASSERT_EQ(0, zrtpd_mock_rtp_out(alice.m, &wl, &bl));
		}
		if (i % BATCH != BATCH - 1)
			continue;
		for (int k = 0; k < 8; k++) {
			zrtpd_run_once(&alice.d, 1);
			zrtpd_run_once(&bob.d, 1);
			zrtpd_mock_media_all(alice.m, bob.m);
			zrtpd_mock_media_all(bob.m, alice.m);
		}
		max_sess = alice.d.nsessions > max_sess ? alice.d.nsessions : max_sess;
		max_flows = zrtpd_mock_flow_count(alice.m) > max_flows ?
			    zrtpd_mock_flow_count(alice.m) : max_flows;
		max_unver = alice.d.nunverified > max_unver ? alice.d.nunverified : max_unver;
		if (of_source(&alice.d, 127u << 24 | 9u << 16 | 9u << 8 | 9u) > max_src)
			max_src = of_source(&alice.d, 127u << 24 | 9u << 16 | 9u << 8 | 9u);
		if (!sa)
			sa = zrtpd_session_by_tuple(&alice.d, &wl, &bl);
		if (sa && !secure_at_batch && sa->state == ZS_SECURE && sb->state == ZS_SECURE)
			secure_at_batch = i + 1;
	}
	ASSERT_LE(FLOOD, sent);
	sa = zrtpd_session_by_tuple(&alice.d, &wl, &bl);
	ASSERT_NE(NULL, sa);
	t = (struct two_sessions){ &alice.d, &bob.d, sa->flow.id, sb->flow.id, ZS_SECURE };
	ASSERT_TRUE(run_until(hs, 2, both_in_state, &t, 15000));
	ASSERT_STREQ(sa->sas, sb->sas);
	fprintf(stderr, "# flood: %u datagrams from distinct 4-tuples (+%u from one address), %u with a valid Hello\n",
	       FLOOD, SAME_SRC, FLOOD / 2 + SAME_SRC);
	fprintf(stderr, "# alice: at most %u sessions, %u kernel flows, %u unverified, %u from one source; "
	       "%llu not-a-Hello ignored, %llu refused by a bound\n", max_sess, max_flows, max_unver,
	       max_src, (unsigned long long)alice.d.stats.not_hello,
	       (unsigned long long)alice.d.stats.refused);
	fprintf(stderr, "# ZRTP packets out: %llu (budget dropped %llu); CPU %.2f s, RSS +%ld KiB; "
	       "bob's call secure %s\n", (unsigned long long)(alice.d.stats.zrtp_tx - tx0),
	       (unsigned long long)alice.d.stats.budget_drops, cpu_s() - cpu0, rss_kib() - rss0,
	       secure_at_batch ? "during the flood" : "after the flood");
	fflush(stderr);
	ASSERT_GE(MAX_SESS, max_sess);
	ASSERT_GE(MAX_SESS, max_flows);
	ASSERT_GE(MAX_UNVER, max_unver);
	ASSERT_GE(PER_SRC, max_src);
	ASSERT_EQ(FLOOD / 2, alice.d.stats.not_hello);
	/* no amplification: at most 2 packets per valid Hello, plus bob's call */
	ASSERT_GE(2ULL * (FLOOD / 2 + SAME_SRC) + 200, alice.d.stats.zrtp_tx - tx0);
	ASSERT_EQ(0, alice.secure_but_clear);
	host_free(&alice);
	host_free(&bob);
	rm_rf(tmp);
	free(tmp);
}

/*
 * A spoofed Hello then HelloACK from each of 1,000 4-tuples: each pair
 * would make alice's engine Commit, and a Commit costs a DH key pair.
 * With max-dh-per-second 20, the Commits alice builds (counted on the
 * mock, one per DH key generation) stay within the bucket: 20 at once and
 * 20 per second after.
 */
TEST(spoofed_hello_helloack_dh_work_bounded)
{
	char *tmp = test_tmpdir();
	struct host alice;
	uint16_t wport = test_port(4);
	struct zrtpd_port_range r = { wport, wport };
	uint8_t hello[ZRTP_OUT_MAX_PKT], ack[64];
	static const uint8_t ack_msg[12] = { 0x50, 0x5a, 0x00, 0x03, 'H', 'e', 'l', 'l',
					     'o', 'A', 'C', 'K' };
	size_t hlen = a_hello(hello);
	int alen = zrtp_packet_build(1, 0x1234, ack_msg, sizeof(ack_msg), ack, sizeof(ack));
	uint64_t t0, commits;
	double secs, cpu0;
	unsigned int i;

	ASSERT_NE(0, hlen);
	ASSERT_LT(0, alen);
	host_init(&alice, "alice", tmp);
	alice.cfg.max_unverified = 2000;
	alice.cfg.max_sessions = 4000;
	alice.cfg.max_dh_rate = 20;
	ASSERT_EQ(0, host_start(&alice));
	ASSERT_EQ(0, zrtpd_watch_add(&alice.d, &r));
	zrtpd_mock_count_type(alice.m, "Commit");
	t0 = zrtpd_now_ms();
	cpu0 = cpu_s();
	for (i = 0; i < 1000; i++) {
		uint32_t src = 127u << 24 | 11u << 16 | (i / 200) << 8 | (i % 200 + 1);

		spoof(src, (uint16_t)(30000 + i), wport, hello, hlen);
		zrtpd_run_once(&alice.d, 0);
		spoof(src, (uint16_t)(30000 + i), wport, ack, (size_t)alen);
		zrtpd_run_once(&alice.d, 0);
	}
	for (i = 0; i < 50; i++)
		zrtpd_run_once(&alice.d, 2);
	secs = (zrtpd_now_ms() - t0) / 1000.0;
	commits = zrtpd_mock_type_sent(alice.m);
	fprintf(stderr, "# DH flood: 1000 spoofed Hello+HelloACK pairs in %.2f s: %llu sessions "
		"let into key agreement (a DH key pair each), %llu Commit packets sent, %llu "
		"HelloACKs dropped for want of a token; CPU %.2f s\n", secs,
		(unsigned long long)alice.d.stats.dh_admitted, (unsigned long long)commits,
		(unsigned long long)alice.d.stats.dh_deferred, cpu_s() - cpu0);
	fflush(stderr);
	ASSERT_LE(alice.d.stats.dh_admitted, 20 + (uint64_t)(secs * 20) + 1);
	/* what left the host agrees: an unverified peer's packet budget is
	 * two packets per packet it sent, so Hello+HelloACK in, at most four
	 * out, one of them our HelloACK: at most three Commits per admitted
	 * session (two if our Hello left too; which, depends on when T1 and
	 * T2 fire on a loaded machine, so the bound is the budget's) */
	ASSERT_LE(commits, 3 * alice.d.stats.dh_admitted);
	ASSERT_LT(0, commits);		/* the bucket lets some through: not a blanket refusal */
	host_free(&alice);
	rm_rf(tmp);
	free(tmp);
}

TEST_HARNESS_MAIN
