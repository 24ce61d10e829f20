//! `Read + Seek` over a browser `Blob` (a dropped `File`), for the worker.
//!
//! Reads go through `Blob.slice` and `FileReaderSync` (synchronous reads exist only in workers),
//! one window at a time, so a 5 GB file is never copied into memory: the core walks tar headers
//! and seeks over bodies, and a seek inside the current window costs nothing.
//!
//! Each `FileReaderSync` read costs a fixed ~1.4 ms in Chromium (a round trip to the browser
//! process) on top of ~2 ms per MiB, so 256 KiB reads spend most of their time in that overhead.
//! The window therefore grows while reads stay sequential (a run of small files, read header
//! after header) — doubling from [`WINDOW`] up to [`MAX_SLICE`] — and falls back to [`WINDOW`]
//! after any jump (a skipped large body), so a jump never over-reads more than [`WINDOW`].

use std::io::{self, Read, Seek, SeekFrom};
use wasm_bindgen::JsCast;

/// Bytes fetched per `Blob.slice` after a jump, when the caller asks for less (small files then
/// cost one slice).
pub const WINDOW: usize = 256 * 1024;
/// The most bytes fetched by one slice: the read-ahead cap on sequential reads, and the cap of a
/// large read that goes straight to the caller. Reading 200 MiB of a cached file in a worker
/// took ~450 ms in 4 MiB slices and ~350 ms in 16–32 MiB ones, and 64 MiB gained nothing more
/// (docs/benchmarks.md). The window lives in the worker's JS heap, not in wasm memory.
pub const MAX_SLICE: usize = 32 * 1024 * 1024;

/// A seekable reader over a `Blob`.
pub struct BlobReader {
    blob: web_sys::Blob,
    reader: web_sys::FileReaderSync,
    len: u64,
    pos: u64,
    /// The window: the last fetched bytes, left where `FileReaderSync` put them (a JS
    /// `ArrayBuffer`), and copied from there straight into each caller's buffer. Holding the
    /// window in wasm memory instead cost a zero-fill of it and a second copy of every byte
    /// (~100 ms of the 1 GiB benchmark).
    window: js_sys::Uint8Array,
    buf_len: usize,
    buf_start: u64,
    /// Where the last fetch ended: a fetch starting there is sequential and grows the read-ahead.
    last_end: u64,
    /// The size of the next windowed fetch (between [`WINDOW`] and [`MAX_SLICE`]).
    ahead: usize,
    /// Bytes fetched from the blob so far (for benchmarks: how much was really read).
    pub fetched: u64,
}

impl BlobReader {
    /// Wraps `blob`.
    ///
    /// # Errors
    /// When the browser refuses to create a `FileReaderSync` (only possible outside a worker).
    pub fn new(blob: web_sys::Blob) -> io::Result<BlobReader> {
        let reader = web_sys::FileReaderSync::new().map_err(|e| js_error("FileReaderSync is unavailable", &e))?;
        let size = blob.size();
        let len = if size.is_finite() && size >= 0.0 { size as u64 } else { 0 };
        Ok(BlobReader { blob, reader, len, pos: 0, window: js_sys::Uint8Array::new_with_length(0), buf_len: 0, buf_start: 0, last_end: u64::MAX, ahead: WINDOW, fetched: 0 })
    }

    /// The blob's length in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the blob is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Fetches up to `want` bytes from `start`, as a view on the fetched `ArrayBuffer` (the caller
    /// copies it where it belongs, once).
    fn fetch(&mut self, start: u64, want: usize) -> io::Result<js_sys::Uint8Array> {
        let end = start.saturating_add(want as u64).min(self.len);
        if end <= start {
            return Ok(js_sys::Uint8Array::new_with_length(0));
        }
        self.last_end = u64::MAX;
        let slice = self
            .blob
            .slice_with_f64_and_f64(start as f64, end as f64)
            .map_err(|e| js_error("could not slice the file", &e))?;
        let buffer = self
            .reader
            .read_as_array_buffer(&slice)
            .map_err(|e| js_error("could not read the file (was it moved or deleted?)", &e))?;
        let view = js_sys::Uint8Array::new(&buffer);
        let got = u64::from(view.length());
        self.fetched = self.fetched.saturating_add(got);
        if got != end - start {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the file changed while it was being read"));
        }
        self.last_end = end;
        Ok(view)
    }

    /// The size of a fetch starting at `start`: doubled while fetches are sequential, back to
    /// [`WINDOW`] after a jump.
    fn next_ahead(&mut self, start: u64) -> usize {
        self.ahead = if start == self.last_end { (self.ahead * 2).min(MAX_SLICE) } else { WINDOW };
        self.ahead
    }
}

impl Read for BlobReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() || self.pos >= self.len {
            return Ok(0);
        }
        let in_window = self.pos >= self.buf_start && self.pos < self.buf_start + self.buf_len as u64;
        if !in_window {
            let ahead = self.next_ahead(self.pos);
            if out.len() >= ahead {
                // A large read goes straight to the caller, without the window's extra copy.
                let view = self.fetch(self.pos, out.len().min(MAX_SLICE))?;
                let got = view.length() as usize;
                view.copy_to(&mut out[..got]);
                self.pos += got as u64;
                return Ok(got);
            }
            self.buf_len = 0;
            self.window = self.fetch(self.pos, ahead)?;
            self.buf_len = self.window.length() as usize;
            self.buf_start = self.pos;
        }
        let at = (self.pos - self.buf_start) as usize;
        let n = out.len().min(self.buf_len - at);
        // Offsets inside a window of at most MAX_SLICE bytes fit in u32.
        self.window.subarray(at as u32, (at + n) as u32).copy_to(&mut out[..n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for BlobReader {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        match target {
            Some(t) => {
                self.pos = t;
                Ok(t)
            }
            None => Err(io::Error::new(io::ErrorKind::InvalidInput, "seek before the start of the file")),
        }
    }
}

fn js_error(what: &str, e: &wasm_bindgen::JsValue) -> io::Error {
    let detail = e
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_default();
    io::Error::other(format!("{what}: {detail}"))
}
