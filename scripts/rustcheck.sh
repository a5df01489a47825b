#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Rust hygiene of the series, on a kernel build.sh built (LLVM):
#   rustcheck.sh NAME
# - rustfmtcheck over the tree;
# - the Rust code rebuilt with CLIPPY=1: no clippy or rustc warning;
# - make rustdoc: no rustdoc warning.
# rustc 1.96 warns about the -Ctarget-feature flags the powerpc Makefile
# passes (mma, vsx, altivec, hard-float); that warning is upstream noise
# that this series does not touch, and is the only one let through.
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
# Warnings in a log, but for the known -Ctarget-feature noise: a rustc
# warning block starts with "warning:" and the noise names the flag.
warnings() {
	grep -E '^(warning|error)(\[[^]]*\])?: ' "$1" |
		grep -v -e '-Ctarget-feature' -e 'warnings\? emitted' || true
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
if kmake CLIPPY=1 vmlinux modules >"$LOGS/clippy.log" 2>&1; then
	w=$(warnings "$LOGS/clippy.log")
	if [ -z "$w" ]; then
		res "CLIPPY=1 build" PASS
	else
		res "CLIPPY=1 build" FAIL "$(head -n 3 <<<"$w"); see $LOGS/clippy.log"
	fi
else
	res "CLIPPY=1 build" FAIL "build failed; see $LOGS/clippy.log"
fi

log "rust: rustdoc"
if kmake rustdoc >"$LOGS/rustdoc.log" 2>&1; then
	w=$(warnings "$LOGS/rustdoc.log")
	if [ -z "$w" ]; then
		res "make rustdoc" PASS
	else
		res "make rustdoc" FAIL "$(head -n 3 <<<"$w"); see $LOGS/rustdoc.log"
	fi
else
	res "make rustdoc" FAIL "rustdoc failed; see $LOGS/rustdoc.log"
fi
