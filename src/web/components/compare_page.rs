//! The Compare page: two images side by side — the summary, the layers aligned (the shared
//! bottom, then each side's own, with the command that made it), the config fields and the
//! packages that differ, and the files added, removed and changed (a text file's line diff, a
//! binary's sizes and digests), with filters, a path search and a sort by size change. Also the
//! controls that start a comparison from the archive on screen.

use super::digest::Digest;
use super::format::{human, plural, tags_or_untagged};
use crate::core::compare::{ChangedFile, Comparison, FileItem, LayerSide, Side, Touched};
use crate::web::analyzer::Analyzer;
use crate::web::compare_state::{CompareState, SharedComparison};
use crate::web::state::Loaded;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use super::scroll_box::scroll_box;
use yew::prelude::*;

/// Most file rows drawn at once (the count of the rest is said).
const MAX_ROWS: usize = 2000;

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub loaded: Loaded,
}

/// "Compare with…" (another archive) and, for an archive of several images, two of them.
#[function_component(CompareControls)]
pub fn compare_controls(props: &ControlsProps) -> Html {
    let Some(analyzer) = use_context::<Analyzer>() else { return html! {} };
    let images = props.loaded.report.images.len();
    let pick = use_state(|| (0usize, 1usize));
    let on_file = {
        let a = analyzer.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else { return };
            if let Some(file) = input.files().and_then(|files| files.get(0)) {
                a.compare_with(file);
            }
            input.set_value("");
        })
    };
    let select = |label: &'static str, id: &'static str, current: usize, set: fn((usize, usize), usize) -> (usize, usize)| {
        let pick = pick.clone();
        let onchange = Callback::from(move |e: Event| {
            let Some(s) = e.target_dyn_into::<HtmlSelectElement>() else { return };
            if let Ok(i) = s.value().parse::<usize>() {
                pick.set(set(*pick, i));
            }
        });
        html! {
            <>
                <label for={id}>{ label }</label>
                <select id={id} {onchange}>
                    { for props.loaded.report.images.iter().map(|img| {
                        let tags = tags_or_untagged(&img.tags);
                        html! { <option value={img.index.to_string()} selected={img.index == current}>{ format!("image {}: {tags}", img.index) }</option> }
                    }) }
                </select>
            </>
        }
    };
    let on_images = {
        let (a, pick) = (analyzer.clone(), pick.clone());
        Callback::from(move |_| a.compare_images(pick.0, pick.1))
    };
    html! {
        <>
        <div class="row compare-controls">
            <label class="file-button" for="compare-file">{"Compare with another archive…"}</label>
            <input type="file" id="compare-file" class="visually-hidden-input" accept=".tar,.tar.gz,.tgz,.tar.zst,application/x-tar,application/gzip" onchange={on_file} />
            if images > 1 {
                { select("Image A", "compare-image-a", pick.0, |p, i| (i, p.1)) }
                { select("Image B", "compare-image-b", pick.1, |p, i| (p.0, i)) }
                <button type="button" onclick={on_images} disabled={pick.0 == pick.1}>{"Compare these two images"}</button>
            }
        </div>
        { super::layer_matrix::layer_matrix_view(&props.loaded.report) }
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub compare: CompareState,
}

/// The comparison: progress while it runs, then the result or why it failed.
#[function_component(ComparePage)]
pub fn compare_page(props: &Props) -> Html {
    let Some(analyzer) = use_context::<Analyzer>() else { return html! {} };
    let c = &props.compare;
    let on_cancel = {
        let a = analyzer.clone();
        Callback::from(move |_| a.cancel_compare())
    };
    let on_close = Callback::from(move |_| analyzer.close_compare());
    html! {
        <section class="card compare-page" aria-labelledby="compare-title" 
            data-worker-memory={c.stats.map(|s| s.memory_bytes.to_string())} data-layers-given={c.stats.map(|s| s.layers_given.to_string())}
            data-read-a={c.stats.map(|s| s.read_a.to_string())}>
            <div class="row">
                <h2 id="compare-title">{"Compare: "}<span class="side-a">{ c.name_a.clone() }</span>
                    if !c.name_b.is_empty() { {" → "}<span class="side-b">{ c.name_b.clone() }</span> }</h2>
                <button type="button" onclick={on_close}>{"Close comparison"}</button>
            </div>
            if let Some(step) = &c.running {
                <div class="compare-progress" role="status">
                    <p>{ format!("{}…", step.step) }
                        if step.bytes_total > 0 { { format!(" {} of {}, {} files", human(step.bytes_done), human(step.bytes_total), step.files_seen) } }</p>
                    if step.bytes_total > 0 {
                        <progress max={step.bytes_total.to_string()} value={step.bytes_done.min(step.bytes_total).to_string()} aria-label="Comparison progress"></progress>
                    }
                    <button type="button" onclick={on_cancel}>{"Cancel"}</button>
                </div>
            }
            if let Some(e) = &c.error {
                <p class="error" role="alert" id="compare-error" data-code={e.code.clone()}>{ e.message.clone() }</p>
            }
            if let Some(result) = &c.result {
                <ComparisonView comparison={result.clone()} />
            }
            if let Some(m) = &c.matrix {
                <section class="layer-matrix" aria-label="Layers these images share">
                    <h3>{ format!("Layers these {} images share", m.images.len()) }</h3>
                    { super::layer_matrix::matrix_view(m) }
                </section>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ResultProps {
    comparison: SharedComparison,
}

#[function_component(ComparisonView)]
fn comparison_view(props: &ResultProps) -> Html {
    let c: &Comparison = &props.comparison;
    html! {
        <>
            { summary(c) }
            { layers(c) }
            { config(c) }
            { packages(c) }
            <FilesDiff comparison={props.comparison.clone()} />
        </>
    }
}

/// Whether the two images are the same (files, config, packages and layers).
fn identical(c: &Comparison) -> bool {
    let s = &c.summary;
    s.added == 0 && s.removed == 0 && s.changed == 0 && c.config.is_empty() && s.packages_added + s.packages_removed + s.packages_changed == 0
        && c.layers.only_a.is_empty() && c.layers.only_b.is_empty()
}

/// `+1.2 KiB`, `−300 B`, `0 B`.
fn signed_human(delta: i128) -> String {
    let abs = u64::try_from(delta.unsigned_abs()).unwrap_or(u64::MAX);
    match delta.signum() {
        1 => format!("+{}", human(abs)),
        -1 => format!("−{}", human(abs)),
        _ => human(0),
    }
}

fn summary(c: &Comparison) -> Html {
    let s = &c.summary;
    let count = |label: &'static str, key: &'static str, n: usize| html! { <><dt>{ label }</dt><dd data-count={key}>{ n }</dd></> };
    let delta = i128::from(s.size_b) - i128::from(s.size_a);
    html! {
        <section class="compare-summary" aria-labelledby="compare-summary-title">
            <h3 id="compare-summary-title">{"Summary"}</h3>
            if identical(c) {
                <p class="no-differences">{"No differences: the same files, config, packages and layers."}
                    if s.touched > 0 { { format!(" ({} touched: only the mtime differs.)", s.touched) } }</p>
            }
            <dl class="counts">
                { count("Files added", "added", s.added) }
                { count("Files removed", "removed", s.removed) }
                { count("Files changed", "changed", s.changed) }
                { count("Touched (only the mtime differs)", "touched", s.touched) }
                { count("Packages added", "packages-added", s.packages_added) }
                { count("Packages removed", "packages-removed", s.packages_removed) }
                { count("Packages changed", "packages-changed", s.packages_changed) }
                { count("Config fields that differ", "config", s.config_changes) }
                <dt>{"Size (merged files)"}</dt>
                <dd data-count="size">{ format!("{} → {} ({})", human(s.size_a), human(s.size_b), signed_human(delta)) }</dd>
                <dt>{"Layers"}</dt>
                <dd data-count="layers">{ format!("{} shared at the bottom ({}), {} only in A, {} only in B",
                    c.layers.shared_prefix, human(c.layers.shared_bytes), c.layers.only_a.len(), c.layers.only_b.len()) }</dd>
            </dl>
            if s.hashed_files > 0 {
                <p class="hint">{ format!("{} ({}) {} read to tell same-size files apart.", plural(s.hashed_files, "file body", "file bodies"), human(s.hashed_bytes), if s.hashed_files == 1 { "was" } else { "were" }) }</p>
            }
            if s.known_files > 0 {
                <p class="hint known-digests">{ format!("{} known from an earlier comparison, not read again.", plural(s.known_files, "digest was", "digests were")) }</p>
            }
        </section>
    }
}

fn layers(c: &Comparison) -> Html {
    let l = &c.layers;
    let id = |x: &LayerSide| x.diff_id.clone().or_else(|| x.digest.clone()).unwrap_or_default();
    let row = |kind: &'static str, label: String, pos: usize, x: &LayerSide, size_b: Option<u64>| {
        let digest = id(x);
        html! {
            <tr class={classes!("compare-layer", format!("layer-{kind}"))} data-side={kind}>
                <td>{ label }</td>
                <td class="num">{ pos }</td>
                <td><Digest digest={digest} /></td>
                <td class="num">{ human(x.size) }
                    if let Some(b) = size_b.filter(|b| *b != x.size) { { format!(" / {}", human(b)) } }</td>
                <td class="created-by"><pre>{ x.created_by.clone().unwrap_or_default() }</pre></td>
            </tr>
        }
    };
    let own = |side: &'static str, list: &[LayerSide], only: &[String]| {
        list.iter().enumerate().skip(l.shared_prefix).map(|(pos, x)| {
            let elsewhere = !only.iter().any(|o| Some(o) == x.diff_id.as_ref());
            let (kind, label) = match (side, elsewhere) {
                ("A", false) => ("only-a", "only in A".to_owned()),
                ("A", true) => ("a", "A (B has it elsewhere)".to_owned()),
                (_, false) => ("only-b", "only in B".to_owned()),
                (_, true) => ("b", "B (A has it elsewhere)".to_owned()),
            };
            row(kind, label, pos, x, None)
        }).collect::<Html>()
    };
    html! {
        <section aria-labelledby="compare-layers-title">
            <h3 id="compare-layers-title">{ format!("Layers: {} shared at the bottom, {} only in A, {} only in B", l.shared_prefix, l.only_a.len(), l.only_b.len()) }</h3>
            { scroll_box("Layers of A and B", html! {
            <table class="layer-table compare-layers">
                <thead><tr><th scope="col">{"Where"}</th><th scope="col">{"#"}</th><th scope="col">{"diff_id"}</th><th scope="col">{"Size"}</th><th scope="col">{"Created by"}</th></tr></thead>
                <tbody>
                    { for l.a.iter().take(l.shared_prefix).enumerate().map(|(pos, x)| row("shared", "shared".to_owned(), pos, x, l.b.get(pos).map(|b| b.size))) }
                    { own("A", &l.a, &l.only_a) }
                    { own("B", &l.b, &l.only_b) }
                </tbody>
            </table>
            }) }
        </section>
    }
}

fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "—".to_owned(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn config(c: &Comparison) -> Html {
    if c.config.is_empty() {
        return html! { <section aria-labelledby="compare-config-title"><h3 id="compare-config-title">{"Config"}</h3><p>{"The config fields are the same."}</p></section> };
    }
    html! {
        <section aria-labelledby="compare-config-title">
            <h3 id="compare-config-title">{ format!("Config: {} {}", plural(c.config.len() as u64, "field", "fields"), if c.config.len() == 1 { "differs" } else { "differ" }) }</h3>
            { scroll_box("Config fields that differ", html! {
            <table class="compare-config">
                <thead><tr><th scope="col">{"Field"}</th><th scope="col">{"A"}</th><th scope="col">{"B"}</th><th scope="col">{"Only in B / only in A"}</th></tr></thead>
                <tbody>
                { for c.config.iter().map(|ch| html! {
                    <tr>
                        <th scope="row">{ ch.field.clone() }</th>
                        <td><pre>{ json_text(&ch.a) }</pre></td>
                        <td><pre>{ json_text(&ch.b) }</pre></td>
                        <td>
                            { for ch.added.iter().map(|x| html! { <div class="diff-add">{ format!("+ {x}") }</div> }) }
                            { for ch.removed.iter().map(|x| html! { <div class="diff-del">{ format!("− {x}") }</div> }) }
                        </td>
                    </tr>
                }) }
                </tbody>
            </table>
            }) }
        </section>
    }
}

fn packages(c: &Comparison) -> Html {
    let p = &c.packages;
    if p.added.is_empty() && p.removed.is_empty() && p.changed.is_empty() {
        return html! { <section aria-labelledby="compare-packages-title"><h3 id="compare-packages-title">{"Packages"}</h3><p>{"The packages are the same."}</p></section> };
    }
    let rows = p.added.iter().map(|x| ("added", x)).chain(p.removed.iter().map(|x| ("removed", x))).chain(p.changed.iter().map(|x| ("changed", x)));
    html! {
        <section aria-labelledby="compare-packages-title">
            <h3 id="compare-packages-title">{ format!("Packages: {} added, {} removed, {} changed", p.added.len(), p.removed.len(), p.changed.len()) }</h3>
            { scroll_box("Packages that differ", html! {
            <table class="compare-packages">
                <thead><tr><th scope="col">{"Change"}</th><th scope="col">{"Kind"}</th><th scope="col">{"Name"}</th><th scope="col">{"A"}</th><th scope="col">{"B"}</th></tr></thead>
                <tbody>
                { for rows.map(|(what, x)| html! {
                    <tr class={format!("pkg-{what}")}>
                        <td>{ what }</td><td>{ x.kind.clone() }</td><th scope="row">{ x.name.clone() }</th>
                        <td>{ x.version_a.clone().unwrap_or_else(|| "—".into()) }</td><td>{ x.version_b.clone().unwrap_or_else(|| "—".into()) }</td>
                    </tr>
                }) }
                </tbody>
            </table>
            }) }
        </section>
    }
}

/// One row of the files diff.
#[derive(Clone, Copy)]
enum FileRow<'a> {
    Added(&'a FileItem),
    Removed(&'a FileItem),
    Changed(&'a ChangedFile),
    Touched(&'a Touched),
}

impl FileRow<'_> {
    fn path(&self) -> &str {
        match self {
            FileRow::Added(f) | FileRow::Removed(f) => &f.path,
            FileRow::Changed(f) => &f.path,
            FileRow::Touched(f) => &f.path,
        }
    }

    /// The layer (position in its image) that wrote the row's path on `side`, if it is there.
    fn layer(&self, side: Side) -> Option<usize> {
        match (self, side) {
            (FileRow::Added(f), Side::B) | (FileRow::Removed(f), Side::A) => Some(f.layer),
            (FileRow::Changed(f), Side::A) => Some(f.layer_a),
            (FileRow::Changed(f), Side::B) => Some(f.layer_b),
            (FileRow::Touched(f), Side::A) => Some(f.layer_a),
            (FileRow::Touched(f), Side::B) => Some(f.layer_b),
            _ => None,
        }
    }

    /// B's size minus A's.
    fn size_change(&self) -> i128 {
        match self {
            FileRow::Added(f) => i128::from(f.size),
            FileRow::Removed(f) => -i128::from(f.size),
            FileRow::Changed(f) => i128::from(f.size_b) - i128::from(f.size_a),
            FileRow::Touched(_) => 0,
        }
    }
}

/// Which rows the files diff shows.
#[derive(Clone, PartialEq)]
struct Filters {
    added: bool,
    removed: bool,
    changed: bool,
    touched: bool,
    query: String,
    /// Only paths under this directory.
    under: String,
    /// Only paths one layer of one side wrote.
    layer: Option<(Side, usize)>,
    by_size: bool,
}

impl Default for Filters {
    fn default() -> Self {
        Filters { added: true, removed: true, changed: true, touched: false, query: String::new(), under: String::new(), layer: None, by_size: false }
    }
}

impl Filters {
    /// Whether `row` passes the path and layer filters.
    fn keeps(&self, row: &FileRow<'_>, query: &str) -> bool {
        let under = self.under.trim().trim_start_matches('/').trim_end_matches('/');
        let path = row.path();
        (query.is_empty() || path.to_lowercase().contains(query))
            && (under.is_empty() || path == under || path.strip_prefix(under).is_some_and(|rest| rest.starts_with('/')))
            && self.layer.is_none_or(|(side, pos)| row.layer(side) == Some(pos))
    }
}

/// A `<select>` value for a layer filter: `a:3`, `b:0`; anything else is "any layer".
fn parse_layer(value: &str) -> Option<(Side, usize)> {
    let (side, pos) = value.split_once(':')?;
    let side = match side {
        "a" => Side::A,
        "b" => Side::B,
        _ => return None,
    };
    Some((side, pos.parse().ok()?))
}

#[derive(Properties, PartialEq)]
struct FilesProps {
    comparison: SharedComparison,
}

#[function_component(FilesDiff)]
fn files_diff(props: &FilesProps) -> Html {
    let filters = use_state(Filters::default);
    let c: &Comparison = &props.comparison;
    let f = (*filters).clone();
    let query = f.query.to_lowercase();
    let mut rows: Vec<FileRow<'_>> = Vec::new();
    if f.added { rows.extend(c.added.iter().map(FileRow::Added)); }
    if f.removed { rows.extend(c.removed.iter().map(FileRow::Removed)); }
    if f.changed { rows.extend(c.changed.iter().map(FileRow::Changed)); }
    if f.touched { rows.extend(c.touched.iter().map(FileRow::Touched)); }
    rows.retain(|r| f.keeps(r, &query));
    if f.by_size {
        rows.sort_by(|a, b| b.size_change().unsigned_abs().cmp(&a.size_change().unsigned_abs()).then_with(|| a.path().cmp(b.path())));
    } else {
        rows.sort_by(|a, b| a.path().cmp(b.path()));
    }
    let total = rows.len();
    let toggle = |label: String, id: &'static str, on: bool, set: fn(&mut Filters, bool)| {
        let filters = filters.clone();
        let onchange = Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else { return };
            let mut next = (*filters).clone();
            set(&mut next, input.checked());
            filters.set(next);
        });
        html! { <label for={id}><input type="checkbox" id={id} checked={on} {onchange} />{ label }</label> }
    };
    // A typed filter: `set` puts the text in its place.
    let typed = |set: fn(&mut Filters, String)| {
        let filters = filters.clone();
        Callback::from(move |e: InputEvent| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else { return };
            let mut next = (*filters).clone();
            set(&mut next, input.value());
            filters.set(next);
        })
    };
    let (on_query, on_under) = (typed(|f, v| f.query = v), typed(|f, v| f.under = v));
    let on_layer = {
        let filters = filters.clone();
        Callback::from(move |e: Event| {
            let Some(s) = e.target_dyn_into::<HtmlSelectElement>() else { return };
            let mut next = (*filters).clone();
            next.layer = parse_layer(&s.value());
            filters.set(next);
        })
    };
    let layer_options = |side: Side, list: &[LayerSide]| {
        let (key, name) = if side == Side::A { ("a", "A") } else { ("b", "B") };
        list.iter()
            .enumerate()
            .map(|(pos, l)| {
                let cmd: String = l.created_by.as_deref().unwrap_or("").chars().take(60).collect();
                let selected = f.layer == Some((side, pos));
                html! { <option value={format!("{key}:{pos}")} {selected}>{ format!("{name}'s layer {pos} {cmd}") }</option> }
            })
            .collect::<Html>()
    };
    let on_sort = {
        let filters = filters.clone();
        Callback::from(move |e: Event| {
            let Some(s) = e.target_dyn_into::<HtmlSelectElement>() else { return };
            let mut next = (*filters).clone();
            next.by_size = s.value() == "size";
            filters.set(next);
        })
    };
    html! {
        <section aria-labelledby="compare-files-title">
            <h3 id="compare-files-title">{ format!("Files: {} added, {} removed, {} changed", c.added.len(), c.removed.len(), c.changed.len()) }</h3>
            <div class="row compare-filters">
                { toggle(format!("Added ({})", c.added.len()), "compare-show-added", f.added, |f, on| f.added = on) }
                { toggle(format!("Removed ({})", c.removed.len()), "compare-show-removed", f.removed, |f, on| f.removed = on) }
                { toggle(format!("Changed ({})", c.changed.len()), "compare-show-changed", f.changed, |f, on| f.changed = on) }
                { toggle(format!("Touched, only the mtime differs ({})", c.touched.len()), "compare-show-touched", f.touched, |f, on| f.touched = on) }
                <label for="compare-search">{"Path contains"}</label>
                <input type="search" id="compare-search" value={f.query.clone()} oninput={on_query} />
                <label for="compare-under">{"Under"}</label>
                <input type="search" id="compare-under" placeholder="/etc" value={f.under.clone()} oninput={on_under} />
                <label for="compare-layer">{"Written by"}</label>
                <select id="compare-layer" onchange={on_layer}>
                    <option value="any" selected={f.layer.is_none()}>{"any layer"}</option>
                    { layer_options(Side::A, &c.layers.a) }
                    { layer_options(Side::B, &c.layers.b) }
                </select>
                <label for="compare-sort">{"Sort by"}</label>
                <select id="compare-sort" onchange={on_sort}>
                    <option value="path" selected={!f.by_size}>{"path"}</option>
                    <option value="size" selected={f.by_size}>{"size change"}</option>
                </select>
            </div>
            if total == 0 {
                <p>{"No files to show."}</p>
            } else {
                <ul class="compare-files" aria-label="Files that differ">
                    { for rows.iter().take(MAX_ROWS).map(file_row) }
                </ul>
                if total > MAX_ROWS { <p class="hint">{ format!("… and {} more (narrow the search to see them).", total - MAX_ROWS) }</p> }
            }
        </section>
    }
}

fn file_row(row: &FileRow<'_>) -> Html {
    let change = signed_human(row.size_change());
    match row {
        FileRow::Added(f) => html! {
            <li class="file-added" data-path={f.path.clone()}><span class="mark">{"+"}</span><code>{ f.path.clone() }</code>
                <span class="hint">{ format!(" added {}, {}", f.kind, human(f.size)) }</span></li>
        },
        FileRow::Removed(f) => html! {
            <li class="file-removed" data-path={f.path.clone()}><span class="mark">{"−"}</span><code>{ f.path.clone() }</code>
                <span class="hint">{ format!(" removed {}, {}", f.kind, human(f.size)) }</span></li>
        },
        FileRow::Touched(t) => html! {
            <li class="file-touched" data-path={t.path.clone()}><span class="mark">{"="}</span><code>{ t.path.clone() }</code>
                <span class="hint">{ format!(" touched: mtime {} → {}", mtime(t.mtime_a), mtime(t.mtime_b)) }</span></li>
        },
        FileRow::Changed(f) => html! {
            <li class="file-changed" data-path={f.path.clone()}>
                <details>
                    <summary><span class="mark">{"~"}</span><code>{ f.path.clone() }</code>
                        <span class="hint">{ format!(" changed: {} ({})", f.what.join(", "), change) }</span></summary>
                    { changed_detail(f) }
                </details>
            </li>
        },
    }
}

fn mtime(m: Option<i64>) -> String {
    m.map_or_else(|| "—".to_owned(), |m| m.to_string())
}

fn changed_detail(f: &ChangedFile) -> Html {
    let meta = |name: &str, a: String, b: String| html! { <tr><th scope="row">{ name.to_owned() }</th><td>{ a }</td><td>{ b }</td></tr> };
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".to_owned());
    let num = |v: Option<u64>| v.map_or_else(|| "—".to_owned(), |n| n.to_string());
    let mode = |v: Option<u32>| v.map_or_else(|| "—".to_owned(), |m| format!("{m:04o}"));
    let mut rows = Vec::new();
    for w in &f.what {
        rows.push(match w.as_str() {
            "kind" => meta("kind", opt(&f.a.kind), opt(&f.b.kind)),
            "mode" => meta("mode", mode(f.a.mode), mode(f.b.mode)),
            "uid" => meta("uid", num(f.a.uid), num(f.b.uid)),
            "gid" => meta("gid", num(f.a.gid), num(f.b.gid)),
            "link" => meta("link target", opt(&f.a.link), opt(&f.b.link)),
            "hardlinks" => meta("hard links", f.a.hardlinks.as_ref().map_or("—".into(), |h| h.join(", ")), f.b.hardlinks.as_ref().map_or("—".into(), |h| h.join(", "))),
            "caps" => meta("capabilities", opt(&f.a.caps), opt(&f.b.caps)),
            _ => continue,
        });
    }
    let content = f.what.iter().any(|w| w == "sha256");
    let digest = |d: &Option<String>| d.as_deref().map_or_else(|| html! { {"not read: the sizes differ"} }, |d| html! { <Digest digest={format!("sha256:{d}")} /> });
    html! {
        <div class="changed-detail">
            if !rows.is_empty() {
                <table class="compare-meta"><thead><tr><th scope="col">{"Field"}</th><th scope="col">{"A"}</th><th scope="col">{"B"}</th></tr></thead>
                    <tbody>{ for rows }</tbody></table>
            }
            if let Some(d) = &f.text_diff {
                <pre class="text-diff" aria-label={format!("Line diff of {}", f.path)}>
                    { for d.lines.iter().map(|line| {
                        let class = if line.starts_with("@@") { "diff-hunk" } else if line.starts_with('+') { "diff-add" } else if line.starts_with('-') { "diff-del" } else { "diff-same" };
                        html! { <span class={classes!("diff-line", class)}>{ line.clone() }{"\n"}</span> }
                    }) }
                </pre>
                if let Some(cut) = &d.cut { <p class="hint diff-cut">{ format!("The diff is cut: {cut}") }</p> }
            } else if content {
                <p class="binary-change">{ format!("Content: {} (", human(f.size_a)) }{ digest(&f.a.sha256) }{ format!(") → {} (", human(f.size_b)) }{ digest(&f.b.sha256) }{")"}</p>
            }
        </div>
    }
}
