//! No module of `src/core/` takes part in an import circle (issue 11): a module never imports
//! its caller, so the pipelines read top to bottom.
//!
//! Module X depends on Y when X's code (comments and `#[cfg(test)] mod tests` left out) names a
//! path `crate::core::Y…` or `super::…Y…` (also inside `use …::{…}` groups); a path is resolved
//! to the longest module it names that is a file, so `crate::core::status::analyze` is the
//! module `status::analyze` and `super::{field_info, …}` is the parent. A parent's own `mod y;`
//! and `pub use y::…` are not dependencies (that is how a face re-exports its children).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Module = Vec<String>;

fn modules(dir: &Path, prefix: &Module, out: &mut BTreeMap<Module, String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).flatten().collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            let mut m = prefix.clone();
            m.push(name);
            modules(&path, &m, out);
        } else if let Some(stem) = name.strip_suffix(".rs") {
            let mut m = prefix.clone();
            if stem != "mod" {
                m.push(stem.to_owned());
            }
            out.insert(m, std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())));
        }
    }
}

/// The code without comments and without the unit-test module (tests may reach anywhere).
fn code(source: &str) -> String {
    let body = match source.find("#[cfg(test)]\nmod tests") {
        Some(at) => &source[..at],
        None => source,
    };
    body.lines().map(|l| l.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n")
}

/// The longest module that `path` (segments) names.
fn resolve(path: &[String], known: &BTreeMap<Module, String>) -> Option<Module> {
    (1..=path.len()).rev().map(|n| path[..n].to_vec()).find(|m| known.contains_key(m))
}

/// Paths that follow `at` in `text`: `a::b::c`, or each item of a `{…}` group.
fn paths_after(text: &str) -> Vec<Vec<String>> {
    let ident = |s: &str| -> Vec<String> {
        let end = s.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(s.len());
        s[..end].split("::").filter(|p| !p.is_empty()).map(str::to_owned).collect()
    };
    let head = ident(text);
    let consumed: usize = head.iter().map(|p| p.len() + 2).sum();
    let rest = text.get(consumed..).unwrap_or_default();
    if !rest.starts_with('{') {
        return vec![head];
    }
    let mut depth = 0usize;
    let mut items = Vec::new();
    let mut current = String::new();
    for c in rest.chars().skip(1) {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => items.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    items.push(current);
    items.iter().map(|item| head.iter().cloned().chain(ident(item.trim())).collect()).collect()
}

fn dependencies(module: &Module, source: &str, known: &BTreeMap<Module, String>) -> BTreeSet<Module> {
    let code = code(source);
    let mut out = BTreeSet::new();
    for (at, _) in code.match_indices("crate::core::") {
        for path in paths_after(&code[at + "crate::core::".len()..]) {
            let full: Vec<String> = std::iter::once("core".to_owned()).chain(path).collect();
            out.extend(resolve(&full, known));
        }
    }
    for (at, _) in code.match_indices("super::") {
        if code[..at].ends_with("super::") {
            continue; // counted from the first `super::` of a run
        }
        let mut ups = 0;
        let mut rest = &code[at..];
        while let Some(r) = rest.strip_prefix("super::") {
            ups += 1;
            rest = r;
        }
        // A file module's `super` is its parent; `mod.rs` is the module itself, so the same.
        let Some(base) = module.len().checked_sub(ups) else { continue };
        for path in paths_after(rest) {
            let full: Vec<String> = module[..base].iter().cloned().chain(path).collect();
            out.extend(resolve(&full, known));
        }
    }
    out.remove(module);
    out
}

/// Strongly connected components with more than one module (Tarjan).
fn circles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    struct State<'a> {
        graph: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'a Module, usize>,
        low: BTreeMap<&'a Module, usize>,
        stack: Vec<&'a Module>,
        found: Vec<Vec<Module>>,
    }
    fn visit<'a>(v: &'a Module, s: &mut State<'a>) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        for w in s.graph.get(v).into_iter().flatten() {
            if !s.index.contains_key(w) {
                visit(w, s);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.stack.contains(&w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                component.push(w.clone());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                s.found.push(component);
            }
        }
    }
    let mut s = State { graph, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), found: Vec::new() };
    for v in graph.keys() {
        if !s.index.contains_key(v) {
            visit(v, &mut s);
        }
    }
    s.found
}

fn graph_of(root: &str) -> BTreeMap<Module, BTreeSet<Module>> {
    let mut known = BTreeMap::new();
    modules(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(root), &vec![root.to_owned()], &mut known);
    known.iter().map(|(m, src)| (m.clone(), dependencies(m, src, &known))).collect()
}

#[test]
fn no_module_of_the_core_is_in_an_import_circle() {
    let graph = graph_of("core");
    assert!(graph.len() > 40, "{} modules: the walk missed src/core", graph.len());
    // The checker sees real edges (a broken parser would find no circle anywhere).
    let has = |from: &str, to: &str| {
        let key = |s: &str| s.split("::").map(str::to_owned).collect::<Module>();
        graph.get(&key(from)).is_some_and(|deps| deps.contains(&key(to)))
    };
    assert!(has("core::paste", "core::status"), "{:?}", graph.get(&vec!["core".to_owned(), "paste".to_owned()]));
    assert!(has("core::status::analyze", "core::status"));
    assert!(has("core::image::tar_index", "core::image::source"));
    let found: Vec<String> = circles(&graph)
        .iter()
        .map(|c| c.iter().map(|m| m.join("::")).collect::<Vec<_>>().join(" ↔ "))
        .collect();
    assert!(found.is_empty(), "import circles in src/core: {found:#?}");
}

#[test]
fn the_checker_finds_a_circle() {
    let known: BTreeMap<Module, String> = [
        (vec!["core".to_owned(), "a".to_owned()], "use crate::core::b::{x, y};".to_owned()),
        (vec!["core".to_owned(), "b".to_owned()], "fn f() { crate::core::a::g() }".to_owned()),
        (vec!["core".to_owned(), "c".to_owned()], "use super::{a::x, b};".to_owned()),
    ]
    .into_iter()
    .collect();
    let graph: BTreeMap<Module, BTreeSet<Module>> = known.iter().map(|(m, s)| (m.clone(), dependencies(m, s, &known))).collect();
    assert_eq!(graph[&vec!["core".to_owned(), "c".to_owned()]].len(), 2);
    let found = circles(&graph);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].len(), 2);
}
