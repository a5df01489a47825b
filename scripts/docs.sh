#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the documentation the series touches with the kernel's own
# 'make htmldocs', in the docs chroot (Sphinx from config/docs.pins), once
# on the base and once on the series, for the documentation directories
# that hold the touched .rst files (SPHINXDIRS). Fails when the series
# adds a warning, or when a touched document gives no page; a third build,
# with a broken reference added, shows that a new warning is seen. The verdict
# is cached under both trees' Documentation/ and tools/docs/, the docs
# chroot's packages and this script. Results go to out/results/docs.res.
. "$(dirname "$0")/lib.sh"
. "$TOP/config/base.env"
wb_enter docs

stage_begin docs "$LOGS/step-docs.log"
run "$TOP/scripts/toolchain.sh" --docs
base=$(git -C "$LINUX" rev-parse -q --verify "$BASE_TAG^{commit}") ||
	die "no base tag $BASE_TAG in linux/; run 'make tree' first"
head=$(git -C "$LINUX" rev-parse HEAD)
git -C "$LINUX" diff --quiet HEAD ||
	log "docs: linux/ has uncommitted changes; the documentation of its HEAD is built"

mapfile -t touched < <(git -C "$LINUX" diff --name-only --diff-filter=AM "$base" "$head" -- \
	'Documentation/*.rst')
if [ ${#touched[@]} = 0 ]; then
	res "htmldocs: the series touches no .rst file" PASS
	exit 0
fi
# The nearest directory with an index.rst above each touched document.
dirs=()
for f in "${touched[@]}"; do
	d=$(dirname "${f#Documentation/}")
	while [ "$d" != . ] && ! git -C "$LINUX" cat-file -e "$head:Documentation/$d/index.rst" 2>/dev/null; do
		d=$(dirname "$d")
	done
	dirs+=("$d")
done
sphinxdirs=$(printf '%s\n' "${dirs[@]}" | sort -u | tr '\n' ' ' | sed 's/ $//')

key=$(hash_of "$(hash_files "$DOCSROOT/.wb-packages")" "$sphinxdirs" \
	"$(hash_files "$TOP/scripts/docs.sh" "$TOP/scripts/lib.sh")" \
	"$(git -C "$LINUX" rev-parse "$base:Documentation" "$base:tools/docs" \
		"$head:Documentation" "$head:tools/docs")")
if cache_get docs "$key"; then
	log "docs: verdict cached for these trees"
	exit 0
fi
mark=$(stage_line_count)

# htmldocs REV NAME: build REV's documentation (or, with REV empty, what
# out/docs-src holds) into out/docs-NAME; its warnings, without the
# source path, go to out/docs-NAME.warnings.
src=$OUT/docs-src
htmldocs() {
	local rev=$1 name=$2 out=$OUT/docs-$2 blog=$LOGS/htmldocs-$2.log
	[ -z "$rev" ] || worktree_at "$src" "$rev"
	rm -rf "$out"
	mkdir -p "$out"
	log "docs: make htmldocs SPHINXDIRS=\"$sphinxdirs\" on $name (log: $blog)"
	if ! run in_docs_chroot make -C "$src" O="$out" SPHINXDIRS="$sphinxdirs" htmldocs \
		>"$blog" 2>&1; then
		res "htmldocs on $name builds" FAIL "make htmldocs failed: $(tail -n 2 "$blog" | tr '\n' ' '); see $blog"
		return 1
	fi
	# Without Sphinx the kernel's make says SKIP and succeeds.
	if grep -q 'SKIP *Sphinx' "$blog"; then
		res "htmldocs on $name builds" FAIL "make found no sphinx-build in the docs chroot; see $blog"
		return 1
	fi
	res "htmldocs on $name builds" PASS
	# Without line numbers (a line the series inserts above a warning
	# moves it) but with repeats: comm then finds every added one.
	grep -E 'WARNING|ERROR|CRITICAL' "$blog" | sed -E "s|$src/||g; s|$out/||g; s/^([^: ]+):[0-9]+:/\1:/" |
		LC_ALL=C sort >"$out.warnings" || true
}

if htmldocs "$base" base && htmldocs "$head" series; then
	new=$(LC_ALL=C comm -13 "$OUT/docs-base.warnings" "$OUT/docs-series.warnings")
	if [ -z "$new" ]; then
		res "htmldocs ($sphinxdirs): the series adds no warning ($(grep -c . "$OUT/docs-base.warnings") on the base, the same on the series)" PASS
	else
		res "htmldocs ($sphinxdirs): the series adds no warning" FAIL \
			"$(grep -c . <<<"$new") new: $(head -n 2 <<<"$new" | tr '\n' ' '); see $LOGS/htmldocs-series.log"
	fi
	for f in "${touched[@]}"; do
		page=$OUT/docs-series/Documentation/output/${f#Documentation/}
		page=${page%.rst}.html
		if [ -s "$page" ]; then
			res "htmldocs: $f gives a page" PASS
		else
			res "htmldocs: $f gives a page" FAIL "no ${page#"$OUT"/}; see $LOGS/htmldocs-series.log"
		fi
	done
	# The comparison can fail: a reference to no label, added to a touched
	# document, must show as a new warning.
	worktree_at "$src" "$head"
	printf '\nSee :ref:`wb-docs-check-no-such-label`.\n' >>"$src/${touched[0]}"
	if htmldocs "" broken; then
		if LC_ALL=C comm -13 "$OUT/docs-series.warnings" "$OUT/docs-broken.warnings" |
			grep -q 'wb-docs-check-no-such-label'; then
			res "htmldocs: a reference to no label added to ${touched[0]} shows as a new warning" PASS
		else
			res "htmldocs: a reference to no label added to ${touched[0]} shows as a new warning" FAIL "it did not; see $LOGS/htmldocs-broken.log"
		fi
	fi
	git -C "$src" checkout -q -f HEAD
fi
stage_failed_since "$mark" || cache_put docs "$key" <(stage_lines_since "$mark")
