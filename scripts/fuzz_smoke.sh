#!/usr/bin/env bash
# A short run of every cargo-fuzz target (fuzz/fuzz_targets/*) for CI. Builds them (release,
# debug assertions on so integer overflow panics, no sanitizer), replays the known inputs one by
# one (the seeds fuzz/corpus/<target>/seed-*, the crash regressions
# tests/fixtures/fuzz-regressions/<target>/ and, for some targets, the real fixtures), then
# fuzzes each target for FUZZ_SECONDS (default 20). Exits non-zero on any crash, failed check,
# timeout or out-of-memory — and when it could not fuzz at all: it never passes by skipping.
#
# Toolchain: a nightly one when rustup has it (`cargo +nightly fuzz`); otherwise the stable one
# with RUSTC_BOOTSTRAP=1 (CI machines may only have stable, and rustup cannot download a nightly
# there). FUZZ_TOOLCHAIN=nightly|stable forces one. cargo-fuzz $CARGO_FUZZ_VERSION is installed
# from crates.io when missing; libFuzzer itself is C++, so a C++ compiler (g++) is needed.
#
# Per target it prints the known inputs replayed and the executions fuzzed; with TARSIER_SUMMARY
# set, it appends one line per target to that file:  fuzz:<target>\t<inputs>+<executions>\tok
# (or FAILED).
#
#   bash scripts/fuzz_smoke.sh            # every target, 20 s each (~5 min with the build)
#   FUZZ_SECONDS=600 bash scripts/fuzz_smoke.sh archive   # one target, longer
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
[ -f scripts/env.sh ] && . scripts/env.sh

CARGO_FUZZ_VERSION=0.13.2
seconds=${FUZZ_SECONDS:-20}
fixtures=${TARSIER_FIXTURES:-$root/../shared/fixtures}
all_targets=(archive layered layer json status apparmor paste parallel packed)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  [ -f "fuzz/fuzz_targets/$t.rs" ] || { echo "fuzz_smoke: unknown target $t (fuzz/fuzz_targets/$t.rs)" >&2; exit 2; }
done

say() { echo "fuzz_smoke: $*"; }
summary() { # target inputs executions ok|FAILED
  if [ -n "${TARSIER_SUMMARY:-}" ]; then
    printf 'fuzz:%s\t%s+%s\t%s\n' "$1" "$2" "$3" "$4" >>"$TARSIER_SUMMARY"
  fi
}
# Could not fuzz at all: every target is a failure, with the reason and what to install.
cannot_fuzz() {
  echo "fuzz_smoke: FAILED — cannot fuzz: $*" >&2
  for t in "${targets[@]}"; do summary "$t" 0 0 FAILED; done
  exit 1
}

# --- what the build needs
command -v cargo >/dev/null ||
  cannot_fuzz "cargo is not installed (install rustup from https://rustup.rs, then: rustup toolchain install stable)"
if ! command -v c++ >/dev/null && ! command -v g++ >/dev/null && ! command -v clang++ >/dev/null; then
  cannot_fuzz "no C++ compiler, which libfuzzer-sys needs to build libFuzzer (Debian: apt-get install g++)"
fi
if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" != "$CARGO_FUZZ_VERSION" ]; then
  say "installing cargo-fuzz $CARGO_FUZZ_VERSION from crates.io"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked ||
    cargo install --force cargo-fuzz --version "$CARGO_FUZZ_VERSION" ||
    cannot_fuzz "cargo-fuzz $CARGO_FUZZ_VERSION did not install (cargo install cargo-fuzz --version $CARGO_FUZZ_VERSION; needs crates.io)"
fi

# --- the toolchain: nightly if there is one, else stable with RUSTC_BOOTSTRAP=1
have_rustup_toolchain() { command -v rustup >/dev/null && rustup toolchain list 2>/dev/null | grep -q "^$1"; }
# `cargo fuzz build` with toolchain $1 (nightly|stable) into fuzz/target/$1; log in $2.
build_with() {
  local which=$1 log=$2 cargo_cmd=(cargo)
  local flags=(-O -a -s none --target-dir "target/$which")
  # No sanitizer (safe Rust; 2-3x faster) but debug assertions on (-a), so overflow panics.
  case $which in
    nightly) cargo_cmd=(cargo +nightly) ;;
    stable) have_rustup_toolchain stable && cargo_cmd=(cargo +stable) ;;
  esac
  local how="${cargo_cmd[*]} fuzz build"
  [ "$which" = stable ] && how="RUSTC_BOOTSTRAP=1 $how"
  say "building ${targets[*]}: $how ${flags[*]} ($(rustc ${cargo_cmd[1]:+"${cargo_cmd[1]}"} --version 2>/dev/null || echo "rustc?"))"
  local env=() t
  [ "$which" = stable ] && env=(RUSTC_BOOTSTRAP=1)
  if [ ${#targets[@]} -eq ${#all_targets[@]} ]; then
    (cd fuzz && env "${env[@]}" "${cargo_cmd[@]}" fuzz build "${flags[@]}") >>"$log" 2>&1 || return 1
  else
    for t in "${targets[@]}"; do
      (cd fuzz && env "${env[@]}" "${cargo_cmd[@]}" fuzz build "${flags[@]}" "$t") >>"$log" 2>&1 || return 1
    done
  fi
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
choice=${FUZZ_TOOLCHAIN:-auto}
case $choice in
  auto)
    if have_rustup_toolchain nightly && cargo +nightly --version >/dev/null 2>&1; then
      candidates=(nightly stable)
    else
      say "no nightly toolchain; using the stable one with RUSTC_BOOTSTRAP=1"
      candidates=(stable)
    fi ;;
  nightly | stable) candidates=("$choice") ;;
  *) echo "fuzz_smoke: FUZZ_TOOLCHAIN must be nightly or stable, not $choice" >&2; exit 2 ;;
esac
toolchain=
for which in "${candidates[@]}"; do
  if build_with "$which" "$work/build-$which.log"; then toolchain=$which; break; fi
  say "the build with the $which toolchain failed:"
  tail -n 30 "$work/build-$which.log"
done
[ -n "$toolchain" ] || cannot_fuzz "the fuzz targets did not build with: ${candidates[*]} (see the build output above; needs cargo-fuzz $CARGO_FUZZ_VERSION, a C++ compiler, and a nightly toolchain or a stable one that accepts RUSTC_BOOTSTRAP=1)"
bin_dir=fuzz/target/$toolchain/x86_64-unknown-linux-gnu/release

status=0
for t in "${targets[@]}"; do
  bin="$bin_dir/$t"
  if [ ! -x "$bin" ]; then
    say "$t FAILED: no binary at $bin after the build"; summary "$t" 0 0 FAILED; status=1; continue
  fi
  # Replay the known inputs one by one (files given as arguments are each run once).
  inputs=()
  for f in fuzz/corpus/"$t"/seed-* tests/fixtures/fuzz-regressions/"$t"/*; do
    [ -f "$f" ] && [ "${f##*.}" != md ] && inputs+=("$f")
  done
  if { [ "$t" = archive ] || [ "$t" = parallel ]; } && [ -d "$fixtures/images" ]; then
    for f in "$fixtures"/images/*.tar "$fixtures"/images/*.tar.gz; do [ -f "$f" ] && inputs+=("$f"); done
  fi
  if [ "$t" = status ] || [ "$t" = paste ]; then
    for f in "$fixtures"/proc/local/*.status "$fixtures"/proc/seed/*; do [ -f "$f" ] && inputs+=("$f"); done
  fi
  replayed=0
  if [ ${#inputs[@]} -gt 0 ]; then
    if ! "$bin" -timeout=30 -rss_limit_mb=2048 "${inputs[@]}" >"$work/$t.replay.log" 2>&1; then
      say "$t FAILED on a known input:"; tail -n 40 "$work/$t.replay.log"
      summary "$t" "$(grep -c '^Executed ' "$work/$t.replay.log" || true)" 0 FAILED; status=1; continue
    fi
    replayed=$(grep -c '^Executed ' "$work/$t.replay.log" || true)
    if [ "$replayed" -ne ${#inputs[@]} ]; then
      say "$t FAILED: ${#inputs[@]} known inputs given, $replayed replayed:"; tail -n 20 "$work/$t.replay.log"
      summary "$t" "$replayed" 0 FAILED; status=1; continue
    fi
  fi
  say "$t — $replayed known inputs replayed; fuzzing for ${seconds}s"
  # Then fuzz from the seeds in a scratch corpus (the checked-in one stays as it is).
  mkdir -p "$work/corpus-$t" "$work/artifacts-$t"
  cp fuzz/corpus/"$t"/seed-* "$work/corpus-$t"/ 2>/dev/null || true
  if ! "$bin" "$work/corpus-$t" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
      -max_len=65536 -artifact_prefix="$work/artifacts-$t/" -print_final_stats=1 \
      >"$work/$t.log" 2>&1; then
    say "$t FAILED:"; tail -n 40 "$work/$t.log"
    mkdir -p fuzz/artifacts/"$t" && cp "$work/artifacts-$t"/* fuzz/artifacts/"$t"/ 2>/dev/null || true
    say "crash input copied to fuzz/artifacts/$t/ (add it to tests/fixtures/fuzz-regressions/$t/ once fixed)"
    runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$work/$t.log" | grep -o '[0-9]*$' || true)
    summary "$t" "$replayed" "${runs:-0}" FAILED; status=1; continue
  fi
  runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$work/$t.log" | grep -o '[0-9]*$' || true)
  if [ -z "$runs" ] || [ "$runs" -eq 0 ]; then
    say "$t FAILED: libFuzzer ran no input:"; tail -n 20 "$work/$t.log"
    summary "$t" "$replayed" 0 FAILED; status=1; continue
  fi
  say "$t ok: $replayed known inputs replayed, $runs executions in ${seconds}s"
  summary "$t" "$replayed" "$runs" ok
done
[ $status -eq 0 ] && say "every target ok ($toolchain toolchain)" || say "FAILED (see above)"
exit $status
