//! `tarsier scan IMAGE.tar [--image N] [--max-file-size N] [--allow-path P]… [--allow-rule R]…
//! [--json]`: secrets in every layer's files (deleted and overwritten ones too), accounts,
//! setuid/setgid triage, capabilities on interpreters.

use crate::image::load;
use crate::output::{fail, fail_json, write_stdout};
use std::fmt::Write as _;
use std::fs::File;
use std::path::PathBuf;
use std::process::ExitCode;
use tarsier::core::scan::{scan, severity_counts, ScanOptions, ScanReport, DEFAULT_MAX_FILE_SIZE};

#[derive(clap::Args)]
pub struct Args {
    file: PathBuf,
    /// The image of a multi-image archive (0 = first).
    #[arg(long, default_value_t = 0)]
    image: usize,
    /// Largest file read, in bytes (bigger ones are skipped and counted).
    #[arg(long, default_value_t = DEFAULT_MAX_FILE_SIZE)]
    max_file_size: u64,
    /// A path (or a directory ending in `/`) whose secrets are not reported.
    #[arg(long, value_name = "PATH")]
    allow_path: Vec<String>,
    /// A rule not to report (`high_entropy`, `env_password`, …).
    #[arg(long, value_name = "RULE")]
    allow_rule: Vec<String>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: &Args) -> ExitCode {
    let result = (|| -> Result<ScanReport, (String, String)> {
        let a = load(&args.file, None).map_err(|e| (e.code().to_owned(), e.to_string()))?;
        let mut f = File::open(&args.file).map_err(|e| ("io".to_owned(), format!("{}: cannot open it: {e}.", args.file.display())))?;
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        let opts = ScanOptions { max_file_size: args.max_file_size, allow_paths: args.allow_path.clone(), allow_rules: args.allow_rule.clone(), now };
        scan(&a, &mut f, args.image, &opts, &mut |_, _| true).map_err(|e| (e.code().to_owned(), format!("{}: {e}", args.file.display())))
    })();
    match result {
        Ok(r) if args.json => match serde_json::to_string_pretty(&r.export()) {
            Ok(j) => write_stdout(&format!("{j}\n")),
            Err(e) => fail(format!("could not write JSON: {e}")),
        },
        Ok(r) => write_stdout(&render(&r)),
        Err((code, message)) if args.json => fail_json(true, &code, message),
        Err((_, message)) => fail(message),
    }
}

fn render(r: &ScanReport) -> String {
    let mut o = String::new();
    let [high, medium, low, info] = severity_counts(&r.findings());
    let _ = writeln!(o, "== Findings: {high} high, {medium} medium, {low} low, {info} info (--json lists them, ranked)");
    let _ = writeln!(o, "== Secrets ({}; {} files read, {} over {} bytes skipped)", r.secrets.len(), r.files_scanned, r.files_skipped, r.max_file_size);
    let hidden = |by: Option<usize>| by.map_or_else(String::new, |n| format!(" [hidden by layer {n}: not in the container, still in the image]"));
    for s in &r.secrets {
        let hidden = hidden(s.hidden_by);
        let _ = writeln!(o, "  {} layer {} {}:{}{hidden}\n      {}", s.rule, s.layer, s.path, s.line, s.snippet);
    }
    let a = &r.accounts;
    let _ = writeln!(o, "== Accounts");
    for u in &a.empty_password {
        let severity = if u == "root" { "high (root with an empty password: CVE-2019-5021)" } else { "medium" };
        let _ = writeln!(o, "  {u}: empty password — {severity}");
    }
    for e in a.shadow.iter().filter(|e| e.algorithm.is_some()) {
        let _ = writeln!(o, "  {}: password hash ({})", e.user, e.algorithm.as_deref().unwrap_or(""));
    }
    for u in &a.uid0_besides_root {
        let _ = writeln!(o, "  {u}: uid 0 besides root");
    }
    for s in &a.service_accounts_with_login_shell {
        let _ = writeln!(o, "  {} (uid {}): a service account with a login shell ({})", s.user, s.uid, s.shell);
    }
    let _ = writeln!(o, "== Setuid / setgid");
    for f in &r.setid {
        let _ = writeln!(o, "  {} {} ({:04o}) — {}", f.kind, f.path, f.mode & 0o7777, if f.class == "shell" { "gives a shell to whoever runs it: high" } else { "ordinary" });
    }
    for c in &r.file_capabilities {
        let _ = writeln!(o, "  capabilities {} {}{}", c.path, c.caps, if c.interpreter { " — on an interpreter: any script runs with them: high" } else { "" });
    }
    let _ = writeln!(o, "== Keys and certificates");
    for k in &r.keys {
        let what = match (&k.key_type, k.bits) {
            (Some(t), Some(b)) => format!("{t} {b} bits"),
            (Some(t), None) => format!("{t} (size hidden by encryption)"),
            _ => "type hidden by encryption".into(),
        };
        let _ = writeln!(o, "  private key {} (layer {}, {}): {what}, {}{}", k.path, k.layer, k.format, if k.encrypted { "encrypted" } else { "NOT encrypted" }, hidden(k.hidden_by));
    }
    for c in &r.certificates {
        let mut notes = Vec::new();
        if c.self_signed {
            notes.push("self-signed".to_owned());
        }
        if c.expired {
            notes.push(format!("EXPIRED {}", c.not_after));
        }
        if let Some(by) = &c.verified_by {
            notes.push(format!("issued by {by}"));
        }
        let _ = writeln!(o, "  certificate {} (layer {}): {} — issuer {} — until {} {}{}", c.path, c.layer, c.subject, c.issuer, c.not_after, notes.join(", "), hidden(c.hidden_by));
    }
    let _ = writeln!(o, "== History lint");
    for l in &r.lint {
        let place = match (l.history, l.layer) {
            (Some(h), Some(n)) => format!(" (history line {h}, layer {n})"),
            (Some(h), None) => format!(" (history line {h})"),
            (None, Some(n)) => format!(" (layer {n})"),
            (None, None) => String::new(),
        };
        let _ = writeln!(o, "  [{}] {}{place}: {}", format!("{:?}", l.severity).to_lowercase(), l.rule, l.detail);
    }
    o
}
