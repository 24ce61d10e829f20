//! One layer: a tar of filesystem changes, indexed from its headers into compact entries.
//!
//! Whiteouts follow the OCI [image layer spec](https://github.com/opencontainers/image-spec/blob/main/layer.md#whiteouts):
//! `.wh.<name>` deletes `<name>` from lower layers, `.wh..wh..opq` hides all lower content of its
//! directory, and other `.wh..wh.*` names (AUFS `plnk`, `aufs`, `orph`) are metadata.

use super::fs_tree::{PathTree, NONE};
use super::report::{EntryKind, KindCounts};
use super::source::{read_full, Bounded, Source};
use super::tar_index::{typeflag, walk, TarEntry, WalkEnd, WalkError};
use super::ImageError;
use std::collections::HashMap;

/// Largest file body captured for later parsing (package databases, passwd).
pub const MAX_CAPTURE_FILE: u64 = 32 * 1024 * 1024;

/// Entry flag: the path has a `..` component.
pub const FLAG_DOTDOT: u8 = 1;
/// Entry flag: the same path occurs earlier in the same layer.
pub const FLAG_DUPLICATE: u8 = 2;

/// Extended data few entries carry.
#[derive(Debug, Clone, Default)]
pub struct EntryExtra {
    pub xattrs: Vec<(String, Vec<u8>)>,
    pub device: Option<(u32, u32)>,
    /// Raw path bytes when the normalized interned path differs (e.g. contains `..`).
    pub raw_path: Option<Vec<u8>>,
}

/// One entry of a layer, compact.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Interned path node of the entry itself.
    pub node: u32,
    /// Whiteouts: the node they delete; opaque markers: their directory; else `NONE`.
    pub target: u32,
    pub kind: EntryKind,
    pub flags: u8,
    pub mode: u32,
    pub uname: u32,
    pub gname: u32,
    pub size: u64,
    pub uid: u64,
    pub gid: u64,
    pub mtime: i64,
    /// Offset of the body in the uncompressed layer tar.
    pub data_offset: u64,
    pub link: Option<Box<[u8]>>,
    pub extra: Option<Box<EntryExtra>>,
}

/// Small-string interner for user and group names.
#[derive(Debug, Default)]
pub struct StrTable {
    strings: Vec<String>,
    ids: HashMap<String, u32>,
}

impl StrTable {
    pub fn intern(&mut self, b: &[u8]) -> u32 {
        let s = String::from_utf8_lossy(b);
        if let Some(&id) = self.ids.get(s.as_ref()) {
            return id;
        }
        let id = u32::try_from(self.strings.len()).unwrap_or(0);
        self.strings.push(s.to_string());
        self.ids.insert(s.into_owned(), id);
        id
    }
    pub fn get(&self, id: u32) -> &str {
        self.strings.get(id as usize).map_or("", String::as_str)
    }
}

/// The index of one layer tar.
#[derive(Debug, Default)]
pub struct LayerIndex {
    pub entries: Vec<Entry>,
    pub uncompressed_size: u64,
    pub counts: KindCounts,
    /// Bodies of the few files later analysis needs: `(entry index, bytes)`.
    pub captured: Vec<(u32, Vec<u8>)>,
    /// The walk ended without an end-of-archive marker.
    pub no_end_marker: bool,
    /// A fault that cut the listing short (the entries before it are kept).
    pub damage: Option<String>,
}

/// Paths whose bodies are captured while indexing.
pub fn is_captured_path(path: &[u8]) -> bool {
    matches!(
        path,
        b"var/lib/dpkg/status"
            | b"lib/apk/db/installed"
            | b"etc/passwd"
            | b"etc/group"
            | b"etc/os-release"
            | b"usr/lib/os-release"
    ) || (path.starts_with(b"var/lib/dpkg/status.d/")
        && !path[b"var/lib/dpkg/status.d/".len()..].contains(&b'/'))
}

fn candidate_name(name: &[u8]) -> bool {
    matches!(
        name,
        b"status" | b"installed" | b"passwd" | b"group" | b"os-release"
    )
}

/// Everything indexing a layer needs from the analysis.
pub(crate) struct LayerCtx<'a> {
    pub tree: &'a mut PathTree,
    pub strings: &'a mut StrTable,
    pub on_entry: &'a mut dyn FnMut() -> Result<(), ImageError>,
    pub capture_budget: &'a mut u64,
    pub max_entries: u64,
    pub file: &'a str,
}

fn kind_of(e: &TarEntry, base: &[u8]) -> EntryKind {
    if base.starts_with(b".wh.") {
        if base == b".wh..wh..opq" {
            return EntryKind::Opaque;
        }
        if base.starts_with(b".wh..wh.") {
            return EntryKind::AufsMeta;
        }
        return EntryKind::Whiteout;
    }
    match e.typeflag {
        typeflag::REG | typeflag::AREG | typeflag::CONT => EntryKind::File,
        typeflag::LINK => EntryKind::Hardlink,
        typeflag::SYMLINK => EntryKind::Symlink,
        typeflag::CHR => EntryKind::Char,
        typeflag::BLK => EntryKind::Block,
        typeflag::DIR => EntryKind::Dir,
        typeflag::FIFO => EntryKind::Fifo,
        other => EntryKind::Other(other),
    }
}

fn count(c: &mut KindCounts, k: EntryKind) {
    let slot = match k {
        EntryKind::File => &mut c.file,
        EntryKind::Dir => &mut c.dir,
        EntryKind::Symlink => &mut c.symlink,
        EntryKind::Hardlink => &mut c.hardlink,
        EntryKind::Char => &mut c.char,
        EntryKind::Block => &mut c.block,
        EntryKind::Fifo => &mut c.fifo,
        EntryKind::Whiteout => &mut c.whiteout,
        EntryKind::Opaque => &mut c.opaque,
        EntryKind::AufsMeta | EntryKind::Other(_) => &mut c.other,
    };
    *slot += 1;
}

/// Indexes a layer tar from `src` (already decompressed). Tar faults inside the layer do not
/// fail the analysis: the entries before the fault are kept and `damage` says what happened.
///
/// # Errors
/// Only errors from the progress hook (cancellation) and the entry-count limit are returned.
pub(crate) fn index_layer(
    src: &mut dyn Source,
    ctx: &mut LayerCtx<'_>,
) -> Result<LayerIndex, ImageError> {
    let mut idx = LayerIndex::default();
    // Duplicate detection: node -> last entry index in this layer.
    let mut seen: HashMap<u32, u32> = HashMap::new();
    let file = ctx.file.to_owned();
    let result = {
        let idx = &mut idx;
        let seen = &mut seen;
        walk(src, &mut |e: &TarEntry,
                        body: &mut Bounded<'_>|
         -> Result<(), ImageError> {
            (ctx.on_entry)()?;
            if idx.entries.len() as u64 >= ctx.max_entries {
                return Err(ImageError::LimitExceeded {
                    file: file.clone(),
                    pos: e.header_pos,
                    what: "the number of entries in one layer".into(),
                    limit: ctx.max_entries,
                });
            }
            let Some((node, dotdot)) = ctx.tree.intern(&e.path) else {
                return Err(ImageError::LimitExceeded {
                    file: file.clone(),
                    pos: e.header_pos,
                    what: "the number of distinct paths".into(),
                    limit: super::fs_tree::MAX_NODES as u64,
                });
            };
            let base = ctx.tree.name(node).to_vec();
            let kind = kind_of(e, &base);
            let parent = ctx.tree.parent(node);
            let target = match kind {
                EntryKind::Whiteout => {
                    let name = base.get(4..).unwrap_or(&[]);
                    if parent == NONE {
                        NONE
                    } else {
                        ctx.tree.child(parent, name).unwrap_or(NONE)
                    }
                }
                EntryKind::Opaque => parent,
                _ => NONE,
            };
            let mut flags = if dotdot { FLAG_DOTDOT } else { 0 };
            let ei = u32::try_from(idx.entries.len()).unwrap_or(u32::MAX);
            if seen.insert(node, ei).is_some() {
                flags |= FLAG_DUPLICATE;
            }
            count(&mut idx.counts, kind);
            let extra = if e.xattrs.is_empty()
                && !matches!(kind, EntryKind::Char | EntryKind::Block)
                && !dotdot
            {
                None
            } else {
                Some(Box::new(EntryExtra {
                    xattrs: e.xattrs.clone(),
                    device: matches!(kind, EntryKind::Char | EntryKind::Block)
                        .then_some((e.dev_major, e.dev_minor)),
                    raw_path: dotdot.then(|| e.path.clone()),
                }))
            };
            let link =
                if matches!(kind, EntryKind::Symlink | EntryKind::Hardlink) || !e.link.is_empty() {
                    Some(e.link.clone().into_boxed_slice())
                } else {
                    None
                };
            idx.entries.push(Entry {
                node,
                target,
                kind,
                flags,
                mode: e.mode,
                uname: ctx.strings.intern(&e.uname),
                gname: ctx.strings.intern(&e.gname),
                size: e.size,
                uid: e.uid,
                gid: e.gid,
                mtime: e.mtime,
                data_offset: e.data_pos,
                link,
                extra,
            });
            if kind == EntryKind::File
                && candidate_name(&base)
                && e.size <= MAX_CAPTURE_FILE
                && e.size <= *ctx.capture_budget
            {
                let path = ctx.tree.path(node);
                if is_captured_path(&path) {
                    let mut buf = vec![0u8; usize::try_from(e.size).unwrap_or(0)];
                    let n = read_full(body, &mut buf).map_err(|err| ImageError::Truncated {
                        file: file.clone(),
                        pos: e.data_pos,
                        context: format!(
                            "while reading `{}` in a layer ({err})",
                            String::from_utf8_lossy(&path)
                        ),
                    })?;
                    buf.truncate(n);
                    *ctx.capture_budget -= n as u64;
                    idx.captured.push((ei, buf));
                }
            }
            Ok(())
        })
    };
    idx.uncompressed_size = src.pos();
    match result {
        Ok(WalkEnd::Marker) => {}
        Ok(WalkEnd::EofWithoutMarker) => {
            idx.no_end_marker = !idx.entries.is_empty() || idx.uncompressed_size > 0
        }
        Err(WalkError::Callback(e)) => match e {
            // A short body read inside a capture is damage, not a failure.
            ImageError::Truncated { pos, context, .. } => {
                idx.damage = Some(format!("truncated at byte {pos} {context}"))
            }
            other => return Err(other),
        },
        Err(WalkError::Tar(f)) => idx.damage = Some(super::fault_text(&f)),
    }
    Ok(idx)
}
