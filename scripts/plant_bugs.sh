#!/usr/bin/env bash
# The six one-line bugs of issue 10, planted one at a time in a scratch worktree: each must make
# the tests fail (docs/testing.md). Not part of scripts/test.sh (about 3 minutes per bug).
#
#   scripts/plant_bugs.sh            every bug, each against `cargo test --test oracle`
#   scripts/plant_bugs.sh 3 5        only bugs 3 and 5
#   TESTS="--tests" scripts/plant_bugs.sh   against every native integration test instead
#
# A bug whose line is no longer in the code is a failure of this script (the sed changed
# nothing), never a silent pass: move the pattern with the code.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
[ -f scripts/env.sh ] && . scripts/env.sh
scratch="$root/../.tarsier-plant"
TESTS=${TESTS:---test oracle}

plant() {
  case "$1" in
    1) sed -i 's|            score: dive.score,|            score: dive.score / 2.0,|' src/core/image/merge.rs ;;
    2) sed -i 's|            wasted_bytes: wasted,|            wasted_bytes: wasted * 2,|' src/core/image/merge.rs ;;
    3) sed -i 's|            "V" => p.version = v.to_owned(),|            "V" => p.version = String::new(),|' src/core/image/packages.rs ;;
    4) sed -i 's|        manifest_digest: Some(digest),|        manifest_digest: None,|' src/core/image/plan.rs ;;
    5) sed -i 's|                    None => e.size.to_string(),|                    None => (e.size + 1).to_string(),|' src/bin/tarsier/image.rs ;;
    6) sed -i 's|    entry.mtime = match pending.mtime.take() {|    entry.mtime = 0; let _ = match pending.mtime.take() {|' src/core/image/tar_index.rs ;;
    *) echo "plant_bugs: no bug $1 (1..6)" >&2; exit 2 ;;
  esac
}

bugs=("$@")
[ ${#bugs[@]} -eq 0 ] && bugs=(1 2 3 4 5 6)
git worktree remove --force "$scratch" 2>/dev/null || rm -rf "$scratch"
git worktree add --detach "$scratch" HEAD >/dev/null
trap 'git worktree remove --force "$scratch" 2>/dev/null || true' EXIT
# The scratch tree shares the project's target directory: only the planted file rebuilds.
export CARGO_TARGET_DIR="$root/target"
status=0
for n in "${bugs[@]}"; do
  (cd "$scratch" && git checkout -q -- . && plant "$n")
  if (cd "$scratch" && git diff --quiet); then
    echo "bug $n: NOT PLANTED (its line moved; update scripts/plant_bugs.sh)"
    status=1
    continue
  fi
  # shellcheck disable=SC2086
  if (cd "$scratch" && cargo test -q $TESTS >"$scratch.log-$n" 2>&1); then
    echo "bug $n: tests PASSED — the bug went unseen ($(cd "$scratch" && git diff --stat | tail -1))"
    status=1
  else
    failed=$(grep -o '[0-9]* failed;' "$scratch.log-$n" | awk '{s += $1} END {print s + 0}')
    echo "bug $n: caught ($failed failing tests; log $scratch.log-$n)"
  fi
done
exit $status
