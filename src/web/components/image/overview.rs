//! Overview: the archive, the selected image's tags, platform, config, warnings, digest checks
//! and the JSON export.

use crate::web::components::digest::Digest;
use crate::web::components::format::{plural, short_digest};
use crate::core::image::{ArchiveFormat, Compression, ImageReport, PackageSource, Severity};
use crate::web::analyzer::Analyzer;
use crate::web::components::format::human;
use crate::web::state::{ImageView, Loaded, Remote};
use crate::web::components::rich_text::code_spans;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub loaded: Loaded,
}

fn row(label: &str, value: Option<String>) -> Html {
    match value {
        Some(v) if !v.is_empty() => html! { <><dt>{ label.to_owned() }</dt><dd>{ v }</dd></> },
        _ => html! {},
    }
}

fn list(items: &[String]) -> Option<String> {
    (!items.is_empty()).then(|| items.join(" "))
}

fn json_words(words: &Option<Vec<String>>) -> Option<String> {
    words.as_ref().map(|w| serde_json::to_string(w).unwrap_or_default())
}

fn secs(ns: Option<i64>) -> String {
    ns.map_or_else(|| "default".to_owned(), |n| format!("{}s", n as f64 / 1e9))
}

#[function_component(Overview)]
pub fn overview(props: &Props) -> Html {
    let Some(analyzer) = use_context::<Analyzer>() else { return html! {} };
    let loaded = &props.loaded;
    let report = &loaded.report;
    let Some(img) = report.images.get(loaded.image) else { return html! { <p>{"This archive holds no image."}</p> } };
    let archive = &report.archive;
    let compression = match archive.compression {
        Compression::None => "plain tar",
        Compression::Gzip => "gzip-compressed tar",
        Compression::Zstd => "zstd-compressed tar",
    };
    let layer_bytes = img.layers.iter().filter_map(|l| report.layers.get(l.layer)).fold(0u64, |sum, l| sum.saturating_add(l.uncompressed_size));
    let size = format!("{} in {} (what a container sees); {} of layer data", human(img.merged.total_bytes), plural(img.merged.files, "file", "files"), human(layer_bytes));
    html! {
        <div class="overview">
            { glance(img, &analyzer) }
            { image_card(img, Some(size), "image-card") }
            { config_card(img, "config") }
            <section class="card archive" data-elapsed-ms={format!("{:.0}", loaded.stats.elapsed_ms)}
                data-wasm-memory={loaded.stats.wasm_memory_bytes.to_string()} data-bytes-read={loaded.stats.bytes_read.to_string()}
                data-helpers={loaded.stats.helpers.to_string()} data-helper-layers={loaded.stats.helper_layers.to_string()}>
                <h3>{"Archive"}</h3>
                <dl>
                    { row("File", Some(archive.name.clone())) }
                    { row("Size", Some(format!("{} ({} bytes), {compression}", human(archive.size), archive.size))) }
                    { row("Layout", Some(layout_name(archive.format).to_owned())) }
                    { row("Members", Some(archive.members.to_string())) }
                    { row("Entries indexed", Some(format!("{} (every entry of every layer, with the files later layers replace or delete)", archive.files_indexed))) }
                    { row("Indexed in", Some(format!("{:.2} s, reading {} of the file; worker memory {}{}", loaded.stats.elapsed_ms / 1000.0,
                        human(loaded.stats.bytes_read), human(loaded.stats.wasm_memory_bytes),
                        match (loaded.stats.helpers, loaded.stats.helper_layers) {
                            (0, _) => String::new(),
                            (1, l) => format!("; {} inflated by 1 helper worker", plural(l as u64, "compressed layer", "compressed layers")),
                            (n, l) => format!("; {} inflated by {n} helper workers in parallel", plural(l as u64, "compressed layer", "compressed layers")),
                        }))) }
                </dl>
                if !report.platforms.is_empty() {
                    <h4>{"Platforms in the index"}</h4>
                    <ul class="platforms">{ for report.platforms.iter().map(|p| html! {
                        <li><span class="platform">{ match (&p.os, &p.architecture) {
                            (Some(os), Some(arch)) => format!("{os}/{arch}{}", p.variant.as_ref().map(|v| format!("/{v}")).unwrap_or_default()),
                            _ => "platform not stated".to_owned(),
                        } }</span>{" "}<Digest digest={p.digest.clone()} />
                        if !p.present { {" (absent from the archive)"} }</li>
                    }) }</ul>
                }
                <div class="row">
                    <button type="button" id="verify-button" onclick={ let a = analyzer.clone(); Callback::from(move |_| a.verify()) }
                        disabled={matches!(loaded.verify, Remote::Waiting(_))}>{"Verify digests"}</button>
                    <button type="button" id="export-button" onclick={ let a = analyzer.clone(); Callback::from(move |_| a.download(None)) }>{"Export JSON report"}</button>
                    { download_link(&loaded.download) }
                </div>
                { verify_view(loaded) }
            </section>
            if !report.warnings.is_empty() {
                <section class="card warnings" aria-label="Warnings">
                    <h3>{ format!("Warnings ({})", report.warnings.len()) }</h3>
                    <ul>{ for report.warnings.iter().map(|w| html! { <li><code>{ w.code.clone() }</code>{" "}{ code_spans(&w.message) }</li> }) }</ul>
                </section>
            }
        </div>
    }
}

/// The image: tags, platform, dates, layers, digests; `size` once the layers are indexed.
/// `class`: `image-card`, or another for the overview shown while indexing (so that
/// `.image-card` always means the indexed archive's).
pub fn image_card(img: &ImageReport, size: Option<String>, class: &'static str) -> Html {
    html! {
        <section class={classes!("card", class)}>
            <h3 class="tags">{ if img.tags.is_empty() { "untagged image".to_owned() } else { img.tags.join(", ") } }</h3>
            <dl>
                { row("Operating system", img.os_release.as_ref().and_then(|os| os.display().map(|name| format!("{name} (/{}, layer {})", os.path, os.layer)))) }
                { row("Platform", Some(platform(img))) }
                { row("Created", img.created.as_deref().map(readable_time)) }
                { row("Author", img.author.clone()) }
                { row("Layers", Some(img.layers.len().to_string())) }
                { row("Size", size) }
                if let Some(d) = &img.config_digest { <dt>{"Config digest"}</dt><dd><Digest digest={d.clone()} /></dd> }
                if let Some(d) = &img.manifest_digest {
                    <dt>{"Manifest"}</dt><dd><Digest digest={d.clone()} />
                        if let Some(t) = &img.manifest_media_type { <span class="hint">{ format!(" {t}") }</span> }</dd>
                }
            </dl>
        </section>
    }
}

/// The image's runtime configuration; `class` as for [`image_card`] (`config`).
pub fn config_card(img: &ImageReport, class: &'static str) -> Html {
    html! {
        <section class={classes!("card", class)}>
            <h3>{"Configuration"}</h3>
            <dl>
                { row("User", Some(match img.config.user.as_deref() { None | Some("") => "(not set: root)".to_owned(), Some(u) => u.to_owned() })) }
                { row("Entrypoint", json_words(&img.config.entrypoint)) }
                { row("Cmd", json_words(&img.config.cmd)) }
                { row("WorkingDir", img.config.working_dir.clone()) }
                { row("Exposed ports", list(&img.config.exposed_ports)) }
                { row("Volumes", list(&img.config.volumes)) }
                { row("StopSignal", img.config.stop_signal.clone()) }
                { row("Shell", json_words(&img.config.shell)) }
                { row("Healthcheck", img.config.healthcheck.as_ref().map(|h| format!("{} every {}, timeout {}, start period {}, retries {}",
                    serde_json::to_string(&h.test).unwrap_or_default(), secs(h.interval_ns), secs(h.timeout_ns), secs(h.start_period_ns),
                    h.retries.map_or_else(|| "default".to_owned(), |r| r.to_string())))) }
            </dl>
            if !img.config.env.is_empty() {
                <h4>{"Environment"}</h4>
                <ul class="env">{ for img.config.env.iter().map(|e| html! { <li><code>{ e.clone() }</code></li> }) }</ul>
            }
            if !img.config.labels.is_empty() {
                <h4>{"Labels"}</h4>
                <table class="labels"><tbody>
                    { for img.config.labels.iter().map(|(k, v)| html! { <tr><th scope="row"><code>{ k.clone() }</code></th><td>{ v.clone() }</td></tr> }) }
                </tbody></table>
            }
        </section>
    }
}

/// What the layout is, in the words of the tools that write it.
fn layout_name(f: ArchiveFormat) -> &'static str {
    match f {
        ArchiveFormat::DockerArchive => "docker-archive (docker save, podman save)",
        ArchiveFormat::OciLayout => "OCI image layout (skopeo, podman save --format oci-archive)",
        ArchiveFormat::OciWithDockerManifest => "OCI image layout with Docker's manifest.json (docker save, Docker 25 and later)",
    }
}

/// `2023-11-14T22:16:40.123Z` as `2023-11-14 22:16:40 UTC`; another offset is kept as written
/// (`2023-11-14 23:16:40 +01:00`); what is not RFC 3339 is shown as it is.
fn readable_time(t: &str) -> String {
    let b = t.as_bytes();
    let shape = b.len() >= 20 && b.get(4) == Some(&b'-') && b.get(10).is_some_and(|c| *c == b'T' || *c == b't') && b.get(13) == Some(&b':');
    let (Some(date), Some(clock)) = (t.get(..10), t.get(11..19)) else { return t.to_owned() };
    if !shape {
        return t.to_owned();
    }
    // After the seconds: an optional fraction, then `Z` or an offset.
    let zone = t.get(19..).unwrap_or("").trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    match zone {
        "Z" | "z" => format!("{date} {clock} UTC"),
        z => format!("{date} {clock} {z}"),
    }
}

/// The first answers: what the system is, what is installed, what is risky — each a link to its
/// view.
fn glance(img: &ImageReport, analyzer: &Analyzer) -> Html {
    let go = |view: ImageView| {
        let a = analyzer.clone();
        Callback::from(move |_: MouseEvent| a.set_view(view))
    };
    let os = img.os_release.as_ref().and_then(|os| os.display());
    let count = |s: PackageSource| img.packages.iter().filter(|p| p.source == s).count() as u64;
    let kinds: Vec<String> = PackageSource::ALL
        .into_iter()
        .filter(|s| count(*s) > 0)
        .map(|s| format!("{} {}", count(s), s.as_str()))
        .collect();
    let packages = if img.packages.is_empty() { "no package database".to_owned() } else { format!("{} ({})", plural(img.packages.len() as u64, "package", "packages"), kinds.join(", ")) };
    let by = |s: Severity| img.findings.iter().filter(|f| f.severity == s).count();
    let findings = [(Severity::High, "high"), (Severity::Medium, "medium"), (Severity::Low, "low"), (Severity::Info, "info")]
        .into_iter()
        .map(|(s, name)| html! { <span class={classes!("chip", "static", format!("sev-{name}"))} data-severity={name}>{ format!("{} {name}", by(s)) }</span> });
    html! {
        <section class="card glance" aria-label="At a glance">
            <dl>
                <dt>{"System"}</dt>
                <dd id="glance-os">{ os.unwrap_or_else(|| "not stated (no /etc/os-release)".to_owned()) }</dd>
                <dt>{"Packages"}</dt>
                <dd id="glance-packages">{ packages }{" "}<button type="button" class="link" onclick={go(ImageView::Packages)}>{"Show packages"}</button></dd>
                <dt>{"Findings"}</dt>
                <dd id="glance-findings">{ for findings }{" "}<button type="button" class="link" onclick={go(ImageView::Findings)}>{"Show findings"}</button></dd>
            </dl>
        </section>
    }
}

fn platform(img: &ImageReport) -> String {
    let mut s = format!("{}/{}", img.os.clone().unwrap_or_else(|| "?".into()), img.architecture.clone().unwrap_or_else(|| "?".into()));
    if let Some(v) = &img.variant {
        s.push('/');
        s.push_str(v);
    }
    s
}

/// The link to a prepared download (also clicked automatically when it arrives).
pub fn download_link(download: &Remote<crate::web::protocol::DownloadLink>) -> Html {
    match download {
        Remote::NotAsked => html! {},
        Remote::Waiting(_) => html! { <span class="hint">{"Preparing download…"}</span> },
        Remote::Ready(link) => html! {
            <a class="download" href={link.url.clone()} download={link.file_name.clone()}>{ format!("Save {} ({})", link.file_name, human(link.size)) }</a>
        },
        Remote::Failed(e) => html! { <span class="error">{ e.message.clone() }</span> },
    }
}

fn verify_view(loaded: &Loaded) -> Html {
    match &loaded.verify {
        Remote::NotAsked => html! {},
        Remote::Waiting(_) => {
            // Until the worker's first message: nothing hashed yet, of the whole archive.
            let (done, total) = loaded.verify_progress.as_deref().map_or((0, loaded.report.archive.size), |p| (p.progress.bytes_done, p.progress.bytes_total));
            let total = total.max(1);
            html! {
                <div role="status" class="verify-progress">
                    <progress max="100" value={format!("{:.1}", done as f64 / total as f64 * 100.0)} aria-label="Digest verification progress" />
                    <span class="hint">{ format!(" hashing… {} of {}", human(done.min(total)), human(total)) }</span>
                </div>
            }
        }
        Remote::Failed(e) => html! { <p class="error">{ e.message.clone() }</p> },
        Remote::Ready(checks) => {
            let bad = checks.iter().filter(|c| !c.ok).count();
            html! {
                <div class="digests">
                    <p class={classes!(if bad == 0 { "good" } else { "error" })} id="verify-summary">
                        { if bad == 0 { format!("All {} digests match.", checks.len()) } else { format!("{bad} of {} digests do not match.", checks.len()) } }
                    </p>
                    <table>
                        <thead><tr><th scope="col">{"What"}</th><th scope="col">{"Check"}</th><th scope="col">{"Member"}</th><th scope="col">{"Result"}</th></tr></thead>
                        <tbody>{ for checks.iter().map(|c| html! {
                            <tr class={classes!((!c.ok).then_some("differs"))}>
                                <td>{ c.subject.clone() }</td><td>{ c.check.clone() }</td><td><code>{ c.member.clone() }</code></td>
                                <td title={format!("expected {}, got {}", c.expected, c.actual)}>{ if c.ok { "ok".to_owned() } else { format!("mismatch: expected {}, got {}", short_digest(&c.expected), short_digest(&c.actual)) } }</td>
                            </tr>
                        }) }</tbody>
                    </table>
                </div>
            }
        }
    }
}
