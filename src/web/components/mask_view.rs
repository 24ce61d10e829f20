//! One decoded capability mask: the `capsh --decode` line (an empty set says "none" where capsh
//! leaves nothing after `=`), every capability with its meaning, and how it compares with
//! Docker's default set.

use crate::core::caps::MaskReport;
use crate::core::paste::LabeledMask;
use std::rc::Rc;
use super::format::plural;
use super::scroll_box::scroll_box;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ListProps {
    pub masks: Rc<Vec<LabeledMask>>,
}

/// Every mask of a paste, in order.
#[function_component(MaskList)]
pub fn mask_list(props: &ListProps) -> Html {
    html! {
        <section class="masks" aria-label="Decoded capability masks">
            { for props.masks.iter().enumerate().map(|(i, m)| html! {
                <MaskView key={format!("{i}-{}", m.report.hex)} label={m.label.clone().map(AttrValue::from)} report={Rc::new(m.report.clone())} />
            }) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    /// `CapEff` and the like, when the paste named the mask.
    #[prop_or_default]
    pub label: Option<AttrValue>,
    pub report: Rc<MaskReport>,
}

/// One mask.
#[function_component(MaskView)]
pub fn mask_view(props: &Props) -> Html {
    let r = &props.report;
    let title = match &props.label {
        Some(label) => format!("{label} {}", r.hex),
        None => r.hex.clone(),
    };
    let count = r.caps.len();
    let summary = if count == 0 {
        "No capabilities.".to_owned()
    } else if r.beyond_docker_default.is_empty() && r.missing_from_docker_default.is_empty() {
        format!("{}: exactly Docker's default set.", plural(count as u64, "capability", "capabilities"))
    } else if r.beyond_docker_default.is_empty() {
        format!("{}, all within Docker's default set.", plural(count as u64, "capability", "capabilities"))
    } else {
        format!("{}, {} beyond Docker's default set.", plural(count as u64, "capability", "capabilities"), r.beyond_docker_default.len())
    };
    html! {
        <article class="mask" data-hex={r.hex.clone()}>
            <h3>{ title }</h3>
            if count == 0 {
                // capsh prints `0x0000000000000000=`: the empty list after `=` said in words.
                <p class="capsh"><code>{ r.capsh.trim_end_matches('=').to_owned() }</code>{" = none"}</p>
            } else {
                <p class="capsh"><code>{ r.capsh.clone() }</code></p>
            }
            <p class="summary">{ summary }</p>
            if !r.beyond_docker_default.is_empty() {
                <p class="beyond">{"Beyond Docker's default: "}<code>{ r.beyond_docker_default.join(", ") }</code></p>
            }
            if !r.missing_from_docker_default.is_empty() && count > 0 {
                <p class="missing">{"Dropped from Docker's default: "}<code>{ r.missing_from_docker_default.join(", ") }</code></p>
            }
            if !r.unknown_bits.is_empty() {
                <p class="unknown">{ format!("Bits no kernel names (as capsh prints them): {}", r.unknown_bits.iter().map(u8::to_string).collect::<Vec<_>>().join(",")) }</p>
            }
            if count > 0 {
                { scroll_box("Capabilities in this mask", html! {
                <table class="caps">
                    <thead><tr><th scope="col">{"#"}</th><th scope="col">{"Capability"}</th><th scope="col">{"Docker default"}</th><th scope="col">{"Meaning"}</th></tr></thead>
                    <tbody>
                    { for r.caps.iter().map(|c| {
                        let class = classes!("cap", c.dangerous.then_some("dangerous"), (!c.docker_default).then_some("extra"), c.unknown.then_some("unknown"));
                        html! {
                            <tr key={c.bit} class={class}>
                                <td>{ c.bit }</td>
                                <td><code class="cap-name">{ c.name.clone() }</code>
                                    if c.dangerous { <span class="badge danger">{"dangerous"}</span> }</td>
                                <td>{ if c.docker_default { "yes" } else { "no — beyond" } }</td>
                                <td>{ if c.unknown { "Unknown to this kernel table (bit above cap_checkpoint_restore)." } else { c.meaning.as_str() } }</td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
                }) }
            }
        </article>
    }
}
