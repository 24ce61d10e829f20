//! `/proc/<pid>/status` over every real dump in `../shared/fixtures/proc/`, checked against the
//! recorded ground truth: `proc/SOURCES.md` (parsed, not copied), `oracle/capsh_decode.tsv`,
//! `oracle/signals.tsv` and `oracle/kill-l_bash_builtin.txt`, and — when it is installed — live
//! `capsh --decode`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tarsier::core::caps::CapSet;
use tarsier::core::signals;
use tarsier::core::paste::{classify, Accept, Classified};
use tarsier::core::status::{self, analyze, compare, parse, parse_all, ProcStatus, SeccompMode};

const PROC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/proc");
const ORACLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/oracle");

fn read(path: impl AsRef<Path>) -> String {
    let path = path.as_ref();
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every dump: local/*.status and seed/*.status.
fn dumps() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in ["local", "seed"] {
        for entry in std::fs::read_dir(format!("{PROC}/{dir}")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "status") {
                out.push(path);
            }
        }
    }
    out.sort();
    assert!(out.len() >= 26, "expected the fixture dumps, found {}", out.len());
    out
}

/// The table in SOURCES.md: file name → column name → cell.
fn sources() -> BTreeMap<String, BTreeMap<String, String>> {
    let text = read(format!("{PROC}/SOURCES.md"));
    let mut header: Vec<String> = Vec::new();
    let mut rows = BTreeMap::new();
    for line in text.lines() {
        if !line.starts_with('|') {
            continue;
        }
        let cells: Vec<String> = line.trim_matches('|').split('|').map(|c| c.trim().trim_matches('`').to_owned()).collect();
        if cells.first().is_some_and(|c| c == "file") {
            header = cells;
        } else if cells.first().is_some_and(|c| c.ends_with(".status")) {
            assert_eq!(cells.len(), header.len(), "{line}");
            rows.insert(cells[0].clone(), header.iter().cloned().zip(cells).collect());
        }
    }
    assert!(rows.len() >= 25, "SOURCES.md table not found");
    rows
}

/// capsh's name for each single bit, from the oracle; plus the whole-mask lines.
fn capsh_oracle() -> (Vec<String>, BTreeMap<u64, String>) {
    let mut names = vec![String::new(); 64];
    let mut whole = BTreeMap::new();
    for line in read(format!("{ORACLE}/capsh_decode.tsv")).lines() {
        let (hex, out) = line.split_once('\t').unwrap();
        let value = u64::from_str_radix(hex, 16).unwrap();
        whole.insert(value, out.to_owned());
        if value.count_ones() == 1 {
            names[value.trailing_zeros() as usize] = out.split_once('=').unwrap().1.to_owned();
        }
    }
    assert!(names.iter().all(|n| !n.is_empty()));
    (names, whole)
}

/// What capsh prints for `mask`, built from the oracle's single-bit lines.
fn capsh_expected(mask: u64, names: &[String]) -> String {
    let list: Vec<&str> = (0..64).filter(|b| mask & (1 << b) != 0).map(|b| names[b].as_str()).collect();
    format!("0x{mask:016x}={}", list.join(","))
}

/// What the live `capsh --decode` prints (a missing capsh is a failure, not a skip).
fn live_capsh(mask: u64) -> String {
    let capsh = Path::new("/usr/sbin/capsh");
    assert!(capsh.exists(), "capsh is the oracle here: apt-get install libcap2-bin");
    let out = std::process::Command::new(capsh).arg(format!("--decode={mask:016x}")).output().unwrap();
    assert!(out.status.success(), "capsh --decode={mask:016x} failed");
    String::from_utf8_lossy(&out.stdout).trim_end().to_owned()
}

fn caps(s: &ProcStatus) -> [(&'static str, Option<CapSet>); 5] {
    [("CapInh", s.cap_inh), ("CapPrm", s.cap_prm), ("CapEff", s.cap_eff), ("CapBnd", s.cap_bnd), ("CapAmb", s.cap_amb)]
}

#[test]
fn every_dump_parses_completely_and_keeps_every_line() {
    for path in dumps() {
        let text = read(&path);
        let s = parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(s.warnings.is_empty(), "{}: {:?}", path.display(), s.warnings);
        // Every non-blank line is a raw field, with its value intact (colons included).
        let lines: Vec<(usize, &str)> = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).collect();
        assert_eq!(s.raw.len(), lines.len(), "{}", path.display());
        for ((n, line), f) in lines.iter().zip(&s.raw) {
            let (key, value) = line.split_once(':').unwrap();
            assert_eq!((f.line, f.key.as_str(), f.value.as_str()), (n + 1, key, value.trim()), "{}", path.display());
        }
        assert!(s.unknown_fields().is_empty(), "{}: {:?}", path.display(), s.unknown_fields());
        let r = analyze(&s);
        assert_eq!(r.raw.len(), s.raw.len());
        assert!(!r.verdict.headline.contains("unknown") || path.ends_with("redis-server.status"), "{}: {}", path.display(), r.verdict.headline);
        serde_json::to_string(&r).unwrap();
        assert!(matches!(classify(&text, Accept::Any), Ok(Classified::Status(d)) if d == std::slice::from_ref(&s)), "{}", path.display());
    }
}

#[test]
fn values_match_sources_md() {
    let table = sources();
    let local: Vec<PathBuf> = dumps().into_iter().filter(|p| p.parent().is_some_and(|d| d.ends_with("local"))).collect();
    for path in &local {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let row = table.get(&file).unwrap_or_else(|| panic!("{file} is not in SOURCES.md"));
        let s = parse(&read(path)).unwrap();
        let cell = |k: &str| row.get(k).unwrap_or_else(|| panic!("column {k}")).as_str();

        let state = s.state.as_ref().unwrap();
        assert_eq!(format!("{} ({})", state.letter, state.label), cell("State"), "{file}");
        assert!(state.known);
        let uid = s.uid.unwrap();
        assert_eq!(format!("{} {} {} {}", uid.real, uid.effective, uid.saved, uid.fs), cell("Uid"), "{file}");
        let groups = s.groups.clone().unwrap().iter().map(u32::to_string).collect::<Vec<_>>().join(" ");
        assert_eq!(if groups.is_empty() { "-".to_owned() } else { groups }, cell("Groups"), "{file}");
        let nspid = s.ns_pid.clone().unwrap().iter().map(u32::to_string).collect::<Vec<_>>().join(" ");
        assert_eq!(nspid, cell("NSpid"), "{file}");
        for (key, value) in caps(&s) {
            assert_eq!(value.unwrap().to_proc_hex(), cell(key), "{file} {key}");
            assert_eq!(value.unwrap().to_string(), cell(key), "{file} {key} (Display)");
        }
        assert_eq!(s.no_new_privs.map(u8::from).unwrap().to_string(), cell("NoNewPrivs"), "{file}");
        let seccomp = match s.seccomp.clone().unwrap() {
            SeccompMode::Disabled => "0".to_owned(),
            SeccompMode::Strict => "1".to_owned(),
            SeccompMode::Filter => "2".to_owned(),
            SeccompMode::Unknown(v) => v,
        };
        assert_eq!(seccomp, cell("Seccomp"), "{file}");
        assert_eq!(s.tracer_pid.unwrap().to_string(), cell("TracerPid"), "{file}");
        assert_eq!(s.threads.unwrap().to_string(), cell("Threads"), "{file}");
        for (key, value) in [("SigBlk", s.sig_blk), ("SigIgn", s.sig_ign), ("SigPnd", s.sig_pnd)] {
            assert_eq!(value.unwrap().hex(), cell(key), "{file} {key}");
        }

        // The report says the same things.
        let r = analyze(&s);
        assert_eq!(r.identity.traced, Some(cell("TracerPid") != "0"), "{file}");
        let traced = r.identity.traced_explanation.as_deref().unwrap_or_default();
        if cell("TracerPid") == "0" {
            assert!(traced.starts_with("Not traced"), "{file}: {traced}");
        } else {
            assert!(traced.starts_with(&format!("Traced by PID {}:", cell("TracerPid"))), "{file}: {traced}");
        }
        assert_eq!(r.namespaces.nested_depth, Some(cell("NSpid").split(' ').count() - 1));
        // The sentences: the namespace chain from its first to its last NSpid, and who the
        // process runs as, from the Uid fields (real, effective, saved, fs: proc(5)).
        let ns: Vec<&str> = cell("NSpid").split(' ').collect();
        if let [outer, .., inner] = ns[..] {
            let depth = ns.len() - 1;
            let want = format!("PID {outer} as seen by the reader; PID {inner} inside a nested PID namespace ({depth} {}).", if depth == 1 { "level below" } else { "levels below" });
            assert_eq!(r.namespaces.explanation, want, "{file}");
        }
        let uid: Vec<&str> = cell("Uid").split(' ').collect();
        let summary = &r.users.summary;
        if uid[1] == "0" {
            assert!(summary.starts_with("Runs as root (effective user ID 0)."), "{file}: {summary}");
        } else if uid.contains(&"0") {
            assert!(summary.starts_with(&format!("Runs as user {} but holds root", uid[1])), "{file}: {summary}");
        } else {
            assert_eq!(summary, &format!("Runs as the unprivileged user {}.", uid[1]), "{file}");
        }
        assert_eq!(r.security.no_new_privs, Some(cell("NoNewPrivs") == "1"));
        assert_eq!(r.cpus.as_ref().and_then(|c| c.consistent), Some(true), "{file}");
        assert_eq!(r.mems.as_ref().and_then(|c| c.consistent), Some(true), "{file}");
    }
    assert_eq!(local.len(), table.len(), "SOURCES.md and local/ list different files");
}

#[test]
fn every_cap_set_decodes_exactly_as_capsh() {
    let (names, whole) = capsh_oracle();
    let mut live_checked = 0;
    for path in dumps() {
        let s = parse(&read(&path)).unwrap();
        let r = analyze(&s);
        for ((key, value), set) in caps(&s).into_iter().zip(&r.capabilities.sets) {
            let value = value.unwrap();
            assert_eq!(set.key, key);
            assert_eq!(set.mask.capsh, capsh_expected(value.0, &names), "{} {key}", path.display());
            if let Some(exact) = whole.get(&value.0) {
                assert_eq!(&set.mask.capsh, exact, "{} {key}", path.display());
            }
            assert_eq!(set.mask.capsh, live_capsh(value.0), "{} {key} (live capsh)", path.display());
            live_checked += 1;
        }
    }
    eprintln!("checked {live_checked} masks against live capsh");
}

#[test]
fn signal_names_match_kill_l() {
    let mut rows = 0;
    for line in read(format!("{ORACLE}/signals.tsv")).lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let n: u8 = cols[0].parse().unwrap();
        let sig = signals::signal(n).unwrap();
        if cols[1] == "(not listed)" {
            assert!(!sig.in_kill_l, "{n}");
            assert_eq!(cols[2], "(empty)");
        } else {
            assert_eq!(sig.name, cols[1], "{n}");
            assert_eq!(format!("SIG{}", cols[2]), cols[1]);
            assert!(sig.in_kill_l);
        }
        rows += 1;
    }
    assert_eq!(rows, 64);
    // The raw `kill -l` table: "N) NAME" cells.
    let table = read(format!("{ORACLE}/kill-l_bash_builtin.txt"));
    let mut seen = 0;
    for cell in table.split(['\t', '\n']).map(str::trim).filter(|c| !c.is_empty()) {
        let (n, name) = cell.split_once(") ").unwrap();
        assert_eq!(signals::name(n.trim().parse().unwrap()).as_deref(), Some(name), "{cell}");
        seen += 1;
    }
    assert_eq!(seen, 62);
}

#[test]
fn signal_masks_of_every_dump_decode_consistently() {
    let names: BTreeMap<u8, String> = read(format!("{ORACLE}/signals.tsv"))
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c[0].parse().unwrap(), c[1].to_owned())
        })
        .collect();
    for path in dumps() {
        let r = analyze(&parse(&read(&path)).unwrap());
        assert_eq!(r.signals.masks.len(), 5, "{}", path.display());
        for m in &r.signals.masks {
            assert_eq!(m.signals.len() as u32, m.value.count_ones());
            for sig in &m.signals {
                assert!(m.value & (1 << (sig.number - 1)) != 0);
                if sig.in_kill_l {
                    assert_eq!(&sig.name, &names[&sig.number]);
                }
            }
        }
    }
    // threads_signals: SIGHUP ignored, SIGTERM caught, SIGUSR1 and SIGUSR2 blocked and pending.
    let r = analyze(&parse(&read(format!("{PROC}/local/threads_signals.status"))).unwrap());
    let mask = |k: &str| -> Vec<String> {
        r.signals.masks.iter().find(|m| m.key == k).unwrap().signals.iter().map(|s| s.name.clone()).collect()
    };
    assert!(mask("SigIgn").contains(&"SIGHUP".to_owned()));
    assert!(mask("SigCgt").contains(&"SIGTERM".to_owned()));
    assert_eq!(mask("SigBlk"), ["SIGUSR1", "SIGUSR2"]);
    let pending: Vec<String> = [mask("SigPnd"), mask("ShdPnd")].concat();
    assert!(pending.contains(&"SIGUSR1".to_owned()) && pending.contains(&"SIGUSR2".to_owned()), "{pending:?}");
    // kthreadd ignores every signal.
    let k = analyze(&parse(&read(format!("{PROC}/local/host_kthreadd.status"))).unwrap());
    assert_eq!(k.signals.masks.iter().find(|m| m.key == "SigIgn").unwrap().signals.len(), 64);
}

#[test]
fn special_processes_are_explained() {
    let load = |f: &str| analyze(&parse(&read(format!("{PROC}/local/{f}"))).unwrap());

    let k = load("host_kthreadd.status");
    assert_eq!(k.identity.kthread, Some(true));
    assert!(k.memory.no_address_space && k.memory.figures.is_empty());

    let nested = load("unshare_pidns_hostproc.status");
    assert_eq!(nested.namespaces.nested_depth, Some(1));
    assert_eq!(nested.namespaces.innermost_pid, Some(1));
    assert!(nested.namespaces.explanation.contains("PID 1 inside a nested PID namespace"), "{}", nested.namespaces.explanation);

    let traced = load("strace_traced.status");
    assert_eq!(traced.identity.tracer_pid, Some(26207));
    assert!(traced.verdict.points.iter().any(|p| p.text.contains("traced by PID 26207")));

    let stopped = load("stopped.status");
    assert_eq!(stopped.identity.state.as_ref().map(|s| s.letter.as_str()), Some("T"));

    let umask = load("host_umask077.status");
    assert_eq!(umask.identity.umask.as_ref().map(|u| u.octal.as_str()), Some("0077"));

    let docker = load("podman_docker_default_caps.status");
    assert_eq!(docker.verdict.headline, "runs as root with 14 effective capabilities (Docker default), seccomp filtering on (1 filter), no_new_privs off");
    let sysadmin = load("podman_capadd_sysadmin_nnp.status");
    assert!(sysadmin.capabilities.dangerous_effective.contains(&"cap_sys_admin".to_owned()));
    assert!(sysadmin.capabilities.dangerous_effective.contains(&"cap_net_admin".to_owned()));
    assert!(sysadmin.verdict.headline.ends_with("no_new_privs on"));
    let strict = load("seccomp_strict.status");
    assert!(strict.verdict.headline.contains("seccomp strict mode"));
    let user = load("setpriv_uid1000_groups_ambient.status");
    assert_eq!(user.users.groups.as_deref(), Some(&[4, 24, 27, 1001][..]));
    assert!(user.verdict.headline.starts_with("runs as uid 1000 with 1 effective capability"));
    let host = load("host_self.status");
    assert!(host.capabilities.effective_vs_docker_default.as_deref() == Some("all but cap_sys_resource"));
    assert_eq!(host.memory.figures.iter().find(|m| m.key == "VmRSS").map(|m| (m.bytes, m.human.as_str())), Some((1816 * 1024, "1.8 MiB")));
    assert_eq!(host.identity.untag_mask.as_deref(), Some("0xffffffffffffffff"));
}

#[test]
fn seed_with_spaces_and_apparmor_label() {
    let s = parse(&read(format!("{PROC}/seed/redis-server.status"))).unwrap();
    assert_eq!(s.name.as_deref(), Some("redis-server"));
    assert_eq!(s.umask, None);
    assert_eq!(s.uid.map(|u| u.effective), Some(999));
    assert_eq!(s.groups.as_deref(), Some(&[1000, 1000][..]));
    assert_eq!(s.ns_pid.as_deref(), Some(&[1099, 1][..]));
    assert_eq!(s.memory.vm_pmd, Some(12 * 1024));
    assert_eq!(s.seccomp, Some(SeccompMode::Filter));
    assert_eq!(s.cap_bnd, Some(tarsier::core::caps::DOCKER_DEFAULT));
    assert_eq!(s.mems_allowed.as_ref().map(|m| m.to_list()), Some("0".to_owned()));

    let text = read(format!("{PROC}/seed/apparmor-attr-current.txt"));
    assert!(matches!(classify(&text, Accept::Any), Ok(Classified::AppArmor(_))));
    let label = tarsier::core::apparmor::parse(&text).unwrap();
    assert_eq!(label.profiles[0].name, "docker-default");
    assert_eq!(label.profiles[0].mode, tarsier::core::apparmor::AppArmorMode::Enforce);
    assert!(label.confined);
}

#[test]
fn host_versus_container_comparison() {
    let host = analyze(&parse(&read(format!("{PROC}/local/host_self.status"))).unwrap());
    let ctr = analyze(&parse(&read(format!("{PROC}/local/podman_default.status"))).unwrap());
    let diff = compare(&host, &ctr);
    let row = |k: &str| diff.iter().find(|d| d.key == k).unwrap();
    assert!(!row("Name").differs);
    assert!(row("CapEff").differs);
    assert!(row("CapEff").removed.contains(&"cap_sys_admin".to_owned()));
    assert!(row("CapEff").added.is_empty());
    assert!(row("Seccomp").differs);
    assert_eq!(row("NSpid").right.as_deref(), Some("1"));
    assert_eq!(diff.len(), host.raw.len());

    // Two dumps pasted together.
    let both = format!("$ cat /proc/self/status\n{}\n$ podman run … cat /proc/self/status\n{}", read(format!("{PROC}/local/host_self.status")), read(format!("{PROC}/local/podman_default.status")));
    let dumps = parse_all(&both).unwrap();
    assert_eq!(dumps.len(), 2);
    assert_eq!(dumps[1].seccomp, Some(SeccompMode::Filter));
    assert!(matches!(parse(&both), Err(status::StatusError::SeveralDumps { count: 2, .. })));
}

#[test]
fn fragments_round_trip_every_dump() {
    for path in dumps() {
        let text = read(&path);
        let frag = status::to_fragment(&text).unwrap();
        assert!(frag.len() < 2000, "{}: {}", path.display(), frag.len());
        assert!(frag.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)));
        assert_eq!(status::from_fragment(&frag).unwrap(), text);
        assert_eq!(status::from_fragment(&format!("#{frag}")).unwrap(), text);
    }
}

/// Every field of every dump holds what its line says, read here from the text itself: numbers,
/// ID lists, kB sizes, 0/1 flags, hexadecimal masks (signal masks print back as the kernel
/// printed them), `State`, `SigQ`; the CPU and memory-node
/// masks as the kernel's own `_list` line of the same dump. A key the test does not know fails,
/// so a field the parser learns is checked too.
#[test]
fn every_field_holds_the_value_of_its_line() {
    fn hex(v: &str) -> u64 {
        u64::from_str_radix(v.trim().trim_start_matches("0x"), 16).unwrap()
    }
    let words = |v: &str| v.split_whitespace().collect::<Vec<_>>().join(" ");
    let ids = |v: &Option<Vec<u32>>| v.as_ref().map(|l| l.iter().map(u32::to_string).collect::<Vec<_>>().join(" "));
    let kb = |v: Option<u64>| v.map(|b| format!("{} kB", b / 1024));
    let flag = |v: Option<bool>| v.map(|b| if b { "1" } else { "0" }.to_owned());
    let mut seen = std::collections::BTreeSet::new();
    for path in dumps() {
        let text = read(&path);
        let s = parse(&text).unwrap();
        let m = &s.memory;
        for f in &s.raw {
            let (key, v) = (f.key.as_str(), f.value.as_str());
            seen.insert(key.to_owned());
            let (got, want): (Option<String>, String) = match key {
                "Name" => (s.name.clone(), v.to_owned()),
                "Umask" => (s.umask.map(|u| format!("{u:04o}")), v.to_owned()),
                "State" => (s.state.as_ref().map(|t| format!("{} ({})", t.letter, t.label)), v.to_owned()),
                "Tgid" => (s.tgid.map(|n| n.to_string()), v.to_owned()),
                "Ngid" => (s.ngid.map(|n| n.to_string()), v.to_owned()),
                "Pid" => (s.pid.map(|n| n.to_string()), v.to_owned()),
                "PPid" => (s.ppid.map(|n| n.to_string()), v.to_owned()),
                "TracerPid" => (s.tracer_pid.map(|n| n.to_string()), v.to_owned()),
                "Uid" => (s.uid.map(|q| format!("{} {} {} {}", q.real, q.effective, q.saved, q.fs)), words(v)),
                "Gid" => (s.gid.map(|q| format!("{} {} {} {}", q.real, q.effective, q.saved, q.fs)), words(v)),
                "FDSize" => (s.fd_size.map(|n| n.to_string()), v.to_owned()),
                "Groups" => (ids(&s.groups), words(v)),
                "NStgid" => (ids(&s.ns_tgid), words(v)),
                "NSpid" => (ids(&s.ns_pid), words(v)),
                "NSpgid" => (ids(&s.ns_pgid), words(v)),
                "NSsid" => (ids(&s.ns_sid), words(v)),
                "Kthread" => (flag(s.kthread), v.to_owned()),
                "VmPeak" => (kb(m.vm_peak), words(v)),
                "VmSize" => (kb(m.vm_size), words(v)),
                "VmLck" => (kb(m.vm_lck), words(v)),
                "VmPin" => (kb(m.vm_pin), words(v)),
                "VmHWM" => (kb(m.vm_hwm), words(v)),
                "VmRSS" => (kb(m.vm_rss), words(v)),
                "RssAnon" => (kb(m.rss_anon), words(v)),
                "RssFile" => (kb(m.rss_file), words(v)),
                "RssShmem" => (kb(m.rss_shmem), words(v)),
                "VmData" => (kb(m.vm_data), words(v)),
                "VmStk" => (kb(m.vm_stk), words(v)),
                "VmExe" => (kb(m.vm_exe), words(v)),
                "VmLib" => (kb(m.vm_lib), words(v)),
                "VmPTE" => (kb(m.vm_pte), words(v)),
                "VmPMD" => (kb(m.vm_pmd), words(v)),
                "VmSwap" => (kb(m.vm_swap), words(v)),
                "HugetlbPages" => (kb(m.hugetlb_pages), words(v)),
                "CoreDumping" => (flag(s.core_dumping), v.to_owned()),
                "THP_enabled" => (flag(s.thp_enabled), v.to_owned()),
                "untag_mask" => (s.untag_mask.map(|n| n.to_string()), hex(v).to_string()),
                "Threads" => (s.threads.map(|n| n.to_string()), v.to_owned()),
                "SigQ" => (s.sig_q.as_ref().map(|q| format!("{}/{}", q.queued, q.limit)), v.to_owned()),
                "SigPnd" => (s.sig_pnd.map(|m| m.hex()), v.to_lowercase()),
                "ShdPnd" => (s.shd_pnd.map(|m| m.hex()), v.to_lowercase()),
                "SigBlk" => (s.sig_blk.map(|m| m.hex()), v.to_lowercase()),
                "SigIgn" => (s.sig_ign.map(|m| m.hex()), v.to_lowercase()),
                "SigCgt" => (s.sig_cgt.map(|m| m.hex()), v.to_lowercase()),
                "CapInh" | "CapPrm" | "CapEff" | "CapBnd" | "CapAmb" => {
                    let set = caps(&s).iter().find(|(k, _)| *k == key).and_then(|(_, c)| *c);
                    (set.map(|c| c.0.to_string()), hex(v).to_string())
                }
                "NoNewPrivs" => (s.no_new_privs.map(|b| u8::from(b).to_string()), v.to_owned()),
                "Seccomp" => (
                    s.seccomp.as_ref().map(|m| match m {
                        SeccompMode::Disabled => "0".to_owned(),
                        SeccompMode::Strict => "1".to_owned(),
                        SeccompMode::Filter => "2".to_owned(),
                        SeccompMode::Unknown(v) => v.clone(),
                    }),
                    v.to_owned(),
                ),
                "Seccomp_filters" => (s.seccomp_filters.map(|n| n.to_string()), v.to_owned()),
                "Speculation_Store_Bypass" => (s.speculation_store_bypass.clone(), v.to_owned()),
                "SpeculationIndirectBranch" => (s.speculation_indirect_branch.clone(), v.to_owned()),
                "Cpus_allowed" => (s.cpus_allowed.as_ref().map(|c| c.to_list()), s.raw_value("Cpus_allowed_list").unwrap().to_owned()),
                "Cpus_allowed_list" => (s.cpus_allowed_list.as_ref().map(|c| c.to_list()), v.to_owned()),
                "Mems_allowed" => (s.mems_allowed.as_ref().map(|c| c.to_list()), s.raw_value("Mems_allowed_list").unwrap().to_owned()),
                "Mems_allowed_list" => (s.mems_allowed_list.as_ref().map(|c| c.to_list()), v.to_owned()),
                "voluntary_ctxt_switches" => (s.voluntary_ctxt_switches.map(|n| n.to_string()), v.to_owned()),
                "nonvoluntary_ctxt_switches" => (s.nonvoluntary_ctxt_switches.map(|n| n.to_string()), v.to_owned()),
                other => panic!("{}: the test does not know the key {other:?}: add it here", path.display()),
            };
            assert_eq!(got.as_deref(), Some(want.as_str()), "{} {key}", path.display());
        }
    }
    // The dumps hold the fields of kernels from 2.6 to 6.x; these are the ones checked above.
    for key in ["NStgid", "NSpgid", "NSsid", "THP_enabled", "untag_mask", "Kthread", "VmPMD", "voluntary_ctxt_switches", "SpeculationIndirectBranch"] {
        assert!(seen.contains(key), "no dump has {key}");
    }
}

/// The verdict warns that no_new_privs is off exactly for a process that is not root (effective
/// user ID, the second field of `Uid:`) whose bounding set still holds a dangerous capability.
#[test]
fn no_new_privs_warning_only_for_unprivileged_users() {
    let mut warned = 0;
    for path in dumps() {
        let s = parse(&read(&path)).unwrap();
        let Some(nnp) = s.raw_value("NoNewPrivs") else { continue };
        let euid = s.raw_value("Uid").and_then(|u| u.split_whitespace().nth(1)).map(str::to_owned);
        let bnd = s.raw_value("CapBnd").map(|v| u64::from_str_radix(v, 16).unwrap());
        let risky: Vec<&str> = bnd
            .map(|b| tarsier::core::caps::CAPABILITIES.iter().filter(|c| c.dangerous && b & (1 << c.bit) != 0).map(|c| c.name).collect())
            .unwrap_or_default();
        let want = nnp == "0" && euid.as_deref().is_some_and(|u| u != "0") && !risky.is_empty();
        let r = analyze(&s);
        let point = r.verdict.points.iter().find(|p| p.text.starts_with("no_new_privs is off"));
        assert_eq!(point.is_some(), want, "{}: {:?}", path.display(), point);
        if let Some(p) = point {
            assert!(p.text.contains(&risky.join(", ")), "{}: {}", path.display(), p.text);
            warned += 1;
        }
    }
    assert!(warned > 0, "no dump shows the warning");
}

/// The kernel's own status of each thread of this test process (`/proc/self/task/TID/status`):
/// a thread other than the first has `Pid:` (its thread ID) unlike `Tgid:`, and the report calls
/// it a secondary thread; the first thread is not one.
#[test]
fn live_threads_of_this_process_are_told_apart() {
    let keep = std::thread::spawn(|| std::thread::park_timeout(std::time::Duration::from_secs(30)));
    let me = std::process::id();
    let mut seen = (0, 0);
    for entry in std::fs::read_dir("/proc/self/task").unwrap() {
        let path = entry.unwrap().path();
        let Ok(text) = std::fs::read_to_string(path.join("status")) else { continue };
        let tid: u32 = path.file_name().unwrap().to_string_lossy().parse().unwrap();
        let r = analyze(&parse(&text).unwrap());
        assert_eq!(r.identity.is_secondary_thread, Some(tid != me), "thread {tid} of {me}");
        if tid == me { seen.0 += 1 } else { seen.1 += 1 }
    }
    keep.thread().unpark();
    keep.join().unwrap();
    assert_eq!(seen.0, 1);
    assert!(seen.1 >= 1, "no second thread was listed");
}

/// `tarsier status` of two dumps pasted one after the other: the differences section lists
/// every field whose value differs as the files have it, and under each capability set the names
/// gained and lost, as `capsh --decode` names the two masks.
#[test]
fn the_cli_difference_of_two_dumps_follows_the_files_and_capsh() {
    let fields = |text: &str| -> Vec<(String, String)> {
        text.lines().filter_map(|l| l.split_once(':')).map(|(k, v)| (k.to_owned(), v.trim().to_owned())).collect()
    };
    let names = |mask: &str| -> Vec<String> {
        let text = live_capsh(u64::from_str_radix(mask, 16).unwrap());
        let list = text.split_once('=').map_or("", |(_, n)| n).to_owned();
        list.split(',').filter(|n| !n.is_empty()).map(str::to_owned).collect()
    };
    let pairs = [
        ("podman_default.status", "podman_capadd_sysadmin_nnp.status"),
        ("host_self.status", "podman_cap_drop_all.status"),
        ("podman_user1000.status", "podman_user1000_capadd.status"),
    ];
    for (a, b) in pairs {
        let (ta, tb) = (read(format!("{PROC}/local/{a}")), read(format!("{PROC}/local/{b}")));
        let (fa, fb) = (fields(&ta), fields(&tb));
        let mut keys: Vec<String> = fa.iter().map(|(k, _)| k.clone()).collect();
        keys.extend(fb.iter().map(|(k, _)| k.clone()).filter(|k| !fa.iter().any(|(x, _)| x == k)));
        let get = |f: &[(String, String)], k: &str| f.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone());
        let mut want = Vec::new();
        let mut differ = 0;
        for k in &keys {
            let (va, vb) = (get(&fa, k), get(&fb, k));
            if va == vb {
                continue;
            }
            differ += 1;
            want.push(format!("  {k}: {}  =>  {}", va.clone().unwrap_or("(absent)".into()), vb.clone().unwrap_or("(absent)".into())));
            // capability sets by capsh's names, supplementary groups by their IDs
            let items = |v: &str| if k.starts_with("Cap") { names(v) } else { v.split_whitespace().map(str::to_owned).collect() };
            if let (true, Some(va), Some(vb)) = (k.starts_with("Cap") || k == "Groups", va, vb) {
                let (na, nb) = (items(&va), items(&vb));
                let added: Vec<&str> = nb.iter().filter(|n| !na.contains(n)).map(String::as_str).collect();
                let removed: Vec<&str> = na.iter().filter(|n| !nb.contains(n)).map(String::as_str).collect();
                if !added.is_empty() {
                    want.push(format!("    + {}", added.join(", ")));
                }
                if !removed.is_empty() {
                    want.push(format!("    - {}", removed.join(", ")));
                }
            }
        }
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_tarsier"))
            .args(["status", "-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut c| {
                use std::io::Write;
                c.stdin.take().unwrap().write_all(format!("{ta}{tb}").as_bytes())?;
                c.wait_with_output()
            })
            .unwrap();
        assert!(out.status.success(), "{a} + {b}");
        let text = String::from_utf8(out.stdout).unwrap();
        let head = format!("\n===== Differences between dump 1 and dump 2 ({differ} of {} fields) =====\n", keys.len());
        let (_, tail) = text.split_once(&head).unwrap_or_else(|| panic!("{a} + {b}: no `{head}` in\n{text}"));
        assert_eq!(tail.lines().collect::<Vec<_>>(), want, "{a} + {b}");
    }
}

/// Sizes as `numfmt --to=iec-i --round=nearest --format=%.1f` prints them (coreutils), around
/// every unit boundary: one decimal, and the next unit as soon as that decimal would say 1024.0.
#[test]
fn sizes_as_numfmt_prints_them() {
    let mut values: Vec<u64> = vec![1024, 1536, 1816 * 1024, 123_456_789, 5 * (1 << 30) + 123, u64::MAX / 3];
    for k in 1..6u32 {
        let unit = 1u64 << (10 * k);
        // 1023.9 and 1023.95 of the unit below, the unit, and just under it
        values.extend([unit * 1023 / 1024 + unit * 9 / 10240, unit / 1024 * 102_395 / 100 + 1, unit, unit - 1, unit + unit / 2]);
    }
    let out = std::process::Command::new("numfmt")
        .args(["--to=iec-i", "--suffix=B", "--round=nearest", "--format=%.1f"])
        .args(values.iter().map(u64::to_string))
        .output()
        .expect("numfmt (coreutils)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for (v, want) in values.iter().zip(String::from_utf8(out.stdout).unwrap().lines()) {
        let mine = status::human_bytes(*v).replace(' ', "");
        let want = if *v < 1024 { format!("{v}B") } else { want.to_owned() };
        assert_eq!(mine, want, "{v} bytes");
    }
}

/// Every dump: the memory figures are the dump's `kB` lines (the kernel's kB is KiB: proc(5)),
/// no Vm* line means no address space, and the capability summary counts CapEff's names as
/// capsh --decode lists them, and mentions ambient capabilities exactly when CapAmb is not 0.
#[test]
fn memory_and_capability_summaries_follow_the_dump_and_capsh() {
    for path in dumps() {
        let text = read(&path);
        let r = analyze(&parse(&text).unwrap());
        let c = path.display().to_string();
        let kb: Vec<(String, u64)> = text
            .lines()
            .filter_map(|l| l.split_once(':'))
            .filter(|(_, v)| v.trim_end().ends_with("kB"))
            .map(|(k, v)| (k.to_owned(), v.split_whitespace().next().unwrap().parse::<u64>().unwrap() * 1024))
            .collect();
        let mine: Vec<(String, u64)> = r.memory.figures.iter().map(|f| (f.key.clone(), f.bytes)).collect();
        assert_eq!(mine, kb, "{c}");
        assert_eq!(r.memory.no_address_space, !text.lines().any(|l| l.starts_with("Vm")), "{c}");
        let field = |k: &str| text.lines().find_map(|l| l.strip_prefix(&format!("{k}:")).map(|v| v.trim().to_owned()));
        let (Some(eff), Some(prm)) = (field("CapEff"), field("CapPrm")) else { continue };
        let n = live_capsh(u64::from_str_radix(&eff, 16).unwrap()).split_once('=').map_or(0, |(_, names)| names.split(',').filter(|x| !x.is_empty()).count());
        let summary = &r.capabilities.summary;
        let none = n == 0 && u64::from_str_radix(&prm, 16).unwrap() == 0;
        if none {
            // proc(5)'s Uid: real, effective, saved, fs
            let euid = field("Uid").unwrap().split_whitespace().nth(1).unwrap().to_owned();
            let want = if euid == "0" { "No capabilities, although the user ID may be 0" } else { "No capabilities: an ordinary unprivileged process." };
            assert!(summary.starts_with(want), "{c}: {summary}");
        } else {
            let word = if n == 1 { "capability" } else { "capabilities" };
            assert!(summary.starts_with(&format!("{n} {word} effective (")), "{c}: {summary}");
        }
        let ambient = field("CapAmb").is_some_and(|a| u64::from_str_radix(&a, 16).unwrap() != 0);
        assert_eq!(summary.contains("Ambient capabilities pass"), ambient && !none, "{c}: {summary}");
        let dangerous = &r.capabilities.dangerous_effective;
        assert_eq!(summary.contains(" Dangerous: "), !dangerous.is_empty(), "{c}: {summary}");
        if !dangerous.is_empty() {
            assert!(summary.contains(&format!(" Dangerous: {}.", dangerous.join(", "))), "{c}: {summary}");
        }
    }
}

/// The verdict of every dump, from the dump's own lines and `capsh --decode`: the headline's
/// user (proc(5)'s effective uid), effective capability count, seccomp mode and filter count
/// (linux/seccomp.h's 0, 1, 2) and no_new_privs; and the points that follow from single fields
/// (a tracer, every capability of CAP_LAST_CAP, a non-root user holding capabilities, root
/// holding none, ambient capabilities, seccomp off, no_new_privs set, a stopped or zombie state,
/// a nested PID namespace or PID 1, a kernel thread), most severe first.
#[test]
fn every_verdict_follows_the_dump_and_capsh() {
    let last_cap: usize = read(format!("{PROC}/local/CAP_LAST_CAP.txt")).trim().parse().unwrap();
    let names = |mask: &str| -> Vec<String> {
        let text = live_capsh(u64::from_str_radix(mask, 16).unwrap());
        text.split_once('=').map_or("", |(_, n)| n).split(',').filter(|n| !n.is_empty()).map(str::to_owned).collect()
    };
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    for path in dumps() {
        let text = read(&path);
        let c = path.display().to_string();
        let r = analyze(&parse(&text).unwrap());
        let field = |k: &str| text.lines().find_map(|l| l.strip_prefix(&format!("{k}:")).map(|v| v.trim().to_owned()));
        let euid = field("Uid").map(|u| u.split_whitespace().nth(1).unwrap().to_owned());
        let eff = field("CapEff").map(|m| names(&m));
        let mut head = match euid.as_deref() {
            Some("0") => "runs as root".to_owned(),
            Some(u) => format!("runs as uid {u}"),
            None => "user unknown".to_owned(),
        };
        head += &match &eff {
            Some(e) if e.is_empty() => " with no effective capabilities".to_owned(),
            Some(e) => format!(" with {} (", plural(e.len(), "effective capability", "effective capabilities")),
            None => " capabilities unknown".to_owned(),
        };
        assert!(r.verdict.headline.starts_with(&head), "{c}: {}", r.verdict.headline);
        let seccomp = match (field("Seccomp").as_deref(), field("Seccomp_filters")) {
            (Some("2"), Some(n)) => format!("seccomp filtering on ({})", plural(n.parse().unwrap(), "filter", "filters")),
            (Some("2"), None) => "seccomp filtering on".to_owned(),
            (Some("1"), _) => "seccomp strict mode".to_owned(),
            (Some("0"), _) => "seccomp off".to_owned(),
            (Some(v), _) => format!("seccomp mode {v}"),
            (None, _) => "seccomp unknown".to_owned(),
        };
        let nnp = match field("NoNewPrivs").as_deref() {
            Some("1") => "no_new_privs on",
            Some(_) => "no_new_privs off",
            None => "no_new_privs unknown",
        };
        assert!(r.verdict.headline.ends_with(&format!(", {seccomp}, {nnp}")), "{c}: {}", r.verdict.headline);
        // The security section: the seccomp mode's sentence with its filter count, no_new_privs',
        // and the speculation lines' values as the dump has them.
        let sec = &r.security;
        if let Some(m) = &sec.seccomp {
            let want = match (field("Seccomp").as_deref(), field("Seccomp_filters")) {
                (Some("0"), _) => "Seccomp is off (mode 0)".to_owned(),
                (Some("1"), _) => "Strict seccomp (mode 1)".to_owned(),
                (Some("2"), Some(n)) => format!("Seccomp filtering is on (mode 2) with {} attached", plural(n.parse().unwrap(), "filter", "filters")),
                (Some("2"), None) => "Seccomp filtering is on (mode 2):".to_owned(),
                other => panic!("{c}: {other:?}"),
            };
            assert!(m.explanation.starts_with(&want), "{c}: {}", m.explanation);
            assert_eq!(m.filters.map(|f| f.to_string()), field("Seccomp_filters"), "{c}");
        }
        let nnp_text = sec.no_new_privs_explanation.as_deref().unwrap_or_default();
        assert_eq!(nnp_text.starts_with("no_new_privs is set"), field("NoNewPrivs").as_deref() == Some("1"), "{c}");
        assert_eq!(nnp_text.starts_with("no_new_privs is off"), field("NoNewPrivs").as_deref() == Some("0"), "{c}");
        assert_eq!(sec.speculation_store_bypass.as_ref().map(|v| v.value.clone()), field("Speculation_Store_Bypass"), "{c}");
        assert_eq!(sec.speculation_indirect_branch.as_ref().map(|v| v.value.clone()), field("SpeculationIndirectBranch"), "{c}");

        let points: Vec<&str> = r.verdict.points.iter().map(|p| p.text.as_str()).collect();
        let has = |prefix: &str| points.iter().any(|p| p.starts_with(prefix));
        let tracer = field("TracerPid").filter(|t| t != "0");
        assert_eq!(has("Being traced by PID "), tracer.is_some(), "{c}");
        if let Some(t) = tracer {
            assert!(points.contains(&format!("Being traced by PID {t}.").as_str()), "{c}");
        }
        if let Some(e) = &eff {
            assert_eq!(has("Holds every capability"), e.len() == last_cap + 1, "{c}");
            let non_root = euid.as_deref().is_some_and(|u| u != "0");
            let holding = format!("A non-root user holding {}: {}.", plural(e.len(), "capability", "capabilities"), e.join(", "));
            assert_eq!(points.contains(&holding.as_str()), non_root && !e.is_empty(), "{c}: {points:?}");
            assert_eq!(has("Root without any effective capability"), euid.as_deref() == Some("0") && e.is_empty(), "{c}");
        }
        let ambient = field("CapAmb").map(|m| names(&m)).filter(|a| !a.is_empty());
        assert_eq!(has("Ambient capabilities ("), ambient.is_some(), "{c}");
        if let Some(a) = ambient {
            assert!(points.contains(&format!("Ambient capabilities ({}) pass to every program it executes.", a.join(", ")).as_str()), "{c}");
        }
        assert_eq!(has("Seccomp is off"), field("Seccomp").as_deref() == Some("0"), "{c}");
        assert_eq!(has("no_new_privs is set"), field("NoNewPrivs").as_deref() == Some("1"), "{c}");
        let state = field("State").unwrap_or_default();
        let letter = state.split_whitespace().next().unwrap_or_default().to_owned();
        assert_eq!(has(&format!("State {letter} (")), ["Z", "T", "t", "X", "D"].contains(&letter.as_str()), "{c}: {state}");
        let ns: Vec<String> = field("NSpid").map(|n| n.split_whitespace().map(str::to_owned).collect()).unwrap_or_default();
        assert_eq!(has("In a PID namespace "), ns.len() > 1, "{c}");
        assert_eq!(has("PID 1 of its PID namespace"), ns.len() == 1 && ns[0] == "1", "{c}");
        assert_eq!(points.contains(&"A kernel thread."), field("Kthread").as_deref() == Some("1"), "{c}");
        let levels: Vec<_> = r.verdict.points.iter().map(|p| p.level).collect();
        let mut sorted = levels.clone();
        sorted.sort();
        assert_eq!(levels, sorted, "{c}: most severe first");
    }
}

/// CPU and memory-node affinity from the mask line alone, the list line alone, or both (proc(5):
/// `Cpus_allowed` is the mask, `Cpus_allowed_list` the same set as a list): each says what it
/// allows, counted from the dump's own list (ranges `a-b` and single numbers).
#[test]
fn affinity_from_either_line_or_both() {
    let text = read(format!("{PROC}/local/host_self.status"));
    let keep = |drop: &str| text.lines().filter(|l| !l.starts_with(&format!("{drop}:"))).map(|l| format!("{l}\n")).collect::<String>();
    for (what, mask, list) in [("CPU", "Cpus_allowed", "Cpus_allowed_list"), ("memory node", "Mems_allowed", "Mems_allowed_list")] {
        let list_text = text.lines().find_map(|l| l.strip_prefix(&format!("{list}:"))).unwrap().trim().to_owned();
        let n: u64 = list_text.split(',').map(|r| r.split_once('-').map_or(1, |(a, b)| b.parse::<u64>().unwrap() - a.parse::<u64>().unwrap() + 1)).sum();
        let count = format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        let pick = |r: &status::StatusReport| if what == "CPU" { r.cpus.clone() } else { r.mems.clone() };
        let both = pick(&analyze(&parse(&text).unwrap())).unwrap();
        assert_eq!(both.message, format!("The mask and the list agree: {count} ({list_text})."));
        let mask_only = pick(&analyze(&parse(&keep(list)).unwrap())).unwrap();
        assert_eq!(mask_only.message, format!("The mask allows {count} ({list_text})."));
        let list_only = pick(&analyze(&parse(&keep(mask)).unwrap())).unwrap();
        assert_eq!(list_only.message, format!("The list allows {count} ({list_text})."));
    }
    let neither = analyze(&parse(&keep("Cpus_allowed").lines().filter(|l| !l.starts_with("Cpus_allowed_list:")).map(|l| format!("{l}\n")).collect::<String>()).unwrap());
    assert!(neither.cpus.is_none());
}
