#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# b4-part.sh REPO BRANCH PREREQ PREFIX DEPS OUTDIR: in the docs chroot,
# with b4: enroll BRANCH of REPO (its cover letter is the branch
# description) with PREREQ as its base, set the subject prefix, the
# prerequisites from the file DEPS ('patch-id: ID' and 'base-commit: ID'
# lines), To and Cc from scripts/get_maintainer.pl, and write the mails
# into OUTDIR without sending anything (b4 send -o). HOME is set by the
# caller to a directory of the clone, so that b4 keeps no state in the
# chroot.
set -euo pipefail
repo=$1 branch=$2 prereq=$3 prefix=$4 deps=$5 outdir=$6
cd "$repo"
git checkout -q "$branch"
b4 prep -e "$prereq"
[ "$prefix" != RFC ] || b4 prep --set-prefixes RFC
# b4 asks an editor for the prerequisites: the editor copies them in.
EDITOR="cp $deps" b4 prep --edit-deps
b4 prep --auto-to-cc
rm -rf "$outdir"
b4 send --no-sign -o "$outdir"
