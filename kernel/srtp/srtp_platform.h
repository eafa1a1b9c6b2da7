/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The one place where the portable SRTP core meets its environment.
 *
 * The core (kernel/srtp/ sources) is compiled twice: into ksrtp.ko, where
 * __KERNEL__ is defined and the kernel's own helpers are used, and into the
 * userspace library build/lib/libsrtpcore.a, where this header supplies
 * equivalents on top of libc.  Nothing else in the core may include a
 * platform header.
 */
#ifndef KSRTP_SRTP_PLATFORM_H
#define KSRTP_SRTP_PLATFORM_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/compiler.h>
#include <linux/mm.h>			/* is_vmalloc_addr() */
#include <crypto/algapi.h>		/* crypto_memneq() */

#define ksrtp_memneq(a, b, n)	crypto_memneq(a, b, n)
#define ksrtp_wipe(p, n)	memzero_explicit(p, n)
/* Memory a backend may put in a scatterlist (see srtp_crypto.h). */
#define ksrtp_sg_capable(p)	(!is_vmalloc_addr(p))

#else /* userspace */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* A hint here; the kernel's forces it (srtp.c's two instantiations). */
#ifndef __always_inline
#define __always_inline	inline
#endif

#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif

/*
 * Constant time in the length only, like the kernel's crypto_memneq(): no
 * early exit, and the barrier keeps the compiler from inventing one.
 */
static inline int ksrtp_memneq(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;
	u8 d = 0;

	while (n--) {
		d |= *x++ ^ *y++;
		__asm__("" : "+r"(d));
	}
	return d != 0;
}

#define ksrtp_sg_capable(p)	true

/* A wipe the compiler may not drop as a dead store. */
static inline void ksrtp_wipe(void *p, size_t n)
{
	memset(p, 0, n);
	__asm__ __volatile__("" : : "r"(p) : "memory");
}

#endif /* __KERNEL__ */

/*
 * Big-endian loads and stores at any alignment, written byte by byte so
 * they need no header that moved between kernel versions (asm/ vs linux/
 * unaligned.h); compilers turn them into a load and a bswap.
 */
static inline u16 ksrtp_get_be16(const u8 *b)
{
	return (u16)(b[0] << 8 | b[1]);
}

static inline u32 ksrtp_get_be32(const u8 *b)
{
	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

static inline void ksrtp_put_be32(u32 v, u8 *b)
{
	b[0] = v >> 24;
	b[1] = v >> 16;
	b[2] = v >> 8;
	b[3] = v;
}

#endif /* KSRTP_SRTP_PLATFORM_H */
