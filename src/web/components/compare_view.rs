//! Two status dumps compared field by field: rows grouped by the report's sections, only the
//! differences by default, values never broken inside a word or a mask (the table scrolls in
//! its own box when it is wider than the page).

use super::status_view::process_title;
use crate::core::status::{FieldDiff, StatusReport};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub left: Rc<StatusReport>,
    pub right: Rc<StatusReport>,
    pub diffs: Rc<Vec<FieldDiff>>,
}

/// The sections of the field table (`core::status::fields`), in the report's order, with their
/// headings.
const SECTIONS: [(&str, &str); 9] = [
    ("identity", "Identity and state"),
    ("users", "Users and groups"),
    ("namespaces", "PID namespaces"),
    ("capabilities", "Capabilities"),
    ("security", "Seccomp, NoNewPrivs, speculation"),
    ("signals", "Signals"),
    ("cpus", "CPUs and memory nodes"),
    ("memory", "Memory"),
    ("unknown", "Fields Tarsier does not know"),
];

/// Names (capabilities, signals, group IDs) each kept whole.
fn names(sign: &str, names: &[String]) -> Html {
    html! {
        <span class="names">{ sign }{" "}
            { for names.iter().enumerate().map(|(i, n)| html! { <>{ if i > 0 { ", " } else { "" } }<code class="name">{ n.clone() }</code></> }) }
        </span>
    }
}

fn diff_row(d: &FieldDiff) -> Html {
    let value = |v: &Option<String>| match v {
        Some(v) if v.is_empty() => html! { <span class="absent">{"empty"}</span> },
        Some(v) => html! { <code class="value">{ v.clone() }</code> },
        None => html! { <span class="absent">{"not in this dump"}</span> },
    };
    html! {
        <tr key={d.key.clone()} class={classes!(d.differs.then_some("differs"))} data-key={d.key.clone()}>
            <th scope="row"><code>{ d.key.clone() }</code>
                if d.differs { <span class="visually-hidden">{" (differs)"}</span> }</th>
            <td class="side">{ value(&d.left) }</td>
            <td class="side">{ value(&d.right) }</td>
            <td class="change">
                if !d.added.is_empty() { { names("+", &d.added) } }
                if !d.added.is_empty() && !d.removed.is_empty() { <br/> }
                if !d.removed.is_empty() { { names("−", &d.removed) } }
            </td>
        </tr>
    }
}

#[function_component(CompareView)]
pub fn compare_view(props: &Props) -> Html {
    let only_differences = use_state(|| true);
    let on_toggle = {
        let only_differences = only_differences.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                only_differences.set(input.checked());
            }
        })
    };
    let differing = props.diffs.iter().filter(|d| d.differs).count();
    let shown = |d: &&FieldDiff| d.differs || !*only_differences;
    let section_of = |d: &FieldDiff| if SECTIONS.iter().any(|(s, _)| *s == d.section) { d.section.clone() } else { "unknown".to_owned() };
    let groups: Vec<(&str, &str, Vec<&FieldDiff>)> = SECTIONS
        .iter()
        .map(|(key, label)| (*key, *label, props.diffs.iter().filter(|d| section_of(d) == *key).filter(shown).collect::<Vec<_>>()))
        .filter(|(_, _, rows)| !rows.is_empty())
        .collect();
    let (left, right) = (process_title(&props.left), process_title(&props.right));
    html! {
        <section class="card comparison" aria-label="Comparison">
            <h2>{ format!("Comparison: {left} vs {right}") }</h2>
            <div class="verdicts">
                <p><strong>{"Left: "}</strong>{ props.left.verdict.headline.clone() }</p>
                <p><strong>{"Right: "}</strong>{ props.right.verdict.headline.clone() }</p>
            </div>
            <p class="row">
                <span class="diff-count">{ format!("{differing} of {} fields differ.", props.diffs.len()) }</span>
                <label class="check"><input type="checkbox" id="differences-only" checked={*only_differences} onchange={on_toggle} />{" Differences only"}</label>
                <span class="hint">{"In the Difference column, + marks what only the right dump has, − what only the left has."}</span>
            </p>
            if groups.is_empty() {
                <p class="no-differences">{"The two dumps have the same fields with the same values."}</p>
            } else {
                <div class="table-scroll" role="group" aria-label="Fields of the two dumps" tabindex="0">
                <table class={classes!("compare", only_differences.then_some("only-differences"))}>
                    <thead><tr>
                        <th scope="col">{"Field"}</th>
                        <th scope="col" class="side">{"Left"}<span class="hint side-title">{ left }</span></th>
                        <th scope="col" class="side">{"Right"}<span class="hint side-title">{ right }</span></th>
                        <th scope="col">{"Difference"}</th>
                    </tr></thead>
                    { for groups.iter().map(|(key, label, rows)| html! {
                        <tbody key={*key} class="group" data-section={*key}>
                            <tr class="group-head"><th scope="rowgroup" colspan="4">{ *label }</th></tr>
                            { for rows.iter().map(|d| diff_row(d)) }
                        </tbody>
                    }) }
                </table>
                </div>
            }
        </section>
    }
}
