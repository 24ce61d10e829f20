//! File detail: metadata, file capabilities, link target, the layers that touched it, a
//! content preview (text with line numbers, or hex) and a download.

use crate::web::components::format::caps_plus_form;
use crate::core::image::{ChangeKind, EntryKind, MergedStatus};
use crate::web::analyzer::{Analyzer, PREVIEW};
use crate::web::components::format::human;
use crate::web::protocol::{DownloadLink, FileContent};
use crate::web::state::{Remote, Shared};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub path: AttrValue,
    pub content: Remote<Shared<FileContent>>,
    pub image: usize,
    /// The last download prepared (shown beside the button).
    pub download: Remote<DownloadLink>,
}

#[function_component(FileDetail)]
pub fn file_detail(props: &Props) -> Html {
    let Some(analyzer) = use_context::<Analyzer>() else { return html! {} };
    // Bring the detail into view when another file is opened (it sits below long trees).
    use_effect_with(props.path.clone(), |_| {
        if let Some(el) = gloo::utils::document().get_element_by_id("file-detail") {
            el.scroll_into_view();
        }
    });
    let close = {
        let a = analyzer.clone();
        Callback::from(move |_| a.close_file())
    };
    let body = match &props.content {
        Remote::NotAsked => html! {},
        Remote::Waiting(_) => html! { <p class="pending">{"Reading…"}</p> },
        Remote::Failed(e) => html! { <p class="error">{ e.message.clone() }</p> },
        Remote::Ready(c) => view_content(c, &analyzer, &props.download),
    };
    html! {
        <section class="card file-detail" aria-label="File detail" id="file-detail">
            <div class="row"><h3>{ format!("/{}", props.path) }</h3><button type="button" onclick={close}>{"Close"}</button></div>
            { body }
        </section>
    }
}

fn view_content(c: &FileContent, analyzer: &Analyzer, download_state: &Remote<DownloadLink>) -> Html {
    let e = &c.entry;
    let history: Vec<String> = e
        .history
        .iter()
        .map(|h| {
            let what = match h.change {
                ChangeKind::Added => "added",
                ChangeKind::Implied => "implied (parent of an added path)",
                ChangeKind::Modified => "modified",
                ChangeKind::Deleted => "deleted",
                ChangeKind::Hidden => "hidden",
            };
            format!("layer {}: {what}", h.layer)
        })
        .collect();
    let readable = e.status == MergedStatus::Present && matches!(e.kind, EntryKind::File | EntryKind::Hardlink | EntryKind::Symlink);
    let next_offset = c.offset + c.bytes.len() as u64;
    let has_more = readable && next_offset < e.size;
    let path = e.path.clone();
    let more = {
        let a = analyzer.clone();
        let path = path.clone();
        Callback::from(move |_| a.read_file(path.clone(), next_offset))
    };
    let download = {
        let a = analyzer.clone();
        let path = path.clone();
        Callback::from(move |_| a.download(Some(path.clone())))
    };
    html! {
        <>
            <dl>
                <dt>{"Kind"}</dt><dd>{ format!("{:?}", e.kind).to_lowercase() }</dd>
                <dt>{"Mode"}</dt><dd><code>{ e.mode_str.clone() }</code>{ format!(" ({:04o})", e.mode & 0o7777) }</dd>
                <dt>{"Size"}</dt><dd>{ format!("{} ({} bytes)", human(e.size), e.size) }</dd>
                <dt>{"Owner"}</dt><dd>{ format!("{}:{}", e.uid, e.gid) }</dd>
                <dt>{"Modified"}</dt><dd class="mtime">{ e.mtime.map_or_else(|| "(no entry of its own: a directory the layers only imply)".to_owned(), |t| format!("{} UTC", crate::core::image::utc_minutes(t))) }</dd>
                if let Some(t) = &e.link_target { <dt>{"Link target"}</dt><dd><code>{ t.clone() }</code></dd> }
                if let Some(caps) = &e.capabilities {
                    <dt>{"File capabilities"}</dt><dd class="file-caps"><code>{ caps_plus_form(caps) }</code>{ format!(" (getcap prints {caps})") }</dd>
                }
                <dt>{"Status"}</dt><dd>{ match e.status {
                    MergedStatus::Present => format!("present, last written by layer {}", e.layer),
                    MergedStatus::Deleted => format!("deleted in layer {}", e.layer),
                    MergedStatus::Hidden => format!("hidden by an opaque directory in layer {}", e.layer),
                } }</dd>
                <dt>{"Layers"}</dt><dd>{ history.join("; ") }</dd>
            </dl>
            if readable {
                <div class="row">
                    <button type="button" id="download-file" onclick={download}>{"Download this file"}</button>
                    { super::overview::download_link(download_state) }
                </div>
                { preview(&c.bytes, c.offset) }
                if has_more { <button type="button" onclick={more}>{ format!("Next {} KiB", PREVIEW / 1024) }</button> }
            }
        </>
    }
}

/// Text with line numbers when the bytes are UTF-8 without NULs, else a hex dump.
fn preview(bytes: &[u8], offset: u64) -> Html {
    if bytes.is_empty() {
        return html! { <p class="hint">{"(empty)"}</p> };
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => Some(t),
        // A slice may end inside a multi-byte character.
        Err(e) if e.error_len().is_none() && bytes.len() - e.valid_up_to() < 4 => std::str::from_utf8(&bytes[..e.valid_up_to()]).ok(),
        Err(_) => None,
    };
    match text.filter(|t| !t.contains('\0')) {
        Some(t) => {
            let numbered: String = t.lines().enumerate().map(|(i, l)| format!("{:>6}  {l}\n", i + 1)).collect();
            html! { <pre class="preview text" aria-label="File content"><code>{ numbered }</code></pre> }
        }
        None => {
            let mut out = String::new();
            for (i, chunk) in bytes.chunks(16).enumerate() {
                let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
                let ascii: String = chunk.iter().map(|&b| if (0x20..0x7f).contains(&b) { b as char } else { '.' }).collect();
                out.push_str(&format!("{:08x}  {:<48}  {ascii}\n", offset + (i * 16) as u64, hex.join(" ")));
            }
            html! { <pre class="preview hex" aria-label="File content (hex)"><code>{ out }</code></pre> }
        }
    }
}
