//! The serializable report: what `tarsier inspect --json` prints and what the browser worker
//! sends to the UI. Field names are the JSON names (snake_case); `docs/report-schema.md`
//! documents them. No `u128`, no non-string map keys.

use super::source::Compression;
use super::xattr::FileCaps;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Layout of the archive, detected by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArchiveFormat {
    /// `docker save` / `podman save --format docker-archive`: `manifest.json` only.
    DockerArchive,
    /// OCI image layout (`oci-layout`, `index.json`, `blobs/`), no `manifest.json`.
    OciLayout,
    /// Both: OCI layout plus the compat `manifest.json` (Docker ≥ 25).
    OciWithDockerManifest,
}

/// The whole report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub archive: ArchiveInfo,
    pub images: Vec<ImageReport>,
    /// Every layer blob used by an image, once (images share layers by index).
    pub layers: Vec<LayerReport>,
    /// Entries of the OCI index (all platforms), including those whose blobs are absent.
    pub platforms: Vec<PlatformEntry>,
    pub warnings: Vec<Warning>,
}

/// Facts about the archive file itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ArchiveInfo {
    pub name: String,
    /// Size of the input in bytes.
    pub size: u64,
    /// Compression of the whole archive (`none` for a plain tar).
    pub compression: Compression,
    pub format: ArchiveFormat,
    /// Members of the outer tar.
    pub members: u64,
    /// Files counted over every layer indexed.
    pub files_indexed: u64,
}

/// One image (one `manifest.json` item or one OCI image manifest).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImageReport {
    pub index: usize,
    /// `RepoTags`, or OCI `org.opencontainers.image.ref.name` / `io.containerd.image.name`.
    pub tags: Vec<String>,
    pub manifest_digest: Option<String>,
    pub manifest_media_type: Option<String>,
    pub config_digest: Option<String>,
    /// Member path of the config blob in the archive.
    pub config_member: String,
    pub os: Option<String>,
    pub architecture: Option<String>,
    pub variant: Option<String>,
    pub created: Option<String>,
    pub author: Option<String>,
    pub config: ContainerConfig,
    pub history: Vec<HistoryStep>,
    /// The image's layers, bottom first.
    pub layers: Vec<ImageLayer>,
    pub merged: MergedStats,
    pub efficiency: Efficiency,
    pub findings: Vec<Finding>,
    /// Packages present in the final image.
    pub packages: Vec<Package>,
    /// Packages a layer added and a later layer removed (each with `removed_in`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed_packages: Vec<Package>,
    /// What the image says it is (`/etc/os-release`), when it says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_release: Option<OsRelease>,
}

/// The runtime part of the image config (`config` in the OCI/Docker image config JSON).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ContainerConfig {
    pub user: Option<String>,
    pub env: Vec<String>,
    pub entrypoint: Option<Vec<String>>,
    pub cmd: Option<Vec<String>>,
    pub working_dir: Option<String>,
    pub exposed_ports: Vec<String>,
    pub volumes: Vec<String>,
    pub labels: BTreeMap<String, String>,
    pub stop_signal: Option<String>,
    pub healthcheck: Option<Healthcheck>,
    pub on_build: Vec<String>,
    pub shell: Option<Vec<String>>,
}

/// `Healthcheck` (durations in nanoseconds, as in the config).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Healthcheck {
    pub test: Vec<String>,
    pub interval_ns: Option<i64>,
    pub timeout_ns: Option<i64>,
    pub start_period_ns: Option<i64>,
    pub start_interval_ns: Option<i64>,
    pub retries: Option<i64>,
}

/// One `history` item of the config.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HistoryStep {
    pub created: Option<String>,
    pub created_by: Option<String>,
    pub author: Option<String>,
    pub comment: Option<String>,
    pub empty_layer: bool,
    /// Position (in the image's `layers`) of the layer this step made; `None` for empty steps.
    pub layer: Option<usize>,
}

/// One of an image's layers, with what it changed in that image.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImageLayer {
    /// Index into `Report::layers`.
    pub layer: usize,
    pub diff_id: Option<String>,
    /// The `created_by` of the history step that made it.
    pub created_by: Option<String>,
    pub history: Option<usize>,
    pub changes: LayerChanges,
}

/// Per-layer change counts within one image.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LayerChanges {
    pub added: u64,
    pub modified: u64,
    pub deleted: u64,
    pub added_bytes: u64,
    pub modified_bytes: u64,
    pub deleted_bytes: u64,
    /// Bytes of this layer's files that later layers overwrite or delete.
    pub wasted_bytes: u64,
}

/// A layer blob.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LayerReport {
    pub index: usize,
    /// Member path in the archive (after following `layer.tar` symlinks).
    pub member: String,
    /// Member paths that referred to it (e.g. `<id>/layer.tar` symlinks).
    pub aliases: Vec<String>,
    /// Blob digest (`sha256:…`) when the archive names it (OCI blob path or descriptor).
    pub digest: Option<String>,
    pub diff_id: Option<String>,
    pub media_type: Option<String>,
    pub compression: Compression,
    pub compressed_size: u64,
    pub uncompressed_size: u64,
    pub entry_count: u64,
    pub counts: KindCounts,
    /// Images (by index) that use the layer.
    pub images: Vec<usize>,
}

/// Entries per kind.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct KindCounts {
    pub file: u64,
    pub dir: u64,
    pub symlink: u64,
    pub hardlink: u64,
    pub char: u64,
    pub block: u64,
    pub fifo: u64,
    pub whiteout: u64,
    pub opaque: u64,
    pub other: u64,
}

/// Kind of a layer entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    File,
    Dir,
    Symlink,
    Hardlink,
    Char,
    Block,
    Fifo,
    /// `.wh.<name>`: deletes `<name>` from lower layers.
    Whiteout,
    /// `.wh..wh..opq`: hides lower content of its directory.
    Opaque,
    /// AUFS metadata (`.wh..wh.plnk`, `.wh..wh.aufs`, …), ignored when merging.
    AufsMeta,
    /// A tar type flag the analyzer does not model (kept: the raw byte).
    Other(u8),
}

impl EntryKind {
    /// The `ls -l` type letter.
    pub fn letter(self) -> char {
        match self {
            EntryKind::File | EntryKind::Whiteout | EntryKind::Opaque | EntryKind::AufsMeta => '-',
            EntryKind::Dir => 'd',
            EntryKind::Symlink => 'l',
            EntryKind::Hardlink => 'h',
            EntryKind::Char => 'c',
            EntryKind::Block => 'b',
            EntryKind::Fifo => 'p',
            EntryKind::Other(_) => '?',
        }
    }
}

/// One extended attribute.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct XattrReport {
    pub name: String,
    pub size: usize,
    /// Value in base64.
    pub value_b64: String,
}

/// One layer entry, as serialized.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EntryReport {
    /// Normalized path (no leading `./` or `/`; root is ``), non-UTF-8 bytes shown as `\xNN`.
    pub path: String,
    /// The raw path bytes in base64, only when they are not valid UTF-8.
    pub path_b64: Option<String>,
    pub kind: EntryKind,
    pub size: u64,
    pub mode: u32,
    /// `ls -l` style mode string, e.g. `-rwsr-xr-x`.
    pub mode_str: String,
    pub uid: u64,
    pub gid: u64,
    pub uname: String,
    pub gname: String,
    pub mtime: i64,
    pub link_target: Option<String>,
    /// For whiteouts: the path they delete (for opaque markers: the directory).
    pub whiteout_target: Option<String>,
    pub device: Option<(u32, u32)>,
    pub xattrs: Vec<XattrReport>,
    pub capabilities: Option<FileCaps>,
    /// Offset of the body in the (uncompressed) layer tar.
    pub data_offset: u64,
    /// The layer ends inside this entry's body: `size` is what its header claims, and it is not
    /// counted as data anywhere.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cut_off: bool,
}

/// Status of a path in the merged view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MergedStatus {
    Present,
    /// Removed by a `.wh.` whiteout (or replaced parent).
    Deleted,
    /// Hidden by an opaque marker.
    Hidden,
}

/// What one layer did to one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    /// Created implicitly as the parent of an added entry.
    Implied,
    Modified,
    Deleted,
    Hidden,
}

/// A `(layer position, change)` pair in a path's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathChange {
    /// Position in the image's `layers`.
    pub layer: usize,
    pub change: ChangeKind,
}

/// One path of the merged filesystem.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MergedEntry {
    pub path: String,
    pub name: String,
    pub status: MergedStatus,
    pub kind: EntryKind,
    /// Size (for hard links: the target's size).
    pub size: u64,
    pub mode: u32,
    pub mode_str: String,
    pub uid: u64,
    pub gid: u64,
    /// Modification time (Unix seconds) from the entry that wrote it; `None` for a directory no
    /// layer lists (only implied by the paths below it).
    pub mtime: Option<i64>,
    pub link_target: Option<String>,
    /// Position of the layer that last wrote it (or deleted/hid it).
    pub layer: usize,
    /// Every change, bottom first.
    pub history: Vec<PathChange>,
    /// Directories: number of present children.
    pub children: u64,
    /// Directories: number of deleted or hidden children (listed when deleted paths are shown).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub gone_children: u64,
    /// Directories: the sum of the sizes of the present regular files below it at any depth
    /// (a hard link is not counted again), saturating. 0 for everything else.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub tree_bytes: u64,
    /// Directories: the number of present entries below it at any depth. 0 for everything else.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub tree_entries: u64,
    pub capabilities: Option<String>,
    /// The layer that wrote it ends inside its body (see [`EntryReport::cut_off`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cut_off: bool,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Merged filesystem totals for an image.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MergedStats {
    pub paths: u64,
    pub files: u64,
    pub dirs: u64,
    pub symlinks: u64,
    pub hardlinks: u64,
    pub others: u64,
    /// Sum of regular file sizes (hard links not double-counted).
    pub total_bytes: u64,
    pub deleted_paths: u64,
}

/// Space efficiency as dive computes it, plus plain wasted bytes.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Efficiency {
    /// dive's score: sum over paths of the smallest version / sum of all versions (1.0 if none).
    pub score: f64,
    /// Bytes of files written by a layer and later overwritten or deleted.
    pub wasted_bytes: u64,
    /// dive's "potential wasted space": cumulative size of every path written more than once.
    pub dive_wasted_bytes: u64,
    /// The largest offenders (path, versions, cumulative bytes), at most 50.
    pub inefficient_paths: Vec<InefficientPath>,
}

/// A path written more than once.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InefficientPath {
    pub path: String,
    pub versions: u64,
    pub cumulative_bytes: u64,
}

/// Severity of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
}

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    Setuid,
    Setgid,
    WorldWritable,
    /// World-writable directory with the sticky bit (like `/tmp`).
    WorldWritableSticky,
    FileCapabilities,
    RunsAsRoot,
    SecretEnv,
    HardlinkMissingTarget,
    SymlinkAbsolute,
    SymlinkEscapesRoot,
    DuplicateEntry,
    PathTraversal,
}

/// One finding.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub severity: Severity,
    /// The path concerned (empty for image-wide findings).
    pub path: String,
    /// Layer position in the image (when it is about one layer's entry).
    pub layer: Option<usize>,
    pub detail: String,
}

/// Where a package was read from: its ecosystem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PackageSource {
    /// `var/lib/dpkg/status` or `var/lib/dpkg/status.d/*`.
    Dpkg,
    /// `lib/apk/db/installed`.
    Apk,
    /// A Python distribution: `*.dist-info/METADATA` or `*.egg-info/PKG-INFO` under a
    /// `site-packages` or `dist-packages` directory.
    #[serde(rename = "pypi")]
    Python,
    /// An npm package: `node_modules/NAME/package.json`, `node_modules/@SCOPE/NAME/package.json`.
    Npm,
    /// A Java archive's `META-INF/maven/**/pom.properties`.
    Maven,
    /// An rpm database.
    Rpm,
    /// A Go executable's build information (`.go.buildinfo`): one package per binary, its
    /// modules in [`Package::go`].
    #[serde(rename = "golang")]
    Go,
    /// A crate of a Rust executable built with `cargo auditable` (its `.dep-v0` section).
    Cargo,
}

impl PackageSource {
    /// The name the JSON report gives it: `dpkg`, `apk` (as before), and for the others the
    /// package-URL type: `pypi`, `npm`, `maven`, `rpm`, `golang`, `cargo`.
    pub fn as_str(self) -> &'static str {
        match self {
            PackageSource::Dpkg => "dpkg",
            PackageSource::Apk => "apk",
            PackageSource::Python => "pypi",
            PackageSource::Npm => "npm",
            PackageSource::Maven => "maven",
            PackageSource::Rpm => "rpm",
            PackageSource::Go => "golang",
            PackageSource::Cargo => "cargo",
        }
    }

    /// Every source, in the order views list them.
    pub const ALL: [PackageSource; 8] = [
        PackageSource::Dpkg,
        PackageSource::Apk,
        PackageSource::Python,
        PackageSource::Npm,
        PackageSource::Maven,
        PackageSource::Rpm,
        PackageSource::Go,
        PackageSource::Cargo,
    ];
}

/// A package, with the layers that added, changed and (for
/// [`ImageReport::removed_packages`]) removed it. Its identity across layers is
/// `(source, name, location)`: two copies of one npm package in different directories are two
/// packages.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Package {
    pub name: String,
    pub version: String,
    pub source: PackageSource,
    pub architecture: Option<String>,
    /// Layer position that added it (the first layer of its last unbroken presence).
    pub installed_in: usize,
    /// Later layer positions where its version changed.
    pub changed_in: Vec<usize>,
    /// The licence as its metadata states it (apk `L:`, dpkg's machine-readable copyright,
    /// Python `License-Expression`/`License`, npm `license`), when it states one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<String>,
    /// Path of the file that evidences it (`var/lib/dpkg/status`,
    /// `app/node_modules/debug/package.json`, `…/six-1.17.0.dist-info/METADATA`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// Where it sits, for packages that are directories: the package directory for npm, the
    /// metadata directory's parent (`…/site-packages`) for Python. `None` for database packages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The layer position that removed it (only in [`ImageReport::removed_packages`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed_in: Option<usize>,
    /// A Go binary's build information (source `golang`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub go: Option<Box<GoBuild>>,
    /// What `cargo auditable` recorded of a crate (source `cargo`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cargo: Option<Box<CargoCrate>>,
}

/// The build information a Go executable carries, as `go version -m` prints it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoBuild {
    /// The toolchain (`go1.19.8`).
    pub go_version: String,
    /// The main package's import path (the `path` line).
    pub path: Option<String>,
    /// The main module (`mod` line); absent in a GOPATH build.
    pub main: Option<GoModule>,
    /// The dependencies (`dep` lines), each with its replacement (`=>`) if any.
    pub deps: Vec<GoModule>,
    /// The `build` settings, `key` and raw `value` (quoted as Go wrote it), in order.
    pub settings: Vec<(String, String)>,
}

/// One module of a Go build.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoModule {
    pub path: String,
    pub version: String,
    /// The `h1:` checksum, when recorded.
    pub sum: Option<String>,
    /// The module that replaced it (`=>` line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replace: Option<Box<GoModule>>,
}

/// A crate as `cargo auditable` records it in `.dep-v0`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CargoCrate {
    /// `crates.io`, `local`, `git`, `registry`…
    pub source: String,
    /// `runtime` or `build`.
    pub kind: String,
    /// The binary's own crate.
    pub root: bool,
    /// The names of the crates it depends on.
    pub dependencies: Vec<String>,
}

/// An entry of the OCI index (one platform or nested index).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlatformEntry {
    pub digest: String,
    pub media_type: Option<String>,
    pub os: Option<String>,
    pub architecture: Option<String>,
    pub variant: Option<String>,
    pub ref_name: Option<String>,
    /// Whether the manifest blob is in the archive.
    pub present: bool,
    /// The image (index in `images`) built from it.
    pub image: Option<usize>,
}

/// A non-fatal problem.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Warning {
    /// Stable code, e.g. `unreferenced_blob`, `missing_blob`, `history_mismatch`.
    pub code: String,
    pub message: String,
    /// Where in the input, when the warning is about one place (a damaged layer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<super::error::Position>,
}

impl Warning {
    /// Whether it says the package list is incomplete: an rpm database not read, an executable
    /// whose build information could not be read, package metadata past its cap (`package_*`).
    pub fn is_about_packages(&self) -> bool {
        self.code == "rpm_db_not_read" || self.code == "binary_not_read" || self.code.starts_with("package_")
    }
}

/// Result of one digest check.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DigestCheck {
    /// `layer` or `config`.
    pub subject: String,
    /// `digest` (sha256 of the blob as stored) or `diff_id` (sha256 of the uncompressed tar).
    pub check: String,
    pub member: String,
    pub expected: String,
    pub actual: String,
    pub ok: bool,
}

/// One page of a listing.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Page<T> {
    pub total: usize,
    pub offset: usize,
    pub items: Vec<T>,
}

/// A search hit.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SearchHit {
    pub image: usize,
    pub path: String,
    pub status: MergedStatus,
    pub kind: EntryKind,
    pub size: u64,
    pub layer: usize,
}

/// `ls -l` style mode string.
pub fn mode_string(kind: EntryKind, mode: u32) -> String {
    let mut s = String::with_capacity(10);
    s.push(kind.letter());
    let bits = [
        (0o400, 'r'),
        (0o200, 'w'),
        (0o100, 'x'),
        (0o040, 'r'),
        (0o020, 'w'),
        (0o010, 'x'),
        (0o004, 'r'),
        (0o002, 'w'),
        (0o001, 'x'),
    ];
    for (i, (bit, ch)) in bits.iter().enumerate() {
        let set = mode & bit != 0;
        let special = match i {
            2 => mode & 0o4000 != 0,
            5 => mode & 0o2000 != 0,
            8 => mode & 0o1000 != 0,
            _ => false,
        };
        let c = if special {
            let (on, off) = if i == 8 { ('t', 'T') } else { ('s', 'S') };
            if set {
                on
            } else {
                off
            }
        } else if set {
            *ch
        } else {
            '-'
        };
        s.push(c);
    }
    s
}

/// The fields of os-release an image's overview and package URLs use.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsRelease {
    /// `ID`: `alpine`, `debian` (lower case, as the file says).
    pub id: Option<String>,
    /// `NAME`: `Alpine Linux`.
    pub name: Option<String>,
    /// `VERSION_ID`: `3.11.6`, `12`.
    pub version_id: Option<String>,
    /// `VERSION_CODENAME`: `bookworm`.
    pub version_codename: Option<String>,
    /// `PRETTY_NAME`: `Alpine Linux v3.11`.
    pub pretty_name: Option<String>,
    /// The file read (`etc/os-release` or `usr/lib/os-release`).
    pub path: String,
    /// The layer (position in the image) whose version was read.
    pub layer: usize,
}

impl OsRelease {
    /// `PRETTY_NAME`, else `NAME VERSION_ID`, else `ID`: what to call the system.
    pub fn display(&self) -> Option<String> {
        if let Some(p) = self.pretty_name.as_ref().filter(|p| !p.is_empty()) {
            return Some(p.clone());
        }
        match (&self.name, &self.version_id) {
            (Some(n), Some(v)) => Some(format!("{n} {v}")),
            (Some(n), None) => Some(n.clone()),
            _ => self.id.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{OsRelease, Warning};

    /// What to call the system: PRETTY_NAME (os-release(5)'s name "for presentation to the
    /// user"), else NAME and VERSION_ID, else NAME, else ID (the fallbacks are Tarsier's).
    #[test]
    fn os_release_names_pretty_name_first() {
        let s = |v: &str| Some(v.to_owned());
        let full = OsRelease { pretty_name: s("Debian GNU/Linux 12 (bookworm)"), name: s("Debian GNU/Linux"), version_id: s("12"), id: s("debian"), ..Default::default() };
        assert_eq!(full.display(), s("Debian GNU/Linux 12 (bookworm)"));
        let no_pretty = OsRelease { pretty_name: s(""), ..full.clone() };
        assert_eq!(no_pretty.display(), s("Debian GNU/Linux 12"));
        let name_only = OsRelease { version_id: None, ..no_pretty.clone() };
        assert_eq!(name_only.display(), s("Debian GNU/Linux"));
        let id_only = OsRelease { name: None, ..name_only };
        assert_eq!(id_only.display(), s("debian"));
    }

    /// The warnings the Packages view, `tarsier packages` and the SBOM's incompleteness note show:
    /// those about packages (docs/report-schema.md lists the codes), no others.
    #[test]
    fn package_warnings_are_told_by_their_code() {
        let w = |code: &str| Warning { code: code.into(), message: String::new(), position: None };
        for code in ["rpm_db_not_read", "binary_not_read", "package_db_unread", "package_metadata_unread"] {
            assert!(w(code).is_about_packages(), "{code}");
        }
        for code in ["unreferenced_blob", "missing_blob", "history_mismatch", "os_release_unread", "rpm", "binary"] {
            assert!(!w(code).is_about_packages(), "{code}");
        }
    }
}
