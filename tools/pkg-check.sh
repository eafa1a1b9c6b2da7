#!/bin/bash
# The packages as an operator gets them (make check's "packaging" suite, TAP):
#   1. `make deb` builds ksrtp-dkms and zrtpd with dpkg-buildpackage
#   2. lintian: no error or warning
#   3. zrtpd's conffile is /etc/zrtpd.conf, its unit is installed, the
#      binaries carry the distribution's hardening (bindnow, relro, PIE)
#   4. DKMS builds the packaged module source for the cloud kernel (a
#      private DKMS tree: nothing is installed on this machine) and signs it
#      with DKMS's MOK key (the Secure Boot path, operations.md)
#   5. the unit passes systemd-analyze's offline security review at "OK"
#      (exposure < 2.0; 9.6 "UNSAFE" without the sandboxing settings)
#   6. in the VM: the DKMS-built module and the packaged zrtpd/zrtpctl make a
#      real ZRTP call (tests/kselftest/e2e_call.sh), not the tree's builds
set -uo pipefail
cd "$(dirname "$0")/.."
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n $*"; }
echo "TAP version 13"
echo "1..8"
work=build/pkgcheck
rm -rf "$work" && mkdir -p "$work"
kver=$(make -s --no-print-directory print-KVER)

if tools/deb.sh >"$work/deb.log" 2>&1; then
	ok "make deb: $(ls build/deb/*.deb | xargs -n1 basename | tr '\n' ' ')"
	ok "lintian: no error or warning"
else
	sed 's/^/# /' "$work/deb.log" | tail -30
	nok "make deb"
	nok "lintian (not run)"
	for i in 3 4 5 6 7 8; do nok "packaging step $i: no packages"; done
	exit 1
fi
zdeb=$(ls build/deb/zrtpd_*_amd64.deb)
kdeb=$(ls build/deb/ksrtp-dkms_*_all.deb)
dpkg-deb -x "$zdeb" "$work/zrtpd"
dpkg-deb -x "$kdeb" "$work/dkms"
dpkg-deb -e "$zdeb" "$work/zrtpd-ctl"
if grep -qx /etc/zrtpd.conf "$work/zrtpd-ctl/conffiles" &&
   [ -f "$work/zrtpd/lib/systemd/system/zrtpd.service" ] &&
   grep -q 'deb-systemd-helper enable .zrtpd.service' "$work/zrtpd-ctl/postinst"; then
	ok "zrtpd: /etc/zrtpd.conf is a conffile, the unit is installed and enabled by postinst"
else
	nok "zrtpd: conffile / unit / postinst"
fi
h=$(readelf -d -l "$work/zrtpd/usr/sbin/zrtpd" 2>&1)
if grep -q 'BIND_NOW' <<<"$h" && grep -q 'GNU_RELRO' <<<"$h" && grep -q 'PIE' <<<"$h"; then
	ok "zrtpd binary: PIE, full RELRO (hardening=+all)"
else
	nok "zrtpd binary hardening"
fi

mkdir -p "$work/dkmstree"
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$work"/dkms/usr/src/ksrtp-*/dkms.conf)
if dkms build -m ksrtp -v "$ver" -k "$kver" --dkmstree "$PWD/$work/dkmstree" \
	--sourcetree "$PWD/$work/dkms/usr/src" >"$work/dkms.log" 2>&1; then
	ko=$(find "$work/dkmstree" -name 'ksrtp.ko*' -path "*$kver*" | head -1)
	vm=$(modinfo -F vermagic "$ko" 2>/dev/null)
	signer=$(modinfo -F signer "$ko" 2>/dev/null)
	if [ -n "$ko" ] && [ "${vm%% *}" = "$kver" ]; then
		ok "dkms build ksrtp/$ver for $kver"
	else
		nok "dkms build: no module for $kver (vermagic '$vm')"
	fi
	if [ -n "$signer" ]; then
		ok "dkms signed the module (signer: $signer)"
	else
		nok "dkms did not sign the module"
	fi
else
	sed 's/^/# /' "$work/dkms.log" | tail -20
	nok "dkms build ksrtp/$ver for $kver"
	nok "dkms signing (not built)"
	ko=
fi

sec=$(systemd-analyze security --offline=true "$work/zrtpd/lib/systemd/system/zrtpd.service" 2>&1 |
	sed -n 's/.*Overall exposure level for zrtpd.service: \([0-9.]*\) \([A-Z]*\).*/\1 \2/p')
if [ -n "$sec" ] && awk -v s="${sec%% *}" 'BEGIN { exit !(s < 2.0) }'; then
	ok "systemd-analyze security: $sec"
else
	nok "systemd-analyze security: '${sec:-no verdict}' (want < 2.0)"
fi

if [ -n "$ko" ]; then
	tools/vm/run.sh --kernel cloud --module "$ko" \
		--bin "$work/zrtpd/usr/sbin/zrtpd" --bin "$work/zrtpd/usr/sbin/zrtpctl" \
		--bin build/bin/rtpapp --bin tests/kselftest/lib.sh \
		tests/kselftest/e2e_call.sh >"$work/vm.log" 2>&1
	rc=$?
	bad=$(grep -c '^not ok' "$work/vm.log")
	good=$(grep -c '^ok' "$work/vm.log")
	if [ "$rc" = 0 ] && [ "$bad" = 0 ] && [ "$good" -gt 0 ]; then
		ok "VM: DKMS-built module + packaged zrtpd: e2e_call.sh $good ok"
	else
		grep -E '^(not ok|# )' "$work/vm.log" | tail -20 | sed 's/^/# /'
		nok "VM: DKMS-built module + packaged zrtpd: e2e_call.sh ($good ok, $bad not ok, rc $rc)"
	fi
else
	nok "VM: no DKMS-built module"
fi
[ "$fails" = 0 ]
