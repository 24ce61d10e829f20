//! Argument conditions in words: `clone` allowed unless its flags include `CLONE_NEWNS|…`,
//! `personality(0x0|0x8|…)`, `socket` except `AF_VSOCK`.
//!
//! Flag and constant names are those of the kernel's UAPI headers: `CLONE_*` from
//! `include/uapi/linux/sched.h`, `AF_*` from `include/linux/socket.h`, personalities from
//! `include/uapi/linux/personality.h`.

use super::arch::Arch;
use super::profile::{ArgCondition, CmpOp};

const CLONE_FLAGS: &[(u64, &str)] = &[
    (0x0000_0100, "CLONE_VM"),
    (0x0000_0200, "CLONE_FS"),
    (0x0000_0400, "CLONE_FILES"),
    (0x0000_0800, "CLONE_SIGHAND"),
    (0x0000_1000, "CLONE_PIDFD"),
    (0x0000_2000, "CLONE_PTRACE"),
    (0x0000_4000, "CLONE_VFORK"),
    (0x0000_8000, "CLONE_PARENT"),
    (0x0001_0000, "CLONE_THREAD"),
    (0x0002_0000, "CLONE_NEWNS"),
    (0x0004_0000, "CLONE_SYSVSEM"),
    (0x0008_0000, "CLONE_SETTLS"),
    (0x0010_0000, "CLONE_PARENT_SETTID"),
    (0x0020_0000, "CLONE_CHILD_CLEARTID"),
    (0x0040_0000, "CLONE_DETACHED"),
    (0x0080_0000, "CLONE_UNTRACED"),
    (0x0100_0000, "CLONE_CHILD_SETTID"),
    (0x0200_0000, "CLONE_NEWCGROUP"),
    (0x0400_0000, "CLONE_NEWUTS"),
    (0x0800_0000, "CLONE_NEWIPC"),
    (0x1000_0000, "CLONE_NEWUSER"),
    (0x2000_0000, "CLONE_NEWPID"),
    (0x4000_0000, "CLONE_NEWNET"),
    (0x8000_0000, "CLONE_IO"),
];

const ADDRESS_FAMILIES: &[&str] = &[
    "AF_UNSPEC", "AF_UNIX", "AF_INET", "AF_AX25", "AF_IPX", "AF_APPLETALK", "AF_NETROM", "AF_BRIDGE", "AF_ATMPVC", "AF_X25", "AF_INET6",
    "AF_ROSE", "AF_DECnet", "AF_NETBEUI", "AF_SECURITY", "AF_KEY", "AF_NETLINK", "AF_PACKET", "AF_ASH", "AF_ECONET", "AF_ATMSVC", "AF_RDS",
    "AF_SNA", "AF_IRDA", "AF_PPPOX", "AF_WANPIPE", "AF_LLC", "AF_IB", "AF_MPLS", "AF_CAN", "AF_TIPC", "AF_BLUETOOTH", "AF_IUCV", "AF_RXRPC",
    "AF_ISDN", "AF_PHONET", "AF_IEEE802154", "AF_CAIF", "AF_ALG", "AF_NFC", "AF_VSOCK", "AF_KCM", "AF_QIPCRTR", "AF_SMC", "AF_XDP", "AF_MCTP",
];

const PERSONALITIES: &[(u64, &str)] = &[
    (0x0, "PER_LINUX"),
    (0x8, "PER_LINUX32"),
    (0x2_0000, "UNAME26"),
    (0x2_0008, "UNAME26|PER_LINUX32"),
    (0xffff_ffff, "query the current personality"),
];

/// The argument's name in the call's prototype, or `argN`.
pub fn arg_name(syscall: &str, arch: Arch, index: u8) -> String {
    let s390 = matches!(arch, Arch::S390 | Arch::S390x);
    match (syscall, index) {
        // s390 passes clone's stack first and its flags second.
        ("clone", 0) if !s390 => "flags".to_owned(),
        ("clone", 1) if s390 => "flags".to_owned(),
        ("unshare", 0) => "flags".to_owned(),
        ("socket", 0) | ("socketpair", 0) => "domain".to_owned(),
        ("socket", 1) | ("socketpair", 1) => "type".to_owned(),
        ("socket", 2) | ("socketpair", 2) => "protocol".to_owned(),
        ("personality", 0) => "persona".to_owned(),
        _ => format!("arg{index}"),
    }
}

fn is_flags(syscall: &str, arch: Arch, index: u8) -> bool {
    arg_name(syscall, arch, index) == "flags"
}

/// A value as the argument names it: `AF_VSOCK (40)`, `0x20000 (UNAME26)`, or the number (in
/// decimal below 4096, in hex from there: masks and addresses read better in hex).
pub fn value_text(syscall: &str, arch: Arch, index: u8, value: u64) -> String {
    let name = arg_name(syscall, arch, index);
    if name == "domain" {
        if let Some(af) = usize::try_from(value).ok().and_then(|v| ADDRESS_FAMILIES.get(v)) {
            return format!("{af} ({value})");
        }
    }
    if name == "persona" {
        return match PERSONALITIES.iter().find(|(v, _)| *v == value) {
            Some((_, n)) => format!("{value:#x} ({n})"),
            None => format!("{value:#x}"),
        };
    }
    if name == "flags" {
        return flags_text(value);
    }
    if value < 4096 {
        value.to_string()
    } else {
        format!("{value:#x}")
    }
}

/// A flag mask as `CLONE_NEWNS|CLONE_NEWUTS` (bits with no name as hex).
pub fn flags_text(mask: u64) -> String {
    if mask == 0 {
        return "0".to_owned();
    }
    let mut parts = Vec::new();
    let mut rest = mask;
    for (bit, name) in CLONE_FLAGS {
        if mask & bit != 0 {
            parts.push((*name).to_owned());
            rest &= !bit;
        }
    }
    if rest != 0 {
        parts.push(format!("{rest:#x}"));
    }
    parts.join("|")
}

/// One condition in words: `domain == AF_NETLINK (16)`, `flags include none of CLONE_NEWNS|…`.
pub fn condition_text(syscall: &str, arch: Arch, c: &ArgCondition) -> String {
    let arg = arg_name(syscall, arch, c.index);
    if c.op == CmpOp::MaskedEq {
        let mask = if is_flags(syscall, arch, c.index) { flags_text(c.value) } else { format!("{:#x}", c.value) };
        if c.value_two == 0 {
            return format!("{arg} include none of {mask}");
        }
        if c.value_two == c.value {
            return format!("{arg} include all of {mask}");
        }
        return format!("{arg} & {mask} == {:#x}", c.value_two);
    }
    format!("{arg} {} {}", c.op.symbol(), value_text(syscall, arch, c.index, c.value))
}

/// Conditions of one rule joined: all must hold, or (when runc splits conditions on the same
/// argument into separate rules) any one.
pub fn conditions_text(syscall: &str, arch: Arch, conds: &[ArgCondition], any: bool) -> String {
    let parts: Vec<String> = conds.iter().map(|c| condition_text(syscall, arch, c)).collect();
    parts.join(if any { " or " } else { " and " })
}

/// Inclusive ranges of argument values.
type Ranges = Vec<(u64, u64)>;

fn range_of(c: &ArgCondition) -> Option<Ranges> {
    let v = c.value;
    Some(match c.op {
        CmpOp::Eq => vec![(v, v)],
        CmpOp::Ne => {
            let mut r = Vec::new();
            if v > 0 {
                r.push((0, v - 1));
            }
            if v < u64::MAX {
                r.push((v + 1, u64::MAX));
            }
            r
        }
        CmpOp::Lt => v.checked_sub(1).map(|hi| vec![(0, hi)]).unwrap_or_default(),
        CmpOp::Le => vec![(0, v)],
        CmpOp::Gt => v.checked_add(1).map(|lo| vec![(lo, u64::MAX)]).unwrap_or_default(),
        CmpOp::Ge => vec![(v, u64::MAX)],
        CmpOp::MaskedEq => return None,
    })
}

fn merge(mut r: Ranges) -> Ranges {
    r.sort_unstable();
    let mut out: Ranges = Vec::new();
    for (lo, hi) in r {
        match out.last_mut() {
            Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

fn complement(r: &Ranges) -> Ranges {
    let mut out = Vec::new();
    let mut next = 0u64;
    let mut done = false;
    for &(lo, hi) in r {
        if lo > next {
            out.push((next, lo - 1));
        }
        if hi == u64::MAX {
            done = true;
            break;
        }
        next = hi + 1;
    }
    if !done {
        out.push((next, u64::MAX));
    }
    out
}

/// The number of values in ranges, if at most `limit`.
fn points(r: &Ranges, limit: u64) -> Option<Vec<u64>> {
    let mut out = Vec::new();
    for &(lo, hi) in r {
        if hi - lo >= limit {
            return None;
        }
        for v in lo..=hi {
            out.push(v);
            if out.len() as u64 > limit {
                return None;
            }
        }
    }
    Some(out)
}

/// The values for which a set of single-condition rules on one argument match, when that is
/// a simple set: `Some((index, ranges))`.
pub fn value_set(conds: &[&ArgCondition]) -> Option<(u8, Ranges)> {
    let first = conds.first()?;
    let mut all = Vec::new();
    for c in conds {
        if c.index != first.index {
            return None;
        }
        all.extend(range_of(c)?);
    }
    Some((first.index, merge(all)))
}

/// The wording of a conditional verdict whose branches all share one outcome word (`allowed`),
/// against the outcome otherwise (`fails with EPERM`): `Some(text)` when it can be said simply.
pub fn simple_text(syscall: &str, arch: Arch, branches: &[&[ArgCondition]], then: &str, otherwise: &str) -> Option<String> {
    // One rule, one masked test against zero: clone's namespace flags.
    if let [[c]] = branches {
        if c.op == CmpOp::MaskedEq && c.value_two == 0 {
            let arg = arg_name(syscall, arch, c.index);
            let mask = if is_flags(syscall, arch, c.index) { flags_text(c.value) } else { format!("{:#x}", c.value) };
            return Some(format!("{then} unless {arg} include any of {mask}; then it {otherwise}"));
        }
    }
    let singles: Option<Vec<&ArgCondition>> = branches.iter().map(|b| if let [c] = b { Some(c) } else { None }).collect();
    let (index, set) = value_set(&singles?)?;
    let arg = arg_name(syscall, arch, index);
    if let Some(excluded) = points(&complement(&set), 8) {
        if excluded.is_empty() {
            return Some(format!("{then} for every {arg}"));
        }
        let list: Vec<String> = excluded.iter().map(|v| value_text(syscall, arch, index, *v)).collect();
        return Some(format!("{then} unless {arg} is {}; then it {otherwise}", list.join(" or ")));
    }
    if let Some(allowed) = points(&set, 16) {
        if allowed.is_empty() {
            return Some(format!("{then} for no {arg}; it always {otherwise}"));
        }
        let hex: Vec<String> = allowed.iter().map(|v| format!("{v:#x}")).collect();
        let named: Vec<String> = allowed.iter().map(|v| value_text(syscall, arch, index, *v)).collect();
        return Some(format!(
            "{then} only as {syscall}({}): {arg} {}; otherwise it {otherwise}",
            hex.join("|"),
            named.join(", ")
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(index: u8, op: CmpOp, value: u64) -> ArgCondition {
        ArgCondition { index, value, value_two: 0, op }
    }

    #[test]
    fn socket_except_two_families() {
        let b = [c(0, CmpOp::Lt, 38), c(0, CmpOp::Eq, 39), c(0, CmpOp::Gt, 40)];
        let branches: Vec<&[ArgCondition]> = b.iter().map(std::slice::from_ref).collect();
        assert_eq!(
            simple_text("socket", Arch::X86_64, &branches, "allowed", "fails with EPERM").unwrap(),
            "allowed unless domain is AF_ALG (38) or AF_VSOCK (40); then it fails with EPERM"
        );
    }

    #[test]
    fn personality_points() {
        let b: Vec<ArgCondition> = [0u64, 8, 0x20000, 0x20008, 0xffff_ffff].iter().map(|v| c(0, CmpOp::Eq, *v)).collect();
        let branches: Vec<&[ArgCondition]> = b.iter().map(std::slice::from_ref).collect();
        let text = simple_text("personality", Arch::X86_64, &branches, "allowed", "fails with EPERM").unwrap();
        assert!(text.starts_with("allowed only as personality(0x0|0x8|0x20000|0x20008|0xffffffff): persona 0x0 (PER_LINUX), 0x8 (PER_LINUX32)"), "{text}");
    }

    #[test]
    fn clone_flags() {
        let m = ArgCondition { index: 0, value: 2_114_060_288, value_two: 0, op: CmpOp::MaskedEq };
        let text = simple_text("clone", Arch::X86_64, &[std::slice::from_ref(&m)], "allowed", "fails with EPERM").unwrap();
        assert_eq!(text, "allowed unless flags include any of CLONE_NEWNS|CLONE_NEWCGROUP|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNET; then it fails with EPERM");
        assert_eq!(arg_name("clone", Arch::S390x, 1), "flags");
    }

    #[test]
    fn range_arithmetic_at_the_edges() {
        assert_eq!(complement(&merge(vec![(0, u64::MAX)])), Vec::<(u64, u64)>::new());
        assert_eq!(complement(&merge(vec![])), vec![(0, u64::MAX)]);
        assert_eq!(range_of(&c(0, CmpOp::Lt, 0)), Some(vec![]));
        assert_eq!(range_of(&c(0, CmpOp::Gt, u64::MAX)), Some(vec![]));
        assert_eq!(range_of(&c(0, CmpOp::Ne, 0)), Some(vec![(1, u64::MAX)]));
    }
}
