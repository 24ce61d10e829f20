//! The adversarial corpus (`scripts/make_adversarial.py`, generated from the real fixtures) run
//! through the CLI: every hostile or damaged input gives exactly the error or the warnings the
//! generator's `manifest.txt` states for it — never a panic, never a clean report for a damaged
//! input — within bounded CPU time and memory.
//!
//! Each child runs under two kernel limits set before it starts (`setrlimit` in `pre_exec`): CPU
//! time ([`CPU_LIMIT_S`], then the kernel kills it: a busy hang) and address space
//! ([`AS_LIMIT`], a backstop). Its peak resident memory is the kernel's own count, `ru_maxrss`
//! from `wait4`, read when it is reaped: no sampling, so no run escapes it. It must stay under
//! [`RSS_LIMIT_KB`]. The kernel counts in it the pages of this test process the child had mapped
//! between `fork` and `exec`, so this process keeps itself small: reports are read as a stream
//! into the few fields checked, never held whole (control runs of `tarsier --version` at the
//! start and the end show how much that adds).
//!
//! `python3` and the fixtures are required: without them the tests fail, saying what to install.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use tarsier::core::paste::{self, PasteError};

/// CPU seconds one child may use (debug build; a release build needs a fraction).
const CPU_LIMIT_S: u64 = 60;
/// The million-entry archive: ~20 s of CPU in a debug build.
const CPU_LIMIT_MANY_S: u64 = 180;
/// Peak resident memory allowed to one child.
const RSS_LIMIT_KB: u64 = 1536 * 1024;
/// Address-space cap (a backstop: the RSS check is the assertion).
const AS_LIMIT: u64 = 4 << 30;

fn fixtures() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::var_os("TARSIER_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/fixtures"));
    assert!(
        dir.join("images").is_dir(),
        "the shared fixtures are missing: no {}/images (put them at ../shared/fixtures or set TARSIER_FIXTURES)",
        dir.display()
    );
    dir
}

/// Generates the corpus once per test binary run (the tests in this file share it).
fn corpus() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let fix = fixtures();
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("adversarial");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/make_adversarial.py");
        let status = Command::new("python3")
            .arg(&script)
            .arg(&out)
            .arg("--fixtures")
            .arg(&fix)
            .status()
            .unwrap_or_else(|e| {
                panic!("cannot run python3 ({e}): install it (Debian: apt-get install python3)")
            });
        assert!(status.success(), "make_adversarial.py failed: {status}");
        out
    })
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

/// How a child ended, from `wait4`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Exit(i32),
    Signal(i32),
}

struct Run {
    end: End,
    /// Where the child's stdout is (removed with the `Run`).
    stdout: PathBuf,
    stderr: String,
    /// `ru_maxrss`: the kernel's peak resident set of the child, in KiB.
    peak_rss_kb: u64,
}

impl Drop for Run {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.stdout);
    }
}

/// The fields of `inspect --json` / `status --json` output the checks read. Everything else is
/// skipped while parsing, so a 16 MB report costs this process no memory (see the module doc).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct Output {
    warnings: Vec<Code>,
    images: Vec<Image>,
    error: Option<ErrorOut>,
}
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct Code {
    code: String,
}
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct Image {
    findings: Vec<Finding>,
}
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct Finding {
    kind: String,
}
#[derive(serde::Deserialize)]
struct ErrorOut {
    code: String,
    message: String,
    #[serde(default)]
    file: Option<String>,
}

impl Run {
    fn stdout_text(&self) -> String {
        std::fs::read_to_string(&self.stdout).unwrap_or_default()
    }

    fn output(&self) -> Result<Output, String> {
        let f = std::fs::File::open(&self.stdout).map_err(|e| format!("no stdout: {e}"))?;
        serde_json::from_reader(std::io::BufReader::new(f))
            .map_err(|e| format!("stdout is not JSON: {e}"))
    }

    fn describe(&self) -> String {
        format!("{:?}, peak RSS {} MiB", self.end, self.peak_rss_kb / 1024)
    }
}

/// Runs the CLI with `args` under the CPU and address-space limits and reaps it with `wait4`.
/// stdout and stderr go to files (a full report can be large, and a pipe nobody drains would
/// block the child).
fn run_cli(args: &[&str], scratch: &Path, cpu_s: u64) -> Run {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let out_path = scratch.join(format!("run-{n}.out"));
    let err_path = scratch.join(format!("run-{n}.err"));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tarsier"));
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap());
    // SAFETY: the closure runs in the forked child before `exec` and only calls `setrlimit`,
    // which is async-signal-safe; it touches no memory shared with other threads.
    unsafe {
        cmd.pre_exec(move || {
            // SIGXCPU at the soft limit, SIGKILL a few seconds later if it is ignored.
            let cpu = libc::rlimit { rlim_cur: cpu_s, rlim_max: cpu_s + 5 };
            let space = libc::rlimit { rlim_cur: AS_LIMIT, rlim_max: AS_LIMIT };
            if libc::setrlimit(libc::RLIMIT_CPU, &cpu) != 0
                || libc::setrlimit(libc::RLIMIT_AS, &space) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let child = cmd.spawn().expect("spawn tarsier");
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    let (status, usage) = loop {
        let mut status = 0;
        // SAFETY: a zeroed rusage is a valid value of that plain C struct.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: both pointers are to live locals of the right types; `pid` is our own child,
        // reaped here and nowhere else (`child` is never waited on).
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            break (status, usage);
        }
        let e = std::io::Error::last_os_error();
        assert_eq!(e.kind(), std::io::ErrorKind::Interrupted, "wait4({pid}): {e}");
    };
    drop(child);
    let end = if libc::WIFEXITED(status) {
        End::Exit(libc::WEXITSTATUS(status))
    } else {
        End::Signal(libc::WTERMSIG(status))
    };
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    let _ = std::fs::remove_file(&err_path);
    Run {
        end,
        stdout: out_path,
        stderr,
        peak_rss_kb: u64::try_from(usage.ru_maxrss).unwrap_or(0),
    }
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

/// Checks `run` against one outcome of the manifest's expectation (see the generator's
/// docstring); `big` runs have no JSON (the human summary of a million entries instead).
fn check_outcome(outcome: &str, run: &Run, big: bool) -> Result<(), String> {
    let (kind, arg) = outcome.split_once(':').unwrap_or((outcome, ""));
    if kind == "error" {
        if run.end != End::Exit(1) {
            return Err(format!("expected error {arg} (exit 1), got {:?}: {}", run.end, run.stderr));
        }
        let message = match run.stderr.lines().collect::<Vec<_>>().as_slice() {
            [line] => line.strip_prefix("tarsier: ").filter(|m| m.len() > 10),
            _ => None,
        }
        .ok_or_else(|| format!("expected one `tarsier: …` line on stderr, got {:?}", run.stderr))?;
        let error = run.output()?.error.ok_or("no `error` object on stdout")?;
        if error.code != arg {
            return Err(format!("expected error {arg}, got error {}: {message}", error.code));
        }
        // An archive's error is `tarsier: FILE: SENTENCE` (the file named once, at the edge); a
        // paste's is the sentence alone.
        let expected = match &error.file {
            Some(file) if !error.message.contains(file.as_str()) => format!("{file}: {}", error.message),
            Some(_) => return Err(format!("the JSON error's sentence names the file: {}", error.message)),
            None => error.message.clone(),
        };
        if message != expected {
            return Err(format!("stderr is not the JSON error: {message} / {expected}"));
        }
        return Ok(());
    }
    if run.end != End::Exit(0) {
        return Err(format!("expected {outcome}, got {:?}: {}", run.end, run.stderr));
    }
    if big {
        // The summary lists warnings under a `warnings:` line.
        let text = run.stdout_text();
        return match (kind, text.lines().any(|l| l == "warnings:")) {
            ("ok", false) => Ok(()),
            ("ok", true) => Err(format!("expected no warning, got:\n{text}")),
            _ => Err(format!("{outcome} cannot be checked on a summary")),
        };
    }
    let out = run.output()?;
    let mut codes: Vec<&str> = out.warnings.iter().map(|w| w.code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    let mut want: Vec<&str> = if kind == "warn" { arg.split(',').collect() } else { Vec::new() };
    want.sort_unstable();
    if codes != want {
        return Err(format!("expected warnings {want:?}, got {codes:?}"));
    }
    match kind {
        "ok" | "warn" => Ok(()),
        "finding" => {
            let kinds: Vec<&str> =
                out.images.iter().flat_map(|i| &i.findings).map(|f| f.kind.as_str()).collect();
            if kinds.contains(&arg) {
                Ok(())
            } else {
                Err(format!("expected finding {arg}, got {kinds:?}"))
            }
        }
        "names" => {
            let names: Vec<String> = serde_json::from_str(arg)
                .map_err(|e| format!("names: is not a JSON array of strings: {e}"))?;
            // Small reports: read whole.
            let v: serde_json::Value = serde_json::from_str(&run.stdout_text())
                .map_err(|e| format!("stdout is not JSON: {e}"))?;
            let mut strings = Vec::new();
            all_strings(&v, &mut strings);
            match names.iter().find(|n| !strings.iter().any(|s| s.contains(n.as_str()))) {
                Some(n) => Err(format!("the JSON does not carry {n:?} verbatim")),
                None => Ok(()),
            }
        }
        other => Err(format!("unknown expectation {other}")),
    }
}

/// Runs one case; the run (for its peak) and whether it met one of its expected outcomes.
fn check(dir: &Path, case: &Case, scratch: &Path) -> (Run, Result<(), String>) {
    let path = dir.join(&case.file);
    let path_s = path.to_str().unwrap();
    let big = case.file.starts_with("many/");
    let args: Vec<&str> = match (case.command.as_str(), big) {
        // A million entries: the summary, not a full JSON listing of two million rows.
        ("inspect", true) => vec!["inspect", path_s],
        (command, _) => vec![command, "--json", path_s],
    };
    let run = run_cli(&args, scratch, if big { CPU_LIMIT_MANY_S } else { CPU_LIMIT_S });
    let verdict = (|| {
        if let End::Signal(sig) = run.end {
            let why = match sig {
                libc::SIGXCPU | libc::SIGKILL => "the CPU-time limit: a hang?",
                _ => "a crash (an allocation over the address-space cap aborts)",
            };
            return Err(format!("killed by signal {sig} ({why}): {}", run.stderr));
        }
        if run.stderr.contains("panicked") {
            return Err(format!("panicked: {}", run.stderr));
        }
        if run.peak_rss_kb == 0 || run.peak_rss_kb > RSS_LIMIT_KB {
            return Err(format!("peak RSS {} KiB (limit {RSS_LIMIT_KB} KiB)", run.peak_rss_kb));
        }
        let mut why = Vec::new();
        let outcomes: Vec<&str> = if case.expect.starts_with("names:") {
            vec![case.expect.as_str()]
        } else {
            case.expect.split('|').collect()
        };
        for outcome in outcomes {
            match check_outcome(outcome, &run, big) {
                Ok(()) => return Ok(()),
                Err(e) => why.push(e),
            }
        }
        Err(why.join("; or "))
    })();
    (run, verdict)
}

#[test]
fn every_adversarial_input_gives_its_stated_error_or_warnings_in_bounded_cpu_and_memory() {
    let dir = corpus();
    let cases = manifest(dir);
    assert!(cases.len() > 150, "the generator wrote only {} cases", cases.len());
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("adversarial-runs");
    std::fs::create_dir_all(&scratch).unwrap();
    // What the peaks include of this process (mapped between fork and exec): control runs.
    let control = || {
        let run = run_cli(&["--version"], &scratch, CPU_LIMIT_S);
        assert_eq!(run.end, End::Exit(0), "{}", run.stderr);
        run.peak_rss_kb
    };
    let control_before = control();
    // Two workers: the machine this runs on has two cores.
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let peaks = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(case) = cases.get(i) else { break };
                let (run, verdict) = check(dir, case, &scratch);
                peaks.lock().unwrap().push((run.peak_rss_kb, case.file.clone()));
                match verdict {
                    Ok(()) => eprintln!("ok   {:<48} {}", case.file, run.describe()),
                    Err(why) => {
                        eprintln!("FAIL {:<48} {} — {why}", case.file, run.describe());
                        failures.lock().unwrap().push(format!(
                            "{} ({}; expect {}): {why}",
                            case.file, case.what, case.expect
                        ));
                    }
                }
            });
        }
    });
    let peaks = peaks.into_inner().unwrap();
    assert_eq!(peaks.len(), cases.len(), "every case was run and its peak recorded");
    let (max_kb, max_file) = peaks.iter().max().cloned().unwrap_or_default();
    let min_kb = peaks.iter().map(|p| p.0).min().unwrap_or_default();
    eprintln!(
        "adversarial corpus: {} cases run, peak RSS max {} KiB ({max_file}), min {min_kb} KiB, limit {} KiB; control runs (`tarsier --version`) {control_before} KiB and {} KiB",
        peaks.len(),
        max_kb,
        RSS_LIMIT_KB,
        control()
    );
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
    let file = corpus().join("names/link-loops.tar");
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
        let run = run_cli(&["cat", file.to_str().unwrap(), path], &scratch, CPU_LIMIT_S);
        assert_eq!(run.end, End::Exit(1), "cat {path}: {}", run.stderr);
        assert!(
            run.stderr.starts_with("tarsier: ") && run.stderr.lines().count() == 1,
            "cat {path}: {}",
            run.stderr
        );
        assert!(run.stdout_text().is_empty(), "cat {path} wrote to stdout");
        assert!(run.peak_rss_kb > 0 && run.peak_rss_kb <= RSS_LIMIT_KB, "cat {path}: {}", run.describe());
    }
}

#[test]
fn a_ten_megabyte_paste_is_refused() {
    let mask = "CapEff:\t00000000a80425fb\n";
    let text = mask.repeat(10 * 1000 * 1000 / mask.len() + 1);
    assert!(text.len() > 10_000_000);
    let err = paste::analyze(&text).unwrap_err();
    assert!(matches!(err, PasteError::TooLarge { bytes } if bytes == text.len()), "{err:?}");
    assert!(!err.to_string().is_empty());
    let over = "f".repeat(paste::MAX_PASTE_BYTES + 1);
    assert!(matches!(
        paste::analyze(&over),
        Err(PasteError::TooLarge { .. })
    ));
    let _ = paste::analyze_against("Name:\tsh\nCapEff:\t0\n", Some(&text));
}
