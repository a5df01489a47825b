#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Check the series in patches/ as a maintainer receiving it would: each
# part (patches/parts) applies with 'git am' to the pinned base with only
# the parts it needs, and its cover letter names the base commit and
# those parts' patches (prerequisite-patch-id); the whole series applies
# in the order of patches/parts; every patch is clean under
# checkpatch.pl --strict
# (only the missing Signed-off-by is excused: the sender adds it; and the
# "does MAINTAINERS need updating?" warning where an entry already covers
# every file the patch adds, which get_maintainer.pl checks).
#
# The patches are applied in out/series-src, a worktree of linux/ that
# stays between runs, so that only the files the series touches are
# written. checkpatch's and get_maintainer's verdict on a patch is kept
# in the result cache under a key of the patch and the scripts that judge
# it. Results go to out/results/series.res.
. "$(dirname "$0")/lib.sh"
. "$TOP/config/base.env"
wb_enter series-check

stage_begin series "$LOGS/step-series.log"
mkdir -p "$LOGS"
base=$(git -C "$LINUX" rev-parse -q --verify "$BASE_TAG^{commit}") ||
	die "no base tag $BASE_TAG in linux/; run 'make tree' first"
parts_series
series=("${SERIES[@]}")
# A patch's name in results and logs: PART/NNNN-subject.
pname() { local d=${1%/*}; echo "${d##*/}/$(basename "$1" .patch)"; }

# git_am_all WT PATCH...: apply the patches in WT; on failure say which.
git_am_all() {
	local wt=$1 p
	shift
	for p in "$@"; do
		if ! git -C "$wt" -c user.name=check -c user.email=check@invalid \
			am -q "$p" >"$LOGS/series-am.log" 2>&1; then
			git -C "$wt" am --abort >/dev/null 2>&1 || true
			echo "$(pname "$p")"
			return 1
		fi
	done
}

wt=$OUT/series-src
git -C "$wt" am --abort >/dev/null 2>&1 || true
# Each part's cover letter: the base, and the patches of the parts it
# needs as prerequisite-patch-id, as 'git format-patch --base' and b4
# write them; and the part applies to the base with only those parts.
for i in "${!PART_DIR[@]}"; do
	dir=${PART_DIR[$i]}
	cover=$TOP/patches/$dir/0000-cover-letter.patch
	if grep -qx "base-commit: $base" "$cover" 2>/dev/null; then
		res "$dir: cover letter names base-commit $BASE_TAG" PASS
	else
		res "$dir: cover letter names base-commit $BASE_TAG" FAIL "want base-commit: $base; see $cover"
	fi
	mapfile -t need < <(part_needed_patches "$i")
	want=$(for p in "${need[@]}"; do git patch-id --stable <"$p" | cut -d' ' -f1; done)
	have=$(sed -n 's/^prerequisite-patch-id: //p' "$cover" 2>/dev/null || true)
	what="$dir: prerequisite-patch-id lines are the ${#need[@]} patches of ${PART_NEEDS[$i]}"
	[ ${#need[@]} -gt 0 ] || what="$dir: no prerequisite-patch-id line (it needs no other part)"
	if [ "$want" = "$have" ]; then
		res "$what" PASS
	else
		res "$what" FAIL "the cover letter lists $(grep -c . <<<"$have") ids, not those of patches/parts' prerequisites; run 'make export'; see $cover"
	fi
	mapfile -t own < <(part_patches "$i")
	worktree_at "$wt" "$base"
	what="$dir applies to $BASE_TAG with ${PART_NEEDS[$i]:-no other part}"
	if bad=$(git_am_all "$wt" "${need[@]}" "${own[@]}"); then
		res "$what" PASS
	else
		res "$what" FAIL "$bad does not apply; see $LOGS/series-am.log"
	fi
done

# The whole series, in the order of patches/parts, as make tree applies it.
worktree_at "$wt" "$base"
applied=1
for p in "${series[@]}"; do
	if bad=$(git_am_all "$wt" "$p"); then
		res "git am $(pname "$p")" PASS
	else
		res "git am $bad" FAIL "does not apply; see $LOGS/series-am.log"
		applied=0
		break
	fi
done
[ $applied = 1 ] || die "the series does not apply to $BASE_TAG; see $LOGS/series-am.log"

# What a verdict depends on, besides the patch.
tool=$(toolid)
ignore=MISSING_SIGN_OFF,FILE_PATH_CHANGES
judges=$(cd "$wt" && cat scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch \
	scripts/get_maintainer.pl | sha256sum | cut -c1-16)
confirmed=$TOP/config/confirmed-commits.txt
keyof() { hash_of "$tool" "$base" "$judges" "$ignore" "$(hash_files "$TOP/scripts/series-check.sh" "$confirmed")" "$@"; }

# checkpatch --strict on every patch whose verdict is not cached, two at
# a time, in one chroot.
todo=()
declare -A ckey
for p in "${series[@]}"; do
	n=$(pname "$p")
	ckey[$n]=$(keyof checkpatch "$(sha256_of "$p")")
	[ "${FORCE:-0}" != 1 ] && [ -f "$RCACHE/checkpatch/${ckey[$n]}.res" ] || todo+=("$p")
done
rm -f "$LOGS"/checkpatch-*.rc "$LOGS"/checkpatch-*.log
if [ ${#todo[@]} -gt 0 ]; then
	log "series: checkpatch --strict on ${#todo[@]} of ${#series[@]} patches (the others' verdicts are cached)"
	(cd "$wt" && run in_chroot sh -c '
		logs=$1 ignore=$2
		shift 2
		printf "%s\n" "$@" | xargs -P 2 -I{} sh -c "
			n=\$(basename \$(dirname {}))_\$(basename {} .patch)
			./scripts/checkpatch.pl --strict --show-types --ignore $ignore {} >$logs/checkpatch-\$n.log 2>&1
			echo \$? >$logs/checkpatch-\$n.rc"
	' checkpatch "$LOGS" "$ignore" "${todo[@]}")
else
	log "series: checkpatch --strict verdicts of all ${#series[@]} patches are cached"
fi

# checkpatch warns about every added file (FILE_PATH_CHANGES) unless the
# patch edits MAINTAINERS, whether or not an entry already covers it. That
# warning is accepted only where get_maintainer.pl finds a maintainer for
# each added file; everything else checkpatch --strict says fails.
# excused_only LOG PATCH: whether checkpatch's only complaints in LOG
# (which it finished: its "total:" line agrees) are UNKNOWN_COMMIT_ID
# for ids that config/confirmed-commits.txt lists, each named in PATCH
# with the subject listed there; prints them.
excused_only() {
	local line id subject ids="" n=0
	while read -r line; do
		id=$(sed -n "s/^WARNING:UNKNOWN_COMMIT_ID: Unknown commit id '\([0-9a-f]*\)'.*/\1/p" <<<"$line")
		[ -n "$id" ] || return 1
		subject=$(awk -F'\t' -v id="${id:0:12}" '$1 == id { print $2 }' "$confirmed")
		[ -n "$subject" ] || return 1
		grep -qF -- "${id:0:12} (\"$subject\")" "$2" || return 1
		ids+="${ids:+ }$id"
		n=$((n + 1))
	done < <(grep -E '^(ERROR|WARNING|CHECK)' "$1")
	grep -qx "total: 0 errors, $n warnings, 0 checks, [0-9]* lines checked" "$1" || return 1
	[ -n "$ids" ] && echo "$ids"
}

mapfile -t commits < <(git -C "$wt" rev-list --reverse "$base..HEAD")
i=0
for p in "${series[@]}"; do
	n=$(pname "$p")
	ln=${n/\//_}
	key=${ckey[$n]}
	if ! cache_get checkpatch "$key"; then
		mark=$(stage_line_count)
		out=$LOGS/checkpatch-$ln.log
		if [ "$(cat "$LOGS/checkpatch-$ln.rc" 2>/dev/null)" = 0 ]; then
			res "checkpatch --strict $n.patch" PASS
			cache_put checkpatch "$key" <(stage_lines_since "$mark")
		elif [ "$(cat "$LOGS/checkpatch-$ln.rc" 2>/dev/null)" = 1 ] &&
			excused=$(excused_only "$out" "$p"); then
			res "checkpatch --strict $n.patch" PASS "UNKNOWN_COMMIT_ID excused for $excused (config/confirmed-commits.txt)"
			cache_put checkpatch "$key" <(stage_lines_since "$mark")
		else
			res "checkpatch --strict $n.patch" FAIL "$(grep -E -m1 '^(ERROR|WARNING|CHECK)' "$out" || echo "no verdict"); see $out"
		fi
	fi
	c=${commits[$i]:-}
	i=$((i + 1))
	[ -n "$c" ] || continue
	mapfile -t added < <(git -C "$wt" diff-tree --no-commit-id --root -r \
		--diff-filter=A --name-only "$c")
	[ ${#added[@]} -gt 0 ] || continue
	key=$(keyof maintainers "$(git -C "$wt" rev-parse "$c:MAINTAINERS")" "${added[@]}")
	cache_get maintainers "$key" && continue
	orphans=()
	for f in "${added[@]}"; do
		# Read all of it: grep -q would close the pipe early, and with
		# pipefail the killed writer would look like a missing entry.
		who=$(git -C "$wt" show "$c:MAINTAINERS" >"$OUT/.maintainers-$ln" &&
			cd "$wt" && in_chroot perl ./scripts/get_maintainer.pl --no-git \
			--no-git-fallback --mpath "$OUT/.maintainers-$ln" -f "$f" 2>/dev/null) || true
		grep -q '(maintainer:' <<<"$who" || orphans+=("$f")
	done
	rm -f "$OUT/.maintainers-$ln"
	mark=$(stage_line_count)
	if [ ${#orphans[@]} -eq 0 ]; then
		res "MAINTAINERS covers the files $n.patch adds" PASS
		cache_put maintainers "$key" <(stage_lines_since "$mark")
	else
		res "MAINTAINERS covers the files $n.patch adds" FAIL "no maintainer for: ${orphans[*]}; see get_maintainer.pl -f FILE in $wt"
	fi
done
