//! The paste box: capability masks, status dumps, AppArmor labels; the URL fragment both ways.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The calls live in `tarsier::core::fuzz`, shared with the native replay of regressions.
fuzz_target!(|data: &[u8]| {
    let _ = tarsier::core::fuzz::run("paste", data);
});
