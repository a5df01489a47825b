#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The series' KUnit cases as a contributor without a POWER host runs
# them: kunit.py with arch/powerpc/kvm/.kunitconfig, on a pseries guest
# (QEMU -M pseries -cpu power8, TCG, no hypervisor mode), LLVM for C and
# Rust (kunit.py's powerpcle configuration, ppc64le: the only powerpc
# where Rust is built). CROSS_COMPILE is for the boot wrapper's objcopy,
# which LLVM=1 alone leaves to the build machine's. Each case is a result;
# a suite that config/kunit-suites.txt expects of the kernel's .config
# and that did not run fails. The build is kunit.py's, incremental in
# out/kunit-pseries.
#   kunit-pseries.sh
. "$(dirname "$0")/lib.sh"
wb_enter kunit-pseries

build=$OUT/kunit-pseries
json=$build/wb-results.json
klog=$LOGS/kunit-pseries.log
[ -f "$LINUX/arch/powerpc/kvm/.kunitconfig" ] ||
	die "no arch/powerpc/kvm/.kunitconfig in $LINUX; is the series applied?"
stage_begin kunit-pseries "$klog"
mkdir -p "$build"
rm -f "$json"

log "kunit-pseries: kunit.py run --arch=powerpcle (build in $build, log $klog)"
kunit_py() {
	cd "$LINUX" && in_chroot python3 tools/testing/kunit/kunit.py run \
		--arch=powerpcle --cross_compile=powerpc64le-linux-gnu- \
		--make_options LLVM=1 --kunitconfig=arch/powerpc/kvm \
		--build_dir="$build" --jobs="$JOBS" --timeout=600 --json="$json"
}
rc=0
run kunit_py >"$klog" 2>&1 || rc=$?
if [ ! -s "$json" ]; then
	res "kunit.py run --arch=powerpcle" FAIL "exit status $rc and no results; see $klog"
	stage_end 1
	exit 1
fi

in_chroot python3 "$TOP/scripts/kunit_results.py" "$json" "$build/.config" >"$build/wb-results.tsv" ||
	die "cannot read $json; see $klog"
while IFS=$'\t' read -r status what; do
	case $status in
	PASS) res "$what" PASS ;;
	SKIP) res "$what" SKIP "skipped by the test; see $klog" ;;
	MISSING) res "$what" FAIL "enabled in .config but did not run; see $klog" ;;
	ERROR) res "$what" FAIL "crashed: no result; see $klog" ;;
	*) res "$what" FAIL "$status; see $klog" ;;
	esac
done <"$build/wb-results.tsv"
[ "$rc" = 0 ] || res "kunit.py run --arch=powerpcle" FAIL "exit status $rc; see $klog"
stage_end 0
