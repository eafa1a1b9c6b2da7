/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ZRTPCTL_H
#define ZRTPCTL_H

#include <stdbool.h>
#include <stddef.h>

#define ZRTPD_DEFAULT_SOCKET "/run/zrtpd/zrtpd.sock"

struct ctl_opts {
	bool json;
	const char *socket;	/* zrtpd's control socket */
};

struct subcommand {
	const char *name;
	int (*fn)(int argc, char **argv, const struct ctl_opts *o);
	const char *usage;
	const char *help;
};

/* over netlink, to the kernel */
int cmd_info(int argc, char **argv, const struct ctl_opts *o);
int cmd_flow(int argc, char **argv, const struct ctl_opts *o);
int cmd_stats(int argc, char **argv, const struct ctl_opts *o);
int cmd_relay(int argc, char **argv, const struct ctl_opts *o);
/* both: the kernel's counters and zrtpd's, in Prometheus text format */
int cmd_metrics(int argc, char **argv, const struct ctl_opts *o);
/* over the control socket, to zrtpd */
int cmd_status(int argc, char **argv, const struct ctl_opts *o);
int cmd_list(int argc, char **argv, const struct ctl_opts *o);
int cmd_show(int argc, char **argv, const struct ctl_opts *o);
int cmd_session(int argc, char **argv, const struct ctl_opts *o);
int cmd_verify(int argc, char **argv, const struct ctl_opts *o);
int cmd_relay_sas(int argc, char **argv, const struct ctl_opts *o);
int cmd_hello_hash(int argc, char **argv, const struct ctl_opts *o);
int cmd_peer_hash(int argc, char **argv, const struct ctl_opts *o);
int cmd_watch(int argc, char **argv, const struct ctl_opts *o);
int cmd_monitor(int argc, char **argv, const struct ctl_opts *o);

/* Prints "zrtpctl: <what>: <strerror>[: <kernel message>]" and returns 1. */
struct ksrtp_nl;
int nl_fail(const struct ksrtp_nl *nl, const char *what, int err);
/* Opens the netlink link, explaining failure. */
int nl_open_or_explain(struct ksrtp_nl *nl);

/*
 * One request to zrtpd: "<verb> <argv...>" (Documentation/control-
 * protocol.md).  Prints the reply's body on stdout; on an error reply
 * prints "zrtpctl: <message>" and returns 1.  follow: keep reading
 * (monitor) until zrtpd closes or a signal.
 */
int ctl_call(const struct ctl_opts *o, const char *verb, int argc, char **argv, bool follow);

/*
 * One request line (with its LF) to zrtpd, quietly: 0 and the reply's body
 * in buf if zrtpd answered "ok", -1 otherwise (not running, an error).
 */
int ctl_query(const struct ctl_opts *o, const char *line, char *buf, size_t cap);

#endif
