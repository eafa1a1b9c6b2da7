// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* libFuzzer: SRTP unprotect (see srtp_fuzz_common.h for the input format). */
#include "srtp_fuzz_common.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	return fuzz_run(data, size, ksrtp_protect, ksrtp_unprotect);
}
