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

// The image page through the app's own reducer: what the worker's messages make it show.

use tarsier::core::image::{read_overview, ErrorReport, Options};
use tarsier::web::analyzer::{use_analyzer, Analyzer};
use tarsier::web::components::image_page::ImagePage;
use tarsier::web::protocol::{Response, WorkerStats};
use tarsier::web::state::{Action, AppState};

const A1: &[u8] = include_bytes!("../../shared/fixtures/images/a1_podman_docker-archive.tar");

/// Where the harness puts its reducer's dispatcher, for the test to send actions through.
type Dispatch = Rc<RefCell<Option<UseReducerDispatcher<AppState>>>>;

#[derive(Properties)]
struct PageProps {
    dispatch: Dispatch,
}

impl PartialEq for PageProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.dispatch, &other.dispatch)
    }
}

#[function_component(PageHarness)]
fn page_harness(props: &PageProps) -> Html {
    let state = use_reducer(AppState::default);
    let analyzer = use_analyzer(&state);
    *props.dispatch.borrow_mut() = Some(state.dispatcher());
    html! {
        <ContextProvider<Analyzer> context={analyzer}>
            <ImagePage image={state.image.clone()} dragging={false} compare={state.compare.clone()} />
        </ContextProvider<Analyzer>>
    }
}

async fn image_page() -> (web_sys::Element, impl Fn(Action)) {
    let root = mount_point();
    let dispatch: Dispatch = Rc::new(RefCell::new(None));
    yew::Renderer::<PageHarness>::with_root_and_props(root.clone(), PageProps { dispatch: dispatch.clone() }).render();
    settle().await;
    let send = move |action: Action| dispatch.borrow().as_ref().unwrap().dispatch(action);
    (root, send)
}

fn failed(session: u32, code: &str, message: &str) -> Action {
    let error = ErrorReport { code: code.into(), message: message.into(), position: None };
    Action::Worker(Response::ImageOpened { session, result: Err(error), stats: WorkerStats::default() })
}

#[wasm_bindgen_test]
async fn the_overview_shows_above_the_progress_while_indexing() {
    let overview = read_overview(std::io::Cursor::new(A1), A1.len() as u64, &Options::named("a1.tar")).unwrap();
    let tags = overview.images[0].tags.join(", ");
    let (root, send) = image_page().await;
    send(Action::ImageStarted { session: 7, name: "a1.tar".into(), size: A1.len() as u64, now_ms: 0.0 });
    // An overview for another session is not this archive's.
    send(Action::Worker(Response::ImageOverview { session: 6, overview: Box::new(overview.clone()) }));
    settle().await;
    assert!(root.query_selector("#image-preview").unwrap().is_none());
    send(Action::Worker(Response::ImageOverview { session: 7, overview: Box::new(overview) }));
    settle().await;
    let shown = root.query_selector("#image-preview h3.tags").unwrap().expect("the overview is shown");
    assert_eq!(shown.text_content().unwrap(), tags);
    // a1's config records 14 history steps for its 4 layers (GNU tar and python read it so).
    assert_eq!(root.query_selector_all("#image-preview tr.history-step").unwrap().length(), 14, "a row per history step");
    assert!(root.query_selector("#image-preview ~ .progress[role=status]").unwrap().is_some(), "the progress is below the overview");
    assert!(root.query_selector(".archive").unwrap().is_none(), "no full report yet");
    // Cancelled: no error, and neither the overview nor the progress stays.
    send(failed(7, "cancelled", "the analysis was cancelled."));
    settle().await;
    assert!(root.query_selector("#image-preview").unwrap().is_none());
    assert!(root.query_selector(".progress").unwrap().is_none());
    assert!(root.query_selector("#image-error").unwrap().is_none(), "a cancellation is not an error");
}

#[wasm_bindgen_test]
async fn an_archive_error_is_named_once_and_keeps_its_code() {
    let (root, send) = image_page().await;
    send(Action::ImageStarted { session: 3, name: "cut.tar".into(), size: 1024, now_ms: 0.0 });
    send(failed(3, "truncated", "the archive is truncated: it ends at byte 1024 in a header."));
    settle().await;
    let error = root.query_selector("#image-error").unwrap().expect("the error is shown");
    assert_eq!(error.get_attribute("data-code").as_deref(), Some("truncated"));
    assert_eq!(error.query_selector("p").unwrap().unwrap().text_content().unwrap(), "cut.tar: the archive is truncated: it ends at byte 1024 in a header.");
}

#[wasm_bindgen_test]
async fn digest_checks_show_their_progress() {
    let analysis = tarsier::core::image::analyze(std::io::Cursor::new(A1), A1.len() as u64, &Options::named("a1.tar"), &mut |_| tarsier::core::image::Flow::Continue).unwrap();
    let (root, send) = image_page().await;
    send(Action::ImageStarted { session: 1, name: "a1.tar".into(), size: A1.len() as u64, now_ms: 0.0 });
    send(Action::Worker(Response::ImageOpened { session: 1, result: Ok(Box::new(analysis.report.clone())), stats: WorkerStats::default() }));
    send(Action::Asked { id: 2, what: tarsier::web::state::Asked::Verify });
    let progress = tarsier::core::image::Progress {
        phase: tarsier::core::image::Phase::Verifying, bytes_done: 512, bytes_total: 2048, files_seen: 0, current: String::new(),
    };
    // The worker reports a digest check's progress under the Verify request's id.
    send(Action::ImageProgressAt { session: 2, progress, now_ms: 1.0 });
    settle().await;
    let bar = root.query_selector(".verify-progress progress").unwrap().expect("the digest check's progress is shown");
    assert_eq!(bar.get_attribute("value").as_deref(), Some("25.0"));
}

#[wasm_bindgen_test]
fn a_preview_crosses_as_bytes_beside_the_json() {
    use tarsier::web::protocol::{attached_bytes, decode, encode_with_bytes, FileAt, FileContent};
    let analysis = tarsier::core::image::analyze(std::io::Cursor::new(A1), A1.len() as u64, &Options::named("a1.tar"), &mut |_| tarsier::core::image::Flow::Continue).unwrap();
    let entry = analysis.merged_entry(0, "etc/passwd").unwrap();
    let bytes = b"root:x:0:0:root:/root:/bin/sh\n".to_vec();
    let content = FileContent { entry, version: None, offset: 0, first_line: Some(1), bytes: bytes.clone() };
    let mut response = Response::FileRead { id: 1, at: FileAt::merged("etc/passwd"), result: Ok(content) };
    let taken = response.take_bytes().unwrap();
    assert_eq!(taken, bytes);
    let (message, transfer) = encode_with_bytes(&response, &taken).unwrap();
    assert_eq!(transfer.length(), 1, "the buffer is in the transfer list");
    let json = js_sys::Reflect::get(&message, &"json".into()).unwrap().as_string().unwrap();
    assert!(!json.contains("\"bytes\""), "no bytes in the JSON: {json}");
    let (mut back, _) = decode::<Response>(&message).unwrap();
    back.put_bytes(attached_bytes(&message).unwrap());
    let Response::FileRead { at, result: Ok(content), .. } = back else { panic!("not a FileRead") };
    assert_eq!(content.bytes, bytes);
    assert_eq!((at, content.first_line), (FileAt::merged("etc/passwd"), Some(1)));
}

#[wasm_bindgen_test]
fn a_stale_seccomp_answer_never_replaces_the_latest() {
    use tarsier::core::seccomp::{builtin::Builtin, evaluate, summarize, Context};
    use tarsier::web::protocol::{Evaluated, SeccompSide, SeccompSource};
    use yew::Reducible;
    let side = SeccompSide { source: SeccompSource::Builtin(Builtin::Docker), context: Context::docker_default() };
    let eval = evaluate(&Builtin::Docker.profile().unwrap(), &side.context);
    let answer = Evaluated { label: "docker".into(), summary: summarize(&eval), eval, unknown_fields: vec![], ms: 0.0 };
    let s = Rc::new(AppState::default()).reduce(Action::SeccompSent { id: 1, sides: Rc::new(vec![side.clone()]) });
    let s = s.reduce(Action::SeccompSent { id: 2, sides: Rc::new(vec![side]) });
    let s = s.reduce(Action::Worker(Response::Seccomp { id: 1, results: vec![Err("old".into())] }));
    assert!(s.seccomp.results.is_none() && s.seccomp.pending());
    let s = s.reduce(Action::Worker(Response::Seccomp { id: 2, results: vec![Ok(answer)] }));
    assert!(!s.seccomp.pending());
    let mount = s.seccomp.results.as_ref().unwrap()[0].as_ref().unwrap().eval.verdict("mount").unwrap().outcome.word();
    assert_eq!(mount, "EPERM");
}

#[wasm_bindgen_test]
fn a_pasted_apparmor_profile_is_shown_when_its_answer_is_the_latest() {
    use tarsier::web::state::{LocalPaste, Status};
    use yew::Reducible;
    let text = "profile foo {\n  deny mount,\n}\n";
    let parsed = tarsier::core::apparmor_profile::parse(text).unwrap();
    let s = Rc::new(AppState::default()).reduce(Action::PasteSent { id: 4, text: text.into() });
    let s = s.reduce(Action::PasteSent { id: 5, text: text.into() });
    let s = s.reduce(Action::Worker(Response::AppArmorProfile { id: 4, result: Err("stale".into()) }));
    assert_eq!(s.paste.status, Status::Pending);
    let s = s.reduce(Action::Worker(Response::AppArmorProfile { id: 5, result: Ok(parsed) }));
    assert_eq!(s.paste.status, Status::Done);
    assert!(matches!(&s.paste.local, Some(LocalPaste::AppArmorProfile(p)) if p.items.len() == 3));
    assert_eq!(s.paste.text, text);
}
