//! A wide table's own scroll box: at phone width the table scrolls sideways inside it, never the
//! whole page. The box is focusable and named, so a keyboard user can scroll it too (axe's
//! `scrollable-region-focusable`).

use yew::prelude::*;

/// `content` (a table) inside a box that scrolls sideways, named `label` for screen readers.
pub fn scroll_box(label: &str, content: Html) -> Html {
    html! {
        <div class="table-scroll" role="group" aria-label={label.to_owned()} tabindex="0">{ content }</div>
    }
}
