//! Compare: a second profile, or the same profile in a second context (with or without
//! CAP_SYS_ADMIN, another kernel) — the calls whose verdict differs ([`compare`]).

use super::seccomp_context::{ContextForm, Edit, Setting};
use crate::core::seccomp::compare;
use crate::web::protocol::Evaluated;
use std::rc::Rc;
use super::scroll_box::scroll_box;
use super::format::plural;
use yew::prelude::*;

/// `CAP_SYS_ADMIN`'s bit: the first comparison offered toggles it.
const CAP_SYS_ADMIN: u8 = 21;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The view's own evaluation, when it has one.
    pub left: Option<Rc<Evaluated>>,
    /// The view's choices (the compared side starts from them).
    pub setting: Setting,
    /// The compared side's choices (`None`: not comparing).
    pub right: Option<Setting>,
    pub on_right: Callback<Compared>,
    /// The compared side's evaluation, or why there is none yet.
    pub result: Option<Result<Evaluated, String>>,
    pub has_custom: bool,
}

/// What the compare card does to the compared side.
#[derive(Debug, Clone, PartialEq)]
pub enum Compared {
    Start(Setting),
    Stop,
    /// An edit of the compared side's choices, applied to the latest ones.
    Edit(Edit),
}

/// The compared side, a reducer like the view's own side ([`Setting`]'s).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Right(pub Option<Setting>);

impl Reducible for Right {
    type Action = Compared;
    fn reduce(self: Rc<Self>, action: Compared) -> Rc<Self> {
        Rc::new(Right(match action {
            Compared::Start(s) => Some(s),
            Compared::Stop => None,
            Compared::Edit(e) => self.0.as_ref().map(|s| s.edited(e)),
        }))
    }
}

#[function_component(CompareCard)]
pub fn compare_card(props: &Props) -> Html {
    let start = {
        let (on_right, setting) = (props.on_right.clone(), props.setting.clone());
        Callback::from(move |_| {
            let mut s = setting.clone();
            let b = s.bounding;
            s.bounding = if b.contains(CAP_SYS_ADMIN) { b.without(CAP_SYS_ADMIN) } else { b.with(CAP_SYS_ADMIN) };
            on_right.emit(Compared::Start(s));
        })
    };
    let Some(setting) = props.right.clone() else {
        return html! {
            <p class="row"><button type="button" id="seccomp-compare" onclick={start}>{"Compare with another profile or context"}</button>
                <span class="hint">{" Starts from this profile with CAP_SYS_ADMIN toggled."}</span></p>
        };
    };
    let stop = props.on_right.reform(|_: MouseEvent| Compared::Stop);
    let on_edit = props.on_right.reform(Compared::Edit);
    html! {
        <section class="seccomp-compare" aria-labelledby="seccomp-compare-title">
            <h3 id="seccomp-compare-title">{"Compared with"}</h3>
            <button type="button" onclick={stop}>{"Stop comparing"}</button>
            <ContextForm setting={setting} {on_edit} prefix="cmp" has_custom={props.has_custom} />
            { match (&props.left, &props.result) {
                (Some(left), Some(Ok(right))) => differences(left, right),
                (_, Some(Err(message))) => html! { <p class="error" role="alert">{ message.clone() }</p> },
                _ => html! {},
            } }
        </section>
    }
}

fn differences(left: &Evaluated, right: &Evaluated) -> Html {
    let diffs = compare(&left.eval, &right.eval);
    let missing = "(not on this architecture)";
    html! {
        <>
            <p class="diff-count">{ format!("{} {}. Compared side: {}", plural(diffs.len() as u64, "call", "calls"), if diffs.len() == 1 { "differs" } else { "differ" }, right.summary.text) }</p>
            if !diffs.is_empty() {
                { scroll_box("Calls that differ", html! {
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
                }) }
            }
        </>
    }
}
