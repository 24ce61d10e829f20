//! `/proc/<pid>/status`: parse every dump, explain it, compare neighbours, round-trip the
//! URL fragment.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tarsier::core::status;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = status::classify(&text);
    if let Ok(dumps) = status::parse_all(&text) {
        let reports: Vec<_> = dumps.iter().map(status::analyze).collect();
        for pair in reports.windows(2) {
            let _ = status::compare(&pair[0], &pair[1]);
        }
        if let Some(r) = reports.first() {
            let _ = status::compare(r, r);
            let _ = serde_json::to_vec(r);
        }
    }
    if let Ok(f) = status::to_fragment(&text) {
        let _ = status::from_fragment(&f);
    }
    let _ = status::from_fragment(&text);
});
