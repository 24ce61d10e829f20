//! `/proc/<pid>/status`: parse every dump, explain it, compare neighbours, round-trip the
//! URL fragment.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The calls live in `tarsier::core::fuzz`, shared with the native replay of regressions.
fuzz_target!(|data: &[u8]| {
    let _ = tarsier::core::fuzz::run("status", data);
});
