//! What a content scan is asked ([`ScanOptions`]) and what it answers ([`ScanReport`]): a leaf
//! that the scan (`mod.rs`) fills and `findings.rs` ranks.

use super::accounts::Accounts;
use super::keys::{CertInfo, KeyInfo};
use super::lint::LintFinding;
use super::setid::{CapFile, SetidFile};
use serde::{Deserialize, Serialize};

/// Largest file read by default (bigger ones are skipped and counted).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 1 << 20;
/// Most findings kept (the count goes on).
pub const MAX_FINDINGS: usize = 10_000;

/// What to scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanOptions {
    pub max_file_size: u64,
    /// Paths (or path prefixes ending in `/`) not to report.
    pub allow_paths: Vec<String>,
    /// Rules not to report.
    pub allow_rules: Vec<String>,
    /// Unix time to call certificates expired against (the CLI and the page pass the clock).
    pub now: i64,
}

impl Default for ScanOptions {
    fn default() -> ScanOptions {
        ScanOptions { max_file_size: DEFAULT_MAX_FILE_SIZE, allow_paths: Vec::new(), allow_rules: Vec::new(), now: 0 }
    }
}

/// One secret found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretFinding {
    pub rule: String,
    pub path: String,
    /// The layer (position in the image) whose file holds it.
    pub layer: usize,
    /// 1-based line.
    pub line: usize,
    /// The later layer that deleted or overwrote the file: the secret is not in the running
    /// container, but still in the image.
    pub hidden_by: Option<usize>,
    /// The line, the secret cut (see [`redact`]).
    pub snippet: String,
}

/// The content scan of one image.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanReport {
    pub secrets: Vec<SecretFinding>,
    /// Secrets found beyond [`MAX_FINDINGS`].
    pub secrets_not_listed: u64,
    pub accounts: Accounts,
    pub setid: Vec<SetidFile>,
    pub file_capabilities: Vec<CapFile>,
    /// Private keys (PEM, DER, OpenSSH) and X.509 certificates in the files read.
    pub keys: Vec<KeyInfo>,
    pub certificates: Vec<CertInfo>,
    /// The history lint (see [`lint`]).
    pub lint: Vec<LintFinding>,
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    /// Files over the size limit, not read.
    pub files_skipped: u64,
    pub max_file_size: u64,
}
