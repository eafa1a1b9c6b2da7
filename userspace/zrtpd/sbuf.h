/* SPDX-License-Identifier: GPL-2.0 */
/* A growable output buffer with printf and JSON string escaping. */
#ifndef ZRTPD_SBUF_H
#define ZRTPD_SBUF_H

#include <stdbool.h>
#include <stddef.h>

struct sbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_add(struct sbuf *b, const char *s, size_t n);
/* "s" with JSON escapes, quotes included. */
void sbuf_json_str(struct sbuf *b, const char *s);
void sbuf_free(struct sbuf *b);

#endif
