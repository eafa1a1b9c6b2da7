#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-pcap.sh KERNEL NAME FILE: what Wireshark makes of a capture a VM test
# took on the wire (an "artifact" of the run, see run.sh), as TAP.  tshark
# is the independent judge: every ZRTP message parses, with a good CRC,
# nothing is malformed, a whole handshake is there, and the media after it
# is not RTP with our plaintext marker.
set -u
kernel=$1 name=$2 file=$3
echo "1..4"
if ! command -v tshark >/dev/null 2>&1; then
	for i in 1 2 3 4; do echo "ok $i # SKIP tshark not installed (make deps)"; done
	exit 0
fi
fields=$(tshark -r "$file" --enable-heuristic rtp_udp -Y zrtp -T fields -E separator=, \
	-e zrtp.type -e zrtp.checksum.status 2>/dev/null)
rc=$?
malformed=$(tshark -r "$file" --enable-heuristic rtp_udp -Y _ws.malformed 2>/dev/null | wc -l)
total=$(tshark -r "$file" 2>/dev/null | wc -l)
nzrtp=$(printf '%s\n' "$fields" | grep -c .)
echo "# $kernel:$name: $total packets, $nzrtp ZRTP, $malformed malformed"
printf '%s\n' "$fields" | awk -F, '{ sub(/ +$/, "", $1); n[$1]++ } END { for (t in n) printf "#   %s x%d\n", t, n[t] }' | sort

if [ $rc = 0 ] && [ "$malformed" = 0 ] && [ "$total" -gt 0 ]; then
	echo "ok 1 $kernel:$name: tshark reads the capture, nothing malformed"
else
	echo "not ok 1 $kernel:$name: tshark reads the capture, nothing malformed (rc=$rc)"
fi
bad=$(printf '%s\n' "$fields" | awk -F, 'NF && $2 != 1' | wc -l)
if [ "$nzrtp" -ge 8 ] && [ "$bad" = 0 ]; then
	echo "ok 2 $kernel:$name: every ZRTP message has a good CRC"
else
	echo "not ok 2 $kernel:$name: every ZRTP message has a good CRC ($bad bad of $nzrtp)"
fi
missing=
for t in Hello HelloACK Commit DHPart1 DHPart2 Confirm1 Confirm2 Conf2ACK; do
	printf '%s\n' "$fields" | grep -q "^$t *," || missing="$missing $t"
done
if [ -z "$missing" ]; then
	echo "ok 3 $kernel:$name: a whole handshake, Hello to Conf2ACK"
else
	echo "not ok 3 $kernel:$name: a whole handshake, Hello to Conf2ACK (missing:$missing)"
fi
# the marker rtpapp puts in every payload, "KSRTP-PLAINTEXT", in hex
plain=$(tshark -r "$file" -Y 'frame contains 4b:53:52:54:50:2d:50:4c:41:49:4e:54:45:58:54' \
	2>/dev/null | wc -l)
if [ "$plain" = 0 ] && [ "$total" -gt "$nzrtp" ]; then
	echo "ok 4 $kernel:$name: the media on the wire never shows the plaintext"
else
	echo "not ok 4 $kernel:$name: the media on the wire never shows the plaintext ($plain do)"
fi
