//! The paste box: a labelled text area whose every edit is reported to the parent.

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The text to show (the parent owns it).
    pub text: AttrValue,
    /// Called with the whole new text on every edit.
    pub on_change: Callback<String>,
}

#[function_component(PasteBox)]
pub fn paste_box(props: &Props) -> Html {
    let on_input = {
        let on_change = props.on_change.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e.target_dyn_into::<HtmlTextAreaElement>() {
                on_change.emit(area.value());
            }
        })
    };
    let on_clear = {
        let on_change = props.on_change.clone();
        Callback::from(move |_| on_change.emit(String::new()))
    };
    html! {
        <section class="paste" aria-labelledby="paste-title">
            <h2 id="paste-title">{"Paste"}</h2>
            <label for="paste-input" class="hint">
                {"A capability mask (00000000a80425fb, 0xa80425fb), lines such as "}
                <code>{"CapEff:\t00000000a80425fb"}</code>
                {", a whole /proc/<pid>/status dump, or /proc/<pid>/attr/current."}
            </label>
            <textarea
                id="paste-input"
                rows="8"
                spellcheck="false"
                autocomplete="off"
                placeholder="CapEff:\t00000000a80425fb"
                value={props.text.clone()}
                oninput={on_input}
            />
            <div class="row">
                <button type="button" onclick={on_clear} disabled={props.text.is_empty()}>{"Clear"}</button>
                <span class="hint">{"Nothing you paste leaves this tab."}</span>
            </div>
        </section>
    }
}
