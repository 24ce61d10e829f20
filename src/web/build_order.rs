//! What the Build page asks a worker to build ([`BuildOrder`]) and what it hears back
//! ([`BuiltSummary`]), and the one conversion of an order into the core's
//! [`BuildSpec`] — used by the page to check paths before building and by the worker to build,
//! so both see the same sentence.
//!
//! Files travel as one `File` beside the order: the page concatenates the rootfs tarball (first,
//! `rootfs_len` bytes) and the files chosen from disk into one `Blob` (no bytes are copied; a
//! `Blob` made of `File`s refers to them), and each added file names its byte range of it.

use crate::core::build::{BuildSpec, Change, ConfigSpec, Format, Platform};
use serde::{Deserialize, Serialize};

/// A build as the page asks for it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct BuildOrder {
    /// An OCI image layout instead of a docker-archive.
    pub oci: bool,
    pub gzip: bool,
    pub tags: Vec<String>,
    pub changes: Vec<ChangeOrder>,
    pub cmd: Option<Vec<String>>,
    pub entrypoint: Option<Vec<String>>,
    pub env: Vec<String>,
    pub working_dir: Option<String>,
    pub user: Option<String>,
    pub exposed_ports: Vec<String>,
    pub volumes: Vec<String>,
    pub labels: Vec<(String, String)>,
    pub stop_signal: Option<String>,
    /// `OS/ARCH[/VARIANT]`.
    pub platform: Option<String>,
    pub created_by: Option<String>,
    /// RFC 3339; `None`: the core's fixed time.
    pub created: Option<String>,
    /// Build on image N of the archive open in this worker.
    pub base_image: Option<usize>,
    /// The attached file starts with a rootfs tarball of this many bytes.
    pub rootfs_len: Option<u64>,
}

/// One change to the new top layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ChangeOrder {
    File { path: String, content: Content, mode: u32, uid: u64, gid: u64 },
    Dir { path: String, mode: u32, uid: u64, gid: u64 },
    Symlink { path: String, target: String, uid: u64, gid: u64 },
    Delete { path: String },
    Opaque { path: String },
}

/// An added file's bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Content {
    /// Typed on the page.
    Text(String),
    /// `len` bytes of the attached file from `offset` (a file chosen from disk).
    Attached { offset: u64, len: u64 },
}

/// What was built (the archive itself rides beside the message as a `File`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BuiltSummary {
    pub len: u64,
    pub manifest_digest: String,
    pub config_digest: String,
    pub layers: Vec<String>,
    pub tags: Vec<String>,
    /// The suggested download name (`image.tar`, `image-oci.tar`).
    pub file_name: String,
    /// The build worker's wasm memory when it answered (its peak: wasm memory never shrinks).
    pub worker_memory: u64,
}

impl BuildOrder {
    /// The core's spec; `attached` gives the bytes of an attached range (the page, which only
    /// checks, passes empty ones).
    ///
    /// # Errors
    /// A sentence: a bad platform, or what `attached` says.
    pub fn spec(&self, attached: &mut dyn FnMut(u64, u64) -> Result<Vec<u8>, String>) -> Result<BuildSpec, String> {
        let platform = self.platform.as_deref().map(Platform::parse).transpose().map_err(|e| e.to_string())?;
        let mut changes = Vec::with_capacity(self.changes.len());
        for c in &self.changes {
            changes.push(match c {
                ChangeOrder::File { path, content, mode, uid, gid } => {
                    let body = match content {
                        Content::Text(text) => text.as_bytes().to_vec(),
                        Content::Attached { offset, len } => attached(*offset, *len)?,
                    };
                    Change::File { path: path.clone(), body, mode: *mode, uid: *uid, gid: *gid }
                }
                ChangeOrder::Dir { path, mode, uid, gid } => Change::Dir { path: path.clone(), mode: *mode, uid: *uid, gid: *gid },
                ChangeOrder::Symlink { path, target, uid, gid } => {
                    Change::Symlink { path: path.clone(), target: target.clone(), uid: *uid, gid: *gid }
                }
                ChangeOrder::Delete { path } => Change::Delete { path: path.clone() },
                ChangeOrder::Opaque { path } => Change::Opaque { path: path.clone() },
            });
        }
        Ok(BuildSpec {
            format: if self.oci { Format::Oci } else { Format::Docker },
            gzip: self.gzip,
            tags: self.tags.clone(),
            changes,
            config: ConfigSpec {
                cmd: self.cmd.clone(),
                entrypoint: self.entrypoint.clone(),
                env: self.env.clone(),
                working_dir: self.working_dir.clone(),
                user: self.user.clone(),
                exposed_ports: self.exposed_ports.clone(),
                volumes: self.volumes.clone(),
                labels: self.labels.clone(),
                stop_signal: self.stop_signal.clone(),
                platform,
            },
            created_by: self.created_by.clone(),
            created: self.created.clone(),
        })
    }

    /// The first problem the core finds before reading any input (paths, tags, the time, the
    /// platform), as a sentence; attached files count as empty here.
    pub fn precheck(&self) -> Option<String> {
        let spec = match self.spec(&mut |_, _| Ok(Vec::new())) {
            Ok(spec) => spec,
            Err(e) => return Some(sentence(&e)),
        };
        if let Err(e) = spec.check() {
            return Some(sentence(&e.to_string()));
        }
        for t in &spec.tags {
            if let Err(e) = crate::core::build::Reference::parse(t) {
                return Some(sentence(&e.to_string()));
            }
        }
        None
    }
}

/// A core message as a sentence: its first letter capitalised.
pub fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
