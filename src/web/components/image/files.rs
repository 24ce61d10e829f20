//! Files: the merged filesystem as a tree (directories listed on demand by the worker, long
//! directories rendered a slice at a time), deleted and hidden paths struck through with the
//! layer that removed them, search by name or glob, sort by size, and filters. A WAI-ARIA tree:
//! arrow keys move (roving tabindex), a folder's name opens it, folders show the total size
//! below them, and the open file's detail sits beside its row (below it on narrow screens).

use crate::core::image::{EntryKind, MergedEntry, MergedStatus};
use crate::web::analyzer::{Analyzer, SEARCH_LIMIT};
use super::file_detail::FileDetail;
use crate::web::components::format::{human, plural};
use crate::web::protocol::{FileAt, FileContent};
use crate::web::state::{Loaded, Remote, Shared};
use std::cell::Cell;
use std::collections::BTreeMap;
use wasm_bindgen::JsCast;
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
    let focused = use_state(|| None::<String>);
    // Set when "show more" moved the roving focus to the first row it draws: focus that row.
    let refocus = use_state(|| false);
    {
        let (refocus, focused) = (refocus.clone(), focused.clone());
        use_effect_with(*refocus, move |on| {
            if *on {
                focus_row((*focused).as_deref());
                refocus.set(false);
            }
        });
    }

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
    let placed = Cell::new(false);
    // The panel beside a row is positioned over the tree's margin: the area grows to hold it.
    use_effect(|| {
        let document = gloo::utils::document();
        // Through the CSS object model: the page's CSP refuses style attributes.
        let Some(area) = document.query_selector(".tree-area").ok().flatten().and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok()) else { return };
        let detail = document.query_selector(".tree .row-detail").ok().flatten().and_then(|d| d.dyn_into::<web_sys::HtmlElement>().ok());
        let _ = match detail {
            Some(d) => area.style().set_property("min-height", &format!("{}px", d.offset_top().saturating_add(d.offset_height()))),
            None => area.style().remove_property("min-height").map(|_| ()),
        };
    });
    let tree = if *filter == Filter::Tree { tree_area(loaded, &analyzer, &Rows { shown: shown.clone(), focused: focused.clone(), refocus: refocus.clone() }, &placed) } else { html! {} };
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
                Filter::Tree => tree,
                Filter::Layer(_) => html! { <super::layers::Layers loaded={loaded.clone()} /> },
                Filter::Findings => html! { <super::findings::Findings loaded={loaded.clone()} /> },
                Filter::Wasted => html! { <super::wasted::Wasted loaded={loaded.clone()} /> },
            } }
            // A file opened elsewhere (a search hit, a finding, a layer's version, a row not drawn).
            if !placed.get() {
                if let Some((at, content)) = &loaded.file { { detail_card(loaded, at, content) } }
            }
        </div>
    }
}

/// The tree in its area: the rows, what follows the top-level list, and the Tab stop.
/// Which rows are drawn and which one has the roving focus.
struct Rows {
    /// Rows drawn per directory (beyond the first [`SLICE`]).
    shown: UseStateHandle<BTreeMap<String, usize>>,
    /// The row last focused.
    focused: UseStateHandle<Option<String>>,
    /// Focus `focused` once drawn.
    refocus: UseStateHandle<bool>,
}

/// Focuses the tree item of `path`, if drawn.
fn focus_row(path: Option<&str>) {
    let Some(path) = path else { return };
    let Ok(items) = gloo::utils::document().query_selector_all("[role=tree] [role=treeitem]") else { return };
    let found = (0..items.length())
        .filter_map(|i| items.get(i)?.dyn_into::<web_sys::HtmlElement>().ok())
        .find(|item| path_of(item).as_deref() == Some(path));
    if let Some(item) = found {
        let _ = item.focus();
    }
}

fn tree_area(loaded: &Loaded, analyzer: &Analyzer, rows: &Rows, placed: &Cell<bool>) -> Html {
    let focused = &rows.focused;
    let image = loaded.image;
    let tab = tab_path(loaded, (*focused).as_ref());
    let ctx = Ctx { loaded, analyzer, rows, tab_path: &tab, placed };
    let (items, after) = dir_children(&ctx, "", 0);
    let on_focus = {
        let focused = focused.clone();
        Callback::from(move |e: FocusEvent| {
            let path = item_of(e.target()).and_then(|i| path_of(&i));
            if path.is_some() && path != *focused {
                focused.set(path);
            }
        })
    };
    let busy = !matches!(loaded.dirs.get(&(image, String::new())), Some(Remote::Ready(_)));
    html! {
        <div class={classes!("tree-area", placed.get().then_some("with-detail"))}>
            <ul class="tree" role="tree" aria-label="Merged filesystem" aria-busy={busy.then_some("true")}
                onkeydown={tree_keys(analyzer, image)} onfocusin={on_focus}>{ items }</ul>
            { after }
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

/// What the tree is drawn with: the component's state and the detail to place next to its row.
struct Ctx<'a> {
    loaded: &'a Loaded,
    analyzer: &'a Analyzer,
    rows: &'a Rows,
    /// The row that is in the Tab order (roving tabindex).
    tab_path: &'a str,
    /// Set once the open file's detail is drawn beside its row.
    placed: &'a Cell<bool>,
}

/// The size a row shows and sorts by: a directory's total below it, a file's own.
fn shown_size(e: &MergedEntry) -> u64 {
    if e.kind == EntryKind::Dir { e.tree_bytes } else { e.size }
}

/// A directory's listing in display order.
fn sorted(children: &[MergedEntry], by_size: bool) -> Vec<&MergedEntry> {
    let mut items: Vec<&MergedEntry> = children.iter().collect();
    if by_size {
        items.sort_by(|a, b| shown_size(b).cmp(&shown_size(a)).then_with(|| a.name.cmp(&b.name)));
    }
    items
}

/// Whether every directory above `path` is expanded (so its row is drawn).
fn row_visible(loaded: &Loaded, path: &str) -> bool {
    let mut parent = path;
    while let Some((up, _)) = parent.rsplit_once('/') {
        if !loaded.expanded.contains(&(loaded.image, up.to_owned())) {
            return false;
        }
        parent = up;
    }
    true
}

/// The row in the Tab order: the last one focused while it is still drawn, else the first.
fn tab_path(loaded: &Loaded, focused: Option<&String>) -> String {
    focused.filter(|p| row_visible(loaded, p)).cloned().unwrap_or_else(|| match loaded.dirs.get(&(loaded.image, String::new())) {
        Some(Remote::Ready(children)) => sorted(children, loaded.sort_by_size).first().map(|e| e.path.clone()).unwrap_or_default(),
        _ => String::new(),
    })
}

/// The children of `path` as tree items, and what follows them outside the list (a "show more"
/// button, a pending or failed listing).
fn dir_children(ctx: &Ctx, path: &str, depth: usize) -> (Html, Html) {
    let loaded = ctx.loaded;
    let key = (loaded.image, path.to_owned());
    match loaded.dirs.get(&key) {
        None | Some(Remote::NotAsked) | Some(Remote::Waiting(_)) => (html! {}, html! { <p class="pending">{"Listing…"}</p> }),
        Some(Remote::Failed(e)) => (html! {}, html! { <p class="error">{ e.message.clone() }</p> }),
        Some(Remote::Ready(children)) => {
            let items = sorted(children, loaded.sort_by_size);
            let limit = ctx.rows.shown.get(path).copied().unwrap_or(SLICE);
            let rest = items.len().saturating_sub(limit);
            let more = {
                let (shown, focused, refocus) = (ctx.rows.shown.clone(), ctx.rows.focused.clone(), ctx.rows.refocus.clone());
                let path = path.to_owned();
                // The focus goes to the first row the button draws (the button itself goes away).
                let first_new = items.get(limit).map(|e| e.path.clone());
                Callback::from(move |_| {
                    let mut next = (*shown).clone();
                    next.insert(path.clone(), limit + SLICE);
                    shown.set(next);
                    if first_new.is_some() {
                        focused.set(first_new.clone());
                        refocus.set(true);
                    }
                })
            };
            let list = html! { <>{ for items.into_iter().take(limit).map(|e| node(ctx, e, depth)) }</> };
            let after = html! {
                <>
                    if rest > 0 {
                        <button type="button" class="show-more" onclick={more}>{ format!("Show {} more ({rest} left)", rest.min(SLICE)) }</button>
                    }
                    if children.is_empty() { <p class="hint">{"(empty)"}</p> }
                </>
            };
            (list, after)
        }
    }
}

/// The tree item a click or key landed in.
fn item_of(target: Option<web_sys::EventTarget>) -> Option<web_sys::HtmlElement> {
    let el = target?.dyn_into::<web_sys::Element>().ok()?;
    el.closest("[role=treeitem]").ok().flatten()?.dyn_into::<web_sys::HtmlElement>().ok()
}

/// The path of a tree item (its list item's).
fn path_of(item: &web_sys::HtmlElement) -> Option<String> {
    item.parent_element()?.get_attribute("data-path")
}

fn node(ctx: &Ctx, e: &MergedEntry, depth: usize) -> Html {
    let (loaded, analyzer) = (ctx.loaded, ctx.analyzer);
    let image = loaded.image;
    let is_dir = e.kind == EntryKind::Dir;
    let gone = e.status != MergedStatus::Present;
    // Only a directory with something to show opens; an empty one has no arrow.
    let opens = is_dir && !gone && (e.children > 0 || (loaded.show_deleted && e.gone_children > 0));
    let expanded = opens && loaded.expanded.contains(&(image, e.path.clone()));
    let path = e.path.clone();
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
    // The name: a directory's opens or closes it, a file's opens its detail; the row takes focus.
    let on_name = {
        let a = analyzer.clone();
        let path = path.clone();
        Callback::from(move |ev: MouseEvent| {
            if opens { a.toggle_dir(image, path.clone()) } else { a.open_file(path.clone()) }
            if let Some(item) = item_of(ev.target()) {
                let _ = item.focus();
            }
        })
    };
    let size = if gone && is_dir {
        html! {}
    } else if is_dir {
        html! {
            <span class="size" title={format!("{} bytes in the files below", e.tree_bytes)}>
                { human(e.tree_bytes) }<span class="count">{ format!(" · {}", plural(e.children, "item", "items")) }</span>
            </span>
        }
    } else {
        html! { <span class="size" title={format!("{} bytes", e.size)}>{ human(e.size) }</span> }
    };
    let here = detail_here(loaded, &e.path) && !ctx.placed.get();
    let detail = match &loaded.file {
        Some((at, content)) if here => {
            ctx.placed.set(true);
            html! { <div class="row-detail">{ detail_card(loaded, at, content) }</div> }
        }
        _ => html! {},
    };
    let (children, after) = if expanded { dir_children(ctx, &e.path, depth + 1) } else { (html! {}, html! {}) };
    html! {
        <li class={classes!("node", gone.then_some("deleted"), here.then_some("has-detail"))} role="none"
            data-path={e.path.clone()} key={e.path.clone()}>
            // The tree item is the row (its name is the row's text) with the detail beside it;
            // the folder's children follow it, each with its level.
            <div class="node-item" role="treeitem" aria-level={(depth + 1).to_string()}
                aria-expanded={opens.then(|| expanded.to_string())} aria-selected={here.then_some("true")}
                tabindex={if ctx.tab_path == e.path { "0" } else { "-1" }}>
            { detail }
            <div class="node-row">
                if opens {
                    <button type="button" class="twisty" tabindex="-1" aria-expanded={expanded.to_string()} aria-label={format!("{} {}", if expanded { "Collapse" } else { "Expand" }, e.name)} onclick={toggle}>{ if expanded { "▾" } else { "▸" } }</button>
                } else {
                    <span class="twisty-space" aria-hidden="true"></span>
                }
                <code class="mode">{ e.mode_str.clone() }</code>
                <button type="button" class="link name" tabindex="-1" onclick={on_name}>
                    if gone { <del>{ label }</del> } else { { label } }
                </button>
                { size }
                <span class="hint layer">{ format!(" layer {}", e.layer) }</span>
                if !status.is_empty() { <span class="status">{ format!(" — {status}") }</span> }
                if let Some(c) = &e.capabilities { <span class="badge">{ crate::web::components::format::caps_plus_form(c) }</span> }
            </div>
            </div>
            if expanded {
                <ul role="group">{ children }</ul>
                { after }
            }
        </li>
    }
}

/// Whether the open file's detail belongs to the row of `path`.
fn detail_here(loaded: &Loaded, path: &str) -> bool {
    loaded.file.as_ref().is_some_and(|(at, _)| at.layer.is_none() && at.path == path)
}

fn detail_card(loaded: &Loaded, at: &FileAt, content: &Remote<Shared<FileContent>>) -> Html {
    html! { <FileDetail at={at.clone()} content={content.clone()} image={loaded.image} download={loaded.download.clone()} /> }
}

/// Arrow keys as in a WAI-ARIA tree view: Up/Down move, Right opens or enters, Left closes or
/// goes to the parent, Home/End, Enter/Space open the detail. Keys inside a detail card are its own.
fn tree_keys(analyzer: &Analyzer, image: usize) -> Callback<KeyboardEvent> {
    let analyzer = analyzer.clone();
    Callback::from(move |e: KeyboardEvent| {
        let target = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        let Some(target) = target else { return };
        if target.closest(".file-detail").ok().flatten().is_some() {
            return;
        }
        let key = e.key();
        let on_button = target.tag_name().eq_ignore_ascii_case("button");
        if on_button && (key == "Enter" || key == " ") {
            return; // the button's own click
        }
        let Some(item) = item_of(Some(target.clone().into())) else { return };
        let Some(tree) = item.closest("[role=tree]").ok().flatten() else { return };
        let items: Vec<web_sys::HtmlElement> = match tree.query_selector_all("[role=treeitem]") {
            Ok(list) => (0..list.length()).filter_map(|i| list.get(i)?.dyn_into::<web_sys::HtmlElement>().ok()).collect(),
            Err(_) => return,
        };
        let Some(i) = items.iter().position(|x| x.is_same_node(Some(&item))) else { return };
        let path = path_of(&item).unwrap_or_default();
        let expanded = item.get_attribute("aria-expanded");
        let focus = |el: Option<&web_sys::HtmlElement>| {
            if let Some(el) = el {
                let _ = el.focus();
            }
        };
        match key.as_str() {
            "ArrowDown" => focus(items.get(i + 1)),
            "ArrowUp" => focus(i.checked_sub(1).and_then(|j| items.get(j))),
            "Home" => focus(items.first()),
            "End" => focus(items.last()),
            "ArrowRight" => match expanded.as_deref() {
                Some("false") => analyzer.toggle_dir(image, path),
                Some("true") => {
                    let li = item.parent_element();
                    let child = li.and_then(|li| li.query_selector(":scope > ul > li > [role=treeitem]").ok().flatten());
                    focus(child.and_then(|c| c.dyn_into::<web_sys::HtmlElement>().ok()).as_ref());
                }
                _ => {}
            },
            "ArrowLeft" => match expanded.as_deref() {
                Some("true") => analyzer.toggle_dir(image, path),
                _ => {
                    let parent = item.parent_element().and_then(|li| li.parent_element()).and_then(|ul| ul.closest("li.node").ok().flatten());
                    let parent = parent.and_then(|li| li.query_selector(":scope > [role=treeitem]").ok().flatten());
                    focus(parent.and_then(|p| p.dyn_into::<web_sys::HtmlElement>().ok()).as_ref());
                }
            },
            "Enter" | " " => analyzer.open_file(path),
            _ => return,
        }
        e.prevent_default();
    })
}
