//! AppArmor profile text and Docker's templates against the real tools.
//!
//! - `apparmor_parser -Q -K -d FILE` (Debian package `apparmor`): compiles the text without a
//!   kernel or cache and prints the structures it built. Which capabilities, network families,
//!   file permissions and signal/ptrace rules a rule makes; whether a denial is quiet (not
//!   logged) or audited; whether `owner` limits a file rule to the owner; and whether it accepts
//!   the text at all (a text Tarsier warns about is one the parser rejects, at the same line).
//! - Go's `text/template` (Debian package `golang-go`), the package Docker executes its AppArmor
//!   templates with: Tarsier's renderer gives the same text for the embedded templates and
//!   for small templates using each construct, and fails where Go fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use tarsier::core::apparmor_profile::{self, explain_docker_default, parse, render, render_source, Item, ItemKind, Template, TemplateData};

fn tool(name: &str, package: &str) -> PathBuf {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/sbin")])
        .map(|d| d.join(name))
        .find(|p| p.is_file());
    found.unwrap_or_else(|| panic!("{name} is missing: install the Debian package `{package}` (apt-get install {package})"))
}

/// `apparmor_parser -Q -K -d` on `text`: (accepted, what it printed on stdout and stderr).
fn apparmor_parser(name: &str, text: &str) -> (bool, String) {
    let parser = tool("apparmor_parser", "apparmor");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("apparmor-oracle");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    let out = Command::new(parser).args(["-Q", "-K", "-d"]).arg(&path).output().unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

/// The parser's dump split by profile: name → its lines.
fn dump_blocks(dump: &str) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    let mut current = None;
    for line in dump.lines() {
        if let Some(name) = line.strip_prefix("Name:\t\t") {
            current = Some(name.to_owned());
            out.insert(name.to_owned(), Vec::new());
        } else if let Some(name) = &current {
            out.get_mut(name).unwrap().push(line.to_owned());
        }
    }
    out
}

/// The value of a `Key: value` line of a block (`Deny Caps: mknod`), braces dropped
/// (`Network: inet { stream }` → `inet stream`).
fn field(block: &[String], key: &str) -> Option<String> {
    block.iter().find_map(|l| l.strip_prefix(key)).map(|v| v.replace(['{', '}'], " ").split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Every capability the kernel headers name (`#define CAP_CHOWN 0` …), lower case.
fn kernel_capabilities() -> BTreeSet<String> {
    let header = std::fs::read_to_string("/usr/include/linux/capability.h").expect("/usr/include/linux/capability.h: install the Debian package `linux-libc-dev`");
    header
        .lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            match (w.next(), w.next(), w.next()) {
                (Some("#define"), Some(name), Some(num)) if name.starts_with("CAP_") && num.parse::<u32>().is_ok() => Some(name["CAP_".len()..].to_ascii_lowercase()),
                _ => None,
            }
        })
        .collect()
}

/// One profile per rule, `p0`, `p1`, …, each holding only that rule on line 2 of its block.
fn one_profile_per_rule(rules: &[&str]) -> String {
    rules.iter().enumerate().map(|(i, r)| format!("profile p{i} {{\n  {r}\n}}\n")).collect()
}

/// Each rule alone in a profile, compiled by apparmor_parser (which must accept them all) and
/// read by Tarsier: per rule, the parser's dump block and Tarsier's item for the rule.
fn each_rule(name: &str, rules: &[&str]) -> Vec<(Vec<String>, Item)> {
    let text = one_profile_per_rule(rules);
    let (ok, dump) = apparmor_parser(name, &text);
    assert!(ok, "{dump}");
    let mut blocks = dump_blocks(&dump);
    let profile = parse(&text).unwrap();
    (0..rules.len())
        .map(|i| (blocks.remove(&format!("p{i}")).unwrap_or_else(|| panic!("no p{i} in {dump}")), profile.items[3 * i + 1].clone()))
        .collect()
}

/// What the note after a rule's words must be, from the parser's view of it: a deny rule is
/// quiet unless audited (`Quiet …` lists it); an allow rule is logged only when audited.
fn note(denies: bool, quiet: bool, audited: bool) -> &'static str {
    match (denies, quiet, audited) {
        (true, true, _) => " silently (deny rules are not logged unless audited)",
        (true, false, _) => " and logs every attempt",
        (false, _, true) => ", logging every use",
        (false, _, false) => "",
    }
}

/// Capability and network rules with every combination of `audit` and `deny`: the
/// capabilities (as CAP_ names) or socket families and types Tarsier names are the ones the
/// parser builds, "Allows"/"Denies" is the side it puts them on, and the logging note matches
/// its quiet and audit sets; a rule without names covers every capability of the kernel.
#[test]
fn capability_and_network_rules_read_as_apparmor_parser_builds_them() {
    let rules = [
        "capability net_raw sys_admin,",
        "deny capability mknod,",
        "audit capability chown,",
        "audit deny capability kill setuid,",
        "capability,",
        "deny capability,",
        "audit deny capability,",
        "audit capability,",
        "network,",
        "network inet stream,",
        "deny network inet6 raw,",
        "audit network unix dgram,",
        "audit deny network,",
        "deny network,",
    ];
    let compiled = each_rule("caps-net", &rules);
    let all_caps = kernel_capabilities();
    assert!(all_caps.len() >= 38, "{all_caps:?}");
    for (rule, (block, item)) in rules.iter().zip(&compiled) {
        assert_eq!(item.raw, *rule);
        match &item.kind {
            ItemKind::Capability { caps } => {
                let (denies, list) = match field(block, "Deny Caps:") {
                    Some(d) => (true, d),
                    None => (false, field(block, "Capabilities:").unwrap()),
                };
                let built: BTreeSet<String> = list.split(' ').map(str::to_owned).collect();
                let n = note(denies, field(block, "Quiet Caps:").is_some(), field(block, "Audit Caps:").is_some());
                let verb = if denies { "Denies" } else { "Allows" };
                let expected = if caps.is_empty() {
                    assert_eq!(built, all_caps, "{rule}");
                    format!("{verb} every capability{n} (a process still has only the capabilities its sets hold).")
                } else {
                    assert_eq!(caps.iter().cloned().collect::<BTreeSet<_>>(), built, "{rule}");
                    format!("{verb} {}{n}.", caps.iter().map(|c| format!("CAP_{}", c.to_ascii_uppercase())).collect::<Vec<_>>().join(", "))
                };
                assert_eq!(item.explanation, expected, "{rule}: {block:?}");
            }
            ItemKind::Network { terms } => {
                let (denies, built) = match field(block, "Deny Net:") {
                    Some(d) => (true, d),
                    None => (false, field(block, "Network:").unwrap()),
                };
                let n = note(denies, field(block, "Quiet Net:").is_some(), field(block, "Audit Net:").is_some());
                let verb = if denies { "Denies" } else { "Allows" };
                let expected = if built == "<all>" {
                    assert!(terms.is_empty(), "{rule}");
                    format!("{verb} all networking: every socket family and type{n}.")
                } else {
                    assert_eq!(terms.join(" "), built, "{rule}");
                    format!("{verb} network sockets of {built}{n}.")
                };
                assert_eq!(item.explanation, expected, "{rule}: {block:?}");
            }
            other => panic!("{rule}: {other:?}"),
        }
    }
}

/// File rules: the path and the permission letters Tarsier names are the entry the parser
/// builds (it adds append `a` to every write `w`), and "when the process owns the file" is
/// said exactly when the entry grants nothing to other users' files (the part after `:`).
#[test]
fn file_rules_read_as_apparmor_parser_builds_them() {
    let rules = [
        "owner /srv/data/** rwlkm,",
        "/etc/hosts r,",
        "rw /etc/passwd,",
        "audit owner /var/cache/* rk,",
        "file /var/log/app.log w,",
        "/var/log/journal.log a,",
        "/usr/lib/** rm,",
        "owner file /home/*/.cache/ l,",
        "/usr/bin/tool ix,",
        "\"/srv/odd (name/**\" r,",
        "file,",
        "owner file,",
    ];
    let compiled = each_rule("files", &rules);
    for (rule, (block, item)) in rules.iter().zip(&compiled) {
        let ItemKind::File { path, perms, .. } = &item.kind else { panic!("{rule}: {:?}", item.kind) };
        // `Mode:\tOWNER:OTHERS\tName:\t(PATH)`
        let entry = block.iter().find(|l| l.starts_with("Mode:\t")).unwrap_or_else(|| panic!("{rule}: {block:?}"));
        let cols: Vec<&str> = entry.split('\t').collect();
        let (owner_mode, others_mode) = cols[1].split_once(':').unwrap();
        let name = cols[3].trim_start_matches('(').trim_end_matches(')');
        let owner_only = others_mode.is_empty();
        assert_eq!(item.explanation.contains(" when the process owns the file"), owner_only, "{rule}: {entry}: {}", item.explanation);
        match (path, perms) {
            (Some(path), Some(perms)) => {
                assert_eq!(path.trim_matches('"'), name, "{rule}");
                // The letters named in the words, `read (r)` → r; exec modes name their letters first.
                let named: BTreeSet<char> = item.explanation.match_indices(" (").filter_map(|(at, _)| item.explanation[at + 2..].chars().next()).filter(|c| "rwalkm".contains(*c)).collect();
                let mut built: BTreeSet<char> = owner_mode.chars().filter(|c| "rwalkm".contains(*c)).collect();
                if perms.contains('w') {
                    built.remove(&'a');
                }
                assert_eq!(named, built, "{rule}: {entry}: {}", item.explanation);
                assert_eq!(owner_mode.contains('x'), perms.contains('x'), "{rule}: {entry}");
            }
            (None, None) => {
                // `file,` is every path with every permission.
                assert_eq!((name, owner_mode), ("/{**,}", "rwalkmx"), "{rule}");
                assert!(item.explanation.contains(" every file access"), "{}", item.explanation);
            }
            _ => panic!("{rule}: {:?}", item.kind),
        }
    }
}

/// Signal and ptrace rules: the permissions, signal set and peer Tarsier lists are the ones
/// the parser prints back (`signal (send ) set=(hup, term) foo,`).
#[test]
fn signal_and_ptrace_rules_read_as_apparmor_parser_builds_them() {
    let rules = [
        "signal (send) set=(hup, term) peer=foo,",
        "signal (receive) peer=unconfined,",
        "signal send set=(kill),",
        "deny signal (send) set=(usr1),",
        "ptrace (read) peer=bar,",
        "ptrace (trace,read) peer=\"docker-default\",",
        "audit ptrace (readby),",
    ];
    let compiled = each_rule("signals", &rules);
    for (rule, (block, item)) in rules.iter().zip(&compiled) {
        let kind = rule.split_whitespace().find(|w| *w == "signal" || *w == "ptrace").unwrap();
        let echo = block.iter().find(|l| l.contains(&format!("{kind} "))).unwrap_or_else(|| panic!("{rule}: {block:?}"));
        // `KIND (PERMS ) [set=(A, B)] [PEER],`
        let body = echo[echo.find(kind).unwrap() + kind.len()..].trim().trim_end_matches(',');
        let (perms_built, rest) = match body.strip_prefix('(') {
            Some(b) => b.split_once(')').unwrap(),
            None => ("", body),
        };
        let perms_built: BTreeSet<&str> = perms_built.split_whitespace().collect();
        let rest = rest.trim();
        let (set_built, peer_built) = match rest.strip_prefix("set=(") {
            Some(s) => {
                let (set, peer) = s.split_once(')').unwrap();
                (set.split(", ").map(str::trim).collect::<Vec<_>>(), peer.trim())
            }
            None => (Vec::new(), rest),
        };
        let peer_built = (!peer_built.is_empty()).then_some(peer_built);
        let (perms, set, peer) = match &item.kind {
            ItemKind::Signal { perms, set, peer } => (perms, set.clone(), peer),
            ItemKind::Ptrace { perms, peer } => (perms, Vec::new(), peer),
            other => panic!("{rule}: {other:?}"),
        };
        assert_eq!(perms.iter().map(String::as_str).collect::<BTreeSet<_>>(), perms_built, "{rule}: {echo}");
        assert_eq!(set, set_built, "{rule}: {echo}");
        assert_eq!(peer.as_deref(), peer_built, "{rule}: {echo}");
        let with = peer.as_ref().map(|p| format!(" with processes confined by {p}")).unwrap_or_else(|| " with any process".to_owned());
        let words = perms.join(", ");
        let verb = if rule.contains("deny ") { "Denies" } else { "Allows" };
        let n = note(rule.contains("deny "), !rule.contains("audit "), rule.contains("audit "));
        let expected = if kind == "ptrace" {
            format!("{verb} ptrace access ({words}){with}{n}.")
        } else {
            let of = if set.is_empty() { String::new() } else { format!(" of {}", set.join(", ")) };
            format!("{verb} signals{of} ({words}){with}{n}.")
        };
        assert_eq!(item.explanation, expected, "{rule}");
    }
}

/// A text Tarsier warns about is one the parser rejects, and the parser's error names the line
/// Tarsier names (a stray closing brace) or the line right after the statement without its
/// comma (where the parser meets the brace instead of the comma); a text without warnings is
/// one the parser accepts.
#[test]
fn warnings_are_what_apparmor_parser_rejects_at_the_same_line() {
    // (text, Tarsier's warning, the line the parser names)
    let cases: [(&str, &str, usize); 4] = [
        ("profile t {\n  capability chown,\n  /etc/hosts r\n}\n", "Line 3: \"/etc/hosts r\" does not end with a comma.", 4),
        ("profile t {\n  capability chown,\n}\n}\n", "Line 4: a closing brace with no profile open.", 4),
        ("# a comment\n\nprofile t {\n  capability chown\n}\n", "Line 4: \"capability chown\" does not end with a comma.", 5),
        ("profile t {\n  capability chown,\n", "The text ends before a profile's closing brace.", 3),
    ];
    for (i, (text, warning, parser_line)) in cases.iter().enumerate() {
        let (ok, out) = apparmor_parser(&format!("bad{i}"), text);
        assert!(!ok, "{text}: {out}");
        assert!(out.contains(&format!(" at line {parser_line}: ")), "{text}: {out}");
        let p = parse(text).unwrap();
        assert_eq!(p.warnings, [warning.to_string()], "{text}");
    }
    let good = "#include <tunables/global>\n@{MY}=/srv/my\nprofile t flags=(complain) {\n  #include <abstractions/base>\n  @{MY}/** r,  # comment\n  signal (send) set=(hup),\n  ^hat {\n    capability chown,\n  }\n}\n";
    let (ok, out) = apparmor_parser("good", good);
    assert!(ok, "{out}");
    let p = parse(good).unwrap();
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

/// Both of Docker's templates, rendered, are profiles the parser accepts (with Debian's
/// `tunables/global` and `abstractions/base`), and what Tarsier says docker-default denies and
/// allows is what the parser builds: AF_ALG sockets denied, every capability and network
/// allowed, and the signal and ptrace peers of the template.
#[test]
fn docker_default_is_what_apparmor_parser_builds() {
    let (ok, dump) = apparmor_parser("dd-base", "#include <tunables/global>\nprofile docker-default {\n  #include <abstractions/base>\n}\n");
    assert!(ok, "{dump}");
    let base_blocks = dump_blocks(&dump);
    let base = &base_blocks["docker-default"];
    for (t, file) in [(Template::Current, "dd-current"), (Template::Docker2018, "dd-2018")] {
        let d = explain_docker_default(t, None).unwrap();
        let (ok, dump) = apparmor_parser(file, &d.profile_text);
        assert!(ok, "{dump}");
        let blocks = dump_blocks(&dump);
        let block = &blocks["docker-default"];
        let denied_net = field(block, "Deny Net:");
        assert_eq!(d.denies.iter().any(|r| r.raw == "deny network alg,"), denied_net.as_deref() == Some("alg"), "{denied_net:?}");
        assert_eq!(field(block, "Network:").as_deref(), Some("<all>"));
        assert!(d.allows.iter().any(|r| r.raw == "network," && r.plain.starts_with("All networking")), "{:?}", d.allows);
        assert_eq!(field(block, "Capabilities:").map(|c| c.split(' ').map(str::to_owned).collect::<BTreeSet<_>>()), Some(kernel_capabilities()));
        assert!(d.allows.iter().any(|r| r.raw == "capability," && r.plain.starts_with("Every capability")), "{:?}", d.allows);
        // `signal (receive ) PEER,`: the peers of the template's rules, with those of
        // abstractions/base (the same profile compiled with only that include).
        let peers = |block: &[String], kind: &str| -> BTreeSet<String> {
            block.iter().filter(|l| l.starts_with(kind)).map(|l| l.trim_end_matches(',').rsplit(' ').next().unwrap().to_owned()).filter(|p| !p.starts_with("set=") && !p.ends_with(')')).collect()
        };
        let ours = |signal: bool| -> BTreeSet<String> {
            d.profile.items.iter().filter_map(|i| match &i.kind {
                ItemKind::Signal { peer, .. } if signal => peer.clone(),
                ItemKind::Ptrace { peer, .. } if !signal => peer.clone(),
                _ => None,
            }).collect()
        };
        assert_eq!(peers(block, "signal"), &ours(true) | &peers(base, "signal"), "{block:?}");
        assert_eq!(peers(block, "ptrace"), &ours(false) | &peers(base, "ptrace"), "{block:?}");
        assert_eq!(ours(false), BTreeSet::from(["docker-default".to_owned()]));
        assert_eq!(d.implicit[0], "ptrace except between processes confined by docker-default (its own peers): no rule allows the rest.");
        // The line numbers are those of the rendered text.
        let lines: Vec<&str> = d.profile_text.lines().collect();
        for r in d.denies.iter().chain(&d.allows) {
            assert!(lines[r.line - 1].trim_start().starts_with(r.raw.trim_end_matches(',')), "{} {}", r.line, r.raw);
        }
    }
}

const GO_RENDER: &str = r#"package main

import (
	"encoding/json"
	"os"
	"strings"
	"text/template"
)

// The fields moby's profileData gives the template.
type Data struct {
	Name          string
	DaemonProfile string
	Imports       []string
	InnerImports  []string
	Abi           string
	Version       int
}

type Case struct {
	Template string
	Data     Data
}

type Result struct {
	Ok  bool
	Out string
	Err string
}

func main() {
	var cases []Case
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		panic(err)
	}
	res := []Result{}
	for _, c := range cases {
		t, err := template.New("apparmor_profile").Parse(c.Template)
		if err != nil {
			res = append(res, Result{Err: err.Error()})
			continue
		}
		var b strings.Builder
		if err := t.Execute(&b, c.Data); err != nil {
			res = append(res, Result{Err: err.Error()})
			continue
		}
		res = append(res, Result{Ok: true, Out: b.String()})
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		panic(err)
	}
}
"#;

/// Go's answers for `cases`, cached under the target directory by the program, the cases and
/// the Go version (a mutation run repeats this test hundreds of times).
fn go_render(cases: &serde_json::Value) -> Vec<serde_json::Value> {
    use sha2::{Digest, Sha256};
    let go = tool("go", "golang-go");
    let version = Command::new(&go).arg("version").output().unwrap().stdout;
    let input = cases.to_string();
    let key = Sha256::digest([GO_RENDER.as_bytes(), input.as_bytes(), &version].concat());
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("go-template");
    std::fs::create_dir_all(&dir).unwrap();
    let cache = dir.join(format!("{:x}.json", key));
    if let Ok(saved) = std::fs::read(&cache) {
        return serde_json::from_slice(&saved).unwrap();
    }
    let program = dir.join("render.go");
    std::fs::write(&program, GO_RENDER).unwrap();
    let mut child = Command::new(&go).arg("run").arg(&program).env("GO111MODULE", "off").env("GOFLAGS", "").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let tmp = dir.join(format!("{:x}.tmp{}", key, std::process::id()));
    std::fs::write(&tmp, &out.stdout).unwrap();
    std::fs::rename(&tmp, &cache).unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

fn go_data(d: &TemplateData) -> serde_json::Value {
    serde_json::json!({"Name": d.name, "DaemonProfile": d.daemon_profile, "Imports": d.imports, "InnerImports": d.inner_imports, "Abi": d.abi, "Version": d.version})
}

/// The template body of a Go source (what Go's `baseTemplate` holds).
fn body(source: &str) -> &str {
    let start = source.find("baseTemplate = `").unwrap() + "baseTemplate = `".len();
    let len = source[start..].find('`').unwrap();
    &source[start..start + len]
}

/// Tarsier's renderer against Go's `text/template`: both embedded templates with the data of
/// hosts that differ (no includes, an ABI, an old parser, a confined daemon, another name),
/// small templates with each construct and trimming, and templates Go refuses.
#[test]
fn templates_render_as_go_text_template_renders_them() {
    let base = TemplateData::default();
    let datas = [
        base.clone(),
        TemplateData { abi: "abi/3.0".into(), ..base.clone() },
        TemplateData { imports: vec![], inner_imports: vec![], ..base.clone() },
        TemplateData { imports: vec!["#include <a>".into(), "#include <b>".into()], inner_imports: vec!["#include <c>".into(), "#include <d>".into()], ..base.clone() },
        TemplateData { version: 208_094, ..base.clone() },
        TemplateData { version: 208_095, ..base.clone() },
        TemplateData { name: "my-profile".into(), daemon_profile: "dockerd-custom".into(), ..base.clone() },
        TemplateData { daemon_profile: String::new(), ..base.clone() },
    ];
    let small = [
        "a {{- .Name -}} b",
        "x\n  {{- range $value := .Imports}} [{{$value}}] {{- end}}\ny",
        "{{if .DaemonProfile}}D={{.DaemonProfile}}{{end}}|{{if .InnerImports}}I{{end}}|{{if .Imports}}M{{end}}|{{if .Abi}}A{{end}}",
        "{{if ge .Version 208095}}new{{end}}{{if ge .Version 300001}}newer{{end}}\n\t{{- /* */ -}}\n z",
        "{{range $value := .InnerImports}}<{{$value}}>{{end}}",
        "  {{- .Abi -}}  \n",
        "{{end}}",
        "{{if .Abi}}open",
        "{{.Name",
        "{{.Nope}}",
        "{{range $value := .Name}}x{{end}}",
        "{{if .Nope}}x{{end}}",
    ];
    let mut sources: Vec<(String, TemplateData)> = Vec::new();
    for t in [Template::Current, Template::Docker2018] {
        for d in &datas {
            sources.push((t.source().to_owned(), d.clone()));
        }
    }
    for s in small {
        for d in &datas[..3] {
            sources.push((format!("const baseTemplate = `{s}`\n"), d.clone()));
        }
    }
    let cases: Vec<serde_json::Value> = sources.iter().map(|(s, d)| serde_json::json!({"Template": body(s), "Data": go_data(d)})).collect();
    let answers = go_render(&serde_json::Value::Array(cases));
    assert_eq!(answers.len(), sources.len());
    let mut failures = 0;
    for ((source, data), go) in sources.iter().zip(&answers) {
        // `{{/* */}}` comments are Go's; Tarsier's renderer does not know them and must say so.
        let comment = source.contains("{{- /* */ -}}");
        match render_source(source, data) {
            Ok(text) => {
                assert!(!comment, "{source}");
                assert_eq!(go["Ok"], true, "Go fails where Tarsier renders: {source} {}", go["Err"]);
                assert_eq!(text, go["Out"].as_str().unwrap(), "{source} {data:?}");
            }
            Err(e) => {
                assert!(go["Ok"] == false || comment, "Go renders where Tarsier fails ({e}): {source}");
                let msg = e.to_string();
                assert!(msg.starts_with("The AppArmor template cannot be rendered: ") && msg.ends_with('.') && msg.len() > 50, "{msg}");
                failures += 1;
            }
        }
    }
    assert_eq!(failures, 7 * 3, "six refused by Go, one comment");
    for t in [Template::Current, Template::Docker2018] {
        assert_eq!(render(t, &base).unwrap(), render_source(t.source(), &base).unwrap());
        assert!(apparmor_profile::parse(&render(t, &base).unwrap()).unwrap().warnings.is_empty());
    }
}

/// Every exec mode of apparmor.d(5) ("Access Modes"): the words name the modes' parts as the
/// man page does ("px - discrete profile execute", "cx - transition to subprofile on execute",
/// "ux - unconfined execute", "ix - inherit execute", "pix - … with inherit fallback", "pux - …
/// with fallback to unconfined"), and "with a scrubbed environment" exactly when the parser
/// builds the transition without its `unsafe` flag ("Px - … -- scrub the environment").
#[test]
fn exec_modes_read_as_the_man_page_and_apparmor_parser_say() {
    let modes = ["ix", "px", "Px", "cx", "Cx", "ux", "Ux", "pix", "Pix", "cix", "Cix", "pux", "PUx", "cux", "CUx"];
    let mut text = String::from("profile t {\n");
    for (i, m) in modes.iter().enumerate() {
        text.push_str(&format!("  /usr/bin/m{i} {m},\n"));
    }
    text.push_str("  profile child {\n  }\n}\n");
    let (ok, dump) = apparmor_parser("exec-modes", &text);
    assert!(ok, "{dump}");
    let p = parse(&text).unwrap();
    for (i, m) in modes.iter().enumerate() {
        let item = &p.items[i + 1];
        assert_eq!(item.raw, format!("/usr/bin/m{i} {m},"));
        let entry = dump.lines().find(|l| l.ends_with(&format!("(/usr/bin/m{i})"))).unwrap_or_else(|| panic!("{m}: {dump}"));
        let unsafe_exec = entry.contains("unsafe");
        let words = item.explanation.strip_prefix("Allows ").and_then(|w| w.strip_suffix(&format!(" to /usr/bin/m{i}."))).unwrap_or_else(|| panic!("{m}: {}", item.explanation));
        assert!(words.starts_with(&format!("{m}: execute")), "{m}: {words}");
        let lower = m.to_ascii_lowercase();
        assert_eq!(words.contains("the program's own profile"), lower.starts_with('p'), "{m}: {words}");
        assert_eq!(words.contains("a child profile"), lower.starts_with('c'), "{m}: {words}");
        assert_eq!(words.contains("unconfined"), lower.contains('u'), "{m}: {words}");
        assert_eq!(words.contains("inheriting this profile"), lower.contains('i'), "{m}: {words}");
        assert_eq!(words.contains(", else "), lower.len() == 3, "{m}: {words}");
        assert_eq!(words.contains("with a scrubbed environment"), *m != "ix" && !unsafe_exec, "{m}: {entry}: {words}");
    }
}

/// The reader splits statements where the parser does: `#` inside a word and commas inside
/// `{…}` alternations, `[…]` classes, `(…)` lists and quotes do not end anything, a rule may
/// run over two lines, and a `#` after white space starts a comment (apparmor.d(5): "Comments
/// start with # and may begin at any place within a line"). The file paths read are the
/// entries the parser builds, each item's line is the line its text starts on, and the comment
/// on a rule's line is that rule's.
#[test]
fn statements_split_where_apparmor_parser_splits_them() {
    let text = "# tricky\nprofile t {\n  /srv/a#b r,\n  /srv/{x,y}/** r,\n  /srv/[,]z w,\n  signal (send, receive) set=(hup, term) peer=p,\n  \"/srv/with space\" r,\n  /srv/c r, # /srv/d r,\n  owner /srv/e # its first line\n   rw,\n  include if exists <local/tarsier-none>\n  capability chown,\n}\n";
    let (ok, dump) = apparmor_parser("split", text);
    assert!(ok, "{dump}");
    let built: BTreeSet<String> = dump.lines().filter_map(|l| l.strip_prefix("Mode:\t")).filter_map(|l| l.split("\tName:\t").nth(1)).map(|n| n.trim_start_matches('(').trim_end_matches(')').to_owned()).filter(|n| n.starts_with("/srv/")).collect();
    let p = parse(text).unwrap();
    let read: BTreeSet<String> = p.items.iter().filter_map(|i| if let ItemKind::File { path: Some(path), .. } = &i.kind { Some(path.trim_matches('"').to_owned()) } else { None }).collect();
    assert_eq!(read, built);
    assert_eq!(read.len(), 6);
    let lines: Vec<&str> = text.lines().collect();
    for item in &p.items {
        let first = item.raw.split_whitespace().next().unwrap();
        assert!(lines[item.line - 1].trim_start().starts_with(first), "line {}: {:?}", item.line, item.raw);
    }
    assert_eq!(p.items.iter().map(|i| i.line).collect::<Vec<_>>(), [2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13]);
    let c = p.items.iter().find(|i| i.raw == "/srv/c r,").unwrap();
    assert_eq!(c.comment.as_deref(), Some("/srv/d r,"));
    assert_eq!(p.items[0].comment.as_deref(), Some("tricky"));
    // A comment on the first line of a rule written over two lines is that rule's.
    assert_eq!(p.items[7].comment.as_deref(), Some("its first line"), "{:?}", p.items[7]);
    assert!(p.items.iter().filter(|i| ![2, 8, 9].contains(&i.line)).all(|i| i.comment.is_none()), "{:?}", p.items);
    assert!(matches!(&p.items[8].kind, ItemKind::Include { path, if_exists: true } if path == "<local/tarsier-none>"), "{:?}", p.items[8]);
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

/// A permission word after a rule kind's keyword does not make a file rule: the parser reads
/// `dbus rw,` and `unix rw,` as dbus and unix rules (no file entry), and Tarsier keeps them as
/// rules it does not explain, named by their keyword.
#[test]
fn permission_words_after_other_keywords_are_not_file_rules() {
    let rules = ["dbus rw,", "unix rw,", "dbus r,"];
    for (rule, (block, item)) in rules.iter().zip(each_rule("not-files", &rules)) {
        assert!(!block.iter().any(|l| l.starts_with("Mode:\t")), "{rule}: {block:?}");
        let keyword = rule.split_whitespace().next().unwrap();
        assert!(block.iter().any(|l| l.starts_with(keyword)), "{rule}: {block:?}");
        assert_eq!(item.kind, ItemKind::Other { keyword: keyword.to_owned() }, "{rule}");
    }
}
