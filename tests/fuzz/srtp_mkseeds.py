#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Write the seed corpora of the SRTP fuzzers (tests/fuzz/corpus/srtp_*/).

The unprotect fuzzers read a script (tests/fuzz/srtp_fuzz_common.h):
a header byte, then records [ctl][len16][packet]; ctl bit 0 makes the
harness protect the packet first, so seeds reach the authenticated paths.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def rtp(seq, ssrc=0x11223344, cc=0, ext=None, payload=b"\xab" * 20, pad=0):
    b0 = 0x80 | cc | (0x10 if ext is not None else 0) | (0x20 if pad else 0)
    h = struct.pack("!BBHII", b0, 96, seq & 0xFFFF, seq * 160, ssrc)
    h += b"".join(struct.pack("!I", 0x1000 + i) for i in range(cc))
    if ext is not None:
        h += struct.pack("!HH", 0xBEDE, len(ext) // 4) + ext
    body = payload + (b"\0" * (pad - 1) + bytes([pad]) if pad else b"")
    return h + body


def rtcp(ssrc=0x11223344, words=6):
    return struct.pack("!BBHI", 0x80, 200, words, ssrc) + b"\x5a" * (4 * (words - 1)) + \
        struct.pack("!BBHI", 0x81, 202, 2, ssrc) + b"\x01\x02ab\0\0\0\0"[:4]


def rec(ctl, pkt):
    return bytes([ctl]) + struct.pack("!H", len(pkt)) + pkt


def write(name, seeds):
    d = os.path.join(HERE, "corpus", name)
    os.makedirs(d, exist_ok=True)
    for i, s in enumerate(seeds):
        with open(os.path.join(d, "seed-%02d" % i), "wb") as f:
            f.write(s)


def main():
    srtp = []
    for hdr in (0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x0C, 0x24, 0x84, 0x48):
        srtp.append(bytes([hdr]) + rec(1, rtp(65530)) + rec(1, rtp(65535, cc=2)) +
                    rec(5, rtp(3, ext=b"\x10\x20\x30\x40")) + rec(3 | (5 << 3), rtp(4)) +
                    rec(1, rtp(2, pad=4)) + rec(0, rtp(9)))
    srtp.append(b"\x00" + rec(0, rtp(1)[:12]))
    write("srtp_unprotect", srtp)

    srtcp = []
    for hdr in (0x00, 0x01, 0x03, 0x04, 0x05, 0x0D, 0x44):
        srtcp.append(bytes([hdr]) + rec(1, rtcp()) + rec(5, rtcp(0x99)) +
                     rec(3 | (9 << 3), rtcp()) + rec(1, rtcp(words=1)) + rec(0, rtcp()))
    write("srtp_rtcp_unprotect", srtcp)

    parse = [rtp(1), rtp(2, cc=15), rtp(3, ext=b"\0" * 8), rtp(4, pad=3),
             rtcp(), b"\x10\x00\x00\x01ZRTP\x00\x00\x00\x00", b"\x80\xc8\x00"]
    write("srtp_parse", parse)


if __name__ == "__main__":
    main()
