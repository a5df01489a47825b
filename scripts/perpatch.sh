#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the series patch by patch, as a bisecting maintainer would: every
# commit of linux/ on top of the base is checked out in the scratch
# worktree and built (LLVM, host config with the Rust machine-check exit
# on, options a commit does not know yet left out), incrementally, with
# CLIPPY=1, and each commit must also pass rustfmtcheck: no clippy, rustc
# or rustfmt complaint at any point of the series (see rust_warnings in
# lib.sh for the one warning let through). A commit that changes the KVM
# selftests must also leave them building, without warnings.
# Results and the time each build took go to out/results/perpatch.res.
. "$(dirname "$0")/lib.sh"
. "$TOP/config/base.env"

res() { in_chroot python3 "$TOP/scripts/report.py" add perpatch "$@"; }
rm -f "$OUT/results/perpatch.res"
mapfile -t commits < <(git -C "$LINUX" rev-list --reverse "$BASE_TAG..HEAD")
[ ${#commits[@]} -gt 0 ] || die "no commits on top of $BASE_TAG in $LINUX"

t0=$(date +%s)
n=0
for c in "${commits[@]}"; do
	n=$((n + 1))
	subject=$(git -C "$LINUX" log -1 --format=%s "$c")
	scratch_tree "$c"
	start=$(date +%s)
	log "perpatch: $n/${#commits[@]} $subject"
	if BUILD_SRC=$SCRATCH BUILD_LENIENT=1 BUILD_MAKE_ARGS=CLIPPY=1 \
		"$TOP/scripts/build.sh" scratch \
		powernv-host.config rust-mce.config >"$LOGS/perpatch-$n.log" 2>&1; then
		res "patch $n builds: $subject" PASS "$(( $(date +%s) - start )) s"
		w=$(rust_warnings "$LOGS/build-scratch.log")
		if [ -z "$w" ]; then
			res "patch $n is clippy clean: $subject" PASS
		else
			cp "$LOGS/build-scratch.log" "$LOGS/build-perpatch-$n.log"
			res "patch $n is clippy clean: $subject" FAIL "$(head -n 2 <<<"$w"); see $LOGS/build-perpatch-$n.log"
		fi
		if in_chroot make -s -C "$SCRATCH" ARCH=powerpc LLVM=1 rustfmtcheck \
			>"$LOGS/rustfmt-perpatch-$n.log" 2>&1; then
			res "patch $n is rustfmt clean: $subject" PASS
		else
			res "patch $n is rustfmt clean: $subject" FAIL "see $LOGS/rustfmt-perpatch-$n.log"
		fi
		# A patch to the KVM selftests must leave them building.
		if [ -n "$(git -C "$LINUX" diff-tree --no-commit-id --name-only -r "$c" -- \
			tools/testing/selftests/kvm)" ]; then
			if SELFTESTS_SRC=$SCRATCH SELFTESTS_OBJ=$OUT/build-scratch-selftests \
				"$TOP/scripts/selftests.sh" >>"$LOGS/perpatch-$n.log" 2>&1; then
				res "patch $n builds the KVM selftests: $subject" PASS
			else
				res "patch $n builds the KVM selftests: $subject" FAIL "see $LOGS/perpatch-$n.log"
			fi
		fi
	else
		cp "$LOGS/build-scratch.log" "$LOGS/build-perpatch-$n.log" 2>/dev/null || true
		res "patch $n builds: $subject" FAIL "see $LOGS/perpatch-$n.log and $LOGS/build-perpatch-$n.log"
	fi
done
log "perpatch: ${#commits[@]} builds in $(( $(date +%s) - t0 )) s"
