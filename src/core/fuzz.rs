//! The calls each fuzz target makes (`fuzz/fuzz_targets/<target>.rs`), in one place so the
//! native replay of fuzz regressions (`tests/fuzz_regressions.rs`) runs exactly the same code.
//! Not an API: hidden from the docs.
//!
//! Each function swallows the analysis errors (hostile input is expected to fail) and returns
//! only a failure to serialize a report that did succeed, which is a bug.

use crate::core::image::{
    self, analyze, analyze_prepared, index_member, list_layer, parallel_candidates, read_entry, read_merged, Flow,
    Options, PreIndexed,
};
use crate::core::{apparmor, caps, paste, status};
use std::io::Cursor;

/// Every fuzz target's name, as `fuzz/fuzz_targets/<name>.rs` and the corpus folders call it.
pub const TARGETS: &[&str] = &["archive", "layer", "json", "status", "apparmor", "paste", "parallel", "packed"];

/// Small limits so one run stays fast and a bomb is cut off early.
pub fn options(name: &str) -> Options {
    Options { name: name.into(), max_layer_bytes: 4 * 1024 * 1024, max_layer_entries: 20_000 }
}

/// Runs target `name` on `data`; `None` for an unknown target.
pub fn run(name: &str, data: &[u8]) -> Option<Result<(), serde_json::Error>> {
    Some(match name {
        "archive" => archive(data),
        "layer" => layer(data),
        "json" => {
            image::fuzz_json(data);
            Ok(())
        }
        "status" => status_dump(data),
        "apparmor" => apparmor_label(data),
        "paste" => paste_box(data),
        "parallel" => parallel(data),
        "packed" => packed(data),
        _ => return None,
    })
}

/// The whole archive reader, then the queries a UI makes on a successful analysis.
pub fn archive(data: &[u8]) -> Result<(), serde_json::Error> {
    let len = data.len() as u64;
    let Ok(a) = analyze(Cursor::new(data), len, &options("fuzz.tar"), &mut |_| Flow::Continue) else {
        return Ok(());
    };
    serde_json::to_vec(&a.report)?;
    serde_json::to_vec(&a.full_report())?;
    for image in 0..a.report.images.len().min(4) {
        if let Ok(children) = a.list_dir(image, "/", true) {
            for c in children.iter().take(8) {
                let _ = a.list_dir(image, &c.path, true);
                let _ = a.merged_entry(image, &c.path);
                let _ = read_merged(Cursor::new(data), &a, image, &c.path, 0, 4096);
                let _ = read_merged(Cursor::new(data), &a, image, &c.path, u64::MAX, 4096);
            }
        }
        let _ = a.search(image, "*", true, 64);
        let _ = a.search(image, "/*/?a*", true, 64);
        let _ = a.search(image, "e", false, 64);
    }
    for layer in 0..a.report.layers.len().min(4) {
        if let Ok(page) = a.layer_entries(layer, 0, 8) {
            for e in &page.items {
                let _ = read_entry(Cursor::new(data), &a, layer, &e.path, 1, 4096);
            }
        }
    }
    Ok(())
}

/// One bare layer tar (plain, gzip or zstd; sniffed), read as a stream.
pub fn layer(data: &[u8]) -> Result<(), serde_json::Error> {
    if let Ok(entries) = list_layer(data, &options("layer.tar")) {
        serde_json::to_vec(&entries)?;
    }
    Ok(())
}

/// `/proc/<pid>/status`: parse every dump, explain it, compare neighbours, round-trip the
/// URL fragment.
pub fn status_dump(data: &[u8]) -> Result<(), serde_json::Error> {
    let text = String::from_utf8_lossy(data);
    let _ = status::classify(&text);
    if let Ok(dumps) = status::parse_all(&text) {
        let reports: Vec<_> = dumps.iter().map(status::analyze).collect();
        for pair in reports.windows(2) {
            let _ = status::compare(&pair[0], &pair[1]);
        }
        if let Some(r) = reports.first() {
            let _ = status::compare(r, r);
            serde_json::to_vec(r)?;
        }
    }
    if let Ok(f) = status::to_fragment(&text) {
        let _ = status::from_fragment(&f);
    }
    let _ = status::from_fragment(&text);
    Ok(())
}

/// An AppArmor label (`/proc/<pid>/attr/current`).
pub fn apparmor_label(data: &[u8]) -> Result<(), serde_json::Error> {
    let text = String::from_utf8_lossy(data);
    if let Ok(label) = apparmor::parse(&text) {
        serde_json::to_vec(&label)?;
    }
    Ok(())
}

/// The paste box: masks, dumps, labels; the URL fragment both ways. Text before the first NUL
/// is a pinned dump, after it the new paste.
pub fn paste_box(data: &[u8]) -> Result<(), serde_json::Error> {
    let text = String::from_utf8_lossy(data);
    let _ = caps::parse_mask(&text);
    let (pinned, now) = match text.split_once('\0') {
        Some((p, n)) => (Some(p), n),
        None => (None, &*text),
    };
    if let Ok(report) = paste::analyze_against(now, pinned) {
        serde_json::to_vec(&report)?;
        if let Some(f) = paste::fragment_for(&report, now, pinned) {
            let _ = paste::text_for_fragment(&f);
        }
    }
    let _ = paste::text_for_fragment(&text);
    let _ = paste::percent_decode(&text);
    Ok(())
}

/// Differential: every member indexed on its own (packed and unpacked on the way, as between
/// workers) and adopted must give exactly what one pass gives, report and error alike. A
/// difference panics, which the fuzzer reports as a crash.
pub fn parallel(data: &[u8]) -> Result<(), serde_json::Error> {
    let len = data.len() as u64;
    let opts = options("fuzz.tar");
    let outcome = |r: Result<image::Analysis, image::ImageError>| match r {
        Ok(a) => serde_json::to_string(&a.full_report()),
        Err(e) => Ok(format!("error: {e}")),
    };
    let serial = outcome(analyze(Cursor::new(data), len, &opts, &mut |_| Flow::Continue))?;
    let mut prepared = Vec::new();
    for c in parallel_candidates(Cursor::new(data), len, &opts, 0) {
        if let Ok(Some(p)) = index_member(Cursor::new(data), len, c.span, &opts, &mut |_| Flow::Continue) {
            if let Ok(back) = PreIndexed::from_bytes(&p.to_bytes()) {
                prepared.push(back);
            }
        }
    }
    let parallel = outcome(analyze_prepared(Cursor::new(data), len, &opts, &mut |_| Flow::Continue, prepared))?;
    assert!(serial == parallel, "parallel indexing differs from one pass");
    Ok(())
}

/// A packed layer index as it arrives from a helper worker: unpacking garbage is an error,
/// and what unpacks packs back to the same bytes.
pub fn packed(data: &[u8]) -> Result<(), serde_json::Error> {
    if let Ok(p) = PreIndexed::from_bytes(data) {
        assert!(p.to_bytes() == data, "a packed index does not round-trip");
    }
    Ok(())
}
