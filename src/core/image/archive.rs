//! The outer archive: one pass over its members (indexing every layer-looking blob on the way and
//! keeping the small JSON members), then manifests resolved into images.
//!
//! Why one pass that indexes every tar-looking blob: a gzipped archive cannot seek, and Docker ≥ 25
//! writes the blobs before `manifest.json`/`index.json`, so which blobs are layers is only known at
//! the end. On a plain archive the pass costs one header read per member plus one per layer entry.

use super::config::{self, RawDescriptor, RawDockerManifestItem, RawImageConfig, RawManifest};
use super::fs_tree::display_bytes;
use super::layer::{index_layer, LayerCtx, LayerIndex, StrTable};
use super::parallel::PreIndexed;
use super::merge;
use super::report::*;
use super::source::{
    drain, read_full, stream_fault_text, with_decoded, Bounded, Compression, Counting, Prefixed, SeekSource, Source,
    StreamSource, Tick,
};
use super::tar_index::{
    looks_like_tar_header, typeflag, walk, Step, TarEntry, TarFault, WalkEnd, WalkError,
};
use super::{
    fault_text, Analysis, Flow, ImageError, Options, Phase, Progress, Progressor,
    MAX_CAPTURE_TOTAL, MAX_INDEX_DEPTH, MAX_JSON,
};
use serde::de::DeserializeOwned;
use std::cell::Cell;
use std::collections::{BTreeSet, HashMap};
use std::io::{self, Read, Seek, SeekFrom};
use std::rc::Rc;

/// Deepest chain of symlinks followed between outer members.
const MAX_MEMBER_LINKS: usize = 16;

/// One member of the outer tar.
#[derive(Debug)]
pub(crate) struct Member {
    pub path: String,
    pub typeflag: u8,
    pub link: Vec<u8>,
    pub offset: u64,
    pub size: u64,
    pub json: Option<Vec<u8>>,
    pub blob: Option<usize>,
}

/// A member indexed as a layer tar.
#[derive(Debug)]
pub(crate) struct Blob {
    pub member: usize,
    pub path: String,
    pub offset: u64,
    pub size: u64,
    pub compression: Compression,
    pub index: LayerIndex,
    /// Why it could not be indexed as a tar (then `index` is empty or partial).
    pub error: Option<String>,
    /// Not a tar at all (first header unreadable).
    pub not_tar: bool,
}

pub(crate) fn io_error(file: &str, pos: u64, context: &str, e: io::Error) -> ImageError {
    match e.kind() {
        io::ErrorKind::UnexpectedEof => ImageError::Truncated {
            file: file.to_owned(),
            pos,
            context: context.to_owned(),
        },
        io::ErrorKind::InvalidData | io::ErrorKind::InvalidInput => ImageError::Corrupt {
            file: file.to_owned(),
            pos,
            context: context.to_owned(),
            reason: e.to_string(),
        },
        _ if e
            .get_ref()
            .is_some_and(|x| x.is::<super::source::LimitHit>()) =>
        {
            let hit = e
                .get_ref()
                .and_then(|x| x.downcast_ref::<super::source::LimitHit>());
            ImageError::LimitExceeded {
                file: file.to_owned(),
                pos,
                what: format!(
                    "{} {context}",
                    hit.map_or("the decompressed size", |h| h.what)
                ),
                limit: hit.map_or(0, |h| h.limit),
            }
        }
        _ => ImageError::Io {
            file: file.to_owned(),
            pos,
            context: context.to_owned(),
            source: e,
        },
    }
}

fn fault_error(file: &str, f: TarFault, context: &str) -> ImageError {
    match f {
        TarFault::Truncated { pos, what } => ImageError::Truncated {
            file: file.to_owned(),
            pos,
            context: format!("{what} {context}"),
        },
        TarFault::Corrupt { pos, what } => ImageError::Corrupt {
            file: file.to_owned(),
            pos,
            context: context.to_owned(),
            reason: what,
        },
        TarFault::NotTar { pos } => ImageError::Corrupt {
            file: file.to_owned(),
            pos,
            context: context.to_owned(),
            reason: "a member header has a wrong checksum (the archive is damaged there)".into(),
        },
        TarFault::Io { pos, source } => io_error(file, pos, context, source),
        TarFault::Limit { pos, what, limit } => ImageError::LimitExceeded {
            file: file.to_owned(),
            pos,
            what: format!("{what} {context}"),
            limit,
        },
    }
}

/// Sniffs the outer compression from the first bytes.
pub(crate) fn sniff_outer<R: Read + Seek>(reader: &mut R, file: &str) -> Result<Compression, ImageError> {
    let mut head = [0u8; 4];
    reader
        .seek(SeekFrom::Start(0))
        .map_err(|e| io_error(file, 0, "while seeking to the start", e))?;
    let mut got = 0;
    while got < head.len() {
        match reader.read(head.get_mut(got..).unwrap_or(&mut [])) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                return Err(io_error(
                    file,
                    got as u64,
                    "while reading the first bytes",
                    e,
                ))
            }
        }
    }
    reader
        .seek(SeekFrom::Start(0))
        .map_err(|e| io_error(file, 0, "while seeking to the start", e))?;
    Ok(Compression::sniff(head.get(..got).unwrap_or(&[])))
}

/// A compressed archive may decompress to at most this many times the one-layer cap.
const OUTER_LIMIT_IN_LAYERS: u64 = 64;

/// Runs `f` over the outer tar stream (decompressed if needed, up to
/// [`OUTER_LIMIT_IN_LAYERS`] × `max_layer_bytes`), from its start.
pub(crate) fn with_outer<R: Read + Seek, T>(
    mut reader: R,
    total_len: u64,
    compression: Compression,
    max_layer_bytes: u64,
    file: &str,
    tick: Tick,
    f: &mut dyn FnMut(&mut dyn Source) -> Result<T, ImageError>,
) -> Result<T, ImageError> {
    let limit = max_layer_bytes.saturating_mul(OUTER_LIMIT_IN_LAYERS);
    reader
        .seek(SeekFrom::Start(0))
        .map_err(|e| io_error(file, 0, "while seeking to the start", e))?;
    tick.set(0);
    match compression {
        Compression::None => {
            let mut s = SeekSource::new(reader, total_len, 0, tick);
            f(&mut s)
        }
        Compression::Gzip => {
            let tick_c = tick.clone();
            let dec = flate2::read::MultiGzDecoder::new(std::io::BufReader::with_capacity(
                super::SEEK_WINDOW,
                Counting {
                    inner: reader,
                    tick,
                },
            ));
            let mut s = StreamSource::with_ratio_guard(dec, limit, tick_c);
            f(&mut s)
        }
        Compression::Zstd => {
            let tick_c = tick.clone();
            let counting = std::io::BufReader::with_capacity(
                super::SEEK_WINDOW,
                Counting {
                    inner: reader,
                    tick,
                },
            );
            let dec = super::source::zstd_decoder(counting)
                .map_err(|e| io_error(file, 0, "in the zstd frame header", e))?;
            let mut s = StreamSource::with_ratio_guard(dec, limit, tick_c);
            f(&mut s)
        }
    }
}

struct Scan<'p> {
    file: String,
    opts: Options,
    tree: super::fs_tree::PathTree,
    strings: StrTable,
    members: Vec<Member>,
    blobs: Vec<Blob>,
    progress: Progressor<'p>,
    capture_budget: u64,
    /// Layers indexed beforehand, by the offset of their member's data.
    prepared: HashMap<u64, PreIndexed>,
}

fn normalize_member(raw: &[u8]) -> String {
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

impl Scan<'_> {
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
        let n = read_full(body, &mut head)
            .map_err(|err| io_error(&self.file, e.data_pos, &format!("inside `{path}`"), err))?;
        head.truncate(n);
        if let Some(comp) = layer_compression(&head) {
            let prepared = self
                .prepared
                .remove(&e.data_pos)
                .filter(|p| p.span.size == e.size && p.compression == comp);
            let res = match prepared {
                // Indexed beforehand (by another worker or thread): adopt it, skip the body.
                Some(p) => p.adopt(
                    &mut self.tree,
                    &mut self.strings,
                    &mut self.capture_budget,
                    &mut self.progress,
                    &self.file,
                ),
                None => {
                    let progress = &mut self.progress;
                    let mut on_progress = |entries: u64| progress.advance(entries);
                    index_layer_member(
                        comp,
                        head,
                        body,
                        &self.opts,
                        e.data_pos,
                        &path,
                        LayerCtx {
                            tree: &mut self.tree,
                            strings: &mut self.strings,
                            on_progress: &mut on_progress,
                            capture_budget: &mut self.capture_budget,
                            max_entries: self.opts.max_layer_entries,
                            file: &self.file,
                        },
                    )
                }
            };
            let (index, error) = match res {
                Ok(idx) => (idx, None),
                Err(ImageError::Cancelled) => return Err(ImageError::Cancelled),
                Err(err @ ImageError::LimitExceeded { .. }) => return Err(err),
                Err(err) => (LayerIndex::default(), Some(err.to_string())),
            };
            let not_tar = index.entries.is_empty() && (index.damage.is_some() || error.is_some());
            let bi = self.blobs.len();
            self.blobs.push(Blob {
                member: mi,
                path: path.clone(),
                offset: e.data_pos,
                size: e.size,
                compression: comp,
                index,
                error,
                not_tar,
            });
            if let Some(m) = self.members.get_mut(mi) {
                m.blob = Some(bi);
            }
            return Ok(());
        }
        let first = head.iter().copied().find(|b| !b.is_ascii_whitespace());
        if matches!(first, Some(b'{' | b'[' | b'n')) && e.size <= MAX_JSON {
            let mut json = head;
            let rest = usize::try_from(e.size)
                .unwrap_or(0)
                .saturating_sub(json.len());
            let start = json.len();
            json.resize(start + rest, 0);
            let got = read_full(body, json.get_mut(start..).unwrap_or(&mut [])).map_err(|err| {
                io_error(&self.file, e.data_pos, &format!("inside `{path}`"), err)
            })?;
            if got < rest {
                return Err(ImageError::Truncated {
                    file: self.file.clone(),
                    pos: e.data_pos + (start + got) as u64,
                    context: format!("inside `{path}`"),
                });
            }
            if let Some(m) = self.members.get_mut(mi) {
                m.json = Some(json);
            }
        }
        Ok(())
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

/// Indexes one layer member whose first bytes (already read from `body`) are `head`:
/// decompresses it if `comp` says so and walks its tar.
pub(crate) fn index_layer_member(
    comp: Compression,
    head: Vec<u8>,
    body: &mut Bounded<'_>,
    opts: &Options,
    data_pos: u64,
    path: &str,
    mut ctx: LayerCtx<'_>,
) -> Result<LayerIndex, ImageError> {
    // The member's whole length: an uncompressed layer's size, end blocks and padding included.
    let member_len = body.pos().saturating_add(body.remaining());
    let mut pre = Prefixed::new(head, body);
    let ctx_text = format!("inside layer `{path}`");
    let file = ctx.file;
    with_decoded(
        comp,
        &mut pre,
        opts.max_layer_bytes,
        &mut |s: &mut dyn Source| {
            let mut idx = index_layer(s, &mut ctx)?;
            if comp == Compression::None {
                idx.uncompressed_size = member_len;
            } else if idx.damage.is_none() {
                // A compressed layer is read on to its end, so that its decoder checks the rest
                // and its size is the whole decompressed stream (what its diff_id hashes).
                let on_progress = &mut ctx.on_progress;
                idx.stream_damage =
                    drain(s, &mut || on_progress(0))?.map(|e| stream_fault_text(&e));
                idx.uncompressed_size = s.pos();
            }
            Ok(idx)
        },
        &|err| io_error(file, data_pos, &ctx_text, err),
    )
}

pub(crate) fn parse_json<T: DeserializeOwned>(
    file: &str,
    member: &str,
    bytes: &[u8],
) -> Result<T, ImageError> {
    serde_json::from_slice(bytes).map_err(|e| ImageError::BadJson {
        file: file.to_owned(),
        member: member.to_owned(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })
}

struct PlanLayer {
    member: usize,
    digest: Option<String>,
    media_type: Option<String>,
}

struct Plan {
    tags: Vec<String>,
    manifest_digest: Option<String>,
    manifest_media_type: Option<String>,
    config_member: usize,
    config_digest: Option<String>,
    layers: Vec<PlanLayer>,
    platform: Option<usize>,
}

struct Resolver<'a> {
    file: &'a str,
    members: &'a [Member],
    by_path: HashMap<&'a str, usize>,
}

impl<'a> Resolver<'a> {
    fn new(file: &'a str, members: &'a [Member]) -> Self {
        let mut by_path = HashMap::new();
        for (i, m) in members.iter().enumerate() {
            by_path.insert(m.path.as_str(), i);
        }
        Resolver {
            file,
            members,
            by_path,
        }
    }

    /// Finds a member by path, following symlinks and hard links between members.
    fn resolve(&self, path: &str) -> Option<usize> {
        let mut cur = normalize_member(path.as_bytes());
        for _ in 0..MAX_MEMBER_LINKS {
            let i = *self.by_path.get(cur.as_str())?;
            let m = self.members.get(i)?;
            match m.typeflag {
                typeflag::SYMLINK => {
                    let dir = cur.rsplit_once('/').map_or("", |(d, _)| d);
                    let link = display_bytes(&m.link);
                    cur = if link.starts_with('/') {
                        normalize_member(link.as_bytes())
                    } else {
                        normalize_member(format!("{dir}/{link}").as_bytes())
                    };
                }
                typeflag::LINK => cur = normalize_member(&m.link),
                _ => return Some(i),
            }
        }
        None
    }

    fn json(&self, i: usize) -> Result<&'a [u8], ImageError> {
        let m = self.members.get(i).ok_or_else(|| ImageError::NotFound {
            file: self.file.to_owned(),
            what: "such member".into(),
        })?;
        match &m.json {
            Some(j) => Ok(j),
            None if m.size > MAX_JSON => Err(ImageError::LimitExceeded {
                file: self.file.to_owned(),
                pos: m.offset,
                what: format!("the JSON member `{}` ({} bytes)", m.path, m.size),
                limit: MAX_JSON,
            }),
            None => Err(ImageError::BadJson {
                file: self.file.to_owned(),
                member: m.path.clone(),
                line: 1,
                column: 1,
                message: "it does not start like JSON".into(),
            }),
        }
    }
}

fn warn(w: &mut Vec<Warning>, code: &str, message: String) {
    w.push(Warning {
        code: code.to_owned(),
        message,
    });
}

fn ref_name(d: &RawDescriptor) -> Option<String> {
    let a = d.annotations.as_ref()?;
    a.get("io.containerd.image.name")
        .or_else(|| a.get("org.opencontainers.image.ref.name"))
        .cloned()
}

#[allow(clippy::too_many_arguments)]
fn walk_oci(
    r: &Resolver<'_>,
    desc: &RawDescriptor,
    depth: usize,
    parent_ref: Option<String>,
    plans: &mut Vec<Plan>,
    platforms: &mut Vec<PlatformEntry>,
    warnings: &mut Vec<Warning>,
    referenced: &mut BTreeSet<usize>,
) -> Result<(), ImageError> {
    let digest = desc.digest.clone().unwrap_or_default();
    let rname = ref_name(desc).or(parent_ref);
    let pi = platforms.len();
    platforms.push(PlatformEntry {
        digest: digest.clone(),
        media_type: desc.media_type.clone(),
        os: desc.platform.as_ref().and_then(|p| p.os.clone()),
        architecture: desc.platform.as_ref().and_then(|p| p.architecture.clone()),
        variant: desc.platform.as_ref().and_then(|p| p.variant.clone()),
        ref_name: rname.clone(),
        present: false,
        image: None,
    });
    let Some(path) = config::digest_blob_path(&digest) else {
        warn(
            warnings,
            "bad_digest",
            format!("an index entry has an invalid digest `{digest}`"),
        );
        return Ok(());
    };
    let Some(mi) = r.resolve(&path) else {
        warn(warnings, "missing_blob", format!("the manifest `{digest}` named by the index is not in the archive (a partial multi-platform save?)"));
        return Ok(());
    };
    referenced.insert(mi);
    if let Some(p) = platforms.get_mut(pi) {
        p.present = true;
    }
    let m: RawManifest = parse_json(r.file, &path, r.json(mi)?)?;
    if let Some(children) = &m.manifests {
        if depth >= MAX_INDEX_DEPTH {
            warn(
                warnings,
                "index_too_deep",
                format!(
                    "nested indexes deeper than {MAX_INDEX_DEPTH} at `{digest}` were not followed"
                ),
            );
            return Ok(());
        }
        for c in children {
            walk_oci(
                r,
                c,
                depth + 1,
                rname.clone(),
                plans,
                platforms,
                warnings,
                referenced,
            )?;
        }
        return Ok(());
    }
    let Some(cfg) = &m.config else {
        warn(
            warnings,
            "not_a_manifest",
            format!("`{digest}` is neither an image manifest nor an index"),
        );
        return Ok(());
    };
    let cdigest = cfg.digest.clone().unwrap_or_default();
    let Some(cmi) = config::digest_blob_path(&cdigest).and_then(|p| r.resolve(&p)) else {
        warn(warnings, "missing_blob", format!("the config `{cdigest}` of manifest `{digest}` is not in the archive; image skipped"));
        return Ok(());
    };
    referenced.insert(cmi);
    let mut layers = Vec::new();
    let mut missing = Vec::new();
    for l in m.layers.iter().flatten() {
        let ld = l.digest.clone().unwrap_or_default();
        match config::digest_blob_path(&ld).and_then(|p| r.resolve(&p)) {
            Some(li) => {
                referenced.insert(li);
                layers.push(PlanLayer {
                    member: li,
                    digest: Some(ld),
                    media_type: l.media_type.clone(),
                });
            }
            None => missing.push(ld),
        }
    }
    if !missing.is_empty() {
        warn(
            warnings,
            "missing_blob",
            format!(
                "manifest `{digest}` names layers absent from the archive ({}); image skipped",
                missing.join(", ")
            ),
        );
        return Ok(());
    }
    plans.push(Plan {
        tags: rname.into_iter().collect(),
        manifest_digest: Some(digest),
        manifest_media_type: m.media_type.clone().or_else(|| desc.media_type.clone()),
        config_member: cmi,
        config_digest: Some(cdigest),
        layers,
        platform: Some(pi),
    });
    Ok(())
}

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
    progress: &mut dyn FnMut(Progress) -> Flow,
) -> Result<Analysis, ImageError> {
    analyze_prepared(reader, total_len, opts, progress, Vec::new())
}

/// [`analyze`], adopting layers already indexed by [`index_member`](super::index_member)
/// (in other workers or threads) instead of reading them again. The result is the same as
/// [`analyze`]'s; a prepared layer that does not match its member (other offset, size or
/// compression) is ignored and the member is indexed here.
///
/// # Errors
/// As [`analyze`].
pub fn analyze_prepared<R: Read + Seek>(
    mut reader: R,
    total_len: u64,
    opts: &Options,
    progress: &mut dyn FnMut(Progress) -> Flow,
    prepared: Vec<PreIndexed>,
) -> Result<Analysis, ImageError> {
    let file = opts.name.clone();
    if total_len == 0 {
        return Err(ImageError::NotAnArchive {
            file,
            detail: "it is empty".into(),
        });
    }
    let compression = sniff_outer(&mut reader, &file)?;
    let tick: Tick = Rc::new(Cell::new(0));
    let mut scan = Scan {
        file: file.clone(),
        opts: opts.clone(),
        tree: super::fs_tree::PathTree::new(),
        strings: StrTable::default(),
        members: Vec::new(),
        blobs: Vec::new(),
        progress: Progressor::new(progress, tick.clone(), total_len, Phase::Indexing),
        capture_budget: MAX_CAPTURE_TOTAL,
        prepared: prepared.into_iter().map(|p| (p.span.offset, p)).collect(),
    };
    scan.progress.report()?;
    let (end, stream_damage) = with_outer(
        reader,
        total_len,
        compression,
        opts.max_layer_bytes,
        &file,
        tick.clone(),
        &mut |src| {
            let res = walk(src, &mut |step: Step<'_, '_>| match step {
                Step::Member(e, body) => scan.on_member(e, body),
                Step::Skipping => scan.progress.maybe(),
            });
            match res {
                // A compressed archive is read on to its end, so that its decoder checks the rest.
                Ok(end) if compression != Compression::None => {
                    let progress = &mut scan.progress;
                    let fault = drain(src, &mut || progress.maybe())?;
                    Ok((end, fault.map(|e| stream_fault_text(&e))))
                }
                Ok(end) => Ok((end, None)),
                Err(WalkError::Callback(e)) => Err(e),
                Err(WalkError::Tar(f)) => {
                    if scan.members.is_empty() {
                        if let TarFault::NotTar { .. } = f {
                            return Err(ImageError::NotAnArchive {
                                file: file.clone(),
                                detail: format!(
                                    "its first header is not a tar header ({})",
                                    fault_text(&f)
                                ),
                            });
                        }
                    }
                    let ctx = match scan.members.last() {
                        Some(m) => format!("after member `{}`", m.path),
                        None => "in the first member".to_owned(),
                    };
                    Err(fault_error(&file, f, &ctx))
                }
            }
        },
    )?;
    scan.progress.phase = Phase::Merging;
    scan.progress.current = String::new();
    scan.progress.report()?;
    let mut warnings = Vec::new();
    match end {
        WalkEnd::Marker => {}
        WalkEnd::EofWithoutMarker => warn(
            &mut warnings,
            "no_end_marker",
            "the archive ends without a tar end-of-archive marker".into(),
        ),
        WalkEnd::LoneZeroBlock { pos } => warn(
            &mut warnings,
            "lone_zero_block",
            format!(
                "the archive ends with a lone zero block at byte {pos}{}: a tar end-of-archive marker is two, so it was probably cut short",
                if compression == Compression::None { "" } else { " of its tar" }
            ),
        ),
    }
    if let Some(e) = stream_damage {
        warn(
            &mut warnings,
            "damaged_stream",
            format!(
                "the archive's {} data is damaged after the end of its tar ({e}): what was read is whole, but the file was cut short or changed",
                if compression == Compression::Zstd { "zstd" } else { "gzip" }
            ),
        );
    }
    if scan.members.is_empty() {
        return Err(ImageError::MissingManifest {
            file,
            detail: "the archive has no members".into(),
        });
    }
    let Scan {
        tree,
        strings,
        members,
        mut blobs,
        progress: mut prog,
        ..
    } = scan;
    let r = Resolver::new(&file, &members);

    // --- manifests -> plans
    let mut plans: Vec<Plan> = Vec::new();
    let mut platforms = Vec::new();
    let mut referenced: BTreeSet<usize> = BTreeSet::new();
    let docker_items: Option<Vec<RawDockerManifestItem>> = match r.resolve("manifest.json") {
        Some(mi) => {
            referenced.insert(mi);
            parse_json::<Option<Vec<RawDockerManifestItem>>>(&file, "manifest.json", r.json(mi)?)?
        }
        None => None,
    };
    let oci_index: Option<RawManifest> = match r.resolve("index.json") {
        Some(mi) => {
            referenced.insert(mi);
            Some(parse_json(&file, "index.json", r.json(mi)?)?)
        }
        None => None,
    };
    if let Some(mi) = r.resolve("oci-layout") {
        referenced.insert(mi);
    }
    if let Some(mi) = r.resolve("repositories") {
        referenced.insert(mi);
    }
    let has_docker = docker_items.as_ref().is_some_and(|v| !v.is_empty());
    // OCI view (always walked when present: it lists platforms and manifest digests).
    let mut oci_plans = Vec::new();
    if let Some(idx) = &oci_index {
        match &idx.manifests {
            Some(ms) => {
                for d in ms {
                    walk_oci(
                        &r,
                        d,
                        0,
                        None,
                        &mut oci_plans,
                        &mut platforms,
                        &mut warnings,
                        &mut referenced,
                    )?;
                }
            }
            None => warn(
                &mut warnings,
                "index_without_manifests",
                if has_docker {
                    "index.json lists no manifests (`\"manifests\": null`, as some Docker 25 saves write); images were read from manifest.json".into()
                } else {
                    "index.json lists no manifests (`\"manifests\": null`)".into()
                },
            ),
        }
    }
    let format = match (has_docker, oci_index.is_some()) {
        (true, true) => ArchiveFormat::OciWithDockerManifest,
        (true, false) => ArchiveFormat::DockerArchive,
        (false, true) => ArchiveFormat::OciLayout,
        (false, false) => {
            let detail = match (&docker_items, r.resolve("manifest.json")) {
                (_, None) => {
                    if r.resolve("repositories").is_some() {
                        "it has no manifest.json and no index.json (only a pre-Docker-1.10 `repositories` file, which is not supported)".to_owned()
                    } else if end == WalkEnd::Marker {
                        "it has no manifest.json and no index.json".to_owned()
                    } else {
                        // Both are written last: an archive cut between members lacks them.
                        "it has no manifest.json and no index.json, and it ends without a tar end-of-archive marker: it was probably cut short before them".to_owned()
                    }
                }
                (None, Some(_)) => "manifest.json is `null`".to_owned(),
                (Some(_), Some(_)) => "manifest.json is an empty list".to_owned(),
            };
            return Err(ImageError::MissingManifest { file, detail });
        }
    };
    if let Some(items) = docker_items.filter(|v| !v.is_empty()) {
        for (n, item) in items.iter().enumerate() {
            let cpath = item.config.clone().ok_or_else(|| ImageError::BadJson {
                file: file.clone(),
                member: "manifest.json".into(),
                line: 1,
                column: 1,
                message: format!("item {n} has no `Config`"),
            })?;
            let cmi = r.resolve(&cpath).ok_or_else(|| ImageError::MissingMember {
                file: file.clone(),
                member: cpath.clone(),
                referenced_by: "manifest.json".into(),
            })?;
            referenced.insert(cmi);
            let config_digest = config::digest_from_member(&cpath);
            let oci_match = oci_plans
                .iter()
                .find(|p| p.config_digest.is_some() && p.config_digest == config_digest);
            let mut layers = Vec::new();
            let mut seen = BTreeSet::new();
            for (pos, lpath) in item.layers.iter().flatten().enumerate() {
                let li = r.resolve(lpath).ok_or_else(|| ImageError::MissingMember {
                    file: file.clone(),
                    member: lpath.clone(),
                    referenced_by: "manifest.json".into(),
                })?;
                referenced.insert(li);
                if !seen.insert(li) {
                    warn(
                        &mut warnings,
                        "layer_listed_twice",
                        format!("manifest.json item {n} lists layer `{lpath}` more than once"),
                    );
                }
                let digest =
                    config::digest_from_member(lpath).filter(|_| lpath.starts_with("blobs/"));
                let digest = digest.or_else(|| {
                    oci_match
                        .and_then(|p| p.layers.get(pos))
                        .and_then(|l| l.digest.clone())
                });
                let media_type = digest
                    .as_ref()
                    .and_then(|d| {
                        item.layer_sources
                            .as_ref()
                            .and_then(|s| s.get(d))
                            .and_then(|s| s.media_type.clone())
                    })
                    .or_else(|| {
                        oci_match
                            .and_then(|p| p.layers.get(pos))
                            .and_then(|l| l.media_type.clone())
                    });
                layers.push(PlanLayer {
                    member: li,
                    digest,
                    media_type,
                });
            }
            let mut tags = item.repo_tags.clone().unwrap_or_default();
            if tags.is_empty() {
                if let Some(p) = oci_match {
                    tags.clone_from(&p.tags);
                }
            }
            plans.push(Plan {
                tags,
                manifest_digest: oci_match.and_then(|p| p.manifest_digest.clone()),
                manifest_media_type: oci_match
                    .and_then(|p| p.manifest_media_type.clone())
                    .or_else(|| {
                        Some("application/vnd.docker.distribution.manifest.v2+json".to_owned())
                    }),
                config_member: cmi,
                config_digest,
                layers,
                platform: oci_match.and_then(|p| p.platform),
            });
        }
    } else {
        plans = oci_plans;
        if plans.is_empty() {
            if let Some(w) = warnings.iter().find(|w| w.code == "missing_blob") {
                return Err(ImageError::MissingMember {
                    file,
                    member: w.message.clone(),
                    referenced_by: "index.json".into(),
                });
            }
            return Err(ImageError::MissingManifest {
                file,
                detail: "index.json names no image manifest".into(),
            });
        }
    }

    // --- layers, configs, merge
    let mut report_layers: Vec<LayerReport> = Vec::new();
    let mut layer_blob: Vec<usize> = Vec::new();
    let mut blob_layer: HashMap<usize, usize> = HashMap::new();
    let mut images = Vec::new();
    let mut merged_states = Vec::new();
    let mut configs = Vec::new();
    for (ii, plan) in plans.iter().enumerate() {
        let cm = members
            .get(plan.config_member)
            .ok_or_else(|| ImageError::NotFound {
                file: file.clone(),
                what: "config member".into(),
            })?;
        let raw_cfg: RawImageConfig = parse_json(&file, &cm.path, r.json(plan.config_member)?)?;
        if let Some(d) = &plan.config_digest {
            configs.push((cm.offset, cm.size, cm.path.clone(), d.clone()));
        }
        let diff_ids = raw_cfg
            .rootfs
            .as_ref()
            .and_then(|r| r.diff_ids.clone())
            .unwrap_or_default();
        if diff_ids.len() != plan.layers.len() {
            warn(
                &mut warnings,
                "diff_ids_mismatch",
                format!(
                    "image {ii}: the config lists {} diff_ids for {} layers",
                    diff_ids.len(),
                    plan.layers.len()
                ),
            );
        }
        let raw_hist = raw_cfg.history.clone().unwrap_or_default();
        let (history, per_layer_hist) = config::history(&raw_hist, plan.layers.len());
        let nonempty = history.iter().filter(|h| !h.empty_layer).count();
        if !raw_hist.is_empty() && nonempty != plan.layers.len() {
            warn(
                &mut warnings,
                "history_mismatch",
                format!(
                    "image {ii}: history has {nonempty} non-empty steps for {} layers",
                    plan.layers.len()
                ),
            );
        }
        let mut positions = Vec::new();
        for (pos, pl) in plan.layers.iter().enumerate() {
            let m = members.get(pl.member).ok_or_else(|| ImageError::NotFound {
                file: file.clone(),
                what: "layer member".into(),
            })?;
            let bi = match m.blob {
                Some(b) => b,
                None if m.size == 0
                    && matches!(m.typeflag, typeflag::REG | typeflag::AREG | typeflag::CONT) =>
                {
                    warn(
                        &mut warnings,
                        "empty_layer_member",
                        format!(
                            "layer `{}` is a 0-byte member; treated as an empty layer",
                            m.path
                        ),
                    );
                    blobs.push(Blob {
                        member: pl.member,
                        path: m.path.clone(),
                        offset: m.offset,
                        size: 0,
                        compression: Compression::None,
                        index: LayerIndex::default(),
                        error: None,
                        not_tar: false,
                    });
                    blobs.len() - 1
                }
                None => {
                    return Err(ImageError::Corrupt {
                        file: file.clone(),
                        pos: m.offset,
                        context: format!("in layer `{}`", m.path),
                        reason: "it is not a tar archive (nor gzip- or zstd-compressed)".into(),
                    })
                }
            };
            let blob = blobs.get(bi).ok_or_else(|| ImageError::NotFound {
                file: file.clone(),
                what: "blob".into(),
            })?;
            if blob.not_tar {
                return Err(ImageError::Corrupt {
                    file: file.clone(),
                    pos: blob.offset,
                    context: format!("in layer `{}`", blob.path),
                    reason: format!(
                        "it is not a tar archive ({})",
                        blob.error
                            .clone()
                            .or_else(|| blob.index.damage.clone())
                            .unwrap_or_default()
                    ),
                });
            }
            let li = match blob_layer.get(&bi) {
                Some(&li) => li,
                None => {
                    let li = report_layers.len();
                    if let Some(d) = &blob.index.damage {
                        warn(
                            &mut warnings,
                            "damaged_layer",
                            format!(
                                "layer `{}` is damaged ({d}); its listing is partial",
                                blob.path
                            ),
                        );
                    }
                    if let Some(d) = &blob.index.stream_damage {
                        warn(
                            &mut warnings,
                            "damaged_layer",
                            format!(
                                "layer `{}` is damaged after the end of its tar ({d}): its listing is whole, but its data cannot be trusted",
                                blob.path
                            ),
                        );
                    }
                    if let Some(d) = &blob.error {
                        warn(
                            &mut warnings,
                            "damaged_layer",
                            format!("layer `{}`: {d}", blob.path),
                        );
                    }
                    let mut aliases: Vec<String> = members
                        .iter()
                        .filter(|a| {
                            a.typeflag == typeflag::SYMLINK
                                && r.resolve(&a.path) == Some(blob.member)
                        })
                        .map(|a| a.path.clone())
                        .collect();
                    aliases.sort();
                    report_layers.push(LayerReport {
                        index: li,
                        member: blob.path.clone(),
                        aliases,
                        digest: pl
                            .digest
                            .clone()
                            .or_else(|| config::digest_from_member(&blob.path)),
                        diff_id: diff_ids.get(pos).cloned(),
                        media_type: pl.media_type.clone(),
                        compression: blob.compression,
                        compressed_size: blob.size,
                        uncompressed_size: blob.index.uncompressed_size,
                        entry_count: blob.index.entries.len() as u64,
                        counts: blob.index.counts.clone(),
                        images: Vec::new(),
                    });
                    layer_blob.push(bi);
                    blob_layer.insert(bi, li);
                    li
                }
            };
            if let Some(lr) = report_layers.get_mut(li) {
                if !lr.images.contains(&ii) {
                    lr.images.push(ii);
                }
            }
            positions.push(li);
        }
        prog.current = format!("image {ii}");
        prog.report()?;
        let indexes: Vec<&LayerIndex> = positions
            .iter()
            .filter_map(|&li| {
                layer_blob
                    .get(li)
                    .and_then(|&b| blobs.get(b))
                    .map(|b| &b.index)
            })
            .collect();
        let merged = merge::merge(&tree, &indexes, positions.clone());
        let layer_reports: Vec<ImageLayer> = positions
            .iter()
            .enumerate()
            .map(|(pos, &li)| {
                let h = per_layer_hist.get(pos).copied().flatten();
                ImageLayer {
                    layer: li,
                    diff_id: diff_ids.get(pos).cloned(),
                    created_by: h
                        .and_then(|h| history.get(h))
                        .and_then(|s| s.created_by.clone()),
                    history: h,
                    changes: merged.changes.get(pos).cloned().unwrap_or_default(),
                }
            })
            .collect();
        let ccfg = config::container_config(raw_cfg.config.as_ref());
        let findings = super::findings::findings(&tree, &strings, &indexes, &merged, &ccfg);
        let packages = super::packages::packages(&tree, &indexes, &merged, &mut warnings);
        let platform = plan.platform;
        if let Some(p) = platform.and_then(|p| platforms.get_mut(p)) {
            p.image = Some(ii);
        }
        images.push(ImageReport {
            index: ii,
            tags: plan.tags.clone(),
            manifest_digest: plan.manifest_digest.clone(),
            manifest_media_type: plan.manifest_media_type.clone(),
            config_digest: plan.config_digest.clone(),
            config_member: cm.path.clone(),
            os: raw_cfg.os.clone(),
            architecture: raw_cfg.architecture.clone(),
            variant: raw_cfg.variant.clone(),
            created: raw_cfg.created.clone(),
            author: raw_cfg.author.clone(),
            config: ccfg,
            history,
            layers: layer_reports,
            merged: merged.stats.clone(),
            efficiency: merged.efficiency.clone(),
            findings,
            packages,
        });
        merged_states.push(merged);
    }
    // Unreferenced blobs.
    for (i, m) in members.iter().enumerate() {
        if m.path.starts_with("blobs/")
            && matches!(m.typeflag, typeflag::REG | typeflag::AREG | typeflag::CONT)
            && !referenced.contains(&i)
        {
            warn(
                &mut warnings,
                "unreferenced_blob",
                format!(
                    "blob `{}` ({} bytes) is not referenced by any manifest that was read",
                    m.path, m.size
                ),
            );
        }
    }
    let files_indexed = prog.files;
    drop(prog);
    let report = Report {
        archive: ArchiveInfo {
            name: file.clone(),
            size: total_len,
            compression,
            format,
            members: members.len() as u64,
            files_indexed,
        },
        images,
        layers: report_layers,
        platforms,
        warnings,
    };
    Ok(Analysis {
        report,
        tree,
        strings,
        outer_compression: compression,
        total_len,
        name: file,
        max_layer_bytes: opts.max_layer_bytes,
        blobs,
        layer_blob,
        images: merged_states,
        configs,
    })
}
