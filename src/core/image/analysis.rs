//! What an analysis leaves for the queries ([`query`](super::query)) and the digest pass
//! ([`digest`](super::digest)): the report, and the in-memory index behind it.

use super::error::ImageError;
use super::fs_tree::PathTree;
use super::layer::StrTable;
use super::merge::Merged;
use super::options::OUTER_LIMIT_IN_LAYERS;
use super::parallel::MemberSpan;
use super::report::Report;
use super::scan::Blob;
use super::sniff::with_outer;
use super::source::{Compression, Source, Tick};
use std::io::{Read, Seek};

/// A config member to check against its digest.
#[derive(Debug, Clone)]
pub(crate) struct ConfigCheck {
    /// Offset and size of its data in the outer tar stream.
    pub offset: u64,
    pub size: u64,
    pub member: String,
    pub digest: String,
}

/// The result of [`analyze`](super::analyze): the report plus the in-memory index the queries
/// use.
pub struct Analysis {
    /// The serializable report.
    pub report: Report,
    pub(crate) tree: PathTree,
    pub(crate) strings: StrTable,
    pub(crate) outer_compression: Compression,
    pub(crate) total_len: u64,
    pub(crate) max_layer_bytes: u64,
    /// Indexed blobs; `report.layers[i]` is `blobs[layer_blob[i]]`.
    pub(crate) blobs: Vec<Blob>,
    pub(crate) layer_blob: Vec<usize>,
    /// Per image: report-layer index per position, and the merged tree.
    pub(crate) images: Vec<Merged>,
    /// Config members to verify.
    pub(crate) configs: Vec<ConfigCheck>,
    /// Per image: where its config member's data lies in the outer tar stream.
    pub(crate) config_spans: Vec<MemberSpan>,
}

impl std::fmt::Debug for Analysis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analysis").field("report", &self.report).finish_non_exhaustive()
    }
}

impl Analysis {
    /// Runs `f` over the analyzed archive's outer tar stream again (read from `reader`, which
    /// must give the same bytes), for a query or the verification pass.
    pub(crate) fn with_outer<R: Read + Seek, T>(
        &self,
        reader: R,
        tick: Tick,
        f: &mut dyn FnMut(&mut dyn Source) -> Result<T, ImageError>,
    ) -> Result<T, ImageError> {
        let limit = self.max_layer_bytes.saturating_mul(OUTER_LIMIT_IN_LAYERS);
        with_outer(reader, self.total_len, self.outer_compression, limit, tick, f)
    }
}
