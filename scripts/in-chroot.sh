#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run a command in the toolchain chroot, e.g.
#   scripts/in-chroot.sh make -C linux O=../out/build-host ARCH=powerpc LLVM=1 rustfmtcheck
. "$(dirname "$0")/lib.sh"
[ $# -gt 0 ] || die "usage: in-chroot.sh COMMAND [ARG...]"
in_chroot "$@"
