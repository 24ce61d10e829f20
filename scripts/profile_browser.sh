#!/usr/bin/env bash
# profile_browser.sh — not a test: where the image worker's time goes in Chromium, per function.
# Builds the site without wasm-opt (so wasm function names survive) into target/prof/dist, then
# drops ARCHIVE on it with the V8 sampling profiler running in the workers
# (scripts/profile_browser.mjs) and prints self time per function.
#
# usage: scripts/profile_browser.sh ARCHIVE [--top N] [--out FILE.cpuprofile] [--no-build]
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$HERE"
. scripts/env.sh
BUILD=1
ARGS=()
for a in "$@"; do
  if [ "$a" = --no-build ]; then BUILD=0; else ARGS+=("$a"); fi
done
if [ "$BUILD" = 1 ]; then
  # Trunk resolves the page's asset paths next to the HTML file, so the variant sits beside
  # index.html for the build and is removed after it.
  trap 'rm -f "$HERE/prof.html"' EXIT
  sed 's/ data-wasm-opt="z"/ data-wasm-opt="0"/g' index.html > prof.html
  trunk build --release=true --dist target/prof/dist prof.html >&2
fi
TARSIER_DIST=target/prof/dist node scripts/profile_browser.mjs "${ARGS[@]}"
