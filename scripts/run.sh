#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 'make run': build the patched kernel (linux/ as it is), boot it on
# the default tier's machines of config/matrix.tsv (POWER10 and POWER8)
# with KUnit and the KVM selftests, and show,
# for each machine, a guest machine check as the host printed it and as
# the VMM saw it (KVM_EXIT_NMI). Its time goes to $CACHE/runs.tsv.
. "$(dirname "$0")/lib.sh"
wb_enter run

t0=$(date +%s)
cold=$(cache_cold)
rm -rf "$RESULTS"
S=$TOP/scripts
run "$S/toolchain.sh"
run "$S/base.sh"
run "$S/tree.sh"
run "$S/build.sh" host
run "$S/kselftests.sh"
run "$S/initramfs.sh" host
rc=0
matrix_row host
for m in $M_MACHINES; do
	run "$S/boot.sh" host "$m" || rc=1
	echo "--- $m: a guest machine check, as the host and the VMM saw it:"
	awk '/^wbinit: running \/tests\/machine_check_test/ { on = 1 }
		on && !mce && /^MCE: CPU[0-9]+: machine check .* Guest / { print; mce = 1 }
		on && !nmi && /KVM_EXIT_NMI/ { print; nmi = 1 }
		END { exit !(mce && nmi) }' "$LOGS/boot-host-$m.log" || {
		echo "ERROR: no guest machine check in $LOGS/boot-host-$m.log" >&2
		rc=1
	}
done
secs=$(( $(date +%s) - t0 ))
line=$(summary | tail -n 1) || true
record_run "$cold" "$secs" "$line" "$rc"
log "run: $line in $((secs / 60)) min $((secs % 60)) s"
exit $rc
