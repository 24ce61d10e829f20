//! The two merged filesystems path by path: added, removed, changed (content by sha256, kind,
//! mode bits, owner, group, symlink target, hard-link group, file capabilities) and touched (only
//! the mtime differs). Size never decides alone: a different size is a different content without
//! hashing; equal sizes are hashed, unless both sides take the body from the same layer
//! (same diff_id, same entry), which is the same bytes.

use super::known::KnownHashes;
use super::types::{ChangedFile, FileItem, Side, Touched, Values};
use crate::core::image::{copy_entry, Analysis, EntryKind, EntryReport, ImageError};
use crate::core::sha::HashingWriter;
use std::collections::BTreeMap;
use std::io::{Read, Seek};

/// What one present path is, as an unpacked tree shows it (a hard link is the file it links to).
#[derive(Debug, Clone)]
pub(crate) struct Meta {
    pub kind: &'static str,
    pub mode: u32,
    pub uid: u64,
    pub gid: u64,
    pub size: u64,
    pub mtime: Option<i64>,
    pub link: Option<String>,
    pub caps: Option<String>,
    /// The other paths of its hard-link group (sharing its inode), sorted.
    pub hardlinks: Vec<String>,
    /// Where a regular file's body is: the layer's diff_id, and (report layer, entry path).
    pub body: Option<Body>,
    /// The layer (position in the image) that last wrote the path.
    pub layer: usize,
}

/// The entry that holds a file's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Body {
    pub diff_id: Option<String>,
    pub layer: usize,
    pub path: String,
}

impl Body {
    /// The same entry of the same layer (by diff_id) is the same bytes: no need to hash. What
    /// [`hash_work`] counts and [`content_change`] hashes both decide by this.
    fn same_bytes(&self, other: &Body) -> bool {
        self.diff_id.is_some() && self.diff_id == other.diff_id && self.path == other.path
    }

    /// Its digest, if an earlier comparison read it.
    pub(crate) fn known<'k>(&self, known: &'k KnownHashes) -> Option<&'k str> {
        known.get(self.diff_id.as_deref()?, &self.path)
    }

    /// What tells it from every other body in one comparison: its layer's diff_id, or (without
    /// one) its side and layer; and its entry's path.
    pub(crate) fn key(&self, side: Side) -> (String, String) {
        let layer = self.diff_id.clone().unwrap_or_else(|| format!("{side:?} layer {}", self.layer));
        (layer, self.path.clone())
    }
}

fn kind_name(k: EntryKind) -> &'static str {
    match k {
        EntryKind::File | EntryKind::Hardlink => "file",
        EntryKind::Dir => "dir",
        EntryKind::Symlink => "symlink",
        EntryKind::Char => "char",
        EntryKind::Block => "block",
        EntryKind::Fifo => "fifo",
        _ => "other",
    }
}

/// The entry a hard link written in report layer `layer` points to: its target in the same layer
/// (followed while that is a hard link too), as extraction at that layer links it.
fn link_target_in_layer(a: &Analysis, layer: usize, target: &str) -> Option<(String, EntryReport)> {
    let mut cur = target.trim_start_matches("./").trim_start_matches('/').to_owned();
    for _ in 0..64 {
        let ei = a.find_in_layer(layer, &cur)?;
        let e = a.entry_report(a.layer_entry(layer, ei)?);
        match (e.kind, &e.link_target) {
            (EntryKind::Hardlink, Some(next)) => cur = next.trim_start_matches("./").trim_start_matches('/').to_owned(),
            _ => return Some((cur, e)),
        }
    }
    None
}

/// Every present path of image `image`, hard links resolved to their file.
pub(crate) fn tree(a: &Analysis, image: usize) -> Result<BTreeMap<String, Meta>, ImageError> {
    let img = a.report.images.get(image).ok_or_else(|| ImageError::NotFound { what: format!("image {image}") })?;
    let mut out = BTreeMap::new();
    // Inodes: (report layer, path of the file entry) → the paths that share it.
    let mut inodes: BTreeMap<(usize, String), Vec<String>> = BTreeMap::new();
    for e in a.merged_tree(image, false)? {
        let Some(pos) = img.layers.get(e.layer) else { continue };
        let body = |layer, path: String| Body { diff_id: pos.diff_id.clone(), layer, path };
        let resolved = if e.kind == EntryKind::Hardlink { e.link_target.as_deref().and_then(|t| link_target_in_layer(a, pos.layer, t)) } else { None };
        let meta = match resolved {
            Some((target, t)) => Meta {
                kind: kind_name(t.kind),
                mode: t.mode & 0o7777,
                uid: t.uid,
                gid: t.gid,
                size: t.size,
                mtime: Some(t.mtime),
                link: None,
                caps: t.capabilities.map(|c| c.text),
                hardlinks: Vec::new(),
                body: (kind_name(t.kind) == "file").then(|| body(pos.layer, target)),
                layer: e.layer,
            },
            None => {
                let kind = kind_name(e.kind);
                Meta {
                    kind,
                    mode: e.mode & 0o7777,
                    uid: e.uid,
                    gid: e.gid,
                    size: e.size,
                    mtime: e.mtime,
                    link: if kind == "symlink" { e.link_target.clone() } else { None },
                    caps: e.capabilities.clone(),
                    hardlinks: Vec::new(),
                    body: (kind == "file").then(|| body(pos.layer, e.path.clone())),
                    layer: e.layer,
                }
            }
        };
        if let Some(b) = &meta.body {
            inodes.entry((b.layer, b.path.clone())).or_default().push(e.path.clone());
        }
        out.insert(e.path.clone(), meta);
    }
    for group in inodes.into_values().filter(|g| g.len() > 1) {
        for p in &group {
            if let Some(m) = out.get_mut(p) {
                let mut others: Vec<String> = group.iter().filter(|x| *x != p).cloned().collect();
                others.sort();
                m.hardlinks = others;
            }
        }
    }
    Ok(out)
}

/// The files diff. `hash` gives a merged file's sha256 (and is called only for same-size files
/// whose bodies come from different layers).
pub(crate) struct FilesDiff {
    pub added: Vec<FileItem>,
    pub removed: Vec<FileItem>,
    pub changed: Vec<ChangedFile>,
    pub touched: Vec<Touched>,
}

pub(crate) fn diff_files(
    a: &BTreeMap<String, Meta>,
    b: &BTreeMap<String, Meta>,
    hash: &mut dyn FnMut(Side, &Body) -> Result<String, ImageError>,
) -> Result<FilesDiff, ImageError> {
    let mut d = FilesDiff { added: Vec::new(), removed: Vec::new(), changed: Vec::new(), touched: Vec::new() };
    for (p, m) in a {
        if !b.contains_key(p) {
            d.removed.push(FileItem { path: p.clone(), kind: m.kind.into(), size: m.size, layer: m.layer });
        }
    }
    for (p, nb) in b {
        let Some(na) = a.get(p) else {
            d.added.push(FileItem { path: p.clone(), kind: nb.kind.into(), size: nb.size, layer: nb.layer });
            continue;
        };
        let (mut what, mut va, mut vb) = metadata_changes(na, nb);
        if na.kind == "file" && nb.kind == "file" {
            content_change(na, nb, hash, &mut what, &mut va, &mut vb)?;
        }
        if !what.is_empty() {
            d.changed.push(ChangedFile { path: p.clone(), what, a: va, b: vb, size_a: na.size, size_b: nb.size, layer_a: na.layer, layer_b: nb.layer, text_diff: None });
        } else if na.mtime != nb.mtime {
            d.touched.push(Touched { path: p.clone(), kind: nb.kind.into(), mtime_a: na.mtime, mtime_b: nb.mtime, layer_a: na.layer, layer_b: nb.layer });
        }
    }
    Ok(d)
}

/// The fields other than content that differ, in the report's order, with both values.
fn metadata_changes(a: &Meta, b: &Meta) -> (Vec<String>, Values, Values) {
    let mut what = Vec::new();
    let (mut va, mut vb) = (Values::default(), Values::default());
    if a.kind != b.kind {
        what.push("kind".into());
        (va.kind, vb.kind) = (Some(a.kind.into()), Some(b.kind.into()));
    }
    if a.mode != b.mode {
        what.push("mode".into());
        (va.mode, vb.mode) = (Some(a.mode), Some(b.mode));
    }
    if a.uid != b.uid {
        what.push("uid".into());
        (va.uid, vb.uid) = (Some(a.uid), Some(b.uid));
    }
    if a.gid != b.gid {
        what.push("gid".into());
        (va.gid, vb.gid) = (Some(a.gid), Some(b.gid));
    }
    if a.link != b.link {
        what.push("link".into());
        (va.link, vb.link) = (a.link.clone(), b.link.clone());
    }
    if a.hardlinks != b.hardlinks {
        what.push("hardlinks".into());
        // No other path: left out, as an absent capability is.
        let group = |g: &Vec<String>| (!g.is_empty()).then(|| g.clone());
        (va.hardlinks, vb.hardlinks) = (group(&a.hardlinks), group(&b.hardlinks));
    }
    if a.caps != b.caps {
        what.push("caps".into());
        (va.caps, vb.caps) = (a.caps.clone(), b.caps.clone());
    }
    (what, va, vb)
}

/// The bodies [`diff_files`] will read, and their bytes: of same-size regular files on both
/// sides whose bodies come from different entries, each body once (hard links share one), less
/// those whose digests are `known` (what progress counts against).
pub(crate) fn hash_work(a: &BTreeMap<String, Meta>, b: &BTreeMap<String, Meta>, known: &KnownHashes) -> (u64, u64) {
    let mut bodies = std::collections::HashSet::new();
    let mut work = (0u64, 0u64);
    for (p, nb) in b {
        let Some(na) = a.get(p) else { continue };
        let (Some(ba), Some(bb)) = (&na.body, &nb.body) else { continue };
        if na.kind == "file" && nb.kind == "file" && !ba.same_bytes(bb) && na.size == nb.size {
            for (side, body) in [(Side::A, ba), (Side::B, bb)] {
                if body.known(known).is_none() && bodies.insert(body.key(side)) {
                    work = (work.0.saturating_add(1), work.1.saturating_add(na.size));
                }
            }
        }
    }
    work
}

fn content_change(
    a: &Meta,
    b: &Meta,
    hash: &mut dyn FnMut(Side, &Body) -> Result<String, ImageError>,
    what: &mut Vec<String>,
    va: &mut Values,
    vb: &mut Values,
) -> Result<(), ImageError> {
    let (Some(ba), Some(bb)) = (&a.body, &b.body) else { return Ok(()) };
    if ba.same_bytes(bb) {
        return Ok(());
    }
    if a.size != b.size {
        what.push("sha256".into());
        return Ok(());
    }
    let (ha, hb) = (hash(Side::A, ba)?, hash(Side::B, bb)?);
    if ha != hb {
        what.push("sha256".into());
        (va.sha256, vb.sha256) = (Some(ha), Some(hb));
    }
    Ok(())
}

/// The sha256 of a file's body (its entry in its layer), streamed, and its size.
pub(crate) fn sha256_body<R: Read + Seek>(reader: R, a: &Analysis, body: &Body) -> Result<(String, u64), ImageError> {
    let mut h = HashingWriter::default();
    let size = copy_entry(reader, a, body.layer, &body.path, &mut h)?;
    Ok((h.hex(), size))
}
