// SPDX-License-Identifier: GPL-2.0
/* The client side of zrtpd's control socket. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "zrtpctl.h"

static int connect_zrtpd(const struct ctl_opts *o, bool quiet)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(o->socket) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "zrtpctl: socket path too long: %s\n", o->socket);
		return -1;
	}
	strcpy(sun.sun_path, o->socket);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("zrtpctl: socket");
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int e = errno;

		close(fd);
		if (quiet)
			return -1;
		if (e == ENOENT || e == ECONNREFUSED)
			fprintf(stderr, "zrtpctl: zrtpd not running at %s\n", o->socket);
		else if (e == EACCES || e == EPERM)
			fprintf(stderr, "zrtpctl: no permission to talk to zrtpd at %s (root, or the control-group)\n",
				o->socket);
		else
			fprintf(stderr, "zrtpctl: %s: %s\n", o->socket, strerror(e));
		return -1;
	}
	return fd;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int ctl_call(const struct ctl_opts *o, const char *verb, int argc, char **argv, bool follow)
{
	char req[4096], buf[8192];
	size_t n = 0, have = 0;
	bool status_done = false;
	int fd, i, ret = 1;

	n = (size_t)snprintf(req, sizeof(req), "%s%s", o->json ? "json " : "", verb);
	for (i = 0; i < argc; i++) {
		if (strpbrk(argv[i], " \t\r\n") || !argv[i][0]) {
			fprintf(stderr, "zrtpctl: argument '%s' must be one word\n", argv[i]);
			return 2;
		}
		n += (size_t)snprintf(req + n, sizeof(req) - n, " %s", argv[i]);
		if (n >= sizeof(req) - 2) {
			fputs("zrtpctl: request too long\n", stderr);
			return 2;
		}
	}
	req[n++] = '\n';
	fd = connect_zrtpd(o, false);
	if (fd < 0)
		return 1;
	if (write_all(fd, req, n)) {
		fprintf(stderr, "zrtpctl: zrtpd at %s closed the connection\n", o->socket);
		goto out;
	}
	setvbuf(stdout, NULL, follow ? _IOLBF : _IOFBF, 0);
	for (;;) {
		ssize_t r = read(fd, buf + have, sizeof(buf) - 1 - have);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		have += (size_t)r;
		buf[have] = 0;
		if (!status_done) {
			char *nl = strchr(buf, '\n');

			if (!nl) {
				if (have == sizeof(buf) - 1)
					break;
				continue;
			}
			*nl = 0;
			if (!strncmp(buf, "error ", 6)) {
				fprintf(stderr, "zrtpctl: %s\n", buf + 6);
				goto out;
			}
			if (strcmp(buf, "ok")) {
				fprintf(stderr, "zrtpctl: unexpected reply from zrtpd: %s\n", buf);
				goto out;
			}
			status_done = true;
			have -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, have);
		}
		fwrite(buf, 1, have, stdout);
		have = 0;
		if (follow)
			fflush(stdout);
	}
	if (!status_done) {
		fprintf(stderr, "zrtpctl: zrtpd at %s closed the connection without a reply\n", o->socket);
		goto out;
	}
	ret = 0;
out:
	fflush(stdout);
	close(fd);
	return ret;
}

int ctl_query(const struct ctl_opts *o, const char *line, char *buf, size_t cap)
{
	size_t have = 0;
	char *nl;
	int fd = connect_zrtpd(o, true);

	if (fd < 0)
		return -1;
	if (write_all(fd, line, strlen(line))) {
		close(fd);
		return -1;
	}
	for (;;) {
		ssize_t r = read(fd, buf + have, cap - 1 - have);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		have += (size_t)r;
		if (have == cap - 1)
			break;
	}
	close(fd);
	buf[have] = 0;
	nl = strchr(buf, '\n');
	if (!nl || strncmp(buf, "ok\n", 3))
		return -1;
	memmove(buf, nl + 1, have - (size_t)(nl + 1 - buf) + 1);
	return 0;
}
