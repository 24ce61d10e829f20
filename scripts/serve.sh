#!/usr/bin/env bash
# Command 1 of the README: install what is missing, build the release site, serve it on
# http://127.0.0.1:8080 (Ctrl-C stops it). Extra arguments go to `trunk serve`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh
. scripts/env.sh
exec trunk serve --release "$@"
