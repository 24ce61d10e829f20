//! Messages between the page, the archive workers and their helper workers: two protocols on
//! one envelope.
//!
//! - Page ↔ worker: [`Request`] and [`Response`].
//! - Archive worker ↔ helper worker ([`super::pool`] ↔ [`super::helper`]): [`HelperRequest`] and
//!   [`HelperResponse`]. A helper is the same script started with the name [`HELPER_NAME`], and
//!   reads only this protocol.
//!
//! Each message is a JS object `{ json: string, file?: File, bytes?: Uint8Array }`: the serde
//! payload travels as JSON text (so 64-bit masks and maps cross intact, which a JS number cannot
//! promise), a dropped `File` travels beside it by structured clone, which shares the underlying
//! blob, not its bytes, and bytes (a helper's packed layer index, a file preview) travel as an
//! `ArrayBuffer`, transferred, not copied. A worker says it has loaded with `{ ready: true }`,
//! which belongs to neither protocol (see [`super::worker_handle`]).

use super::build_order::{BuildOrder, BuiltSummary};
use crate::core::apparmor_profile::ProfileText;
use crate::core::compare::KnownHashes;
use crate::core::cross_check::CrossCheck;
use crate::core::image::{DigestCheck, EntryReport, ErrorReport, MemberSpan, MergedEntry, Overview, Page, Progress, Report, SearchHit};
use crate::core::paste::PasteReport;
use crate::core::seccomp::{builtin::Builtin, Context, Evaluation, Summary, UnknownField};
use serde::{Deserialize, Serialize};

/// A request id: the UI shows only the answer to its latest request of a kind.
pub type RequestId = u32;

/// The name a helper worker is started with (`self.name` in the worker), which tells the
/// worker script to serve [`HelperRequest`]s.
pub const HELPER_NAME: &str = "tarsier-helper";

/// What the paste box decodes: text the user typed, or a shared link's fragment.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum PasteInput {
    Text(String),
    /// A URL fragment (`caps=…`, `status=v1.…`) to turn back into text, then decode.
    Fragment(String),
}

/// Page → worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Request {
    /// Decode pasted text (capability masks, a status dump, an AppArmor label); with `pinned`,
    /// an earlier dump to compare a new one against.
    Paste { id: RequestId, input: PasteInput, pinned: Option<String> },
    /// Index the image archive attached to the message (a `File`). Each archive gets a worker
    /// of its own, which keeps the index for the queries below until the page replaces it.
    /// `cores`: the page's `navigator.hardwareConcurrency`, which decides how many helper
    /// workers may index layers in parallel (0: unknown).
    OpenImage { session: RequestId, name: String, cores: usize },
    /// Check every layer's and config's sha256 against its digest / diff_id.
    Verify { id: RequestId },
    /// The children of one directory of image `image`'s merged filesystem.
    ListDir { id: RequestId, image: usize, path: String, include_deleted: bool },
    /// One page of one layer's entries (`layer` indexes `Report::layers`).
    LayerEntries { id: RequestId, layer: usize, offset: usize, limit: usize },
    /// Merged paths matching a glob or substring.
    Search { id: RequestId, image: usize, pattern: String, include_deleted: bool, limit: usize },
    /// One path's metadata and up to `max_len` bytes of its content from `offset` (at offset 0
    /// with [`FileAt::line`]: from a few lines before that line). `first_line` is the number of
    /// the first line at `offset` when the page knows it (the next slice of a text).
    ReadFile { id: RequestId, image: usize, at: FileAt, offset: u64, max_len: usize, first_line: Option<usize> },
    /// A file's whole content (or the full JSON report when `path` is `None`) as a `blob:` URL
    /// for a download link.
    Download { id: RequestId, image: usize, path: Option<FileAt> },
    /// Image `image`'s SBOM (`crate::core::sbom`) as a `blob:` URL for a download link.
    DownloadSbom { id: RequestId, image: usize, format: crate::core::sbom::Format, scope: crate::core::sbom::Scope, from_layer: Option<usize> },
    /// Process ↔ image: image `image`'s setuid/setgid and file-capability binaries and its
    /// config's `User` against a pasted `/proc/<pid>/status` dump.
    CrossCheck { id: RequestId, image: usize, status: String },
    /// Evaluate seccomp profiles: the system-call view's side, and the one it is compared with.
    Seccomp { id: RequestId, sides: Vec<SeccompSide> },
    /// Read an AppArmor profile text pasted into the paste box (`id`: the paste's).
    AppArmorProfile { id: RequestId, text: String },
    /// Compare image `image_a` of the attached file with image `image_b` of the second attached
    /// file (`file_b`, see [`super::compare_worker`]), or of the same file when none is attached.
    /// Runs in a worker of its own, which indexes both archives (cancelled by terminating it) —
    /// or adopts the first archive's index when one rides beside as bytes
    /// ([`Request::ExportIndex`]'s answer). `known`: body digests earlier comparisons read.
    Compare { id: RequestId, name_a: String, name_b: String, image_a: usize, image_b: usize, known: KnownHashes },
    /// The archive's index packed for another worker ([`crate::core::image::ArchiveIndex`]),
    /// answered with [`Response::IndexExported`].
    ExportIndex { id: RequestId },
    /// The layers every image of several archives shares (the archives ride in the message as
    /// `files`, named by `names`).
    Shared { id: RequestId, names: Vec<String> },
    /// Scan the contents of image `image` of the attached archive (see [`super::scan_worker`]):
    /// in a worker of its own, which indexes the archive first (cancelled by terminating it).
    /// Answers [`Response::ScanProgress`]*, [`Response::Scanned`].
    Scan { id: RequestId, name: String, image: usize, options: crate::core::scan::ScanOptions },
    /// Build an image (the Build page). The attached file, if any, holds the rootfs tarball and
    /// the files added from disk ([`BuildOrder`]); with `order.base_image`, the archive this
    /// worker holds is the base. Answers [`Response::BuildProgress`]*, [`Response::Built`].
    Build { id: RequestId, order: Box<BuildOrder> },
}

/// Which seccomp profile a side evaluates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SeccompSource {
    Builtin(Builtin),
    /// A pasted or dropped profile's JSON text.
    Text(String),
}

/// One profile in one context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeccompSide {
    pub source: SeccompSource,
    pub context: Context,
}

/// One profile evaluated in one context ([`Request::Seccomp`]'s answer per side).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluated {
    pub label: String,
    pub eval: Evaluation,
    pub summary: Summary,
    pub unknown_fields: Vec<UnknownField>,
    /// Time the worker took to read, evaluate and summarize, in milliseconds.
    pub ms: f64,
}

/// Worker → page. Errors about an archive are [`ErrorReport`]s: a code the page can react to
/// and a sentence that does not name the file (the page puts the name before it).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Response {
    /// The answer to [`Request::Paste`]: the report or a sentence saying what is wrong; the text
    /// a fragment stood for (to put in the box); the fragment that reopens this decode.
    Paste { id: RequestId, text: Option<String>, fragment: Option<String>, result: Result<PasteReport, String> },
    /// How far indexing (`session`: the archive's) or a digest check (`session`: the
    /// [`Request::Verify`]'s id) has come.
    ImageProgress { session: RequestId, progress: Progress },
    /// The images of the archive being indexed, from its manifests and configs, before its
    /// layers are indexed (uncompressed archives only; see [`Overview`]).
    ImageOverview { session: RequestId, overview: Box<Overview> },
    /// Indexing finished: the report, or why the archive cannot be read.
    ImageOpened { session: RequestId, result: Result<Box<Report>, ErrorReport>, stats: WorkerStats },
    Verified { id: RequestId, result: Result<Vec<DigestCheck>, ErrorReport> },
    Dir { id: RequestId, image: usize, path: String, result: Result<Vec<MergedEntry>, ErrorReport> },
    LayerPage { id: RequestId, layer: usize, result: Result<Page<EntryReport>, ErrorReport> },
    Found { id: RequestId, pattern: String, result: Result<Vec<SearchHit>, ErrorReport> },
    /// A preview: its bytes ride beside the JSON (see [`Response::take_bytes`]).
    FileRead { id: RequestId, at: FileAt, result: Result<FileContent, ErrorReport> },
    Downloadable { id: RequestId, result: Result<DownloadLink, ErrorReport> },
    /// How far a build has read its inputs: `done` of `total` bytes, `what` it is reading.
    BuildProgress { id: RequestId, done: u64, total: u64, what: String },
    /// The answer to [`Request::Build`]; on success the archive rides beside as a `File` made
    /// of parts (new bytes and slices of the user's files).
    Built { id: RequestId, result: Result<BuiltSummary, ErrorReport> },
    CrossChecked { id: RequestId, result: Result<Vec<CrossCheck>, ErrorReport> },
    /// Per side of [`Request::Seccomp`]: the evaluation, or the core's sentence (a profile's
    /// names the JSON path).
    Seccomp { id: RequestId, results: Vec<Result<Evaluated, String>> },
    AppArmorProfile { id: RequestId, result: Result<ProfileText, String> },
    /// How far a [`Request::Compare`] has come: `step` says which archive is being indexed, or
    /// that the files are being compared.
    CompareProgress { id: RequestId, step: String, progress: Progress },
    /// The answer to [`Request::Compare`]; `known`: the digests given, and those it read (the
    /// page keeps them for the next comparison).
    Compared { id: RequestId, result: Result<Box<crate::core::compare::Comparison>, ErrorReport>, known: KnownHashes, stats: CompareStats },
    /// The answer to [`Request::ExportIndex`]: the packed index rides beside as bytes (none when
    /// no archive is open); `layers`: how many layers it holds.
    IndexExported { id: RequestId, layers: usize },
    /// The answer to [`Request::Shared`].
    SharedLayers { id: RequestId, result: Result<Box<crate::core::compare::LayerMatrix>, ErrorReport> },
    /// How far a scan is: its step, and done of total (bytes while indexing, files while reading).
    ScanProgress { id: RequestId, step: String, done: u64, total: u64 },
    /// The answer to [`Request::Scan`].
    Scanned { id: RequestId, result: Result<Box<crate::core::scan::ScanReport>, ErrorReport> },
    /// A request the worker could not read (a bug, not user input).
    Protocol { message: String },
}

impl Response {
    /// Takes out the bytes that travel beside the JSON as a transferred buffer (a preview's).
    pub fn take_bytes(&mut self) -> Option<Vec<u8>> {
        match self {
            Response::FileRead { result: Ok(content), .. } => Some(std::mem::take(&mut content.bytes)),
            _ => None,
        }
    }

    /// Puts back the bytes [`Response::take_bytes`] took out.
    pub fn put_bytes(&mut self, bytes: Vec<u8>) {
        if let Response::FileRead { result: Ok(content), .. } = self {
            content.bytes = bytes;
        }
    }
}

/// What a comparison's worker spent (for benchmarks and the tests; the page keeps it as data
/// attributes of the Compare view).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompareStats {
    /// The worker's wasm memory when it answered: its peak (wasm memory never shrinks).
    pub memory_bytes: u64,
    /// Layers of side A's index that came from the page (the archive on screen).
    pub layers_given: usize,
    /// Bytes of side A's file read to index it (few when its index came from the page).
    pub read_a: u64,
}

/// Archive worker → helper worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum HelperRequest {
    /// Index the layer member at `span` of the attached file on its own and answer
    /// [`HelperResponse::MemberIndexed`].
    IndexMember { name: String, span: MemberSpan },
}

/// Helper worker → archive worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum HelperResponse {
    /// Progress inside the member: bytes of the member and entries done so far.
    MemberProgress { offset: u64, bytes: u64, files: u64 },
    /// The answer to [`HelperRequest::IndexMember`]: the packed index rides beside as bytes,
    /// absent when the member is not a layer (the archive's worker then reads it itself).
    /// `fetched`: bytes the helper read from the file for it.
    MemberIndexed { offset: u64, fetched: u64 },
    /// A request the helper could not read (a bug).
    Protocol { message: String },
}

/// Wraps a payload (and optionally a file) into the message object the other side reads.
pub fn encode<T: Serialize>(payload: &T, file: Option<&web_sys::File>) -> Result<wasm_bindgen::JsValue, String> {
    let json = serde_json::to_string(payload).map_err(|e| format!("could not encode a message: {e}"))?;
    let obj = js_sys::Object::new();
    js_sys::Reflect::set(&obj, &"json".into(), &json.into()).map_err(|_| "could not build a message".to_owned())?;
    if let Some(file) = file {
        js_sys::Reflect::set(&obj, &"file".into(), file).map_err(|_| "could not attach the file".to_owned())?;
    }
    Ok(obj.into())
}

/// Wraps a payload with bytes attached; also returns the transfer list that hands the bytes'
/// buffer over instead of copying it.
pub fn encode_with_bytes<T: Serialize>(payload: &T, bytes: &[u8]) -> Result<(wasm_bindgen::JsValue, js_sys::Array), String> {
    let message = encode(payload, None)?;
    let array = js_sys::Uint8Array::from(bytes);
    js_sys::Reflect::set(&message, &"bytes".into(), &array).map_err(|_| "could not attach bytes".to_owned())?;
    Ok((message, js_sys::Array::of1(&array.buffer())))
}

/// Attaches an archive's packed index (a `Uint8Array` from its worker, or undefined: nothing)
/// to a message for another worker, where [`attached_bytes`] finds it. Should the browser refuse,
/// the message goes without it: the other worker indexes the archive itself (slower, the same
/// answer).
pub fn attach_index(message: &wasm_bindgen::JsValue, index: &wasm_bindgen::JsValue) {
    if !index.is_undefined() && js_sys::Reflect::set(message, &"bytes".into(), index).is_err() {
        web_sys::console::warn_1(&"tarsier: an archive's index could not be attached; it is read again".into());
    }
}

/// The bytes attached to a message by [`encode_with_bytes`], if any.
pub fn attached_bytes(message: &wasm_bindgen::JsValue) -> Option<Vec<u8>> {
    use wasm_bindgen::JsCast;
    js_sys::Reflect::get(message, &"bytes".into())
        .ok()
        .and_then(|v| v.dyn_into::<js_sys::Uint8Array>().ok())
        .map(|a| a.to_vec())
}

/// Reads a message object built by [`encode`]: the payload and the attached file, if any.
pub fn decode<T: for<'de> Deserialize<'de>>(message: &wasm_bindgen::JsValue) -> Result<(T, Option<web_sys::File>), String> {
    use wasm_bindgen::JsCast;
    let json = js_sys::Reflect::get(message, &"json".into())
        .ok()
        .and_then(|v| v.as_string())
        .ok_or_else(|| "a message without a payload".to_owned())?;
    let payload = serde_json::from_str(&json).map_err(|e| format!("could not decode a message: {e}"))?;
    let file = js_sys::Reflect::get(message, &"file".into()).ok().and_then(|v| v.dyn_into::<web_sys::File>().ok());
    Ok((payload, file))
}

/// The message a worker posts once its handler is installed.
pub fn ready_message() -> wasm_bindgen::JsValue {
    let obj = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&obj, &"ready".into(), &wasm_bindgen::JsValue::TRUE);
    obj.into()
}

/// Whether `message` is [`ready_message`].
pub fn is_ready(message: &wasm_bindgen::JsValue) -> bool {
    js_sys::Reflect::get(message, &"ready".into()).is_ok_and(|v| v.is_truthy())
}

/// An error of the page's own making (not the core's), as the worker sends errors.
pub fn error_report(code: &str, message: impl Into<String>) -> ErrorReport {
    ErrorReport { code: code.to_owned(), message: message.into(), position: None }
}

/// Which file to show: a path of the merged filesystem, or the version one layer wrote (a file
/// a later layer deleted or overwrote still ships in that layer), and the line to point at.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileAt {
    pub path: String,
    /// The layer (position in the image) whose version to read; `None`: the merged one.
    pub layer: Option<usize>,
    /// A 1-based line to show highlighted (a finding's).
    pub line: Option<usize>,
}

impl FileAt {
    /// The merged filesystem's `path`.
    pub fn merged(path: impl Into<String>) -> FileAt {
        FileAt { path: path.into(), layer: None, line: None }
    }
}

/// A file's metadata and a slice of its content.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileContent {
    pub entry: MergedEntry,
    /// The entry of the layer read, when [`FileAt::layer`] asked for one.
    pub version: Option<Box<EntryReport>>,
    /// Where `bytes` starts in the file.
    pub offset: u64,
    /// The number of the first line in `bytes`, when known.
    pub first_line: Option<usize>,
    /// Not in the JSON: the bytes cross as a transferred `ArrayBuffer` ([`Response::take_bytes`]).
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

/// A `blob:` URL the page can offer as a download.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DownloadLink {
    pub url: String,
    pub file_name: String,
    pub size: u64,
}

/// What indexing cost, measured in the worker (shown to the user, read by the benchmark).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct WorkerStats {
    /// Wall time from the request to the result, in milliseconds.
    pub elapsed_ms: f64,
    /// The worker's WebAssembly memory when done (wasm memory never shrinks: this is its peak).
    pub wasm_memory_bytes: u64,
    /// Bytes actually read from the file (headers and windows, not skipped bodies), by this
    /// worker and its helpers.
    pub bytes_read: u64,
    /// Helper workers that indexed compressed layers in parallel (0: none were started).
    pub helpers: usize,
    /// Layers those helpers indexed and this worker adopted.
    pub helper_layers: usize,
}
