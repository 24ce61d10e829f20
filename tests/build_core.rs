//! The image builder's core (`tarsier::core::build`) read back with an independent tar reader
//! (the `tar` crate's `Archive`) and JSON parser: fast checks of every stage, run for each
//! mutant. The real-tool round trips (podman, skopeo, umoci) are in `tests/build.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use sha2::{Digest, Sha256};
use std::io::{Cursor, Read};
use tarsier::core::build::{
    build, clean_path, read_rootfs, write_layer, write_parts, BuildError, BuildSpec, Change, ConfigSpec, Format, Part, Platform, Reference,
    MAX_ADDED_BYTES, MAX_CHANGES,
};

/// Every entry of a tar: (path, type byte, mode, uid, gid, mtime, link, body).
type Entry = (String, u8, u32, u64, u64, u64, Option<String>, Vec<u8>);

fn entries(tar: &[u8]) -> Vec<Entry> {
    let mut a = tar::Archive::new(Cursor::new(tar));
    a.entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            let path = String::from_utf8(e.path_bytes().into_owned()).unwrap();
            let h = e.header().clone();
            let link = e.link_name_bytes().map(|l| String::from_utf8(l.into_owned()).unwrap());
            let mut body = Vec::new();
            e.read_to_end(&mut body).unwrap();
            (path, h.entry_type().as_byte(), h.mode().unwrap(), h.uid().unwrap(), h.gid().unwrap(), h.mtime().unwrap(), link, body)
        })
        .collect()
}

fn sha(bytes: &[u8]) -> String {
    format!("sha256:{:x}", Sha256::digest(bytes))
}

fn file(path: &str, body: &str) -> Change {
    Change::File { path: path.into(), body: body.as_bytes().to_vec(), mode: 0o644, uid: 0, gid: 0 }
}

/// The archive's bytes (only new bytes: no base, no rootfs).
fn bytes(parts: &[Part]) -> Vec<u8> {
    let mut out = Vec::new();
    write_parts(parts, None, None, &mut out).unwrap();
    out
}

fn member<'a>(archive: &'a [Entry], path: &str) -> &'a [u8] {
    &archive.iter().find(|e| e.0 == path).unwrap_or_else(|| panic!("no {path}")).7
}

fn json(archive: &[Entry], path: &str) -> Value {
    serde_json::from_slice(member(archive, path)).unwrap()
}

fn blob<'a>(archive: &'a [Entry], digest: &str) -> &'a [u8] {
    member(archive, &format!("blobs/sha256/{}", digest.trim_start_matches("sha256:")))
}

#[test]
fn paths_are_made_canonical_or_refused() {
    assert_eq!(clean_path("/etc//./release").unwrap(), "etc/release");
    assert_eq!(clean_path("./a/b/").unwrap(), "a/b");
    for bad in ["..", "a/../b", "/", "", ".", "a/.wh.b", "a\0b", &"x".repeat(4097)] {
        assert!(clean_path(bad).is_err(), "{bad:?}");
    }
    assert!(clean_path(&"x".repeat(4096)).is_ok());
    assert!(clean_path("a/..b/c").is_ok(), "`..b` is a name, not a climb");
}

#[test]
fn changes_are_checked_for_conflicts_and_limits() {
    let spec = |changes: Vec<Change>| BuildSpec { changes, ..BuildSpec::default() };
    let err = |changes| spec(changes).check().unwrap_err().to_string();
    assert!(err(vec![file("a", "1"), file("/a", "2")]).contains("given twice"));
    assert!(err(vec![Change::Delete { path: "d".into() }, file("d/x", "1")]).contains("is deleted"));
    assert!(err(vec![Change::Delete { path: "d".into() }, file("d", "1")]).contains("given twice"));
    // Deleting `d` says nothing about `dd/x`; an opaque whiteout sits beside its own directory.
    spec(vec![Change::Delete { path: "d".into() }, file("dd/x", "1")]).check().unwrap();
    spec(vec![Change::Opaque { path: "d".into() }, Change::Dir { path: "d".into(), mode: 0o755, uid: 0, gid: 0 }, file("d/x", "1")]).check().unwrap();
    let big = |n: usize| Change::File { path: format!("f{n}"), body: vec![0; (MAX_ADDED_BYTES / 2) as usize], mode: 0o644, uid: 0, gid: 0 };
    spec(vec![big(1), big(2)]).check().unwrap();
    assert!(err(vec![big(1), big(2), file("f3", "x")]).contains("MiB"));
    let many: Vec<Change> = (0..=MAX_CHANGES).map(|i| Change::Delete { path: format!("p{i}") }).collect();
    assert!(err(many).contains("changes"));
    let bad_time = BuildSpec { created: Some("2024-13-01T00:00:00Z".into()), ..BuildSpec::default() };
    assert!(bad_time.check().unwrap_err().to_string().contains("RFC 3339"));
}

#[test]
fn references_follow_docker_tag() {
    let r = |t: &str| Reference::parse(t).map(|r| (r.to_string(), r.containerd_name()));
    assert_eq!(r("busybox").unwrap(), ("busybox:latest".into(), "docker.io/library/busybox:latest".into()));
    assert_eq!(r("team/app:v1").unwrap(), ("team/app:v1".into(), "docker.io/team/app:v1".into()));
    assert_eq!(r("localhost:5000/app:1").unwrap(), ("localhost:5000/app:1".into(), "localhost:5000/app:1".into()));
    assert_eq!(r("quay.io/a/b").unwrap(), ("quay.io/a/b:latest".into(), "quay.io/a/b:latest".into()));
    assert_eq!(r("a__b-c.d---e").unwrap().0, "a__b-c.d---e:latest");
    for bad in ["Busybox", "a:", "a:-x", "a@sha256:00", "a..b", "a___b", "-a", "a-", "", "a//b", "host:99999/a", &format!("a:{}", "t".repeat(129))] {
        assert!(Reference::parse(bad).is_err(), "{bad:?}");
    }
    assert!(Reference::parse(&format!("a:{}", "t".repeat(128))).is_ok());
}

#[test]
fn platforms_are_two_or_three_parts() {
    assert_eq!(Platform::parse("linux/arm64/v8").unwrap().variant.as_deref(), Some("v8"));
    assert_eq!(Platform::parse("linux/amd64").unwrap(), Platform::default());
    for bad in ["linux", "linux/", "/amd64", "a/b/c/d", "linux/arm/"] {
        assert!(Platform::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn the_layer_is_sorted_normalised_and_whiteouts_are_named_by_the_oci_rules() {
    let changes = vec![
        file("z/last", "z"),
        Change::File { path: "bin/tool".into(), body: b"#!/bin/sh\n".to_vec(), mode: 0o4755, uid: 10, gid: 20 },
        Change::Dir { path: "a".into(), mode: 0o700, uid: 1, gid: 2 },
        Change::Symlink { path: "a/link".into(), target: "../bin/tool".into(), uid: 0, gid: 0 },
        Change::Delete { path: "etc/hostname".into() },
        Change::Delete { path: "top".into() },
        Change::Opaque { path: "var/cache".into() },
    ];
    let layer = write_layer(&changes, 1_700_000_000, false).unwrap();
    assert!(!layer.gzip);
    assert_eq!(layer.digest, sha(&layer.blob));
    assert_eq!(layer.diff_id, layer.digest);
    let got = entries(&layer.blob);
    let names: Vec<&str> = got.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(names, [".wh.top", "a/", "a/link", "bin/tool", "etc/.wh.hostname", "var/cache/.wh..wh..opq", "z/last"], "sorted by path bytes");
    let by = |p: &str| got.iter().find(|e| e.0 == p).unwrap();
    assert_eq!((by("a/").1, by("a/").2, by("a/").3, by("a/").4), (b'5', 0o700, 1, 2));
    assert_eq!((by("a/link").1, by("a/link").2, by("a/link").6.as_deref()), (b'2', 0o777, Some("../bin/tool")));
    assert_eq!((by("bin/tool").1, by("bin/tool").2, by("bin/tool").3, by("bin/tool").4), (b'0', 0o4755, 10, 20));
    assert_eq!(by("bin/tool").7, b"#!/bin/sh\n");
    assert_eq!((by(".wh.top").1, by(".wh.top").7.len()), (b'0', 0));
    assert!(got.iter().all(|e| e.5 == 1_700_000_000), "every entry has the build's time");
    // The tar ends with two zero blocks, and its length is whole blocks.
    assert_eq!(layer.blob.len() % 512, 0);
    assert!(layer.blob.ends_with(&[0; 1024]));
    // gzip: the same tar inside, a digest of its own, the diff_id of the tar.
    let gz = write_layer(&changes, 1_700_000_000, true).unwrap();
    assert!(gz.gzip);
    let mut tar = Vec::new();
    flate2::read::GzDecoder::new(&gz.blob[..]).read_to_end(&mut tar).unwrap();
    assert_eq!(tar, layer.blob);
    assert_eq!((gz.diff_id.as_str(), gz.digest.clone()), (layer.diff_id.as_str(), sha(&gz.blob)));
    assert_eq!(&gz.blob[4..8], &[0, 0, 0, 0], "gzip mtime 0");
}

#[test]
fn long_names_and_link_targets_survive_through_pax() {
    let long = format!("{}/{}", "d".repeat(180), "f".repeat(120));
    let target = "t".repeat(150);
    let changes = vec![file(&long, "x"), Change::Symlink { path: "l".into(), target: target.clone(), uid: 0, gid: 0 }];
    let got = entries(&write_layer(&changes, 0, false).unwrap().blob);
    assert_eq!(got[0].0, long);
    assert_eq!(got[0].7, b"x");
    assert_eq!(got[1].6.as_deref(), Some(target.as_str()));
    // A long name whose 100th byte falls inside a character: the ustar name field (what a
    // reader without pax support shows) holds the longest whole-character start of it, and the
    // pax record the whole name.
    let accented = format!("a{}", "é".repeat(80));
    let layer = write_layer(&[file(&accented, "y")], 0, false).unwrap().blob;
    assert_eq!(entries(&layer)[0].0, accented);
    let mut a = tar::Archive::new(Cursor::new(&layer[..]));
    let headers: Vec<tar::Header> = a.entries().unwrap().raw(true).map(|e| e.unwrap().header().clone()).collect();
    let header = headers.iter().find(|h| h.entry_type().is_file()).unwrap();
    let field = &header.as_old().name;
    let end = field.iter().position(|&b| b == 0).unwrap_or(100);
    assert_eq!(std::str::from_utf8(&field[..end]).unwrap(), &accented[..99]);
    let big_id = Change::File { path: "owned".into(), body: Vec::new(), mode: 0o644, uid: 3_000_000, gid: 4_000_000 };
    let got = entries(&write_layer(&[big_id], 0, false).unwrap().blob);
    assert_eq!((got[0].3, got[0].4), (3_000_000, 4_000_000));
}

#[test]
fn the_empty_image_is_an_oci_layout_with_docker_manifests() {
    let spec = BuildSpec { tags: vec!["empty".into(), "me/empty:v1".into()], ..BuildSpec::default() };
    let built = build(&spec, None, None).unwrap();
    let out = bytes(&built.parts);
    assert_eq!(out.len() as u64, built.len);
    assert_eq!(out.len() % 512, 0);
    let a = entries(&out);
    let names: Vec<&str> = a.iter().map(|e| e.0.as_str()).collect();
    let empty = sha(&[0; 1024]);
    assert_eq!(built.layers, std::slice::from_ref(&empty));
    let blob_names: Vec<String> = [&empty, &built.config_digest, &built.manifest_digest].iter().map(|d| format!("blobs/sha256/{}", d.trim_start_matches("sha256:"))).collect();
    let mut want = vec!["blobs/", "blobs/sha256/"];
    want.extend(blob_names.iter().map(String::as_str));
    want.extend(["index.json", "manifest.json", "oci-layout", "repositories"]);
    assert_eq!(names, want);
    assert!(a.iter().all(|e| e.5 == 0 && e.3 == 0 && e.4 == 0), "fixed time and owner");
    assert_eq!(blob(&a, &empty), &[0u8; 1024][..]);
    let manifest: Value = serde_json::from_slice(blob(&a, &built.manifest_digest)).unwrap();
    assert_eq!(sha(blob(&a, &built.manifest_digest)), built.manifest_digest);
    assert_eq!(manifest["mediaType"], "application/vnd.oci.image.manifest.v1+json");
    assert_eq!(manifest["config"]["digest"], built.config_digest);
    assert_eq!(manifest["config"]["size"], blob(&a, &built.config_digest).len());
    assert_eq!(manifest["layers"][0]["mediaType"], "application/vnd.oci.image.layer.v1.tar");
    assert_eq!(manifest["layers"][0]["size"], 1024);
    let config: Value = serde_json::from_slice(blob(&a, &built.config_digest)).unwrap();
    assert_eq!(config["rootfs"], serde_json::json!({ "type": "layers", "diff_ids": [empty] }));
    assert_eq!((config["os"].as_str(), config["architecture"].as_str(), config["created"].as_str()), (Some("linux"), Some("amd64"), Some("1970-01-01T00:00:00Z")));
    assert_eq!(config["history"], serde_json::json!([{ "created": "1970-01-01T00:00:00Z", "created_by": "tarsier build" }]));
    let index = json(&a, "index.json");
    assert_eq!(index["manifests"].as_array().unwrap().len(), 2, "one descriptor per tag");
    assert_eq!(index["manifests"][0]["annotations"]["io.containerd.image.name"], "docker.io/library/empty:latest");
    assert_eq!(index["manifests"][1]["annotations"]["org.opencontainers.image.ref.name"], "v1");
    assert_eq!(index["manifests"][1]["digest"], built.manifest_digest);
    let docker = json(&a, "manifest.json");
    assert_eq!(docker[0]["RepoTags"], serde_json::json!(["empty:latest", "me/empty:v1"]));
    assert_eq!(docker[0]["Config"], format!("blobs/sha256/{}", built.config_digest.trim_start_matches("sha256:")));
    let top = empty.trim_start_matches("sha256:");
    assert_eq!(json(&a, "repositories"), serde_json::json!({ "empty": { "latest": top }, "me/empty": { "v1": top } }));
    assert_eq!(json(&a, "oci-layout"), serde_json::json!({ "imageLayoutVersion": "1.0.0" }));
    // The same spec, the same bytes.
    assert_eq!(bytes(&build(&spec, None, None).unwrap().parts), out);
}

#[test]
fn the_oci_format_has_no_docker_files_and_names_refs_by_tag() {
    let spec = BuildSpec { format: Format::Oci, tags: vec!["app:2".into()], changes: vec![file("a", "1")], gzip: true, ..BuildSpec::default() };
    let built = build(&spec, None, None).unwrap();
    let a = entries(&bytes(&built.parts));
    assert!(a.iter().all(|e| e.0 != "manifest.json" && e.0 != "repositories"));
    let index = json(&a, "index.json");
    assert_eq!(index["manifests"][0]["annotations"], serde_json::json!({ "org.opencontainers.image.ref.name": "2" }));
    let manifest: Value = serde_json::from_slice(blob(&a, &built.manifest_digest)).unwrap();
    assert_eq!(manifest["layers"][0]["mediaType"], "application/vnd.oci.image.layer.v1.tar+gzip");
    // Without a tag: one descriptor, no annotations.
    let untagged = build(&BuildSpec { format: Format::Oci, ..BuildSpec::default() }, None, None).unwrap();
    let index = json(&entries(&bytes(&untagged.parts)), "index.json");
    assert_eq!(index["manifests"].as_array().unwrap().len(), 1);
    assert!(index["manifests"][0].get("annotations").is_none());
    assert_eq!(Format::Oci.as_str(), "oci");
    assert_eq!(Format::Docker.as_str(), "docker");
}

#[test]
fn the_config_takes_the_users_settings() {
    let spec = BuildSpec {
        changes: vec![file("a", "1"), Change::Delete { path: "b".into() }, Change::Opaque { path: "c".into() }],
        config: ConfigSpec {
            cmd: Some(vec!["sh".into()]),
            entrypoint: Some(vec!["/init".into()]),
            env: vec!["A=1".into(), "B=2".into(), "A=3".into()],
            working_dir: Some("/srv".into()),
            user: Some("1000:1000".into()),
            exposed_ports: vec!["80".into(), "53/udp".into()],
            volumes: vec!["/data".into()],
            labels: vec![("k".into(), "v".into())],
            stop_signal: Some("SIGTERM".into()),
            platform: Some(Platform { os: "linux".into(), architecture: "arm64".into(), variant: Some("v8".into()) }),
        },
        created: Some("2024-05-01T12:00:00Z".into()),
        ..BuildSpec::default()
    };
    let built = build(&spec, None, None).unwrap();
    let a = entries(&bytes(&built.parts));
    let c: Value = serde_json::from_slice(blob(&a, &built.config_digest)).unwrap();
    let cfg = &c["config"];
    assert_eq!(cfg["Cmd"], serde_json::json!(["sh"]));
    assert_eq!(cfg["Entrypoint"], serde_json::json!(["/init"]));
    assert_eq!(cfg["Env"], serde_json::json!(["A=3", "B=2"]), "a repeated key is replaced in place");
    assert_eq!((cfg["WorkingDir"].as_str(), cfg["User"].as_str(), cfg["StopSignal"].as_str()), (Some("/srv"), Some("1000:1000"), Some("SIGTERM")));
    assert_eq!(cfg["ExposedPorts"], serde_json::json!({ "80/tcp": {}, "53/udp": {} }));
    assert_eq!(cfg["Volumes"], serde_json::json!({ "/data": {} }));
    assert_eq!(cfg["Labels"], serde_json::json!({ "k": "v" }));
    assert_eq!((c["architecture"].as_str(), c["variant"].as_str(), c["created"].as_str()), (Some("arm64"), Some("v8"), Some("2024-05-01T12:00:00Z")));
    assert_eq!(c["history"][0]["created_by"], "tarsier build: 1 added, 1 deleted, 1 replaced");
    let layer = entries(blob(&a, &built.layers[0]));
    assert!(layer.iter().all(|e| e.5 == 1_714_564_800), "entries carry the build's time");
    for bad in [vec!["0".to_owned()], vec!["80/icmp".to_owned()], vec!["65536".to_owned()]] {
        let s = BuildSpec { config: ConfigSpec { exposed_ports: bad.clone(), ..ConfigSpec::default() }, ..BuildSpec::default() };
        assert!(build(&s, None, None).is_err(), "{bad:?}");
    }
    let ok = BuildSpec { config: ConfigSpec { exposed_ports: vec!["65535/sctp".into(), "1".into()], ..ConfigSpec::default() }, ..BuildSpec::default() };
    build(&ok, None, None).unwrap();
    let named = BuildSpec { created_by: Some("by hand".into()), ..BuildSpec::default() };
    let b = build(&named, None, None).unwrap();
    let c: Value = serde_json::from_slice(blob(&entries(&bytes(&b.parts)), &b.config_digest)).unwrap();
    assert_eq!(c["history"][0]["created_by"], "by hand");
}

/// A small rootfs tar (made by the layer writer, read back above) plain, gzip and zstd.
fn small_rootfs() -> Vec<u8> {
    write_layer(&[file("bin/sh", "#!"), file("etc/release", "KatacodaPrivateBuild\n")], 0, false).unwrap().blob
}

#[test]
fn a_rootfs_is_hashed_as_given_and_as_a_tar() {
    let tar = small_rootfs();
    let mut gz = Vec::new();
    std::io::copy(&mut flate2::read::GzEncoder::new(&tar[..], flate2::Compression::default()), &mut gz).unwrap();
    let zst = ruzstd::encoding::compress_to_vec(&tar[..], ruzstd::encoding::CompressionLevel::Fastest);
    for (blob, kind) in [(tar.clone(), "none"), (gz.clone(), "gzip"), (zst, "zstd")] {
        let mut seen = 0;
        let r = read_rootfs(&blob[..], &mut |n| {
            seen = n;
            true
        })
        .unwrap();
        assert_eq!((r.digest.clone(), r.size, r.diff_id.clone(), r.entries), (sha(&blob), blob.len() as u64, sha(&tar), 2), "{kind}");
        assert_eq!(seen, blob.len() as u64);
        assert_eq!(format!("{:?}", r.compression).to_lowercase(), kind);
    }
    // Stopped by the callback: cancelled, not "not a tar".
    let e = read_rootfs(&tar[..], &mut |_| false).unwrap_err();
    assert!(matches!(e, BuildError::Cancelled), "{e}");
    assert_eq!(e.code(), "cancelled");
    for (bad, says) in [(&b""[..], "empty"), (&b"not a tar, just some text that is long enough to fill a header block? no"[..], "not a tar"), (&tar[..700], "not a tar")] {
        let e = read_rootfs(bad, &mut |_| true).unwrap_err();
        assert!(e.to_string().contains(says) && matches!(e, BuildError::NotATar { .. }), "{e}");
        assert!(!e.to_string().contains('\n'), "{e}");
    }
    let mut cut_gz = gz.clone();
    cut_gz.truncate(gz.len() / 2);
    assert!(matches!(read_rootfs(&cut_gz[..], &mut |_| true), Err(BuildError::NotATar { .. })));
    // A size field of control bytes: the tar crate's own sentence (which quotes them), on one
    // line, control characters made spaces, runs of spaces made one.
    let mut bad = tar.clone();
    bad[124..136].copy_from_slice(b"\x01\x02\n\tzz \x7f000\0");
    bad[148..156].copy_from_slice(b"        ");
    let sum: u32 = bad[..512].iter().map(|&b| u32::from(b)).sum();
    bad[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    let said = match tar::Archive::new(&bad[..]).entries().unwrap().next() {
        Some(Err(e)) => e.to_string(),
        _ => panic!("the tar crate read the bad size field"),
    };
    assert!(said.chars().any(char::is_control), "{said:?}");
    let flat: String = said.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let flat = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    let e = read_rootfs(&bad[..], &mut |_| true).unwrap_err();
    assert_eq!(e.to_string(), format!("the root filesystem is not a tar archive (plain, gzip or zstd): {flat}."));
}

#[test]
fn a_rootfs_layer_is_a_range_of_the_users_file() {
    let tar = small_rootfs();
    let r = read_rootfs(&tar[..], &mut |_| true).unwrap();
    let spec = BuildSpec { changes: vec![file("release", "x")], tags: vec!["bb".into()], ..BuildSpec::default() };
    let built = build(&spec, None, Some(&r)).unwrap();
    assert!(built.parts.contains(&Part::Rootfs { offset: 0, len: tar.len() as u64 }));
    assert_eq!(built.layers[0], r.digest);
    let mut out = Vec::new();
    let mut input = Cursor::new(tar.clone());
    write_parts(&built.parts, None, Some(&mut input), &mut out).unwrap();
    assert_eq!(out.len() as u64, built.len);
    let a = entries(&out);
    assert_eq!(blob(&a, &r.digest), &tar[..]);
    let c: Value = serde_json::from_slice(blob(&a, &built.config_digest)).unwrap();
    assert_eq!(c["history"][0]["comment"], "imported from a root filesystem tarball");
    assert_eq!(c["rootfs"]["diff_ids"].as_array().unwrap().len(), 2);
    // A part whose input is missing or shorter than it: an error, never a short archive.
    let e = write_parts(&built.parts, None, None, &mut Vec::new()).unwrap_err();
    assert!(e.to_string().contains("not given"), "{e}");
    let mut short = Cursor::new(tar[..tar.len() - 1].to_vec());
    let e = write_parts(&built.parts, None, Some(&mut short), &mut Vec::new()).unwrap_err();
    assert!(e.to_string().contains("1 bytes early"), "{e}");
    assert!(!Part::Bytes(vec![1]).is_empty() && Part::Base { offset: 0, len: 0 }.is_empty());
}

fn analyzed(bytes: &[u8]) -> tarsier::core::image::Analysis {
    use tarsier::core::image::{analyze, Flow, Options};
    analyze(Cursor::new(bytes), bytes.len() as u64, &Options::named("t.tar"), &mut |_| Flow::Continue).unwrap()
}

#[test]
fn a_base_image_is_reused_by_range_and_read_back_by_the_analyzer() {
    use tarsier::core::build::read_base;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/images/a1_podman_docker-archive.tar");
    let base_bytes = std::fs::read(path).unwrap();
    let a = analyzed(&base_bytes);
    let mut hashed = 0;
    let base = read_base(&a, &mut Cursor::new(&base_bytes), 0, &mut |n| {
        hashed = n;
        true
    })
    .unwrap();
    let layers = &a.report.images[0].layers;
    assert_eq!(base.layers.len(), layers.len());
    assert_eq!(hashed, base.layers.iter().map(|l| l.span.size).sum::<u64>(), "every layer byte hashed once");
    for (b, l) in base.layers.iter().zip(layers) {
        let bytes = &base_bytes[b.span.offset as usize..(b.span.offset + b.span.size) as usize];
        assert_eq!(b.digest, sha(bytes));
        assert_eq!(Some(&b.diff_id), l.diff_id.as_ref());
    }
    let spec = BuildSpec { changes: vec![file("opt/x", "1"), Change::Delete { path: "etc/hostname".into() }], tags: vec!["app:1".into()], ..BuildSpec::default() };
    let built = build(&spec, Some(&base), None).unwrap();
    assert!(built.parts.iter().filter(|p| matches!(p, Part::Base { .. })).count() == base.layers.len());
    let mut out = Vec::new();
    write_parts(&built.parts, Some(&mut Cursor::new(&base_bytes)), None, &mut out).unwrap();
    let again = analyzed(&out);
    assert!(again.report.warnings.is_empty(), "{:?}", again.report.warnings);
    let img = &again.report.images[0];
    assert_eq!(img.layers.len(), layers.len() + 1);
    assert_eq!(img.tags, ["app:1"]);
    for (new, old) in img.layers.iter().zip(layers) {
        assert_eq!(new.diff_id, old.diff_id);
    }
    // The base's own config fields are kept (its Cmd, its history) and one history line added.
    assert_eq!(img.config.cmd, a.report.images[0].config.cmd);
    assert_eq!(img.history.len(), a.report.images[0].history.len() + 1);
    // Cancelled while hashing; a layer whose bytes changed; an image that is not there.
    assert!(matches!(read_base(&a, &mut Cursor::new(&base_bytes), 0, &mut |_| false), Err(BuildError::Cancelled)));
    let mut damaged = base_bytes.clone();
    let l0 = &base.layers[0];
    damaged[(l0.span.offset + l0.span.size / 2) as usize] ^= 1;
    let e = read_base(&a, &mut Cursor::new(&damaged), 0, &mut |_| true).unwrap_err();
    assert!(e.to_string().contains("the archive is damaged") && e.code() == "base", "{e}");
    assert!(read_base(&a, &mut Cursor::new(&base_bytes), 9, &mut |_| true).is_err());
    let gz = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/images/a5_podman_docker-archive.tar.gz")).unwrap();
    let e = read_base(&analyzed(&gz), &mut Cursor::new(&gz), 0, &mut |_| true).unwrap_err();
    assert!(e.to_string().contains("decompress it first"), "{e}");
}

/// `tarsier build` writes what the core builds, byte for byte, and says so; a bad input writes
/// nothing. (The real-tool round trips of the CLI are in tests/build.rs.)
#[test]
fn the_cli_writes_the_cores_bytes() {
    let dir = std::env::temp_dir().join(format!("tarsier-build-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("empty.tar");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_tarsier"))
        .args(["build", "--json", "-o", out.to_str().unwrap(), "--tag", "empty:latest", "--add", "release=x", "--env", "A=1"])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let said: Value = serde_json::from_slice(&run.stdout).unwrap();
    let spec = BuildSpec {
        tags: vec!["empty:latest".into()],
        changes: vec![Change::File { path: "release".into(), body: b"x".to_vec(), mode: 0o644, uid: 0, gid: 0 }],
        config: ConfigSpec { env: vec!["A=1".into()], ..ConfigSpec::default() },
        ..BuildSpec::default()
    };
    let built = build(&spec, None, None).unwrap();
    assert_eq!(std::fs::read(&out).unwrap(), bytes(&built.parts));
    assert_eq!(said["manifest_digest"], built.manifest_digest);
    assert_eq!(said["size"], built.len);
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_tarsier")).args(["build", "-o", dir.join("bad.tar").to_str().unwrap(), "--add", "../x=y"]).output().unwrap();
    assert!(!bad.status.success() && String::from_utf8_lossy(&bad.stderr).contains("climbs out"));
    assert!(!dir.join("bad.tar").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `tarsier` with its arguments and, when given, stdin bytes.
fn cli(args: &[&str], stdin: Option<&[u8]>) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_tarsier"))
        .args(args)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let (Some(bytes), Some(mut pipe)) = (stdin, child.stdin.take()) {
        pipe.write_all(bytes).unwrap();
    }
    child.wait_with_output().unwrap()
}

/// The CLI end of `tarsier build`, fast enough for every mutant (tests/build.rs has the podman,
/// skopeo and umoci round trips): a rootfs from stdin or a file, `--add-file` keeping the file's
/// permission bits (set-user-ID included) as GNU tar lists them, `--created now` between the
/// clock readings around the run, `--base` reusing the base's layers byte for byte, what
/// `--json` and the text summary say against the archive itself, and the refusals.
#[test]
fn the_cli_builds_from_stdin_files_on_disk_and_a_base() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("build-cli");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let p = |n: &str| dir.join(n).to_string_lossy().into_owned();
    std::fs::write(p("tool"), b"#!/bin/sh\necho hi\n").unwrap();
    std::fs::set_permissions(p("tool"), std::fs::Permissions::from_mode(0o4755)).unwrap();
    let rootfs = small_rootfs();
    std::fs::write(p("rootfs.tar"), &rootfs).unwrap();
    let secs = || std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();

    let before = secs();
    let add_tool = format!("usr/bin/tool={}", p("tool"));
    let out = cli(&["build", "-o", &p("a.tar"), "--rootfs", "-", "--add-file", &add_tool, "--created", "now", "--json"], Some(&rootfs));
    let after = secs();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said: Value = serde_json::from_slice(&out.stdout).unwrap();
    let bytes = std::fs::read(p("a.tar")).unwrap();
    assert_eq!(said["output"], p("a.tar"));
    assert_eq!(said["size"], bytes.len() as u64);
    let archive = entries(&bytes);
    let manifest = blob(&archive, said["manifest_digest"].as_str().unwrap());
    assert_eq!(sha(manifest), said["manifest_digest"]);
    let manifest: Value = serde_json::from_slice(manifest).unwrap();
    assert_eq!(manifest["config"]["digest"], said["config_digest"]);
    let layers: Vec<&str> = said["layers"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    assert_eq!(layers.len(), 2);
    assert_eq!(blob(&archive, layers[0]), &rootfs[..], "the rootfs layer is stdin's bytes");
    std::fs::write(p("layer1.tar"), blob(&archive, layers[1])).unwrap();
    let listed = std::process::Command::new("tar").args(["-tvf", &p("layer1.tar")]).output().expect("GNU tar");
    let listed = String::from_utf8(listed.stdout).unwrap();
    let tool = listed.lines().find(|l| l.ends_with(" usr/bin/tool")).unwrap_or_else(|| panic!("{listed}"));
    assert!(tool.starts_with("-rwsr-xr-x "), "{tool}");
    assert_eq!(member(&entries(blob(&archive, layers[1])), "usr/bin/tool"), b"#!/bin/sh\necho hi\n");
    let config: Value = serde_json::from_slice(blob(&archive, said["config_digest"].as_str().unwrap())).unwrap();
    let created = config["created"].as_str().unwrap();
    let out = std::process::Command::new("date").args(["-u", "-d", created, "+%s"]).output().expect("GNU date");
    let created: u64 = String::from_utf8(out.stdout).unwrap().trim().parse().unwrap();
    assert!((before..=after).contains(&created), "{created} not in {before}..={after}");

    // The same rootfs from a file, as text, on a base.
    let out = cli(&["build", "-o", &p("b.tar"), "--rootfs", &p("rootfs.tar")], None);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let b = std::fs::read(p("b.tar")).unwrap();
    assert!(text.starts_with(&format!("{}: {} bytes, 1 layer(s), no tag\nmanifest sha256:", p("b.tar"), b.len())), "{text}");
    let out = cli(&["build", "-o", &p("c.tar"), "--base", &p("a.tar"), "--add", "etc/motd=hello", "--tag", "x/y:1", "--json"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let on_base: Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = entries(&std::fs::read(p("c.tar")).unwrap());
    let c_layers: Vec<&str> = on_base["layers"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    assert_eq!(&c_layers[..2], &layers[..], "the base's layers are kept");
    assert_eq!(c_layers.len(), 3);
    for l in &layers {
        assert_eq!(blob(&c, l), blob(&archive, l), "{l} byte for byte");
    }
    assert_eq!(on_base["tags"], serde_json::json!(["x/y:1"]));

    // Refusals: one sentence, no archive.
    std::fs::File::create(p("big")).unwrap().set_len(MAX_ADDED_BYTES + 1).unwrap();
    for (args, says) in [
        (vec!["--add-file", "big=BIG"], format!("over {} MiB", MAX_ADDED_BYTES >> 20)),
        (vec!["--add-file", "d=DIR"], "--add-file takes a regular file".to_owned()),
    ] {
        let args: Vec<String> = args.iter().map(|a| a.replace("BIG", &p("big")).replace("DIR", &p(""))).collect();
        let mut all = vec!["build".to_owned(), "-o".to_owned(), p("refused.tar")];
        all.extend(args);
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let out = cli(&all, None);
        assert!(!out.status.success(), "{all:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&says), "{all:?}: {err}");
        assert!(out.stdout.is_empty(), "{all:?}");
        assert!(!dir.join("refused.tar").exists());
        // with --json, the same sentence as JSON on stdout, with its code (docs/report-schema.md)
        let out = cli(&[&all[..], &["--json"]].concat(), None);
        assert!(!out.status.success());
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["error"]["code"], "invalid", "{v}");
        assert!(v["error"]["message"].as_str().unwrap().contains(&says), "{v}");
    }
}

/// `-o -` streams the archive to stdout, byte for byte what `-o FILE` writes, with the summary
/// on stderr; a stdin rootfs is then spooled in `$TMPDIR` (not beside a file named `-`); a
/// terminal is refused, and so is `--json`, which also writes to stdout.
#[test]
fn the_cli_streams_to_stdout_with_the_summary_on_stderr() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("build-stdout");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("file.tar");
    let rootfs = small_rootfs();
    let out = cli(&["build", "-o", file.to_str().unwrap(), "--rootfs", "-", "--tag", "a/b:1"], Some(&rootfs));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let written = std::fs::read(&file).unwrap();
    let out = cli(&["build", "-o", "-", "--rootfs", "-", "--tag", "a/b:1"], Some(&rootfs));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout == written, "-o - wrote {} bytes, -o FILE {}", out.stdout.len(), written.len());
    let summary = String::from_utf8(out.stderr).unwrap();
    assert!(summary.starts_with(&format!("standard output: {} bytes, 1 layer(s), a/b:1\nmanifest sha256:", written.len())), "{summary}");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "nothing is written beside the output");

    // Where stdin is spooled: a TMPDIR that does not exist names it in the refusal.
    let tmp = dir.join("no-such-dir");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tarsier"))
        .args(["build", "-o", "-", "--rootfs", "-"])
        .env("TMPDIR", &tmp)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdin.take());
    let pid = child.id();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && out.stdout.is_empty(), "{err}");
    assert!(err.contains(&format!("cannot copy standard input to {}/.stdout.tarsier-rootfs-{pid}:", tmp.display())), "{err}");

    // A terminal is refused as `docker save` refuses it (util-linux `script` gives a pty).
    let tty = format!("'{}' build -o - --add etc/motd=hi", env!("CARGO_BIN_EXE_tarsier"));
    let out = std::process::Command::new("script").args(["-qec", &tty, "/dev/null"]).output().expect("script(1): apt-get install bsdutils");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{said}");
    assert_eq!(said.trim_end(), "tarsier: -o - writes a tar archive to standard output, which is a terminal here: redirect it to a file, or pipe it (| podman load).");

    let out = cli(&["build", "-o", "-", "--json", "--add", "etc/motd=hi"], None);
    assert!(!out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["code"], "invalid", "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("--json and -o - both write to standard output"), "{v}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// RFC 3339 times as GNU date reads them: for the days 28 to 32 of every month of a common
/// year, a leap year, a century that is not a leap year (2100) and one that is (2000), at three
/// offsets, Tarsier accepts exactly the dates date(1) accepts, at the same second, for `--created`
/// and for the SBOM's creation time (one parser, `core::time`); and writes each second back as
/// `date -u +%Y-%m-%dT%H:%M:%SZ` does.
#[test]
fn created_dates_as_gnu_date_reads_them() {
    use tarsier::core::build::{format_rfc3339, parse_rfc3339};
    use tarsier::core::sbom::utc_seconds;
    let date = |args: &[&str]| {
        let out = std::process::Command::new("date").arg("-u").args(args).output().expect("GNU date (coreutils)");
        out.status.success().then(|| String::from_utf8(out.stdout).unwrap().trim().to_owned())
    };
    let mut accepted = 0;
    for y in [2023, 2024, 2100, 2000] {
        for m in 1..=12 {
            for d in 28..=32 {
                for zone in ["Z", ".5+05:30", "-09:45"] {
                    let text = format!("{y:04}-{m:02}-{d:02}T13:14:15{zone}");
                    let want = date(&["-d", &text, "+%s"]).map(|s| s.parse::<u64>().unwrap());
                    assert_eq!(parse_rfc3339(&text).ok(), want, "{text}");
                    let Some(secs) = want else {
                        assert_eq!(utc_seconds(&text), None, "{text}");
                        continue;
                    };
                    accepted += 1;
                    let utc = date(&["-d", &format!("@{secs}"), "+%Y-%m-%dT%H:%M:%SZ"]);
                    assert_eq!(Some(format_rfc3339(secs)), utc, "{secs}");
                    assert_eq!(utc_seconds(&text), utc, "{text}");
                }
            }
        }
    }
    // 31-day months give 4 days, 30-day ones 3, February 1 or 2: (7*4 + 4*3) * 4 + 2 + 1 + 1 + 2,
    // at each of the three offsets
    assert_eq!(accepted, 166 * 3);
}

/// Ports, volumes and labels on a base add to the base's, as Dockerfile's EXPOSE, VOLUME and
/// LABEL do (the image's config keeps what the base declared), read back with the `tar` crate.
#[test]
fn ports_volumes_and_labels_add_to_the_bases() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("build-cli-merge");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let p = |n: &str| dir.join(n).to_string_lossy().into_owned();
    let ok = |args: &[&str]| {
        let out = cli(args, None);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    ok(&["build", "-o", &p("base.tar"), "--expose", "80", "--label", "a=1", "--volume", "/data", "--json"]);
    let top = ok(&["build", "-o", &p("top.tar"), "--base", &p("base.tar"), "--expose", "443/udp", "--label", "b=2", "--volume", "/logs", "--json"]);
    let archive = entries(&std::fs::read(p("top.tar")).unwrap());
    let config: Value = serde_json::from_slice(blob(&archive, top["config_digest"].as_str().unwrap())).unwrap();
    let keys = |k: &str| config["config"][k].as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys("ExposedPorts"), ["443/udp", "80/tcp"]);
    assert_eq!(keys("Volumes"), ["/data", "/logs"]);
    assert_eq!(config["config"]["Labels"], serde_json::json!({"a": "1", "b": "2"}));
}
