/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by zrtpd's files: addresses, time, wiping, hex. */
#ifndef ZRTPD_UTIL_H
#define ZRTPD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "ksrtp_nl.h"

unsigned int zrtpd_sa_hash(const struct ksrtp_sockaddr *a);
bool zrtpd_sa_equal(const struct ksrtp_sockaddr *a, const struct ksrtp_sockaddr *b);
socklen_t zrtpd_sa_to_sockaddr(const struct ksrtp_sockaddr *a, struct sockaddr_storage *ss);
void zrtpd_sa_from_sockaddr(const struct sockaddr_storage *ss, struct ksrtp_sockaddr *a);
/* "10.0.0.1:4000 -> 10.0.0.2:5000" */
const char *zrtpd_flow_str(const struct ksrtp_flow_info *f, char *buf, size_t len);

uint64_t zrtpd_now_ms(void);
void zrtpd_wipe(void *p, size_t len);
void zrtpd_hex(const uint8_t *in, size_t n, char *out);	/* out: 2n+1 */
int zrtpd_unhex(const char *in, uint8_t *out, size_t n);	/* exactly 2n digits */
/*
 * A number that is digits only, at most max: strtoul() alone also takes
 * spaces, a sign (and negates: "-18446744073709551615" is 1) and wraps.
 */
int zrtpd_parse_ulong(const char *s, int base, unsigned long max, unsigned long *out);

#endif
