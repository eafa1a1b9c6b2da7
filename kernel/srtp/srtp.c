// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * SRTP and SRTCP packet transforms (RFC 3711, RFC 6188, RFC 7714) on top of
 * the crypto ops of srtp_crypto.h.  In place, no allocation per packet,
 * over one linear buffer or a list of segments.
 */
#include "srtp.h"
#include "srtp_replay.h"

enum {
	RTP_FIXED_LEN = 12,
	RTCP_HDR_LEN = 8,
	SRTCP_TRAILER_LEN = 4,		/* E flag || 31-bit SRTCP index */
	SRTCP_E_FLAG = 0x80000000u,
	/* RFC 3711 §4.3.1 key derivation labels */
	LABEL_RTP_ENC = 0x00,
	LABEL_RTP_AUTH = 0x01,
	LABEL_RTP_SALT = 0x02,
	LABEL_RTCP_ENC = 0x03,
	LABEL_RTCP_AUTH = 0x04,
	LABEL_RTCP_SALT = 0x05,
	KDF_SALT_LEN = 14,
};

struct profile_desc {
	u8 key_len;
	u8 salt_len;		/* master salt = session salt */
	u8 gcm;
	u8 rtp_tag;
	u8 rtcp_tag;
};

static const struct profile_desc *profile_get(enum ksrtp_profile p)
{
	/* RFC 4568 §6.2, RFC 6188 §3-§6, RFC 7714 §12/§14.2.  SRTCP always
	 * uses the 80-bit tag with HMAC-SHA1 (RFC 4568 §6.2.2).
	 */
	static const struct profile_desc cm128_80 = { 16, 14, 0, 10, 10 };
	static const struct profile_desc cm128_32 = { 16, 14, 0, 4, 10 };
	static const struct profile_desc cm256_80 = { 32, 14, 0, 10, 10 };
	static const struct profile_desc cm256_32 = { 32, 14, 0, 4, 10 };
	static const struct profile_desc gcm128 = { 16, 12, 1, 16, 16 };
	static const struct profile_desc gcm256 = { 32, 12, 1, 16, 16 };

	switch (p) {
	case KSRTP_AES_CM_128_HMAC_SHA1_80:
		return &cm128_80;
	case KSRTP_AES_CM_128_HMAC_SHA1_32:
		return &cm128_32;
	case KSRTP_AES_256_CM_HMAC_SHA1_80:
		return &cm256_80;
	case KSRTP_AES_256_CM_HMAC_SHA1_32:
		return &cm256_32;
	case KSRTP_AEAD_AES_128_GCM:
		return &gcm128;
	case KSRTP_AEAD_AES_256_GCM:
		return &gcm256;
	}
	return NULL;
}

_Static_assert(sizeof(struct ksrtp_session_keys) <=
	       sizeof(((struct ksrtp_ctx *)0)->scratch), "KDF scratch too small");

/* ---- context ------------------------------------------------------------ */

static int opts_check(const struct ksrtp_opts *o, u32 *window, u32 *max)
{
	*window = KSRTP_REPLAY_DEFAULT;
	*max = KSRTP_SSRCS_DEFAULT;
	if (!o)
		return 0;
	if (o->replay_window)
		*window = o->replay_window;
	if (o->max_ssrcs)
		*max = o->max_ssrcs;
	if (*window < KSRTP_REPLAY_MIN || *window > KSRTP_REPLAY_MAX ||
	    *max > KSRTP_SSRCS_MAX || o->mki_len > KSRTP_MAX_MKI_LEN)
		return KSRTP_ERR_INVAL;
	return 0;
}

size_t ksrtp_ctx_need(const struct ksrtp_opts *opts)
{
	u32 window, max;

	if (opts_check(opts, &window, &max))
		return 0;
	return sizeof(struct ksrtp_ctx) +
	       (size_t)max * sizeof(struct ksrtp_stream) +
	       (size_t)max * 2 * ksrtp_replay_words(window) * sizeof(u64);
}

size_t ksrtp_ctx_size(const struct ksrtp_opts *opts)
{
	size_t size = ksrtp_ctx_need(opts);

	return size <= KSRTP_CTX_MAX_SIZE ? size : 0;
}

void ksrtp_ctx_reset(struct ksrtp_ctx *ctx)
{
	memset(ctx->streams, 0, (u8 *)ctx + ctx->size - (u8 *)ctx->streams);
	ctx->nssrcs = 0;
	ctx->last = 0;
}

void ksrtp_ctx_wipe(struct ksrtp_ctx *ctx)
{
	const struct ksrtp_crypto_ops *ops = ctx->ops;

	if (ops) {
		ops->key_free(ctx->rtp.cipher);
		ops->key_free(ctx->rtp.auth);
		ops->key_free(ctx->rtcp.cipher);
		ops->key_free(ctx->rtcp.auth);
	}
	ksrtp_wipe(ctx, ctx->size ? ctx->size : sizeof(*ctx));
}

static int dir_keys_set(struct ksrtp_ctx *ctx, struct ksrtp_dir_keys *dk,
			const struct ksrtp_session_keys *sk)
{
	const struct ksrtp_crypto_ops *ops = ctx->ops;

	dk->cipher = ops->key_new(ctx->gcm ? KSRTP_ALG_AES_GCM :
				  KSRTP_ALG_AES_CTR, sk->enc, ctx->key_len);
	if (!dk->cipher)
		return KSRTP_ERR_CRYPTO;
	if (!ctx->gcm) {
		dk->auth = ops->key_new(KSRTP_ALG_HMAC_SHA1, sk->auth,
					KSRTP_AUTH_KEY_LEN);
		if (!dk->auth)
			return KSRTP_ERR_CRYPTO;
	}
	memcpy(dk->salt, sk->salt, ctx->salt_len);
	return 0;
}

static int ctx_setup(struct ksrtp_ctx *ctx, size_t size,
		     const struct ksrtp_crypto_ops *ops,
		     enum ksrtp_profile profile, const struct ksrtp_opts *opts)
{
	const struct profile_desc *pd = profile_get(profile);
	u32 window, max;
	int ret;

	ret = KSRTP_ERR_INVAL;
	if (!pd || !ops || opts_check(opts, &window, &max) ||
	    !ksrtp_ctx_size(opts) || size < ksrtp_ctx_size(opts))
		return ret;
	/*
	 * The KDF output (ctx->scratch) goes through the cipher: refuse
	 * vmalloc memory rather than hand it to a scatterlist.
	 */
	if (!ksrtp_sg_capable(ctx))
		return ret;
	memset(ctx, 0, size);
	ctx->ops = ops;
	ctx->size = size;
	ctx->profile = profile;
	ctx->gcm = pd->gcm;
	ctx->key_len = pd->key_len;
	ctx->salt_len = pd->salt_len;
	ctx->rtp_tag_len = pd->rtp_tag;
	ctx->rtcp_tag_len = pd->rtcp_tag;
	ctx->window = window;
	ctx->words = ksrtp_replay_words(window);
	ctx->max_ssrcs = max;
	ctx->streams = (struct ksrtp_stream *)(ctx + 1);
	ctx->bits = (u64 *)(ctx->streams + max);
	if (opts) {
		ctx->flags = opts->flags;
		ctx->init_roc = opts->roc;
		ctx->init_seq = opts->seq;
		ctx->mki_len = opts->mki_len;
		memcpy(ctx->mki, opts->mki, opts->mki_len);
	}
	return 0;
}

int ksrtp_ctx_init_session(struct ksrtp_ctx *ctx, size_t size,
			   const struct ksrtp_crypto_ops *ops,
			   enum ksrtp_profile profile,
			   const struct ksrtp_session_keys *rtp,
			   const struct ksrtp_session_keys *rtcp,
			   const struct ksrtp_opts *opts)
{
	int ret;

	ret = ctx_setup(ctx, size, ops, profile, opts);
	if (ret)
		return ret;
	ret = dir_keys_set(ctx, &ctx->rtp, rtp);
	if (ret)
		goto out_wipe;
	ret = dir_keys_set(ctx, &ctx->rtcp, rtcp);
	if (ret)
		goto out_wipe;
	return 0;

out_wipe:
	ksrtp_ctx_wipe(ctx);
	return ret;
}

/*
 * RFC 3711 §4.3.1/§4.3.3 with key_derivation_rate 0: x = (label || 0^48)
 * XOR master_salt, right-aligned, i.e. the label lands on octet 7 of the
 * 14-octet salt; the output is AES-CM(master_key) from IV x * 2^16.  The
 * same construction with AES-256 is RFC 6188 §2.3's AES_256_CM_PRF.  A
 * 12-octet GCM master salt is padded with two zero octets, the way
 * libsrtp and the RFC 7714 §11 erratum do it.  @out must not be on the
 * stack (see srtp_crypto.h).
 */
int ksrtp_kdf(const struct ksrtp_crypto_ops *ops, const u8 *master_key,
	      unsigned int key_len, const u8 *master_salt,
	      unsigned int salt_len, u8 label, u8 *out, unsigned int out_len)
{
	u8 iv[KSRTP_CTR_IV_LEN] = { 0 };
	void *k;
	int ret;

	if (salt_len > KDF_SALT_LEN)
		return KSRTP_ERR_INVAL;
	memcpy(iv, master_salt, salt_len);
	iv[7] ^= label;
	k = ops->key_new(KSRTP_ALG_AES_CTR, master_key, key_len);
	if (!k)
		return KSRTP_ERR_CRYPTO;
	memset(out, 0, out_len);
	ret = ops->ctr_xor(k, iv, out, out_len) ? KSRTP_ERR_CRYPTO : 0;
	ops->key_free(k);
	ksrtp_wipe(iv, sizeof(iv));
	return ret;
}

static int derive(struct ksrtp_ctx *ctx, const u8 *mk, const u8 *ms,
		  u8 enc_label, struct ksrtp_session_keys *sk)
{
	int ret;

	/* sk lives in ctx->scratch: the heap, as ctr_xor() requires. */
	ret = ksrtp_kdf(ctx->ops, mk, ctx->key_len, ms, ctx->salt_len,
			enc_label, sk->enc, ctx->key_len);
	if (!ret && !ctx->gcm)
		ret = ksrtp_kdf(ctx->ops, mk, ctx->key_len, ms, ctx->salt_len,
				enc_label + 1, sk->auth, KSRTP_AUTH_KEY_LEN);
	if (!ret)
		ret = ksrtp_kdf(ctx->ops, mk, ctx->key_len, ms, ctx->salt_len,
				enc_label + 2, sk->salt, ctx->salt_len);
	return ret;
}

int ksrtp_ctx_init(struct ksrtp_ctx *ctx, size_t size,
		   const struct ksrtp_crypto_ops *ops, enum ksrtp_profile profile,
		   const u8 *master_key, unsigned int key_len,
		   const u8 *master_salt, unsigned int salt_len,
		   const struct ksrtp_opts *opts)
{
	struct ksrtp_session_keys *sk;
	int ret;

	ret = ctx_setup(ctx, size, ops, profile, opts);
	if (ret)
		return ret;
	ret = KSRTP_ERR_INVAL;
	if (key_len != ctx->key_len || salt_len != ctx->salt_len)
		goto out_wipe;
	sk = (struct ksrtp_session_keys *)ctx->scratch;
	ret = derive(ctx, master_key, master_salt, LABEL_RTP_ENC, sk);
	if (!ret)
		ret = dir_keys_set(ctx, &ctx->rtp, sk);
	if (!ret)
		ret = derive(ctx, master_key, master_salt, LABEL_RTCP_ENC, sk);
	if (!ret)
		ret = dir_keys_set(ctx, &ctx->rtcp, sk);
	ksrtp_wipe(ctx->scratch, sizeof(ctx->scratch));
	if (ret)
		goto out_wipe;
	return 0;

out_wipe:
	ksrtp_ctx_wipe(ctx);
	return ret;
}

unsigned int ksrtp_overhead(const struct ksrtp_ctx *ctx, bool rtcp)
{
	if (rtcp)
		return SRTCP_TRAILER_LEN + ctx->mki_len + ctx->rtcp_tag_len;
	return ctx->mki_len + ctx->rtp_tag_len;
}

int ksrtp_stream_get(const struct ksrtp_ctx *ctx, unsigned int i,
		     struct ksrtp_stream_info *info)
{
	const struct ksrtp_stream *s;

	if (i >= ctx->nssrcs)
		return KSRTP_ERR_INVAL;
	s = &ctx->streams[i];
	info->ssrc = s->ssrc;
	info->roc = (u32)(s->rtp_top >> 16);
	info->seq = (u16)s->rtp_top;
	info->rtcp_index = s->rtcp_tx > s->rtcp_top ? s->rtcp_tx : s->rtcp_top;
	info->rtp_seen = s->rtp_seen;
	info->rtcp_seen = s->rtcp_seen;
	return 0;
}

/* ---- per-SSRC state ---------------------------------------------------- */

static struct ksrtp_stream *stream_find(struct ksrtp_ctx *ctx, u32 ssrc)
{
	u32 i;

	if (likely(ctx->nssrcs && ctx->streams[ctx->last].ssrc == ssrc))
		return &ctx->streams[ctx->last];
	for (i = 0; i < ctx->nssrcs; i++) {
		if (ctx->streams[i].ssrc == ssrc) {
			ctx->last = i;
			return &ctx->streams[i];
		}
	}
	return NULL;
}

/* A stream as it is before its first packet (RFC 3711 §3.3.1). */
static void stream_fresh(const struct ksrtp_ctx *ctx, struct ksrtp_stream *s,
			 u32 ssrc)
{
	memset(s, 0, sizeof(*s));
	s->ssrc = ssrc;
	if (ctx->flags & KSRTP_OPT_INIT_SEQ) {
		s->rtp_top = (u64)ctx->init_roc << 16 | ctx->init_seq;
		s->rtp_seen = 1;
	}
}

static u64 *stream_bits(struct ksrtp_ctx *ctx, const struct ksrtp_stream *s,
			bool rtcp)
{
	size_t i = (size_t)(s - ctx->streams) * 2 + rtcp;

	return ctx->bits + i * ctx->words;
}

/*
 * Streams are created on the first packet, for unprotect only once that
 * packet authenticated (so forged SSRCs cannot fill the table), and live
 * as long as the context: the bound is max_ssrcs per key.
 */
static struct ksrtp_stream *stream_put(struct ksrtp_ctx *ctx,
				       struct ksrtp_stream *s,
				       const struct ksrtp_stream *tmpl)
{
	ctx->last = (u32)(s - ctx->streams);
	*s = *tmpl;
	memset(stream_bits(ctx, s, false), 0, 2 * ctx->words * sizeof(u64));
	return s;
}

/*
 * A place for a new stream: the next free one, or, when the table is full,
 * one carried over from the previous key that no packet has used under
 * this one (the SSRC is gone), so carried streams never crowd out a
 * live one.  NULL if there is none.
 */
static struct ksrtp_stream *stream_slot(struct ksrtp_ctx *ctx)
{
	u32 i;

	if (ctx->nssrcs < ctx->max_ssrcs)
		return &ctx->streams[ctx->nssrcs];
	for (i = 0; i < ctx->nssrcs; i++)
		if (ctx->streams[i].carried && ctx->streams[i].rtcp_carried)
			return &ctx->streams[i];
	return NULL;
}

static struct ksrtp_stream *stream_add(struct ksrtp_ctx *ctx,
				       const struct ksrtp_stream *tmpl)
{
	struct ksrtp_stream *s = stream_slot(ctx);

	if (!s)
		return NULL;
	if (s == &ctx->streams[ctx->nssrcs])
		ctx->nssrcs++;
	return stream_put(ctx, s, tmpl);
}

/*
 * Rotation (RFC 3711 §3.3.1 keeps ROC and s_l per SSRC in the crypto
 * context; a new master key for the same session must not restart them, or
 * the peer, which carries them over as libsrtp's srtp_update() does, is
 * suddenly 2^16 * ROC packets ahead).  The replay bitmap starts empty: what
 * the old key accepted cannot authenticate under the new one.
 *
 * A peer may instead have started the SSRC afresh with the new key (a new
 * session, a new random sequence number): until a packet of the stream
 * authenticates under the new key, one that the carried state calls too
 * old is taken as the stream's first, and a carried stream no packet has
 * used gives its place to a new SSRC when the table is full.
 */
int ksrtp_stream_seed(struct ksrtp_ctx *ctx,
		      const struct ksrtp_stream_info *info)
{
	struct ksrtp_stream tmp, *s;

	if (stream_find(ctx, info->ssrc))
		return KSRTP_ERR_INVAL;
	/* Seeds never displace each other (stream_slot()). */
	if (ctx->nssrcs >= ctx->max_ssrcs)
		return KSRTP_ERR_SSRC_LIMIT;
	memset(&tmp, 0, sizeof(tmp));
	tmp.ssrc = info->ssrc;
	tmp.carried = 1;
	tmp.rtcp_carried = 1;
	if (info->rtp_seen) {
		tmp.rtp_top = (u64)info->roc << 16 | info->seq;
		tmp.rtp_seen = 1;
	} else if (ctx->flags & KSRTP_OPT_INIT_SEQ) {
		tmp.rtp_top = (u64)ctx->init_roc << 16 | ctx->init_seq;
		tmp.rtp_seen = 1;
	}
	/* One SRTCP index serves both roles: sent (TX) or highest seen (RX). */
	tmp.rtcp_tx = info->rtcp_index;
	tmp.rtcp_top = info->rtcp_index;
	tmp.rtcp_seen = info->rtcp_seen;
	s = stream_add(ctx, &tmp);
	return s ? 0 : KSRTP_ERR_SSRC_LIMIT;
}

/* RFC 3711 §3.3.1: the index of this packet, and §3.3.2 the replay check. */
static int rtp_index(struct ksrtp_ctx *ctx, struct ksrtp_stream *s,
		     bool committed, u16 seq, u64 *idx)
{
	int ret;

	if (!s->rtp_seen) {
		*idx = (u64)ctx->init_roc << 16 | seq;
		return 0;
	}
	ret = ksrtp_index_estimate(s->rtp_top, seq, idx);
	if (ret)
		return ret;
	return ksrtp_replay_check(committed ? stream_bits(ctx, s, false) : NULL,
				  ctx->words, ctx->window, s->rtp_top, *idx);
}

/* ---- IVs ----------------------------------------------------------------- */

/* RFC 3711 §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16). */
static void cm_iv(u8 iv[KSRTP_CTR_IV_LEN], const u8 *salt, u32 ssrc, u64 i)
{
	memcpy(iv, salt, KDF_SALT_LEN);
	iv[14] = 0;
	iv[15] = 0;
	iv[4] ^= ssrc >> 24;
	iv[5] ^= ssrc >> 16;
	iv[6] ^= ssrc >> 8;
	iv[7] ^= ssrc;
	iv[8] ^= i >> 40;
	iv[9] ^= i >> 32;
	iv[10] ^= i >> 24;
	iv[11] ^= i >> 16;
	iv[12] ^= i >> 8;
	iv[13] ^= i;
}

/*
 * RFC 7714 §8.1: IV = (0^16 || SSRC || ROC || SEQ) XOR salt;
 * RFC 7714 §9.1 (SRTCP): (0^16 || SSRC || 0^16 || 0 || index) XOR salt,
 * which is the same layout with the 31-bit index in place of ROC||SEQ's
 * low 32 bits and zero above: pass i = ROC||SEQ or i = SRTCP index.
 */
static void gcm_iv(u8 iv[KSRTP_GCM_IV_LEN], const u8 *salt, u32 ssrc, u64 i)
{
	iv[0] = salt[0];
	iv[1] = salt[1];
	iv[2] = salt[2] ^ (u8)(ssrc >> 24);
	iv[3] = salt[3] ^ (u8)(ssrc >> 16);
	iv[4] = salt[4] ^ (u8)(ssrc >> 8);
	iv[5] = salt[5] ^ (u8)ssrc;
	iv[6] = salt[6] ^ (u8)(i >> 40);
	iv[7] = salt[7] ^ (u8)(i >> 32);
	iv[8] = salt[8] ^ (u8)(i >> 24);
	iv[9] = salt[9] ^ (u8)(i >> 16);
	iv[10] = salt[10] ^ (u8)(i >> 8);
	iv[11] = salt[11] ^ (u8)i;
}

/*
 * An HMAC tag is 10 or 4 bytes: constant-size copies, which the compiler
 * inlines, instead of a memcpy() call per packet.
 */
static void put_tag(u8 *dst, const u8 *mac, unsigned int tag)
{
	if (tag == 10) {
		memcpy(dst, mac, 8);
		memcpy(dst + 8, mac + 8, 2);
	} else if (tag == 4) {
		memcpy(dst, mac, 4);
	} else {
		memcpy(dst, mac, tag);
	}
}

/* ---- packets: one linear buffer or a list of segments ------------------- */

/*
 * The transforms below are written once against a packet that is either
 * one linear buffer (@lin) or a list of segments (@v, @nv: a paged skb's
 * head and fragments).  Each transform is instantiated twice
 * (__always_inline, with @seg known at compile time), so the linear path
 * is the code it was before segments existed: one pointer per operation.
 * On segments, headers and trailers (tag, MKI, E||index) are read and
 * written by copy, so they may straddle segment boundaries, and the
 * crypto ops take (offset, length) ranges of the list.
 */
struct pkt {
	bool seg;	/* a constant in each entry point: the branches fold */
	u8 *lin;
	const struct ksrtp_iov *v;
	unsigned int nv;
};

enum {
	/* The most of an RTP header ksrtp_rtp_hdr_len() reads: fixed header,
	 * 15 CSRCs, the extension's profile and length.
	 */
	HDR_PEEK = RTP_FIXED_LEN + 15 * 4 + 4,
};

static unsigned int v_total(const struct ksrtp_iov *v, unsigned int nv)
{
	unsigned int i, n = 0;

	for (i = 0; i < nv; i++)
		n += v[i].len;
	return n;
}

/* Copy [off, off + len) of the segments out to @dst, or in from @src. */
static void v_copy(const struct ksrtp_iov *v, unsigned int nv,
		   unsigned int off, u8 *dst, const u8 *src, unsigned int len)
{
	unsigned int i, c;

	for (i = 0; i < nv && len; i++) {
		if (off >= v[i].len) {
			off -= v[i].len;
			continue;
		}
		c = v[i].len - off < len ? v[i].len - off : len;
		if (dst) {
			memcpy(dst, v[i].p + off, c);
			dst += c;
		} else {
			memcpy(v[i].p + off, src, c);
			src += c;
		}
		len -= c;
		off = 0;
	}
}

/* @len bytes at @off, contiguous: in place if linear, else copied to @tmp. */
static __always_inline const u8 *pk_ptr(const struct pkt *pk,
					unsigned int off, u8 *tmp,
					unsigned int len)
{
	if (!pk->seg)
		return pk->lin + off;
	v_copy(pk->v, pk->nv, off, tmp, NULL, len);
	return tmp;
}

static __always_inline void pk_write(const struct pkt *pk, unsigned int off,
				     const u8 *src, unsigned int len)
{
	if (!pk->seg)
		memcpy(pk->lin + off, src, len);
	else
		v_copy(pk->v, pk->nv, off, NULL, src, len);
}

static __always_inline int pk_ctr(const struct ksrtp_crypto_ops *ops,
				  void *key, const u8 *iv,
				  const struct pkt *pk, unsigned int off,
				  unsigned int len)
{
	if (!pk->seg)
		return ops->ctr_xor(key, iv, pk->lin + off, len);
	return ops->ctr_xor_v(key, iv, pk->v, pk->nv, off, len);
}

/*
 * HMAC-SHA1 of the first @len bytes, then the ROC if @roc (RFC 3711 §4.2).
 * Linear: the ROC is written right after the authenticated portion, over
 * the first 4 bytes of MKI/tag (there are at least 4), kept aside and put
 * back, so the authenticated bytes are contiguous: one HMAC call.
 */
static __always_inline int pk_hmac(const struct ksrtp_crypto_ops *ops,
				   void *key, const struct pkt *pk,
				   unsigned int len, const u8 *roc, u8 *mac)
{
	u8 save[4];
	int ret;

	if (pk->seg)
		return ops->hmac_sha1_v(key, pk->v, pk->nv, len, roc,
					roc ? 4 : 0, mac);
	if (!roc)
		return ops->hmac_sha1(key, pk->lin, len, mac);
	memcpy(save, pk->lin + len, 4);
	memcpy(pk->lin + len, roc, 4);
	ret = ops->hmac_sha1(key, pk->lin, len + 4, mac);
	memcpy(pk->lin + len, save, 4);
	return ret;
}

/* GCM over [off, off + len) with the tag right after it. */
static __always_inline int pk_gcm(const struct ksrtp_crypto_ops *ops,
				  void *key, const u8 *iv,
				  const struct pkt *pk,
				  const struct ksrtp_range *aad,
				  unsigned int naad, unsigned int off,
				  unsigned int len, bool enc)
{
	struct ksrtp_seg seg[2];
	unsigned int i;

	if (pk->seg)
		return (enc ? ops->gcm_encrypt_v : ops->gcm_decrypt_v)(key, iv,
			pk->v, pk->nv, aad, naad, off, len);
	for (i = 0; i < naad && i < 2; i++) {
		seg[i].p = pk->lin + aad[i].off;
		seg[i].len = aad[i].len;
	}
	return (enc ? ops->gcm_encrypt : ops->gcm_decrypt)(key, iv, seg, i,
		pk->lin + off, len);
}

/* ---- SRTP (RFC 3711 §3.3, RFC 7714 §7-8) ------------------------------- */

static __always_inline int rtp_protect(struct ksrtp_ctx *ctx,
				       const struct pkt *pk,
				       unsigned int *len, unsigned int cap)
{
	const struct ksrtp_crypto_ops *ops = ctx->ops;
	unsigned int n = *len, tag = ctx->rtp_tag_len, m = ctx->mki_len;
	struct ksrtp_stream *s, tmp;
	u8 mac[KSRTP_SHA1_LEN];
	u8 iv[KSRTP_CTR_IV_LEN];
	u8 hb[HDR_PEEK], roc[4];
	const u8 *h;
	u32 ssrc;
	u64 idx;
	int hlen, ret;

	h = pk_ptr(pk, 0, hb, n < HDR_PEEK ? n : HDR_PEEK);
	hlen = ksrtp_rtp_hdr_len(h, n);
	if (hlen < 0)
		return hlen;
	if (cap < n || cap - n < m + tag)
		return KSRTP_ERR_NOSPACE;
	ssrc = ksrtp_get_be32(h + 8);
	s = stream_find(ctx, ssrc);
	if (!s) {
		stream_fresh(ctx, &tmp, ssrc);
		s = stream_add(ctx, &tmp);
		if (!s)
			return KSRTP_ERR_SSRC_LIMIT;
	}
	/* The sender, too, refuses to reuse an index: a keystream used twice
	 * leaks the XOR of two plaintexts (RFC 3711 §9.1).
	 */
	ret = rtp_index(ctx, s, true, ksrtp_get_be16(h + 2), &idx);
	if (ret)
		return ret;

	if (ctx->gcm) {
		struct ksrtp_range aad = { 0, hlen };

		/* RFC 7714 §8.2: AAD is the header, the tag follows the
		 * ciphertext, the MKI (if any) follows the tag.
		 */
		gcm_iv(iv, ctx->rtp.salt, ssrc, idx);
		if (pk_gcm(ops, ctx->rtp.cipher, iv, pk, &aad, 1, hlen,
			   n - hlen, true))
			return KSRTP_ERR_CRYPTO;
		if (m)
			pk_write(pk, n + tag, ctx->mki, m);
	} else {
		/* RFC 3711 §3.1: header | payload | MKI | tag; the tag covers
		 * header and encrypted payload, then the ROC (§4.2).
		 */
		cm_iv(iv, ctx->rtp.salt, ssrc, idx);
		if (pk_ctr(ops, ctx->rtp.cipher, iv, pk, hlen, n - hlen))
			return KSRTP_ERR_CRYPTO;
		ksrtp_put_be32((u32)(idx >> 16), roc);
		if (pk_hmac(ops, ctx->rtp.auth, pk, n, roc, mac))
			return KSRTP_ERR_CRYPTO;
		if (m)
			pk_write(pk, n, ctx->mki, m);
		if (!pk->seg)
			put_tag(pk->lin + n + m, mac, tag);
		else
			pk_write(pk, n + m, mac, tag);
	}
	ksrtp_replay_update(stream_bits(ctx, s, false), ctx->words,
			    &s->rtp_top, &s->rtp_seen, idx);
	s->carried = 0;
	*len = n + m + tag;
	return 0;
}

static __always_inline int rtp_unprotect(struct ksrtp_ctx *ctx,
					 const struct pkt *pk,
					 unsigned int *len)
{
	const struct ksrtp_crypto_ops *ops = ctx->ops;
	unsigned int n = *len, tag = ctx->rtp_tag_len, m = ctx->mki_len;
	unsigned int end;	/* end of the authenticated portion */
	struct ksrtp_stream *s, tmp, *restart = NULL;
	u8 mac[KSRTP_SHA1_LEN];
	u8 iv[KSRTP_CTR_IV_LEN];
	u8 hb[HDR_PEEK], tb[KSRTP_MAX_MKI_LEN + KSRTP_GCM_TAG_LEN], roc[4];
	const u8 *h, *t;
	bool committed = true;
	u32 ssrc;
	u16 seq;
	u64 idx;
	int hlen, ret;

	if (n < RTP_FIXED_LEN + m + tag)
		return KSRTP_ERR_MALFORMED;
	end = n - m - tag;
	h = pk_ptr(pk, 0, hb, end < HDR_PEEK ? end : HDR_PEEK);
	hlen = ksrtp_rtp_hdr_len(h, end);
	if (hlen < 0)
		return hlen;
	/* The MKI names the master key (RFC 3711 §3.1); ours is the only one.
	 * It sits before the tag for AES-CM, after it for GCM (RFC 7714 §8.2).
	 */
	if (m && memcmp(pk_ptr(pk, ctx->gcm ? n - m : end, tb, m), ctx->mki,
			m))
		return KSRTP_ERR_MKI;

	ssrc = ksrtp_get_be32(h + 8);
	seq = ksrtp_get_be16(h + 2);
	s = stream_find(ctx, ssrc);
	if (!s) {
		if (!stream_slot(ctx))
			return KSRTP_ERR_SSRC_LIMIT;
		stream_fresh(ctx, &tmp, ssrc);
		s = &tmp;
		committed = false;
	}
	ret = rtp_index(ctx, s, committed, seq, &idx);
	if (unlikely(ret == KSRTP_ERR_TOO_OLD && s->carried)) {
		/* Not a continuation of the carried stream: a fresh start? */
		restart = s;
		stream_fresh(ctx, &tmp, ssrc);
		s = &tmp;
		committed = false;
		ret = rtp_index(ctx, s, committed, seq, &idx);
	}
	if (ret)
		return ret;

	if (ctx->gcm) {
		struct ksrtp_range aad = { 0, hlen };

		gcm_iv(iv, ctx->rtp.salt, ssrc, idx);
		if (pk_gcm(ops, ctx->rtp.cipher, iv, pk, &aad, 1, hlen,
			   end - hlen, false))
			return KSRTP_ERR_AUTH;
	} else {
		/* RFC 3711 §3.3 step 5: authenticate before decrypting; a
		 * packet that fails is left byte for byte as it came.
		 */
		ksrtp_put_be32((u32)(idx >> 16), roc);
		if (pk_hmac(ops, ctx->rtp.auth, pk, end, roc, mac))
			return KSRTP_ERR_CRYPTO;
		t = pk_ptr(pk, n - tag, tb, tag);
		if (ksrtp_memneq(mac, t, tag))
			return KSRTP_ERR_AUTH;
		cm_iv(iv, ctx->rtp.salt, ssrc, idx);
		if (pk_ctr(ops, ctx->rtp.cipher, iv, pk, hlen, end - hlen))
			return KSRTP_ERR_CRYPTO;
	}
	/* RFC 3711 §3.3.1: ROC, s_l and the window move only now. */
	if (!committed) {
		s = restart ? stream_put(ctx, restart, &tmp) :
			      stream_add(ctx, &tmp);
		if (!s)
			return KSRTP_ERR_SSRC_LIMIT;
	}
	ksrtp_replay_update(stream_bits(ctx, s, false), ctx->words,
			    &s->rtp_top, &s->rtp_seen, idx);
	s->carried = 0;
	*len = end;
	return 0;
}

/* ---- SRTCP (RFC 3711 §3.4, RFC 7714 §9) ---------------------------------- */

static __always_inline int rtcp_protect(struct ksrtp_ctx *ctx,
					const struct pkt *pk,
					unsigned int *len, unsigned int cap)
{
	const struct ksrtp_crypto_ops *ops = ctx->ops;
	unsigned int n = *len, tag = ctx->rtcp_tag_len, m = ctx->mki_len;
	struct ksrtp_stream *s, tmp;
	u8 mac[KSRTP_SHA1_LEN];
	u8 iv[KSRTP_CTR_IV_LEN];
	u8 hb[RTCP_HDR_LEN], word[SRTCP_TRAILER_LEN];
	const u8 *h;
	u32 ssrc, idx;

	if (n < RTCP_HDR_LEN)
		return KSRTP_ERR_MALFORMED;
	h = pk_ptr(pk, 0, hb, RTCP_HDR_LEN);
	if ((h[0] >> 6) != 2)
		return KSRTP_ERR_MALFORMED;
	if (cap < n || cap - n < SRTCP_TRAILER_LEN + m + tag)
		return KSRTP_ERR_NOSPACE;
	ssrc = ksrtp_get_be32(h + 4);
	s = stream_find(ctx, ssrc);
	if (!s) {
		stream_fresh(ctx, &tmp, ssrc);
		s = stream_add(ctx, &tmp);
		if (!s)
			return KSRTP_ERR_SSRC_LIMIT;
	}
	/* RFC 3711 §3.4: a 31-bit counter per stream; the first index sent
	 * is 1, as libsrtp does.  Rekey before it wraps.
	 */
	if (s->rtcp_tx >= KSRTCP_INDEX_MAX)
		return KSRTP_ERR_EXHAUSTED;
	idx = s->rtcp_tx + 1;
	ksrtp_put_be32(SRTCP_E_FLAG | idx, word);

	if (ctx->gcm) {
		struct ksrtp_range aad[2] = {
			{ 0, RTCP_HDR_LEN }, { n + tag, SRTCP_TRAILER_LEN },
		};

		/* RFC 7714 §9: header | ciphertext | tag | E||index | MKI,
		 * AAD = header || E||index (§9.2).
		 */
		pk_write(pk, n + tag, word, SRTCP_TRAILER_LEN);
		gcm_iv(iv, ctx->rtcp.salt, ssrc, idx);
		if (pk_gcm(ops, ctx->rtcp.cipher, iv, pk, aad, 2, RTCP_HDR_LEN,
			   n - RTCP_HDR_LEN, true))
			return KSRTP_ERR_CRYPTO;
		if (m)
			pk_write(pk, n + tag + SRTCP_TRAILER_LEN, ctx->mki, m);
	} else {
		/* RFC 3711 §3.4: header | payload | E||index | MKI | tag. */
		cm_iv(iv, ctx->rtcp.salt, ssrc, idx);
		if (pk_ctr(ops, ctx->rtcp.cipher, iv, pk, RTCP_HDR_LEN,
			   n - RTCP_HDR_LEN))
			return KSRTP_ERR_CRYPTO;
		pk_write(pk, n, word, SRTCP_TRAILER_LEN);
		if (pk_hmac(ops, ctx->rtcp.auth, pk, n + SRTCP_TRAILER_LEN,
			    NULL, mac))
			return KSRTP_ERR_CRYPTO;
		if (m)
			pk_write(pk, n + SRTCP_TRAILER_LEN, ctx->mki, m);
		if (!pk->seg)
			put_tag(pk->lin + n + SRTCP_TRAILER_LEN + m, mac, tag);
		else
			pk_write(pk, n + SRTCP_TRAILER_LEN + m, mac, tag);
	}
	s->rtcp_tx = idx;
	s->rtcp_carried = 0;
	*len = n + SRTCP_TRAILER_LEN + m + tag;
	return 0;
}

static __always_inline int rtcp_unprotect(struct ksrtp_ctx *ctx,
					  const struct pkt *pk,
					  unsigned int *len)
{
	const struct ksrtp_crypto_ops *ops = ctx->ops;
	unsigned int n = *len, tag = ctx->rtcp_tag_len, m = ctx->mki_len;
	unsigned int tr, out;	/* offset of E||index, length out */
	struct ksrtp_stream *s, tmp;
	u8 mac[KSRTP_SHA1_LEN];
	u8 iv[KSRTP_CTR_IV_LEN];
	u8 hb[RTCP_HDR_LEN], wb[SRTCP_TRAILER_LEN];
	u8 tb[KSRTP_MAX_MKI_LEN + KSRTP_GCM_TAG_LEN];
	bool committed = true, restart = false;
	const u8 *h;
	u32 ssrc, word, idx;
	int ret;

	if (n < RTCP_HDR_LEN + SRTCP_TRAILER_LEN + m + tag)
		return KSRTP_ERR_MALFORMED;
	h = pk_ptr(pk, 0, hb, RTCP_HDR_LEN);
	if ((h[0] >> 6) != 2)
		return KSRTP_ERR_MALFORMED;
	if (ctx->gcm) {
		tr = n - m - SRTCP_TRAILER_LEN;
		if (m && memcmp(pk_ptr(pk, n - m, tb, m), ctx->mki, m))
			return KSRTP_ERR_MKI;
	} else {
		tr = n - tag - m - SRTCP_TRAILER_LEN;
		if (m && memcmp(pk_ptr(pk, tr + SRTCP_TRAILER_LEN, tb, m),
				ctx->mki, m))
			return KSRTP_ERR_MKI;
	}
	word = ksrtp_get_be32(pk_ptr(pk, tr, wb, SRTCP_TRAILER_LEN));
	idx = word & ~SRTCP_E_FLAG;

	ssrc = ksrtp_get_be32(h + 4);
	s = stream_find(ctx, ssrc);
	if (!s) {
		if (!stream_slot(ctx))
			return KSRTP_ERR_SSRC_LIMIT;
		stream_fresh(ctx, &tmp, ssrc);
		s = &tmp;
		committed = false;
	}
	/* RFC 3711 §3.4: the index is explicit; only the replay check. */
	if (s->rtcp_seen) {
		ret = ksrtp_replay_check(committed ? stream_bits(ctx, s, true) :
					 NULL, ctx->words, ctx->window,
					 s->rtcp_top, idx);
		/* A carried index the peer did not continue: start anew. */
		if (ret == KSRTP_ERR_TOO_OLD && s->rtcp_carried)
			restart = true;
		else if (ret)
			return ret;
	}

	if (ctx->gcm) {
		struct ksrtp_range aad[2] = {
			{ 0, RTCP_HDR_LEN }, { tr, SRTCP_TRAILER_LEN },
		};

		out = tr - KSRTP_GCM_TAG_LEN;
		gcm_iv(iv, ctx->rtcp.salt, ssrc, idx);
		if (word & SRTCP_E_FLAG) {
			ret = pk_gcm(ops, ctx->rtcp.cipher, iv, pk, aad, 2,
				     RTCP_HDR_LEN, out - RTCP_HDR_LEN, false);
		} else {
			/* RFC 7714 §9.3: unencrypted SRTCP is all AAD. */
			aad[0].len = out;
			ret = pk_gcm(ops, ctx->rtcp.cipher, iv, pk, aad, 2,
				     out, 0, false);
		}
		if (ret)
			return KSRTP_ERR_AUTH;
	} else {
		out = tr;
		if (pk_hmac(ops, ctx->rtcp.auth, pk, tr + SRTCP_TRAILER_LEN,
			    NULL, mac))
			return KSRTP_ERR_CRYPTO;
		if (ksrtp_memneq(mac, pk_ptr(pk, n - tag, tb, tag), tag))
			return KSRTP_ERR_AUTH;
		if (word & SRTCP_E_FLAG) {
			cm_iv(iv, ctx->rtcp.salt, ssrc, idx);
			if (pk_ctr(ops, ctx->rtcp.cipher, iv, pk, RTCP_HDR_LEN,
				   tr - RTCP_HDR_LEN))
				return KSRTP_ERR_CRYPTO;
		}
	}
	if (!committed) {
		s = stream_add(ctx, &tmp);
		if (!s)
			return KSRTP_ERR_SSRC_LIMIT;
	}
	{
		u64 top = s->rtcp_top;

		if (restart)
			s->rtcp_seen = 0;
		ksrtp_replay_update(stream_bits(ctx, s, true), ctx->words,
				    &top, &s->rtcp_seen, idx);
		s->rtcp_top = (u32)top;
		s->rtcp_carried = 0;
	}
	*len = out;
	return 0;
}

/* ---- entry points: linear and segmented --------------------------------- */

int ksrtp_protect(struct ksrtp_ctx *ctx, u8 *buf, unsigned int *len,
		  unsigned int cap)
{
	const struct pkt pk = { .seg = false, .lin = buf };

	return rtp_protect(ctx, &pk, len, cap);
}

int ksrtp_unprotect(struct ksrtp_ctx *ctx, u8 *buf, unsigned int *len)
{
	const struct pkt pk = { .seg = false, .lin = buf };

	return rtp_unprotect(ctx, &pk, len);
}

int ksrtcp_protect(struct ksrtp_ctx *ctx, u8 *buf, unsigned int *len,
		   unsigned int cap)
{
	const struct pkt pk = { .seg = false, .lin = buf };

	return rtcp_protect(ctx, &pk, len, cap);
}

int ksrtcp_unprotect(struct ksrtp_ctx *ctx, u8 *buf, unsigned int *len)
{
	const struct pkt pk = { .seg = false, .lin = buf };

	return rtcp_unprotect(ctx, &pk, len);
}

int ksrtp_protect_v(struct ksrtp_ctx *ctx, const struct ksrtp_iov *v,
		    unsigned int nv, unsigned int *len, bool rtcp)
{
	const struct pkt pk = { .seg = true, .v = v, .nv = nv };
	unsigned int cap = v_total(v, nv);

	if (!ctx->ops->ctr_xor_v)
		return KSRTP_ERR_INVAL;
	if (rtcp)
		return rtcp_protect(ctx, &pk, len, cap);
	return rtp_protect(ctx, &pk, len, cap);
}

int ksrtp_unprotect_v(struct ksrtp_ctx *ctx, const struct ksrtp_iov *v,
		      unsigned int nv, unsigned int *len, bool rtcp)
{
	const struct pkt pk = { .seg = true, .v = v, .nv = nv };

	if (!ctx->ops->ctr_xor_v)
		return KSRTP_ERR_INVAL;
	if (*len > v_total(v, nv))
		return KSRTP_ERR_MALFORMED;
	if (rtcp)
		return rtcp_unprotect(ctx, &pk, len);
	return rtp_unprotect(ctx, &pk, len);
}
