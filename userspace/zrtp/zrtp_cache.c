// SPDX-License-Identifier: GPL-2.0
/*
 * Retained-secret cache, RFC 6189 §4.9 and §4.6.1, in SQLite (WAL).
 *
 * One row per peer ZID.  The only write the handshake makes is
 * zrtp_cache_rotate(): a single UPSERT statement that stores the new rs1
 * and, as rs2, the secret that matched in this exchange (the old rs1 when
 * nothing matched), so it is atomic (committed or not, never half).
 * Why that is enough to survive a crash on either side at any moment:
 * the initiator rotates when it has verified Confirm1, the responder when
 * it has verified Confirm2.  Whatever subset of the two rotations happens,
 * one side's rs1 equals the other's rs1 or rs2 (the new rs1 both derived,
 * or the old rs1 that the rotating side kept as rs2), and §4.3's rs1/rs2
 * cross-comparison finds it: the next call matches, no false mismatch.
 * Documentation/zrtp-engine.md walks through the cases.
 *
 * The file holds rs1/rs2: it is created 0600 whatever the umask, and a
 * looser mode found on an existing file (or its -wal/-shm) is fixed.
 * SQLite creates the -wal and -shm files with the database file's mode.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include "zrtp.h"

struct zrtp_cache {
	sqlite3 *db;
	uint8_t zid[12];
	int64_t (*now)(void);
	char err[160];		/* the last failure, for zrtp_cache_errmsg() */
};

static void set_err(struct zrtp_cache *c)
{
	snprintf(c->err, sizeof(c->err), "%s", sqlite3_errmsg(c->db));
}

const char *zrtp_cache_errmsg(const struct zrtp_cache *c)
{
	return c->err[0] ? c->err : "no error";
}

static int64_t wall_now(void)
{
	return (int64_t)time(NULL);
}

static const char schema[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=FULL;"
	"CREATE TABLE IF NOT EXISTS self(id INTEGER PRIMARY KEY CHECK (id = 1),"
	" zid BLOB NOT NULL CHECK (length(zid) = 12));"
	"CREATE TABLE IF NOT EXISTS peers(zid BLOB PRIMARY KEY CHECK (length(zid) = 12),"
	" rs1 BLOB, rs2 BLOB, rs1_expires INTEGER, pbx BLOB,"
	" verified INTEGER NOT NULL DEFAULT 0, updated INTEGER);";

static int load_or_make_zid(struct zrtp_cache *c)
{
	sqlite3_stmt *st;
	int rc, ret = -1;

	if (sqlite3_prepare_v2(c->db, "SELECT zid FROM self WHERE id = 1", -1, &st, NULL))
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 12) {
		memcpy(c->zid, sqlite3_column_blob(st, 0), 12);
		ret = 0;
	}
	sqlite3_finalize(st);
	if (ret == 0)
		return 0;
	/* §4.9: the ZID is a random 96-bit value generated once */
	if (RAND_bytes(c->zid, 12) != 1)
		return -1;
	if (sqlite3_prepare_v2(c->db, "INSERT OR IGNORE INTO self(id, zid) VALUES (1, ?)", -1, &st, NULL))
		return -1;
	sqlite3_bind_blob(st, 1, c->zid, 12, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	/* a concurrent opener may have won the insert: read back */
	if (sqlite3_prepare_v2(c->db, "SELECT zid FROM self WHERE id = 1", -1, &st, NULL))
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 12) {
		memcpy(c->zid, sqlite3_column_blob(st, 0), 12);
		ret = 0;
	}
	sqlite3_finalize(st);
	return ret;
}

static bool on_disk(const char *path)
{
	return strcmp(path, ":memory:") && strncmp(path, "file:", 5) && path[0];
}

/* Create the file 0600 (umask-independent) or tighten an existing one. */
static void secure_mode(const char *path)
{
	static const char *const sfx[] = { "", "-wal", "-shm" };
	char p[4096];

	for (unsigned i = 0; i < 3; i++) {
		int fd;

		snprintf(p, sizeof(p), "%s%s", path, sfx[i]);
		fd = open(p, O_RDWR | O_CLOEXEC | O_NOFOLLOW | (i ? 0 : O_CREAT), 0600);
		if (fd < 0)
			continue;
		/* not ours to change: SQLite says so if it cannot open it */
		(void)!fchmod(fd, 0600);
		close(fd);
	}
}

/* 0 opened, -1 failed, 1 the file is not a usable database. */
static int try_open(struct zrtp_cache *c, const char *path)
{
	int rc;

	if (on_disk(path))
		secure_mode(path);
	if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(c->db, 2000);
	if (sqlite3_exec(c->db, schema, NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if (load_or_make_zid(c))
		goto fail;
	return 0;
fail:
	rc = c->db ? sqlite3_errcode(c->db) & 0xff : SQLITE_CANTOPEN;
	if (c->db)
		set_err(c);
	sqlite3_close(c->db);
	c->db = NULL;
	return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB ? 1 : -1;
}

struct zrtp_cache *zrtp_cache_open_ex(const char *path, unsigned flags, char *msg, size_t cap)
{
	struct zrtp_cache *c = calloc(1, sizeof(*c));
	int r;

	if (msg && cap)
		msg[0] = 0;
	if (!c)
		return NULL;
	c->now = wall_now;
	r = try_open(c, path);
	if (r == 1 && (flags & ZRTP_CACHE_RECOVER) && on_disk(path)) {
		/* A gateway keeps taking calls: the damaged file is kept for a
		 * post-mortem under another name, a fresh cache (and ZID)
		 * starts; every peer will see a cache mismatch, not silence. */
		char aside[4096], from[4096], to[4200];
		static const char *const sfx[] = { "-wal", "-shm" };

		snprintf(aside, sizeof(aside), "%s.corrupt-%lld", path, (long long)time(NULL));
		if (rename(path, aside) == 0) {
			for (unsigned i = 0; i < 2; i++) {
				snprintf(from, sizeof(from), "%s%s", path, sfx[i]);
				snprintf(to, sizeof(to), "%s%s", aside, sfx[i]);
				(void)!rename(from, to);	/* absent: fine */
			}
			if (msg)
				snprintf(msg, cap, "retained-secret cache %s is not a usable database (%s):"
					 " moved to %s; started a fresh cache with a new ZID", path,
					 c->err, aside);
			r = try_open(c, path);
		}
	} else if (r == 1 && msg) {
		snprintf(msg, cap, "retained-secret cache %s is not a usable database (%s)", path,
			 c->err);
	} else if (r < 0 && msg) {
		snprintf(msg, cap, "cannot open retained-secret cache %s: %s", path,
			 c->err[0] ? c->err : "failed");
	}
	if (r) {
		free(c);
		return NULL;
	}
	return c;
}

struct zrtp_cache *zrtp_cache_open(const char *path)
{
	return zrtp_cache_open_ex(path, 0, NULL, 0);
}

void zrtp_cache_close(struct zrtp_cache *c)
{
	if (!c)
		return;
	sqlite3_close(c->db);
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}

void zrtp_cache_zid(const struct zrtp_cache *c, uint8_t zid[12])
{
	memcpy(zid, c->zid, 12);
}

void zrtp_cache_set_clock(struct zrtp_cache *c, int64_t (*now)(void))
{
	c->now = now ? now : wall_now;
}

static bool blob32(sqlite3_stmt *st, int col, uint8_t *out)
{
	if (sqlite3_column_type(st, col) != SQLITE_BLOB || sqlite3_column_bytes(st, col) != 32)
		return false;
	memcpy(out, sqlite3_column_blob(st, col), 32);
	return true;
}

int zrtp_cache_get(struct zrtp_cache *c, const uint8_t peer[12], struct zrtp_cache_entry *e)
{
	sqlite3_stmt *st;
	int rc, ret;

	memset(e, 0, sizeof(*e));
	if (sqlite3_prepare_v2(c->db, "SELECT rs1, rs2, rs1_expires, pbx, verified FROM peers"
			       " WHERE zid = ?", -1, &st, NULL)) {
		set_err(c);
		return -1;
	}
	sqlite3_bind_blob(st, 1, peer, 12, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		set_err(c);
	if (rc == SQLITE_ROW) {
		e->has_rs1 = blob32(st, 0, e->rs1);
		e->has_rs2 = blob32(st, 1, e->rs2);
		e->rs1_expires = sqlite3_column_int64(st, 2);
		e->has_pbx = blob32(st, 3, e->pbx);
		e->sas_verified = sqlite3_column_int(st, 4) != 0;
		/* §4.9: an expired rs1 is treated as absent */
		if (e->has_rs1 && e->rs1_expires < c->now()) {
			OPENSSL_cleanse(e->rs1, 32);
			e->has_rs1 = false;
		}
		ret = 0;
	} else {
		ret = rc == SQLITE_DONE ? 1 : -1;
	}
	sqlite3_finalize(st);
	return ret;
}

int zrtp_cache_rotate(struct zrtp_cache *c, const uint8_t peer[12], const uint8_t rs1[32],
		      const uint8_t *rs2, uint32_t expiry_s, bool sas_verified)
{
	sqlite3_stmt *st;
	int64_t now = c->now();
	int64_t exp = expiry_s == 0xffffffffu ? INT64_MAX : now + expiry_s;
	int rc;

	/* One statement, hence one atomic transaction. */
	if (sqlite3_prepare_v2(c->db,
			       "INSERT INTO peers(zid, rs1, rs2, rs1_expires, verified, updated)"
			       " VALUES (?1, ?2, ?6, ?3, ?4, ?5)"
			       " ON CONFLICT(zid) DO UPDATE SET rs2 = coalesce(?6, rs1), rs1 = excluded.rs1,"
			       " rs1_expires = excluded.rs1_expires, verified = excluded.verified,"
			       " updated = excluded.updated", -1, &st, NULL)) {
		set_err(c);
		return -1;
	}
	sqlite3_bind_blob(st, 1, peer, 12, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, rs1, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, exp);
	sqlite3_bind_int(st, 4, sas_verified);
	sqlite3_bind_int64(st, 5, now);
	if (rs2)
		sqlite3_bind_blob(st, 6, rs2, 32, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 6);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		set_err(c);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int exec_peer(struct zrtp_cache *c, const char *sql, const uint8_t peer[12],
		     const void *blob, int blen, int ival)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL)) {
		set_err(c);
		return -1;
	}
	sqlite3_bind_blob(st, 1, peer, 12, SQLITE_STATIC);
	if (blob)
		sqlite3_bind_blob(st, 2, blob, blen, SQLITE_STATIC);
	else
		sqlite3_bind_int(st, 2, ival);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		set_err(c);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int zrtp_cache_set_verified(struct zrtp_cache *c, const uint8_t peer[12], bool v)
{
	return exec_peer(c, "INSERT INTO peers(zid, verified) VALUES (?1, ?2)"
			 " ON CONFLICT(zid) DO UPDATE SET verified = excluded.verified",
			 peer, NULL, 0, v);
}

int zrtp_cache_set_pbx(struct zrtp_cache *c, const uint8_t peer[12], const uint8_t pbx[32])
{
	return exec_peer(c, "INSERT INTO peers(zid, pbx) VALUES (?1, ?2)"
			 " ON CONFLICT(zid) DO UPDATE SET pbx = excluded.pbx",
			 peer, pbx, 32, 0);
}
