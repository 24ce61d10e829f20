//! The app's one reducer: every change of what the page shows goes through [`Action`].

use super::build_order::BuiltSummary;
use super::components::status_view::process_title;
use super::protocol::{DownloadLink, Evaluated, FileAt, FileContent, RequestId, Response, SeccompSide, WorkerStats};
use crate::core::image::{DigestCheck, EntryReport, ErrorReport, MergedEntry, Overview, Page, Progress, Report, SearchHit};
use crate::core::apparmor_profile::ProfileText;
use crate::core::cross_check::CrossCheck;
use crate::core::paste::{PasteReport, PINNED_MARK};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use yew::Reducible;

/// What the paste box shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PasteState {
    /// The text in the box.
    pub text: String,
    /// The id of the latest request; only its answer is shown.
    pub latest: RequestId,
    /// The last report that decoded successfully (kept on screen while a newer paste fails).
    pub shown: Option<Rc<PasteReport>>,
    /// The fragment that reopens `shown`.
    pub fragment: Option<String>,
    /// A dump kept aside: the next single dump pasted is compared against it.
    pub pinned: Option<Pinned>,
    /// Where the latest request stands.
    pub status: Status,
    /// A profile pasted (seccomp or AppArmor), shown instead of `shown` while set.
    pub local: Option<LocalPaste>,
    /// Why the box holds what it holds when it came from a file dropped on the image page
    /// ("status.txt is a /proc status dump, not a container image: decoded here.").
    pub note: Option<String>,
    /// The shared link being reopened was a comparison against a pinned dump: it reopens pinned
    /// (two dumps pasted together reopen as they were pasted).
    pub reopen_pinned: bool,
}

/// Profiles the paste box recognises besides what `core::paste` decodes.
#[derive(Debug, Clone, PartialEq)]
pub enum LocalPaste {
    /// Text that starts with `{`: a seccomp profile in Docker's JSON, which the system-call view
    /// sends to the worker to read and evaluate.
    Seccomp(Rc<String>),
    /// An AppArmor profile text, read by the worker.
    AppArmorProfile(Rc<ProfileText>),
}

/// A status dump kept for comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Pinned {
    pub text: String,
    /// `redis-server (PID 1099)`.
    pub title: String,
}

/// Where the latest request stands.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Status {
    /// Nothing asked yet, or the box is empty.
    #[default]
    Idle,
    /// Sent to the worker; no answer yet.
    Pending,
    /// The latest answer was a report, now in `shown`.
    Done,
    /// The latest answer was an error; `shown` still holds the previous good report.
    Failed(String),
}

/// Which part of the page is in front.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tool {
    /// Capability masks, status dumps, AppArmor labels.
    #[default]
    Process,
    /// Container image archives.
    Image,
    /// Making an image (the Build page).
    Build,
}

/// The image explorer's views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ImageView {
    #[default]
    Overview,
    Layers,
    Files,
    Findings,
    Packages,
    Wasted,
}

impl ImageView {
    pub const ALL: [ImageView; 6] =
        [ImageView::Overview, ImageView::Layers, ImageView::Files, ImageView::Findings, ImageView::Packages, ImageView::Wasted];

    /// The tab label.
    pub fn label(self) -> &'static str {
        match self {
            ImageView::Overview => "Overview",
            ImageView::Layers => "Layers",
            ImageView::Files => "Files",
            ImageView::Findings => "Findings",
            ImageView::Packages => "Packages",
            ImageView::Wasted => "Wasted space",
        }
    }

    /// The URL fragment word.
    pub fn slug(self) -> &'static str {
        match self {
            ImageView::Overview => "overview",
            ImageView::Layers => "layers",
            ImageView::Files => "files",
            ImageView::Findings => "findings",
            ImageView::Packages => "packages",
            ImageView::Wasted => "wasted",
        }
    }

    pub fn from_slug(slug: &str) -> Option<ImageView> {
        ImageView::ALL.into_iter().find(|v| v.slug() == slug)
    }
}

/// An archive being indexed.
#[derive(Debug, Clone, PartialEq)]
pub struct Loading {
    pub session: RequestId,
    pub name: String,
    pub size: u64,
    /// `performance.now()` when it started, for the rate.
    pub started_ms: f64,
    pub progress: Option<Rc<ProgressShown>>,
    /// The images from the manifests and configs, while the layers are being indexed.
    pub overview: Option<Shared<Overview>>,
}

/// The last progress message, with the time it arrived.
#[derive(Debug, Clone)]
pub struct ProgressShown {
    pub progress: Progress,
    pub at_ms: f64,
}

impl PartialEq for ProgressShown {
    fn eq(&self, other: &Self) -> bool {
        self.at_ms == other.at_ms && self.progress.bytes_done == other.progress.bytes_done && self.progress.files_seen == other.progress.files_seen
    }
}

/// A reply the page is waiting for, or has.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Remote<T> {
    #[default]
    NotAsked,
    Waiting(RequestId),
    Ready(T),
    Failed(ErrorReport),
}

/// Shared big data, compared by identity (reports do not implement `PartialEq`, and comparing
/// 100 k entries on every render would be wasteful anyway).
#[derive(Debug)]
pub struct Shared<T>(pub Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Shared<T> {
    pub fn new(value: T) -> Self {
        Shared(Rc::new(value))
    }
}

/// The archive on screen and everything the page has asked its worker about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub session: RequestId,
    /// What indexing cost.
    pub stats: WorkerStats,
    pub report: Shared<Report>,
    /// Selected image (multi-image archives).
    pub image: usize,
    /// Merged directory listings by (image, path).
    pub dirs: BTreeMap<(usize, String), Remote<Shared<Vec<MergedEntry>>>>,
    /// Expanded directories by (image, path).
    pub expanded: BTreeSet<(usize, String)>,
    pub show_deleted: bool,
    pub sort_by_size: bool,
    /// The file shown in detail.
    pub file: Option<(FileAt, Remote<Shared<FileContent>>)>,
    /// The layer (index in the image's layers) whose changes are shown.
    pub layer: Option<usize>,
    pub layer_page: Remote<Shared<Page<EntryReport>>>,
    pub search: Option<(String, Remote<Shared<Vec<SearchHit>>>)>,
    pub verify: Remote<Shared<Vec<DigestCheck>>>,
    pub verify_progress: Option<Rc<ProgressShown>>,
    pub download: Remote<DownloadLink>,
    /// The SBOM prepared on the Packages view.
    pub sbom: Remote<DownloadLink>,
    /// Process ↔ image checks of the selected image against the status dump pasted (its text).
    pub cross: Option<(String, Remote<Shared<Vec<CrossCheck>>>)>,
    /// The content scan of the selected image.
    pub scan: ScanShown,
}

/// A content scan ("Scan contents"): the latest request, how far it is, and its report.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScanShown {
    /// The step and done of total while the scan runs.
    pub running: Option<(String, u64, u64)>,
    pub report: Remote<Shared<crate::core::scan::ScanReport>>,
}

impl ScanShown {
    /// The scan shown after a scan was started (waiting for it) or cancelled (nothing).
    fn after(action: &Action) -> ScanShown {
        match action {
            Action::ScanStarted { id } => ScanShown { running: Some(("Starting".to_owned(), 0, 0)), report: Remote::Waiting(*id) },
            _ => ScanShown::default(),
        }
    }
}

/// The image explorer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImageState {
    pub loaded: Option<Loaded>,
    pub loading: Option<Loading>,
    /// Why the last archive could not be read (the previous one stays on screen).
    pub error: Option<ImageFailure>,
    pub view: ImageView,
}

/// An archive that could not be read: its name and the worker's error.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageFailure {
    pub name: String,
    pub error: ErrorReport,
}

impl ImageFailure {
    /// The user stopped reading `name`.
    pub fn cancelled(name: String) -> ImageFailure {
        let error = ErrorReport { code: "cancelled".to_owned(), message: "cancelled".to_owned(), position: None };
        ImageFailure { name, error }
    }

    /// `NAME: sentence`, as the CLI says it; `Cancelled: NAME was not opened.` for a cancel.
    pub fn sentence(&self) -> String {
        if self.error.code == "cancelled" {
            return format!("Cancelled: {} was not opened.", self.name);
        }
        format!("{}: {}", self.name, self.error.message)
    }
}

/// The system-call view's evaluations, done in the worker.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SeccompState {
    /// The latest request's id; only its answer is kept.
    pub latest: RequestId,
    /// What the latest request asked.
    pub asked: Option<Rc<Vec<SeccompSide>>>,
    /// The id of the answer in `results`.
    pub answered: RequestId,
    /// One result per side asked.
    pub results: Option<Rc<Vec<Result<Evaluated, String>>>>,
}

impl SeccompState {
    /// Whether an answer is still awaited.
    pub fn pending(&self) -> bool {
        self.asked.is_some() && self.answered != self.latest
    }
}

/// The whole page's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AppState {
    pub tool: Tool,
    pub image: ImageState,
    pub paste: PasteState,
    pub seccomp: SeccompState,
    /// Two images compared.
    pub compare: super::compare_state::CompareState,
    /// The worker could not be started or reached.
    pub worker_error: Option<String>,
    pub build: BuildState,
}

/// Everything that can change the page.
#[derive(Debug, Clone)]
pub enum Action {
    /// The paste box now holds `text`, sent to the worker as request `id`.
    PasteSent { id: RequestId, text: String },
    /// A shared link's fragment was sent to the worker as request `id`.
    FragmentSent { id: RequestId, pinned: bool },
    /// The paste box was emptied.
    PasteCleared,
    /// A text file dropped or chosen on the image page is process text (a status dump, masks,
    /// a label): the process tool opens, saying so; the text follows as a paste.
    FileToProcess { session: RequestId, name: String, what: &'static str },
    /// A paste was refused before any request (too large); what is shown stays.
    PasteRejected(String),
    /// The system-call view asked the worker to evaluate `sides` as request `id`.
    SeccompSent { id: RequestId, sides: Rc<Vec<SeccompSide>> },
    /// A profile pasted ([`LocalPaste`]), or why it could not be read.
    PasteLocal { text: String, result: Result<LocalPaste, String> },
    /// Keep the current dump aside and compare the next one against it.
    Pin(Pinned),
    /// Stop comparing.
    Unpin,
    /// Show another part of the page.
    SetTool(Tool),
    /// An archive was handed to a new worker as `session`.
    ImageStarted { session: RequestId, name: String, size: u64, now_ms: f64 },
    /// The user cancelled indexing.
    ImageCancelled,
    /// A progress message arrived at `now_ms`; `session` is the archive's being indexed, or a
    /// digest check's request id.
    ImageProgressAt { session: RequestId, progress: Progress, now_ms: f64 },
    SetImageView(ImageView),
    SelectImage(usize),
    /// A request about the loaded archive was sent as `id`.
    Asked { id: RequestId, what: Asked },
    /// A content scan of the selected image was sent as request `id`.
    ScanStarted { id: RequestId },
    /// The content scan was cancelled (its worker terminated).
    ScanCancelled,
    ToggleDir { image: usize, path: String },
    SetShowDeleted(bool),
    SetSortBySize(bool),
    CloseFile,
    CloseSearch,
    DismissImageError,
    /// Start, stop or close a comparison of two images.
    Compare(super::compare_state::CompareAction),
    /// A message from the worker.
    Worker(Response),
    /// The worker failed or could not be reached.
    WorkerFailed(String),
    /// A build was sent as request `id`.
    BuildStarted { id: RequestId },
    /// The user cancelled the build.
    BuildCancelled,
    /// A build's answer (the archive and its download link on success).
    BuildDone { id: RequestId, result: Result<BuiltFile, ErrorReport> },
    /// The archive worker's packed index asked as request `id` (a `Uint8Array`, or undefined):
    /// taken by [`super::client::ImageSessions`] for whoever waits for it, never filed here.
    IndexExported { id: RequestId, bytes: wasm_bindgen::JsValue },
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::PasteSent { id, text } => {
                next.paste.text = text;
                next.paste.latest = id;
                next.paste.status = Status::Pending;
                next.paste.local = None;
            }
            Action::PasteLocal { text, result } => next.paste.local_paste(text, result),
            Action::SeccompSent { id, sides } => {
                next.seccomp.latest = id;
                next.seccomp.asked = Some(sides);
            }
            Action::FragmentSent { id, pinned } => {
                next.paste.reopen_pinned = pinned;
                next.paste.latest = id;
                next.paste.status = Status::Pending;
            }
            Action::FileToProcess { session, name, what } => next.file_to_process(session, &name, what),
            Action::PasteCleared => next.paste.clear(),
            Action::PasteRejected(message) => {
                next.paste.latest = self.paste.latest.wrapping_add(1); // answers in flight are stale now
                next.paste.status = Status::Failed(message);
            }
            Action::Pin(pinned) => {
                next.paste.pinned = Some(pinned);
                next.paste.text.clear();
                next.paste.status = Status::Idle;
            }
            Action::Unpin => next.paste.pinned = None,
            Action::SetTool(tool) => next.tool = tool,
            Action::ImageStarted { session, name, size, now_ms } => {
                next.tool = Tool::Image;
                next.paste.note = None;
                next.image.loading = Some(Loading { session, name, size, started_ms: now_ms, progress: None, overview: None });
            }
            Action::ImageCancelled => {
                // Said in the drop zone, above the archive still on screen (if any).
                next.image.error = next.image.loading.take().map(|l| ImageFailure::cancelled(l.name));
            }
            Action::ImageProgressAt { session, progress, now_ms } => {
                let shown = Some(Rc::new(ProgressShown { progress, at_ms: now_ms }));
                if let Some(loading) = next.image.loading.as_mut().filter(|l| l.session == session) {
                    loading.progress = shown;
                } else if let Some(loaded) =
                    // Digest checks report under their request's id.
                    next.image.loaded.as_mut().filter(|l| matches!(l.verify, Remote::Waiting(id) if id == session))
                {
                    loaded.verify_progress = shown;
                } else {
                    return self;
                }
            }
            Action::SetImageView(view) => next.image.view = view,
            Action::SelectImage(image) => {
                if let Some(loaded) = next.image.loaded.as_mut() {
                    if image < loaded.report.images.len() {
                        loaded.image = image;
                        loaded.cross = None;
                        loaded.scan = ScanShown::default();
                        loaded.file = None;
                        loaded.layer = None;
                        loaded.layer_page = Remote::NotAsked;
                        loaded.search = None;
                    }
                }
            }
            Action::ScanStarted { .. } | Action::ScanCancelled => {
                let Some(loaded) = next.image.loaded.as_mut() else { return self };
                loaded.scan = ScanShown::after(&action);
            }
            Action::Asked { id, what } => {
                let Some(loaded) = next.image.loaded.as_mut() else { return self };
                match what {
                    Asked::Dir { image, path } => {
                        loaded.dirs.insert((image, path), Remote::Waiting(id));
                    }
                    Asked::File { at } => loaded.file = Some((at, Remote::Waiting(id))),
                    Asked::Layer { layer } => {
                        loaded.layer = Some(layer);
                        loaded.layer_page = Remote::Waiting(id);
                    }
                    Asked::Search { pattern } => loaded.search = Some((pattern, Remote::Waiting(id))),
                    Asked::Verify => {
                        loaded.verify = Remote::Waiting(id);
                        loaded.verify_progress = None;
                    }
                    Asked::Download => loaded.download = Remote::Waiting(id),
                    Asked::Sbom => loaded.sbom = Remote::Waiting(id),
                    Asked::Cross { status } => loaded.cross = Some((status, Remote::Waiting(id))),
                }
            }
            Action::ToggleDir { image, path } => {
                if let Some(loaded) = next.image.loaded.as_mut() {
                    let key = (image, path);
                    if !loaded.expanded.remove(&key) {
                        loaded.expanded.insert(key);
                    }
                }
            }
            Action::SetShowDeleted(on) => {
                if let Some(loaded) = next.image.loaded.as_mut() {
                    loaded.show_deleted = on;
                    loaded.dirs.clear(); // listings differ; they are asked for again
                }
            }
            Action::SetSortBySize(on) => {
                if let Some(loaded) = next.image.loaded.as_mut() {
                    loaded.sort_by_size = on;
                }
            }
            Action::CloseFile => {
                if let Some(loaded) = next.image.loaded.as_mut() {
                    loaded.file = None;
                }
            }
            Action::CloseSearch => {
                if let Some(loaded) = next.image.loaded.as_mut() {
                    loaded.search = None;
                }
            }
            Action::DismissImageError => next.image.error = None,
            Action::IndexExported { .. } => return self,
            Action::Compare(action) => {
                next.tool = Tool::Image;
                next.compare.apply(action);
            }
            Action::Worker(response) => return self.on_response(response),
            Action::WorkerFailed(message) => {
                if next.build.running.take().is_some() {
                    next.build.result = Some(BuildResult::Failed(message.clone()));
                }
                next.worker_failed(message);
            }
            Action::BuildStarted { id } => {
                next.build.running = Some(BuildRunning { id, done: 0, total: 0, what: String::new() });
            }
            Action::BuildCancelled => next.build.running = None,
            Action::BuildDone { id, result } => {
                if !next.build.done(id, result) {
                    return self;
                }
            }
        }
        Rc::new(next)
    }
}

/// Two dumps reopened from one text (a shared comparison): the first dump's lines as the pinned
/// dump, and the rest; `None` for anything else.
fn split_comparison(text: &str, report: &PasteReport) -> Option<(Pinned, String)> {
    let PasteReport::Status(paste) = report else { return None };
    let [left, right] = paste.dumps.as_slice() else { return None };
    // The line (1-based, in the whole text) where the right dump's first field is.
    let at = right.raw.first()?.line.checked_sub(1)?;
    let lines: Vec<&str> = text.lines().collect();
    if at == 0 || at >= lines.len() {
        return None;
    }
    let pinned = Pinned { text: lines[..at].join("\n"), title: process_title(left) };
    Some((pinned, lines[at..].join("\n")))
}

impl PasteState {
    /// The box was emptied: answers in flight are stale, and what is shown goes unless a dump
    /// is pinned.
    fn clear(&mut self) {
        self.note = None;
        self.local = None;
        self.text.clear();
        self.status = Status::Idle;
        self.latest = self.latest.wrapping_add(1); // answers in flight are stale now
        if self.pinned.is_none() {
            self.shown = None;
            self.fragment = None;
        }
    }

    /// The worker's reading of a pasted AppArmor profile; `false` when it is stale.
    fn profile_read(&mut self, id: RequestId, result: Result<ProfileText, String>) -> bool {
        if id != self.latest {
            return false;
        }
        let text = std::mem::take(&mut self.text);
        self.local_paste(text, result.map(|p| LocalPaste::AppArmorProfile(Rc::new(p))));
        self.latest = id; // local_paste moved it on; this answer is the latest
        true
    }

    /// Shows a pasted profile; answers in flight for earlier pastes are stale now.
    fn local_paste(&mut self, text: String, result: Result<LocalPaste, String>) {
        self.text = text;
        self.latest = self.latest.wrapping_add(1);
        match result {
            Ok(local) => {
                self.local = Some(local);
                self.shown = None;
                self.fragment = None;
                self.status = Status::Done;
            }
            Err(message) => self.status = Status::Failed(message),
        }
    }
}

impl AppState {
    /// A file opened on the image page is process text: the process tool shows it, saying so,
    /// and the archive being opened (`session`) is no more.
    fn file_to_process(&mut self, session: RequestId, name: &str, what: &str) {
        if self.image.loading.as_ref().is_some_and(|l| l.session == session) {
            self.image.loading = None;
        }
        self.tool = Tool::Process;
        self.paste.note = Some(format!("{name} is {what}, not a container image archive: it is decoded here."));
    }

    /// The worker failed, could not be reached, or could not read a request: a paste waiting
    /// for it will get no answer.
    fn worker_failed(&mut self, message: String) {
        self.worker_error = Some(message);
        if self.paste.status == Status::Pending {
            self.paste.status = Status::Idle;
        }
    }

    /// A message from the worker; `self` when it changes nothing (a stale or unknown answer).
    fn on_response(self: Rc<Self>, response: Response) -> Rc<Self> {
        let mut next = (*self).clone();
        match response {
            Response::Paste { id, text, mut fragment, result } => {
                if id != self.paste.latest {
                    return self; // a stale answer never overwrites a newer request
                }
                if let Some(text) = text {
                    // A shared comparison reopens as it was made: made against a pinned dump, the
                    // left dump kept aside (the banner that stops comparing) and the right one in
                    // the box; two dumps pasted together, both in the box.
                    let pinned_link = std::mem::take(&mut next.paste.reopen_pinned) && next.paste.pinned.is_none();
                    match result.as_ref().ok().filter(|_| pinned_link).and_then(|r| split_comparison(&text, r)) {
                        Some((pinned, right)) => {
                            next.paste.pinned = Some(pinned);
                            next.paste.text = right;
                            fragment = fragment.map(|f| if f.ends_with(PINNED_MARK) { f } else { format!("{f}{PINNED_MARK}") });
                        }
                        None => next.paste.text = text,
                    }
                }
                match result {
                    Ok(report) => {
                        next.paste.shown = Some(Rc::new(report));
                        next.paste.fragment = fragment;
                        next.paste.status = Status::Done;
                    }
                    Err(message) => next.paste.status = Status::Failed(message),
                }
            }
            Response::ImageProgress { .. } => return self, // stamped by the client
            Response::BuildProgress { id, done, total, what } => {
                let Some(running) = next.build.running.as_mut().filter(|r| r.id == id) else { return self };
                *running = BuildRunning { id, done, total, what };
            }
            // Turned into `Action::BuildDone` by the client (the archive rides beside it).
            Response::Built { .. } => return self,
            Response::ImageOverview { session, overview } => {
                let Some(loading) = next.image.loading.as_mut().filter(|l| l.session == session) else { return self };
                loading.overview = Some(Shared::new(*overview));
            }
            Response::ImageOpened { session, result, stats } => {
                if next.image.loading.as_ref().map(|l| l.session) != Some(session) {
                    return self;
                }
                let loading = next.image.loading.take();
                match result {
                    Ok(report) => {
                        next.image.error = None;
                        next.image.view = ImageView::Overview;
                        next.image.loaded = Some(Loaded::new(session, *report, stats));
                    }
                    // Stopped on purpose: nothing went wrong.
                    Err(error) if error.code == "cancelled" => {}
                    Err(error) => {
                        let name = loading.map(|l| l.name).unwrap_or_default();
                        next.image.error = Some(ImageFailure { name, error });
                    }
                }
            }
            Response::Verified { .. }
            | Response::Dir { .. }
            | Response::LayerPage { .. }
            | Response::Found { .. }
            | Response::FileRead { .. }
            | Response::Downloadable { .. }
            | Response::CrossChecked { .. }
            | Response::ScanProgress { .. }
            | Response::Scanned { .. } => {
                let Some(loaded) = next.image.loaded.as_mut() else { return self };
                if !loaded.file_reply(response) {
                    return self;
                }
            }
            Response::AppArmorProfile { id, result } => {
                if !next.paste.profile_read(id, result) {
                    return self;
                }
            }
            Response::Seccomp { id, results } => {
                if id != self.seccomp.latest {
                    return self; // a stale answer never overwrites a newer request
                }
                next.seccomp.answered = id;
                next.seccomp.results = Some(Rc::new(results));
            }
            Response::IndexExported { .. } => return self,
            Response::CompareProgress { .. } | Response::Compared { .. } | Response::SharedLayers { .. } => {
                if !next.compare.on_response(response) {
                    return self;
                }
            }
            Response::Protocol { message } => next.worker_failed(message),
        }
        Rc::new(next)
    }
}

/// What a request about the loaded archive asked for (so its reply can be filed).
#[derive(Debug, Clone, PartialEq)]
pub enum Asked {
    Dir { image: usize, path: String },
    File { at: FileAt },
    Layer { layer: usize },
    Search { pattern: String },
    Verify,
    Download,
    Sbom,
    Cross { status: String },
}

fn settle<T>(slot: &mut Remote<T>, id: RequestId, result: Result<T, ErrorReport>) -> bool {
    if !matches!(slot, Remote::Waiting(w) if *w == id) {
        return false;
    }
    *slot = match result {
        Ok(v) => Remote::Ready(v),
        Err(e) => Remote::Failed(e),
    };
    true
}

impl<T> Remote<T> {
    /// The value, if it arrived.
    pub fn ready(&self) -> Option<&T> {
        match self {
            Remote::Ready(v) => Some(v),
            _ => None,
        }
    }
}

impl Loaded {
    fn new(session: RequestId, report: Report, stats: WorkerStats) -> Loaded {
        Loaded {
            session,
            stats,
            report: Shared::new(report),
            image: 0,
            dirs: BTreeMap::new(),
            expanded: BTreeSet::new(),
            show_deleted: true,
            sort_by_size: false,
            file: None,
            layer: None,
            layer_page: Remote::NotAsked,
            search: None,
            verify: Remote::NotAsked,
            verify_progress: None,
            download: Remote::NotAsked,
            sbom: Remote::NotAsked,
            cross: None,
            scan: ScanShown::default(),
        }
    }

    /// Files a worker reply in its slot; `false` when it is stale (a newer request replaced it).
    fn file_reply(&mut self, response: Response) -> bool {
        match response {
            Response::Dir { id, image, path, result } => match self.dirs.get_mut(&(image, path)) {
                Some(slot) => settle(slot, id, result.map(Shared::new)),
                None => false,
            },
            Response::FileRead { id, at, result } => match self.file.as_mut() {
                Some((p, slot)) if *p == at => settle(slot, id, result.map(Shared::new)),
                _ => false,
            },
            Response::LayerPage { id, result, .. } => settle(&mut self.layer_page, id, result.map(Shared::new)),
            Response::Found { id, pattern, result } => match self.search.as_mut() {
                Some((p, slot)) if *p == pattern => settle(slot, id, result.map(Shared::new)),
                _ => false,
            },
            Response::Verified { id, result } => settle(&mut self.verify, id, result.map(Shared::new)),
            Response::Downloadable { id, result } => match &self.sbom {
                Remote::Waiting(w) if *w == id => settle(&mut self.sbom, id, result),
                _ => settle(&mut self.download, id, result),
            },
            Response::CrossChecked { id, result } => match self.cross.as_mut() {
                Some((_, slot)) => settle(slot, id, result.map(Shared::new)),
                None => false,
            },
            Response::ScanProgress { id, step, done, total } => {
                let current = matches!(self.scan.report, Remote::Waiting(w) if w == id);
                if current {
                    self.scan.running = Some((step, done, total));
                }
                current
            }
            Response::Scanned { id, result } => {
                let settled = settle(&mut self.scan.report, id, result.map(|r| Shared(Rc::new(*r))));
                if settled {
                    self.scan.running = None;
                }
                settled
            }
            _ => false,
        }
    }
}

/// The Build page's build: the one running, and the last one's outcome.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BuildState {
    pub running: Option<BuildRunning>,
    pub result: Option<BuildResult>,
}

impl BuildState {
    /// Takes the answer to build `id`; false (and its link revoked) when it is not the build
    /// running, so that a stale answer never replaces a newer one.
    fn done(&mut self, id: RequestId, result: Result<BuiltFile, ErrorReport>) -> bool {
        if self.running.as_ref().map(|r| r.id) != Some(id) {
            if let Ok(stale) = result {
                let _ = web_sys::Url::revoke_object_url(&stale.url);
            }
            return false;
        }
        self.running = None;
        if let Some(BuildResult::Built(old)) = self.result.take() {
            // The link of an earlier build goes; its archive stays open while shown.
            let _ = web_sys::Url::revoke_object_url(&old.url);
        }
        self.result = Some(match result {
            Ok(built) => BuildResult::Built(built),
            Err(e) => BuildResult::Failed(e.message),
        });
        true
    }
}

/// A build in a worker and how far it has read its inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildRunning {
    pub id: RequestId,
    pub done: u64,
    pub total: u64,
    pub what: String,
}

/// How the last build ended.
#[derive(Debug, Clone, PartialEq)]
pub enum BuildResult {
    Built(BuiltFile),
    /// A sentence.
    Failed(String),
}

/// A built archive: what it is, the `File` made of parts, and its `blob:` download link.
#[derive(Debug, Clone, PartialEq)]
pub struct BuiltFile {
    pub id: RequestId,
    pub summary: BuiltSummary,
    pub file: web_sys::File,
    pub url: String,
}
