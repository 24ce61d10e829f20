//! The browser shell: a Yew app on the UI thread and a Web Worker that runs the core.
//!
//! Only this module (compiled for wasm32 alone) touches web crates. The UI thread never parses:
//! it posts a [`protocol::Request`] to the worker and renders the [`protocol::Response`]s.
//!
//! Modules, each importing only those listed before it (no import cycles): `build_order` (what
//! the Build page orders) ← `protocol` (both message protocols) ← `worker_handle` (a running
//! worker) ← `blob_reader`, `worker_io` ← `helper` (a helper worker), `pool` (the helpers, from
//! the archive's worker), `build_worker` (a build) ← `worker` (the archive's, the paste box's
//! and the build's worker); on the page: `state` (the reducer) ← `client` (the
//! page's workers) ← `analyzer` (the verbs the views use) ← `components` ← `app` (wiring).

pub mod analyzer;
pub mod app;
pub mod blob_reader;
pub mod build_order;
pub mod build_worker;
pub mod client;
pub mod compare_client;
pub mod compare_state;
mod compare_verbs;
pub mod compare_worker;
pub mod scan_worker;
pub mod components;
pub mod fragment;
pub mod helper;
pub mod pool;
pub mod protocol;
pub mod state;
pub mod worker;
pub mod worker_handle;
pub mod worker_io;

use wasm_bindgen::JsCast;

/// Mounts the app on `<main id="app">` (or the body), with a panic hook that shows a crash
/// message in the page instead of leaving it silently frozen.
pub fn start_app() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_crash(&info.to_string());
    }));
    register_service_worker();
    let root = gloo::utils::document().get_element_by_id("app");
    match root {
        Some(root) => {
            yew::Renderer::<app::App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<app::App>::new().render();
        }
    }
}

/// Registers `sw.js` (which caches the site for offline use) where the browser allows service
/// workers (secure contexts: https or localhost). Failure only means no offline copy.
fn register_service_worker() {
    let navigator = gloo::utils::window().navigator();
    let has = js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false);
    if !has {
        return;
    }
    let promise = navigator.service_worker().register("./sw.js");
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = wasm_bindgen_futures::JsFuture::from(promise).await {
            web_sys::console::warn_2(&"Tarsier: no offline copy (service worker not registered):".into(), &e);
        }
    });
}

/// Starts the worker script's message loop: a helper worker's (it was started under
/// [`protocol::HELPER_NAME`]) or an archive's and the paste box's.
pub fn start_worker() {
    std::panic::set_hook(Box::new(console_error_panic_hook::hook));
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    if scope.name() == protocol::HELPER_NAME {
        helper::run(scope);
    } else {
        worker::run(scope);
    }
}

fn show_crash(message: &str) {
    let document = gloo::utils::document();
    if let Some(el) = document.get_element_by_id("crash") {
        el.set_text_content(Some(&format!(
            "Tarsier hit an internal error and stopped. Reload the page to continue. ({message})"
        )));
        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
            el.set_hidden(false);
        }
    }
}
