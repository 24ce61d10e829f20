//! The system call table: names and numbers per architecture, generated from libseccomp's
//! `src/syscalls.csv` by `scripts/gen_syscalls.py` into `syscalls_table.rs` (never typed by hand).

use super::arch::Arch;
use super::syscalls_table::{COLUMNS, ROWS};
use serde::{Deserialize, Serialize};
use std::fmt;

pub use super::syscalls_table::TABLE_KERNEL;

/// A kernel version as `X.Y` (what Docker's `minKernel` and libseccomp's `SCMP_KV_X_Y` hold).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct KernelVersion {
    pub major: u8,
    pub minor: u8,
}

impl KernelVersion {
    pub const fn new(major: u8, minor: u8) -> KernelVersion {
        KernelVersion { major, minor }
    }

    /// Reads `X.Y`, or a release such as `6.8.0-45-generic` or `5.15.153.1-microsoft-standard`
    /// the way Docker does (`fmt.Sscanf(release, "%d.%d")`: only the first two numbers count).
    ///
    /// # Errors
    /// A sentence naming the text when it does not start with two numbers below 256 joined by `.`.
    ///
    /// ```
    /// use tarsier::core::seccomp::KernelVersion;
    /// assert_eq!(KernelVersion::parse_release("6.8.0-45-generic"), Ok(KernelVersion::new(6, 8)));
    /// assert!(KernelVersion::parse_release("six").is_err());
    /// ```
    pub fn parse_release(text: &str) -> Result<KernelVersion, String> {
        let t = text.trim();
        let bad = || format!("{t:?} is not a kernel version: expected MAJOR.MINOR such as 6.8 (or a release such as 6.8.0-45-generic).");
        let (major, rest) = t.split_once('.').ok_or_else(bad)?;
        let minor: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let major = major.parse::<u8>().map_err(|_| bad())?;
        let minor = minor.parse::<u8>().map_err(|_| bad())?;
        Ok(KernelVersion { major, minor })
    }
}

impl fmt::Display for KernelVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// One row of the generated table.
#[derive(Debug, Clone, Copy)]
pub struct SyscallRow {
    pub name: &'static str,
    /// The table's number per column of [`COLUMNS`] (`None`: the architecture lacks the call).
    pub numbers: [Option<u32>; 18],
    /// The kernel version that added the call per column (`None`: the table does not say).
    pub added: [Option<KernelVersion>; 18],
}

/// A system call of one architecture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Syscall {
    pub name: &'static str,
    /// The number the kernel sees (`scmp_sys_resolver -a ARCH NAME`).
    pub number: u32,
    /// The kernel that added it on this architecture, when the table records it.
    pub added: Option<KernelVersion>,
}

fn column_index(arch: Arch) -> Option<usize> {
    COLUMNS.iter().position(|c| *c == arch.column())
}

/// Every system call `arch` has, in the table's (alphabetical) order.
///
/// ```
/// use tarsier::core::seccomp::{syscalls, Arch};
/// let calls = syscalls::of_arch(Arch::X86_64);
/// assert!(calls.iter().any(|c| c.name == "clone3" && c.number == 435));
/// assert!(!syscalls::of_arch(Arch::Aarch64).iter().any(|c| c.name == "arch_prctl"));
/// ```
pub fn of_arch(arch: Arch) -> Vec<Syscall> {
    let Some(col) = column_index(arch) else { return Vec::new() };
    ROWS.iter()
        .filter_map(|row| {
            let nr = row.numbers.get(col).copied().flatten()?;
            Some(Syscall { name: row.name, number: arch.number(nr)?, added: row.added.get(col).copied().flatten() })
        })
        .collect()
}

/// One call of `arch` by name; `None` if the architecture does not have it (or no table names it).
pub fn lookup(arch: Arch, name: &str) -> Option<Syscall> {
    let col = column_index(arch)?;
    let row = ROWS.iter().find(|r| r.name == name)?;
    let nr = row.numbers.get(col).copied().flatten()?;
    Some(Syscall { name: row.name, number: arch.number(nr)?, added: row.added.get(col).copied().flatten() })
}

/// Whether any architecture in the table has a call of this name.
pub fn is_known(name: &str) -> bool {
    ROWS.iter().any(|r| r.name == name)
}

/// The generated table's rows, for tests and tools that compare it with its source.
pub fn rows() -> &'static [SyscallRow] {
    &ROWS
}

/// The generated table's column names.
pub fn columns() -> &'static [&'static str] {
    &COLUMNS
}
