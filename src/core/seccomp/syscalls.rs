//! The system call table: names and numbers per architecture, generated from libseccomp's
//! `src/syscalls.csv` by `scripts/gen_syscalls.py` into `syscalls_table.rs` (never typed by hand).

use super::arch::Arch;
use serde::Serialize;
use super::syscalls_table::{COLUMNS, ROWS};

pub use super::syscalls_table::TABLE_KERNEL;
pub use super::table_row::{KernelVersion, SyscallRow};

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
