//! The worker side of [`Request::Compare`](super::protocol::Request::Compare): indexes both
//! archives (or one, for two of its images), then runs [`crate::core::compare::compare`] over
//! them, posting progress as it goes. A comparison gets a worker of its own (see
//! [`super::compare_client`]); cancelling terminates it. When the first archive is the one open
//! on the page, its worker's index rides in the message ([`ArchiveIndex`], packed) and is
//! adopted here instead of reading the layers again; body digests earlier comparisons read
//! ([`KnownHashes`]) are not read again, and those read here go back with the answer.
//!
//! [`ArchiveIndex`]: crate::core::image::ArchiveIndex
//!
//! The second archive travels beside the first in the message, under [`SECOND_FILE`].
//!
//! [`run_shared`] answers [`Request::Shared`](super::protocol::Request::Shared) in such a worker
//! too: several archives (under [`FILES`]) indexed one after the other, and the layers their
//! images share ([`layer_matrix`]); only each archive's report is kept.

use super::protocol::{error_report, CompareStats, RequestId, Response};
use super::worker_io::{index_file, post, prepared_for, reader, wasm_memory_bytes, Throttle};
use crate::core::compare::{compare_observed, layer_matrix, Comparison, HashProgress, KnownHashes};
use crate::core::image::{self, Analysis, ErrorReport, Progress, PreIndexed};
use wasm_bindgen::JsCast;
use web_sys::DedicatedWorkerGlobalScope;

/// The message key of the second archive of a comparison.
pub const SECOND_FILE: &str = "file_b";

/// Attaches `file` as the second archive of a message built by [`super::protocol::encode`].
///
/// # Errors
/// A sentence for the user when the browser refuses.
pub fn attach_second(message: &wasm_bindgen::JsValue, file: &web_sys::File) -> Result<(), String> {
    js_sys::Reflect::set(message, &SECOND_FILE.into(), file).map(|_| ()).map_err(|_| "could not attach the second file".to_owned())
}

/// The message key of the archives of a [`super::protocol::Request::Shared`].
pub const FILES: &str = "files";

/// Attaches `files` to a message built by [`super::protocol::encode`].
///
/// # Errors
/// A sentence for the user when the browser refuses.
pub fn attach_files(message: &wasm_bindgen::JsValue, files: &[web_sys::File]) -> Result<(), String> {
    let array: js_sys::Array = files.iter().collect();
    js_sys::Reflect::set(message, &FILES.into(), &array).map(|_| ()).map_err(|_| "could not attach the files".to_owned())
}

/// The archives attached by [`attach_files`] (what is not a file is left out).
pub fn attached_files(message: &wasm_bindgen::JsValue) -> Vec<web_sys::File> {
    let Ok(value) = js_sys::Reflect::get(message, &FILES.into()) else { return Vec::new() };
    let Ok(array) = value.dyn_into::<js_sys::Array>() else { return Vec::new() };
    array.iter().filter_map(|v| v.dyn_into::<web_sys::File>().ok()).collect()
}

/// Indexes every archive of a [`super::protocol::Request::Shared`] in turn (keeping only its
/// report) and answers with the layers their images share.
pub fn run_shared(scope: &DedicatedWorkerGlobalScope, id: RequestId, names: &[String], files: &[web_sys::File]) -> Response {
    let result = (|| {
        if files.len() != names.len() || files.is_empty() {
            return Err(error_report("no_file", "the archives did not all reach the worker."));
        }
        let mut reports = Vec::with_capacity(files.len());
        for (i, (file, name)) in files.iter().zip(names).enumerate() {
            let label = format!("{name} ({} of {})", i + 1, files.len());
            reports.push(index(scope, id, file, &label, Vec::new())?.0.report);
        }
        let sources: Vec<(&str, &image::Report)> = names.iter().map(String::as_str).zip(reports.iter()).collect();
        Ok(Box::new(layer_matrix(&sources)))
    })();
    Response::SharedLayers { id, result }
}

/// The second archive attached to a message, if any.
pub fn second_file(message: &wasm_bindgen::JsValue) -> Option<web_sys::File> {
    js_sys::Reflect::get(message, &SECOND_FILE.into()).ok().and_then(|v| v.dyn_into::<web_sys::File>().ok())
}

/// What one comparison needs: its id, both files and names, and the images to compare.
pub struct Job {
    pub id: RequestId,
    pub file_a: Option<web_sys::File>,
    pub file_b: Option<web_sys::File>,
    pub name_a: String,
    pub name_b: String,
    pub image_a: usize,
    pub image_b: usize,
    /// The first archive's index, packed by its own worker ([`ArchiveIndex::to_bytes`]).
    pub index_a: Option<Vec<u8>>,
    pub known: KnownHashes,
}

/// Runs `job` and answers [`Response::Compared`].
pub fn run(scope: &DedicatedWorkerGlobalScope, mut job: Job) -> Response {
    let id = job.id;
    let mut known = std::mem::take(&mut job.known);
    let mut stats = CompareStats::default();
    let result = compare_files(scope, job, &mut known, &mut stats).map(Box::new);
    stats.memory_bytes = wasm_memory_bytes();
    Response::Compared { id, result, known, stats }
}

fn compare_files(scope: &DedicatedWorkerGlobalScope, job: Job, known: &mut KnownHashes, stats: &mut CompareStats) -> Result<Comparison, ErrorReport> {
    let Job { id, file_a, file_b, name_a, name_b, image_a, image_b, index_a, known: _ } = job;
    let file_a = file_a.ok_or_else(|| error_report("no_file", "no file reached the worker."))?;
    let prepared = prepared_for(&file_a, index_a);
    stats.layers_given = prepared.len();
    let (a, read_a) = index(scope, id, &file_a, &name_a, prepared)?;
    stats.read_a = read_a;
    // Hashing same-size files is the long part: its bytes are the progress.
    let mut throttle = Throttle::default();
    let mut tick = |h: HashProgress| {
        if h.bytes_total > 0 && (throttle.due() || h.bytes_done == h.bytes_total) {
            let progress = Progress { phase: image::Phase::Reading, bytes_done: h.bytes_done, bytes_total: h.bytes_total, files_seen: h.files_done, current: String::new() };
            step(scope, id, "Hashing same-size files", Some(progress));
        }
        true
    };
    let compared = match &file_b {
        Some(file_b) => {
            let (b, _) = index(scope, id, file_b, &name_b, Vec::new())?;
            step(scope, id, "Comparing the files", None);
            compare_observed(&a, &mut reader(&file_a)?, image_a, &b, &mut reader(file_b)?, image_b, &mut tick, known)
        }
        None => {
            step(scope, id, "Comparing the files", None);
            compare_observed(&a, &mut reader(&file_a)?, image_a, &a, &mut reader(&file_a)?, image_b, &mut tick, known)
        }
    };
    compared.map_err(|e| ErrorReport::from(&e))
}

/// Indexes one archive (adopting `prepared` layers), posting throttled progress named after it;
/// its errors name it. Also the bytes of the file it read.
fn index(scope: &DedicatedWorkerGlobalScope, id: RequestId, file: &web_sys::File, name: &str, prepared: Vec<PreIndexed>) -> Result<(Analysis, u64), ErrorReport> {
    let label = if prepared.is_empty() { format!("Indexing {name}") } else { format!("Reading {name} (its index from the page)") };
    step(scope, id, &label, None);
    index_file(file, name, prepared, &mut |p| step(scope, id, &label, Some(p))).map_err(|mut report| {
        report.message = format!("{name}: {}", report.message);
        report
    })
}

fn step(scope: &DedicatedWorkerGlobalScope, id: RequestId, step: &str, progress: Option<Progress>) {
    let progress = progress.unwrap_or(Progress { phase: image::Phase::Indexing, bytes_done: 0, bytes_total: 0, files_seen: 0, current: String::new() });
    post(scope, &Response::CompareProgress { id, step: step.to_owned(), progress });
}
