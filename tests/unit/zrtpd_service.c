// SPDX-License-Identifier: GPL-2.0
/*
 * zrtpd as a systemd service (tools/systemd/zrtpd.service, Type=notify),
 * against the real binary on the mock kernel link:
 *
 *  - readiness, reload and stopping reach $NOTIFY_SOCKET through
 *    sd_notify(3) (the test plays systemd's part: a datagram socket);
 *  - SIGHUP re-reads the file: what may change live does (the policy, seen
 *    in `zrtpctl status`), what needs a restart is named in the log and kept,
 *    a broken file is refused and the daemon keeps running on the old one;
 *  - with $JOURNAL_STREAM set, every log line carries its sd-daemon(3)
 *    priority prefix so journald files it at the right level.
 */
#include <signal.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "zrtpd_test.h"

struct svc {
	char tmp[64], conf[100], sock[100], notify[100], log[100];
	int nfd;
	pid_t pid;
};

static void write_conf(const struct svc *s, const char *extra)
{
	FILE *f = fopen(s->conf, "w");

	fprintf(f, "# test\ncache = %s/cache.db\nstate-file = none\n%s", s->tmp, extra);
	fclose(f);
}

/* The next notification within ~5 s, into buf; false on timeout. */
static bool notified(struct svc *s, char *buf, size_t cap)
{
	struct timeval tv = { .tv_sec = 5 };
	ssize_t n;

	setsockopt(s->nfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = recv(s->nfd, buf, cap - 1, 0);
	if (n < 0)
		return false;
	buf[n] = '\0';
	return true;
}

static int status(const struct svc *s, char *out, size_t cap)
{
	char cmd[512];
	FILE *f;
	size_t n;

	snprintf(cmd, sizeof(cmd), "build/bin/zrtpctl -j -s %s status 2>&1", s->sock);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	n = fread(out, 1, cap - 1, f);
	out[n] = '\0';
	return pclose(f);
}

static char *slurp(const char *path)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

FIXTURE(svc) {
	struct svc s;
};

FIXTURE_SETUP(svc)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char *tmp = test_tmpdir();

	snprintf(self->s.tmp, sizeof(self->s.tmp), "%s", tmp);
	snprintf(self->s.conf, sizeof(self->s.conf), "%s/zrtpd.conf", tmp);
	snprintf(self->s.sock, sizeof(self->s.sock), "%s/run/zrtpd.sock", tmp);
	snprintf(self->s.notify, sizeof(self->s.notify), "%s/notify", tmp);
	snprintf(self->s.log, sizeof(self->s.log), "%s/zrtpd.log", tmp);
	self->s.nfd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, self->s.nfd);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", self->s.notify);
	ASSERT_EQ(0, bind(self->s.nfd, (struct sockaddr *)&sun, sizeof(sun)));
	write_conf(&self->s, "");

	self->s.pid = fork();
	ASSERT_LE(0, self->s.pid);
	if (self->s.pid == 0) {
		char *av[] = { "build/bin/zrtpd", "--kernel", "mock", "-c", self->s.conf,
			       "-s", self->s.sock, NULL };

		if (!freopen(self->s.log, "w", stderr))
			_exit(127);
		setenv("NOTIFY_SOCKET", self->s.notify, 1);
		setenv("JOURNAL_STREAM", "8:12345", 1);
		execv(av[0], av);
		_exit(127);
	}
	free(tmp);
}

FIXTURE_TEARDOWN(svc)
{
	if (self->s.pid > 0) {
		kill(self->s.pid, SIGKILL);
		waitpid(self->s.pid, NULL, 0);
	}
	close(self->s.nfd);
	rm_rf(self->s.tmp);
}

TEST_F(svc, notify_reload_and_stop)
{
	char msg[512], out[4096];
	int st;

	/* ready only once the control socket answers: its parent directory
	 * did not exist and was made (the default is /run/zrtpd/zrtpd.sock) */
	ASSERT_TRUE(notified(&self->s, msg, sizeof(msg)));
	ASSERT_EQ(0, strncmp(msg, "READY=1\n", 8)) TH_LOG("%s", msg);
	ASSERT_NE(NULL, strstr(msg, "STATUS=0 sessions, 0 watches"));
	ASSERT_EQ(0, status(&self->s, out, sizeof(out))) TH_LOG("%s", out);
	ASSERT_NE(NULL, strstr(out, "\"policy\":\"opportunistic\""));

	/* a live setting and a restart-only one */
	{
		char extra[512];

		snprintf(extra, sizeof(extra), "policy = require-secure\n");
		write_conf(&self->s, extra);
		/* the cache moves: that one waits for a restart */
		{
			FILE *f = fopen(self->s.conf, "a");

			fprintf(f, "cache = %s/other.db\n", self->s.tmp);
			fclose(f);
		}
	}
	ASSERT_EQ(0, kill(self->s.pid, SIGHUP));
	ASSERT_TRUE(notified(&self->s, msg, sizeof(msg)));
	ASSERT_STREQ("RELOADING=1", msg);
	ASSERT_TRUE(notified(&self->s, msg, sizeof(msg)));
	ASSERT_STREQ("READY=1", msg);
	ASSERT_EQ(0, status(&self->s, out, sizeof(out))) TH_LOG("%s", out);
	ASSERT_NE(NULL, strstr(out, "\"policy\":\"require-secure\"")) TH_LOG("%s", out);
	ASSERT_NE(NULL, strstr(out, "/cache.db\"")) TH_LOG("%s", out);
	ASSERT_EQ(NULL, strstr(out, "other.db")) TH_LOG("%s", out);

	/* a broken file: refused, the running configuration stays */
	write_conf(&self->s, "policy = sometimes\n");
	ASSERT_EQ(0, kill(self->s.pid, SIGHUP));
	ASSERT_TRUE(notified(&self->s, msg, sizeof(msg)));
	ASSERT_STREQ("RELOADING=1", msg);
	ASSERT_TRUE(notified(&self->s, msg, sizeof(msg)));
	ASSERT_STREQ("READY=1", msg);
	ASSERT_EQ(0, status(&self->s, out, sizeof(out))) TH_LOG("%s", out);
	ASSERT_NE(NULL, strstr(out, "\"policy\":\"require-secure\""));

	ASSERT_EQ(0, kill(self->s.pid, SIGTERM));
	ASSERT_TRUE(notified(&self->s, msg, sizeof(msg)));
	ASSERT_STREQ("STOPPING=1", msg);
	ASSERT_EQ(self->s.pid, waitpid(self->s.pid, &st, 0));
	self->s.pid = 0;
	ASSERT_TRUE(WIFEXITED(st));
	ASSERT_EQ(0, WEXITSTATUS(st));

	/* journald priorities: warnings <4>, notices <5>; the config error
	 * (written before the loop's logger) is plain and the unit files it
	 * at SyslogLevel=err */
	{
		const char *log = slurp(self->s.log);

		ASSERT_NE(NULL, strstr(log, "<5>zrtpd: running: kernel link mock")) TH_LOG("%s", log);
		ASSERT_NE(NULL, strstr(log, "<4>zrtpd: reload: 'cache' changed; it takes effect "
				       "at the next restart\n")) TH_LOG("%s", log);
		ASSERT_NE(NULL, strstr(log, "<4>zrtpd: reload: applied")) TH_LOG("%s", log);
		ASSERT_NE(NULL, strstr(log, "<4>zrtpd: reload: configuration refused"))
			TH_LOG("%s", log);
		ASSERT_NE(NULL, strstr(log, "sometimes")) TH_LOG("%s", log);
		ASSERT_NE(NULL, strstr(log, "<5>zrtpd: stopping")) TH_LOG("%s", log);
	}
}

/* Runs a shell command, its stdout+stderr into out; returns the exit status. */
static int run(char *out, size_t cap, const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	FILE *f;
	size_t n;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	n = fread(out, 1, cap - 1, f);
	out[n] = '\0';
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * zrtpctl metrics: zrtpd's part from the control socket, the kernel's over
 * netlink (this host has no ksrtp: "ksrtp_up 0" and exit 1, never a silent
 * half), the whole parsed by an independent Prometheus text parser.
 */
TEST_F(svc, metrics_prometheus_text)
{
	char msg[512], out[16384], args[256];
	const char *py = "/usr/bin/python3 -c 'import sys\n"
			 "from prometheus_client.parser import text_string_to_metric_families as p\n"
			 "for f in p(sys.stdin.read()):\n"
			 "  for s in f.samples: print(f.type, s.name, sorted(s.labels.items()), s.value)'";

	ASSERT_TRUE(notified(&self->s, msg, sizeof(msg)));
	snprintf(args, sizeof(args), "-s %s session add local 127.0.0.1:%u remote 127.0.0.1:%u",
		 self->s.sock, test_port(40), test_port(41));
	ASSERT_EQ(0, run(out, sizeof(out), "build/bin/zrtpctl %s 2>&1", args)) TH_LOG("%s", out);

	ASSERT_EQ(1, run(out, sizeof(out), "build/bin/zrtpctl -s %s metrics 2>/dev/null",
			 self->s.sock)) TH_LOG("%s", out);
	ASSERT_NE(NULL, strstr(out, "\nksrtp_up 0\n")) TH_LOG("%s", out);
	ASSERT_NE(NULL, strstr(out, "\nzrtpd_up 1\n")) TH_LOG("%s", out);
	ASSERT_NE(NULL, strstr(out, "\nzrtpd_sessions{state=\"handshake\"} 1\n")) TH_LOG("%s", out);
	ASSERT_NE(NULL, strstr(out, "\nzrtpd_sessions_started_total 1\n")) TH_LOG("%s", out);
	{
		char path[160], parsed[16384];
		FILE *f;

		snprintf(path, sizeof(path), "%s/metrics.txt", self->s.tmp);
		f = fopen(path, "w");
		fputs(out, f);
		fclose(f);
		ASSERT_EQ(0, run(parsed, sizeof(parsed), "%s <%s 2>&1", py, path))
			TH_LOG("%s", parsed);
		ASSERT_NE(NULL, strstr(parsed, "gauge zrtpd_sessions [('state', 'secure')] 0.0\n"))
			TH_LOG("%s", parsed);
		ASSERT_NE(NULL, strstr(parsed, "counter zrtpd_sessions_started_total [] 1.0\n"))
			TH_LOG("%s", parsed);
		ASSERT_NE(NULL, strstr(parsed, "gauge ksrtp_up [] 0.0\n")) TH_LOG("%s", parsed);
	}

	/* zrtpd gone: said in the output and the exit status */
	kill(self->s.pid, SIGTERM);
	waitpid(self->s.pid, NULL, 0);
	self->s.pid = 0;
	ASSERT_EQ(1, run(out, sizeof(out), "build/bin/zrtpctl -s %s metrics 2>/dev/null",
			 self->s.sock));
	ASSERT_NE(NULL, strstr(out, "\nzrtpd_up 0\n")) TH_LOG("%s", out);
}

TEST_HARNESS_MAIN
