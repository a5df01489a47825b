#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the KVM selftests of the work tree for ppc64le, statically
# linked, through the kselftest make targets:
#   kselftests.sh   -> out/build-selftests/kselftest/kvm/
# and check that every program config/selftests.txt names was built.
# The kernel's exported headers go to out/build-selftests/usr/include.
# SELFTESTS_SRC and SELFTESTS_OBJ build another tree elsewhere (for
# perpatch.sh, bench.sh), without the check against config/selftests.txt;
# SELFTESTS_MAKE_ARGS adds make arguments (bench.sh: which programs).
. "$(dirname "$0")/lib.sh"
wb_enter kselftests

src=${SELFTESTS_SRC:-$LINUX}
obj=${SELFTESTS_OBJ:-$OUT/build-selftests}
blog=$LOGS/selftests-build${SELFTESTS_OBJ:+-${obj##*/}}.log
mkdir -p "$obj" "$LOGS"
log "selftests: building the KVM selftests for ppc64le (log: $blog)"
start=$(date +%s)
# A build cut off may have warned unseen: start afresh.
[ ! -f "$obj/.wb-building" ] || rm -rf "$obj/kselftest"
: >"$obj/.wb-building"
{
	run in_chroot make -C "$src" ARCH=powerpc O="$obj" -s headers &&
	run in_chroot make -C "$src/tools/testing/selftests" -j"$JOBS" \
		ARCH=powerpc CROSS_COMPILE=powerpc64le-linux-gnu- O="$obj" \
		TARGETS=kvm EXTRA_CFLAGS=-static ${SELFTESTS_MAKE_ARGS:-}
} >"$blog" 2>&1 || rc=$?
warnings=$(grep -E "warning:|error:" "$blog" || true)
# An incremental build would not show the warnings again: start afresh.
[ -z "$warnings" ] || rm -rf "$obj/kselftest"
rm -f "$obj/.wb-building"
[ "${rc:-0}" = 0 ] || die "building the KVM selftests failed: $(tail -n 3 "$blog" | tr '\n' ' '); see $blog"
[ -z "$warnings" ] || die "the KVM selftests build warns: $(head -n 3 <<<"$warnings"); see $blog"

[ -z "${SELFTESTS_SRC:-}" ] || exit 0
while read -r path rest; do
	case $path in "" | "#"*) continue ;; esac
	# Leading NAME=VALUE words are the test's environment.
	while [[ $path == *=* ]]; do read -r path rest <<<"$rest"; done
	[ -n "$path" ] || die "a line of config/selftests.txt names no test after its NAME=VALUE words"
	[ -x "$obj/kselftest/kvm/$path" ] ||
		die "selftest $path (config/selftests.txt) was not built; see $blog"
done <"$TOP/config/selftests.txt"
log "selftests: built in $(( $(date +%s) - start )) s"
