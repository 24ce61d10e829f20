#!/usr/bin/env bash
# Command 2 of the README: installs what is missing, then runs every test.
#   1. native:   cargo test (core unit tests, integration tests over ../shared/fixtures, CLI)
#   2. browser:  wasm-bindgen-test components in headless Chromium (Debian's chromium-driver)
#   3. end to end: trunk build --release, then tests/e2e/*.test.mjs drive the built site in
#      headless Chromium through playwright-core
# Any failure stops the run with a non-zero exit.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh --browser
. scripts/env.sh

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "native tests (cargo test)"
cargo test --locked

step "clippy (unwrap/expect denied outside tests)"
cargo clippy --locked --all-targets -- -D warnings
cargo clippy --locked --lib --bins --target wasm32-unknown-unknown -- -D warnings

step "fuzz smoke (cargo-fuzz, 20 s per target; nightly, else stable with RUSTC_BOOTSTRAP=1)"
bash scripts/fuzz_smoke.sh

step "browser unit tests (wasm-bindgen-test in headless Chromium)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --locked --target wasm32-unknown-unknown --test web --test worker

step "release build (trunk build --release)"
trunk build --release

step "end-to-end tests (built site in headless Chromium)"
node --test --test-concurrency=1 tests/e2e/
