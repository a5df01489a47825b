#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Print the results in out/results (or RESULTS_DIR): every one that did
# not pass, what was taken from the result cache, and the closing
# "N passed, N failed[, N skipped]". Non-zero when anything failed.
. "$(dirname "$0")/lib.sh"
summary
