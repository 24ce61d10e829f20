//! Indexing the layers of one archive in parallel: in several browser workers, or threads.
//!
//! Reading a layer is most of an analysis (for an uncompressed archive of small files, mostly
//! the reads themselves), and layers are independent until they are merged. So:
//!
//! 1. [`parallel_candidates`] lists the members of an uncompressed archive big enough to be
//!    worth another worker (headers only; bodies are skipped).
//! 2. [`index_member`] indexes one such member on its own — with its own path arena — into a
//!    [`PreIndexed`], which [`PreIndexed::to_bytes`] packs for a trip between workers.
//! 3. [`analyze_prepared`](super::analyze_prepared) runs the normal analysis and, at each
//!    prepared member, adopts the prepared index instead of reading the member: the arena's
//!    paths are interned into the analysis' arena in the order they were first seen, which is
//!    the order the analysis would have created them, so node ids — and so the whole result —
//!    are the same as [`analyze`](super::analyze)'s.
//!
//! One difference is possible in theory: every prepared layer starts with the whole capture
//! budget ([`MAX_CAPTURE_TOTAL`](super::MAX_CAPTURE_TOTAL), 256 MiB of package databases and
//! passwd files), so a layer holding more than that could keep a different subset.

use super::error::{ImageError, InnerPosition, Position};
use super::fs_tree::{PathTree, NONE, ROOT};
use super::layer::{index_layer_member, layer_compression, Damage, Entry, EntryExtra, LayerCtx, LayerIndex, StrTable};
use super::options::{Options, MAX_CAPTURE_TOTAL};
use super::progress::{Observer, Phase, Progressor};
use super::report::{EntryKind, KindCounts};
use super::sniff::sniff;
use super::source::{read_full, Bounded, Compression, SeekSource, Tick};
use super::tar_index::{typeflag, walk, Step};
use serde::{Deserialize, Serialize};
use std::io::{Read, Seek};

/// Members smaller than this are indexed by the analysis itself: a worker costs more.
pub const PARALLEL_MIN_MEMBER: u64 = 1024 * 1024;
/// Most helper workers per archive (see [`helper_count`]).
pub const MAX_HELPERS: usize = 4;
/// Most members [`parallel_candidates`] lists.
pub const MAX_CANDIDATES: usize = 4096;

/// Where a member's data lies in the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberSpan {
    /// Offset of the member's data (after its header) in the archive.
    pub offset: u64,
    /// Size of the member's data.
    pub size: u64,
}

/// A member [`parallel_candidates`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub span: MemberSpan,
    /// What its first bytes say (`None` for anything that is not gzip or zstd: a plain tar, or
    /// not a layer at all).
    pub compression: Compression,
}

/// The regular members of at least `min_size` bytes of an uncompressed archive, in archive
/// order, for [`index_member`]. Empty for a compressed archive (it cannot be entered in the
/// middle) and on any fault: the analysis reports faults itself.
pub fn parallel_candidates<R: Read + Seek>(
    mut reader: R,
    total_len: u64,
    min_size: u64,
) -> Vec<Candidate> {
    let mut out = Vec::new();
    if !matches!(sniff(&mut reader), Ok(Compression::None)) {
        return out;
    }
    let mut src = SeekSource::new(reader, total_len, 0, Tick::default());
    let _ = walk(&mut src, &mut |step: Step<'_, '_>| {
        let Step::Member(e, body) = step else { return Ok(()) };
        if out.len() >= MAX_CANDIDATES {
            return Err(());
        }
        if matches!(e.typeflag, typeflag::REG | typeflag::AREG | typeflag::CONT) && e.size >= min_size.max(1) {
            // The body starts right after the header, so this is read from the same window.
            let mut magic = [0u8; 4];
            let n = read_full(body, &mut magic).map_err(|_| ())?;
            out.push(Candidate {
                span: MemberSpan {
                    offset: e.data_pos,
                    size: e.size,
                },
                compression: Compression::sniff(magic.get(..n).unwrap_or(&[])),
            });
        }
        Ok(())
    });
    out
}

/// One layer member indexed on its own, ready to be adopted by
/// [`analyze_prepared`](super::analyze_prepared).
#[derive(Debug)]
pub struct PreIndexed {
    pub(crate) span: MemberSpan,
    pub(crate) compression: Compression,
    pub(crate) index: LayerIndex,
    /// The member's own path arena, as `(parent, name)` in creation order (node `i + 1`).
    pub(crate) nodes: Vec<(u32, Vec<u8>)>,
    /// User and group names by id, raw.
    pub(crate) strings: Vec<Vec<u8>>,
}

/// Indexes the member at `span` of an uncompressed archive on its own. `Ok(None)` when the
/// member is not a layer, or indexing it failed (the analysis then reads it itself, and
/// reports what is wrong). `progress` sees bytes of the archive and entries of this member.
///
/// # Errors
/// [`ImageError::Cancelled`] when `progress` asks to stop.
pub fn index_member<R: Read + Seek>(
    reader: R,
    total_len: u64,
    span: MemberSpan,
    opts: &Options,
    progress: &mut dyn Observer,
) -> Result<Option<PreIndexed>, ImageError> {
    if span.offset.checked_add(span.size).is_none_or(|end| end > total_len) {
        return Ok(None);
    }
    let tick = Tick::default();
    let mut src = SeekSource::new(reader, total_len, span.offset, tick.clone());
    let mut body = Bounded::new(&mut src, span.size);
    let mut head = vec![0u8; 512];
    let Ok(n) = read_full(&mut body, &mut head) else {
        return Ok(None);
    };
    head.truncate(n);
    let Some(comp) = layer_compression(&head) else {
        return Ok(None);
    };
    let mut tree = PathTree::new();
    let mut strings = StrTable::default();
    let mut budget = MAX_CAPTURE_TOTAL;
    let mut prog = Progressor::new(progress, tick.clone(), total_len, Phase::Indexing);
    let mut on_progress = |entries: u64| prog.advance(entries);
    let res = index_layer_member(
        comp,
        head,
        &mut body,
        opts,
        LayerCtx {
            tree: &mut tree,
            strings: &mut strings,
            on_progress: &mut on_progress,
            capture_budget: &mut budget,
            max_entries: opts.max_layer_entries,
            // The member's path is not known here: adopting the index names it.
            member: "",
            file_pos: tick,
        },
    );
    match res {
        Ok(index) => Ok(Some(PreIndexed {
            span,
            compression: comp,
            index,
            nodes: tree.created().map(|(p, n)| (p, n.to_vec())).collect(),
            strings: strings.raw().map(<[u8]>::to_vec).collect(),
        })),
        Err(ImageError::Cancelled) => Err(ImageError::Cancelled),
        Err(_) => Ok(None),
    }
}

impl PreIndexed {
    /// Where the member lies.
    pub fn span(&self) -> MemberSpan {
        self.span
    }

    /// Entries in the member.
    pub fn entries(&self) -> usize {
        self.index.entries.len()
    }

    /// Moves this index into an analysis' arena and string table, as the index of the layer
    /// member `member`.
    pub(crate) fn adopt(
        self,
        tree: &mut PathTree,
        strings: &mut StrTable,
        capture_budget: &mut u64,
        progress: &mut Progressor<'_>,
        member: &str,
    ) -> Result<LayerIndex, ImageError> {
        let limit = |what: &str, limit: u64| ImageError::LimitExceeded {
            at: Position::inside(self.span.offset, Some(member), 0),
            what: what.into(),
            limit,
        };
        let mut map = Vec::with_capacity(self.nodes.len() + 1);
        map.push(ROOT);
        for (parent, name) in &self.nodes {
            let p = map.get(*parent as usize).copied().unwrap_or(ROOT);
            let id = tree
                .child(p, name)
                .ok_or_else(|| limit("the number of distinct paths", super::fs_tree::MAX_NODES as u64))?;
            map.push(id);
        }
        let smap: Vec<u32> = self.strings.iter().map(|s| strings.intern(s)).collect();
        let node = |n: u32| if n == NONE { NONE } else { map.get(n as usize).copied().unwrap_or(NONE) };
        let name = |n: u32| smap.get(n as usize).copied().unwrap_or(0);
        let mut index = self.index;
        for d in [&mut index.damage, &mut index.stream_damage].into_iter().flatten() {
            if let Some(InnerPosition { member: m, .. }) = &mut d.at.inner {
                *m = Some(member.to_owned());
            }
        }
        for e in &mut index.entries {
            e.node = node(e.node);
            e.target = node(e.target);
            e.uname = name(e.uname);
            e.gname = name(e.gname);
        }
        // Replay the capture budget in order, as indexing here would have spent it.
        index.captured.retain(|(_, body)| {
            let n = body.len() as u64;
            let keep = n <= *capture_budget;
            if keep {
                *capture_budget -= n;
            }
            keep
        });
        progress.advance(index.entries.len() as u64)?;
        Ok(index)
    }

    /// Packs this index into bytes (for a message between workers); [`PreIndexed::from_bytes`]
    /// unpacks them.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer(Vec::with_capacity(64 + self.index.entries.len() * 72));
        w.0.extend_from_slice(MAGIC);
        w.u64(self.span.offset);
        w.u64(self.span.size);
        w.u8(match self.compression {
            Compression::None => 0,
            Compression::Gzip => 1,
            Compression::Zstd => 2,
        });
        let ix = &self.index;
        w.u64(ix.uncompressed_size);
        for d in [&ix.damage, &ix.stream_damage] {
            match d {
                None => w.u8(0),
                Some(d) => {
                    w.u8(1);
                    w.u64(d.at.offset);
                    w.u64(d.at.inner.as_ref().map_or(0, |i| i.offset));
                    w.bytes(d.what.as_bytes());
                }
            }
        }
        let c = &ix.counts;
        for v in [c.file, c.dir, c.symlink, c.hardlink, c.char, c.block, c.fifo, c.whiteout, c.opaque, c.other] {
            w.u64(v);
        }
        w.len(self.nodes.len());
        for (parent, name) in &self.nodes {
            w.u32(*parent);
            w.bytes(name);
        }
        w.len(self.strings.len());
        for s in &self.strings {
            w.bytes(s);
        }
        w.len(ix.entries.len());
        for e in &ix.entries {
            w.u32(e.node);
            w.u32(e.target);
            let (k, other) = kind_code(e.kind);
            w.u8(k);
            w.u8(other);
            w.u8(e.flags);
            w.u32(e.mode);
            w.u32(e.uname);
            w.u32(e.gname);
            w.u64(e.size);
            w.u64(e.uid);
            w.u64(e.gid);
            w.u64(e.mtime as u64);
            w.u64(e.data_offset);
            w.opt_bytes(e.link.as_deref());
            match &e.extra {
                None => w.u8(0),
                Some(x) => {
                    w.u8(1);
                    w.len(x.xattrs.len());
                    for (k, v) in &x.xattrs {
                        w.bytes(k.as_bytes());
                        w.bytes(v);
                    }
                    match x.device {
                        None => w.u8(0),
                        Some((major, minor)) => {
                            w.u8(1);
                            w.u32(major);
                            w.u32(minor);
                        }
                    }
                    w.opt_bytes(x.raw_path.as_deref());
                }
            }
        }
        w.len(ix.captured.len());
        for (ei, body) in &ix.captured {
            w.u32(*ei);
            w.bytes(body);
        }
        w.0
    }

    /// Unpacks [`PreIndexed::to_bytes`]'s output.
    ///
    /// # Errors
    /// A sentence when the bytes are not a whole, consistent packed index.
    pub fn from_bytes(bytes: &[u8]) -> Result<PreIndexed, String> {
        let mut r = Reader { b: bytes, at: 0 };
        if r.take(MAGIC.len())? != MAGIC {
            return Err("not a packed layer index".into());
        }
        let span = MemberSpan {
            offset: r.u64()?,
            size: r.u64()?,
        };
        let compression = match r.u8()? {
            0 => Compression::None,
            1 => Compression::Gzip,
            2 => Compression::Zstd,
            x => return Err(format!("unknown compression {x}")),
        };
        let uncompressed_size = r.u64()?;
        let damage = r.damage()?;
        let stream_damage = r.damage()?;
        let mut c = [0u64; 10];
        for v in &mut c {
            *v = r.u64()?;
        }
        let counts = KindCounts {
            file: c[0],
            dir: c[1],
            symlink: c[2],
            hardlink: c[3],
            char: c[4],
            block: c[5],
            fifo: c[6],
            whiteout: c[7],
            opaque: c[8],
            other: c[9],
        };
        let n = r.len(5)?;
        let mut nodes = Vec::with_capacity(n);
        for i in 0..n {
            let parent = r.u32()?;
            // A parent is always created before its child (node i + 1 has a parent ≤ i).
            if parent as usize > i {
                return Err(format!("node {} names a later parent", i + 1));
            }
            nodes.push((parent, r.bytes()?.to_vec()));
        }
        let n = r.len(1)?;
        let mut strings = Vec::with_capacity(n);
        for _ in 0..n {
            strings.push(r.bytes()?.to_vec());
        }
        let node_ok = |id: u32| id == NONE || id as usize <= nodes.len();
        let n = r.len(60)?;
        let mut entries = Vec::with_capacity(n);
        for _ in 0..n {
            let node = r.u32()?;
            let target = r.u32()?;
            if !node_ok(node) || !node_ok(target) {
                return Err("an entry names a node that does not exist".into());
            }
            let kind = kind_from(r.u8()?, r.u8()?)?;
            let flags = r.u8()?;
            let mode = r.u32()?;
            let uname = r.u32()?;
            let gname = r.u32()?;
            if uname as usize >= strings.len().max(1) || gname as usize >= strings.len().max(1) {
                return Err("an entry names a user or group that does not exist".into());
            }
            let size = r.u64()?;
            let uid = r.u64()?;
            let gid = r.u64()?;
            let mtime = r.u64()? as i64;
            let data_offset = r.u64()?;
            let link = r.opt_bytes()?.map(Box::from);
            let extra = match r.flag()? {
                false => None,
                true => {
                    let n = r.len(8)?;
                    let mut xattrs = Vec::with_capacity(n);
                    for _ in 0..n {
                        let k = text(r.bytes()?)?;
                        xattrs.push((k, r.bytes()?.to_vec()));
                    }
                    let device = match r.flag()? {
                        false => None,
                        true => Some((r.u32()?, r.u32()?)),
                    };
                    let raw_path = r.opt_bytes()?.map(<[u8]>::to_vec);
                    Some(Box::new(EntryExtra {
                        xattrs,
                        device,
                        raw_path,
                    }))
                }
            };
            entries.push(Entry {
                node,
                target,
                kind,
                flags,
                mode,
                uname,
                gname,
                size,
                uid,
                gid,
                mtime,
                data_offset,
                link,
                extra,
            });
        }
        let n = r.len(8)?;
        let mut captured = Vec::with_capacity(n);
        for _ in 0..n {
            let ei = r.u32()?;
            if ei as usize >= entries.len() {
                return Err("a captured body names an entry that does not exist".into());
            }
            captured.push((ei, r.bytes()?.to_vec()));
        }
        if r.at != bytes.len() {
            return Err("bytes left over after the packed index".into());
        }
        Ok(PreIndexed {
            span,
            compression,
            index: LayerIndex {
                entries,
                uncompressed_size,
                counts,
                captured,
                damage,
                stream_damage,
            },
            nodes,
            strings,
        })
    }
}

/// Text that must be valid UTF-8 (it was a Rust `String` when packed).
fn text(b: &[u8]) -> Result<String, String> {
    String::from_utf8(b.to_vec()).map_err(|_| "packed text is not UTF-8".to_owned())
}

/// Marks (and versions) a packed index.
const MAGIC: &[u8] = b"TARSIER-LAYER-INDEX-3\n";

fn kind_code(k: EntryKind) -> (u8, u8) {
    match k {
        EntryKind::File => (0, 0),
        EntryKind::Dir => (1, 0),
        EntryKind::Symlink => (2, 0),
        EntryKind::Hardlink => (3, 0),
        EntryKind::Char => (4, 0),
        EntryKind::Block => (5, 0),
        EntryKind::Fifo => (6, 0),
        EntryKind::Whiteout => (7, 0),
        EntryKind::Opaque => (8, 0),
        EntryKind::AufsMeta => (9, 0),
        EntryKind::Other(x) => (10, x),
    }
}

fn kind_from(code: u8, other: u8) -> Result<EntryKind, String> {
    if code != 10 && other != 0 {
        return Err(format!("entry kind {code} with a type byte"));
    }
    Ok(match code {
        0 => EntryKind::File,
        1 => EntryKind::Dir,
        2 => EntryKind::Symlink,
        3 => EntryKind::Hardlink,
        4 => EntryKind::Char,
        5 => EntryKind::Block,
        6 => EntryKind::Fifo,
        7 => EntryKind::Whiteout,
        8 => EntryKind::Opaque,
        9 => EntryKind::AufsMeta,
        10 => EntryKind::Other(other),
        x => return Err(format!("unknown entry kind {x}")),
    })
}

/// Little-endian fields and length-prefixed bytes (also the framing of
/// [`ArchiveIndex`](super::ArchiveIndex)).
pub(super) struct Writer(pub(super) Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub(super) fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub(super) fn len(&mut self, n: usize) {
        self.u64(n as u64);
    }
    pub(super) fn bytes(&mut self, b: &[u8]) {
        self.len(b.len());
        self.0.extend_from_slice(b);
    }
    fn opt_bytes(&mut self, b: Option<&[u8]>) {
        match b {
            None => self.u8(0),
            Some(b) => {
                self.u8(1);
                self.bytes(b);
            }
        }
    }
}

/// Reads what [`Writer`] wrote; every length checked against what is left.
pub(super) struct Reader<'a> {
    pub(super) b: &'a [u8],
    pub(super) at: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.b.len()).ok_or("the packed index is cut short")?;
        let s = self.b.get(self.at..end).ok_or("the packed index is cut short")?;
        self.at = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?.first().copied().unwrap_or(0))
    }
    fn u32(&mut self) -> Result<u32, String> {
        let b: [u8; 4] = self.take(4)?.try_into().map_err(|_| "bad u32")?;
        Ok(u32::from_le_bytes(b))
    }
    pub(super) fn u64(&mut self) -> Result<u64, String> {
        let b: [u8; 8] = self.take(8)?.try_into().map_err(|_| "bad u64")?;
        Ok(u64::from_le_bytes(b))
    }
    /// A count of items that each take at least `min_item` bytes: checked against what is left,
    /// so a corrupt count cannot ask for a huge allocation.
    pub(super) fn len(&mut self, min_item: usize) -> Result<usize, String> {
        let n = usize::try_from(self.u64()?).map_err(|_| "a count is too large")?;
        if n.saturating_mul(min_item.max(1)) > self.b.len() - self.at {
            return Err("a count is larger than the packed index".into());
        }
        Ok(n)
    }
    pub(super) fn bytes(&mut self) -> Result<&'a [u8], String> {
        let n = self.len(1)?;
        self.take(n)
    }
    fn opt_bytes(&mut self) -> Result<Option<&'a [u8]>, String> {
        match self.flag()? {
            false => Ok(None),
            true => Ok(Some(self.bytes()?)),
        }
    }
    /// A 0/1 byte (anything else is not what [`Writer`] writes).
    /// A layer's damage: the file offset, the layer offset and the phrase (the member is named
    /// when the index is adopted).
    fn damage(&mut self) -> Result<Option<Damage>, String> {
        if !self.flag()? {
            return Ok(None);
        }
        let file = self.u64()?;
        let layer = self.u64()?;
        let what = text(self.bytes()?)?;
        Ok(Some(Damage { at: Position::inside(file, Some(""), layer), what }))
    }

    fn flag(&mut self) -> Result<bool, String> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            x => Err(format!("a flag byte is {x}")),
        }
    }
}

/// How many helper workers (or threads) to start for `compressed` members (inflating is
/// CPU-bound, so it scales with cores) when the archive's worker itself has `plain` members to
/// index meanwhile, on a machine with `cores` logical cores.
///
/// One core is left to the browser itself (while one worker indexed, the benchmark machine's two
/// cores were 68 % busy in all: the worker, plus the browser reading the file and drawing the
/// page) and one to the archive's worker when it has members of its own; the rest, at most
/// [`MAX_HELPERS`] and one per member, get a helper. None when nothing would run beside
/// anything: on two cores helpers made indexing gzip layers slightly slower, not faster
/// (docs/benchmarks.md).
///
/// Uncompressed members stay with the archive's worker: their cost is the browser reading the
/// file, and two workers reading at once got no faster than one.
pub fn helper_count(compressed: usize, plain: usize, cores: usize) -> usize {
    let spare = cores.saturating_sub(if plain > 0 { 2 } else { 1 });
    let n = spare.min(MAX_HELPERS).min(compressed);
    let least = if plain > 0 { 1 } else { 2 };
    if n < least {
        0
    } else {
        n
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(PreIndexed::from_bytes(b"").is_err());
        assert!(PreIndexed::from_bytes(b"TARSIER-LAYER-INDEX-2\n").is_err());
        let mut fake = MAGIC.to_vec();
        fake.extend_from_slice(&[0xff; 200]);
        assert!(PreIndexed::from_bytes(&fake).is_err());
    }

    /// An entry whose node, or whose link target, is not a node of the member is refused on
    /// its own: the other one being right does not let it through. The last node is a node.
    #[test]
    fn an_entry_naming_a_missing_node_is_refused() {
        use super::super::progress::Flow;
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/images/a1_podman_docker-archive.tar");
        let bytes = std::fs::read(path).unwrap();
        let len = bytes.len() as u64;
        let opts = Options::named("a1.tar");
        let spans = parallel_candidates(std::io::Cursor::new(&bytes), len, 0);
        let mut p = spans.iter().find_map(|c| index_member(std::io::Cursor::new(&bytes), len, c.span, &opts, &mut |_| Flow::Continue).unwrap()).unwrap();
        let last = u32::try_from(p.nodes.len()).unwrap();
        assert!(p.index.entries[0].target == NONE && last > 0, "{:?}", p.index.entries[0]);
        let mut with = |node: u32, target: u32| {
            p.index.entries[0].node = node;
            p.index.entries[0].target = target;
            PreIndexed::from_bytes(&p.to_bytes())
        };
        assert!(with(last, NONE).is_ok());
        assert!(with(last, last).is_ok());
        for (node, target) in [(last + 1, NONE), (last, last + 1), (last + 1, last + 1)] {
            assert_eq!(with(node, target).err().as_deref(), Some("an entry names a node that does not exist"), "node {node}, target {target}");
        }
    }

    #[test]
    fn helpers_only_where_they_can_run_beside_something() {
        // Two cores: the browser and one worker already fill them.
        assert_eq!(helper_count(4, 0, 2), 0);
        assert_eq!(helper_count(4, 3, 2), 0);
        // Four cores: three helpers when the worker only waits, two beside its own reading.
        assert_eq!(helper_count(4, 0, 4), 3);
        assert_eq!(helper_count(4, 3, 4), 2);
        // Never more helpers than members, or than MAX_HELPERS; one member alone stays here.
        assert_eq!(helper_count(2, 0, 16), 2);
        assert_eq!(helper_count(9, 0, 16), MAX_HELPERS);
        assert_eq!(helper_count(1, 0, 16), 0);
        assert_eq!(helper_count(1, 5, 16), 1);
        assert_eq!(helper_count(0, 5, 16), 0);
    }
}
