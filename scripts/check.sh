#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The test command ('make check'): set everything up, check the series,
# build the KVM selftests and the patched kernel with clang and with GCC,
# with the Rust machine-check exit on and off, boot it on emulated POWER10
# and POWER9 running KUnit and the selftests, check that the runner itself
# catches a panic, a hang, a wrong KUnit expectation and broken
# machine-check exits, check the Rust code (rustfmt, clippy, rustdoc),
# build x86-64 with Rust, build the series patch by patch (PERPATCH=0
# skips that), and end with "N passed, N failed". Exits non-zero on any
# failure.
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
# Build kernel NAME from fragments, boot it on MACHINES; count all of it.
build_and_boot() {
	local name=$1 what=$2 machines=$3 m
	shift 3
	log "check: building $name ($what)"
	if ! "$S/build.sh" "$name" "$@"; then
		res build "build $name ($what)" FAIL "see $LOGS/build-$name.log"
		return 1
	fi
	res build "build $name ($what)" PASS
	if ! "$S/initramfs.sh" "$name"; then
		res build "initramfs $name" FAIL "see the error above"
		return 1
	fi
	for m in $machines; do
		"$S/boot.sh" "$name" "$m" ||
			[ -f "$OUT/results/boot-$name-$m.res" ] ||
			res "boot-$name-$m" "boot $name on $m" FAIL "see the error above"
	done
}
# The runner must fail a bad boot, and say why: expect_fail WHAT REASON ARGS
expect_fail() {
	local what=$1 reason=$2 out
	shift 2
	if out=$(env "$@" 2>&1); then
		res runner "$what" FAIL "boot.sh passed it"
	elif grep -q "$reason" <<<"$out"; then
		res runner "$what" PASS
	else
		res runner "$what" FAIL "other reason: $(tail -n 3 <<<"$out")"
	fi
}

log "check: toolchain, base tree, work tree"
setup toolchain "$S/toolchain.sh"
setup "base tree" "$S/base.sh"
setup "work tree" "$S/tree.sh"
setup "KVM selftests build" "$S/selftests.sh"
res build "build the KVM selftests (ppc64le, static)" PASS

log "check: series (git am, checkpatch) and the workbench's own checks"
"$S/series-check.sh" || res series "series-check.sh ran to its end" FAIL "see the error above"
"$S/selftest.sh" || res workbench "workbench self-test" FAIL "see the error above"

if build_and_boot host "LLVM=1, RUST=y, Rust machine-check exit" \
	"powernv10 powernv9" powernv-host.config rust-mce.config; then
	log "check: the runner catches a panicking kernel and a hung boot"
	expect_fail "a kernel panic fails the boot" "kernel panic" \
		BOOT_TAG=selftest-panic BOOT_APPEND="rdinit=/nonexistent init=/nonexistent" \
		"$S/boot.sh" host powernv10
	rm -f "$OUT/results/boot-selftest-panic.res"
	expect_fail "a hung boot times out" "timed out" \
		BOOT_TAG=selftest-hang BOOT_TIMEOUT=5 BOOT_QEMU_EXTRA=-S \
		"$S/boot.sh" host powernv9
	log "check: rustfmt, clippy and rustdoc"
	"$S/rustcheck.sh" host || res rust "rustcheck.sh ran to its end" FAIL "see the error above"
fi

# The generic KVM selftests do not touch the machine-check exit and ran
# on both machines above: the other kernels run machine_check_test only.
SELFTESTS=machine_check_test build_and_boot host-c "LLVM=1, RUST=y, C machine-check exit" \
	"powernv10 powernv9" powernv-host.config || true

# GCC with the function tracer also covers -fpatchable-function-entry,
# but its ftrace-gen-ool-stubs.sh step alone takes ~12 min on 2 cores:
# opt in with GCC_FTRACE=1.
if [ "${GCC_FTRACE:-0}" = 1 ]; then
	SELFTESTS=machine_check_test KCC=gcc build_and_boot host-gcc-ftrace "GCC, RUST=y, function tracer" \
		powernv10 powernv-host.config rust-mce.config gcc-ftrace.config || true
else
	SELFTESTS=machine_check_test KCC=gcc build_and_boot host-gcc "GCC, RUST=y, Rust machine-check exit" \
		powernv10 powernv-host.config rust-mce.config || true
fi

log "check: x86-64 with Rust"
if KARCH=x86_64 BUILD_TARGETS=vmlinux "$S/build.sh" x86-rust x86-rust.config; then
	res build "build x86-rust (x86-64, LLVM=1, RUST=y)" PASS
else
	res build "build x86-rust (x86-64, LLVM=1, RUST=y)" FAIL "see $LOGS/build-x86-rust.log"
fi

if [ "${PERPATCH:-1}" = 1 ]; then
	log "check: every patch builds on its own"
	"$S/perpatch.sh" || res perpatch "perpatch.sh ran to its end" FAIL "see the error above"
else
	log "check: PERPATCH=0, not building patch by patch"
fi

# After perpatch.sh, whose last build is this tree: only the mutated files
# are rebuilt.
log "check: broken machine-check exits must fail the run"
"$S/mutation.sh" || res mutation "mutation.sh ran to its end" FAIL "see the error above"

summary
