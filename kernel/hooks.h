/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSRTP_HOOKS_H
#define _KSRTP_HOOKS_H

int ksrtp_hooks_init(void);
void ksrtp_hooks_exit(void);

#endif
