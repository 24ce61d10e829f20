#!/usr/bin/env python3
"""Import cycles between the crate's modules.

usage: scripts/import_cycles.py [--under web] [--graph]

Module X imports module Y when X's code names a path into Y (`super::y::…`, `crate::web::y`,
`use super::{y, …}`) or declares it (`mod y;`); a path resolves to the deepest module file it
reaches (`crate::web::state::Loaded` is `web::state`). Comments are ignored. Prints every cycle
(a strongly connected set of more than one module) among the modules under `--under` (default:
all of src/) and exits 1 if there is one; `--graph` also prints every module's imports.
"""
import argparse
import os
import re
import sys

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src')


def modules():
    found = {}
    for dirpath, _, files in os.walk(SRC):
        for name in files:
            if not name.endswith('.rs'):
                continue
            path = os.path.join(dirpath, name)
            parts = os.path.relpath(path, SRC)[:-3].split(os.sep)
            if parts[-1] in ('mod', 'lib'):
                parts = parts[:-1]
            found[tuple(parts)] = path
    return found


def inline_spans(text):
    """The (start, end) of every inline `mod name { … }` body, for paths inside them."""
    spans = []
    for m in re.finditer(r'\bmod\s+\w+\s*\{', text):
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {'{': 1, '}': -1}.get(text[i], 0)
            i += 1
        spans.append((m.end(), i))
    return spans


def imports(module, path, mods):
    text = re.sub(r'//.*', '', open(path, encoding='utf-8').read())
    spans = inline_spans(text)
    # `use a::{b, c::d}`: one path per item (nested braces are rare here and stay coarse).
    extra = []
    for group in re.finditer(r'\b((?:crate|super|self)(?:::\w+)*)::\{([^{}]*)\}', text):
        for item in group.group(2).split(','):
            item = item.strip().split(' as ')[0].strip()
            if item:
                # Placed where the group is, so that it is read inside the same inline module.
                extra.append((group.start(), f'{group.group(1)}::{item}'))
    out = set()
    paths = [(m.start(), m.group(1)) for m in re.finditer(r'\b((?:crate|super|self)(?:::\w+)+)', text)] + extra
    for at, found in paths:
        parts = found.split('::')
        # Inside an inline module (`mod tests { … }`), `super` first leaves that module.
        inline = sum(1 for a, b in spans if a <= at < b)
        base, i = list(module) + ['<inline>'] * inline, 0
        if parts[0] == 'crate':
            base, i = [], 1
        while i < len(parts) and parts[i] in ('super', 'self'):
            if parts[i] == 'super':
                base = base[:-1]
            i += 1
        full = base + parts[i:]
        if '<inline>' in full:
            continue  # an item of the inline module itself
        for n in range(len(full), 0, -1):
            if tuple(full[:n]) in mods:
                if tuple(full[:n]) != module:
                    out.add(tuple(full[:n]))
                break
    for m in re.finditer(r'^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;', text, re.M):
        child = module + (m.group(1),)
        if child in mods:
            out.add(child)
    return out


def cycles(graph):
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10_000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--under', default='', help='a module path such as web or core::image')
    ap.add_argument('--graph', action='store_true')
    args = ap.parse_args()
    prefix = tuple(p for p in args.under.split('::') if p)
    mods = modules()
    graph = {m: imports(m, p, mods) for m, p in mods.items() if m[:len(prefix)] == prefix and m}
    name = lambda m: '::'.join(m)
    if args.graph:
        for m in sorted(graph):
            print(f'{name(m)} -> {", ".join(sorted(name(t) for t in graph[m]))}')
    found = cycles(graph)
    for comp in found:
        print('cycle: ' + ' <-> '.join(name(m) for m in comp))
    print(f'{len(graph)} modules under {args.under or "src"}: {len(found)} import cycle(s)')
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main())
