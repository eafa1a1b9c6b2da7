// SPDX-License-Identifier: GPL-2.0
/*
 * zrtpctl flow add local ADDR:PORT remote ADDR:PORT [mode divert|secure]
 *                  [require-secure]
 * zrtpctl flow del { id N | local ADDR:PORT remote ADDR:PORT }
 * zrtpctl flow show [ id N | local ADDR:PORT remote ADDR:PORT ]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ksrtp.h>

#include "ksrtp_nl.h"
#include "zrtpctl.h"

static const char *const flow_usage =
	"usage: zrtpctl flow add local ADDR:PORT remote ADDR:PORT [mode divert|secure] [require-secure]\n"
	"       zrtpctl flow del { id N | local ADDR:PORT remote ADDR:PORT }\n"
	"       zrtpctl flow show [ id N | local ADDR:PORT remote ADDR:PORT ]\n";

static const char *mode_name(unsigned int mode)
{
	return mode == KSRTP_FLOW_MODE_SECURE ? "secure" : "divert";
}

/* Keyword grammar; fills f and says which parts were given. */
static int parse_flow_args(int argc, char **argv, struct ksrtp_flow_info *f,
			   unsigned int *given)
{
	enum { G_LOCAL = 1, G_REMOTE = 2, G_ID = 4, G_OTHER = 8 };
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
		if (!val) {
			fprintf(stderr, "zrtpctl: '%s' needs a value\n%s", kw, flow_usage);
			return -1;
		}
		i++;
		if (!strcmp(kw, "local") || !strcmp(kw, "remote")) {
			struct ksrtp_sockaddr *sa = kw[0] == 'l' ? &f->local : &f->remote;

			if (ksrtp_parse_sockaddr(val, sa)) {
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
		} else {
			fprintf(stderr, "zrtpctl: unknown keyword '%s'\n%s", kw, flow_usage);
			return -1;
		}
	}
	return 0;
}

static void print_flow(const struct ksrtp_flow_info *f, bool json)
{
	char l[64], r[64];

	ksrtp_format_sockaddr(&f->local, l, sizeof(l));
	ksrtp_format_sockaddr(&f->remote, r, sizeof(r));
	if (json)
		printf("{\"id\":%u,\"local\":\"%s\",\"remote\":\"%s\",\"mode\":\"%s\",\"require_secure\":%s,\"rx_trial\":%s}",
		       f->id, l, r, mode_name(f->mode),
		       f->policy & KSRTP_POLICY_REQUIRE_SECURE ? "true" : "false",
		       f->policy & KSRTP_POLICY_RX_TRIAL ? "true" : "false");
	else
		printf("flow %u: %s -> %s mode %s%s%s\n", f->id, l, r,
		       mode_name(f->mode),
		       f->policy & KSRTP_POLICY_REQUIRE_SECURE ? " require-secure" : "",
		       f->policy & KSRTP_POLICY_RX_TRIAL ? " rx-trial" : "");
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
	if (parse_flow_args(argc - 1, argv + 1, &f, &given))
		return 2;
	bool named = (given & 4) || ((given & 3) == 3);

	if (strcmp(argv[0], "add") && strcmp(argv[0], "del") &&
	    strcmp(argv[0], "show") && strcmp(argv[0], "list")) {
		fprintf(stderr, "zrtpctl: unknown flow command '%s'\n%s", argv[0], flow_usage);
		return 2;
	}
	if (!strcmp(argv[0], "add") && ((given & 3) != 3 || (given & 4))) {
		fprintf(stderr, "zrtpctl: flow add needs local and remote (and no id)\n%s", flow_usage);
		return 2;
	}
	if (!strcmp(argv[0], "del") && !named) {
		fprintf(stderr, "zrtpctl: flow del needs an id or local and remote\n%s", flow_usage);
		return 2;
	}
	if (nl_open_or_explain(&nl))
		return 1;

	if (!strcmp(argv[0], "add")) {
		ret = ksrtp_nl_flow_new(&nl, &f, &out);
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
