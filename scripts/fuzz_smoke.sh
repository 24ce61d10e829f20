#!/usr/bin/env bash
# A short run of every cargo-fuzz target (fuzz/fuzz_targets/*) for CI: builds them with the
# nightly toolchain, replays the seeds (fuzz/corpus/<target>/seed-*), the crash regressions
# (tests/fixtures/fuzz-regressions/<target>/) and, for the archive and parallel targets, the real
# fixture images, then fuzzes each for FUZZ_SECONDS (default 20). Exits non-zero on any crash,
# timeout or out-of-memory. Without a nightly toolchain it says so and exits 0.
#
#   bash scripts/fuzz_smoke.sh            # every target, 20 s each (~3 min with the build)
#   FUZZ_SECONDS=600 bash scripts/fuzz_smoke.sh archive   # one target, longer
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
[ -f scripts/env.sh ] && . scripts/env.sh

CARGO_FUZZ_VERSION=0.13.2
seconds=${FUZZ_SECONDS:-20}
fixtures=${TARSIER_FIXTURES:-$root/../shared/fixtures}
all_targets=(archive layer json status apparmor paste parallel packed)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")

if ! command -v rustup >/dev/null || ! rustup toolchain list | grep -q '^nightly'; then
  echo "fuzz_smoke: SKIP — no nightly toolchain (rustup toolchain install nightly to enable)."
  exit 0
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz_smoke: installing cargo-fuzz $CARGO_FUZZ_VERSION"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked ||
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION"
fi

# No sanitizer (safe Rust; 2-3x faster) but debug assertions on, so integer overflow panics.
flags=(-O -a -s none)
echo "fuzz_smoke: building ${targets[*]}"
(cd fuzz && cargo +nightly fuzz build "${flags[@]}")
bin_dir=fuzz/target/x86_64-unknown-linux-gnu/release

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for t in "${targets[@]}"; do
  bin="$bin_dir/$t"
  [ -x "$bin" ] || { echo "fuzz_smoke: no binary for target $t"; exit 1; }
  # Replay the known inputs one by one (a directory of files given as arguments = run each once).
  inputs=()
  for f in fuzz/corpus/"$t"/seed-* tests/fixtures/fuzz-regressions/"$t"/*; do
    [ -f "$f" ] && inputs+=("$f")
  done
  if { [ "$t" = archive ] || [ "$t" = parallel ]; } && [ -d "$fixtures/images" ]; then
    for f in "$fixtures"/images/*.tar "$fixtures"/images/*.tar.gz; do [ -f "$f" ] && inputs+=("$f"); done
  fi
  if [ "$t" = status ] || [ "$t" = paste ]; then
    for f in "$fixtures"/proc/local/*.status "$fixtures"/proc/seed/*; do [ -f "$f" ] && inputs+=("$f"); done
  fi
  echo "fuzz_smoke: $t — replaying ${#inputs[@]} known inputs"
  if [ ${#inputs[@]} -gt 0 ] && ! "$bin" -timeout=30 -rss_limit_mb=2048 "${inputs[@]}" >"$work/$t.replay.log" 2>&1; then
    echo "fuzz_smoke: $t FAILED on a known input:"; tail -n 40 "$work/$t.replay.log"; status=1; continue
  fi
  # Then fuzz from the seeds in a scratch corpus (the checked-in one stays as it is).
  mkdir -p "$work/corpus-$t" "$work/artifacts-$t"
  cp fuzz/corpus/"$t"/seed-* "$work/corpus-$t"/ 2>/dev/null || true
  echo "fuzz_smoke: $t — fuzzing for ${seconds}s"
  if ! "$bin" "$work/corpus-$t" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
      -max_len=65536 -artifact_prefix="$work/artifacts-$t/" -print_final_stats=1 \
      >"$work/$t.log" 2>&1; then
    echo "fuzz_smoke: $t FAILED:"; tail -n 40 "$work/$t.log"
    mkdir -p fuzz/artifacts/"$t" && cp "$work/artifacts-$t"/* fuzz/artifacts/"$t"/ 2>/dev/null || true
    echo "fuzz_smoke: crash input copied to fuzz/artifacts/$t/ (add it to tests/fixtures/fuzz-regressions/$t/ once fixed)"
    status=1; continue
  fi
  runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$work/$t.log" | grep -o '[0-9]*$' || echo '?')
  echo "fuzz_smoke: $t ok ($runs executions)"
done
exit $status
