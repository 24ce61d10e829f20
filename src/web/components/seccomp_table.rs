//! Every system call of the architecture with its verdict, searchable ("is unshare allowed?")
//! and filtered by verdict.

use crate::web::protocol::Evaluated;
use crate::core::seccomp::{Evaluation, Outcome, SyscallVerdict};
use std::rc::Rc;
use web_sys::HtmlSelectElement;
use super::scroll_box::scroll_box;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub evaluated: Rc<Evaluated>,
}

/// The verdict filter's choices: value, label.
const FILTERS: [(&str, &str); 5] =
    [("all", "Every verdict"), ("allowed", "Allowed"), ("blocked", "Blocked (errno, kill, trap)"), ("conditional", "Conditional"), ("other", "Traced, notified")];

fn passes(filter: &str, v: &SyscallVerdict) -> bool {
    match filter {
        "allowed" => !v.conditional && v.outcome.allows(),
        "blocked" => !v.conditional && v.outcome.blocks(),
        "conditional" => v.conditional,
        "other" => !v.conditional && !v.outcome.allows() && !v.outcome.blocks(),
        _ => true,
    }
}

/// `EPERM (1)`, `allow`, `kill-thread`, …, `conditional`.
pub fn verdict_text(v: &SyscallVerdict) -> String {
    if v.conditional {
        return "conditional".to_owned();
    }
    match &v.outcome {
        Outcome::Errno { errno, name: Some(name), .. } => format!("{name} ({errno})"),
        o => o.word(),
    }
}

fn verdict_class(v: &SyscallVerdict) -> &'static str {
    if v.conditional {
        "conditional"
    } else if v.outcome.allows() {
        "allowed"
    } else if v.outcome.blocks() {
        "blocked"
    } else {
        "other"
    }
}

/// The deciding rule: its index and comment, or the default action.
fn rule_text(v: &SyscallVerdict, eval: &Evaluation) -> String {
    match v.rule {
        Some(i) => {
            let action = eval.rules.get(i).map(|r| r.action.clone()).unwrap_or_default();
            format!("rule {i} ({action}){}", v.comment.as_deref().map(|c| format!(" — {c}")).unwrap_or_default())
        }
        None => format!("default action ({})", eval.default_action),
    }
}

#[function_component(SyscallTable)]
pub fn syscall_table(props: &Props) -> Html {
    let search = use_state(String::new);
    let filter = use_state(|| "all".to_owned());
    let on_search = super::inputs::typed_into(&search);
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: Event| {
            if let Some(el) = e.target_dyn_into::<HtmlSelectElement>() {
                filter.set(el.value());
            }
        })
    };
    let eval = &props.evaluated.eval;
    let needle = search.trim().trim_end_matches('?').trim().to_ascii_lowercase();
    let needle = needle.strip_prefix("is ").map_or(needle.as_str(), |n| n.trim_end_matches(" allowed").trim()).to_owned();
    let rows: Vec<&SyscallVerdict> = eval.syscalls.iter().filter(|v| v.name.contains(needle.as_str()) && passes(&filter, v)).collect();
    html! {
        <section class="syscall-table" aria-label="System calls">
            <p class="row">
                <label for="sc-search">{"Search system calls "}</label>
                <input id="sc-search" type="search" placeholder="unshare" value={(*search).clone()} oninput={on_search} spellcheck="false" autocomplete="off" />
                <label for="sc-filter">{" Verdict "}</label>
                <select id="sc-filter" onchange={on_filter}>
                    { for FILTERS.iter().map(|(v, l)| html! { <option value={*v} selected={*filter == *v}>{ *l }</option> }) }
                </select>
                <output class="hint" aria-live="polite">{ format!(" {} of {} calls", rows.len(), eval.syscalls.len()) }</output>
            </p>
            { scroll_box("System calls table", html! {
            <table>
                <thead><tr>
                    <th scope="col">{"Number"}</th><th scope="col">{"System call"}</th><th scope="col">{"Verdict"}</th>
                    <th scope="col">{"Deciding rule"}</th><th scope="col">{"Why, and conditions"}</th>
                </tr></thead>
                <tbody>{ for rows.into_iter().map(|v| row(v, eval)) }</tbody>
            </table>
            }) }
        </section>
    }
}

/// Rules that name the call but Docker left out in this context, and why.
fn dropped(v: &SyscallVerdict, eval: &Evaluation) -> Vec<String> {
    eval.rules
        .iter()
        .filter(|r| !r.status.kept() && r.names.iter().any(|n| n == &v.name))
        .map(|r| format!("Rule {} ({}) names it but is {}.", r.index, r.action, r.status_text))
        .collect()
}

fn row(v: &SyscallVerdict, eval: &Evaluation) -> Html {
    html! {
        <tr key={v.name.clone()} data-name={v.name.clone()} class={classes!("syscall", verdict_class(v))}>
            <td class="num">{ v.number }</td>
            <td><code>{ v.name.clone() }</code>
                if let Some(k) = v.added { <span class="hint">{ format!(" (Linux {k})") }</span> }</td>
            <td class="verdict">{ verdict_text(v) }</td>
            <td class="rule">{ rule_text(v, eval) }</td>
            <td class="why">
                { v.explanation.clone() }
                if let Some(c) = &v.condition { <br/><span class="condition">{ c.clone() }</span> }
                if !v.unlocked_by.is_empty() { <br/><span class="unlock">{ format!("Allowed with {}.", v.unlocked_by.join(" and ")) }</span> }
                { for dropped(v, eval).into_iter().map(|t| html! { <><br/><span class="dropped">{ t }</span></> }) }
            </td>
        </tr>
    }
}
