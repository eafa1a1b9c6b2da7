/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Shared driver of the SRTP/SRTCP unprotect fuzzers.  The input is a
 * script: a header byte (profile, MKI, window), then records
 *   [ctl][len_hi][len_lo][bytes...]
 * Each record's bytes are a packet.  ctl bit 0: protect it first with a
 * sender sharing the receiver's key (so it authenticates and the fuzzer
 * reaches decryption, index estimation and the window); bit 1: then flip
 * the byte at (ctl >> 3) % len; bit 2: deliver it twice.  Every packet
 * goes to unprotect in a heap buffer of exactly its size, so ASan sees any
 * read or write past it.
 */
#ifndef KSRTP_SRTP_FUZZ_COMMON_H
#define KSRTP_SRTP_FUZZ_COMMON_H

#include <stdlib.h>
#include <string.h>

#include "srtp_openssl.h"

static const enum ksrtp_profile fuzz_profiles[6] = {
	KSRTP_AES_CM_128_HMAC_SHA1_80, KSRTP_AES_CM_128_HMAC_SHA1_32,
	KSRTP_AES_256_CM_HMAC_SHA1_80, KSRTP_AES_256_CM_HMAC_SHA1_32,
	KSRTP_AEAD_AES_128_GCM, KSRTP_AEAD_AES_256_GCM,
};

static const u8 fuzz_key[46] = "fuzz-master-key-fuzz-master-key-salt-salt-salt";

typedef int (*fuzz_protect_fn)(struct ksrtp_ctx *, u8 *, unsigned int *,
			       unsigned int);
typedef int (*fuzz_unprotect_fn)(struct ksrtp_ctx *, u8 *, unsigned int *);

static void fuzz_deliver(struct ksrtp_ctx *rx, fuzz_unprotect_fn unprotect,
			 const u8 *p, unsigned int n)
{
	u8 *b = malloc(n ? n : 1);
	unsigned int len = n;
	int ret;

	if (!b)
		return;
	memcpy(b, p, n);
	ret = unprotect(rx, b, &len);
	if (ret == 0 && len > n)
		abort();	/* unprotect never grows a packet */
	if (ret > 0 || ret < KSRTP_ERR_EXHAUSTED)
		abort();	/* only the documented codes */
	/* HMAC profiles check before they change anything (the ROC hashed in
	 * place of the tag is put back): a packet that fails is left as it
	 * came, which the kernel's RX trial relies on.  GCM decrypts first;
	 * the kernel keeps a copy for it.
	 */
	if (ret && !rx->gcm && memcmp(b, p, n))
		abort();
	free(b);
}

/*
 * Contexts are created once per header byte and reset between inputs
 * (ksrtp_ctx_reset()): key derivation and EVP setup would otherwise cost
 * more than the packets.  They stay reachable, so LeakSanitizer is quiet.
 */
static struct ksrtp_ctx *fuzz_ctx[256][2];

static int fuzz_run(const u8 *data, size_t size, fuzz_protect_fn protect,
		    fuzz_unprotect_fn unprotect)
{
	struct ksrtp_opts o = { 0 };
	struct ksrtp_ctx *tx, *rx;
	enum ksrtp_profile p;
	unsigned int kl, sl;
	size_t off = 1;

	if (size < 1)
		return 0;
	tx = fuzz_ctx[data[0]][0];
	rx = fuzz_ctx[data[0]][1];
	if (tx) {
		ksrtp_ctx_reset(tx);
		ksrtp_ctx_reset(rx);
		goto run;
	}
	p = fuzz_profiles[(data[0] & 7) % 6];
	o.mki_len = (data[0] >> 3) & 3;
	memcpy(o.mki, "\x11\x22\x33", 3);
	o.replay_window = data[0] & 0x20 ? 128 : 1000;
	o.max_ssrcs = data[0] & 0x40 ? 2 : 16;
	if (data[0] & 0x80) {
		o.flags = KSRTP_OPT_INIT_SEQ;
		o.seq = 65500;
		o.roc = 3;
	}
	kl = ksrtp_profile_key_len(p);
	sl = ksrtp_profile_salt_len(p);
	tx = ksrtp_ctx_new(p, fuzz_key, kl, fuzz_key + kl, sl, &o, NULL);
	rx = ksrtp_ctx_new(p, fuzz_key, kl, fuzz_key + kl, sl, &o, NULL);
	if (!tx || !rx)
		abort();
	fuzz_ctx[data[0]][0] = tx;
	fuzz_ctx[data[0]][1] = rx;
run:
	while (off + 3 <= size) {
		u8 ctl = data[off];
		unsigned int n = (unsigned int)data[off + 1] << 8 | data[off + 2];
		unsigned int cap;
		u8 *b;

		off += 3;
		if (n > size - off)
			n = (unsigned int)(size - off);
		cap = n + KSRTP_MAX_TRAILER;
		b = malloc(cap);
		if (!b)
			break;
		memcpy(b, data + off, n);
		off += n;
		if (ctl & 1) {
			unsigned int len = n;

			if (protect(tx, b, &len, cap) == 0) {
				if (len != n + ksrtp_overhead(tx, unprotect ==
					     ksrtcp_unprotect))
					abort();
				n = len;
			}
		}
		if ((ctl & 2) && n)
			b[(ctl >> 3) % n] ^= 0x01 << (ctl % 8);
		fuzz_deliver(rx, unprotect, b, n);
		if (ctl & 4)
			fuzz_deliver(rx, unprotect, b, n);
		free(b);
	}
	return 0;
}

#endif
