//! Process ↔ image: with an image open and a status dump pasted, the image's file-capability
//! and setuid/setgid binaries and its config's `User` checked against the dump
//! ([`crate::core::cross_check`], run in the image's worker, which holds the index).

use crate::core::cross_check::{CrossCheck, CrossKind};
use crate::web::analyzer::Analyzer;
use crate::web::state::{Remote, Shared};
use super::rich_text::code_spans;
use yew::prelude::*;

/// The open image, as the process page needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenImage {
    /// Its tags, or the archive's name.
    pub title: String,
    pub session: u32,
    pub image: usize,
    pub cross: Option<(String, Remote<Shared<Vec<CrossCheck>>>)>,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The status dump's text.
    pub status: AttrValue,
    pub image: OpenImage,
}

fn kind_word(k: CrossKind) -> &'static str {
    match k {
        CrossKind::ExecFails => "exec fails",
        CrossKind::CapsNotGained => "capabilities not gained",
        CrossKind::NoNewPrivsNeutralises => "neutralised by NoNewPrivs",
        CrossKind::UserDiffers => "another user",
        CrossKind::UserMatches => "same user",
        CrossKind::UserUnresolved => "user unresolved",
    }
}

#[function_component(CrossCheckCard)]
pub fn cross_check_card(props: &Props) -> Html {
    let analyzer = use_context::<Analyzer>();
    {
        let asked = props.image.cross.as_ref().map(|(s, _)| s.clone());
        let status = props.status.to_string();
        use_effect_with((status.clone(), props.image.session, props.image.image, asked), move |(status, _, _, asked)| {
            if asked.as_deref() != Some(status.as_str()) {
                if let Some(a) = analyzer {
                    a.cross_check(status.clone());
                }
            }
        });
    }
    let body = match props.image.cross.as_ref().map(|(_, r)| r) {
        Some(Remote::Ready(checks)) if checks.is_empty() => html! { <p>{"Nothing to say: the image has no setuid, setgid or file-capability binaries and no User this dump contradicts."}</p> },
        Some(Remote::Ready(checks)) => html! {
            <ul class="cross-checks">
                { for checks.iter().map(|c| html! {
                    <li data-kind={format!("{:?}", c.kind)}>
                        <span class="level">{ kind_word(c.kind) }</span>{" "}
                        if !c.path.is_empty() { <code>{ c.path.clone() }</code>{": "} }
                        { code_spans(&c.detail) }
                    </li>
                }) }
            </ul>
        },
        Some(Remote::Failed(e)) => html! { <p class="error" role="alert">{ e.message.clone() }</p> },
        _ => html! { <p class="pending">{"Checking…"}</p> },
    };
    html! {
        <section class="card cross-check" aria-labelledby="cross-check-title">
            <h3 id="cross-check-title">{ format!("This process and the open image {}", props.image.title) }</h3>
            { body }
        </section>
    }
}
