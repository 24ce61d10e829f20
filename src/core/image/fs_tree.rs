//! Interned paths: every path in every layer is a node in one arena of name components, so
//! memory grows with the number of distinct names, not with path lengths times layers.
//!
//! Paths are raw bytes (tar names need not be UTF-8); they are normalized the way container
//! runtimes read layer tars: leading `/` and `./` dropped, empty and `.` components ignored.
//! `..` components are kept literally and flagged: such entries escape the root and are never
//! merged (see the OCI [image layer spec](https://github.com/opencontainers/image-spec/blob/main/layer.md)).

use std::collections::HashMap;

/// Node id of the root directory.
pub const ROOT: u32 = 0;
/// "No node".
pub const NONE: u32 = u32::MAX;
/// Most path nodes an analysis may intern (memory cap against hostile archives).
pub const MAX_NODES: usize = 20_000_000;

#[derive(Debug, Clone)]
struct Node {
    parent: u32,
    name: u32,
    first_child: u32,
    next_sibling: u32,
}

/// The arena of interned path components.
#[derive(Debug)]
pub struct PathTree {
    names: Vec<Box<[u8]>>,
    name_ids: HashMap<Box<[u8]>, u32>,
    nodes: Vec<Node>,
    index: HashMap<(u32, u32), u32>,
}

impl Default for PathTree {
    fn default() -> Self {
        Self::new()
    }
}

/// Splits a raw tar path into normalized components; the flag tells whether a `..` occurs.
pub fn components(path: &[u8]) -> (Vec<&[u8]>, bool) {
    let mut out = Vec::new();
    let mut dotdot = false;
    for c in path.split(|&b| b == b'/') {
        match c {
            b"" | b"." => {}
            b".." => {
                dotdot = true;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    (out, dotdot)
}

impl PathTree {
    /// An arena holding only the root.
    pub fn new() -> Self {
        PathTree {
            names: vec![Box::from(&b""[..])],
            name_ids: HashMap::new(),
            nodes: vec![Node {
                parent: NONE,
                name: 0,
                first_child: NONE,
                next_sibling: NONE,
            }],
            index: HashMap::new(),
        }
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    fn name_id(&mut self, name: &[u8]) -> u32 {
        if let Some(&id) = self.name_ids.get(name) {
            return id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(NONE);
        let b: Box<[u8]> = Box::from(name);
        self.names.push(b.clone());
        self.name_ids.insert(b, id);
        id
    }

    /// The child `name` of `parent`, created if needed. `None` when the node cap is reached.
    pub fn child(&mut self, parent: u32, name: &[u8]) -> Option<u32> {
        let nid = self.name_id(name);
        if let Some(&n) = self.index.get(&(parent, nid)) {
            return Some(n);
        }
        if self.nodes.len() >= MAX_NODES {
            return None;
        }
        let id = u32::try_from(self.nodes.len()).ok()?;
        let first = self.nodes.get(parent as usize)?.first_child;
        self.nodes.push(Node {
            parent,
            name: nid,
            first_child: NONE,
            next_sibling: first,
        });
        if let Some(p) = self.nodes.get_mut(parent as usize) {
            p.first_child = id;
        }
        self.index.insert((parent, nid), id);
        Some(id)
    }

    /// Interns a whole path; returns the node and whether the path has a `..` component.
    pub fn intern(&mut self, path: &[u8]) -> Option<(u32, bool)> {
        let (comps, dotdot) = components(path);
        let mut n = ROOT;
        for c in comps {
            n = self.child(n, c)?;
        }
        Some((n, dotdot))
    }

    /// Looks a path up without creating anything.
    pub fn lookup(&self, path: &[u8]) -> Option<u32> {
        let (comps, _) = components(path);
        let mut n = ROOT;
        for c in comps {
            let nid = *self.name_ids.get(c)?;
            n = *self.index.get(&(n, nid))?;
        }
        Some(n)
    }

    /// The node's own name (empty for the root).
    pub fn name(&self, node: u32) -> &[u8] {
        self.nodes
            .get(node as usize)
            .and_then(|n| self.names.get(n.name as usize))
            .map_or(&[][..], |b| &b[..])
    }

    /// The parent node (`NONE` for the root).
    pub fn parent(&self, node: u32) -> u32 {
        self.nodes.get(node as usize).map_or(NONE, |n| n.parent)
    }

    /// The full path, components joined by `/`, without a leading slash (root is empty).
    pub fn path(&self, node: u32) -> Vec<u8> {
        let mut parts = Vec::new();
        let mut n = node;
        while n != ROOT && n != NONE {
            parts.push(self.name(n));
            n = self.parent(n);
        }
        let mut out = Vec::new();
        for (i, p) in parts.iter().rev().enumerate() {
            if i > 0 {
                out.push(b'/');
            }
            out.extend_from_slice(p);
        }
        out
    }

    /// Children of a node, in no particular order.
    pub fn children(&self, node: u32) -> Children<'_> {
        Children {
            tree: self,
            next: self
                .nodes
                .get(node as usize)
                .map_or(NONE, |n| n.first_child),
        }
    }

    /// Calls `f` on every strict descendant of `node` (iteratively; no recursion depth limit).
    pub fn for_each_descendant(&self, node: u32, f: &mut dyn FnMut(u32)) {
        let mut stack: Vec<u32> = self.children(node).collect();
        while let Some(n) = stack.pop() {
            f(n);
            stack.extend(self.children(n));
        }
    }
}

/// Iterator over a node's children.
pub struct Children<'a> {
    tree: &'a PathTree,
    next: u32,
}

impl Iterator for Children<'_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        if self.next == NONE {
            return None;
        }
        let cur = self.next;
        self.next = self
            .tree
            .nodes
            .get(cur as usize)
            .map_or(NONE, |n| n.next_sibling);
        Some(cur)
    }
}

/// Shows raw name bytes as text: valid UTF-8 as is, other bytes as `\xNN` (and `\\` for `\`).
pub fn display_bytes(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) if !s.contains('\\') => s.to_owned(),
        _ => {
            let mut out = String::new();
            for chunk in b.utf8_chunks() {
                for ch in chunk.valid().chars() {
                    if ch == '\\' {
                        out.push_str("\\\\");
                    } else {
                        out.push(ch);
                    }
                }
                for &x in chunk.invalid() {
                    out.push_str(&format!("\\x{x:02x}"));
                }
            }
            out
        }
    }
}

/// Inverse of [`display_bytes`]: `\xNN` back to the byte, `\\` back to `\`.
pub fn undisplay(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b.get(i) == Some(&b'\\') {
            if b.get(i + 1) == Some(&b'\\') {
                out.push(b'\\');
                i += 2;
                continue;
            }
            if b.get(i + 1) == Some(&b'x') {
                if let Some(v) = b
                    .get(i + 2..i + 4)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    out.push(v);
                    i += 4;
                    continue;
                }
            }
        }
        if let Some(&c) = b.get(i) {
            out.push(c);
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intern_and_lookup() {
        let mut t = PathTree::new();
        let (a, dd) = t.intern(b"./usr/bin/").unwrap();
        assert!(!dd);
        assert_eq!(t.path(a), b"usr/bin");
        assert_eq!(t.lookup(b"/usr//bin"), Some(a));
        assert_eq!(t.intern(b"./").unwrap().0, ROOT);
        assert!(t.intern(b"../etc/passwd").unwrap().1);
        assert_eq!(display_bytes(b"a\xffb"), "a\\xffb");
        assert_eq!(display_bytes("ü".as_bytes()), "ü");
        for raw in [&b"a\xffb"[..], b"back\\slash", "ü".as_bytes()] {
            assert_eq!(undisplay(&display_bytes(raw)), raw);
        }
    }
}
