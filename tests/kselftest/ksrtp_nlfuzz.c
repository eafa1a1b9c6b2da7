// SPDX-License-Identifier: GPL-2.0
/*
 * The ksrtp netlink family against hostile input: a deterministic sweep and
 * a seeded random fuzzer.  Runs in the VM as root.
 *
 * sweep: every command (and the numbers around them) with a valid request,
 *   then with each attribute, top level and nested, set to the minimum,
 *   maximum and one past each of its range, to the limits of its type, to
 *   lengths its type does not have (0, 1, 3 bytes, one too many), given
 *   twice, left out, and with an unknown attribute added.  As root every
 *   refusal must carry an extack message (but EPERM and an unknown
 *   command's EOPNOTSUPP, which the genetlink core answers itself); from
 *   nobody's own user namespace every command but GET_INFO is EPERM.
 *   GET_INFO answers afterwards.
 *
 * fuzz: random attribute trees, valid and invalid, for every command, from
 *   a seeded PRNG (KSRTP_FUZZ_SEED, printed: rerun with it to reproduce),
 *   KSRTP_FUZZ_OPS operations (default 3000) or for KSRTP_FUZZ_SECONDS,
 *   while RTP, SRTP-looking and ZRTP datagrams flow both ways over a veth
 *   pair on the 4-tuple the fuzzer's flows use.  GET_INFO must answer every
 *   500 operations and at the end; the VM runner then checks the kernel log
 *   (KASAN, lockdep, kmemleak on the debug kernel).
 *
 * Kernel config: CONFIG_NET_NS, CONFIG_USER_NS, CONFIG_VETH,
 * CONFIG_NETFILTER, the SRTP crypto.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/ksrtp.h>

#include "kselftest_harness.h"
#include "ksft_ksrtp.h"
#include "ksft_netns.h"
#include "ksrtp_nl.h"

/* A timed run (make fuzz: FUZZ_TIME seconds) outlasts the usual 600 s. */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 7200

/* ---- attribute schema ---------------------------------------------------- */

enum kind { K_NONE, K_U8, K_U16, K_U32, K_U64, K_BIN, K_NEST, K_FLAG };

struct spec {
	enum kind kind;
	uint64_t lo, hi;		/* the policy's range; BIN: max length */
	const struct spec *nest;	/* K_NEST: children, indexed by type */
	unsigned int nmax;		/* K_NEST: highest child type */
};

static const struct spec addr_spec[KSRTP_A_ADDR_MAX + 1] = {
	[KSRTP_A_ADDR_FAMILY]	= { K_U16, 0, 0xffff },
	[KSRTP_A_ADDR_IN]	= { K_U32, 0, 0xffffffff },
	[KSRTP_A_ADDR_IN6]	= { K_BIN, 16, 16 },
	[KSRTP_A_ADDR_PORT]	= { K_U16, 0, 0xffff },
};

static const struct spec flow_spec[KSRTP_A_FLOW_MAX + 1] = {
	[KSRTP_A_FLOW_ID]	= { K_U32, 1, 0xffffffff },
	[KSRTP_A_FLOW_LOCAL]	= { K_NEST, 0, 0, addr_spec, KSRTP_A_ADDR_MAX },
	[KSRTP_A_FLOW_REMOTE]	= { K_NEST, 0, 0, addr_spec, KSRTP_A_ADDR_MAX },
	[KSRTP_A_FLOW_MODE]	= { K_U8, 0, KSRTP_FLOW_MODE_MAX },
	[KSRTP_A_FLOW_POLICY]	= { K_U32, 0, KSRTP_POLICY_MASK },
};

static const struct spec key_spec[KSRTP_A_KEY_MAX + 1] = {
	[KSRTP_A_KEY_FLOW_ID]		= { K_U32, 1, 0xffffffff },
	[KSRTP_A_KEY_DIR]		= { K_U8, 0, 1 },
	[KSRTP_A_KEY_SLOT]		= { K_U8, 0, 1 },
	[KSRTP_A_KEY_PROFILE]		= { K_U16, 1, 8 },
	[KSRTP_A_KEY_MASTER_KEY]	= { K_BIN, 16, 32 },
	[KSRTP_A_KEY_MASTER_SALT]	= { K_BIN, 12, 14 },
	[KSRTP_A_KEY_ROC]		= { K_U32, 0, 0xffffffff },
	[KSRTP_A_KEY_SEQ]		= { K_U16, 0, 0xffff },
	[KSRTP_A_KEY_REPLAY_WINDOW]	= { K_U32, 128, 32768 },
	[KSRTP_A_KEY_MAX_SSRCS]		= { K_U32, 1, 4096 },
	[KSRTP_A_KEY_ACTIVE]		= { K_FLAG },
	[KSRTP_A_KEY_PACKETS]		= { K_U64, 0, ~0ULL },
	[KSRTP_A_KEY_PAD]		= { K_BIN, 0, 8 },
};

static const struct spec watch_spec[KSRTP_A_WATCH_MAX + 1] = {
	[KSRTP_A_WATCH_ID]	= { K_U32, 1, 0xffffffff },
	[KSRTP_A_WATCH_PORT_MIN] = { K_U16, 1, 0xffff },
	[KSRTP_A_WATCH_PORT_MAX] = { K_U16, 1, 0xffff },
};

static const struct spec relay_spec[KSRTP_A_RELAY_MAX + 1] = {
	[KSRTP_A_RELAY_ID]	= { K_U32, 1, 0xffffffff },
	[KSRTP_A_RELAY_FLOW_A]	= { K_U32, 1, 0xffffffff },
	[KSRTP_A_RELAY_FLOW_B]	= { K_U32, 1, 0xffffffff },
};

static const struct spec top_spec[KSRTP_A_MAX + 1] = {
	[KSRTP_A_VERSION]	= { K_U32, 0, 0xffffffff },
	[KSRTP_A_API_VERSION]	= { K_U32, 0, 0xffffffff },
	[KSRTP_A_FEATURES]	= { K_U64, 0, ~0ULL },
	[KSRTP_A_FLOW_COUNT]	= { K_U32, 0, 0xffffffff },
	[KSRTP_A_FLOW]		= { K_NEST, 0, 0, flow_spec, KSRTP_A_FLOW_MAX },
	[KSRTP_A_PAD]		= { K_BIN, 0, 8 },
	[KSRTP_A_KEY]		= { K_NEST, 0, 0, key_spec, KSRTP_A_KEY_MAX },
	[KSRTP_A_STATS]		= { K_NEST, 0, 0, NULL, 0 },
	[KSRTP_A_PACKET]	= { K_BIN, 12, 1500 },
	[KSRTP_A_WATCH]		= { K_NEST, 0, 0, watch_spec, KSRTP_A_WATCH_MAX },
	[KSRTP_A_EVENT_KIND]	= { K_U8, 1, 2 },
	[KSRTP_A_RELAY]		= { K_NEST, 0, 0, relay_spec, KSRTP_A_RELAY_MAX },
};

/* ---- request trees ------------------------------------------------------- */

enum { MAXN = 64, MAXV = 1600 };

struct node {
	uint16_t type;
	bool nest;
	int parent;			/* -1: top level */
	uint16_t len;			/* leaf: bytes of val */
	uint8_t val[MAXV];
};

struct req {
	uint8_t cmd;
	uint16_t flags;
	int n;
	struct node nd[MAXN];
};

static int add(struct req *r, int parent, uint16_t type, const void *v,
	       uint16_t len)
{
	struct node *x;

	if (r->n >= MAXN)
		return -1;
	x = &r->nd[r->n];
	x->type = type;
	x->nest = false;
	x->parent = parent;
	x->len = len;
	if (len)
		memcpy(x->val, v, len);
	return r->n++;
}

static int add_nest(struct req *r, int parent, uint16_t type)
{
	int i = add(r, parent, type, NULL, 0);

	if (i >= 0)
		r->nd[i].nest = true;
	return i;
}

static void add_u(struct req *r, int parent, uint16_t type, enum kind k,
		  uint64_t v)
{
	uint8_t b8 = (uint8_t)v;
	uint16_t b16 = (uint16_t)v;
	uint32_t b32 = (uint32_t)v;

	switch (k) {
	case K_U8: add(r, parent, type, &b8, 1); break;
	case K_U16: add(r, parent, type, &b16, 2); break;
	case K_U32: add(r, parent, type, &b32, 4); break;
	default: add(r, parent, type, &v, 8); break;
	}
}

static void put_children(struct nlmsghdr *nlh, const struct req *r, int parent)
{
	int i;

	for (i = 0; i < r->n; i++) {
		const struct node *x = &r->nd[i];

		if (x->parent != parent)
			continue;
		if (x->nest) {
			struct nlattr *a = mnl_attr_nest_start(nlh, x->type);

			put_children(nlh, r, i);
			mnl_attr_nest_end(nlh, a);
		} else {
			mnl_attr_put(nlh, x->type, x->len, x->val);
		}
	}
}

/* Send @r; its result (0 or -errno), the extack message in nl->err_msg. */
static int send_req(struct ksrtp_nl *nl, const struct req *r)
{
	static char buf[32768];
	struct nlmsghdr *nlh = ksrtp_nl_msg(nl, buf, r->cmd, r->flags);

	put_children(nlh, r, -1);
	return ksrtp_nl_send(nl, nlh);
}

static void add_addr(struct req *r, int parent, uint16_t type, bool v6,
		     const char *ip, uint16_t port)
{
	int a = add_nest(r, parent, type);
	uint16_t fam = v6 ? AF_INET6 : AF_INET, p = htons(port);
	uint8_t b[16];

	inet_pton(fam, ip, b);
	add(r, a, KSRTP_A_ADDR_FAMILY, &fam, 2);
	add(r, a, v6 ? KSRTP_A_ADDR_IN6 : KSRTP_A_ADDR_IN, b, v6 ? 16 : 4);
	add(r, a, KSRTP_A_ADDR_PORT, &p, 2);
}

/* The fuzzer's flows: the traffic's 4-tuple (A:5000 <-> B:6000) and others. */
static void add_tuple(struct req *r, int flow, unsigned int which)
{
	static const uint16_t lports[] = { 5000, 5002, 4000 };

	if (which % 4 == 3) {
		add_addr(r, flow, KSRTP_A_FLOW_LOCAL, true, "fd99::1", 5000);
		add_addr(r, flow, KSRTP_A_FLOW_REMOTE, true, "fd99::2", 6000);
		return;
	}
	add_addr(r, flow, KSRTP_A_FLOW_LOCAL, false, "10.99.0.1",
		 lports[which % 3]);
	add_addr(r, flow, KSRTP_A_FLOW_REMOTE, false, "10.99.0.2", 6000);
}

static const uint8_t zrtp_hello[16] = { 0x10, 0, 0, 1, 'Z', 'R', 'T', 'P',
					0, 0, 0, 1, 0x50, 0x5a, 0, 3 };

/*
 * What a valid relay request names: RELAY_NEW joins flow @id (leg A) and
 * relay_peer (leg B); RELAY_DEL and RELAY_GET name relay_id.
 */
static uint32_t relay_peer, relay_id;

/* A valid request for @cmd naming flow @id (GET_INFO: empty). */
static void valid_req(struct req *r, uint8_t cmd, uint32_t id, bool v6)
{
	uint8_t key[46];
	int n;

	memset(key, 0x5a, sizeof(key));
	r->cmd = cmd;
	r->flags = 0;
	r->n = 0;
	switch (cmd) {
	case KSRTP_CMD_FLOW_NEW:
		n = add_nest(r, -1, KSRTP_A_FLOW);
		add_tuple(r, n, v6 ? 3 : 0);
		add_u(r, n, KSRTP_A_FLOW_MODE, K_U8, KSRTP_FLOW_MODE_SECURE);
		add_u(r, n, KSRTP_A_FLOW_POLICY, K_U32, KSRTP_POLICY_RX_TRIAL);
		break;
	case KSRTP_CMD_FLOW_DEL:
	case KSRTP_CMD_FLOW_GET:
	case KSRTP_CMD_STATS_GET:
		n = add_nest(r, -1, KSRTP_A_FLOW);
		add_u(r, n, KSRTP_A_FLOW_ID, K_U32, id);
		break;
	case KSRTP_CMD_FLOW_SET:
		n = add_nest(r, -1, KSRTP_A_FLOW);
		add_u(r, n, KSRTP_A_FLOW_ID, K_U32, id);
		add_u(r, n, KSRTP_A_FLOW_MODE, K_U8, KSRTP_FLOW_MODE_SECURE);
		break;
	case KSRTP_CMD_KEY_NEW:
		n = add_nest(r, -1, KSRTP_A_KEY);
		add_u(r, n, KSRTP_A_KEY_FLOW_ID, K_U32, id);
		add_u(r, n, KSRTP_A_KEY_DIR, K_U8, KSRTP_KEY_DIR_RX);
		add_u(r, n, KSRTP_A_KEY_SLOT, K_U8, 1);
		add_u(r, n, KSRTP_A_KEY_PROFILE, K_U16,
		      KSRTP_PROFILE_AES_CM_128_HMAC_SHA1_80);
		add(r, n, KSRTP_A_KEY_MASTER_KEY, key, 16);
		add(r, n, KSRTP_A_KEY_MASTER_SALT, key + 16, 14);
		/* The defaults, so each extreme meets the other's default. */
		add_u(r, n, KSRTP_A_KEY_REPLAY_WINDOW, K_U32, 128);
		add_u(r, n, KSRTP_A_KEY_MAX_SSRCS, K_U32, 16);
		break;
	case KSRTP_CMD_KEY_DEL:
	case KSRTP_CMD_KEY_SWAP:
		n = add_nest(r, -1, KSRTP_A_KEY);
		add_u(r, n, KSRTP_A_KEY_FLOW_ID, K_U32, id);
		add_u(r, n, KSRTP_A_KEY_DIR, K_U8, KSRTP_KEY_DIR_RX);
		add_u(r, n, KSRTP_A_KEY_SLOT, K_U8, 1);
		break;
	case KSRTP_CMD_ZRTP_XMIT:
		n = add_nest(r, -1, KSRTP_A_FLOW);
		add_u(r, n, KSRTP_A_FLOW_ID, K_U32, id);
		add(r, -1, KSRTP_A_PACKET, zrtp_hello, sizeof(zrtp_hello));
		break;
	case KSRTP_CMD_WATCH_NEW:
		n = add_nest(r, -1, KSRTP_A_WATCH);
		add_u(r, n, KSRTP_A_WATCH_PORT_MIN, K_U16, 7000);
		add_u(r, n, KSRTP_A_WATCH_PORT_MAX, K_U16, 7010);
		break;
	case KSRTP_CMD_WATCH_DEL:
		n = add_nest(r, -1, KSRTP_A_WATCH);
		add_u(r, n, KSRTP_A_WATCH_ID, K_U32, 1);
		break;
	case KSRTP_CMD_RELAY_NEW:
		n = add_nest(r, -1, KSRTP_A_RELAY);
		add_u(r, n, KSRTP_A_RELAY_FLOW_A, K_U32, id);
		add_u(r, n, KSRTP_A_RELAY_FLOW_B, K_U32, relay_peer);
		break;
	case KSRTP_CMD_RELAY_DEL:
	case KSRTP_CMD_RELAY_GET:
		n = add_nest(r, -1, KSRTP_A_RELAY);
		add_u(r, n, KSRTP_A_RELAY_ID, K_U32, relay_id);
		break;
	}
}

static bool is_relay_cmd(unsigned int cmd)
{
	return cmd == KSRTP_CMD_RELAY_NEW || cmd == KSRTP_CMD_RELAY_DEL ||
	       cmd == KSRTP_CMD_RELAY_GET;
}

static const struct spec *spec_of(const struct req *r, int i)
{
	const struct spec *tbl = top_spec;
	unsigned int max = KSRTP_A_MAX;
	int chain[8], depth = 0, j;

	for (j = i; j >= 0 && depth < 8; j = r->nd[j].parent)
		chain[depth++] = j;
	while (depth--) {
		const struct node *x = &r->nd[chain[depth]];

		if (!tbl || x->type > max || tbl[x->type].kind == K_NONE)
			return NULL;
		if (!depth)
			return &tbl[x->type];
		max = tbl[x->type].nmax;
		tbl = tbl[x->type].nest;
	}
	return NULL;
}

/* ---- the sweep ----------------------------------------------------------- */

struct tally {
	unsigned int sent, ok, refused, no_msg, not_eperm;
	unsigned int relay_ok;	/* RELAY_* requests accepted */
};

static void judge(struct ksrtp_nl *nl, const struct req *r, int ret,
		  bool root, struct tally *t, const char *what)
{
	t->sent++;
	if (!ret) {
		t->ok++;
		t->relay_ok += is_relay_cmd(r->cmd);
		if (!root && r->cmd != KSRTP_CMD_GET_INFO) {
			t->not_eperm++;
			fprintf(stderr, "# unprivileged: cmd %u %s succeeded\n",
				r->cmd, what);
		}
		return;
	}
	t->refused++;
	if (!root) {
		if (ret != -EPERM && ret != -EOPNOTSUPP &&
		    r->cmd != KSRTP_CMD_GET_INFO) {
			t->not_eperm++;
			fprintf(stderr, "# unprivileged: cmd %u %s: %d\n",
				r->cmd, what, ret);
		}
		return;
	}
	if (ret != -EPERM && ret != -EOPNOTSUPP && !nl->err_msg[0]) {
		t->no_msg++;
		fprintf(stderr, "# cmd %u %s: %d without a message\n", r->cmd,
			what, ret);
	}
}

/* The values tried for one leaf of @s, with their lengths. */
static int leaf_values(const struct spec *s, uint8_t v[][40], uint16_t *len)
{
	static const unsigned int wrong[] = { 0, 1, 3 };
	unsigned int w = s->kind == K_U8 ? 1 : s->kind == K_U16 ? 2 :
			 s->kind == K_U32 ? 4 : s->kind == K_U64 ? 8 : 0;
	uint64_t vals[8];
	int n = 0, m = 0, i;

	if (s->kind == K_BIN) {
		uint64_t l[] = { 0, s->lo ? s->lo - 1 : 0, s->lo, s->hi,
				 s->hi + 1 };

		for (i = 0; i < 5; i++) {
			if (l[i] > 40)
				continue;
			memset(v[n], 0xa5, 40);
			len[n++] = (uint16_t)l[i];
		}
		return n;
	}
	if (s->kind == K_FLAG) {
		len[n++] = 0;
		len[n] = 4;
		memset(v[n++], 1, 4);
		return n;
	}
	vals[m++] = s->lo;
	vals[m++] = s->hi;
	vals[m++] = s->lo - 1;
	vals[m++] = s->hi + 1;
	vals[m++] = 0;
	vals[m++] = ~0ULL;
	for (i = 0; i < m; i++) {
		memset(v[n], 0, 40);
		memcpy(v[n], &vals[i], w);
		len[n++] = (uint16_t)w;
	}
	for (i = 0; i < 3; i++) {
		memset(v[n], 0x11, 40);
		len[n++] = (uint16_t)wrong[i];
	}
	memset(v[n], 0x22, 40);
	len[n++] = (uint16_t)(w + 1);
	return n;
}

/* Remove node @i and its subtree. */
static void drop(struct req *r, int i)
{
	int j, k, map[MAXN];
	struct req out = { .cmd = r->cmd, .flags = r->flags };

	for (j = 0; j < r->n; j++) {
		bool gone = false;

		for (k = j; k >= 0; k = r->nd[k].parent)
			if (k == i)
				gone = true;
		map[j] = -1;
		if (gone)
			continue;
		map[j] = out.n;
		out.nd[out.n] = r->nd[j];
		out.nd[out.n].parent = r->nd[j].parent < 0 ? -1 :
				       map[r->nd[j].parent];
		out.n++;
	}
	*r = out;
}

/* Every mutation of the valid request of @cmd; see the file comment. */
static void sweep_cmd(struct ksrtp_nl *nl, uint8_t cmd, uint32_t id, bool root,
		      struct tally *t)
{
	static struct req base, r;
	uint8_t v[16][40];
	uint16_t len[16];
	char what[96];
	int i, j, nv;

	valid_req(&base, cmd, id, false);
	judge(nl, &base, send_req(nl, &base), root, t, "valid");
	r = base;
	r.flags = NLM_F_DUMP;
	judge(nl, &r, send_req(nl, &r), root, t, "dump");
	for (i = 0; i < base.n; i++) {
		const struct spec *s = spec_of(&base, i);

		/* Left out. */
		r = base;
		drop(&r, i);
		snprintf(what, sizeof(what), "without attr %u", base.nd[i].type);
		judge(nl, &r, send_req(nl, &r), root, t, what);
		/* Given twice. */
		r = base;
		if (base.nd[i].nest) {
			int dup = add_nest(&r, base.nd[i].parent, base.nd[i].type);

			for (j = 0; j < base.n; j++)
				if (base.nd[j].parent == i && !base.nd[j].nest)
					add(&r, dup, base.nd[j].type,
					    base.nd[j].val, base.nd[j].len);
		} else {
			add(&r, base.nd[i].parent, base.nd[i].type,
			    base.nd[i].val, base.nd[i].len);
		}
		snprintf(what, sizeof(what), "attr %u twice", base.nd[i].type);
		judge(nl, &r, send_req(nl, &r), root, t, what);
		/* A nest given as a u32, with an unknown child, empty. */
		if (base.nd[i].nest) {
			uint32_t x = 1;

			r = base;
			r.nd[i].nest = false;
			memcpy(r.nd[i].val, &x, 4);
			r.nd[i].len = 4;
			for (j = 0; j < r.n; j++)
				if (r.nd[j].parent == i)
					r.nd[j].parent = -2;	/* orphaned: not sent */
			snprintf(what, sizeof(what), "nest %u as u32", base.nd[i].type);
			judge(nl, &r, send_req(nl, &r), root, t, what);
			r = base;
			add(&r, i, s ? (uint16_t)(s->nmax + 1) : 99, &x, 4);
			snprintf(what, sizeof(what), "nest %u + unknown", base.nd[i].type);
			judge(nl, &r, send_req(nl, &r), root, t, what);
			continue;
		}
		if (!s)
			continue;
		nv = leaf_values(s, v, len);
		for (j = 0; j < nv; j++) {
			r = base;
			memcpy(r.nd[i].val, v[j], len[j]);
			r.nd[i].len = len[j];
			snprintf(what, sizeof(what), "attr %u = value %d (%u bytes)",
				 base.nd[i].type, j, len[j]);
			judge(nl, &r, send_req(nl, &r), root, t, what);
		}
	}
	/* Every top-level attribute, alone, at its limits. */
	for (i = 1; i <= KSRTP_A_MAX + 1; i++) {
		const struct spec *s = i <= KSRTP_A_MAX ? &top_spec[i] : NULL;

		if (!s || s->kind == K_NEST || s->kind == K_NONE) {
			r.cmd = cmd;
			r.flags = 0;
			r.n = 0;
			add_nest(&r, -1, (uint16_t)i);
			snprintf(what, sizeof(what), "empty nest %d", i);
			judge(nl, &r, send_req(nl, &r), root, t, what);
			continue;
		}
		nv = leaf_values(s, v, len);
		for (j = 0; j < nv; j++) {
			r.cmd = cmd;
			r.flags = 0;
			r.n = 0;
			add(&r, -1, (uint16_t)i, v[j], len[j]);
			snprintf(what, sizeof(what), "top attr %d = value %d", i, j);
			judge(nl, &r, send_req(nl, &r), root, t, what);
		}
	}
}

/* One flow with keys in both directions and slots, for the sweep to name. */
static uint32_t sweep_flow(struct ksrtp_nl *nl)
{
	struct ksrtp_flow_info f = { .mode = KSRTP_FLOW_MODE_SECURE }, got = { 0 };
	unsigned int d, s;

	ksrtp_parse_sockaddr("10.77.0.1:4000", &f.local);
	ksrtp_parse_sockaddr("10.77.0.2:4000", &f.remote);
	if (ksrtp_nl_flow_new(nl, &f, &got))
		ksrtp_nl_flow_get(nl, &f, &got);
	for (d = 0; d < 2; d++)
		for (s = 0; s < 2; s++) {
			struct ksrtp_key_req k = { .flow_id = got.id, .dir = (uint8_t)d,
				.slot = (uint8_t)s, .profile = 1, .key_len = 16,
				.salt_len = 14 };

			ksrtp_nl_key_new(nl, &k);
		}
	return got.id;
}

/*
 * For the relay commands: leg B, a fresh flow (deleting the one before
 * takes any relay of the sweep with it), and for RELAY_DEL and RELAY_GET a
 * relay of the two to name.
 */
static void sweep_relay(struct ksrtp_nl *nl, unsigned int cmd, uint32_t id)
{
	struct ksrtp_flow_info f = { .mode = KSRTP_FLOW_MODE_DIVERT }, got = { 0 };
	struct ksrtp_relay_info ri = { 0 };

	ksrtp_parse_sockaddr("10.77.0.1:4002", &f.local);
	ksrtp_parse_sockaddr("10.77.0.2:4002", &f.remote);
	if (!ksrtp_nl_flow_get(nl, &f, &got))
		ksrtp_nl_flow_del(nl, &got);
	memset(&got, 0, sizeof(got));
	ksrtp_nl_flow_new(nl, &f, &got);
	relay_peer = got.id;
	relay_id = 1;
	if (cmd != KSRTP_CMD_RELAY_NEW && !ksrtp_nl_relay_new(nl, id, relay_peer, &ri))
		relay_id = ri.id;
}

static void sweep(struct ksrtp_nl *nl, bool root, struct tally *t)
{
	unsigned int c;

	for (c = 0; c <= KSRTP_CMD_MAX + 1; c++) {
		/* Each command gets a flow to name (FLOW_DEL removes it). */
		uint32_t id = root ? sweep_flow(nl) : 1;

		if (root && is_relay_cmd(c))
			sweep_relay(nl, c, id);
		sweep_cmd(nl, (uint8_t)c, id, root, t);
	}
}

TEST(sweep_as_root)
{
	struct ksrtp_info info;
	struct tally t = { 0 };
	struct ksrtp_nl nl;

	ASSERT_EQ(0, ksrtp_load());
	ASSERT_EQ(0, ksrtp_nl_open(&nl));
	sweep(&nl, true, &t);
	TH_LOG("%u requests: %u accepted, %u refused, %u refusals without a message",
	       t.sent, t.ok, t.refused, t.no_msg);
	EXPECT_EQ(0, t.no_msg);
	EXPECT_LT(50, t.ok);
	/* RELAY_NEW, RELAY_DEL, RELAY_GET valid; RELAY_GET dumps; more. */
	EXPECT_LE(4, t.relay_ok);
	TH_LOG("relay requests accepted: %u", t.relay_ok);
	ASSERT_EQ(0, ksrtp_nl_get_info(&nl, &info));
	EXPECT_EQ(KSRTP_API_VERSION, info.api_version);
	ksrtp_nl_close(&nl);
	ASSERT_EQ(0, ksrtp_unload());
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

/* The same sweep from nobody's own user and network namespace. */
TEST(sweep_from_unprivileged_user_namespace)
{
	struct ksrtp_info info;
	struct ksrtp_nl nl;
	int status;
	pid_t pid;

	/* The debug kernel's defconfig has no CONFIG_USER_NS. */
	if (access("/proc/self/ns/user", F_OK))
		SKIP(return, "kernel without user namespaces (CONFIG_USER_NS)");
	ASSERT_EQ(0, ksrtp_load());
	ASSERT_EQ(0, ksrtp_nl_open(&nl));
	sweep_flow(&nl);
	write_file("/proc/sys/kernel/unprivileged_userns_clone", "1");
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct tally t = { 0 };
		struct ksrtp_nl outer, inner;

		if (setgid(65534) || setuid(65534) ||
		    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
			_exit(100);
		if (ksrtp_nl_open(&outer))
			_exit(101);
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET) ||
		    write_file("/proc/self/uid_map", "0 65534 1"))
			_exit(102);
		if (ksrtp_nl_open(&inner))
			_exit(103);
		sweep(&outer, false, &t);
		sweep(&inner, false, &t);
		fprintf(stderr, "# %u requests from the user namespace, %u not refused as they should be\n",
			t.sent, t.not_eperm);
		_exit(t.not_eperm ? 1 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, ksrtp_nl_get_info(&nl, &info));
	EXPECT_EQ(1, info.flow_count);
	ksrtp_nl_close(&nl);
	ASSERT_EQ(0, ksrtp_unload());
}

/*
 * With parallel_ops nothing serialises the commands but each namespace's
 * lock: KEY_NEW builds its key unlocked and publishes it only if the flow
 * is still there.  Three processes race KEY_NEW (both directions and
 * slots, KEY_SWAP, KEY_DEL), FLOW_DEL + FLOW_NEW of the same flows, and
 * STATS_GET dumps, a fixed number of rounds each; a key published into a
 * freed flow would be a use-after-free (KASAN on the debug kernel) or a
 * leak (kmemleak).
 */
TEST(key_new_races_flow_del)
{
	enum { FLOWS = 4, ROUNDS = 1500 };
	struct ksrtp_info info;
	struct ksrtp_nl nl;
	pid_t pid[3];
	int p, status;

	ASSERT_EQ(0, ksrtp_load());
	for (p = 0; p < 3; p++) {
		pid[p] = fork();
		ASSERT_LE(0, pid[p]);
		if (pid[p])
			continue;
		if (ksrtp_nl_open(&nl))
			_exit(1);
		for (int i = 0; i < ROUNDS; i++) {
			struct ksrtp_flow_info f = { .mode = KSRTP_FLOW_MODE_SECURE }, got;
			char local[32];

			snprintf(local, sizeof(local), "10.66.0.1:%d", 4000 + 2 * (i % FLOWS));
			ksrtp_parse_sockaddr(local, &f.local);
			ksrtp_parse_sockaddr("10.66.0.2:4000", &f.remote);
			if (p == 0) {
				struct ksrtp_key_req k = {
					/* The flow's id now; it may go any moment. */
					.flow_id = ksrtp_nl_flow_get(&nl, &f, &got) ?
						   (uint32_t)(1 + i % FLOWS) : got.id,
					.dir = (uint8_t)(i & 1),
					.slot = (uint8_t)((i >> 1) & 1),
					.profile = i % 3 ? 1 : 7,
					.key_len = 16, .salt_len = i % 3 ? 14 : 12,
				};

				ksrtp_nl_key_new(&nl, &k);
				if (!(i % 5))
					ksrtp_nl_key_swap(&nl, k.flow_id, k.dir);
				if (!(i % 7))
					ksrtp_nl_key_del(&nl, k.flow_id, k.dir, k.slot);
			} else if (p == 1) {
				if (ksrtp_nl_flow_new(&nl, &f, &got) == -EEXIST)
					ksrtp_nl_flow_del(&nl, &f);
			} else {
				char buf[MNL_SOCKET_BUFFER_SIZE];

				ksrtp_nl_send(&nl, ksrtp_nl_msg(&nl, buf,
					KSRTP_CMD_STATS_GET, NLM_F_DUMP));
			}
		}
		_exit(0);
	}
	for (p = 0; p < 3; p++) {
		ASSERT_EQ(pid[p], waitpid(pid[p], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	}
	ASSERT_EQ(0, ksrtp_nl_open(&nl));
	ASSERT_EQ(0, ksrtp_nl_get_info(&nl, &info));
	TH_LOG("%d rounds in each of 3 processes; %u flows left", ROUNDS,
	       info.flow_count);
	ksrtp_nl_close(&nl);
	ASSERT_EQ(0, ksrtp_unload());
}

/* ---- the random fuzzer --------------------------------------------------- */

static uint64_t rng;

static uint64_t rnd64(void)
{
	uint64_t x = rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static unsigned int rn(unsigned int n)
{
	return n ? (unsigned int)(rnd64() % n) : 0;
}

static uint32_t ids[16];	/* flow ids seen in replies (or guessed) */

/* A value for leaf @s: mostly valid, sometimes at or past its edges. */
static void rand_leaf(struct req *r, int parent, uint16_t type,
		      const struct spec *s)
{
	uint8_t b[MAXV];
	uint16_t len;
	uint64_t v;

	if (!s || s->kind == K_NONE || !rn(20)) {
		len = (uint16_t)rn(24);
		for (v = 0; v < len; v++)
			b[v] = (uint8_t)rnd64();
		add(r, parent, type, b, len);
		return;
	}
	switch (s->kind) {
	case K_FLAG:
		add(r, parent, type, NULL, 0);
		return;
	case K_BIN:
		len = (uint16_t)(rn(4) ? s->lo + rn((unsigned int)(s->hi - s->lo + 1)) :
				 rn((unsigned int)s->hi + 2));
		if (type == KSRTP_A_PACKET && rn(2)) {
			memcpy(b, zrtp_hello, sizeof(zrtp_hello));
			len = (uint16_t)(16 + rn(200));
			for (v = 16; v < len; v++)
				b[v] = (uint8_t)rnd64();
		} else {
			for (v = 0; v < len; v++)
				b[v] = (uint8_t)rnd64();
		}
		add(r, parent, type, b, len);
		return;
	default:
		break;
	}
	switch (rn(8)) {
	case 0: v = s->lo; break;
	case 1: v = s->hi; break;
	case 2: v = s->lo - 1; break;
	case 3: v = s->hi + 1; break;
	case 4: v = rnd64(); break;
	default: v = s->lo + rnd64() % (s->hi - s->lo + 1 ?: 1); break;
	}
	if (parent >= 0 && r->nd[parent].type == KSRTP_A_RELAY &&
	    r->nd[parent].parent == -1) {
		/* A relay's legs are flows; its ids are small. */
		if (type == KSRTP_A_RELAY_ID)
			v = rn(8) ? 1 + rn(8) : v;
		else
			v = rn(8) ? ids[rn(16)] : v;
	} else if ((type == KSRTP_A_FLOW_ID && parent >= 0) ||
		   type == KSRTP_A_KEY_FLOW_ID) {
		v = rn(8) ? ids[rn(16)] : v;
	}
	if (type == KSRTP_A_KEY_PROFILE && rn(4))
		v = (uint64_t[]){ 1, 2, 3, 4, 7, 8 }[rn(6)];
	add_u(r, parent, type, s->kind, v);
}

static void rand_nest(struct req *r, int nest, const struct spec *tbl,
		      unsigned int max, int depth)
{
	unsigned int n = rn(7), i;

	for (i = 0; i < n; i++) {
		uint16_t type = (uint16_t)rn(max + 2);
		const struct spec *s = tbl && type <= max ? &tbl[type] : NULL;

		if (s && s->kind == K_NEST && depth < 3) {
			int c = add_nest(r, nest, type);

			if (c < 0)
				return;
			rand_nest(r, c, s->nest, s->nmax, depth + 1);
		} else {
			rand_leaf(r, nest, type, s);
		}
	}
}

/* A random request: often a valid one with a few random changes. */
static void rand_req(struct req *r)
{
	static const uint8_t relay_cmds[] = { KSRTP_CMD_RELAY_NEW,
		KSRTP_CMD_RELAY_DEL, KSRTP_CMD_RELAY_GET };
	uint8_t cmd = (uint8_t)(rn(10) ? 1 + rn(KSRTP_CMD_WATCH_DEL) :
				rn(KSRTP_CMD_MAX + 3));
	int i, n;

	if (!rn(6))
		cmd = relay_cmds[rn(3)];
	relay_peer = ids[rn(16)];
	relay_id = 1 + rn(8);
	if (rn(3)) {
		valid_req(r, cmd, ids[rn(16)], !rn(4));
		if (cmd == KSRTP_CMD_FLOW_NEW) {
			r->n = 0;
			n = add_nest(r, -1, KSRTP_A_FLOW);
			add_tuple(r, n, rn(8));
			add_u(r, n, KSRTP_A_FLOW_MODE, K_U8, rn(3) ? 1 : 0);
			add_u(r, n, KSRTP_A_FLOW_POLICY, K_U32, rn(4));
		}
		/* A few changes, each a leaf re-drawn or an attribute added. */
		for (i = rn(3); i > 0 && r->n; i--) {
			int at = (int)rn((unsigned int)r->n);
			const struct spec *s = spec_of(r, at);

			if (r->nd[at].nest || !s)
				continue;
			if (rn(2)) {
				struct req one = { 0 };

				rand_leaf(&one, -1, r->nd[at].type, s);
				memcpy(r->nd[at].val, one.nd[0].val, one.nd[0].len);
				r->nd[at].len = one.nd[0].len;
			} else {
				rand_leaf(r, r->nd[at].parent, r->nd[at].type, s);
			}
		}
	} else {
		r->cmd = cmd;
		r->n = 0;
		rand_nest(r, -1, top_spec, KSRTP_A_MAX, 0);
	}
	r->flags = rn(8) ? 0 : NLM_F_DUMP;
}

static int collect_id(const struct ksrtp_flow_info *f, void *arg)
{
	ids[rn(16)] = f->id;
	return 0;
}

/* Datagrams both ways on A:5000 <-> B:6000 until killed. */
static void traffic(const struct two_hosts *h)
{
	struct sockaddr_in a = { .sin_family = AF_INET }, b = a;
	uint8_t pkt[256];
	uint16_t seq = 0;
	int sa, sb, i;

	inet_pton(AF_INET, "10.99.0.1", &a.sin_addr);
	inet_pton(AF_INET, "10.99.0.2", &b.sin_addr);
	a.sin_port = htons(5000);
	b.sin_port = htons(6000);
	if (enter(h->fd_a))
		_exit(1);
	sa = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (sa < 0 || bind(sa, (struct sockaddr *)&a, sizeof(a)))
		_exit(2);
	if (enter(h->fd_b))
		_exit(3);
	sb = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (sb < 0 || bind(sb, (struct sockaddr *)&b, sizeof(b)))
		_exit(4);
	for (;;) {
		unsigned int kind = seq % 8, n = 12 + seq % 200;

		for (i = 0; i < (int)n; i++)
			pkt[i] = (uint8_t)(seq * 7 + i);
		pkt[0] = 0x80;
		pkt[1] = kind == 1 ? 200 : 96;	/* RTCP SR or RTP */
		pkt[2] = seq >> 8;
		pkt[3] = (uint8_t)seq;
		if (kind == 2) {
			memcpy(pkt, zrtp_hello, sizeof(zrtp_hello));
			n = n < 16 ? 16 : n;
		}
		sendto(sa, pkt, n, 0, (struct sockaddr *)&b, sizeof(b));
		sendto(sb, pkt, n, 0, (struct sockaddr *)&a, sizeof(a));
		while (recv(sa, pkt, sizeof(pkt), 0) > 0)
			;
		while (recv(sb, pkt, sizeof(pkt), 0) > 0)
			;
		seq++;
		if (!(seq % 64))
			usleep(1000);
	}
}

TEST(random_trees_under_traffic)
{
	const char *s_seed = getenv("KSRTP_FUZZ_SEED");
	const char *s_ops = getenv("KSRTP_FUZZ_OPS");
	const char *s_secs = getenv("KSRTP_FUZZ_SECONDS");
	unsigned long ops = s_ops ? strtoul(s_ops, NULL, 0) : 3000;
	unsigned long secs = s_secs ? strtoul(s_secs, NULL, 0) : 0;
	unsigned long i, ok = 0, reopened = 0;
	struct two_hosts h = { .fd_a = -1, .fd_b = -1 };
	struct ksrtp_info info;
	struct ksrtp_nl nl;
	time_t end;
	static struct req r;
	uint64_t seed;
	pid_t tp;
	int status;

	seed = s_seed ? strtoull(s_seed, NULL, 0) :
		(uint64_t)time(NULL) << 20 ^ (uint64_t)getpid();
	seed = seed ?: 1;
	rng = seed;
	/* The seed first, so that even a crashed run can be reproduced. */
	printf("# ksrtp_nlfuzz: KSRTP_FUZZ_SEED=0x%llx, %lu operations%s\n",
	       (unsigned long long)seed, secs ? 0 : ops,
	       secs ? " (timed run)" : "");
	fflush(stdout);
	end = time(NULL) + (time_t)secs;

	ASSERT_EQ(0, ksrtp_load());
	ASSERT_EQ(0, two_hosts_up(&h));
	tp = fork();
	ASSERT_LE(0, tp);
	if (tp == 0)
		traffic(&h);
	ASSERT_EQ(0, enter(h.fd_a));
	ASSERT_EQ(0, ksrtp_nl_open(&nl));
	for (i = 0; i < 16; i++)
		ids[i] = (uint32_t)(1 + i % 8);

	for (i = 0; secs ? time(NULL) < end : i < ops; i++) {
		int ret;

		rand_req(&r);
		ret = send_req(&nl, &r);
		if (!ret)
			ok++;
		/*
		 * The client's own trouble (a notification burst overflowing
		 * the socket, an ACK out of step): start a fresh socket.
		 */
		if (ret == -ENOBUFS || ret == -EPROTO || ret == -EILSEQ ||
		    ret == -EAGAIN) {
			ksrtp_nl_close(&nl);
			ASSERT_EQ(0, ksrtp_nl_open(&nl));
			reopened++;
		}
		if (!(i % 50))
			ksrtp_nl_flow_dump(&nl, collect_id, NULL);
		if (!(i % 500) || i + 1 == ops) {
			ASSERT_EQ(0, ksrtp_nl_get_info(&nl, &info))
				TH_LOG("after operation %lu, seed 0x%llx", i,
				       (unsigned long long)seed);
		}
	}
	kill(tp, SIGKILL);
	waitpid(tp, &status, 0);
	ASSERT_EQ(0, ksrtp_nl_get_info(&nl, &info));
	TH_LOG("%lu operations, %lu accepted, %u flows left, socket reopened %lu times (seed 0x%llx)",
	       i, ok, info.flow_count, reopened, (unsigned long long)seed);
	EXPECT_LT(0, ok);
	ksrtp_nl_close(&nl);
	two_hosts_down(&h);
	/* Every flow, key and watch goes with the module, none leaks. */
	ASSERT_EQ(0, ksrtp_unload());
}

TEST_HARNESS_MAIN
