//! [`compare`]: two dumps side by side — typically a host process and a containerized one.

use super::analyze::{RawFieldReport, StatusReport};
use super::fields::field_info;
use crate::core::caps::{parse_mask, CapSet};
use serde::{Deserialize, Serialize};

/// One row of the comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldDiff {
    pub key: String,
    /// The field table's section (`capabilities`, …), `unknown` for unknown keys.
    pub section: String,
    /// The left dump's value (white space runs collapsed to one space); `None` if absent.
    pub left: Option<String>,
    /// The right dump's value, likewise.
    pub right: Option<String>,
    /// Whether the values differ (masks compare by value, so `0xff` equals `00000000000000ff`).
    pub differs: bool,
    /// For `Cap*` and `Sig*`/`ShdPnd` masks and `Groups`: the names (capsh names, signal names,
    /// group IDs) in the right dump but not the left.
    pub added: Vec<String>,
    /// Likewise, in the left dump but not the right.
    pub removed: Vec<String>,
}

fn normalize(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The names a field's value stands for: capsh names of a `Cap*` mask, the signals of a signal
/// mask (as the report named them, by its numbering), the IDs of `Groups`.
fn names(key: &str, report: &StatusReport) -> Option<Vec<String>> {
    let value = report.raw.iter().find(|f| f.key == key).map(|f| f.value.as_str())?;
    if key.starts_with("Cap") && field_info(key).is_some() {
        return parse_mask(value).ok().map(CapSet::names);
    }
    if matches!(key, "SigPnd" | "ShdPnd" | "SigBlk" | "SigIgn" | "SigCgt") {
        let mask = report.signals.masks.iter().find(|m| m.key == key)?;
        return Some(mask.signals.iter().map(|s| s.name.clone()).collect());
    }
    if key == "Groups" {
        return Some(value.split_whitespace().map(str::to_owned).collect());
    }
    None
}

/// Keys of both dumps: the left's order, with each key only the right has placed after the
/// key that precedes it in the right dump.
fn union_keys(a: &[RawFieldReport], b: &[RawFieldReport]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::with_capacity(a.len() + b.len());
    for f in a {
        if !keys.contains(&f.key) {
            keys.push(f.key.clone());
        }
    }
    let mut after: Option<String> = None;
    for f in b {
        if !keys.contains(&f.key) {
            let at = after.as_ref().and_then(|k| keys.iter().position(|x| x == k)).map_or(0, |i| i + 1);
            keys.insert(at, f.key.clone());
        }
        after = Some(f.key.clone());
    }
    keys
}

/// Compares two reports field by field, over the union of their keys.
///
/// ```
/// use tarsier::core::status::{analyze, compare, parse};
/// let host = analyze(&parse("Name:\tsh\nCapEff:\t000001ffffffffff\nSeccomp:\t0").unwrap());
/// let ctr = analyze(&parse("Name:\tsh\nCapEff:\t00000000a80425fb\nSeccomp:\t2").unwrap());
/// let diff = compare(&host, &ctr);
/// assert!(!diff[0].differs);
/// assert!(diff[1].differs && diff[1].removed.contains(&"cap_sys_admin".to_owned()));
/// assert_eq!(diff[2].right.as_deref(), Some("2"));
/// ```
pub fn compare(a: &StatusReport, b: &StatusReport) -> Vec<FieldDiff> {
    union_keys(&a.raw, &b.raw)
        .into_iter()
        .map(|key| {
            let left = a.raw.iter().find(|f| f.key == key).map(|f| f.value.as_str());
            let right = b.raw.iter().find(|f| f.key == key).map(|f| f.value.as_str());
            let (ln, rn) = (names(&key, a), names(&key, b));
            let differs = match (&ln, &rn) {
                (Some(l), Some(r)) => l != r,
                _ => left.map(normalize) != right.map(normalize),
            };
            let (added, removed) = match (ln, rn) {
                (Some(l), Some(r)) => (
                    r.iter().filter(|n| !l.contains(n)).cloned().collect(),
                    l.iter().filter(|n| !r.contains(n)).cloned().collect(),
                ),
                (None, Some(r)) => (r, Vec::new()),
                (Some(l), None) => (Vec::new(), l),
                (None, None) => (Vec::new(), Vec::new()),
            };
            FieldDiff {
                section: field_info(&key).map_or("unknown", |i| i.section).to_owned(),
                left: left.map(normalize),
                right: right.map(normalize),
                differs,
                added,
                removed,
                key,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::status::{analyze, parse};

    #[test]
    fn union_keeps_both_orders() {
        let a = analyze(&parse("Name:\ta\nState:\tR\nSeccomp:\t0").unwrap());
        let b = analyze(&parse("Name:\tb\nUmask:\t0022\nSeccomp:\t0\nzz:\t1").unwrap());
        let keys: Vec<String> = compare(&a, &b).into_iter().map(|d| d.key).collect();
        assert_eq!(keys, ["Name", "Umask", "State", "Seccomp", "zz"]);
        let d = compare(&a, &b);
        assert_eq!(d[1].left, None);
        assert!(d[1].differs);
        assert!(!d[3].differs);
    }
}
