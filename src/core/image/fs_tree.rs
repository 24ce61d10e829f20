//! Interned paths: every path in every layer is a node in one arena of name components, so
//! memory grows with the number of distinct names, not with path lengths times layers.
//!
//! Paths are raw bytes (tar names need not be UTF-8); they are normalized the way container
//! runtimes read layer tars: leading `/` and `./` dropped, empty and `.` components ignored.
//! `..` components are kept literally and flagged: such entries escape the root and are never
//! merged (see the OCI [image layer spec](https://github.com/opencontainers/image-spec/blob/main/layer.md)).

use hashbrown::{DefaultHashBuilder, HashTable};
use std::hash::BuildHasher;

/// Node id of the root directory.
pub const ROOT: u32 = 0;
/// "No node".
pub const NONE: u32 = u32::MAX;
/// Most path nodes an analysis may intern (memory cap against hostile archives).
pub const MAX_NODES: usize = 20_000_000;
/// Most bytes of names the arena may hold (offsets are `u32`).
pub const MAX_NAME_BYTES: u64 = u32::MAX as u64;

#[derive(Debug, Clone)]
struct Node {
    parent: u32,
    first_child: u32,
    next_sibling: u32,
    /// The name is `names[name_at..name_at + name_len]`.
    name_at: u32,
    name_len: u32,
}

/// The arena of interned path components.
///
/// Names live end to end in one byte arena, and one hash table of node ids finds the child
/// `(parent, name)` with a single probe, comparing against the arena: interning a path
/// allocates nothing but the arena's growth. Consecutive tar entries mostly share their
/// directory, so [`PathTree::intern`] remembers the last directory it resolved and then costs
/// one probe per entry, not one per component.
#[derive(Debug)]
pub struct PathTree {
    names: Vec<u8>,
    nodes: Vec<Node>,
    index: HashTable<u32>,
    hasher: DefaultHashBuilder,
    /// The raw directory part (up to and including the last `/`) of the last path interned
    /// through the fast path, and what it resolved to.
    last_dir: Vec<u8>,
    last_dir_node: u32,
    last_dir_dotdot: bool,
}

impl Default for PathTree {
    fn default() -> Self {
        Self::new()
    }
}

/// The normalized components of a raw tar path: `/`-separated, empty and `.` components
/// dropped (`..` is kept: see [`components`]).
pub fn component_iter(path: &[u8]) -> impl Iterator<Item = &[u8]> {
    path.split(|&b| b == b'/').filter(|c| !matches!(*c, b"" | b"."))
}

/// Splits a raw tar path into normalized components; the flag tells whether a `..` occurs.
pub fn components(path: &[u8]) -> (Vec<&[u8]>, bool) {
    let out: Vec<&[u8]> = component_iter(path).collect();
    let dotdot = out.iter().any(|c| *c == b"..");
    (out, dotdot)
}

impl PathTree {
    /// An arena holding only the root.
    pub fn new() -> Self {
        PathTree {
            names: Vec::new(),
            nodes: vec![Node {
                parent: NONE,
                first_child: NONE,
                next_sibling: NONE,
                name_at: 0,
                name_len: 0,
            }],
            index: HashTable::new(),
            hasher: DefaultHashBuilder::default(),
            last_dir: Vec::new(),
            last_dir_node: NONE,
            last_dir_dotdot: false,
        }
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    fn key_hash(&self, parent: u32, name: &[u8]) -> u64 {
        self.hasher.hash_one((parent, name))
    }

    fn find(&self, hash: u64, parent: u32, name: &[u8]) -> Option<u32> {
        self.index
            .find(hash, |&id| {
                self.nodes
                    .get(id as usize)
                    .is_some_and(|n| n.parent == parent && self.node_name(n) == name)
            })
            .copied()
    }

    fn node_name(&self, n: &Node) -> &[u8] {
        let at = n.name_at as usize;
        self.names.get(at..at + n.name_len as usize).unwrap_or(&[])
    }

    /// The child `name` of `parent`, created if needed. `None` when a cap is reached.
    pub fn child(&mut self, parent: u32, name: &[u8]) -> Option<u32> {
        let hash = self.key_hash(parent, name);
        if let Some(n) = self.find(hash, parent, name) {
            return Some(n);
        }
        if self.nodes.len() >= MAX_NODES || self.names.len().saturating_add(name.len()) as u64 > MAX_NAME_BYTES {
            return None;
        }
        let id = u32::try_from(self.nodes.len()).ok()?;
        let name_at = u32::try_from(self.names.len()).ok()?;
        let name_len = u32::try_from(name.len()).ok()?;
        let first = self.nodes.get(parent as usize)?.first_child;
        self.names.extend_from_slice(name);
        self.nodes.push(Node {
            parent,
            first_child: NONE,
            next_sibling: first,
            name_at,
            name_len,
        });
        if let Some(p) = self.nodes.get_mut(parent as usize) {
            p.first_child = id;
        }
        let (nodes, names, hasher) = (&self.nodes, &self.names, &self.hasher);
        self.index.insert_unique(hash, id, |&other| {
            let (p, nm) = nodes.get(other as usize).map_or((NONE, &[][..]), |n| {
                let at = n.name_at as usize;
                (n.parent, names.get(at..at + n.name_len as usize).unwrap_or(&[]))
            });
            hasher.hash_one((p, nm))
        });
        Some(id)
    }

    /// Interns every component of `path` below `from`; returns the node and whether a `..`
    /// component occurred.
    fn intern_from(&mut self, from: u32, path: &[u8]) -> Option<(u32, bool)> {
        let mut n = from;
        let mut dotdot = false;
        for c in component_iter(path) {
            dotdot |= c == b"..";
            n = self.child(n, c)?;
        }
        Some((n, dotdot))
    }

    /// Interns a whole path; returns the node and whether the path has a `..` component.
    pub fn intern(&mut self, path: &[u8]) -> Option<(u32, bool)> {
        // Fast path: `dir/` + a plain last name, where `dir/` is the last directory seen.
        let trimmed = match path.iter().rposition(|&b| b != b'/') {
            Some(i) => path.get(..=i).unwrap_or(path),
            None => return Some((ROOT, false)),
        };
        let split = trimmed.iter().rposition(|&b| b == b'/').map_or(0, |i| i + 1);
        let (dir, base) = trimmed.split_at(split);
        if matches!(base, b"." | b"..") {
            return self.intern_from(ROOT, path);
        }
        if self.last_dir_node == NONE || self.last_dir != dir {
            let (node, dotdot) = self.intern_from(ROOT, dir)?;
            self.last_dir.clear();
            self.last_dir.extend_from_slice(dir);
            self.last_dir_node = node;
            self.last_dir_dotdot = dotdot;
        }
        let parent = self.last_dir_node;
        let dotdot = self.last_dir_dotdot;
        Some((self.child(parent, base)?, dotdot))
    }

    /// Looks a path up without creating anything.
    pub fn lookup(&self, path: &[u8]) -> Option<u32> {
        let mut n = ROOT;
        for c in component_iter(path) {
            n = self.find(self.key_hash(n, c), n, c)?;
        }
        Some(n)
    }

    /// The node's own name (empty for the root).
    pub fn name(&self, node: u32) -> &[u8] {
        self.nodes.get(node as usize).map_or(&[][..], |n| self.node_name(n))
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

    /// Every node but the root in creation order, as `(parent, name)`: node `i + 1` is the
    /// `i`-th item, and a parent always comes before its children.
    pub fn created(&self) -> impl Iterator<Item = (u32, &[u8])> {
        self.nodes.iter().skip(1).map(|n| (n.parent, self.node_name(n)))
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

    /// The remembered-directory fast path gives the same node and `..` flag as interning every
    /// component from the root, whatever the order of the paths.
    #[test]
    fn fast_path_equals_component_walk() {
        let paths: &[&[u8]] = &[
            b"usr/bin/ls", b"usr/bin/cat", b"./usr/bin/", b"usr//bin///sh", b"/usr/bin/./env",
            b"usr/bin/..", b"usr/bin/../lib/x", b"usr/lib/x", b"../etc/passwd", b"a/../b/c",
            b"a/../b/d", b"", b"/", b"./", b".", b"..", b"usr/bin/.", b"etc/.wh.motd",
            b"etc/\xff/name", b"x/y/z/", b"x/y/z", b"x/y", b"usr/bin/ls",
        ];
        let mut fast = PathTree::new();
        let mut slow = PathTree::new();
        for p in paths {
            let (a, da) = fast.intern(p).unwrap();
            let (b, db) = slow.intern_from(ROOT, p).unwrap();
            assert_eq!(fast.path(a), slow.path(b), "{}", display_bytes(p));
            assert_eq!(da, db, "{}", display_bytes(p));
            assert_eq!(fast.lookup(p), Some(a));
        }
        assert_eq!(fast.len(), slow.len());
        assert_eq!(fast.lookup(b"no/such"), None);
        let mut kids: Vec<_> = fast.children(fast.lookup(b"usr/bin").unwrap()).map(|n| fast.name(n).to_vec()).collect();
        kids.sort();
        assert_eq!(kids, [&b".."[..], b"cat", b"env", b"ls", b"sh"]);
    }
}
