#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Provision the pinned Debian toolchain chroot in $CACHE/chroot.
# Reused while config/toolchain.pins and config/suite.env are unchanged,
# rebuilt from scratch when they change.
. "$(dirname "$0")/lib.sh"

need_root "the toolchain"
pins=$TOP/config/toolchain.pins
. "$TOP/config/suite.env"
want=$(cat "$pins" "$TOP/config/suite.env" | sha256sum | cut -d' ' -f1)
stamp=$ROOT/.wb-toolchain-stamp

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
	log "toolchain: reusing $ROOT"
	exit 0
fi

if ! command -v debootstrap >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
	log "toolchain: installing debootstrap on the host (apt-get)"
	{ apt-get update -q && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends debootstrap; } \
		>"${TMPDIR:-/tmp}/wb-debootstrap-install.log" 2>&1 ||
		die "could not install debootstrap on the host; see ${TMPDIR:-/tmp}/wb-debootstrap-install.log"
fi
need_host_tool debootstrap
need_host_tool unshare util-linux
mkdir -p "$CACHE"
need_disk "$CACHE" 12

new=$CACHE/chroot.new
rm -rf "$new"
log "toolchain: debootstrap $SUITE into $new"
debootstrap --variant=minbase "$SUITE" "$new" "$MIRROR" \
	>"$CACHE/debootstrap.log" 2>&1 ||
	die "debootstrap failed; see $CACHE/debootstrap.log"

cat >"$new/etc/apt/sources.list" <<SRC
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY_MIRROR $SUITE-security main
SRC

mapfile -t pkgs < <(grep -v '^[[:space:]]*\(#\|$\)' "$pins")
log "toolchain: installing ${#pkgs[@]} pinned packages"
chroot "$new" apt-get update -q >"$CACHE/apt.log" 2>&1 ||
	die "apt-get update in the chroot failed; see $CACHE/apt.log"
if ! chroot "$new" env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -q --no-install-recommends "${pkgs[@]}" \
	>>"$CACHE/apt.log" 2>&1; then
	grep -E '^E:' "$CACHE/apt.log" >&2 || true
	die "a pinned package could not be installed (version gone from the mirror?); see $CACHE/apt.log and update config/toolchain.pins"
fi
chroot "$new" apt-get clean

echo "$want" >"$new/.wb-toolchain-stamp"
rm -rf "$ROOT"
mv "$new" "$ROOT"
log "toolchain: ready at $ROOT"
