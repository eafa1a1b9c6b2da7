/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The crypto backend of the portable SRTP core: a table of operations,
 * each over one linear buffer and (the _v forms) over a list of segments.
 *
 * Two implementations exist: the kernel crypto API (kernel/, written against
 * this header) and OpenSSL (userspace/srtp/srtp_openssl.c).  The contract:
 *
 * Contexts
 *   key_new() and key_free() run when a context is created or destroyed, in
 *   process context: they may sleep and allocate (a kernel backend allocates
 *   its tfm and sets the key here, once per session key).  Every other
 *   operation runs per packet, possibly in softirq context: it must not
 *   sleep, must not allocate, and must complete synchronously.
 *
 * Memory
 *   Data buffers (ctr_xor's @buf, hmac_sha1's @data, the gcm @buf and the
 *   AAD segments) always point into the caller's linear packet buffer or
 *   into the heap-allocated struct ksrtp_ctx, never into the stack, so a
 *   kernel backend may describe them with sg_init_one()/sg_set_buf().  IVs may live on the stack:
 *   skcipher/aead take the IV by pointer.
 *
 * Algorithms
 *   KSRTP_ALG_AES_CTR   key 16 or 32 bytes.  ctr_xor() XORs the AES-CTR
 *                       keystream (128-bit big-endian counter starting at
 *                       @iv, as "ctr(aes)") into @buf in place.  RFC 3711
 *                       §4.1.1 AES-CM and the §4.3.3 key derivation PRF.
 *   KSRTP_ALG_HMAC_SHA1 key 20 bytes.  hmac_sha1() writes the full 20-byte
 *                       HMAC-SHA1 (RFC 2104) of @data to @mac; the core
 *                       truncates.  ("hmac(sha1)".)
 *                       SRTP's ROC follows the packet in one buffer (the
 *                       core writes it where the tag goes), so the backend
 *                       makes one call: crypto_shash_digest().
 *   KSRTP_ALG_AES_GCM   key 16 or 32 bytes, 12-byte IV, 16-byte tag
 *                       ("gcm(aes)", authsize 16).  The tag is stored right
 *                       after the data: gcm_encrypt() encrypts @buf[0..len)
 *                       in place and writes the tag to @buf[len..len+16);
 *                       gcm_decrypt() checks the tag at @buf[len..len+16)
 *                       and decrypts in place.  The AAD is the concatenation
 *                       of @naad (1 or 2) segments: SRTCP-GCM authenticates
 *                       the 8-byte header and the E||index word that
 *                       follows the tag (RFC 7714 §9.2), which are not
 *                       contiguous.  A kernel backend builds one scatterlist
 *                       [aad0, aad1, buf+tag] used as both src and dst.
 *
 * Segments (the _v operations, for paged packets)
 *   The packet is the concatenation of @v[0..nv) (struct ksrtp_iov: a
 *   mutable byte range each); the operation works on [@off, @off + @len)
 *   of that concatenation, which may begin, end and cross anywhere.
 *   ctr_xor_v() as ctr_xor() over that range, in place.  hmac_sha1_v()
 *   authenticates the first @len bytes of the packet followed by @tail
 *   (@tail_len bytes, SRTP's ROC; @tail may be on the stack: HMAC takes
 *   virtual addresses).  gcm_*_v() as gcm_*() with the AAD given as
 *   (offset, length) ranges of the packet and the tag the 16 bytes of the
 *   packet right after the data.  Segments point into the caller's packet
 *   (a kernel caller: an skb's head and page fragments, in the linear map),
 *   never into the stack, so a kernel backend may describe them with
 *   sg_set_buf().  A backend may refuse more than KSRTP_MAX_IOV segments
 *   (any negative return, taken as KSRTP_ERR_CRYPTO or, for
 *   gcm_decrypt_v(), a failed tag).  Optional: a core whose backend leaves
 *   them NULL answers ksrtp_*_v() with KSRTP_ERR_INVAL.
 *
 * Return values
 *   0 on success.  Any negative value is a failure; from gcm_decrypt() it
 *   means the tag did not verify (the core reports KSRTP_ERR_AUTH) and the
 *   contents of @buf are then unspecified (the packet is dropped).
 */
#ifndef KSRTP_SRTP_CRYPTO_H
#define KSRTP_SRTP_CRYPTO_H

#include "srtp_platform.h"

enum ksrtp_alg {
	KSRTP_ALG_AES_CTR = 1,
	KSRTP_ALG_HMAC_SHA1 = 2,
	KSRTP_ALG_AES_GCM = 3,
};

enum {
	KSRTP_CTR_IV_LEN = 16,
	KSRTP_GCM_IV_LEN = 12,
	KSRTP_GCM_TAG_LEN = 16,
	KSRTP_SHA1_LEN = 20,
};

struct ksrtp_seg {
	const u8 *p;
	unsigned int len;
};

/* One segment of a packet in pieces (a paged skb's head, a fragment). */
struct ksrtp_iov {
	u8 *p;
	unsigned int len;
};

/* A range of a segmented packet: bytes [off, off + len). */
struct ksrtp_range {
	unsigned int off;
	unsigned int len;
};

/* The most segments a packet may have on the _v operations. */
enum { KSRTP_MAX_IOV = 48 };

struct ksrtp_crypto_ops {
	/* Process context.  Returns an opaque key handle, NULL on failure. */
	void *(*key_new)(enum ksrtp_alg alg, const u8 *key, unsigned int key_len);
	/* Process context.  Frees and wipes what key_new() made; NULL is ok. */
	void (*key_free)(void *key);

	int (*ctr_xor)(void *key, const u8 iv[KSRTP_CTR_IV_LEN],
		       u8 *buf, unsigned int len);
	int (*hmac_sha1)(void *key, const u8 *data, unsigned int len,
			 u8 mac[KSRTP_SHA1_LEN]);
	int (*gcm_encrypt)(void *key, const u8 iv[KSRTP_GCM_IV_LEN],
			   const struct ksrtp_seg *aad, unsigned int naad,
			   u8 *buf, unsigned int len);
	int (*gcm_decrypt)(void *key, const u8 iv[KSRTP_GCM_IV_LEN],
			   const struct ksrtp_seg *aad, unsigned int naad,
			   u8 *buf, unsigned int len);

	int (*ctr_xor_v)(void *key, const u8 iv[KSRTP_CTR_IV_LEN],
			 const struct ksrtp_iov *v, unsigned int nv,
			 unsigned int off, unsigned int len);
	int (*hmac_sha1_v)(void *key, const struct ksrtp_iov *v,
			   unsigned int nv, unsigned int len, const u8 *tail,
			   unsigned int tail_len, u8 mac[KSRTP_SHA1_LEN]);
	int (*gcm_encrypt_v)(void *key, const u8 iv[KSRTP_GCM_IV_LEN],
			     const struct ksrtp_iov *v, unsigned int nv,
			     const struct ksrtp_range *aad, unsigned int naad,
			     unsigned int off, unsigned int len);
	int (*gcm_decrypt_v)(void *key, const u8 iv[KSRTP_GCM_IV_LEN],
			     const struct ksrtp_iov *v, unsigned int nv,
			     const struct ksrtp_range *aad, unsigned int naad,
			     unsigned int off, unsigned int len);
};

#endif /* KSRTP_SRTP_CRYPTO_H */
