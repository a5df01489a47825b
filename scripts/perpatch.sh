#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the series patch by patch, as a bisecting maintainer would: every
# commit of linux/ on top of the base is checked out in the worktree
# out/scratch-src and built (the 'perpatch' row of config/matrix.tsv:
# LLVM, host config with the Rust machine-check exit, options a commit
# does not know yet left out), incrementally, with CLIPPY=1, and must
# pass rustfmtcheck: no clippy, rustc or rustfmt complaint at any point
# of the series. A commit that changes the KVM selftests must also leave
# them building, without warnings.
#
# A commit's verdicts are cached under its tree, the toolchain, the
# fragments and these scripts: a patch whose tree did not change is not
# built again, and its results are reported as cached. FORCE=1 builds
# every patch.
# Results and the time each build took go to out/results/perpatch.res.
. "$(dirname "$0")/lib.sh"
. "$TOP/config/base.env"
wb_enter perpatch

stage_begin perpatch "$LOGS/step-perpatch.log"
mapfile -t commits < <(git -C "$LINUX" rev-list --reverse "$BASE_TAG..HEAD")
[ ${#commits[@]} -gt 0 ] || die "no commits on top of $BASE_TAG in $LINUX"
git -C "$LINUX" diff --quiet HEAD ||
	log "perpatch: linux/ has uncommitted changes; they are not part of any commit built here"
matrix_row perpatch
tool=$(toolid)
scratch=$OUT/scratch-src
recipe=$(hash_files "$TOP"/scripts/{lib,build,perpatch,kselftests}.sh \
	"$TOP/config/matrix.tsv" "${M_FRAG_FILES[@]}")

t0=$(date +%s)
n=0 built=0
for c in "${commits[@]}"; do
	n=$((n + 1))
	subject=$(git -C "$LINUX" log -1 --format=%s "$c")
	selftests=$(git -C "$LINUX" diff-tree --no-commit-id --name-only -r "$c" -- \
		tools/testing/selftests/kvm | awk 'NR == 1')
	key=$(hash_of "$tool" "$recipe" "$(git -C "$LINUX" rev-parse "$c^{tree}")" "${selftests:+selftests}" \
		"$n/${#commits[@]} $subject")
	if cache_get perpatch "$key"; then
		log "perpatch: $n/${#commits[@]} cached: $subject"
		continue
	fi
	mark=$(stage_line_count)
	built=$((built + 1))
	plog=$LOGS/perpatch-$n.log
	worktree_at "$scratch" "$c"
	start=$(date +%s)
	log "perpatch: $n/${#commits[@]} $subject (log: $plog)"
	if BUILD_SRC=$scratch BUILD_OBJ=scratch BUILD_LENIENT=1 \
		run "$TOP/scripts/build.sh" perpatch >"$plog" 2>&1; then
		res "patch $n builds: $subject" PASS "$(( $(date +%s) - start )) s"
		w=$(cat "$OUT/build-scratch/.wb-rust-warnings")
		if [ -z "$w" ]; then
			res "patch $n is clippy clean: $subject" PASS
		else
			cp "$LOGS/build-scratch.log" "$LOGS/build-perpatch-$n.log"
			res "patch $n is clippy clean: $subject" FAIL "$(head -n 2 <<<"$w"); see $LOGS/build-perpatch-$n.log"
		fi
		if WB_BIND="$scratch:/wb/src" run in_chroot make -s -C /wb/src ARCH=powerpc LLVM=1 rustfmtcheck \
			>"$LOGS/rustfmt-perpatch-$n.log" 2>&1; then
			res "patch $n is rustfmt clean: $subject" PASS
		else
			res "patch $n is rustfmt clean: $subject" FAIL "see $LOGS/rustfmt-perpatch-$n.log"
		fi
		# A patch to the KVM selftests must leave them building.
		if [ -n "$selftests" ]; then
			if SELFTESTS_SRC=$scratch SELFTESTS_OBJ=$OUT/build-scratch-selftests \
				run "$TOP/scripts/kselftests.sh" >>"$plog" 2>&1; then
				res "patch $n builds the KVM selftests: $subject" PASS
			else
				res "patch $n builds the KVM selftests: $subject" FAIL "see $plog"
			fi
		fi
	else
		cp "$LOGS/build-scratch.log" "$LOGS/build-perpatch-$n.log" 2>/dev/null || true
		res "patch $n builds: $subject" FAIL "see $plog and $LOGS/build-perpatch-$n.log"
	fi
	stage_failed_since "$mark" || cache_put perpatch "$key" <(stage_lines_since "$mark")
done
log "perpatch: $built of ${#commits[@]} patches built in $(( $(date +%s) - t0 )) s, the others cached"
