// SPDX-License-Identifier: GPL-2.0
/*
 * Who may use the ksrtp family (Documentation/operations.md, "Who may use
 * ksrtp"): every command but GET_INFO needs CAP_NET_ADMIN in the initial
 * user namespace, queries and dumps included; joining the events group
 * needs CAP_NET_ADMIN over the socket's network namespace.
 *
 * Each test forks a child that becomes the attacker -- a process without
 * capabilities, or nobody inside a user namespace of its own (where it
 * holds every capability of that namespace) -- and sends every command,
 * doit and dump, with a plausible request.  Runs in the VM as root.
 *
 * Kernel config: CONFIG_NET_NS, CONFIG_USER_NS.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/genetlink.h>
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

enum { NOBODY = 65534 };

static void make_flow(struct ksrtp_flow_info *f, const char *local,
		      const char *remote)
{
	memset(f, 0, sizeof(*f));
	if (ksrtp_parse_sockaddr(local, &f->local) ||
	    ksrtp_parse_sockaddr(remote, &f->remote))
		abort();
}

/* A ZRTP Hello-shaped packet: enough to pass ZRTP_XMIT's own checks. */
static const uint8_t zrtp_pkt[16] = { 0x10, 0, 0, 1, 'Z', 'R', 'T', 'P',
				      0, 0, 0, 1, 0x50, 0x5a, 0, 1 };

/*
 * Send every command the family implements, but GET_INFO, on @nl, naming
 * flow @id; return the number of them that did not fail with -EPERM,
 * printing each.
 */
static int all_refused(struct ksrtp_nl *nl, uint32_t id, const char *who)
{
	struct ksrtp_flow_info f = { .id = id }, out;
	struct ksrtp_flow_stats st;
	struct ksrtp_key_req k = { .flow_id = id, .profile = 1, .key_len = 16,
				   .salt_len = 14 };
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int bad = 0, ret;

#define REFUSED(what, call) do {					\
		ret = (call);						\
		if (ret != -EPERM) {					\
			fprintf(stderr, "# %s: %s returned %d (%s)\n",	\
				who, what, ret, nl->err_msg);		\
			bad++;						\
		}							\
	} while (0)

	make_flow(&out, "10.9.9.1:4000", "10.9.9.2:4000");
	REFUSED("FLOW_NEW", ksrtp_nl_flow_new(nl, &out, NULL));
	REFUSED("FLOW_GET", ksrtp_nl_flow_get(nl, &f, &out));
	nlh = ksrtp_nl_msg(nl, buf, KSRTP_CMD_FLOW_GET, NLM_F_DUMP);
	REFUSED("FLOW_GET dump", ksrtp_nl_send(nl, nlh));
	f.mode = KSRTP_FLOW_MODE_DIVERT;
	REFUSED("FLOW_SET", ksrtp_nl_flow_set(nl, &f));
	REFUSED("KEY_NEW", ksrtp_nl_key_new(nl, &k));
	REFUSED("KEY_SWAP", ksrtp_nl_key_swap(nl, id, KSRTP_KEY_DIR_TX));
	REFUSED("KEY_DEL", ksrtp_nl_key_del(nl, id, KSRTP_KEY_DIR_TX, 0));
	REFUSED("STATS_GET", ksrtp_nl_stats_get(nl, &f, &st));
	nlh = ksrtp_nl_msg(nl, buf, KSRTP_CMD_STATS_GET, NLM_F_DUMP);
	REFUSED("STATS_GET dump", ksrtp_nl_send(nl, nlh));
	REFUSED("ZRTP_LISTEN", ksrtp_nl_zrtp_listen(nl));
	REFUSED("ZRTP_XMIT", ksrtp_nl_zrtp_xmit(nl, &f, zrtp_pkt,
						sizeof(zrtp_pkt)));
	REFUSED("WATCH_NEW", ksrtp_nl_watch_new(nl, 10000, 10010, NULL));
	REFUSED("WATCH_DEL", ksrtp_nl_watch_del(nl, 1));
	REFUSED("FLOW_DEL", ksrtp_nl_flow_del(nl, &f));
#undef REFUSED
	return bad;
}

/* GET_INFO answers anyone, but the flow count only an administrator. */
static int info_without_count(struct ksrtp_nl *nl, const char *who)
{
	struct ksrtp_info info;
	int ret = ksrtp_nl_get_info(nl, &info);

	if (ret || info.api_version != KSRTP_API_VERSION || info.has_flow_count) {
		fprintf(stderr, "# %s: GET_INFO returned %d, api %u, %u flows\n",
			who, ret, info.api_version, info.flow_count);
		return 1;
	}
	return 0;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -errno;
	close(fd);
	return ret;
}

static int wait_child(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

FIXTURE(perm) {
	struct ksrtp_nl nl;
	struct ksrtp_flow_info flow;
	uint32_t watch;
};

FIXTURE_SETUP(perm)
{
	struct ksrtp_flow_info f;
	struct ksrtp_key_req k = { .dir = KSRTP_KEY_DIR_TX, .profile = 1,
				   .key_len = 16, .salt_len = 14 };

	ASSERT_EQ(0, ksrtp_load());
	ASSERT_EQ(0, ksrtp_nl_open(&self->nl));
	make_flow(&f, "10.0.0.1:4000", "10.0.0.2:4000");
	f.mode = KSRTP_FLOW_MODE_SECURE;
	ASSERT_EQ(0, ksrtp_nl_flow_new(&self->nl, &f, &self->flow));
	k.flow_id = self->flow.id;
	ASSERT_EQ(0, ksrtp_nl_key_new(&self->nl, &k));
	ASSERT_EQ(0, ksrtp_nl_watch_new(&self->nl, 20000, 20010, &self->watch));
	/* Debian's switch for unprivileged user namespaces, if present. */
	write_file("/proc/sys/kernel/unprivileged_userns_clone", "1");
}

FIXTURE_TEARDOWN(perm)
{
	ksrtp_nl_close(&self->nl);
	ksrtp_unload();
}

/* Nothing changed behind root's back: flow, key and watch are there. */
static void state_intact(struct __test_metadata *_metadata,
			 FIXTURE_DATA(perm) *self)
{
	struct ksrtp_flow_stats st;
	struct ksrtp_info info;

	ASSERT_EQ(0, ksrtp_nl_get_info(&self->nl, &info));
	EXPECT_EQ(1, info.flow_count);
	ASSERT_EQ(0, ksrtp_nl_stats_get(&self->nl, &self->flow, &st));
	EXPECT_EQ(KSRTP_FLOW_MODE_SECURE, st.flow.mode);
	EXPECT_EQ(1, st.nkeys);
	EXPECT_EQ(0, ksrtp_nl_watch_del(&self->nl, self->watch));
}

/* Root: every query answers, the events group can be joined. */
TEST_F(perm, root_may)
{
	struct ksrtp_nl ev;

	ASSERT_EQ(0, ksrtp_nl_open(&ev));
	EXPECT_EQ(0, ksrtp_nl_join_events(&ev));
	ksrtp_nl_close(&ev);
	state_intact(_metadata, self);
}

/* uid 0 with every capability dropped: as any ordinary process. */
TEST_F(perm, no_capabilities_refused)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct d[2] = { { 0 } };
		struct ksrtp_nl nl;
		int bad;

		if (syscall(SYS_capset, &h, d))
			_exit(100);
		if (ksrtp_nl_open(&nl))
			_exit(101);
		bad = all_refused(&nl, self->flow.id, "no caps");
		bad += info_without_count(&nl, "no caps");
		if (ksrtp_nl_join_events(&nl) != -EPERM) {
			fprintf(stderr, "# no caps: joined the events group\n");
			bad++;
		}
		_exit(bad);
	}
	EXPECT_EQ(0, wait_child(pid));
	state_intact(_metadata, self);
}

/*
 * nobody, then a user namespace and a network namespace of its own, where
 * it is root with every capability: what any local user can do on a
 * distribution that allows unprivileged user namespaces.  Tried on a socket
 * opened before (in the initial netns) and on one opened inside.
 */
TEST_F(perm, unprivileged_user_namespace_refused)
{
	pid_t pid;

	/* The debug kernel's defconfig has no CONFIG_USER_NS. */
	if (access("/proc/self/ns/user", F_OK))
		SKIP(return, "kernel without user namespaces (CONFIG_USER_NS)");
	pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct ksrtp_nl outer, inner;
		char map[32];
		int bad, ret;

		/* Dumpable again after setuid, so /proc/self/uid_map is ours. */
		if (setgid(NOBODY) || setuid(NOBODY) ||
		    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
			_exit(100);
		if (ksrtp_nl_open(&outer))
			_exit(101);
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET)) {
			fprintf(stderr, "# unshare: %s\n", strerror(errno));
			_exit(102);
		}
		snprintf(map, sizeof(map), "0 %d 1", NOBODY);
		ret = write_file("/proc/self/uid_map", map);
		if (ret || getuid() != 0) {
			fprintf(stderr, "# uid_map: %s\n", strerror(-ret));
			_exit(103);
		}
		if (ksrtp_nl_open(&inner))
			_exit(104);
		bad = all_refused(&outer, self->flow.id, "userns, initial netns");
		bad += all_refused(&inner, self->flow.id, "userns, own netns");
		bad += info_without_count(&outer, "userns, initial netns");
		bad += info_without_count(&inner, "userns, own netns");
		if (ksrtp_nl_join_events(&outer) != -EPERM) {
			fprintf(stderr, "# userns: joined the initial netns' events\n");
			bad++;
		}
		/*
		 * Its own netns' group it administers, and may join; but
		 * nothing can put a flow or a watch there but the host's
		 * administrator, as all_refused() just showed.
		 */
		if (ksrtp_nl_join_events(&inner)) {
			fprintf(stderr, "# userns: own netns' events refused\n");
			bad++;
		}
		_exit(bad);
	}
	EXPECT_EQ(0, wait_child(pid));
	state_intact(_metadata, self);
}

/*
 * A container with the real capability (root in the initial user namespace,
 * in a network namespace of its own) may use the family there.
 */
TEST_F(perm, admin_in_other_netns_may)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct ksrtp_flow_info f, got;
		struct ksrtp_flow_stats st;
		struct ksrtp_info info;
		struct ksrtp_nl nl;

		if (unshare(CLONE_NEWNET) || ksrtp_nl_open(&nl))
			_exit(100);
		make_flow(&f, "10.0.0.1:4000", "10.0.0.2:4000");
		if (ksrtp_nl_flow_new(&nl, &f, &got))
			_exit(101);
		if (ksrtp_nl_stats_get(&nl, &got, &st) || ksrtp_nl_get_info(&nl, &info) ||
		    info.flow_count != 1)
			_exit(102);
		if (ksrtp_nl_join_events(&nl))
			_exit(103);
		_exit(0);
	}
	EXPECT_EQ(0, wait_child(pid));
	state_intact(_metadata, self);
}

TEST_HARNESS_MAIN
