//! Compare: a second profile, or the same profile in a second context (with or without
//! CAP_SYS_ADMIN, another kernel) — the calls whose verdict differs ([`compare`]).

use super::seccomp_context::{ContextForm, Setting};
use super::seccomp_view::{run, Evaluated};
use crate::core::seccomp::compare;
use std::rc::Rc;
use yew::prelude::*;

/// `CAP_SYS_ADMIN`'s bit: the first comparison offered toggles it.
const CAP_SYS_ADMIN: u8 = 21;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub left: Rc<Evaluated>,
    /// The left side's choices (the right side starts from them).
    pub setting: Setting,
    pub custom: Option<Rc<String>>,
}

#[function_component(CompareCard)]
pub fn compare_card(props: &Props) -> Html {
    let right = use_state(|| None::<Setting>);
    let start = {
        let (right, setting) = (right.clone(), props.setting.clone());
        Callback::from(move |_| {
            let mut s = setting.clone();
            let b = s.bounding;
            s.bounding = if b.contains(CAP_SYS_ADMIN) { b.without(CAP_SYS_ADMIN) } else { b.with(CAP_SYS_ADMIN) };
            right.set(Some(s));
        })
    };
    let stop = {
        let right = right.clone();
        Callback::from(move |_| right.set(None))
    };
    let Some(setting) = (*right).clone() else {
        return html! {
            <p class="row"><button type="button" id="seccomp-compare" onclick={start}>{"Compare with another profile or context"}</button>
                <span class="hint">{" Starts from this profile with CAP_SYS_ADMIN toggled."}</span></p>
        };
    };
    let on_change = {
        let right = right.clone();
        Callback::from(move |s: Setting| right.set(Some(s)))
    };
    let custom = props.custom.as_deref().map(String::as_str);
    html! {
        <section class="seccomp-compare" aria-labelledby="seccomp-compare-title">
            <h3 id="seccomp-compare-title">{"Compared with"}</h3>
            <button type="button" onclick={stop}>{"Stop comparing"}</button>
            <ContextForm setting={setting.clone()} {on_change} prefix="cmp" has_custom={props.custom.is_some()} />
            { match run(&setting, custom) {
                Ok(r) => differences(&props.left, &r),
                Err(message) => html! { <p class="error" role="alert">{ message }</p> },
            } }
        </section>
    }
}

fn differences(left: &Evaluated, right: &Evaluated) -> Html {
    let diffs = compare(&left.eval, &right.eval);
    let missing = "(not on this architecture)";
    html! {
        <>
            <p class="diff-count">{ format!("{} calls differ. Right: {}", diffs.len(), right.summary.text) }</p>
            if !diffs.is_empty() {
                <table class="seccomp-diffs">
                    <thead><tr><th scope="col">{"System call"}</th><th scope="col">{"This view"}</th><th scope="col">{"Compared with"}</th></tr></thead>
                    <tbody>
                        { for diffs.iter().map(|d| html! {
                            <tr key={d.name.clone()} data-name={d.name.clone()}>
                                <td><code>{ d.name.clone() }</code></td>
                                <td>{ d.left.clone().unwrap_or_else(|| missing.to_owned()) }</td>
                                <td>{ d.right.clone().unwrap_or_else(|| missing.to_owned()) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        </>
    }
}
