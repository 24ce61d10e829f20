//! Wiring: the reducer, the analyzer over it, the URL fragment and the title, dropping files
//! anywhere on the page, and the two pages.

use super::analyzer::{use_analyzer, Analyzer};
use super::components::build_page::{BuildPage, OpenImages};
use super::components::cross_check_view::OpenImage;
use super::components::image_page::ImagePage;
use super::components::process_page::{page_title, ProcessPage};
use super::fragment;
use super::state::{AppState, ImageView, Status, Tool};
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(AppState::default);
    let analyzer = use_analyzer(&state);
    use_open_fragment(&analyzer);
    use_fragment_and_title(&state);
    let dragging = use_drop_anywhere(&analyzer);

    let tool_button = |tool: Tool, label: &'static str| {
        let a = analyzer.clone();
        let current = state.tool == tool;
        html! {
            <button type="button" class={classes!("tool", current.then_some("current"))} aria-pressed={current.to_string()}
                onclick={Callback::from(move |_| a.set_tool(tool))}>{ label }</button>
        }
    };
    html! {
        <ContextProvider<Analyzer> context={analyzer.clone()}>
            <header>
                <h1>{"Tarsier"}</h1>
                <p class="tagline">{"What a process may do, and what is inside a container image — decoded in your browser. Nothing leaves this tab."}</p>
                <nav class="tools" aria-label="Tools">
                    { tool_button(Tool::Process, "Process: capabilities and /proc status") }
                    { tool_button(Tool::Image, "Container image") }
                    { tool_button(Tool::Build, "Build an image") }
                </nav>
            </header>
            <main id="main">
                if let Some(error) = &state.worker_error {
                    <p class="error" role="alert">{ error.clone() }</p>
                }
                if state.tool == Tool::Image {
                    <ImagePage image={state.image.clone()} dragging={dragging} compare={state.compare.clone()} />
                } else if state.tool == Tool::Process {
                    <ProcessPage paste={state.paste.clone()} image={open_image(&state)} seccomp={state.seccomp.clone()} />
                }
                // Always mounted (hidden on the other pages), so the form keeps its inputs.
                <div hidden={state.tool != Tool::Build}>
                    <BuildPage build={state.build.clone()} images={build_images(&state)} />
                </div>
            </main>
            if dragging { <div class="drop-overlay" aria-hidden="true"><p>{"Drop the image archive to open it"}</p></div> }
            <footer><p>{"Tarsier runs entirely in this page: no upload, no tracking, no network requests."}</p></footer>
        </ContextProvider<Analyzer>>
    }
}

/// The image open in the image tool, for the process page's cross-checks.
fn open_image(state: &AppState) -> Option<OpenImage> {
    let l = state.image.loaded.as_ref()?;
    let tags = l.report.images.get(l.image).map(|i| i.tags.join(", ")).unwrap_or_default();
    let title = if tags.is_empty() { l.report.archive.name.clone() } else { tags };
    Some(OpenImage { title, session: l.session, image: l.image, cross: l.cross.clone() })
}

/// Opens the decode a shared link names, now and whenever the fragment changes.
#[hook]
fn use_open_fragment(analyzer: &Analyzer) {
    let analyzer = analyzer.clone();
    use_effect_with((), move |_| {
        let open = move || {
            let f = fragment::read();
            if fragment::is_ours(&f) {
                analyzer.set_tool(Tool::Process);
                analyzer.open_fragment(f);
            } else if f == "build" {
                analyzer.set_tool(Tool::Build);
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

/// Keeps the fragment and the title in step with what is shown.
#[hook]
fn use_fragment_and_title(state: &UseReducerHandle<AppState>) {
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
            Tool::Build => {
                fragment::replace(Some("build"));
                gloo::utils::document().set_title("Build an image — Tarsier");
            }
        }
    });
}

/// A dropped `.json` file is a seccomp profile: its text goes to the paste box (at most
/// [`MAX_PASTE_BYTES`](crate::core::paste::MAX_PASTE_BYTES), as a paste).
fn open_profile(analyzer: &Analyzer, file: &web_sys::File) {
    analyzer.set_tool(Tool::Process);
    let size = file.size();
    if !size.is_finite() || size > crate::core::paste::MAX_PASTE_BYTES as f64 {
        analyzer.oversize(if size.is_finite() { size as usize } else { usize::MAX });
        return;
    }
    let analyzer = analyzer.clone();
    let promise = file.text();
    wasm_bindgen_futures::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(promise).await.ok().and_then(|v| v.as_string()) {
            Some(text) => analyzer.paste(text),
            None => analyzer.reject("The dropped file could not be read as text.".to_owned()),
        }
    });
}

/// Dropping a file anywhere on the page opens it; returns whether a file is being dragged over
/// the page.
#[hook]
fn use_drop_anywhere(analyzer: &Analyzer) -> bool {
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
                    warm.warm();
                }
            });
            let leave_flag = dragging.clone();
            let leave = gloo::events::EventListener::new(&window, "dragleave", move |e| {
                let outside = e.dyn_ref::<web_sys::DragEvent>().is_some_and(|d| d.client_x() <= 0 && d.client_y() <= 0);
                if outside {
                    leave_flag.set(false);
                }
            });
            // What was dropped before this effect ran (while the wasm loaded): `early.js` kept it.
            // The app's listener below is attached in this same task, before any other drop.
            let _ = js_sys::Reflect::set(&window, &EARLY_LISTENING.into(), &wasm_bindgen::JsValue::TRUE);
            let early = js_sys::Reflect::get(&window, &EARLY_DROP.into()).ok().and_then(|v| v.dyn_into::<web_sys::FileList>().ok());
            if let Some(files) = early {
                let _ = js_sys::Reflect::set(&window, &EARLY_DROP.into(), &wasm_bindgen::JsValue::NULL);
                open_dropped(&analyzer, &files);
            }
            let drop_flag = dragging.clone();
            let dropped = gloo::events::EventListener::new_with_options(&window, "drop", options, move |e| {
                // A drop target of the page (the Build page's) handled it already.
                let handled = e.default_prevented();
                e.prevent_default(); // never let the browser navigate to the file
                drop_flag.set(false);
                if handled {
                    return;
                }
                let files = e.dyn_ref::<web_sys::DragEvent>().and_then(web_sys::DragEvent::data_transfer).and_then(|dt| dt.files());
                if let Some(files) = files {
                    open_dropped(&analyzer, &files);
                }
            });
            move || drop((over, leave, dropped))
        });
    }
    *dragging
}

/// The flag `static/early.js` reads: once set, the app's own listeners take drops.
const EARLY_LISTENING: &str = "tarsierDropListening";
/// Where `static/early.js` keeps the files of a drop that came before the app listened.
const EARLY_DROP: &str = "tarsierEarlyDrop";

/// Opens what was dropped on the page. Two archives dropped at once are compared, three or more
/// shown as the layers their images share; one is opened (a `.json` one as a seccomp profile).
fn open_dropped(analyzer: &Analyzer, files: &web_sys::FileList) {
    if files.length() > 2 {
        analyzer.compare_many((0..files.length()).filter_map(|i| files.get(i)).collect());
        return;
    }
    match (files.get(0), files.get(1)) {
        (Some(a), Some(b)) => analyzer.compare_files(a, b),
        (Some(file), None) if file.name().to_ascii_lowercase().ends_with(".json") => open_profile(analyzer, &file),
        (Some(file), None) => analyzer.open_image(file),
        _ => {}
    }
}

/// The images of the archive on screen, offered as bases on the Build page.
fn build_images(state: &AppState) -> OpenImages {
    let Some(loaded) = state.image.loaded.as_ref() else { return OpenImages::default() };
    let names = loaded
        .report
        .images
        .iter()
        .enumerate()
        .map(|(i, image)| if image.tags.is_empty() { format!("image {}", i + 1) } else { image.tags.join(", ") })
        .collect();
    OpenImages { archive: Some(loaded.report.archive.name.clone()), session: loaded.session, names }
}
