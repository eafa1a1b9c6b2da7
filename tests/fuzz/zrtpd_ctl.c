// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the control-socket request parser (control.c,
 * Documentation/control-protocol.md).  The input is up to CTL_FUZZ_LINES
 * request lines, run in order through zrtpd_ctl_request() against one
 * daemon on the mock kernel, so sequences (flow-add, then show, peer-hash,
 * flow-del...) are reached.  The daemon starts with two sessions, as a
 * restarted zrtpd would find them in the kernel:
 *
 *   flow 1  127.0.0.1:4000 -> 127.0.0.1:5000  secure (resumed, with what
 *           state.c would restore: SAS, peer ZID; verify/unverify succeed)
 *   flow 2  [::1]:4002 -> [::1]:5002          handshake (engine running)
 *
 * An input that changed anything (an "ok" to a verb that acts) gets a
 * fresh mock and daemon afterwards, so flow ids and state never drift
 * between executions and nothing grows.
 *
 * Invariants of every reply: NUL-free, newline-terminated, bounded; "ok"
 * or "error MESSAGE" (one line, a non-empty message, no body); with
 * "json", exactly one JSON document and LF for the verbs that have a body,
 * none for those that only act; an error changes nothing; a success
 * changes exactly what the verb says; the daemon's sessions and the
 * kernel's flows stay one to one.
 *
 * No network: the process moves to its own network namespace (lo only)
 * when it can, and the mock drops every ZRTP packet (blackhole) anyway.
 * No files: no state file, the cache in memory, no control socket.
 */
#include <ctype.h>
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <linux/ksrtp.h>

#include "zrtpd.h"
#include "kernel_mock.h"
#include "util.h"

enum {
	CTL_FUZZ_LINES = 16,		/* requests per input */
	CTL_FUZZ_MAX_REPLY = 1 << 16,	/* a few sessions' worth */
	CTL_FUZZ_MAX_ERR = 255,		/* control.c: struct req.err */
	CTL_FUZZ_JSON_DEPTH = 16,
};

static struct {
	struct zrtpd_mock *m;
	struct zrtpd_kernel *k;
	struct zrtpd d;
	bool up;
} F;

static void flow_v4(struct ksrtp_flow_info *f, uint16_t lp, uint16_t rp)
{
	memset(f, 0, sizeof(*f));
	f->local.family = f->remote.family = AF_INET;
	f->local.addr.v4.s_addr = f->remote.addr.v4.s_addr = htonl(INADDR_LOOPBACK);
	f->local.port = lp;
	f->remote.port = rp;
}

static void flow_v6(struct ksrtp_flow_info *f, uint16_t lp, uint16_t rp)
{
	memset(f, 0, sizeof(*f));
	f->local.family = f->remote.family = AF_INET6;
	f->local.addr.v6 = f->remote.addr.v6 = in6addr_loopback;
	f->local.port = lp;
	f->remote.port = rp;
}

/* The kernel as a restarted daemon finds it: one secure flow, one in DIVERT. */
static void daemon_up(void)
{
	struct ksrtp_flow_info f, out;
	struct zrtpd_config cfg;
	struct zrtpd_session *s;

	F.m = zrtpd_mock_new();
	if (!F.m || zrtpd_mock_attach(F.m, &F.k))
		abort();
	zrtpd_mock_set_blackhole(F.m, true);
	flow_v4(&f, 4000, 5000);
	if (F.k->ops->flow_add(F.k, &f, &out))
		abort();
	out.mode = KSRTP_FLOW_MODE_SECURE;
	if (F.k->ops->flow_set(F.k, &out))
		abort();
	flow_v6(&f, 4002, 5002);
	f.mode = KSRTP_FLOW_MODE_DIVERT;
	if (F.k->ops->flow_add(F.k, &f, &out))
		abort();

	zrtpd_config_defaults(&cfg);
	snprintf(cfg.cache_path, sizeof(cfg.cache_path), ":memory:");
	cfg.state_path[0] = 0;
	cfg.ctl_path[0] = 0;
	cfg.have_zid = true;
	memcpy(cfg.zid, "fuzz-ctl-zid", 12);
	cfg.verbose = -1;		/* not even errors: inputs cause them */
	cfg.max_handshakes = 2;		/* a third session queues */
	cfg.idle_timeout = 0;
	if (zrtpd_init(&F.d, &cfg, F.k))
		abort();
	if (F.d.nsessions != 2 || zrtpd_mock_flow_count(F.m) != 2)
		abort();
	/* what zrtpd_state_restore() reads back for a secure flow */
	s = zrtpd_session_by_id(&F.d, 1);
	if (!s || !s->resumed)
		abort();
	snprintf(s->sas, sizeof(s->sas), "chd7");
	snprintf(s->hash, sizeof(s->hash), "S256");
	snprintf(s->cipher, sizeof(s->cipher), "AES1");
	snprintf(s->auth, sizeof(s->auth), "HS32");
	snprintf(s->ka, sizeof(s->ka), "X255");
	snprintf(s->sas_type, sizeof(s->sas_type), "B32");
	snprintf(s->profile, sizeof(s->profile), "AES_CM_128_HMAC_SHA1_32");
	if (zrtpd_unhex("26f672bcf8a14066aebd2f37", s->peer_zid, sizeof(s->peer_zid)))
		abort();
	s->have_peer_zid = true;
	s->cache = ZRTP_CACHE_MATCH;
	s->initiator = true;
	F.up = true;
}

static void daemon_down(void)
{
	if (!F.up)
		return;
	zrtpd_fini(&F.d);
	F.k->ops->close(F.k);
	zrtpd_mock_free(F.m);
	F.up = false;
}

static void cleanup(void)
{
	daemon_down();
}

/* A network namespace of our own, with lo up: no packet leaves. */
static void isolate_network(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd;

	if (unshare(CLONE_NEWNET) && unshare(CLONE_NEWUSER | CLONE_NEWNET)) {
		fprintf(stderr, "zrtpd_ctl: no network namespace (%s); the mock drops ZRTP anyway\n",
			strerror(errno));
		return;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		abort();
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		abort();
	close(fd);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	isolate_network();
	atexit(cleanup);
	daemon_up();
	return 0;
}

/* ---- a strict JSON syntax check (RFC 8259), for the json bodies --------------- */

static const char *json_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *json_value(const char *p, int depth);

static const char *json_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	for (;;) {
		unsigned char c = (unsigned char)*p++;

		if (c == '"')
			return p;
		if (c < 0x20)
			return NULL;		/* includes the end of the string */
		if (c != '\\')
			continue;
		c = (unsigned char)*p++;
		if (c == 'u') {
			for (int i = 0; i < 4; i++)
				if (!isxdigit((unsigned char)*p++))
					return NULL;
		} else if (!strchr("\"\\/bfnrt", c) || !c) {
			return NULL;
		}
	}
}

static const char *json_number(const char *p)
{
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (isdigit((unsigned char)*p))
			p++;
	else
		return NULL;
	if (*p == '.') {
		if (!isdigit((unsigned char)*++p))
			return NULL;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		if (*++p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return NULL;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return p;
}

static const char *json_seq(const char *p, int depth, char close, bool object)
{
	p = json_ws(p + 1);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (object) {
			p = json_string(json_ws(p));
			if (!p)
				return NULL;
			p = json_ws(p);
			if (*p++ != ':')
				return NULL;
		}
		p = json_value(p, depth + 1);
		if (!p)
			return NULL;
		p = json_ws(p);
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static const char *json_value(const char *p, int depth)
{
	if (depth > CTL_FUZZ_JSON_DEPTH)
		return NULL;
	p = json_ws(p);
	switch (*p) {
	case '{':
		return json_seq(p, depth, '}', true);
	case '[':
		return json_seq(p, depth, ']', false);
	case '"':
		return json_string(p);
	case 't':
		return strncmp(p, "true", 4) ? NULL : p + 4;
	case 'f':
		return strncmp(p, "false", 5) ? NULL : p + 5;
	case 'n':
		return strncmp(p, "null", 4) ? NULL : p + 4;
	default:
		return json_number(p);
	}
}

/* ---- the reply ------------------------------------------------------------------ */

struct snap {
	unsigned int sessions, flows, watches;
	unsigned int sflows;	/* the sessions' flows: RTP, and RTCP unless muxed */
};

static struct snap snap(void)
{
	struct snap s = { F.d.nsessions, zrtpd_mock_flow_count(F.m), F.d.nwatches, F.d.nsessions };

	for (unsigned int b = 0; b < F.d.nbuckets; b++)
		for (const struct zrtpd_session *x = F.d.by_id[b]; x; x = x->next_id)
			s.sflows += x->rtcp.id != 0;
	return s;
}

/* The verb, as control.c's run() splits the line (after an optional "json"). */
static void verb_of(const char *line, char *verb, size_t cap, bool *json)
{
	const char *sep = " \t\r\n";
	size_t n;

	*json = false;
	verb[0] = 0;
	for (;;) {
		line += strspn(line, sep);
		n = strcspn(line, sep);
		if (!n)
			return;
		if (!*json && n == 4 && !strncmp(line, "json", 4)) {
			*json = true;
			line += n;
			continue;
		}
		snprintf(verb, cap, "%.*s", (int)(n < cap ? n : cap - 1), line);
		return;
	}
}

static bool is(const char *verb, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(verb, *set))
			return true;
	return false;
}

/* Returns true when the request changed the daemon (a rebuild is due). */
static bool check(const char *line, const char *reply, size_t len, struct snap before)
{
	static const char *const with_body[] = {
		"list", "show", "flow-add", "verify", "unverify", "hello-hash", "peer-hash",
		"watch-list", "status", "relay-sas", "relay-add", NULL,
	};
	static const char *const acting[] = {
		"flow-add", "flow-del", "verify", "unverify", "peer-hash", "watch-add", "watch-del",
		"relay-sas", "relay-add", NULL,
	};
	struct snap after = snap();
	char verb[32];
	const char *body;
	bool json;

	/* framing: one string, newline-terminated, bounded */
	if (!reply || !len || strlen(reply) != len || reply[len - 1] != '\n' ||
	    len > CTL_FUZZ_MAX_REPLY)
		abort();
	/* the daemon's sessions' flows are the kernel's flows, one to one */
	if (after.sflows != after.flows)
		abort();
	verb_of(line, verb, sizeof(verb), &json);
	if (!strncmp(reply, "error ", 6)) {
		const char *msg = reply + 6;
		size_t mlen = len - 7;

		/* one line, a message that says something, nothing changed */
		if (memchr(msg, '\n', mlen) || mlen < 4 || mlen > CTL_FUZZ_MAX_ERR ||
		    isspace((unsigned char)msg[0]))
			abort();
		if (memcmp(&before, &after, sizeof(before)))
			abort();
		if (!verb[0] && strcmp(msg, "empty request\n"))
			abort();
		return false;
	}
	if (strncmp(reply, "ok\n", 3))
		abort();
	body = reply + 3;
	if (!verb[0] || (!is(verb, with_body) && !is(verb, acting) && strcmp(verb, "monitor")))
		abort();		/* "ok" to an empty or unknown command */
	if (json) {
		if (is(verb, with_body)) {
			const char *end = json_value(body, 0);

			if (!end || strcmp(end, "\n"))
				abort();
		} else if (*body) {
			abort();
		}
	} else if (!strcmp(verb, "hello-hash") || !strcmp(verb, "peer-hash")) {
		uint8_t h[32];

		if (strncmp(body, "a=zrtp-hash:1.10 ", 17) || strlen(body) != 17 + 64 + 1)
			abort();
		char hex[65];

		memcpy(hex, body + 17, 64);
		hex[64] = 0;
		if (zrtpd_unhex(hex, h, sizeof(h)))
			abort();
	}
	/* exactly what the verb says */
	if (!strcmp(verb, "flow-add") || !strcmp(verb, "relay-add")) {
		if (after.sessions != before.sessions + 1 || after.watches != before.watches)
			abort();
	} else if (!strcmp(verb, "flow-del")) {
		if (after.sessions + 1 != before.sessions || after.watches != before.watches)
			abort();
	} else if (!strcmp(verb, "watch-add")) {
		if (after.watches != before.watches + 1 || after.sessions != before.sessions)
			abort();
	} else if (!strcmp(verb, "watch-del")) {
		if (after.watches + 1 != before.watches || after.sessions != before.sessions)
			abort();
	} else if (memcmp(&before, &after, sizeof(before))) {
		abort();
	}
	return is(verb, acting);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool dirty = false;
	size_t off = 0;
	int n;

	for (n = 0; n < CTL_FUZZ_LINES && off <= size; n++) {
		const uint8_t *nl = memchr(data + off, '\n', size - off);
		size_t llen = nl ? (size_t)(nl - (data + off)) : size - off;
		struct snap before = snap();
		char *line, *reply = NULL;
		size_t len = 0;

		/* an exact-size copy so ASan sees any over-read; a NUL ends
		 * the request early, as it does on the socket */
		line = malloc(llen + 1);
		if (!line)
			return 0;
		memcpy(line, data + off, llen);
		line[llen] = 0;
		if (zrtpd_ctl_request(&F.d, line, &reply, &len))
			abort();
		dirty |= check(line, reply, len, before);
		free(reply);
		free(line);
		if (!nl)
			break;
		off += llen + 1;
	}
	if (dirty) {
		daemon_down();
		daemon_up();
	}
	return 0;
}
