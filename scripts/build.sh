#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Configure and build one kernel of config/matrix.tsv:
#   build.sh NAME
# into out/build-NAME, C compiles through ccache.
#
# Every build sees its source tree at /wb/src and its object directory at
# /wb/obj (bind mounts in the chroot), so the compiler command lines are
# the same whichever tree is built: the per-patch, mutant and bench
# builds find the host build's objects in ccache.
#
# The tree is configured (tinyconfig plus the row's fragments) only when
# the fragments, the toolchain or the tree's Kconfig files changed; every
# value in the fragments must survive olddefconfig, or the build stops:
# a silently dropped option would make the tests meaningless.
#
# Environment: BUILD_SRC builds another source tree than linux/;
# BUILD_OBJ another object directory name than NAME; BUILD_LENIENT=1
# skips fragment options the source tree does not define (building the
# series patch by patch).
#
# A clean build of linux/ is kept in the cache as the row's snapshot
# ($KVMPPC_CACHE/objdirs/NAME.TOOLID, see toolid in lib.sh): a clone that has no object
# directory for the row yet (CI's clean clone) starts from it, and kbuild
# compiles only what differs from it.
#
# Leaves in the object directory: .wb-source (the commit built, or
# "dirty"), .wb-rust-warnings (rustc, clippy and rustdoc complaints of
# this build, empty when none; see rust_warnings in lib.sh), and
# .wb-from-snapshot (the run whose snapshot this build started from, if
# it did).
. "$(dirname "$0")/lib.sh"
wb_enter build

name=${1:?usage: build.sh NAME}
matrix_row "$name"
src=${BUILD_SRC:-$LINUX}
[ -e "$src/.git" ] || die "no work tree at $src; run 'make tree' first"
obj=$OUT/build-${BUILD_OBJ:-$name}
blog=$LOGS/build-${BUILD_OBJ:-$name}.log
mkdir -p "$obj" "$LOGS"
frags=()
for f in $M_FRAGS; do
	[ -f "$TOP/config/$f.config" ] || die "no config fragment config/$f.config (config/matrix.tsv, $name)"
	frags+=("$TOP/config/$f.config")
done

matrix_make_args
tool=$(toolid)
kmake() {
	WB_BIND="$src:/wb/src $obj:/wb/obj" \
		in_chroot env CCACHE_STATSLOG=/wb/obj/.ccache-stats.log \
		make -C /wb/src O=/wb/obj "${KMARGS[@]}" "-j$JOBS" "$@"
}

# The configuration depends on the fragments, the make arguments, the
# toolchain and the tree's Kconfig language and files.
cstamp=$( {
	echo "$tool $M_ARCH $M_CC $M_ARGS ${BUILD_LENIENT:-0}"
	cat "${frags[@]}"
	cd "$src" && find . -name .git -prune -o \( -name 'Kconfig*' -o -name 'tiny*.config' \) \
		-type f -print | LC_ALL=C sort | xargs cat
	cat "$src"/scripts/kconfig/*.c
} | sha256sum | cut -c1-16)

# What is built: the commit, if the tree is clean now and still at the
# same commit and clean when the build ends, else "dirty".
tree_state() {
	if [ -z "$(git -C "$src" status --porcelain --untracked-files=normal | head -n 1)" ]; then
		git -C "$src" rev-parse HEAD
	else
		echo dirty
	fi
}
before=$(tree_state)
rm -f "$obj/.wb-from-snapshot"

# A new object directory of linux/ starts from the cache's snapshot of
# this row (the newest clean build of it with this toolchain, in any
# clone), when linux/ was dated back when it was made (tree.sh): the
# files whose content differs from the snapshot's tree are dated now, so
# kbuild compiles just those and what depends on them; a different
# configuration is made anew by the configure step below, in place.
# FORCE=1 does not use the snapshot (ccache still serves what it holds).
#
# Both copies below are made beside the object directory, and renamed
# into place only when ready (for the snapshot: once the sources that
# differ are dated now): an interrupted copy never looks like a build
# (cp -a dates a file when it is written whole, so a cut-off object would
# look up to date).
snap=$CACHE/objdirs/$name.$tool
if [ ! -f "$obj/.config" ] && [ -z "${BUILD_SRC:-}" ] && [ "$before" != dirty ] &&
	[ "${FORCE:-0}" != 1 ] &&
	[ -f "$src/.git/wb-dated-back" ] && [ -f "$snap/.wb-snapshot-files" ]; then
	new=$obj.new
	rm -rf "$new"
	(
		flock -s 6
		cp -a "$snap" "$new"
	) 6>>"$CACHE/objdirs.lock"
	git -C "$src" ls-tree -r HEAD >"$new/.wb-files-now"
	awk -F'\t' 'NR == FNR { had[$2] = $1; next } had[$2] != $1 { print $2 }' \
		"$new/.wb-snapshot-files" "$new/.wb-files-now" >"$new/.wb-files-changed"
	changed=$(wc -l <"$new/.wb-files-changed")
	(cd "$src" && xargs -r -d '\n' touch -c <"$new/.wb-files-changed")
	if [ "$changed" = 0 ]; then
		# The very tree: the objects are another run's, and reported so.
		cp "$new/.wb-snapshot-origin" "$new/.wb-from-snapshot"
	fi
	log "build[$name]: starting from the cache's snapshot ($(cat "$new/.wb-snapshot-origin")); $changed files differ"
	rm -f "$new/.wb-snapshot-origin" "$new/.wb-snapshot-files" "$new/.wb-files-now" "$new/.wb-files-changed"
	rm -rf "$obj"
	mv -T "$new" "$obj"
fi

# A new object directory starts as a copy of its seed's (config/matrix.tsv)
# when that one is a finished build of the same tree: the copy's objects
# are newer than the sources, so kbuild rebuilds only what the other
# configuration changes, where a build from nothing compiles everything.
if [ ! -f "$obj/.config" ] && [ -n "$M_SEED" ] && [ -z "${BUILD_SRC:-}" ] && [ "$before" != dirty ] &&
	[ "$(cat "$OUT/build-$M_SEED/.wb-source" 2>/dev/null)" = "$before" ]; then
	log "build[$name]: starting from a copy of out/build-$M_SEED"
	rm -rf "$obj.new"
	cp -a "$OUT/build-$M_SEED" "$obj.new"
	rm -f "$obj.new/.wb-source" "$obj.new/.wb-config-stamp" "$obj.new/.wb-from-snapshot"
	rm -rf "$obj"
	mv -T "$obj.new" "$obj"
fi

: >"$blog"
if [ -f "$obj/.config" ] && [ "$(cat "$obj/.wb-config-stamp" 2>/dev/null)" = "$cstamp" ]; then
	log "build[$name]: configuration up to date (log: $blog)"
else
	log "build[$name]: configuring (log: $blog)"
	rm -f "$obj/.wb-config-stamp" "$obj/.wb-from-snapshot"
	# What 'make tinyconfig' makes, with the fragments merged in the same
	# step: allnoconfig on tiny-base.config, then tiny.config and the
	# fragments, then olddefconfig. The same .config as tinyconfig, a merge
	# and olddefconfig, in two runs of Kconfig instead of four.
	tiny=(/wb/src/kernel/configs/tiny.config)
	arch=${M_ARCH/x86_64/x86}
	[ ! -f "$src/arch/$arch/configs/tiny.config" ] || tiny+=("/wb/src/arch/$arch/configs/tiny.config")
	{
		run kmake KCONFIG_ALLCONFIG=kernel/configs/tiny-base.config allnoconfig &&
		WB_BIND="$src:/wb/src $obj:/wb/obj" in_chroot /wb/src/scripts/kconfig/merge_config.sh -m \
			-O /wb/obj /wb/obj/.config "${tiny[@]}" "${frags[@]}" &&
		run kmake olddefconfig
	} >>"$blog" 2>&1 || die "configuring $name failed; see $blog"
fi

# Every value of the fragments must be in .config: before the build, and
# after it (the build's own syncconfig could still drop one).
check_config() {
	local line sym got bad=0
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
}
check_config
echo "$cstamp" >"$obj/.wb-config-stamp"


read -r -a targets <<<"${M_TARGETS:-vmlinux}"
log "build[$name]: building ${targets[*]}${M_ARGS:+ with $M_ARGS}${BUILD_SRC:+ from $BUILD_SRC}"
start=$(date +%s)
rm -f "$obj/.wb-source" "$obj/.ccache-stats.log"
mark=$(wc -l <"$blog")
# Rust objects of a build that was cut off may have warned unseen: they
# are built again.
if [ -f "$obj/.wb-building" ]; then
	log "build[$name]: the last build of $obj did not finish; its Rust objects are built again"
	remove_rust_objects "$obj"
fi
: >"$obj/.wb-building"
rc=0
run kmake "${targets[@]}" >>"$blog" 2>&1 || rc=$?

# A Rust warning is reported by the compile that emits it and by no later
# incremental build. So that it is reported until fixed, the Rust objects
# of a build that warned (whether or not it then failed) are removed and
# built again next time.
tail -n "+$((mark + 1))" "$blog" >"$obj/.wb-build-part.log"
rust_warnings "$obj/.wb-build-part.log" >"$obj/.wb-rust-warnings"
rm -f "$obj/.wb-build-part.log"
[ ! -s "$obj/.wb-rust-warnings" ] || remove_rust_objects "$obj"
rm -f "$obj/.wb-building"
if [ $rc != 0 ]; then
	grep -E -m 20 'error|Error' "$blog" >&2 || tail -n 20 "$blog" >&2
	die "building $name failed; see $blog"
fi
check_config

hits=""
if [ -f "$obj/.ccache-stats.log" ]; then
	hits=$(WB_BIND="$obj:/wb/obj" in_chroot env CCACHE_STATSLOG=/wb/obj/.ccache-stats.log \
		ccache --show-log-stats 2>/dev/null |
		awk '/^ *Hits:/ && !h { h = $2 } /^ *Misses:/ && !m { m = $2; n = $4 }
			END { if (n) printf "%d of %d C compiles from ccache", h, n }' || true)
fi
after=$(tree_state)
[ "$before" = "$after" ] || after=dirty
echo "$after" >"$obj/.wb-source"
log "build[$name]: done in $(( $(date +%s) - start )) s${hits:+ ($hits)}"

# Keep a clean build of linux/ that warned of nothing as the row's
# snapshot, in place of an older one (the kernels 'make check' builds).
if [ -z "${BUILD_SRC:-}" ] && [ "$after" != dirty ] && [ ! -s "$obj/.wb-rust-warnings" ] &&
	{ [ "$M_TIER" = default ] || [ "$M_TIER" = full ]; } &&
	! { [ -f "$snap/.wb-snapshot-files" ] &&
		git -C "$src" ls-tree -r HEAD | cmp -s - "$snap/.wb-snapshot-files" &&
		cmp -s "$obj/.config" "$snap/.config"; }; then
	mkdir -p "$CACHE/objdirs"
	tmp=$snap.tmp-$$
	# Copies that killed runs left.
	find "$CACHE/objdirs" -maxdepth 1 -name "$name.*.tmp-*" -mmin +120 -exec rm -rf {} +
	cp -a "$obj" "$tmp"
	rm -f "$tmp/.wb-from-snapshot"
	echo "run $WB_RUN_ID ($WB_COMMAND in $TOP)" >"$tmp/.wb-snapshot-origin"
	git -C "$src" ls-tree -r HEAD >"$tmp/.wb-snapshot-files"
	(
		flock -x 6
		rm -rf "$snap.old-$$"
		[ ! -d "$snap" ] || mv -T "$snap" "$snap.old-$$"
		mv -T "$tmp" "$snap"
	) 6>>"$CACHE/objdirs.lock"
	rm -rf "$snap.old-$$"
	log "build[$name]: kept as the cache's snapshot of $name ($snap)"
fi
