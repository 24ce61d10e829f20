//! Replays every input the fuzzers ever crashed on (`tests/fixtures/fuzz-regressions/<target>/`)
//! and the checked-in seeds (`fuzz/corpus/<target>/seed-*`) through the same calls the fuzz
//! targets in `fuzz/fuzz_targets/` make. Each must return (a result or an error), never panic.
//!
//! Both run `tarsier::core::fuzz`, so they cannot drift apart: a crash found by `cargo fuzz` is fixed in the
//! core, its input is copied here under the target's name, and this test pins it natively.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use tarsier::core::fuzz::{run, TARGETS};

/// The fuzz target's calls (shared with `fuzz/fuzz_targets/`); a report that was built must
/// also serialize.
fn replay(target: &str, data: &[u8]) {
    match run(target, data) {
        Some(result) => result.unwrap(),
        None => panic!("unknown fuzz target {target}"),
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
