//! The image pipeline, top to bottom. One input goes through four stages, each a function of
//! the previous one's output, each in its own module:
//!
//! 1. [`sniff`](super::sniff) — the outer compression, from the first bytes;
//! 2. [`scan`](super::scan) — one walk over the members: the JSON ones kept, every layer-looking
//!    one indexed by [`layer`](super::layer) (the tar walker of [`tar_index`](super::tar_index));
//! 3. [`plan`](super::plan) — manifests, indexes and configs into the list of images and the
//!    layer members each needs;
//! 4. [`assemble`](super::assemble) — the report: layers, history, the merged filesystem
//!    ([`merge`](super::merge), [`efficiency`](super::efficiency)), findings, packages.
//!
//! An uncompressed archive is first scanned for its headers and JSON only (cheap: one header
//! read per member) and planned, so the caller sees the [`Overview`](super::progress::Overview)
//! before the layers are indexed.

use super::analysis::Analysis;
use super::assemble::{assemble, Assembly};
use super::error::ImageError;
use super::options::Options;
use super::parallel::PreIndexed;
use super::plan::plan;
use super::progress::{Flow, Observer, Overview, Phase, Progress, Progressor};
use super::scan::{scan, Depth};
use super::sniff::sniff;
use super::source::{Compression, Tick};
use std::io::{Read, Seek};

/// Analyzes an image archive.
///
/// `reader` is the whole archive (`total_len` bytes); it is read once (plain tars: headers with
/// seeks over bodies; compressed data: one stream). `progress` is called at a bounded rate and may
/// cancel.
///
/// # Errors
/// [`ImageError`] when the input is not a tar (or compressed tar), is truncated or damaged in its
/// structure, holds no manifest, names absent layers, has bad JSON, exceeds a limit, or was
/// cancelled. Damage inside a layer becomes a warning with the entries before it kept.
pub fn analyze<R: Read + Seek>(
    reader: R,
    total_len: u64,
    opts: &Options,
    mut progress: &mut dyn FnMut(Progress) -> Flow,
) -> Result<Analysis, ImageError> {
    analyze_observed(reader, total_len, opts, &mut progress, Vec::new())
}

/// [`analyze`], adopting layers already indexed by [`index_member`](super::index_member)
/// (in other workers or threads) instead of reading them again. The result is the same as
/// [`analyze`]'s; a prepared layer that does not match its member (other offset, size or
/// compression) is ignored and the member is indexed here.
///
/// # Errors
/// As [`analyze`].
pub fn analyze_prepared<R: Read + Seek>(
    reader: R,
    total_len: u64,
    opts: &Options,
    mut progress: &mut dyn FnMut(Progress) -> Flow,
    prepared: Vec<PreIndexed>,
) -> Result<Analysis, ImageError> {
    analyze_observed(reader, total_len, opts, &mut progress, prepared)
}

/// [`analyze_prepared`] with an [`Observer`], which also gets the overview (the images, from
/// their manifests and configs) before the layers are indexed.
///
/// # Errors
/// As [`analyze`].
pub fn analyze_observed<R: Read + Seek>(
    mut reader: R,
    total_len: u64,
    opts: &Options,
    observer: &mut dyn Observer,
    prepared: Vec<PreIndexed>,
) -> Result<Analysis, ImageError> {
    if total_len == 0 {
        return Err(ImageError::WrongFormat { what: "an empty file (0 bytes)", hint: "" });
    }
    let compression = sniff(&mut reader)?;
    if compression == Compression::None {
        overview(&mut reader, total_len, opts, observer)?;
    }
    let mut progress = Progressor::new(observer, Tick::default(), total_len, Phase::Indexing);
    progress.report()?;
    let scanned = scan(&mut reader, total_len, compression, opts, Depth::Layers, &mut progress, prepared)?;
    progress.phase = Phase::Merging;
    progress.current = String::new();
    progress.report()?;
    if scanned.members.is_empty() {
        return Err(ImageError::MissingManifest { detail: "the archive has no members".into() });
    }
    let plan = plan(&scanned.members)?;
    assemble(
        plan,
        scanned,
        Assembly {
            name: &opts.name,
            total_len,
            compression,
            max_layer_bytes: opts.max_layer_bytes,
            progress: &mut progress,
        },
    )
}

/// The overview alone — what [`analyze_observed`] gives its observer before the layers — for a
/// caller with other work to do before the full analysis (the browser worker shows it while
/// helper workers index layers). `None` for a compressed archive, or when the manifests cannot
/// be read (the full analysis then says why).
pub fn read_overview<R: Read + Seek>(mut reader: R, total_len: u64, opts: &Options) -> Option<Overview> {
    /// Keeps the overview; never cancels.
    struct Keep(Option<Overview>);
    impl Observer for Keep {
        fn progress(&mut self, _: Progress) -> Flow {
            Flow::Continue
        }
        fn overview(&mut self, overview: &Overview) -> Flow {
            self.0 = Some(overview.clone());
            Flow::Continue
        }
    }
    if total_len == 0 {
        return None;
    }
    // A compressed archive cannot be walked twice cheaply: no early overview.
    if sniff(&mut reader).ok()? != Compression::None {
        return None;
    }
    let mut keep = Keep(None);
    overview(&mut reader, total_len, opts, &mut keep).ok()?;
    keep.0
}

/// Scans an uncompressed archive's headers and JSON members only, plans and assembles that, and
/// hands the result to the observer as the overview. Anything wrong is left for the full analysis
/// to report (only a cancellation stops here).
fn overview<R: Read + Seek>(
    reader: &mut R,
    total_len: u64,
    opts: &Options,
    observer: &mut dyn Observer,
) -> Result<(), ImageError> {
    /// Passes cancellation on, but no progress: the full scan reports that.
    struct Quiet<'a>(&'a mut dyn Observer);
    impl Observer for Quiet<'_> {
        fn progress(&mut self, mut p: Progress) -> Flow {
            p.bytes_done = 0;
            p.files_seen = 0;
            self.0.progress(p)
        }
    }
    let mut quiet = Quiet(observer);
    let mut progress = Progressor::new(&mut quiet, Tick::default(), total_len, Phase::Indexing);
    let found = scan(&mut *reader, total_len, Compression::None, opts, Depth::Headers, &mut progress, Vec::new())
        .and_then(|scanned| Ok((plan(&scanned.members)?, scanned)))
        .and_then(|(plan, scanned)| {
            let assembly = Assembly {
                name: &opts.name,
                total_len,
                compression: Compression::None,
                max_layer_bytes: opts.max_layer_bytes,
                progress: &mut progress,
            };
            assemble(plan, scanned, assembly)
        });
    let overview: Overview = match found {
        Ok(a) => a.report,
        Err(ImageError::Cancelled) => return Err(ImageError::Cancelled),
        Err(_) => return Ok(()),
    };
    match quiet.0.overview(&overview) {
        Flow::Continue => Ok(()),
        Flow::Cancel => Err(ImageError::Cancelled),
    }
}
