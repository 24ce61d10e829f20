//! Extended attributes carried in PAX headers, and the one that matters most:
//! `security.capability`, the kernel's `vfs_cap_data` (revisions 1, 2 and 3, little-endian).
//!
//! Layout: `include/uapi/linux/capability.h` (`struct vfs_cap_data`, `vfs_ns_cap_data`);
//! text form as libcap's `cap_to_text` / `getcap` prints it, e.g. `cap_net_raw=ep`. See
//! [capabilities(7)](https://man7.org/linux/man-pages/man7/capabilities.7.html), "File capabilities".

use crate::core::caps::bit_name;
use serde::{Deserialize, Serialize};

/// `VFS_CAP_REVISION_MASK`.
const REVISION_MASK: u32 = 0xFF00_0000;
/// `VFS_CAP_FLAGS_EFFECTIVE`.
const FLAGS_EFFECTIVE: u32 = 0x0000_0001;
const REV1: u32 = 0x0100_0000;
const REV2: u32 = 0x0200_0000;
const REV3: u32 = 0x0300_0000;

/// A decoded `security.capability` value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileCaps {
    /// `vfs_cap_data` revision (1, 2 or 3).
    pub revision: u8,
    /// The effective flag: permitted caps are raised at exec.
    pub effective: bool,
    /// Permitted set (64-bit mask).
    pub permitted: u64,
    /// Inheritable set (64-bit mask).
    pub inheritable: u64,
    /// Revision 3 only: the namespace root uid the caps apply to.
    pub rootid: Option<u32>,
    /// `getcap`-style text, e.g. `cap_net_bind_service,cap_sys_admin=eip`.
    pub text: String,
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 4)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// Decodes a raw `security.capability` value; `None` if it is not a valid `vfs_cap_data`.
pub fn decode_file_caps(raw: &[u8]) -> Option<FileCaps> {
    let magic = le32(raw, 0)?;
    let (revision, words, rootid) = match (magic & REVISION_MASK, raw.len()) {
        (REV1, 12) => (1u8, 1usize, None),
        (REV2, 20) => (2, 2, None),
        (REV3, 24) => (3, 2, le32(raw, 20)),
        _ => return None,
    };
    let mut permitted = 0u64;
    let mut inheritable = 0u64;
    for i in 0..words {
        let p = u64::from(le32(raw, 4 + i * 8)?);
        let inh = u64::from(le32(raw, 8 + i * 8)?);
        permitted |= p << (32 * i);
        inheritable |= inh << (32 * i);
    }
    let effective = magic & FLAGS_EFFECTIVE != 0;
    let text = caps_text(permitted, inheritable, effective);
    Some(FileCaps {
        revision,
        effective,
        permitted,
        inheritable,
        rootid,
        text,
    })
}

/// Text as libcap prints file capabilities: caps grouped by identical flags, `=` then the
/// flags in `eip` order; groups with more flags first.
pub fn caps_text(permitted: u64, inheritable: u64, effective: bool) -> String {
    // flags: e=1, i=2, p=4 (libcap's LIBCAP_EFF/INH/PER)
    let mut groups: Vec<String> = Vec::new();
    for combo in (1u8..=7).rev() {
        let mut names = Vec::new();
        for bit in 0u8..64 {
            let p = permitted >> bit & 1 == 1;
            let i = inheritable >> bit & 1 == 1;
            let e = effective && (p || i);
            let f = u8::from(e) | u8::from(i) << 1 | u8::from(p) << 2;
            if f == combo {
                names.push(bit_name(bit));
            }
        }
        if !names.is_empty() {
            let mut flags = String::new();
            if combo & 1 != 0 {
                flags.push('e');
            }
            if combo & 2 != 0 {
                flags.push('i');
            }
            if combo & 4 != 0 {
                flags.push('p');
            }
            groups.push(format!("{}={flags}", names.join(",")));
        }
    }
    groups.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rev2_net_raw_ep() {
        // CAP_NET_RAW = 13
        let mut raw = vec![];
        raw.extend_from_slice(&(REV2 | 1).to_le_bytes());
        raw.extend_from_slice(&(1u32 << 13).to_le_bytes());
        raw.extend_from_slice(&0u32.to_le_bytes());
        raw.extend_from_slice(&0u32.to_le_bytes());
        raw.extend_from_slice(&0u32.to_le_bytes());
        let c = decode_file_caps(&raw).unwrap();
        assert_eq!(c.text, "cap_net_raw=ep");
        assert_eq!(c.revision, 2);
    }

    #[test]
    fn rev1_and_rev3_and_garbage() {
        let mut raw = vec![];
        raw.extend_from_slice(&REV1.to_le_bytes());
        raw.extend_from_slice(&1u32.to_le_bytes());
        raw.extend_from_slice(&1u32.to_le_bytes());
        assert_eq!(decode_file_caps(&raw).unwrap().text, "cap_chown=ip");
        let mut raw3 = vec![];
        raw3.extend_from_slice(&(REV3 | 1).to_le_bytes());
        for _ in 0..4 {
            raw3.extend_from_slice(&0u32.to_le_bytes());
        }
        raw3.extend_from_slice(&1000u32.to_le_bytes());
        let c = decode_file_caps(&raw3).unwrap();
        assert_eq!(c.rootid, Some(1000));
        assert_eq!(c.text, "");
        assert!(decode_file_caps(&[1, 2, 3]).is_none());
        assert!(decode_file_caps(&[0u8; 20]).is_none());
    }
}
