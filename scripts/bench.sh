#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 'make bench': the Rust machine-check exit against the C exit, side by
# side in one run, on kernels built from the same tree and config (the
# exit is chosen at build time: the host and host-c rows), written to
# out/bench/report.md and out/bench/plot.png:
# - instructions executed per machine-check exit, counted by the
#   emulated PMU around the exit (bench/instrument.patch, applied to
#   derived copies of the two builds, never to the series);
# - the code size of each exit and of what it calls, from the built
#   objects (the uninstrumented host and host-c builds);
# - the machine check to KVM_EXIT_NMI round trip as the VMM sees it
#   (bench/mce_bench.c), over BENCH_EVENTS (default 2000) events each;
# - the workbench's own times: the edit-to-result loop, measured now
#   ('make loop' after touching book3s_hv_mce.rs; BENCH_LOOP=0 leaves it
#   out), and the last cold and warm 'make check', 'make check-full' and
#   'make run' as those runs recorded them in $CACHE/runs.tsv.
# The figures of the previous bench run are kept (previous.json) and
# compared with this run's.
. "$(dirname "$0")/lib.sh"
wb_enter bench

S=$TOP/scripts
dir=$OUT/bench
events=${BENCH_EVENTS:-2000}
export RESULTS_DIR=$dir/results
RESULTS=$RESULTS_DIR
mkdir -p "$dir"
rm -rf "$RESULTS"
[ ! -f "$dir/figures.json" ] || mv -f "$dir/figures.json" "$dir/previous.json"

run "$S/toolchain.sh"
run "$S/base.sh"
run "$S/tree.sh"
[ -z "$(git -C "$LINUX" status --porcelain --untracked-files=normal | head -n 1)" ] ||
	die "linux/ has uncommitted changes; the bench measures a commit: commit them first"
run "$S/build.sh" host
run "$S/build.sh" host-c

if [ "${BENCH_LOOP:-1}" = 1 ]; then
	log "bench: the edit-to-result loop (touch book3s_hv_mce.rs, make loop)"
	touch "$LINUX/arch/powerpc/kvm/book3s_hv_mce.rs"
	t=$(date +%s)
	run "$S/loop.sh" >"$LOGS/bench-loop.log" 2>&1 || die "the loop failed; see $LOGS/bench-loop.log"
	echo "$(( $(date +%s) - t ))" >"$dir/loop-seconds"
fi

for k in rust c; do
	from=host
	[ $k = rust ] || from=host-c
	log "bench: bench-$k = $from + bench/instrument.patch"
	derive_build "bench-$k" "$from"
	git -C "$OUT/src-bench-$k" apply --check "$TOP/bench/instrument.patch" 2>"$LOGS/bench-apply.log" &&
		git -C "$OUT/src-bench-$k" apply "$TOP/bench/instrument.patch" 2>>"$LOGS/bench-apply.log" ||
		die "bench/instrument.patch does not apply exactly to the series; update it (see $LOGS/bench-apply.log)"
	BUILD_SRC=$OUT/src-bench-$k BUILD_OBJ=bench-$k run "$S/build.sh" "$from"
done

log "bench: building bench/mce_bench.c with the KVM selftests library"
cp "$TOP/bench/mce_bench.c" "$OUT/src-bench-rust/tools/testing/selftests/kvm/powerpc/"
SELFTESTS_SRC=$OUT/src-bench-rust SELFTESTS_OBJ=$OUT/build-bench-selftests \
	SELFTESTS_MAKE_ARGS=TEST_GEN_PROGS_powerpc=powerpc/mce_bench run "$S/kselftests.sh"
echo "powerpc/mce_bench -n $events" >"$dir/tests.list"

for k in rust c; do
	TESTS_LIST=$dir/tests.list TESTS_DIR=$OUT/build-bench-selftests/kselftest/kvm \
		SELFTESTS=all run "$S/initramfs.sh" "bench-$k"
	BOOT_TAG=bench-$k run "$S/boot.sh" "bench-$k" powernv10 ||
		die "the bench boot of bench-$k failed; see $LOGS/boot-bench-$k.log and $RESULTS/boot-bench-$k.res"
done

log "bench: code size, from the host and host-c builds"
for k in host host-c; do
	for f in arch/powerpc/kvm/kvm-hv.ko arch/powerpc/kvm/kvm.ko vmlinux; do
		in_chroot llvm-nm -S --defined-only "$OUT/build-$k/$f" >"$dir/nm-$k-${f##*/}.txt"
	done
	in_chroot llvm-objdump -dr --no-show-raw-insn "$OUT/build-$k/arch/powerpc/kvm/kvm-hv.ko" \
		>"$dir/objdump-$k-kvm-hv.txt"
done

in_chroot python3 "$S/bench_report.py" --dir "$dir" --logs "$LOGS" \
	--runs "$CACHE/runs.tsv" --events "$events" --command "make bench${BENCH_EVENTS:+ BENCH_EVENTS=$events}"
log "bench: wrote $dir/report.md and $dir/plot.png"
