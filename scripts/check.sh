#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The test command ('make check'): set everything up, check the series,
# build the patched kernel, boot it on emulated POWER10 and POWER9, check
# that the runner itself catches a panic and a hang, and end with
# "N passed, N failed". Exits non-zero when anything failed.
. "$(dirname "$0")/lib.sh"

rm -rf "$OUT/results"
mkdir -p "$OUT/results" "$LOGS"
S=$TOP/scripts
t0=$(date +%s)

res() { in_chroot python3 "$S/report.py" add "$@"; }
summary() {
	log "check: finished in $(( $(date +%s) - t0 )) s; logs in $LOGS"
	if [ -x "$ROOT/usr/bin/python3" ]; then
		in_chroot python3 "$S/report.py" summary
	else
		echo "0 passed, 1 failed"
		return 1
	fi
}
# A step without which nothing else can run: on failure, count it and stop.
setup() {
	local what=$1
	shift
	if ! "$@"; then
		[ -x "$ROOT/usr/bin/python3" ] && res setup "$what" FAIL "see the error above"
		summary
		exit 1
	fi
}

log "check: toolchain, base tree, work tree"
setup toolchain "$S/toolchain.sh"
setup "base tree" "$S/base.sh"
setup "work tree" "$S/tree.sh"

log "check: series (git am, checkpatch)"
"$S/series-check.sh" || true

log "check: building the host kernel"
if "$S/build.sh" host powernv-host.config; then
	res build "build host (LLVM=1, RUST=y)" PASS
	setup "initramfs" "$S/initramfs.sh" host
	for m in powernv10 powernv9; do
		"$S/boot.sh" host "$m" || true
		[ -f "$OUT/results/boot-host-$m.res" ] ||
			res "boot-host-$m" "boot host on $m" FAIL "see the error above"
	done

	log "check: the runner catches a panicking kernel"
	if out=$(BOOT_TAG=selftest-panic BOOT_APPEND="rdinit=/nonexistent init=/nonexistent" \
		"$S/boot.sh" host powernv10 2>&1); then
		res runner "a kernel panic fails the boot" FAIL "boot.sh passed it"
	elif grep -q "kernel panic" <<<"$out"; then
		res runner "a kernel panic fails the boot" PASS
	else
		res runner "a kernel panic fails the boot" FAIL "other reason: $(tail -n 3 <<<"$out")"
	fi
	rm -f "$OUT/results/boot-selftest-panic.res"

	log "check: the runner catches a hang"
	if out=$(BOOT_TAG=selftest-hang BOOT_TIMEOUT=3 "$S/boot.sh" host powernv9 2>&1); then
		res runner "a hung boot times out" FAIL "boot.sh passed it"
	elif grep -q "timed out" <<<"$out"; then
		res runner "a hung boot times out" PASS
	else
		res runner "a hung boot times out" FAIL "other reason: $(tail -n 3 <<<"$out")"
	fi
else
	res build "build host (LLVM=1, RUST=y)" FAIL "see $LOGS/build-host.log"
fi

summary
