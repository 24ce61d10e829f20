//! The paste box: a labelled text area whose every edit is reported to the parent.

use crate::core::paste::MAX_PASTE_BYTES;
use wasm_bindgen::JsCast;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The text to show (the parent owns it).
    pub text: AttrValue,
    /// Called with the whole new text on every edit.
    pub on_change: Callback<String>,
    /// Called with the size of a paste or edit over [`MAX_PASTE_BYTES`], which is kept out of
    /// the box: laying out 10 MB in a text area alone freezes a tab for seconds.
    #[prop_or_default]
    pub on_oversize: Callback<usize>,
}

#[function_component(PasteBox)]
pub fn paste_box(props: &Props) -> Html {
    // The text area keeps its own text: it is written only when the parent's text differs from
    // it (a shared link opened, Clear). Writing back the text the user just typed or pasted —
    // what a `value` attribute does on every render — makes Chromium re-lay out and drop its
    // undo history: with tens of thousands of lines, seconds to minutes per keystroke.
    let area_ref = use_node_ref();
    {
        let area_ref = area_ref.clone();
        use_effect_with(props.text.clone(), move |text| {
            if let Some(area) = area_ref.cast::<HtmlTextAreaElement>() {
                if area.value() != text.as_str() {
                    area.set_value(text);
                }
            }
        });
    }
    // One insert of many lines reaches the box as many input events in one task (Chromium's text
    // insertion fires one per line break), each carrying the whole text: sent one by one, a
    // 2,000-line profile was read 4,000 times (35 s before the box even showed it, minutes for
    // the answer). The events of one task are answered once, with the box's text when the task
    // is done; separate keystrokes are separate tasks, so typing is answered as before.
    let scheduled = use_mut_ref(|| false);
    let on_input = {
        let (on_change, on_oversize, area_ref) = (props.on_change.clone(), props.on_oversize.clone(), area_ref.clone());
        Callback::from(move |_: InputEvent| {
            if std::mem::replace(&mut *scheduled.borrow_mut(), true) {
                return;
            }
            let (on_change, on_oversize, area_ref, scheduled) = (on_change.clone(), on_oversize.clone(), area_ref.clone(), scheduled.clone());
            gloo::timers::callback::Timeout::new(0, move || {
                *scheduled.borrow_mut() = false;
                let Some(area) = area_ref.cast::<HtmlTextAreaElement>() else { return };
                let text = area.value();
                if text.len() > MAX_PASTE_BYTES {
                    on_oversize.emit(text.len());
                } else {
                    on_change.emit(text);
                }
            })
            .forget();
        })
    };
    let on_paste = {
        let on_oversize = props.on_oversize.clone();
        Callback::from(move |e: Event| {
            let Some(e) = e.dyn_ref::<web_sys::ClipboardEvent>() else { return };
            let size = e.clipboard_data().and_then(|d| d.get_data("text").ok()).map_or(0, |t| t.len());
            if size > MAX_PASTE_BYTES {
                e.prevent_default();
                on_oversize.emit(size);
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
                ref={area_ref}
                rows="8"
                spellcheck="false"
                autocomplete="off"
                placeholder="CapEff:\t00000000a80425fb"
                oninput={on_input}
                onpaste={on_paste}
            />
            <div class="row">
                <button type="button" onclick={on_clear} disabled={props.text.is_empty()}>{"Clear"}</button>
                <span class="hint">{"Nothing you paste leaves this tab."}</span>
            </div>
        </section>
    }
}
