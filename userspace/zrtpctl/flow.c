// SPDX-License-Identifier: GPL-2.0
/*
 * zrtpctl flow add local ADDR:PORT remote ADDR:PORT [mode divert|secure]
 *                  [require-secure]
 * zrtpctl flow add local ADDR:PORT { remote ADDR latch port | latch addr }
 *                  [mode divert|secure] [require-secure] [latch-clear]
 *     a latching flow (RFC 4961) learns its remote port, or address and
 *     port, from the first packet that authenticates on it (latch-clear:
 *     the first clear RTP/RTCP too); `flow show` says "learning" until then.
 * zrtpctl flow del { id N | local ADDR:PORT remote ADDR:PORT }
 * zrtpctl flow show [ id N | local ADDR:PORT remote ADDR:PORT ]
 * zrtpctl flow set FLOW mode divert|secure [require-secure]
 * zrtpctl flow key FLOW dir tx|rx [slot 0|1] [roc N] [key-file PATH]
 *     keys from elsewhere (SDES, RFC 4568): one "a=crypto:..." attribute is
 *     read from PATH or standard input, never from the command line, where
 *     every user of the host could read it (ps, /proc/PID/cmdline).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/ksrtp.h>

#include "ksrtp_nl.h"
#include "zrtpctl.h"

static const char *const flow_usage =
	"usage: zrtpctl flow add local ADDR:PORT remote ADDR:PORT [mode divert|secure] [require-secure]\n"
	"       zrtpctl flow add local ADDR:PORT { remote ADDR latch port | latch addr }\n"
	"                        [mode divert|secure] [require-secure] [latch-clear]\n"
	"       zrtpctl flow del { id N | local ADDR:PORT remote ADDR:PORT }\n"
	"       zrtpctl flow show [ id N | local ADDR:PORT remote ADDR:PORT ]\n"
	"       zrtpctl flow set FLOW mode divert|secure [require-secure]\n"
	"       zrtpctl flow key FLOW dir tx|rx [slot 0|1] [roc N] [key-file PATH] < crypto-attribute\n";

static const char *mode_name(unsigned int mode)
{
	return mode == KSRTP_FLOW_MODE_SECURE ? "secure" : "divert";
}

static const char *latch_name(unsigned int latch)
{
	return latch == KSRTP_LATCH_PORT ? "port" :
	       latch == KSRTP_LATCH_ADDR ? "addr" : "none";
}

/* A remote address without a port ("10.0.0.2", "[fd00::2]", "fd00::2"). */
static int parse_bare_addr(const char *s, struct ksrtp_sockaddr *sa)
{
	char b[INET6_ADDRSTRLEN + 2];
	size_t n = strlen(s);

	memset(sa, 0, sizeof(*sa));
	if (inet_pton(AF_INET, s, &sa->addr.v4) == 1) {
		sa->family = AF_INET;
		return 0;
	}
	if (n >= sizeof(b))
		return -1;
	if (s[0] == '[' && n > 2 && s[n - 1] == ']') {
		memcpy(b, s + 1, n - 2);
		b[n - 2] = 0;
	} else {
		memcpy(b, s, n + 1);
	}
	if (inet_pton(AF_INET6, b, &sa->addr.v6) != 1)
		return -1;
	sa->family = AF_INET6;
	return 0;
}

/*
 * Keyword grammar; fills f and says which parts were given.  "latch
 * port|addr" goes to f->latch (libksrtp ignores it in requests: flow add
 * calls ksrtp_nl_flow_new_latch() for it); with "latch port" the remote
 * is an address without a port.
 */
static int parse_flow_args(int argc, char **argv, struct ksrtp_flow_info *f,
			   unsigned int *given)
{
	enum { G_LOCAL = 1, G_REMOTE = 2, G_ID = 4, G_OTHER = 8 };
	bool bare = false;
	int i;

	memset(f, 0, sizeof(*f));
	*given = 0;
	for (i = 0; i < argc; i++) {
		const char *kw = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(kw, "require-secure")) {
			f->policy |= KSRTP_POLICY_REQUIRE_SECURE;
			*given |= G_OTHER;
			continue;
		}
		if (!strcmp(kw, "latch-clear")) {
			f->policy |= KSRTP_POLICY_LATCH_CLEAR;
			*given |= G_OTHER;
			continue;
		}
		if (!val) {
			fprintf(stderr, "zrtpctl: '%s' needs a value\n%s", kw, flow_usage);
			return -1;
		}
		i++;
		if (!strcmp(kw, "local") || !strcmp(kw, "remote")) {
			struct ksrtp_sockaddr *sa = kw[0] == 'l' ? &f->local : &f->remote;

			if (kw[0] == 'r' && ksrtp_parse_sockaddr(val, sa) &&
			    !parse_bare_addr(val, sa)) {
				bare = true;
			} else if (ksrtp_parse_sockaddr(val, sa)) {
				fprintf(stderr, "zrtpctl: bad %s address '%s' (want ADDR:PORT or [ADDR6]:PORT, port 1-65535)\n",
					kw, val);
				return -1;
			}
			*given |= kw[0] == 'l' ? G_LOCAL : G_REMOTE;
		} else if (!strcmp(kw, "id")) {
			char *end;
			unsigned long id = strtoul(val, &end, 10);

			if (*end || !id || id > 0xffffffffUL) {
				fprintf(stderr, "zrtpctl: bad flow id '%s'\n", val);
				return -1;
			}
			f->id = (uint32_t)id;
			*given |= G_ID;
		} else if (!strcmp(kw, "mode")) {
			if (!strcmp(val, "divert")) {
				f->mode = KSRTP_FLOW_MODE_DIVERT;
			} else if (!strcmp(val, "secure")) {
				f->mode = KSRTP_FLOW_MODE_SECURE;
			} else {
				fprintf(stderr, "zrtpctl: mode must be divert or secure, not '%s'\n", val);
				return -1;
			}
			*given |= G_OTHER;
		} else if (!strcmp(kw, "latch")) {
			if (!strcmp(val, "port")) {
				f->latch = KSRTP_LATCH_PORT;
			} else if (!strcmp(val, "addr")) {
				f->latch = KSRTP_LATCH_ADDR;
			} else {
				fprintf(stderr, "zrtpctl: latch must be port or addr, not '%s'\n", val);
				return -1;
			}
			*given |= G_OTHER;
		} else {
			fprintf(stderr, "zrtpctl: unknown keyword '%s'\n%s", kw, flow_usage);
			return -1;
		}
	}
	if (bare != (f->latch == KSRTP_LATCH_PORT && (*given & G_REMOTE))) {
		fprintf(stderr, "zrtpctl: %s\n%s", bare ?
			"a remote without a port needs 'latch port'" :
			"with 'latch port' the remote is an address without a port",
			flow_usage);
		return -1;
	}
	if (f->latch == KSRTP_LATCH_ADDR && (*given & G_REMOTE)) {
		fprintf(stderr, "zrtpctl: with 'latch addr' the remote is learned: give none\n%s",
			flow_usage);
		return -1;
	}
	return 0;
}

/* The remote as known: "*" for what a latching flow has not learned. */
static void format_remote(const struct ksrtp_flow_info *f, char *r, size_t len)
{
	struct ksrtp_sockaddr sa = f->remote;

	if (!f->latch || f->latched) {
		ksrtp_format_sockaddr(&f->remote, r, len);
	} else if (f->latch == KSRTP_LATCH_ADDR) {
		snprintf(r, len, "*");
	} else {
		sa.port = 1;
		ksrtp_format_sockaddr(&sa, r, len);
		snprintf(strrchr(r, ':'), len - (size_t)(strrchr(r, ':') - r), ":*");
	}
}

static void print_flow(const struct ksrtp_flow_info *f, bool json)
{
	char l[64], r[64];

	ksrtp_format_sockaddr(&f->local, l, sizeof(l));
	format_remote(f, r, sizeof(r));
	if (json)
		printf("{\"id\":%u,\"local\":\"%s\",\"remote\":\"%s\",\"mode\":\"%s\",\"require_secure\":%s,\"rx_trial\":%s,"
		       "\"latch\":\"%s\",\"latched\":%s,\"latch_clear\":%s}",
		       f->id, l, r, mode_name(f->mode),
		       f->policy & KSRTP_POLICY_REQUIRE_SECURE ? "true" : "false",
		       f->policy & KSRTP_POLICY_RX_TRIAL ? "true" : "false",
		       latch_name(f->latch), f->latched ? "true" : "false",
		       f->policy & KSRTP_POLICY_LATCH_CLEAR ? "true" : "false");
	else
		printf("flow %u: %s -> %s mode %s%s%s%s%s%s%s\n", f->id, l, r,
		       mode_name(f->mode),
		       f->policy & KSRTP_POLICY_REQUIRE_SECURE ? " require-secure" : "",
		       f->policy & KSRTP_POLICY_RX_TRIAL ? " rx-trial" : "",
		       f->latch ? " latch " : "", f->latch ? latch_name(f->latch) : "",
		       !f->latch ? "" : f->latched ? " (latched)" : " (learning)",
		       f->policy & KSRTP_POLICY_LATCH_CLEAR ? " latch-clear" : "");
}

struct show_state {
	bool json;
	unsigned int n;
};

static int show_one(const struct ksrtp_flow_info *f, void *arg)
{
	struct show_state *s = arg;

	if (s->json && s->n)
		putchar(',');
	print_flow(f, s->json);
	s->n++;
	return 0;
}

static const char *describe(const struct ksrtp_flow_info *f, char *buf, size_t len)
{
	char l[64], r[64];

	if (f->id) {
		snprintf(buf, len, "flow id %u", f->id);
	} else {
		ksrtp_format_sockaddr(&f->local, l, sizeof(l));
		ksrtp_format_sockaddr(&f->remote, r, sizeof(r));
		snprintf(buf, len, "flow %s -> %s", l, r);
	}
	return buf;
}

static void wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}

struct key_args {
	int dir;		/* -1: not given */
	int slot;
	bool has_roc;
	uint32_t roc;
	const char *file;	/* NULL: standard input */
};

/* Take flow key's own keywords out of argv (in place); the rest names the flow. */
static int take_key_args(int *argc, char **argv, struct key_args *ka)
{
	int i, n = 0;

	ka->dir = -1;
	ka->slot = 0;
	ka->has_roc = false;
	ka->roc = 0;
	ka->file = NULL;
	for (i = 0; i < *argc; i++) {
		const char *kw = argv[i], *val = i + 1 < *argc ? argv[i + 1] : NULL;
		char *end;
		unsigned long v;

		if (strcmp(kw, "dir") && strcmp(kw, "slot") && strcmp(kw, "roc") &&
		    strcmp(kw, "key-file")) {
			argv[n++] = argv[i];
			continue;
		}
		if (!val) {
			fprintf(stderr, "zrtpctl: '%s' needs a value\n%s", kw, flow_usage);
			return -1;
		}
		i++;
		if (!strcmp(kw, "dir")) {
			if (strcmp(val, "tx") && strcmp(val, "rx")) {
				fprintf(stderr, "zrtpctl: dir must be tx or rx, not '%s'\n", val);
				return -1;
			}
			ka->dir = val[0] == 't' ? KSRTP_KEY_DIR_TX : KSRTP_KEY_DIR_RX;
		} else if (!strcmp(kw, "slot")) {
			if (strcmp(val, "0") && strcmp(val, "1")) {
				fprintf(stderr, "zrtpctl: slot must be 0 or 1, not '%s'\n", val);
				return -1;
			}
			ka->slot = val[0] - '0';
		} else if (!strcmp(kw, "roc")) {
			v = strtoul(val, &end, 0);
			if (!*val || *end || v > 0xffffffffUL) {
				fprintf(stderr, "zrtpctl: bad roc '%s' (0 to 4294967295)\n", val);
				return -1;
			}
			ka->has_roc = true;
			ka->roc = (uint32_t)v;
		} else {
			ka->file = val;
		}
	}
	*argc = n;
	if (ka->dir < 0) {
		fprintf(stderr, "zrtpctl: flow key needs dir tx or dir rx\n%s", flow_usage);
		return -1;
	}
	return 0;
}

/*
 * One crypto attribute from @file or standard input: the first non-empty
 * line, at most 1 KiB.  0, or -1 with the reason printed.
 */
static int read_attr(const char *file, char *buf, size_t cap)
{
	size_t n = 0;
	int fd = file ? open(file, O_RDONLY | O_CLOEXEC) : 0;
	ssize_t r;

	if (fd < 0) {
		fprintf(stderr, "zrtpctl: key-file %s: %s\n", file, strerror(errno));
		return -1;
	}
	if (!file && isatty(0))
		fputs("zrtpctl: reading the crypto attribute (a=crypto:...) from standard input\n", stderr);
	while (n < cap - 1 && (r = read(fd, buf + n, cap - 1 - n)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "zrtpctl: reading the key: %s\n", strerror(errno));
			break;
		}
		n += (size_t)r;
		buf[n] = 0;
		/* done with a complete non-empty line */
		if (strchr(buf + strspn(buf, "\r\n \t"), '\n'))
			break;
	}
	if (file)
		close(fd);
	buf[n] = 0;
	if (n == cap - 1) {
		fputs("zrtpctl: the crypto attribute is longer than 1 KiB\n", stderr);
		return -1;
	}
	{
		char *line = buf + strspn(buf, "\r\n \t"), *eol = strchr(line, '\n');

		if (eol)
			*eol = 0;
		memmove(buf, line, strlen(line) + 1);
	}
	if (!buf[0]) {
		fprintf(stderr, "zrtpctl: no crypto attribute in %s\n", file ? file : "standard input");
		return -1;
	}
	return 0;
}

static const char *profile_label(uint16_t p)
{
	switch (p) {
	case KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_80: return "AES_CM_128_HMAC_SHA1_80";
	case KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_32: return "AES_CM_128_HMAC_SHA1_32";
	case KSRTP_PROFILE_AES_256_CM_HMAC_SHA1_80: return "AES_256_CM_HMAC_SHA1_80";
	case KSRTP_PROFILE_AES_256_CM_HMAC_SHA1_32: return "AES_256_CM_HMAC_SHA1_32";
	case KSRTP_PROFILE_AEAD_AES_128_GCM: return "AEAD_AES_128_GCM";
	case KSRTP_PROFILE_AEAD_AES_256_GCM: return "AEAD_AES_256_GCM";
	}
	return "?";
}

static int flow_key(int argc, char **argv, const struct ctl_opts *o)
{
	struct ksrtp_key_req k;
	struct ksrtp_flow_info f, out;
	struct key_args ka;
	struct ksrtp_nl nl;
	unsigned int given;
	const char *why;
	char line[1024], what[160];
	uint16_t profile;
	int ret;

	if (take_key_args(&argc, argv, &ka) || parse_flow_args(argc, argv, &f, &given))
		return 2;
	if (!((given & 4) || (given & 3) == 3) || (given & 8)) {
		fprintf(stderr, "zrtpctl: flow key needs the flow (id N, or local and remote) and nothing else\n%s",
			flow_usage);
		return 2;
	}
	memset(&k, 0, sizeof(k));
	if (read_attr(ka.file, line, sizeof(line))) {
		wipe(line, sizeof(line));
		return 2;
	}
	ret = ksrtp_sdes_parse(line, &k, &why);
	wipe(line, sizeof(line));
	if (ret) {
		fprintf(stderr, "zrtpctl: bad crypto attribute: %s\n", why);
		return 2;
	}
	profile = k.profile;
	if (nl_open_or_explain(&nl)) {
		wipe(&k, sizeof(k));
		return 1;
	}
	ret = ksrtp_nl_flow_get(&nl, &f, &out);
	if (ret) {
		wipe(&k, sizeof(k));
		if (ret == -ENOENT && !nl.err_msg[0])
			snprintf(nl.err_msg, sizeof(nl.err_msg), "no such flow");
		ret = nl_fail(&nl, describe(&f, what, sizeof(what)), ret);
		ksrtp_nl_close(&nl);
		return ret;
	}
	k.flow_id = out.id;
	k.dir = (uint8_t)ka.dir;
	k.slot = (uint8_t)ka.slot;
	k.has_roc = ka.has_roc;
	k.roc = ka.roc;
	ret = ksrtp_nl_key_new(&nl, &k);	/* wipes the key */
	wipe(&k, sizeof(k));
	if (ret) {
		ret = nl_fail(&nl, describe(&out, what, sizeof(what)), ret);
	} else if (o->json) {
		printf("{\"flow\":%u,\"dir\":\"%s\",\"slot\":%d,\"profile\":\"%s\"}\n", out.id,
		       ka.dir == KSRTP_KEY_DIR_TX ? "tx" : "rx", ka.slot, profile_label(profile));
	} else {
		printf("flow %u: %s key installed in slot %d (%s)%s\n", out.id,
		       ka.dir == KSRTP_KEY_DIR_TX ? "tx" : "rx", ka.slot, profile_label(profile),
		       out.mode == KSRTP_FLOW_MODE_SECURE ? "" :
		       "; the flow is in divert mode: `zrtpctl flow set ... mode secure` turns protection on");
	}
	ksrtp_nl_close(&nl);
	return ret;
}

static int flow_set(int argc, char **argv, const struct ctl_opts *o)
{
	struct ksrtp_flow_info f, out;
	struct ksrtp_nl nl;
	unsigned int given;
	bool mode_given = false;
	char what[160];
	int i, ret;

	for (i = 0; i < argc; i++)
		mode_given |= !strcmp(argv[i], "mode");
	if (parse_flow_args(argc, argv, &f, &given))
		return 2;
	if (!((given & 4) || (given & 3) == 3) || !mode_given) {
		fprintf(stderr, "zrtpctl: flow set needs the flow (id N, or local and remote) and a mode\n%s",
			flow_usage);
		return 2;
	}
	if (nl_open_or_explain(&nl))
		return 1;
	ret = ksrtp_nl_flow_set(&nl, &f);
	if (ret == -ENOENT && !nl.err_msg[0])
		snprintf(nl.err_msg, sizeof(nl.err_msg), "no such flow");
	if (ret) {
		ret = nl_fail(&nl, describe(&f, what, sizeof(what)), ret);
	} else {
		ret = ksrtp_nl_flow_get(&nl, &f, &out);
		if (ret)
			ret = nl_fail(&nl, describe(&f, what, sizeof(what)), ret);
		else
			print_flow(&out, o->json), o->json ? putchar('\n') : 0;
	}
	ksrtp_nl_close(&nl);
	return ret;
}

int cmd_flow(int argc, char **argv, const struct ctl_opts *o)
{
	struct ksrtp_flow_info f, out;
	struct ksrtp_nl nl;
	unsigned int given;
	char what[160];
	int ret;

	if (argc < 1) {
		fputs(flow_usage, stderr);
		return 2;
	}
	if (!strcmp(argv[0], "key"))
		return flow_key(argc - 1, argv + 1, o);
	if (!strcmp(argv[0], "set"))
		return flow_set(argc - 1, argv + 1, o);
	if (parse_flow_args(argc - 1, argv + 1, &f, &given))
		return 2;
	bool named = (given & 4) || ((given & 3) == 3);

	if (strcmp(argv[0], "add") && strcmp(argv[0], "del") &&
	    strcmp(argv[0], "show") && strcmp(argv[0], "list")) {
		fprintf(stderr, "zrtpctl: unknown flow command '%s'\n%s", argv[0], flow_usage);
		return 2;
	}
	if (!strcmp(argv[0], "add") &&
	    ((given & 3) != (f.latch == KSRTP_LATCH_ADDR ? 1 : 3) || (given & 4))) {
		fprintf(stderr, "zrtpctl: flow add needs local and remote (and no id)\n%s", flow_usage);
		return 2;
	}
	if (strcmp(argv[0], "add") && f.latch && !(given & 4)) {
		fprintf(stderr, "zrtpctl: name a latching flow by its id\n%s", flow_usage);
		return 2;
	}
	if (!strcmp(argv[0], "del") && !named) {
		fprintf(stderr, "zrtpctl: flow del needs an id or local and remote\n%s", flow_usage);
		return 2;
	}
	if (nl_open_or_explain(&nl))
		return 1;

	if (!strcmp(argv[0], "add")) {
		ret = f.latch ? ksrtp_nl_flow_new_latch(&nl, &f, f.latch, &out) :
				ksrtp_nl_flow_new(&nl, &f, &out);
		if (ret)
			ret = nl_fail(&nl, describe(&f, what, sizeof(what)), ret);
		else
			print_flow(&out, o->json), o->json ? putchar('\n') : 0;
	} else if (!strcmp(argv[0], "del")) {
		ret = ksrtp_nl_flow_del(&nl, &f);
		if (ret == -ENOENT && !nl.err_msg[0])
			snprintf(nl.err_msg, sizeof(nl.err_msg), "no such flow");
		if (ret)
			ret = nl_fail(&nl, describe(&f, what, sizeof(what)), ret);
	} else if (named) {
		ret = ksrtp_nl_flow_get(&nl, &f, &out);
		if (ret)
			ret = nl_fail(&nl, describe(&f, what, sizeof(what)), ret);
		else
			print_flow(&out, o->json), o->json ? putchar('\n') : 0;
	} else {
		struct show_state s = { o->json, 0 };

		if (o->json)
			putchar('[');
		ret = ksrtp_nl_flow_dump(&nl, show_one, &s);
		if (o->json)
			puts("]");
		if (ret)
			ret = nl_fail(&nl, "flow show", ret);
	}
	ksrtp_nl_close(&nl);
	return ret;
}
