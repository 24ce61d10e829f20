//! The container image page: the drop zone, then the archive being indexed (its overview as
//! soon as the worker has it, the progress below), then the archive on screen. While a new
//! archive's overview is shown it takes the place of the one on screen, which comes back if the
//! new one fails or is cancelled.

use super::compare_page::{CompareControls, ComparePage};
use super::drop_zone::DropZone;
use super::image::preview::OverviewPreview;
use super::image::progress::IndexProgress;
use super::image::ImageExplorer;
use crate::web::analyzer::Analyzer;
use crate::web::compare_state::CompareState;
use crate::web::state::ImageState;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub image: ImageState,
    /// Whether a file is being dragged over the page.
    pub dragging: bool,
    /// Two images compared (shown in place of the archive on screen while open).
    pub compare: CompareState,
}

#[function_component(ImagePage)]
pub fn image_page(props: &Props) -> Html {
    let Some(analyzer) = use_context::<Analyzer>() else { return html! {} };
    let image = &props.image;
    let on_file = {
        let a = analyzer.clone();
        Callback::from(move |file: web_sys::File| a.open_image(file))
    };
    let on_cancel = {
        let a = analyzer.clone();
        Callback::from(move |()| a.cancel_image())
    };
    let on_dismiss = Callback::from(move |()| analyzer.dismiss_image_error());
    let overview = image.loading.as_ref().and_then(|l| l.overview.clone());
    html! {
        <>
            <DropZone error={image.error.clone()} {on_file} {on_dismiss} dragging={props.dragging}
                compact={image.loaded.is_some()} showing={image.loaded.as_ref().map(|l| l.report.archive.name.clone())} />
            if let Some(overview) = &overview {
                <OverviewPreview overview={overview.clone()} />
            }
            if let Some(loading) = &image.loading {
                <IndexProgress loading={loading.clone()} {on_cancel} />
            }
            if let (Some(loaded), None) = (&image.loaded, &overview) {
                <CompareControls loaded={loaded.clone()} />
            }
            if props.compare.open {
                <ComparePage compare={props.compare.clone()} />
            } else if let (Some(loaded), None) = (&image.loaded, &overview) {
                <ImageExplorer loaded={loaded.clone()} view={image.view} />
            }
        </>
    }
}
