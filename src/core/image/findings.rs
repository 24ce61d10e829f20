//! Security-relevant findings over an image's merged filesystem and config: setuid/setgid
//! files, world-writable paths, file capabilities, root user, secret-looking environment
//! names, dangling hard links, escaping symlinks, duplicate and traversal entries.
//!
//! Mode bits as in [inode(7)](https://man7.org/linux/man-pages/man7/inode.7.html); file
//! capabilities as in [capabilities(7)](https://man7.org/linux/man-pages/man7/capabilities.7.html).

use super::fs_tree::{components, display_bytes, PathTree, NONE};
use super::layer::{Entry, LayerIndex, StrTable, FLAG_DOTDOT, FLAG_DUPLICATE};
use super::merge::{Merged, ST_PRESENT};
use super::report::{ContainerConfig, EntryKind, Finding, FindingKind, Severity};
use super::xattr::decode_file_caps;

/// Most findings of one kind listed per image (the rest are summarized in one item).
pub const MAX_FINDINGS_PER_KIND: usize = 500;

/// Environment variable name fragments that suggest a secret.
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "ACCESS_KEY",
    "CREDENTIAL",
];

/// Whether a `User` value means root (empty, `0`, `root`, optionally with a `:group`).
pub fn is_root_user(user: Option<&str>) -> bool {
    let u = user.unwrap_or("").trim();
    let name = u.split_once(':').map_or(u, |(n, _)| n);
    name.is_empty() || name == "0" || name == "root"
}

/// Whether a symlink at `link_path` with `target` escapes the root when resolved lexically.
pub fn symlink_escapes(link_path: &[u8], target: &[u8]) -> bool {
    if target.starts_with(b"/") {
        // Absolute targets resolve inside the container root; `..` above `/` stays at `/`.
        return false;
    }
    let (dir, _) = components(link_path);
    let mut depth = dir.len().saturating_sub(1) as i64;
    for c in target.split(|&b| b == b'/') {
        match c {
            b"" | b"." => {}
            b".." => {
                depth -= 1;
                if depth < 0 {
                    return true;
                }
            }
            _ => depth += 1,
        }
    }
    false
}

struct Out {
    items: Vec<Finding>,
    per_kind: std::collections::HashMap<&'static str, usize>,
}

impl Out {
    fn push(&mut self, key: &'static str, f: Finding) {
        let n = self.per_kind.entry(key).or_insert(0);
        *n += 1;
        if *n <= MAX_FINDINGS_PER_KIND {
            self.items.push(f);
        }
    }
}

pub(crate) fn findings(
    tree: &PathTree,
    _strings: &StrTable,
    layers: &[&LayerIndex],
    merged: &Merged,
    cfg: &ContainerConfig,
) -> Vec<Finding> {
    let mut out = Out {
        items: Vec::new(),
        per_kind: Default::default(),
    };
    config_findings(cfg, &mut out);
    for (n, m) in merged.nodes.iter().enumerate() {
        if m.status != ST_PRESENT || m.entry == NONE {
            continue;
        }
        let Some(e) = layers
            .get(m.layer as usize)
            .and_then(|l| l.entries.get(m.entry as usize))
        else {
            continue;
        };
        entry_findings(
            tree,
            u32::try_from(n).unwrap_or(NONE),
            e,
            m.layer as usize,
            &mut out,
        );
    }
    layer_findings(tree, layers, merged, &mut out);
    finish(out)
}

/// From the config: a root user, environment variables that look like secrets.
fn config_findings(cfg: &ContainerConfig, out: &mut Out) {
    if is_root_user(cfg.user.as_deref()) {
        out.push(
            "root",
            Finding {
                kind: FindingKind::RunsAsRoot,
                severity: Severity::Medium,
                path: String::new(),
                layer: None,
                detail: match cfg.user.as_deref() {
                    None | Some("") => "the image sets no User, so it runs as root (uid 0)".into(),
                    Some(u) => format!("the image runs as `{u}`, which is root"),
                },
            },
        );
    }
    for env in &cfg.env {
        let name = env.split_once('=').map_or(env.as_str(), |(n, _)| n);
        let upper = name.to_ascii_uppercase();
        if let Some(w) = SECRET_WORDS.iter().find(|w| upper.contains(*w)) {
            let has_value = env.split_once('=').is_some_and(|(_, v)| !v.is_empty());
            out.push(
                "env",
                Finding {
                    kind: FindingKind::SecretEnv,
                    severity: if has_value {
                        Severity::High
                    } else {
                        Severity::Low
                    },
                    path: String::new(),
                    layer: None,
                    detail: format!(
                        "environment variable `{name}` looks like a secret (contains `{w}`){}",
                        if has_value {
                            " and has a value baked into the image"
                        } else {
                            ""
                        }
                    ),
                },
            );
        }
    }
}

/// From one entry of the merged filesystem (`node`, written by layer `layer`): setuid, setgid,
/// world-writable, file capabilities, symlinks that climb out or are absolute.
fn entry_findings(tree: &PathTree, node: u32, e: &Entry, layer: usize, out: &mut Out) {
    let layer = Some(layer);
    let path = || display_bytes(&tree.path(node));
    if e.kind == EntryKind::File && e.mode & 0o4000 != 0 {
        out.push(
            "suid",
            Finding {
                kind: FindingKind::Setuid,
                severity: if e.uid == 0 {
                    Severity::High
                } else {
                    Severity::Medium
                },
                path: path(),
                layer,
                detail: format!("setuid file owned by uid {}", e.uid),
            },
        );
    }
    if e.kind == EntryKind::File && e.mode & 0o2000 != 0 {
        out.push(
            "sgid",
            Finding {
                kind: FindingKind::Setgid,
                severity: Severity::Medium,
                path: path(),
                layer,
                detail: format!("setgid file owned by gid {}", e.gid),
            },
        );
    }
    if matches!(e.kind, EntryKind::File | EntryKind::Dir) && e.mode & 0o002 != 0 {
        let sticky = e.kind == EntryKind::Dir && e.mode & 0o1000 != 0;
        out.push(
            if sticky { "ww_sticky" } else { "ww" },
            Finding {
                kind: if sticky {
                    FindingKind::WorldWritableSticky
                } else {
                    FindingKind::WorldWritable
                },
                severity: if sticky {
                    Severity::Info
                } else {
                    Severity::Medium
                },
                path: path(),
                layer,
                detail: if sticky {
                    "world-writable directory with the sticky bit (like /tmp)".into()
                } else if e.kind == EntryKind::Dir {
                    "world-writable directory".into()
                } else {
                    "world-writable file".into()
                },
            },
        );
    }
    if let Some(x) = &e.extra {
        if let Some((_, raw)) = x.xattrs.iter().find(|(k, _)| k == "security.capability") {
            let detail = match decode_file_caps(raw) {
                Some(c) => c.text,
                None => format!("undecodable security.capability ({} bytes)", raw.len()),
            };
            out.push(
                "caps",
                Finding {
                    kind: FindingKind::FileCapabilities,
                    severity: Severity::High,
                    path: path(),
                    layer,
                    detail,
                },
            );
        }
    }
    if e.kind == EntryKind::Symlink {
        let target = e.link.as_deref().unwrap_or(&[]);
        let p = tree.path(node);
        if symlink_escapes(&p, target) {
            out.push(
                "symesc",
                Finding {
                    kind: FindingKind::SymlinkEscapesRoot,
                    severity: Severity::Medium,
                    path: path(),
                    layer,
                    detail: format!(
                        "symlink to `{}` climbs above the image root",
                        display_bytes(target)
                    ),
                },
            );
        } else if target.starts_with(b"/") {
            out.push("symabs", Finding { kind: FindingKind::SymlinkAbsolute, severity: Severity::Info, path: path(), layer, detail: format!("absolute symlink to `{}` (resolves inside the container, but outside it when extracted naively)", display_bytes(target)) });
        }
    }
}

/// From the layers themselves: hard links to missing targets, duplicate entries, `..` names.
fn layer_findings(tree: &PathTree, layers: &[&LayerIndex], merged: &Merged, out: &mut Out) {
    for &(pos, ei) in &merged.missing_hardlinks {
        if let Some(e) = layers.get(pos).and_then(|l| l.entries.get(ei as usize)) {
            out.push(
                "hl",
                Finding {
                    kind: FindingKind::HardlinkMissingTarget,
                    severity: Severity::Low,
                    path: display_bytes(&tree.path(e.node)),
                    layer: Some(pos),
                    detail: format!(
                        "hard link to `{}`, which is not in the image at that point",
                        display_bytes(e.link.as_deref().unwrap_or(&[]))
                    ),
                },
            );
        }
    }
    for (pos, l) in layers.iter().enumerate() {
        for e in &l.entries {
            if e.flags & FLAG_DUPLICATE != 0 {
                out.push(
                    "dup",
                    Finding {
                        kind: FindingKind::DuplicateEntry,
                        severity: Severity::Low,
                        path: display_bytes(&tree.path(e.node)),
                        layer: Some(pos),
                        detail: "the path occurs more than once in this layer; the last one wins"
                            .into(),
                    },
                );
            }
            if e.flags & FLAG_DOTDOT != 0 {
                let raw = e
                    .extra
                    .as_ref()
                    .and_then(|x| x.raw_path.clone())
                    .unwrap_or_else(|| tree.path(e.node));
                out.push("trav", Finding { kind: FindingKind::PathTraversal, severity: Severity::High, path: display_bytes(&raw), layer: Some(pos), detail: "entry name contains `..`; it was not merged (a naive extractor would write outside the target)".into() });
            }
        }
    }
}

/// The capped kinds summarised in one finding, and the list sorted (severity, then path).
fn finish(mut out: Out) -> Vec<Finding> {
    let mut summary = Vec::new();
    for (k, n) in &out.per_kind {
        if *n > MAX_FINDINGS_PER_KIND {
            summary.push(format!("{k}: {n}"));
        }
    }
    if !summary.is_empty() {
        summary.sort();
        out.items.push(Finding {
            kind: FindingKind::DuplicateEntry,
            severity: Severity::Info,
            path: String::new(),
            layer: None,
            detail: format!(
                "only the first {MAX_FINDINGS_PER_KIND} findings of each kind are listed ({})",
                summary.join(", ")
            ),
        });
    }
    out.items.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.path.cmp(&b.path))
    });
    out.items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert!(symlink_escapes(b"etc/link", b"../../x"));
        assert!(!symlink_escapes(b"etc/link", b"../x"));
        assert!(!symlink_escapes(b"etc/link", b"/etc/passwd"));
        assert!(symlink_escapes(b"link", b".."));
        assert!(is_root_user(None));
        assert!(is_root_user(Some("0:0")));
        assert!(!is_root_user(Some("1000:1000")));
    }
}
