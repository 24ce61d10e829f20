//! The system-call view: what a seccomp profile lets a container call, and why not, for every
//! call of the chosen architecture ([`crate::core::seccomp`] decides everything shown here).
//!
//! Evaluated on the page, not in the worker: parsing Docker's profile, evaluating it and
//! summarizing take 1.7 ms natively (release; evaluating alone 0.7 ms), and in headless
//! Chromium 17 ms for the first view on an idle machine (cold wasm; the view prints the time it
//! measured) — under the 50 ms where a worker's round trip and a second copy of the result would
//! pay off. Built-in profiles are read once per page, so a change of context only evaluates.

use super::seccomp_compare::CompareCard;
use super::seccomp_context::{ContextForm, ProfileChoice, Setting};
use super::seccomp_table::SyscallTable;
use crate::core::caps::CapSet;
use crate::core::seccomp::{builtin::Builtin, evaluate, parse_profile, summarize, Evaluation, Profile, Summary, UnknownField};
use crate::web::client::now_ms;
use std::cell::RefCell;
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
}

/// One profile evaluated in one context.
#[derive(Debug, PartialEq)]
pub struct Evaluated {
    pub label: String,
    pub eval: Evaluation,
    pub summary: Summary,
    pub unknown_fields: Vec<UnknownField>,
    /// Time to read, evaluate and summarize, in milliseconds (`performance.now()`).
    pub ms: f64,
}

thread_local! {
    /// The built-in profiles, read once: a change of context then only evaluates.
    static BUILTINS: RefCell<Vec<(Builtin, Rc<Profile>)>> = const { RefCell::new(Vec::new()) };
}

fn builtin(b: Builtin) -> Result<Rc<Profile>, String> {
    if let Some(p) = BUILTINS.with(|c| c.borrow().iter().find(|(k, _)| *k == b).map(|(_, p)| p.clone())) {
        return Ok(p);
    }
    let p = Rc::new(b.profile().map_err(|e| e.to_string())?);
    BUILTINS.with(|c| c.borrow_mut().push((b, p.clone())));
    Ok(p)
}

/// The profile a side chose, read; or the core's sentence naming the JSON path.
pub fn load(choice: ProfileChoice, custom: Option<&str>) -> Result<(String, Rc<Profile>), String> {
    match (choice, custom) {
        (ProfileChoice::Builtin(b), _) => builtin(b).map(|p| (b.label().to_owned(), p)),
        (ProfileChoice::Custom, Some(text)) => {
            parse_profile(text).map(|p| ("The pasted profile".to_owned(), Rc::new(p))).map_err(|e| format!("The pasted seccomp profile: {e}"))
        }
        (ProfileChoice::Custom, None) => Err("No profile was pasted.".to_owned()),
    }
}

/// Reads and evaluates one side.
pub fn run(setting: &Setting, custom: Option<&str>) -> Result<Rc<Evaluated>, String> {
    let started = now_ms();
    let ctx = setting.context()?;
    let (label, profile) = load(setting.profile, custom)?;
    let eval = evaluate(&profile, &ctx);
    let summary = summarize(&eval);
    Ok(Rc::new(Evaluated { label, eval, summary, unknown_fields: profile.unknown_fields.clone(), ms: now_ms() - started }))
}

#[function_component(SyscallView)]
pub fn syscall_view(props: &Props) -> Html {
    let setting = use_state(|| {
        let mut s = Setting::docker(props.bounding);
        if props.custom.is_some() {
            s.profile = ProfileChoice::Custom;
        }
        s
    });
    let custom = props.custom.clone();
    let result = {
        let custom = custom.clone();
        use_memo(((*setting).clone(), custom.clone()), move |(s, c)| run(s, c.as_deref().map(String::as_str)))
    };
    let on_change = {
        let setting = setting.clone();
        Callback::from(move |s: Setting| setting.set(s))
    };
    html! {
        <article class="card syscalls" id="syscalls" aria-labelledby="syscalls-title">
            <h2 id="syscalls-title">{"System calls: what may this container call?"}</h2>
            if let Some(note) = &props.note { <p class="seccomp-note">{ note.clone() }</p> }
            <ContextForm setting={(*setting).clone()} {on_change} prefix="sc" has_custom={custom.is_some()} />
            { match result.as_ref() {
                Ok(e) => view_evaluated(e),
                Err(message) => html! { <p class="error" role="alert" id="seccomp-error">{ message.clone() }</p> },
            } }
            if let Ok(left) = result.as_ref() {
                <CompareCard left={left.clone()} setting={(*setting).clone()} custom={custom} />
            }
        </article>
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
            <p class="hint seccomp-timing">{ format!("Read and evaluated in this tab in {:.1} ms.", e.ms) }</p>
        </>
    }
}
