#!/usr/bin/env bash
# Command 2 of the README: installs what is missing, then runs every test.
#   1. native:   cargo test (core unit tests; integration tests over ../shared/fixtures against
#                outside oracles — GNU tar, skopeo, umoci, getcap, dpkg-query, capsh; the CLI;
#                the adversarial corpus; fuzz regressions)
#   2. clippy:   native and wasm32 (unwrap/expect denied outside tests)
#   3. fuzzing:  a short run of every cargo-fuzz target
#   4. browser:  wasm-bindgen-test components in headless Chromium (Debian's chromium-driver)
#   5. end to end: trunk build --release, then tests/e2e/*.test.mjs drive the built site in
#                headless Chromium through playwright-core
#   6. mutants:  cargo-mutants' mutants of the code the last commit changed (a sample) must be
#                caught (score >= 90 %)
# Nothing is skipped: a missing tool is installed by scripts/setup.sh or fails its test with a
# message naming it. The run ends with a summary of what ran (counts per suite); any test that
# was skipped or ignored fails the run. Any failure stops the run with a non-zero exit.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh --browser
. scripts/env.sh

summary=$(mktemp)
logs=$(mktemp -d)
export TARSIER_SUMMARY="$summary"
current="set-up"
started=$(date +%s)

# One line per suite: name, what ran, status.
record() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$summary"; }

finish() {
  local code=$?
  [ "$code" -ne 0 ] && record "$current" "stopped here" "FAILED"
  printf '\n\033[1m== summary (%ss)\033[0m\n' "$(( $(date +%s) - started ))"
  column -t -s $'\t' "$summary" 2>/dev/null || cat "$summary"
  if [ "$code" -eq 0 ]; then echo "all suites passed; nothing skipped"; else echo "FAILED in: $current"; fi
  rm -rf "$summary" "$logs"
  exit "$code"
}
trap finish EXIT

step() { current="$1"; printf '\n\033[1m== %s\033[0m\n' "$1"; }

# Sums cargo's "test result:" lines of a log; fails the run when a test was ignored.
cargo_counts() {
  local name=$1 log=$2
  local passed ignored filtered
  passed=$(grep -o '[0-9]* passed' "$log" | awk '{s+=$1} END {print s+0}')
  ignored=$(grep -o '[0-9]* ignored' "$log" | awk '{s+=$1} END {print s+0}')
  filtered=$(grep -o '[0-9]* filtered out' "$log" | awk '{s+=$1} END {print s+0}')
  local binaries
  binaries=$(grep -c '^test result:' "$log" || true)
  if [ "$ignored" -ne 0 ] || [ "$filtered" -ne 0 ]; then
    record "$name" "$passed passed, $ignored ignored, $filtered filtered out" "FAILED (skipped tests)"
    echo "test.sh: $ignored ignored and $filtered filtered-out tests in $name: nothing may be skipped" >&2
    exit 1
  fi
  record "$name" "$passed tests in $binaries test binaries" "ok"
}

step "native tests (cargo test)"
cargo test --locked 2>&1 | tee "$logs/native.log"
cargo_counts "native (cargo test)" "$logs/native.log"

step "clippy (unwrap/expect denied outside tests)"
cargo clippy --locked --all-targets -- -D warnings
cargo clippy --locked --lib --bins --target wasm32-unknown-unknown -- -D warnings
record "clippy" "native + wasm32" "ok"

step "fuzz smoke (cargo-fuzz, 20 s per target; nightly, else stable with RUSTC_BOOTSTRAP=1)"
bash scripts/fuzz_smoke.sh

step "browser unit tests (wasm-bindgen-test in headless Chromium)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --locked --target wasm32-unknown-unknown --test web --test worker 2>&1 | tee "$logs/wasm.log"
cargo_counts "browser unit (wasm-bindgen-test)" "$logs/wasm.log"

step "release build (trunk build --release)"
trunk build --release
record "release build" "trunk build --release" "ok"

step "end-to-end tests (built site in headless Chromium)"
node --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$logs/e2e.tap" tests/e2e/
e2e_count() { grep -m1 "^# $1 " "$logs/e2e.tap" | awk '{print $3}'; }
if [ "$(e2e_count skipped)" != 0 ] || [ "$(e2e_count todo)" != 0 ] || [ "$(e2e_count cancelled)" != 0 ]; then
  record "end to end (Chromium)" "$(e2e_count pass) passed, $(e2e_count skipped) skipped, $(e2e_count todo) todo" "FAILED (skipped tests)"
  exit 1
fi
record "end to end (Chromium)" "$(e2e_count pass) tests in $(ls tests/e2e/*.test.mjs | wc -l) files" "ok"

step "mutation sample (cargo-mutants: mutants of the changed code, score >= 90 %)"
bash scripts/mutants.sh --sample
