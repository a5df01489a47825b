#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Do the tests catch a broken kernel? Each mutants/*.patch is the host
# kernel with one change to the machine-check exit or its tests, and
# names in its "Must-fail:" lines the results that must fail, in an
# optional "Selftests:" line the KVM selftests its boot needs (default
# machine_check_test; "none" when KUnit catches it), and in an optional
# "Machines:" line the machines it boots on, when the change it makes
# shows on some hosts only. The patch
# is applied exactly (git apply: all of it, or the mutant fails to be
# made), the kernel built (out/build-mutant, derived from out/build-host,
# so that only the mutated files are compiled) and booted on each of
# MUTANT_MACHINES (default: powernv10, a radix host running the P9 path,
# and powernv8, a hash host running the vcore path); the mutant is
# caught when every boot fails and every named result is among each
# boot's failures.
#
# A mutant's verdict is cached under the series' tree, the patch, the
# toolchain and the scripts that build, boot and judge it; FORCE=1 runs
# every mutant. Results go to out/results/mutation.res.
. "$(dirname "$0")/lib.sh"
wb_enter mutation
machines=${MUTANT_MACHINES:-powernv10 powernv8}

stage_begin mutation "$LOGS/step-mutation.log"
head=$(git -C "$LINUX" rev-parse HEAD)
[ "$(cat "$OUT/build-host/.wb-source" 2>/dev/null)" = "$head" ] ||
	die "the mutants are the host kernel with one change: they need out/build-host built from linux/'s HEAD, committed; run 'make build' first"
# machine_check_test of this tree (an incremental build).
run "$TOP/scripts/kselftests.sh" >"$LOGS/mutation-selftests.log" 2>&1 ||
	die "building the KVM selftests failed; see $LOGS/mutation-selftests.log"
matrix_row host
tool=$(toolid)
recipe=$(hash_files "$TOP"/scripts/{lib,build,boot,initramfs,kselftests,mutation}.sh "$TOP/scripts/report.py" \
	"$TOP/initramfs/init.c" "$TOP"/config/{matrix.tsv,selftests.txt,kunit-suites.txt} \
	"${M_FRAG_FILES[@]}")
tree=$(git -C "$LINUX" rev-parse "HEAD^{tree}")
src=$OUT/src-mutant
derived=0

shopt -s nullglob
mutants=("$TOP"/mutants/*.patch)
[ ${#mutants[@]} -gt 0 ] || die "no mutants in $TOP/mutants"
for m in "${mutants[@]}"; do
	id=$(basename "$m" .patch)
	name=$(sed -n 's/^Mutant: //p' "$m" | head -n 1)
	mapfile -t musts < <(sed -n 's/^Must-fail: //p' "$m")
	tests=$(sed -n 's/^Selftests: //p' "$m" | head -n 1)
	mmachines=$(sed -n 's/^Machines: //p' "$m" | head -n 1)
	mmachines=${mmachines:-$machines}
	bad=""
	for mach in $mmachines; do known_machine "$mach" || bad+=" $mach"; done
	if [ -z "${mmachines// /}" ] || [ -n "$bad" ]; then
		res "$id: caught: $name" FAIL "no machines to boot it on, or unknown ones ('$mmachines'): MUTANT_MACHINES or its Machines: line"
		continue
	fi
	[ -n "$name" ] && [ ${#musts[@]} -gt 0 ] ||
		{ res "$id: caught" FAIL "$m names no 'Mutant:' or no 'Must-fail:'"; continue; }
	key=$(hash_of "$tool" "$recipe" "$tree" "$(sha256_of "$m")" \
		"${BOOT_TIMEOUT:-}" "${BOOT_SMP:-}" "${BOOT_APPEND:-}" "${BOOT_QEMU_EXTRA:-}" "${BOOT_ACCEL:-}" \
		"$mmachines")
	if cache_get mutation "$key"; then
		log "mutation: $id cached: $name"
		continue
	fi
	mark=$(stage_line_count)
	if [ $derived = 0 ]; then
		log "mutation: deriving out/build-mutant from out/build-host"
		derive_build mutant host
		derived=1
	fi
	# Undo the previous mutant; the restored files are rebuilt.
	git -C "$src" checkout -q -f -- .
	git -C "$src" clean -q -fd
	if ! git -C "$src" apply --check "$m" >"$LOGS/mutant-$id.log" 2>&1 ||
		! git -C "$src" apply "$m" >>"$LOGS/mutant-$id.log" 2>&1; then
		res "$id: caught: $name" FAIL "mutants/$id.patch does not apply exactly to the series; update it (see $LOGS/mutant-$id.log)"
		continue
	fi

	log "mutation: $id: $name (log: $LOGS/mutant-$id.log)"
	if ! BUILD_SRC=$src BUILD_OBJ=mutant run "$TOP/scripts/build.sh" host >>"$LOGS/mutant-$id.log" 2>&1; then
		cp "$LOGS/build-mutant.log" "$LOGS/build-mutant-$id.log"
		res "$id: caught: $name" FAIL "the mutant did not build; see $LOGS/build-mutant-$id.log"
		continue
	fi
	if ! SELFTESTS=${tests:-machine_check_test} run "$TOP/scripts/initramfs.sh" mutant \
		>>"$LOGS/mutant-$id.log" 2>&1; then
		res "$id: caught: $name" FAIL "no initramfs for the mutant; see $LOGS/mutant-$id.log"
		continue
	fi
	for mach in $mmachines; do
		mres=$OUT/mutant-results/$id-$mach
		rm -rf "$mres"
		if RESULTS_DIR=$mres BOOT_TAG=mutant-$id-$mach run "$TOP/scripts/boot.sh" mutant "$mach" \
			>>"$LOGS/mutant-$id.log" 2>&1; then
			res "$id: caught on $mach: $name" FAIL "the boot passed; see $LOGS/boot-mutant-$id-$mach.log"
			continue
		fi
		shopt -u nullglob
		# A boot that crashed or hung fails tests it never ran: that is
		# not the failure the mutant names.
		if ! awk -F'\t' '$1 == "PASS" && $2 ~ /: \/init ran to the end$/ { ok = 1 } END { exit !ok }' \
			"$mres"/*.res 2>/dev/null; then
			res "$id: caught on $mach: $name" FAIL "the boot did not run to the end (a crash or a hang, not the named failures); see $LOGS/boot-mutant-$id-$mach.log"
			shopt -s nullglob
			continue
		fi
		failed=$(awk -F'\t' '$1 == "FAIL" && $3 !~ /did not run|did not finish|killed after|unexpected skip/ { sub(/^[^:]*: /, "", $2); print $2 }' "$mres"/*.res 2>/dev/null)
		seen=$(awk -F'\t' '{ sub(/^[^:]*: /, "", $2); print $2 }' "$mres"/*.res 2>/dev/null)
		shopt -s nullglob
		# A name that is no result of the boot (a case renamed, a typo)
		# is not caught: it is reported as such.
		missing=()
		unknown=()
		for want in "${musts[@]}"; do
			if ! grep -qxF -- "$want" <<<"$seen"; then
				unknown+=("$want")
			elif ! grep -qxF -- "$want" <<<"$failed"; then
				missing+=("$want")
			fi
		done
		if [ ${#unknown[@]} -ne 0 ]; then
			res "$id: caught on $mach: $name" FAIL "Must-fail names no result of the boot: $(printf '%s; ' "${unknown[@]}")see $mres"
		elif [ ${#missing[@]} -eq 0 ]; then
			res "$id: caught on $mach: $name" PASS "failed: $(printf '%s; ' "${musts[@]}")"
		else
			res "$id: caught on $mach: $name" FAIL "the boot failed, but not: $(printf '%s; ' "${missing[@]}")failed were: $(head -n 4 <<<"$failed" | tr '\n' ';'); see $LOGS/boot-mutant-$id-$mach.log"
		fi
	done
	stage_failed_since "$mark" || cache_put mutation "$key" <(stage_lines_since "$mark")
done
[ $derived = 0 ] || { git -C "$src" checkout -q -f -- . && git -C "$src" clean -q -fd; }
