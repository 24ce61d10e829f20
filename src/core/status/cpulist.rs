//! The two ways the kernel prints a CPU or memory-node set (`lib/vsprintf.c`, `bitmap_string`
//! and `bitmap_list_string`, the `%*pb` and `%*pbl` formats):
//!
//! - a mask (`Cpus_allowed`, `Mems_allowed`): comma-separated groups of 8 hex digits, most
//!   significant group first, the last group holding bits 0..=31 (`ff,ffffffff`; the first group
//!   may be shorter, e.g. `3`);
//! - a list (`Cpus_allowed_list`, `Mems_allowed_list`): comma-separated numbers and ranges
//!   (`0-3,8,10-11`), possibly empty.
//!
//! Both become sorted, merged ranges, so a machine with thousands of CPUs never costs one
//! allocation per CPU.

use serde::{Deserialize, Serialize};

/// The most 32-bit groups a mask may have (1 048 576 CPUs; the kernel allows 8192).
pub const MAX_MASK_GROUPS: usize = 32_768;

/// The most entries a list may have.
pub const MAX_LIST_ENTRIES: usize = 65_536;

/// An inclusive range of CPU (or node) numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CpuRange {
    pub first: u32,
    pub last: u32,
}

/// A set of CPUs or memory nodes, as sorted, non-overlapping, non-adjacent ranges.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CpuSet {
    pub ranges: Vec<CpuRange>,
}

impl CpuSet {
    /// How many CPUs (or nodes) the set holds.
    pub fn count(&self) -> u64 {
        self.ranges.iter().map(|r| u64::from(r.last) - u64::from(r.first) + 1).sum()
    }

    /// The set in the kernel's list format (`0-3,8`); empty for the empty set.
    pub fn to_list(&self) -> String {
        self.ranges
            .iter()
            .map(|r| if r.first == r.last { r.first.to_string() } else { format!("{}-{}", r.first, r.last) })
            .collect::<Vec<_>>()
            .join(",")
    }

    fn from_unsorted(mut ranges: Vec<CpuRange>) -> CpuSet {
        ranges.sort_by_key(|r| (r.first, r.last));
        let mut merged: Vec<CpuRange> = Vec::with_capacity(ranges.len());
        for r in ranges {
            match merged.last_mut() {
                Some(prev) if u64::from(r.first) <= u64::from(prev.last) + 1 => prev.last = prev.last.max(r.last),
                _ => merged.push(r),
            }
        }
        CpuSet { ranges: merged }
    }
}

/// Parses a `%*pb` mask. Returns a reason (a sentence fragment) on failure.
pub fn parse_mask(text: &str) -> Result<CpuSet, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("the mask is empty".to_owned());
    }
    let groups: Vec<&str> = text.split(',').collect();
    if groups.len() > MAX_MASK_GROUPS {
        return Err(format!("the mask has {} groups, more than the {MAX_MASK_GROUPS} read", groups.len()));
    }
    let mut ranges = Vec::new();
    let mut open: Option<u32> = None;
    // Walk from the last group (bits 0..=31) to the first.
    for (index_from_end, group) in groups.iter().rev().enumerate() {
        let group = group.trim();
        if group.is_empty() || group.len() > 8 || !group.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(format!("{group:?} is not a group of at most 8 hex digits"));
        }
        let word = u32::from_str_radix(group, 16).map_err(|e| format!("{group:?}: {e}"))?;
        let base = u32::try_from(index_from_end).ok().and_then(|i| i.checked_mul(32)).ok_or("the mask is too wide")?;
        for bit in 0..32u32 {
            let cpu = base + bit;
            let set = word & (1 << bit) != 0;
            match (set, open) {
                (true, None) => open = Some(cpu),
                (false, Some(first)) => {
                    ranges.push(CpuRange { first, last: cpu - 1 });
                    open = None;
                }
                _ => {}
            }
        }
    }
    if let Some(first) = open {
        let last = u32::try_from(groups.len()).ok().and_then(|g| g.checked_mul(32)).map_or(u32::MAX, |w| w - 1);
        ranges.push(CpuRange { first, last });
    }
    Ok(CpuSet { ranges })
}

/// Parses a `%*pbl` list (`0-3,8`); the empty string is the empty set.
pub fn parse_list(text: &str) -> Result<CpuSet, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(CpuSet::default());
    }
    let mut ranges = Vec::new();
    for (i, entry) in text.split(',').enumerate() {
        if i >= MAX_LIST_ENTRIES {
            return Err(format!("the list has more than {MAX_LIST_ENTRIES} entries"));
        }
        let entry = entry.trim();
        let number = |s: &str| s.trim().parse::<u32>().map_err(|_| format!("{entry:?} is not a number or a range like 0-3"));
        let range = match entry.split_once('-') {
            Some((a, b)) => {
                let (first, last) = (number(a)?, number(b)?);
                if last < first {
                    return Err(format!("{entry:?} is a range that runs backwards"));
                }
                CpuRange { first, last }
            }
            None => {
                let n = number(entry)?;
                CpuRange { first: n, last: n }
            }
        };
        ranges.push(range);
    }
    Ok(CpuSet::from_unsorted(ranges))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_and_lists_agree() {
        let m = parse_mask("3").unwrap();
        assert_eq!(m.to_list(), "0-1");
        assert_eq!(parse_list("0-1").unwrap(), m);
        let wide = parse_mask("80000000,00000000,0000000f").unwrap();
        assert_eq!(wide.to_list(), "0-3,95");
        assert_eq!(parse_list("95,0-3").unwrap(), wide);
        assert_eq!(parse_mask("ffffffff,ffffffff").unwrap().to_list(), "0-63");
        assert_eq!(parse_mask("ffffffff,ffffffff").unwrap().count(), 64);
        assert_eq!(parse_list("").unwrap().count(), 0);
        assert_eq!(parse_list("0-4294967295").unwrap().count(), 1 << 32);
    }

    #[test]
    fn garbage_is_refused() {
        assert!(parse_mask("xyz").is_err());
        assert!(parse_mask("123456789").is_err());
        assert!(parse_mask("").is_err());
        assert!(parse_list("3-1").is_err());
        assert!(parse_list("a").is_err());
    }
}
