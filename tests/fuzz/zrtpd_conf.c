// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the zrtpd.conf parser (config.c, zrtpd.conf(5)):
 * zrtpd_config_load() over the input as a file, into a fresh config.
 *
 * The file is a memfd read through /proc/self/fd: nothing touches a disk.
 *
 * Invariants.  A load that fails says where: "PATH:LINE: reason", LINE a
 * line of the input.  A load that succeeds:
 *  - holds every value inside its documented range (zrtpd.conf(5));
 *  - agrees with a reference reading of the same text (the last value of a
 *    key wins, watch accumulates; numbers are plain decimal or octal
 *    digits, never wrapped, never signed);
 *  - written out by zrtpd_config_write() (zrtpd --dump-config), reads back
 *    to the same configuration.
 */
#include <ctype.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "zrtpd.h"
#include "util.h"

enum { CONF_FUZZ_MAX = 1 << 14 };

static int fd = -1, fd2 = -1;
static char path[64], path2[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fd = memfd_create("zrtpd.conf", MFD_CLOEXEC);
	fd2 = memfd_create("dump.conf", MFD_CLOEXEC);
	if (fd < 0 || fd2 < 0)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	snprintf(path2, sizeof(path2), "/proc/self/fd/%d", fd2);
	return 0;
}

static void put(int f, const void *p, size_t n)
{
	if (ftruncate(f, 0) || pwrite(f, p, n, 0) != (ssize_t)n)
		abort();
}

/* ---- the reference reading ------------------------------------------------------- */

static const char *const alg_names[ZRTPD_ALG_KINDS][9] = {
	{ "S256", "S384" },
	{ "AES1", "AES3" },
	{ "HS32", "HS80" },
	{ "DH3k", "DH2k", "EC25", "EC38", "EC52", "X255", "X448", "Mult" },
	{ "B32", "B256" },
};
static const char *const kinds[ZRTPD_ALG_KINDS] = {
	"hash", "cipher", "auth", "key-agreement", "sas",
};

static uint32_t code_of(const char *name)
{
	char c[4] = { ' ', ' ', ' ', ' ' };

	memcpy(c, name, strlen(name));
	return ZRTP_CODE(c[0], c[1], c[2], c[3]);
}

static bool known(int kind, uint32_t code)
{
	for (int i = 0; alg_names[kind][i]; i++)
		if (code_of(alg_names[kind][i]) == code)
			return true;
	return false;
}

/* Plain digits only, in base, at most max. */
static bool number(const char *s, int base, unsigned long long max, unsigned long long *out)
{
	unsigned long long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		int d = *s - '0';

		if (*s < '0' || d >= base)
			return false;
		if (v > (max - (unsigned long long)d) / (unsigned long long)base)
			return false;
		v = v * (unsigned long long)base + (unsigned long long)d;
	}
	*out = v;
	return true;
}

static bool range(const char *s, struct zrtpd_port_range *r)
{
	unsigned long long a, b;
	char buf[64];
	char *dash;

	if (!strncmp(s, "udp:", 4))
		s += 4;
	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	dash = strchr(buf, '-');
	if (dash)
		*dash = 0;
	if (!number(buf, 10, 65535, &a) || !number(dash ? dash + 1 : buf, 10, 65535, &b) ||
	    !a || b < a)
		return false;
	r->min = (uint16_t)a;
	r->max = (uint16_t)b;
	return true;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

/* Equal as configurations (a shorter list later leaves stale entries past nalgs). */
static bool same(const struct zrtpd_config *a, const struct zrtpd_config *b)
{
	for (int k = 0; k < ZRTPD_ALG_KINDS; k++)
		if (a->nalgs[k] != b->nalgs[k] ||
		    memcmp(a->algs[k], b->algs[k], sizeof(a->algs[k][0]) * a->nalgs[k]))
			return false;
	return !strcmp(a->cache_path, b->cache_path) && !strcmp(a->state_path, b->state_path) &&
	       a->have_zid == b->have_zid && (!a->have_zid || !memcmp(a->zid, b->zid, 12)) &&
	       !strcmp(a->client_id, b->client_id) &&
	       a->nwatches == b->nwatches &&
	       !memcmp(a->watches, b->watches, sizeof(a->watches[0]) * a->nwatches) &&
	       a->policy == b->policy && !strcmp(a->ctl_path, b->ctl_path) &&
	       a->ctl_mode == b->ctl_mode && a->ctl_gid == b->ctl_gid &&
	       !strcmp(a->kernel, b->kernel) && a->max_handshakes == b->max_handshakes &&
	       a->idle_timeout == b->idle_timeout && a->verbose == b->verbose;
}

/* What the accepted text must have set, key by key. */
static void reference(const struct zrtpd_config *c, const uint8_t *data, size_t size)
{
	static struct zrtpd_config r;
	unsigned int nwatch = 0;
	char *line = malloc(size + 1);
	size_t off = 0;

	if (!line)
		abort();
	zrtpd_config_defaults(&r);
	while (off < size) {
		const uint8_t *nl = memchr(data + off, '\n', size - off);
		size_t llen = nl ? (size_t)(nl - (data + off)) : size - off;
		unsigned long long v;
		char *eq, *key, *val;
		int k;

		/* a line as the loader sees it: a C string (a NUL ends it) */
		memcpy(line, data + off, llen);
		line[llen] = 0;
		off += llen + 1;
		line[strcspn(line, "#")] = 0;
		eq = strchr(line, '=');
		if (!eq)
			continue;	/* blank (the loader accepted it) */
		*eq = 0;
		key = trim(line);
		val = trim(eq + 1);
		for (k = 0; k < ZRTPD_ALG_KINDS; k++)
			if (!strcmp(key, kinds[k]))
				break;
		if (k < ZRTPD_ALG_KINDS) {
			char *w, *s2 = NULL;

			r.nalgs[k] = 0;
			for (w = strtok_r(val, ", \t", &s2); w; w = strtok_r(NULL, ", \t", &s2)) {
				int i;

				for (i = 0; alg_names[k][i]; i++)
					if (!strcasecmp(w, alg_names[k][i]))
						break;
				if (!alg_names[k][i] || r.nalgs[k] == ZRTP_MAX_PREFS)
					abort();	/* accepted an unknown name, or too many */
				r.algs[k][r.nalgs[k]++] = code_of(alg_names[k][i]);
			}
		} else if (!strcmp(key, "watch")) {
			if (nwatch == ZRTPD_MAX_WATCHES || !range(val, &r.watches[nwatch]))
				abort();
			r.nwatches = ++nwatch;
		} else if (!strcmp(key, "control-mode")) {
			if (!number(val, 8, 0777, &v))
				abort();
			r.ctl_mode = (mode_t)v;
		} else if (!strcmp(key, "control-group")) {
			struct group *g = getgrnam(val);

			if (g)
				r.ctl_gid = g->gr_gid;
			else if (number(val, 10, (gid_t)-2, &v))
				r.ctl_gid = (gid_t)v;	/* (gid_t)-1 is "unset" */
			else
				abort();
		} else if (!strcmp(key, "max-handshakes")) {
			if (!number(val, 10, 1000000, &v))
				abort();
			r.max_handshakes = (unsigned int)v;
		} else if (!strcmp(key, "idle-timeout")) {
			if (!number(val, 10, 86400, &v))
				abort();
			r.idle_timeout = (unsigned int)v;
		} else if (!strcmp(key, "log-level")) {
			if (!number(val, 10, 3, &v))
				abort();
			r.verbose = (int)v;
		} else {
			/* strings: the loader's own comparison below */
			if (zrtpd_config_set(&r, key, val, (char[256]){ 0 }, 256))
				abort();
		}
	}
	free(line);
	if (!same(&r, c))
		abort();
}

/* ---- ranges and the round trip -------------------------------------------------- */

static void in_range(const struct zrtpd_config *c)
{
	if (strnlen(c->cache_path, sizeof(c->cache_path)) == sizeof(c->cache_path) ||
	    strnlen(c->state_path, sizeof(c->state_path)) == sizeof(c->state_path) ||
	    strnlen(c->ctl_path, sizeof(c->ctl_path)) == sizeof(c->ctl_path) ||
	    strlen(c->client_id) > 16 ||
	    (strcmp(c->kernel, "netlink") && strcmp(c->kernel, "mock")))
		abort();
	for (int k = 0; k < ZRTPD_ALG_KINDS; k++) {
		if (c->nalgs[k] > ZRTP_MAX_PREFS)
			abort();
		for (int i = 0; i < c->nalgs[k]; i++)
			if (!known(k, c->algs[k][i]))
				abort();
	}
	if (c->nwatches > ZRTPD_MAX_WATCHES)
		abort();
	for (unsigned int i = 0; i < c->nwatches; i++)
		if (!c->watches[i].min || c->watches[i].max < c->watches[i].min)
			abort();
	if ((c->policy != ZRTPD_POLICY_OPPORTUNISTIC && c->policy != ZRTPD_POLICY_REQUIRE_SECURE) ||
	    c->ctl_mode > 0777 || c->max_handshakes > 1000000 || c->idle_timeout > 86400 ||
	    c->verbose < 0 || c->verbose > 3)
		abort();
}

static void round_trip(const struct zrtpd_config *c)
{
	static struct zrtpd_config again;
	char err[512], *dump = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&dump, &len);

	if (!f)
		abort();
	zrtpd_config_write(f, c);
	fclose(f);
	put(fd2, dump, len);
	zrtpd_config_defaults(&again);
	err[0] = 0;
	if (zrtpd_config_load(&again, path2, err, sizeof(err)) || !same(c, &again)) {
		fprintf(stderr, "zrtpd_conf: the dump does not read back (%s):\n%s", err, dump);
		abort();
	}
	free(dump);
}

/* "PATH:LINE: reason" with LINE one of the input's lines */
static void check_error(const char *err, const uint8_t *data, size_t size)
{
	size_t plen = strlen(path), lines = 1;
	unsigned long long n;
	char num[16];
	size_t i;

	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (strncmp(err, path, plen) || err[plen] != ':')
		abort();
	i = strspn(err + plen + 1, "0123456789");
	if (!i || i >= sizeof(num) || strncmp(err + plen + 1 + i, ": ", 2) ||
	    strlen(err + plen + 1 + i + 2) < 4 || strchr(err, '\n'))
		abort();
	memcpy(num, err + plen + 1, i);
	num[i] = 0;
	if (!number(num, 10, lines, &n) || !n)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct zrtpd_config c;
	char err[512];

	if (size > CONF_FUZZ_MAX)
		return 0;
	put(fd, data, size);
	zrtpd_config_defaults(&c);
	err[0] = 0;
	if (zrtpd_config_load(&c, path, err, sizeof(err))) {
		check_error(err, data, size);
		in_range(&c);
		return 0;
	}
	in_range(&c);
	reference(&c, data, size);
	round_trip(&c);
	return 0;
}
