//! Byte sources the tar walker reads from: a buffered window over a seekable reader, a forward-only
//! decompressed stream, and a bounded view of one tar member's body.
//!
//! The walker only ever asks for "some bytes" and "skip n bytes". On a seekable source a skip is a
//! cursor move (no I/O), so indexing an uncompressed tar costs one window read per cluster of
//! headers; on a stream a skip reads and discards. Formats: gzip ([RFC 1952]), zstd ([RFC 8878]).
//!
//! [RFC 1952]: https://www.rfc-editor.org/rfc/rfc1952
//! [RFC 8878]: https://www.rfc-editor.org/rfc/rfc8878

use std::cell::Cell;
use std::io::{self, Read, Seek, SeekFrom};
use std::rc::Rc;

/// Size of the read window over a seekable input: small bodies between headers cost no seek.
pub const SEEK_WINDOW: usize = 256 * 1024;
/// Scratch buffer used to discard bytes of a forward-only stream.
const SKIP_CHUNK: usize = 64 * 1024;

/// Where the analyzer is in the raw input: shared so progress can be read from any nesting depth.
pub(crate) type Tick = Rc<Cell<u64>>;

/// A forward byte source that can skip cheaply when it can.
pub(crate) trait Source {
    /// Reads up to `buf.len()` bytes; `Ok(0)` means end of data.
    fn read_some(&mut self, buf: &mut [u8]) -> io::Result<usize>;
    /// Skips `n` bytes; fails with `UnexpectedEof` if fewer remain.
    fn skip(&mut self, n: u64) -> io::Result<()>;
    /// Bytes consumed so far, in this source's own coordinates.
    fn pos(&self) -> u64;
}

/// Fills `buf` as far as the source allows; returns how many bytes were read.
pub(crate) fn read_full(src: &mut dyn Source, buf: &mut [u8]) -> io::Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        let Some(rest) = buf.get_mut(done..) else {
            break;
        };
        match src.read_some(rest) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

/// Fills `buf` completely or fails with `UnexpectedEof`.
pub(crate) fn read_exact(src: &mut dyn Source, buf: &mut [u8]) -> io::Result<()> {
    if read_full(src, buf)? == buf.len() {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "unexpected end of data",
        ))
    }
}

/// A buffered window over a `Read + Seek` input of known length.
pub(crate) struct SeekSource<R> {
    inner: R,
    buf: Vec<u8>,
    buf_start: u64,
    buf_len: usize,
    pos: u64,
    inner_pos: Option<u64>,
    total: u64,
    tick: Tick,
}

impl<R: Read + Seek> SeekSource<R> {
    pub(crate) fn new(inner: R, total: u64, start: u64, tick: Tick) -> Self {
        SeekSource {
            inner,
            buf: vec![0; SEEK_WINDOW],
            buf_start: 0,
            buf_len: 0,
            pos: start,
            inner_pos: None,
            total,
            tick,
        }
    }

    fn seek_inner(&mut self, to: u64) -> io::Result<()> {
        if self.inner_pos != Some(to) {
            self.inner.seek(SeekFrom::Start(to))?;
            self.inner_pos = Some(to);
        }
        Ok(())
    }
}

impl<R: Read + Seek> Source for SeekSource<R> {
    fn read_some(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.total || out.is_empty() {
            return Ok(0);
        }
        let buf_end = self.buf_start + self.buf_len as u64;
        if self.pos < self.buf_start || self.pos >= buf_end {
            // Refill the window at the cursor (bounded by the input's length).
            let want = usize::try_from((self.total - self.pos).min(SEEK_WINDOW as u64))
                .unwrap_or(SEEK_WINDOW);
            self.seek_inner(self.pos)?;
            let mut got = 0;
            while got < want {
                let Some(dst) = self.buf.get_mut(got..want) else {
                    break;
                };
                match self.inner.read(dst) {
                    Ok(0) => break,
                    Ok(n) => got += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        self.inner_pos = None;
                        return Err(e);
                    }
                }
            }
            self.inner_pos = Some(self.pos + got as u64);
            self.buf_start = self.pos;
            self.buf_len = got;
            if got == 0 {
                return Ok(0);
            }
        }
        let off = usize::try_from(self.pos - self.buf_start).unwrap_or(usize::MAX);
        let avail = self.buf.get(off..self.buf_len).unwrap_or(&[]);
        let n = avail.len().min(out.len());
        if let (Some(dst), Some(srcb)) = (out.get_mut(..n), avail.get(..n)) {
            dst.copy_from_slice(srcb);
        }
        self.pos += n as u64;
        self.tick.set(self.pos);
        Ok(n)
    }

    fn skip(&mut self, n: u64) -> io::Result<()> {
        let to = self
            .pos
            .checked_add(n)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "skip length overflows"))?;
        if to > self.total {
            self.pos = self.total;
            self.tick.set(self.pos);
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "unexpected end of data",
            ));
        }
        self.pos = to;
        self.tick.set(self.pos);
        Ok(())
    }

    fn pos(&self) -> u64 {
        self.pos
    }
}

/// A forward-only stream (a decompressor); skipping reads and discards.
pub(crate) struct StreamSource<D> {
    dec: D,
    pos: u64,
    scratch: Vec<u8>,
    /// Decompressed bytes allowed through this stream (gzip-bomb cap).
    limit: u64,
}

impl<D: Read> StreamSource<D> {
    pub(crate) fn new(dec: D, limit: u64) -> Self {
        StreamSource {
            dec,
            pos: 0,
            scratch: Vec::new(),
            limit,
        }
    }
}

/// The error a [`StreamSource`] returns when its decompressed-size cap is hit.
pub(crate) fn limit_error() -> io::Error {
    io::Error::other(LimitHit)
}

/// Marker carried in an `io::Error` so callers can turn it into `ImageError::LimitExceeded`.
#[derive(Debug)]
pub(crate) struct LimitHit;
impl std::fmt::Display for LimitHit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("decompressed size limit reached")
    }
}
impl std::error::Error for LimitHit {}

impl<D: Read> Source for StreamSource<D> {
    fn read_some(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.pos >= self.limit {
            // Anything more is over the cap: only fail if there *is* more.
            let mut probe = [0u8; 1];
            return match self.dec.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(limit_error()),
            };
        }
        let room = usize::try_from(self.limit - self.pos).unwrap_or(usize::MAX);
        let cap = buf.len().min(room);
        let dst = buf.get_mut(..cap).unwrap_or(&mut []);
        let n = loop {
            match self.dec.read(dst) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        };
        self.pos += n as u64;
        Ok(n)
    }

    fn skip(&mut self, mut n: u64) -> io::Result<()> {
        if self.scratch.is_empty() {
            self.scratch = vec![0; SKIP_CHUNK];
        }
        let mut scratch = std::mem::take(&mut self.scratch);
        let result = (|| {
            while n > 0 {
                let want = usize::try_from(n.min(SKIP_CHUNK as u64)).unwrap_or(SKIP_CHUNK);
                let got = self.read_some(scratch.get_mut(..want).unwrap_or(&mut []))?;
                if got == 0 {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "unexpected end of data",
                    ));
                }
                n -= got as u64;
            }
            Ok(())
        })();
        self.scratch = scratch;
        result
    }

    fn pos(&self) -> u64 {
        self.pos
    }
}

/// A view of the next `len` bytes of another source (one tar member's body).
pub(crate) struct Bounded<'a> {
    inner: &'a mut dyn Source,
    remaining: u64,
    start: u64,
}

impl<'a> Bounded<'a> {
    pub(crate) fn new(inner: &'a mut dyn Source, len: u64) -> Self {
        let start = inner.pos();
        Bounded {
            inner,
            remaining: len,
            start,
        }
    }
    pub(crate) fn remaining(&self) -> u64 {
        self.remaining
    }
}

impl Source for Bounded<'_> {
    fn read_some(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.remaining == 0 {
            return Ok(0);
        }
        let cap = usize::try_from(self.remaining)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let n = self
            .inner
            .read_some(buf.get_mut(..cap).unwrap_or(&mut []))?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "unexpected end of data",
            ));
        }
        self.remaining -= n as u64;
        Ok(n)
    }

    fn skip(&mut self, n: u64) -> io::Result<()> {
        if n > self.remaining {
            let r = self.remaining;
            self.inner.skip(r)?;
            self.remaining = 0;
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "unexpected end of data",
            ));
        }
        self.inner.skip(n)?;
        self.remaining -= n;
        Ok(())
    }

    fn pos(&self) -> u64 {
        self.inner.pos().saturating_sub(self.start)
    }
}

impl Read for Bounded<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.read_some(buf)
    }
}

/// A source that first replays a few already-read bytes (the sniffed magic), then continues.
pub(crate) struct Prefixed<'a> {
    prefix: Vec<u8>,
    off: usize,
    inner: &'a mut dyn Source,
    pos: u64,
}

impl<'a> Prefixed<'a> {
    pub(crate) fn new(prefix: Vec<u8>, inner: &'a mut dyn Source) -> Self {
        Prefixed {
            prefix,
            off: 0,
            inner,
            pos: 0,
        }
    }
}

impl Source for Prefixed<'_> {
    fn read_some(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let rest = self.prefix.get(self.off..).unwrap_or(&[]);
        let n = if rest.is_empty() {
            self.inner.read_some(buf)?
        } else {
            let n = rest.len().min(buf.len());
            if let (Some(d), Some(s)) = (buf.get_mut(..n), rest.get(..n)) {
                d.copy_from_slice(s);
            }
            self.off += n;
            n
        };
        self.pos += n as u64;
        Ok(n)
    }

    fn skip(&mut self, n: u64) -> io::Result<()> {
        let rest = (self.prefix.len() - self.off.min(self.prefix.len())) as u64;
        let from_prefix = rest.min(n);
        self.off += usize::try_from(from_prefix).unwrap_or(0);
        self.pos += from_prefix;
        let more = n - from_prefix;
        if more > 0 {
            self.inner.skip(more)?;
            self.pos += more;
        }
        Ok(())
    }

    fn pos(&self) -> u64 {
        self.pos
    }
}

impl Read for Prefixed<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.read_some(buf)
    }
}

/// Counts bytes pulled from a raw reader (the compressed outer archive) into the shared tick.
pub(crate) struct Counting<R> {
    pub(crate) inner: R,
    pub(crate) tick: Tick,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.tick.set(self.tick.get().saturating_add(n as u64));
        Ok(n)
    }
}

/// Compression of an archive or a layer, sniffed from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Compression {
    /// An uncompressed tar.
    None,
    /// gzip (magic `1f 8b`).
    Gzip,
    /// zstd (magic `28 b5 2f fd`).
    Zstd,
}

impl Compression {
    /// Sniffs gzip/zstd magic bytes; anything else is taken as uncompressed.
    pub fn sniff(head: &[u8]) -> Compression {
        if head.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }
}

/// Runs `f` over a decompressed view of `src` (already positioned after no bytes were consumed:
/// `src` replays its prefix). `limit` caps the decompressed bytes.
pub(crate) fn with_decoded<T>(
    compression: Compression,
    src: &mut dyn Source,
    limit: u64,
    f: &mut dyn FnMut(&mut dyn Source) -> Result<T, super::ImageError>,
    on_err: &dyn Fn(io::Error) -> super::ImageError,
) -> Result<T, super::ImageError> {
    struct ReadAdapter<'a>(&'a mut dyn Source);
    impl Read for ReadAdapter<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.0.read_some(buf)
        }
    }
    match compression {
        Compression::None => f(src),
        Compression::Gzip => {
            let dec = flate2::read::MultiGzDecoder::new(ReadAdapter(src));
            let mut s = StreamSource::new(dec, limit);
            f(&mut s)
        }
        Compression::Zstd => {
            let dec = ruzstd::decoding::StreamingDecoder::new(ReadAdapter(src))
                .map_err(|e| on_err(io::Error::new(io::ErrorKind::InvalidData, e.to_string())))?;
            let mut s = StreamSource::new(dec, limit);
            f(&mut s)
        }
    }
}
