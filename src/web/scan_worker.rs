//! The worker side of [`Request::Scan`](super::protocol::Request::Scan): indexes the archive, then
//! reads every regular file of every layer of one image ([`crate::core::scan::scan`]), posting
//! throttled progress. A scan gets a worker of its own (the page's [`super::analyzer::Analyzer`]
//! keeps it in a slot of its own), so Cancel terminates it without closing the archive on screen;
//! the archive's index is built again here, as for a comparison (a worker's index cannot be
//! handed over).

use super::protocol::{error_report, RequestId, Response};
use super::worker_io::{index_file, post, reader, Throttle};
use crate::core::image::ErrorReport;
use crate::core::scan::{scan, ScanOptions, ScanReport};
use web_sys::DedicatedWorkerGlobalScope;

/// Runs one scan and answers [`Response::Scanned`].
pub fn run(scope: &DedicatedWorkerGlobalScope, id: RequestId, file: Option<web_sys::File>, name: &str, image: usize, options: &ScanOptions) -> Response {
    let result = scan_file(scope, id, file, name, image, options).map(Box::new);
    Response::Scanned { id, result }
}

fn scan_file(scope: &DedicatedWorkerGlobalScope, id: RequestId, file: Option<web_sys::File>, name: &str, image: usize, options: &ScanOptions) -> Result<ScanReport, ErrorReport> {
    let file = file.ok_or_else(|| error_report("no_file", "no file reached the worker."))?;
    let step = format!("Indexing {name}");
    post(scope, &Response::ScanProgress { id, step: step.clone(), done: 0, total: file.size().max(0.0) as u64 });
    let (analysis, _) = index_file(&file, name, Vec::new(), &mut |p| post(scope, &Response::ScanProgress { id, step: step.clone(), done: p.bytes_done, total: p.bytes_total }))?;
    let mut throttle = Throttle::default();
    let mut tick = |done: u64, total: u64| {
        if throttle.due() {
            post(scope, &Response::ScanProgress { id, step: "Reading files".to_owned(), done, total });
        }
        true
    };
    scan(&analysis, &mut reader(&file)?, image, options, &mut tick).map_err(|e| ErrorReport::from(&e))
}
