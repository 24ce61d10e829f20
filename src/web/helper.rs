//! A helper worker: started by an archive's worker ([`super::pool`]) under the name
//! [`HELPER_NAME`](super::protocol::HELPER_NAME), it serves [`HelperRequest`]s only — it
//! indexes one layer member of the archive on its own and sends the packed index back as a
//! transferred buffer.

use super::protocol::{decode, HelperRequest, HelperResponse, ready_message};
use super::worker_io::{post, post_with_bytes, reader, CountingReader, Throttle};
use crate::core::image::{self, Flow, MemberSpan, Options, Progress};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::DedicatedWorkerGlobalScope;

/// Installs the message handler and announces readiness.
pub fn run(scope: DedicatedWorkerGlobalScope) {
    let reply_scope = scope.clone();
    let handler = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        match decode::<HelperRequest>(&event.data()) {
            Ok((HelperRequest::IndexMember { name, span }, file)) => index_member(&reply_scope, &name, span, file),
            Err(message) => post(&reply_scope, &HelperResponse::Protocol { message }),
        }
    });
    scope.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    handler.forget();
    if let Err(e) = scope.post_message(&ready_message()) {
        web_sys::console::error_2(&"tarsier helper: could not say it is ready".into(), &e);
    }
}

/// Indexes one member and posts [`HelperResponse::MemberIndexed`] with the packed index
/// (transferred), or without it when the member is not a layer or indexing it failed.
fn index_member(scope: &DedicatedWorkerGlobalScope, name: &str, span: MemberSpan, file: Option<web_sys::File>) {
    let mut fetched = 0;
    let packed = file.and_then(|file| {
        let reader = CountingReader { inner: reader(&file).ok()?, fetched: &mut fetched };
        let len = reader.inner.len();
        let mut throttle = Throttle::default();
        let mut progress = |p: Progress| {
            if throttle.due() {
                let bytes = p.bytes_done.saturating_sub(span.offset).min(span.size);
                post(scope, &HelperResponse::MemberProgress { offset: span.offset, bytes, files: p.files_seen });
            }
            Flow::Continue
        };
        image::index_member(reader, len, span, &Options::named(name), &mut progress).ok().flatten().map(|p| p.to_bytes())
    });
    let response = HelperResponse::MemberIndexed { offset: span.offset, fetched };
    match packed {
        Some(bytes) => post_with_bytes(scope, &response, &bytes),
        None => post(scope, &response),
    }
}
