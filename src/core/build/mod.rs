//! Making images without Docker: the article's empty image (`tar cv --files-from /dev/null |
//! docker import - empty`), an image from a root filesystem tarball (`docker import`), and a
//! layer appended to an image the user has (`crane append` / `crane mutate`), written as a
//! `docker load`-able archive or an OCI image layout.
//!
//! # Stages
//! 1. [`BuildSpec::check`]: the changes' paths made canonical and checked (no `..`, no
//!    duplicates, nothing written under a deleted path), sizes and the time.
//! 2. Inputs read once, never held: [`read_rootfs`] hashes a rootfs tarball (plain, gzip or
//!    zstd) and checks that it is a tar; [`read_base`] takes an analyzed archive's image config
//!    and hashes its layer blobs.
//! 3. [`build`]: the new layer (`layer`), the config (`config`), the manifest, index and the
//!    archive as [`Part`]s — new bytes and byte ranges of the user's files.
//! 4. [`write_parts`] (the CLI) copies the parts into a file; the page makes a `Blob` of them.
//!    The same inputs give the same bytes on both.
//!
//! # Formats
//! - Docker ≥ 25's `docker save` layout: `blobs/sha256/…`, `index.json`, `oci-layout`, plus
//!   `manifest.json` and `repositories` for older `docker load` (moby's
//!   `image/tarexport/save.go`); OCI image layout (image-spec `image-layout.md`).
//! - Layer tars: POSIX ustar headers with PAX records (`tar_write`), OCI whiteouts
//!   (`.wh.NAME`, `.wh..wh..opq`; image-spec `layer.md`).
//!
//! # Normalised metadata
//! Entries Tarsier writes are sorted by path; their time is the build's (`--created`, by default
//! [`FIXED_TIME`], the Unix epoch), owner root and modes 0644 / 0755 / 0777 unless set; the gzip
//! header has no name and time 0; JSON keys are sorted. The rootfs tarball and base layers are
//! kept byte for byte (their digests do not change); `gzip` applies to the new layer only.
//!
//! ```
//! use tarsier::core::build::{build, BuildSpec, Part};
//! let spec = BuildSpec { tags: vec!["empty:latest".into()], ..BuildSpec::default() };
//! let built = build(&spec, None, None).unwrap();
//! assert_eq!(built.layers.len(), 1); // like `docker import` of an empty tar: one empty layer
//! assert!(built.parts.iter().all(|p| matches!(p, Part::Bytes(_))));
//! ```

mod base;
mod config;
mod error;
mod layer;
mod output;
mod reference;
mod rootfs;
mod spec;
mod tar_write;
mod time;

pub use base::{read_base, Base, BaseLayer};
pub use error::BuildError;
pub use layer::{write_layer, NewLayer};
pub use output::{Built, Part, MEDIA_CONFIG, MEDIA_INDEX, MEDIA_MANIFEST};
pub use reference::Reference;
pub use rootfs::{read_rootfs, Rootfs};
pub use spec::{clean_path, BuildSpec, Change, ConfigSpec, Format, Platform, FIXED_TIME, MAX_ADDED_BYTES, MAX_CHANGES, MAX_PATH};
pub use time::{format_rfc3339, parse_rfc3339};

use config::AddedLayer;
use output::{write_archive, LayerSource, OutLayer};
use std::io::{Read, Seek, SeekFrom, Write};

/// Builds the archive: `base`'s layers (if any), then the rootfs tarball (if any), then a layer
/// of `spec`'s changes — made also when there is nothing else, so that the empty image has one
/// empty layer as `docker import` gives it.
///
/// # Errors
/// [`BuildError::Invalid`] for a bad path, tag, time, port or env line.
pub fn build(spec: &BuildSpec, base: Option<&Base>, rootfs: Option<&Rootfs>) -> Result<Built, BuildError> {
    let changes = spec.check()?;
    let created = spec.created.clone().unwrap_or_else(|| FIXED_TIME.to_owned());
    let mtime = parse_rfc3339(&created)?;
    let tags = spec.tags.iter().map(|t| Reference::parse(t)).collect::<Result<Vec<_>, _>>()?;
    let mut layers: Vec<OutLayer> = base
        .map(|b| b.layers.iter().map(|l| OutLayer { digest: l.digest.clone(), compression: l.compression, source: LayerSource::Base(l.clone()) }).collect())
        .unwrap_or_default();
    let mut added = Vec::new();
    if let Some(r) = rootfs {
        layers.push(OutLayer { digest: r.digest.clone(), compression: r.compression, source: LayerSource::Rootfs { size: r.size } });
        added.push(AddedLayer {
            diff_id: r.diff_id.clone(),
            created_by: spec.created_by.clone().unwrap_or_else(|| "tarsier build --rootfs".into()),
            comment: Some("imported from a root filesystem tarball".into()),
        });
    }
    if !changes.is_empty() || (base.is_none() && rootfs.is_none()) {
        let new = write_layer(&changes, mtime, spec.gzip).map_err(|e| BuildError::Io { context: "compressing the new layer".into(), source: e })?;
        let compression = if new.gzip { crate::core::image::Compression::Gzip } else { crate::core::image::Compression::None };
        added.push(AddedLayer { diff_id: new.diff_id.clone(), created_by: created_by(spec, &changes), comment: None });
        layers.push(OutLayer { digest: new.digest, compression, source: LayerSource::New(new.blob) });
    }
    let config = config::compose(base.map(|b| &b.config), &spec.config, &created, &added, &created_by(spec, &changes))?;
    Ok(write_archive(spec.format, &layers, config, &tags, mtime))
}

/// The history line of the new layer: the user's, or what was done.
fn created_by(spec: &BuildSpec, changes: &[Change]) -> String {
    if let Some(c) = &spec.created_by {
        return c.clone();
    }
    let count = |f: fn(&Change) -> bool| changes.iter().filter(|c| f(c)).count();
    let parts: Vec<String> = [
        ("added", count(|c| matches!(c, Change::File { .. } | Change::Dir { .. } | Change::Symlink { .. }))),
        ("deleted", count(|c| matches!(c, Change::Delete { .. }))),
        ("replaced", count(|c| matches!(c, Change::Opaque { .. }))),
    ]
    .into_iter()
    .filter(|(_, n)| *n > 0)
    .map(|(what, n)| format!("{n} {what}"))
    .collect();
    if parts.is_empty() {
        "tarsier build".into()
    } else {
        format!("tarsier build: {}", parts.join(", "))
    }
}

/// Copies `parts` into `out`, reading byte ranges from `base` and `rootfs`. Returns the bytes
/// written.
///
/// # Errors
/// [`BuildError::Io`] when an input is shorter than a part needs, a read or write fails, or a
/// part needs an input that was not given.
pub fn write_parts<W: Write>(parts: &[Part], mut base: Option<&mut dyn ReadSeek>, mut rootfs: Option<&mut dyn ReadSeek>, out: &mut W) -> Result<u64, BuildError> {
    let mut written: u64 = 0;
    for part in parts {
        match part {
            Part::Bytes(b) => out.write_all(b).map_err(|e| io_error("writing the archive", e))?,
            Part::Base { offset, len } => copy_range(base.as_deref_mut(), *offset, *len, "the base archive", out)?,
            Part::Rootfs { offset, len } => copy_range(rootfs.as_deref_mut(), *offset, *len, "the root filesystem", out)?,
        }
        written = written.saturating_add(part.len());
    }
    Ok(written)
}

fn io_error(context: &str, source: std::io::Error) -> BuildError {
    BuildError::Io { context: context.to_owned(), source }
}

/// Copies `len` bytes of `input` from `offset` into `out`.
fn copy_range<R: ReadSeek + ?Sized, W: Write>(input: Option<&mut R>, offset: u64, len: u64, what: &str, out: &mut W) -> Result<(), BuildError> {
    let context = format!("copying {what}");
    let input = input.ok_or_else(|| io_error(&context, std::io::Error::new(std::io::ErrorKind::NotFound, "it was not given")))?;
    input.seek(SeekFrom::Start(offset)).map_err(|e| io_error(&context, e))?;
    let copied = std::io::copy(&mut input.take(len), out).map_err(|e| io_error(&context, e))?;
    if copied != len {
        let why = format!("it ended {} bytes early; was it changed during the build?", len - copied);
        return Err(io_error(&context, std::io::Error::new(std::io::ErrorKind::UnexpectedEof, why)));
    }
    Ok(())
}

/// An input read by byte ranges.
pub trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}
