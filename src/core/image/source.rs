//! Byte sources the tar walker reads from: a buffered window over a seekable reader, a forward-only
//! decompressed stream, and a bounded view of one tar member's body.
//!
//! The walker only ever asks for "some bytes" and "skip n bytes". On a seekable source a skip is a
//! cursor move (no I/O), so indexing an uncompressed tar costs one window read per cluster of
//! headers; on a stream a skip reads and discards. Formats: gzip ([RFC 1952]), zstd ([RFC 8878]).
//!
//! [RFC 1952]: https://www.rfc-editor.org/rfc/rfc1952
//! [RFC 8878]: https://www.rfc-editor.org/rfc/rfc8878

use super::error::{ImageError, LimitHit};
use std::cell::Cell;
use std::io::{self, Read, Seek, SeekFrom};
use std::rc::Rc;

/// A body the callback left unread is skipped in steps of this size, with a
/// [`Step::Skipping`](super::tar_index::Step::Skipping) call after each: on a compressed stream,
/// skipping means inflating, and one huge body can take seconds, so progress and cancellation
/// must keep working inside it. One step is one MiB, the progress interval
/// ([`PROGRESS_BYTES`](super::progress::PROGRESS_BYTES)), so that progress inside one long body
/// comes as often as between small ones.
pub const SKIP_STEP: u64 = 1024 * 1024;

/// Size of the read window over a seekable input: small bodies between headers cost no seek.
pub const SEEK_WINDOW: usize = 256 * 1024;
/// Scratch buffer used to discard bytes of a forward-only stream.
const SKIP_CHUNK: usize = 64 * 1024;
/// Decompressed bytes a stream may produce before its expansion ratio is checked: real layers
/// can legitimately expand a lot (a preallocated, zero-filled database or disk image), so the
/// check starts only past 1 GiB — a layer of more than 1 GiB at over 200× is a bomb, not an image.
pub const BOMB_CHECK_AFTER: u64 = 1024 * 1024 * 1024;
/// Most decompressed bytes per compressed byte accepted past [`BOMB_CHECK_AFTER`]. Real layers
/// expand 2–20×; deflate tops out near 1032× and zstd far higher, so a stream beyond this is a
/// decompression bomb, stopped before it costs minutes of CPU (kilobytes → tens of GB).
pub const MAX_EXPANSION_RATIO: u64 = 200;
/// Largest zstd window a frame may declare (the reference decoder's default limit, window log
/// 27). The decoder keeps a whole window of history in memory, so a frame declaring a 2 TiB
/// window could make it hold all of its output.
pub const MAX_ZSTD_WINDOW: u64 = 128 * 1024 * 1024;

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
        let buf_end = self.buf_start.saturating_add(self.buf_len as u64);
        // (The cursor only moves forward, and the window starts where it stood: past the
        // window's end is the only way out of it.)
        if self.pos >= buf_end {
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
    /// Compressed bytes consumed so far, when known: checked against [`MAX_EXPANSION_RATIO`].
    compressed: Option<Tick>,
}

impl<D: Read> StreamSource<D> {
    pub(crate) fn new(dec: D, limit: u64) -> Self {
        StreamSource {
            dec,
            pos: 0,
            scratch: Vec::new(),
            limit,
            compressed: None,
        }
    }

    /// A decompressed stream whose input size is counted in `compressed`, so that a stream
    /// expanding more than [`MAX_EXPANSION_RATIO`] times is stopped as a bomb.
    pub(crate) fn with_ratio_guard(dec: D, limit: u64, compressed: Tick) -> Self {
        StreamSource {
            compressed: Some(compressed),
            ..StreamSource::new(dec, limit)
        }
    }

    fn check_ratio(&self) -> io::Result<()> {
        if let Some(c) = &self.compressed {
            if self.pos > BOMB_CHECK_AFTER && self.pos / c.get().max(1) > MAX_EXPANSION_RATIO {
                return Err(io::Error::other(LimitHit {
                    what: "the expansion ratio of the compressed data (a decompression bomb?)",
                    limit: MAX_EXPANSION_RATIO,
                }));
            }
        }
        Ok(())
    }
}

/// Counts bytes pulled through a reader into a shared counter.
struct CountingRead<R> {
    inner: R,
    count: Tick,
}

impl<R: Read> Read for CountingRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get().saturating_add(n as u64));
        Ok(n)
    }
}

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
                _ => Err(io::Error::other(LimitHit {
                    what: "the decompressed size",
                    limit: self.limit,
                })),
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
        self.check_ratio()?;
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
    /// The method's name as tools print it (`gzip`, `zstd`), `none` for a plain tar.
    pub fn as_str(self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        }
    }

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

/// The window a zstd frame header declares ([RFC 8878 §3.1.1.1]), or `None` if `head` does not
/// hold a whole frame header.
///
/// [RFC 8878 §3.1.1.1]: https://www.rfc-editor.org/rfc/rfc8878#section-3.1.1.1
pub(crate) fn zstd_declared_window(head: &[u8]) -> Option<u64> {
    let fhd = *head.get(4)?;
    let single_segment = fhd & 0x20 != 0;
    let dict_len = [0usize, 1, 2, 4][usize::from(fhd & 3)];
    let fcs_len = match fhd >> 6 {
        0 => usize::from(single_segment),
        1 => 2,
        2 => 4,
        _ => 8,
    };
    if !single_segment {
        let wd = *head.get(5)?;
        let log = 10 + u32::from(wd >> 3);
        let base = 1u64.checked_shl(log)?;
        return base.checked_add((base / 8).saturating_mul(u64::from(wd & 7)));
    }
    // A single-segment frame's window is its content size.
    let at = 5 + dict_len;
    let fcs = head.get(at..at + fcs_len)?;
    let mut v = 0u64;
    for (i, b) in fcs.iter().enumerate() {
        v |= u64::from(*b) << (8 * i);
    }
    Some(if fcs_len == 2 { v + 256 } else { v })
}

/// Keeps a copy of the first bytes read through it (a zstd frame header, at most 18 bytes).
pub(crate) struct HeaderTap<R> {
    inner: R,
    head: Rc<std::cell::RefCell<Vec<u8>>>,
}

impl<R: Read> Read for HeaderTap<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut head = self.head.borrow_mut();
        let want = 18usize.saturating_sub(head.len()).min(n);
        head.extend_from_slice(buf.get(..want).unwrap_or(&[]));
        Ok(n)
    }
}

/// A zstd decoder over `r`: every frame of the stream in turn (zstd:chunked layers are many
/// frames, and skippable frames carry their metadata), refusing any frame that declares a window
/// over [`MAX_ZSTD_WINDOW`] (a [`LimitHit`]) before it is decoded. The first frame's header is
/// read here, so a bad one is an error at once.
pub(crate) fn zstd_decoder<R: Read>(r: R) -> io::Result<ZstdFrames<R>> {
    let src = Rc::new(std::cell::RefCell::new(Pushback { pending: Vec::new(), inner: r }));
    let mut frames = ZstdFrames { src, dec: None, frames: 0 };
    if !frames.next_frame()? {
        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "no zstd frame in the data"));
    }
    Ok(frames)
}

/// Most frames one zstd stream may hold (zstd:chunked makes one per file chunk).
pub const MAX_ZSTD_FRAMES: u64 = 10_000_000;

/// Bytes put back in front of a reader (a frame's magic number, read to tell what comes next).
pub(crate) struct Pushback<R> {
    pending: Vec<u8>,
    inner: R,
}

/// A handle on the shared [`Pushback`]: the current frame's decoder reads through one, and
/// [`ZstdFrames`] keeps another to look at what follows the frame.
pub(crate) struct SharedRead<R>(Rc<std::cell::RefCell<Pushback<R>>>);

impl<R: Read> Read for SharedRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut p = self.0.borrow_mut();
        if !p.pending.is_empty() {
            let n = buf.len().min(p.pending.len());
            buf[..n].copy_from_slice(&p.pending[..n]);
            p.pending.drain(..n);
            return Ok(n);
        }
        p.inner.read(buf)
    }
}

type FrameDecoder<R> = ruzstd::decoding::StreamingDecoder<HeaderTap<SharedRead<R>>, ruzstd::decoding::FrameDecoder>;

/// The frames of a zstd stream, decoded one after another as one byte stream.
pub(crate) struct ZstdFrames<R: Read> {
    src: Rc<std::cell::RefCell<Pushback<R>>>,
    dec: Option<FrameDecoder<R>>,
    frames: u64,
}

impl<R: Read> ZstdFrames<R> {
    /// Starts the next data frame, skipping skippable frames; `false` at a clean end of data.
    fn next_frame(&mut self) -> io::Result<bool> {
        loop {
            let mut magic = [0u8; 4];
            let got = read_up_to(&mut SharedRead(self.src.clone()), &mut magic)?;
            if got == 0 {
                return Ok(false);
            }
            if got < 4 {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the data ends inside a zstd frame's magic number"));
            }
            self.frames += 1;
            if self.frames > MAX_ZSTD_FRAMES {
                return Err(io::Error::other(LimitHit { what: "the number of zstd frames", limit: MAX_ZSTD_FRAMES }));
            }
            if u32::from_le_bytes(magic) & 0xFFFF_FFF0 == 0x184D_2A50 {
                // A skippable frame: a 4-byte little-endian length, then that many bytes.
                let mut len = [0u8; 4];
                if read_up_to(&mut SharedRead(self.src.clone()), &mut len)? < 4 {
                    return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the data ends inside a skippable zstd frame"));
                }
                let len = u64::from(u32::from_le_bytes(len));
                let skipped = io::copy(&mut SharedRead(self.src.clone()).take(len), &mut io::sink())?;
                if skipped < len {
                    return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the data ends inside a skippable zstd frame"));
                }
                continue;
            }
            self.src.borrow_mut().pending.splice(0..0, magic);
            let head = Rc::new(std::cell::RefCell::new(Vec::new()));
            let tap = HeaderTap { inner: SharedRead(self.src.clone()), head: head.clone() };
            let dec = ruzstd::decoding::StreamingDecoder::new(tap)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
            let window = zstd_declared_window(&head.borrow());
            if window.is_none_or(|w| w > MAX_ZSTD_WINDOW) {
                return Err(io::Error::other(LimitHit {
                    what: "the window the zstd frame header declares",
                    limit: MAX_ZSTD_WINDOW,
                }));
            }
            self.dec = Some(dec);
            return Ok(true);
        }
    }
}

impl<R: Read> Read for ZstdFrames<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if let Some(dec) = self.dec.as_mut() {
                let n = dec.read(buf)?;
                if n > 0 {
                    return Ok(n);
                }
                self.dec = None;
            }
            if !self.next_frame()? {
                return Ok(0);
            }
        }
    }
}

/// Reads until `buf` is full or the data ends; returns the bytes read.
fn read_up_to(r: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// Reads `src` on to its end and discards what it reads, calling `step` after every
/// [`SKIP_STEP`](SKIP_STEP) bytes (progress and cancellation).
///
/// A tar ends at its end-of-archive marker, but a compressed stream goes on: gzip's trailer
/// (CRC32 and ISIZE, [RFC 1952 §2.3]) follows the data, and the decoder checks it only when it is
/// read to its end; a zstd stream may hold more blocks. A walk that stopped at the marker would
/// take a stream whose trailer is missing or wrong, or whose rest is a decompression bomb, for a
/// whole one. Returns `Ok(Some(error))` when the stream turned out damaged (the decompressed-size
/// and expansion-ratio limits of a [`StreamSource`] included), `Err` only when `step` fails.
///
/// [RFC 1952 §2.3]: https://www.rfc-editor.org/rfc/rfc1952#section-2.3
pub(crate) fn drain<E>(
    src: &mut dyn Source,
    step: &mut dyn FnMut() -> Result<(), E>,
) -> Result<Option<io::Error>, E> {
    let mut scratch = vec![0u8; SKIP_CHUNK];
    let mut since_step = 0u64;
    loop {
        match src.read_some(&mut scratch) {
            Ok(0) => return Ok(None),
            Ok(n) => since_step += n as u64,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Ok(Some(e)),
        }
        if since_step >= SKIP_STEP {
            since_step = 0;
            step()?;
        }
    }
}

/// What a stream fault found by [`drain`] means, for a warning.
pub(crate) fn stream_fault_text(e: &io::Error) -> String {
    if e.kind() == io::ErrorKind::UnexpectedEof {
        "the compressed data ends before its end: its trailer or last block is missing".into()
    } else {
        e.to_string()
    }
}

/// Runs `f` over a decompressed view of `src` (already positioned after no bytes were consumed:
/// `src` replays its prefix). `limit` caps the decompressed bytes.
pub(crate) fn with_decoded<T>(
    compression: Compression,
    src: &mut dyn Source,
    limit: u64,
    f: &mut dyn FnMut(&mut dyn Source) -> Result<T, ImageError>,
    on_err: &dyn Fn(io::Error) -> ImageError,
) -> Result<T, ImageError> {
    struct ReadAdapter<'a>(&'a mut dyn Source);
    impl Read for ReadAdapter<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.0.read_some(buf)
        }
    }
    match compression {
        Compression::None => f(src),
        Compression::Gzip => {
            let count = Tick::default();
            let input = CountingRead {
                inner: ReadAdapter(src),
                count: count.clone(),
            };
            let dec = flate2::read::MultiGzDecoder::new(input);
            let mut s = StreamSource::with_ratio_guard(dec, limit, count);
            f(&mut s)
        }
        Compression::Zstd => {
            let count = Tick::default();
            let input = CountingRead {
                inner: ReadAdapter(src),
                count: count.clone(),
            };
            let dec = zstd_decoder(input).map_err(on_err)?;
            let mut s = StreamSource::with_ratio_guard(dec, limit, count);
            f(&mut s)
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// The Layers view labels a compressed size with `as_str()` ("compressed 1.0 MiB (zstd)"):
    /// the name tools print, the same the JSON report writes (`gzip` as skopeo's media types say,
    /// `zstd`, `none`).
    #[test]
    fn compression_names_are_the_reports() {
        for (c, name) in [(Compression::None, "none"), (Compression::Gzip, "gzip"), (Compression::Zstd, "zstd")] {
            assert_eq!(c.as_str(), name);
            assert_eq!(serde_json::to_value(c).unwrap(), name);
        }
    }

    /// The bomb guard starts past [`BOMB_CHECK_AFTER`] decompressed bytes and stops a stream that
    /// has expanded *more* than [`MAX_EXPANSION_RATIO`] times: exactly at either bound passes.
    #[test]
    fn the_bomb_guard_stops_past_both_bounds_not_at_them() {
        let tick: Tick = Rc::new(Cell::new(1));
        let mut s = StreamSource::with_ratio_guard(io::repeat(0), u64::MAX, tick.clone());
        s.pos = BOMB_CHECK_AFTER;
        assert!(s.check_ratio().is_ok(), "exactly BOMB_CHECK_AFTER bytes are not checked yet");
        s.pos = BOMB_CHECK_AFTER + 1;
        let err = s.check_ratio().unwrap_err();
        assert!(err.to_string().contains("expansion ratio"), "{err}");
        let c = BOMB_CHECK_AFTER / MAX_EXPANSION_RATIO + 1;
        tick.set(c);
        s.pos = c * MAX_EXPANSION_RATIO;
        assert!(s.check_ratio().is_ok(), "exactly {MAX_EXPANSION_RATIO}x passes");
        s.pos = c * (MAX_EXPANSION_RATIO + 1);
        assert!(s.check_ratio().is_err(), "{}x is a bomb", MAX_EXPANSION_RATIO + 1);
        // without a compressed count, no ratio is checked
        let mut plain = StreamSource::new(io::repeat(0), u64::MAX);
        plain.pos = u64::MAX / 2;
        assert!(plain.check_ratio().is_ok());
    }

    /// A `Read + Seek` input that counts the calls a [`SeekSource`] makes (a browser's `Blob.slice`
    /// + `FileReaderSync` per call).
    struct Counting {
        inner: io::Cursor<Vec<u8>>,
        reads: Rc<Cell<usize>>,
        seeks: Rc<Cell<usize>>,
    }
    impl Read for Counting {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.reads.set(self.reads.get() + 1);
            self.inner.read(buf)
        }
    }
    impl Seek for Counting {
        fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
            self.seeks.set(self.seeks.get() + 1);
            self.inner.seek(to)
        }
    }

    /// A file read that the OS interrupts (EINTR) is tried again; any other read error is the
    /// caller's, at once, and the window is not trusted afterwards.
    #[test]
    fn an_interrupted_read_is_retried_and_other_errors_returned() {
        struct Flaky {
            inner: io::Cursor<Vec<u8>>,
            fail: Vec<io::ErrorKind>,
        }
        impl Read for Flaky {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                match self.fail.pop() {
                    Some(kind) => Err(io::Error::from(kind)),
                    None => self.inner.read(buf),
                }
            }
        }
        impl Seek for Flaky {
            fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
                self.inner.seek(to)
            }
        }
        let data: Vec<u8> = (0..4096u32).map(|i| (i % 251) as u8).collect();
        let flaky = |fail: Vec<io::ErrorKind>| Flaky { inner: io::Cursor::new(data.clone()), fail };
        let mut src = SeekSource::new(flaky(vec![io::ErrorKind::Interrupted, io::ErrorKind::Interrupted]), data.len() as u64, 0, Rc::new(Cell::new(0)));
        let mut block = [0u8; 512];
        read_exact(&mut src, &mut block).unwrap();
        assert_eq!(&block[..], &data[..512]);
        let mut src = SeekSource::new(flaky(vec![io::ErrorKind::PermissionDenied]), data.len() as u64, 0, Rc::new(Cell::new(0)));
        let e = src.read_some(&mut block).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::PermissionDenied);
        // the same for the helper that fills a buffer, and for the first bytes' sniffing
        let mut buf = vec![0u8; 1000];
        assert_eq!(read_up_to(&mut flaky(vec![io::ErrorKind::Interrupted; 3]), &mut buf).unwrap(), 1000);
        assert_eq!(buf[..], data[..1000]);
        assert_eq!(read_up_to(&mut flaky(vec![io::ErrorKind::PermissionDenied]), &mut buf).unwrap_err().kind(), io::ErrorKind::PermissionDenied);
        let gzip = |fail: Vec<io::ErrorKind>| Flaky { inner: io::Cursor::new([&[0x1f, 0x8b, 8, 0][..], &data[..]].concat()), fail };
        let sniff = crate::core::image::sniff::sniff;
        assert_eq!(sniff(&mut gzip(vec![io::ErrorKind::Interrupted; 2])).unwrap(), Compression::Gzip);
        assert!(sniff(&mut gzip(vec![io::ErrorKind::PermissionDenied])).unwrap_err().to_string().contains("first bytes"));
    }

    /// A forward-only stream (a decompressor) skips by reading 64 KiB at a time into scratch.
    #[test]
    fn a_stream_skips_in_64_kib_reads() {
        let data: Vec<u8> = (0..(1u32 << 20) + 512).map(|i| (i % 251) as u8).collect();
        let (reads, seeks) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(0)));
        let input = Counting { inner: io::Cursor::new(data.clone()), reads: reads.clone(), seeks: seeks.clone() };
        let mut src = StreamSource::new(input, data.len() as u64);
        src.skip(1 << 20).unwrap();
        assert_eq!((reads.get(), seeks.get()), ((1 << 20) / (64 * 1024), 0));
        let mut block = [0u8; 512];
        read_exact(&mut src, &mut block).unwrap();
        assert_eq!(&block[..], &data[1 << 20..]);
    }

    /// The input is read in 256 KiB windows: reading it through costs one seek (to the start) and
    /// one read per window; a skip that lands inside the window costs nothing.
    #[test]
    fn a_seekable_input_is_read_in_windows() {
        let data: Vec<u8> = (0..1u32 << 20).map(|i| (i % 251) as u8).collect();
        let (reads, seeks) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(0)));
        let input = Counting { inner: io::Cursor::new(data.clone()), reads: reads.clone(), seeks: seeks.clone() };
        let mut src = SeekSource::new(input, data.len() as u64, 0, Rc::new(Cell::new(0)));
        let mut block = [0u8; 512];
        for at in (0..data.len()).step_by(512) {
            read_exact(&mut src, &mut block).unwrap();
            assert_eq!(&block[..], &data[at..at + 512]);
        }
        assert_eq!((seeks.get(), reads.get()), (1, (1 << 20) / (256 * 1024)));
        assert_eq!(read_full(&mut src, &mut block).unwrap(), 0);

        let (reads, seeks) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(0)));
        let input = Counting { inner: io::Cursor::new(data.clone()), reads: reads.clone(), seeks: seeks.clone() };
        let mut src = SeekSource::new(input, data.len() as u64, 0, Rc::new(Cell::new(0)));
        read_exact(&mut src, &mut block).unwrap();
        src.skip(200 * 1024).unwrap();
        read_exact(&mut src, &mut block).unwrap();
        assert_eq!(&block[..], &data[512 + 200 * 1024..1024 + 200 * 1024]);
        assert_eq!((seeks.get(), reads.get()), (1, 1));
    }

    #[test]
    fn zstd_window_is_read_from_the_frame_header() {
        let magic = [0x28, 0xb5, 0x2f, 0xfd];
        // Window descriptor: exponent 13, mantissa 0 → 2^23; mantissa 4 → 2^23 * 1.5.
        let h = [&magic[..], &[0x00, 13 << 3]].concat();
        assert_eq!(zstd_declared_window(&h), Some(1 << 23));
        let h = [&magic[..], &[0x00, (13 << 3) | 4]].concat();
        assert_eq!(zstd_declared_window(&h), Some((1 << 23) + (1 << 22)));
        // Exponent 31: 2 TiB.
        let h = [&magic[..], &[0x00, 31 << 3]].concat();
        assert_eq!(zstd_declared_window(&h), Some(1 << 41));
        // Single segment, 8-byte content size: the window is the content size.
        let h = [&magic[..], &[0xe0], &u64::MAX.to_le_bytes()[..]].concat();
        assert_eq!(zstd_declared_window(&h), Some(u64::MAX));
        // Single segment, 2-byte content size (+256), after a 1-byte dictionary id.
        let h = [&magic[..], &[0x61, 7, 0x10, 0x00]].concat();
        assert_eq!(zstd_declared_window(&h), Some(0x10 + 256));
        assert_eq!(zstd_declared_window(&magic), None);
    }

    /// Frames the zstd CLI writes (single-segment with 1-, 2- and 4-byte content sizes, and a
    /// frame without a content size, whose window descriptor counts),
    /// against the window `zstd -lv` reports for each.
    #[test]
    fn zstd_window_as_the_zstd_cli_reports_it() {
        use std::process::Command;
        let dir = std::env::temp_dir().join(format!("tarsier-zstd-window-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (len, extra) in [(100usize, None), (300, None), (100_000, None), (100_000, Some("--no-content-size"))] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            let (input, path) = (dir.join("f"), dir.join("f.zst"));
            // from a file, whose size zstd knows (it writes no content size for a pipe)
            std::fs::write(&input, &data).unwrap();
            let frame = Command::new("zstd").args(["-q", "-c"]).args(extra).arg(&input).output().expect("zstd (Debian zstd)").stdout;
            std::fs::write(&path, &frame).unwrap();
            let listed = Command::new("zstd").arg("-lv").arg(&path).output().unwrap();
            let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
            let line = listed.lines().find(|l| l.starts_with("Window Size:")).unwrap_or_else(|| panic!("{listed}"));
            let want: u64 = line.rsplit_once('(').unwrap().1.trim_end_matches(" B)").parse().unwrap();
            assert_eq!(zstd_declared_window(&frame), Some(want), "{len} bytes {extra:?}: {line}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A stream whose decompressed size is exactly the limit ends cleanly; one byte more is over it.
    #[test]
    fn a_stream_of_exactly_the_limit_ends_cleanly() {
        let mut exact = StreamSource::new(io::Cursor::new(vec![7u8; 100]), 100);
        let mut buf = [0u8; 64];
        let mut total = 0;
        loop {
            let n = exact.read_some(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            total += n;
        }
        assert_eq!(total, 100);
        let mut over = StreamSource::new(io::Cursor::new(vec![7u8; 101]), 100);
        let mut big = [0u8; 200];
        assert_eq!(over.read_some(&mut big).unwrap(), 100);
        assert!(over.read_some(&mut big).unwrap_err().to_string().contains("decompressed size"));
    }

    #[test]
    fn every_zstd_frame_is_decoded_and_skippable_frames_are_skipped() {
        use ruzstd::encoding::{compress_to_vec, CompressionLevel};
        let a = compress_to_vec(&b"first frame, "[..], CompressionLevel::Fastest);
        let b = compress_to_vec(&b"second frame"[..], CompressionLevel::Fastest);
        let mut skippable = vec![0x5e, 0x2a, 0x4d, 0x18];
        skippable.extend_from_slice(&7u32.to_le_bytes());
        skippable.extend_from_slice(b"ignored");
        let stream = [a.clone(), skippable.clone(), b.clone(), skippable].concat();
        let mut out = Vec::new();
        zstd_decoder(stream.as_slice()).unwrap().read_to_end(&mut out).unwrap();
        assert_eq!(out, b"first frame, second frame");
        // Garbage after the last frame is an error, not silently dropped.
        let bad = [a, vec![1, 2]].concat();
        assert!(zstd_decoder(bad.as_slice()).unwrap().read_to_end(&mut Vec::new()).is_err());
    }

    #[test]
    fn a_zstd_frame_declaring_a_huge_window_is_refused_before_decoding() {
        // Frame header with a 2 TiB window, then one raw block of 5 bytes.
        let mut f = vec![0x28, 0xb5, 0x2f, 0xfd, 0x00, 31 << 3];
        f.extend_from_slice(&((5u32 << 3) | 1).to_le_bytes()[..3]);
        f.extend_from_slice(b"hello");
        let err = zstd_decoder(f.as_slice()).err().expect("refused");
        assert!(err.get_ref().is_some_and(|e| e.is::<LimitHit>()), "{err}");
        // The same with a 1 MiB window decodes.
        f[5] = 10 << 3;
        let mut out = Vec::new();
        zstd_decoder(f.as_slice())
            .unwrap()
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, b"hello");
    }

    #[test]
    fn a_stream_expanding_past_the_ratio_is_stopped() {
        // A "decoder" of endless zeros that claims to have read 1 MiB of compressed input.
        let skip = BOMB_CHECK_AFTER + (8 << 20);
        let count = Tick::new(Cell::new(1 << 20));
        let mut s = StreamSource::with_ratio_guard(io::repeat(0), u64::MAX, count);
        let err = s.skip(skip).unwrap_err();
        assert!(err.get_ref().is_some_and(|e| e.is::<LimitHit>()), "{err}");
        assert!(err.to_string().contains("expansion ratio"), "{err}");
        // Input for a ratio of 150 for the same output: fine.
        let count = Tick::new(Cell::new(skip / 150));
        let mut s = StreamSource::with_ratio_guard(io::repeat(0), u64::MAX, count);
        s.skip(skip).unwrap();
        // Without a counter (a plain tar) there is no ratio to check.
        let mut s = StreamSource::new(io::repeat(0), u64::MAX);
        s.skip(skip).unwrap();
    }
}
