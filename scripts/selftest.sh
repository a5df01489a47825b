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

# report.py must count a selftest's TAP results and fail what is wrong:
# a failed case, a plan not kept, a FWNMI case without a console report
# before it (the test's own copy of a report does not count); a skip
# stays a skip.
cat >"$tmp/boot-tap.log" <<'LOG'
wbinit: start
wbinit: running /tests/machine_check_test
TAP version 13
1..4
ok 1 fwnmi_cap
MCE: CPU0: machine check (Severe) Guest Real address Load (bad) DAR: 0000010000000000 [Not recovered]
ok 2 fwnmi_load
# host: MCE: CPU0: machine check (Fatal) Guest Real address Store (bad) DAR: 0000010000000000 [Not recovered]
ok 3 fwnmi_store
ok 4 fwnmi_ifetch # SKIP no machine check here
wbinit: /tests/machine_check_test took 1.0 s
wbinit: ok 1 - /tests/machine_check_test
wbinit: running /tests/other_test
1..3
ok 1 first
not ok 2 second
wbinit: /tests/other_test took 0.5 s
wbinit: not ok 2 - /tests/other_test # exit status 1
wbinit: running /tests/skipped_test
1..0 # SKIP - Requirement not met
wbinit: /tests/skipped_test took 0.1 s
wbinit: ok 3 - /tests/skipped_test # SKIP exit status 4
wbinit: done 3 checks
LOG
if in_chroot env RESULTS_DIR="$tmp/results" python3 "$TOP/scripts/report.py" console "$tmp/boot-tap.log" \
	>"$tmp/tap.out" 2>&1; then
	res "report.py fails bad selftest TAP" FAIL "it passed: $(tail -n 1 "$tmp/tap.out")"
else
	bad=""
	for want in "PASS	tap: selftest: machine_check_test: fwnmi_load: console report first" \
		"FAIL	tap: selftest: machine_check_test: fwnmi_store: console report first" \
		"SKIP	tap: selftest: machine_check_test: fwnmi_ifetch	no machine check here" \
		"FAIL	tap: selftest: other_test: second" \
		"FAIL	tap: selftest: other_test: plan	planned 3 results, printed 2" \
		"SKIP	tap: init: /tests/skipped_test	SKIP exit status 4"; do
		grep -qF "$want" "$tmp/results/boot-tap.res" || bad+="${want//	/ | }; "
	done
	if [ -z "$bad" ]; then
		res "report.py fails bad selftest TAP" PASS
	else
		res "report.py fails bad selftest TAP" FAIL "missing: $bad"
	fi
fi
