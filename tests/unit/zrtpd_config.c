// SPDX-License-Identifier: GPL-2.0
/*
 * zrtpd.conf parsing (zrtpd.conf(5)) and the flags over it: every key,
 * every rejection with its file:line, and the command line winning over
 * the file (through zrtpd --dump-config).
 */
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "zrtpd_test.h"

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

FIXTURE(conf) { char *tmp; char path[128]; struct zrtpd_config c; char err[512]; };
FIXTURE_SETUP(conf)
{
	self->tmp = test_tmpdir();
	snprintf(self->path, sizeof(self->path), "%s/zrtpd.conf", self->tmp);
	zrtpd_config_defaults(&self->c);
}
FIXTURE_TEARDOWN(conf)
{
	rm_rf(self->tmp);
	free(self->tmp);
}

TEST_F(conf, defaults)
{
	ASSERT_STREQ("/var/lib/zrtpd/cache.db", self->c.cache_path);
	ASSERT_STREQ("/run/zrtpd/zrtpd.sock", self->c.ctl_path);
	ASSERT_EQ(0600, self->c.ctl_mode);
	ASSERT_EQ(ZRTPD_POLICY_OPPORTUNISTIC, self->c.policy);
	ASSERT_STREQ("netlink", self->c.kernel);
	/* only ciphers ksrtp can install are offered */
	ASSERT_EQ(2, self->c.nalgs[1]);
	ASSERT_EQ(ZRTP_CODE('A', 'E', 'S', '1'), self->c.algs[1][0]);
	ASSERT_EQ(ZRTP_CODE('A', 'E', 'S', '3'), self->c.algs[1][1]);
}

TEST_F(conf, every_key)
{
	ASSERT_EQ(0, write_file(self->path,
		"# a full configuration\n"
		"cache = /tmp/x.db\n"
		"state-file=/tmp/x.state   # trailing comment\n"
		"  zid = 00112233445566778899AABB\n"
		"client-id = PBX one\n"
		"hash = S384, S256\n"
		"cipher = AES3\n"
		"auth = HS80\n"
		"key-agreement = EC38,X448,DH3k\n"
		"sas = B256\n"
		"watch = udp:10000-20000\n"
		"watch = 5004\n"
		"policy = require-secure\n"
		"control-socket = /tmp/z.sock\n"
		"control-mode = 0660\n"
		"control-group = 0\n"
		"kernel = mock\n"
		"log-level = 2\n"));
	ASSERT_EQ(0, zrtpd_config_load(&self->c, self->path, self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
	ASSERT_STREQ("/tmp/x.db", self->c.cache_path);
	ASSERT_STREQ("/tmp/x.state", self->c.state_path);
	ASSERT_TRUE(self->c.have_zid);
	ASSERT_EQ(0xAA, self->c.zid[10]);
	ASSERT_STREQ("PBX one", self->c.client_id);
	ASSERT_EQ(2, self->c.nalgs[0]);
	ASSERT_EQ(ZRTP_CODE('S', '3', '8', '4'), self->c.algs[0][0]);
	ASSERT_EQ(ZRTP_CODE('A', 'E', 'S', '3'), self->c.algs[1][0]);
	ASSERT_EQ(1, self->c.nalgs[1]);
	ASSERT_EQ(ZRTP_CODE('E', 'C', '3', '8'), self->c.algs[3][0]);
	ASSERT_EQ(ZRTP_CODE('D', 'H', '3', 'k'), self->c.algs[3][2]);
	ASSERT_EQ(ZRTP_CODE('B', '2', '5', '6'), self->c.algs[4][0]);
	ASSERT_EQ(2, self->c.nwatches);
	ASSERT_EQ(10000, self->c.watches[0].min);
	ASSERT_EQ(20000, self->c.watches[0].max);
	ASSERT_EQ(5004, self->c.watches[1].min);
	ASSERT_EQ(5004, self->c.watches[1].max);
	ASSERT_EQ(ZRTPD_POLICY_REQUIRE_SECURE, self->c.policy);
	ASSERT_STREQ("/tmp/z.sock", self->c.ctl_path);
	ASSERT_EQ(0660, self->c.ctl_mode);
	ASSERT_EQ(0, self->c.ctl_gid);
	ASSERT_STREQ("mock", self->c.kernel);
	ASSERT_EQ(2, self->c.verbose);
}

/* rtcp: where a session's RTCP goes (port+1 by default, or muxed) */
TEST_F(conf, rtcp)
{
	ASSERT_FALSE(self->c.rtcp_mux);
	ASSERT_EQ(0, zrtpd_config_set(&self->c, "rtcp", "mux", self->err, sizeof(self->err)));
	ASSERT_TRUE(self->c.rtcp_mux);
	ASSERT_EQ(0, zrtpd_config_set(&self->c, "rtcp", "port+1", self->err, sizeof(self->err)));
	ASSERT_FALSE(self->c.rtcp_mux);
	ASSERT_EQ(-1, zrtpd_config_set(&self->c, "rtcp", "5001", self->err, sizeof(self->err)));
	ASSERT_STREQ("rtcp: port+1 or mux, not '5001'", self->err);
}

TEST_F(conf, none_disables)
{
	ASSERT_EQ(0, zrtpd_config_set(&self->c, "cache", "none", self->err, sizeof(self->err)));
	ASSERT_EQ(0, zrtpd_config_set(&self->c, "control-socket", "none", self->err, sizeof(self->err)));
	ASSERT_STREQ("", self->c.cache_path);
	ASSERT_STREQ("", self->c.ctl_path);
}

TEST_F(conf, rejections_name_file_and_line)
{
	static const struct {
		const char *text, *err;
	} cases[] = {
		{ "cache = /x\nbogus = 1\n", "%s:2: unknown setting 'bogus'" },
		{ "just words\n", "%s:1: want 'key = value'" },
		{ "cipher = AES2\n", "%s:1: cipher: unknown algorithm in 'AES2' (known: AES1 AES3)" },
		{ "key-agreement = X25519\n",
		  "%s:1: key-agreement: unknown algorithm in 'X25519' (known: DH3k DH2k EC25 EC38 EC52 X255 X448 Mult)" },
		{ "watch = udp:20-10\n", "%s:1: watch: want udp:MIN-MAX (1-65535), not 'udp:20-10'" },
		{ "watch = 0-10\n", "%s:1: watch: want udp:MIN-MAX (1-65535), not '0-10'" },
		{ "watch = 70000\n", "%s:1: watch: want udp:MIN-MAX (1-65535), not '70000'" },
		{ "policy = paranoid\n", "%s:1: policy: opportunistic or require-secure, not 'paranoid'" },
		{ "zid = 0011\n", "%s:1: zid: want 24 hex digits, not '0011'" },
		{ "client-id = seventeen chars!!\n", "%s:1: client-id: at most 16 characters (RFC 6189 \u00a75.2)" },
		{ "control-mode = 999\n", "%s:1: control-mode: an octal mode like 0660, not '999'" },
		{ "control-group = no-such-group-here\n", "%s:1: control-group: no group 'no-such-group-here'" },
		{ "kernel = dpdk\n", "%s:1: kernel: netlink or mock, not 'dpdk'" },
		{ "log-level = 9\n", "%s:1: log-level: 0 (errors) to 3 (debug), not '9'" },
		/* found by tests/fuzz/zrtpd_conf.c: numbers that strtoul() wrapped or
		 * negated ("-18446744073709551615" is 1) */
		{ "control-group = 4294967296\n", "%s:1: control-group: no group '4294967296'" },
		{ "control-group = 4294967295\n", "%s:1: control-group: no group '4294967295'" },
		{ "max-handshakes = -18446744073709551615\n",
		  "%s:1: max-handshakes: a number (0: no limit), not '-18446744073709551615'" },
		{ "idle-timeout = +5\n", "%s:1: idle-timeout: seconds, 0 to 86400 (0: never), not '+5'" },
		{ "control-mode = -1777777777777777777777\n",
		  "%s:1: control-mode: an octal mode like 0660, not '-1777777777777777777777'" },
		{ "watch = -18446744073709551615\n",
		  "%s:1: watch: want udp:MIN-MAX (1-65535), not '-18446744073709551615'" },
		{ "log-level = +2\n", "%s:1: log-level: 0 (errors) to 3 (debug), not '+2'" },
	};
	char want[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		zrtpd_config_defaults(&self->c);
		ASSERT_EQ(0, write_file(self->path, cases[i].text));
		ASSERT_EQ(-1, zrtpd_config_load(&self->c, self->path, self->err, sizeof(self->err)));
		snprintf(want, sizeof(want), cases[i].err, self->path);
		ASSERT_STREQ(want, self->err);
	}
	ASSERT_EQ(-1, zrtpd_config_load(&self->c, "/nonexistent/zrtpd.conf", self->err, sizeof(self->err)));
	ASSERT_STREQ("/nonexistent/zrtpd.conf: No such file or directory", self->err);
}

/*
 * Found by tests/fuzz/zrtpd_conf.c: lines were read into 1024 bytes, so a
 * long line's tail was read as a line of its own (a setting smuggled in a
 * path), and algorithm lists were cut at 255 bytes (a cut name may be a
 * valid one).
 */
TEST_F(conf, long_lines_and_lists_whole)
{
	char text[2048];
	int n;

	/* exactly 1023 bytes before "kernel=mock": the old chunk boundary */
	n = snprintf(text, sizeof(text), "state-file = /%.*s", 1009,
		     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	for (; n < 1023; n++)
		text[n] = 'x';
	snprintf(text + n, sizeof(text) - (size_t)n, "kernel=mock\n");
	ASSERT_EQ(0, write_file(self->path, text));
	ASSERT_EQ(0, zrtpd_config_load(&self->c, self->path, self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
	ASSERT_STREQ("netlink", self->c.kernel);
	ASSERT_EQ(1023 - 13 + 11, strlen(self->c.state_path));

	/* "S384X" cut to "S384" at byte 255 of the value */
	zrtpd_config_defaults(&self->c);
	snprintf(text, sizeof(text), "hash = S256%*sS384X\n", 247, "");
	ASSERT_EQ(0, write_file(self->path, text));
	ASSERT_EQ(-1, zrtpd_config_load(&self->c, self->path, self->err, sizeof(self->err)));
	ASSERT_NE(NULL, strstr(self->err, ":1: hash: unknown algorithm in"));
}

static int run(const char *cmd, char *out, size_t cap)
{
	FILE *f = popen(cmd, "r");
	size_t n;
	int st;

	if (!f)
		return -1;
	n = fread(out, 1, cap - 1, f);
	out[n] = 0;
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The command line overrides the file; watches accumulate. */
TEST_F(conf, flags_override_file)
{
	char cmd[512], out[4096];

	ASSERT_EQ(0, write_file(self->path,
		"policy = require-secure\nkey-agreement = DH3k\nwatch = 10000-10010\n"
		"control-socket = /tmp/from-file.sock\n"));
	snprintf(cmd, sizeof(cmd),
		 "build/bin/zrtpd -c %s --key-agreement X255,EC25 -w udp:30000-30001 "
		 "-s /tmp/flag.sock --cache none --dump-config", self->path);
	ASSERT_EQ(0, run(cmd, out, sizeof(out)));
	ASSERT_NE(NULL, strstr(out, "policy = require-secure\n"));
	ASSERT_NE(NULL, strstr(out, "key-agreement = X255,EC25\n"));
	ASSERT_NE(NULL, strstr(out, "watch = udp:10000-10010\nwatch = udp:30000-30001\n"));
	ASSERT_NE(NULL, strstr(out, "control-socket = /tmp/flag.sock\n"));
	ASSERT_NE(NULL, strstr(out, "cache = none\n"));
	/* a bad flag is an error with the flag's name; exit status 2 */
	ASSERT_EQ(2, run("build/bin/zrtpd --policy maybe --dump-config 2>&1", out, sizeof(out)));
	ASSERT_STREQ("zrtpd: --policy: policy: opportunistic or require-secure, not 'maybe'\n", out);
	snprintf(cmd, sizeof(cmd), "build/bin/zrtpd -c %s/missing.conf --dump-config 2>&1", self->tmp);
	ASSERT_EQ(2, run(cmd, out, sizeof(out)));
	ASSERT_NE(NULL, strstr(out, "missing.conf: No such file or directory"));
}

/* What --dump-config prints reads back as the same configuration. */
TEST_F(conf, dump_reads_back)
{
	char cmd[512], out[4096];
	struct zrtpd_config again;

	snprintf(cmd, sizeof(cmd), "build/bin/zrtpd --cache /tmp/a.db --sas B256 --hash S384 "
		 "--zid 0102030405060708090a0b0c -w 7000-7100 --control-mode 0640 --dump-config > %s",
		 self->path);
	ASSERT_EQ(0, run(cmd, out, sizeof(out)));
	zrtpd_config_defaults(&again);
	ASSERT_EQ(0, zrtpd_config_load(&again, self->path, self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
	ASSERT_STREQ("/tmp/a.db", again.cache_path);
	ASSERT_EQ(ZRTP_CODE('B', '2', '5', '6'), again.algs[4][0]);
	ASSERT_EQ(ZRTP_CODE('S', '3', '8', '4'), again.algs[0][0]);
	ASSERT_EQ(0x0c, again.zid[11]);
	ASSERT_EQ(7100, again.watches[0].max);
	ASSERT_EQ(0640, again.ctl_mode);
}

TEST_HARNESS_MAIN
