#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Checks of the boot runner on a kernel build.sh built (check.sh runs
# them on the host kernel):
#   runner-test.sh NAME
# - a kernel that panics at boot fails, saying so;
# - a boot that hangs times out, and its partial console is still read:
#   every test /init did not get to fails by name;
# - the per-test time limit is a kernel parameter (wbinit.timeout): a
#   test that runs longer is killed and fails, saying so;
# - a run that is stopped during a boot (SIGTERM to the script that runs
#   it, as a CI job's end does; SIGINT to the process group, as Ctrl-C
#   does) stops QEMU at once and keeps the boot's results, marked as
#   interrupted.
# The boots' own results go to out/runner-results, not into the run's.
# Results go to out/results/runner.res.
. "$(dirname "$0")/lib.sh"
wb_enter runner-test

name=${1:?usage: runner-test.sh NAME}
stage_begin runner "$LOGS/step-runner.log"
S=$TOP/scripts
rdir=$OUT/runner-results
rm -rf "$rdir"
mkdir -p "$rdir"
tests=$OUT/initramfs-$name/tests.list
[ -s "$tests" ] || die "no $tests; build the initramfs of $name first"

# fails_with WHAT TAG NAME DETAIL: the results of the boot TAG must have
# a FAIL whose name matches NAME and whose detail matches DETAIL (EREs).
fails_with() {
	local what=$1 tag=$2
	if awk -F'\t' -v n="$3" -v d="$4" '$1 == "FAIL" && $2 ~ n && $3 ~ d { f = 1 } END { exit !f }' \
		"$rdir/$tag"/*.res 2>/dev/null; then
		res "$what" PASS
	else
		res "$what" FAIL "no failure named /$3/ saying /$4/ in $rdir/$tag; see $LOGS/boot-runner-$tag.log"
	fi
}

# boot_expect WHAT TAG NAME DETAIL [VAR=VALUE...]: boot with the settings
# given; the boot must fail, with a FAIL as for fails_with.
boot_expect() {
	local what=$1 tag=$2 n=$3 d=$4
	shift 4
	if env "$@" RESULTS_DIR="$rdir/$tag" BOOT_TAG="runner-$tag" \
		"$S/boot.sh" "$name" powernv10 >"$rdir/$tag.out" 2>&1; then
		res "$what" FAIL "boot.sh passed it; see $LOGS/boot-runner-$tag.log"
	else
		fails_with "$what" "$tag" "$n" "$d"
	fi
}

boot_expect "a kernel panic fails the boot" panic ": kernel health$" "^kernel panic" \
	BOOT_APPEND="rdinit=/nonexistent init=/nonexistent"
boot_expect "a hung boot times out" hang ": boot$" "^QEMU timed out after 5s" \
	BOOT_TIMEOUT=5 BOOT_QEMU_EXTRA=-S
first=$(awk 'NF && !/^#/ { print $1; exit }' "$tests")
fails_with "a boot that times out fails every test it did not run, by name" hang \
	": init: /tests/${first##*/}\$" "^did not run"
boot_expect "wbinit.timeout=1 kills a test after 1 s, and fails it" limit \
	": init: /tests/[a-z_]+$" "^exit status [0-9]+, killed after 1 s$" BOOT_APPEND="wbinit.timeout=1"

# stop_expect WHAT TAG SIGNAL TARGET: start a boot that hangs (QEMU
# paused), send SIGNAL to TARGET (parent: the script that runs boot.sh,
# standing for check.sh; group: its whole process group) once QEMU runs;
# QEMU must be gone within 10 s, and the boot's results must say it was
# interrupted.
stop_expect() {
	local what=$1 tag=$2 sig=$3 target=$4 pid qpid i pidfile=$OUT/run/qemu-runner-$2.pid
	rm -f "$pidfile"
	RESULTS_DIR=$rdir/$tag BOOT_TAG=runner-$tag BOOT_QEMU_EXTRA=-S BOOT_TIMEOUT=300 \
		setsid env --default-signal=INT \
		bash -c '. "$1/lib.sh"; wb_enter runner-parent; run "$1/boot.sh" "$2" powernv10' \
		runner-parent "$S" "$name" >"$rdir/stop-$tag.out" 2>&1 </dev/null &
	pid=$!
	for i in $(seq 300); do
		[ -s "$pidfile" ] && break
		sleep 0.1
	done
	qpid=$(cat "$pidfile" 2>/dev/null || true)
	if [ -z "$qpid" ]; then
		kill -KILL -- "-$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		res "$what" FAIL "QEMU did not start in 30 s; see $rdir/stop-$tag.out"
		return
	fi
	sleep 1
	if [ "$target" = group ]; then kill "-$sig" -- "-$pid"; else kill "-$sig" "$pid"; fi
	for i in $(seq 100); do
		kill -0 "$qpid" 2>/dev/null || break
		sleep 0.1
	done
	local gone=$i
	if kill -0 "$qpid" 2>/dev/null; then
		kill -KILL "$qpid" 2>/dev/null || true
		kill -KILL -- "-$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		res "$what" FAIL "QEMU (pid $qpid) still ran 10 s after SIG$sig; see $rdir/stop-$tag.out"
		return
	fi
	# The scripts finish writing the results they have.
	for i in $(seq 200); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL -- "-$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	if ! grep -qs $'^FAIL\t[^\t]*: interrupted' "$rdir/$tag"/*.res; then
		res "$what" FAIL "QEMU stopped, but the boot's results do not say it was interrupted; see $rdir/stop-$tag.out"
	else
		res "$what" PASS "QEMU gone $((gone / 10)).$((gone % 10)) s after SIG$sig"
	fi
}
stop_expect "SIGTERM to the run stops QEMU at once" term TERM parent
stop_expect "Ctrl-C (SIGINT to the process group) stops QEMU at once" int INT group
