//! Two images compared: two archives, or two images of one archive — layers aligned by diff_id,
//! config fields, packages, and the two merged filesystems by content.
//!
//! A consumer of the image pipeline: it asks each [`Analysis`] for its report, its merged tree
//! ([`Analysis::merged_tree`]) and file bodies ([`crate::core::image::copy_merged`]); it never
//! parses an archive itself. What "changed" means (the rule `tests/compare.rs` holds it to, with
//! `umoci unpack` of both images as the oracle): a path on both sides whose kind, permission bits
//! (all twelve), uid, gid, symlink target, hard-link group, file capabilities or content (sha256)
//! differ. A path where only the mtime differs is *touched*, reported apart. A hard link is the
//! file it links to, as in an unpacked tree.
//!
//! Reading only what the answer needs: a file whose body comes from the same layer on both sides
//! (same diff_id, same entry) is the same bytes; a different size is a different content; only
//! same-size files from different layers are hashed (streamed, never held).
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use tarsier::core::compare::compare;
//! use tarsier::core::image::{analyze, Flow, Options};
//! let open = |p: &str| -> Result<_, Box<dyn std::error::Error>> {
//!     let f = std::fs::File::open(p)?;
//!     let len = f.metadata()?.len();
//!     Ok(analyze(f, len, &Options::named(p), &mut |_| Flow::Continue)?)
//! };
//! let (a, b) = (open("old.tar")?, open("new.tar")?);
//! let c = compare(&a, &mut std::fs::File::open("old.tar")?, 0, &b, &mut std::fs::File::open("new.tar")?, 0)?;
//! println!("{} changed, {} added, {} removed", c.summary.changed, c.summary.added, c.summary.removed);
//! # Ok(()) }
//! ```

mod config;
mod files;
mod known;
mod layers;
mod matrix;
mod packages;
pub mod text_diff;
mod types;

pub use known::{KnownHashes, MAX_KNOWN_HASHES};
pub use matrix::{layer_matrix, LayerMatrix, MatrixImage, MatrixLayer, SharedCell};
pub use text_diff::{is_text, unified_diff, TextDiff, MAX_DIFF_LINES, MAX_EDITS, MAX_TEXT_BYTES};
pub use types::{ChangedFile, Comparison, ConfigChange, FileItem, LayerSide, LayersDiff, PackageChange, PackagesDiff, Side, Summary, Touched, Values};

use crate::core::image::{read_entry, Analysis, ImageError};
use std::collections::HashMap;
use std::io::{Read, Seek};

/// Compares image `ia` of `a` (its archive read from `ra`) with image `ib` of `b` (from `rb`).
///
/// # Errors
/// [`ImageError::NotFound`] for an image index out of range; read errors of either archive.
pub fn compare<RA: Read + Seek, RB: Read + Seek>(a: &Analysis, ra: &mut RA, ia: usize, b: &Analysis, rb: &mut RB, ib: usize) -> Result<Comparison, ImageError> {
    compare_observed(a, ra, ia, b, rb, ib, &mut |_| true, &mut KnownHashes::default())
}

/// How far the hashing of same-size files has come (what [`compare_observed`] reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HashProgress {
    pub files_done: u64,
    pub files_total: u64,
    pub bytes_done: u64,
    pub bytes_total: u64,
}

/// [`compare`], telling `tick` before hashing and after each body hashed (the only long part:
/// bodies are read only for same-size files from different layers); `tick` returning false
/// stops it with [`ImageError::Cancelled`]. A body whose digest is in `known` is not read; the
/// digests read are added to it (for the next comparison).
///
/// # Errors
/// As [`compare`]; [`ImageError::Cancelled`].
#[allow(clippy::too_many_arguments)]
pub fn compare_observed<RA: Read + Seek, RB: Read + Seek>(
    a: &Analysis,
    ra: &mut RA,
    ia: usize,
    b: &Analysis,
    rb: &mut RB,
    ib: usize,
    tick: &mut dyn FnMut(HashProgress) -> bool,
    known: &mut KnownHashes,
) -> Result<Comparison, ImageError> {
    let not_found = |i: usize| ImageError::NotFound { what: format!("image {i}") };
    let img_a = a.report.images.get(ia).ok_or_else(|| not_found(ia))?;
    let img_b = b.report.images.get(ib).ok_or_else(|| not_found(ib))?;
    let (ta, tb) = (files::tree(a, ia)?, files::tree(b, ib)?);
    let (files_total, bytes_total) = files::hash_work(&ta, &tb, known);
    let mut progress = HashProgress { files_total, bytes_total, ..HashProgress::default() };
    if !tick(progress) {
        return Err(ImageError::Cancelled);
    }
    // Bodies read in this comparison (a hard link's body is read once), and how many digests
    // an earlier one had read.
    let mut read: HashMap<(String, String), String> = HashMap::new();
    let mut reused = 0u64;
    let mut hash = |side: Side, body: &files::Body| {
        if let Some(digest) = read.get(&body.key(side)) {
            return Ok(digest.clone());
        }
        if let Some(digest) = body.known(known) {
            reused = reused.saturating_add(1);
            return Ok(digest.to_owned());
        }
        let (digest, size) = match side {
            Side::A => files::sha256_body(&mut *ra, a, body)?,
            Side::B => files::sha256_body(&mut *rb, b, body)?,
        };
        read.insert(body.key(side), digest.clone());
        progress.files_done = progress.files_done.saturating_add(1);
        progress.bytes_done = progress.bytes_done.saturating_add(size);
        if tick(progress) { Ok(digest) } else { Err(ImageError::Cancelled) }
    };
    let mut fd = files::diff_files(&ta, &tb, &mut hash)?;
    for c in fd.changed.iter_mut().filter(|c| c.what.iter().any(|w| w == "sha256")) {
        let bodies = (ta.get(&c.path).and_then(|m| m.body.as_ref()), tb.get(&c.path).and_then(|m| m.body.as_ref()));
        let (Some(x), Some(y)) = bodies else { continue };
        if c.size_a <= MAX_TEXT_BYTES as u64 && c.size_b <= MAX_TEXT_BYTES as u64 {
            let body_a = read_entry(&mut *ra, a, x.layer, &x.path, 0, MAX_TEXT_BYTES)?;
            let body_b = read_entry(&mut *rb, b, y.layer, &y.path, 0, MAX_TEXT_BYTES)?;
            if is_text(&body_a) && is_text(&body_b) {
                c.text_diff = unified_diff(&String::from_utf8_lossy(&body_a), &String::from_utf8_lossy(&body_b));
            }
        }
    }
    let packages = packages::diff_packages(img_a, img_b);
    let config = config::diff_config(img_a, img_b);
    let summary = Summary {
        size_a: img_a.merged.total_bytes,
        size_b: img_b.merged.total_bytes,
        added: fd.added.len(),
        removed: fd.removed.len(),
        changed: fd.changed.len(),
        touched: fd.touched.len(),
        packages_added: packages.added.len(),
        packages_removed: packages.removed.len(),
        packages_changed: packages.changed.len(),
        config_changes: config.len(),
        hashed_files: progress.files_done,
        hashed_bytes: progress.bytes_done,
        known_files: reused,
    };
    for ((layer, path), digest) in read {
        // Only bodies of layers with a diff_id are kept (the key of the others says so).
        if layer.starts_with("sha256:") {
            known.insert(&layer, &path, &digest);
        }
    }
    Ok(Comparison {
        summary,
        layers: layers::diff_layers(&a.report, ia, &b.report, ib),
        config,
        packages,
        added: fd.added,
        removed: fd.removed,
        changed: fd.changed,
        touched: fd.touched,
    })
}
