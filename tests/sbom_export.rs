//! `tarsier sbom` (issue 15): every export is checked by outside tools — the official CycloneDX
//! 1.6 schema (cyclonedx-python-lib's strict validator), spdx-tools' SPDX 2.3 validation, and
//! packageurl-python for the purls (`tests/sbom_validate.py`, in the venv that
//! `scripts/setup.sh --browser` makes at `target/venv-sbom`) — and what it lists is compared with
//! the fixtures' own truth: the layers and os-release of `scripts/fixtures/sbom_image.sh`'s
//! `truth.json`, dpkg-small's recorded `dpkg-query` output, and Alpine's installed database read
//! with Python's tarfile.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

mod common;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

use common::fixtures;

/// The SBOM fixture, made once per run by the helper every fixture test uses.
fn sbom_image() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| common::build_fixture("sbom_image"))
}

/// The validators' Python; a missing venv fails the test, naming what installs it.
fn python() -> PathBuf {
    let py = root().join("target/venv-sbom/bin/python");
    assert!(
        py.is_file(),
        "{} is missing: run scripts/setup.sh --browser, which installs the SBOM validators \
         (PyPI cyclonedx-python-lib[json-validation] and spdx-tools) into target/venv-sbom",
        py.display()
    );
    py
}

/// Runs `tests/sbom_validate.py ARGS` in the venv.
fn tool(args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut child = Command::new(python())
        .arg(root().join("tests/sbom_validate.py"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.unwrap_or_default().as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn tarsier(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tarsier")).args(args).output().unwrap()
}

/// `tarsier sbom ARCHIVE --format FORMAT EXTRA…`, validated by the outside tool of its format;
/// the document.
fn export(archive: &Path, format: &str, extra: &[&str]) -> Value {
    let mut args = vec!["sbom", archive.to_str().unwrap(), "--format", format];
    args.extend_from_slice(extra);
    let out = tarsier(&args);
    assert!(out.status.success(), "tarsier {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    let again = tarsier(&args);
    assert_eq!(out.stdout, again.stdout, "tarsier {args:?}: two runs, two documents");
    let name = format!("{}-{format}-{}.json", archive.file_name().unwrap().to_string_lossy(), extra.join("_"));
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&file, &out.stdout).unwrap();
    let check = tool(&[format, file.to_str().unwrap()], None);
    assert!(
        check.status.success(),
        "{} is not valid {format}:\n{}{}",
        file.display(),
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// packageurl-python's purls of `specs` ({type, namespace, name, version, qualifiers}).
fn purls(specs: &[Value]) -> Vec<String> {
    let out = tool(&["purls"], Some(&Value::Array(specs.to_vec()).to_string()));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn arr(v: &Value) -> &Vec<Value> {
    v.as_array().unwrap_or_else(|| panic!("not an array: {v}"))
}

fn prop<'a>(c: &'a Value, name: &str) -> Vec<&'a str> {
    c["properties"].as_array().map_or_else(Vec::new, |ps| ps.iter().filter(|p| p["name"] == name).map(|p| p["value"].as_str().unwrap()).collect())
}

fn of_type<'a>(bom: &'a Value, kind: &str) -> Vec<&'a Value> {
    arr(&bom["components"]).iter().filter(|c| c["type"] == kind).collect()
}

/// The packages of a CycloneDX BOM: purl → the layer (`tarsier:layer:added`) that added it.
fn cdx_packages(bom: &Value) -> BTreeMap<String, u64> {
    of_type(bom, "library").iter().map(|c| (c["purl"].as_str().unwrap().to_owned(), prop(c, "tarsier:layer:added")[0].parse().unwrap())).collect()
}

/// Every `dependsOn` names a component of the BOM, every package hangs under exactly one layer,
/// and every layer under the image: the image → layer → package relation is whole.
fn check_dependencies(bom: &Value) {
    let mut refs: BTreeSet<&str> = arr(&bom["components"]).iter().map(|c| c["bom-ref"].as_str().unwrap()).collect();
    refs.insert(bom["metadata"]["component"]["bom-ref"].as_str().unwrap());
    let mut parents: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for d in arr(&bom["dependencies"]) {
        let from = d["ref"].as_str().unwrap();
        assert!(refs.contains(from), "dependency of an unknown {from}");
        for to in arr(&d["dependsOn"]) {
            let to = to.as_str().unwrap();
            assert!(refs.contains(to), "{from} depends on an unknown {to}");
            parents.entry(to).or_default().push(from);
        }
    }
    let image = bom["metadata"]["component"]["bom-ref"].as_str().unwrap();
    for c in of_type(bom, "file") {
        assert_eq!(parents[c["bom-ref"].as_str().unwrap()], [image], "{c}");
    }
    for c in of_type(bom, "library") {
        let p = &parents[c["bom-ref"].as_str().unwrap()];
        assert_eq!(p.len(), 1, "{c}");
        let layer = of_type(bom, "file").into_iter().find(|l| l["bom-ref"] == p[0]).unwrap();
        let listed = prop(c, "tarsier:layer:changed").last().copied().unwrap_or(prop(c, "tarsier:layer:added")[0]);
        assert_eq!(prop(layer, "tarsier:layer:index"), [listed], "{c}: under the layer that wrote its version");
    }
}

fn truth(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).unwrap()).unwrap()
}

#[test]
fn sbom_image_layers_os_and_image_as_its_truth_says() {
    let dir = sbom_image();
    let t = truth(dir);
    let archive = dir.join("sbom.docker.tar");
    let bom = export(&archive, "cyclonedx", &[]);
    check_dependencies(&bom);
    let layers: Vec<(String, String, String)> = of_type(&bom, "file")
        .iter()
        .map(|c| (prop(c, "tarsier:layer:index")[0].to_owned(), format!("sha256:{}", c["hashes"][0]["content"].as_str().unwrap()), prop(c, "tarsier:layer:diff_id")[0].to_owned()))
        .collect();
    let want: Vec<(String, String, String)> = arr(&t["layers"])
        .iter()
        .map(|l| (l["index"].to_string(), l["digest"].as_str().unwrap().to_owned(), l["diff_id"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(layers, want);
    let os = of_type(&bom, "operating-system");
    let fields = &t["os_release"]["fields"];
    assert_eq!((&os[0]["name"], &os[0]["version"], &os[0]["description"]), (&fields["ID"], &fields["VERSION_ID"], &fields["PRETTY_NAME"]));
    let image = &bom["metadata"]["component"];
    assert_eq!((&image["type"], &image["name"]), (&json!("container"), &json!("localhost/fixture/sbom:1")));
    let oci = purls(&[json!({"type": "oci", "name": "sbom", "version": image["version"], "qualifiers": {"repository_url": "localhost/fixture/sbom", "tag": "1", "arch": "amd64"}})]);
    assert_eq!(image["purl"].as_str(), Some(oci[0].as_str()));

    let doc = export(&archive, "spdx", &[]);
    let by_purpose = |p: &str| arr(&doc["packages"]).iter().filter(|x| x["primaryPackagePurpose"] == p).count();
    assert_eq!((by_purpose("CONTAINER"), by_purpose("ARCHIVE"), by_purpose("OPERATING-SYSTEM")), (1, 9, 1));
    let checksums: Vec<String> =
        arr(&doc["packages"]).iter().filter(|x| x["primaryPackagePurpose"] == "ARCHIVE").map(|x| format!("sha256:{}", x["checksums"][0]["checksumValue"].as_str().unwrap())).collect();
    assert_eq!(checksums, want.iter().map(|w| w.1.clone()).collect::<Vec<_>>());
    let contains = arr(&doc["relationships"]).iter().filter(|r| r["spdxElementId"] == "SPDXRef-Image" && r["relationshipType"] == "CONTAINS").count();
    assert_eq!(contains, 10, "the OS and nine layers");
}

#[test]
fn a_layer_beyond_the_last_is_a_clear_error() {
    let archive = sbom_image().join("sbom.docker.tar");
    for (n, format) in [("9", "cyclonedx"), ("1000000", "spdx")] {
        let out = tarsier(&["sbom", archive.to_str().unwrap(), "--format", format, "--from-layer", n]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && out.stdout.is_empty(), "{err}");
        assert!(err.contains(&format!("there is no layer {n}: the image has 9 layers, 0 (the bottom) to 8")), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let out = tarsier(&["sbom", archive.to_str().unwrap(), "--format", "spdx", "--image", "3"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("there is no image 3"), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Each document names itself: CycloneDX's `serialNumber` and SPDX's `documentNamespace` are
/// `urn:uuid:` and a hash of the image and the request, so the two formats, and two scopes, of
/// one image are four documents, and the same request gives the same name again.
#[test]
fn each_format_and_scope_is_a_document_of_its_own() {
    let archive = sbom_image().join("sbom.docker.tar");
    let id = |format: &str, scope: &str| {
        let out = tarsier(&["sbom", archive.to_str().unwrap(), "--format", format, "--scope", scope]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        doc[if format == "spdx" { "documentNamespace" } else { "serialNumber" }].as_str().unwrap().to_owned()
    };
    let ids = [id("cyclonedx", "merged"), id("spdx", "merged"), id("cyclonedx", "all"), id("spdx", "all")];
    assert!(ids.iter().all(|i| i.starts_with("urn:uuid:") && i.len() == 45), "{ids:?}");
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), 4, "{ids:?}");
    assert_eq!(id("spdx", "merged"), ids[1]);
}

/// dpkg-small: `dpkg-query`'s package list (merged.tsv, with the architecture from
/// layer2.extended.tsv), the first layer's (layer1.tsv), and os-release as recorded.
fn dpkg_truth() -> (BTreeMap<String, (String, String)>, BTreeMap<String, String>) {
    let dir = fixtures().join("images/dpkg-small.tar.truth/packages");
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    let arch: BTreeMap<String, String> = read("layer2.extended.tsv").lines().map(|l| l.split('\t').collect::<Vec<_>>()).map(|c| (c[0].split(':').next().unwrap().to_owned(), c[2].to_owned())).collect(); // `libc6:amd64`
    let merged = read("merged.tsv").lines().map(|l| l.split('\t').collect::<Vec<_>>()).map(|c| (c[0].to_owned(), (c[1].to_owned(), arch[c[0]].clone()))).collect();
    let first = read("layer1.tsv").lines().map(|l| l.split('\t').collect::<Vec<_>>()).map(|c| (c[0].to_owned(), c[1].to_owned())).collect();
    (merged, first)
}

#[test]
fn dpkg_packages_purls_and_from_layer_as_dpkg_query_says() {
    let archive = fixtures().join("images/dpkg-small.tar");
    let (merged, first) = dpkg_truth();
    let os = std::fs::read_to_string(fixtures().join("images/dpkg-small.tar.truth/merged-os-release")).unwrap();
    let field = |k: &str| os.lines().find_map(|l| l.strip_prefix(&format!("{k}="))).unwrap().trim_matches('"').to_owned();
    let distro = format!("{}-{}", field("ID"), field("VERSION_ID"));
    let specs: Vec<Value> = merged
        .iter()
        .map(|(name, (version, arch))| json!({"type": "deb", "namespace": field("ID"), "name": name, "version": version, "qualifiers": {"arch": arch, "distro": distro}}))
        .collect();
    let want_purls = purls(&specs);
    let added: Vec<u64> = merged.keys().map(|n| u64::from(!first.contains_key(n))).collect();
    let want: BTreeMap<String, u64> = want_purls.iter().cloned().zip(added).collect();
    let bom = export(&archive, "cyclonedx", &[]);
    check_dependencies(&bom);
    assert_eq!(cdx_packages(&bom), want);

    // Only the second layer: what it added, and what it changed (another version than the first
    // layer's).
    let mine: BTreeSet<String> = merged
        .iter()
        .zip(&want_purls)
        .filter(|((name, (version, _)), _)| first.get(*name) != Some(version))
        .map(|(_, purl)| purl.clone())
        .collect();
    assert!(!mine.is_empty() && mine.len() < merged.len(), "the fixture has packages of both layers");
    let top = export(&archive, "cyclonedx", &["--from-layer", "1"]);
    check_dependencies(&top);
    assert_eq!(cdx_packages(&top).into_keys().collect::<BTreeSet<_>>(), mine);
    assert_eq!(of_type(&top, "file").len(), 1);

    let doc = export(&archive, "spdx", &["--from-layer", "1"]);
    let spdx_purls: BTreeSet<String> = arr(&doc["packages"])
        .iter()
        .filter(|p| p["primaryPackagePurpose"] == "LIBRARY")
        .map(|p| p["externalRefs"][0]["referenceLocator"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(spdx_purls, mine);
    let layer_contains = arr(&doc["relationships"]).iter().filter(|r| r["spdxElementId"] == "SPDXRef-Layer-1" && r["relationshipType"] == "CONTAINS").count();
    assert_eq!(layer_contains, mine.len());
}

#[test]
fn apk_packages_and_purls_as_the_installed_database_says() {
    let archive = fixtures().join("public/aquasecurity__trivy/pkg/fanal/test/testdata/alpine-311.tar.gz");
    let read = tool(&["apk", archive.to_str().unwrap()], None);
    assert!(read.status.success(), "{}", String::from_utf8_lossy(&read.stderr));
    let db: Value = serde_json::from_slice(&read.stdout).unwrap();
    let os = &db["os_release"];
    let distro = format!("{}-{}", os["ID"].as_str().unwrap(), os["VERSION_ID"].as_str().unwrap());
    let specs: Vec<Value> = arr(&db["packages"])
        .iter()
        .map(|p| json!({"type": "apk", "namespace": os["ID"], "name": p["name"], "version": p["version"], "qualifiers": {"arch": p["arch"], "distro": distro}}))
        .collect();
    assert!(specs.len() >= 10);
    let want: BTreeMap<String, u64> = purls(&specs).into_iter().map(|p| (p, 0)).collect();
    for scope in ["merged", "all"] {
        let bom = export(&archive, "cyclonedx", &["--scope", scope]);
        check_dependencies(&bom);
        assert_eq!(cdx_packages(&bom), want, "--scope {scope}");
    }
    // Each licence as `L:` states it: an SPDX id (`GPL-2.0-only`) or, when it is none, its text
    // as a licence name (`GPL2`), and in SPDX a `LicenseRef-` whose extracted text is `L:`.
    let bom = export(&archive, "cyclonedx", &[]);
    let licences: BTreeMap<&str, &str> = of_type(&bom, "library")
        .into_iter()
        .map(|c| {
            let l = &c["licenses"][0];
            (c["name"].as_str().unwrap(), l["license"]["id"].as_str().or(l["license"]["name"].as_str()).or(l["expression"].as_str()).unwrap())
        })
        .collect();
    let stated: BTreeMap<&str, &str> = arr(&db["packages"]).iter().map(|p| (p["name"].as_str().unwrap(), p["licence"].as_str().unwrap())).collect();
    assert_eq!(licences, stated);
    assert!(of_type(&bom, "library").iter().any(|c| c["licenses"][0]["license"]["name"].is_string()), "some `L:` is no SPDX id");
    let doc = export(&archive, "spdx", &[]);
    let extracted: BTreeSet<&str> = arr(&doc["hasExtractedLicensingInfos"]).iter().map(|e| e["extractedText"].as_str().unwrap()).collect();
    let named: BTreeSet<&str> = of_type(&bom, "library").iter().filter_map(|c| c["licenses"][0]["license"]["name"].as_str()).collect();
    assert_eq!(extracted, named);
    let names: BTreeSet<&str> = arr(&doc["packages"]).iter().filter(|p| p["primaryPackagePurpose"] == "LIBRARY").map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, arr(&db["packages"]).iter().map(|p| p["name"].as_str().unwrap()).collect());
    assert_eq!(doc["creationInfo"]["created"], "2020-03-23T21:19:34Z", "the image's creation time, to the second");
}

/// The ecosystems whose packages Tarsier reads so far, of those the SBOM fixture holds.
const READ_ECOSYSTEMS: [&str; 3] = ["pypi", "npm", "maven"];

/// What the truth says of one package, as the export should carry it: purl (packageurl-python's),
/// added, changed and removed layers, licence, evidence.
type Facts = (String, u64, Vec<u64>, Option<u64>, Option<String>, String);

/// The truth's packages of [`READ_ECOSYSTEMS`], with purls made by packageurl-python.
fn truth_facts(t: &Value) -> Vec<(Facts, &Value)> {
    let packages: Vec<&Value> = arr(&t["packages"]).iter().filter(|p| READ_ECOSYSTEMS.contains(&p["ecosystem"].as_str().unwrap())).collect();
    let specs: Vec<Value> = packages
        .iter()
        .map(|p| {
            let name = p["name"].as_str().unwrap();
            // npm's `@scope/name`, Maven's `groupId:artifactId`.
            let separator = if p["ecosystem"] == "maven" { ':' } else { '/' };
            let (namespace, name) = name.rsplit_once(separator).map_or((None, name), |(ns, n)| (Some(ns), n));
            json!({"type": p["ecosystem"], "namespace": namespace, "name": name, "version": p["version"]})
        })
        .collect();
    purls(&specs)
        .into_iter()
        .zip(packages)
        .map(|(purl, p)| {
            let changed = arr(&p["changed_in"]).iter().map(|c| c["layer"].as_u64().unwrap()).collect();
            let facts = (purl, p["added_in"].as_u64().unwrap(), changed, p["removed_in"].as_u64(), p["licence"].as_str().map(str::to_owned), format!("/{}", p["evidence"].as_str().unwrap()));
            (facts, p)
        })
        .collect()
}

/// The same facts as the CycloneDX export carries them.
fn export_facts(bom: &Value) -> BTreeSet<Facts> {
    of_type(bom, "library")
        .into_iter()
        .filter(|c| READ_ECOSYSTEMS.contains(&prop(c, "tarsier:package:source")[0]))
        .map(|c| {
            let num = |name: &str| prop(c, name).into_iter().map(|v| v.parse::<u64>().unwrap()).collect::<Vec<_>>();
            let licence = c["licenses"].as_array().map(|l| {
                let l = &l[0];
                l["expression"].as_str().or(l["license"]["id"].as_str()).or(l["license"]["name"].as_str()).unwrap().to_owned()
            });
            let evidence = c["evidence"]["occurrences"][0]["location"].as_str().unwrap().to_owned();
            (c["purl"].as_str().unwrap().to_owned(), num("tarsier:layer:added")[0], num("tarsier:layer:changed"), num("tarsier:layer:removed").first().copied(), licence, evidence)
        })
        .collect()
}

#[test]
fn sbom_image_python_npm_and_maven_packages_scopes_and_from_layer_as_its_truth_says() {
    let dir = sbom_image();
    let t = truth(dir);
    let archive = dir.join("sbom.docker.tar");
    let facts = truth_facts(&t);
    assert!(facts.iter().any(|(f, _)| f.3.is_some()) && facts.iter().any(|(f, _)| !f.2.is_empty()), "the fixture removes and changes packages");
    // The selection rule: a layer from N up added it or changed it (wrote the version listed).
    let want = |all: bool, from: u64| -> BTreeSet<Facts> {
        facts
            .iter()
            .map(|(f, _)| f)
            .filter(|f| all || f.3.is_none())
            .filter(|f| f.1 >= from || f.2.iter().any(|&l| l >= from))
            .cloned()
            .collect()
    };
    for (scope, all) in [("merged", false), ("all", true)] {
        for from in [0u64, 3, 7, 8] {
            let n = from.to_string();
            let extra: Vec<&str> = if from == 0 { vec!["--scope", scope] } else { vec!["--scope", scope, "--from-layer", &n] };
            let bom = export(&archive, "cyclonedx", &extra);
            check_dependencies(&bom);
            assert_eq!(export_facts(&bom), want(all, from), "--scope {scope} --from-layer {from}");
            let doc = export(&archive, "spdx", &extra);
            let spdx_purls: BTreeSet<String> = arr(&doc["packages"])
                .iter()
                .filter_map(|p| p["externalRefs"][0]["referenceLocator"].as_str().filter(|l| READ_ECOSYSTEMS.iter().any(|e| l.starts_with(&format!("pkg:{e}/")))).map(str::to_owned))
                .collect();
            assert_eq!(spdx_purls, want(all, from).into_iter().map(|f| f.0).collect(), "spdx --scope {scope} --from-layer {from}");
        }
    }
    assert!(want(false, 3).len() < want(true, 3).len(), "--from-layer 3 tells the scopes apart");
    assert!(want(false, 0).iter().any(|f| f.0.starts_with("pkg:maven/")), "the jar's coordinates");
    assert!(!want(false, 8).is_empty() && want(false, 8).len() < want(false, 3).len(), "--from-layer 8 keeps the upgraded six only");
}

/// The Go modules of the SBOM fixture's executables as `go version -m` lists them (`dep` lines,
/// a `=>` replacement being the module built in) and the crates of its `cargo auditable` binary as
/// the `.dep-v0` JSON lists them: each a component of the CycloneDX export and a package of the
/// SPDX export, with packageurl-python's purl and the executable as its evidence.
#[test]
fn sbom_image_go_modules_and_cargo_crates_as_go_version_m_and_dep_v0_say() {
    let dir = sbom_image();
    let raw = dir.join("raw/state8");
    let mut specs: Vec<Value> = Vec::new();
    let mut files: Vec<String> = Vec::new();
    let mut file = String::new();
    let mut last_dep: Option<usize> = None;
    for line in std::fs::read_to_string(raw.join("go-version-m.txt")).unwrap().lines() {
        let Some(fields) = line.strip_prefix('\t') else {
            file = line.split_once(':').unwrap().0.to_owned();
            continue;
        };
        let f: Vec<&str> = fields.split('\t').collect();
        let (path, version) = match f[0] {
            "dep" => (f[1], f[2]),
            "=>" => (f[1], f[2]),
            _ => continue,
        };
        let (namespace, name) = path.rsplit_once('/').unwrap();
        let spec = serde_json::json!({ "type": "golang", "namespace": namespace, "name": name, "version": version });
        match (f[0], last_dep) {
            ("=>", Some(i)) => specs[i] = spec,
            _ => {
                last_dep = Some(specs.len());
                specs.push(spec);
                files.push(format!("/{file}"));
            }
        }
    }
    assert!(specs.len() >= 2, "go version -m lists no dependency: {}", raw.display());
    for entry in std::fs::read_dir(&raw).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(stem) = name.strip_prefix("dep-v0.").and_then(|n| n.strip_suffix(".json")) else { continue };
        let dep: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        for c in arr(&dep["packages"]) {
            specs.push(serde_json::json!({ "type": "cargo", "name": c["name"], "version": c["version"] }));
            files.push(format!("/{}", stem.replace('_', "/")));
        }
    }
    let want: BTreeSet<(String, String)> = purls(&specs).into_iter().zip(files).collect();
    let bom = export(&dir.join("sbom.docker.tar"), "cyclonedx", &[]);
    let cdx: BTreeSet<(String, String)> = of_type(&bom, "library")
        .into_iter()
        .filter_map(|c| Some((c["purl"].as_str()?.to_owned(), c["evidence"]["occurrences"][0]["location"].as_str()?.to_owned())))
        .collect();
    let missing: Vec<_> = want.difference(&cdx).collect();
    assert!(missing.is_empty(), "not in the CycloneDX export: {missing:?}");
    let doc = export(&dir.join("sbom.docker.tar"), "spdx", &[]);
    let spdx: BTreeSet<String> = arr(&doc["packages"])
        .iter()
        .flat_map(|p| p["externalRefs"].as_array().into_iter().flatten())
        .filter_map(|r| r["referenceLocator"].as_str().map(str::to_owned))
        .collect();
    let missing: Vec<_> = want.iter().filter(|(p, _)| !spdx.contains(p)).collect();
    assert!(missing.is_empty(), "not in the SPDX export: {missing:?}");
}

/// The truth lists rpm packages, which Tarsier does not read: the export has none and says it
/// is incomplete, naming the rpm database.
#[test]
fn sbom_image_export_says_what_it_lacks() {
    let dir = sbom_image();
    let t = truth(dir);
    let archive = dir.join("sbom.docker.tar");
    let bom = export(&archive, "cyclonedx", &[]);
    let listed: BTreeSet<String> = of_type(&bom, "library").iter().map(|c| c["purl"].as_str().unwrap().split('/').next().unwrap().to_owned()).collect();
    let rpm = arr(&t["packages"]).iter().find(|p| p["ecosystem"] == "rpm").unwrap();
    assert!(!listed.contains("pkg:rpm"), "rpm packages listed: update this test");
    let notes = prop(&bom["metadata"], "tarsier:sbom:incomplete");
    let db = rpm["evidence"].as_str().unwrap();
    assert!(notes.iter().any(|n| n.contains(db)), "no pkg:rpm, and no note naming {db}: {notes:?}");
    let doc = export(&archive, "spdx", &[]);
    assert!(doc["creationInfo"]["comment"].as_str().unwrap().contains(db), "{}", doc["creationInfo"]);
}
