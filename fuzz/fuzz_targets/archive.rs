//! The whole archive reader: outer tar (plain, gzip, zstd), inner layer tars (plain, gzip,
//! zstd), manifest/index/config JSON, then the queries a UI makes on a successful analysis.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The calls live in `tarsier::core::fuzz`, shared with the native replay of regressions.
fuzz_target!(|data: &[u8]| {
    let _ = tarsier::core::fuzz::run("archive", data);
});
