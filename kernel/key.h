/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSRTP_KEY_H
#define _KSRTP_KEY_H

#include "flow.h"

/* What KEY_NEW carries, parsed.  The caller wipes it after use. */
struct ksrtp_key_params {
	u8 dir;
	u8 slot;
	u16 profile;
	u8 master_key[32];
	u8 key_len;
	u8 master_salt[14];
	u8 salt_len;
	bool has_roc;
	bool has_seq;
	u32 roc;
	u16 seq;
	u32 replay_window;
	u32 max_ssrcs;
};

/* Context bytes @p needs, within the core's limit or not (0: bad @p). */
size_t ksrtp_key_ctx_need(const struct ksrtp_key_params *p);

/* Expected master key and salt lengths of a uapi profile; false if unknown. */
bool ksrtp_profile_lengths(u16 profile, u8 *key_len, u8 *salt_len);

#endif
