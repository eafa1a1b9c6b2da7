// SPDX-License-Identifier: GPL-2.0
/*
 * zrtpd.conf (zrtpd.conf(5)): "key = value" lines, '#' comments.  Every key
 * is also a command-line flag (--key value), applied after the file, so the
 * command line wins.  Repeatable keys (watch) accumulate.
 */
#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zrtpd.h"
#include "util.h"

void zrtpd_config_defaults(struct zrtpd_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->cache_path, sizeof(c->cache_path), "/var/lib/zrtpd/cache.db");
	snprintf(c->state_path, sizeof(c->state_path), "/run/zrtpd/zrtpd.state");
	snprintf(c->client_id, sizeof(c->client_id), "ksrtp zrtpd");
	snprintf(c->ctl_path, sizeof(c->ctl_path), "/run/zrtpd/zrtpd.sock");
	snprintf(c->kernel, sizeof(c->kernel), "netlink");
	c->ctl_mode = 0600;
	c->ctl_gid = (gid_t)-1;
	c->policy = ZRTPD_POLICY_OPPORTUNISTIC;
	/* ksrtp has no AES-192 (AES2): offer what the kernel can install */
	c->algs[1][0] = ZRTP_CODE('A', 'E', 'S', '1');
	c->algs[1][1] = ZRTP_CODE('A', 'E', 'S', '3');
	c->nalgs[1] = 2;
	c->verbose = 1;
	c->max_handshakes = 128;
	c->idle_timeout = 300;
	c->switch_timeout = 15;
	c->handshake_timeout = 60;
	c->max_sessions = 4096;
	c->max_per_source = 16;
	c->max_unverified = 256;
	c->max_dh_rate = 50;
}

/* Plain numeric settings: name, where, bound, what the error says. */
static const struct {
	const char *key;
	size_t off;
	unsigned long max;
	const char *what;
} num_settings[] = {
	{ "switch-timeout", offsetof(struct zrtpd_config, switch_timeout), 3600,
	  "seconds, 1 to 3600" },
	{ "handshake-timeout", offsetof(struct zrtpd_config, handshake_timeout), 3600,
	  "seconds, 1 to 3600" },
	{ "max-sessions", offsetof(struct zrtpd_config, max_sessions), 10000000,
	  "a number, 1 to 10000000" },
	{ "max-sessions-per-source", offsetof(struct zrtpd_config, max_per_source), 1000000,
	  "a number, 1 to 1000000" },
	{ "max-unverified", offsetof(struct zrtpd_config, max_unverified), 1000000,
	  "a number, 1 to 1000000" },
	{ "max-dh-per-second", offsetof(struct zrtpd_config, max_dh_rate), 1000000,
	  "a number, 1 to 1000000" },
};

static const char *const alg_names[ZRTPD_ALG_KINDS][8] = {
	{ "S256", "S384", NULL },
	{ "AES1", "AES3", NULL },
	{ "HS32", "HS80", NULL },
	{ "DH3k", "DH2k", "EC25", "EC38", "EC52", "X255", "X448", "Mult" },
	{ "B32", "B256", NULL },
};

int zrtpd_parse_algs(int kind, const char *list, uint32_t *out, uint8_t *n)
{
	char *buf = strdup(list), *save = NULL, *w;	/* whole: a cut name may be another */
	size_t i;

	*n = 0;
	if (!buf)
		return -1;
	for (w = strtok_r(buf, ", \t", &save); w; w = strtok_r(NULL, ", \t", &save)) {
		char code[4] = { ' ', ' ', ' ', ' ' };

		for (i = 0; i < 8 && alg_names[kind][i]; i++)
			if (!strcasecmp(w, alg_names[kind][i]))
				break;
		if (i == 8 || !alg_names[kind][i] || *n >= ZRTP_MAX_PREFS) {
			free(buf);
			return -1;
		}
		memcpy(code, alg_names[kind][i], strlen(alg_names[kind][i]));
		out[(*n)++] = ZRTP_CODE(code[0], code[1], code[2], code[3]);
	}
	free(buf);
	return *n ? 0 : -1;
}

int zrtpd_parse_range(const char *s, struct zrtpd_port_range *r)
{
	char buf[16], *dash;
	unsigned long a, b;

	if (!strncmp(s, "udp:", 4))
		s += 4;
	if (strlen(s) >= sizeof(buf))
		return -1;
	snprintf(buf, sizeof(buf), "%s", s);
	dash = strchr(buf, '-');
	if (dash)
		*dash++ = 0;
	if (zrtpd_parse_ulong(buf, 10, 65535, &a) ||
	    zrtpd_parse_ulong(dash ? dash : buf, 10, 65535, &b) || !a || b < a)
		return -1;
	r->min = (uint16_t)a;
	r->max = (uint16_t)b;
	return 0;
}

static int set_path(char *dst, size_t cap, const char *v, char *err, size_t errlen,
		    const char *key)
{
	if (strlen(v) >= cap) {
		snprintf(err, errlen, "%s: path too long", key);
		return -1;
	}
	snprintf(dst, cap, "%s", v);
	return 0;
}

int zrtpd_config_set(struct zrtpd_config *c, const char *key, const char *v,
		     char *err, size_t errlen)
{
	static const char *const kinds[ZRTPD_ALG_KINDS] = {
		"hash", "cipher", "auth", "key-agreement", "sas",
	};
	int k;

	for (k = 0; k < ZRTPD_ALG_KINDS; k++)
		if (!strcmp(key, kinds[k])) {
			if (zrtpd_parse_algs(k, v, c->algs[k], &c->nalgs[k]) == 0)
				return 0;
			snprintf(err, errlen, "%s: unknown algorithm in '%s' (known:", key, v);
			for (size_t i = 0; i < 8 && alg_names[k][i]; i++)
				snprintf(err + strlen(err), errlen - strlen(err), " %s", alg_names[k][i]);
			snprintf(err + strlen(err), errlen - strlen(err), ")");
			return -1;
		}
	if (!strcmp(key, "cache"))
		return set_path(c->cache_path, sizeof(c->cache_path), strcmp(v, "none") ? v : "",
				err, errlen, key);
	if (!strcmp(key, "state-file"))
		return set_path(c->state_path, sizeof(c->state_path), strcmp(v, "none") ? v : "",
				err, errlen, key);
	if (!strcmp(key, "control-socket"))
		return set_path(c->ctl_path, sizeof(c->ctl_path), strcmp(v, "none") ? v : "",
				err, errlen, key);
	if (!strcmp(key, "zid")) {
		if (zrtpd_unhex(v, c->zid, sizeof(c->zid))) {
			snprintf(err, errlen, "zid: want 24 hex digits, not '%s'", v);
			return -1;
		}
		c->have_zid = true;
		return 0;
	}
	if (!strcmp(key, "client-id")) {
		if (strlen(v) > 16) {
			snprintf(err, errlen, "client-id: at most 16 characters (RFC 6189 §5.2)");
			return -1;
		}
		snprintf(c->client_id, sizeof(c->client_id), "%s", v);
		return 0;
	}
	if (!strcmp(key, "watch")) {
		if (c->nwatches >= ZRTPD_MAX_WATCHES) {
			snprintf(err, errlen, "watch: at most %d ranges", ZRTPD_MAX_WATCHES);
			return -1;
		}
		if (zrtpd_parse_range(v, &c->watches[c->nwatches])) {
			snprintf(err, errlen, "watch: want udp:MIN-MAX (1-65535), not '%s'", v);
			return -1;
		}
		c->nwatches++;
		return 0;
	}
	if (!strcmp(key, "policy")) {
		if (!strcmp(v, "opportunistic"))
			c->policy = ZRTPD_POLICY_OPPORTUNISTIC;
		else if (!strcmp(v, "require-secure"))
			c->policy = ZRTPD_POLICY_REQUIRE_SECURE;
		else {
			snprintf(err, errlen, "policy: opportunistic or require-secure, not '%s'", v);
			return -1;
		}
		return 0;
	}
	if (!strcmp(key, "rtcp")) {
		/* RTCP of a session (watch-created, or flow-add without "rtcp"):
		 * RFC 3550 §11's port+1, a kernel flow of its own, or muxed on
		 * the RTP port (RFC 5761) */
		if (!strcmp(v, "port+1"))
			c->rtcp_mux = false;
		else if (!strcmp(v, "mux"))
			c->rtcp_mux = true;
		else {
			snprintf(err, errlen, "rtcp: port+1 or mux, not '%s'", v);
			return -1;
		}
		return 0;
	}
	if (!strcmp(key, "trusted-mitm") || !strcmp(key, "pbx-enroll")) {
		/* RFC 6189 §7.3: a gateway or PBX that runs ZRTP on both legs
		 * and relays one leg's SAS to the other (off by default) */
		bool *b = key[0] == 't' ? &c->trusted_mitm : &c->pbx_enroll;

		if (strcmp(v, "yes") && strcmp(v, "no")) {
			snprintf(err, errlen, "%s: yes or no, not '%s'", key, v);
			return -1;
		}
		*b = v[0] == 'y';
		return 0;
	}
	if (!strcmp(key, "control-mode")) {
		unsigned long m;

		if (zrtpd_parse_ulong(v, 8, 0777, &m)) {
			snprintf(err, errlen, "control-mode: an octal mode like 0660, not '%s'", v);
			return -1;
		}
		c->ctl_mode = (mode_t)m;
		return 0;
	}
	if (!strcmp(key, "control-group")) {
		struct group *g = getgrnam(v);
		unsigned long gid;

		if (g)
			c->ctl_gid = g->gr_gid;
		/* (gid_t)-1 is "the daemon's", not a group */
		else if (!zrtpd_parse_ulong(v, 10, (gid_t)-2, &gid))
			c->ctl_gid = (gid_t)gid;
		else {
			snprintf(err, errlen, "control-group: no group '%s'", v);
			return -1;
		}
		return 0;
	}
	if (!strcmp(key, "kernel")) {
		if (strcmp(v, "netlink") && strcmp(v, "mock")) {
			snprintf(err, errlen, "kernel: netlink or mock, not '%s'", v);
			return -1;
		}
		snprintf(c->kernel, sizeof(c->kernel), "%s", v);
		return 0;
	}
	if (!strcmp(key, "max-handshakes")) {
		unsigned long m;

		if (zrtpd_parse_ulong(v, 10, 1000000, &m)) {
			snprintf(err, errlen, "max-handshakes: a number (0: no limit), not '%s'", v);
			return -1;
		}
		c->max_handshakes = (unsigned int)m;
		return 0;
	}
	if (!strcmp(key, "idle-timeout")) {
		unsigned long t;

		if (zrtpd_parse_ulong(v, 10, 86400, &t)) {
			snprintf(err, errlen, "idle-timeout: seconds, 0 to 86400 (0: never), not '%s'", v);
			return -1;
		}
		c->idle_timeout = (unsigned int)t;
		return 0;
	}
	for (size_t i = 0; i < sizeof(num_settings) / sizeof(num_settings[0]); i++) {
		unsigned long n;

		if (strcmp(key, num_settings[i].key))
			continue;
		if (zrtpd_parse_ulong(v, 10, num_settings[i].max, &n) || !n) {
			snprintf(err, errlen, "%s: %s, not '%s'", key, num_settings[i].what, v);
			return -1;
		}
		*(unsigned int *)((char *)c + num_settings[i].off) = (unsigned int)n;
		return 0;
	}
	if (!strcmp(key, "test-drop")) {
		/* for tests of the peer's behaviour only (e2e_switch.sh): the
		 * ZRTP message type this daemon pretends to send and loses */
		if (strlen(v) > 8) {
			snprintf(err, errlen, "test-drop: a ZRTP message type, not '%s'", v);
			return -1;
		}
		snprintf(c->test_drop, sizeof(c->test_drop), "%-8s", v);
		if (!v[0] || !strcmp(v, "none"))
			c->test_drop[0] = 0;
		return 0;
	}
	if (!strcmp(key, "log-level")) {
		unsigned long l;

		if (zrtpd_parse_ulong(v, 10, 3, &l)) {
			snprintf(err, errlen, "log-level: 0 (errors) to 3 (debug), not '%s'", v);
			return -1;
		}
		c->verbose = (int)l;
		return 0;
	}
	snprintf(err, errlen, "unknown setting '%s'", key);
	return -1;
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

int zrtpd_config_load(struct zrtpd_config *c, const char *path, char *err, size_t errlen)
{
	char *line = NULL, msg[384];
	unsigned int n = 0;
	size_t cap = 0;
	int ret = -1;
	FILE *f = fopen(path, "re");

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* whole lines: a fixed buffer would read a long line's tail as a line */
	while (getline(&line, &cap, f) >= 0) {
		char *s, *eq, *key, *val;

		n++;
		s = line;
		s[strcspn(s, "#")] = 0;
		s = trim(s);
		if (!*s)
			continue;
		eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%u: want 'key = value'", path, n);
			goto out;
		}
		*eq = 0;
		key = trim(s);
		val = trim(eq + 1);
		if (zrtpd_config_set(c, key, val, msg, sizeof(msg))) {
			snprintf(err, errlen, "%s:%u: %s", path, n, msg);
			goto out;
		}
	}
	ret = 0;
out:
	free(line);
	fclose(f);
	return ret;
}

void zrtpd_config_write(FILE *f, const struct zrtpd_config *c)
{
	static const char *const kinds[ZRTPD_ALG_KINDS] = {
		"hash", "cipher", "auth", "key-agreement", "sas",
	};
	unsigned int i, k;
	char zid[25];

	fprintf(f, "cache = %s\n", c->cache_path[0] ? c->cache_path : "none");
	fprintf(f, "state-file = %s\n", c->state_path[0] ? c->state_path : "none");
	if (c->have_zid) {
		zrtpd_hex(c->zid, sizeof(c->zid), zid);
		fprintf(f, "zid = %s\n", zid);
	}
	fprintf(f, "client-id = %s\n", c->client_id);
	for (k = 0; k < ZRTPD_ALG_KINDS; k++) {
		if (!c->nalgs[k])
			continue;
		fprintf(f, "%s = ", kinds[k]);
		for (i = 0; i < c->nalgs[k]; i++) {
			char code[5] = { (char)(c->algs[k][i] >> 24), (char)(c->algs[k][i] >> 16),
					 (char)(c->algs[k][i] >> 8), (char)c->algs[k][i], 0 };

			code[strcspn(code, " ")] = 0;
			fprintf(f, "%s%s", i ? "," : "", code);
		}
		fputc('\n', f);
	}
	for (i = 0; i < c->nwatches; i++)
		fprintf(f, "watch = udp:%u-%u\n", c->watches[i].min, c->watches[i].max);
	fprintf(f, "policy = %s\n", c->policy == ZRTPD_POLICY_REQUIRE_SECURE ?
		"require-secure" : "opportunistic");
	fprintf(f, "rtcp = %s\n", c->rtcp_mux ? "mux" : "port+1");
	fprintf(f, "trusted-mitm = %s\n", c->trusted_mitm ? "yes" : "no");
	fprintf(f, "pbx-enroll = %s\n", c->pbx_enroll ? "yes" : "no");
	fprintf(f, "control-socket = %s\n", c->ctl_path[0] ? c->ctl_path : "none");
	fprintf(f, "control-mode = %04o\n", (unsigned int)c->ctl_mode);
	if (c->ctl_gid != (gid_t)-1)
		fprintf(f, "control-group = %u\n", (unsigned int)c->ctl_gid);
	fprintf(f, "kernel = %s\n", c->kernel);
	fprintf(f, "max-handshakes = %u\n", c->max_handshakes);
	fprintf(f, "idle-timeout = %u\n", c->idle_timeout);
	for (i = 0; i < sizeof(num_settings) / sizeof(num_settings[0]); i++)
		fprintf(f, "%s = %u\n", num_settings[i].key,
			*(const unsigned int *)((const char *)c + num_settings[i].off));
	if (c->test_drop[0])
		fprintf(f, "test-drop = %.8s\n", c->test_drop);
	fprintf(f, "log-level = %d\n", c->verbose);
}
