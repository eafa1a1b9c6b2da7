#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A latching flow (symmetric RTP, RFC 4961) as an operator makes it with
# zrtpctl: the gateway's flow knows the phone's address, not its port
# (latch port), and may learn it from clear RTP (latch-clear).  zrtpctl
# shows it learning, then the learned remote; an RTP application on each
# side gets every packet of the other.  (ksrtp_latch.c tests the kernel
# side: NAT, SRTP, forgeries, the race.)
#
#   netns A (gateway: ksrtp)              netns B (phone)
#   rtpapp 10.77.0.1:4000 ==va/vb== 10.77.0.2:5000 rtpapp
#
lib=$(dirname "$0")/lib.sh; [ -r "$lib" ] || lib=$(command -v lib.sh); . "$lib"

ksft_plan 9
e2e_names e2lt
e2e_load_ksrtp
check "two hosts" e2e_veth || skip_rest "no topology"

inA zrtpctl flow add local 10.77.0.1:4000 remote 10.77.0.2 latch port latch-clear \
	>/tmp/A/add.out 2>&1
rc=$?
sed 's/^/# /' /tmp/A/add.out
check "flow add ... remote ADDR latch port latch-clear" [ $rc = 0 ]
J=$(inA zrtpctl -j flow show)
echo "# $J"
check "flow show -j: latch port, not latched, remote port unknown" \
	[ "$(echo "$J" | json_field latch)" = port -a "$(echo "$J" | json_field latched)" = false \
	  -a "$(echo "$J" | json_field remote)" = "10.77.0.2:*" ]
check "flow show: learning" sh -c "/sbin/ip netns exec $A zrtpctl flow show | grep -q 'latch port (learning) latch-clear'"
check "a remote with a port and latch port is refused (usage, 2)" \
	sh -c "/sbin/ip netns exec $A zrtpctl flow add local 10.77.0.1:4002 remote 10.77.0.2:9 latch port 2>/dev/null; [ \$? = 2 ]"

# The gateway's application starts after the phone's first packet latched
# the flow (before that, its packets would have nowhere to go: EPERM).
# The gateway's application binds first (a packet that latches the flow is
# delivered like any other: with no socket yet it would be lost), and sends
# only once the phone's first packet has latched the flow (before that its
# RTP is refused: nowhere to go).
inA rtpapp call --local 10.77.0.1:4000 --remote 10.77.0.2:5000 --count 50 --rate 100 \
	--wait 8 --delay 2500 >/tmp/A/gw.out 2>&1 &
GW=$!
PIDS="$PIDS $GW"
inB rtpapp call --local 10.77.0.2:5000 --remote 10.77.0.1:4000 --count 50 --rate 100 \
	--wait 8 --delay 1000 >/tmp/B/phone.out 2>&1
rc_b=$?
wait $GW
rc_a=$?
sed 's/^/# gateway: /' /tmp/A/gw.out; sed 's/^/# phone: /' /tmp/B/phone.out
check "both applications got all 50 of the other's packets" [ $rc_a = 0 -a $rc_b = 0 ]
J=$(inA zrtpctl -j flow show)
echo "# $J"
check "flow show -j: latched on the phone's port" \
	[ "$(echo "$J" | json_field latched)" = true -a "$(echo "$J" | json_field remote)" = "10.77.0.2:5000" ]
ID=$(echo "$J" | json_field id)
check "flow del id $ID" inA zrtpctl flow del id "$ID"
[ $fails = 0 ]
