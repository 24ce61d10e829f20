//! How far indexing an archive has come: phase, bytes, files, rate, what is being read (in
//! words: "layer 3 of 5", never a blob's hash), and Cancel.

use crate::core::image::{Overview, Phase};
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
            let current = reading(&progress.current, loading.overview.as_deref());
            (progress.bytes_done, progress.bytes_total.max(1), progress.files_seen, progress.phase, current, progress.bytes_done as f64 / secs)
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

/// What the worker is reading, in words: "layer 3 of 5" when the overview names the member, "a
/// layer" or "an image configuration" for a member named by a hash, else the member's name
/// ("manifest.json").
pub fn reading(current: &str, overview: Option<&Overview>) -> String {
    if current.is_empty() {
        return String::new();
    }
    let layers = overview.map(|o| o.layers.as_slice()).unwrap_or_default();
    if let Some(i) = layers.iter().position(|l| l.member == current || l.aliases.iter().any(|a| a == current)) {
        return format!("layer {} of {}", i + 1, layers.len());
    }
    let hashed = current.split(['/', '.']).any(|part| part.len() >= 32 && part.bytes().all(|b| b.is_ascii_hexdigit()));
    match (hashed, current.ends_with(".json")) {
        (true, true) => "an image configuration".to_owned(),
        (true, false) => "a layer".to_owned(),
        (false, _) => current.to_owned(),
    }
}
