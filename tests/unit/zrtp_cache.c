// SPDX-License-Identifier: GPL-2.0
/*
 * Retained secrets (RFC 6189 §4.3, §4.6.1, §4.9) with the SQLite cache:
 * persistent ZID, rs1/rs2 rotation, expiry, WAL; then two engines over
 * two caches: the second call matches rs1, a lost cache gives a cache
 * mismatch, a crash between the two sides' cache writes does not, the
 * SAS-verified flag travels, Multistream after a DH stream, Preshared
 * mode (and its DH fallback), PBX enrollment and SASrelay.
 */
#include <stdio.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include "kselftest_harness.h"
#include "zrtp_harness.h"
#include "zrtp_crypto.h"

#define ZID_A "alice-zid-01"
#define ZID_B "bob---zid-02"

FIXTURE(c)
{
	char dir[64];
	char pa[96], pb[96];
	struct zrtp_cache *ca, *cb;
	struct zrtp_config cfa, cfb;
};

FIXTURE_SETUP(c)
{
	strcpy(self->dir, "/tmp/zrtp-cache-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->pa, sizeof(self->pa), "%s/a.db", self->dir);
	snprintf(self->pb, sizeof(self->pb), "%s/b.db", self->dir);
	self->ca = zrtp_cache_open(self->pa);
	self->cb = zrtp_cache_open(self->pb);
	ASSERT_NE(NULL, self->ca);
	ASSERT_NE(NULL, self->cb);
	zh_config(&self->cfa, ZID_A, 1, ZRTP_ROLE_INITIATOR);
	zh_config(&self->cfb, ZID_B, 2, ZRTP_ROLE_RESPONDER);
	self->cfa.cache = self->ca;
	self->cfb.cache = self->cb;
}

FIXTURE_TEARDOWN(c)
{
	char cmd[128];

	zrtp_cache_close(self->ca);
	zrtp_cache_close(self->cb);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		TH_LOG("cleanup failed");
}

static int call(struct zh_peer *a, struct zh_peer *b, struct zrtp_config *ca,
		struct zrtp_config *cb, zh_filter f, void *arg)
{
	if (zh_start(a, "a", ca, 0) || zh_start(b, "b", cb, 0))
		return -1;
	zh_run(a, b, 0, 60000, f, arg);
	return 0;
}

static void expect_agree(struct __test_metadata *_metadata, struct zh_peer *a, struct zh_peer *b)
{
	ASSERT_EQ(1, a->n_secure);
	ASSERT_EQ(1, b->n_secure);
	EXPECT_STREQ(a->secure.sas, b->secure.sas);
	EXPECT_EQ(0, memcmp(a->secure.tx.key, b->secure.rx.key, a->secure.tx.key_len));
	EXPECT_EQ(0, memcmp(a->secure.rx.key, b->secure.tx.key, a->secure.rx.key_len));
	EXPECT_EQ(0, memcmp(a->secure.tx.salt, b->secure.rx.salt, 14));
}

TEST_F(c, zid_persistent_and_rotation)
{
	uint8_t z1[12], z2[12], z3[12], r1[32], r2[32];
	struct zrtp_cache_entry e;
	sqlite3 *db;
	sqlite3_stmt *st;

	zrtp_cache_zid(self->ca, z1);
	zrtp_cache_close(self->ca);
	self->ca = zrtp_cache_open(self->pa);
	ASSERT_NE(NULL, self->ca);
	zrtp_cache_zid(self->ca, z2);
	EXPECT_EQ(0, memcmp(z1, z2, 12));		/* same file, same ZID */
	zrtp_cache_zid(self->cb, z3);
	EXPECT_NE(0, memcmp(z1, z3, 12));		/* another endpoint */

	EXPECT_EQ(1, zrtp_cache_get(self->ca, (const uint8_t *)ZID_B, &e));
	memset(r1, 1, 32);
	memset(r2, 2, 32);
	ASSERT_EQ(0, zrtp_cache_rotate(self->ca, (const uint8_t *)ZID_B, r1, NULL, 0xffffffff, false));
	ASSERT_EQ(0, zrtp_cache_get(self->ca, (const uint8_t *)ZID_B, &e));
	EXPECT_TRUE(e.has_rs1);
	EXPECT_FALSE(e.has_rs2);
	EXPECT_EQ(0, memcmp(e.rs1, r1, 32));
	ASSERT_EQ(0, zrtp_cache_rotate(self->ca, (const uint8_t *)ZID_B, r2, NULL, 0xffffffff, true));
	ASSERT_EQ(0, zrtp_cache_get(self->ca, (const uint8_t *)ZID_B, &e));
	EXPECT_EQ(0, memcmp(e.rs1, r2, 32));	/* rs1 := new */
	EXPECT_TRUE(e.has_rs2);
	EXPECT_EQ(0, memcmp(e.rs2, r1, 32));	/* rs2 := old rs1 */
	EXPECT_TRUE(e.sas_verified);
	/* an rs1 cached for 0 s has expired (§4.9) */
	ASSERT_EQ(0, zrtp_cache_rotate(self->ca, (const uint8_t *)ZID_B, r1, NULL, 0, true));
	sleep(1);
	ASSERT_EQ(0, zrtp_cache_get(self->ca, (const uint8_t *)ZID_B, &e));
	EXPECT_FALSE(e.has_rs1);
	/* WAL mode */
	ASSERT_EQ(SQLITE_OK, sqlite3_open(self->pa, &db));
	ASSERT_EQ(SQLITE_OK, sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL));
	ASSERT_EQ(SQLITE_ROW, sqlite3_step(st));
	EXPECT_STREQ("wal", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

TEST_F(c, second_call_matches_rs1_and_v_flag)
{
	struct zh_peer a, b;
	struct zrtp_cache_entry e1, e2;

	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));
	expect_agree(_metadata, &a, &b);
	EXPECT_EQ(ZRTP_CACHE_NONE, a.secure.cache);	/* first call */
	EXPECT_EQ(ZRTP_CACHE_NONE, b.secure.cache);
	EXPECT_FALSE(a.secure.sas_verified);
	/* both users compare the SAS and press "verified" */
	EXPECT_EQ(0, zrtp_set_sas_verified(a.s, true));
	EXPECT_EQ(0, zrtp_set_sas_verified(b.s, true));
	zh_stop(&a);
	zh_stop(&b);
	ASSERT_EQ(0, zrtp_cache_get(self->ca, (const uint8_t *)ZID_B, &e1));
	ASSERT_EQ(0, zrtp_cache_get(self->cb, (const uint8_t *)ZID_A, &e2));
	EXPECT_EQ(0, memcmp(e1.rs1, e2.rs1, 32));	/* same rs1 both sides */

	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));
	expect_agree(_metadata, &a, &b);
	EXPECT_EQ(ZRTP_CACHE_MATCH, a.secure.cache);
	EXPECT_EQ(ZRTP_CACHE_MATCH, b.secure.cache);
	EXPECT_EQ(0, a.n_mismatch);
	EXPECT_TRUE(a.secure.sas_verified);		/* V flags exchanged */
	EXPECT_TRUE(b.secure.sas_verified);
	zh_stop(&a);
	zh_stop(&b);
	ASSERT_EQ(0, zrtp_cache_get(self->ca, (const uint8_t *)ZID_B, &e2));
	EXPECT_NE(0, memcmp(e1.rs1, e2.rs1, 32));	/* rotated */
	EXPECT_EQ(0, memcmp(e1.rs1, e2.rs2, 32));
}

TEST_F(c, lost_cache_is_a_mismatch)
{
	struct zh_peer a, b;

	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));
	EXPECT_EQ(0, zrtp_set_sas_verified(a.s, true));
	zh_stop(&a);
	zh_stop(&b);
	/* Bob loses his cache (same ZID, new file) */
	zrtp_cache_close(self->cb);
	unlink(self->pb);
	self->cb = zrtp_cache_open(self->pb);
	self->cfb.cache = self->cb;
	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));
	expect_agree(_metadata, &a, &b);
	EXPECT_EQ(1, a.n_mismatch);
	EXPECT_EQ(ZRTP_CACHE_MISMATCH, a.secure.cache);
	EXPECT_FALSE(a.secure.sas_verified);		/* V cleared */
	EXPECT_EQ(ZRTP_CACHE_NONE, b.secure.cache);
	zh_stop(&a);
	zh_stop(&b);
	/* §4.6.1.1: Alice did not verify that SAS, so her cache kept the old
	 * rs1 (and V): the next call is a mismatch again for both */
	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));
	expect_agree(_metadata, &a, &b);
	EXPECT_EQ(ZRTP_CACHE_MISMATCH, a.secure.cache);
	EXPECT_EQ(ZRTP_CACHE_MISMATCH, b.secure.cache);
	/* now both compare the SAS and verify it during the call: only
	 * then does the new rs1 go into the caches */
	EXPECT_EQ(0, zrtp_set_sas_verified(a.s, true));
	EXPECT_EQ(0, zrtp_set_sas_verified(b.s, true));
	zh_stop(&a);
	zh_stop(&b);
	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));
	EXPECT_EQ(ZRTP_CACHE_MATCH, a.secure.cache);
	EXPECT_EQ(ZRTP_CACHE_MATCH, b.secure.cache);
	EXPECT_TRUE(a.secure.sas_verified);
	zh_stop(&a);
	zh_stop(&b);
}

/* ---- finding 5: a MiTM's second call, read errors, the file itself ------- */

/*
 * Mallory presents Bob's ZID with her own cache (§4.6.1.1).  Alice and Bob
 * had verified their SAS.  Mallory's call is a mismatch; Alice does not
 * verify it; Mallory's second call must be a mismatch again, Alice's V
 * flag for Bob must survive, and Bob's next call must still match.
 */
TEST_F(c, impostor_second_call_still_mismatches)
{
	struct zh_peer a, b, m;
	struct zrtp_config cfm = self->cfb;
	char pm[112];
	struct zrtp_cache *cm;

	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));
	EXPECT_EQ(0, zrtp_set_sas_verified(a.s, true));
	EXPECT_EQ(0, zrtp_set_sas_verified(b.s, true));
	zh_stop(&a);
	zh_stop(&b);
	snprintf(pm, sizeof(pm), "%s/m.db", self->dir);
	cm = zrtp_cache_open(pm);
	ASSERT_NE(NULL, cm);
	cfm.cache = cm;
	for (int i = 0; i < 2; i++) {
		ASSERT_EQ(0, call(&a, &m, &self->cfa, &cfm, NULL, NULL));
		expect_agree(_metadata, &a, &m);
		EXPECT_EQ(1, a.n_mismatch) TH_LOG("Mallory's call %d", i + 1);
		EXPECT_EQ(ZRTP_CACHE_MISMATCH, a.secure.cache);
		EXPECT_FALSE(a.secure.sas_verified);
		zh_stop(&a);
		zh_stop(&m);
	}
	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));
	expect_agree(_metadata, &a, &b);
	EXPECT_EQ(ZRTP_CACHE_MATCH, a.secure.cache);
	EXPECT_EQ(ZRTP_CACHE_MATCH, b.secure.cache);
	EXPECT_TRUE(a.secure.sas_verified);
	zh_stop(&a);
	zh_stop(&b);
	zrtp_cache_close(cm);
}

/* A cache that cannot be read is not "no entry": the call is a mismatch
 * (the SAS must be compared), marked as a read failure, and nothing is
 * written. */
TEST_F(c, read_error_is_not_a_first_call)
{
	struct zh_peer a, b;
	sqlite3 *db;

	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));
	zh_stop(&a);
	zh_stop(&b);
	/* Alice's table becomes unreadable under her */
	ASSERT_EQ(SQLITE_OK, sqlite3_open(self->pa, &db));
	ASSERT_EQ(SQLITE_OK, sqlite3_exec(db, "ALTER TABLE peers RENAME TO gone", NULL, NULL, NULL));
	sqlite3_close(db);
	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));
	expect_agree(_metadata, &a, &b);
	EXPECT_TRUE(a.secure.cache_read_failed);
	EXPECT_EQ(ZRTP_CACHE_MISMATCH, a.secure.cache);
	EXPECT_EQ(1, a.n_mismatch);
	EXPECT_FALSE(a.secure.cache_write_failed);	/* nothing was tried */
	EXPECT_FALSE(b.secure.cache_read_failed);
	zh_stop(&a);
	zh_stop(&b);
}

/* A failed write is reported in the SECURE event, with the reason. */
TEST_F(c, write_error_is_reported)
{
	struct zh_peer a, b;
	sqlite3 *db;

	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));
	zh_stop(&a);
	zh_stop(&b);
	ASSERT_EQ(SQLITE_OK, sqlite3_open(self->pa, &db));
	ASSERT_EQ(SQLITE_OK, sqlite3_exec(db, "CREATE TRIGGER full BEFORE UPDATE ON peers"
					  " BEGIN SELECT RAISE(FAIL, 'disk full'); END", NULL, NULL, NULL));
	sqlite3_close(db);
	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));
	expect_agree(_metadata, &a, &b);
	EXPECT_EQ(ZRTP_CACHE_MATCH, a.secure.cache);
	EXPECT_TRUE(a.secure.cache_write_failed);
	EXPECT_NE(NULL, strstr(zrtp_cache_errmsg(self->ca), "disk full"));
	EXPECT_FALSE(b.secure.cache_write_failed);
	zh_stop(&a);
	zh_stop(&b);
}

/* rs1/rs2 are secrets: the file is 0600 whatever the umask, and an
 * existing file's looser mode is fixed on open. */
TEST_F(c, file_mode_0600)
{
	struct stat st;
	char p[112];
	struct zrtp_cache *x;
	mode_t old = umask(0);
	int fd;

	snprintf(p, sizeof(p), "%s/new.db", self->dir);
	x = zrtp_cache_open(p);
	ASSERT_NE(NULL, x);
	ASSERT_EQ(0, stat(p, &st));
	EXPECT_EQ(0600, st.st_mode & 0777);
	zrtp_cache_close(x);
	snprintf(p, sizeof(p), "%s/old.db", self->dir);
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	ASSERT_LE(0, fd);
	close(fd);
	x = zrtp_cache_open(p);
	ASSERT_NE(NULL, x);
	ASSERT_EQ(0, stat(p, &st));
	EXPECT_EQ(0600, st.st_mode & 0777);
	zrtp_cache_close(x);
	umask(old);
	ASSERT_EQ(0, stat(self->pa, &st));	/* opened by the fixture */
	EXPECT_EQ(0600, st.st_mode & 0777);
}

/* A corrupt file: zrtp_cache_open() refuses it (as before);
 * zrtp_cache_open_ex(ZRTP_CACHE_RECOVER) moves it aside, says so, and
 * starts a fresh cache (a new ZID: peers will see a cache mismatch). */
TEST_F(c, corrupt_file_moved_aside)
{
	char p[112], msg[256] = "", aside[160];
	struct zrtp_cache *x;
	struct stat st;
	FILE *f;
	uint8_t zid[12];

	snprintf(p, sizeof(p), "%s/bad.db", self->dir);
	f = fopen(p, "w");
	ASSERT_NE(NULL, f);
	for (int i = 0; i < 4096; i++)
		fputc(i * 7 + 3, f);
	fclose(f);
	EXPECT_EQ(NULL, zrtp_cache_open(p));
	ASSERT_EQ(0, stat(p, &st));			/* left alone */
	x = zrtp_cache_open_ex(p, ZRTP_CACHE_RECOVER, msg, sizeof(msg));
	ASSERT_NE(NULL, x);
	TH_LOG("%s", msg);
	ASSERT_NE(NULL, strstr(msg, "moved to "));
	ASSERT_EQ(1, sscanf(strstr(msg, "moved to ") + 9, "%159[^;]", aside));
	EXPECT_EQ(0, stat(aside, &st)) TH_LOG("%s", aside);
	EXPECT_EQ(4096, st.st_size);			/* kept for a post-mortem */
	zrtp_cache_zid(x, zid);
	zrtp_cache_close(x);
	/* reopening the fresh one keeps its ZID, with no message */
	msg[0] = 0;
	x = zrtp_cache_open_ex(p, ZRTP_CACHE_RECOVER, msg, sizeof(msg));
	ASSERT_NE(NULL, x);
	EXPECT_STREQ("", msg);
	zrtp_cache_close(x);
}

/* "Crash" after a given message: that message and all later are lost,
 * as if the receiver (or the sender) died right there. */
struct crash { enum zrtp_msg_type at; bool crashed; };

static enum zh_fate crash_filter(void *arg, struct zh_peer *from, struct zh_pkt *pk)
{
	struct crash *c = arg;

	if (zh_type(pk->b, pk->len) == c->at)
		c->crashed = true;
	return c->crashed ? ZH_DROP : ZH_DELIVER;
}

FIXTURE(crash)
{
	char dir[64];
	char pa[96], pb[96];
	struct zrtp_cache *ca, *cb;
	struct zrtp_config cfa, cfb;
};
FIXTURE_VARIANT(crash) { enum zrtp_msg_type at; bool a_rotated, b_rotated; };
/* dies before DHPart2 reaches Bob: nobody rotated */
FIXTURE_VARIANT_ADD(crash, at_dhpart2) { ZRTP_MSG_DHPART2, false, false };
/* dies before Confirm2 reaches Bob: only Alice rotated */
FIXTURE_VARIANT_ADD(crash, at_confirm2) { ZRTP_MSG_CONFIRM2, true, false };
/* dies before Conf2ACK reaches Alice: both rotated */
FIXTURE_VARIANT_ADD(crash, at_conf2ack) { ZRTP_MSG_CONF2ACK, true, true };
FIXTURE_SETUP(crash)
{
	strcpy(self->dir, "/tmp/zrtp-crash-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->pa, sizeof(self->pa), "%s/a.db", self->dir);
	snprintf(self->pb, sizeof(self->pb), "%s/b.db", self->dir);
	self->ca = zrtp_cache_open(self->pa);
	self->cb = zrtp_cache_open(self->pb);
	zh_config(&self->cfa, ZID_A, 1, ZRTP_ROLE_INITIATOR);
	zh_config(&self->cfb, ZID_B, 2, ZRTP_ROLE_RESPONDER);
	self->cfa.cache = self->ca;
	self->cfb.cache = self->cb;
}
FIXTURE_TEARDOWN(crash)
{
	char cmd[128];

	zrtp_cache_close(self->ca);
	zrtp_cache_close(self->cb);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		TH_LOG("cleanup failed");
}

TEST_F(crash, next_call_still_matches)
{
	struct zh_peer a, b;
	struct crash cr = { .at = variant->at };
	struct zrtp_cache_entry a0, b0, a1, b1;

	/* call 1 establishes rs1 on both sides */
	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));
	zh_stop(&a);
	zh_stop(&b);
	ASSERT_EQ(0, zrtp_cache_get(self->ca, (const uint8_t *)ZID_B, &a0));
	ASSERT_EQ(0, zrtp_cache_get(self->cb, (const uint8_t *)ZID_A, &b0));
	/* call 2 dies midway; both processes restart (reopen caches) */
	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, crash_filter, &cr));
	ASSERT_TRUE(cr.crashed);
	zh_stop(&a);
	zh_stop(&b);
	zrtp_cache_close(self->ca);
	zrtp_cache_close(self->cb);
	self->cfa.cache = self->ca = zrtp_cache_open(self->pa);
	self->cfb.cache = self->cb = zrtp_cache_open(self->pb);
	ASSERT_EQ(0, zrtp_cache_get(self->ca, (const uint8_t *)ZID_B, &a1));
	ASSERT_EQ(0, zrtp_cache_get(self->cb, (const uint8_t *)ZID_A, &b1));
	EXPECT_EQ(variant->a_rotated, !!memcmp(a0.rs1, a1.rs1, 32));
	EXPECT_EQ(variant->b_rotated, !!memcmp(b0.rs1, b1.rs1, 32));
	/* call 3: no false alarm, whatever the crash point */
	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));
	expect_agree(_metadata, &a, &b);
	EXPECT_EQ(ZRTP_CACHE_MATCH, a.secure.cache);
	EXPECT_EQ(ZRTP_CACHE_MATCH, b.secure.cache);
	EXPECT_EQ(0, a.n_mismatch + b.n_mismatch);
	zh_stop(&a);
	zh_stop(&b);
	/* and call 4 too (both now rotated in step) */
	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));
	EXPECT_EQ(ZRTP_CACHE_MATCH, a.secure.cache);
	EXPECT_EQ(ZRTP_CACHE_MATCH, b.secure.cache);
	zh_stop(&a);
	zh_stop(&b);
}

/*
 * Two interrupted calls in a row, each dying after Alice (initiator)
 * stored the new rs1 and before Bob did.  Alice then holds {N2, O}: rs2 is
 * the secret that matched in call 2 (O, still Bob's rs1), not her previous
 * rs1 N that Bob never stored, so call 4 still matches.
 */
TEST_F(c, two_interrupted_calls_in_a_row)
{
	struct zh_peer a, b;
	struct zrtp_cache_entry ea, eb;

	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));	/* rs1 = O */
	zh_stop(&a);
	zh_stop(&b);
	for (int i = 0; i < 2; i++) {
		struct crash cr = { .at = ZRTP_MSG_CONFIRM2 };

		ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, crash_filter, &cr));
		EXPECT_EQ(1, a.n_secure);
		EXPECT_EQ(0, b.n_secure);
		EXPECT_EQ(0, a.n_mismatch);
		zh_stop(&a);
		zh_stop(&b);
	}
	ASSERT_EQ(0, zrtp_cache_get(self->ca, (const uint8_t *)ZID_B, &ea));
	ASSERT_EQ(0, zrtp_cache_get(self->cb, (const uint8_t *)ZID_A, &eb));
	EXPECT_NE(0, memcmp(ea.rs1, eb.rs1, 32));
	EXPECT_EQ(0, memcmp(ea.rs2, eb.rs1, 32));	/* the common secret */
	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));
	expect_agree(_metadata, &a, &b);
	EXPECT_EQ(ZRTP_CACHE_MATCH, a.secure.cache);
	EXPECT_EQ(ZRTP_CACHE_MATCH, b.secure.cache);
	zh_stop(&a);
	zh_stop(&b);
	/* and after a complete call both hold the same pair */
	ASSERT_EQ(0, zrtp_cache_get(self->ca, (const uint8_t *)ZID_B, &ea));
	ASSERT_EQ(0, zrtp_cache_get(self->cb, (const uint8_t *)ZID_A, &eb));
	EXPECT_EQ(0, memcmp(ea.rs1, eb.rs1, 32));
	EXPECT_EQ(0, memcmp(ea.rs2, eb.rs2, 32));
}

#define STEP(from, to, type) ASSERT_EQ((int)(type), (int)zh_step(from, to, 0))

/* Mult or Prsh, one message per step: no DHPart, Confirm1 answers Commit. */
static void nondh_steps(struct __test_metadata *_metadata, struct zh_peer *a, struct zh_peer *b)
{
	STEP(a, b, ZRTP_MSG_HELLO);		/* Alice: Hello */
	STEP(b, a, ZRTP_MSG_HELLO);		/* Bob: Hello */
	STEP(b, a, ZRTP_MSG_HELLOACK);		/* Bob acknowledges Alice's Hello */
	STEP(a, b, ZRTP_MSG_HELLOACK);		/* Alice acknowledges Bob's */
	STEP(a, b, ZRTP_MSG_COMMIT);		/* Alice: Commit (nonce[, keyID]) */
	STEP(b, a, ZRTP_MSG_CONFIRM1);		/* Bob: Confirm1 straight away */
	EXPECT_EQ(1, a->n_secure);
	STEP(a, b, ZRTP_MSG_CONFIRM2);		/* Alice: Confirm2 */
	EXPECT_EQ(1, b->n_secure);
	STEP(b, a, ZRTP_MSG_CONF2ACK);		/* Bob: Conf2ACK */
	EXPECT_EQ(1, a->n_confirmed);
	expect_agree(_metadata, a, b);
}

TEST_F(c, multistream_and_preshared_step_by_step)
{
	struct zh_peer a, b, a2, b2;
	struct zrtp_config ca2, cb2;

	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));
	expect_agree(_metadata, &a, &b);
	ca2 = self->cfa;
	cb2 = self->cfb;
	ca2.master = a.s;
	cb2.master = b.s;
	ASSERT_EQ(0, zh_start(&a2, "a2", &ca2, 0));
	ASSERT_EQ(0, zh_start(&b2, "b2", &cb2, 0));
	nondh_steps(_metadata, &a2, &b2);
	EXPECT_STREQ("Mult", a2.secure.ka);
	zh_stop(&a2);
	zh_stop(&b2);
	zh_stop(&a);
	zh_stop(&b);
	/* the first call left rs1 in both caches: Preshared */
	ca2 = self->cfa;
	cb2 = self->cfb;
	ca2.preshared = cb2.preshared = true;
	ca2.algs[ZRTP_ALG_KA][0] = cb2.algs[ZRTP_ALG_KA][0] = ZRTP_PRSH;
	ca2.algs[ZRTP_ALG_KA][1] = cb2.algs[ZRTP_ALG_KA][1] = ZRTP_X255;
	ca2.nalgs[ZRTP_ALG_KA] = cb2.nalgs[ZRTP_ALG_KA] = 2;
	ASSERT_EQ(0, zh_start(&a2, "a2", &ca2, 0));
	ASSERT_EQ(0, zh_start(&b2, "b2", &cb2, 0));
	nondh_steps(_metadata, &a2, &b2);
	EXPECT_STREQ("Prsh", a2.secure.ka);
	EXPECT_EQ(ZRTP_CACHE_MATCH, b2.secure.cache);
	zh_stop(&a2);
	zh_stop(&b2);
}

/* §4.4.3: Multistream streams after a DH stream, any number of them. */
TEST_F(c, multistream_after_dh)
{
	struct zh_peer a, b, a2, b2;
	struct zrtp_cache_entry e0, e1;

	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));
	expect_agree(_metadata, &a, &b);
	ASSERT_EQ(0, zrtp_cache_get(self->ca, (const uint8_t *)ZID_B, &e0));
	for (int stream = 0; stream < 3; stream++) {
		struct zrtp_config ca2 = self->cfa, cb2 = self->cfb;

		ca2.master = a.s;
		cb2.master = b.s;
		ca2.ssrc = 100 + stream;
		cb2.ssrc = 200 + stream;
		ASSERT_EQ(0, call(&a2, &b2, &ca2, &cb2, NULL, NULL));
		expect_agree(_metadata, &a2, &b2);
		EXPECT_STREQ("Mult", a2.secure.ka);
		EXPECT_STREQ("Mult", b2.secure.ka);
		EXPECT_EQ(0, a2.sent[ZRTP_MSG_DHPART2]);	/* no DH */
		EXPECT_EQ(0, b2.sent[ZRTP_MSG_DHPART1]);
		EXPECT_STREQ(a.secure.sas, a2.secure.sas);	/* master's SAS */
		/* fresh keys, not the master's */
		EXPECT_NE(0, memcmp(a.secure.tx.key, a2.secure.tx.key, 16));
		zh_stop(&a2);
		zh_stop(&b2);
	}
	/* Multistream does not touch the cache */
	ASSERT_EQ(0, zrtp_cache_get(self->ca, (const uint8_t *)ZID_B, &e1));
	EXPECT_EQ(0, memcmp(e0.rs1, e1.rs1, 32));
	zh_stop(&a);
	zh_stop(&b);
}

/* §4.4.2: Preshared mode from the cached rs1, and the DH fallback. */
/*
 * Multistream through a lookup, as zrtpd does it (issue 11, finding 7): a
 * second stream's session is created before the peer is known; the engine
 * asks find_master() with the peer's ZID when it needs the master.  The
 * lookup is honoured only for a secure session with that same peer.
 */
struct masters { const struct zrtp_session *s[2]; int calls; };

static const struct zrtp_session *find_master(void *arg, const uint8_t zid[12])
{
	struct masters *m = arg;

	m->calls++;
	return m->s[!memcmp(zid, ZID_A, 12) ? 1 : 0];	/* Bob's master for Alice... */
}

TEST_F(c, multistream_found_by_peer_zid)
{
	struct zh_peer a, b, a2, b2;
	struct zrtp_config ca2 = self->cfa, cb2 = self->cfb;
	struct masters ma, mb;

	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));
	expect_agree(_metadata, &a, &b);
	ma = (struct masters){ .s = { a.s, NULL } };		/* Alice: peer Bob -> a.s */
	mb = (struct masters){ .s = { NULL, b.s } };		/* Bob: peer Alice -> b.s */
	ca2.find_master = cb2.find_master = find_master;
	ca2.find_master_arg = &ma;
	cb2.find_master_arg = &mb;
	ca2.role = cb2.role = ZRTP_ROLE_AUTO;
	ca2.ssrc = 11;
	cb2.ssrc = 22;
	ASSERT_EQ(0, call(&a2, &b2, &ca2, &cb2, NULL, NULL));
	expect_agree(_metadata, &a2, &b2);
	EXPECT_STREQ("Mult", a2.secure.ka);
	EXPECT_STREQ(a.secure.sas, b2.secure.sas);
	EXPECT_LE(1, ma.calls + mb.calls);
	zh_stop(&a2);
	zh_stop(&b2);
	/* a master with another peer (or not secure) is not used: DH */
	ma = (struct masters){ .s = { b.s, NULL } };	/* Bob's own session: peer Alice */
	mb = (struct masters){ .s = { NULL, NULL } };
	ASSERT_EQ(0, call(&a2, &b2, &ca2, &cb2, NULL, NULL));
	expect_agree(_metadata, &a2, &b2);
	EXPECT_STRNE("Mult", a2.secure.ka);
	zh_stop(&a2);
	zh_stop(&b2);
	zh_stop(&a);
	zh_stop(&b);
}

TEST_F(c, preshared_mode)
{
	struct zh_peer a, b;

	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));
	zh_stop(&a);
	zh_stop(&b);
	for (int i = 0; i < 2; i++) {
		self->cfa.algs[ZRTP_ALG_KA][0] = ZRTP_PRSH;
		self->cfa.algs[ZRTP_ALG_KA][1] = ZRTP_X255;
		self->cfa.nalgs[ZRTP_ALG_KA] = 2;
		self->cfb.algs[ZRTP_ALG_KA][0] = ZRTP_PRSH;
		self->cfb.algs[ZRTP_ALG_KA][1] = ZRTP_X255;
		self->cfb.nalgs[ZRTP_ALG_KA] = 2;
		self->cfa.preshared = self->cfb.preshared = true;
	}
	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));
	expect_agree(_metadata, &a, &b);
	EXPECT_STREQ("Prsh", a.secure.ka);
	EXPECT_EQ(0, a.sent[ZRTP_MSG_DHPART2]);
	EXPECT_EQ(ZRTP_CACHE_MATCH, a.secure.cache);
	EXPECT_EQ(ZRTP_CACHE_MATCH, b.secure.cache);
	zh_stop(&a);
	zh_stop(&b);
	/* and rs1 was rotated in step: a DH call afterwards matches */
	self->cfa.preshared = false;
	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));
	EXPECT_STREQ("X255", a.secure.ka);
	EXPECT_EQ(ZRTP_CACHE_MATCH, a.secure.cache);
	zh_stop(&a);
	zh_stop(&b);
	/* Bob lost his cache: his DH Commit wins over Alice's Prsh (§4.2) */
	self->cfa.preshared = true;
	zrtp_cache_close(self->cb);
	unlink(self->pb);
	self->cfb.cache = self->cb = zrtp_cache_open(self->pb);
	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));
	expect_agree(_metadata, &a, &b);
	EXPECT_STREQ("X255", a.secure.ka);
	EXPECT_TRUE(b.secure.initiator);
	EXPECT_EQ(ZRTP_CACHE_MISMATCH, a.secure.cache);
	zh_stop(&a);
	zh_stop(&b);
}

/* Both sides start at once and both Commit: their Commits cross (§4.2). */
static void crossing_commits(struct __test_metadata *_metadata, struct zh_peer *a,
			     struct zh_peer *b, struct zrtp_config *ca, struct zrtp_config *cb,
			     struct zrtp_commit *pa, struct zrtp_commit *pb)
{
	struct zh_pkt ka, kb;
	struct zrtp_packet p;

	ASSERT_EQ(0, zh_start(a, "a", ca, 0));
	ASSERT_EQ(0, zh_start(b, "b", cb, 0));
	ASSERT_EQ(ZRTP_MSG_HELLO, zh_step(a, b, 0));
	ASSERT_EQ(ZRTP_MSG_HELLO, zh_step(b, a, 0));
	ASSERT_EQ(ZRTP_MSG_HELLOACK, zh_step(b, a, 0));
	ASSERT_EQ(ZRTP_MSG_HELLOACK, zh_step(a, b, 0));
	zh_drain(a, 0);
	zh_drain(b, 0);
	ASSERT_TRUE(zh_take(a, &ka));
	ASSERT_TRUE(zh_take(b, &kb));
	ASSERT_EQ(0, zrtp_packet_parse(ka.b, ka.len, &p));
	ASSERT_EQ(ZRTP_MSG_COMMIT, p.m.type);
	*pa = p.m.commit;
	ASSERT_EQ(0, zrtp_packet_parse(kb.b, kb.len, &p));
	ASSERT_EQ(ZRTP_MSG_COMMIT, p.m.type);
	*pb = p.m.commit;
	zrtp_input(b->s, 0, ka.b, ka.len);
	zrtp_input(a->s, 0, kb.b, kb.len);
	zh_run(a, b, 0, 60000, NULL, NULL);
}

/*
 * RFC 6189 §4.2 for two Preshared Commits: when exactly one side set the
 * MiTM flag in its Hello, its Commit is discarded whatever the nonces (the
 * phone initiates, the PBX responds); otherwise the larger nonce wins.
 * Eight calls each way: with Alice the PBX, Bob initiates all of them
 * (by nonce alone he would win about half).
 */
TEST_F(c, preshared_contention_mitm_responds)
{
	struct zh_peer a, b;
	int bob_init = 0, by_nonce = 0;

	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));	/* rs1 */
	zh_stop(&a);
	zh_stop(&b);
	for (int k = 0; k < 2; k++) {
		struct zrtp_config *x = k ? &self->cfb : &self->cfa;

		x->algs[ZRTP_ALG_KA][0] = ZRTP_PRSH;
		x->algs[ZRTP_ALG_KA][1] = ZRTP_X255;
		x->nalgs[ZRTP_ALG_KA] = 2;
		x->preshared = true;
		x->role = ZRTP_ROLE_AUTO;
	}
	for (int i = 0; i < 16; i++) {
		struct zrtp_commit pa, pb;
		bool pbx = i < 8;

		self->cfa.mitm = pbx;
		crossing_commits(_metadata, &a, &b, &self->cfa, &self->cfb, &pa, &pb);
		ASSERT_EQ(ZRTP_PRSH, pa.alg[ZRTP_ALG_KA]);
		ASSERT_EQ(ZRTP_PRSH, pb.alg[ZRTP_ALG_KA]);
		expect_agree(_metadata, &a, &b);
		EXPECT_STREQ("Prsh", a.secure.ka);
		if (pbx) {
			EXPECT_TRUE(b.secure.initiator) TH_LOG("call %d", i);
			bob_init += b.secure.initiator;
		} else {
			EXPECT_EQ(memcmp(pb.nonce, pa.nonce, 16) > 0, b.secure.initiator);
			by_nonce += memcmp(pb.nonce, pa.nonce, 16) > 0;
		}
		zh_stop(&a);
		zh_stop(&b);
	}
	TH_LOG("PBX Alice: Bob initiated %d of 8; no PBX: Bob's nonce larger in %d of 8",
	       bob_init, by_nonce);
}

TEST_F(c, aux_secret)
{
	struct zh_peer a, b;
	static const uint8_t aux[] = "shared-by-signalling";

	self->cfa.aux_secret = self->cfb.aux_secret = aux;
	self->cfa.aux_secret_len = self->cfb.aux_secret_len = sizeof(aux);
	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));
	expect_agree(_metadata, &a, &b);
	EXPECT_FALSE(a.secure.aux_mismatch);
	EXPECT_FALSE(b.secure.aux_mismatch);
	zh_stop(&a);
	zh_stop(&b);
	/* different aux secrets: not an error, s2 is simply null */
	self->cfb.aux_secret = (const uint8_t *)"other";
	self->cfb.aux_secret_len = 5;
	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));
	expect_agree(_metadata, &a, &b);
	EXPECT_TRUE(a.secure.aux_mismatch);
	EXPECT_TRUE(b.secure.aux_mismatch);
	zh_stop(&a);
	zh_stop(&b);
}

/* §7.3: a PBX (M flag) enrolls the client (E flag), then relays a SAS. */
TEST_F(c, pbx_enrollment_and_sasrelay)
{
	struct zh_peer a, b;
	uint8_t sashash[32] = { 0x08, 0x86, 0x40 };
	uint64_t now;

	self->cfb.mitm = true;		/* Bob is the PBX */
	self->cfb.pbx_enroll = true;
	self->cfa.pbx_enroll = true;	/* Alice accepts enrollment */
	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));
	expect_agree(_metadata, &a, &b);
	EXPECT_TRUE(a.secure.peer_is_mitm);
	EXPECT_FALSE(a.secure.pbx_secret_used);
	/* the phone enrolls only once the user verified this call's SAS */
	EXPECT_TRUE(a.secure.pbx_enroll_pending);
	EXPECT_EQ(0, a.n_enrolled);
	ASSERT_EQ(0, zrtp_set_sas_verified(a.s, true));
	zh_drain(&a, a.now);
	EXPECT_EQ(1, a.n_enrolled);
	zh_stop(&a);
	zh_stop(&b);
	/* next call: the PBX relays the far end's SAS */
	ASSERT_EQ(0, zh_start(&a, "a", &self->cfa, 0));
	ASSERT_EQ(0, zh_start(&b, "b", &self->cfb, 0));
	now = zh_run(&a, &b, 0, 60000, NULL, NULL);
	expect_agree(_metadata, &a, &b);
	EXPECT_TRUE(a.secure.pbx_secret_used);		/* s3 = pbxsecret (§4.3) */
	EXPECT_TRUE(b.secure.pbx_secret_used);
	ASSERT_EQ(0, zrtp_send_sasrelay(b.s, now, sashash, ZRTP_B32));
	zh_run(&a, &b, now, now + 60000, NULL, NULL);
	EXPECT_EQ(1, a.n_relayed);
	EXPECT_STREQ("bndr", a.relayed.sas);
	EXPECT_EQ(1, a.sent[ZRTP_MSG_RELAYACK]);
	EXPECT_EQ(1, b.sent[ZRTP_MSG_SASRELAY]);	/* RelayACK stopped T2 */
	/* a non-PBX may not relay */
	EXPECT_EQ(-1, zrtp_send_sasrelay(a.s, now, sashash, ZRTP_B32));
	zh_stop(&a);
	zh_stop(&b);
}

TEST_F(c, sasrelay_from_unenrolled_mitm_rejected)
{
	struct zh_peer a, b;
	uint8_t sashash[32] = { 1, 2, 3 };
	uint64_t now;

	self->cfb.mitm = true;		/* claims MiTM, never enrolled */
	ASSERT_EQ(0, zh_start(&a, "a", &self->cfa, 0));
	ASSERT_EQ(0, zh_start(&b, "b", &self->cfb, 0));
	now = zh_run(&a, &b, 0, 60000, NULL, NULL);
	expect_agree(_metadata, &a, &b);
	ASSERT_EQ(0, zrtp_send_sasrelay(b.s, now, sashash, ZRTP_B256));
	zh_run(&a, &b, now, now + 60000, NULL, NULL);
	EXPECT_EQ(0, a.n_relayed);
	EXPECT_EQ(1, a.n_relay_rejected);
	zh_stop(&a);
	zh_stop(&b);
}

/*
 * §7.3 (finding 6): Alice enrolled with the PBX (Bob's ZID).  Mallory, who
 * claims to be a MiTM with the PBX's ZID but does not know the pbxsecret,
 * may not relay a SAS: the pbxsecret must have matched in THIS exchange.
 */
TEST_F(c, sasrelay_needs_pbxsecret_match_in_this_call)
{
	struct zh_peer a, b, m;
	struct zrtp_config cfm;
	uint8_t sashash[32] = { 4, 5, 6 };
	char pm[112];
	struct zrtp_cache *cm;
	uint64_t now;

	self->cfb.mitm = true;
	self->cfb.pbx_enroll = true;
	self->cfa.pbx_enroll = true;
	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));
	ASSERT_EQ(0, zrtp_set_sas_verified(a.s, true));
	zh_drain(&a, a.now);
	EXPECT_EQ(1, a.n_enrolled);
	zh_stop(&a);
	zh_stop(&b);
	snprintf(pm, sizeof(pm), "%s/m.db", self->dir);
	cm = zrtp_cache_open(pm);
	ASSERT_NE(NULL, cm);
	cfm = self->cfb;		/* Bob's ZID, M flag, her own cache */
	cfm.cache = cm;
	cfm.pbx_enroll = false;
	ASSERT_EQ(0, zh_start(&a, "a", &self->cfa, 0));
	ASSERT_EQ(0, zh_start(&m, "m", &cfm, 0));
	now = zh_run(&a, &m, 0, 60000, NULL, NULL);
	expect_agree(_metadata, &a, &m);
	EXPECT_FALSE(a.secure.pbx_secret_used);
	ASSERT_EQ(0, zrtp_send_sasrelay(m.s, now, sashash, ZRTP_B32));
	zh_run(&a, &m, now, now + 60000, NULL, NULL);
	EXPECT_EQ(0, a.n_relayed);
	EXPECT_EQ(1, a.n_relay_rejected);
	zh_stop(&a);
	zh_stop(&m);
	zrtp_cache_close(cm);
}

/* ---- cache continuity: a randomised model ---------------------------------- */

/*
 * Many calls between two caches (Alice, Bob), automatic roles (Commit
 * contention picks the initiator), sometimes two DH streams at once
 * (both load the cache before either writes it, packets interleaved at
 * random), sometimes a crash after a random message (both engines dropped
 * mid-handshake: whatever cache writes happened, happened), sometimes the
 * caches closed and reopened from disk.  The first call is complete and
 * both users verify its SAS.  From then on, every side that reaches
 * SECURE must see a cache match with the SAS still verified: an honest
 * peer never causes a mismatch.  Deterministic seed.
 */
struct mpair {
	struct zh_peer a, b;
	bool live;
	int delivered, crash_at;	/* crash_at < 0: never */
};

static uint32_t mrand(uint32_t *st)
{
	*st = *st * 1103515245u + 12345u;
	return *st >> 8;
}

static int prng_rand(void *arg, uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)mrand(arg);
	return 0;
}

static void run_pairs(struct mpair *p, int n, uint32_t *st, uint64_t *now)
{
	for (int guard = 0; guard < 100000; guard++) {
		int cand[4][2], nc = 0;
		uint64_t next = UINT64_MAX;
		struct zrtp_output o;

		for (int i = 0; i < n; i++) {
			if (!p[i].live)
				continue;
			zh_drain(&p[i].a, *now);
			zh_drain(&p[i].b, *now);
			if (p[i].a.nout)
				cand[nc][0] = i, cand[nc++][1] = 0;
			if (p[i].b.nout)
				cand[nc][0] = i, cand[nc++][1] = 1;
		}
		if (nc) {
			int c = (int)(mrand(st) % (unsigned)nc), i = cand[c][0];
			struct zh_peer *from = cand[c][1] ? &p[i].b : &p[i].a;
			struct zh_peer *to = cand[c][1] ? &p[i].a : &p[i].b;
			struct zh_pkt pk;

			zh_take(from, &pk);
			if (p[i].delivered++ == p[i].crash_at) {
				zh_stop(&p[i].a);	/* both ends die here */
				zh_stop(&p[i].b);
				p[i].live = false;
				continue;
			}
			zrtp_input(to->s, *now, pk.b, pk.len);
			continue;
		}
		for (int i = 0; i < n; i++) {
			if (!p[i].live)
				continue;
			zrtp_poll(p[i].a.s, *now, &o);
			next = o.next_timer_ms < next ? o.next_timer_ms : next;
			zrtp_poll(p[i].b.s, *now, &o);
			next = o.next_timer_ms < next ? o.next_timer_ms : next;
		}
		if (next == UINT64_MAX || next > *now + 60000)
			return;
		*now = next;
	}
}

TEST_F(c, continuity_model)
{
	uint32_t st = 20261129, ra = 1, rb = 2;
	uint64_t now = 0;
	int calls = 0, concurrent = 0, crashes = 0, reopens = 0, secure_sides = 0, bad = 0;
	struct zh_peer a, b;

	self->cfa.role = self->cfb.role = ZRTP_ROLE_AUTO;
	self->cfa.rand = self->cfb.rand = prng_rand;
	self->cfa.rand_arg = &ra;
	self->cfb.rand_arg = &rb;
	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));
	expect_agree(_metadata, &a, &b);
	EXPECT_EQ(0, zrtp_set_sas_verified(a.s, true));
	EXPECT_EQ(0, zrtp_set_sas_verified(b.s, true));
	zh_stop(&a);
	zh_stop(&b);
	for (calls = 0; calls < 300; calls++) {
		struct mpair p[2];
		int n = mrand(&st) % 4 == 0 ? 2 : 1;

		concurrent += n == 2;
		for (int i = 0; i < n; i++) {
			p[i].live = true;
			p[i].delivered = 0;
			p[i].crash_at = mrand(&st) % 3 == 0 ? (int)(mrand(&st) % 12) : -1;
			crashes += p[i].crash_at >= 0;
			ASSERT_EQ(0, zh_start(&p[i].a, "a", &self->cfa, now));
			ASSERT_EQ(0, zh_start(&p[i].b, "b", &self->cfb, now));
		}
		run_pairs(p, n, &st, &now);
		for (int i = 0; i < n; i++) {
			struct zh_peer *side[2] = { &p[i].a, &p[i].b };

			for (int k = 0; k < 2; k++) {
				if (!side[k]->n_secure)
					continue;
				secure_sides++;
				if (side[k]->n_mismatch || side[k]->secure.cache != ZRTP_CACHE_MATCH ||
				    !side[k]->secure.sas_verified) {
					if (bad++ < 8)
						TH_LOG("call %d stream %d %s: cache %d, verified %d", calls, i,
						       k ? "bob" : "alice", side[k]->secure.cache,
						       side[k]->secure.sas_verified);
				}
			}
			if (p[i].live) {
				zh_stop(&p[i].a);
				zh_stop(&p[i].b);
			}
		}
		now += 1000;
		if (mrand(&st) % 8 == 0) {	/* both daemons restart */
			reopens++;
			zrtp_cache_close(self->ca);
			zrtp_cache_close(self->cb);
			self->ca = zrtp_cache_open(self->pa);
			self->cb = zrtp_cache_open(self->pb);
			ASSERT_NE(NULL, self->ca);
			ASSERT_NE(NULL, self->cb);
			self->cfa.cache = self->ca;
			self->cfb.cache = self->cb;
		}
	}
	TH_LOG("%d calls (%d with two DH streams), %d crashes, %d reopens, %d secure sides, %d bad",
	       calls, concurrent, crashes, reopens, secure_sides, bad);
	EXPECT_EQ(0, bad);
	EXPECT_LT(300, secure_sides);
}

TEST_HARNESS_MAIN
