//! A capability set graded against the Kubernetes
//! [Pod Security Standards](https://kubernetes.io/docs/concepts/security/pod-security-standards/),
//! and whether it is "privileged" on any kernel.
//!
//! - **Baseline** allows adding only `AUDIT_WRITE`, `CHOWN`, `DAC_OVERRIDE`, `FOWNER`, `FSETID`,
//!   `KILL`, `MKNOD`, `NET_BIND_SERVICE`, `SETFCAP`, `SETGID`, `SETPCAP`, `SETUID`,
//!   `SYS_CHROOT` (Docker's default set minus `NET_RAW`).
//! - **Restricted** requires dropping `ALL` and allows adding back only `NET_BIND_SERVICE`.
//!
//! The standards check a pod's `capabilities.add`; here a set a container holds (its `CapBnd`,
//! `CapEff`, …) is graded as if it had been built by dropping all and adding what it holds.
//!
//! **Privileged** here means the set holds every capability the kernel knows. Kernels know
//! different numbers of them (38 up to Linux 5.8, 40 in 5.8, 41 since 5.9: `CAP_LAST_CAP` + 1),
//! so the test is "bits 0..N-1 all set and nothing above, for some N ≥ 38", never one fixed mask.

use crate::core::caps::{self, CapSet};
use serde::{Deserialize, Serialize};

/// Capabilities Baseline allows adding (names without `CAP_`, as the standard writes them).
pub const BASELINE_ALLOWED: [&str; 13] = [
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID",
    "SYS_CHROOT",
];

/// Capabilities Restricted allows adding back after dropping all.
pub const RESTRICTED_ALLOWED: [&str; 1] = ["NET_BIND_SERVICE"];

/// The fewest capabilities a kernel with capabilities in the bounding set knows that this test
/// accepts as "all of them" (Linux 3.16..5.8 know 38: up to `CAP_AUDIT_READ`).
pub const MIN_KERNEL_CAPS: u32 = 38;

fn mask_of(names: &[&str]) -> CapSet {
    names.iter().filter_map(|n| caps::by_name(n)).fold(CapSet::EMPTY, |set, c| set.with(c.bit))
}

/// A level's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelGrade {
    pub level: String,
    pub passes: bool,
    /// The capabilities that break the level, in `capsh` names (unknown bits by number).
    pub breaking: Vec<String>,
}

/// A set graded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PodSecurityGrade {
    pub set: CapSet,
    pub baseline: LevelGrade,
    pub restricted: LevelGrade,
    /// Holds every capability of a kernel that knows this many (`None`: not privileged).
    pub privileged_width: Option<u32>,
    /// One sentence.
    pub summary: String,
}

/// The number of capabilities if `set` is exactly bits `0..N-1` for some `N ≥ 38`.
///
/// ```
/// use tarsier::core::{caps::CapSet, pod_security::privileged_width};
/// assert_eq!(privileged_width(CapSet(0x3fffffffff)), Some(38));
/// assert_eq!(privileged_width(CapSet(0x1ffffffffff)), Some(41));
/// assert_eq!(privileged_width(CapSet(0x1fffeffffff)), None); // cap_sys_resource missing
/// assert_eq!(privileged_width(CapSet(0xa80425fb)), None);
/// ```
pub fn privileged_width(set: CapSet) -> Option<u32> {
    let n = set.0.count_ones();
    let full = if n == 64 { u64::MAX } else { (1u64 << n) - 1 };
    (n >= MIN_KERNEL_CAPS && set.0 == full).then_some(n)
}

/// Grades `set` against Baseline and Restricted, and tells whether it is privileged.
///
/// ```
/// use tarsier::core::{caps::DOCKER_DEFAULT, pod_security::grade};
/// let g = grade(DOCKER_DEFAULT);
/// assert_eq!(g.baseline.breaking, ["cap_net_raw"]);
/// assert!(!g.restricted.passes);
/// ```
pub fn grade(set: CapSet) -> PodSecurityGrade {
    let baseline_breaking = set.minus(mask_of(&BASELINE_ALLOWED)).names();
    let restricted_breaking = set.minus(mask_of(&RESTRICTED_ALLOWED)).names();
    let privileged_width = privileged_width(set);
    let summary = if let Some(n) = privileged_width {
        format!("Privileged: the set holds all {n} capabilities of a kernel that knows {n}; it breaks Baseline and Restricted.")
    } else if restricted_breaking.is_empty() {
        "Meets Restricted (and so Baseline): at most cap_net_bind_service.".to_owned()
    } else if baseline_breaking.is_empty() {
        format!("Meets Baseline but not Restricted, which allows only cap_net_bind_service; it breaks Restricted with {}.", restricted_breaking.join(", "))
    } else {
        format!("Breaks Baseline with {}.", baseline_breaking.join(", "))
    };
    PodSecurityGrade {
        set,
        baseline: LevelGrade { level: "Baseline".to_owned(), passes: baseline_breaking.is_empty(), breaking: baseline_breaking },
        restricted: LevelGrade { level: "Restricted".to_owned(), passes: restricted_breaking.is_empty(), breaking: restricted_breaking },
        privileged_width,
        summary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_name_real_capabilities() {
        assert_eq!(mask_of(&BASELINE_ALLOWED).len(), 13);
        assert_eq!(caps::DOCKER_DEFAULT.minus(mask_of(&BASELINE_ALLOWED)).names(), ["cap_net_raw"]);
        assert_eq!(mask_of(&RESTRICTED_ALLOWED), CapSet(1 << 10));
    }

    #[test]
    fn grades() {
        assert!(grade(CapSet::EMPTY).restricted.passes);
        assert!(grade(CapSet(1 << 10)).restricted.passes);
        let b = grade(caps::DOCKER_DEFAULT.without(13));
        assert!(b.baseline.passes && !b.restricted.passes);
        let admin = grade(caps::DOCKER_DEFAULT.with(21));
        assert_eq!(admin.baseline.breaking, ["cap_net_raw", "cap_sys_admin"]);
        for width in [38u32, 40, 41, 63, 64] {
            let set = CapSet(if width == 64 { u64::MAX } else { (1u64 << width) - 1 });
            assert_eq!(grade(set).privileged_width, Some(width));
        }
        assert_eq!(privileged_width(CapSet((1 << 37) - 1)), None);
        assert_eq!(privileged_width(CapSet(((1 << 41) - 1) | (1 << 50))), None);
    }
}
