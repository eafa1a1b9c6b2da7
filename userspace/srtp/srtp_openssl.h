/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Userspace side of the portable SRTP core: the OpenSSL crypto backend and
 * heap helpers.  Link with build/lib/libsrtpcore.a -lcrypto.
 */
#ifndef KSRTP_SRTP_OPENSSL_H
#define KSRTP_SRTP_OPENSSL_H

#include "srtp.h"

extern const struct ksrtp_crypto_ops ksrtp_openssl_ops;

/* calloc + ksrtp_ctx_init with the OpenSSL backend; NULL on error (*err). */
struct ksrtp_ctx *ksrtp_ctx_new(enum ksrtp_profile profile,
				const u8 *master_key, unsigned int key_len,
				const u8 *master_salt, unsigned int salt_len,
				const struct ksrtp_opts *opts, int *err);
/* ksrtp_ctx_wipe + free; NULL is ok. */
void ksrtp_ctx_free(struct ksrtp_ctx *ctx);

/* Master key and salt lengths of a profile (0 if unknown). */
unsigned int ksrtp_profile_key_len(enum ksrtp_profile profile);
unsigned int ksrtp_profile_salt_len(enum ksrtp_profile profile);
const char *ksrtp_profile_name(enum ksrtp_profile profile);

#endif /* KSRTP_SRTP_OPENSSL_H */
