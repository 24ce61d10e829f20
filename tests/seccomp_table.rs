//! The generated system call table against its source and against libseccomp's own resolver.
//!
//! - `scripts/gen_syscalls.py --check`: the checked-in Rust file is what the generator writes.
//! - A second reading of the csv, in Rust: every number of every column is in the table.
//! - `scmp_sys_resolver -a ARCH NAME` (Debian package `seccomp`): every number it knows equals
//!   ours, for every architecture it supports. Its libseccomp (2.5.4 on Debian 12) is older than
//!   the csv: calls it does not know (it prints -1 or a negative pseudo-number) are counted, not
//!   compared, and the architectures it lacks (loongarch64, m68k, sh, sheb) are named.
//! - The errno table against Python's `errno` module and `os.strerror` (glibc's messages).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;
use tarsier::core::seccomp::{errno, syscalls, Arch, ALL_ARCHES};

const CSV: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/seccomp/libseccomp_syscalls.csv");

fn tool(name: &str, package: &str) -> std::path::PathBuf {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join(name))
        .find(|p| p.is_file());
    found.unwrap_or_else(|| panic!("{name} is missing: install the Debian package `{package}` (apt-get install {package})"))
}

#[test]
fn generated_file_is_current() {
    let python = tool("python3", "python3");
    let out = Command::new(python)
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/gen_syscalls.py"))
        .arg("--check")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("is current (508 system calls)"));
}

#[test]
fn table_equals_the_csv() {
    let text = std::fs::read_to_string(CSV).expect("the libseccomp csv fixture");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let columns: Vec<&str> = header[1..].iter().step_by(2).copied().collect();
    assert_eq!(columns, syscalls::columns());
    let rows = syscalls::rows();
    let mut n = 0;
    for (line, row) in lines.zip(rows) {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f[0], row.name);
        for (i, col) in columns.iter().enumerate() {
            let nr = f[1 + 2 * i];
            let expected = if nr == "PNR" { None } else { Some(nr.parse::<u32>().unwrap()) };
            assert_eq!(row.numbers[i], expected, "{} on {col}", row.name);
            assert_eq!(f[2 + 2 * i], "SCMP_KV_UNDEF", "this csv records no kernel versions; the table must say so");
            assert_eq!(row.added[i], None);
        }
        n += 1;
    }
    assert_eq!(n, 508);
    assert_eq!(rows.len(), 508);
}

/// What `scmp_sys_resolver -a ARCH NAME` prints for every (arch, name), `None` for an
/// architecture it does not know. The ~9,000 answers are cached under the target directory by
/// the resolver's and its library's bytes, so a second run (a mutation run repeats this test
/// thousands of times) does not spawn it again.
fn resolver_answers(resolver: &std::path::Path) -> std::collections::HashMap<(String, String), Option<i64>> {
    use sha2::{Digest, Sha256};
    let mut key = Sha256::new();
    key.update(std::fs::read(resolver).unwrap());
    for lib in ["/usr/lib/x86_64-linux-gnu/libseccomp.so.2", "/lib/x86_64-linux-gnu/libseccomp.so.2", "/usr/lib/libseccomp.so.2"] {
        if let Ok(bytes) = std::fs::read(lib) {
            key.update(bytes);
            break;
        }
    }
    let names: Vec<&str> = syscalls::rows().iter().map(|r| r.name).collect();
    key.update(names.join(",").as_bytes());
    let key: String = key.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect();
    let cache = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("scmp_sys_resolver-{key}.tsv"));
    let mut answers = std::collections::HashMap::new();
    if let Ok(text) = std::fs::read_to_string(&cache) {
        for line in text.lines() {
            let mut f = line.split('\t');
            let (arch, name, n) = (f.next().unwrap(), f.next().unwrap(), f.next().unwrap());
            answers.insert((arch.to_owned(), name.to_owned()), n.parse().ok());
        }
        return answers;
    }
    let mut out = String::new();
    for arch in ALL_ARCHES {
        // One call first: does this resolver know the architecture at all?
        let probe = Command::new(resolver).args(["-a", arch.as_str(), "read"]).output().unwrap();
        for name in &names {
            let n = if probe.status.success() {
                let run = Command::new(resolver).args(["-a", arch.as_str(), name]).output().unwrap();
                Some(String::from_utf8_lossy(&run.stdout).trim().parse::<i64>().unwrap_or(-1))
            } else {
                None
            };
            out.push_str(&format!("{}\t{name}\t{}\n", arch.as_str(), n.map_or("none".to_owned(), |n| n.to_string())));
            answers.insert((arch.as_str().to_owned(), (*name).to_owned()), n);
        }
    }
    let tmp = cache.with_extension("tmp");
    std::fs::write(&tmp, out).unwrap();
    std::fs::rename(&tmp, &cache).unwrap();
    answers
}

#[test]
fn numbers_match_scmp_sys_resolver() {
    let resolver = tool("scmp_sys_resolver", "seccomp");
    let answers = resolver_answers(&resolver);
    let mut report = Vec::new();
    let mut unsupported = Vec::new();
    let (mut compared_total, mut newer_total) = (0usize, 0usize);
    let mut all_mismatches = Vec::new();
    for arch in ALL_ARCHES {
        if answers.get(&(arch.as_str().to_owned(), "read".to_owned())).is_some_and(Option::is_none) {
            unsupported.push(arch.as_str());
            continue;
        }
        let (mut compared, mut newer, mut mismatches) = (0usize, 0usize, Vec::new());
        for row in syscalls::rows() {
            let theirs = answers[&(arch.as_str().to_owned(), row.name.to_owned())].unwrap_or(-1);
            let ours = syscalls::lookup(arch, row.name).map(|s| i64::from(s.number));
            match (theirs >= 0, ours) {
                (true, Some(n)) if n == theirs => compared += 1,
                (true, _) => mismatches.push(format!("{} on {arch}: scmp_sys_resolver {theirs}, table {ours:?}", row.name)),
                (false, Some(_)) => newer += 1,
                (false, None) => {}
            }
        }
        all_mismatches.extend(mismatches);
        compared_total += compared;
        newer_total += newer;
        report.push(format!("{arch}: {compared} equal, {newer} unknown to the resolver"));
    }
    // The one difference, and why it is the newer table that is right: libseccomp 2.5.4 lists
    // _llseek for 64-bit PA-RISC, but the kernel's arch/parisc/kernel/syscalls/syscall.tbl marks
    // _llseek as 32-bit only, and the newer table, generated from that file, has no number for it.
    assert_eq!(all_mismatches, ["_llseek on parisc64: scmp_sys_resolver 140, table None"], "numbers that differ from scmp_sys_resolver");
    println!("scmp_sys_resolver comparison:\n  {}", report.join("\n  "));
    println!("total: {compared_total} numbers equal; {newer_total} calls the table has that the resolver does not know; architectures the resolver lacks: {}", unsupported.join(", "));
    // libseccomp 2.5.4 predates loongarch64, m68k and SuperH; any other gap is a failure.
    for a in &unsupported {
        assert!(["loongarch64", "m68k", "sh", "sheb"].contains(a), "scmp_sys_resolver does not know {a}");
    }
    assert!(compared_total > 5000, "only {compared_total} numbers compared");
    let x86_64 = report.iter().find(|r| r.starts_with("x86_64:")).unwrap();
    assert!(x86_64.starts_with("x86_64: 3"), "{x86_64}");
}

#[test]
fn x32_and_mips_offsets_are_applied() {
    assert_eq!(syscalls::lookup(Arch::X32, "clone3").map(|s| s.number), Some(0x4000_0000 + 435));
    assert_eq!(syscalls::lookup(Arch::Mips, "clone3").map(|s| s.number), Some(4435));
    assert_eq!(syscalls::lookup(Arch::Mipsel64n32, "clone3").map(|s| s.number), Some(6435));
    assert_eq!(syscalls::lookup(Arch::Ppc64le, "clone3"), syscalls::lookup(Arch::Ppc64, "clone3"));
}

#[test]
fn errno_names_and_messages_match_python() {
    let python = tool("python3", "python3");
    let script = "import errno, os\nfor n in range(1, 134):\n    print(n, ' '.join(sorted(k for k, v in vars(errno).items() if k.startswith('E') and v == n)), '|', os.strerror(n), sep='\\t')";
    let out = Command::new(python).args(["-c", script]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut checked = 0;
    for (n, name, message) in errno::table() {
        let line = text.lines().find(|l| l.split('\t').next() == Some(&n.to_string())).unwrap();
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields[3], *message, "strerror({n})");
        // Python has no EHWPOISON; every other name must be one Python gives this number.
        if *name != "EHWPOISON" {
            assert!(fields[1].split(' ').any(|x| x == *name), "{name} is not errno {n} in Python: {}", fields[1]);
        }
        checked += 1;
    }
    assert_eq!(checked, 131);
}
