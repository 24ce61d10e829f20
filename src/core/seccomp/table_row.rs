//! The row type of the generated system call table (`syscalls_table.rs`) and the kernel
//! version it holds: a leaf, so the generated table and [`syscalls`](super::syscalls), which
//! reads it, do not import each other.

use serde::{Deserialize, Serialize};
use std::fmt;

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
    /// The table's number per column of [`COLUMNS`](super::syscalls_table::COLUMNS) (`None`: the architecture lacks the call).
    pub numbers: [Option<u32>; 18],
    /// The kernel version that added the call per column (`None`: the table does not say).
    pub added: [Option<KernelVersion>; 18],
}
