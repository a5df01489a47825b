#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The test command: 'make check' (TIER=default, what CI runs) or
# 'make check-full' (TIER=full). Sets everything up, checks the series
# (each part on its own, checkpatch, the documentation build, the b4 mail
# dry run) and the workbench itself, builds and boots the kernels of
# config/matrix.tsv of the tier, checks that the runner catches broken
# boots and that broken machine-check exits fail by name; the full tier
# also builds the series patch by patch. Ends with what was taken from
# the result cache, then "N passed, N failed[, N skipped]" for what ran
# now, and exits non-zero on any failure. The whole output is also in
# out/logs/check.log; every failure names the log that explains it.
. "$(dirname "$0")/lib.sh"
TIER=${TIER:-default}
case $TIER in default | full) ;; *) die "TIER must be default or full, not '$TIER'" ;; esac
if [ "$TIER" = default ]; then wb_enter check; else wb_enter check-full; fi

mkdir -p "$LOGS"
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
exec 3>&1 4>&2 > >(tee -i "$LOGS/check.log") 2>&1
tee_pid=$!
# The copy to check.log outlives an interruption, to take the summary.
WB_KEEP_PIDS=$tee_pid
S=$TOP/scripts
t0=$(date +%s)
cold=$(cache_cold)
stage_begin check "$LOGS/check.log"

finished=0
finish() {
	local rc=0 secs line part st
	[ $finished = 0 ] || return 0
	finished=1
	secs=$(( $(date +%s) - t0 ))
	stage_end 0
	# Results of a step that was killed before it could put them in place.
	for part in "$RESULTS"/.*.part; do
		[ -f "$part" ] || continue
		st=${part##*/.}
		st=${st%.part}
		printf 'FAIL\t%s: did not finish\tits results so far are kept; see %s\t\n' \
			"$st" "$LOGS/step-$st.log" >>"$part"
		mv -f "$part" "$RESULTS/$st.res"
	done
	summary >"$OUT/summary.txt" || rc=1
	line=$(tail -n 1 "$OUT/summary.txt")
	# The copy to check.log ends here: the end is written to the output
	# and to check.log directly, so that it is seen even when the copy was
	# killed with the run (SIGTERM to the process group, as CI does).
	exec 1>&3 2>&4
	wait "$tee_pid" 2>/dev/null || true
	{
		echo
		log "check ($TIER tier): finished in $((secs / 60)) min $((secs % 60)) s; logs in $LOGS" 2>&1
		cat "$OUT/summary.txt"
	} >"$OUT/.end.txt"
	cat "$OUT/.end.txt" >>"$LOGS/check.log"
	cat "$OUT/.end.txt" || true
	# The time of a run that ran to its end, for the README and 'make bench'
	# (which take the passing runs of it).
	[ -n "$WB_INTERRUPTED" ] || record_run "$cold" "$secs" "$line" "$rc"
	case $WB_INTERRUPTED in INT) rc=130 ;; TERM) rc=143 ;; HUP) rc=129 ;; esac
	exit $rc
}
# Whatever ends the run (the end, a failed set-up step, an error of this
# script, a signal), the summary is printed and the run's time recorded.
at_exit finish

# A step without which nothing else can run: on failure, stop.
setup() {
	step "setup-$1" "$2" "${@:3}" || finish
}

log "check ($TIER tier): toolchain, base tree, work tree"
setup toolchain "toolchain" "$S/toolchain.sh"
setup base "base tree" "$S/base.sh"
setup tree "work tree is patches/" "$S/tree.sh" --strict
setup kselftests "build the KVM selftests (ppc64le, static)" "$S/kselftests.sh"
res "build the KVM selftests (ppc64le, static)" PASS

log "check: series (each part and the whole: git am, checkpatch), its documentation, its mails, the workbench's own checks"
step series "series check" "$S/series-check.sh" || true
step docs "documentation build" "$S/docs.sh" || true
step send "mail dry run" "$S/send-dry-run.sh" || true
step workbench "workbench self-checks" "$S/workbench-test.sh" || true

# build_and_boot NAME: build a kernel of the matrix and boot it on its
# machines; count all of it.
build_and_boot() {
	local name=$1 m w what origin
	matrix_row "$name"
	what="build $name ($M_ARCH, $M_CC: $M_FRAGS)"
	step "build-$name" "$what" "$S/build.sh" "$name" || return 1
	# Objects from a snapshot of the cache were compiled by another run.
	origin=""
	[ ! -f "$OUT/build-$name/.wb-from-snapshot" ] ||
		origin="cached from $(cat "$OUT/build-$name/.wb-from-snapshot")"
	res "$what" PASS "" "$origin"
	if [ ! -f "$OUT/build-$name/.wb-rust-warnings" ]; then
		res "build $name: no rustc or clippy warning" FAIL "build.sh left no warnings file; see $LOGS/build-$name.log"
		return 1
	fi
	w=$(cat "$OUT/build-$name/.wb-rust-warnings")
	if [ -z "$w" ]; then
		res "build $name: no rustc or clippy warning" PASS "" "$origin"
	else
		res "build $name: no rustc or clippy warning" FAIL "$(head -n 2 <<<"$w"); see $LOGS/build-$name.log"
	fi
	[ -n "$M_MACHINES" ] || return 0
	step "initramfs-$name" "initramfs $name" "$S/initramfs.sh" "$name" || return 1
	for m in $M_MACHINES; do
		step "boot-$name-$m" "boot $name on $m" "$S/boot.sh" "$name" "$m" || true
	done
}

for name in $(matrix_names "$TIER"); do
	[ "$name" != host-gcc ] || [ "${GCC_FTRACE:-0}" != 1 ] || name=host-gcc-ftrace
	log "check: kernel $name"
	if build_and_boot "$name"; then
		[ "$name" = host ] || continue
		log "check: the runner catches broken boots and stops cleanly"
		step runner "runner self-checks" "$S/runner-test.sh" host || true
		log "check: rustfmt and rustdoc"
		step rust "Rust checks" "$S/rustcheck.sh" host || true
		log "check: broken machine-check exits must fail the run"
		step mutation "mutants" "$S/mutation.sh" || true
	elif [ "$name" = host ]; then
		# Counted as not run, not silently left out.
		for what in "runner self-checks" "Rust checks" "mutants"; do
			res "$what" SKIP "not run: the host kernel's build or initramfs failed; see $LOGS/step-build-host.log and $LOGS/step-initramfs-host.log"
		done
	fi
done

if [ "$TIER" = full ]; then
	log "check: kunit.py on a pseries guest, as a contributor without a POWER host runs it"
	step kunit-pseries "kunit.py on pseries" "$S/kunit-pseries.sh" || true
	log "check: every patch builds on its own"
	step perpatch "per-patch builds" "$S/perpatch.sh" || true
else
	log "check: default tier; 'make check-full' adds: $(awk '$2 == "full" { printf "%s ", $1 }' "$TOP/config/matrix.tsv")the boots of the machines marked NAME+ in config/matrix.tsv, kunit.py on pseries and the per-patch builds"
fi
finish
