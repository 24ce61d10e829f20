//! Stage 2, scan: one walk over the outer archive's members. Each member is listed; the small
//! JSON ones (manifests, indexes, configs) are kept; and every member that looks like a layer
//! (a tar, or gzip/zstd data) is indexed on the way by [`layer`](super::layer).
//!
//! Why index before knowing which members are layers: a compressed archive cannot seek, and
//! Docker ≥ 25 writes the blobs before `manifest.json` and `index.json`, so which blobs are an
//! image's layers is only known at the end; a second pass would read a multi-GB stream twice. On
//! a plain archive the walk costs one header read per member plus one per layer entry. A plain
//! archive can also be scanned without indexing ([`Depth::Headers`]): headers and JSON only,
//! which is what the early overview needs.

use super::error::{ImageError, Position};
use super::fs_tree::{display_bytes, PathTree};
use super::layer::{index_layer_member, layer_compression, Damage, LayerCtx, LayerIndex, StrTable};
use super::options::{Options, MAX_CAPTURE_TOTAL, MAX_JSON};
use super::parallel::PreIndexed;
use super::progress::Progressor;
use super::sniff::{outer_position, with_outer};
use super::source::{drain, read_exact, read_full, stream_fault_text, Bounded, Compression, Tick};
use super::tar_index::{typeflag, walk, Step, TarEntry, TarFault, WalkEnd, WalkError};
use std::collections::HashMap;
use std::io::{Read, Seek};

/// One member of the outer tar.
#[derive(Debug)]
pub(crate) struct Member {
    pub path: String,
    pub typeflag: u8,
    pub link: Vec<u8>,
    /// Offset of its data in the outer tar stream (the file itself for a plain archive).
    pub offset: u64,
    pub size: u64,
    /// The bytes of a JSON member (at most [`MAX_JSON`]).
    pub json: Option<Vec<u8>>,
    /// Its index in [`Scanned::blobs`] when it looks like a layer.
    pub blob: Option<usize>,
}

/// A member that looks like a layer, and its index.
#[derive(Debug)]
pub(crate) struct Blob {
    pub member: usize,
    pub path: String,
    pub offset: u64,
    pub size: u64,
    pub compression: Compression,
    pub index: LayerIndex,
    /// Why it could not be indexed as a tar (then `index` is empty or partial).
    pub error: Option<ImageError>,
    /// Not a tar at all (first header unreadable).
    pub not_tar: bool,
}

/// How deep stage 2 reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Depth {
    /// Headers and JSON members only: layers are recognised by their first bytes, not indexed.
    Headers,
    /// Every layer indexed.
    Layers,
}

/// What stage 2 gives.
#[derive(Debug)]
pub(crate) struct Scanned {
    pub members: Vec<Member>,
    pub blobs: Vec<Blob>,
    pub tree: PathTree,
    pub strings: StrTable,
    /// How the outer tar ended.
    pub end: WalkEnd,
    /// Damage after the end of a compressed archive's tar (its trailer).
    pub stream_damage: Option<Damage>,
}

/// A member path as the archive's manifests name members: `/`-separated, `.` and empty parts
/// dropped, `..` applied.
pub(crate) fn normalize_member(raw: &[u8]) -> String {
    let s = display_bytes(raw);
    let mut out: Vec<&str> = Vec::new();
    for c in s.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out.join("/")
}

struct Scan<'o, 'p> {
    opts: &'o Options,
    depth: Depth,
    compression: Compression,
    tick: Tick,
    tree: PathTree,
    strings: StrTable,
    members: Vec<Member>,
    blobs: Vec<Blob>,
    progress: &'o mut Progressor<'p>,
    capture_budget: u64,
    /// Layers indexed beforehand, by the offset of their member's data.
    prepared: HashMap<u64, PreIndexed>,
}

/// Stage 2: walks the outer archive (`compression` from stage 1), indexing every layer-looking
/// member (with `depth` [`Depth::Layers`]) or only recognising them.
///
/// # Errors
/// [`ImageError`] when the outer tar is not a tar, is truncated or damaged in its structure, a
/// JSON member cannot be read, a limit is reached, or `progress` cancels. Damage inside a layer
/// is kept in its index, not returned.
pub(crate) fn scan<R: Read + Seek>(
    reader: R,
    total_len: u64,
    compression: Compression,
    opts: &Options,
    depth: Depth,
    progress: &mut Progressor<'_>,
    prepared: Vec<PreIndexed>,
) -> Result<Scanned, ImageError> {
    let tick = progress.tick.clone();
    let mut scan = Scan {
        opts,
        depth,
        compression,
        tick: tick.clone(),
        tree: PathTree::new(),
        strings: StrTable::default(),
        members: Vec::new(),
        blobs: Vec::new(),
        progress,
        capture_budget: MAX_CAPTURE_TOTAL,
        prepared: prepared.into_iter().map(|p| (p.span().offset, p)).collect(),
    };
    let (end, stream_damage) = with_outer(reader, total_len, compression, opts.max_outer_bytes(), tick, &mut |src| {
        let res = walk(src, &mut |step: Step<'_, '_>| match step {
            Step::Member(e, body) => scan.on_member(e, body),
            Step::Skipping => scan.progress.maybe(),
        });
        match res {
            // A compressed archive is read on to its end, so that its decoder checks the rest.
            Ok(end) if compression != Compression::None && depth == Depth::Layers => {
                let progress = &mut scan.progress;
                let fault = drain(src, &mut || progress.maybe())?;
                let at = outer_position(compression, &scan.tick, src.pos());
                Ok((end, fault.map(|e| Damage { at, what: stream_fault_text(&e) })))
            }
            Ok(end) => Ok((end, None)),
            Err(WalkError::Callback(e)) => Err(e),
            Err(WalkError::Tar(f)) => Err(scan.fault(f)),
        }
    })?;
    Ok(Scanned {
        members: scan.members,
        blobs: scan.blobs,
        tree: scan.tree,
        strings: scan.strings,
        end,
        stream_damage,
    })
}

impl Scan<'_, '_> {
    fn at(&self, stream_offset: u64) -> Position {
        outer_position(self.compression, &self.tick, stream_offset)
    }

    /// A fault in the outer tar, as the error it is.
    fn fault(&self, f: TarFault) -> ImageError {
        let context = match self.members.last() {
            Some(m) => format!("after member {}", m.path),
            None => "in the first member".to_owned(),
        };
        match f {
            TarFault::NotTar { .. } if self.members.is_empty() => ImageError::NotAnArchive {
                detail: "its first block is not a tar header (its checksum is wrong)".into(),
            },
            TarFault::NotTar { pos } => ImageError::Corrupt {
                at: self.at(pos),
                context,
                reason: "a member header has a wrong checksum (the archive is damaged there)".into(),
            },
            TarFault::Truncated { pos, what } | TarFault::BodyCut { pos, what } => {
                ImageError::Truncated { at: self.at(pos), context: format!("{what} {context}") }
            }
            TarFault::Corrupt { pos, what } => ImageError::Corrupt { at: self.at(pos), context, reason: what },
            TarFault::Io { pos, source } => ImageError::from_io(self.at(pos), &context, source),
            TarFault::Limit { pos, what, limit } => {
                ImageError::LimitExceeded { at: self.at(pos), what: format!("{what} {context}"), limit }
            }
        }
    }

    fn on_member(&mut self, e: &TarEntry, body: &mut Bounded<'_>) -> Result<(), ImageError> {
        let path = normalize_member(&e.path);
        self.progress.current.clone_from(&path);
        self.progress.maybe()?;
        let mi = self.members.len();
        self.members.push(Member {
            path: path.clone(),
            typeflag: e.typeflag,
            link: e.link.clone(),
            offset: e.data_pos,
            size: e.size,
            json: None,
            blob: None,
        });
        if !matches!(e.typeflag, typeflag::REG | typeflag::AREG | typeflag::CONT) || e.size == 0 {
            return Ok(());
        }
        let mut head = vec![0u8; 512];
        let n = read_full(body, &mut head).map_err(|err| ImageError::from_io(self.at(read_to(e, body)), &format!("inside {path}"), err))?;
        head.truncate(n);
        if let Some(comp) = layer_compression(&head) {
            let blob = self.layer(e, &path, mi, comp, head, body)?;
            let bi = self.blobs.len();
            self.blobs.push(blob);
            if let Some(m) = self.members.get_mut(mi) {
                m.blob = Some(bi);
            }
            return Ok(());
        }
        let first = head.iter().copied().find(|b| !b.is_ascii_whitespace());
        if matches!(first, Some(b'{' | b'[' | b'n')) && e.size <= MAX_JSON {
            let json = self.json(e, &path, head, body)?;
            if let Some(m) = self.members.get_mut(mi) {
                m.json = Some(json);
            }
        }
        Ok(())
    }

    /// The rest of a JSON member's bytes, after the `head` already read.
    fn json(&self, e: &TarEntry, path: &str, mut json: Vec<u8>, body: &mut Bounded<'_>) -> Result<Vec<u8>, ImageError> {
        let rest = usize::try_from(e.size).unwrap_or(0).saturating_sub(json.len());
        let start = json.len();
        json.resize(start.saturating_add(rest), 0);
        // The body ends where the member does, or fails: a stream that ends early is an error
        // at the byte where it ended.
        read_exact(body, json.get_mut(start..).unwrap_or(&mut []))
            .map_err(|err| ImageError::from_io(self.at(read_to(e, body)), &format!("inside {path}"), err))?;
        Ok(json)
    }

    /// Indexes (or, at [`Depth::Headers`], only records) a layer-looking member.
    fn layer(
        &mut self,
        e: &TarEntry,
        path: &str,
        member: usize,
        compression: Compression,
        head: Vec<u8>,
        body: &mut Bounded<'_>,
    ) -> Result<Blob, ImageError> {
        let mut blob = Blob {
            member,
            path: path.to_owned(),
            offset: e.data_pos,
            size: e.size,
            compression,
            index: LayerIndex::default(),
            error: None,
            not_tar: false,
        };
        if self.depth == Depth::Headers {
            return Ok(blob);
        }
        let prepared = self
            .prepared
            .remove(&e.data_pos)
            .filter(|p| p.span.size == e.size && p.compression == compression);
        let res = match prepared {
            // Indexed beforehand (by another worker or thread): adopt it, skip the body.
            Some(p) => p.adopt(&mut self.tree, &mut self.strings, &mut self.capture_budget, self.progress, path),
            None => {
                let progress = &mut *self.progress;
                let mut on_progress = |entries: u64| progress.advance(entries);
                index_layer_member(
                    compression,
                    head,
                    body,
                    self.opts,
                    LayerCtx {
                        tree: &mut self.tree,
                        strings: &mut self.strings,
                        on_progress: &mut on_progress,
                        capture_budget: &mut self.capture_budget,
                        max_entries: self.opts.max_layer_entries,
                        member: path,
                        file_pos: self.tick.clone(),
                    },
                )
            }
        };
        match res {
            Ok(idx) => blob.index = idx,
            Err(err @ (ImageError::Cancelled | ImageError::LimitExceeded { .. })) => return Err(err),
            Err(err) => blob.error = Some(err),
        }
        blob.not_tar = blob.index.entries.is_empty() && (blob.index.damage.is_some() || blob.error.is_some());
        Ok(blob)
    }
}

/// Where the outer stream stands inside member `e` whose body is `body`: how far a read got
/// before it failed (a stream that ends early ends there, not at the member's start).
fn read_to(e: &TarEntry, body: &Bounded<'_>) -> u64 {
    e.data_pos.saturating_add(e.size.saturating_sub(body.remaining()))
}
