/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Two hosts for data-path tests: network namespaces A and B with random
 * names, joined by veth, MTU 9000 so that any RTP size plus its tag fits:
 *
 *     netns A (ksrtp flows)            netns B (plain peer, libsrtp)
 *   10.99.0.1/24, fd99::1/64  va ---- vb  10.99.0.2/24, fd99::2/64
 */
#ifndef KSFT_NETNS_H
#define KSFT_NETNS_H

#include <fcntl.h>
#include <stdarg.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct two_hosts {
	char a[32], b[32];
	int fd_a, fd_b;
};

static inline int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static inline int two_hosts_up(struct two_hosts *h)
{
	unsigned int r = (unsigned int)getpid() ^ (unsigned int)rand();
	char path[64];

	snprintf(h->a, sizeof(h->a), "ksa%x", r);
	snprintf(h->b, sizeof(h->b), "ksb%x", r);
	if (sh("/sbin/ip netns add %s && /sbin/ip netns add %s && "
	       "/sbin/ip link add va netns %s mtu 9000 type veth peer name vb netns %s mtu 9000 && "
	       "/sbin/ip -n %s addr add 10.99.0.1/24 dev va && /sbin/ip -n %s addr add fd99::1/64 dev va nodad && "
	       "/sbin/ip -n %s addr add 10.99.0.2/24 dev vb && /sbin/ip -n %s addr add fd99::2/64 dev vb nodad && "
	       "/sbin/ip -n %s link set va up && /sbin/ip -n %s link set lo up && "
	       "/sbin/ip -n %s link set vb up && /sbin/ip -n %s link set lo up",
	       h->a, h->b, h->a, h->b, h->a, h->a, h->b, h->b, h->a, h->a, h->b, h->b))
		return -1;
	snprintf(path, sizeof(path), "/run/netns/%s", h->a);
	h->fd_a = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/run/netns/%s", h->b);
	h->fd_b = open(path, O_RDONLY | O_CLOEXEC);
	return h->fd_a < 0 || h->fd_b < 0 ? -1 : 0;
}

static inline void two_hosts_down(struct two_hosts *h)
{
	if (h->fd_a >= 0)
		close(h->fd_a);
	if (h->fd_b >= 0)
		close(h->fd_b);
	sh("/sbin/ip netns del %s 2>/dev/null; /sbin/ip netns del %s 2>/dev/null",
	   h->a, h->b);
}

static inline int enter(int fd)
{
	return setns(fd, CLONE_NEWNET);
}

#endif
