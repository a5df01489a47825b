#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Do the tests catch a wrong expectation? Build the series with one
# expected value of a KUnit test changed, boot it, and require that the
# boot fails and names that test case. Results go to
# out/results/mutation.res.
. "$(dirname "$0")/lib.sh"

res() { in_chroot python3 "$TOP/scripts/report.py" add mutation "$@"; }
rm -f "$OUT/results/mutation.res"
file=arch/powerpc/kvm/book3s_hv_mce.rs
from='(u64::MAX, 0, 0x083c_0000),'
to='(u64::MAX, 0, 0x083c_0001),'
case_name=kvm_hv_mce_exit.no_fwnmi_queues_with_srr1_bits

scratch_tree "$(git -C "$LINUX" rev-parse HEAD)"
# Leave the scratch tree unmodified whatever happens.
trap 'git -C "$SCRATCH" checkout -q -f -- "$file" 2>/dev/null || true' EXIT

grep -qF "$from" "$SCRATCH/$file" || die "mutation: '$from' not found in $file; update scripts/mutation.sh"
in_chroot env FROM="$from" TO="$to" perl -pi -e 's/\Q$ENV{FROM}\E/$ENV{TO}/' "$SCRATCH/$file"
grep -qF "$to" "$SCRATCH/$file" || die "mutation: could not change $file"

log "mutation: building with $file expecting $to"
# CLIPPY=1 as perpatch.sh builds, so that only the mutated file is rebuilt.
if ! BUILD_SRC=$SCRATCH BUILD_MAKE_ARGS=CLIPPY=1 "$TOP/scripts/build.sh" scratch \
	powernv-host.config rust-mce.config; then
	res "a wrong KUnit expectation fails the run" FAIL "the mutant did not build; see $LOGS/build-scratch.log"
	exit 0
fi
"$TOP/scripts/initramfs.sh" scratch
if out=$(BOOT_TAG=mutant "$TOP/scripts/boot.sh" scratch powernv10 2>&1); then
	res "a wrong KUnit expectation fails the run" FAIL "the boot passed: $(tail -n 1 <<<"$out")"
elif grep -q "FAIL: .*kunit: $case_name" <<<"$out"; then
	res "a wrong KUnit expectation fails the run" PASS "named $case_name"
else
	res "a wrong KUnit expectation fails the run" FAIL "failed without naming $case_name: $(tail -n 2 <<<"$out")"
fi
# The mutant's own results are not the series' results.
rm -f "$OUT/results/boot-mutant.res"
