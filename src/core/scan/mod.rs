//! What is risky inside an image: secrets in file contents (also in files a later layer deleted
//! or overwrote, which `docker run` never shows but `docker save` ships), accounts with password
//! hashes or none, setuid/setgid triage, and capabilities on interpreters.
//!
//! A consumer of the image pipeline: it reads every regular file of every layer of one image
//! through [`read_entry`] (bounded by [`ScanOptions::max_file_size`]; bigger files are skipped
//! and counted), the merged `/etc/passwd` and `/etc/shadow`, and [`Analysis::privileged_files`].
//! A finding never carries the whole secret: [`SecretFinding::snippet`] is the line with the
//! secret cut to its first characters and its length.
//!
//! The rules are in `rules.rs`; `tests/scan.rs` holds them to the fixture of
//! `scripts/fixtures/secrets_image.sh`, whose planted values and layers are the truth, and to
//! Yelp's detect-secrets run on the unpacked layers.

mod accounts;
mod keys;
mod lint;
pub mod rules;
mod setid;

pub use accounts::{algorithm, read_accounts, Accounts, LoginService, ShadowEntry};
pub use keys::{CertInfo, KeyInfo};
pub use lint::{lint, LintFinding};
pub use rules::{entropy, redact, scan_line, Hit, RULES};
pub use setid::{is_interpreter, triage, CapFile, SetidFile};

use crate::core::image::{read_entry, read_merged, Analysis, ChangeKind, EntryKind, ImageError};
use serde::{Deserialize, Serialize};
use std::io::{Read, Seek};

/// Largest file read by default (bigger ones are skipped and counted).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 1 << 20;
/// Most findings kept (the count goes on).
pub const MAX_FINDINGS: usize = 10_000;

/// What to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
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

fn allowed(opts: &ScanOptions, rule: &str, path: &str) -> bool {
    opts.allow_rules.iter().any(|r| r == rule) || opts.allow_paths.iter().any(|p| path == p || (p.ends_with('/') && path.starts_with(p.as_str())))
}

/// Scans image `image` of `a` (its archive read from `reader`); `tick` gets the files done and
/// their total, and stops the scan by returning false.
///
/// # Errors
/// [`ImageError::NotFound`] for an unknown image, read errors, [`ImageError::Cancelled`].
pub fn scan<R: Read + Seek>(a: &Analysis, reader: &mut R, image: usize, opts: &ScanOptions, tick: &mut dyn FnMut(u64, u64) -> bool) -> Result<ScanReport, ImageError> {
    let img = a.report.images.get(image).ok_or_else(|| ImageError::NotFound { what: format!("image {image}") })?;
    let mut r = ScanReport { max_file_size: opts.max_file_size, ..ScanReport::default() };
    let mut files = Vec::new();
    for (pos, l) in img.layers.iter().enumerate() {
        let page = a.layer_entries(l.layer, 0, usize::MAX)?;
        files.extend(page.items.into_iter().filter(|e| e.kind == EntryKind::File).map(|e| (pos, l.layer, e.path, e.size)));
    }
    let total = files.len() as u64;
    for (done, (pos, layer, path, size)) in files.into_iter().enumerate() {
        if !tick(done as u64, total) {
            return Err(ImageError::Cancelled);
        }
        if size > opts.max_file_size {
            r.files_skipped += 1;
            continue;
        }
        let body = read_entry(&mut *reader, a, layer, &path, 0, usize::try_from(size).unwrap_or(usize::MAX))?;
        r.files_scanned += 1;
        r.bytes_scanned = r.bytes_scanned.saturating_add(body.len() as u64);
        let hidden_by = hidden_by(a, image, &path, pos);
        let (keys, certs) = keys::find(&path, pos, &body, opts.now);
        r.keys.extend(keys.into_iter().map(|k| KeyInfo { hidden_by, ..k }));
        r.certificates.extend(certs.into_iter().map(|c| CertInfo { hidden_by, ..c }));
        if body.contains(&0) {
            continue; // binary
        }
        let text = String::from_utf8_lossy(&body);
        for (i, line) in text.lines().enumerate() {
            let hits: Vec<Hit> = scan_line(line, &path).into_iter().filter(|h| !allowed(opts, h.rule, &path)).collect();
            for h in &hits {
                if r.secrets.len() < MAX_FINDINGS {
                    // A key's BEGIN line is a label, not the secret: shown as it is.
                    let snippet = if h.rule.starts_with("private_key") { format!("{} (a private key block)", line.trim()) } else { redact(line, std::slice::from_ref(h)) };
                    r.secrets.push(SecretFinding { rule: h.rule.into(), path: path.clone(), layer: pos, line: i + 1, hidden_by, snippet });
                } else {
                    r.secrets_not_listed += 1;
                }
            }
        }
    }
    let mut text = |p: &str| read_merged(&mut *reader, a, image, p, 0, 1 << 20).ok().map(|b| String::from_utf8_lossy(&b).into_owned());
    let (passwd, shadow) = (text("etc/passwd"), text("etc/shadow"));
    r.accounts = read_accounts(passwd.as_deref(), shadow.as_deref());
    (r.setid, r.file_capabilities) = triage(&a.privileged_files(image)?);
    keys::link_issuers(&mut r.certificates);
    r.lint = lint(a, image)?;
    Ok(r)
}

/// The first layer after `pos` that deletes, hides or writes `path` again.
fn hidden_by(a: &Analysis, image: usize, path: &str, pos: usize) -> Option<usize> {
    let entry = a.merged_entry(image, path)?;
    entry.history.iter().find(|c| c.layer > pos && matches!(c.change, ChangeKind::Added | ChangeKind::Modified | ChangeKind::Deleted | ChangeKind::Hidden)).map(|c| c.layer)
}
