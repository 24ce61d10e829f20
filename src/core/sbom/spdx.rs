//! The view as an [SPDX 2.3](https://spdx.github.io/spdx-spec/v2.3/) JSON document: packages
//! for the image (`CONTAINER`, with a `pkg:oci` purl), the operating system
//! (`OPERATING-SYSTEM`), each layer (`ARCHIVE`, with its SHA256 checksum) and each package
//! (`LIBRARY`, with its purl as a `PACKAGE-MANAGER` reference, `licenseDeclared`, the file read
//! as `sourceInfo`, the layers in `comment`); relationships: the document `DESCRIBES` the image,
//! the image `CONTAINS` the OS and each layer, a layer `CONTAINS` the packages whose listed
//! version it wrote. A licence that is no SPDX expression is a `LicenseRef-` with its text in
//! `hasExtractedLicensingInfos`. The namespace is `urn:uuid:` and a hash of the image and the
//! request (no network, nothing random).

use super::licence::{classify, licence_ref, Licence};
use super::select::{LayerView, PackageView, View};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

const DOCUMENT: &str = "SPDXRef-DOCUMENT";
const IMAGE: &str = "SPDXRef-Image";
const OS: &str = "SPDXRef-OperatingSystem";

fn layer_id(l: &LayerView<'_>) -> String {
    format!("SPDXRef-Layer-{}", l.position)
}

fn package_id(i: usize) -> String {
    format!("SPDXRef-Package-{i}")
}

fn relationship(from: &str, kind: &str, to: &str) -> Value {
    json!({ "spdxElementId": from, "relationshipType": kind, "relatedSpdxElement": to })
}

/// A package with what SPDX requires of every package.
fn package(id: &str, name: &str, version: Option<&str>, purpose: &str) -> Map<String, Value> {
    let mut p = Map::new();
    p.insert("SPDXID".into(), json!(id));
    p.insert("name".into(), json!(name));
    if let Some(v) = version.filter(|v| !v.is_empty()) {
        p.insert("versionInfo".into(), json!(v));
    }
    p.insert("downloadLocation".into(), json!("NOASSERTION"));
    p.insert("filesAnalyzed".into(), json!(false));
    p.insert("licenseConcluded".into(), json!("NOASSERTION"));
    p.insert("licenseDeclared".into(), json!("NOASSERTION"));
    p.insert("copyrightText".into(), json!("NOASSERTION"));
    p.insert("primaryPackagePurpose".into(), json!(purpose));
    p
}

fn purl_ref(purl: &str) -> Value {
    json!([{ "referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": purl }])
}

/// The document as pretty JSON text (keys sorted: the same view gives the same bytes).
pub fn write(view: &View<'_>) -> String {
    let mut packages = vec![Value::Object(image_package(view))];
    let mut relationships = vec![relationship(DOCUMENT, "DESCRIBES", IMAGE)];
    if let Some(os) = view.os {
        let name = os.id.clone().or_else(|| os.name.clone()).unwrap_or_else(|| "unknown".into());
        let mut p = package(OS, &name, os.version_id.as_deref(), "OPERATING-SYSTEM");
        if let Some(d) = os.display() {
            p.insert("description".into(), json!(d));
        }
        p.insert("sourceInfo".into(), json!(format!("read from /{} (layer {})", os.path, os.layer)));
        packages.push(Value::Object(p));
        relationships.push(relationship(IMAGE, "CONTAINS", OS));
    }
    for l in &view.layers {
        packages.push(Value::Object(layer_package(l)));
        relationships.push(relationship(IMAGE, "CONTAINS", &layer_id(l)));
    }
    let mut refs: BTreeMap<String, String> = BTreeMap::new();
    for (i, p) in view.packages.iter().enumerate() {
        packages.push(Value::Object(package_package(view, i, p, &mut refs)));
        if let Some(l) = view.layers.iter().find(|l| l.position == p.layer) {
            relationships.push(relationship(&layer_id(l), "CONTAINS", &package_id(i)));
        }
    }
    let mut doc = json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": DOCUMENT,
        "name": view.name,
        "documentNamespace": format!("urn:uuid:{}", view.uuid()),
        "creationInfo": {
            "created": view.created,
            "creators": [format!("Tool: tarsier-{}", view.request.tool_version)],
            "comment": creation_comment(view),
        },
        "packages": packages,
        "relationships": relationships,
    });
    if !refs.is_empty() {
        let infos: Vec<Value> = refs.iter().map(|(id, text)| json!({ "licenseId": id, "extractedText": text, "name": text })).collect();
        doc["hasExtractedLicensingInfos"] = Value::Array(infos);
    }
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// The request, and each reason the package list may be incomplete.
fn creation_comment(view: &View<'_>) -> String {
    let mut comment = format!("scope {}, from layer {}.", view.request.scope.as_str(), view.request.from_layer.unwrap_or(0));
    for m in &view.incomplete {
        comment.push_str(" Incomplete: ");
        comment.push_str(m);
    }
    comment
}

fn image_package(view: &View<'_>) -> Map<String, Value> {
    let img = view.image;
    let mut p = package(IMAGE, &view.name, view.digest, "CONTAINER");
    if let Some(hex) = view.digest.and_then(|d| d.strip_prefix("sha256:")) {
        p.insert("checksums".into(), json!([{ "algorithm": "SHA256", "checksumValue": hex }]));
    }
    if let Some(purl) = &view.image_purl {
        p.insert("externalRefs".into(), purl_ref(purl));
    }
    let platform: Vec<&str> = [&img.os, &img.architecture, &img.variant].into_iter().filter_map(|s| s.as_deref()).collect();
    let mut comment = Vec::new();
    if !img.tags.is_empty() {
        comment.push(format!("tags: {}", img.tags.join(", ")));
    }
    if !platform.is_empty() {
        comment.push(format!("platform: {}", platform.join("/")));
    }
    if let Some(d) = &img.config_digest {
        comment.push(format!("config: {d}"));
    }
    if !comment.is_empty() {
        p.insert("comment".into(), json!(comment.join("; ")));
    }
    p
}

fn layer_package(l: &LayerView<'_>) -> Map<String, Value> {
    let name = l.digest().map_or_else(|| format!("layer {}", l.position), str::to_owned);
    let mut p = package(&layer_id(l), &name, None, "ARCHIVE");
    if let Some(hex) = l.digest().and_then(|d| d.strip_prefix("sha256:")) {
        p.insert("checksums".into(), json!([{ "algorithm": "SHA256", "checksumValue": hex }]));
    }
    let mut comment = vec![format!("layer {}", l.position)];
    if let Some(d) = l.diff_id {
        comment.push(format!("diff_id {d}"));
    }
    if let Some(c) = l.created_by {
        comment.push(format!("created by: {c}"));
    }
    p.insert("comment".into(), json!(comment.join("; ")));
    p
}

fn package_package(view: &View<'_>, i: usize, v: &PackageView<'_>, refs: &mut BTreeMap<String, String>) -> Map<String, Value> {
    let pkg = &*v.package;
    let mut p = package(&package_id(i), &pkg.name, Some(&pkg.version), "LIBRARY");
    let declared = match v.licence.and_then(classify) {
        Some(Licence::Id(e) | Licence::Expression(e)) => e,
        Some(Licence::Other(text)) => licence_ref_for(&text, refs),
        None => "NOASSERTION".into(),
    };
    p.insert("licenseDeclared".into(), json!(declared));
    if let Some(purl) = &v.purl {
        p.insert("externalRefs".into(), purl_ref(purl));
    }
    if let Some(e) = v.evidence {
        p.insert("sourceInfo".into(), json!(format!("read from /{e}")));
    }
    let diff_id = |pos: usize| view.image.layers.get(pos).and_then(|l| l.diff_id.as_deref()).map(|d| format!(" ({d})")).unwrap_or_default();
    let mut comment = vec![format!("{}; added by layer {}{}", pkg.source.as_str(), pkg.installed_in, diff_id(pkg.installed_in))];
    comment.extend(pkg.changed_in.iter().map(|l| format!("changed by layer {l}{}", diff_id(*l))));
    if let Some(r) = v.removed_in {
        comment.push(format!("removed by layer {r}{}", diff_id(r)));
    }
    p.insert("comment".into(), json!(comment.join("; ")));
    p
}

/// The `LicenseRef-` of a licence text, one per distinct text (a second text that would make the
/// same id gets `-2`, `-3`, …).
fn licence_ref_for(text: &str, refs: &mut BTreeMap<String, String>) -> String {
    if let Some((id, _)) = refs.iter().find(|(_, t)| *t == text) {
        return id.clone();
    }
    let base = licence_ref(text);
    let mut id = base.clone();
    let mut n = 1u32;
    while refs.contains_key(&id) {
        n = n.saturating_add(1);
        id = format!("{base}-{n}");
    }
    refs.insert(id.clone(), text.to_owned());
    id
}
