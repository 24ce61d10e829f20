//! `tarsier build` (issue 13) against real tools: what it writes must load in `podman load`,
//! copy with `skopeo copy` (which checks every digest), unpack with `umoci unpack` to the tree
//! `find` and `getcap` saw, keep a base image's layer digests, and come out byte-identical for
//! the same inputs. Bad input gets one sentence and leaves no file behind.
//!
//! The rootfs fixture is made by `scripts/fixtures/build_rootfs.sh` (GNU tar, setcap); the base
//! images are `../shared/fixtures/images/`. Needs root (umoci, podman, owners) and the Debian
//! packages `podman skopeo umoci libcap2-bin tar gzip zstd`; a missing one fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("build").join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn images() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/images")
}

fn run(tool: &str, args: &[&str], package: &str) -> Output {
    Command::new(tool).args(args).output().unwrap_or_else(|e| panic!("cannot run {tool} ({e}): apt-get install {package}"))
}

fn ok(tool: &str, args: &[&str], package: &str) -> Vec<u8> {
    let out = run(tool, args, package);
    assert!(out.status.success(), "{tool} {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
    out.stdout
}

fn tarsier(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tarsier")).args(args).output().unwrap()
}

/// `tarsier build ARGS --json`: what it says it wrote.
fn build(args: &[&str]) -> Value {
    let mut all = vec!["build", "--json"];
    all.extend_from_slice(args);
    let out = tarsier(&all);
    assert!(out.status.success(), "tarsier {}: {}", all.join(" "), String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The rootfs fixture (made once per test run).
fn rootfs() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixtures/build_rootfs");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/fixtures/build_rootfs.sh");
        ok("bash", &[script.to_str().unwrap(), out.to_str().unwrap()], "bash");
        out
    })
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn sha256_file(p: &Path) -> String {
    format!("sha256:{:x}", Sha256::digest(std::fs::read(p).unwrap()))
}

/// `umoci unpack` of the archive's (only) image via `skopeo copy` to an OCI layout: the
/// unpacked root filesystem. skopeo checks every blob against its digest on the way.
fn unpack(archive: &Path, transport: &str, dir: &Path) -> PathBuf {
    unpack_ref(&format!("{transport}:{}", s(archive)), dir)
}

/// [`unpack`] of a skopeo reference (`docker-archive:FILE:@N` for image N of several).
fn unpack_ref(reference: &str, dir: &Path) -> PathBuf {
    let layout = dir.join("layout");
    let bundle = dir.join("bundle");
    let _ = std::fs::remove_dir_all(&layout);
    let _ = std::fs::remove_dir_all(&bundle);
    std::fs::create_dir_all(dir).unwrap();
    // Recompressed to gzip on the way: umoci 0.4 cannot read zstd layers.
    ok("skopeo", &["copy", "-q", "--dest-compress", "--dest-compress-format", "gzip", reference, &format!("oci:{}:img", s(&layout))], "skopeo");
    ok("umoci", &["unpack", "--image", &format!("{}:img", s(&layout)), s(&bundle)], "umoci");
    bundle.join("rootfs")
}

/// Every path below `root` as `find -printf '%P\t%y\t%#m\t%U\t%G\t%s\t%l'` prints it (sizes of
/// directories left out: they depend on the file system), and hard-link groups by inode.
fn listing(root: &Path) -> (BTreeMap<String, String>, Vec<Vec<String>>) {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>, inodes: &mut BTreeMap<u64, Vec<String>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let m = std::fs::symlink_metadata(&p).unwrap();
            let rel = p.strip_prefix(root).unwrap().to_str().unwrap().to_owned();
            let ft = m.file_type();
            let (kind, size, link) = if ft.is_symlink() {
                ("l", m.len().to_string(), std::fs::read_link(&p).unwrap().to_str().unwrap().to_owned())
            } else if ft.is_dir() {
                ("d", String::new(), String::new())
            } else {
                ("f", m.len().to_string(), String::new())
            };
            let mode = format!("{:#o}", m.permissions().mode() & 0o7777).replace("0o", "0");
            out.insert(rel.clone(), format!("{kind}\t{mode}\t{}\t{}\t{size}\t{link}", m.uid(), m.gid()));
            if ft.is_file() {
                inodes.entry(m.ino()).or_default().push(rel.clone());
            }
            if ft.is_dir() {
                walk(root, &p, out, inodes);
            }
        }
    }
    let mut out = BTreeMap::new();
    let mut inodes = BTreeMap::new();
    walk(root, root, &mut out, &mut inodes);
    let mut links: Vec<Vec<String>> = inodes.into_values().filter(|v| v.len() > 1).map(|mut v| { v.sort(); v }).collect();
    links.sort();
    (out, links)
}

/// `find.tsv` of the fixture in [`listing`]'s form.
fn find_truth(dir: &Path) -> (BTreeMap<String, String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(dir.join("find.tsv")).unwrap();
    let mut out = BTreeMap::new();
    let mut inodes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let mode = if f[2] == "0" { "0".to_owned() } else { f[2].to_owned() };
        let size = if f[1] == "d" { "" } else { f[5] };
        out.insert(f[0].to_owned(), format!("{}\t{mode}\t{}\t{}\t{size}\t{}", f[1], f[3], f[4], f[6]));
        if f[1] == "f" {
            inodes.entry(f[7].to_owned()).or_default().push(f[0].to_owned());
        }
    }
    let mut links: Vec<Vec<String>> = inodes.into_values().filter(|v| v.len() > 1).collect();
    links.sort();
    (out, links)
}

fn getcap(root: &Path) -> String {
    let out = ok("getcap", &["-r", s(root)], "libcap2-bin");
    let prefix = format!("{}/", s(root));
    let mut lines: Vec<String> = String::from_utf8(out).unwrap().lines().map(|l| l.replacen(&prefix, "", 1)).collect();
    lines.sort();
    lines.join("\n")
}

#[test]
fn the_empty_image_loads_in_podman_copies_in_skopeo_and_unpacks_empty() {
    let dir = scratch("empty");
    let out = dir.join("empty.tar");
    let built = build(&["-o", s(&out), "--tag", "tarsier-test/empty:latest"]);
    // Like `tar cv --files-from /dev/null | docker import - empty`: one layer, an empty tar.
    let empty_tar = format!("sha256:{:x}", Sha256::digest([0u8; 1024]));
    assert_eq!(built["layers"], serde_json::json!([empty_tar]));
    let rootfs = unpack(&out, "docker-archive", &dir);
    assert_eq!(std::fs::read_dir(&rootfs).unwrap().count(), 0, "the empty image unpacks to nothing");
    let inspect: Value = serde_json::from_slice(&ok("skopeo", &["inspect", &format!("docker-archive:{}", s(&out))], "skopeo")).unwrap();
    assert_eq!(inspect["Layers"], serde_json::json!([empty_tar]));
    // (skopeo's docker-archive transport makes its own manifest from manifest.json, so its
    // Digest is not the archive's OCI manifest's: that is checked with oci-archive below.)
    let loaded = String::from_utf8(ok("podman", &["load", "-i", s(&out)], "podman")).unwrap();
    assert!(loaded.contains("Loaded image: localhost/tarsier-test/empty:latest") || loaded.contains("tarsier-test/empty:latest"), "{loaded}");
    let _ = run("podman", &["rmi", "-f", "tarsier-test/empty:latest"], "podman");
    // The same inputs, the same bytes; and Tarsier reads what it wrote without a warning.
    let again = dir.join("again.tar");
    build(&["-o", s(&again), "--tag", "tarsier-test/empty:latest"]);
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&again).unwrap());
    let report: Value = serde_json::from_slice(&tarsier(&["inspect", "--json", s(&out)]).stdout).unwrap();
    assert_eq!(report["warnings"], serde_json::json!([]), "{}", report["warnings"]);
    assert_eq!(report["images"][0]["tags"], serde_json::json!(["tarsier-test/empty:latest"]));
}

#[test]
fn a_rootfs_imported_with_a_release_file_unpacks_as_find_and_getcap_saw_it() {
    let fx = rootfs();
    let (mut want, want_links) = find_truth(fx);
    want.insert("release".into(), "f\t0644\t0\t0\t21\t".into());
    let want_caps = std::fs::read_to_string(fx.join("getcap.txt")).unwrap().trim_end().to_owned();
    let plain_diff_id = sha256_file(&fx.join("rootfs.tar"));
    for (name, format, transport) in [("rootfs.tar", "docker", "docker-archive"), ("rootfs.tar.gz", "oci", "oci-archive"), ("rootfs.tar.zst", "docker", "docker-archive")] {
        let dir = scratch(&format!("rootfs-{name}"));
        let out = dir.join("busybox.tar");
        let rootfs = fx.join(name);
        let args = ["-o", s(&out), "--format", format, "--rootfs", s(&rootfs), "--add", "release=KatacodaPrivateBuild\n", "--tag", "tarsier-test/busybox:latest", "--cmd", "[\"sh\"]"];
        let built = build(&args);
        // The tarball is the layer, byte for byte: its digest is the file's.
        assert_eq!(built["layers"][0], sha256_file(&rootfs), "{name}");
        let unpacked = unpack(&out, transport, &dir);
        let (got, links) = listing(&unpacked);
        assert_eq!(got, want, "{name}: umoci's tree against find's");
        assert_eq!(links, want_links, "{name}: hard links");
        assert_eq!(getcap(&unpacked), want_caps, "{name}: file capabilities");
        assert_eq!(std::fs::read_to_string(unpacked.join("release")).unwrap(), "KatacodaPrivateBuild\n");
        let config: Value = serde_json::from_slice(&ok("skopeo", &["inspect", "--config", &format!("{transport}:{}", s(&out))], "skopeo")).unwrap();
        assert_eq!(config["rootfs"]["diff_ids"][0], plain_diff_id, "{name}: the diff_id is the uncompressed tar's");
        assert_eq!(config["config"]["Cmd"], serde_json::json!(["sh"]));
        if transport == "oci-archive" {
            let inspect: Value = serde_json::from_slice(&ok("skopeo", &["inspect", &format!("oci-archive:{}", s(&out))], "skopeo")).unwrap();
            assert_eq!(inspect["Digest"], built["manifest_digest"], "{name}: the manifest digest");
        }
        let again = dir.join("again.tar");
        let mut args2 = args;
        args2[1] = s(&again);
        build(&args2);
        assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&again).unwrap(), "{name}: same inputs, same bytes");
    }
    // stdin, as `docker import -` takes it: the same archive as from the file.
    let dir = scratch("rootfs-stdin");
    let from_file = dir.join("file.tar");
    build(&["-o", s(&from_file), "--rootfs", s(&fx.join("rootfs.tar")), "--tag", "tarsier-test/busybox:latest"]);
    let from_stdin = dir.join("stdin.tar");
    let status = Command::new(env!("CARGO_BIN_EXE_tarsier"))
        .args(["build", "-o", s(&from_stdin), "--rootfs", "-", "--tag", "tarsier-test/busybox:latest"])
        .stdin(std::fs::File::open(fx.join("rootfs.tar")).unwrap())
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(std::fs::read(&from_file).unwrap(), std::fs::read(&from_stdin).unwrap());
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2, "the spooled stdin copy is removed");
    let loaded = String::from_utf8(ok("podman", &["load", "-i", s(&from_stdin)], "podman")).unwrap();
    assert!(loaded.contains("tarsier-test/busybox:latest"), "{loaded}");
    // To stdout (`-o -`, as `docker save` writes) and straight into `podman load`, as a user
    // pipes it (tests/build_core.rs checks the bytes, the summary and the spool).
    let piped = format!(
        "set -o pipefail; '{}' build -o - --rootfs '{}' --tag tarsier-test/piped:1 | podman load",
        env!("CARGO_BIN_EXE_tarsier"),
        s(&fx.join("rootfs.tar"))
    );
    let loaded = String::from_utf8(ok("bash", &["-c", &piped], "podman")).unwrap();
    assert!(loaded.contains("tarsier-test/piped:1"), "{loaded}");
}

/// A regular file two levels down and a directory with something in it (not an ancestor of the
/// file) of an unpacked tree, to delete and to replace.
fn victims(tree: &BTreeMap<String, String>) -> Option<(String, String)> {
    let file = tree.iter().find(|(p, v)| v.starts_with("f\t") && p.matches('/').count() >= 1).map(|(p, _)| p.clone())?;
    let dir = tree
        .iter()
        .filter(|(p, v)| v.starts_with("d\t") && !file.starts_with(&format!("{p}/")))
        .find(|(p, _)| tree.keys().any(|k| k.starts_with(&format!("{p}/"))))
        .map(|(p, _)| p.clone())?;
    Some((file, dir))
}

#[test]
fn a_layer_appended_to_every_fixture_keeps_the_base_layers_and_unpacks_as_asked() {
    let mut checked = 0;
    for entry in std::fs::read_dir(images()).unwrap() {
        let base = entry.unwrap().path();
        let name = base.file_name().unwrap().to_str().unwrap().to_owned();
        if !name.ends_with(".tar") {
            continue;
        }
        let docker = String::from_utf8(ok("tar", &["-tf", s(&base)], "tar")).unwrap().lines().any(|l| l == "manifest.json");
        // skopeo names the first image of a docker-archive explicitly when it holds several.
        let reference = if docker { format!("docker-archive:{}:@0", s(&base)) } else { format!("oci-archive:{}", s(&base)) };
        let dir = scratch(&format!("append-{name}"));
        let base_tree = listing(&unpack_ref(&reference, &dir.join("base"))).0;
        let base_inspect: Value = serde_json::from_slice(&ok("skopeo", &["inspect", &reference], "skopeo")).unwrap();
        let base_layers = base_inspect["Layers"].as_array().unwrap().clone();
        let out = dir.join("appended.tar");
        let mut args: Vec<String> = ["-o", s(&out), "--base", s(&base), "--tag", "tarsier-test/appended:1", "--gzip"].map(str::to_owned).to_vec();
        args.extend(["--add", "opt/tarsier/added.txt=added by tarsier\n", "--mkdir", "opt/tarsier/empty", "--symlink", "opt/tarsier/link=added.txt"].map(str::to_owned));
        let mut want = base_tree.clone();
        let victims = victims(&base_tree);
        if let Some((file, dir)) = &victims {
            args.extend(["--delete".into(), file.clone(), "--replace".into(), dir.clone(), "--add".into(), format!("{dir}/new.txt=new\n")]);
            want.remove(file);
            want.retain(|p, _| !p.starts_with(&format!("{dir}/")));
            want.insert(format!("{dir}/new.txt"), "f\t0644\t0\t0\t4\t".into());
        }
        for d in ["opt", "opt/tarsier"] {
            want.entry(d.into()).or_insert_with(|| "d\t0755\t0\t0\t\t".into());
        }
        want.insert("opt/tarsier/added.txt".into(), "f\t0644\t0\t0\t17\t".into());
        want.insert("opt/tarsier/empty".into(), "d\t0755\t0\t0\t\t".into());
        want.insert("opt/tarsier/link".into(), "l\t0777\t0\t0\t9\tadded.txt".into());
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        build(&refs);
        // The blob digests as the archive's OCI view lists them (skopeo's docker-archive view
        // lists diff_ids instead, which for the plain layers of a docker-archive base are the same).
        let inspect: Value = serde_json::from_slice(&ok("skopeo", &["inspect", &format!("oci-archive:{}", s(&out))], "skopeo")).unwrap();
        let layers = inspect["Layers"].as_array().unwrap();
        let config: Value = serde_json::from_slice(&ok("skopeo", &["inspect", "--config", &format!("docker-archive:{}", s(&out))], "skopeo")).unwrap();
        let base_config: Value = serde_json::from_slice(&ok("skopeo", &["inspect", "--config", &reference], "skopeo")).unwrap();
        let diff_ids = config["rootfs"]["diff_ids"].as_array().unwrap();
        assert_eq!(&diff_ids[..base_layers.len()], &base_config["rootfs"]["diff_ids"].as_array().unwrap()[..], "{name}: diff_ids kept");
        assert_eq!(layers.len(), base_layers.len() + 1, "{name}: one layer more");
        assert_eq!(&layers[..base_layers.len()], &base_layers[..], "{name}: the base layers keep their digests");
        let got = listing(&unpack(&out, "docker-archive", &dir.join("new"))).0;
        let diff: Vec<_> = want.iter().filter(|(p, v)| got.get(*p) != Some(v)).chain(got.iter().filter(|(p, _)| !want.contains_key(*p))).collect();
        assert!(diff.is_empty(), "{name}: differs from the base with the changes applied: {diff:?}");
        let report: Value = serde_json::from_slice(&tarsier(&["inspect", "--json", s(&out)]).stdout).unwrap();
        assert_eq!(report["warnings"], serde_json::json!([]), "{name}: {}", report["warnings"]);
        checked += 1;
    }
    assert!(checked >= 6, "only {checked} fixture archives");
}

#[test]
fn the_second_image_of_a_multi_image_archive_is_the_base_with_image_1() {
    let base = images().join("c1_podman_docker-archive_multi.tar");
    let dir = scratch("multi");
    let out = dir.join("second.tar");
    build(&["-o", s(&out), "--base", s(&base), "--image", "1", "--tag", "tarsier-test/second:1", "--user", "app", "--env", "TARSIER=1", "--created", "now"]);
    let manifest: Value = serde_json::from_slice(&ok("tar", &["-xOf", s(&base), "manifest.json"], "tar")).unwrap();
    let config_member = manifest[1]["Config"].as_str().unwrap();
    let base_config: Value = serde_json::from_slice(&ok("tar", &["-xOf", s(&base), config_member], "tar")).unwrap();
    let config: Value = serde_json::from_slice(&ok("skopeo", &["inspect", "--config", &format!("docker-archive:{}", s(&out))], "skopeo")).unwrap();
    // No changes: no layer added, one history line marked empty, the diff_ids as they were.
    assert_eq!(config["rootfs"], base_config["rootfs"]);
    let history = config["history"].as_array().unwrap();
    assert_eq!(history.len(), base_config["history"].as_array().unwrap().len() + 1);
    assert_eq!(history.last().unwrap()["empty_layer"], true);
    // `--created now`: today's time, as RFC 3339 in UTC (checked for form, not against a clock).
    let created = config["created"].as_str().unwrap();
    assert!(created.len() == 20 && created.ends_with('Z') && !created.starts_with("1970"), "{created}");
    assert_eq!(history.last().unwrap()["created"], created);
    assert_eq!(config["config"]["User"], "app");
    let env: Vec<&str> = config["config"]["Env"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert!(env.contains(&"TARSIER=1"), "{env:?}");
    let base_env = base_config["config"]["Env"].as_array().map_or(0, Vec::len);
    assert_eq!(env.len(), base_env + 1, "the base's environment is kept");
}

/// Runs `tarsier build` expecting a failure: its one-line sentence; and the directory holds no
/// file but `keep` (no half-written archive, no leftover temporary file).
fn refused(dir: &Path, args: &[&str], keep: &[&str]) -> String {
    let mut all = vec!["build"];
    all.extend_from_slice(args);
    let out = tarsier(&all);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "tarsier {} succeeded", all.join(" "));
    assert!(err.starts_with("tarsier: ") && err.trim_end().lines().count() == 1, "{err}");
    let mut left: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    left.sort();
    assert_eq!(left, keep, "after: {err}");
    err
}

#[test]
fn bad_input_gets_one_sentence_and_leaves_no_archive() {
    let dir = scratch("bad");
    let out = dir.join("out.tar");
    let o = s(&out);
    std::fs::write(dir.join("not-a-tar"), b"hello, this is not a tar archive at all\n".repeat(20)).unwrap();
    let e = refused(&dir, &["-o", o, "--rootfs", s(&dir.join("not-a-tar"))], &["not-a-tar"]);
    assert!(e.contains("not a tar archive"), "{e}");
    let whole = std::fs::read(rootfs().join("rootfs.tar")).unwrap();
    std::fs::write(dir.join("cut.tar"), &whole[..whole.len() / 2 + 100]).unwrap();
    let e = refused(&dir, &["-o", o, "--rootfs", s(&dir.join("cut.tar"))], &["cut.tar", "not-a-tar"]);
    assert!(e.contains("not a tar archive"), "{e}");
    std::fs::remove_file(dir.join("cut.tar")).unwrap();
    std::fs::remove_file(dir.join("not-a-tar")).unwrap();
    // A damaged base: one byte of a layer changed (the layer no longer hashes to its diff_id).
    let mut base = std::fs::read(images().join("a1_podman_docker-archive.tar")).unwrap();
    let listing = String::from_utf8(ok("tar", &["-tvf", s(&images().join("a1_podman_docker-archive.tar"))], "tar")).unwrap();
    assert!(listing.contains(".tar") || listing.contains("blobs/"), "{listing}");
    let mid = base.len() / 2;
    base[mid] ^= 0x55;
    std::fs::write(dir.join("damaged.tar"), &base).unwrap();
    let e = refused(&dir, &["-o", o, "--base", s(&dir.join("damaged.tar"))], &["damaged.tar"]);
    assert!(e.contains("damaged.tar: "), "{e}");
    std::fs::remove_file(dir.join("damaged.tar")).unwrap();
    let e = refused(&dir, &["-o", o, "--base", s(&images().join("a5_podman_docker-archive.tar.gz"))], &[]);
    assert!(e.contains("decompress it first"), "{e}");
    for (args, says) in [
        (vec!["--add", "../etc/passwd=x"], "climbs out with \"..\""),
        (vec!["--add", "etc/motd=a", "--add", "/etc//motd=b"], "is given twice"),
        (vec!["--delete", "etc", "--add", "etc/motd=a"], "is deleted"),
        (vec!["--add", "/=x"], "names the image's root"),
        (vec!["--tag", "Upper:case"], "lowercase"),
        (vec!["--cmd", "sh -c true"], "JSON array"),
        (vec!["--expose", "99999"], "PORT"),
        (vec!["--created", "yesterday"], "RFC 3339"),
        (vec!["--platform", "linux"], "OS/ARCH"),
        (vec!["--env", "NOVALUE"], "KEY=VALUE"),
    ] {
        let mut all = vec!["-o", o];
        all.extend(args);
        let e = refused(&dir, &all, &[]);
        assert!(e.contains(says), "{e}");
    }
}

#[test]
fn a_rootfs_over_two_gib_streams_through_in_flat_memory() {
    // A tar of one file of zeros just over 2 GiB, written by GNU tar through `dd conv=sparse`:
    // it reads as 2 GiB and takes almost no disk. The archive built from it streams (`-o -`)
    // into GNU tar's listing, so it takes no disk either.
    let dir = scratch("big");
    let big = dir.join("zeros");
    std::fs::File::create(&big).unwrap().set_len((2 << 30) + (1 << 20)).unwrap();
    let tar_path = dir.join("big.tar");
    let sparse = format!("set -o pipefail; tar -C '{}' -cf - zeros | dd of='{}' bs=1M iflag=fullblock conv=sparse status=none", s(&dir), s(&tar_path));
    ok("bash", &["-c", &sparse], "tar coreutils");
    std::fs::remove_file(&big).unwrap();
    let tar_len = std::fs::metadata(&tar_path).unwrap().len();
    assert!(tar_len > 2 << 30, "{tar_len}");
    let sha = String::from_utf8(ok("sha256sum", &[s(&tar_path)], "coreutils")).unwrap();
    let peak = dir.join("peak");
    let script = format!(
        "set -o pipefail; /usr/bin/time -f %M -o '{}' '{}' build -o - --rootfs '{}' | tar -tvf -",
        s(&peak),
        env!("CARGO_BIN_EXE_tarsier"),
        s(&tar_path)
    );
    let run = run("bash", &["-c", &script], "time tar");
    let summary = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{summary}");
    let peak = std::fs::read_to_string(&peak).unwrap_or_else(|e| panic!("no peak from /usr/bin/time ({e}): apt-get install time"));
    let peak_kib: u64 = peak.trim().lines().last().unwrap().parse().unwrap();
    assert!(peak_kib < 64 * 1024, "peak RSS {peak_kib} KiB for a {tar_len} byte rootfs");
    // GNU tar lists the layer under the rootfs's digest, at the rootfs's length: its bytes as given.
    let listing = String::from_utf8(run.stdout).unwrap();
    let layer = listing.lines().find(|l| l.contains(&sha[..64])).unwrap_or_else(|| panic!("no layer named {} in\n{listing}", &sha[..64]));
    assert!(layer.contains(&format!(" {tar_len} ")), "{layer}");
    let written: u64 = summary.strip_prefix("standard output: ").and_then(|r| r.split(' ').next()).and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{summary}"));
    assert!(written > tar_len && summary.contains(" 1 layer(s), no tag\n"), "{summary}");
    std::fs::remove_file(&tar_path).unwrap();
}
