#!/usr/bin/env bash
# bench_browser.sh — not a test: the browser benchmark. Serves the release build of the site on
# loopback, drops a generated ~1 GiB and a ~4 GiB `docker save` archive (≥ 100 k files each) on it
# in headless Chromium, and reports drop→overview and drop→index-complete times and the worker's
# peak wasm memory,
# against GNU tar listing the same archive plus all its layers, timed in the same run. The native
# CLI (`tarsier inspect`) is timed too, for context. Method and results: docs/benchmarks.md.
#
# usage: scripts/bench_browser.sh [--no-build] [--sizes "1g 4g"]
#   --no-build   reuse target/bench/dist and target/release/tarsier instead of rebuilding them
#   --sizes      which archives to run (default "1g 4g"; each is big-<size>.tar)
#   env: TARSIER_BENCH_DIR (default /tmp/tarsier-bench): where the archives are generated once by
#        ../shared/fixtures/scripts/gen_big_image.sh and reused (never put them in the repo).
#
# Every measurement runs twice back to back and the SECOND (warm page cache) run is reported: the
# page cache is not dropped between contenders, so all of them read a cached file alike.
# Measurements, per archive:
#   reference  `tar -tvf ARCHIVE` plus, for every layer member that is not a symlink,
#              `tar -xOf ARCHIVE MEMBER | tar -tv` (the approach of scripts/bench_image.sh), all
#              timed as one script with /usr/bin/time -f '%e %M'
#   native     `target/release/tarsier inspect ARCHIVE > /dev/null`, same timer
#   browser    `node scripts/bench_browser.mjs ARCHIVE --runs 2` (one JSON line, the warm run):
#              drop→overview and drop→index measured in the page, from just before the CDP drop to
#              the overview shown while the layers are indexed appearing, and to the full report's
#              archive card appearing; plus the worker's own data-elapsed-ms, its wasm memory
#              (data-wasm-memory, the peak since wasm memory never shrinks) and data-bytes-read
# Output: a table on stdout, and target/bench/browser.json.
#
# The release site is built into target/bench/dist (not dist/, which other builds rewrite) and
# served from there (TARSIER_DIST). Target (from the issue): browser ≤ 0.5 × reference time, wasm
# memory < 256 MiB and flat in archive size.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$HERE"
. scripts/env.sh

BUILD=1
SIZES="1g 4g"
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) BUILD=0; shift ;;
    --sizes) SIZES=$2; shift 2 ;;
    *) echo "bench_browser.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
WORK=${TARSIER_BENCH_DIR:-/tmp/tarsier-bench}
GEN="$HERE/../shared/fixtures/scripts/gen_big_image.sh"
OUT_DIR="$HERE/target/bench"
SITE="$OUT_DIR/dist"
TARSIER="$HERE/target/release/tarsier"
mkdir -p "$WORK" "$OUT_DIR"
say() { printf '[bench] %s\n' "$*" >&2; }

bash scripts/setup.sh --browser >&2
if [ ! -x /usr/bin/time ]; then
  say "installing GNU time"
  if [ "$(id -u)" -eq 0 ]; then apt-get install -y -qq time >/dev/null; else sudo apt-get install -y -qq time >/dev/null; fi
fi

if [ "$BUILD" = 1 ]; then
  say "building the release site into $SITE"
  trunk build --release --dist "$SITE" >&2
  say "building the release CLI"
  cargo build --release --bin tarsier >&2
fi
[ -s "$SITE/index.html" ] || { echo "no site at $SITE (run without --no-build)" >&2; exit 1; }
[ -x "$TARSIER" ] || { echo "no $TARSIER (run without --no-build)" >&2; exit 1; }

# The reference listing, one script so one timer covers it all.
REF="$HERE/scripts/tar_reference.sh"

timed() { # command...  → "seconds peak_kib" of the second of two runs
  local out; out=$(mktemp)
  /usr/bin/time -f '%e %M' -o "$out" "$@" > /dev/null
  /usr/bin/time -f '%e %M' -o "$out" "$@" > /dev/null
  cat "$out"; rm -f "$out"
}

RESULTS=()
for SIZE in $SIZES; do
  case "$SIZE" in
    *g) MB=$(( ${SIZE%g} * 1024 )) ;;
    *m) MB=${SIZE%m} ;;
    *) echo "bad size $SIZE (use e.g. 1g, 4g, 512m)" >&2; exit 2 ;;
  esac
  BIG="$WORK/big-$SIZE.tar"
  if [ ! -s "$BIG" ]; then
    say "generating $BIG ($MB MiB; about 30 s per GiB with the tar method)"
    WORK="$WORK/gen-work" "$GEN" "$MB" "$BIG" >&2
  fi
  BYTES=$(stat -c %s "$BIG")
  say "$BIG: $BYTES bytes; warming the page cache"
  cat "$BIG" > /dev/null

  say "reference: tar -tv of the archive and every layer (twice)"
  read -r REF_S REF_KIB < <(timed "$REF" "$BIG")
  say "native: tarsier inspect (twice)"
  read -r CLI_S CLI_KIB < <(timed "$TARSIER" inspect "$BIG")
  say "browser: drop in headless Chromium (twice)"
  BROWSER=$(TARSIER_DIST="$SITE" node scripts/bench_browser.mjs "$BIG" --runs 2 2> "$OUT_DIR/browser-$SIZE.log")
  RESULTS+=("$(node -e '
    const [size, bytes, refS, refKib, cliS, cliKib, b] = process.argv.slice(1);
    const br = JSON.parse(b);
    const out = { size, archive_bytes: Number(bytes),
      reference: { seconds: Number(refS), peak_rss_kib: Number(refKib), command: "tar -tvf ARCHIVE; tar -xOf ARCHIVE LAYER | tar -tv (every layer)" },
      native_cli: { seconds: Number(cliS), peak_rss_kib: Number(cliKib), command: "tarsier inspect ARCHIVE" },
      browser: br,
      ratio_browser_to_reference: br.drop_to_index_ms / 1000 / Number(refS),
      ratio_worker_to_reference: br.worker_elapsed_ms / 1000 / Number(refS),
      warm_run: "second of two back-to-back runs of each measurement" };
    console.log(JSON.stringify(out));' "$SIZE" "$BYTES" "$REF_S" "$REF_KIB" "$CLI_S" "$CLI_KIB" "$BROWSER")")
done

printf '%s\n' "${RESULTS[@]}" | node -e '
  const fs = require("fs");
  const rows = fs.readFileSync(0, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const doc = { generated: new Date().toISOString(), chromium: process.env.CHROMIUM ?? "/usr/bin/chromium",
    machine: { cpus: require("os").cpus().length, cpu: require("os").cpus()[0]?.model }, results: rows };
  fs.writeFileSync(process.argv[1], JSON.stringify(doc, null, 2) + "\n");
  const mib = (b) => (b / 1048576).toFixed(1);
  const head = ["archive", "files", "tar ref s", "CLI s", "drop→overview s", "drop→index s", "worker s", "browser/ref", "wasm MiB", "page heap MiB", "read MiB"];
  const body = rows.map((r) => [
    `${r.size} (${mib(r.archive_bytes)} MiB)`, String(r.browser.files_indexed), r.reference.seconds.toFixed(2),
    r.native_cli.seconds.toFixed(2), r.browser.drop_to_overview_ms === null ? "none" : (r.browser.drop_to_overview_ms / 1000).toFixed(2),
    (r.browser.drop_to_index_ms / 1000).toFixed(2), (r.browser.worker_elapsed_ms / 1000).toFixed(2),
    r.ratio_browser_to_reference.toFixed(3), mib(r.browser.wasm_memory_bytes), mib(r.browser.page_heap_peak_bytes), mib(r.browser.bytes_read)]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => "| " + cells.map((c, i) => c.padEnd(w[i])).join(" | ") + " |";
  console.log(line(head)); console.log("|" + w.map((n) => "-".repeat(n + 2)).join("|") + "|");
  for (const b of body) console.log(line(b));
  console.log("\n(warm runs: the second of two back-to-back runs of each measurement; JSON: " + process.argv[1] + ")");
' "$OUT_DIR/browser.json"
