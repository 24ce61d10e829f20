//! A base image to build on: its config (kept whole, every field, to extend) and its layers,
//! reused byte for byte from the user's archive, hashed while streaming for their blob digests.

use crate::core::sha::sha256_range;
use super::error::BuildError;
use crate::core::image::{Analysis, Compression, MemberSpan, MAX_JSON};
use std::io::{Read, Seek, SeekFrom};

/// One reused layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseLayer {
    /// Where its bytes lie in the base archive.
    pub span: MemberSpan,
    /// `sha256:…` of those bytes.
    pub digest: String,
    /// The config's `diff_id`.
    pub diff_id: String,
    pub compression: Compression,
}

/// The image built on.
#[derive(Debug, Clone, PartialEq)]
pub struct Base {
    /// Its config, every field kept.
    pub config: serde_json::Map<String, serde_json::Value>,
    pub layers: Vec<BaseLayer>,
}

/// Reads image `image` of an analyzed archive as a base: its config, and the digest of each layer
/// blob (`tick` gets the bytes hashed so far and stops by returning false).
///
/// # Errors
/// [`BuildError::Base`] when the archive is compressed as a whole (its layers are then not byte
/// ranges of the file), its config is not a JSON object with one `diff_id` per layer, or an
/// uncompressed layer's bytes do not hash to its `diff_id` (a damaged archive);
/// [`BuildError::Io`] for a failed read; [`BuildError::Cancelled`].
pub fn read_base<R: Read + Seek>(analysis: &Analysis, reader: &mut R, image: usize, tick: &mut dyn FnMut(u64) -> bool) -> Result<Base, BuildError> {
    if analysis.report.archive.compression != Compression::None {
        return Err(BuildError::Base(
            "the archive is compressed as a whole, so its layers are not byte ranges of the file; decompress it first (gunzip / zstd -d)".into(),
        ));
    }
    let blobs = analysis.image_blobs(image)?;
    let config = read_config(reader, blobs.config)?;
    let diff_ids: Vec<String> = config
        .get("rootfs")
        .and_then(|r| r.get("diff_ids"))
        .and_then(|d| d.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    if diff_ids.len() != blobs.layers.len() {
        return Err(BuildError::Base(format!("its config lists {} diff_ids for {} layers", diff_ids.len(), blobs.layers.len())));
    }
    let mut hashed: u64 = 0;
    let mut cancelled = false;
    let mut layers = Vec::with_capacity(blobs.layers.len());
    for (i, (l, diff_id)) in blobs.layers.iter().zip(diff_ids).enumerate() {
        let mut step = |n: u64| {
            hashed = hashed.saturating_add(n);
            if !cancelled && !tick(hashed) {
                cancelled = true;
            }
        };
        let digest = sha256_range(reader, l.span.offset, l.span.size, &mut step)
            .map_err(|e| BuildError::Io { context: format!("reading layer {} of the base image", i + 1), source: e })?;
        if cancelled {
            return Err(BuildError::Cancelled);
        }
        if l.compression == Compression::None && digest != diff_id {
            return Err(BuildError::Base(format!("layer {} hashes to {digest}, not to the config's diff_id {diff_id}: the archive is damaged", i + 1)));
        }
        layers.push(BaseLayer { span: l.span, digest, diff_id, compression: l.compression });
    }
    Ok(Base { config, layers })
}

fn read_config<R: Read + Seek>(reader: &mut R, span: MemberSpan) -> Result<serde_json::Map<String, serde_json::Value>, BuildError> {
    if span.size > MAX_JSON {
        return Err(BuildError::Base(format!("its config is {} bytes, over the {MAX_JSON}-byte limit for JSON", span.size)));
    }
    let io = |e| BuildError::Io { context: "reading the base image's config".into(), source: e };
    reader.seek(SeekFrom::Start(span.offset)).map_err(io)?;
    let mut bytes = Vec::new();
    reader.take(span.size).read_to_end(&mut bytes).map_err(io)?;
    match serde_json::from_slice(&bytes) {
        Ok(serde_json::Value::Object(m)) => Ok(m),
        Ok(_) => Err(BuildError::Base("its config is not a JSON object".into())),
        Err(e) => Err(BuildError::Base(format!("its config is not JSON ({e})"))),
    }
}
