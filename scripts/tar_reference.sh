#!/bin/bash
# tar_reference.sh ARCHIVE — the benchmarks' reference (not a test): GNU tar listing a
# docker-save archive the way a person would without Tarsier: `tar -tvf` of the archive, then
# `tar -tv` of every layer member (`*.tar`, `*/layer.tar`; symlinked aliases skipped) streamed
# out of it with `tar -xOf`. Used by scripts/bench_image.sh and scripts/bench_browser.sh, which
# time it as one unit.
set -euo pipefail
BIG=$1
tar -tvf "$BIG" > /dev/null
for L in $(tar -tf "$BIG" | grep -E '(\.tar|/layer\.tar)$'); do
  if [ "$(tar -tvf "$BIG" "$L" | cut -c1)" = "l" ]; then continue; fi
  tar -xOf "$BIG" "$L" | tar -tv > /dev/null
done
