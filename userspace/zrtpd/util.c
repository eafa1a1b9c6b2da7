// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>
#include <openssl/crypto.h>

#include "util.h"

unsigned int zrtpd_sa_hash(const struct ksrtp_sockaddr *a)
{
	const uint8_t *p = a->family == AF_INET6 ? a->addr.v6.s6_addr : (const uint8_t *)&a->addr.v4;
	size_t n = a->family == AF_INET6 ? 16 : 4, i;
	unsigned int h = 2166136261u;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	h = (h ^ (a->port & 0xff)) * 16777619u;
	h = (h ^ (a->port >> 8)) * 16777619u;
	return h;
}

bool zrtpd_sa_equal(const struct ksrtp_sockaddr *a, const struct ksrtp_sockaddr *b)
{
	if (a->family != b->family || a->port != b->port)
		return false;
	if (a->family == AF_INET6)
		return !memcmp(&a->addr.v6, &b->addr.v6, 16);
	return a->addr.v4.s_addr == b->addr.v4.s_addr;
}

socklen_t zrtpd_sa_to_sockaddr(const struct ksrtp_sockaddr *a, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = a->addr.v6;
		s6->sin6_port = htons(a->port);
		return sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_addr = a->addr.v4;
		s4->sin_port = htons(a->port);
		return sizeof(*s4);
	}
}

void zrtpd_sa_from_sockaddr(const struct sockaddr_storage *ss, struct ksrtp_sockaddr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = ss->ss_family;
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

		a->addr.v6 = s6->sin6_addr;
		a->port = ntohs(s6->sin6_port);
	} else {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

		a->addr.v4 = s4->sin_addr;
		a->port = ntohs(s4->sin_port);
	}
}

const char *zrtpd_flow_str(const struct ksrtp_flow_info *f, char *buf, size_t len)
{
	char l[64], r[64];

	snprintf(buf, len, "%s -> %s", ksrtp_format_sockaddr(&f->local, l, sizeof(l)),
		 ksrtp_format_sockaddr(&f->remote, r, sizeof(r)));
	return buf;
}

uint64_t zrtpd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void zrtpd_wipe(void *p, size_t len)
{
	OPENSSL_cleanse(p, len);
}

void zrtpd_hex(const uint8_t *in, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = d[in[i] >> 4];
		out[2 * i + 1] = d[in[i] & 15];
	}
	out[2 * n] = 0;
}

static int nib(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int zrtpd_unhex(const char *in, uint8_t *out, size_t n)
{
	size_t i;

	if (strlen(in) != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		int hi = nib(in[2 * i]), lo = nib(in[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int zrtpd_parse_ulong(const char *s, int base, unsigned long max, unsigned long *out)
{
	unsigned long v;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, base);
	if (*end || errno || v > max)
		return -1;
	*out = v;
	return 0;
}
