#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run make in one of the kernel builds, as build.sh does (in the chroot,
# the tree at /wb/src, the objects at /wb/obj, the row's compiler):
#   scripts/kmake.sh NAME TARGET...     e.g. kmake.sh host rustfmtcheck
# BUILD_SRC and BUILD_OBJ as for build.sh.
. "$(dirname "$0")/lib.sh"
wb_enter kmake

name=${1:?usage: kmake.sh NAME TARGET...}
shift
matrix_row "$name"
src=${BUILD_SRC:-$LINUX}
obj=$OUT/build-${BUILD_OBJ:-$name}
[ -f "$obj/.config" ] || die "no build at $obj; run build.sh $name first"
matrix_make_args
# What this make compiles is not build.sh's: the next build.sh builds the
# Rust objects again (their warnings are seen), and the tree is no longer
# the one .wb-source names. KMAKE_READONLY=1: targets that compile no
# object (rustfmtcheck, rustdoc; rustcheck.sh).
if [ "${KMAKE_READONLY:-0}" != 1 ]; then
	rm -f "$obj/.wb-source"
	: >"$obj/.wb-building"
fi
WB_BIND="$src:/wb/src $obj:/wb/obj" run in_chroot \
	make -C /wb/src O=/wb/obj "${KMARGS[@]}" "-j$JOBS" "$@"
