//! `docker-default`: the profile Docker generates from its template, and what it denies.
//!
//! The templates are Go `text/template` source (moby `profiles/apparmor/template.go`, now
//! `github.com/moby/profiles/apparmor`). [`render`] executes the few constructs they use
//! (`{{.Name}}`, `{{.DaemonProfile}}`, `{{.Abi}}`, `{{range $value := .Imports}}`, `{{if …}}`,
//! `{{- …}}` trimming) with the data Docker passes on a host where AppArmor is installed
//! (moby/profiles `apparmor/apparmor.go`, `generateDefault`: `#include <tunables/global>` before
//! the profile, `#include <abstractions/base>` inside it), and the result is read with
//! [`super::parse`], so every explanation comes from a real rule of the generated profile.

use super::parse::{parse, Item, ItemKind, ProfileText, ProfileTextError};
use crate::core::apparmor::AppArmorMode;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Which template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Template {
    /// moby/moby b985e231 (vendored github.com/moby/profiles/apparmor).
    Current,
    /// moby/moby a575b0b (2018), the one the source article links.
    Docker2018,
}

impl Template {
    pub fn source(self) -> &'static str {
        match self {
            Template::Current => include_str!("docker_template.go.txt"),
            Template::Docker2018 => include_str!("docker_template_2018.go.txt"),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Template::Current => "Docker's current template (moby/moby b985e231, github.com/moby/profiles/apparmor)",
            Template::Docker2018 => "Docker's template of 2018 (moby/moby a575b0b)",
        }
    }
}

/// The values Docker fills the template with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateData {
    pub name: String,
    /// The daemon's own profile (`unconfined` unless dockerd itself is confined).
    pub daemon_profile: String,
    pub imports: Vec<String>,
    pub inner_imports: Vec<String>,
    /// `abi/3.0` where the template asks for it; empty for none.
    pub abi: String,
    /// `apparmor_parser --version` as Docker encodes it (2.8.95 = 208095).
    pub version: u32,
}

impl Default for TemplateData {
    /// A host with AppArmor installed: `tunables/global` and `abstractions/base` exist.
    fn default() -> TemplateData {
        TemplateData {
            name: "docker-default".to_owned(),
            daemon_profile: "unconfined".to_owned(),
            imports: vec!["#include <tunables/global>".to_owned()],
            inner_imports: vec!["#include <abstractions/base>".to_owned()],
            abi: String::new(),
            version: 300_000,
        }
    }
}

/// A template that could not be executed (only for templates other than the embedded ones).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateError(pub String);

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "The AppArmor template cannot be rendered: {}.", self.0)
    }
}

impl std::error::Error for TemplateError {}

enum Node {
    Text(String),
    Var(String),
    If(String, Vec<Node>),
    Range(String, Vec<Node>),
}

/// The Go raw string assigned to `baseTemplate`.
fn template_body(source: &str) -> Result<&str, TemplateError> {
    let start = source.find("baseTemplate = `").ok_or_else(|| TemplateError("no `const baseTemplate = `…`` in the source".to_owned()))?;
    let rest = &source[start + "baseTemplate = `".len()..];
    let end = rest.find('`').ok_or_else(|| TemplateError("the template string is not closed".to_owned()))?;
    Ok(&rest[..end])
}

/// Splits into text and actions, applying `{{-` / `-}}` trimming.
fn tokens(body: &str) -> Result<Vec<(bool, String)>, TemplateError> {
    let mut out: Vec<(bool, String)> = Vec::new();
    let mut rest = body;
    let mut trim_next = false;
    while let Some(open) = rest.find("{{") {
        let mut text = rest[..open].to_owned();
        if trim_next {
            text = text.trim_start().to_owned();
        }
        let after = &rest[open + 2..];
        let close = after.find("}}").ok_or_else(|| TemplateError("an action is not closed with }}".to_owned()))?;
        let mut action = &after[..close];
        if let Some(a) = action.strip_prefix('-') {
            text = text.trim_end().to_owned();
            action = a;
        }
        trim_next = false;
        if let Some(a) = action.strip_suffix('-') {
            trim_next = true;
            action = a;
        }
        out.push((false, text));
        out.push((true, action.trim().to_owned()));
        rest = &after[close + 2..];
    }
    let text = if trim_next { rest.trim_start() } else { rest };
    out.push((false, text.to_owned()));
    Ok(out)
}

fn tree(tokens: &mut std::vec::IntoIter<(bool, String)>, depth: usize) -> Result<Vec<Node>, TemplateError> {
    let mut nodes = Vec::new();
    while let Some((is_action, text)) = tokens.next() {
        if !is_action {
            nodes.push(Node::Text(text));
            continue;
        }
        if text == "end" {
            if depth == 0 {
                return Err(TemplateError("{{end}} without an opening action".to_owned()));
            }
            return Ok(nodes);
        }
        if let Some(cond) = text.strip_prefix("if ") {
            nodes.push(Node::If(cond.trim().to_owned(), tree(tokens, depth + 1)?));
        } else if let Some(r) = text.strip_prefix("range ") {
            let field = r.rsplit(' ').next().unwrap_or("").to_owned();
            nodes.push(Node::Range(field, tree(tokens, depth + 1)?));
        } else {
            nodes.push(Node::Var(text));
        }
    }
    if depth > 0 {
        return Err(TemplateError("an {{if}} or {{range}} has no {{end}}".to_owned()));
    }
    Ok(nodes)
}

fn truth(cond: &str, data: &TemplateData) -> Result<bool, TemplateError> {
    Ok(match cond {
        ".Abi" => !data.abi.is_empty(),
        ".Imports" => !data.imports.is_empty(),
        ".InnerImports" => !data.inner_imports.is_empty(),
        ".DaemonProfile" => !data.daemon_profile.is_empty(),
        other => match other.strip_prefix("ge .Version ").map(|n| n.trim().parse::<u32>()) {
            Some(Ok(n)) => data.version >= n,
            _ => return Err(TemplateError(format!("the condition {other:?} is not one this renderer knows"))),
        },
    })
}

fn run(nodes: &[Node], data: &TemplateData, value: Option<&str>, out: &mut String) -> Result<(), TemplateError> {
    for n in nodes {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::Var(v) => out.push_str(match v.as_str() {
                ".Name" => &data.name,
                ".DaemonProfile" => &data.daemon_profile,
                ".Abi" => &data.abi,
                "$value" => value.unwrap_or(""),
                other => return Err(TemplateError(format!("the field {other:?} is not one this renderer knows"))),
            }),
            Node::If(cond, body) => {
                if truth(cond, data)? {
                    run(body, data, value, out)?;
                }
            }
            Node::Range(field, body) => {
                let list = match field.as_str() {
                    ".Imports" => &data.imports,
                    ".InnerImports" => &data.inner_imports,
                    other => return Err(TemplateError(format!("cannot range over {other:?}"))),
                };
                for v in list {
                    run(body, data, Some(v), out)?;
                }
            }
        }
    }
    Ok(())
}

/// Executes a Docker AppArmor template (Go source) with `data`.
///
/// # Errors
/// [`TemplateError`] when the source has no `baseTemplate` or uses a construct this small
/// renderer does not know; never for the embedded templates (a test renders both).
pub fn render_source(source: &str, data: &TemplateData) -> Result<String, TemplateError> {
    let body = template_body(source)?;
    let mut toks = tokens(body)?.into_iter();
    let nodes = tree(&mut toks, 0)?;
    let mut out = String::new();
    run(&nodes, data, None, &mut out)?;
    Ok(out)
}

/// The profile text Docker generates from `template`.
///
/// # Errors
/// As [`render_source`].
pub fn render(template: Template, data: &TemplateData) -> Result<String, TemplateError> {
    render_source(template.source(), data)
}

/// One rule of docker-default with what it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExplainedRule {
    pub line: usize,
    pub raw: String,
    /// Plain words for this rule in this profile.
    pub plain: String,
}

/// What docker-default denies and allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DockerDefault {
    pub template: Template,
    pub template_label: String,
    /// The generated profile text.
    pub profile_text: String,
    pub profile: ProfileText,
    /// Explicit `deny` rules, in order.
    pub denies: Vec<ExplainedRule>,
    /// What the profile allows broadly, and what it allows only narrowly.
    pub allows: Vec<ExplainedRule>,
    /// What is denied because no rule allows it.
    pub implicit: Vec<String>,
    /// How the mode (enforce / complain) changes all of this.
    pub mode: String,
}

/// Plain words for the rules of Docker's template, keyed by the rule as written.
fn plain(item: &Item) -> Option<&'static str> {
    let raw = item.raw.as_str();
    Some(match raw {
        "deny @{PROC}/* w," => "Writing to files directly in /proc (not in its subdirectories).",
        r"deny @{PROC}/{[^1-9],[^1-9][^0-9],[^1-9s][^0-9y][^0-9s],[^1-9][^0-9][^0-9][^0-9]*}/** w,"
        | r"deny @{PROC}/{[^1-9/],[^1-9/][^0-9/],[^1-9s/][^0-9y/][^0-9s/],[^1-9/][^0-9/][^0-9/][^0-9/]*}/** w," => {
            "Writing anywhere below /proc except in per-process directories (/proc/<pid>/…) and /proc/sys."
        }
        "deny @{PROC}/sys/[^k]** w," => "Writing to /proc/sys except /proc/sys/kernel (for example /proc/sys/net, /proc/sys/vm, /proc/sys/fs).",
        "deny @{PROC}/sys/kernel/{?,??,[^s][^h][^m]**} w," => "Writing to /proc/sys/kernel except the shm* settings (shmmax, shmall, shmmni).",
        "deny @{PROC}/sysrq-trigger rwklx," => "Any access to /proc/sysrq-trigger, which can reboot, crash or freeze the host.",
        "deny @{PROC}/kcore rwklx," => "Any access to /proc/kcore, the host's physical memory as an ELF core file.",
        "deny mount," => "Every mount (umount is allowed).",
        "deny /sys/[^f]*/** wklx," => "Writing, locking, linking or executing anywhere in /sys outside /sys/fs/cgroup (this rule and the next four together): here, /sys outside /sys/f*.",
        "deny /sys/f[^s]*/** wklx," => "… and /sys/f* other than /sys/fs.",
        "deny /sys/fs/[^c]*/** wklx," => "… and /sys/fs outside /sys/fs/c*.",
        "deny /sys/fs/c[^g]*/** wklx," => "… and /sys/fs/c* other than /sys/fs/cg*.",
        "deny /sys/fs/cg[^r]*/** wklx," => "… and /sys/fs/cg* other than /sys/fs/cgroup.",
        "deny /sys/firmware/** rwklx," => "Any access to /sys/firmware (ACPI tables, EFI variables and other firmware data).",
        "deny /sys/devices/virtual/powercap/** rwklx," => "Any access to powercap (RAPL energy counters, a side channel used to infer secrets: CVE-2020-8694).",
        "deny /sys/kernel/security/** rwklx," => "Any access to securityfs (/sys/kernel/security), where the LSMs, AppArmor included, expose their policy.",
        "deny network alg," => "AF_ALG sockets (the kernel's crypto API).",
        "network," => "All networking (every socket family and type), except what a deny rule removes.",
        "capability," => "Every capability the container holds; its capability sets still decide which it has.",
        "file," => "Every file access, except what the deny rules remove.",
        "umount," => "Unmounting.",
        _ => return None,
    })
}

/// Explains Docker's generated profile: every deny rule, what it allows and what is denied
/// because no rule allows it; `mode` is the label's mode when known.
///
/// # Errors
/// [`TemplateError`] as a [`ProfileTextError`] message if the template cannot be rendered or
/// read, which the tests rule out for both embedded templates.
pub fn explain(template: Template, mode: Option<&AppArmorMode>) -> Result<DockerDefault, String> {
    let data = TemplateData::default();
    let text = render(template, &data).map_err(|e| e.to_string())?;
    let profile = parse(&text).map_err(|e: ProfileTextError| e.to_string())?;
    let mut denies = Vec::new();
    let mut allows = Vec::new();
    for item in &profile.items {
        if item.depth == 0 {
            continue;
        }
        if matches!(item.kind, ItemKind::ProfileEnd | ItemKind::Include { .. }) {
            continue;
        }
        let words = plain(item).map(str::to_owned).unwrap_or_else(|| item.explanation.clone());
        let r = ExplainedRule { line: item.line, raw: item.raw.clone(), plain: words };
        if item.qualifiers.deny {
            denies.push(r);
        } else {
            allows.push(r);
        }
    }
    let ptrace_peer = profile.items.iter().find_map(|i| match &i.kind {
        ItemKind::Ptrace { peer, .. } => peer.clone(),
        _ => None,
    });
    let mut implicit = vec![
        match &ptrace_peer {
            Some(p) => format!("ptrace except between processes confined by {p} (its own peers): no rule allows the rest."),
            None => "All ptrace: no rule allows it (on AppArmor 2.9+ parsers the 2018 template adds a peer rule).".to_owned(),
        },
        "pivot_root, remount and change_profile: no rule allows them.".to_owned(),
    ];
    if profile.items.iter().any(|i| matches!(i.kind, ItemKind::Signal { .. })) {
        implicit.push("Signals from processes other than the peers the signal rules name.".to_owned());
    }
    let mode = match mode {
        Some(m @ AppArmorMode::Complain) => format!("This label is in {} None of the above is blocked, only logged.", m.explanation()),
        Some(m) => format!("This label is in {} Denied file accesses fail with EACCES (Permission denied), a denied mount or ptrace with EACCES or EPERM.", m.explanation()),
        None => "The label's mode decides: in enforce mode every denial above blocks the access (and is logged when audited); in complain mode nothing is blocked, denials are only logged.".to_owned(),
    };
    Ok(DockerDefault { template, template_label: template.label().to_owned(), profile_text: text, profile, denies, allows, implicit, mode })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_templates_render_and_read() {
        for t in [Template::Current, Template::Docker2018] {
            let text = render(t, &TemplateData::default()).unwrap();
            assert!(text.contains("profile"), "{text}");
            assert!(!text.contains("{{"), "{text}");
            let d = explain(t, None).unwrap();
            assert!(d.profile.warnings.is_empty(), "{:?}", d.profile.warnings);
            assert!(d.denies.iter().all(|r| !r.plain.starts_with("Denies")), "{:?}", d.denies);
        }
    }

    /// What docker-default denies is every `deny` line of the template (moby's text, kept under
    /// ../shared/fixtures/seccomp too), each in its own words, in order and at its line of the
    /// rendered text; what it allows is every other rule; the rules no rule allows follow the
    /// template: a signal line only where the template has signal rules.
    #[test]
    fn denies_and_allows_are_the_templates_rules() {
        for (t, fixture) in [(Template::Current, "moby-profiles_apparmor_template.go.txt"), (Template::Docker2018, "moby-a575b0b-seed_apparmor_template.go.txt")] {
            let source = std::fs::read_to_string(format!("{}/../shared/fixtures/seccomp/{fixture}", env!("CARGO_MANIFEST_DIR"))).unwrap();
            assert_eq!(source, t.source(), "{fixture}");
            let body = template_body(&source).unwrap();
            let deny_lines: Vec<String> = body.lines().map(|l| l.split("  #").next().unwrap_or("").trim().to_owned()).filter(|l| l.starts_with("deny ")).collect();
            let d = explain(t, None).unwrap();
            assert_eq!(d.denies.iter().map(|r| r.raw.clone()).collect::<Vec<_>>(), deny_lines, "{fixture}");
            assert!(d.denies.iter().all(|r| r.plain.ends_with('.') && !r.plain.starts_with("Denies")), "{:?}", d.denies);
            let lines: Vec<&str> = d.profile_text.lines().collect();
            for r in d.denies.iter().chain(&d.allows) {
                assert_eq!(lines[r.line - 1].trim().split("  #").next().unwrap_or("").trim(), r.raw, "{fixture} line {}", r.line);
            }
            let rules: Vec<&str> = body.lines().map(str::trim).filter(|l| l.ends_with(',') && !l.starts_with("deny ") && !l.starts_with('#') && !l.contains("{{if .Abi}}")).collect();
            assert_eq!(d.allows.len(), rules.len(), "{fixture}: {:?} {rules:?}", d.allows);
            for word in ["network,", "capability,", "file,", "umount,"] {
                let r = d.allows.iter().find(|r| r.raw == word).unwrap();
                assert!(!r.plain.starts_with("Allows"), "{word}: {}", r.plain);
            }
            let signals = body.contains("\n  signal ");
            assert_eq!(d.implicit.iter().any(|i| i.starts_with("Signals from processes other than")), signals, "{fixture}");
            assert_eq!(d.implicit.len(), 2 + usize::from(signals));
            assert_eq!(d.implicit[1], "pivot_root, remount and change_profile: no rule allows them.");
            assert_eq!(d.template, t);
            // The label names the commit SOURCES.md says the template was taken from.
            let sources = std::fs::read_to_string(format!("{}/../shared/fixtures/seccomp/SOURCES.md", env!("CARGO_MANIFEST_DIR"))).unwrap();
            let row: Vec<&str> = sources.lines().find(|l| l.starts_with(&format!("| {fixture} |"))).unwrap().split('|').map(str::trim).collect();
            let commit = row[3].split_whitespace().next().unwrap();
            assert!(d.template_label.contains(&format!("{} {}", row[2], &commit[..7])), "{fixture}: {} against {row:?}", d.template_label);
            assert!(d.template_label.starts_with("Docker's "), "{}", d.template_label);
        }
    }

    /// The mode sentence: apparmor.d(5) "enforce … the action will be denied, with an EACCES or
    /// EPERM error code returned to userspace", "complain … the action will be allowed, but the
    /// violation will be logged", "kill … the task is also sent a signal to kill it".
    #[test]
    fn the_mode_decides_what_is_blocked() {
        let mode = |m: Option<&AppArmorMode>| explain(Template::Current, m).unwrap().mode;
        assert!(mode(None).starts_with("The label's mode decides: in enforce mode every denial above blocks the access"), "{}", mode(None));
        let enforce = mode(Some(&AppArmorMode::Enforce));
        assert!(enforce.starts_with("This label is in enforce mode") && enforce.contains("EACCES") && enforce.contains("EPERM"), "{enforce}");
        let kill = mode(Some(&AppArmorMode::Kill));
        assert!(kill.starts_with("This label is in kill mode: a rule violation kills the task.") && kill.contains("EACCES"), "{kill}");
        assert_eq!(mode(Some(&AppArmorMode::Complain)), "This label is in complain (learning) mode: nothing is denied; what the rules would deny is only logged. None of the above is blocked, only logged.");
    }

    /// A source without a template, or with an unclosed one, is refused with a sentence.
    #[test]
    fn sources_without_a_template_are_refused() {
        let data = TemplateData::default();
        assert_eq!(render_source("package apparmor\n", &data).unwrap_err().to_string(), "The AppArmor template cannot be rendered: no `const baseTemplate = `…`` in the source.");
        assert_eq!(render_source("const baseTemplate = `profile x {", &data).unwrap_err().to_string(), "The AppArmor template cannot be rendered: the template string is not closed.");
        assert_eq!(render_source("const baseTemplate = `a {{.Name}} b`", &data).unwrap(), "a docker-default b");
    }

    #[test]
    fn trimming_follows_go() {
        let src = "const baseTemplate = `a\n{{if .Abi}}abi <{{.Abi}}>,\n{{- end}}\n{{range $value := .Imports}}\n{{$value}}\n{{- end}}\nz`";
        let data = TemplateData { abi: "abi/3.0".into(), imports: vec!["i1".into(), "i2".into()], ..TemplateData::default() };
        assert_eq!(render_source(src, &data).unwrap(), "a\nabi <abi/3.0>,\n\ni1\ni2\nz");
    }
}
