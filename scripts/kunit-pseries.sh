#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The series' KUnit cases as a contributor without a POWER host runs
# them: kunit.py with arch/powerpc/kvm/.kunitconfig, on a pseries guest
# (QEMU -M pseries -cpu power8, TCG, no hypervisor mode), LLVM for C and
# Rust (kunit.py's powerpcle configuration, ppc64le: the only powerpc
# where Rust is built). CROSS_COMPILE is for the boot wrapper's objcopy,
# which LLVM=1 alone leaves to the build machine's. Each case is a result;
# a suite of EXPECTED that did not run fails. The build is kunit.py's,
# incremental in out/kunit-pseries.
#   kunit-pseries.sh
. "$(dirname "$0")/lib.sh"
wb_enter kunit-pseries

EXPECTED="kvm_hv_mce_exit rust_powerpc_mce"
build=$OUT/kunit-pseries
json=$build/wb-results.json
klog=$LOGS/kunit-pseries.log
[ -f "$LINUX/arch/powerpc/kvm/.kunitconfig" ] ||
	die "no arch/powerpc/kvm/.kunitconfig in $LINUX; is the series applied?"
stage_begin kunit-pseries "$klog"
mkdir -p "$build"
rm -f "$json"

log "kunit-pseries: kunit.py run --arch=powerpcle (build in $build, log $klog)"
rc=0
(cd "$LINUX" && run in_chroot python3 tools/testing/kunit/kunit.py run \
	--arch=powerpcle --cross_compile=powerpc64le-linux-gnu- \
	--make_options LLVM=1 --kunitconfig=arch/powerpc/kvm \
	--build_dir="$build" --jobs="$(nproc)" --timeout=600 \
	--json="$json") >"$klog" 2>&1 || rc=$?
if [ ! -s "$json" ]; then
	res "kunit.py run --arch=powerpcle" FAIL "exit status $rc and no results; see $klog"
	stage_end 1
	exit 1
fi

python3 - "$json" "$EXPECTED" >"$build/wb-results.tsv" <<'EOF' || die "cannot read $json; see $klog"
import json, sys

def cases(group, path):
    for c in group.get("test_cases", []):
        yield path + [c["name"]], c["status"]
    for g in group.get("sub_groups", []):
        yield from cases(g, path + [g["name"]])

top = json.load(open(sys.argv[1]))
seen = set()
for g in top.get("sub_groups", []):
    seen.add(g["name"])
    for path, status in cases(g, [g["name"]]):
        print(f"{status}\tkunit (pseries): {'.'.join(path)}")
for s in sys.argv[2].split():
    if s not in seen:
        print(f"MISSING\tkunit (pseries): suite {s}")
EOF
while IFS=$'\t' read -r status what; do
	case $status in
	PASS) res "$what" PASS ;;
	SKIP) res "$what" SKIP "skipped by the test; see $klog" ;;
	MISSING) res "$what" FAIL "did not run; see $klog" ;;
	*) res "$what" FAIL "$status; see $klog" ;;
	esac
done <"$build/wb-results.tsv"
[ "$rc" = 0 ] || res "kunit.py run --arch=powerpcle" FAIL "exit status $rc; see $klog"
stage_end 0
