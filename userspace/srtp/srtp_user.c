// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Heap helpers around the portable SRTP core, for userspace users. */
#include <stdlib.h>

#include "srtp_openssl.h"

struct ksrtp_ctx *ksrtp_ctx_new(enum ksrtp_profile profile,
				const u8 *master_key, unsigned int key_len,
				const u8 *master_salt, unsigned int salt_len,
				const struct ksrtp_opts *opts, int *err)
{
	size_t size = ksrtp_ctx_size(opts);
	struct ksrtp_ctx *ctx;
	int ret;

	ret = KSRTP_ERR_INVAL;
	if (!size)
		goto out;
	ret = KSRTP_ERR_CRYPTO;
	ctx = calloc(1, size);
	if (!ctx)
		goto out;
	ret = ksrtp_ctx_init(ctx, size, &ksrtp_openssl_ops, profile,
			     master_key, key_len, master_salt, salt_len, opts);
	if (!ret) {
		if (err)
			*err = 0;
		return ctx;
	}
	free(ctx);
out:
	if (err)
		*err = ret;
	return NULL;
}

void ksrtp_ctx_free(struct ksrtp_ctx *ctx)
{
	if (!ctx)
		return;
	ksrtp_ctx_wipe(ctx);
	free(ctx);
}

unsigned int ksrtp_profile_key_len(enum ksrtp_profile p)
{
	switch (p) {
	case KSRTP_AES_CM_128_HMAC_SHA1_80:
	case KSRTP_AES_CM_128_HMAC_SHA1_32:
	case KSRTP_AEAD_AES_128_GCM:
		return 16;
	case KSRTP_AES_256_CM_HMAC_SHA1_80:
	case KSRTP_AES_256_CM_HMAC_SHA1_32:
	case KSRTP_AEAD_AES_256_GCM:
		return 32;
	}
	return 0;
}

unsigned int ksrtp_profile_salt_len(enum ksrtp_profile p)
{
	switch (p) {
	case KSRTP_AEAD_AES_128_GCM:
	case KSRTP_AEAD_AES_256_GCM:
		return 12;
	default:
		return ksrtp_profile_key_len(p) ? 14 : 0;
	}
}

const char *ksrtp_profile_name(enum ksrtp_profile p)
{
	switch (p) {
	case KSRTP_AES_CM_128_HMAC_SHA1_80:
		return "AES_CM_128_HMAC_SHA1_80";
	case KSRTP_AES_CM_128_HMAC_SHA1_32:
		return "AES_CM_128_HMAC_SHA1_32";
	case KSRTP_AES_256_CM_HMAC_SHA1_80:
		return "AES_256_CM_HMAC_SHA1_80";
	case KSRTP_AES_256_CM_HMAC_SHA1_32:
		return "AES_256_CM_HMAC_SHA1_32";
	case KSRTP_AEAD_AES_128_GCM:
		return "AEAD_AES_128_GCM";
	case KSRTP_AEAD_AES_256_GCM:
		return "AEAD_AES_256_GCM";
	}
	return "?";
}
