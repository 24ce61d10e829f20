//! The module graph of `src/` has no import circles (issue 11): a newcomer can read each module
//! knowing only the ones below it.
//!
//! A module is a file (`src/core/image/scan.rs` is `core::image::scan`; `mod.rs` and `main.rs`
//! are their directory's module). Module A depends on module B when A's code (comments, strings
//! and `#[cfg(test)]` modules left out) names a path that resolves to B or to an item of B:
//! `crate::core::image::scan::Blob`, `super::Position` (an item of the parent, its face), a `use`
//! group `crate::core::{caps, image::Report}`. Declaring a child (`mod scan;`) is not a
//! dependency; re-exporting from it (`pub use scan::Blob`) is. `src/bin/tarsier` is its own crate
//! (`crate::` is its `main.rs`); its `tarsier::…` paths reach the library, which cannot reach back.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One module: its path segments and its code.
struct Module {
    path: Vec<String>,
    code: String,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The module path of a file under `root`, with `prefix` for the crate (`["lib"]`, …).
fn module_path(root: &Path, file: &Path, prefix: &[&str]) -> Vec<String> {
    let rel = file.strip_prefix(root).unwrap().with_extension("");
    let mut segs: Vec<String> = prefix.iter().map(|s| s.to_string()).collect();
    segs.extend(rel.iter().map(|s| s.to_string_lossy().into_owned()));
    if matches!(segs.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        segs.pop();
    }
    segs
}

/// The code without comments, string and char literals, and `#[cfg(test)]` modules.
fn strip(src: &str) -> String {
    let src = match src.find("#[cfg(test)]\nmod ") {
        Some(i) => &src[..i],
        None => src,
    };
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let mut depth = 0;
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if b[i] == b'r' && (b[i..].starts_with(b"r\"") || b[i..].starts_with(b"r#")) && (i == 0 || !is_ident(b[i - 1])) {
            // A raw string r#"…"#.
            let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
            if b.get(i + 1 + hashes) != Some(&b'"') {
                out.push('r');
                i += 1;
                continue;
            }
            let end: Vec<u8> = std::iter::once(b'"').chain(std::iter::repeat_n(b'#', hashes)).collect();
            i += 2 + hashes;
            while i < b.len() && !b[i..].starts_with(&end) {
                i += 1;
            }
            i += end.len();
            out.push_str("\"\"");
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if b[i] == b'\'' {
            // A char literal ('a', '\n', '\u{..}') or a lifetime ('a): skip only the former.
            let close = b[i + 1..].iter().take(12).position(|&c| c == b'\'');
            match close {
                Some(n) if n > 0 && (n == 1 || b[i + 1] == b'\\') => i += n + 2,
                _ => {
                    out.push('\'');
                    i += 1;
                }
            }
        } else {
            out.push(b[i] as char);
            i += 1;
        }
    }
    out
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Every path in `code` that starts with `crate`, `super`, `self` or one of `roots` (`*`: any
/// name; [`resolve`] keeps those through a child module or another crate), with `use`
/// groups expanded (`a::{b, c::d}` gives `a::b` and `a::c::d`).
fn paths(code: &str, roots: &[&str]) -> Vec<Vec<String>> {
    let b = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if is_ident(b[i]) && (i == 0 || !(is_ident(b[i - 1]) || b[i - 1] == b':')) {
            let start = i;
            while i < b.len() && is_ident(b[i]) {
                i += 1;
            }
            let word = &code[start..i];
            if (["crate", "super", "self"].contains(&word) || roots.contains(&word) || roots.contains(&"*")) && code[i..].starts_with("::") {
                let (found, end) = path_tail(code, i, vec![word.to_string()]);
                out.extend(found);
                i = end;
            }
        } else {
            i += 1;
        }
    }
    out
}

/// Reads `::seg::seg…` or `::{…}` after `at`, returning the paths (prefixed) and where it ends.
fn path_tail(code: &str, mut at: usize, prefix: Vec<String>) -> (Vec<Vec<String>>, usize) {
    let b = code.as_bytes();
    let mut segs = prefix;
    loop {
        let rest = &code[at..];
        let skip = rest.len() - rest.trim_start().len();
        if !code[at + skip..].starts_with("::") {
            return (vec![segs], at);
        }
        at += skip + 2;
        while at < b.len() && b[at].is_ascii_whitespace() {
            at += 1;
        }
        if b.get(at) == Some(&b'{') {
            return group(code, at + 1, segs);
        }
        let start = at;
        while at < b.len() && is_ident(b[at]) {
            at += 1;
        }
        if at == start {
            // `::*` or `::<T>`: the path so far.
            return (vec![segs], at);
        }
        segs.push(code[start..at].to_string());
    }
}

/// The items of a `{a, b::c, d::{e}}` group starting at `at` (after the brace).
fn group(code: &str, mut at: usize, prefix: Vec<String>) -> (Vec<Vec<String>>, usize) {
    let b = code.as_bytes();
    let mut out = Vec::new();
    loop {
        while at < b.len() && (b[at].is_ascii_whitespace() || b[at] == b',') {
            at += 1;
        }
        if at >= b.len() || b[at] == b'}' {
            return (out, at + 1);
        }
        if b[at] == b'*' {
            out.push(prefix.clone());
            at += 1;
            continue;
        }
        let start = at;
        while at < b.len() && is_ident(b[at]) {
            at += 1;
        }
        if at == start {
            // Something else (`as`, a macro): skip one character.
            at += 1;
            continue;
        }
        let mut p = prefix.clone();
        p.push(code[start..at].to_string());
        let (found, end) = path_tail(code, at, p);
        out.extend(found);
        at = end;
        // Skip an `as alias`.
        while at < b.len() && !matches!(b[at], b',' | b'}') {
            at += 1;
        }
    }
}

/// The module a path written in module `from` resolves to: the deepest known module along it.
fn resolve(from: &[String], path: &[String], crate_root: &[String], known: &BTreeSet<Vec<String>>, ext: &BTreeMap<String, Vec<String>>) -> Option<Vec<String>> {
    let mut base: Vec<String>;
    let mut rest = path;
    match path.first()?.as_str() {
        "crate" => {
            base = crate_root.to_vec();
            rest = &path[1..];
        }
        "self" => {
            base = from.to_vec();
            rest = &path[1..];
        }
        "super" => {
            base = from.to_vec();
            while rest.first().is_some_and(|s| s == "super") {
                base.pop()?;
                rest = &rest[1..];
            }
        }
        other => {
            let mut child = from.to_vec();
            child.push(other.to_string());
            if known.contains(&child) {
                // A path through a child module (`mod image;` … `image::inspect`).
                base = from.to_vec();
            } else {
                base = ext.get(other)?.clone();
                rest = &path[1..];
            }
        }
    }
    let mut target = base.clone();
    for seg in rest {
        base.push(seg.clone());
        if known.contains(&base) {
            target = base.clone();
        } else {
            break;
        }
    }
    Some(target)
}

/// The dependency graph of the library and the CLI crate.
fn graph() -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut modules = Vec::new();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap();
        let path = if rel.starts_with("bin/tarsier") {
            module_path(&src.join("bin/tarsier"), f, &["bin", "tarsier"])
        } else if rel.starts_with("bin") {
            module_path(&src.join("bin"), f, &["bin"])
        } else {
            module_path(&src, f, &["lib"])
        };
        modules.push(Module { path, code: strip(&std::fs::read_to_string(f).unwrap()) });
    }
    let known: BTreeSet<Vec<String>> = modules.iter().map(|m| m.path.clone()).collect();
    let lib = vec!["lib".to_string()];
    let ext: BTreeMap<String, Vec<String>> = [("tarsier".to_string(), lib.clone())].into();
    let mut g: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for m in &modules {
        let root = if m.path.starts_with(&["bin".into(), "tarsier".into()]) {
            m.path[..2].to_vec()
        } else if m.path.first().is_some_and(|s| s == "bin") {
            m.path[..2.min(m.path.len())].to_vec()
        } else {
            lib.clone()
        };
        let edges = g.entry(m.path.clone()).or_default();
        for p in paths(&m.code, &["*"]) {
            if let Some(t) = resolve(&m.path, &p, &root, &known, &ext) {
                if t != m.path {
                    edges.insert(t);
                }
            }
        }
    }
    g
}

/// Strongly connected components with more than one module (Tarjan).
fn circles(g: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<Vec<String>> {
    struct T<'a> {
        g: &'a BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        index: BTreeMap<&'a Vec<String>, usize>,
        low: BTreeMap<&'a Vec<String>, usize>,
        stack: Vec<&'a Vec<String>>,
        on: BTreeSet<&'a Vec<String>>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a Vec<String>) {
        let n = t.index.len();
        t.index.insert(v, n);
        t.low.insert(v, n);
        t.stack.push(v);
        t.on.insert(v);
        if let Some(ws) = t.g.get(v) {
            for w in ws {
                let Some((w, _)) = t.g.get_key_value(w) else { continue };
                if !t.index.contains_key(w) {
                    visit(t, w);
                    let lw = t.low[w];
                    let lv = t.low.get_mut(v).unwrap();
                    *lv = (*lv).min(lw);
                } else if t.on.contains(w) {
                    let iw = t.index[w];
                    let lv = t.low.get_mut(v).unwrap();
                    *lv = (*lv).min(iw);
                }
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                comp.push(w.join("::"));
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = T { g, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), on: BTreeSet::new(), out: Vec::new() };
    for v in g.keys() {
        if !t.index.contains_key(v) {
            visit(&mut t, v);
        }
    }
    t.out
}

#[test]
fn no_module_of_src_takes_part_in_an_import_circle() {
    let g = graph();
    assert!(g.len() > 60, "only {} modules found", g.len());
    let c = circles(&g);
    // Each circle with its edges, to see which `use` to change.
    let mut report = String::new();
    for comp in &c {
        report.push_str("circle:\n");
        for (from, to) in g.iter().flat_map(|(f, ts)| ts.iter().map(move |t| (f.join("::"), t.join("::")))) {
            if comp.contains(&from) && comp.contains(&to) {
                report.push_str(&format!("  {from} -> {to}\n"));
            }
        }
    }
    assert!(c.is_empty(), "{} import circles:\n{report}", c.len());
}

/// The checker itself: it finds the circles it is meant to find.
#[test]
fn the_checker_sees_paths_groups_and_faces() {
    let code = strip("use crate::core::{caps, image::{Report, scan::Blob}};\n// crate::core::x\nlet s = \"crate::core::y\"; super::Position; tarsier::core::caps::x");
    let mut p = paths(&code, &["tarsier"]);
    p.sort();
    let j: Vec<String> = p.iter().map(|p| p.join("::")).collect();
    assert_eq!(j, ["crate::core::caps", "crate::core::image::Report", "crate::core::image::scan::Blob", "super::Position", "tarsier::core::caps::x"]);
    let m = |s: &str| s.split("::").map(String::from).collect::<Vec<_>>();
    let known: BTreeSet<_> = ["lib", "lib::core", "lib::core::image", "lib::core::image::scan"].map(m).into();
    let ext = BTreeMap::new();
    let from = m("lib::core::image::scan");
    assert_eq!(resolve(&from, &m("super::Position"), &m("lib"), &known, &ext), Some(m("lib::core::image")));
    assert_eq!(resolve(&from, &m("crate::core::image::scan::Blob"), &m("lib"), &known, &ext), Some(m("lib::core::image::scan")));
    assert_eq!(resolve(&m("lib::core::image"), &m("scan::Blob"), &m("lib"), &known, &ext), Some(m("lib::core::image::scan")));
    assert_eq!(resolve(&m("lib::core::image"), &m("std::io::Read"), &m("lib"), &known, &ext), None);
    let g: BTreeMap<_, BTreeSet<_>> = [(m("a"), [m("b")].into()), (m("b"), [m("c")].into()), (m("c"), [m("a")].into()), (m("d"), [m("a")].into())].into();
    assert_eq!(circles(&g), vec![vec!["a".to_string(), "b".into(), "c".into()]]);
}
