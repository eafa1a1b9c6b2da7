// SPDX-License-Identifier: GPL-2.0
/*
 * make bench-zrtpd: N concurrent calls handshaking in one zrtpd.
 *
 *   zrtpd under test (this process)          load peer (a child process)
 *   mock kernel: N flows, 127.0.0.1:P+i  <--- ZRTP/UDP --->  127.0.0.1:Q+i   N flows, mock
 *
 * The daemon under test gets N flows at once (as a media server would
 * when N calls are set up together); the load peer is a second zrtpd on
 * its own process and core, answering as N remote endpoints.  Measured:
 * completion (sessions SECURE on both sides within the limit), handshakes
 * per second from the peer's start to the last SECURE, latency of the
 * median and slowest call, and the daemon's memory per session in
 * handshake (RSS growth / N: engine, session, mock socket).
 *
 *   zrtpd_bench [-n SESSIONS] [-k X255|EC25|DH3k...] [-t LIMIT_S] [--no-cache]
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "zrtpd.h"
#include "kernel_mock.h"
#include "util.h"

struct side {
	const char *name;
	struct zrtpd_mock *m;
	struct zrtpd_kernel *k;
	struct zrtpd_config cfg;
	struct zrtpd d;
};

static long rss_kib(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmRSS:", 6))
			kb = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return kb;
}

static unsigned int max_handshakes = 128;

static int side_init(struct side *s, const char *name, const char *dir, const char *ka, bool cache)
{
	char err[256];

	memset(s, 0, sizeof(*s));
	s->name = name;
	zrtpd_config_defaults(&s->cfg);
	s->cfg.ctl_path[0] = 0;
	s->cfg.state_path[0] = 0;
	s->cfg.verbose = 0;
	s->cfg.max_handshakes = max_handshakes;
	if (cache)
		snprintf(s->cfg.cache_path, sizeof(s->cfg.cache_path), "%s/%s.db", dir, name);
	else
		s->cfg.cache_path[0] = 0;
	if (zrtpd_config_set(&s->cfg, "key-agreement", ka, err, sizeof(err))) {
		fprintf(stderr, "zrtpd_bench: %s\n", err);
		return -1;
	}
	s->m = zrtpd_mock_new();
	if (!s->m || zrtpd_mock_attach(s->m, &s->k) || zrtpd_init(&s->d, &s->cfg, s->k))
		return -1;
	return 0;
}

static struct ksrtp_sockaddr lo(uint16_t port)
{
	struct ksrtp_sockaddr a = { .family = AF_INET, .port = port };

	a.addr.v4.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static unsigned int count_state(struct zrtpd *d, enum zrtpd_sess_state st)
{
	unsigned int b, n = 0;

	for (b = 0; b < d->nbuckets; b++)
		for (struct zrtpd_session *s = d->by_id[b]; s; s = s->next_id)
			n += s->state == st;
	return n;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "no-cache", no_argument, NULL, 'C' }, { NULL, 0, NULL, 0 },
	};
	unsigned int n = 10000, i, secure_a = 0, max_hs = 128;
	const char *ka = "X255";
	bool cache = true;
	int limit_s = 300, c, ready[2], go[2];
	uint16_t base_a = 20000, base_b = 40000;
	static struct side a, b;
	char dir[] = "/tmp/zrtpd-bench.XXXXXX", byte;
	struct rlimit rl = { 1 << 16, 1 << 16 };
	struct rusage ru_self, ru_child;
	long rss0, rss1;
	uint64_t t0, t_end, *lat;
	double secs, cpu_a, cpu_b;
	pid_t peer;

	while ((c = getopt_long(argc, argv, "n:k:t:m:", opts, NULL)) != -1) {
		switch (c) {
		case 'n': n = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'm': max_hs = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'k': ka = optarg; break;
		case 't': limit_s = atoi(optarg); break;
		case 'C': cache = false; break;
		default:
			fputs("usage: zrtpd_bench [-n SESSIONS] [-k KA] [-t LIMIT_S] [-m MAX_HANDSHAKES] [--no-cache]\n", stderr);
			return 2;
		}
	}
	if (!n || n > 20000) {
		fputs("zrtpd_bench: 1..20000 sessions\n", stderr);
		return 2;
	}
	/* one UDP socket per call in each process: raise the soft limit */
	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		getrlimit(RLIMIT_NOFILE, &rl);
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < n + 64) {
		fprintf(stderr, "zrtpd_bench: needs %u file descriptors (ulimit -n)\n", n + 64);
		return 1;
	}
	max_handshakes = max_hs;
	if (!mkdtemp(dir) || pipe(ready) || pipe(go))
		return 1;

	/* the load peer: a second zrtpd in its own process (its own core),
	 * N responder sessions, started when the daemon under test is ready */
	peer = fork();
	if (peer == 0) {
		if (side_init(&b, "peer", dir, ka, cache))
			_exit(1);
		for (i = 0; i < n; i++) {
			struct zrtpd_session_opts o = { .role = ZRTP_ROLE_RESPONDER };
			struct ksrtp_flow_info f = { .local = lo(base_b + i), .remote = lo(base_a + i) };

			if (zrtpd_session_add(&b.d, &f, &o, NULL))
				_exit(1);
		}
		if (write(ready[1], "R", 1) != 1 || read(go[0], &byte, 1) != 1)
			_exit(1);
		for (;;)
			zrtpd_run_once(&b.d, 5);
	}

	/* the daemon under test: N flows, all handshaking */
	if (side_init(&a, "zrtpd", dir, ka, cache)) {
		fputs("zrtpd_bench: setup failed\n", stderr);
		return 1;
	}
	rss0 = rss_kib();
	for (i = 0; i < n; i++) {
		struct ksrtp_flow_info f = { .local = lo(base_a + i), .remote = lo(base_b + i) };

		if (zrtpd_session_add(&a.d, &f, NULL, NULL)) {
			fprintf(stderr, "zrtpd_bench: session %u: cannot add\n", i);
			return 1;
		}
	}
	rss1 = rss_kib();
	if (read(ready[0], &byte, 1) != 1) {
		fputs("zrtpd_bench: the load peer failed to start\n", stderr);
		return 1;
	}
	getrusage(RUSAGE_SELF, &ru_self);
	cpu_a = -(ru_self.ru_utime.tv_sec + ru_self.ru_utime.tv_usec / 1e6 +
		  ru_self.ru_stime.tv_sec + ru_self.ru_stime.tv_usec / 1e6);
	t0 = zrtpd_now_ms();
	if (write(go[1], "G", 1) != 1)
		return 1;
	/* a handshake is done when its keys are in ("switching"): without
	 * media the responder's kernel never sees the first SRTP */
	while (a.d.stats.keyed < n && zrtpd_now_ms() - t0 < (uint64_t)limit_s * 1000)
		zrtpd_run_once(&a.d, 5);
	getrusage(RUSAGE_SELF, &ru_self);
	cpu_a += ru_self.ru_utime.tv_sec + ru_self.ru_utime.tv_usec / 1e6 +
		 ru_self.ru_stime.tv_sec + ru_self.ru_stime.tv_usec / 1e6;
	kill(peer, SIGKILL);
	waitpid(peer, NULL, 0);
	getrusage(RUSAGE_CHILDREN, &ru_child);
	cpu_b = ru_child.ru_utime.tv_sec + ru_child.ru_utime.tv_usec / 1e6 +
		ru_child.ru_stime.tv_sec + ru_child.ru_stime.tv_usec / 1e6;

	lat = calloc(n, sizeof(*lat));
	t_end = t0;
	for (i = 0; i < a.d.nbuckets; i++)
		for (struct zrtpd_session *s = a.d.by_id[i]; s; s = s->next_id)
			if (s->state == ZS_SECURE || s->state == ZS_SWITCHING) {
				lat[secure_a++] = s->switch_ms - t0;
				if (s->switch_ms > t_end)
					t_end = s->switch_ms;
			}
	qsort(lat, secure_a, sizeof(*lat), cmp_u64);
	secs = (double)(t_end - t0) / 1000.0;
	printf("zrtpd bench: %u concurrent sessions, %s, cache %s, one event loop, max-handshakes %u\n",
	       n, ka, cache ? "on (SQLite, synchronous=FULL)" : "off", max_hs);
	printf("  completed:        %u/%u keys in (%.1f%%); failed %u, clear %u, still handshaking %u\n",
	       secure_a, n, 100.0 * secure_a / n, count_state(&a.d, ZS_FAILED),
	       count_state(&a.d, ZS_CLEAR), count_state(&a.d, ZS_HANDSHAKE));
	printf("  handshakes/s:     %.0f wall clock (%u in %.2f s, daemon used %.0f%% of a core)\n",
	       secs > 0 ? secure_a / secs : 0.0, secure_a, secs, secs > 0 ? 100.0 * cpu_a / secs : 0.0);
	/* on a shared machine the wall clock also measures the neighbours */
	printf("  handshakes/CPU-s: %.0f (daemon under test: %.2f s CPU; load peer: %.2f s)\n",
	       cpu_a > 0 ? secure_a / cpu_a : 0.0, cpu_a, cpu_b);
	if (secure_a)
		printf("  time to secure:   median %.2f s, 99th %.2f s, last %.2f s\n",
		       lat[secure_a / 2] / 1000.0, lat[(uint64_t)secure_a * 99 / 100] / 1000.0,
		       lat[secure_a - 1] / 1000.0);
	printf("  memory/session:   %.1f KiB (RSS +%ld KiB for %u sessions in handshake)\n",
	       (double)(rss1 - rss0) / n, rss1 - rss0, n);
	printf("  ZRTP packets:     %llu sent, %llu received (%.1f per handshake)\n",
	       (unsigned long long)a.d.stats.zrtp_tx, (unsigned long long)a.d.stats.zrtp_rx,
	       secure_a ? (double)(a.d.stats.zrtp_tx + a.d.stats.zrtp_rx) / secure_a : 0.0);
	/* why the others did not make it: RFC 6189 §5.9 codes */
	{
		unsigned int codes[8] = { 0 }, other = 0;
		static const uint32_t known[8] = { ZRTP_ERR_TIMEOUT, ZRTP_ERR_MALFORMED,
						   ZRTP_ERR_CONFIRM_MAC, ZRTP_ERR_DH_HVI,
						   ZRTP_ERR_HELLO_MISMATCH, ZRTP_ERR_SOFTWARE,
						   ZRTP_ERR_DH_BAD_PV, ZRTP_ERR_NONCE_REUSE };

		for (i = 0; i < a.d.nbuckets; i++)
			for (struct zrtpd_session *s = a.d.by_id[i]; s; s = s->next_id) {
				unsigned int k;

				if (s->state == ZS_SECURE || s->state == ZS_SWITCHING)
					continue;
				for (k = 0; k < 8 && known[k] != s->error_code; k++)
					;
				if (k < 8)
					codes[k]++;
				else
					other++;
			}
		if (secure_a < n) {
			printf("  not secure:      ");
			for (unsigned int k = 0; k < 8; k++)
				if (codes[k])
					printf(" error 0x%x: %u;", known[k], codes[k]);
			printf(" other: %u\n", other);
		}
	}
	free(lat);
	zrtpd_fini(&a.d);
	a.k->ops->close(a.k);
	zrtpd_mock_free(a.m);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd))
			return 1;
	}
	return secure_a == n ? 0 : 1;
}
