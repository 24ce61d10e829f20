//! Many images at once (dive#547: "which layers and bytes do my ten images share?"): every image
//! of one or more archives, the layers each pair shares and their bytes, the layers only one
//! image has, and what storing them all once costs against storing each image alone.
//!
//! A layer is the same layer in two images when its diff_id (the sha256 of its uncompressed
//! tar) is the same — a gzip and a plain copy of it are one layer, as `docker load` stores them;
//! a layer without a diff_id is matched by its digest, else only to itself. Sizes are the
//! uncompressed tar's (what a loaded image takes on disk), each layer counted once per image.

use crate::core::image::Report;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One image of the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixImage {
    /// The archive's name as given.
    pub archive: String,
    /// The image's index in its archive.
    pub index: usize,
    pub tags: Vec<String>,
    /// Distinct layers, and their bytes.
    pub layers: usize,
    pub bytes: u64,
}

/// One distinct layer and the images (indexes into [`LayerMatrix::images`]) that have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixLayer {
    /// The diff_id (else the digest, else `archive:member`).
    pub id: String,
    pub size: u64,
    pub created_by: Option<String>,
    pub images: Vec<usize>,
}

/// What a pair of images shares.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedCell {
    pub layers: usize,
    pub bytes: u64,
}

/// Images × images.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerMatrix {
    pub images: Vec<MatrixImage>,
    /// Every distinct layer, in the order first met (image by image, bottom first).
    pub layers: Vec<MatrixLayer>,
    /// `shared[i][j]`: the layers images `i` and `j` both have (the diagonal: all of `i`'s).
    pub shared: Vec<Vec<SharedCell>>,
    /// The images' bytes summed (each stored alone).
    pub bytes_each_alone: u64,
    /// Every distinct layer's bytes once (all stored together).
    pub bytes_stored_once: u64,
}

impl LayerMatrix {
    /// The layers only image `i` has.
    pub fn unique_to(&self, i: usize) -> impl Iterator<Item = &MatrixLayer> {
        self.layers.iter().filter(move |l| l.images == [i])
    }
}

/// The matrix of every image of each `(archive name, report)`.
pub fn layer_matrix(archives: &[(&str, &Report)]) -> LayerMatrix {
    let mut images = Vec::new();
    let mut layers: Vec<MatrixLayer> = Vec::new();
    let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
    for (archive, report) in archives {
        for img in &report.images {
            let me = images.len();
            let (mut count, mut bytes) = (0usize, 0u64);
            for il in &img.layers {
                let Some(l) = report.layers.get(il.layer) else { continue };
                let id = il.diff_id.clone().or_else(|| l.diff_id.clone()).or_else(|| l.digest.clone()).unwrap_or_else(|| format!("{archive}:{}", l.member));
                let slot = *by_id.entry(id.clone()).or_insert_with(|| {
                    layers.push(MatrixLayer { id, size: l.uncompressed_size, created_by: il.created_by.clone(), images: Vec::new() });
                    layers.len() - 1
                });
                let Some(layer) = layers.get_mut(slot) else { continue };
                // A layer twice in one image (an empty layer, say) counts once.
                if layer.images.last() != Some(&me) {
                    layer.images.push(me);
                    count += 1;
                    bytes = bytes.saturating_add(layer.size);
                }
            }
            images.push(MatrixImage { archive: (*archive).to_owned(), index: img.index, tags: img.tags.clone(), layers: count, bytes });
        }
    }
    let n = images.len();
    let mut shared = vec![vec![SharedCell::default(); n]; n];
    for l in &layers {
        for &i in &l.images {
            for &j in &l.images {
                if let Some(cell) = shared.get_mut(i).and_then(|row| row.get_mut(j)) {
                    cell.layers += 1;
                    cell.bytes = cell.bytes.saturating_add(l.size);
                }
            }
        }
    }
    let bytes_each_alone = images.iter().fold(0u64, |s, i| s.saturating_add(i.bytes));
    let bytes_stored_once = layers.iter().fold(0u64, |s, l| s.saturating_add(l.size));
    LayerMatrix { images, layers, shared, bytes_each_alone, bytes_stored_once }
}
