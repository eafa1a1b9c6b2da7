// SPDX-License-Identifier: GPL-2.0
/*
 * The SDES (RFC 4568) crypto attribute parser of libksrtp, against
 * OpenSSL's base64 encoder as the oracle: random keys of every suite,
 * encoded by OpenSSL, in every accepted spelling, parse to the same bytes;
 * every malformed or unsupported attribute is refused with a reason and
 * leaves nothing in the request.
 */
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

#include <linux/ksrtp.h>

#include "kselftest_harness.h"
#include "ksrtp_nl.h"

static const struct {
	const char *name;
	uint16_t profile;
	unsigned int key_len, salt_len;
} suites[] = {
	{ "AES_CM_128_HMAC_SHA1_80", KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_80, 16, 14 },
	{ "AES_CM_128_HMAC_SHA1_32", KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_32, 16, 14 },
	{ "AES_256_CM_HMAC_SHA1_80", KSRTP_PROFILE_AES_256_CM_HMAC_SHA1_80, 32, 14 },
	{ "AES_256_CM_HMAC_SHA1_32", KSRTP_PROFILE_AES_256_CM_HMAC_SHA1_32, 32, 14 },
	{ "AEAD_AES_128_GCM", KSRTP_PROFILE_AEAD_AES_128_GCM, 16, 12 },
	{ "AEAD_AES_256_GCM", KSRTP_PROFILE_AEAD_AES_256_GCM, 32, 12 },
};
#define NSUITES (sizeof(suites) / sizeof(suites[0]))

static void b64(const unsigned char *in, int n, char *out)
{
	EVP_EncodeBlock((unsigned char *)out, in, n);
}

TEST(every_suite_every_spelling)
{
	static const char *const fmt[] = {
		"a=crypto:1 %s inline:%s",
		"a=crypto:1 %s inline:%s\r\n",
		"crypto:42 %s inline:%s|2^31",
		"7 %s  inline:%s|1048576",
		"123456789\t%s\tinline:%s|2^20 ",
	};
	unsigned int s, f, round;

	for (round = 0; round < 50; round++) {
		for (s = 0; s < NSUITES; s++) {
			unsigned char kb[46];
			char enc[80], line[200];
			unsigned int n = suites[s].key_len + suites[s].salt_len;

			ASSERT_EQ(1, RAND_bytes(kb, (int)n));
			b64(kb, (int)n, enc);
			for (f = 0; f < sizeof(fmt) / sizeof(fmt[0]); f++) {
				struct ksrtp_key_req k = { .flow_id = 9, .dir = 1 };
				const char *why = "unset";

				snprintf(line, sizeof(line), fmt[f], suites[s].name, enc);
				ASSERT_EQ(0, ksrtp_sdes_parse(line, &k, &why)) TH_LOG("%s: %s", line, why);
				EXPECT_EQ(NULL, why);
				EXPECT_EQ(suites[s].profile, k.profile);
				EXPECT_EQ(suites[s].key_len, k.key_len);
				EXPECT_EQ(suites[s].salt_len, k.salt_len);
				EXPECT_EQ(0, memcmp(kb, k.key, k.key_len));
				EXPECT_EQ(0, memcmp(kb + k.key_len, k.salt, k.salt_len));
				EXPECT_EQ(9, k.flow_id);	/* the rest untouched */
				EXPECT_EQ(1, k.dir);
			}
		}
	}
}

/* RFC 4568 §6.1's example key, decoded by hand from its base64. */
TEST(rfc4568_example)
{
	static const unsigned char want[30] = {
		0xf2, 0x53, 0xfb, 0xdb, 0x39, 0xcb, 0x6c, 0x33, 0xe7, 0x7b, 0x8f, 0xb1,
		0xa8, 0x55, 0x6c, 0x34, 0x84, 0x11, 0x60, 0xbe, 0x59, 0x5d, 0x48, 0x38,
		0x11, 0x41, 0xea, 0x50, 0x33, 0x35,
	};
	struct ksrtp_key_req k = { 0 };
	const char *why;

	ASSERT_EQ(0, ksrtp_sdes_parse("a=crypto:1 AES_CM_128_HMAC_SHA1_80 "
				      "inline:8lP72znLbDPne4+xqFVsNIQRYL5ZXUg4EUHqUDM1|2^20",
				      &k, &why)) TH_LOG("%s", why);
	EXPECT_EQ(KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_80, k.profile);
	EXPECT_EQ(0, memcmp(want, k.key, 16));
	EXPECT_EQ(0, memcmp(want + 16, k.salt, 14));
}

TEST(refused_with_a_reason)
{
	static const struct {
		const char *line, *reason;
	} bad[] = {
		{ "", "tag" },
		{ "a=crypto:", "tag" },
		{ "a=crypto:x AES_CM_128_HMAC_SHA1_80 inline:AAAA", "tag" },
		{ "a=crypto:1234567890 AES_CM_128_HMAC_SHA1_80 inline:AAAA", "tag" },
		{ "a=crypto:1 F8_128_HMAC_SHA1_80 inline:AAAA", "crypto-suite" },
		{ "a=crypto:1 AES_CM_128_HMAC_SHA1_8 inline:AAAA", "crypto-suite" },
		{ "a=crypto:1 aes_cm_128_hmac_sha1_80 inline:AAAA", "crypto-suite" },
		{ "a=crypto:1 AES_CM_128_HMAC_SHA1_80", "inline" },
		{ "a=crypto:1 AES_CM_128_HMAC_SHA1_80 key:AAAA", "inline" },
		{ "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:", "base64" },
		{ "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:8lP72znLbDPne4+xqFVsNIQRYL5ZXUg4EUHqUDM", "base64" },
		{ "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:8lP72znLbDPne4+xqFVsNIQRYL5ZXUg4EUHqUD!1", "base64" },
		{ "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:8lP72znLbDPne4+xqFVsNIQRYL5ZXUg4EUHq=DM1", "base64" },
		{ "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:QUJD", "length" },
		{ "a=crypto:1 AEAD_AES_128_GCM inline:8lP72znLbDPne4+xqFVsNIQRYL5ZXUg4EUHqUDM1", "length" },
		{ "a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:8lP72znLbDPne4+xqFVsNIQRYL5ZXUg4EUHqUDM1", "length" },
		{ "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:8lP72znLbDPne4+xqFVsNIQRYL5ZXUg4EUHqUDM1|2^20|1:4", "MKI" },
		{ "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:8lP72znLbDPne4+xqFVsNIQRYL5ZXUg4EUHqUDM1|1:4", "MKI" },
		{ "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:8lP72znLbDPne4+xqFVsNIQRYL5ZXUg4EUHqUDM1|2^", "lifetime" },
		{ "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:8lP72znLbDPne4+xqFVsNIQRYL5ZXUg4EUHqUDM1|x", "lifetime" },
		{ "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:8lP72znLbDPne4+xqFVsNIQRYL5ZXUg4EUHqUDM1|2^20|2^20", "lifetime" },
		{ "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:8lP72znLbDPne4+xqFVsNIQRYL5ZXUg4EUHqUDM1;inline:8lP72znLbDPne4+xqFVsNIQRYL5ZXUg4EUHqUDM1", "one inline key" },
		{ "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:8lP72znLbDPne4+xqFVsNIQRYL5ZXUg4EUHqUDM1 KDR=1", "session parameters" },
		{ "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:8lP72znLbDPne4+xqFVsNIQRYL5ZXUg4EUHqUDM1 UNENCRYPTED_SRTP", "session parameters" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ksrtp_key_req k;
		const char *why = NULL;
		static const struct ksrtp_key_req zero;

		memset(&k, 0, sizeof(k));
		EXPECT_EQ(-EINVAL, ksrtp_sdes_parse(bad[i].line, &k, &why)) TH_LOG("%s", bad[i].line);
		ASSERT_NE(NULL, why);
		EXPECT_NE(NULL, strstr(why, bad[i].reason)) TH_LOG("'%s': %s", bad[i].line, why);
		EXPECT_EQ(0, memcmp(&k, &zero, sizeof(k))) TH_LOG("%s left bytes", bad[i].line);
	}
	EXPECT_EQ(-EINVAL, ksrtp_sdes_parse(NULL, NULL, NULL));
}

TEST_HARNESS_MAIN
