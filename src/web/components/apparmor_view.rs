//! A `/proc/<pid>/attr/current` AppArmor label explained.

use crate::core::apparmor::AppArmorLabel;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub label: Rc<AppArmorLabel>,
}

#[function_component(AppArmorView)]
pub fn apparmor_view(props: &Props) -> Html {
    let l = &props.label;
    html! {
        <article class="card apparmor" aria-label="AppArmor label">
            <h2>{"AppArmor"}</h2>
            <p><code>{ l.raw.clone() }</code></p>
            <p class="headline">{ if l.confined { "Confined by AppArmor." } else { "Not confined by AppArmor." } }</p>
            <table>
                <thead><tr><th scope="col">{"Profile"}</th><th scope="col">{"Mode"}</th><th scope="col">{"Meaning"}</th></tr></thead>
                <tbody>
                    { for l.profiles.iter().map(|p| html! {
                        <tr>
                            <td><code>{ p.name.clone() }</code>
                                if let Some(ns) = &p.namespace { <span class="hint">{ format!(" (namespace {ns})") }</span> }</td>
                            <td>{ p.mode.as_str().to_owned() }</td>
                            <td>{ p.mode.explanation() }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <p>{ l.explanation.clone() }</p>
        </article>
    }
}
