#!/bin/bash
# bench_compare.sh — not a test: time and peak memory of `tarsier diff --json` (issue 14) on the
# ~1 GiB benchmark archive against the same image with one more layer (built here by
# `tarsier build --base`: a new 8 MiB file, a text file rewritten, and one of the 64 MiB blobs
# overwritten by other bytes of the same size — the case only a content hash tells apart),
# against GNU diff over the two merged trees, measured in the same run:
#   diff -r     `diff -rq` of the two merged trees already unpacked (a lower bound: no archive
#               reading; it reads every byte of both trees where Tarsier reads only what the
#               answer needs)
#   tar + diff  both trees unpacked from their archives by GNU tar (layers in manifest order,
#               whiteouts applied), then diff -rq: the same work the way a person would do it
#
# usage: scripts/bench_compare.sh [SIZE_MB=1024] [WORKDIR=/tmp/tarsier-bench]
set -euo pipefail
SIZE_MB=${1:-1024}
WORK=${2:-/tmp/tarsier-bench}
. "$(dirname "$0")/bench_common.sh"
bench_setup "$SIZE_MB" "$WORK"

# B: the same image, one layer more (its other layers reused byte for byte).
PLUS="$WORK/$(basename "$BIG" .tar)-plus.tar"
BLOB=$("$TARSIER" ls "$BIG" | awk '$1 ~ /^-/ && $3 == 67108864 { print $NF; exit }')
TEXT=$("$TARSIER" ls "$BIG" | awk '$1 ~ /^-/ && $3 > 0 && $3 < 4096 { print $NF; exit }')
if [ ! -s "$PLUS" ]; then
  echo "[bench] building $PLUS (one more layer: a new file, $TEXT rewritten, $BLOB overwritten)"
  head -c $((8 << 20)) /dev/urandom > "$WORK/extra.bin"
  head -c 67108864 /dev/urandom > "$WORK/same-size.bin"
  "$TARSIER" build --base "$BIG" -o "$PLUS" --add-file "opt/extra.bin=$WORK/extra.bin" \
    --add "$TEXT=rewritten by bench_compare.sh" --add-file "$BLOB=$WORK/same-size.bin" --created-by "bench_compare.sh: one more layer" >/dev/null
fi

unpack_merged() { # archive dest: layers in manifest order, whiteouts applied, as an image runs
  local archive=$1 dest=$2 layer
  rm -rf "$dest"; mkdir -p "$dest"
  for L in $(tar -xOf "$archive" manifest.json | python3 -c 'import json,sys; print("\n".join(json.load(sys.stdin)[0]["Layers"]))'); do
    layer="$dest.layer"; tar -xOf "$archive" "$L" > "$layer"
    while IFS= read -r p; do
      local dir base; dir=$(dirname "$p"); base=$(basename "$p")
      if [ "$base" = .wh..wh..opq ]; then find "$dest/$dir" -mindepth 1 -delete 2>/dev/null || true
      else rm -rf "${dest:?}/$dir/${base#.wh.}"; fi
    done < <(tar -tf "$layer" | sed 's|^\./||' | grep -E '(^|/)\.wh\.' || true)
    tar -x --no-same-owner --exclude='.wh.*' --exclude='*/.wh.*' -C "$dest" -f "$layer" 2>/dev/null || true
    rm -f "$layer"
  done
}
export -f unpack_merged
echo "[bench] unpacking both merged trees for diff -r (not timed; kept for the next run)"
for side in a b; do
  src=$BIG; [ $side = b ] && src=$PLUS
  if [ ! -e "$WORK/cmp-$side.done" ] || [ "$src" -nt "$WORK/cmp-$side.done" ]; then
    unpack_merged "$src" "$WORK/cmp-$side" && touch "$WORK/cmp-$side.done"
  fi
done
cat "$BIG" "$PLUS" > /dev/null   # warm the page cache for every contender alike

read -r T_TIME T_RSS < <(measure "$TARSIER" diff --json "$BIG" "$PLUS")
# --no-dereference: the image's dangling symlinks compared as links, as Tarsier compares them.
read -r D_TIME D_RSS < <(measure bash -c 'diff -rq --no-dereference "$0" "$1" > /dev/null; [ $? -le 1 ]' "$WORK/cmp-a" "$WORK/cmp-b")
read -r U_TIME U_RSS < <(measure bash -c 'unpack_merged "$0" "$2/t-a" && unpack_merged "$1" "$2/t-b" && { diff -rq --no-dereference "$2/t-a" "$2/t-b" > /dev/null; [ $? -le 1 ]; }' "$BIG" "$PLUS" "$WORK")
rm -rf "$WORK/t-a" "$WORK/t-b"
SUMMARY=$("$TARSIER" diff --json "$BIG" "$PLUS" | python3 -c 'import json,sys; r=json.load(sys.stdin); s=r["summary"]; print(s["added"], s["removed"], s["changed"], s["hashed_files"], s["hashed_bytes"])')
read -r ADDED REMOVED CHANGED HASHED HASHED_BYTES <<< "$SUMMARY"
DIFF_LINES=$(diff -rq --no-dereference "$WORK/cmp-a" "$WORK/cmp-b" | wc -l || true)
echo
echo "archive bytes:                 $(stat -c %s "$BIG") and $(stat -c %s "$PLUS")"
echo "tarsier: $ADDED added, $REMOVED removed, $CHANGED changed; $HASHED bodies hashed ($HASHED_BYTES bytes)"
echo "diff -rq lines:                $DIFF_LINES"
printf "tarsier diff --json:           %8.2f s  peak RSS %8d KiB\n" "$T_TIME" "$T_RSS"
printf "diff -rq (trees unpacked):     %8.2f s  peak RSS %8d KiB\n" "$D_TIME" "$D_RSS"
printf "tar -x both + diff -rq:        %8.2f s  peak RSS %8d KiB\n" "$U_TIME" "$U_RSS"
awk -v t="$T_TIME" -v d="$D_TIME" -v u="$U_TIME" 'BEGIN {
  printf "time ratio (tarsier / diff -r): %.3f\n", (d > 0 ? t / d : 0)
  printf "time ratio (tarsier / tar + diff -r): %.3f\n", (u > 0 ? t / u : 0) }'
