//! Where an image's config and layer blobs lie in the archive: what a consumer that reuses them
//! byte for byte (the image builder, [`crate::core::build`]) needs, without re-reading the
//! archive's structure.

use super::analysis::Analysis;
use super::error::ImageError;
use super::parallel::MemberSpan;
use super::source::Compression;

/// One layer blob of an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerBlob {
    /// Where its bytes lie in the outer tar stream.
    pub span: MemberSpan,
    pub compression: Compression,
    /// The manifest's media type for it, when the archive has an OCI manifest.
    pub media_type: Option<String>,
    /// The config's `diff_id` for it.
    pub diff_id: Option<String>,
}

/// An image's blobs, in the outer tar stream's coordinates: byte offsets in the file itself when
/// the archive is not compressed as a whole (`report.archive.compression` is `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageBlobs {
    pub config: MemberSpan,
    /// Bottom layer first.
    pub layers: Vec<LayerBlob>,
}

impl Analysis {
    /// The config and layer blobs of image `image`.
    ///
    /// # Errors
    /// [`ImageError::NotFound`] when there is no such image.
    pub fn image_blobs(&self, image: usize) -> Result<ImageBlobs, ImageError> {
        let not_found = || ImageError::NotFound { what: format!("image {image}") };
        let img = self.report.images.get(image).ok_or_else(not_found)?;
        let config = *self.config_spans.get(image).ok_or_else(not_found)?;
        let mut layers = Vec::with_capacity(img.layers.len());
        for l in &img.layers {
            let report = self.report.layers.get(l.layer).ok_or_else(not_found)?;
            let blob = self.layer_blob.get(l.layer).and_then(|&b| self.blobs.get(b)).ok_or_else(not_found)?;
            layers.push(LayerBlob {
                span: MemberSpan { offset: blob.offset, size: blob.size },
                compression: blob.compression,
                media_type: report.media_type.clone(),
                diff_id: l.diff_id.clone(),
            });
        }
        Ok(ImageBlobs { config, layers })
    }
}
