//! File-body digests known from earlier comparisons, so that comparing the archive on screen
//! again (with another archive, or after a cancel) does not read the same bodies twice.
//!
//! A digest is kept under the layer's diff_id and the entry's path in that layer: the same
//! diff_id is the same bytes in any archive, so the digest holds wherever that layer appears.
//! Bodies of layers without a diff_id are never kept.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Most digests kept (each a diff_id, a path and a digest: ~200 bytes).
pub const MAX_KNOWN_HASHES: usize = 50_000;

/// Digests by (diff_id, path in the layer). In JSON: `[[diff_id, path, sha256], …]`, sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Vec<(String, String, String)>", into = "Vec<(String, String, String)>")]
pub struct KnownHashes(HashMap<(String, String), String>);

impl KnownHashes {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The digest of `path` in the layer `diff_id`, if known.
    pub fn get(&self, diff_id: &str, path: &str) -> Option<&str> {
        self.0.get(&(diff_id.to_owned(), path.to_owned())).map(String::as_str)
    }

    /// Keeps a digest. False (and nothing kept) when it is not a diff_id and a sha256 in hex,
    /// or when [`MAX_KNOWN_HASHES`] are kept already.
    pub fn insert(&mut self, diff_id: &str, path: &str, sha256: &str) -> bool {
        let is_hex = |s: &str| s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        let ok = diff_id.strip_prefix("sha256:").is_some_and(is_hex) && is_hex(sha256);
        let key = (diff_id.to_owned(), path.to_owned());
        if !ok || (self.0.len() >= MAX_KNOWN_HASHES && !self.0.contains_key(&key)) {
            return false;
        }
        self.0.insert(key, sha256.to_owned());
        true
    }
}

impl From<Vec<(String, String, String)>> for KnownHashes {
    /// What does not look like a digest is dropped (see [`KnownHashes::insert`]).
    fn from(list: Vec<(String, String, String)>) -> Self {
        let mut known = KnownHashes::default();
        for (diff_id, path, sha256) in &list {
            known.insert(diff_id, path, sha256);
        }
        known
    }
}

impl From<KnownHashes> for Vec<(String, String, String)> {
    fn from(known: KnownHashes) -> Self {
        let mut list: Vec<_> = known.0.into_iter().map(|((d, p), h)| (d, p, h)).collect();
        list.sort();
        list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    const H: &str = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

    #[test]
    fn only_digests_are_kept_and_they_round_trip_sorted() {
        let mut k = KnownHashes::default();
        assert!(k.insert(D, "etc/b", H));
        assert!(k.insert(D, "etc/a", H));
        assert!(!k.insert("sha512:00", "etc/c", H), "not a sha256 diff_id");
        assert!(!k.insert(D, "etc/d", &H[1..]), "a digest one digit short");
        assert!(!k.insert(D, "etc/e", &H.to_uppercase()), "upper-case hex is not what sha.rs writes");
        assert_eq!(k.len(), 2);
        assert_eq!(k.get(D, "etc/a"), Some(H));
        assert_eq!(k.get(D, "etc/c"), None);
        let json = serde_json::to_string(&k).unwrap_or_default();
        assert!(json.find("etc/a") < json.find("etc/b"), "sorted: {json}");
        let back: KnownHashes = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(back, k);
        let forged: KnownHashes = serde_json::from_str(&format!(r#"[["{D}","x","nothex"]]"#)).unwrap_or_default();
        assert!(forged.is_empty());
    }

    #[test]
    fn at_most_the_cap_is_kept() {
        let mut k = KnownHashes::default();
        for i in 0..MAX_KNOWN_HASHES {
            k.insert(D, &i.to_string(), H);
        }
        assert!(!k.insert(D, "one more", H));
        assert!(k.insert(D, "0", H), "an existing key may be rewritten");
        assert_eq!(k.len(), MAX_KNOWN_HASHES);
    }
}
