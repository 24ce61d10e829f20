//! Linux signal numbers, the names `kill -l` prints for them, and the signal masks that
//! `/proc/<pid>/status` shows as `SigPnd`, `ShdPnd`, `SigBlk`, `SigIgn` and `SigCgt`.
//!
//! # Masks
//!
//! In a mask bit *n-1* stands for signal *n*. The kernel prints `_NSIG / 4` hex digits, highest
//! signal first (`render_sigset_t` in
//! [`fs/proc/array.c`](https://github.com/torvalds/linux/blob/master/fs/proc/array.c); see
//! [proc(5)](https://man7.org/linux/man-pages/man5/proc.5.html)): 16 digits where `_NSIG` is 64,
//! 32 on MIPS, whose `_NSIG` is 128. [`parse_sigmask`] reads either width (at most 128 signals).
//!
//! # Numberings
//!
//! Which signal a number is depends on the architecture. [`Numbering::Generic`] is the one of
//! x86, arm, arm64, riscv, s390, powerpc and the other architectures that use
//! `include/uapi/asm-generic/signal.h`; MIPS, Alpha, SPARC and PA-RISC number signals 1..=31
//! differently (MIPS also has 128 signals). The tables below follow the kernel's headers:
//!
//! - generic: `include/uapi/asm-generic/signal.h` (and `arch/x86/include/uapi/asm/signal.h`);
//! - MIPS: `arch/mips/include/uapi/asm/signal.h` (`_NSIG` 128);
//! - Alpha: `arch/alpha/include/uapi/asm/signal.h` (OSF/1 numbers; `_NSIG` 64 in
//!   `arch/alpha/include/asm/signal.h`);
//! - SPARC: `arch/sparc/include/uapi/asm/signal.h` (SunOS numbers; `__NEW_NSIG` 64);
//! - PA-RISC: `arch/parisc/include/uapi/asm/signal.h`, as renumbered in Linux 3.17 (glibc 2.21),
//!   which removed `SIGEMT` and `SIGLOST` so that `SIGRTMIN` could be 32.
//!
//! glibc's `sysdeps/unix/sysv/linux/{,mips/,alpha/,sparc/,hppa/}bits/signum-arch.h` agree, and
//! give `SIGRTMAX`: 64, or 127 on MIPS (signal 128 cannot be told apart in a wait status, so glibc
//! leaves it out; the kernel still has it). `tests/signal_headers.rs` checks the tables against
//! the kernel headers Debian's `linux-libc-dev-*-cross` packages install.
//!
//! # Names
//!
//! Names follow the table bash's builtin `kill -l` prints (bash's `support/signames.c`), where a
//! later definition wins for numbers that have two names (`SIGIO` over `SIGPOLL`, `SIGABRT` over
//! `SIGIOT`, on Alpha `SIGINFO` over `SIGPWR`, on SPARC `SIGPWR` over `SIGLOST`):
//!
//! - 1..=31: the classic names of the numbering (29 is `SIGIO` on the generic numbering, which
//!   procps calls `POLL`);
//! - 32 and 33 are **not** in the `kill -l` table: glibc reserves them for its threading library
//!   (cancellation and set*id broadcast), and its `SIGRTMIN` is 34. This module names them
//!   `SIG32` and `SIG33` and marks them [`Signal::in_kill_l`] `false`, so a mask with those bits
//!   still shows something readable and nothing pretends `kill -l` printed it;
//! - 34 (`SIGRTMIN`) up to glibc's `SIGRTMAX`: bash's split — `SIGRTMIN+1`, `SIGRTMIN+2`, … for
//!   the lower half, `… SIGRTMAX-2`, `SIGRTMAX-1`, `SIGRTMAX` for the upper one (generic:
//!   `SIGRTMIN+1`..`SIGRTMIN+15` are 35..=49, `SIGRTMAX-14`..`SIGRTMAX-1` 50..=63);
//! - MIPS's signal 128 is `SIG128`, not in `kill -l` (beyond glibc's `SIGRTMAX`).
//!
//! A bit beyond the numbering's last signal (a 128-bit mask read with a 64-signal numbering) is
//! shown as `SIGn`, not in `kill -l` (the status report adds a note saying which numbering has
//! it). Descriptions are condensed from [signal(7)](https://man7.org/linux/man-pages/man7/signal.7.html).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Names of signals 1..=31 on the generic numbering, indexed by number - 1.
const GENERIC: [&str; 31] = [
    "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV",
    "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN",
    "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
];

/// MIPS (`arch/mips/include/uapi/asm/signal.h`).
const MIPS: [&str; 31] = [
    "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGEMT", "SIGFPE", "SIGKILL", "SIGBUS", "SIGSEGV",
    "SIGSYS", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGUSR1", "SIGUSR2", "SIGCHLD", "SIGPWR", "SIGWINCH", "SIGURG",
    "SIGIO", "SIGSTOP", "SIGTSTP", "SIGCONT", "SIGTTIN", "SIGTTOU", "SIGVTALRM", "SIGPROF", "SIGXCPU", "SIGXFSZ",
];

/// Alpha (`arch/alpha/include/uapi/asm/signal.h`); 29 is `SIGINFO`, alias `SIGPWR`.
const ALPHA: [&str; 31] = [
    "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGEMT", "SIGFPE", "SIGKILL", "SIGBUS", "SIGSEGV",
    "SIGSYS", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGURG", "SIGSTOP", "SIGTSTP", "SIGCONT", "SIGCHLD", "SIGTTIN",
    "SIGTTOU", "SIGIO", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGINFO", "SIGUSR1", "SIGUSR2",
];

/// SPARC (`arch/sparc/include/uapi/asm/signal.h`); 29 is `SIGLOST`, alias `SIGPWR`.
const SPARC: [&str; 31] = [
    "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGEMT", "SIGFPE", "SIGKILL", "SIGBUS", "SIGSEGV",
    "SIGSYS", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGURG", "SIGSTOP", "SIGTSTP", "SIGCONT", "SIGCHLD", "SIGTTIN",
    "SIGTTOU", "SIGIO", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGPWR", "SIGUSR1", "SIGUSR2",
];

/// PA-RISC since Linux 3.17 (`arch/parisc/include/uapi/asm/signal.h`).
const PARISC: [&str; 31] = [
    "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGSTKFLT", "SIGFPE", "SIGKILL", "SIGBUS", "SIGSEGV",
    "SIGXCPU", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGUSR1", "SIGUSR2", "SIGCHLD", "SIGPWR", "SIGVTALRM", "SIGPROF",
    "SIGIO", "SIGWINCH", "SIGSTOP", "SIGTSTP", "SIGCONT", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXFSZ", "SIGSYS",
];

/// One-line meanings of the classic signals, by name.
const MEANINGS: [(&str, &str); 34] = [
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
    ("SIGEMT", "Emulator trap: an instruction the hardware does not implement."),
    ("SIGINFO", "Information request; on Alpha also the power-failure signal (SIGPWR)."),
    ("SIGPOLL", "Pollable event (the System V name of SIGIO)."),
];

/// The most signals any Linux architecture has (`_NSIG` on MIPS): masks are at most 128 bits.
pub const MAX_SIGNALS: u8 = 128;

/// The highest signal number of the generic numbering (`_NSIG` = 64).
pub const MAX_SIGNAL: u8 = 64;

/// glibc's `SIGRTMIN`: 34 on every architecture (the kernel's is 32; glibc keeps 32 and 33).
pub const SIGRTMIN: u8 = 34;

/// Which number each signal has: the architecture family the dump comes from. The user picks
/// it (the numbers cannot be told from a mask); the default is [`Numbering::Generic`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Numbering {
    /// x86, arm, arm64, riscv, s390, powerpc, loongarch and the rest: 64 signals.
    #[default]
    Generic,
    /// MIPS (32- and 64-bit): 128 signals, masks of 32 hex digits.
    Mips,
    /// Alpha: OSF/1 numbers for 1..=31.
    Alpha,
    /// SPARC (32- and 64-bit): SunOS numbers for 1..=31.
    Sparc,
    /// PA-RISC, as numbered since Linux 3.17.
    Parisc,
}

impl Numbering {
    /// Every numbering, the default first.
    pub const ALL: [Numbering; 5] = [Numbering::Generic, Numbering::Mips, Numbering::Alpha, Numbering::Sparc, Numbering::Parisc];

    /// The name `--signals` takes and reports carry: `generic`, `mips`, `alpha`, `sparc`, `parisc`.
    pub fn as_str(self) -> &'static str {
        match self {
            Numbering::Generic => "generic",
            Numbering::Mips => "mips",
            Numbering::Alpha => "alpha",
            Numbering::Sparc => "sparc",
            Numbering::Parisc => "parisc",
        }
    }

    /// A label for a menu: `generic (x86, arm, riscv, …)`, `MIPS`, …
    pub fn label(self) -> &'static str {
        match self {
            Numbering::Generic => "generic (x86, arm, riscv, s390, powerpc, …)",
            Numbering::Mips => "MIPS",
            Numbering::Alpha => "Alpha",
            Numbering::Sparc => "SPARC",
            Numbering::Parisc => "PA-RISC",
        }
    }

    /// Reads a numbering's name, or an architecture's (`x86_64`, `arm64`, `mips64el`, `hppa`,
    /// `sparc64`…), ignoring case.
    ///
    /// ```
    /// use tarsier::core::signals::Numbering;
    /// assert_eq!(Numbering::from_name("MIPS64el"), Some(Numbering::Mips));
    /// assert_eq!(Numbering::from_name("aarch64"), Some(Numbering::Generic));
    /// assert_eq!(Numbering::from_name("hppa"), Some(Numbering::Parisc));
    /// assert_eq!(Numbering::from_name("vax"), None);
    /// ```
    pub fn from_name(text: &str) -> Option<Numbering> {
        let t = text.trim().to_ascii_lowercase();
        Some(match t.as_str() {
            "generic" | "x86" | "x86_64" | "amd64" | "i386" | "i686" | "386" | "arm" | "armhf" | "armel" | "arm64" | "aarch64"
            | "riscv" | "riscv64" | "s390" | "s390x" | "powerpc" | "ppc" | "ppc64" | "ppc64le" | "loongarch64" => Numbering::Generic,
            _ if t.starts_with("mips") => Numbering::Mips,
            "alpha" => Numbering::Alpha,
            "sparc" | "sparc64" => Numbering::Sparc,
            "parisc" | "parisc64" | "hppa" => Numbering::Parisc,
            _ => return None,
        })
    }

    /// How many signals the kernel has (`_NSIG`): 128 on MIPS, 64 elsewhere.
    pub fn signals(self) -> u8 {
        match self {
            Numbering::Mips => MAX_SIGNALS,
            _ => MAX_SIGNAL,
        }
    }

    /// glibc's `SIGRTMAX`: 127 on MIPS, 64 elsewhere.
    fn sigrtmax(self) -> u8 {
        match self {
            Numbering::Mips => MAX_SIGNALS - 1,
            _ => MAX_SIGNAL,
        }
    }

    fn classic(self) -> &'static [&'static str; 31] {
        match self {
            Numbering::Generic => &GENERIC,
            Numbering::Mips => &MIPS,
            Numbering::Alpha => &ALPHA,
            Numbering::Sparc => &SPARC,
            Numbering::Parisc => &PARISC,
        }
    }

    /// The name of signal `number` as `kill -l` prints it; `SIGn` for the numbers it skips
    /// (32, 33, MIPS's 128); `None` outside 1..=[`Numbering::signals`].
    ///
    /// ```
    /// use tarsier::core::signals::Numbering;
    /// assert_eq!(Numbering::Generic.name(16).as_deref(), Some("SIGSTKFLT"));
    /// assert_eq!(Numbering::Mips.name(16).as_deref(), Some("SIGUSR1"));
    /// assert_eq!(Numbering::Mips.name(80).as_deref(), Some("SIGRTMIN+46"));
    /// assert_eq!(Numbering::Mips.name(81).as_deref(), Some("SIGRTMAX-46"));
    /// assert_eq!(Numbering::Mips.name(127).as_deref(), Some("SIGRTMAX"));
    /// assert_eq!(Numbering::Generic.name(65), None);
    /// ```
    pub fn name(self, number: u8) -> Option<String> {
        let (rtmin, rtmax) = (SIGRTMIN, self.sigrtmax());
        // bash's support/signames.c: rtcnt names from each end, one more SIGRTMIN+ if odd.
        let rtcnt = (rtmax - rtmin - 1) / 2;
        match number {
            0 => None,
            1..=31 => self.classic().get(usize::from(number - 1)).map(|n| (*n).to_owned()),
            n if n == rtmin => Some("SIGRTMIN".to_owned()),
            n if n == rtmax => Some("SIGRTMAX".to_owned()),
            n if n > rtmin && n - rtmin <= rtcnt => Some(format!("SIGRTMIN+{}", n - rtmin)),
            n if n < rtmax && rtmax - n <= rtcnt => Some(format!("SIGRTMAX-{}", rtmax - n)),
            n if n > rtmin && n < rtmax => Some(format!("SIGRTMIN+{}", n - rtmin)),
            n if n <= self.signals() => Some(format!("SIG{n}")),
            _ => None,
        }
    }

    /// The full description of signal `number`, `None` outside 1..=[`Numbering::signals`].
    pub fn signal(self, number: u8) -> Option<Signal> {
        let name = self.name(number)?;
        let rt = SIGRTMIN..=self.sigrtmax();
        let description = match number {
            1..=31 => MEANINGS.iter().find(|(n, _)| *n == name).map(|(_, d)| (*d).to_owned()).unwrap_or_default(),
            32 | 33 => "Reserved by glibc for its threading library (not listed by kill -l).".to_owned(),
            n if rt.contains(&n) => "Real-time signal, for application use; queued, delivered in order.".to_owned(),
            n => format!(
                "Real-time signal {n}: the kernel has it, but glibc's SIGRTMAX is {} (a wait status cannot tell signal {n} apart), so kill -l does not list it.",
                self.sigrtmax()
            ),
        };
        let in_kill_l = (1..=31).contains(&number) || rt.contains(&number);
        Some(Signal { number, name, description, realtime: number >= 32, in_kill_l })
    }

    /// Looks a signal up by name: `SIGTERM`, `TERM`, `sigterm`, `SIGRTMIN+2`, `RTMAX-1`,
    /// `SIGPOLL` (= `SIGIO`), `SIGIOT` (= `SIGABRT`), `SIGCLD` (= `SIGCHLD`), and on Alpha and
    /// SPARC `SIGPWR` / `SIGLOST`.
    ///
    /// ```
    /// use tarsier::core::signals::Numbering;
    /// assert_eq!(Numbering::Generic.by_name("term"), Some(15));
    /// assert_eq!(Numbering::Mips.by_name("SIGCHLD"), Some(18));
    /// assert_eq!(Numbering::Sparc.by_name("SIGLOST"), Some(29));
    /// ```
    pub fn by_name(self, text: &str) -> Option<u8> {
        let upper = text.trim().to_ascii_uppercase();
        let full = if upper.starts_with("SIG") { upper } else { format!("SIG{upper}") };
        let alias = match (full.as_str(), self) {
            ("SIGPOLL", _) => "SIGIO",
            ("SIGIOT", _) => "SIGABRT",
            ("SIGCLD", _) => "SIGCHLD",
            ("SIGPWR", Numbering::Alpha) => "SIGINFO",
            ("SIGLOST", Numbering::Sparc) => "SIGPWR",
            (other, _) => other,
        };
        (1..=self.signals()).find(|n| self.name(*n).as_deref() == Some(alias))
    }

    /// Decodes a signal mask: bit *n-1* set means signal *n* is in it, lowest number first. A
    /// bit beyond this numbering's last signal is shown as `SIGn` (see [`Numbering::signals`]).
    ///
    /// ```
    /// use tarsier::core::signals::Numbering;
    /// let names = |n: Numbering, mask| n.decode(mask).into_iter().map(|s| s.name).collect::<Vec<_>>();
    /// assert_eq!(names(Numbering::Generic, 0x4001), ["SIGHUP", "SIGTERM"]);
    /// assert_eq!(names(Numbering::Mips, 0x8000 | 1 << 127), ["SIGUSR1", "SIG128"]);
    /// ```
    pub fn decode(self, mask: u128) -> Vec<Signal> {
        (0..MAX_SIGNALS)
            .filter(|bit| mask & (1u128 << bit) != 0)
            .map(|bit| {
                let number = bit + 1;
                self.signal(number).unwrap_or_else(|| Signal {
                    number,
                    name: format!("SIG{number}"),
                    description: format!(
                        "No signal {number} in the {} numbering, which has {}; only MIPS has signals above 64.",
                        self.as_str(),
                        self.signals()
                    ),
                    realtime: false,
                    in_kill_l: false,
                })
            })
            .collect()
    }
}

impl std::str::FromStr for Numbering {
    type Err = String;

    fn from_str(text: &str) -> Result<Numbering, String> {
        Numbering::from_name(text).ok_or_else(|| {
            let names: Vec<&str> = Numbering::ALL.iter().map(|n| n.as_str()).collect();
            format!("{text:?} is not a signal numbering: expected one of {} (or an architecture such as x86_64, arm64, mips64el, hppa).", names.join(", "))
        })
    }
}

/// One signal, as reports carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signal {
    /// 1..=128.
    pub number: u8,
    /// `SIGHUP`, `SIGRTMIN+3`, `SIGRTMAX`, or `SIGn` for numbers `kill -l` does not list (see
    /// the module docs).
    pub name: String,
    /// What the signal is for.
    pub description: String,
    /// A real-time signal (32 and above, within the numbering).
    pub realtime: bool,
    /// Whether bash's `kill -l` lists it (false for 32, 33, MIPS's 128 and numbers the
    /// numbering lacks).
    pub in_kill_l: bool,
}

/// The name of signal `number` on the generic numbering ([`Numbering::name`]).
///
/// ```
/// use tarsier::core::signals::name;
/// assert_eq!(name(15).as_deref(), Some("SIGTERM"));
/// assert_eq!(name(35).as_deref(), Some("SIGRTMIN+1"));
/// assert_eq!(name(63).as_deref(), Some("SIGRTMAX-1"));
/// assert_eq!(name(0), None);
/// ```
pub fn name(number: u8) -> Option<String> {
    Numbering::Generic.name(number)
}

/// Signal `number` on the generic numbering ([`Numbering::signal`]).
pub fn signal(number: u8) -> Option<Signal> {
    Numbering::Generic.signal(number)
}

/// A signal by name on the generic numbering ([`Numbering::by_name`]).
pub fn by_name(text: &str) -> Option<u8> {
    Numbering::Generic.by_name(text)
}

/// A signal mask as `/proc/<pid>/status` prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigMask {
    /// Bit *n-1* = signal *n*.
    pub bits: u128,
    /// How many signals the printed width covers: 64 (16 hex digits) or 128 (17 to 32 digits,
    /// as MIPS prints 32).
    pub width: u8,
}

impl SigMask {
    /// The mask as the kernel prints it: `width / 4` hex digits.
    pub fn hex(&self) -> String {
        let digits = usize::from(self.width / 4);
        format!("{:0digits$x}", self.bits)
    }
}

/// Why a text is not a signal mask.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SigMaskError {
    /// Nothing but white space (or a bare `0x`).
    Empty,
    /// A character that is not a hexadecimal digit (`offset` counts characters from 0).
    NotHex { offset: usize, found: char },
    /// More than 32 significant hex digits: wider than any kernel's 128 signals.
    TooWide { digits: usize },
}

impl fmt::Display for SigMaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SigMaskError::Empty => write!(f, "a signal mask is hexadecimal digits, such as 0000000000004a02, and there are none"),
            SigMaskError::NotHex { offset, found } => {
                write!(f, "a signal mask is hexadecimal digits, and {found:?} at character {} is not one", offset + 1)
            }
            SigMaskError::TooWide { digits } => write!(
                f,
                "a signal mask has at most 32 significant hex digits (128 signals, on MIPS; 16 elsewhere), and this one has {digits}"
            ),
        }
    }
}

impl std::error::Error for SigMaskError {}

/// Reads a signal mask of any width the kernel prints: 16 hex digits (`_NSIG` 64), or 32 on MIPS
/// (`_NSIG` 128); an optional `0x`, leading zeros and surrounding white space are accepted.
///
/// # Errors
/// [`SigMaskError`] when the text is empty, holds a character that is not a hex digit, or has
/// more than 32 significant digits.
///
/// ```
/// use tarsier::core::signals::{parse_sigmask, SigMask};
/// assert_eq!(parse_sigmask("0000000000004a02"), Ok(SigMask { bits: 0x4a02, width: 64 }));
/// let mips = parse_sigmask("80000000000000000000000000008000").unwrap();
/// assert_eq!((mips.width, mips.bits >> 127, mips.hex().len()), (128, 1, 32));
/// assert!(parse_sigmask("zz").is_err());
/// ```
pub fn parse_sigmask(text: &str) -> Result<SigMask, SigMaskError> {
    let trimmed = text.trim();
    let digits = trimmed.strip_prefix("0x").or_else(|| trimmed.strip_prefix("0X")).unwrap_or(trimmed);
    if digits.is_empty() {
        return Err(SigMaskError::Empty);
    }
    if let Some((offset, found)) = digits.chars().enumerate().find(|(_, c)| !c.is_ascii_hexdigit()) {
        return Err(SigMaskError::NotHex { offset: offset + (trimmed.len() - digits.len()), found });
    }
    let significant = digits.trim_start_matches('0');
    if significant.len() > 32 {
        return Err(SigMaskError::TooWide { digits: significant.len() });
    }
    let bits = if significant.is_empty() { 0 } else { u128::from_str_radix(significant, 16).map_err(|_| SigMaskError::TooWide { digits: significant.len() })? };
    let width = if digits.len() <= 16 { MAX_SIGNAL } else { MAX_SIGNALS };
    Ok(SigMask { bits, width })
}

/// Decodes a 64-bit mask on the generic numbering ([`Numbering::decode`]).
///
/// ```
/// use tarsier::core::signals::decode_sigmask;
/// let names: Vec<String> = decode_sigmask(0x4001).into_iter().map(|s| s.name).collect();
/// assert_eq!(names, ["SIGHUP", "SIGTERM"]);
/// ```
pub fn decode_sigmask(mask: u64) -> Vec<Signal> {
    Numbering::Generic.decode(u128::from(mask))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 0 is no signal (kill(2): "If sig is 0, then no signal is sent"), in every numbering.
    /// Real-time names from both ends as bash's `support/signames.c` gives them (the doctest of
    /// [`Numbering::name`], which the mutation runs do not build): with an even count of
    /// real-time signals between SIGRTMIN and SIGRTMAX (MIPS: 92) the middle one is SIGRTMAX-;
    /// with an odd one (generic: 29) it is SIGRTMIN+.
    #[test]
    fn real_time_names_meet_in_the_middle_as_bash_names_them() {
        let mips: Vec<Option<String>> = [79u8, 80, 81, 82].map(|n| Numbering::Mips.name(n)).into();
        assert_eq!(mips, ["SIGRTMIN+45", "SIGRTMIN+46", "SIGRTMAX-46", "SIGRTMAX-45"].map(|s| Some(s.to_owned())));
        let generic: Vec<Option<String>> = [48u8, 49, 50].map(|n| Numbering::Generic.name(n)).into();
        assert_eq!(generic, ["SIGRTMIN+14", "SIGRTMIN+15", "SIGRTMAX-14"].map(|s| Some(s.to_owned())));
    }

    #[test]
    fn zero_is_no_signal() {
        for n in [Numbering::Generic, Numbering::Mips, Numbering::Alpha, Numbering::Sparc, Numbering::Parisc] {
            assert_eq!(n.name(0), None, "{n:?}");
        }
    }

    #[test]
    fn names_round_trip_in_every_numbering() {
        for numbering in Numbering::ALL {
            for n in 1..=numbering.signals() {
                let Some(nm) = numbering.name(n) else { panic!("{} {n} has no name", numbering.as_str()) };
                assert_eq!(numbering.by_name(&nm), Some(n), "{} {nm}", numbering.as_str());
            }
            assert_eq!(numbering.name(numbering.signals() + 1), None);
            assert_eq!(Numbering::from_name(numbering.as_str()), Some(numbering));
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
        let mips = Numbering::Mips.decode(u128::MAX);
        assert_eq!(mips.len(), 128);
        assert_eq!(mips.iter().filter(|s| !s.in_kill_l).map(|s| s.number).collect::<Vec<_>>(), [32, 33, 128]);
        // A 128-bit mask on a 64-signal numbering: the upper bits are numbers, not names.
        let generic = Numbering::Generic.decode(1u128 << 64);
        assert_eq!((generic[0].name.as_str(), generic[0].in_kill_l), ("SIG65", false));
    }

    #[test]
    fn sigmask_widths_and_errors() {
        assert_eq!(parse_sigmask("ff").map(|m| m.hex()), Ok("00000000000000ff".to_owned()));
        assert_eq!(parse_sigmask("0x00000000000000000000000000000001").map(|m| m.width), Ok(128));
        assert_eq!(parse_sigmask("1".repeat(33).as_str()), Err(SigMaskError::TooWide { digits: 33 }));
        assert_eq!(parse_sigmask(" 0x"), Err(SigMaskError::Empty));
        assert_eq!(parse_sigmask("12g4"), Err(SigMaskError::NotHex { offset: 2, found: 'g' }));
        for e in [SigMaskError::Empty, SigMaskError::NotHex { offset: 0, found: 'x' }, SigMaskError::TooWide { digits: 40 }] {
            let text = e.to_string();
            assert!(text.contains("signal mask") && !text.contains("capabilit"), "{text}");
        }
    }
}
