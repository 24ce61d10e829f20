//! The verdict for every system call of one architecture: what the filter Docker builds from a
//! profile in a [`Context`] does when the call is made.
//!
//! After Docker's selection ([`super::select`]) the runtime adds the kept rules in order, one
//! name at a time (runc `libcontainer/seccomp/seccomp_linux.go`, `matchCall`): a rule whose
//! action equals the default action is skipped; names the architecture lacks are skipped; a rule
//! whose conditions repeat an argument is split into one rule per condition (any one matches).
//! libseccomp then resolves several rules for one call (`src/db.c`, `_db_rule_add`): once a call
//! has an unconditional rule, later rules for it are ignored; an unconditional rule added after
//! conditional ones replaces them. So the first unconditional rule decides; without one, the
//! conditional rules decide when their arguments match, and the default action otherwise.
//!
//! Two more facts of the runtime are reported: an ABI the filter does not list (neither the host
//! nor in its `archMap` entry) gets libseccomp's bad-architecture action, kill-thread; and runc
//! returns ENOSYS instead of the default action for calls whose number is above the highest one
//! the kept rules name for this architecture (`libcontainer/seccomp/patchbpf/enosys_linux.go`),
//! when the default action is not allow, log or trace and the architecture is listed.

use super::arch::Arch;
use super::condition;
use super::errno;
use super::profile::{Action, ActionKind, ArgCondition, Profile};
use super::select::{filter_architectures, select, Context, RuleStatus};
use super::syscalls::{self, KernelVersion};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What happens to a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    Allow,
    /// Allowed, and logged by the kernel's audit.
    Log,
    /// Fails with this errno; name and message when the architecture's numbering names it.
    Errno { errno: u32, name: Option<String>, message: Option<String> },
    KillThread,
    KillProcess,
    /// SIGSYS to the calling thread.
    Trap,
    /// Handed to a ptrace tracer with this message; without a tracer the call fails with ENOSYS.
    Trace { msg: u32 },
    /// Sent to the user-space notifier (listenerPath) that decides.
    Notify,
}

impl Outcome {
    /// The outcome of `action` on `arch`, as runc sets it up.
    pub fn of(action: Action, arch: Arch) -> Outcome {
        match action.kind {
            ActionKind::Allow => Outcome::Allow,
            ActionKind::Log => Outcome::Log,
            ActionKind::Errno => {
                let errno = action.ret.unwrap_or(1);
                let described = errno::describe(arch, errno);
                Outcome::Errno { errno, name: described.map(|d| d.0.to_owned()), message: described.map(|d| d.1.to_owned()) }
            }
            ActionKind::Kill | ActionKind::KillThread => Outcome::KillThread,
            ActionKind::KillProcess => Outcome::KillProcess,
            ActionKind::Trap => Outcome::Trap,
            ActionKind::Trace => Outcome::Trace { msg: action.ret.unwrap_or(1) },
            ActionKind::Notify => Outcome::Notify,
        }
    }

    /// A short word for tables: `allow`, `EPERM`, `kill-thread`, …
    pub fn word(&self) -> String {
        match self {
            Outcome::Allow => "allow".to_owned(),
            Outcome::Log => "log".to_owned(),
            Outcome::Errno { errno, name, .. } => name.clone().unwrap_or_else(|| format!("errno {errno}")),
            Outcome::KillThread => "kill-thread".to_owned(),
            Outcome::KillProcess => "kill-process".to_owned(),
            Outcome::Trap => "trap".to_owned(),
            Outcome::Trace { .. } => "trace".to_owned(),
            Outcome::Notify => "notify".to_owned(),
        }
    }

    /// A verb phrase: "is allowed", "fails with EPERM (1, Operation not permitted)", …
    pub fn describe(&self) -> String {
        match self {
            Outcome::Allow => "is allowed".to_owned(),
            Outcome::Log => "is allowed and logged".to_owned(),
            Outcome::Errno { errno, name: Some(name), message: Some(message) } => format!("fails with {name} ({errno}, {message})"),
            Outcome::Errno { errno, .. } => format!("fails with errno {errno}"),
            Outcome::KillThread => "kills the calling thread (SIGSYS)".to_owned(),
            Outcome::KillProcess => "kills the whole process (SIGSYS)".to_owned(),
            Outcome::Trap => "sends SIGSYS to the calling thread (trap)".to_owned(),
            Outcome::Trace { msg } => format!("is handed to a ptrace tracer (message {msg}); with no tracer it fails with ENOSYS"),
            Outcome::Notify => "waits for the user-space notifier (listenerPath) to decide".to_owned(),
        }
    }

    /// Whether the call goes through (allow, log).
    pub fn allows(&self) -> bool {
        matches!(self, Outcome::Allow | Outcome::Log)
    }

    /// Whether the call is stopped outright (errno, kill, trap).
    pub fn blocks(&self) -> bool {
        matches!(self, Outcome::Errno { .. } | Outcome::KillThread | Outcome::KillProcess | Outcome::Trap)
    }
}

/// One conditional rule of a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Branch {
    /// Index in `syscalls[]`.
    pub rule: usize,
    /// `SCMP_ACT_*` as in the profile.
    pub action: String,
    pub outcome: Outcome,
    pub conditions: Vec<ArgCondition>,
    /// True when runc splits the conditions into separate rules (they repeat an argument): any
    /// one of them matching is enough.
    pub any: bool,
    /// The conditions in words.
    pub text: String,
}

/// The verdict for one call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyscallVerdict {
    pub name: String,
    /// The number the kernel sees on this architecture.
    pub number: u32,
    /// The kernel that added the call, when the table says.
    pub added: Option<KernelVersion>,
    /// `SCMP_ACT_*` as the profile spells it (for a conditional call: its first rule's).
    pub action: String,
    /// The errno returned, for errno actions.
    pub errno: Option<u32>,
    /// Whether the outcome depends on the call's arguments.
    pub conditional: bool,
    /// The deciding rule's index in `syscalls[]` (`None`: the default action).
    pub rule: Option<usize>,
    /// The deciding rule's comment.
    pub comment: Option<String>,
    /// What happens (for a conditional call: when the first rule's conditions match).
    pub outcome: Outcome,
    /// For a conditional call: what happens when no rule's conditions match.
    pub otherwise: Option<Outcome>,
    /// For a conditional call: every rule, in order.
    pub branches: Vec<Branch>,
    /// For a conditional call: all of it in words.
    pub condition: Option<String>,
    /// Kept rules that name the call but do not decide (skipped as equal to the default action,
    /// or ignored after an unconditional rule, or replaced by one).
    pub overridden: Vec<usize>,
    /// Rules that would allow the call if the bounding set had these capabilities.
    pub unlocked_by: Vec<String>,
    /// Under runc the call returns ENOSYS instead of the default action (its number is above
    /// every number the rules name).
    pub runc_enosys: bool,
    /// One sentence.
    pub explanation: String,
}

/// A rule and what Docker did with it in this context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleReport {
    pub index: usize,
    pub action: String,
    pub names: Vec<String>,
    pub comment: Option<String>,
    pub conditional: bool,
    pub status: RuleStatus,
    pub status_text: String,
}

/// Everything about one profile in one context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    pub context: Context,
    /// `SCMP_ACT_*` of the default action as written.
    pub default_action: String,
    pub default_outcome: Outcome,
    /// The `SCMP_ARCH_*` list Docker hands the runtime.
    pub filter_architectures: Vec<String>,
    /// Whether the filter covers this ABI; if not, every call gets the bad-architecture action.
    pub covered: bool,
    /// Every call of the architecture, in the table's order.
    pub syscalls: Vec<SyscallVerdict>,
    /// Names the profile lists that this architecture does not have.
    pub not_on_arch: Vec<String>,
    /// Names no architecture in the table has (typos, or calls newer than the table).
    pub unknown_names: Vec<String>,
    pub rules: Vec<RuleReport>,
    /// runc's ENOSYS threshold: calls numbered above it get ENOSYS instead of the default.
    pub runc_enosys_above: Option<u32>,
    pub warnings: Vec<String>,
}

impl Evaluation {
    /// The verdict for one call by name.
    pub fn verdict(&self, name: &str) -> Option<&SyscallVerdict> {
        self.syscalls.iter().find(|v| v.name == name)
    }
}

enum State {
    Default,
    Unconditional(usize),
    Conditional(Vec<usize>),
}

struct CallState {
    state: State,
    overridden: Vec<usize>,
}

fn repeats_an_argument(args: &[ArgCondition]) -> bool {
    let mut seen = [false; 6];
    for a in args {
        let i = usize::from(a.index).min(5);
        if seen[i] {
            return true;
        }
        seen[i] = true;
    }
    false
}

/// Evaluates `profile` in `ctx`.
///
/// ```
/// use tarsier::core::seccomp::{builtin::Builtin, evaluate, Context, Outcome};
/// let eval = evaluate(&Builtin::Docker.profile().unwrap(), &Context::docker_default());
/// let clone3 = eval.verdict("clone3").unwrap();
/// assert_eq!((clone3.errno, clone3.rule), (Some(38), Some(20)));
/// assert!(eval.verdict("clone").unwrap().conditional);
/// ```
pub fn evaluate(profile: &Profile, ctx: &Context) -> Evaluation {
    let arch = ctx.arch;
    let statuses = select(profile, ctx);
    let filter_architectures = filter_architectures(profile, ctx);
    let listed = filter_architectures.iter().any(|a| a == arch.scmp_name());
    let covered = arch == ctx.host || listed;
    let default_key = profile.default_action.runc_key();
    let default_outcome = Outcome::of(profile.default_action, arch);

    let calls = syscalls::of_arch(arch);
    let index_of: BTreeMap<&str, usize> = calls.iter().enumerate().map(|(i, c)| (c.name, i)).collect();
    let mut states: Vec<CallState> = calls.iter().map(|_| CallState { state: State::Default, overridden: Vec::new() }).collect();
    let mut unlocked: Vec<BTreeSet<String>> = vec![BTreeSet::new(); calls.len()];
    let mut not_on_arch = BTreeSet::new();
    let mut unknown_names = BTreeSet::new();
    let mut highest: Option<u32> = None;

    for rule in &profile.rules {
        for name in &rule.names {
            if !index_of.contains_key(name.as_str()) {
                if syscalls::is_known(name) {
                    not_on_arch.insert(name.clone());
                } else {
                    unknown_names.insert(name.clone());
                }
            }
        }
    }

    for (rule, status) in profile.rules.iter().zip(&statuses) {
        if let RuleStatus::CapsMissing { caps } = status {
            if Outcome::of(rule.action, arch).allows() {
                for name in &rule.names {
                    if let Some(&i) = index_of.get(name.as_str()) {
                        if let Some(set) = unlocked.get_mut(i) {
                            set.extend(caps.iter().cloned());
                        }
                    }
                }
            }
        }
        if !status.kept() {
            continue;
        }
        for name in &rule.names {
            let Some(&i) = index_of.get(name.as_str()) else { continue };
            let (Some(call), Some(st)) = (calls.get(i), states.get_mut(i)) else { continue };
            highest = Some(highest.map_or(call.number, |h| h.max(call.number)));
            if rule.action.runc_key() == default_key {
                st.overridden.push(rule.index);
                continue;
            }
            let unconditional = rule.args.is_empty();
            st.state = match std::mem::replace(&mut st.state, State::Default) {
                State::Default if unconditional => State::Unconditional(rule.index),
                State::Default => State::Conditional(vec![rule.index]),
                State::Unconditional(first) => {
                    st.overridden.push(rule.index);
                    State::Unconditional(first)
                }
                State::Conditional(earlier) if unconditional => {
                    st.overridden.extend(earlier);
                    State::Unconditional(rule.index)
                }
                State::Conditional(mut earlier) => {
                    earlier.push(rule.index);
                    State::Conditional(earlier)
                }
            };
        }
    }

    let permissive_default = matches!(profile.default_action.kind, ActionKind::Allow | ActionKind::Log | ActionKind::Trace);
    let runc_enosys_above = if covered && listed && !permissive_default { highest } else { None };

    let syscalls = calls
        .iter()
        .zip(states)
        .zip(unlocked)
        .map(|((call, st), unlocked)| {
            let mut v = verdict(profile, ctx, call.name, call.number, st, covered, &default_outcome);
            v.added = call.added;
            if !v.conditional && v.outcome.blocks() {
                v.unlocked_by = unlocked.into_iter().collect();
                if !v.unlocked_by.is_empty() {
                    v.explanation.push_str(&format!(" With {} in the bounding set a rule would allow it.", v.unlocked_by.join(" and ")));
                }
            }
            if covered && v.rule.is_none() && runc_enosys_above.is_some_and(|h| call.number > h) {
                v.runc_enosys = true;
                v.explanation.push_str(" Under runc it gets ENOSYS instead: its number is above every number the profile's rules name here.");
            }
            v
        })
        .collect();

    let rules = profile
        .rules
        .iter()
        .zip(statuses)
        .map(|(r, status)| RuleReport {
            index: r.index,
            action: r.action.kind.as_str().to_owned(),
            names: r.names.clone(),
            comment: r.comment.clone(),
            conditional: !r.args.is_empty(),
            status_text: status.describe(),
            status,
        })
        .collect();

    let mut warnings = profile.warnings.clone();
    if !covered {
        warnings.push(format!(
            "The filter Docker builds lists {} but not {arch}: every {arch} call gets libseccomp's bad-architecture action, kill-thread.",
            if filter_architectures.is_empty() { ctx.host.scmp_name().to_owned() } else { filter_architectures.join(", ") }
        ));
    }

    Evaluation {
        context: *ctx,
        default_action: profile.default_action.kind.as_str().to_owned(),
        default_outcome,
        filter_architectures,
        covered,
        syscalls,
        not_on_arch: not_on_arch.into_iter().collect(),
        unknown_names: unknown_names.into_iter().collect(),
        rules,
        runc_enosys_above,
        warnings,
    }
}

fn errno_of(o: &Outcome) -> Option<u32> {
    match o {
        Outcome::Errno { errno, .. } => Some(*errno),
        _ => None,
    }
}

fn verdict(profile: &Profile, ctx: &Context, name: &str, number: u32, st: CallState, covered: bool, default: &Outcome) -> SyscallVerdict {
    let arch = ctx.arch;
    let base = |action: String, outcome: Outcome, rule: Option<usize>, explanation: String| SyscallVerdict {
        name: name.to_owned(),
        number,
        added: None,
        action,
        errno: errno_of(&outcome),
        conditional: false,
        rule,
        comment: rule.and_then(|i| profile.rules.get(i)).and_then(|r| r.comment.clone()),
        outcome,
        otherwise: None,
        branches: Vec::new(),
        condition: None,
        overridden: st.overridden.clone(),
        unlocked_by: Vec::new(),
        runc_enosys: false,
        explanation,
    };
    if !covered {
        return base(
            "SCMP_ACT_KILL_THREAD".to_owned(),
            Outcome::KillThread,
            None,
            format!("{name} ({number}) kills the calling thread: the filter does not list the {arch} architecture."),
        );
    }
    match st.state {
        State::Default => base(
            profile.default_action.kind.as_str().to_owned(),
            default.clone(),
            None,
            format!("{name} ({number}) {}: no kept rule names it, so the default action applies.", default.describe()),
        ),
        State::Unconditional(i) => {
            let Some(rule) = profile.rules.get(i) else {
                return base(profile.default_action.kind.as_str().to_owned(), default.clone(), None, String::new());
            };
            let outcome = Outcome::of(rule.action, arch);
            let comment = rule.comment.as_deref().map(|c| format!(" ({c})")).unwrap_or_default();
            let explanation = format!("{name} ({number}) {}: rule {i}{comment}.", outcome.describe());
            base(rule.action.kind.as_str().to_owned(), outcome, Some(i), explanation)
        }
        State::Conditional(indices) => {
            let branches: Vec<Branch> = indices
                .iter()
                .filter_map(|&i| profile.rules.get(i))
                .map(|r| {
                    let any = repeats_an_argument(&r.args);
                    Branch {
                        rule: r.index,
                        action: r.action.kind.as_str().to_owned(),
                        outcome: Outcome::of(r.action, arch),
                        conditions: r.args.clone(),
                        any,
                        text: condition::conditions_text(name, arch, &r.args, any),
                    }
                })
                .collect();
            let Some(first) = branches.first().cloned() else {
                return base(profile.default_action.kind.as_str().to_owned(), default.clone(), None, String::new());
            };
            let same_outcome = branches.iter().all(|b| b.outcome == first.outcome && !b.any);
            let then = first.outcome.describe();
            let simple = if same_outcome {
                let conds: Vec<&[ArgCondition]> = branches.iter().map(|b| b.conditions.as_slice()).collect();
                condition::simple_text(name, arch, &conds, &then, &default.describe())
            } else {
                None
            };
            let text = simple.unwrap_or_else(|| {
                let parts: Vec<String> = branches.iter().map(|b| format!("{} when {} (rule {})", b.outcome.describe(), b.text, b.rule)).collect();
                format!("{}; otherwise it {}", parts.join("; "), default.describe())
            });
            let rules: Vec<String> = branches.iter().map(|b| b.rule.to_string()).collect();
            let explanation = format!(
                "{name} ({number}) depends on its arguments: it {text} (rule{} {}).",
                if rules.len() == 1 { "" } else { "s" },
                rules.join(", ")
            );
            let mut v = base(first.action.clone(), first.outcome.clone(), Some(first.rule), explanation);
            v.conditional = true;
            v.otherwise = Some(default.clone());
            v.condition = Some(text);
            v.branches = branches;
            v
        }
    }
}
