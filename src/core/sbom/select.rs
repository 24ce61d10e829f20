//! Stage 1 of the SBOM export: the report of one image and a [`Request`] → a [`View`] (which
//! layers and packages, each package with its purl and the layer it hangs under), with the
//! document's time and identity.

use std::borrow::Cow;
use super::purl;
use crate::core::time::{rfc3339_utc, unix_seconds};
use crate::core::image::{ImageReport, LayerReport, OsRelease, Package, Report};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The document format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    CycloneDx,
    Spdx,
}

impl Format {
    /// `cyclonedx` or `spdx`, as the CLI and the page name them.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::CycloneDx => "cyclonedx",
            Format::Spdx => "spdx",
        }
    }

    /// The end of a document's file name: `.cdx.json` (CycloneDX's recommendation) or `.spdx.json`.
    pub fn extension(self) -> &'static str {
        match self {
            Format::CycloneDx => ".cdx.json",
            Format::Spdx => ".spdx.json",
        }
    }
}

/// Which packages: those of the final image, or also those a later layer removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// The merged (squashed) view: what the final image holds.
    Merged,
    /// Every package any layer installed, the removed ones marked with the layer that removed them.
    All,
}

impl Scope {
    /// `merged` or `all`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Merged => "merged",
            Scope::All => "all",
        }
    }
}

/// What to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub format: Format,
    pub scope: Scope,
    /// Only the layers from this position up (0 = bottom) and the packages they added or
    /// changed: "only my layers" above a base image.
    pub from_layer: Option<usize>,
    /// The writing tool's version (`tarsier-VERSION` in the documents).
    pub tool_version: String,
}

/// Why no SBOM could be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SbomError {
    /// The archive has no image at this index.
    NoSuchImage { image: usize, images: usize },
    /// `from_layer` is not one of the image's layers.
    NoSuchLayer { from_layer: usize, layers: usize },
}

impl std::fmt::Display for SbomError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            SbomError::NoSuchImage { image, images } => write!(f, "there is no image {image}: the archive holds {images} (0 to {}).", images.saturating_sub(1)),
            SbomError::NoSuchLayer { from_layer, layers: 0 } => write!(f, "there is no layer {from_layer}: the image has no layers."),
            SbomError::NoSuchLayer { from_layer, layers } => {
                write!(f, "there is no layer {from_layer}: the image has {layers} layers, 0 (the bottom) to {}.", layers - 1)
            }
        }
    }
}

/// One layer of the view.
#[derive(Debug, Clone)]
pub struct LayerView<'a> {
    /// Position in the image (0 = bottom).
    pub position: usize,
    pub blob: Option<&'a LayerReport>,
    pub diff_id: Option<&'a str>,
    pub created_by: Option<&'a str>,
}

impl LayerView<'_> {
    /// The layer's `sha256:` digest: the blob's, else its diff_id (an uncompressed layer's are one).
    pub fn digest(&self) -> Option<&str> {
        self.blob.and_then(|b| b.digest.as_deref()).or(self.diff_id)
    }
}

/// One package of the view.
#[derive(Debug, Clone)]
pub struct PackageView<'a> {
    /// The package: one of the report's, or (borrowed from nothing) a Go module an executable
    /// was built with.
    pub package: Cow<'a, Package>,
    pub purl: Option<String>,
    /// The layer (position) whose version of the package is listed: the last that changed it,
    /// else the one that added it.
    pub layer: usize,
    /// The layer that removed it (scope `all` only).
    pub removed_in: Option<usize>,
    pub licence: Option<&'a str>,
    /// The file it was read from (a path in the image, no leading `/`).
    pub evidence: Option<&'a str>,
}

/// What a document describes: the image, the chosen layers and packages.
#[derive(Debug, Clone)]
pub struct View<'a> {
    pub image: &'a ImageReport,
    /// The first tag, else the digest, else `image N`.
    pub name: String,
    /// The manifest digest, else the config digest.
    pub digest: Option<&'a str>,
    pub image_purl: Option<String>,
    pub os: Option<&'a OsRelease>,
    pub layers: Vec<LayerView<'a>>,
    pub packages: Vec<PackageView<'a>>,
    /// `YYYY-MM-DDThh:mm:ssZ`.
    pub created: String,
    /// Why the package list may be incomplete: the report's warnings about package metadata it
    /// did not read (an rpm database, a database too large to read, metadata past a limit).
    pub incomplete: Vec<&'a str>,
    /// 32 hex digits identifying the image and the request (serial number, namespace).
    pub id: String,
    pub request: &'a Request,
}

impl View<'_> {
    /// [`View::id`] as a name-based UUID (version 5's and RFC 4122's variant bits, from sha256
    /// instead of sha1): the same image and request, the same UUID.
    pub fn uuid(&self) -> String {
        let hex = |r: std::ops::Range<usize>| self.id.get(r).unwrap_or_default();
        let n = hex(16..17).chars().next().and_then(|d| d.to_digit(16)).unwrap_or(0);
        let variant = char::from_digit(8 | (n & 3), 16).unwrap_or('8');
        format!("{}-{}-5{}-{variant}{}-{}", hex(0..8), hex(8..12), hex(13..16), hex(17..20), hex(20..32))
    }
}

/// Stage 1: the layers and packages a request selects, each package with its purl.
///
/// # Errors
/// [`SbomError`] when the image or the `from_layer` does not exist.
pub fn select<'a>(report: &'a Report, image: usize, request: &'a Request) -> Result<View<'a>, SbomError> {
    let img = report.images.get(image).ok_or(SbomError::NoSuchImage { image, images: report.images.len() })?;
    let from = request.from_layer.unwrap_or(0);
    if request.from_layer.is_some() && from >= img.layers.len() {
        return Err(SbomError::NoSuchLayer { from_layer: from, layers: img.layers.len() });
    }
    let layers = img.layers.iter().enumerate().skip(from).map(|(position, l)| LayerView {
        position,
        blob: report.layers.get(l.layer),
        diff_id: l.diff_id.as_deref().or_else(|| report.layers.get(l.layer).and_then(|b| b.diff_id.as_deref())),
        created_by: l.created_by.as_deref(),
    });
    let os = img.os_release.as_ref();
    let mut packages: Vec<PackageView<'a>> = present(img)
        .chain(removed(img).filter(|_| request.scope == Scope::All))
        // A layer from `from` up wrote the version listed (the layer the package hangs under).
        .filter(|(p, _)| p.installed_in >= from || p.changed_in.iter().any(|&l| l >= from))
        .flat_map(|(package, removed_in)| {
            // A Go executable, then each module it was built with (pkg:golang purls, found in
            // the same file, hanging under the same layer).
            std::iter::once(package_view(Cow::Borrowed(package), package, removed_in, os))
                .chain(go_modules(package).map(move |m| package_view(Cow::Owned(m), package, removed_in, os)))
        })
        .collect();
    packages.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
    let digest = img.manifest_digest.as_deref().or(img.config_digest.as_deref());
    let name = img.tags.first().cloned().or_else(|| digest.map(str::to_owned)).unwrap_or_else(|| format!("image {image}"));
    let image_purl = purl::oci_purl(img.tags.first().map(String::as_str), digest, img.architecture.as_deref()).map(|p| p.to_string());
    Ok(View {
        image: img,
        name,
        digest,
        image_purl,
        os,
        layers: layers.collect(),
        packages,
        created: img.created.as_deref().and_then(utc_seconds).unwrap_or_else(|| "1970-01-01T00:00:00Z".into()),
        id: identity(img, request),
        incomplete: report.warnings.iter().filter(|w| w.is_about_packages()).map(|w| w.message.as_str()).collect(),
        request,
    })
}

/// The packages of the final image.
fn present(img: &ImageReport) -> impl Iterator<Item = (&Package, Option<usize>)> {
    img.packages.iter().map(|p| (p, None))
}

/// The packages a layer removed, each with that layer.
fn removed(img: &ImageReport) -> impl Iterator<Item = (&Package, Option<usize>)> {
    img.removed_packages.iter().map(|p| (p, p.removed_in))
}

/// The modules a Go executable's build information lists as dependencies, as packages of the
/// file that holds them: each module as built (its replacement when `=>` replaced it), with the
/// executable's layers, evidence and location, and no licence (the build information has none).
fn go_modules(exe: &Package) -> impl Iterator<Item = Package> + '_ {
    exe.go.iter().flat_map(|g| g.deps.iter()).map(move |m| {
        let built = m.replace.as_deref().unwrap_or(m);
        Package {
            name: built.path.clone(),
            version: built.version.clone(),
            source: exe.source,
            architecture: None,
            installed_in: exe.installed_in,
            changed_in: exe.changed_in.clone(),
            licence: None,
            evidence: exe.evidence.clone(),
            location: exe.location.clone(),
            removed_in: exe.removed_in,
            go: None,
            cargo: None,
        }
    })
}

/// The view of `package`; `found_in` is the package whose file evidences it (itself, or the Go
/// executable a module was built into).
fn package_view<'a>(package: Cow<'a, Package>, found_in: &'a Package, removed_in: Option<usize>, os: Option<&OsRelease>) -> PackageView<'a> {
    let facts = purl::PackageFacts {
        source: package.source.as_str(),
        name: &package.name,
        version: &package.version,
        architecture: package.architecture.as_deref(),
    };
    let purl = purl::package_purl(&facts, os).map(|p| p.to_string());
    let own = matches!(package, Cow::Borrowed(_));
    PackageView {
        purl,
        layer: package.changed_in.iter().copied().max().unwrap_or(package.installed_in).max(package.installed_in),
        removed_in,
        licence: if own { found_in.licence.as_deref().filter(|l| !l.trim().is_empty()) } else { None },
        evidence: found_in.evidence.as_deref().filter(|e| !e.is_empty()),
        package,
    }
}

type SortKey<'a> = (&'a str, &'a str, &'a str, Option<&'a str>, usize, Option<usize>);

fn sort_key<'v>(p: &'v PackageView<'_>) -> SortKey<'v> {
    (p.package.source.as_str(), &p.package.name, &p.package.version, p.evidence, p.package.installed_in, p.removed_in)
}

/// 32 hex digits of the sha256 of what identifies the document: the image's digests, tags and
/// layers, and the request (so that two scopes of one image are two documents).
fn identity(img: &ImageReport, request: &Request) -> String {
    let mut h = Sha256::new();
    let mut put = |s: &str| {
        h.update(s.as_bytes());
        h.update([0]);
    };
    put(img.manifest_digest.as_deref().unwrap_or_default());
    put(img.config_digest.as_deref().unwrap_or_default());
    img.tags.iter().for_each(|t| put(t));
    img.layers.iter().for_each(|l| put(l.diff_id.as_deref().unwrap_or_default()));
    put(request.format.as_str());
    put(request.scope.as_str());
    put(&request.from_layer.unwrap_or(0).to_string());
    format!("{:x}", h.finalize()).chars().take(32).collect()
}

/// An RFC 3339 time (`2023-11-14T22:13:20.5+01:00`) as UTC to the second, as SPDX writes times
/// (`2023-11-14T21:13:20Z`); `None` when it is not one.
pub fn utc_seconds(t: &str) -> Option<String> {
    unix_seconds(t).map(rfc3339_utc)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The file names the download gets: CycloneDX's recognised pattern `*.cdx.json` (the
    /// specification's "Recognized file patterns") and SPDX's `*.spdx.json` (SPDX 2.3, 4.2).
    #[test]
    fn file_names_as_the_specifications_recognise_them() {
        assert_eq!(Format::CycloneDx.extension(), ".cdx.json");
        assert_eq!(Format::Spdx.extension(), ".spdx.json");
    }

    /// The creation time SPDX gets: any RFC 3339 offset and fraction, in UTC to the second
    /// (the parsing itself is `core::time`'s, checked against GNU date there and in
    /// `tests/build_core.rs`).
    #[test]
    fn times_become_utc_seconds() {
        assert_eq!(utc_seconds("2023-11-14T22:13:20.123456789Z").as_deref(), Some("2023-11-14T22:13:20Z"));
        assert_eq!(utc_seconds("2024-03-01T00:30:00+01:00").as_deref(), Some("2024-02-29T23:30:00Z"));
        assert_eq!(utc_seconds("1999-12-31T23:00:00-02:00").as_deref(), Some("2000-01-01T01:00:00Z"));
        assert_eq!(utc_seconds("2023-11-14T22:13:20"), None);
    }
}
