//! Linux capabilities: the 64-bit masks that `/proc/<pid>/status` prints as `CapInh`, `CapPrm`,
//! `CapEff`, `CapBnd` and `CapAmb`, and the names `capsh --decode` gives them.
//!
//! Names and numbers are those of `include/uapi/linux/capability.h` (bits 0..=40, last
//! `CAP_CHECKPOINT_RESTORE`); meanings are condensed from
//! [capabilities(7)](https://man7.org/linux/man-pages/man7/capabilities.7.html).
//! Bits the table does not name (41..=63) are kept, and printed as bare numbers exactly as
//! libcap's `capsh --decode` prints them.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One capability the kernel knows: its bit number, `capsh` name and a one-line meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CapInfo {
    /// The bit number (`CAP_CHOWN` = 0).
    pub bit: u8,
    /// Lower-case name as `capsh` prints it (`cap_chown`).
    pub name: &'static str,
    /// A one-line meaning, from capabilities(7).
    pub meaning: &'static str,
    /// Whether holding it is commonly treated as equivalent to root on the host or close to it.
    pub dangerous: bool,
}

macro_rules! caps_table {
    ($( $bit:literal $name:literal $danger:literal $meaning:literal ;)*) => {
        /// Every capability the kernel names, indexed by bit number.
        pub const CAPABILITIES: &[CapInfo] = &[
            $( CapInfo { bit: $bit, name: $name, meaning: $meaning, dangerous: $danger }, )*
        ];
    };
}

caps_table! {
    0 "cap_chown" false "Make arbitrary changes to file UIDs and GIDs.";
    1 "cap_dac_override" false "Bypass file read, write and execute permission checks.";
    2 "cap_dac_read_search" true "Bypass file read and directory search checks; open files by handle (open_by_handle_at).";
    3 "cap_fowner" false "Bypass checks that require the file's owner (chmod, utime, ACLs) on any file.";
    4 "cap_fsetid" false "Keep set-user-ID and set-group-ID bits when a file is modified; set the set-group-ID bit for any group.";
    5 "cap_kill" false "Send signals to any process, bypassing permission checks.";
    6 "cap_setgid" false "Make arbitrary manipulations of process GIDs and supplementary groups.";
    7 "cap_setuid" false "Make arbitrary manipulations of process UIDs.";
    8 "cap_setpcap" false "Add bounding-set capabilities to the inheritable set, drop bounding capabilities, change securebits.";
    9 "cap_linux_immutable" false "Set the immutable and append-only file attributes.";
    10 "cap_net_bind_service" false "Bind a socket to a privileged port (below 1024).";
    11 "cap_net_broadcast" false "Make socket broadcasts and listen to multicasts (unused).";
    12 "cap_net_admin" true "Configure network interfaces, routing, firewall rules, promiscuous mode and more.";
    13 "cap_net_raw" false "Use RAW and PACKET sockets; bind to any address for transparent proxying.";
    14 "cap_ipc_lock" false "Lock memory (mlock, mlockall, mmap MAP_LOCKED, SHM_LOCK).";
    15 "cap_ipc_owner" false "Bypass permission checks on System V IPC objects.";
    16 "cap_sys_module" true "Load and unload kernel modules.";
    17 "cap_sys_rawio" true "Perform I/O port operations and access /dev/mem, /dev/kmem and raw devices.";
    18 "cap_sys_chroot" false "Use chroot(2) and change mount namespaces with setns(2).";
    19 "cap_sys_ptrace" true "Trace and inspect any process with ptrace(2) and process_vm_readv/writev.";
    20 "cap_sys_pacct" false "Use acct(2) to switch process accounting on or off.";
    21 "cap_sys_admin" true "A wide range of administration: mount, swapon, sethostname, bpf, namespaces and much more; close to root.";
    22 "cap_sys_boot" true "Use reboot(2) and kexec_load(2).";
    23 "cap_sys_nice" false "Raise nice values, set real-time scheduling and CPU affinity for any process.";
    24 "cap_sys_resource" false "Override resource limits, disk quotas and reserved filesystem space.";
    25 "cap_sys_time" true "Set the system clock and the real-time (hardware) clock.";
    26 "cap_sys_tty_config" false "Use vhangup(2) and privileged ioctl operations on virtual terminals.";
    27 "cap_mknod" false "Create special files with mknod(2).";
    28 "cap_lease" false "Establish leases on arbitrary files.";
    29 "cap_audit_write" false "Write records to the kernel audit log.";
    30 "cap_audit_control" true "Enable and disable kernel auditing; change audit filter rules.";
    31 "cap_setfcap" false "Set arbitrary capabilities on a file; map user ID 0 in a new user namespace.";
    32 "cap_mac_override" true "Override Mandatory Access Control (Smack).";
    33 "cap_mac_admin" true "Change Mandatory Access Control configuration or state (Smack, AppArmor policy).";
    34 "cap_syslog" true "Perform privileged syslog(2) operations and see kernel addresses.";
    35 "cap_wake_alarm" false "Trigger something that will wake up the system (CLOCK_*_ALARM timers).";
    36 "cap_block_suspend" false "Employ features that can block system suspend (EPOLLWAKEUP).";
    37 "cap_audit_read" false "Read the audit log via a multicast netlink socket.";
    38 "cap_perfmon" true "Use performance monitoring (perf_event_open) and related BPF operations.";
    39 "cap_bpf" true "Use privileged BPF operations: create maps, load programs.";
    40 "cap_checkpoint_restore" false "Checkpoint/restore operations: set next PIDs, read other processes' map files.";
}

/// The highest capability number the table names (`CAP_CHECKPOINT_RESTORE`).
pub const CAP_LAST_CAP: u8 = 40;

/// The capability set Docker (moby) grants a container by default:
/// `cap_chown, cap_dac_override, cap_fowner, cap_fsetid, cap_kill, cap_setgid, cap_setuid,
/// cap_setpcap, cap_net_bind_service, cap_net_raw, cap_sys_chroot, cap_mknod, cap_audit_write,
/// cap_setfcap` (moby `oci/caps/defaults.go`).
pub const DOCKER_DEFAULT: CapSet = CapSet(0x0000_0000_a804_25fb);

/// Looks up a capability by bit number; `None` for bits the kernel does not name.
pub fn by_bit(bit: u8) -> Option<&'static CapInfo> {
    CAPABILITIES.get(usize::from(bit))
}

/// Looks up a capability by name: `cap_net_raw`, `CAP_NET_RAW` or `net_raw` all work.
pub fn by_name(name: &str) -> Option<&'static CapInfo> {
    let lower = name.trim().to_ascii_lowercase();
    let full = if lower.starts_with("cap_") { lower } else { format!("cap_{lower}") };
    CAPABILITIES.iter().find(|c| c.name == full)
}

/// A 64-bit capability mask. Unknown bits are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(transparent)]
pub struct CapSet(pub u64);

impl CapSet {
    /// The empty set.
    pub const EMPTY: CapSet = CapSet(0);

    /// Whether `bit` is in the set (bits ≥ 64 never are).
    pub fn contains(self, bit: u8) -> bool {
        bit < 64 && self.0 & (1u64 << bit) != 0
    }

    /// The set with `bit` added (bits ≥ 64 are ignored).
    #[must_use]
    pub fn with(self, bit: u8) -> CapSet {
        if bit < 64 {
            CapSet(self.0 | (1u64 << bit))
        } else {
            self
        }
    }

    /// The set with `bit` removed.
    #[must_use]
    pub fn without(self, bit: u8) -> CapSet {
        if bit < 64 {
            CapSet(self.0 & !(1u64 << bit))
        } else {
            self
        }
    }

    /// Bit numbers in the set, lowest first (the order `capsh --decode` prints).
    pub fn bits(self) -> impl Iterator<Item = u8> {
        (0u8..64).filter(move |b| self.contains(*b))
    }

    /// Number of capabilities in the set.
    pub fn len(self) -> u32 {
        self.0.count_ones()
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Capabilities in `self` but not in `other`.
    #[must_use]
    pub fn minus(self, other: CapSet) -> CapSet {
        CapSet(self.0 & !other.0)
    }

    /// Bits above [`CAP_LAST_CAP`], which no kernel the table knows names.
    #[must_use]
    pub fn unknown(self) -> CapSet {
        CapSet(self.0 & !((1u64 << (CAP_LAST_CAP + 1)) - 1))
    }

    /// Names in `capsh --decode` order and spelling: `cap_chown`, …, and bare numbers for
    /// unknown bits.
    pub fn names(self) -> Vec<String> {
        self.bits().map(bit_name).collect()
    }

    /// The 16-hex-digit form `/proc/<pid>/status` prints (`00000000a80425fb`).
    pub fn to_proc_hex(self) -> String {
        format!("{:016x}", self.0)
    }

    /// Exactly the line `capsh --decode=HEX` prints: `0x00000000a80425fb=cap_chown,...`.
    pub fn capsh_decode(self) -> String {
        format!("0x{:016x}={}", self.0, self.names().join(","))
    }
}

impl fmt::Display for CapSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// The name of one bit as capsh prints it: the capability name, or the bare number.
pub fn bit_name(bit: u8) -> String {
    match by_bit(bit) {
        Some(info) => info.name.to_owned(),
        None => bit.to_string(),
    }
}

/// Why a capability mask could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MaskError {
    /// Nothing but white space (or a bare `0x`).
    Empty,
    /// A character that is not a hexadecimal digit.
    NotHex { text: String, offset: usize, found: char },
    /// More than 16 hexadecimal digits (after leading zeros), which no 64-bit mask has.
    TooLong { text: String, digits: usize },
}

impl fmt::Display for MaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MaskError::Empty => write!(f, "Expected a hexadecimal capability mask such as 00000000a80425fb, but got nothing."),
            MaskError::NotHex { text, offset, found } => write!(
                f,
                "{text:?} is not a hexadecimal capability mask: {found:?} at character {} is not a hex digit (expected something like 00000000a80425fb).",
                offset + 1
            ),
            MaskError::TooLong { text, digits } => write!(
                f,
                "{text:?} has {digits} significant hex digits; a capability mask has at most 16 (64 bits)."
            ),
        }
    }
}

impl std::error::Error for MaskError {}

/// Parses a mask as users write it: `00000000a80425fb`, `0xa80425fb`, `A80425FB`.
///
/// Leading zeros beyond 16 digits are accepted (they do not change the value); more than 16
/// significant digits are not.
///
/// # Errors
/// [`MaskError`] when the text is empty, has a non-hex character or needs more than 64 bits.
///
/// ```
/// use tarsier::core::caps::{parse_mask, CapSet};
/// assert_eq!(parse_mask("0xa80425fb"), Ok(CapSet(0xa80425fb)));
/// assert!(parse_mask("xyz").is_err());
/// ```
pub fn parse_mask(text: &str) -> Result<CapSet, MaskError> {
    let trimmed = text.trim();
    let digits = trimmed
        .strip_prefix("0x")
        .or_else(|| trimmed.strip_prefix("0X"))
        .unwrap_or(trimmed);
    if digits.is_empty() {
        return Err(MaskError::Empty);
    }
    let prefix_len = trimmed.len() - digits.len();
    if let Some((offset, found)) = digits.char_indices().find(|(_, c)| !c.is_ascii_hexdigit()) {
        return Err(MaskError::NotHex { text: trimmed.to_owned(), offset: prefix_len + offset, found });
    }
    let significant = digits.trim_start_matches('0');
    if significant.len() > 16 {
        return Err(MaskError::TooLong { text: trimmed.to_owned(), digits: significant.len() });
    }
    if significant.is_empty() {
        return Ok(CapSet::EMPTY);
    }
    u64::from_str_radix(significant, 16)
        .map(CapSet)
        .map_err(|_| MaskError::TooLong { text: trimmed.to_owned(), digits: significant.len() })
}

/// One decoded capability, as reports carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecodedCap {
    pub bit: u8,
    /// `cap_chown`, or the bare number for unknown bits.
    pub name: String,
    /// The capabilities(7) meaning; empty for unknown bits.
    pub meaning: String,
    /// In Docker's default set.
    pub docker_default: bool,
    /// Commonly considered dangerous.
    pub dangerous: bool,
    /// Bit the kernel table does not name.
    pub unknown: bool,
}

/// A decoded mask: the value, the `capsh` line, and each capability with its meaning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaskReport {
    /// The 16-hex-digit form.
    pub hex: String,
    pub value: CapSet,
    /// Exactly what `capsh --decode=HEX` prints.
    pub capsh: String,
    pub caps: Vec<DecodedCap>,
    /// Names in the mask but not in Docker's default set.
    pub beyond_docker_default: Vec<String>,
    /// Names in Docker's default set but missing from the mask.
    pub missing_from_docker_default: Vec<String>,
    /// Unknown bits (41..63) by number.
    pub unknown_bits: Vec<u8>,
}

impl MaskReport {
    /// Decodes `set` into names, meanings and a comparison with [`DOCKER_DEFAULT`].
    pub fn new(set: CapSet) -> MaskReport {
        let caps = set
            .bits()
            .map(|bit| {
                let info = by_bit(bit);
                DecodedCap {
                    bit,
                    name: bit_name(bit),
                    meaning: info.map(|i| i.meaning.to_owned()).unwrap_or_default(),
                    docker_default: DOCKER_DEFAULT.contains(bit),
                    dangerous: info.is_some_and(|i| i.dangerous),
                    unknown: info.is_none(),
                }
            })
            .collect();
        MaskReport {
            hex: set.to_proc_hex(),
            value: set,
            capsh: set.capsh_decode(),
            caps,
            beyond_docker_default: set.minus(DOCKER_DEFAULT).names(),
            missing_from_docker_default: DOCKER_DEFAULT.minus(set).names(),
            unknown_bits: set.unknown().bits().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_indexed_by_bit_and_round_trips() {
        assert_eq!(CAPABILITIES.len(), usize::from(CAP_LAST_CAP) + 1);
        for (i, cap) in CAPABILITIES.iter().enumerate() {
            assert_eq!(usize::from(cap.bit), i, "{} is out of place", cap.name);
            assert_eq!(by_name(cap.name).map(|c| c.bit), Some(cap.bit));
            assert_eq!(by_name(&cap.name.to_uppercase()).map(|c| c.bit), Some(cap.bit));
            assert_eq!(by_bit(cap.bit).map(|c| c.name), Some(cap.name));
        }
        assert!(by_bit(41).is_none());
        assert!(by_name("cap_nonsense").is_none());
    }

    /// Bit 63 is the last a mask holds; 64 and beyond leave the set as it was.
    #[test]
    fn with_and_contains_stop_at_bit_63() {
        assert_eq!(CapSet::EMPTY.with(63), CapSet(1 << 63));
        assert!(CapSet::EMPTY.with(63).contains(63));
        assert_eq!(DOCKER_DEFAULT.with(64), DOCKER_DEFAULT);
        assert_eq!(CapSet::EMPTY.with(255), CapSet::EMPTY);
        assert!(!CapSet(u64::MAX).contains(64));
    }

    #[test]
    fn docker_default_has_fourteen() {
        assert_eq!(DOCKER_DEFAULT.len(), 14);
        assert_eq!(DOCKER_DEFAULT.names()[0], "cap_chown");
        assert_eq!(DOCKER_DEFAULT.names()[13], "cap_setfcap");
    }

    #[test]
    fn parse_accepts_user_spellings() {
        for text in ["00000000a80425fb", "0xa80425fb", "a80425fb", " A80425FB\n", "0X00a80425fb"] {
            assert_eq!(parse_mask(text), Ok(DOCKER_DEFAULT), "{text}");
        }
        assert_eq!(parse_mask("0"), Ok(CapSet::EMPTY));
        assert_eq!(parse_mask("0000000000000000000000ff"), Ok(CapSet(0xff)));
        assert_eq!(parse_mask("ffffffffffffffff"), Ok(CapSet(u64::MAX)));
    }

    #[test]
    fn parse_rejects_garbage_with_position() {
        assert_eq!(parse_mask(""), Err(MaskError::Empty));
        assert_eq!(parse_mask("0x"), Err(MaskError::Empty));
        match parse_mask("12g4") {
            Err(MaskError::NotHex { offset, found, .. }) => assert_eq!((offset, found), (2, 'g')),
            other => panic!("{other:?}"),
        }
        assert!(matches!(parse_mask("1ffffffffffffffff"), Err(MaskError::TooLong { digits: 17, .. })));
        assert!(parse_mask("1ffffffffffffffff").err().map(|e| e.to_string()).unwrap_or_default().contains("at most 16"));
    }

    #[test]
    fn report_compares_with_docker_default() {
        let r = MaskReport::new(DOCKER_DEFAULT.with(21).without(0).with(50));
        assert_eq!(r.beyond_docker_default, vec!["cap_sys_admin", "50"]);
        assert_eq!(r.missing_from_docker_default, vec!["cap_chown"]);
        assert_eq!(r.unknown_bits, vec![50]);
        assert!(r.caps.iter().any(|c| c.name == "cap_sys_admin" && c.dangerous && !c.docker_default));
    }
}
