/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSRTP_H
#define _KSRTP_H

/* Module version: major << 16 | minor << 8 | patch. */
#define KSRTP_VERSION		0x000100
#define KSRTP_VERSION_STR	"0.1.0"

#endif
