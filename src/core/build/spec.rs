//! What a user asks to build: the changes to the top layer, the config, the tags and the output
//! format — checked before anything is written ([`BuildSpec::check`]).

use super::error::BuildError;
use std::collections::BTreeSet;

/// Most bytes all added files may hold together: they are held in memory (the rootfs tarball
/// and the base image's layers are not; they stay in the user's files).
pub const MAX_ADDED_BYTES: u64 = 256 << 20;
/// Most changes (files, directories, links, deletions) one build takes.
pub const MAX_CHANGES: usize = 100_000;
/// Longest path, in bytes (Linux's PATH_MAX).
pub const MAX_PATH: usize = 4096;

/// The archive layout written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// What `docker save` writes since Docker 25: `manifest.json` and `repositories` for every
    /// `docker load`, beside an OCI layout (`index.json`, `oci-layout`, `blobs/sha256/…`).
    #[default]
    Docker,
    /// An OCI image layout (`oci-layout`, `index.json`, `blobs/sha256/…`) as one tar, what
    /// `skopeo copy … oci-archive:` writes.
    Oci,
}

impl Format {
    /// `docker` or `oci`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Docker => "docker",
            Format::Oci => "oci",
        }
    }
}

/// One change to the new top layer. Paths are inside the image (`/etc/release` or
/// `etc/release`); owners and modes default to root and 0644 / 0755 / 0777.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A regular file with these bytes.
    File { path: String, body: Vec<u8>, mode: u32, uid: u64, gid: u64 },
    /// A directory.
    Dir { path: String, mode: u32, uid: u64, gid: u64 },
    /// A symbolic link to `target` (written as given: relative or absolute).
    Symlink { path: String, target: String, uid: u64, gid: u64 },
    /// Removes a path of the layers below: a whiteout `.wh.NAME` beside it.
    Delete { path: String },
    /// Hides everything the layers below hold under this directory (an opaque whiteout
    /// `DIR/.wh..wh..opq`), so that the entries added under it replace it.
    Opaque { path: String },
}

impl Change {
    /// The path as the user gave it.
    pub fn path(&self) -> &str {
        match self {
            Change::File { path, .. }
            | Change::Dir { path, .. }
            | Change::Symlink { path, .. }
            | Change::Delete { path }
            | Change::Opaque { path } => path,
        }
    }
}

/// The image's platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    pub os: String,
    pub architecture: String,
    pub variant: Option<String>,
}

impl Platform {
    /// `OS/ARCH[/VARIANT]`, as `docker --platform` takes it.
    ///
    /// # Errors
    /// A sentence when the text has not two or three non-empty parts.
    pub fn parse(text: &str) -> Result<Platform, BuildError> {
        let parts: Vec<&str> = text.split('/').collect();
        match parts.as_slice() {
            [os, arch] if !os.is_empty() && !arch.is_empty() => {
                Ok(Platform { os: (*os).to_owned(), architecture: (*arch).to_owned(), variant: None })
            }
            [os, arch, v] if !os.is_empty() && !arch.is_empty() && !v.is_empty() => {
                Ok(Platform { os: (*os).to_owned(), architecture: (*arch).to_owned(), variant: Some((*v).to_owned()) })
            }
            _ => Err(BuildError::Invalid(format!("the platform {text} is not OS/ARCH or OS/ARCH/VARIANT (linux/amd64, linux/arm64/v8)"))),
        }
    }
}

impl Default for Platform {
    fn default() -> Platform {
        Platform { os: "linux".into(), architecture: "amd64".into(), variant: None }
    }
}

/// The config fields a user may set; `None` keeps the base image's (or leaves it out).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConfigSpec {
    pub cmd: Option<Vec<String>>,
    pub entrypoint: Option<Vec<String>>,
    /// `KEY=VALUE`; a key the base image sets is replaced in place.
    pub env: Vec<String>,
    pub working_dir: Option<String>,
    pub user: Option<String>,
    /// `80/tcp`, `53/udp` (a bare number means tcp).
    pub exposed_ports: Vec<String>,
    pub volumes: Vec<String>,
    pub labels: Vec<(String, String)>,
    pub stop_signal: Option<String>,
    /// `None`: the base image's platform, or linux/amd64.
    pub platform: Option<Platform>,
}

/// Everything a build needs besides its input files.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BuildSpec {
    pub format: Format,
    /// Compress the layer Tarsier writes with gzip (the rootfs and the base layers are kept
    /// as they are).
    pub gzip: bool,
    /// `name:tag` references; a name without a tag gets `:latest`.
    pub tags: Vec<String>,
    pub changes: Vec<Change>,
    pub config: ConfigSpec,
    /// The history line's `created_by`; by default one saying what Tarsier did.
    pub created_by: Option<String>,
    /// RFC 3339 creation time of the image and of every entry Tarsier writes; by default
    /// [`FIXED_TIME`], so that the same inputs give the same bytes.
    pub created: Option<String>,
}

/// The creation time used unless the user sets one: the Unix epoch, as reproducible-build
/// tools (`SOURCE_DATE_EPOCH=0`) and `ko`/`crane` use.
pub const FIXED_TIME: &str = "1970-01-01T00:00:00Z";

/// A change's path made canonical: no leading `/` or `./`, no empty or `.` components, no `..`.
///
/// # Errors
/// A sentence naming the path when it escapes (`..`), is empty or the root, names a whiteout
/// itself, holds a NUL byte or is longer than [`MAX_PATH`].
///
/// ```
/// use tarsier::core::build::clean_path;
/// assert_eq!(clean_path("/etc//release").unwrap(), "etc/release");
/// assert!(clean_path("../etc/passwd").is_err());
/// ```
pub fn clean_path(path: &str) -> Result<String, BuildError> {
    let bad = |why: &str| Err(BuildError::Invalid(format!("the path {} {why}", path.escape_debug())));
    if path.len() > MAX_PATH {
        return bad(&format!("is longer than {MAX_PATH} bytes"));
    }
    if path.contains('\0') {
        return bad("holds a NUL byte");
    }
    let mut parts = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => return bad("climbs out with \"..\": paths stay inside the image"),
            p if p.starts_with(".wh.") => return bad("is a whiteout name; delete the path instead"),
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return bad("names the image's root; give a path inside it");
    }
    Ok(parts.join("/"))
}

impl BuildSpec {
    /// Checks paths (clean, no duplicates, nothing added under a deleted path), sizes and the
    /// creation time; the changes with their paths made canonical.
    ///
    /// # Errors
    /// The first problem, as one sentence.
    pub fn check(&self) -> Result<Vec<Change>, BuildError> {
        if self.changes.len() > MAX_CHANGES {
            return Err(BuildError::Invalid(format!("{} changes; at most {MAX_CHANGES} are taken", self.changes.len())));
        }
        super::time::parse_rfc3339(self.created.as_deref().unwrap_or(FIXED_TIME))?;
        let mut added: u64 = 0;
        let mut out = Vec::with_capacity(self.changes.len());
        for c in &self.changes {
            if let Change::File { body, .. } = c {
                added = added.saturating_add(body.len() as u64);
                if added > MAX_ADDED_BYTES {
                    return Err(BuildError::Invalid(format!(
                        "the added files hold more than {} MiB; add big trees as a rootfs tarball",
                        MAX_ADDED_BYTES >> 20
                    )));
                }
            }
            out.push(with_path(c, clean_path(c.path())?));
        }
        check_conflicts(&out)?;
        Ok(out)
    }
}

/// No path twice (an opaque whiteout may sit beside its own directory), and nothing written at
/// or under a deleted path.
fn check_conflicts(changes: &[Change]) -> Result<(), BuildError> {
    let mut seen = BTreeSet::new();
    let mut deleted = Vec::new();
    for c in changes {
        let opaque = matches!(c, Change::Opaque { .. });
        if !seen.insert((c.path(), opaque)) {
            return Err(BuildError::Invalid(format!("the path {} is given twice", c.path())));
        }
        if matches!(c, Change::Delete { .. }) {
            deleted.push(c.path());
        }
    }
    for c in changes.iter().filter(|c| !matches!(c, Change::Delete { .. })) {
        let p = c.path();
        if let Some(d) = deleted.iter().find(|d| p == **d || p.strip_prefix(**d).is_some_and(|rest| rest.starts_with('/'))) {
            return Err(BuildError::Invalid(format!(
                "{p} is written, but {d} is deleted: to replace a directory's content, use an opaque whiteout (replace) instead"
            )));
        }
    }
    Ok(())
}

fn with_path(c: &Change, path: String) -> Change {
    match c.clone() {
        Change::File { body, mode, uid, gid, .. } => Change::File { path, body, mode, uid, gid },
        Change::Dir { mode, uid, gid, .. } => Change::Dir { path, mode, uid, gid },
        Change::Symlink { target, uid, gid, .. } => Change::Symlink { path, target, uid, gid },
        Change::Delete { .. } => Change::Delete { path },
        Change::Opaque { .. } => Change::Opaque { path },
    }
}
