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
//!   data). `progress` receives a [`Progress`] about every [`PROGRESS_BYTES`] bytes or
//!   [`PROGRESS_ENTRIES`] entries and returns [`Flow::Cancel`] to stop ([`ImageError::Cancelled`]).
//!   [`analyze_observed`] takes an [`Observer`], which also receives the [`Overview`] (the images
//!   from their manifests and configs) before the layers are indexed; [`read_overview`] reads
//!   that overview alone.
//! - Errors carry a [`Position`] in the one set of coordinates every error and warning uses, and
//!   cross boundaries as [`ErrorReport`]s `{code, message, position}`; messages never name the
//!   file (the caller puts its name before them).
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
//!
//! # Layout
//!
//! The pipeline ([`analyze`](analyze::analyze_observed), top to bottom): `sniff` → `scan` (with
//! `layer` over `tar_index` and `source`) → `plan` (over `config`) → `assemble` (with `merge`,
//! `efficiency`, `findings`, `packages`) → an [`Analysis`], which `query` and `digest` read.
//! `parallel` indexes layers in other threads or workers for `scan` to adopt. This file is only
//! the public face: no module imports it, and no module imports one that imports it back.

mod analysis;
mod analyze;
mod assemble;
mod binaries;
mod blobs;
mod config;
mod digest;
mod efficiency;
mod error;
mod findings;
mod fs_tree;
mod jar;
pub use jar::parse_manifest;
mod layer;
mod merge;
mod options;
mod os_release;
mod packages;
mod parallel;
mod pkg_files;
mod plan;
mod progress;
mod query;
mod report;
mod reuse;
mod scan;
mod sniff;
mod source;
mod tar_index;
mod xattr;

pub use analysis::Analysis;
pub use blobs::{ImageBlobs, LayerBlob};
pub use analyze::{analyze, analyze_observed, analyze_prepared, read_overview};
pub use digest::verify_digests;
pub use error::{ErrorReport, ImageError, InnerPosition, Position};
pub use fs_tree::display_bytes;
pub use layer::MAX_CAPTURE_FILE;
pub use options::{Options, DEFAULT_MAX_LAYER_BYTES, DEFAULT_MAX_LAYER_ENTRIES, MAX_CAPTURE_TOTAL, MAX_INDEX_DEPTH, MAX_JSON};
pub use parallel::{
    helper_count, index_member, parallel_candidates, Candidate, MemberSpan, PreIndexed, MAX_HELPERS,
    PARALLEL_MIN_MEMBER,
};
pub use plan::fuzz_json;
pub use progress::{Flow, Observer, Overview, Phase, Progress, PROGRESS_BYTES, PROGRESS_ENTRIES};
pub use query::{copy_entry, copy_merged, list_layer, read_bodies, read_entry, read_merged, FullReport, PrivilegedFile, MAX_READ_LEN};
pub use report::*;
pub use os_release::parse_os_release;
pub use reuse::ArchiveIndex;
pub use sniff::{foreign_format, Foreign, SNIFF_BYTES};
pub use source::{Compression, BOMB_CHECK_AFTER, MAX_EXPANSION_RATIO, MAX_ZSTD_WINDOW, SEEK_WINDOW};
pub use tar_index::{MAX_LONG_NAME, MAX_PAX_HEADER};
pub use xattr::{caps_text, decode_file_caps, FileCaps};
