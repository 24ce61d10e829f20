//! A worker's side of [`Request::Build`](super::protocol::Request::Build): read the inputs
//! once (the rootfs tarball hashed, the base image's layers hashed from the archive's own
//! `File`), build, and answer with the archive as a `File` made of parts — the new bytes as
//! `Uint8Array`s, everything else as `Blob.slice`s of the user's files, so a multi-GB input is
//! never copied into wasm memory. An error posts no file: there is never a half-made download.
//!
//! A build on the archive on screen runs in the build's own worker too (so Cancel can terminate
//! it): the base archive's `File` rides in the message under [`BASE_FILE`], and its index,
//! packed by the archive's own worker, as its bytes; adopting it costs a walk over the archive's
//! headers, not a new reading of its layers.

use super::blob_reader::BlobReader;
use super::build_order::{BuildOrder, BuiltSummary, ChangeOrder, Content};
use super::protocol::{attach_index, attached_bytes, encode, error_report, RequestId, Response};
use super::worker_io::{index_file, post, prepared_for, wasm_memory_bytes, Throttle};
use crate::core::build::{self, BuildError, Part, MAX_ADDED_BYTES};
use crate::core::image::{Analysis, ErrorReport};
use std::io::{Read, Seek, SeekFrom};
use web_sys::DedicatedWorkerGlobalScope;

/// The archive this worker holds, when it holds one.
pub struct BaseArchive<'a> {
    pub file: &'a web_sys::File,
    pub analysis: &'a Analysis,
}

/// The message key of the base archive of a build on the archive on screen.
pub const BASE_FILE: &str = "base";

/// Attaches the base archive and its packed index (a `Uint8Array`, or undefined) to a build's
/// message.
///
/// # Errors
/// A sentence for the user when the browser refuses.
pub fn attach_base(message: &wasm_bindgen::JsValue, base: &web_sys::File, index: &wasm_bindgen::JsValue) -> Result<(), String> {
    js_sys::Reflect::set(message, &BASE_FILE.into(), base).map_err(|_| "could not attach the base archive".to_owned())?;
    attach_index(message, index);
    Ok(())
}

/// Runs a build whose message is `data`: with the base archive attached to it, that archive is
/// indexed first (adopting the index that rides along).
pub fn run_with_base(scope: &DedicatedWorkerGlobalScope, id: RequestId, order: &BuildOrder, inputs: Option<web_sys::File>, data: &wasm_bindgen::JsValue) {
    use wasm_bindgen::JsCast;
    let base_file = js_sys::Reflect::get(data, &BASE_FILE.into()).ok().and_then(|v| v.dyn_into::<web_sys::File>().ok());
    let Some(base_file) = base_file else { return run(scope, id, order, inputs, None) };
    post(scope, &Response::BuildProgress { id, done: 0, total: 0, what: "reading the base archive".to_owned() });
    let prepared = prepared_for(&base_file, attached_bytes(data));
    match index_file(&base_file, &base_file.name(), prepared, &mut |_| ()) {
        Ok((analysis, _)) => run(scope, id, order, inputs, Some(BaseArchive { file: &base_file, analysis: &analysis })),
        Err(mut e) => {
            e.message = format!("{}: {}", base_file.name(), e.message);
            post(scope, &Response::Built { id, result: Err(e) });
        }
    }
}

/// Builds and posts the answer (and the progress before it).
pub fn run(scope: &DedicatedWorkerGlobalScope, id: RequestId, order: &BuildOrder, inputs: Option<web_sys::File>, base: Option<BaseArchive<'_>>) {
    match build_file(scope, id, order, inputs, base) {
        Ok((summary, file)) => {
            let response = Response::Built { id, result: Ok(summary) };
            match encode(&response, Some(&file)) {
                Ok(message) => {
                    if scope.post_message(&message).is_err() {
                        post(scope, &Response::Built { id, result: Err(error_report("browser", "The browser could not hand the built archive to the page.")) });
                    }
                }
                Err(message) => post(scope, &Response::Built { id, result: Err(error_report("browser", message)) }),
            }
        }
        Err(e) => post(scope, &Response::Built { id, result: Err(e) }),
    }
}

fn typed(e: &BuildError) -> ErrorReport {
    error_report(e.code(), build_order_sentence(&e.to_string()))
}

fn build_order_sentence(message: &str) -> String {
    super::build_order::sentence(message)
}

fn js_fail(what: &str) -> ErrorReport {
    error_report("browser", format!("The browser could not {what}."))
}

fn build_file(
    scope: &DedicatedWorkerGlobalScope,
    id: RequestId,
    order: &BuildOrder,
    inputs: Option<web_sys::File>,
    base: Option<BaseArchive<'_>>,
) -> Result<(BuiltSummary, web_sys::File), ErrorReport> {
    let inputs: Option<web_sys::Blob> = inputs.map(Into::into);
    // The added files' sizes are known before any is read: refuse too much up front.
    let attached_total = order.changes.iter().fold(0u64, |sum, c| match c {
        ChangeOrder::File { content: Content::Attached { len, .. }, .. } => sum.saturating_add(*len),
        _ => sum,
    });
    if attached_total > MAX_ADDED_BYTES {
        return Err(error_report(
            "invalid",
            format!("The added files hold more than {} MiB; add big trees as a rootfs tarball.", MAX_ADDED_BYTES >> 20),
        ));
    }
    let mut read_attached = |offset: u64, len: u64| -> Result<Vec<u8>, String> {
        let blob = inputs.as_ref().ok_or("the files to add did not reach the worker")?;
        let mut reader = BlobReader::new(blob.clone()).map_err(|e| format!("cannot read the files to add: {e}"))?;
        if offset.checked_add(len).is_none_or(|end| end > reader.len()) {
            return Err("a file to add is shorter than when it was chosen".to_owned());
        }
        reader.seek(SeekFrom::Start(offset)).map_err(|e| format!("cannot read a file to add: {e}"))?;
        let mut body = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
        reader.take(len).read_to_end(&mut body).map_err(|e| format!("cannot read a file to add: {e}"))?;
        Ok(body)
    };
    let spec = order.spec(&mut read_attached).map_err(|m| error_report("invalid", build_order_sentence(&m)))?;
    // Paths, tags and the time first: a bad one should not wait for a multi-GB read.
    spec.check().map_err(|e| typed(&e))?;

    let base_total = match (&base, order.base_image) {
        (Some(b), Some(image)) => b.analysis.image_blobs(image).map(|blobs| blobs.layers.iter().fold(0u64, |s, l| s.saturating_add(l.span.size))).unwrap_or(0),
        _ => 0,
    };
    let rootfs_len = order.rootfs_len.unwrap_or(0);
    let total = base_total.saturating_add(rootfs_len);
    let mut throttle = Throttle::default();
    let mut report = |done: u64, what: &str| {
        if throttle.due() {
            post(scope, &Response::BuildProgress { id, done, total, what: what.to_owned() });
        }
        true
    };

    let base_read = match order.base_image {
        Some(image) => {
            let b = base.as_ref().ok_or_else(|| error_report("no_image", "No image archive is open to build on: open one first, or build from nothing."))?;
            let mut reader = BlobReader::new(b.file.clone().into()).map_err(|e| error_report("browser", format!("Cannot read the base archive: {e}.")))?;
            let read = build::read_base(b.analysis, &mut reader, image, &mut |n| report(n, "hashing the base image's layers")).map_err(|e| typed(&e))?;
            Some((read, b.file.clone()))
        }
        None => None,
    };

    let rootfs = match order.rootfs_len {
        Some(len) => {
            let blob = inputs.as_ref().ok_or_else(|| error_report("no_file", "The root filesystem did not reach the worker."))?;
            let slice = blob.slice_with_f64_and_f64(0.0, len as f64).map_err(|_| js_fail("read the root filesystem"))?;
            let reader = BlobReader::new(slice.clone()).map_err(|e| error_report("browser", format!("Cannot read the root filesystem: {e}.")))?;
            let read = build::read_rootfs(reader, &mut |n| report(base_total.saturating_add(n), "hashing the root filesystem")).map_err(|e| typed(&e))?;
            Some((read, slice))
        }
        None => None,
    };

    let built = build::build(&spec, base_read.as_ref().map(|(b, _)| b), rootfs.as_ref().map(|(r, _)| r)).map_err(|e| typed(&e))?;
    let file_name = if order.oci { "image-oci.tar" } else { "image.tar" }.to_owned();
    let parts = js_sys::Array::new();
    let mut assembled: u64 = 0;
    for part in &built.parts {
        let piece: wasm_bindgen::JsValue = match part {
            Part::Bytes(bytes) => js_sys::Uint8Array::from(bytes.as_slice()).into(),
            Part::Base { offset, len } => {
                let (_, file) = base_read.as_ref().ok_or_else(|| js_fail("find the base archive"))?;
                slice(file, *offset, *len)?.into()
            }
            Part::Rootfs { offset, len } => {
                let (_, blob) = rootfs.as_ref().ok_or_else(|| js_fail("find the root filesystem"))?;
                slice(blob, *offset, *len)?.into()
            }
        };
        parts.push(&piece);
        assembled = assembled.saturating_add(part.len());
    }
    let file = web_sys::File::new_with_blob_sequence(&parts, &file_name).map_err(|_| js_fail("assemble the archive"))?;
    let size = file.size();
    if assembled != built.len || !(size.is_finite() && size as u64 == built.len) {
        return Err(error_report("io", format!("The assembled archive has {size} bytes, not {}: was an input changed during the build?", built.len)));
    }
    let summary = BuiltSummary {
        len: built.len,
        manifest_digest: built.manifest_digest,
        config_digest: built.config_digest,
        layers: built.layers,
        tags: built.tags,
        file_name,
        worker_memory: wasm_memory_bytes(),
    };
    Ok((summary, file))
}

/// `len` bytes of `blob` from `offset`, checked to lie inside it.
fn slice(blob: &web_sys::Blob, offset: u64, len: u64) -> Result<web_sys::Blob, ErrorReport> {
    let end = offset.checked_add(len).ok_or_else(|| js_fail("slice an input"))?;
    let size = blob.size();
    if !(size.is_finite() && end as f64 <= size) {
        return Err(error_report("io", "An input is shorter than when it was read: was it changed during the build?"));
    }
    blob.slice_with_f64_and_f64(offset as f64, end as f64).map_err(|_| js_fail("slice an input"))
}
