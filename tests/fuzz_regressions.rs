//! Replays every input the fuzzers ever crashed on (`tests/fixtures/fuzz-regressions/<target>/`)
//! and the checked-in seeds (`fuzz/corpus/<target>/seed-*`) through the same calls and checks
//! the fuzz targets in `fuzz/fuzz_targets/` make (`tarsier::core::fuzz::run`). Each input must
//! pass: no panic, and no failed check (a report that does not read back from its JSON, a share
//! link that reopens another decode, figures that contradict each other…).
//!
//! Both run `tarsier::core::fuzz`, so they cannot drift apart: a crash found by `cargo fuzz` is
//! fixed in the core, its input is copied here under the target's name, and this test pins it
//! natively. Nothing passes by being absent: each target's seed folder has a stated minimum of
//! seeds, and each regression folder listed in [`REGRESSIONS`] must be there with its inputs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use tarsier::core::fuzz::{run, TARGETS};

/// Fewest seeds `fuzz/corpus/<target>/seed-*` may hold (what `fuzz/make_seeds.py` writes today):
/// a lost corpus fails here instead of making every fuzz run start from nothing.
const MIN_SEEDS: &[(&str, usize)] = &[
    ("archive", 4),
    ("layered", 4),
    ("layer", 4),
    ("json", 5),
    ("status", 27),
    ("apparmor", 8),
    ("paste", 11),
    ("parallel", 3),
    ("packed", 3),
];

/// Regression folders that must exist, with the fewest inputs each may hold (one per crash
/// fixed; see `tests/fixtures/fuzz-regressions/README.md`).
const REGRESSIONS: &[(&str, usize)] = &[
    ("archive", 3),
    ("layer", 2),
    ("paste", 3),
    ("packed", 1),
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn files_in(dir: &Path, only_seeds: bool) -> Vec<PathBuf> {
    let rd = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    let mut v: Vec<PathBuf> = rd
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            !name.starts_with('.') && !name.ends_with(".md") && (!only_seeds || name.starts_with("seed-"))
        })
        .collect();
    v.sort();
    v
}

/// Runs every file through `target`; returns the failures as `path: why`.
fn replay(target: &str, files: &[PathBuf]) -> Vec<String> {
    let mut failures = Vec::new();
    for f in files {
        let data = std::fs::read(f).unwrap();
        let outcome = std::panic::catch_unwind(|| run(target, &data));
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(why)) => failures.push(format!("{}: {why}", f.display())),
            Err(_) => failures.push(format!("{}: panicked (see above)", f.display())),
        }
    }
    failures
}

fn minimum(table: &[(&str, usize)], target: &str) -> Option<usize> {
    table.iter().find(|(t, _)| *t == target).map(|&(_, n)| n)
}

/// The targets `fuzz/fuzz_targets/*.rs` builds are exactly [`TARGETS`], and each has a stated
/// seed minimum.
#[test]
fn every_fuzz_target_is_replayed() {
    let mut built: Vec<String> = std::fs::read_dir(root().join("fuzz/fuzz_targets"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    built.sort();
    let mut known: Vec<String> = TARGETS.iter().map(|t| (*t).to_owned()).collect();
    known.sort();
    assert_eq!(built, known, "fuzz/fuzz_targets/*.rs and tarsier::core::fuzz::TARGETS differ");
    for t in TARGETS {
        assert!(minimum(MIN_SEEDS, t).is_some(), "no seed minimum stated for fuzz target {t}");
    }
    for (t, _) in REGRESSIONS {
        assert!(TARGETS.contains(t), "regression folder for unknown fuzz target {t}");
    }
}

#[test]
fn every_fuzz_regression_passes() {
    let dir = root().join("tests/fixtures/fuzz-regressions");
    let mut failures = Vec::new();
    let mut total = 0;
    for t in TARGETS {
        let folder = dir.join(t);
        let required = minimum(REGRESSIONS, t);
        if !folder.is_dir() {
            assert!(required.is_none(), "missing regression folder {}", folder.display());
            eprintln!("fuzz regressions: {t:9} none");
            continue;
        }
        let files = files_in(&folder, false);
        let min = required.unwrap_or(1);
        assert!(
            files.len() >= min,
            "{} holds {} inputs; at least {min} expected (a fixed crash's input was lost?)",
            folder.display(),
            files.len()
        );
        failures.extend(replay(t, &files));
        eprintln!("fuzz regressions: {t:9} {} inputs replayed", files.len());
        total += files.len();
    }
    eprintln!("fuzz regressions: {total} inputs replayed in all");
    assert!(failures.is_empty(), "{} regression inputs fail:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_fuzz_seed_passes() {
    let mut failures = Vec::new();
    let mut total = 0;
    for t in TARGETS {
        let folder = root().join("fuzz/corpus").join(t);
        let files = files_in(&folder, true);
        let min = minimum(MIN_SEEDS, t).unwrap_or(1);
        assert!(
            files.len() >= min,
            "{} holds {} seeds (seed-*); at least {min} expected (python3 fuzz/make_seeds.py writes them)",
            folder.display(),
            files.len()
        );
        failures.extend(replay(t, &files));
        eprintln!("fuzz seeds: {t:9} {} inputs replayed", files.len());
        total += files.len();
    }
    eprintln!("fuzz seeds: {total} inputs replayed in all");
    assert!(failures.is_empty(), "{} seeds fail:\n{}", failures.len(), failures.join("\n"));
}

/// The structure-aware generator reaches the merge: of 800 pseudo-random choice strings, most
/// build an archive that analyzes into several layers with a merged filesystem — and every one
/// passes the `archive` checks (the cut-off bodies claiming up to 2^63 bytes included).
#[test]
fn the_layered_generator_reaches_the_merge() {
    use tarsier::core::fuzz::{layered, layered_archive, options};
    use tarsier::core::image::{analyze, Flow};
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let (mut merged, mut cut) = (0, 0);
    for i in 0..800 {
        let len = 8 + i % 120;
        let data: Vec<u8> = (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect();
        if let Err(f) = layered(&data) {
            panic!("input {i} {data:?}: {f}");
        }
        let archive = layered_archive(&data);
        let Ok(a) = analyze(std::io::Cursor::new(&archive), archive.len() as u64, &options("g.tar"), &mut |_| Flow::Continue) else {
            continue;
        };
        if a.report.images.first().is_some_and(|img| img.layers.len() >= 2 && img.merged.paths > 0) {
            merged += 1;
        }
        if a.report.warnings.iter().any(|w| w.code == "damaged_layer") {
            cut += 1;
        }
    }
    eprintln!("layered: {merged} merged, {cut} cut of 800");
    assert!(merged > 450, "only {merged} of 800 reached a merge of several layers");
    assert!(cut > 400, "only {cut} of 800 had a damaged (cut-off) layer");
}

/// The `json` target's model is the config's own, not only self-consistent: `fuzz_json` of a1's
/// image config (taken out with GNU tar, read here with serde_json) gives its User, Env, Cmd,
/// Entrypoint and WorkingDir, one history step per `history` entry with its `created_by` and
/// `empty_layer`, and the `diff_ids` made, in order, by the steps that are not empty.
#[test]
fn the_json_target_reads_a_real_config() {
    let archive = root().join("../shared/fixtures/images/a1_podman_docker-archive.tar");
    let tar = |member: &str| {
        let out = std::process::Command::new("tar")
            .arg("-xOf")
            .arg(&archive)
            .arg(member)
            .output()
            .expect("GNU tar (apt-get install tar)");
        assert!(out.status.success(), "tar -xOf {member}: {}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    let manifest: serde_json::Value = serde_json::from_slice(&tar("manifest.json")).unwrap();
    let bytes = tar(manifest[0]["Config"].as_str().unwrap());
    let raw: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let (config, steps, per_layer) = tarsier::core::image::fuzz_json(&bytes).expect("a config's model");
    let c = &raw["config"];
    let strings = |v: &serde_json::Value| v.as_array().map(|a| a.iter().map(|s| s.as_str().unwrap().to_owned()).collect::<Vec<_>>());
    assert_eq!(config.user.as_deref(), c["User"].as_str());
    assert_eq!(Some(config.env.clone()), strings(&c["Env"]));
    assert_eq!(config.cmd, strings(&c["Cmd"]));
    assert_eq!(config.entrypoint, strings(&c["Entrypoint"]));
    assert_eq!(config.working_dir.as_deref(), c["WorkingDir"].as_str());
    assert!(!config.env.is_empty() && config.cmd.is_some() && config.user.is_some(), "{config:?}");
    let history = raw["history"].as_array().unwrap();
    let empty = |h: &serde_json::Value| h["empty_layer"].as_bool().unwrap_or(false);
    assert_eq!(steps.len(), history.len());
    for (s, h) in steps.iter().zip(history) {
        assert_eq!((s.created_by.as_deref(), s.empty_layer), (h["created_by"].as_str(), empty(h)));
    }
    let making: Vec<Option<usize>> = history.iter().enumerate().filter(|(_, h)| !empty(h)).map(|(i, _)| Some(i)).collect();
    assert_eq!(per_layer, making);
    assert_eq!(per_layer.len(), raw["rootfs"]["diff_ids"].as_array().unwrap().len());
}
