/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the ksrtp kernel tests (run inside the VM). */
#ifndef KSFT_KSRTP_H
#define KSFT_KSRTP_H

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * The debug kernel (KASAN, lockdep, kmemleak) under TCG runs an order of
 * magnitude slower than the cloud kernel: the harness's 30 s per test is
 * too short there.  The VM runner's own timeout still bounds the run.
 * (TEST_F expands this where the test is defined, after this header.)
 */
#ifdef TEST_TIMEOUT_DEFAULT
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 600
#endif

/* The VM init exports KSRTP_KO; fall back to the usual install path. */
static inline const char *ksrtp_ko_path(void)
{
	const char *p = getenv("KSRTP_KO");

	return p ? p : "/lib/modules/extra/ksrtp.ko";
}

static inline int ksrtp_loaded(void)
{
	return access("/sys/module/ksrtp", F_OK) == 0;
}

/* Load ksrtp.ko; 0, or -errno.  Loading an already loaded module is 0. */
static inline int ksrtp_load(void)
{
	int fd, ret;

	if (ksrtp_loaded())
		return 0;
	fd = open(ksrtp_ko_path(), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = (int)syscall(SYS_finit_module, fd, "", 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret == -EEXIST ? 0 : ret;
}

static inline int ksrtp_unload(void)
{
	if (!ksrtp_loaded())
		return 0;
	return syscall(SYS_delete_module, "ksrtp", O_NONBLOCK) ? -errno : 0;
}

#endif
