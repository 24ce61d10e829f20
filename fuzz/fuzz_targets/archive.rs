//! The whole archive reader: outer tar (plain, gzip, zstd), inner layer tars (plain, gzip,
//! zstd), manifest/index/config JSON, then the queries a UI makes on a successful analysis.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::io::Cursor;
use tarsier::core::image::{analyze, read_entry, read_merged, Flow, Options};

fuzz_target!(|data: &[u8]| {
    // Small limits so one run stays fast and a bomb is cut off early.
    let opts = Options {
        name: "fuzz.tar".into(),
        max_layer_bytes: 4 * 1024 * 1024,
        max_layer_entries: 20_000,
    };
    let len = data.len() as u64;
    let Ok(a) = analyze(Cursor::new(data), len, &opts, &mut |_| Flow::Continue) else {
        return;
    };
    let _ = serde_json::to_vec(&a.report);
    let _ = serde_json::to_vec(&a.full_report());
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
});
