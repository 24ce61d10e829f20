//! A root filesystem tarball (what `docker import` takes): read once, start to end, to hash its
//! bytes (the layer blob's digest) and its uncompressed tar (the config's `diff_id`) and to
//! check that it is a tar — never held in memory. Its bytes then go into the image unchanged.

use crate::core::sha::HashingReader;
use super::error::BuildError;
use crate::core::image::Compression;
use std::io::Read;

/// A checked rootfs tarball.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rootfs {
    pub compression: Compression,
    /// `sha256:…` of the bytes as given.
    pub digest: String,
    /// Their length.
    pub size: u64,
    /// `sha256:…` of the uncompressed tar.
    pub diff_id: String,
    /// Entries the tar holds.
    pub entries: u64,
}

/// Reads a rootfs tarball (plain, gzip or zstd) to its end. `tick` gets the bytes read so far
/// and stops the read by returning false.
///
/// # Errors
/// [`BuildError::NotATar`] for anything that is not a whole tar (empty input, a damaged header, a
/// truncated entry, a damaged compressed stream), [`BuildError::Io`] for a failed read,
/// [`BuildError::Cancelled`] when `tick` said stop.
pub fn read_rootfs<R: Read>(input: R, tick: &mut dyn FnMut(u64) -> bool) -> Result<Rootfs, BuildError> {
    let mut raw = HashingReader::new(Ticking { inner: input, read: 0, tick, cancelled: false });
    let mut head = [0u8; 4];
    let got = match read_full(&mut raw, &mut head) {
        Ok(n) => n,
        Err(_) if raw.get_mut().cancelled => return Err(BuildError::Cancelled),
        Err(e) => return Err(e),
    };
    if got == 0 {
        return Err(BuildError::NotATar { detail: "it is empty".into() });
    }
    let compression = Compression::sniff(&head[..got]);
    let chained = (&head[..got]).chain(&mut raw);
    let walked = match compression {
        Compression::None => walk(chained),
        Compression::Gzip => walk(flate2::read::MultiGzDecoder::new(chained)),
        Compression::Zstd => match ruzstd::decoding::StreamingDecoder::new(chained) {
            Ok(z) => walk(z),
            Err(e) => Err(BuildError::NotATar { detail: format!("its zstd stream is damaged ({e})") }),
        },
    };
    if raw.get_mut().cancelled {
        return Err(BuildError::Cancelled);
    }
    let (diff, entries) = walked?;
    let (digest, size) = raw.finish().map_err(|e| io("reading the root filesystem", e))?;
    Ok(Rootfs { compression, digest, size, diff_id: diff.0, entries })
}

/// Walks the tar's headers and bodies to the end of the (uncompressed) stream, hashing it.
fn walk<R: Read>(tar: R) -> Result<((String, u64), u64), BuildError> {
    let not_tar = |e: std::io::Error| BuildError::NotATar { detail: one_line(&e.to_string()) };
    let mut archive = tar::Archive::new(HashingReader::new(tar));
    let mut entries: u64 = 0;
    for entry in archive.entries().map_err(not_tar)? {
        let mut entry = entry.map_err(not_tar)?;
        let want = entry.size();
        let got = std::io::copy(&mut entry, &mut std::io::sink()).map_err(not_tar)?;
        if got != want {
            return Err(BuildError::NotATar { detail: format!("entry {} ends after {got} of its {want} bytes", entries + 1) });
        }
        entries = entries.saturating_add(1);
    }
    let hashed = archive.into_inner().finish().map_err(not_tar)?;
    Ok((hashed, entries))
}

/// The tar crate's message on one line, control characters (it quotes header bytes) made
/// spaces, at most 160 characters.
fn one_line(text: &str) -> String {
    let flat: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let words: Vec<&str> = flat.split_whitespace().collect();
    let mut out = words.join(" ");
    if let Some((i, _)) = out.char_indices().nth(160) {
        out.truncate(i);
        out.push('…');
    }
    out
}

fn read_full<R: Read>(r: &mut R, buf: &mut [u8]) -> Result<usize, BuildError> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io("reading the root filesystem", e)),
        }
    }
    Ok(n)
}

fn io(context: &str, source: std::io::Error) -> BuildError {
    BuildError::Io { context: context.into(), source }
}

/// Counts bytes read and asks `tick` whether to go on; a stop reads as the end of the input
/// (and is reported as [`BuildError::Cancelled`] by the caller).
struct Ticking<'a, R> {
    inner: R,
    read: u64,
    tick: &'a mut dyn FnMut(u64) -> bool,
    cancelled: bool,
}

impl<R: Read> Read for Ticking<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.cancelled {
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        self.read = self.read.saturating_add(n as u64);
        if !(self.tick)(self.read) {
            self.cancelled = true;
            return Err(std::io::Error::other("cancelled"));
        }
        Ok(n)
    }
}
