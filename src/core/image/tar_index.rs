//! A tar header walker: ustar, GNU (`L`/`K` long names, base-256 numbers) and PAX (`x` records,
//! `SCHILY.xattr.*` / `LIBARCHIVE.xattr.*` extended attributes).
//!
//! Spec: [POSIX pax / ustar interchange format](https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html#tag_20_92_13_06),
//! GNU extensions: <https://www.gnu.org/software/tar/manual/html_node/Standard.html>.
//!
//! The walker reads 512-byte headers and hands each member's body to a callback as a bounded
//! view; whatever the callback leaves unread is skipped (a seek on seekable inputs). Every length
//! taken from a header is checked and capped by a named limit.

use super::source::{read_exact, read_full, Bounded, Source, SKIP_STEP};
use std::io;

/// Tar block size.
pub const BLOCK: u64 = 512;
/// Longest GNU long name / long link body accepted.
pub const MAX_LONG_NAME: u64 = 64 * 1024;
/// Largest PAX extended header body accepted.
pub const MAX_PAX_HEADER: u64 = 1024 * 1024;
/// Most extended attributes kept per entry.
pub const MAX_XATTRS_PER_ENTRY: usize = 64;
/// Largest single extended attribute value kept.
pub const MAX_XATTR_VALUE: usize = 64 * 1024;

/// Tar type flags (the `typeflag` header byte).
pub mod typeflag {
    pub const REG: u8 = b'0';
    pub const AREG: u8 = 0;
    pub const LINK: u8 = b'1';
    pub const SYMLINK: u8 = b'2';
    pub const CHR: u8 = b'3';
    pub const BLK: u8 = b'4';
    pub const DIR: u8 = b'5';
    pub const FIFO: u8 = b'6';
    pub const CONT: u8 = b'7';
    pub const GNU_LONGNAME: u8 = b'L';
    pub const GNU_LONGLINK: u8 = b'K';
    pub const PAX: u8 = b'x';
    pub const PAX_GLOBAL: u8 = b'g';
}

/// One member as its headers describe it (after long-name and PAX records are applied).
#[derive(Debug, Default, Clone)]
pub(crate) struct TarEntry {
    pub path: Vec<u8>,
    pub link: Vec<u8>,
    pub typeflag: u8,
    pub size: u64,
    pub mode: u32,
    pub uid: u64,
    pub gid: u64,
    pub mtime: i64,
    pub uname: Vec<u8>,
    pub gname: Vec<u8>,
    pub dev_major: u32,
    pub dev_minor: u32,
    pub xattrs: Vec<(String, Vec<u8>)>,
    /// Offset of the first header block (including long-name/PAX blocks) in the source.
    pub header_pos: u64,
    /// Offset of the body in the source.
    pub data_pos: u64,
}

/// What the walker hands its callback.
pub(crate) enum Step<'a, 'b> {
    /// A member: its headers (after long-name and PAX records are applied) and a bounded view
    /// of its body.
    Member(&'a TarEntry, &'a mut Bounded<'b>),
    /// Still skipping the rest of the last member's body (see [`SKIP_STEP`]).
    Skipping,
}

/// Why the walk stopped (when it did not fail).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WalkEnd {
    /// The end-of-archive marker (two zero blocks) was found.
    Marker,
    /// The data ended cleanly at a block boundary without an end-of-archive marker.
    EofWithoutMarker,
    /// A zero block at `pos` not followed by a second one (the data ends, or something else
    /// follows): GNU tar's "lone zero block", typically an archive cut inside its marker.
    LoneZeroBlock { pos: u64 },
}

/// A structural fault in the tar stream, with the byte position where it was found.
#[derive(Debug)]
pub(crate) enum TarFault {
    Truncated {
        pos: u64,
        what: String,
    },
    /// The data ends inside the body of the member last handed to the callback: its size was
    /// only a claim.
    BodyCut {
        pos: u64,
        what: String,
    },
    /// The block is not a tar header at all (checksum mismatch).
    NotTar {
        pos: u64,
    },
    Corrupt {
        pos: u64,
        what: String,
    },
    Io {
        pos: u64,
        source: io::Error,
    },
    Limit {
        pos: u64,
        what: String,
        limit: u64,
    },
}

/// The walk's error: either a tar fault or whatever the callback returned.
#[derive(Debug)]
pub(crate) enum WalkError<E> {
    Tar(TarFault),
    Callback(E),
}

fn io_fault(pos: u64, what: &str, e: io::Error) -> TarFault {
    if e.kind() == io::ErrorKind::UnexpectedEof {
        TarFault::Truncated {
            pos,
            what: what.to_owned(),
        }
    } else if e.kind() == io::ErrorKind::InvalidData {
        TarFault::Corrupt {
            pos,
            what: format!("{what}: {e}"),
        }
    } else {
        TarFault::Io { pos, source: e }
    }
}

fn field(h: &[u8; 512], start: usize, len: usize) -> &[u8] {
    h.get(start..start + len).unwrap_or(&[])
}

fn cstr(bytes: &[u8]) -> &[u8] {
    match bytes.iter().position(|&b| b == 0) {
        Some(i) => bytes.get(..i).unwrap_or(&[]),
        None => bytes,
    }
}

/// Parses a numeric header field: octal text or GNU base-256 (high bit of the first byte set).
pub(crate) fn parse_number(bytes: &[u8]) -> Result<i128, String> {
    if let Some(&first) = bytes.first() {
        if first & 0x80 != 0 {
            let negative = first & 0x40 != 0;
            let mut v: i128 = i128::from(first & 0x3f);
            if negative {
                v = i128::from(first) - 256; // two's complement start
            }
            for &b in bytes.get(1..).unwrap_or(&[]) {
                v = v
                    .checked_mul(256)
                    .and_then(|x| x.checked_add(i128::from(b)))
                    .ok_or_else(|| "a base-256 number overflows".to_owned())?;
                if v.unsigned_abs() > u128::from(u64::MAX) {
                    return Err("a base-256 number overflows".to_owned());
                }
            }
            return Ok(v);
        }
    }
    let mut v: i128 = 0;
    let mut seen = false;
    for &b in bytes {
        match b {
            b'0'..=b'7' => {
                seen = true;
                v = v * 8 + i128::from(b - b'0');
                if v > i128::from(u64::MAX) {
                    return Err("an octal number overflows".to_owned());
                }
            }
            b' ' | 0 if !seen => {}
            b' ' | 0 => break,
            _ => {
                return Err(format!(
                    "the number field {:?} is not octal",
                    String::from_utf8_lossy(cstr(bytes))
                ))
            }
        }
    }
    Ok(v)
}

fn num_u64(h: &[u8; 512], start: usize, len: usize, name: &str) -> Result<u64, String> {
    let v = parse_number(field(h, start, len)).map_err(|e| format!("{name}: {e}"))?;
    u64::try_from(v).map_err(|_| format!("{name} is negative"))
}

fn checksum_ok(h: &[u8; 512]) -> Result<bool, String> {
    let stored = parse_number(field(h, 148, 8)).map_err(|e| format!("checksum: {e}"))?;
    // The checksum field itself counts as eight spaces. This runs once per header (a million
    // times for a layer of a million files), so the bytes are summed eight at a time: each u64
    // word is split into four 16-bit lanes (a lane holds at most 64 × 2 × 255 < 65536), and the
    // count of bytes ≥ 0x80 gives the signed sum that some old tars wrote.
    const LO: u64 = 0x00ff_00ff_00ff_00ff;
    const HIGH_BITS: u64 = 0x0101_0101_0101_0101;
    let (mut lanes, mut high) = (0u64, 0u64);
    for (i, chunk) in h.chunks_exact(8).enumerate() {
        let mut w = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or([b' '; 8]));
        if i == 148 / 8 {
            // bytes 144..152: keep 144..148, count 148..152 as spaces
            w = (w & 0xffff_ffff) | 0x2020_2020_0000_0000;
        } else if i == 152 / 8 {
            // bytes 152..160: 152..156 are the rest of the checksum field
            w = (w & 0xffff_ffff_0000_0000) | 0x2020_2020;
        }
        lanes += (w & LO) + ((w >> 8) & LO);
        high += (w >> 7) & HIGH_BITS;
    }
    let fold = |x: u64, width: u32, mask: u64| -> i64 {
        let mut sum = 0u64;
        let mut v = x;
        while v != 0 {
            sum += v & mask;
            v >>= width;
        }
        i64::try_from(sum).unwrap_or(i64::MAX)
    };
    let unsigned = fold(lanes, 16, 0xffff);
    if stored == i128::from(unsigned) {
        return Ok(true);
    }
    let signed = unsigned - 256 * fold(high, 8, 0xff);
    Ok(stored == i128::from(signed))
}

/// True if the 512 bytes look like a tar header (valid checksum), used to sniff content.
pub(crate) fn looks_like_tar_header(block: &[u8]) -> bool {
    let Ok(h) = <&[u8; 512]>::try_from(block) else {
        return false;
    };
    if h.iter().all(|&b| b == 0) {
        return true; // an empty tar is just zero blocks
    }
    matches!(checksum_ok(h), Ok(true))
}

fn parse_pax(body: &[u8], e: &mut TarEntry, pending: &mut PaxOverrides) -> Result<(), String> {
    let mut rest = body;
    while !rest.is_empty() {
        let sp = rest
            .iter()
            .position(|&b| b == b' ')
            .ok_or("a PAX record has no length")?;
        let len_txt = std::str::from_utf8(rest.get(..sp).unwrap_or(&[]))
            .map_err(|_| "a PAX record length is not text")?;
        let len: usize = len_txt
            .trim()
            .parse()
            .map_err(|_| format!("the PAX record length {len_txt:?} is not a number"))?;
        if len <= sp + 1 || len > rest.len() {
            return Err(format!(
                "a PAX record claims {len} bytes but {} remain",
                rest.len()
            ));
        }
        let rec = rest.get(sp + 1..len).unwrap_or(&[]);
        rest = rest.get(len..).unwrap_or(&[]);
        let rec = rec.strip_suffix(b"\n").unwrap_or(rec);
        let Some(eq) = rec.iter().position(|&b| b == b'=') else {
            continue;
        };
        let key = rec.get(..eq).unwrap_or(&[]);
        let val = rec.get(eq + 1..).unwrap_or(&[]);
        match key {
            b"path" => pending.path = Some(val.to_vec()),
            b"linkpath" => pending.link = Some(val.to_vec()),
            b"size" => pending.size = Some(parse_dec(val)?),
            b"uid" => pending.uid = Some(parse_dec(val)?),
            b"gid" => pending.gid = Some(parse_dec(val)?),
            b"uname" => pending.uname = Some(val.to_vec()),
            b"gname" => pending.gname = Some(val.to_vec()),
            b"mtime" => {
                let txt = String::from_utf8_lossy(val);
                let int = txt.split('.').next().unwrap_or("0");
                pending.mtime = int.parse::<i64>().ok();
            }
            _ => {
                let k = String::from_utf8_lossy(key);
                let name = k
                    .strip_prefix("SCHILY.xattr.")
                    .or_else(|| k.strip_prefix("LIBARCHIVE.xattr."))
                    .map(str::to_owned);
                if let Some(name) = name {
                    if e.xattrs.len() < MAX_XATTRS_PER_ENTRY && val.len() <= MAX_XATTR_VALUE {
                        let value = if k.starts_with("LIBARCHIVE.") {
                            use base64::Engine as _;
                            base64::engine::general_purpose::STANDARD_NO_PAD
                                .decode(val.strip_suffix(b"=").unwrap_or(val))
                                .or_else(|_| base64::engine::general_purpose::STANDARD.decode(val))
                                .unwrap_or_else(|_| val.to_vec())
                        } else {
                            val.to_vec()
                        };
                        pending.xattrs.push((name, value));
                    }
                }
            }
        }
    }
    Ok(())
}

fn parse_dec(v: &[u8]) -> Result<u64, String> {
    std::str::from_utf8(v)
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .ok_or_else(|| {
            format!(
                "the PAX number {:?} is not a decimal number",
                String::from_utf8_lossy(v)
            )
        })
}

#[derive(Default)]
struct PaxOverrides {
    path: Option<Vec<u8>>,
    link: Option<Vec<u8>>,
    size: Option<u64>,
    uid: Option<u64>,
    gid: Option<u64>,
    uname: Option<Vec<u8>>,
    gname: Option<Vec<u8>>,
    mtime: Option<i64>,
    xattrs: Vec<(String, Vec<u8>)>,
}

fn read_meta_body(
    src: &mut dyn Source,
    size: u64,
    limit: u64,
    what: &str,
    pos: u64,
) -> Result<Vec<u8>, TarFault> {
    if size > limit {
        return Err(TarFault::Limit {
            pos,
            what: format!("a {what} of {size} bytes"),
            limit,
        });
    }
    let len = usize::try_from(size).map_err(|_| TarFault::Limit {
        pos,
        what: what.to_owned(),
        limit,
    })?;
    let mut body = vec![0u8; len];
    read_exact(src, &mut body).map_err(|e| io_fault(src.pos(), what, e))?;
    skip_padding(src, size)?;
    Ok(body)
}

fn padding(size: u64) -> u64 {
    (BLOCK - size % BLOCK) % BLOCK
}

fn skip_padding(src: &mut dyn Source, size: u64) -> Result<(), TarFault> {
    let pad = padding(size);
    if pad > 0 {
        src.skip(pad)
            .map_err(|e| io_fault(src.pos(), "the padding after a member", e))?;
    }
    Ok(())
}

/// Walks every member of the tar stream in `src`, calling `on_step` with each member's headers
/// and a bounded view of its body, and while skipping what of a long body it left unread.
/// Long-name and PAX records are folded into the entry they precede.
pub(crate) fn walk<E>(
    src: &mut dyn Source,
    on_step: &mut dyn FnMut(Step<'_, '_>) -> Result<(), E>,
) -> Result<WalkEnd, WalkError<E>> {
    let mut header = [0u8; 512];
    let mut entry = TarEntry::default();
    let mut pending = PaxOverrides::default();
    let mut long_name: Option<Vec<u8>> = None;
    let mut long_link: Option<Vec<u8>> = None;
    let mut first_header_pos: Option<u64> = None;
    loop {
        let hpos = src.pos();
        let got = read_full(src, &mut header)
            .map_err(|e| WalkError::Tar(io_fault(hpos, "a member header", e)))?;
        if got == 0 {
            if first_header_pos.is_some() {
                return Err(WalkError::Tar(TarFault::Truncated {
                    pos: hpos,
                    what: "after an extended header, before the member it describes".into(),
                }));
            }
            return Ok(WalkEnd::EofWithoutMarker);
        }
        if got < header.len() {
            return Err(WalkError::Tar(TarFault::Truncated {
                pos: hpos.saturating_add(got as u64),
                what: "inside a member header".into(),
            }));
        }
        if header.iter().all(|&b| b == 0) {
            // The marker is two zero blocks: stopping at the first could not tell a whole
            // archive from one cut inside its marker.
            let second = src.pos();
            let got = read_full(src, &mut header).map_err(|e| {
                WalkError::Tar(io_fault(second, "inside the end-of-archive marker", e))
            })?;
            if got == header.len() && header.iter().all(|&b| b == 0) {
                return Ok(WalkEnd::Marker);
            }
            return Ok(WalkEnd::LoneZeroBlock { pos: hpos });
        }
        match checksum_ok(&header) {
            Ok(true) => {}
            Ok(false) => return Err(WalkError::Tar(TarFault::NotTar { pos: hpos })),
            Err(_) => return Err(WalkError::Tar(TarFault::NotTar { pos: hpos })),
        }
        let fpos = *first_header_pos.get_or_insert(hpos);
        let tf = header[156];
        let corrupt = |what: String| WalkError::Tar(TarFault::Corrupt { pos: hpos, what });
        let size = num_u64(&header, 124, 12, "size").map_err(corrupt)?;
        match tf {
            typeflag::GNU_LONGNAME | typeflag::GNU_LONGLINK => {
                let body = read_meta_body(src, size, MAX_LONG_NAME, "GNU long name", hpos)
                    .map_err(WalkError::Tar)?;
                let v = cstr(&body).to_vec();
                if tf == typeflag::GNU_LONGNAME {
                    long_name = Some(v);
                } else {
                    long_link = Some(v);
                }
                continue;
            }
            typeflag::PAX => {
                let body = read_meta_body(src, size, MAX_PAX_HEADER, "PAX extended header", hpos)
                    .map_err(WalkError::Tar)?;
                parse_pax(&body, &mut entry, &mut pending)
                    .map_err(|e| WalkError::Tar(TarFault::Corrupt { pos: hpos, what: e }))?;
                continue;
            }
            typeflag::PAX_GLOBAL => {
                // Global records rarely matter for images; read past them.
                let _ = read_meta_body(src, size, MAX_PAX_HEADER, "PAX global header", hpos)
                    .map_err(WalkError::Tar)?;
                first_header_pos = None;
                continue;
            }
            _ => {}
        }
        read_member_header(&header, hpos, size, &mut entry, &mut pending, &mut long_name, &mut long_link)
            .map_err(WalkError::Tar)?;
        entry.xattrs = std::mem::take(&mut pending.xattrs);
        entry.header_pos = fpos;
        first_header_pos = None;
        entry.data_pos = src.pos();
        let size = entry.size;
        pass_body(src, &entry, on_step)?;
        skip_padding(src, size).map_err(WalkError::Tar)?;
        entry.xattrs.clear();
    }
}

/// Fills `entry` from a member's `header` (at `hpos`, its size field `size`) and the overrides
/// that preceded it (PAX records, GNU long names, which are used up).
fn read_member_header(
    header: &[u8; 512],
    hpos: u64,
    size: u64,
    entry: &mut TarEntry,
    pending: &mut PaxOverrides,
    long_name: &mut Option<Vec<u8>>,
    long_link: &mut Option<Vec<u8>>,
) -> Result<(), TarFault> {
    let tf = header[156];
    let corrupt = |what: String| TarFault::Corrupt { pos: hpos, what };
    let is_posix = field(header, 257, 6) == b"ustar\0";
    // The entry's buffers are reused from member to member (no allocation per header).
    let path = &mut entry.path;
    path.clear();
    if let Some(p) = pending.path.take().or_else(|| long_name.take()) {
        *path = p;
    } else {
        let prefix = if is_posix {
            cstr(field(header, 345, 155))
        } else {
            &[][..]
        };
        if !prefix.is_empty() {
            path.extend_from_slice(prefix);
            path.push(b'/');
        }
        path.extend_from_slice(cstr(field(header, 0, 100)));
    }
    *long_name = None;
    match pending.link.take().or_else(|| long_link.take()) {
        Some(l) => entry.link = l,
        None => {
            entry.link.clear();
            entry.link.extend_from_slice(cstr(field(header, 157, 100)));
        }
    }
    *long_link = None;
    entry.typeflag = tf;
    entry.size = pending.size.take().unwrap_or(size);
    let mode = num_u64(header, 100, 8, "mode").map_err(corrupt)?;
    entry.mode = u32::try_from(mode & 0o7777_7777).unwrap_or(0);
    entry.uid = match pending.uid.take() {
        Some(v) => v,
        None => num_u64(header, 108, 8, "uid").map_err(corrupt)?,
    };
    entry.gid = match pending.gid.take() {
        Some(v) => v,
        None => num_u64(header, 116, 8, "gid").map_err(corrupt)?,
    };
    entry.mtime = match pending.mtime.take() {
        Some(v) => v,
        None => {
            let v = parse_number(field(header, 136, 12))
                .map_err(|e| corrupt(format!("mtime: {e}")))?;
            i64::try_from(v).unwrap_or(0)
        }
    };
    let has_magic = field(header, 257, 5) == b"ustar";
    for (slot, over, at) in [
        (&mut entry.uname, pending.uname.take(), 265),
        (&mut entry.gname, pending.gname.take(), 297),
    ] {
        match over {
            Some(v) => *slot = v,
            None => {
                slot.clear();
                if has_magic {
                    slot.extend_from_slice(cstr(field(header, at, 32)));
                }
            }
        }
    }
    if has_magic && (tf == typeflag::CHR || tf == typeflag::BLK) {
        entry.dev_major = u32::try_from(num_u64(header, 329, 8, "devmajor").map_err(corrupt)?)
            .unwrap_or(u32::MAX);
        entry.dev_minor = u32::try_from(num_u64(header, 337, 8, "devminor").map_err(corrupt)?)
            .unwrap_or(u32::MAX);
    } else {
        entry.dev_major = 0;
        entry.dev_minor = 0;
    }
    Ok(())
}

/// Hands a member's body to `on_step`, then skips what it left unread in [`SKIP_STEP`] steps
/// (a [`Step::Skipping`] after each).
fn pass_body<E>(
    src: &mut dyn Source,
    entry: &TarEntry,
    on_step: &mut dyn FnMut(Step<'_, '_>) -> Result<(), E>,
) -> Result<(), WalkError<E>> {
    let size = entry.size;
    {
        let mut body = Bounded::new(src, size);
        on_step(Step::Member(entry, &mut body)).map_err(WalkError::Callback)?;
        loop {
            let rest = body.remaining();
            if rest == 0 {
                break;
            }
            let p = body.pos();
            body.skip(rest.min(SKIP_STEP)).map_err(|e| {
                let pos = entry.data_pos.saturating_add(p);
                WalkError::Tar(match io_fault(pos, "inside a member's body", e) {
                    TarFault::Truncated { pos, what } => TarFault::BodyCut { pos, what },
                    other => other,
                })
            })?;
            if body.remaining() > 0 {
                on_step(Step::Skipping).map_err(WalkError::Callback)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A body the callback leaves unread is skipped in steps of 1 MiB ([`SKIP_STEP`]), with a
    /// [`Step::Skipping`] between them (the analysis' progress and Cancel inside one long body):
    /// 64 of them for a body of 64 MiB and one byte.
    #[test]
    fn a_long_body_is_skipped_in_steps_of_one_mib() {
        use std::io::Read as _;
        let size: u64 = (64 << 20) + 1;
        let mut h = tar::Header::new_ustar();
        h.set_path("big").unwrap();
        h.set_size(size);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        h.set_cksum();
        let padded = size.div_ceil(512) * 512;
        let total = 512 + padded + 1024;
        let reader = std::io::Cursor::new(h.as_bytes().to_vec()).chain(std::io::repeat(0).take(padded + 1024));
        let mut src = super::super::source::StreamSource::new(reader, total);
        let (mut members, mut skips) = (0, 0);
        let end = walk(&mut src, &mut |step: Step<'_, '_>| -> Result<(), ()> {
            match step {
                Step::Member(..) => members += 1,
                Step::Skipping => skips += 1,
            }
            Ok(())
        });
        assert!(matches!(end, Ok(WalkEnd::Marker)), "{:?}", end.map_err(|_| ()));
        assert_eq!((members, skips), (1, 64));
    }

    /// The word-at-a-time checksum equals the byte loop of the spec, signed and unsigned.
    #[test]
    fn checksum_matches_byte_loop() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for round in 0..2000 {
            let mut h = [0u8; 512];
            for b in h.iter_mut() {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                *b = if round % 3 == 0 { (seed & 0x7f) as u8 } else { seed as u8 };
            }
            let (mut unsigned, mut signed) = (256i64, 256i64);
            for (i, &b) in h.iter().enumerate() {
                if !(148..156).contains(&i) {
                    unsigned += i64::from(b);
                    signed += i64::from(b as i8);
                }
            }
            let want = if round % 2 == 0 { unsigned } else { signed };
            if want < 0 {
                continue; // not writable as an octal field
            }
            let field = format!("{want:06o}\0 ");
            h[148..156].copy_from_slice(&field.as_bytes()[field.len() - 8..]);
            assert!(checksum_ok(&h).unwrap(), "round {round}: {want}");
            let off = format!("{:06o}\0 ", want + 1);
            h[148..156].copy_from_slice(&off.as_bytes()[off.len() - 8..]);
            assert!(!checksum_ok(&h).unwrap() || unsigned == want + 1 || signed == want + 1);
        }
    }

    #[test]
    fn octal_and_base256() {
        assert_eq!(parse_number(b"0000644\0").unwrap(), 0o644);
        assert_eq!(parse_number(b"   12 \0").unwrap(), 0o12);
        assert_eq!(parse_number(b"\0\0\0").unwrap(), 0);
        assert!(parse_number(b"0009\0").is_err());
        assert_eq!(
            parse_number(&[0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]).unwrap(),
            256
        );
        assert!(parse_number(&[
            0x80, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
        ])
        .is_err());
        assert_eq!(
            parse_number(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).unwrap(),
            -1
        );
    }
}
