//! How the views write sizes, digests and file capabilities.

/// Bytes in binary units (`1.5 GiB`).
pub fn human(bytes: u64) -> String {
    crate::core::status::human_bytes(bytes)
}

/// `1 file`, `2 files`: `n` with the word for one or for many.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// An image's tags for a label, or "untagged".
pub fn tags_or_untagged(tags: &[String]) -> String {
    if tags.is_empty() { "untagged".to_owned() } else { tags.join(", ") }
}

/// `sha256:abcdef…` shortened to 12 hex digits for tables (the full digest stays in a title).
pub fn short_digest(d: &str) -> String {
    let hex = d.strip_prefix("sha256:").unwrap_or(d);
    hex.chars().take(12).collect()
}

/// libcap's text (`cap_net_raw=ep`) in the `+` form many tools print (`cap_net_raw+ep`).
pub fn caps_plus_form(text: &str) -> String {
    text.split(' ').map(|group| group.replacen('=', "+", 1)).collect::<Vec<_>>().join(" ")
}

/// A digest for one line: the algorithm and 8 hex digits, then `…` (`sha256:abcd1234…`); a
/// value too short to shorten is shown whole.
pub fn digest_short(d: &str) -> String {
    let (algorithm, hex) = d.split_once(':').map_or(("", d), |(a, h)| (a, h));
    if hex.chars().count() <= 12 {
        return d.to_owned();
    }
    let head: String = hex.chars().take(8).collect();
    if algorithm.is_empty() { format!("{head}…") } else { format!("{algorithm}:{head}…") }
}
