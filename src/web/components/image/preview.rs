//! The overview of an archive whose layers are still being indexed: each image's tags,
//! platform, config, history and layer list, from the manifests and configs alone
//! ([`Overview`]). The full report replaces it when indexing ends.

use super::overview::{config_card, image_card};
use crate::core::image::{ImageReport, Overview};
use crate::web::components::format::short_digest;
use crate::web::state::Shared;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub overview: Shared<Overview>,
}

#[function_component(OverviewPreview)]
pub fn overview_preview(props: &Props) -> Html {
    let overview = &props.overview;
    html! {
        <section class="overview overview-preview" id="image-preview" aria-label="Image overview (layers still being indexed)">
            <p class="hint">{ format!("{}: the images as the manifests and configs describe them; their layers are being indexed below.", overview.archive.name) }</p>
            { for overview.images.iter().map(|img| html! {
                <>
                    { image_card(img, None, "preview-image") }
                    { config_card(img, "preview-config") }
                    { history_card(overview, img) }
                </>
            }) }
        </section>
    }
}

/// The history steps, each with the layer it made (digest and member), bottom first.
fn history_card(overview: &Overview, img: &ImageReport) -> Html {
    let layer = |pos: usize| {
        let il = img.layers.get(pos)?;
        let member = overview.layers.get(il.layer).map(|l| l.member.clone()).unwrap_or_default();
        let digest = overview.layers.get(il.layer).and_then(|l| l.digest.clone()).or_else(|| il.diff_id.clone()).unwrap_or_default();
        Some(html! { <><code title={digest.clone()}>{ short_digest(&digest) }</code>{ format!(" ({member})") }</> })
    };
    html! {
        <section class="card history" aria-label="History and layers">
            <h3>{ format!("History and layers ({} layers)", img.layers.len()) }</h3>
            <table class="preview-layers">
                <thead><tr><th scope="col">{"Layer"}</th><th scope="col">{"Digest (member)"}</th><th scope="col">{"Created by"}</th></tr></thead>
                <tbody>
                { for img.history.iter().map(|step| {
                    let (which, made) = match step.layer {
                        Some(pos) => (format!("Layer {pos}"), layer(pos).unwrap_or_default()),
                        None => ("—".to_owned(), html! { <span class="hint">{"no layer"}</span> }),
                    };
                    html! {
                        <tr class="history-step">
                            <td>{ which }</td><td>{ made }</td>
                            <td class="created-by"><pre>{ step.created_by.clone().unwrap_or_default() }</pre></td>
                        </tr>
                    }
                }) }
                // Layers no history step names (configs without history).
                { for (0..img.layers.len()).filter(|pos| !img.history.iter().any(|s| s.layer == Some(*pos))).map(|pos| html! {
                    <tr class="history-step"><td>{ format!("Layer {pos}") }</td><td>{ layer(pos).unwrap_or_default() }</td><td></td></tr>
                }) }
                </tbody>
            </table>
        </section>
    }
}
