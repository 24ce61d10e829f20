//! Replays every input the fuzzers ever crashed on (`tests/fixtures/fuzz-regressions/<target>/`)
//! and the checked-in seeds (`fuzz/corpus/<target>/seed-*`) through the same calls the fuzz
//! targets in `fuzz/fuzz_targets/` make. Each must return (a result or an error), never panic.
//!
//! Keep `replay` in step with the fuzz targets: a crash found by `cargo fuzz` is fixed in the
//! core, its input is copied here under the target's name, and this test pins it natively.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Cursor;
use std::path::{Path, PathBuf};
use tarsier::core::image::{analyze, list_layer, read_entry, read_merged, Flow, Options};
use tarsier::core::{apparmor, caps, paste, status};

const TARGETS: &[&str] = &["archive", "layer", "json", "status", "apparmor", "paste"];

/// The small limits the fuzz targets use.
fn fuzz_options(name: &str) -> Options {
    Options {
        name: name.into(),
        max_layer_bytes: 4 * 1024 * 1024,
        max_layer_entries: 20_000,
    }
}

fn replay(target: &str, data: &[u8]) {
    match target {
        "archive" => {
            let len = data.len() as u64;
            let opts = fuzz_options("fuzz.tar");
            let Ok(a) = analyze(Cursor::new(data), len, &opts, &mut |_| Flow::Continue) else {
                return;
            };
            serde_json::to_vec(&a.report).unwrap();
            serde_json::to_vec(&a.full_report()).unwrap();
            for image in 0..a.report.images.len().min(4) {
                if let Ok(children) = a.list_dir(image, "/", true) {
                    for c in children.iter().take(8) {
                        let _ = a.list_dir(image, &c.path, true);
                        let _ = a.merged_entry(image, &c.path);
                        let _ = read_merged(Cursor::new(data), &a, image, &c.path, 0, 4096);
                        let _ = read_merged(Cursor::new(data), &a, image, &c.path, u64::MAX, 4096);
                    }
                }
                let _ = a.search(image, "*", true, 64);
                let _ = a.search(image, "/*/?a*", true, 64);
                let _ = a.search(image, "e", false, 64);
            }
            for layer in 0..a.report.layers.len().min(4) {
                if let Ok(page) = a.layer_entries(layer, 0, 8) {
                    for e in &page.items {
                        let _ = read_entry(Cursor::new(data), &a, layer, &e.path, 1, 4096);
                    }
                }
            }
        }
        "layer" => {
            if let Ok(entries) = list_layer(data, &fuzz_options("layer.tar")) {
                serde_json::to_vec(&entries).unwrap();
            }
        }
        "json" => tarsier::core::image::fuzz_json(data),
        "status" => {
            let text = String::from_utf8_lossy(data);
            let _ = status::classify(&text);
            if let Ok(dumps) = status::parse_all(&text) {
                let reports: Vec<_> = dumps.iter().map(status::analyze).collect();
                for pair in reports.windows(2) {
                    let _ = status::compare(&pair[0], &pair[1]);
                }
                if let Some(r) = reports.first() {
                    let _ = status::compare(r, r);
                    serde_json::to_vec(r).unwrap();
                }
            }
            if let Ok(f) = status::to_fragment(&text) {
                let _ = status::from_fragment(&f);
            }
            let _ = status::from_fragment(&text);
        }
        "apparmor" => {
            let text = String::from_utf8_lossy(data);
            if let Ok(label) = apparmor::parse(&text) {
                serde_json::to_vec(&label).unwrap();
            }
        }
        "paste" => {
            let text = String::from_utf8_lossy(data);
            let _ = caps::parse_mask(&text);
            let (pinned, now) = match text.split_once('\0') {
                Some((p, n)) => (Some(p), n),
                None => (None, &*text),
            };
            if let Ok(report) = paste::analyze_against(now, pinned) {
                serde_json::to_vec(&report).unwrap();
                if let Some(f) = paste::fragment_for(&report, now, pinned) {
                    let _ = paste::text_for_fragment(&f);
                }
            }
            let _ = paste::text_for_fragment(&text);
            let _ = paste::percent_decode(&text);
        }
        other => panic!("unknown fuzz target {other}"),
    }
}

fn files_in(dir: &Path, only_seeds: bool) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            !name.starts_with('.')
                && !name.ends_with(".md")
                && (!only_seeds || name.starts_with("seed-"))
        })
        .collect();
    v.sort();
    v
}

fn replay_dir(dir: &Path, only_seeds: bool, target: &str) -> usize {
    let files = files_in(dir, only_seeds);
    for f in &files {
        let data = std::fs::read(f).unwrap();
        eprintln!("replaying {} ({} bytes)", f.display(), data.len());
        replay(target, &data);
    }
    files.len()
}

#[test]
fn every_fuzz_regression_returns_without_panicking() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut total = 0;
    for t in TARGETS {
        total += replay_dir(
            &root.join("tests/fixtures/fuzz-regressions").join(t),
            false,
            t,
        );
    }
    eprintln!("{total} regression inputs replayed");
}

#[test]
fn every_fuzz_seed_returns_without_panicking() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut total = 0;
    for t in TARGETS {
        total += replay_dir(&root.join("fuzz/corpus").join(t), true, t);
    }
    assert!(
        total >= 20,
        "expected the checked-in seeds under fuzz/corpus, found {total}"
    );
}
