//! The typed profile: raw JSON ([`super::raw`]) checked and turned into actions, operators,
//! filters and kernel versions, with every error naming its JSON path.

use super::arch::Arch;
use super::errno;
use super::raw::{RawArchMap, RawArg, RawFilter, RawProfile, RawSyscall};
use super::syscalls::KernelVersion;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// The largest profile read. Docker's default is 13 KB and the largest real profiles are a few
/// hundred; 1 MiB leaves room for generated ones while a 10 MB paste is refused before parsing.
pub const MAX_PROFILE_BYTES: usize = 1 << 20;
/// Most `syscalls[]` rules (Docker's default has 33).
pub const MAX_RULES: usize = 4096;
/// Most names in all rules together (Docker's default lists about 430).
pub const MAX_NAMES_TOTAL: usize = 65_536;
/// Most `args[]` conditions in one rule: a system call has six arguments, and libseccomp takes
/// one comparison per argument per rule (runc splits repeats into separate rules).
pub const MAX_ARGS: usize = 6;
/// The highest argument index (`args[].index` counts from 0; a call has six).
pub const MAX_ARG_INDEX: u64 = 5;
/// The highest errno a profile may return: libseccomp, which runc and crun build the filter
/// with, refuses `SCMP_ACT_ERRNO(n)` from the kernel's `MAX_ERRNO` (4095, `include/linux/err.h`)
/// up, so a profile asking for it does not load.
pub const MAX_ERRNO: u64 = 4094;
/// Most entries in `architectures`, `archMap`, `subArchitectures`, `flags`, `caps`, `arches`.
pub const MAX_LIST: usize = 256;
/// The longest system call name accepted (the longest real one has 27 characters).
pub const MAX_NAME_LEN: usize = 128;

/// What a rule (or the default) does when it matches: `SCMP_ACT_*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ActionKind {
    /// `SCMP_ACT_KILL`: the old name of kill-thread.
    Kill,
    KillThread,
    KillProcess,
    Trap,
    Errno,
    Trace,
    Allow,
    Log,
    Notify,
}

impl ActionKind {
    const ALL: [ActionKind; 9] = [
        ActionKind::Kill,
        ActionKind::KillThread,
        ActionKind::KillProcess,
        ActionKind::Trap,
        ActionKind::Errno,
        ActionKind::Trace,
        ActionKind::Allow,
        ActionKind::Log,
        ActionKind::Notify,
    ];

    /// The profile's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Kill => "SCMP_ACT_KILL",
            ActionKind::KillThread => "SCMP_ACT_KILL_THREAD",
            ActionKind::KillProcess => "SCMP_ACT_KILL_PROCESS",
            ActionKind::Trap => "SCMP_ACT_TRAP",
            ActionKind::Errno => "SCMP_ACT_ERRNO",
            ActionKind::Trace => "SCMP_ACT_TRACE",
            ActionKind::Allow => "SCMP_ACT_ALLOW",
            ActionKind::Log => "SCMP_ACT_LOG",
            ActionKind::Notify => "SCMP_ACT_NOTIFY",
        }
    }

    fn parse(text: &str) -> Option<ActionKind> {
        ActionKind::ALL.iter().copied().find(|a| a.as_str() == text)
    }
}

/// An action with its return value (`errnoRet`: the errno for `SCMP_ACT_ERRNO`, the message for
/// the tracer for `SCMP_ACT_TRACE`; ignored by the other actions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    pub kind: ActionKind,
    pub ret: Option<u32>,
}

impl Action {
    /// The action as runc hands it to libseccomp (runc `libcontainer/seccomp/seccomp_linux.go`
    /// `getAction`): `SCMP_ACT_KILL` is kill-thread, errno and trace default to EPERM (1), the
    /// return value of every other action is dropped. Two actions with equal keys are one
    /// action to libseccomp.
    pub fn runc_key(self) -> (ActionKind, u32) {
        match self.kind {
            ActionKind::Kill | ActionKind::KillThread => (ActionKind::KillThread, 0),
            ActionKind::Errno | ActionKind::Trace => (self.kind, self.ret.unwrap_or(1)),
            other => (other, 0),
        }
    }
}

/// `args[].op`: how an argument is compared (libseccomp `enum scmp_compare`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CmpOp {
    Ne,
    Lt,
    Le,
    Eq,
    Ge,
    Gt,
    /// `(arg & value) == valueTwo`.
    MaskedEq,
}

impl CmpOp {
    const ALL: [CmpOp; 7] = [CmpOp::Ne, CmpOp::Lt, CmpOp::Le, CmpOp::Eq, CmpOp::Ge, CmpOp::Gt, CmpOp::MaskedEq];

    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Ne => "SCMP_CMP_NE",
            CmpOp::Lt => "SCMP_CMP_LT",
            CmpOp::Le => "SCMP_CMP_LE",
            CmpOp::Eq => "SCMP_CMP_EQ",
            CmpOp::Ge => "SCMP_CMP_GE",
            CmpOp::Gt => "SCMP_CMP_GT",
            CmpOp::MaskedEq => "SCMP_CMP_MASKED_EQ",
        }
    }

    /// The comparison as a symbol (`!=`, `<`, …; `&` for the masked test).
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Eq => "==",
            CmpOp::Ge => ">=",
            CmpOp::Gt => ">",
            CmpOp::MaskedEq => "&",
        }
    }

    fn parse(text: &str) -> Option<CmpOp> {
        CmpOp::ALL.iter().copied().find(|o| o.as_str() == text)
    }
}

/// One `args[]` condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArgCondition {
    /// 0..=5.
    pub index: u8,
    pub value: u64,
    pub value_two: u64,
    pub op: CmpOp,
}

impl ArgCondition {
    /// Whether an argument value satisfies the condition.
    pub fn matches(&self, arg: u64) -> bool {
        match self.op {
            CmpOp::Ne => arg != self.value,
            CmpOp::Lt => arg < self.value,
            CmpOp::Le => arg <= self.value,
            CmpOp::Eq => arg == self.value,
            CmpOp::Ge => arg >= self.value,
            CmpOp::Gt => arg > self.value,
            CmpOp::MaskedEq => arg & self.value == self.value_two,
        }
    }
}

/// `includes` / `excludes`: conditions on the container and host.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    /// Capability names as written (`CAP_SYS_ADMIN`); Docker compares them with the bounding
    /// set's names exactly.
    pub caps: Vec<String>,
    /// Docker's native architecture names (`amd64`, `arm64`, `x86`, …).
    pub arches: Vec<String>,
    /// `minKernel`; Go reads `""` as 0.0, which every kernel is at least.
    pub min_kernel: Option<KernelVersion>,
}

/// An entry of `architectures` or `subArchitectures`: an `SCMP_ARCH_*` name, known or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchName {
    pub raw: String,
    pub arch: Option<Arch>,
}

impl ArchName {
    fn new(raw: String) -> ArchName {
        let arch = raw.strip_prefix("SCMP_ARCH_").and_then(|_| Arch::parse(&raw).ok());
        ArchName { raw, arch }
    }
}

/// An `archMap` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchMapEntry {
    pub architecture: ArchName,
    pub sub_architectures: Vec<ArchName>,
}

/// One `syscalls[]` rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// Position in `syscalls[]`, from 0.
    pub index: usize,
    /// `names`, or the single `name`.
    pub names: Vec<String>,
    pub action: Action,
    pub args: Vec<ArgCondition>,
    pub comment: Option<String>,
    pub includes: Filter,
    pub excludes: Filter,
}

/// `flags`: `SECCOMP_FILTER_FLAG_*` passed to seccomp(2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Flag {
    Tsync,
    Log,
    SpecAllow,
    WaitKillableRecv,
    Other(String),
}

impl Flag {
    fn parse(raw: String) -> Flag {
        match raw.as_str() {
            "SECCOMP_FILTER_FLAG_TSYNC" => Flag::Tsync,
            "SECCOMP_FILTER_FLAG_LOG" => Flag::Log,
            "SECCOMP_FILTER_FLAG_SPEC_ALLOW" => Flag::SpecAllow,
            "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV" => Flag::WaitKillableRecv,
            _ => Flag::Other(raw),
        }
    }
}

/// A field no format this module knows defines, kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownField {
    /// JSON path (`syscalls[3].x_note`).
    pub path: String,
    /// The value as compact JSON.
    pub value: String,
}

/// A checked Docker/OCI seccomp profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub default_action: Action,
    pub architectures: Vec<ArchName>,
    pub arch_map: Vec<ArchMapEntry>,
    pub rules: Vec<Rule>,
    pub flags: Vec<Flag>,
    pub listener_path: Option<String>,
    pub listener_metadata: Option<String>,
    pub unknown_fields: Vec<UnknownField>,
    /// Things that do not stop Docker but a reader should know, one sentence each.
    pub warnings: Vec<String>,
}

/// Why a profile could not be read. `Display` is one sentence naming the JSON path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProfileError {
    TooLarge { bytes: usize },
    /// Not JSON at all (1-based line and column).
    Syntax { line: usize, column: usize, message: String },
    /// A value of the wrong type at `path`.
    Type { path: String, message: String },
    /// A value that is not one of the accepted words or is out of range at `path`.
    Invalid { path: String, message: String },
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProfileError::TooLarge { bytes } => write!(
                f,
                "The seccomp profile is {bytes} bytes long, more than the {MAX_PROFILE_BYTES} bytes this tool reads (Docker's default profile is about 13 KB)."
            ),
            ProfileError::Syntax { line, column, message } => {
                write!(f, "The seccomp profile is not valid JSON: {message} at line {line}, column {column}.")
            }
            ProfileError::Type { path, message } => write!(f, "The seccomp profile has a value of the wrong type at {path}: {message}."),
            ProfileError::Invalid { path, message } => write!(f, "The seccomp profile is not valid at {path}: {message}."),
        }
    }
}

impl std::error::Error for ProfileError {}

fn invalid(path: impl Into<String>, message: impl Into<String>) -> ProfileError {
    ProfileError::Invalid { path: path.into(), message: message.into() }
}

/// Reads a profile from JSON text.
///
/// # Errors
/// [`ProfileError`] when the text is larger than [`MAX_PROFILE_BYTES`], not JSON, has a value of
/// the wrong type, an unknown action or operator, both `name` and `names`, a list longer than
/// its limit, an argument index above 5, an errno above 4094 or a malformed `minKernel`.
///
/// ```
/// use tarsier::core::seccomp::{parse_profile, ActionKind};
/// let p = parse_profile(r#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}"#).unwrap();
/// assert_eq!(p.rules[0].action.kind, ActionKind::Allow);
/// let e = parse_profile(r#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["x"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"op":"SCMP_CMP_FOO"}]}]}"#).unwrap_err();
/// assert!(e.to_string().contains("syscalls[0].args[0].op"));
/// ```
pub fn parse_profile(text: &str) -> Result<Profile, ProfileError> {
    if text.len() > MAX_PROFILE_BYTES {
        return Err(ProfileError::TooLarge { bytes: text.len() });
    }
    let raw = parse_raw(text)?;
    build(raw)
}

/// The wire form only: JSON syntax and types checked, nothing else.
///
/// # Errors
/// [`ProfileError::Syntax`] or [`ProfileError::Type`].
pub fn parse_raw(text: &str) -> Result<RawProfile, ProfileError> {
    // Syntax first, so a broken file gets a line and column rather than a path.
    let value: Value = serde_json::from_str(text).map_err(|e| ProfileError::Syntax {
        line: e.line(),
        column: e.column(),
        message: syntax_message(&e),
    })?;
    if !value.is_object() {
        return Err(ProfileError::Type {
            path: "the top level".to_owned(),
            message: format!("expected an object with defaultAction and syscalls, found {}", kind_of(&value)),
        });
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        ProfileError::Type { path: if path == "." { "the top level".to_owned() } else { path }, message: e.into_inner().to_string() }
    })
}

fn syntax_message(e: &serde_json::Error) -> String {
    // serde_json appends " at line L column C"; the position is printed separately.
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn bounded<T>(list: Option<Vec<T>>, path: &str, limit: usize) -> Result<Vec<T>, ProfileError> {
    let list = list.unwrap_or_default();
    if list.len() > limit {
        return Err(invalid(path, format!("{} entries, more than the {limit} this tool reads", list.len())));
    }
    Ok(list)
}

fn keep_unknown(extra: BTreeMap<String, Value>, path: &str, out: &mut Vec<UnknownField>) {
    for (key, value) in extra {
        let path = if path.is_empty() { key } else { format!("{path}.{key}") };
        out.push(UnknownField { path, value: value.to_string() });
    }
}

fn action(kind: Option<String>, ret: Option<u64>, errno_name: Option<String>, path: &str, field: &str, warnings: &mut Vec<String>) -> Result<Action, ProfileError> {
    let raw = kind.ok_or_else(|| invalid(format!("{path}{field}"), "missing; expected an action such as SCMP_ACT_ALLOW or SCMP_ACT_ERRNO"))?;
    let kind = ActionKind::parse(&raw).ok_or_else(|| {
        let all: Vec<&str> = ActionKind::ALL.iter().map(|a| a.as_str()).collect();
        invalid(format!("{path}{field}"), format!("{raw:?} is not a seccomp action (expected one of {})", all.join(", ")))
    })?;
    let ret_field = if field == "defaultAction" { "defaultErrnoRet" } else { "errnoRet" };
    let errno_field = if field == "defaultAction" { "defaultErrno" } else { "errno" };
    let ret = match ret {
        Some(n) if n > MAX_ERRNO => {
            return Err(invalid(format!("{path}{ret_field}"), format!("{n} is larger than {MAX_ERRNO}, the highest errno libseccomp accepts (runc and crun build the filter with it)")))
        }
        Some(n) => Some(u32::try_from(n).unwrap_or(u32::MAX)),
        None => None,
    };
    if let Some(name) = errno_name {
        match (errno::by_name(&name), ret) {
            (None, _) => warnings.push(format!("{path}{errno_field}: {name:?} is not an errno name this tool knows; Docker ignores the field.")),
            (Some(n), Some(r)) if n != r => warnings.push(format!(
                "{path}{errno_field} says {name} ({n}) but {path}{ret_field} says {r}; Docker and runc use {ret_field}."
            )),
            (Some(n), None) => warnings.push(format!(
                "{path}{errno_field} is {name} ({n}) but there is no {ret_field}: Docker ignores {errno_field} and returns EPERM (1); podman returns {name}."
            )),
            _ => {}
        }
    }
    if ret.is_some() && !matches!(kind, ActionKind::Errno | ActionKind::Trace) {
        warnings.push(format!("{path}{ret_field} is ignored: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE return a value."));
    }
    Ok(Action { kind, ret })
}

fn filter(raw: Option<RawFilter>, path: &str, unknown: &mut Vec<UnknownField>) -> Result<Filter, ProfileError> {
    let Some(raw) = raw else { return Ok(Filter::default()) };
    keep_unknown(raw.extra, path, unknown);
    let min_kernel = match raw.min_kernel {
        None => None,
        Some(text) => Some(min_kernel(&text, &format!("{path}.minKernel"))?),
    };
    Ok(Filter {
        caps: bounded(raw.caps, &format!("{path}.caps"), MAX_LIST)?,
        arches: bounded(raw.arches, &format!("{path}.arches"), MAX_LIST)?,
        min_kernel,
    })
}

/// moby/profiles `KernelVersion.UnmarshalJSON`: `""` is 0.0; otherwise exactly two parts, each
/// a number below 256, not both zero.
fn min_kernel(text: &str, path: &str) -> Result<KernelVersion, ProfileError> {
    if text.is_empty() {
        return Ok(KernelVersion::new(0, 0));
    }
    let bad = || invalid(path, format!("{text:?} is not a kernel version; expected \"MAJOR.MINOR\" such as \"4.8\""));
    let (major, minor) = text.split_once('.').ok_or_else(bad)?;
    if minor.contains('.') {
        return Err(bad());
    }
    let (major, minor) = (major.parse::<u8>().map_err(|_| bad())?, minor.parse::<u8>().map_err(|_| bad())?);
    if major == 0 && minor == 0 {
        return Err(invalid(path, "\"0.0\" is not a kernel version (Docker refuses it)"));
    }
    Ok(KernelVersion::new(major, minor))
}

fn arg(raw: RawArg, path: &str, unknown: &mut Vec<UnknownField>) -> Result<ArgCondition, ProfileError> {
    keep_unknown(raw.extra, path, unknown);
    let index = raw.index.unwrap_or(0);
    if index > MAX_ARG_INDEX {
        return Err(invalid(format!("{path}.index"), format!("{index} is not an argument index: a system call has six arguments, 0 to 5")));
    }
    let op_raw = raw.op.ok_or_else(|| invalid(format!("{path}.op"), "missing; expected a comparison such as SCMP_CMP_EQ"))?;
    let op = CmpOp::parse(&op_raw).ok_or_else(|| {
        let all: Vec<&str> = CmpOp::ALL.iter().map(|o| o.as_str()).collect();
        invalid(format!("{path}.op"), format!("{op_raw:?} is not a comparison operator (expected one of {})", all.join(", ")))
    })?;
    Ok(ArgCondition { index: u8::try_from(index).unwrap_or(u8::MAX), value: raw.value.unwrap_or(0), value_two: raw.value_two.unwrap_or(0), op })
}

fn rule(index: usize, raw: RawSyscall, unknown: &mut Vec<UnknownField>, warnings: &mut Vec<String>, names_total: &mut usize) -> Result<Rule, ProfileError> {
    let path = format!("syscalls[{index}]");
    keep_unknown(raw.extra, &path, unknown);
    let names = match (raw.name, raw.names) {
        (Some(name), Some(names)) if !name.is_empty() && !names.is_empty() => {
            return Err(invalid(&path, "both \"name\" and \"names\" are set; Docker refuses that, use one of them"))
        }
        (Some(name), _) if !name.is_empty() => vec![name],
        (_, names) => bounded(names, &format!("{path}.names"), MAX_NAMES_TOTAL)?,
    };
    *names_total = names_total.saturating_add(names.len());
    if *names_total > MAX_NAMES_TOTAL {
        return Err(invalid(format!("{path}.names"), format!("the rules name more than {MAX_NAMES_TOTAL} system calls together")));
    }
    for (i, name) in names.iter().enumerate() {
        if name.is_empty() {
            return Err(invalid(format!("{path}.names[{i}]"), "an empty name is not a system call (runc refuses it)"));
        }
        if name.len() > MAX_NAME_LEN {
            return Err(invalid(format!("{path}.names[{i}]"), format!("a name of {} characters is not a system call", name.len())));
        }
    }
    if names.is_empty() {
        warnings.push(format!("{path} names no system call, so it does nothing."));
    }
    let action = action(raw.action, raw.errno_ret, raw.errno, &format!("{path}."), "action", warnings)?;
    let raw_args = bounded(raw.args, &format!("{path}.args"), MAX_ARGS)?;
    let args = raw_args
        .into_iter()
        .enumerate()
        .map(|(i, a)| arg(a, &format!("{path}.args[{i}]"), unknown))
        .collect::<Result<Vec<_>, _>>()?;
    if action.kind == ActionKind::Notify && names.iter().any(|n| n == "write") {
        warnings.push(format!("{path} sends write to a notifier; runc refuses that (it needs write to hand the notifier its descriptor)."));
    }
    Ok(Rule {
        index,
        names,
        action,
        args,
        comment: raw.comment.filter(|c| !c.is_empty()),
        includes: filter(raw.includes, &format!("{path}.includes"), unknown)?,
        excludes: filter(raw.excludes, &format!("{path}.excludes"), unknown)?,
    })
}

fn arch_names(list: Option<Vec<String>>, path: &str, warnings: &mut Vec<String>) -> Result<Vec<ArchName>, ProfileError> {
    let list = bounded(list, path, MAX_LIST)?;
    Ok(list
        .into_iter()
        .enumerate()
        .map(|(i, raw)| {
            let a = ArchName::new(raw);
            if a.arch.is_none() {
                warnings.push(format!("{path}[{i}]: {:?} is not an SCMP_ARCH_* name libseccomp knows; runc would refuse the profile.", a.raw));
            }
            a
        })
        .collect())
}

fn arch_map(raw: RawArchMap, path: &str, unknown: &mut Vec<UnknownField>, warnings: &mut Vec<String>) -> Result<ArchMapEntry, ProfileError> {
    keep_unknown(raw.extra, path, unknown);
    let arch = raw.architecture.ok_or_else(|| invalid(format!("{path}.architecture"), "missing; expected an SCMP_ARCH_* name"))?;
    let architecture = arch_names(Some(vec![arch]), &format!("{path}.architecture"), warnings)?
        .pop()
        .ok_or_else(|| invalid(format!("{path}.architecture"), "missing"))?;
    Ok(ArchMapEntry { architecture, sub_architectures: arch_names(raw.sub_architectures, &format!("{path}.subArchitectures"), warnings)? })
}

/// The raw-to-model step.
///
/// # Errors
/// As [`parse_profile`], for everything beyond JSON types.
pub fn build(raw: RawProfile) -> Result<Profile, ProfileError> {
    let mut unknown = Vec::new();
    let mut warnings = Vec::new();
    keep_unknown(raw.extra, "", &mut unknown);
    let raw_rules = bounded(raw.syscalls, "syscalls", MAX_RULES)?;
    if raw.default_action.is_none() && raw_rules.is_empty() {
        return Err(invalid(
            "defaultAction",
            "missing, and there are no syscalls: Docker treats such a profile as no filter at all (unconfined), so there is nothing to explain",
        ));
    }
    let default_action = action(raw.default_action, raw.default_errno_ret, raw.default_errno, "", "defaultAction", &mut warnings)?;
    if default_action.kind == ActionKind::Notify {
        return Err(invalid("defaultAction", "SCMP_ACT_NOTIFY cannot be the default action (runc refuses it)"));
    }
    let architectures = arch_names(raw.architectures, "architectures", &mut warnings)?;
    let maps = bounded(raw.arch_map, "archMap", MAX_LIST)?;
    if !architectures.is_empty() && !maps.is_empty() {
        return Err(invalid("architectures", "both \"architectures\" and \"archMap\" are set; Docker refuses that, use one of them"));
    }
    let arch_map = maps
        .into_iter()
        .enumerate()
        .map(|(i, m)| arch_map(m, &format!("archMap[{i}]"), &mut unknown, &mut warnings))
        .collect::<Result<Vec<_>, _>>()?;
    let mut names_total = 0usize;
    let rules = raw_rules
        .into_iter()
        .enumerate()
        .map(|(i, r)| rule(i, r, &mut unknown, &mut warnings, &mut names_total))
        .collect::<Result<Vec<_>, _>>()?;
    let flags: Vec<Flag> = bounded(raw.flags, "flags", MAX_LIST)?.into_iter().map(Flag::parse).collect();
    for (i, f) in flags.iter().enumerate() {
        if let Flag::Other(name) = f {
            warnings.push(format!("flags[{i}]: {name:?} is not a SECCOMP_FILTER_FLAG_* this tool knows; runc refuses unknown flags."));
        }
    }
    for u in &unknown {
        warnings.push(format!("{} is not a field of Docker's or OCI's profile format; Docker ignores it.", u.path));
    }
    Ok(Profile {
        default_action,
        architectures,
        arch_map,
        rules,
        flags,
        listener_path: raw.listener_path.filter(|p| !p.is_empty()),
        listener_metadata: raw.listener_metadata.filter(|p| !p.is_empty()),
        unknown_fields: unknown,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse_profile(text).unwrap_err().to_string()
    }

    /// SCMP_CMP_MASKED_EQ compares `arg & datum_a` with `datum_b` (seccomp_rule_add(3)).
    #[test]
    fn masked_eq_masks_the_argument() {
        let c = ArgCondition { index: 0, value: 0xff00, value_two: 0x1200, op: CmpOp::MaskedEq };
        assert!(c.matches(0x1234));
        assert!(c.matches(0x12ff));
        assert!(!c.matches(0x2234));
        assert!(!c.matches(0xff34));
    }

    /// A top level that is not an object names the JSON type it is (RFC 8259's six).
    #[test]
    fn the_top_level_type_is_named() {
        for (text, kind) in [("null", "null"), ("true", "a boolean"), ("5", "a number"), ("\"x\"", "a string"), ("[]", "an array")] {
            assert_eq!(err(text), format!("The seccomp profile has a value of the wrong type at the top level: expected an object with defaultAction and syscalls, found {kind}."), "{text}");
        }
    }

    #[test]
    fn errors_name_their_path() {
        assert!(err("{").starts_with("The seccomp profile is not valid JSON: EOF while parsing an object at line 1, column 1."), "{}", err("{"));
        assert_eq!(
            err(r#"{"defaultAction":"SCMP_ACT_NOPE","syscalls":[]}"#),
            "The seccomp profile is not valid at defaultAction: \"SCMP_ACT_NOPE\" is not a seccomp action (expected one of SCMP_ACT_KILL, SCMP_ACT_KILL_THREAD, SCMP_ACT_KILL_PROCESS, SCMP_ACT_TRAP, SCMP_ACT_ERRNO, SCMP_ACT_TRACE, SCMP_ACT_ALLOW, SCMP_ACT_LOG, SCMP_ACT_NOTIFY)."
        );
        assert_eq!(
            err(r#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["a"],"action":"SCMP_ACT_ALLOW"},{"names":["b"],"action":"SCMP_ACT_ALLOW","args":[{"index":"zero","value":1,"op":"SCMP_CMP_EQ"}]}]}"#),
            "The seccomp profile has a value of the wrong type at syscalls[1].args[0].index: invalid type: string \"zero\", expected u64."
        );
        assert!(err(r#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"name":"a","names":["b"],"action":"SCMP_ACT_ALLOW"}]}"#)
            .contains("at syscalls[0]: both \"name\" and \"names\" are set"));
        assert!(err(r#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["a"],"action":"SCMP_ACT_ALLOW","args":[{"index":6,"value":1,"op":"SCMP_CMP_EQ"}]}]}"#)
            .contains("syscalls[0].args[0].index: 6 is not an argument index"));
        assert!(err(r#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["a"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"4.8.1"}}]}"#)
            .contains("syscalls[0].includes.minKernel: \"4.8.1\" is not a kernel version"));
        assert!(err(r#"[1,2]"#).contains("at the top level: expected an object"));
        assert!(err(r#"{"syscalls":[]}"#).contains("defaultAction: missing, and there are no syscalls"));
    }

    #[test]
    fn unknown_fields_are_kept_and_reported() {
        let p = parse_profile(r#"{"defaultAction":"SCMP_ACT_ERRNO","x_top":1,"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","note":"hi","includes":{"x":[1]}}]}"#).unwrap();
        let paths: Vec<&str> = p.unknown_fields.iter().map(|u| u.path.as_str()).collect();
        assert_eq!(paths, ["x_top", "syscalls[0].note", "syscalls[0].includes.x"]);
        assert_eq!(p.unknown_fields[1].value, "\"hi\"");
        assert_eq!(p.warnings.len(), 3);
    }

    #[test]
    fn min_kernel_follows_docker() {
        assert_eq!(min_kernel("", "p"), Ok(KernelVersion::new(0, 0)));
        assert_eq!(min_kernel("4.8", "p"), Ok(KernelVersion::new(4, 8)));
        assert!(min_kernel("0.0", "p").is_err());
        assert!(min_kernel("4.256", "p").is_err());
        assert!(min_kernel("4", "p").is_err());
    }

    #[test]
    fn runc_keys() {
        let e = |ret| Action { kind: ActionKind::Errno, ret };
        assert_eq!(e(None).runc_key(), e(Some(1)).runc_key());
        assert_ne!(e(Some(38)).runc_key(), e(None).runc_key());
        assert_eq!(Action { kind: ActionKind::Kill, ret: None }.runc_key(), Action { kind: ActionKind::KillThread, ret: None }.runc_key());
    }
}
