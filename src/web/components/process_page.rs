//! The process page: the paste box, the comparison in progress, the decode's status, the
//! capability builder, and the decoded report (masks, one status dump or two side by side, an
//! AppArmor label).

use super::apparmor_view::AppArmorView;
use super::cap_builder::CapBuilder;
use super::compare_view::CompareView;
use super::mask_view::MaskList;
use super::paste_box::PasteBox;
use super::status_view::{process_title, StatusView};
use crate::core::paste::PasteReport;
use crate::web::analyzer::Analyzer;
use crate::web::state::{PasteState, Status};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub paste: PasteState,
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
    let on_build = {
        let analyzer = analyzer.clone();
        Callback::from(move |hex: String| analyzer.paste(hex))
    };
    html! {
        <>
            <PasteBox text={AttrValue::from(paste.text.clone())} on_change={on_paste} {on_oversize} />
            if let Some(pinned) = &paste.pinned {
                <p class="card pinned" role="status">
                    { format!("Comparing against {}. Paste a second dump to see them side by side. ", pinned.title) }
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
            if let Some(report) = &paste.shown {
                { view_report(report, &analyzer, paste.pinned.is_some()) }
            }
        </>
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

fn view_report(report: &Rc<PasteReport>, analyzer: &Analyzer, pinned: bool) -> Html {
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
                        <StatusView report={report} />
                    </>
                }
            }
            [left, right, ..] => {
                let left = Rc::new(left.clone());
                let right = Rc::new(right.clone());
                html! {
                    <>
                        <CompareView left={left.clone()} right={right.clone()} diffs={Rc::new(s.comparison.clone())} />
                        <div class="side-by-side">
                            <StatusView report={left} />
                            <StatusView report={right} />
                        </div>
                    </>
                }
            }
            [] => html! {},
        },
    }
}
