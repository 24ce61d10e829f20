//! `tarsier seccomp` and `tarsier apparmor` through the built binary, and the input size limit
//! of every command that reads a FILE or `-` (`status`, `seccomp`, `seccomp --status`, `apparmor`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn tarsier(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tarsier")).args(args).output().unwrap()
}

fn tarsier_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tarsier")).args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}

const REDIS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/proc/seed/redis-server.status");

#[test]
fn json_lists_every_call_of_the_architecture() {
    let json: serde_json::Value = serde_json::from_str(&stdout(&tarsier(&["seccomp", "--json"]))).unwrap();
    let calls = json["syscalls"].as_array().unwrap();
    assert_eq!(calls.len(), tarsier::core::seccomp::syscalls::of_arch(tarsier::core::seccomp::Arch::X86_64).len());
    let find = |n: &str| calls.iter().find(|c| c["name"] == n).unwrap().clone();
    let clone3 = find("clone3");
    assert_eq!((clone3["number"].as_u64(), clone3["action"].as_str(), clone3["errno"].as_u64(), clone3["conditional"].as_bool(), clone3["rule"].as_u64()), (Some(435), Some("SCMP_ACT_ERRNO"), Some(38), Some(false), Some(20)));
    let mount = find("mount");
    assert_eq!((mount["errno"].as_u64(), mount["rule"].is_null()), (Some(1), true));
    let read = find("read");
    assert_eq!((read["action"].as_str(), read["errno"].is_null(), read["rule"].as_u64()), (Some("SCMP_ACT_ALLOW"), true, Some(0)));
    assert_eq!(find("clone")["conditional"], true);
    assert_eq!(json["context"]["bounding"], 0xa80425fbu64);
    assert!(json["summary"]["text"].as_str().unwrap().starts_with("Blocks "));
}

#[test]
fn status_dump_supplies_the_bounding_set() {
    let text = stdout(&tarsier(&["seccomp", "--status", REDIS, "--syscall", "mount"]));
    assert!(text.contains("bounding set 00000000a80425fb"), "{text}");
    assert!(text.contains("Seccomp: 2"), "{text}");
    assert!(text.contains("mount (165) fails with EPERM (1, Operation not permitted)"), "{text}");
    let admin = stdout(&tarsier(&["seccomp", "--caps", "0xa82425fb", "--syscall", "mount"]));
    assert!(admin.contains("mount (165) is allowed: rule 17."), "{admin}");
}

#[test]
fn arch_kernel_builtins_and_compare() {
    let arm = stdout(&tarsier(&["seccomp", "docker", "--arch", "arm64", "--syscall", "clone"]));
    assert!(arm.contains("== clone (number 220 on aarch64)"), "{arm}");
    let old = stdout(&tarsier(&["seccomp", "--kernel", "4.4", "--syscall", "ptrace"]));
    assert!(old.contains("Rule 1 (SCMP_ACT_ALLOW) names it but is dropped: the kernel is older than 4.8"), "{old}");
    let podman = stdout(&tarsier(&["seccomp", "podman", "--syscall", "kexec_load"]));
    assert!(podman.contains("kexec_load (246) fails with EPERM (1, Operation not permitted): rule 0."), "{podman}");
    let cmp = stdout(&tarsier(&["seccomp", "docker-2018", "--compare", "docker", "--json"]));
    let json: serde_json::Value = serde_json::from_str(&cmp).unwrap();
    let diffs = json["comparison"]["differences"].as_array().unwrap();
    assert!(diffs.iter().any(|d| d["name"] == "clone3"), "{cmp}");
    let ctx = stdout(&tarsier(&["seccomp", "--compare-caps", "0xa82425fb"]));
    assert!(ctx.contains("calls differ") && ctx.contains("  mount "), "{ctx}");
    let file = stdout(&tarsier(&["seccomp", MOBY, "--syscall", "clone3"]));
    assert!(file.contains("ENOSYS"), "{file}");
}

const MOBY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/seccomp/moby_profiles_seccomp_default.json");

/// The names of a `--compare*` run's differences, and the other side's context.
fn comparison(args: &[&str]) -> (Vec<String>, serde_json::Value) {
    let json: serde_json::Value = serde_json::from_str(&stdout(&tarsier(&[&["seccomp", MOBY, "--json"], args].concat()))).unwrap();
    let c = &json["comparison"];
    let names = c["differences"].as_array().unwrap_or_else(|| panic!("{args:?}: no comparison")).iter().map(|d| d["name"].as_str().unwrap().to_owned()).collect();
    (names, c["right"]["context"].clone())
}

/// The summary's groups of blocked calls name the capabilities that would unlock them: those of
/// the profile's rules that allow a call of the group when the bounding set has them
/// (`includes.caps`) — all of the group's calls (`unlocked_by`) or some (`partly_unlocked_by`).
#[test]
fn summary_groups_name_the_capabilities_of_the_profile_rules() {
    let profile: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(MOBY).unwrap()).unwrap();
    let caps_for = |call: &str| -> std::collections::BTreeSet<String> {
        profile["syscalls"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["action"] == "SCMP_ACT_ALLOW" && r["names"].as_array().unwrap().iter().any(|n| n == call))
            .flat_map(|r| r["includes"]["caps"].as_array().cloned().unwrap_or_default())
            .map(|c| c.as_str().unwrap().to_owned())
            .collect()
    };
    let json: serde_json::Value = serde_json::from_str(&stdout(&tarsier(&["seccomp", MOBY, "--json"]))).unwrap();
    let groups = json["summary"]["groups"].as_array().unwrap();
    assert!(groups.len() > 10);
    let names = |v: &serde_json::Value| v.as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()).collect::<std::collections::BTreeSet<_>>();
    for g in groups {
        let sets: Vec<_> = g["calls"].as_array().unwrap().iter().map(|c| caps_for(c.as_str().unwrap())).collect();
        let any: std::collections::BTreeSet<String> = sets.iter().flatten().cloned().collect();
        let all: std::collections::BTreeSet<String> = any.iter().filter(|c| sets.iter().all(|s| s.contains(*c))).cloned().collect();
        assert_eq!(names(&g["partly_unlocked_by"]), any, "{}", g["label"]);
        assert_eq!(names(&g["unlocked_by"]), all, "{}", g["label"]);
    }
}

/// Each --compare-* option alone compares the profile with itself in another context.
#[test]
fn each_compare_option_alone_compares() {
    let profile: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(MOBY).unwrap()).unwrap();
    // Kernel 4.4: exactly the calls of the rules that need a newer kernel (`includes.minKernel`,
    // all of them 4.8 or later in this profile) change.
    let mut newer: Vec<String> = profile["syscalls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["includes"]["minKernel"].is_string())
        .flat_map(|r| r["names"].as_array().unwrap().iter().map(|n| n.as_str().unwrap().to_owned()))
        .collect();
    newer.sort();
    assert!(!newer.is_empty());
    let (names, right) = comparison(&["--compare-kernel", "4.4"]);
    assert_eq!(names, newer);
    assert_eq!(right["kernel"], serde_json::json!({"major": 4, "minor": 4}));
    // aarch64: every call of x86_64 that libseccomp's table does not number on aarch64 differs.
    let table = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/seccomp/libseccomp_syscalls.csv")).unwrap();
    let header: Vec<&str> = table.lines().next().unwrap().split(',').collect();
    let col = |arch: &str| header.iter().position(|h| *h == arch).unwrap();
    let (x86_64, aarch64) = (col("x86_64"), col("aarch64"));
    let numbered = |f: &[&str], c: usize| f[c].parse::<u32>().is_ok();
    let missing: Vec<String> = table
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| numbered(f, x86_64) && !numbered(f, aarch64))
        .map(|f| f[0].to_owned())
        .collect();
    assert!(missing.len() > 10, "{missing:?}");
    let (names, right) = comparison(&["--compare-arch", "aarch64"]);
    assert_eq!(right["arch"], "aarch64");
    for m in &missing {
        assert!(names.contains(m), "{m} is not on aarch64 but is not listed: {names:?}");
    }
    let (names, right) = comparison(&["--compare-caps", "0xa82425fb"]);
    assert_eq!(right["bounding"], 0xa82425fbu64);
    assert!(names.contains(&"mount".to_owned()), "{names:?}");
}

#[test]
fn errors_are_one_sentence_and_exit_1() {
    for (args, needle) in [
        (vec!["seccomp", "--arch", "vax"], "\"vax\" is not an architecture"),
        (vec!["seccomp", "--kernel", "six"], "\"six\" is not a kernel version"),
        (vec!["seccomp", "--caps", "xyz"], "is not a hexadecimal capability mask"),
        (vec!["seccomp", "--arch", "aarch64", "--syscall", "arch_prctl"], "arch_prctl is not a system call of aarch64; the table has it on x86, x86_64, x32"),
        (vec!["seccomp", "--syscall", "frobnicate"], "\"frobnicate\" is not a system call"),
        (vec!["seccomp", "/nonexistent/profile.json"], "cannot open /nonexistent/profile.json"),
    ] {
        let o = tarsier(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8(o.stderr).unwrap();
        assert!(err.contains(needle), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    let o = tarsier_stdin(&["seccomp", "-"], r#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["x"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"op":"SCMP_CMP_BOGUS"}]}]}"#);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(String::from_utf8(o.stderr).unwrap(), "tarsier: -: The seccomp profile is not valid at syscalls[0].args[0].op: \"SCMP_CMP_BOGUS\" is not a comparison operator (expected one of SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ).\n");
}

#[test]
fn apparmor_label_and_profile_text() {
    let label = stdout(&tarsier_stdin(&["apparmor"], "docker-default (enforce)\n"));
    assert!(label.contains("== What docker-default denies"), "{label}");
    assert!(label.contains("Any access to /proc/kcore"), "{label}");
    assert!(label.contains("deny /sys/kernel/security/** rwklx,"), "{label}");
    assert!(label.contains("ptrace except between processes confined by docker-default"), "{label}");
    assert!(label.contains("enforce mode"), "{label}");
    let complain = stdout(&tarsier_stdin(&["apparmor"], "docker-default (complain)\n"));
    assert!(complain.contains("only logged. None of the above is blocked, only logged."), "{complain}");
    let plain = stdout(&tarsier_stdin(&["apparmor"], "unconfined\n"));
    assert!(!plain.contains("docker-default denies"), "{plain}");

    let text = "#include <tunables/global>\nprofile test flags=(complain) {\n  #include <abstractions/base>\n  deny /etc/shadow r,\n  capability net_bind_service,\n  dbus send,\n}\n";
    let out = stdout(&tarsier_stdin(&["apparmor", "-"], text));
    assert!(out.contains("Denies read (r) of /etc/shadow"), "{out}");
    assert!(out.contains("Allows CAP_NET_BIND_SERVICE."), "{out}");
    assert!(out.contains("dbus send,") && out.contains("this tool does not explain this kind of rule"), "{out}");
    let json: serde_json::Value = serde_json::from_str(&stdout(&tarsier_stdin(&["apparmor", "--json"], text))).unwrap();
    assert_eq!(json["items"].as_array().unwrap().len(), 7);

    let dd: serde_json::Value = serde_json::from_str(&stdout(&tarsier(&["apparmor", "--docker-default", "--template-2018", "--json"]))).unwrap();
    assert!(dd["docker_default"]["profile_text"].as_str().unwrap().contains("ptrace (trace,read) peer=docker-default,"));
    let bad = tarsier_stdin(&["apparmor"], "docker-default\n");
    assert_eq!(bad.status.code(), Some(1));
}

/// Runs `tarsier ARGS` with `input` on standard input, written by a thread that ignores a closed
/// pipe (the command may stop reading at its limit).
fn tarsier_bytes(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tarsier")).args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

/// `head` padded to exactly `len` bytes with `pad` (one line of it) and a final newline.
fn padded(head: &str, pad: &str, fill: u8, len: usize) -> Vec<u8> {
    let mut v = format!("{head}{pad}").into_bytes();
    assert!(v.len() < len);
    v.resize(len - 1, fill);
    v.push(b'\n');
    assert_eq!(v.len(), len);
    v
}

/// Every command that reads a FILE or `-` reads exactly its limit (1 MiB) and refuses one byte
/// more with one sentence naming the input and the limit, from a file and from standard input.
#[test]
fn inputs_of_exactly_the_limit_are_read_and_one_byte_more_is_refused() {
    const LIMIT: usize = 1 << 20;
    assert_eq!(LIMIT, tarsier::core::apparmor_profile::MAX_PROFILE_TEXT_BYTES);
    assert_eq!(LIMIT, tarsier::core::seccomp::MAX_PROFILE_BYTES);
    assert_eq!(LIMIT, tarsier::core::status::MAX_INPUT_BYTES.max(tarsier::core::apparmor::MAX_LABEL_BYTES));
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("input-limits");
    std::fs::create_dir_all(&dir).unwrap();

    // A profile text, a seccomp profile (JSON with trailing white space) and a status dump (an
    // unknown key with a long value), each padded to the limit.
    let profile = padded("profile limit {\n  deny /etc/shadow r,\n}\n", "# ", b'x', LIMIT);
    let seccomp = padded(r#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}"#, "", b' ', LIMIT);
    let dump = padded("Name:\tlimit\nCapBnd:\t00000000a80425fb\nSeccomp:\t2\n", "Padding:\t", b'y', LIMIT);
    // (file name, command, input of exactly the limit, what the error calls it, check of the output)
    type Case<'a> = (&'a str, &'a [&'a str], &'a [u8], &'a str, fn(&str));
    let cases: [Case; 4] = [
        ("profile", &["apparmor"], &profile, "an AppArmor label or profile", |out| {
            assert!(out.starts_with("== AppArmor profile: 3 statements\n"), "{out}");
            assert!(out.contains("Denies read (r) of /etc/shadow"), "{out}");
        }),
        ("seccomp.json", &["seccomp", "--syscall", "write"], &seccomp, "the seccomp profile", |out| {
            assert!(out.contains("Summary:  Blocks 384 of 385 calls"), "{out}");
            assert!(out.contains("write (1) fails with EPERM (1, Operation not permitted)"), "{out}");
        }),
        ("status", &["status"], &dump, "a /proc/<pid>/status dump", |out| {
            assert!(out.contains("  Name:     limit\n"), "{out:.2000}");
            // The padding line is kept whole: every byte was read.
            let longest = out.lines().map(str::len).max().unwrap_or(0);
            assert!(longest > LIMIT - 100 && longest < LIMIT, "{longest}");
        }),
        ("status-for-seccomp", &["seccomp", "--syscall", "mount", "--status"], &dump, "a /proc/<pid>/status dump", |out| {
            assert!(out.contains("bounding set 00000000a80425fb"), "{out}");
            assert!(out.contains("says Seccomp: 2: a filter is loaded"), "{out}");
            assert!(out.contains("mount (165) fails with EPERM"), "{out}");
        }),
    ];
    for (file, args, exact, what, check) in cases {
        let path = dir.join(file);
        let path = path.to_str().unwrap();
        let mut over = exact.to_vec();
        over.push(b'\n');
        std::fs::write(path, exact).unwrap();
        check(&stdout(&tarsier(&[args, &[path]].concat())));
        check(&stdout(&tarsier_bytes(&[args, &["-"]].concat(), exact)));
        std::fs::write(path, &over).unwrap();
        for (input, name, stdin) in [(path, path, &[][..]), ("-", "standard input", &over[..])] {
            let o = tarsier_bytes(&[args, &[input]].concat(), stdin);
            assert_eq!(o.status.code(), Some(1), "{args:?} {input}");
            assert_eq!(String::from_utf8(o.stderr).unwrap(), format!("tarsier: {name} is larger than {LIMIT} bytes, more than {what} this tool reads\n"));
            assert!(o.stdout.is_empty());
        }
    }
    // With --json the status command says which kind of failure it was.
    let o = tarsier_bytes(&["status", "--json", "-"], &[dump.as_slice(), b"\n"].concat());
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["error"]["code"], "too_large", "{json}");
    assert_eq!(json["error"]["message"], format!("standard input is larger than {LIMIT} bytes, more than a /proc/<pid>/status dump this tool reads"));
    let o = tarsier(&["status", "--json", "/nonexistent/status"]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["error"]["code"], "io", "{json}");
    // A seccomp profile must be UTF-8; the sentence names the input and the first bad byte.
    let o = tarsier_bytes(&["seccomp", "-"], b"{\"defaultAction\":\"\xff\"}");
    assert_eq!(String::from_utf8(o.stderr).unwrap(), "tarsier: standard input is not UTF-8 text (byte 18)\n");
}

/// The table's note column: the condition in words for every conditional call (the same words
/// `--json` gives), the comment or the capabilities that would allow it otherwise.
#[test]
fn the_table_shows_each_conditional_calls_condition() {
    let table = stdout(&tarsier(&["seccomp"]));
    let json: serde_json::Value = serde_json::from_str(&stdout(&tarsier(&["seccomp", "--json"]))).unwrap();
    let mut conditional = 0;
    for call in json["syscalls"].as_array().unwrap() {
        let name = call["name"].as_str().unwrap();
        let line = table
            .lines()
            .find(|l| l.split_whitespace().nth(1) == Some(name) && l.split_whitespace().next() == Some(&call["number"].to_string()))
            .unwrap_or_else(|| panic!("no table line for {name}"));
        if let Some(cond) = call["condition"].as_str() {
            assert!(line.ends_with(cond), "{name}: `{line}` should end with `{cond}`");
            assert!(line.contains(" conditional "), "{line}");
            conditional += 1;
        }
    }
    assert!(conditional >= 3, "clone, personality, socket at least: {conditional}");
}

/// A profile text's statements are indented by their depth: two spaces at the top, two more
/// inside each block (the explanation under each, aligned with its text).
#[test]
fn apparmor_profile_statements_are_indented_by_depth() {
    let out = stdout(&tarsier_stdin(&["apparmor", "-"], "profile foo {\n  capability net_admin,\n}\n"));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "== AppArmor profile: 3 statements");
    assert_eq!(lines[1], "  line 1    profile foo {");
    assert_eq!(lines[3], "    line 2    capability net_admin,");
    assert!(lines[4].starts_with("               Allows CAP_NET_ADMIN"), "{out}");
    assert_eq!(lines[5], "  line 3    }");
}

/// The filter's architectures as the profile's own `archMap` lists them for the host (Docker
/// hands the runtime that entry's architecture and sub-architectures); a profile without
/// `architectures` or `archMap` has no such line.
#[test]
fn filter_architectures_come_from_the_profiles_arch_map() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/seccomp/moby-profiles_seccomp_default.json");
    let profile: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let entry = profile["archMap"].as_array().unwrap().iter().find(|m| m["architecture"] == "SCMP_ARCH_X86_64").unwrap();
    let mut want = vec![entry["architecture"].as_str().unwrap()];
    want.extend(entry["subArchitectures"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()));
    let text = stdout(&tarsier(&["seccomp", path]));
    let line = text.lines().find(|l| l.starts_with("Filter architectures"));
    assert_eq!(line, Some(format!("Filter architectures: {}", want.join(", "))).as_deref(), "{text}");
    let dir = std::env::temp_dir().join(format!("tarsier-arch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bare = dir.join("bare.json");
    std::fs::write(&bare, r#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[]}"#).unwrap();
    let text = stdout(&tarsier(&["seccomp", bare.to_str().unwrap()]));
    assert!(!text.contains("Filter architectures"), "{text}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--status` with real dumps of the three seccomp modes (the fixtures' SOURCES.md gives each
/// file's CapBnd and Seccomp columns; `linux/seccomp.h` names the modes 0, 1, 2): the bounding
/// set comes from the dump and the Status line says what the mode means.
#[test]
fn status_notes_follow_the_dumps_seccomp_mode() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/proc");
    let sources = std::fs::read_to_string(format!("{dir}/SOURCES.md")).unwrap();
    let header = std::fs::read_to_string("/usr/include/linux/seccomp.h").unwrap();
    let mode = |name: &str| header.lines().find_map(|l| l.strip_prefix(&format!("#define SECCOMP_MODE_{name}\t"))).map(|v| v.split_whitespace().next().unwrap().to_owned()).unwrap();
    for (file, mode_name, says) in [
        ("podman_seccomp_unconfined.status", "DISABLED", "no filter is loaded, every call is allowed; below is what the profile would do."),
        ("seccomp_strict.status", "STRICT", "(strict mode): only read, write, _exit and sigreturn are allowed, whatever the profile."),
        ("podman_default.status", "FILTER", ": a filter is loaded, but the dump cannot prove which profile it is."),
    ] {
        let row: Vec<&str> = sources.lines().find(|l| l.starts_with(&format!("| `{file}`"))).unwrap().split('|').map(str::trim).collect();
        let (cap_bnd, seccomp) = (row[10], row[13]);
        assert_eq!(seccomp, mode(mode_name), "{file}");
        let path = format!("{dir}/local/{file}");
        let text = stdout(&tarsier(&["seccomp", "--status", &path, "--syscall", "read"]));
        assert!(text.contains(&format!("bounding set {cap_bnd} (")), "{text}");
        let status = text.lines().find(|l| l.starts_with("Status:   ")).unwrap_or_else(|| panic!("{text}"));
        assert!(status.starts_with(&format!("Status:   {path} says Seccomp: {seccomp}")) && status.ends_with(says), "{status}");
    }
}

/// The table's note column gives a deciding rule's comment (the profile's own words) when the
/// call is not conditional.
#[test]
fn the_table_notes_a_deciding_rules_comment() {
    let profile = r#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["reboot"],"action":"SCMP_ACT_ERRNO","errnoRet":38,"comment":"nobody reboots here"}]}"#;
    let text = stdout(&tarsier_stdin(&["seccomp", "-"], profile));
    let line = text.lines().find(|l| l.split_whitespace().nth(1) == Some("reboot")).unwrap();
    // 169: `scmp_sys_resolver -a x86_64 reboot`; 38 is ENOSYS.
    assert_eq!(line.split_whitespace().collect::<Vec<_>>(), ["169", "reboot", "ENOSYS", "0", "nobody", "reboots", "here"]);
}

/// `--syscall` in detail: the deciding rule with its comment, why each other rule naming the call
/// does not decide (runc skips a rule whose action and errno equal the default's; libseccomp
/// ignores rules after an unconditional one; Docker dropped it), a conditional call's branches
/// and what happens otherwise; the table's lists of names the architecture lacks, unknown
/// fields and warnings. Numbers and errno messages: `scmp_sys_resolver`, glibc's strerror.
#[test]
fn one_call_in_detail() {
    let profile = r#"{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],"x_note":1,"syscalls":[
        {"names":["mount"],"action":"SCMP_ACT_ERRNO","errnoRet":1},
        {"names":["mount"],"action":"SCMP_ACT_ALLOW","comment":"mounts are fine"},
        {"names":["mount"],"action":"SCMP_ACT_ERRNO","errnoRet":38},
        {"names":["mount"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_ADMIN"]}},
        {"names":["getpid"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"}]},
        {"names":["getpid"],"action":"SCMP_ACT_ERRNO","errnoRet":13,"args":[{"index":0,"value":2,"op":"SCMP_CMP_EQ"}]},
        {"names":["not_a_call","arm_fadvise64_64"],"action":"SCMP_ACT_ALLOW"}]}"#;
    let mount = stdout(&tarsier_stdin(&["seccomp", "-", "--syscall", "mount"], profile));
    let detail: Vec<&str> = mount.lines().skip_while(|l| !l.starts_with("== mount")).collect();
    assert_eq!(
        detail,
        [
            "== mount (number 165 on x86_64)",
            "  mount (165) is allowed: rule 1 (mounts are fine).",
            "  Verdict: allow; action SCMP_ACT_ALLOW",
            "  Rule 1: SCMP_ACT_ALLOW unconditionally — mounts are fine",
            "  Rule 0 (SCMP_ACT_ERRNO) also names it but does not decide: it equals the default action, so runc skips it",
            "  Rule 2 (SCMP_ACT_ERRNO) also names it but does not decide: an earlier unconditional rule wins in libseccomp",
            "  Rule 3 (SCMP_ACT_ALLOW) names it but is dropped: the bounding set lacks CAP_SYS_ADMIN",
            "  The table does not record which kernel added it.",
            "",
            "Names the profile lists that x86_64 does not have (1): arm_fadvise64_64",
            "Names no architecture in the table has (1): not_a_call",
            "Unknown field x_note = 1",
            "Warning: x_note is not a field of Docker's or OCI's profile format; Docker ignores it.",
        ]
    );
    let getpid = stdout(&tarsier_stdin(&["seccomp", "-", "--syscall", "getpid"], profile));
    let detail: Vec<&str> = getpid.lines().skip_while(|l| !l.starts_with("== getpid")).take(7).collect();
    assert_eq!(
        detail,
        [
            "== getpid (number 39 on x86_64)",
            "  getpid (39) depends on its arguments: it is allowed when arg0 == 1 (rule 4); fails with EACCES (13, Permission denied) when arg0 == 2 (rule 5); otherwise it fails with EPERM (1, Operation not permitted) (rules 4, 5).",
            "  Verdict: conditional; action SCMP_ACT_ALLOW",
            "  Rule 4: SCMP_ACT_ALLOW with conditions",
            "    rule 4: is allowed when arg0 == 1",
            "    rule 5: fails with EACCES (13, Permission denied) when arg0 == 2",
            "    otherwise: fails with EPERM (1, Operation not permitted)",
        ]
    );
    // The header lines: runc's ENOSYS threshold is the highest call the rules name (mount, 165).
    assert!(getpid.contains("\nrunc:     calls numbered above 165 that no rule names get ENOSYS instead of the default"), "{getpid}");
    assert!(getpid.contains("\nFilter architectures: SCMP_ARCH_X86_64\n"), "{getpid}");
    let o = tarsier_stdin(&["seccomp", "-", "--syscall", "arm_fadvise64_64"], profile);
    assert_eq!(String::from_utf8(o.stderr).unwrap(), "tarsier: arm_fadvise64_64 is not a system call of x86_64; the table has it on arm\n");
}

/// x32 runs on an x86_64 host unless told otherwise; the context line says so, and numbers are
/// x32's (`scmp_sys_resolver -a x32 read`).
#[test]
fn an_abi_on_another_host() {
    let out = Command::new("scmp_sys_resolver").args(["-a", "x32", "read"]).output().expect("scmp_sys_resolver (Debian package seccomp)");
    let number = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let text = stdout(&tarsier(&["seccomp", "--arch", "x32", "--syscall", "read"]));
    assert!(text.contains("\nContext:  x32 on a x86_64 host, kernel 6.8, bounding set 00000000a80425fb (14 capabilities)\n"), "{text}");
    assert!(text.contains(&format!("\n== read (number {number} on x32)\n")), "{text}");
    let text = stdout(&tarsier(&["seccomp", "--arch", "x86", "--host-arch", "x86", "--syscall", "read"]));
    assert!(text.contains("\nContext:  x86, kernel 6.8,"), "{text}");
}

/// The table's notes from the profile file: runc's ENOSYS for calls newer than every call the
/// 2018 profile names (clone3, 435 > statx, 332, the highest it names: `scmp_sys_resolver`), and
/// the capabilities of the rules that would allow a blocked call.
#[test]
fn table_notes_runc_enosys_and_unlocking_capabilities() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/seccomp/moby-a575b0b-seed_default.json");
    let profile: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let caps: Vec<String> = profile["syscalls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["action"] == "SCMP_ACT_ALLOW" && r["names"].as_array().unwrap().iter().any(|n| n == "mount"))
        .flat_map(|r| r["includes"]["caps"].as_array().cloned().unwrap_or_default())
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(caps, ["CAP_SYS_ADMIN"]);
    let table = stdout(&tarsier(&["seccomp", path]));
    let line = |name: &str| table.lines().find(|l| l.split_whitespace().nth(1) == Some(name)).unwrap_or_else(|| panic!("{name}: {table}")).to_owned();
    assert!(line("clone3").ends_with(" ENOSYS under runc (newer than every call the profile names)"), "{}", line("clone3"));
    assert!(line("mount").ends_with(&format!(" allowed with {}", caps.join(" and "))), "{}", line("mount"));
    // A call with nothing to note (read: rule 0 allows it, no comment) has an empty note.
    assert_eq!(line("read").split_whitespace().collect::<Vec<_>>(), ["0", "read", "allow", "0"]);
    assert!(table.contains("\nrunc:     calls numbered above 332 that no rule names get ENOSYS"), "{table}");
}

/// `--compare-arch`: the calls one architecture lacks are marked as such (libseccomp's csv: no
/// aarch64 number for arch_prctl), and the heading names the other side's context.
#[test]
fn comparing_with_another_architecture_in_text() {
    let text = stdout(&tarsier(&["seccomp", "--compare-arch", "aarch64"]));
    let json: serde_json::Value = serde_json::from_str(&stdout(&tarsier(&["seccomp", "--compare-arch", "aarch64", "--json"]))).unwrap();
    let n = json["comparison"]["differences"].as_array().unwrap().len();
    assert!(text.contains(&format!("\n== Compared with Docker's default seccomp profile (moby/profiles cd3bed8) (aarch64, kernel 6.8, bounding set 00000000a80425fb): {n} calls differ\n")), "{text}");
    let csv = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/seccomp/libseccomp_syscalls.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "aarch64").unwrap();
    let row: Vec<&str> = csv.lines().find(|l| l.starts_with("arch_prctl,")).unwrap().split(',').collect();
    assert_eq!(row[col], "PNR");
    let line = text.lines().find(|l| l.split_whitespace().next() == Some("arch_prctl")).unwrap();
    assert_eq!(line.split_whitespace().collect::<Vec<_>>(), ["arch_prctl", "allow", "=>", "(not", "on", "this", "architecture)"]);
    // The other way round, the left side lacks the call.
    let text = stdout(&tarsier(&["seccomp", "--arch", "aarch64", "--compare-arch", "x86_64"]));
    let line = text.lines().find(|l| l.split_whitespace().next() == Some("arch_prctl")).unwrap();
    assert_eq!(line.split_whitespace().collect::<Vec<_>>(), ["arch_prctl", "(not", "on", "this", "architecture)", "=>", "allow"]);
}

/// `--json --syscall NAME` lists that call alone; `--status` adds the dump's note.
#[test]
fn json_for_one_call_with_a_status_note() {
    let json: serde_json::Value = serde_json::from_str(&stdout(&tarsier(&["seccomp", "--status", REDIS, "--syscall", "clone3", "--json"]))).unwrap();
    let calls = json["syscalls"].as_array().unwrap();
    assert_eq!(calls.len(), 1);
    assert_eq!((calls[0]["name"].as_str(), calls[0]["number"].as_u64()), (Some("clone3"), Some(435)));
    assert!(json["status_note"].as_str().unwrap().contains("says Seccomp: 2"), "{}", json["status_note"]);
    let plain: serde_json::Value = serde_json::from_str(&stdout(&tarsier(&["seccomp", "--json"]))).unwrap();
    assert!(plain.get("status_note").is_none() && plain.get("comparison").is_none());
}
