#!/bin/bash
# bench_scan.sh — not a test: time and peak memory of `tarsier scan --json` (issue 16's content
# scan: every regular file of every layer read and matched against the secret rules) on the
# ~1 GiB benchmark archive, against GNU grep over the same layers, measured in the same run:
#   grep -r     `grep -rIE PATTERN` over the layers already unpacked (a lower bound: no archive
#               reading, no decompression, one regular expression instead of 15 rules, binaries
#               skipped by -I as Tarsier skips them after reading)
#   tar + grep  each layer streamed out of the archive and unpacked by GNU tar, then grep -r — the
#               same work from the same archive, the way a person would do it without Tarsier
#
# usage: scripts/bench_scan.sh [SIZE_MB=1024] [WORKDIR=/tmp/tarsier-bench]
# The archive is built once by ../shared/fixtures/scripts/gen_big_image.sh and reused; never commit it.
set -euo pipefail
SIZE_MB=${1:-1024}
WORK=${2:-/tmp/tarsier-bench}
. "$(dirname "$0")/bench_common.sh"
bench_setup "$SIZE_MB" "$WORK"

# The rules' gist as one extended regular expression (AWS key ids, GitHub/GitLab/Slack/npm/PyPI
# tokens, private key blocks, JWTs, password assignments).
PATTERN='AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36}|glpat-[A-Za-z0-9_-]{20}|xox[abprs]-[A-Za-z0-9-]+|npm_[A-Za-z0-9]{36}|pypi-[A-Za-z0-9_-]{50,}|-----BEGIN [A-Z ]*PRIVATE KEY-----|eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.|(password|passwd|secret|token)[[:space:]]*[=:]'
UNPACKED="$WORK/scan-unpacked"
layers() { tar -tf "$BIG" | grep -E '(\.tar|/layer\.tar)$'; }
unpack() { # every layer member into $1/N, as GNU tar extracts it
  rm -rf "$1"; mkdir -p "$1"; local n=0
  for L in $(layers); do
    if [ "$(tar -tvf "$BIG" "$L" | cut -c1)" = "l" ]; then continue; fi
    mkdir -p "$1/$n"; tar -xOf "$BIG" "$L" | tar -x --no-same-owner -C "$1/$n" 2>/dev/null || true; n=$((n + 1))
  done
}
export -f layers unpack; export BIG PATTERN
echo "[bench] unpacking the layers for grep -r (not timed)"
unpack "$UNPACKED"
cat "$BIG" > /dev/null   # warm the page cache for every contender alike

read -r T_TIME T_RSS < <(measure "$TARSIER" scan --json "$BIG")
read -r G_TIME G_RSS < <(measure bash -c 'grep -rIE "$PATTERN" "$0" > /dev/null; [ $? -le 1 ]' "$UNPACKED")
read -r U_TIME U_RSS < <(measure bash -c 'unpack "$0" && grep -rIE "$PATTERN" "$0" > /dev/null; [ $? -le 1 ]' "$WORK/scan-unpacked-timed")
rm -rf "$WORK/scan-unpacked-timed"
SUMMARY=$("$TARSIER" scan --json "$BIG" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["files_scanned"], r["bytes_scanned"], r["files_skipped"], len(r["secrets"]))')
read -r FILES SCANNED SKIPPED SECRETS <<< "$SUMMARY"
echo
echo "archive bytes:                 $BYTES"
echo "files read by tarsier:         $FILES ($SCANNED bytes; $SKIPPED over the 1 MiB limit); $SECRETS secrets"
printf "tarsier scan --json:           %8.2f s  peak RSS %8d KiB\n" "$T_TIME" "$T_RSS"
printf "grep -rIE (layers unpacked):   %8.2f s  peak RSS %8d KiB\n" "$G_TIME" "$G_RSS"
printf "tar -x layers + grep -rIE:     %8.2f s  peak RSS %8d KiB\n" "$U_TIME" "$U_RSS"
awk -v t="$T_TIME" -v g="$G_TIME" -v u="$U_TIME" 'BEGIN {
  printf "time ratio (tarsier / grep -r): %.3f\n", (g > 0 ? t / g : 0)
  printf "time ratio (tarsier / tar + grep -r): %.3f\n", (u > 0 ? t / u : 0) }'
