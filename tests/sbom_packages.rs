//! The packages of issue 15's SBOM fixture (`scripts/fixtures/sbom_image.sh`) as Tarsier reads
//! them, against what real tools read in the same layers (its `truth.json`: Python's
//! `importlib.metadata`, `json.load` of every `package.json`, `unzip -p` of every jar's
//! `pom.properties`, `rpm -qa`), and apk licences
//! against the apk database as Python's `tarfile` extracts it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;
use tarsier::core::image::{analyze, Analysis, Flow, Options, Package, PackageSource};

mod common;

fn open_analysis(p: &Path) -> Analysis {
    let f = File::open(p).unwrap();
    let len = f.metadata().unwrap().len();
    analyze(f, len, &Options::named(p.display().to_string()), &mut |_| Flow::Continue)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A package's facts as the truth states them: ecosystem, name, version, licence, evidence,
/// location, added, changed (layers), removed.
type Facts = (String, String, String, Option<String>, String, Option<String>, u64, Vec<u64>, Option<u64>);

fn from_truth(p: &Value) -> Facts {
    let s = |k: &str| p[k].as_str().map(str::to_owned);
    (
        s("ecosystem").unwrap(),
        s("name").unwrap(),
        s("version").unwrap(),
        s("licence"),
        s("evidence").unwrap(),
        // Java: the archive is where it sits.
        s("location").or_else(|| (p["ecosystem"] == "maven").then(|| s("evidence")).flatten()),
        p["added_in"].as_u64().unwrap(),
        p["changed_in"].as_array().unwrap().iter().map(|c| c["layer"].as_u64().unwrap()).collect(),
        p["removed_in"].as_u64(),
    )
}

fn from_report(p: &Package) -> Facts {
    (
        p.source.as_str().to_owned(),
        p.name.clone(),
        p.version.clone(),
        p.licence.clone(),
        p.evidence.clone().unwrap_or_default(),
        p.location.clone(),
        p.installed_in as u64,
        p.changed_in.iter().map(|&c| c as u64).collect(),
        p.removed_in.map(|r| r as u64),
    )
}

/// The ecosystems Tarsier reads (truth.json's names).
const READ: [&str; 3] = ["pypi", "npm", "maven"];

#[test]
fn python_npm_and_java_packages_match_what_real_readers_see() {
    let out = common::build_fixture("sbom_image");
    let truth: Value = serde_json::from_str(&std::fs::read_to_string(out.join("truth.json")).unwrap()).unwrap();
    let a = open_analysis(&out.join("sbom.docker.tar"));
    let img = &a.report.images[0];
    let key = |f: &Facts| (f.0.clone(), f.1.clone(), f.5.clone());
    let want: BTreeMap<_, Facts> = truth["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| READ.contains(&p["ecosystem"].as_str().unwrap_or_default()))
        .map(from_truth)
        .map(|f| (key(&f), f))
        .collect();
    let got: BTreeMap<_, Facts> = img
        .packages
        .iter()
        .chain(&img.removed_packages)
        .filter(|p| matches!(p.source, PackageSource::Python | PackageSource::Npm | PackageSource::Maven))
        .map(from_report)
        .map(|f| (key(&f), f))
        .collect();
    assert_eq!(want.len(), 10, "the fixture's Python, npm and Java packages");
    for (k, w) in &want {
        assert_eq!(got.get(k), Some(w), "{k:?}");
    }
    assert_eq!(got.len(), want.len(), "packages the truth does not list: {got:#?}");
    // Present and removed are apart: the removed ones are exactly those with `removed_in`.
    for p in &img.packages {
        assert_eq!(p.removed_in, None, "{p:?}");
    }
    let removed: Vec<(&str, usize)> = img
        .removed_packages
        .iter()
        .map(|p| (p.name.as_str(), p.removed_in.unwrap()))
        .collect();
    assert_eq!(removed, [("idna", 7), ("inherits", 7)]);
    let counts = &truth["present_counts"];
    for source in [PackageSource::Python, PackageSource::Npm, PackageSource::Maven] {
        let n = img.packages.iter().filter(|p| p.source == source).count() as u64;
        assert_eq!(Some(n), counts[source.as_str()].as_u64(), "{source:?}");
    }
}

#[test]
fn an_rpm_database_is_named_as_not_read() {
    let out = common::build_fixture("sbom_image");
    let truth: Value = serde_json::from_str(&std::fs::read_to_string(out.join("truth.json")).unwrap()).unwrap();
    let rpm_db = truth["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["ecosystem"] == "rpm")
        .and_then(|p| p["evidence"].as_str())
        .unwrap()
        .to_owned();
    let a = open_analysis(&out.join("sbom.docker.tar"));
    let w: Vec<_> = a.report.warnings.iter().filter(|w| w.code == "rpm_db_not_read").collect();
    assert_eq!(w.len(), 1, "{:?}", a.report.warnings);
    assert!(w[0].message.contains(&rpm_db), "{}", w[0].message);
    // No other image of the fixtures has one.
    let b = open_analysis(&common::fixtures().join("images/dpkg-small.tar"));
    assert!(b.report.warnings.iter().all(|w| w.code != "rpm_db_not_read"));
}

/// `P:` → `L:` of the apk database in an image archive, as Python's `tarfile` extracts it.
fn apk_licences_by_python(archive: &Path) -> BTreeMap<String, String> {
    let script = r#"
import sys, tarfile, io
outer = tarfile.open(sys.argv[1])
for m in outer.getmembers():
    if not m.isfile() or not (m.name.endswith('.tar') or m.name.endswith('.tar.gz') or '/blobs/' in m.name or m.name.endswith('layer.tar')):
        continue
    try:
        layer = tarfile.open(fileobj=io.BytesIO(outer.extractfile(m).read()))
        body = layer.extractfile('lib/apk/db/installed').read().decode()
    except Exception:
        continue
    for stanza in body.split('\n\n'):
        f = dict(l.split(':', 1) for l in stanza.splitlines() if ':' in l)
        if 'P' in f and 'L' in f:
            print(f['P'] + '\t' + f['L'])
"#;
    let run = std::process::Command::new("python3").arg("-c").arg(script).arg(archive).output().expect("python3");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    String::from_utf8(run.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(p, l)| (p.to_owned(), l.to_owned()))
        .collect()
}

#[test]
fn apk_licences_are_the_database_s() {
    let archive = common::fixtures().join("public/aquasecurity__trivy/pkg/fanal/test/testdata/alpine-311.tar.gz");
    let want = apk_licences_by_python(&archive);
    assert!(want.len() >= 10, "{want:?}");
    let a = open_analysis(&archive);
    let got: BTreeMap<String, String> = a.report.images[0]
        .packages
        .iter()
        .map(|p| (p.name.clone(), p.licence.clone().unwrap_or_default()))
        .collect();
    assert_eq!(got, want);
    let p = &a.report.images[0].packages[0];
    assert_eq!(p.evidence.as_deref(), Some("lib/apk/db/installed"));
}

fn tarsier(args: &[&std::ffi::OsStr]) -> String {
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_tarsier")).args(args).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    String::from_utf8(run.stdout).unwrap()
}

#[test]
fn tarsier_packages_lists_what_real_readers_see() {
    let out = common::build_fixture("sbom_image");
    let truth: Value = serde_json::from_str(&std::fs::read_to_string(out.join("truth.json")).unwrap()).unwrap();
    let archive = out.join("sbom.docker.tar");
    let want: Vec<&Value> = truth["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| READ.iter().chain(&["golang", "cargo"]).any(|e| p["ecosystem"] == *e))
        .collect();
    // --json: every Python, npm, Go and Rust package with the truth's facts (a Go binary built
    // without modules has no version: the truth's null, Tarsier's "").
    let json: Value = serde_json::from_str(&tarsier(&["packages".as_ref(), archive.as_os_str(), "--json".as_ref()])).unwrap();
    let listed = json.as_array().unwrap();
    assert_eq!(listed.len(), want.len());
    for w in &want {
        let hit = listed
            .iter()
            .find(|p| p["source"] == w["ecosystem"] && p["name"] == w["name"] && p["evidence"] == w["evidence"])
            .unwrap_or_else(|| panic!("{w} not listed"));
        let version = if w["version"].is_null() { &Value::from("") } else { &w["version"] };
        assert_eq!((&hit["version"], &hit["licence"], &hit["evidence"]), (version, &w["licence"], &w["evidence"]), "{w}");
        assert_eq!((&hit["installed_in"], &hit["removed_in"]), (&w["added_in"], &w["removed_in"]), "{w}");
        assert_eq!(hit["image"], 0);
    }
    // The table: one row per package, its cells as the truth says, and the rpm database named.
    let table = tarsier(&["packages".as_ref(), archive.as_os_str()]);
    for w in &want {
        let s = |k: &str| w[k].as_str().map_or_else(|| "-".to_owned(), str::to_owned);
        let n = |k: &str| w[k].as_u64().map_or_else(|| "-".to_owned(), |v| v.to_string());
        let changed: Vec<String> = w["changed_in"].as_array().unwrap().iter().map(|c| c["layer"].to_string()).collect();
        let changed = if changed.is_empty() { "-".to_owned() } else { changed.join(",") };
        let cells = [s("ecosystem"), s("name"), s("version"), s("licence"), n("added_in"), changed, n("removed_in")];
        let rows = table.lines().filter(|l| l.split_whitespace().eq(cells.iter().map(String::as_str))).count();
        let same = want.iter().filter(|o| o["name"] == w["name"] && o["version"] == w["version"]).count();
        assert_eq!(rows, same, "{cells:?} in\n{table}");
    }
    assert!(table.starts_with(&format!("image 0: {} present, 2 removed\n", want.len() - 2)), "{table}");
    assert!(table.lines().any(|l| l.split_whitespace().eq(["golang", "github.com/opencontainers/umoci/cmd/umoci", "-", "-", "1", "-", "-"])), "{table}");
    assert!(table.contains("warning: This image has an rpm database (var/lib/rpm/rpmdb.sqlite)"), "{table}");
}

/// `go version -m` output: per binary, its Go version and its lines (`path`, `mod`, `dep`, `=>`,
/// `build`) split at tabs.
fn go_version_m(text: &str) -> BTreeMap<String, (String, Vec<Vec<String>>)> {
    let mut out: BTreeMap<String, (String, Vec<Vec<String>>)> = BTreeMap::new();
    let mut cur = None;
    for line in text.lines() {
        if let Some(fields) = line.strip_prefix('\t') {
            let bin: &String = cur.as_ref().unwrap();
            out.get_mut(bin).unwrap().1.push(fields.split('\t').map(str::to_owned).collect());
        } else if let Some((bin, version)) = line.split_once(": ") {
            cur = Some(bin.to_owned());
            out.insert(bin.to_owned(), (version.to_owned(), Vec::new()));
        }
    }
    out
}

/// A Go build as `go version -m` lines.
fn as_lines(b: &tarsier::core::image::GoBuild) -> Vec<Vec<String>> {
    let module = |kind: &str, m: &tarsier::core::image::GoModule| {
        let mut l = vec![kind.to_owned(), m.path.clone(), m.version.clone(), m.sum.clone().unwrap_or_default()];
        if kind == "dep" && m.sum.is_none() {
            l.pop();
        }
        l
    };
    let mut out = Vec::new();
    if let Some(p) = &b.path {
        out.push(vec!["path".to_owned(), p.clone()]);
    }
    for (kind, m) in b.main.iter().map(|m| ("mod", m)).chain(b.deps.iter().map(|m| ("dep", m))) {
        out.push(module(kind, m));
        if let Some(r) = &m.replace {
            out.push(module("=>", r));
        }
    }
    for (k, v) in &b.settings {
        out.push(vec!["build".to_owned(), format!("{k}={v}")]);
    }
    out
}

#[test]
fn go_and_rust_binaries_match_go_version_m_and_cargo_auditable() {
    let out = common::build_fixture("sbom_image");
    let truth: Value = serde_json::from_str(&std::fs::read_to_string(out.join("truth.json")).unwrap()).unwrap();
    let a = open_analysis(&out.join("sbom.docker.tar"));
    let img = &a.report.images[0];
    let last = img.layers.len() - 1;
    let raw = out.join(format!("raw/state{last}"));
    // Go: the oracle is `go version -m` on the final tree's binaries.
    let want = go_version_m(&std::fs::read_to_string(raw.join("go-version-m.txt")).unwrap());
    assert_eq!(want.len(), 2, "the fixture's Go binaries: {want:?}");
    let go: Vec<&Package> = img.packages.iter().filter(|p| p.source == PackageSource::Go).collect();
    assert_eq!(go.len(), want.len());
    for p in go {
        let bin = p.evidence.clone().unwrap();
        let (version, lines) = &want[&bin];
        let b = p.go.as_deref().unwrap();
        assert_eq!(&b.go_version, version, "{bin}");
        assert_eq!(&as_lines(b), lines, "{bin}");
        assert_eq!(p.location.as_deref(), Some(bin.as_str()));
    }
    // Rust: the oracle is the `.dep-v0` JSON `rust-audit-info` (or objcopy + zlib) printed.
    let mut crates = 0;
    for f in std::fs::read_dir(&raw).unwrap() {
        let f = f.unwrap().path();
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("dep-v0.") {
            continue;
        }
        let dep: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let listed = dep["packages"].as_array().unwrap();
        for c in listed {
            let p = img
                .packages
                .iter()
                .find(|p| p.source == PackageSource::Cargo && p.name == c["name"].as_str().unwrap())
                .unwrap_or_else(|| panic!("{c} not listed"));
            let facts = p.cargo.as_deref().unwrap();
            assert_eq!(p.version, c["version"].as_str().unwrap());
            assert_eq!(facts.source, c["source"].as_str().unwrap());
            assert_eq!(facts.root, c["root"].as_bool().unwrap_or(false));
            assert_eq!(facts.kind, c["kind"].as_str().unwrap_or("runtime"));
            let deps: Vec<&str> = c["dependencies"].as_array().map(Vec::as_slice).unwrap_or_default().iter().map(|i| listed[i.as_u64().unwrap() as usize]["name"].as_str().unwrap()).collect();
            assert_eq!(facts.dependencies, deps);
            assert_eq!(name, format!("dep-v0.{}.json", p.evidence.as_deref().unwrap().replace('/', "_")));
            crates += 1;
        }
    }
    assert_eq!(crates, 3);
    // Layers and evidence as the truth states them, for every Go and Rust package.
    let key = |f: &Facts| (f.0.clone(), f.1.clone(), f.4.clone());
    let want: BTreeMap<_, Facts> = truth["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["ecosystem"] == "golang" || p["ecosystem"] == "cargo")
        .map(|p| {
            let mut p = p.clone();
            if p["version"].is_null() {
                p["version"] = Value::from("");
            }
            p["location"] = p["evidence"].clone();
            from_truth(&p)
        })
        .map(|f| (key(&f), f))
        .collect();
    let got: BTreeMap<_, Facts> = img
        .packages
        .iter()
        .chain(&img.removed_packages)
        .filter(|p| matches!(p.source, PackageSource::Go | PackageSource::Cargo))
        .map(from_report)
        .map(|f| (key(&f), f))
        .collect();
    assert_eq!(got, want);
    assert!(a.report.warnings.iter().all(|w| w.code != "binary_not_read"), "{:?}", a.report.warnings);
}

/// Analyses a docker-archive made in memory.
fn analyse_bytes(bytes: Vec<u8>) -> Analysis {
    let len = bytes.len() as u64;
    analyze(std::io::Cursor::new(bytes), len, &Options::named("made.tar"), &mut |_| Flow::Continue).unwrap()
}

/// Analyses an image of one layer holding `files`.
fn analyse_layer(files: &[(&[u8], &[u8])]) -> Analysis {
    analyse_bytes(common::image_with(&[common::simple_layer(files)], &["l0.tar"]))
}

/// Each package of the first image: name, version, licence.
fn name_version_licence(a: &Analysis) -> Vec<(&str, &str, Option<&str>)> {
    a.report.images[0].packages.iter().map(|p| (p.name.as_str(), p.version.as_str(), p.licence.as_deref())).collect()
}

/// The messages of the warnings with this code.
fn messages<'a>(a: &'a Analysis, code: &str) -> Vec<&'a str> {
    a.report.warnings.iter().filter(|w| w.code == code).map(|w| w.message.as_str()).collect()
}

#[test]
fn hostile_metadata_is_read_as_far_as_it_goes_and_never_panics() {
    let big = format!(r#"{{"name":"big","version":"1.0.0","description":"{}"}}"#, "x".repeat(300 * 1024));
    let mut not_utf8 = b"Metadata-Version: 2.1\nName: caf\xe9\nLicense: MIT\n\n".to_vec();
    not_utf8.extend(std::iter::repeat_n(0xffu8, 200 * 1024));
    let l0 = common::simple_layer(&[
        (b"app/node_modules/big/package.json", big.as_bytes()),
        (b"app/node_modules/broken/package.json", b"{\"name\": \"broken\", "),
        (b"app/node_modules/ok/package.json", br#"{"name":"ok","version":"2.0.0","license":{"type":"BSD-3-Clause"}}"#),
        (b"usr/lib/python3/site-packages/cafe-1.dist-info/METADATA", &not_utf8),
        (b"usr/share/java/garbage.jar", b"PK\x05\x06 this is not a zip archive"),
    ]);
    let l1 = common::simple_layer(&[(b"app/.wh.node_modules", b"")]);
    let a = analyse_bytes(common::image_with(&[l0, l1], &["l0.tar", "l1.tar"]));
    let img = &a.report.images[0];
    // The Python package: its name lossily, no Version, the licence, the huge description cut.
    let py: Vec<(&str, &str, Option<&str>)> =
        img.packages.iter().map(|p| (p.name.as_str(), p.version.as_str(), p.licence.as_deref())).collect();
    assert_eq!(py, [("caf\u{fffd}", "", Some("MIT"))]);
    // npm: `ok` read, `broken` not a package, `big` past the 256 KiB cap named in one warning;
    // all of them gone with the directory a later layer whited out.
    let removed: Vec<(&str, &str, Option<&str>, Option<usize>)> = img
        .removed_packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str(), p.licence.as_deref(), p.removed_in))
        .collect();
    assert_eq!(removed, [("ok", "2.0.0", Some("BSD-3-Clause"), Some(1))]);
    let w = messages(&a, "package_metadata_unread");
    assert_eq!(w.len(), 1, "{:?}", a.report.warnings);
    assert!(w[0].starts_with("1 package metadata file in layer position 0") && w[0].contains("starting with app/node_modules/big/package.json:"), "{}", w[0]);
}

#[test]
fn dpkg_licences_come_from_machine_readable_copyright_files() {
    let status = "Package: zlib1g\nStatus: install ok installed\nVersion: 1:1.2.13.dfsg-1\nArchitecture: amd64\n\nPackage: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b2\n";
    // zlib1g's file as Debian ships it (head), and a copyright file in the old free-form style.
    let zlib = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: zlib\nSource: http://zlib.net/\n\nFiles: *\nCopyright: 1995-2022 Jean-loup Gailly and Mark Adler\nLicense: Zlib\n\nFiles: debian/*\nCopyright: Mark Brown\nLicense: Zlib\n";
    let bash = "This is Debian GNU/Linux's prepackaged version of the FSF's GNU Bash.\n\nCopyright (C) 1987-2022 Free Software Foundation, Inc.\n";
    let a = analyse_layer(&[
        (b"var/lib/dpkg/status", status.as_bytes()),
        (b"usr/share/doc/zlib1g/copyright", zlib.as_bytes()),
        (b"usr/share/doc/bash/copyright", bash.as_bytes()),
    ]);
    let got: Vec<(&str, Option<&str>, Option<&str>)> = a.report.images[0]
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.licence.as_deref(), p.evidence.as_deref()))
        .collect();
    assert_eq!(got, [("bash", None, Some("var/lib/dpkg/status")), ("zlib1g", Some("Zlib"), Some("var/lib/dpkg/status"))]);
}

/// A dpkg status file of 3 MiB, the size a full Debian system's reaches (a package's stanza
/// keeps its whole description): read whole, every package with its version and architecture as
/// `dpkg-query --admindir` reads the same file.
#[test]
fn a_full_size_dpkg_status_is_read_as_dpkg_query_reads_it() {
    let mut status = String::new();
    let mut n = 0;
    while status.len() < 3 << 20 {
        let arch = ["amd64", "all", "arm64"][n % 3];
        status += &format!("Package: pkg{n:05}\nStatus: install ok installed\nPriority: optional\nArchitecture: {arch}\nVersion: 1:{n}.{}-{}+deb12u1\nDescription: package {n}\n", n % 7, n % 3);
        status += &" a line of the long description that Debian keeps for every installed package\n".repeat(12);
        status += "\n";
        n += 1;
    }
    let dir = std::env::temp_dir().join(format!("tarsier-dpkg-{}", std::process::id()));
    for sub in ["info", "updates"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    std::fs::write(dir.join("status"), &status).unwrap();
    std::fs::write(dir.join("available"), "").unwrap();
    let out = std::process::Command::new("dpkg-query")
        .arg(format!("--admindir={}", dir.display()))
        .args(["-W", "-f", "${Package}\t${Version}\t${Architecture}\n"])
        .output()
        .expect("dpkg-query (Debian package dpkg)");
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let want: Vec<String> = String::from_utf8(out.stdout).unwrap().lines().map(str::to_owned).collect();
    assert_eq!(want.len(), n);
    let a = analyse_layer(&[(b"var/lib/dpkg/status", status.as_bytes())]);
    let got: Vec<String> = a.report.images[0]
        .packages
        .iter()
        .map(|p| format!("{}\t{}\t{}", p.name, p.version, p.architecture.as_deref().unwrap_or_default()))
        .collect();
    assert_eq!(got, want);
}

/// Python metadata is read from its first 64 KiB (`PYTHON_CAPTURE`: the headers come before the
/// description): a `License-Expression` ending exactly there is read as Python's email parser
/// (what `importlib.metadata` uses) reads the whole file; one that a 64 KiB cut would split is
/// not read at all, rather than as a shorter licence.
#[test]
fn python_metadata_headers_up_to_sixty_four_kib() {
    for (extra, want) in [(0usize, Some("MIT")), (1, None)] {
        let last = "License-Expression: MIT\n";
        let mut head = "Metadata-Version: 2.4\nName: wide\nVersion: 3.1.4\n".to_owned();
        let target = (64 << 10) + extra - last.len();
        let mut i = 0;
        while head.len() + 80 < target {
            head += &format!("Requires-Dist: dependency-{i:06}>=1.0\n");
            i += 1;
        }
        // One more header to the exact length: "X-Pad: ###…\n".
        head += &format!("X-Pad: {}\n", "#".repeat(target - head.len() - 8));
        let text = format!("{head}{last}\nThe description, long as descriptions are.\n");
        assert_eq!(text.find(last).unwrap() + last.len(), (64 << 10) + extra);
        let path = std::env::temp_dir().join(format!("tarsier-metadata-{}-{extra}", std::process::id()));
        std::fs::write(&path, &text).unwrap();
        let py = std::process::Command::new("python3")
            .args(["-c", "import email,sys; m=email.message_from_bytes(open(sys.argv[1],'rb').read()); print(m['Name'], m['Version'], m['License-Expression'])"])
            .arg(&path)
            .output()
            .expect("python3");
        std::fs::remove_file(&path).unwrap();
        assert_eq!(String::from_utf8_lossy(&py.stdout).trim(), "wide 3.1.4 MIT", "{}", String::from_utf8_lossy(&py.stderr));
        let a = analyse_layer(&[(b"usr/lib/python3/site-packages/wide-3.1.4.dist-info/METADATA", text.as_bytes())]);
        assert_eq!(name_version_licence(&a), [("wide", "3.1.4", want)], "{extra}");
    }
}

/// A dpkg copyright file is read from its first 64 KiB (`COPYRIGHT_CAPTURE`: the `Files: *`
/// paragraph comes early): a `License:` line whose newline is the last byte there is read; one that a 64 KiB cut
/// would split gives no licence, rather than a shorter one. (Here a long `Comment:` in the
/// header paragraph pushes it there.)
#[test]
fn dpkg_copyright_up_to_sixty_four_kib() {
    let status = "Package: zlib1g\nStatus: install ok installed\nVersion: 1:1.2.13.dfsg-1\nArchitecture: amd64\n";
    for (extra, want) in [(0usize, Some("Zlib")), (1, None)] {
        let tail = "\nFiles: *\nCopyright: 1995-2022 Jean-loup Gailly and Mark Adler\nLicense: Zlib\n";
        let mut head = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: zlib\nComment: notes\n".to_owned();
        let target = (64 << 10) + extra - tail.len();
        while head.len() + 80 < target {
            head += " a continuation line of a long comment, as some packages write them\n";
        }
        head += &format!(" {}\n", "x".repeat(target - head.len() - 2));
        let text = format!("{head}{tail}\nFiles: debian/*\nLicense: GPL-2+\n");
        assert_eq!(text.find(tail).unwrap() + tail.len(), (64 << 10) + extra);
        let a = analyse_layer(&[(b"var/lib/dpkg/status", status.as_bytes()), (b"usr/share/doc/zlib1g/copyright", text.as_bytes())]);
        assert_eq!(name_version_licence(&a), [("zlib1g", "1:1.2.13.dfsg-1", want)], "{extra}");
    }
}

/// A `package.json` of 256 KiB (`NPM_CAPTURE`, written out here) is read whole; one byte more
/// is not read, and the warning names it.
#[test]
fn package_json_up_to_256_kib() {
    for (size, read) in [(256usize << 10, true), ((256 << 10) + 1, false)] {
        let mut json = r#"{"name":"wide","version":"2.7.1","license":"ISC","description":""}"#.to_owned();
        json.insert_str(json.len() - 2, &"d".repeat(size - json.len()));
        assert_eq!(json.len(), size);
        let a = analyse_layer(&[(b"app/node_modules/wide/package.json", json.as_bytes())]);
        let got = name_version_licence(&a);
        let unread = messages(&a, "package_metadata_unread");
        if read {
            assert_eq!((got, unread.len()), (vec![("wide", "2.7.1", Some("ISC"))], 0), "{:?}", a.report.warnings);
        } else {
            assert!(got.is_empty(), "{got:?}");
            assert!(unread.len() == 1 && unread[0].contains("app/node_modules/wide/package.json"), "{unread:?}");
        }
    }
}

#[test]
fn two_copies_of_one_npm_package_are_compared_each_where_it_sits() {
    use std::io::Cursor;
    use tarsier::core::compare::compare;
    let image = |nested: &str| {
        let top = br#"{"name":"ms","version":"2.1.3"}"#.to_vec();
        let nested = format!(r#"{{"name":"ms","version":"{nested}"}}"#).into_bytes();
        common::image_with(
            &[common::simple_layer(&[
                (b"app/node_modules/ms/package.json", &top),
                (b"app/node_modules/debug/node_modules/ms/package.json", &nested),
            ])],
            &["l0.tar"],
        )
    };
    let (ba, bb) = (image("2.0.0"), image("2.0.1"));
    let (a, b) = (analyse_bytes(ba.clone()), analyse_bytes(bb.clone()));
    assert_eq!(a.report.images[0].packages.len(), 2);
    let c = compare(&a, &mut Cursor::new(ba), 0, &b, &mut Cursor::new(bb), 0).unwrap();
    let changed: Vec<String> = c
        .packages
        .changed
        .iter()
        .map(|p| format!("{} at {:?}: {:?} -> {:?}", p.name, p.location, p.version_a, p.version_b))
        .collect();
    assert_eq!(changed, [r#"ms at Some("app/node_modules/debug/node_modules/ms"): Some("2.0.0") -> Some("2.0.1")"#]);
    assert!(c.packages.added.is_empty() && c.packages.removed.is_empty());
}

/// The main section of the fixture's jar manifest as Tarsier parses it (the fallback that names a
/// jar without `pom.properties`) against the truth's, read by `unzip -p` and the JAR spec's
/// rules in sbom_truth.py: every attribute, continuation lines joined.
#[test]
fn jar_manifests_are_read_as_the_jar_spec_says() {
    let out = common::build_fixture("sbom_image");
    let raw = out.join("raw/state8");
    let mut seen = 0;
    for entry in std::fs::read_dir(&raw).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(jar) = name.strip_prefix("jar.").and_then(|n| n.strip_suffix(".MANIFEST.MF.json")) else { continue };
        let want: BTreeMap<String, String> = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let member = jar.replace('_', "/");
        let bytes = std::process::Command::new(env!("CARGO_BIN_EXE_tarsier"))
            .args(["cat".as_ref(), out.join("sbom.docker.tar").as_os_str(), member.as_ref()])
            .output()
            .unwrap();
        assert!(bytes.status.success(), "tarsier cat {member}: {}", String::from_utf8_lossy(&bytes.stderr));
        let (jar_bytes, mut manifest) = (bytes.stdout, None);
        // The manifest member as unzip takes it out, parsed as Tarsier parses it.
        for (k, v) in tarsier::core::image::parse_manifest(&unzip_manifest(&jar_bytes)) {
            manifest.get_or_insert_with(BTreeMap::new).insert(k, v);
        }
        assert_eq!(manifest.unwrap_or_default(), want, "{member}");
        seen += 1;
    }
    assert!(seen >= 1, "no jar manifest in {}", raw.display());
}

/// `META-INF/MANIFEST.MF` of a jar, by `unzip -p` (Debian's unzip).
fn unzip_manifest(jar: &[u8]) -> Vec<u8> {
    let dir = std::env::temp_dir().join(format!("tarsier-jar-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("a.jar");
    std::fs::write(&path, jar).unwrap();
    let out = std::process::Command::new("unzip").arg("-p").arg(&path).arg("META-INF/MANIFEST.MF").output().expect("unzip (apt-get install unzip)");
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(out.status.success(), "unzip -p: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}
