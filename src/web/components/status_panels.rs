//! Panels of a status dump: its five capability sets as one capability × set grid, what its
//! `Seccomp:` line means for system calls (with the way into the system-call view), and its
//! capability sets graded against Kubernetes' Pod Security Standards
//! ([`crate::core::pod_security`]).

use crate::core::caps::{CapSet, DecodedCap};
use crate::core::pod_security::{grade, LevelGrade};
use crate::core::status::{CapSetReport, SeccompMode, StatusReport};
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CapSetsProps {
    pub report: Rc<StatusReport>,
    /// The section's id (for the section index).
    pub id: String,
}

/// How a set compares with Docker's default, as a sentence: "14 capabilities: exactly Docker's
/// default set.", "none (an empty set)."
pub fn docker_sentence(set: &CapSetReport) -> String {
    let n = set.mask.caps.len();
    if n == 0 {
        return "none (an empty set).".to_owned();
    }
    let phrase = match set.vs_docker_default.as_str() {
        "Docker default" => "exactly Docker's default set".to_owned(),
        other => match other.split_once(": ") {
            // "a subset of Docker default: cap_a, cap_b": the names are in the grid.
            Some((head, _)) if head.starts_with("a subset of") => head.replace("Docker default", "Docker's default set"),
            _ => other.replace("Docker default", "Docker's default set"),
        },
    };
    format!("{}: {phrase}.", super::format::plural(n as u64, "capability", "capabilities"))
}

/// One mark of the grid: whether `set` holds the capability.
fn mark(key: &str, held: bool) -> Html {
    html! {
        <td class={classes!("mark", held.then_some("on"))} data-set={key.to_owned()}>
            if held {
                <span aria-hidden="true">{"●"}</span><span class="visually-hidden">{"yes"}</span>
            } else {
                <span class="visually-hidden">{"no"}</span>
            }
        </td>
    }
}

/// The five sets: a line each (mask, count, Docker comparison, meaning), then one grid whose
/// rows are the capabilities any set holds and whose columns are the sets.
#[function_component(CapSetsCard)]
pub fn cap_sets_card(props: &CapSetsProps) -> Html {
    let caps = &props.report.capabilities;
    let sets = &caps.sets;
    let rows: BTreeMap<u8, &DecodedCap> = sets.iter().flat_map(|s| s.mask.caps.iter().map(|c| (c.bit, c))).collect();
    html! {
        <section class="card caps-sets" id={props.id.clone()} tabindex="-1">
            <h3>{"Capabilities"}</h3>
            <p>{ caps.summary.clone() }</p>
            if !caps.dangerous_effective.is_empty() {
                <p class="error">{ format!("Dangerous effective capabilities: {}", caps.dangerous_effective.join(", ")) }</p>
            }
            <ul class="cap-sets">
                { for sets.iter().map(|set| html! {
                    <li class="cap-set" key={set.key.clone()} data-key={set.key.clone()}>
                        <code class="set-key">{ set.key.clone() }</code>{" "}
                        <span class="set-name">{ format!("({} set)", set.set) }</span>{" "}
                        <code class="hex">{ set.mask.hex.clone() }</code>{" — "}
                        <span class="vs-docker">{ docker_sentence(set) }</span>
                        <br/><span class="hint">{ set.meaning.clone() }</span>
                    </li>
                }) }
            </ul>
            if rows.is_empty() {
                <p class="no-caps">{"No set holds any capability."}</p>
            } else {
                <div class="table-scroll" role="group" aria-label="Capabilities by set" tabindex="0">
                <table class="cap-matrix">
                    <caption class="visually-hidden">{"Which set holds each capability"}</caption>
                    <thead><tr>
                        <th scope="col">{"#"}</th>
                        <th scope="col">{"Capability"}</th>
                        { for sets.iter().map(|s| html! { <th scope="col" class="set"><abbr title={format!("{} set", s.set)}>{ s.key.clone() }</abbr></th> }) }
                        <th scope="col">{"Docker default"}</th>
                        <th scope="col">{"Meaning"}</th>
                    </tr></thead>
                    <tbody>
                        { for rows.values().map(|c| html! {
                            <tr key={c.bit} data-cap={c.name.clone()} class={classes!("cap", c.dangerous.then_some("dangerous"), (!c.docker_default).then_some("beyond"))}>
                                <td class="num">{ c.bit }</td>
                                <th scope="row"><code class="cap-name">{ c.name.clone() }</code>
                                    if c.dangerous { <span class="badge danger">{"dangerous"}</span> }</th>
                                { for sets.iter().map(|s| mark(&s.key, s.mask.value.contains(c.bit))) }
                                <td>{ if c.docker_default { "yes" } else { "no" } }</td>
                                <td class="meaning">{ if c.unknown { "Unknown to this kernel table (a bit above cap_checkpoint_restore)." } else { c.meaning.as_str() } }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                </div>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub report: Rc<StatusReport>,
    #[prop_or_default]
    pub on_syscalls: Option<Callback<(CapSet, String)>>,
}

/// The dump's `CapBnd`, when it has one.
pub fn bounding_of(r: &StatusReport) -> Option<CapSet> {
    r.capabilities.sets.iter().find(|s| s.key == "CapBnd").map(|s| s.mask.value)
}

#[function_component(SeccompPanel)]
pub fn seccomp_panel(props: &Props) -> Html {
    let Some(sc) = &props.report.security.seccomp else { return html! {} };
    let filters = sc.filters.map_or_else(String::new, |n| format!(" Seccomp_filters: {n}."));
    let open = match (&props.on_syscalls, bounding_of(&props.report)) {
        (Some(cb), Some(bnd)) => {
            let note = format!(
                "The dump says Seccomp: 2{}: a filter is loaded, but the dump cannot prove which profile it is. Shown: Docker's default under the dump's CapBnd {}.",
                sc.filters.map_or_else(String::new, |n| format!(" (Seccomp_filters: {n})")),
                bnd.to_proc_hex()
            );
            let cb = cb.clone();
            Some(Callback::from(move |_| cb.emit((bnd, note.clone()))))
        }
        _ => None,
    };
    let body = match &sc.mode {
        SeccompMode::Disabled => html! { <p>{"No filter: every call allowed."}</p> },
        SeccompMode::Strict => html! {
            <p>{"Strict mode: only four calls are allowed — read, write, _exit (exit) and sigreturn (rt_sigreturn); any other call kills the process."}</p>
        },
        SeccompMode::Filter => html! {
            <>
                <p>{ format!("A BPF filter decides each call.{filters} The dump cannot prove which profile is loaded: Docker, podman and Kubernetes each load their own default, and a container may be given any profile.") }</p>
                if let Some(onclick) = open {
                    <p><button type="button" id="open-syscalls" {onclick}>{"What may it call? Docker's default under this dump's CapBnd"}</button></p>
                }
            </>
        },
        SeccompMode::Unknown(v) => html! { <p>{ format!("Seccomp mode {v} is not one Tarsier knows.") }</p> },
    };
    html! { <div class="seccomp-panel">{ body }</div> }
}

fn level(g: &LevelGrade) -> String {
    if g.passes {
        "meets".to_owned()
    } else {
        format!("breaks: {}", g.breaking.join(", "))
    }
}

#[derive(Properties, PartialEq)]
pub struct GradeProps {
    pub report: Rc<StatusReport>,
}

/// Each capability set of the dump graded as Kubernetes would grade a container holding it.
#[function_component(PodSecurityCard)]
pub fn pod_security_card(props: &GradeProps) -> Html {
    let sets: Vec<_> = props.report.capabilities.sets.iter().filter(|s| matches!(s.key.as_str(), "CapEff" | "CapPrm" | "CapBnd")).collect();
    if sets.is_empty() {
        return html! {};
    }
    html! {
        <section class="card pod-security">
            <h3>{"Pod Security Standards"}</h3>
            <p class="hint">{"Baseline allows adding only AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID and SYS_CHROOT; Restricted drops ALL and adds at most NET_BIND_SERVICE."}</p>
            <div class="table-scroll" role="group" aria-label="Pod Security Standards by set" tabindex="0">
            <table>
                <thead><tr><th scope="col">{"Set"}</th><th scope="col">{"Baseline"}</th><th scope="col">{"Restricted"}</th><th scope="col">{"Verdict"}</th></tr></thead>
                <tbody>
                    { for sets.into_iter().map(|s| {
                        let g = grade(s.mask.value);
                        html! {
                            <tr key={s.key.clone()} data-key={s.key.clone()}>
                                <th scope="row"><code>{ s.key.clone() }</code></th>
                                <td>{ level(&g.baseline) }</td>
                                <td>{ level(&g.restricted) }</td>
                                <td>{ g.summary.clone() }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            </div>
        </section>
    }
}
