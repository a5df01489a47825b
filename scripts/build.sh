#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Configure and build the kernel in linux/ for the emulated POWER host.
#   build.sh NAME FRAGMENT...   builds into out/build-NAME from tinyconfig
#                               plus the fragments (paths below config/)
# with clang/LLVM, or with GCC when KCC=gcc; C compiles go through ccache.
# Every value in the fragments must survive olddefconfig, or the build
# stops: a silently dropped option would make the tests meaningless.
# KARCH=x86_64 builds for x86-64 (LLVM) instead; BUILD_SRC builds another
# source tree than linux/; BUILD_TARGETS replaces "vmlinux modules";
# BUILD_LENIENT=1 skips fragment options the source tree does not define
# (for building the series patch by patch); BUILD_MAKE_ARGS adds make
# arguments to the build (e.g. CLIPPY=1).
. "$(dirname "$0")/lib.sh"

name=${1:?usage: build.sh NAME FRAGMENT...}
shift
[ $# -gt 0 ] || die "build.sh: no config fragment given"
src=${BUILD_SRC:-$LINUX}
[ -e "$src/.git" ] || die "no work tree at $src; run 'make tree' first"
obj=$OUT/build-$name
blog=$LOGS/build-$name.log
mkdir -p "$obj" "$LOGS"
frags=()
for f in "$@"; do
	[ -f "$TOP/config/$f" ] || die "no config fragment config/$f"
	frags+=("$TOP/config/$f")
done

case ${KARCH:-powerpc}/${KCC:-llvm} in
powerpc/llvm) margs=(ARCH=powerpc LLVM=1 "CC=ccache clang") ;;
powerpc/gcc) margs=(ARCH=powerpc CROSS_COMPILE=powerpc64le-linux-gnu-
	"CC=ccache powerpc64le-linux-gnu-gcc") ;;
x86_64/llvm) margs=(ARCH=x86_64 LLVM=1 "CC=ccache clang") ;;
*) die "unsupported KARCH/KCC '${KARCH:-powerpc}/${KCC:-llvm}'" ;;
esac
kmake() {
	in_chroot make -C "$src" O="$obj" "${margs[@]}" "-j$JOBS" "$@"
}

log "build[$name]: configuring (log: $blog)"
{
	kmake tinyconfig &&
	in_chroot "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" \
		"$obj/.config" "${frags[@]}" &&
	kmake olddefconfig
} >"$blog" 2>&1 || die "configuring $name failed; see $blog"

bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*) sym=${line%%=*} ;;
	"# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *} ;;
	*) continue ;;
	esac
	if [ "${BUILD_LENIENT:-0}" = 1 ] &&
		! grep -rqE --include='Kconfig*' "^(menu)?config ${sym#CONFIG_}\$" "$src"; then
		continue
	fi
	got=$(grep -E "^($sym=|# $sym is not set)" "$obj/.config" || true)
	if [ "$line" != "$got" ] && ! { [ -z "$got" ] && [ "${line#\# }" != "$line" ]; }; then
		echo "config: wanted '$line', got '${got:-<absent>}'" >&2
		bad=1
	fi
done < <(cat "${frags[@]}")
[ $bad = 0 ] || die "config fragments for $name did not apply (missing dependency or tool?); see $obj/.config and $blog"

read -r -a targets <<<"${BUILD_TARGETS:-vmlinux modules}"
read -r -a extra <<<"${BUILD_MAKE_ARGS:-}"
log "build[$name]: building ${targets[*]}"
start=$(date +%s)
kmake "${extra[@]}" "${targets[@]}" >>"$blog" 2>&1 || {
	grep -E -m 20 'error|Error' "$blog" >&2 || tail -n 20 "$blog" >&2
	die "building $name failed; see $blog"
}
log "build[$name]: done in $(( $(date +%s) - start )) s"
