//! The content scan as rows of the Findings table ([`ScanReport::findings`]): one list, ranked by
//! severity, across secrets, private keys, certificates, accounts, setuid/setgid files that give a
//! shell, capabilities on interpreters and the history lint — each with the path, layer and line
//! a user opens to see it, and why it matters.
//!
//! What the header findings already say is not said twice: ordinary setuid/setgid files and
//! capabilities on non-interpreters are there (only the shell-giving ones and interpreters are
//! raised here), and so is "runs as root".

use super::report::{ScanReport, SecretFinding};
use crate::core::image::Severity;
use serde::{Deserialize, Serialize};

/// One row of the content scan in the Findings table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanFinding {
    pub severity: Severity,
    /// The kind, in words (`secret: aws access key`, `private key`, `history: pipe to shell`…).
    pub what: String,
    /// The path concerned, without a leading `/` (empty for image-wide findings).
    pub path: String,
    /// The layer (position in the image) whose file it is in.
    pub layer: Option<usize>,
    /// 1-based line (secrets).
    pub line: Option<usize>,
    /// The later layer that deleted or overwrote the file.
    pub hidden_by: Option<usize>,
    /// What was seen and why it matters (a secret only ever cut).
    pub detail: String,
}

fn words(rule: &str) -> String {
    rule.replace('_', " ")
}

fn secret(s: &SecretFinding) -> ScanFinding {
    // An entropy hit is a guess; a rule hit is a known token format.
    let severity = if s.rule == "high_entropy" { Severity::Medium } else { Severity::High };
    let why = if s.hidden_by.is_some() { "deleted or overwritten later, but still shipped in the image: anyone with it can read it" } else { "readable by anyone with the image" };
    ScanFinding { severity, what: format!("secret: {}", words(&s.rule)), path: s.path.clone(), layer: Some(s.layer), line: Some(s.line), hidden_by: s.hidden_by, detail: format!("{} — {why}", s.snippet) }
}

/// The report as `tarsier scan --json` and the page's download write it: every field of the
/// report, and its [`ScanReport::findings`] (what the Findings table shows).
#[derive(Debug, Serialize)]
pub struct ScanExport<'a> {
    #[serde(flatten)]
    pub report: &'a ScanReport,
    pub findings: Vec<ScanFinding>,
}

/// Findings counted by severity: high, medium, low, info.
pub fn severity_counts(findings: &[ScanFinding]) -> [usize; 4] {
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    [count(Severity::High), count(Severity::Medium), count(Severity::Low), count(Severity::Info)]
}

impl ScanReport {
    /// The report with its findings, to write as JSON.
    pub fn export(&self) -> ScanExport<'_> {
        ScanExport { report: self, findings: self.findings() }
    }

    /// The scan's findings, highest severity first (then by path and line).
    pub fn findings(&self) -> Vec<ScanFinding> {
        let mut out: Vec<ScanFinding> = self.secrets.iter().map(secret).collect();
        for k in &self.keys {
            let kind = [k.key_type.clone(), k.bits.map(|b| format!("{b} bits"))].into_iter().flatten().collect::<Vec<_>>().join(", ");
            let (severity, what, why) = if k.encrypted {
                (Severity::Medium, "private key (encrypted)", "a passphrase guards it, but it can be attacked offline")
            } else {
                (Severity::High, "private key", "not encrypted: whoever has the image has the key")
            };
            let detail = if kind.is_empty() { format!("{} — {why}", k.format) } else { format!("{} ({kind}) — {why}", k.format) };
            out.push(ScanFinding { severity, what: what.into(), path: k.path.clone(), layer: Some(k.layer), line: None, hidden_by: k.hidden_by, detail });
        }
        for c in &self.certificates {
            let (severity, what) = if c.expired { (Severity::Low, "expired certificate") } else { (Severity::Info, "certificate") };
            let detail = format!("{} (issuer {}), valid {} – {}{}", c.subject, c.issuer, c.not_before, c.not_after, if c.self_signed { ", self-signed" } else { "" });
            out.push(ScanFinding { severity, what: what.into(), path: c.path.clone(), layer: Some(c.layer), line: None, hidden_by: c.hidden_by, detail });
        }
        self.account_findings(&mut out);
        self.privilege_findings(&mut out);
        for l in self.lint.iter().filter(|l| l.rule != "runs_as_root") {
            let detail = match l.history {
                Some(h) => format!("history line {h}: {}", l.detail),
                None => l.detail.clone(),
            };
            out.push(ScanFinding { severity: l.severity, what: format!("history: {}", words(&l.rule)), path: String::new(), layer: l.layer, line: None, hidden_by: None, detail });
        }
        out.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.path.cmp(&b.path)).then_with(|| a.line.cmp(&b.line)));
        out
    }

    fn account_findings(&self, out: &mut Vec<ScanFinding>) {
        let a = &self.accounts;
        let row = |severity, what: &str, path: &str, detail: String| ScanFinding { severity, what: what.into(), path: path.into(), layer: None, line: None, hidden_by: None, detail };
        for user in &a.empty_password {
            // Alpine's CVE-2019-5021: root with an empty password.
            let severity = if user == "root" { Severity::High } else { Severity::Medium };
            out.push(row(severity, "empty password", "etc/shadow", format!("{user} has no password: anyone may log in as {user}")));
        }
        for user in &a.uid0_besides_root {
            out.push(row(Severity::High, "uid 0 besides root", "etc/passwd", format!("{user} has uid 0: it is root under another name")));
        }
        for s in &a.shadow {
            if let Some(alg) = &s.algorithm {
                out.push(row(Severity::Low, "password hash", "etc/shadow", format!("{} has a {alg} password hash: it can be cracked offline by whoever has the image", s.user)));
            }
        }
        for s in &a.service_accounts_with_login_shell {
            out.push(row(Severity::Low, "service account with a login shell", "etc/passwd", format!("{} (uid {}) logs in with {}: a service account needs no shell", s.user, s.uid, s.shell)));
        }
    }

    fn privilege_findings(&self, out: &mut Vec<ScanFinding>) {
        for s in self.setid.iter().filter(|s| s.class == "shell") {
            let detail = format!("{} {}:{} — it gives a shell (as its owner) to whoever runs it", s.kind, s.uid, s.gid);
            out.push(ScanFinding { severity: Severity::High, what: format!("{} shell", s.kind), path: s.path.clone(), layer: Some(s.layer), line: None, hidden_by: None, detail });
        }
        for c in self.file_capabilities.iter().filter(|c| c.interpreter) {
            let detail = format!("{} on an interpreter: any script it runs has them", c.caps);
            out.push(ScanFinding { severity: Severity::High, what: "capabilities on an interpreter".into(), path: c.path.clone(), layer: Some(c.layer), line: None, hidden_by: None, detail });
        }
    }
}

/// The byte offset where 1-based line `line` of `body` starts (`None` past the last line).
pub fn line_start(body: &[u8], line: usize) -> Option<usize> {
    if line <= 1 {
        return Some(0);
    }
    let mut seen = 1;
    for (i, b) in body.iter().enumerate() {
        if *b == b'\n' {
            seen += 1;
            if seen == line {
                return (i + 1 < body.len()).then_some(i + 1);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::line_start;

    #[test]
    fn a_line_starts_after_the_break_before_it() {
        let body = b"one\ntwo\n\nfour";
        assert_eq!(line_start(body, 0), Some(0));
        assert_eq!(line_start(body, 1), Some(0));
        assert_eq!(line_start(body, 2), Some(4));
        assert_eq!(line_start(body, 3), Some(8));
        assert_eq!(line_start(body, 4), Some(9));
        // Past the last line, and the empty "line" after a final break.
        assert_eq!(line_start(body, 5), None);
        assert_eq!(line_start(b"one\n", 2), None);
        assert_eq!(line_start(b"", 1), Some(0));
    }
}
