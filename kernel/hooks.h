/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSRTP_HOOKS_H
#define _KSRTP_HOOKS_H

/* Module load, before any hook can run: the per-CPU buffers. */
int ksrtp_hooks_init(void);
/* Module exit, after every namespace's hooks are gone: free per-CPU pages. */
void ksrtp_hooks_exit(void);

#endif
