#!/bin/bash
# bench_image.sh — not a test: time and peak memory of `tarsier inspect --json` on a ~1 GiB
# docker-save archive with ≥ 100 k files, against GNU `tar -tvf` of the archive plus `tar -tv` of
# every layer, measured in the same run. Prints both, and the ratios.
#
# usage: scripts/bench_image.sh [SIZE_MB=1024] [WORKDIR=/tmp/tarsier-bench]
# The archive is built once by ../shared/fixtures/scripts/gen_big_image.sh and reused; never commit it.
set -euo pipefail
SIZE_MB=${1:-1024}
WORK=${2:-/tmp/tarsier-bench}
. "$(dirname "$0")/bench_common.sh"
bench_setup "$SIZE_MB" "$WORK"
# Warm the page cache for both contenders alike.
cat "$BIG" > /dev/null

# Reference: tar -tvf of the outer archive, plus tar -tv of every layer streamed out of it.
ref_script="$HERE/scripts/tar_reference.sh"

read -r T_TIME T_RSS < <(measure "$TARSIER" inspect --json "$BIG")
read -r R_TIME R_RSS < <(measure "$ref_script" "$BIG")
FILES=$("$TARSIER" inspect "$BIG" | grep -oE '[0-9]+ files indexed' | grep -oE '^[0-9]+')

echo
echo "archive bytes:            $BYTES"
echo "layer entries indexed:    $FILES"
printf "tarsier inspect --json:   %8.2f s  peak RSS %8d KiB\n" "$T_TIME" "$T_RSS"
printf "tar -tv archive+layers:   %8.2f s  peak RSS %8d KiB\n" "$R_TIME" "$R_RSS"
awk -v a="$T_TIME" -v b="$R_TIME" -v c="$T_RSS" -v d="$R_RSS" 'BEGIN {
  printf "time ratio (tarsier / tar): %.3f\n", (b > 0 ? a / b : 0)
  printf "peak RSS ratio (tarsier / tar): %.2f\n", (d > 0 ? c / d : 0) }'
