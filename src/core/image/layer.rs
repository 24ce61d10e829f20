//! One layer: a tar of filesystem changes, indexed from its headers into compact entries.
//!
//! Whiteouts follow the OCI [image layer spec](https://github.com/opencontainers/image-spec/blob/main/layer.md#whiteouts):
//! `.wh.<name>` deletes `<name>` from lower layers, `.wh..wh..opq` hides all lower content of its
//! directory, and other `.wh..wh.*` names (AUFS `plnk`, `aufs`, `orph`) are metadata.

use super::error::{ImageError, Position};
use super::fs_tree::{PathTree, NONE};
use super::options::Options;
use super::report::{EntryKind, KindCounts};
use super::source::{
    drain, read_full, stream_fault_text, with_decoded, Bounded, Compression, Prefixed, Source, Tick,
};
use super::tar_index::{looks_like_tar_header, typeflag, walk, Step, TarEntry, TarFault, WalkEnd, WalkError};
use hashbrown::{HashMap, HashSet};

pub use super::pkg_files::MAX_CAPTURE_FILE;
use super::pkg_files::Capture;

/// Entry flag: the path has a `..` component.
pub const FLAG_DOTDOT: u8 = 1;
/// Entry flag: the same path occurs earlier in the same layer.
pub const FLAG_DUPLICATE: u8 = 2;
/// Entry flag: the layer ends inside the entry's body, so its size is only a claim: it is not
/// counted as data (sizes, changes, efficiency).
pub const FLAG_CUT_OFF: u8 = 4;

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

/// Small-string interner for user and group names, keyed by the raw bytes (a hit costs one hash
/// of a short name and no conversion).
///
/// The last two names looked up are remembered: entries mostly repeat their neighbours' owner.
#[derive(Debug, Default)]
pub struct StrTable {
    strings: Vec<String>,
    /// The raw bytes of each name, by id.
    raw: Vec<Box<[u8]>>,
    ids: HashMap<Box<[u8]>, u32>,
    recent: [Option<u32>; 2],
}

impl StrTable {
    pub fn intern(&mut self, b: &[u8]) -> u32 {
        for id in self.recent.into_iter().flatten() {
            // Compared with the raw bytes, as the map is: two names that differ only in bytes
            // that are not UTF-8 show alike but stay two names.
            if self.raw.get(id as usize).is_some_and(|r| **r == *b) {
                return id;
            }
        }
        if let Some(&id) = self.ids.get(b) {
            self.recent = [Some(id), self.recent[0]];
            return id;
        }
        let id = u32::try_from(self.strings.len()).unwrap_or(0);
        self.strings.push(String::from_utf8_lossy(b).into_owned());
        self.ids.insert(Box::from(b), id);
        self.raw.push(Box::from(b));
        self.recent = [Some(id), self.recent[0]];
        id
    }
    /// The raw names in id order.
    pub fn raw(&self) -> impl Iterator<Item = &[u8]> {
        self.raw.iter().map(|b| &b[..])
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
    /// A fault that cut the listing short (the entries before it are kept).
    pub damage: Option<Damage>,
    /// A fault in the compressed stream after the tar's end (gzip's trailer missing or wrong,
    /// a zstd stream cut short, a decompression bomb): the listing is whole, the layer is not.
    pub stream_damage: Option<Damage>,
}

/// What is wrong with a layer, and where.
#[derive(Debug, Clone)]
pub struct Damage {
    pub at: Position,
    /// What happened there, as a phrase ("the data ends inside a member header").
    pub what: String,
}

impl Entry {
    /// The bytes the entry's body holds as data: its size, unless the layer ends inside it.
    pub fn data_size(&self) -> u64 {
        if self.flags & FLAG_CUT_OFF == 0 {
            self.size
        } else {
            0
        }
    }
}

/// Paths whose bodies are captured while indexing, and how much of each: the package files
/// ([`pkg_files::capture_of`](super::pkg_files::capture_of)), passwd, group and os-release.
pub fn capture_of(path: &[u8]) -> Option<Capture> {
    match path {
        b"etc/passwd" | b"etc/group" | b"etc/os-release" | b"usr/lib/os-release" => Some(Capture::Whole(MAX_CAPTURE_FILE)),
        _ => super::pkg_files::capture_of(path),
    }
}

fn candidate_name(name: &[u8], parent: &[u8]) -> bool {
    matches!(name, b"passwd" | b"group" | b"os-release") || super::pkg_files::candidate_name(name, parent)
}

/// Everything indexing a layer needs from the analysis.
pub(crate) struct LayerCtx<'a> {
    pub tree: &'a mut PathTree,
    pub strings: &'a mut StrTable,
    /// Progress: called with 1 for every entry, and with 0 between steps of skipping a long
    /// body (see [`source::SKIP_STEP`](super::source::SKIP_STEP)).
    pub on_progress: &'a mut dyn FnMut(u64) -> Result<(), ImageError>,
    pub capture_budget: &'a mut u64,
    pub max_entries: u64,
    /// The layer's member path and how far the archive's reader has come in the file: where a
    /// fault inside the layer is ([`Position::inside`]).
    pub member: &'a str,
    pub file_pos: Tick,
}

impl LayerCtx<'_> {
    /// A place `layer_offset` bytes into the layer's content.
    fn at(&self, layer_offset: u64) -> Position {
        Position::inside(self.file_pos.get(), Some(self.member), layer_offset)
    }
}

/// What a tar fault inside a layer is, as a phrase, and the layer offset it was found at.
fn fault_phrase(f: &TarFault) -> (u64, String) {
    match f {
        TarFault::Truncated { pos, what } | TarFault::BodyCut { pos, what, .. } => (*pos, format!("the data ends {what}")),
        TarFault::Corrupt { pos, what } => (*pos, what.clone()),
        TarFault::NotTar { pos } => (*pos, "a member header has a wrong checksum".into()),
        TarFault::Io { pos, source } => (*pos, format!("reading failed: {source}")),
        TarFault::Limit { pos, what, limit } => (*pos, format!("{what} exceeds the limit of {limit}")),
    }
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
    // Duplicate detection: the nodes seen so far in this layer.
    let mut seen: HashSet<u32> = HashSet::new();
    let result = {
        let idx = &mut idx;
        let seen = &mut seen;
        walk(src, &mut |step: Step<'_, '_>| -> Result<(), ImageError> {
            let (e, body) = match step {
                Step::Member(e, body) => (e, body),
                Step::Skipping => return (ctx.on_progress)(0),
            };
            (ctx.on_progress)(1)?;
            if idx.entries.len() as u64 >= ctx.max_entries {
                return Err(ImageError::LimitExceeded {
                    at: ctx.at(e.header_pos),
                    what: "the number of entries in one layer".into(),
                    limit: ctx.max_entries,
                });
            }
            let Some((node, dotdot)) = ctx.tree.intern(&e.path) else {
                return Err(ImageError::LimitExceeded {
                    at: ctx.at(e.header_pos),
                    what: "the number of distinct paths".into(),
                    limit: super::fs_tree::MAX_NODES as u64,
                });
            };
            let base = ctx.tree.name(node);
            let kind = kind_of(e, base);
            let parent = ctx.tree.parent(node);
            let capture = kind == EntryKind::File && candidate_name(base, ctx.tree.name(parent));
            let target = match kind {
                EntryKind::Whiteout if parent != NONE => {
                    let name = base.get(4..).unwrap_or(&[]).to_vec();
                    ctx.tree.child(parent, &name).unwrap_or(NONE)
                }
                EntryKind::Opaque => parent,
                _ => NONE,
            };
            let mut flags = if dotdot { FLAG_DOTDOT } else { 0 };
            let ei = u32::try_from(idx.entries.len()).unwrap_or(u32::MAX);
            if !seen.insert(node) {
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
            if capture {
                let path = ctx.tree.path(node);
                let how = capture_of(&path);
                let want = match how {
                    Some(Capture::Whole(max) | Capture::Jar(max)) => (e.size <= max).then_some(e.size),
                    Some(Capture::Prefix(max)) => Some(e.size.min(max)),
                    None => None,
                };
                // A Java archive is read whole but kept as its summary: the budget is the summary's.
                let is_jar = matches!(how, Some(Capture::Jar(_)));
                if let Some(want) = want.filter(|w| is_jar || *w <= *ctx.capture_budget) {
                    let mut buf = vec![0u8; usize::try_from(want).unwrap_or(0)];
                    let n = read_full(body, &mut buf).map_err(|err| ImageError::Truncated {
                        at: ctx.at(e.data_pos),
                        context: format!("while reading {} ({err})", String::from_utf8_lossy(&path)),
                    })?;
                    buf.truncate(n);
                    if is_jar {
                        buf = super::jar::summary(&buf);
                    }
                    if buf.len() as u64 <= *ctx.capture_budget {
                        *ctx.capture_budget = ctx.capture_budget.saturating_sub(buf.len() as u64);
                        idx.captured.push((ei, buf));
                    }
                }
            } else if kind == EntryKind::File && e.mode & 0o111 != 0 && e.size >= super::binaries::MIN_ELF {
                scan_binary(body, e.size, ei, idx, ctx)?;
            }
            Ok(())
        })
    };
    idx.uncompressed_size = src.pos();
    match result {
        // Layers are bounded by their member: a missing or half end marker loses nothing (GNU
        // tar lists every entry of such a layer too), so unlike the outer archive's it is not
        // worth a warning.
        Ok(WalkEnd::Marker | WalkEnd::EofWithoutMarker | WalkEnd::LoneZeroBlock { .. }) => {}
        Err(WalkError::Callback(e)) => match e {
            // A short body read inside a capture is damage, not a failure.
            ImageError::Truncated { at, context } => {
                cut_off_last(&mut idx);
                idx.damage = Some(Damage { at, what: format!("the data ends {context}") });
            }
            other => return Err(other),
        },
        Err(WalkError::Tar(f)) => {
            if matches!(f, TarFault::BodyCut { .. }) {
                cut_off_last(&mut idx);
            }
            let (pos, what) = fault_phrase(&f);
            idx.damage = Some(Damage { at: ctx.at(pos), what });
        }
    }
    Ok(idx)
}

/// Reads an executable's packages (Go build information, `cargo auditable`'s `.dep-v0`) from
/// the front of its body ([`binaries::scan`](super::binaries::scan)) and captures what it found
/// if the capture budget allows; the walker skips the rest of the body.
fn scan_binary(body: &mut dyn Source, size: u64, ei: u32, idx: &mut LayerIndex, ctx: &mut LayerCtx<'_>) -> Result<(), ImageError> {
    let mut stop = None;
    let on_progress = &mut ctx.on_progress;
    let found = super::binaries::scan(body, size, &mut || match on_progress(0) {
        Ok(()) => true,
        Err(e) => {
            stop = Some(e);
            false
        }
    });
    if let Some(e) = stop {
        return Err(e);
    }
    if let Some(found) = found.filter(|f| f.len() as u64 <= *ctx.capture_budget) {
        *ctx.capture_budget = ctx.capture_budget.saturating_sub(found.len() as u64);
        idx.captured.push((ei, found));
    }
    Ok(())
}

/// Marks the last entry as cut off: the layer ended inside its body.
fn cut_off_last(idx: &mut LayerIndex) {
    if let Some(e) = idx.entries.last_mut() {
        e.flags |= FLAG_CUT_OFF;
    }
}

/// What a member's first bytes (at most 512) say about it as a layer: its compression, or `None`
/// when it is neither compressed nor a plain tar (a config, a manifest, anything else).
pub(crate) fn layer_compression(head: &[u8]) -> Option<Compression> {
    match Compression::sniff(head) {
        Compression::None => looks_like_tar_header(head).then_some(Compression::None),
        compressed => Some(compressed),
    }
}

/// Stage 2's layer step: indexes the layer member `body` whose first bytes (already read from
/// it) are `head` — decompressing it if `comp` says so — and, for a compressed layer, reads the
/// stream on to its end so its decoder checks the rest (gzip's trailer) and its size is that of
/// the whole decompressed stream (what its diff_id hashes).
pub(crate) fn index_layer_member(
    comp: Compression,
    head: Vec<u8>,
    body: &mut Bounded<'_>,
    opts: &Options,
    mut ctx: LayerCtx<'_>,
) -> Result<LayerIndex, ImageError> {
    // The member's whole length: an uncompressed layer's size, end blocks and padding included.
    let member_len = body.pos().saturating_add(body.remaining());
    let mut pre = Prefixed::new(head, body);
    let at_start = ctx.at(0);
    with_decoded(
        comp,
        &mut pre,
        opts.max_layer_bytes,
        &mut |s: &mut dyn Source| {
            let mut idx = index_layer(s, &mut ctx)?;
            if comp == Compression::None {
                idx.uncompressed_size = member_len;
            } else if idx.damage.is_none() {
                let on_progress = &mut ctx.on_progress;
                let fault = drain(s, &mut || on_progress(0))?;
                idx.stream_damage = fault.map(|e| Damage { at: ctx.at(s.pos()), what: stream_fault_text(&e) });
                idx.uncompressed_size = s.pos();
            }
            Ok(idx)
        },
        &|err| ImageError::from_io(at_start.clone(), "in the layer's compressed data", err),
    )
}

#[cfg(test)]
mod tests {
    use super::StrTable;

    /// A name that is not UTF-8 and the UTF-8 name it displays as stay two names, whichever
    /// comes first and however often they alternate (the remembered names included).
    #[test]
    fn names_are_told_apart_by_their_bytes() {
        let raw: &[u8] = b"a\xff";
        let shown = "a\u{fffd}".as_bytes();
        for order in [[raw, shown], [shown, raw]] {
            let mut t = StrTable::default();
            let first = t.intern(order[0]);
            let second = t.intern(order[1]);
            assert_ne!(first, second);
            for _ in 0..3 {
                assert_eq!(t.intern(order[0]), first);
                assert_eq!(t.intern(order[1]), second);
                assert_eq!(t.intern(b"root"), 2);
            }
            assert_eq!(t.get(first), t.get(second), "both show as a\u{fffd}");
            assert_eq!(t.raw().collect::<Vec<_>>(), [order[0], order[1], b"root"]);
        }
    }
}
