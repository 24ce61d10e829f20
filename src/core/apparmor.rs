//! AppArmor labels as `/proc/<pid>/attr/current` (and, since Linux 5.1, the LSM-specific
//! `/proc/<pid>/attr/apparmor/current`) print them: `unconfined`, `docker-default (enforce)`,
//! `/usr/sbin/cupsd (complain)`, a hat `/usr/sbin/apache2//HANDLING_UNTRUSTED_INPUT (enforce)`,
//! a namespaced `:lxd-c1://unconfined`, or a stack `a//&b (enforce)`.
//!
//! The kernel writes the label, then ` (mode)` unless the profile is `unconfined`, then a newline
//! (`security/apparmor/procattr.c`, `aa_getprocattr`; `security/apparmor/label.c`,
//! `aa_label_snxprint`). Profile names may contain spaces and parentheses, so the mode is split
//! off at the **last** ` (`. A stack prints one mode at the end when every profile has the same
//! mode, and a mode after each profile when they differ. See
//! [apparmor(7)](https://manpages.debian.org/apparmor.7) and
//! [the kernel's AppArmor page](https://docs.kernel.org/admin-guide/LSM/apparmor.html).
//!
//! Trailing newlines and NUL bytes (what `cat` shows of a procattr read), blank lines and a shell
//! prompt line before the label are tolerated; anything else on a second line is an error.

use crate::core::prompt::is_prompt_line;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest label read (the kernel hands procattr at most a page).
pub const MAX_LABEL_BYTES: usize = 4096;

/// The mode a profile runs in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppArmorMode {
    /// Rules enforced: violations are denied (and logged).
    Enforce,
    /// Learning mode: violations are allowed and logged.
    Complain,
    /// Violations kill the task.
    Kill,
    /// The `unconfined` profile, or a profile in unconfined mode: no restrictions.
    Unconfined,
    /// Violations are sent to a user-space daemon to ask (Ubuntu's prompting patches).
    Prompt,
    /// A mode this table does not know, kept as printed.
    Unknown(String),
}

impl AppArmorMode {
    fn from_word(word: &str) -> AppArmorMode {
        match word {
            "enforce" => AppArmorMode::Enforce,
            "complain" => AppArmorMode::Complain,
            "kill" => AppArmorMode::Kill,
            "unconfined" => AppArmorMode::Unconfined,
            "prompt" => AppArmorMode::Prompt,
            other => AppArmorMode::Unknown(other.to_owned()),
        }
    }

    /// The word the kernel prints.
    pub fn as_str(&self) -> &str {
        match self {
            AppArmorMode::Enforce => "enforce",
            AppArmorMode::Complain => "complain",
            AppArmorMode::Kill => "kill",
            AppArmorMode::Unconfined => "unconfined",
            AppArmorMode::Prompt => "prompt",
            AppArmorMode::Unknown(raw) => raw,
        }
    }

    /// One sentence on what the mode means.
    pub fn explanation(&self) -> String {
        match self {
            AppArmorMode::Enforce => "enforce mode: the profile's rules are enforced; anything they do not allow is denied and logged.".to_owned(),
            AppArmorMode::Complain => "complain (learning) mode: nothing is denied; what the rules would deny is only logged.".to_owned(),
            AppArmorMode::Kill => "kill mode: a rule violation kills the task.".to_owned(),
            AppArmorMode::Unconfined => "unconfined: AppArmor does not restrict this process.".to_owned(),
            AppArmorMode::Prompt => "prompt mode: a violation is referred to a user-space daemon that asks whether to allow it.".to_owned(),
            AppArmorMode::Unknown(raw) => format!("mode {raw:?}, which this tool does not know."),
        }
    }

    /// Whether the mode restricts anything.
    pub fn confines(&self) -> bool {
        matches!(self, AppArmorMode::Enforce | AppArmorMode::Kill | AppArmorMode::Prompt)
    }
}

/// One profile of a label (a label is a stack of one or more).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppArmorProfile {
    /// The profile name as printed, without namespace (`docker-default`,
    /// `/usr/sbin/apache2//HANDLING_UNTRUSTED_INPUT`).
    pub name: String,
    /// The policy namespace (`lxd-c1` from `:lxd-c1://unconfined`), if any.
    pub namespace: Option<String>,
    /// The hat or child profile path below the top profile (`["HANDLING_UNTRUSTED_INPUT"]`).
    pub children: Vec<String>,
    pub mode: AppArmorMode,
}

/// A parsed `/proc/<pid>/attr/current` label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppArmorLabel {
    /// The label as read, without the trailing newline/NUL.
    pub raw: String,
    /// The profiles, in print order (one unless stacked).
    pub profiles: Vec<AppArmorProfile>,
    /// Several profiles stacked with `//&`: all of them apply at once.
    pub stacked: bool,
    /// Whether any profile restricts the process (enforce, kill or prompt mode).
    pub confined: bool,
    /// A paragraph a reviewer can read.
    pub explanation: String,
}

/// Why text could not be read as an AppArmor label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppArmorError {
    /// Nothing but white space, NUL bytes or prompts.
    Empty,
    /// Longer than [`MAX_LABEL_BYTES`].
    TooLong { bytes: usize },
    /// A second line of content (`line` is 1-based).
    ExtraLine { line: usize },
    /// A profile that is not `unconfined` but has no ` (mode)` after it.
    MissingMode { line: usize, text: String },
    /// A control character inside the label.
    ControlCharacter { line: usize, column: usize },
    /// `user:role:type:level`: an SELinux context, not an AppArmor label.
    SelinuxContext { line: usize, text: String },
}

impl AppArmorError {
    /// A short stable code for the error's kind (for scripts and tests).
    pub fn code(&self) -> &'static str {
        match self {
            AppArmorError::Empty => "empty",
            AppArmorError::TooLong { .. } => "too_large",
            AppArmorError::ExtraLine { .. } => "extra_line",
            AppArmorError::MissingMode { .. } => "missing_mode",
            AppArmorError::ControlCharacter { .. } => "control_character",
            AppArmorError::SelinuxContext { .. } => "selinux_context",
        }
    }
}

impl fmt::Display for AppArmorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppArmorError::Empty => write!(f, "Nothing to read: expected an AppArmor label such as \"docker-default (enforce)\" or \"unconfined\" (the text of /proc/<pid>/attr/current)."),
            AppArmorError::TooLong { bytes } => write!(f, "The text is {bytes} bytes long; an AppArmor label from /proc/<pid>/attr/current is at most {MAX_LABEL_BYTES} bytes."),
            AppArmorError::ExtraLine { line } => write!(f, "Line {line} is a second line; /proc/<pid>/attr/current holds a single label such as \"docker-default (enforce)\"."),
            AppArmorError::MissingMode { line, text } => write!(f, "Line {line}: {text:?} has no mode; expected \"PROFILE (enforce)\", \"PROFILE (complain)\" or \"unconfined\"."),
            AppArmorError::ControlCharacter { line, column } => write!(f, "Line {line}, column {column}: a control character cannot appear in an AppArmor label."),
            AppArmorError::SelinuxContext { line, text } => write!(f, "Line {line}: {text:?} looks like an SELinux context (user:role:type:level), not an AppArmor label; this tool decodes AppArmor labels only."),
        }
    }
}

impl std::error::Error for AppArmorError {}

/// Reads the label in `text` (the whole content of `/proc/<pid>/attr/current`).
///
/// # Errors
/// [`AppArmorError`] when there is no label, more than one line, a profile without a mode, a
/// control character, or an SELinux context.
///
/// ```
/// use tarsier::core::apparmor::{parse, AppArmorMode};
/// let label = parse("docker-default (enforce)\n").unwrap();
/// assert_eq!(label.profiles[0].name, "docker-default");
/// assert_eq!(label.profiles[0].mode, AppArmorMode::Enforce);
/// assert!(!parse("unconfined").unwrap().confined);
/// assert_eq!(parse("my profile (v2) (complain)").unwrap().profiles[0].name, "my profile (v2)");
/// ```
pub fn parse(text: &str) -> Result<AppArmorLabel, AppArmorError> {
    if text.len() > MAX_LABEL_BYTES {
        return Err(AppArmorError::TooLong { bytes: text.len() });
    }
    // (line number, the label, the characters before it on its line)
    let mut found: Option<(usize, &str, usize)> = None;
    for (index, raw_line) in text.split('\n').enumerate() {
        let line = raw_line.trim_matches(|c: char| c == '\0' || c == '\r' || c == '\u{feff}').trim();
        if line.is_empty() || is_prompt_line(line) {
            continue;
        }
        if found.is_some() {
            return Err(AppArmorError::ExtraLine { line: index + 1 });
        }
        // The trimmed prefix holds only characters `line` cannot start with: its first
        // occurrence is where it starts.
        let lead = raw_line.find(line).map_or(0, |at| raw_line[..at].chars().count());
        found = Some((index + 1, line, lead));
    }
    let Some((line_no, line, lead)) = found else { return Err(AppArmorError::Empty) };
    if let Some(column) = line.chars().position(char::is_control) {
        return Err(AppArmorError::ControlCharacter { line: line_no, column: lead + column + 1 });
    }

    let parts: Vec<&str> = line.split("//&").collect();
    // The mode printed after the last profile applies to every profile without its own.
    let mut split: Vec<(String, Option<AppArmorMode>)> = parts.iter().map(|p| split_mode(p)).collect();
    let shared = split.last().and_then(|(_, m)| m.clone());
    let mut profiles = Vec::with_capacity(split.len());
    for (name, mode) in split.drain(..) {
        let bare = strip_namespace(&name).1;
        let mode = match mode.or_else(|| shared.clone()) {
            Some(mode) => mode,
            None if bare == "unconfined" => AppArmorMode::Unconfined,
            None => {
                if looks_like_selinux(line) {
                    return Err(AppArmorError::SelinuxContext { line: line_no, text: line.to_owned() });
                }
                return Err(AppArmorError::MissingMode { line: line_no, text: line.to_owned() });
            }
        };
        if name.is_empty() {
            return Err(AppArmorError::MissingMode { line: line_no, text: line.to_owned() });
        }
        let (namespace, rest) = strip_namespace(&name);
        let mut path = rest.split("//");
        let top = path.next().unwrap_or_default().to_owned();
        let children: Vec<String> = path.map(str::to_owned).collect();
        let full = if children.is_empty() { top } else { rest.to_owned() };
        profiles.push(AppArmorProfile { name: full, namespace, children, mode });
    }
    let stacked = profiles.len() > 1;
    let confined = profiles.iter().any(|p| p.mode.confines());
    let explanation = explain(&profiles, stacked);
    Ok(AppArmorLabel { raw: line.to_owned(), profiles, stacked, confined, explanation })
}

/// `name (mode)` → (`name`, mode); a component without a trailing `(word)` has no mode.
fn split_mode(part: &str) -> (String, Option<AppArmorMode>) {
    let part = part.trim();
    if let Some(body) = part.strip_suffix(')') {
        if let Some((name, mode)) = body.rsplit_once(" (") {
            if !mode.is_empty() && !mode.contains(char::is_whitespace) && !mode.contains('(') {
                return (name.trim_end().to_owned(), Some(AppArmorMode::from_word(mode)));
            }
        }
    }
    (part.to_owned(), None)
}

/// `:ns:profile` or `:ns://profile` → (`Some(ns)`, `profile`).
fn strip_namespace(name: &str) -> (Option<String>, &str) {
    if let Some(rest) = name.strip_prefix(':') {
        if let Some((ns, profile)) = rest.split_once(':') {
            let profile = profile.strip_prefix("//").unwrap_or(profile);
            return (Some(ns.to_owned()), profile);
        }
    }
    (None, name)
}

fn looks_like_selinux(line: &str) -> bool {
    !line.starts_with(':') && !line.contains(' ') && line.matches(':').count() >= 2
}

fn explain(profiles: &[AppArmorProfile], stacked: bool) -> String {
    let describe = |p: &AppArmorProfile| -> String {
        let ns = p.namespace.as_ref().map(|n| format!(" in policy namespace {n:?}")).unwrap_or_default();
        let mut s = if p.name == "unconfined" && p.mode == AppArmorMode::Unconfined {
            format!("Not confined by AppArmor{ns}: no profile restricts this process.")
        } else {
            format!("Confined by the AppArmor profile {:?}{ns} in {}", p.name, p.mode.explanation())
        };
        if let Some(child) = p.children.last() {
            s.push_str(&format!(" {child:?} is a hat or child profile the program switched to."));
        }
        if p.name == "docker-default" {
            s.push_str(" docker-default is the profile Docker (and podman on AppArmor hosts) applies to containers unless told otherwise: it denies mounting, writing to most of /proc and /sys, and ptrace of processes outside the profile.");
        }
        s
    };
    let mut out: Vec<String> = profiles.iter().map(describe).collect();
    if stacked {
        out.insert(0, format!("A stack of {} profiles: every one of them applies at once, so an operation must be allowed by all.", profiles.len()));
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_and_names() {
        let l = parse("/usr/bin/evince (complain)\n\0").unwrap();
        assert_eq!(l.profiles[0].mode, AppArmorMode::Complain);
        assert!(!l.confined);
        let l = parse("/usr/sbin/apache2//HANDLING_UNTRUSTED_INPUT (enforce)").unwrap();
        assert_eq!(l.profiles[0].children, ["HANDLING_UNTRUSTED_INPUT"]);
        let l = parse("x (weird)").unwrap();
        assert_eq!(l.profiles[0].mode, AppArmorMode::Unknown("weird".into()));
        let l = parse(":lxd-c1://unconfined").unwrap();
        assert_eq!(l.profiles[0].namespace.as_deref(), Some("lxd-c1"));
        assert_eq!(l.profiles[0].mode, AppArmorMode::Unconfined);
    }

    /// Only the label `unconfined` is "not confined"; a profile in unconfined mode (AppArmor 4's
    /// `flags=(unconfined)`, as Ubuntu 24.04 labels `firefox (unconfined)`) is a profile.
    #[test]
    fn unconfined_label_versus_unconfined_mode() {
        let l = parse("unconfined").unwrap();
        assert!(l.explanation.starts_with("Not confined by AppArmor: no profile restricts this process."), "{}", l.explanation);
        let l = parse("firefox (unconfined)").unwrap();
        assert_eq!(l.profiles[0].mode, AppArmorMode::Unconfined);
        assert!(l.explanation.starts_with("Confined by the AppArmor profile \"firefox\" in unconfined"), "{}", l.explanation);
    }

    #[test]
    fn stacks_share_or_split_modes() {
        let l = parse("a//&b (enforce)").unwrap();
        assert!(l.stacked);
        assert!(l.profiles.iter().all(|p| p.mode == AppArmorMode::Enforce));
        let l = parse("a (enforce)//&b (complain)").unwrap();
        assert_eq!(l.profiles[0].mode, AppArmorMode::Enforce);
        assert_eq!(l.profiles[1].mode, AppArmorMode::Complain);
    }

    /// Every error names the line of the text (1-based, blank and prompt lines counted) and, for a
    /// control character, its column in that line as pasted (1-based, in characters); each has
    /// its stable code (no command prints the codes yet).
    #[test]
    fn errors_name_the_line_and_column_of_the_text() {
        let text = "$ cat /proc/1/attr/current\n\n  docker-default (enforce)\n\0\nb (enforce)\n";
        let e = parse(text).unwrap_err();
        assert_eq!(e, AppArmorError::ExtraLine { line: 5 });
        assert_eq!(e.to_string(), "Line 5 is a second line; /proc/<pid>/attr/current holds a single label such as \"docker-default (enforce)\".");
        assert_eq!(e.code(), "extra_line");
        // The control character is the 6th character of line 2 as pasted (after two spaces and é).
        let text = "\n  éab\u{7}c (enforce)\n";
        let column = text.lines().nth(1).unwrap().chars().position(|c| c == '\u{7}').unwrap() + 1;
        assert_eq!(column, 6);
        let e = parse(text).unwrap_err();
        assert_eq!(e, AppArmorError::ControlCharacter { line: 2, column });
        assert_eq!(e.to_string(), "Line 2, column 6: a control character cannot appear in an AppArmor label.");
        assert_eq!(e.code(), "control_character");
        let e = parse("\n\nmy profile\n").unwrap_err();
        assert_eq!(e, AppArmorError::MissingMode { line: 3, text: "my profile".into() });
        assert_eq!(e.to_string(), "Line 3: \"my profile\" has no mode; expected \"PROFILE (enforce)\", \"PROFILE (complain)\" or \"unconfined\".");
        assert_eq!(e.code(), "missing_mode");
        let e = parse("\nsystem_u:system_r:container_t:s0\n").unwrap_err();
        assert_eq!(e, AppArmorError::SelinuxContext { line: 2, text: "system_u:system_r:container_t:s0".into() });
        assert!(e.to_string().starts_with("Line 2: \"system_u:system_r:container_t:s0\" looks like an SELinux context"), "{e}");
        assert_eq!(e.code(), "selinux_context");
        // A context without an MLS level (`user:role:type`, SELinux without MLS) too.
        assert!(matches!(parse("user_u:role_r:type_t"), Err(AppArmorError::SelinuxContext { line: 1, .. })));
        // A namespace (`:ns:name`), a name with a space, or one colon is not an SELinux context.
        for text in [":ns:a:b", "a b:c:d", "a:b"] {
            assert!(matches!(parse(text), Err(AppArmorError::MissingMode { .. })), "{text}");
        }
        // An empty profile name before the mode.
        assert!(matches!(parse("(enforce)"), Err(AppArmorError::MissingMode { line: 1, .. })));
        assert!(matches!(parse("a//& (enforce)"), Err(AppArmorError::MissingMode { line: 1, .. })));
        // The kernel's page: MAX_LABEL_BYTES are read, one more is refused with its size.
        let exact = format!("{} (enforce)", "a".repeat(MAX_LABEL_BYTES - " (enforce)".len()));
        assert_eq!(parse(&exact).map(|l| l.profiles[0].name.len()), Ok(MAX_LABEL_BYTES - 10));
        let e = parse(&format!("{exact}\n")).unwrap_err();
        assert_eq!(e, AppArmorError::TooLong { bytes: MAX_LABEL_BYTES + 1 });
        assert_eq!(e.to_string(), "The text is 4097 bytes long; an AppArmor label from /proc/<pid>/attr/current is at most 4096 bytes.");
        assert_eq!(e.code(), "too_large");
        let e = parse("\u{feff}\r\n$ cat attr/current\n").unwrap_err();
        assert_eq!((e.code(), e.to_string().starts_with("Nothing to read: expected an AppArmor label")), ("empty", true));
    }

    /// The kernel's label syntax (`aa_label_snxprint`): `:NS:` or `:NS://` before a profile in a
    /// policy namespace, `//` between a profile and its hats or children, `//&` between stacked
    /// profiles, the mode once at the end when the profiles share it; the mode words of
    /// `aa_profile_mode_names` and the explanation of each part.
    #[test]
    fn namespaces_children_stacks_and_modes() {
        let l = parse(":lxd-c1:/usr/sbin/apache2//HANDLER//inner (kill)\n").unwrap();
        let p = &l.profiles[0];
        assert_eq!((p.namespace.as_deref(), p.name.as_str(), p.children.as_slice(), &p.mode), (Some("lxd-c1"), "/usr/sbin/apache2//HANDLER//inner", ["HANDLER".to_owned(), "inner".to_owned()].as_slice(), &AppArmorMode::Kill));
        assert!(l.confined && !l.stacked);
        assert_eq!(l.explanation, "Confined by the AppArmor profile \"/usr/sbin/apache2//HANDLER//inner\" in policy namespace \"lxd-c1\" in kill mode: a rule violation kills the task. \"inner\" is a hat or child profile the program switched to.");
        let l = parse(":ns://unconfined").unwrap();
        assert_eq!(l.explanation, "Not confined by AppArmor in policy namespace \"ns\": no profile restricts this process.");
        assert!(!l.confined);
        let l = parse("docker-default//&:ns:other (prompt)").unwrap();
        assert!(l.stacked && l.confined);
        assert_eq!(l.profiles.iter().map(|p| (p.name.as_str(), p.namespace.as_deref(), p.mode.as_str())).collect::<Vec<_>>(), [("docker-default", None, "prompt"), ("other", Some("ns"), "prompt")]);
        assert!(l.explanation.starts_with("A stack of 2 profiles: every one of them applies at once, so an operation must be allowed by all. Confined by the AppArmor profile \"docker-default\" in prompt mode"), "{}", l.explanation);
        assert!(l.explanation.contains(" docker-default is the profile Docker (and podman on AppArmor hosts) applies to containers"), "{}", l.explanation);
        assert_eq!(l.explanation.matches("docker-default is the profile Docker").count(), 1);
        // A one-profile label is not a stack; names keep their parentheses and spaces.
        let l = parse("my (v2) profile (complain)").unwrap();
        assert_eq!((l.profiles[0].name.as_str(), l.stacked, l.confined), ("my (v2) profile", false, false));
        assert!(!l.explanation.starts_with("A stack"), "{}", l.explanation);
        // `(two words)`, `()` and `(a(b)` are no modes.
        for text in ["x (two words)", "x ()", "x (a(b)"] {
            assert!(matches!(parse(text), Err(AppArmorError::MissingMode { .. })), "{text}");
        }
        for (word, mode, confines) in [("enforce", AppArmorMode::Enforce, true), ("complain", AppArmorMode::Complain, false), ("kill", AppArmorMode::Kill, true), ("unconfined", AppArmorMode::Unconfined, false), ("prompt", AppArmorMode::Prompt, true), ("user", AppArmorMode::Unknown("user".into()), false)] {
            let l = parse(&format!("p ({word})")).unwrap();
            assert_eq!((&l.profiles[0].mode, l.profiles[0].mode.as_str(), l.confined), (&mode, word, confines), "{word}");
            assert!(l.explanation.contains(&mode.explanation()), "{}", l.explanation);
        }
        assert_eq!(AppArmorMode::Unknown("user".into()).explanation(), "mode \"user\", which this tool does not know.");
    }

    #[test]
    fn errors_are_sentences() {
        assert_eq!(parse("\n\0\n"), Err(AppArmorError::Empty));
        assert!(matches!(parse("hello world"), Err(AppArmorError::MissingMode { line: 1, .. })));
        assert!(matches!(parse("a (enforce)\nb (enforce)"), Err(AppArmorError::ExtraLine { line: 2 })));
        assert!(matches!(parse("system_u:system_r:container_t:s0:c1,c2"), Err(AppArmorError::SelinuxContext { .. })));
        assert!(matches!(parse(&"a".repeat(MAX_LABEL_BYTES + 1)), Err(AppArmorError::TooLong { .. })));
        assert!(parse("hello").err().map(|e| e.to_string()).unwrap_or_default().ends_with('.'));
    }
}
