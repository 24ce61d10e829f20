# Sourced by the other scripts: the PATH where Tarsier's tools live.
# shellcheck shell=bash
_tarsier_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="$_tarsier_root/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
unset _tarsier_root
