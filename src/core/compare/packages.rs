//! Packages of every kind Tarsier reads, by kind and name: added, removed, other version.

use super::types::{PackageChange, PackagesDiff};
use crate::core::image::ImageReport;
use std::collections::BTreeMap;

pub(crate) fn diff_packages(a: &ImageReport, b: &ImageReport) -> PackagesDiff {
    let key = |i: &ImageReport| -> BTreeMap<(String, String), String> {
        i.packages.iter().map(|p| ((p.source.as_str().to_owned(), p.name.clone()), p.version.clone())).collect()
    };
    let (ka, kb) = (key(a), key(b));
    let mut d = PackagesDiff::default();
    for ((kind, name), va) in &ka {
        let change = |vb: Option<&String>| PackageChange { kind: kind.clone(), name: name.clone(), version_a: Some(va.clone()), version_b: vb.cloned() };
        match kb.get(&(kind.clone(), name.clone())) {
            None => d.removed.push(change(None)),
            Some(vb) if vb != va => d.changed.push(change(Some(vb))),
            Some(_) => {}
        }
    }
    for ((kind, name), vb) in &kb {
        if !ka.contains_key(&(kind.clone(), name.clone())) {
            d.added.push(PackageChange { kind: kind.clone(), name: name.clone(), version_a: None, version_b: Some(vb.clone()) });
        }
    }
    d
}
