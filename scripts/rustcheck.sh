#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Rust hygiene of the series, on a kernel build.sh built (LLVM):
#   rustcheck.sh NAME
# - rustfmtcheck over the tree;
# - the Rust code rebuilt with CLIPPY=1: no clippy or rustc warning;
# - make rustdoc: no rustdoc warning.
# (rust_warnings in lib.sh says which warning is let through.)
# Results go to out/results/rust.res.
. "$(dirname "$0")/lib.sh"

name=${1:?usage: rustcheck.sh NAME}
obj=$OUT/build-$name
[ -f "$obj/.config" ] || die "no build at $obj; run build.sh $name first"
res() { in_chroot python3 "$TOP/scripts/report.py" add rust "$@"; }
rm -f "$OUT/results/rust.res"
margs=(ARCH=powerpc LLVM=1 "CC=ccache clang")
kmake() {
	in_chroot make -C "$LINUX" O="$obj" "${margs[@]}" "-j$JOBS" "$@"
}
# Run make TARGETS... into LOG, record NAME: it must succeed without a
# rustc, clippy or rustdoc warning.
clean_make() {
	local what=$1 mlog=$2 w
	shift 2
	if ! kmake "$@" >"$mlog" 2>&1; then
		res "$what" FAIL "make $* failed; see $mlog"
		return
	fi
	w=$(rust_warnings "$mlog")
	if [ -z "$w" ]; then
		res "$what" PASS
	else
		res "$what" FAIL "$(head -n 3 <<<"$w"); see $mlog"
	fi
}

log "rust: rustfmtcheck"
if kmake rustfmtcheck >"$LOGS/rustfmt.log" 2>&1; then
	res "rustfmtcheck" PASS
else
	res "rustfmtcheck" FAIL "$(grep -m1 '^Diff in' "$LOGS/rustfmt.log"); see $LOGS/rustfmt.log"
fi

log "rust: CLIPPY=1 build of $name"
# Touching nothing, a rebuild would be a no-op: clippy is a different
# rustc command line, so every Rust object is rebuilt through it.
clean_make "CLIPPY=1 build" "$LOGS/clippy.log" CLIPPY=1 vmlinux modules

log "rust: rustdoc"
clean_make "make rustdoc" "$LOGS/rustdoc.log" rustdoc
