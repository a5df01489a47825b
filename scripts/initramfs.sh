#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the test initramfs for a kernel built by build.sh:
#   initramfs.sh NAME   -> out/initramfs-NAME.cpio.gz
# It holds the static /init (initramfs/init.c), the KVM modules and the
# KVM selftests listed in config/selftests.txt with /tests/list, the
# order and arguments /init runs them with; packed with the kernel's own
# usr/gen_init_cpio.
. "$(dirname "$0")/lib.sh"
wb_enter initramfs

name=${1:?usage: initramfs.sh NAME}
# The selftests: SELFTESTS (names, or "all"), else the matrix row's.
if [ -z "${SELFTESTS+set}" ] && grep -q "^${name}[[:space:]]" "$TOP/config/matrix.tsv"; then
	matrix_row "$name"
	SELFTESTS=$M_SELFTESTS
fi
# "none": KUnit and /init's own checks only.
none=0
[ "${SELFTESTS:-}" != none ] || { none=1; SELFTESTS=""; }
[ "${SELFTESTS:-all}" != all ] || SELFTESTS=""
obj=$OUT/build-$name
[ -f "$obj/vmlinux" ] || die "no kernel at $obj/vmlinux; run 'make build' first"
dir=$OUT/initramfs-$name
img=$OUT/initramfs-$name.cpio.gz
rm -rf "$dir"
mkdir -p "$dir"

in_chroot powerpc64le-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror \
	-o "$dir/init" "$TOP/initramfs/init.c" ||
	die "building initramfs/init.c failed"

list=$dir/cpio.list
{
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "dir /proc 0755 0 0"
	echo "dir /sys 0755 0 0"
	echo "dir /tmp 1777 0 0"
	echo "dir /modules 0755 0 0"
	echo "dir /tests 0755 0 0"
	echo "file /init $dir/init 0755 0 0"
} >"$list"

: >"$dir/modules.order"
# kvm and kvm-hv always; the powerpc machine check sample where the
# configuration builds it as a module (init loads each and reports it).
modules=(arch/powerpc/kvm/kvm.ko arch/powerpc/kvm/kvm-hv.ko)
grep -qx 'CONFIG_SAMPLE_RUST_POWERPC_MCE=m' "$obj/.config" &&
	modules+=(samples/rust/rust_powerpc_mce.ko)
for m in "${modules[@]}"; do
	[ -f "$obj/$m" ] || die "module $m was not built; check the config"
	echo "file /modules/${m##*/} $obj/$m 0644 0 0" >>"$list"
	echo "/modules/${m##*/}" >>"$dir/modules.order"
done
echo "file /modules.order $dir/modules.order 0644 0 0" >>"$list"

# The KVM selftests config/selftests.txt names, built by kselftests.sh;
# SELFTESTS="name ..." keeps only those.
# TESTS_LIST and TESTS_DIR give another list and build (the bench's).
tests=${TESTS_DIR:-$OUT/build-selftests/kselftest/kvm}
: >"$dir/tests.list"
# A line's leading NAME=VALUE words are the test's environment.
while read -r path args; do
	case $path in "" | "#"*) continue ;; esac
	env="" nenv=0 rname=""
	while [[ $path == *=* ]]; do
		case $path in
		WB_SETTLE_S=*)
			[[ $path =~ ^WB_SETTLE_S=[0-9]{1,2}$ ]] ||
				die "'$path': WB_SETTLE_S takes 0-99 seconds (${TESTS_LIST:-config/selftests.txt})" ;;
		*) nenv=$((nenv + 1)) rname+="${rname:+,}$path" ;;
		esac
		env+="$path "
		read -r path args <<<"$args"
	done
	[ -n "$path" ] || die "no test after '$env' in ${TESTS_LIST:-config/selftests.txt}"
	# /init takes 7 NAME=VALUE words a line, and names a run by them.
	[ $nenv -le 7 ] || die "more than 7 NAME=VALUE words before $path"
	rname="${path##*/}${rname:+[$rname]}"
	! grep -qxF -- "$rname" <<<"${runs:-}" || die "two lines run $rname; a run's name must be unique"
	runs+="$rname"$'\n'
	t=${path##*/}
	if [ -n "${SELFTESTS:-}" ] && ! grep -qw -- "$t" <<<"$SELFTESTS"; then
		continue
	fi
	[ $none = 0 ] || continue
	[ -x "$tests/$path" ] || die "no selftest $tests/$path; run 'make selftests' first"
	if grep -qF "file /tests/$t " "$list"; then
		grep -qxF "file /tests/$t $tests/$path 0755 0 0" "$list" ||
			die "two selftests named $t (one is $path): /tests/ holds one a name"
	else
		echo "file /tests/$t $tests/$path 0755 0 0" >>"$list"
	fi
	echo "$env$t${args:+ $args}" >>"$dir/tests.list"
done <"${TESTS_LIST:-$TOP/config/selftests.txt}"
for t in ${SELFTESTS:-}; do
	grep -qw -- "$t" "$dir/tests.list" || die "SELFTESTS: no selftest '$t' in config/selftests.txt"
done
[ -s "$dir/tests.list" ] || [ $none = 1 ] || die "no selftests to run; see config/selftests.txt"
echo "file /tests/list $dir/tests.list 0644 0 0" >>"$list"

in_chroot "$obj/usr/gen_init_cpio" -o "$dir/initramfs.cpio" "$list" ||
	die "gen_init_cpio failed for $list"
gzip -n -6 -c "$dir/initramfs.cpio" >"$img.tmp" || die "gzip of $dir/initramfs.cpio failed"
mv "$img.tmp" "$img"
log "initramfs[$name]: $img ($(du -k "$img" | cut -f1) KiB)"
