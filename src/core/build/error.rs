//! Why a build cannot be made: one enum, each a sentence a user can act on.

use crate::core::image::ImageError;

/// Why a build failed.
#[derive(Debug)]
pub enum BuildError {
    /// A change, tag, time or config value the user gave is not usable.
    Invalid(String),
    /// The rootfs tarball is not a (plain, gzip or zstd) tar.
    NotATar { detail: String },
    /// The base image cannot be reused (damaged, or a compressed archive whose layers are not
    /// byte ranges of the file).
    Base(String),
    /// The base archive could not be read.
    Image(ImageError),
    /// The user stopped the build.
    Cancelled,
    /// Reading an input or writing the output failed.
    Io { context: String, source: std::io::Error },
}

impl BuildError {
    /// A stable code for scripts (`tarsier build --json`) and the page.
    pub fn code(&self) -> &'static str {
        match self {
            BuildError::Invalid(_) => "invalid",
            BuildError::NotATar { .. } => "not_a_tar",
            BuildError::Base(_) => "base",
            BuildError::Image(e) => e.code(),
            BuildError::Cancelled => "cancelled",
            BuildError::Io { .. } => "io",
        }
    }
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Invalid(why) => write!(f, "{why}."),
            BuildError::NotATar { detail } => write!(f, "the root filesystem is not a tar archive (plain, gzip or zstd): {detail}."),
            BuildError::Base(why) => write!(f, "the base image cannot be reused: {why}."),
            BuildError::Image(e) => write!(f, "{e}"),
            BuildError::Cancelled => write!(f, "the build was cancelled."),
            BuildError::Io { context, source } => write!(f, "{context}: {source}."),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Image(e) => Some(e),
            BuildError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<ImageError> for BuildError {
    fn from(e: ImageError) -> BuildError {
        BuildError::Image(e)
    }
}
