//! Messages from the core mark names with backticks, as the command line prints them
//! (`` absolute symlink to `/bin/busybox` ``); the page shows each marked name as code instead, so
//! no literal backtick reaches the screen.

use yew::prelude::*;

/// `text` with each `` `name` `` shown as `<code>name</code>`; an unpaired backtick is dropped.
pub fn code_spans(text: &str) -> Html {
    let parts: Vec<&str> = text.split('`').collect();
    let paired = parts.len() % 2 == 1;
    html! {
        <>{ for parts.iter().enumerate().map(|(i, part)| {
            let last = i + 1 == parts.len();
            if i % 2 == 1 && (paired || !last) {
                html! { <code>{ (*part).to_owned() }</code> }
            } else {
                html! { { (*part).to_owned() } }
            }
        }) }</>
    }
}
