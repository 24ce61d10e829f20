//! The two images' layers aligned by diff_id: the shared prefix, then where the histories part.

use super::types::{LayerSide, LayersDiff};
use crate::core::image::Report;
use std::collections::BTreeSet;

fn sides(r: &Report, image: usize) -> Vec<LayerSide> {
    let Some(img) = r.images.get(image) else { return Vec::new() };
    img.layers
        .iter()
        .map(|l| {
            let report = r.layers.get(l.layer);
            LayerSide {
                digest: report.and_then(|x| x.digest.clone()),
                diff_id: l.diff_id.clone(),
                size: report.map_or(0, |x| x.uncompressed_size),
                created_by: l.created_by.clone(),
            }
        })
        .collect()
}

pub(crate) fn diff_layers(ra: &Report, ia: usize, rb: &Report, ib: usize) -> LayersDiff {
    let (a, b) = (sides(ra, ia), sides(rb, ib));
    let shared_prefix = a.iter().zip(&b).take_while(|(x, y)| x.diff_id.is_some() && x.diff_id == y.diff_id).count();
    let ids = |v: &[LayerSide]| v.iter().filter_map(|l| l.diff_id.clone()).collect::<BTreeSet<String>>();
    let (ida, idb) = (ids(&a), ids(&b));
    let only = |v: &[LayerSide], other: &BTreeSet<String>| v.iter().filter_map(|l| l.diff_id.clone()).filter(|d| !other.contains(d)).collect::<Vec<_>>();
    let shared_bytes = a.iter().filter(|l| l.diff_id.as_ref().is_some_and(|d| idb.contains(d))).fold(0u64, |s, l| s.saturating_add(l.size));
    LayersDiff { only_a: only(&a, &idb), only_b: only(&b, &ida), shared_prefix, shared_bytes, a, b }
}
