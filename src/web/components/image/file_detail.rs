//! File detail: metadata, file capabilities, link target, the layers that touched it, a
//! content preview (text with line numbers, or hex) and a download — of the merged file, or of
//! the version one layer wrote (a file a later layer deleted or overwrote), with a finding's
//! line highlighted.

use crate::web::components::format::caps_plus_form;
use crate::core::image::{ChangeKind, EntryKind, MergedStatus};
use crate::web::analyzer::{Analyzer, PREVIEW};
use crate::web::components::format::{human, plural};
use crate::web::protocol::{DownloadLink, FileAt, FileContent};
use crate::web::state::{Remote, Shared};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub at: FileAt,
    pub content: Remote<Shared<FileContent>>,
    pub image: usize,
    /// The last download prepared (shown beside the button).
    pub download: Remote<DownloadLink>,
}

#[function_component(FileDetail)]
pub fn file_detail(props: &Props) -> Html {
    let Some(analyzer) = use_context::<Analyzer>() else { return html! {} };
    // Bring the detail into view when another file is opened, moving the page no more than
    // needed (in the Files view it sits beside the row that opened it).
    use_effect_with(props.at.clone(), |_| {
        if let Some(el) = gloo::utils::document().get_element_by_id("file-detail") {
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_block(web_sys::ScrollLogicalPosition::Nearest);
            el.scroll_into_view_with_scroll_into_view_options(&options);
        }
    });
    // Then to the highlighted line, once the content is there.
    let arrived = matches!(props.content, Remote::Ready(_));
    use_effect_with((props.at.clone(), arrived), |(_, arrived)| {
        if let Some(el) = gloo::utils::document().get_element_by_id("file-line").filter(|_| *arrived) {
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_block(web_sys::ScrollLogicalPosition::Center);
            el.scroll_into_view_with_scroll_into_view_options(&options);
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
        Remote::Ready(c) => view_content(c, &props.at, &analyzer, &props.download),
    };
    html! {
        <section class="card file-detail" aria-label="File detail" id="file-detail">
            <div class="row">
                <h3>{ format!("/{}", props.at.path) }</h3>
                if let Some(pos) = props.at.layer { <span class="version-of">{ format!("as layer {pos} wrote it") }</span> }
                <button type="button" onclick={close}>{"Close"}</button>
            </div>
            { body }
        </section>
    }
}

fn view_content(c: &FileContent, at: &FileAt, analyzer: &Analyzer, download_state: &Remote<DownloadLink>) -> Html {
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
    // What is shown: the layer's version when one was asked for, else the merged file.
    let (kind, mode, mode_str, size, uid, gid, mtime) = match &c.version {
        Some(v) => (v.kind, v.mode, v.mode_str.clone(), v.size, v.uid, v.gid, Some(v.mtime)),
        None => (e.kind, e.mode, e.mode_str.clone(), e.size, e.uid, e.gid, e.mtime),
    };
    let readable = match &c.version {
        Some(_) => matches!(kind, EntryKind::File | EntryKind::Hardlink),
        None => e.status == MergedStatus::Present && matches!(kind, EntryKind::File | EntryKind::Hardlink | EntryKind::Symlink),
    };
    let next_offset = c.offset + c.bytes.len() as u64;
    let has_more = readable && next_offset < size;
    let text = as_text(&c.bytes);
    let next_first_line = c.first_line.zip(text).map(|(first, t)| first + t.matches('\n').count());
    let more = {
        let (a, at) = (analyzer.clone(), FileAt { line: at.line, ..at.clone() });
        Callback::from(move |_| a.read_file(at.clone(), next_offset, next_first_line))
    };
    let download = {
        let (a, at) = (analyzer.clone(), at.clone());
        Callback::from(move |_| a.download(Some(at.clone())))
    };
    html! {
        <>
            if let (Some(pos), Some(v)) = (at.layer, &c.version) {
                <p class="version-note">{ version_note(pos, e, v.size) }</p>
            }
            <dl>
                <dt>{"Kind"}</dt><dd>{ format!("{kind:?}").to_lowercase() }</dd>
                <dt>{"Mode"}</dt><dd><code>{ mode_str }</code>{ format!(" ({:04o})", mode & 0o7777) }</dd>
                if kind == EntryKind::Dir && c.version.is_none() {
                    <dt>{"Total size"}</dt><dd class="dir-total">{ format!("{} ({}) in the regular files below it", human(e.tree_bytes), plural(e.tree_bytes, "byte", "bytes")) }</dd>
                    <dt>{"Entries below"}</dt><dd class="dir-entries">{ format!("{} at any depth, {} directly inside", plural(e.tree_entries, "entry", "entries"), e.children) }</dd>
                } else {
                    <dt>{"Size"}</dt><dd>{ format!("{} ({} bytes)", human(size), size) }</dd>
                }
                <dt>{"Owner"}</dt><dd>{ format!("{uid}:{gid}") }</dd>
                <dt>{"Modified"}</dt><dd class="mtime">{ mtime.map_or_else(|| "(no entry of its own: a directory the layers only imply)".to_owned(), |t| format!("{} UTC", crate::core::time::utc_minutes(t))) }</dd>
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
                    <button type="button" id="download-file" onclick={download}>{ if at.layer.is_some() { "Download this version" } else { "Download this file" } }</button>
                    { super::overview::download_link(download_state) }
                </div>
                { preview(&c.bytes, c.offset, c.first_line, at.line) }
                if has_more { <button type="button" onclick={more}>{ format!("Next {} KiB", PREVIEW / 1024) }</button> }
            }
        </>
    }
}

/// Which version is shown, and what the running container sees instead.
fn version_note(pos: usize, merged: &crate::core::image::MergedEntry, size: u64) -> String {
    let now = match merged.status {
        MergedStatus::Present if merged.layer == pos => "it is the file the container sees".to_owned(),
        MergedStatus::Present => format!("layer {} wrote the path again: the container sees that version, but this one still ships in the image", merged.layer),
        MergedStatus::Deleted => format!("layer {} deleted it: the container does not see it, but it still ships in the image", merged.layer),
        MergedStatus::Hidden => format!("layer {} hid it under an opaque directory: the container does not see it, but it still ships in the image", merged.layer),
    };
    format!("The version layer {pos} wrote ({}): {now}.", human(size))
}

/// The bytes as text when they are UTF-8 without NULs (a slice may end inside a character).
fn as_text(bytes: &[u8]) -> Option<&str> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => Some(t),
        Err(e) if e.error_len().is_none() && bytes.len() - e.valid_up_to() < 4 => std::str::from_utf8(&bytes[..e.valid_up_to()]).ok(),
        Err(_) => None,
    };
    text.filter(|t| !t.contains('\0'))
}

/// Text with line numbers (from `first_line`; none when unknown) and line `mark` highlighted,
/// when the bytes are text; else a hex dump.
fn preview(bytes: &[u8], offset: u64, first_line: Option<usize>, mark: Option<usize>) -> Html {
    if bytes.is_empty() {
        return html! { <p class="hint">{"(empty)"}</p> };
    }
    match as_text(bytes) {
        Some(t) => {
            let (mut before, mut marked, mut after) = (String::new(), None, String::new());
            for (i, l) in t.lines().enumerate() {
                let n = first_line.map(|f| f + i);
                let numbered = match n {
                    Some(n) => format!("{n:>6}  {l}\n"),
                    None => format!("{l}\n"),
                };
                match (marked.is_some(), n.is_some() && n == mark) {
                    (false, true) => marked = Some(numbered),
                    (false, false) => before.push_str(&numbered),
                    (true, _) => after.push_str(&numbered),
                }
            }
            html! {
                <pre class="preview text" aria-label="File content" tabindex="0"><code>
                    { before }
                    if let Some(m) = marked { <mark id="file-line" class="line" aria-label={format!("line {}", mark.unwrap_or_default())}>{ m }</mark> }
                    { after }
                </code></pre>
            }
        }
        None => {
            let mut out = String::new();
            for (i, chunk) in bytes.chunks(16).enumerate() {
                let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
                let ascii: String = chunk.iter().map(|&b| if (0x20..0x7f).contains(&b) { b as char } else { '.' }).collect();
                out.push_str(&format!("{:08x}  {:<48}  {ascii}\n", offset + (i * 16) as u64, hex.join(" ")));
            }
            html! { <pre class="preview hex" aria-label="File content (hex)" tabindex="0"><code>{ out }</code></pre> }
        }
    }
}

/// A path as a button that opens it in the file detail: the merged file, or — when a later
/// layer hides it — the version `layer` wrote; `line` highlighted. Image-wide: a dash.
pub fn path_cell(path: &str, layer: Option<usize>, line: Option<usize>, hidden_by: Option<usize>, analyzer: &Analyzer) -> Html {
    if path.is_empty() {
        return html! { {"—"} };
    }
    let at = FileAt { path: path.to_owned(), layer: layer.filter(|_| hidden_by.is_some()), line };
    let a = analyzer.clone();
    html! { <button type="button" class="link" onclick={Callback::from(move |_| a.open_at(at.clone()))}><code>{ format!("/{path}") }</code></button> }
}
