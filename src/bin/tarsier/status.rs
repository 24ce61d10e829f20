//! `tarsier status [FILE|-] [--json] [--signals NUMBERING]`: explain a `/proc/<pid>/status` dump,
//! or a `/proc/<pid>/attr/current` AppArmor label, for terminals and scripts.
//!
//! The input kind is detected by content (`core::paste::classify`). `--signals` names the signal
//! masks by an architecture's numbering (`mips` reads MIPS's 128-bit masks by their names). Two or more dumps in one input are each explained and
//! the first two compared. `--json` prints the core's report: a `StatusReport` for one dump, an
//! `AppArmorLabel` for a label, `{"dumps": [...], "comparison": [...]}` for several dumps.

use crate::input;
use crate::output::{fail, fail_json, write_stdout};
use serde::Serialize;
use std::fmt::Write as _;
use std::process::ExitCode;
use tarsier::core::apparmor::{AppArmorLabel, MAX_LABEL_BYTES};
use tarsier::core::paste::{self, Accept, Classified, PasteError};
use tarsier::core::signals::Numbering;
use tarsier::core::status::{self, FieldDiff, StatusReport, MAX_INPUT_BYTES};

#[derive(clap::Args)]
pub struct Args {
    /// A file holding the dump, or `-` for standard input.
    #[arg(default_value = "-")]
    file: String,
    /// Print the full JSON report.
    #[arg(long)]
    json: bool,
    /// The signal numbering to name SigPnd … SigCgt by: generic (x86, arm, riscv, s390, powerpc,
    /// …), mips, alpha, sparc or parisc; an architecture name (mips64el, hppa, …) also works.
    #[arg(long, value_name = "NUMBERING", default_value = "generic", value_parser = parse_numbering)]
    signals: Numbering,
}

fn parse_numbering(text: &str) -> Result<Numbering, String> {
    text.parse()
}

#[derive(Serialize)]
struct Several<'a> {
    dumps: &'a [StatusReport],
    comparison: Vec<FieldDiff>,
}

fn print_json<T: Serialize>(value: &T) -> ExitCode {
    match serde_json::to_string_pretty(value) {
        Ok(json) => write_stdout(&format!("{json}\n")),
        Err(e) => fail(format!("could not write JSON: {e}")),
    }
}

pub fn run(args: &Args) -> ExitCode {
    let bytes = match input::read_limited(&args.file, MAX_INPUT_BYTES.max(MAX_LABEL_BYTES), "a /proc/<pid>/status dump") {
        Ok(bytes) => bytes,
        Err(e) => return fail_json(args.json, e.code, e.message),
    };
    // Process names are bytes, not necessarily UTF-8: keep what can be shown.
    let text = String::from_utf8_lossy(&bytes);
    let dumps = match paste::classify(&text, Accept::StatusOrLabel) {
        Ok(Classified::Status(dumps)) => dumps,
        Ok(Classified::AppArmor(label)) if args.json => return print_json(&label),
        Ok(Classified::AppArmor(label)) => return write_stdout(&render_apparmor(&label)),
        Ok(Classified::Masks(_)) => return fail("internal error: masks were read where only a dump or a label is taken"),
        Err(PasteError::MasksNotStatus(e)) => {
            return fail_json(args.json, e.code(), format!("{e} The input looks like bare capability masks; decode them with tarsier caps MASK."))
        }
        Err(e) => return fail_json(args.json, e.code(), e),
    };
    let reports: Vec<StatusReport> = dumps.iter().map(|d| status::analyze_with(d, args.signals)).collect();
    let comparison = match reports.as_slice() {
        [a, b, ..] => Some(status::compare(a, b)),
        _ => None,
    };
    if args.json {
        return match (reports.as_slice(), comparison) {
            ([one], _) => print_json(one),
            (_, comparison) => print_json(&Several { dumps: &reports, comparison: comparison.unwrap_or_default() }),
        };
    }
    let mut out = String::new();
    for (i, r) in reports.iter().enumerate() {
        if reports.len() > 1 {
            let _ = writeln!(out, "===== dump {} of {} =====", i + 1, reports.len());
        }
        out.push_str(&render(r));
    }
    if let Some(diff) = comparison {
        out.push_str(&render_diff(&diff));
    }
    write_stdout(&out)
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

fn join<T: ToString>(v: &[T]) -> String {
    v.iter().map(ToString::to_string).collect::<Vec<_>>().join(" ")
}

fn render(r: &StatusReport) -> String {
    let mut o = String::new();
    let i = &r.identity;
    let _ = writeln!(o, "== Verdict");
    let _ = writeln!(o, "  {}", r.verdict.headline);
    for p in &r.verdict.points {
        let _ = writeln!(o, "  [{:?}] {}", p.level, p.text);
    }

    let _ = writeln!(o, "\n== Identity");
    let _ = writeln!(o, "  Name:     {}", opt(i.name.as_ref()));
    let _ = writeln!(o, "  Pid:      {}   Tgid: {}   PPid: {}", opt(i.pid), opt(i.tgid), opt(i.ppid));
    if let Some(s) = &i.state {
        let _ = writeln!(o, "  State:    {} ({}) — {}", s.letter, s.label, s.description);
    }
    if let Some(t) = &i.traced_explanation {
        let _ = writeln!(o, "  Tracing:  {t}");
    }
    if let Some(n) = i.threads {
        let _ = writeln!(o, "  Threads:  {n}{}", if i.is_secondary_thread == Some(true) { " (this dump is of a secondary thread)" } else { "" });
    }
    if let Some(k) = &i.kernel_thread_explanation {
        let _ = writeln!(o, "  Kthread:  {k}");
    }
    if let Some(u) = &i.umask {
        let _ = writeln!(o, "  Umask:    {} — {}", u.octal, u.explanation);
    }
    if i.fd_size.is_some() {
        let _ = writeln!(o, "  FDSize:   {}", opt(i.fd_size));
    }
    if i.voluntary_ctxt_switches.is_some() || i.nonvoluntary_ctxt_switches.is_some() {
        let _ = writeln!(o, "  Context switches: {} voluntary, {} involuntary", opt(i.voluntary_ctxt_switches), opt(i.nonvoluntary_ctxt_switches));
    }

    let _ = writeln!(o, "\n== Users and groups");
    let _ = writeln!(o, "  {}", r.users.summary);
    for (label, ids) in [("Uid", &r.users.uid), ("Gid", &r.users.gid)] {
        if let Some(ids) = ids {
            let _ = writeln!(o, "  {label}: real {} effective {} saved {} fs {} — {}", ids.real, ids.effective, ids.saved, ids.fs, ids.explanation);
        }
    }
    if let Some(g) = &r.users.groups {
        let _ = writeln!(o, "  Groups: {}", if g.is_empty() { "(none)".to_owned() } else { join(g) });
    }

    let _ = writeln!(o, "\n== Namespaces");
    let _ = writeln!(o, "  {}", r.namespaces.explanation);
    for (label, chain) in [("NStgid", &r.namespaces.ns_tgid), ("NSpid", &r.namespaces.ns_pid), ("NSpgid", &r.namespaces.ns_pgid), ("NSsid", &r.namespaces.ns_sid)] {
        if let Some(c) = chain {
            let _ = writeln!(o, "  {label}: {}", join(c));
        }
    }

    if !r.memory.figures.is_empty() || r.memory.no_address_space {
        let _ = writeln!(o, "\n== Memory");
        if r.memory.no_address_space {
            let _ = writeln!(o, "  No Vm* lines: no user address space (a kernel thread) or a partial paste.");
        }
        for m in &r.memory.figures {
            let _ = writeln!(o, "  {:<13} {:>10}  {}", m.key, m.human, m.meaning);
        }
    }

    let _ = writeln!(o, "\n== Capabilities");
    let _ = writeln!(o, "  {}", r.capabilities.summary);
    for set in &r.capabilities.sets {
        let _ = writeln!(o, "  {} ({}): {} — {}", set.key, set.set, set.mask.hex, set.vs_docker_default);
        let _ = writeln!(o, "    {}", set.meaning);
        let _ = writeln!(o, "    {}", set.mask.capsh);
        if !set.dangerous.is_empty() {
            let _ = writeln!(o, "    dangerous: {}", set.dangerous.join(", "));
        }
    }

    let s = &r.security;
    let _ = writeln!(o, "\n== Security");
    if let Some(sc) = &s.seccomp {
        let _ = writeln!(o, "  Seccomp: {}", sc.explanation);
    }
    if let Some(n) = &s.no_new_privs_explanation {
        let _ = writeln!(o, "  NoNewPrivs: {n}");
    }
    for (label, spec) in [("Speculation_Store_Bypass", &s.speculation_store_bypass), ("SpeculationIndirectBranch", &s.speculation_indirect_branch)] {
        if let Some(spec) = spec {
            let _ = writeln!(o, "  {label}: {} — {}", spec.value, spec.explanation);
        }
    }

    let _ = writeln!(o, "\n== Signals");
    if r.signals.numbering != Numbering::Generic {
        let _ = writeln!(o, "  Numbering: {}", r.signals.numbering.label());
    }
    if let Some(note) = &r.signals.note {
        let _ = writeln!(o, "  Note: {note}");
    }
    if let (Some(q), Some(l)) = (r.signals.queued, r.signals.queue_limit) {
        let _ = writeln!(o, "  SigQ: {q} queued of a limit of {l}");
    }
    for m in &r.signals.masks {
        let names: Vec<String> = m.signals.iter().map(|s| s.name.clone()).collect();
        let _ = writeln!(o, "  {}: {} {}", m.key, m.hex, if names.is_empty() { "(none)".to_owned() } else { names.join(" ") });
    }

    if r.cpus.is_some() || r.mems.is_some() {
        let _ = writeln!(o, "\n== CPUs and memory nodes");
        for (label, a) in [("CPUs", &r.cpus), ("Memory nodes", &r.mems)] {
            if let Some(a) = a {
                let _ = writeln!(o, "  {label}: {}", a.message);
            }
        }
    }

    if !r.unknown_fields.is_empty() {
        let _ = writeln!(o, "\n== Fields this tool does not know (shown as is)");
        for f in &r.unknown_fields {
            let _ = writeln!(o, "  line {}: {}: {}", f.line, f.key, f.value);
        }
    }
    if !r.warnings.is_empty() {
        let _ = writeln!(o, "\n== Warnings");
        for w in &r.warnings {
            let _ = writeln!(o, "  {}", w.message);
        }
    }
    o
}

fn render_diff(diff: &[FieldDiff]) -> String {
    let mut o = String::new();
    let changed: Vec<&FieldDiff> = diff.iter().filter(|d| d.differs).collect();
    let _ = writeln!(o, "\n===== Differences between dump 1 and dump 2 ({} of {} fields) =====", changed.len(), diff.len());
    for d in changed {
        let _ = writeln!(o, "  {}: {}  =>  {}", d.key, d.left.as_deref().unwrap_or("(absent)"), d.right.as_deref().unwrap_or("(absent)"));
        if !d.added.is_empty() {
            let _ = writeln!(o, "    + {}", d.added.join(", "));
        }
        if !d.removed.is_empty() {
            let _ = writeln!(o, "    - {}", d.removed.join(", "));
        }
    }
    o
}

fn render_apparmor(l: &AppArmorLabel) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "== AppArmor label (/proc/<pid>/attr/current)");
    let _ = writeln!(o, "  Label: {}", l.raw);
    for p in &l.profiles {
        let ns = p.namespace.as_ref().map(|n| format!(" (namespace {n})")).unwrap_or_default();
        let _ = writeln!(o, "  Profile: {}{ns} — mode {}", p.name, p.mode.as_str());
    }
    let _ = writeln!(o, "  Confined: {}", if l.confined { "yes" } else { "no" });
    let _ = writeln!(o, "  {}", l.explanation);
    o
}
