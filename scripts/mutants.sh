#!/usr/bin/env bash
# Mutation testing of the core and the CLI with cargo-mutants (method and score: docs/testing.md).
#
#   scripts/mutants.sh --sample        CI (a few minutes): the mutants of the code the last commit
#                                      changed (`git diff HEAD~1`, or MUTANTS_BASE; with what is not committed yet),
#                                      at most SAMPLE_MAX of them spread round robin; without such
#                                      code (or without git history), the first SAMPLE_SHARDS-th of
#                                      all mutants. The run fails when the sample's score (caught
#                                      and timed out over viable) is below SAMPLE_MIN_SCORE %
#   scripts/mutants.sh --full [ARGS]   every mutant (~3,000: about 17 hours on 2 cores); prints
#                                      the score and leaves cargo-mutants' report in
#                                      target/mutants.out/
#   scripts/mutants.sh --measure K/N   as --full, for every N-th mutant from the K-th (round robin:
#                                      a sample spread over the whole tree); 0/23 is ~130 mutants
#   scripts/mutants.sh --unreached     the mutants on lines that no test of the per-mutant list
#                                      executes (cargo-llvm-cov over that list, crossed with
#                                      `cargo mutants --list`): misses for sure, found in minutes
#   scripts/mutants.sh --narrow RE "T1 T2"
#                                      the mutants whose names match RE (as `cargo mutants --list`
#                                      prints them), first against the unit tests and the named
#                                      integration tests only (about 13 s a mutant instead of a
#                                      minute), then every one of them that this missed again with
#                                      the full test list: the score is the full run's, found faster
#                                      (a test that catches a mutant in the narrow run catches it in
#                                      the full one). Report in target/mutants.out/. With
#                                      `--shard K/N --sharding round-robin` after TESTS, an estimate
#                                      for the whole tree (REGEX `.`) at that speed
#
# The mutants are tested in a copy of the project next to it (../.tarsier-mutants), so the
# working tree is never mutated and the tests still find ../shared/fixtures. The full run builds
# with the `mutants` profile (no debug info) in the copy's own target directory, with the mold
# linker when installed: linking the test binaries is most of each mutant's cost. The sample
# shares the project's target directory and test profile, so it reuses the dependencies
# `cargo test` built. It keeps cargo-mutants' baseline run (the tests on the copy, unmutated): a
# test that fails in the copy alone (a tool or file the copy lacks) would otherwise fail for
# every mutant and count them all as caught, as target/venv-sbom's absence once did.
# MUTANTS_DIR names another copy (beside the project, for ../shared/fixtures), so that two
# checkouts of the project can run at once.
#
# The whole script is one block, so that bash reads all of it before running it: editing this
# file during a run of hours cannot change what the run does next.
{
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
[ -f scripts/env.sh ] && . scripts/env.sh

MUTANTS_VERSION=27.1.0
# The CI sample (see above and docs/testing.md): at most SAMPLE_MAX mutants of the changed code;
# the fallback is shard SAMPLE_SHARD of SAMPLE_SHARDS in cargo-mutants' default sharding, which
# is contiguous (about ten mutants of the CLI's first modules), not round robin.
SAMPLE_MAX=${SAMPLE_MAX:-12}
SAMPLE_MIN_SCORE=${SAMPLE_MIN_SCORE:-90}
SAMPLE_SHARDS=${SAMPLE_SHARDS:-300}
SAMPLE_SHARD=${SAMPLE_SHARD:-0}

# Every integration test either runs against each mutant (listed in .cargo/mutants.toml) or is
# named here as one that does not (with the reason in mutants.toml's comment): a new test file
# that is in neither list would let mutants it catches count as missed.
NOT_RUN_PER_MUTANT="adversarial architecture build fixture_scripts web worker"
for t in tests/*.rs; do
  name=$(basename "$t" .rs)
  if ! grep -q "\"--test\", \"$name\"" .cargo/mutants.toml && ! [[ " $NOT_RUN_PER_MUTANT " == *" $name "* ]]; then
    echo "mutants: tests/$name.rs is neither in .cargo/mutants.toml's test list nor in NOT_RUN_PER_MUTANT" >&2
    exit 1
  fi
done

mode=${1:-}
shift || true
if [ "$mode" = --unreached ]; then
  LLVM_COV_VERSION=0.9.1
  rustup component add llvm-tools-preview >/dev/null
  if [ "$(cargo llvm-cov --version 2>/dev/null | awk '{print $2}')" != "$LLVM_COV_VERSION" ]; then
    cargo install --locked cargo-llvm-cov --version "$LLVM_COV_VERSION" || cargo install --force cargo-llvm-cov --version "$LLVM_COV_VERSION"
  fi
  mapfile -t test_args < <(python3 -c 'import re; t = open(".cargo/mutants.toml").read(); [print(a) for x in re.findall(r"\"--test\", \"(\w+)\"", t) for a in ("--test", x)]')
  # (a failing test still leaves its coverage: the list is what ran)
  cargo llvm-cov --no-report --no-fail-fast --lib --bins "${test_args[@]}" >target/unreached-tests.log 2>&1 || true
  cargo llvm-cov report --lcov --output-path target/unreached.lcov
  cargo mutants --list --json >target/unreached-mutants.json
  python3 - "$root" <<'PY'
import collections, json, os, sys
root = sys.argv[1]
hits = collections.defaultdict(dict)
cur = None
for line in open("target/unreached.lcov"):
    if line.startswith("SF:"):
        cur = os.path.relpath(line[3:].strip(), root)
    elif line.startswith("DA:"):
        n, c = line[3:].split(",")[:2]
        hits[cur][int(n)] = max(hits[cur].get(int(n), 0), int(c))
mutants = json.load(open("target/unreached-mutants.json"))
unreached = []
for m in mutants:
    d = hits.get(m["file"], {})
    if m["genre"] == "FnValue":
        # a function body replaced: unreached when no line of the function ran
        f = m["function"]["span"]
        lines = [d[n] for n in range(f["start"]["line"], f["end"]["line"] + 1) if n in d]
        hit = max(lines) if lines else None
    else:
        # the line of the mutated code, or the nearest line above it that has a count
        start = m["span"]["start"]["line"]
        hit = next((d[n] for n in range(start, max(0, start - 30), -1) if n in d), None)
    if hit == 0:
        unreached.append(m["name"])
with open("target/unreached.txt", "w") as f:
    f.write("".join(n + "\n" for n in unreached))
by_file = collections.Counter(n.split(":")[0] for n in unreached)
print(f"mutants: {len(unreached)} of {len(mutants)} mutants are on lines no test of the per-mutant list executes (target/unreached.txt)")
for name, n in by_file.most_common():
    print(f"  {n:4} {name}")
PY
  exit 0
fi
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
  --narrow)
    narrow_re=${1:-}
    narrow_tests=${2:-}
    shift 2 || true
    if [ -z "$narrow_re" ]; then
      echo 'usage: scripts/mutants.sh --narrow REGEX "TEST1 TEST2 ..." [cargo-mutants args]' >&2
      exit 2
    fi
    for t in $narrow_tests; do
      if ! grep -q "\"--test\", \"$t\"" .cargo/mutants.toml; then
        echo "mutants: --narrow: $t is not in .cargo/mutants.toml's test list" >&2
        exit 2
      fi
    done
    ;;
  *) echo "usage: scripts/mutants.sh --sample | --full [cargo-mutants args] | --measure K/N [cargo-mutants args] | --narrow REGEX TESTS | --unreached" >&2; exit 2 ;;
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
# tests/sbom_export.rs runs the SBOM validators from target/venv-sbom beside the sources (made by
# scripts/setup.sh --browser). Without it every mutant would fail that test and count as caught.
if [ ! -x "$root/target/venv-sbom/bin/python" ]; then
  echo "mutants: $root/target/venv-sbom is missing: run scripts/setup.sh --browser (the SBOM validators)" >&2
  exit 1
fi
mkdir -p "$work/target"
ln -sfn "$root/target/venv-sbom" "$work/target/venv-sbom"

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
  mkdir -p "$out_root"
  sample=(--shard "$SAMPLE_SHARD/$SAMPLE_SHARDS")
  what="shard $SAMPLE_SHARD/$SAMPLE_SHARDS of all mutants"
  diff="$out_root/changed.diff"
  base=${MUTANTS_BASE:-HEAD~1}
  if git -C "$root" rev-parse -q --verify "$base" >/dev/null 2>&1 \
    && git -C "$root" diff "$base" -- src/core src/bin/tarsier >"$diff" 2>/dev/null; then
    n=$(cargo mutants --list --in-diff "$diff" 2>/dev/null | grep -c . || true)
    if [ "${n:-0}" -gt 0 ]; then
      k=$(( (n + SAMPLE_MAX - 1) / SAMPLE_MAX ))
      sample=(--in-diff "$diff" --shard "0/$k" --sharding round-robin)
      what="one in $k of the $n mutants in the code changed since $base"
    fi
  fi
  echo "mutants: sample: $what"
  args+=("${sample[@]}" --profile test --timeout 300)
fi
set +e
if [ "$mode" = --narrow ]; then
  # Pass 1: the narrow test list, in a config of its own beside the copy's.
  python3 - "$narrow_tests" <<'PY'
import re, sys
tests = ", ".join(['"--lib"', '"--bins"'] + [f'"--test", "{t}"' for t in sys.argv[1].split()])
s = open(".cargo/mutants.toml").read()
# to every cargo command, so that the build links only these test binaries too (a mutant's
# build then takes about 16 s instead of 40)
s = re.sub(r"additional_cargo_test_args = \[.*?\]", "additional_cargo_args = [" + tests + "]", s, flags=re.S)
open(".cargo/mutants-narrow.toml", "w").write(s)
PY
  rm -rf "$out_root/narrow"
  mkdir -p "$out_root/narrow"
  cargo mutants --config .cargo/mutants-narrow.toml "${args[@]}" -F "$narrow_re" --output "$out_root/narrow" "$@"
  # Pass 2: what it missed, by name, with the full list.
  missed_re=$(python3 - "$out_root/narrow/mutants.out/missed.txt" <<'PY'
import sys
names = [l.rstrip("\n") for l in open(sys.argv[1]) if l.strip()]
esc = lambda n: "".join("\\" + c if c in "\\.+*?()|[]{}^$" else c for c in n)
print("^(" + "|".join(esc(n) for n in names) + ")$" if names else "")
PY
)
  rm -rf "$out_root/mutants.out"
  status=0
  # (without --shard: pass 1 took its shard already, pass 2 runs every one of its misses)
  again=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --shard|--sharding) shift 2 || shift ;;
      --shard=*|--sharding=*) shift ;;
      *) again+=("$1"); shift ;;
    esac
  done
  # cargo-mutants 27.1.0's -F (and -E) do not filter its "delete field … from struct …
  # expression" mutants: those of every file would run in pass 2 whatever the regex. Leave out
  # the files that have such mutants and none of pass 1's misses; in the files that have both,
  # the strays run but the score below counts only pass 1's misses.
  stray_files=()
  while IFS= read -r f; do
    [ -n "$f" ] && ! grep -q "^$f:" "$out_root/narrow/mutants.out/missed.txt" && stray_files+=(-e "$f")
  done < <(cargo mutants "${args[@]}" --list -F '^$.' 2>/dev/null | cut -d: -f1 | sort -u)
  if [ -n "$missed_re" ]; then
    cargo mutants "${args[@]}" -F "$missed_re" ${stray_files[@]+"${stray_files[@]}"} --output "$out_root" ${again[@]+"${again[@]}"}
    status=$?
  fi
else
  args+=(--output "$out_root")
  cargo mutants "${args[@]}" "$@"
  status=$?
fi
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
set +e
python3 - "$out/outcomes.json" "$mode" "$SAMPLE_MIN_SCORE" <<'PY'
import json, os, sys
path, mode, min_score = sys.argv[1], sys.argv[2], float(sys.argv[3])
counts = {}
def add(p, skip_missed=False, only=None):
    for o in json.load(open(p))["outcomes"]:
        s = o["summary"]
        if o["scenario"] == "Baseline" or (skip_missed and s == "MissedMutant"):
            continue
        if only is not None and o["scenario"]["Mutant"]["name"] not in only:
            continue
        counts[s] = counts.get(s, 0) + 1
if mode == "--narrow":
    # pass 1's verdicts, except its misses, which pass 2 (if any) decided with the full test list
    narrow = os.path.join(os.path.dirname(os.path.dirname(path)), "narrow", "mutants.out")
    add(os.path.join(narrow, "outcomes.json"), True)
    if os.path.exists(path):
        # pass 2's verdicts on pass 1's misses only (not cargo-mutants' strays: see above)
        add(path, only={l.rstrip("\n") for l in open(os.path.join(narrow, "missed.txt"))})
else:
    add(path)
caught = counts.get("CaughtMutant", 0)
missed = counts.get("MissedMutant", 0)
timeout = counts.get("Timeout", 0)
unviable = counts.get("Unviable", 0)
viable = caught + missed + timeout
score = 100.0 * (caught + timeout) / viable if viable else 100.0
line = f"{viable} viable mutants ({unviable} unviable): {caught} caught, {timeout} timed out, {missed} missed; score {score:.1f}%"
print("mutants:", line)
ok = mode != "--sample" or score >= min_score
summary = os.environ.get("TARSIER_SUMMARY")
if summary:
    with open(summary, "a") as f:
        f.write(f"mutants ({mode[2:]})\t{line}\t{'ok' if ok else 'FAILED'}\n")
sys.exit(0 if ok else 1)
PY
gate=$?
set -e
if [ "$mode" != --sample ]; then
  rm -rf "$root/target/mutants.out"
  mkdir -p "$root/target/mutants.out"
  [ -d "$out" ] && cp -r "$out"/. "$root/target/mutants.out/"
  [ "$mode" = --narrow ] && cp -r "$out_root/narrow/mutants.out" "$root/target/mutants.out/narrow"
  echo "mutants: report in target/mutants.out/ (missed.txt lists the mutants no test caught)"
fi
# cargo-mutants exits 2 when a mutant was missed, 3 on timeouts, 4 when the baseline failed
# (anything else: it could not run, or was stopped).
if [ "$mode" != --sample ] && [ "$status" -ne 0 ] && [ "$status" -ne 2 ] && [ "$status" -ne 3 ]; then
  echo "mutants: cargo-mutants ended with exit $status: the score above covers only what it ran" >&2
fi
if [ "$mode" = --sample ]; then
  if [ "$gate" -ne 0 ]; then
    echo "mutants: the sample's score is below $SAMPLE_MIN_SCORE %: see $out/missed.txt" >&2
    exit 1
  fi
  if [ "$status" -ne 0 ] && [ "$status" -ne 2 ] && [ "$status" -ne 3 ]; then
    echo "mutants: cargo-mutants failed (exit $status): see $out/debug.log" >&2
    exit 1
  fi
fi
exit 0
}
