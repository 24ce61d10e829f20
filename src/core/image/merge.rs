//! Merging an image's layers into the filesystem a container sees, with OCI whiteouts
//! ([layer spec](https://github.com/opencontainers/image-spec/blob/main/layer.md#whiteouts)):
//! in each layer, opaque markers and `.wh.` whiteouts apply to lower layers first (whatever their
//! position in the tar), then the layer's entries are added in order.
//!
//! Also computes per-layer added/modified/deleted counts, wasted bytes, and dive's efficiency
//! score ([dive `filetree/efficiency.go`](https://github.com/wagoodman/dive/blob/main/dive/filetree/efficiency.go)).
//!
//! Byte totals saturate at `u64::MAX` rather than overflow: the sizes come from tar headers, and
//! a PAX `size` record may claim up to 2^64 - 1 bytes for an entry whose body is cut short.

use super::fs_tree::{PathTree, NONE, ROOT};
use super::layer::{Entry, LayerIndex, FLAG_DOTDOT};
use super::report::{
    ChangeKind, Efficiency, EntryKind, LayerChanges, MergedStats, MergedStatus, PathChange,
};
use hashbrown::HashMap;

/// State of one path node in one image.
#[derive(Debug, Clone, Default)]
pub(crate) struct MNode {
    /// 0 = untouched, else a `MergedStatus` (1 present, 2 deleted, 3 hidden).
    pub status: u8,
    /// Layer position of the last change.
    pub layer: u32,
    /// Entry index in that layer (`NONE` for implied directories and deletions).
    pub entry: u32,
    pub history: Vec<(u32, ChangeKind)>,
}

pub(crate) const ST_PRESENT: u8 = 1;
pub(crate) const ST_DELETED: u8 = 2;
pub(crate) const ST_HIDDEN: u8 = 3;

impl MNode {
    pub(crate) fn status(&self) -> Option<MergedStatus> {
        match self.status {
            ST_PRESENT => Some(MergedStatus::Present),
            ST_DELETED => Some(MergedStatus::Deleted),
            ST_HIDDEN => Some(MergedStatus::Hidden),
            _ => None,
        }
    }
}

/// One image's merged tree.
#[derive(Debug)]
pub(crate) struct Merged {
    /// Report-layer index per position.
    pub layers: Vec<usize>,
    pub nodes: Vec<MNode>,
    pub changes: Vec<LayerChanges>,
    pub stats: MergedStats,
    pub efficiency: Efficiency,
    /// Hard links whose target was absent when they were added: (position, entry index).
    pub missing_hardlinks: Vec<(usize, u32)>,
    /// The last entry written for a node (position, entry), even if later deleted.
    pub last_written: HashMap<u32, (u32, u32)>,
    /// Per present directory node: what lies below it ([`DirTotal`]), computed once.
    pub dir_totals: HashMap<u32, DirTotal>,
}

/// What lies below one present directory of the merged tree, at any depth.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct DirTotal {
    /// Sum of the sizes of the present regular files (hard links are not counted again), saturating.
    pub bytes: u64,
    /// Number of present entries of any kind.
    pub entries: u64,
}

struct Ctx<'a> {
    layers: &'a [&'a LayerIndex],
    nodes: Vec<MNode>,
    changes: Vec<LayerChanges>,
    /// Hard links whose target was absent when their layer was applied: (layer, entry).
    missing_hardlinks: Vec<(usize, u32)>,
    /// The last (layer, entry) that wrote each node.
    last_written: HashMap<u32, (u32, u32)>,
}

impl Ctx<'_> {
    fn entry(&self, pos: u32, ei: u32) -> Option<&Entry> {
        self.layers.get(pos as usize)?.entries.get(ei as usize)
    }

    /// Size of the file content a present node holds (0 for dirs, links, implied dirs).
    fn content_size(&self, n: u32) -> u64 {
        let Some(m) = self.nodes.get(n as usize) else {
            return 0;
        };
        if m.entry == NONE {
            return 0;
        }
        match self.entry(m.layer, m.entry) {
            Some(e) if e.kind == EntryKind::File => e.data_size(),
            _ => 0,
        }
    }

    /// Removes `n` (if `include_self`) and its present descendants; returns (paths, bytes).
    fn remove(
        &mut self,
        tree: &PathTree,
        n: u32,
        include_self: bool,
        pos: u32,
        status: u8,
        kind: ChangeKind,
    ) -> (u64, u64) {
        let mut targets = Vec::new();
        if include_self {
            targets.push(n);
        }
        tree.for_each_descendant(n, &mut |d| targets.push(d));
        let mut count = 0;
        let mut bytes = 0u64;
        for t in targets {
            let present = self
                .nodes
                .get(t as usize)
                .is_some_and(|m| m.status == ST_PRESENT);
            if !present {
                continue;
            }
            let size = self.content_size(t);
            let writer = self.nodes.get(t as usize).map_or(0, |m| m.layer);
            if let Some(c) = self.changes.get_mut(writer as usize) {
                c.wasted_bytes = c.wasted_bytes.saturating_add(size);
            }
            count += 1;
            bytes = bytes.saturating_add(size);
            if let Some(m) = self.nodes.get_mut(t as usize) {
                m.status = status;
                m.layer = pos;
                m.entry = NONE;
                m.history.push((pos, kind));
            }
        }
        (count, bytes)
    }
}

/// Merges `layers` (bottom first). `report_layers` are their indexes in the report.
pub(crate) fn merge(tree: &PathTree, layers: &[&LayerIndex], report_layers: Vec<usize>) -> Merged {
    let mut ctx = Ctx {
        layers,
        nodes: vec![MNode::default(); tree.len()],
        changes: vec![LayerChanges::default(); layers.len()],
        missing_hardlinks: Vec::new(),
        last_written: HashMap::new(),
    };
    if let Some(root) = ctx.nodes.get_mut(ROOT as usize) {
        root.status = ST_PRESENT;
        root.entry = NONE;
    }
    for pos in 0..layers.len() {
        ctx.apply(tree, pos);
    }
    let stats = ctx.stats();
    let dir_totals = ctx.dir_totals(tree);
    let dive = super::efficiency::dive_figures(tree, layers);
    let wasted = ctx
        .changes
        .iter()
        .fold(0u64, |sum, c| sum.saturating_add(c.wasted_bytes));
    Merged {
        layers: report_layers,
        nodes: ctx.nodes,
        changes: ctx.changes,
        stats,
        efficiency: Efficiency {
            score: dive.score,
            wasted_bytes: wasted,
            dive_wasted_bytes: dive.wasted_bytes,
            inefficient_paths: dive.inefficient_paths,
        },
        missing_hardlinks: ctx.missing_hardlinks,
        last_written: ctx.last_written,
        dir_totals,
    }
}

impl Ctx<'_> {
    /// Applies layer `pos` the way overlayfs does: its opaque markers, then its whiteouts, then
    /// its entries. Wasted bytes go to the layer that wrote what is replaced; the counts of what
    /// layer `pos` adds, modifies and deletes to its own [`LayerChanges`].
    fn apply(&mut self, tree: &PathTree, pos: usize) {
        let Some(li) = self.layers.get(pos).copied() else {
            return;
        };
        let pos32 = u32::try_from(pos).unwrap_or(u32::MAX);
        let mut ch = LayerChanges::default();
        let live = |e: &&Entry, kind: EntryKind| {
            e.kind == kind && e.flags & FLAG_DOTDOT == 0 && e.target != NONE
        };
        for e in li.entries.iter().filter(|e| live(e, EntryKind::Opaque)) {
            let (c, b) = self.remove(tree, e.target, false, pos32, ST_HIDDEN, ChangeKind::Hidden);
            ch.deleted = ch.deleted.saturating_add(c);
            ch.deleted_bytes = ch.deleted_bytes.saturating_add(b);
        }
        for e in li.entries.iter().filter(|e| live(e, EntryKind::Whiteout)) {
            let (c, b) = self.remove(tree, e.target, true, pos32, ST_DELETED, ChangeKind::Deleted);
            ch.deleted = ch.deleted.saturating_add(c);
            ch.deleted_bytes = ch.deleted_bytes.saturating_add(b);
        }
        for (ei, e) in li.entries.iter().enumerate() {
            if matches!(
                e.kind,
                EntryKind::Whiteout | EntryKind::Opaque | EntryKind::AufsMeta
            ) || e.flags & FLAG_DOTDOT != 0
            {
                continue;
            }
            self.add(tree, pos, u32::try_from(ei).unwrap_or(u32::MAX), e, &mut ch);
        }
        // Wasted bytes were added to the writers' changes directly; the counts are this layer's.
        if let Some(c) = self.changes.get_mut(pos) {
            c.added = ch.added;
            c.modified = ch.modified;
            c.deleted = ch.deleted;
            c.added_bytes = ch.added_bytes;
            c.modified_bytes = ch.modified_bytes;
            c.deleted_bytes = ch.deleted_bytes;
        }
    }

    /// Makes the missing parent directories of `node` present, as written by layer `pos32`
    /// (a non-directory in the way is replaced, and its bytes wasted).
    fn imply_parents(&mut self, tree: &PathTree, node: u32, pos32: u32) {
        let mut p = tree.parent(node);
        let mut implied = Vec::new();
        while p != NONE && p != ROOT {
            let (present, is_dir) = match self.nodes.get(p as usize) {
                Some(m) if m.status == ST_PRESENT => {
                    let dir = m.entry == NONE
                        || self
                            .entry(m.layer, m.entry)
                            .is_some_and(|x| x.kind == EntryKind::Dir);
                    (true, dir)
                }
                _ => (false, false),
            };
            if present && is_dir {
                break;
            }
            implied.push(p);
            p = tree.parent(p);
        }
        for &ip in implied.iter().rev() {
            let was_present = self
                .nodes
                .get(ip as usize)
                .is_some_and(|m| m.status == ST_PRESENT);
            if was_present {
                // A non-directory replaced by an implied directory.
                let size = self.content_size(ip);
                let writer = self.nodes.get(ip as usize).map_or(0, |m| m.layer);
                if let Some(c) = self.changes.get_mut(writer as usize) {
                    c.wasted_bytes = c.wasted_bytes.saturating_add(size);
                }
            }
            if let Some(m) = self.nodes.get_mut(ip as usize) {
                m.status = ST_PRESENT;
                m.layer = pos32;
                m.entry = NONE;
                m.history.push((pos32, ChangeKind::Implied));
            }
        }
    }

    /// Adds entry `ei32` of layer `pos`: its parents, then the entry over whatever was there.
    fn add(&mut self, tree: &PathTree, pos: usize, ei32: u32, e: &Entry, ch: &mut LayerChanges) {
        let pos32 = u32::try_from(pos).unwrap_or(u32::MAX);
        self.imply_parents(tree, e.node, pos32);
        if e.kind == EntryKind::Hardlink {
            let target = e.link.as_deref().and_then(|l| tree.lookup(l));
            let ok = target.is_some_and(|t| {
                self.nodes
                    .get(t as usize)
                    .is_some_and(|m| m.status == ST_PRESENT)
            });
            if !ok {
                self.missing_hardlinks.push((pos, ei32));
            }
        }
        let (present, same_layer, old_is_dir) = match self.nodes.get(e.node as usize) {
            Some(m) if m.status == ST_PRESENT => {
                let dir = m.entry == NONE
                    || self
                        .entry(m.layer, m.entry)
                        .is_some_and(|x| x.kind == EntryKind::Dir);
                (true, m.layer == pos32 && m.entry != NONE, dir)
            }
            _ => (false, false, false),
        };
        let size = if e.kind == EntryKind::File {
            e.data_size()
        } else {
            0
        };
        if e.node == ROOT {
            // The root always exists; a `./` entry only sets its metadata.
        } else if present && !same_layer {
            let old = self.content_size(e.node);
            let writer = self.nodes.get(e.node as usize).map_or(0, |m| m.layer);
            if let Some(c) = self.changes.get_mut(writer as usize) {
                c.wasted_bytes = c.wasted_bytes.saturating_add(old);
            }
            if old_is_dir && e.kind != EntryKind::Dir {
                let (c, b) =
                    self.remove(tree, e.node, false, pos32, ST_DELETED, ChangeKind::Deleted);
                ch.deleted = ch.deleted.saturating_add(c);
                ch.deleted_bytes = ch.deleted_bytes.saturating_add(b);
            }
            ch.modified = ch.modified.saturating_add(1);
            ch.modified_bytes = ch.modified_bytes.saturating_add(size);
        } else if !present {
            ch.added = ch.added.saturating_add(1);
            ch.added_bytes = ch.added_bytes.saturating_add(size);
        }
        if let Some(m) = self.nodes.get_mut(e.node as usize) {
            let kind = if present && !same_layer {
                ChangeKind::Modified
            } else if present {
                // duplicate within the layer: keep one history item
                m.history.pop().map_or(ChangeKind::Added, |(_, k)| k)
            } else {
                ChangeKind::Added
            };
            m.status = ST_PRESENT;
            m.layer = pos32;
            m.entry = ei32;
            m.history.push((pos32, kind));
        }
        self.last_written.insert(e.node, (pos32, ei32));
    }

    /// The kind of a present node: a directory when no entry wrote it (implied by its children).
    fn present_kind(&self, m: &MNode) -> EntryKind {
        if m.entry == NONE {
            EntryKind::Dir
        } else {
            self.entry(m.layer, m.entry).map_or(EntryKind::Dir, |e| e.kind)
        }
    }

    /// The totals below every present directory, in one pass: nodes are created after their
    /// parents, so walking them backwards adds each node's own size and totals to its parent's
    /// before the parent is itself added to its own parent.
    fn dir_totals(&self, tree: &PathTree) -> HashMap<u32, DirTotal> {
        let mut below: Vec<DirTotal> = vec![DirTotal::default(); self.nodes.len()];
        for n in (1..self.nodes.len()).rev() {
            let Some(m) = self.nodes.get(n).filter(|m| m.status == ST_PRESENT) else { continue };
            let own = match self.present_kind(m) {
                EntryKind::File => self.entry(m.layer, m.entry).map_or(0, |e| e.data_size()),
                _ => 0,
            };
            let Ok(node) = u32::try_from(n) else { continue };
            let mine = below.get(n).copied().unwrap_or_default();
            if let Some(p) = below.get_mut(tree.parent(node) as usize) {
                p.bytes = p.bytes.saturating_add(own).saturating_add(mine.bytes);
                p.entries = p.entries.saturating_add(1).saturating_add(mine.entries);
            }
        }
        below
            .into_iter()
            .enumerate()
            .filter(|(n, _)| {
                self.nodes
                    .get(*n)
                    .is_some_and(|m| m.status == ST_PRESENT && self.present_kind(m) == EntryKind::Dir)
            })
            .filter_map(|(n, t)| Some((u32::try_from(n).ok()?, t)))
            .collect()
    }

    /// Counts of what the merged filesystem holds.
    fn stats(&self) -> MergedStats {
        let mut stats = MergedStats::default();
        for (n, m) in self.nodes.iter().enumerate() {
            match m.status {
                ST_PRESENT => {
                    if n == ROOT as usize {
                        continue;
                    }
                    stats.paths += 1;
                    let kind = if m.entry == NONE {
                        EntryKind::Dir
                    } else {
                        self.entry(m.layer, m.entry)
                            .map_or(EntryKind::Dir, |e| e.kind)
                    };
                    match kind {
                        EntryKind::File => {
                            stats.files += 1;
                            let size = self.entry(m.layer, m.entry).map_or(0, |e| e.data_size());
                            stats.total_bytes = stats.total_bytes.saturating_add(size);
                        }
                        EntryKind::Dir => stats.dirs += 1,
                        EntryKind::Symlink => stats.symlinks += 1,
                        EntryKind::Hardlink => stats.hardlinks += 1,
                        _ => stats.others += 1,
                    }
                }
                ST_DELETED | ST_HIDDEN => stats.deleted_paths += 1,
                _ => {}
            }
        }
        stats
    }
}

/// The history as report items.
pub(crate) fn history(m: &MNode) -> Vec<PathChange> {
    m.history
        .iter()
        .map(|&(l, c)| PathChange {
            layer: l as usize,
            change: c,
        })
        .collect()
}
