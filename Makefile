# SPDX-License-Identifier: GPL-2.0
# Workbench for the KVM PPC Book3S HV Rust machine-check series.
# 'make run' is the main job, 'make check' runs every test; see README.md.

S := scripts
MACHINES := powernv10 powernv9

.PHONY: all run check toolchain base tree build selftests initramfs boot export \
	series-check rustcheck perpatch clean distclean help

all: help

help:
	@echo "make run           build the patched kernel and boot it on emulated POWER10 and POWER9"
	@echo "make check         run every test; ends with 'N passed, N failed'"
	@echo "make toolchain     provision the pinned Debian trixie chroot"
	@echo "make base          fetch and verify the Linux 7.3.4 base"
	@echo "make tree          assemble linux/ = base + patches/"
	@echo "make build         build the host kernel into out/build-host"
	@echo "make selftests     build the KVM selftests (ppc64le, static) into out/build-selftests"
	@echo "make initramfs     pack out/initramfs-host.cpio.gz"
	@echo "make boot M=...    boot on one machine (powernv10, powernv9)"
	@echo "make export        write linux/'s commits back into patches/"
	@echo "make series-check  git am + checkpatch --strict on patches/"
	@echo "make rustcheck     rustfmtcheck, CLIPPY=1 and rustdoc on the host build"
	@echo "make perpatch      build every patch of the series on its own"

toolchain:
	$(S)/toolchain.sh

base: toolchain
	$(S)/base.sh

tree: base
	$(S)/tree.sh

build: tree
	$(S)/build.sh host powernv-host.config rust-mce.config

selftests: tree
	$(S)/selftests.sh

initramfs: build selftests
	$(S)/initramfs.sh host

boot: initramfs
	$(S)/boot.sh host $(or $(M),powernv10)

run: initramfs
	@set -e; for m in $(MACHINES); do $(S)/boot.sh host $$m; \
		echo "--- $$m: a guest machine check, as the host and the VMM saw it:"; \
		awk '/^wbinit: running \/tests\/machine_check_test/ { on = 1 } \
			on && !mce && /^MCE: CPU[0-9]+: machine check .* Guest / { print; mce = 1 } \
			on && !nmi && /KVM_EXIT_NMI/ { print; nmi = 1 } \
			END { exit !(mce && nmi) }' out/logs/boot-host-$$m.log || \
		{ echo "no guest machine check in out/logs/boot-host-$$m.log" >&2; exit 1; }; done

check:
	$(S)/check.sh

export:
	$(S)/export.sh

series-check: base
	rm -rf out/results
	$(S)/series-check.sh; $(S)/in-chroot.sh python3 $(S)/report.py summary

rustcheck: build
	rm -rf out/results
	$(S)/rustcheck.sh host; $(S)/in-chroot.sh python3 $(S)/report.py summary

perpatch: tree
	rm -rf out/results
	$(S)/perpatch.sh; $(S)/in-chroot.sh python3 $(S)/report.py summary

clean:
	rm -rf out

distclean: clean
	@echo "linux/ and the cache (\$${KVMPPC_CACHE:-/var/cache/kvmppc-mce}) are kept; remove them by hand"
