/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The portable SRTP/SRTCP core (RFC 3711, RFC 6188, RFC 7714).
 *
 * One context holds the keys of one direction of one RTP session (SRTP and
 * SRTCP) and the per-SSRC state of every stream seen under those keys.  All
 * memory is provided by the caller at creation: ksrtp_ctx_size() says how
 * much (at most KSRTP_CTX_MAX_SIZE), the caller allocates it zeroed and
 * passes it to ksrtp_ctx_init().  In the kernel use kzalloc(), not
 * kvzalloc(): the key derivation hands ctx->scratch to the cipher, which
 * may map it with sg_init_one(), and that needs linear-map memory.  Nothing
 * is allocated per packet; protect/unprotect work in place on the caller's
 * linear buffer, or (the _v forms) on a list of segments.
 *
 * Concurrency: a context is not thread-safe.  The caller serialises every
 * call on one context (ksrtp.ko takes a per-context spinlock).  Creation and
 * ksrtp_ctx_wipe() may sleep (the crypto backend allocates/frees there);
 * protect/unprotect never sleep.
 *
 * Errors are negative KSRTP_ERR_* values, distinct per cause so the kernel
 * can count each one.
 */
#ifndef KSRTP_SRTP_H
#define KSRTP_SRTP_H

#include "srtp_platform.h"
#include "srtp_crypto.h"

/*
 * Protection profiles.  The numbers are stable ABI (the ksrtp uapi header
 * uses them); where a DTLS-SRTP protection profile exists (RFC 5764 §4.1.2,
 * RFC 7714 §14.2) the value is its identifier.
 */
enum ksrtp_profile {
	KSRTP_AES_CM_128_HMAC_SHA1_80 = 1,	/* RFC 3711 / RFC 4568 */
	KSRTP_AES_CM_128_HMAC_SHA1_32 = 2,	/* RFC 3711 / RFC 4568 */
	KSRTP_AES_256_CM_HMAC_SHA1_80 = 3,	/* RFC 6188 */
	KSRTP_AES_256_CM_HMAC_SHA1_32 = 4,	/* RFC 6188 */
	KSRTP_AEAD_AES_128_GCM = 7,		/* RFC 7714 */
	KSRTP_AEAD_AES_256_GCM = 8,		/* RFC 7714 */
};

enum ksrtp_err {
	KSRTP_OK = 0,
	KSRTP_ERR_AUTH = -1,		/* tag did not verify */
	KSRTP_ERR_REPLAY = -2,		/* index already seen in the window */
	KSRTP_ERR_TOO_OLD = -3,		/* index left behind the window */
	KSRTP_ERR_MALFORMED = -4,	/* not a parseable RTP/RTCP packet */
	KSRTP_ERR_SSRC_LIMIT = -5,	/* new SSRC, context is full */
	KSRTP_ERR_NOSPACE = -6,		/* buffer capacity too small */
	KSRTP_ERR_MKI = -7,		/* MKI does not name our key */
	KSRTP_ERR_INVAL = -8,		/* bad argument at creation */
	KSRTP_ERR_CRYPTO = -9,		/* the crypto backend failed */
	KSRTP_ERR_EXHAUSTED = -10,	/* 2^48 SRTP / 2^31 SRTCP index used up */
};

enum {
	KSRTP_MAX_KEY_LEN = 32,
	KSRTP_MAX_SALT_LEN = 14,
	KSRTP_AUTH_KEY_LEN = 20,
	KSRTP_MAX_MKI_LEN = 16,
	KSRTP_REPLAY_DEFAULT = 128,
	KSRTP_REPLAY_MIN = 128,
	KSRTP_REPLAY_MAX = 32768,
	KSRTP_SSRCS_DEFAULT = 16,
	KSRTP_SSRCS_MAX = 4096,
	/*
	 * Bound on ksrtp_ctx_size(): window x SSRCs must fit in a kmalloc.
	 * The largest window with the default SSRC bound (~258 KiB), and the
	 * default window with the largest SSRC bound (~352 KiB), both fit.
	 */
	KSRTP_CTX_MAX_SIZE = 512 * 1024,
	/* Worst case growth of a packet on protect: MKI + E||index + tag. */
	KSRTP_MAX_TRAILER = KSRTP_MAX_MKI_LEN + 4 + 16,
};

/* ksrtp_opts.flags */
enum {
	/* New SSRCs start from (roc, seq) rather than from their first packet. */
	KSRTP_OPT_INIT_SEQ = 1 << 0,
};

struct ksrtp_opts {
	u32 replay_window;	/* packets, 0 = KSRTP_REPLAY_DEFAULT */
	u32 max_ssrcs;		/* 0 = KSRTP_SSRCS_DEFAULT */
	u32 flags;
	u32 roc;		/* initial ROC of every new SSRC (RFC 3711 §3.3.1) */
	u16 seq;		/* with KSRTP_OPT_INIT_SEQ: initial s_l */
	u8 mki_len;		/* 0 = no MKI (RFC 3711 §3.1) */
	u8 mki[KSRTP_MAX_MKI_LEN];
};

/* Session keys as the KDF produces them (RFC 3711 §4.3). */
struct ksrtp_session_keys {
	u8 enc[KSRTP_MAX_KEY_LEN];
	u8 auth[KSRTP_AUTH_KEY_LEN];
	u8 salt[KSRTP_MAX_SALT_LEN];
};

struct ksrtp_stream;

struct ksrtp_dir_keys {
	void *cipher;			/* AES_CTR or AES_GCM handle */
	void *auth;			/* HMAC_SHA1 handle, NULL for GCM */
	u8 salt[KSRTP_MAX_SALT_LEN];
};

struct ksrtp_ctx {
	const struct ksrtp_crypto_ops *ops;
	size_t size;			/* bytes owned, wiped on ksrtp_ctx_wipe() */
	enum ksrtp_profile profile;
	u8 gcm;
	u8 key_len;
	u8 salt_len;
	u8 rtp_tag_len;
	u8 rtcp_tag_len;
	u8 mki_len;
	u8 mki[KSRTP_MAX_MKI_LEN];
	u32 flags;
	u32 init_roc;
	u16 init_seq;
	u32 window;			/* replay window, packets */
	u32 words;			/* u64 words per replay bitmap */
	u32 max_ssrcs;
	u32 nssrcs;
	u32 last;			/* index of the last stream used */
	struct ksrtp_dir_keys rtp, rtcp;
	struct ksrtp_stream *streams;	/* [max_ssrcs], inside this allocation */
	u64 *bits;			/* [max_ssrcs][2][words] */
	u8 scratch[80];			/* KDF output: heap, not stack */
};

/*
 * Bytes to allocate (zeroed) for a context created with @opts (may be
 * NULL); 0 if the options are invalid or need more than KSRTP_CTX_MAX_SIZE.
 */
size_t ksrtp_ctx_size(const struct ksrtp_opts *opts);

/*
 * Bytes a context with @opts would need, whether or not that is within
 * KSRTP_CTX_MAX_SIZE; 0 only if the options are invalid.  For the error
 * message of a caller that refuses the combination.
 */
size_t ksrtp_ctx_need(const struct ksrtp_opts *opts);

/*
 * Create a context from a master key and salt: the session keys are derived
 * with the RFC 3711 §4.3 KDF, key derivation rate 0 (AES_256_CM_PRF of
 * RFC 6188 §2.3 for 256-bit keys; RFC 7714 §11 for GCM with its 12-byte
 * master salt).  May sleep.  On failure nothing needs to be freed, but the
 * caller still owns (and should wipe) the memory.
 */
int ksrtp_ctx_init(struct ksrtp_ctx *ctx, size_t size,
		   const struct ksrtp_crypto_ops *ops, enum ksrtp_profile profile,
		   const u8 *master_key, unsigned int key_len,
		   const u8 *master_salt, unsigned int salt_len,
		   const struct ksrtp_opts *opts);

/* Same, from session keys already derived (known-answer tests, RFC 7714 §16). */
int ksrtp_ctx_init_session(struct ksrtp_ctx *ctx, size_t size,
			   const struct ksrtp_crypto_ops *ops,
			   enum ksrtp_profile profile,
			   const struct ksrtp_session_keys *rtp,
			   const struct ksrtp_session_keys *rtcp,
			   const struct ksrtp_opts *opts);

/*
 * Forget every SSRC (ROCs, windows, SRTCP counters) but keep the keys, as
 * if no packet had been seen.  Only safe when the peer also restarts its
 * indexes, or for receive contexts (fuzzers reuse contexts this way).
 */
void ksrtp_ctx_reset(struct ksrtp_ctx *ctx);

/* Free the backend keys and wipe the whole context.  May sleep. */
void ksrtp_ctx_wipe(struct ksrtp_ctx *ctx);

/*
 * RTP -> SRTP in place.  @len is the RTP length in and the SRTP length out;
 * @cap is the buffer size (at least *len + ksrtp_overhead(ctx, false)).
 */
int ksrtp_protect(struct ksrtp_ctx *ctx, u8 *buf, unsigned int *len,
		  unsigned int cap);
/* SRTP -> RTP in place; @len shrinks.  Buffer untouched unless 0 returned
 * (except with GCM, whose in-place decrypt may have run before the tag
 * failed; the packet must then be dropped).
 */
int ksrtp_unprotect(struct ksrtp_ctx *ctx, u8 *buf, unsigned int *len);
int ksrtcp_protect(struct ksrtp_ctx *ctx, u8 *buf, unsigned int *len,
		   unsigned int cap);
int ksrtcp_unprotect(struct ksrtp_ctx *ctx, u8 *buf, unsigned int *len);

/*
 * The same four transforms over a packet in segments (a paged skb's head
 * and fragments), in place: the packet is the concatenation of @v[0..nv),
 * @len its length in bytes from the start of the first segment.  Any byte
 * may be in any segment, the RTP header and the tag included (they are
 * copied where they straddle a boundary).  For protect the segments'
 * total length is the capacity: at least *len + ksrtp_overhead(ctx, rtcp).
 * Same results, byte for byte, as the linear functions; the backend must
 * implement the _v operations (KSRTP_ERR_INVAL otherwise).
 */
int ksrtp_protect_v(struct ksrtp_ctx *ctx, const struct ksrtp_iov *v,
		    unsigned int nv, unsigned int *len, bool rtcp);
int ksrtp_unprotect_v(struct ksrtp_ctx *ctx, const struct ksrtp_iov *v,
		      unsigned int nv, unsigned int *len, bool rtcp);

/* Bytes protect adds to a packet. */
unsigned int ksrtp_overhead(const struct ksrtp_ctx *ctx, bool rtcp);

/* Key derivation alone, RFC 3711 §4.3.1 (exported for known-answer tests). */
int ksrtp_kdf(const struct ksrtp_crypto_ops *ops, const u8 *master_key,
	      unsigned int key_len, const u8 *master_salt,
	      unsigned int salt_len, u8 label, u8 *out, unsigned int out_len);

/*
 * Known-answer self-test of the core with @ops (RFC 3711 B.2/B.3, RFC 6188
 * §7.2, RFC 7714 §16/§17, and a round trip of every AES-CM profile).  For
 * a backend's own check at module load.  @scratch: KSRTP_SELFTEST_SCRATCH
 * bytes of heap (8-byte aligned).  May sleep.  Returns 0 if every vector
 * matched, a negative test number otherwise.
 */
#define KSRTP_SELFTEST_SCRATCH	8192
int ksrtp_selftest(const struct ksrtp_crypto_ops *ops, void *scratch,
		   size_t len);

/* Per-SSRC state, read-only, for stats/GET (ROC, highest index). */
struct ksrtp_stream_info {
	u32 ssrc;
	u32 roc;
	u16 seq;
	u32 rtcp_index;
	bool rtp_seen, rtcp_seen;
};
int ksrtp_stream_get(const struct ksrtp_ctx *ctx, unsigned int i,
		     struct ksrtp_stream_info *info);

/*
 * Start an SSRC of @ctx where another context left it (key rotation): its
 * ROC and highest sequence number (if @info->rtp_seen), and its SRTCP
 * index, as ksrtp_stream_get() read them from the old context.  The replay
 * bitmaps start empty.  Call before @ctx has seen any packet of that SSRC;
 * KSRTP_ERR_INVAL if it has, KSRTP_ERR_SSRC_LIMIT if @ctx is full.  Does
 * not sleep or allocate.
 */
int ksrtp_stream_seed(struct ksrtp_ctx *ctx,
		      const struct ksrtp_stream_info *info);

/* ---- parsing (srtp_parse.c) ---- */

enum ksrtp_pkt_kind {
	KSRTP_PKT_UNKNOWN = 0,
	KSRTP_PKT_RTP = 1,
	KSRTP_PKT_RTCP = 2,
	KSRTP_PKT_ZRTP = 3,
};

/*
 * Demultiplex a datagram on a port shared by RTP, RTCP and ZRTP: ZRTP by
 * RFC 6189 §5 (first byte 0x10, magic cookie "ZRTP" at offset 4), then
 * RTP vs RTCP by RFC 5761 §4 (second byte 192..223 is RTCP).
 */
enum ksrtp_pkt_kind ksrtp_classify(const u8 *buf, unsigned int len);

struct ksrtp_rtp_info {
	u32 ssrc;
	u32 ts;
	u16 seq;
	u8 pt;
	u8 marker;
	u8 cc;
	bool ext;
	u16 ext_profile;
	u16 ext_words;
	unsigned int hdr_len;	/* fixed header + CSRCs + extension */
	unsigned int pad_len;	/* RFC 3550 §5.1 padding, 0 without P */
	unsigned int payload_len;
};

/* RFC 3550 §5.1/§5.3.1: parse a clear RTP packet (padding checked). */
int ksrtp_rtp_parse(const u8 *buf, unsigned int len,
		    struct ksrtp_rtp_info *info);

/* RFC 3550 §6.4: walk a clear compound RTCP packet; returns the number of
 * RTCP packets in it, or KSRTP_ERR_MALFORMED.
 */
int ksrtp_rtcp_parse(const u8 *buf, unsigned int len);

/* Header length of an RTP packet (fixed + CSRC + extension), or error.
 * Used on SRTP, where only the header is in the clear.
 */
int ksrtp_rtp_hdr_len(const u8 *buf, unsigned int len);

#endif /* KSRTP_SRTP_H */
