// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The segmented transforms (ksrtp_protect_v/ksrtp_unprotect_v, what the
 * kernel runs over a paged skb's head and fragments) against the linear
 * ones and libsrtp, for every profile, with and without MKI, SRTP and
 * SRTCP:
 *  - the packet cut in two at every byte (inside the header, the payload,
 *    the MKI and the tag), cut into one-byte segments, and cut at random
 *    into up to 8 segments, some empty; each segment its own allocation;
 *  - protect gives the bytes of the linear path, which gives libsrtp's;
 *  - unprotect of those bytes gives the plaintext back;
 *  - a flipped tag bit fails authentication, and an HMAC profile leaves
 *    the packet as it came.
 */
#include <srtp2/srtp.h>

#include "kselftest_harness.h"
#include "srtp_test.h"
#include "srtp_libsrtp.h"

enum { MAXPKT = 256, MAXSEG = MAXPKT + 1 };

FIXTURE(segs) {
	struct ksrtp_ctx *tx, *rx;
	u8 key[64];
	u64 rng;
	u8 *seg[MAXSEG];
	struct ksrtp_iov v[MAXSEG];
};

FIXTURE_VARIANT(segs) {
	enum ksrtp_profile profile;
	unsigned int mki_len;
};

#define VARIANT(name, prof, mki)					\
	FIXTURE_VARIANT_ADD(segs, name) {				\
		.profile = prof, .mki_len = mki,			\
	}
VARIANT(aes_cm_128_hmac_sha1_80, KSRTP_AES_CM_128_HMAC_SHA1_80, 0);
VARIANT(aes_cm_128_hmac_sha1_32, KSRTP_AES_CM_128_HMAC_SHA1_32, 0);
VARIANT(aes_256_cm_hmac_sha1_80, KSRTP_AES_256_CM_HMAC_SHA1_80, 0);
VARIANT(aes_256_cm_hmac_sha1_32, KSRTP_AES_256_CM_HMAC_SHA1_32, 0);
VARIANT(aead_aes_128_gcm, KSRTP_AEAD_AES_128_GCM, 0);
VARIANT(aead_aes_256_gcm, KSRTP_AEAD_AES_256_GCM, 0);
VARIANT(aes_cm_128_hmac_sha1_80_mki, KSRTP_AES_CM_128_HMAC_SHA1_80, 4);
VARIANT(aes_256_cm_hmac_sha1_32_mki, KSRTP_AES_256_CM_HMAC_SHA1_32, 3);
VARIANT(aead_aes_128_gcm_mki, KSRTP_AEAD_AES_128_GCM, 4);
VARIANT(aead_aes_256_gcm_mki, KSRTP_AEAD_AES_256_GCM, 2);

FIXTURE_SETUP(segs)
{
	struct ksrtp_opts o = { 0 };
	unsigned int kl = ksrtp_profile_key_len(variant->profile);
	unsigned int sl = ksrtp_profile_salt_len(variant->profile);
	unsigned int i;
	static bool lib_ready;

	if (!lib_ready) {
		ASSERT_EQ(srtp_err_status_ok, srtp_init());
		lib_ready = true;
	}
	self->rng = 0x5e650000 + variant->profile * 7 + variant->mki_len;
	test_fill(&self->rng, self->key, sizeof(self->key));
	o.mki_len = variant->mki_len;
	test_fill(&self->rng, o.mki, o.mki_len);
	self->tx = ksrtp_ctx_new(variant->profile, self->key, kl,
				 self->key + kl, sl, &o, NULL);
	self->rx = ksrtp_ctx_new(variant->profile, self->key, kl,
				 self->key + kl, sl, &o, NULL);
	ASSERT_NE(NULL, self->tx);
	ASSERT_NE(NULL, self->rx);
	for (i = 0; i < MAXSEG; i++)
		self->seg[i] = NULL;
}

FIXTURE_TEARDOWN(segs)
{
	unsigned int i;

	for (i = 0; i < MAXSEG; i++)
		free(self->seg[i]);
	ksrtp_ctx_free(self->tx);
	ksrtp_ctx_free(self->rx);
}

/*
 * Lay @n bytes of @src out in segments of the lengths @cut[0..nc), each a
 * separate allocation of exactly that size (an overrun is the next
 * allocation's, or the heap checker's, problem: visible).
 */
static unsigned int scatter(struct __test_metadata *_metadata,
			    FIXTURE_DATA(segs) *self, const u8 *src,
			    const unsigned int *cut, unsigned int nc)
{
	unsigned int i, off = 0;

	for (i = 0; i < nc; i++) {
		free(self->seg[i]);
		self->seg[i] = malloc(cut[i] ? cut[i] : 1);
		if (!self->seg[i])
			abort();
		memcpy(self->seg[i], src + off, cut[i]);
		self->v[i].p = self->seg[i];
		self->v[i].len = cut[i];
		off += cut[i];
	}
	return off;
}

static void gather(FIXTURE_DATA(segs) *self, unsigned int nc, u8 *dst)
{
	unsigned int i;

	for (i = 0; i < nc; i++) {
		memcpy(dst, self->v[i].p, self->v[i].len);
		dst += self->v[i].len;
	}
}

/*
 * One cut of one packet: protect over the segments must give @srtp (the
 * linear result, len @sn) from @plain (len @n); unprotect over the same
 * cut must give @plain back; a flipped last bit must fail.
 */
static void one_cut(struct __test_metadata *_metadata,
		    FIXTURE_DATA(segs) *self, bool rtcp, const u8 *plain,
		    unsigned int n, const u8 *srtp, unsigned int sn,
		    const unsigned int *cut, unsigned int nc, bool gcm)
{
	u8 buf[MAXPKT], out[MAXPKT];
	unsigned int len, total;

	/* protect: plaintext then room for the trailer */
	memset(buf, 0xa5, sizeof(buf));
	memcpy(buf, plain, n);
	total = scatter(_metadata, self, buf, cut, nc);
	ASSERT_EQ(sn, total);
	ksrtp_ctx_reset(self->tx);
	len = n;
	ASSERT_EQ(0, ksrtp_protect_v(self->tx, self->v, nc, &len, rtcp));
	ASSERT_EQ(sn, len);
	gather(self, nc, out);
	ASSERT_EQ(0, memcmp(out, srtp, sn));

	/* unprotect */
	scatter(_metadata, self, srtp, cut, nc);
	ksrtp_ctx_reset(self->rx);
	len = sn;
	ASSERT_EQ(0, ksrtp_unprotect_v(self->rx, self->v, nc, &len, rtcp));
	ASSERT_EQ(n, len);
	gather(self, nc, out);
	ASSERT_EQ(0, memcmp(out, plain, n));

	/* the last bit of the tag flipped (MKI last for GCM: its first byte) */
	memcpy(buf, srtp, sn);
	buf[sn - 1] ^= 1;
	scatter(_metadata, self, buf, cut, nc);
	ksrtp_ctx_reset(self->rx);
	len = sn;
	ASSERT_NE(0, ksrtp_unprotect_v(self->rx, self->v, nc, &len, rtcp));
	if (!gcm) {
		gather(self, nc, out);
		ASSERT_EQ(0, memcmp(out, buf, sn));
	}
}

/* Every cut of one packet, after checking linear == libsrtp. */
static void every_cut(struct __test_metadata *_metadata,
		      FIXTURE_DATA(segs) *self, bool rtcp, const u8 *plain,
		      unsigned int n, unsigned int mki_len, bool gcm,
		      unsigned int *ncuts)
{
	u8 lin[MAXPKT], lib[MAXPKT], keysalt[64], mki[16];
	unsigned int sn, i, k, nc, cut[MAXSEG];
	srtp_err_status_t ret;
	srtp_t ls;
	int ln;

	/* linear, and libsrtp from a fresh session: the same bytes */
	memcpy(lin, plain, n);
	sn = n;
	ksrtp_ctx_reset(self->tx);
	ASSERT_EQ(0, rtcp ? ksrtcp_protect(self->tx, lin, &sn, sizeof(lin)) :
			    ksrtp_protect(self->tx, lin, &sn, sizeof(lin)));
	memcpy(keysalt, self->key, sizeof(keysalt));
	memcpy(mki, self->tx->mki, sizeof(mki));
	ls = lib_session(self->tx->profile, keysalt, false, mki, mki_len);
	ASSERT_NE(NULL, ls);
	memcpy(lib, plain, n);
	ln = (int)n;
	if (rtcp)
		ret = mki_len ? srtp_protect_rtcp_mki(ls, lib, &ln, 1, 0) :
				srtp_protect_rtcp(ls, lib, &ln);
	else
		ret = mki_len ? srtp_protect_mki(ls, lib, &ln, 1, 0) :
				srtp_protect(ls, lib, &ln);
	srtp_dealloc(ls);
	ASSERT_EQ(srtp_err_status_ok, ret);
	ASSERT_EQ(sn, (unsigned int)ln);
	ASSERT_EQ(0, memcmp(lin, lib, sn));

	/* one segment, then two at every split point */
	for (k = 0; k <= sn; k++) {
		cut[0] = k;
		cut[1] = sn - k;
		one_cut(_metadata, self, rtcp, plain, n, lin, sn, cut, 2, gcm);
		if (!_metadata->passed)
			TH_LOG("%s split at %u of %u", rtcp ? "SRTCP" : "SRTP",
			       k, sn);
		ASSERT_EQ(1, _metadata->passed);
		(*ncuts)++;
	}
	/* a byte per segment */
	for (i = 0; i < sn; i++)
		cut[i] = 1;
	one_cut(_metadata, self, rtcp, plain, n, lin, sn, cut, sn, gcm);
	ASSERT_EQ(1, _metadata->passed);
	(*ncuts)++;
	/* random cuts into up to 8 segments, some empty */
	for (i = 0; i < 300; i++) {
		unsigned int left = sn;

		nc = 1 + test_rand(&self->rng) % 8;
		for (k = 0; k + 1 < nc; k++) {
			cut[k] = test_rand(&self->rng) % (left + 1);
			if (test_rand(&self->rng) % 4 == 0)
				cut[k] = 0;
			left -= cut[k];
		}
		cut[nc - 1] = left;
		one_cut(_metadata, self, rtcp, plain, n, lin, sn, cut, nc, gcm);
		ASSERT_EQ(1, _metadata->passed);
		(*ncuts)++;
	}
}

TEST_F(segs, srtp_every_cut)
{
	u8 plain[MAXPKT];
	unsigned int n, pl, ncuts = 0;
	bool gcm = self->tx->gcm;

	/* 2 CSRCs and a 1-word extension: a 28-byte header */
	n = test_rtp_hdr(plain, 65535, 1234, 0x0badcafe, 2, 1, &self->rng);
	ASSERT_EQ(28, n);
	for (pl = 0; pl <= 40; pl += 40) {
		test_fill(&self->rng, plain + n, pl);
		every_cut(_metadata, self, false, plain, n + pl,
			  variant->mki_len, gcm, &ncuts);
	}
	/* no CSRC, no extension, odd payload: a 12-byte header */
	n = test_rtp_hdr(plain, 7, 99, 0x11223344, 0, -1, &self->rng);
	test_fill(&self->rng, plain + n, 33);
	every_cut(_metadata, self, false, plain, n + 33, variant->mki_len, gcm,
		  &ncuts);
	TH_LOG("%u cuts", ncuts);
}

TEST_F(segs, srtcp_every_cut)
{
	u8 plain[MAXPKT];
	unsigned int words, ncuts = 0;
	bool gcm = self->tx->gcm;

	for (words = 0; words <= 9; words += 9) {
		plain[0] = 0x80;
		plain[1] = 200;
		plain[2] = 0;
		plain[3] = (u8)(words + 1);
		ksrtp_put_be32(0x0badcafe, plain + 4);
		test_fill(&self->rng, plain + 8, 4 * words);
		every_cut(_metadata, self, true, plain, 8 + 4 * words,
			  variant->mki_len, gcm, &ncuts);
	}
	TH_LOG("%u cuts", ncuts);
}

/* Truncated or too-short segment lists are refused, not overrun. */
TEST_F(segs, short_lists)
{
	u8 pkt[64] = { 0x80, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1 };
	struct ksrtp_iov v[2] = { { pkt, 20 }, { pkt + 20, 10 } };
	unsigned int len = 40;

	/* protect: capacity 30 < 12 + 18 payload + trailer */
	len = 28;
	ASSERT_EQ(KSRTP_ERR_NOSPACE, ksrtp_protect_v(self->tx, v, 2, &len,
						     false));
	/* unprotect: the list holds fewer bytes than the packet claims */
	len = 40;
	ASSERT_EQ(KSRTP_ERR_MALFORMED, ksrtp_unprotect_v(self->rx, v, 2, &len,
							 false));
}

TEST_HARNESS_MAIN
