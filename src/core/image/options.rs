//! What the caller sets for an analysis: the name the report gives the archive, and the limits
//! that bound what hostile input can cost. Every limit is named, with its reason.

use serde::{Deserialize, Serialize};

/// Largest JSON member (manifest, index, config) read into memory.
pub const MAX_JSON: u64 = 16 * 1024 * 1024;
/// Default cap on one layer's decompressed size (gzip-bomb guard).
pub const DEFAULT_MAX_LAYER_BYTES: u64 = 256 * 1024 * 1024 * 1024;
/// Default cap on the entries of one layer.
pub const DEFAULT_MAX_LAYER_ENTRIES: u64 = 10_000_000;
/// Total bytes of captured file bodies (package databases, passwd) per analysis.
pub const MAX_CAPTURE_TOTAL: u64 = 256 * 1024 * 1024;
/// Deepest chain of nested OCI indexes followed.
pub const MAX_INDEX_DEPTH: usize = 8;
/// A compressed archive may decompress to at most this many times the one-layer cap.
pub const OUTER_LIMIT_IN_LAYERS: u64 = 64;

/// Analysis options.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Options {
    /// What the report calls the archive (`archive.name`); messages never carry it: the caller
    /// puts it before them.
    pub name: String,
    /// Cap on one layer's (and a compressed archive's) decompressed bytes.
    pub max_layer_bytes: u64,
    /// Cap on the entries of one layer.
    pub max_layer_entries: u64,
}

impl Options {
    /// Default limits, with the name the report gives the archive.
    pub fn named(name: impl Into<String>) -> Self {
        Options {
            name: name.into(),
            max_layer_bytes: DEFAULT_MAX_LAYER_BYTES,
            max_layer_entries: DEFAULT_MAX_LAYER_ENTRIES,
        }
    }

    /// Most bytes a compressed archive may decompress to.
    pub fn max_outer_bytes(&self) -> u64 {
        self.max_layer_bytes.saturating_mul(OUTER_LIMIT_IN_LAYERS)
    }
}

impl Default for Options {
    fn default() -> Self {
        Options::named("archive")
    }
}
