#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Re-pin config/toolchain.pins (or the file given as $1) to the versions
# the mirror in config/suite.env serves now: for every pinned package,
# the newest version the mirror's index lists. Comments and order are
# kept; the changes are printed. Run it when toolchain.sh reports that a
# pinned version is gone, then commit the new pins.
# It asks apt in a chroot of the cache (any toolchain chroot, or a
# debootstrap made for the purpose), so it needs the mirror, not the
# pinned packages.
. "$(dirname "$0")/lib.sh"
. "$TOP/config/suite.env"
wb_enter repin

need_root "re-pinning"
pins=$TOP/config/toolchain.pins
dest=${1:-$pins}

# A ready chroot, held (a shared lock) so that no run deletes it meanwhile.
root=""
for d in "$CACHE"/chroots/*/; do
	d=${d%/}
	case $d in *.dead-* | *.new) continue ;; esac
	[ -f "$d/.wb-ready" ] && [ -x "$d/usr/bin/apt-get" ] || continue
	exec 5>>"$d.lock"
	flock -s 5
	[ -f "$d/.wb-ready" ] && { root=$d; break; }
	exec 5>&-
done
if [ -z "$root" ]; then
	need_host_tool debootstrap
	keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	[ -f "$keyring" ] || die "no Debian archive keyring at $keyring; install debian-archive-keyring"
	# One provisioning at a time on this machine.
	exec 7>>"$CACHE/setup.lock"
	flock 7
	root=$CACHE/chroots/repin
	exec 5>>"$root.lock"
	flock -s 5
	rm -rf "$root"
	log "repin: no chroot in $CACHE; debootstrap $SUITE into $root (log: $CACHE/repin-debootstrap.log)"
	printf 'connect_timeout = 30\nread_timeout = 60\ntries = 3\n' >"$CACHE/repin-wgetrc"
	WGETRC=$CACHE/repin-wgetrc run debootstrap --variant=minbase --keyring="$keyring" --force-check-gpg \
		"$SUITE" "$root" "$MIRROR" >"$CACHE/repin-debootstrap.log" 2>&1 ||
		die "debootstrap failed; see $CACHE/repin-debootstrap.log"
	exec 7>&-
fi
# A private apt state, so that the chroot's own lists stay as they are.
work=$(mktemp -d "$CACHE/repin-XXXXXX")
at_exit 'rm -rf "$work"'
mkdir -p "$work/lists/partial" "$work/archives/partial"
cat >"$work/sources.list" <<SRC
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY_MIRROR $SUITE-security main
SRC
apt_in() {
	unshare --mount --propagation private /bin/sh -eu -c '
		mkdir -p "$2/var/tmp/wb-repin"
		mount --bind "$1" "$2/var/tmp/wb-repin"
		shift 2
		exec chroot "$@"
	' apt_in "$work" "$root" "$root" "$@" \
		-o Dir::Etc::SourceList=/var/tmp/wb-repin/sources.list \
		-o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists=/var/tmp/wb-repin/lists \
		-o Dir::Cache::Archives=/var/tmp/wb-repin/archives \
		-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= \
		-o Acquire::http::Timeout=60 -o Acquire::Retries=3 \
		-o Acquire::Check-Valid-Until="$valid_until"
}
# A snapshot archive serves Release files whose Valid-Until has passed.
valid_until=true
case $MIRROR in *snapshot.debian.org*) valid_until=false ;; esac
log "repin: reading the index of $MIRROR ($SUITE)"
run apt_in apt-get -q update >"$work/update.log" 2>&1 || {
	cp "$work/update.log" "$CACHE/repin-update.log"
	die "apt-get update failed; see $CACHE/repin-update.log"
}

tmp=$work/pins
changed=0
while IFS= read -r line; do
	case $line in
	"" | "#"*) echo "$line" >>"$tmp"; continue ;;
	esac
	name=${line%%=*} old=${line#*=}
	new=$(apt_in apt-cache madison "$name" 2>/dev/null | awk -F'|' 'NR == 1 { gsub(/ /, "", $2); print $2 }')
	[ -n "$new" ] || die "the mirror serves no package '$name'; edit $pins by hand"
	if [ "$new" != "$old" ]; then
		echo "repin: $name $old -> $new" >&2
		changed=$((changed + 1))
	fi
	echo "$name=$new" >>"$tmp"
done <"$pins"
mv "$tmp" "$dest"
log "repin: $changed pin(s) changed; wrote $dest"
