//! An analysis' layer indexes, handed to another worker so that it need not read the layers
//! again: what the page does when the archive on screen is compared with another (the
//! comparison runs in a worker of its own, which cannot reach the archive worker's memory).
//!
//! [`Analysis::export_index`] gives every layer the analysis indexed as a [`PreIndexed`] with
//! its own path arena (the nodes its entries use, parents first), the shape a helper worker
//! sends ([`index_member`](super::index_member)); [`ArchiveIndex::to_bytes`] packs them all for
//! the trip; [`analyze_prepared`](super::analyze_prepared) over the same file adopts them. The
//! result is the same analysis: adopting is what it does with a helper's index, and a prepared
//! layer that does not match its member (offset, size, compression) is read again. Only the
//! archive's own headers (and, for a compressed archive, its stream) are read once more.

use super::analysis::Analysis;
use super::fs_tree::{PathTree, NONE, ROOT};
use super::layer::LayerIndex;
use super::parallel::{MemberSpan, PreIndexed, Reader, Writer};
use std::collections::HashMap;

/// Every indexed layer of one archive, and the archive's length (an index is only ever adopted
/// for a file of that length).
#[derive(Debug, Default)]
pub struct ArchiveIndex {
    pub total_len: u64,
    pub layers: Vec<PreIndexed>,
}

/// Marks (and versions) a packed [`ArchiveIndex`].
const MAGIC: &[u8] = b"TARSIER-ARCHIVE-INDEX-1\n";

impl Analysis {
    /// The layers this analysis indexed, each with its own path arena, for
    /// [`analyze_prepared`](super::analyze_prepared) of the same file elsewhere. A layer that
    /// could not be indexed is left out (the other side reads it, and reports what is wrong).
    pub fn export_index(&self) -> ArchiveIndex {
        let strings: Vec<Vec<u8>> = self.strings.raw().map(<[u8]>::to_vec).collect();
        let layers = self
            .blobs
            .iter()
            .filter(|b| b.error.is_none() && !b.not_tar)
            .map(|b| {
                let mut local = Arena::new(&self.tree);
                let entries = b
                    .index
                    .entries
                    .iter()
                    .map(|e| {
                        let mut e = e.clone();
                        e.node = local.node(e.node);
                        e.target = local.node(e.target);
                        e
                    })
                    .collect();
                let ix = &b.index;
                let index = LayerIndex {
                    entries,
                    uncompressed_size: ix.uncompressed_size,
                    counts: ix.counts.clone(),
                    captured: ix.captured.clone(),
                    damage: ix.damage.clone(),
                    stream_damage: ix.stream_damage.clone(),
                };
                PreIndexed {
                    span: MemberSpan { offset: b.offset, size: b.size },
                    compression: b.compression,
                    index,
                    nodes: local.tree.created().map(|(p, n)| (p, n.to_vec())).collect(),
                    // The whole (small) name table: the entries' ids stay as they are.
                    strings: strings.clone(),
                }
            })
            .collect();
        ArchiveIndex { total_len: self.total_len, layers }
    }
}

/// One layer's own arena, built from the analysis' shared one as the layer's entries name nodes.
struct Arena<'a> {
    shared: &'a PathTree,
    tree: PathTree,
    /// Shared node → local node.
    map: HashMap<u32, u32>,
}

impl<'a> Arena<'a> {
    fn new(shared: &'a PathTree) -> Self {
        Arena { shared, tree: PathTree::new(), map: HashMap::from([(ROOT, ROOT)]) }
    }

    /// The local node for the shared `node`, created (with its missing ancestors, top down) if
    /// needed; `NONE` stays `NONE`. (The local arena holds a subset of the shared one's paths,
    /// so its caps cannot be reached; were they, the entry would name no node.)
    fn node(&mut self, node: u32) -> u32 {
        if node == NONE {
            return NONE;
        }
        let mut chain = Vec::new();
        let mut at = node;
        let mut top = loop {
            if let Some(&local) = self.map.get(&at) {
                break local;
            }
            chain.push(at);
            at = self.shared.parent(at);
            if at == NONE {
                break ROOT;
            }
        };
        for &shared in chain.iter().rev() {
            let Some(local) = self.tree.child(top, self.shared.name(shared)) else { return NONE };
            self.map.insert(shared, local);
            top = local;
        }
        top
    }
}

impl ArchiveIndex {
    /// Packs every layer ([`PreIndexed::to_bytes`], length-prefixed) after the archive's length
    /// and the count.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer(Vec::from(MAGIC));
        w.u64(self.total_len);
        w.len(self.layers.len());
        for layer in &self.layers {
            w.bytes(&layer.to_bytes());
        }
        w.0
    }

    /// Unpacks [`ArchiveIndex::to_bytes`]'s output.
    ///
    /// # Errors
    /// A sentence when the bytes are not a whole packed archive index.
    pub fn from_bytes(bytes: &[u8]) -> Result<ArchiveIndex, String> {
        let mut r = Reader { b: bytes, at: 0 };
        if r.take(MAGIC.len())? != MAGIC {
            return Err("not a packed archive index".into());
        }
        let total_len = r.u64()?;
        // Each layer takes at least its 8-byte length: a count beyond that is a lie.
        let count = r.len(8).map_err(|_| "the packed archive index counts more layers than it holds")?;
        let mut layers = Vec::new();
        for _ in 0..count {
            layers.push(PreIndexed::from_bytes(r.bytes()?)?);
        }
        if r.at != bytes.len() {
            return Err("the packed archive index has bytes after its last layer".into());
        }
        Ok(ArchiveIndex { total_len, layers })
    }
}
