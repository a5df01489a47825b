#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the series patch by patch, as a bisecting maintainer would: every
# commit of linux/ on top of the base is checked out in a worktree and
# built (LLVM, host config with the Rust machine-check exit on, options a
# commit does not know yet left out), incrementally in one build dir.
# Results and the time each build took go to out/results/perpatch.res.
. "$(dirname "$0")/lib.sh"
. "$TOP/config/base.env"

res() { in_chroot python3 "$TOP/scripts/report.py" add perpatch "$@"; }
rm -f "$OUT/results/perpatch.res"
wt=$OUT/perpatch-src
mapfile -t commits < <(git -C "$LINUX" rev-list --reverse "$BASE_TAG..HEAD")
[ ${#commits[@]} -gt 0 ] || die "no commits on top of $BASE_TAG in $LINUX"

git -C "$LINUX" worktree remove --force "$wt" 2>/dev/null || rm -rf "$wt"
git -C "$LINUX" worktree prune
git -C "$LINUX" worktree add -q --detach "$wt" "${commits[0]}"
cleanup() {
	git -C "$LINUX" worktree remove --force "$wt" 2>/dev/null || true
	git -C "$LINUX" worktree prune
}
trap cleanup EXIT

t0=$(date +%s)
n=0
for c in "${commits[@]}"; do
	n=$((n + 1))
	subject=$(git -C "$LINUX" log -1 --format=%s "$c")
	git -C "$wt" checkout -q --detach "$c"
	start=$(date +%s)
	log "perpatch: $n/${#commits[@]} $subject"
	if BUILD_SRC=$wt BUILD_LENIENT=1 "$TOP/scripts/build.sh" perpatch \
		powernv-host.config rust-mce.config >"$LOGS/perpatch-$n.log" 2>&1; then
		res "patch $n builds: $subject" PASS "$(( $(date +%s) - start )) s"
	else
		cp "$LOGS/build-perpatch.log" "$LOGS/build-perpatch-$n.log" 2>/dev/null || true
		res "patch $n builds: $subject" FAIL "see $LOGS/perpatch-$n.log and $LOGS/build-perpatch-$n.log"
	fi
done
log "perpatch: ${#commits[@]} builds in $(( $(date +%s) - t0 )) s"
