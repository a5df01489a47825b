# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Common settings and helpers for the workbench scripts. Source it.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Everything that outlives a clone: chroots, downloads, base repo, ccache,
# cached results.
CACHE=${KVMPPC_CACHE:-/var/cache/kvmppc-mce}
OUT=$TOP/out
LINUX=$TOP/linux
LOGS=$OUT/logs
RESULTS=${RESULTS_DIR:-$OUT/results}
JOBS=${JOBS:-$(nproc)}
# The toolchain's identity: the pins, the suite and the recipe. A chroot
# lives in a directory of its own per stamp, so a run keeps the chroot it
# started with while another run provisions a new one.
TOOLSTAMP=$(cat "$TOP/config/toolchain.pins" "$TOP/config/suite.env" \
	"$TOP/scripts/toolchain.sh" | sha256sum | cut -c1-16)
ROOT=$CACHE/chroots/$TOOLSTAMP
# A second, small chroot for the documentation build (Sphinx) and the
# mail dry run (b4), from config/docs.pins: its packages are not in any
# kernel build's key, so changing them rebuilds no kernel.
DOCSSTAMP=$(cat "$TOP/config/docs.pins" "$TOP/config/suite.env" \
	"$TOP/scripts/toolchain.sh" | sha256sum | cut -c1-16)
DOCSROOT=$CACHE/chroots/docs-$DOCSSTAMP
# What the chroot holds: the packages and versions installed in it (pins
# and what apt chose for them). Cached results and object directory
# snapshots are keyed on it, so a chroot made anew from the same packages
# (after a change to the recipe only) keeps them.
toolid() {
	[ -s "$ROOT/.wb-packages" ] || die "no package list in $ROOT; run 'make toolchain' first"
	hash_files "$ROOT/.wb-packages"
}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Fail: print the reason (which names the log to read) and, inside a
# stage, record it as that stage's failure, so that the summary says it.
die() {
	printf 'ERROR: %s\n' "$*" >&2
	if [ -n "${WB_STAGE:-}" ]; then
		res "${WB_STAGE}: ${WB_WHAT:-$(basename "$0")}" FAIL "$*"
	fi
	exit 1
}

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
# A short hash of the arguments' text.
hash_of() { printf '%s\n' "$@" | sha256sum | cut -c1-16; }
# A short hash of files' contents; a missing file is an error.
hash_files() {
	local f
	for f in "$@"; do [ -f "$f" ] || die "hash_files: no file $f"; done
	cat "$@" | sha256sum | cut -c1-16
}

# ---------------------------------------------------------------------
# The chroot.

# Run a command inside the toolchain chroot, in a private mount namespace
# so that nothing stays mounted when it ends. The clone and the cache are
# bind-mounted at the same paths, so paths are the same inside and out.
# WB_BIND="HOSTDIR:CHROOTDIR ..." binds more directories (build.sh uses
# it to give every kernel build the same source and object paths).
in_chroot() {
	[ -f "$ROOT/.wb-ready" ] || die "no toolchain at $ROOT; run 'make toolchain' first"
	local cwd=$PWD
	unshare --mount --propagation private /bin/sh -eu -c '
		r=$1 top=$2 cache=$3 cwd=$4 binds=$5
		shift 5
		mount --rbind /dev "$r/dev"
		mount -t proc proc "$r/proc"
		mount -t sysfs sysfs "$r/sys"
		mount -t tmpfs tmpfs "$r/tmp"
		mkdir -p "$r$top" "$r$cache"
		mount --bind "$top" "$r$top"
		mount --bind "$cache" "$r$cache"
		for b in $binds; do
			mkdir -p "$r${b#*:}"
			mount --bind "${b%%:*}" "$r${b#*:}"
		done
		exec chroot "$r" /usr/bin/env -i \
			HOME=/root LANG=C.UTF-8 TERM=dumb \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			CCACHE_DIR="$cache/ccache" CCACHE_BASEDIR=/wb \
			CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=8G \
			KBUILD_BUILD_TIMESTAMP="2026-01-01" \
			KBUILD_BUILD_USER=wb KBUILD_BUILD_HOST=wb \
			CI="${CI:-}" PYTHONDONTWRITEBYTECODE=1 \
			/bin/sh -c "cd \"\$0\" && exec \"\$@\"" "$cwd" "$@"
	' in_chroot "$ROOT" "$TOP" "$CACHE" "$cwd" "${WB_BIND:-}" "$@"
}

# Run a command in the docs chroot (toolchain.sh --docs makes it), with
# a shared lock on it so that no other clone deletes it meanwhile.
in_docs_chroot() {
	(
		exec 6>>"$DOCSROOT.lock"
		flock -s 6
		ROOT=$DOCSROOT in_chroot "$@"
	)
}

# ---------------------------------------------------------------------
# Entering a run: locks, signals, the run's identity.

# Every script calls wb_enter; the first (top-level) one also takes the
# locks, which its children inherit:
# - a lock on the clone, so that two commands in one clone cannot mix
#   their builds and results (a second one fails at once, naming the
#   first);
# - a shared lock on the chroot the run uses, so that a run in another
#   clone that provisions a new toolchain does not delete it meanwhile;
# - on SIGINT, SIGTERM or SIGHUP, every process the run started (QEMU
#   included) is stopped before the command exits, and the results of
#   the step that was running are kept, with a failure saying so.
# A script that bash starts in the background ignores SIGINT (and cannot
# trap it): Ctrl-C reaches the top-level script, and scripts below it
# are stopped by SIGTERM from the one above.
wb_enter() {
	trap 'wb_signal INT 130' INT
	trap 'wb_signal TERM 143' TERM
	trap 'wb_signal HUP 129' HUP
	[ -z "${WB_ENTERED:-}" ] || return 0
	export WB_ENTERED=1
	export WB_RUN_ID=${WB_RUN_ID:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}
	export WB_COMMAND=${1:-$(basename "$0" .sh)}
	mkdir -p "$OUT" "$LOGS" "$CACHE/chroots"
	exec 9>>"$TOP/.wb.lock"
	if ! flock -n 9; then
		die "another workbench command is running in this clone ($(cat "$TOP/.wb.lock.owner" 2>/dev/null || echo unknown)); wait for it or stop it"
	fi
	echo "$WB_COMMAND (pid $$, since $WB_RUN_ID)" >"$TOP/.wb.lock.owner"
	exec 8>>"$ROOT.lock"
	flock -s 8
}

# The process ids below $1 (but WB_KEEP_PIDS), deepest first; with a
# second argument, not those whose command is that (tee). Call it as
# $(wb_descendants PID): the subshell that asks, and what it runs to
# ask (ps, awk), are left out.
wb_descendants() {
	local self=$BASHPID
	ps -e -o pid=,ppid=,comm= | awk -v root="$1" -v self="$self" -v skip="${2:-}" \
		-v keep=" ${WB_KEEP_PIDS:-} " '
		{ parent[$1] = $2; comm[$1] = $3 }
		END {
			for (p in parent) {
				d = 0
				for (q = p; q in parent && q != root && q != self && q > 1; q = parent[q])
					d++
				if (q == root && p != root && index(keep, " " p " ") == 0 && comm[p] != skip)
					print d, p
			}
		}' | sort -rn | awk '{ print $2 }'
}

# Stop everything this process started (but WB_KEEP_PIDS). First SIGTERM
# to all but the copies of output (tee), which must outlive what they
# copy so that its last words (a step's results, "interrupted") are not
# cut off; SIGKILL to what is left after 15 s; then the copies.
WB_KEEP_PIDS=""
wb_kill_tree() {
	local pids i
	pids=$(wb_descendants $$ tee)
	# shellcheck disable=SC2086
	[ -z "$pids" ] || kill -TERM $pids 2>/dev/null || true
	for i in $(seq 150); do
		pids=$(wb_descendants $$ tee)
		[ -n "$pids" ] || break
		sleep 0.1
	done
	# shellcheck disable=SC2086
	[ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
	pids=$(wb_descendants $$)
	# shellcheck disable=SC2086
	[ -z "$pids" ] || kill -TERM $pids 2>/dev/null || true
}

WB_INTERRUPTED=""
wb_signal() {
	# A write to a copy of the output that is gone must not end the
	# cleanup.
	trap '' INT TERM HUP PIPE
	WB_INTERRUPTED=$1
	printf '\nINTERRUPTED: SIG%s; stopping everything this run started\n' "$1" >&2 || true
	wb_kill_tree
	exit "$2"
}

# Run a command in the background and wait for it, so that a signal to
# this shell is handled at once (bash runs traps only between foreground
# commands). Returns the command's exit status.
run() {
	"$@" &
	local pid=$! rc=0
	wait "$pid" || rc=$?
	return $rc
}

# Cleanup commands run at exit, last registered first.
WB_AT_EXIT=()
at_exit() { WB_AT_EXIT+=("$1"); }
wb_exit() {
	local rc=$? i
	for ((i = ${#WB_AT_EXIT[@]} - 1; i >= 0; i--)); do
		eval "${WB_AT_EXIT[$i]}" || true
	done
	stage_end "$rc"
	return "$rc"
}
trap wb_exit EXIT

# ---------------------------------------------------------------------
# Results.
#
# A stage's results go to out/results/STAGE.res, one a line:
#   STATUS<TAB>NAME<TAB>DETAIL<TAB>ORIGIN
# STATUS is PASS, FAIL or SKIP; ORIGIN is empty for a result of this run
# and "cached from run ID" for one taken from the result cache. Lines are
# collected in .STAGE.part and renamed into place when the stage ends,
# so a .res file is whole or absent. A stage that ends with an error and
# no FAIL line gets one, naming the log.

oneline() { tr '\t\n' '  ' <<<"$*" | sed 's/  */ /g; s/^ //; s/ $//'; }

# stage_begin STAGE [LOG]: LOG is where a failure of the stage is
# explained; the summary names it for every failure that names none.
stage_begin() {
	WB_STAGE=$1
	WB_STAGE_LOG=${2:-}
	# Not exported: a script this one runs reports through it, not into
	# this stage.
	mkdir -p "$RESULTS"
	: >"$RESULTS/.$WB_STAGE.part"
	rm -f "$RESULTS/$WB_STAGE.res"
	if [ -n "$WB_STAGE_LOG" ]; then
		echo "$WB_STAGE_LOG" >"$RESULTS/$WB_STAGE.log"
	else
		rm -f "$RESULTS/$WB_STAGE.log"
	fi
}

# res NAME STATUS [DETAIL [ORIGIN]]
res() {
	case $2 in PASS | FAIL | SKIP) ;; *) echo "res: bad status '$2'" >&2; return 1 ;; esac
	[ -n "${WB_STAGE:-}" ] || { echo "res: no stage" >&2; return 1; }
	printf '%s\t%s\t%s\t%s\n' "$2" "$(oneline "$1")" "$(oneline "${3:-}")" "${4:-}" \
		>>"$RESULTS/.$WB_STAGE.part"
	if [ "$2" != PASS ]; then
		printf '%s: %s%s\n' "$2" "$1" "${3:+ ($3)}" >&2
	fi
}

stage_end() {
	local rc=${1:-0} part
	[ -n "${WB_STAGE:-}" ] || return 0
	part=$RESULTS/.$WB_STAGE.part
	[ -f "$part" ] || return 0
	if [ -n "$WB_INTERRUPTED" ]; then
		res "${WB_STAGE}: interrupted" FAIL "SIG$WB_INTERRUPTED during $(basename "$0"); results before it are kept${WB_STAGE_LOG:+; see $WB_STAGE_LOG}"
	elif [ "$rc" != 0 ] && ! grep -q '^FAIL' "$part"; then
		res "${WB_STAGE}: $(basename "$0") ran to its end" FAIL "exit status $rc${WB_STAGE_LOG:+; see $WB_STAGE_LOG}"
	fi
	mv -f "$part" "$RESULTS/$WB_STAGE.res"
	WB_STAGE=""
}

# Print every result that did not pass, then what was taken from the
# result cache, then "N passed, N failed[, N skipped]" for what ran in
# this run: of every stage, or of the stages named. Non-zero when
# anything failed or nothing passed.
summary() {
	local f st files=()
	if [ $# -gt 0 ]; then
		for st in "$@"; do files+=("$RESULTS/$st.res"); done
	else
		files=("$RESULTS"/*.res)
	fi
	for f in "${files[@]}"; do
		[ -f "$f" ] || continue
		st=${f%.res}
		awk -F"\t" -v lg="$(cat "$st.log" 2>/dev/null)" '{ print $0 "\t" lg }' "$f"
	done | awk -F'\t' '
		{
			cached = ($4 != "")
			if (cached) { c[$1]++; origin[$4]++ } else n[$1]++
			if ($1 != "PASS") {
				d = $3
				if ($1 == "FAIL" && d !~ /see |log:|console:/ && $5 != "")
					d = d (d == "" ? "" : "; ") "see " $5
				printf "%s: %s%s%s\n", $1, $2, (d == "" ? "" : " (" d ")"), \
					(cached ? " [" $4 "]" : "")
			}
		}
		END {
			if (c["PASS"] + c["FAIL"] + c["SKIP"] > 0) {
				printf "cached (not run now): %d passed, %d failed, %d skipped; from:", \
					c["PASS"], c["FAIL"], c["SKIP"]
				for (o in origin)
					printf " %s (%d);", substr(o, 13), origin[o]
				printf "\n"
			}
			line = sprintf("%d passed, %d failed", n["PASS"], n["FAIL"])
			if (n["SKIP"])
				line = line sprintf(", %d skipped", n["SKIP"])
			print line
			exit (n["FAIL"] + c["FAIL"] > 0 || n["PASS"] + c["PASS"] == 0)
		}'
}

# step STAGE WHAT COMMAND...: run a step, its output also kept in
# out/logs/step-STAGE.log. A step that fails without recording a failure
# in out/results/STAGE.res gets one, naming that log; results a step
# left unfinished (killed before it could rename them) are kept, with a
# failure saying so.
step() {
	local stage=$1 what=$2 slog=$LOGS/step-$1.log rc=0
	shift 2
	mkdir -p "$LOGS" "$RESULTS"
	# Not an earlier run's results of the stage.
	rm -f "$RESULTS/$stage.res" "$RESULTS/.$stage.part"
	{ "$@" 2>&1 | tee -i "$slog"; } &
	wait $! || rc=$?
	if [ -f "$RESULTS/.$stage.part" ]; then
		printf 'FAIL\t%s: did not finish\tits results so far are kept; see %s\t\n' \
			"$stage" "$slog" >>"$RESULTS/.$stage.part"
		mv -f "$RESULTS/.$stage.part" "$RESULTS/$stage.res"
	fi
	if [ $rc != 0 ] && ! grep -qs '^FAIL' "$RESULTS/$stage.res"; then
		res "$what" FAIL "exit status $rc; see $slog"
	fi
	return $rc
}

# ---------------------------------------------------------------------
# The result cache: results of deterministic steps (a patch's build, a
# mutant's verdict, checkpatch on a patch) stored under a key of
# everything they depend on. Only a wholly passing step is stored; it is
# replayed with its origin, so the summary counts it as cached, not as a
# pass of this run. FORCE=1 ignores the cache.

RCACHE=$CACHE/results

# cache_get KIND KEY: replay the stored results into the current stage.
# Returns 1 when there are none (or FORCE=1).
cache_get() {
	local f=$RCACHE/$1/$2.res
	[ "${FORCE:-0}" != 1 ] && [ -f "$f" ] || return 1
	cat "$f" >>"$RESULTS/.$WB_STAGE.part"
}

# cache_put KIND KEY FILE: store FILE's lines (this run's results) with
# this run as their origin.
cache_put() {
	local d=$RCACHE/$1 tmp
	mkdir -p "$d"
	tmp=$(mktemp "$d/.tmp-XXXXXX")
	awk -F'\t' -v OFS='\t' -v o="cached from run $WB_RUN_ID (${WB_COMMAND:-?} in $TOP)" \
		'{ if ($4 == "") $4 = o; print }' "$3" >"$tmp"
	mv -f "$tmp" "$d/$2.res"
}

# Whether a FAIL was recorded in the stage since line $1.
stage_failed_since() {
	awk -F'\t' -v m="$1" 'NR > m && $1 == "FAIL" { f = 1 } END { exit !f }' \
		"$RESULTS/.$WB_STAGE.part"
}

# The part of the stage's results written since line $1 (for cache_put).
stage_lines_since() {
	tail -n "+$(( $1 + 1 ))" "$RESULTS/.$WB_STAGE.part"
}
stage_line_count() { wc -l <"$RESULTS/.$WB_STAGE.part"; }

# ---------------------------------------------------------------------
# The build matrix (config/matrix.tsv): one row a kernel.

# matrix_row NAME: sets M_NAME M_TIER M_ARCH M_CC M_FRAGS M_TARGETS M_ARGS
# M_MACHINES M_SELFTESTS M_SEED (lists space separated, empty for "-"), and
# M_FRAG_FILES (the fragments' paths). A machine written NAME+ is booted
# in the full tier only (TIER=full): M_MACHINES leaves it out otherwise.
# The QEMU machines the workbench boots: boot.sh, matrix rows and mutants
# take no other.
known_machine() {
	case $1 in powernv8 | powernv9 | powernv10) return 0 ;; esac
	return 1
}

matrix_row() {
	local line
	line=$(awk -v n="$1" '$1 == n' "$TOP/config/matrix.tsv")
	[ -n "$line" ] || die "no kernel '$1' in config/matrix.tsv"
	read -r M_NAME M_TIER M_ARCH M_CC M_FRAGS M_TARGETS M_ARGS M_MACHINES M_SELFTESTS M_SEED <<<"$line"
	[ "${M_SEED:--}" != - ] || M_SEED=""
	M_FRAGS=${M_FRAGS//,/ }
	M_TARGETS=${M_TARGETS//,/ }
	M_MACHINES=${M_MACHINES//,/ }
	M_SELFTESTS=${M_SELFTESTS//,/ }
	[ "$M_ARGS" != - ] || M_ARGS=""
	[ "$M_MACHINES" != - ] || M_MACHINES=""
	local mm
	for mm in $M_MACHINES; do
		known_machine "${mm%+}" ||
			die "config/matrix.tsv, row $1: unknown machine '$mm' (powernv8, powernv9 or powernv10, with + for the full tier only)"
	done
	if [ "${TIER:-default}" = full ]; then
		M_MACHINES=${M_MACHINES//+/}
	else
		local m default=""
		for m in $M_MACHINES; do
			case $m in *+) ;; *) default+="${default:+ }$m" ;; esac
		done
		M_MACHINES=$default
	fi
	[ "$M_SELFTESTS" != - ] || M_SELFTESTS=""
	M_FRAG_FILES=()
	local f
	for f in $M_FRAGS; do M_FRAG_FILES+=("$TOP/config/$f.config"); done
}

# KMARGS: the make arguments of the row matrix_row read: architecture,
# compiler (C through ccache) and the row's make-args.
matrix_make_args() {
	case $M_ARCH/$M_CC in
	powerpc/llvm) KMARGS=(ARCH=powerpc LLVM=1 "CC=ccache clang") ;;
	powerpc/gcc) KMARGS=(ARCH=powerpc CROSS_COMPILE=powerpc64le-linux-gnu-
		"CC=ccache powerpc64le-linux-gnu-gcc") ;;
	x86_64/llvm) KMARGS=(ARCH=x86_64 LLVM=1 "CC=ccache clang") ;;
	*) die "unsupported arch/cc '$M_ARCH/$M_CC' for $M_NAME in config/matrix.tsv" ;;
	esac
	local a
	for a in $M_ARGS; do KMARGS+=("$a"); done
}

# The kernels of a tier, in matrix order: default, or full (default too).
matrix_names() {
	awk -v t="$1" '!/^#/ && NF { if ($2 == "default" || $2 == t) print $1 }' \
		"$TOP/config/matrix.tsv"
}

# ---------------------------------------------------------------------
# The rustc, clippy and rustdoc complaints in a build log ($1), one line
# each. rustc 1.96 warns about the -Ctarget-feature flags the powerpc
# Makefile passes (mma, vsx, altivec, hard-float); that upstream noise,
# which the series does not touch, is the only warning let through.
rust_warnings() {
	grep -E '^(warning|error)(\[[^]]*\])?: ' "$1" |
		grep -v -e '-Ctarget-feature' -e 'warnings\? emitted' || true
}

# The cache's record of every run's time ($CACHE/runs.tsv), for the README
# and 'make bench': cache_cold prints whether the cache holds no compiler
# results yet (a new machine, a new KVMPPC_CACHE): "yes" or "no";
# record_run COLD SECONDS RESULT RC appends this run's line.
cache_cold() {
	if [ -n "$(ls -A "$CACHE/ccache" 2>/dev/null | awk 'NR == 1')" ]; then echo no; else echo yes; fi
}
record_run() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$WB_RUN_ID" "$WB_COMMAND" "$1" "$2" "$TOP" \
		"$3" "$4" "${FORCE:-0}" >>"$CACHE/runs.tsv" 2>/dev/null || true
}

# remove_rust_objects OBJDIR: remove every object rustc or clippy-driver
# made there, so the next build compiles (and warns) again.
remove_rust_objects() {
	find "$1" -name '.*.cmd' -print0 |
		{ xargs -0 -r grep -lZ -E '(rustc|clippy-driver) ' 2>/dev/null || true; } |
		sed -z -E 's|/\.([^/]*)\.cmd$|/\1|' | xargs -0 -r rm -f
}

# derive_build NEW FROM: start out/build-NEW as a copy of out/build-FROM,
# with out/src-NEW a worktree at the commit FROM was built from, all of
# whose files are made older than FROM's objects. Changing files in
# out/src-NEW afterwards (a mutant, the bench's instrumentation) and
# building NEW incrementally then rebuilds only what the change touches,
# in seconds, where a build of its own would take minutes. It works
# because every build sees its tree at the same path (build.sh).
derive_build() {
	local new=$1 from=$2 src
	src=$(cat "$OUT/build-$from/.wb-source" 2>/dev/null) ||
		die "no finished build at $OUT/build-$from; run 'make build' (or build.sh $from) first"
	[ "$src" != dirty ] ||
		die "$OUT/build-$from was built from a tree with uncommitted changes; commit them and build again"
	worktree_at "$OUT/src-$new" "$src"
	find "$OUT/src-$new" -path "$OUT/src-$new/.git" -prune -o -exec touch -h -d @946684800 {} +
	# Record the new times in the index: git would take every file for
	# changed, and 'git checkout -- .' would write them all anew.
	git -C "$OUT/src-$new" update-index -q --refresh >/dev/null || true
	rm -rf "$OUT/build-$new" "$OUT/build-$new.new"
	cp -a "$OUT/build-$from" "$OUT/build-$new.new"
	mv -T "$OUT/build-$new.new" "$OUT/build-$new"
}

# A second checkout of linux/ (a git worktree) at $1 on revision $2,
# for building other revisions or a modified copy. Moving an existing one
# to another revision rewrites only the files that differ, so an
# incremental build in its object directory rebuilds only what changed.
worktree_at() {
	local dir=$1 rev=$2
	# Not a worktree of its own (absent, or a leftover directory in which
	# git would find the workbench's repository): make it anew.
	if [ "$(git -C "$dir" rev-parse --show-toplevel 2>/dev/null)" != "$dir" ]; then
		git -C "$LINUX" worktree remove --force "$dir" 2>/dev/null || rm -rf "$dir"
		git -C "$LINUX" worktree prune
		git -C "$LINUX" worktree add -q --detach "$dir" "$rev"
	fi
	git -C "$dir" checkout -q -f --detach "$rev"
	git -C "$dir" clean -q -fdx
}

# ---------------------------------------------------------------------
# The series in parts (patches/parts): each part is a directory of
# patches/ with its own cover letter, sent to its own lists. The manifest
# gives the parts in the order they apply, how many patches each holds,
# the parts each needs (its prerequisites), its subject prefix and the
# lists its mails must reach. parts_load sets PART_DIR, PART_COUNT,
# PART_NEEDS (space-separated part directories, or empty), PART_PREFIX
# (PATCH or RFC) and PART_LISTS (space-separated), indexed from 0.
parts_load() {
	local manifest=$TOP/patches/parts dir count needs prefix lists extra n=0 d seen=" "
	[ -f "$manifest" ] || die "no manifest $manifest: it lists the parts of patches/"
	PART_DIR=() PART_COUNT=() PART_NEEDS=() PART_PREFIX=() PART_LISTS=()
	while read -r dir count needs prefix lists extra; do
		case $dir in '' | '#'*) continue ;; esac
		n=$((n + 1))
		[ -n "$lists" ] && [ -z "$extra" ] ||
			die "$manifest: part $n: want 'DIRECTORY PATCHES NEEDS PREFIX LISTS', got '$dir $count $needs $prefix $lists $extra'"
		[[ $dir =~ ^[0-9]+-[a-z0-9-]+$ ]] ||
			die "$manifest: part $n: '$dir' is not a directory name like 1-powerpc-rust"
		[[ $count =~ ^[1-9][0-9]*$ ]] ||
			die "$manifest: part $dir: '$count' is not a number of patches"
		case $prefix in PATCH | RFC) ;; *) die "$manifest: part $dir: prefix '$prefix' is neither PATCH nor RFC" ;; esac
		case $seen in *" $dir "*) die "$manifest: part $dir is listed twice" ;; esac
		[ "$needs" != - ] || needs=""
		needs=${needs//,/ }
		for d in $needs; do
			case $seen in *" $d "*) ;; *) die "$manifest: part $dir needs '$d', which is not a part listed before it" ;; esac
		done
		[[ $lists =~ ^[^@,[:space:]]+@[^@,[:space:]]+(,[^@,[:space:]]+@[^@,[:space:]]+)*$ ]] ||
			die "$manifest: part $dir: '$lists' is not a comma-separated list of mailing list addresses"
		PART_DIR+=("$dir") PART_COUNT+=("$count") PART_NEEDS+=("$needs") PART_PREFIX+=("$prefix")
		PART_LISTS+=("${lists//,/ }")
		seen+="$dir "
	done <"$manifest"
	[ $n -gt 0 ] || die "$manifest lists no parts"
}

# part_index DIR: the index of part DIR.
part_index() {
	local i
	for i in "${!PART_DIR[@]}"; do
		[ "${PART_DIR[$i]}" != "$1" ] || { echo "$i"; return 0; }
	done
	die "no part $1 in patches/parts"
}

# part_is_linear I: whether part I needs exactly the parts before it, so
# that it is sent as the linear series holds it.
part_is_linear() {
	local i want=""
	for ((i = 0; i < $1; i++)); do want+="${want:+ }${PART_DIR[$i]}"; done
	[ "${PART_NEEDS[$1]}" = "$want" ]
}

# part_patches I: the patch files of part I in patches/, in order.
part_patches() {
	ls "$TOP/patches/${PART_DIR[$1]}"/[0-9][0-9][0-9][0-9]-*.patch 2>/dev/null |
		grep -v '/0000-cover-letter\.patch$' || true
}

# part_needed_patches I: the patch files of the parts part I needs, in
# the order they apply.
part_needed_patches() {
	local d
	for d in ${PART_NEEDS[$1]}; do part_patches "$(part_index "$d")"; done
}

# No automatic 'git gc' or maintenance in the background in repository
# $1: it would repack the kernel's history on two busy cores, and hold
# this run's locks after it ended.
no_auto_gc() {
	git -C "$1" config gc.auto 0
	git -C "$1" config maintenance.auto false
}

# parts_series: parts_load, and SERIES, every patch of patches/ in the
# order 'make tree' applies them; each part must hold as many patches as
# patches/parts says.
parts_series() {
	local i pp
	parts_load
	SERIES=()
	for i in "${!PART_DIR[@]}"; do
		mapfile -t pp < <(part_patches "$i")
		[ ${#pp[@]} = "${PART_COUNT[$i]}" ] ||
			die "patches/${PART_DIR[$i]} holds ${#pp[@]} patches, patches/parts says ${PART_COUNT[$i]}"
		SERIES+=("${pp[@]}")
	done
}
