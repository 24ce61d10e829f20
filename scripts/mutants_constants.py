#!/usr/bin/env python3
"""The mutants of constants, as a regex for `scripts/mutants.sh --narrow`.

Reads `cargo mutants --list` on stdin (run at the project's root) and prints one regex that
matches the names of the mutants on lines declaring a `const` (`pub const MAX_JSON: u64 = 16 *
1024 * 1024;`): the limits and sizes whose `*` → `+` mutants only a test at the limit catches.

    scripts/mutants.sh --narrow "$(cargo mutants --list | python3 scripts/mutants_constants.py)" "TESTS"
"""
import re
import sys

CONST = re.compile(r"\s*(pub(\([a-z]+\))?\s+)?const\s")
lines, keys = {}, set()
for name in sys.stdin:
    m = re.match(r"(\S+?):(\d+):\d+: ", name)
    if not m:
        continue
    path, line = m.group(1), int(m.group(2))
    if path not in lines:
        with open(path, encoding="utf-8") as f:
            lines[path] = f.read().splitlines()
    if CONST.match(lines[path][line - 1]):
        keys.add(f"{re.escape(path)}:{line}:")
if not keys:
    sys.exit("mutants_constants: no mutant of a constant in the list on stdin")
print("^(" + "|".join(sorted(keys)) + ")")
