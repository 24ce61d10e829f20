//! The system-call view: what a seccomp profile lets a container call, and why not, for every
//! call of the chosen architecture ([`crate::core::seccomp`] decides everything shown here).
//!
//! Evaluated in the worker ([`Request::Seccomp`](crate::web::protocol::Request::Seccomp)):
//! Docker's profile takes 1.7 ms natively to read, evaluate and summarize, but a pasted profile
//! may hold 1 MiB — 56 ms to read and 100 ms to evaluate natively, several times that in wasm —
//! which would freeze the page. The view sends its side and the compared side in one request
//! and shows the latest answer (the time the worker took is printed).

use super::seccomp_compare::{CompareCard, Right};
use super::seccomp_context::{ContextForm, ProfileChoice, Setting};
use super::seccomp_table::SyscallTable;
use crate::core::caps::CapSet;
use crate::core::seccomp::builtin::Builtin;
use crate::web::analyzer::Analyzer;
use crate::web::protocol::{Evaluated, SeccompSide, SeccompSource};
use crate::web::state::SeccompState;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// A profile pasted into the paste box (JSON text), chosen at first when present.
    #[prop_or_default]
    pub custom: Option<Rc<String>>,
    /// The bounding set to start from (a status dump's `CapBnd`, or Docker's default).
    pub bounding: CapSet,
    /// What the status dump says about seccomp, when the view was opened from one.
    #[prop_or_default]
    pub note: Option<AttrValue>,
    /// The worker's answers.
    pub seccomp: SeccompState,
}

/// The request's side for a setting, or why there is none (a kernel that does not read, no
/// pasted profile).
pub fn side(setting: &Setting, custom: Option<&Rc<String>>) -> Result<SeccompSide, String> {
    let context = setting.context()?;
    let source = match (setting.profile, custom) {
        (ProfileChoice::Builtin(b), _) => SeccompSource::Builtin(b),
        (ProfileChoice::Custom, Some(text)) => SeccompSource::Text((**text).clone()),
        (ProfileChoice::Custom, None) => return Err("No profile was pasted.".to_owned()),
    };
    Ok(SeccompSide { source, context })
}

#[function_component(SyscallView)]
pub fn syscall_view(props: &Props) -> Html {
    let setting = use_reducer(|| Setting { profile: if props.custom.is_some() { ProfileChoice::Custom } else { ProfileChoice::Builtin(Builtin::Docker) }, ..Setting::docker(props.bounding) });
    let right = use_reducer(Right::default);
    let custom = props.custom.clone();
    let left_side = side(&setting, custom.as_ref());
    let right_side = right.0.as_ref().map(|r| side(r, custom.as_ref()));
    {
        let analyzer = use_context::<Analyzer>();
        // Nothing is asked while the view's own side cannot be: answers are read by position.
        let mut sides: Vec<SeccompSide> = left_side.iter().cloned().collect();
        if !sides.is_empty() {
            sides.extend(right_side.iter().flatten().cloned());
        }
        use_effect_with(sides, move |sides| {
            if let (Some(a), false) = (analyzer, sides.is_empty()) {
                a.evaluate_seccomp(sides.clone());
            }
        });
    }
    let on_edit = setting.dispatcher().to_callback();
    let on_right = right.dispatcher().to_callback();
    let results = props.seccomp.results.clone();
    let left = results.as_ref().and_then(|r| r.first().cloned());
    let right_result = results.as_ref().and_then(|r| r.get(1).cloned());
    html! {
        <article class="card syscalls" id="syscalls" aria-labelledby="syscalls-title" aria-busy={props.seccomp.pending().to_string()}>
            <h2 id="syscalls-title">{"System calls: what may this container call?"}</h2>
            if let Some(note) = &props.note { <p class="seccomp-note">{ note.clone() }</p> }
            <ContextForm setting={(*setting).clone()} {on_edit} prefix="sc" has_custom={custom.is_some()} />
            if props.seccomp.pending() { <p class="pending" role="status">{"Evaluating…"}</p> }
            { match (&left_side, &left) {
                (Err(message), _) | (Ok(_), Some(Err(message))) => html! { <p class="error" role="alert" id="seccomp-error">{ message.clone() }</p> },
                (Ok(_), Some(Ok(e))) => view_evaluated(&Rc::new(e.clone())),
                (Ok(_), None) => html! {},
            } }
            <CompareCard left={left.and_then(Result::ok).map(Rc::new)} setting={(*setting).clone()} right={right.0.clone()} {on_right}
                result={compared(right_side, right_result)} has_custom={custom.is_some()} />
        </article>
    }
}

/// The compared side's result: its setting's error, or the worker's answer (`None`: not
/// comparing, or not answered yet).
fn compared(side: Option<Result<SeccompSide, String>>, answer: Option<Result<Evaluated, String>>) -> Option<Result<Evaluated, String>> {
    match side {
        None => None,
        Some(Err(message)) => Some(Err(message)),
        Some(Ok(_)) => answer,
    }
}

fn view_evaluated(e: &Rc<Evaluated>) -> Html {
    let eval = &e.eval;
    html! {
        <>
            <p class="profile-label">{ format!("{} — {}, kernel {}, bounding set {}.", e.label, eval.context.arch, eval.context.kernel, eval.context.bounding.to_proc_hex()) }</p>
            <p class="seccomp-summary">{ e.summary.text.clone() }</p>
            <p>{ format!("Default action {}: every call no rule decides {}.", eval.default_action, eval.default_outcome.describe()) }</p>
            if let Some(h) = eval.runc_enosys_above {
                <p class="hint">{ format!("Under runc, calls numbered above {h} that no rule names get ENOSYS instead of the default (runc's stub for calls newer than the profile).") }</p>
            }
            <SyscallTable evaluated={e.clone()} />
            if !eval.not_on_arch.is_empty() {
                <p class="not-on-arch">{ format!("Names the profile lists that {} does not have ({}): {}", eval.context.arch, eval.not_on_arch.len(), eval.not_on_arch.join(", ")) }</p>
            }
            if !eval.unknown_names.is_empty() {
                <p class="unknown-names">{ format!("Names no architecture in the table has ({}): {}", eval.unknown_names.len(), eval.unknown_names.join(", ")) }</p>
            }
            if !e.unknown_fields.is_empty() {
                <ul class="unknown-fields" aria-label="Unknown profile fields">
                    { for e.unknown_fields.iter().map(|u| html! { <li>{"Unknown field "}<code>{ u.path.clone() }</code>{" = "}<code>{ u.value.clone() }</code></li> }) }
                </ul>
            }
            { for eval.warnings.iter().map(|w| html! { <p class="warn">{ format!("Warning: {w}") }</p> }) }
            <p class="hint seccomp-timing">{ format!("Read and evaluated in the worker in {:.0} ms.", e.ms) }</p>
        </>
    }
}
