//! AppArmor on the page: a `/proc/<pid>/attr/current` label explained — for `docker-default`,
//! with Docker's generated profile rule by rule — and a pasted profile text, statement by
//! statement ([`crate::core::apparmor_profile`] supplies every word).

use crate::core::apparmor::AppArmorLabel;
use crate::core::apparmor_profile::{explain_docker_default, DockerDefault, ExplainedRule, ProfileText, Template};
use std::rc::Rc;
use super::scroll_box::scroll_box;
use super::format::plural;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub label: Rc<AppArmorLabel>,
}

#[function_component(AppArmorView)]
pub fn apparmor_view(props: &Props) -> Html {
    let l = &props.label;
    let docker = use_memo(props.label.clone(), |l| {
        let mode = l.profiles.iter().find(|p| p.name == "docker-default").map(|p| p.mode.clone())?;
        Some(explain_docker_default(Template::Current, Some(&mode)))
    });
    html! {
        <>
            <article class="card apparmor" aria-label="AppArmor label">
                <h2>{"AppArmor"}</h2>
                <p><code>{ l.raw.clone() }</code></p>
                <p class="headline">{ if l.confined { "Confined by AppArmor." } else { "Not confined by AppArmor." } }</p>
                { scroll_box("Profiles in the label", html! {
                <table>
                    <thead><tr><th scope="col">{"Profile"}</th><th scope="col">{"Mode"}</th><th scope="col">{"Meaning"}</th></tr></thead>
                    <tbody>
                        { for l.profiles.iter().map(|p| html! {
                            <tr>
                                <td><code>{ p.name.clone() }</code>
                                    if let Some(ns) = &p.namespace { <span class="hint">{ format!(" (namespace {ns})") }</span> }</td>
                                <td>{ p.mode.as_str().to_owned() }</td>
                                <td>{ p.mode.explanation() }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                }) }
                <p>{ l.explanation.clone() }</p>
            </article>
            { match docker.as_ref() {
                Some(Ok(d)) => docker_default(d),
                Some(Err(message)) => html! { <p class="error" role="alert">{ message.clone() }</p> },
                None => html! {},
            } }
        </>
    }
}

fn rules(class: &'static str, rules: &[ExplainedRule]) -> Html {
    html! {
        <ul class={class}>
            { for rules.iter().map(|r| html! {
                <li><span class="plain">{ r.plain.clone() }</span><br/><code class="raw">{ r.raw.clone() }</code></li>
            }) }
        </ul>
    }
}

/// Docker's generated docker-default profile, explained.
fn docker_default(d: &DockerDefault) -> Html {
    html! {
        <article class="card docker-default" aria-labelledby="docker-default-title">
            <h2 id="docker-default-title">{"What docker-default denies"}</h2>
            <p class="hint">{ format!("Generated from {}.", d.template_label) }</p>
            <p class="mode">{ d.mode.clone() }</p>
            <h3>{"Denied, rule by rule"}</h3>
            { rules("denies", &d.denies) }
            <h3>{"Denied because no rule allows it"}</h3>
            <ul class="implicit">{ for d.implicit.iter().map(|i| html! { <li>{ i.clone() }</li> }) }</ul>
            <h3>{"Allowed"}</h3>
            { rules("allows", &d.allows) }
        </article>
    }
}

#[derive(Properties, PartialEq)]
pub struct ProfileProps {
    pub profile: Rc<ProfileText>,
}

/// A pasted AppArmor profile text: every statement, explained; kinds the reader does not know
/// are shown as written.
#[function_component(AppArmorProfileView)]
pub fn apparmor_profile_view(props: &ProfileProps) -> Html {
    let p = &props.profile;
    html! {
        <article class="card apparmor-profile" aria-labelledby="apparmor-profile-title">
            <h2 id="apparmor-profile-title">{ format!("AppArmor profile: {}", plural(p.items.len() as u64, "statement", "statements")) }</h2>
            { scroll_box("Rules of the profile", html! {
            <table>
                <thead><tr><th scope="col">{"Line"}</th><th scope="col">{"Rule as written"}</th><th scope="col">{"Meaning"}</th></tr></thead>
                <tbody>
                    { for p.items.iter().enumerate().map(|(n, i)| html! {
                        <tr key={n} class={classes!("item", format!("depth-{}", i.depth.min(3)), i.qualifiers.deny.then_some("deny"))}>
                            <td class="num">{ i.line }</td>
                            <td><code>{ i.raw.clone() }</code></td>
                            <td>{ i.explanation.clone() }
                                if let Some(c) = &i.comment { <br/><span class="hint">{ format!("The profile's comment: {c}") }</span> }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            }) }
            { for p.warnings.iter().map(|w| html! { <p class="warn">{ format!("Warning: {w}") }</p> }) }
        </article>
    }
}
