#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Checks of the workbench itself, cheap enough for every 'make check':
# - exporting the assembled work tree reproduces patches/ byte for byte
#   (so patches/ is what the tools write and an unchanged series
#   exports to no change);
# - a corrupt base download is refused with a message saying what to do,
#   and nothing is built from it.
# Results go to out/results/workbench.res.
. "$(dirname "$0")/lib.sh"
. "$TOP/config/base.env"

res() { in_chroot python3 "$TOP/scripts/report.py" add workbench "$@"; }
rm -f "$OUT/results/workbench.res"

mkdir -p "$OUT"
tmp=$(mktemp -d -p "$OUT" selftest-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
if "$TOP/scripts/export.sh" "$tmp/patches" >"$tmp/export.log" 2>&1 &&
	diff -r "$tmp/patches" "$TOP/patches" >"$tmp/export.diff" 2>&1; then
	res "export reproduces patches/" PASS
else
	res "export reproduces patches/" FAIL "$(head -n 5 "$tmp/export.log" "$tmp/export.diff")"
fi

# A scratch cache holding a corrupt download: base.sh must refuse it.
mkdir -p "$tmp/cache/downloads"
head -c 4096 /dev/urandom >"$tmp/cache/downloads/$BASE_DEB"
if KVMPPC_CACHE=$tmp/cache "$TOP/scripts/base.sh" >"$tmp/base.log" 2>&1; then
	res "a corrupt base download is refused" FAIL "base.sh accepted it"
elif grep -q "expected $BASE_DEB_SHA256" "$tmp/base.log" &&
	[ -f "$tmp/cache/downloads/$BASE_DEB.bad" ] &&
	[ ! -e "$tmp/cache/base.git" ]; then
	res "a corrupt base download is refused" PASS
else
	res "a corrupt base download is refused" FAIL "$(tail -n 2 "$tmp/base.log")"
fi
