//! The image module's JSON: `manifest.json`, OCI `index.json`/manifests, image configs, and
//! the model built from a config (container config, history).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    tarsier::core::image::fuzz_json(data);
});
