//! Tar entries written byte for byte: POSIX ustar headers from the `tar` crate's [`Header`],
//! with a PAX extended header (`x`, POSIX.1-2001) before an entry whose path, link target, size
//! or owner does not fit ustar's fields. A leaf: it knows nothing of images.

use tar::{EntryType, Header};

/// One block.
pub const BLOCK: u64 = 512;
/// Largest size ustar's 11 octal digits hold (8 GiB - 1); bigger ones go in a PAX `size`.
const MAX_USTAR_SIZE: u64 = 0o777_7777_7777;
/// Largest uid/gid ustar's 7 octal digits hold.
const MAX_USTAR_ID: u64 = 0o777_7777;

/// What an entry's header says.
#[derive(Debug, Clone, Copy)]
pub struct EntryMeta<'a> {
    /// The path; directories end in `/`.
    pub path: &'a str,
    pub kind: EntryType,
    pub size: u64,
    pub mode: u32,
    pub uid: u64,
    pub gid: u64,
    pub mtime: u64,
    pub link: Option<&'a str>,
}

/// The zero bytes after `len` bytes of data up to the next block.
pub fn padding(len: u64) -> usize {
    // The remainder is below 512, so the cast cannot truncate.
    ((BLOCK - len % BLOCK) % BLOCK) as usize
}

/// The two zero blocks that end an archive.
pub const END: [u8; 1024] = [0; 1024];

/// The header block(s) of one entry: a PAX header with its records when needed, then the ustar
/// header. The entry's data and [`padding`] follow.
pub fn header(meta: &EntryMeta<'_>) -> Vec<u8> {
    let mut records = Vec::new();
    let mut h = Header::new_ustar();
    h.set_entry_type(meta.kind);
    h.set_mode(meta.mode);
    h.set_mtime(meta.mtime);
    if !set_ustar_path(&mut h, meta.path) {
        pax_record(&mut records, "path", meta.path.as_bytes());
        set_name_lossy(&mut h, meta.path);
    }
    if let Some(link) = meta.link {
        if link.len() > 100 || h.set_link_name(link).is_err() {
            pax_record(&mut records, "linkpath", link.as_bytes());
        }
    }
    if meta.size > MAX_USTAR_SIZE {
        pax_record(&mut records, "size", meta.size.to_string().as_bytes());
        h.set_size(0);
    } else {
        h.set_size(meta.size);
    }
    for (key, id, set) in [("uid", meta.uid, Header::set_uid as fn(&mut Header, u64)), ("gid", meta.gid, Header::set_gid)] {
        if id > MAX_USTAR_ID {
            pax_record(&mut records, key, id.to_string().as_bytes());
            set(&mut h, 0);
        } else {
            set(&mut h, id);
        }
    }
    h.set_cksum();
    let mut out = Vec::with_capacity(1024);
    if !records.is_empty() {
        let mut x = Header::new_ustar();
        x.set_entry_type(EntryType::XHeader);
        set_name_lossy(&mut x, &format!("PaxHeaders/{}", meta.path.trim_end_matches('/').rsplit('/').next().unwrap_or("")));
        x.set_mode(0o644);
        x.set_mtime(meta.mtime);
        x.set_size(records.len() as u64);
        x.set_cksum();
        out.extend_from_slice(x.as_bytes());
        out.extend_from_slice(&records);
        out.resize(out.len() + padding(records.len() as u64), 0);
    }
    out.extend_from_slice(h.as_bytes());
    out
}

/// Appends one record `"LEN KEY=VALUE\n"`, where LEN counts the whole record, its own digits too.
fn pax_record(out: &mut Vec<u8>, key: &str, value: &[u8]) {
    let rest = key.len() + value.len() + 3; // ' ', '=', '\n'
    // LEN = rest + its digit count: climbs from `rest` to that fixed point (any start at or
    // below it reaches the same one).
    let mut len = rest;
    while len != rest + len.to_string().len() {
        len = rest + len.to_string().len();
    }
    out.extend_from_slice(format!("{len} {key}=").as_bytes());
    out.extend_from_slice(value);
    out.push(b'\n');
}

/// Puts `path` in ustar's name field, or split at a `/` over its prefix (155 bytes) and name
/// (100 bytes) fields, as written (a directory keeps its trailing `/`); false when it fits
/// neither way.
fn set_ustar_path(h: &mut Header, path: &str) -> bool {
    let bytes = path.as_bytes();
    let Some(ustar) = h.as_ustar_mut() else { return false };
    let (prefix, name) = if bytes.len() <= 100 {
        (&b""[..], bytes)
    } else {
        // The split must leave a name of at most 100 bytes (a directory's trailing `/` stays
        // with its name) and a prefix of at most 155.
        let body = bytes.strip_suffix(b"/").unwrap_or(bytes);
        match (0..body.len()).rev().find(|&i| body[i] == b'/' && i <= 155 && bytes.len() - i - 1 <= 100 && i + 1 < body.len()) {
            Some(i) => (&bytes[..i], &bytes[i + 1..]),
            None => return false,
        }
    };
    ustar.name.fill(0);
    ustar.prefix.fill(0);
    ustar.name[..name.len()].copy_from_slice(name);
    ustar.prefix[..prefix.len()].copy_from_slice(prefix);
    true
}

/// The first 100 bytes of `path` (at a character boundary) in the ustar name field, for a
/// header whose real path is in a PAX record.
fn set_name_lossy(h: &mut Header, path: &str) {
    let mut end = path.len().min(100);
    while !path.is_char_boundary(end) {
        end -= 1;
    }
    let name = &mut h.as_old_mut().name;
    name.fill(0);
    name[..end].copy_from_slice(&path.as_bytes()[..end]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_paths_split_or_go_to_pax() {
        let meta = |path| EntryMeta { path, kind: EntryType::Regular, size: 1, mode: 0o644, uid: 0, gid: 0, mtime: 0, link: None };
        let short = header(&meta("etc/"));
        assert_eq!(short.len(), 512);
        assert_eq!(&short[..5], b"etc/\0");
        let split = format!("{}/{}", "d".repeat(150), "f".repeat(99));
        let h = header(&meta(&split));
        assert_eq!(h.len(), 512, "fits prefix + name");
        assert_eq!(&h[345..495], "d".repeat(150).as_bytes());
        let long = format!("{}/{}", "d".repeat(200), "f".repeat(120));
        let h = header(&meta(&long));
        assert_eq!(h.len(), 512 * 3, "a PAX header, its records, then the entry");
        assert_eq!(h[156], b'x');
        assert!(String::from_utf8_lossy(&h[512..1024]).contains(&format!(" path={long}\n")));
    }

    #[test]
    fn pax_record_lengths_count_themselves() {
        for n in [1usize, 85, 86, 95, 96, 990, 995, 1000] {
            let mut out = Vec::new();
            pax_record(&mut out, "path", "a".repeat(n).as_bytes());
            let text = String::from_utf8(out.clone()).unwrap();
            let (len, _) = text.split_once(' ').unwrap();
            assert_eq!(len.parse::<usize>().unwrap(), out.len(), "{n}: {text:?}");
        }
    }
}
