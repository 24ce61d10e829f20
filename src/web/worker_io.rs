//! What an archive's worker ([`super::worker`]) and its helper workers ([`super::helper`])
//! share: a reader over the dropped `File` that counts what it fetched, a throttle for progress
//! messages, indexing a file again in a worker of its own (a comparison, a content scan), and
//! posting a message (with bytes, transferred) to whoever started the worker.

use super::blob_reader::BlobReader;
use super::protocol::{encode, encode_with_bytes, error_report};
use crate::core::image::{self, Analysis, ArchiveIndex, ErrorReport, Flow, Options, PreIndexed, Progress};
use wasm_bindgen::JsCast;
use serde::Serialize;
use web_sys::DedicatedWorkerGlobalScope;

/// Least time between two progress messages, in milliseconds.
const PROGRESS_INTERVAL_MS: f64 = 100.0;

/// A reader over `file`.
///
/// # Errors
/// When the browser offers no synchronous file reading in workers.
pub fn reader(file: &web_sys::File) -> Result<BlobReader, ErrorReport> {
    BlobReader::new(file.clone().into()).map_err(|e| error_report("browser", format!("cannot read the file in this browser: {e}")))
}

/// Indexes `file` (named `name`, adopting the `prepared` layers), and says how many bytes of it
/// were read; passes progress to `report` at most once per
/// [`PROGRESS_INTERVAL_MS`].
///
/// # Errors
/// The reader's or the index's error.
pub fn index_file(file: &web_sys::File, name: &str, prepared: Vec<PreIndexed>, report: &mut dyn FnMut(Progress)) -> Result<(Analysis, u64), ErrorReport> {
    let mut file_reader = reader(file)?;
    let len = file_reader.len();
    let mut throttle = Throttle::default();
    let mut progress = |p: Progress| {
        if throttle.due() {
            report(p);
        }
        Flow::Continue
    };
    let analysis = image::analyze_prepared(&mut file_reader, len, &Options::named(name), &mut progress, prepared).map_err(|e| ErrorReport::from(&e))?;
    Ok((analysis, file_reader.fetched))
}

/// The bytes of this worker's wasm memory (which only grows: so its peak).
pub fn wasm_memory_bytes() -> u64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .ok()
        .and_then(|m| m.buffer().dyn_into::<js_sys::ArrayBuffer>().ok())
        .map_or(0, |b| u64::from(b.byte_length()))
}

/// The layers of `packed` (an [`ArchiveIndex`], as the archive's own worker packed it) if it was made for a file of `file`'s length;
/// else none (the archive is then indexed here).
pub fn prepared_for(file: &web_sys::File, packed: Option<Vec<u8>>) -> Vec<PreIndexed> {
    let Some(index) = packed.and_then(|b| ArchiveIndex::from_bytes(&b).ok()) else { return Vec::new() };
    let len = file.size();
    if len.is_finite() && len >= 0.0 && index.total_len == len as u64 { index.layers } else { Vec::new() }
}

/// Lets something through at most once per [`PROGRESS_INTERVAL_MS`].
pub struct Throttle {
    last: f64,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle { last: f64::NEG_INFINITY }
    }
}

impl Throttle {
    pub fn due(&mut self) -> bool {
        let now = js_sys::Date::now();
        let due = now - self.last >= PROGRESS_INTERVAL_MS;
        if due {
            self.last = now;
        }
        due
    }
}

/// Passes reads through and, when dropped, records how many bytes the blob reader fetched.
pub struct CountingReader<'a> {
    pub inner: BlobReader,
    pub fetched: &'a mut u64,
}

impl std::io::Read for CountingReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.inner.read(buf)
    }
}

impl std::io::Seek for CountingReader<'_> {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(to)
    }
}

impl Drop for CountingReader<'_> {
    fn drop(&mut self) {
        *self.fetched = self.inner.fetched;
    }
}

/// Posts `payload` to whoever started this worker.
pub fn post<T: Serialize>(scope: &DedicatedWorkerGlobalScope, payload: &T) {
    match encode(payload, None) {
        Ok(message) => {
            if let Err(e) = scope.post_message(&message) {
                web_sys::console::error_2(&"tarsier worker: could not post a message".into(), &e);
            }
        }
        Err(e) => web_sys::console::error_1(&e.into()),
    }
}

/// Posts `payload` with `bytes` beside it, their buffer transferred (not copied). Should the
/// browser refuse, the payload goes alone, and the other side sees no bytes.
pub fn post_with_bytes<T: Serialize>(scope: &DedicatedWorkerGlobalScope, payload: &T, bytes: &[u8]) {
    match encode_with_bytes(payload, bytes) {
        Ok((message, transfer)) => {
            if let Err(e) = scope.post_message_with_transfer(&message, &transfer) {
                web_sys::console::error_2(&"tarsier worker: could not post bytes".into(), &e);
                post(scope, payload);
            }
        }
        Err(_) => post(scope, payload),
    }
}
