//! One bare layer tar (plain, gzip or zstd; sniffed), read as a stream.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tarsier::core::image::{list_layer, Options};

fuzz_target!(|data: &[u8]| {
    let opts = Options {
        name: "layer.tar".into(),
        max_layer_bytes: 4 * 1024 * 1024,
        max_layer_entries: 20_000,
    };
    if let Ok(entries) = list_layer(data, &opts) {
        let _ = serde_json::to_vec(&entries);
    }
});
