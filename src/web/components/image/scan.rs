//! "Scan contents": the content scan of the selected image ([`crate::core::scan`]) — secrets in
//! every layer's files (also those a later layer deleted or overwrote: "hidden by layer N"), private
//! keys and certificates, accounts, setuid/setgid triage, capabilities on interpreters and the
//! history lint. It runs on request, in a worker of its own, with progress and Cancel; a secret is
//! only ever shown redacted (the core cuts it before it leaves the worker).

use super::file_detail::path_cell;
use crate::core::scan::{ScanOptions, ScanReport, DEFAULT_MAX_FILE_SIZE};
use crate::web::analyzer::Analyzer;
use crate::web::components::format::{human, plural};
use crate::web::components::scroll_box::scroll_box;
use crate::web::components::inputs::typed_into;
use crate::web::state::{Loaded, Remote};
use wasm_bindgen::JsCast;
use crate::web::components::rich_text::code_spans;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub loaded: Loaded,
}

/// Lines of a text area, trimmed, without the empty ones.
fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

#[function_component(ScanContents)]
pub fn scan_contents(props: &Props) -> Html {
    let Some(analyzer) = use_context::<Analyzer>() else { return html! {} };
    let limit_mib = use_state(|| (DEFAULT_MAX_FILE_SIZE >> 20).to_string());
    let allow_paths = use_state(String::new);
    let allow_rules = use_state(String::new);
    let error = use_state(|| None::<String>);
    let scan = &props.loaded.scan;
    let start = {
        let (a, limit_mib, allow_paths, allow_rules, error) = (analyzer.clone(), limit_mib.clone(), allow_paths.clone(), allow_rules.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(max_file_size) = limit_mib.trim().parse::<u64>().ok().and_then(|m| m.checked_mul(1 << 20)).filter(|b| *b > 0) else {
                error.set(Some("The size limit is a whole number of MiB, at least 1.".to_owned()));
                return;
            };
            error.set(None);
            let now = (js_sys::Date::now() / 1000.0) as i64;
            a.scan_contents(ScanOptions { max_file_size, allow_paths: lines(&allow_paths), allow_rules: lines(&allow_rules), now });
        })
    };
    let cancel = {
        let a = analyzer.clone();
        Callback::from(move |_: MouseEvent| a.cancel_scan())
    };
    html! {
        <section class="scan-contents" aria-labelledby="scan-title">
            <h3 id="scan-title">{"Contents: secrets, keys, accounts"}</h3>
            <p class="hint">{"Reads every file of every layer — also files a later layer deleted or overwrote, which a running container never shows but the image still ships. Nothing leaves this tab; secrets are shown cut."}</p>
            <p class="row">
                <label for="scan-limit">{"Skip files larger than (MiB) "}</label>
                <input id="scan-limit" type="text" inputmode="numeric" size="6" value={(*limit_mib).clone()} oninput={typed_into(&limit_mib)} />
            </p>
            <p class="row">
                <label for="scan-allow-paths">{"Allow-list: paths (one per line; a trailing / for a directory) "}</label>
                <textarea id="scan-allow-paths" rows="2" spellcheck="false" value={(*allow_paths).clone()} oninput={typed_into(&allow_paths)} />
                <label for="scan-allow-rules">{" rules "}</label>
                <textarea id="scan-allow-rules" rows="2" spellcheck="false" value={(*allow_rules).clone()} oninput={typed_into(&allow_rules)} />
            </p>
            <p class="row">
                <button type="button" id="scan-start" onclick={start} disabled={scan.running.is_some()}>{"Scan contents"}</button>
                if scan.running.is_some() { <button type="button" id="scan-cancel" onclick={cancel}>{"Cancel"}</button> }
            </p>
            if let Some(e) = &*error { <p class="error" role="alert">{ e.clone() }</p> }
            if let Some((step, done, total)) = &scan.running {
                <p role="status" class="scan-progress">
                    { format!("{step}… ") }
                    if *total > 0 {
                        <progress max={total.to_string()} value={(*done).min(*total).to_string()} aria-label="Scan progress"></progress>
                        { format!(" {} of {}", done.min(total), total) }
                    }
                </p>
            }
            { match &scan.report {
                Remote::Ready(report) => html! { <>
                    <p class="row">
                        <button type="button" id="scan-export" onclick={export(report.0.clone(), error.clone())}>{"Download the scan (JSON)"}</button>
                        <span class="hint">{" The same JSON as "}<code>{"tarsier scan --json"}</code>{"; secrets cut as shown here."}</span>
                    </p>
                    { report_view(&report.0, &analyzer) }
                </> },
                Remote::Failed(e) => html! { <p class="error" role="alert" id="scan-error">{ format!("{}: {}", e.code, e.message) }</p> },
                _ => html! {},
            } }
        </section>
    }
}

/// A table with a caption and column headers around `rows`.
fn table(class: &'static str, caption: &'static str, headers: &[&'static str], rows: Html) -> Html {
    scroll_box(caption, html! {
        <table {class}>
            <caption>{ caption }</caption>
            <thead><tr>{ for headers.iter().map(|h| html! { <th scope="col">{ *h }</th> }) }</tr></thead>
            <tbody>{ rows }</tbody>
        </table>
    })
}

fn hidden(hidden_by: Option<usize>) -> String {
    hidden_by.map(|l| format!("hidden by layer {l}")).unwrap_or_default()
}

/// A click that saves the report as `scan.json`, built in the page (nothing leaves the tab).
fn export(report: std::rc::Rc<ScanReport>, error: UseStateHandle<Option<String>>) -> Callback<MouseEvent> {
    Callback::from(move |_: MouseEvent| {
        if let Err(message) = save_json(&report) {
            error.set(Some(message));
        }
    })
}

fn save_json(report: &ScanReport) -> Result<(), String> {
    let refused = |_| "The browser refused to make the download.".to_owned();
    let text = serde_json::to_string_pretty(&report.export()).map_err(|e| e.to_string())?;
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&js_sys::Array::of1(&text.into()), &options).map_err(refused)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(refused)?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("The page has no document.")?;
    let anchor: web_sys::HtmlAnchorElement = document.create_element("a").map_err(refused)?.dyn_into().map_err(|_| "The browser refused to make the download.".to_owned())?;
    anchor.set_href(&url);
    anchor.set_download("scan.json");
    anchor.click();
    // Revoked once the browser has taken the download.
    gloo::timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

fn report_view(r: &ScanReport, analyzer: &Analyzer) -> Html {
    let not_listed = if r.secrets_not_listed > 0 { format!(" ({} more not listed)", r.secrets_not_listed) } else { String::new() };
    html! {
        <div class="scan-report">
            <p class="scan-summary">{ format!(
                "{} read ({}); {} skipped as larger than {}. {}{not_listed}, {}, {}.",
                plural(r.files_scanned, "file", "files"), human(r.bytes_scanned), r.files_skipped, human(r.max_file_size),
                plural(r.secrets.len() as u64, "secret", "secrets"), plural(r.keys.len() as u64, "private key", "private keys"),
                plural(r.certificates.len() as u64, "certificate", "certificates")
            ) }</p>
            <details class="scan-details">
            <summary>{"The scan by kind: secrets, keys and certificates, accounts, setuid, the history lint"}</summary>
            if !r.secrets.is_empty() {
                { table("scan-secrets", "Secrets", &["Rule", "Path", "Layer", "Line", "Hidden", "Snippet (cut)"], html! { <>
                    { for r.secrets.iter().map(|s| html! {
                            <tr class={classes!("secret", s.hidden_by.map(|_| "hidden"))}>
                                <td>{ s.rule.clone() }</td><td>{ path_cell(&s.path, Some(s.layer), Some(s.line), s.hidden_by, analyzer) }</td><td>{ s.layer }</td><td>{ s.line }</td>
                                <td>{ hidden(s.hidden_by) }</td><td><code>{ s.snippet.clone() }</code></td>
                            </tr>
                        }) }
                </> }) }
            }
            { keys_view(r, analyzer) }
            { accounts_view(r) }
            { privileged_view(r) }
            if !r.lint.is_empty() {
                { table("scan-lint", "History lint", &["Severity", "Rule", "History line", "Detail"], html! { <>
                    { for r.lint.iter().map(|l| html! {
                            <tr><td>{ format!("{:?}", l.severity).to_lowercase() }</td><td>{ l.rule.replace('_', " ") }</td>
                                <td>{ l.history.map(|h| h.to_string()).unwrap_or_default() }</td><td>{ code_spans(&l.detail) }</td></tr>
                        }) }
                </> }) }
            }
            </details>
        </div>
    }
}

fn keys_view(r: &ScanReport, analyzer: &Analyzer) -> Html {
    html! {
        <>
            if !r.keys.is_empty() {
                { table("scan-keys", "Private keys", &["Path", "Layer", "Format", "Type", "Bits", "Encrypted", "Fingerprint", "Hidden"], html! { <>
                    { for r.keys.iter().map(|k| html! {
                            <tr><td>{ path_cell(&k.path, Some(k.layer), None, k.hidden_by, analyzer) }</td><td>{ k.layer }</td><td>{ k.format.clone() }</td>
                                <td>{ k.key_type.clone().unwrap_or_else(|| "(hidden by encryption)".to_owned()) }</td>
                                <td>{ k.bits.map(|b| b.to_string()).unwrap_or_default() }</td><td>{ if k.encrypted { "yes" } else { "no" } }</td>
                                <td>{ k.fingerprint.clone().unwrap_or_default() }</td><td>{ hidden(k.hidden_by) }</td></tr>
                        }) }
                </> }) }
            }
            if !r.certificates.is_empty() {
                { table("scan-certs", "Certificates", &["Path", "Subject", "Issuer", "Valid", "Notes"], html! { <>
                    { for r.certificates.iter().map(|c| {
                            let notes = [c.self_signed.then_some("self-signed"), c.expired.then_some("expired"), c.is_ca.then_some("CA")].into_iter().flatten().collect::<Vec<_>>().join(", ");
                            html! {
                                <tr class={classes!(c.expired.then_some("expired"))}><td>{ path_cell(&c.path, Some(c.layer), None, c.hidden_by, analyzer) }</td><td>{ c.subject.clone() }</td><td>{ c.issuer.clone() }</td>
                                    <td>{ format!("{} – {}", c.not_before, c.not_after) }</td><td>{ notes }</td></tr>
                            }
                        }) }
                </> }) }
            }
        </>
    }
}

fn accounts_view(r: &ScanReport) -> Html {
    let a = &r.accounts;
    let with_hash: Vec<String> = a.shadow.iter().filter_map(|s| s.algorithm.as_ref().map(|alg| format!("{} ({alg})", s.user))).collect();
    html! {
        <ul class="scan-accounts" aria-label="Accounts">
            if !a.empty_password.is_empty() { <li class="high">{ format!("Empty password (anyone may log in): {}", a.empty_password.join(", ")) }</li> }
            if !a.uid0_besides_root.is_empty() { <li class="high">{ format!("uid 0 besides root: {}", a.uid0_besides_root.join(", ")) }</li> }
            if !with_hash.is_empty() { <li>{ format!("Password hashes: {}", with_hash.join(", ")) }</li> }
            if !a.service_accounts_with_login_shell.is_empty() {
                <li>{ format!("Service accounts with a login shell: {}", a.service_accounts_with_login_shell.iter().map(|s| format!("{} (uid {}, {})", s.user, s.uid, s.shell)).collect::<Vec<_>>().join(", ")) }</li>
            }
        </ul>
    }
}

fn privileged_view(r: &ScanReport) -> Html {
    html! {
        <>
            if !r.setid.is_empty() {
                { table("scan-setid", "Setuid and setgid files", &["Path", "Bit", "Owner", "Triage"], html! { <>
                    { for r.setid.iter().map(|s| html! {
                            <tr class={classes!((s.class == "shell").then_some("high"))}><td><code>{ format!("/{}", s.path) }</code></td><td>{ s.kind.clone() }</td>
                                <td>{ format!("{}:{}", s.uid, s.gid) }</td>
                                <td>{ if s.class == "shell" { "gives a shell to whoever runs it" } else { "ordinary" } }</td></tr>
                        }) }
                </> }) }
            }
            if !r.file_capabilities.is_empty() {
                { table("scan-caps", "Files with capabilities", &["Path", "Capabilities", "Triage"], html! { <>
                    { for r.file_capabilities.iter().map(|c| html! {
                            <tr class={classes!(c.interpreter.then_some("high"))}><td><code>{ format!("/{}", c.path) }</code></td><td>{ c.caps.clone() }</td>
                                <td>{ if c.interpreter { "an interpreter: any script runs with them" } else { "" } }</td></tr>
                        }) }
                </> }) }
            }
        </>
    }
}
