#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 'make send-dry-run': prepare every part's mails with b4, as its sender
# would, without sending anything, and read them back.
#
# Per part of patches/parts, in out/send-src (a clone of linux/ that
# stays between runs): the patches of the parts it needs and then its own
# are applied with 'git am' to the base, from patches/; b4 (the docs
# chroot, config/docs.pins) enrolls the branch with the part's cover
# letter, sets the RFC prefix, the base-commit and one
# prerequisite-patch-id per patch of the parts it needs, takes To and Cc
# from the tree's scripts/get_maintainer.pl (without keyword matching,
# which sends selftests that mention LLVM or Rust to those lists), and
# writes the mails to out/send/PART/ (b4 send -o). mailcheck.py then
# checks them. Nothing here connects anywhere: b4 send -o only writes
# files. Results go to out/results/send.res.
. "$(dirname "$0")/lib.sh"
. "$TOP/config/base.env"
wb_enter send-dry-run

stage_begin send "$LOGS/step-send.log"
run "$TOP/scripts/toolchain.sh" --docs
base=$(git -C "$LINUX" rev-parse -q --verify "$BASE_TAG^{commit}") ||
	die "no base tag $BASE_TAG in linux/; run 'make tree' first"
parts_series

repo=$OUT/send-src
if [ "$(git -C "$repo" rev-parse --show-toplevel 2>/dev/null)" != "$repo" ]; then
	rm -rf "$repo"
	log "send: cloning linux/ into $repo"
	git clone -q --shared --no-checkout "$LINUX" "$repo"
fi
no_auto_gc "$repo"
git -C "$repo" fetch -q "$LINUX" "refs/tags/$BASE_TAG:refs/tags/$BASE_TAG"
cfg() { git -C "$repo" config "$@"; }
cfg user.name "$(git -C "$LINUX" config user.name)"
cfg user.email "$(git -C "$LINUX" config user.email)"
cfg b4.prep-cover-strategy branch-description
gm="scripts/get_maintainer.pl --nogit --nogit-fallback --nogit-chief-penguins --norolestats --nokeywords"
cfg b4.send-auto-to-cmd "$gm --nol"
cfg b4.send-auto-cc-cmd "$gm --nom"
# b4 sends through the web endpoint unless SMTP is configured, and then
# wants a signature; nothing is sent either way (-o).
cfg sendemail.smtpserver /bin/false
home=$OUT/send-home
rm -rf "$home" "$OUT/send" "$OUT/send-broken"
mkdir -p "$home" "$OUT/send"

for i in "${!PART_DIR[@]}"; do
	dir=${PART_DIR[$i]}
	plog=$LOGS/send-$dir.log
	mapfile -t need < <(part_needed_patches "$i")
	mapfile -t own < <(part_patches "$i")
	git -C "$repo" am --abort >/dev/null 2>&1 || true
	git -C "$repo" checkout -q -f --detach "$base"
	git -C "$repo" clean -q -fdx
	# A branch b4 enrolled before keeps its tracking data: start afresh.
	for b in "$dir" "wb-prereq-$dir"; do
		git -C "$repo" branch -q -D "$b" >/dev/null 2>&1 || true
		git -C "$repo" config --remove-section "branch.$b" >/dev/null 2>&1 || true
	done
	if ! { [ ${#need[@]} = 0 ] || git -C "$repo" am -q "${need[@]}"; } >"$plog" 2>&1 ||
		! git -C "$repo" branch "wb-prereq-$dir" >>"$plog" 2>&1 ||
		! git -C "$repo" checkout -q -b "$dir" >>"$plog" 2>&1 ||
		! git -C "$repo" am -q "${own[@]}" >>"$plog" 2>&1; then
		res "$dir: b4 prepares the mails" FAIL "its patches do not apply on the base with ${PART_NEEDS[$i]:-no other part}; see $plog"
		continue
	fi
	cfg "branch.$dir.description" \
		"$(in_chroot python3 "$TOP/scripts/series.py" description "$TOP/patches/$dir/0000-cover-letter.patch")"
	deps=$OUT/send-home/deps-$dir
	{
		for p in "${need[@]}"; do echo "patch-id: $(git patch-id --stable <"$p" | cut -d' ' -f1)"; done
		echo "base-commit: $base"
	} >"$deps"
	log "send: $dir: b4 prep and b4 send -o (log: $plog)"
	if ! run in_docs_chroot env HOME="$home" "$TOP/scripts/b4-part.sh" "$repo" "$dir" \
		"wb-prereq-$dir" "${PART_PREFIX[$i]}" "$deps" "$OUT/send/$dir" >>"$plog" 2>&1; then
		res "$dir: b4 prepares the mails" FAIL "b4 failed: $(grep -m1 -E 'CRITICAL|ERROR|Traceback' "$plog" || tail -n 1 "$plog"); see $plog"
		continue
	fi
	res "$dir: b4 prepares the mails" PASS "$(ls "$OUT/send/$dir" | wc -l) in out/send/$dir"
	in_chroot python3 "$TOP/scripts/mailcheck.py" "$OUT/send/$dir" "$TOP/patches/$dir" \
		"${PART_PREFIX[$i]}" "$base" "${PART_LISTS[$i]}" >"$LOGS/mailcheck-$dir.log" 2>&1 ||
		echo "FAIL	$dir: reading the mails back	mailcheck.py failed; see $LOGS/mailcheck-$dir.log	" >>"$LOGS/mailcheck-$dir.log"
	grep -E '^(PASS|FAIL)	' "$LOGS/mailcheck-$dir.log" | while IFS=$'\t' read -r st name detail _; do
		res "$dir: $name" "$st" "$detail"
	done
done

# The reading back can fail: a copy of the first part's mails with one
# patch out of the thread, a Signed-off-by added, its lists replaced and
# a line of its diff changed must fail those four checks.
first=$OUT/send/${PART_DIR[0]}
if [ -f "$(ls "$first"/0001-*.eml 2>/dev/null | head -n 1)" ]; then
	broken=$OUT/send-broken
	rm -rf "$broken"
	cp -r "$first" "$broken"
	m=$(ls "$broken"/0001-*.eml | head -n 1)
	sed -i '/^In-Reply-To:/d' "$m"
	sed -i '0,/^---$/s//Signed-off-by: Nobody <nobody@invalid>\n---/' "$m"
	sed -i 's/rust-for-linux@vger\.kernel\.org/nobody@invalid/; s/linuxppc-dev@lists\.ozlabs\.org/nobody@invalid/' "$m"
	sed -i '0,/^+[^+]/s/^+\(.\)/+X\1/' "$m"
	in_chroot python3 "$TOP/scripts/mailcheck.py" "$broken" "$TOP/patches/${PART_DIR[0]}" \
		"${PART_PREFIX[0]}" "$base" "${PART_LISTS[0]}" >"$LOGS/mailcheck-broken.log" 2>&1 || true
	what="mailcheck.py fails a patch out of the thread, with a Signed-off-by, without the lists and with a changed line"
	if grep -q '^FAIL	threaded' "$LOGS/mailcheck-broken.log" &&
		grep -q '^FAIL	no Signed-off-by' "$LOGS/mailcheck-broken.log" &&
		grep -q '^FAIL	To and Cc' "$LOGS/mailcheck-broken.log" &&
		grep -q "^FAIL	every mail's diff" "$LOGS/mailcheck-broken.log"; then
		res "$what" PASS
	else
		res "$what" FAIL "it did not; see $LOGS/mailcheck-broken.log"
	fi
fi
