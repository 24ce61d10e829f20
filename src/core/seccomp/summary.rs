//! An evaluation in plain words ("blocks 93 of 373 calls: module loading, kexec, mount, new
//! namespaces without CAP_SYS_ADMIN, …"), and the differences between two evaluations.

use super::evaluate::{Evaluation, SyscallVerdict};
use serde::{Deserialize, Serialize};

/// Groups of calls people know by purpose; a blocked call outside them is counted as "other".
const GROUPS: &[(&str, &[&str])] = &[
    ("kernel modules", &["init_module", "finit_module", "delete_module", "create_module", "query_module", "get_kernel_syms"]),
    ("kexec (booting another kernel)", &["kexec_load", "kexec_file_load"]),
    ("reboot", &["reboot"]),
    ("mounting filesystems", &["mount", "umount", "umount2", "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "open_tree_attr", "mount_setattr", "pivot_root"]),
    ("new namespaces", &["unshare", "setns", "clone3"]),
    ("BPF programs", &["bpf"]),
    ("performance monitoring", &["perf_event_open"]),
    ("tracing other processes", &["ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd", "process_madvise"]),
    ("the kernel keyring", &["add_key", "request_key", "keyctl"]),
    ("setting the clock", &["settimeofday", "stime", "clock_settime", "clock_settime64", "clock_adjtime", "clock_adjtime64", "adjtimex"]),
    ("swap", &["swapon", "swapoff"]),
    ("I/O ports", &["iopl", "ioperm"]),
    ("the kernel log", &["syslog"]),
    ("disk quotas", &["quotactl", "quotactl_fd"]),
    ("host and domain names", &["sethostname", "setdomainname"]),
    ("io_uring", &["io_uring_setup", "io_uring_enter", "io_uring_register"]),
    ("userfaultfd", &["userfaultfd"]),
    ("NUMA memory policy", &["mbind", "set_mempolicy", "get_mempolicy", "migrate_pages", "move_pages", "set_mempolicy_home_node"]),
    ("process accounting", &["acct"]),
    ("opening files by handle", &["open_by_handle_at", "name_to_handle_at"]),
    ("fanotify", &["fanotify_init"]),
    ("LSM attributes", &["lsm_get_self_attr", "lsm_set_self_attr", "lsm_list_modules"]),
    ("chroot", &["chroot"]),
    ("virtual terminals", &["vhangup"]),
    ("obsolete calls", &["nfsservctl", "uselib", "sysfs", "ustat", "_sysctl", "bdflush", "vm86", "vm86old", "lookup_dcookie", "afs_syscall", "tuxcall", "security", "vserver", "putpmsg", "getpmsg"]),
];

/// One group of blocked calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryGroup {
    pub label: String,
    pub calls: Vec<String>,
    /// Capabilities that would unlock every call of the group, if there are any.
    pub unlocked_by: Vec<String>,
    /// Capabilities that would unlock some of its calls.
    pub partly_unlocked_by: Vec<String>,
}

/// An evaluation counted and grouped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub total: usize,
    pub allowed: usize,
    pub blocked: usize,
    pub conditional: usize,
    /// Neither allowed nor blocked outright: trace, notify.
    pub other: usize,
    pub groups: Vec<SummaryGroup>,
    /// Calls allowed only for some arguments, by name.
    pub conditional_calls: Vec<String>,
    pub text: String,
}

/// Counts and groups the verdicts of `eval`.
pub fn summarize(eval: &Evaluation) -> Summary {
    let total = eval.syscalls.len();
    let blocked: Vec<&SyscallVerdict> = eval.syscalls.iter().filter(|v| !v.conditional && v.outcome.blocks()).collect();
    let allowed = eval.syscalls.iter().filter(|v| !v.conditional && v.outcome.allows()).count();
    let conditional_calls: Vec<String> = eval.syscalls.iter().filter(|v| v.conditional).map(|v| v.name.clone()).collect();
    let other = total - allowed - blocked.len() - conditional_calls.len();

    let mut groups = Vec::new();
    for (label, names) in GROUPS {
        let calls: Vec<&SyscallVerdict> = blocked.iter().copied().filter(|v| names.contains(&v.name.as_str())).collect();
        if calls.is_empty() {
            continue;
        }
        let unlocked_by = common_caps(&calls);
        let some = any_caps(&calls);
        groups.push(SummaryGroup { label: (*label).to_owned(), calls: calls.iter().map(|v| v.name.clone()).collect(), unlocked_by, partly_unlocked_by: some });
    }
    let rest: Vec<String> = blocked.iter().filter(|v| !GROUPS.iter().any(|(_, n)| n.contains(&v.name.as_str()))).map(|v| v.name.clone()).collect();
    if !rest.is_empty() {
        groups.push(SummaryGroup { label: format!("{} other calls", rest.len()), calls: rest, unlocked_by: Vec::new(), partly_unlocked_by: Vec::new() });
    }

    let phrases: Vec<String> = groups
        .iter()
        .map(|g| {
            if !g.unlocked_by.is_empty() {
                format!("{} without {}", g.label, g.unlocked_by.join(" and "))
            } else if !g.partly_unlocked_by.is_empty() {
                format!("{} (some need {})", g.label, g.partly_unlocked_by.join(" or "))
            } else {
                g.label.clone()
            }
        })
        .collect();
    let mut text = format!("Blocks {} of {} calls", blocked.len(), total);
    if !phrases.is_empty() {
        text.push_str(&format!(": {}", phrases.join(", ")));
    }
    text.push_str(&format!(". Allows {allowed}"));
    if !conditional_calls.is_empty() {
        text.push_str(&format!("; {} depend on their arguments ({})", conditional_calls.len(), conditional_calls.join(", ")));
    }
    if other > 0 {
        text.push_str(&format!("; {other} are traced or sent to a notifier"));
    }
    text.push('.');
    Summary { total, allowed, blocked: blocked.len(), conditional: conditional_calls.len(), other, groups, conditional_calls, text }
}

fn common_caps(calls: &[&SyscallVerdict]) -> Vec<String> {
    let Some(first) = calls.first() else { return Vec::new() };
    first.unlocked_by.iter().filter(|c| calls.iter().all(|v| v.unlocked_by.contains(c))).cloned().collect()
}

fn any_caps(calls: &[&SyscallVerdict]) -> Vec<String> {
    let mut all: Vec<String> = calls.iter().flat_map(|v| v.unlocked_by.iter().cloned()).collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// A call whose verdict differs between two evaluations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerdictDiff {
    pub name: String,
    /// The verdict in words on each side (`None`: that architecture lacks the call).
    pub left: Option<String>,
    pub right: Option<String>,
    pub left_rule: Option<usize>,
    pub right_rule: Option<usize>,
}

/// A verdict in a few words: "allow", "EPERM", "conditional: allowed unless …".
pub fn brief(v: &SyscallVerdict) -> String {
    match (&v.condition, v.runc_enosys) {
        (Some(c), _) => format!("conditional: {c}"),
        (None, true) => format!("{} (ENOSYS under runc)", v.outcome.word()),
        (None, false) => v.outcome.word(),
    }
}

/// The calls whose verdict differs (outcome, errno, conditions), in name order. Rule numbers
/// alone do not count: two profiles number their rules differently.
pub fn compare(left: &Evaluation, right: &Evaluation) -> Vec<VerdictDiff> {
    let mut names: Vec<&str> = left.syscalls.iter().chain(&right.syscalls).map(|v| v.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .filter_map(|name| {
            let l = left.verdict(name);
            let r = right.verdict(name);
            let lb = l.map(brief);
            let rb = r.map(brief);
            (lb != rb).then(|| VerdictDiff { name: name.to_owned(), left: lb, right: rb, left_rule: l.and_then(|v| v.rule), right_rule: r.and_then(|v| v.rule) })
        })
        .collect()
}
