//! Findings: what the headers and the config say (setuid/setgid, world-writable, file
//! capabilities, root user, secret-like env, …) and, once "Scan contents" has run, what the files
//! hold (secrets — also in files a later layer deleted —, keys, accounts, shell-giving setuid
//! files, capabilities on interpreters, the history lint), in one table: counts per severity as
//! filter chips (info hidden at first), a source filter and a text filter. A finding's path opens
//! the file detail — the version its layer wrote, at its line.

use super::file_detail::path_cell;
use crate::core::image::{Finding, FindingKind, Severity};
use crate::core::scan::ScanFinding;
use crate::web::analyzer::Analyzer;
use crate::web::components::format::plural;
use crate::web::components::inputs::typed_into;
use crate::web::components::scroll_box::scroll_box;
use crate::web::state::{Loaded, Remote};
use crate::web::components::rich_text::code_spans;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub loaded: Loaded,
}

/// Most rows drawn at once (the filters narrow the rest).
const MAX_ROWS: usize = 1000;

/// One row, from either source.
#[derive(Clone, PartialEq)]
struct Row {
    severity: Severity,
    what: String,
    path: String,
    layer: Option<usize>,
    line: Option<usize>,
    hidden_by: Option<usize>,
    detail: String,
    from_scan: bool,
}

fn header_row(f: &Finding) -> Row {
    let what = serde_json::to_value(f.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default().replace('_', " ");
    Row { severity: f.severity, what, path: f.path.clone(), layer: f.layer, line: None, hidden_by: None, detail: f.detail.clone(), from_scan: false }
}

fn scan_row(f: ScanFinding) -> Row {
    Row { severity: f.severity, what: f.what, path: f.path, layer: f.layer, line: f.line, hidden_by: f.hidden_by, detail: f.detail, from_scan: true }
}

/// The scan's row that says what a header finding of `kind` says, and more (its `what`).
fn raised_as(kind: FindingKind) -> Option<&'static str> {
    match kind {
        FindingKind::Setuid => Some("setuid shell"),
        FindingKind::Setgid => Some("setgid shell"),
        FindingKind::FileCapabilities => Some("capabilities on an interpreter"),
        _ => None,
    }
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::High => "high",
        Severity::Medium => "medium",
        Severity::Low => "low",
        Severity::Info => "info",
    }
}

const SEVERITIES: [Severity; 4] = [Severity::High, Severity::Medium, Severity::Low, Severity::Info];

/// Which rows are shown.
#[derive(Clone, PartialEq)]
struct Filter {
    severities: Vec<Severity>,
    /// `all`, `headers` or `contents`.
    source: String,
    text: String,
}

impl Filter {
    fn keeps(&self, r: &Row) -> bool {
        let text = self.text.trim().to_lowercase();
        self.severities.contains(&r.severity)
            && match self.source.as_str() {
                "headers" => !r.from_scan,
                "contents" => r.from_scan,
                _ => true,
            }
            && (text.is_empty() || [&r.what, &r.path, &r.detail].iter().any(|s| s.to_lowercase().contains(&text)))
    }
}

#[function_component(Findings)]
pub fn findings(props: &Props) -> Html {
    let severities = use_state(|| vec![Severity::High, Severity::Medium, Severity::Low]);
    let source = use_state(|| "all".to_owned());
    let text = use_state(String::new);
    // The scan's rows, made once per report (not on every keystroke in the filter).
    let scanned = use_memo(props.loaded.scan.report.clone(), |report| report.ready().map(|r| r.0.findings()).unwrap_or_default());
    let Some(img) = props.loaded.report.images.get(props.loaded.image) else { return html! {} };
    let from_scan = scanned.len();
    // A setuid/setgid file the scan found to give a shell, or capabilities on an interpreter:
    // the scan's high row says it, in place of the header's.
    let raising: std::collections::HashSet<(&str, &str)> = scanned.iter().map(|s| (s.path.as_str(), s.what.as_str())).collect();
    let raised = |f: &Finding| raised_as(f.kind).is_some_and(|what| raising.contains(&(f.path.as_str(), what)));
    let mut rows: Vec<Row> = img.findings.iter().filter(|f| !raised(f)).map(header_row).collect();
    let header_rows = rows.len();
    rows.extend(scanned.iter().cloned().map(scan_row));
    rows.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.path.cmp(&b.path)).then_with(|| a.line.cmp(&b.line)));
    let filter = Filter { severities: (*severities).clone(), source: (*source).clone(), text: (*text).clone() };
    let shown: Vec<&Row> = rows.iter().filter(|r| filter.keeps(r)).collect();
    let chips = SEVERITIES.iter().map(|s| {
        let s = *s;
        let on = severities.contains(&s);
        let count = rows.iter().filter(|r| r.severity == s).count();
        let severities = severities.clone();
        let toggle = Callback::from(move |_: MouseEvent| {
            let mut next = (*severities).clone();
            if on { next.retain(|x| *x != s) } else { next.push(s) }
            severities.set(next);
        });
        html! {
            <button type="button" class={classes!("chip", format!("sev-{}", severity_name(s)))} aria-pressed={on.to_string()} onclick={toggle}>
                { format!("{} {count}", severity_name(s)) }
            </button>
        }
    });
    let on_source = {
        let source = source.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                source.set(select.value());
            }
        })
    };
    let scan_note = match &props.loaded.scan.report {
        Remote::Ready(_) => format!("{header_rows} from the headers and the config, {from_scan} from the content scan."),
        _ => format!("{} from the headers and the config; \"Scan contents\" below adds what the files hold.", img.findings.len()),
    };
    html! {
        <section class="findings" aria-label="Findings">
            <h3>{"Findings"}</h3>
            <div class="row findings-filters">
                <span role="group" aria-label="Severities shown" class="chips">{ for chips }</span>
                <label for="findings-source">{"From "}</label>
                <select id="findings-source" onchange={on_source}>
                    <option value="all" selected={*source == "all"}>{"everything"}</option>
                    <option value="headers" selected={*source == "headers"}>{"the headers and the config"}</option>
                    <option value="contents" selected={*source == "contents"}>{"the content scan"}</option>
                </select>
                <label for="findings-text">{"Filter "}</label>
                <input id="findings-text" type="search" value={(*text).clone()} oninput={typed_into(&text)} />
            </div>
            <p class="findings-count">{ format!("{} of {} shown. {scan_note}", shown.len(), plural(rows.len() as u64, "finding", "findings")) }</p>
            <FindingRows rows={shown.into_iter().cloned().collect::<Vec<Row>>()} />
            <super::scan::ScanContents loaded={props.loaded.clone()} />
        </section>
    }
}

/// Rows that say the same (severity, kind, detail) of at least this many paths fold into one.
const FOLD_AT: usize = 3;

#[derive(Properties, PartialEq)]
struct RowsProps {
    rows: Vec<Row>,
}

/// What the key of a group of rows is: the same severity, kind, detail and source.
fn fold_key(r: &Row) -> String {
    format!("{}|{}|{}|{}", severity_name(r.severity), r.from_scan, r.what, r.detail)
}

/// The table: a row per finding, or one row for many that say the same of several paths (312
/// absolute symlinks to `/bin/busybox`), which opens to show them.
#[function_component(FindingRows)]
fn finding_rows(props: &RowsProps) -> Html {
    let Some(analyzer) = use_context::<Analyzer>() else { return html! {} };
    let open = use_state(std::collections::BTreeSet::<String>::new);
    // Groups in the order of their first row (a row with a line is never folded: each is its own).
    let mut groups: Vec<(String, Vec<&Row>)> = Vec::new();
    let mut at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for r in &props.rows {
        let key = if r.line.is_some() { format!("line|{}", groups.len()) } else { fold_key(r) };
        match at.get(&key) {
            Some(&i) => groups.get_mut(i).into_iter().for_each(|g| g.1.push(r)),
            None => {
                at.insert(key.clone(), groups.len());
                groups.push((key, vec![r]));
            }
        }
    }
    let drawn = groups.len().min(MAX_ROWS);
    html! {
        <>
            { scroll_box("Findings table", html! {
            <table class="findings-table">
                <thead><tr><th scope="col">{"Severity"}</th><th scope="col">{"What"}</th><th scope="col">{"Path"}</th><th scope="col">{"Layer"}</th><th scope="col">{"Line"}</th><th scope="col">{"Detail"}</th></tr></thead>
                <tbody>
                { for groups.iter().take(MAX_ROWS).map(|(key, rows)| match rows.as_slice() {
                    [one] => row_view(one, &analyzer),
                    many if many.len() < FOLD_AT => html! { <>{ for many.iter().map(|r| row_view(r, &analyzer)) }</> },
                    many => group_view(key, many, &open, &analyzer),
                }) }
                </tbody>
            </table>
            }) }
            if groups.len() > drawn { <p class="hint">{ format!("{} not drawn: narrow them with the filters.", plural((groups.len() - drawn) as u64, "more row", "more rows")) }</p> }
        </>
    }
}

/// One row for `rows` (the same finding on many paths), and the rows themselves when opened.
fn group_view(key: &str, rows: &[&Row], open: &UseStateHandle<std::collections::BTreeSet<String>>, analyzer: &Analyzer) -> Html {
    let Some(first) = rows.first() else { return html! {} };
    let is_open = open.contains(key);
    let toggle = {
        let (open, key) = (open.clone(), key.to_owned());
        Callback::from(move |_: MouseEvent| {
            let mut next = (*open).clone();
            if !next.remove(&key) {
                next.insert(key.clone());
            }
            open.set(next);
        })
    };
    let sev = severity_name(first.severity);
    let layers: std::collections::BTreeSet<usize> = rows.iter().filter_map(|r| r.layer).collect();
    let layer = match layers.len() {
        0 => String::new(),
        1 => layers.iter().next().map(usize::to_string).unwrap_or_default(),
        n => format!("{n} layers"),
    };
    html! {
        <>
            <tr class={classes!("finding-group", sev, first.from_scan.then_some("from-scan"))} data-count={rows.len().to_string()}>
                <td class="severity">{ sev }</td>
                <td>{ first.what.clone() }</td>
                <td><button type="button" class="link fold" aria-expanded={is_open.to_string()} onclick={toggle}>{ format!("{} paths", rows.len()) }</button></td>
                <td>{ layer }</td>
                <td></td>
                <td>{ code_spans(&first.detail) }</td>
            </tr>
            if is_open { { for rows.iter().map(|r| row_view(r, analyzer)) } }
        </>
    }
}

fn row_view(r: &Row, analyzer: &Analyzer) -> Html {
    let sev = severity_name(r.severity);
    let layer = match (r.layer, r.hidden_by) {
        (Some(l), Some(h)) => format!("{l} (hidden by layer {h})"),
        (Some(l), None) => l.to_string(),
        _ => String::new(),
    };
    html! {
        <tr class={classes!("finding", sev, r.from_scan.then_some("from-scan"), r.hidden_by.map(|_| "hidden"))}>
            <td class="severity">{ sev }</td>
            <td>{ r.what.clone() }</td>
            <td>{ path_cell(&r.path, r.layer, r.line, r.hidden_by, analyzer) }</td>
            <td>{ layer }</td>
            <td>{ r.line.map(|l| l.to_string()).unwrap_or_default() }</td>
            <td>{ code_spans(&r.detail) }</td>
        </tr>
    }
}
