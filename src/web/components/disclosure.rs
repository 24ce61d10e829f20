//! A disclosure: a button that shows or hides a region below it (the WAI-ARIA disclosure
//! pattern), used instead of `<details>`.
//!
//! Why not `<details>`: Chromium keeps a closed `<details>`' content in a locked subtree, and
//! while one is in the page, a paste that replaces a text area's selection with many lines
//! costs time quadratic in the lines (measured in Chromium 156: 20,000 lines took 3.5 s with a
//! closed `<details>` anywhere in the page, 0.8 s without; 1,000,000 lines froze the tab). The
//! region here is not in the document at all while it is closed.

use std::sync::atomic::{AtomicU32, Ordering};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The button's text (what the region holds).
    pub label: AttrValue,
    /// The class of the wrapping element.
    #[prop_or_default]
    pub class: Classes,
    #[prop_or_default]
    pub children: Html,
}

#[function_component(Disclosure)]
pub fn disclosure(props: &Props) -> Html {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let id = use_state(|| format!("disclosure-{}", NEXT.fetch_add(1, Ordering::Relaxed)));
    let open = use_state(|| false);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_| open.set(!*open))
    };
    html! {
        <section class={classes!("disclosure", props.class.clone(), open.then_some("open"))}>
            <button type="button" class="disclosure-toggle" aria-expanded={open.to_string()} aria-controls={(*id).clone()} onclick={toggle}>
                { props.label.clone() }
            </button>
            if *open {
                <div id={(*id).clone()} class="disclosure-body">{ props.children.clone() }</div>
            }
        </section>
    }
}
