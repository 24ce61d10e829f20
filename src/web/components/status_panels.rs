//! Two panels of a status dump: what its `Seccomp:` line means for system calls (with the way
//! into the system-call view), and its capability sets graded against Kubernetes' Pod Security
//! Standards ([`crate::core::pod_security`]).

use crate::core::caps::CapSet;
use crate::core::pod_security::{grade, LevelGrade};
use crate::core::status::{SeccompMode, StatusReport};
use std::rc::Rc;
use yew::prelude::*;

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
        </section>
    }
}
