//! The URL fragment: a shared link such as `#caps=a80425fb` or `#status=v1.…` reopens a
//! decode, and the page keeps the fragment in step with what it shows (without adding history
//! entries). Encoding and decoding happen in the worker (`core::paste::fragment_for`).

/// The current fragment, without `#`.
pub fn read() -> String {
    gloo::utils::window()
        .location()
        .hash()
        .ok()
        .map(|h| h.trim_start_matches('#').to_owned())
        .unwrap_or_default()
}

/// Whether a fragment is one Tarsier writes (anything else is left alone).
pub fn is_ours(fragment: &str) -> bool {
    fragment.starts_with("caps=") || fragment.starts_with("status=")
}

/// Replaces the fragment without a new history entry (so Back leaves the page, as users expect).
pub fn replace(fragment: Option<&str>) {
    if read() == fragment.unwrap_or_default() {
        return;
    }
    let window = gloo::utils::window();
    let Ok(history) = window.history() else { return };
    let url = match fragment {
        Some(f) => format!("#{f}"),
        None => {
            let location = window.location();
            location.pathname().unwrap_or_default() + &location.search().unwrap_or_default()
        }
    };
    // Only fails for cross-origin URLs, which a fragment never is.
    let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
}
