//! The verbs the views use to ask for analysis and change what is shown, given to the
//! components as a context. Each verb dispatches to the reducer ([`super::state`]) and, when the
//! worker must answer, posts a request through [`super::client`].

use super::build_order::BuildOrder;
use super::client::{now_ms, ImageSessions, WorkerSlot};
use super::compare_client::CompareClient;
use super::build_worker::attach_base;
use super::protocol::{encode, error_report, FileAt, PasteInput, Request, RequestId, Response, SeccompSide, WorkerStats};
use super::state::{Action, AppState, Asked, ImageView, LocalPaste, Pinned, Tool};
use crate::core::apparmor_profile;
use std::cell::Cell;
use std::rc::Rc;
use yew::prelude::*;

/// Bytes of a file previewed at a time.
pub const PREVIEW: usize = 64 * 1024;
/// Entries shown per page of a layer's listing.
pub const PAGE: usize = 1000;
/// Most search hits asked for.
pub const SEARCH_LIMIT: usize = 2000;

/// The verbs the views use to ask for analysis (also given to components as a context).
#[derive(Clone)]
pub struct Analyzer {
    worker: WorkerSlot,
    pub(super) images: ImageSessions,
    /// The worker builds run in (one on the archive on screen gets that archive's file and its
    /// worker's index); Cancel terminates it.
    builder: WorkerSlot,
    /// The content scan's worker (one per scan; Cancel terminates it, the archive stays open).
    scanner: WorkerSlot,
    pub(super) compare: CompareClient,
    next_id: Rc<Cell<u32>>,
    /// The archive being opened, until its worker starts or it turns out to be process text (0:
    /// none): a file read as text first starts no worker once cancelled or superseded.
    opening: Rc<Cell<RequestId>>,
    pub(super) state: UseReducerHandle<AppState>,
}

impl PartialEq for Analyzer {
    fn eq(&self, other: &Self) -> bool {
        self.worker == other.worker && self.images == other.images && self.compare == other.compare
    }
}

impl Analyzer {
    pub(super) fn dispatcher(&self) -> Rc<dyn Fn(Action)> {
        let dispatch = self.state.dispatcher();
        Rc::new(move |action| dispatch.dispatch(action))
    }

    /// Indexes a dropped or chosen archive in a new worker; the newest file wins. A small file
    /// is first read as text: a status dump, masks or a label saved to a file goes to the
    /// process tool instead (read here, in the page, as the paste box would).
    pub fn open_image(&self, file: web_sys::File) {
        let session = self.next_id();
        let size = file.size();
        let size = if size.is_finite() && size >= 0.0 { size as u64 } else { 0 };
        self.state.dispatch(Action::ImageStarted { session, name: file.name(), size, now_ms: now_ms() });
        self.compare.remember(session, &file);
        if self.state.compare.open {
            self.close_compare(); // the new archive takes the Compare view's place
        }
        self.opening.set(session);
        if size == 0 || size > PROCESS_TEXT_MAX {
            self.start_worker(session, &file);
            return;
        }
        let analyzer = self.clone();
        let promise = file.text();
        wasm_bindgen_futures::spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(promise).await.ok().and_then(|v| v.as_string());
            if analyzer.opening.get() != session {
                return; // cancelled, or another file opened since
            }
            match text.as_deref().and_then(process_text) {
                Some(what) => {
                    analyzer.opening.set(0);
                    analyzer.state.dispatch(Action::FileToProcess { session, name: file.name(), what });
                    analyzer.paste(text.unwrap_or_default());
                }
                None => analyzer.start_worker(session, &file),
            }
        });
    }

    /// Hands `file` to a new worker to index as `session`.
    fn start_worker(&self, session: RequestId, file: &web_sys::File) {
        if let Err(message) = self.images.open(self.dispatcher(), session, file) {
            let result = Err(error_report("worker", message));
            self.state.dispatch(Action::Worker(Response::ImageOpened { session, result, stats: WorkerStats::default() }));
        }
    }

    /// Stops indexing; what was on screen stays.
    pub fn cancel_image(&self) {
        self.opening.set(0);
        self.images.cancel();
        self.state.dispatch(Action::ImageCancelled);
    }

    fn ask(&self, what: Asked, make: impl FnOnce(u32) -> Request) {
        let id = self.next_id();
        self.state.dispatch(Action::Asked { id, what });
        if let Err(message) = self.images.send(&make(id)) {
            self.state.dispatch(Action::WorkerFailed(message));
        }
    }

    fn show_deleted(&self) -> bool {
        self.state.image.loaded.as_ref().is_some_and(|l| l.show_deleted)
    }

    fn image_index(&self) -> usize {
        self.state.image.loaded.as_ref().map_or(0, |l| l.image)
    }

    /// Loads an archive worker now, so a file dropped soon does not wait for one.
    pub fn warm(&self) {
        self.images.warm();
    }

    pub fn set_tool(&self, tool: Tool) {
        if tool == Tool::Image {
            // Load an archive worker while the user picks a file.
            self.images.warm();
        }
        self.state.dispatch(Action::SetTool(tool));
    }

    pub fn set_view(&self, view: ImageView) {
        self.state.dispatch(Action::SetImageView(view));
    }

    pub fn select_image(&self, image: usize) {
        // A scan of the image left behind is of no use any more.
        self.scanner.stop();
        self.state.dispatch(Action::SelectImage(image));
    }

    pub fn list_dir(&self, image: usize, path: String) {
        let include_deleted = self.show_deleted();
        self.ask(Asked::Dir { image, path: path.clone() }, |id| Request::ListDir { id, image, path, include_deleted });
    }

    pub fn toggle_dir(&self, image: usize, path: String) {
        self.state.dispatch(Action::ToggleDir { image, path });
    }

    pub fn set_show_deleted(&self, on: bool) {
        self.state.dispatch(Action::SetShowDeleted(on));
    }

    pub fn set_sort_by_size(&self, on: bool) {
        self.state.dispatch(Action::SetSortBySize(on));
    }

    /// Opens a merged path's detail with the first preview slice.
    pub fn open_file(&self, path: String) {
        self.open_at(FileAt::merged(path));
    }

    /// Opens the detail of a file as `at` names it (a layer's version, a line to point at).
    pub fn open_at(&self, at: FileAt) {
        self.read_file(at, 0, Some(1));
    }

    /// Reads a preview slice of `at` from `offset`, whose first line is `first_line` if known.
    pub fn read_file(&self, at: FileAt, offset: u64, first_line: Option<usize>) {
        let image = self.image_index();
        self.ask(Asked::File { at: at.clone() }, |id| Request::ReadFile { id, image, at, offset, max_len: PREVIEW, first_line });
    }

    /// Checks the selected image against a pasted status dump (`status`: its text).
    pub fn cross_check(&self, status: String) {
        let image = self.image_index();
        self.ask(Asked::Cross { status: status.clone() }, |id| Request::CrossCheck { id, image, status });
    }

    pub fn close_file(&self) {
        self.state.dispatch(Action::CloseFile);
    }

    /// Shows a page of the entries of layer `pos` of the selected image.
    pub fn show_layer(&self, pos: usize, offset: usize) {
        let Some(loaded) = self.state.image.loaded.as_ref() else { return };
        let Some(layer) = loaded.report.images.get(loaded.image).and_then(|i| i.layers.get(pos)).map(|l| l.layer) else { return };
        self.ask(Asked::Layer { layer: pos }, |id| Request::LayerEntries { id, layer, offset, limit: PAGE });
    }

    pub fn search(&self, pattern: String) {
        let image = self.image_index();
        let include_deleted = self.show_deleted();
        self.ask(Asked::Search { pattern: pattern.clone() }, |id| Request::Search { id, image, pattern, include_deleted, limit: SEARCH_LIMIT });
    }

    pub fn close_search(&self) {
        self.state.dispatch(Action::CloseSearch);
    }

    pub fn verify(&self) {
        self.ask(Asked::Verify, |id| Request::Verify { id });
    }

    /// Prepares a download of one merged file, or of the full JSON report (`None`).
    pub fn download(&self, path: Option<FileAt>) {
        let image = self.image_index();
        self.ask(Asked::Download, |id| Request::Download { id, image, path });
    }

    /// Prepares a download of the selected image's SBOM.
    pub fn download_sbom(&self, format: crate::core::sbom::Format, scope: crate::core::sbom::Scope, from_layer: Option<usize>) {
        let image = self.image_index();
        self.ask(Asked::Sbom, |id| Request::DownloadSbom { id, image, format, scope, from_layer });
    }

    /// Scans the contents of the selected image (secrets, keys, accounts, setuid triage, the
    /// history lint) in a worker of its own; a scan already running is cancelled.
    pub fn scan_contents(&self, options: crate::core::scan::ScanOptions) {
        let Some(loaded) = self.state.image.loaded.as_ref() else { return };
        let (image, name) = (loaded.image, loaded.report.archive.name.clone());
        let file = self.compare.file_of(loaded.session);
        let id = self.next_id();
        self.scanner.stop();
        self.state.dispatch(Action::ScanStarted { id });
        // The scan's worker holds a second index of the archive: it ends with its answer.
        let (dispatch, slot) = (self.dispatcher(), self.scanner.clone());
        let on_reply: Rc<dyn Fn(Action)> = Rc::new(move |action| {
            let answered = matches!(action, Action::Worker(Response::Scanned { .. }) | Action::WorkerFailed(_));
            dispatch(action);
            if answered {
                slot.stop_soon();
            }
        });
        let sent = match file {
            Some(file) => self.scanner.send(&on_reply, &Request::Scan { id, name, image, options }, Some(&file)),
            None => Err("The archive's file is no longer at hand: open it again to scan it.".to_owned()),
        };
        if let Err(message) = sent {
            self.state.dispatch(Action::Worker(Response::Scanned { id, result: Err(error_report("worker", message)) }));
        }
    }

    /// Stops the content scan (terminates its worker).
    pub fn cancel_scan(&self) {
        self.scanner.stop();
        self.state.dispatch(Action::ScanCancelled);
    }

    pub fn dismiss_image_error(&self) {
        self.state.dispatch(Action::DismissImageError);
    }

    fn send(&self, request: &Request) {
        if let Err(message) = self.worker.send(&self.dispatcher(), request, None) {
            self.state.dispatch(Action::WorkerFailed(message));
        }
    }

    pub(super) fn next_id(&self) -> u32 {
        let id = self.next_id.get().wrapping_add(1).max(self.state.paste.latest.wrapping_add(1));
        self.next_id.set(id);
        id
    }

    fn pinned_text(&self) -> Option<String> {
        self.state.paste.pinned.as_ref().map(|p| p.text.clone())
    }

    /// Decodes pasted text in the worker; the latest paste wins.
    pub fn paste(&self, text: String) {
        if text.trim().is_empty() {
            self.state.dispatch(Action::PasteCleared);
            return;
        }
        if text.trim_start().starts_with('{') {
            let result = Ok(LocalPaste::Seccomp(Rc::new(text.clone())));
            self.state.dispatch(Action::PasteLocal { text, result });
            return;
        }
        let id = self.next_id();
        self.state.dispatch(Action::PasteSent { id, text: text.clone() });
        if is_apparmor_profile(&text) {
            self.send(&Request::AppArmorProfile { id, text });
        } else {
            self.send(&Request::Paste { id, input: PasteInput::Text(text), pinned: self.pinned_text() });
        }
    }

    /// Refuses a paste too large to be a status dump or masks, without touching the box.
    pub fn oversize(&self, bytes: usize) {
        let message = crate::core::paste::PasteError::TooLarge { bytes }.to_string();
        self.state.dispatch(Action::PasteRejected(message));
    }

    /// Evaluates seccomp profiles in the worker, unless the latest request asked the same.
    pub fn evaluate_seccomp(&self, sides: Vec<SeccompSide>) {
        if self.state.seccomp.asked.as_deref() == Some(&sides) {
            return;
        }
        let id = self.next_id();
        self.state.dispatch(Action::SeccompSent { id, sides: Rc::new(sides.clone()) });
        self.send(&Request::Seccomp { id, sides });
    }

    /// Shows why something meant for the paste box could not be read.
    pub fn reject(&self, message: String) {
        self.state.dispatch(Action::PasteRejected(message));
    }

    /// Reopens a shared link's decode.
    pub fn open_fragment(&self, fragment: String) {
        let id = self.next_id();
        let pinned = fragment.ends_with(crate::core::paste::PINNED_MARK);
        self.state.dispatch(Action::FragmentSent { id, pinned });
        self.send(&Request::Paste { id, input: PasteInput::Fragment(fragment), pinned: None });
    }

    /// Keeps the current dump (called `title`) aside; the next dump pasted is compared
    /// against it.
    pub fn pin(&self, title: String) {
        let text = self.state.paste.text.clone();
        self.state.dispatch(Action::Pin(Pinned { text, title }));
    }

    /// Builds an image in a worker; `inputs` holds the rootfs tarball and the files added from
    /// disk, as `order` describes.
    pub fn build(&self, order: BuildOrder, inputs: Option<web_sys::File>) {
        let id = self.next_id();
        self.state.dispatch(Action::BuildStarted { id });
        let on_base = order.base_image.is_some();
        let message = match encode(&Request::Build { id, order: Box::new(order) }, inputs.as_ref()) {
            Ok(message) => message,
            Err(message) => return self.state.dispatch(Action::BuildDone { id, result: Err(error_report("worker", message)) }),
        };
        let (builder, dispatch) = (self.builder.clone(), self.dispatcher());
        let send = move |message: wasm_bindgen::JsValue| {
            if let Err(m) = builder.send_message(&dispatch, message) {
                dispatch(Action::BuildDone { id, result: Err(error_report("worker", m)) });
            }
        };
        if !on_base {
            return send(message);
        }
        // On the archive on screen: its file and its worker's index go to the build's worker.
        let Some((base, _)) = self.file_on_screen() else {
            let result = Err(error_report("no_image", "No image archive is open to build on: open one first, or build from nothing."));
            return self.state.dispatch(Action::BuildDone { id, result });
        };
        let dispatch = self.dispatcher();
        let then = move |index: wasm_bindgen::JsValue| match attach_base(&message, &base, &index) {
            Ok(()) => send(message),
            Err(m) => dispatch(Action::BuildDone { id, result: Err(error_report("browser", m)) }),
        };
        self.images.ask_index(id, Box::new(then));
    }

    /// Stops a build (by terminating its worker), or its wait for the base archive's index.
    pub fn cancel_build(&self) {
        if let Some(running) = &self.state.build.running {
            self.images.forget(running.id);
        }
        self.builder.stop();
        self.state.dispatch(Action::BuildCancelled);
    }

    /// Stops comparing.
    pub fn unpin(&self) {
        self.state.dispatch(Action::Unpin);
    }
}

/// Whether pasted text is an AppArmor profile (read by [`Request::AppArmorProfile`]) rather
/// than what [`Request::Paste`] decodes: a rule ending in `,`, a brace or an include, and no key
/// of a status dump. Text starting with `{` is a seccomp profile instead ([`LocalPaste::Seccomp`]:
/// no mask, dump or label starts so), which the system-call view sends to the worker.
/// The largest file [`Analyzer::open_image`] reads to see whether it is process text (a status
/// dump is about 1.5 KiB; 256 masks under 20 KiB).
const PROCESS_TEXT_MAX: u64 = 64 * 1024;

/// What `text` is when the process tool decodes it (a status dump, capability masks, an
/// AppArmor label), as a phrase; `None` for anything else (a tar has NUL bytes, so never).
fn process_text(text: &str) -> Option<&'static str> {
    use crate::core::paste::{classify, Accept, Classified};
    if text.contains('\0') {
        return None;
    }
    Some(match classify(text, Accept::Any).ok()? {
        Classified::Status(dumps) if dumps.len() > 1 => "a set of /proc status dumps",
        Classified::Status(_) => "a /proc status dump",
        Classified::Masks(masks) if masks.len() > 1 => "a list of capability masks",
        Classified::Masks(_) => "a capability mask",
        Classified::AppArmor(_) => "an AppArmor label",
    })
}

fn is_apparmor_profile(text: &str) -> bool {
    apparmor_profile::looks_like_profile(text) && crate::core::status::known_keys(text).other == 0
}

/// The app's one [`Analyzer`] over its reducer.
#[hook]
pub fn use_analyzer(state: &UseReducerHandle<AppState>) -> Analyzer {
    let worker = use_memo((), |_| WorkerSlot::default());
    let next_id = use_memo((), |_| Rc::new(Cell::new(0u32)));
    let images = use_memo((), |_| ImageSessions::default());
    let builder = use_memo((), |_| WorkerSlot::default());
    let scanner = use_memo((), |_| WorkerSlot::default());
    let compare = use_memo((), |_| CompareClient::default());
    let opening = use_memo((), |_| Rc::new(Cell::new(0)));
    Analyzer {
        worker: (*worker).clone(),
        images: (*images).clone(),
        builder: (*builder).clone(),
        scanner: (*scanner).clone(),
        compare: (*compare).clone(),
        next_id: (*next_id).clone(),
        opening: (*opening).clone(),
        state: state.clone(),
    }
}
