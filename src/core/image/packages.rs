//! Installed packages per layer, from the package databases the layers carry:
//! dpkg's `var/lib/dpkg/status` and distroless `var/lib/dpkg/status.d/*`
//! ([deb-control(5)](https://manpages.debian.org/bookworm/dpkg-dev/deb-control.5.en.html) stanzas)
//! and apk's `lib/apk/db/installed` ([apk installed-db format](https://wiki.alpinelinux.org/wiki/Apk_spec#Installed_Database_V2):
//! `P:` name, `V:` version, `A:` arch, `L:` licence, blank line between packages); and the
//! per-package metadata files [`pkg_files`] reads (Python, npm, dpkg copyright licences).
//!
//! A package's identity across layers is (source, name, location): a layer that no longer
//! lists it removed it ([`Package::removed_in`]), one that lists another version changed it.

use super::fs_tree::PathTree;
use super::layer::LayerIndex;
use super::merge::{Merged, ST_PRESENT};
use super::jar;
use super::pkg_files::{self, PkgFile};
use super::binaries;
use super::report::{CargoCrate, ChangeKind, EntryKind, GoBuild, Package, PackageSource, Warning};
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
    /// Where the package sits (npm and Python: a directory; binaries: the file), part of its
    /// identity.
    pub location: Option<String>,
    /// A Go binary's build information.
    pub go: Option<Box<GoBuild>>,
    /// A `cargo auditable` crate's facts.
    pub cargo: Option<Box<CargoCrate>>,
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
                go: None,
                cargo: None,
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
            go: None,
            cargo: None,
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
    kind: PkgFile,
    path: String,
}

/// Every package file some layer of the image writes, once, in node order.
fn tracked_files(tree: &PathTree, layers: &[&LayerIndex]) -> Vec<Tracked> {
    let mut seen: BTreeMap<u32, PkgFile> = BTreeMap::new();
    for l in layers {
        for (ei, body) in &l.captured {
            if binaries::is_tagged(body) {
                if let Some(e) = l.entries.get(*ei as usize) {
                    seen.entry(e.node).or_insert(PkgFile::Binary);
                }
            }
        }
        for e in &l.entries {
            if e.kind != EntryKind::File || seen.contains_key(&e.node) {
                continue;
            }
            if !pkg_files::candidate_name(tree.name(e.node), tree.name(tree.parent(e.node))) {
                continue;
            }
            if let Some(kind) = pkg_files::classify(&tree.path(e.node)) {
                seen.insert(e.node, kind);
            }
        }
    }
    seen.into_iter()
        .map(|(node, kind)| Tracked { node, kind, path: String::from_utf8_lossy(&tree.path(node)).into_owned() })
        .collect()
}

/// What one file says: packages, or (a dpkg copyright file) a licence, or (a binary) why its
/// packages cannot be listed.
enum FileSays {
    Packages(Vec<DbPackage>),
    Licence(String, Option<String>),
    Unreadable(String),
}

/// The packages a binary's tagged capture names: its Go build (one package, named by its main
/// module or, in a GOPATH build, its `path`; version that of the main module) or its crates.
fn read_binary(path: &str, bytes: &[u8]) -> FileSays {
    let package = |name: String, version: String, location: String| DbPackage {
        name,
        version,
        architecture: None,
        licence: None,
        location: Some(location),
        go: None,
        cargo: None,
    };
    if let Some(b) = binaries::read_go(bytes) {
        let name = b.main.as_ref().map(|m| m.path.clone()).or_else(|| b.path.clone()).unwrap_or_else(|| path.to_owned());
        let version = b.main.as_ref().map(|m| m.version.clone()).unwrap_or_default();
        let mut p = package(name, version, path.to_owned());
        p.go = Some(Box::new(b));
        return FileSays::Packages(vec![p]);
    }
    if bytes.starts_with(binaries::TAG_GO_OLD) {
        return FileSays::Unreadable(format!("the Go executable `{path}` has build information in the format before Go 1.18, which Tarsier does not read: its modules are not listed"));
    }
    let Some(z) = bytes.strip_prefix(binaries::TAG_DEP_V0) else { return FileSays::Packages(Vec::new()) };
    match binaries::parse_dep_v0(z) {
        Ok(crates) => {
            let mut seen = std::collections::BTreeSet::new();
            FileSays::Packages(
                crates
                    .into_iter()
                    .map(|c| {
                        // Two versions of one crate in one binary: the second sits at `path@version`.
                        let at = if seen.insert(c.name.clone()) { path.to_owned() } else { format!("{path}@{}", c.version) };
                        let mut p = package(c.name, c.version, at);
                        p.cargo = Some(Box::new(c.facts));
                        p
                    })
                    .collect(),
            )
        }
        Err(why) => FileSays::Unreadable(format!("the executable `{path}` has a cargo-auditable section Tarsier cannot read: {why}")),
    }
}

/// Reads one captured file.
fn read_file(t: &Tracked, bytes: &[u8]) -> FileSays {
    let one = |m: Option<pkg_files::FileMeta>| {
        FileSays::Packages(
            m.into_iter()
                .map(|m| DbPackage {
                    name: m.name,
                    version: m.version,
                    architecture: None,
                    licence: m.licence,
                    location: pkg_files::location(t.kind, &t.path),
                    go: None,
                    cargo: None,
                })
                .collect(),
        )
    };
    match t.kind {
        PkgFile::DpkgStatus => FileSays::Packages(parse_dpkg_status(&String::from_utf8_lossy(bytes))),
        PkgFile::ApkInstalled => FileSays::Packages(parse_apk_installed(&String::from_utf8_lossy(bytes))),
        PkgFile::Python => one(pkg_files::parse_python_metadata(bytes)),
        PkgFile::Npm => {
            let dir = pkg_files::location(t.kind, &t.path).unwrap_or_default();
            let dir_name = dir.rsplit('/').next().unwrap_or_default();
            one(pkg_files::parse_npm_package_json(bytes, dir_name))
        }
        PkgFile::Binary => read_binary(&t.path, bytes),
        PkgFile::Jar => FileSays::Packages(
            jar::parse_summary(bytes)
                .into_iter()
                .map(|p| DbPackage {
                    // A manifest names no Maven group: the package is its name alone.
                    name: if p.group_id.is_empty() { p.artifact_id } else { format!("{}:{}", p.group_id, p.artifact_id) },
                    version: p.version,
                    architecture: None,
                    licence: p.licence,
                    location: Some(t.path.clone()),
                    go: None,
                    cargo: None,
                })
                .collect(),
        ),
        PkgFile::DpkgCopyright => FileSays::Licence(
            pkg_files::copyright_package(&t.path).unwrap_or_default().to_owned(),
            pkg_files::parse_dpkg_copyright(bytes),
        ),
    }
}

/// The ecosystem of the packages a file lists.
fn source_of(kind: PkgFile) -> PackageSource {
    match kind {
        PkgFile::DpkgStatus | PkgFile::DpkgCopyright => PackageSource::Dpkg,
        PkgFile::ApkInstalled => PackageSource::Apk,
        PkgFile::Python => PackageSource::Python,
        PkgFile::Npm => PackageSource::Npm,
        PkgFile::Jar => PackageSource::Maven,
        PkgFile::Binary => PackageSource::Cargo,
    }
}

/// The ecosystem of a package `kind` of file lists (a binary's: Go or Cargo, by what it carries).
fn source_for(kind: PkgFile, p: &DbPackage) -> PackageSource {
    if p.go.is_some() {
        PackageSource::Go
    } else {
        source_of(kind)
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
    fn apply(&mut self, pos: usize, now: BTreeMap<Key, (DbPackage, &str)>) {
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
                    existing.licence = p.licence;
                    existing.architecture = p.architecture;
                    existing.go = p.go;
                    existing.cargo = p.cargo;
                    evidence.clone_into(existing.evidence.get_or_insert_with(String::new));
                }
                None => {
                    self.removed.remove(&k);
                    let package = Package {
                        name: p.name,
                        version: p.version,
                        source: k.0,
                        architecture: p.architecture,
                        installed_in: pos,
                        changed_in: Vec::new(),
                        licence: p.licence,
                        evidence: Some(evidence.to_owned()),
                        location: k.2.clone(),
                        removed_in: None,
                        go: p.go,
                        cargo: p.cargo,
                    };
                    self.present.insert(k, package);
                }
            }
        }
    }
}

/// Files of one layer that could not be read, for one warning.
#[derive(Default)]
struct Unread {
    count: u64,
    first: Option<String>,
}

impl Unread {
    fn note(&mut self, t: &Tracked, pos: usize, warnings: &mut Vec<Warning>) {
        match t.kind {
            PkgFile::DpkgStatus | PkgFile::ApkInstalled => warnings.push(Warning {
                code: "package_db_unread".into(),
                message: format!("the package database {} in layer position {pos} was too large to read", t.path),
                position: None,
            }),
            PkgFile::Python | PkgFile::Npm | PkgFile::Jar => {
                self.count = self.count.saturating_add(1);
                self.first.get_or_insert_with(|| t.path.clone());
            }
            // A binary replaced by a file that carries nothing, or past the budget: nothing to say.
            PkgFile::DpkgCopyright | PkgFile::Binary => {}
        }
    }

    fn flush(self, pos: usize, warnings: &mut Vec<Warning>) {
        if let Some(first) = self.first {
            let what = if self.count == 1 { "1 package metadata file".to_owned() } else { format!("{} package metadata files", self.count) };
            warnings.push(Warning {
                code: "package_metadata_unread".into(),
                message: format!("{what} in layer position {pos} could not be read (too large, or past the capture budget), starting with {first}: their packages are not listed"),
                position: None,
            });
        }
    }
}

/// The packages present after layer `pos`, from what each file currently says.
fn present_now<'a>(touched: &'a [Tracked], current: &BTreeMap<usize, FileSays>) -> BTreeMap<Key, (DbPackage, &'a str)> {
    let mut licences: BTreeMap<&str, &str> = BTreeMap::new();
    for (&ti, says) in current {
        if let (Some(Tracked { kind: PkgFile::DpkgCopyright, .. }), FileSays::Licence(name, Some(l))) = (touched.get(ti), says) {
            licences.insert(name, l);
        }
    }
    let mut now = BTreeMap::new();
    for (&ti, says) in current {
        let (Some(t), FileSays::Packages(pk)) = (touched.get(ti), says) else { continue };
        for p in pk {
            let source = source_for(t.kind, p);
            let mut p = p.clone();
            if source == PackageSource::Dpkg && p.licence.is_none() {
                p.licence = licences.get(p.name.as_str()).map(|l| (*l).to_owned());
            }
            now.insert((source, p.name.clone(), p.location.clone()), (p, t.path.as_str()));
        }
    }
    now
}

/// rpm databases Tarsier cannot read yet: Berkeley DB (`Packages`), SQLite (`rpmdb.sqlite`),
/// NDB (`Packages.db`).
pub const RPM_DATABASES: [&str; 4] =
    ["var/lib/rpm/rpmdb.sqlite", "var/lib/rpm/Packages", "var/lib/rpm/Packages.db", "usr/lib/sysimage/rpm/rpmdb.sqlite"];

/// Says plainly that the final image has an rpm database whose packages are not listed.
fn rpm_warning(tree: &PathTree, merged: &Merged, warnings: &mut Vec<Warning>) {
    let present = |p: &str| {
        tree.lookup(p.as_bytes())
            .and_then(|n| merged.nodes.get(n as usize))
            .is_some_and(|m| m.status == ST_PRESENT)
    };
    if let Some(db) = RPM_DATABASES.into_iter().find(|p| present(p)) {
        warnings.push(Warning {
            code: "rpm_db_not_read".into(),
            message: format!("This image has an rpm database ({db}); Tarsier does not read rpm databases yet, so its packages are not listed."),
            position: None,
        });
    }
}

/// The packages present in the final image, and those a layer added and a later one removed.
pub(crate) fn packages(
    tree: &PathTree,
    layers: &[&LayerIndex],
    merged: &Merged,
    warnings: &mut Vec<Warning>,
) -> (Vec<Package>, Vec<Package>) {
    rpm_warning(tree, merged, warnings);
    let touched = tracked_files(tree, layers);
    if touched.is_empty() {
        return (Vec::new(), Vec::new());
    }
    // Per-file current content (by position in `touched`).
    let mut current: BTreeMap<usize, FileSays> = BTreeMap::new();
    let mut ledger = Ledger::default();
    for pos in 0..layers.len() {
        let pos32 = u32::try_from(pos).unwrap_or(u32::MAX);
        let mut changed = false;
        let mut unread = Unread::default();
        for (ti, t) in touched.iter().enumerate() {
            let Some(m) = merged.nodes.get(t.node as usize) else {
                continue;
            };
            for &(_, kind) in m.history.iter().filter(|(l, _)| *l == pos32) {
                changed = true;
                current.remove(&ti);
                if matches!(kind, ChangeKind::Added | ChangeKind::Modified) {
                    match captured(layers, pos, t.node) {
                        Some(bytes) => match read_file(t, bytes) {
                            FileSays::Unreadable(message) => warnings.push(Warning { code: "binary_not_read".into(), message, position: None }),
                            says => {
                                current.insert(ti, says);
                            }
                        },
                        None => unread.note(t, pos, warnings),
                    }
                }
            }
        }
        unread.flush(pos, warnings);
        if changed {
            ledger.apply(pos, present_now(&touched, &current));
        }
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
