//! Every figure a user sees about an image archive, against an outside oracle.
//!
//! `scripts/oracle/truth.py` asks real tools about each fixture — GNU tar (member list, each
//! layer's `tar -tvv` listing with dates, each file's bytes as `tar -x` writes them), skopeo
//! (manifest, config and layer digests), umoci (the merged root filesystem), getcap,
//! dpkg-query — and recomputes dive's efficiency and Tarsier's per-layer changes from the tar
//! listings by rules it states. Nothing in it uses Tarsier. Here, the same figures as Tarsier
//! shows them are checked against that truth, through every surface a user reads them from:
//!
//! * the report the browser exports and `tarsier inspect --json` prints (the core's
//!   `full_report`, and the CLI's own output);
//! * the human summary of `tarsier inspect`;
//! * `tarsier ls` of every layer (dates, sizes, modes, owners, link targets, as `tar -tv`
//!   prints them) and of the merged filesystem (against umoci's);
//! * the bytes of every regular file of every layer and of the merged tree, through the core's
//!   byte reader and through `tarsier cat`.
//!
//! A missing tool is a failure naming the Debian package to install (the oracle says which).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use tarsier::core::image::{analyze, copy_entry, copy_merged, read_bodies, Analysis, EntryKind, Flow, Options};

mod common;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures")
}

/// The oracle's truth for an archive (made once per archive and script version, then cached
/// under the target directory).
fn truth(archive: &Path) -> Value {
    static LOCK: Mutex<()> = Mutex::new(());
    let name = archive.file_name().unwrap().to_string_lossy().to_string();
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("oracle").join(&name);
    let _guard = LOCK.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/oracle/truth.py");
    let run = Command::new("python3").arg(&script).arg(archive).arg(&out).output();
    let run = run.unwrap_or_else(|e| panic!("cannot run python3 ({e}): apt-get install python3"));
    assert!(
        run.status.success(),
        "the oracle failed on {name}:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    serde_json::from_str(&std::fs::read_to_string(out.join("truth.json")).unwrap()).unwrap()
}

fn analysis(archive: &Path) -> Analysis {
    let f = File::open(archive).unwrap();
    let len = f.metadata().unwrap().len();
    analyze(f, len, &Options::named(archive.display().to_string()), &mut |_| Flow::Continue)
        .unwrap_or_else(|e| panic!("{}: {e}", archive.display()))
}

/// Runs the CLI; its stdout, which must come with exit code 0.
fn cli(args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_tarsier")).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "tarsier {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A `Write` that hashes what it is given.
struct HashWriter(Sha256);
impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a u64: {v}"))
}

/// `YYYY-MM-DD HH:MM:SS` (UTC, as `TZ=UTC tar --full-time` prints it) to Unix seconds.
fn unix_time(full: &str) -> i64 {
    let (date, time) = full.split_once(' ').unwrap();
    let d: Vec<i64> = date.split('-').map(|x| x.parse().unwrap()).collect();
    let t: Vec<i64> = time.split(':').map(|x| x.parse().unwrap()).collect();
    // Howard Hinnant's days_from_civil.
    let (y, m) = if d[1] <= 2 { (d[0] - 1, d[1] + 9) } else { (d[0], d[1] - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d[2] - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + t[0] * 3600 + t[1] * 60 + t[2]
}

/// The oracle's kind of a layer entry, as Tarsier names it (tar lists whiteouts as files).
fn tarsier_kind(e: &Value) -> String {
    let base = s(&e["path"]).rsplit('/').next().unwrap_or("");
    match s(&e["kind"]) {
        "file" if base == ".wh..wh..opq" => "opaque".into(),
        "file" if base.starts_with(".wh..wh.") => "aufs_meta".into(),
        "file" if base.starts_with(".wh.") => "whiteout".into(),
        k => k.into(),
    }
}

// ------------------------------------------------------------------------------------------------
// The report (export / `inspect --json`)

fn check_report(r: &Value, t: &Value, ctx: &str) {
    let a = &r["archive"];
    assert_eq!(u(&a["size"]), u(&t["archive"]["size"]), "{ctx}: archive size");
    assert_eq!(a["compression"], t["archive"]["compression"], "{ctx}: archive compression");
    assert_eq!(u(&a["members"]), u(&t["archive"]["members"]), "{ctx}: members of the outer tar");
    assert_eq!(a["format"], t["format"], "{ctx}: layout");
    let images = t["images"].as_array().unwrap();
    assert_eq!(r["images"].as_array().unwrap().len(), images.len(), "{ctx}: image count");
    let mut files_indexed = 0;
    for (i, ti) in images.iter().enumerate() {
        let ri = &r["images"][i];
        let c = format!("{ctx} image {i}");
        assert_eq!(ri["tags"], ti["tags"], "{c}: tags");
        assert_eq!(ri["manifest_digest"], ti["manifest_digest"], "{c}: manifest digest");
        assert_eq!(ri["config_digest"], ti["config_digest"], "{c}: config digest");
        assert_eq!(ti["config_digest"], ti["manifest_config_digest"], "{c}: the oracle's two config digests");
        for k in ["os", "architecture", "variant", "created"] {
            assert_eq!(ri[k], ti[k], "{c}: {k}");
        }
        assert_eq!(ri["config"]["env"], ti["env"], "{c}: Env (skopeo inspect)");
        check_layers(r, ri, ti, &c);
        check_efficiency(&ri["efficiency"], &ti["efficiency"], &c);
        check_merged_stats(&ri["merged"], ti, &c);
        check_packages(&ri["packages"], &ti["packages"], &c);
        check_findings(&ri["findings"], &ti["findings"], &c);
        check_merged_tree(&r["merged_trees"][i], ti, &c);
        check_os_release(&ri["os_release"], &ti["os_release"], &c);
    }
    for l in r["layers"].as_array().unwrap() {
        files_indexed += u(&l["entry_count"]);
    }
    assert_eq!(u(&a["files_indexed"]), files_indexed, "{ctx}: files indexed = entries of every layer");
}

/// os-release as `/bin/sh` sources it (the oracle), with the file read and the layer that wrote
/// it; none where the merged tree has none.
fn check_os_release(mine: &Value, want: &Value, c: &str) {
    if want.is_null() {
        assert!(mine.is_null(), "{c}: an os-release the oracle does not see: {mine}");
        return;
    }
    for k in ["path", "layer", "id", "name", "version_id", "version_codename", "pretty_name"] {
        assert_eq!(mine[k], want[k], "{c}: os-release {k}");
    }
}

fn check_layers(r: &Value, ri: &Value, ti: &Value, c: &str) {
    let tl = ti["layers"].as_array().unwrap();
    let il = ri["layers"].as_array().unwrap();
    assert_eq!(il.len(), tl.len(), "{c}: layer count");
    for (k, (l, t)) in il.iter().zip(tl).enumerate() {
        let c = format!("{c} layer {k}");
        let lr = &r["layers"][u(&l["layer"]) as usize];
        // The config's diff_id, which must also be the sha256 of the layer as gzip/zstd inflate it.
        assert_eq!(l["diff_id"], ti["diff_ids"][k], "{c}: diff_id");
        assert_eq!(t["diff_id"], t["config_diff_id"], "{c}: the tar's sha256 is the config's diff_id");
        assert_eq!(lr["diff_id"], l["diff_id"], "{c}: diff_id in the layer list");
        // skopeo's layer digests: blob digests of an OCI layout, diff_ids of a docker-archive.
        let skopeo = s(&t["digest"]);
        if s(&t["member"]).starts_with("blobs/") {
            assert_eq!(lr["digest"].as_str(), Some(skopeo), "{c}: blob digest");
        } else {
            let shown = lr["digest"].as_str().or(l["diff_id"].as_str());
            assert_eq!(shown, Some(skopeo), "{c}: digest");
        }
        assert_eq!(lr["compression"], t["compression"], "{c}: compression");
        assert_eq!(u(&lr["compressed_size"]), u(&t["compressed_size"]), "{c}: size in the archive");
        assert_eq!(u(&lr["uncompressed_size"]), u(&t["uncompressed_size"]), "{c}: uncompressed size");
        let entries = t["entries"].as_array().unwrap();
        assert_eq!(u(&lr["entry_count"]), entries.len() as u64, "{c}: entries");
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for e in entries {
            let k = match tarsier_kind(e).as_str() {
                "aufs_meta" | "socket" => "other".to_owned(),
                k => k.to_owned(),
            };
            *counts.entry(k).or_default() += 1;
        }
        for (k, v) in lr["counts"].as_object().unwrap() {
            assert_eq!(u(v), counts.get(k).copied().unwrap_or(0), "{c}: {k} entries");
        }
        assert_eq!(l["changes"], t_changes(ti, k), "{c}: changes (added/modified/deleted, bytes, wasted)");
        if let Some(full) = r.get("layer_entries") {
            check_listing(&full[u(&l["layer"]) as usize], entries, &c);
        }
    }
}

fn t_changes(ti: &Value, k: usize) -> Value {
    ti["changes"][k].clone()
}

/// One layer's entries as the report lists them, against `tar -tvv`.
fn check_listing(mine: &Value, truth: &[Value], c: &str) {
    let mine = mine.as_array().unwrap();
    assert_eq!(mine.len(), truth.len(), "{c}: listing length");
    for (m, t) in mine.iter().zip(truth) {
        let c = format!("{c}: {}", s(&t["path"]));
        assert_eq!(m["path"], t["path"], "{c}: path");
        let kind = m["kind"].as_str().map(str::to_owned).unwrap_or_else(|| "other".into());
        assert_eq!(kind, tarsier_kind(t), "{c}: kind");
        assert_eq!(m["mode_str"], t["mode_str"], "{c}: mode");
        assert_eq!(m["uid"], t["uid"], "{c}: uid");
        assert_eq!(m["gid"], t["gid"], "{c}: gid");
        assert_eq!(m["uname"], t["uname"], "{c}: user name");
        assert_eq!(m["gname"], t["gname"], "{c}: group name");
        match t["device"].as_str() {
            Some(dev) => {
                let d = &m["device"];
                assert_eq!(format!("{},{}", d[0], d[1]), dev.replace(' ', ""), "{c}: device");
            }
            None => assert_eq!(m["size"], t["size"], "{c}: size"),
        }
        assert_eq!(m["mtime"].as_i64(), Some(unix_time(s(&t["full_time"]))), "{c}: date");
        if matches!(s(&t["kind"]), "symlink" | "hardlink") {
            assert_eq!(m["link_target"], t["link"], "{c}: link target");
        }
        let caps = m["capabilities"].get("text").cloned().unwrap_or(Value::Null);
        assert_eq!(caps, t.get("caps").cloned().unwrap_or(Value::Null), "{c}: file capabilities");
        assert_eq!(m["whiteout_target"].as_str(), whiteout_target(s(&t["path"])).as_deref(), "{c}: whiteout target");
    }
}

/// What a whiteout entry removes, by the OCI image spec (layer.md, "Whiteouts"): `dir/.wh.name`
/// removes `dir/name`; the opaque marker `dir/.wh..wh..opq` hides what lower layers have in `dir`.
fn whiteout_target(path: &str) -> Option<String> {
    let (dir, base) = path.rsplit_once('/').map_or(("", path), |(d, b)| (d, b));
    if base == ".wh..wh..opq" {
        return Some(dir.to_owned());
    }
    let name = base.strip_prefix(".wh.")?;
    Some(if dir.is_empty() { name.to_owned() } else { format!("{dir}/{name}") })
}

fn check_efficiency(e: &Value, t: &Value, c: &str) {
    let (mine, want) = (e["score"].as_f64().unwrap(), t["score"].as_f64().unwrap());
    assert!((mine - want).abs() < 1e-12, "{c}: efficiency score {mine} (dive's formula: {want})");
    assert_eq!(u(&e["wasted_bytes"]), u(&t["wasted_bytes"]), "{c}: wasted bytes");
    assert_eq!(u(&e["dive_wasted_bytes"]), u(&t["dive_wasted_bytes"]), "{c}: dive's wasted bytes");
    let want: Vec<&Value> = t["inefficient_paths"].as_array().unwrap().iter().take(50).collect();
    let mine: Vec<&Value> = e["inefficient_paths"].as_array().unwrap().iter().collect();
    assert_eq!(mine, want, "{c}: inefficient paths");
}

fn check_merged_stats(m: &Value, ti: &Value, c: &str) {
    let merged = ti["merged"].as_array().unwrap();
    let count = |k: &str| merged.iter().filter(|e| e["kind"] == k).count() as u64;
    assert_eq!(u(&m["paths"]), merged.len() as u64, "{c}: merged paths");
    assert_eq!(u(&m["files"]) + u(&m["hardlinks"]), count("file"), "{c}: files (hard links included)");
    assert_eq!(u(&m["dirs"]), count("dir"), "{c}: directories");
    assert_eq!(u(&m["symlinks"]), count("symlink"), "{c}: symlinks");
    let others = merged.iter().filter(|e| !matches!(e["kind"].as_str(), Some("file" | "dir" | "symlink"))).count() as u64;
    assert_eq!(u(&m["others"]), others, "{c}: devices, fifos and sockets");
    let mut inodes = HashMap::new();
    for e in merged.iter().filter(|e| e["kind"] == "file") {
        inodes.insert(u(&e["inode"]), u(&e["size"]));
    }
    assert_eq!(u(&m["total_bytes"]), inodes.values().sum::<u64>(), "{c}: bytes of the merged files");
}

fn check_packages(mine: &Value, want: &Value, c: &str) {
    let norm = |v: &Value| -> Vec<(String, String, String, Value, u64, Value)> {
        let mut out: Vec<_> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    s(&p["name"]).to_owned(),
                    s(&p["version"]).to_owned(),
                    s(&p["source"]).to_owned(),
                    p["architecture"].clone(),
                    u(&p["installed_in"]),
                    p["changed_in"].clone(),
                )
            })
            .collect();
        out.sort_by(|a, b| (&a.0, &a.2).cmp(&(&b.0, &b.2)));
        out
    };
    assert_eq!(norm(mine), norm(want), "{c}: packages (name, version, source, arch, layers)");
}

fn check_findings(f: &Value, t: &Value, c: &str) {
    let of = |kind: &str| -> BTreeSet<String> {
        f.as_array()
            .unwrap()
            .iter()
            .filter(|x| x["kind"] == kind)
            .map(|x| s(&x["path"]).to_owned())
            .collect()
    };
    let set = |v: &Value| -> BTreeSet<String> {
        v.as_array().unwrap().iter().map(|x| s(x).to_owned()).collect()
    };
    for kind in ["setuid", "setgid", "world_writable", "world_writable_sticky"] {
        assert_eq!(of(kind), set(&t[kind]), "{c}: {kind} findings");
    }
    let caps: BTreeMap<String, String> = f
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["kind"] == "file_capabilities")
        .map(|x| (s(&x["path"]).to_owned(), s(&x["detail"]).to_owned()))
        .collect();
    let want: BTreeMap<String, String> = t["file_capabilities"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), s(v).to_owned()))
        .collect();
    assert_eq!(caps, want, "{c}: file capabilities (getcap)");
}

/// The merged filesystem (present paths), against umoci's unpacked root filesystem.
fn check_merged_tree(tree: &Value, ti: &Value, c: &str) {
    let Some(tree) = tree.as_array() else { return };
    let present: BTreeMap<&str, &Value> = tree
        .iter()
        .filter(|e| e["status"] == "present")
        .map(|e| (s(&e["path"]), e))
        .collect();
    let truth: BTreeMap<&str, &Value> =
        ti["merged"].as_array().unwrap().iter().map(|e| (s(&e["path"]), e)).collect();
    assert_eq!(
        present.keys().collect::<Vec<_>>(),
        truth.keys().collect::<Vec<_>>(),
        "{c}: merged paths (umoci unpack)"
    );
    for (p, m) in &present {
        let t = truth[p];
        let c = format!("{c}: merged {p}");
        let kind = match s(&m["kind"]) {
            "hardlink" => "file",
            k => k,
        };
        assert_eq!(kind, s(&t["kind"]), "{c}: kind");
        assert_eq!(u(&m["mode"]) & 0o7777, u(&t["mode"]), "{c}: mode");
        assert_eq!(m["uid"], t["uid"], "{c}: uid");
        assert_eq!(m["gid"], t["gid"], "{c}: gid");
        match kind {
            "file" => assert_eq!(m["size"], t["size"], "{c}: size"),
            "symlink" => assert_eq!(m["link_target"], t["link"], "{c}: target"),
            _ => {}
        }
        // A directory no layer lists has no date (umoci makes one up).
        if let Some(mtime) = m["mtime"].as_i64() {
            assert_eq!(Some(mtime), t["mtime"].as_i64(), "{c}: date");
        } else {
            assert_eq!(kind, "dir", "{c}: only implied directories have no date");
        }
        assert_eq!(m["capabilities"], t.get("caps").cloned().unwrap_or(Value::Null), "{c}: capabilities");
    }
}

// ------------------------------------------------------------------------------------------------
// The CLI's human outputs

/// `tarsier ls --layer K` lines, parsed the way `tar -tv` lines are.
fn check_ls_layer(out: &str, truth: &[Value], c: &str) {
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), truth.len(), "{c}: tarsier ls lines");
    for (line, t) in lines.iter().zip(truth) {
        let c = format!("{c}: ls line `{line}`");
        let mut rest = *line;
        let mut f = Vec::new();
        for _ in 0..5 {
            rest = rest.trim_start();
            let end = rest.find(' ').unwrap();
            f.push(&rest[..end]);
            rest = &rest[end + 1..];
        }
        assert_eq!(f[0], s(&t["mode_str"]), "{c}: mode");
        assert_eq!(f[1], s(&t["owner"]), "{c}: owner");
        let size = t["device"].as_str().map(|d| d.replace(' ', "")).unwrap_or_else(|| u(&t["size"]).to_string());
        assert_eq!(f[2], size, "{c}: size");
        assert_eq!(f[3], s(&t["date"]), "{c}: date");
        assert_eq!(f[4], s(&t["time"]), "{c}: time");
        let rest = rest.split("  [").next().unwrap();
        let (name, link) = match s(&t["kind"]) {
            "symlink" => rest.split_once(" -> ").map(|(a, b)| (a, Some(b.to_owned()))).unwrap(),
            "hardlink" => rest.split_once(" link to ").map(|(a, b)| (a, Some(b.to_owned()))).unwrap(),
            _ => (rest, None),
        };
        let name = name.strip_suffix('/').unwrap_or(name);
        assert_eq!(name, s(&t["path"]), "{c}: name");
        assert_eq!(link, t["link"].as_str().map(str::to_owned), "{c}: link");
    }
}

/// `tarsier ls` of the merged filesystem: mode, owner, size, date, name, link per path.
fn check_ls_merged(out: &str, ti: &Value, c: &str) {
    let truth: BTreeMap<&str, &Value> =
        ti["merged"].as_array().unwrap().iter().map(|e| (s(&e["path"]), e)).collect();
    let mut seen = BTreeSet::new();
    for line in out.lines() {
        let c = format!("{c}: ls line `{line}`");
        let mut rest = line;
        let mut f = Vec::new();
        for _ in 0..3 {
            rest = rest.trim_start();
            let end = rest.find(' ').unwrap();
            f.push(&rest[..end]);
            rest = &rest[end + 1..];
        }
        let (date, rest) = rest.split_at(16);
        let rest = rest.trim_start();
        let (_layer, rest) = rest.split_once(' ').unwrap();
        let rest = rest.trim_start();
        let (name, link) = match rest.split_once(" -> ") {
            Some((a, b)) => (a, Some(b)),
            None => (rest.split(" link to ").next().unwrap(), None),
        };
        let name = name.strip_suffix('/').unwrap_or(name);
        let t = truth.get(name).unwrap_or_else(|| panic!("{c}: not in umoci's root filesystem"));
        seen.insert(name.to_owned());
        let want_mode = s(&t["mode_str"]);
        let mode = if f[0].starts_with('h') { format!("-{}", &f[0][1..]) } else { f[0].to_owned() };
        assert_eq!(mode, want_mode, "{c}: mode");
        assert_eq!(f[1], format!("{}/{}", t["uid"], t["gid"]), "{c}: owner");
        if t["kind"] == "file" {
            assert_eq!(f[2], u(&t["size"]).to_string(), "{c}: size");
        }
        if date.trim() != "-" {
            let want = t["mtime"].as_i64().unwrap();
            assert_eq!(date, format_unix(want), "{c}: date");
        }
        if t["kind"] == "symlink" {
            assert_eq!(link, t["link"].as_str(), "{c}: link");
        }
    }
    assert_eq!(seen.len(), truth.len(), "{c}: every merged path is listed");
}

/// `tarsier ls --deleted`: the merged listing plus every path some layer of the image has (not
/// counting whiteout entries) that umoci's root filesystem does not, each marked as deleted or
/// hidden by an opaque directory, in a layer of the image.
fn check_ls_deleted(out: &str, ti: &Value, c: &str) {
    let merged: BTreeSet<&str> = ti["merged"].as_array().unwrap().iter().map(|e| s(&e["path"])).collect();
    let layers = ti["layers"].as_array().unwrap();
    let mut want: BTreeSet<&str> = BTreeSet::new();
    for l in layers {
        for e in l["entries"].as_array().unwrap() {
            let p = s(&e["path"]);
            let base = p.rsplit('/').next().unwrap_or(p);
            // (the root, "./" in a layer, is no path of the listing)
            if !p.is_empty() && !base.starts_with(".wh.") && !merged.contains(p) {
                want.insert(p);
            }
        }
    }
    let (mut present, mut gone) = (BTreeSet::new(), BTreeSet::new());
    for line in out.lines() {
        // mode owner size date time #layer name[ -> link| link to x][  (why)]
        let rest = line.split_whitespace().skip(6).collect::<Vec<_>>().join(" ");
        let (rest, why) = match line.rsplit_once("  (") {
            Some((_, why)) if why.ends_with(')') => (rest.rsplit_once(" (").map_or(rest.as_str(), |(r, _)| r).to_owned(), Some(why)),
            _ => (rest.clone(), None),
        };
        let name = rest.split(" -> ").next().unwrap().split(" link to ").next().unwrap();
        let name = name.strip_suffix('/').unwrap_or(name).to_owned();
        match why {
            None => present.insert(name),
            Some(why) => {
                let layer = why
                    .strip_prefix("deleted in layer #")
                    .or_else(|| why.strip_prefix("hidden by opaque dir in layer #"))
                    .and_then(|n| n.strip_suffix(')'))
                    .and_then(|n| n.parse::<usize>().ok());
                assert!(layer.is_some_and(|k| k > 0 && k < layers.len()), "{c}: `{line}`");
                gone.insert(name)
            }
        };
    }
    assert_eq!(present.iter().map(String::as_str).collect::<BTreeSet<_>>(), merged, "{c}: present paths");
    assert_eq!(gone.iter().map(String::as_str).collect::<BTreeSet<_>>(), want, "{c}: deleted and hidden paths");
}

/// `YYYY-MM-DD HH:MM` (UTC) of Unix seconds, found by search over `unix_time` (an independent
/// inverse of the CLI's formatter).
fn format_unix(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let mut y = 1970 + days / 366;
    while unix_time(&format!("{:04}-01-01 00:00:00", y + 1)) <= t {
        y += 1;
    }
    let mut m = 1;
    while m < 12 && unix_time(&format!("{y:04}-{:02}-01 00:00:00", m + 1)) <= t {
        m += 1;
    }
    let mut d = 1;
    while unix_time(&format!("{y:04}-{m:02}-{:02} 00:00:00", d + 1)) <= t && d < 31 {
        d += 1;
    }
    let secs = t.rem_euclid(86_400);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", secs / 3600, secs % 3600 / 60)
}

/// The human summary: tags, config digest, efficiency and wasted bytes, packages.
fn check_inspect_summary(out: &str, t: &Value, c: &str) {
    let images: Vec<&str> = out.split("\nimage ").skip(1).collect();
    assert_eq!(images.len(), t["images"].as_array().unwrap().len(), "{c}: images in the summary");
    for (i, (text, ti)) in images.iter().zip(t["images"].as_array().unwrap()).enumerate() {
        let c = format!("{c} image {i}");
        let tags: Vec<&str> = ti["tags"].as_array().unwrap().iter().map(s).collect();
        let head = text.lines().next().unwrap();
        let want = if tags.is_empty() { "<untagged>".to_owned() } else { tags.join(", ") };
        assert_eq!(head, format!("{i}: {want}"), "{c}: tags line");
        assert!(text.contains(&format!("config {}", s(&ti["config_digest"]))), "{c}: config digest");
        let os = &ti["os_release"];
        let os_line = text.lines().find(|l| l.starts_with("  os: "));
        match os.as_object() {
            None => assert_eq!(os_line, None, "{c}: no os-release"),
            Some(_) => {
                let name = os["pretty_name"].as_str().filter(|p| !p.is_empty()).unwrap_or_else(|| s(&os["id"]));
                assert_eq!(os_line, Some(format!("  os: {name} (/{}, layer {})", s(&os["path"]), os["layer"]).as_str()), "{c}: os line");
            }
        }
        let eff = &ti["efficiency"];
        let line = text.lines().find(|l| l.trim_start().starts_with("merged:")).unwrap();
        let score = format!("efficiency {:.1}%", eff["score"].as_f64().unwrap() * 100.0);
        assert!(line.contains(&score), "{c}: `{line}` should say {score}");
        let wasted = u(&eff["wasted_bytes"]);
        assert!(line.ends_with(&format!("wasted {}", human(wasted))), "{c}: `{line}`: wasted {wasted} bytes");
        for (k, l) in ti["layers"].as_array().unwrap().iter().enumerate() {
            let prefix = format!("    #{k} ");
            let line = text.lines().find(|x| x.starts_with(&prefix)).unwrap();
            let digest: String = s(&l["digest"]).chars().take(19).collect();
            assert!(line.contains(&digest), "{c}: layer line `{line}` shows {digest}");
        }
        for p in ti["packages"].as_array().unwrap() {
            let want = format!("    {} {} (", s(&p["name"]), s(&p["version"]));
            let line = text.lines().find(|x| x.starts_with(&want));
            let line = line.unwrap_or_else(|| panic!("{c}: no package line `{want}…`"));
            assert!(line.contains(&format!("layer #{}", u(&p["installed_in"]))), "{c}: `{line}` installing layer");
        }
    }
}

/// The summary's findings against the report's (which `check_report` holds to the truth): per
/// kind, at most 10 lines, then `… and N more KIND findings`.
fn check_summary_findings(out: &str, report: &Value, c: &str) {
    for (i, (text, img)) in out.split("\nimage ").skip(1).zip(report["images"].as_array().unwrap()).enumerate() {
        let mut per_kind: BTreeMap<&str, usize> = BTreeMap::new();
        for f in img["findings"].as_array().unwrap() {
            *per_kind.entry(s(&f["kind"])).or_default() += 1;
        }
        for (kind, n) in per_kind {
            let lines = text.lines().filter(|l| l.starts_with("    [") && l.contains(&format!("] {kind}"))).count();
            assert_eq!(lines, n.min(10), "{c} image {i}: {kind} lines");
            let more = format!("    … and {} more {kind} findings (see --json)", n.saturating_sub(10));
            assert_eq!(text.lines().any(|l| l == more), n > 10, "{c} image {i}: `{more}`");
        }
    }
}

/// Bytes in binary units, as the summary prints them (one decimal above 1 KiB).
fn human(n: u64) -> String {
    if n < 1024 {
        return format!("{n} B");
    }
    let units = ["KiB", "MiB", "GiB", "TiB"];
    #[allow(clippy::cast_precision_loss)]
    let mut v = n as f64 / 1024.0;
    let mut i = 0;
    while v >= 1024.0 && i + 1 < units.len() {
        v /= 1024.0;
        i += 1;
    }
    format!("{v:.1} {}", units[i])
}

// ------------------------------------------------------------------------------------------------
// Bytes

fn check_bytes(archive: &Path, a: &Analysis, t: &Value, ctx: &str) {
    let arg = archive.to_str().unwrap();
    for (i, ti) in t["images"].as_array().unwrap().iter().enumerate() {
        for (k, l) in ti["layers"].as_array().unwrap().iter().enumerate() {
            let layer = a.report.images[i].layers[k].layer;
            let files: Vec<&Value> = l["entries"].as_array().unwrap().iter().filter(|e| e.get("sha256").is_some()).collect();
            for e in &files {
                let path = s(&e["path"]);
                let c = format!("{ctx} image {i} layer {k}: {path}");
                let mut h = HashWriter(Sha256::new());
                copy_entry(File::open(archive).unwrap(), a, layer, path, &mut h).unwrap_or_else(|err| panic!("{c}: {err}"));
                let mine: String = h.0.finalize().iter().map(|b| format!("{b:02x}")).collect();
                assert_eq!(mine, s(&e["sha256"]), "{c}: bytes (core) vs tar -x");
            }
            // The same bodies read in one pass over the layer (the content scan's way).
            let want: HashMap<&str, &str> = files.iter().map(|e| (s(&e["path"]), s(&e["sha256"]))).collect();
            let regular: Vec<(u32, String)> = a.layer_entries(layer, 0, usize::MAX).unwrap().items.into_iter().enumerate()
                .filter(|(_, e)| e.kind == EntryKind::File)
                .map(|(ei, e)| (u32::try_from(ei).unwrap(), e.path))
                .collect();
            let mut read = 0;
            read_bodies(File::open(archive).unwrap(), a, layer, &regular.iter().map(|(ei, _)| *ei).collect::<Vec<_>>(), &mut |ei, body| {
                let path = &regular.iter().find(|(e, _)| *e == ei).unwrap().1;
                let sha: String = Sha256::digest(body).iter().map(|b| format!("{b:02x}")).collect();
                assert_eq!(Some(&sha.as_str()), want.get(path.as_str()), "{ctx} image {i} layer {k}: {path}: bytes (one pass) vs tar -x");
                read += 1;
                Ok(())
            })
            .unwrap_or_else(|err| panic!("{ctx} image {i} layer {k}: one pass: {err}"));
            assert_eq!(read, regular.len(), "{ctx} image {i} layer {k}: every body read in one pass");
            let (i_s, k_s) = (i.to_string(), k.to_string());
            let mut args = vec!["cat", arg, "--image", &i_s, "--layer", &k_s];
            args.extend(files.iter().map(|e| s(&e["path"])));
            if !files.is_empty() {
                check_concatenated(&cli(&args), &files, &format!("{ctx} image {i} layer {k} (tarsier cat --layer) vs tar -x"));
            }
        }
        let files: Vec<&Value> = ti["merged"].as_array().unwrap().iter().filter(|e| e.get("sha256").is_some()).collect();
        for e in &files {
            let path = s(&e["path"]);
            let c = format!("{ctx} image {i} merged {path}");
            let mut h = HashWriter(Sha256::new());
            copy_merged(File::open(archive).unwrap(), a, i, path, &mut h).unwrap_or_else(|err| panic!("{c}: {err}"));
            let mine: String = h.0.finalize().iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(mine, s(&e["sha256"]), "{c}: bytes (core) vs umoci unpack");
        }
        let i_s = i.to_string();
        let mut args = vec!["cat", arg, "--image", &i_s];
        args.extend(files.iter().map(|e| s(&e["path"])));
        if !files.is_empty() {
            check_concatenated(&cli(&args), &files, &format!("{ctx} image {i} merged (tarsier cat) vs umoci unpack"));
        }
    }
}

/// `tarsier cat A B …` writes the files one after the other: cut the output at the oracle's
/// sizes and compare each piece's sha256.
fn check_concatenated(out: &[u8], files: &[&Value], c: &str) {
    let mut at = 0usize;
    for e in files {
        let size = usize::try_from(u(&e["size"])).unwrap();
        let piece = out.get(at..at + size).unwrap_or_else(|| panic!("{c}: output ends before {}", s(&e["path"])));
        assert_eq!(hex(piece), s(&e["sha256"]), "{c}: {}", s(&e["path"]));
        at += size;
    }
    assert_eq!(at, out.len(), "{c}: bytes after the last file");
}

// ------------------------------------------------------------------------------------------------

fn check_fixture(rel: &str) {
    let archive = fixtures().join(rel);
    let ctx = archive.file_name().unwrap().to_string_lossy().to_string();
    let t = truth(&archive);
    let a = analysis(&archive);
    // The export and `inspect --json`: both the full report.
    let core = serde_json::to_value(a.full_report()).unwrap();
    check_report(&core, &t, &format!("{ctx} (report)"));
    let arg = archive.to_str().unwrap();
    let json: Value = serde_json::from_slice(&cli(&["inspect", "--json", arg])).unwrap();
    check_report(&json, &t, &format!("{ctx} (tarsier inspect --json)"));
    let summary = String::from_utf8(cli(&["inspect", arg])).unwrap();
    check_inspect_summary(&summary, &t, &format!("{ctx} (tarsier inspect)"));
    check_summary_findings(&summary, &json, &format!("{ctx} (tarsier inspect)"));
    for (i, ti) in t["images"].as_array().unwrap().iter().enumerate() {
        for (k, l) in ti["layers"].as_array().unwrap().iter().enumerate() {
            let out = cli(&["ls", arg, "--image", &i.to_string(), "--layer", &k.to_string()]);
            check_ls_layer(&String::from_utf8(out).unwrap(), l["entries"].as_array().unwrap(), &format!("{ctx} image {i} layer {k}"));
        }
        let out = cli(&["ls", arg, "--image", &i.to_string()]);
        check_ls_merged(&String::from_utf8(out).unwrap(), ti, &format!("{ctx} image {i} (tarsier ls)"));
        // `tarsier ls ARCHIVE etc`: the path and what is below it (not `etcx`), merged and per layer.
        let below = |p: &str| p == "etc" || p.starts_with("etc/");
        let mut etc = ti.clone();
        etc["merged"] = Value::Array(ti["merged"].as_array().unwrap().iter().filter(|e| below(s(&e["path"]))).cloned().collect());
        let out = cli(&["ls", arg, "--image", &i.to_string(), "etc"]);
        check_ls_merged(&String::from_utf8(out).unwrap(), &etc, &format!("{ctx} image {i} (tarsier ls etc)"));
        for (k, l) in ti["layers"].as_array().unwrap().iter().enumerate() {
            let want: Vec<Value> = l["entries"].as_array().unwrap().iter().filter(|e| below(s(&e["path"]))).cloned().collect();
            let out = cli(&["ls", arg, "--image", &i.to_string(), "--layer", &k.to_string(), "/etc/"]);
            check_ls_layer(&String::from_utf8(out).unwrap(), &want, &format!("{ctx} image {i} layer {k} (tarsier ls /etc/)"));
        }
        let out = cli(&["ls", arg, "--image", &i.to_string(), "--deleted"]);
        check_ls_deleted(&String::from_utf8(out).unwrap(), ti, &format!("{ctx} image {i} (tarsier ls --deleted)"));
    }
    check_bytes(&archive, &a, &t, &ctx);
}

macro_rules! oracle_test {
    ($name:ident, $path:expr) => {
        #[test]
        fn $name() {
            check_fixture($path);
        }
    };
}

oracle_test!(a1_docker_archive, "images/a1_podman_docker-archive.tar");
oracle_test!(a5_gzipped_docker_archive, "images/a5_podman_docker-archive.tar.gz");
oracle_test!(b1_oci_archive_gzip_layers, "images/b1_podman_oci-archive.tar");
oracle_test!(c1_two_images_shared_layer, "images/c1_podman_docker-archive_multi.tar");
oracle_test!(d2_oci_zstd_layers, "images/d2_skopeo_oci-archive_zstd.tar");
oracle_test!(dpkg_small, "images/dpkg-small.tar");
oracle_test!(e1_empty_layer, "images/e1_podman_docker-archive_empty.tar");
oracle_test!(g1_opaque_whiteout, "images/g1_podman_overlay_docker-archive_opaque.tar");
oracle_test!(trivy_alpine_gzipped_save, "public/aquasecurity__trivy/pkg/fanal/test/testdata/alpine-311.tar.gz");
oracle_test!(ggcr_overwritten_file, "public/google__go-containerregistry/pkg/v1/mutate/testdata/overwritten_file.tar");
oracle_test!(ggcr_whiteout_image, "public/google__go-containerregistry/pkg/v1/mutate/testdata/whiteout_image.tar");
oracle_test!(ggcr_hello_world_docker25, "public/google__go-containerregistry/pkg/v1/tarball/testdata/hello-world-v25.tar");
oracle_test!(ggcr_test_bundle, "public/google__go-containerregistry/pkg/v1/tarball/testdata/test_bundle.tar");
oracle_test!(ggcr_test_image_1, "public/google__go-containerregistry/pkg/v1/tarball/testdata/test_image_1.tar");
oracle_test!(ggcr_test_link, "public/google__go-containerregistry/pkg/v1/tarball/testdata/test_link.tar");
oracle_test!(dive_oci_gzip, "public/wagoodman__dive/.data/test-oci-gzip-image.tar");
oracle_test!(dive_oci_zstd, "public/wagoodman__dive/.data/test-oci-zstd-image.tar");

/// The fixtures tested above are every image archive the shared fixtures hold (a new one must
/// be added here, not silently left out).
#[test]
fn every_fixture_archive_is_checked() {
    let src = std::fs::read_to_string(file!()).unwrap();
    let mut missing = Vec::new();
    for dir in ["images"] {
        for e in std::fs::read_dir(fixtures().join(dir)).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().to_string();
            if (name.ends_with(".tar") || name.ends_with(".tar.gz")) && !src.contains(&format!("{dir}/{name}\"")) {
                missing.push(name);
            }
        }
    }
    assert!(missing.is_empty(), "fixture archives without an oracle test: {missing:?}");
}

/// The names `capsh --decode` gives a mask (`cap_chown,…`; libcap2-bin).
fn capsh_names(mask: &str) -> std::collections::BTreeSet<String> {
    let out = Command::new("capsh").arg(format!("--decode={mask}")).output();
    let out = out.unwrap_or_else(|e| panic!("cannot run capsh ({e}): apt-get install libcap2-bin"));
    let text = String::from_utf8(out.stdout).unwrap();
    let (_, names) = text.trim().split_once('=').unwrap_or(("", ""));
    names.split(',').filter(|n| !n.is_empty()).map(str::to_owned).collect()
}

/// Process ↔ image: for a fixture image with setuid and file-capability binaries, against every
/// status dump in `proc/local`, `inspect --status` says exactly what capabilities(7) and
/// prctl(2) imply — computed here from `getcap`'s text for each file (the oracle's truth),
/// `capsh --decode` of the dump's CapBnd/CapInh, and the dump's NoNewPrivs and Uid lines.
#[test]
fn process_image_cross_checks_follow_getcap_and_capsh() {
    use std::collections::BTreeSet;
    let archive = fixtures().join("images/a1_podman_docker-archive.tar");
    let t = truth(&archive);
    let f = &t["images"][0]["findings"];
    let file_caps: Vec<(String, String)> =
        f["file_capabilities"].as_object().unwrap().iter().map(|(p, c)| (p.clone(), s(c).to_owned())).collect();
    assert!(file_caps.len() >= 2, "the fixture has file capabilities: {f}");
    let setid: BTreeSet<String> = f["setuid"].as_array().unwrap().iter().chain(f["setgid"].as_array().unwrap()).map(|p| s(p).to_owned()).collect();
    let dumps = fixtures().join("proc/local");
    let mut checked = 0;
    let mut kinds_seen = BTreeSet::new();
    for d in std::fs::read_dir(&dumps).unwrap() {
        let path = d.unwrap().path();
        if path.extension().is_none_or(|x| x != "status") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let field = |k: &str| text.lines().find_map(|l| l.strip_prefix(&format!("{k}:")).map(|v| v.trim().to_owned()));
        let (Some(bnd), Some(inh)) = (field("CapBnd"), field("CapInh")) else { continue };
        let nnp = field("NoNewPrivs").as_deref() == Some("1");
        let bounding = capsh_names(&bnd);
        let inheritable = capsh_names(&inh);
        // What the rules give, file by file.
        let mut want: Vec<(String, String, Vec<String>)> = Vec::new();
        if nnp {
            let mut all: BTreeSet<String> = setid.clone();
            all.extend(file_caps.iter().map(|(p, _)| p.clone()));
            for p in all {
                let caps = file_caps.iter().find(|(q, _)| *q == p).map(|(_, c)| c.split('=').next().unwrap().split(',').map(str::to_owned).collect()).unwrap_or_default();
                want.push((p, "no_new_privs_neutralises".into(), caps));
            }
        } else {
            for (p, text) in &file_caps {
                let (names, flags) = text.split_once('=').unwrap();
                // getcap's flags: e (effective), i (inheritable), p (permitted), for all names.
                let missing: Vec<String> = names
                    .split(',')
                    .filter(|n| flags.contains('p') && !bounding.contains(*n) && !(flags.contains('i') && inheritable.contains(*n)))
                    .map(str::to_owned)
                    .collect();
                if !missing.is_empty() {
                    let kind = if flags.contains('e') { "exec_fails" } else { "caps_not_gained" };
                    want.push((p.clone(), kind.into(), missing));
                }
            }
        }
        want.sort();
        let out = cli(&["inspect", "--json", "--status", path.to_str().unwrap(), archive.to_str().unwrap()]);
        let v: Value = serde_json::from_slice(&out).unwrap();
        let checks = v["cross_checks"][0]["checks"].as_array().unwrap();
        let mut got: Vec<(String, String, Vec<String>)> = checks
            .iter()
            .filter(|c| !s(&c["path"]).is_empty())
            .map(|c| {
                let mut caps: Vec<String> = c["caps"].as_array().unwrap().iter().map(|x| s(x).to_owned()).collect();
                caps.sort();
                (s(&c["path"]).to_owned(), s(&c["kind"]).to_owned(), caps)
            })
            .collect();
        got.sort();
        let mut want_sorted: Vec<_> = want.into_iter().map(|(p, k, mut c)| { c.sort(); (p, k, c) }).collect();
        want_sorted.sort();
        assert_eq!(got, want_sorted, "{}", path.display());
        // The user: the config's numeric User (1000) against the dump's real and effective uid.
        let uid = field("Uid").unwrap();
        let ids: Vec<&str> = uid.split_whitespace().collect();
        let user = checks.iter().find(|c| s(&c["path"]).is_empty()).unwrap();
        let same = ids[0] == "1000" && ids[1] == "1000";
        assert_eq!(s(&user["kind"]), if same { "user_matches" } else { "user_differs" }, "{}: {user}", path.display());
        kinds_seen.extend(checks.iter().map(|c| s(&c["kind"]).to_owned()));
        // The text report ends with the same checks, one line each.
        let text = String::from_utf8(cli(&["inspect", "--status", path.to_str().unwrap(), archive.to_str().unwrap()])).unwrap();
        let (_, tail) = text.split_once(&format!("\nprocess ({}) ↔ image:\n", path.display())).unwrap_or_else(|| panic!("{}: no cross-check section:\n{text}", path.display()));
        let want: Vec<String> = checks
            .iter()
            .map(|c| {
                let p = if s(&c["path"]).is_empty() { String::new() } else { format!(" /{}", s(&c["path"])) };
                format!("  image 0: [{}]{p}: {}", s(&c["kind"]), s(&c["detail"]))
            })
            .collect();
        assert_eq!(tail.lines().collect::<Vec<_>>(), want, "{}", path.display());
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} dumps");
    for k in ["exec_fails", "no_new_privs_neutralises", "user_matches", "user_differs"] {
        assert!(kinds_seen.contains(k), "no dump gave {k}: {kinds_seen:?}");
    }
}

/// `/etc/passwd` of image `image` of a docker-archive as GNU tar extracts it: from the topmost
/// layer (in manifest.json's order) that holds it.
fn passwd_by_gnu_tar(archive: &Path, image: usize) -> String {
    let tar = |args: &[&str]| {
        let out = Command::new("tar").args(args).output().unwrap_or_else(|e| panic!("cannot run tar ({e}): apt-get install tar"));
        out.status.success().then_some(out.stdout)
    };
    let a = archive.to_str().unwrap();
    let manifest: Value = serde_json::from_slice(&tar(&["-xOf", a, "manifest.json"]).unwrap()).unwrap();
    let layers: Vec<&str> = manifest[image]["Layers"].as_array().unwrap().iter().map(s).collect();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("passwd-by-tar");
    std::fs::create_dir_all(&dir).unwrap();
    for layer in layers.iter().rev() {
        let blob = dir.join("layer.tar");
        std::fs::write(&blob, tar(&["-xOf", a, layer]).unwrap()).unwrap();
        for name in ["etc/passwd", "./etc/passwd"] {
            if let Some(body) = tar(&["-xOf", blob.to_str().unwrap(), name]) {
                return String::from_utf8(body).unwrap();
            }
        }
    }
    panic!("no layer of image {image} of {a} has etc/passwd");
}

#[test]
fn a_named_config_user_is_resolved_through_the_images_passwd_as_gnu_tar_extracts_it() {
    let archive = fixtures().join("images/c1_podman_docker-archive_multi.tar");
    let passwd = passwd_by_gnu_tar(&archive, 1);
    let uid: u32 = passwd.lines().find_map(|l| l.strip_prefix("app:")).and_then(|r| r.split(':').nth(1)).unwrap().parse().unwrap();
    let mut kinds = BTreeSet::new();
    for d in std::fs::read_dir(fixtures().join("proc/local")).unwrap() {
        let path = d.unwrap().path();
        if path.extension().is_none_or(|x| x != "status") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let Some(ids) = text.lines().find_map(|l| l.strip_prefix("Uid:")) else { continue };
        let ids: Vec<u32> = ids.split_whitespace().map(|x| x.parse().unwrap()).collect();
        let out = cli(&["inspect", "--json", "--status", path.to_str().unwrap(), archive.to_str().unwrap()]);
        let v: Value = serde_json::from_slice(&out).unwrap();
        let checks = v["cross_checks"].as_array().unwrap();
        let image1 = checks.iter().find(|c| c["image"] == 1).unwrap();
        let user = image1["checks"].as_array().unwrap().iter().find(|c| s(&c["path"]).is_empty()).unwrap();
        let want = if ids[0] == uid && ids[1] == uid { "user_matches" } else { "user_differs" };
        assert_eq!(s(&user["kind"]), want, "{}: {user}", path.display());
        assert!(s(&user["detail"]).contains(&format!("User \"app\" is uid {uid}")), "{}: {user}", path.display());
        kinds.insert(want);
    }
    assert_eq!(kinds.len(), 2, "the dumps give both verdicts: {kinds:?}");
}

/// `tarsier inspect`'s config lines against skopeo's raw config: the ports and volumes an image
/// declares are listed, and an image that declares none has no such line.
#[test]
fn inspect_lists_ports_and_volumes_as_skopeo_reads_them() {
    let mut declared = 0;
    for name in ["a1_podman_docker-archive.tar", "b1_podman_oci-archive.tar", "e1_podman_docker-archive_empty.tar"] {
        let dir = fixtures().join("images");
        let raw = std::fs::read(dir.join(format!("{name}.truth/img0_skopeo_inspect_config_raw.json"))).unwrap();
        let raw: Value = serde_json::from_slice(&raw).unwrap();
        let summary = String::from_utf8(cli(&["inspect", dir.join(name).to_str().unwrap()])).unwrap();
        for (label, key) in [("ports", "ExposedPorts"), ("volumes", "Volumes")] {
            let want = raw["config"][key].as_object().filter(|o| !o.is_empty()).map(|o| {
                declared += 1;
                format!("  {label} {}", o.keys().cloned().collect::<Vec<_>>().join(" "))
            });
            let line = summary.lines().find(|l| l.starts_with(&format!("  {label} ")) || *l == format!("  {label}"));
            assert_eq!(line, want.as_deref(), "{name}: {label} ({key} in skopeo's config)");
        }
    }
    assert!(declared >= 2, "the fixtures should declare ports and volumes");
}

/// Output that cannot be written (a full disk) is an error, not a silent success, for a listing,
/// a report (with and without the process cross-checks) and a file's bytes: only a closed pipe
/// (`tarsier ls … | head`) ends quietly.
#[test]
fn output_into_a_full_disk_fails_with_a_sentence() {
    let path = fixtures().join("images/a1_podman_docker-archive.tar");
    let status = fixtures().join("proc/local/podman_default.status");
    for args in [vec!["ls"], vec!["inspect"], vec!["inspect", "--status", status.to_str().unwrap()], vec!["cat", "--image", "0"]] {
        let mut args: Vec<&str> = args;
        args.push(path.to_str().unwrap());
        if args[0] == "cat" {
            args.push("bin/busybox");
        }
        let full = File::create("/dev/full").expect("/dev/full (every Linux has it)");
        let out = Command::new(env!("CARGO_BIN_EXE_tarsier")).args(&args).stdout(full).output().unwrap();
        assert!(!out.status.success(), "tarsier {args:?} into /dev/full succeeded");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("No space left on device"), "{args:?}: {err}");
    }
}

/// Every date Tarsier prints (file times in `tarsier ls` and the Files view, key dates, SBOM
/// timestamps) goes through `civil_from_days`: checked against GNU date over years 1 to 9999,
/// every 997th day plus the days around each leap-year boundary of 1600–2400.
#[test]
fn dates_as_gnu_date_prints_them() {
    use tarsier::core::time::{civil_from_days, utc_minutes};
    let mut days: Vec<i64> = (-719_162..=2_932_896).step_by(997).collect();
    for y in [1600i64, 1700, 1800, 1900, 2000, 2024, 2100, 2400] {
        // 31 December of the year before to 2 March, from GNU date itself below
        let jan1 = (y - 1970) * 365 + (y - 1969).div_euclid(4) - (y - 1901).div_euclid(100) + (y - 1601).div_euclid(400);
        days.extend(jan1 - 2..jan1 + 62);
    }
    let secs: Vec<i64> = days.iter().map(|d| d * 86_400 + 45_296).collect();
    let input: String = secs.iter().map(|s| format!("@{s}\n")).collect();
    let dir = std::env::temp_dir().join(format!("tarsier-dates-{}", std::process::id()));
    std::fs::write(&dir, input).unwrap();
    let out = Command::new("date").args(["-u", "-f"]).arg(&dir).arg("+%Y %m %d %H:%M").output().expect("GNU date (coreutils)");
    std::fs::remove_file(&dir).ok();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), days.len());
    for ((d, s), line) in days.iter().zip(&secs).zip(lines) {
        let f: Vec<&str> = line.split(' ').collect();
        let want = (f[0].parse::<i64>().unwrap(), f[1].parse::<i64>().unwrap(), f[2].parse::<i64>().unwrap());
        assert_eq!(civil_from_days(*d), want, "day {d}");
        if want.0 >= 1000 {
            assert_eq!(utc_minutes(*s), format!("{}-{}-{} {}", f[0], f[1], f[2], f[3]), "second {s}");
        }
    }
}

/// Opaque markers (`dir/.wh..wh..opq`) in layers that do not list their directory, in one that
/// does, and under a directory absent below: the efficiency figures against the oracle script's
/// dive formula over GNU tar's listing of the same layers (`truth.py`'s `layer_listing`,
/// `dive_efficiency` and `tarsier_changes`). No fixture image has such layers.
#[test]
fn efficiency_with_opaque_markers_follows_dives_formula() {
    use common::{finish, header, image_with, push};
    let dir = |name: &[u8]| header(name, 0, b'5', 0o755, b"");
    let file = |name: &[u8], body: &[u8]| (header(name, body.len() as u64, b'0', 0o644, b""), body.to_vec());
    let mut l0 = Vec::new();
    push(&mut l0, dir(b"d/"), b"");
    let (h, b) = file(b"d/f", &[1u8; 10]);
    push(&mut l0, h, &b);
    push(&mut l0, dir(b"e/"), b"");
    let (h, b) = file(b"e/x", &[2u8; 5]);
    push(&mut l0, h, &b);
    let mut l1 = Vec::new();
    push(&mut l1, header(b"d/.wh..wh..opq", 0, b'0', 0o644, b""), b"");
    push(&mut l1, header(b"e/.wh..wh..opq", 0, b'0', 0o644, b""), b"");
    let (h, b) = file(b"e/y", &[3u8; 3]);
    push(&mut l1, h, &b);
    push(&mut l1, header(b"n/.wh..wh..opq", 0, b'0', 0o644, b""), b"");
    let mut l2 = Vec::new();
    push(&mut l2, dir(b"d/"), b"");
    push(&mut l2, header(b"d/.wh..wh..opq", 0, b'0', 0o644, b""), b"");
    let (h, b) = file(b"d/g", &[4u8; 7]);
    push(&mut l2, h, &b);
    let layers = [finish(l0), finish(l1), finish(l2)];
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR")).join("opaque-efficiency");
    std::fs::create_dir_all(&tmp).unwrap();
    let paths: Vec<String> = layers
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let p = tmp.join(format!("l{i}.tar"));
            std::fs::write(&p, l).unwrap();
            p.to_string_lossy().into_owned()
        })
        .collect();
    let py = "import json, sys\nsys.path.insert(0, sys.argv[1])\nimport truth\nnum = [truth.layer_listing(p) for p in sys.argv[2:]]\neff = truth.dive_efficiency(num)\neff['wasted_bytes'] = sum(c['wasted_bytes'] for c in truth.tarsier_changes(num))\nprint(json.dumps(eff))";
    let out = Command::new("python3")
        .arg("-c")
        .arg(py)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/oracle"))
        .args(&paths)
        .output()
        .unwrap_or_else(|e| panic!("cannot run python3 ({e}): apt-get install python3"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let want: Value = serde_json::from_slice(&out.stdout).unwrap();
    let bytes = image_with(&layers, &["l0.tar", "l1.tar", "l2.tar"]);
    let a = analyze(std::io::Cursor::new(&bytes), bytes.len() as u64, &Options::named("opaque.tar"), &mut |_| Flow::Continue).unwrap();
    let r = serde_json::to_value(a.full_report()).unwrap();
    check_efficiency(&r["images"][0]["efficiency"], &want, "opaque markers");
}
