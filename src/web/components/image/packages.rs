//! Packages from the apk and dpkg databases, with the layer that installed or changed each.

use crate::web::state::Loaded;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub loaded: Loaded,
}

#[function_component(Packages)]
pub fn packages(props: &Props) -> Html {
    let Some(img) = props.loaded.report.images.get(props.loaded.image) else { return html! {} };
    let sbom = html! { <super::sbom::SbomDownload loaded={props.loaded.clone()} /> };
    if img.packages.is_empty() {
        return html! { <>{ sbom }<p>{"No package database (lib/apk/db/installed, var/lib/dpkg/status) in this image."}</p></> };
    }
    html! {
        <section class="packages" aria-label="Packages">
            { sbom }
            <p>{ format!("{} packages.", img.packages.len()) }</p>
            <table>
                <thead><tr><th scope="col">{"Package"}</th><th scope="col">{"Version"}</th><th scope="col">{"From"}</th><th scope="col">{"Installed in"}</th><th scope="col">{"Changed in"}</th></tr></thead>
                <tbody>
                { for img.packages.iter().map(|p| html! {
                    <tr key={format!("{}-{:?}", p.name, p.source)}>
                        <td><code>{ p.name.clone() }</code></td>
                        <td><code>{ p.version.clone() }</code></td>
                        <td>{ p.source.as_str() }</td>
                        <td>{ format!("layer {}", p.installed_in) }</td>
                        <td>{ p.changed_in.iter().map(|l| format!("layer {l}")).collect::<Vec<_>>().join(", ") }</td>
                    </tr>
                }) }
                </tbody>
            </table>
        </section>
    }
}
