//! Package URLs ([purl spec](https://github.com/package-url/purl-spec), ECMA-427):
//! `pkg:TYPE/NAMESPACE/NAME@VERSION?QUALIFIERS#SUBPATH`, each part percent-encoded, qualifiers
//! sorted by key, empty qualifiers left out.
//!
//! [`package_purl`] picks the type and the namespace per ecosystem as the spec's
//! `PURL-TYPES.rst` says: `apk`/`deb`/`rpm` with the distribution (`alpine`, `debian`, …, from
//! os-release's `ID`) as namespace and `distro=ID-VERSION_ID`; `pypi` names lower-cased with `_`
//! as `-`; `npm` scopes (`@types`) as the namespace; `maven` `group:artifact`; `golang` module
//! paths split at the last `/`; `cargo` crates.

use crate::core::image::OsRelease;

/// The purl parts, before encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purl {
    /// `apk`, `deb`, `pypi`, … (lower case).
    pub kind: String,
    /// Namespace segments, unencoded (`["@isaacs"]`, `["github.com", "google"]`).
    pub namespace: Vec<String>,
    pub name: String,
    pub version: Option<String>,
    /// `(key, value)` pairs; sorted and the empty ones dropped when written.
    pub qualifiers: Vec<(String, String)>,
}

impl Purl {
    /// A purl of `kind` with `name` and nothing else.
    pub fn new(kind: &str, name: &str) -> Purl {
        Purl { kind: kind.to_ascii_lowercase(), namespace: Vec::new(), name: name.to_owned(), version: None, qualifiers: Vec::new() }
    }
}

impl std::fmt::Display for Purl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "pkg:{}/", self.kind)?;
        for segment in self.namespace.iter().filter(|s| !s.is_empty()) {
            write!(f, "{}/", encode(segment))?;
        }
        f.write_str(&encode(&self.name))?;
        if let Some(v) = self.version.as_deref().filter(|v| !v.is_empty()) {
            write!(f, "@{}", encode(v))?;
        }
        let mut qualifiers: Vec<&(String, String)> = self.qualifiers.iter().filter(|(_, v)| !v.is_empty()).collect();
        qualifiers.sort();
        for (i, (k, v)) in qualifiers.into_iter().enumerate() {
            write!(f, "{}{}={}", if i == 0 { '?' } else { '&' }, k.to_ascii_lowercase(), encode_value(v))?;
        }
        Ok(())
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters (`A–Z a–z 0–9 - . _ ~`) and
/// `:`, the canonical form of the spec's reference implementation (packageurl-python):
/// `%40angular`, `%2Bdeb12u1`, `sha256:…`.
pub fn encode(s: &str) -> String {
    encode_keeping(s, b':')
}

/// A qualifier value: as [`encode`], and `/` kept too (`repository_url=docker.io/library/debian`).
fn encode_value(s: &str) -> String {
    encode_keeping(s, b'/')
}

fn encode_keeping(s: &str, keep: u8) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b':') || b == keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// What a package is, for its purl: its database or ecosystem as the report names it
/// ([`PackageSource::as_str`](crate::core::image::PackageSource::as_str)) and its facts.
#[derive(Debug, Clone, Copy)]
pub struct PackageFacts<'a> {
    pub source: &'a str,
    pub name: &'a str,
    pub version: &'a str,
    pub architecture: Option<&'a str>,
}

/// The purl of a package read from `facts.source`, in a system that says it is `os`; `None`
/// for an ecosystem without a purl type here.
///
/// ```
/// use tarsier::core::sbom::purl::{package_purl, PackageFacts};
/// let f = PackageFacts { source: "npm", name: "@isaacs/string-locale-compare", version: "1.1.0", architecture: None };
/// assert_eq!(package_purl(&f, None).unwrap().to_string(), "pkg:npm/%40isaacs/string-locale-compare@1.1.0");
/// ```
pub fn package_purl(facts: &PackageFacts<'_>, os: Option<&OsRelease>) -> Option<Purl> {
    let version = Some(facts.version.to_owned()).filter(|v| !v.is_empty());
    let arch = facts.architecture.unwrap_or_default().to_owned();
    let os_id = os.and_then(|o| o.id.as_deref()).filter(|id| !id.is_empty()).map(str::to_ascii_lowercase);
    let distro = os_id.as_ref().map(|id| match os.and_then(|o| o.version_id.as_deref()).filter(|v| !v.is_empty()) {
        Some(v) => format!("{id}-{v}"),
        None => id.clone(),
    });
    let mut p = match facts.source {
        "apk" => {
            let mut p = Purl::new("apk", &facts.name.to_ascii_lowercase());
            p.namespace = vec![os_id.clone().unwrap_or_else(|| "alpine".into())];
            p.qualifiers = vec![("arch".into(), arch), ("distro".into(), distro.unwrap_or_default())];
            p
        }
        "dpkg" | "deb" => {
            let mut p = Purl::new("deb", &facts.name.to_ascii_lowercase());
            p.namespace = vec![os_id.clone().unwrap_or_else(|| "debian".into())];
            p.qualifiers = vec![("arch".into(), arch), ("distro".into(), distro.unwrap_or_default())];
            p
        }
        "rpm" => return Some(rpm_purl(facts, os_id, distro)),
        "pypi" | "python" => Purl::new("pypi", &facts.name.to_ascii_lowercase().replace('_', "-")),
        "npm" => scoped(&Purl::new("npm", ""), &facts.name.to_ascii_lowercase()),
        "maven" | "java" => maven(facts.name),
        "golang" | "go" => scoped(&Purl::new("golang", ""), facts.name),
        "cargo" | "rust" => Purl::new("cargo", facts.name),
        _ => return None,
    };
    p.version = version;
    Some(p)
}

/// rpm: `EPOCH:VERSION-RELEASE` with the epoch as the `epoch` qualifier, the OS as namespace.
fn rpm_purl(facts: &PackageFacts<'_>, os_id: Option<String>, distro: Option<String>) -> Purl {
    let mut p = Purl::new("rpm", facts.name);
    p.namespace = os_id.into_iter().collect();
    let (epoch, version) = match facts.version.split_once(':') {
        Some((e, v)) if !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit()) => (e.to_owned(), v),
        _ => (String::new(), facts.version),
    };
    p.version = Some(version.to_owned()).filter(|v| !v.is_empty());
    p.qualifiers = vec![
        ("arch".into(), facts.architecture.unwrap_or_default().to_owned()),
        ("distro".into(), distro.unwrap_or_default()),
        ("epoch".into(), epoch),
    ];
    p
}

/// `a/b/c` as namespace `a/b` and name `c` (npm scopes, Go module paths).
fn scoped(base: &Purl, path: &str) -> Purl {
    let mut p = base.clone();
    match path.rsplit_once('/') {
        Some((ns, name)) => {
            p.namespace = ns.split('/').map(str::to_owned).collect();
            name.clone_into(&mut p.name);
        }
        None => path.clone_into(&mut p.name),
    }
    p
}

/// `group:artifact` (as Maven coordinates are written) as namespace `group`, name `artifact`.
fn maven(name: &str) -> Purl {
    match name.split_once(':') {
        Some((group, artifact)) => {
            let mut p = Purl::new("maven", artifact);
            p.namespace = vec![group.to_owned()];
            p
        }
        None => Purl::new("maven", name),
    }
}

/// The image itself: `pkg:oci/NAME@DIGEST?arch=…&repository_url=…&tag=…` (`PURL-TYPES.rst`,
/// type `oci`): the name is the repository's last segment, lower-cased.
pub fn oci_purl(tag: Option<&str>, digest: Option<&str>, arch: Option<&str>) -> Option<Purl> {
    let (repository, tag) = match tag {
        Some(t) => match t.rsplit_once(':').filter(|(repo, tag)| !tag.contains('/') && !repo.is_empty()) {
            Some((repo, tag)) => (Some(repo), Some(tag)),
            None => (Some(t), None),
        },
        None => (None, None),
    };
    let name = repository.map(|r| r.rsplit('/').next().unwrap_or(r).to_ascii_lowercase())?;
    let mut p = Purl::new("oci", &name);
    p.version = digest.map(str::to_owned);
    p.qualifiers = vec![
        ("arch".into(), arch.unwrap_or_default().to_owned()),
        ("repository_url".into(), repository.unwrap_or_default().to_owned()),
        ("tag".into(), tag.unwrap_or_default().to_owned()),
    ];
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn purl(source: &str, name: &str, version: &str, arch: Option<&str>, os: Option<&OsRelease>) -> String {
        let f = PackageFacts { source, name, version, architecture: arch };
        package_purl(&f, os).map(|p| p.to_string()).unwrap_or_default()
    }

    fn os(id: &str, version: &str) -> OsRelease {
        OsRelease { id: Some(id.into()), version_id: Some(version.into()), ..OsRelease::default() }
    }

    /// The examples of the purl spec's README and PURL-TYPES.rst (the oci one in the canonical
    /// form packageurl-python writes, `:` and `/` not encoded).
    #[test]
    fn the_specs_examples() {
        assert_eq!(purl("npm", "@angular/animation", "12.3.1", None, None), "pkg:npm/%40angular/animation@12.3.1");
        assert_eq!(purl("npm", "foobar", "12.3.1", None, None), "pkg:npm/foobar@12.3.1");
        assert_eq!(purl("pypi", "Django_package", "1.11.1", None, None), "pkg:pypi/django-package@1.11.1");
        assert_eq!(purl("maven", "org.apache.xmlgraphics:batik-anim", "1.9.1", None, None), "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1");
        assert_eq!(purl("golang", "github.com/gorilla/context", "234fd47e07d1004f0aed9c", None, None), "pkg:golang/github.com/gorilla/context@234fd47e07d1004f0aed9c");
        assert_eq!(purl("cargo", "rand", "0.7.2", None, None), "pkg:cargo/rand@0.7.2");
        assert_eq!(purl("dpkg", "curl", "7.50.3-1", Some("i386"), Some(&os("debian", "8"))), "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=debian-8");
        assert_eq!(purl("apk", "curl", "7.83.0-r0", Some("x86"), Some(&os("alpine", "3.16.0"))), "pkg:apk/alpine/curl@7.83.0-r0?arch=x86&distro=alpine-3.16.0");
        assert_eq!(purl("rpm", "curl", "7.50.3-1.fc25", Some("i386"), Some(&os("fedora", "25"))), "pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25");
        let oci = oci_purl(Some("docker.io/library/debian:latest"), Some("sha256:244fd47e07d10"), Some("amd64")).map(|p| p.to_string());
        assert_eq!(oci.as_deref(), Some("pkg:oci/debian@sha256:244fd47e07d10?arch=amd64&repository_url=docker.io/library/debian&tag=latest"));
    }

    #[test]
    fn versions_and_qualifiers_are_encoded_and_sorted() {
        // dpkg's `+` and an epoch's `:` as packageurl-python writes them; Ubuntu is its own namespace; no arch: no qualifier.
        assert_eq!(purl("dpkg", "base-files", "1:12.4+deb12u5", None, Some(&os("ubuntu", "22.04"))), "pkg:deb/ubuntu/base-files@1:12.4%2Bdeb12u5?distro=ubuntu-22.04");
        assert_eq!(purl("rpm", "tarsier-fixture-epoch", "2:0.9-1", Some("noarch"), None), "pkg:rpm/tarsier-fixture-epoch@0.9-1?arch=noarch&epoch=2");
        // Only digits before the `:` are an epoch: anything else stays in the version (as
        // packageurl-python writes `version='x:0.9-1'`).
        assert_eq!(purl("rpm", "weird", "x:0.9-1", Some("noarch"), None), "pkg:rpm/weird@x:0.9-1?arch=noarch");
        assert_eq!(purl("apk", "musl", "1.1.24-r2", Some("x86_64"), None), "pkg:apk/alpine/musl@1.1.24-r2?arch=x86_64");
        assert_eq!(purl("golang", "example.com/x", "(devel)", None, None), "pkg:golang/example.com/x@%28devel%29");
        assert_eq!(purl("unknown", "x", "1", None, None), "");
        assert_eq!(encode("a b/ü"), "a%20b%2F%C3%BC");
    }

    #[test]
    fn an_image_without_a_tag_has_no_oci_purl_and_a_port_is_not_a_tag() {
        assert_eq!(oci_purl(None, Some("sha256:1"), None), None);
        let p = oci_purl(Some("localhost:5000/a/b"), None, None).map(|p| p.to_string());
        assert_eq!(p.as_deref(), Some("pkg:oci/b?repository_url=localhost:5000/a/b"));
    }
}
