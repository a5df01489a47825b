#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Rust hygiene of the series, on a kernel build.sh built (LLVM):
#   rustcheck.sh NAME
# - rustfmtcheck over the tree;
# - make rustdoc: no rustdoc warning (rust_warnings in lib.sh says which
#   warning is let through).
# Clippy runs with the build itself (CLIPPY=1 in config/matrix.tsv), whose
# warnings check.sh reports per build. The verdicts are cached under the
# commit built, the configuration and the toolchain.
# Results go to out/results/rust.res.
. "$(dirname "$0")/lib.sh"
wb_enter rustcheck

name=${1:?usage: rustcheck.sh NAME}
obj=$OUT/build-$name
[ -f "$obj/.config" ] || die "no build at $obj; run build.sh $name first"
stage_begin rust "$LOGS/step-rust.log"
# Through kmake.sh: with the build's own make arguments (CLIPPY=1), as a
# different compiler command would rebuild the proc macros, and with them
# the kernel crate, twice per run.
kmake() { KMAKE_READONLY=1 run "$TOP/scripts/kmake.sh" "$name" "$@"; }

src=$(cat "$obj/.wb-source" 2>/dev/null || echo dirty)
tool=$(toolid)
key=""
if [ "$src" != dirty ] && [ "$src" = "$(git -C "$LINUX" rev-parse HEAD)" ] &&
	[ -z "$(git -C "$LINUX" status --porcelain --untracked-files=normal | head -n 1)" ]; then
	key=$(hash_of "$tool" "$(git -C "$LINUX" rev-parse "HEAD^{tree}")" \
		"$(sha256_of "$obj/.config")" "$(hash_files "$TOP"/scripts/{rustcheck,kmake,lib}.sh \
		"$TOP/config/matrix.tsv")")
	if cache_get rustcheck "$key"; then
		log "rust: rustfmtcheck and rustdoc verdicts cached for this tree"
		exit 0
	fi
fi
mark=$(stage_line_count)

log "rust: rustfmtcheck"
if kmake rustfmtcheck >"$LOGS/rustfmt.log" 2>&1; then
	res "rustfmtcheck" PASS
else
	res "rustfmtcheck" FAIL "$(grep -m1 '^Diff in' "$LOGS/rustfmt.log"); see $LOGS/rustfmt.log"
fi

log "rust: rustdoc"
if ! kmake rustdoc >"$LOGS/rustdoc.log" 2>&1; then
	res "make rustdoc" FAIL "make rustdoc failed; see $LOGS/rustdoc.log"
else
	w=$(rust_warnings "$LOGS/rustdoc.log")
	if [ -z "$w" ]; then
		res "make rustdoc" PASS
	else
		res "make rustdoc" FAIL "$(head -n 3 <<<"$w"); see $LOGS/rustdoc.log"
	fi
fi
if [ -n "$key" ] && ! stage_failed_since "$mark"; then
	cache_put rustcheck "$key" <(stage_lines_since "$mark")
fi
