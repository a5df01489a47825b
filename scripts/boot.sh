#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot a kernel built by build.sh on emulated POWER under QEMU TCG:
#   boot.sh NAME MACHINE     (MACHINE: powernv9 or powernv10)
# The console goes to out/logs/boot-NAME-MACHINE.log. Fails, saying why,
# on a QEMU error, a timeout, a panic, an oops, a BUG or a WARN, or when
# /init did not reach its end. Results are read from the log afterwards
# by scripts/report.py. BOOT_TAG names the log (default NAME-MACHINE),
# BOOT_APPEND adds kernel parameters, BOOT_TIMEOUT and BOOT_SMP set the
# time limit in seconds and the number of CPUs, BOOT_QEMU_EXTRA adds
# QEMU options.
. "$(dirname "$0")/lib.sh"

name=${1:?usage: boot.sh NAME MACHINE}
machine=${2:?usage: boot.sh NAME MACHINE}
timeout=${BOOT_TIMEOUT:-600}
smp=${BOOT_SMP:-2}
obj=$OUT/build-$name
img=$OUT/initramfs-$name.cpio.gz
clog=$LOGS/boot-${BOOT_TAG:-$name-$machine}.log
[ -f "$obj/vmlinux" ] || die "no kernel at $obj/vmlinux; run 'make build' first"
[ -f "$img" ] || die "no initramfs at $img; run 'make initramfs' first"
case $machine in
powernv9 | powernv10) ;;
*) die "unknown machine '$machine' (powernv9 or powernv10)" ;;
esac

run_qemu() {
	in_chroot timeout -k 10 "$timeout" qemu-system-ppc64 \
		-M "$machine" -accel tcg -smp "$smp" -m 2G \
		-display none -monitor none -serial "file:$clog" -no-reboot \
		-kernel "$obj/vmlinux" -initrd "$img" \
		-append "console=hvc0 panic=-1 ${BOOT_APPEND:-}" ${BOOT_QEMU_EXTRA:-} \
		</dev/null >"$clog.qemu" 2>&1
}

log "boot[$name/$machine]: booting, timeout ${timeout}s (console: $clog)"
start=$(date +%s)
set +e
run_qemu
rc=$?
# QEMU 10.0's XIVE model sometimes trips its own assertion while skiboot
# sets up interrupts, before Linux runs. That is QEMU failing, not the
# kernel: say so and boot once more. Any other failure stands.
if [ $rc -ne 0 ] && grep -q "Assertion .* failed" "$clog.qemu" &&
	! grep -q "Linux version" "$clog"; then
	log "boot[$name/$machine]: QEMU aborted before Linux started ($(grep -m1 "Assertion" "$clog.qemu")); booting once more"
	mv "$clog.qemu" "$clog.qemu.1"
	mv "$clog" "$clog.1"
	run_qemu
	rc=$?
fi
set -e
secs=$(( $(date +%s) - start ))
log "boot[$name/$machine]: QEMU exited with $rc after ${secs}s"

[ $rc -ne 124 ] && [ $rc -ne 137 ] ||
	die "boot $name/$machine: QEMU timed out after ${timeout}s; see $clog"
[ $rc -eq 0 ] || die "boot $name/$machine: QEMU failed (exit $rc): $(tail -n 5 "$clog.qemu"); see $clog.qemu and $clog"
in_chroot python3 "$TOP/scripts/report.py" console "$clog" "$obj/.config"
