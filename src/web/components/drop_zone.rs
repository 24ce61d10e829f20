//! The image drop zone: a labelled file button (the accessible alternative to dragging), the
//! indexing progress with Cancel, and the last error.

use crate::core::image::Phase;
use crate::web::state::{Loading, ProgressShown};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub loading: Option<Loading>,
    pub error: Option<AttrValue>,
    pub on_file: Callback<web_sys::File>,
    pub on_cancel: Callback<()>,
    pub on_dismiss: Callback<()>,
    /// Whether a file is being dragged over the page.
    pub dragging: bool,
}

#[function_component(DropZone)]
pub fn drop_zone(props: &Props) -> Html {
    let on_change = {
        let on_file = props.on_file.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else { return };
            if let Some(file) = input.files().and_then(|files| files.get(0)) {
                on_file.emit(file);
            }
            input.set_value(""); // choosing the same file again still fires `change`
        })
    };
    html! {
        <section class={classes!("drop-zone", props.dragging.then_some("dragging"))} aria-labelledby="image-title">
            <h2 id="image-title">{"Container image"}</h2>
            <p>{"Drop a "}<code>{"docker save"}</code>{" / "}<code>{"podman save"}</code>{" archive anywhere on this page (.tar, .tar.gz; docker-archive or OCI layout), or choose one. It is read in place, in a background worker: nothing is uploaded, and a multi-gigabyte file is fine."}</p>
            <div class="row">
                <label class="file-button" for="image-file">{"Choose an image archive…"}</label>
                <input type="file" id="image-file" class="visually-hidden-input" accept=".tar,.tar.gz,.tgz,.tar.zst,application/x-tar,application/gzip" onchange={on_change} />
            </div>
            if let Some(loading) = &props.loading {
                { view_progress(loading, &props.on_cancel) }
            }
            if let Some(error) = &props.error {
                <div class="error-box" role="alert" id="image-error">
                    <p class="error">{ error.clone() }</p>
                    <button type="button" onclick={props.on_dismiss.reform(|_| ())}>{"Dismiss"}</button>
                </div>
            }
        </section>
    }
}

fn view_progress(loading: &Loading, on_cancel: &Callback<()>) -> Html {
    let (done, total, files, phase, current, rate) = match loading.progress.as_deref() {
        Some(ProgressShown { progress, at_ms }) => {
            let secs = ((at_ms - loading.started_ms) / 1000.0).max(0.001);
            (progress.bytes_done, progress.bytes_total.max(1), progress.files_seen, progress.phase, progress.current.clone(), progress.bytes_done as f64 / secs)
        }
        None => (0, loading.size.max(1), 0, Phase::Indexing, String::new(), 0.0),
    };
    let percent = (done as f64 / total as f64 * 100.0).clamp(0.0, 100.0);
    let phase = match phase {
        Phase::Indexing => "Indexing",
        Phase::Merging => "Merging layers",
        Phase::Verifying => "Verifying digests",
        Phase::Reading => "Reading",
    };
    html! {
        <div class="progress card" role="status" aria-live="polite">
            <p><strong>{ format!("{phase} {}", loading.name) }</strong></p>
            <progress max="100" value={format!("{percent:.1}")} aria-label="Indexing progress">{ format!("{percent:.0}%") }</progress>
            <p class="hint">{ format!("{} of {} · {} files · {}/s", human(done), human(total), files, human(rate as u64)) }
                if !current.is_empty() { { format!(" · {current}") } }</p>
            <button type="button" onclick={on_cancel.reform(|_| ())}>{"Cancel"}</button>
        </div>
    }
}

/// Bytes in binary units (`1.5 GiB`).
pub fn human(bytes: u64) -> String {
    crate::core::status::human_bytes(bytes)
}
