//! Linux signal numbers and the names `kill -l` prints for them, and the 64-bit signal masks
//! that `/proc/<pid>/status` shows as `SigPnd`, `ShdPnd`, `SigBlk`, `SigIgn` and `SigCgt`.
//!
//! In those masks bit *n-1* stands for signal *n* (`fs/proc/array.c`, `render_sigset_t`; see
//! [proc(5)](https://man7.org/linux/man-pages/man5/proc.5.html)). Names follow the table bash's
//! builtin `kill -l` prints on Linux (x86, arm, arm64, riscv, s390 and the other architectures
//! with the generic numbering; alpha, mips, parisc and sparc number some signals differently):
//!
//! - 1..=31: the classic names, `SIGHUP` … `SIGSYS` (29 is `SIGIO`, which procps calls `POLL`);
//! - 32 and 33 are **not** in the `kill -l` table: glibc reserves them for its threading library
//!   (cancellation and set*id broadcast), and its `SIGRTMIN` is 34. This module names them
//!   `SIG32` and `SIG33` and marks them [`Signal::in_kill_l`] `false`, so a mask with those bits
//!   still shows something readable and nothing pretends `kill -l` printed it;
//! - 34..=49: `SIGRTMIN`, `SIGRTMIN+1` … `SIGRTMIN+15`;
//! - 50..=64: `SIGRTMAX-14` … `SIGRTMAX-1`, `SIGRTMAX`.
//!
//! Descriptions are condensed from [signal(7)](https://man7.org/linux/man-pages/man7/signal.7.html).

use serde::{Deserialize, Serialize};

/// Names and one-line meanings of signals 1..=31, indexed by number - 1.
const CLASSIC: [(&str, &str); 31] = [
    ("SIGHUP", "Hangup of the controlling terminal, or death of the controlling process; daemons often reload their configuration."),
    ("SIGINT", "Interrupt from the keyboard (Ctrl-C)."),
    ("SIGQUIT", "Quit from the keyboard (Ctrl-\\); terminates with a core dump."),
    ("SIGILL", "Illegal instruction."),
    ("SIGTRAP", "Trace or breakpoint trap."),
    ("SIGABRT", "Abort signal from abort(3)."),
    ("SIGBUS", "Bus error (bad memory access)."),
    ("SIGFPE", "Floating-point (arithmetic) exception."),
    ("SIGKILL", "Kill; cannot be caught, blocked or ignored."),
    ("SIGUSR1", "User-defined signal 1."),
    ("SIGSEGV", "Invalid memory reference."),
    ("SIGUSR2", "User-defined signal 2."),
    ("SIGPIPE", "Write to a pipe or socket with no readers."),
    ("SIGALRM", "Timer signal from alarm(2)."),
    ("SIGTERM", "Termination request (the default signal of kill and docker stop)."),
    ("SIGSTKFLT", "Stack fault on a coprocessor (unused)."),
    ("SIGCHLD", "A child stopped or terminated."),
    ("SIGCONT", "Continue if stopped."),
    ("SIGSTOP", "Stop the process; cannot be caught, blocked or ignored."),
    ("SIGTSTP", "Stop typed at the terminal (Ctrl-Z)."),
    ("SIGTTIN", "Terminal input for a background process."),
    ("SIGTTOU", "Terminal output for a background process."),
    ("SIGURG", "Urgent condition on a socket."),
    ("SIGXCPU", "CPU time limit exceeded."),
    ("SIGXFSZ", "File size limit exceeded."),
    ("SIGVTALRM", "Virtual alarm clock."),
    ("SIGPROF", "Profiling timer expired."),
    ("SIGWINCH", "Window (terminal) resize."),
    ("SIGIO", "I/O now possible (also called SIGPOLL)."),
    ("SIGPWR", "Power failure."),
    ("SIGSYS", "Bad system call; also what a seccomp filter returning SECCOMP_RET_TRAP sends."),
];

/// The highest signal number Linux has (`_NSIG` = 64).
pub const MAX_SIGNAL: u8 = 64;

/// glibc's `SIGRTMIN`: 34 (the kernel's is 32; glibc keeps 32 and 33 for itself).
pub const SIGRTMIN: u8 = 34;

/// One signal, as reports carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signal {
    /// 1..=64.
    pub number: u8,
    /// `SIGHUP`, `SIGRTMIN+3`, `SIGRTMAX`, or `SIG32`/`SIG33` (see the module docs).
    pub name: String,
    /// What the signal is for.
    pub description: String,
    /// A real-time signal (32..=64).
    pub realtime: bool,
    /// Whether bash's `kill -l` lists it (false only for 32 and 33).
    pub in_kill_l: bool,
}

/// The name of signal `number` as `kill -l` prints it; `SIG32`/`SIG33` for the two numbers it
/// skips; `None` outside 1..=64.
///
/// ```
/// use tarsier::core::signals::name;
/// assert_eq!(name(15).as_deref(), Some("SIGTERM"));
/// assert_eq!(name(35).as_deref(), Some("SIGRTMIN+1"));
/// assert_eq!(name(63).as_deref(), Some("SIGRTMAX-1"));
/// assert_eq!(name(0), None);
/// ```
pub fn name(number: u8) -> Option<String> {
    match number {
        1..=31 => CLASSIC.get(usize::from(number - 1)).map(|(n, _)| (*n).to_owned()),
        32 | 33 => Some(format!("SIG{number}")),
        34 => Some("SIGRTMIN".to_owned()),
        35..=49 => Some(format!("SIGRTMIN+{}", number - SIGRTMIN)),
        50..=63 => Some(format!("SIGRTMAX-{}", MAX_SIGNAL - number)),
        64 => Some("SIGRTMAX".to_owned()),
        _ => None,
    }
}

/// The full description of signal `number`, `None` outside 1..=64.
pub fn signal(number: u8) -> Option<Signal> {
    let name = name(number)?;
    let description = match number {
        1..=31 => CLASSIC.get(usize::from(number - 1)).map(|(_, d)| (*d).to_owned()).unwrap_or_default(),
        32 | 33 => "Reserved by glibc for its threading library (not listed by kill -l).".to_owned(),
        _ => "Real-time signal, for application use; queued, delivered in order.".to_owned(),
    };
    Some(Signal { number, name, description, realtime: number >= 32, in_kill_l: number != 32 && number != 33 })
}

/// Looks a signal up by name: `SIGTERM`, `TERM`, `sigterm`, `SIGRTMIN+2`, `RTMAX-1`, `SIGPOLL`.
pub fn by_name(text: &str) -> Option<u8> {
    let upper = text.trim().to_ascii_uppercase();
    let full = if upper.starts_with("SIG") { upper } else { format!("SIG{upper}") };
    if full == "SIGPOLL" {
        return Some(29);
    }
    (1..=MAX_SIGNAL).find(|n| name(*n).as_deref() == Some(full.as_str()))
}

/// Decodes a signal mask: bit *n-1* set means signal *n* is in it, lowest number first.
///
/// ```
/// use tarsier::core::signals::decode_sigmask;
/// let names: Vec<String> = decode_sigmask(0x4001).into_iter().map(|s| s.name).collect();
/// assert_eq!(names, ["SIGHUP", "SIGTERM"]);
/// ```
pub fn decode_sigmask(mask: u64) -> Vec<Signal> {
    (0u8..64).filter(|bit| mask & (1u64 << bit) != 0).filter_map(|bit| signal(bit + 1)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for n in 1..=MAX_SIGNAL {
            let Some(nm) = name(n) else { panic!("{n} has no name") };
            assert_eq!(by_name(&nm), Some(n), "{nm}");
        }
        assert_eq!(by_name("poll"), Some(29));
        assert_eq!(by_name("nonsense"), None);
        assert_eq!(name(65), None);
    }

    #[test]
    fn masks_use_bit_n_minus_one() {
        assert!(decode_sigmask(0).is_empty());
        let all = decode_sigmask(u64::MAX);
        assert_eq!(all.len(), 64);
        assert_eq!(all[0].number, 1);
        assert_eq!(all[63].name, "SIGRTMAX");
        assert!(!all[31].in_kill_l && !all[32].in_kill_l && all[33].in_kill_l);
    }
}
