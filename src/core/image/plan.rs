//! Stage 3, plan: from the archive's members (paths, links, the JSON ones' bytes) to the list
//! of images it holds — for each, its tags, manifest, config (parsed) and the layer members it
//! needs, in order — and the OCI index's platforms.
//!
//! Both views an archive may carry are read: the legacy `manifest.json`
//! ([moby image spec v1.2](https://github.com/moby/docker-image-spec/blob/main/spec.md)) and the
//! OCI [image layout](https://github.com/opencontainers/image-spec/blob/main/image-layout.md)
//! (`index.json`, nested indexes, `blobs/sha256/…`). When `manifest.json` lists images, they are
//! the images (Docker ≥ 25 writes both; the OCI view adds manifest digests and platforms);
//! otherwise the OCI index's image manifests are.

use super::config::{self, RawDescriptor, RawDockerManifestItem, RawImageConfig, RawManifest};
use super::error::ImageError;
use super::fs_tree::display_bytes;
use super::options::{MAX_INDEX_DEPTH, MAX_JSON};
use super::report::{ArchiveFormat, PlatformEntry, Warning};
use super::scan::{normalize_member, Member};
use super::tar_index::typeflag;
use serde::de::DeserializeOwned;
use std::collections::{BTreeSet, HashMap};

/// Deepest chain of symlinks followed between outer members.
const MAX_MEMBER_LINKS: usize = 16;

/// One layer an image needs.
#[derive(Debug)]
pub(crate) struct PlannedLayer {
    /// The member holding it (links between members followed).
    pub member: usize,
    /// Its blob digest, when the archive names one.
    pub digest: Option<String>,
    pub media_type: Option<String>,
}

/// One image of the archive.
#[derive(Debug)]
pub(crate) struct PlannedImage {
    pub tags: Vec<String>,
    pub manifest_digest: Option<String>,
    pub manifest_media_type: Option<String>,
    pub config_member: usize,
    pub config_digest: Option<String>,
    pub config: RawImageConfig,
    pub layers: Vec<PlannedLayer>,
    /// Its entry in [`Plan::platforms`], for an image read from the OCI index.
    pub platform: Option<usize>,
}

/// What stage 3 found.
#[derive(Debug)]
pub(crate) struct Plan {
    pub format: ArchiveFormat,
    pub images: Vec<PlannedImage>,
    pub platforms: Vec<PlatformEntry>,
    /// Members some manifest refers to (blobs outside it are reported as unreferenced).
    pub referenced: BTreeSet<usize>,
    pub warnings: Vec<Warning>,
}

/// Parses a JSON member.
///
/// # Errors
/// [`ImageError::BadJson`] naming the member, line and column.
pub(crate) fn parse_json<T: DeserializeOwned>(member: &str, bytes: &[u8]) -> Result<T, ImageError> {
    serde_json::from_slice(bytes).map_err(|e| ImageError::BadJson {
        member: member.to_owned(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })
}

pub(crate) fn warn(w: &mut Vec<Warning>, code: &str, message: String) {
    w.push(Warning { code: code.to_owned(), message, position: None });
}

/// Member lookup by path, following symlinks and hard links between members.
pub(crate) struct Resolver<'a> {
    members: &'a [Member],
    by_path: HashMap<&'a str, usize>,
}

impl<'a> Resolver<'a> {
    pub(crate) fn new(members: &'a [Member]) -> Self {
        let mut by_path = HashMap::new();
        for (i, m) in members.iter().enumerate() {
            by_path.insert(m.path.as_str(), i);
        }
        Resolver { members, by_path }
    }

    /// The member at `path`, links followed (at most [`MAX_MEMBER_LINKS`] of them).
    pub(crate) fn resolve(&self, path: &str) -> Option<usize> {
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

    /// The bytes of JSON member `i`.
    fn json(&self, i: usize) -> Result<&'a [u8], ImageError> {
        let m = self.members.get(i).ok_or_else(|| ImageError::NotFound { what: "such member".into() })?;
        match &m.json {
            Some(j) => Ok(j),
            None if m.size > MAX_JSON => Err(ImageError::LimitExceeded {
                at: super::error::Position::file(m.offset),
                what: format!("the JSON member {} ({} bytes)", m.path, m.size),
                limit: MAX_JSON,
            }),
            None => Err(ImageError::BadJson {
                member: m.path.clone(),
                line: 1,
                column: 1,
                message: "it does not start like JSON".into(),
            }),
        }
    }

    /// Parses member `i` as JSON.
    fn parse<T: DeserializeOwned>(&self, i: usize) -> Result<T, ImageError> {
        let path = self.members.get(i).map_or("", |m| m.path.as_str());
        parse_json(path, self.json(i)?)
    }
}

/// An OCI image manifest the index named that is not (wholly) in the archive.
struct MissingBlob {
    /// The digest the index or a manifest names.
    digest: String,
}

/// What walking the OCI index gives.
#[derive(Default)]
struct OciView {
    images: Vec<PlannedImage>,
    platforms: Vec<PlatformEntry>,
    missing: Vec<MissingBlob>,
}

/// Stage 3: the plan of the archive whose members stage 2 listed.
///
/// # Errors
/// [`ImageError::MissingManifest`] when no manifest names an image, [`ImageError::MissingMember`]
/// when one names a member the archive lacks, [`ImageError::BadJson`] and
/// [`ImageError::LimitExceeded`] for JSON members that cannot be read.
pub(crate) fn plan(members: &[Member]) -> Result<Plan, ImageError> {
    let r = Resolver::new(members);
    let mut warnings = Vec::new();
    let mut referenced: BTreeSet<usize> = BTreeSet::new();
    let docker_items: Option<Vec<RawDockerManifestItem>> = match r.resolve("manifest.json") {
        Some(mi) => {
            referenced.insert(mi);
            r.parse::<Option<Vec<RawDockerManifestItem>>>(mi)?
        }
        None => None,
    };
    let oci_index: Option<RawManifest> = match r.resolve("index.json") {
        Some(mi) => {
            referenced.insert(mi);
            Some(r.parse(mi)?)
        }
        None => None,
    };
    for name in ["oci-layout", "repositories"] {
        if let Some(mi) = r.resolve(name) {
            referenced.insert(mi);
        }
    }
    let has_docker = docker_items.as_ref().is_some_and(|v| !v.is_empty());
    // The OCI view: always walked when present (it lists platforms and manifest digests).
    let mut oci = OciView::default();
    if let Some(idx) = &oci_index {
        match &idx.manifests {
            Some(ms) => {
                for d in ms {
                    walk_oci(&r, d, 0, None, &mut oci, &mut warnings, &mut referenced)?;
                }
            }
            None => warn(
                &mut warnings,
                "index_without_manifests",
                if has_docker {
                    "index.json lists no manifests (\"manifests\": null, as some Docker 25 saves write); images were read from manifest.json".into()
                } else {
                    "index.json lists no manifests (\"manifests\": null)".into()
                },
            ),
        }
    }
    let format = match (has_docker, oci_index.is_some()) {
        (true, true) => ArchiveFormat::OciWithDockerManifest,
        (true, false) => ArchiveFormat::DockerArchive,
        (false, true) => ArchiveFormat::OciLayout,
        (false, false) => return Err(no_manifest(&r, docker_items.as_ref())),
    };
    let images = match docker_items.filter(|v| !v.is_empty()) {
        Some(items) => docker_images(&r, &items, &oci.images, &mut warnings, &mut referenced)?,
        None if oci.images.is_empty() => {
            return Err(match oci.missing.into_iter().next() {
                Some(m) => ImageError::MissingMember { member: m.digest, referenced_by: "index.json".into() },
                // The indexes it names went deeper than is followed: say that, not "none".
                None => match warnings.iter().find(|w| w.code == "index_too_deep") {
                    Some(w) => ImageError::MissingManifest { detail: format!("index.json names no image manifest that was reached: {}", w.message) },
                    None => ImageError::MissingManifest { detail: "index.json names no image manifest".into() },
                },
            });
        }
        None => oci.images,
    };
    Ok(Plan { format, images, platforms: oci.platforms, referenced, warnings })
}

/// Why an archive with neither view holds no image.
fn no_manifest(r: &Resolver<'_>, docker_items: Option<&Vec<RawDockerManifestItem>>) -> ImageError {
    let detail = match (docker_items, r.resolve("manifest.json")) {
        (_, None) if r.resolve("repositories").is_some() => {
            "it has no manifest.json and no index.json (only a pre-Docker-1.10 repositories file, which is not supported)"
        }
        (_, None) => "it has no manifest.json and no index.json",
        (None, Some(_)) => "manifest.json is null",
        (Some(_), Some(_)) => "manifest.json is an empty list",
    };
    ImageError::MissingManifest { detail: detail.to_owned() }
}

/// The images `manifest.json` lists, completed from the OCI view where their configs match.
fn docker_images(
    r: &Resolver<'_>,
    items: &[RawDockerManifestItem],
    oci_images: &[PlannedImage],
    warnings: &mut Vec<Warning>,
    referenced: &mut BTreeSet<usize>,
) -> Result<Vec<PlannedImage>, ImageError> {
    let mut images = Vec::new();
    for (n, item) in items.iter().enumerate() {
        let cpath = item.config.clone().ok_or_else(|| ImageError::BadJson {
            member: "manifest.json".into(),
            line: 1,
            column: 1,
            message: format!("item {n} has no Config"),
        })?;
        let cmi = r.resolve(&cpath).ok_or_else(|| ImageError::MissingMember {
            member: cpath.clone(),
            referenced_by: "manifest.json".into(),
        })?;
        referenced.insert(cmi);
        let config_digest = config::digest_from_member(&cpath);
        let oci_match = oci_images.iter().find(|p| p.config_digest.is_some() && p.config_digest == config_digest);
        let mut layers = Vec::new();
        let mut seen = BTreeSet::new();
        for (pos, lpath) in item.layers.iter().flatten().enumerate() {
            let li = r.resolve(lpath).ok_or_else(|| ImageError::MissingMember {
                member: lpath.clone(),
                referenced_by: "manifest.json".into(),
            })?;
            referenced.insert(li);
            if !seen.insert(li) {
                warn(warnings, "layer_listed_twice", format!("manifest.json item {n} lists layer {lpath} more than once"));
            }
            let from_oci = oci_match.and_then(|p| p.layers.get(pos));
            let digest = config::digest_from_member(lpath)
                .filter(|_| lpath.starts_with("blobs/"))
                .or_else(|| from_oci.and_then(|l| l.digest.clone()));
            let media_type = digest
                .as_ref()
                .and_then(|d| item.layer_sources.as_ref().and_then(|s| s.get(d)).and_then(|s| s.media_type.clone()))
                .or_else(|| from_oci.and_then(|l| l.media_type.clone()));
            layers.push(PlannedLayer { member: li, digest, media_type });
        }
        let mut tags = item.repo_tags.clone().unwrap_or_default();
        if tags.is_empty() {
            if let Some(p) = oci_match {
                tags.clone_from(&p.tags);
            }
        }
        images.push(PlannedImage {
            tags,
            manifest_digest: oci_match.and_then(|p| p.manifest_digest.clone()),
            manifest_media_type: oci_match
                .and_then(|p| p.manifest_media_type.clone())
                .or_else(|| Some("application/vnd.docker.distribution.manifest.v2+json".to_owned())),
            config_member: cmi,
            config_digest,
            config: r.parse(cmi)?,
            layers,
            platform: oci_match.and_then(|p| p.platform),
        });
    }
    Ok(images)
}

fn ref_name(d: &RawDescriptor) -> Option<String> {
    let a = d.annotations.as_ref()?;
    a.get("io.containerd.image.name").or_else(|| a.get("org.opencontainers.image.ref.name")).cloned()
}

/// Follows one OCI descriptor: a nested index (to [`MAX_INDEX_DEPTH`]) or an image manifest.
fn walk_oci(
    r: &Resolver<'_>,
    desc: &RawDescriptor,
    depth: usize,
    parent_ref: Option<String>,
    oci: &mut OciView,
    warnings: &mut Vec<Warning>,
    referenced: &mut BTreeSet<usize>,
) -> Result<(), ImageError> {
    let digest = desc.digest.clone().unwrap_or_default();
    let rname = ref_name(desc).or(parent_ref);
    let pi = oci.platforms.len();
    oci.platforms.push(PlatformEntry {
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
        warn(warnings, "bad_digest", format!("an index entry has an invalid digest {digest}"));
        return Ok(());
    };
    let Some(mi) = r.resolve(&path) else {
        warn(
            warnings,
            "missing_blob",
            format!("the manifest {digest} named by the index is not in the archive (a partial multi-platform save?)"),
        );
        oci.missing.push(MissingBlob { digest });
        return Ok(());
    };
    referenced.insert(mi);
    if let Some(p) = oci.platforms.get_mut(pi) {
        p.present = true;
    }
    let m: RawManifest = r.parse(mi)?;
    if let Some(children) = &m.manifests {
        if depth >= MAX_INDEX_DEPTH {
            warn(warnings, "index_too_deep", format!("nested indexes deeper than {MAX_INDEX_DEPTH} at {digest} were not followed"));
            return Ok(());
        }
        for c in children {
            walk_oci(r, c, depth + 1, rname.clone(), oci, warnings, referenced)?;
        }
        return Ok(());
    }
    let Some(cfg) = &m.config else {
        warn(warnings, "not_a_manifest", format!("{digest} is neither an image manifest nor an index"));
        return Ok(());
    };
    let cdigest = cfg.digest.clone().unwrap_or_default();
    let Some(cmi) = config::digest_blob_path(&cdigest).and_then(|p| r.resolve(&p)) else {
        warn(warnings, "missing_blob", format!("the config {cdigest} of manifest {digest} is not in the archive; image skipped"));
        oci.missing.push(MissingBlob { digest: cdigest });
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
                layers.push(PlannedLayer { member: li, digest: Some(ld), media_type: l.media_type.clone() });
            }
            None => missing.push(ld),
        }
    }
    if !missing.is_empty() {
        warn(
            warnings,
            "missing_blob",
            format!("manifest {digest} names layers absent from the archive ({}); image skipped", missing.join(", ")),
        );
        oci.missing.extend(missing.into_iter().map(|digest| MissingBlob { digest }));
        return Ok(());
    }
    oci.images.push(PlannedImage {
        tags: rname.into_iter().collect(),
        manifest_digest: Some(digest),
        manifest_media_type: m.media_type.clone().or_else(|| desc.media_type.clone()),
        config_member: cmi,
        config_digest: Some(cdigest),
        config: r.parse(cmi)?,
        layers,
        platform: Some(pi),
    });
    Ok(())
}

/// Fuzzing entry (not an API): parses `bytes` as each JSON document the archive reader reads
/// (`manifest.json`, an OCI index or manifest, an image config) and builds the model from a
/// config, exactly as [`analyze`](super::analyze) does. Used by `fuzz/fuzz_targets/json.rs`, which checks the
/// model it returns when `bytes` read as an image config: the container config, the history
/// steps, and per layer (as many as the config's `diff_ids`) the step that made it.
#[doc(hidden)]
pub fn fuzz_json(bytes: &[u8]) -> Option<(super::report::ContainerConfig, Vec<super::report::HistoryStep>, Vec<Option<usize>>)> {
    use super::config::{RawDockerManifestItem, RawImageConfig, RawManifest};
    if let Ok(Some(items)) =
        parse_json::<Option<Vec<RawDockerManifestItem>>>("manifest.json", bytes)
    {
        for d in items
            .iter()
            .filter_map(|i| i.layer_sources.as_ref())
            .flat_map(|s| s.keys())
        {
            let _ = super::config::digest_blob_path(d);
        }
    }
    if let Ok(m) = parse_json::<RawManifest>("index.json", bytes) {
        let descs = m
            .manifests
            .iter()
            .chain(m.layers.iter())
            .flatten()
            .chain(m.config.iter());
        for d in descs {
            if let Some(digest) = &d.digest {
                if let Some(p) = super::config::digest_blob_path(digest) {
                    let _ = super::config::digest_from_member(&p);
                }
            }
        }
    }
    let c = parse_json::<RawImageConfig>("config.json", bytes).ok()?;
    let container = super::config::container_config(c.config.as_ref());
    let hist = c.history.unwrap_or_default();
    let layers = c.rootfs.and_then(|r| r.diff_ids).map_or(0, |d| d.len());
    let (steps, per_layer) = super::config::history(&hist, layers);
    Some((container, steps, per_layer))
}
