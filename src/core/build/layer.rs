//! The layer Tarsier writes: the user's changes as a tar, entries sorted by path, metadata
//! normalised (the build's time on every entry, root owner and 0644 / 0755 / 0777 unless the
//! user set them), deletions as OCI whiteouts, optionally gzip-compressed with a fixed header.
//! The same changes give the same bytes.

use crate::core::sha::sha256_hex;
use super::spec::Change;
use super::tar_write::{header, padding, EntryMeta, END};
use std::io::Write;
use tar::EntryType;

/// A layer ready to be written: its blob bytes and digests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLayer {
    /// The blob: the tar, or its gzip.
    pub blob: Vec<u8>,
    /// `sha256:…` of the blob.
    pub digest: String,
    /// `sha256:…` of the uncompressed tar (the config's `diff_ids`).
    pub diff_id: String,
    pub gzip: bool,
}

/// Writes `changes` (checked by [`BuildSpec::check`](super::BuildSpec::check)) as a layer.
pub fn write_layer(changes: &[Change], mtime: u64, gzip: bool) -> std::io::Result<NewLayer> {
    let mut entries: Vec<(String, &Change)> = changes.iter().map(|c| (written_path(c), c)).collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut tar = Vec::new();
    for (path, c) in &entries {
        let (kind, body, mode, uid, gid, link): (EntryType, &[u8], u32, u64, u64, Option<&str>) = match c {
            Change::File { body, mode, uid, gid, .. } => (EntryType::Regular, body, *mode, *uid, *gid, None),
            Change::Dir { mode, uid, gid, .. } => (EntryType::Directory, b"", *mode, *uid, *gid, None),
            Change::Symlink { target, uid, gid, .. } => (EntryType::Symlink, b"", 0o777, *uid, *gid, Some(target.as_str())),
            Change::Delete { .. } | Change::Opaque { .. } => (EntryType::Regular, b"", 0o644, 0, 0, None),
        };
        let meta = EntryMeta { path, kind, size: body.len() as u64, mode, uid, gid, mtime, link };
        tar.extend_from_slice(&header(&meta));
        tar.extend_from_slice(body);
        tar.resize(tar.len() + padding(body.len() as u64), 0);
    }
    tar.extend_from_slice(&END);
    let diff_id = sha256_hex(&tar);
    let blob = if gzip {
        // A fixed gzip header (no name, mtime 0) so that the bytes depend on the tar alone.
        let mut gz = flate2::GzBuilder::new().mtime(0).write(Vec::new(), flate2::Compression::default());
        gz.write_all(&tar)?;
        gz.finish()?
    } else {
        tar
    };
    Ok(NewLayer { digest: sha256_hex(&blob), diff_id, blob, gzip })
}

/// The path an entry is written under: directories end in `/`; a deletion is the whiteout beside
/// the deleted name.
fn written_path(c: &Change) -> String {
    match c {
        Change::Dir { path, .. } => format!("{path}/"),
        Change::Delete { path } => match path.rsplit_once('/') {
            Some((dir, name)) => format!("{dir}/.wh.{name}"),
            None => format!(".wh.{path}"),
        },
        Change::Opaque { path } => format!("{path}/.wh..wh..opq"),
        Change::File { path, .. } | Change::Symlink { path, .. } => path.clone(),
    }
}
