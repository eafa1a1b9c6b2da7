/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSRTP_STATS_H
#define _KSRTP_STATS_H

#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>
#include <uapi/linux/ksrtp.h>

/* Counters are indexed by their uapi attribute number. */
#define KSRTP_NSTATS	(KSRTP_A_STATS_MAX + 1)

struct ksrtp_pcpu_stats {
	struct u64_stats_sync syncp;
	u64_stats_t c[KSRTP_NSTATS];
};

static inline void ksrtp_stat_add(struct ksrtp_pcpu_stats __percpu *s,
				  unsigned int which, u64 n)
{
	struct ksrtp_pcpu_stats *p = get_cpu_ptr(s);

	u64_stats_update_begin(&p->syncp);
	u64_stats_add(&p->c[which], n);
	u64_stats_update_end(&p->syncp);
	put_cpu_ptr(s);
}

static inline void ksrtp_stat_inc(struct ksrtp_pcpu_stats __percpu *s,
				  unsigned int which)
{
	ksrtp_stat_add(s, which, 1);
}

/* Sum over every CPU into @out[KSRTP_NSTATS]. */
void ksrtp_stats_read(struct ksrtp_pcpu_stats __percpu *s, u64 *out);

#endif
