//! Verdict tables for the built-in profiles, written down by reading each JSON file and
//! applying Docker's selection (moby/profiles `seccomp/seccomp_linux.go`) and runc/libseccomp's
//! resolution by hand; malformed profiles; the built-in copies equal the shared fixtures.
//!
//! Every (profile × x86_64/aarch64 × capability set × kernel) context is evaluated for twelve
//! calls, and every cell must be covered by exactly one expectation row below.
//! Expectation codes: `allow@N` (unconditional allow by rule N), `EPERM@N` / `ENOSYS@N` (errno
//! by rule N), `EPERM@-` / `ENOSYS@-` (the default action), `cond@N` (depends on arguments; first
//! deciding rule N), `absent` (the architecture has no such call).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use tarsier::core::caps::{CapSet, DOCKER_DEFAULT};
use serde_json::{json, Value};
use tarsier::core::seccomp::{builtin::Builtin, evaluate, parse_profile, summarize, Arch, ArgCondition, Context, KernelVersion, Outcome, SyscallVerdict};

const CALLS: [&str; 12] = [
    "clone", "clone3", "unshare", "mount", "bpf", "perf_event_open", "ptrace", "personality", "socket", "io_uring_setup", "arch_prctl", "kexec_load",
];

/// The capability sets: Docker's default; plus CAP_SYS_ADMIN; none; every capability of a
/// 41-capability kernel.
const CAPSETS: [(&str, CapSet); 4] = [
    ("default", DOCKER_DEFAULT),
    ("admin", CapSet(DOCKER_DEFAULT.0 | 1 << 21)),
    ("none", CapSet(0)),
    ("all", CapSet((1 << 41) - 1)),
];
const KERNELS: [&str; 3] = ["4.4", "5.4", "6.8"];
const ARCHES: [Arch; 2] = [Arch::X86_64, Arch::Aarch64];

/// (profile, call, capability sets, arches, kernels, expected, reason). `*` matches everything.
type Row = (&'static str, &'static str, &'static str, &'static str, &'static str, &'static str, &'static str);

const EXPECT: &[Row] = &[
    // ---- Docker's current default (moby/profiles cd3bed8): defaultAction ERRNO, defaultErrnoRet 1.
    ("docker", "clone", "default none", "*", "*", "cond@18", "rule 17 (CAP_SYS_ADMIN) is dropped; rule 18 allows clone when flags & 0x7E020000 == 0, its excludes (CAP_SYS_ADMIN, s390/s390x) do not hold"),
    ("docker", "clone", "admin all", "*", "*", "allow@17", "rule 17 includes CAP_SYS_ADMIN and is unconditional; rule 18 is excluded by CAP_SYS_ADMIN"),
    ("docker", "clone3", "default none", "*", "*", "ENOSYS@20", "rule 20 returns errnoRet 38 unless CAP_SYS_ADMIN, so glibc falls back to clone"),
    ("docker", "clone3", "admin all", "*", "*", "allow@17", "rule 17 (CAP_SYS_ADMIN) comes first; rule 20 is excluded by CAP_SYS_ADMIN"),
    ("docker", "unshare mount", "default none", "*", "*", "EPERM@-", "only rule 17 names them, and it needs CAP_SYS_ADMIN"),
    ("docker", "unshare mount", "admin all", "*", "*", "allow@17", "rule 17 includes CAP_SYS_ADMIN"),
    ("docker", "bpf perf_event_open", "default none", "*", "*", "EPERM@-", "rule 17 needs CAP_SYS_ADMIN, rule 31 CAP_BPF, rule 32 CAP_PERFMON"),
    ("docker", "bpf perf_event_open", "admin all", "*", "*", "allow@17", "rule 17 (CAP_SYS_ADMIN) is the first unconditional rule; 31/32 come later and are ignored by libseccomp"),
    ("docker", "ptrace", "default none admin", "*", "4.4", "EPERM@-", "rule 1 needs kernel >= 4.8 (minKernel), rule 25 needs CAP_SYS_PTRACE"),
    ("docker", "ptrace", "all", "*", "4.4", "allow@25", "rule 1 is dropped on 4.4, rule 25 includes CAP_SYS_PTRACE"),
    ("docker", "ptrace", "*", "*", "5.4 6.8", "allow@1", "rule 1 includes minKernel 4.8 and comes before rule 25"),
    ("docker", "personality", "*", "*", "*", "cond@5", "rules 5-9 allow persona 0x0, 0x8, 0x20000, 0x20008, 0xffffffff only"),
    ("docker", "socket", "*", "*", "*", "cond@2", "rules 2-4 allow domain < 38, == 39, > 40: not AF_ALG (38), not AF_VSOCK (40)"),
    ("docker", "io_uring_setup", "*", "*", "*", "EPERM@-", "io_uring was removed from Docker's allow list; no rule names it"),
    ("docker", "arch_prctl", "*", "x86_64", "*", "allow@12", "rule 12 includes arches amd64 (Docker's name for an x86_64 host)"),
    ("docker", "arch_prctl", "*", "aarch64", "*", "absent", "arm64 has no arch_prctl"),
    ("docker", "kexec_load", "*", "*", "*", "EPERM@-", "no rule names kexec_load"),
    // ---- Docker's 2018 default (moby a575b0b): defaultAction ERRNO, no defaultErrnoRet (EPERM).
    ("docker-2018", "clone", "default none", "*", "*", "cond@13", "rule 13 allows clone when flags & 0x7C020000 == 0 (no CLONE_NEWCGROUP in 2018)"),
    ("docker-2018", "clone", "admin all", "*", "*", "allow@12", "rule 12 includes CAP_SYS_ADMIN"),
    ("docker-2018", "clone3", "*", "*", "*", "EPERM@-", "clone3 did not exist in 2018; no rule names it (runc turns it into ENOSYS, checked below)"),
    ("docker-2018", "unshare mount bpf perf_event_open", "default none", "*", "*", "EPERM@-", "only rule 12 names them, and it needs CAP_SYS_ADMIN"),
    ("docker-2018", "unshare mount bpf perf_event_open", "admin all", "*", "*", "allow@12", "rule 12 includes CAP_SYS_ADMIN"),
    ("docker-2018", "ptrace", "default none admin", "*", "*", "EPERM@-", "only rule 19 names ptrace, and it needs CAP_SYS_PTRACE (no minKernel rule in 2018)"),
    ("docker-2018", "ptrace", "all", "*", "*", "allow@19", "rule 19 includes CAP_SYS_PTRACE"),
    ("docker-2018", "personality", "*", "*", "*", "cond@1", "rules 1-5 allow five personas"),
    ("docker-2018", "socket", "*", "*", "*", "allow@0", "socket is in the big unconditional allow list (rule 0)"),
    ("docker-2018", "io_uring_setup kexec_load", "*", "*", "*", "EPERM@-", "no rule names them"),
    ("docker-2018", "arch_prctl", "*", "x86_64", "*", "allow@8", "rule 8 includes arches amd64"),
    ("docker-2018", "arch_prctl", "*", "aarch64", "*", "absent", "arm64 has no arch_prctl"),
    // ---- podman / CRI-O (containers/common f437c58): defaultAction ERRNO, defaultErrnoRet 38.
    ("podman", "clone clone3 unshare mount ptrace", "*", "*", "*", "allow@1", "all five are in the big unconditional allow list (rule 1)"),
    ("podman", "bpf", "default none", "*", "*", "EPERM@36", "rule 15 needs CAP_SYS_ADMIN; rule 36 (EPERM) is excluded only by CAP_SYS_ADMIN or CAP_BPF"),
    ("podman", "bpf", "admin all", "*", "*", "allow@15", "rule 15 includes CAP_SYS_ADMIN; rule 36 is excluded"),
    ("podman", "perf_event_open", "default none", "*", "*", "EPERM@16", "rule 16 (EPERM) is excluded only by CAP_SYS_ADMIN, and comes before rule 38"),
    ("podman", "perf_event_open", "admin", "*", "*", "ENOSYS@-", "rules 16 and 38 are excluded by CAP_SYS_ADMIN, rule 39 needs CAP_PERFMON: the default, ENOSYS"),
    ("podman", "perf_event_open", "all", "*", "*", "allow@39", "rules 16 and 38 are excluded, rule 39 includes CAP_PERFMON"),
    ("podman", "personality", "*", "*", "*", "cond@2", "rules 2-6 allow five personas"),
    ("podman", "socket", "default admin all", "*", "*", "allow@35", "these sets hold CAP_AUDIT_WRITE: rules 31-34 are excluded, rule 35 allows socket"),
    ("podman", "socket", "none", "*", "*", "cond@31", "without CAP_AUDIT_WRITE: EINVAL for AF_NETLINK + NETLINK_AUDIT (rule 31), allowed otherwise (rules 32-34)"),
    ("podman", "io_uring_setup", "*", "*", "*", "ENOSYS@-", "no rule names io_uring: the default errno 38"),
    ("podman", "arch_prctl", "*", "x86_64", "*", "allow@9", "rule 9 includes arches amd64"),
    ("podman", "arch_prctl", "*", "aarch64", "*", "absent", "arm64 has no arch_prctl"),
    ("podman", "kexec_load", "*", "*", "*", "EPERM@0", "rule 0 returns EPERM (errnoRet 1) for calls the default would answer with ENOSYS"),
];

fn matches(field: &str, value: &str) -> bool {
    field == "*" || field.split(' ').any(|f| f == value)
}

fn code(v: Option<&SyscallVerdict>) -> String {
    let Some(v) = v else { return "absent".to_owned() };
    let rule = v.rule.map_or_else(|| "-".to_owned(), |r| r.to_string());
    if v.conditional {
        return format!("cond@{rule}");
    }
    format!("{}@{rule}", v.outcome.word())
}

#[test]
fn verdict_tables() {
    let mut cells = 0;
    let mut failures = Vec::new();
    for b in tarsier::core::seccomp::builtin::ALL {
        let profile = b.profile().unwrap();
        for arch in ARCHES {
            for (caps_label, caps) in CAPSETS {
                for k in KERNELS {
                    let ctx = Context::new(arch, KernelVersion::parse_release(k).unwrap(), caps);
                    let eval = evaluate(&profile, &ctx);
                    for call in CALLS {
                        let rows: Vec<&Row> = EXPECT
                            .iter()
                            .filter(|r| r.0 == b.as_str() && matches(r.1, call) && matches(r.2, caps_label) && matches(r.3, arch.as_str()) && matches(r.4, k))
                            .collect();
                        assert_eq!(rows.len(), 1, "{} {call} {arch} {caps_label} {k}: {} expectation rows match", b.as_str(), rows.len());
                        let got = code(eval.verdict(call));
                        if got != rows[0].5 {
                            failures.push(format!("{} {call} on {arch}, caps {caps_label}, kernel {k}: expected {} ({}), got {got}", b.as_str(), rows[0].5, rows[0].6));
                        }
                        cells += 1;
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(cells, 3 * 2 * 4 * 3 * 12);
}

#[test]
fn errno_values_and_conditions_in_words() {
    let docker = Builtin::Docker.profile().unwrap();
    let eval = evaluate(&docker, &Context::docker_default());
    let clone3 = eval.verdict("clone3").unwrap();
    assert_eq!((clone3.action.as_str(), clone3.errno, clone3.explanation.as_str()), ("SCMP_ACT_ERRNO", Some(38), "clone3 (435) fails with ENOSYS (38, Function not implemented): rule 20. With CAP_SYS_ADMIN in the bounding set a rule would allow it."));
    let mount = eval.verdict("mount").unwrap();
    assert_eq!((mount.errno, mount.rule, mount.unlocked_by.as_slice()), (Some(1), None, &["CAP_SYS_ADMIN".to_owned()][..]));
    assert_eq!(
        eval.verdict("clone").unwrap().condition.as_deref(),
        Some("is allowed unless flags include any of CLONE_NEWNS|CLONE_NEWCGROUP|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNET; then it fails with EPERM (1, Operation not permitted)")
    );
    assert!(eval.verdict("socket").unwrap().condition.as_deref().unwrap().starts_with("is allowed unless domain is AF_ALG (38) or AF_VSOCK (40)"));
    assert!(eval.verdict("personality").unwrap().condition.as_deref().unwrap().starts_with("is allowed only as personality(0x0|0x8|0x20000|0x20008|0xffffffff)"));
    // s390x: rule 19 decides clone on argument 1 (its flags come second there).
    let s390 = evaluate(&docker, &Context::new(Arch::S390x, KernelVersion::new(6, 8), DOCKER_DEFAULT));
    let c = s390.verdict("clone").unwrap();
    assert_eq!((c.rule, c.comment.as_deref()), (Some(19), Some("s390 parameter ordering for clone is different")));
    // podman without CAP_AUDIT_WRITE: mixed outcomes are listed rule by rule.
    let podman = evaluate(&Builtin::Podman.profile().unwrap(), &Context::new(Arch::X86_64, KernelVersion::new(6, 8), CapSet(0)));
    let socket = podman.verdict("socket").unwrap();
    assert_eq!(socket.branches.len(), 4);
    assert!(socket.condition.as_deref().unwrap().starts_with("fails with EINVAL (22, Invalid argument) when domain == AF_NETLINK (16) and protocol == 9 (rule 31)"), "{:?}", socket.condition);
    assert_eq!(socket.otherwise.as_ref().map(|o| o.word()), Some("ENOSYS".to_owned()));
}

#[test]
fn runc_enosys_stub_and_uncovered_arches() {
    // The 2018 profile names nothing above statx (332 on x86_64): runc answers clone3 with ENOSYS.
    let old = evaluate(&Builtin::Docker2018.profile().unwrap(), &Context::docker_default());
    assert_eq!(old.runc_enosys_above, Some(332));
    assert!(old.verdict("clone3").unwrap().runc_enosys);
    assert!(!old.verdict("mount").unwrap().runc_enosys);
    // An i386 process on an x86_64 host is covered through archMap's sub-architectures; an
    // m68k process is not listed anywhere: libseccomp kills it.
    let docker = Builtin::Docker.profile().unwrap();
    let x86 = Context { arch: Arch::X86, host: Arch::X86_64, kernel: KernelVersion::new(6, 8), bounding: DOCKER_DEFAULT };
    let e = evaluate(&docker, &x86);
    assert!(e.covered);
    assert_eq!(e.verdict("arch_prctl").map(|v| v.outcome.word()), Some("allow".to_owned()), "rule 12's arches name the host (amd64)");
    let m68k = Context { arch: Arch::M68k, host: Arch::X86_64, kernel: KernelVersion::new(6, 8), bounding: DOCKER_DEFAULT };
    let e = evaluate(&docker, &m68k);
    assert!(!e.covered);
    assert!(e.syscalls.iter().all(|v| v.outcome.word() == "kill-thread"));
}

#[test]
fn summaries_and_names_missing_on_an_arch() {
    let eval = evaluate(&Builtin::Docker.profile().unwrap(), &Context::docker_default());
    let s = summarize(&eval);
    assert_eq!(s.total, eval.syscalls.len());
    assert_eq!(s.total, s.allowed + s.blocked + s.conditional + s.other);
    assert!(s.text.starts_with(&format!("Blocks {} of {} calls: kernel modules", s.blocked, s.total)), "{}", s.text);
    assert!(s.text.contains("new namespaces without CAP_SYS_ADMIN"), "{}", s.text);
    // Docker's profile neither traces nor notifies, and the summary does not mention it; a profile
    // that does counts the calls it names.
    assert_eq!(s.other, 0);
    assert!(!s.text.contains("traced"), "{}", s.text);
    let tracing = r#"{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["ptrace","kill"],"action":"SCMP_ACT_TRACE"},{"names":["open"],"action":"SCMP_ACT_NOTIFY"}]}"#;
    let t = summarize(&evaluate(&parse_profile(tracing).unwrap(), &Context::docker_default()));
    assert_eq!(t.other, 3);
    assert!(t.text.ends_with("; 3 are traced or sent to a notifier."), "{}", t.text);
    assert!(eval.not_on_arch.contains(&"arm_fadvise64_64".to_owned()));
    assert!(eval.unknown_names.is_empty());
    let arm = evaluate(&Builtin::Docker.profile().unwrap(), &Context::new(Arch::Aarch64, KernelVersion::new(6, 8), DOCKER_DEFAULT));
    assert!(arm.not_on_arch.contains(&"arch_prctl".to_owned()));
}

#[test]
fn comparing_contexts_and_profiles() {
    let docker = Builtin::Docker.profile().unwrap();
    let plain = evaluate(&docker, &Context::docker_default());
    let admin = evaluate(&docker, &Context { bounding: CapSet(DOCKER_DEFAULT.0 | 1 << 21), ..Context::docker_default() });
    let diff = tarsier::core::seccomp::compare(&plain, &admin);
    let names: Vec<&str> = diff.iter().map(|d| d.name.as_str()).collect();
    for n in ["clone", "clone3", "mount", "unshare", "setns", "bpf"] {
        assert!(names.contains(&n), "{n} missing from {names:?}");
    }
    assert!(!names.contains(&"read"));
    let old_kernel = evaluate(&docker, &Context { kernel: KernelVersion::new(4, 4), ..Context::docker_default() });
    let diff = tarsier::core::seccomp::compare(&old_kernel, &plain);
    let names: Vec<&str> = diff.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["process_vm_readv", "process_vm_writev", "ptrace"]);
}

#[test]
fn builtins_equal_the_shared_fixtures() {
    for (b, fixture) in [(Builtin::Docker, "moby-profiles_seccomp_default.json"), (Builtin::Docker2018, "moby-a575b0b-seed_default.json"), (Builtin::Podman, "containers-common_seccomp.json")] {
        let path = format!("{}/../shared/fixtures/seccomp/{fixture}", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(b.json().as_bytes(), bytes.as_slice(), "{} differs from {fixture}", b.as_str());
        let p = b.profile().unwrap();
        assert!(p.unknown_fields.is_empty(), "{:?}", p.unknown_fields);
    }
    // containers/common writes errno names beside the numbers; they agree, so no warning.
    assert!(Builtin::Podman.profile().unwrap().warnings.is_empty());
}

fn err(text: &str) -> String {
    parse_profile(text).unwrap_err().to_string()
}

#[test]
fn malformed_profiles_get_one_sentence_with_the_path() {
    let cases: [(&str, &str); 7] = [
        ("{\"defaultAction\": \"SCMP_ACT_ERRNO\",\n \"syscalls\": [", "The seccomp profile is not valid JSON: EOF while parsing a list at line 2, column 14."),
        (
            r#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["a"],"action":"SCMP_ACT_PERMIT"}]}"#,
            "The seccomp profile is not valid at syscalls[0].action: \"SCMP_ACT_PERMIT\" is not a seccomp action (expected one of SCMP_ACT_KILL, SCMP_ACT_KILL_THREAD, SCMP_ACT_KILL_PROCESS, SCMP_ACT_TRAP, SCMP_ACT_ERRNO, SCMP_ACT_TRACE, SCMP_ACT_ALLOW, SCMP_ACT_LOG, SCMP_ACT_NOTIFY).",
        ),
        (
            r#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["a"],"action":"SCMP_ACT_ALLOW"},{"names":["b"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"op":"SCMP_CMP_LIKE"}]}]}"#,
            "The seccomp profile is not valid at syscalls[1].args[0].op: \"SCMP_CMP_LIKE\" is not a comparison operator (expected one of SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ).",
        ),
        (
            r#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"name":"read","names":["write"],"action":"SCMP_ACT_ALLOW"}]}"#,
            "The seccomp profile is not valid at syscalls[0]: both \"name\" and \"names\" are set; Docker refuses that, use one of them.",
        ),
        (
            r#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":"read","action":"SCMP_ACT_ALLOW"}]}"#,
            "The seccomp profile has a value of the wrong type at syscalls[0].names: invalid type: string \"read\", expected a sequence.",
        ),
        (
            r#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO","errnoRet":70000}]}"#,
            "The seccomp profile is not valid at syscalls[0].errnoRet: 70000 is larger than 4094, the highest errno libseccomp accepts (runc and crun build the filter with it).",
        ),
        (
            r#"{"defaultAction":"SCMP_ACT_ERRNO","archMap":[{"architecture":"SCMP_ARCH_X86_64"}],"architectures":["SCMP_ARCH_X86"],"syscalls":[]}"#,
            "The seccomp profile is not valid at architectures: both \"architectures\" and \"archMap\" are set; Docker refuses that, use one of them.",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(err(text), expected);
    }
    // 10 MB: refused before parsing.
    let big = format!("{{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[],\"pad\":\"{}\"}}", "x".repeat(10_000_000));
    assert_eq!(err(&big), format!("The seccomp profile is {} bytes long, more than the 1048576 bytes this tool reads (Docker's default profile is about 13 KB).", big.len()));
    // Deeply nested JSON stops at serde_json's recursion limit with a position, not a crash.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(err(&deep).starts_with("The seccomp profile is not valid JSON: recursion limit exceeded at line 1"), "{}", err(&deep));
    // Every message is one sentence.
    for (text, _) in cases {
        let e = err(text);
        assert!(e.ends_with('.') && !e.contains('\n'), "{e}");
    }
}

#[test]
fn unknown_fields_are_kept_and_docker_equal_default_rules_are_skipped() {
    let p = parse_profile(
        r#"{"defaultAction":"SCMP_ACT_ERRNO","x-generated-by":"me","syscalls":[
            {"names":["mount"],"action":"SCMP_ACT_ERRNO","errnoRet":1,"why":"same as default"},
            {"names":["mount"],"action":"SCMP_ACT_ALLOW","args":[{"index":2,"value":0,"op":"SCMP_CMP_EQ"}]}]}"#,
    )
    .unwrap();
    let fields: Vec<(&str, &str)> = p.unknown_fields.iter().map(|u| (u.path.as_str(), u.value.as_str())).collect();
    assert_eq!(fields, [("x-generated-by", "\"me\""), ("syscalls[0].why", "\"same as default\"")]);
    // Rule 0 equals the default action (ERRNO EPERM), so runc skips it and rule 1 decides.
    let v = evaluate(&p, &Context::docker_default()).verdict("mount").cloned().unwrap();
    assert_eq!((v.conditional, v.rule, v.overridden.as_slice()), (true, Some(1), &[0usize][..]));
}

/// The errno a call fails with as Tarsier's verdict says (0: allowed): an unconditional verdict's
/// outcome, or the first branch whose conditions hold for `args` (all of them, or any one when
/// runc splits the rule), or the outcome when none holds.
fn predicted(v: &SyscallVerdict, args: &[u64; 6]) -> u32 {
    let errno = |o: &Outcome| match o {
        Outcome::Allow => 0,
        Outcome::Errno { errno, .. } => *errno,
        other => panic!("{}: {other:?} is not an outcome the kernel test uses", v.name),
    };
    if !v.conditional {
        return errno(&v.outcome);
    }
    let holds = |c: &ArgCondition| c.matches(args[usize::from(c.index)]);
    for b in &v.branches {
        if if b.any { b.conditions.iter().any(holds) } else { b.conditions.iter().all(holds) } {
            return errno(&b.outcome);
        }
    }
    errno(v.otherwise.as_ref().unwrap())
}

fn cond(index: u8, op: &str, value: u64) -> Value {
    json!({"index": index, "value": value, "op": format!("SCMP_CMP_{op}")})
}

fn rule(name: &str, action: &str, errno: Option<u32>, args: &[Value]) -> Value {
    let mut r = json!({"names": [name], "action": format!("SCMP_ACT_{action}"), "args": args});
    if let Some(e) = errno {
        r["errnoRet"] = json!(e);
    }
    r
}

/// What the kernel test's child needs to report and exit (Python's own calls after the load).
fn plumbing() -> Value {
    json!({"names": ["write", "exit_group", "exit", "brk", "mmap", "munmap", "mremap", "madvise", "rt_sigprocmask", "rt_sigaction", "futex", "close", "getrandom"], "action": "SCMP_ACT_ALLOW"})
}

type Probe = (&'static str, [u64; 6]);

/// Small profiles whose rules name calls the kernel answers whatever their arguments, each with
/// the calls and arguments to try.
fn kernel_cases() -> Vec<(Value, Vec<Probe>)> {
    let a = |x: u64| [x, 0, 0, 0, 0, 0];
    let errno_default = |rules: Vec<Value>| json!({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1, "syscalls": rules});
    let mut cases = vec![
        // libseccomp: an unconditional rule after conditional ones replaces them (getppid); once a
        // call has an unconditional rule, later rules are ignored (getuid); conditional rules
        // with different actions each decide for their own values (getgid).
        (
            errno_default(vec![
                rule("getppid", "ALLOW", None, &[cond(0, "EQ", 8)]),
                rule("getppid", "ERRNO", Some(22), &[]),
                rule("getuid", "ERRNO", Some(22), &[]),
                rule("getuid", "ALLOW", None, &[cond(0, "EQ", 8)]),
                rule("getgid", "ALLOW", None, &[cond(0, "EQ", 1)]),
                rule("getgid", "ERRNO", Some(13), &[cond(0, "EQ", 2)]),
                plumbing(),
            ]),
            vec![("getppid", a(8)), ("getppid", a(9)), ("getuid", a(8)), ("getuid", a(9)), ("getgid", a(1)), ("getgid", a(2)), ("getgid", a(3))],
        ),
        // Two conditions on one argument: runc adds one rule per condition (either allows);
        // conditions on different arguments must all hold; a rule equal to the default action
        // is left out, so the conditional rule after it decides.
        (
            errno_default(vec![
                rule("geteuid", "ALLOW", None, &[cond(0, "EQ", 1), cond(0, "EQ", 3)]),
                rule("getegid", "ALLOW", None, &[cond(0, "EQ", 1), cond(2, "GT", 5)]),
                rule("getpid", "ERRNO", Some(1), &[]),
                rule("getpid", "ALLOW", None, &[cond(1, "NE", 5)]),
                plumbing(),
            ]),
            vec![
                ("geteuid", a(1)),
                ("geteuid", a(2)),
                ("geteuid", a(3)),
                ("getegid", [1, 0, 6, 0, 0, 0]),
                ("getegid", [1, 0, 5, 0, 0, 0]),
                ("getegid", [2, 0, 6, 0, 0, 0]),
                ("getpid", [0, 5, 0, 0, 0, 0]),
                ("getpid", [0, 6, 0, 0, 0, 0]),
            ],
        ),
    ];
    // Every operator, with a default that allows: each call fails with its own errno when its
    // condition holds. Values either side of the datum, 0, the top, and a datum above 32 bits.
    let calls = ["getpid", "getppid", "getuid", "getgid", "geteuid", "getegid"];
    for datum in [100u64, (1 << 32) | 5] {
        let mut rules = Vec::new();
        let mut probes = Vec::new();
        for (i, (call, op)) in calls.iter().zip(["NE", "LT", "LE", "EQ", "GE", "GT"]).enumerate() {
            rules.push(rule(call, "ERRNO", Some(40 + i as u32), &[cond(1, op, datum)]));
            for v in [0, datum - 1, datum, datum + 1, u64::MAX] {
                probes.push((*call, [0, v, 0, 0, 0, 0]));
            }
        }
        rules.push(json!({"names": ["gettid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 4094, "args": [{"index": 3, "value": datum | 0xff00, "valueTwo": 0x1200, "op": "SCMP_CMP_MASKED_EQ"}]}));
        for v in [0x1234, 0x12ff, 0x2234, 0xff34, 0, datum | 0x1200] {
            probes.push(("gettid", [0, 0, 0, v, 0, 0]));
        }
        cases.push((json!({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": rules}), probes));
    }
    cases
}

/// Verdicts against the running kernel: each profile's filter, built by the system's
/// libseccomp as runc adds the rules and loaded in a child process (`tests/seccomp_kernel.py`),
/// answers every probe with the errno Tarsier's verdict for that call and those arguments says.
#[test]
fn verdicts_match_the_kernel() {
    let arch = Arch::parse(std::env::consts::ARCH).unwrap();
    let cases = kernel_cases();
    let kernel = kernel_answers(&cases);
    let mut failures = Vec::new();
    let mut checked = 0;
    for ((profile, probes), answers) in cases.iter().zip(&kernel) {
        let eval = evaluate(&parse_profile(&profile.to_string()).unwrap(), &Context::new(arch, KernelVersion::new(6, 8), DOCKER_DEFAULT));
        assert_eq!(probes.len(), answers.len());
        for ((name, args), kernel) in probes.iter().zip(answers) {
            let v = eval.verdict(name).unwrap();
            let ours = predicted(v, args);
            if ours != *kernel {
                failures.push(format!("{name}{args:?}: the kernel says {kernel}, Tarsier {ours} ({})", v.explanation));
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(checked, 15 + 2 * (6 * 5 + 6));
}

/// The highest errno a profile may ask for is the one the system's libseccomp (as runc uses it)
/// builds a filter with: 4094 loads and the kernel returns it; from 4095 up libseccomp refuses
/// the rule, and Tarsier refuses the profile. The same bound holds for `defaultErrnoRet`, where
/// only building is checked (a filter that fails every call could not report back).
#[test]
fn errnos_end_where_libseccomp_ends_them() {
    use tarsier::core::seccomp::MAX_ERRNO;
    let rule = |errno: u64| json!({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": errno}]});
    let probes: Vec<Probe> = vec![("getppid", [0; 6])];
    for errno in [MAX_ERRNO - 1, MAX_ERRNO, MAX_ERRNO + 1, MAX_ERRNO + 2] {
        let profile = rule(errno);
        let kernel = kernel_try(&[(profile.clone(), probes.clone())]);
        match parse_profile(&profile.to_string()) {
            Ok(p) => {
                assert_eq!(kernel, Ok(vec![vec![errno as u32]]), "errnoRet {errno}");
                assert_eq!(p.rules[0].action.ret, Some(errno as u32));
            }
            Err(e) => {
                assert!(kernel.as_ref().is_err_and(|k| k.contains("seccomp_rule_add_array: -22")), "errnoRet {errno}: libseccomp says {kernel:?}, Tarsier {e}");
                assert!(e.to_string().contains(&format!("errnoRet: {errno} is larger than {MAX_ERRNO}")), "{e}");
            }
        }
    }
    assert!(parse_profile(&rule(MAX_ERRNO).to_string()).is_ok() && parse_profile(&rule(MAX_ERRNO + 1).to_string()).is_err());
    let built = |errno: u64| {
        let code = format!("import ctypes; l = ctypes.CDLL('libseccomp.so.2'); l.seccomp_init.restype = ctypes.c_void_p; print(l.seccomp_init(0x00050000 | {errno}) is not None)");
        let out = std::process::Command::new("python3").args(["-c", &code]).output().expect("python3");
        String::from_utf8(out.stdout).unwrap().trim() == "True"
    };
    for errno in [MAX_ERRNO, MAX_ERRNO + 1] {
        let text = format!(r#"{{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":{errno},"syscalls":[]}}"#);
        assert_eq!(parse_profile(&text).is_ok(), built(errno), "defaultErrnoRet {errno}");
    }
}

/// What the running kernel answers each case's probes with (`tests/seccomp_kernel.py`).
fn kernel_answers(cases: &[(Value, Vec<Probe>)]) -> Vec<Vec<u32>> {
    kernel_try(cases).unwrap_or_else(|e| panic!("{e}"))
}

/// [`kernel_answers`], or what `tests/seccomp_kernel.py` said when libseccomp or the child failed.
fn kernel_try(cases: &[(Value, Vec<Probe>)]) -> Result<Vec<Vec<u32>>, String> {
    let input = Value::Array(cases.iter().map(|(p, probes)| json!({"profile": p, "probes": probes.iter().map(|(n, a)| json!([n, a])).collect::<Vec<_>>()})).collect());
    let mut child = std::process::Command::new("python3")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/seccomp_kernel.py"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.to_string().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(serde_json::from_slice(&out.stdout).unwrap())
}

/// `#define NAME VALUE` lines of a system header whose names start with `prefix` and whose value
/// is a number (hex or decimal) or another such name: (name, value).
fn header_defines(path: &str, prefix: &str) -> Vec<(String, u64)> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e} (install the Debian packages linux-libc-dev and libc6-dev)"));
    let mut out: Vec<(String, u64)> = Vec::new();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        let (Some("#define"), Some(name), Some(value)) = (words.next(), words.next(), words.next()) else { continue };
        if !name.starts_with(prefix) {
            continue;
        }
        let value = value.trim_end_matches("ULL").trim_end_matches('U');
        let number = match value.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16).ok(),
            None => value.parse().ok().or_else(|| out.iter().find(|(n, _)| n == value).map(|(_, v)| *v)),
        };
        if let Some(v) = number {
            out.push((name.to_owned(), v));
        }
    }
    out
}

fn masked(index: u8, value: u64, value_two: u64) -> ArgCondition {
    ArgCondition { index, value, value_two, op: tarsier::core::seccomp::CmpOp::MaskedEq }
}

/// clone's and unshare's flags by the names of the kernel's `linux/sched.h`, on the argument
/// that holds them: the first, except clone on s390/s390x, whose flags come second (Docker's
/// profile says so in its own s390 rule, checked here too).
#[test]
fn flag_conditions_use_the_kernels_clone_names() {
    use tarsier::core::seccomp::condition::condition_text;
    let flags = header_defines("/usr/include/linux/sched.h", "CLONE_");
    let classic: Vec<&(String, u64)> = flags.iter().filter(|(_, v)| (0x100..=0x8000_0000).contains(v)).collect();
    assert_eq!(classic.len(), 24, "{flags:?}");
    for (name, v) in classic {
        for call in ["clone", "unshare"] {
            assert_eq!(condition_text(call, Arch::X86_64, &masked(0, *v, 0)), format!("flags include none of {name}"));
            assert_eq!(condition_text(call, Arch::X86_64, &masked(0, *v, *v)), format!("flags include all of {name}"));
        }
        assert_eq!(condition_text("clone", Arch::S390x, &masked(1, *v, *v)), format!("flags include all of {name}"));
    }
    let newns = 0x2_0000;
    assert_eq!(condition_text("clone", Arch::X86_64, &masked(0, newns | 0x4000_0000, newns)), "flags & CLONE_NEWNS|CLONE_NEWNET == 0x20000");
    // Bits outside clone(2)'s flag word (clone3's CLONE_CLEAR_SIGHAND, clone's exit signal) stay
    // numbers after the named ones.
    let clear_sighand = flags.iter().find(|(n, _)| n == "CLONE_CLEAR_SIGHAND").unwrap().1;
    assert_eq!(condition_text("unshare", Arch::X86_64, &masked(0, newns | clear_sighand | 0x11, 0)), "flags include none of CLONE_NEWNS|0x100000011");
    // Not the flags: clone's second argument elsewhere, its first on s390, unshare's second.
    assert_eq!(condition_text("clone", Arch::X86_64, &masked(1, newns, 0)), "arg1 include none of 0x20000");
    assert_eq!(condition_text("clone", Arch::S390, &masked(0, newns, 0)), "arg0 include none of 0x20000");
    assert_eq!(condition_text("unshare", Arch::S390x, &masked(1, newns, 0)), "arg1 include none of 0x20000");
    let docker = Builtin::Docker.profile().unwrap();
    let s390_rule = docker.rules.iter().find(|r| r.comment.as_deref() == Some("s390 parameter ordering for clone is different")).unwrap();
    assert_eq!(s390_rule.args[0].index, 1);
    let eval = evaluate(&docker, &Context::new(Arch::S390x, KernelVersion::new(6, 8), DOCKER_DEFAULT));
    assert!(eval.verdict("clone").unwrap().condition.as_deref().unwrap().starts_with("is allowed unless flags include any of CLONE_NEWNS|"));
}

/// socket(2)'s and socketpair(2)'s arguments by their prototype's names (`domain`, `type`,
/// `protocol`), the domain by glibc's `bits/socket.h` (`AF_x` is `PF_x`), numbers past the
/// last family as numbers; personas by the kernel's `linux/personality.h`.
#[test]
fn socket_and_personality_values_use_the_headers_names() {
    use tarsier::core::seccomp::condition::{condition_text, value_text};
    use tarsier::core::seccomp::CmpOp;
    let families = header_defines(&format!("/usr/include/{}-linux-gnu/bits/socket.h", std::env::consts::ARCH), "PF_");
    let max = families.iter().find(|(n, _)| n == "PF_MAX").unwrap().1;
    for v in 0..max {
        let names: Vec<String> = families.iter().filter(|(_, x)| *x == v).map(|(n, _)| n.replacen("PF_", "AF_", 1)).collect();
        for call in ["socket", "socketpair"] {
            let text = value_text(call, Arch::X86_64, 0, v);
            assert!(names.iter().any(|n| text == format!("{n} ({v})")), "{call} domain {v}: {text}, header names {names:?}");
        }
    }
    assert_eq!(value_text("socket", Arch::X86_64, 0, max), max.to_string());
    let eq = |index, value| ArgCondition { index, value, value_two: 0, op: CmpOp::Eq };
    for call in ["socket", "socketpair"] {
        assert_eq!(condition_text(call, Arch::X86_64, &eq(0, 16)), "domain == AF_NETLINK (16)");
        assert_eq!(condition_text(call, Arch::X86_64, &eq(1, 2)), "type == 2");
        assert_eq!(condition_text(call, Arch::X86_64, &eq(2, 9)), "protocol == 9");
        assert_eq!(condition_text(call, Arch::X86_64, &eq(3, 9)), "arg3 == 9");
    }
    let personas = std::fs::read_to_string("/usr/include/linux/personality.h").unwrap();
    for (name, text) in [("PER_LINUX", "0x0 (PER_LINUX)"), ("PER_LINUX32", "0x8 (PER_LINUX32)"), ("UNAME26", "0x20000 (UNAME26)")] {
        let line = personas.lines().find(|l| l.trim_start().starts_with(&format!("{name} ")) || l.trim_start().starts_with(&format!("{name}\t"))).unwrap();
        let value = u64::from_str_radix(line.split("0x").nth(1).unwrap().trim_end_matches(',').trim(), 16).unwrap();
        assert_eq!(value_text("personality", Arch::X86_64, 0, value), text, "{line}");
    }
    assert_eq!(value_text("personality", Arch::X86_64, 0, 0x4_0000), "0x40000");
    // Other arguments: decimal below 4096, hex from there; each reads back as the same number.
    for (v, text) in [(0, "0"), (4095, "4095"), (4096, "0x1000"), (u64::MAX, "0xffffffffffffffff")] {
        assert_eq!(value_text("getpid", Arch::X86_64, 2, v), text);
        let back = text.strip_prefix("0x").map_or_else(|| text.parse::<u64>().unwrap(), |h| u64::from_str_radix(h, 16).unwrap());
        assert_eq!(back, v);
    }
}

/// The warnings a profile Docker still loads gets, one sentence each with the JSON path; errno
/// numbers by the kernel's `asm-generic/errno-base.h`, flag names by `linux/seccomp.h`.
#[test]
fn profile_warnings_name_the_field() {
    let errnos = header_defines("/usr/include/asm-generic/errno-base.h", "E");
    let eacces = errnos.iter().find(|(n, _)| n == "EACCES").unwrap().1;
    let warnings = |text: &str| parse_profile(text).unwrap().warnings;
    let rule = |extra: &str| format!(r#"{{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{{"names":["read"],"action":"SCMP_ACT_ERRNO"{extra}}}]}}"#);
    assert_eq!(warnings(&rule(r#","errno":"ENOTANERRNO""#)), ["syscalls[0].errno: \"ENOTANERRNO\" is not an errno name this tool knows; Docker ignores the field."]);
    assert_eq!(warnings(&rule(r#","errno":"EACCES","errnoRet":1"#)), [format!("syscalls[0].errno says EACCES ({eacces}) but syscalls[0].errnoRet says 1; Docker and runc use errnoRet.")]);
    assert_eq!(warnings(&rule(&format!(r#","errno":"EACCES","errnoRet":{eacces}"#))), Vec::<String>::new());
    assert_eq!(
        warnings(&rule(r#","errno":"EACCES""#)),
        [format!("syscalls[0].errno is EACCES ({eacces}) but there is no errnoRet: Docker ignores errno and returns EPERM (1); podman returns EACCES.")]
    );
    assert_eq!(
        warnings(r#"{"defaultAction":"SCMP_ACT_ERRNO","defaultErrno":"EACCES","defaultErrnoRet":1,"syscalls":[]}"#),
        [format!("defaultErrno says EACCES ({eacces}) but defaultErrnoRet says 1; Docker and runc use defaultErrnoRet.")]
    );
    assert_eq!(
        warnings(r#"{"defaultAction":"SCMP_ACT_ALLOW","defaultErrnoRet":5,"syscalls":[{"names":["read"],"action":"SCMP_ACT_TRACE","errnoRet":7}]}"#),
        ["defaultErrnoRet is ignored: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE return a value."]
    );
    // runc refuses to send write to a notifier (it needs write to hand over the descriptor).
    assert_eq!(
        warnings(r#"{"defaultAction":"SCMP_ACT_ALLOW","listenerPath":"/run/l.sock","syscalls":[{"names":["read","write"],"action":"SCMP_ACT_NOTIFY"}]}"#),
        ["syscalls[0] sends write to a notifier; runc refuses that (it needs write to hand the notifier its descriptor)."]
    );
    assert_eq!(warnings(r#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":[],"action":"SCMP_ACT_ALLOW"}]}"#), ["syscalls[0] names no system call, so it does nothing."]);
    assert_eq!(
        warnings(r#"{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_VAX"],"syscalls":[]}"#),
        ["architectures[1]: \"SCMP_ARCH_VAX\" is not an SCMP_ARCH_* name libseccomp knows; runc would refuse the profile."]
    );
    // The filter flags runc accepts, each one the kernel defines, draw no warning; others do.
    let header = std::fs::read_to_string("/usr/include/linux/seccomp.h").unwrap();
    let known = ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"];
    for flag in known {
        assert!(header.contains(&format!("#define {flag}\t")), "{flag}");
        assert_eq!(warnings(&format!(r#"{{"defaultAction":"SCMP_ACT_ERRNO","flags":["{flag}"],"syscalls":[]}}"#)), Vec::<String>::new(), "{flag}");
    }
    assert_eq!(
        warnings(r#"{"defaultAction":"SCMP_ACT_ERRNO","flags":["SECCOMP_FILTER_FLAG_LOG","SECCOMP_FILTER_FLAG_NEW_LISTENER"],"syscalls":[]}"#),
        ["flags[1]: \"SECCOMP_FILTER_FLAG_NEW_LISTENER\" is not a SECCOMP_FILTER_FLAG_* this tool knows; runc refuses unknown flags."]
    );
}

/// `name` (the older single name) as moby/profiles reads it: a non-empty `name` is the rule's
/// only name; an empty one leaves `names` to decide; both non-empty is an error (tested above).
#[test]
fn the_older_single_name_field() {
    let read = |text: &str| {
        let p = parse_profile(text).unwrap();
        let e = evaluate(&p, &Context::docker_default());
        (p.rules[0].names.clone(), e.verdict("read").unwrap().outcome.word(), e.verdict("write").unwrap().outcome.word())
    };
    let allow = |names: &str| format!(r#"{{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{{{names},"action":"SCMP_ACT_ALLOW"}}]}}"#);
    assert_eq!(read(&allow(r#""name":"read""#)), (vec!["read".to_owned()], "allow".to_owned(), "EPERM".to_owned()));
    assert_eq!(read(&allow(r#""name":"","names":["write"]"#)), (vec!["write".to_owned()], "EPERM".to_owned(), "allow".to_owned()));
    assert_eq!(read(&allow(r#""name":"read","names":[]"#)), (vec!["read".to_owned()], "allow".to_owned(), "EPERM".to_owned()));
}

/// Each action in words, as seccomp(2) describes its SECCOMP_RET_* value (quoted below), and
/// counted by the summary as allowed (ALLOW, LOG), blocked (ERRNO, KILL*, TRAP) or other (TRACE,
/// NOTIFY: a tracer or the notifier decides).
#[test]
fn every_action_in_words() {
    let p = parse_profile(
        r#"{"defaultAction":"SCMP_ACT_ERRNO","listenerPath":"/run/l.sock","syscalls":[
            {"names":["getpid"],"action":"SCMP_ACT_LOG"},
            {"names":["getppid"],"action":"SCMP_ACT_KILL"},
            {"names":["getuid"],"action":"SCMP_ACT_KILL_THREAD"},
            {"names":["getgid"],"action":"SCMP_ACT_KILL_PROCESS"},
            {"names":["geteuid"],"action":"SCMP_ACT_TRAP"},
            {"names":["getegid"],"action":"SCMP_ACT_TRACE","errnoRet":7},
            {"names":["gettid"],"action":"SCMP_ACT_TRACE"},
            {"names":["getpgrp"],"action":"SCMP_ACT_NOTIFY"},
            {"names":["getsid"],"action":"SCMP_ACT_ERRNO","errnoRet":4094},
            {"names":["read"],"action":"SCMP_ACT_ALLOW"}]}"#,
    )
    .unwrap();
    let eval = evaluate(&p, &Context::docker_default());
    let words = |name: &str| {
        let v = eval.verdict(name).unwrap();
        (v.outcome.word(), v.outcome.describe())
    };
    let w = |a: &str, b: &str| (a.to_owned(), b.to_owned());
    // "SECCOMP_RET_LOG: ... the system call to be executed after the filter return action is logged."
    assert_eq!(words("getpid"), w("log", "is allowed and logged"));
    // "SECCOMP_RET_KILL_THREAD (or SECCOMP_RET_KILL) ... the thread that made the system call to
    // terminate as though killed by a SIGSYS signal."
    assert_eq!(words("getppid"), w("kill-thread", "kills the calling thread (SIGSYS)"));
    assert_eq!(words("getuid"), w("kill-thread", "kills the calling thread (SIGSYS)"));
    // "SECCOMP_RET_KILL_PROCESS ... immediate termination of the process, with a core dump."
    assert_eq!(words("getgid"), w("kill-process", "kills the whole process (SIGSYS)"));
    // "SECCOMP_RET_TRAP ... the kernel to send a thread-directed SIGSYS signal to the triggering thread."
    assert_eq!(words("geteuid"), w("trap", "sends SIGSYS to the calling thread (trap)"));
    // "SECCOMP_RET_TRACE ... the kernel will attempt to notify a ptrace(2)-based tracer ... If there
    // is no tracer present, the system call is not executed and returns a failure status with
    // errno set to ENOSYS." The message (SECCOMP_RET_DATA) is errnoRet, EPERM's 1 without it (runc).
    assert_eq!(words("getegid"), w("trace", "is handed to a ptrace tracer (message 7); with no tracer it fails with ENOSYS"));
    assert_eq!(words("gettid").1, "is handed to a ptrace tracer (message 1); with no tracer it fails with ENOSYS");
    // "SECCOMP_RET_USER_NOTIF ... a notification to be sent to an attached user-space supervisor".
    assert_eq!(words("getpgrp"), w("notify", "waits for the user-space notifier (listenerPath) to decide"));
    // An errno glibc has no name for is shown as its number.
    assert_eq!(words("getsid"), w("errno 4094", "fails with errno 4094"));
    assert_eq!(words("read"), w("allow", "is allowed"));
    let s = summarize(&eval);
    let others: Vec<&str> = eval.syscalls.iter().filter(|v| !v.outcome.allows() && !v.outcome.blocks()).map(|v| v.name.as_str()).collect();
    assert_eq!(others, ["getegid", "getpgrp", "gettid"], "trace and notify are neither allowed nor blocked");
    assert_eq!((s.allowed, s.other), (2, 3));
    assert_eq!(s.blocked, s.total - 5);
    assert!(eval.verdict("getgid").unwrap().outcome.blocks() && eval.verdict("geteuid").unwrap().outcome.blocks());
    assert!(eval.verdict("getpid").unwrap().outcome.allows());
}

/// runc's ENOSYS stub (libcontainer/seccomp/patchbpf/enosys_linux.go): for each architecture
/// the config lists, calls numbered above the highest one any rule names (whatever that rule's
/// action) get ENOSYS instead of the default action; not when the default action lets the call
/// run (allow, log, trace), and not for an architecture the filter does not list.
#[test]
fn runc_enosys_threshold_and_its_limits() {
    // 0 read, 1 write, 332 statx: `scmp_sys_resolver -a x86_64 statx` (and read, write).
    let profile = |default: &str, arches: &str| {
        parse_profile(&format!(
            r#"{{"defaultAction":"{default}",{arches}"syscalls":[{{"names":["read","write"],"action":"SCMP_ACT_ALLOW"}},{{"names":["statx"],"action":"SCMP_ACT_ERRNO","errnoRet":1}}]}}"#
        ))
        .unwrap()
    };
    let listed = r#""architectures":["SCMP_ARCH_X86_64"],"#;
    let eval = evaluate(&profile("SCMP_ACT_ERRNO", listed), &Context::docker_default());
    assert_eq!(eval.runc_enosys_above, Some(332), "statx's rule equals the default, yet names the highest call");
    let statx = eval.verdict("statx").unwrap();
    assert_eq!((statx.rule, statx.runc_enosys, statx.overridden.as_slice()), (None, false, &[1usize][..]));
    let clone3 = eval.verdict("clone3").unwrap();
    assert!(clone3.runc_enosys, "435 is above 332");
    assert!(clone3.explanation.ends_with(" Under runc it gets ENOSYS instead: its number is above every number the profile's rules name here."), "{}", clone3.explanation);
    assert!(!eval.verdict("mount").unwrap().runc_enosys, "165 is below 332");
    for default in ["SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_TRACE"] {
        let e = evaluate(&profile(default, listed), &Context::docker_default());
        assert_eq!(e.runc_enosys_above, None, "{default}");
        assert!(!e.verdict("clone3").unwrap().runc_enosys, "{default}");
    }
    for default in ["SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRAP"] {
        assert_eq!(evaluate(&profile(default, listed), &Context::docker_default()).runc_enosys_above, Some(332), "{default}");
    }
    let unlisted = evaluate(&profile("SCMP_ACT_ERRNO", ""), &Context::docker_default());
    assert_eq!(unlisted.runc_enosys_above, None);
    assert!(!unlisted.verdict("clone3").unwrap().runc_enosys);
}

/// A filter that does not list the process's ABI: libseccomp's bad-architecture action kills
/// the thread for every call. Without `architectures` or `archMap`, the filter holds only the
/// native architecture (libseccomp's seccomp_init: "the native architecture ... is added to
/// the filter by default"); with Docker's archMap, the host's entry (checked against the file).
#[test]
fn an_unlisted_abi_is_killed_and_the_warning_says_what_is_listed() {
    let bare = parse_profile(r#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}"#).unwrap();
    let x86 = Context { arch: Arch::X86, host: Arch::X86_64, kernel: KernelVersion::new(6, 8), bounding: DOCKER_DEFAULT };
    let e = evaluate(&bare, &x86);
    assert!(!e.covered);
    assert_eq!(e.warnings, ["The filter Docker builds lists SCMP_ARCH_X86_64 but not x86: every x86 call gets libseccomp's bad-architecture action, kill-thread."]);
    let read = e.verdict("read").unwrap();
    assert_eq!((read.outcome.word(), read.action.as_str(), read.rule, read.number), ("kill-thread".to_owned(), "SCMP_ACT_KILL_THREAD", None, 3));
    assert_eq!(read.explanation, "read (3) kills the calling thread: the filter does not list the x86 architecture.");
    // The process's own ABI needs no listing: the native architecture is always in the filter.
    let native = evaluate(&bare, &Context::docker_default());
    assert!(native.covered && native.warnings.is_empty());
    assert_eq!(native.verdict("read").unwrap().outcome.word(), "allow");

    let path = format!("{}/../shared/fixtures/seccomp/moby-profiles_seccomp_default.json", env!("CARGO_MANIFEST_DIR"));
    let json: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let entry = json["archMap"].as_array().unwrap().iter().find(|m| m["architecture"] == "SCMP_ARCH_X86_64").unwrap();
    let mut listed = vec![entry["architecture"].as_str().unwrap()];
    listed.extend(entry["subArchitectures"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()));
    let m68k = Context { arch: Arch::M68k, host: Arch::X86_64, kernel: KernelVersion::new(6, 8), bounding: DOCKER_DEFAULT };
    let e = evaluate(&Builtin::Docker.profile().unwrap(), &m68k);
    assert_eq!(e.warnings, [format!("The filter Docker builds lists {} but not m68k: every m68k call gets libseccomp's bad-architecture action, kill-thread.", listed.join(", "))]);
}

/// Capabilities that would unlock a blocked call: only rules that would allow it count, and a
/// call that is already conditional is not "blocked".
#[test]
fn unlocking_capabilities_come_from_allowing_rules_only() {
    let p = parse_profile(
        r#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
            {"names":["mount"],"action":"SCMP_ACT_ERRNO","errnoRet":38,"includes":{"caps":["CAP_SYS_ADMIN"]}},
            {"names":["umount2"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_ADMIN"]}},
            {"names":["umount2"],"action":"SCMP_ACT_LOG","includes":{"caps":["CAP_SYS_BOOT"]}},
            {"names":["clone"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_ADMIN"]}},
            {"names":["clone"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":2114060288,"op":"SCMP_CMP_MASKED_EQ"}]}]}"#,
    )
    .unwrap();
    let e = evaluate(&p, &Context::docker_default());
    let mount = e.verdict("mount").unwrap();
    assert_eq!((mount.unlocked_by.len(), mount.explanation.contains(" With ")), (0, false), "an ERRNO rule unlocks nothing: {}", mount.explanation);
    let umount2 = e.verdict("umount2").unwrap();
    assert_eq!(umount2.unlocked_by, ["CAP_SYS_ADMIN", "CAP_SYS_BOOT"]);
    assert!(umount2.explanation.ends_with(" With CAP_SYS_ADMIN and CAP_SYS_BOOT in the bounding set a rule would allow it."), "{}", umount2.explanation);
    let clone = e.verdict("clone").unwrap();
    assert!(clone.conditional);
    assert_eq!((clone.unlocked_by.len(), clone.explanation.contains(" With ")), (0, false), "{}", clone.explanation);
}

/// A conditional call's sentence names its deciding rules: one rule, or several. The rule
/// numbers are the positions of the rules naming the call in Docker's file.
#[test]
fn conditional_explanations_name_their_rules() {
    let path = format!("{}/../shared/fixtures/seccomp/moby-profiles_seccomp_default.json", env!("CARGO_MANIFEST_DIR"));
    let json: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let rules_with_args = |call: &str| -> Vec<String> {
        let rules = json["syscalls"].as_array().unwrap();
        rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r["names"].as_array().unwrap().iter().any(|n| n == call) && r["args"].as_array().is_some_and(|a| !a.is_empty()) && r["includes"].get("arches").is_none())
            .map(|(i, _)| i.to_string())
            .collect()
    };
    let eval = evaluate(&Builtin::Docker.profile().unwrap(), &Context::docker_default());
    for (call, number) in [("socket", 41), ("personality", 135)] {
        let v = eval.verdict(call).unwrap();
        let rules = rules_with_args(call);
        assert!(rules.len() > 1);
        assert_eq!(v.explanation, format!("{call} ({number}) depends on its arguments: it {} (rules {}).", v.condition.as_deref().unwrap(), rules.join(", ")));
    }
    let clone = eval.verdict("clone").unwrap();
    let excluded_on_s390 = json["syscalls"][18]["excludes"]["arches"].as_array().unwrap();
    assert!(excluded_on_s390.iter().any(|a| a == "s390x"));
    assert_eq!(clone.explanation, format!("clone (56) depends on its arguments: it {} (rule 18).", clone.condition.as_deref().unwrap()));
}

/// Every limit and refusal, at its edge: the largest accepted value parses, one more gets one
/// sentence naming the JSON path. A call has six arguments (`struct seccomp_data`'s `args[6]`
/// in `linux/seccomp.h`); the other limits are the documented constants of `profile.rs`.
#[test]
fn limits_and_refusals_at_their_edges() {
    use tarsier::core::seccomp::{MAX_ARGS, MAX_ARG_INDEX, MAX_ERRNO, MAX_LIST, MAX_NAMES_TOTAL, MAX_NAME_LEN, MAX_RULES};
    let header = std::fs::read_to_string("/usr/include/linux/seccomp.h").unwrap();
    assert!(header.contains("\t__u64 args[6];"));
    assert_eq!((MAX_ARGS, MAX_ARG_INDEX), (6, 5));
    let ok = |text: &str| parse_profile(text).unwrap_or_else(|e| panic!("{e}"));
    let with_rule = |rule: &str| format!(r#"{{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{rule}]}}"#);
    let arg = |i: u64| format!(r#"{{"index":{i},"value":1,"op":"SCMP_CMP_EQ"}}"#);
    let args = |n: u64| (0..n).map(|i| arg(i % 6)).collect::<Vec<_>>().join(",");
    assert_eq!(ok(&with_rule(&format!(r#"{{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{}]}}"#, arg(5)))).rules[0].args[0].index, 5);
    assert_eq!(ok(&with_rule(&format!(r#"{{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{}]}}"#, args(6)))).rules[0].args.len(), 6);
    assert_eq!(
        err(&with_rule(&format!(r#"{{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{}]}}"#, args(7)))),
        "The seccomp profile is not valid at syscalls[0].args: 7 entries, more than the 6 this tool reads."
    );
    // errnoRet: MAX_ERRNO is accepted, one more is not (libseccomp's bound, checked against it in
    // errnos_end_where_libseccomp_ends_them); defaultErrnoRet names its own field.
    assert_eq!(ok(&with_rule(&format!(r#"{{"names":["read"],"action":"SCMP_ACT_ERRNO","errnoRet":{MAX_ERRNO}}}"#))).rules[0].action.ret, Some(4094));
    assert_eq!(
        err(r#"{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":4095,"syscalls":[]}"#),
        "The seccomp profile is not valid at defaultErrnoRet: 4095 is larger than 4094, the highest errno libseccomp accepts (runc and crun build the filter with it)."
    );
    // Names: MAX_NAME_LEN characters, empty, and the total over all rules.
    let long = "a".repeat(MAX_NAME_LEN);
    assert_eq!(ok(&with_rule(&format!(r#"{{"names":["read","{long}"],"action":"SCMP_ACT_ALLOW"}}"#))).rules[0].names[1].len(), 128);
    assert_eq!(
        err(&with_rule(&format!(r#"{{"names":["read","{long}b"],"action":"SCMP_ACT_ALLOW"}}"#))),
        "The seccomp profile is not valid at syscalls[0].names[1]: a name of 129 characters is not a system call."
    );
    assert_eq!(
        err(&with_rule(r#"{"names":["read",""],"action":"SCMP_ACT_ALLOW"}"#)),
        "The seccomp profile is not valid at syscalls[0].names[1]: an empty name is not a system call (runc refuses it)."
    );
    let names = |n: usize| (0..n).map(|i| format!("\"c{i}\"")).collect::<Vec<_>>().join(",");
    let half = MAX_NAMES_TOTAL / 2;
    let two = |second: usize| format!(r#"{{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{{"names":[{}],"action":"SCMP_ACT_ALLOW"}},{{"names":[{}],"action":"SCMP_ACT_ALLOW"}}]}}"#, names(half), names(second));
    assert_eq!(ok(&two(half)).rules[1].names.len(), half);
    assert_eq!(err(&two(half + 1)), "The seccomp profile is not valid at syscalls[1].names: the rules name more than 65536 system calls together.");
    // Rules.
    let rules = |n: usize| format!(r#"{{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{}]}}"#, vec![r#"{"names":["read"],"action":"SCMP_ACT_ALLOW"}"#; n].join(","));
    assert_eq!(ok(&rules(MAX_RULES)).rules.len(), 4096);
    assert_eq!(err(&rules(MAX_RULES + 1)), "The seccomp profile is not valid at syscalls: 4097 entries, more than the 4096 this tool reads.");
    // Lists: architectures, flags, archMap, subArchitectures, includes/excludes caps and arches.
    let list = |n: usize, item: &str| vec![item; n].join(",");
    let arches = |n| format!(r#"{{"defaultAction":"SCMP_ACT_ERRNO","architectures":[{}],"syscalls":[]}}"#, list(n, "\"SCMP_ARCH_X86\""));
    assert_eq!(ok(&arches(MAX_LIST)).architectures.len(), 256);
    assert_eq!(err(&arches(MAX_LIST + 1)), "The seccomp profile is not valid at architectures: 257 entries, more than the 256 this tool reads.");
    for (json, path) in [
        (format!(r#""flags":[{}]"#, list(257, "\"SECCOMP_FILTER_FLAG_LOG\"")), "flags"),
        (format!(r#""archMap":[{}]"#, list(257, r#"{"architecture":"SCMP_ARCH_X86"}"#)), "archMap"),
        (format!(r#""archMap":[{{"architecture":"SCMP_ARCH_X86_64","subArchitectures":[{}]}}]"#, list(257, "\"SCMP_ARCH_X86\"")), "archMap[0].subArchitectures"),
    ] {
        assert_eq!(err(&format!(r#"{{"defaultAction":"SCMP_ACT_ERRNO",{json},"syscalls":[]}}"#)), format!("The seccomp profile is not valid at {path}: 257 entries, more than the 256 this tool reads."));
    }
    for field in ["includes", "excludes"] {
        for key in ["caps", "arches"] {
            let rule = |n| with_rule(&format!(r#"{{"names":["read"],"action":"SCMP_ACT_ALLOW","{field}":{{"{key}":[{}]}}}}"#, list(n, "\"x\"")));
            assert_eq!(ok(&rule(256)).rules.len(), 1);
            assert_eq!(err(&rule(257)), format!("The seccomp profile is not valid at syscalls[0].{field}.{key}: 257 entries, more than the 256 this tool reads."));
        }
    }
    // Missing or refused values.
    for (text, expected) in [
        (with_rule(r#"{"names":["read"]}"#), "syscalls[0].action: missing; expected an action such as SCMP_ACT_ALLOW or SCMP_ACT_ERRNO"),
        (with_rule(r#"{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1}]}"#), "syscalls[0].args[0].op: missing; expected a comparison such as SCMP_CMP_EQ"),
        (r#"{"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}"#.to_owned(), "defaultAction: missing; expected an action such as SCMP_ACT_ALLOW or SCMP_ACT_ERRNO"),
        (r#"{"defaultAction":"SCMP_ACT_NOTIFY","syscalls":[]}"#.to_owned(), "defaultAction: SCMP_ACT_NOTIFY cannot be the default action (runc refuses it)"),
        (r#"{"defaultAction":"SCMP_ACT_ERRNO","archMap":[{"subArchitectures":[]}],"syscalls":[]}"#.to_owned(), "archMap[0].architecture: missing; expected an SCMP_ARCH_* name"),
    ] {
        assert_eq!(err(&text), format!("The seccomp profile is not valid at {expected}."));
    }
}

/// `minKernel` as moby/profiles reads it (`KernelVersion.UnmarshalJSON`): `""` is 0.0 and
/// always holds, otherwise exactly MAJOR.MINOR, each below 256, not 0.0.
#[test]
fn min_kernel_strings() {
    let kernel = |v: &str| {
        let text = format!(r#"{{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{{"names":["read"],"action":"SCMP_ACT_ALLOW","includes":{{"minKernel":"{v}"}}}}]}}"#);
        parse_profile(&text).map(|p| p.rules[0].includes.min_kernel).map_err(|e| e.to_string())
    };
    assert_eq!(kernel(""), Ok(Some(KernelVersion::new(0, 0))));
    assert_eq!(kernel("255.255"), Ok(Some(KernelVersion::new(255, 255))));
    assert_eq!(kernel("0.1"), Ok(Some(KernelVersion::new(0, 1))));
    for bad in ["256.1", "4.256", "4", "4.", ".4", "4.8.1", "a.b", "-1.2"] {
        assert_eq!(
            kernel(bad),
            Err(format!("The seccomp profile is not valid at syscalls[0].includes.minKernel: \"{bad}\" is not a kernel version; expected \"MAJOR.MINOR\" such as \"4.8\".")),
            "{bad}"
        );
    }
    assert_eq!(kernel("0.0"), Err("The seccomp profile is not valid at syscalls[0].includes.minKernel: \"0.0\" is not a kernel version (Docker refuses it).".to_owned()));
}

/// A conditional call's sentence names exactly the values the kernel lets through. Rules on
/// getpid's first argument (which the kernel ignores) are loaded by libseccomp; the kernel's
/// answers for 0..=70 and the top 71 values (every edge used lies there, so the values between
/// answer as 70 does) give the values refused or allowed, and the sentence must list those: the
/// refused ones when at most 8 are ("unless"), else the allowed ones when at most 16 are ("only
/// as"), else it spells out each rule's condition.
#[test]
fn condition_sentences_name_the_values_the_kernel_allows() {
    let arch = Arch::parse(std::env::consts::ARCH).unwrap();
    let top = u64::MAX;
    let sets: Vec<Vec<(&str, u64)>> = vec![
        vec![("LT", 38), ("EQ", 39), ("GT", 40)],
        vec![("GE", 5), ("LE", 3)],
        vec![("NE", 7)],
        vec![("LE", 2), ("GE", 0)],
        vec![("LT", 1), ("GT", 8)],
        vec![("LT", 1), ("GT", 9)],
        vec![("EQ", 3), ("EQ", 4), ("EQ", 5), ("LT", 1)],
        vec![("LE", 15)],
        vec![("LE", 16)],
        vec![("GT", 10)],
        vec![("GT", top - 2)],
        vec![("LT", 0), ("EQ", 5)],
        vec![("LT", 0)],
        vec![("GT", top)],
        vec![("NE", top), ("EQ", top)],
        vec![("LT", top - 1)],
        vec![("EQ", 6), ("EQ", 4), ("EQ", 5), ("EQ", 9)],
        vec![("LE", 3), ("LE", 5), ("EQ", 5)],
        vec![("NE", 0)],
        vec![("GE", 9), ("GE", 3), ("EQ", 1)],
    ];
    let probes: Vec<u64> = (0..=70).chain(top - 70..=top).collect();
    let cases: Vec<(Value, Vec<Probe>)> = sets
        .iter()
        .map(|set| {
            let mut rules: Vec<Value> = set.iter().map(|(op, v)| rule("getpid", "ALLOW", None, &[cond(0, op, *v)])).collect();
            rules.push(plumbing());
            let profile = json!({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1, "syscalls": rules});
            (profile, probes.iter().map(|v| ("getpid", [*v, 0, 0, 0, 0, 0])).collect())
        })
        .collect();
    let kernel = kernel_answers(&cases);
    let otherwise = "fails with EPERM (1, Operation not permitted)";
    let shown = |v: &u64| if *v < 4096 { v.to_string() } else { format!("{v:#x}") };
    for ((profile, _), answers) in cases.iter().zip(&kernel) {
        let allowed: Vec<u64> = probes.iter().zip(answers).filter(|(_, a)| **a == 0).map(|(v, _)| *v).collect();
        let refused: Vec<u64> = probes.iter().zip(answers).filter(|(_, a)| **a != 0).map(|(v, _)| *v).collect();
        let middle_allowed = answers[70] == 0;
        assert_eq!(answers[70], answers[71], "the case has an edge between 70 and the top 71 values");
        let expected = if refused.is_empty() {
            Some("is allowed for every arg0".to_owned())
        } else if middle_allowed && refused.len() <= 8 {
            Some(format!("is allowed unless arg0 is {}; then it {otherwise}", refused.iter().map(shown).collect::<Vec<_>>().join(" or ")))
        } else if allowed.is_empty() {
            Some(format!("is allowed for no arg0; it always {otherwise}"))
        } else if !middle_allowed && allowed.len() <= 16 {
            let hex: Vec<String> = allowed.iter().map(|v| format!("{v:#x}")).collect();
            Some(format!("is allowed only as getpid({}): arg0 {}; otherwise it {otherwise}", hex.join("|"), allowed.iter().map(shown).collect::<Vec<_>>().join(", ")))
        } else {
            None
        };
        let eval = evaluate(&parse_profile(&profile.to_string()).unwrap(), &Context::new(arch, KernelVersion::new(6, 8), DOCKER_DEFAULT));
        let text = eval.verdict("getpid").unwrap().condition.clone().unwrap();
        match expected {
            Some(e) => assert_eq!(text, e, "{profile}"),
            None => assert!(text.starts_with("is allowed when arg0 ") && text.ends_with(&format!("; otherwise it {otherwise}")), "{text}"),
        }
    }
}

/// An ABI's `AUDIT_ARCH_*` value (libseccomp's `SCMP_ARCH_*` is that value) as the tokens
/// `linux/audit.h` ORs together: the `EM_*` machine and the `__AUDIT_ARCH_*` flags. x32 has no
/// audit name; libseccomp's seccomp.h defines `SCMP_ARCH_X32` as `EM_X86_64|__AUDIT_ARCH_LE`.
/// libseccomp's SH is little-endian (`AUDIT_ARCH_SHEL`), its SHEB is `AUDIT_ARCH_SH`.
fn audit_tokens(header: &str, arch: Arch) -> Vec<String> {
    if arch == Arch::X32 {
        return vec!["EM_X86_64".to_owned(), "__AUDIT_ARCH_LE".to_owned()];
    }
    let suffix = arch.scmp_name().trim_start_matches("SCMP_ARCH_");
    let name = match suffix {
        "X86" => "I386",
        "SH" => "SHEL",
        "SHEB" => "SH",
        other => other,
    };
    let joined = header.replace("\\\n", " ");
    let line = joined.lines().find(|l| l.split_whitespace().take(2).eq(["#define", format!("AUDIT_ARCH_{name}").as_str()])).unwrap_or_else(|| panic!("AUDIT_ARCH_{name}"));
    let expr = line.split_once('(').unwrap().1.split(')').next().unwrap();
    expr.split('|').map(|t| t.trim().to_owned()).collect()
}

/// Architecture names against outside lists: every Linux GOARCH of the installed Go (`go tool
/// dist list`) parses, and Docker's name for it is moby/profiles' `goToNative` (quoted below);
/// Docker finds an archMap entry only when `nativeToSeccomp` has that name; the GNU CPU names
/// of dpkg's cputable (what `uname -m` prints) parse to an ABI of the word size and byte order
/// the cputable gives, by the ABI's `linux/audit.h` flags; an ABI run on another host (x32,
/// n32) gets the 64-bit ABI of the same machine and byte order.
#[test]
fn architecture_names_against_go_dpkg_and_audit_h() {
    // moby/profiles seccomp/seccomp_linux.go, `goToNative` and `nativeToSeccomp`'s keys.
    let go_to_native = [
        ("386", "x86"), ("amd64", "amd64"), ("arm", "arm"), ("arm64", "arm64"), ("loong64", "loongarch64"), ("mips64", "mips64"),
        ("mips64p32", "mips64n32"), ("mips64le", "mipsel64"), ("mips64p32le", "mips3l64n32"), ("mipsle", "mipsel"), ("ppc", "ppc"),
        ("ppc64", "ppc64"), ("ppc64le", "ppc64le"), ("riscv64", "riscv64"), ("s390", "s390"), ("s390x", "s390x"),
    ];
    let native_to_seccomp = [
        ("x86", "SCMP_ARCH_X86"), ("amd64", "SCMP_ARCH_X86_64"), ("arm", "SCMP_ARCH_ARM"), ("arm64", "SCMP_ARCH_AARCH64"),
        ("loong64", "SCMP_ARCH_LOONGARCH64"), ("mips64", "SCMP_ARCH_MIPS64"), ("mips64n32", "SCMP_ARCH_MIPS64N32"),
        ("mipsel64", "SCMP_ARCH_MIPSEL64"), ("mips3l64n32", "SCMP_ARCH_MIPSEL64N32"), ("mipsle", "SCMP_ARCH_MIPSEL"), ("ppc", "SCMP_ARCH_PPC"),
        ("ppc64", "SCMP_ARCH_PPC64"), ("ppc64le", "SCMP_ARCH_PPC64LE"), ("riscv64", "SCMP_ARCH_RISCV64"), ("s390", "SCMP_ARCH_S390"),
        ("s390x", "SCMP_ARCH_S390X"),
    ];
    let out = std::process::Command::new("go").args(["tool", "dist", "list"]).output().expect("go (Debian package golang-go)");
    let goarches: Vec<String> = String::from_utf8(out.stdout).unwrap().lines().filter_map(|l| l.strip_prefix("linux/")).map(str::to_owned).collect();
    assert!(goarches.len() >= 13, "{goarches:?}");
    for g in &goarches {
        let a = Arch::parse(g).unwrap_or_else(|e| panic!("{e}"));
        let native = go_to_native.iter().find(|(k, _)| k == g).map(|(_, n)| *n);
        assert_eq!(a.docker_native(), native, "GOARCH {g}");
    }
    for (g, native) in go_to_native {
        let a = Arch::parse(g).unwrap();
        assert_eq!(a.docker_native(), Some(native), "{g}");
        let entry = native_to_seccomp.iter().find(|(k, _)| *k == native);
        assert_eq!(a.docker_finds_arch_map(), entry.is_some(), "{g}: Docker looks up {native}");
        if let Some((_, scmp)) = entry {
            assert_eq!(a.scmp_name(), *scmp);
        }
    }
    for a in tarsier::core::seccomp::ALL_ARCHES {
        if a.docker_native().is_none() {
            assert!(!a.docker_finds_arch_map(), "{a}");
        }
    }

    let audit = std::fs::read_to_string("/usr/include/linux/audit.h").unwrap();
    let cputable = std::fs::read_to_string("/usr/share/dpkg/cputable").expect("dpkg's cputable");
    let mut parsed = Vec::new();
    for row in cputable.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let (gnu, bits, endian) = (cols[1], cols[3], cols[4]);
        let Ok(a) = Arch::parse(gnu) else { continue };
        let tokens = audit_tokens(&audit, a);
        let has = |t: &str| tokens.iter().any(|x| x == t);
        assert_eq!((has("__AUDIT_ARCH_64BIT"), has("__AUDIT_ARCH_LE")), (bits == "64", endian == "little"), "{gnu} parses to {a}: {tokens:?}");
        parsed.push(gnu);
    }
    for gnu in ["i686", "x86_64", "arm", "aarch64", "loongarch64", "m68k", "mips", "mipsel", "mips64", "hppa", "powerpc", "powerpc64", "powerpc64le", "riscv64", "s390", "s390x", "sh4"] {
        assert!(parsed.contains(&gnu), "{gnu} should parse: {parsed:?}");
    }
    for a in tarsier::core::seccomp::ALL_ARCHES {
        let (abi, host) = (audit_tokens(&audit, a), audit_tokens(&audit, a.default_host()));
        let machine = |t: &[String]| t.iter().find(|x| x.starts_with("EM_")).cloned();
        assert_eq!(machine(&abi), machine(&host), "{a}");
        let flag = |t: &[String], f: &str| t.iter().any(|x| x == f);
        assert_eq!(flag(&abi, "__AUDIT_ARCH_LE"), flag(&host, "__AUDIT_ARCH_LE"), "{a}");
        let runs_elsewhere = a == Arch::X32 || flag(&abi, "__AUDIT_ARCH_CONVENTION_MIPS64_N32");
        if runs_elsewhere {
            assert!(flag(&host, "__AUDIT_ARCH_64BIT") && !flag(&host, "__AUDIT_ARCH_CONVENTION_MIPS64_N32") && a.default_host() != a, "{a}");
        } else {
            assert_eq!(a.default_host(), a);
        }
    }
}
