// SPDX-License-Identifier: GPL-2.0
/* The ADDR:PORT grammar zrtpctl and zrtpd accept. */
#include <arpa/inet.h>
#include <string.h>

#include "kselftest_harness.h"
#include "ksrtp_nl.h"

TEST(ipv4)
{
	struct ksrtp_sockaddr sa;
	char buf[64];

	ASSERT_EQ(0, ksrtp_parse_sockaddr("10.0.0.1:4000", &sa));
	EXPECT_EQ(AF_INET, sa.family);
	EXPECT_EQ(4000, sa.port);
	EXPECT_EQ(htonl(0x0a000001), sa.addr.v4.s_addr);
	EXPECT_STREQ("10.0.0.1:4000", ksrtp_format_sockaddr(&sa, buf, sizeof(buf)));
}

TEST(ipv6)
{
	struct ksrtp_sockaddr sa;
	char buf[64];

	ASSERT_EQ(0, ksrtp_parse_sockaddr("[2001:db8::5]:65535", &sa));
	EXPECT_EQ(AF_INET6, sa.family);
	EXPECT_EQ(65535, sa.port);
	EXPECT_STREQ("[2001:db8::5]:65535", ksrtp_format_sockaddr(&sa, buf, sizeof(buf)));
	/* Unbracketed IPv6 takes the last colon as the port separator. */
	ASSERT_EQ(0, ksrtp_parse_sockaddr("::1:5004", &sa));
	EXPECT_EQ(AF_INET6, sa.family);
	EXPECT_EQ(5004, sa.port);
}

TEST(rejects)
{
	static const char *const bad[] = {
		"", "10.0.0.1", "10.0.0.1:", "10.0.0.1:0", "10.0.0.1:65536",
		"10.0.0.1:40x", "10.0.0.256:4000", "host:4000", "[::1]4000",
		"[::1", ":4000", "10.0.0.1:-1",
	};
	struct ksrtp_sockaddr sa;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret = ksrtp_parse_sockaddr(bad[i], &sa);

		if (ret != -EINVAL)
			TH_LOG("accepted bad address #%zu", i);
		EXPECT_EQ(-EINVAL, ret);
	}
}

TEST_HARNESS_MAIN
