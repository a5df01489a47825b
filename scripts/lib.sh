# SPDX-License-Identifier: GPL-2.0
# Common settings and helpers for the workbench scripts. Source it.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Everything that outlives a clone: chroot, downloads, base repo, ccache.
CACHE=${KVMPPC_CACHE:-/var/cache/kvmppc-mce}
ROOT=$CACHE/chroot
OUT=$TOP/out
LINUX=$TOP/linux
LOGS=$OUT/logs
JOBS=${JOBS:-$(nproc)}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

need_root() {
	[ "$(id -u)" = 0 ] || die "$1 needs root (debootstrap, chroot and mount namespaces); run it as root"
}

need_host_tool() {
	command -v "$1" >/dev/null 2>&1 ||
		die "host tool '$1' is missing; install it (Debian: apt-get install ${2:-$1})"
}

# Check that at least $2 GiB are free at $1.
need_disk() {
	local free
	free=$(df -Pk "$1" | awk 'NR==2 {print int($4 / 1048576)}')
	[ "$free" -ge "$2" ] ||
		die "only ${free} GiB free at $1, need ${2} GiB; free some space or set KVMPPC_CACHE"
}

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# Run a command inside the toolchain chroot, in a private mount namespace
# so that nothing stays mounted when it ends. The clone and the cache are
# bind-mounted at the same paths, so paths are the same inside and out.
in_chroot() {
	[ -x "$ROOT/usr/bin/rustc" ] || die "no toolchain at $ROOT; run 'make toolchain' first"
	local cwd=$PWD
	unshare --mount --propagation private /bin/sh -eu -c '
		r=$1 top=$2 cache=$3 cwd=$4
		shift 4
		mount --rbind /dev "$r/dev"
		mount -t proc proc "$r/proc"
		mount -t sysfs sysfs "$r/sys"
		mount -t tmpfs tmpfs "$r/tmp"
		mkdir -p "$r$top" "$r$cache"
		mount --bind "$top" "$r$top"
		mount --bind "$cache" "$r$cache"
		exec chroot "$r" /usr/bin/env -i \
			HOME=/root LANG=C.UTF-8 TERM=dumb \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			CCACHE_DIR="$cache/ccache" CCACHE_BASEDIR="$top" \
			CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=5G \
			KBUILD_BUILD_TIMESTAMP="2026-01-01" \
			KBUILD_BUILD_USER=wb KBUILD_BUILD_HOST=wb \
			CI="${CI:-}" \
			/bin/sh -c "cd \"\$0\" && exec \"\$@\"" "$cwd" "$@"
	' in_chroot "$ROOT" "$TOP" "$CACHE" "$cwd" "$@"
}

# The rustc, clippy and rustdoc complaints in a build log ($1), one line
# each. rustc 1.96 warns about the -Ctarget-feature flags the powerpc
# Makefile passes (mma, vsx, altivec, hard-float); that upstream noise,
# which the series does not touch, is the only warning let through.
rust_warnings() {
	grep -E '^(warning|error)(\[[^]]*\])?: ' "$1" |
		grep -v -e '-Ctarget-feature' -e 'warnings\? emitted' || true
}

# A second checkout of linux/ at $OUT/scratch-src, for building other
# revisions or a modified copy (perpatch.sh, mutation.sh). It stays
# between runs, and its builds use out/build-scratch, so that moving it
# from one revision to another rebuilds only what changed.
SCRATCH=$OUT/scratch-src
scratch_tree() {
	local rev=$1
	if ! git -C "$SCRATCH" rev-parse -q --verify HEAD >/dev/null 2>&1; then
		git -C "$LINUX" worktree remove --force "$SCRATCH" 2>/dev/null || rm -rf "$SCRATCH"
		git -C "$LINUX" worktree prune
		git -C "$LINUX" worktree add -q --detach "$SCRATCH" "$rev"
	fi
	git -C "$SCRATCH" checkout -q -f --detach "$rev"
	git -C "$SCRATCH" clean -q -fdx
}
