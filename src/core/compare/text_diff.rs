//! A unified line diff of two texts (`diff -u`'s hunks, three lines of context), bounded: texts
//! over [`MAX_TEXT_BYTES`], edit scripts over [`MAX_EDITS`] and output over [`MAX_DIFF_LINES`]
//! lines are cut, and the diff says where. Myers' O(ND) algorithm ("An O(ND) Difference
//! Algorithm and Its Variations", 1986).

use serde::{Deserialize, Serialize};

/// Largest text (each side) diffed line by line.
pub const MAX_TEXT_BYTES: usize = 256 << 10;
/// Most insertions plus deletions searched for; a bigger difference is reported as cut. The
/// search keeps one row of (2 × MAX_EDITS + 3) offsets per edit: at 1000, 16 MB at most, which a
/// browser worker can afford for one file.
pub const MAX_EDITS: usize = 1000;
/// Most lines of diff output kept.
pub const MAX_DIFF_LINES: usize = 500;

/// A unified diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextDiff {
    /// `@@ -a,n +b,m @@` headers and ` `/`-`/`+` lines.
    pub lines: Vec<String>,
    /// Why the diff is incomplete, if it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cut: Option<String>,
}

/// Whether bytes are text: UTF-8 without NUL.
pub fn is_text(bytes: &[u8]) -> bool {
    !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Same,
    Del,
    Ins,
}

/// The unified diff of `a` and `b`, or `None` when they are equal.
///
/// ```
/// use tarsier::core::compare::unified_diff;
/// let d = unified_diff("a\nb\nc\n", "a\nB\nc\n").unwrap();
/// assert_eq!(d.lines, ["@@ -1,3 +1,3 @@", " a", "-b", "+B", " c"]);
/// ```
pub fn unified_diff(a: &str, b: &str) -> Option<TextDiff> {
    if a == b {
        return None;
    }
    if a.len() > MAX_TEXT_BYTES || b.len() > MAX_TEXT_BYTES {
        return Some(TextDiff { lines: Vec::new(), cut: Some(format!("a side is over {} KiB; no line diff", MAX_TEXT_BYTES >> 10)) });
    }
    let (la, lb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let Some(ops) = myers(&la, &lb) else {
        return Some(TextDiff { lines: Vec::new(), cut: Some(format!("more than {MAX_EDITS} lines differ; no line diff")) });
    };
    Some(hunks(&ops, &la, &lb))
}

/// The edit script, or `None` beyond [`MAX_EDITS`].
fn myers(a: &[&str], b: &[&str]) -> Option<Vec<Op>> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = usize::try_from(n + m).unwrap_or(0).min(MAX_EDITS) as isize;
    let off = max + 1;
    let mut v = vec![0isize; (2 * off + 1) as usize];
    let mut trace: Vec<Vec<isize>> = Vec::new();
    for d in 0..=max {
        trace.push(v.clone());
        let mut k = -d;
        while k <= d {
            let down = k == -d || (k != d && v[(off + k - 1) as usize] < v[(off + k + 1) as usize]);
            let mut x = if down { v[(off + k + 1) as usize] } else { v[(off + k - 1) as usize] + 1 };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[(off + k) as usize] = x;
            if x >= n && y >= m {
                return Some(backtrack(&trace, off, n, m, d));
            }
            k += 2;
        }
    }
    None
}

fn backtrack(trace: &[Vec<isize>], off: isize, n: isize, m: isize, dmax: isize) -> Vec<Op> {
    let mut ops = Vec::new();
    let (mut x, mut y) = (n, m);
    for d in (0..=dmax).rev() {
        let v = &trace[d as usize];
        let k = x - y;
        let down = k == -d || (k != d && v[(off + k - 1) as usize] < v[(off + k + 1) as usize]);
        let pk = if down { k + 1 } else { k - 1 };
        let px = v[(off + pk) as usize];
        let py = px - pk;
        while x > px && y > py {
            ops.push(Op::Same);
            x -= 1;
            y -= 1;
        }
        if d > 0 {
            ops.push(if down { Op::Ins } else { Op::Del });
        }
        (x, y) = (px, py);
    }
    ops.reverse();
    ops
}

/// Groups the script into hunks with three lines of context.
fn hunks(ops: &[Op], a: &[&str], b: &[&str]) -> TextDiff {
    const CONTEXT: usize = 3;
    // Positions (in `ops`) of the changes; a hunk spans changes closer than 2 × CONTEXT.
    let changes: Vec<usize> = ops.iter().enumerate().filter(|(_, o)| **o != Op::Same).map(|(i, _)| i).collect();
    let mut lines = Vec::new();
    let mut cut = None;
    let mut i = 0;
    while i < changes.len() {
        let start = changes[i].saturating_sub(CONTEXT);
        let mut j = i;
        while j + 1 < changes.len() && changes[j + 1] - changes[j] <= 2 * CONTEXT {
            j += 1;
        }
        let end = (changes[j] + CONTEXT + 1).min(ops.len());
        // Line numbers at `start`.
        let (mut ia, mut ib) = (0usize, 0usize);
        for o in &ops[..start] {
            match o {
                Op::Same => (ia, ib) = (ia + 1, ib + 1),
                Op::Del => ia += 1,
                Op::Ins => ib += 1,
            }
        }
        let count = |keep: Op| ops[start..end].iter().filter(|o| **o == Op::Same || **o == keep).count();
        let (na, nb) = (count(Op::Del), count(Op::Ins));
        lines.push(format!("@@ -{} +{} @@", range(ia, na), range(ib, nb)));
        for o in &ops[start..end] {
            match o {
                Op::Same => {
                    lines.push(format!(" {}", a.get(ia).copied().unwrap_or("")));
                    ia += 1;
                    ib += 1;
                }
                Op::Del => {
                    lines.push(format!("-{}", a.get(ia).copied().unwrap_or("")));
                    ia += 1;
                }
                Op::Ins => {
                    lines.push(format!("+{}", b.get(ib).copied().unwrap_or("")));
                    ib += 1;
                }
            }
        }
        if lines.len() > MAX_DIFF_LINES {
            lines.truncate(MAX_DIFF_LINES);
            cut = Some(format!("cut after {MAX_DIFF_LINES} lines, at line {} of A and {} of B", ia + 1, ib + 1));
            break;
        }
        i = j + 1;
    }
    TextDiff { lines, cut }
}

/// A hunk range as `diff -u` writes it: `START,COUNT`, `START` alone for one line, and the line
/// before for none.
fn range(before: usize, count: usize) -> String {
    match count {
        0 => format!("{before},0"),
        1 => format!("{}", before + 1),
        n => format!("{},{n}", before + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_as_diff_u_prints_them() {
        // `diff -u` of the same two texts (GNU diffutils 3.8), headers left out.
        let a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n";
        let b = "1\n2\nthree\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n";
        let d = unified_diff(a, b).unwrap();
        assert_eq!(d.lines, ["@@ -1,6 +1,6 @@", " 1", " 2", "-3", "+three", " 4", " 5", " 6", "@@ -10,3 +10,4 @@", " 10", " 11", " 12", "+13"]);
        assert_eq!(unified_diff("", "x\n").unwrap().lines, ["@@ -0,0 +1 @@", "+x"]);
        assert_eq!(unified_diff("x\n", "").unwrap().lines, ["@@ -1 +0,0 @@", "-x"]);
        assert!(unified_diff("same", "same").is_none());
    }

    /// Pairs of texts drawn from a few lines (so that many lines match in many ways): GNU patch
    /// applies each diff to the first text and gets the second, and the diff changes as many
    /// lines as `diff --minimal` does (a shortest edit script).
    #[test]
    fn every_diff_patches_a_into_b_and_is_as_short_as_diff_minimal() {
        use std::process::Command;
        let dir = std::env::temp_dir().join(format!("tarsier-text-diff-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        let words = ["a", "b", "c", "d", "", "{", "}"];
        for case in 0..150 {
            let mut text = || -> String { (0..next(30)).map(|_| format!("{}\n", words[next(words.len() as u64) as usize])).collect() };
            let (a, b) = (text(), text());
            let (fa, fb, fp, out) = (dir.join("a"), dir.join("b"), dir.join("p"), dir.join("out"));
            std::fs::write(&fa, &a).unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(&fb, &b).unwrap_or_else(|e| panic!("{e}"));
            let minimal = Command::new("diff").args(["--minimal", "-U0"]).arg(&fa).arg(&fb).output().unwrap_or_else(|e| panic!("GNU diff (diffutils): {e}"));
            let changed = |lines: &mut dyn Iterator<Item = String>| lines.filter(|l| (l.starts_with('-') && !l.starts_with("---")) || (l.starts_with('+') && !l.starts_with("+++"))).count();
            let want = changed(&mut String::from_utf8_lossy(&minimal.stdout).lines().map(str::to_owned));
            let Some(d) = unified_diff(&a, &b) else {
                assert_eq!(a, b, "case {case}: no diff for different texts");
                continue;
            };
            assert!(d.cut.is_none());
            assert_eq!(changed(&mut d.lines.iter().cloned()), want, "case {case}:\n{a}---\n{b}---\n{:?}", d.lines);
            let patch: String = ["--- a", "+++ b"].iter().map(|s| (*s).to_owned()).chain(d.lines.iter().cloned()).map(|l| l + "\n").collect();
            std::fs::write(&fp, patch).unwrap_or_else(|e| panic!("{e}"));
            let run = Command::new("patch").args(["-s", "--fuzz=0", "-o"]).arg(&out).arg(&fa).arg(&fp).output().unwrap_or_else(|e| panic!("GNU patch: {e}"));
            assert!(run.status.success(), "case {case}: patch refused {:?}: {}", d.lines, String::from_utf8_lossy(&run.stdout));
            assert_eq!(std::fs::read_to_string(&out).unwrap_or_default(), b, "case {case}: {:?}", d.lines);
        }
        std::fs::remove_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn big_differences_are_cut_and_say_so() {
        let a: String = (0..6000).map(|i| format!("a{i}\n")).collect();
        let b: String = (0..6000).map(|i| format!("b{i}\n")).collect();
        assert!(unified_diff(&a, &b).unwrap().cut.unwrap().contains("more than"));
        let a: String = (0..600).map(|i| format!("{i}\n")).collect();
        let b: String = (0..600).map(|i| if i % 2 == 0 { format!("{i}\n") } else { format!("x{i}\n") }).collect();
        let d = unified_diff(&a, &b).unwrap();
        assert_eq!(d.lines.len(), MAX_DIFF_LINES);
        assert!(d.cut.unwrap().starts_with("cut after 500 lines"));
        // A side of 256 KiB is diffed, one byte more is not: either side.
        for len in [256 * 1024, 256 * 1024 + 1] {
            let big = "x".repeat(len - 1) + "\n";
            for (a, b) in [(big.as_str(), "y\n"), ("y\n", big.as_str())] {
                let d = unified_diff(a, b).unwrap();
                assert_eq!(d.cut.is_some(), len > 256 * 1024, "{len} bytes: {:?}", d.cut);
                assert_eq!(d.lines.len(), if len > 256 * 1024 { 0 } else { 3 }, "{len} bytes");
            }
        }
        assert!(is_text(b"hello\n") && !is_text(b"a\0b") && !is_text(&[0xff, 0xfe]));
    }
}
