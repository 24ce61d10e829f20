//! `tarsier seccomp [PROFILE|docker|docker-2018|podman] [--arch A] [--kernel X.Y]
//! [--caps HEX | --status FILE] [--syscall NAME] [--compare PROFILE2] [--json]`: what a seccomp
//! profile lets a container call, without starting one.
//!
//! `--json` prints the core's `Evaluation` (its `syscalls` list has, for every call of the
//! architecture, `name`, `number`, `action`, `errno`, `conditional` and `rule`) with `profile`,
//! `summary` and, with `--compare`, `comparison`.

use crate::input;
use crate::output::print_or_fail;
use serde::Serialize;
use std::fmt::Write as _;
use std::process::ExitCode;
use tarsier::core::caps::{parse_mask, CapSet, DOCKER_DEFAULT};
use tarsier::core::seccomp::{
    builtin::Builtin, compare, evaluate, parse_profile, summarize, syscalls, Arch, Context, Evaluation, KernelVersion, Profile, Summary,
    SyscallVerdict, VerdictDiff, MAX_PROFILE_BYTES,
};
use tarsier::core::status;

#[derive(clap::Args)]
pub struct Args {
    /// A profile file (`-` for standard input) or a built-in: docker (default), docker-2018, podman.
    #[arg(default_value = "docker")]
    profile: String,
    /// The system call ABI: x86_64, aarch64, or Go's amd64, arm64, 386, …
    #[arg(long, default_value = "x86_64")]
    arch: String,
    /// The architecture Docker runs on, when it differs from --arch (an i386 process on x86_64).
    #[arg(long)]
    host_arch: Option<String>,
    /// The host kernel, MAJOR.MINOR (or a release such as 6.8.0-45-generic).
    #[arg(long, default_value = "6.8")]
    kernel: String,
    /// The container's bounding capability set (default: Docker's, 00000000a80425fb).
    #[arg(long, conflicts_with = "status")]
    caps: Option<String>,
    /// Take the bounding set (CapBnd) from a /proc/<pid>/status dump.
    #[arg(long)]
    status: Option<String>,
    /// Show one system call in detail.
    #[arg(long)]
    syscall: Option<String>,
    /// Compare with another profile (or the same one, with the --compare-* options).
    #[arg(long)]
    compare: Option<String>,
    /// For --compare: the other side's bounding set.
    #[arg(long)]
    compare_caps: Option<String>,
    /// For --compare: the other side's kernel.
    #[arg(long)]
    compare_kernel: Option<String>,
    /// For --compare: the other side's architecture.
    #[arg(long)]
    compare_arch: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// The text of `file` (`-`: standard input), at most `limit` bytes of UTF-8.
fn read_text(file: &str, limit: usize, what: &str) -> Result<String, String> {
    let bytes = input::read_limited(file, limit, what).map_err(|e| e.message)?;
    String::from_utf8(bytes).map_err(|e| format!("{} is not UTF-8 text (byte {})", input::name(file), e.utf8_error().valid_up_to()))
}

/// A profile by built-in name or from a file, with a label.
fn load(spec: &str) -> Result<(String, Profile), String> {
    if let Some(b) = Builtin::from_name(spec) {
        return b.profile().map(|p| (b.label().to_owned(), p)).map_err(|e| e.to_string());
    }
    let text = read_text(spec, MAX_PROFILE_BYTES, "the seccomp profile")?;
    let profile = parse_profile(&text).map_err(|e| format!("{spec}: {e}"))?;
    Ok((input::name(spec).to_owned(), profile))
}

fn arch(text: &str) -> Result<Arch, String> {
    Arch::parse(text).map_err(|e| e.to_string())
}

fn kernel(text: &str) -> Result<KernelVersion, String> {
    KernelVersion::parse_release(text)
}

fn caps(text: &str) -> Result<CapSet, String> {
    parse_mask(text).map_err(|e| e.to_string())
}

struct Bounding {
    set: CapSet,
    note: Option<String>,
}

fn bounding(args: &Args) -> Result<Bounding, String> {
    if let Some(file) = &args.status {
        let text = read_text(file, status::MAX_INPUT_BYTES, "a /proc/<pid>/status dump")?;
        let dump = status::parse(&text).map_err(|e| format!("{file}: {e}"))?;
        let set = dump.cap_bnd.ok_or_else(|| format!("{file} has no CapBnd line, so the bounding set is unknown; pass it with --caps"))?;
        let note = match dump.seccomp {
            Some(status::SeccompMode::Disabled) => Some(format!("{file} says Seccomp: 0: no filter is loaded, every call is allowed; below is what the profile would do.")),
            Some(status::SeccompMode::Strict) => Some(format!("{file} says Seccomp: 1 (strict mode): only read, write, _exit and sigreturn are allowed, whatever the profile.")),
            Some(status::SeccompMode::Filter) => Some(format!(
                "{file} says Seccomp: 2{}: a filter is loaded, but the dump cannot prove which profile it is.",
                dump.seccomp_filters.map_or_else(String::new, |n| format!(" (Seccomp_filters: {n})"))
            )),
            _ => None,
        };
        return Ok(Bounding { set, note });
    }
    Ok(Bounding { set: args.caps.as_deref().map(caps).transpose()?.unwrap_or(DOCKER_DEFAULT), note: None })
}

#[derive(Serialize)]
struct Side<'a> {
    profile: &'a str,
    context: &'a Context,
}

#[derive(Serialize)]
struct Comparison<'a> {
    right: Side<'a>,
    differences: &'a [VerdictDiff],
}

#[derive(Serialize)]
struct Output<'a> {
    profile: &'a str,
    summary: &'a Summary,
    #[serde(flatten)]
    evaluation: &'a Evaluation,
    unknown_fields: &'a [tarsier::core::seccomp::UnknownField],
    #[serde(skip_serializing_if = "Option::is_none")]
    status_note: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comparison: Option<Comparison<'a>>,
}

pub fn run(args: &Args) -> ExitCode {
    print_or_fail(run_inner(args))
}

fn run_inner(args: &Args) -> Result<String, String> {
    let (label, profile) = load(&args.profile)?;
    let abi = arch(&args.arch)?;
    let host = args.host_arch.as_deref().map(arch).transpose()?.unwrap_or_else(|| abi.default_host());
    let bounding = bounding(args)?;
    let ctx = Context { arch: abi, host, kernel: kernel(&args.kernel)?, bounding: bounding.set };
    let mut eval = evaluate(&profile, &ctx);
    let summary = summarize(&eval);

    let right = if args.compare.is_some() || args.compare_caps.is_some() || args.compare_kernel.is_some() || args.compare_arch.is_some() {
        let (rlabel, rprofile) = match &args.compare {
            Some(spec) => load(spec)?,
            None => (label.clone(), profile.clone()),
        };
        let rarch = args.compare_arch.as_deref().map(arch).transpose()?;
        let rctx = Context {
            arch: rarch.unwrap_or(ctx.arch),
            host: rarch.map_or(ctx.host, Arch::default_host),
            kernel: args.compare_kernel.as_deref().map(kernel).transpose()?.unwrap_or(ctx.kernel),
            bounding: args.compare_caps.as_deref().map(caps).transpose()?.unwrap_or(ctx.bounding),
        };
        let reval = evaluate(&rprofile, &rctx);
        let diffs = compare(&eval, &reval);
        Some((rlabel, rctx, diffs))
    } else {
        None
    };

    if let Some(name) = &args.syscall {
        if eval.verdict(name).is_none() {
            let have: Vec<&str> = tarsier::core::seccomp::ALL_ARCHES.iter().filter(|a| syscalls::lookup(**a, name).is_some()).map(|a| a.as_str()).collect();
            return Err(if have.is_empty() {
                format!("{name:?} is not a system call in libseccomp's table (generated from Linux {})", syscalls::TABLE_KERNEL)
            } else {
                format!("{name} is not a system call of {abi}; the table has it on {}", have.join(", "))
            });
        }
        eval.syscalls.retain(|v| &v.name == name);
    }

    if args.json {
        let out = Output {
            profile: &label,
            summary: &summary,
            evaluation: &eval,
            unknown_fields: &profile.unknown_fields,
            status_note: bounding.note.as_deref(),
            comparison: right.as_ref().map(|(l, c, d)| Comparison { right: Side { profile: l, context: c }, differences: d }),
        };
        return serde_json::to_string_pretty(&out).map(|s| s + "\n").map_err(|e| format!("could not write JSON: {e}"));
    }

    let mut o = String::new();
    let _ = writeln!(o, "Profile:  {label}");
    let _ = writeln!(
        o,
        "Context:  {abi}{}, kernel {}, bounding set {} ({} capabilities)",
        if host == abi { String::new() } else { format!(" on a {host} host") },
        ctx.kernel,
        ctx.bounding.to_proc_hex(),
        ctx.bounding.len()
    );
    if let Some(note) = &bounding.note {
        let _ = writeln!(o, "Status:   {note}");
    }
    let _ = writeln!(o, "Default:  {} — every call no rule decides {}", eval.default_action, eval.default_outcome.describe());
    if !eval.filter_architectures.is_empty() {
        let _ = writeln!(o, "Filter architectures: {}", eval.filter_architectures.join(", "));
    }
    if let Some(h) = eval.runc_enosys_above {
        let _ = writeln!(o, "runc:     calls numbered above {h} that no rule names get ENOSYS instead of the default (runc's stub for calls newer than the profile)");
    }
    let _ = writeln!(o, "Summary:  {}", summary.text);

    if let Some(name) = &args.syscall {
        if let Some(v) = eval.verdict(name) {
            o.push_str(&detail(v, &eval, &profile));
        }
    } else {
        let _ = writeln!(o, "\n{:>10}  {:<26} {:<12} {:<7} note", "number", "name", "verdict", "rule");
        for v in &eval.syscalls {
            let verdict = if v.conditional { "conditional".to_owned() } else { v.outcome.word() };
            let rule = v.rule.map_or_else(|| "default".to_owned(), |r| r.to_string());
            let note = match (&v.condition, v.runc_enosys, &v.comment) {
                (Some(c), _, _) => c.clone(),
                (None, true, _) => "ENOSYS under runc (newer than every call the profile names)".to_owned(),
                (None, false, Some(c)) => c.clone(),
                _ if !v.unlocked_by.is_empty() => format!("allowed with {}", v.unlocked_by.join(" and ")),
                _ => String::new(),
            };
            let _ = writeln!(o, "{:>10}  {:<26} {:<12} {:<7} {note}", v.number, v.name, verdict, rule);
        }
    }
    if !eval.not_on_arch.is_empty() {
        let _ = writeln!(o, "\nNames the profile lists that {abi} does not have ({}): {}", eval.not_on_arch.len(), eval.not_on_arch.join(", "));
    }
    if !eval.unknown_names.is_empty() {
        let _ = writeln!(o, "Names no architecture in the table has ({}): {}", eval.unknown_names.len(), eval.unknown_names.join(", "));
    }
    for u in &profile.unknown_fields {
        let _ = writeln!(o, "Unknown field {} = {}", u.path, u.value);
    }
    for w in &eval.warnings {
        let _ = writeln!(o, "Warning: {w}");
    }
    if let Some((rlabel, rctx, diffs)) = &right {
        let _ = writeln!(
            o,
            "\n== Compared with {rlabel} ({}, kernel {}, bounding set {}): {} calls differ",
            rctx.arch,
            rctx.kernel,
            rctx.bounding.to_proc_hex(),
            diffs.len()
        );
        for d in diffs {
            let _ = writeln!(
                o,
                "  {:<24} {}  =>  {}",
                d.name,
                d.left.as_deref().unwrap_or("(not on this architecture)"),
                d.right.as_deref().unwrap_or("(not on this architecture)")
            );
        }
    }
    Ok(o)
}

fn detail(v: &SyscallVerdict, eval: &Evaluation, profile: &Profile) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "\n== {} (number {} on {})", v.name, v.number, eval.context.arch);
    let _ = writeln!(o, "  {}", v.explanation);
    let verdict = if v.conditional { "conditional".to_owned() } else { v.outcome.word() };
    let _ = writeln!(o, "  Verdict: {verdict}; action {}{}", v.action, v.errno.map(|e| format!(", errno {e}")).unwrap_or_default());
    if let Some(r) = v.rule.and_then(|i| eval.rules.get(i)) {
        let _ = writeln!(o, "  Rule {}: {} {}{}", r.index, r.action, if r.conditional { "with conditions" } else { "unconditionally" }, r.comment.as_deref().map(|c| format!(" — {c}")).unwrap_or_default());
    }
    for b in &v.branches {
        let _ = writeln!(o, "    rule {}: {} when {}", b.rule, b.outcome.describe(), b.text);
    }
    if let Some(other) = &v.otherwise {
        let _ = writeln!(o, "    otherwise: {}", other.describe());
    }
    for i in &v.overridden {
        if let (Some(r), Some(rule)) = (eval.rules.get(*i), profile.rules.get(*i)) {
            // runc skips a rule whose action and errno equal the default's (the kind alone is not
            // enough: SCMP_ACT_ERRNO with ENOSYS is not a default of SCMP_ACT_ERRNO with EPERM).
            let skipped = rule.action.runc_key() == profile.default_action.runc_key();
            let why = if skipped { "it equals the default action, so runc skips it" } else { "an earlier unconditional rule wins in libseccomp" };
            let _ = writeln!(o, "  Rule {} ({}) also names it but does not decide: {why}", r.index, r.action);
        }
    }
    for r in eval.rules.iter().filter(|r| !r.status.kept() && r.names.iter().any(|n| n == &v.name)) {
        let _ = writeln!(o, "  Rule {} ({}) names it but is {}", r.index, r.action, r.status_text);
    }
    match v.added {
        Some(k) => {
            let _ = writeln!(o, "  Added in Linux {k}.");
        }
        None => {
            let _ = writeln!(o, "  The table does not record which kernel added it.");
        }
    }
    o
}
