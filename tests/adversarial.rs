//! The adversarial corpus (`scripts/make_adversarial.py`, generated from the real fixtures) run
//! through the CLI: every hostile or damaged input gives a clear error or a warning — never a
//! panic — within bounded time and memory.
//!
//! Each child runs under a watchdog ([`WALL_LIMIT`], then killed and the test fails), an address
//! space cap (`prlimit --as`, when util-linux is installed), and its peak resident memory
//! (`VmHWM` from `/proc/<pid>/status`, sampled while it runs) must stay under [`RSS_LIMIT`]. The
//! expectations come from the generator's `manifest.txt`, so the generator is the one place
//! that says what each file is and what it must produce.
//!
//! Skipped, with a message, when `python3` or the fixtures are missing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tarsier::core::paste::{self, PasteError};

/// A child taking longer than this has hung (a debug build; release runs take a fraction).
const WALL_LIMIT: Duration = Duration::from_secs(60);
/// The million-entry archive: ~15 s of CPU in a debug build, but two cores shared with other
/// builds can triple its wall time.
const WALL_LIMIT_MANY: Duration = Duration::from_secs(180);
/// Peak resident memory allowed to one child.
const RSS_LIMIT_KB: u64 = 1536 * 1024;
/// Address-space cap for `prlimit --as` (a backstop; the RSS check is the assertion).
const AS_LIMIT: u64 = 4 << 30;

fn fixtures() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::var_os("TARSIER_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/fixtures"));
    dir.join("images").is_dir().then_some(dir)
}

fn have(cmd: &str) -> bool {
    Command::new(cmd)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Generates the corpus once per test binary run (the tests in this file share it).
fn corpus() -> Option<PathBuf> {
    static DIR: Mutex<Option<Option<PathBuf>>> = Mutex::new(None);
    let mut guard = DIR.lock().unwrap();
    if let Some(d) = &*guard {
        return d.clone();
    }
    let result = (|| {
        if !have("python3") {
            eprintln!("SKIP adversarial corpus: python3 is not installed");
            return None;
        }
        let Some(fix) = fixtures() else {
            eprintln!("SKIP adversarial corpus: no fixtures (set TARSIER_FIXTURES)");
            return None;
        };
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("adversarial");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/make_adversarial.py");
        let t = Instant::now();
        let status = Command::new("python3")
            .arg(&script)
            .arg(&out)
            .arg("--fixtures")
            .arg(&fix)
            .status()
            .expect("run make_adversarial.py");
        assert!(status.success(), "make_adversarial.py failed");
        eprintln!("generated the corpus in {:?}", t.elapsed());
        Some(out)
    })();
    *guard = Some(result.clone());
    result
}

struct Case {
    file: String,
    command: String,
    expect: String,
    what: String,
}

fn manifest(dir: &Path) -> Vec<Case> {
    std::fs::read_to_string(dir.join("manifest.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut f = l.splitn(4, '\t');
            let mut next = || f.next().unwrap_or_default().to_owned();
            Case {
                file: next(),
                command: next(),
                expect: next(),
                what: next(),
            }
        })
        .collect()
}

struct Run {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
    elapsed: Duration,
    peak_rss_kb: u64,
}

fn vm_hwm_kb(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs the CLI with `args` under the watchdog; stdout and stderr go to files (a full report
/// can be large, and a pipe nobody drains would block the child).
fn run_cli(args: &[&str], scratch: &Path, limit: Duration) -> Run {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let out_path = scratch.join(format!("run-{n}.out"));
    let err_path = scratch.join(format!("run-{n}.err"));
    let bin = env!("CARGO_BIN_EXE_tarsier");
    let mut cmd = if Path::new("/usr/bin/prlimit").exists() {
        let mut c = Command::new("/usr/bin/prlimit");
        c.arg(format!("--as={AS_LIMIT}")).arg("--").arg(bin);
        c
    } else {
        Command::new(bin)
    };
    let t = Instant::now();
    let mut child = cmd
        .args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("spawn tarsier");
    let pid = child.id();
    let mut peak = 0;
    let code = loop {
        if let Some(kb) = vm_hwm_kb(pid) {
            peak = peak.max(kb);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if t.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("tarsier {args:?} still running after {limit:?}: killed (a hang)");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let run = Run {
        code,
        stdout: std::fs::read(&out_path).unwrap_or_default(),
        stderr: std::fs::read_to_string(&err_path).unwrap_or_default(),
        elapsed: t.elapsed(),
        peak_rss_kb: peak,
    };
    let _ = std::fs::remove_file(&out_path);
    let _ = std::fs::remove_file(&err_path);
    run
}

fn all_strings<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a str>) {
    match v {
        serde_json::Value::String(s) => out.push(s),
        serde_json::Value::Array(a) => a.iter().for_each(|x| all_strings(x, out)),
        serde_json::Value::Object(o) => o.iter().for_each(|(k, x)| {
            out.push(k);
            all_strings(x, out)
        }),
        _ => {}
    }
}

/// Checks one case; returns a failure description.
fn check(dir: &Path, case: &Case, scratch: &Path) -> Result<String, String> {
    let path = dir.join(&case.file);
    let path_s = path.to_str().unwrap();
    let big = case.file.starts_with("many/");
    let args: Vec<&str> = match (case.command.as_str(), big) {
        // A million entries: the summary, not a full JSON listing of two million rows.
        ("inspect", true) => vec!["inspect", path_s],
        ("inspect", false) => vec!["inspect", "--json", path_s],
        ("status", _) => vec!["status", path_s],
        (other, _) => return Err(format!("unknown command {other}")),
    };
    let run = run_cli(
        &args,
        scratch,
        if big { WALL_LIMIT_MANY } else { WALL_LIMIT },
    );
    let summary = format!(
        "exit {:?} in {:.2?}, peak RSS {} MiB",
        run.code,
        run.elapsed,
        run.peak_rss_kb / 1024
    );
    if run.stderr.contains("panicked") || run.code.is_none() {
        return Err(format!("crashed ({summary}): {}", run.stderr));
    }
    if run.peak_rss_kb > RSS_LIMIT_KB {
        return Err(format!("used too much memory ({summary})"));
    }
    let ok = run.code == Some(0);
    let error_line = || -> Result<(), String> {
        let lines: Vec<&str> = run.stderr.lines().collect();
        match lines.as_slice() {
            [line] if line.starts_with("tarsier: ") && line.len() > 20 => Ok(()),
            _ => Err(format!(
                "expected one `tarsier: …` line on stderr ({summary}), got {:?}",
                run.stderr
            )),
        }
    };
    let json = || -> Result<serde_json::Value, String> {
        serde_json::from_slice(&run.stdout)
            .map_err(|e| format!("stdout is not JSON ({summary}): {e}"))
    };
    let expect = case.expect.as_str();
    match expect.split_once(':').unwrap_or((expect, "")) {
        ("error", _) => {
            if ok {
                return Err(format!("expected an error, got success ({summary})"));
            }
            error_line()?;
            if run.code != Some(1) {
                return Err(format!("expected exit 1 ({summary})"));
            }
        }
        ("ok", _) => {
            if !ok {
                return Err(format!("expected success ({summary}): {}", run.stderr));
            }
            if !big && case.command == "inspect" {
                json()?;
            }
        }
        ("error-or-warn", _) => {
            if !ok {
                error_line()?;
                if run.code != Some(1) {
                    return Err(format!("expected exit 0 or 1 ({summary})"));
                }
            } else if case.command == "inspect" && !big {
                json()?;
            }
        }
        ("warn", code) => {
            if !ok {
                return Err(format!(
                    "expected warning {code}, got an error ({summary}): {}",
                    run.stderr
                ));
            }
            let v = json()?;
            let codes: Vec<&str> = v["warnings"]
                .as_array()
                .map(|a| a.iter().filter_map(|w| w["code"].as_str()).collect())
                .unwrap_or_default();
            if !codes.contains(&code) {
                return Err(format!(
                    "expected warning {code}, got {codes:?} ({summary})"
                ));
            }
        }
        ("finding", kind) => {
            if !ok {
                return Err(format!(
                    "expected finding {kind}, got an error ({summary}): {}",
                    run.stderr
                ));
            }
            let v = json()?;
            let kinds: Vec<&str> = v["images"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|i| i["findings"].as_array().into_iter().flatten())
                .filter_map(|f| f["kind"].as_str())
                .collect();
            if !kinds.contains(&kind) {
                return Err(format!(
                    "expected finding {kind}, got {kinds:?} ({summary})"
                ));
            }
        }
        ("names", names) => {
            if !ok {
                return Err(format!("expected success ({summary}): {}", run.stderr));
            }
            let v = json()?;
            let mut strings = Vec::new();
            all_strings(&v, &mut strings);
            for name in names.split('|') {
                if !strings.iter().any(|s| s.contains(name)) {
                    return Err(format!(
                        "the JSON does not carry {name:?} verbatim ({summary})"
                    ));
                }
            }
        }
        (other, _) => return Err(format!("unknown expectation {other}")),
    }
    Ok(summary)
}

#[test]
fn every_adversarial_input_gives_an_error_or_a_warning_in_bounded_time_and_memory() {
    let Some(dir) = corpus() else { return };
    let cases = manifest(&dir);
    assert!(
        cases.len() > 100,
        "the generator wrote only {} cases",
        cases.len()
    );
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("adversarial-runs");
    std::fs::create_dir_all(&scratch).unwrap();
    // Two workers: the machine this runs on has two cores.
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(case) = cases.get(i) else { break };
                match check(&dir, case, &scratch) {
                    Ok(summary) => eprintln!("ok   {:<48} {summary}", case.file),
                    Err(why) => {
                        eprintln!("FAIL {:<48} {why}", case.file);
                        failures.lock().unwrap().push(format!(
                            "{} ({}; expect {}): {why}",
                            case.file, case.what, case.expect
                        ));
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn link_loops_end_with_an_error_when_followed() {
    let Some(dir) = corpus() else { return };
    let file = dir.join("names/link-loops.tar");
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("adversarial-runs");
    std::fs::create_dir_all(&scratch).unwrap();
    for path in [
        "loop/a",
        "loop/self",
        "loop/dot",
        "loop/up",
        "loop/abs",
        "hl/h1",
        "hl/hself",
        "hl/missing",
    ] {
        let run = run_cli(&["cat", file.to_str().unwrap(), path], &scratch, WALL_LIMIT);
        assert!(
            !run.stderr.contains("panicked"),
            "cat {path}: {}",
            run.stderr
        );
        assert!(run.code.is_some(), "cat {path} was killed");
        assert!(
            run.stdout.len() < 1 << 20,
            "cat {path} wrote {} bytes",
            run.stdout.len()
        );
    }
}

#[test]
fn a_ten_megabyte_paste_is_refused_at_once() {
    let mask = "CapEff:\t00000000a80425fb\n";
    let text = mask.repeat(10 * 1000 * 1000 / mask.len() + 1);
    assert!(text.len() > 10_000_000);
    let t = Instant::now();
    let err = paste::analyze(&text).unwrap_err();
    assert!(
        matches!(
            err,
            PasteError::TooLarge { .. } | PasteError::TooMany { .. } | PasteError::Status(_)
        ),
        "{err:?}"
    );
    assert!(!err.to_string().is_empty());
    let over = "f".repeat(paste::MAX_PASTE_BYTES + 1);
    assert!(matches!(
        paste::analyze(&over),
        Err(PasteError::TooLarge { .. })
    ));
    let _ = paste::analyze_against("Name:\tsh\nCapEff:\t0\n", Some(&text));
    eprintln!("10 MB pastes refused in {:?}", t.elapsed());
}
