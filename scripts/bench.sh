#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 'make bench': the Rust machine-check exit against the C exit, side by
# side in one run, on the bench-rust and bench-c kernels of
# config/matrix.tsv (the same tree and configuration but
# CONFIG_KVM_BOOK3S_HV_RUST_MCE: the exit is chosen at build time),
# written to out/bench/report.md and out/bench/plot.png:
# - the code size of each exit and of what it calls, and of the dispatch
#   in kvmppc_handle_exit_hv(), from the bench-rust and bench-c objects;
# - the machine check to KVM_EXIT_NMI round trip as the VMM sees it
#   (bench/mce_bench.c), over BENCH_EVENTS (default 2000) events a boot,
#   on those two kernels, each booted BENCH_ROUNDS (an even number, 6 or
#   more; default 6) times in pairs of alternating order (Rust C, C Rust,
#   ...), so that a drift of the host's speed over the run weighs on both
#   alike; the report gives a sign-test interval of Rust minus C from the
#   pairs and says whether it resolves the two kernels at all;
# - instructions executed per machine-check exit, counted by the emulated
#   PMU around the exit, on copies of the two kernels with
#   bench/instrument.patch (never part of the series), booted after them;
# - the workbench's own times: the edit-to-result loop, measured now
#   ('make loop' after touching book3s_hv_mce.rs; BENCH_LOOP=0 leaves it
#   out), and the last passing cold and warm 'make check', 'make
#   check-full' and 'make run' as those runs recorded them in
#   $CACHE/runs.tsv.
# The figures of the previous bench run are kept (previous.json) and
# compared with this run's.
. "$(dirname "$0")/lib.sh"
wb_enter bench

S=$TOP/scripts
dir=$OUT/bench
events=${BENCH_EVENTS:-2000}
rounds=${BENCH_ROUNDS:-6}
[[ $events =~ ^[1-9][0-9]{0,5}$ ]] || die "BENCH_EVENTS=$events: a number of events a boot, 1 to 999999"
# Six pairs are the fewest whose sign test gives a 95 % interval; an even
# number has as many pairs of each order.
[[ $rounds =~ ^[1-9][0-9]{0,2}$ ]] && ((rounds >= 6 && rounds % 2 == 0)) ||
	die "BENCH_ROUNDS=$rounds: an even number of boot pairs, 6 or more"
export RESULTS_DIR=$dir/results
RESULTS=$RESULTS_DIR
mkdir -p "$dir"
rm -rf "$RESULTS"
rm -f "$dir/report.md" "$dir/plot.png" "$dir/loop-seconds"
[ ! -f "$dir/figures.json" ] || mv -f "$dir/figures.json" "$dir/previous.json"

run "$S/toolchain.sh"
run "$S/base.sh"
run "$S/tree.sh"
[ -z "$(git -C "$LINUX" status --porcelain --untracked-files=normal | awk 'NR == 1')" ] ||
	die "linux/ has uncommitted changes; the bench measures a commit: commit them first"

if [ "${BENCH_LOOP:-1}" = 1 ]; then
	# The host build first, so that the loop measures an edit, not a
	# build from nothing.
	run "$S/build.sh" host
	log "bench: the edit-to-result loop (touch book3s_hv_mce.rs, make loop; log: $LOGS/bench-loop.log)"
	touch "$LINUX/arch/powerpc/kvm/book3s_hv_mce.rs"
	t=$(date +%s)
	run "$S/loop.sh" >"$LOGS/bench-loop.log" 2>&1 || die "the loop failed; see $LOGS/bench-loop.log"
	echo "$(( $(date +%s) - t ))" >"$dir/loop-seconds"
fi

# bench-c starts from a copy of bench-rust's objects (its seed).
for k in rust c; do
	run "$S/build.sh" "bench-$k"
done
diff <(grep -v '^#' "$OUT/build-bench-c/.config") <(grep -v '^#' "$OUT/build-bench-rust/.config") |
	grep '^[<>]' >"$dir/config-diff.txt" || true

for k in rust c; do
	log "bench: bench-$k-pmu = bench-$k + bench/instrument.patch"
	derive_build "bench-$k-pmu" "bench-$k"
	git -C "$OUT/src-bench-$k-pmu" apply --check "$TOP/bench/instrument.patch" 2>"$LOGS/bench-apply.log" &&
		git -C "$OUT/src-bench-$k-pmu" apply "$TOP/bench/instrument.patch" 2>>"$LOGS/bench-apply.log" ||
		die "bench/instrument.patch does not apply exactly to the series; update it (see $LOGS/bench-apply.log)"
	BUILD_SRC=$OUT/src-bench-$k-pmu BUILD_OBJ=bench-$k-pmu run "$S/build.sh" "bench-$k"
done

log "bench: building bench/mce_bench.c with the KVM selftests library"
cp "$TOP/bench/mce_bench.c" "$OUT/src-bench-rust-pmu/tools/testing/selftests/kvm/powerpc/"
SELFTESTS_SRC=$OUT/src-bench-rust-pmu SELFTESTS_OBJ=$OUT/build-bench-selftests \
	SELFTESTS_MAKE_ARGS=TEST_GEN_PROGS_powerpc=powerpc/mce_bench run "$S/kselftests.sh"
echo "powerpc/mce_bench -n $events" >"$dir/tests.list"

for b in bench-rust bench-c bench-rust-pmu bench-c-pmu; do
	TESTS_LIST=$dir/tests.list TESTS_DIR=$OUT/build-bench-selftests/kselftest/kvm \
		SELFTESTS=all run "$S/initramfs.sh" "$b"
done
bench_boot() { # build tag
	BOOT_TAG=$2 run "$S/boot.sh" "$1" powernv10 ||
		die "the bench boot $2 of $1 failed; see $LOGS/boot-$2.log and $RESULTS/boot-$2.res"
}
# The round trip on the kernels as they are, in pairs of alternating
# order; then the counts on the instrumented ones (deterministic: one
# boot each).
rm -f "$LOGS"/boot-bench-*.log* "$dir/pairs.txt"
for ((i = 1; i <= rounds; i++)); do
	if ((i % 2)); then pair=(rust c); else pair=(c rust); fi
	for k in "${pair[@]}"; do
		bench_boot "bench-$k" "bench-$k-$i"
	done
	echo "$i ${pair[*]}" >>"$dir/pairs.txt"
done
for k in rust c; do
	bench_boot "bench-$k-pmu" "bench-$k-pmu"
done

log "bench: code size, from the bench-rust and bench-c builds"
for k in rust c; do
	for f in arch/powerpc/kvm/kvm-hv.ko arch/powerpc/kvm/kvm.ko vmlinux; do
		in_chroot llvm-nm -S --defined-only "$OUT/build-bench-$k/$f" >"$dir/nm-bench-$k-${f##*/}.txt"
	done
	in_chroot llvm-objdump -dr --no-show-raw-insn "$OUT/build-bench-$k/arch/powerpc/kvm/kvm-hv.ko" \
		>"$dir/objdump-bench-$k-kvm-hv.txt"
done

qemu=$(in_chroot qemu-system-ppc64 --version | awk 'NR == 1')
in_chroot python3 "$S/bench_report.py" --dir "$dir" --logs "$LOGS" --out "$OUT" \
	--runs "$CACHE/runs.tsv" --events "$events" --rounds "$rounds" --qemu "$qemu" \
	--tree "$(git -C "$LINUX" rev-parse "HEAD^{tree}")" \
	--command "make bench${BENCH_EVENTS:+ BENCH_EVENTS=$events}${BENCH_ROUNDS:+ BENCH_ROUNDS=$rounds}" ||
	die "bench_report.py failed; see its message above and $LOGS/boot-bench-*.log"
log "bench: wrote $dir/report.md and $dir/plot.png"
