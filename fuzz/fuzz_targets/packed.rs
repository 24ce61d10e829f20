//! The packed layer index a helper worker sends back: garbage is an error, never a panic,
//! and whatever unpacks packs back to the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The calls live in `tarsier::core::fuzz`, shared with the native replay of regressions.
fuzz_target!(|data: &[u8]| {
    let _ = tarsier::core::fuzz::run("packed", data);
});
