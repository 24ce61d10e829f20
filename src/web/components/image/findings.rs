//! Findings: setuid/setgid, world-writable, file capabilities, root user, secret-like env, …

use crate::core::image::Severity;
use crate::web::analyzer::Analyzer;
use crate::web::state::Loaded;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub loaded: Loaded,
}

#[function_component(Findings)]
pub fn findings(props: &Props) -> Html {
    let Some(analyzer) = use_context::<Analyzer>() else { return html! {} };
    let Some(img) = props.loaded.report.images.get(props.loaded.image) else { return html! {} };
    let mut items: Vec<_> = img.findings.iter().collect();
    items.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.path.cmp(&b.path)));
    html! {
        <section class="findings" aria-label="Findings">
            <super::scan::ScanContents loaded={props.loaded.clone()} />
            <h3>{"From the headers and the config"}</h3>
            <p>{ format!("{} findings.", items.len()) }</p>
            <table>
                <thead><tr><th scope="col">{"Severity"}</th><th scope="col">{"What"}</th><th scope="col">{"Path"}</th><th scope="col">{"Layer"}</th><th scope="col">{"Detail"}</th></tr></thead>
                <tbody>
                { for items.into_iter().map(|f| {
                    let sev = match f.severity { Severity::High => "high", Severity::Medium => "medium", Severity::Low => "low", Severity::Info => "info" };
                    let kind = serde_json::to_value(f.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default().replace('_', " ");
                    let path = f.path.clone();
                    let a = analyzer.clone();
                    html! {
                        <tr class={classes!("finding", sev)}>
                            <td>{ sev }</td>
                            <td>{ kind }</td>
                            <td>if path.is_empty() { {"—"} } else {
                                <button type="button" class="link" onclick={Callback::from(move |_| a.open_file(path.clone()))}>{ format!("/{}", f.path) }</button>
                            }</td>
                            <td>{ f.layer.map(|l| l.to_string()).unwrap_or_default() }</td>
                            <td>{ f.detail.clone() }</td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>
        </section>
    }
}
