//! The worker side: receives [`Request`]s, runs the core, posts [`Response`]s.
//!
//! Synchronous work is fine here (a worker has no UI to freeze); a long job is cancelled by the UI
//! terminating the worker, which is the only way to stop a synchronous loop mid-way without
//! shared memory. An image archive gets a worker of its own, which keeps the archive's `File`
//! and its index for later queries (listings, previews, downloads, digest checks).

use super::build_worker;
use super::compare_worker;
use super::scan_worker;
use super::pool;
use super::protocol::{
    attached_bytes, decode, error_report, ready_message, DownloadLink, Evaluated, FileAt, FileContent, PasteInput, Request, RequestId, Response, SeccompSide, SeccompSource,
    WorkerStats,
};
use crate::core::seccomp::{self, builtin::Builtin, Profile};
use super::worker_io::{post, post_with_bytes, reader, wasm_memory_bytes, CountingReader, Throttle};
use crate::core::cross_check::{cross_check, CrossCheck, ProcessFacts};
use crate::core::image::{self, Analysis, EntryReport, ErrorReport, Flow, ImageError, Observer, Options, Overview, Progress};
use crate::core::paste;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::DedicatedWorkerGlobalScope;

/// Most bytes of one file offered as a download (it is assembled in memory first).
pub const MAX_DOWNLOAD: u64 = 1024 * 1024 * 1024;

/// The archive this worker indexed.
struct Session {
    file: web_sys::File,
    analysis: Analysis,
}

thread_local! {
    static SESSION: RefCell<Option<Session>> = const { RefCell::new(None) };
}

/// Installs the message handler and announces readiness.
pub fn run(scope: DedicatedWorkerGlobalScope) {
    let reply_scope = scope.clone();
    let handler = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        let data = event.data();
        match decode::<Request>(&data) {
            Ok((request, file)) => handle(&reply_scope, request, file, &data),
            Err(message) => send(&reply_scope, Response::Protocol { message }),
        }
    });
    scope.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    handler.forget();
    if let Err(e) = scope.post_message(&ready_message()) {
        web_sys::console::error_2(&"tarsier worker: could not say it is ready".into(), &e);
    }
}

fn handle(scope: &DedicatedWorkerGlobalScope, request: Request, file: Option<web_sys::File>, data: &JsValue) {
    let response = match request {
        Request::OpenImage { session, name, cores } => {
            // Indexing may wait for helper workers: it answers when done.
            let scope = scope.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let response = open_image_response(&scope, session, &name, cores, file).await;
                send(&scope, response);
            });
            return;
        }
        Request::Paste { id, input, pinned } => paste_response(id, input, pinned),
        Request::Verify { id } => {
            let result = with_session(|s| {
                let reader = reader(&s.file)?;
                let mut progress = throttled(scope, id);
                image::verify_digests(reader, &s.analysis, &mut progress).map_err(typed)
            });
            Response::Verified { id, result }
        }
        Request::ListDir { id, image, path, include_deleted } => {
            let result = with_session(|s| s.analysis.list_dir(image, &path, include_deleted).map_err(typed));
            Response::Dir { id, image, path, result }
        }
        Request::LayerEntries { id, layer, offset, limit } => {
            let result = with_session(|s| s.analysis.layer_entries(layer, offset, limit.min(5000)).map_err(typed));
            Response::LayerPage { id, layer, result }
        }
        Request::Search { id, image, pattern, include_deleted, limit } => {
            let result = with_session(|s| Ok(s.analysis.search(image, &pattern, include_deleted, limit.min(10_000))));
            Response::Found { id, pattern, result }
        }
        Request::ReadFile { id, image, at, offset, max_len, first_line } => {
            let result = with_session(|s| read_file(s, image, &at, (offset, max_len), first_line));
            Response::FileRead { id, at, result }
        }
        Request::Download { id, image, path } => {
            let result = with_session(|s| download(s, image, path.as_ref()));
            Response::Downloadable { id, result }
        }
        Request::DownloadSbom { id, image, format, scope, from_layer } => {
            let request = crate::core::sbom::Request { format, scope, from_layer, tool_version: env!("CARGO_PKG_VERSION").to_owned() };
            let result = with_session(|s| sbom_download(s, image, &request));
            Response::Downloadable { id, result }
        }
        Request::AppArmorProfile { id, text } => {
            Response::AppArmorProfile { id, result: crate::core::apparmor_profile::parse(&text).map_err(|e| e.to_string()) }
        }
        Request::Seccomp { id, sides } => Response::Seccomp { id, results: sides.iter().map(evaluate_side).collect() },
        Request::CrossCheck { id, image, status } => Response::CrossChecked { id, result: with_session(|s| cross_checks(s, image, &status)) },
        Request::Compare { id, name_a, name_b, image_a, image_b, known } => {
            let file_b = compare_worker::second_file(data);
            let index_a = attached_bytes(data);
            compare_worker::run(scope, compare_worker::Job { id, file_a: file, file_b, name_a, name_b, image_a, image_b, index_a, known })
        }
        Request::ExportIndex { id } => {
            // No archive (or none yet): no bytes, and the comparison indexes it itself.
            let index = SESSION.with(|s| s.borrow().as_ref().map(|s| s.analysis.export_index()));
            let layers = index.as_ref().map_or(0, |i| i.layers.len());
            let bytes = index.map(|i| i.to_bytes()).unwrap_or_default();
            post_with_bytes(scope, &Response::IndexExported { id, layers }, &bytes);
            return;
        }
        Request::Shared { id, names } => compare_worker::run_shared(scope, id, &names, &compare_worker::attached_files(data)),
        Request::Scan { id, name, image, options } => scan_worker::run(scope, id, file, &name, image, &options),
        Request::Build { id, order } => {
            build_worker::run_with_base(scope, id, &order, file, data);
            return;
        }
    };
    send(scope, response);
}

/// Posts a response to the page, its bytes (a preview's) transferred beside it.
fn send(scope: &DedicatedWorkerGlobalScope, mut response: Response) {
    match response.take_bytes() {
        Some(bytes) => post_with_bytes(scope, &response, &bytes),
        None => post(scope, &response),
    }
}

/// An error of the core as it crosses to the page.
fn typed(e: ImageError) -> ErrorReport {
    ErrorReport::from(&e)
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

/// A progress callback that posts at most one message per throttle interval (digest checks).
fn throttled(scope: &DedicatedWorkerGlobalScope, session: RequestId) -> impl FnMut(Progress) -> Flow + '_ {
    let mut throttle = Throttle::default();
    move |progress: Progress| {
        if throttle.due() {
            post(scope, &Response::ImageProgress { session, progress });
        }
        Flow::Continue
    }
}

/// What the page hears while an archive is indexed: the overview, once, and progress at a
/// bounded rate, never below what was done before the analysis proper (by helpers and this
/// worker), so the bar does not go back when the analysis passes over those members.
struct PageObserver<'a> {
    scope: &'a DedicatedWorkerGlobalScope,
    session: RequestId,
    throttle: Throttle,
    floor: pool::PoolProgress,
    overview_sent: bool,
}

impl<'a> PageObserver<'a> {
    fn new(scope: &'a DedicatedWorkerGlobalScope, session: RequestId) -> Self {
        PageObserver { scope, session, throttle: Throttle::default(), floor: pool::PoolProgress::default(), overview_sent: false }
    }

    fn send_overview(&mut self, overview: &Overview) {
        if !self.overview_sent {
            self.overview_sent = true;
            post(self.scope, &Response::ImageOverview { session: self.session, overview: Box::new(overview.clone()) });
        }
    }
}

impl Observer for PageObserver<'_> {
    fn progress(&mut self, mut progress: Progress) -> Flow {
        progress.bytes_done = progress.bytes_done.max(self.floor.bytes);
        progress.files_seen = progress.files_seen.max(self.floor.files);
        if self.throttle.due() {
            post(self.scope, &Response::ImageProgress { session: self.session, progress });
        }
        Flow::Continue
    }

    fn overview(&mut self, overview: &Overview) -> Flow {
        self.send_overview(overview);
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
        None => Err(error_report("no_file", "no file reached the worker.")),
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
) -> Result<image::Report, ErrorReport> {
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
    let mut observer = PageObserver::new(scope, session);
    let mut prepared = pool::Prepared::default();
    if helpers > 0 {
        // The overview first: the helpers' work takes most of the time.
        if let Some(overview) = image::read_overview(reader(&file)?, len, &opts) {
            observer.send_overview(&overview);
        }
        let work = Work { compressed, plain, helpers, len };
        prepared = prepare(scope, session, &file, &opts, work, &mut observer.floor).await?;
        *helpers_used = (prepared.helpers, prepared.helper_layers);
    }
    let reader = CountingReader { inner: file_reader, fetched: bytes_read };
    let analysis = image::analyze_observed(reader, len, &opts, &mut observer, prepared.layers).map_err(typed)?;
    *bytes_read += prepared.fetched;
    let report = analysis.report.clone();
    SESSION.with(|s| *s.borrow_mut() = Some(Session { file, analysis }));
    Ok(report)
}

/// The big members of an archive, for [`prepare`]: `helpers` helper workers for the compressed
/// ones, this worker for the plain ones; `len`: the file's length.
struct Work {
    compressed: Vec<image::Candidate>,
    plain: Vec<image::Candidate>,
    helpers: usize,
    len: u64,
}

/// Indexes the big members before the analysis: the compressed ones in helper workers, the
/// uncompressed ones here meanwhile (the helpers' messages wait until this yields). Progress
/// of both is shown as one; `floor` ends as their sum.
async fn prepare(
    scope: &DedicatedWorkerGlobalScope,
    session: RequestId,
    file: &web_sys::File,
    opts: &Options,
    work: Work,
    floor: &mut pool::PoolProgress,
) -> Result<pool::Prepared, ErrorReport> {
    let Work { compressed, plain, helpers, len } = work;
    let mut prepared = pool::Prepared::default();
    let helper_done = Rc::new(Cell::new(pool::PoolProgress::default()));
    let own_done = Rc::new(Cell::new(pool::PoolProgress::default()));
    let members = compressed.len() + plain.len();
    let show = {
        let scope = scope.clone();
        let (helper_done, own_done) = (helper_done.clone(), own_done.clone());
        let throttle = RefCell::new(Throttle::default());
        Rc::new(move || {
            if throttle.borrow_mut().due() {
                let (h, o) = (helper_done.get(), own_done.get());
                let progress = Progress {
                    phase: image::Phase::Indexing,
                    bytes_done: h.bytes.saturating_add(o.bytes),
                    bytes_total: len,
                    files_seen: h.files.saturating_add(o.files),
                    current: format!("layers, {helpers} in helper workers ({} of {members} done)", h.members + o.members),
                };
                post(&scope, &Response::ImageProgress { session, progress });
            }
        })
    };
    let on_helper_progress: Rc<dyn Fn(pool::PoolProgress)> = {
        let (helper_done, show) = (helper_done.clone(), show.clone());
        Rc::new(move |p| {
            helper_done.set(p);
            show();
        })
    };
    let spans = compressed.iter().map(|c| c.span).collect();
    let running = pool::start(file, &opts.name, spans, helpers, on_helper_progress);
    for c in &plain {
        let reader = CountingReader { inner: reader(file)?, fetched: &mut prepared.fetched };
        let base = own_done.get();
        let mut progress = |p: Progress| {
            let bytes = p.bytes_done.saturating_sub(c.span.offset).min(c.span.size);
            own_done.set(pool::PoolProgress { bytes: base.bytes + bytes, files: base.files + p.files_seen, members: base.members });
            show();
            Flow::Continue
        };
        let layer = image::index_member(reader, len, c.span, opts, &mut progress).map_err(typed)?;
        let files = layer.as_ref().map_or(0, |l| l.entries() as u64);
        own_done.set(pool::PoolProgress { bytes: base.bytes + c.span.size, files: base.files + files, members: base.members + 1 });
        prepared.layers.extend(layer);
    }
    let helped = running.finish().await;
    prepared.helpers = helped.helpers;
    prepared.helper_layers = helped.helper_layers;
    prepared.fetched += helped.fetched;
    prepared.layers.extend(helped.layers);
    let (h, o) = (helper_done.get(), own_done.get());
    *floor = pool::PoolProgress { bytes: h.bytes.saturating_add(o.bytes), files: h.files.saturating_add(o.files), members: h.members + o.members };
    Ok(prepared)
}

fn with_session<T>(f: impl FnOnce(&Session) -> Result<T, ErrorReport>) -> Result<T, ErrorReport> {
    SESSION.with(|s| match s.borrow().as_ref() {
        Some(session) => f(session),
        None => Err(error_report("no_image", "No image is loaded in this worker.")),
    })
}

fn not_in_image(path: &str) -> ErrorReport {
    error_report("not_found", format!("{path} is not in this image."))
}

/// Lines shown above a finding's line.
const LINES_ABOVE: usize = 10;

/// The version of `at` to read: its layer's entry and index, when it names a layer.
fn version_of(s: &Session, image: usize, at: &FileAt) -> Result<Option<(usize, EntryReport)>, ErrorReport> {
    let Some(pos) = at.layer else { return Ok(None) };
    let layer = s.analysis.report.images.get(image).and_then(|i| i.layers.get(pos)).map(|l| l.layer);
    let layer = layer.ok_or_else(|| error_report("not_found", format!("The image has no layer {pos}.")))?;
    let found = s.analysis.find_in_layer(layer, &at.path).and_then(|ei| s.analysis.layer_entries(layer, ei as usize, 1).ok()).and_then(|p| p.items.into_iter().next());
    let entry = found.ok_or_else(|| error_report("not_found", format!("Layer {pos} has no entry /{}.", at.path)))?;
    Ok(Some((layer, entry)))
}

/// A file's detail and a preview slice (`range`: offset and most bytes) of the version `at`
/// names; at offset 0 with a line, the slice starts [`LINES_ABOVE`] lines above it.
fn read_file(s: &Session, image: usize, at: &FileAt, range: (u64, usize), first_line: Option<usize>) -> Result<FileContent, ErrorReport> {
    let (offset, max_len) = range;
    let path = at.path.as_str();
    let entry = s.analysis.merged_entry(image, path).ok_or_else(|| not_in_image(path))?;
    let version = version_of(s, image, at)?;
    let (readable, size) = match &version {
        Some((_, v)) => (matches!(v.kind, image::EntryKind::File | image::EntryKind::Hardlink), v.size),
        None => (
            entry.status == image::MergedStatus::Present && matches!(entry.kind, image::EntryKind::File | image::EntryKind::Hardlink | image::EntryKind::Symlink),
            entry.size,
        ),
    };
    let layer = version.as_ref().map(|(l, _)| *l);
    let version = version.map(|(_, v)| Box::new(v));
    let read = |offset: u64, len: usize| match layer {
        Some(layer) => image::read_entry(reader(&s.file)?, &s.analysis, layer, path, offset, len).map_err(typed),
        None => image::read_merged(reader(&s.file)?, &s.analysis, image, path, offset, len).map_err(typed),
    };
    if !readable || max_len == 0 {
        return Ok(FileContent { entry, version, offset, first_line: None, bytes: Vec::new() });
    }
    match at.line.filter(|_| offset == 0) {
        Some(line) => {
            // The whole head up to the core's read limit: a scanned file is no bigger.
            let head = read(0, usize::try_from(size).unwrap_or(usize::MAX).min(image::MAX_READ_LEN))?;
            let want = line.saturating_sub(LINES_ABOVE).max(1);
            let (start, first) = crate::core::scan::line_start(&head, want).map_or((0, 1), |o| (o, want));
            let end = start.saturating_add(max_len).min(head.len());
            let bytes = head.get(start..end).map(<[u8]>::to_vec).unwrap_or_default();
            Ok(FileContent { entry, version, offset: start as u64, first_line: Some(first), bytes })
        }
        None => {
            let bytes = read(offset, max_len)?;
            Ok(FileContent { entry, version, offset, first_line: if offset == 0 { Some(1) } else { first_line }, bytes })
        }
    }
}

thread_local! {
    /// The built-in seccomp profiles, read once: a change of context then only evaluates.
    static BUILTINS: RefCell<Vec<(Builtin, Rc<Profile>)>> = const { RefCell::new(Vec::new()) };
}

fn builtin_profile(b: Builtin) -> Result<Rc<Profile>, String> {
    if let Some(p) = BUILTINS.with(|c| c.borrow().iter().find(|(k, _)| *k == b).map(|(_, p)| p.clone())) {
        return Ok(p);
    }
    let p = Rc::new(b.profile().map_err(|e| e.to_string())?);
    BUILTINS.with(|c| c.borrow_mut().push((b, p.clone())));
    Ok(p)
}

/// Reads and evaluates one side of a [`Request::Seccomp`].
fn evaluate_side(side: &SeccompSide) -> Result<Evaluated, String> {
    let started = js_sys::Date::now();
    let (label, profile) = match &side.source {
        SeccompSource::Builtin(b) => (b.label().to_owned(), builtin_profile(*b)?),
        SeccompSource::Text(text) => {
            let p = seccomp::parse_profile(text).map_err(|e| format!("The pasted seccomp profile: {e}"))?;
            ("The pasted profile".to_owned(), Rc::new(p))
        }
    };
    let eval = seccomp::evaluate(&profile, &side.context);
    let summary = seccomp::summarize(&eval);
    Ok(Evaluated { label, eval, summary, unknown_fields: profile.unknown_fields.clone(), ms: js_sys::Date::now() - started })
}

/// Largest `/etc/passwd` read to resolve the config's user name (as `tarsier inspect --status`).
const MAX_PASSWD: u64 = 1 << 20;

/// Process ↔ image checks of one image against a status dump (what `tarsier inspect --status`
/// prints).
fn cross_checks(s: &Session, image: usize, status: &str) -> Result<Vec<CrossCheck>, ErrorReport> {
    let dump = crate::core::status::parse(status).map_err(|e| error_report("status", e.to_string()))?;
    let facts = ProcessFacts::from_status(&dump);
    let files = s.analysis.privileged_files(image).map_err(typed)?;
    let user = s.analysis.report.images.get(image).and_then(|i| i.config.user.clone());
    let fits = s.analysis.merged_entry(image, "etc/passwd").is_some_and(|e| e.size <= MAX_PASSWD);
    let mut bytes = Vec::new();
    let passwd = (fits && image::copy_merged(reader(&s.file)?, &s.analysis, image, "etc/passwd", &mut bytes).is_ok())
        .then(|| String::from_utf8_lossy(&bytes).into_owned());
    Ok(cross_check(&files, user.as_deref(), passwd.as_deref(), &facts))
}

fn download(s: &Session, image: usize, path: Option<&FileAt>) -> Result<DownloadLink, ErrorReport> {
    let (bytes, file_name, mime) = match path {
        None => {
            let json = serde_json::to_vec_pretty(&s.analysis.full_report())
                .map_err(|e| error_report("browser", format!("Could not write the report: {e}")))?;
            let base = s.analysis.report.archive.name.rsplit('/').next().unwrap_or("image").to_owned();
            (json, format!("{base}.tarsier.json"), "application/json")
        }
        Some(at) => {
            let path = at.path.as_str();
            let entry = s.analysis.merged_entry(image, path).ok_or_else(|| not_in_image(path))?;
            let version = version_of(s, image, at)?;
            let size = version.as_ref().map_or(entry.size, |(_, v)| v.size);
            if size > MAX_DOWNLOAD {
                let message = format!("{path} is {size} bytes; at most {MAX_DOWNLOAD} bytes can be downloaded from the page (the command line's tarsier cat has no limit).");
                return Err(error_report("too_large", message));
            }
            let mut out = Vec::new();
            match &version {
                Some((layer, _)) => image::copy_entry(reader(&s.file)?, &s.analysis, *layer, path, &mut out).map_err(typed)?,
                None => image::copy_merged(reader(&s.file)?, &s.analysis, image, path, &mut out).map_err(typed)?,
            };
            let name = entry.name.clone();
            (out, if name.is_empty() { "file".to_owned() } else { name }, "application/octet-stream")
        }
    };
    blob_link(&bytes, file_name, mime)
}

/// Image `image`'s SBOM, named after the archive (`alpine.tar.cdx.json`).
fn sbom_download(s: &Session, image: usize, request: &crate::core::sbom::Request) -> Result<DownloadLink, ErrorReport> {
    let text = crate::core::sbom::write(&s.analysis.report, image, request).map_err(|e| error_report("sbom", e.to_string()))?;
    let base = s.analysis.report.archive.name.rsplit('/').next().unwrap_or("image");
    blob_link(text.as_bytes(), format!("{base}{}", request.format.extension()), "application/json")
}

/// A `blob:` URL of `bytes`, offered as `file_name`.
fn blob_link(bytes: &[u8], file_name: String, mime: &str) -> Result<DownloadLink, ErrorReport> {
    let size = bytes.len() as u64;
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|_| error_report("browser", "The browser could not hold the download in memory."))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| error_report("browser", "The browser refused to make a download link."))?;
    Ok(DownloadLink { url, file_name, size })
}
