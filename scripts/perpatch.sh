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
#
# Then every part of patches/parts that is not sent as linux/ holds it
# (it needs fewer parts than come before it) is built the same way on the
# base with only the parts it needs, applied from patches/ with git am:
# each part builds where its cover letter says it applies.
#   perpatch.sh --parts   builds the parts only, all of them.
. "$(dirname "$0")/lib.sh"
. "$TOP/config/base.env"
wb_enter perpatch
parts_only=0
[ "${1:-}" != --parts ] || parts_only=1

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
# build_tree WHAT KEY LOG SELFTESTS: build what out/scratch-src holds, as
# WHAT, unless KEY is cached; with SELFTESTS set, the KVM selftests too.
build_tree() {
	local what=$1 key=$2 plog=$3 selftests=$4 mark start w
	if cache_get perpatch "$key"; then
		log "perpatch: cached: $what"
		return 0
	fi
	mark=$(stage_line_count)
	built=$((built + 1))
	start=$(date +%s)
	log "perpatch: $what (log: $plog)"
	if BUILD_SRC=$scratch BUILD_OBJ=scratch BUILD_LENIENT=1 \
		run "$TOP/scripts/build.sh" perpatch >"$plog" 2>&1; then
		res "$what builds" PASS "$(( $(date +%s) - start )) s"
		w=$(cat "$OUT/build-scratch/.wb-rust-warnings")
		if [ -z "$w" ]; then
			res "$what is clippy clean" PASS
		else
			cp "$LOGS/build-scratch.log" "${plog%.log}-build.log"
			res "$what is clippy clean" FAIL "$(head -n 2 <<<"$w"); see ${plog%.log}-build.log"
		fi
		if WB_BIND="$scratch:/wb/src" run in_chroot make -s -C /wb/src ARCH=powerpc LLVM=1 rustfmtcheck \
			>"${plog%.log}-rustfmt.log" 2>&1; then
			res "$what is rustfmt clean" PASS
		else
			res "$what is rustfmt clean" FAIL "see ${plog%.log}-rustfmt.log"
		fi
		# A change to the KVM selftests must leave them building.
		if [ -n "$selftests" ]; then
			if SELFTESTS_SRC=$scratch SELFTESTS_OBJ=$OUT/build-scratch-selftests \
				run "$TOP/scripts/kselftests.sh" >>"$plog" 2>&1; then
				res "$what builds the KVM selftests" PASS
			else
				res "$what builds the KVM selftests" FAIL "see $plog"
			fi
		fi
	else
		cp "$LOGS/build-scratch.log" "${plog%.log}-build.log" 2>/dev/null || true
		res "$what builds" FAIL "see $plog and ${plog%.log}-build.log"
	fi
	stage_failed_since "$mark" || cache_put perpatch "$key" <(stage_lines_since "$mark")
}

[ $parts_only = 1 ] || for c in "${commits[@]}"; do
	n=$((n + 1))
	subject=$(git -C "$LINUX" log -1 --format=%s "$c")
	selftests=$(git -C "$LINUX" diff-tree --no-commit-id --name-only -r "$c" -- \
		tools/testing/selftests/kvm | awk 'NR == 1')
	key=$(hash_of "$tool" "$recipe" "$(git -C "$LINUX" rev-parse "$c^{tree}")" "${selftests:+selftests}" \
		"$n/${#commits[@]} $subject")
	worktree_at "$scratch" "$c"
	build_tree "patch $n: $subject" "$key" "$LOGS/perpatch-$n.log" "$selftests"
done

# The parts, each on the base with only the parts it needs.
parts_load
base=$(git -C "$LINUX" rev-parse "$BASE_TAG^{commit}")
for i in "${!PART_DIR[@]}"; do
	[ $parts_only = 1 ] || ! part_is_linear "$i" || continue
	dir=${PART_DIR[$i]}
	mapfile -t patches < <(part_needed_patches "$i"; part_patches "$i")
	what="part $dir on the base with ${PART_NEEDS[$i]:-no other part}"
	git -C "$scratch" am --abort >/dev/null 2>&1 || true
	worktree_at "$scratch" "$base"
	if ! git -C "$scratch" -c user.name=check -c user.email=check@invalid \
		am -q "${patches[@]}" >"$LOGS/perpatch-$dir-am.log" 2>&1; then
		git -C "$scratch" am --abort >/dev/null 2>&1 || true
		res "$what builds" FAIL "it does not apply there; see $LOGS/perpatch-$dir-am.log"
		continue
	fi
	selftests=$(git -C "$scratch" diff --name-only "$base" HEAD -- tools/testing/selftests/kvm | awk 'NR == 1')
	key=$(hash_of "$tool" "$recipe" "$(git -C "$scratch" rev-parse "HEAD^{tree}")" \
		"${selftests:+selftests}" "$what")
	build_tree "$what" "$key" "$LOGS/perpatch-$dir.log" "$selftests"
done
log "perpatch: $built trees built in $(( $(date +%s) - t0 )) s, the others cached"
