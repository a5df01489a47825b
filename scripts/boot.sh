#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot a kernel built by build.sh on emulated POWER under QEMU TCG:
#   boot.sh NAME MACHINE     (MACHINE: powernv8, powernv9 or powernv10)
# The console goes to out/logs/boot-TAG.log (TAG: NAME-MACHINE, or
# BOOT_TAG), QEMU's own output to boot-TAG.log.qemu. The console is read
# by report.py into out/results/boot-TAG.res: kernel health, /init's
# checks, KUnit, the KVM selftests. A boot that times out or whose QEMU
# fails is read too, so the results it printed count, and every test
# /init did not get to fails by name.
#
# QEMU is stopped with the boot: on its time limit (timeout --foreground,
# so that it stays in the terminal's process group and Ctrl-C reaches
# it), and on SIGINT, SIGTERM or SIGHUP to this script or to the run it
# belongs to.
#
# BOOT_TAG names the log, BOOT_APPEND adds kernel parameters,
# BOOT_TIMEOUT (s) and BOOT_SMP set the time limit and the CPUs,
# BOOT_ACCEL the -accel option (default tcg),
# BOOT_QEMU_EXTRA adds QEMU options.
. "$(dirname "$0")/lib.sh"
wb_enter boot

name=${1:?usage: boot.sh NAME MACHINE}
machine=${2:?usage: boot.sh NAME MACHINE}
timeout=${BOOT_TIMEOUT:-600}
smp=${BOOT_SMP:-2}
obj=$OUT/build-$name
img=$OUT/initramfs-$name.cpio.gz
tag=${BOOT_TAG:-$name-$machine}
clog=$LOGS/boot-$tag.log
stage_begin "boot-$tag" "$clog"
WB_WHAT="boot $tag"
[ -f "$obj/vmlinux" ] || die "no kernel at $obj/vmlinux; run 'make build' first"
[ -f "$img" ] || die "no initramfs at $img; run 'make initramfs' first"
known_machine "$machine" || die "unknown machine '$machine' (powernv8, powernv9 or powernv10)"
mkdir -p "$OUT/run"
pidfile=$OUT/run/qemu-$tag.pid
rm -f "$pidfile"

# If this script ends for any reason while QEMU runs, QEMU goes too: the
# process the pidfile names, if it is still this boot's QEMU (its command
# line names this pidfile), checked again before it is killed outright.
ours() {
	[ -n "$1" ] && { tr '\0' ' ' <"/proc/$1/cmdline"; } 2>/dev/null | grep -qF -- "-pidfile $pidfile "
}
stop_qemu() {
	local pid i
	pid=$(cat "$pidfile" 2>/dev/null) || return 0
	if ours "$pid"; then
		kill -TERM "$pid" 2>/dev/null || true
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			sleep 0.2
			ours "$pid" || break
		done
		! ours "$pid" || kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$pidfile"
}
at_exit stop_qemu

# A 64K-page host gets 4G: set_memory_region_test creates KVM's 32767
# memslots, and kvm-hv gives each its own vmalloc'd rmap array (real-mode
# HPT code finds it through the page tables), at least one page: 2 GiB
# with 64K pages, which a 2G host does not have (the OOM killer ends the
# test), against 128 MiB with 4K pages.
mem=2G
! grep -qx 'CONFIG_PPC_64K_PAGES=y' "$obj/.config" || mem=4G

run_qemu() {
	# shellcheck disable=SC2086
	in_chroot timeout --foreground -k 5 "$timeout" qemu-system-ppc64 \
		-M "$machine" -accel "${BOOT_ACCEL:-tcg}" -smp "$smp" -m "$mem" \
		-display none -monitor none -serial "file:$clog" -no-reboot \
		-pidfile "$pidfile" \
		-kernel "$obj/vmlinux" -initrd "$img" \
		-append "console=hvc0 panic=-1 ${BOOT_APPEND:-}" ${BOOT_QEMU_EXTRA:-} \
		</dev/null >"$clog.qemu" 2>&1
}

# Read the console (also when the boot did not end well): NOTE is a
# failure to record with the console's own results.
reported=0
report() {
	reported=1
	in_chroot python3 "$TOP/scripts/report.py" console "$clog" \
		--config "$obj/.config" --tests "$OUT/initramfs-$name/tests.list" \
		--out "$RESULTS/.$WB_STAGE.part" ${1:+--boot-failure "$1"}
}
at_exit '[ -z "$WB_INTERRUPTED" ] || [ $reported = 1 ] || [ ! -s "$clog" ] || report "interrupted (SIG$WB_INTERRUPTED)" >/dev/null 2>&1 || true'

log "boot[$tag]: booting, timeout ${timeout}s (console: $clog)"
# Not an earlier boot's console, whatever happens to this one.
rm -f "$clog" "$clog.qemu" "$clog".[12] "$clog.qemu".[12]
start=$(date +%s)
rc=0
run run_qemu || rc=$?
# QEMU 10.0's XIVE model sometimes trips its own assertion while skiboot
# sets up interrupts, and a powernv9 boot now and then stops in skiboot
# and ends (exit 0: the machine reset, which -no-reboot turns into an
# exit) a minute later, both before Linux runs. That is the emulated
# machine failing, not the kernel: say so and boot again, up to three
# attempts (two in a row failed once on 2026-12-01), keeping the
# earlier attempts' logs as *.1 and *.2. (A kernel that dies before its
# console comes up is booted three times, and fails.) A timeout, a QEMU
# stopped by a signal (Ctrl-C reaches it before this script's trap), and
# any failure once Linux has started, stand.
attempt=1
while [ $attempt -lt 3 ] && [ $rc -ne 124 ] && [ $rc -ne 137 ] && [ -z "$WB_INTERRUPTED" ] &&
	! grep -qs "terminating on signal" "$clog.qemu" &&
	! grep -qs "Linux version" "$clog"; do
	why1="exit $rc"
	! grep -qs "Assertion .* failed" "$clog.qemu" || why1="$(grep -m1 "Assertion" "$clog.qemu")"
	log "boot[$tag]: the machine ended before Linux started ($why1; logs kept as $clog.$attempt and $clog.qemu.$attempt); booting again"
	mv -f "$clog.qemu" "$clog.qemu.$attempt" 2>/dev/null || true
	mv -f "$clog" "$clog.$attempt" 2>/dev/null || true
	attempt=$((attempt + 1))
	rc=0
	run run_qemu || rc=$?
done
secs=$(( $(date +%s) - start ))
log "boot[$tag]: QEMU exited with $rc after ${secs}s"

why=""
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	why="QEMU timed out after ${timeout}s"
elif [ $rc -ne 0 ]; then
	why="QEMU failed (exit $rc): $(tail -n 3 "$clog.qemu" | tr '\n' ' '); see $clog.qemu"
fi
rrc=0
report "$why" || rrc=$?
if [ -n "$why" ]; then
	# Recorded by report.py with the console's results.
	echo "ERROR: boot $tag: $why; see $clog" >&2
	exit 1
fi
exit $rrc
