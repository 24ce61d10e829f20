//! The layers the images of one archive, or of several dropped at once, share (dive#547): an
//! images × images table of the
//! layers and bytes each pair has in common (by diff_id; the diagonal is each image's own
//! total), the layers only one image has, and what storing them all once saves — the core's
//! [`layer_matrix`], as `tarsier shared` prints it.

use super::digest::Digest;
use super::format::{human, plural, tags_or_untagged};
use crate::core::compare::{layer_matrix, LayerMatrix};
use crate::core::image::Report;
use yew::prelude::*;

fn image_name(m: &LayerMatrix, i: usize) -> String {
    let several = m.images.iter().any(|x| m.images.first().is_some_and(|f| f.archive != x.archive));
    m.images.get(i).map_or_else(String::new, |img| {
        let tags = tags_or_untagged(&img.tags);
        if several { format!("{} image {}: {tags}", img.archive, img.index) } else { format!("image {}: {tags}", img.index) }
    })
}

/// The disclosure with the matrix of `report`'s images (nothing for a single image).
pub fn layer_matrix_view(report: &Report) -> Html {
    if report.images.len() < 2 {
        return html! {};
    }
    let m = layer_matrix(&[(report.archive.name.as_str(), report)]);
    html! {
        <details class="layer-matrix">
            <summary>{ format!("Layers these {} images share", m.images.len()) }</summary>
            { matrix_view(&m) }
        </details>
    }
}

/// The totals, the table and the layers only one image has.
pub fn matrix_view(m: &LayerMatrix) -> Html {
    let saved = m.bytes_each_alone.saturating_sub(m.bytes_stored_once);
    html! {
        <>
            <p class="matrix-totals">{ format!(
                "{} distinct layers: {} if each image is stored alone, {} stored together ({} shared).",
                m.layers.len(), human(m.bytes_each_alone), human(m.bytes_stored_once), human(saved)
            ) }</p>
            <table class="matrix">
                <caption>{"Layers (and bytes) each pair of images has in common; the diagonal is the image's own"}</caption>
                <thead><tr><td></td>{ for (0..m.images.len()).map(|j| html! { <th scope="col">{ image_name(m, j) }</th> }) }</tr></thead>
                <tbody>
                { for m.shared.iter().enumerate().map(|(i, row)| html! {
                    <tr>
                        <th scope="row">{ image_name(m, i) }</th>
                        { for row.iter().enumerate().map(|(j, c)| html! {
                            <td class={classes!((i == j).then_some("own"), (c.layers == 0).then_some("none"))} data-layers={c.layers.to_string()} data-bytes={c.bytes.to_string()}>
                                { format!("{}, {}", plural(c.layers as u64, "layer", "layers"), human(c.bytes)) }
                            </td>
                        }) }
                    </tr>
                }) }
                </tbody>
            </table>
            <ul class="matrix-unique" aria-label="Layers only one image has">
                { for (0..m.images.len()).map(|i| {
                    let own: Vec<_> = m.unique_to(i).collect();
                    let bytes = own.iter().fold(0u64, |s, l| s.saturating_add(l.size));
                    html! {
                        <li data-image={i.to_string()} data-unique={own.len().to_string()}>
                            { format!("Only in {}: {}, {}", image_name(m, i), plural(own.len() as u64, "layer", "layers"), human(bytes)) }
                            if !own.is_empty() {
                                <ul>{ for own.iter().map(|l| html! {
                                    <li><Digest digest={l.id.clone()} />{ format!(" {} ", human(l.size)) }
                                        <span class="hint">{ l.created_by.clone().unwrap_or_default() }</span></li>
                                }) }</ul>
                            }
                        </li>
                    }
                }) }
            </ul>
        </>
    }
}
