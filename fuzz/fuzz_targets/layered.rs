//! Structure-aware: the fuzz bytes choose a docker-archive of 1–5 layers (files, directories,
//! links, whiteouts, opaque markers, duplicates, cut-off bodies claiming huge sizes) that gets
//! through the outer tar and the JSON to the merge, findings, packages and efficiency; then the
//! `archive` target's checks.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(failure) = tarsier::core::fuzz::run("layered", data) {
        panic!("{failure}");
    }
});
