//! An AppArmor label (`/proc/<pid>/attr/current`, `docker-default (enforce)`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tarsier::core::apparmor;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(label) = apparmor::parse(&text) {
        let _ = serde_json::to_vec(&label);
    }
});
