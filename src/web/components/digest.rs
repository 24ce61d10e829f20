//! A digest as the views show it: `sha256:abcd1234…` on one line (never wrapped mid-string), the
//! whole digest in its title and for screen readers, and a Copy button that puts the whole digest
//! on the clipboard (`navigator.clipboard.writeText`; a browser that refuses says so).

use super::format::digest_short;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The whole digest (`sha256:` and 64 hex digits, or whatever the archive named).
    pub digest: AttrValue,
}

/// What the last Copy did.
#[derive(Clone, Copy, PartialEq)]
enum Copied {
    Not,
    Done,
    Refused,
}

#[function_component(Digest)]
pub fn digest(props: &Props) -> Html {
    let copied = use_state(|| Copied::Not);
    let full = props.digest.clone();
    let onclick = {
        let (copied, full) = (copied.clone(), full.clone());
        Callback::from(move |_: MouseEvent| copy(full.to_string(), copied.clone()))
    };
    html! {
        <span class="digest">
            <code title={full.clone()}><span class="short" aria-hidden="true">{ digest_short(&full) }</span><span class="visually-hidden">{ full.clone() }</span></code>
            <button type="button" class="copy" aria-label={format!("Copy the digest {full}")} {onclick}>{"Copy"}</button>
            <span class="copy-note" role="status">{ match *copied {
                Copied::Not => html! {},
                Copied::Done => html! { <span class="copied">{"copied"}</span> },
                Copied::Refused => html! { <span class="refused">{"the browser refused to copy"}</span> },
            } }</span>
        </span>
    }
}

/// Puts `text` on the clipboard and says how it went in `copied`.
fn copy(text: String, copied: UseStateHandle<Copied>) {
    // `navigator.clipboard` is undefined outside a secure context: look before calling it.
    let clipboard = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w.navigator(), &"clipboard".into()).ok())
        .and_then(|c| c.dyn_into::<web_sys::Clipboard>().ok());
    let Some(clipboard) = clipboard else {
        copied.set(Copied::Refused);
        return;
    };
    let promise = clipboard.write_text(&text);
    wasm_bindgen_futures::spawn_local(async move {
        let done = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
        copied.set(if done { Copied::Done } else { Copied::Refused });
    });
}
