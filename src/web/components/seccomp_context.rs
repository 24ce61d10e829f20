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

/// One edit of a side's choices. Edits are applied to the latest setting (a reducer), never to a
/// copy taken when the form was drawn: two edits that land before the page re-renders — a profile
/// chosen, then a mask typed and committed, on a slow machine — both count.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    Profile(ProfileChoice),
    Arch(Arch),
    Kernel(String),
    Bounding(CapSet),
    /// Tick or untick one capability.
    Toggle(u8),
}

impl Setting {
    /// This setting with one edit applied.
    pub fn edited(&self, edit: Edit) -> Setting {
        let mut next = self.clone();
        match edit {
            Edit::Profile(p) => next.profile = p,
            Edit::Arch(a) => next.arch = a,
            Edit::Kernel(k) => next.kernel = k,
            Edit::Bounding(b) => next.bounding = b,
            Edit::Toggle(bit) => next.bounding = if self.bounding.contains(bit) { self.bounding.without(bit) } else { self.bounding.with(bit) },
        }
        next
    }
}

impl Reducible for Setting {
    type Action = Edit;
    fn reduce(self: std::rc::Rc<Self>, edit: Edit) -> std::rc::Rc<Self> {
        std::rc::Rc::new(self.edited(edit))
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub setting: Setting,
    pub on_edit: Callback<Edit>,
    /// Prefix of the element ids (`sc`, `cmp`).
    pub prefix: AttrValue,
    /// Whether a pasted profile exists to choose.
    pub has_custom: bool,
}

/// A callback that reads a select's value and emits the edit it means (if any).
fn on_select(on_edit: &Callback<Edit>, edit: fn(String) -> Option<Edit>) -> Callback<Event> {
    let on_edit = on_edit.clone();
    Callback::from(move |e: Event| {
        if let Some(next) = e.target_dyn_into::<HtmlSelectElement>().and_then(|el| edit(el.value())) {
            on_edit.emit(next);
        }
    })
}

#[function_component(ContextForm)]
pub fn context_form(props: &Props) -> Html {
    let p = &props.prefix;
    let s = &props.setting;
    let on_profile = on_select(&props.on_edit, |v| Some(Edit::Profile(ProfileChoice::from_value(&v))));
    let on_arch = on_select(&props.on_edit, |v| Arch::parse(&v).ok().map(Edit::Arch));
    let on_kernel = props.on_edit.reform(Edit::Kernel);
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
                <TextField id={format!("{p}-kernel")} size={10} value={s.kernel.clone()} on_commit={on_kernel} />
            </p>
            <BoundingForm bounding={s.bounding} on_edit={props.on_edit.clone()} prefix={p.clone()} />
        </fieldset>
    }
}

#[derive(Properties, PartialEq)]
struct TextFieldProps {
    id: AttrValue,
    size: u32,
    /// The committed value.
    value: AttrValue,
    /// The text, when the user commits it (Enter, or leaving the field).
    on_commit: Callback<String>,
}

/// A one-line text field whose typing survives re-renders. The page re-renders whenever the worker
/// answers, and Yew resets a controlled input to its `value` on every render — which threw away
/// what a user had typed and not yet committed. The field keeps what is typed as a draft, shown
/// until the committed value changes (a draft that does not read stays, beside its error).
#[function_component(TextField)]
fn text_field(props: &TextFieldProps) -> Html {
    let draft = use_state(|| None::<String>);
    {
        let draft = draft.clone();
        use_effect_with(props.value.clone(), move |_| draft.set(None));
    }
    let on_input = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(el) = e.target_dyn_into::<HtmlInputElement>() {
                draft.set(Some(el.value()));
            }
        })
    };
    let on_change = {
        let on_commit = props.on_commit.clone();
        Callback::from(move |e: Event| {
            if let Some(el) = e.target_dyn_into::<HtmlInputElement>() {
                on_commit.emit(el.value());
            }
        })
    };
    let shown = (*draft).clone().unwrap_or_else(|| props.value.to_string());
    html! {
        <input id={props.id.clone()} type="text" size={props.size.to_string()} value={shown} oninput={on_input} onchange={on_change} spellcheck="false" />
    }
}

#[derive(Properties, PartialEq)]
struct BoundingProps {
    bounding: CapSet,
    on_edit: Callback<Edit>,
    prefix: AttrValue,
}

/// The bounding set: hex, ticks, or a pasted status dump's `CapBnd`.
#[function_component(BoundingForm)]
fn bounding_form(props: &BoundingProps) -> Html {
    let error = use_state(|| None::<String>);
    let p = &props.prefix;
    let set = props.bounding;
    let commit = |read: fn(&str) -> Result<CapSet, String>| {
        let (on_edit, error) = (props.on_edit.clone(), error.clone());
        Callback::from(move |text: String| match read(&text) {
            Ok(mask) => {
                error.set(None);
                on_edit.emit(Edit::Bounding(mask));
            }
            Err(err) => error.set(Some(err)),
        })
    };
    let on_hex = commit(|t| parse_mask(t).map_err(|e| e.to_string()));
    let on_status = commit(bounding_of_status);
    let on_status = Callback::from(move |e: Event| {
        if let Some(el) = e.target_dyn_into::<HtmlTextAreaElement>() {
            on_status.emit(el.value());
        }
    });
    html! {
        <div class="bounding">
            <p class="row">
                <label for={format!("{p}-caps")}>{"Bounding capability set (hex) "}</label>
                <TextField id={format!("{p}-caps")} size={18} value={set.to_proc_hex()} on_commit={on_hex} />
                <span class="hint">{ format!(" {} capabilities", set.len()) }</span>
            </p>
            if let Some(e) = &*error { <p class="error" role="alert">{ e.clone() }</p> }
            <p>
                <label for={format!("{p}-status")}>{"…or paste a /proc/<pid>/status dump to take its CapBnd"}</label><br/>
                <textarea id={format!("{p}-status")} rows="2" spellcheck="false" onchange={on_status} />
            </p>
            { cap_grid(p, set, &props.on_edit) }
        </div>
    }
}

/// A checkbox per capability, each labelled with its name as profiles spell it (`CAP_SYS_ADMIN`).
fn cap_grid(p: &str, set: CapSet, on_edit: &Callback<Edit>) -> Html {
    html! {
        <fieldset class="cap-grid">
            <legend>{"Capabilities in the bounding set"}</legend>
            { for CAPABILITIES.iter().map(|cap| {
                let bit = cap.bit;
                let toggle = on_edit.reform(move |_: Event| Edit::Toggle(bit));
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
