//! Every archive in `../shared/fixtures/images/` and `../shared/fixtures/public/` against its
//! recorded ground truth: per-layer `tar -tvv` listings, `getcap`, the flattened rootfs from
//! `umoci unpack`, `summary.json` (config, history, diff_ids, by-type counts) and `skopeo inspect`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::{Path, PathBuf};
use tarsier::core::image::{
    analyze, read_merged, verify_digests, Analysis, EntryKind, FindingKind, Flow, Options,
};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures")
}

fn open_analysis(p: &Path) -> Analysis {
    let f = File::open(p).unwrap();
    let len = f.metadata().unwrap().len();
    analyze(
        f,
        len,
        &Options::named(p.display().to_string()),
        &mut |_| Flow::Continue,
    )
    .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[derive(Debug)]
struct Tvv {
    mode: String,
    owner: String,
    size: String,
    path: String,
    link: Option<String>,
}

fn norm(p: &str) -> String {
    let p = p.strip_prefix("./").unwrap_or(p);
    let p = p.trim_end_matches('/');
    if p == "." {
        String::new()
    } else {
        p.to_owned()
    }
}

fn parse_tvv(text: &str) -> Vec<Tvv> {
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with("  ") || line.trim().is_empty() {
            continue;
        }
        // five whitespace-separated fields, then the name
        let mut rest = line;
        let mut f = Vec::new();
        for _ in 0..5 {
            rest = rest.trim_start();
            let end = rest.find(' ').unwrap();
            f.push(rest[..end].to_owned());
            rest = &rest[end + 1..];
        }
        let mode = f[0].trim_end_matches(['*', '+', '.']).to_owned();
        let (name, link) = match mode.chars().next() {
            Some('l') => {
                let (a, b) = rest.split_once(" -> ").unwrap();
                (a, Some(b.to_owned()))
            }
            Some('h') => {
                let (a, b) = rest.split_once(" link to ").unwrap();
                (a, Some(norm(b)))
            }
            _ => (rest, None),
        };
        out.push(Tvv {
            mode,
            owner: f[1].clone(),
            size: f[2].clone(),
            path: norm(name),
            link,
        });
    }
    out
}

fn getcap(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| l.rsplit_once(' '))
        .map(|(p, c)| (norm(p), c.to_owned()))
        .collect()
}

fn check_layer_listing(a: &Analysis, layer: usize, tvv: &[Tvv], ctx: &str) {
    let page = a.layer_entries(layer, 0, usize::MAX).unwrap();
    assert_eq!(page.items.len(), tvv.len(), "{ctx}: entry count");
    for (e, t) in page.items.iter().zip(tvv) {
        let c = format!("{ctx}: {}", t.path);
        assert_eq!(e.path, t.path, "{c}: path");
        assert_eq!(e.mode_str, t.mode, "{c}: mode/kind");
        match e.device {
            Some((ma, mi)) => assert_eq!(format!("{ma},{mi}"), t.size, "{c}: device"),
            None => assert_eq!(e.size.to_string(), t.size, "{c}: size"),
        }
        let (u, g) = t.owner.split_once('/').unwrap();
        if u.parse::<u64>().is_ok() {
            assert_eq!(e.uid.to_string(), u, "{c}: uid");
            assert_eq!(e.gid.to_string(), g, "{c}: gid");
        } else {
            assert_eq!(e.uname, u, "{c}: uname");
            assert_eq!(e.gname, g, "{c}: gname");
        }
        match e.kind {
            EntryKind::Symlink => assert_eq!(
                e.link_target.as_deref(),
                t.link.as_deref(),
                "{c}: symlink target"
            ),
            EntryKind::Hardlink => assert_eq!(
                e.link_target.as_deref().map(norm),
                t.link.clone(),
                "{c}: hardlink target"
            ),
            _ => assert!(t.link.is_none(), "{c}: unexpected link"),
        }
    }
}

fn check_layer_caps(a: &Analysis, layer: usize, truth: &BTreeMap<String, String>, ctx: &str) {
    let page = a.layer_entries(layer, 0, usize::MAX).unwrap();
    let mine: BTreeMap<String, String> = page
        .items
        .iter()
        .filter_map(|e| {
            e.capabilities
                .as_ref()
                .map(|c| (e.path.clone(), c.text.clone()))
        })
        .collect();
    assert_eq!(&mine, truth, "{ctx}: getcap");
}

/// `mode uid:gid size path target` rows of `umoci unpack`'s flattened rootfs.
fn check_flattened(a: &Analysis, image: usize, tsv: &str, ctx: &str) {
    let mut truth = BTreeMap::new();
    for line in tsv.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        truth.insert(
            cols[3].to_owned(),
            (
                cols[0].to_owned(),
                cols[1].to_owned(),
                cols[2].to_owned(),
                cols.get(4).copied().unwrap_or("").to_owned(),
            ),
        );
    }
    let tree = a.merged_tree(image, false).unwrap();
    let mine: BTreeSet<&str> = tree.iter().map(|e| e.path.as_str()).collect();
    let want: BTreeSet<&str> = truth.keys().map(String::as_str).collect();
    assert_eq!(mine, want, "{ctx}: merged paths");
    for e in &tree {
        let (mode, owner, size, target) = &truth[&e.path];
        let c = format!("{ctx}: merged {}", e.path);
        let my_mode = if e.kind == EntryKind::Hardlink {
            format!("-{}", &e.mode_str[1..])
        } else {
            e.mode_str.clone()
        };
        assert_eq!(&my_mode, mode, "{c}: mode");
        assert_eq!(&format!("{}:{}", e.uid, e.gid), owner, "{c}: owner");
        match e.kind {
            EntryKind::File | EntryKind::Hardlink => {
                assert_eq!(&e.size.to_string(), size, "{c}: size")
            }
            EntryKind::Symlink => {
                let t = e.link_target.clone().unwrap_or_default();
                assert_eq!(&t, target, "{c}: target");
                assert_eq!(&t.len().to_string(), size, "{c}: symlink size");
            }
            _ => {}
        }
    }
}

/// Each merged directory's total (Files view): the sum of the sizes `umoci unpack` gives the
/// regular files below it, less those GNU tar lists as hard links (`h`: counted once, at their
/// target), and the number of flattened paths below it.
fn check_dir_totals(a: &Analysis, image: usize, tsv: &str, hardlink: &BTreeMap<String, bool>, ctx: &str) {
    let rows: Vec<Vec<&str>> = tsv
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('\t').collect())
        .collect();
    let below = |dir: &str, p: &str| dir.is_empty() || p.strip_prefix(dir).is_some_and(|r| r.starts_with('/'));
    let tree = a.merged_tree(image, false).unwrap();
    let root = a.merged_entry(image, "").unwrap();
    for e in tree.iter().filter(|e| e.kind == EntryKind::Dir).chain([&root]) {
        let inside: Vec<&Vec<&str>> = rows.iter().filter(|r| below(&e.path, r[3])).collect();
        let bytes: u64 = inside
            .iter()
            .filter(|r| r[0].starts_with('-') && !hardlink.get(r[3]).copied().unwrap_or(false))
            .map(|r| r[2].parse::<u64>().unwrap())
            .sum();
        assert_eq!(e.tree_bytes, bytes, "{ctx}: total size below /{}", e.path);
        assert_eq!(e.tree_entries, inside.len() as u64, "{ctx}: entries below /{}", e.path);
    }
    let files: Vec<_> = tree.iter().filter(|e| e.kind != EntryKind::Dir).collect();
    assert!(files.iter().all(|e| e.tree_bytes == 0 && e.tree_entries == 0), "{ctx}: only directories have totals");
    assert_eq!(root.tree_bytes, a.report.images[image].merged.total_bytes, "{ctx}: root total is the image's");
    assert!(rows.is_empty() || root.tree_entries > 0, "{ctx}: the root counts what is below it");
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().map(|x| x.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

fn check_summary_image(a: &Analysis, ii: usize, s: &Value, ctx: &str) {
    let img = &a.report.images[ii];
    assert_eq!(
        img.config_digest.as_deref(),
        s["config_digest"].as_str(),
        "{ctx}: config digest"
    );
    assert_eq!(
        img.architecture.as_deref(),
        s["architecture"].as_str(),
        "{ctx}: arch"
    );
    assert_eq!(img.os.as_deref(), s["os"].as_str(), "{ctx}: os");
    assert_eq!(
        img.created.as_deref(),
        s["created"].as_str(),
        "{ctx}: created"
    );
    assert_eq!(
        img.history.len() as u64,
        s["history_entries"].as_u64().unwrap(),
        "{ctx}: history"
    );
    assert_eq!(
        img.history.iter().filter(|h| !h.empty_layer).count() as u64,
        s["history_non_empty"].as_u64().unwrap(),
        "{ctx}: history non-empty"
    );
    assert_eq!(
        img.layers.len() as u64,
        s["layer_count"].as_u64().unwrap(),
        "{ctx}: layer count"
    );
    let diff_ids: Vec<String> = img
        .layers
        .iter()
        .map(|l| l.diff_id.clone().unwrap_or_default())
        .collect();
    assert_eq!(diff_ids, strs(&s["diff_ids"]), "{ctx}: diff_ids");
    let c = &s["config"];
    let cfg = &img.config;
    if let Some(u) = c.get("User") {
        assert_eq!(
            cfg.user.as_deref().unwrap_or(""),
            u.as_str().unwrap_or(""),
            "{ctx}: User"
        );
    }
    assert_eq!(cfg.env, strs(&c["Env"]), "{ctx}: Env");
    if let Some(ep) = c.get("Entrypoint").filter(|v| !v.is_null()) {
        assert_eq!(
            cfg.entrypoint.clone().unwrap_or_default(),
            strs(ep),
            "{ctx}: Entrypoint"
        );
    }
    if let Some(cmd) = c.get("Cmd").filter(|v| !v.is_null()) {
        assert_eq!(cfg.cmd.clone().unwrap_or_default(), strs(cmd), "{ctx}: Cmd");
    }
    if let Some(w) = c.get("WorkingDir") {
        assert_eq!(
            cfg.working_dir.as_deref().unwrap_or(""),
            w.as_str().unwrap_or(""),
            "{ctx}: WorkingDir"
        );
    }
    let keys = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    assert_eq!(
        cfg.exposed_ports,
        keys(c.get("ExposedPorts")),
        "{ctx}: ExposedPorts"
    );
    assert_eq!(cfg.volumes, keys(c.get("Volumes")), "{ctx}: Volumes");
    let labels: BTreeMap<String, String> = c
        .get("Labels")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(cfg.labels, labels, "{ctx}: Labels");
    assert_eq!(
        cfg.stop_signal.as_deref(),
        c.get("StopSignal").and_then(Value::as_str),
        "{ctx}: StopSignal"
    );
    if let Some(h) = c.get("Healthcheck") {
        let mine = cfg.healthcheck.as_ref().unwrap();
        assert_eq!(mine.test, strs(&h["Test"]), "{ctx}: Healthcheck");
        assert_eq!(
            mine.interval_ns,
            h["Interval"].as_i64(),
            "{ctx}: Healthcheck interval"
        );
        assert_eq!(
            mine.retries,
            h["Retries"].as_i64(),
            "{ctx}: Healthcheck retries"
        );
    }
    // history mapped onto layers: every non-empty step names a layer, in order
    let mapped: Vec<usize> = img.history.iter().filter_map(|h| h.layer).collect();
    assert_eq!(
        mapped,
        (0..img.layers.len()).collect::<Vec<_>>(),
        "{ctx}: history->layer map"
    );
    for (pos, (l, ls)) in img
        .layers
        .iter()
        .zip(s["layers"].as_array().unwrap())
        .enumerate()
    {
        let lr = &a.report.layers[l.layer];
        let lc = format!("{ctx} layer {pos}");
        assert_eq!(
            lr.entry_count,
            ls["entries"].as_u64().unwrap(),
            "{lc}: entries"
        );
        if let Some(mt) = ls.get("mediaType").and_then(Value::as_str) {
            assert_eq!(lr.media_type.as_deref(), Some(mt), "{lc}: media type");
        }
        if let Some(d) = ls.get("digest").and_then(Value::as_str) {
            assert_eq!(lr.digest.as_deref(), Some(d), "{lc}: digest");
        }
        // by_type counts whiteouts as regular files
        let bt = &ls["by_type"];
        let n = |k: &str| bt.get(k).and_then(Value::as_u64).unwrap_or(0);
        let k = &lr.counts;
        assert_eq!(k.file + k.whiteout + k.opaque, n("file"), "{lc}: files");
        assert_eq!(k.dir, n("dir"), "{lc}: dirs");
        assert_eq!(k.symlink, n("symlink"), "{lc}: symlinks");
        assert_eq!(k.hardlink, n("hardlink"), "{lc}: hardlinks");
        assert_eq!(k.fifo, n("fifo"), "{lc}: fifos");
        assert_eq!(
            k.whiteout,
            ls["whiteouts"].as_array().unwrap().len() as u64,
            "{lc}: whiteouts"
        );
        assert_eq!(
            k.opaque,
            ls["opaque_whiteouts"].as_array().unwrap().len() as u64,
            "{lc}: opaque"
        );
    }
    // findings on the merged tree
    let fl = &s["flattened"];
    let find = |kind: FindingKind| -> Vec<String> {
        let mut v: Vec<String> = img
            .findings
            .iter()
            .filter(|f| f.kind == kind)
            .map(|f| f.path.clone())
            .collect();
        v.sort();
        v
    };
    let mut su = strs(&fl["setuid"]);
    su.sort();
    let mut sg = strs(&fl["setgid"]);
    sg.sort();
    assert_eq!(find(FindingKind::Setuid), su, "{ctx}: setuid");
    assert_eq!(find(FindingKind::Setgid), sg, "{ctx}: setgid");
    let caps: BTreeMap<String, String> = img
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::FileCapabilities)
        .map(|f| (f.path.clone(), f.detail.clone()))
        .collect();
    let want: BTreeMap<String, String> = fl["file_caps_getcap"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(caps, want, "{ctx}: caps");
    assert_eq!(
        a.report.images[ii].merged.paths,
        fl["paths"].as_u64().unwrap(),
        "{ctx}: flattened path count"
    );
}

fn check_archive(archive: &Path) {
    let truth = PathBuf::from(format!("{}.truth", archive.display()));
    let ctx = archive.file_name().unwrap().to_string_lossy().to_string();
    let a = open_analysis(archive);
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(truth.join("summary.json")).unwrap())
            .unwrap();
    let images = summary["images"].as_array().unwrap();
    assert_eq!(a.report.images.len(), images.len(), "{ctx}: image count");
    if let Some(items) = summary
        .get("docker_manifest_json")
        .and_then(Value::as_array)
    {
        for (i, item) in items.iter().enumerate() {
            assert_eq!(
                a.report.images[i].tags,
                strs(&item["RepoTags"]),
                "{ctx}: RepoTags of image {i}"
            );
        }
    }
    for (ii, s) in images.iter().enumerate() {
        let ictx = format!("{ctx} img{ii}");
        check_summary_image(&a, ii, s, &ictx);
        let img = &a.report.images[ii];
        // Path → whether the last layer that wrote it (GNU tar's listing) wrote a hard link.
        let mut last_is_hardlink = BTreeMap::new();
        for (pos, l) in img.layers.iter().enumerate() {
            let tvv =
                std::fs::read_to_string(truth.join(format!("img{ii}_layer{pos:02}.tar-tvv.txt")))
                    .unwrap();
            let tvv = parse_tvv(&tvv);
            for t in &tvv {
                last_is_hardlink.insert(t.path.clone(), t.mode.starts_with('h'));
            }
            check_layer_listing(&a, l.layer, &tvv, &format!("{ictx} layer {pos}"));
            let gc =
                std::fs::read_to_string(truth.join(format!("img{ii}_layer{pos:02}.getcap.txt")))
                    .unwrap_or_default();
            check_layer_caps(&a, l.layer, &getcap(&gc), &format!("{ictx} layer {pos}"));
        }
        let tsv =
            std::fs::read_to_string(truth.join(format!("img{ii}_flattened_rootfs.tsv"))).unwrap();
        check_flattened(&a, ii, &tsv, &ictx);
        check_dir_totals(&a, ii, &tsv, &last_is_hardlink, &ictx);
        let fgc = getcap(
            &std::fs::read_to_string(truth.join(format!("img{ii}_flattened_getcap.txt")))
                .unwrap_or_default(),
        );
        let merged_caps: BTreeMap<String, String> = a
            .merged_tree(ii, false)
            .unwrap()
            .into_iter()
            .filter_map(|e| e.capabilities.map(|c| (e.path, c)))
            .collect();
        assert_eq!(merged_caps, fgc, "{ictx}: flattened getcap");
        // skopeo inspect: layer digests (compressed blob digests for OCI, diff ids for docker-archive)
        let sk: Value = serde_json::from_str(
            &std::fs::read_to_string(truth.join(format!("img{ii}_skopeo_inspect.json"))).unwrap(),
        )
        .unwrap();
        let mine: Vec<String> = img
            .layers
            .iter()
            .map(|l| {
                a.report.layers[l.layer]
                    .digest
                    .clone()
                    .or_else(|| l.diff_id.clone())
                    .unwrap_or_default()
            })
            .collect();
        assert_eq!(mine, strs(&sk["Layers"]), "{ictx}: skopeo Layers");
        assert_eq!(
            img.architecture.as_deref(),
            sk["Architecture"].as_str(),
            "{ictx}: skopeo Architecture"
        );
        assert_eq!(img.config.env, strs(&sk["Env"]), "{ictx}: skopeo Env");
        // An OCI layout names each image's manifest by digest, which skopeo recomputes; a
        // docker-archive has no manifest blob (skopeo's digest is of one it writes itself).
        let skopeo_digest = sk["Digest"].as_str().expect("skopeo inspect prints a Digest");
        match a.report.archive.format {
            tarsier::core::image::ArchiveFormat::OciLayout => assert_eq!(
                img.manifest_digest.as_deref(),
                Some(skopeo_digest),
                "{ictx}: manifest digest"
            ),
            _ => assert_eq!(img.manifest_digest, None, "{ictx}: a docker-archive records no manifest digest"),
        }
    }
    check_layer_aliases(archive, &a, &ctx);
    // JSON round trip of the full report
    let json = serde_json::to_string(&a.full_report()).unwrap();
    let back: tarsier::core::image::Report = serde_json::from_str(&json).unwrap();
    assert_eq!(back.images.len(), a.report.images.len());
    // digests verify (mismatches would be warnings; these archives are intact)
    let f = File::open(archive).unwrap();
    let checks = verify_digests(f, &a, &mut |_| Flow::Continue).unwrap();
    assert!(!checks.is_empty(), "{ctx}: no digest checks");
    for c in &checks {
        assert!(c.ok, "{ctx}: digest mismatch {c:?}");
    }
    // Every config and every layer with a sha256 digest or diff_id is among them.
    let has = |subject: &str, check: &str, member: &str, expected: &str| {
        checks.iter().any(|c| (c.subject.as_str(), c.check.as_str(), c.member.as_str(), c.expected.as_str()) == (subject, check, member, expected))
    };
    for img in &a.report.images {
        if let Some(d) = img.config_digest.as_deref().filter(|d| d.starts_with("sha256:")) {
            assert!(has("config", "digest", &img.config_member, d), "{ctx}: config {d} not verified: {checks:?}");
        }
    }
    for l in &a.report.layers {
        for (check, d) in [("digest", &l.digest), ("diff_id", &l.diff_id)] {
            if let Some(d) = d.as_deref().filter(|d| d.starts_with("sha256:")) {
                assert!(has("layer", check, &l.member, d), "{ctx}: layer {} {check} {d} not verified", l.index);
            }
        }
    }
}

/// Each layer's `aliases` are the symbolic links of the outer archive that lead to its member
/// (docker save's `<id>/layer.tar -> ../blobs/sha256/…`), as GNU `tar -tvf` lists them.
fn check_layer_aliases(archive: &Path, a: &Analysis, ctx: &str) {
    let out = std::process::Command::new("tar")
        .arg("-tvf")
        .arg(archive)
        .output()
        .unwrap_or_else(|e| panic!("running GNU tar (Debian package tar): {e}"));
    assert!(out.status.success(), "{ctx}: tar -tvf: {}", String::from_utf8_lossy(&out.stderr));
    let listing = String::from_utf8(out.stdout).unwrap();
    let normal = |p: &str| -> String {
        let mut parts: Vec<&str> = Vec::new();
        for c in p.split('/') {
            match c {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                c => parts.push(c),
            }
        }
        parts.join("/")
    };
    // link name -> target, resolved against the link's directory
    let links: BTreeMap<String, String> = listing
        .lines()
        .filter(|l| l.starts_with('l'))
        .map(|l| {
            // mode owner size date time NAME -> TARGET
            let name_target = l.split_whitespace().skip(5).collect::<Vec<_>>().join(" ");
            let (name, target) = name_target.split_once(" -> ").unwrap_or_else(|| panic!("{ctx}: {l}"));
            let dir = name.rsplit_once('/').map_or("", |(d, _)| d);
            let resolved = if target.starts_with('/') { normal(target) } else { normal(&format!("{dir}/{target}")) };
            (normal(name), resolved)
        })
        .collect();
    for l in &a.report.layers {
        let mut want: Vec<String> = links
            .keys()
            .filter(|name| {
                let mut at = (*name).clone();
                for _ in 0..40 {
                    match links.get(&at) {
                        Some(next) => at = next.clone(),
                        None => break,
                    }
                }
                at == l.member
            })
            .cloned()
            .collect();
        want.sort();
        assert_eq!(l.aliases, want, "{ctx}: aliases of layer {} ({})", l.index, l.member);
    }
}

macro_rules! fixture_test {
    ($name:ident, $path:expr) => {
        #[test]
        fn $name() {
            check_archive(&fixtures().join($path));
        }
    };
}

fixture_test!(a1_docker_archive, "images/a1_podman_docker-archive.tar");
fixture_test!(
    a5_gzipped_docker_archive,
    "images/a5_podman_docker-archive.tar.gz"
);
fixture_test!(
    b1_oci_archive_gzip_layers,
    "images/b1_podman_oci-archive.tar"
);
fixture_test!(
    c1_two_images_shared_layer,
    "images/c1_podman_docker-archive_multi.tar"
);
fixture_test!(d2_oci_zstd_layers, "images/d2_skopeo_oci-archive_zstd.tar");
fixture_test!(e1_empty_layer, "images/e1_podman_docker-archive_empty.tar");
fixture_test!(
    g1_opaque_whiteout,
    "images/g1_podman_overlay_docker-archive_opaque.tar"
);
fixture_test!(
    trivy_alpine_gzipped_save,
    "public/aquasecurity__trivy/pkg/fanal/test/testdata/alpine-311.tar.gz"
);
fixture_test!(
    ggcr_overwritten_file,
    "public/google__go-containerregistry/pkg/v1/mutate/testdata/overwritten_file.tar"
);
fixture_test!(
    ggcr_whiteout_image,
    "public/google__go-containerregistry/pkg/v1/mutate/testdata/whiteout_image.tar"
);
fixture_test!(
    ggcr_hello_world_docker25,
    "public/google__go-containerregistry/pkg/v1/tarball/testdata/hello-world-v25.tar"
);
fixture_test!(
    ggcr_test_bundle,
    "public/google__go-containerregistry/pkg/v1/tarball/testdata/test_bundle.tar"
);
fixture_test!(
    ggcr_test_image_1,
    "public/google__go-containerregistry/pkg/v1/tarball/testdata/test_image_1.tar"
);
fixture_test!(
    ggcr_test_link,
    "public/google__go-containerregistry/pkg/v1/tarball/testdata/test_link.tar"
);
fixture_test!(
    dive_oci_gzip,
    "public/wagoodman__dive/.data/test-oci-gzip-image.tar"
);
fixture_test!(
    dive_oci_zstd,
    "public/wagoodman__dive/.data/test-oci-zstd-image.tar"
);

fn expect_error(path: &str, code: &str) -> String {
    let p = fixtures().join(path);
    let f = File::open(&p).unwrap();
    let len = f.metadata().unwrap().len();
    let e = analyze(f, len, &Options::named(path), &mut |_| Flow::Continue).unwrap_err();
    assert_eq!(e.code(), code, "{path}: {e}");
    let msg = e.to_string();
    // The core's sentence does not name the file: the edge (CLI, page) puts the name before it,
    // once.
    let name = path.rsplit('/').next().unwrap_or(path);
    assert!(!msg.contains(name), "the core's message names the file: {msg}");
    assert!(msg.ends_with('.'), "one sentence: {msg}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tarsier"))
        .args(["inspect", "--json"])
        .arg(&p)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr, format!("tarsier: {}: {msg}\n", p.display()), "the CLI names the file once");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["code"], code);
    assert_eq!(v["error"]["message"], msg.as_str());
    assert_eq!(v["error"]["file"], p.display().to_string());
    msg
}

#[test]
fn no_manifest_is_a_clear_error() {
    let m = expect_error(
        "public/google__go-containerregistry/pkg/v1/tarball/testdata/no_manifest.tar",
        "missing_manifest",
    );
    assert!(m.contains("manifest.json"));
}

#[test]
fn null_manifest_is_a_clear_error() {
    let m = expect_error(
        "public/google__go-containerregistry/pkg/v1/tarball/testdata/null_manifest.tar",
        "missing_manifest",
    );
    assert!(m.contains("null"));
}

#[test]
fn pre_1_10_save_without_manifest_is_a_clear_error() {
    expect_error(
        "public/moby__moby/integration-cli/testdata/emptyLayer.tar",
        "missing_manifest",
    );
}

#[test]
fn a_tar_that_is_not_an_image_is_a_clear_error() {
    expect_error(
        "public/wagoodman__dive/.data/test-gzip-image.tar",
        "missing_manifest",
    );
}

#[test]
fn bare_layer_with_capability_xattr() {
    let base = fixtures()
        .join("public/moby__moby/daemon/builder/remotecontext/internal/tarsum/testdata/xattr");
    let f = File::open(base.join("layer.tar")).unwrap();
    let entries = tarsier::core::image::list_layer(f, &Options::named("layer.tar")).unwrap();
    let tvv = parse_tvv(
        &std::fs::read_to_string(base.join("layer.tar.truth/layer.tar-tvv.txt")).unwrap(),
    );
    assert_eq!(entries.len(), tvv.len());
    for (e, t) in entries.iter().zip(&tvv) {
        assert_eq!(e.path, t.path);
        assert_eq!(e.mode_str, t.mode);
        assert_eq!(e.size.to_string(), t.size);
    }
    let caps =
        getcap(&std::fs::read_to_string(base.join("layer.tar.truth/layer.getcap.txt")).unwrap());
    let mine: BTreeMap<String, String> = entries
        .iter()
        .filter_map(|e| {
            e.capabilities
                .as_ref()
                .map(|c| (e.path.clone(), c.text.clone()))
        })
        .collect();
    assert_eq!(mine, caps);
}

#[test]
fn dpkg_small_layers_merged_tree_and_packages() {
    let base = fixtures().join("images/dpkg-small.tar.truth");
    let a = open_analysis(&fixtures().join("images/dpkg-small.tar"));
    assert_eq!(a.report.images.len(), 1);
    let img = &a.report.images[0];
    for (pos, l) in img.layers.iter().enumerate() {
        let tvv = parse_tvv(
            &std::fs::read_to_string(base.join(format!("layers/layer{}.tar-tvv.txt", pos + 1)))
                .unwrap(),
        );
        check_layer_listing(&a, l.layer, &tvv, &format!("dpkg-small layer {pos}"));
    }
    // merged-rootfs.tsv: path type size mode uid gid link
    let tree = a.merged_tree(0, false).unwrap();
    let mut want = BTreeMap::new();
    for line in std::fs::read_to_string(base.join("merged-rootfs.tsv"))
        .unwrap()
        .lines()
    {
        let c: Vec<&str> = line.split('\t').collect();
        if c[0].is_empty() {
            continue;
        }
        want.insert(
            c[0].to_owned(),
            (
                c[1].to_owned(),
                c[2].to_owned(),
                c[3].to_owned(),
                c[6].to_owned(),
            ),
        );
    }
    assert_eq!(tree.len(), want.len());
    for e in &tree {
        let (t, size, mode, link) = &want[&e.path];
        assert_eq!(
            e.mode_str
                .chars()
                .next()
                .unwrap()
                .to_string()
                .replace('-', "f"),
            *t,
            "{}",
            e.path
        );
        assert_eq!(format!("{:o}", e.mode & 0o7777), *mode, "{}", e.path);
        if e.kind == EntryKind::File {
            assert_eq!(e.size.to_string(), *size, "{}", e.path);
        }
        assert_eq!(
            e.link_target.clone().unwrap_or_default(),
            *link,
            "{}",
            e.path
        );
    }
    // packages: final set = merged.tsv; layer of installation from layer1/layer2.tsv
    let read_pk = |f: &str| -> BTreeMap<String, String> {
        std::fs::read_to_string(base.join("packages").join(f))
            .unwrap()
            .lines()
            .map(|l| {
                let c: Vec<&str> = l.split('\t').collect();
                (c[0].to_owned(), c[1].to_owned())
            })
            .collect()
    };
    let merged = read_pk("merged.tsv");
    let l1 = read_pk("layer1.tsv");
    let mine: BTreeMap<String, String> = img
        .packages
        .iter()
        .map(|p| (p.name.clone(), p.version.clone()))
        .collect();
    assert_eq!(mine, merged);
    for p in &img.packages {
        let expect = if l1.contains_key(&p.name) { 0 } else { 1 };
        assert_eq!(p.installed_in, expect, "{}", p.name);
        if let Some(v) = l1.get(&p.name) {
            assert_eq!(p.changed_in.is_empty(), *v == p.version, "{}", p.name);
        }
    }
    // reading a file through the merged view returns the recorded status file
    let f = File::open(fixtures().join("images/dpkg-small.tar")).unwrap();
    let bytes = read_merged(f, &a, 0, "var/lib/dpkg/status", 0, usize::MAX).unwrap();
    assert_eq!(
        bytes,
        std::fs::read(base.join("packages/layer2.status")).unwrap()
    );
}

#[test]
fn alpine_packages_from_apk_db() {
    let a = open_analysis(
        &fixtures().join("public/aquasecurity__trivy/pkg/fanal/test/testdata/alpine-311.tar.gz"),
    );
    let img = &a.report.images[0];
    assert!(img.packages.len() >= 10, "{:?}", img.packages);
    assert!(img
        .packages
        .iter()
        .any(|p| p.name == "musl" && p.installed_in == 0));
    assert!(img.packages.iter().any(|p| p.name == "busybox"));
}

#[test]
fn same_bytes_from_every_layout() {
    // a1 (plain), a5 (gzipped archive), b1 (gzip layers), d2 (zstd layers) hold the same busybox
    let mut first: Option<Vec<u8>> = None;
    for p in [
        "images/a1_podman_docker-archive.tar",
        "images/a5_podman_docker-archive.tar.gz",
        "images/b1_podman_oci-archive.tar",
        "images/d2_skopeo_oci-archive_zstd.tar",
    ] {
        let path = fixtures().join(p);
        let a = open_analysis(&path);
        let whole = read_merged(
            File::open(&path).unwrap(),
            &a,
            0,
            "bin/busybox",
            0,
            usize::MAX,
        )
        .unwrap();
        assert_eq!(whole.len(), 1_982_256, "{p}");
        let range = read_merged(
            File::open(&path).unwrap(),
            &a,
            0,
            "bin/busybox.hardlink",
            1000,
            100,
        )
        .unwrap();
        assert_eq!(range, whole[1000..1100], "{p}: range via hard link");
        let via_symlink = read_merged(File::open(&path).unwrap(), &a, 0, "bin/sh", 0, 16).unwrap();
        assert_eq!(via_symlink, whole[..16], "{p}: via symlink");
        match &first {
            None => first = Some(whole),
            Some(f) => assert_eq!(f, &whole, "{p}"),
        }
        // a deleted file cannot be read from the merged view, but can from its layer
        assert!(read_merged(File::open(&path).unwrap(), &a, 0, "etc/motd", 0, 10).is_err());
        let l0 = a.report.images[0].layers[0].layer;
        let motd = tarsier::core::image::read_entry(
            File::open(&path).unwrap(),
            &a,
            l0,
            "etc/motd",
            0,
            1000,
        )
        .unwrap();
        assert_eq!(motd.len(), 33);
    }
}

#[test]
fn queries_list_dir_history_and_search() {
    let a = open_analysis(&fixtures().join("images/a1_podman_docker-archive.tar"));
    let etc = a.list_dir(0, "etc", true).unwrap();
    let motd = etc.iter().find(|e| e.name == "motd").unwrap();
    assert_eq!(motd.status, tarsier::core::image::MergedStatus::Deleted);
    assert_eq!(motd.layer, 2);
    let present = a.list_dir(0, "etc", false).unwrap();
    assert!(present
        .iter()
        .all(|e| e.status == tarsier::core::image::MergedStatus::Present));
    let hits = a.search(0, "*.conf", false, 10);
    assert!(hits.iter().all(|h| h.path.ends_with(".conf")) && !hits.is_empty());
    // A part of a path (with a `/`) matches the path, not only the name.
    let by_path = a.search(0, "/etc/pass", false, 10);
    assert_eq!(by_path.iter().map(|h| h.path.as_str()).collect::<Vec<_>>(), ["etc/passwd", "etc/passwd.abs-link"]);
    let capped = a.search(0, "bin", false, 2);
    assert_eq!(capped.len(), 2);
    let img = &a.report.images[0];
    assert!(img.efficiency.score > 0.0 && img.efficiency.score <= 1.0);
    assert!(img.efficiency.wasted_bytes > 0);
    assert!(img
        .findings
        .iter()
        .any(|f| f.kind == FindingKind::WorldWritableSticky && f.path == "tmp"));
}

#[test]
fn opaque_directory_hides_lower_content() {
    let a = open_analysis(&fixtures().join("images/g1_podman_overlay_docker-archive_opaque.tar"));
    let d = a.list_dir(0, "etc/config.d", true).unwrap();
    let names: Vec<(&str, tarsier::core::image::MergedStatus)> =
        d.iter().map(|e| (e.name.as_str(), e.status)).collect();
    use tarsier::core::image::MergedStatus::*;
    assert_eq!(
        names,
        vec![
            ("a.conf", Hidden),
            ("b.conf", Hidden),
            ("ovl.conf", Present)
        ]
    );
}

#[test]
fn progress_is_reported_and_cancel_stops() {
    let p = fixtures().join("images/a1_podman_docker-archive.tar");
    let f = File::open(&p).unwrap();
    let len = f.metadata().unwrap().len();
    let mut calls = 0;
    let mut last = 0;
    analyze(f, len, &Options::named("a1"), &mut |pr| {
        calls += 1;
        assert!(pr.bytes_done >= last || pr.phase != tarsier::core::image::Phase::Indexing);
        last = pr.bytes_done;
        assert_eq!(pr.bytes_total, len);
        Flow::Continue
    })
    .unwrap();
    assert!(calls >= 3, "{calls}");
    let f = File::open(&p).unwrap();
    let e = analyze(f, len, &Options::named("a1"), &mut |_| Flow::Cancel).unwrap_err();
    assert_eq!(e.code(), "cancelled");
}

/// On a terminal `tarsier inspect` shows the core's progress on one line of stderr, each event
/// as `Phase pct% N files member` with pct = bytes_done × 100 / bytes_total, and clears the line
/// when done; with stderr not a terminal it prints nothing there.
#[test]
fn cli_progress_on_a_terminal() {
    use std::io::Read;
    use std::os::fd::{FromRawFd, OwnedFd};
    use std::process::{Command, Stdio};
    let p = fixtures().join("images/a1_podman_docker-archive.tar");
    let name = p.display().to_string();
    // The events the core reports for this archive, formatted as the CLI must show them.
    let f = File::open(&p).unwrap();
    let len = f.metadata().unwrap().len();
    let mut want = String::new();
    analyze(f, len, &Options::named(name.clone()), &mut |pr| {
        let pct = (pr.bytes_done * 100).checked_div(pr.bytes_total).unwrap_or(0);
        let current: String = pr.current.chars().take(60).collect();
        want.push_str(&format!("\r\x1b[K{:?} {pct:3}% {} files {current}", pr.phase, pr.files_seen));
        Flow::Continue
    })
    .unwrap();
    assert!(want.contains("100% "), "{want:?}");
    want.push_str("\r\x1b[K");

    let (mut master, mut slave) = (0, 0);
    // SAFETY: openpty writes two new descriptors, owned from here on.
    let rc = unsafe { libc::openpty(&mut master, &mut slave, std::ptr::null_mut(), std::ptr::null(), std::ptr::null()) };
    assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let mut child = Command::new(env!("CARGO_BIN_EXE_tarsier"))
        .args(["inspect", "--threads", "1", &name])
        .stdout(Stdio::null())
        .stderr(Stdio::from(slave))
        .spawn()
        .unwrap();
    // Read until the child's end of the terminal is closed (EIO on Linux).
    let mut got = Vec::new();
    let mut master = File::from(master);
    let mut buf = [0u8; 4096];
    loop {
        match master.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.raw_os_error() == Some(libc::EIO) => break,
            Err(e) => panic!("reading the terminal: {e}"),
        }
    }
    assert!(child.wait().unwrap().success());
    assert_eq!(String::from_utf8(got).unwrap(), want);

    let out = Command::new(env!("CARGO_BIN_EXE_tarsier")).args(["inspect", &name]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

/// The overview an observer gets before the layers are indexed: for a plain archive it comes
/// before any layer byte is read, and holds every image's tags, platform, config, history and
/// layer diff_ids as the full report (checked against the oracle above) has them;
/// `read_overview` gives the same; a compressed archive gives none.
#[test]
fn overview_comes_first_and_agrees_with_the_report() {
    use tarsier::core::image::{analyze_observed, read_overview, Observer, Overview, Progress, Report};
    #[derive(Default)]
    struct Seen {
        overview: Option<Report>,
        bytes_before_overview: u64,
    }
    impl Observer for Seen {
        fn progress(&mut self, p: Progress) -> Flow {
            if self.overview.is_none() {
                self.bytes_before_overview = self.bytes_before_overview.max(p.bytes_done);
            }
            Flow::Continue
        }
        fn overview(&mut self, o: &Overview) -> Flow {
            assert!(self.overview.is_none(), "one overview");
            self.overview = Some(o.clone());
            Flow::Continue
        }
    }
    let images = |r: &Report| -> Vec<Value> {
        r.images
            .iter()
            .map(|i| {
                let diff_ids: Vec<_> = i.layers.iter().map(|l| l.diff_id.clone()).collect();
                serde_json::json!([i.tags, i.os, i.architecture, i.variant, i.created, i.config, i.history, diff_ids, i.config_digest])
            })
            .collect()
    };
    for name in ["a1_podman_docker-archive.tar", "b1_podman_oci-archive.tar", "c1_podman_docker-archive_multi.tar", "a5_podman_docker-archive.tar.gz"] {
        let path = fixtures().join("images").join(name);
        let len = std::fs::metadata(&path).unwrap().len();
        let opts = Options::named(name);
        let mut seen = Seen::default();
        let full = analyze_observed(File::open(&path).unwrap(), len, &opts, &mut seen, Vec::new()).unwrap();
        let alone = read_overview(File::open(&path).unwrap(), len, &opts);
        if name.ends_with(".gz") {
            assert!(seen.overview.is_none() && alone.is_none(), "{name}: a compressed archive has no overview");
            continue;
        }
        let overview = seen.overview.unwrap_or_else(|| panic!("{name}: no overview"));
        assert_eq!(seen.bytes_before_overview, 0, "{name}: the overview comes before the layers are read");
        assert!(!overview.images.is_empty(), "{name}");
        assert_eq!(images(&overview), images(&full.report), "{name}");
        assert_eq!(overview.archive.name, full.report.archive.name, "{name}");
        assert_eq!(serde_json::to_value(alone.unwrap()).unwrap(), serde_json::to_value(&overview).unwrap(), "{name}");
    }
}

/// `docker save` since Docker 25 writes an OCI layout with a `manifest.json` beside it, naming
/// the same blobs. Made here from podman's OCI archive (GNU tar out, a manifest.json as Docker
/// writes it, GNU tar in): the image is the OCI one, so its manifest digest is the one skopeo
/// gives for the OCI archive; without RepoTags, the tags are the index's reference name.
#[test]
fn a_docker_25_archive_takes_the_oci_manifest_of_the_same_config() {
    let fixture = fixtures().join("images/b1_podman_oci-archive.tar");
    let truth = fixtures().join("images/b1_podman_oci-archive.tar.truth");
    let sk: Value = serde_json::from_str(&std::fs::read_to_string(truth.join("img0_skopeo_inspect.json")).unwrap()).unwrap();
    let dir = std::env::temp_dir().join(format!("tarsier-docker25-{}", std::process::id()));
    let root = dir.join("root");
    std::fs::create_dir_all(&root).unwrap();
    let tar = |args: &[&str]| {
        let out = std::process::Command::new("tar").args(args).output().expect("GNU tar");
        assert!(out.status.success(), "tar {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    tar(&["-C", root.to_str().unwrap(), "-xf", fixture.to_str().unwrap()]);
    let index: Value = serde_json::from_str(&std::fs::read_to_string(root.join("index.json")).unwrap()).unwrap();
    let blob = |digest: &str| root.join("blobs/sha256").join(digest.trim_start_matches("sha256:"));
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(blob(index["manifests"][0]["digest"].as_str().unwrap())).unwrap()).unwrap();
    let path = |d: &Value| format!("blobs/sha256/{}", d["digest"].as_str().unwrap().trim_start_matches("sha256:"));
    let layers: Vec<String> = manifest["layers"].as_array().unwrap().iter().map(path).collect();
    for (tags, want) in [(vec![], vec!["localhost/corpus/test:1.0"]), (vec!["docker.io/x/y:2"], vec!["docker.io/x/y:2"])] {
        let item = serde_json::json!([{ "Config": path(&manifest["config"]), "RepoTags": tags, "Layers": layers }]);
        std::fs::write(root.join("manifest.json"), item.to_string()).unwrap();
        let out = dir.join("docker25.tar");
        tar(&["-C", root.to_str().unwrap(), "-cf", out.to_str().unwrap(), "blobs", "index.json", "oci-layout", "manifest.json"]);
        let a = open_analysis(&out);
        assert_eq!(a.report.archive.format, tarsier::core::image::ArchiveFormat::OciWithDockerManifest);
        let img = &a.report.images[0];
        assert_eq!((img.manifest_digest.as_deref(), &img.tags), (sk["Digest"].as_str(), &want.iter().map(|s| s.to_string()).collect::<Vec<_>>()));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
