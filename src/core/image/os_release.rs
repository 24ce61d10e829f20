//! What the image says it is: `/etc/os-release` (or `/usr/lib/os-release`, where the first is
//! missing or a symlink to it), as os-release(5) defines the file — `KEY=value` lines, the value
//! optionally in double or single quotes, with `\`-escapes inside double quotes, as a POSIX
//! shell reads it (`tests/oracle.rs` compares with `/bin/sh` sourcing the file).
//!
//! The bodies come from the layers' captured files ([`capture_of`](super::layer::capture_of)); the
//! version read is the one the merged filesystem shows (the last layer that wrote it), and the
//! report names that layer. The value ([`OsRelease`]) is part of the report's schema
//! (`report.rs`).

use super::fs_tree::PathTree;
use super::layer::LayerIndex;
use super::merge::{Merged, ST_PRESENT};
use super::report::{EntryKind, OsRelease};

/// Parses os-release text into `(key, value)` pairs, in order: comments and blank lines are
/// skipped; a value in double quotes keeps `\"`, `\\`, `\$` and `` \` `` as the character and any
/// other `\x` as it is; a value in single quotes is taken as written; an unquoted value ends at
/// whitespace and its backslashes escape the next character. A line that is not `KEY=value`
/// (a shell would complain) is skipped.
pub fn parse_os_release(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, raw)) = line.split_once('=') else { continue };
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') || key.as_bytes()[0].is_ascii_digit() {
            continue;
        }
        if let Some(value) = unquote(raw) {
            out.push((key.to_owned(), value));
        }
    }
    out
}

/// One shell word of quoted and unquoted parts; `None` when a quote is not closed.
fn unquote(raw: &str) -> Option<String> {
    let mut value = String::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => loop {
                match chars.next()? {
                    '"' => break,
                    '\\' => match chars.next()? {
                        e @ ('"' | '\\' | '$' | '`') => value.push(e),
                        // A backslash before a newline would join lines: not in one line here.
                        e => {
                            value.push('\\');
                            value.push(e);
                        }
                    },
                    e => value.push(e),
                }
            },
            '\'' => loop {
                match chars.next()? {
                    '\'' => break,
                    e => value.push(e),
                }
            },
            '\\' => value.push(chars.next()?),
            c if c.is_whitespace() => break,
            c => value.push(c),
        }
    }
    Some(value)
}

/// The os-release the merged filesystem shows: `etc/os-release` when it is a regular file,
/// else `usr/lib/os-release` (os-release(5): the fallback, and where `etc/os-release` usually
/// links to). `None` when neither is a file present, or its body was not captured.
pub(crate) fn os_release(tree: &PathTree, layers: &[&LayerIndex], merged: &Merged) -> Option<OsRelease> {
    ["etc/os-release", "usr/lib/os-release"].into_iter().find_map(|path| {
        let node = tree.lookup(path.as_bytes())?;
        let m = merged.nodes.get(node as usize).filter(|m| m.status == ST_PRESENT)?;
        let layer = layers.get(m.layer as usize)?;
        layer.entries.get(m.entry as usize).filter(|e| e.kind == EntryKind::File)?;
        let body = layer.captured.iter().rev().find(|(ei, _)| *ei == m.entry).map(|(_, b)| b)?;
        let fields = parse_os_release(&String::from_utf8_lossy(body));
        // The last assignment of a key wins, as in a shell.
        let get = |k: &str| fields.iter().rev().find(|(key, _)| key == k).map(|(_, v)| v.clone());
        Some(OsRelease {
            id: get("ID"),
            name: get("NAME"),
            version_id: get("VERSION_ID"),
            version_codename: get("VERSION_CODENAME"),
            pretty_name: get("PRETTY_NAME"),
            path: path.to_owned(),
            layer: m.layer as usize,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_escapes_as_a_shell_reads_them() {
        let text = "# comment\nNAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.11.6\nPRETTY_NAME=\"Alpine \\\"Linux\\\" v3.11 \\$x \\n\"\n\
                    HOME_URL='https://x/$y'\nBAD LINE\n9X=1\nOPEN=\"never closed\nMIXED=a'b c'\\ d e\n";
        let got = parse_os_release(text);
        let get = |k: &str| got.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
        assert_eq!(get("NAME"), Some("Alpine Linux"));
        assert_eq!(get("ID"), Some("alpine"));
        assert_eq!(get("PRETTY_NAME"), Some("Alpine \"Linux\" v3.11 $x \\n"));
        assert_eq!(get("HOME_URL"), Some("https://x/$y"));
        assert_eq!(get("MIXED"), Some("ab c d"));
        assert_eq!(get("OPEN"), None, "an unclosed quote is skipped");
        assert_eq!(get("9X"), None, "not a shell name");
        assert_eq!(got.len(), 6);
    }

    #[test]
    fn the_name_shown_falls_back_to_name_and_version_then_id() {
        let mut os = OsRelease { id: Some("debian".into()), ..OsRelease::default() };
        assert_eq!(os.display().as_deref(), Some("debian"));
        os.name = Some("Debian GNU/Linux".into());
        os.version_id = Some("12".into());
        assert_eq!(os.display().as_deref(), Some("Debian GNU/Linux 12"));
        os.pretty_name = Some(String::new());
        assert_eq!(os.display().as_deref(), Some("Debian GNU/Linux 12"), "an empty PRETTY_NAME is no name");
        os.pretty_name = Some("Debian GNU/Linux 12 (bookworm)".into());
        assert_eq!(os.display().as_deref(), Some("Debian GNU/Linux 12 (bookworm)"));
    }
}
