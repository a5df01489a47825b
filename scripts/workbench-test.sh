#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Checks of the workbench itself, cheap enough for every 'make check'
# (the runner's checks, which need a kernel, are runner-test.sh):
# - exporting the assembled work tree reproduces patches/ byte for byte
#   (so patches/ is what the tools write and an unchanged series
#   exports to no change);
# - a corrupt base download is refused with a message saying what to do,
#   and nothing is built from it;
# - a pinned package version the mirror does not serve fails, naming the
#   package, the version and 'make repin';
# - report.py's own tests (scripts/report_test.py, fixture logs in
#   scripts/testdata);
# - every mutant applies exactly to the series;
# - the scripts are clean under shellcheck (warnings and errors).
# Results go to out/results/workbench.res.
. "$(dirname "$0")/lib.sh"
. "$TOP/config/base.env"
wb_enter workbench-test

stage_begin workbench "$LOGS/step-workbench.log"
tmp=$(mktemp -d -p "$OUT" workbench-test-XXXXXX)
at_exit 'rm -rf "$tmp"'

if "$TOP/scripts/export.sh" "$tmp/patches" >"$tmp/export.log" 2>&1 &&
	diff -r "$tmp/patches" "$TOP/patches" >"$tmp/export.diff" 2>&1; then
	res "export reproduces patches/" PASS
else
	cp "$tmp/export.log" "$tmp/export.diff" "$LOGS/" 2>/dev/null || true
	res "export reproduces patches/" FAIL "$(head -n 3 "$tmp/export.log" "$tmp/export.diff" | tr '\n' ' '); see $LOGS/export.diff"
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
	cp "$tmp/base.log" "$LOGS/workbench-base.log"
	res "a corrupt base download is refused" FAIL "$(tail -n 2 "$tmp/base.log" | tr '\n' ' '); see $LOGS/workbench-base.log"
fi

# A pin the mirror does not serve (as when a point release replaced it).
{
	grep -m 1 '^make=' "$TOP/config/toolchain.pins"
	echo "ccache=0.0-wbgone1"
} >"$tmp/pins"
if "$TOP/scripts/toolchain.sh" --check-pins "$tmp/pins" >"$tmp/pins.log" 2>&1; then
	res "a pin the mirror does not serve fails, naming it and 'make repin'" FAIL "toolchain.sh accepted ccache=0.0-wbgone1"
elif grep -q "ccache 0.0-wbgone1" "$tmp/pins.log" && grep -q "make repin" "$tmp/pins.log" &&
	! grep -q "gone: make " "$tmp/pins.log"; then
	res "a pin the mirror does not serve fails, naming it and 'make repin'" PASS
else
	cp "$tmp/pins.log" "$LOGS/workbench-pins.log"
	res "a pin the mirror does not serve fails, naming it and 'make repin'" FAIL "see $LOGS/workbench-pins.log"
fi

# report.py against fixture logs, with the kernel's kunit_parser.
if in_chroot python3 "$TOP/scripts/report_test.py" >"$LOGS/report_test.log" 2>&1; then
	res "report.py's tests (report_test.py)" PASS "$(tail -n 3 "$LOGS/report_test.log" | grep -m1 '^Ran')"
else
	res "report.py's tests (report_test.py)" FAIL "$(grep -m 2 -E '^(FAIL|ERROR):' "$LOGS/report_test.log" | tr '\n' ' '); see $LOGS/report_test.log"
fi

# Every mutant applies, all of it, to the series (checked against an
# index of linux/'s HEAD, without touching the work tree).
for m in "$TOP"/mutants/*.patch; do
	GIT_INDEX_FILE=$tmp/index git -C "$LINUX" read-tree HEAD
	if GIT_INDEX_FILE=$tmp/index git -C "$LINUX" apply --cached --check "$m" >"$tmp/apply.log" 2>&1; then
		res "mutants/$(basename "$m") applies exactly to the series" PASS
	else
		res "mutants/$(basename "$m") applies exactly to the series" FAIL "$(head -n 2 "$tmp/apply.log" | tr '\n' ' '); update it"
	fi
done

if in_chroot shellcheck -x -S warning -e SC2034,SC2010 "$TOP"/scripts/*.sh >"$LOGS/shellcheck.log" 2>&1; then
	res "the scripts are shellcheck clean" PASS
else
	res "the scripts are shellcheck clean" FAIL "$(grep -m 1 -E '^In ' "$LOGS/shellcheck.log"); see $LOGS/shellcheck.log"
fi
