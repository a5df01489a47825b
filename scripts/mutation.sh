#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Do the tests catch a wrong expectation? Build the series with one
# expected value of a KUnit test changed, boot it, and require that the
# boot fails and names that test case. Results go to
# out/results/mutation.res.
. "$(dirname "$0")/lib.sh"

res() { in_chroot python3 "$TOP/scripts/report.py" add mutation "$@"; }
rm -f "$OUT/results/mutation.res"
wt=$OUT/mutant-src
file=arch/powerpc/kvm/book3s_hv_mce.rs
from='(u64::MAX, 0, 0x083c_0000),'
to='(u64::MAX, 0, 0x083c_0001),'
case_name=kvm_hv_mce_exit.no_fwnmi_queues_with_srr1_bits

git -C "$LINUX" worktree remove --force "$wt" 2>/dev/null || rm -rf "$wt"
git -C "$LINUX" worktree prune
git -C "$LINUX" worktree add -q --detach "$wt" HEAD
cleanup() {
	git -C "$LINUX" worktree remove --force "$wt" 2>/dev/null || true
	git -C "$LINUX" worktree prune
}
trap cleanup EXIT

grep -qF "$from" "$wt/$file" || die "mutation: '$from' not found in $file; update scripts/mutation.sh"
sed -i "s/$(printf '%s' "$from" | sed 's/[][().*^$/]/\\&/g')/$to/" "$wt/$file"
grep -qF "$to" "$wt/$file" || die "mutation: could not change $file"

log "mutation: building with $file expecting $to"
if ! BUILD_SRC=$wt "$TOP/scripts/build.sh" mutant powernv-host.config rust-mce.config; then
	res "a wrong KUnit expectation fails the run" FAIL "the mutant did not build; see $LOGS/build-mutant.log"
	exit 0
fi
"$TOP/scripts/initramfs.sh" mutant
if out=$(BOOT_TAG=mutant "$TOP/scripts/boot.sh" mutant powernv10 2>&1); then
	res "a wrong KUnit expectation fails the run" FAIL "the boot passed: $(tail -n 1 <<<"$out")"
elif grep -q "FAIL: .*kunit: $case_name" <<<"$out"; then
	res "a wrong KUnit expectation fails the run" PASS "named $case_name"
else
	res "a wrong KUnit expectation fails the run" FAIL "failed without naming $case_name: $(tail -n 2 <<<"$out")"
fi
# The mutant's own results are not the series' results.
rm -f "$OUT/results/boot-mutant.res"
