//! Reading a `/proc/<pid>/status` dump into a [`ProcStatus`] (see the parent module's
//! documentation for what is read and how leniently).

use super::cpulist::{self, CpuSet};
use super::fields::field_info;
use crate::core::caps::{parse_mask, CapSet};
use crate::core::prompt::is_shell_prompt;
use crate::core::signals::{parse_sigmask, SigMask};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The most bytes read from one paste (a real dump is 1–3 KB; wide CPU masks add a few KB).
pub const MAX_INPUT_BYTES: usize = 1 << 20;
/// The most lines read from one paste.
pub const MAX_LINES: usize = 8192;
/// The most dumps [`parse_all`] reads from one paste.
pub const MAX_DUMPS: usize = 16;
/// The most ignored lines named one by one in warnings; the rest are counted in one more.
pub const MAX_IGNORED_WARNINGS: usize = 16;
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
    /// The key concerned; `None` for a line that has none (an ignored line).
    pub key: Option<String>,
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
    /// Lines that are neither `Key: value`, blank, nor a prompt, at least as many as the
    /// `Key: value` lines (`fields`): the text is mostly not a dump. `line` and `text` are the
    /// first of those `stray` lines.
    NotKeyValue { line: usize, text: String, stray: usize, fields: usize },
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
            StatusError::Empty => write!(f, "Nothing to read: paste the output of cat /proc/<pid>/status (lines like \"Name:\tbash\" and \"CapEff:\t00000000a80425fb\")."),
            StatusError::TooLarge { bytes } => write!(f, "The text is {bytes} bytes; a /proc/<pid>/status dump is a few kilobytes, and at most {MAX_INPUT_BYTES} bytes are read."),
            StatusError::TooManyLines { lines } => write!(f, "The text has more than {lines} lines; a /proc/<pid>/status dump has about 60, and at most {MAX_LINES} are read."),
            StatusError::NotKeyValue { line, text, stray, fields } => {
                write!(f, "Line {line} is not a \"Key:\tvalue\" line of /proc/<pid>/status (such as \"State:\tS (sleeping)\"): {text:?}")?;
                match fields {
                    0 => write!(f, "."),
                    _ => write!(
                        f,
                        "; {stray} of its {} lines {} not \"Key:\tvalue\" lines, so the text is mostly not a status dump (stray lines are ignored only while they are fewer than the fields).",
                        stray.saturating_add(*fields),
                        if *stray == 1 { "is" } else { "are" }
                    ),
                }
            }
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
    /// The five signal masks (`SigPnd` … `SigCgt`), 64 or 128 bits wide (128 on MIPS).
    pub sig_pnd: Option<SigMask>,
    pub shd_pnd: Option<SigMask>,
    pub sig_blk: Option<SigMask>,
    pub sig_ign: Option<SigMask>,
    pub sig_cgt: Option<SigMask>,
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

/// How many lines of a text carry a key `/proc/<pid>/status` prints: `Cap*` keys and the
/// others. Cheap (no value is read): what `core::paste::classify` looks at to tell a dump from
/// capability masks before reading either.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KnownKeys {
    /// `CapInh`, `CapPrm`, `CapEff`, `CapBnd`, `CapAmb` lines.
    pub caps: usize,
    /// Lines with any other key the field table knows (`Name`, `SigCgt`, …).
    pub other: usize,
}

/// Counts the lines of `text` (at most [`MAX_LINES`]) whose key the field table knows.
///
/// ```
/// use tarsier::core::status::{known_keys, KnownKeys};
/// assert_eq!(known_keys("Name:\tbash\nCapEff:\t0\nhello"), KnownKeys { caps: 1, other: 1 });
/// assert_eq!(known_keys("0xa80425fb"), KnownKeys::default());
/// ```
pub fn known_keys(text: &str) -> KnownKeys {
    let mut keys = KnownKeys::default();
    for raw in text.lines().take(MAX_LINES) {
        match split_field(raw) {
            Some((key, _)) if field_info(key).is_none() => {}
            Some((key, _)) if key.starts_with("Cap") => keys.caps += 1,
            Some(_) => keys.other += 1,
            None => {}
        }
    }
    keys
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
/// // Fewer stray lines than fields: ignored, each named in a warning.
/// let s = parse("Name:\tx\nPid:\t7\n[Inferior 1 (process 7) detached]").unwrap();
/// assert_eq!((s.pid, s.warnings[0].line, s.warnings[0].key.as_deref()), (Some(7), 3, None));
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

/// Lines that are not `Key: value` (nor blank, a prompt or a wrapped mask), kept to be named in
/// warnings — or, when they are as many as the fields, in the error.
struct Strays {
    /// The first one: what the error names.
    first: Option<(usize, String)>,
    count: usize,
}

/// A stray line as a warning names it: at most 80 characters.
fn excerpt(line: &str) -> String {
    line.chars().take(80).collect()
}

fn scan(text: &str) -> Result<Vec<Segment>, StatusError> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(StatusError::TooLarge { bytes: text.len() });
    }
    let mut segments: Vec<Segment> = Vec::new();
    let mut current = Segment { fields: Vec::new(), warnings: Vec::new() };
    let mut strays = Strays { first: None, count: 0 };
    let mut fields = 0usize;
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
                        key: Some(prev.key.clone()),
                        message: format!("Line {line_no} was read as the rest of {} on line {} (a wrapped line).", prev.key, prev.line),
                    });
                    continue;
                }
            }
            strays.count += 1;
            strays.first.get_or_insert_with(|| (line_no, excerpt(line)));
            if strays.count <= MAX_IGNORED_WARNINGS {
                current.warnings.push(StatusWarning {
                    line: line_no,
                    key: None,
                    message: format!("Line {line_no} is not a \"Key:\tvalue\" line and was ignored: {:?}.", excerpt(line)),
                });
            }
            continue;
        };
        if current.fields.iter().any(|f| f.key == key) {
            segments.push(std::mem::replace(&mut current, Segment { fields: Vec::new(), warnings: Vec::new() }));
            if segments.len() >= MAX_DUMPS {
                return Err(StatusError::TooManyDumps { count: segments.len() + 1 });
            }
        }
        fields += 1;
        current.fields.push(RawField { key: key.to_owned(), value: value.to_owned(), line: line_no });
    }
    if !current.fields.is_empty() {
        segments.push(current);
    }
    if let Some((line, text)) = strays.first {
        // Mostly not a dump: refuse it, naming the first line that is not `Key: value`.
        if strays.count >= fields {
            return Err(StatusError::NotKeyValue { line, text, stray: strays.count, fields });
        }
        if strays.count > MAX_IGNORED_WARNINGS {
            if let Some(last) = segments.last_mut() {
                last.warnings.push(StatusWarning {
                    line,
                    key: None,
                    message: format!(
                        "{} more lines that are not \"Key:\tvalue\" lines were ignored ({} in all, the first on line {line}).",
                        strays.count - MAX_IGNORED_WARNINGS,
                        strays.count
                    ),
                });
            }
        }
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
                key: Some(f.key.clone()),
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

/// A 64-bit hexadecimal value (`untag_mask`, printed as `0xffffffffffffffff`).
fn hex64(v: &str) -> Result<u64, String> {
    let t = v.trim();
    let digits = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")).unwrap_or(t);
    let bad = || "expected at most 16 hexadecimal digits, such as 0xffffffffffffffff".to_owned();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(bad());
    }
    match digits.trim_start_matches('0') {
        "" => Ok(0),
        significant => u64::from_str_radix(significant, 16).map_err(|_| bad()),
    }
}

fn sigmask(v: &str) -> Result<SigMask, String> {
    parse_sigmask(v).map_err(|e| e.to_string())
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
        "SigPnd" => s.sig_pnd = Some(sigmask(v)?),
        "ShdPnd" => s.shd_pnd = Some(sigmask(v)?),
        "SigBlk" => s.sig_blk = Some(sigmask(v)?),
        "SigIgn" => s.sig_ign = Some(sigmask(v)?),
        "SigCgt" => s.sig_cgt = Some(sigmask(v)?),
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
