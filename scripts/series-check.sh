#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Check the series in patches/ as a maintainer receiving it would: it
# applies with 'git am' to the pinned base, the cover letter names the
# base commit, and every patch is clean under checkpatch.pl --strict
# (only the missing Signed-off-by is excused: the sender adds it; and the
# "does MAINTAINERS need updating?" warning where an entry already covers
# every file the patch adds).
# Results go to out/results/series.res.
. "$(dirname "$0")/lib.sh"
. "$TOP/config/base.env"

res() { in_chroot python3 "$TOP/scripts/report.py" add series "$@"; }
rm -f "$OUT/results/series.res"
mkdir -p "$LOGS"
base_git=$CACHE/base.git
base=$(git --git-dir="$base_git" rev-parse "$BASE_TAG^{commit}") ||
	die "no base repository; run 'make base' first"
mapfile -t series < <(ls "$TOP"/patches/[0-9][0-9][0-9][0-9]-*.patch |
	grep -v '/0000-cover-letter.patch$')
[ ${#series[@]} -gt 0 ] || die "patches/ holds no patches"

if grep -qx "base-commit: $base" "$TOP/patches/0000-cover-letter.patch"; then
	res "cover letter names base-commit $BASE_TAG" PASS
else
	res "cover letter names base-commit $BASE_TAG" FAIL "want base-commit: $base"
fi

wt=$(mktemp -d "$CACHE/series-check-XXXXXX")
cleanup() {
	git --git-dir="$base_git" worktree remove --force "$wt" 2>/dev/null || rm -rf "$wt"
	git --git-dir="$base_git" worktree prune
}
trap cleanup EXIT
git --git-dir="$base_git" worktree add -q --detach "$wt" "$BASE_TAG"
applied=1
for p in "${series[@]}"; do
	n=$(basename "$p")
	if git -C "$wt" -c user.name=check -c user.email=check@invalid \
		am -q "$p" >"$LOGS/series-am.log" 2>&1; then
		res "git am $n" PASS
	else
		res "git am $n" FAIL "does not apply; see $LOGS/series-am.log"
		applied=0
		break
	fi
done

# checkpatch warns about every added file (FILE_PATH_CHANGES) unless the
# patch edits MAINTAINERS, whether or not an entry already covers it. That
# warning is accepted only where get_maintainer.pl finds a maintainer for
# each added file; everything else checkpatch --strict says fails.
log "series: checkpatch --strict on ${#series[@]} patches"
mapfile -t commits < <(git -C "$wt" rev-list --reverse "$BASE_TAG..HEAD")
i=0
for p in "${series[@]}"; do
	n=$(basename "$p")
	out=$LOGS/checkpatch-${n%.patch}.log
	if (cd "$wt" && in_chroot ./scripts/checkpatch.pl --strict \
		--ignore MISSING_SIGN_OFF,FILE_PATH_CHANGES "$p") >"$out" 2>&1; then
		res "checkpatch --strict $n" PASS
	else
		res "checkpatch --strict $n" FAIL "$(grep -E -m1 '^(ERROR|WARNING|CHECK)' "$out"); see $out"
	fi
	c=${commits[$i]:-}
	i=$((i + 1))
	[ -n "$c" ] || continue
	mapfile -t added < <(git -C "$wt" diff-tree --no-commit-id --root -r \
		--diff-filter=A --name-only "$c")
	[ ${#added[@]} -gt 0 ] || continue
	orphans=()
	for f in "${added[@]}"; do
		# Read all of it: grep -q would close the pipe early, and with
		# pipefail the killed writer would look like a missing entry.
		who=$(cd "$wt" && in_chroot perl ./scripts/get_maintainer.pl --no-git \
			--no-git-fallback -f "$f" 2>/dev/null) || true
		grep -q '(maintainer:' <<<"$who" || orphans+=("$f")
	done
	if [ ${#orphans[@]} -eq 0 ]; then
		res "MAINTAINERS covers the files $n adds" PASS
	else
		res "MAINTAINERS covers the files $n adds" FAIL "no maintainer for: ${orphans[*]}"
	fi
done
[ $applied = 1 ] || die "the series does not apply to $BASE_TAG"
