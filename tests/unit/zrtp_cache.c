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
	/* both rotated to the new rs1: the next call matches again */
	ASSERT_EQ(0, call(&a, &b, &self->cfa, &self->cfb, NULL, NULL));
	EXPECT_EQ(ZRTP_CACHE_MATCH, a.secure.cache);
	EXPECT_EQ(ZRTP_CACHE_MATCH, b.secure.cache);
	zh_stop(&a);
	zh_stop(&b);
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
	EXPECT_EQ(1, a.n_enrolled);
	EXPECT_FALSE(a.secure.pbx_secret_used);
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

TEST_HARNESS_MAIN
