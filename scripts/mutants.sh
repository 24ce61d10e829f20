#!/usr/bin/env bash
# Mutation testing of the core and the CLI with cargo-mutants (method and score: docs/testing.md).
#
#   scripts/mutants.sh --sample        CI: one fixed shard of the mutants (a few minutes); every
#                                      mutant in it must be caught, or the run fails
#   scripts/mutants.sh --full [ARGS]   every mutant (~3,000: about 17 hours on 2 cores); prints
#                                      the score and leaves cargo-mutants' report in
#                                      target/mutants.out/
#   scripts/mutants.sh --measure K/N   as --full, for every N-th mutant from the K-th (round robin:
#                                      a sample spread over the whole tree); 0/23 is ~130 mutants
#
# The mutants are tested in a copy of the project next to it (../.tarsier-mutants), so the
# working tree is never mutated and the tests still find ../shared/fixtures. The full run builds
# with the `mutants` profile (no debug info) in the copy's own target directory, with the mold
# linker when installed: linking the test binaries is most of each mutant's cost. The sample
# shares the project's target directory and test profile, so it reuses the dependencies
# `cargo test` built, and skips the baseline run (scripts/test.sh has just run the tests).
# MUTANTS_DIR names another copy (beside the project, for ../shared/fixtures), so that two
# checkouts of the project can run at once.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
[ -f scripts/env.sh ] && . scripts/env.sh

MUTANTS_VERSION=27.1.0
# The CI sample: shard SAMPLE_SHARD of SAMPLE_SHARDS (round robin over the ~2,200 mutants).
SAMPLE_SHARDS=${SAMPLE_SHARDS:-300}
SAMPLE_SHARD=${SAMPLE_SHARD:-0}

mode=${1:-}
shift || true
case "$mode" in
  --sample|--full) ;;
  --measure)
    shard=${1:-}
    shift || true
    if ! [[ "$shard" =~ ^[0-9]+/[0-9]+$ ]]; then
      echo "usage: scripts/mutants.sh --measure K/N [cargo-mutants args]" >&2
      exit 2
    fi
    set -- --shard "$shard" --sharding round-robin "$@"
    ;;
  *) echo "usage: scripts/mutants.sh --sample | --full [cargo-mutants args] | --measure K/N [cargo-mutants args]" >&2; exit 2 ;;
esac

if [ "$(cargo mutants --version 2>/dev/null | awk '{print $2}')" != "$MUTANTS_VERSION" ]; then
  echo "mutants: installing cargo-mutants $MUTANTS_VERSION (about 5 minutes, once)"
  cargo install --locked cargo-mutants --version "$MUTANTS_VERSION" \
    || cargo install --force cargo-mutants --version "$MUTANTS_VERSION"
fi

# A copy beside the project (rsync would be nicer; cp keeps the dependencies to coreutils).
work=${MUTANTS_DIR:-"$(dirname "$root")/.tarsier-mutants"}
mkdir -p "$work"
find "$work" -mindepth 1 -maxdepth 1 ! -name target -exec rm -rf {} +
tar -C "$root" --exclude=./target --exclude="./target-*" --exclude=./node_modules --exclude=./dist --exclude=./fuzz/target -cf - . | tar -C "$work" -xf -
cd "$work"

# (Not for the sample: other RUSTFLAGS would rebuild every dependency cargo test built.)
if [ "$mode" != --sample ] && command -v mold >/dev/null; then
  export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-fuse-ld=mold"
fi
export CARGO_TERM_COLOR=never

out_root="$work/target"
args=(--in-place --no-shuffle)
if [ "$mode" = --sample ]; then
  export CARGO_TARGET_DIR="$root/target"
  out_root="$root/target/mutants-sample"
  args+=(--shard "$SAMPLE_SHARD/$SAMPLE_SHARDS" --profile test --baseline skip --timeout 300)
fi
args+=(--output "$out_root")
set +e
cargo mutants "${args[@]}" "$@"
status=$?
if [ "$mode" = --sample ]; then
  # The copy's units have the project's hashes (cargo hashes paths from the workspace root), so
  # the last mutant's build stays in target/, newer than the project's sources: cargo would take
  # it as up to date (target/debug/tarsier would be a mutant). Build the restored copy again.
  cargo test --no-run -q --profile test --package tarsier >/dev/null 2>&1 \
    || echo "mutants: could not rebuild target/ after the sample: touch the sources before cargo test" >&2
fi
set -e

out="$out_root/mutants.out"
# The score: caught / viable (caught + missed + timeouts); unviable mutants do not build.
python3 - "$out/outcomes.json" "$mode" <<'PY'
import json, os, sys
path, mode = sys.argv[1], sys.argv[2]
data = json.load(open(path))
counts = {}
for o in data["outcomes"]:
    if o["scenario"] == "Baseline":
        continue
    s = o["summary"]
    counts[s] = counts.get(s, 0) + 1
caught = counts.get("CaughtMutant", 0)
missed = counts.get("MissedMutant", 0)
timeout = counts.get("Timeout", 0)
unviable = counts.get("Unviable", 0)
viable = caught + missed + timeout
score = 100.0 * (caught + timeout) / viable if viable else 100.0
line = f"{viable} viable mutants ({unviable} unviable): {caught} caught, {timeout} timed out, {missed} missed; score {score:.1f}%"
print("mutants:", line)
summary = os.environ.get("TARSIER_SUMMARY")
if summary:
    with open(summary, "a") as f:
        f.write(f"mutants ({mode[2:]})\t{line}\t{'ok' if missed == 0 or mode != '--sample' else 'FAILED'}\n")
PY
if [ "$mode" != --sample ]; then
  rm -rf "$root/target/mutants.out"
  mkdir -p "$root/target"
  cp -r "$out" "$root/target/mutants.out"
  echo "mutants: report in target/mutants.out/ (missed.txt lists the mutants no test caught)"
fi
# cargo-mutants exits 2 when a mutant was missed, 3 on timeouts, 4 when the baseline failed.
if [ "$mode" = --sample ] && [ "$status" -ne 0 ]; then
  echo "mutants: a mutant in the CI sample was not caught (or the baseline failed): see $out/missed.txt" >&2
  exit 1
fi
exit 0
