//! Java archives (`.jar`, `.war`, `.ear`): the Maven coordinates their
//! `META-INF/maven/GROUP/ARTIFACT/pom.properties` members state, read from the whole archive
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

/// The bytes of the member whose local header is at `local`: stored or raw deflate.
fn member(b: &[u8], local: usize, method: usize, csize: usize) -> Option<Vec<u8>> {
    if b.get(local..local.checked_add(4)?)? != b"PK\x03\x04" {
        return None;
    }
    let name_len = u16_at(b, local + 26)?;
    let extra_len = u16_at(b, local + 28)?;
    let start = local.checked_add(30)?.checked_add(name_len)?.checked_add(extra_len)?;
    let data = b.get(start..start.checked_add(csize)?)?;
    let mut out = Vec::new();
    match method {
        0 => data.take(MAX_MEMBER).read_to_end(&mut out).ok()?,
        8 => flate2::read::DeflateDecoder::new(data).take(MAX_MEMBER).read_to_end(&mut out).ok()?,
        _ => return None,
    };
    Some(out)
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
    Some(Pom { group_id: get("groupId")?, artifact_id: get("artifactId")?, version: get("version").unwrap_or_default() })
}

/// The Maven coordinates of every `META-INF/maven/**/pom.properties` of a Java archive, in
/// central directory order. `None` if it is not a ZIP archive Tarsier can read.
pub fn read_jar(b: &[u8]) -> Option<Vec<Pom>> {
    let e = eocd(b)?;
    let count = u16_at(b, e + 10)?;
    let mut at = u32_at(b, e + 16)?;
    let mut poms = Vec::new();
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
        if name.starts_with(b"META-INF/maven/") && name.ends_with(b"/pom.properties") && flags & 1 == 0 {
            if let Some(p) = member(b, local, method, csize).and_then(|m| parse_pom_properties(&m)) {
                poms.push(p);
                if poms.len() >= MAX_POMS {
                    break;
                }
            }
        }
        at = at.checked_add(46)?.checked_add(name_len)?.checked_add(extra_len)?.checked_add(comment_len)?;
    }
    Some(poms)
}

/// What is kept of a Java archive after indexing (instead of its bytes): one
/// `groupId\tartifactId\tversion` line per `pom.properties`.
pub fn summary(b: &[u8]) -> Vec<u8> {
    let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
    read_jar(b)
        .unwrap_or_default()
        .iter()
        .map(|p| format!("{}\t{}\t{}\n", clean(&p.group_id), clean(&p.artifact_id), clean(&p.version)))
        .collect::<String>()
        .into_bytes()
}

/// Reads back a [`summary`].
pub fn parse_summary(b: &[u8]) -> Vec<Pom> {
    String::from_utf8_lossy(b)
        .lines()
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some(Pom { group_id: f.next()?.to_owned(), artifact_id: f.next()?.to_owned(), version: f.next()?.to_owned() })
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
    fn reads_pom_properties_stored_or_deflated() {
        let pom = b"#Created by Apache Maven 3.8.1\nversion=3.12.0\ngroupId=org.apache.commons\nartifactId=commons-lang3\n";
        let jar = zip(&[
            ("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\n", true),
            ("META-INF/maven/org.apache.commons/commons-lang3/pom.properties", pom, true),
            ("META-INF/maven/x/y/pom.properties", b"groupId: x\nartifactId: y\n", false),
        ]);
        let want = vec![
            Pom { group_id: "org.apache.commons".into(), artifact_id: "commons-lang3".into(), version: "3.12.0".into() },
            Pom { group_id: "x".into(), artifact_id: "y".into(), version: String::new() },
        ];
        assert_eq!(read_jar(&jar), Some(want.clone()));
        assert_eq!(parse_summary(&summary(&jar)), want);
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
}
