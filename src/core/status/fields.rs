//! Every key `fs/proc/array.c` prints in `/proc/<pid>/status` (as of Linux 6.18, plus a few
//! older or architecture-specific ones), with its section, a one-line meaning condensed from
//! `Documentation/filesystems/proc.rst` and proc(5), and the kernel release that added it.

/// What the tool knows about one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldInfo {
    /// The key exactly as the kernel prints it (`CapEff`).
    pub key: &'static str,
    /// The report section it belongs to: `identity`, `users`, `namespaces`, `memory`,
    /// `signals`, `capabilities`, `security`, `cpus`.
    pub section: &'static str,
    /// One line from proc.rst / proc(5).
    pub meaning: &'static str,
    /// The release that added it (`"4.10"`), or `None` for fields older than 2.6.26.
    pub since: Option<&'static str>,
}

macro_rules! fields {
    ($( $key:literal $section:literal $since:expr, $meaning:literal ;)*) => {
        /// The table, in the order the kernel prints the keys.
        pub const FIELDS: &[FieldInfo] = &[
            $( FieldInfo { key: $key, section: $section, since: $since, meaning: $meaning }, )*
        ];
    };
}

fields! {
    "Name" "identity" None, "Command name (the executable's name, at most 15 characters, or what prctl(PR_SET_NAME) set).";
    "Umask" "identity" Some("4.7"), "File mode creation mask, in octal.";
    "State" "identity" None, "Current state of the task (R running, S sleeping, D disk sleep, T stopped, t tracing stop, Z zombie, X dead, I idle, P parked).";
    "Tgid" "identity" None, "Thread group ID (the process ID that ps and kill use).";
    "Ngid" "identity" Some("3.13"), "NUMA group ID (0 if none).";
    "Pid" "identity" None, "Thread ID (equal to Tgid for the main thread).";
    "PPid" "identity" None, "PID of the parent process (0 for the kernel's own threads and for processes whose parent is outside the reader's PID namespace).";
    "TracerPid" "identity" None, "PID of the process tracing this one with ptrace (0 if not traced).";
    "Uid" "users" None, "Real, effective, saved set and filesystem user IDs.";
    "Gid" "users" None, "Real, effective, saved set and filesystem group IDs.";
    "FDSize" "identity" None, "Number of file descriptor slots currently allocated (not the number of open files).";
    "Groups" "users" None, "Supplementary group list.";
    "NStgid" "namespaces" Some("4.1"), "Thread group ID in each PID namespace the task is in, from the reader's namespace down to the innermost.";
    "NSpid" "namespaces" Some("4.1"), "Thread ID in each PID namespace the task is in, from the reader's namespace down to the innermost.";
    "NSpgid" "namespaces" Some("4.1"), "Process group ID in each PID namespace the task is in.";
    "NSsid" "namespaces" Some("4.1"), "Session ID in each PID namespace the task is in.";
    "Kthread" "identity" Some("6.4"), "1 for a kernel thread, 0 otherwise.";
    "VmPeak" "memory" None, "Peak virtual memory size.";
    "VmSize" "memory" None, "Total virtual memory size.";
    "VmLck" "memory" None, "Locked memory size (see mlock(2)).";
    "VmPin" "memory" Some("3.2"), "Pinned memory size: pages that cannot be moved, because something needs to access them directly.";
    "VmHWM" "memory" None, "Peak resident set size (\"high water mark\").";
    "VmRSS" "memory" None, "Resident set size: RssAnon + RssFile + RssShmem.";
    "RssAnon" "memory" Some("4.5"), "Size of resident anonymous memory.";
    "RssFile" "memory" Some("4.5"), "Size of resident file mappings.";
    "RssShmem" "memory" Some("4.5"), "Size of resident shared memory (System V shared memory, tmpfs mappings, shared anonymous mappings).";
    "VmData" "memory" None, "Size of private data segments.";
    "VmStk" "memory" None, "Size of the stack.";
    "VmExe" "memory" None, "Size of text (code) segments.";
    "VmLib" "memory" None, "Size of shared library code.";
    "VmPTE" "memory" None, "Size of page table entries.";
    "VmPMD" "memory" Some("4.0"), "Size of second-level page tables (removed again in Linux 4.15).";
    "VmSwap" "memory" Some("2.6.34"), "Amount of swap used by anonymous private data (shared memory swap is not included).";
    "HugetlbPages" "memory" Some("4.4"), "Size of hugetlb memory portions.";
    "CoreDumping" "identity" Some("4.15"), "1 while the process is dumping core (the OOM killer leaves such processes alone).";
    "THP_enabled" "memory" Some("5.0"), "1 if transparent huge pages may be used (0 after prctl(PR_SET_THP_DISABLE)).";
    "untag_mask" "memory" Some("6.4"), "The mask used to strip tag bits from user addresses (x86 Linear Address Masking); all ones when no tagging is in use.";
    "Threads" "identity" None, "Number of threads in the process.";
    "SigQ" "signals" None, "Signals queued for the real user ID of this process / the RLIMIT_SIGPENDING limit on queued signals.";
    "SigPnd" "signals" None, "Signals pending for this thread.";
    "ShdPnd" "signals" None, "Signals pending for the process as a whole.";
    "SigBlk" "signals" None, "Signals being blocked (by the thread that was read).";
    "SigIgn" "signals" None, "Signals being ignored.";
    "SigCgt" "signals" None, "Signals being caught (a handler is installed).";
    "CapInh" "capabilities" None, "Inheritable capability set.";
    "CapPrm" "capabilities" None, "Permitted capability set.";
    "CapEff" "capabilities" None, "Effective capability set.";
    "CapBnd" "capabilities" Some("2.6.26"), "Capability bounding set.";
    "CapAmb" "capabilities" Some("4.3"), "Ambient capability set.";
    "NoNewPrivs" "security" Some("4.10"), "The no_new_privs bit: 1 if execve(2) can never grant privileges (set-user-ID bits and file capabilities are ignored).";
    "Seccomp" "security" Some("3.8"), "Seccomp mode: 0 disabled, 1 strict, 2 filter.";
    "Seccomp_filters" "security" Some("5.9"), "Number of seccomp filters attached to the thread.";
    "Speculation_Store_Bypass" "security" Some("4.17"), "Speculative Store Bypass (Spectre v4) mitigation status.";
    "SpeculationIndirectBranch" "security" Some("5.12"), "Indirect branch speculation (Spectre v2) mitigation status.";
    "Cpus_allowed" "cpus" None, "Mask of CPUs this task may run on.";
    "Cpus_allowed_list" "cpus" Some("2.6.26"), "Same as Cpus_allowed, as a list of ranges.";
    "Mems_allowed" "cpus" None, "Mask of memory (NUMA) nodes this task may allocate from.";
    "Mems_allowed_list" "cpus" Some("2.6.26"), "Same as Mems_allowed, as a list of ranges.";
    "voluntary_ctxt_switches" "identity" Some("2.6.23"), "Number of voluntary context switches (the task gave up the CPU, e.g. to wait for I/O).";
    "nonvoluntary_ctxt_switches" "identity" Some("2.6.23"), "Number of involuntary context switches (the scheduler took the CPU away).";
    "x86_Thread_features" "security" Some("6.6"), "x86 per-thread features enabled (e.g. shstk for user shadow stacks).";
    "x86_Thread_features_locked" "security" Some("6.6"), "x86 per-thread features locked so they can no longer be changed.";
}

/// Looks a key up (exact spelling, as the kernel prints it).
pub fn field_info(key: &str) -> Option<&'static FieldInfo> {
    FIELDS.iter().find(|f| f.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_sections_known() {
        for (i, f) in FIELDS.iter().enumerate() {
            assert!(FIELDS[..i].iter().all(|g| g.key != f.key), "{} twice", f.key);
            assert!(
                ["identity", "users", "namespaces", "memory", "signals", "capabilities", "security", "cpus"].contains(&f.section),
                "{}",
                f.key
            );
            assert!(f.meaning.ends_with('.'), "{}", f.key);
        }
    }
}
