//! Differential: layers indexed on their own and adopted (as helper workers and CLI threads
//! do) must give exactly what one pass over the archive gives.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The calls live in `tarsier::core::fuzz`, shared with the native replay of regressions.
fuzz_target!(|data: &[u8]| {
    let _ = tarsier::core::fuzz::run("parallel", data);
});
