//! How far indexing an archive has come: phase, bytes, files, rate, and Cancel.

use crate::core::image::Phase;
use crate::web::components::format::human;
use crate::web::state::{Loading, ProgressShown};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub loading: Loading,
    pub on_cancel: Callback<()>,
}

#[function_component(IndexProgress)]
pub fn index_progress(props: &Props) -> Html {
    let loading = &props.loading;
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
            <button type="button" onclick={props.on_cancel.reform(|_| ())}>{"Cancel"}</button>
        </div>
    }
}
