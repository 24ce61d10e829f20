//! A Dockerfile lint without the Dockerfile: the config's history lines and the layers' contents,
//! in the spirit of the CIS Docker Benchmark, section 4 (and hadolint's DL3009, DL4006, DL3025).

use super::rules::scan_line;
use crate::core::image::{Analysis, EntryKind, ImageError, Severity};
use serde::{Deserialize, Serialize};

/// One lint finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LintFinding {
    /// `no_healthcheck`, `add_url`, `add_archive`, `apt_update_alone`, `pipe_to_shell`,
    /// `package_cache`, `shell_form`, `secret_in_history`, `runs_as_root`.
    pub rule: String,
    pub severity: Severity,
    /// The history line (index in the config's `history`).
    pub history: Option<usize>,
    /// The layer (position in the image).
    pub layer: Option<usize>,
    pub detail: String,
}

/// Directories a package manager fills that an image should not ship.
const CACHES: &[&str] = &["var/cache/apt/archives/", "var/lib/apt/lists/", "root/.cache/pip/", "root/.npm/", "var/cache/apk/", "var/cache/yum/", "var/cache/dnf/"];

fn finding(rule: &str, severity: Severity, history: Option<usize>, layer: Option<usize>, detail: String) -> LintFinding {
    LintFinding { rule: rule.into(), severity, history, layer, detail }
}

/// The lint of image `image`.
///
/// # Errors
/// [`ImageError::NotFound`] for an unknown image.
pub fn lint(a: &Analysis, image: usize) -> Result<Vec<LintFinding>, ImageError> {
    let img = a.report.images.get(image).ok_or_else(|| ImageError::NotFound { what: format!("image {image}") })?;
    let mut out = Vec::new();
    for (i, h) in img.history.iter().enumerate() {
        out.extend(history_line(i, h.layer, h.created_by.as_deref().unwrap_or("")));
    }
    for (pos, l) in img.layers.iter().enumerate() {
        let page = a.layer_entries(l.layer, 0, usize::MAX)?;
        for cache in CACHES {
            let files = page.items.iter().filter(|e| e.kind == EntryKind::File && e.path.starts_with(cache) && !e.path.ends_with("/lock") && !e.path.contains("/.wh.")).count();
            if files > 0 {
                let detail = format!("layer {pos} leaves {files} files in /{cache} (clean the cache in the same step that fills it)");
                out.push(finding("package_cache", Severity::Low, l.history, Some(pos), detail));
            }
        }
    }
    let c = &img.config;
    if c.healthcheck.is_none() {
        out.push(finding("no_healthcheck", Severity::Low, None, None, "the image has no HEALTHCHECK: nothing tells the runtime whether the service inside works".into()));
    }
    for (name, v) in [("ENTRYPOINT", &c.entrypoint), ("CMD", &c.cmd)] {
        if let Some(v) = v {
            if v.len() >= 2 && matches!(v[0].as_str(), "/bin/sh" | "sh" | "/bin/bash") && v[1] == "-c" {
                let detail = format!("{name} is in shell form ({}): PID 1 is a shell, which does not forward signals such as SIGTERM to the program", v.join(" "));
                out.push(finding("shell_form", Severity::Low, None, None, detail));
            }
        }
    }
    let user = c.user.as_deref().unwrap_or("");
    let name = user.split(':').next().unwrap_or("");
    if name.is_empty() || name == "0" || name == "root" {
        out.push(finding("runs_as_root", Severity::Medium, None, None, "the image runs as root (no USER, or USER root/0)".into()));
    }
    Ok(out)
}

/// The findings of one history line (`created_by`).
fn history_line(i: usize, layer: Option<usize>, cmd: &str) -> Vec<LintFinding> {
    let mut out = Vec::new();
    let lower = cmd.to_ascii_lowercase();
    let body = lower.split_once("#(nop)").map_or(lower.as_str(), |(_, b)| b).trim_start();
    if let Some(rest) = body.strip_prefix("add ") {
        let src = rest.split_whitespace().find(|w| !w.starts_with("--")).unwrap_or("");
        if src.starts_with("http://") || src.starts_with("https://") {
            out.push(finding("add_url", Severity::Medium, Some(i), layer, format!("ADD of a URL ({src}): no checksum, no cache control; use curl with a checksum, or COPY")));
        } else if [".tar", ".tar.gz", ".tgz", ".tar.xz", ".tar.bz2", ".zip"].iter().any(|x| src.contains(x)) || src.starts_with("file:") {
            out.push(finding("add_archive", Severity::Info, Some(i), layer, "ADD of an archive: it is unpacked silently; COPY says what happens".into()));
        }
    }
    for step in lower.split("&&").map(str::trim) {
        if (step.contains("apt-get update") || step.contains("apt update")) && !lower.contains(" install") {
            out.push(finding("apt_update_alone", Severity::Low, Some(i), layer, "apt-get update without an install in the same step: later steps install from a stale cached index".into()));
            break;
        }
    }
    let piped = lower.split('|').skip(1).any(|p| matches!(p.split_whitespace().next(), Some("sh" | "bash" | "/bin/sh" | "/bin/bash" | "sudo")));
    if piped && (lower.contains("curl") || lower.contains("wget")) {
        out.push(finding("pipe_to_shell", Severity::High, Some(i), layer, "a download piped into a shell (curl … | sh): whatever the server sends runs, unchecked".into()));
    }
    let secret = !scan_line(cmd, "history").is_empty() || ["arg token=", "arg password=", "arg secret=", "--build-arg"].iter().any(|k| lower.contains(k) && lower.contains('='));
    if secret {
        out.push(finding("secret_in_history", Severity::High, Some(i), layer, "a secret in the build history (ARG / --build-arg values are stored in the image's config)".into()));
    }
    out
}
