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
mod findings;
mod report;
mod keys;
mod lint;
pub mod rules;
mod setid;

pub use accounts::{algorithm, read_accounts, Accounts, LoginService, ShadowEntry};
pub use findings::{line_start, severity_counts, ScanExport, ScanFinding};
pub use report::{ScanOptions, ScanReport, SecretFinding, DEFAULT_MAX_FILE_SIZE, MAX_FINDINGS};
pub use keys::{CertInfo, KeyInfo};
pub use lint::{lint, LintFinding};
pub use rules::{entropy, redact, scan_line, Hit, RULES};
pub use setid::{is_interpreter, triage, CapFile, SetidFile};

use crate::core::image::{read_bodies, read_merged, Analysis, ChangeKind, EntryKind, ImageError, MAX_READ_LEN};
use std::io::{Read, Seek};

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
    // Bodies are read whole into memory: never more than the core's read limit at once.
    let limit = opts.max_file_size.min(MAX_READ_LEN as u64);
    let mut r = ScanReport { max_file_size: limit, ..ScanReport::default() };
    // Each layer's regular files: (entry index, path, size).
    let mut layers = Vec::with_capacity(img.layers.len());
    for l in &img.layers {
        let page = a.layer_entries(l.layer, 0, usize::MAX)?;
        // The page is in tar order from entry 0: an item's position is its entry index (no
        // lookup by path, which is linear in the layer: quadratic over 200,000 files).
        let files: Vec<(u32, String, u64)> = page
            .items
            .into_iter()
            .enumerate()
            .filter(|(_, e)| e.kind == EntryKind::File)
            .filter_map(|(i, e)| u32::try_from(i).ok().map(|ei| (ei, e.path, e.size)))
            .collect();
        layers.push((l.layer, files));
    }
    let total = layers.iter().map(|(_, f)| f.len() as u64).sum::<u64>();
    let mut done = 0u64;
    for (pos, (layer, files)) in layers.into_iter().enumerate() {
        let mut wanted = Vec::with_capacity(files.len());
        let mut paths = std::collections::HashMap::with_capacity(files.len());
        for (ei, path, size) in files {
            if size > limit {
                r.files_skipped += 1;
                done += 1;
            } else {
                wanted.push(ei);
                paths.insert(ei, path);
            }
        }
        if !tick(done, total) {
            return Err(ImageError::Cancelled);
        }
        if wanted.is_empty() {
            continue;
        }
        // One pass over the layer (a compressed one is inflated once, not once per file).
        read_bodies(&mut *reader, a, layer, &wanted, &mut |ei, body| {
            done += 1;
            if !tick(done, total) {
                return Err(ImageError::Cancelled);
            }
            if let Some(path) = paths.get(&ei) {
                scan_body(&mut r, a, image, opts, pos, path, body);
            }
            Ok(())
        })?;
    }
    let mut text = |p: &str| read_merged(&mut *reader, a, image, p, 0, 1 << 20).ok().map(|b| String::from_utf8_lossy(&b).into_owned());
    let (passwd, shadow) = (text("etc/passwd"), text("etc/shadow"));
    r.accounts = read_accounts(passwd.as_deref(), shadow.as_deref());
    (r.setid, r.file_capabilities) = triage(&a.privileged_files(image)?);
    keys::link_issuers(&mut r.certificates);
    r.lint = lint(a, image)?;
    Ok(r)
}

/// What one file's body holds: keys, certificates and, in text, secrets.
fn scan_body(r: &mut ScanReport, a: &Analysis, image: usize, opts: &ScanOptions, pos: usize, path: &str, body: &[u8]) {
    r.files_scanned += 1;
    r.bytes_scanned = r.bytes_scanned.saturating_add(body.len() as u64);
    let hidden_by = hidden_by(a, image, path, pos);
    let (keys, certs) = keys::find(path, pos, body, opts.now);
    r.keys.extend(keys.into_iter().map(|k| KeyInfo { hidden_by, ..k }));
    r.certificates.extend(certs.into_iter().map(|c| CertInfo { hidden_by, ..c }));
    if body.contains(&0) {
        return; // binary
    }
    let text = String::from_utf8_lossy(body);
    for (i, line) in text.lines().enumerate() {
        let hits: Vec<Hit> = scan_line(line, path).into_iter().filter(|h| !allowed(opts, h.rule, path)).collect();
        for h in &hits {
            if r.secrets.len() < MAX_FINDINGS {
                // A key's BEGIN line is a label, not the secret: shown as it is.
                let snippet = if h.rule.starts_with("private_key") { format!("{} (a private key block)", line.trim()) } else { redact(line, std::slice::from_ref(h)) };
                r.secrets.push(SecretFinding { rule: h.rule.into(), path: path.to_owned(), layer: pos, line: i + 1, hidden_by, snippet });
            } else {
                r.secrets_not_listed += 1;
            }
        }
    }
}

/// The first layer after `pos` that deletes, hides or writes `path` again.
fn hidden_by(a: &Analysis, image: usize, path: &str, pos: usize) -> Option<usize> {
    let entry = a.merged_entry(image, path)?;
    entry.history.iter().find(|c| c.layer > pos && matches!(c.change, ChangeKind::Added | ChangeKind::Modified | ChangeKind::Deleted | ChangeKind::Hidden)).map(|c| c.layer)
}
