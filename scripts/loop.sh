#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 'make loop': the inner loop. Build linux/ as it is (uncommitted edits
# included; tree.sh warns when it differs from patches/), boot it on one
# machine (M, default powernv10) with machine_check_test only, and print
# the KUnit and machine_check_test results and how long it all took.
# Its results go to out/loop-results, apart from 'make check''s.
. "$(dirname "$0")/lib.sh"
export RESULTS_DIR=$OUT/loop-results
RESULTS=$RESULTS_DIR
wb_enter loop

machine=${M:-powernv10}
t0=$(date +%s)
rm -rf "$RESULTS"
S=$TOP/scripts
run "$S/toolchain.sh"
run "$S/base.sh"
run "$S/tree.sh"
run "$S/build.sh" host
run "$S/kselftests.sh"
SELFTESTS=machine_check_test run "$S/initramfs.sh" host
rc=0
BOOT_TAG=loop-$machine run "$S/boot.sh" host "$machine" || rc=$?
secs=$(( $(date +%s) - t0 ))
echo "--- $machine: KUnit suites and machine_check_test"
awk -F'\t' '$2 ~ /: kunit: / { split($2, a, ": kunit: "); split(a[2], b, "."); n[b[1]]++; if ($1 != "PASS") bad[b[1]]++ }
	$2 ~ /: selftest: machine_check_test(\[[^]]*\])?: / { sub(/^[^:]*: selftest: /, "", $2); print $1 "  " $2 }
	END { for (s in n) printf "KUnit %s: %d cases, %d not passed\n", s, n[s], bad[s] }' \
	"$RESULTS"/boot-loop-"$machine".res 2>/dev/null | sort
summary | tail -n 1 || true
# Recorded as "loop" also when 'make bench' runs it.
WB_COMMAND=loop record_run - "$secs" "exit $rc" "$rc"
log "loop: edit to results in $secs s ($((secs / 60)) min $((secs % 60)) s)"
exit $rc
