// SPDX-License-Identifier: GPL-2.0
/*
 * zrtpd and its retained-secret cache (issue 11, finding 5), two daemons
 * on mock kernels:
 *
 * - a corrupt cache file does not stop zrtpd: it is moved aside (logged)
 *   and a fresh cache started; calls work;
 * - a cache write that fails (disk full) is logged with SQLite's reason;
 * - after a cache mismatch, `zrtpctl verify` on the live session stores
 *   the new retained secret: the next call matches.  Without the verify
 *   the next call mismatches again (an impostor never "matches").
 */
#include <glob.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "kselftest_harness.h"
#include "zrtpd_test.h"

/* stderr (zrtpd_log) into a file while a test step runs */
struct capture {
	char path[160];
	int saved;
};

static void capture_start(struct capture *c, const char *dir)
{
	int fd;

	snprintf(c->path, sizeof(c->path), "%s/stderr.log", dir);
	fflush(stderr);
	c->saved = dup(2);
	fd = open(c->path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 2);
	close(fd);
}

/* Ends the capture; returns what was logged (malloc'ed). */
static char *capture_end(struct capture *c)
{
	char *buf = calloc(1, 65536);
	FILE *f;

	fflush(stderr);
	dup2(c->saved, 2);
	close(c->saved);
	f = fopen(c->path, "r");
	if (f && buf) {
		size_t n = fread(buf, 1, 65535, f);

		buf[n] = 0;
		/* shown again, for the TAP log */
		fputs(buf, stderr);
	}
	if (f)
		fclose(f);
	return buf;
}

FIXTURE(cache) {
	struct host alice, bob;
	struct host *hs[2];
	char *tmp;
	unsigned int port;
};

FIXTURE_SETUP(cache)
{
	self->tmp = test_tmpdir();
	ASSERT_NE(NULL, self->tmp);
	host_init(&self->alice, "alice", self->tmp);
	host_init(&self->bob, "bob", self->tmp);
	self->hs[0] = &self->alice;
	self->hs[1] = &self->bob;
	self->port = 0;
}

FIXTURE_TEARDOWN(cache)
{
	host_free(&self->alice);
	host_free(&self->bob);
	rm_rf(self->tmp);
	free(self->tmp);
}

/* One call on a fresh pair of ports: alice initiates.  Both secure. */
static void call(struct __test_metadata *_metadata, FIXTURE_DATA(cache) *self,
		 struct zrtpd_session **sa, struct zrtpd_session **sb)
{
	struct zrtpd_session_opts resp = { .role = ZRTP_ROLE_RESPONDER };
	struct ksrtp_flow_info fa = flow_of(test_port(self->port), test_port(self->port + 1));
	struct ksrtp_flow_info fb = flow_of(test_port(self->port + 1), test_port(self->port));
	struct two_sessions t;

	self->port += 2;
	ASSERT_EQ(0, zrtpd_session_add(&self->bob.d, &fb, &resp, sb));
	ASSERT_EQ(0, zrtpd_session_add(&self->alice.d, &fa, NULL, sa));
	t = (struct two_sessions){ &self->alice.d, &self->bob.d, (*sa)->flow.id, (*sb)->flow.id,
				   ZS_SECURE };
	ASSERT_TRUE(run_until(self->hs, 2, both_in_state, &t, 15000));
	ASSERT_STREQ((*sa)->sas, (*sb)->sas);
	ASSERT_EQ(0, self->alice.secure_but_clear);
	ASSERT_EQ(0, self->bob.secure_but_clear);
}

static void end_call(FIXTURE_DATA(cache) *self, struct zrtpd_session *sa,
		     struct zrtpd_session *sb)
{
	zrtpd_session_del(&self->alice.d, sa, true);
	zrtpd_session_del(&self->bob.d, sb, true);
}

/* Garbage where the cache should be: zrtpd starts anyway, says what it
 * moved where, and the fresh cache works (a call, then a cache match). */
TEST_F(cache, corrupt_cache_moved_aside)
{
	struct zrtpd_session *sa, *sb;
	struct capture cap;
	glob_t g;
	char pat[PATH_MAX + 16], *log;
	int fd;

	fd = open(self->bob.cfg.cache_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	for (int i = 0; i < 64; i++)
		ASSERT_EQ(32, write(fd, "this is not an SQLite database!!", 32));
	close(fd);

	capture_start(&cap, self->tmp);
	ASSERT_EQ(0, host_start(&self->bob));
	log = capture_end(&cap);
	ASSERT_NE(NULL, log);
	EXPECT_NE(NULL, strstr(log, "not a usable database"));
	EXPECT_NE(NULL, strstr(log, "moved to"));
	free(log);
	snprintf(pat, sizeof(pat), "%s.corrupt-*", self->bob.cfg.cache_path);
	ASSERT_EQ(0, glob(pat, 0, NULL, &g));
	EXPECT_EQ(1, g.gl_pathc);
	globfree(&g);

	ASSERT_EQ(0, host_start(&self->alice));
	call(_metadata, self, &sa, &sb);
	EXPECT_EQ(ZRTP_CACHE_NONE, sb->cache);
	end_call(self, sa, sb);
	call(_metadata, self, &sa, &sb);
	EXPECT_EQ(ZRTP_CACHE_MATCH, sb->cache);
	EXPECT_EQ(ZRTP_CACHE_MATCH, sa->cache);
}

/* A monitor on alice's control socket (in this process). */
static int monitor_open(struct host *h)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", h->cfg.ctl_path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    write(fd, "monitor\n", 8) != 8)
		return -1;
	return fd;
}

static bool monitor_saw(int fd, char *acc, size_t cap, const char *what)
{
	size_t len = strlen(acc);
	ssize_t n;

	while (len + 1 < cap && (n = read(fd, acc + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	acc[len] = 0;
	return strstr(acc, what) != NULL;
}

/* Storing the new rs1 fails (disk full): the call is secure, the
 * operator reads why in the log, and monitors get a cache-error event. */
TEST_F(cache, write_error_logged)
{
	struct zrtpd_session *sa, *sb;
	struct capture cap;
	sqlite3 *db;
	char *log, *mon = calloc(1, 65536);
	int mfd;

	ASSERT_NE(NULL, mon);
	snprintf(self->alice.cfg.ctl_path, sizeof(self->alice.cfg.ctl_path), "%s/alice/ctl",
		 self->tmp);
	ASSERT_EQ(0, host_start(&self->alice));
	mfd = monitor_open(&self->alice);
	ASSERT_LE(0, mfd);
	ASSERT_EQ(0, host_start(&self->bob));
	call(_metadata, self, &sa, &sb);
	end_call(self, sa, sb);
	ASSERT_EQ(SQLITE_OK, sqlite3_open(self->alice.cfg.cache_path, &db));
	ASSERT_EQ(SQLITE_OK, sqlite3_exec(db, "CREATE TRIGGER full BEFORE UPDATE ON peers"
					  " BEGIN SELECT RAISE(FAIL, 'disk full'); END",
					  NULL, NULL, NULL));
	sqlite3_close(db);

	capture_start(&cap, self->tmp);
	call(_metadata, self, &sa, &sb);
	log = capture_end(&cap);
	ASSERT_NE(NULL, log);
	EXPECT_NE(NULL, strstr(log, "storing the retained secret failed"));
	EXPECT_NE(NULL, strstr(log, "disk full"));
	free(log);
	EXPECT_EQ(ZRTP_CACHE_MATCH, sa->cache);
	/* the daemon flushed the event in the same round: no waiting */
	EXPECT_TRUE(monitor_saw(mfd, mon, 65536, "cache-error"));
	EXPECT_NE(NULL, strstr(mon, "storing the retained secret failed (disk full)"));
	close(mfd);
	free(mon);
}

static char *req(struct zrtpd *d, const char *fmt, unsigned int id)
{
	char line[64], *reply = NULL;
	size_t len;

	snprintf(line, sizeof(line), fmt, id);
	if (zrtpd_ctl_request(d, line, &reply, &len))
		return NULL;
	return reply;
}

/* Bob loses his retained secret for alice: her next call is a cache
 * mismatch (she still holds the old secret). */
static void bob_forgets(struct __test_metadata *_metadata, FIXTURE_DATA(cache) *self)
{
	sqlite3 *db;

	ASSERT_EQ(SQLITE_OK, sqlite3_open(self->bob.cfg.cache_path, &db));
	ASSERT_EQ(SQLITE_OK, sqlite3_exec(db, "DELETE FROM peers", NULL, NULL, NULL));
	sqlite3_close(db);
}

/*
 * After a cache mismatch (RFC 6189 §4.6.1.1) the new rs1 is stored only
 * when the SAS of that call is verified while it is live: `zrtpctl verify`
 * on the live session does it, and the next call matches.  Not verified:
 * the next call mismatches again (a MiTM's second call is never a match).
 * The verify may be given on the call's Multistream stream (video): it is
 * the master's.
 */
/* verify: 0 none, 1 the call, 2 its Mult stream */
static void verify_after_mismatch(struct __test_metadata *_metadata, FIXTURE_DATA(cache) *self,
				  int verify)
{
	struct zrtpd_session *sa, *sb, *va, *vb;
	char *r;

	ASSERT_EQ(0, host_start(&self->alice));
	ASSERT_EQ(0, host_start(&self->bob));
	call(_metadata, self, &sa, &sb);
	end_call(self, sa, sb);
	bob_forgets(_metadata, self);
	call(_metadata, self, &sa, &sb);
	ASSERT_EQ(ZRTP_CACHE_MISMATCH, sa->cache);
	ASSERT_EQ(ZRTP_CACHE_NONE, sb->cache);
	if (verify == 1) {
		r = req(&self->alice.d, "verify %u", sa->flow.id);
		ASSERT_STREQ("ok\n", r);
		free(r);
		EXPECT_TRUE(sa->verified);
	} else if (verify == 2) {
		call(_metadata, self, &va, &vb);
		ASSERT_STREQ("Mult", va->ka);
		r = req(&self->alice.d, "verify %u", va->flow.id);
		ASSERT_STREQ("ok\n", r);
		free(r);
		EXPECT_TRUE(va->verified);
		EXPECT_TRUE(sa->verified);
		end_call(self, va, vb);
	}
	end_call(self, sa, sb);
	call(_metadata, self, &sa, &sb);
	if (verify) {
		EXPECT_EQ(ZRTP_CACHE_MATCH, sa->cache);
		EXPECT_EQ(ZRTP_CACHE_MATCH, sb->cache);
	} else {
		EXPECT_EQ(ZRTP_CACHE_MISMATCH, sa->cache);
	}
}

TEST_F(cache, mismatch_not_verified) { verify_after_mismatch(_metadata, self, 0); }
TEST_F(cache, mismatch_verified) { verify_after_mismatch(_metadata, self, 1); }
TEST_F(cache, mismatch_verified_on_mult_stream) { verify_after_mismatch(_metadata, self, 2); }

/* zrtpd restarted after a mismatch: the call's new rs1 went with its
 * engine; a verify now would mark the old, unmatched secret verified.
 * Refused, and the next call still shows the mismatch. */
TEST_F(cache, verify_after_restart_refused)
{
	struct zrtpd_session *sa, *sb;
	uint32_t id;
	char *r;

	ASSERT_EQ(0, host_start(&self->alice));
	ASSERT_EQ(0, host_start(&self->bob));
	call(_metadata, self, &sa, &sb);
	end_call(self, sa, sb);
	bob_forgets(_metadata, self);
	call(_metadata, self, &sa, &sb);
	ASSERT_EQ(ZRTP_CACHE_MISMATCH, sa->cache);
	id = sa->flow.id;
	host_stop(&self->alice);
	ASSERT_EQ(0, host_start(&self->alice));
	sa = zrtpd_session_by_id(&self->alice.d, id);
	ASSERT_NE(NULL, sa);
	ASSERT_EQ(ZS_SECURE, sa->state);
	ASSERT_EQ(ZRTP_CACHE_MISMATCH, sa->cache);
	r = req(&self->alice.d, "verify %u", id);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(0, strncmp(r, "error ", 6));
	EXPECT_NE(NULL, strstr(r, "verify the SAS on the next call"));
	free(r);
	EXPECT_FALSE(sa->verified);
	end_call(self, sa, sb);
	call(_metadata, self, &sa, &sb);
	EXPECT_EQ(ZRTP_CACHE_MISMATCH, sa->cache);
	EXPECT_FALSE(sa->verified);
}

TEST_HARNESS_MAIN
