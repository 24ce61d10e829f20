//! Architectures (system call ABIs) as libseccomp, the kernel, Go and Docker name them.
//!
//! libseccomp's table has one column per syscall *table* (`mips` serves both endiannesses,
//! `ppc64` both ppc64 and ppc64le, `sh` both sh and sheb); an [`Arch`] is one ABI a filter can
//! name (`SCMP_ARCH_*`, see `include/seccomp.h.in`). When libseccomp resolves a name it adds the
//! ABI's offset to the table's number: x32's `__X32_SYSCALL_BIT` (0x40000000) and the MIPS o32,
//! n64 and n32 bases (4000, 5000, 6000); [`Arch::number`] does the same, so numbers here equal
//! `scmp_sys_resolver -a ARCH NAME`.
//!
//! Docker compares a rule's `includes`/`excludes` `arches` with `goToNative[runtime.GOARCH]`
//! (moby/profiles `seccomp/seccomp_linux.go`): `amd64`, `arm64`, `x86` (for Go's `386`), `arm`,
//! `loongarch64`, `mips64`, `mipsel64`, `mips64n32`, `mips3l64n32` (sic), `mipsel`, `ppc`,
//! `ppc64`, `ppc64le`, `riscv64`, `s390`, `s390x`; [`Arch::docker_native`] gives that string.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One system call ABI a seccomp filter can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Arch {
    X86,
    #[serde(rename = "x86_64")]
    X86_64,
    X32,
    Arm,
    Aarch64,
    Loongarch64,
    M68k,
    Mips,
    Mipsel,
    Mips64,
    Mipsel64,
    Mips64n32,
    Mipsel64n32,
    Parisc,
    Parisc64,
    Ppc,
    Ppc64,
    Ppc64le,
    Riscv64,
    S390,
    S390x,
    Sh,
    Sheb,
}

/// Every ABI, in libseccomp's column order.
pub const ALL: [Arch; 23] = [
    Arch::X86,
    Arch::X86_64,
    Arch::X32,
    Arch::Arm,
    Arch::Aarch64,
    Arch::Loongarch64,
    Arch::M68k,
    Arch::Mips,
    Arch::Mipsel,
    Arch::Mips64,
    Arch::Mipsel64,
    Arch::Mips64n32,
    Arch::Mipsel64n32,
    Arch::Parisc,
    Arch::Parisc64,
    Arch::Ppc,
    Arch::Ppc64,
    Arch::Ppc64le,
    Arch::Riscv64,
    Arch::S390,
    Arch::S390x,
    Arch::Sh,
    Arch::Sheb,
];

impl Arch {
    /// libseccomp's name, as `scmp_sys_resolver -a` takes it (`x86_64`, `mipsel64n32`).
    pub fn as_str(self) -> &'static str {
        match self {
            Arch::X86 => "x86",
            Arch::X86_64 => "x86_64",
            Arch::X32 => "x32",
            Arch::Arm => "arm",
            Arch::Aarch64 => "aarch64",
            Arch::Loongarch64 => "loongarch64",
            Arch::M68k => "m68k",
            Arch::Mips => "mips",
            Arch::Mipsel => "mipsel",
            Arch::Mips64 => "mips64",
            Arch::Mipsel64 => "mipsel64",
            Arch::Mips64n32 => "mips64n32",
            Arch::Mipsel64n32 => "mipsel64n32",
            Arch::Parisc => "parisc",
            Arch::Parisc64 => "parisc64",
            Arch::Ppc => "ppc",
            Arch::Ppc64 => "ppc64",
            Arch::Ppc64le => "ppc64le",
            Arch::Riscv64 => "riscv64",
            Arch::S390 => "s390",
            Arch::S390x => "s390x",
            Arch::Sh => "sh",
            Arch::Sheb => "sheb",
        }
    }

    /// The `SCMP_ARCH_*` name profiles use in `architectures` and `archMap`.
    pub fn scmp_name(self) -> &'static str {
        match self {
            Arch::X86 => "SCMP_ARCH_X86",
            Arch::X86_64 => "SCMP_ARCH_X86_64",
            Arch::X32 => "SCMP_ARCH_X32",
            Arch::Arm => "SCMP_ARCH_ARM",
            Arch::Aarch64 => "SCMP_ARCH_AARCH64",
            Arch::Loongarch64 => "SCMP_ARCH_LOONGARCH64",
            Arch::M68k => "SCMP_ARCH_M68K",
            Arch::Mips => "SCMP_ARCH_MIPS",
            Arch::Mipsel => "SCMP_ARCH_MIPSEL",
            Arch::Mips64 => "SCMP_ARCH_MIPS64",
            Arch::Mipsel64 => "SCMP_ARCH_MIPSEL64",
            Arch::Mips64n32 => "SCMP_ARCH_MIPS64N32",
            Arch::Mipsel64n32 => "SCMP_ARCH_MIPSEL64N32",
            Arch::Parisc => "SCMP_ARCH_PARISC",
            Arch::Parisc64 => "SCMP_ARCH_PARISC64",
            Arch::Ppc => "SCMP_ARCH_PPC",
            Arch::Ppc64 => "SCMP_ARCH_PPC64",
            Arch::Ppc64le => "SCMP_ARCH_PPC64LE",
            Arch::Riscv64 => "SCMP_ARCH_RISCV64",
            Arch::S390 => "SCMP_ARCH_S390",
            Arch::S390x => "SCMP_ARCH_S390X",
            Arch::Sh => "SCMP_ARCH_SH",
            Arch::Sheb => "SCMP_ARCH_SHEB",
        }
    }

    /// The column of libseccomp's table this ABI's numbers are in.
    pub fn column(self) -> &'static str {
        match self {
            Arch::Mipsel => "mips",
            Arch::Mipsel64 => "mips64",
            Arch::Mipsel64n32 => "mips64n32",
            Arch::Ppc64le => "ppc64",
            Arch::Sheb => "sh",
            other => other.as_str(),
        }
    }

    /// What libseccomp adds to the table's number to get the number the kernel sees.
    pub fn offset(self) -> u32 {
        match self {
            Arch::X32 => 0x4000_0000,
            Arch::Mips | Arch::Mipsel => 4000,
            Arch::Mips64 | Arch::Mipsel64 => 5000,
            Arch::Mips64n32 | Arch::Mipsel64n32 => 6000,
            _ => 0,
        }
    }

    /// The number the kernel sees for a table number (`None` if it would overflow, which no
    /// real table does).
    pub fn number(self, table_number: u32) -> Option<u32> {
        table_number.checked_add(self.offset())
    }

    /// Docker's name for a host of this ABI (`goToNative[runtime.GOARCH]` in moby/profiles
    /// `seccomp/seccomp_linux.go`), which `includes.arches` / `excludes.arches` are compared
    /// with. `None` where no Go architecture maps to the ABI (x32, big-endian 32-bit MIPS, m68k,
    /// PA-RISC, SuperH): Docker's string is then empty and no `arches` list matches it.
    pub fn docker_native(self) -> Option<&'static str> {
        Some(match self {
            Arch::X86 => "x86",
            Arch::X86_64 => "amd64",
            Arch::Arm => "arm",
            Arch::Aarch64 => "arm64",
            Arch::Loongarch64 => "loongarch64",
            Arch::Mips64 => "mips64",
            Arch::Mips64n32 => "mips64n32",
            Arch::Mipsel64 => "mipsel64",
            Arch::Mipsel64n32 => "mips3l64n32",
            Arch::Mipsel => "mipsel",
            Arch::Ppc => "ppc",
            Arch::Ppc64 => "ppc64",
            Arch::Ppc64le => "ppc64le",
            Arch::Riscv64 => "riscv64",
            Arch::S390 => "s390",
            Arch::S390x => "s390x",
            Arch::X32 | Arch::Mips | Arch::M68k | Arch::Parisc | Arch::Parisc64 | Arch::Sh | Arch::Sheb => return None,
        })
    }

    /// Whether Docker finds this host's `archMap` entry: it looks the native string up in its
    /// `nativeToSeccomp` map, whose keys miss `loongarch64` (the map says `loong64`) and `mipsel`
    /// (the map says `mipsle`), so on those hosts no sub-architecture is ever added.
    pub fn docker_finds_arch_map(self) -> bool {
        self.docker_native().is_some() && !matches!(self, Arch::Loongarch64 | Arch::Mipsel)
    }

    /// The host a process of this ABI most likely runs on: itself, except for ABIs Docker
    /// cannot run natively (x32 runs on x86_64, n32 on its 64-bit MIPS).
    pub fn default_host(self) -> Arch {
        match self {
            Arch::X32 => Arch::X86_64,
            Arch::Mips64n32 => Arch::Mips64,
            Arch::Mipsel64n32 => Arch::Mipsel64,
            other => other,
        }
    }

    /// Whether the ABI uses the kernel's generic errno numbering (`asm-generic/errno.h`).
    /// MIPS and PA-RISC number errors above 34 differently.
    pub fn generic_errno(self) -> bool {
        !matches!(
            self,
            Arch::Mips | Arch::Mipsel | Arch::Mips64 | Arch::Mipsel64 | Arch::Mips64n32 | Arch::Mipsel64n32 | Arch::Parisc | Arch::Parisc64
        )
    }

    /// Reads an architecture as users and tools write it: libseccomp's name (`x86_64`), the
    /// `SCMP_ARCH_*` name, Go's `GOARCH` (`amd64`, `arm64`, `386`, `mips64le`, `loong64`), the
    /// kernel's `uname -m` (`aarch64`, `i686`, `armv7l`, `ppc64le`) or Docker's native string
    /// (`mips3l64n32`). Case-insensitive.
    ///
    /// # Errors
    /// [`UnknownArch`] naming the text and the accepted spellings.
    ///
    /// ```
    /// use tarsier::core::seccomp::Arch;
    /// assert_eq!(Arch::parse("amd64"), Ok(Arch::X86_64));
    /// assert_eq!(Arch::parse("SCMP_ARCH_AARCH64"), Ok(Arch::Aarch64));
    /// assert_eq!(Arch::parse("i686"), Ok(Arch::X86));
    /// assert!(Arch::parse("vax").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Arch, UnknownArch> {
        let t = text.trim().to_ascii_lowercase();
        let t = t.strip_prefix("scmp_arch_").unwrap_or(&t);
        if let Some(a) = ALL.iter().find(|a| a.as_str() == t) {
            return Ok(*a);
        }
        Ok(match t {
            "amd64" => Arch::X86_64,
            "386" | "i386" | "i486" | "i586" | "i686" => Arch::X86,
            "arm64" | "armv8" | "armv8l" => Arch::Aarch64,
            "armv5l" | "armv6l" | "armv7l" | "armhf" | "armel" => Arch::Arm,
            "loong64" => Arch::Loongarch64,
            "mipsle" => Arch::Mipsel,
            "mips64le" => Arch::Mipsel64,
            "mips64p32" => Arch::Mips64n32,
            "mips64p32le" | "mips3l64n32" => Arch::Mipsel64n32,
            "powerpc" => Arch::Ppc,
            "powerpc64" => Arch::Ppc64,
            "powerpc64le" => Arch::Ppc64le,
            "hppa" => Arch::Parisc,
            "hppa64" => Arch::Parisc64,
            "sh4" => Arch::Sh,
            _ => return Err(UnknownArch(text.trim().to_owned())),
        })
    }
}

impl fmt::Display for Arch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An architecture name none of the tables knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownArch(pub String);

impl fmt::Display for UnknownArch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not an architecture this tool knows; use a libseccomp, kernel or Go name such as x86_64, amd64, aarch64, arm64, i386, arm, ppc64le, s390x, riscv64 or mips64le.",
            self.0
        )
    }
}

impl std::error::Error for UnknownArch {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for a in ALL {
            assert_eq!(Arch::parse(a.as_str()), Ok(a));
            assert_eq!(Arch::parse(a.scmp_name()), Ok(a));
            if let Some(native) = a.docker_native() {
                assert_eq!(Arch::parse(native), Ok(a), "{native}");
            }
        }
        for (go, a) in [("amd64", Arch::X86_64), ("arm64", Arch::Aarch64), ("386", Arch::X86), ("arm", Arch::Arm), ("ppc64le", Arch::Ppc64le), ("s390x", Arch::S390x), ("riscv64", Arch::Riscv64), ("mips64le", Arch::Mipsel64), ("loong64", Arch::Loongarch64), ("mips64p32", Arch::Mips64n32), ("mips64p32le", Arch::Mipsel64n32)] {
            assert_eq!(Arch::parse(go), Ok(a), "{go}");
        }
        assert!(Arch::parse("pdp11").unwrap_err().to_string().contains("\"pdp11\""));
    }

    #[test]
    fn every_table_column_has_an_abi() {
        for column in super::super::syscalls_table::COLUMNS {
            assert!(ALL.iter().any(|a| a.column() == column), "{column}");
        }
        for a in ALL {
            assert!(super::super::syscalls_table::COLUMNS.contains(&a.column()), "{a}");
        }
    }
}
