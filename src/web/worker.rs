//! The worker side: receives [`Request`]s, runs the core, posts [`Response`]s.
//!
//! Synchronous work is fine here (a worker has no UI to freeze); a long job is cancelled by the UI
//! terminating the worker, which is the only way to stop a synchronous loop mid-way without
//! shared memory. An image archive gets a worker of its own, which keeps the archive's `File`
//! and its index for later queries (listings, previews, downloads, digest checks).

use super::blob_reader::BlobReader;
use super::protocol::{decode, encode, DownloadLink, FileContent, PasteInput, Request, RequestId, Response, WorkerStats};
use crate::core::image::{self, Analysis, Flow, Options, Progress};
use crate::core::paste;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::DedicatedWorkerGlobalScope;

/// Most bytes of one file offered as a download (it is assembled in memory first).
pub const MAX_DOWNLOAD: u64 = 1024 * 1024 * 1024;
/// Least time between two progress messages, in milliseconds.
const PROGRESS_INTERVAL_MS: f64 = 100.0;

/// The archive this worker indexed.
struct Session {
    file: web_sys::File,
    analysis: Analysis,
}

thread_local! {
    static SESSION: RefCell<Option<Session>> = const { RefCell::new(None) };
}

/// Installs the message handler and announces readiness.
pub fn run() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_scope = scope.clone();
    let handler = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        let response = match decode::<Request>(&event.data()) {
            Ok((request, file)) => handle(&reply_scope, request, file),
            Err(message) => Response::Protocol { message },
        };
        post(&reply_scope, &response);
    });
    scope.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    handler.forget();
    post(&scope, &Response::Ready);
}

fn handle(scope: &DedicatedWorkerGlobalScope, request: Request, file: Option<web_sys::File>) -> Response {
    match request {
        Request::Paste { id, input, pinned } => paste_response(id, input, pinned),
        Request::OpenImage { session, name } => {
            let started = js_sys::Date::now();
            let mut bytes_read = 0;
            let result = match file {
                Some(file) => open_image(scope, session, file, &name, &mut bytes_read).map(Box::new),
                None => Err("No file reached the worker.".to_owned()),
            };
            let stats = WorkerStats { elapsed_ms: js_sys::Date::now() - started, wasm_memory_bytes: wasm_memory_bytes(), bytes_read };
            Response::ImageOpened { session, result, stats }
        }
        Request::Verify { id } => {
            let result = with_session(|s| {
                let reader = reader(&s.file)?;
                let mut progress = throttled(scope, id);
                image::verify_digests(reader, &s.analysis, &mut progress).map_err(|e| e.to_string())
            });
            Response::Verified { id, result }
        }
        Request::ListDir { id, image, path, include_deleted } => {
            let result = with_session(|s| s.analysis.list_dir(image, &path, include_deleted).map_err(|e| e.to_string()));
            Response::Dir { id, image, path, result }
        }
        Request::LayerEntries { id, layer, offset, limit } => {
            let result = with_session(|s| s.analysis.layer_entries(layer, offset, limit.min(5000)).map_err(|e| e.to_string()));
            Response::LayerPage { id, layer, result }
        }
        Request::Search { id, image, pattern, include_deleted, limit } => {
            let result = with_session(|s| Ok(s.analysis.search(image, &pattern, include_deleted, limit.min(10_000))));
            Response::Found { id, pattern, result }
        }
        Request::ReadFile { id, image, path, offset, max_len } => {
            let result = with_session(|s| read_file(s, image, &path, offset, max_len));
            Response::FileRead { id, path, result }
        }
        Request::Download { id, image, path } => {
            let result = with_session(|s| download(s, image, path.as_deref()));
            Response::Downloadable { id, result }
        }
    }
}

fn paste_response(id: RequestId, input: PasteInput, pinned: Option<String>) -> Response {
    let (text, from_fragment) = match input {
        PasteInput::Text(text) => (text, false),
        PasteInput::Fragment(fragment) => match paste::text_for_fragment(&fragment) {
            Ok(Some(text)) => (text, true),
            Ok(None) => {
                let result = Err("This link's '#' part is not one Tarsier made.".to_owned());
                return Response::Paste { id, text: None, fragment: None, result };
            }
            Err(message) => return Response::Paste { id, text: None, fragment: None, result: Err(message) },
        },
    };
    let result = paste::analyze_against(&text, pinned.as_deref()).map_err(|e| e.to_string());
    let fragment = result.as_ref().ok().and_then(|r| paste::fragment_for(r, &text, pinned.as_deref()));
    Response::Paste { id, text: from_fragment.then_some(text), fragment, result }
}

fn reader(file: &web_sys::File) -> Result<BlobReader, String> {
    BlobReader::new(file.clone().into()).map_err(|e| format!("Cannot read the file in this browser: {e}"))
}

/// A progress callback that posts at most one message per [`PROGRESS_INTERVAL_MS`].
fn throttled(scope: &DedicatedWorkerGlobalScope, session: RequestId) -> impl FnMut(Progress) -> Flow + '_ {
    let mut last = f64::NEG_INFINITY;
    move |progress: Progress| {
        let now = js_sys::Date::now();
        if now - last >= PROGRESS_INTERVAL_MS {
            last = now;
            post(scope, &Response::ImageProgress { session, progress });
        }
        Flow::Continue
    }
}

fn open_image(
    scope: &DedicatedWorkerGlobalScope,
    session: RequestId,
    file: web_sys::File,
    name: &str,
    bytes_read: &mut u64,
) -> Result<image::Report, String> {
    let reader = CountingReader { inner: reader(&file)?, fetched: bytes_read };
    let len = reader.inner.len();
    let mut progress = throttled(scope, session);
    let analysis = image::analyze(reader, len, &Options::named(name), &mut progress).map_err(|e| e.to_string())?;
    let report = analysis.report.clone();
    SESSION.with(|s| *s.borrow_mut() = Some(Session { file, analysis }));
    Ok(report)
}

/// Passes reads through and, when dropped, records how many bytes the blob reader fetched.
struct CountingReader<'a> {
    inner: BlobReader,
    fetched: &'a mut u64,
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

/// The size of this worker's WebAssembly memory in bytes.
fn wasm_memory_bytes() -> u64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .ok()
        .and_then(|m| m.buffer().dyn_into::<js_sys::ArrayBuffer>().ok())
        .map_or(0, |b| b.byte_length() as u64)
}

fn with_session<T>(f: impl FnOnce(&Session) -> Result<T, String>) -> Result<T, String> {
    SESSION.with(|s| match s.borrow().as_ref() {
        Some(session) => f(session),
        None => Err("No image is loaded in this worker.".to_owned()),
    })
}

fn read_file(s: &Session, image: usize, path: &str, offset: u64, max_len: usize) -> Result<FileContent, String> {
    let entry = s
        .analysis
        .merged_entry(image, path)
        .ok_or_else(|| format!("{path} is not in this image."))?;
    let readable = entry.status == image::MergedStatus::Present
        && matches!(entry.kind, image::EntryKind::File | image::EntryKind::Hardlink | image::EntryKind::Symlink);
    let bytes = if readable && max_len > 0 {
        image::read_merged(reader(&s.file)?, &s.analysis, image, path, offset, max_len).map_err(|e| e.to_string())?
    } else {
        Vec::new()
    };
    Ok(FileContent { entry, offset, bytes })
}

fn download(s: &Session, image: usize, path: Option<&str>) -> Result<DownloadLink, String> {
    let (bytes, file_name, mime) = match path {
        None => {
            let json = serde_json::to_vec_pretty(&s.analysis.full_report()).map_err(|e| format!("Could not write the report: {e}"))?;
            let base = s.analysis.report.archive.name.rsplit('/').next().unwrap_or("image").to_owned();
            (json, format!("{base}.tarsier.json"), "application/json")
        }
        Some(path) => {
            let entry = s.analysis.merged_entry(image, path).ok_or_else(|| format!("{path} is not in this image."))?;
            if entry.size > MAX_DOWNLOAD {
                return Err(format!("{path} is {} bytes; at most {MAX_DOWNLOAD} bytes can be downloaded from the page (use `tarsier cat`).", entry.size));
            }
            let mut out = Vec::new();
            image::copy_merged(reader(&s.file)?, &s.analysis, image, path, &mut out).map_err(|e| e.to_string())?;
            let name = entry.name.clone();
            (out, if name.is_empty() { "file".to_owned() } else { name }, "application/octet-stream")
        }
    };
    let size = bytes.len() as u64;
    let array = js_sys::Uint8Array::from(bytes.as_slice());
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|_| "The browser could not hold the download in memory.".to_owned())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "The browser refused to make a download link.".to_owned())?;
    Ok(DownloadLink { url, file_name, size })
}

fn post(scope: &DedicatedWorkerGlobalScope, response: &Response) {
    match encode(response, None) {
        Ok(message) => {
            if let Err(e) = scope.post_message(&message) {
                web_sys::console::error_2(&"tarsier worker: could not post a message".into(), &e);
            }
        }
        Err(e) => web_sys::console::error_1(&e.into()),
    }
}
