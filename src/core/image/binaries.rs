//! Packages inside executables, read from ELF files while their layer is indexed, without
//! holding the file: the bytes are streamed once, front to back, and only what is needed is kept.
//!
//! - Go: the build information every Go executable carries (`.go.buildinfo`), read as Go's
//!   [`debug/buildinfo`](https://cs.opensource.google/go/go/+/refs/tags/go1.22.0:src/debug/buildinfo/buildinfo.go)
//!   reads it. Go finds it by its section, whose header usually comes at the end of the file,
//!   too late for one pass; Tarsier looks for its magic `\xff Go buildinf:` at a 16-byte
//!   boundary in the writable, not executable `PT_LOAD` segments, as Go does without sections
//!   (the first [`GO_SCAN`] bytes of each, in steps: a cgo binary has `.data` before it, the
//!   Docker CLI a `.data.rel.ro` segment). Since Go 1.18 (flags bit 2) two varint-prefixed strings
//!   follow at offset 32, the Go version and the module information (16-byte sentinels at both
//!   ends), whose lines are `path`, `mod`, `dep`, `=>` and `build`. Older binaries (pointers into
//!   the data segment) are named in a warning, not read.
//! - Rust: [`cargo auditable`](https://github.com/rust-secure-code/cargo-auditable)'s `.dep-v0`
//!   section, zlib-compressed JSON. Sections are found through the section header table, which
//!   linkers put at the end of the file after the non-loaded sections (`.dep-v0` is one): only
//!   the bytes after the last `PT_LOAD` segment up to the end of that table are buffered (at
//!   most [`MAX_TAIL`], usually a few KiB), then dropped once `.dep-v0` is copied out.
//!
//! What is kept is handed to the package pass as a tagged captured body ([`TAG_GO`],
//! [`TAG_GO_OLD`], [`TAG_DEP_V0`]: never the start of a captured file, as an ELF file's body
//! is never captured whole).

use super::report::{CargoCrate, GoBuild, GoModule};
use super::source::Source;
use std::io::Read;

/// Captured body of a Go binary: this tag, the Go version, `\n`, the module information.
pub const TAG_GO: &[u8] = b"\x7fELF\0tarsier:go-buildinfo\n";
/// Captured body of a Go binary whose build information predates Go 1.18 (not read).
pub const TAG_GO_OLD: &[u8] = b"\x7fELF\0tarsier:go-buildinfo-old\n";
/// Captured body of a `cargo auditable` binary: this tag, then the compressed `.dep-v0` bytes.
pub const TAG_DEP_V0: &[u8] = b"\x7fELF\0tarsier:dep-v0\n";

/// Whether a captured body is one of this module's tags rather than a file's bytes.
pub fn is_tagged(body: &[u8]) -> bool {
    [TAG_GO, TAG_GO_OLD, TAG_DEP_V0].iter().any(|t| body.starts_with(t))
}

/// Smallest file looked at (an ELF64 header).
pub const MIN_ELF: u64 = 64;
/// How many bytes of each writable segment the Go magic is searched in (a cgo binary's linker
/// puts `.data` first: 100 KiB to a few MiB before `.go.buildinfo`; the Docker CLI's first
/// writable segment is a 12 MiB `.data.rel.ro`, its second holds the build information).
pub const GO_SCAN: u64 = 4 * 1024 * 1024;
/// How many writable segments are searched.
const GO_SEGMENTS: usize = 4;
/// The Go magic is searched in steps of this many bytes (64 KiB). Any step finds the same magic
/// (it is 14 bytes at a 16-byte boundary, and a step keeps the bytes a magic could straddle): the
/// step only bounds what is held.
const GO_STEP: u64 = 1 << 16;
/// Longest Go version or module information read.
pub const MAX_MODINFO: u64 = 1024 * 1024;
/// Most bytes buffered after the last loaded segment (the section headers and what precedes them).
pub const MAX_TAIL: u64 = 16 * 1024 * 1024;
/// Largest compressed `.dep-v0` kept.
pub const MAX_DEP_V0: u64 = 1024 * 1024;
/// Largest inflated `.dep-v0` JSON.
pub const MAX_DEP_V0_JSON: u64 = 8 * 1024 * 1024;
/// Most program headers read.
const MAX_PHNUM: u64 = 1024;
/// Most crates kept from one `.dep-v0`.
const MAX_CRATES: usize = 100_000;

const GO_MAGIC: &[u8] = b"\xff Go buildinf:";
const GO_HEADER: usize = 32;
const GO_ALIGN: u64 = 16;
const PT_LOAD: u32 = 1;
const PF_W: u32 = 2;
const PF_X: u32 = 1;

/// The ELF header fields used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ElfHeader {
    pub class64: bool,
    pub little: bool,
    pub phoff: u64,
    pub phentsize: u64,
    pub phnum: u64,
    pub shoff: u64,
    pub shentsize: u64,
    pub shnum: u64,
    pub shstrndx: u64,
}

fn uint(b: &[u8], at: usize, width: usize, little: bool) -> Option<u64> {
    let s = b.get(at..at.checked_add(width)?)?;
    let mut v = 0u64;
    for i in 0..width {
        let byte = if little { s.get(width - 1 - i)? } else { s.get(i)? };
        v = (v << 8) | u64::from(*byte);
    }
    Some(v)
}

/// Reads an ELF header (the first 64 bytes, or 52 for ELFCLASS32), either class and byte order.
pub fn parse_header(h: &[u8]) -> Option<ElfHeader> {
    if h.get(..4)? != b"\x7fELF" {
        return None;
    }
    let class64 = match h.get(4)? {
        1 => false,
        2 => true,
        _ => return None,
    };
    let little = match h.get(5)? {
        1 => true,
        2 => false,
        _ => return None,
    };
    let u = |at, w| uint(h, at, w, little);
    let (w, base) = if class64 { (8, 0x18) } else { (4, 0x18) };
    // e_entry, e_phoff, e_shoff follow e_version; then e_flags, e_ehsize and the counts.
    let phoff = u(base + w, w)?;
    let shoff = u(base + 2 * w, w)?;
    let rest = base + 3 * w + 4 + 2;
    Some(ElfHeader {
        class64,
        little,
        phoff,
        shoff,
        phentsize: u(rest, 2)?,
        phnum: u(rest + 2, 2)?,
        shentsize: u(rest + 4, 2)?,
        shnum: u(rest + 6, 2)?,
        shstrndx: u(rest + 8, 2)?,
    })
}

/// A program header: type, flags, file offset and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub kind: u32,
    pub flags: u32,
    pub offset: u64,
    pub filesz: u64,
}

/// Reads the program header table (`bytes` starts at `e_phoff`); short or odd entries end it.
pub fn parse_segments(h: &ElfHeader, bytes: &[u8]) -> Vec<Segment> {
    let ent = usize::try_from(h.phentsize).unwrap_or(0);
    let need = if h.class64 { 56 } else { 32 };
    if ent < need {
        return Vec::new();
    }
    let u = |b: &[u8], at, w| uint(b, at, w, h.little);
    bytes
        .chunks_exact(ent)
        .take(usize::try_from(h.phnum).unwrap_or(0))
        .filter_map(|e| {
            let kind = u32::try_from(u(e, 0, 4)?).ok()?;
            if h.class64 {
                Some(Segment { kind, flags: u32::try_from(u(e, 4, 4)?).ok()?, offset: u(e, 8, 8)?, filesz: u(e, 32, 8)? })
            } else {
                Some(Segment { kind, flags: u32::try_from(u(e, 24, 4)?).ok()?, offset: u(e, 4, 4)?, filesz: u(e, 16, 4)? })
            }
        })
        .collect()
}

/// A section: name offset in the section name table, file offset and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Section {
    name: u64,
    offset: u64,
    size: u64,
}

fn parse_sections(h: &ElfHeader, bytes: &[u8]) -> Vec<Section> {
    let ent = usize::try_from(h.shentsize).unwrap_or(0);
    let need = if h.class64 { 64 } else { 40 };
    if ent < need {
        return Vec::new();
    }
    let u = |b: &[u8], at, w| uint(b, at, w, h.little);
    bytes
        .chunks_exact(ent)
        .take(usize::try_from(h.shnum).unwrap_or(0))
        .filter_map(|e| {
            if h.class64 {
                Some(Section { name: u(e, 0, 4)?, offset: u(e, 24, 8)?, size: u(e, 32, 8)? })
            } else {
                Some(Section { name: u(e, 0, 4)?, offset: u(e, 16, 4)?, size: u(e, 20, 4)? })
            }
        })
        .collect()
}

/// Forward reads of one body, tracking the position.
struct Reader<'a> {
    src: &'a mut dyn Source,
    pos: u64,
    size: u64,
    tick: &'a mut dyn FnMut() -> bool,
}

impl Reader<'_> {
    /// Skips to `off` (not backwards), in steps between which `tick` may stop it.
    fn skip_to(&mut self, off: u64) -> Option<()> {
        if off < self.pos || off > self.size {
            return None;
        }
        while self.pos < off {
            let step = (off - self.pos).min(super::source::SKIP_STEP);
            self.src.skip(step).ok()?;
            self.pos = self.pos.saturating_add(step);
            if !(self.tick)() {
                return None;
            }
        }
        Some(())
    }

    /// Reads on until `buf` holds `len` bytes (fewer at the end of the body).
    fn fill(&mut self, buf: &mut Vec<u8>, len: usize) -> Option<()> {
        self.read_into(buf, u64::try_from(len.saturating_sub(buf.len())).ok()?)
    }

    /// Appends up to `len` bytes (fewer at the end of the body) to `buf`.
    fn read_into(&mut self, buf: &mut Vec<u8>, len: u64) -> Option<()> {
        let len = len.min(self.size.saturating_sub(self.pos));
        let start = buf.len();
        buf.resize(start.checked_add(usize::try_from(len).ok()?)?, 0);
        let n = super::source::read_full(self.src, buf.get_mut(start..)?).ok()?;
        buf.truncate(start.saturating_add(n));
        self.pos = self.pos.saturating_add(n as u64);
        Some(())
    }
}

/// Reads a Go `binary.Uvarint` at `at`: the value and the bytes it took.
pub fn uvarint(b: &[u8], at: usize) -> Option<(u64, usize)> {
    let mut v = 0u64;
    for i in 0..10 {
        let byte = *b.get(at.checked_add(i)?)?;
        if i == 9 && byte > 1 {
            return None;
        }
        v |= u64::from(byte & 0x7f) << (7 * i);
        if byte < 0x80 {
            return Some((v, i + 1));
        }
    }
    None
}

/// Finds the Go build information's magic at a 16-byte boundary in the writable, not
/// executable, loaded segments, in file order, within [`GO_SCAN`] bytes of them: the bytes from
/// the magic on, or `None`. Read in steps of [`GO_STEP`]; only a step and the magic's length
/// before it are held.
fn find_go_magic(r: &mut Reader<'_>, segs: &[Segment]) -> Option<Vec<u8>> {
    let mut writable: Vec<&Segment> = segs.iter().filter(|s| s.kind == PT_LOAD && s.flags & (PF_W | PF_X) == PF_W).collect();
    writable.sort_by_key(|s| s.offset);
    for seg in writable.into_iter().take(GO_SEGMENTS) {
        if seg.offset < r.pos {
            continue;
        }
        r.skip_to(seg.offset)?;
        let end = seg.offset.saturating_add(seg.filesz.min(GO_SCAN)).min(r.size);
        let mut win: Vec<u8> = Vec::new();
        let mut win_start = seg.offset;
        while r.pos < end {
            let before = r.pos;
            r.read_into(&mut win, (end - r.pos).min(GO_STEP))?;
            if r.pos == before {
                return None;
            }
            let mut from = 0;
            while let Some(i) = win.get(from..).and_then(|w| w.windows(GO_MAGIC.len()).position(|x| x == GO_MAGIC)) {
                let at = from.saturating_add(i);
                if win_start.saturating_add(at as u64) % GO_ALIGN == 0 {
                    win.drain(..at);
                    return Some(win);
                }
                from = at.saturating_add(1);
            }
            let keep = win.len().saturating_sub(GO_MAGIC.len() - 1);
            win.drain(..keep);
            win_start = win_start.saturating_add(keep as u64);
        }
    }
    None
}

/// Reads the Go build information's version and module strings, `buf` starting at its magic.
fn go_buildinfo(r: &mut Reader<'_>, segs: &[Segment]) -> Option<Vec<u8>> {
    let mut buf = find_go_magic(r, segs)?;
    r.fill(&mut buf, GO_HEADER)?;
    let flags = *buf.get(15)?;
    if flags & 2 == 0 {
        return Some(TAG_GO_OLD.to_vec());
    }
    let mut out = TAG_GO.to_vec();
    let mut cur = GO_HEADER;
    for (i, sep) in [(0, b"\n" as &[u8]), (1, b"")] {
        // A varint is at most 10 bytes; then the string.
        r.fill(&mut buf, cur.checked_add(10)?)?;
        let (len, n) = uvarint(&buf, cur)?;
        if len > MAX_MODINFO {
            return None;
        }
        cur = cur.checked_add(n)?;
        let end = cur.checked_add(usize::try_from(len).ok()?)?;
        r.fill(&mut buf, end)?;
        let s = buf.get(cur..end)?;
        let s = if i == 1 { strip_sentinels(s) } else { s };
        out.extend_from_slice(s);
        out.extend_from_slice(sep);
        cur = end;
    }
    Some(out)
}

/// The module information without the 16-byte sentinels Go puts at both ends (as
/// `debug/buildinfo` strips them: only when the text is long enough and ends in a newline).
fn strip_sentinels(m: &[u8]) -> &[u8] {
    if m.len() >= 33 && m.get(m.len() - 17) == Some(&b'\n') {
        m.get(16..m.len() - 16).unwrap_or_default()
    } else {
        &[]
    }
}

/// Buffers the bytes after the last loaded segment up to the end of the section headers and
/// copies out `.dep-v0`.
fn dep_v0(r: &mut Reader<'_>, h: &ElfHeader, segs: &[Segment]) -> Option<Vec<u8>> {
    let loaded_end = segs.iter().filter(|s| s.kind == PT_LOAD).map(|s| s.offset.saturating_add(s.filesz)).max().unwrap_or(0);
    let start = loaded_end.max(r.pos);
    let table = h.shentsize.checked_mul(h.shnum)?;
    let end = h.shoff.checked_add(table)?;
    if h.shnum == 0 || h.shoff < start || end > r.size || end - start > MAX_TAIL {
        return None;
    }
    r.skip_to(start)?;
    let mut tail = Vec::new();
    r.read_into(&mut tail, end - start)?;
    let at = |off: u64, len: u64| -> Option<&[u8]> {
        let from = usize::try_from(off.checked_sub(start)?).ok()?;
        tail.get(from..from.checked_add(usize::try_from(len).ok()?)?)
    };
    let sections = parse_sections(h, at(h.shoff, table)?);
    let names = sections.get(usize::try_from(h.shstrndx).ok()?)?;
    let names = at(names.offset, names.size)?;
    let dep = sections.iter().find(|s| {
        usize::try_from(s.name).ok().and_then(|n| names.get(n..)).is_some_and(|n| n.starts_with(b".dep-v0\0"))
    })?;
    if dep.size > MAX_DEP_V0 {
        return None;
    }
    let mut out = TAG_DEP_V0.to_vec();
    out.extend_from_slice(at(dep.offset, dep.size)?);
    Some(out)
}

/// Reads what an executable's body (`size` bytes, the first of them not yet read) says about its
/// packages, as a tagged captured body; `None` for anything else (not ELF, no build
/// information, hostile or cut short). `tick` is called between long skips and stops the reading
/// when it returns false. Whatever is left unread the caller's walker skips.
pub(crate) fn scan(src: &mut dyn Source, size: u64, tick: &mut dyn FnMut() -> bool) -> Option<Vec<u8>> {
    let mut r = Reader { src, pos: 0, size, tick };
    let mut head = Vec::new();
    r.read_into(&mut head, MIN_ELF)?;
    let h = parse_header(&head)?;
    if h.phnum == 0 || h.phnum > MAX_PHNUM {
        return None;
    }
    // (refuses a table that starts behind, inside the header)
    r.skip_to(h.phoff)?;
    let mut ph = Vec::new();
    r.read_into(&mut ph, h.phentsize.checked_mul(h.phnum)?)?;
    let segs = parse_segments(&h, &ph);
    drop(ph);
    go_buildinfo(&mut r, &segs).or_else(|| dep_v0(&mut r, &h, &segs))
}

/// Parses Go module information (`debug.BuildInfo.String()` text) after its Go version.
pub fn parse_modinfo(go_version: &str, text: &str) -> GoBuild {
    let mut b = GoBuild { go_version: go_version.to_owned(), ..GoBuild::default() };
    // Where the last `mod`/`dep` went, for a `=>` that follows it.
    let mut last_is_main = false;
    for line in text.lines() {
        let mut f = line.split('\t');
        let (Some(kind), rest) = (f.next(), f) else { continue };
        let module = |mut f: std::str::Split<'_, char>| {
            let path = f.next().filter(|p| !p.is_empty())?.to_owned();
            let version = f.next().unwrap_or_default().to_owned();
            let sum = f.next().filter(|s| !s.is_empty()).map(str::to_owned);
            Some(GoModule { path, version, sum, replace: None })
        };
        match kind {
            "path" => b.path = line.get(5..).map(str::to_owned),
            "mod" => {
                b.main = module(rest);
                last_is_main = true;
            }
            "dep" => {
                if let Some(m) = module(rest) {
                    b.deps.push(m);
                    last_is_main = false;
                }
            }
            "=>" => {
                let target = if last_is_main { b.main.as_mut() } else { b.deps.last_mut() };
                if let (Some(t), Some(m)) = (target, module(rest)) {
                    t.replace = Some(Box::new(m));
                }
            }
            "build" => {
                let kv = line.get(6..).unwrap_or_default();
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                b.settings.push((k.to_owned(), v.to_owned()));
            }
            _ => {}
        }
    }
    b
}

/// Reads a tagged Go capture: the build information.
pub fn read_go(body: &[u8]) -> Option<GoBuild> {
    let rest = body.strip_prefix(TAG_GO)?;
    let text = String::from_utf8_lossy(rest);
    let (version, modinfo) = text.split_once('\n').unwrap_or((&text, ""));
    Some(parse_modinfo(version, modinfo))
}

/// A crate of a `.dep-v0`: name, version and what `cargo auditable` says of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crate {
    pub name: String,
    pub version: String,
    pub facts: CargoCrate,
}

#[derive(serde::Deserialize)]
struct DepV0 {
    packages: Vec<DepV0Package>,
}

#[derive(serde::Deserialize)]
struct DepV0Package {
    name: String,
    version: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    dependencies: Vec<usize>,
    #[serde(default)]
    root: bool,
}

/// Inflates and parses a `.dep-v0` section (zlib, at most [`MAX_DEP_V0_JSON`] bytes of JSON).
pub fn parse_dep_v0(compressed: &[u8]) -> Result<Vec<Crate>, String> {
    let mut json = Vec::new();
    flate2::read::ZlibDecoder::new(compressed)
        .take(MAX_DEP_V0_JSON.saturating_add(1))
        .read_to_end(&mut json)
        .map_err(|e| format!("its .dep-v0 section does not inflate ({e})"))?;
    if json.len() as u64 > MAX_DEP_V0_JSON {
        return Err(format!("its .dep-v0 section inflates to more than {} MiB", MAX_DEP_V0_JSON >> 20));
    }
    let d: DepV0 = serde_json::from_slice(&json).map_err(|e| format!("its .dep-v0 section is not cargo-auditable JSON ({e})"))?;
    let names: Vec<&str> = d.packages.iter().map(|p| p.name.as_str()).collect();
    Ok(d.packages
        .iter()
        .take(MAX_CRATES)
        .map(|p| Crate {
            name: p.name.clone(),
            version: p.version.clone(),
            facts: CargoCrate {
                source: p.source.clone(),
                kind: p.kind.clone().unwrap_or_else(|| "runtime".into()),
                root: p.root,
                dependencies: p.dependencies.iter().filter_map(|&i| names.get(i).map(|n| (*n).to_owned())).collect(),
            },
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A body in memory.
    struct Slice<'a>(&'a [u8], u64);

    impl Source for Slice<'_> {
        fn read_some(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let rest = self.0.get(usize::try_from(self.1).unwrap_or(usize::MAX)..).unwrap_or_default();
            let n = rest.len().min(buf.len());
            buf[..n].copy_from_slice(&rest[..n]);
            self.1 += n as u64;
            Ok(n)
        }
        fn skip(&mut self, n: u64) -> std::io::Result<()> {
            if self.1 + n > self.0.len() as u64 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            self.1 += n;
            Ok(())
        }
        fn pos(&self) -> u64 {
            self.1
        }
    }

    fn scan_bytes(b: &[u8]) -> Option<Vec<u8>> {
        scan(&mut Slice(b, 0), b.len() as u64, &mut || true)
    }

    /// A little-endian ELF64 with one writable PT_LOAD at `data_off` holding `data`, and
    /// `extra` after it.
    fn elf64(data_off: u64, data: &[u8], phnum: u16) -> Vec<u8> {
        let mut f = vec![0u8; 64];
        f[..4].copy_from_slice(b"\x7fELF");
        f[4] = 2;
        f[5] = 1;
        f[0x20..0x28].copy_from_slice(&64u64.to_le_bytes());
        f[0x36..0x38].copy_from_slice(&56u16.to_le_bytes());
        f[0x38..0x3a].copy_from_slice(&phnum.to_le_bytes());
        let mut ph = vec![0u8; 56];
        ph[..4].copy_from_slice(&PT_LOAD.to_le_bytes());
        ph[4..8].copy_from_slice(&6u32.to_le_bytes());
        ph[8..16].copy_from_slice(&data_off.to_le_bytes());
        ph[32..40].copy_from_slice(&(data.len() as u64).to_le_bytes());
        f.extend_from_slice(&ph);
        f.resize(usize::try_from(data_off).unwrap_or(0), 0);
        f.extend_from_slice(data);
        f
    }

    fn buildinfo(flags: u8, version: &str, modinfo: &str) -> Vec<u8> {
        let mut b = GO_MAGIC.to_vec();
        b.push(8);
        b.push(flags);
        b.resize(32, 0);
        for s in [version.as_bytes().to_vec(), [&[b'x'; 16][..], modinfo.as_bytes(), &[b'y'; 16]].concat()] {
            let mut n = s.len();
            loop {
                let byte = (n & 0x7f) as u8;
                n >>= 7;
                b.push(if n > 0 { byte | 0x80 } else { byte });
                if n == 0 {
                    break;
                }
            }
            b.extend_from_slice(&s);
        }
        b
    }

    const MODINFO: &str = "path\texample.com/x\nmod\texample.com/x\t(devel)\t\ndep\tgithub.com/a/b\tv1.0.0\th1:abc=\n=>\t../b\t(devel)\t\nbuild\t-ldflags=\"-s -w\"\nbuild\tCGO_ENABLED=0\n";

    #[test]
    fn go_buildinfo_at_the_segment_start_and_further_in() {
        for pad in [0usize, 4096 + 16, 200 * 1024] {
            let data = [vec![0u8; pad], buildinfo(2, "go1.22.1", MODINFO)].concat();
            let got = scan_bytes(&elf64(0x1000, &data, 1)).unwrap();
            let b = read_go(&got).unwrap();
            assert_eq!(b.go_version, "go1.22.1");
            assert_eq!(b.path.as_deref(), Some("example.com/x"));
            assert_eq!(b.main.as_ref().map(|m| m.version.as_str()), Some("(devel)"));
            assert_eq!(b.deps.len(), 1);
            assert_eq!(b.deps[0].sum.as_deref(), Some("h1:abc="));
            assert_eq!(b.deps[0].replace.as_ref().map(|r| r.path.as_str()), Some("../b"));
            assert_eq!(b.settings, [("-ldflags".to_owned(), "\"-s -w\"".to_owned()), ("CGO_ENABLED".to_owned(), "0".to_owned())]);
        }
    }

    /// A little-endian ELF64 with one read-only PT_LOAD over its first 0x100 bytes, then
    /// `.dep-v0` holding `dep`, the section names, and the section headers at the end.
    fn elf64_dep_v0(dep: &[u8]) -> Vec<u8> {
        let mut f = elf64(0x100, &[], 1);
        f[68..72].copy_from_slice(&4u32.to_le_bytes());
        f[72..80].copy_from_slice(&0u64.to_le_bytes());
        f[96..104].copy_from_slice(&0x100u64.to_le_bytes());
        let dep_at = f.len() as u64;
        f.extend_from_slice(dep);
        let names_at = f.len() as u64;
        let names = b"\0.shstrtab\0.dep-v0\0";
        f.extend_from_slice(names);
        let shoff = f.len() as u64;
        for (name, off, size) in [(0u32, 0u64, 0u64), (1, names_at, names.len() as u64), (11, dep_at, dep.len() as u64)] {
            let mut sh = [0u8; 64];
            sh[..4].copy_from_slice(&name.to_le_bytes());
            sh[24..32].copy_from_slice(&off.to_le_bytes());
            sh[32..40].copy_from_slice(&size.to_le_bytes());
            f.extend_from_slice(&sh);
        }
        f[0x28..0x30].copy_from_slice(&shoff.to_le_bytes());
        f[0x3a..0x3c].copy_from_slice(&64u16.to_le_bytes());
        f[0x3c..0x3e].copy_from_slice(&3u16.to_le_bytes());
        f[0x3e..0x40].copy_from_slice(&1u16.to_le_bytes());
        f
    }

    #[test]
    fn dep_v0_through_the_section_table() {
        let good = elf64_dep_v0(b"zlib bytes");
        assert_eq!(scan_bytes(&good), Some([TAG_DEP_V0, b"zlib bytes"].concat()));
        // Cut anywhere, or a section beyond the file, names out of range: nothing, no panic.
        for n in 0..good.len() {
            assert_eq!(scan_bytes(&good[..n]), None, "{n}");
        }
        let mut far = good.clone();
        let sh2 = far.len() - 64;
        far[sh2 + 24..sh2 + 32].copy_from_slice(&u64::MAX.to_le_bytes());
        assert_eq!(scan_bytes(&far), None);
        let mut names = good.clone();
        names[sh2..sh2 + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(scan_bytes(&names), None);
        let mut strndx = good;
        strndx[0x3e..0x40].copy_from_slice(&u16::MAX.to_le_bytes());
        assert_eq!(scan_bytes(&strndx), None);
    }

    /// A `.dep-v0` of 1 MiB (the cap: its JSON is zlib-compressed, under 2 KiB in the fixtures'
    /// binaries) is copied out; one byte more is not.
    #[test]
    fn dep_v0_up_to_its_cap() {
        let cap = 1 << 20;
        let at_cap = vec![7u8; cap];
        assert_eq!(scan_bytes(&elf64_dep_v0(&at_cap)).map(|b| b.len()), Some(TAG_DEP_V0.len() + cap));
        assert_eq!(scan_bytes(&elf64_dep_v0(&vec![7u8; cap + 1])), None);
    }

    /// The magic is searched in the first 4 MiB ([`GO_SCAN`]) of a segment: found at its last
    /// 16-byte boundary there, not at the next one. (The sizes in these tests are written out,
    /// not taken from the constants, so that a wrong constant fails them.)
    #[test]
    fn go_magic_within_the_scan_limit() {
        let scan = 4 << 20;
        for (pad, found) in [(scan - 16, true), (scan, false)] {
            let data = [vec![0u8; pad], buildinfo(2, "go1.22.1", MODINFO)].concat();
            let got = scan_bytes(&elf64(0x1000, &data, 1));
            assert_eq!(got.as_deref().and_then(read_go).map(|b| b.go_version), found.then(|| "go1.22.1".to_owned()), "{pad}");
        }
    }

    /// Module information of 1 MiB ([`MAX_MODINFO`], its sentinels included) is read; one byte
    /// more is not build information.
    #[test]
    fn modinfo_up_to_its_cap() {
        let max = 1 << 20;
        for (len, found) in [(max, true), (max + 1, false)] {
            let modinfo = format!("path\texample.com/x\n{}\n", "#".repeat(len - 32 - 20));
            let got = scan_bytes(&elf64(0x1000, &buildinfo(2, "go1.22.1", &modinfo), 1));
            assert_eq!(got.as_deref().and_then(read_go).and_then(|b| b.path), found.then(|| "example.com/x".to_owned()), "{len}");
        }
    }

    #[test]
    fn misaligned_magic_and_old_format() {
        // The magic off a 16-byte boundary is not build information.
        let data = [vec![0u8; 3], buildinfo(2, "go1.22.1", MODINFO)].concat();
        assert_eq!(scan_bytes(&elf64(0x1000, &data, 1)), None);
        assert_eq!(scan_bytes(&elf64(0x1000, &buildinfo(0, "", ""), 1)).as_deref(), Some(TAG_GO_OLD));
    }

    #[test]
    fn hostile_elf_is_nothing() {
        let good = elf64(0x1000, &buildinfo(2, "go1.22.1", MODINFO), 1);
        assert!(scan_bytes(&good).is_some());
        // Every truncation, and huge counts and offsets.
        for n in 0..good.len() {
            let _ = scan_bytes(&good[..n]);
        }
        assert_eq!(scan_bytes(&elf64(0x1000, &buildinfo(2, "go", MODINFO), u16::MAX)), None);
        let mut far = good.clone();
        far[72..80].copy_from_slice(&u64::MAX.to_le_bytes());
        assert_eq!(scan_bytes(&far), None);
        let mut long = good.clone();
        long[0x1000 + 32] = 0xff; // a varint that runs on
        let _ = scan_bytes(&long);
        let mut shoff = good;
        shoff[0x28..0x30].copy_from_slice(&(u64::MAX - 3).to_le_bytes());
        shoff[0x3c..0x3e].copy_from_slice(&u16::MAX.to_le_bytes());
        shoff[0x3a..0x3c].copy_from_slice(&64u16.to_le_bytes());
        let _ = scan_bytes(&shoff);
        assert_eq!(scan_bytes(b"\x7fELF\x03\x01"), None);
        assert_eq!(scan_bytes(&[0u8; 100]), None);
    }

    /// MAX_PHNUM program headers are read, one more is refused, even with the build information
    /// beyond the table, where a reader would still find it; no table, or one that starts inside
    /// the header, is nothing, even with a `.dep-v0` section.
    #[test]
    fn program_header_count_and_offset_bounds() {
        let data = buildinfo(2, "go1.22.1", MODINFO);
        let past_table = 0x10000;
        assert!(past_table > 64 + 56 * (MAX_PHNUM + 1));
        let max = u16::try_from(MAX_PHNUM).unwrap();
        assert!(scan_bytes(&elf64(past_table, &data, max)).is_some());
        assert_eq!(scan_bytes(&elf64(past_table, &data, max + 1)), None);
        let mut inside = elf64(0x1000, &data, 1);
        inside[0x20..0x28].copy_from_slice(&8u64.to_le_bytes());
        assert_eq!(scan_bytes(&inside), None);
        let dep = elf64_dep_v0(b"zlib bytes");
        assert!(scan_bytes(&dep).is_some());
        let mut no_table = dep;
        no_table[0x38..0x3a].copy_from_slice(&0u16.to_le_bytes());
        assert_eq!(scan_bytes(&no_table), None);
    }

    #[test]
    fn elf32_big_endian_header() {
        let mut h = vec![0u8; 52];
        h[..6].copy_from_slice(b"\x7fELF\x01\x02");
        h[0x1c..0x20].copy_from_slice(&52u32.to_be_bytes());
        h[0x20..0x24].copy_from_slice(&1000u32.to_be_bytes());
        h[0x2a..0x2c].copy_from_slice(&32u16.to_be_bytes());
        h[0x2c..0x2e].copy_from_slice(&3u16.to_be_bytes());
        h[0x2e..0x30].copy_from_slice(&40u16.to_be_bytes());
        h[0x30..0x32].copy_from_slice(&9u16.to_be_bytes());
        h[0x32..0x34].copy_from_slice(&8u16.to_be_bytes());
        let e = parse_header(&h).unwrap();
        assert_eq!((e.class64, e.little, e.phoff, e.shoff, e.phentsize, e.phnum, e.shentsize, e.shnum, e.shstrndx), (false, false, 52, 1000, 32, 3, 40, 9, 8));
    }

    #[test]
    fn varints() {
        assert_eq!(uvarint(&[0x05], 0), Some((5, 1)));
        assert_eq!(uvarint(&[0x80, 0x01], 0), Some((128, 2)));
        assert_eq!(uvarint(&[0xff; 10], 0), None);
        assert_eq!(uvarint(&[0x80], 0), None);
        // The tenth byte as Go's encoding/binary.Uvarint takes it: 0 or 1 (the 64th bit) ends
        // the number, 2 and more overflow.
        let tenth = |last: u8| [[0xff; 9].as_slice(), &[last]].concat();
        assert_eq!(uvarint(&tenth(1), 0), Some((u64::MAX, 10)));
        assert_eq!(uvarint(&tenth(0), 0), Some((u64::MAX >> 1, 10)));
        assert_eq!(uvarint(&tenth(2), 0), None);
        assert_eq!(strip_sentinels(b"short"), b"");
    }

    #[test]
    fn dep_v0_json() {
        use std::io::Write;
        let json = br#"{"packages":[{"name":"hex","version":"0.4.3","source":"crates.io"},{"name":"app","version":"0.1.0","source":"local","dependencies":[0,9],"root":true}]}"#;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(json).unwrap();
        let c = parse_dep_v0(&z.finish().unwrap()).unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c[1].facts.dependencies, ["hex"]);
        assert!(c[1].facts.root);
        assert_eq!(c[0].facts.kind, "runtime");
        assert!(parse_dep_v0(b"not zlib").is_err());
        // A bomb: more than the JSON limit once inflated.
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&vec![b' '; usize::try_from(MAX_DEP_V0_JSON).unwrap() + 10]).unwrap();
        assert!(parse_dep_v0(&z.finish().unwrap()).unwrap_err().contains("more than"));
        // JSON of exactly the limit, 8 MiB (spaces after the value), is read.
        let mut at_limit = br#"{"packages":[{"name":"hex","version":"0.4.3"}]}"#.to_vec();
        at_limit.resize(8 << 20, b' ');
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&at_limit).unwrap();
        assert_eq!(parse_dep_v0(&z.finish().unwrap()).unwrap().len(), 1);
    }
}
