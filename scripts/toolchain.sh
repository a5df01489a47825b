#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Provision the pinned Debian toolchain chroot $CACHE/chroots/STAMP, the
# stamp being a hash of config/toolchain.pins, config/suite.env and this
# script. A chroot is made once per stamp and never changed; a run keeps
# the one it started with (a shared lock, see wb_enter), and chroots of
# other stamps are deleted here once no run holds them.
#
# debootstrap checks the suite's Release file against the host's Debian
# archive keyring (it stops if it cannot), and apt in the chroot checks
# every package it downloads from the mirror against it. The kept
# packages (below) were checked so when downloaded; apt trusts their
# local repository, and each is checked to be a whole package first.
#
# Every .deb downloaded is kept in $CACHE/debs, which is also offered to
# apt as a local repository: a pinned version that the mirror no longer
# serves still installs from there. A pin that neither has fails, naming
# the package and the version, and 'make repin' re-pins to what the
# mirror serves. Downloads time out when the mirror stalls.
#
# --docs provisions the docs chroot $CACHE/chroots/docs-STAMP the same
# way, from config/docs.pins (Sphinx and b4; see lib.sh).
. "$(dirname "$0")/lib.sh"
wb_enter toolchain

need_root "the toolchain"
pins=$TOP/config/toolchain.pins
kind=""
if [ "${1:-}" = --docs ]; then
	shift
	pins=$TOP/config/docs.pins kind=docs- ROOT=$DOCSROOT TOOLSTAMP=$DOCSSTAMP
	# Held until this script ends: no other clone deletes it meanwhile.
	exec 5>>"$ROOT.lock"
	flock -s 5
fi
. "$TOP/config/suite.env"
debs=$CACHE/debs
mkdir -p "$CACHE/chroots" "$debs"

# check_pins PINS COMMAND...: every pin of PINS must be available to the
# apt that COMMAND runs (a chroot's), or this dies naming what is gone.
check_pins() {
	local file=$1 p name ver have missing=()
	shift
	while read -r p; do
		name=${p%%=*} ver=${p#*=}
		have=$("$@" apt-cache madison "$name" 2>/dev/null |
			awk -F'|' '{ gsub(/ /, "", $2); print $2 }')
		grep -qxF -- "$ver" <<<"$have" ||
			missing+=("$name $ver (available: $(head -n 1 <<<"$have" | sed 's/^$/none/'))")
	done < <(grep -v '^[[:space:]]*\(#\|$\)' "$file")
	[ ${#missing[@]} -eq 0 ] && return 0
	printf '  gone: %s\n' "${missing[@]}" >&2
	die "${#missing[@]} pinned package version(s) are neither on $MIRROR nor in $debs: ${missing[0]}${missing[1]:+, ...}; run 'make repin' to pin what the mirror serves now (or point config/suite.env at a snapshot mirror, see README.md)"
}

# --check-pins FILE: check FILE against the apt index of the current
# chroot (the workbench's own check of the message above).
if [ "${1:-}" = --check-pins ]; then
	check_pins "$2" in_chroot
	log "toolchain: every pin of $2 is available"
	exit 0
fi

# The packages a chroot holds, their versions: what cached results and
# object directory snapshots are keyed on (toolid in lib.sh).
packages_of() {
	chroot "$1" dpkg-query -W -f '${Package} ${Version} ${Architecture}\n' | LC_ALL=C sort
}
reuse() {
	[ -f "$ROOT/.wb-ready" ] || return 1
	if [ ! -s "$ROOT/.wb-packages" ]; then
		packages_of "$ROOT" >"$ROOT/.wb-packages.$$" ||
			die "cannot list the packages of $ROOT"
		mv -f "$ROOT/.wb-packages.$$" "$ROOT/.wb-packages"
	fi
	log "toolchain: reusing $ROOT"
	exit 0
}
reuse || true

# One provisioning at a time on this machine.
exec 7>>"$CACHE/setup.lock"
if ! flock -n 7; then
	log "toolchain: another run is provisioning; waiting for it"
	flock 7
fi
reuse || true

if ! command -v debootstrap >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
	log "toolchain: installing debootstrap on the host (apt-get)"
	{ apt-get -o Acquire::http::Timeout=30 -o Acquire::Retries=3 update -q &&
		DEBIAN_FRONTEND=noninteractive apt-get -o Acquire::http::Timeout=30 \
			install -y -q --no-install-recommends debootstrap debian-archive-keyring gpgv; } \
		>"$CACHE/debootstrap-install.log" 2>&1 ||
		die "could not install debootstrap on the host; see $CACHE/debootstrap-install.log"
fi
need_host_tool debootstrap
need_host_tool gpgv
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$keyring" ] ||
	die "no Debian archive keyring at $keyring to check the mirror with; install it (Debian: apt-get install debian-archive-keyring)"
need_host_tool wget
need_host_tool unshare util-linux
need_host_tool dpkg-deb dpkg
need_disk "$CACHE" 12

# wget (debootstrap) and apt give up on a mirror that does not answer or
# stalls, instead of waiting for ever.
wgetrc=$CACHE/wgetrc
printf 'connect_timeout = 30\nread_timeout = 60\ntries = 3\nwaitretry = 5\n' >"$wgetrc"
apt_opts=(-o Acquire::http::Timeout=60 -o Acquire::Retries=3 -q)
# A snapshot archive serves Release files whose Valid-Until has passed.
case $MIRROR in *snapshot.debian.org*) apt_opts+=(-o Acquire::Check-Valid-Until=false) ;; esac

new=$ROOT.new
rm -rf "$new"
log "toolchain: debootstrap $SUITE into $new (log: $CACHE/${kind}debootstrap.log)"
WGETRC=$wgetrc run debootstrap --variant=minbase --cache-dir="$debs" \
	--keyring="$keyring" --force-check-gpg \
	"$SUITE" "$new" "$MIRROR" >"$CACHE/${kind}debootstrap.log" 2>&1 ||
	die "debootstrap of $SUITE from $MIRROR failed (mirror unreachable?); see $CACHE/${kind}debootstrap.log"

# The kept .debs as a flat repository, indexed here with dpkg-deb (the
# chroot has no dpkg-dev). They were checked by debootstrap or apt when
# downloaded and are copied in whole (keep_debs); one that dpkg-deb cannot
# read is set aside in $debs/bad, named.
index_debs() {
	local d ctl
	: >"$debs/Packages.new"
	for d in "$debs"/*.deb; do
		[ -f "$d" ] || continue
		if ! ctl=$(dpkg-deb -f "$d" 2>/dev/null) || [ -z "$ctl" ] ||
			! dpkg-deb --fsys-tarfile "$d" >/dev/null 2>&1; then
			mkdir -p "$debs/bad"
			mv -f "$d" "$debs/bad/"
			log "toolchain: WARNING: $d is not a readable package; set aside in $debs/bad"
			continue
		fi
		{
			printf '%s\n' "$ctl"
			echo "Filename: ./${d##*/}"
			echo "Size: $(stat -c %s "$d")"
			echo "SHA256: $(sha256_of "$d")"
			echo
		} >>"$debs/Packages.new"
	done
	mv "$debs/Packages.new" "$debs/Packages"
}
log "toolchain: indexing $(ls "$debs"/*.deb 2>/dev/null | wc -l) kept packages in $debs"
index_debs
mkdir -p "$new/var/cache/wb-debs"
cat >"$new/etc/apt/sources.list" <<SRC
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY_MIRROR $SUITE-security main
deb [trusted=yes] file:/var/cache/wb-debs ./
SRC

# apt in the new chroot, with the kept packages bind-mounted in.
apt_chroot() {
	unshare --mount --propagation private /bin/sh -eu -c '
		mount --bind "$1" "$2/var/cache/wb-debs"
		shift 2
		exec chroot "$@"
	' apt_chroot "$debs" "$new" "$new" env DEBIAN_FRONTEND=noninteractive "$@"
}

mapfile -t pkgs < <(grep -v '^[[:space:]]*\(#\|$\)' "$pins")
log "toolchain: apt-get update (log: $CACHE/${kind}apt.log)"
run apt_chroot apt-get "${apt_opts[@]}" update >"$CACHE/${kind}apt.log" 2>&1 ||
	die "apt-get update in the chroot failed (mirror unreachable?); see $CACHE/${kind}apt.log"

# Every pin must be available, from the mirror or from the kept packages.
check_pins "$pins" apt_chroot

log "toolchain: installing ${#pkgs[@]} pinned packages"
if ! run apt_chroot apt-get "${apt_opts[@]}" install -y --no-install-recommends "${pkgs[@]}" \
	>>"$CACHE/${kind}apt.log" 2>&1; then
	grep -E '^E:' "$CACHE/${kind}apt.log" >&2 || true
	die "installing the pinned packages failed; see $CACHE/${kind}apt.log"
fi
# Keep what was downloaded, for a chroot made after the mirror moved on:
# each file copied whole, then renamed into place.
for d in "$new"/var/cache/apt/archives/*.deb; do
	[ -f "$d" ] && ! cmp -s "$d" "$debs/${d##*/}" || continue
	cp "$d" "$debs/.${d##*/}.tmp"
	mv -f "$debs/.${d##*/}.tmp" "$debs/${d##*/}"
done
rm -f "$debs"/.*.deb.tmp
apt_chroot apt-get clean
# The chroot's own apt sources without the local repository: the kept
# packages are not mounted when the chroot is used.
sed -i '/wb-debs/d' "$new/etc/apt/sources.list"

packages_of "$new" >"$new/.wb-packages"
echo "$TOOLSTAMP" >"$new/.wb-ready"
rm -rf "$ROOT"
mv -T "$new" "$ROOT"
log "toolchain: ready at $ROOT"

# The single chroot of workbench v1, which no run of this one uses.
for old in "$CACHE/chroot" "$CACHE/chroot.new"; do
	[ ! -d "$old" ] || { log "toolchain: removing $old (the workbench's earlier layout)"; rm -rf "$old"; }
done
# Chroots of other stamps that no run holds any more, but the two made
# last (so that clones on two pin sets do not make each other's anew).
# Only chroots of the same kind (toolchain or docs) count.
mapfile -t olds < <(ls -1dt "$CACHE"/chroots/*/ 2>/dev/null | sed 's|/$||' |
	grep -v '\.dead-[0-9]*$' | grep -vxF "$ROOT" |
	if [ -n "$kind" ]; then grep "/$kind"; else grep -v '/docs-'; fi | tail -n +3)
for old in "${olds[@]}"; do
	# Deleted while the lock is held: a run that wants it waits, then
	# finds it gone and provisions it anew.
	# Renamed first: a chroot half deleted is never taken for a ready one.
	( flock -n -x 6 && log "toolchain: removing the unused chroot $old" &&
		mv -T "$old" "$old.dead-$$" && rm -rf "$old.dead-$$" && rm -f "$old.lock" ) 6>>"$old.lock" || true
done
for old in "$CACHE"/chroots/*.dead-*; do
	[ ! -d "$old" ] || rm -rf "$old"
done
# Object directory snapshots of package sets no chroot here holds.
live=" "
for d in "$CACHE"/chroots/*/; do
	[ ! -s "$d.wb-packages" ] || live+="$(hash_files "$d.wb-packages") "
done
(
	flock -x 6
	for s in "$CACHE"/objdirs/*.*; do
		[ -d "$s" ] || continue
		# Copies being made or replaced: build.sh's own.
		case $s in *.tmp-* | *.old-*) continue ;; esac
		id=${s##*.}
		case $live in *" $id "*) continue ;; esac
		log "toolchain: removing the snapshot $s (no chroot with its packages)"
		rm -rf "$s"
	done
) 6>>"$CACHE/objdirs.lock"
