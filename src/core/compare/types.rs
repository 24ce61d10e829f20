//! The comparison as it is reported (`tarsier diff --json`, the page).

use serde::{Deserialize, Serialize};

/// Which of the two images.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Side {
    A,
    B,
}

/// A path only one side has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileItem {
    pub path: String,
    /// `file`, `dir`, `symlink`, `char`, `block`, `fifo`, `other` (a hard link is a `file`).
    pub kind: String,
    pub size: u64,
    /// The layer (position in its image) that last wrote it.
    pub layer: usize,
}

/// The values of the fields that differ (the others are left out).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Values {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gid: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hardlinks: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caps: Option<String>,
    /// Hex sha256 of the body; left out when the sizes differ (no need to read the bodies).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// A path both sides have, changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangedFile {
    pub path: String,
    /// What differs, in this order: `kind`, `mode`, `uid`, `gid`, `link`, `hardlinks`, `caps`,
    /// `sha256`.
    pub what: Vec<String>,
    pub a: Values,
    pub b: Values,
    pub size_a: u64,
    pub size_b: u64,
    /// The layers (positions in each image) that last wrote it.
    pub layer_a: usize,
    pub layer_b: usize,
    /// A unified line diff of a changed text file (bounded).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_diff: Option<super::text_diff::TextDiff>,
}

/// A path whose content and metadata are the same and whose mtime differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Touched {
    pub path: String,
    pub kind: String,
    pub mtime_a: Option<i64>,
    pub mtime_b: Option<i64>,
    pub layer_a: usize,
    pub layer_b: usize,
}

/// One layer of one side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerSide {
    pub digest: Option<String>,
    pub diff_id: Option<String>,
    pub size: u64,
    pub created_by: Option<String>,
}

/// The two layer lists aligned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayersDiff {
    pub a: Vec<LayerSide>,
    pub b: Vec<LayerSide>,
    /// Leading layers with the same diff_id on both sides.
    pub shared_prefix: usize,
    /// diff_ids of A's layers that B does not have anywhere, and the other way round.
    pub only_a: Vec<String>,
    pub only_b: Vec<String>,
    /// Bytes (uncompressed) of the layers both have.
    pub shared_bytes: u64,
}

/// One config field that differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigChange {
    /// `Env`, `Cmd`, `Entrypoint`, `User`, `WorkingDir`, `ExposedPorts`, `Volumes`, `Labels`,
    /// `Healthcheck`, `StopSignal`, `Shell`, `OnBuild`, `os`, `architecture`, `variant`,
    /// `history` (the steps after the shared ones).
    pub field: String,
    pub a: serde_json::Value,
    pub b: serde_json::Value,
    /// For lists and maps: what only B has, and what only A has.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<String>,
}

/// A package on one side, or both with different versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageChange {
    /// `apk`, `dpkg`, `pypi`, `npm`, `maven` ([`PackageSource::as_str`](crate::core::image::PackageSource::as_str)).
    pub kind: String,
    pub name: String,
    /// Where it sits (npm: the package directory; Python: `site-packages`; Java: the archive),
    /// part of its identity: two copies of one npm package are two packages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    pub version_a: Option<String>,
    pub version_b: Option<String>,
}

/// The packages diff.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackagesDiff {
    pub added: Vec<PackageChange>,
    pub removed: Vec<PackageChange>,
    pub changed: Vec<PackageChange>,
}

/// Counts for the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Merged file bytes of each side.
    pub size_a: u64,
    pub size_b: u64,
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    pub touched: usize,
    pub packages_added: usize,
    pub packages_removed: usize,
    pub packages_changed: usize,
    pub config_changes: usize,
    /// Bodies read to decide same-size files (both sides counted; a body shared by hard links
    /// once).
    pub hashed_files: u64,
    pub hashed_bytes: u64,
    /// Bodies not read because an earlier comparison had read them (their digests were given).
    pub known_files: u64,
}

/// Two images compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    pub summary: Summary,
    pub layers: LayersDiff,
    pub config: Vec<ConfigChange>,
    pub packages: PackagesDiff,
    pub added: Vec<FileItem>,
    pub removed: Vec<FileItem>,
    pub changed: Vec<ChangedFile>,
    pub touched: Vec<Touched>,
}
