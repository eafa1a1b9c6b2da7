// SPDX-License-Identifier: GPL-2.0
/* zrtpctl info: what the kernel module is and can do. */
#include <inttypes.h>
#include <stdio.h>

#include <linux/ksrtp.h>

#include "ksrtp_nl.h"
#include "zrtpctl.h"

/* KSRTP_F_* bits by name, in bit order; an unknown bit prints as "bit N". */
static const char *const feature_names[] = {
	"flows", "ipv6", "srtp", "zrtp", "watch", "rx-trial", "secured-event",
	"relay", "latch",
};

static void print_features(uint64_t f)
{
	unsigned int i;

	printf("features:   ");
	for (i = 0; i < 64; i++) {
		if (!(f & (1ULL << i)))
			continue;
		if (i < sizeof(feature_names) / sizeof(feature_names[0]))
			printf(" %s", feature_names[i]);
		else
			printf(" bit%u", i);
	}
	printf("\n");
}

int cmd_info(int argc, char **argv, const struct ctl_opts *o)
{
	struct ksrtp_info info;
	struct ksrtp_nl nl;
	int ret;

	if (argc) {
		fprintf(stderr, "zrtpctl: info takes no arguments\n");
		return 2;
	}
	if (nl_open_or_explain(&nl))
		return 1;
	ret = ksrtp_nl_get_info(&nl, &info);
	if (ret) {
		ret = nl_fail(&nl, "info", ret);
		goto out;
	}
	if (o->json) {
		printf("{\"family\":\"%s\",\"family_id\":%u,\"version\":\"%u.%u.%u\","
		       "\"api_version\":%u,\"features\":%" PRIu64,
		       KSRTP_GENL_NAME, nl.family_id, info.version >> 16,
		       (info.version >> 8) & 0xff, info.version & 0xff,
		       info.api_version, info.features);
		if (info.has_flow_count)
			printf(",\"flows\":%u", info.flow_count);
		printf("}\n");
	} else {
		printf("family:      %s (id %u)\n", KSRTP_GENL_NAME, nl.family_id);
		printf("version:     %u.%u.%u\n", info.version >> 16,
		       (info.version >> 8) & 0xff, info.version & 0xff);
		printf("api version: %u\n", info.api_version);
		print_features(info.features);
		if (info.has_flow_count)
			printf("flows:       %u\n", info.flow_count);
		else
			printf("flows:       (shown to CAP_NET_ADMIN only)\n");
	}
	ret = 0;
out:
	ksrtp_nl_close(&nl);
	return ret;
}
