#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# zrtpctl metrics against the real module and a real zrtpd (the native test
# tests/unit/zrtpd_service.c parses the format with prometheus_client; this
# one checks the kernel's half, which needs ksrtp.ko).  Run in the VM with
# --bin zrtpd --bin zrtpctl.
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n $*"; }
check() { desc=$1; shift; if "$@"; then ok "$desc"; else nok "$desc"; fi; }
has() { grep -qxF "$1" /tmp/metrics.out; }

echo "TAP version 13"
echo "1..7"
modprobe ksrtp 2>/dev/null
mkdir -p /tmp/M
zrtpd --cache none --state-file none -s /tmp/M/zrtpd.sock >/tmp/M/zrtpd.log 2>&1 &
zpid=$!
i=0
while [ $i -lt 100 ] && ! zrtpctl -s /tmp/M/zrtpd.sock status >/dev/null 2>&1; do
	sleep 0.1
	i=$((i + 1))
done
zrtpctl flow add local 127.0.0.1:4000 remote 127.0.0.1:5000 >/dev/null
zrtpctl flow add local 127.0.0.1:4002 remote 127.0.0.1:5002 >/dev/null

zrtpctl -s /tmp/M/zrtpd.sock metrics >/tmp/metrics.out 2>/tmp/metrics.err
check "metrics: exit 0 with both halves readable" [ $? = 0 ]
check "ksrtp_up 1" has "ksrtp_up 1"
check "zrtpd_up 1" has "zrtpd_up 1"
check "two divert flows counted" has 'ksrtp_flows{mode="divert"} 2'
zrtpctl -s /tmp/M/zrtpd.sock metrics --per-flow >/tmp/metrics.out 2>>/tmp/metrics.err
check "per flow: one series per flow, labelled" \
	grep -q '^ksrtp_srtp_packets_total{flow="[0-9]*",local="127.0.0.1:4002",remote="127.0.0.1:5002",direction="out"} 0$' /tmp/metrics.out
check "per flow: no unlabelled sum next to them" \
	sh -c '! grep -q "^ksrtp_srtp_packets_total{direction=" /tmp/metrics.out'
kill "$zpid"
wait "$zpid" 2>/dev/null
zrtpctl -s /tmp/M/zrtpd.sock metrics >/tmp/metrics.out 2>>/tmp/metrics.err
rc=$?
check "zrtpd stopped: zrtpd_up 0, exit 1, kernel half still there" \
	sh -c "[ $rc = 1 ] && grep -qx 'zrtpd_up 0' /tmp/metrics.out && grep -qx 'ksrtp_up 1' /tmp/metrics.out"
zrtpctl flow del local 127.0.0.1:4000 remote 127.0.0.1:5000 >/dev/null 2>&1
zrtpctl flow del local 127.0.0.1:4002 remote 127.0.0.1:5002 >/dev/null 2>&1
[ $fails = 0 ] || { sed 's/^/# /' /tmp/metrics.out /tmp/metrics.err | head -40; }
exit $fails
