//! Packages of every kind Tarsier reads, by kind, name and location: added, removed, other
//! version.

use super::types::{PackageChange, PackagesDiff};
use crate::core::image::ImageReport;
use std::collections::BTreeMap;

/// A package's identity: (kind, name, location).
type Key = (String, String, Option<String>);

pub(crate) fn diff_packages(a: &ImageReport, b: &ImageReport) -> PackagesDiff {
    let key = |i: &ImageReport| -> BTreeMap<Key, String> {
        i.packages.iter().map(|p| ((p.source.as_str().to_owned(), p.name.clone(), p.location.clone()), p.version.clone())).collect()
    };
    let (ka, kb) = (key(a), key(b));
    let change = |(kind, name, location): &Key, version_a: Option<&String>, version_b: Option<&String>| PackageChange {
        kind: kind.clone(),
        name: name.clone(),
        location: location.clone(),
        version_a: version_a.cloned(),
        version_b: version_b.cloned(),
    };
    let mut d = PackagesDiff::default();
    for (k, va) in &ka {
        match kb.get(k) {
            None => d.removed.push(change(k, Some(va), None)),
            Some(vb) if vb != va => d.changed.push(change(k, Some(va), Some(vb))),
            Some(_) => {}
        }
    }
    for (k, vb) in &kb {
        if !ka.contains_key(k) {
            d.added.push(change(k, None, Some(vb)));
        }
    }
    d
}
