//! Where a seccomp profile is evaluated, chosen on the page: the profile (built in or pasted),
//! the architecture, the kernel, and the bounding capability set — typed as hex, ticked, or taken
//! from a pasted `/proc/<pid>/status` (its `CapBnd`). One form serves both sides of a
//! comparison (`prefix` keeps their element ids apart).

use crate::core::caps::{parse_mask, CapSet, CAPABILITIES};
use crate::core::seccomp::{builtin::Builtin, builtin::ALL as BUILTINS, Arch, Context, KernelVersion, ALL_ARCHES};
use crate::core::status;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// Which profile a side evaluates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileChoice {
    Builtin(Builtin),
    /// The profile pasted into the system-call view.
    Custom,
}

impl ProfileChoice {
    fn from_value(v: &str) -> ProfileChoice {
        Builtin::from_name(v).map_or(ProfileChoice::Custom, ProfileChoice::Builtin)
    }
}

/// One side's choices. The kernel stays text until it reads as a version.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    pub profile: ProfileChoice,
    pub arch: Arch,
    pub kernel: String,
    pub bounding: CapSet,
}

impl Setting {
    /// Docker's default profile under Docker's defaults, with this bounding set.
    pub fn docker(bounding: CapSet) -> Setting {
        Setting { profile: ProfileChoice::Builtin(Builtin::Docker), arch: Arch::X86_64, kernel: "6.8".to_owned(), bounding }
    }

    /// The core's context, or the kernel reader's sentence.
    pub fn context(&self) -> Result<Context, String> {
        KernelVersion::parse_release(&self.kernel).map(|k| Context::new(self.arch, k, self.bounding))
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub setting: Setting,
    pub on_change: Callback<Setting>,
    /// Prefix of the element ids (`sc`, `cmp`).
    pub prefix: AttrValue,
    /// Whether a pasted profile exists to choose.
    pub has_custom: bool,
}

/// A callback that reads an element's value, changes a copy of the setting with it, and emits it.
fn edit<E: wasm_bindgen::JsCast + AsRef<web_sys::EventTarget> + 'static>(props: &Props, value: fn(&E) -> String, apply: fn(&mut Setting, String)) -> Callback<Event> {
    let setting = props.setting.clone();
    let on_change = props.on_change.clone();
    Callback::from(move |e: Event| {
        let Some(el) = e.target_dyn_into::<E>() else { return };
        let mut next = setting.clone();
        apply(&mut next, value(&el));
        on_change.emit(next);
    })
}

#[function_component(ContextForm)]
pub fn context_form(props: &Props) -> Html {
    let p = &props.prefix;
    let s = &props.setting;
    let on_profile = edit::<HtmlSelectElement>(props, HtmlSelectElement::value, |s, v| s.profile = ProfileChoice::from_value(&v));
    let on_arch = edit::<HtmlSelectElement>(props, HtmlSelectElement::value, |s, v| {
        if let Ok(a) = Arch::parse(&v) {
            s.arch = a;
        }
    });
    let on_kernel = edit::<HtmlInputElement>(props, HtmlInputElement::value, |s, v| s.kernel = v);
    html! {
        <fieldset class="seccomp-context">
            <legend>{"Profile and context"}</legend>
            <p class="row">
                <label for={format!("{p}-profile")}>{"Profile "}</label>
                <select id={format!("{p}-profile")} onchange={on_profile}>
                    { for BUILTINS.iter().map(|b| html! { <option value={b.as_str()} selected={s.profile == ProfileChoice::Builtin(*b)}>{ b.label() }</option> }) }
                    if props.has_custom { <option value="custom" selected={s.profile == ProfileChoice::Custom}>{"The pasted profile"}</option> }
                </select>
            </p>
            <p class="row">
                <label for={format!("{p}-arch")}>{"Architecture "}</label>
                <select id={format!("{p}-arch")} onchange={on_arch}>
                    { for ALL_ARCHES.iter().map(|a| html! { <option value={a.as_str()} selected={*a == s.arch}>{ a.as_str() }</option> }) }
                </select>
                <label for={format!("{p}-kernel")}>{" Host kernel "}</label>
                <input id={format!("{p}-kernel")} type="text" size="10" value={s.kernel.clone()} onchange={on_kernel} spellcheck="false" />
            </p>
            <BoundingForm setting={s.clone()} on_change={props.on_change.clone()} prefix={p.clone()} />
        </fieldset>
    }
}

#[derive(Properties, PartialEq)]
struct BoundingProps {
    setting: Setting,
    on_change: Callback<Setting>,
    prefix: AttrValue,
}

/// The bounding set: hex, ticks, or a pasted status dump's `CapBnd`.
#[function_component(BoundingForm)]
fn bounding_form(props: &BoundingProps) -> Html {
    let error = use_state(|| None::<String>);
    let p = &props.prefix;
    let set = props.setting.bounding;
    let emit = {
        let setting = props.setting.clone();
        let on_change = props.on_change.clone();
        move |bounding: CapSet| {
            let mut next = setting.clone();
            next.bounding = bounding;
            on_change.emit(next);
        }
    };
    let on_hex = {
        let (emit, error) = (emit.clone(), error.clone());
        Callback::from(move |e: Event| {
            let Some(el) = e.target_dyn_into::<HtmlInputElement>() else { return };
            match parse_mask(&el.value()) {
                Ok(mask) => {
                    error.set(None);
                    emit(mask);
                }
                Err(err) => error.set(Some(err.to_string())),
            }
        })
    };
    let on_status = {
        let (emit, error) = (emit.clone(), error.clone());
        Callback::from(move |e: Event| {
            let Some(el) = e.target_dyn_into::<HtmlTextAreaElement>() else { return };
            match bounding_of_status(&el.value()) {
                Ok(mask) => {
                    error.set(None);
                    emit(mask);
                }
                Err(err) => error.set(Some(err)),
            }
        })
    };
    html! {
        <div class="bounding">
            <p class="row">
                <label for={format!("{p}-caps")}>{"Bounding capability set (hex) "}</label>
                <input id={format!("{p}-caps")} type="text" size="18" value={set.to_proc_hex()} onchange={on_hex} spellcheck="false" />
                <span class="hint">{ format!(" {} capabilities", set.len()) }</span>
            </p>
            if let Some(e) = &*error { <p class="error" role="alert">{ e.clone() }</p> }
            <p>
                <label for={format!("{p}-status")}>{"…or paste a /proc/<pid>/status dump to take its CapBnd"}</label><br/>
                <textarea id={format!("{p}-status")} rows="2" spellcheck="false" onchange={on_status} />
            </p>
            { cap_grid(p, set, &emit) }
        </div>
    }
}

/// A checkbox per capability, each labelled with its name as profiles spell it (`CAP_SYS_ADMIN`).
fn cap_grid(p: &str, set: CapSet, emit: &(impl Fn(CapSet) + Clone + 'static)) -> Html {
    html! {
        <fieldset class="cap-grid">
            <legend>{"Capabilities in the bounding set"}</legend>
            { for CAPABILITIES.iter().map(|cap| {
                let bit = cap.bit;
                let emit = emit.clone();
                let toggle = Callback::from(move |_| emit(if set.contains(bit) { set.without(bit) } else { set.with(bit) }));
                let id = format!("{p}-cap-{bit}");
                html! {
                    <label key={bit} for={id.clone()} title={cap.meaning}>
                        <input type="checkbox" id={id} checked={set.contains(bit)} onchange={toggle} />
                        { cap.name.to_ascii_uppercase() }
                    </label>
                }
            }) }
        </fieldset>
    }
}

/// The `CapBnd` of a pasted status dump.
fn bounding_of_status(text: &str) -> Result<CapSet, String> {
    let dump = status::parse(text).map_err(|e| e.to_string())?;
    dump.cap_bnd.ok_or_else(|| "The dump has no CapBnd line, so it does not say the bounding set.".to_owned())
}
