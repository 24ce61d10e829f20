//! Files: the merged filesystem as a tree (directories listed on demand by the worker, long
//! directories rendered a slice at a time), deleted and hidden paths struck through with the
//! layer that removed them, search by name or glob, sort by size, and filters.

use crate::core::image::{EntryKind, MergedEntry, MergedStatus};
use crate::web::analyzer::{Analyzer, SEARCH_LIMIT};
use crate::web::components::format::human;
use crate::web::state::{Loaded, Remote};
use std::collections::BTreeMap;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Children rendered per directory before a "show more" button.
pub const SLICE: usize = 500;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub loaded: Loaded,
}

#[derive(Clone, Copy, PartialEq)]
enum Filter {
    Tree,
    Layer(usize),
    Findings,
    Wasted,
}

#[function_component(Files)]
pub fn files(props: &Props) -> Html {
    let Some(analyzer) = use_context::<Analyzer>() else { return html! {} };
    let loaded = &props.loaded;
    let image = loaded.image;
    let filter = use_state(|| Filter::Tree);
    let shown = use_state(BTreeMap::<String, usize>::new);
    let query = use_state(String::new);

    // Ask the worker for every listing the tree needs and does not have.
    {
        let analyzer = analyzer.clone();
        let mut wanted: Vec<String> = vec![String::new()];
        wanted.extend(loaded.expanded.iter().filter(|(i, _)| *i == image).map(|(_, p)| p.clone()));
        let missing: Vec<String> = wanted.into_iter().filter(|p| !loaded.dirs.contains_key(&(image, p.clone()))).collect();
        use_effect_with((image, missing), move |(image, missing)| {
            for path in missing {
                analyzer.list_dir(*image, path.clone());
            }
        });
    }

    let on_search = {
        let analyzer = analyzer.clone();
        let query = query.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if !query.trim().is_empty() {
                analyzer.search(query.trim().to_owned());
            }
        })
    };
    let on_query = crate::web::components::inputs::typed_into(&query);
    let on_filter = {
        let filter = filter.clone();
        let analyzer = analyzer.clone();
        Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<HtmlSelectElement>() else { return };
            let value = select.value();
            let f = match value.as_str() {
                "findings" => Filter::Findings,
                "wasted" => Filter::Wasted,
                v => match v.strip_prefix("layer-").and_then(|n| n.parse().ok()) {
                    Some(n) => {
                        analyzer.show_layer(n, 0);
                        Filter::Layer(n)
                    }
                    None => Filter::Tree,
                },
            };
            filter.set(f);
        })
    };
    let layer_count = loaded.report.images.get(image).map_or(0, |i| i.layers.len());
    let toggles = {
        let a = analyzer.clone();
        let b = analyzer.clone();
        let (deleted, by_size) = (loaded.show_deleted, loaded.sort_by_size);
        html! {
            <>
                <label><input type="checkbox" checked={deleted} onchange={Callback::from(move |_| a.set_show_deleted(!deleted))} />{" show deleted and hidden"}</label>
                <label><input type="checkbox" checked={by_size} onchange={Callback::from(move |_| b.set_sort_by_size(!by_size))} />{" sort by size"}</label>
            </>
        }
    };
    html! {
        <div class="files">
            <form class="row search" role="search" onsubmit={on_search}>
                <label for="file-search">{"Find files"}</label>
                <input type="search" id="file-search" placeholder="name, part of it, or a glob like *.conf or etc/*/passwd"
                    value={(*query).clone()} oninput={on_query} />
                <button type="submit">{"Search"}</button>
            </form>
            <div class="row">
                <label for="file-filter">{"Show "}</label>
                <select id="file-filter" onchange={on_filter}>
                    <option value="tree" selected={*filter == Filter::Tree}>{"the whole merged tree"}</option>
                    { for (0..layer_count).map(|n| html! {
                        <option value={format!("layer-{n}")} selected={*filter == Filter::Layer(n)}>{ format!("changed in layer {n}") }</option>
                    }) }
                    <option value="findings" selected={*filter == Filter::Findings}>{"findings only"}</option>
                    <option value="wasted" selected={*filter == Filter::Wasted}>{"wasted space only"}</option>
                </select>
                { toggles }
            </div>
            { search_results(loaded, &analyzer) }
            { match *filter {
                Filter::Tree => html! {
                    <ul class="tree" aria-label="Merged filesystem">
                        { dir_children(loaded, "", 0, &analyzer, &shown) }
                    </ul>
                },
                Filter::Layer(_) => html! { <super::layers::Layers loaded={loaded.clone()} /> },
                Filter::Findings => html! { <super::findings::Findings loaded={loaded.clone()} /> },
                Filter::Wasted => html! { <super::wasted::Wasted loaded={loaded.clone()} /> },
            } }
        </div>
    }
}

fn search_results(loaded: &Loaded, analyzer: &Analyzer) -> Html {
    let Some((pattern, result)) = &loaded.search else { return html! {} };
    let close = {
        let a = analyzer.clone();
        Callback::from(move |_| a.close_search())
    };
    let body = match result {
        Remote::NotAsked => html! {},
        Remote::Waiting(_) => html! { <p class="pending">{"Searching…"}</p> },
        Remote::Failed(e) => html! { <p class="error">{ e.message.clone() }</p> },
        Remote::Ready(hits) => html! {
            <>
                <p>{ if hits.len() >= SEARCH_LIMIT { format!("The first {} matches:", hits.len()) } else { format!("{}.", crate::web::components::format::plural(hits.len() as u64, "match", "matches")) } }</p>
                <ul class="hits">
                    { for hits.iter().map(|h| {
                        let path = h.path.clone();
                        let a = analyzer.clone();
                        let gone = h.status != MergedStatus::Present;
                        html! {
                            <li class={classes!(gone.then_some("deleted"))}>
                                <button type="button" class="link" onclick={Callback::from(move |_| a.open_file(path.clone()))}>{ format!("/{}", h.path) }</button>
                                <span class="hint">{ format!(" {} · layer {}{}", human(h.size), h.layer, if gone { " · deleted" } else { "" }) }</span>
                            </li>
                        }
                    }) }
                </ul>
            </>
        },
    };
    html! {
        <section class="card search-results" aria-label="Search results">
            <h3>{ format!("Files matching {pattern:?}") }</h3>
            <button type="button" onclick={close}>{"Close search"}</button>
            { body }
        </section>
    }
}

fn dir_children(loaded: &Loaded, path: &str, depth: usize, analyzer: &Analyzer, shown: &UseStateHandle<BTreeMap<String, usize>>) -> Html {
    let key = (loaded.image, path.to_owned());
    match loaded.dirs.get(&key) {
        None | Some(Remote::NotAsked) | Some(Remote::Waiting(_)) => html! { <li class="pending">{"Listing…"}</li> },
        Some(Remote::Failed(e)) => html! { <li class="error">{ e.message.clone() }</li> },
        Some(Remote::Ready(children)) => {
            let mut items: Vec<&MergedEntry> = children.iter().collect();
            if loaded.sort_by_size {
                items.sort_by(|a, b| b.size.cmp(&a.size).then_with(|| a.name.cmp(&b.name)));
            }
            let limit = shown.get(path).copied().unwrap_or(SLICE);
            let rest = items.len().saturating_sub(limit);
            let more = {
                let shown = shown.clone();
                let path = path.to_owned();
                Callback::from(move |_| {
                    let mut next = (*shown).clone();
                    next.insert(path.clone(), limit + SLICE);
                    shown.set(next);
                })
            };
            html! {
                <>
                    { for items.into_iter().take(limit).map(|e| node(loaded, e, depth, analyzer, shown)) }
                    if rest > 0 {
                        <li><button type="button" onclick={more}>{ format!("Show {} more ({rest} left)", rest.min(SLICE)) }</button></li>
                    }
                    if children.is_empty() { <li class="hint">{"(empty)"}</li> }
                </>
            }
        }
    }
}

fn node(loaded: &Loaded, e: &MergedEntry, depth: usize, analyzer: &Analyzer, shown: &UseStateHandle<BTreeMap<String, usize>>) -> Html {
    let image = loaded.image;
    let is_dir = e.kind == EntryKind::Dir;
    let expanded = is_dir && loaded.expanded.contains(&(image, e.path.clone()));
    let gone = e.status != MergedStatus::Present;
    let path = e.path.clone();
    let a = analyzer.clone();
    let label = match (e.kind, &e.link_target) {
        (EntryKind::Symlink | EntryKind::Hardlink, Some(t)) => format!("{} → {t}", e.name),
        _ if is_dir => format!("{}/", e.name),
        _ => e.name.clone(),
    };
    let status = match e.status {
        MergedStatus::Present => String::new(),
        MergedStatus::Deleted => format!("deleted in layer {}", e.layer),
        MergedStatus::Hidden => format!("hidden by an opaque directory in layer {}", e.layer),
    };
    let toggle = {
        let a = analyzer.clone();
        let path = path.clone();
        Callback::from(move |_| a.toggle_dir(image, path.clone()))
    };
    let open = Callback::from(move |_| a.open_file(path.clone()));
    html! {
        <li class={classes!("node", gone.then_some("deleted"))}
            data-path={e.path.clone()} key={e.path.clone()}>
            <div class="node-row">
                if is_dir && !gone {
                    <button type="button" class="twisty" aria-expanded={expanded.to_string()} aria-label={format!("{} {}", if expanded { "Collapse" } else { "Expand" }, e.name)} onclick={toggle}>{ if expanded { "▾" } else { "▸" } }</button>
                } else {
                    <span class="twisty-space" aria-hidden="true"></span>
                }
                <code class="mode">{ e.mode_str.clone() }</code>
                <button type="button" class="link name" onclick={open}>
                    if gone { <del>{ label }</del> } else { { label } }
                </button>
                <span class="size">{ if is_dir { crate::web::components::format::plural(e.children, "item", "items") } else { human(e.size) } }</span>
                <span class="hint">{ format!(" layer {}", e.layer) }</span>
                if !status.is_empty() { <span class="status">{ format!(" — {status}") }</span> }
                if let Some(c) = &e.capabilities { <span class="badge">{ crate::web::components::format::caps_plus_form(c) }</span> }
            </div>
            if expanded {
                <ul>{ dir_children(loaded, &e.path, depth + 1, analyzer, shown) }</ul>
            }
        </li>
    }
}
