# bench_common.sh — sourced by the native benchmarks (bench_image.sh, bench_scan.sh): the release
# CLI built, the benchmark archive generated once and reused, GNU time, and `measure`.
#
#   bench_setup SIZE_MB WORK   sets HERE, TARSIER (the release CLI), BIG (the archive) and BYTES
#   measure CMD...             prints "seconds peak_kib" of CMD (its output dropped)
# shellcheck shell=bash

bench_setup() {
  local size_mb=$1 work=$2
  HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  local gen="$HERE/../shared/fixtures/scripts/gen_big_image.sh"
  BIG="$work/big-${size_mb}m.tar"
  [ "$size_mb" = 1024 ] && BIG="$work/big-1g.tar"
  mkdir -p "$work"
  if [ ! -x /usr/bin/time ]; then
    echo "[bench] installing GNU time"; (apt-get install -y time >/dev/null 2>&1 || sudo apt-get install -y time >/dev/null)
  fi
  export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HERE/target-image}
  echo "[bench] building the release CLI"
  (cd "$HERE" && cargo build --release --bin tarsier >/dev/null 2>&1)
  TARSIER="$CARGO_TARGET_DIR/release/tarsier"
  if [ ! -s "$BIG" ]; then
    echo "[bench] generating $BIG (a few minutes)"
    "$gen" "$size_mb" "$BIG"
  fi
  BYTES=$(stat -c %s "$BIG")
  echo "[bench] archive: $BIG ($BYTES bytes)"
}

measure() {
  local out; out=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$out" "$@" > /dev/null || true
  # The last line: GNU time puts "Command exited with non-zero status N" above it.
  tail -n 1 "$out"; rm -f "$out"
}
