//! Docker's rule selection: which `syscalls[]` rules a container gets, given the host's
//! architecture and kernel and the container's bounding capability set.
//!
//! A port of `setupSeccomp` in moby/profiles `seccomp/seccomp_linux.go`: a rule is dropped when
//! any `excludes` condition holds (its `arches` lists the host, a listed capability is in the
//! bounding set, or the kernel is at least `minKernel`), and kept only when every `includes`
//! condition holds (the host is listed, every listed capability is in the bounding set, the
//! kernel is at least `minKernel`). Capabilities are compared by exact name (`CAP_SYS_ADMIN`) with
//! the names of the bounding set; kernels by major and minor only.

use super::arch::Arch;
use super::profile::{Filter, Profile};
use super::syscalls::KernelVersion;
use crate::core::caps::{self, CapSet};
use serde::{Deserialize, Serialize};

/// Where the profile is evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Context {
    /// The system call ABI of the process (whose numbers and calls are listed).
    pub arch: Arch,
    /// The architecture Docker runs on; decides `arches` and the `archMap` entry. Usually equal
    /// to `arch` (see [`Arch::default_host`]).
    pub host: Arch,
    /// The host kernel (`uname -r`, major and minor).
    pub kernel: KernelVersion,
    /// The container's bounding capability set (`CapBnd`).
    pub bounding: CapSet,
}

impl Context {
    /// Docker's defaults: x86_64, kernel 6.8, Docker's default capabilities (0xa80425fb).
    pub fn docker_default() -> Context {
        Context::new(Arch::X86_64, KernelVersion::new(6, 8), caps::DOCKER_DEFAULT)
    }

    /// A context whose host is `arch`'s usual host.
    pub fn new(arch: Arch, kernel: KernelVersion, bounding: CapSet) -> Context {
        Context { arch, host: arch.default_host(), kernel, bounding }
    }
}

/// Why Docker left a rule out (or that it kept it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RuleStatus {
    Kept,
    /// `excludes.arches` lists the host.
    ExcludedArch { arch: String },
    /// `excludes.caps` names a capability the bounding set has.
    ExcludedCap { cap: String },
    /// The kernel is at least `excludes.minKernel`.
    ExcludedKernel { min: KernelVersion },
    /// `includes.arches` does not list the host.
    ArchNotIncluded { arches: Vec<String> },
    /// `includes.caps` names capabilities the bounding set lacks.
    CapsMissing { caps: Vec<String> },
    /// The kernel is older than `includes.minKernel`.
    KernelTooOld { min: KernelVersion },
}

impl RuleStatus {
    pub fn kept(&self) -> bool {
        matches!(self, RuleStatus::Kept)
    }

    /// A phrase: "kept", "dropped: the bounding set lacks CAP_SYS_ADMIN", …
    pub fn describe(&self) -> String {
        match self {
            RuleStatus::Kept => "kept".to_owned(),
            RuleStatus::ExcludedArch { arch } => format!("dropped: excludes.arches lists this host ({arch})"),
            RuleStatus::ExcludedCap { cap } => format!("dropped: the bounding set has {cap}, which excludes.caps names"),
            RuleStatus::ExcludedKernel { min } => format!("dropped: the kernel is {min} or newer (excludes.minKernel)"),
            RuleStatus::ArchNotIncluded { arches } => format!("dropped: includes.arches ({}) does not list this host", arches.join(", ")),
            RuleStatus::CapsMissing { caps } => format!("dropped: the bounding set lacks {}", caps.join(", ")),
            RuleStatus::KernelTooOld { min } => format!("dropped: the kernel is older than {min} (includes.minKernel)"),
        }
    }
}

/// Whether the bounding set holds a capability named as Docker names them (`CAP_SYS_ADMIN`).
/// Docker builds the set's names from its own table, so other spellings never match.
pub fn has_cap(bounding: CapSet, name: &str) -> bool {
    bounding.bits().any(|bit| caps::by_bit(bit).is_some_and(|c| c.name.to_ascii_uppercase() == name))
}

fn kernel_at_least(kernel: KernelVersion, min: KernelVersion) -> bool {
    kernel >= min
}

fn host_in(list: &[String], ctx: &Context) -> bool {
    ctx.host.docker_native().is_some_and(|native| list.iter().any(|a| a == native))
}

/// Decides one rule exactly as `setupSeccomp` does, in its order (excludes arches, caps,
/// kernel; then includes arches, caps, kernel).
pub fn rule_status(includes: &Filter, excludes: &Filter, ctx: &Context) -> RuleStatus {
    if !excludes.arches.is_empty() && host_in(&excludes.arches, ctx) {
        return RuleStatus::ExcludedArch { arch: ctx.host.docker_native().unwrap_or_default().to_owned() };
    }
    if let Some(cap) = excludes.caps.iter().find(|c| has_cap(ctx.bounding, c)) {
        return RuleStatus::ExcludedCap { cap: cap.clone() };
    }
    if let Some(min) = excludes.min_kernel {
        if kernel_at_least(ctx.kernel, min) {
            return RuleStatus::ExcludedKernel { min };
        }
    }
    if !includes.arches.is_empty() && !host_in(&includes.arches, ctx) {
        return RuleStatus::ArchNotIncluded { arches: includes.arches.clone() };
    }
    let missing: Vec<String> = includes.caps.iter().filter(|c| !has_cap(ctx.bounding, c)).cloned().collect();
    if !missing.is_empty() {
        return RuleStatus::CapsMissing { caps: missing };
    }
    if let Some(min) = includes.min_kernel {
        if !kernel_at_least(ctx.kernel, min) {
            return RuleStatus::KernelTooOld { min };
        }
    }
    RuleStatus::Kept
}

/// The status of every rule of `profile`, in order.
pub fn select(profile: &Profile, ctx: &Context) -> Vec<RuleStatus> {
    profile.rules.iter().map(|r| rule_status(&r.includes, &r.excludes, ctx)).collect()
}

/// The `SCMP_ARCH_*` list Docker hands the runtime: `architectures` as written, then, when the
/// host's `archMap` entry is found, that entry's architecture and sub-architectures.
pub fn filter_architectures(profile: &Profile, ctx: &Context) -> Vec<String> {
    let mut out: Vec<String> = profile.architectures.iter().map(|a| a.raw.clone()).collect();
    if ctx.host.docker_finds_arch_map() {
        if let Some(entry) = profile.arch_map.iter().find(|m| m.architecture.raw == ctx.host.scmp_name()) {
            out.push(entry.architecture.raw.clone());
            out.extend(entry.sub_architectures.iter().map(|a| a.raw.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capability_names_match_exactly() {
        let set = caps::DOCKER_DEFAULT.with(21);
        assert!(has_cap(set, "CAP_SYS_ADMIN"));
        assert!(!has_cap(set, "SYS_ADMIN"));
        assert!(!has_cap(caps::DOCKER_DEFAULT, "CAP_SYS_ADMIN"));
        assert!(!has_cap(CapSet(u64::MAX), "CAP_NONSENSE"));
    }

    #[test]
    fn excludes_win_before_includes() {
        let ctx = Context::docker_default();
        let inc = Filter { caps: vec!["CAP_CHOWN".into()], ..Filter::default() };
        let exc = Filter { arches: vec!["amd64".into()], ..Filter::default() };
        assert_eq!(rule_status(&inc, &exc, &ctx), RuleStatus::ExcludedArch { arch: "amd64".into() });
        let exc = Filter { min_kernel: Some(KernelVersion::new(0, 0)), ..Filter::default() };
        assert!(matches!(rule_status(&inc, &exc, &ctx), RuleStatus::ExcludedKernel { .. }));
        let inc = Filter { min_kernel: Some(KernelVersion::new(6, 9)), ..Filter::default() };
        assert!(matches!(rule_status(&inc, &Filter::default(), &ctx), RuleStatus::KernelTooOld { .. }));
    }
}
