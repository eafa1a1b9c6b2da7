#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A gateway as an operator builds it with zrtpctl alone: SDES keys on the
# outside leg (zrtpctl flow key), clear RTP on the inside leg, the two legs
# joined by a kernel relay (zrtpctl relay add).  The phone is libsrtp
# (bzrtp_peer --sdes-*), the PBX a plain RTP application; each must get
# every packet of the other exactly, through the gateway's kernel.
#
#   netns P (phone)        netns G (gateway: ksrtp, no sockets)      netns X (PBX)
#   bzrtp_peer             leg A 10.80.0.1:4000   leg B 10.81.0.1:4100  rtpapp
#   10.80.0.2:5000 ==vp/vg== SECURE (SDES)  <relay>  DIVERT (clear) ==vh/vx== 10.81.0.2:6000
#
lib=$(dirname "$0")/lib.sh; [ -r "$lib" ] || lib=$(command -v lib.sh); . "$lib"

ksft_plan 10
gw_names e2r /tmp/R
if ! command -v bzrtp_peer >/dev/null; then
	skip_rest "bzrtp_peer not in the VM (--bin build/bin/bzrtp_peer)"
fi
e2e_load_ksrtp
check "three hosts: phone, gateway, PBX" gw_topo 10.80.0 10.81.0 || skip_rest "no topology"

inG zrtpctl info >/tmp/R/info.out 2>&1
sed 's/^/# /' /tmp/R/info.out
check "zrtpctl info names the module's features, relay among them" \
	grep -q '^features: .* srtp .* relay' /tmp/R/info.out
A="local 10.80.0.1:4000 remote 10.80.0.2:5000"
B="local 10.81.0.1:4100 remote 10.81.0.2:6000"
key() { head -c "$1" /dev/urandom | base64 | tr -d '\n'; }
echo "a=crypto:1 AEAD_AES_128_GCM inline:$(key 28)" >/tmp/R/gw-tx.attr
echo "a=crypto:1 AEAD_AES_128_GCM inline:$(key 28)" >/tmp/R/gw-rx.attr
setup() {
	inG zrtpctl flow add $A && inG zrtpctl flow add $B &&
	inG zrtpctl flow key $A dir tx key-file /tmp/R/gw-tx.attr &&
	inG zrtpctl flow key $A dir rx </tmp/R/gw-rx.attr &&
	inG zrtpctl flow set $A mode secure require-secure &&
	inG zrtpctl relay add $A to $B
} >/tmp/R/setup.out 2>&1
setup
rc=$?
sed 's/^/# /' /tmp/R/setup.out
check "legs, SDES keys on the outside leg and the relay set up with zrtpctl" [ $rc = 0 ]
RID=$(inG zrtpctl -j relay show | json_field id)
check "relay show lists it (id '$RID')" [ -n "$RID" ]

/sbin/ip netns exec $P bzrtp_peer --local 10.80.0.2:5000 --remote 10.80.0.1:4000 \
	--sdes-tx /tmp/R/gw-rx.attr --sdes-rx /tmp/R/gw-tx.attr \
	--count 100 --rate 100 --after-peer --wait 8 --timeout 60 >/tmp/R/phone.out 2>&1 &
PHONE=$!
PIDS="$PIDS $PHONE"
/sbin/ip netns exec $G rtpapp sniff --dev vg --seconds 600 -j >/tmp/R/sniff.json 2>&1 &
SNIFF=$!
PIDS="$PIDS $SNIFF"
sniffing() { [ "$(ip netns exec $G cat /proc/net/packet | wc -l)" -gt 1 ]; }
poll 300 sniffing
# the phone must be listening before the PBX's first packet: on the debug
# kernel it bound its socket after 0.76 s of them (2026-11-30): 2 s delay
ip netns exec $X rtpapp call --local 10.81.0.2:6000 --remote 10.81.0.1:4100 \
	--count 100 --rate 100 --wait 8 --delay 2000 >/tmp/R/pbx.out 2>&1
rc_x=$?
wait $PHONE
rc_p=$?
kill -TERM $SNIFF; wait $SNIFF
sed 's/^/# PBX: /' /tmp/R/pbx.out; sed 's/^/# phone: /' /tmp/R/phone.out
sed 's/^/# capture on the outside leg: /' /tmp/R/sniff.json
check "PBX got all 100 of the phone's packets exact (decrypted by the gateway's kernel)" [ $rc_x = 0 ]
check "phone (libsrtp) authenticated all 100 of the PBX's packets (encrypted by the gateway)" [ $rc_p = 0 ]
check "no plaintext on the outside leg" \
	[ "$(json_field plaintext </tmp/R/sniff.json)" = 0 -a "$(json_field udp </tmp/R/sniff.json)" -ge 200 ]
S=$(inG zrtpctl -j relay show id "$RID")
echo "# $S"
pa=$(echo "$S" | sed 's/.*"a":{[^}]*"relayed_packets":\([0-9]*\).*/\1/')
pb=$(echo "$S" | sed 's/.*"b":{[^}]*"relayed_packets":\([0-9]*\).*/\1/')
check "per-leg counters: 100 relayed from each leg (a $pa, b $pb)" [ "$pa" = 100 -a "$pb" = 100 ]
inG zrtpctl relay del id "$RID" && gone=$(inG zrtpctl -j relay show)
check "relay del removes it, the flows stay" \
	[ "$gone" = "[]" -a "$(inG zrtpctl -j flow show | grep -o '"id"' | wc -l)" = 2 ]
[ $fails = 0 ] || inG zrtpctl stats | sed 's/^/# gateway: /'
