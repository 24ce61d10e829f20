//! Wiring: the reducer, the worker, the URL fragment and the views.

use super::client::{now_ms, ImageSessions, WorkerSlot};
use super::components::apparmor_view::AppArmorView;
use super::components::cap_builder::CapBuilder;
use super::components::compare_view::CompareView;
use super::components::drop_zone::DropZone;
use super::components::image::file_detail::PREVIEW;
use super::components::image::files::SEARCH_LIMIT;
use super::components::image::layers::PAGE;
use super::components::image::ImageExplorer;
use super::components::mask_view::MaskList;
use super::components::paste_box::PasteBox;
use super::components::status_view::{process_title, StatusView};
use super::fragment;
use super::protocol::{PasteInput, Request};
use super::state::{Action, AppState, Asked, ImageView, Pinned, Status, Tool};
use crate::core::paste::PasteReport;
use crate::core::status::StatusReport;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The verbs the views use to ask for analysis (also given to components as a context).
#[derive(Clone)]
pub struct Analyzer {
    worker: WorkerSlot,
    images: ImageSessions,
    next_id: Rc<Cell<u32>>,
    state: UseReducerHandle<AppState>,
}

impl PartialEq for Analyzer {
    fn eq(&self, other: &Self) -> bool {
        self.worker == other.worker && self.images == other.images
    }
}

impl Analyzer {
    fn dispatcher(&self) -> Rc<dyn Fn(Action)> {
        let dispatch = self.state.dispatcher();
        Rc::new(move |action| dispatch.dispatch(action))
    }

    /// Indexes a dropped or chosen archive in a new worker; the newest file wins.
    pub fn open_image(&self, file: web_sys::File) {
        let session = self.next_id();
        let size = file.size();
        let size = if size.is_finite() && size >= 0.0 { size as u64 } else { 0 };
        self.state.dispatch(Action::ImageStarted { session, name: file.name(), size, now_ms: now_ms() });
        if let Err(message) = self.images.open(self.dispatcher(), session, &file) {
            let stats = super::protocol::WorkerStats::default();
            self.state.dispatch(Action::Worker(super::protocol::Response::ImageOpened { session, result: Err(message), stats }));
        }
    }

    /// Stops indexing; what was on screen stays.
    pub fn cancel_image(&self) {
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
        self.read_file(path, 0);
    }

    /// Reads a preview slice of a merged path from `offset`.
    pub fn read_file(&self, path: String, offset: u64) {
        let image = self.image_index();
        self.ask(Asked::File { path: path.clone() }, |id| Request::ReadFile { id, image, path, offset, max_len: PREVIEW });
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
    pub fn download(&self, path: Option<String>) {
        let image = self.image_index();
        self.ask(Asked::Download, |id| Request::Download { id, image, path });
    }

    pub fn dismiss_image_error(&self) {
        self.state.dispatch(Action::DismissImageError);
    }

    fn send(&self, request: &Request) {
        if let Err(message) = self.worker.send(&self.dispatcher(), request, None) {
            self.state.dispatch(Action::WorkerFailed(message));
        }
    }

    fn next_id(&self) -> u32 {
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
        let id = self.next_id();
        self.state.dispatch(Action::PasteSent { id, text: text.clone() });
        self.send(&Request::Paste { id, input: PasteInput::Text(text), pinned: self.pinned_text() });
    }

    /// Refuses a paste too large to be a status dump or masks, without touching the box.
    pub fn oversize(&self, bytes: usize) {
        let message = crate::core::paste::PasteError::TooLarge { bytes }.to_string();
        self.state.dispatch(Action::PasteRejected(message));
    }

    /// Reopens a shared link's decode.
    pub fn open_fragment(&self, fragment: String) {
        let id = self.next_id();
        self.state.dispatch(Action::FragmentSent { id });
        self.send(&Request::Paste { id, input: PasteInput::Fragment(fragment), pinned: None });
    }

    /// Keeps the current dump aside; the next dump pasted is compared against it.
    pub fn pin(&self, report: &StatusReport) {
        let text = self.state.paste.text.clone();
        self.state.dispatch(Action::Pin(Pinned { text, title: process_title(report) }));
    }

    /// Stops comparing.
    pub fn unpin(&self) {
        self.state.dispatch(Action::Unpin);
    }
}

#[hook]
fn use_analyzer(state: &UseReducerHandle<AppState>) -> Analyzer {
    let worker = use_memo((), |_| WorkerSlot::default());
    let next_id = use_memo((), |_| Rc::new(Cell::new(0u32)));
    let images = use_memo((), |_| ImageSessions::default());
    Analyzer { worker: (*worker).clone(), images: (*images).clone(), next_id: (*next_id).clone(), state: state.clone() }
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(AppState::default);
    let analyzer = use_analyzer(&state);

    // Open the decode a shared link names, now and whenever the fragment changes.
    {
        let analyzer = analyzer.clone();
        use_effect_with((), move |_| {
            let open = move || {
                let f = fragment::read();
                if fragment::is_ours(&f) {
                    analyzer.set_tool(Tool::Process);
                    analyzer.open_fragment(f);
                } else if let Some(view) = f.strip_prefix("image").map(|v| v.trim_start_matches('/')) {
                    analyzer.set_tool(Tool::Image);
                    if let Some(view) = ImageView::from_slug(view) {
                        analyzer.set_view(view);
                    }
                }
            };
            open();
            let listener = gloo::events::EventListener::new(&gloo::utils::window(), "hashchange", move |_| open());
            move || drop(listener)
        });
    }

    // Keep the fragment and the title in step with what is shown.
    {
        let fragment = state.paste.fragment.clone();
        let status = state.paste.status.clone();
        let shown = state.paste.shown.clone();
        let tool = state.tool;
        let view = state.image.view;
        let image_title = state.image.loaded.as_ref().map(|l| {
            let tags = l.report.images.get(l.image).map(|i| i.tags.join(", ")).unwrap_or_default();
            if tags.is_empty() { l.report.archive.name.clone() } else { tags }
        });
        use_effect_with((fragment, status, shown, tool, view, image_title), |(fragment, status, shown, tool, view, image_title)| {
            match tool {
                Tool::Process => {
                    if *status == Status::Done || *status == Status::Idle {
                        fragment::replace(fragment.as_deref().filter(|_| shown.is_some()));
                    }
                    gloo::utils::document().set_title(&page_title(shown.as_deref()));
                }
                Tool::Image => {
                    fragment::replace(Some(&format!("image/{}", view.slug())));
                    let title = match image_title {
                        Some(t) => format!("{t} · {} — Tarsier", view.label()),
                        None => "Image — Tarsier".to_owned(),
                    };
                    gloo::utils::document().set_title(&title);
                }
            }
        });
    }

    // Dropping a file anywhere on the page opens it.
    let dragging = use_state(|| false);
    {
        let analyzer = analyzer.clone();
        let dragging = dragging.clone();
        use_effect_with((), move |_| {
            let window = gloo::utils::window();
            let options = gloo::events::EventListenerOptions::enable_prevent_default();
            let over_flag = dragging.clone();
            let warm = analyzer.clone();
            let over = gloo::events::EventListener::new_with_options(&window, "dragover", options, move |e| {
                e.prevent_default(); // allows the drop
                if !*over_flag {
                    over_flag.set(true);
                    // A file is on its way: have a worker loaded by the time it lands.
                    warm.images.warm();
                }
            });
            let leave_flag = dragging.clone();
            let leave = gloo::events::EventListener::new(&window, "dragleave", move |e| {
                let outside = e.dyn_ref::<web_sys::DragEvent>().is_some_and(|d| d.client_x() <= 0 && d.client_y() <= 0);
                if outside {
                    leave_flag.set(false);
                }
            });
            let drop_flag = dragging.clone();
            let dropped = gloo::events::EventListener::new_with_options(&window, "drop", options, move |e| {
                e.prevent_default(); // never let the browser navigate to the file
                drop_flag.set(false);
                let file = e
                    .dyn_ref::<web_sys::DragEvent>()
                    .and_then(web_sys::DragEvent::data_transfer)
                    .and_then(|dt| dt.files())
                    .and_then(|files| files.get(0));
                if let Some(file) = file {
                    analyzer.open_image(file);
                }
            });
            move || drop((over, leave, dropped))
        });
    }

    let on_paste = {
        let analyzer = analyzer.clone();
        Callback::from(move |text: String| analyzer.paste(text))
    };
    let on_oversize = {
        let analyzer = analyzer.clone();
        Callback::from(move |bytes: usize| analyzer.oversize(bytes))
    };
    let on_build = {
        let analyzer = analyzer.clone();
        Callback::from(move |hex: String| analyzer.paste(hex))
    };

    let tool_button = |tool: Tool, label: &'static str| {
        let a = analyzer.clone();
        let current = state.tool == tool;
        html! {
            <button type="button" class={classes!("tool", current.then_some("current"))} aria-pressed={current.to_string()}
                onclick={Callback::from(move |_| a.set_tool(tool))}>{ label }</button>
        }
    };
    let on_file = {
        let a = analyzer.clone();
        Callback::from(move |file: web_sys::File| a.open_image(file))
    };
    let on_cancel = {
        let a = analyzer.clone();
        Callback::from(move |()| a.cancel_image())
    };
    let on_dismiss = {
        let a = analyzer.clone();
        Callback::from(move |()| a.dismiss_image_error())
    };
    let paste = &state.paste;
    html! {
        <ContextProvider<Analyzer> context={analyzer.clone()}>
            <header>
                <h1>{"Tarsier"}</h1>
                <p class="tagline">{"What a process may do, and what is inside a container image — decoded in your browser. Nothing leaves this tab."}</p>
                <nav class="tools" aria-label="Tools">
                    { tool_button(Tool::Process, "Process: capabilities and /proc status") }
                    { tool_button(Tool::Image, "Container image") }
                </nav>
            </header>
            <main id="main">
                if let Some(error) = &state.worker_error {
                    <p class="error" role="alert">{ error.clone() }</p>
                }
                if state.tool == Tool::Image {
                    <DropZone loading={state.image.loading.clone()} error={state.image.error.clone().map(AttrValue::from)}
                        {on_file} {on_cancel} {on_dismiss} dragging={*dragging} />
                    if let Some(loaded) = &state.image.loaded {
                        <ImageExplorer loaded={loaded.clone()} view={state.image.view} />
                    }
                } else {
                <PasteBox text={AttrValue::from(paste.text.clone())} on_change={on_paste} {on_oversize} />
                if let Some(pinned) = &paste.pinned {
                    <p class="card pinned" role="status">
                        { format!("Comparing against {}. Paste a second dump to see them side by side. ", pinned.title) }
                        <button type="button" onclick={ let a = analyzer.clone(); Callback::from(move |_| a.unpin()) }>{"Stop comparing"}</button>
                    </p>
                }
                <div class="status" aria-live="polite">
                    { match &paste.status {
                        Status::Pending => html! { <p class="pending">{"Decoding…"}</p> },
                        Status::Failed(message) => html! { <p class="error" role="alert" id="paste-error">{ message.clone() }</p> },
                        _ => html! {},
                    } }
                </div>
                <CapBuilder on_decode={on_build} />
                if let Some(report) = &paste.shown {
                    { view_report(report, &analyzer, paste.pinned.is_some()) }
                }
                }
            </main>
            if *dragging { <div class="drop-overlay" aria-hidden="true"><p>{"Drop the image archive to open it"}</p></div> }
            <footer><p>{"Tarsier runs entirely in this page: no upload, no tracking, no network requests."}</p></footer>
        </ContextProvider<Analyzer>>
    }
}

fn page_title(shown: Option<&PasteReport>) -> String {
    match shown {
        Some(PasteReport::Masks(masks)) => format!("{} capability mask{} — Tarsier", masks.len(), if masks.len() == 1 { "" } else { "s" }),
        Some(PasteReport::Status(s)) => match s.dumps.as_slice() {
            [one] => format!("{} — Tarsier", process_title(one)),
            [a, b, ..] => format!("{} vs {} — Tarsier", process_title(a), process_title(b)),
            [] => "Tarsier".to_owned(),
        },
        Some(PasteReport::AppArmor(_)) => "AppArmor label — Tarsier".to_owned(),
        None => "Tarsier".to_owned(),
    }
}

fn view_report(report: &Rc<PasteReport>, analyzer: &Analyzer, pinned: bool) -> Html {
    match report.as_ref() {
        PasteReport::Masks(masks) => html! { <MaskList masks={Rc::new(masks.clone())} /> },
        PasteReport::AppArmor(label) => html! { <AppArmorView label={Rc::new(label.clone())} /> },
        PasteReport::Status(s) => match s.dumps.as_slice() {
            [one] => {
                let report = Rc::new(one.clone());
                let pin = {
                    let analyzer = analyzer.clone();
                    let report = report.clone();
                    Callback::from(move |_| analyzer.pin(&report))
                };
                html! {
                    <>
                        if !pinned {
                            <p class="row"><button type="button" id="compare-button" onclick={pin}>{"Compare with another dump"}</button>
                            <span class="hint">{"Keeps this dump aside; paste a second one (a host process and a container's, say) to see both side by side."}</span></p>
                        }
                        <StatusView report={report} />
                    </>
                }
            }
            [left, right, ..] => {
                let left = Rc::new(left.clone());
                let right = Rc::new(right.clone());
                html! {
                    <>
                        <CompareView left={left.clone()} right={right.clone()} diffs={Rc::new(s.comparison.clone())} />
                        <div class="side-by-side">
                            <StatusView report={left} />
                            <StatusView report={right} />
                        </div>
                    </>
                }
            }
            [] => html! {},
        },
    }
}
