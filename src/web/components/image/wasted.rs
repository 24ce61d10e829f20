//! Wasted space: dive's efficiency score and the paths written more than once.

use crate::web::analyzer::Analyzer;
use crate::web::components::format::human;
use crate::web::components::scroll_box::scroll_box;
use crate::web::state::Loaded;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub loaded: Loaded,
}

#[function_component(Wasted)]
pub fn wasted(props: &Props) -> Html {
    let Some(analyzer) = use_context::<Analyzer>() else { return html! {} };
    let Some(img) = props.loaded.report.images.get(props.loaded.image) else { return html! {} };
    let e = &img.efficiency;
    html! {
        <section class="wasted" aria-label="Wasted space">
            <dl>
                <dt>{"Efficiency"}</dt><dd>{ format!("{:.2}%", e.score * 100.0) }<span class="hint">{" (dive's score: the smallest version of every path over all versions written)"}</span></dd>
                <dt>{"Wasted"}</dt><dd>{ format!("{} written by a layer and overwritten or deleted later", human(e.wasted_bytes)) }</dd>
                <dt>{"Potential waste (dive)"}</dt><dd>{ human(e.dive_wasted_bytes) }</dd>
            </dl>
            if e.inefficient_paths.is_empty() {
                <p>{"No path is written more than once."}</p>
            } else {
                { scroll_box("Paths written more than once", html! {
                <table>
                    <thead><tr><th scope="col">{"Path"}</th><th scope="col">{"Versions"}</th><th scope="col">{"Total size"}</th></tr></thead>
                    <tbody>
                    { for e.inefficient_paths.iter().map(|p| {
                        let path = p.path.clone();
                        let a = analyzer.clone();
                        html! {
                            <tr>
                                <td><button type="button" class="link" onclick={Callback::from(move |_| a.open_file(path.clone()))}>{ format!("/{}", p.path) }</button></td>
                                <td class="num">{ p.versions }</td>
                                <td class="num">{ human(p.cumulative_bytes) }</td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
                }) }
            }
        </section>
    }
}
