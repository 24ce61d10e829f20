//! What a user pastes into the paste box: bare capability masks (`00000000a80425fb`,
//! `0xa80425fb`), `CapEff:\t…` lines, `capsh --decode` output lines, several of them at once.
//!
//! Text arrives from terminals, chat and web pages, so the reader is lenient about spacing,
//! `\r\n`, blank lines and shell prompts, and strict about the masks themselves: a line it cannot
//! read is an error naming the line.

use crate::core::caps::{parse_mask, MaskError, MaskReport};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The most masks one paste may hold (a 10 MB paste of hex must not render a million rows).
pub const MAX_MASKS: usize = 256;

/// One mask from the paste, with the label it had (`CapEff`), if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabeledMask {
    /// `CapEff`, `CapBnd`, …; `None` for a bare mask.
    pub label: Option<String>,
    /// 1-based line of the paste it came from.
    pub line: usize,
    pub report: MaskReport,
}

/// Why a paste could not be read as capability masks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PasteError {
    /// Only white space, prompts or comments.
    Empty,
    /// A line that holds no readable mask.
    Line { line: usize, error: MaskError },
    /// More than [`MAX_MASKS`] masks.
    TooMany { count: usize },
}

impl fmt::Display for PasteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PasteError::Empty => write!(
                f,
                "Nothing to decode: paste a capability mask such as 00000000a80425fb, or lines like \"CapEff:\t00000000a80425fb\"."
            ),
            PasteError::Line { line, error } => write!(f, "Line {line}: {error}"),
            PasteError::TooMany { count } => {
                write!(f, "The paste holds {count} masks; at most {MAX_MASKS} are decoded at once.")
            }
        }
    }
}

impl std::error::Error for PasteError {}

/// Whether a line is a shell prompt or command echo rather than data: `$ cat /proc/1/status`,
/// `root@host:~# grep Cap …`, `# comment`, `> …`.
pub fn is_prompt_line(line: &str) -> bool {
    let t = line.trim_start();
    if t.starts_with('$') || t.starts_with('#') || t.starts_with('>') || t.starts_with('%') {
        return true;
    }
    // user@host:path$ command / user@host:path# command
    if let Some(at) = t.find('@') {
        let rest = &t[at..];
        if let Some(end) = rest.find(['$', '#']) {
            return !rest[..end].contains(char::is_whitespace);
        }
    }
    false
}

/// Reads every mask in `text`.
///
/// Accepted per line: one or more bare masks separated by spaces or commas; `Label: MASK`
/// (any label, e.g. `CapEff`); `Label=MASK`; `capsh --decode` output (`0x…=cap_chown,…`).
///
/// # Errors
/// [`PasteError`] naming the first line that holds no mask, or when nothing was pasted.
///
/// ```
/// use tarsier::core::paste::parse_masks;
/// let masks = parse_masks("CapEff:\t00000000a80425fb\nCapBnd: 0x3fffffffff").unwrap();
/// assert_eq!(masks[0].label.as_deref(), Some("CapEff"));
/// assert_eq!(masks[1].report.caps.len(), 38);
/// ```
pub fn parse_masks(text: &str) -> Result<Vec<LabeledMask>, PasteError> {
    let mut out = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = raw.trim();
        if line.is_empty() || is_prompt_line(line) {
            continue;
        }
        let err = |error| PasteError::Line { line: line_no, error };
        // capsh output: 0x00000000a80425fb=cap_chown,...
        if let Some((left, _)) = line.split_once('=') {
            let left = left.trim();
            if left.starts_with("0x") || left.starts_with("0X") {
                push(&mut out, None, line_no, parse_mask(left).map_err(err)?)?;
                continue;
            }
        }
        let labeled = line.split_once(':').or_else(|| line.split_once('='));
        match labeled {
            Some((label, value)) if !label.trim().is_empty() => {
                let label = label.trim();
                let set = parse_mask(value).map_err(err)?;
                push(&mut out, Some(label.to_owned()), line_no, set)?;
            }
            _ => {
                for token in line.split(|c: char| c.is_whitespace() || c == ',').filter(|t| !t.is_empty()) {
                    push(&mut out, None, line_no, parse_mask(token).map_err(err)?)?;
                }
            }
        }
    }
    if out.is_empty() {
        return Err(PasteError::Empty);
    }
    Ok(out)
}

fn push(
    out: &mut Vec<LabeledMask>,
    label: Option<String>,
    line: usize,
    set: crate::core::caps::CapSet,
) -> Result<(), PasteError> {
    if out.len() >= MAX_MASKS {
        return Err(PasteError::TooMany { count: out.len() + 1 });
    }
    out.push(LabeledMask { label, line, report: MaskReport::new(set) });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::caps::DOCKER_DEFAULT;

    #[test]
    fn every_spelling_from_the_issue() {
        for text in ["00000000a80425fb", "0xa80425fb", "a80425fb", "CapEff:\t00000000a80425fb", "CapEff: 00000000a80425fb\r\n"] {
            let masks = parse_masks(text).unwrap_or_default();
            assert_eq!(masks.len(), 1, "{text:?}");
            assert_eq!(masks[0].report.value, DOCKER_DEFAULT);
        }
    }

    #[test]
    fn several_lines_prompts_and_capsh_output() {
        let text = "$ grep Cap /proc/1/status\nCapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\n\nroot@box:~# capsh --decode=ff\n0x00000000000000ff=cap_chown,cap_dac_override\n";
        let masks = parse_masks(text).unwrap_or_default();
        assert_eq!(masks.len(), 3);
        assert_eq!(masks[0].label.as_deref(), Some("CapInh"));
        assert_eq!(masks[1].line, 3);
        assert_eq!(masks[2].report.value.0, 0xff);
        assert_eq!(masks[2].label, None);
        let bare = parse_masks("a80425fb, 0x1 ff").unwrap_or_default();
        assert_eq!(bare.len(), 3);
    }

    #[test]
    fn garbage_names_its_line() {
        assert_eq!(parse_masks(" \n\n"), Err(PasteError::Empty));
        let err = parse_masks("CapEff: 00000000a80425fb\nhello world");
        assert!(matches!(err, Err(PasteError::Line { line: 2, .. })), "{err:?}");
        assert!(err.err().map(|e| e.to_string()).unwrap_or_default().starts_with("Line 2:"));
        let many = "1 ".repeat(MAX_MASKS + 1);
        assert!(matches!(parse_masks(&many), Err(PasteError::TooMany { .. })));
    }
}
