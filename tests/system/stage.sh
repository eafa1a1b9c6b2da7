#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the Debian guest of tests/system/run.sh (make check-system),
# started by systemd (ksrtp-stage.service, tools/vm/debian-image.sh) from the
# read-only data disk mounted at /mnt/ksrtp; prints TAP on the second serial
# port.  The kernel command line names the stage:
#
#   ksrtp.stage=1  (Debian 12's kernel, 6.1) apt installs the built packages,
#                  DKMS builds the module, systemctl start zrtpd, a call
#                  becomes secure, systemctl restart zrtpd mid-call, the
#                  kernel's ynl client reads flows and stats through our spec,
#                  then apt installs bookworm-backports' 6.12 kernel (DKMS
#                  builds the module for it from the kernel's postinst hook)
#   ksrtp.stage=2  (booted into 6.12) zrtpd came up by itself with the
#                  DKMS-built module, a call works again, apt purge leaves
#                  only what policy keeps
#
# The two hosts of a call: "alice" is the guest itself (its root network
# namespace, the systemd-managed zrtpd), "bob" a network namespace joined by
# a veth pair, with a second zrtpd started by hand (the packaged binary).
#
#   root netns (alice)                                netns bob
#   zrtpd.service (/run/zrtpd/zrtpd.sock)             zrtpd (/tmp/B/zrtpd.sock)
#   rtpapp 10.77.0.1:4000  va ======= veth ======= vb  rtpapp 10.77.0.2:5000
#                          ^ rtpapp sniff: no plaintext payload on the wire
set -u
D=/mnt/ksrtp
export PATH=$D/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# ok/nok/check/poll/json_field/start_zrtpd from the e2e tests' library
# shellcheck source=tests/kselftest/lib.sh
. "$D/bin/lib.sh"
stage=$(sed -n 's/.*ksrtp\.stage=\([0-9]*\).*/\1/p' /proc/cmdline)
kver=$(uname -r)
t_now() { date +%s.%N; }
t_since() { awk -v a="$1" -v b="$(t_now)" 'BEGIN { printf "%.0f", b - a }'; }
echo "TAP version 13"
echo "# stage $stage, kernel $kver, guest uptime $(cut -d' ' -f1 /proc/uptime) s"

B=bob
ctlA() { zrtpctl -s /run/zrtpd/zrtpd.sock "$@"; }
ctlB() { ip netns exec $B zrtpctl -s /tmp/B/zrtpd.sock "$@"; }
FLOW_A="local 10.77.0.1:4000 remote 10.77.0.2:5000"
FLOW_B="local 10.77.0.2:5000 remote 10.77.0.1:4000"
keyed() { "$@" -j show $FLOW 2>/dev/null | grep -q '"state":"\(secure\|switching\)"'; }
secure() { "$@" -j show $FLOW 2>/dev/null | grep -q '"state":"secure"'; }
rtp_exact() { grep -q ' received \([0-9]*\) verified .* bad 0 duplicate 0 missing 0' "$1"; }

# bob's namespace, the veth, bob's zrtpd; both sides add the flow and wait
# until their keys are in
call_setup() {
	ip netns add $B &&
	ip link add va type veth peer name vb netns $B &&
	ip addr add 10.77.0.1/24 dev va && ip link set va up &&
	ip -n $B addr add 10.77.0.2/24 dev vb && ip -n $B link set vb up &&
	ip -n $B link set lo up && mkdir -p /tmp/B || return 1
	start_zrtpd $B /tmp/B || return 1
	ctlA session add $FLOW_A >/dev/null && ctlB session add $FLOW_B >/dev/null || return 1
	FLOW=$FLOW_A poll 900 keyed ctlA && FLOW=$FLOW_B poll 900 keyed ctlB
}
call_teardown() {
	ctlA session del $FLOW_A >/dev/null 2>&1
	kill "$ZPID" 2>/dev/null; wait "$ZPID" 2>/dev/null
	ip netns del $B 2>/dev/null
	ip link del va 2>/dev/null
}
# rtpapp sniff on va (alice's end of the wire); ready once its packet
# socket shows up in /proc/net/packet
sniff_va() {
	local before
	before=$(wc -l </proc/net/packet)
	rtpapp sniff --dev va --seconds 900 -j >"$1" 2>&1 &
	SNIFF=$!
	sniffing() { [ "$(wc -l </proc/net/packet)" -gt "$before" ]; }
	poll 300 sniffing || echo "# the capture socket did not appear in 30 s"
}
# media both ways, COUNT packets at 100/s each; $APP_A/$APP_B, outputs in
# /tmp/app_a.out, /tmp/B/app_b.out
media_start() {
	ip netns exec $B rtpapp call --local 10.77.0.2:5000 --remote 10.77.0.1:4000 --count "$1" \
		--rate 100 --wait 5 --delay 1500 >/tmp/B/app_b.out 2>&1 &
	APP_B=$!
	rtpapp call --local 10.77.0.1:4000 --remote 10.77.0.2:5000 --count "$1" \
		--rate 100 --wait 5 --delay 1500 >/tmp/app_a.out 2>&1 &
	APP_A=$!
}
media_wait() {
	wait $APP_A; rc_a=$?
	wait $APP_B; rc_b=$?
	sed 's/^/# alice /' /tmp/app_a.out; sed 's/^/# bob   /' /tmp/B/app_b.out
	[ $rc_a = 0 ] && [ $rc_b = 0 ] && rtp_exact /tmp/app_a.out && rtp_exact /tmp/B/app_b.out
}
sniff_clean() { # JSON MIN-UDP: no plaintext, at least MIN-UDP packets seen
	kill -TERM $SNIFF; wait $SNIFF
	sed 's/^/# capture on va: /' "$1"
	[ "$(json_field plaintext <"$1")" = 0 ] && [ "$(json_field udp <"$1")" -ge "$2" ]
}
# the kernel's ynl CLI (Linux 6.12's tools/net/ynl) with our spec, which
# sits next to the kernel's genetlink schemas it is validated against
ynl() { python3 $D/ynl/tools/net/ynl/cli.py --spec $D/ynl/Documentation/netlink/specs/ksrtp.yaml "$@"; }
ynl_check() {
	local flows stats
	flows=$(ynl --dump flow-get 2>&1); echo "$flows" | sed 's/^/# ynl flow-get: /' | head -40
	stats=$(ynl --dump stats-get 2>&1); echo "$stats" | sed 's/^/# ynl stats-get: /' | head -40
	check "ynl (the kernel's CLI, our spec) dumps the flows: RTP 4000 and RTCP 4001 to bob" \
		eval 'echo "$flows" | grep -q "4000" && echo "$flows" | grep -q "4001" && ! echo "$flows" | grep -q Traceback'
	check "ynl dumps the stats: packets protected on alice's flows" \
		eval 'echo "$stats" | grep -Eq "tx-packets.: [1-9]" && ! echo "$stats" | grep -q Traceback'
}
failed_logs() {
	journalctl -b -u zrtpd --no-pager 2>/dev/null | tail -30 | sed 's/^/# journal: /'
	[ -r /tmp/B/zrtpd.log ] && tail -20 /tmp/B/zrtpd.log | sed 's/^/# bob zrtpd: /'
	ctlA stats 2>/dev/null | sed 's/^/# alice stats: /'
	return 0
}

st=$(systemctl is-system-running --wait 2>&1)
check "systemd is PID 1 and the boot completed (is-system-running: $st)" \
	eval '[ "$(readlink /proc/1/exe)" = /usr/lib/systemd/systemd ] && [ "$st" = running -o "$st" = degraded ]'
[ "$st" = degraded ] && systemctl --failed --no-legend --plain | sed 's/^/# failed unit: /'
echo "# guest booted in: $(systemd-analyze time 2>/dev/null | head -1)"

case $stage in
1)
	check "Debian 12's kernel: $kver" eval 'case $kver in 6.1.*) true ;; *) false ;; esac'
	t=$(t_now)
	apt-get install -y --no-install-recommends "$D"/debs/ksrtp-dkms_*.deb "$D"/debs/zrtpd_*_amd64.deb \
		>/tmp/apt.log 2>&1
	rc=$?
	apt_s=$(t_since "$t")
	[ $rc = 0 ] || tail -30 /tmp/apt.log | sed 's/^/# apt: /'
	check "apt-get install ./ksrtp-dkms ./zrtpd: $apt_s s (the DKMS build included)" [ $rc = 0 ]
	echo "# dkms: $(dkms status 2>&1 | tr '\n' ';')"
	ko=$(modinfo -n ksrtp 2>/dev/null)
	check "DKMS built and installed ksrtp for $kver ($ko)" \
		eval 'dkms status ksrtp -k $kver | grep installed >/dev/null && case $ko in /lib/modules/$kver/updates/dkms/ksrtp.ko*) true ;; *) false ;; esac'
	m=/var/lib/dkms/ksrtp/kernel-$kver-x86_64/log/make.log
	[ -r "$m" ] || m=$(ls /var/lib/dkms/ksrtp/*/build/make.log 2>/dev/null | head -1)
	[ -r "${m:-}" ] && echo "# DKMS make.log: $(head -2 "$m" | tr '\n' ' ')"

	t=$(t_now)
	systemctl start zrtpd
	rc=$?
	[ $rc = 0 ] || failed_logs
	check "systemctl start zrtpd ($(t_since "$t") s): active, ksrtp loaded, runs as user zrtpd" \
		eval '[ $rc = 0 ] && systemctl -q is-active zrtpd && grep -q "^ksrtp " /proc/modules &&
			[ "$(ps -o user= -p $(systemctl show -P MainPID zrtpd))" = zrtpd ]'
	sec=$(systemd-analyze security zrtpd 2>/dev/null | sed -n 's/.*Overall exposure level for zrtpd.service: //p')
	echo "# systemd-analyze security zrtpd (live): $sec"

	t=$(t_now)
	call_setup
	rc=$?
	check "a call between alice (zrtpd.service) and bob becomes secure ($(t_since "$t") s)" [ $rc = 0 ]
	SAS=$(ctlA -j show $FLOW_A | json_field sas)
	echo "# alice: $(ctlA -j show $FLOW_A)"
	sniff_va /tmp/sniff1.json
	media_start 1200
	sleep 4
	pid0=$(systemctl show -P MainPID zrtpd)
	systemctl restart zrtpd
	rc=$?
	pid1=$(systemctl show -P MainPID zrtpd)
	check "systemctl restart zrtpd mid-call: active again, a new daemon (pid $pid0 -> $pid1)" \
		eval '[ $rc = 0 ] && systemctl -q is-active zrtpd && [ "$pid1" != "$pid0" -a "$pid1" != 0 ]'
	check "the media went on through the restart: both apps got all 1200 packets, exact" media_wait
	check "no plaintext on the wire before, during or after the restart (>= 2400 UDP packets)" \
		sniff_clean /tmp/sniff1.json 2400
	S=$(ctlA -j show $FLOW_A)
	echo "# restarted zrtpd: $S"
	check "the restarted zrtpd lists the call as secure and resumed, same SAS" \
		eval '[ "$(echo "$S" | json_field state)" = secure -a "$(echo "$S" | json_field resumed)" = true -a -n "$SAS" -a "$(echo "$S" | json_field sas)" = "$SAS" ]'
	ynl_check
	check "journald holds zrtpd's log" eval '[ "$(journalctl -b -u zrtpd -o cat --no-pager | wc -l)" -gt 0 ]'
	journalctl -b -u zrtpd -o short-monotonic --no-pager | tail -8 | sed 's/^/# journal: /'
	[ $fails = 0 ] || failed_logs
	call_teardown

	# the kernel upgrade: bookworm-backports' 6.12 and its headers
	t=$(t_now)
	apt-get install -y --no-install-recommends "$D"/bpo/*.deb >/tmp/apt612.log 2>&1
	rc=$?
	kernel_s=$(t_since "$t")
	[ $rc = 0 ] || tail -30 /tmp/apt612.log | sed 's/^/# apt: /'
	k612=$(ls /lib/modules | grep '^6\.12\.' | head -1)
	check "apt-get install linux-image/headers $k612: $kernel_s s (initramfs and DKMS build included)" \
		[ $rc = 0 -a -n "$k612" ]
	grep -iE 'dkms|ksrtp|Building|autoinstall' /tmp/apt612.log | head -10 | sed 's/^/# apt: /'
	check "DKMS built ksrtp for $k612 from the kernel's postinst hook" \
		eval 'dkms status ksrtp -k "$k612" | grep installed >/dev/null && ls /lib/modules/$k612/updates/dkms/ksrtp.ko* >/dev/null'
	echo "# dkms: $(dkms status 2>&1 | tr '\n' ';')"
	check "the 6.12 initramfs is there (/boot/initrd.img-$k612)" [ -s "/boot/initrd.img-$k612" ]
	;;
2)
	check "rebooted into bookworm-backports' kernel: $kver" eval 'case $kver in 6.12.*) true ;; *) false ;; esac'
	ko=$(modinfo -n ksrtp 2>/dev/null)
	check "zrtpd came up at boot (enabled), with the DKMS-built ksrtp for $kver loaded ($ko)" \
		eval 'systemctl -q is-active zrtpd && grep -q "^ksrtp " /proc/modules &&
			case $ko in /lib/modules/$kver/updates/dkms/ksrtp.ko*) true ;; *) false ;; esac &&
			[ "$(modinfo -F vermagic ksrtp | cut -d" " -f1)" = "$kver" ]'
	t=$(t_now)
	call_setup
	rc=$?
	check "on 6.12: a call becomes secure again ($(t_since "$t") s)" [ $rc = 0 ]
	sniff_va /tmp/sniff2.json
	media_start 300
	check "on 6.12: both apps got all 300 packets, exact" media_wait
	check "on 6.12: no plaintext on the wire (>= 600 UDP packets)" sniff_clean /tmp/sniff2.json 600
	FLOW=$FLOW_A
	check "on 6.12: the call is secure" secure ctlA
	ynl_check
	[ $fails = 0 ] || failed_logs
	call_teardown

	t=$(t_now)
	apt-get purge -y ksrtp-dkms zrtpd >/tmp/purge.log 2>&1
	rc=$?
	[ $rc = 0 ] || tail -30 /tmp/purge.log | sed 's/^/# apt: /'
	check "apt-get purge ksrtp-dkms zrtpd ($(t_since "$t") s)" [ $rc = 0 ]
	check "dpkg knows neither package any more (not even config-files)" \
		eval '! dpkg -l ksrtp-dkms zrtpd 2>/dev/null | grep -q "^[a-z][a-z]"'
	check "zrtpd stopped, its unit gone" \
		eval '! systemctl -q is-active zrtpd && [ ! -e /lib/systemd/system/zrtpd.service ] && [ ! -e /etc/systemd/system/multi-user.target.wants/zrtpd.service ]'
	left=$(find / -xdev \( -name '*ksrtp*' -o -name '*zrtpd*' -o -name '*zrtpctl*' \) \
		! -path '/mnt/*' ! -path '/etc/ksrtp-system-image' ! -path '/etc/systemd/system/ksrtp-stage.service' \
		! -path '/etc/systemd/system/multi-user.target.wants/ksrtp-stage.service' \
		! -path '/var/log/journal/*' ! -path '/tmp/*' 2>/dev/null)
	echo "$left" | sed '/^$/d; s/^/# left on disk: /'
	check "no file of either package is left (module, DKMS tree, /usr/src, conffile, /var/lib/zrtpd, /run/zrtpd)" \
		[ -z "$left" ]
	check "kept by policy: the system user and group zrtpd (Debian does not remove system accounts)" \
		eval 'getent passwd zrtpd >/dev/null && getent group zrtpd >/dev/null'
	echo "# still in the running kernel: $(grep '^ksrtp ' /proc/modules || echo 'no ksrtp')"
	;;
*)
	nok "unknown stage '$stage'"
	;;
esac
echo "1..$n"
echo "# stage $stage done at guest uptime $(cut -d' ' -f1 /proc/uptime) s"
sync
exit $((fails > 0))
