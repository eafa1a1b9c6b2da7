// SPDX-License-Identifier: GPL-2.0
/*
 * gwbench: a gateway's media path (issue 14), in guest time (run in the VM
 * with -icount, where guest time is proportional to executed instructions;
 * only the ratios within one run mean anything).
 *
 *   netns P (phone)          netns G (gateway)                     netns X (pbx)
 *   10.98.1.1  vp ---- vg1 10.98.1.2
 *                          10.98.2.2 vg2 ---- vx  10.98.2.1
 *
 *   fwd:   phone :5001 -------- routed through G (ip_forward=1) ------> pbx :6000
 *   relay: phone :5000 -> G :7000 (leg A, outside)  G :7002 (leg B, inside) -> pbx :6000
 *
 * Every case moves the same 172-byte RTP packets (12-byte header, 160 bytes
 * of G.711) of one SSRC from the phone to the pbx:
 *
 *   fwd               plain kernel IP forwarding through G, ksrtp not
 *                     loaded: the floor;
 *   fwd+mod           the same with ksrtp loaded (no flow on the way);
 *   ksrtp OUT->IN     a ksrtp relay in G joins leg A (SECURE with an RX
 *                     key of profile OUT, or clear) and leg B (SECURE with
 *                     a TX key of profile IN, or clear): unprotected,
 *                     re-addressed and protected in G's kernel, no socket;
 *                     also with 9,999 other relays (20,000 flows) in G;
 *   user OUT->IN      G's userspace relay: recvmmsg on :7000 -> libsrtp
 *                     (2.5 on OpenSSL) unprotect / protect -> sendmmsg
 *                     from :7002, ksrtp not loaded.
 *
 * The combinations: SRTP->RTP, RTP->SRTP and SRTP->SRTP per profile (the
 * same profile on both legs), AEAD_AES_128_GCM outside with
 * AES_CM_128_HMAC_SHA1_80 inside, and RTP->RTP.
 *
 * The phone's packets are built (and, on an SRTP leg A, protected with
 * libsrtp) before the clock starts, so the phone's share is the same in
 * every case: sendmmsg() of a batch of pre-built packets.  What is timed,
 * in one thread, in rounds of BATCH packets: the phone sends BATCH packets
 * with one sendmmsg(), [the userspace relay receives, converts and sends
 * them], and the pbx drains them with recvmmsg().  CLOCK_MONOTONIC (guest
 * time) is read before the first send and after the last receive: guest ns
 * per packet received.  The userspace relay runs inline in the same thread,
 * so its wakeups and context switches are not counted: a lower bound on a
 * relay process's cost, in its favour.
 *
 * Before each timed run WARM packets go the same way untimed, one by one,
 * and the pbx checks every one (libsrtp unprotects it on an SRTP leg B, to
 * exactly the packet the phone built); after it, every timed packet must
 * have the expected length, the last one must check the same way, a ksrtp
 * relay's leg A must count WARM + N relayed packets, and G's socket on leg
 * A must have received nothing.  Nothing asserts on time; the program fails
 * only when a packet is wrong or lost.
 *
 * Target (issue 14): ksrtp - fwd <= (user - fwd) / 5 per combination, with
 * 1 and with 10,000 relays installed.
 *
 * Usage: gwbench [-n PACKETS] [-w]   (default 20000 per case)
 *   -w: only the ksrtp relay of every combination, no table: instantiates
 *       every profile's crypto in the kernel (its self-tests) untimed.
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
#include <unistd.h>

#include <linux/ksrtp.h>

#include "ksft_ksrtp.h"
#include "ksft_netns.h"
#include "ksrtp_nl.h"
#include "bench.h"

enum { MANY_RELAYS = 10000, NCOMBO = 3 * 6 + 2, MAXCASES = 3 * NCOMBO + 4 };

struct gw {
	char p[32], g[32], x[32];
	int fd_p, fd_g, fd_x;
};

static struct gw gw = { .fd_p = -1, .fd_g = -1, .fd_x = -1 };
static struct ksrtp_nl nl;
static bool nl_open;
static int ph;		/* P: phone 10.98.1.1:5000 -> G 10.98.1.2:7000 */
static int ph_fwd;	/* P: phone 10.98.1.1:5001 -> pbx 10.98.2.1:6000 via G */
static int g_in;	/* G: 10.98.1.2:7000, leg A */
static int g_out;	/* G: 10.98.2.2:7002 -> pbx 10.98.2.1:6000, leg B */
static int pbx;		/* X: 10.98.2.1:6000 */
static long npkts = 20000;
static int failures;

static void gw_down(void)
{
	if (gw.fd_p >= 0)
		close(gw.fd_p);
	if (gw.fd_g >= 0)
		close(gw.fd_g);
	if (gw.fd_x >= 0)
		close(gw.fd_x);
	gw.fd_p = gw.fd_g = gw.fd_x = -1;
	if (gw.p[0])
		sh("/sbin/ip netns del %s 2>/dev/null; /sbin/ip netns del %s 2>/dev/null; "
		   "/sbin/ip netns del %s 2>/dev/null", gw.p, gw.g, gw.x);
}

static void die(const char *what)
{
	fprintf(stderr, "gwbench: %s: %s\n", what, strerror(errno));
	if (nl_open && nl.err_msg[0])
		fprintf(stderr, "gwbench: kernel says: %s\n", nl.err_msg);
	gw_down();
	exit(1);
}

static int ns_fd(const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* The three hosts; P and X route everything through G, which forwards. */
static void gw_up(void)
{
	unsigned int r = (unsigned int)getpid() ^ (unsigned int)rand();

	snprintf(gw.p, sizeof(gw.p), "gwp%x", r);
	snprintf(gw.g, sizeof(gw.g), "gwg%x", r);
	snprintf(gw.x, sizeof(gw.x), "gwx%x", r);
	if (sh("set -e; I=/sbin/ip; P=%s; G=%s; X=%s; "
	       "$I netns add $P; $I netns add $G; $I netns add $X; "
	       "$I link add vp netns $P mtu 9000 type veth peer name vg1 netns $G mtu 9000; "
	       "$I link add vx netns $X mtu 9000 type veth peer name vg2 netns $G mtu 9000; "
	       "$I -n $P addr add 10.98.1.1/24 dev vp; $I -n $G addr add 10.98.1.2/24 dev vg1; "
	       "$I -n $G addr add 10.98.2.2/24 dev vg2; $I -n $X addr add 10.98.2.1/24 dev vx; "
	       "for n in $P $G $X; do $I -n $n link set lo up; done; "
	       "$I -n $P link set vp up; $I -n $X link set vx up; "
	       "$I -n $G link set vg1 up; $I -n $G link set vg2 up; "
	       "$I -n $P route add default via 10.98.1.2; $I -n $X route add default via 10.98.2.2; "
	       "$I netns exec $G sysctl -qw net.ipv4.ip_forward=1",
	       gw.p, gw.g, gw.x))
		die("namespaces");
	gw.fd_p = ns_fd(gw.p);
	gw.fd_g = ns_fd(gw.g);
	gw.fd_x = ns_fd(gw.x);
	if (gw.fd_p < 0 || gw.fd_g < 0 || gw.fd_x < 0)
		die("namespaces");
}

/* One combination: each leg's profile, NULL for clear RTP. */
struct combo {
	const struct profile *out, *in;
};

static struct combo combos[NCOMBO];
static int ncombo;

static void combo_name(char *s, size_t n, const struct combo *c)
{
	if (c->out && c->in && c->out != c->in)
		snprintf(s, n, "SRTP->SRTP %s->%s", c->out->name, c->in->name);
	else if (c->out && c->in)
		snprintf(s, n, "SRTP->SRTP %s", c->out->name);
	else if (c->out)
		snprintf(s, n, "SRTP->RTP %s", c->out->name);
	else if (c->in)
		snprintf(s, n, "RTP->SRTP %s", c->in->name);
	else
		snprintf(s, n, "RTP->RTP");
}

/* The phone's packets for one case, built and protected before the clock. */
static uint8_t (*pre)[BUFLEN];
static struct mmsghdr *pre_m;
static struct iovec *pre_v;
/* The userspace relay's and the pbx's batches. */
static uint8_t relay_buf[BATCH][BUFLEN], sink_buf[BATCH][BUFLEN];
static struct mmsghdr relay_m[BATCH], sink_m[BATCH];
static struct iovec relay_v[BATCH], sink_v[BATCH];

enum { SEQ0 = 1000 };

/* Packet i (seq SEQ0 + i), protected under @tx if not NULL. */
static void phone_build(srtp_t tx, long total)
{
	long i;

	for (i = 0; i < total; i++) {
		int len = PKT;

		make_rtp(pre[i], (uint16_t)(SEQ0 + i));
		if (tx && srtp_protect(tx, pre[i], &len) != srtp_err_status_ok) {
			errno = EINVAL;
			die("phone srtp_protect");
		}
		pre_v[i].iov_base = pre[i];
		pre_v[i].iov_len = (size_t)len;
		memset(&pre_m[i], 0, sizeof(pre_m[i]));
		pre_m[i].msg_hdr.msg_iov = &pre_v[i];
		pre_m[i].msg_hdr.msg_iovlen = 1;
	}
}

struct run {
	int phone;		/* the phone's socket */
	bool user;		/* the userspace relay in G */
	srtp_t urx, utx;	/* its libsrtp sessions, NULL on a clear leg */
	srtp_t check;		/* the pbx's, NULL on a clear leg B */
	size_t wire_len;	/* expected length at the pbx */
};

static void phone_send(const struct run *r, long first, int k)
{
	int sent = 0;

	while (sent < k) {
		int n = sendmmsg(r->phone, pre_m + first + sent, (unsigned int)(k - sent), 0);

		if (n <= 0)
			die("phone sendmmsg");
		sent += n;
	}
}

/* G's userspace relay: receive k packets, convert them, send them on. */
static void relay_pump(const struct run *r, int k)
{
	int got = 0, i, sent = 0;

	while (got < k) {
		int n;

		for (i = got; i < k; i++)
			relay_v[i].iov_len = BUFLEN;
		n = recvmmsg(g_in, relay_m + got, (unsigned int)(k - got),
			     MSG_WAITFORONE, NULL);
		if (n <= 0)
			die("relay recvmmsg");
		for (i = got; i < got + n; i++) {
			int len = (int)relay_m[i].msg_len;

			if (r->urx && srtp_unprotect(r->urx, relay_buf[i], &len) !=
				      srtp_err_status_ok) {
				errno = EBADMSG;
				die("relay srtp_unprotect");
			}
			if (r->utx && srtp_protect(r->utx, relay_buf[i], &len) !=
				      srtp_err_status_ok) {
				errno = EINVAL;
				die("relay srtp_protect");
			}
			relay_v[i].iov_len = (size_t)len;
		}
		got += n;
	}
	while (sent < k) {
		int n = sendmmsg(g_out, relay_m + sent, (unsigned int)(k - sent), 0);

		if (n <= 0)
			die("relay sendmmsg");
		sent += n;
	}
}

/* The pbx receives up to k packets (fewer only after its 2 s timeout). */
static int sink_drain(const struct run *r, int k, long *bad)
{
	int got = 0, i;

	while (got < k) {
		int n;

		for (i = got; i < k; i++)
			sink_v[i].iov_len = BUFLEN;
		n = recvmmsg(pbx, sink_m + got, (unsigned int)(k - got),
			     MSG_WAITFORONE, NULL);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0)
			die("pbx recvmmsg");
		for (i = got; i < got + n; i++)
			if (sink_m[i].msg_len != r->wire_len)
				(*bad)++;
		got += n;
	}
	return got;
}

struct result {
	char name[96];
	long n, lost, bad;
	double ns;		/* guest ns per received packet */
};

static struct result results[MAXCASES];
static int nres;

/* Untimed warm-up with a check of every packet, the timed run, the checks. */
static struct result *measure(const char *name, const struct run *r)
{
	struct result *res = &results[nres++];
	long sent = 0, recvd = 0, i;
	uint64_t t0, t1;

	snprintf(res->name, sizeof(res->name), "%s", name);
	for (i = 0; i < WARM; i++) {
		long bad = 0;

		phone_send(r, i, 1);
		if (r->user)
			relay_pump(r, 1);
		if (sink_drain(r, 1, &bad) != 1 || bad ||
		    !sink_verify(r->check, sink_buf[0], sink_m[0].msg_len,
				 (uint16_t)(SEQ0 + i))) {
			printf("# %s: warm-up packet %ld not received as expected\n", name, i);
			failures++;
			res->n = 0;
			return res;
		}
	}

	t0 = now_ns();
	while (sent < npkts) {
		int k = npkts - sent < BATCH ? (int)(npkts - sent) : BATCH;

		phone_send(r, WARM + sent, k);
		if (r->user)
			relay_pump(r, k);
		recvd += sink_drain(r, k, &res->bad);
		sent += k;
	}
	t1 = now_ns();

	res->n = recvd;
	res->lost = sent - recvd;
	res->ns = recvd ? (double)(t1 - t0) / (double)recvd : 0;
	if (res->lost || res->bad) {
		printf("# %s: %ld lost, %ld of the wrong length\n", name, res->lost, res->bad);
		failures++;
	} else {
		int last = (int)((npkts - 1) % BATCH);

		if (!sink_verify(r->check, sink_buf[last], sink_m[last].msg_len,
				 (uint16_t)(SEQ0 + WARM + npkts - 1))) {
			printf("# %s: last timed packet does not verify\n", name);
			failures++;
		}
	}
	return res;
}

static void measure_fwd(const char *name)
{
	struct run r = { .phone = ph_fwd, .wire_len = PKT };

	phone_build(NULL, WARM + npkts);
	measure(name, &r);
}

static void key_new(uint32_t flow, uint8_t dir, const struct profile *p, const uint8_t *ks)
{
	struct ksrtp_key_req k = {
		.flow_id = flow, .dir = dir, .profile = p->id,
		.key_len = (uint8_t)p->key_len, .salt_len = (uint8_t)p->salt_len,
	};

	memcpy(k.key, ks, (size_t)p->key_len);
	memcpy(k.salt, ks + p->key_len, (size_t)p->salt_len);
	errno = -ksrtp_nl_key_new(&nl, &k);
	if (errno)
		die("KEY_NEW");
}

static uint32_t flow_new(const char *local, const char *remote, uint8_t mode)
{
	struct ksrtp_flow_info f = { .mode = mode }, got;

	if (ksrtp_parse_sockaddr(local, &f.local) || ksrtp_parse_sockaddr(remote, &f.remote))
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

static uint32_t relay_new(uint32_t a, uint32_t b)
{
	struct ksrtp_relay_info ri;

	errno = -ksrtp_nl_relay_new(&nl, a, b, &ri);
	if (errno)
		die("RELAY_NEW");
	return ri.id;
}

/* Per combination: user, ksrtp with 1 relay, ksrtp with MANY_RELAYS. */
static struct result *res_user[NCOMBO], *res_k1[NCOMBO], *res_kmany[NCOMBO];
static struct result *res_fwd, *res_fwd_mod;

/* One combination through G's userspace relay, or G's ksrtp relay. */
static struct result *run_combo(const struct combo *c, bool user, int others)
{
	uint8_t ks_out[46], ks_in[46];
	struct run r = { .phone = ph, .user = user,
			 .wire_len = PKT + (size_t)(c->in ? c->in->tag : 0) };
	srtp_t phone_tx = NULL;
	struct result *res;
	uint32_t a = 0, b = 0;
	char cname[64], name[96];

	rnd(ks_out, sizeof(ks_out));
	rnd(ks_in, sizeof(ks_in));
	if (c->out)
		phone_tx = lsrtp(c->out, ks_out, false);
	if (c->in)
		r.check = lsrtp(c->in, ks_in, true);
	phone_build(phone_tx, WARM + npkts);
	combo_name(cname, sizeof(cname), c);
	if (user) {
		if (c->out)
			r.urx = lsrtp(c->out, ks_out, true);
		if (c->in)
			r.utx = lsrtp(c->in, ks_in, false);
		snprintf(name, sizeof(name), "user  %s", cname);
	} else {
		a = flow_new("10.98.1.2:7000", "10.98.1.1:5000",
			     c->out ? KSRTP_FLOW_MODE_SECURE : KSRTP_FLOW_MODE_DIVERT);
		b = flow_new("10.98.2.2:7002", "10.98.2.1:6000",
			     c->in ? KSRTP_FLOW_MODE_SECURE : KSRTP_FLOW_MODE_DIVERT);
		if (c->out)
			key_new(a, KSRTP_KEY_DIR_RX, c->out, ks_out);
		if (c->in)
			key_new(b, KSRTP_KEY_DIR_TX, c->in, ks_in);
		relay_new(a, b);
		if (others)
			snprintf(name, sizeof(name), "ksrtp %s, %d relays", cname, others + 1);
		else
			snprintf(name, sizeof(name), "ksrtp %s", cname);
	}
	res = measure(name, &r);
	if (!user) {
		struct ksrtp_flow_info f = { .id = a };
		struct ksrtp_flow_stats st;
		uint8_t junk[BUFLEN];

		if (ksrtp_nl_stats_get(&nl, &f, &st))
			die("STATS_GET");
		if (res->n && st.c[KSRTP_A_STATS_RELAY_PACKETS] != (uint64_t)(WARM + npkts)) {
			printf("# %s: leg A relay_packets %llu, expected %ld\n", name,
			       (unsigned long long)st.c[KSRTP_A_STATS_RELAY_PACKETS],
			       WARM + npkts);
			failures++;
		}
		if (recv(g_in, junk, sizeof(junk), MSG_DONTWAIT) >= 0) {
			printf("# %s: G's socket on leg A received a packet\n", name);
			failures++;
			while (recv(g_in, junk, sizeof(junk), MSG_DONTWAIT) >= 0)
				;
		}
		flow_del(a);	/* and the relay with it */
		flow_del(b);
	}
	if (phone_tx)
		srtp_dealloc(phone_tx);
	if (r.check)
		srtp_dealloc(r.check);
	if (r.urx)
		srtp_dealloc(r.urx);
	if (r.utx)
		srtp_dealloc(r.utx);
	return res;
}

/*
 * @n relays of clear legs besides the measured one (other ports): a
 * gateway with thousands of calls.  The flow limit is raised to fit.
 */
static uint32_t *many_up(int n)
{
	uint32_t *ids = calloc((size_t)n * 2, sizeof(*ids));
	FILE *f = fopen("/sys/module/ksrtp/parameters/max_flows", "w");
	int i;

	if (!ids)
		die("calloc");
	if (!f || fprintf(f, "%d\n", 2 * n + 2 > 16384 ? 2 * n + 2 : 16384) < 0 || fclose(f))
		die("max_flows");
	for (i = 0; i < n; i++) {
		char la[32], ra[32], lb[32];

		snprintf(la, sizeof(la), "10.98.1.2:%d", 20000 + i);
		snprintf(ra, sizeof(ra), "10.98.1.1:%d", 20000 + i);
		snprintf(lb, sizeof(lb), "10.98.2.2:%d", 20000 + i);
		ids[2 * i] = flow_new(la, ra, KSRTP_FLOW_MODE_DIVERT);
		ids[2 * i + 1] = flow_new(lb, "10.98.2.1:6000", KSRTP_FLOW_MODE_DIVERT);
		relay_new(ids[2 * i], ids[2 * i + 1]);
	}
	return ids;
}

static void many_down(uint32_t *ids, int n)
{
	int i;

	for (i = 0; i < 2 * n; i++)
		flow_del(ids[i]);
	free(ids);
}

static void print_row(const struct result *r)
{
	if (!r)
		return;
	if (!r->n) {
		printf("%-72s failed\n", r->name);
		return;
	}
	printf("%-72s %7ld %9.0f %7.2f\n", r->name, r->n, r->ns,
	       res_fwd && res_fwd->n ? r->ns / res_fwd->ns : 0);
}

/* ksrtp - fwd <= (user - fwd) / 5: the added cost, its ratio, the verdict. */
static void target(const struct result *k, const struct result *u)
{
	double f, ka, ua;

	if (!k || !u || !k->n || !u->n || !res_fwd->n) {
		printf("  %6s %5s %-7s", "-", "-", "-");
		return;
	}
	f = res_fwd->ns;
	ka = k->ns - f;
	ua = u->ns - f;
	printf("  %6.0f %5.3f %-7s", ka, ua > 0 ? ka / ua : 0,
	       ka * 5 <= ua ? "met" : "NOT MET");
}

static void report(void)
{
	int i;

	printf("\n## gateway relay: phone sendmmsg(%d) of pre-built packets; pbx drains with recvmmsg(%d)\n",
	       BATCH, BATCH);
	printf("%-72s %7s %9s %7s\n", "case", "packets", "ns/pkt", "x fwd");
	print_row(res_fwd);
	print_row(res_fwd_mod);
	for (i = 0; i < ncombo; i++)
		print_row(res_user[i]);
	for (i = 0; i < ncombo; i++)
		print_row(res_k1[i]);
	for (i = 0; i < ncombo; i++)
		print_row(res_kmany[i]);

	printf("\n## target (issue 14): ksrtp - fwd <= (user - fwd) / 5, guest ns/packet; fwd %.0f\n",
	       res_fwd->n ? res_fwd->ns : 0);
	printf("%-52s %8s %6s  %-22s  %s\n", "", "", "",
	       "---- 1 relay ----", "--- 10000 relays ---");
	printf("%-52s %8s %6s  %6s %5s %-7s  %6s %5s %s\n", "combination", "user-fwd", "limit",
	       "k-fwd", "ratio", "target", "k-fwd", "ratio", "target");
	for (i = 0; i < ncombo; i++) {
		char cname[64];
		double ua = res_user[i] && res_user[i]->n && res_fwd->n ?
			    res_user[i]->ns - res_fwd->ns : 0;

		combo_name(cname, sizeof(cname), &combos[i]);
		printf("%-52s %8.0f %6.0f", cname, ua, ua / 5);
		target(res_k1[i], res_user[i]);
		target(res_kmany[i], res_user[i]);
		printf("\n");
	}
}

int main(int argc, char **argv)
{
	int opt, i;
	uint32_t *many;
	bool warm_only = false;

	while ((opt = getopt(argc, argv, "n:w")) != -1) {
		if (opt == 'w') {
			warm_only = true;
			continue;
		}
		if (opt != 'n' || atol(optarg) <= 0 || atol(optarg) > 30000) {
			fprintf(stderr, "usage: gwbench [-n PACKETS (1..30000)] [-w]\n");
			return 2;
		}
		npkts = atol(optarg);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	srand((unsigned int)getpid());
	pre = calloc((size_t)(WARM + npkts), sizeof(*pre));
	pre_m = calloc((size_t)(WARM + npkts), sizeof(*pre_m));
	pre_v = calloc((size_t)(WARM + npkts), sizeof(*pre_v));
	if (!pre || !pre_m || !pre_v)
		die("calloc");
	mm_init(relay_m, relay_v, relay_buf);
	mm_init(sink_m, sink_v, sink_buf);
	for (i = 0; i < NPROF; i++)
		combos[ncombo++] = (struct combo){ &profiles[i], NULL };
	for (i = 0; i < NPROF; i++)
		combos[ncombo++] = (struct combo){ NULL, &profiles[i] };
	for (i = 0; i < NPROF; i++)
		combos[ncombo++] = (struct combo){ &profiles[i], &profiles[i] };
	combos[ncombo++] = (struct combo){ &profiles[4], &profiles[0] };	/* GCM / AES-CM */
	combos[ncombo++] = (struct combo){ NULL, NULL };
	if (srtp_init() != srtp_err_status_ok) {
		errno = EINVAL;
		die("srtp_init");
	}
	if (ksrtp_unload())
		die("unload ksrtp");
	gw_up();
	pbx = udp_socket(gw.fd_x, "10.98.2.1", 6000, NULL, 0);
	g_in = udp_socket(gw.fd_g, "10.98.1.2", 7000, "10.98.1.1", 5000);
	g_out = udp_socket(gw.fd_g, "10.98.2.2", 7002, "10.98.2.1", 6000);
	ph_fwd = udp_socket(gw.fd_p, "10.98.1.1", 5001, "10.98.2.1", 6000);
	ph = udp_socket(gw.fd_p, "10.98.1.1", 5000, "10.98.1.2", 7000);

	printf("# gwbench: %ld packets of %d bytes per case, %d untimed and checked first\n",
	       npkts, PKT, WARM);
	print_cpu("gwbench");
	/* Without ksrtp: the floor and the userspace relay. */
	for (i = 0; i < ncombo && !warm_only; i++) {
		if (!i) {
			measure_fwd("fwd (IP forwarding in G)");
			res_fwd = &results[nres - 1];
		}
		res_user[i] = run_combo(&combos[i], true, 0);
	}

	errno = -ksrtp_load();
	if (errno)
		die("load ksrtp");
	if (enter(gw.fd_g))
		die("setns");
	errno = -ksrtp_nl_open(&nl);
	if (errno)
		die("netlink");
	nl_open = true;
	if (!warm_only) {
		measure_fwd("fwd+mod (IP forwarding in G, ksrtp loaded)");
		res_fwd_mod = &results[nres - 1];
	}
	for (i = 0; i < ncombo; i++)
		res_k1[i] = run_combo(&combos[i], false, 0);
	if (!warm_only) {
		many = many_up(MANY_RELAYS - 1);
		for (i = 0; i < ncombo; i++)
			res_kmany[i] = run_combo(&combos[i], false, MANY_RELAYS - 1);
		many_down(many, MANY_RELAYS - 1);
		report();
	}

	ksrtp_nl_close(&nl);
	close(ph);
	close(ph_fwd);
	close(g_in);
	close(g_out);
	close(pbx);
	gw_down();
	if (!warm_only)
		ksrtp_unload();
	printf("# gwbench: %s\n", failures ? "FAILED (see above)" : "every packet checked");
	return failures ? 1 : 0;
}
