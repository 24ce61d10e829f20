//! The reader: AppArmor profile text to a flat list of items, each explained.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The largest profile text read (distribution profiles are a few KB; 1 MiB is generous).
pub const MAX_PROFILE_TEXT_BYTES: usize = 1 << 20;
/// Most items (rules, headers, includes) read.
pub const MAX_ITEMS: usize = 20_000;
/// Deepest nesting of profiles and hats.
pub const MAX_DEPTH: usize = 16;

/// `audit`, `deny`, `allow`, `owner` before a rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Qualifiers {
    pub audit: bool,
    pub deny: bool,
    pub allow: bool,
    pub owner: bool,
}

/// What an item is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ItemKind {
    Abi { abi: String },
    Include { path: String, if_exists: bool },
    Variable { name: String, values: Vec<String> },
    ProfileStart { name: String, attachment: Option<String>, flags: Vec<String> },
    ProfileEnd,
    /// `file,` (no path: every file), or `PATH PERMS [-> TARGET]`.
    File { path: Option<String>, perms: Option<String>, target: Option<String> },
    Capability { caps: Vec<String> },
    Network { terms: Vec<String> },
    Mount { rest: String },
    Umount { rest: String },
    Remount { rest: String },
    PivotRoot { rest: String },
    Ptrace { perms: Vec<String>, peer: Option<String> },
    Signal { perms: Vec<String>, set: Vec<String>, peer: Option<String> },
    /// A rule kind this reader does not explain (dbus, unix, change_profile, rlimit, …): kept.
    Other { keyword: String },
}

/// One statement of the profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// 1-based line where it starts.
    pub line: usize,
    /// Nesting: 0 outside profiles, 1 inside a profile, 2 inside a hat or child profile.
    pub depth: usize,
    /// The statement as written (without its comment).
    pub raw: String,
    pub qualifiers: Qualifiers,
    pub kind: ItemKind,
    /// The profile's own comment on it (the lines before it and the rest of its line).
    pub comment: Option<String>,
    /// Plain words.
    pub explanation: String,
}

/// A profile text read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileText {
    pub items: Vec<Item>,
    pub warnings: Vec<String>,
}

/// Why a profile text could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProfileTextError {
    TooLarge { bytes: usize },
    TooManyItems { line: usize },
    TooDeep { line: usize },
    Empty,
}

impl fmt::Display for ProfileTextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProfileTextError::TooLarge { bytes } => write!(f, "The AppArmor profile is {bytes} bytes long, more than the {MAX_PROFILE_TEXT_BYTES} bytes this tool reads."),
            ProfileTextError::TooManyItems { line } => write!(f, "Line {line}: the AppArmor profile has more than {MAX_ITEMS} rules, more than this tool reads."),
            ProfileTextError::TooDeep { line } => write!(f, "Line {line}: profiles are nested more than {MAX_DEPTH} deep."),
            ProfileTextError::Empty => write!(f, "The AppArmor profile text has no rules, only comments and blank lines."),
        }
    }
}

impl std::error::Error for ProfileTextError {}

struct Statement {
    line: usize,
    text: String,
    end: End,
    end_line: usize,
}

#[derive(PartialEq)]
enum End {
    Comma,
    Newline,
    Open,
    Close,
    Eof,
}

fn is_line_statement(t: &str) -> bool {
    let t = t.trim_start();
    t.starts_with("#include") || t.starts_with("include ") || t.starts_with("include<") || is_variable(t)
}

fn is_variable(t: &str) -> bool {
    let Some(rest) = t.strip_prefix("@{") else { return false };
    let Some(close) = rest.find('}') else { return false };
    let after = rest[close + 1..].trim_start();
    after.starts_with('=') || after.starts_with("+=")
}

/// Splits the text into statements, with comments attached.
fn scan(text: &str) -> (Vec<Statement>, Vec<(usize, String)>) {
    let mut out = Vec::new();
    let mut comments = Vec::new();
    let mut buf = String::new();
    let (mut line, mut start_line) = (1usize, 1usize);
    let (mut paren, mut glob, mut bracket) = (0usize, 0usize, 0usize);
    let mut quote = false;
    let mut chars = text.chars().peekable();
    let emit = |buf: &mut String, start: usize, end: End, end_line: usize, out: &mut Vec<Statement>| {
        let t = buf.trim().to_owned();
        if !t.is_empty() || end == End::Open || end == End::Close {
            out.push(Statement { line: start, text: t, end, end_line });
        }
        buf.clear();
    };
    while let Some(c) = chars.next() {
        if buf.trim().is_empty() && !quote {
            start_line = line;
        }
        match c {
            '"' => {
                quote = !quote;
                buf.push(c);
            }
            _ if quote => {
                if c == '\n' {
                    line += 1;
                }
                buf.push(c);
            }
            '#' if buf.trim().is_empty() && text_at(&mut chars.clone(), "include") => {
                buf.push(c);
            }
            '#' if buf.is_empty() || buf.ends_with(char::is_whitespace) || buf.trim().is_empty() => {
                let mut comment = String::new();
                while let Some(&n) = chars.peek() {
                    if n == '\n' {
                        break;
                    }
                    comment.push(n);
                    chars.next();
                }
                comments.push((line, comment.trim().to_owned()));
            }
            '\n' => {
                if is_line_statement(&buf) && paren == 0 && glob == 0 {
                    emit(&mut buf, start_line, End::Newline, line, &mut out);
                } else {
                    buf.push(' ');
                }
                line += 1;
            }
            '(' => {
                paren += 1;
                buf.push(c);
            }
            ')' => {
                paren = paren.saturating_sub(1);
                buf.push(c);
            }
            '[' => {
                bracket += 1;
                buf.push(c);
            }
            ']' => {
                bracket = bracket.saturating_sub(1);
                buf.push(c);
            }
            '{' if paren == 0 && bracket == 0 && glob == 0 && (buf.is_empty() || buf.ends_with(char::is_whitespace)) => {
                emit(&mut buf, start_line, End::Open, line, &mut out);
            }
            '{' => {
                glob += 1;
                buf.push(c);
            }
            '}' if glob > 0 => {
                glob -= 1;
                buf.push(c);
            }
            '}' => {
                if !buf.trim().is_empty() {
                    emit(&mut buf, start_line, End::Eof, line, &mut out);
                }
                emit(&mut buf, line, End::Close, line, &mut out);
            }
            ',' if paren == 0 && glob == 0 && bracket == 0 => emit(&mut buf, start_line, End::Comma, line, &mut out),
            _ => buf.push(c),
        }
    }
    emit(&mut buf, start_line, End::Eof, line, &mut out);
    (out, comments)
}

fn text_at(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, word: &str) -> bool {
    word.chars().all(|w| chars.next() == Some(w))
}

/// Splits a rule into words, keeping `( … )` groups and quoted strings whole.
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut paren, mut quote) = (0usize, false);
    for c in text.chars() {
        match c {
            '"' => {
                quote = !quote;
                cur.push(c);
            }
            '(' if !quote => {
                paren += 1;
                cur.push(c);
            }
            ')' if !quote => {
                paren = paren.saturating_sub(1);
                cur.push(c);
            }
            c if c.is_whitespace() && !quote && paren == 0 => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn unquote(s: &str) -> String {
    s.strip_prefix('"').and_then(|x| x.strip_suffix('"')).unwrap_or(s).to_owned()
}

fn list(group: &str) -> Vec<String> {
    let inner = group.trim().trim_start_matches('(').trim_end_matches(')');
    inner.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

/// Reads profile text.
///
/// # Errors
/// [`ProfileTextError`] when the text is too large, too deeply nested, has too many rules, or
/// has no statement at all. Statements it cannot explain are kept as [`ItemKind::Other`].
///
/// ```
/// use tarsier::core::apparmor_profile::{parse, ItemKind};
/// let p = parse("profile x flags=(complain) {\n  deny /etc/shadow r,  # secrets\n  capability net_raw,\n}\n").unwrap();
/// assert!(matches!(p.items[0].kind, ItemKind::ProfileStart { .. }));
/// assert_eq!(p.items[1].explanation, "Denies read (r) of /etc/shadow silently (deny rules are not logged unless audited).");
/// assert_eq!(p.items[1].comment.as_deref(), Some("secrets"));
/// ```
pub fn parse(text: &str) -> Result<ProfileText, ProfileTextError> {
    if text.len() > MAX_PROFILE_TEXT_BYTES {
        return Err(ProfileTextError::TooLarge { bytes: text.len() });
    }
    let (statements, comments) = scan(text);
    let mut items = Vec::new();
    let mut warnings = Vec::new();
    let mut depth = 0usize;
    let mut prev_end_line = 0usize;
    for st in statements {
        if items.len() >= MAX_ITEMS {
            return Err(ProfileTextError::TooManyItems { line: st.line });
        }
        // Comments between the previous statement and this one, and on this statement's lines
        // (apparmor.d(5): "Comments start with # and may begin at any place within a line").
        let own: Vec<&str> = comments
            .iter()
            .filter(|(l, _)| (*l > prev_end_line && *l <= st.end_line) || *l == st.end_line)
            .map(|(_, c)| c.as_str())
            .filter(|c| !c.is_empty())
            .collect();
        let comment = (!own.is_empty()).then(|| own.join(" "));
        prev_end_line = st.end_line;
        match st.end {
            End::Close => {
                if depth == 0 {
                    warnings.push(format!("Line {}: a closing brace with no profile open.", st.line));
                } else {
                    depth -= 1;
                }
                items.push(Item { line: st.line, depth, raw: "}".to_owned(), qualifiers: Qualifiers::default(), kind: ItemKind::ProfileEnd, comment, explanation: "End of the profile.".to_owned() });
                continue;
            }
            End::Open => {
                let (kind, explanation) = header(&st.text);
                items.push(Item { line: st.line, depth, raw: format!("{} {{", st.text), qualifiers: Qualifiers::default(), kind, comment, explanation });
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(ProfileTextError::TooDeep { line: st.line });
                }
                continue;
            }
            End::Eof if !st.text.starts_with("#include") && !st.text.starts_with("include") && !is_variable(&st.text) => {
                warnings.push(format!("Line {}: {:?} does not end with a comma.", st.line, st.text));
            }
            _ => {}
        }
        let (qualifiers, kind, explanation) = rule(&st.text);
        let raw = if st.end == End::Comma { format!("{},", st.text) } else { st.text.clone() };
        items.push(Item { line: st.line, depth, raw, qualifiers, kind, comment, explanation });
    }
    if depth > 0 {
        warnings.push("The text ends before a profile's closing brace.".to_owned());
    }
    if items.is_empty() {
        return Err(ProfileTextError::Empty);
    }
    Ok(ProfileText { items, warnings })
}

fn flag_meaning(flag: &str) -> String {
    match flag {
        "attach_disconnected" => "attach_disconnected (paths outside the process's mount namespace are resolved as if under /)".to_owned(),
        "mediate_deleted" => "mediate_deleted (files deleted while open are still checked by their path)".to_owned(),
        "complain" => "complain (learning mode: nothing is denied, violations are logged)".to_owned(),
        "enforce" => "enforce".to_owned(),
        "unconfined" => "unconfined (no restrictions)".to_owned(),
        "kill" => "kill (a violation kills the task)".to_owned(),
        "audit" => "audit (every access is logged)".to_owned(),
        other => other.to_owned(),
    }
}

fn header(text: &str) -> (ItemKind, String) {
    let w = words(text);
    let mut i = 0;
    let keyword = match w.first().map(String::as_str) {
        Some("profile") | Some("hat") => {
            i = 1;
            w.first().cloned().unwrap_or_default()
        }
        _ => String::new(),
    };
    let mut name = w.get(i).map(|s| unquote(s)).unwrap_or_default();
    if let Some(hat) = name.strip_prefix('^') {
        name = hat.to_owned();
    }
    let mut attachment = None;
    let mut flags = Vec::new();
    for word in w.iter().skip(i + 1) {
        if let Some(f) = word.strip_prefix("flags=") {
            flags = list(f);
        } else if attachment.is_none() {
            attachment = Some(unquote(word));
        }
    }
    if name.is_empty() || (keyword.is_empty() && !name.starts_with('/') && !text.trim_start().starts_with('^') && !text.contains("flags=")) {
        return (ItemKind::Other { keyword: text.split_whitespace().next().unwrap_or("{").to_owned() }, format!("A block this tool does not read ({text}); its rules are listed below as written."));
    }
    let what = if keyword == "hat" || text.trim_start().starts_with('^') { "Hat" } else { "Profile" };
    let mut explanation = format!("{what} {name} starts");
    if let Some(a) = &attachment {
        explanation.push_str(&format!(", attached to programs matching {a}"));
    } else if name.starts_with('/') {
        explanation.push_str(&format!(", attached to the program {name}"));
    }
    if !flags.is_empty() {
        let f: Vec<String> = flags.iter().map(|f| flag_meaning(f)).collect();
        explanation.push_str(&format!("; flags: {}", f.join(", ")));
    }
    explanation.push_str(". Anything its rules do not allow is denied.");
    (ItemKind::ProfileStart { name, attachment, flags }, explanation)
}

fn perm_words(perms: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = perms.chars().collect();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let next = chars.get(i + 1).copied();
        let next2 = chars.get(i + 2).copied();
        let (word, used) = match (c, next, next2) {
            // apparmor.d(5): "pix - discrete profile execute with inherit fallback", "cux -
            // transition to subprofile on execute with fallback to unconfined", the capital
            // letter "-- scrub the environment".
            ('p' | 'P' | 'c' | 'C', Some(f @ ('i' | 'u' | 'U')), Some('x')) => {
                let under = if matches!(c, 'p' | 'P') { "the program's own profile" } else { "a child profile" };
                let fallback = if f == 'i' { "inheriting this profile" } else { "unconfined" };
                let scrub = if c.is_ascii_uppercase() { ", with a scrubbed environment" } else { "" };
                (format!("{c}{f}x: execute under {under}, else {fallback}{scrub}"), 3)
            }
            ('i', Some('x'), _) => ("ix: execute, inheriting this profile".to_owned(), 2),
            ('p', Some('x'), _) => ("px: execute under the program's own profile".to_owned(), 2),
            ('P', Some('x'), _) => ("Px: execute under the program's own profile, with a scrubbed environment".to_owned(), 2),
            ('u', Some('x'), _) => ("ux: execute unconfined".to_owned(), 2),
            ('U', Some('x'), _) => ("Ux: execute unconfined, with a scrubbed environment".to_owned(), 2),
            ('c', Some('x'), _) => ("cx: execute under a child profile".to_owned(), 2),
            ('C', Some('x'), _) => ("Cx: execute under a child profile, with a scrubbed environment".to_owned(), 2),
            ('r', ..) => ("read (r)".to_owned(), 1),
            ('w', ..) => ("write (w)".to_owned(), 1),
            ('a', ..) => ("append (a)".to_owned(), 1),
            ('l', ..) => ("link (l)".to_owned(), 1),
            ('k', ..) => ("lock (k)".to_owned(), 1),
            ('m', ..) => ("map as executable (m)".to_owned(), 1),
            ('x', ..) => ("execute (x)".to_owned(), 1),
            (other, ..) => (format!("{other}"), 1),
        };
        out.push(word);
        i += used;
    }
    out
}

fn looks_like_perms(w: &str) -> bool {
    !w.is_empty() && w.chars().all(|c| "rwalkmxipPuUcC".contains(c))
}

fn looks_like_path(w: &str) -> bool {
    w.starts_with('/') || w.starts_with("@{") || w.starts_with('"') || w.starts_with("**")
}

fn verb(q: &Qualifiers) -> &'static str {
    if q.deny {
        "Denies"
    } else {
        "Allows"
    }
}

fn audit_note(q: &Qualifiers) -> &'static str {
    match (q.audit, q.deny) {
        (true, true) => " and logs every attempt",
        (true, false) => ", logging every use",
        (false, true) => " silently (deny rules are not logged unless audited)",
        _ => "",
    }
}

fn rule(text: &str) -> (Qualifiers, ItemKind, String) {
    let mut q = Qualifiers::default();
    let all = words(text);
    let mut w: &[String] = &all;
    while let Some(first) = w.first() {
        match first.as_str() {
            "audit" => q.audit = true,
            "deny" => q.deny = true,
            "allow" => q.allow = true,
            "owner" => q.owner = true,
            _ => break,
        }
        w = &w[1..];
    }
    let rest_text = |from: usize| w.get(from..).map(|r| r.join(" ")).unwrap_or_default();
    let first = w.first().map(String::as_str).unwrap_or("");
    let v = verb(&q);
    let owner = if q.owner { " when the process owns the file" } else { "" };
    let (kind, explanation) = match first {
        _ if text.starts_with("#include") || text.starts_with("include") => {
            let if_exists = text.contains(" if exists ");
            let path = text.rsplit(' ').next().unwrap_or("").to_owned();
            let e = format!("Includes the rules of {path}{} (shown as an include: its rules are not read here).", if if_exists { " if that file exists" } else { "" });
            (ItemKind::Include { path, if_exists }, e)
        }
        _ if is_variable(text) => {
            let (name, values) = text.split_once('=').map(|(n, v)| (n.trim().trim_end_matches('+').to_owned(), v.split_whitespace().map(str::to_owned).collect::<Vec<_>>())).unwrap_or_default();
            let e = format!("Sets the variable {name} to {}.", values.join(" "));
            (ItemKind::Variable { name, values }, e)
        }
        "abi" => {
            let abi = rest_text(1);
            (ItemKind::Abi { abi: abi.clone() }, format!("Declares the policy ABI {abi}: the kernel features the rules are written for."))
        }
        "capability" => {
            let caps: Vec<String> = w.iter().skip(1).cloned().collect();
            let e = if caps.is_empty() {
                format!("{v} every capability{} (a process still has only the capabilities its sets hold).", audit_note(&q))
            } else {
                let names: Vec<String> = caps.iter().map(|c| format!("CAP_{}", c.to_ascii_uppercase())).collect();
                format!("{v} {}{}.", names.join(", "), audit_note(&q))
            };
            (ItemKind::Capability { caps }, e)
        }
        "network" => {
            let terms: Vec<String> = w.iter().skip(1).cloned().collect();
            let e = if terms.is_empty() {
                format!("{v} all networking: every socket family and type{}.", audit_note(&q))
            } else {
                format!("{v} network sockets of {}{}.", terms.join(" "), audit_note(&q))
            };
            (ItemKind::Network { terms }, e)
        }
        "mount" => {
            let rest = rest_text(1);
            let e = if rest.is_empty() { format!("{v} every mount{}.", audit_note(&q)) } else { format!("{v} mount {rest}{}.", audit_note(&q)) };
            (ItemKind::Mount { rest }, e)
        }
        "umount" | "unmount" => {
            let rest = rest_text(1);
            let e = if rest.is_empty() { format!("{v} unmounting anything{}.", audit_note(&q)) } else { format!("{v} unmounting {rest}{}.", audit_note(&q)) };
            (ItemKind::Umount { rest }, e)
        }
        "remount" => {
            let rest = rest_text(1);
            let e = if rest.is_empty() { format!("{v} every remount{}.", audit_note(&q)) } else { format!("{v} remounting {rest}{}.", audit_note(&q)) };
            (ItemKind::Remount { rest }, e)
        }
        "pivot_root" => {
            let rest = rest_text(1);
            let e = if rest.is_empty() { format!("{v} pivot_root{}.", audit_note(&q)) } else { format!("{v} pivot_root {rest}{}.", audit_note(&q)) };
            (ItemKind::PivotRoot { rest }, e)
        }
        "ptrace" | "signal" => {
            let mut perms = Vec::new();
            let mut set = Vec::new();
            let mut peer = None;
            for word in w.iter().skip(1) {
                if let Some(p) = word.strip_prefix("peer=") {
                    peer = Some(unquote(p));
                } else if let Some(s) = word.strip_prefix("set=") {
                    set = list(s);
                } else if word.starts_with('(') {
                    perms = list(word);
                } else {
                    perms.push(word.clone());
                }
            }
            let what = if perms.is_empty() { "every kind".to_owned() } else { perms.join(", ") };
            let with = match &peer {
                Some(p) => format!(" with processes confined by {p}"),
                None => " with any process".to_owned(),
            };
            if first == "ptrace" {
                let e = format!("{v} ptrace access ({what}){with}{}.", audit_note(&q));
                (ItemKind::Ptrace { perms, peer }, e)
            } else {
                let sigs = if set.is_empty() { String::new() } else { format!(" of {}", set.join(", ")) };
                let e = format!("{v} signals{sigs} ({what}){with}{}.", audit_note(&q));
                (ItemKind::Signal { perms, set, peer }, e)
            }
        }
        "file" | "" if w.len() <= 1 => {
            let e = format!("{v} every file access{owner}{} (file rules elsewhere and other rule kinds still apply).", audit_note(&q));
            (ItemKind::File { path: None, perms: None, target: None }, e)
        }
        _ => {
            let body: &[String] = if first == "file" { &w[1..] } else { w };
            let (path, perms) = match body {
                [a, b, ..] if looks_like_path(a) && looks_like_perms(b) => (Some(a.clone()), Some(b.clone())),
                [a, b, ..] if looks_like_perms(a) && looks_like_path(b) => (Some(b.clone()), Some(a.clone())),
                _ => (None, None),
            };
            match (path, perms) {
                (Some(path), Some(perms)) => {
                    let target = body.iter().position(|x| x == "->").and_then(|i| body.get(i + 1)).cloned();
                    let words = perm_words(&perms);
                    let of = if q.deny { "of" } else { "to" };
                    let mut e = format!("{v} {} {of} {path}{owner}", words.join(", "));
                    if let Some(t) = &target {
                        e.push_str(&format!(" (executing under {t})"));
                    }
                    e.push_str(audit_note(&q));
                    e.push('.');
                    (ItemKind::File { path: Some(path), perms: Some(perms), target }, e)
                }
                _ => (
                    ItemKind::Other { keyword: first.to_owned() },
                    format!("A {first} rule, shown as written: this tool does not explain this kind of rule."),
                ),
            }
        }
    };
    (q, kind, explanation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_globs_with_commas_and_trailing_comments() {
        let p = parse("@{PROC}=/proc/\nprofile d flags=(attach_disconnected,mediate_deleted) {\n  deny @{PROC}/sys/kernel/{?,??,[^s][^h][^m]**} w,  # shm only\n  deny mount,\n  ptrace (trace,read) peer=d,\n  dbus send bus=system,\n}\n").unwrap();
        let kinds: Vec<&str> = p.items.iter().map(|i| i.raw.as_str()).collect();
        assert_eq!(kinds, ["@{PROC}=/proc/", "profile d flags=(attach_disconnected,mediate_deleted) {", "deny @{PROC}/sys/kernel/{?,??,[^s][^h][^m]**} w,", "deny mount,", "ptrace (trace,read) peer=d,", "dbus send bus=system,", "}"]);
        assert_eq!(p.items[2].comment.as_deref(), Some("shm only"));
        assert_eq!(p.items[2].explanation, "Denies write (w) of @{PROC}/sys/kernel/{?,??,[^s][^h][^m]**} silently (deny rules are not logged unless audited).");
        assert_eq!(p.items[4].explanation, "Allows ptrace access (trace, read) with processes confined by d.");
        assert!(matches!(p.items[5].kind, ItemKind::Other { .. }));
        assert_eq!(p.items[1].depth, 0);
        assert_eq!(p.items[2].depth, 1);
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    }

    #[test]
    fn includes_and_exec_modes() {
        let p = parse("#include <tunables/global>\n/usr/bin/foo {\n  include if exists <local/foo>\n  /usr/bin/bar Pix,\n  owner @{HOME}/** rw,\n}\n").unwrap();
        assert!(matches!(&p.items[0].kind, ItemKind::Include { path, if_exists: false } if path == "<tunables/global>"));
        assert!(matches!(&p.items[2].kind, ItemKind::Include { if_exists: true, .. }));
        assert!(p.items[3].explanation.contains("Pix"), "{}", p.items[3].explanation);
        assert_eq!(p.items[4].explanation, "Allows read (r), write (w) to @{HOME}/** when the process owns the file.");
        assert!(matches!(parse("# only a comment\n"), Err(ProfileTextError::Empty)));
    }

    /// The four errors name what was too much and where: the limit in the sentence and the line
    /// (1-based, counted in the text) of the first statement past it.
    #[test]
    fn errors_name_the_limit_and_the_line() {
        // MAX_DEPTH nested blocks are read; the next opening brace, on line MAX_DEPTH + 1, is refused.
        let nest = |n: usize| (0..n).map(|i| format!("{}profile p{i} {{\n", "  ".repeat(i))).collect::<String>() + &"}\n".repeat(n);
        let p = parse(&nest(MAX_DEPTH)).unwrap();
        assert_eq!(p.items.iter().map(|i| i.depth).max(), Some(MAX_DEPTH - 1));
        assert_eq!(p.items.last().map(|i| (i.line, i.depth)), Some((2 * MAX_DEPTH, 0)));
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let e = parse(&nest(MAX_DEPTH + 1)).unwrap_err();
        assert_eq!(e, ProfileTextError::TooDeep { line: MAX_DEPTH + 1 });
        assert_eq!(e.to_string(), "Line 17: profiles are nested more than 16 deep.");
        // MAX_ITEMS statements are read (the header, the rules, the closing brace); with one rule
        // more, the closing brace on line MAX_ITEMS + 1 is the statement past the limit.
        let rules = |n: usize| format!("profile t {{\n{}}}\n", "  capability chown,\n".repeat(n));
        assert_eq!(parse(&rules(MAX_ITEMS - 2)).unwrap().items.len(), MAX_ITEMS);
        let e = parse(&rules(MAX_ITEMS - 1)).unwrap_err();
        assert_eq!(e, ProfileTextError::TooManyItems { line: MAX_ITEMS + 1 });
        assert_eq!(e.to_string(), "Line 20001: the AppArmor profile has more than 20000 rules, more than this tool reads.");
        // A text of exactly MAX_PROFILE_TEXT_BYTES is read; one byte more is refused with its size.
        let head = "profile t {\n  capability chown,\n}\n#";
        let exact = format!("{head}{}", "x".repeat(MAX_PROFILE_TEXT_BYTES - head.len()));
        assert_eq!(parse(&exact).unwrap().items.len(), 3);
        let over = format!("{exact}y");
        assert_eq!(parse(&over), Err(ProfileTextError::TooLarge { bytes: MAX_PROFILE_TEXT_BYTES + 1 }));
        assert_eq!(parse(&over).unwrap_err().to_string(), "The AppArmor profile is 1048577 bytes long, more than the 1048576 bytes this tool reads.");
        let e = parse("# only comments\n\n   \n# and blank lines").unwrap_err();
        assert_eq!(e.to_string(), "The AppArmor profile text has no rules, only comments and blank lines.");
    }

    /// apparmor.d(5): "LINE RULES = ( COMMENT | INCLUDE ) [ '\r' ] '\n'" and "VARIABLE ASSIGNMENT =
    /// VARIABLE ('=' | '+=') (space separated values)" take no comma, so one at the very end of
    /// the text (no newline after it) is complete; a rule there lacks its comma.
    #[test]
    fn includes_and_variables_end_at_the_line_end_without_a_comma() {
        for (text, kind) in [("#include <tunables/global>", "include"), ("include <tunables/global>", "include"), ("include if exists <local/x>", "include"), ("@{HOMEDIRS}+=/srv/home/ /data/home/", "variable")] {
            let p = parse(text).unwrap();
            assert!(p.warnings.is_empty(), "{text}: {:?}", p.warnings);
            assert_eq!(p.items.len(), 1, "{text}");
            match (&p.items[0].kind, kind) {
                (ItemKind::Include { path, if_exists }, "include") => {
                    assert_eq!(path, text.rsplit(' ').next().unwrap());
                    assert_eq!(*if_exists, text.contains(" if exists "));
                    assert_eq!(p.items[0].explanation, format!("Includes the rules of {path}{} (shown as an include: its rules are not read here).", if *if_exists { " if that file exists" } else { "" }));
                }
                (ItemKind::Variable { name, values }, "variable") => {
                    assert_eq!((name.as_str(), values.as_slice()), ("@{HOMEDIRS}", ["/srv/home/".to_owned(), "/data/home/".to_owned()].as_slice()));
                    assert_eq!(p.items[0].explanation, "Sets the variable @{HOMEDIRS} to /srv/home/ /data/home/.");
                }
                (other, _) => panic!("{text}: {other:?}"),
            }
        }
        let p = parse("abi <abi/3.0>,\ncapability chown").unwrap();
        assert_eq!(p.warnings, ["Line 2: \"capability chown\" does not end with a comma."]);
        assert!(matches!(&p.items[0].kind, ItemKind::Abi { abi } if abi == "<abi/3.0>"), "{:?}", p.items[0]);
        assert_eq!(p.items[0].explanation, "Declares the policy ABI <abi/3.0>: the kernel features the rules are written for.");
    }

    /// Profile and hat headers as apparmor.d(5) writes them: "PROFILE HEAD = [ 'profile' ]
    /// FILEGLOB | 'profile' PROFILE NAME", an optional attachment, "PROFILE FLAG CONDS = [
    /// 'flags=' ] '(' comma or white space separated list of PROFILE FLAGS ')'", "HAT = ('hat' |
    /// '^') HATNAME"; each flag with the man page's meaning ("complain … the action will be
    /// allowed, but the violation will be logged", "kill … the task is also sent a signal to kill
    /// it", "audit This flag causes all actions whether allowed or denied to be logged",
    /// "unconfined … behave as though they are unconfined"); a qualifier block is kept.
    #[test]
    fn headers_name_the_profile_its_attachment_and_its_flags() {
        let text = "profile web /usr/sbin/httpd flags=(complain, audit) {\n  ^HANDLER {\n  }\n  hat other flags=(kill) {\n  }\n}\n/usr/bin/tool flags=(unconfined,mediate_deleted attach_disconnected,chroot_relative) {\n  audit {\n  }\n}\nprofile last flags=(enforce) {\n}\n";
        let p = parse(text).unwrap();
        let starts: Vec<(&ItemKind, &str, usize)> = p.items.iter().filter(|i| !matches!(i.kind, ItemKind::ProfileEnd)).map(|i| (&i.kind, i.explanation.as_str(), i.depth)).collect();
        let start = |name: &str, attachment: Option<&str>, flags: &[&str]| ItemKind::ProfileStart { name: name.to_owned(), attachment: attachment.map(str::to_owned), flags: flags.iter().map(|f| f.to_string()).collect() };
        assert_eq!(starts[0].0, &start("web", Some("/usr/sbin/httpd"), &["complain", "audit"]));
        assert_eq!(starts[0].1, "Profile web starts, attached to programs matching /usr/sbin/httpd; flags: complain (learning mode: nothing is denied, violations are logged), audit (every access is logged). Anything its rules do not allow is denied.");
        assert_eq!((starts[1].0, starts[1].2), (&start("HANDLER", None, &[]), 1));
        assert_eq!(starts[1].1, "Hat HANDLER starts. Anything its rules do not allow is denied.");
        assert_eq!(starts[2].0, &start("other", None, &["kill"]));
        assert_eq!(starts[2].1, "Hat other starts; flags: kill (a violation kills the task). Anything its rules do not allow is denied.");
        assert_eq!(starts[3].0, &start("/usr/bin/tool", None, &["unconfined", "mediate_deleted", "attach_disconnected", "chroot_relative"]));
        assert_eq!(starts[3].1, "Profile /usr/bin/tool starts, attached to the program /usr/bin/tool; flags: unconfined (no restrictions), mediate_deleted (files deleted while open are still checked by their path), attach_disconnected (paths outside the process's mount namespace are resolved as if under /), chroot_relative. Anything its rules do not allow is denied.");
        assert_eq!(starts[4].0, &ItemKind::Other { keyword: "audit".to_owned() });
        assert_eq!(starts[4].1, "A block this tool does not read (audit); its rules are listed below as written.");
        assert_eq!(starts[5].0, &start("last", None, &["enforce"]));
        assert_eq!(starts[5].1, "Profile last starts; flags: enforce. Anything its rules do not allow is denied.");
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(p.items.iter().filter(|i| i.kind == ItemKind::ProfileEnd).map(|i| (i.line, i.depth)).collect::<Vec<_>>(), [(3, 1), (5, 1), (6, 0), (9, 1), (10, 0), (12, 0)]);
    }

    /// Lines are counted through quoted strings (a newline inside quotes is still a line of the
    /// text), and a block without a name is kept as a block this tool does not read.
    #[test]
    fn lines_count_through_quotes_and_nameless_blocks_are_kept() {
        let text = "profile t {\n  \"/srv/a\nb\" r,\n  capability chown,\n  \"/srv/c d\" w,\n}\nprofile {\n}\n";
        let p = parse(text).unwrap();
        assert_eq!(p.items.iter().map(|i| (i.line, i.depth)).collect::<Vec<_>>(), [(1, 0), (2, 1), (4, 1), (5, 1), (6, 0), (7, 0), (8, 0)]);
        assert!(matches!(&p.items[1].kind, ItemKind::File { path: Some(path), .. } if path == "\"/srv/a\nb\""), "{:?}", p.items[1]);
        assert!(matches!(&p.items[3].kind, ItemKind::File { path: Some(path), .. } if path == "\"/srv/c d\""), "{:?}", p.items[3]);
        assert_eq!(p.items[5].kind, ItemKind::Other { keyword: "profile".to_owned() });
        assert_eq!(p.items[5].explanation, "A block this tool does not read (profile); its rules are listed below as written.");
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    }

    /// Words as apparmor.d(5) quotes them: a quoted string is one word whatever it holds, so a
    /// quoted `(` or `)` opens or closes no list and a quoted space splits nothing, inside a
    /// parenthesised list too.
    #[test]
    fn quoted_parentheses_and_spaces_stay_in_their_word() {
        let w = |t: &str| words(t);
        assert_eq!(w(r#"profile "app (beta" /usr/bin/app flags=(complain) {"#), [r#"profile"#, r#""app (beta""#, "/usr/bin/app", "flags=(complain)", "{"]);
        assert_eq!(w(r#"mount options=("a)b" ro) -> /mnt/,"#), [r#"mount"#, r#"options=("a)b" ro)"#, "->", "/mnt/,"]);
        assert_eq!(w("ptrace (trace, read) peer=d"), ["ptrace", "(trace, read)", "peer=d"]);
    }

    /// Mount rules and the other kinds with their rest as written (apparmor.d(5): "MOUNT = [
    /// QUALIFIERS ] 'mount' [ MOUNT CONDITIONS ] [ SOURCE ] …", "REMOUNT", "UMOUNT", "PIVOT ROOT
    /// RULE"); `allow` is the default verb; `->` names the exec target.
    #[test]
    fn mount_rules_and_exec_targets_in_words() {
        let text = "profile t {\n  mount fstype=tmpfs -> /tmp/,\n  allow mount,\n  deny unmount /mnt/,\n  umount,\n  audit remount /srv/,\n  remount,\n  pivot_root oldroot=/old/ /new/,\n  deny pivot_root,\n  /usr/bin/helper Cx -> helper,\n  deny /usr/bin/x x,\n  unix (send) type=stream,\n  ptrace,\n  signal,\n  profile helper {\n  }\n}\n";
        let p = parse(text).unwrap();
        let words: Vec<&str> = p.items.iter().map(|i| i.explanation.as_str()).collect();
        assert_eq!(
            words[1..15],
            [
                "Allows mount fstype=tmpfs -> /tmp/.",
                "Allows every mount.",
                "Denies unmounting /mnt/ silently (deny rules are not logged unless audited).",
                "Allows unmounting anything.",
                "Allows remounting /srv/, logging every use.",
                "Allows every remount.",
                "Allows pivot_root oldroot=/old/ /new/.",
                "Denies pivot_root silently (deny rules are not logged unless audited).",
                "Allows Cx: execute under a child profile, with a scrubbed environment to /usr/bin/helper (executing under helper).",
                "Denies execute (x) of /usr/bin/x silently (deny rules are not logged unless audited).",
                "A unix rule, shown as written: this tool does not explain this kind of rule.",
                "Allows ptrace access (every kind) with any process.",
                "Allows signals (every kind) with any process.",
                "Profile helper starts. Anything its rules do not allow is denied.",
            ]
        );
        assert!(p.items[2].qualifiers.allow && !p.items[2].qualifiers.deny, "{:?}", p.items[2]);
        assert!(matches!(&p.items[9].kind, ItemKind::File { target: Some(t), .. } if t == "helper"), "{:?}", p.items[9]);
        assert!(matches!(&p.items[1].kind, ItemKind::Mount { rest } if rest == "fstype=tmpfs -> /tmp/"), "{:?}", p.items[1]);
        assert!(matches!(&p.items[3].kind, ItemKind::Umount { rest } if rest == "/mnt/"), "{:?}", p.items[3]);
        assert!(matches!(&p.items[5].kind, ItemKind::Remount { rest } if rest == "/srv/"), "{:?}", p.items[5]);
        assert!(matches!(&p.items[7].kind, ItemKind::PivotRoot { rest } if rest == "oldroot=/old/ /new/"), "{:?}", p.items[7]);
        assert!(matches!(&p.items[11].kind, ItemKind::Other { keyword } if keyword == "unix"), "{:?}", p.items[11]);
    }

    /// File permissions are the letters of apparmor.d(5) (`rwalkmx`, with `i p P u U c C` for
    /// exec modes): a word with any other letter is not read as permissions.
    #[test]
    fn only_apparmor_permission_letters_are_permissions() {
        let p = parse("profile t {\n  /etc/shadow rwz,\n  rw /etc/hosts,\n  /etc/passwd Ux,\n}\n").unwrap();
        assert!(matches!(&p.items[1].kind, ItemKind::Other { .. }), "{:?}", p.items[1]);
        assert!(matches!(&p.items[2].kind, ItemKind::File { path: Some(path), .. } if path == "/etc/hosts"), "{:?}", p.items[2]);
        assert!(matches!(&p.items[3].kind, ItemKind::File { perms: Some(perms), .. } if perms == "Ux"), "{:?}", p.items[3]);
        // A link rule's keyword is not permissions before its path: shown as written.
        let p = parse("profile t {\n  link /srv/a -> /srv/b,\n}\n").unwrap();
        assert!(matches!(&p.items[1].kind, ItemKind::Other { keyword } if keyword == "link"), "{:?}", p.items[1]);
    }
}
