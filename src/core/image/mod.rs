//! Container image archives: `docker save` / `podman save` / `skopeo copy` output, indexed from
//! tar headers and merged with whiteouts, without ever holding the archive in memory.
//!
//! Formats (detected by content, not by name): the legacy docker-save layout
//! ([moby image spec v1.2](https://github.com/moby/docker-image-spec/blob/main/spec.md):
//! `manifest.json`, `repositories`, `<id>/layer.tar`, `<hex>.json`), the OCI
//! [image layout](https://github.com/opencontainers/image-spec/blob/main/image-layout.md)
//! (`oci-layout`, `index.json`, `blobs/sha256/…`, nested indexes), both at once (Docker ≥ 25);
//! layers plain, gzip or zstd; the whole archive plain or gzip/zstd-compressed.
//!
//! # API (what the CLI and the browser worker call)
//!
//! - [`analyze`]`(reader, total_len, &Options, &mut progress) -> Result<Analysis, ImageError>`:
//!   one pass over the archive (header walk with seeks for plain tars, one stream for compressed
//!   data). `progress` receives a [`Progress`] at least every [`PROGRESS_BYTES`] bytes or
//!   [`PROGRESS_ENTRIES`] entries and returns [`Flow::Cancel`] to stop ([`ImageError::Cancelled`]).
//! - [`Analysis::report`]: the serializable [`Report`] (images, configs, history, layers,
//!   findings, packages, warnings, merged stats, efficiency); [`Analysis::full_report`] adds every
//!   layer entry and every merged tree (`tarsier inspect --json`).
//! - Queries for a UI over huge images: [`Analysis::list_dir`] (one merged directory's children),
//!   [`Analysis::layer_entries`] (one layer's entries, paged), [`Analysis::merged_entry`],
//!   [`Analysis::search`] (glob or substring, capped).
//! - Bytes on demand: [`read_entry`] (by layer and path) and [`read_merged`] (by merged path),
//!   a byte range by seeking for plain layers, by re-streaming for compressed ones;
//!   [`copy_entry`] streams a whole body to a writer.
//! - [`verify_digests`]: the optional sha256 pass over every layer and config, with progress.
//!
//! ```no_run
//! use tarsier::core::image::{analyze, Flow, Options};
//! let file = std::fs::File::open("image.tar").unwrap();
//! let len = file.metadata().unwrap().len();
//! let analysis = analyze(file, len, &Options::named("image.tar"), &mut |_p| Flow::Continue).unwrap();
//! println!("{} image(s)", analysis.report.images.len());
//! ```

mod archive;
mod config;
mod digest;
mod efficiency;
mod error;
mod findings;
mod fs_tree;
mod layer;
mod merge;
mod packages;
mod parallel;
mod query;
mod report;
mod source;
mod tar_index;
mod xattr;

pub use archive::{analyze, analyze_prepared};
pub use parallel::{
    helper_count, index_member, parallel_candidates, Candidate, MemberSpan, PreIndexed, MAX_HELPERS,
    PARALLEL_MIN_MEMBER,
};
pub use digest::verify_digests;
pub use error::ImageError;
pub use fs_tree::display_bytes;
pub use layer::MAX_CAPTURE_FILE;
pub use query::{
    copy_entry, copy_merged, list_layer, read_entry, read_merged, FullReport, MAX_READ_LEN,
};
pub use report::*;
pub use source::{
    Compression, BOMB_CHECK_AFTER, MAX_EXPANSION_RATIO, MAX_ZSTD_WINDOW, SEEK_WINDOW,
};
pub use tar_index::{MAX_LONG_NAME, MAX_PAX_HEADER};
pub use xattr::{caps_text, decode_file_caps, FileCaps};

use serde::{Deserialize, Serialize};

/// Report progress at least this often (bytes of input).
pub const PROGRESS_BYTES: u64 = 1024 * 1024;
/// … or this often (entries seen).
pub const PROGRESS_ENTRIES: u64 = 4096;
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

/// Analysis options.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Options {
    /// The archive's name, used in messages.
    pub name: String,
    /// Cap on one layer's (and a compressed archive's) decompressed bytes.
    pub max_layer_bytes: u64,
    /// Cap on the entries of one layer.
    pub max_layer_entries: u64,
}

impl Options {
    /// Default limits, with the name used in messages.
    pub fn named(name: impl Into<String>) -> Self {
        Options {
            name: name.into(),
            max_layer_bytes: DEFAULT_MAX_LAYER_BYTES,
            max_layer_entries: DEFAULT_MAX_LAYER_ENTRIES,
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Options::named("archive")
    }
}

/// What the analysis is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Walking the outer archive and indexing layers.
    Indexing,
    /// Resolving manifests and merging layers.
    Merging,
    /// Hashing blobs ([`verify_digests`]).
    Verifying,
    /// Reading an entry's bytes.
    Reading,
}

/// A progress report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Progress {
    pub phase: Phase,
    /// Bytes of the input consumed (compressed bytes for a compressed archive).
    pub bytes_done: u64,
    pub bytes_total: u64,
    /// Layer entries seen so far.
    pub files_seen: u64,
    /// The member being read (e.g. a layer's path in the archive).
    pub current: String,
}

/// What the progress callback wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Cancel,
}

/// The result of [`analyze`]: the report plus the in-memory index the queries use.
pub struct Analysis {
    /// The serializable report.
    pub report: Report,
    pub(crate) tree: fs_tree::PathTree,
    pub(crate) strings: layer::StrTable,
    pub(crate) outer_compression: Compression,
    pub(crate) total_len: u64,
    pub(crate) name: String,
    pub(crate) max_layer_bytes: u64,
    /// Indexed blobs; `report.layers[i]` is `blobs[layer_blob[i]]`.
    pub(crate) blobs: Vec<archive::Blob>,
    pub(crate) layer_blob: Vec<usize>,
    /// Per image: report-layer index per position, and the merged tree.
    pub(crate) images: Vec<merge::Merged>,
    /// Config members to verify: (member offset, size, member path, expected digest).
    pub(crate) configs: Vec<(u64, u64, String, String)>,
}

impl std::fmt::Debug for Analysis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analysis")
            .field("report", &self.report)
            .finish_non_exhaustive()
    }
}

impl Analysis {
    /// Runs `f` over the analyzed archive's outer tar stream again (read from `reader`, which
    /// must give the same bytes), for a query or the verification pass.
    pub(crate) fn with_outer<R: std::io::Read + std::io::Seek, T>(
        &self,
        reader: R,
        tick: source::Tick,
        f: &mut dyn FnMut(&mut dyn source::Source) -> Result<T, ImageError>,
    ) -> Result<T, ImageError> {
        archive::with_outer(reader, self.total_len, self.outer_compression, self.max_layer_bytes, &self.name, tick, f)
    }
}

/// Text of a tar fault, for warnings.
pub(crate) fn fault_text(f: &tar_index::TarFault) -> String {
    match f {
        tar_index::TarFault::Truncated { pos, what } => {
            format!("the data ends at byte {pos} {what}")
        }
        tar_index::TarFault::Corrupt { pos, what } => format!("damaged at byte {pos}: {what}"),
        tar_index::TarFault::NotTar { pos } => {
            format!("damaged at byte {pos}: a member header has a wrong checksum")
        }
        tar_index::TarFault::Io { pos, source } => format!("read error at byte {pos}: {source}"),
        tar_index::TarFault::Limit { pos, what, limit } => {
            format!("at byte {pos}, {what} exceeds the limit of {limit}")
        }
    }
}

/// Calls the user's progress hook at a bounded rate.
pub(crate) struct Progressor<'a> {
    pub cb: &'a mut dyn FnMut(Progress) -> Flow,
    pub tick: source::Tick,
    pub total: u64,
    pub files: u64,
    pub phase: Phase,
    pub current: String,
    last_bytes: u64,
    last_files: u64,
}

impl<'a> Progressor<'a> {
    pub(crate) fn new(
        cb: &'a mut dyn FnMut(Progress) -> Flow,
        tick: source::Tick,
        total: u64,
        phase: Phase,
    ) -> Self {
        Progressor {
            cb,
            tick,
            total,
            files: 0,
            phase,
            current: String::new(),
            last_bytes: 0,
            last_files: 0,
        }
    }

    /// Counts `entries` more entries (0 while a long body is skipped) and reports if due: the
    /// `on_progress` of a layer being indexed.
    pub(crate) fn advance(&mut self, entries: u64) -> Result<(), ImageError> {
        self.files += entries;
        self.maybe()
    }

    pub(crate) fn maybe(&mut self) -> Result<(), ImageError> {
        let b = self.tick.get();
        if b.saturating_sub(self.last_bytes) >= PROGRESS_BYTES
            || self.files.saturating_sub(self.last_files) >= PROGRESS_ENTRIES
        {
            self.report()
        } else {
            Ok(())
        }
    }

    /// Reports now.
    pub(crate) fn report(&mut self) -> Result<(), ImageError> {
        self.last_bytes = self.tick.get();
        self.last_files = self.files;
        let p = Progress {
            phase: self.phase,
            bytes_done: self.last_bytes.min(self.total),
            bytes_total: self.total,
            files_seen: self.files,
            current: self.current.clone(),
        };
        match (self.cb)(p) {
            Flow::Continue => Ok(()),
            Flow::Cancel => Err(ImageError::Cancelled),
        }
    }
}

/// Fuzzing entry (not an API): parses `bytes` as each JSON document the archive reader reads
/// (`manifest.json`, an OCI index or manifest, an image config) and builds the model from a
/// config, exactly as [`analyze`] does. Used by `fuzz/fuzz_targets/json.rs`, which checks the
/// model it returns when `bytes` read as an image config: the container config, the history
/// steps, and per layer (as many as the config's `diff_ids`) the step that made it.
#[doc(hidden)]
pub fn fuzz_json(bytes: &[u8]) -> Option<(ContainerConfig, Vec<HistoryStep>, Vec<Option<usize>>)> {
    use config::{RawDockerManifestItem, RawImageConfig, RawManifest};
    if let Ok(Some(items)) =
        archive::parse_json::<Option<Vec<RawDockerManifestItem>>>("fuzz", "manifest.json", bytes)
    {
        for d in items
            .iter()
            .filter_map(|i| i.layer_sources.as_ref())
            .flat_map(|s| s.keys())
        {
            let _ = config::digest_blob_path(d);
        }
    }
    if let Ok(m) = archive::parse_json::<RawManifest>("fuzz", "index.json", bytes) {
        let descs = m
            .manifests
            .iter()
            .chain(m.layers.iter())
            .flatten()
            .chain(m.config.iter());
        for d in descs {
            if let Some(digest) = &d.digest {
                if let Some(p) = config::digest_blob_path(digest) {
                    let _ = config::digest_from_member(&p);
                }
            }
        }
    }
    let c = archive::parse_json::<RawImageConfig>("fuzz", "config.json", bytes).ok()?;
    let container = config::container_config(c.config.as_ref());
    let hist = c.history.unwrap_or_default();
    let layers = c.rootfs.and_then(|r| r.diff_ids).map_or(0, |d| d.len());
    let (steps, per_layer) = config::history(&hist, layers);
    Some((container, steps, per_layer))
}
