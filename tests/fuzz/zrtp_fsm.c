// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the ZRTP state machine: two engines (Alice, Bob)
 * joined by a network the fuzzer drives.  The input is a program of
 * operations: deliver/drop/duplicate the next packet either way, advance
 * the clock, inject arbitrary bytes (CRC made valid) into either side,
 * flip a byte of an in-flight packet, call the public API (GoClear,
 * SASrelay, SRTP seen).  Invariants: no crash or sanitizer report, and if
 * both sides report SECURE their keys and SAS agree (an active attacker
 * may stop the handshake, never split it); a SASrelay is honoured only
 * from an enrolled MiTM.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include "zrtp_harness.h"

static int prng(void *arg, uint8_t *buf, size_t len)
{
	uint32_t *st = arg;

	for (size_t i = 0; i < len; i++) {
		*st = *st * 1103515245u + 12345u;
		buf[i] = *st >> 16;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zh_peer a, b;
	struct zrtp_config ca, cb;
	struct zrtp_cache *cache_a = NULL, *cache_b = NULL;
	uint32_t ra = 1, rb = 2;
	uint64_t now = 0;
	size_t i = 0;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (size < 2)
		return 0;
	zh_config(&ca, "fuzz-alice-1", 1, data[0] & 1 ? ZRTP_ROLE_AUTO : ZRTP_ROLE_INITIATOR);
	zh_config(&cb, "fuzz-bob---2", 2, data[0] & 2 ? ZRTP_ROLE_AUTO : ZRTP_ROLE_RESPONDER);
	ca.rand = cb.rand = prng;
	ca.rand_arg = &ra;
	cb.rand_arg = &rb;
	ca.allow_clear = cb.allow_clear = data[0] & 4;
	cb.mitm = data[0] & 8;
	/* fast key agreement keeps executions short */
	zh_prefs(&ca, ZRTP_CODE('S', '2', '5', '6'), ZRTP_CODE('A', 'E', 'S', '1'),
		 ZRTP_CODE('H', 'S', '3', '2'), ZRTP_CODE('X', '2', '5', '5'), ZRTP_CODE('B', '3', '2', ' '));
	cb.algs[ZRTP_ALG_KA][0] = ZRTP_CODE('X', '2', '5', '5');
	cb.nalgs[ZRTP_ALG_KA] = 1;
	/* retained secrets: in-memory caches, optionally pre-seeded with a
	 * shared rs1 (or different ones: a mismatch) and a PBX enrollment;
	 * optionally Preshared mode */
	if (data[0] & 0x10) {
		uint8_t rs[32], pbx[32];

		cache_a = zrtp_cache_open(":memory:");
		cache_b = zrtp_cache_open(":memory:");
		ca.cache = cache_a;
		cb.cache = cache_b;
		memset(rs, data[0], 32);
		memset(pbx, 0x77, 32);
		if (cache_a && cache_b && (data[0] & 0x20)) {
			zrtp_cache_rotate(cache_a, cb.zid, rs, NULL, 0xffffffff, true);
			rs[0] ^= (data[0] & 0x40) ? 1 : 0;
			zrtp_cache_rotate(cache_b, ca.zid, rs, NULL, 0xffffffff, true);
			zrtp_cache_set_pbx(cache_a, cb.zid, pbx);
			zrtp_cache_set_pbx(cache_b, ca.zid, pbx);
		}
		ca.pbx_enroll = cb.pbx_enroll = data[0] & 0x40;
		if (data[0] & 0x80) {
			ca.preshared = cb.preshared = true;
			ca.algs[ZRTP_ALG_KA][0] = cb.algs[ZRTP_ALG_KA][0] = ZRTP_CODE('P', 'r', 's', 'h');
			ca.algs[ZRTP_ALG_KA][1] = cb.algs[ZRTP_ALG_KA][1] = ZRTP_CODE('X', '2', '5', '5');
			ca.nalgs[ZRTP_ALG_KA] = cb.nalgs[ZRTP_ALG_KA] = 2;
		}
	}
	if (zh_start(&a, "a", &ca, now) || zh_start(&b, "b", &cb, now))
		goto out;
	i = 1;
	while (i < size) {
		uint8_t op = data[i++];
		struct zh_peer *from = op & 0x80 ? &b : &a, *to = op & 0x80 ? &a : &b;
		struct zh_pkt pk;
		struct zrtp_output o;

		zh_drain(&a, now);
		zh_drain(&b, now);
		switch (op & 0x7) {
		case 0:	/* deliver */
		case 1:
			if (zh_take(from, &pk))
				zrtp_input(to->s, now, pk.b, pk.len);
			break;
		case 2:	/* drop */
			zh_take(from, &pk);
			break;
		case 3:	/* duplicate */
			if (zh_take(from, &pk)) {
				zrtp_input(to->s, now, pk.b, pk.len);
				zrtp_input(to->s, now, pk.b, pk.len);
			}
			break;
		case 4:	/* advance to the sender's next timer */
			zrtp_poll(from->s, now, &o);
			if (o.kind == ZRTP_OUT_NONE && o.next_timer_ms != UINT64_MAX)
				now = o.next_timer_ms;
			else
				now += 10;
			break;
		case 5: {	/* inject: len byte, then bytes */
			uint8_t buf[ZRTP_OUT_MAX_PKT];
			size_t n = i < size ? data[i++] * 4u + 16 : 0;

			if (n > size - i)
				n = size - i;
			memcpy(buf, data + i, n);
			i += n;
			if (n >= 16) {
				buf[0] = 0x10;
				memcpy(buf + 4, "ZRTP", 4);
				zrtp_packet_set_crc(buf, n);
			}
			zrtp_input(to->s, now, buf, n);
			break;
		}
		case 6:	/* tamper with the next packet: offset, xor */
			if (i + 1 < size && zh_take(from, &pk)) {
				pk.b[data[i] % pk.len] ^= data[i + 1] | 1;
				zrtp_packet_set_crc(pk.b, pk.len);
				zrtp_input(to->s, now, pk.b, pk.len);
			}
			i += 2;
			break;
		case 7:	/* API calls */
			switch ((op >> 3) & 3) {
			case 0: zrtp_go_clear(from->s, now); break;
			case 1: zrtp_srtp_received(from->s, now); break;
			case 2: {
				uint8_t h[32] = { op };

				zrtp_send_sasrelay(from->s, now, h, ZRTP_CODE('B', '3', '2', ' '));
				break;
			}
			default: zrtp_set_sas_verified(from->s, true); break;
			}
			break;
		}
	}
	zh_drain(&a, now);
	zh_drain(&b, now);
	if (a.n_secure && b.n_secure) {
		if (a.secure.tx.key_len != b.secure.rx.key_len ||
		    memcmp(a.secure.tx.key, b.secure.rx.key, a.secure.tx.key_len) ||
		    memcmp(a.secure.rx.key, b.secure.tx.key, a.secure.rx.key_len) ||
		    strcmp(a.secure.sas, b.secure.sas))
			abort();
	}
	/* §7.3: a SAS is relayed only by an enrolled MiTM -- Bob, with M set
	 * and a pbxsecret in both caches before the call.  Alice is never a
	 * MiTM, and nothing injected can make a relay pass. */
	if (b.n_relayed || (a.n_relayed && !(cb.mitm && (data[0] & 0x30) == 0x30)))
		abort();
out:
	zh_stop(&a);
	zh_stop(&b);
	zrtp_cache_close(cache_a);
	zrtp_cache_close(cache_b);
	return 0;
}
