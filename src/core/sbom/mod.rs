//! Software bills of materials: one analysed image (its report) written as
//! [CycloneDX 1.6](https://cyclonedx.org/docs/1.6/json/) or
//! [SPDX 2.3](https://spdx.github.io/spdx-spec/v2.3/) JSON — the image (digest, tags, platform),
//! its layers (digests), the system it says it is (os-release), and every package with its
//! package URL (`purl.rs`), licence (`licence.rs`), the file that evidences it, and the
//! relationship image → layer → package (the layer whose version of the package is listed).
//!
//! Stages: [`select`] (the report and a [`Request`] → a [`View`]: which layers and packages,
//! each package with its purl), then `cyclonedx.rs` or `spdx.rs` (the view → JSON text). Nothing
//! is random and nothing is read from a clock: the same report and request give the same bytes
//! (the document's time is the image's `created`, else 1970-01-01T00:00:00Z; its serial number
//! and namespace are hashes of the image's identity and the request).

pub mod cyclonedx;
pub mod licence;
pub mod purl;
mod select;
pub mod spdx;
mod spdx_ids;

pub use select::{select, utc_seconds, Format, LayerView, PackageView, Request, SbomError, Scope, View};

use crate::core::image::Report;

/// The SBOM of image `image` of `report`, as JSON text.
///
/// # Errors
/// [`SbomError`] when the image or the `from_layer` does not exist.
pub fn write(report: &Report, image: usize, request: &Request) -> Result<String, SbomError> {
    let view = select(report, image, request)?;
    Ok(match request.format {
        Format::CycloneDx => cyclonedx::write(&view),
        Format::Spdx => spdx::write(&view),
    })
}

