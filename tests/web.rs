//! Browser unit tests: components mounted in a real headless Chromium by
//! `wasm-bindgen-test-runner` (see scripts/test.sh and webdriver.json).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::RefCell;
use std::rc::Rc;
use tarsier::core::paste::{analyze, PasteReport};
use tarsier::web::components::mask_view::MaskList;
use tarsier::web::components::paste_box::PasteBox;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

fn mount_point() -> web_sys::Element {
    let document = gloo::utils::document();
    let div = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&div).unwrap();
    div
}

/// Lets Yew render (it schedules renders on the microtask queue).
async fn settle() {
    for _ in 0..3 {
        gloo::timers::future::TimeoutFuture::new(0).await;
    }
}

#[derive(Properties, PartialEq)]
struct MasksProps {
    text: AttrValue,
}

#[function_component(Decoded)]
fn decoded(props: &MasksProps) -> Html {
    match analyze(&props.text) {
        Ok(PasteReport::Masks(masks)) => html! { <MaskList masks={Rc::new(masks)} /> },
        Ok(_) => html! { <p>{"not masks"}</p> },
        Err(e) => html! { <p class="error">{ e.to_string() }</p> },
    }
}

#[wasm_bindgen_test]
async fn mask_list_shows_capsh_names_and_docker_comparison() {
    let root = mount_point();
    yew::Renderer::<Decoded>::with_root_and_props(root.clone(), MasksProps { text: "CapEff:\t000001ffffffffff\n0xa80425fb".into() })
        .render();
    settle().await;
    let text = root.text_content().unwrap();
    assert!(text.contains("0x000001ffffffffff=cap_chown,cap_dac_override,cap_dac_read_search"), "{text}");
    assert!(text.contains("0x00000000a80425fb=cap_chown,cap_dac_override,cap_fowner"), "{text}");
    assert!(text.contains("14 capabilities: exactly Docker's default set."), "{text}");
    assert!(text.contains("cap_sys_admin"));
    assert_eq!(root.query_selector_all("article.mask").unwrap().length(), 2);
    assert!(root.query_selector("tr.dangerous").unwrap().is_some());
}

#[wasm_bindgen_test]
async fn garbage_paste_says_which_line() {
    let root = mount_point();
    yew::Renderer::<Decoded>::with_root_and_props(root.clone(), MasksProps { text: "a80425fb\nnot a mask".into() }).render();
    settle().await;
    let text = root.text_content().unwrap();
    assert!(text.starts_with("Line 2:"), "{text}");
}

#[derive(Properties, PartialEq)]
struct BoxProps {
    seen: Rc<RefCell<Vec<String>>>,
}

#[function_component(BoxHarness)]
fn box_harness(props: &BoxProps) -> Html {
    let seen = props.seen.clone();
    let on_change = Callback::from(move |text: String| seen.borrow_mut().push(text));
    html! { <PasteBox text={AttrValue::from("")} {on_change} /> }
}

#[wasm_bindgen_test]
async fn paste_box_reports_typed_text() {
    let root = mount_point();
    let seen = Rc::new(RefCell::new(Vec::new()));
    yew::Renderer::<BoxHarness>::with_root_and_props(root.clone(), BoxProps { seen: seen.clone() }).render();
    settle().await;
    let area: web_sys::HtmlTextAreaElement = root.query_selector("textarea").unwrap().unwrap().dyn_into().unwrap();
    area.set_value("CapEff:\t00000000a80425fb");
    let event = web_sys::InputEvent::new("input").unwrap();
    area.dispatch_event(&event).unwrap();
    settle().await;
    assert_eq!(seen.borrow().as_slice(), ["CapEff:\t00000000a80425fb".to_owned()]);
    let label = root.query_selector("label[for=paste-input]").unwrap();
    assert!(label.is_some(), "the paste box has a label");
}
