//! Queries over an [`Analysis`] for a UI over huge images (one directory, one layer page, a
//! capped search) and reading entry bodies on demand: a byte range by seeking for plain layers in
//! a plain archive, by re-streaming for compressed ones.

use super::analysis::Analysis;
use super::error::{ImageError, Position};
use super::fs_tree::{display_bytes, NONE, ROOT};
use super::layer::{Entry, FLAG_CUT_OFF};
use super::merge::{history, ST_PRESENT};
use super::options::Options;
use super::report::*;
use super::sniff::outer_position;
use super::source::{read_full, with_decoded, Bounded, Source, Tick};
use super::xattr::{decode_file_caps, FileCaps};
use std::cell::Cell;
use std::io::{Read, Seek, Write};
use std::rc::Rc;

/// Largest byte range [`read_entry`] returns in one call.
pub const MAX_READ_LEN: usize = 64 * 1024 * 1024;
/// Most symlink hops followed by [`read_merged`].
const MAX_SYMLINK_HOPS: usize = 40;

fn b64(b: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// Simple glob: `*` any run (including `/`), `?` one byte.
fn glob(p: &[u8], s: &[u8]) -> bool {
    let (mut pi, mut si) = (0usize, 0usize);
    let (mut star, mut mark) = (None::<usize>, 0usize);
    while si < s.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some(pi);
                mark = si;
                pi += 1;
            }
            Some(&c) if c == b'?' || Some(&c) == s.get(si) => {
                pi += 1;
                si += 1;
            }
            _ => match star {
                Some(sp) => {
                    pi = sp + 1;
                    mark += 1;
                    si = mark;
                }
                None => return false,
            },
        }
    }
    while p.get(pi) == Some(&b'*') {
        pi += 1;
    }
    pi == p.len()
}

impl Analysis {
    fn not_found(&self, what: String) -> ImageError {
        ImageError::NotFound {
            what,
        }
    }

    pub(crate) fn layer_entry(&self, layer: usize, ei: u32) -> Option<&Entry> {
        let b = self.blobs.get(*self.layer_blob.get(layer)?)?;
        b.index.entries.get(ei as usize)
    }

    fn entries_of(&self, layer: usize) -> Result<&[Entry], ImageError> {
        self.layer_blob
            .get(layer)
            .and_then(|&b| self.blobs.get(b))
            .map(|b| b.index.entries.as_slice())
            .ok_or_else(|| self.not_found(format!("layer {layer}")))
    }

    /// The serializable form of one layer entry.
    pub fn entry_report(&self, e: &Entry) -> EntryReport {
        entry_report(&self.tree, &self.strings, e)
    }

    /// One page of a layer's entries (`layer` indexes `report.layers`), in tar order.
    ///
    /// # Errors
    /// [`ImageError::NotFound`] for an unknown layer.
    pub fn layer_entries(
        &self,
        layer: usize,
        offset: usize,
        limit: usize,
    ) -> Result<Page<EntryReport>, ImageError> {
        let entries = self.entries_of(layer)?;
        let items = entries
            .iter()
            .skip(offset)
            .take(limit)
            .map(|e| self.entry_report(e))
            .collect();
        Ok(Page {
            total: entries.len(),
            offset,
            items,
        })
    }

    /// The last entry for `path` in a layer, as its index. Whiteout markers are entries too:
    /// their bodies (empty in a well-formed layer) read like any file's.
    pub fn find_in_layer(&self, layer: usize, path: &str) -> Option<u32> {
        let node = self.lookup(path)?;
        let entries = self.entries_of(layer).ok()?;
        entries
            .iter()
            .rposition(|e| e.node == node)
            .and_then(|i| u32::try_from(i).ok())
    }

    /// Looks up a path as the report shows it ([`display_bytes`]: non-UTF-8 bytes as `\xNN`, a
    /// backslash doubled), else as typed. The shown form is tried first: otherwise the name `a\b`,
    /// shown as `a\\b`, would open another entry whose name is `a\\b` byte for byte.
    fn lookup(&self, path: &str) -> Option<u32> {
        self.tree
            .lookup(&super::fs_tree::undisplay(path))
            .or_else(|| self.tree.lookup(path.as_bytes()))
    }

    fn merged_of(&self, image: usize) -> Result<&super::merge::Merged, ImageError> {
        self.images
            .get(image)
            .ok_or_else(|| self.not_found(format!("image {image}")))
    }

    fn merged_entry_at(&self, image: usize, node: u32) -> Option<MergedEntry> {
        let m = self.images.get(image)?;
        let n = m.nodes.get(node as usize)?;
        let status = n.status()?;
        let pos = n.layer as usize;
        let entry = if n.entry != NONE {
            m.layers
                .get(pos)
                .and_then(|&l| self.layer_entry(l, n.entry))
        } else if status != MergedStatus::Present {
            m.last_written.get(&node).and_then(|&(p, e)| {
                m.layers
                    .get(p as usize)
                    .and_then(|&l| self.layer_entry(l, e))
            })
        } else {
            None
        };
        let (kind, mut size, mode, uid, gid, link) = match entry {
            // Linux ignores a symlink's mode: on a real filesystem it is always 0777.
            Some(e) if e.kind == EntryKind::Symlink => {
                (e.kind, e.size, 0o777, e.uid, e.gid, e.link.as_deref())
            }
            Some(e) => (e.kind, e.size, e.mode, e.uid, e.gid, e.link.as_deref()),
            None => (EntryKind::Dir, 0, 0o755, 0, 0, None),
        };
        if kind == EntryKind::Hardlink {
            if let Some(t) = link.and_then(|l| self.tree.lookup(l)) {
                if let Some(tn) = m.nodes.get(t as usize).filter(|x| x.entry != NONE) {
                    if let Some(te) = m
                        .layers
                        .get(tn.layer as usize)
                        .and_then(|&l| self.layer_entry(l, tn.entry))
                    {
                        size = te.size;
                    }
                }
            }
        }
        let (children, gone_children) = if kind == EntryKind::Dir {
            self.tree.children(node).fold((0u64, 0u64), |(present, gone), c| {
                match m.nodes.get(c as usize).map_or(0, |x| x.status) {
                    0 => (present, gone),
                    ST_PRESENT => (present.saturating_add(1), gone),
                    _ => (present, gone.saturating_add(1)),
                }
            })
        } else {
            (0, 0)
        };
        let capabilities = entry
            .and_then(|e| e.extra.as_ref())
            .and_then(|x| x.xattrs.iter().find(|(k, _)| k == "security.capability"))
            .and_then(|(_, v)| decode_file_caps(v))
            .map(|c| c.text);
        let total = if status == MergedStatus::Present {
            m.dir_totals.get(&node).copied().unwrap_or_default()
        } else {
            super::merge::DirTotal::default()
        };
        Some(MergedEntry {
            path: display_bytes(&self.tree.path(node)),
            name: display_bytes(self.tree.name(node)),
            status,
            kind,
            size,
            mode,
            mode_str: mode_string(kind, mode),
            uid,
            gid,
            mtime: entry.map(|e| e.mtime),
            link_target: link.map(display_bytes),
            layer: pos,
            history: history(n),
            children,
            gone_children,
            tree_bytes: total.bytes,
            tree_entries: total.entries,
            capabilities,
            cut_off: entry.is_some_and(|e| e.flags & FLAG_CUT_OFF != 0),
        })
    }

    /// One path of an image's merged filesystem (present, deleted or hidden).
    pub fn merged_entry(&self, image: usize, path: &str) -> Option<MergedEntry> {
        let node = self.lookup(path)?;
        self.merged_entry_at(image, node)
    }

    /// The children of one merged directory, sorted by name. Deleted and hidden children are
    /// included only if `include_deleted`.
    ///
    /// # Errors
    /// [`ImageError::NotFound`] for an unknown image or a path absent from the image.
    pub fn list_dir(
        &self,
        image: usize,
        path: &str,
        include_deleted: bool,
    ) -> Result<Vec<MergedEntry>, ImageError> {
        let m = self.merged_of(image)?;
        let node = self
            .lookup(path)
            .filter(|&n| m.nodes.get(n as usize).is_some_and(|x| x.status != 0));
        let node = node.ok_or_else(|| self.not_found(format!("path {path} in image {image}")))?;
        let mut out: Vec<MergedEntry> = self
            .tree
            .children(node)
            .filter(|&c| {
                m.nodes
                    .get(c as usize)
                    .is_some_and(|x| x.status == ST_PRESENT || (include_deleted && x.status != 0))
            })
            .filter_map(|c| self.merged_entry_at(image, c))
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Every path of an image's merged tree (present and, if asked, deleted), depth first with
    /// the children of each directory sorted by name.
    ///
    /// # Errors
    /// [`ImageError::NotFound`] for an unknown image.
    pub fn merged_tree(
        &self,
        image: usize,
        include_deleted: bool,
    ) -> Result<Vec<MergedEntry>, ImageError> {
        self.merged_of(image)?;
        Ok(self
            .merged_order(image, include_deleted)
            .into_iter()
            .filter_map(|n| self.merged_entry_at(image, n))
            .collect())
    }

    /// The regular files of an image's merged filesystem that change privileges at exec: setuid,
    /// setgid, or with file capabilities (`security.capability`), in path order. Hard links are
    /// not followed (their target is listed itself).
    ///
    /// # Errors
    /// [`ImageError::NotFound`] for an unknown image.
    pub fn privileged_files(&self, image: usize) -> Result<Vec<PrivilegedFile>, ImageError> {
        let m = self.merged_of(image)?;
        let mut out = Vec::new();
        for (n, node) in m.nodes.iter().enumerate() {
            if node.status != ST_PRESENT || node.entry == NONE {
                continue;
            }
            let Some(e) = m.layers.get(node.layer as usize).and_then(|&l| self.layer_entry(l, node.entry)) else {
                continue;
            };
            if e.kind != EntryKind::File {
                continue;
            }
            let caps = e
                .extra
                .as_ref()
                .and_then(|x| x.xattrs.iter().find(|(k, _)| k == "security.capability"))
                .and_then(|(_, v)| decode_file_caps(v));
            if e.mode & 0o6000 == 0 && caps.is_none() {
                continue;
            }
            out.push(PrivilegedFile {
                path: display_bytes(&self.tree.path(u32::try_from(n).unwrap_or(NONE))),
                mode: e.mode,
                uid: e.uid,
                gid: e.gid,
                layer: node.layer as usize,
                caps,
            });
        }
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }

    /// Searches an image's merged paths: `pattern` with `*`/`?` is a glob, otherwise a
    /// case-insensitive substring; either is matched against the full path if it has a `/`, else
    /// against the name. At most `cap` hits.
    pub fn search(
        &self,
        image: usize,
        pattern: &str,
        include_deleted: bool,
        cap: usize,
    ) -> Vec<SearchHit> {
        let Some(m) = self.images.get(image) else {
            return Vec::new();
        };
        let is_glob = pattern.contains(['*', '?']);
        let full = pattern.contains('/');
        let needle = pattern.to_lowercase();
        let mut hits = Vec::new();
        for (n, x) in m.nodes.iter().enumerate() {
            if hits.len() >= cap {
                break;
            }
            if n == ROOT as usize || x.status == 0 || (!include_deleted && x.status != ST_PRESENT) {
                continue;
            }
            let Ok(node) = u32::try_from(n) else { continue };
            let ok = if is_glob {
                if full {
                    glob(
                        pattern.trim_start_matches('/').as_bytes(),
                        &self.tree.path(node),
                    )
                } else {
                    glob(pattern.as_bytes(), self.tree.name(node))
                }
            } else if full {
                // `etc/passwd`, `/etc/pass`: a part of the path, from anywhere in it.
                display_bytes(&self.tree.path(node))
                    .to_lowercase()
                    .contains(needle.trim_start_matches('/'))
            } else {
                display_bytes(self.tree.name(node))
                    .to_lowercase()
                    .contains(&needle)
            };
            if ok {
                if let Some(e) = self.merged_entry_at(image, node) {
                    hits.push(SearchHit {
                        image,
                        path: e.path,
                        status: e.status,
                        kind: e.kind,
                        size: e.size,
                        layer: e.layer,
                    });
                }
            }
        }
        hits.sort_by(|a, b| a.path.cmp(&b.path));
        hits
    }

    /// The report plus every layer's entries and every image's merged tree, serialized lazily
    /// (entries are turned into [`EntryReport`]s while being written, so memory stays flat).
    pub fn full_report(&self) -> FullReport<'_> {
        FullReport { analysis: self }
    }

    /// Nodes of an image's merged tree in depth-first order, children sorted by name.
    fn merged_order(&self, image: usize, include_deleted: bool) -> Vec<u32> {
        let Some(m) = self.images.get(image) else {
            return Vec::new();
        };
        let keep = |c: u32| {
            m.nodes
                .get(c as usize)
                .is_some_and(|x| x.status == ST_PRESENT || (include_deleted && x.status != 0))
        };
        let sorted_children = |n: u32| {
            let mut v: Vec<u32> = self.tree.children(n).filter(|&c| keep(c)).collect();
            v.sort_by(|a, b| self.tree.name(*b).cmp(self.tree.name(*a)));
            v
        };
        let mut out = Vec::new();
        let mut stack = sorted_children(ROOT);
        while let Some(n) = stack.pop() {
            out.push(n);
            stack.extend(sorted_children(n));
        }
        out
    }

    /// Resolves a merged path to (report layer, entry index), following symlinks and hard links.
    ///
    /// # Errors
    /// [`ImageError::NotFound`] if the path is absent, deleted, or not a file after resolution.
    pub fn resolve_merged(&self, image: usize, path: &str) -> Result<(usize, u32), ImageError> {
        let m = self.merged_of(image)?;
        let mut cur = path.trim_start_matches('/').to_owned();
        for _ in 0..MAX_SYMLINK_HOPS {
            let node = self
                .lookup(&cur)
                .ok_or_else(|| self.not_found(format!("path {cur} in image {image}")))?;
            let n = m
                .nodes
                .get(node as usize)
                .filter(|x| x.status == ST_PRESENT && x.entry != NONE);
            let n = n.ok_or_else(|| {
                self.not_found(format!(
                    "file {cur} in image {image} (absent, deleted or a directory)"
                ))
            })?;
            let layer = *m
                .layers
                .get(n.layer as usize)
                .ok_or_else(|| self.not_found("layer".into()))?;
            let e = self
                .layer_entry(layer, n.entry)
                .ok_or_else(|| self.not_found("entry".into()))?;
            match e.kind {
                EntryKind::Symlink | EntryKind::Hardlink => {
                    let target = display_bytes(e.link.as_deref().unwrap_or(&[]));
                    cur = if e.kind == EntryKind::Hardlink || target.starts_with('/') {
                        target.trim_start_matches('/').to_owned()
                    } else {
                        let dir = cur.rsplit_once('/').map_or("", |(d, _)| d);
                        // lexical resolution clamped at the root
                        let mut parts: Vec<&str> =
                            dir.split('/').filter(|s| !s.is_empty()).collect();
                        for c in target.split('/') {
                            match c {
                                "" | "." => {}
                                ".." => {
                                    parts.pop();
                                }
                                c => parts.push(c),
                            }
                        }
                        parts.join("/")
                    };
                }
                _ => return Ok((layer, n.entry)),
            }
        }
        Err(self.not_found(format!(
            "end to the symlink chain at {path} (more than {MAX_SYMLINK_HOPS} hops)"
        )))
    }

    fn body_target(&self, layer: usize, ei: u32) -> Result<(usize, u32), ImageError> {
        let e = self
            .layer_entry(layer, ei)
            .ok_or_else(|| self.not_found(format!("entry {ei} in layer {layer}")))?;
        if e.kind == EntryKind::Hardlink {
            let target = e.link.as_deref().and_then(|l| self.tree.lookup(l));
            let entries = self.entries_of(layer)?;
            let found = target.and_then(|t| {
                entries
                    .iter()
                    .take(ei as usize)
                    .rposition(|x| x.node == t && x.kind == EntryKind::File)
            });
            return match found.and_then(|i| u32::try_from(i).ok()) {
                Some(i) => Ok((layer, i)),
                None => Err(self.not_found(format!(
                    "target of the hard link {} in layer {layer}",
                    display_bytes(&self.tree.path(e.node))
                ))),
            };
        }
        Ok((layer, ei))
    }
}

/// The serializable form of one layer entry.
pub(crate) fn entry_report(
    tree: &super::fs_tree::PathTree,
    strings: &super::layer::StrTable,
    e: &Entry,
) -> EntryReport {
    let raw = e
        .extra
        .as_ref()
        .and_then(|x| x.raw_path.clone())
        .unwrap_or_else(|| tree.path(e.node));
    let utf8 = std::str::from_utf8(&raw).is_ok();
    let xattrs = e.extra.as_ref().map(|x| x.xattrs.as_slice()).unwrap_or(&[]);
    let capabilities = xattrs
        .iter()
        .find(|(k, _)| k == "security.capability")
        .and_then(|(_, v)| decode_file_caps(v));
    EntryReport {
        path: display_bytes(&raw),
        path_b64: (!utf8).then(|| b64(&raw)),
        kind: e.kind,
        size: e.size,
        mode: e.mode,
        mode_str: mode_string(e.kind, e.mode),
        uid: e.uid,
        gid: e.gid,
        uname: strings.get(e.uname).to_owned(),
        gname: strings.get(e.gname).to_owned(),
        mtime: e.mtime,
        link_target: e.link.as_deref().map(display_bytes),
        whiteout_target: (e.target != NONE).then(|| display_bytes(&tree.path(e.target))),
        device: e.extra.as_ref().and_then(|x| x.device),
        xattrs: xattrs
            .iter()
            .map(|(k, v)| XattrReport {
                name: k.clone(),
                size: v.len(),
                value_b64: b64(v),
            })
            .collect(),
        capabilities,
        data_offset: e.data_offset,
        cut_off: e.flags & FLAG_CUT_OFF != 0,
    }
}

/// Streams the body of entry `ei` of report layer `layer` through `f`.
fn with_body<R: Read + Seek, T>(
    reader: R,
    a: &Analysis,
    layer: usize,
    ei: u32,
    f: &mut dyn FnMut(&mut dyn Source, u64) -> Result<T, ImageError>,
) -> Result<T, ImageError> {
    let (layer, ei) = a.body_target(layer, ei)?;
    let e = a
        .layer_entry(layer, ei)
        .ok_or_else(|| a.not_found(format!("entry {ei}")))?;
    let (data_offset, size) = (e.data_offset, e.size);
    with_layer_stream(reader, a, layer, &mut |s, at| {
        s.skip(data_offset).map_err(|err| ImageError::from_io(at(data_offset), "on the way to an entry's body", err))?;
        let mut b = Bounded::new(s, size);
        f(&mut b, size).map_err(|e| in_body(e, &at(data_offset)))
    })
}

/// Places an offset of a layer's uncompressed stream in the archive (for errors).
type Place<'a> = &'a dyn Fn(u64) -> Position;

/// Runs `f` over the uncompressed tar stream of layer `layer` (from its start), with the
/// [`Place`] of its offsets.
fn with_layer_stream<R: Read + Seek, T>(
    reader: R,
    a: &Analysis,
    layer: usize,
    f: &mut dyn FnMut(&mut dyn Source, Place<'_>) -> Result<T, ImageError>,
) -> Result<T, ImageError> {
    let blob = a
        .layer_blob
        .get(layer)
        .and_then(|&b| a.blobs.get(b))
        .ok_or_else(|| a.not_found(format!("layer {layer}")))?;
    let tick: Tick = Rc::new(Cell::new(0));
    let compression = a.outer_compression;
    let member = blob.path.clone();
    let outer_tick = tick.clone();
    // Where a place `o` bytes into the layer is.
    let at = |o: u64| Position::inside(outer_tick.get(), Some(&member), o);
    a.with_outer(reader, tick, &mut |outer| {
        outer.skip(blob.offset).map_err(|err| {
            ImageError::from_io(outer_position(compression, &outer_tick, blob.offset), "while seeking to a layer", err)
        })?;
        let mut body = Bounded::new(outer, blob.size);
        with_decoded(
            blob.compression,
            &mut body,
            a.max_layer_bytes,
            &mut |s: &mut dyn Source| f(s, &at),
            &|err| ImageError::from_io(at(0), "in the layer's compressed data", err),
        )
    })
}

/// What [`read_bodies`] calls with each entry's index and body.
pub type BodyFn<'a> = dyn FnMut(u32, &[u8]) -> Result<(), ImageError> + 'a;

/// The bodies of `entries` (indexes of regular files in layer `layer`) in one pass over the
/// layer, in the order they lie in it: `f` gets each entry's index and its whole body. A
/// compressed layer is inflated once for all of them, where [`read_entry`] per file inflates it
/// from its start each time. The caller bounds the sizes (each body is read into memory).
///
/// # Errors
/// As [`read_entry`]; whatever `f` returns (it stops the pass).
pub fn read_bodies<R: Read + Seek>(
    reader: R,
    a: &Analysis,
    layer: usize,
    entries: &[u32],
    f: &mut BodyFn<'_>,
) -> Result<(), ImageError> {
    let mut order = Vec::with_capacity(entries.len());
    for &ei in entries {
        let e = a.layer_entry(layer, ei).ok_or_else(|| a.not_found(format!("entry {ei}")))?;
        order.push((e.data_offset, e.size, ei));
    }
    order.sort_unstable();
    with_layer_stream(reader, a, layer, &mut |s, at| {
        let mut buf = Vec::new();
        for &(data_offset, size, ei) in &order {
            // Two entries never share bytes; one that would go back is skipped.
            let Some(gap) = data_offset.checked_sub(s.pos()) else { continue };
            s.skip(gap).map_err(|err| ImageError::from_io(at(data_offset), "on the way to an entry's body", err))?;
            let len = usize::try_from(size).map_err(|_| ImageError::LimitExceeded { at: at(data_offset), what: "an entry's body".into(), limit: usize::MAX as u64 })?;
            buf.resize(len, 0);
            let n = read_full(s, &mut buf).map_err(|err| ImageError::from_io(at(data_offset), "inside an entry's body", err))?;
            // A body the layer cuts off (`cut_off`) is given as far as it goes, as
            // `read_entry` gives it.
            f(ei, buf.get(..n).unwrap_or(&[]))?;
        }
        Ok(())
    })
}

/// An error `f` met inside an entry's body (its positions count from the body's start), placed
/// in the layer and the file.
fn in_body(e: ImageError, body_at: &Position) -> ImageError {
    let place = |at: Position| {
        let mut p = body_at.clone();
        if let Some(inner) = &mut p.inner {
            inner.offset = inner.offset.saturating_add(at.offset);
        }
        p
    };
    match e {
        ImageError::Truncated { at, context } => ImageError::Truncated { at: place(at), context },
        ImageError::Corrupt { at, context, reason } => ImageError::Corrupt { at: place(at), context, reason },
        ImageError::Io { at, context, source } if context != "while writing" => ImageError::Io { at: place(at), context, source },
        ImageError::LimitExceeded { at, what, limit } => ImageError::LimitExceeded { at: place(at), what, limit },
        other => other,
    }
}

/// A file that changes privileges at exec ([`Analysis::privileged_files`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PrivilegedFile {
    pub path: String,
    /// Permission bits with setuid (0o4000) and setgid (0o2000).
    pub mode: u32,
    pub uid: u64,
    pub gid: u64,
    /// The layer (position in the image) that wrote it.
    pub layer: usize,
    /// Its file capabilities, decoded.
    pub caps: Option<FileCaps>,
}

/// Reads up to `max_len` bytes (at most [`MAX_READ_LEN`]) from `offset` of the body of `path` in
/// report layer `layer`. Hard links read their target's body.
///
/// # Errors
/// [`ImageError::NotFound`] if the layer or path is unknown; read errors as in [`super::analyze`].
pub fn read_entry<R: Read + Seek>(
    reader: R,
    a: &Analysis,
    layer: usize,
    path: &str,
    offset: u64,
    max_len: usize,
) -> Result<Vec<u8>, ImageError> {
    let ei = a
        .find_in_layer(layer, path)
        .ok_or_else(|| a.not_found(format!("path {path} in layer {layer}")))?;
    read_range(reader, a, layer, ei, offset, max_len)
}

/// Like [`read_entry`], for a path of image `image`'s merged filesystem (symlinks followed).
///
/// # Errors
/// As [`read_entry`]; [`ImageError::NotFound`] if the path is absent or deleted.
pub fn read_merged<R: Read + Seek>(
    reader: R,
    a: &Analysis,
    image: usize,
    path: &str,
    offset: u64,
    max_len: usize,
) -> Result<Vec<u8>, ImageError> {
    let (layer, ei) = a.resolve_merged(image, path)?;
    read_range(reader, a, layer, ei, offset, max_len)
}

fn read_range<R: Read + Seek>(
    reader: R,
    a: &Analysis,
    layer: usize,
    ei: u32,
    offset: u64,
    max_len: usize,
) -> Result<Vec<u8>, ImageError> {
    with_body(reader, a, layer, ei, &mut |s, size| {
        if offset >= size {
            return Ok(Vec::new());
        }
        s.skip(offset).map_err(|err| ImageError::from_io(Position::file(offset), "inside an entry's body", err))?;
        let want =
            usize::try_from((size - offset).min(max_len.min(MAX_READ_LEN) as u64)).unwrap_or(0);
        let mut buf = vec![0u8; want];
        let n = read_full(s, &mut buf)
            .map_err(|err| ImageError::from_io(Position::file(offset), "inside an entry's body", err))?;
        buf.truncate(n);
        Ok(buf)
    })
}

/// Writes the whole body of `path` in report layer `layer` to `out`; returns the byte count.
///
/// # Errors
/// As [`read_entry`], plus write errors as [`ImageError::Io`].
pub fn copy_entry<R: Read + Seek>(
    reader: R,
    a: &Analysis,
    layer: usize,
    path: &str,
    out: &mut dyn Write,
) -> Result<u64, ImageError> {
    let ei = a
        .find_in_layer(layer, path)
        .ok_or_else(|| a.not_found(format!("path {path} in layer {layer}")))?;
    copy_body(reader, a, layer, ei, out)
}

/// Writes the whole body of a merged path (symlinks followed) to `out`.
///
/// # Errors
/// As [`read_merged`], plus write errors.
pub fn copy_merged<R: Read + Seek>(
    reader: R,
    a: &Analysis,
    image: usize,
    path: &str,
    out: &mut dyn Write,
) -> Result<u64, ImageError> {
    let (layer, ei) = a.resolve_merged(image, path)?;
    copy_body(reader, a, layer, ei, out)
}

fn copy_body<R: Read + Seek>(
    reader: R,
    a: &Analysis,
    layer: usize,
    ei: u32,
    out: &mut dyn Write,
) -> Result<u64, ImageError> {
    with_body(reader, a, layer, ei, &mut |s, _size| {
        let mut buf = vec![0u8; 64 * 1024];
        let mut total = 0u64;
        loop {
            let n = s
                .read_some(&mut buf)
                .map_err(|err| ImageError::from_io(Position::file(total), "inside an entry's body", err))?;
            if n == 0 {
                break;
            }
            // A failed write is not about the archive: no position in it.
            out.write_all(buf.get(..n).unwrap_or(&[])).map_err(|err| ImageError::Io {
                at: Position::default(),
                context: "while writing".into(),
                source: err,
            })?;
            total = total.saturating_add(n as u64);
        }
        Ok(total)
    })
}

/// Lists a bare layer tar (plain, gzip or zstd; sniffed) read as a stream: every entry, in order.
///
/// # Errors
/// [`ImageError::NotAnArchive`] if it is not a tar; [`ImageError::Truncated`]/[`ImageError::Corrupt`]
/// for a damaged one; [`ImageError::LimitExceeded`] past the options' limits.
pub fn list_layer<R: Read>(reader: R, opts: &Options) -> Result<Vec<EntryReport>, ImageError> {
    use super::layer::{index_layer, LayerCtx, StrTable};
    use super::source::{drain, Compression, Prefixed, StreamSource};
    // A bare layer is the whole file: its offsets are the file's (decompressed, when compressed).
    let tick: Tick = Rc::new(Cell::new(0));
    let mut raw = StreamSource::new(reader, u64::MAX);
    let mut head = vec![0u8; 512];
    let n = read_full(&mut raw, &mut head).map_err(|e| ImageError::from_io(Position::file(0), "at the start", e))?;
    head.truncate(n);
    let comp = Compression::sniff(&head);
    let mut pre = Prefixed::new(head, &mut raw);
    let mut tree = super::fs_tree::PathTree::new();
    let mut strings = StrTable::default();
    let mut budget = 0u64;
    let idx = with_decoded(
        comp,
        &mut pre,
        opts.max_layer_bytes,
        &mut |s: &mut dyn Source| {
            let mut on_progress = |_| Ok(());
            let mut ctx = LayerCtx {
                tree: &mut tree,
                strings: &mut strings,
                on_progress: &mut on_progress,
                capture_budget: &mut budget,
                max_entries: opts.max_layer_entries,
                member: "",
                file_pos: tick.clone(),
            };
            let idx = index_layer(s, &mut ctx)?;
            // Read a compressed layer on to its end, so that its decoder checks the rest.
            if comp != Compression::None && idx.damage.is_none() {
                if let Some(e) = drain(s, &mut || Ok::<_, ImageError>(()))? {
                    return Err(ImageError::from_io(Position::file(s.pos()), "after the end of the layer's tar", e));
                }
            }
            Ok(idx)
        },
        &|e| ImageError::from_io(Position::file(0), "in the layer's compressed data", e),
    )?;
    if let Some(d) = idx.damage {
        // The layer is the file: its offsets are the file's.
        let at = Position::file(d.at.inner.map_or(d.at.offset, |i| i.offset));
        if idx.entries.is_empty() {
            return Err(ImageError::NotAnArchive { detail: format!("at {at}: {}", d.what) });
        }
        return Err(ImageError::Corrupt { at, context: "in the layer".into(), reason: d.what });
    }
    Ok(idx.entries.iter().map(|e| entry_report(&tree, &strings, e)).collect())
}

/// The full JSON report: [`Report`]'s fields plus `layer_entries` (per report layer, every
/// entry in tar order) and `merged_trees` (per image, every present, deleted or hidden path,
/// depth first). Serializing it streams: entries are converted one at a time.
pub struct FullReport<'a> {
    analysis: &'a Analysis,
}

struct LayerEntriesSer<'a>(&'a Analysis, usize);
impl serde::Serialize for LayerEntriesSer<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let entries = self.0.entries_of(self.1).unwrap_or(&[]);
        s.collect_seq(entries.iter().map(|e| self.0.entry_report(e)))
    }
}

struct MergedSer<'a>(&'a Analysis, usize);
impl serde::Serialize for MergedSer<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let order = self.0.merged_order(self.1, true);
        s.collect_seq(
            order
                .into_iter()
                .filter_map(|n| self.0.merged_entry_at(self.1, n)),
        )
    }
}

impl serde::Serialize for FullReport<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let a = self.analysis;
        let r = &a.report;
        let mut m = s.serialize_map(Some(7))?;
        m.serialize_entry("archive", &r.archive)?;
        m.serialize_entry("images", &r.images)?;
        m.serialize_entry("layers", &r.layers)?;
        m.serialize_entry("platforms", &r.platforms)?;
        m.serialize_entry("warnings", &r.warnings)?;
        let layers: Vec<LayerEntriesSer<'_>> = (0..a.layer_blob.len())
            .map(|l| LayerEntriesSer(a, l))
            .collect();
        m.serialize_entry("layer_entries", &layers)?;
        let trees: Vec<MergedSer<'_>> = (0..a.images.len()).map(|i| MergedSer(a, i)).collect();
        m.serialize_entry("merged_trees", &trees)?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn globbing() {
        assert!(glob(b"*.conf", b"a.conf"));
        assert!(glob(b"etc/*/b?conf", b"etc/x/b.conf"));
        assert!(!glob(b"*.conf", b"a.con"));
        assert!(glob(b"*", b""));
    }

    /// Against Python's `fnmatch.fnmatchcase`, whose `*` and `?` mean the same (any run, `/`
    /// included; one character): 3,000 patterns and names drawn from `a`, `b`, `/`, `*`, `?`.
    #[test]
    fn globbing_as_fnmatch_does() {
        use std::io::Write;
        use std::process::{Command, Stdio};
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut draw = |alphabet: &[u8], max: u64| -> Vec<u8> {
            let mut next = || {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x
            };
            let n = next() % (max + 1);
            (0..n).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]).collect()
        };
        let pairs: Vec<(Vec<u8>, Vec<u8>)> = (0..3000).map(|_| (draw(b"ab/*?", 6), draw(b"ab/", 7))).collect();
        let input: String = pairs.iter().map(|(p, s)| format!("{}\t{}\n", String::from_utf8_lossy(p), String::from_utf8_lossy(s))).collect();
        let script = "import sys, fnmatch\nfor line in sys.stdin:\n    p, s = line.rstrip('\\n').split('\\t')\n    print(int(fnmatch.fnmatchcase(s, p)))";
        let mut py = Command::new("python3").args(["-c", script]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap_or_else(|e| panic!("python3: {e}"));
        py.stdin.take().map(|mut i| i.write_all(input.as_bytes())).transpose().unwrap_or_else(|e| panic!("{e}"));
        let out = py.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
        let want: Vec<bool> = String::from_utf8_lossy(&out.stdout).lines().map(|l| l == "1").collect();
        assert_eq!(want.len(), pairs.len());
        assert!(want.iter().filter(|w| **w).count() > 300, "too few matches to say much");
        for ((p, s), w) in pairs.iter().zip(want) {
            assert_eq!(glob(p, s), w, "{} against {}", String::from_utf8_lossy(p), String::from_utf8_lossy(s));
        }
    }
}
