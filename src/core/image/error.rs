//! The image analyzer's one error type, and the one position type its errors and warnings use.
//!
//! A [`Position`] says where in the input something is, in one set of coordinates: the byte
//! offset in the file the user gave, and, when the place is inside an archive member (a layer)
//! or inside a compressed archive's decompressed stream, the offset there too. Messages do not
//! name the file: the caller that knows what the user called it adds the name once, at the edge
//! (`x.tar: the archive is truncated: …`), and [`ErrorReport`] is how an error crosses a process
//! or worker boundary (`{code, message, position}`).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::io;

/// Where in the input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// Bytes into the file the user gave. Inside compressed data this is how far its compressed
    /// bytes had been read when the place was reached (decompressors read ahead), so `inner`
    /// says exactly where.
    pub offset: u64,
    /// The place inside a member of the archive, or inside a compressed archive's tar.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inner: Option<InnerPosition>,
}

/// A place inside an archive member's content or inside a compressed archive's tar stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InnerPosition {
    /// The member (a layer's path in the archive); `None` for the decompressed tar of a
    /// compressed archive.
    pub member: Option<String>,
    /// Offset in the member's content (decompressed, for a compressed layer) or in the
    /// archive's decompressed tar.
    pub offset: u64,
}

impl Position {
    /// A place in the file itself (an uncompressed archive's own bytes).
    pub fn file(offset: u64) -> Self {
        Position { offset, inner: None }
    }

    /// A place `inner_offset` bytes into member `member` (or, with `None`, into the decompressed
    /// archive), the file read up to `offset`.
    pub fn inside(offset: u64, member: Option<&str>, inner_offset: u64) -> Self {
        Position {
            offset,
            inner: Some(InnerPosition { member: member.map(str::to_owned), offset: inner_offset }),
        }
    }
}

impl Position {
    /// The position in a sentence that already names the member: `byte 512 of the layer (byte
    /// 2560 of the file)`.
    pub fn in_member(&self) -> String {
        match &self.inner {
            Some(InnerPosition { member: Some(_), offset }) => {
                format!("byte {offset} of the layer (byte {} of the file)", self.offset)
            }
            _ => self.to_string(),
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            None => write!(f, "byte {}", self.offset),
            Some(InnerPosition { member: Some(m), offset }) => {
                write!(f, "byte {offset} of layer {m} (byte {} of the file)", self.offset)
            }
            Some(InnerPosition { member: None, offset }) => {
                write!(f, "byte {offset} of the decompressed archive (byte {} of the file)", self.offset)
            }
        }
    }
}

/// What went wrong while analyzing or reading an image archive.
#[derive(Debug)]
#[non_exhaustive]
pub enum ImageError {
    /// The input is neither a tar archive nor a gzip/zstd-compressed one.
    NotAnArchive { detail: String },
    /// The input is plainly another kind of file (a zip, a picture, text…), told by its first
    /// bytes; its code is `not_an_archive` too.
    WrongFormat { what: &'static str, hint: &'static str },
    /// The input ended before a header or body it announced was complete.
    Truncated { at: Position, context: String },
    /// A structural field could not be parsed (checksum, number, PAX record).
    Corrupt { at: Position, context: String, reason: String },
    /// Reading the input failed.
    Io { at: Position, context: String, source: io::Error },
    /// The archive holds neither `manifest.json` nor an OCI `index.json` naming an image.
    MissingManifest { detail: String },
    /// A JSON member could not be parsed.
    BadJson { member: String, line: usize, column: usize, message: String },
    /// A manifest names a member the archive does not hold.
    MissingMember { member: String, referenced_by: String },
    /// A length read from the input exceeds one of the analyzer's named limits.
    LimitExceeded { at: Position, what: String, limit: u64 },
    /// The progress callback asked to stop.
    Cancelled,
    /// A query named something the analysis does not hold (an image, layer or path).
    NotFound { what: String },
}

impl ImageError {
    /// A short stable code for the error's kind (for the UI and for tests).
    pub fn code(&self) -> &'static str {
        match self {
            ImageError::NotAnArchive { .. } | ImageError::WrongFormat { .. } => "not_an_archive",
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

    /// Where the error is, when it is somewhere in particular.
    pub fn position(&self) -> Option<&Position> {
        match self {
            ImageError::Truncated { at, .. }
            | ImageError::Corrupt { at, .. }
            | ImageError::Io { at, .. }
            | ImageError::LimitExceeded { at, .. } => Some(at),
            _ => None,
        }
    }

    /// An I/O error met at `at` while doing `context`: a short read is a truncation, bad data
    /// damage, a limit the decompressors enforce ([`LimitHit`](LimitHit)) a limit.
    pub(crate) fn from_io(at: Position, context: &str, e: io::Error) -> ImageError {
        if let Some(hit) = e.get_ref().and_then(|x| x.downcast_ref::<LimitHit>()) {
            return ImageError::LimitExceeded { at, what: format!("{} {context}", hit.what), limit: hit.limit };
        }
        match e.kind() {
            io::ErrorKind::UnexpectedEof => ImageError::Truncated { at, context: context.to_owned() },
            io::ErrorKind::InvalidData | io::ErrorKind::InvalidInput => {
                ImageError::Corrupt { at, context: context.to_owned(), reason: e.to_string() }
            }
            _ => ImageError::Io { at, context: context.to_owned(), source: e },
        }
    }
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageError::NotAnArchive { detail } => {
                write!(f, "this is not a tar archive (nor a gzip- or zstd-compressed one): {detail}.")
            }
            ImageError::WrongFormat { what, hint } => write!(
                f,
                "this is {what}, not a container image archive. {hint}Tarsier opens what docker save, podman save or skopeo copy writes: a tar archive (docker-archive or OCI layout), optionally gzip- or zstd-compressed."
            ),
            ImageError::Truncated { at, context } => {
                write!(f, "the archive is truncated: it ends at {at} {context}.")
            }
            ImageError::Corrupt { at, context, reason } => {
                write!(f, "the archive is damaged at {at} {context}: {reason}.")
            }
            ImageError::Io { at, context, source } => write!(f, "reading failed at {at} {context}: {source}."),
            ImageError::MissingManifest { detail } => write!(
                f,
                "this archive holds no image manifest (no usable manifest.json or OCI index.json): {detail}."
            ),
            ImageError::BadJson { member, line, column, message } => {
                write!(f, "{member} is not valid JSON at line {line}, column {column}: {message}.")
            }
            ImageError::MissingMember { member, referenced_by } => {
                write!(f, "{referenced_by} names {member}, which the archive does not hold.")
            }
            ImageError::LimitExceeded { at, what, limit } => {
                write!(f, "a safety limit was reached at {at}: {what} is over the limit of {limit}.")
            }
            ImageError::Cancelled => write!(f, "the analysis was cancelled."),
            ImageError::NotFound { what } => write!(f, "the archive has no {what}."),
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

/// Marker carried in an `io::Error` so callers can turn it into `ImageError::LimitExceeded`:
/// which limit was hit and its value.
#[derive(Debug)]
pub(crate) struct LimitHit {
    pub(crate) what: &'static str,
    pub(crate) limit: u64,
}
impl std::fmt::Display for LimitHit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} is over the limit of {}", self.what, self.limit)
    }
}
impl std::error::Error for LimitHit {}

/// An error as it crosses a boundary (the worker to the page, `tarsier inspect --json`): its
/// code to react to, its sentence to show, and where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorReport {
    pub code: String,
    /// The sentence, without the file's name (the page and the CLI put the name before it).
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

impl From<&ImageError> for ErrorReport {
    fn from(e: &ImageError) -> Self {
        ErrorReport { code: e.code().to_owned(), message: e.to_string(), position: e.position().cloned() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `source()` hands the OS error on (what `anyhow`-style reporters and `?` chains read); the
    /// errors that have no cause give none.
    #[test]
    fn an_io_error_is_the_source() {
        let e = ImageError::from_io(Position::file(0), "while reading", io::Error::new(io::ErrorKind::PermissionDenied, "no"));
        let kind = std::error::Error::source(&e).and_then(|s| s.downcast_ref::<io::Error>()).map(io::Error::kind);
        assert_eq!(kind, Some(io::ErrorKind::PermissionDenied));
        assert!(std::error::Error::source(&ImageError::Cancelled).is_none());
        let b = crate::core::build::BuildError::Io { context: "x".into(), source: io::Error::from(io::ErrorKind::NotFound) };
        let kind = std::error::Error::source(&b).and_then(|s| s.downcast_ref::<io::Error>()).map(io::Error::kind);
        assert_eq!(kind, Some(io::ErrorKind::NotFound));
        let b = crate::core::build::BuildError::Image(e);
        assert!(std::error::Error::source(&b).is_some_and(|s| s.downcast_ref::<ImageError>().is_some()));
        assert!(std::error::Error::source(&crate::core::build::BuildError::Cancelled).is_none());
    }

    #[test]
    fn positions_read_as_one_phrase() {
        assert_eq!(Position::file(1536).to_string(), "byte 1536");
        assert_eq!(Position::inside(2560, Some("l0.tar"), 512).to_string(), "byte 512 of layer l0.tar (byte 2560 of the file)");
        assert_eq!(Position::inside(2560, Some("l0.tar"), 512).in_member(), "byte 512 of the layer (byte 2560 of the file)");
        assert_eq!(Position::inside(99, None, 4096).to_string(), "byte 4096 of the decompressed archive (byte 99 of the file)");
    }

    #[test]
    fn io_errors_become_the_right_kind() {
        let at = Position::file(7);
        let e = ImageError::from_io(at.clone(), "in a header", io::Error::new(io::ErrorKind::UnexpectedEof, "eof"));
        assert_eq!((e.code(), e.position()), ("truncated", Some(&at)));
        let e = ImageError::from_io(at.clone(), "x", io::Error::new(io::ErrorKind::InvalidData, "bad"));
        assert_eq!(e.code(), "corrupt");
        let e = ImageError::from_io(at.clone(), "x", io::Error::other("disk"));
        assert_eq!(e.code(), "io");
        let hit = super::LimitHit { what: "the decompressed size", limit: 9 };
        let e = ImageError::from_io(at, "of layer x", io::Error::other(hit));
        assert_eq!(e.code(), "limit_exceeded");
        assert!(e.to_string().contains("the decompressed size of layer x is over the limit of 9"), "{e}");
        let r = ErrorReport::from(&e);
        assert_eq!((r.code.as_str(), r.position.map(|p| p.offset)), ("limit_exceeded", Some(7)));
    }
}
