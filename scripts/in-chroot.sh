#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run a command in the toolchain chroot, e.g.
#   scripts/in-chroot.sh llvm-objdump -d out/build-host/arch/powerpc/kvm/kvm-hv.ko
# It takes no lock on the clone (it may run beside a workbench command),
# but holds the chroot (a shared lock), so that no run deletes it meanwhile.
. "$(dirname "$0")/lib.sh"
[ $# -gt 0 ] || die "usage: in-chroot.sh COMMAND [ARG...]"
exec 8>>"$ROOT.lock"
flock -s 8
in_chroot "$@"
