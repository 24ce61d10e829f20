//! Java archives (`.jar`, `.war`, `.ear`): the Maven coordinates their
//! `META-INF/maven/GROUP/ARTIFACT/pom.properties` members state (without any, the package their
//! `META-INF/MANIFEST.MF` main section names), read from the whole archive
//! in memory through its central directory ([APPNOTE.TXT](https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT)
//! 4.3: end of central directory, central file headers, local file headers; members stored or
//! raw-deflated).
//!
//! Bounded: at most [`MAX_MEMBERS`] central headers are looked at, [`MAX_POMS`] members read,
//! each inflated to at most [`MAX_MEMBER`] bytes. ZIP64 archives and encrypted members are not
//! read. Every offset comes from the input and is checked; nothing panics.

use std::io::Read;

/// Most central directory entries looked at.
pub const MAX_MEMBERS: usize = 200_000;
/// Most `pom.properties` members read from one archive.
pub const MAX_POMS: usize = 64;
/// Largest inflated `pom.properties` read.
pub const MAX_MEMBER: u64 = 64 * 1024;

/// Maven coordinates from one `pom.properties`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pom {
    pub group_id: String,
    pub artifact_id: String,
    pub version: String,
    /// The `<licenses>` names of the `pom.xml` beside the `pom.properties`, joined with ` AND `
    /// (a Maven project's licences all apply); `None` when it states none.
    pub licence: Option<String>,
}

fn u16_at(b: &[u8], at: usize) -> Option<usize> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(usize::from(u16::from_le_bytes([s[0], s[1]])))
}

fn u32_at(b: &[u8], at: usize) -> Option<usize> {
    let s = b.get(at..at.checked_add(4)?)?;
    usize::try_from(u32::from_le_bytes([s[0], s[1], s[2], s[3]])).ok()
}

/// The end of central directory record's offset (searched back over a comment of up to 64 KiB).
fn eocd(b: &[u8]) -> Option<usize> {
    let last = b.len().checked_sub(22)?;
    let first = last.saturating_sub(65_535);
    (first..=last).rev().find(|&i| b.get(i..i + 4) == Some(b"PK\x05\x06"))
}

/// The bytes of the member whose local header is at `local`, stored or raw deflate: at most
/// [`MAX_MEMBER`] of them, and whether that is the whole member.
fn member(b: &[u8], local: usize, method: usize, csize: usize) -> Option<(Vec<u8>, bool)> {
    if b.get(local..local.checked_add(4)?)? != b"PK\x03\x04" {
        return None;
    }
    let name_len = u16_at(b, local + 26)?;
    let extra_len = u16_at(b, local + 28)?;
    let start = local.checked_add(30)?.checked_add(name_len)?.checked_add(extra_len)?;
    let data = b.get(start..start.checked_add(csize)?)?;
    let mut out = Vec::new();
    let most = MAX_MEMBER.saturating_add(1);
    match method {
        0 => data.take(most).read_to_end(&mut out).ok()?,
        8 => flate2::read::DeflateDecoder::new(data).take(most).read_to_end(&mut out).ok()?,
        _ => return None,
    };
    let whole = out.len() as u64 <= MAX_MEMBER;
    out.truncate(usize::try_from(MAX_MEMBER).unwrap_or(usize::MAX));
    Some((out, whole))
}

/// Java `.properties` lines: `key=value` or `key: value`; `#`/`!` comments.
fn properties(text: &str) -> Vec<(&str, &str)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with(['#', '!']))
        .filter_map(|l| {
            let at = l.find(['=', ':'])?;
            Some((l.get(..at)?.trim(), l.get(at + 1..)?.trim()))
        })
        .collect()
}

/// Reads a `pom.properties`: `None` without `groupId` and `artifactId`.
pub fn parse_pom_properties(bytes: &[u8]) -> Option<Pom> {
    let text = String::from_utf8_lossy(bytes);
    let p = properties(&text);
    let get = |k: &str| p.iter().find(|(pk, _)| *pk == k).map(|(_, v)| (*v).to_owned()).filter(|v| !v.is_empty());
    Some(Pom { group_id: get("groupId")?, artifact_id: get("artifactId")?, version: get("version").unwrap_or_default(), licence: None })
}

/// The licence names a `pom.xml` states: each `<name>` inside `<licenses>` (XML entities for
/// `&`, `<`, `>` decoded), joined with ` AND `. `None` without any.
pub fn pom_licences(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    let start = text.find("<licenses>")?;
    let block = text.get(start..)?;
    let block = block.get(..block.find("</licenses>")?)?;
    let names: Vec<String> = block
        .split("<name>")
        .skip(1)
        .filter_map(|rest| rest.split_once("</name>"))
        .map(|(name, _)| name.trim().replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
        .filter(|n| !n.is_empty())
        .collect();
    (!names.is_empty()).then(|| names.join(" AND "))
}

/// The main section of a `META-INF/MANIFEST.MF` (the JAR File Specification): `Name: value`
/// lines up to the first blank line, a line that starts with one space continuing the one
/// before it.
pub fn parse_manifest(bytes: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(bytes);
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)) {
        if line.is_empty() {
            break;
        }
        match (line.strip_prefix(' '), out.last_mut()) {
            (Some(more), Some((_, value))) => value.push_str(more),
            (Some(_), None) => {}
            (None, _) => {
                if let Some((k, v)) = line.split_once(':') {
                    out.push((k.trim().to_owned(), v.trim_start().to_owned()));
                }
            }
        }
    }
    out
}

/// What a manifest names when the archive has no `pom.properties`: the bundle's symbolic name or
/// implementation title, and its version (an OSGi `;singleton:=true` directive cut off), with no
/// Maven group. `None` without a name.
pub fn manifest_package(attrs: &[(String, String)]) -> Option<Pom> {
    let get = |k: &str| attrs.iter().find(|(ak, _)| ak == k).map(|(_, v)| v.split(';').next().unwrap_or_default().trim().to_owned()).filter(|v| !v.is_empty());
    let name = get("Bundle-SymbolicName").or_else(|| get("Implementation-Title"))?;
    let version = get("Implementation-Version").or_else(|| get("Bundle-Version")).unwrap_or_default();
    Some(Pom { group_id: String::new(), artifact_id: name, version, licence: None })
}

/// The Maven coordinates of every `META-INF/maven/**/pom.properties` of a Java archive, in
/// central directory order; without any, the package its `META-INF/MANIFEST.MF` names. `None` if
/// it is not a ZIP archive Tarsier can read.
pub fn read_jar(b: &[u8]) -> Option<Vec<Pom>> {
    let (poms, manifest) = read_members(b)?;
    Some(if poms.is_empty() { manifest.as_deref().map(parse_manifest).and_then(|m| manifest_package(&m)).into_iter().collect() } else { poms })
}

/// The `pom.properties` coordinates and the `MANIFEST.MF` bytes of a Java archive.
fn read_members(b: &[u8]) -> Option<(Vec<Pom>, Option<Vec<u8>>)> {
    let e = eocd(b)?;
    let count = u16_at(b, e + 10)?;
    let mut at = u32_at(b, e + 16)?;
    let mut poms: Vec<(Vec<u8>, Pom)> = Vec::new();
    let mut pom_xml: Vec<(Vec<u8>, String)> = Vec::new();
    let mut manifest = None;
    for _ in 0..count.min(MAX_MEMBERS) {
        if b.get(at..at.saturating_add(4)) != Some(&b"PK\x01\x02"[..]) {
            break;
        }
        let flags = u16_at(b, at + 8)?;
        let method = u16_at(b, at + 10)?;
        let csize = u32_at(b, at + 20)?;
        let name_len = u16_at(b, at + 28)?;
        let extra_len = u16_at(b, at + 30)?;
        let comment_len = u16_at(b, at + 32)?;
        let local = u32_at(b, at + 42)?;
        let name = b.get(at + 46..at.checked_add(46)?.checked_add(name_len)?)?;
        let encrypted = flags & 1 != 0;
        if !encrypted && name == b"META-INF/MANIFEST.MF" {
            manifest = member(b, local, method, csize).map(|(m, _)| m);
        }
        if !encrypted && name.starts_with(b"META-INF/maven/") && name.ends_with(b"/pom.xml") && pom_xml.len() < MAX_POMS {
            if let Some(licence) = member(b, local, method, csize).and_then(|(m, _)| pom_licences(&m)) {
                pom_xml.push((name.get(..name.len() - b"pom.xml".len()).unwrap_or_default().to_vec(), licence));
            }
        }
        if !encrypted && name.starts_with(b"META-INF/maven/") && name.ends_with(b"/pom.properties") {
            // A cut pom.properties could give a cut version: only a whole one is read.
            let whole = member(b, local, method, csize).filter(|(_, whole)| *whole);
            if let Some(p) = whole.and_then(|(m, _)| parse_pom_properties(&m)) {
                poms.push((name.get(..name.len() - b"pom.properties".len()).unwrap_or_default().to_vec(), p));
                if poms.len() >= MAX_POMS {
                    break;
                }
            }
        }
        at = at.checked_add(46)?.checked_add(name_len)?.checked_add(extra_len)?.checked_add(comment_len)?;
    }
    // Each pom.properties with the licences of the pom.xml in its directory.
    let poms = poms
        .into_iter()
        .map(|(dir, mut p)| {
            p.licence = pom_xml.iter().find(|(d, _)| *d == dir).map(|(_, l)| l.clone());
            p
        })
        .collect();
    Some((poms, manifest))
}

/// What is kept of a Java archive after indexing (instead of its bytes): one
/// `groupId\tartifactId\tversion` line per `pom.properties`.
pub fn summary(b: &[u8]) -> Vec<u8> {
    let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
    read_jar(b)
        .unwrap_or_default()
        .iter()
        .map(|p| format!("{}\t{}\t{}\t{}\n", clean(&p.group_id), clean(&p.artifact_id), clean(&p.version), clean(p.licence.as_deref().unwrap_or_default())))
        .collect::<String>()
        .into_bytes()
}

/// Reads back a [`summary`].
pub fn parse_summary(b: &[u8]) -> Vec<Pom> {
    String::from_utf8_lossy(b)
        .lines()
        .filter_map(|l| {
            let mut f = l.split('\t');
            let (group_id, artifact_id, version) = (f.next()?.to_owned(), f.next()?.to_owned(), f.next()?.to_owned());
            Some(Pom { group_id, artifact_id, version, licence: f.next().filter(|l| !l.is_empty()).map(str::to_owned) })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A ZIP archive of `(name, data, deflated)` members, as `jar`/`zip` write them.
    fn zip(members: &[(&str, &[u8], bool)]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, data, deflate) in members {
            let body = if *deflate {
                let mut w = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
                w.write_all(data).unwrap();
                w.finish().unwrap()
            } else {
                data.to_vec()
            };
            let method: u16 = if *deflate { 8 } else { 0 };
            let local = out.len() as u32;
            let head = |sig: &[u8]| {
                let mut h = sig.to_vec();
                if sig == b"PK\x01\x02" {
                    h.extend(20u16.to_le_bytes());
                }
                h.extend(20u16.to_le_bytes());
                h.extend(0u16.to_le_bytes());
                h.extend(method.to_le_bytes());
                h.extend([0u8; 8]); // time, date, crc
                h.extend((body.len() as u32).to_le_bytes());
                h.extend((data.len() as u32).to_le_bytes());
                h.extend((name.len() as u16).to_le_bytes());
                h.extend(0u16.to_le_bytes());
                h
            };
            out.extend(head(b"PK\x03\x04"));
            out.extend(name.as_bytes());
            out.extend(&body);
            let mut c = head(b"PK\x01\x02");
            c.extend([0u8; 8]); // comment length, disk, internal attrs, external attrs (first 2)
            c.extend([0u8; 2]);
            c.extend(local.to_le_bytes());
            c.extend(name.as_bytes());
            central.extend(c);
        }
        let cd_at = out.len() as u32;
        out.extend(&central);
        out.extend(b"PK\x05\x06");
        out.extend([0u8; 4]);
        out.extend((members.len() as u16).to_le_bytes());
        out.extend((members.len() as u16).to_le_bytes());
        out.extend((central.len() as u32).to_le_bytes());
        out.extend(cd_at.to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out
    }

    #[test]
    fn without_pom_properties_the_manifest_names_the_package() {
        // As OSGi bundles write it: CRLF, a continuation line, a directive after the name.
        let mf = b"Manifest-Version: 1.0\r\nBundle-SymbolicName: org.example.very.long.bundle.na\r\n me;singleton:=true\r\nBundle-Version: 2.4.1\r\nImplementation-Title: Example\r\n\r\nName: org/example/\r\nImplementation-Version: 9\r\n";
        let attrs = parse_manifest(mf);
        assert_eq!(attrs.len(), 4, "{attrs:?}");
        assert_eq!(attrs[1], ("Bundle-SymbolicName".to_owned(), "org.example.very.long.bundle.name;singleton:=true".to_owned()));
        let class = &b"\xca\xfe\xba\xbe"[..];
        let jar = zip(&[("org/example/A.class", class, false), ("META-INF/MANIFEST.MF", mf, true), ("org/example/B.class", class, false)]);
        let want = vec![Pom { group_id: String::new(), artifact_id: "org.example.very.long.bundle.name".into(), version: "2.4.1".into(), licence: None }];
        assert_eq!(read_jar(&jar), Some(want.clone()));
        assert_eq!(parse_summary(&summary(&jar)), want);
        // Implementation-* when there is no bundle name; nothing without a name.
        let plain = parse_manifest(b"Implementation-Title: tool\nImplementation-Version: 1.0\nBundle-Version: 7\n");
        assert_eq!(manifest_package(&plain), Some(Pom { group_id: String::new(), artifact_id: "tool".into(), version: "1.0".into(), licence: None }));
        assert_eq!(manifest_package(&parse_manifest(b"Manifest-Version: 1.0\nCreated-By: javac\n")), None);
        assert_eq!(read_jar(&zip(&[("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\n", false)])), Some(Vec::new()));
    }

    #[test]
    fn reads_pom_properties_stored_or_deflated() {
        let pom = b"#Created by Apache Maven 3.8.1\nversion=3.12.0\ngroupId=org.apache.commons\nartifactId=commons-lang3\n";
        // The pom.xml beside a pom.properties states its licences (as Maven Central's poms do).
        let xml = b"<project><name>x</name><licenses>\n  <license><name>Apache License, Version 2.0</name><url>u</url></license>\n  <license><name> EPL &amp; co </name></license>\n</licenses></project>";
        let jar = zip(&[
            ("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\n", true),
            ("META-INF/maven/org.apache.commons/commons-lang3/pom.properties", pom, true),
            ("META-INF/maven/x/y/pom.xml", xml, true),
            ("META-INF/maven/x/y/pom.properties", b"groupId: x\nartifactId: y\n", false),
        ]);
        let want = vec![
            Pom { group_id: "org.apache.commons".into(), artifact_id: "commons-lang3".into(), version: "3.12.0".into(), licence: None },
            Pom { group_id: "x".into(), artifact_id: "y".into(), version: String::new(), licence: Some("Apache License, Version 2.0 AND EPL & co".into()) },
        ];
        assert_eq!(pom_licences(b"<project><name>p</name></project>"), None);
        assert_eq!(pom_licences(b"<licenses><license><name></name></license></licenses>"), None);
        assert_eq!(read_jar(&jar), Some(want.clone()));
        assert_eq!(parse_summary(&summary(&jar)), want);
    }

    /// Only `META-INF/maven/…/pom.properties` is Maven's record of a package: the same keys in
    /// another properties file are not a package, and an encrypted member (general purpose
    /// flag bit 0) is not read.
    #[test]
    fn only_maven_s_unencrypted_pom_properties_name_packages() {
        let keys = &b"groupId=org.example\nartifactId=app\nversion=1.0\n"[..];
        let jar = zip(&[("config/app.properties", keys, false), ("META-INF/app/pom.properties", keys, true)]);
        assert_eq!(read_jar(&jar), Some(Vec::new()));
        let mut jar = zip(&[("META-INF/maven/org.example/app/pom.properties", keys, false)]);
        let want = Pom { group_id: "org.example".into(), artifact_id: "app".into(), version: "1.0".into(), licence: None };
        assert_eq!(read_jar(&jar), Some(vec![want]));
        let central = jar.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        jar[central + 8] |= 1;
        assert_eq!(read_jar(&jar), Some(Vec::new()));
    }

    #[test]
    fn hostile_archives_read_as_nothing() {
        assert_eq!(read_jar(b""), None);
        assert_eq!(read_jar(b"not a zip at all, just some text that is long enough"), None);
        let jar = zip(&[("META-INF/maven/a/b/pom.properties", b"groupId=a\nartifactId=b\n", true)]);
        // Cut anywhere: no panic, and at most what is whole.
        for cut in 0..jar.len() {
            let _ = read_jar(&jar[..cut]);
        }
        // Offsets pointing past the end, a huge count, garbage bytes everywhere.
        let mut bad = jar.clone();
        let e = eocd(&bad).unwrap();
        bad[e + 16..e + 20].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(read_jar(&bad), Some(Vec::new()));
        let mut bad = jar.clone();
        bad[e + 10..e + 12].copy_from_slice(&u16::MAX.to_le_bytes());
        assert_eq!(read_jar(&bad).map(|p| p.len()), Some(1));
        for i in 0..jar.len() {
            let mut bad = jar.clone();
            bad[i] ^= 0xff;
            let _ = read_jar(&bad);
        }
        // A deflate bomb inflates to at most MAX_MEMBER bytes (and is no pom then).
        let big = vec![b'a'; 10 << 20];
        let jar = zip(&[("META-INF/maven/a/b/pom.properties", &big, true)]);
        assert_eq!(read_jar(&jar), Some(Vec::new()));
        assert_eq!(parse_pom_properties(b"artifactId=b\n"), None);
    }

    /// A `pom.properties` of 64 KiB ([`MAX_MEMBER`]; written out here so that a wrong constant
    /// fails): comment lines first, as Maven writes its header, and the coordinates last, read
    /// whole, stored or deflated. One comment byte more and it is not read at all: cut, its last
    /// line would give a version one character short.
    #[test]
    fn pom_properties_of_sixty_four_kib_are_read_whole() {
        let keys = "groupId=org.example\nartifactId=big\nversion=1.0.1";
        for (extra, want) in [(0, Some("1.0.1")), (1, None)] {
            let comments = (64 << 10) + extra - keys.len();
            let mut text = "#".repeat(comments - 1) + "\n";
            text += keys;
            for deflate in [false, true] {
                let poms = read_jar(&zip(&[("META-INF/maven/org.example/big/pom.properties", text.as_bytes(), deflate)])).unwrap();
                let got: Vec<(&str, &str, &str)> = poms.iter().map(|p| (p.group_id.as_str(), p.artifact_id.as_str(), p.version.as_str())).collect();
                let want: Vec<(&str, &str, &str)> = want.map(|v| ("org.example", "big", v)).into_iter().collect();
                assert_eq!(got, want, "{extra} {deflate}");
            }
        }
    }
}
