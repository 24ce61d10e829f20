//! Sharing a dump by URL fragment: the text, raw-deflated (RFC 1951, `flate2`'s pure-Rust
//! backend) and base64url-encoded without padding (RFC 4648 §5), after a version prefix
//! [`FRAGMENT_PREFIX`]. Every character is URL-fragment safe (`A-Z a-z 0-9 - _ .`), so no
//! percent-encoding is needed; a page can use `#status=<fragment>`.
//!
//! Limits: at most [`MAX_FRAGMENT_TEXT_BYTES`] (64 KiB) of text is shared, and the encoded
//! fragment may be at most [`MAX_FRAGMENT_CHARS`] (16 Ki characters, well inside what browsers
//! keep in a URL). A typical 1.4 KB dump becomes about 900 characters; two dumps about 1.5 K.
//! Decoding stops after [`MAX_FRAGMENT_TEXT_BYTES`] of output, so a crafted fragment cannot
//! inflate into a large allocation.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use flate2::read::{DeflateDecoder, DeflateEncoder};
use flate2::Compression;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::io::Read;

/// Starts every fragment this version writes.
pub const FRAGMENT_PREFIX: &str = "v1.";
/// The most text (bytes) a fragment carries.
pub const MAX_FRAGMENT_TEXT_BYTES: usize = 64 * 1024;
/// The longest fragment written or read (characters, prefix included).
pub const MAX_FRAGMENT_CHARS: usize = 16 * 1024;

/// Why a dump could not be put into, or read back from, a fragment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FragmentError {
    /// The text is longer than [`MAX_FRAGMENT_TEXT_BYTES`].
    TextTooLarge { bytes: usize },
    /// The encoded fragment is (or would be) longer than [`MAX_FRAGMENT_CHARS`].
    FragmentTooLong { chars: usize },
    /// The fragment does not start with [`FRAGMENT_PREFIX`].
    UnknownVersion,
    /// Not base64url.
    NotBase64 { reason: String },
    /// Not a deflate stream, or truncated.
    Corrupt { reason: String },
    /// The text is not UTF-8.
    NotUtf8,
}

impl fmt::Display for FragmentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FragmentError::TextTooLarge { bytes } => write!(f, "The text is {bytes} bytes; at most {MAX_FRAGMENT_TEXT_BYTES} bytes can be shared in a link."),
            FragmentError::FragmentTooLong { chars } => write!(f, "The link would need {chars} characters after '#'; at most {MAX_FRAGMENT_CHARS} are used."),
            FragmentError::UnknownVersion => write!(f, "The link's '#' part was not made by this version of Tarsier (it should start with {FRAGMENT_PREFIX:?})."),
            FragmentError::NotBase64 { reason } => write!(f, "The link's '#' part is damaged (not base64url: {reason}); copy the whole link again."),
            FragmentError::Corrupt { reason } => write!(f, "The link's '#' part is damaged (the compressed data does not decode: {reason}); copy the whole link again."),
            FragmentError::NotUtf8 => write!(f, "The link's '#' part decodes to bytes that are not text; copy the whole link again."),
        }
    }
}

impl std::error::Error for FragmentError {}

/// Encodes `text` for a URL fragment.
///
/// # Errors
/// [`FragmentError::TextTooLarge`] or [`FragmentError::FragmentTooLong`] beyond the limits.
///
/// ```
/// use tarsier::core::status::{from_fragment, to_fragment};
/// let text = "Name:\tbash\nCapEff:\t00000000a80425fb\n";
/// let frag = to_fragment(text).unwrap();
/// assert!(frag.starts_with("v1."));
/// assert_eq!(from_fragment(&frag).unwrap(), text);
/// assert!(from_fragment("v1.AAAA").is_err());
/// ```
pub fn to_fragment(text: &str) -> Result<String, FragmentError> {
    if text.len() > MAX_FRAGMENT_TEXT_BYTES {
        return Err(FragmentError::TextTooLarge { bytes: text.len() });
    }
    let mut compressed = Vec::new();
    DeflateEncoder::new(text.as_bytes(), Compression::best())
        .read_to_end(&mut compressed)
        .map_err(|e| FragmentError::Corrupt { reason: e.to_string() })?;
    let fragment = format!("{FRAGMENT_PREFIX}{}", URL_SAFE_NO_PAD.encode(compressed));
    if fragment.len() > MAX_FRAGMENT_CHARS {
        return Err(FragmentError::FragmentTooLong { chars: fragment.len() });
    }
    Ok(fragment)
}

/// Decodes a fragment made by [`to_fragment`]. A leading `#` and a `status=` key (the page may
/// write `#status=v1.…` to tell it from the mask decoder's `#caps=…`) are ignored.
///
/// # Errors
/// [`FragmentError`] when the fragment is too long, has another version, is not base64url, does
/// not inflate, inflates beyond [`MAX_FRAGMENT_TEXT_BYTES`], or is not UTF-8.
pub fn from_fragment(fragment: &str) -> Result<String, FragmentError> {
    let fragment = fragment.trim().trim_start_matches('#');
    let fragment = fragment.strip_prefix("status=").unwrap_or(fragment);
    if fragment.len() > MAX_FRAGMENT_CHARS {
        return Err(FragmentError::FragmentTooLong { chars: fragment.len() });
    }
    let body = fragment.strip_prefix(FRAGMENT_PREFIX).ok_or(FragmentError::UnknownVersion)?;
    let compressed = URL_SAFE_NO_PAD.decode(body).map_err(|e| FragmentError::NotBase64 { reason: e.to_string() })?;
    let limit = u64::try_from(MAX_FRAGMENT_TEXT_BYTES).unwrap_or(u64::MAX);
    let mut out = Vec::new();
    DeflateDecoder::new(compressed.as_slice())
        .take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| FragmentError::Corrupt { reason: e.to_string() })?;
    if out.len() > MAX_FRAGMENT_TEXT_BYTES {
        return Err(FragmentError::TextTooLarge { bytes: out.len() });
    }
    String::from_utf8(out).map_err(|_| FragmentError::NotUtf8)
}
