#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# replay.sh REPO ONTO COMMIT...: cherry-pick COMMITs onto ONTO in REPO
# without a work tree (git merge-tree), and print the new tip. The new
# commits keep author and message; the committer is the author, so that
# the same picks give the same commit ids. Fails, naming the commit,
# when one does not apply. Runs in the chroot: it needs git 2.40 or later.
set -euo pipefail
repo=$1 tip=$2
shift 2
for c in "$@"; do
	if ! out=$(git -C "$repo" merge-tree --write-tree --no-messages \
		--merge-base="$c^" "$tip" "$c"); then
		echo "replay: $(git -C "$repo" log -1 --format='%h ("%s")' "$c") does not apply" >&2
		exit 1
	fi
	tree=$(head -n 1 <<<"$out")
	GIT_AUTHOR_NAME=$(git -C "$repo" log -1 --format=%an "$c")
	GIT_AUTHOR_EMAIL=$(git -C "$repo" log -1 --format=%ae "$c")
	GIT_AUTHOR_DATE=$(git -C "$repo" log -1 --format=%ad --date=raw "$c")
	export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_AUTHOR_DATE
	export GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL \
		GIT_COMMITTER_DATE=$GIT_AUTHOR_DATE
	tip=$(git -C "$repo" log -1 --format=%B "$c" |
		git -C "$repo" commit-tree "$tree" -p "$tip")
done
echo "$tip"
