//! Layers: one row per layer of the selected image (sizes, files, changes, the full command
//! that made it); selecting one lists its entries as a tree.

use crate::core::image::{Compression, EntryKind, EntryReport, LayerReport};
use crate::web::analyzer::{Analyzer, PAGE};
use crate::web::components::digest::Digest;
use crate::web::components::format::{caps_plus_form, human};
use crate::web::components::scroll_box::scroll_box;
use crate::web::state::{Loaded, Remote};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub loaded: Loaded,
}

#[function_component(Layers)]
pub fn layers(props: &Props) -> Html {
    let Some(analyzer) = use_context::<Analyzer>() else { return html! {} };
    let loaded = &props.loaded;
    let report = &loaded.report;
    let Some(img) = report.images.get(loaded.image) else { return html! {} };
    html! {
        <div class="layers">
            { scroll_box("Layers table", html! {
            <table class="layer-table">
                <thead><tr>
                    <th scope="col">{"#"}</th><th scope="col">{"Digest"}</th><th scope="col">{"Size"}</th><th scope="col">{"Entries"}</th>
                    <th scope="col">{"Added / modified / deleted"}</th><th scope="col">{"Wasted"}</th><th scope="col">{"Created by"}</th>
                </tr></thead>
                <tbody>
                { for img.layers.iter().enumerate().map(|(pos, il)| {
                    let Some(l) = report.layers.get(il.layer) else { return html! {} };
                    let shared = l.images.len() > 1;
                    let selected = loaded.layer == Some(pos);
                    let a = analyzer.clone();
                    let digest = l.digest.clone().or_else(|| il.diff_id.clone()).unwrap_or_default();
                    html! {
                        <tr key={pos} class={classes!("layer-row", selected.then_some("selected"))}>
                            <td><button type="button" class="layer-select" aria-pressed={selected.to_string()}
                                onclick={Callback::from(move |_| a.show_layer(pos, 0))}>{ format!("Layer {pos}") }</button></td>
                            <td data-label="Digest"><Digest digest={digest} />
                                if shared { <span class="badge shared" title={format!("used by images {}", image_list(&l.images))}>{"shared"}</span> }</td>
                            <td class="num size" data-label="Size">{ size_cell(l) }</td>
                            <td class="num" data-label="Entries">{ l.entry_count }</td>
                            <td class="num" data-label="Added / modified / deleted">{ format!("+{} ~{} −{}", il.changes.added, il.changes.modified, il.changes.deleted) }</td>
                            <td class="num" data-label="Wasted">{ human(il.changes.wasted_bytes) }</td>
                            <td class="created-by" data-label="Created by"><pre>{ il.created_by.clone().unwrap_or_default() }</pre></td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>
            }) }
            if let Some(pos) = loaded.layer {
                { layer_changes(loaded, pos, &analyzer) }
            }
        </div>
    }
}

/// A layer's sizes, each with its label: unpacked, then compressed with the method (or not).
fn size_cell(l: &LayerReport) -> Html {
    let packed = match l.compression {
        Compression::None => "not compressed".to_owned(),
        method => format!("compressed {} ({})", human(l.compressed_size), method.as_str()),
    };
    html! {
        <>
            <span class="nowrap">{ human(l.uncompressed_size) }</span>{" "}<span class="hint">{"unpacked"}</span><br/>
            <span class="hint">{ packed }</span>
        </>
    }
}

/// Images by number for a title (`1, 2`), counted from 1 as the image switcher counts them.
fn image_list(images: &[usize]) -> String {
    images.iter().map(|i| (i + 1).to_string()).collect::<Vec<_>>().join(", ")
}

fn layer_changes(loaded: &Loaded, pos: usize, analyzer: &Analyzer) -> Html {
    let body = match &loaded.layer_page {
        Remote::NotAsked => html! {},
        Remote::Waiting(_) => html! { <p class="pending">{"Listing…"}</p> },
        Remote::Failed(e) => html! { <p class="error">{ e.message.clone() }</p> },
        Remote::Ready(page) => {
            let mut items: Vec<&EntryReport> = page.items.iter().collect();
            items.sort_by(|a, b| a.path.cmp(&b.path));
            let prev = page.offset.checked_sub(PAGE).map(|o| {
                let a = analyzer.clone();
                Callback::from(move |_| a.show_layer(pos, o))
            });
            let next_offset = page.offset + page.items.len();
            let next = (next_offset < page.total).then(|| {
                let a = analyzer.clone();
                Callback::from(move |_| a.show_layer(pos, next_offset))
            });
            html! {
                <>
                    <p>{ format!("Entries {}–{} of {} (tar order pages, shown as a tree).", page.offset + 1, next_offset, page.total) }</p>
                    <div class="row">
                        if let Some(cb) = prev { <button type="button" onclick={cb}>{"Previous page"}</button> }
                        if let Some(cb) = next { <button type="button" onclick={cb}>{"Next page"}</button> }
                    </div>
                    <ul class="layer-tree" aria-label={format!("Layer {pos} entries")}>
                        { for items.iter().map(|e| entry_row(e, analyzer)) }
                    </ul>
                </>
            }
        }
    };
    html! {
        <section class="card layer-changes" aria-label={format!("Changes in layer {pos}")}>
            <h3>{ format!("Layer {pos}: its entries") }</h3>
            { body }
        </section>
    }
}

fn entry_row(e: &EntryReport, analyzer: &Analyzer) -> Html {
    let depth = e.path.matches('/').count();
    let name = e.path.rsplit('/').next().unwrap_or(&e.path).to_owned();
    let (class, what) = match e.kind {
        EntryKind::Whiteout => ("whiteout", format!("deletes {}", e.whiteout_target.clone().unwrap_or_default())),
        EntryKind::Opaque => ("opaque", format!("hides what lower layers put in {}/", e.whiteout_target.clone().unwrap_or_default())),
        EntryKind::Dir => ("dir", String::new()),
        _ => ("", String::new()),
    };
    let link = e.link_target.as_ref().map(|t| format!(" → {t}")).unwrap_or_default();
    let caps = e.capabilities.as_ref().map(|c| format!(" [{}]", caps_plus_form(&c.text))).unwrap_or_default();
    let openable = matches!(e.kind, EntryKind::File | EntryKind::Hardlink | EntryKind::Symlink);
    let path = e.path.clone();
    let a = analyzer.clone();
    html! {
        <li class={classes!("entry", class, format!("depth-{}", depth.min(12)))}>
            <code class="mode">{ e.mode_str.clone() }</code>{" "}
            if openable {
                <button type="button" class="link" onclick={Callback::from(move |_| a.open_file(path.clone()))}>{ name }</button>
            } else {
                <span class="name">{ name }</span>
            }
            { link }{ caps }
            if !what.is_empty() { <span class="hint">{ format!(" — {what}") }</span> }
            if e.kind == EntryKind::File { <span class="size">{ format!(" {}", human(e.size)) }</span> }
        </li>
    }
}
