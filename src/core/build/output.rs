//! The archive as a list of parts: new bytes (headers, JSON, the new layer) and byte ranges of
//! the user's files (base layers, the rootfs tarball), which the CLI copies into a file and the
//! page turns into `new Blob([...])` over `File.slice`s — so the big bytes are never copied
//! into memory. Layouts: Docker ≥ 25's `docker save` (OCI layout plus `manifest.json` and
//! `repositories`) and the OCI image layout (image-spec `image-layout.md`).

use super::base::BaseLayer;
use crate::core::sha::sha256_hex;
use super::reference::Reference;
use super::spec::Format;
use super::tar_write::{header, padding, EntryMeta, END};
use crate::core::image::Compression;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use tar::EntryType;

pub const MEDIA_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const MEDIA_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const MEDIA_CONFIG: &str = "application/vnd.oci.image.config.v1+json";

/// One piece of the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Bytes the build made.
    Bytes(Vec<u8>),
    /// `len` bytes of the base archive from `offset`.
    Base { offset: u64, len: u64 },
    /// `len` bytes of the rootfs tarball from `offset`.
    Rootfs { offset: u64, len: u64 },
}

impl Part {
    pub fn len(&self) -> u64 {
        match self {
            Part::Bytes(b) => b.len() as u64,
            Part::Base { len, .. } | Part::Rootfs { len, .. } => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Where a layer blob's bytes come from.
#[derive(Debug, Clone)]
pub enum LayerSource {
    Base(BaseLayer),
    Rootfs { size: u64 },
    New(Vec<u8>),
}

/// A layer of the image being written.
#[derive(Debug, Clone)]
pub struct OutLayer {
    pub digest: String,
    pub compression: Compression,
    pub source: LayerSource,
}

impl OutLayer {
    fn size(&self) -> u64 {
        match &self.source {
            LayerSource::Base(b) => b.span.size,
            LayerSource::Rootfs { size } => *size,
            LayerSource::New(bytes) => bytes.len() as u64,
        }
    }

    fn media_type(&self) -> &'static str {
        match self.compression {
            Compression::None => "application/vnd.oci.image.layer.v1.tar",
            Compression::Gzip => "application/vnd.oci.image.layer.v1.tar+gzip",
            Compression::Zstd => "application/vnd.oci.image.layer.v1.tar+zstd",
        }
    }

    fn parts(&self) -> Part {
        match &self.source {
            LayerSource::Base(b) => Part::Base { offset: b.span.offset, len: b.span.size },
            LayerSource::Rootfs { size } => Part::Rootfs { offset: 0, len: *size },
            LayerSource::New(bytes) => Part::Bytes(bytes.clone()),
        }
    }
}

/// What was written, for the user and the tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built {
    pub parts: Vec<Part>,
    /// The archive's length (the sum of the parts).
    pub len: u64,
    pub manifest_digest: String,
    pub config_digest: String,
    /// Layer blob digests, bottom first.
    pub layers: Vec<String>,
    pub tags: Vec<String>,
}

/// Writes the archive around `layers` and `config`.
pub fn write_archive(format: Format, layers: &[OutLayer], config: Vec<u8>, tags: &[Reference], mtime: u64) -> Built {
    let config_digest = sha256_hex(&config);
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": MEDIA_MANIFEST,
        "config": { "mediaType": MEDIA_CONFIG, "digest": config_digest, "size": config.len() },
        "layers": layers.iter().map(|l| json!({ "mediaType": l.media_type(), "digest": l.digest, "size": l.size() })).collect::<Vec<_>>(),
    });
    let manifest = json_bytes(&manifest);
    let manifest_digest = sha256_hex(&manifest);
    let mut out = Parts::new(mtime);
    out.dir("blobs/");
    out.dir("blobs/sha256/");
    let mut written = BTreeSet::new();
    for l in layers {
        // Two equal layers (two empty ones) are one blob.
        if written.insert(l.digest.clone()) {
            out.member(&blob_path(&l.digest), l.size(), l.parts());
        }
    }
    for (digest, bytes) in [(&config_digest, config.clone()), (&manifest_digest, manifest.clone())] {
        if written.insert(digest.clone()) {
            out.member(&blob_path(digest), bytes.len() as u64, Part::Bytes(bytes));
        }
    }
    let index = index_json(format, &manifest_digest, manifest.len(), tags);
    out.file("index.json", json_bytes(&index));
    if format == Format::Docker {
        let docker = json!([{
            "Config": blob_path(&config_digest),
            "RepoTags": tags.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "Layers": layers.iter().map(|l| blob_path(&l.digest)).collect::<Vec<_>>(),
        }]);
        out.file("manifest.json", json_bytes(&docker));
    }
    out.file("oci-layout", json_bytes(&json!({ "imageLayoutVersion": "1.0.0" })));
    if format == Format::Docker && !tags.is_empty() {
        out.file("repositories", json_bytes(&repositories(tags, layers)));
    }
    let parts = out.finish();
    let len = parts.iter().fold(0u64, |sum, p| sum.saturating_add(p.len()));
    Built {
        parts,
        len,
        manifest_digest,
        config_digest,
        layers: layers.iter().map(|l| l.digest.clone()).collect(),
        tags: tags.iter().map(ToString::to_string).collect(),
    }
}

/// `index.json`: one manifest descriptor per tag (Docker names each with containerd's
/// `io.containerd.image.name` and the tag as `org.opencontainers.image.ref.name`; an OCI layout
/// with the tag alone, as skopeo writes it), or one without a name.
fn index_json(format: Format, digest: &str, size: usize, tags: &[Reference]) -> Value {
    let descriptor = |annotations: Option<Value>| {
        let mut d = json!({ "mediaType": MEDIA_MANIFEST, "digest": digest, "size": size });
        if let Some(a) = annotations {
            d["annotations"] = a;
        }
        d
    };
    let manifests: Vec<Value> = if tags.is_empty() {
        vec![descriptor(None)]
    } else {
        tags.iter()
            .map(|t| match format {
                Format::Docker => descriptor(Some(json!({ "io.containerd.image.name": t.containerd_name(), "org.opencontainers.image.ref.name": t.tag }))),
                Format::Oci => descriptor(Some(json!({ "org.opencontainers.image.ref.name": t.tag }))),
            })
            .collect()
    };
    json!({ "schemaVersion": 2, "mediaType": MEDIA_INDEX, "manifests": manifests })
}

/// The legacy `repositories` file: each repository's tags → the top layer's id (its hex digest).
fn repositories(tags: &[Reference], layers: &[OutLayer]) -> Value {
    let top = layers.last().map(|l| l.digest.trim_start_matches("sha256:").to_owned()).unwrap_or_default();
    let mut repos = serde_json::Map::new();
    for t in tags {
        let entry = repos.entry(t.name.clone()).or_insert_with(|| json!({}));
        entry[&t.tag] = json!(top);
    }
    Value::Object(repos)
}

fn blob_path(digest: &str) -> String {
    format!("blobs/sha256/{}", digest.trim_start_matches("sha256:"))
}

fn json_bytes(v: &Value) -> Vec<u8> {
    // A Value's maps are BTreeMaps: sorted keys, so the same content gives the same bytes.
    v.to_string().into_bytes()
}

/// The outer tar being written, merging neighbouring new bytes into one part.
struct Parts {
    parts: Vec<Part>,
    mtime: u64,
}

impl Parts {
    fn new(mtime: u64) -> Parts {
        Parts { parts: Vec::new(), mtime }
    }

    fn push(&mut self, part: Part) {
        match (self.parts.last_mut(), part) {
            (Some(Part::Bytes(last)), Part::Bytes(b)) => last.extend_from_slice(&b),
            (_, part) if part.is_empty() => {}
            (_, part) => self.parts.push(part),
        }
    }

    fn dir(&mut self, path: &str) {
        let meta = EntryMeta { path, kind: EntryType::Directory, size: 0, mode: 0o755, uid: 0, gid: 0, mtime: self.mtime, link: None };
        self.push(Part::Bytes(header(&meta)));
    }

    fn member(&mut self, path: &str, size: u64, body: Part) {
        let meta = EntryMeta { path, kind: EntryType::Regular, size, mode: 0o644, uid: 0, gid: 0, mtime: self.mtime, link: None };
        self.push(Part::Bytes(header(&meta)));
        self.push(body);
        self.push(Part::Bytes(vec![0; padding(size)]));
    }

    fn file(&mut self, path: &str, bytes: Vec<u8>) {
        self.member(path, bytes.len() as u64, Part::Bytes(bytes));
    }

    fn finish(mut self) -> Vec<Part> {
        self.push(Part::Bytes(END.to_vec()));
        self.parts
    }
}
