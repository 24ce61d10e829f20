//! "Download SBOM" on the Packages view: the selected image's software bill of materials
//! ([`crate::core::sbom`]), made in the archive's worker, as CycloneDX 1.6 or SPDX 2.3 JSON, for
//! the final image or every layer, from any layer up.

use super::overview::download_link;
use crate::core::sbom::{Format, Scope};
use crate::web::analyzer::Analyzer;
use crate::web::state::Loaded;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub loaded: Loaded,
}

/// The choices, kept in state (Yew resets controlled inputs on render).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Choice {
    format: Format,
    scope: Scope,
    from_layer: usize,
}

/// A `<select>`'s value on change, parsed by `parse`, applied to the choice by `set`.
fn on_select(choice: &UseStateHandle<Choice>, set: fn(Choice, &str) -> Choice) -> Callback<Event> {
    let choice = choice.clone();
    Callback::from(move |e: Event| {
        if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
            choice.set(set(*choice, &s.value()));
        }
    })
}

#[function_component(SbomDownload)]
pub fn sbom_download(props: &Props) -> Html {
    let choice = use_state(|| Choice { format: Format::CycloneDx, scope: Scope::Merged, from_layer: 0 });
    let Some(analyzer) = use_context::<Analyzer>() else { return html! {} };
    let layers = props.loaded.report.images.get(props.loaded.image).map_or(0, |img| img.layers.len());
    let on_format = on_select(&choice, |c, v| Choice { format: if v == "spdx" { Format::Spdx } else { Format::CycloneDx }, ..c });
    let on_scope = on_select(&choice, |c, v| Choice { scope: if v == "all" { Scope::All } else { Scope::Merged }, ..c });
    let on_from = on_select(&choice, |c, v| Choice { from_layer: v.parse().unwrap_or(0), ..c });
    let c = *choice;
    let on_download = Callback::from(move |_: MouseEvent| {
        analyzer.download_sbom(c.format, c.scope, (c.from_layer > 0).then_some(c.from_layer));
    });
    html! {
        <section class="sbom row" aria-labelledby="sbom-title">
            <h3 id="sbom-title">{"SBOM"}</h3>
            <label for="sbom-format">{"Format"}</label>
            <select id="sbom-format" onchange={on_format}>
                <option value="cyclonedx" selected={c.format == Format::CycloneDx}>{"CycloneDX 1.6 (JSON)"}</option>
                <option value="spdx" selected={c.format == Format::Spdx}>{"SPDX 2.3 (JSON)"}</option>
            </select>
            <label for="sbom-scope">{"Which packages"}</label>
            <select id="sbom-scope" onchange={on_scope}>
                <option value="merged" selected={c.scope == Scope::Merged}>{"in the final image"}</option>
                <option value="all" selected={c.scope == Scope::All}>{"of every layer (removed ones too)"}</option>
            </select>
            <label for="sbom-from">{"Layers"}</label>
            <select id="sbom-from" onchange={on_from}>
                { for (0..layers).map(|l| html! {
                    <option value={l.to_string()} selected={c.from_layer == l}>{ if l == 0 { "all".to_owned() } else { format!("from layer {l} up") } }</option>
                }) }
            </select>
            <button type="button" id="sbom-button" onclick={on_download}>{"Download SBOM"}</button>
            { download_link(&props.loaded.sbom) }
        </section>
    }
}
