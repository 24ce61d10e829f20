//! Packages grouped by ecosystem (dpkg, apk, Python, npm, Java, Go, cargo…), with a search box, each with its
//! licence and the layers that added, changed and removed it. Packages a later layer removed
//! are listed in their group too, with that layer.

use crate::core::image::{Package, PackageSource};
use crate::web::components::inputs::typed_into;
use crate::web::components::scroll_box::scroll_box;
use crate::web::state::Loaded;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub loaded: Loaded,
}

/// What a group is called on the page.
fn group_title(s: PackageSource) -> &'static str {
    match s {
        PackageSource::Dpkg => "Debian packages (dpkg)",
        PackageSource::Apk => "Alpine packages (apk)",
        PackageSource::Python => "Python packages (PyPI)",
        PackageSource::Npm => "npm packages",
        PackageSource::Maven => "Java packages (Maven)",
        PackageSource::Rpm => "rpm packages",
        PackageSource::Go => "Go binaries (build information)",
        PackageSource::Cargo => "Rust crates (cargo auditable)",
    }
}

/// Whether `p` matches the search (case-insensitive, in its name, version or licence).
fn matches(p: &Package, q: &str) -> bool {
    q.is_empty()
        || [Some(&p.name), Some(&p.version), p.licence.as_ref()]
            .into_iter()
            .flatten()
            .any(|s| s.to_lowercase().contains(q))
}

fn layers(list: &[usize]) -> String {
    list.iter().map(|l| format!("layer {l}")).collect::<Vec<_>>().join(", ")
}

fn row(p: &Package) -> Html {
    let removed = p.removed_in.is_some();
    html! {
        <tr key={format!("{}|{}|{}", p.name, p.location.as_deref().unwrap_or(""), p.removed_in.is_some())} class={classes!(removed.then_some("removed"))}>
            <td class="pkg-name"><code>{ p.name.clone() }</code></td>
            <td class="pkg-version"><code>{ p.version.clone() }</code></td>
            <td class="pkg-licence">{ p.licence.as_deref().and_then(|l| l.lines().next()).unwrap_or("") }</td>
            <td class="pkg-added">{ format!("layer {}", p.installed_in) }</td>
            <td class="pkg-changed">{ layers(&p.changed_in) }</td>
            <td class="pkg-removed">{ p.removed_in.map(|l| format!("layer {l}")).unwrap_or_default() }</td>
            <td class="pkg-where">{ p.evidence.as_ref().map(|e| html! { <code>{ format!("/{e}") }</code> }).unwrap_or_default() }</td>
        </tr>
    }
}

#[function_component(Packages)]
pub fn packages(props: &Props) -> Html {
    let query = use_state(String::new);
    let Some(img) = props.loaded.report.images.get(props.loaded.image) else { return html! {} };
    let sbom = html! { <super::sbom::SbomDownload loaded={props.loaded.clone()} /> };
    // What the readers could not read (an rpm database, metadata past the budget), said here too.
    let notes = props.loaded.report.warnings.iter().filter(|w| w.is_about_packages());
    let notes = html! { <>{ for notes.map(|w| html! { <p class="warn package-warning">{ format!("Warning: {}", w.message) }</p> }) }</> };
    if img.packages.is_empty() && img.removed_packages.is_empty() {
        return html! { <>{ sbom }{ notes }<p>{"No package database (lib/apk/db/installed, var/lib/dpkg/status), no Python, npm or Java package metadata, and no Go or cargo auditable executable in this image."}</p></> };
    }
    let q = query.trim().to_lowercase();
    let all: Vec<&Package> = img.packages.iter().chain(&img.removed_packages).collect();
    let shown = all.iter().filter(|p| matches(p, &q)).count();
    let groups = PackageSource::ALL.into_iter().filter_map(|s| {
        let mine: Vec<&Package> = all.iter().copied().filter(|p| p.source == s && matches(p, &q)).collect();
        if mine.is_empty() {
            return None;
        }
        let id = format!("packages-{}", s.as_str());
        let present = mine.iter().filter(|p| p.removed_in.is_none()).count();
        let removed = mine.len() - present;
        let count = if removed == 0 { format!("{present}") } else { format!("{present}, and {removed} removed") };
        Some(html! {
            <section class="package-group" data-source={s.as_str()} aria-labelledby={id.clone()}>
                <h4 id={id}>{ format!("{} ({count})", group_title(s)) }</h4>
                { scroll_box(group_title(s), html! {
                <table>
                    <thead><tr>
                        <th scope="col">{"Package"}</th><th scope="col">{"Version"}</th><th scope="col">{"Licence"}</th>
                        <th scope="col">{"Added in"}</th><th scope="col">{"Changed in"}</th><th scope="col">{"Removed in"}</th>
                        <th scope="col">{"Evidence"}</th>
                    </tr></thead>
                    <tbody>{ for mine.into_iter().map(row) }</tbody>
                </table>
                }) }
            </section>
        })
    });
    let removed = img.removed_packages.len();
    let summary = format!(
        "{} present{}. {shown} of {} shown.",
        if img.packages.len() == 1 { "1 package".to_owned() } else { format!("{} packages", img.packages.len()) },
        if removed == 0 { String::new() } else { format!(", {removed} removed by a later layer") },
        all.len()
    );
    html! {
        <section class="packages" aria-label="Packages">
            { sbom }
            <div class="row">
                <label for="packages-search">{"Search packages "}</label>
                <input id="packages-search" type="search" placeholder="name, version or licence" value={(*query).clone()} oninput={typed_into(&query)} spellcheck="false" autocomplete="off" />
            </div>
            { notes }
            <p class="packages-count">{ summary }</p>
            { for groups }
        </section>
    }
}
