#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The series' KUnit cases as a contributor without a POWER host runs
# them: kunit.py with arch/powerpc/kvm/.kunitconfig, on a pseries guest
# (QEMU -M pseries -cpu power8, TCG, no hypervisor mode), LLVM for C and
# Rust (kunit.py's powerpcle configuration, ppc64le: the only powerpc
# where Rust is built). CROSS_COMPILE is for the boot wrapper's objcopy,
# which LLVM=1 alone leaves to the build machine's. The console is read
# as a boot's is (report.py kunit): the kernel's health, each case a
# result, and a suite that config/kunit-suites.txt expects of the
# kernel's .config and that did not run fails. The build is kunit.py's,
# incremental in out/kunit-pseries.
#   kunit-pseries.sh
. "$(dirname "$0")/lib.sh"
wb_enter kunit-pseries

build=$OUT/kunit-pseries
blog=$LOGS/kunit-pseries-build.log
clog=$LOGS/kunit-pseries.log
[ -f "$LINUX/arch/powerpc/kvm/.kunitconfig" ] ||
	die "no arch/powerpc/kvm/.kunitconfig in $LINUX; is the series applied?"
stage_begin kunit-pseries "$clog"
mkdir -p "$build"
rm -f "$clog"

kunit_py() {
	cd "$LINUX" && in_chroot python3 tools/testing/kunit/kunit.py "$1" \
		--arch=powerpcle --cross_compile=powerpc64le-linux-gnu- \
		--kunitconfig=arch/powerpc/kvm --build_dir="$build" "${@:2}"
}
log "kunit-pseries: kunit.py build --arch=powerpcle (in $build, log $blog)"
run kunit_py build --make_options LLVM=1 --jobs="$JOBS" >"$blog" 2>&1 ||
	die "kunit.py build failed; see $blog"
log "kunit-pseries: kunit.py exec (console $clog)"
rc=0
run kunit_py exec --timeout=600 --raw_output=all >"$clog" 2>&1 || rc=$?
[ "$rc" = 0 ] || res "kunit.py exec --arch=powerpcle" FAIL "exit status $rc; see $clog"
in_chroot python3 "$TOP/scripts/report.py" kunit "$clog" --config "$build/.config" \
	--out "$RESULTS/.kunit-pseries.part" ||
	res "KUnit results read from the console" FAIL "report.py failed on $clog"
[ -s "$RESULTS/.kunit-pseries.part" ] ||
	res "KUnit results read from the console" FAIL "no KUnit result in $clog"
stage_end 0
