//! Two status dumps side by side, differences highlighted.

use super::status_view::process_title;
use crate::core::status::{FieldDiff, StatusReport};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub left: Rc<StatusReport>,
    pub right: Rc<StatusReport>,
    pub diffs: Rc<Vec<FieldDiff>>,
}

#[function_component(CompareView)]
pub fn compare_view(props: &Props) -> Html {
    let differing = props.diffs.iter().filter(|d| d.differs).count();
    html! {
        <section class="card comparison" aria-label="Comparison">
            <h2>{ format!("Comparison: {} vs {}", process_title(&props.left), process_title(&props.right)) }</h2>
            <div class="verdicts">
                <p><strong>{"Left: "}</strong>{ props.left.verdict.headline.clone() }</p>
                <p><strong>{"Right: "}</strong>{ props.right.verdict.headline.clone() }</p>
            </div>
            <p>{ format!("{differing} of {} fields differ.", props.diffs.len()) }</p>
            <table class="compare">
                <thead><tr><th scope="col">{"Field"}</th><th scope="col">{"Left"}</th><th scope="col">{"Right"}</th><th scope="col">{"Difference"}</th></tr></thead>
                <tbody>
                    { for props.diffs.iter().map(|d| {
                        let change = match (d.added.is_empty(), d.removed.is_empty()) {
                            (true, true) => String::new(),
                            _ => {
                                let mut parts = Vec::new();
                                if !d.added.is_empty() { parts.push(format!("+ {}", d.added.join(", "))); }
                                if !d.removed.is_empty() { parts.push(format!("− {}", d.removed.join(", "))); }
                                parts.join("; ")
                            }
                        };
                        html! {
                            <tr key={d.key.clone()} class={classes!(d.differs.then_some("differs"))}>
                                <th scope="row"><code>{ d.key.clone() }</code>
                                    if d.differs { <span class="visually-hidden">{" (differs)"}</span> }</th>
                                <td><code>{ d.left.clone().unwrap_or_else(|| "—".to_owned()) }</code></td>
                                <td><code>{ d.right.clone().unwrap_or_else(|| "—".to_owned()) }</code></td>
                                <td>{ change }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        </section>
    }
}
