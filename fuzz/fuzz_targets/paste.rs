//! The paste box: capability masks, status dumps, AppArmor labels; the URL fragment both ways.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tarsier::core::{caps, paste};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = caps::parse_mask(&text);
    // Split at the first NUL: the text before is a pinned dump, after is the new paste.
    let (pinned, now) = match text.split_once('\0') {
        Some((p, n)) => (Some(p), n),
        None => (None, &*text),
    };
    if let Ok(report) = paste::analyze_against(now, pinned) {
        let _ = serde_json::to_vec(&report);
        if let Some(f) = paste::fragment_for(&report, now, pinned) {
            let _ = paste::text_for_fragment(&f);
        }
    }
    let _ = paste::text_for_fragment(&text);
    let _ = paste::percent_decode(&text);
});
