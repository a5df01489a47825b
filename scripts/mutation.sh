#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Do the tests catch a broken kernel? For each mutant below, build the
# series with one change to the Rust machine-check exit or its tests,
# boot it on powernv10 with the machine-check selftest, and require that
# the boot fails naming the test cases that must catch it. Results go to
# out/results/mutation.res.
. "$(dirname "$0")/lib.sh"

res() { in_chroot python3 "$TOP/scripts/report.py" add mutation "$@"; }
rm -f "$OUT/results/mutation.res"

mce=arch/powerpc/kvm/book3s_hv_mce.rs
view=rust/kernel/kvm/book3s_hv.rs
sel="selftest: machine_check_test"
# NAME@FILE@PERL SUBSTITUTION (-0 mode)@FAILURES THE BOOT MUST NAME (regexes, comma-separated)
mutants=(
	"a wrong KUnit expectation@$mce@s/\(u64::MAX, 0, 0x083c_0000\),/(u64::MAX, 0, 0x083c_0001),/ or die@kunit: kvm_hv_mce_exit.no_fwnmi_queues_with_srr1_bits"
	"the exit swaps the disposition@$mce@s/=> NmiDisposition::FullyRecovered,/=> NmiDisposition::Swapped,/ or die; s/(\{\s*)NmiDisposition::NotRecovered(\s*\})/\$1NmiDisposition::FullyRecovered\$2/ or die; s/NmiDisposition::Swapped/NmiDisposition::NotRecovered/ or die@$sel: fwnmi_load,$sel: fwnmi_store,$sel: storm"
	"the exit skips the report@$mce@s/Some\(evt\) => evt.print\(false, true\),/Some(_) => (),/ or die@$sel: fwnmi_load,$sel: fwnmi_store"
	# Last: it changes the kernel crate, which the next build would rebuild.
	"the exit keeps stale disposition bits@$view@s/\(flags & !Self::MASK\) \| self.to_raw\(\)/flags | self.to_raw()/ or die@kunit: kvm_hv_mce_exit.nmi_flags_replace_only_the_disposition"
)

scratch_tree "$(git -C "$LINUX" rev-parse HEAD)"
# Leave the scratch tree unmodified whatever happens.
trap 'git -C "$SCRATCH" checkout -q -f -- "$mce" "$view" 2>/dev/null || true' EXIT

for m in "${mutants[@]}"; do
	IFS='@' read -r name file subst expect <<<"$m"
	git -C "$SCRATCH" checkout -q -f -- "$mce" "$view"
	# Every substitution must match ("or die"), or this is not the mutant named.
	if ! in_chroot env SUBST="$subst" perl -0pi -e 'eval "$ENV{SUBST}"; die $@ if $@' \
		"$SCRATCH/$file"; then
		res "$name: caught" FAIL "a substitution did not match $file; update scripts/mutation.sh"
		continue
	fi

	log "mutation: $name"
	# CLIPPY=1 as perpatch.sh builds, so that only the mutated file is rebuilt.
	if ! BUILD_SRC=$SCRATCH BUILD_MAKE_ARGS=CLIPPY=1 "$TOP/scripts/build.sh" scratch \
		powernv-host.config rust-mce.config; then
		res "$name: caught" FAIL "the mutant did not build; see $LOGS/build-scratch.log"
		continue
	fi
	SELFTESTS=machine_check_test "$TOP/scripts/initramfs.sh" scratch
	if out=$(BOOT_TAG=mutant "$TOP/scripts/boot.sh" scratch powernv10 2>&1); then
		res "$name: caught" FAIL "the boot passed: $(tail -n 1 <<<"$out")"
	elif missing=$(tr ',' '\n' <<<"$expect" | while read -r e; do
		grep -qE "FAIL: .*$e" <<<"$out" || echo "$e"; done) && [ -z "$missing" ]; then
		res "$name: caught" PASS "failed: $(grep -oE "FAIL: [^(]*" <<<"$out" | head -n 4 | tr '\n' ';')"
	else
		res "$name: caught" FAIL "the boot failed but not naming: $missing; $(grep -m 3 "FAIL" <<<"$out" | tr '\n' ';')"
	fi
	cp "$LOGS/boot-mutant.log" "$LOGS/boot-mutant-${name// /-}.log" 2>/dev/null || true
	# The mutant's own results are not the series' results.
	rm -f "$OUT/results/boot-mutant.res"
done
