//! `tarsier apparmor [FILE|-] [--json] [--docker-default]`: explain an AppArmor label
//! (`/proc/<pid>/attr/current`) or an AppArmor profile text; for the label `docker-default`
//! (or with `--docker-default`), what Docker's generated profile denies, rule by rule.

use crate::input;
use crate::output::print_or_fail;
use serde::Serialize;
use std::fmt::Write as _;
use std::process::ExitCode;
use tarsier::core::apparmor::{self, AppArmorLabel, AppArmorMode};
use tarsier::core::apparmor_profile::{self, DockerDefault, ProfileText, Template, MAX_PROFILE_TEXT_BYTES};

#[derive(clap::Args)]
pub struct Args {
    /// A file with the label or the profile text, or `-` for standard input.
    #[arg(default_value = "-")]
    file: String,
    /// Explain Docker's docker-default profile without reading any input.
    #[arg(long)]
    docker_default: bool,
    /// With docker-default: use the 2018 template (moby a575b0b) instead of the current one.
    #[arg(long)]
    template_2018: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct LabelOutput<'a> {
    label: Option<&'a AppArmorLabel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    docker_default: Option<&'a DockerDefault>,
}

pub fn run(args: &Args) -> ExitCode {
    print_or_fail(run_inner(args))
}

fn json<T: Serialize>(v: &T) -> Result<String, String> {
    serde_json::to_string_pretty(v).map(|s| s + "\n").map_err(|e| format!("could not write JSON: {e}"))
}

fn run_inner(args: &Args) -> Result<String, String> {
    let template = if args.template_2018 { Template::Docker2018 } else { Template::Current };
    if args.docker_default {
        let d = apparmor_profile::explain_docker_default(template, None)?;
        return if args.json { json(&LabelOutput { label: None, docker_default: Some(&d) }) } else { Ok(render_docker_default(&d)) };
    }
    let bytes = input::read_limited(&args.file, MAX_PROFILE_TEXT_BYTES, "an AppArmor label or profile").map_err(|e| e.message)?;
    let text = String::from_utf8_lossy(&bytes);
    let name = input::name(&args.file);
    if apparmor_profile::looks_like_profile(&text) {
        let p = apparmor_profile::parse(&text).map_err(|e| format!("{name}: {e}"))?;
        return if args.json { json(&p) } else { Ok(render_profile(&p)) };
    }
    let label = apparmor::parse(&text).map_err(|e| format!("{name}: {e}"))?;
    let docker = label.profiles.iter().find(|p| p.name == "docker-default").map(|p| p.mode.clone());
    let explained = docker.as_ref().map(|mode: &AppArmorMode| apparmor_profile::explain_docker_default(template, Some(mode))).transpose()?;
    if args.json {
        return json(&LabelOutput { label: Some(&label), docker_default: explained.as_ref() });
    }
    let mut o = String::new();
    let _ = writeln!(o, "== AppArmor label (/proc/<pid>/attr/current)");
    let _ = writeln!(o, "  Label: {}", label.raw);
    for p in &label.profiles {
        let _ = writeln!(o, "  Profile: {} — mode {}", p.name, p.mode.as_str());
    }
    let _ = writeln!(o, "  {}", label.explanation);
    if let Some(d) = &explained {
        o.push('\n');
        o.push_str(&render_docker_default(d));
    }
    Ok(o)
}

fn render_profile(p: &ProfileText) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "== AppArmor profile: {} statements", p.items.len());
    for i in &p.items {
        let indent = "  ".repeat(i.depth + 1);
        let _ = writeln!(o, "{indent}line {:<4} {}", i.line, i.raw);
        let _ = writeln!(o, "{indent}           {}", i.explanation);
        if let Some(c) = &i.comment {
            let _ = writeln!(o, "{indent}           (the profile's comment: {c})");
        }
    }
    for w in &p.warnings {
        let _ = writeln!(o, "Warning: {w}");
    }
    o
}

fn render_docker_default(d: &DockerDefault) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "== What docker-default denies ({})", d.template_label);
    for r in &d.denies {
        let _ = writeln!(o, "  - {}\n      {}", r.plain, r.raw);
    }
    let _ = writeln!(o, "== Denied because no rule allows it");
    for i in &d.implicit {
        let _ = writeln!(o, "  - {i}");
    }
    let _ = writeln!(o, "== What it allows");
    for r in &d.allows {
        let _ = writeln!(o, "  - {}\n      {}", r.plain, r.raw);
    }
    let _ = writeln!(o, "== Mode\n  {}", d.mode);
    o
}
