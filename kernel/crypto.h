/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSRTP_CRYPTO_H
#define _KSRTP_CRYPTO_H

#include "srtp/srtp_crypto.h"

extern const struct ksrtp_crypto_ops ksrtp_kcrypto_ops;

/* false: every key uses its generic (non-FPU) transforms (self-test) */
void ksrtp_crypto_use_fpu(bool on);

#endif
