//! The image drop zone: a labelled file button (the accessible alternative to dragging) and
//! the last error (`NAME: sentence`, its code in `data-code`).

use crate::web::state::ImageFailure;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub error: Option<ImageFailure>,
    pub on_file: Callback<web_sys::File>,
    pub on_dismiss: Callback<()>,
    /// Whether a file is being dragged over the page.
    pub dragging: bool,
    /// An image is open: the zone is one bar ("Open another image archive…"), out of the way.
    #[prop_or_default]
    pub compact: bool,
    /// The archive still on screen, named under an error so that it is not taken for the new one.
    #[prop_or_default]
    pub showing: Option<String>,
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
        <section class={classes!("drop-zone", props.dragging.then_some("dragging"), props.compact.then_some("compact"))} aria-labelledby="image-title">
            <h2 id="image-title" class={classes!(props.compact.then_some("visually-hidden"))}>{"Container image"}</h2>
            if !props.compact {
                <p>{"Drop a "}<code>{"docker save"}</code>{" / "}<code>{"podman save"}</code>{" archive anywhere on this page (.tar, .tar.gz; docker-archive or OCI layout), or choose one. It is read in place, in a background worker: nothing is uploaded, and a multi-gigabyte file is fine."}</p>
            }
            <div class="row">
                <label class="file-button" for="image-file">{ if props.compact { "Open another image archive…" } else { "Choose an image archive…" } }</label>
                if props.compact { <span class="hint">{"or drop one anywhere on the page"}</span> }
                <input type="file" id="image-file" class="visually-hidden-input" accept=".tar,.tar.gz,.tgz,.tar.zst,application/x-tar,application/gzip" onchange={on_change} />
            </div>
            if let Some(error) = &props.error {
                <div class="error-box" role="alert" id="image-error" data-code={error.error.code.clone()}>
                    <p class="error">{ error.sentence() }</p>
                    if let Some(name) = &props.showing { <p class="hint" id="still-showing">{ format!("Still showing {name}.") }</p> }
                    <button type="button" onclick={props.on_dismiss.reform(|_| ())}>{"Dismiss"}</button>
                </div>
            }
        </section>
    }
}
