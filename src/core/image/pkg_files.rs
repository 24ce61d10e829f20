//! Which files evidence packages, and pure readers of the per-package metadata files:
//!
//! - Python ([core metadata](https://packaging.python.org/en/latest/specifications/core-metadata/)):
//!   `NAME.dist-info/METADATA`, `NAME.egg-info/PKG-INFO` (or a `NAME.egg-info` file) directly
//!   under a `site-packages` or `dist-packages` directory; RFC 822 style headers up to the first
//!   blank line: `Name`, `Version`, `License-Expression`, `License`.
//! - npm ([package.json](https://docs.npmjs.com/cli/v10/configuring-npm/package-json)):
//!   `node_modules/NAME/package.json` and `node_modules/@SCOPE/NAME/package.json`, at any depth
//!   (nested copies are packages of their own): `name`, `version`, `license` (a string or
//!   `{"type": …}`), else the old `licenses` list.
//! - Java archives anywhere (`*.jar`, `*.war`, `*.ear`): the Maven coordinates of their
//!   `pom.properties` members ([`jar`](super::jar)).
//! - dpkg licences: the `License:` of the `Files: *` paragraph of a
//!   [machine-readable](https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/)
//!   `usr/share/doc/PKG/copyright`.
//!
//! Nothing here panics on input: every field is bounded ([`MAX_FIELD`]), bytes that are not
//! UTF-8 are read lossily.

/// Largest package database captured for later parsing (dpkg status, apk installed).
pub const MAX_CAPTURE_FILE: u64 = 32 * 1024 * 1024;
/// Most bytes of a Python metadata file read: the headers come first, the description after.
pub const PYTHON_CAPTURE: u64 = 64 * 1024;
/// Largest `package.json` read (a bigger one is named in a warning).
pub const NPM_CAPTURE: u64 = 256 * 1024;
/// Most bytes of a dpkg copyright file read: the `Files: *` paragraph comes early.
pub const COPYRIGHT_CAPTURE: u64 = 64 * 1024;
/// Longest name, version or licence kept (longer ones are cut at a character boundary).
pub const MAX_FIELD: usize = 4096;

/// What kind of package file a path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PkgFile {
    /// `var/lib/dpkg/status` or a file of `var/lib/dpkg/status.d/`.
    DpkgStatus,
    /// `lib/apk/db/installed`.
    ApkInstalled,
    /// A Python distribution's metadata.
    Python,
    /// An npm package's `package.json`.
    Npm,
    /// `usr/share/doc/PKG/copyright` (licence of dpkg package PKG).
    DpkgCopyright,
    /// A Java archive (`.jar`, `.war`, `.ear`), kept as its [`jar::summary`](super::jar::summary).
    Jar,
    /// An executable with Go build information or a `.dep-v0` section, told by its captured
    /// body ([`binaries`](super::binaries)), never by its path.
    Binary,
}

/// How much of a captured file to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capture {
    /// The whole file, when it is at most this long.
    Whole(u64),
    /// The first bytes, at most this many.
    Prefix(u64),
    /// A Java archive of at most this many bytes, read whole and kept as its
    /// [`jar::summary`](super::jar::summary).
    Jar(u64),
}

/// The components of a path (`a/b/c`).
fn parts(path: &[u8]) -> Vec<&[u8]> {
    path.split(|&b| b == b'/').filter(|c| !c.is_empty()).collect()
}

/// What package file `path` (normalized, no leading `/`) is, if any.
pub fn classify(path: &[u8]) -> Option<PkgFile> {
    match path {
        b"var/lib/dpkg/status" => return Some(PkgFile::DpkgStatus),
        b"lib/apk/db/installed" => return Some(PkgFile::ApkInstalled),
        _ => {}
    }
    let p = parts(path);
    let n = p.len();
    let last = *p.last()?;
    let at = |back: usize| n.checked_sub(back).and_then(|i| p.get(i)).copied();
    if let Some(rest) = path.strip_prefix(b"var/lib/dpkg/status.d/") {
        return (!rest.contains(&b'/') && !rest.is_empty()).then_some(PkgFile::DpkgStatus);
    }
    if n == 5 && path.starts_with(b"usr/share/doc/") && last == b"copyright" {
        return Some(PkgFile::DpkgCopyright);
    }
    if [&b".jar"[..], b".war", b".ear"].iter().any(|x| last.len() > x.len() && last.ends_with(x)) {
        return Some(PkgFile::Jar);
    }
    let site = |c: Option<&[u8]>| matches!(c, Some(b"site-packages" | b"dist-packages"));
    match last {
        b"METADATA" if at(2).is_some_and(|d| d.ends_with(b".dist-info")) && site(at(3)) => Some(PkgFile::Python),
        b"PKG-INFO" if at(2).is_some_and(|d| d.ends_with(b".egg-info")) && site(at(3)) => Some(PkgFile::Python),
        _ if last.ends_with(b".egg-info") && site(at(2)) => Some(PkgFile::Python),
        b"package.json" => {
            let name = at(2)?;
            if name.starts_with(b".") || name.starts_with(b"@") {
                return None;
            }
            let plain = at(3) == Some(b"node_modules");
            let scoped = at(3).is_some_and(|s| s.starts_with(b"@") && s.len() > 1) && at(4) == Some(b"node_modules");
            (plain || scoped).then_some(PkgFile::Npm)
        }
        _ => None,
    }
}

/// Whether a file named `name` in a directory named `parent` can be a package file (checked
/// before the whole path is built).
pub fn candidate_name(name: &[u8], parent: &[u8]) -> bool {
    matches!(name, b"status" | b"installed" | b"METADATA" | b"PKG-INFO" | b"package.json" | b"copyright")
        || name.ends_with(b".egg-info")
        || name.ends_with(b".jar")
        || name.ends_with(b".war")
        || name.ends_with(b".ear")
        || (parent == b"status.d" && !name.starts_with(b".wh."))
}

/// How much of package file `path` to capture, if any.
pub fn capture_of(path: &[u8]) -> Option<Capture> {
    Some(match classify(path)? {
        PkgFile::DpkgStatus | PkgFile::ApkInstalled => Capture::Whole(MAX_CAPTURE_FILE),
        PkgFile::Python => Capture::Prefix(PYTHON_CAPTURE),
        PkgFile::Npm => Capture::Whole(NPM_CAPTURE),
        PkgFile::DpkgCopyright => Capture::Prefix(COPYRIGHT_CAPTURE),
        PkgFile::Jar => Capture::Jar(MAX_CAPTURE_FILE),
        PkgFile::Binary => return None,
    })
}

/// Where the package a file evidences sits: the metadata directory's parent for Python (the
/// `site-packages` directory), the package directory for npm, the file for a binary; `None`
/// for databases.
pub fn location(kind: PkgFile, path: &str) -> Option<String> {
    let up = |p: &str| p.rsplit_once('/').map(|(d, _)| d.to_owned());
    match kind {
        PkgFile::Python if path.ends_with(".egg-info") => up(path),
        PkgFile::Python => up(path).and_then(|d| up(&d)),
        PkgFile::Npm => up(path),
        PkgFile::Jar => Some(path.to_owned()),
        PkgFile::Binary => Some(path.to_owned()),
        PkgFile::DpkgStatus | PkgFile::ApkInstalled | PkgFile::DpkgCopyright => None,
    }
}

/// The package name of a dpkg copyright file's path (`usr/share/doc/PKG/copyright`).
pub fn copyright_package(path: &str) -> Option<&str> {
    path.strip_prefix("usr/share/doc/")?.strip_suffix("/copyright").filter(|p| !p.contains('/'))
}

/// One package as a metadata file states it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FileMeta {
    pub name: String,
    pub version: String,
    pub licence: Option<String>,
}

/// `s` cut to at most [`MAX_FIELD`] bytes at a character boundary, trimmed.
fn bounded(s: &str) -> String {
    let s = s.trim();
    let mut end = s.len().min(MAX_FIELD);
    while !s.is_char_boundary(end) {
        end = end.saturating_sub(1);
    }
    s.get(..end).unwrap_or_default().to_owned()
}

/// `bytes` without a last line that a capture of `cap` bytes may have cut: up to its last
/// newline when it is `cap` bytes or more, else all of it (so that a header cut by the capture is
/// not taken for a shorter value).
fn whole_lines(bytes: &[u8], cap: u64) -> &[u8] {
    match bytes.iter().rposition(|&b| b == b'\n') {
        Some(last) if bytes.len() as u64 >= cap => bytes.get(..=last).unwrap_or_default(),
        _ => bytes,
    }
}

/// RFC 822 style headers up to the first blank line, continuation lines joined with `\n`.
fn headers(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = out.last_mut() {
                if v.len() < MAX_FIELD {
                    v.push('\n');
                    v.push_str(line.trim());
                }
            }
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            out.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    out
}

/// Reads a Python `METADATA` / `PKG-INFO` (a prefix is enough): `None` without a `Name`.
/// The licence is `License-Expression`, else `License` (as the standard library's
/// `importlib.metadata` reports them); a licence stated only as a classifier is not taken.
pub fn parse_python_metadata(bytes: &[u8]) -> Option<FileMeta> {
    let text = String::from_utf8_lossy(whole_lines(bytes, PYTHON_CAPTURE));
    let h = headers(&text);
    let get = |k: &str| h.iter().find(|(hk, _)| hk.eq_ignore_ascii_case(k)).map(|(_, v)| bounded(v)).filter(|v| !v.is_empty());
    let name = get("Name")?;
    Some(FileMeta {
        name,
        version: get("Version").unwrap_or_default(),
        licence: get("License-Expression").or_else(|| get("License")),
    })
}

/// The licence of an npm `license`/`licenses` value: a string, `{"type": …}`, or a list of
/// either (joined with ` OR `).
fn npm_licence(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(bounded(s)),
        serde_json::Value::Object(o) => o.get("type").and_then(|t| t.as_str()).map(bounded),
        serde_json::Value::Array(a) => {
            let all: Vec<String> = a.iter().take(64).filter_map(npm_licence).collect();
            (!all.is_empty()).then(|| bounded(&all.join(" OR ")))
        }
        _ => None,
    }
    .filter(|s| !s.is_empty())
}

/// Reads an npm `package.json`: `None` if it is not a JSON object. A missing `name` is the
/// package directory's (`dir_name`), a missing `version` is empty.
pub fn parse_npm_package_json(bytes: &[u8], dir_name: &str) -> Option<FileMeta> {
    let text = String::from_utf8_lossy(bytes);
    let v: serde_json::Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).ok()?;
    let o = v.as_object()?;
    let s = |k: &str| o.get(k).and_then(|v| v.as_str()).map(bounded).filter(|v| !v.is_empty());
    let licence = o.get("license").and_then(npm_licence).or_else(|| o.get("licenses").and_then(npm_licence));
    Some(FileMeta { name: s("name").unwrap_or_else(|| bounded(dir_name)), version: s("version").unwrap_or_default(), licence })
}

/// The licence of a machine-readable dpkg copyright file: the first line of the `License:`
/// field of its `Files: *` paragraph. `None` if the file is not in that format.
pub fn parse_dpkg_copyright(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(whole_lines(bytes, COPYRIGHT_CAPTURE)).replace("\r\n", "\n");
    let mut paragraphs = text.split("\n\n").filter(|p| !p.trim().is_empty());
    let header = paragraphs.next()?;
    if !header.lines().any(|l| l.starts_with("Format:") && l.contains("copyright-format")) {
        return None;
    }
    for p in paragraphs {
        let h = headers(p);
        let field = |k: &str| h.iter().find(|(hk, _)| hk.eq_ignore_ascii_case(k)).map(|(_, v)| v.as_str());
        if field("Files").is_some_and(|f| f.split_whitespace().any(|g| g == "*")) {
            let licence = field("License")?.lines().next()?;
            return Some(bounded(licence)).filter(|l| !l.is_empty());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_paths() {
        let k = |p: &str| classify(p.as_bytes());
        assert_eq!(k("usr/lib/python3/dist-packages/six-1.17.0.dist-info/METADATA"), Some(PkgFile::Python));
        assert_eq!(k("usr/lib/python3/dist-packages/PyJWT-2.6.0.egg-info/PKG-INFO"), Some(PkgFile::Python));
        assert_eq!(k("usr/lib/python3.11/site-packages/foo-1.0.egg-info"), Some(PkgFile::Python));
        assert_eq!(k("usr/lib/python3/dist-packages/six-1.17.0.dist-info/RECORD"), None);
        assert_eq!(k("opt/x/six-1.17.0.dist-info/METADATA"), None);
        assert_eq!(k("app/node_modules/debug/package.json"), Some(PkgFile::Npm));
        assert_eq!(k("app/node_modules/debug/node_modules/ms/package.json"), Some(PkgFile::Npm));
        assert_eq!(k("app/node_modules/@isaacs/string-locale-compare/package.json"), Some(PkgFile::Npm));
        assert_eq!(k("app/node_modules/@isaacs/package.json"), None);
        assert_eq!(k("app/node_modules/.bin/package.json"), None);
        assert_eq!(k("app/node_modules/debug/src/package.json"), None);
        assert_eq!(k("app/package.json"), None);
        assert_eq!(k("usr/share/doc/bash/copyright"), Some(PkgFile::DpkgCopyright));
        assert_eq!(k("usr/share/doc/bash/x/copyright"), None);
        assert_eq!(k("var/lib/dpkg/status.d/base"), Some(PkgFile::DpkgStatus));
        // Only the files right in status.d (distroless writes one per package there).
        assert_eq!(k("var/lib/dpkg/status.d/base/notes"), None);
        assert_eq!(k("var/lib/dpkg/status.d/"), None);
        assert_eq!(location(PkgFile::Npm, "a/node_modules/ms/package.json").as_deref(), Some("a/node_modules/ms"));
        assert_eq!(location(PkgFile::Python, "s/dist-packages/x.dist-info/METADATA").as_deref(), Some("s/dist-packages"));
        assert_eq!(location(PkgFile::Python, "s/site-packages/x.egg-info").as_deref(), Some("s/site-packages"));
        assert_eq!(k("usr/share/java/commons-lang3.jar"), Some(PkgFile::Jar));
        assert_eq!(k("opt/app.war"), Some(PkgFile::Jar));
        assert_eq!(k("opt/.jar"), None);
        assert_eq!(location(PkgFile::Jar, "usr/share/java/a.jar").as_deref(), Some("usr/share/java/a.jar"));
        assert_eq!(copyright_package("usr/share/doc/bash/copyright"), Some("bash"));
    }

    #[test]
    fn python_metadata() {
        let m = parse_python_metadata(b"Metadata-Version: 2.1\r\nName: six\r\nVersion: 1.17.0\r\nLicense: MIT\r\n\r\nLicense: not a header\n").unwrap();
        assert_eq!(m, FileMeta { name: "six".into(), version: "1.17.0".into(), licence: Some("MIT".into()) });
        let m = parse_python_metadata(b"Name: attrs\nVersion: 23.2.0\nLicense-Expression: MIT\nLicense: other\n").unwrap();
        assert_eq!(m.licence.as_deref(), Some("MIT"));
        // Classifier only: no licence; no Version: empty; no Name: no package.
        let m = parse_python_metadata(b"Name: idna\nClassifier: License :: OSI Approved :: BSD License\n").unwrap();
        assert_eq!((m.version.as_str(), m.licence), ("", None));
        assert_eq!(parse_python_metadata(b"Version: 1\n"), None);
        assert_eq!(parse_python_metadata(b"\xff\xfe\x00garbage"), None);
        // Not UTF-8 and huge: read lossily, fields bounded.
        let mut big = b"Name: caf\xe9\nVersion: ".to_vec();
        big.extend(std::iter::repeat_n(b'9', 1 << 20));
        big.push(b'\n');
        let m = parse_python_metadata(&big).unwrap();
        assert_eq!(m.name, "caf\u{fffd}");
        assert_eq!(m.version.len(), MAX_FIELD);
        // A multi-line License keeps its lines.
        let m = parse_python_metadata(b"Name: a\nLicense: BSD\n        line two\n").unwrap();
        assert_eq!(m.licence.as_deref(), Some("BSD\nline two"));
        // A short file whose last header has no newline is whole: its last line is read (only
        // a capture of PYTHON_CAPTURE bytes can end inside a line).
        let m = parse_python_metadata(b"Name: a\nVersion: 1.0").unwrap();
        assert_eq!(m.version, "1.0");
    }

    #[test]
    fn npm_package_json() {
        let m = parse_npm_package_json(br#"{"name":"debug","version":"2.6.9","license":"MIT"}"#, "debug").unwrap();
        assert_eq!(m, FileMeta { name: "debug".into(), version: "2.6.9".into(), licence: Some("MIT".into()) });
        let m = parse_npm_package_json(br#"{"version":"1","license":{"type":"ISC","url":"x"}}"#, "dir").unwrap();
        assert_eq!((m.name.as_str(), m.licence.as_deref()), ("dir", Some("ISC")));
        let m = parse_npm_package_json(br#"{"name":"x","licenses":[{"type":"MIT"},{"type":"Apache-2.0"}]}"#, "x").unwrap();
        assert_eq!((m.version.as_str(), m.licence.as_deref()), ("", Some("MIT OR Apache-2.0")));
        assert_eq!(parse_npm_package_json(b"[1,2]", "x"), None);
        assert_eq!(parse_npm_package_json(b"{\"name\":", "x"), None);
        assert_eq!(parse_npm_package_json(b"\xff\xff", "x"), None);
        let deep = "[".repeat(100_000);
        assert_eq!(parse_npm_package_json(deep.as_bytes(), "x"), None);
        let long = format!(r#"{{"name":"{}","version":1}}"#, "n".repeat(100_000));
        let m = parse_npm_package_json(long.as_bytes(), "x").unwrap();
        assert_eq!((m.name.len(), m.version.as_str()), (MAX_FIELD, ""));
    }

    #[test]
    fn dpkg_copyright() {
        // The head of Debian bookworm's /usr/share/doc/libc6/copyright-style DEP-5 file.
        let dep5 = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: zlib\nSource: https://zlib.net/\n\nFiles: *\nCopyright: 1995-2022 Jean-loup Gailly and Mark Adler\nLicense: Zlib\n\nFiles: debian/*\nCopyright: 2000 Someone\nLicense: GPL-2+\n\nLicense: Zlib\n This software is provided 'as-is'\n";
        assert_eq!(parse_dpkg_copyright(dep5.as_bytes()).as_deref(), Some("Zlib"));
        assert_eq!(parse_dpkg_copyright(b"This is the Debian prepackaged version of foo.\n\nCopyright: x\n"), None);
        let none = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: src/*\nLicense: MIT\n";
        assert_eq!(parse_dpkg_copyright(none.as_bytes()), None);
    }
}
