/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * libsrtp 2.5, the oracle of the SRTP unit tests: a session for one of our
 * profiles.  SRTCP keeps the 80-bit tag with the _32 profiles, as RFC 3711
 * and RFC 6188 say and as our core does.
 */
#ifndef SRTP_LIBSRTP_H
#define SRTP_LIBSRTP_H

#include <string.h>
#include <srtp2/srtp.h>

static inline void lib_policy(enum ksrtp_profile p, srtp_policy_t *pol)
{
	switch (p) {
	case KSRTP_AES_CM_128_HMAC_SHA1_80:
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol->rtp);
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol->rtcp);
		break;
	case KSRTP_AES_CM_128_HMAC_SHA1_32:
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&pol->rtp);
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol->rtcp);
		break;
	case KSRTP_AES_256_CM_HMAC_SHA1_80:
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&pol->rtp);
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&pol->rtcp);
		break;
	case KSRTP_AES_256_CM_HMAC_SHA1_32:
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32(&pol->rtp);
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&pol->rtcp);
		break;
	case KSRTP_AEAD_AES_128_GCM:
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol->rtp);
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol->rtcp);
		break;
	case KSRTP_AEAD_AES_256_GCM:
		srtp_crypto_policy_set_aes_gcm_256_16_auth(&pol->rtp);
		srtp_crypto_policy_set_aes_gcm_256_16_auth(&pol->rtcp);
		break;
	}
}

/* A session for any SSRC, inbound or outbound, with the MKI if mki_len. */
static inline srtp_t lib_session(enum ksrtp_profile p, u8 *keysalt,
				 bool inbound, u8 *mki, unsigned int mki_len)
{
	srtp_master_key_t mk = { keysalt, mki, mki_len };
	srtp_master_key_t *mks[1] = { &mk };
	srtp_policy_t pol;
	srtp_t s = NULL;

	memset(&pol, 0, sizeof(pol));
	lib_policy(p, &pol);
	pol.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
	if (mki_len) {
		pol.keys = mks;
		pol.num_master_keys = 1;
	} else {
		pol.key = keysalt;
	}
	pol.window_size = 128;
	if (srtp_create(&s, &pol) != srtp_err_status_ok)
		return NULL;
	return s;
}

#endif
