// SPDX-License-Identifier: GPL-2.0
/*
 * ksrtp generic netlink family: loading, the queries, flow objects,
 * permissions and network namespaces.  Runs in the VM as root.
 *
 * Kernel config: CONFIG_NET_NS, CONFIG_MODULE_UNLOAD.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/ksrtp.h>

#include "kselftest_harness.h"
#include "ksft_ksrtp.h"
#include "ksrtp_nl.h"

static void make_flow(struct ksrtp_flow_info *f, const char *local,
		      const char *remote)
{
	memset(f, 0, sizeof(*f));
	if (ksrtp_parse_sockaddr(local, &f->local) ||
	    ksrtp_parse_sockaddr(remote, &f->remote))
		abort();
}

static int count_flow(const struct ksrtp_flow_info *f, void *arg)
{
	(*(unsigned int *)arg)++;
	return 0;
}

static unsigned int flow_count(struct ksrtp_nl *nl)
{
	unsigned int n = 0;

	if (ksrtp_nl_flow_dump(nl, count_flow, &n))
		return ~0U;
	return n;
}

TEST(load_unload_repeatedly)
{
	struct ksrtp_nl nl;
	int i;

	ASSERT_EQ(0, ksrtp_unload());
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, ksrtp_load());
		ASSERT_EQ(0, ksrtp_nl_open(&nl));
		ksrtp_nl_close(&nl);
		ASSERT_EQ(0, ksrtp_unload());
		ASSERT_FALSE(ksrtp_loaded());
	}
}

/* MODULE_ALIAS_GENL_FAMILY: asking for the family loads the module. */
TEST(family_autoloads)
{
	struct ksrtp_nl nl;

	ASSERT_EQ(0, ksrtp_unload());
	ASSERT_FALSE(ksrtp_loaded());
	ASSERT_EQ(0, ksrtp_nl_open(&nl));
	EXPECT_TRUE(ksrtp_loaded());
	ksrtp_nl_close(&nl);
}

TEST(unload_with_flows)
{
	struct ksrtp_flow_info f;
	struct ksrtp_nl nl;
	char local[32];
	int i;

	ASSERT_EQ(0, ksrtp_load());
	ASSERT_EQ(0, ksrtp_nl_open(&nl));
	for (i = 0; i < 100; i++) {
		snprintf(local, sizeof(local), "10.0.0.1:%d", 4000 + 2 * i);
		make_flow(&f, local, "10.0.0.2:5000");
		ASSERT_EQ(0, ksrtp_nl_flow_new(&nl, &f, NULL));
	}
	ksrtp_nl_close(&nl);
	ASSERT_EQ(0, ksrtp_unload());
	ASSERT_EQ(0, ksrtp_load());
	ASSERT_EQ(0, ksrtp_nl_open(&nl));
	EXPECT_EQ(0, flow_count(&nl));
	ksrtp_nl_close(&nl);
}

FIXTURE(genl) {
	struct ksrtp_nl nl;
};

FIXTURE_SETUP(genl)
{
	ASSERT_EQ(0, ksrtp_load());
	ASSERT_EQ(0, ksrtp_nl_open(&self->nl));
}

FIXTURE_TEARDOWN(genl)
{
	ksrtp_nl_close(&self->nl);
	/* Each test starts from a module with no flows. */
	ksrtp_unload();
}

TEST_F(genl, get_info)
{
	struct ksrtp_info info;

	ASSERT_EQ(0, ksrtp_nl_get_info(&self->nl, &info));
	EXPECT_EQ(KSRTP_API_VERSION, info.api_version);
	EXPECT_NE(0, info.version);
	EXPECT_TRUE(info.features & KSRTP_F_FLOWS);
	EXPECT_TRUE(info.features & KSRTP_F_IPV6);
	EXPECT_TRUE(info.has_flow_count);
	EXPECT_EQ(0, info.flow_count);
}

TEST_F(genl, flow_lifecycle_v4)
{
	struct ksrtp_flow_info f, got, by_id;
	struct ksrtp_info info;
	char buf[64];

	make_flow(&f, "192.0.2.1:4000", "198.51.100.7:6000");
	f.mode = KSRTP_FLOW_MODE_SECURE;
	f.policy = KSRTP_POLICY_REQUIRE_SECURE;
	ASSERT_EQ(0, ksrtp_nl_flow_new(&self->nl, &f, &got));
	ASSERT_NE(0, got.id);
	EXPECT_EQ(AF_INET, got.local.family);
	EXPECT_STREQ("192.0.2.1:4000", ksrtp_format_sockaddr(&got.local, buf, sizeof(buf)));
	EXPECT_STREQ("198.51.100.7:6000", ksrtp_format_sockaddr(&got.remote, buf, sizeof(buf)));
	EXPECT_EQ(KSRTP_FLOW_MODE_SECURE, got.mode);
	EXPECT_EQ(KSRTP_POLICY_REQUIRE_SECURE, got.policy);

	/* Found by its 4-tuple and by its id. */
	memset(&by_id, 0, sizeof(by_id));
	ASSERT_EQ(0, ksrtp_nl_flow_get(&self->nl, &f, &by_id));
	EXPECT_EQ(got.id, by_id.id);
	struct ksrtp_flow_info name = { .id = got.id };

	memset(&by_id, 0, sizeof(by_id));
	ASSERT_EQ(0, ksrtp_nl_flow_get(&self->nl, &name, &by_id));
	EXPECT_EQ(4000, by_id.local.port);

	ASSERT_EQ(0, ksrtp_nl_get_info(&self->nl, &info));
	EXPECT_EQ(1, info.flow_count);
	EXPECT_EQ(1, flow_count(&self->nl));

	ASSERT_EQ(0, ksrtp_nl_flow_del(&self->nl, &name));
	EXPECT_EQ(-ENOENT, ksrtp_nl_flow_get(&self->nl, &name, &by_id));
	EXPECT_STREQ("no flow with this id", self->nl.err_msg);
	EXPECT_EQ(-ENOENT, ksrtp_nl_flow_del(&self->nl, &f));
	EXPECT_STREQ("no flow with this local and remote address", self->nl.err_msg);
	EXPECT_EQ(0, flow_count(&self->nl));
}

TEST_F(genl, flow_v6_and_v4_are_distinct)
{
	struct ksrtp_flow_info f6, f4, got;
	char buf[64];

	make_flow(&f6, "[2001:db8::1]:4000", "[2001:db8::2]:4000");
	make_flow(&f4, "0.0.0.1:4000", "0.0.0.2:4000");
	ASSERT_EQ(0, ksrtp_nl_flow_new(&self->nl, &f6, &got));
	EXPECT_STREQ("[2001:db8::1]:4000", ksrtp_format_sockaddr(&got.local, buf, sizeof(buf)));
	ASSERT_EQ(0, ksrtp_nl_flow_new(&self->nl, &f4, NULL));
	EXPECT_EQ(2, flow_count(&self->nl));
}

TEST_F(genl, flow_duplicate_refused)
{
	struct ksrtp_flow_info f;

	make_flow(&f, "10.1.1.1:4000", "10.1.1.2:4002");
	ASSERT_EQ(0, ksrtp_nl_flow_new(&self->nl, &f, NULL));
	EXPECT_EQ(-EEXIST, ksrtp_nl_flow_new(&self->nl, &f, NULL));
	EXPECT_STREQ("a flow with this local and remote address exists", self->nl.err_msg);
	/* Same addresses, other remote port: a different flow. */
	f.remote.port = 4004;
	EXPECT_EQ(0, ksrtp_nl_flow_new(&self->nl, &f, NULL));
}

TEST_F(genl, flow_mixed_families_refused)
{
	struct ksrtp_flow_info f;

	memset(&f, 0, sizeof(f));
	ASSERT_EQ(0, ksrtp_parse_sockaddr("10.0.0.1:4000", &f.local));
	ASSERT_EQ(0, ksrtp_parse_sockaddr("[2001:db8::2]:4000", &f.remote));
	EXPECT_EQ(-EAFNOSUPPORT, ksrtp_nl_flow_new(&self->nl, &f, NULL));
	EXPECT_STREQ("local and remote addresses are of different families", self->nl.err_msg);
}

TEST_F(genl, flow_bad_attributes_refused)
{
	struct ksrtp_flow_info f;

	/* Port 0. */
	make_flow(&f, "10.0.0.1:4000", "10.0.0.2:4000");
	f.remote.port = 0;
	EXPECT_EQ(-EINVAL, ksrtp_nl_flow_new(&self->nl, &f, NULL));
	EXPECT_STREQ("port must not be 0", self->nl.err_msg);

	/* Unknown address family. */
	make_flow(&f, "10.0.0.1:4000", "10.0.0.2:4000");
	f.local.family = AF_UNIX;
	EXPECT_EQ(-EINVAL, ksrtp_nl_flow_new(&self->nl, &f, NULL));
	EXPECT_STREQ("address family must be AF_INET or AF_INET6", self->nl.err_msg);

	/* Mode out of range: rejected by the policy. */
	make_flow(&f, "10.0.0.1:4000", "10.0.0.2:4000");
	f.mode = 7;
	EXPECT_EQ(-ERANGE, ksrtp_nl_flow_new(&self->nl, &f, NULL));
	EXPECT_NE(0, self->nl.err_msg[0]);

	/* Unknown policy bits: rejected by the mask. */
	make_flow(&f, "10.0.0.1:4000", "10.0.0.2:4000");
	f.policy = 0x80;
	EXPECT_EQ(-EINVAL, ksrtp_nl_flow_new(&self->nl, &f, NULL));
	EXPECT_NE(0, self->nl.err_msg[0]);

	/* Naming a flow by neither id nor addresses. */
	memset(&f, 0, sizeof(f));
	f.local.family = AF_INET;
	f.local.port = 4000;
	f.remote.family = AF_INET;
	f.remote.port = 4000;
	EXPECT_EQ(0, flow_count(&self->nl));
}

static void put_v4(struct nlmsghdr *nlh, int type, const char *ip,
		   uint16_t port, bool with_family)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);
	struct in_addr a;

	inet_pton(AF_INET, ip, &a);
	if (with_family)
		mnl_attr_put_u16(nlh, KSRTP_A_ADDR_FAMILY, AF_INET);
	mnl_attr_put(nlh, KSRTP_A_ADDR_IN, 4, &a);
	mnl_attr_put_u16(nlh, KSRTP_A_ADDR_PORT, htons(port));
	mnl_attr_nest_end(nlh, nest);
}

/* Requests built by hand, each missing or mangling one attribute. */
TEST_F(genl, flow_malformed_requests_refused)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	/* No FLOW nest at all. */
	nlh = ksrtp_nl_msg(&self->nl, buf, KSRTP_CMD_FLOW_NEW, 0);
	EXPECT_EQ(-EINVAL, ksrtp_nl_send(&self->nl, nlh));
	EXPECT_STREQ("missing flow (KSRTP_A_FLOW)", self->nl.err_msg);

	/* No REMOTE. */
	nlh = ksrtp_nl_msg(&self->nl, buf, KSRTP_CMD_FLOW_NEW, 0);
	nest = mnl_attr_nest_start(nlh, KSRTP_A_FLOW);
	put_v4(nlh, KSRTP_A_FLOW_LOCAL, "10.0.0.1", 4000, true);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_EQ(-EINVAL, ksrtp_nl_send(&self->nl, nlh));
	EXPECT_STREQ("missing remote address (KSRTP_A_FLOW_REMOTE)", self->nl.err_msg);

	/* An address without its family. */
	nlh = ksrtp_nl_msg(&self->nl, buf, KSRTP_CMD_FLOW_NEW, 0);
	nest = mnl_attr_nest_start(nlh, KSRTP_A_FLOW);
	put_v4(nlh, KSRTP_A_FLOW_LOCAL, "10.0.0.1", 4000, true);
	put_v4(nlh, KSRTP_A_FLOW_REMOTE, "10.0.0.2", 4000, false);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_EQ(-EINVAL, ksrtp_nl_send(&self->nl, nlh));
	EXPECT_STREQ("missing address family (KSRTP_A_ADDR_FAMILY)", self->nl.err_msg);

	/* An IPv6 address of the wrong length. */
	nlh = ksrtp_nl_msg(&self->nl, buf, KSRTP_CMD_FLOW_NEW, 0);
	nest = mnl_attr_nest_start(nlh, KSRTP_A_FLOW);
	put_v4(nlh, KSRTP_A_FLOW_LOCAL, "10.0.0.1", 4000, true);
	struct nlattr *r = mnl_attr_nest_start(nlh, KSRTP_A_FLOW_REMOTE);

	mnl_attr_put_u16(nlh, KSRTP_A_ADDR_FAMILY, AF_INET6);
	mnl_attr_put(nlh, KSRTP_A_ADDR_IN6, 8, "12345678");
	mnl_attr_put_u16(nlh, KSRTP_A_ADDR_PORT, htons(4000));
	mnl_attr_nest_end(nlh, r);
	mnl_attr_nest_end(nlh, nest);
	/* NLA_POLICY_EXACT_LEN answers -ERANGE with its own message. */
	EXPECT_EQ(-ERANGE, ksrtp_nl_send(&self->nl, nlh));
	EXPECT_NE(0, self->nl.err_msg[0]);

	/* A client may not choose the flow id. */
	nlh = ksrtp_nl_msg(&self->nl, buf, KSRTP_CMD_FLOW_NEW, 0);
	nest = mnl_attr_nest_start(nlh, KSRTP_A_FLOW);
	mnl_attr_put_u32(nlh, KSRTP_A_FLOW_ID, 7);
	put_v4(nlh, KSRTP_A_FLOW_LOCAL, "10.0.0.1", 4000, true);
	put_v4(nlh, KSRTP_A_FLOW_REMOTE, "10.0.0.2", 4000, true);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_EQ(-EINVAL, ksrtp_nl_send(&self->nl, nlh));
	EXPECT_STREQ("flow id is assigned by the kernel", self->nl.err_msg);

	/* Reply-only attributes are refused in requests. */
	nlh = ksrtp_nl_msg(&self->nl, buf, KSRTP_CMD_GET_INFO, 0);
	mnl_attr_put_u32(nlh, KSRTP_A_VERSION, 1);
	EXPECT_EQ(-EINVAL, ksrtp_nl_send(&self->nl, nlh));

	EXPECT_EQ(0, flow_count(&self->nl));
}

/*
 * Per-command policies (generated from Documentation/netlink/specs/ksrtp.yaml):
 * a command refuses a top-level attribute that is not its own, instead of
 * ignoring it as the family-wide policy did; ZRTP_XMIT's packet is bounded.
 */
TEST_F(genl, per_command_policies)
{
	struct ksrtp_flow_info f, got;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	static char big[1501];
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	/* FLOW_NEW with a (valid) watch nest: not FLOW_NEW's attribute */
	nlh = ksrtp_nl_msg(&self->nl, buf, KSRTP_CMD_FLOW_NEW, 0);
	nest = mnl_attr_nest_start(nlh, KSRTP_A_FLOW);
	put_v4(nlh, KSRTP_A_FLOW_LOCAL, "10.0.0.1", 4000, true);
	put_v4(nlh, KSRTP_A_FLOW_REMOTE, "10.0.0.2", 4000, true);
	mnl_attr_nest_end(nlh, nest);
	nest = mnl_attr_nest_start(nlh, KSRTP_A_WATCH);
	mnl_attr_put_u16(nlh, KSRTP_A_WATCH_PORT_MIN, 4000);
	mnl_attr_put_u16(nlh, KSRTP_A_WATCH_PORT_MAX, 4001);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_EQ(-EINVAL, ksrtp_nl_send(&self->nl, nlh));
	EXPECT_EQ(0, flow_count(&self->nl));

	/* ZRTP_LISTEN (a small op under the admit-nothing family policy) */
	nlh = ksrtp_nl_msg(&self->nl, buf, KSRTP_CMD_ZRTP_LISTEN, 0);
	mnl_attr_put_u32(nlh, KSRTP_A_FLOW_COUNT, 1);
	EXPECT_EQ(-EINVAL, ksrtp_nl_send(&self->nl, nlh));

	make_flow(&f, "10.0.0.1:4000", "10.0.0.2:4000");
	ASSERT_EQ(0, ksrtp_nl_flow_new(&self->nl, &f, &got));
	/* KEY_DEL with a packet: not KEY_DEL's attribute */
	nlh = ksrtp_nl_msg(&self->nl, buf, KSRTP_CMD_KEY_DEL, 0);
	nest = mnl_attr_nest_start(nlh, KSRTP_A_KEY);
	mnl_attr_put_u32(nlh, KSRTP_A_KEY_FLOW_ID, got.id);
	mnl_attr_put_u8(nlh, KSRTP_A_KEY_DIR, KSRTP_KEY_DIR_TX);
	mnl_attr_put_u8(nlh, KSRTP_A_KEY_SLOT, 0);
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_put(nlh, KSRTP_A_PACKET, 12, "012345678901");
	EXPECT_EQ(-EINVAL, ksrtp_nl_send(&self->nl, nlh));

	/* a ZRTP packet past 1500 bytes: the handler's bound, with a message */
	memset(big, 0, sizeof(big));
	big[0] = 0x10;
	memcpy(big + 4, "ZRTP", 4);
	nlh = ksrtp_nl_msg(&self->nl, buf, KSRTP_CMD_ZRTP_XMIT, 0);
	nest = mnl_attr_nest_start(nlh, KSRTP_A_FLOW);
	mnl_attr_put_u32(nlh, KSRTP_A_FLOW_ID, got.id);
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_put(nlh, KSRTP_A_PACKET, sizeof(big), big);
	EXPECT_EQ(-EINVAL, ksrtp_nl_send(&self->nl, nlh));
	EXPECT_STREQ("ZRTP packet length outside 12..1500 bytes", self->nl.err_msg);

	/* a window past 32768: the handler's bound (the policy has the minimum) */
	{
		struct ksrtp_key_req k = {
			.flow_id = got.id, .dir = KSRTP_KEY_DIR_RX,
			.profile = KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_80,
			.key_len = 16, .salt_len = 14, .replay_window = 32769,
		};

		EXPECT_EQ(-ERANGE, ksrtp_nl_key_new(&self->nl, &k));
		EXPECT_STREQ("replay window above 32768 packets", self->nl.err_msg);
		k.replay_window = 127;
		EXPECT_EQ(-ERANGE, ksrtp_nl_key_new(&self->nl, &k));
	}
	EXPECT_EQ(0, ksrtp_nl_flow_del(&self->nl, &got));
}

/* KEY_NEW: every malformed, missing or inconsistent attribute refused. */
TEST_F(genl, key_new_rejections)
{
	struct ksrtp_flow_info f, got;
	struct ksrtp_key_req k;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	make_flow(&f, "10.0.0.1:4000", "10.0.0.2:4000");
	ASSERT_EQ(0, ksrtp_nl_flow_new(&self->nl, &f, &got));

#define KEYREQ(p, kl, sl) (struct ksrtp_key_req){ .flow_id = got.id,	\
		.dir = KSRTP_KEY_DIR_TX, .profile = (p), .key_len = (kl),	\
		.salt_len = (sl) }

	/* Good: 16-byte key, 14-byte salt for AES_CM_128. */
	k = KEYREQ(KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_80, 16, 14);
	EXPECT_EQ(0, ksrtp_nl_key_new(&self->nl, &k));

	k = KEYREQ(KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_80, 32, 14);
	EXPECT_EQ(-EINVAL, ksrtp_nl_key_new(&self->nl, &k));
	EXPECT_STREQ("master key must be 16 bytes for this profile", self->nl.err_msg);

	k = KEYREQ(KSRTP_PROFILE_AES_256_CM_HMAC_SHA1_80, 16, 14);
	EXPECT_EQ(-EINVAL, ksrtp_nl_key_new(&self->nl, &k));
	EXPECT_STREQ("master key must be 32 bytes for this profile", self->nl.err_msg);

	k = KEYREQ(KSRTP_PROFILE_AEAD_AES_128_GCM, 16, 14);
	EXPECT_EQ(-EINVAL, ksrtp_nl_key_new(&self->nl, &k));
	EXPECT_STREQ("master salt must be 12 bytes for this profile", self->nl.err_msg);

	k = KEYREQ(5, 16, 14);
	EXPECT_EQ(-EOPNOTSUPP, ksrtp_nl_key_new(&self->nl, &k));
	EXPECT_STREQ("unknown SRTP profile", self->nl.err_msg);

	k = KEYREQ(KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_80, 16, 14);
	k.flow_id = got.id + 1000;
	EXPECT_EQ(-ENOENT, ksrtp_nl_key_new(&self->nl, &k));
	EXPECT_STREQ("no flow with this id", self->nl.err_msg);

	k = KEYREQ(KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_80, 16, 14);
	k.dir = 2;
	EXPECT_EQ(-ERANGE, ksrtp_nl_key_new(&self->nl, &k));
	EXPECT_NE(0, self->nl.err_msg[0]);

	k = KEYREQ(KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_80, 16, 14);
	k.slot = 2;
	EXPECT_EQ(-ERANGE, ksrtp_nl_key_new(&self->nl, &k));

	k = KEYREQ(KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_80, 16, 14);
	k.replay_window = 64;
	EXPECT_EQ(-ERANGE, ksrtp_nl_key_new(&self->nl, &k));

	/* Missing master key, built by hand. */
	nlh = ksrtp_nl_msg(&self->nl, buf, KSRTP_CMD_KEY_NEW, 0);
	nest = mnl_attr_nest_start(nlh, KSRTP_A_KEY);
	mnl_attr_put_u32(nlh, KSRTP_A_KEY_FLOW_ID, got.id);
	mnl_attr_put_u8(nlh, KSRTP_A_KEY_DIR, KSRTP_KEY_DIR_RX);
	mnl_attr_put_u16(nlh, KSRTP_A_KEY_PROFILE, KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_80);
	mnl_attr_put(nlh, KSRTP_A_KEY_MASTER_SALT, 14, "01234567890123");
	mnl_attr_nest_end(nlh, nest);
	EXPECT_EQ(-EINVAL, ksrtp_nl_send(&self->nl, nlh));
	EXPECT_STREQ("missing master key (KSRTP_A_KEY_MASTER_KEY)", self->nl.err_msg);

	/* A key is never readable back: the reply-only attributes refused. */
	nlh = ksrtp_nl_msg(&self->nl, buf, KSRTP_CMD_KEY_NEW, 0);
	nest = mnl_attr_nest_start(nlh, KSRTP_A_KEY);
	mnl_attr_put_u32(nlh, KSRTP_A_KEY_FLOW_ID, got.id);
	mnl_attr_put_u8(nlh, KSRTP_A_KEY_DIR, KSRTP_KEY_DIR_RX);
	mnl_attr_put_u64(nlh, KSRTP_A_KEY_PACKETS, 1);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_EQ(-EINVAL, ksrtp_nl_send(&self->nl, nlh));

	/* Swap and delete need a key in the other / named slot. */
	EXPECT_EQ(-ENOENT, ksrtp_nl_key_swap(&self->nl, got.id, KSRTP_KEY_DIR_TX));
	EXPECT_STREQ("the other slot holds no key", self->nl.err_msg);
	EXPECT_EQ(-ENOENT, ksrtp_nl_key_del(&self->nl, got.id, KSRTP_KEY_DIR_RX, 0));
	EXPECT_STREQ("no key in this slot", self->nl.err_msg);
	EXPECT_EQ(0, ksrtp_nl_key_del(&self->nl, got.id, KSRTP_KEY_DIR_TX, 0));
#undef KEYREQ
}

/*
 * Every replay window and SSRC bound the policy admits either works or is
 * refused with a message, never half-allocated (issue 10: window 32768 with
 * the default SSRC bound made ksrtp_ctx_size() return 0, kzalloc(0) gave
 * ZERO_SIZE_PTR and the error path dereferenced it: a kernel panic).
 */
TEST_F(genl, key_window_and_ssrc_bounds)
{
	static const uint32_t windows[] = { 0, 128, 129, 1000, 4096, 32767, 32768 };
	static const uint32_t ssrcs[] = { 0, 1, 16, 17, 31, 32, 1000, 4095, 4096 };
	static const uint16_t profiles[] = {
		KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_80,
		KSRTP_PROFILE_AEAD_AES_256_GCM,
	};
	struct ksrtp_flow_info f, got;
	struct ksrtp_info info;
	unsigned int w, n, p, ok = 0, refused = 0;

	make_flow(&f, "10.0.0.1:4000", "10.0.0.2:4000");
	ASSERT_EQ(0, ksrtp_nl_flow_new(&self->nl, &f, &got));
	for (p = 0; p < 2; p++) {
		for (w = 0; w < sizeof(windows) / sizeof(windows[0]); w++) {
			for (n = 0; n < sizeof(ssrcs) / sizeof(ssrcs[0]); n++) {
				bool gcm = profiles[p] == KSRTP_PROFILE_AEAD_AES_256_GCM;
				struct ksrtp_key_req k = {
					.flow_id = got.id, .dir = (uint8_t)(n & 1),
					.slot = (uint8_t)(w & 1),
					.profile = profiles[p],
					.key_len = gcm ? 32 : 16,
					.salt_len = gcm ? 12 : 14,
					.replay_window = windows[w],
					.max_ssrcs = ssrcs[n],
				};
				int ret = ksrtp_nl_key_new(&self->nl, &k);

				if (ret == 0) {
					ok++;
					continue;
				}
				refused++;
				EXPECT_EQ(-ERANGE, ret);
				EXPECT_STREQ("replay window x SSRC bound needs more than the 512 KiB a key may use (KSRTP_A_KEY_REPLAY_WINDOW, KSRTP_A_KEY_MAX_SSRCS)",
					     self->nl.err_msg);
				/* The limit is per key: only large products. */
				EXPECT_LT(64 * 1024, (uint64_t)(windows[w] ?: 128) *
					  (ssrcs[n] ?: 16));
			}
		}
		/* The documented extremes, each alone, work. */
		struct ksrtp_key_req k = {
			.flow_id = got.id, .profile = profiles[p],
			.key_len = p ? 32 : 16, .salt_len = p ? 12 : 14,
			.replay_window = 32768,
		};
		EXPECT_EQ(0, ksrtp_nl_key_new(&self->nl, &k));
		k = (struct ksrtp_key_req){ .flow_id = got.id, .profile = profiles[p],
			.key_len = p ? 32 : 16, .salt_len = p ? 12 : 14,
			.max_ssrcs = 4096 };
		EXPECT_EQ(0, ksrtp_nl_key_new(&self->nl, &k));
	}
	TH_LOG("%u combinations installed, %u refused", ok, refused);
	EXPECT_LT(0, refused);
	EXPECT_LT(refused, ok);

	/* One past each end is refused by the policy. */
	struct ksrtp_key_req k = { .flow_id = got.id,
		.profile = KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_80,
		.key_len = 16, .salt_len = 14, .replay_window = 32769 };
	EXPECT_EQ(-ERANGE, ksrtp_nl_key_new(&self->nl, &k));
	k = (struct ksrtp_key_req){ .flow_id = got.id,
		.profile = KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_80,
		.key_len = 16, .salt_len = 14, .replay_window = 127 };
	EXPECT_EQ(-ERANGE, ksrtp_nl_key_new(&self->nl, &k));
	k = (struct ksrtp_key_req){ .flow_id = got.id,
		.profile = KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_80,
		.key_len = 16, .salt_len = 14, .max_ssrcs = 4097 };
	EXPECT_EQ(-ERANGE, ksrtp_nl_key_new(&self->nl, &k));
	ASSERT_EQ(0, ksrtp_nl_get_info(&self->nl, &info));
	EXPECT_EQ(1, info.flow_count);
}

/* STATS report keys by profile and slot, never their bytes. */
TEST_F(genl, stats_describe_keys_without_material)
{
	struct ksrtp_flow_info f, got;
	struct ksrtp_flow_stats st;
	struct ksrtp_key_req k = { .dir = KSRTP_KEY_DIR_RX, .slot = 1,
		.profile = KSRTP_PROFILE_AEAD_AES_256_GCM, .key_len = 32,
		.salt_len = 12 };

	make_flow(&f, "10.0.0.1:4000", "10.0.0.2:4000");
	ASSERT_EQ(0, ksrtp_nl_flow_new(&self->nl, &f, &got));
	k.flow_id = got.id;
	memset(k.key, 0xa5, sizeof(k.key));
	ASSERT_EQ(0, ksrtp_nl_key_new(&self->nl, &k));
	/* The client wiped its copy after sending. */
	EXPECT_EQ(0, k.key[0]);
	ASSERT_EQ(0, ksrtp_nl_stats_get(&self->nl, &got, &st));
	ASSERT_EQ(1, st.nkeys);
	EXPECT_EQ(KSRTP_KEY_DIR_RX, st.keys[0].dir);
	EXPECT_EQ(1, st.keys[0].slot);
	EXPECT_EQ(1, st.keys[0].active);
	EXPECT_EQ(KSRTP_PROFILE_AEAD_AES_256_GCM, st.keys[0].profile);
}

/* Watches: ranges validated, ids returned, deleted by id. */
TEST_F(genl, watch_new_del)
{
	uint32_t id = 0, id2 = 0;

	ASSERT_EQ(0, ksrtp_nl_watch_new(&self->nl, 10000, 20000, &id));
	EXPECT_NE(0, id);
	ASSERT_EQ(0, ksrtp_nl_watch_new(&self->nl, 30000, 30000, &id2));
	EXPECT_NE(id, id2);
	EXPECT_EQ(-EINVAL, ksrtp_nl_watch_new(&self->nl, 20000, 10000, NULL));
	EXPECT_STREQ("highest port is below the lowest", self->nl.err_msg);
	EXPECT_EQ(0, ksrtp_nl_watch_del(&self->nl, id));
	EXPECT_EQ(-ENOENT, ksrtp_nl_watch_del(&self->nl, id));
	EXPECT_STREQ("no watch with this id", self->nl.err_msg);
	EXPECT_EQ(0, ksrtp_nl_watch_del(&self->nl, id2));
}

/*
 * A caller without CAP_NET_ADMIN changes nothing and learns no flow; the
 * whole model is tested in ksrtp_perm.c.
 */
TEST_F(genl, unprivileged_refused)
{
	struct ksrtp_flow_info f;
	struct ksrtp_info info;
	pid_t pid;
	int status;

	make_flow(&f, "10.0.0.1:4000", "10.0.0.2:4000");
	ASSERT_EQ(0, ksrtp_nl_flow_new(&self->nl, &f, NULL));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct d[2] = { { 0 } };
		struct ksrtp_nl nl;
		struct ksrtp_flow_info g;

		/* Drop every capability, as an ordinary user would have. */
		if (syscall(SYS_capset, &h, d))
			_exit(10);
		if (ksrtp_nl_open(&nl))
			_exit(11);
		if (ksrtp_nl_get_info(&nl, &info) || info.flow_count != 0)
			_exit(12);
		make_flow(&g, "10.0.0.3:4000", "10.0.0.4:4000");
		if (ksrtp_nl_flow_new(&nl, &g, NULL) != -EPERM)
			_exit(13);
		if (ksrtp_nl_flow_del(&nl, &f) != -EPERM)
			_exit(14);
		struct ksrtp_key_req k = { .flow_id = 1, .profile = 1,
					   .key_len = 16, .salt_len = 14 };

		if (ksrtp_nl_key_new(&nl, &k) != -EPERM)
			_exit(15);
		if (ksrtp_nl_zrtp_listen(&nl) != -EPERM)
			_exit(16);
		if (ksrtp_nl_watch_new(&nl, 1, 2, NULL) != -EPERM)
			_exit(17);
		if (ksrtp_nl_flow_set(&nl, &f) != -EPERM)
			_exit(18);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* The flow is still there. */
	EXPECT_EQ(1, flow_count(&self->nl));
}

static int set_max_flows(const char *v)
{
	FILE *f = fopen("/sys/module/ksrtp/parameters/max_flows", "w");
	int ret;

	if (!f)
		return -errno;
	ret = fputs(v, f) < 0 ? -EIO : 0;
	return fclose(f) ? -errno : ret;
}

/* max_flows bounds each network namespace on its own (issue 10). */
TEST_F(genl, max_flows_per_netns)
{
	struct ksrtp_flow_info f;
	char local[32];
	int i, status;
	pid_t pid;

	ASSERT_EQ(0, set_max_flows("10"));
	for (i = 0; i < 10; i++) {
		snprintf(local, sizeof(local), "10.0.0.1:%d", 4000 + 2 * i);
		make_flow(&f, local, "10.0.0.2:5000");
		ASSERT_EQ(0, ksrtp_nl_flow_new(&self->nl, &f, NULL));
	}
	make_flow(&f, "10.0.0.1:3000", "10.0.0.2:5000");
	EXPECT_EQ(-ENOSPC, ksrtp_nl_flow_new(&self->nl, &f, NULL));
	EXPECT_STREQ("flow limit of this network namespace reached (max_flows)",
		     self->nl.err_msg);
	/* Another namespace has its own ten. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct ksrtp_nl nl;

		if (unshare(CLONE_NEWNET) || ksrtp_nl_open(&nl))
			_exit(1);
		for (i = 0; i < 10; i++) {
			snprintf(local, sizeof(local), "10.0.0.1:%d", 4000 + 2 * i);
			make_flow(&f, local, "10.0.0.2:5000");
			if (ksrtp_nl_flow_new(&nl, &f, NULL))
				_exit(2);
		}
		_exit(ksrtp_nl_flow_new(&nl, &f, NULL) == -ENOSPC ? 0 : 3);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* A freed place can be taken again. */
	make_flow(&f, "10.0.0.1:4000", "10.0.0.2:5000");
	ASSERT_EQ(0, ksrtp_nl_flow_del(&self->nl, &f));
	make_flow(&f, "10.0.0.1:3000", "10.0.0.2:5000");
	EXPECT_EQ(0, ksrtp_nl_flow_new(&self->nl, &f, NULL));
	EXPECT_EQ(0, set_max_flows("16384"));
}

/* Flows belong to their network namespace and die with it. */
TEST_F(genl, flows_are_per_netns)
{
	struct ksrtp_flow_info f;
	pid_t pid;
	int status;

	make_flow(&f, "10.0.0.1:4000", "10.0.0.2:4000");
	ASSERT_EQ(0, ksrtp_nl_flow_new(&self->nl, &f, NULL));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct ksrtp_nl nl;
		struct ksrtp_info info;
		int i;

		if (unshare(CLONE_NEWNET))
			_exit(20);
		if (ksrtp_nl_open(&nl))
			_exit(21);
		if (ksrtp_nl_get_info(&nl, &info) || info.flow_count != 0)
			_exit(22);
		/* The same 4-tuple is free here. */
		if (ksrtp_nl_flow_new(&nl, &f, NULL))
			_exit(23);
		for (i = 1; i < 50; i++) {
			f.local.port = (uint16_t)(4000 + 2 * i);
			if (ksrtp_nl_flow_new(&nl, &f, NULL))
				_exit(24);
		}
		if (flow_count(&nl) != 50)
			_exit(25);
		/* Exiting destroys the namespace and, with it, these flows. */
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(1, flow_count(&self->nl));
}

TEST_HARNESS_MAIN
