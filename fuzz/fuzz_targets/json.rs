//! The image module's JSON: `manifest.json`, OCI `index.json`/manifests, image configs, and
//! the model built from a config (container config, history).
#![no_main]

use libfuzzer_sys::fuzz_target;

// The calls live in `tarsier::core::fuzz`, shared with the native replay of regressions.
fuzz_target!(|data: &[u8]| {
    let _ = tarsier::core::fuzz::run("json", data);
});
