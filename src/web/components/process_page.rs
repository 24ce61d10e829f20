//! The process page: the paste box, the comparison in progress, the decode's status, the
//! capability builder, and the decoded report (masks, one status dump or two side by side, an
//! AppArmor label).

use super::apparmor_view::{AppArmorProfileView, AppArmorView};
use super::seccomp_view::SyscallView;
use super::cap_builder::CapBuilder;
use super::compare_view::CompareView;
use super::disclosure::Disclosure;
use super::cross_check_view::{CrossCheckCard, OpenImage};
use super::mask_view::MaskList;
use super::paste_box::PasteBox;
use super::status_view::{process_title, StatusView};
use crate::core::paste::PasteReport;
use crate::web::analyzer::Analyzer;
use crate::core::caps::{CapSet, DOCKER_DEFAULT};
use crate::web::state::{LocalPaste, PasteState, SeccompState, Status};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub paste: PasteState,
    /// The image open in the image tool, if any: a single dump is checked against it.
    #[prop_or_default]
    pub image: Option<OpenImage>,
    /// The system-call view's answers from the worker.
    #[prop_or_default]
    pub seccomp: SeccompState,
}

#[function_component(ProcessPage)]
pub fn process_page(props: &Props) -> Html {
    let Some(analyzer) = use_context::<Analyzer>() else { return html! {} };
    let paste = &props.paste;
    let on_paste = {
        let analyzer = analyzer.clone();
        Callback::from(move |text: String| analyzer.paste(text))
    };
    let on_oversize = {
        let analyzer = analyzer.clone();
        Callback::from(move |bytes: usize| analyzer.oversize(bytes))
    };
    let syscalls = use_state(|| None::<Opened>);
    let on_build = {
        let analyzer = analyzer.clone();
        Callback::from(move |hex: String| analyzer.paste(hex))
    };
    html! {
        <>
            if let Some(note) = &paste.note { <p class="card file-note" role="status" id="file-note">{ note.clone() }</p> }
            <PasteBox text={AttrValue::from(paste.text.clone())} on_change={on_paste} {on_oversize} />
            if let Some(pinned) = &paste.pinned {
                <p class="card pinned" role="status">
                    { if comparing(paste) {
                        format!("Comparing against {} (kept aside). Paste another dump in the box to compare it with {} instead. ", pinned.title, pinned.title)
                    } else {
                        format!("Comparing against {}. Paste a second dump to see them side by side. ", pinned.title)
                    } }
                    <button type="button" onclick={ let a = analyzer.clone(); Callback::from(move |_| a.unpin()) }>{"Stop comparing"}</button>
                </p>
            }
            <div class="status" aria-live="polite">
                { match &paste.status {
                    Status::Pending => html! { <p class="pending">{"Decoding…"}</p> },
                    Status::Failed(message) => html! { <p class="error" role="alert" id="paste-error">{ message.clone() }</p> },
                    _ => html! {},
                } }
            </div>
            <CapBuilder on_decode={on_build} />
            { match (&paste.local, &paste.shown) {
                (Some(local), _) => view_local(local, &props.seccomp),
                (None, Some(report)) => view_report(report, &analyzer, paste.pinned.is_some(), &syscalls),
                (None, None) => html! {},
            } }
            { view_cross(paste, props.image.as_ref()) }
            { view_syscalls(&syscalls, paste.local.is_some(), &props.seccomp) }
        </>
    }
}

/// Whether two dumps are shown side by side.
fn comparing(paste: &PasteState) -> bool {
    matches!(paste.shown.as_deref(), Some(PasteReport::Status(s)) if s.dumps.len() >= 2)
}

/// Process ↔ image checks: a single status dump shown and an image open.
fn view_cross(paste: &PasteState, image: Option<&OpenImage>) -> Html {
    match (&paste.local, &paste.shown, image) {
        (None, Some(report), Some(image)) if matches!(report.as_ref(), PasteReport::Status(s) if s.dumps.len() == 1) => html! {
            <CrossCheckCard status={AttrValue::from(paste.text.clone())} image={image.clone()} />
        },
        _ => html! {},
    }
}

/// What the system-call view was opened with: a bounding set, a note, and a count that makes
/// each opening a fresh view.
#[derive(Debug, Clone, PartialEq)]
struct Opened {
    bounding: CapSet,
    note: Option<String>,
    key: u32,
}

type SyscallsState = UseStateHandle<Option<Opened>>;

fn open_syscalls(syscalls: &SyscallsState) -> Callback<(CapSet, String)> {
    let syscalls = syscalls.clone();
    Callback::from(move |(bounding, note): (CapSet, String)| {
        let key = syscalls.as_ref().map_or(0, |o| o.key.wrapping_add(1));
        syscalls.set(Some(Opened { bounding, note: Some(note), key }));
    })
}

/// The system-call view, or the button that opens it with Docker's defaults.
fn view_syscalls(syscalls: &SyscallsState, local: bool, seccomp: &SeccompState) -> Html {
    if local {
        return html! {};
    }
    match syscalls.as_ref() {
        Some(o) => html! { <SyscallView key={o.key} bounding={o.bounding} note={o.note.clone().map(AttrValue::from)} seccomp={seccomp.clone()} /> },
        None => {
            let s = syscalls.clone();
            let onclick = Callback::from(move |_| s.set(Some(Opened { bounding: DOCKER_DEFAULT, note: None, key: 0 })));
            html! {
                <p class="row"><button type="button" id="syscalls-button" {onclick}>{"System calls: what may a container call?"}</button>
                <span class="hint">{" Docker's, podman's or a pasted seccomp profile, call by call."}</span></p>
            }
        }
    }
}

fn view_local(local: &LocalPaste, seccomp: &SeccompState) -> Html {
    match local {
        LocalPaste::Seccomp(text) => html! { <SyscallView key={text.len()} custom={text.clone()} bounding={DOCKER_DEFAULT} seccomp={seccomp.clone()} /> },
        LocalPaste::AppArmorProfile(p) => html! { <AppArmorProfileView profile={p.clone()} /> },
    }
}

/// The document title for what the process page shows.
pub fn page_title(shown: Option<&PasteReport>) -> String {
    match shown {
        Some(PasteReport::Masks(masks)) => format!("{} capability mask{} — Tarsier", masks.len(), if masks.len() == 1 { "" } else { "s" }),
        Some(PasteReport::Status(s)) => match s.dumps.as_slice() {
            [one] => format!("{} — Tarsier", process_title(one)),
            [a, b, ..] => format!("{} vs {} — Tarsier", process_title(a), process_title(b)),
            [] => "Tarsier".to_owned(),
        },
        Some(PasteReport::AppArmor(_)) => "AppArmor label — Tarsier".to_owned(),
        None => "Tarsier".to_owned(),
    }
}

fn view_report(report: &Rc<PasteReport>, analyzer: &Analyzer, pinned: bool, syscalls: &SyscallsState) -> Html {
    match report.as_ref() {
        PasteReport::Masks(masks) => html! { <MaskList masks={Rc::new(masks.clone())} /> },
        PasteReport::AppArmor(label) => html! { <AppArmorView label={Rc::new(label.clone())} /> },
        PasteReport::Status(s) => match s.dumps.as_slice() {
            [one] => {
                let report = Rc::new(one.clone());
                let pin = {
                    let analyzer = analyzer.clone();
                    let title = process_title(&report);
                    Callback::from(move |_| analyzer.pin(title.clone()))
                };
                html! {
                    <>
                        if !pinned {
                            <p class="row"><button type="button" id="compare-button" onclick={pin}>{"Compare with another dump"}</button>
                            <span class="hint">{"Keeps this dump aside; paste a second one (a host process and a container's, say) to see both side by side."}</span></p>
                        }
                        <StatusView report={report} on_syscalls={open_syscalls(syscalls)} />
                    </>
                }
            }
            [left, right, ..] => {
                let left = Rc::new(left.clone());
                let right = Rc::new(right.clone());
                let label = format!("Both full reports: {} and {}", process_title(&left), process_title(&right));
                html! {
                    <>
                        <CompareView left={left.clone()} right={right.clone()} diffs={Rc::new(s.comparison.clone())} />
                        <Disclosure class={classes!("full-reports")} {label}>
                            <div class="side-by-side">
                                <StatusView report={left} anchor="left" />
                                <StatusView report={right} anchor="right" />
                            </div>
                        </Disclosure>
                    </>
                }
            }
            [] => html! {},
        },
    }
}
