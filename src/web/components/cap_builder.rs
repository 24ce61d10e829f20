//! The reverse decode: tick capabilities, read the mask in the 16-hex-digit form `/proc` prints.

use super::disclosure::Disclosure;
use crate::core::caps::{CapSet, CAPABILITIES, DOCKER_DEFAULT};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Called with the built mask when the user asks to decode it.
    pub on_decode: Callback<String>,
}

#[function_component(CapBuilder)]
pub fn cap_builder(props: &Props) -> Html {
    let set = use_state(|| CapSet::EMPTY);
    let preset = |value: CapSet| {
        let set = set.clone();
        Callback::from(move |_| set.set(value))
    };
    let decode = {
        let on_decode = props.on_decode.clone();
        let set = set.clone();
        Callback::from(move |_| on_decode.emit(set.to_proc_hex()))
    };
    html! {
        <Disclosure class="builder" label="Build a mask from capabilities">
            <p class="built">{"Mask: "}<output id="built-mask" aria-live="polite"><code>{ set.to_proc_hex() }</code></output>
                { format!(" ({} capabilities)", set.len()) }</p>
            <div class="row">
                <button type="button" onclick={preset(CapSet::EMPTY)}>{"None"}</button>
                <button type="button" onclick={preset(DOCKER_DEFAULT)}>{"Docker default"}</button>
                <button type="button" onclick={preset(CapSet((1u64 << 41) - 1))}>{"All 41"}</button>
                <button type="button" onclick={decode}>{"Decode this mask"}</button>
            </div>
            <fieldset class="cap-grid">
                <legend>{"Capabilities"}</legend>
                { for CAPABILITIES.iter().map(|cap| {
                    let bit = cap.bit;
                    let checked = set.contains(bit);
                    let toggle = {
                        let set = set.clone();
                        Callback::from(move |_| {
                            let now = *set;
                            set.set(if now.contains(bit) { now.without(bit) } else { now.with(bit) });
                        })
                    };
                    let id = format!("cap-{bit}");
                    html! {
                        <label key={bit} for={id.clone()} title={cap.meaning}>
                            <input type="checkbox" id={id} checked={checked} onchange={toggle} />
                            { cap.name }
                        </label>
                    }
                }) }
            </fieldset>
        </Disclosure>
    }
}
