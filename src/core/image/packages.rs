//! Installed packages per layer, from the package databases the layers carry:
//! dpkg's `var/lib/dpkg/status` and distroless `var/lib/dpkg/status.d/*`
//! ([deb-control(5)](https://manpages.debian.org/bookworm/dpkg-dev/deb-control.5.en.html) stanzas)
//! and apk's `lib/apk/db/installed` ([apk installed-db format](https://wiki.alpinelinux.org/wiki/Apk_spec#Installed_Database_V2):
//! `P:` name, `V:` version, `A:` arch, blank line between packages).

use super::fs_tree::{PathTree, NONE};
use super::layer::LayerIndex;
use super::merge::Merged;
use super::report::{ChangeKind, Package, PackageSource, Warning};
use std::collections::BTreeMap;

/// Most packages parsed from one database.
pub const MAX_PACKAGES: usize = 100_000;

/// One package as a database lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbPackage {
    pub name: String,
    pub version: String,
    pub architecture: Option<String>,
    /// The licence the metadata states.
    pub licence: Option<String>,
    /// Where the package sits (npm and Python: a directory), part of its identity.
    pub location: Option<String>,
}

/// Parses a dpkg status file (or one `status.d` stanza file); only installed packages.
pub fn parse_dpkg_status(text: &str) -> Vec<DbPackage> {
    let mut out = Vec::new();
    for stanza in text.split("\n\n") {
        let mut name = None;
        let mut version = None;
        let mut arch = None;
        let mut status: Option<&str> = None;
        for line in stanza.lines() {
            if line.starts_with([' ', '\t']) {
                continue;
            }
            let Some((k, v)) = line.split_once(':') else {
                continue;
            };
            let v = v.trim();
            match k {
                "Package" => name = Some(v.to_owned()),
                "Version" => version = Some(v.to_owned()),
                "Architecture" => arch = Some(v.to_owned()),
                "Status" => status = Some(v),
                _ => {}
            }
        }
        let installed = status.is_none_or(|s| s.split_whitespace().last() == Some("installed"));
        if let (Some(name), true) = (name, installed) {
            out.push(DbPackage {
                name,
                version: version.unwrap_or_default(),
                architecture: arch,
                licence: None,
                location: None,
            });
            if out.len() >= MAX_PACKAGES {
                break;
            }
        }
    }
    out
}

/// Parses apk's installed database.
pub fn parse_apk_installed(text: &str) -> Vec<DbPackage> {
    let mut out = Vec::new();
    let mut cur: Option<DbPackage> = None;
    for line in text.lines().chain(std::iter::once("")) {
        if line.is_empty() {
            if let Some(p) = cur.take() {
                out.push(p);
                if out.len() >= MAX_PACKAGES {
                    break;
                }
            }
            continue;
        }
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let p = cur.get_or_insert(DbPackage {
            name: String::new(),
            version: String::new(),
            architecture: None,
            licence: None,
            location: None,
        });
        match k {
            "P" => p.name = v.to_owned(),
            "V" => p.version = v.to_owned(),
            "A" => p.architecture = Some(v.to_owned()),
            "L" => p.licence = Some(v.to_owned()),
            _ => {}
        }
    }
    out.retain(|p| !p.name.is_empty());
    out
}

fn captured<'a>(layers: &[&'a LayerIndex], pos: usize, node: u32) -> Option<&'a [u8]> {
    let l = layers.get(pos)?;
    l.captured
        .iter()
        .rev()
        .find(|(ei, _)| l.entries.get(*ei as usize).is_some_and(|e| e.node == node))
        .map(|(_, b)| b.as_slice())
}

/// A package file the image's layers touch: the node, what it is, and its path.
struct Tracked {
    node: u32,
    source: PackageSource,
    path: String,
}

/// Every package file some layer touches: the dpkg and apk databases by path.
fn tracked_files(tree: &PathTree, merged: &Merged) -> Vec<Tracked> {
    let mut nodes: Vec<(u32, PackageSource)> = Vec::new();
    if let Some(n) = tree.lookup(b"var/lib/dpkg/status") {
        nodes.push((n, PackageSource::Dpkg));
    }
    if let Some(n) = tree.lookup(b"lib/apk/db/installed") {
        nodes.push((n, PackageSource::Apk));
    }
    if let Some(d) = tree.lookup(b"var/lib/dpkg/status.d") {
        for c in tree.children(d) {
            if !tree.name(c).starts_with(b".wh.") {
                nodes.push((c, PackageSource::Dpkg));
            }
        }
    }
    nodes
        .into_iter()
        .filter(|(n, _)| merged.nodes.get(*n as usize).is_some_and(|m| !m.history.is_empty()))
        .map(|(node, source)| Tracked { node, source, path: String::from_utf8_lossy(&tree.path(node)).into_owned() })
        .collect()
}

/// The packages one file lists.
fn read_file(t: &Tracked, bytes: &[u8]) -> Vec<DbPackage> {
    let text = String::from_utf8_lossy(bytes);
    match t.source {
        PackageSource::Dpkg => parse_dpkg_status(&text),
        PackageSource::Apk => parse_apk_installed(&text),
        PackageSource::Python | PackageSource::Npm | PackageSource::Maven | PackageSource::Rpm => Vec::new(),
    }
}

/// Identity of a package across layers.
type Key = (PackageSource, String, Option<String>);

/// What the layers did to the packages so far.
#[derive(Default)]
struct Ledger {
    present: BTreeMap<Key, Package>,
    removed: BTreeMap<Key, Package>,
}

impl Ledger {
    /// Layer `pos` leaves `now` present.
    fn apply(&mut self, pos: usize, now: BTreeMap<Key, (&DbPackage, &str)>) {
        let gone: Vec<Key> = self.present.keys().filter(|k| !now.contains_key(*k)).cloned().collect();
        for k in gone {
            if let Some(mut p) = self.present.remove(&k) {
                p.removed_in = Some(pos);
                self.removed.insert(k, p);
            }
        }
        for (k, (p, evidence)) in now {
            match self.present.get_mut(&k) {
                Some(existing) => {
                    if existing.version != p.version {
                        existing.version.clone_from(&p.version);
                        existing.changed_in.push(pos);
                    }
                    existing.licence.clone_from(&p.licence);
                    existing.architecture.clone_from(&p.architecture);
                    evidence.clone_into(existing.evidence.get_or_insert_with(String::new));
                }
                None => {
                    self.removed.remove(&k);
                    let package = Package {
                        name: p.name.clone(),
                        version: p.version.clone(),
                        source: k.0,
                        architecture: p.architecture.clone(),
                        installed_in: pos,
                        changed_in: Vec::new(),
                        licence: p.licence.clone(),
                        evidence: Some(evidence.to_owned()),
                        location: k.2.clone(),
                        removed_in: None,
                    };
                    self.present.insert(k, package);
                }
            }
        }
    }
}

/// The packages present in the final image, and those a layer added and a later one removed.
pub(crate) fn packages(
    tree: &PathTree,
    layers: &[&LayerIndex],
    merged: &Merged,
    warnings: &mut Vec<Warning>,
) -> (Vec<Package>, Vec<Package>) {
    let touched = tracked_files(tree, merged);
    if touched.is_empty() {
        return (Vec::new(), Vec::new());
    }
    // Per-file current content (by position in `touched`).
    let mut current: BTreeMap<usize, Vec<DbPackage>> = BTreeMap::new();
    let mut ledger = Ledger::default();
    for pos in 0..layers.len() {
        let pos32 = u32::try_from(pos).unwrap_or(u32::MAX);
        let mut changed = false;
        for (ti, t) in touched.iter().enumerate() {
            let Some(m) = merged.nodes.get(t.node as usize) else {
                continue;
            };
            for &(_, kind) in m.history.iter().filter(|(l, _)| *l == pos32) {
                changed = true;
                match kind {
                    ChangeKind::Added | ChangeKind::Modified => match captured(layers, pos, t.node) {
                        Some(bytes) => {
                            current.insert(ti, read_file(t, bytes));
                        }
                        None => {
                            if t.node != NONE {
                                warnings.push(Warning {
                                    code: "package_db_unread".into(),
                                    message: format!("the package database `{}` in layer position {pos} was too large to read", t.path),
                                    position: None,
                                });
                            }
                            current.remove(&ti);
                        }
                    },
                    ChangeKind::Deleted | ChangeKind::Hidden | ChangeKind::Implied => {
                        current.remove(&ti);
                    }
                }
            }
        }
        if !changed {
            continue;
        }
        let mut now: BTreeMap<Key, (&DbPackage, &str)> = BTreeMap::new();
        for (&ti, pk) in &current {
            let Some(t) = touched.get(ti) else { continue };
            for p in pk {
                now.insert((t.source, p.name.clone(), p.location.clone()), (p, t.path.as_str()));
            }
        }
        ledger.apply(pos, now);
    }
    (ledger.present.into_values().collect(), ledger.removed.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dpkg_and_apk() {
        let d = "Package: a\nStatus: install ok installed\nVersion: 1.0\nDescription: x\n y\n\nPackage: b\nStatus: deinstall ok config-files\nVersion: 2\n";
        let p = parse_dpkg_status(d);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].version, "1.0");
        let a = "C:Q1\nP:musl\nV:1.1.24-r2\nA:x86_64\n\nP:busybox\nV:1.31.1-r9\n";
        let p = parse_apk_installed(a);
        assert_eq!(p.len(), 2);
        assert_eq!(p[1].name, "busybox");
    }
}
