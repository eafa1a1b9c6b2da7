// SPDX-License-Identifier: GPL-2.0
/*
 * kbench: the ksrtp kernel data path against plain UDP and against a
 * userspace libsrtp relay, in guest time (run in the VM with -icount, where
 * guest time is proportional to executed instructions; only the ratios
 * within one run mean anything).
 *
 *     netns A                                          netns B
 *   app 10.99.0.1:5000 -- veth (ksrtp flow or not) --> sink 10.99.0.2:6000
 *   app 127.0.0.1:5001 -> relay 127.0.0.1:7000
 *                         relay 10.99.0.1:5002 ------> sink 10.99.0.2:6000
 *
 * Every case moves the same 172-byte RTP packets (12-byte header, 160 bytes
 * of payload: 20 ms of G.711) of one SSRC from an application socket in A
 * to a socket in B:
 *
 *   udp            plain UDP, ksrtp not loaded (the baseline);
 *   udp+mod        plain UDP, ksrtp loaded with no flow on this 4-tuple;
 *   flow-nokey     a SECURE flow with no TX key (clear RTP passes);
 *   ksrtp <prof>   a SECURE flow with a TX key: protected at LOCAL_OUT
 *                  (AES_CM_128_HMAC_SHA1_80 also with 9,999 other flows in
 *                  the table);
 *   relay <prof>   the application sends clear RTP over loopback to a relay
 *                  socket; the relay does recvmmsg -> srtp_protect (libsrtp
 *                  2.5) -> sendmmsg to B.  The same job as ksrtp, done in
 *                  userspace.
 *
 * What is timed, identically for every case: one thread, in rounds of
 * BATCH packets: the application sends BATCH packets (one send() each, or
 * one sendmmsg() of BATCH in the "sendmmsg" pass), [the relay receives,
 * protects and sends them], and B drains them with recvmmsg().  The clock
 * (CLOCK_MONOTONIC, guest time) is read before the first send and after
 * the last receive of N packets; the result is guest ns per packet
 * received.  Doing the relay in the same thread as the application leaves
 * out the relay's wakeups and context switches, so the relay figure is a
 * lower bound on what a separate relay process would cost: it favours the
 * relay.
 *
 * Before each timed run WARM packets go the same way untimed and B checks
 * every one (libsrtp unprotects the SRTP cases back to what the application
 * sent); after it, B unprotects the last timed packet, every timed packet
 * must have the expected length, and the flow's TX counter must say
 * WARM + N.  Nothing asserts on time; the program fails only when a
 * packet is wrong or lost.
 *
 * Usage: kbench [-n PACKETS]   (default 20000 per case per pass)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <srtp2/srtp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <linux/ksrtp.h>

#include "ksft_ksrtp.h"
#include "ksft_netns.h"
#include "ksrtp_nl.h"
#include "bench.h"

enum { MAXCASES = 16, MANY_FLOWS = 10000 };

static struct two_hosts hosts = { .fd_a = -1, .fd_b = -1 };
static struct ksrtp_nl nl;
static bool nl_open;
static int sa;		/* A: app 10.99.0.1:5000 -> 10.99.0.2:6000 */
static int sa_r;	/* A: app 127.0.0.1:5001 -> relay 127.0.0.1:7000 */
static int r_in;	/* A: relay 127.0.0.1:7000 */
static int r_out;	/* A: relay 10.99.0.1:5002 -> 10.99.0.2:6000 */
static int sb;		/* B: sink 10.99.0.2:6000 */
static long npkts = 20000;
static int failures;

static void die(const char *what)
{
	fprintf(stderr, "kbench: %s: %s\n", what, strerror(errno));
	if (nl_open && nl.err_msg[0])
		fprintf(stderr, "kbench: kernel says: %s\n", nl.err_msg);
	two_hosts_down(&hosts);
	exit(1);
}

/* Batches of the application, the relay and the sink. */
static uint8_t app_buf[BATCH][BUFLEN], relay_buf[BATCH][BUFLEN], sink_buf[BATCH][BUFLEN];
static struct mmsghdr app_m[BATCH], relay_m[BATCH], sink_m[BATCH];
static struct iovec app_v[BATCH], relay_v[BATCH], sink_v[BATCH];

struct run {
	int app;		/* the application's socket */
	srtp_t relay;		/* NULL: no relay */
	int mmsg;		/* the application sends with sendmmsg */
	size_t wire_len;	/* expected length in B */
};

/* The application sends packets seq..seq+k-1. */
static void app_send(const struct run *r, uint16_t seq, int k)
{
	int i;

	for (i = 0; i < k; i++) {
		make_rtp(app_buf[i], (uint16_t)(seq + i));
		app_v[i].iov_len = PKT;
	}
	if (r->mmsg) {
		int sent = 0;

		while (sent < k) {
			int n = sendmmsg(r->app, app_m + sent, (unsigned int)(k - sent), 0);

			if (n <= 0)
				die("sendmmsg");
			sent += n;
		}
		return;
	}
	for (i = 0; i < k; i++)
		if (send(r->app, app_buf[i], PKT, 0) != PKT)
			die("send");
}

/* The relay: receive k clear packets, protect them, send them on. */
static void relay_pump(const struct run *r, int k)
{
	int got = 0, i, sent = 0;

	while (got < k) {
		int n;

		for (i = got; i < k; i++)
			relay_v[i].iov_len = BUFLEN;
		n = recvmmsg(r_in, relay_m + got, (unsigned int)(k - got),
			     MSG_WAITFORONE, NULL);
		if (n <= 0)
			die("relay recvmmsg");
		for (i = got; i < got + n; i++) {
			int len = (int)relay_m[i].msg_len;

			if (srtp_protect(r->relay, relay_buf[i], &len) != srtp_err_status_ok) {
				errno = EINVAL;
				die("srtp_protect");
			}
			relay_v[i].iov_len = (size_t)len;
		}
		got += n;
	}
	while (sent < k) {
		int n = sendmmsg(r_out, relay_m + sent, (unsigned int)(k - sent), 0);

		if (n <= 0)
			die("relay sendmmsg");
		sent += n;
	}
}

/*
 * B receives up to k packets; returns how many arrived (fewer only after
 * the 2 s receive timeout).  *bad counts packets of the wrong length.
 */
static int sink_drain(const struct run *r, int k, long *bad)
{
	int got = 0, i;

	while (got < k) {
		int n;

		for (i = got; i < k; i++)
			sink_v[i].iov_len = BUFLEN;
		n = recvmmsg(sb, sink_m + got, (unsigned int)(k - got),
			     MSG_WAITFORONE, NULL);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0)
			die("sink recvmmsg");
		for (i = got; i < got + n; i++)
			if (sink_m[i].msg_len != r->wire_len)
				(*bad)++;
		got += n;
	}
	return got;
}

struct result {
	char name[48];
	int pass;
	long n, lost, bad;
	double ns;		/* guest ns per received packet */
	const struct profile *prof;
	bool relay;
};

static struct result results[2][MAXCASES];
static int nres[2];

/* Untimed warm-up with a check of every packet, the timed run, the checks. */
static void measure(const char *name, int pass, const struct run *r,
		    srtp_t check, const struct profile *prof)
{
	struct result *res = &results[pass][nres[pass]++];
	uint16_t seq = 1000;
	uint64_t t0, t1;
	long sent = 0, recvd = 0;
	int i, ok = 1;

	snprintf(res->name, sizeof(res->name), "%s", name);
	res->pass = pass;
	res->prof = prof;
	res->relay = r->relay != NULL;
	for (i = 0; i < WARM; i++, seq++) {
		long bad = 0;

		app_send(r, seq, 1);
		if (r->relay)
			relay_pump(r, 1);
		if (sink_drain(r, 1, &bad) != 1 || bad ||
		    !sink_verify(check, sink_buf[0], sink_m[0].msg_len, seq)) {
			ok = 0;
			break;
		}
	}
	if (!ok) {
		printf("# %s: warm-up packet %d not received as expected\n", name, i);
		failures++;
		res->n = 0;
		return;
	}

	t0 = now_ns();
	while (sent < npkts) {
		int k = npkts - sent < BATCH ? (int)(npkts - sent) : BATCH;

		app_send(r, seq, k);
		if (r->relay)
			relay_pump(r, k);
		recvd += sink_drain(r, k, &res->bad);
		sent += k;
		seq = (uint16_t)(seq + k);
	}
	t1 = now_ns();

	res->n = recvd;
	res->lost = sent - recvd;
	res->ns = recvd ? (double)(t1 - t0) / (double)recvd : 0;
	if (res->lost || res->bad) {
		printf("# %s: %ld lost, %ld of the wrong length\n", name, res->lost, res->bad);
		failures++;
	} else {
		/* The last timed packet went the whole way too. */
		int last = (int)((npkts - 1) % BATCH);

		if (!sink_verify(check, sink_buf[last], sink_m[last].msg_len,
				 (uint16_t)(seq - 1))) {
			printf("# %s: last timed packet does not verify\n", name);
			failures++;
		}
	}
}

static uint64_t tx_packets(uint32_t id)
{
	struct ksrtp_flow_info f = { .id = id };
	struct ksrtp_flow_stats st;

	if (ksrtp_nl_stats_get(&nl, &f, &st))
		return ~0ull;
	return st.c[KSRTP_A_STATS_TX_PACKETS];
}

static uint32_t flow_new(uint8_t mode)
{
	struct ksrtp_flow_info f = { .mode = mode }, got;

	if (ksrtp_parse_sockaddr("10.99.0.1:5000", &f.local) ||
	    ksrtp_parse_sockaddr("10.99.0.2:6000", &f.remote))
		die("parse");
	errno = -ksrtp_nl_flow_new(&nl, &f, &got);
	if (errno)
		die("FLOW_NEW");
	return got.id;
}

static void flow_del(uint32_t id)
{
	struct ksrtp_flow_info f = { .id = id };

	errno = -ksrtp_nl_flow_del(&nl, &f);
	if (errno)
		die("FLOW_DEL");
}

/*
 * @others flows besides the measured one (other local ports, no keys): a
 * gateway's table with thousands of calls; the lookup must not notice.
 */
static void run_ksrtp(int pass, const struct profile *p, int others)
{
	struct run r = { .app = sa, .mmsg = pass, .wire_len = PKT + (size_t)p->tag };
	struct ksrtp_key_req k = {
		.dir = KSRTP_KEY_DIR_TX, .profile = p->id,
		.key_len = (uint8_t)p->key_len, .salt_len = (uint8_t)p->salt_len,
	};
	uint32_t *ids = NULL;
	uint8_t ks[46];
	char name[64];
	uint64_t tx;
	srtp_t check;
	int i;

	if (others) {
		ids = calloc((size_t)others, sizeof(*ids));
		if (!ids)
			die("calloc");
	}
	for (i = 0; i < others; i++) {
		struct ksrtp_flow_info f = { .mode = KSRTP_FLOW_MODE_SECURE }, got;
		char local[32];

		snprintf(local, sizeof(local), "10.99.0.1:%d", 20000 + i % 40000);
		if (ksrtp_parse_sockaddr(local, &f.local) ||
		    ksrtp_parse_sockaddr(i < 40000 ? "10.99.0.2:6000" : "10.99.0.2:6001",
					 &f.remote))
			die("parse");
		errno = -ksrtp_nl_flow_new(&nl, &f, &got);
		if (errno)
			die("FLOW_NEW (others)");
		ids[i] = got.id;
	}
	rnd(ks, sizeof(ks));
	check = lsrtp(p, ks, true);
	k.flow_id = flow_new(KSRTP_FLOW_MODE_SECURE);
	memcpy(k.key, ks, (size_t)p->key_len);
	memcpy(k.salt, ks + p->key_len, (size_t)p->salt_len);
	errno = -ksrtp_nl_key_new(&nl, &k);
	if (errno)
		die("KEY_NEW");
	if (others)
		snprintf(name, sizeof(name), "ksrtp %s, %d flows", p->name, others + 1);
	else
		snprintf(name, sizeof(name), "ksrtp %s", p->name);
	measure(name, pass, &r, check, p);
	tx = tx_packets(k.flow_id);
	if (tx != (uint64_t)(WARM + npkts)) {
		printf("# %s: kernel TX_PACKETS %llu, expected %ld\n", name,
		       (unsigned long long)tx, WARM + npkts);
		failures++;
	}
	flow_del(k.flow_id);
	for (i = 0; i < others; i++)
		flow_del(ids[i]);
	free(ids);
	srtp_dealloc(check);
}

static void run_relay(int pass, const struct profile *p)
{
	struct run r = { .app = sa_r, .mmsg = pass, .wire_len = PKT + (size_t)p->tag };
	uint8_t ks[46];
	char name[48];
	srtp_t check;

	rnd(ks, sizeof(ks));
	check = lsrtp(p, ks, true);
	r.relay = lsrtp(p, ks, false);
	snprintf(name, sizeof(name), "relay %s", p->name);
	measure(name, pass, &r, check, p);
	srtp_dealloc(r.relay);
	srtp_dealloc(check);
}

static const struct result *find(int pass, const char *name)
{
	int i;

	for (i = 0; i < nres[pass]; i++)
		if (!strcmp(results[pass][i].name, name) && results[pass][i].n)
			return &results[pass][i];
	return NULL;
}

/* Targets of issue 4, as ratios of packets/s (higher is better). */
static double target_udp(const struct profile *p)
{
	if (!p)
		return 0;
	if (p->id == KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_80)
		return 0.77;
	if (p->id == KSRTP_PROFILE_AEAD_AES_128_GCM ||
	    p->id == KSRTP_PROFILE_AEAD_AES_256_GCM)
		return 0.9;
	return 0;
}

static void report(int pass)
{
	const struct result *udp = find(pass, "udp");
	int i;

	printf("\n## pass %d: application sends with %s; B drains with recvmmsg(%d)\n",
	       pass + 1, pass ? "sendmmsg(32)" : "send() per packet", BATCH);
	printf("%-44s %7s %10s %12s %7s %8s  %s\n", "case", "packets", "ns/pkt",
	       "pkts/s", "x udp", "x relay", "target");
	for (i = 0; i < nres[pass]; i++) {
		const struct result *r = &results[pass][i];
		const struct result *rel = NULL;
		char rname[48], tgt[96] = "";
		double pps, xu = 0, xr = 0, tu = target_udp(r->prof);

		if (!r->n) {
			printf("%-44s failed\n", r->name);
			continue;
		}
		pps = 1e9 / r->ns;
		if (udp)
			xu = udp->ns / r->ns;
		if (r->prof && !r->relay) {
			snprintf(rname, sizeof(rname), "relay %s", r->prof->name);
			rel = find(pass, rname);
			if (rel)
				xr = rel->ns / r->ns;
		}
		if (r->prof && !r->relay) {
			int o = 0;

			if (tu > 0)
				o = snprintf(tgt, sizeof(tgt), ">=%.2fx udp %s; ", tu,
					     xu >= tu ? "met" : "NOT MET");
			snprintf(tgt + o, sizeof(tgt) - (size_t)o, ">=2.5x relay %s",
				 xr >= 2.5 ? "met" : "NOT MET");
		}
		printf("%-44s %7ld %10.0f %12.0f %7.3f ", r->name, r->n, r->ns, pps, xu);
		if (rel)
			printf("%8.2f  %s\n", xr, tgt);
		else
			printf("%8s  %s\n", "-", tgt);
	}
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	int opt, pass, i, npass = 2;

	/* -p PROFILE: one pass, that profile's ksrtp case only (to run under
	 * a profiler); -p none: the keyless flow only; -p udp: plain UDP only.
	 */
	while ((opt = getopt(argc, argv, "n:p:")) != -1) {
		if (opt == 'p') {
			only = optarg;
			npass = 1;
			continue;
		}
		if (opt != 'n' || atol(optarg) <= 0) {
			fprintf(stderr, "usage: kbench [-n PACKETS] [-p PROFILE]\n");
			return 2;
		}
		npkts = atol(optarg);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	srand((unsigned int)getpid());
	mm_init(app_m, app_v, app_buf);
	mm_init(relay_m, relay_v, relay_buf);
	mm_init(sink_m, sink_v, sink_buf);
	if (srtp_init() != srtp_err_status_ok) {
		errno = EINVAL;
		die("srtp_init");
	}
	/* Under -p a module loaded beforehand stays (a profiler that started
	 * with it knows its symbols).
	 */
	if (ksrtp_loaded() && (!only || !strcmp(only, "udp")) && ksrtp_unload())
		die("unload ksrtp");
	if (two_hosts_up(&hosts))
		die("namespaces");
	sb = udp_socket(hosts.fd_b, "10.99.0.2", 6000, NULL, 0);
	r_in = udp_socket(hosts.fd_a, "127.0.0.1", 7000, NULL, 0);
	r_out = udp_socket(hosts.fd_a, "10.99.0.1", 5002, "10.99.0.2", 6000);
	sa_r = udp_socket(hosts.fd_a, "127.0.0.1", 5001, "127.0.0.1", 7000);
	sa = udp_socket(hosts.fd_a, "10.99.0.1", 5000, "10.99.0.2", 6000);

	printf("# kbench: %ld packets of %d bytes per case, %d untimed and checked first\n",
	       npkts, PKT, WARM);
	print_cpu("kbench");
	for (pass = 0; pass < npass; pass++) {
		struct run plain = { .app = sa, .mmsg = pass, .wire_len = PKT };
		uint32_t id;

		/* The baseline: plain UDP with no ksrtp at all. */
		if (ksrtp_loaded() && (!only || !strcmp(only, "udp"))) {
			ksrtp_nl_close(&nl);
			nl_open = false;
			if (ksrtp_unload())
				die("unload ksrtp");
		}
		if (!only || !strcmp(only, "udp"))
			measure("udp", pass, &plain, NULL, NULL);
		errno = -ksrtp_load();
		if (errno)
			die("load ksrtp");
		errno = -ksrtp_nl_open(&nl);	/* in A: setns left us there */
		if (errno)
			die("netlink");
		nl_open = true;
		if (!only)
			measure("udp+mod (no flow)", pass, &plain, NULL, NULL);
		if (!only || !strcmp(only, "none")) {
			/* DIVERT: a SECURE flow without a key sends nothing */
			id = flow_new(KSRTP_FLOW_MODE_DIVERT);
			measure("ksrtp flow, no key (clear)", pass, &plain, NULL, NULL);
			flow_del(id);
		}
		for (i = 0; i < NPROF; i++)
			if (!only || !strcmp(only, profiles[i].name))
				run_ksrtp(pass, &profiles[i], 0);
		/* Thousands of calls in the table (the lookup, not the crypto). */
		if (!only)
			run_ksrtp(pass, &profiles[0], MANY_FLOWS - 1);
		for (i = 0; i < NPROF && !only; i++)
			run_relay(pass, &profiles[i]);
		report(pass);
	}
	ksrtp_nl_close(&nl);
	close(sa);
	close(sa_r);
	close(r_in);
	close(r_out);
	close(sb);
	two_hosts_down(&hosts);
	if (!only)
		ksrtp_unload();
	printf("# kbench: %s\n", failures ? "FAILED (see above)" : "every packet checked");
	return failures ? 1 : 0;
}
