//! `/proc/<pid>/status`: what the kernel says about a process, one `Key:\tvalue` line per field,
//! parsed, explained and compared.
//!
//! The format is written by `proc_pid_status` in
//! [`fs/proc/array.c`](https://github.com/torvalds/linux/blob/master/fs/proc/array.c) and described
//! in [`Documentation/filesystems/proc.rst`](https://docs.kernel.org/filesystems/proc.html)
//! (table 1-2) and [proc_pid_status(5)](https://man7.org/linux/man-pages/man5/proc_pid_status.5.html).
//! Fields that only some kernels print are `Option`s documented with the release that added them;
//! keys this module does not know are kept, in order, with their line numbers.
//!
//! # API (what the web UI and the CLI call)
//!
//! | call | gives |
//! |---|---|
//! | [`parse`]`(&str) -> Result<ProcStatus, StatusError>` | one dump: raw fields + typed model |
//! | [`parse_all`]`(&str) -> Result<Vec<ProcStatus>, StatusError>` | one or more dumps pasted together (a key seen again starts the next dump) |
//! | [`analyze`]`(&ProcStatus) -> StatusReport` | everything the page shows, precomputed and serde-serializable |
//! | [`compare`]`(&StatusReport, &StatusReport) -> Vec<FieldDiff>` | the side-by-side comparison |
//! | [`classify`]`(&str) -> PasteKind` | which parser a paste is for: status dump, bare capability masks, AppArmor label |
//! | [`to_fragment`] / [`from_fragment`] | the dump, deflated and base64url-encoded for a URL fragment (limits: [`MAX_FRAGMENT_TEXT_BYTES`], [`MAX_FRAGMENT_CHARS`]) |
//!
//! # How lenient the reader is
//!
//! Text arrives from terminals, `docker exec`, chat and web pages, so the reader accepts tabs or
//! spaces after the colon, `\r\n`, a leading byte-order mark, blank lines, shell prompts and
//! command echoes (`$ cat /proc/1/status`, `root@host:~# …`, `/ # …`, `bash-5.2# …`), `grep -H`
//! prefixes (`/proc/1/status:CapEff:…`), partial dumps and subsets such as `grep ^Cap`, and a
//! `Cpus_allowed`/`Mems_allowed` mask that a narrow terminal wrapped onto the next line.
//!
//! It is strict about structure: a line that is none of these — not `Key: value` with a key of
//! letters, digits and `_` — is an error naming its 1-based line ([`StatusError::NotKeyValue`]),
//! because a paste that has a stray line is more likely the wrong text than a damaged dump, and
//! saying so beats explaining half of it. A dump must have at least one key this module knows.
//! A known key whose value cannot be read (e.g. a truncated last line) does not fail the parse:
//! the typed field stays `None`, the raw field is kept, and a [`StatusWarning`] says why.
//!
//! Sizes are bounded: at most [`MAX_INPUT_BYTES`] bytes and [`MAX_LINES`] lines are read (a 10 MB
//! paste is refused at once, before any line is looked at), and at most [`MAX_DUMPS`] dumps.
//!
//! ```
//! use tarsier::core::status::{analyze, parse, SeccompMode};
//! let text = "$ cat /proc/1/status\nName:\tredis-server\nUid:\t999\t999\t999\t999\n\
//!             NSpid:\t1099\t1\nCapEff:\t00000000a80425fb\nSeccomp:\t2\nSeccomp_filters:\t1\n\
//!             NoNewPrivs:\t0\nx_new_field:\ta:b:c\n";
//! let status = parse(text).unwrap();
//! assert_eq!(status.name.as_deref(), Some("redis-server"));
//! assert_eq!(status.seccomp, Some(SeccompMode::Filter));
//! assert_eq!(status.raw.last().unwrap().value, "a:b:c");
//! let report = analyze(&status);
//! assert_eq!(report.verdict.headline,
//!     "runs as uid 999 with 14 effective capabilities (Docker default), seccomp filtering on (1 filter), no_new_privs off");
//! assert_eq!(report.namespaces.explanation, "PID 1099 as seen by the reader; PID 1 inside a nested PID namespace (1 level below).");
//! ```

use crate::core::caps::{parse_mask, CapSet};
use crate::core::paste::is_prompt_line;
use serde::{Deserialize, Serialize};
use std::fmt;

mod analyze;
mod compare;
mod cpulist;
mod fields;
mod fragment;

pub use analyze::*;
pub use compare::{compare, FieldDiff};
pub use cpulist::{CpuRange, CpuSet, MAX_LIST_ENTRIES, MAX_MASK_GROUPS};
pub use fields::{field_info, FieldInfo, FIELDS};
pub use fragment::{from_fragment, to_fragment, FragmentError, FRAGMENT_PREFIX, MAX_FRAGMENT_CHARS, MAX_FRAGMENT_TEXT_BYTES};

/// The most bytes read from one paste (a real dump is 1–3 KB; wide CPU masks add a few KB).
pub const MAX_INPUT_BYTES: usize = 1 << 20;
/// The most lines read from one paste.
pub const MAX_LINES: usize = 8192;
/// The most dumps [`parse_all`] reads from one paste.
pub const MAX_DUMPS: usize = 16;
/// The longest key accepted (the kernel's longest is `nonvoluntary_ctxt_switches`, 26).
pub const MAX_KEY_LEN: usize = 64;

/// One `Key:\tvalue` line as it was pasted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawField {
    /// The key, exactly as printed (`CapEff`, `Speculation_Store_Bypass`).
    pub key: String,
    /// Everything after the first `:`, with surrounding white space removed (inner tabs and
    /// further colons are kept: `a:b:c` stays `a:b:c`).
    pub value: String,
    /// 1-based line in the pasted text.
    pub line: usize,
}

/// A known field whose value could not be read, or input that was repaired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusWarning {
    /// 1-based line.
    pub line: usize,
    /// The key concerned.
    pub key: String,
    /// A full sentence.
    pub message: String,
}

/// Why a paste could not be read as `/proc/<pid>/status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StatusError {
    /// Nothing but white space and prompts.
    Empty,
    /// More than [`MAX_INPUT_BYTES`].
    TooLarge { bytes: usize },
    /// More than [`MAX_LINES`].
    TooManyLines { lines: usize },
    /// A line that is neither `Key: value`, blank, nor a prompt.
    NotKeyValue { line: usize, text: String },
    /// Lines of the form `Key: value`, but no key `/proc/<pid>/status` has.
    NoKnownFields { line: usize, key: String },
    /// [`parse`] got more than one dump; `line` is where the second starts.
    SeveralDumps { count: usize, line: usize, key: String },
    /// More than [`MAX_DUMPS`] dumps.
    TooManyDumps { count: usize },
}

impl StatusError {
    /// A short stable code for the error's kind (for scripts and tests).
    pub fn code(&self) -> &'static str {
        match self {
            StatusError::Empty => "empty",
            StatusError::TooLarge { .. } => "too_large",
            StatusError::TooManyLines { .. } => "too_many_lines",
            StatusError::NotKeyValue { .. } => "not_key_value",
            StatusError::NoKnownFields { .. } => "no_known_fields",
            StatusError::SeveralDumps { .. } => "several_dumps",
            StatusError::TooManyDumps { .. } => "too_many_dumps",
        }
    }
}

impl fmt::Display for StatusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatusError::Empty => write!(f, "Nothing to read: paste the output of `cat /proc/<pid>/status` (lines like \"Name:\tbash\" and \"CapEff:\t00000000a80425fb\")."),
            StatusError::TooLarge { bytes } => write!(f, "The text is {bytes} bytes; a /proc/<pid>/status dump is a few kilobytes, and at most {MAX_INPUT_BYTES} bytes are read."),
            StatusError::TooManyLines { lines } => write!(f, "The text has more than {lines} lines; a /proc/<pid>/status dump has about 60, and at most {MAX_LINES} are read."),
            StatusError::NotKeyValue { line, text } => write!(f, "Line {line} is not a \"Key:\tvalue\" line of /proc/<pid>/status (such as \"State:\tS (sleeping)\"): {text:?}."),
            StatusError::NoKnownFields { line, key } => write!(f, "None of the keys is one /proc/<pid>/status prints (the first, {key:?}, is on line {line}); expected lines like \"Name:\tbash\" or \"CapEff:\t00000000a80425fb\"."),
            StatusError::SeveralDumps { count, line, key } => write!(f, "The text holds {count} dumps ({key:?} appears again on line {line}); paste one /proc/<pid>/status dump, or compare them side by side."),
            StatusError::TooManyDumps { count } => write!(f, "The text holds {count} dumps; at most {MAX_DUMPS} are read at once."),
        }
    }
}

impl std::error::Error for StatusError {}

/// Real, effective, saved set and filesystem IDs (the `Uid:` and `Gid:` lines).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdQuad {
    pub real: u32,
    pub effective: u32,
    pub saved: u32,
    pub fs: u32,
}

impl IdQuad {
    /// The four parts with their names, in print order.
    pub fn parts(&self) -> [(&'static str, u32); 4] {
        [("real", self.real), ("effective", self.effective), ("saved", self.saved), ("fs", self.fs)]
    }
}

/// The `State:` line: a letter from `task_state_array` in `fs/proc/array.c` and its word.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskState {
    /// `R`, `S`, `D`, `T`, `t`, `X`, `Z`, `P`, `I`, or an older kernel's `x`, `K`, `W`.
    pub letter: String,
    /// The word in parentheses as printed (`sleeping`), empty if there was none.
    pub label: String,
    /// What the state means; a sentence.
    pub description: String,
    /// Whether the letter is one this module knows.
    pub known: bool,
}

/// The states `task_state_array` has had, with what each means.
pub const TASK_STATES: &[(&str, &str, &str)] = &[
    ("R", "running", "Running, or runnable and waiting for a CPU."),
    ("S", "sleeping", "Sleeping in an interruptible wait (for an event, a timer, input)."),
    ("D", "disk sleep", "Uninterruptible sleep, usually waiting for I/O; signals are not delivered until it returns."),
    ("T", "stopped", "Stopped by a job-control signal (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU)."),
    ("t", "tracing stop", "Stopped by a debugger (ptrace) at a tracing stop."),
    ("X", "dead", "Dead: being reaped; should never be seen."),
    ("Z", "zombie", "Zombie: terminated, but its parent has not yet collected its exit status with wait(2)."),
    ("P", "parked", "Parked: a kernel thread put aside (e.g. while its CPU is offline) (since Linux 3.9)."),
    ("I", "idle", "Idle kernel thread (since Linux 4.14)."),
    ("x", "dead", "Dead (Linux 2.6.33 to 3.13)."),
    ("K", "wakekill", "Wake-kill: woken only by fatal signals (Linux 2.6.33 to 3.13)."),
    ("W", "waking", "Waking, or paging on kernels before 2.6.0 (Linux 2.6.33 to 3.13)."),
];

/// The `Seccomp:` mode (`SECCOMP_MODE_*` in `include/uapi/linux/seccomp.h`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SeccompMode {
    /// 0: no seccomp.
    Disabled,
    /// 1: strict mode, only read, write, _exit and sigreturn allowed.
    Strict,
    /// 2: one or more BPF filters decide each system call.
    Filter,
    /// A value this module does not know, as printed.
    Unknown(String),
}

/// `SigQ:` — queued signals for the real user ID / the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigQ {
    pub queued: u64,
    pub limit: u64,
}

/// The memory figures (`Vm*`, `Rss*`, `HugetlbPages`), converted from kB to **bytes**. Kernel
/// threads have none of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Memory {
    pub vm_peak: Option<u64>,
    pub vm_size: Option<u64>,
    pub vm_lck: Option<u64>,
    /// (since Linux 3.2)
    pub vm_pin: Option<u64>,
    pub vm_hwm: Option<u64>,
    pub vm_rss: Option<u64>,
    /// (since Linux 4.5)
    pub rss_anon: Option<u64>,
    /// (since Linux 4.5)
    pub rss_file: Option<u64>,
    /// (since Linux 4.5)
    pub rss_shmem: Option<u64>,
    pub vm_data: Option<u64>,
    pub vm_stk: Option<u64>,
    pub vm_exe: Option<u64>,
    pub vm_lib: Option<u64>,
    pub vm_pte: Option<u64>,
    /// (Linux 4.0 to 4.14)
    pub vm_pmd: Option<u64>,
    /// (since Linux 2.6.34)
    pub vm_swap: Option<u64>,
    /// (since Linux 4.4)
    pub hugetlb_pages: Option<u64>,
}

/// A parsed `/proc/<pid>/status` dump: every raw line, and the typed fields. A field is `None`
/// when the dump does not have it (older kernel, kernel thread, partial paste) or its value
/// could not be read (then [`ProcStatus::warnings`] says why).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcStatus {
    /// Every `Key: value` line, in order, known or not.
    pub raw: Vec<RawField>,
    /// Values that could not be read, lines that were repaired.
    pub warnings: Vec<StatusWarning>,
    pub name: Option<String>,
    /// (since Linux 4.7)
    pub umask: Option<u32>,
    pub state: Option<TaskState>,
    pub tgid: Option<u32>,
    /// (since Linux 3.13)
    pub ngid: Option<u32>,
    pub pid: Option<u32>,
    pub ppid: Option<u32>,
    pub tracer_pid: Option<u32>,
    pub uid: Option<IdQuad>,
    pub gid: Option<IdQuad>,
    pub fd_size: Option<u32>,
    pub groups: Option<Vec<u32>>,
    /// (since Linux 4.1) Outermost (the reader's namespace) first.
    pub ns_tgid: Option<Vec<u32>>,
    /// (since Linux 4.1)
    pub ns_pid: Option<Vec<u32>>,
    /// (since Linux 4.1)
    pub ns_pgid: Option<Vec<u32>>,
    /// (since Linux 4.1)
    pub ns_sid: Option<Vec<u32>>,
    /// (since Linux 6.4)
    pub kthread: Option<bool>,
    pub memory: Memory,
    /// (since Linux 4.15)
    pub core_dumping: Option<bool>,
    /// (since Linux 5.0)
    pub thp_enabled: Option<bool>,
    /// (since Linux 6.4, x86 with LAM)
    pub untag_mask: Option<u64>,
    pub threads: Option<u32>,
    pub sig_q: Option<SigQ>,
    pub sig_pnd: Option<u64>,
    pub shd_pnd: Option<u64>,
    pub sig_blk: Option<u64>,
    pub sig_ign: Option<u64>,
    pub sig_cgt: Option<u64>,
    pub cap_inh: Option<CapSet>,
    pub cap_prm: Option<CapSet>,
    pub cap_eff: Option<CapSet>,
    /// (since Linux 2.6.26)
    pub cap_bnd: Option<CapSet>,
    /// (since Linux 4.3)
    pub cap_amb: Option<CapSet>,
    /// (since Linux 4.10)
    pub no_new_privs: Option<bool>,
    /// (since Linux 3.8)
    pub seccomp: Option<SeccompMode>,
    /// (since Linux 5.9)
    pub seccomp_filters: Option<u32>,
    /// (since Linux 4.17) As printed: `vulnerable`, `thread mitigated`, …
    pub speculation_store_bypass: Option<String>,
    /// (since Linux 5.12) As printed: `always enabled`, `conditional enabled`, …
    pub speculation_indirect_branch: Option<String>,
    pub cpus_allowed: Option<CpuSet>,
    /// (since Linux 2.6.26)
    pub cpus_allowed_list: Option<CpuSet>,
    pub mems_allowed: Option<CpuSet>,
    /// (since Linux 2.6.26)
    pub mems_allowed_list: Option<CpuSet>,
    /// (since Linux 2.6.23)
    pub voluntary_ctxt_switches: Option<u64>,
    /// (since Linux 2.6.23)
    pub nonvoluntary_ctxt_switches: Option<u64>,
}

impl ProcStatus {
    /// The raw value of `key`, if the dump has it.
    pub fn raw_value(&self, key: &str) -> Option<&str> {
        self.raw.iter().find(|f| f.key == key).map(|f| f.value.as_str())
    }

    /// Raw fields whose key this module does not know, in order.
    pub fn unknown_fields(&self) -> Vec<&RawField> {
        self.raw.iter().filter(|f| field_info(&f.key).is_none()).collect()
    }
}

/// What a paste box holds, by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PasteKind {
    /// A `/proc/<pid>/status` dump with at least one field besides `Cap*`: use [`parse_all`].
    StatusDump,
    /// Capability masks only (bare, `CapEff:\t…` lines, `capsh --decode` output): use
    /// `core::paste::parse_masks`. [`parse`] reads `Cap*`-only text too, if a page prefers that.
    Masks,
    /// One `/proc/<pid>/attr/current` label: use `core::apparmor::parse`.
    AppArmorLabel,
    /// None of these; [`parse`]'s error names the first line it cannot read.
    Unknown,
}

/// Decides which parser a paste is for (cheap; no full parse of a status dump).
///
/// ```
/// use tarsier::core::status::{classify, PasteKind};
/// assert_eq!(classify("Name:\tbash\nState:\tS (sleeping)"), PasteKind::StatusDump);
/// assert_eq!(classify("CapEff:\t00000000a80425fb"), PasteKind::Masks);
/// assert_eq!(classify("0xa80425fb"), PasteKind::Masks);
/// assert_eq!(classify("docker-default (enforce)\n"), PasteKind::AppArmorLabel);
/// assert_eq!(classify("hello world"), PasteKind::Unknown);
/// ```
pub fn classify(text: &str) -> PasteKind {
    let mut status_keys = 0usize;
    let mut cap_keys = 0usize;
    for raw in text.lines().take(MAX_LINES) {
        if let Some((key, _)) = split_field(raw) {
            if key.starts_with("Cap") && field_info(key).is_some() {
                cap_keys += 1;
            } else if field_info(key).is_some() {
                status_keys += 1;
            }
        }
    }
    if status_keys > 0 {
        return PasteKind::StatusDump;
    }
    if text.len() <= MAX_INPUT_BYTES && crate::core::paste::parse_masks(text).is_ok() {
        return PasteKind::Masks;
    }
    if crate::core::apparmor::parse(text).is_ok() {
        return PasteKind::AppArmorLabel;
    }
    if cap_keys > 0 {
        return PasteKind::Masks;
    }
    PasteKind::Unknown
}

/// Parses one dump.
///
/// # Errors
/// [`StatusError`]: empty or oversized text, a line that is not `Key: value` (with its number),
/// no known key, or several dumps (use [`parse_all`] for those).
///
/// ```
/// use tarsier::core::status::{parse, StatusError};
/// let caps = parse("CapPrm:\t000001ffffffffff\r\nCapEff:\t000001ffffffffff\r\n").unwrap();
/// assert_eq!(caps.cap_eff.map(|c| c.len()), Some(41));
/// assert!(matches!(parse("Name:\tx\nthis is not a status line"), Err(StatusError::NotKeyValue { line: 2, .. })));
/// ```
pub fn parse(text: &str) -> Result<ProcStatus, StatusError> {
    let mut segments = scan(text)?;
    if segments.len() > 1 {
        let (line, key) = segments
            .get(1)
            .and_then(|s| s.fields.first())
            .map(|f| (f.line, f.key.clone()))
            .unwrap_or_default();
        return Err(StatusError::SeveralDumps { count: segments.len(), line, key });
    }
    let segment = segments.pop().ok_or(StatusError::Empty)?;
    Ok(build(segment))
}

/// Parses one or more dumps pasted one after the other. A dump ends where a key it already has
/// appears again (typically the next `Name:`); prompts and blank lines between them are skipped.
///
/// # Errors
/// As [`parse`], and [`StatusError::TooManyDumps`] beyond [`MAX_DUMPS`].
///
/// ```
/// use tarsier::core::status::parse_all;
/// let two = parse_all("Name:\ta\nSeccomp:\t0\n$ docker exec c cat /proc/1/status\nName:\tb\nSeccomp:\t2\n").unwrap();
/// assert_eq!(two.len(), 2);
/// assert_eq!(two[1].name.as_deref(), Some("b"));
/// ```
pub fn parse_all(text: &str) -> Result<Vec<ProcStatus>, StatusError> {
    Ok(scan(text)?.into_iter().map(build).collect())
}

struct Segment {
    fields: Vec<RawField>,
    warnings: Vec<StatusWarning>,
}

/// Splits a line into key and value if it is `Key: value` with a plausible key (ASCII letters,
/// digits and `_`, starting with a letter). Strips `grep -H` prefixes (`/proc/1/status:`).
fn split_field(raw: &str) -> Option<(&str, &str)> {
    let mut line = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '\0');
    if line.starts_with('/') {
        if let Some(at) = line.find("/status:") {
            line = &line[at + "/status:".len()..];
        }
    }
    let (key, value) = line.split_once(':')?;
    let key = key.trim_end();
    let mut chars = key.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    if !first_ok || key.len() > MAX_KEY_LEN || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    Some((key, value.trim()))
}

/// Prompts `is_prompt_line` does not catch: `/ # cmd`, `bash-5.2# cmd`, `sh-4.4$ cmd`,
/// `host:~# cmd` — at most two short words, the last ending in a prompt character.
fn is_shell_prompt(line: &str) -> bool {
    if is_prompt_line(line) {
        return true;
    }
    let mut words = line.split_whitespace();
    let ends_prompt = |w: &str| w.len() <= 64 && (w.ends_with('$') || w.ends_with('#') || w.ends_with('%') || w.ends_with('>'));
    match (words.next(), words.next()) {
        (Some(a), _) if ends_prompt(a) => true,
        (Some(a), Some(b)) => a.len() <= 64 && (b == "$" || b == "#" || b == "%" || b == ">"),
        _ => false,
    }
}

fn scan(text: &str) -> Result<Vec<Segment>, StatusError> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(StatusError::TooLarge { bytes: text.len() });
    }
    let mut segments: Vec<Segment> = Vec::new();
    let mut current = Segment { fields: Vec::new(), warnings: Vec::new() };
    for (index, raw) in text.split('\n').enumerate() {
        let line_no = index + 1;
        if line_no > MAX_LINES {
            return Err(StatusError::TooManyLines { lines: MAX_LINES });
        }
        let line = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '\0');
        if line.is_empty() {
            continue;
        }
        let field = split_field(line);
        let known = field.is_some_and(|(k, _)| field_info(k).is_some());
        if !known && is_shell_prompt(line) {
            continue;
        }
        let Some((key, value)) = field else {
            if let Some(prev) = current.fields.last_mut() {
                if (prev.key == "Cpus_allowed" || prev.key == "Mems_allowed")
                    && line.chars().all(|c| c.is_ascii_hexdigit() || c == ',')
                {
                    prev.value.push_str(line);
                    current.warnings.push(StatusWarning {
                        line: line_no,
                        key: prev.key.clone(),
                        message: format!("Line {line_no} was read as the rest of {} on line {} (a wrapped line).", prev.key, prev.line),
                    });
                    continue;
                }
            }
            let text: String = line.chars().take(80).collect();
            return Err(StatusError::NotKeyValue { line: line_no, text });
        };
        if current.fields.iter().any(|f| f.key == key) {
            segments.push(std::mem::replace(&mut current, Segment { fields: Vec::new(), warnings: Vec::new() }));
            if segments.len() >= MAX_DUMPS {
                return Err(StatusError::TooManyDumps { count: segments.len() + 1 });
            }
        }
        current.fields.push(RawField { key: key.to_owned(), value: value.to_owned(), line: line_no });
    }
    if !current.fields.is_empty() {
        segments.push(current);
    }
    if segments.is_empty() {
        return Err(StatusError::Empty);
    }
    for segment in &segments {
        if !segment.fields.iter().any(|f| field_info(&f.key).is_some()) {
            let (line, key) = segment.fields.first().map(|f| (f.line, f.key.clone())).unwrap_or_default();
            return Err(StatusError::NoKnownFields { line, key });
        }
    }
    Ok(segments)
}

fn build(segment: Segment) -> ProcStatus {
    let mut s = ProcStatus { warnings: segment.warnings, ..ProcStatus::default() };
    for f in &segment.fields {
        if let Err(why) = apply(&mut s, f) {
            s.warnings.push(StatusWarning {
                line: f.line,
                key: f.key.clone(),
                message: format!("Line {}: the {} value {:?} could not be read: {why}; it is shown as is.", f.line, f.key, f.value),
            });
        }
    }
    s.raw = segment.fields;
    s
}

fn num<T: std::str::FromStr>(v: &str) -> Result<T, String> {
    v.trim().parse::<T>().map_err(|_| "expected a decimal number".to_owned())
}

fn flag(v: &str) -> Result<bool, String> {
    match v.trim() {
        "0" => Ok(false),
        "1" => Ok(true),
        _ => Err("expected 0 or 1".to_owned()),
    }
}

fn id_list(v: &str) -> Result<Vec<u32>, String> {
    v.split_whitespace().map(num::<u32>).collect::<Result<Vec<_>, _>>().map_err(|_| "expected decimal IDs separated by white space".to_owned())
}

fn id_quad(v: &str) -> Result<IdQuad, String> {
    match id_list(v)?.as_slice() {
        [real, effective, saved, fs] => Ok(IdQuad { real: *real, effective: *effective, saved: *saved, fs: *fs }),
        other => Err(format!("expected 4 IDs (real, effective, saved, filesystem), found {}", other.len())),
    }
}

fn kb(v: &str) -> Result<u64, String> {
    let mut words = v.split_whitespace();
    let n: u64 = words.next().ok_or("the value is empty")?.parse().map_err(|_| "expected a number of kB".to_owned())?;
    match words.next() {
        None | Some("kB") | Some("KB") | Some("kb") => {}
        Some(unit) => return Err(format!("expected the unit kB, found {unit:?}")),
    }
    n.checked_mul(1024).ok_or_else(|| "the size does not fit in 64 bits".to_owned())
}

fn hex64(v: &str) -> Result<u64, String> {
    parse_mask(v).map(|c| c.0).map_err(|e| e.to_string().trim_end_matches('.').to_owned())
}

fn cap(v: &str) -> Result<CapSet, String> {
    parse_mask(v).map_err(|e| e.to_string().trim_end_matches('.').to_owned())
}

fn state(v: &str) -> Result<TaskState, String> {
    let v = v.trim();
    let letter: String = v.chars().next().ok_or("the value is empty")?.to_string();
    let rest = v[letter.len()..].trim();
    let label = rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')).unwrap_or(rest).to_owned();
    if !rest.is_empty() && !rest.starts_with('(') {
        return Err("expected a state letter and a word in parentheses, like \"S (sleeping)\"".to_owned());
    }
    Ok(match TASK_STATES.iter().find(|(l, _, _)| *l == letter) {
        Some((_, _, description)) => TaskState { letter, label, description: (*description).to_owned(), known: true },
        None => TaskState { description: format!("State {letter:?} is not one this tool knows."), letter, label, known: false },
    })
}

fn sig_q(v: &str) -> Result<SigQ, String> {
    let (q, l) = v.split_once('/').ok_or("expected queued/limit, like 0/3824")?;
    Ok(SigQ { queued: num(q)?, limit: num(l)? })
}

fn seccomp(v: &str) -> SeccompMode {
    match v.trim() {
        "0" => SeccompMode::Disabled,
        "1" => SeccompMode::Strict,
        "2" => SeccompMode::Filter,
        other => SeccompMode::Unknown(other.to_owned()),
    }
}

fn umask(v: &str) -> Result<u32, String> {
    let v = v.trim();
    if v.is_empty() || !v.chars().all(|c| ('0'..='7').contains(&c)) {
        return Err("expected an octal mode like 0022".to_owned());
    }
    u32::from_str_radix(v, 8).ok().filter(|m| *m <= 0o7777).ok_or_else(|| "expected an octal mode like 0022".to_owned())
}

fn apply(s: &mut ProcStatus, f: &RawField) -> Result<(), String> {
    let v = f.value.as_str();
    let m = &mut s.memory;
    match f.key.as_str() {
        "Name" => s.name = Some(v.to_owned()),
        "Umask" => s.umask = Some(umask(v)?),
        "State" => s.state = Some(state(v)?),
        "Tgid" => s.tgid = Some(num(v)?),
        "Ngid" => s.ngid = Some(num(v)?),
        "Pid" => s.pid = Some(num(v)?),
        "PPid" => s.ppid = Some(num(v)?),
        "TracerPid" => s.tracer_pid = Some(num(v)?),
        "Uid" => s.uid = Some(id_quad(v)?),
        "Gid" => s.gid = Some(id_quad(v)?),
        "FDSize" => s.fd_size = Some(num(v)?),
        "Groups" => s.groups = Some(id_list(v)?),
        "NStgid" => s.ns_tgid = Some(id_list(v)?),
        "NSpid" => s.ns_pid = Some(id_list(v)?),
        "NSpgid" => s.ns_pgid = Some(id_list(v)?),
        "NSsid" => s.ns_sid = Some(id_list(v)?),
        "Kthread" => s.kthread = Some(flag(v)?),
        "VmPeak" => m.vm_peak = Some(kb(v)?),
        "VmSize" => m.vm_size = Some(kb(v)?),
        "VmLck" => m.vm_lck = Some(kb(v)?),
        "VmPin" => m.vm_pin = Some(kb(v)?),
        "VmHWM" => m.vm_hwm = Some(kb(v)?),
        "VmRSS" => m.vm_rss = Some(kb(v)?),
        "RssAnon" => m.rss_anon = Some(kb(v)?),
        "RssFile" => m.rss_file = Some(kb(v)?),
        "RssShmem" => m.rss_shmem = Some(kb(v)?),
        "VmData" => m.vm_data = Some(kb(v)?),
        "VmStk" => m.vm_stk = Some(kb(v)?),
        "VmExe" => m.vm_exe = Some(kb(v)?),
        "VmLib" => m.vm_lib = Some(kb(v)?),
        "VmPTE" => m.vm_pte = Some(kb(v)?),
        "VmPMD" => m.vm_pmd = Some(kb(v)?),
        "VmSwap" => m.vm_swap = Some(kb(v)?),
        "HugetlbPages" => m.hugetlb_pages = Some(kb(v)?),
        "CoreDumping" => s.core_dumping = Some(flag(v)?),
        "THP_enabled" => s.thp_enabled = Some(flag(v)?),
        "untag_mask" => s.untag_mask = Some(hex64(v)?),
        "Threads" => s.threads = Some(num(v)?),
        "SigQ" => s.sig_q = Some(sig_q(v)?),
        "SigPnd" => s.sig_pnd = Some(hex64(v)?),
        "ShdPnd" => s.shd_pnd = Some(hex64(v)?),
        "SigBlk" => s.sig_blk = Some(hex64(v)?),
        "SigIgn" => s.sig_ign = Some(hex64(v)?),
        "SigCgt" => s.sig_cgt = Some(hex64(v)?),
        "CapInh" => s.cap_inh = Some(cap(v)?),
        "CapPrm" => s.cap_prm = Some(cap(v)?),
        "CapEff" => s.cap_eff = Some(cap(v)?),
        "CapBnd" => s.cap_bnd = Some(cap(v)?),
        "CapAmb" => s.cap_amb = Some(cap(v)?),
        "NoNewPrivs" => s.no_new_privs = Some(flag(v)?),
        "Seccomp" => s.seccomp = Some(seccomp(v)),
        "Seccomp_filters" => s.seccomp_filters = Some(num(v)?),
        "Speculation_Store_Bypass" => s.speculation_store_bypass = Some(v.to_owned()),
        "SpeculationIndirectBranch" => s.speculation_indirect_branch = Some(v.to_owned()),
        "Cpus_allowed" => s.cpus_allowed = Some(cpulist::parse_mask(v)?),
        "Cpus_allowed_list" => s.cpus_allowed_list = Some(cpulist::parse_list(v)?),
        "Mems_allowed" => s.mems_allowed = Some(cpulist::parse_mask(v)?),
        "Mems_allowed_list" => s.mems_allowed_list = Some(cpulist::parse_list(v)?),
        "voluntary_ctxt_switches" => s.voluntary_ctxt_switches = Some(num(v)?),
        "nonvoluntary_ctxt_switches" => s.nonvoluntary_ctxt_switches = Some(num(v)?),
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompts_of_many_shells_are_skipped() {
        for p in ["$ cat /proc/1/status", "root@host:~# cat /proc/1/status", "/ # cat /proc/1/status", "bash-5.2# cat /proc/1/status", "sh-4.4$ grep Cap /proc/self/status", "host:~# cat x", "PS> x"] {
            let text = format!("{p}\nName:\tbash\n");
            assert_eq!(parse(&text).map(|s| s.name), Ok(Some("bash".to_owned())), "{p}");
        }
    }

    #[test]
    fn grep_h_prefix_and_wrapped_masks() {
        let s = parse("/proc/1/status:CapEff:\t0000000000000001\n/proc/1/status:Seccomp:\t2").unwrap();
        assert_eq!(s.cap_eff, Some(CapSet(1)));
        let s = parse("Mems_allowed:\t00000000,\n00000001\nMems_allowed_list:\t0").unwrap();
        assert_eq!(s.mems_allowed.map(|m| m.to_list()), Some("0".to_owned()));
        assert_eq!(s.warnings.len(), 1);
    }

    #[test]
    fn bad_values_warn_and_keep_raw() {
        let s = parse("Uid:\t0 0\nCapEff:\tzz\nState:\tQ (quantum)").unwrap();
        assert_eq!(s.uid, None);
        assert_eq!(s.cap_eff, None);
        assert_eq!(s.warnings.len(), 2);
        assert_eq!(s.state.as_ref().map(|t| t.known), Some(false));
        assert_eq!(s.raw.len(), 3);
        assert!(s.warnings[0].message.starts_with("Line 1:"));
    }

    #[test]
    fn umask_and_state() {
        let s = parse("Umask:\t0077\nState:\tt (tracing stop)").unwrap();
        assert_eq!(s.umask, Some(0o77));
        assert_eq!(s.state.map(|t| (t.letter, t.label)), Some(("t".to_owned(), "tracing stop".to_owned())));
        // A letter alone (a cut paste) is read; a word without parentheses is not a state.
        let s = parse("State:\tR").unwrap();
        assert_eq!(s.state.map(|t| (t.letter, t.label, t.known)), Some(("R".to_owned(), String::new(), true)));
        let s = parse("State:\tS sleeping").unwrap();
        assert_eq!(s.state, None);
        assert_eq!(s.warnings.len(), 1);
    }

    /// A key is at most MAX_KEY_LEN characters; a longer "key" is not a field.
    #[test]
    fn key_length_limit() {
        let key = format!("K{}", "e".repeat(MAX_KEY_LEN - 1));
        let s = parse(&format!("Name:\tx\n{key}:\t1\n")).unwrap();
        assert_eq!(s.unknown_fields().iter().map(|f| f.key.as_str()).collect::<Vec<_>>(), [key.as_str()]);
        assert_eq!(split_field(&format!("{key}e:\t1")), None);
    }
}
