//! One `/proc/<pid>/status` dump explained: verdict, identity, users, namespaces, the five
//! capability sets, seccomp and friends, signals, CPUs, memory, and every raw field.
//!
//! The signal masks are named by the numbering picked in the Signals card (generic by default;
//! MIPS, Alpha, SPARC, PA-RISC number signals differently): switching renames the masks already
//! read (`SignalsReport::renumbered`, a table lookup), without asking the worker again.

use super::disclosure::Disclosure;
use super::status_panels::{CapSetsCard, PodSecurityCard, SeccompPanel};
use crate::core::caps::CapSet;
use crate::core::signals::Numbering;
use crate::core::status::{field_info, Level, SignalsReport, StatusReport};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlSelectElement};
use super::rich_text::code_spans;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub report: Rc<StatusReport>,
    /// Opens the system-call view with this bounding set and a note on what the dump says.
    #[prop_or_default]
    pub on_syscalls: Option<Callback<(CapSet, String)>>,
    /// The prefix of the sections' ids (two reports in one page need two).
    #[prop_or(AttrValue::Static("status"))]
    pub anchor: AttrValue,
}

fn level_class(level: &Level) -> &'static str {
    match level {
        Level::Danger => "danger",
        Level::Warn => "warn",
        Level::Info => "info",
        Level::Good => "good",
    }
}

fn row(label: &str, value: Option<String>) -> Html {
    match value {
        Some(value) => html! { <><dt>{ label.to_owned() }</dt><dd>{ value }</dd></> },
        None => html! {},
    }
}

/// A field's row; a field the dump lacks says so (and since which kernel it is printed).
fn row_or_absent(key: &str, label: &str, value: Option<String>) -> Html {
    let value = value.unwrap_or_else(|| match field_info(key).and_then(|f| f.since) {
        Some(since) => format!("not in this dump (the kernel prints it since Linux {since})"),
        None => "not in this dump".to_owned(),
    });
    html! { <><dt>{ label.to_owned() }</dt><dd>{ value }</dd></> }
}

/// `redis-server (PID 1099)`, or as much of it as the dump has.
pub fn process_title(r: &StatusReport) -> String {
    match (&r.identity.name, r.identity.pid) {
        (Some(name), Some(pid)) => format!("{name} (PID {pid})"),
        (Some(name), None) => name.clone(),
        (None, Some(pid)) => format!("PID {pid}"),
        (None, None) => "Process status".to_owned(),
    }
}

/// The report's sections, in order, with the words of the section index; only those the dump
/// gives something to show.
fn sections(r: &StatusReport) -> Vec<(&'static str, &'static str)> {
    let mut out = vec![("verdict", "Verdict"), ("identity", "Identity"), ("users", "Users"), ("namespaces", "Namespaces")];
    if !r.capabilities.sets.is_empty() {
        out.push(("capabilities", "Capabilities"));
    }
    out.push(("security", "Seccomp/NoNewPrivs"));
    if !r.signals.masks.is_empty() {
        out.push(("signals", "Signals"));
    }
    if r.cpus.is_some() || r.mems.is_some() {
        out.push(("cpus", "CPUs/memory"));
    }
    if !r.memory.figures.is_empty() {
        out.push(("memory", "Memory"));
    }
    if !r.warnings.is_empty() {
        out.push(("warnings", "Warnings"));
    }
    out.push(("raw", "Raw"));
    out
}

/// The section index: links that scroll to a section and move the focus there, without
/// touching the URL fragment (which holds the dump).
fn section_index(title: &str, anchor: &str, r: &StatusReport) -> Html {
    let links = sections(r).into_iter().map(|(id, label)| {
        let target = format!("{anchor}-{id}");
        let onclick = {
            let target = target.clone();
            Callback::from(move |e: MouseEvent| {
                e.prevent_default();
                let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(&target)) else { return };
                el.scroll_into_view();
                if let Ok(el) = el.dyn_into::<HtmlElement>() {
                    let _ = el.focus();
                }
            })
        };
        html! { <li><a href={format!("#{target}")} {onclick}>{ label }</a></li> }
    });
    html! {
        <nav class="section-index" aria-label={match anchor { "status" => format!("Sections of {title}"), side => format!("Sections of {title}, the {side} dump") }}>
            <ul>{ for links }</ul>
        </nav>
    }
}

#[function_component(StatusView)]
pub fn status_view(props: &Props) -> Html {
    let r = &props.report;
    let id = &r.identity;
    let title = process_title(r);
    let a = props.anchor.as_str();
    let sid = |s: &str| format!("{a}-{s}");
    html! {
        <article class="status-report">
            <h2 class="proc-title">{ title.clone() }</h2>
            { section_index(&title, a, r) }
            <section class="verdict card" id={sid("verdict")} tabindex="-1">
                <h3>{"Verdict"}</h3>
                <p class="headline">{ r.verdict.headline.clone() }</p>
                <ul>
                    { for r.verdict.points.iter().map(|p| html! {
                        <li class={classes!("point", level_class(&p.level))}><span class="level">{ level_class(&p.level) }</span>{" "}{ p.text.clone() }</li>
                    }) }
                </ul>
            </section>

            <section class="card identity" id={sid("identity")} tabindex="-1">
                <h3>{"Identity and state"}</h3>
                <dl>
                    { row("Name", id.name.clone()) }
                    { row("PID / TGID / PPID", Some(format!("{} / {} / {}", opt(id.pid), opt(id.tgid), opt(id.ppid)))) }
                    { row("State", id.state.as_ref().map(|s| format!("{} ({}) — {}", s.letter, s.label, s.description))) }
                    { row("Traced", id.traced_explanation.clone()) }
                    { row("Threads", id.threads.map(|t| t.to_string())) }
                    { row("Kernel thread", id.kernel_thread_explanation.clone()) }
                    { row("Umask", id.umask.as_ref().map(|u| format!("{} — {}", u.octal, u.explanation))) }
                    { row("FDSize", id.fd_size.map(|v| v.to_string())) }
                    { row("Context switches", match (id.voluntary_ctxt_switches, id.nonvoluntary_ctxt_switches) {
                        (None, None) => None,
                        (v, n) => Some(format!("{} voluntary, {} involuntary", opt64(v), opt64(n))),
                    }) }
                </dl>
            </section>

            <section class="card users" id={sid("users")} tabindex="-1">
                <h3>{"Users and groups"}</h3>
                <p>{ r.users.summary.clone() }</p>
                <dl>
                    { row_or_absent("Uid", "Uid (real, effective, saved, fs)", r.users.uid.as_ref().map(|u| format!("{} {} {} {} — {}", u.real, u.effective, u.saved, u.fs, u.explanation))) }
                    { row_or_absent("Gid", "Gid (real, effective, saved, fs)", r.users.gid.as_ref().map(|g| format!("{} {} {} {} — {}", g.real, g.effective, g.saved, g.fs, g.explanation))) }
                    { row_or_absent("Groups", "Supplementary groups", r.users.groups.as_ref().map(|g| if g.is_empty() { "none".to_owned() } else { g.iter().map(u32::to_string).collect::<Vec<_>>().join(" ") })) }
                </dl>
            </section>

            <section class="card namespaces" id={sid("namespaces")} tabindex="-1">
                <h3>{"PID namespaces"}</h3>
                <p class="ns-explanation">{ r.namespaces.explanation.clone() }</p>
                if !r.namespaces.levels.is_empty() {
                    <ol class="ns-chain">
                        { for r.namespaces.levels.iter().map(|l| html! { <li>{ format!("PID {} — {}", l.pid, l.description) }</li> }) }
                    </ol>
                }
            </section>

            if !r.capabilities.sets.is_empty() {
                <CapSetsCard report={r.clone()} id={sid("capabilities")} />
            }

            <section class="card security" id={sid("security")} tabindex="-1">
                <h3>{"Seccomp, NoNewPrivs, speculation"}</h3>
                <dl>
                    { row_or_absent("Seccomp", "Seccomp", r.security.seccomp.as_ref().map(|s| format!("{} — {}", s.raw, s.explanation))) }
                    { row_or_absent("NoNewPrivs", "NoNewPrivs", r.security.no_new_privs_explanation.clone()) }
                    { row_or_absent("Speculation_Store_Bypass", "Speculation_Store_Bypass", r.security.speculation_store_bypass.as_ref().map(|s| format!("{} — {}", s.value, s.explanation))) }
                    { row_or_absent("SpeculationIndirectBranch", "SpeculationIndirectBranch", r.security.speculation_indirect_branch.as_ref().map(|s| format!("{} — {}", s.value, s.explanation))) }
                </dl>
                <SeccompPanel report={r.clone()} on_syscalls={props.on_syscalls.clone()} />
            </section>

            <PodSecurityCard report={r.clone()} />

            if !r.signals.masks.is_empty() {
                <SignalsCard signals={Rc::new(r.signals.clone())} id={sid("signals")} />
            }

            { lower_sections(r, a) }
        </article>
    }
}

/// CPUs, memory, warnings and the raw fields.
fn lower_sections(r: &StatusReport, a: &str) -> Html {
    let sid = |s: &str| format!("{a}-{s}");
    html! {
        <>
            if r.cpus.is_some() || r.mems.is_some() {
                <section class="card affinity" id={sid("cpus")} tabindex="-1">
                    <h3>{"CPUs and memory nodes"}</h3>
                    <dl>
                        { row("Cpus_allowed", r.cpus.as_ref().map(|a| a.message.clone())) }
                        { row("Mems_allowed", r.mems.as_ref().map(|a| a.message.clone())) }
                    </dl>
                </section>
            }

            if !r.memory.figures.is_empty() {
                <section class="card memory" id={sid("memory")} tabindex="-1">
                    <h3>{"Memory"}</h3>
                    <div class="table-scroll" role="group" aria-label="Memory figures" tabindex="0">
                    <table>
                        <thead><tr><th scope="col">{"Field"}</th><th scope="col">{"Size"}</th><th scope="col">{"Meaning"}</th></tr></thead>
                        <tbody>
                            { for r.memory.figures.iter().map(|m| html! {
                                <tr key={m.key.clone()}><td><code>{ m.key.clone() }</code></td><td class="num">{ m.human.clone() }</td><td>{ m.meaning.clone() }</td></tr>
                            }) }
                        </tbody>
                    </table>
                    </div>
                </section>
            }

            if !r.warnings.is_empty() {
                <section class="card warnings" id={sid("warnings")} tabindex="-1">
                    <h3>{"Warnings"}</h3>
                    <ul>{ for r.warnings.iter().map(|w| html! { <li>{ code_spans(&match &w.key {
                        Some(key) => format!("Line {} ({key}): {}", w.line, w.message),
                        None => w.message.clone(),
                    }) }</li> }) }</ul>
                </section>
            }

            <div id={sid("raw")} class="raw-anchor" tabindex="-1">
            <Disclosure class={classes!("card", "raw")}
                label={format!("All {} fields as pasted ({} unknown to Tarsier)", r.raw.len(), r.unknown_fields.len())}>
                <div class="table-scroll" role="group" aria-label="All fields as pasted" tabindex="0">
                <table>
                    <thead><tr><th scope="col">{"Line"}</th><th scope="col">{"Key"}</th><th scope="col">{"Value"}</th><th scope="col">{"Meaning"}</th></tr></thead>
                    <tbody>
                        { for r.raw.iter().map(|f| html! {
                            <tr key={f.line} class={classes!((!f.known).then_some("unknown-field"))}>
                                <td class="num">{ f.line }</td>
                                <td><code>{ f.key.clone() }</code></td>
                                <td><code>{ f.value.clone() }</code></td>
                                <td>{ if f.known { f.meaning.clone() } else { "Not a field Tarsier knows; shown as pasted.".to_owned() } }
                                    if let Some(since) = &f.since { <span class="hint">{ format!(" (since Linux {since})") }</span> }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                </div>
            </Disclosure>
            </div>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct SignalsProps {
    signals: Rc<SignalsReport>,
    id: AttrValue,
}

/// The signal queue and masks, with the numbering menu.
#[function_component(SignalsCard)]
fn signals_card(props: &SignalsProps) -> Html {
    let numbering = use_state(|| props.signals.numbering);
    let on_change = {
        let numbering = numbering.clone();
        Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<HtmlSelectElement>() else { return };
            if let Some(n) = Numbering::from_name(&select.value()) {
                numbering.set(n);
            }
        })
    };
    let shown = if *numbering == props.signals.numbering { (*props.signals).clone() } else { props.signals.renumbered(*numbering) };
    html! {
        <section class="card signals" id={props.id.clone()} tabindex="-1">
            <h3>{"Signals"}</h3>
            <p class="row">
                <label>{"Signal numbering "}
                    <select class="signal-numbering" onchange={on_change}>
                        { for Numbering::ALL.iter().map(|n| html! {
                            <option value={n.as_str()} selected={*n == *numbering}>{ n.label() }</option>
                        }) }
                    </select>
                </label>
                <span class="hint">{" The architecture the dump comes from: signal numbers differ on MIPS, Alpha, SPARC and PA-RISC."}</span>
            </p>
            if let Some(note) = &shown.note {
                <p class="signals-note">{ note.clone() }</p>
            }
            if let (Some(q), Some(limit)) = (shown.queued, shown.queue_limit) {
                <p>{ format!("{q} signals queued for this user, limit {limit}.") }</p>
            }
            <dl>
                { for shown.masks.iter().map(|m| html! {
                    <>
                        <dt>{ format!("{} {}", m.key, m.hex) }</dt>
                        <dd>
                            <span class="hint">{ m.meaning.clone() }</span><br/>
                            { if m.signals.is_empty() { "none".to_owned() } else { m.signals.iter().map(|s| s.name.clone()).collect::<Vec<_>>().join(" ") } }
                        </dd>
                    </>
                }) }
            </dl>
        </section>
    }
}

fn opt(v: Option<u32>) -> String {
    v.map_or_else(|| "?".to_owned(), |v| v.to_string())
}

fn opt64(v: Option<u64>) -> String {
    v.map_or_else(|| "?".to_owned(), |v| v.to_string())
}
