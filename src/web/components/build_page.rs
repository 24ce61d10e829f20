//! The Build page: make an image without Docker — from nothing, from a root filesystem tarball,
//! on an image open in Tarsier, or both — with a layer of changes and config settings. The form
//! is turned into a [`BuildOrder`] (the same one the worker builds from), checked by the core as
//! the user types, and built in a worker; the result opens in the explorer, and a download link
//! stays here. The component stays mounted on the other pages, so the form keeps its inputs.

use crate::core::build::FIXED_TIME;
use crate::web::analyzer::Analyzer;
use crate::web::build_order::{BuildOrder, ChangeOrder, Content};
use crate::web::components::format::human as human_bytes;
use crate::web::state::{BuildResult, BuildRunning, BuildState};
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use super::rich_text::code_spans;
use yew::prelude::*;

/// The images of the archive open in the explorer, offered as bases.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OpenImages {
    pub archive: Option<String>,
    pub session: u32,
    /// One name per image (its tags).
    pub names: Vec<String>,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub build: BuildState,
    pub images: OpenImages,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    File,
    Dir,
    Symlink,
    Delete,
    Opaque,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::File => "Add a file",
            Kind::Dir => "Make a directory",
            Kind::Symlink => "Make a symlink",
            Kind::Delete => "Delete a path",
            Kind::Opaque => "Replace a directory",
        }
    }
}

/// One change as typed.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    key: u32,
    kind: Kind,
    path: String,
    text: String,
    /// A file chosen or dropped from disk (instead of `text`).
    disk: Option<web_sys::File>,
    mode: String,
    uid: String,
    gid: String,
    target: String,
}

impl Row {
    fn new(key: u32, kind: Kind) -> Row {
        let mode = match kind {
            Kind::Dir => "0755",
            _ => "0644",
        };
        Row { key, kind, path: String::new(), text: String::new(), disk: None, mode: mode.into(), uid: "0".into(), gid: "0".into(), target: String::new() }
    }
}

/// The whole form, as typed.
#[derive(Debug, Clone, PartialEq)]
struct Form {
    on_base: bool,
    base_image: usize,
    rootfs: Option<web_sys::File>,
    rows: Vec<Row>,
    next_key: u32,
    cmd: String,
    entrypoint: String,
    env: String,
    workdir: String,
    user: String,
    ports: String,
    volumes: String,
    labels: String,
    stop_signal: String,
    platform: String,
    tags: String,
    created_by: String,
    created: String,
    now: bool,
    oci: bool,
    gzip: bool,
}

impl Default for Form {
    fn default() -> Form {
        Form {
            on_base: false,
            base_image: 0,
            rootfs: None,
            rows: Vec::new(),
            next_key: 0,
            cmd: String::new(),
            entrypoint: String::new(),
            env: String::new(),
            workdir: String::new(),
            user: String::new(),
            ports: String::new(),
            volumes: String::new(),
            labels: String::new(),
            stop_signal: String::new(),
            platform: String::new(),
            tags: String::new(),
            created_by: String::new(),
            created: FIXED_TIME.to_owned(),
            now: false,
            oci: false,
            gzip: false,
        }
    }
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

fn optional(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// Cmd / Entrypoint: a JSON array, or one argument per line.
fn command(text: &str, what: &str) -> Result<Option<Vec<String>>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.starts_with('[') {
        return serde_json::from_str::<Vec<String>>(t)
            .map(Some)
            .map_err(|e| format!("{what} is not a JSON array of strings such as [\"sh\", \"-c\", \"echo hi\"] ({e}); or give one argument per line."));
    }
    Ok(Some(t.lines().map(str::to_owned).collect()))
}

fn number(text: &str, what: &str, path: &str, radix: u32) -> Result<u64, String> {
    u64::from_str_radix(text.trim(), radix).map_err(|_| {
        let kind = if radix == 8 { "an octal number such as 0644" } else { "a number" };
        format!("The {what} of {path} is {}, not {kind}.", text.trim())
    })
}

/// The size of a blob in bytes.
fn blob_len(blob: &web_sys::Blob) -> u64 {
    let size = blob.size();
    if size.is_finite() && size >= 0.0 { size as u64 } else { 0 }
}

/// The order the form describes, and the files to send beside it (rootfs first), in order.
fn order(form: &Form, images: &OpenImages) -> Result<(BuildOrder, Vec<web_sys::File>), String> {
    let mut files = Vec::new();
    let mut offset: u64 = 0;
    let rootfs_len = form.rootfs.as_ref().map(|f| {
        let len = blob_len(f);
        files.push(f.clone());
        offset = len;
        len
    });
    let base_image = if form.on_base {
        if images.archive.is_none() {
            return Err("No image archive is open to build on: open one on the Container image page, or untick “Build on the open image”.".into());
        }
        Some(form.base_image.min(images.names.len().saturating_sub(1)))
    } else {
        None
    };
    let mut changes = Vec::with_capacity(form.rows.len());
    for row in &form.rows {
        let path = row.path.trim().to_owned();
        let uid = || number(&row.uid, "owner (uid)", &path, 10);
        let gid = || number(&row.gid, "group (gid)", &path, 10);
        let mode = || {
            let m = number(&row.mode, "mode", &path, 8)?;
            u32::try_from(m).ok().filter(|m| *m <= 0o7777).ok_or_else(|| format!("The mode of {path} is larger than 07777."))
        };
        let (mode, uid, gid) = match row.kind {
            Kind::Delete | Kind::Opaque => (0, 0, 0),
            Kind::Symlink => (0, uid()?, gid()?),
            Kind::File | Kind::Dir => (mode()?, uid()?, gid()?),
        };
        changes.push(match row.kind {
            Kind::File => {
                let content = match &row.disk {
                    Some(file) => {
                        let len = blob_len(file);
                        files.push(file.clone());
                        let at = offset;
                        offset = offset.saturating_add(len);
                        Content::Attached { offset: at, len }
                    }
                    None => Content::Text(row.text.clone()),
                };
                ChangeOrder::File { path, content, mode, uid, gid }
            }
            Kind::Dir => ChangeOrder::Dir { path, mode, uid, gid },
            Kind::Symlink => {
                if row.target.is_empty() {
                    return Err(format!("The symlink {path} has no target."));
                }
                ChangeOrder::Symlink { path, target: row.target.clone(), uid, gid }
            }
            Kind::Delete => ChangeOrder::Delete { path },
            Kind::Opaque => ChangeOrder::Opaque { path },
        });
    }
    let mut labels = Vec::new();
    for line in lines(&form.labels) {
        match line.split_once('=') {
            Some((k, v)) if !k.is_empty() => labels.push((k.to_owned(), v.to_owned())),
            _ => return Err(format!("The label line {line} is not KEY=VALUE.")),
        }
    }
    let created = if form.now {
        let iso = String::from(js_sys::Date::new_0().to_iso_string());
        Some(format!("{}Z", iso.get(..19).unwrap_or(FIXED_TIME)))
    } else {
        optional(&form.created)
    };
    let order = BuildOrder {
        oci: form.oci,
        gzip: form.gzip,
        tags: words(&form.tags),
        changes,
        cmd: command(&form.cmd, "Cmd")?,
        entrypoint: command(&form.entrypoint, "Entrypoint")?,
        env: lines(&form.env),
        working_dir: optional(&form.workdir),
        user: optional(&form.user),
        exposed_ports: words(&form.ports),
        volumes: lines(&form.volumes),
        labels,
        stop_signal: optional(&form.stop_signal),
        platform: optional(&form.platform),
        created_by: optional(&form.created_by),
        created,
        base_image,
        rootfs_len,
    };
    Ok((order, files))
}

/// The files to send as one `File` (a `Blob` of `File`s refers to them; nothing is copied).
fn combine(files: &[web_sys::File]) -> Result<Option<web_sys::File>, String> {
    if files.is_empty() {
        return Ok(None);
    }
    let parts = js_sys::Array::new();
    for f in files {
        parts.push(f);
    }
    web_sys::File::new_with_blob_sequence(&parts, "build-inputs").map(Some).map_err(|_| "The browser could not hand the files to the worker.".to_owned())
}

/// Files from a `change` event's input (and clears it, so choosing the same file again fires).
fn chosen(e: &Event) -> Vec<web_sys::File> {
    let Some(input) = e.target_dyn_into::<HtmlInputElement>() else { return Vec::new() };
    let files = input.files().map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect()).unwrap_or_default();
    input.set_value("");
    files
}

/// Files dropped on an element; the drop is marked handled, so the page does not open them as
/// an archive.
fn dropped(e: &DragEvent) -> Vec<web_sys::File> {
    e.prevent_default();
    e.data_transfer()
        .and_then(|dt| dt.files())
        .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
        .unwrap_or_default()
}

fn text_of(e: &InputEvent) -> String {
    if let Some(t) = e.target().and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok()) {
        return t.value();
    }
    e.target_dyn_into::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default()
}

#[function_component(BuildPage)]
pub fn build_page(props: &Props) -> Html {
    let analyzer = use_context::<Analyzer>();
    let form = use_state(Form::default);

    // A finished build opens in the explorer once (the explorer then shows it).
    {
        let analyzer = analyzer.clone();
        let built = match &props.build.result {
            Some(BuildResult::Built(b)) => Some((b.id, b.file.clone())),
            _ => None,
        };
        use_effect_with(built.as_ref().map(|(id, _)| *id), move |_| {
            if let (Some(analyzer), Some((_, file))) = (analyzer, built) {
                analyzer.open_image(file);
            }
        });
    }

    let add_row = |kind: Kind| {
        let form = form.clone();
        Callback::from(move |_: MouseEvent| {
            let mut next = (*form).clone();
            next.rows.push(Row::new(next.next_key, kind));
            next.next_key += 1;
            form.set(next);
        })
    };
    let add_disk_files = {
        let form = form.clone();
        move |files: Vec<web_sys::File>| {
            if files.is_empty() {
                return;
            }
            let mut next = (*form).clone();
            for file in files {
                let mut row = Row::new(next.next_key, Kind::File);
                row.path = format!("/{}", file.name());
                row.disk = Some(file);
                next.rows.push(row);
                next.next_key += 1;
            }
            form.set(next);
        }
    };
    let set_rootfs = {
        let form = form.clone();
        move |file: Option<web_sys::File>| {
            let mut next = (*form).clone();
            next.rootfs = file;
            form.set(next);
        }
    };

    let checked = order(&form, &props.images).and_then(|(order, files)| match order.precheck() {
        Some(problem) => Err(problem),
        None => Ok((order, files)),
    });
    let problem = checked.as_ref().err().cloned();
    let running = props.build.running.clone();
    let on_build = {
        let analyzer = analyzer.clone();
        let checked = checked.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (Some(analyzer), Ok((order, files))) = (analyzer.as_ref(), checked.as_ref()) else { return };
            match combine(files) {
                Ok(inputs) => analyzer.build(order.clone(), inputs),
                Err(message) => gloo::console::error!(message),
            }
        })
    };
    let on_cancel = with_analyzer(&analyzer, Analyzer::cancel_build);
    let show_explorer = with_analyzer(&analyzer, |a| a.set_tool(crate::web::state::Tool::Image));

    let rows = form.rows.iter().enumerate().map(|(i, row)| change_row(&form, i, row)).collect::<Html>();
    let base_choice = base_choice(&form, &props.images);
    let rootfs_drop = {
        let set_rootfs = set_rootfs.clone();
        Callback::from(move |e: DragEvent| {
            if let Some(f) = dropped(&e).into_iter().next() {
                set_rootfs(Some(f));
            }
        })
    };
    let files_drop = {
        let add = add_disk_files.clone();
        Callback::from(move |e: DragEvent| add(dropped(&e)))
    };
    let allow_drop = Callback::from(|e: DragEvent| e.prevent_default());

    html! {
        <section class="build-page" aria-labelledby="build-title">
            <h2 id="build-title">{"Build an image"}</h2>
            <p>{"Make an image without Docker: from nothing (the empty image), from a root filesystem tarball (what "}<code>{"docker import"}</code>{" takes), on an image you have open, or a tarball on top of an image. Everything is built in this tab; big inputs stay in your files and are never copied. The same inputs give the same bytes as "}<code>{"tarsier build"}</code>{"."}</p>
            <form onsubmit={on_build}>
                <fieldset>
                    <legend>{"Start from"}</legend>
                    { base_choice }
                    <div class="drop-target" ondragover={allow_drop.clone()} ondrop={rootfs_drop}>
                        <label for="build-rootfs">{"Root filesystem tarball (.tar, .tar.gz, .tar.zst), optional — choose or drop here"}</label>
                        <input type="file" id="build-rootfs" accept=".tar,.tar.gz,.tgz,.tar.zst" onchange={{
                            let set_rootfs = set_rootfs.clone();
                            Callback::from(move |e: Event| { if let Some(f) = chosen(&e).into_iter().next() { set_rootfs(Some(f)) } })
                        }} />
                        if let Some(f) = &form.rootfs {
                            <p class="chosen">{ format!("{} ({})", f.name(), human_bytes(blob_len(f))) }
                                {" "}<button type="button" onclick={{ let set_rootfs = set_rootfs.clone(); Callback::from(move |_: MouseEvent| set_rootfs(None)) }}>{"Remove"}</button>
                            </p>
                        }
                    </div>
                </fieldset>
                <fieldset>
                    <legend>{"Changes in the new top layer"}</legend>
                    { rows }
                    <div class="row">
                        { for [Kind::File, Kind::Dir, Kind::Symlink, Kind::Delete, Kind::Opaque].into_iter().map(|k| html! {
                            <button type="button" onclick={add_row(k)}>{ k.label() }</button>
                        }) }
                    </div>
                    <div class="drop-target" ondragover={allow_drop} ondrop={files_drop}>
                        <label for="build-add-files">{"Add files from disk (choose or drop here)"}</label>
                        <input type="file" id="build-add-files" multiple=true onchange={{
                            let add = add_disk_files.clone();
                            Callback::from(move |e: Event| add(chosen(&e)))
                        }} />
                    </div>
                </fieldset>
                { config_fields(&form) }
                { output_fields(&form) }
                if let Some(problem) = &problem {
                    <p class="error" id="build-problem" aria-live="polite">{ code_spans(problem) }</p>
                }
                <div class="row">
                    <button type="submit" id="build-button" disabled={problem.is_some() || running.is_some()}>{"Build"}</button>
                    if running.is_some() {
                        <button type="button" onclick={on_cancel}>{"Cancel"}</button>
                    }
                </div>
            </form>
            { progress_view(running.as_ref()) }
            { result_view(&props.build.result, show_explorer) }
        </section>
    }
}

/// A button's callback that calls `f` on the analyzer (when there is one).
fn with_analyzer(analyzer: &Option<Analyzer>, f: fn(&Analyzer)) -> Callback<MouseEvent> {
    let analyzer = analyzer.clone();
    Callback::from(move |_: MouseEvent| {
        if let Some(a) = &analyzer {
            f(a);
        }
    })
}

/// A callback that sets one text field of the form.
fn edit(form: &UseStateHandle<Form>, f: fn(&mut Form, String)) -> Callback<InputEvent> {
    let form = form.clone();
    Callback::from(move |e: InputEvent| {
        let mut next = (*form).clone();
        f(&mut next, text_of(&e));
        form.set(next);
    })
}

/// A callback that sets one checkbox of the form.
fn toggle(form: &UseStateHandle<Form>, f: fn(&mut Form, bool)) -> Callback<Event> {
    let form = form.clone();
    Callback::from(move |e: Event| {
        let on = e.target_dyn_into::<HtmlInputElement>().is_some_and(|i| i.checked());
        let mut next = (*form).clone();
        f(&mut next, on);
        form.set(next);
    })
}

/// "Build on the image open in Tarsier", with the image picker of a multi-image archive.
fn base_choice(form: &UseStateHandle<Form>, images: &OpenImages) -> Html {
    match &images.archive {
        Some(name) => html! {
            <>
                <label class="check">
                    <input type="checkbox" checked={form.on_base} onchange={toggle(form, |f, on| f.on_base = on)} />
                    { format!(" Build on the image open in Tarsier ({name})") }
                </label>
                if images.names.len() > 1 {
                    <label>{"Image "}
                        <select onchange={{
                            let form = form.clone();
                            Callback::from(move |e: Event| {
                                let Some(s) = e.target_dyn_into::<HtmlSelectElement>() else { return };
                                let mut next = (*form).clone();
                                next.base_image = s.value().parse().unwrap_or(0);
                                form.set(next);
                            })
                        }}>
                            { for images.names.iter().enumerate().map(|(i, n)| html! {
                                <option value={i.to_string()} selected={form.base_image == i}>{ n.clone() }</option>
                            }) }
                        </select>
                    </label>
                }
            </>
        },
        None => html! { <p class="hint">{"To build on an image, open its archive on the Container image page first."}</p> },
    }
}

/// The config fields.
fn config_fields(form: &UseStateHandle<Form>) -> Html {
    html! {
                <fieldset class="build-config">
                    <legend>{"Config"}</legend>
                    <label>{"Cmd (a JSON array, or one argument per line)"}<textarea rows="2" value={form.cmd.clone()} oninput={edit(form, |f, v| f.cmd = v)} /></label>
                    <label>{"Entrypoint (a JSON array, or one argument per line)"}<textarea rows="2" value={form.entrypoint.clone()} oninput={edit(form, |f, v| f.entrypoint = v)} /></label>
                    <label>{"Env (KEY=VALUE, one per line)"}<textarea rows="2" value={form.env.clone()} oninput={edit(form, |f, v| f.env = v)} /></label>
                    <label>{"WorkingDir"}<input type="text" value={form.workdir.clone()} oninput={edit(form, |f, v| f.workdir = v)} /></label>
                    <label>{"User"}<input type="text" value={form.user.clone()} oninput={edit(form, |f, v| f.user = v)} /></label>
                    <label>{"ExposedPorts (80/tcp 53/udp …)"}<input type="text" value={form.ports.clone()} oninput={edit(form, |f, v| f.ports = v)} /></label>
                    <label>{"Volumes (one per line)"}<textarea rows="2" value={form.volumes.clone()} oninput={edit(form, |f, v| f.volumes = v)} /></label>
                    <label>{"Labels (KEY=VALUE, one per line)"}<textarea rows="2" value={form.labels.clone()} oninput={edit(form, |f, v| f.labels = v)} /></label>
                    <label>{"StopSignal"}<input type="text" value={form.stop_signal.clone()} oninput={edit(form, |f, v| f.stop_signal = v)} /></label>
                    <label>{"Platform (OS/ARCH[/VARIANT]; empty: the base's, or linux/amd64)"}<input type="text" value={form.platform.clone()} oninput={edit(form, |f, v| f.platform = v)} /></label>
                    <label>{"Tags (name:tag, one per line)"}<textarea rows="2" value={form.tags.clone()} oninput={edit(form, |f, v| f.tags = v)} /></label>
                    <label>{"History: created by"}<input type="text" value={form.created_by.clone()} oninput={edit(form, |f, v| f.created_by = v)} /></label>
                    <label>{"Created (RFC 3339; a fixed time gives the same bytes every time)"}<input type="text" value={form.created.clone()} disabled={form.now} oninput={edit(form, |f, v| f.created = v)} /></label>
                    <label class="check"><input type="checkbox" checked={form.now} onchange={toggle(form, |f, on| f.now = on)} />{" Use the time of the build (now)"}</label>
                </fieldset>
    }
}

/// The output format and compression.
fn output_fields(form: &UseStateHandle<Form>) -> Html {
    html! {
                <fieldset>
                    <legend>{"Output"}</legend>
                    <label>{"Format "}
                        <select onchange={{
                            let form = form.clone();
                            Callback::from(move |e: Event| {
                                let Some(s) = e.target_dyn_into::<HtmlSelectElement>() else { return };
                                let mut next = (*form).clone();
                                next.oci = s.value() == "oci";
                                form.set(next);
                            })
                        }}>
                            <option value="docker" selected={!form.oci}>{"docker-archive (docker load, podman load)"}</option>
                            <option value="oci" selected={form.oci}>{"OCI image layout archive"}</option>
                        </select>
                    </label>
                    <label class="check"><input type="checkbox" checked={form.gzip} onchange={toggle(form, |f, on| f.gzip = on)} />{" Compress the new layer with gzip"}</label>
                </fieldset>
    }
}

/// The running build's progress.
fn progress_view(running: Option<&BuildRunning>) -> Html {
    let Some(r) = running else { return Html::default() };
    html! {
                <div class="build-progress" role="status">
                    if r.total > 0 {
                        <progress aria-label="Build progress" max={r.total.to_string()} value={r.done.to_string()}></progress>
                        <span>{ format!(" {}: {} of {}", r.what, human_bytes(r.done), human_bytes(r.total)) }</span>
                    } else if r.what.is_empty() {
                        <span>{"Building…"}</span>
                    } else {
                        <span>{ format!("Building: {}…", r.what) }</span>
                    }
                </div>
    }
}

fn result_view(result: &Option<BuildResult>, show_explorer: Callback<MouseEvent>) -> Html {
    match result {
        None => Html::default(),
        Some(BuildResult::Failed(message)) => html! { <p class="error" role="alert" id="build-error">{ code_spans(message) }</p> },
        Some(BuildResult::Built(b)) => {
            let s = &b.summary;
            let tags = if s.tags.is_empty() { "no tag".to_owned() } else { s.tags.join(", ") };
            html! {
                <div class="build-result" id="build-result" data-worker-memory={s.worker_memory.to_string()}>
                    <p>{ format!("Built: {} ({}), {}, {tags}.", s.file_name, human_bytes(s.len), super::format::plural(s.layers.len() as u64, "layer", "layers")) }</p>
                    <p>{"Manifest "}<code>{ s.manifest_digest.clone() }</code></p>
                    <p>{"Config "}<code>{ s.config_digest.clone() }</code></p>
                    <p>
                        <a class="download" id="build-download" href={b.url.clone()} download={s.file_name.clone()}>{ format!("Download {}", s.file_name) }</a>
                        {" "}<button type="button" onclick={show_explorer}>{"Show it in the explorer"}</button>
                    </p>
                </div>
            }
        }
    }
}

/// One change's fields.
fn change_row(form: &UseStateHandle<Form>, index: usize, row: &Row) -> Html {
    let edit = |f: fn(&mut Row, String)| {
        let form = form.clone();
        let key = row.key;
        Callback::from(move |e: InputEvent| {
            let mut next = (*form).clone();
            if let Some(r) = next.rows.iter_mut().find(|r| r.key == key) {
                f(r, text_of(&e));
            }
            form.set(next);
        })
    };
    let remove = {
        let form = form.clone();
        let key = row.key;
        Callback::from(move |_: MouseEvent| {
            let mut next = (*form).clone();
            next.rows.retain(|r| r.key != key);
            form.set(next);
        })
    };
    let owner = html! {
        <>
            <label>{"Owner (uid)"}<input type="text" inputmode="numeric" size="6" value={row.uid.clone()} oninput={edit(|r, v| r.uid = v)} /></label>
            <label>{"Group (gid)"}<input type="text" inputmode="numeric" size="6" value={row.gid.clone()} oninput={edit(|r, v| r.gid = v)} /></label>
        </>
    };
    let mode = html! { <label>{"Mode"}<input type="text" size="6" value={row.mode.clone()} oninput={edit(|r, v| r.mode = v)} /></label> };
    html! {
        <fieldset class="change" key={row.key}>
            <legend>{ format!("Change {}: {}", index + 1, row.kind.label().to_lowercase()) }</legend>
            <label>{"Path"}<input type="text" class="change-path" value={row.path.clone()} oninput={edit(|r, v| r.path = v)} /></label>
            {
                match row.kind {
                    Kind::File => html! {
                        <>
                            if let Some(f) = &row.disk {
                                <p class="chosen">{ format!("From disk: {} ({})", f.name(), human_bytes(blob_len(f))) }</p>
                            } else {
                                <label>{"Content"}<textarea rows="3" class="change-text" value={row.text.clone()} oninput={edit(|r, v| r.text = v)} /></label>
                            }
                            { mode }
                            { owner }
                        </>
                    },
                    Kind::Dir => html! { <>{ mode }{ owner }</> },
                    Kind::Symlink => html! {
                        <>
                            <label>{"Target"}<input type="text" value={row.target.clone()} oninput={edit(|r, v| r.target = v)} /></label>
                            { owner }
                        </>
                    },
                    Kind::Delete | Kind::Opaque => Html::default(),
                }
            }
            <button type="button" onclick={remove}>{"Remove"}</button>
        </fieldset>
    }
}
