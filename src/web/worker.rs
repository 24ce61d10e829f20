//! The worker side: receives [`Request`]s, runs the core, posts [`Response`]s.
//!
//! Synchronous work is fine here (a worker has no UI to freeze); a long job is cancelled by the UI
//! terminating the worker, which is the only way to stop a synchronous loop mid-way without
//! shared memory. An image archive gets a worker of its own, which keeps the archive's `File`
//! and its index for later queries (listings, previews, downloads, digest checks).

use super::blob_reader::BlobReader;
use super::pool;
use super::protocol::{decode, encode, encode_with_bytes, DownloadLink, FileContent, PasteInput, Request, RequestId, Response, WorkerStats};
use crate::core::image::{self, Analysis, Flow, Options, Progress};
use crate::core::paste;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
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
            Ok((Request::OpenImage { session, name, cores }, file)) => {
                // Indexing may wait for helper workers: it answers when done.
                let scope = reply_scope.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let response = open_image_response(&scope, session, &name, cores, file).await;
                    post(&scope, &response);
                });
                return;
            }
            Ok((Request::IndexMember { name, span }, file)) => {
                index_member(&reply_scope, &name, span, file);
                return;
            }
            Ok((request, _)) => handle(&reply_scope, request),
            Err(message) => Response::Protocol { message },
        };
        post(&reply_scope, &response);
    });
    scope.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    handler.forget();
    post(&scope, &Response::Ready);
}

fn handle(scope: &DedicatedWorkerGlobalScope, request: Request) -> Response {
    match request {
        Request::Paste { id, input, pinned } => paste_response(id, input, pinned),
        Request::OpenImage { .. } | Request::IndexMember { .. } => {
            Response::Protocol { message: "an image request reached the synchronous handler".into() }
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
    let mut throttle = Throttle::default();
    move |progress: Progress| {
        if throttle.due() {
            post(scope, &Response::ImageProgress { session, progress });
        }
        Flow::Continue
    }
}

async fn open_image_response(
    scope: &DedicatedWorkerGlobalScope,
    session: RequestId,
    name: &str,
    cores: usize,
    file: Option<web_sys::File>,
) -> Response {
    let started = js_sys::Date::now();
    let mut bytes_read = 0;
    let mut helpers = (0, 0);
    let result = match file {
        Some(file) => open_image(scope, session, file, name, cores, &mut bytes_read, &mut helpers).await.map(Box::new),
        None => Err("No file reached the worker.".to_owned()),
    };
    let (helpers, helper_layers) = helpers;
    let stats = WorkerStats { elapsed_ms: js_sys::Date::now() - started, wasm_memory_bytes: wasm_memory_bytes(), bytes_read, helpers, helper_layers };
    Response::ImageOpened { session, result, stats }
}

/// Indexes the archive. With compressed layers and cores to spare, helper workers inflate
/// and index those (see [`super::pool`]) while this worker indexes the big uncompressed layers
/// itself; then the analysis runs here, adopting all of that instead of reading it again.
async fn open_image(
    scope: &DedicatedWorkerGlobalScope,
    session: RequestId,
    file: web_sys::File,
    name: &str,
    cores: usize,
    bytes_read: &mut u64,
    helpers_used: &mut (usize, usize),
) -> Result<image::Report, String> {
    let opts = Options::named(name);
    let mut file_reader = reader(&file)?;
    let len = file_reader.len();
    let cores = if cores > 0 {
        cores
    } else {
        let own = scope.navigator().hardware_concurrency();
        if own.is_finite() && own >= 1.0 { own as usize } else { 1 }
    };
    // The pass over the archive's headers that finds big members is only worth it where a
    // helper could run at all (no machine with two cores or fewer gets one).
    let candidates = if pool::helper_count(pool::MAX_HELPERS, 0, cores) > 0 {
        image::parallel_candidates(&mut file_reader, len, image::PARALLEL_MIN_MEMBER)
    } else {
        Vec::new()
    };
    let (compressed, plain): (Vec<_>, Vec<_>) =
        candidates.into_iter().partition(|c| c.compression != image::Compression::None);
    let helpers = pool::helper_count(compressed.len(), plain.len(), cores);
    // What the helpers and this worker have done before the analysis proper: shown as one
    // progress, and kept as a floor so the bar never goes back when the analysis then passes
    // over the members already indexed.
    let helper_done = Rc::new(Cell::new(pool::PoolProgress::default()));
    let own_done = Rc::new(Cell::new(pool::PoolProgress::default()));
    let members = compressed.len() + plain.len();
    let show = {
        let scope = scope.clone();
        let (helper_done, own_done) = (helper_done.clone(), own_done.clone());
        let throttle = RefCell::new(Throttle::default());
        move || {
            if throttle.borrow_mut().due() {
                let (h, o) = (helper_done.get(), own_done.get());
                let progress = Progress {
                    phase: image::Phase::Indexing,
                    bytes_done: h.bytes + o.bytes,
                    bytes_total: len,
                    files_seen: h.files + o.files,
                    current: format!("layers, {helpers} in helper workers ({} of {members} done)", h.members + o.members),
                };
                post(&scope, &Response::ImageProgress { session, progress });
            }
        }
    };
    let show = Rc::new(show);
    let mut prepared = pool::Prepared::default();
    if helpers > 0 {
        let on_helper_progress: Rc<dyn Fn(pool::PoolProgress)> = {
            let (helper_done, show) = (helper_done.clone(), show.clone());
            Rc::new(move |p| {
                helper_done.set(p);
                show();
            })
        };
        let spans = compressed.iter().map(|c| c.span).collect();
        let running = pool::start(&file, name, spans, helpers, on_helper_progress);
        // Meanwhile, the uncompressed ones here (the helpers' messages wait until this yields).
        for c in &plain {
            let reader = CountingReader { inner: reader(&file)?, fetched: &mut prepared.fetched };
            let base = own_done.get();
            let mut progress = |p: Progress| {
                let bytes = p.bytes_done.saturating_sub(c.span.offset).min(c.span.size);
                own_done.set(pool::PoolProgress { bytes: base.bytes + bytes, files: base.files + p.files_seen, members: base.members });
                show();
                Flow::Continue
            };
            let layer = image::index_member(reader, len, c.span, &opts, &mut progress).map_err(|e| e.to_string())?;
            let files = layer.as_ref().map_or(0, |l| l.entries() as u64);
            own_done.set(pool::PoolProgress { bytes: base.bytes + c.span.size, files: base.files + files, members: base.members + 1 });
            prepared.layers.extend(layer);
        }
        let helped = running.finish().await;
        *helpers_used = (helped.helpers, helped.layers.len());
        prepared.fetched += helped.fetched;
        prepared.layers.extend(helped.layers);
    }
    let reader = CountingReader { inner: file_reader, fetched: bytes_read };
    let mut post_progress = throttled(scope, session);
    let mut progress = |mut p: Progress| {
        let (h, o) = (helper_done.get(), own_done.get());
        p.bytes_done = p.bytes_done.max(h.bytes + o.bytes);
        p.files_seen = p.files_seen.max(h.files + o.files);
        post_progress(p)
    };
    let analysis = image::analyze_prepared(reader, len, &opts, &mut progress, prepared.layers).map_err(|e| e.to_string())?;
    *bytes_read += prepared.fetched;
    let report = analysis.report.clone();
    SESSION.with(|s| *s.borrow_mut() = Some(Session { file, analysis }));
    Ok(report)
}

/// In a helper worker: indexes one member and posts [`Response::MemberIndexed`] with the packed
/// index (transferred), or without it when the member is not a layer or indexing it failed.
fn index_member(scope: &DedicatedWorkerGlobalScope, name: &str, span: image::MemberSpan, file: Option<web_sys::File>) {
    let mut fetched = 0;
    let packed = file.and_then(|file| {
        let reader = CountingReader { inner: reader(&file).ok()?, fetched: &mut fetched };
        let len = reader.inner.len();
        let mut throttle = Throttle::default();
        let mut progress = |p: Progress| {
            if throttle.due() {
                let bytes = p.bytes_done.saturating_sub(span.offset).min(span.size);
                post(scope, &Response::MemberProgress { offset: span.offset, bytes, files: p.files_seen });
            }
            Flow::Continue
        };
        image::index_member(reader, len, span, &Options::named(name), &mut progress).ok().flatten().map(|p| p.to_bytes())
    });
    let response = Response::MemberIndexed { offset: span.offset, fetched };
    match packed {
        Some(bytes) => match encode_with_bytes(&response, &bytes) {
            Ok((message, transfer)) => {
                if let Err(e) = scope.post_message_with_transfer(&message, &transfer) {
                    web_sys::console::error_2(&"tarsier helper: could not post an index".into(), &e);
                    post(scope, &response);
                }
            }
            Err(_) => post(scope, &response),
        },
        None => post(scope, &response),
    }
}

/// Lets something through at most once per [`PROGRESS_INTERVAL_MS`].
struct Throttle {
    last: f64,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle { last: f64::NEG_INFINITY }
    }
}

impl Throttle {
    fn due(&mut self) -> bool {
        let now = js_sys::Date::now();
        let due = now - self.last >= PROGRESS_INTERVAL_MS;
        if due {
            self.last = now;
        }
        due
    }
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
