// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * SDES (RFC 4568) crypto attributes -> a KEY_NEW request.  Hostile input:
 * every byte is checked, nothing is read past the terminating NUL, and the
 * decoded key material lives only in the caller's request (and is wiped
 * here on every error path).
 */
#include <errno.h>
#include <linux/ksrtp.h>
#include <stddef.h>
#include <string.h>

#include "ksrtp_nl.h"

static const struct {
	const char *name;
	uint16_t profile;
	uint8_t key_len, salt_len;
} suites[] = {
	{ "AES_CM_128_HMAC_SHA1_80", KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_80, 16, 14 },
	{ "AES_CM_128_HMAC_SHA1_32", KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_32, 16, 14 },
	{ "AES_256_CM_HMAC_SHA1_80", KSRTP_PROFILE_AES_256_CM_HMAC_SHA1_80, 32, 14 },
	{ "AES_256_CM_HMAC_SHA1_32", KSRTP_PROFILE_AES_256_CM_HMAC_SHA1_32, 32, 14 },
	{ "AEAD_AES_128_GCM", KSRTP_PROFILE_AEAD_AES_128_GCM, 16, 12 },
	{ "AEAD_AES_256_GCM", KSRTP_PROFILE_AEAD_AES_256_GCM, 32, 12 },
};

static void wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Strict base64 (RFC 4648 §4, the alphabet RFC 4568 names): groups of four,
 * '=' padding only at the end, unused bits zero.  Returns the decoded length
 * or -1.
 */
static int b64_decode(const char *s, size_t n, unsigned char *out, size_t cap)
{
	size_t i, o = 0;
	unsigned int acc = 0;
	int pad = 0;

	if (!n || n % 4)
		return -1;
	for (i = 0; i < n; i++) {
		int v;

		if (s[i] == '=') {
			if (i < n - 2 || (i == n - 2 && s[n - 1] != '='))
				return -1;
			pad++;
			v = 0;
		} else {
			if (pad)
				return -1;
			v = b64val((unsigned char)s[i]);
			if (v < 0)
				return -1;
		}
		acc = acc << 6 | (unsigned int)v;
		if (i % 4 == 3) {
			unsigned char b[3] = { acc >> 16, acc >> 8, acc };
			size_t k, take = 3 - (i == n - 1 ? (size_t)pad : 0);

			/* the bits under the padding must be zero */
			if ((pad == 1 && b[2]) || (pad == 2 && (b[1] || b[2])))
				return -1;
			if (o + take > cap)
				return -1;
			for (k = 0; k < take; k++)
				out[o++] = b[k];
			acc = 0;
		}
	}
	wipe(&acc, sizeof(acc));
	return (int)o;
}

/* lifetime = ["2^"] 1*(DIGIT), RFC 4568 §9.2; the kernel applies its own limits. */
static int lifetime_ok(const char *t, size_t n)
{
	size_t i = 0;

	if (n >= 2 && t[0] == '2' && t[1] == '^')
		i = 2;
	if (i == n || n - i > 20)
		return 0;
	for (; i < n; i++)
		if (t[i] < '0' || t[i] > '9')
			return 0;
	return 1;
}

static int fail(const char **why, const char *msg)
{
	if (why)
		*why = msg;
	return -EINVAL;
}

int ksrtp_sdes_parse(const char *attr, struct ksrtp_key_req *k,
		     const char **why)
{
	unsigned char kb[46];
	const char *p = attr, *suite, *key, *end;
	size_t slen, klen, i;
	int n, s = -1;

	if (!attr || !k)
		return fail(why, "no attribute");
	/* "a=crypto:", "crypto:" or the bare value */
	if (!strncmp(p, "a=", 2))
		p += 2;
	if (!strncmp(p, "crypto:", 7))
		p += 7;
	/* tag: 1*9DIGIT */
	for (i = 0; p[i] >= '0' && p[i] <= '9'; i++)
		;
	if (!i || i > 9 || (p[i] != ' ' && p[i] != '\t'))
		return fail(why, "the attribute must start with a tag (1 to 9 digits) and a space");
	p += i;
	while (*p == ' ' || *p == '\t')
		p++;
	suite = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	slen = (size_t)(p - suite);
	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		if (strlen(suites[i].name) == slen &&
		    !memcmp(suites[i].name, suite, slen)) {
			s = (int)i;
			break;
		}
	}
	if (s < 0)
		return fail(why, "unknown crypto-suite (want AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32, AES_256_CM_HMAC_SHA1_80, AES_256_CM_HMAC_SHA1_32, AEAD_AES_128_GCM or AEAD_AES_256_GCM)");
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, "inline:", 7))
		return fail(why, "the key parameter must be inline:KEY||SALT (base64)");
	key = p + 7;
	for (end = key; *end && *end != '|' && *end != ';' && *end != ' ' &&
	     *end != '\t' && *end != '\r' && *end != '\n'; end++)
		;
	klen = (size_t)(end - key);
	p = end;
	/* ["|" lifetime] ["|" mki ":" length] */
	for (n = 0; *p == '|'; n++) {
		const char *t = ++p;

		while (*p && *p != '|' && *p != ';' && *p != ' ' &&
		       *p != '\t' && *p != '\r' && *p != '\n')
			p++;
		if (memchr(t, ':', (size_t)(p - t)))
			return fail(why, "MKI is not supported: the kernel's key interface takes one key per slot, without MKI");
		if (n || !lifetime_ok(t, (size_t)(p - t)))
			return fail(why, "bad key lifetime after '|' (want 2^N or a number of packets)");
	}
	if (*p == ';')
		return fail(why, "only one inline key is supported per attribute");
	while (*p == ' ' || *p == '\t')
		p++;
	while (*p == '\r' || *p == '\n')
		p++;
	if (*p)
		return fail(why, "session parameters (KDR, UNENCRYPTED_*, FEC_*, WSH) are not supported");
	n = b64_decode(key, klen, kb, sizeof(kb));
	if (n < 0) {
		wipe(kb, sizeof(kb));
		return fail(why, "the inline key is not valid base64");
	}
	if (n != suites[s].key_len + suites[s].salt_len) {
		wipe(kb, sizeof(kb));
		return fail(why, "the inline key has the wrong length for its crypto-suite");
	}
	k->profile = suites[s].profile;
	k->key_len = suites[s].key_len;
	k->salt_len = suites[s].salt_len;
	memcpy(k->key, kb, k->key_len);
	memcpy(k->salt, kb + k->key_len, k->salt_len);
	wipe(kb, sizeof(kb));
	if (why)
		*why = NULL;
	return 0;
}
