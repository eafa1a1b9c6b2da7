// SPDX-License-Identifier: GPL-2.0
/*
 * zrtpd: the ZRTP daemon (zrtpd(8)).  Reads zrtpd.conf, applies the flags
 * over it, opens the kernel link and runs the loop in the foreground
 * (systemd or the test harness supervise it).  Under systemd (Type=notify)
 * it reports readiness, reloads (SIGHUP) and stopping with sd_notify().
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <limits.h>
#include <sys/stat.h>

#include <systemd/sd-daemon.h>

#include "zrtpd.h"
#include "kernel_mock.h"
#include "util.h"

#define ZRTPD_VERSION "0.2.0"
#define DEFAULT_CONFIG "/etc/zrtpd.conf"

/* Flags that are config keys: --key value, same meaning as in the file. */
static const char *const key_flags[] = {
	"cache", "state-file", "zid", "client-id", "hash", "cipher", "auth", "key-agreement",
	"sas", "watch", "policy", "control-socket", "control-mode", "control-group", "kernel",
	"max-handshakes", "idle-timeout", "log-level", "max-sessions", "max-sessions-per-source",
	"max-unverified", "max-dh-per-second", "handshake-timeout", "switch-timeout", "test-drop",
	"rtcp",
};
enum { NKEYS = sizeof(key_flags) / sizeof(key_flags[0]), KEY_BASE = 1000 };

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: zrtpd [options]\n"
		"  -c, --config FILE          configuration file (default " DEFAULT_CONFIG " if present)\n"
		"  -w, --watch udp:MIN-MAX    start ZRTP on every new flow on these local ports\n"
		"  -s, --control-socket PATH  control socket (default /run/zrtpd/zrtpd.sock; 'none')\n"
		"      --cache PATH           retained-secret cache, SQLite ('none': no cache)\n"
		"      --state-file PATH      session details kept across restarts ('none')\n"
		"      --zid HEX24            this endpoint's ZID (default: the cache's)\n"
		"      --client-id STR        Hello client identifier (16 characters at most)\n"
		"      --hash/--cipher/--auth/--key-agreement/--sas LIST\n"
		"                             algorithm preferences, e.g. --key-agreement X255,EC25\n"
		"      --policy opportunistic|require-secure\n"
		"      --rtcp port+1|mux      where a session's RTCP goes (default port+1: a flow of its own)\n"
		"      --control-mode MODE    socket permissions (octal, default 0600)\n"
		"      --control-group GROUP  socket group\n"
		"      --kernel netlink|mock  the kernel link (mock: tests, no SRTP)\n"
		"      --max-handshakes N     handshakes in discovery at once (default 128, 0: no limit)\n"
		"      --idle-timeout S       drop watch-created flows idle this long (default 300, 0: never)\n"
		"      --max-sessions N, --max-sessions-per-source N, --max-unverified N\n"
		"                             bounds on sessions (watch mode: zrtpd.conf(5))\n"
		"      --handshake-timeout S, --switch-timeout S   deadlines (default 60, 15)\n"
		"  -v, --verbose              more log (repeat); --log-level 0-3\n"
		"      --check                verify the kernel link, list the flows a restart resumes\n"
		"      --dump-config          print the effective configuration and exit\n"
		"  -V, --version / -h, --help\n"
		"See zrtpd(8) and zrtpd.conf(5).\n");
}

static int print_flow(const struct ksrtp_flow_info *f, void *arg)
{
	char buf[160];
	unsigned int *n = arg;

	printf("zrtpd: flow %u: %s %s\n", f->id, zrtpd_flow_str(f, buf, sizeof(buf)),
	       f->mode ? "secure" : "divert");
	(*n)++;
	return 0;
}

static int check(void)
{
	struct zrtpd_kernel *k;
	unsigned int n = 0;
	int ret = zrtpd_kernel_nl_open(&k);

	if (ret == -ENOENT) {
		fputs("zrtpd: the ksrtp kernel module is not loaded (modprobe ksrtp)\n", stderr);
		return 1;
	} else if (ret) {
		fprintf(stderr, "zrtpd: netlink: %s\n", strerror(-ret));
		return 1;
	}
	ret = k->ops->flow_dump(k, print_flow, &n);
	k->ops->close(k);
	if (ret) {
		fprintf(stderr, "zrtpd: reading flows: %s\n", strerror(-ret));
		return 1;
	}
	printf("zrtpd: kernel link ok, %u flows\n", n);
	return 0;
}

/* What the command line asked for besides settings. */
struct zrtpd_args {
	const char *config_path;
	int verbose, want_check, want_dump;
};

/*
 * The configuration: defaults, then the file, then the flags over it.  Run
 * at start and again on SIGHUP, so a reload sees what a restart would.
 * Returns 0, -1 to exit 0 (--version, --help), or the exit status.
 */
static int build_config(int argc, char **argv, struct zrtpd_config *cfg,
			struct zrtpd_args *a)
{
	struct option longopts[NKEYS + 9];
	char err[512];
	int c, i;

	for (i = 0; i < NKEYS; i++)
		longopts[i] = (struct option){ key_flags[i], required_argument, NULL, KEY_BASE + i };
	longopts[i++] = (struct option){ "config", required_argument, NULL, 'c' };
	longopts[i++] = (struct option){ "verbose", no_argument, NULL, 'v' };
	longopts[i++] = (struct option){ "check", no_argument, NULL, 'C' };
	longopts[i++] = (struct option){ "dump-config", no_argument, NULL, 'D' };
	longopts[i++] = (struct option){ "version", no_argument, NULL, 'V' };
	longopts[i++] = (struct option){ "help", no_argument, NULL, 'h' };
	longopts[i] = (struct option){ NULL, 0, NULL, 0 };

	memset(a, 0, sizeof(*a));
	/* first pass: the config file, so the flags can override it */
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:w:s:vVh", longopts, NULL)) != -1)
		if (c == 'c')
			a->config_path = optarg;
	zrtpd_config_defaults(cfg);
	if (a->config_path || access(DEFAULT_CONFIG, R_OK) == 0) {
		if (zrtpd_config_load(cfg, a->config_path ? a->config_path : DEFAULT_CONFIG, err,
				      sizeof(err))) {
			fprintf(stderr, "zrtpd: %s\n", err);
			return 2;
		}
	}
	opterr = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:w:s:vVh", longopts, NULL)) != -1) {
		const char *key = NULL;

		switch (c) {
		case 'c':
			break;
		case 'w':
			key = "watch";
			break;
		case 's':
			key = "control-socket";
			break;
		case 'v':
			a->verbose++;
			break;
		case 'C':
			a->want_check = 1;
			break;
		case 'D':
			a->want_dump = 1;
			break;
		case 'V':
			puts("zrtpd " ZRTPD_VERSION);
			return -1;
		case 'h':
			usage(stdout);
			return -1;
		default:
			if (c >= KEY_BASE && c < KEY_BASE + NKEYS) {
				key = key_flags[c - KEY_BASE];
				break;
			}
			usage(stderr);
			return 2;
		}
		if (key && zrtpd_config_set(cfg, key, optarg, err, sizeof(err))) {
			fprintf(stderr, "zrtpd: --%s: %s\n", key, err);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "zrtpd: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	cfg->verbose += a->verbose;
	return 0;
}

static int saved_argc;
static char **saved_argv;

/* SIGHUP: the file and flags again; what can change live does. */
static void reload(struct zrtpd *d)
{
	struct zrtpd_config cfg;
	struct zrtpd_args a;

	sd_notify(0, "RELOADING=1");
	if (build_config(saved_argc, saved_argv, &cfg, &a))
		zrtpd_log(d, 0, "reload: configuration refused, the running one stays");
	else
		zrtpd_reconfigure(d, &cfg);
	sd_notify(0, "READY=1");
}

/*
 * The default control socket and state file live in /run/zrtpd/, which
 * systemd's RuntimeDirectory= makes; run by hand, make it (one level only).
 */
static void make_parent(const char *path)
{
	char dir[PATH_MAX];
	char *slash;

	if (!path[0] || strlen(path) >= sizeof(dir))
		return;
	strcpy(dir, path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		fprintf(stderr, "zrtpd: cannot create %s: %s\n", dir, strerror(errno));
}

int main(int argc, char **argv)
{
	struct zrtpd_mock *mock = NULL;
	struct zrtpd_config cfg;
	struct zrtpd_kernel *k;
	struct zrtpd_args a;
	static struct zrtpd d;
	int ret;

	ret = build_config(argc, argv, &cfg, &a);
	if (ret)
		return ret < 0 ? 0 : ret;
	saved_argc = argc;
	saved_argv = argv;
	if (a.want_dump) {
		zrtpd_config_write(stdout, &cfg);
		return 0;
	}
	if (a.want_check)
		return check();

	if (!strcmp(cfg.kernel, "mock")) {
		mock = zrtpd_mock_new();
		ret = mock ? zrtpd_mock_attach(mock, &k) : -ENOMEM;
	} else {
		ret = zrtpd_kernel_nl_open(&k);
		if (ret == -ENOENT) {
			fputs("zrtpd: the ksrtp kernel module is not loaded (modprobe ksrtp)\n", stderr);
			return 1;
		}
	}
	if (ret) {
		fprintf(stderr, "zrtpd: kernel link (%s): %s\n", cfg.kernel, strerror(-ret));
		return 1;
	}
	make_parent(cfg.ctl_path);
	make_parent(cfg.state_path);
	ret = zrtpd_init(&d, &cfg, k);
	if (ret) {
		fprintf(stderr, "zrtpd: cannot start: %s\n", strerror(-ret));
		k->ops->close(k);
		zrtpd_mock_free(mock);
		return 1;
	}
	d.reload = reload;
	zrtpd_log(&d, 1, "running: kernel link %s, control socket %s, %u sessions, %u watches",
		  k->ops->name, cfg.ctl_path[0] ? cfg.ctl_path : "(none)", d.nsessions, d.nwatches);
	sd_notifyf(0, "READY=1\nSTATUS=%u sessions, %u watches", d.nsessions, d.nwatches);
	ret = zrtpd_run(&d);
	sd_notify(0, "STOPPING=1");
	zrtpd_fini(&d);
	k->ops->close(k);
	zrtpd_mock_free(mock);
	if (ret) {
		fprintf(stderr, "zrtpd: %s\n", strerror(-ret));
		return 1;
	}
	return 0;
}
