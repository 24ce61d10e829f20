//! dive's image efficiency score and "potential wasted space", computed the way
//! [dive](https://github.com/wagoodman/dive) computes them (`dive/filetree/efficiency.go`), so the
//! figures can be compared with dive's own.
//!
//! dive builds one tree per layer from its tar entries (`.wh..wh.*` names are never added; a
//! `.wh.x` entry is a node whose path is `x`) and visits every **leaf** of each layer's tree: a
//! node with no children *in that layer*. A visit's size is the entry's tar header size, except
//! for a whiteout, which is sized by what it deletes in the layers below stacked the way dive
//! stacks them: a directory counts itself and everything under it, anything else counts 0. Per
//! path, dive sums the visits (cumulative) and keeps the smallest; the score is Σ smallest / Σ
//! cumulative (1.0 when nothing was visited) and the wasted space is Σ cumulative over the paths
//! visited more than once.
//!
//! dive's stacked view is not the merged filesystem: it ignores opaque markers, a file replacing a
//! directory keeps the directory's children, and a directory a layer only implies (an entry below
//! it, no entry of its own) becomes a size-0 non-directory. This module keeps those rules. Three
//! deviations, all about input dive mishandles: a whiteout naming a path absent below is sized 0
//! (dive stops scanning that layer), whiteouts in a layer apply before its additions as the OCI
//! layer spec says (dive applies them in sorted name order), and entries whose name has a `..`
//! component are left out (they are not part of the image: see the `path_traversal` finding).
//! `scripts/oracle/truth.py` computes the same figures independently from `tar -tvv` listings.

use super::fs_tree::{PathTree, NONE, ROOT};
use super::layer::{LayerIndex, FLAG_DOTDOT};
use super::report::{EntryKind, InefficientPath};
use hashbrown::HashMap;

/// Most inefficient paths listed in the report.
pub const MAX_INEFFICIENT_LISTED: usize = 50;

/// dive's figures for one image.
#[derive(Debug, Clone)]
pub(crate) struct DiveFigures {
    pub score: f64,
    pub wasted_bytes: u64,
    pub inefficient_paths: Vec<InefficientPath>,
}

/// A path in dive's stacked view of the layers below the current one.
#[derive(Clone, Copy, Default)]
struct Stacked {
    present: bool,
    is_dir: bool,
    size: u64,
}

/// Per path: cumulative size, smallest size, visits.
#[derive(Clone, Copy)]
struct PathStats {
    cumulative: u64,
    min: u64,
    visits: u64,
}

/// Whether an entry is a node of dive's layer tree: `.wh..wh.*` names never are (their parent
/// directories are), nor is the root, nor (here) a name with a `..` component.
fn dive_node(kind: EntryKind) -> bool {
    !matches!(kind, EntryKind::Opaque | EntryKind::AufsMeta)
}

/// dive's score, wasted space and most wasteful paths for the layers of one image (bottom first).
pub(crate) fn dive_figures(tree: &PathTree, layers: &[&LayerIndex]) -> DiveFigures {
    let n = tree.len();
    let mut stacked = vec![Stacked::default(); n];
    // Stamps (layer position + 1) of the current layer's tree: its nodes, and those with
    // children (not leaves).
    let mut in_tree = vec![0u32; n];
    let mut has_child = vec![0u32; n];
    let mut stats: HashMap<u32, PathStats> = HashMap::new();
    for (pos, layer) in layers.iter().enumerate() {
        let stamp = u32::try_from(pos).unwrap_or(u32::MAX - 1).saturating_add(1);
        // The last entry of each member node carries its payload.
        let mut last: HashMap<u32, usize> = HashMap::new();
        let mut nodes: Vec<u32> = Vec::new();
        for (i, e) in layer.entries.iter().enumerate() {
            if e.node == ROOT || e.flags & FLAG_DOTDOT != 0 {
                continue;
            }
            let is_member = dive_node(e.kind);
            if is_member {
                last.insert(e.node, i);
                if !has_stamp(&in_tree, e.node, stamp) {
                    set_stamp(&mut in_tree, e.node, stamp);
                    nodes.push(e.node);
                }
            }
            // Every ancestor is a node of the tree; the parent of a member has a child.
            let mut child_below = is_member;
            let mut p = tree.parent(e.node);
            while p != NONE && p != ROOT {
                let seen = has_stamp(&in_tree, p, stamp);
                if seen && (!child_below || has_stamp(&has_child, p, stamp)) {
                    break;
                }
                if !seen {
                    set_stamp(&mut in_tree, p, stamp);
                    nodes.push(p);
                }
                if child_below {
                    set_stamp(&mut has_child, p, stamp);
                }
                child_below = true;
                p = tree.parent(p);
            }
        }
        nodes.sort_unstable();
        // Visits: the leaves of this layer's tree, against the stack of the layers below.
        for &node in nodes.iter().filter(|&&nd| !has_stamp(&has_child, nd, stamp)) {
            let entry = last.get(&node).and_then(|&i| layer.entries.get(i));
            let (path, size) = match entry {
                Some(e) if e.kind == EntryKind::Whiteout => {
                    if e.target == NONE {
                        continue;
                    }
                    (e.target, deleted_size(tree, &stacked, e.target))
                }
                Some(e) => (node, e.data_size()),
                // A directory the layer only implies: dive's empty payload.
                None => (node, 0),
            };
            stats
                .entry(path)
                .and_modify(|s| {
                    s.cumulative = s.cumulative.saturating_add(size);
                    s.min = s.min.min(size);
                    s.visits += 1;
                })
                .or_insert(PathStats { cumulative: size, min: size, visits: 1 });
        }
        // Stack this layer: its whiteouts remove, then every other node of its tree takes its
        // payload (an implied directory a size-0 non-directory, as dive's AddPath gives it).
        for &node in &nodes {
            if let Some(e) = last.get(&node).and_then(|&i| layer.entries.get(i)) {
                if e.kind == EntryKind::Whiteout && e.target != NONE {
                    set_absent(tree, &mut stacked, e.target);
                }
            }
        }
        for &node in &nodes {
            let payload = match last.get(&node).and_then(|&i| layer.entries.get(i)) {
                Some(e) if e.kind == EntryKind::Whiteout => continue,
                Some(e) => Stacked { present: true, is_dir: e.kind == EntryKind::Dir, size: e.data_size() },
                None => Stacked { present: true, is_dir: false, size: 0 },
            };
            if let Some(s) = stacked.get_mut(node as usize) {
                *s = payload;
            }
        }
    }
    summarize(tree, &stats)
}

fn has_stamp(v: &[u32], node: u32, stamp: u32) -> bool {
    v.get(node as usize) == Some(&stamp)
}

fn set_stamp(v: &mut [u32], node: u32, stamp: u32) {
    if let Some(s) = v.get_mut(node as usize) {
        *s = stamp;
    }
}

/// What a whiteout of `node` deletes, as dive sizes it: a directory counts itself and everything
/// under it in the stacked view; anything else (or nothing) counts 0.
fn deleted_size(tree: &PathTree, stacked: &[Stacked], node: u32) -> u64 {
    let Some(s) = stacked.get(node as usize).filter(|s| s.present && s.is_dir) else {
        return 0;
    };
    let mut total = s.size;
    tree.for_each_descendant(node, &mut |d| {
        if let Some(x) = stacked.get(d as usize).filter(|x| x.present) {
            total = total.saturating_add(x.size);
        }
    });
    total
}

fn set_absent(tree: &PathTree, stacked: &mut [Stacked], node: u32) {
    if let Some(s) = stacked.get_mut(node as usize) {
        s.present = false;
    }
    tree.for_each_descendant(node, &mut |d| {
        if let Some(s) = stacked.get_mut(d as usize) {
            s.present = false;
        }
    });
}

fn summarize(tree: &PathTree, stats: &HashMap<u32, PathStats>) -> DiveFigures {
    let mut min_sum = 0u64;
    let mut cum_sum = 0u64;
    let mut wasted = 0u64;
    let mut paths = Vec::new();
    for (&node, s) in stats {
        min_sum = min_sum.saturating_add(s.min);
        cum_sum = cum_sum.saturating_add(s.cumulative);
        if s.visits > 1 {
            wasted = wasted.saturating_add(s.cumulative);
            paths.push(InefficientPath {
                path: super::fs_tree::display_bytes(&tree.path(node)),
                versions: s.visits,
                cumulative_bytes: s.cumulative,
            });
        }
    }
    paths.sort_by(|a, b| b.cumulative_bytes.cmp(&a.cumulative_bytes).then_with(|| a.path.cmp(&b.path)));
    paths.truncate(MAX_INEFFICIENT_LISTED);
    #[allow(clippy::cast_precision_loss)]
    let score = if cum_sum == 0 { 1.0 } else { min_sum as f64 / cum_sum as f64 };
    DiveFigures { score, wasted_bytes: wasted, inefficient_paths: paths }
}
