//! How `/proc/<pid>/status` text may arrive (CRLF, prompts, grep subsets, spaces, blank lines),
//! how garbage is refused (a sentence with a line number), size limits, fragments, and the CLI.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use tarsier::core::paste::{classify, Accept, Classified};
use tarsier::core::status::{self, parse, FragmentError, ProcStatus, StatusError};

const HOST: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/proc/local/host_self.status"));
const A1: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/images/a1_podman_docker-archive.tar");
const REDIS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/proc/seed/redis-server.status");

/// The typed model without line numbers and with inner white space of raw values collapsed
/// (raw values keep what was pasted), to compare parses of differently laid-out text.
fn model(mut s: ProcStatus) -> ProcStatus {
    for f in &mut s.raw {
        f.line = 0;
        f.value = f.value.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    s
}

#[test]
fn layouts_parse_to_the_same_model() {
    let reference = model(parse(HOST).unwrap());
    let variants = [
        HOST.replace('\n', "\r\n"),
        format!("$ cat /proc/self/status\n{HOST}root@box:~# "),
        format!("\n\n   \n{HOST}\n\n\n"),
        HOST.replace('\t', "    "),
        HOST.replace(":\t", ": "),
        HOST.lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n"),
        HOST.lines().collect::<Vec<_>>().join("\n\n"),
        format!("\u{feff}{HOST}"),
        HOST.lines().map(|l| format!("/proc/self/status:{l}")).collect::<Vec<_>>().join("\n"),
    ];
    for (i, text) in variants.iter().enumerate() {
        let got = parse(text).unwrap_or_else(|e| panic!("variant {i}: {e}"));
        assert!(got.warnings.is_empty(), "variant {i}: {:?}", got.warnings);
        assert_eq!(model(got), reference, "variant {i}");
    }
}

#[test]
fn grep_subsets_and_partial_dumps() {
    let caps: String = HOST.lines().filter(|l| l.starts_with("Cap")).map(|l| format!("{l}\n")).collect();
    let s = parse(&format!("$ grep ^Cap /proc/self/status\n{caps}")).unwrap();
    let full = parse(HOST).unwrap();
    assert_eq!((s.cap_inh, s.cap_prm, s.cap_eff, s.cap_bnd, s.cap_amb), (full.cap_inh, full.cap_prm, full.cap_eff, full.cap_bnd, full.cap_amb));
    assert_eq!(s.name, None);
    assert!(matches!(classify(&caps, Accept::Any), Ok(Classified::Masks(m)) if m.len() == 5));
    // A single CapEff line, as the mask decoder also takes it.
    assert_eq!(parse("CapEff:\t00000000a80425fb").unwrap().cap_eff.map(|c| c.len()), Some(14));
    // The first half of a dump, cut mid-line.
    let half = &HOST[..HOST.len() / 2];
    let s = parse(half).unwrap();
    assert_eq!(s.name.as_deref(), Some("cat"));
    let r = status::analyze(&s);
    assert!(r.verdict.headline.contains("capabilities unknown"));
}

#[test]
fn unknown_keys_and_colons_are_kept() {
    let text = format!("{HOST}Future_field:\tx:y: z\nName_with_colon_value:\t10:20:30\n");
    let s = parse(&text).unwrap();
    let unknown = s.unknown_fields();
    assert_eq!(unknown.len(), 2);
    assert_eq!(unknown[0].value, "x:y: z");
    assert_eq!(unknown[1].value, "10:20:30");
    let r = status::analyze(&s);
    assert_eq!(r.unknown_fields.len(), 2);
    assert!(r.raw.iter().any(|f| f.key == "Future_field" && !f.known && f.section == "unknown"));
    // A process name may contain a colon.
    assert_eq!(parse("Name:\tkworker/0:1H").unwrap().name.as_deref(), Some("kworker/0:1H"));
}

#[test]
fn garbage_gets_a_sentence_with_a_line_number() {
    assert_eq!(parse(""), Err(StatusError::Empty));
    assert_eq!(parse(" \n\t\r\n$ cat /proc/1/status\n"), Err(StatusError::Empty));
    let err = parse("hello world").unwrap_err();
    assert!(matches!(err, StatusError::NotKeyValue { line: 1, .. }));
    let msg = err.to_string();
    assert!(msg.starts_with("Line 1 is not a \"Key:\tvalue\" line") && msg.ends_with('.'), "{msg}");

    // Mostly not a dump: two fields among three lines of prose are refused, naming the first.
    let err = parse("Some notes about the box.\nName:\tbash\nIt was slow.\nPid:\t1\nThe end.").unwrap_err();
    assert!(matches!(err, StatusError::NotKeyValue { line: 1, stray: 3, fields: 2, .. }), "{err:?}");
    assert!(err.to_string().contains("Line 1") && err.to_string().contains("3 of its 5 lines are not"), "{err}");

    let err = parse("foo: bar\nbaz: qux").unwrap_err();
    assert!(matches!(err, StatusError::NoKnownFields { line: 1, .. }), "{err:?}");
    assert!(err.to_string().contains("\"foo\""));

    assert!(matches!(parse("{\"json\": true}"), Err(StatusError::NotKeyValue { line: 1, .. })));
    assert!(matches!(parse("\u{0}\u{1}\u{2}binary"), Err(StatusError::NotKeyValue { .. })));
    assert!(matches!(parse("00000000a80425fb"), Err(StatusError::NotKeyValue { line: 1, .. })));
    assert!(matches!(classify("00000000a80425fb", Accept::Any), Ok(Classified::Masks(_))));
    assert!(classify("foo bar", Accept::Any).is_err());
}

/// What a debugger prints around a dump read while it was attached (`gdb -p`, then `detach`).
const GDB_TAIL: [&str; 3] = ["(gdb) detach", "Detaching from program: /usr/bin/cat, process 4242", "[Inferior 1 (process 4242) detached]"];

/// Issue 11: a real dump with stray lines (a debugger's transcript after it, a shell's `$ `
/// line and a note in the middle) is explained, with a warning naming each ignored line.
#[test]
fn stray_lines_in_a_real_dump_are_ignored_and_named() {
    let clean = parse(HOST).unwrap();
    let mut lines: Vec<&str> = HOST.lines().collect();
    lines.insert(9, "$ ");
    lines.insert(20, "(the next lines are from the second terminal)");
    lines.extend(GDB_TAIL);
    let text = lines.join("\n");
    let s = parse(&text).unwrap_or_else(|e| panic!("{e}"));
    // The same model: every field, none lost or shifted.
    assert_eq!(model(ProcStatus { warnings: Vec::new(), ..s.clone() }), model(clean.clone()));
    // One warning per ignored line, with its number and its text; the `$ ` prompt is no stray.
    let named: Vec<(usize, Option<&str>)> = s.warnings.iter().map(|w| (w.line, w.key.as_deref())).collect();
    let last = lines.len();
    assert_eq!(named, [(21, None), (last - 2, None), (last - 1, None), (last, None)]);
    for (w, text) in s.warnings.iter().zip(["(the next lines are from the second terminal)", GDB_TAIL[0], GDB_TAIL[1], GDB_TAIL[2]]) {
        assert_eq!(w.message, format!("Line {} is not a \"Key:\tvalue\" line and was ignored: {text:?}.", w.line));
    }
    // The paste box reads it as the same dump, with the same warnings.
    match classify(&text, Accept::Any) {
        Ok(Classified::Status(dumps)) => assert_eq!(dumps, std::slice::from_ref(&s)),
        other => panic!("{other:?}"),
    }
    let report = status::analyze(&s);
    assert_eq!(report.warnings, s.warnings);
    assert_eq!(report.verdict, status::analyze(&clean).verdict);
}

#[test]
fn many_stray_lines_are_counted_and_a_mostly_stray_text_is_refused() {
    let fields = HOST.lines().count();
    // One stray line after every second field: fewer strays than fields, so the dump is read;
    // the first MAX_IGNORED_WARNINGS are named, one more warning counts the rest.
    let text: String = HOST.lines().enumerate().map(|(i, l)| if i % 2 == 1 { format!("{l}\nnoise {i}\n") } else { format!("{l}\n") }).collect();
    let strays = fields / 2;
    assert!(strays > status::MAX_IGNORED_WARNINGS);
    let s = parse(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.raw.len(), fields);
    assert_eq!(s.warnings.len(), status::MAX_IGNORED_WARNINGS + 1);
    assert!(s.warnings[..status::MAX_IGNORED_WARNINGS].iter().all(|w| w.key.is_none() && w.message.contains("\"noise ")));
    let summary = &s.warnings[status::MAX_IGNORED_WARNINGS].message;
    assert_eq!(summary, &format!("{} more lines that are not \"Key:\tvalue\" lines were ignored ({strays} in all, the first on line 3).", strays - status::MAX_IGNORED_WARNINGS));
    // As many stray lines as fields: mostly not a dump.
    let text: String = HOST.lines().map(|l| format!("{l}\nnoise\n")).collect();
    let err = parse(&text).unwrap_err();
    assert_eq!(err, StatusError::NotKeyValue { line: 2, text: "noise".to_owned(), stray: fields, fields });
    assert!(matches!(classify(&text, Accept::Any), Err(tarsier::core::paste::PasteError::Status(StatusError::NotKeyValue { .. }))));
}

#[test]
fn ten_megabytes_are_refused_at_once() {
    let big = HOST.repeat(10 * 1024 * 1024 / HOST.len() + 1);
    assert!(big.len() > 10_000_000);
    assert!(matches!(parse(&big), Err(StatusError::TooLarge { .. })));
    assert!(matches!(status::parse_all(&big), Err(StatusError::TooLarge { .. })));
    let _ = classify(&big, Accept::Any); // bounded: must return, whatever it says
    let err = parse(&"a".repeat(10_000_000)).unwrap_err();
    assert!(err.to_string().contains("at most"));
    // Under the byte limit but too many lines.
    assert!(matches!(parse(&"\n".repeat(status::MAX_LINES + 10)), Err(StatusError::TooManyLines { .. })));
    // Many dumps.
    let many = HOST.repeat(status::MAX_DUMPS + 1);
    assert!(matches!(status::parse_all(&many), Err(StatusError::TooManyDumps { .. })));
    // A huge CPU range costs nothing.
    let s = parse("Cpus_allowed_list:\t0-4294967295").unwrap();
    assert_eq!(s.cpus_allowed_list.map(|c| c.count()), Some(1 << 32));
}

#[test]
fn wide_and_inconsistent_cpu_masks() {
    let wide = format!("Cpus_allowed:\t{}\nCpus_allowed_list:\t0-8191", ["ffffffff"; 256].join(","));
    let r = status::analyze(&parse(&wide).unwrap());
    let cpus = r.cpus.unwrap();
    assert_eq!(cpus.consistent, Some(true));
    assert_eq!(cpus.mask_count, Some(8192));
    let r = status::analyze(&parse("Cpus_allowed:\t3\nCpus_allowed_list:\t0-2").unwrap());
    assert_eq!(r.cpus.as_ref().and_then(|c| c.consistent), Some(false));
    assert!(r.verdict.points.iter().any(|p| p.text.contains("disagree")));
}

/// A CPU list is a set: ranges out of order, touching or overlapping read as the kernel would
/// print the same set (bitmap_print_to_pagebuf: `0-5`), and are counted once.
#[test]
fn cpu_lists_are_sets() {
    for (list, canonical, count) in [("2-3,0-1", "0-3", 4), ("0-3,2-5", "0-5", 6), ("4,0-1,2", "0-2,4", 4), ("7,7,7", "7", 1)] {
        let s = parse(&format!("Cpus_allowed_list:\t{list}")).unwrap();
        let set = s.cpus_allowed_list.unwrap();
        assert_eq!((set.to_list(), set.count()), (canonical.to_owned(), count), "{list}");
    }
}

/// A link holds at most MAX_FRAGMENT_TEXT_BYTES of text: exactly that much is shared.
#[test]
fn the_fragment_text_limit_is_exact() {
    let text = "a".repeat(status::MAX_FRAGMENT_TEXT_BYTES);
    let frag = status::to_fragment(&text).unwrap();
    assert_eq!(status::from_fragment(&frag).unwrap(), text);
    assert!(matches!(status::to_fragment(&format!("{text}a")), Err(FragmentError::TextTooLarge { bytes }) if bytes == text.len() + 1));
}

#[test]
fn corrupt_fragments_are_errors() {
    let frag = status::to_fragment(HOST).unwrap();
    assert!(matches!(status::from_fragment("x1.abc"), Err(FragmentError::UnknownVersion)));
    assert!(matches!(status::from_fragment("v1.a*b"), Err(FragmentError::NotBase64 { .. })));
    let truncated = &frag[..frag.len() / 2];
    assert!(status::from_fragment(truncated).is_err());
    let mut flipped: Vec<char> = frag.chars().collect();
    let mid = flipped.len() / 2;
    flipped[mid] = if flipped[mid] == 'A' { 'B' } else { 'A' };
    let flipped: String = flipped.into_iter().collect();
    // A flipped character either fails to decode or decodes to different text; never the original.
    assert_ne!(status::from_fragment(&flipped).ok().as_deref(), Some(HOST));
    assert!(matches!(status::to_fragment(&"x".repeat(status::MAX_FRAGMENT_TEXT_BYTES + 1)), Err(FragmentError::TextTooLarge { .. })));
    // A small fragment that would inflate far beyond the limit stops at the limit.
    use std::io::Read;
    let mut bomb = Vec::new();
    flate2::read::DeflateEncoder::new(std::io::repeat(b'0').take(4 << 20), flate2::Compression::best()).read_to_end(&mut bomb).unwrap();
    use base64::Engine as _;
    let bomb = format!("v1.{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bomb));
    assert!(bomb.len() <= status::MAX_FRAGMENT_CHARS, "{}", bomb.len());
    assert!(matches!(status::from_fragment(&bomb), Err(FragmentError::TextTooLarge { .. })));
    assert!(status::from_fragment("v1.").is_err() || status::from_fragment("v1.").unwrap().is_empty());
}

fn tarsier(args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tarsier"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(stdin.unwrap_or_default().as_bytes()).unwrap();
    drop(pipe);
    let out = child.wait_with_output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn cli_human_json_and_errors() {
    let (ok, out, _) = tarsier(&["status", REDIS], None);
    assert!(ok);
    for section in ["== Verdict", "== Identity", "== Users and groups", "== Namespaces", "== Memory", "== Capabilities", "== Security", "== Signals", "== CPUs"] {
        assert!(out.contains(section), "{section} missing:\n{out}");
    }
    assert!(out.contains("0x00000000a80425fb=cap_chown,"));

    let (ok, out, _) = tarsier(&["status", "-", "--json"], Some(HOST));
    assert!(ok);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["raw"].as_array().map(Vec::len), Some(HOST.lines().count()));
    assert_eq!(json["capabilities"]["sets"][2]["key"], "CapEff");
    let back: status::StatusReport = serde_json::from_str(&out).unwrap();
    assert_eq!(back.identity.name.as_deref(), Some("cat"));

    let (ok, out, _) = tarsier(&["status", "--json"], Some("docker-default (enforce)\n"));
    assert!(ok);
    let label: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"));
    assert_eq!((&label["profiles"][0]["name"], &label["profiles"][0]["mode"]), (&"docker-default".into(), &"Enforce".into()), "{out}");
    // Without --json a label is explained in words, not printed as JSON.
    let (ok, out, _) = tarsier(&["status"], Some("docker-default (enforce)\n"));
    assert!(ok);
    assert_eq!(out.lines().take(3).collect::<Vec<_>>(), ["== AppArmor label (/proc/<pid>/attr/current)", "  Label: docker-default (enforce)", "  Profile: docker-default — mode enforce"], "{out}");
    assert!(out.contains("  Confined: yes\n"), "{out}");

    let (ok, out, _) = tarsier(&["status"], Some(&format!("{HOST}{HOST}")));
    assert!(ok);
    assert!(out.contains("Differences between dump 1 and dump 2 (0 of"));

    let (ok, out, err) = tarsier(&["status"], Some("hello\nworld"));
    assert!(!ok && out.is_empty());
    assert!(err.starts_with("tarsier: Line 1 is not") && err.trim_end().lines().count() == 1, "{err}");

    let (ok, _, err) = tarsier(&["status", "/nonexistent/status"], None);
    assert!(!ok && err.contains("cannot open"));

    let (ok, _, err) = tarsier(&["status"], Some("00000000a80425fb"));
    assert!(!ok && err.contains("tarsier caps"), "{err}");
}

#[test]
fn cli_explains_a_dump_with_stray_lines_and_names_them() {
    let text = format!("{HOST}{}\n", GDB_TAIL.join("\n"));
    let last = text.lines().count();
    let (ok, out, err) = tarsier(&["status"], Some(&text));
    assert!(ok, "{err}");
    let warnings = out.split("== Warnings\n").nth(1).unwrap_or_else(|| panic!("no warnings section:\n{out}"));
    assert_eq!(
        warnings.lines().map(str::trim).collect::<Vec<_>>(),
        [
            format!("Line {} is not a \"Key:\tvalue\" line and was ignored: \"(gdb) detach\".", last - 2),
            format!("Line {} is not a \"Key:\tvalue\" line and was ignored: \"Detaching from program: /usr/bin/cat, process 4242\".", last - 1),
            format!("Line {last} is not a \"Key:\tvalue\" line and was ignored: \"[Inferior 1 (process 4242) detached]\"."),
        ]
    );
    let (ok, out, _) = tarsier(&["status", "--json"], Some(&text));
    assert!(ok);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["warnings"][2]["line"], last);
    assert_eq!(json["warnings"][2]["key"], serde_json::Value::Null);
    assert_eq!(json["raw"].as_array().map(Vec::len), Some(HOST.lines().count()));
    // Mostly not a dump: refused, exit 1, with the code scripts know.
    let (ok, out, err) = tarsier(&["status", "--json"], Some("Name:\tbash\nhello\nworld\n"));
    assert!(!ok && err.contains("mostly not a status dump"), "{err}");
    assert!(out.contains("\"code\":\"not_key_value\""), "{out}");
}

/// A reader that stops early (`tarsier status BIG | head`) ends the command quietly with
/// success, as `cat` does, instead of a panic on the broken pipe. Each output is several times
/// the pipe's 64 KiB buffer, so the writer is still writing when the reader goes away.
#[test]
fn a_reader_that_goes_away_is_not_a_panic() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let many = std::env::temp_dir().join(format!("tarsier-many-{}.status", std::process::id()));
    let one = std::fs::read_to_string(REDIS).unwrap();
    std::fs::write(&many, std::iter::repeat_n(format!("{one}\n"), 16).collect::<String>()).unwrap();
    let masks: Vec<String> = (0..64).map(|i| format!("{:x}", (1u64 << 40) - 1 - i)).collect();
    let many_arg = many.to_str().unwrap();
    let runs: Vec<Vec<&str>> = vec![
        vec!["status", "--json", many_arg],
        vec!["seccomp", "--json"],
        std::iter::once("caps").chain(std::iter::once("--json")).chain(masks.iter().map(String::as_str)).collect(),
        // `tarsier cat` of a 1.9 MiB file (busybox) and `ls` of a whole image.
        vec!["cat", A1, "bin/busybox"],
    ];
    for args in runs {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tarsier"))
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut head = [0u8; 16];
        child.stdout.take().unwrap().read_exact(&mut head).unwrap();
        // The read end is dropped here: the next writes fail with EPIPE.
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && err.is_empty(), "tarsier {}: {:?} {err}", args[0], out.status);
    }
    std::fs::remove_file(&many).unwrap();
}

/// `tarsier cat` of a file smaller than its output buffer writes nothing until the last flush:
/// a reader gone before then (the pipe's read end closed before the command starts) is still a
/// quiet success, and a full disk still a failure in one sentence.
#[test]
fn cat_s_last_flush_is_checked() {
    use std::process::{Command, Stdio};
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_tarsier")).args(["cat", A1, "app/entrypoint.sh"]).stdout(Stdio::from(writer)).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && err.is_empty(), "{:?} {err}", out.status);
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tarsier")).args(["cat", A1, "app/entrypoint.sh"]).stdout(Stdio::from(full)).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert_eq!(err, "tarsier: could not write to standard output: No space left on device (os error 28).\n");
    // A path the archive does not have, after one still in the buffer: that is the error said.
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tarsier")).args(["cat", A1, "app/entrypoint.sh", "app/nothing"]).stdout(Stdio::from(full)).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("has no path app/nothing"), "{err}");
}

/// A write error other than a reader gone away (here: a full disk, `/dev/full`) is one sentence
/// and a failure, not a quiet success.
#[test]
fn a_full_disk_is_a_write_error() {
    use std::process::{Command, Stdio};
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tarsier")).args(["status", REDIS]).stdout(Stdio::from(full.try_clone().unwrap())).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(err.starts_with("tarsier: cannot write to standard output: No space left on device"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let out = Command::new(env!("CARGO_BIN_EXE_tarsier")).args(["cat", A1, "bin/busybox"]).stdout(Stdio::from(full)).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(err.starts_with("tarsier: could not write to standard output: No space left on device"), "{err}");
}

/// A dump missing one of the two context-switch lines (cut, or pasted in part) still shows the
/// other one's count, from the dump's own line; the missing one is `-`.
#[test]
fn one_context_switch_line_is_still_shown() {
    let count = |name: &str| HOST.lines().find_map(|l| l.strip_prefix(name)).map(str::trim).unwrap().to_owned();
    let (vol, invol) = (count("voluntary_ctxt_switches:"), count("nonvoluntary_ctxt_switches:"));
    for (drop, want) in [("nonvoluntary_ctxt_switches:", format!("  Context switches: {vol} voluntary, - involuntary")), ("voluntary_ctxt_switches:", format!("  Context switches: - voluntary, {invol} involuntary"))] {
        let dump: String = HOST.lines().filter(|l| !l.starts_with(drop)).map(|l| format!("{l}\n")).collect();
        let (ok, out, err) = tarsier(&["status"], Some(&dump));
        assert!(ok, "{err}");
        assert_eq!(out.lines().filter(|l| l.contains("Context switches")).collect::<Vec<_>>(), [want.as_str()], "without {drop}");
    }
}
