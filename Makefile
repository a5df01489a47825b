# SPDX-License-Identifier: GPL-2.0
# Workbench for the KVM PPC Book3S HV Rust machine-check series.
# 'make run' is the main job, 'make check' runs the tests; see README.md.

S := scripts

# One workbench command at a time per clone (scripts/lib.sh holds a lock):
# 'make build boot' with MAKEFLAGS=-jN must not run its steps at once.
.NOTPARALLEL:

.PHONY: all help run check check-full loop toolchain repin base tree build \
	selftests initramfs boot export series-check docs send-dry-run rustcheck perpatch mutants \
	kunit-pseries bench clean distclean

all: help

help:
	@echo "make run           build the patched kernel, boot it on emulated POWER10 and POWER8"
	@echo "make check         the default test tier (CI); ends with 'N passed, N failed'"
	@echo "make check-full    every test: adds GCC, x86-64, kunit.py on pseries, the per-patch builds"
	@echo "make loop [M=...]  the inner loop: build linux/ as it is, boot it with machine_check_test"
	@echo "make bench         the Rust exit against the C exit (out/bench/)"
	@echo "make toolchain     provision the pinned Debian trixie chroot"
	@echo "make repin         re-pin config/toolchain.pins to what the mirror serves"
	@echo "make base          fetch and verify the Linux 7.3.4 base"
	@echo "make tree          assemble linux/ = base + patches/"
	@echo "make build         build the host kernel (linux/ as it is) into out/build-host"
	@echo "make selftests     build the KVM selftests (ppc64le, static) into out/build-selftests"
	@echo "make initramfs     pack out/initramfs-host.cpio.gz"
	@echo "make boot M=...    boot on one machine (powernv10, powernv8, powernv9)"
	@echo "make export        write linux/'s commits back into patches/"
	@echo "make series-check  git am + checkpatch --strict on patches/, each part on its own"
	@echo "make docs          make htmldocs of the documentation the series touches, in a chroot"
	@echo "make send-dry-run  b4 prepares every part's mails into out/send/ and they are read back"
	@echo "make rustcheck     rustfmtcheck and rustdoc on the host build"
	@echo "make perpatch      build every patch of the series on its own"
	@echo "make mutants       broken kernels must fail by name"
	@echo "make kunit-pseries kunit.py --arch=powerpcle with arch/powerpc/kvm/.kunitconfig"
	@echo "FORCE=1 reruns what the result cache holds; JOBS=N sets make -j"

toolchain:
	$(S)/toolchain.sh

repin:
	$(S)/repin.sh

base: toolchain
	$(S)/base.sh

tree: base
	$(S)/tree.sh

build: tree
	$(S)/build.sh host

selftests: tree
	$(S)/kselftests.sh

initramfs: build selftests
	$(S)/initramfs.sh host

boot: initramfs
	$(S)/boot.sh host $(or $(M),powernv10)

run:
	$(S)/run.sh

loop:
	$(S)/loop.sh

check:
	TIER=default $(S)/check.sh

check-full:
	TIER=full $(S)/check.sh

bench:
	$(S)/bench.sh

export:
	$(S)/export.sh

series-check: tree
	$(S)/step.sh series $(S)/series-check.sh

docs: tree
	$(S)/step.sh docs $(S)/docs.sh

send-dry-run: tree
	$(S)/step.sh send $(S)/send-dry-run.sh

rustcheck: build
	$(S)/step.sh rust $(S)/rustcheck.sh host

perpatch: tree
	$(S)/step.sh perpatch $(S)/perpatch.sh

mutants: build selftests
	$(S)/step.sh mutation $(S)/mutation.sh

kunit-pseries: tree
	$(S)/step.sh kunit-pseries $(S)/kunit-pseries.sh

clean:
	rm -rf out

distclean: clean
	@echo "linux/ and the cache (\$${KVMPPC_CACHE:-/var/cache/kvmppc-mce}) are kept; remove them by hand"
