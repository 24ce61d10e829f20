//! What a user pastes: bare capability masks (`00000000a80425fb`, `0xa80425fb`), `CapEff:\t…`
//! lines, `capsh --decode` output lines, one or more `/proc/<pid>/status` dumps, or a
//! `/proc/<pid>/attr/current` AppArmor label — told apart once, by [`classify`], which hands on
//! what it parsed; [`analyze`] explains it.
//!
//! ```text
//! text ──classify──▶ Classified::{Status(Vec<ProcStatus>), Masks(Vec<LabeledMask>), AppArmor(AppArmorLabel)}
//!                         │
//!                         └──analyze──▶ PasteReport (status dumps explained and compared)
//! ```
//!
//! Text arrives from terminals, chat and web pages, so the mask reader is lenient about spacing,
//! `\r\n`, blank lines and shell prompts ([`crate::core::prompt`]), and strict about the masks
//! themselves: a line it cannot read is an error naming the line.

use crate::core::apparmor::{self, AppArmorError, AppArmorLabel};
use crate::core::caps::{parse_mask, MaskError, MaskReport};
use crate::core::prompt::is_prompt_line;
use crate::core::status::{self, FieldDiff, ProcStatus, StatusError, StatusReport};
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
    /// More than [`MAX_PASTE_BYTES`] of text.
    TooLarge { bytes: usize },
    /// The first line is neither a mask, a status line nor an AppArmor label.
    Unrecognized { line: usize, text: String },
    /// Text that looked like a status dump but could not be read.
    Status(StatusError),
    /// Text that looked like an AppArmor label but could not be read.
    AppArmor(AppArmorError),
    /// Capability masks (or `Cap*` lines) where only a status dump or a label is taken
    /// ([`Accept::StatusOrLabel`]) that the status reader refuses; the error is its verdict.
    MasksNotStatus(StatusError),
}

impl PasteError {
    /// A short stable code for the error's kind (for scripts and tests); a status or AppArmor
    /// error keeps its own code.
    pub fn code(&self) -> &'static str {
        match self {
            PasteError::Empty => "empty",
            PasteError::Line { .. } => "not_a_mask",
            PasteError::TooMany { .. } => "too_many_masks",
            PasteError::TooLarge { .. } => "too_large",
            PasteError::Unrecognized { .. } => "unrecognized",
            PasteError::Status(e) | PasteError::MasksNotStatus(e) => e.code(),
            PasteError::AppArmor(e) => e.code(),
        }
    }
}

impl fmt::Display for PasteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PasteError::Empty => write!(
                f,
                "Nothing to decode: paste a capability mask such as 00000000a80425fb, or lines like \"CapEff:\t00000000a80425fb\"."
            ),
            PasteError::Line { line, error } => write!(f, "Line {line}: {error}"),
            PasteError::Unrecognized { line, text } => write!(
                f,
                "Line {line}: {text:?} is not something Tarsier reads. Expected a capability mask (00000000a80425fb), a /proc/<pid>/status dump (lines like \"CapEff:\t00000000a80425fb\"), or an AppArmor label (\"docker-default (enforce)\")."
            ),
            PasteError::Status(e) => e.fmt(f),
            PasteError::AppArmor(e) => e.fmt(f),
            PasteError::MasksNotStatus(e) => write!(f, "{e} The text holds capability masks, not a /proc/<pid>/status dump."),
            PasteError::TooLarge { bytes } => write!(
                f,
                "The paste is {bytes} bytes; at most {MAX_PASTE_BYTES} bytes are read (a /proc/<pid>/status dump is about 1.5 KB)."
            ),
            PasteError::TooMany { count } => {
                write!(f, "The paste holds {count} masks; at most {MAX_MASKS} are decoded at once.")
            }
        }
    }
}

impl std::error::Error for PasteError {}

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

/// What a paste turned out to be, decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum PasteReport {
    /// One or more capability masks.
    Masks(Vec<LabeledMask>),
    /// One or more `/proc/<pid>/status` dumps, compared when there are two or more.
    Status(StatusPaste),
    /// A `/proc/<pid>/attr/current` AppArmor label.
    AppArmor(AppArmorLabel),
}

/// Status dumps and, for two or more, the comparison of the first two.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusPaste {
    pub dumps: Vec<StatusReport>,
    /// Field by field, `dumps[0]` against `dumps[1]`; empty for a single dump.
    pub comparison: Vec<FieldDiff>,
}

impl StatusPaste {
    /// The dumps, and the comparison of the first two when there are two or more.
    pub fn new(dumps: Vec<StatusReport>) -> StatusPaste {
        let comparison = match dumps.as_slice() {
            [left, right, ..] => status::compare(left, right),
            _ => Vec::new(),
        };
        StatusPaste { dumps, comparison }
    }
}

/// The most text one paste may hold: a `/proc/<pid>/status` dump is about 1.5 KB and 256 masks
/// under 20 KB, so 1 MiB (the status reader's own limit) is far beyond anything real; more is
/// refused before any parsing — the page refuses it before it even enters the paste box.
pub const MAX_PASTE_BYTES: usize = crate::core::status::MAX_INPUT_BYTES;

/// What a paste is, parsed: [`classify`] reads the text once and hands on the parsed value, so
/// nothing downstream parses it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Classified {
    /// One or more `/proc/<pid>/status` dumps (a key seen again starts the next one).
    Status(Vec<ProcStatus>),
    /// Capability masks: bare, `Label: MASK` lines, `capsh --decode` output.
    Masks(Vec<LabeledMask>),
    /// One `/proc/<pid>/attr/current` label.
    AppArmor(AppArmorLabel),
}

/// What the caller takes. Lines whose only status keys are `Cap*` (`grep ^Cap` output) are both
/// capability masks and a partial dump: the caller says which it wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accept {
    /// Masks, status dumps or a label (the paste box); `Cap*`-only lines are masks.
    Any,
    /// Status dumps or a label (`tarsier status`); `Cap*`-only lines are a partial dump, and
    /// capability masks are refused ([`PasteError::MasksNotStatus`]).
    StatusOrLabel,
}

/// Tells what `text` is and reads it, once. The rule, in order:
///
/// 1. a line with a key `/proc/<pid>/status` prints, other than `Cap*`: status dumps, read by
///    [`status::parse_all`];
/// 2. capability masks, if [`parse_masks`] reads every line — with [`Accept::StatusOrLabel`],
///    read as a partial dump instead (`CapEff:\t…` lines), or refused when they are not one
///    (bare masks: [`PasteError::MasksNotStatus`]);
/// 3. an AppArmor label, if [`apparmor::parse`] reads it;
/// 4. otherwise an error: the mask reader's, or — when the first line is no mask at all — a
///    sentence saying what the box takes ([`PasteError::Unrecognized`]); with
///    [`Accept::StatusOrLabel`], the status reader's verdict.
///
/// A reader that fails is only asked to decide; the value of the one that succeeds is handed on.
///
/// # Errors
/// [`PasteError`] when the text is empty, too large, or none of these; a text that step 1 chose
/// and the status reader refuses is [`PasteError::Status`].
///
/// ```
/// use tarsier::core::paste::{classify, Accept, Classified};
/// assert!(matches!(classify("Name:\tbash\nState:\tS (sleeping)", Accept::Any), Ok(Classified::Status(d)) if d.len() == 1));
/// assert!(matches!(classify("CapEff:\t00000000a80425fb", Accept::Any), Ok(Classified::Masks(_))));
/// assert!(matches!(classify("CapEff:\t00000000a80425fb", Accept::StatusOrLabel), Ok(Classified::Status(_))));
/// assert!(matches!(classify("0xa80425fb", Accept::Any), Ok(Classified::Masks(_))));
/// assert!(matches!(classify("docker-default (enforce)\n", Accept::Any), Ok(Classified::AppArmor(_))));
/// assert!(classify("hello world", Accept::Any).is_err());
/// ```
pub fn classify(text: &str, accept: Accept) -> Result<Classified, PasteError> {
    if text.len() > MAX_PASTE_BYTES {
        return Err(PasteError::TooLarge { bytes: text.len() });
    }
    let keys = status::known_keys(text);
    if keys.other > 0 {
        return status::parse_all(text).map(Classified::Status).map_err(PasteError::Status);
    }
    let mask_error = match (parse_masks(text), accept) {
        (Ok(masks), Accept::Any) => return Ok(Classified::Masks(masks)),
        (Ok(_), Accept::StatusOrLabel) => {
            return status::parse_all(text).map(Classified::Status).map_err(PasteError::MasksNotStatus)
        }
        (Err(e), _) => e,
    };
    if let Ok(label) = apparmor::parse(text) {
        return Ok(Classified::AppArmor(label));
    }
    match (accept, mask_error) {
        (Accept::StatusOrLabel, _) => status::parse_all(text).map(Classified::Status).map_err(|e| {
            if keys.caps > 0 {
                PasteError::MasksNotStatus(e)
            } else {
                PasteError::Status(e)
            }
        }),
        // Text whose very first line is no mask is not a list of masks at all: say what the
        // box takes rather than why it is not hex.
        (Accept::Any, PasteError::Line { line, .. }) if line == first_data_line(text) => {
            let content = text.lines().nth(line.saturating_sub(1)).unwrap_or_default();
            Err(PasteError::Unrecognized { line, text: truncate(content.trim(), 80) })
        }
        (Accept::Any, e) => Err(e),
    }
}

/// Decodes whatever was pasted: capability masks, status dumps or an AppArmor label, told apart
/// by content ([`classify`] with [`Accept::Any`]).
///
/// # Errors
/// [`PasteError`] when the text is empty, too large, or cannot be read; the message names the
/// line and says what was expected.
///
/// ```
/// use tarsier::core::paste::{analyze, PasteReport};
/// assert!(matches!(analyze("0xa80425fb"), Ok(PasteReport::Masks(_))));
/// assert!(matches!(analyze("Name:\tsh\nSeccomp:\t2"), Ok(PasteReport::Status(_))));
/// assert!(matches!(analyze("docker-default (enforce)"), Ok(PasteReport::AppArmor(_))));
/// ```
pub fn analyze(text: &str) -> Result<PasteReport, PasteError> {
    Ok(match classify(text, Accept::Any)? {
        Classified::Status(dumps) => PasteReport::Status(StatusPaste::new(dumps.iter().map(status::analyze).collect())),
        Classified::Masks(masks) => PasteReport::Masks(masks),
        Classified::AppArmor(label) => PasteReport::AppArmor(label),
    })
}

/// Decodes `text` and, when `pinned` holds an earlier status dump and `text` is one dump, puts
/// the two side by side (`pinned` on the left).
///
/// # Errors
/// As [`analyze`] for `text`; a pinned dump that no longer parses is ignored.
pub fn analyze_against(text: &str, pinned: Option<&str>) -> Result<PasteReport, PasteError> {
    let report = analyze(text)?;
    let (Some(pinned), PasteReport::Status(now)) = (pinned, &report) else { return Ok(report) };
    if now.dumps.len() != 1 {
        return Ok(report);
    }
    let Ok(PasteReport::Status(before)) = analyze(pinned) else { return Ok(report) };
    let Some(left) = before.dumps.into_iter().next() else { return Ok(report) };
    let mut dumps = vec![left];
    dumps.extend(now.dumps.iter().cloned());
    Ok(PasteReport::Status(StatusPaste::new(dumps)))
}

/// The URL fragment (without `#`) that reopens `report`, decoded from `text` (and `pinned`):
/// `caps=…` for masks (readable), `status=v1.…` (deflated, see [`status::to_fragment`]) for
/// status dumps and AppArmor labels. `None` when the text is too large to share by link, or
/// when no text a link can carry reopens the same dumps.
///
/// A comparison with a pinned dump is shared as the two dumps one after the other. The format
/// has no separator between dumps (a key seen again starts the next one), so that text is
/// checked: when it splits elsewhere (the new dump starts with a key the pinned one lacks), or
/// holds other dumps (`text` held several, so the pinned one was not used; the pinned text held
/// several), it is not used.
pub fn fragment_for(report: &PasteReport, text: &str, pinned: Option<&str>) -> Option<String> {
    let link = |shared: &str| status::to_fragment(shared).ok().map(|f| format!("status={f}"));
    match report {
        PasteReport::Masks(masks) => Some(masks_to_fragment(masks)),
        PasteReport::Status(paste) => {
            let both = pinned
                .filter(|_| paste.dumps.len() >= 2)
                .map(|p| format!("{}\n{}", p.trim_end(), text.trim_start()));
            let (pinned, shared) = both.iter().map(|b| (true, b.as_str())).chain([(false, text.trim())]).find(|(_, shared)| {
                // Only text that reopens the same dumps, field for field, is shared.
                matches!(analyze(shared), Ok(PasteReport::Status(again)) if same_fields(&again.dumps, &paste.dumps))
            })?;
            // A comparison made against a pinned dump says so, to reopen as it was made.
            link(shared).map(|l| if pinned { format!("{l}{PINNED_MARK}") } else { l })
        }
        PasteReport::AppArmor(_) => link(text.trim()),
    }
}

/// The end of a `status=` fragment whose first dump was pinned ("Compare with another dump")
/// rather than pasted with the second: the page reopens it pinned.
pub const PINNED_MARK: &str = "&pinned";

/// The same dumps with the same fields and values, wherever their lines were, and the same
/// number of ignored stray lines in each (a stray line between two dumps joined in one link could
/// otherwise move from one dump to the other).
fn same_fields(a: &[StatusReport], b: &[StatusReport]) -> bool {
    let stray = |x: &StatusReport| x.warnings.iter().filter(|w| w.key.is_none()).count();
    let same = |x: &StatusReport, y: &StatusReport| {
        x.raw.len() == y.raw.len()
            && x.raw.iter().zip(&y.raw).all(|(f, g)| f.key == g.key && f.value == g.value)
            && stray(x) == stray(y)
    };
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
}

/// The paste text a fragment Tarsier wrote stands for: `Ok(None)` when the fragment is not one
/// of Tarsier's (leave the page as it is).
///
/// # Errors
/// A sentence for the user when the fragment is Tarsier's but damaged.
pub fn text_for_fragment(fragment: &str) -> Result<Option<String>, String> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    if let Some(encoded) = fragment.strip_prefix("status=") {
        let encoded = encoded.strip_suffix(PINNED_MARK).unwrap_or(encoded);
        return status::from_fragment(encoded).map(Some).map_err(|e| e.to_string());
    }
    Ok(fragment_to_text(fragment))
}

fn first_data_line(text: &str) -> usize {
    text.lines()
        .position(|l| !l.trim().is_empty() && !is_prompt_line(l.trim()))
        .map_or(1, |i| i + 1)
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// The URL fragment that reopens a mask decode: `caps=a80425fb` or
/// `caps=CapEff:00000000a80425fb,CapBnd:000001ffffffffff` (labels made of letters, digits and
/// `_` are kept; others are dropped, so the fragment never carries arbitrary text).
pub fn masks_to_fragment(masks: &[LabeledMask]) -> String {
    let items: Vec<String> = masks
        .iter()
        .map(|m| match &m.label {
            Some(label) if is_fragment_label(label) => format!("{label}:{}", m.report.hex),
            _ => m.report.hex.clone(),
        })
        .collect();
    format!("caps={}", items.join(","))
}

fn is_fragment_label(label: &str) -> bool {
    !label.is_empty() && label.len() <= 32 && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Turns a `caps=…` fragment (with or without the leading `#`) back into paste text, one mask
/// per line; `None` when the fragment is not a mask decode.
pub fn fragment_to_text(fragment: &str) -> Option<String> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let list = fragment.strip_prefix("caps=")?;
    let list = percent_decode(list)?;
    let lines: Vec<String> = list
        .split(',')
        .filter(|item| !item.is_empty())
        .map(|item| match item.split_once(':') {
            Some((label, hex)) => format!("{label}:\t{hex}"),
            None => item.to_owned(),
        })
        .collect();
    Some(lines.join("\n"))
}

/// Decodes `%XX` escapes (browsers may escape `:` or `,` in a fragment); `None` on a broken
/// escape or non-UTF-8 result.
pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
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

    /// Exactly the limit is read; one byte more is refused as too large before any parsing
    /// (the adversarial suite checks ten megabytes).
    #[test]
    fn the_paste_limit_is_exact() {
        let dump = "Name:\tsh\n";
        let mut text = dump.to_owned();
        text.push_str(&" ".repeat(MAX_PASTE_BYTES - dump.len()));
        assert!(matches!(analyze(&text), Ok(PasteReport::Status(_))), "{:?}", analyze(&text).err());
        text.push(' ');
        assert_eq!(analyze(&text).err(), Some(PasteError::TooLarge { bytes: MAX_PASTE_BYTES + 1 }));
    }

    #[test]
    fn garbage_names_its_line() {
        assert_eq!(parse_masks(" \n\n"), Err(PasteError::Empty));
        let err = parse_masks("CapEff: 00000000a80425fb\nhello world");
        assert!(matches!(err, Err(PasteError::Line { line: 2, .. })), "{err:?}");
        assert!(err.err().map(|e| e.to_string()).unwrap_or_default().starts_with("Line 2:"));
        let many = "1 ".repeat(MAX_MASKS + 1);
        assert!(matches!(parse_masks(&many), Err(PasteError::TooMany { .. })));
        // Text whose first line (after blank and prompt lines) is no mask is not a list of
        // masks: the error says what the box takes; a later bad line is named as a mask error.
        let err = analyze("\n$ cat notes\nhello world\n00000000a80425fb");
        assert_eq!(err.err(), Some(PasteError::Unrecognized { line: 3, text: "hello world".into() }));
        let err = analyze("00000000a80425fb\nhello world");
        assert!(matches!(err, Err(PasteError::Line { line: 2, .. })), "{err:?}");
    }

    /// A comparison's link carries both dumps only when they read back as the same two dumps.
    #[test]
    fn a_comparison_link_reopens_the_comparison_or_is_not_offered() {
        let reopen = |f: &str| analyze(&text_for_fragment(f).ok().flatten().unwrap_or_default());
        let dumps = |r: &Result<PasteReport, PasteError>| match r {
            Ok(PasteReport::Status(s)) => s.dumps.iter().map(|d| d.identity.name.clone()).collect(),
            _ => Vec::new(),
        };
        let pinned = Some("Name:\tp\nUid:\t0\t0\t0\t0\n");
        let report = analyze_against("Name:\ta\nUid:\t1\t1\t1\t1\n", pinned);
        let link = report.as_ref().ok().and_then(|r| fragment_for(r, "Name:\ta\nUid:\t1\t1\t1\t1\n", pinned));
        // Made against a pinned dump: the link says so, to reopen pinned.
        assert!(link.as_deref().is_some_and(|l| l.starts_with("status=v1.") && l.ends_with(PINNED_MARK)), "{link:?}");
        assert_eq!(dumps(&reopen(&link.unwrap_or_default())), [Some("p".to_owned()), Some("a".to_owned())]);
        // `Uid` first: after the pinned dump's `Name`, `Uid` would be read as part of the pinned dump.
        let now = "Uid:\t1\t1\t1\t1\nName:\ta\n";
        let report = analyze_against(now, Some("Name:\tp\n"));
        assert_eq!(dumps(&report), [Some("p".to_owned()), Some("a".to_owned())]);
        assert_eq!(report.ok().and_then(|r| fragment_for(&r, now, Some("Name:\tp\n"))), None);
        // Two dumps pasted with something pinned: the pinned one is not used, nor shared.
        let now = "Name:\ta\nName:\tb\n";
        let report = analyze_against(now, Some("Name:\tp\n"));
        let link = report.ok().and_then(|r| fragment_for(&r, now, Some("Name:\tp\n")));
        assert!(link.as_deref().is_some_and(|l| !l.ends_with(PINNED_MARK)), "{link:?}");
        assert_eq!(dumps(&reopen(&link.unwrap_or_default())), [Some("a".to_owned()), Some("b".to_owned())]);
    }

    #[test]
    fn fragment_round_trips() {
        let masks = parse_masks("CapEff:\t00000000a80425fb\nff\nweird label: 1").unwrap_or_default();
        let fragment = masks_to_fragment(&masks);
        assert_eq!(fragment, "caps=CapEff:00000000a80425fb,00000000000000ff,0000000000000001");
        let text = fragment_to_text(&format!("#{fragment}")).unwrap_or_default();
        let again = parse_masks(&text).unwrap_or_default();
        assert_eq!(again.len(), 3);
        assert_eq!(again[0].label.as_deref(), Some("CapEff"));
        assert_eq!(fragment_to_text("#caps=CapEff%3Aa80425fb").as_deref(), Some("CapEff:\ta80425fb"));
        assert_eq!(fragment_to_text("#status=abc"), None);
        assert_eq!(fragment_to_text("#caps=%zz"), None);
    }
}
