//! `tarsier diff` (issue 14) against the truth of real tools: `scripts/fixtures/compare_pairs.sh`
//! builds pairs of images with buildah (B = A plus one change) and `compare_truth.py` compares
//! `umoci unpack` of both (lstat, getcap, sha256 of contents; its rule is stated in truth.json).
//! Every pair's added, removed, changed (what, and both values), touched and layer alignment
//! must be what the truth says — through the core and through `tarsier diff --json`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

mod common;

/// The fixture directory (made once; the script keeps it while its inputs are unchanged).
fn pairs() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixtures/compare_pairs");
        let run = Command::new("bash").arg(root.join("scripts/fixtures/compare_pairs.sh")).arg(&out).output().unwrap();
        assert!(run.status.success(), "compare_pairs.sh: {}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
        out
    })
}

fn diff_json(a: &Path, ia: u64, b: &Path, ib: u64) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_tarsier"))
        .args(["diff", "--json", a.to_str().unwrap(), b.to_str().unwrap(), "--image-a", &ia.to_string(), "--image-b", &ib.to_string()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn paths(v: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = v.as_array().unwrap().iter().map(|x| (x["path"].as_str().unwrap().to_owned(), x["kind"].as_str().unwrap().to_owned())).collect();
    out.sort();
    out
}

/// The truth's values of a changed path in Tarsier's names (`link`, `hardlinks`, `caps`, `sha256`,
/// `mode`, `uid`, `gid`, `kind`); sha256 only where Tarsier read both bodies (equal sizes).
fn values(truth: &Value, size_differs: bool) -> BTreeMap<String, Value> {
    let mut m = BTreeMap::new();
    for (k, v) in truth.as_object().unwrap() {
        if k == "sha256" && size_differs {
            continue;
        }
        m.insert(k.clone(), v.clone());
    }
    m
}

/// Each layer's paths, bottom first, as GNU tar lists the layer members `manifest.json` names
/// (a docker-archive; `None` for another layout).
fn layer_listings(archive: &Path, image: usize) -> Option<Vec<BTreeSet<String>>> {
    let manifest = Command::new("tar").arg("-xOf").arg(archive).arg("manifest.json").output().unwrap();
    if !manifest.status.success() {
        return None;
    }
    let manifest: Value = serde_json::from_slice(&manifest.stdout).unwrap();
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("layer-{}", std::process::id()));
    let mut out = Vec::new();
    for member in manifest[image]["Layers"].as_array().unwrap() {
        let body = Command::new("tar").arg("-xOf").arg(archive).arg(member.as_str().unwrap()).output().unwrap();
        std::fs::write(&tmp, &body.stdout).unwrap();
        let list = Command::new("tar").arg("-tf").arg(&tmp).output().unwrap();
        assert!(list.status.success(), "tar -tf {member}");
        out.push(String::from_utf8(list.stdout).unwrap().lines().map(|l| l.trim_start_matches("./").trim_end_matches('/').to_owned()).collect());
    }
    let _ = std::fs::remove_file(&tmp);
    Some(out)
}

/// sha256 (hex) of `path` in layer `layer` (position in the image) of a docker-archive, as GNU
/// tar extracts it from the layer `manifest.json` names.
fn tar_member_sha256(archive: &Path, image: usize, layer: usize, path: &str) -> String {
    let manifest = Command::new("tar").arg("-xOf").arg(archive).arg("manifest.json").output().unwrap();
    let manifest: Value = serde_json::from_slice(&manifest.stdout).unwrap();
    let member = manifest[image]["Layers"][layer].as_str().unwrap().to_owned();
    let body = Command::new("tar").arg("-xOf").arg(archive).arg(&member).output().unwrap();
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("member-{}", std::process::id()));
    std::fs::write(&tmp, &body.stdout).unwrap();
    let list = Command::new("tar").arg("-tf").arg(&tmp).output().unwrap();
    let name = String::from_utf8(list.stdout).unwrap().lines().find(|l| l.trim_start_matches("./") == path).map(str::to_owned);
    let name = name.unwrap_or_else(|| panic!("{path} is not in {member} of {}", archive.display()));
    let out = Command::new("sh").arg("-c").arg("tar -xOf \"$0\" \"$1\" | sha256sum").arg(&tmp).arg(&name).output().unwrap();
    let _ = std::fs::remove_file(&tmp);
    String::from_utf8(out.stdout).unwrap().split_whitespace().next().unwrap().to_owned()
}

/// The last layer whose listing holds `path` (a file written there, not a parent implied).
fn last_writer(layers: &[BTreeSet<String>], path: &str) -> Option<u64> {
    layers.iter().rposition(|l| l.contains(path)).map(|i| i as u64)
}

/// The layer each added, removed, changed and touched file names is the last of its side's
/// layers that GNU tar lists it in. Returns how many were checked.
fn check_layers(pair: &Value, dir: &Path, got: &Value) -> usize {
    let side = |s: &str| layer_listings(&dir.join(pair[s]["archive"].as_str().unwrap()), pair[s]["image"].as_u64().unwrap() as usize);
    let (Some(la), Some(lb)) = (side("a"), side("b")) else { return 0 };
    let name = pair["name"].as_str().unwrap();
    let mut checked = 0;
    let mut check = |layers: &[BTreeSet<String>], item: &Value, key: &str| {
        let path = item["path"].as_str().unwrap();
        if item["kind"] == "dir" {
            return; // a directory may be implied by its children in a layer that does not list it
        }
        assert_eq!(item[key].as_u64(), last_writer(layers, path), "{name}: /{path}: {key}");
        checked += 1;
    };
    for item in got["added"].as_array().unwrap() {
        check(&lb, item, "layer");
    }
    for item in got["removed"].as_array().unwrap() {
        check(&la, item, "layer");
    }
    for item in got["changed"].as_array().unwrap().iter().chain(got["touched"].as_array().unwrap()) {
        check(&la, item, "layer_a");
        check(&lb, item, "layer_b");
    }
    checked
}

fn check_pair(pair: &Value, got: &Value) {
    let name = pair["name"].as_str().unwrap();
    assert_eq!(paths(&got["added"]), paths(&pair["added"]), "{name}: added");
    assert_eq!(paths(&got["removed"]), paths(&pair["removed"]), "{name}: removed");
    let want: BTreeMap<&str, &Value> = pair["changed"].as_array().unwrap().iter().map(|c| (c["path"].as_str().unwrap(), c)).collect();
    let have: BTreeMap<&str, &Value> = got["changed"].as_array().unwrap().iter().map(|c| (c["path"].as_str().unwrap(), c)).collect();
    assert_eq!(have.keys().collect::<Vec<_>>(), want.keys().collect::<Vec<_>>(), "{name}: changed paths");
    for (p, w) in &want {
        let h = have[p];
        assert_eq!(h["what"], w["what"], "{name}: {p}: what changed");
        let size_differs = h["size_a"] != h["size_b"];
        for side in ["a", "b"] {
            let mut mine = values(&h[side], false);
            // caps: the truth writes an absent capability as null; Tarsier leaves it out.
            for (k, v) in values(&w[side], size_differs) {
                let got = mine.remove(&k).unwrap_or(Value::Null);
                assert_eq!(got, v, "{name}: {p}: {side}.{k}");
            }
            assert!(mine.is_empty(), "{name}: {p}: {side} has values the truth does not: {mine:?}");
        }
    }
    let touched = |v: &Value| {
        let mut t: Vec<String> = v.as_array().unwrap().iter().map(|x| x["path"].as_str().unwrap().to_owned()).collect();
        t.sort();
        t
    };
    assert_eq!(touched(&got["touched"]), touched(&pair["touched"]), "{name}: touched");
    let (lt, lg) = (&pair["layers"], &got["layers"]);
    assert_eq!(lg["shared_prefix"], lt["shared_prefix"], "{name}: shared prefix");
    assert_eq!(lg["only_a"], lt["only_a"], "{name}: only in A");
    assert_eq!(lg["only_b"], lt["only_b"], "{name}: only in B");
    let ids = |v: &Value| v.as_array().unwrap().iter().map(|l| l["diff_id"].clone()).collect::<Vec<_>>();
    assert_eq!(ids(&lg["a"]), ids(&lt["a"]), "{name}: A's diff_ids");
    assert_eq!(ids(&lg["b"]), ids(&lt["b"]), "{name}: B's diff_ids");
}

/// `tarsier diff`'s text: the Files section lists the truth's added (`+ PATH (KIND, SIZE)`),
/// removed (`-`) and changed paths (`~ PATH (WHAT, …)`), and nothing else; a Config section
/// only when config fields differ, one `FIELD: A → B` line each, as `--json` (`json`) has them.
fn check_text(pair: &Value, json: &Value, a: &Path, ia: u64, b: &Path, ib: u64) {
    let name = pair["name"].as_str().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tarsier"))
        .args(["diff", a.to_str().unwrap(), b.to_str().unwrap(), "--image-a", &ia.to_string(), "--image-b", &ib.to_string()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{name}");
    let text = String::from_utf8(out.stdout).unwrap();
    let config: Vec<String> = json["config"].as_array().unwrap().iter().map(|c| format!("  {}: {} → {}", c["field"].as_str().unwrap(), c["a"], c["b"])).collect();
    let section = text.split_once("== Config\n").map(|(_, r)| r.lines().take_while(|l| l.starts_with("  ")).map(str::to_owned).collect::<Vec<_>>());
    assert_eq!(section, (!config.is_empty()).then_some(config), "{name}: the Config section\n{text}");
    let files = text.split_once("== Files\n").map_or("", |(_, f)| f);
    let mut got: Vec<String> = files.lines().filter(|l| l.starts_with("  + ") || l.starts_with("  - ") || l.starts_with("  ~ ")).map(|l| {
        let (head, _) = l.rsplit_once(" (").unwrap_or((l, ""));
        match &l[2..3] {
            "~" => l.to_owned(),
            _ => format!("{head} ({}", l.rsplit_once(" (").unwrap().1.split(',').next().unwrap()),
        }
    }).collect();
    let mut want: Vec<String> = Vec::new();
    for (sign, key) in [("+", "added"), ("-", "removed")] {
        for x in pair[key].as_array().unwrap() {
            want.push(format!("  {sign} {} ({}", x["path"].as_str().unwrap(), x["kind"].as_str().unwrap()));
        }
    }
    for x in pair["changed"].as_array().unwrap() {
        let what: Vec<&str> = x["what"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
        want.push(format!("  ~ {} ({})", x["path"].as_str().unwrap(), what.join(", ")));
    }
    got.sort();
    want.sort();
    assert_eq!(got, want, "{name}:\n{text}");
}

#[test]
fn every_pair_differs_as_umoci_unpack_shows() {
    let dir = pairs();
    let truth: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).unwrap()).unwrap();
    let (mut checked, mut layers_checked) = (0, 0);
    for pair in truth["pairs"].as_array().unwrap() {
        let side = |s: &str| (dir.join(pair[s]["archive"].as_str().unwrap()), pair[s]["image"].as_u64().unwrap());
        let ((a, ia), (b, ib)) = (side("a"), side("b"));
        let got = diff_json(&a, ia, &b, ib);
        check_pair(pair, &got);
        check_text(pair, &got, &a, ia, &b, ib);
        layers_checked += check_layers(pair, dir, &got);
        checked += 1;
    }
    assert!(checked >= 12, "only {checked} pairs");
    assert!(layers_checked >= 12, "the layer of only {layers_checked} paths checked");
}

#[test]
fn the_same_image_in_other_formats_has_no_differences_and_reads_no_body() {
    let dir = pairs();
    for (a, b) in [("base.docker.tar", "base.oci-gzip.tar"), ("base.oci-plain.tar", "base.oci-gzip.tar"), ("base.docker.tar", "base.docker.tar")] {
        let got = diff_json(&dir.join(a), 0, &dir.join(b), 0);
        for k in ["added", "removed", "changed", "touched", "config"] {
            assert_eq!(got[k], json!([]), "{a} vs {b}: {k}");
        }
        // Every layer shared: no body had to be read.
        assert_eq!(got["summary"]["hashed_files"], 0, "{a} vs {b}");
    }
}

#[test]
fn the_human_output_shows_the_line_diff_and_the_history_where_it_parts() {
    let dir = pairs();
    let out = Command::new(env!("CARGO_BIN_EXE_tarsier"))
        .args(["diff", dir.join("base.docker.tar").to_str().unwrap(), dir.join("same_size_content.docker.tar").to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("  ~ app/data.txt (sha256)\n"), "{text}");
    // The text diff, as `diff -u` of the two files (read back with GNU tar) shows it.
    let layer_text = |archive: &str| -> String {
        let dir = pairs();
        let tar = |args: &[&str]| Command::new("tar").args(args).current_dir(dir).output().unwrap().stdout;
        let manifest: Value = serde_json::from_slice(&tar(&["-xOf", archive, "manifest.json"])).unwrap();
        let layers: Vec<String> = manifest[0]["Layers"].as_array().unwrap().iter().map(|l| l.as_str().unwrap().to_owned()).collect();
        for l in layers.iter().rev() {
            let blob = tar(&["-xOf", archive, l]);
            let path = std::env::temp_dir().join(format!("tarsier-compare-{}.tar", std::process::id()));
            std::fs::write(&path, blob).unwrap();
            let body = Command::new("tar").args(["-xOf", path.to_str().unwrap(), "app/data.txt"]).output().unwrap();
            std::fs::remove_file(&path).unwrap();
            if body.status.success() {
                return String::from_utf8(body.stdout).unwrap();
            }
        }
        panic!("no app/data.txt in {archive}");
    };
    let (old, new) = (layer_text("base.docker.tar"), layer_text("same_size_content.docker.tar"));
    let tmp = std::env::temp_dir();
    let (fa, fb) = (tmp.join(format!("tc-a-{}", std::process::id())), tmp.join(format!("tc-b-{}", std::process::id())));
    std::fs::write(&fa, &old).unwrap();
    std::fs::write(&fb, &new).unwrap();
    let gnu = Command::new("diff").args(["-u", fa.to_str().unwrap(), fb.to_str().unwrap()]).output().unwrap();
    let gnu = String::from_utf8(gnu.stdout).unwrap();
    for line in gnu.lines().skip(2) {
        assert!(text.contains(&format!("      {line}\n")), "`{line}` of diff -u missing:\n{text}");
    }
    assert!(text.contains("== Layers (2 shared at the bottom, 0 only in A, 1 only in B;"), "{text}");
    assert!(text.contains("fixture: COPY data.txt /app/data.txt"), "B's own step is shown: {text}");
}

#[test]
fn two_images_of_one_archive_and_errors() {
    let dir = pairs();
    let multi = dir.join("multi.docker.tar");
    let out = Command::new(env!("CARGO_BIN_EXE_tarsier")).args(["diff", "--json", multi.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["changed"][0]["path"], "app/data.txt", "one archive: its images 0 and 1");
    let out = Command::new(env!("CARGO_BIN_EXE_tarsier")).args(["diff", multi.to_str().unwrap(), "--image-b", "7"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.starts_with("tarsier: ") && err.contains("image 7"), "{err}");
    let out = Command::new(env!("CARGO_BIN_EXE_tarsier")).args(["diff", "--json", "/nonexistent.tar", multi.to_str().unwrap()]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!out.status.success() && v["error"]["message"].as_str().unwrap().contains("/nonexistent.tar"), "{v}");
}

/// Two images made in memory by the image builder, differing in config only, compared.
#[test]
fn config_fields_differ_as_set() {
    use std::io::Cursor;
    use tarsier::core::build::{build, write_parts, BuildSpec, Change, ConfigSpec, Platform};
    use tarsier::core::compare::compare;
    use tarsier::core::image::{analyze, Flow, Options};
    let make = |config: ConfigSpec, created_by: &str| {
        let spec = BuildSpec {
            changes: vec![Change::File { path: "etc/motd".into(), body: b"hi\n".to_vec(), mode: 0o644, uid: 0, gid: 0 }],
            config,
            created_by: Some(created_by.into()),
            ..BuildSpec::default()
        };
        let mut bytes = Vec::new();
        write_parts(&build(&spec, None, None).unwrap().parts, None, None, &mut bytes).unwrap();
        let a = analyze(Cursor::new(bytes.clone()), bytes.len() as u64, &Options::named("x.tar"), &mut |_| Flow::Continue).unwrap();
        (a, bytes)
    };
    let (a, ba) = make(ConfigSpec { env: vec!["A=1".into(), "B=2".into()], cmd: Some(vec!["sh".into()]), exposed_ports: vec!["80".into()], ..ConfigSpec::default() }, "step");
    let (b, bb) = make(
        ConfigSpec {
            env: vec!["A=1".into(), "C=3".into()],
            cmd: Some(vec!["bash".into()]),
            user: Some("app".into()),
            exposed_ports: vec!["80".into(), "443".into()],
            labels: vec![("k".into(), "v".into())],
            platform: Some(Platform::parse("linux/arm64/v8").unwrap()),
            ..ConfigSpec::default()
        },
        "other step",
    );
    let c = compare(&a, &mut Cursor::new(ba), 0, &b, &mut Cursor::new(bb), 0).unwrap();
    let fields: BTreeMap<&str, &tarsier::core::compare::ConfigChange> = c.config.iter().map(|x| (x.field.as_str(), x)).collect();
    assert_eq!(fields.keys().copied().collect::<Vec<_>>(), ["Cmd", "Env", "ExposedPorts", "Labels", "User", "architecture", "history", "variant"]);
    assert_eq!((fields["Env"].added.clone(), fields["Env"].removed.clone()), (vec!["C=3".to_owned()], vec!["B=2".to_owned()]));
    assert_eq!(fields["ExposedPorts"].added, ["443/tcp"]);
    assert_eq!(fields["Labels"].added, ["k=v"]);
    assert_eq!((&fields["Cmd"].a, &fields["Cmd"].b), (&json!(["sh"]), &json!(["bash"])));
    assert_eq!((&fields["User"].a, &fields["User"].b), (&Value::Null, &json!("app")));
    assert_eq!((&fields["history"].a, &fields["history"].b), (&json!(["step"]), &json!(["other step"])));
    assert_eq!(c.summary.config_changes, 8);
    // The same file in layers of different diff_ids (the config differs, the layer does not):
    // the layer is the same bytes, so the same diff_id, and nothing is read.
    assert!(c.changed.is_empty() && c.summary.hashed_files == 0, "{:?}", c.changed);
    assert_eq!(c.layers.shared_prefix, 1);
}

#[test]
fn packages_of_an_apk_image_and_a_dpkg_image() {
    use tarsier::core::compare::compare;
    use tarsier::core::image::{analyze, Flow, Options};
    let fx = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
    let open = |n: &str| {
        let p = fx.join(n);
        let f = std::fs::File::open(&p).unwrap();
        let len = f.metadata().unwrap().len();
        (analyze(f, len, &Options::named(n), &mut |_| Flow::Continue).unwrap(), std::fs::File::open(&p).unwrap())
    };
    let ((a, mut fa), (b, mut fb)) = (open("public/aquasecurity__trivy/pkg/fanal/test/testdata/alpine-311.tar.gz"), open("images/dpkg-small.tar"));
    let c = compare(&a, &mut fa, 0, &b, &mut fb, 0).unwrap();
    let names = |v: &[tarsier::core::compare::PackageChange]| v.iter().map(|p| (p.kind.clone(), p.name.clone())).collect::<Vec<_>>();
    let of = |r: &tarsier::core::image::Analysis| {
        let mut v: Vec<(String, String)> = r.report.images[0].packages.iter().map(|p| (p.source.as_str().to_owned(), p.name.clone())).collect();
        v.sort();
        v
    };
    assert!(!of(&a).is_empty() && !of(&b).is_empty());
    assert_eq!(names(&c.packages.removed), of(&a));
    assert_eq!(names(&c.packages.added), of(&b));
    assert!(c.packages.changed.is_empty());
    assert_eq!((c.summary.packages_added, c.summary.packages_removed), (of(&b).len(), of(&a).len()));
    assert_eq!(c.layers.shared_prefix, 0);
    assert_eq!(c.layers.shared_bytes, 0);
}

/// A pair archive analyzed, and the file again to read bodies from.
fn open(name: &str) -> (tarsier::core::image::Analysis, std::fs::File) {
    use tarsier::core::image::{analyze, Flow, Options};
    let path = pairs().join(name);
    let f = std::fs::File::open(&path).unwrap();
    let len = f.metadata().unwrap().len();
    (analyze(f, len, &Options::named(name), &mut |_| Flow::Continue).unwrap(), std::fs::File::open(&path).unwrap())
}

/// Hashing reports its progress against what it will read: the last report has done all the
/// files and bytes the summary says were hashed (the same-size files from different layers), and
/// a tick that says stop ends the comparison as cancelled.
#[test]
fn hashing_progress_counts_every_body_read_and_cancel_stops_it() {
    use tarsier::core::compare::{compare_observed, HashProgress, KnownHashes};
    use tarsier::core::image::ImageError;
    let ((a, mut ra), (b, mut rb)) = (open("base.docker.tar"), open("same_size_content.docker.tar"));
    let mut seen: Vec<HashProgress> = Vec::new();
    let c = compare_observed(&a, &mut ra, 0, &b, &mut rb, 0, &mut |p| {
        seen.push(p);
        true
    }, &mut KnownHashes::default())
    .unwrap();
    assert!(c.summary.hashed_files >= 2, "the pair has a same-size change: {:?}", c.summary);
    let first = seen.first().unwrap();
    assert_eq!((first.files_done, first.bytes_done), (0, 0));
    assert_eq!((first.files_total, first.bytes_total), (c.summary.hashed_files, c.summary.hashed_bytes));
    let last = seen.last().unwrap();
    assert_eq!((last.files_done, last.bytes_done), (c.summary.hashed_files, c.summary.hashed_bytes));
    assert_eq!(seen.len() as u64, c.summary.hashed_files + 1, "one report before, one per body");
    // Stopped at the first body.
    let mut calls = 0;
    let stopped = compare_observed(&a, &mut ra, 0, &b, &mut rb, 0, &mut |_| {
        calls += 1;
        calls < 2
    }, &mut KnownHashes::default());
    assert!(matches!(stopped, Err(ImageError::Cancelled)), "{stopped:?}");
    // Nothing to hash (the same image in two formats): one report, all zero.
    let ((x, mut rx), (y, mut ry)) = (open("base.docker.tar"), open("base.oci-gzip.tar"));
    let mut reports = Vec::new();
    compare_observed(&x, &mut rx, 0, &y, &mut ry, 0, &mut |p| {
        reports.push(p);
        true
    }, &mut KnownHashes::default())
    .unwrap();
    assert_eq!(reports, vec![HashProgress::default()]);
}

/// The digests one comparison read are given to the next (what the page keeps between
/// comparisons of the archive on screen): comparing the pair again, either way round, reads no
/// body and gives the same comparison; the digests kept are `sha256sum`'s of GNU tar's
/// extraction of each side's layer.
#[test]
fn digests_read_once_are_not_read_again() {
    use tarsier::core::compare::{compare_observed, Comparison, KnownHashes};
    let dir = pairs();
    let ((a, mut ra), (b, mut rb)) = (open("base.docker.tar"), open("same_size_content.docker.tar"));
    let mut known = KnownHashes::default();
    let first = compare_observed(&a, &mut ra, 0, &b, &mut rb, 0, &mut |_| true, &mut known).unwrap();
    assert!(first.summary.hashed_files >= 2 && first.summary.known_files == 0, "{:?}", first.summary);
    assert_eq!(known.len() as u64, first.summary.hashed_files, "every body read is kept");
    let without_counts = |c: &Comparison| {
        let mut c = c.clone();
        (c.summary.hashed_files, c.summary.hashed_bytes, c.summary.known_files) = (0, 0, 0);
        c
    };
    let mut ticks = Vec::new();
    let again = compare_observed(&a, &mut ra, 0, &b, &mut rb, 0, &mut |p| {
        ticks.push(p);
        true
    }, &mut known).unwrap();
    assert_eq!((again.summary.hashed_files, again.summary.hashed_bytes), (0, 0), "nothing read again");
    assert_eq!(again.summary.known_files, first.summary.hashed_files);
    // Nothing left to read: the one report before hashing counts no work (a known body is not
    // work, whichever side holds it).
    assert_eq!(ticks, vec![tarsier::core::compare::HashProgress::default()], "nothing to hash");
    assert_eq!(without_counts(&again), without_counts(&first));
    let swapped = compare_observed(&b, &mut rb, 0, &a, &mut ra, 0, &mut |_| true, &mut known).unwrap();
    assert_eq!(swapped.summary.hashed_files, 0);
    assert_eq!(swapped.summary.changed, first.summary.changed);
    // The digests against GNU tar: each changed file's two digests, from its layer's extraction.
    let changed: Vec<_> = first.changed.iter().filter(|c| c.what.iter().any(|w| w == "sha256") && c.a.sha256.is_some()).collect();
    assert!(!changed.is_empty(), "a same-size content change: {:?}", first.changed);
    for (analysis, side, archive) in [(&a, 0, "base.docker.tar"), (&b, 1, "same_size_content.docker.tar")] {
        for c in &changed {
            let (layer, digest) = if side == 0 { (c.layer_a, c.a.sha256.clone()) } else { (c.layer_b, c.b.sha256.clone()) };
            let diff_id = analysis.report.images[0].layers[layer].diff_id.clone().unwrap();
            let path = c.path.trim_start_matches('/');
            assert_eq!(known.get(&diff_id, path), digest.as_deref(), "{archive} {path}");
            assert_eq!(digest.unwrap(), tar_member_sha256(&dir.join(archive), 0, layer, path), "{archive} {path}");
        }
    }
}

/// `tarsier shared` (many images: the layers each pair shares, and their bytes) against every
/// layer's bytes as `scripts/fixtures/layer_truth.py` reads them with Python's tarfile, gzip and
/// hashlib: a multi-image archive, an image and one built on it, and the first again as a gzip
/// OCI layout (the same layers: shared whole).
#[test]
fn the_layers_many_images_share_as_their_bytes_say() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = pairs();
    let archives: Vec<PathBuf> = vec![
        root.join("../shared/fixtures/images/c1_podman_docker-archive_multi.tar"),
        dir.join("base.docker.tar"),
        dir.join("added_tree.docker.tar"),
        dir.join("base.oci-gzip.tar"),
    ];
    let run = Command::new("python3").arg(root.join("scripts/fixtures/layer_truth.py")).args(&archives).output().unwrap();
    assert!(run.status.success(), "layer_truth.py: {}", String::from_utf8_lossy(&run.stderr));
    let truth: Value = serde_json::from_slice(&run.stdout).unwrap();
    // Each image's distinct layers: diff_id → size.
    let mut want: Vec<(Vec<Value>, BTreeMap<String, u64>)> = Vec::new();
    for a in truth.as_array().unwrap() {
        for img in a["images"].as_array().unwrap() {
            let layers = img["layers"].as_array().unwrap().iter().map(|l| (l["diff_id"].as_str().unwrap().to_owned(), l["size"].as_u64().unwrap())).collect();
            want.push((img["tags"].as_array().unwrap().clone(), layers));
        }
    }
    let out = Command::new(env!("CARGO_BIN_EXE_tarsier")).arg("shared").arg("--json").args(&archives).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    let images = got["images"].as_array().unwrap();
    assert_eq!(images.len(), want.len());
    assert!(want.len() >= 5, "the fixtures give {} images", want.len());
    for (i, (tags, layers)) in want.iter().enumerate() {
        assert_eq!(images[i]["tags"].as_array().unwrap(), tags, "image {i}: tags");
        assert_eq!(images[i]["layers"].as_u64().unwrap(), layers.len() as u64, "image {i}: layers");
        assert_eq!(images[i]["bytes"].as_u64().unwrap(), layers.values().sum::<u64>(), "image {i}: bytes");
        for (j, (_, other)) in want.iter().enumerate() {
            let both: Vec<u64> = layers.iter().filter(|(id, _)| other.contains_key(*id)).map(|(_, s)| *s).collect();
            let cell = &got["shared"][i][j];
            assert_eq!((cell["layers"].as_u64().unwrap(), cell["bytes"].as_u64().unwrap()), (both.len() as u64, both.iter().sum::<u64>()), "shared[{i}][{j}]");
        }
    }
    let mut all: BTreeMap<&str, u64> = BTreeMap::new();
    for (_, layers) in &want {
        all.extend(layers.iter().map(|(id, s)| (id.as_str(), *s)));
    }
    assert_eq!(got["bytes_stored_once"].as_u64().unwrap(), all.values().sum::<u64>());
    assert_eq!(got["bytes_each_alone"].as_u64().unwrap(), want.iter().map(|(_, l)| l.values().sum::<u64>()).sum::<u64>());
    // The layers only one image has, and which.
    let unique = |i: usize| -> BTreeSet<String> { want[i].1.keys().filter(|id| want.iter().enumerate().all(|(j, (_, l))| j == i || !l.contains_key(*id))).cloned().collect() };
    for i in 0..want.len() {
        let have: BTreeSet<String> = got["layers"].as_array().unwrap().iter().filter(|l| l["images"] == json!([i])).map(|l| l["id"].as_str().unwrap().to_owned()).collect();
        assert_eq!(have, unique(i), "only in image {i}");
    }
    assert!((0..want.len()).any(|i| !unique(i).is_empty()), "some image has a layer of its own");
    // The text output says the same totals, and lists the same layers as only one image's.
    let text = Command::new(env!("CARGO_BIN_EXE_tarsier")).arg("shared").args(&archives).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.starts_with(&format!("== {} images, {} distinct layers:", want.len(), all.len())), "{text}");
    let listed: BTreeSet<(usize, String)> = text
        .split("== Layers only one image has\n")
        .nth(1)
        .unwrap_or("")
        .lines()
        .map(|l| {
            let mut w = l.split_whitespace();
            let image = w.next().unwrap().trim_matches(|c| c == '[' || c == ']').parse().unwrap();
            (image, w.next().unwrap().to_owned())
        })
        .collect();
    let expected: BTreeSet<(usize, String)> = (0..want.len()).flat_map(|i| unique(i).into_iter().map(move |id| (i, id))).collect();
    assert_eq!(listed, expected, "{text}");
    // An archive that cannot be read: one sentence naming it, as text or as JSON.
    let out = Command::new(env!("CARGO_BIN_EXE_tarsier")).args(["shared", "/nonexistent.tar"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && out.stdout.is_empty() && err.starts_with("tarsier: ") && err.contains("/nonexistent.tar"), "{err}");
    let out = Command::new(env!("CARGO_BIN_EXE_tarsier")).args(["shared", "--json"]).arg(&archives[0]).arg("/nonexistent.tar").output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!out.status.success() && v["error"]["message"].as_str().unwrap().contains("/nonexistent.tar"), "{v}");
}

/// Special files and hard-link chains, in images built in code: the kind of each added path is
/// the type GNU tar lists for its entry (`c` char, `b` block, `p` fifo, `h` a hard link: a file),
/// and a hard link to a hard link is the file it ends at (its size), as extraction links it.
#[test]
fn special_files_and_link_chains_as_gnu_tar_lists_them() {
    use common::{finish, header, image_with, push, simple_layer};
    use tarsier::core::compare::compare;
    use tarsier::core::image::{analyze, Flow, Options};
    let base = simple_layer(&[(b"etc/hostname", b"box\n")]);
    let mut top = Vec::new();
    push(&mut top, header(b"dev/null", 0, b'3', 0o666, b""), b"");
    push(&mut top, header(b"dev/loop0", 0, b'4', 0o660, b""), b"");
    push(&mut top, header(b"run/pipe", 0, b'6', 0o600, b""), b"");
    push(&mut top, header(b"data/a", 5, b'0', 0o644, b""), b"hello");
    push(&mut top, header(b"data/b", 0, b'1', 0o644, b"data/a"), b"");
    push(&mut top, header(b"data/c", 0, b'1', 0o644, b"data/b"), b"");
    let top = finish(top);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("compare-special");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("top.tar"), &top).unwrap();
    let listing = Command::new("tar").arg("-tvf").arg(dir.join("top.tar")).output().expect("GNU tar");
    let listing = String::from_utf8(listing.stdout).unwrap();
    let want: BTreeMap<String, &str> = listing
        .lines()
        .map(|l| {
            let name = l.split_whitespace().nth(5).unwrap().to_owned();
            let kind = match &l[..1] {
                "c" => "char",
                "b" => "block",
                "p" => "fifo",
                "-" | "h" => "file",
                other => panic!("{other}"),
            };
            (name, kind)
        })
        .collect();
    let a_bytes = image_with(std::slice::from_ref(&base), &["l0.tar"]);
    let b_bytes = image_with(&[base, top], &["l0.tar", "l1.tar"]);
    let open = |b: &[u8]| analyze(std::io::Cursor::new(b), b.len() as u64, &Options::named("x.tar"), &mut |_| Flow::Continue).unwrap();
    let (a, b) = (open(&a_bytes), open(&b_bytes));
    let c = compare(&a, &mut std::io::Cursor::new(&a_bytes), 0, &b, &mut std::io::Cursor::new(&b_bytes), 0).unwrap();
    let got: BTreeMap<String, &str> = c.added.iter().filter(|f| f.kind != "dir").map(|f| (f.path.clone(), f.kind.as_str())).collect();
    assert_eq!(got, want);
    for f in c.added.iter().filter(|f| f.path.starts_with("data/")) {
        assert_eq!(f.size, 5, "{}: the size of the file the link chain ends at", f.path);
    }
}
