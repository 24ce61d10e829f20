//! Small callbacks the forms share.

use wasm_bindgen::JsCast;
use web_sys::{EventTarget, HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

/// The value of a text input or text area.
fn value_of(target: &EventTarget) -> Option<String> {
    target
        .dyn_ref::<HtmlInputElement>()
        .map(HtmlInputElement::value)
        .or_else(|| target.dyn_ref::<HtmlTextAreaElement>().map(HtmlTextAreaElement::value))
}

/// A callback that keeps `state` equal to what is typed in a text input or text area.
pub fn typed_into(state: &UseStateHandle<String>) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |e: InputEvent| {
        if let Some(value) = e.target().as_ref().and_then(value_of) {
            state.set(value);
        }
    })
}
