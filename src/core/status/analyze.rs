//! [`analyze`]: everything the status page shows, precomputed into one serde-serializable
//! [`StatusReport`]. Explanations are condensed from proc(5), capabilities(7), seccomp(2),
//! prctl(2) (`PR_SET_NO_NEW_PRIVS`, `PR_GET_SPECULATION_CTRL`) and
//! `Documentation/userspace-api/spec_ctrl.rst`.

use super::cpulist::CpuSet;
use super::fields::field_info;
use super::parse::{IdQuad, ProcStatus, RawField, SeccompMode, StatusWarning};
use crate::core::caps::{by_bit, CapSet, MaskReport, CAP_LAST_CAP, DOCKER_DEFAULT};
use crate::core::signals::{Numbering, SigMask, Signal};
use serde::{Deserialize, Serialize};

/// Everything the page shows about one dump.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusReport {
    pub identity: IdentityReport,
    pub users: UsersReport,
    pub namespaces: NamespaceReport,
    pub memory: MemoryReport,
    pub capabilities: CapabilitiesReport,
    pub security: SecurityReport,
    pub signals: SignalsReport,
    /// `Cpus_allowed` vs `Cpus_allowed_list`; `None` if neither was pasted.
    pub cpus: Option<AffinityReport>,
    /// `Mems_allowed` vs `Mems_allowed_list`; `None` if neither was pasted.
    pub mems: Option<AffinityReport>,
    pub verdict: Verdict,
    /// Every pasted line, in order, with what the tool knows about its key.
    pub raw: Vec<RawFieldReport>,
    /// The raw lines whose key the tool does not know (also in `raw`, with `known: false`).
    pub unknown_fields: Vec<RawField>,
    /// Values that could not be read, lines that were repaired.
    pub warnings: Vec<StatusWarning>,
}

/// One raw line with the field table's knowledge of its key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawFieldReport {
    pub key: String,
    pub value: String,
    /// 1-based line in the paste.
    pub line: usize,
    /// Whether the key is in the tool's table.
    pub known: bool,
    /// `identity`, `users`, `namespaces`, `memory`, `signals`, `capabilities`, `security`,
    /// `cpus`, or `unknown`.
    pub section: String,
    /// One line from proc.rst; empty for unknown keys.
    pub meaning: String,
    /// The kernel release that added the key, if recent enough to matter.
    pub since: Option<String>,
}

/// Name, IDs, state, tracing, threads and other per-process facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityReport {
    pub name: Option<String>,
    pub pid: Option<u32>,
    pub tgid: Option<u32>,
    pub ppid: Option<u32>,
    pub ngid: Option<u32>,
    pub state: Option<StateReport>,
    pub tracer_pid: Option<u32>,
    /// `TracerPid` non-zero; `None` if the line is missing.
    pub traced: Option<bool>,
    /// "Not traced." / "Traced by PID 26207 (a debugger or strace is attached)."
    pub traced_explanation: Option<String>,
    pub threads: Option<u32>,
    /// `Pid` differs from `Tgid`: the dump is of a thread other than the main one
    /// (`/proc/<pid>/task/<tid>/status`).
    pub is_secondary_thread: Option<bool>,
    pub kthread: Option<bool>,
    /// Kernel thread: from `Kthread: 1`, or guessed (no `Vm*` lines and PPid 2 or 0).
    pub kernel_thread_explanation: Option<String>,
    pub umask: Option<UmaskReport>,
    pub fd_size: Option<u32>,
    pub core_dumping: Option<bool>,
    pub thp_enabled: Option<bool>,
    /// `untag_mask` as printed (`0xffffffffffffffff`).
    pub untag_mask: Option<String>,
    pub voluntary_ctxt_switches: Option<u64>,
    pub nonvoluntary_ctxt_switches: Option<u64>,
}

/// The `State:` letter explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateReport {
    /// `S`.
    pub letter: String,
    /// `sleeping`.
    pub label: String,
    /// What the state means.
    pub description: String,
    pub known: bool,
}

/// The umask in octal and what it does to new files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UmaskReport {
    /// `0022`.
    pub octal: String,
    pub value: u32,
    /// "New files get at most rw-r--r-- (0644), new directories rwxr-xr-x (0755)."
    pub explanation: String,
}

/// Users and groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersReport {
    pub uid: Option<IdsReport>,
    pub gid: Option<IdsReport>,
    /// Supplementary groups.
    pub groups: Option<Vec<u32>>,
    /// Group 0 among the supplementary groups.
    pub root_group_in_supplementary: bool,
    /// One sentence.
    pub summary: String,
}

/// One `Uid:` or `Gid:` line explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdsReport {
    pub real: u32,
    pub effective: u32,
    pub saved: u32,
    pub fs: u32,
    /// Which of `real`, `effective`, `saved`, `fs` are 0.
    pub root_in: Vec<String>,
    /// Which of `effective`, `saved`, `fs` differ from `real`.
    pub differ_from_real: Vec<String>,
    pub all_equal: bool,
    /// A sentence, e.g. "All four user IDs are 0 (root)."
    pub explanation: String,
}

/// The PID-namespace chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamespaceReport {
    pub ns_tgid: Option<Vec<u32>>,
    pub ns_pid: Option<Vec<u32>>,
    pub ns_pgid: Option<Vec<u32>>,
    pub ns_sid: Option<Vec<u32>>,
    /// One entry per PID namespace level visible to the reader, outermost first.
    pub levels: Vec<NsLevel>,
    /// How many namespaces below the reader's the task is nested (`levels.len() - 1`).
    pub nested_depth: Option<usize>,
    /// The PID inside the innermost namespace (the last `NSpid` value).
    pub innermost_pid: Option<u32>,
    /// "PID 1099 as seen by the reader; PID 1 inside a nested PID namespace (1 level below)."
    pub explanation: String,
}

/// One level of the namespace chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NsLevel {
    /// 0 = the namespace of whoever read the file.
    pub level: usize,
    pub pid: u32,
    /// "the reader's namespace", "nested 1 level below", …
    pub description: String,
}

/// Memory figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryReport {
    /// Every `… kB` field in dump order (`Vm*`, `Rss*`, `HugetlbPages`, and unknown ones).
    pub figures: Vec<MemoryFigure>,
    /// No `Vm*` lines: a kernel thread (no user address space) or a partial paste.
    pub no_address_space: bool,
}

/// One memory figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryFigure {
    pub key: String,
    pub bytes: u64,
    /// `1.8 MiB` (binary units; the kernel's "kB" is KiB).
    pub human: String,
    /// From proc.rst; empty for unknown keys.
    pub meaning: String,
}

/// The five capability sets and what they add up to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapabilitiesReport {
    /// Present sets in kernel order: CapInh, CapPrm, CapEff, CapBnd, CapAmb.
    pub sets: Vec<CapSetReport>,
    /// Number of effective capabilities, if `CapEff` was pasted.
    pub effective_count: Option<u32>,
    /// How `CapEff` relates to Docker's default ("Docker default", "Docker default minus
    /// cap_net_raw", "all 41 capabilities the kernel names", …).
    pub effective_vs_docker_default: Option<String>,
    /// Dangerous capabilities in the effective set, capsh names.
    pub dangerous_effective: Vec<String>,
    /// Dangerous capabilities in the bounding set (what execve of a privileged program could
    /// still grant).
    pub dangerous_bounding: Vec<String>,
    /// A sentence about the sets taken together.
    pub summary: String,
}

/// One capability set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapSetReport {
    /// `CapEff`.
    pub key: String,
    /// `effective`.
    pub set: String,
    /// What the set means, one sentence from capabilities(7).
    pub meaning: String,
    /// The decoded mask: hex, capsh line, every capability, difference from Docker's default.
    pub mask: MaskReport,
    /// Dangerous capabilities in this set.
    pub dangerous: Vec<String>,
    /// "Docker default", "none", "all 41 …", "Docker default plus cap_sys_admin".
    pub vs_docker_default: String,
}

/// Seccomp, no_new_privs, speculation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityReport {
    pub seccomp: Option<SeccompReport>,
    pub no_new_privs: Option<bool>,
    pub no_new_privs_explanation: Option<String>,
    pub speculation_store_bypass: Option<SpeculationReport>,
    pub speculation_indirect_branch: Option<SpeculationReport>,
}

/// The seccomp line(s).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeccompReport {
    pub mode: SeccompMode,
    /// The number as printed (`2`).
    pub raw: String,
    /// `Seccomp_filters` (since Linux 5.9).
    pub filters: Option<u32>,
    pub explanation: String,
}

/// One speculation line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpeculationReport {
    /// As printed (`thread vulnerable`).
    pub value: String,
    pub explanation: String,
}

/// Signal queue and masks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignalsReport {
    pub queued: Option<u64>,
    pub queue_limit: Option<u64>,
    /// Present masks in kernel order: SigPnd, ShdPnd, SigBlk, SigIgn, SigCgt.
    pub masks: Vec<SigMaskReport>,
    /// The numbering the signals are named by; left out of the JSON when generic (the default).
    #[serde(default, skip_serializing_if = "is_generic")]
    pub numbering: Numbering,
    /// Set when a mask is wider than the numbering has signals (a 32-digit MIPS mask read with
    /// the generic numbering): which numbering to pick. Left out of the JSON when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn is_generic(n: &Numbering) -> bool {
    *n == Numbering::Generic
}

impl SignalsReport {
    /// The same masks named by another numbering: a table lookup on the values already read (no
    /// parsing), so the page can switch numbering on the spot.
    ///
    /// ```
    /// use tarsier::core::signals::Numbering;
    /// use tarsier::core::status::{analyze, parse};
    /// let r = analyze(&parse("SigCgt:\t00000000000000000000000000008000").unwrap());
    /// assert_eq!(r.signals.masks[0].signals[0].name, "SIGSTKFLT");
    /// assert!(r.signals.note.is_some());
    /// let mips = r.signals.renumbered(Numbering::Mips);
    /// assert_eq!(mips.masks[0].signals[0].name, "SIGUSR1");
    /// assert_eq!(mips.note, None);
    /// ```
    pub fn renumbered(&self, numbering: Numbering) -> SignalsReport {
        let masks: Vec<SigMaskReport> = self
            .masks
            .iter()
            .map(|m| SigMaskReport { signals: numbering.decode(m.value), ..m.clone() })
            .collect();
        let note = numbering_note(&masks, numbering);
        SignalsReport { masks, numbering, note, ..self.clone() }
    }
}

/// One signal mask decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigMaskReport {
    /// `SigIgn`.
    pub key: String,
    /// What the mask holds.
    pub meaning: String,
    /// As the kernel prints it: 16 hex digits, or 32 on MIPS.
    pub hex: String,
    /// Bit n-1 = signal n (up to 128 bits).
    pub value: u128,
    /// The signals in the mask, named by the report's numbering as `kill -l` prints them.
    pub signals: Vec<Signal>,
}

/// `Cpus_allowed` (or `Mems_allowed`) checked against its `_list` twin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AffinityReport {
    /// The mask as printed.
    pub mask: Option<String>,
    /// The list as printed.
    pub list: Option<String>,
    /// The mask's set in list form (`0-1`).
    pub mask_as_list: Option<String>,
    /// How many CPUs (nodes) the mask allows.
    pub mask_count: Option<u64>,
    /// How many the list allows.
    pub list_count: Option<u64>,
    /// `Some(true)` when both are present and name the same set.
    pub consistent: Option<bool>,
    pub message: String,
}

/// The short block a reviewer acts on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// "runs as root with 14 effective capabilities (Docker default), seccomp filtering on
    /// (1 filter), no_new_privs off".
    pub headline: String,
    /// Findings, most severe first.
    pub points: Vec<VerdictPoint>,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerdictPoint {
    pub level: Level,
    pub text: String,
}

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Grants power over the host or other processes.
    Danger,
    /// Worth a look.
    Warn,
    /// Context.
    Info,
    /// A hardening measure in place.
    Good,
}

/// Explains a parsed dump. Never fails: missing fields are reported as missing.
///
/// ```
/// use tarsier::core::status::{analyze, parse};
/// let r = analyze(&parse("Uid:\t0\t0\t0\t0\nCapEff:\t000001ffffffffff\nSeccomp:\t0").unwrap());
/// assert!(r.capabilities.dangerous_effective.contains(&"cap_sys_admin".to_owned()));
/// assert!(r.verdict.headline.starts_with("runs as root with 41 effective capabilities"));
/// ```
pub fn analyze(s: &ProcStatus) -> StatusReport {
    analyze_with(s, Numbering::Generic)
}

/// [`analyze`], naming signals by `numbering` (the architecture the dump comes from: its signal
/// numbers cannot be told from the masks).
///
/// ```
/// use tarsier::core::signals::Numbering;
/// use tarsier::core::status::{analyze_with, parse};
/// let s = parse("SigCgt:\t8000000000000000000000000002c002").unwrap();
/// let names: Vec<String> = analyze_with(&s, Numbering::Mips).signals.masks[0].signals.iter().map(|x| x.name.clone()).collect();
/// assert_eq!(names, ["SIGINT", "SIGTERM", "SIGUSR1", "SIGCHLD", "SIG128"]);
/// ```
pub fn analyze_with(s: &ProcStatus, numbering: Numbering) -> StatusReport {
    let raw: Vec<RawFieldReport> = s
        .raw
        .iter()
        .map(|f| {
            let info = field_info(&f.key);
            RawFieldReport {
                key: f.key.clone(),
                value: f.value.clone(),
                line: f.line,
                known: info.is_some(),
                section: info.map_or("unknown", |i| i.section).to_owned(),
                meaning: info.map(|i| i.meaning.to_owned()).unwrap_or_default(),
                since: info.and_then(|i| i.since).map(str::to_owned),
            }
        })
        .collect();
    let unknown_fields = s.unknown_fields().into_iter().cloned().collect();
    let capabilities = capabilities(s);
    let security = security(s);
    let identity = identity(s);
    let users = users(s);
    let namespaces = namespaces(s);
    let mut report = StatusReport {
        memory: memory(s),
        signals: signals(s, numbering),
        cpus: affinity(s.raw_value("Cpus_allowed"), s.raw_value("Cpus_allowed_list"), s.cpus_allowed.as_ref(), s.cpus_allowed_list.as_ref(), "CPU"),
        mems: affinity(s.raw_value("Mems_allowed"), s.raw_value("Mems_allowed_list"), s.mems_allowed.as_ref(), s.mems_allowed_list.as_ref(), "memory node"),
        verdict: Verdict { headline: String::new(), points: Vec::new() },
        identity,
        users,
        namespaces,
        capabilities,
        security,
        raw,
        unknown_fields,
        warnings: s.warnings.clone(),
    };
    report.verdict = verdict(s, &report);
    report
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn identity(s: &ProcStatus) -> IdentityReport {
    let traced = s.tracer_pid.map(|t| t != 0);
    let traced_explanation = s.tracer_pid.map(|t| {
        if t == 0 {
            "Not traced: no debugger or strace is attached.".to_owned()
        } else {
            format!("Traced by PID {t}: a debugger, strace or another ptrace user is attached and can read and change its memory and registers.")
        }
    });
    let no_vm = s.raw.iter().all(|f| !f.key.starts_with("Vm"));
    let kernel_thread_explanation = match s.kthread {
        Some(true) => Some("A kernel thread: it runs kernel code only and has no user address space.".to_owned()),
        Some(false) => Some("A user-space process (not a kernel thread).".to_owned()),
        None if no_vm && s.name.is_some() && matches!(s.ppid, Some(0) | Some(2)) => Some(
            "Probably a kernel thread: the dump has no Vm* lines (no user address space) and its parent is PID 0 or 2 (kthreadd).".to_owned(),
        ),
        None => None,
    };
    IdentityReport {
        name: s.name.clone(),
        pid: s.pid,
        tgid: s.tgid,
        ppid: s.ppid,
        ngid: s.ngid,
        state: s.state.as_ref().map(|t| StateReport {
            letter: t.letter.clone(),
            label: t.label.clone(),
            description: t.description.clone(),
            known: t.known,
        }),
        tracer_pid: s.tracer_pid,
        traced,
        traced_explanation,
        threads: s.threads,
        is_secondary_thread: s.pid.zip(s.tgid).map(|(p, t)| p != t),
        kthread: s.kthread,
        kernel_thread_explanation,
        umask: s.umask.map(umask_report),
        fd_size: s.fd_size,
        core_dumping: s.core_dumping,
        thp_enabled: s.thp_enabled,
        untag_mask: s.raw_value("untag_mask").filter(|_| s.untag_mask.is_some()).map(str::to_owned),
        voluntary_ctxt_switches: s.voluntary_ctxt_switches,
        nonvoluntary_ctxt_switches: s.nonvoluntary_ctxt_switches,
    }
}

fn rwx(mode: u32) -> String {
    let bits = [(0o400, 'r'), (0o200, 'w'), (0o100, 'x'), (0o040, 'r'), (0o020, 'w'), (0o010, 'x'), (0o004, 'r'), (0o002, 'w'), (0o001, 'x')];
    bits.iter().map(|(b, c)| if mode & b != 0 { *c } else { '-' }).collect()
}

fn umask_report(value: u32) -> UmaskReport {
    let file = 0o666 & !value;
    let dir = 0o777 & !value;
    UmaskReport {
        octal: format!("{value:04o}"),
        value,
        explanation: format!(
            "New files get at most {} ({file:04o}), new directories at most {} ({dir:04o}).",
            rwx(file),
            rwx(dir)
        ),
    }
}

fn ids_report(q: &IdQuad, what: &str) -> IdsReport {
    let parts = q.parts();
    let root_in: Vec<String> = parts.iter().filter(|(_, v)| *v == 0).map(|(n, _)| (*n).to_owned()).collect();
    let differ: Vec<String> = parts[1..].iter().filter(|(_, v)| *v != q.real).map(|(n, _)| (*n).to_owned()).collect();
    let all_equal = differ.is_empty();
    let explanation = if all_equal {
        if q.real == 0 {
            format!("All four {what} IDs are 0 (root).")
        } else {
            format!("All four {what} IDs are {}.", q.real)
        }
    } else {
        let list = parts.iter().map(|(n, v)| format!("{n} {v}")).collect::<Vec<_>>().join(", ");
        let hint = if what == "user" && q.effective != q.real {
            " The effective ID differs from the real one, as after running a set-user-ID program: permission checks use the effective ID."
        } else if what == "user" && q.saved != q.real {
            " The saved set-user-ID differs: the process can switch its effective ID back to it."
        } else {
            ""
        };
        format!("The {what} IDs differ: {list}.{hint}")
    };
    IdsReport { real: q.real, effective: q.effective, saved: q.saved, fs: q.fs, root_in, differ_from_real: differ, all_equal, explanation }
}

fn users(s: &ProcStatus) -> UsersReport {
    let uid = s.uid.as_ref().map(|q| ids_report(q, "user"));
    let gid = s.gid.as_ref().map(|q| ids_report(q, "group"));
    let root_group = s.groups.as_ref().is_some_and(|g| g.contains(&0));
    let summary = match &s.uid {
        Some(q) if q.effective == 0 => "Runs as root (effective user ID 0). Inside a user namespace, root is only root over that namespace's resources.".to_owned(),
        Some(q) if q.parts().iter().any(|(_, v)| *v == 0) => format!("Runs as user {} but holds root in its {} user ID, so it can become root again.", q.effective, uid.as_ref().map(|u| u.root_in.join(" and ")).unwrap_or_default()),
        Some(q) => format!("Runs as the unprivileged user {}.", q.effective),
        None => "The dump has no Uid line.".to_owned(),
    };
    UsersReport { uid, gid, groups: s.groups.clone(), root_group_in_supplementary: root_group, summary }
}

fn namespaces(s: &ProcStatus) -> NamespaceReport {
    let chain = s.ns_pid.clone().or_else(|| s.ns_tgid.clone()).unwrap_or_default();
    let levels: Vec<NsLevel> = chain
        .iter()
        .enumerate()
        .map(|(level, pid)| NsLevel {
            level,
            pid: *pid,
            description: match level {
                0 => "the reader's PID namespace".to_owned(),
                1 => "nested 1 level below".to_owned(),
                n => format!("nested {n} levels below"),
            },
        })
        .collect();
    let explanation = match chain.as_slice() {
        [] => "The dump has no NSpid line (kernels before 4.1, or a partial paste).".to_owned(),
        [1] => "PID 1 in the namespace it was read from: the init process of that PID namespace (a container's entry process, or the host's init). One level is visible: /proc was read from inside that namespace, or it is the host's.".to_owned(),
        [p] => format!("PID {p}, in the PID namespace of whoever read the file; the process is not in a PID namespace nested below the reader's."),
        [outer, .., inner] => {
            let depth = chain.len() - 1;
            format!(
                "PID {outer} as seen by the reader; PID {inner} inside a nested PID namespace ({} below).",
                plural(depth as u64, "level", "levels")
            )
        }
    };
    NamespaceReport {
        ns_tgid: s.ns_tgid.clone(),
        ns_pid: s.ns_pid.clone(),
        ns_pgid: s.ns_pgid.clone(),
        ns_sid: s.ns_sid.clone(),
        nested_depth: if chain.is_empty() { None } else { Some(chain.len() - 1) },
        innermost_pid: chain.last().copied(),
        levels,
        explanation,
    }
}

/// Bytes in binary units with one decimal (`1.8 MiB`), plain bytes below 1 KiB.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes <= 1023 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = UNITS[0];
    // The next unit once one decimal would print 1024.0 (1048575 bytes is 1.0 MiB, as
    // `numfmt --to=iec-i` says, not 1024.0 KiB); u64::MAX is 16.0 EiB.
    for next in &UNITS[1..] {
        if value < 1023.95 {
            break;
        }
        value /= 1024.0;
        unit = next;
    }
    format!("{value:.1} {unit}")
}

fn memory(s: &ProcStatus) -> MemoryReport {
    let figures = s
        .raw
        .iter()
        .filter(|f| f.value.trim_end().ends_with("kB"))
        .filter_map(|f| {
            let n: u64 = f.value.split_whitespace().next()?.parse().ok()?;
            let bytes = n.checked_mul(1024)?;
            Some(MemoryFigure {
                key: f.key.clone(),
                bytes,
                human: human_bytes(bytes),
                meaning: field_info(&f.key).map(|i| i.meaning.to_owned()).unwrap_or_default(),
            })
        })
        .collect();
    MemoryReport { figures, no_address_space: s.raw.iter().all(|f| !f.key.starts_with("Vm")) }
}

const SET_MEANINGS: [(&str, &str, &str); 5] = [
    ("CapInh", "inheritable", "Inheritable: capabilities kept across execve(2) for programs whose file inheritable set also has them; the pool ambient capabilities are drawn from."),
    ("CapPrm", "permitted", "Permitted: the most the thread may make effective or give to its inheritable set; a capability dropped from here cannot be regained except by executing a privileged program."),
    ("CapEff", "effective", "Effective: what the kernel checks when the process attempts a privileged operation — the capabilities it actually uses now."),
    ("CapBnd", "bounding", "Bounding: the ceiling on what execve(2) of a set-user-ID-root or file-capability program can ever grant; dropping one here is permanent for the process and its children."),
    ("CapAmb", "ambient", "Ambient: capabilities kept across execve(2) of ordinary (unprivileged) programs, added to their permitted and effective sets (since Linux 4.3)."),
];

/// Every capability the kernel table names.
fn all_known() -> CapSet {
    CapSet((1u64 << (CAP_LAST_CAP + 1)) - 1)
}

/// How a set relates to Docker's default, in a few words.
pub fn describe_vs_docker(set: CapSet) -> String {
    let known = all_known();
    let missing_from_all = known.minus(set);
    if set.is_empty() {
        return "none".to_owned();
    }
    if set == DOCKER_DEFAULT {
        return "Docker default".to_owned();
    }
    if missing_from_all.is_empty() {
        let extra = set.unknown();
        return if extra.is_empty() {
            format!("all {} capabilities the kernel names", known.len())
        } else {
            format!("all {} capabilities the kernel names, plus unknown bits {}", known.len(), extra.names().join(", "))
        };
    }
    let beyond = set.minus(DOCKER_DEFAULT);
    let missing = DOCKER_DEFAULT.minus(set);
    // (four or fewer missing of all 41 is far more than Docker's 14)
    if missing_from_all.len() <= 4 {
        return format!("all but {}", missing_from_all.names().join(", "));
    }
    match (beyond.is_empty(), missing.is_empty()) {
        (true, false) if missing.len() <= 7 => format!("Docker default minus {}", missing.names().join(", ")),
        (true, false) => format!("a subset of Docker default: {}", set.names().join(", ")),
        (false, true) => format!("Docker default plus {}", beyond.names().join(", ")),
        (false, false) if beyond.len() + missing.len() <= 8 => {
            format!("Docker default plus {}, minus {}", beyond.names().join(", "), missing.names().join(", "))
        }
        _ => format!("{} beyond Docker default", plural(u64::from(beyond.len()), "capability", "capabilities")),
    }
}

fn dangerous(set: CapSet) -> Vec<String> {
    set.bits().filter_map(by_bit).filter(|c| c.dangerous).map(|c| c.name.to_owned()).collect()
}

fn capabilities(s: &ProcStatus) -> CapabilitiesReport {
    let present = [s.cap_inh, s.cap_prm, s.cap_eff, s.cap_bnd, s.cap_amb];
    let sets: Vec<CapSetReport> = SET_MEANINGS
        .iter()
        .zip(present)
        .filter_map(|((key, set, meaning), value)| {
            let value = value?;
            Some(CapSetReport {
                key: (*key).to_owned(),
                set: (*set).to_owned(),
                meaning: (*meaning).to_owned(),
                mask: MaskReport::new(value),
                dangerous: dangerous(value),
                vs_docker_default: describe_vs_docker(value),
            })
        })
        .collect();
    let eff = s.cap_eff;
    let dangerous_effective = eff.map(dangerous).unwrap_or_default();
    let dangerous_bounding = s.cap_bnd.map(dangerous).unwrap_or_default();
    let non_root = s.uid.is_some_and(|u| u.effective != 0);
    let summary = match (eff, s.cap_prm, s.cap_amb) {
        (None, _, _) => "The dump has no CapEff line.".to_owned(),
        (Some(e), Some(p), _) if e.is_empty() && p.is_empty() => {
            if non_root {
                "No capabilities: an ordinary unprivileged process. It can gain some only by executing a set-user-ID-root or file-capability program, and only those in its bounding set.".to_owned()
            } else {
                "No capabilities, although the user ID may be 0: the process cannot bypass any permission check.".to_owned()
            }
        }
        (Some(e), _, amb) => {
            let mut t = format!(
                "{} effective ({}).",
                plural(u64::from(e.len()), "capability", "capabilities"),
                describe_vs_docker(e)
            );
            if !dangerous(e).is_empty() {
                t.push_str(&format!(" Dangerous: {}.", dangerous(e).join(", ")));
            }
            if amb.is_some_and(|a| !a.is_empty()) {
                t.push_str(" Ambient capabilities pass to every program it executes.");
            }
            t
        }
    };
    CapabilitiesReport {
        sets,
        effective_count: eff.map(CapSet::len),
        effective_vs_docker_default: eff.map(describe_vs_docker),
        dangerous_effective,
        dangerous_bounding,
        summary,
    }
}

fn store_bypass_explanation(v: &str) -> String {
    let what = "Speculative Store Bypass (Spectre variant 4)";
    match v {
        "not vulnerable" => format!("The CPU is not affected by {what}."),
        "vulnerable" => format!("{what}: not mitigated for this process (the default on most kernels; mitigation can be requested with prctl or seccomp)."),
        "thread vulnerable" => format!("{what}: mitigation is controlled per thread by prctl, and this thread has it off."),
        "thread mitigated" => format!("{what}: this thread enabled the mitigation via prctl."),
        "thread force mitigated" => format!("{what}: the mitigation is force-enabled for this thread and cannot be turned off again (e.g. by seccomp)."),
        "globally mitigated" => format!("{what}: mitigated for every process on this system."),
        "unknown" => format!("The kernel cannot tell the {what} status on this architecture."),
        other => format!("{what}: {other:?} (a value this tool does not know)."),
    }
}

fn indirect_branch_explanation(v: &str) -> String {
    let what = "Indirect branch speculation (Spectre variant 2, STIBP/IBPB)";
    match v {
        "not affected" => format!("The CPU is not affected by {what}."),
        "always enabled" => format!("{what} is always enabled for this process: no per-process mitigation (the system may still mitigate globally)."),
        "always disabled" => format!("{what} is always disabled: the process is protected."),
        "conditional enabled" => format!("{what}: controllable per thread, currently enabled (not protected)."),
        "conditional disabled" => format!("{what}: controllable per thread, currently disabled (protected)."),
        "conditional force disabled" => format!("{what}: disabled for this thread and locked (protected)."),
        "unsupported" => format!("The kernel cannot control {what} on this system."),
        "unknown" => format!("The {what} status is unknown."),
        other => format!("{what}: {other:?} (a value this tool does not know)."),
    }
}

fn security(s: &ProcStatus) -> SecurityReport {
    let seccomp = s.seccomp.as_ref().map(|mode| {
        let raw = s.raw_value("Seccomp").unwrap_or_default().to_owned();
        let filters = s.seccomp_filters;
        let explanation = match mode {
            SeccompMode::Disabled => "Seccomp is off (mode 0): every system call is allowed, subject only to the usual permission checks.".to_owned(),
            SeccompMode::Strict => "Strict seccomp (mode 1): only read, write, _exit and sigreturn are allowed; any other system call kills the process.".to_owned(),
            SeccompMode::Filter => match filters {
                Some(n) => format!("Seccomp filtering is on (mode 2) with {} attached: BPF programs decide, system call by system call, what is allowed (e.g. Docker's default profile).", plural(u64::from(n), "filter", "filters")),
                None => "Seccomp filtering is on (mode 2): BPF programs decide, system call by system call, what is allowed (e.g. Docker's default profile).".to_owned(),
            },
            SeccompMode::Unknown(v) => format!("Seccomp mode {v:?} is not one this tool knows (0 disabled, 1 strict, 2 filter)."),
        };
        SeccompReport { mode: mode.clone(), raw, filters, explanation }
    });
    SecurityReport {
        seccomp,
        no_new_privs: s.no_new_privs,
        no_new_privs_explanation: s.no_new_privs.map(|n| {
            if n {
                "no_new_privs is set: execve(2) can never grant privileges — set-user-ID/set-group-ID bits and file capabilities are ignored, for this process and all its children.".to_owned()
            } else {
                "no_new_privs is off: executing a set-user-ID-root or file-capability program can still raise privileges (up to the bounding set).".to_owned()
            }
        }),
        speculation_store_bypass: s.speculation_store_bypass.as_ref().map(|v| SpeculationReport { value: v.clone(), explanation: store_bypass_explanation(v) }),
        speculation_indirect_branch: s.speculation_indirect_branch.as_ref().map(|v| SpeculationReport { value: v.clone(), explanation: indirect_branch_explanation(v) }),
    }
}

fn signals(s: &ProcStatus, numbering: Numbering) -> SignalsReport {
    let masks: [(&str, Option<SigMask>, &str); 5] = [
        ("SigPnd", s.sig_pnd, "Pending for this thread: sent but not yet delivered (often because blocked)."),
        ("ShdPnd", s.shd_pnd, "Pending for the whole process (shared by its threads)."),
        ("SigBlk", s.sig_blk, "Blocked by this thread: delivery is held back until unblocked."),
        ("SigIgn", s.sig_ign, "Ignored: the disposition is SIG_IGN, so the signal is discarded."),
        ("SigCgt", s.sig_cgt, "Caught: the process installed a handler."),
    ];
    let masks: Vec<SigMaskReport> = masks
        .iter()
        .filter_map(|(key, mask, meaning)| {
            let mask = (*mask)?;
            Some(SigMaskReport {
                key: (*key).to_owned(),
                meaning: (*meaning).to_owned(),
                hex: mask.hex(),
                value: mask.bits,
                signals: numbering.decode(mask.bits),
            })
        })
        .collect();
    SignalsReport {
        queued: s.sig_q.map(|q| q.queued),
        queue_limit: s.sig_q.map(|q| q.limit),
        note: numbering_note(&masks, numbering),
        numbering,
        masks,
    }
}

/// A sentence when a mask is printed wider (32 hex digits, 128 signals) than `numbering` has
/// signals: only MIPS kernels print such masks, and their numbers differ from 1 on.
fn numbering_note(masks: &[SigMaskReport], numbering: Numbering) -> Option<String> {
    let wide: Vec<&str> = masks.iter().filter(|m| m.hex.len() * 4 > usize::from(numbering.signals())).map(|m| m.key.as_str()).collect();
    if wide.is_empty() {
        return None;
    }
    Some(format!(
        "{} {} 32 hex digits (128 signals), as only MIPS kernels print; the {} numbering has {} signals, so the names may be wrong: choose the MIPS numbering.",
        wide.join(", "),
        if wide.len() == 1 { "has" } else { "have" },
        numbering.as_str(),
        numbering.signals()
    ))
}

fn affinity(mask_raw: Option<&str>, list_raw: Option<&str>, mask: Option<&CpuSet>, list: Option<&CpuSet>, what: &str) -> Option<AffinityReport> {
    if mask_raw.is_none() && list_raw.is_none() {
        return None;
    }
    let consistent = mask.zip(list).map(|(m, l)| m == l);
    let count = |n: u64| plural(n, what, &format!("{what}s"));
    let message = match (mask, list, consistent) {
        (Some(m), Some(_), Some(true)) => format!("The mask and the list agree: {} ({}).", count(m.count()), m.to_list()),
        (Some(m), Some(l), _) => format!(
            "The mask and the list disagree: the mask allows {} ({}), the list {} ({}). The dump may have been edited or pasted from two processes.",
            count(m.count()),
            m.to_list(),
            count(l.count()),
            l.to_list()
        ),
        (Some(m), None, _) => format!("The mask allows {} ({}).", count(m.count()), m.to_list()),
        (None, Some(l), _) => format!("The list allows {} ({}).", count(l.count()), l.to_list()),
        (None, None, _) => "Neither the mask nor the list could be read.".to_owned(),
    };
    Some(AffinityReport {
        mask: mask_raw.map(str::to_owned),
        list: list_raw.map(str::to_owned),
        mask_as_list: mask.map(CpuSet::to_list),
        mask_count: mask.map(CpuSet::count),
        list_count: list.map(CpuSet::count),
        consistent,
        message,
    })
}

fn verdict(s: &ProcStatus, r: &StatusReport) -> Verdict {
    let who = match &s.uid {
        Some(q) if q.effective == 0 => "runs as root".to_owned(),
        Some(q) => format!("runs as uid {}", q.effective),
        None => "user unknown".to_owned(),
    };
    let caps = match s.cap_eff {
        Some(e) if e.is_empty() => "with no effective capabilities".to_owned(),
        Some(e) => format!("with {} ({})", plural(u64::from(e.len()), "effective capability", "effective capabilities"), describe_vs_docker(e)),
        None => "capabilities unknown".to_owned(),
    };
    let seccomp = match (&s.seccomp, s.seccomp_filters) {
        (Some(SeccompMode::Filter), Some(n)) => format!("seccomp filtering on ({})", plural(u64::from(n), "filter", "filters")),
        (Some(SeccompMode::Filter), None) => "seccomp filtering on".to_owned(),
        (Some(SeccompMode::Strict), _) => "seccomp strict mode".to_owned(),
        (Some(SeccompMode::Disabled), _) => "seccomp off".to_owned(),
        (Some(SeccompMode::Unknown(v)), _) => format!("seccomp mode {v}"),
        (None, _) => "seccomp unknown".to_owned(),
    };
    let nnp = match s.no_new_privs {
        Some(true) => "no_new_privs on",
        Some(false) => "no_new_privs off",
        None => "no_new_privs unknown",
    };
    let headline = format!("{who} {caps}, {seccomp}, {nnp}");

    let mut points = Vec::new();
    let mut add = |level, text: String| points.push(VerdictPoint { level, text });
    if let Some(e) = s.cap_eff {
        if all_known().minus(e).is_empty() {
            add(Level::Danger, "Holds every capability: as powerful as root on the host, unless a user namespace limits it.".to_owned());
        } else if !r.capabilities.dangerous_effective.is_empty() {
            add(Level::Danger, format!("Dangerous effective capabilities: {}.", r.capabilities.dangerous_effective.join(", ")));
        }
        if s.uid.is_some_and(|u| u.effective != 0) && !e.is_empty() {
            add(Level::Warn, format!("A non-root user holding {}: {}.", plural(u64::from(e.len()), "capability", "capabilities"), e.names().join(", ")));
        }
        if s.uid.is_some_and(|u| u.effective == 0) && e.is_empty() {
            add(Level::Good, "Root without any effective capability: user ID 0 grants no privilege here.".to_owned());
        }
    }
    if let Some(a) = s.cap_amb.filter(|a| !a.is_empty()) {
        add(Level::Info, format!("Ambient capabilities ({}) pass to every program it executes.", a.names().join(", ")));
    }
    match &s.seccomp {
        Some(SeccompMode::Disabled) => add(Level::Warn, "Seccomp is off: every system call reaches the kernel.".to_owned()),
        Some(SeccompMode::Filter) | Some(SeccompMode::Strict) => add(Level::Good, format!("{}.", capitalize(&seccomp))),
        _ => {}
    }
    match s.no_new_privs {
        Some(true) => add(Level::Good, "no_new_privs is set: set-user-ID programs and file capabilities cannot raise privileges.".to_owned()),
        Some(false) if s.cap_bnd.is_some_and(|b| !dangerous(b).is_empty()) && s.uid.is_some_and(|u| u.effective != 0) => add(
            Level::Info,
            format!("no_new_privs is off and the bounding set still has {}: a set-user-ID-root or file-capability program could grant them.", dangerous(s.cap_bnd.unwrap_or_default()).join(", ")),
        ),
        _ => {}
    }
    if let Some(t) = s.tracer_pid.filter(|t| *t != 0) {
        add(Level::Warn, format!("Being traced by PID {t}."));
    }
    if let Some(state) = &s.state {
        if matches!(state.letter.as_str(), "Z" | "T" | "t" | "X" | "D") {
            add(Level::Info, format!("State {} ({}): {}", state.letter, state.label, state.description));
        }
    }
    if let Some(d) = r.namespaces.nested_depth.filter(|d| *d > 0) {
        add(Level::Info, format!("In a PID namespace {} below the reader's: {}", plural(d as u64, "level", "levels"), r.namespaces.explanation));
    } else if r.namespaces.innermost_pid == Some(1) {
        add(Level::Info, "PID 1 of its PID namespace (a container's init, or the host's).".to_owned());
    }
    if s.kthread == Some(true) {
        add(Level::Info, "A kernel thread.".to_owned());
    }
    for a in [&r.cpus, &r.mems].into_iter().flatten() {
        if a.consistent == Some(false) {
            add(Level::Warn, a.message.clone());
        }
    }
    points.sort_by_key(|p| p.level);
    Verdict { headline, points }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_relations() {
        assert_eq!(describe_vs_docker(DOCKER_DEFAULT), "Docker default");
        assert_eq!(describe_vs_docker(CapSet(0x800405fb)), "Docker default minus cap_net_raw, cap_mknod, cap_audit_write");
        assert_eq!(describe_vs_docker(DOCKER_DEFAULT.with(21)), "Docker default plus cap_sys_admin");
        assert_eq!(describe_vs_docker(CapSet(0x1ffffffffff)), "all 41 capabilities the kernel names");
        assert_eq!(describe_vs_docker(CapSet(0x1fffeffffff)), "all but cap_sys_resource");
        assert_eq!(describe_vs_docker(CapSet::EMPTY), "none");
        // Up to seven missing are named; with more, the set is listed as a subset.
        let without = |n: usize| DOCKER_DEFAULT.names().iter().take(n).filter_map(|c| crate::core::caps::by_name(c)).fold(DOCKER_DEFAULT, |s, c| s.without(c.bit));
        assert_eq!(describe_vs_docker(without(7)), format!("Docker default minus {}", DOCKER_DEFAULT.names()[..7].join(", ")));
        assert_eq!(describe_vs_docker(without(8)), format!("a subset of Docker default: {}", DOCKER_DEFAULT.names()[8..].join(", ")));
        assert_eq!(describe_vs_docker(CapSet(0x21)), "a subset of Docker default: cap_chown, cap_kill");
        // Both added and removed: named while there are at most eight changes, counted after.
        let sys_admin = DOCKER_DEFAULT.with(21).without(0);
        assert_eq!(describe_vs_docker(sys_admin), "Docker default plus cap_sys_admin, minus cap_chown");
        let eight = (21..25).fold(without(4), |s, b| s.with(b));
        assert_eq!(describe_vs_docker(eight), format!("Docker default plus {}, minus {}", eight.minus(DOCKER_DEFAULT).names().join(", "), DOCKER_DEFAULT.minus(eight).names().join(", ")));
        let nine = eight.with(25);
        assert_eq!(describe_vs_docker(nine), "5 capabilities beyond Docker default");
    }

    /// The four fields of `Uid:` are real, effective, saved set and filesystem IDs (proc(5)).
    #[test]
    fn user_ids_by_their_names() {
        let users = |line: &str| users(&crate::core::status::parse(line).unwrap_or_default());
        let plain = users("Uid:\t1000\t1000\t1000\t1000\n");
        assert_eq!(plain.summary, "Runs as the unprivileged user 1000.");
        assert_eq!(plain.uid.as_ref().map(|u| u.explanation.as_str()), Some("All four user IDs are 1000."));
        let saved = users("Uid:\t1000\t1000\t0\t1000\n");
        assert_eq!(saved.summary, "Runs as user 1000 but holds root in its saved user ID, so it can become root again.");
        let u = saved.uid.unwrap_or_else(|| panic!("no uid"));
        assert_eq!((u.root_in, u.differ_from_real), (vec!["saved".to_owned()], vec!["saved".to_owned()]));
        assert_eq!(u.explanation, "The user IDs differ: real 1000, effective 1000, saved 0, fs 1000. The saved set-user-ID differs: the process can switch its effective ID back to it.");
        let fs = users("Uid:\t5\t6\t7\t0\n");
        assert_eq!(fs.summary, "Runs as user 6 but holds root in its fs user ID, so it can become root again.");
    }

    /// The hint after differing IDs is about set-user-ID programs, so it is for the user IDs only:
    /// a saved or effective group ID that differs gets the list without it.
    #[test]
    fn the_set_user_id_hint_is_for_user_ids_only() {
        let q = |line: &str| crate::core::status::parse(line).unwrap_or_default();
        let g = ids_report(&q("Gid:\t1000\t1000\t0\t1000\n").gid.unwrap_or_else(|| panic!("no Gid")), "group");
        assert_eq!(g.explanation, "The group IDs differ: real 1000, effective 1000, saved 0, fs 1000.");
        let g = ids_report(&q("Gid:\t1000\t0\t1000\t1000\n").gid.unwrap_or_else(|| panic!("no Gid")), "group");
        assert_eq!(g.explanation, "The group IDs differ: real 1000, effective 0, saved 1000, fs 1000.");
        let u = ids_report(&q("Uid:\t1000\t1000\t1000\t0\n").uid.unwrap_or_else(|| panic!("no Uid")), "user");
        assert_eq!(u.explanation, "The user IDs differ: real 1000, effective 1000, saved 1000, fs 0.");
    }

    /// kthreadd as the kernel prints it (proc/local/host_kthreadd.status), and as kernels before
    /// 6.1 did, without the `Kthread:` line: then no Vm* lines, a name and parent 0 or 2 say
    /// "probably"; any one of them missing says nothing.
    #[test]
    fn kernel_threads_without_the_kthread_line() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/proc/local/host_kthreadd.status");
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let explain = |t: &str| identity(&crate::core::status::parse(t).unwrap_or_default()).kernel_thread_explanation;
        assert_eq!(explain(&text).as_deref(), Some("A kernel thread: it runs kernel code only and has no user address space."));
        let old: String = text.lines().filter(|l| !l.starts_with("Kthread:")).map(|l| format!("{l}\n")).collect();
        assert!(explain(&old).is_some_and(|e| e.starts_with("Probably a kernel thread")), "{old}");
        let child_of_2 = old.replace("PPid:\t0\n", "PPid:\t2\n");
        assert!(explain(&child_of_2).is_some_and(|e| e.starts_with("Probably a kernel thread")));
        assert_eq!(explain(&old.replace("PPid:\t0\n", "PPid:\t1\n")), None);
        assert_eq!(explain(&old.replace("Name:\tkthreadd\n", "")), None);
        assert_eq!(explain(&format!("{old}VmSize:\t  4 kB\n")), None);
    }

    fn local_dump(name: &str) -> ProcStatus {
        let path = format!("{}/../shared/fixtures/proc/local/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        crate::core::status::parse(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// Switching the numbering on the page (`renumbered`) shows what analysing the dump with that
    /// numbering shows: every mask, its names, the numbering and the note; for real dumps and for
    /// a 32-digit (MIPS-wide) mask, whose note comes and goes with the numbering. The JSON names
    /// the numbering only when it is not the generic one.
    #[test]
    fn renumbering_equals_analysing_with_that_numbering() {
        let wide = crate::core::status::parse("SigCgt:\t00000000000000000000000000008000\n").unwrap_or_default();
        let mut dumps = vec![wide];
        for name in ["threads_signals.status", "podman_default.status", "stopped.status", "strace_traced.status"] {
            dumps.push(local_dump(name));
        }
        for s in &dumps {
            let generic = analyze(s).signals;
            for n in [Numbering::Generic, Numbering::Mips, Numbering::Alpha, Numbering::Sparc, Numbering::Parisc] {
                let want = analyze_with(s, n).signals;
                assert_eq!(generic.renumbered(n), want, "{n:?}");
                assert_eq!(analyze_with(s, Numbering::Mips).signals.renumbered(n), want, "MIPS to {n:?}");
                let json = serde_json::to_value(&want).unwrap_or_default();
                assert_eq!(json.get("numbering").is_some(), n != Numbering::Generic, "{json}");
            }
        }
        // The 32-digit mask gets a note naming it; the real dumps (x86_64, 16 digits) none.
        assert!(analyze(&dumps[0]).signals.note.is_some_and(|n| n.contains("SigCgt")));
        assert_eq!(analyze(&dumps[0]).signals.renumbered(Numbering::Mips).note, None);
        for s in &dumps[1..] {
            assert_eq!(analyze(s).signals.note, None);
        }
    }

    /// The verdict's seccomp point is a sentence: capitalised, with the filter count the dump's
    /// `Seccomp_filters:` line gives.
    #[test]
    fn the_seccomp_verdict_point_is_a_sentence() {
        let point = |name: &str| analyze(&local_dump(name)).verdict.points.into_iter().find(|p| p.text.to_lowercase().contains("seccomp"));
        let strict = point("seccomp_strict.status").unwrap_or_else(|| panic!("no seccomp point"));
        assert_eq!((strict.level, strict.text.as_str()), (Level::Good, "Seccomp strict mode."));
        let filter = point("podman_default.status").unwrap_or_else(|| panic!("no seccomp point"));
        assert_eq!((filter.level, filter.text.as_str()), (Level::Good, "Seccomp filtering on (1 filter)."));
    }

    /// Every value fs/proc/array.c prints for the two speculation lines (`task_seccomp`'s
    /// switch over `arch_prctl_spec_ctrl_get`) gets its own sentence naming the vulnerability;
    /// none falls to the "does not know" sentence, which an unknown value gets.
    #[test]
    fn every_speculation_value_the_kernel_prints_is_explained() {
        let ssb = ["unknown", "not vulnerable", "thread force mitigated", "thread mitigated", "thread vulnerable", "globally mitigated", "vulnerable"];
        let ib = ["unsupported", "not affected", "conditional force disabled", "conditional disabled", "conditional enabled", "always enabled", "always disabled", "unknown"];
        for (values, explain, name) in [
            (&ssb[..], store_bypass_explanation as fn(&str) -> String, "Speculative Store Bypass (Spectre variant 4)"),
            (&ib[..], indirect_branch_explanation, "Indirect branch speculation (Spectre variant 2, STIBP/IBPB)"),
        ] {
            let texts: Vec<String> = values.iter().map(|v| explain(v)).collect();
            for (v, t) in values.iter().zip(&texts) {
                assert!(t.contains(name) && !t.contains("does not know"), "{v}: {t}");
            }
            let distinct: std::collections::BTreeSet<&String> = texts.iter().collect();
            assert_eq!(distinct.len(), texts.len(), "{texts:?}");
            assert!(explain("new value").contains("does not know"));
        }
    }

    #[test]
    fn umask_and_bytes() {
        assert_eq!(umask_report(0o22).explanation, "New files get at most rw-r--r-- (0644), new directories at most rwxr-xr-x (0755).");
        assert_eq!(human_bytes(1816 * 1024), "1.8 MiB");
        assert_eq!(human_bytes(12), "12 B");
        assert_eq!(human_bytes(u64::MAX), "16.0 EiB");
    }
}
