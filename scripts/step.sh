#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run one step of the workbench on its own, as 'make check' runs it, and
# print the summary of its results:
#   step.sh STAGE COMMAND...    e.g. step.sh perpatch scripts/perpatch.sh
# Its output is also kept in out/logs/step-STAGE.log. Exits non-zero when
# the step or any of its results failed.
. "$(dirname "$0")/lib.sh"
stage=${1:?usage: step.sh STAGE COMMAND...}
shift
wb_enter "$stage"
stage_begin "step-$stage"
rc=0
step "$stage" "$stage" "$@" || rc=$?
stage_end 0
summary "$stage" "step-$stage" || rc=1
exit $rc
