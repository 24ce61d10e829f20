//! The whole archive reader: outer tar (plain, gzip, zstd), inner layer tars (plain, gzip,
//! zstd), manifest/index/config JSON, then the queries a UI makes on a successful analysis.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The calls and checks live in `tarsier::core::fuzz`, shared with the native replay of
// regressions; a failed check panics, which libFuzzer records as a crash.
fuzz_target!(|data: &[u8]| {
    if let Err(failure) = tarsier::core::fuzz::run("archive", data) {
        panic!("{failure}");
    }
});
