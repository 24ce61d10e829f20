//! The image explorer: tabs over one loaded archive.

pub mod file_detail;
pub mod files;
pub mod findings;
pub mod scan;
pub mod layers;
pub mod overview;
pub mod packages;
pub mod preview;
pub mod sbom;
pub mod progress;
pub mod wasted;

use crate::web::analyzer::Analyzer;
use crate::web::state::{ImageView, Loaded};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub loaded: Loaded,
    pub view: ImageView,
}

/// The element id of `view`'s tab: what the arrow keys read the focused tab from and focus.
fn tab_id(view: ImageView) -> String {
    format!("tab-{}", view.slug())
}

/// Tabs and the current view.
#[function_component(ImageExplorer)]
pub fn image_explorer(props: &Props) -> Html {
    let Some(analyzer) = use_context::<Analyzer>() else { return html! {} };
    let loaded = &props.loaded;
    let report = &loaded.report;
    let on_key = {
        let analyzer = analyzer.clone();
        let view = props.view;
        Callback::from(move |e: KeyboardEvent| {
            // From the tab that has the focus (WAI-ARIA's tabs pattern), which is the selected
            // one unless a script moved the focus; and never from a `view` this callback kept
            // from a render that a quick second key press overtook.
            let focused = e.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok()).map(|el| el.id());
            let i = ImageView::ALL
                .iter()
                .position(|v| focused.as_deref() == Some(tab_id(*v).as_str()))
                .or_else(|| ImageView::ALL.iter().position(|v| *v == view))
                .unwrap_or(0);
            let n = ImageView::ALL.len();
            let next = match e.key().as_str() {
                "ArrowRight" => ImageView::ALL[(i + 1) % n],
                "ArrowLeft" => ImageView::ALL[(i + n - 1) % n],
                "Home" => ImageView::ALL[0],
                "End" => ImageView::ALL[n - 1],
                _ => return,
            };
            e.prevent_default();
            analyzer.set_view(next);
            if let Some(tab) = gloo::utils::document().get_element_by_id(&tab_id(next)) {
                if let Ok(tab) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(tab) {
                    let _ = tab.focus();
                }
            }
        })
    };
    html! {
        <section class="explorer" aria-label="Image explorer">
            if report.images.len() > 1 {
                <nav class="image-switcher" aria-label="Images in this archive">
                    <span>{ format!("{} images in this archive: ", report.images.len()) }</span>
                    { for report.images.iter().map(|img| {
                        let index = img.index;
                        let name = if img.tags.is_empty() { format!("image {} (untagged)", index + 1) } else { img.tags.join(", ") };
                        let a = analyzer.clone();
                        html! {
                            <button type="button" class={classes!("image-choice", (index == loaded.image).then_some("selected"))}
                                aria-pressed={(index == loaded.image).to_string()}
                                onclick={Callback::from(move |_| a.select_image(index))}>{ name }</button>
                        }
                    }) }
                </nav>
            }
            <div role="tablist" aria-label="Views" class="tabs" onkeydown={on_key}>
                { for ImageView::ALL.iter().map(|v| {
                    let v = *v;
                    let selected = v == props.view;
                    let a = analyzer.clone();
                    html! {
                        <button type="button" role="tab" id={tab_id(v)} aria-selected={selected.to_string()}
                            aria-controls="image-panel" tabindex={if selected { "0" } else { "-1" }}
                            onclick={Callback::from(move |_| a.set_view(v))}>{ v.label() }</button>
                    }
                }) }
            </div>
            <div role="tabpanel" id="image-panel" aria-labelledby={tab_id(props.view)} tabindex="0">
                { match props.view {
                    ImageView::Overview => html! { <overview::Overview loaded={loaded.clone()} /> },
                    ImageView::Layers => html! { <layers::Layers loaded={loaded.clone()} /> },
                    ImageView::Files => html! { <files::Files loaded={loaded.clone()} /> },
                    ImageView::Findings => html! { <findings::Findings loaded={loaded.clone()} /> },
                    ImageView::Packages => html! { <packages::Packages loaded={loaded.clone()} /> },
                    ImageView::Wasted => html! { <wasted::Wasted loaded={loaded.clone()} /> },
                } }
            </div>
            // The Files view places the detail beside the file's row itself.
            if let (Some((at, content)), false) = (&loaded.file, props.view == ImageView::Files) {
                <file_detail::FileDetail at={at.clone()} content={content.clone()} image={loaded.image} download={loaded.download.clone()} />
            }
        </section>
    }
}
