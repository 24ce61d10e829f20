//! One bare layer tar (plain, gzip or zstd; sniffed), read as a stream.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The calls live in `tarsier::core::fuzz`, shared with the native replay of regressions.
fuzz_target!(|data: &[u8]| {
    let _ = tarsier::core::fuzz::run("layer", data);
});
