//! The view as a [CycloneDX 1.6](https://cyclonedx.org/docs/1.6/json/) JSON BOM:
//! `metadata.component` is the image (type `container`, its digest as version, a `pkg:oci` purl);
//! `components` are the operating system (`operating-system`), each layer (`file`, with its
//! SHA-256) and each package (`library`, with purl, licences, `evidence.occurrences` = the file
//! read, and `tarsier:layer:*` properties); `dependencies` say image → OS and layers, layer →
//! the packages whose listed version it wrote.

use super::licence::{classify, Licence};
use super::select::{LayerView, PackageView, View};
use serde_json::{json, Map, Value};

const IMAGE_REF: &str = "image";
const OS_REF: &str = "os";

fn layer_ref(l: &LayerView<'_>) -> String {
    format!("layer-{}", l.position)
}

fn package_ref(i: usize) -> String {
    format!("package-{i}")
}

fn property(name: &str, value: impl ToString) -> Value {
    json!({ "name": name, "value": value.to_string() })
}

/// The BOM as pretty JSON text (keys sorted: the same view gives the same bytes).
pub fn write(view: &View<'_>) -> String {
    let mut components = Vec::new();
    if let Some(os) = os_component(view) {
        components.push(os);
    }
    components.extend(view.layers.iter().map(layer_component));
    components.extend(view.packages.iter().enumerate().map(|(i, p)| package_component(view, i, p)));
    let mut image_deps: Vec<String> = view.os.map(|_| OS_REF.to_owned()).into_iter().collect();
    image_deps.extend(view.layers.iter().map(layer_ref));
    let mut dependencies = vec![json!({ "ref": IMAGE_REF, "dependsOn": image_deps })];
    for l in &view.layers {
        let on: Vec<String> = view.packages.iter().enumerate().filter(|(_, p)| p.layer == l.position).map(|(i, _)| package_ref(i)).collect();
        dependencies.push(json!({ "ref": layer_ref(l), "dependsOn": on }));
    }
    let bom = json!({
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": format!("urn:uuid:{}", view.uuid()),
        "version": 1,
        "metadata": {
            "timestamp": view.created,
            "tools": { "components": [{ "type": "application", "name": "tarsier", "version": view.request.tool_version }] },
            "component": image_component(view),
            "properties": metadata_properties(view),
        },
        "components": components,
        "dependencies": dependencies,
    });
    serde_json::to_string_pretty(&bom).unwrap_or_default() + "\n"
}

/// The request, and each reason the package list may be incomplete (`tarsier:sbom:incomplete`).
fn metadata_properties(view: &View<'_>) -> Vec<Value> {
    let mut props = vec![property("tarsier:sbom:scope", view.request.scope.as_str()), property("tarsier:sbom:from_layer", view.request.from_layer.unwrap_or(0))];
    props.extend(view.incomplete.iter().map(|m| property("tarsier:sbom:incomplete", m)));
    props
}

fn image_component(view: &View<'_>) -> Value {
    let img = view.image;
    let mut c = Map::new();
    c.insert("type".into(), json!("container"));
    c.insert("bom-ref".into(), json!(IMAGE_REF));
    c.insert("name".into(), json!(view.name));
    if let Some(d) = view.digest {
        c.insert("version".into(), json!(d));
        if let Some((_, hex)) = d.split_once("sha256:") {
            c.insert("hashes".into(), json!([{ "alg": "SHA-256", "content": hex }]));
        }
    }
    if let Some(p) = &view.image_purl {
        c.insert("purl".into(), json!(p));
    }
    let mut props: Vec<Value> = img.tags.iter().map(|t| property("tarsier:image:tag", t)).collect();
    let platform: Vec<&str> = [&img.os, &img.architecture, &img.variant].into_iter().filter_map(|s| s.as_deref()).collect();
    if !platform.is_empty() {
        props.push(property("tarsier:image:platform", platform.join("/")));
    }
    if let Some(d) = &img.config_digest {
        props.push(property("tarsier:image:config_digest", d));
    }
    if !props.is_empty() {
        c.insert("properties".into(), Value::Array(props));
    }
    Value::Object(c)
}

fn os_component(view: &View<'_>) -> Option<Value> {
    let os = view.os?;
    let mut c = Map::new();
    c.insert("type".into(), json!("operating-system"));
    c.insert("bom-ref".into(), json!(OS_REF));
    c.insert("name".into(), json!(os.id.clone().or_else(|| os.name.clone()).unwrap_or_else(|| "unknown".into())));
    if let Some(v) = &os.version_id {
        c.insert("version".into(), json!(v));
    }
    if let Some(d) = os.display() {
        c.insert("description".into(), json!(d));
    }
    c.insert("evidence".into(), json!({ "occurrences": [{ "location": format!("/{}", os.path) }] }));
    c.insert("properties".into(), json!([property("tarsier:layer:added", os.layer)]));
    Some(Value::Object(c))
}

fn layer_component(l: &LayerView<'_>) -> Value {
    let mut c = Map::new();
    c.insert("type".into(), json!("file"));
    c.insert("bom-ref".into(), json!(layer_ref(l)));
    c.insert("name".into(), json!(l.digest().map_or_else(|| format!("layer {}", l.position), str::to_owned)));
    if let Some((_, hex)) = l.digest().and_then(|d| d.split_once("sha256:")) {
        c.insert("hashes".into(), json!([{ "alg": "SHA-256", "content": hex }]));
    }
    if let Some(b) = l.blob.and_then(|b| b.media_type.as_deref()) {
        c.insert("mime-type".into(), json!(b));
    }
    let mut props = vec![property("tarsier:layer:index", l.position)];
    if let Some(d) = l.diff_id {
        props.push(property("tarsier:layer:diff_id", d));
    }
    if let Some(c) = l.created_by {
        props.push(property("tarsier:layer:created_by", c));
    }
    c.insert("properties".into(), Value::Array(props));
    Value::Object(c)
}

fn package_component(view: &View<'_>, i: usize, p: &PackageView<'_>) -> Value {
    let pkg = &*p.package;
    let mut c = Map::new();
    c.insert("type".into(), json!("library"));
    c.insert("bom-ref".into(), json!(package_ref(i)));
    match pkg.name.split_once(':').filter(|_| pkg.source.as_str() == "maven") {
        // Maven coordinates: CycloneDX's group and name.
        Some((group, artifact)) => {
            c.insert("group".into(), json!(group));
            c.insert("name".into(), json!(artifact));
        }
        None => {
            c.insert("name".into(), json!(pkg.name));
        }
    }
    if !pkg.version.is_empty() {
        c.insert("version".into(), json!(pkg.version));
    }
    if let Some(purl) = &p.purl {
        c.insert("purl".into(), json!(purl));
    }
    match p.licence.and_then(classify) {
        Some(Licence::Id(id)) => c.insert("licenses".into(), json!([{ "license": { "id": id } }])),
        Some(Licence::Expression(e)) => c.insert("licenses".into(), json!([{ "expression": e }])),
        Some(Licence::Other(name)) => c.insert("licenses".into(), json!([{ "license": { "name": name } }])),
        None => None,
    };
    if let Some(e) = p.evidence {
        c.insert("evidence".into(), json!({ "occurrences": [{ "location": format!("/{e}") }] }));
    }
    c.insert("properties".into(), Value::Array(package_properties(view, p)));
    Value::Object(c)
}

fn package_properties(view: &View<'_>, p: &PackageView<'_>) -> Vec<Value> {
    let diff_id = |pos: usize| view.image.layers.get(pos).and_then(|l| l.diff_id.as_deref());
    let pkg = &*p.package;
    let mut props = vec![property("tarsier:package:source", pkg.source.as_str()), property("tarsier:layer:added", pkg.installed_in)];
    if let Some(d) = diff_id(pkg.installed_in) {
        props.push(property("tarsier:layer:added:diff_id", d));
    }
    props.extend(pkg.changed_in.iter().map(|l| property("tarsier:layer:changed", l)));
    if let Some(r) = p.removed_in {
        props.push(property("tarsier:layer:removed", r));
    }
    if let Some(a) = &pkg.architecture {
        props.push(property("tarsier:package:architecture", a));
    }
    props
}
