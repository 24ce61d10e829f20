//! sha256 while streaming, in one place for the digest check, builds and comparisons: of bytes,
//! of a byte range of a seekable input, of a reader passed through, and of what is written.

use sha2::{Digest, Sha256};
use std::io::{Read, Seek, SeekFrom, Write};

/// `sha256:` and the hex digest of a finished hash.
pub fn prefixed(hash: Sha256) -> String {
    format!("sha256:{:x}", hash.finalize())
}

/// `sha256:` and the hex digest of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("sha256:{:x}", Sha256::digest(bytes))
}

/// A reader that hashes and counts what passes through it.
pub struct HashingReader<R> {
    inner: R,
    hash: Sha256,
    len: u64,
}

impl<R: Read> HashingReader<R> {
    pub fn new(inner: R) -> HashingReader<R> {
        HashingReader { inner, hash: Sha256::new(), len: 0 }
    }

    /// Reads the rest of the input (through the hash), then gives `sha256:…` and the length.
    pub fn finish(mut self) -> std::io::Result<(String, u64)> {
        std::io::copy(&mut self, &mut std::io::sink())?;
        Ok((prefixed(self.hash), self.len))
    }

    /// `sha256:…` of what has passed through so far.
    pub fn digest(&self) -> String {
        prefixed(self.hash.clone())
    }

    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        self.len = self.len.saturating_add(n as u64);
        Ok(n)
    }
}

/// `sha256:…` of `len` bytes of `input` from `offset`, read in pieces; an input shorter than
/// that is an `UnexpectedEof` error.
pub fn sha256_range<R: Read + Seek>(input: &mut R, offset: u64, len: u64, tick: &mut dyn FnMut(u64)) -> std::io::Result<String> {
    input.seek(SeekFrom::Start(offset))?;
    let mut hash = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        let want = usize::try_from(left.min(buf.len() as u64)).unwrap_or(buf.len());
        let n = input.read(&mut buf[..want])?;
        if n == 0 {
            return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "the input ends before the range does"));
        }
        hash.update(&buf[..n]);
        left -= n as u64;
        tick(n as u64);
    }
    Ok(prefixed(hash))
}

/// A writer that only hashes what is written to it.
#[derive(Default)]
pub struct HashingWriter(Sha256);

impl HashingWriter {
    /// The bare hex digest (no `sha256:`) of what was written.
    pub fn hex(self) -> String {
        format!("{:x}", self.0.finalize())
    }
}

impl Write for HashingWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
