//! The image analyzer's one error type.
//!
//! Every variant names the archive (as the caller called it, [`super::Options::name`]) and, where
//! it applies, the member inside it and a byte position, so that `Display` is a sentence a user
//! can act on: "the archive `x.tar` is truncated at byte 1536 inside layer `abc.tar` ...".

use std::fmt;
use std::io;

/// What went wrong while analyzing or reading an image archive.
#[derive(Debug)]
#[non_exhaustive]
pub enum ImageError {
    /// The input is neither a tar archive nor a gzip/zstd-compressed one.
    NotAnArchive { file: String, detail: String },
    /// The input ended before a header or body it announced was complete.
    Truncated {
        file: String,
        pos: u64,
        context: String,
    },
    /// A structural field could not be parsed (checksum, number, PAX record).
    Corrupt {
        file: String,
        pos: u64,
        context: String,
        reason: String,
    },
    /// Reading the input failed.
    Io {
        file: String,
        pos: u64,
        context: String,
        source: io::Error,
    },
    /// The archive holds neither `manifest.json` nor an OCI `index.json` naming an image.
    MissingManifest { file: String, detail: String },
    /// A JSON member could not be parsed.
    BadJson {
        file: String,
        member: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// A manifest names a member the archive does not hold.
    MissingMember {
        file: String,
        member: String,
        referenced_by: String,
    },
    /// A length read from the input exceeds one of the analyzer's named limits.
    LimitExceeded {
        file: String,
        pos: u64,
        what: String,
        limit: u64,
    },
    /// The progress callback asked to stop.
    Cancelled,
    /// A query named something the analysis does not hold (an image, layer or path).
    NotFound { file: String, what: String },
}

impl ImageError {
    /// A short stable code for the error's kind (for the UI and for tests).
    pub fn code(&self) -> &'static str {
        match self {
            ImageError::NotAnArchive { .. } => "not_an_archive",
            ImageError::Truncated { .. } => "truncated",
            ImageError::Corrupt { .. } => "corrupt",
            ImageError::Io { .. } => "io",
            ImageError::MissingManifest { .. } => "missing_manifest",
            ImageError::BadJson { .. } => "bad_json",
            ImageError::MissingMember { .. } => "missing_member",
            ImageError::LimitExceeded { .. } => "limit_exceeded",
            ImageError::Cancelled => "cancelled",
            ImageError::NotFound { .. } => "not_found",
        }
    }
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageError::NotAnArchive { file, detail } => write!(
                f,
                "`{file}` is not a tar archive (nor a gzip- or zstd-compressed one): {detail}."
            ),
            ImageError::Truncated { file, pos, context } => write!(
                f,
                "the archive `{file}` is truncated: it ends at byte {pos} {context}."
            ),
            ImageError::Corrupt { file, pos, context, reason } => write!(
                f,
                "the archive `{file}` is damaged at byte {pos} {context}: {reason}."
            ),
            ImageError::Io { file, pos, context, source } => write!(
                f,
                "could not read `{file}` at byte {pos} {context}: {source}."
            ),
            ImageError::MissingManifest { file, detail } => write!(
                f,
                "`{file}` holds no image manifest (no usable manifest.json or OCI index.json): {detail}."
            ),
            ImageError::BadJson { file, member, line, column, message } => write!(
                f,
                "`{member}` in `{file}` is not valid JSON at line {line}, column {column}: {message}."
            ),
            ImageError::MissingMember { file, member, referenced_by } => write!(
                f,
                "`{referenced_by}` in `{file}` names `{member}`, which the archive does not hold."
            ),
            ImageError::LimitExceeded { file, pos, what, limit } => write!(
                f,
                "`{file}` exceeds a safety limit at byte {pos}: {what} is over the limit of {limit}."
            ),
            ImageError::Cancelled => write!(f, "the analysis was cancelled."),
            ImageError::NotFound { file, what } => write!(f, "`{file}` has no {what}."),
        }
    }
}

impl std::error::Error for ImageError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ImageError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
