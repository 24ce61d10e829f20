//! Signal numberings against the kernel's own headers, and signal masks of any width (issue 11:
//! MIPS prints 128-bit masks, which were refused as "a capability mask").
//!
//! The oracle is each architecture's `asm/signal.h` as Debian installs it: `linux-libc-dev` for
//! the generic numbering (`/usr/include/asm-generic/signal.h`), and the cross packages
//! `linux-libc-dev-{mips64el,alpha,sparc64,hppa}-cross` (`scripts/setup.sh --browser` installs
//! them). A missing header is a failure naming the package.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use tarsier::core::signals::{parse_sigmask, Numbering};
use tarsier::core::status::{analyze, analyze_with, parse};

const PROC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/proc");

/// The header of each numbering, and the Debian package that installs it.
fn header(numbering: Numbering) -> (&'static str, &'static str) {
    match numbering {
        Numbering::Generic => ("/usr/include/asm-generic/signal.h", "linux-libc-dev"),
        Numbering::Mips => ("/usr/mips64el-linux-gnuabi64/include/asm/signal.h", "linux-libc-dev-mips64el-cross"),
        Numbering::Alpha => ("/usr/alpha-linux-gnu/include/asm/signal.h", "linux-libc-dev-alpha-cross"),
        Numbering::Sparc => ("/usr/sparc64-linux-gnu/include/asm/signal.h", "linux-libc-dev-sparc64-cross"),
        Numbering::Parisc => ("/usr/hppa-linux-gnu/include/asm/signal.h", "linux-libc-dev-hppa-cross"),
    }
}

/// `#define NAME VALUE` of a header, comments removed, aliases (`#define SIGPOLL SIGIO`) resolved.
fn defines(path: &str, package: &str) -> BTreeMap<String, u64> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}; the oracle is missing: apt-get install {package}"));
    let mut code = String::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("/*") {
        code.push_str(&rest[..at]);
        rest = rest[at..].find("*/").map_or("", |end| &rest[at + end + 2..]);
    }
    code.push_str(rest);
    let raw: Vec<(String, String)> = code
        .lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            (words.next() == Some("#define")).then_some(())?;
            Some((words.next()?.to_owned(), words.next()?.to_owned()))
        })
        .collect();
    let mut out = BTreeMap::new();
    for _ in 0..3 {
        for (name, value) in &raw {
            let v = value.parse::<u64>().ok().or_else(|| out.get(value).copied());
            if let Some(v) = v {
                out.insert(name.clone(), v);
            }
        }
    }
    out
}

#[test]
fn classic_numbers_match_each_architectures_header() {
    let mut checked = 0;
    for numbering in Numbering::ALL {
        let (path, package) = header(numbering);
        let defs = defines(path, package);
        let signals: Vec<(&String, u64)> = defs
            .iter()
            .filter(|(n, v)| n.starts_with("SIG") && n[3..].chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) && (1..=31).contains(*v))
            .map(|(n, v)| (n, *v))
            .collect();
        assert!(signals.len() >= 31, "{path}: only {} signals", signals.len());
        // Every number 1..=31 has the name Tarsier gives it among the header's names for it…
        for n in 1..=31u8 {
            let ours = numbering.name(n).unwrap();
            let theirs: Vec<&str> = signals.iter().filter(|(_, v)| *v == u64::from(n)).map(|(name, _)| name.as_str()).collect();
            assert!(theirs.contains(&ours.as_str()), "{} {n}: Tarsier says {ours}, {path} says {theirs:?}", numbering.as_str());
            checked += 1;
        }
        // …and every name the header gives (aliases too) finds its number.
        for (name, v) in &signals {
            if name.as_str() == "SIGUNUSED" {
                continue; // "unused": bash does not name it either
            }
            assert_eq!(numbering.by_name(name), Some(*v as u8), "{} {name} in {path}", numbering.as_str());
        }
        // How many signals there are: the width of the masks.
        // SPARC defines `_NSIG` twice: `__NEW_NSIG` for the kernel, `__OLD_NSIG` (32) for old libcs.
        let nsig = defs.get("__NEW_NSIG").or_else(|| defs.get("_NSIG")).copied();
        match (numbering, nsig) {
            (_, Some(nsig)) => assert_eq!(u64::from(numbering.signals()), nsig, "{path}"),
            // Alpha's uapi header has only the old userland NSIG (32), and PA-RISC's had none
            // before Linux 6.x moved it there: the kernel's `_NSIG` 64 is in their
            // arch/*/include/asm/signal.h, which no package installs. Their real-time signals
            // start at 32 all the same.
            (Numbering::Alpha | Numbering::Parisc, None) => {
                assert_eq!(defs.get("SIGRTMIN"), Some(&32), "{path}");
                assert_eq!(numbering.signals(), 64);
            }
            (_, None) => panic!("{path} has no _NSIG"),
        }
    }
    assert_eq!(checked, 5 * 31);
}

/// A MIPS kernel's dump of a process: the signal sets of `threads_signals.status` (a real x86
/// dump: SIGHUP ignored, SIGTERM caught, SIGUSR1 and SIGUSR2 blocked and pending) as MIPS
/// numbers them (from the MIPS header, not from Tarsier), plus two real-time signals glibc
/// programs use on MIPS (SIGRTMIN+3 = 37 and SIGRTMAX = 127) and the kernel's signal 128, printed
/// 128 bits wide as `render_sigset_t` does (`_NSIG / 4` = 32 hex digits).
fn mips_dump() -> (String, BTreeMap<String, Vec<String>>) {
    let generic = std::fs::read_to_string(format!("{PROC}/local/threads_signals.status")).unwrap();
    let (path, package) = header(Numbering::Mips);
    let mips = defines(path, package);
    let x86 = analyze(&parse(&generic).unwrap());
    let mut expected = BTreeMap::new();
    let mut text = String::new();
    for line in generic.lines() {
        let key = line.split(':').next().unwrap_or_default();
        let Some(mask) = x86.signals.masks.iter().find(|m| m.key == key) else {
            text.push_str(line);
            text.push('\n');
            continue;
        };
        // The MIPS number of each signal the x86 dump names: from the header, or `SIGn`'s n
        // for the two numbers glibc reserves (32, 33), which are the same everywhere.
        let number = |name: &str| mips.get(name).copied().or_else(|| name.strip_prefix("SIG")?.parse().ok()).unwrap();
        let mut numbered: Vec<(u64, String)> = mask.signals.iter().map(|s| (number(&s.name), s.name.clone())).collect();
        if key == "SigCgt" {
            // glibc on MIPS: SIGRTMIN is 34 and SIGRTMAX 127 (bits/signum-arch.h); 128 is the kernel's last.
            numbered.extend([(37, "SIGRTMIN+3".to_owned()), (127, "SIGRTMAX".to_owned()), (128, "SIG128".to_owned())]);
        }
        numbered.sort();
        let bits: u128 = numbered.iter().map(|(n, _)| 1u128 << (n - 1)).fold(0, |a, b| a | b);
        let names: Vec<String> = numbered.into_iter().map(|(_, name)| name).collect();
        text.push_str(&format!("{key}:\t{bits:032x}\n"));
        expected.insert(key.to_owned(), names);
    }
    (text, expected)
}

#[test]
fn a_128_bit_mips_mask_decodes_to_the_right_names() {
    let (text, expected) = mips_dump();
    let s = parse(&text).unwrap();
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    let r = analyze_with(&s, Numbering::Mips);
    assert_eq!(r.signals.masks.len(), 5);
    for m in &r.signals.masks {
        assert_eq!(m.hex.len(), 32, "{}", m.key);
        assert_eq!(m.signals.iter().map(|x| x.name.clone()).collect::<Vec<_>>(), expected[&m.key], "{}", m.key);
    }
    assert_eq!(r.signals.numbering, Numbering::Mips);
    assert_eq!(r.signals.note, None);
    let cgt = r.signals.masks.iter().find(|m| m.key == "SigCgt").unwrap();
    assert_eq!(cgt.value >> 126, 0b11);
    let sig = |n: u8| cgt.signals.iter().find(|x| x.number == n).unwrap();
    assert!(!sig(128).in_kill_l);
    // glibc's SIGRTMAX (127) is a real-time signal like the others; the kernel's 128 is told apart.
    assert!(sig(127).in_kill_l && sig(127).description.starts_with("Real-time signal, for application use"), "{:?}", sig(127));
    assert!(sig(128).description.starts_with("Real-time signal 128: the kernel has it, but glibc's SIGRTMAX is 127"), "{:?}", sig(128));
    // Read with the default numbering: nothing is refused, the names say they may be wrong, and
    // no message calls a signal mask a capability mask.
    let generic = analyze(&s);
    assert!(generic.signals.note.as_deref().unwrap_or_default().contains("choose the MIPS numbering"));
    let json = serde_json::to_string(&generic).unwrap();
    assert!(!json.to_lowercase().contains("capability mask"), "{json}");
    // The page switches numbering on the report it has, with the same result as a fresh analysis.
    assert_eq!(generic.signals.renumbered(Numbering::Mips), r.signals);
}

#[test]
fn a_generic_mask_reads_as_before_and_a_bad_one_is_called_a_signal_mask() {
    let m = parse_sigmask("0000000000004a02").unwrap();
    assert_eq!((m.width, m.hex()), (64, "0000000000004a02".to_owned()));
    // Every fixture: the generic numbering names exactly what the 64-bit decoder names.
    for entry in std::fs::read_dir(format!("{PROC}/local")).unwrap().flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "status") {
            continue;
        }
        let r = analyze(&parse(&std::fs::read_to_string(&path).unwrap()).unwrap());
        assert_eq!(r.signals.note, None, "{}", path.display());
        for mask in &r.signals.masks {
            assert_eq!(mask.hex.len(), 16);
            let old = tarsier::core::signals::decode_sigmask(u64::try_from(mask.value).unwrap());
            assert_eq!(mask.signals, old, "{} {}", path.display(), mask.key);
        }
    }
    // Too wide for any kernel, or not hex: a warning about a signal mask, never a capability one.
    for value in ["1".repeat(33), "zz00".to_owned()] {
        let s = parse(&format!("Name:\tx\nSigCgt:\t{value}\n")).unwrap();
        assert_eq!(s.sig_cgt, None);
        let w = &s.warnings[0].message;
        assert!(w.contains("signal mask") && !w.contains("capabilit"), "{w}");
    }
}

fn tarsier(args: &[&str], stdin: &str) -> (bool, String, String) {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tarsier"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A refused option exits before reading: a broken pipe is not the test's failure.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let out = child.wait_with_output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn cli_names_signals_by_the_numbering_asked_for() {
    let (text, expected) = mips_dump();
    let (ok, out, err) = tarsier(&["status", "--signals", "mips"], &text);
    assert!(ok, "{err}");
    assert!(out.contains("  Numbering: MIPS\n"), "{out}");
    let cgt = out.lines().find(|l| l.trim_start().starts_with("SigCgt:")).unwrap();
    assert!(cgt.ends_with(&expected["SigCgt"].join(" ")), "{cgt}");
    let (ok, out, _) = tarsier(&["status", "--json", "--signals", "mips64el"], &text);
    assert!(ok);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["signals"]["numbering"], "mips");
    assert_eq!(json["signals"]["masks"][2]["hex"].as_str().map(str::len), Some(32));
    // Without --signals: generic names, a note, no numbering field; exit 0.
    let (ok, out, _) = tarsier(&["status", "--json"], &text);
    assert!(ok);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(json["signals"].get("numbering").is_none());
    assert!(json["signals"]["note"].as_str().unwrap_or_default().contains("MIPS"));
    let (ok, _, err) = tarsier(&["status", "--signals", "vax"], &text);
    assert!(!ok && err.contains("not a signal numbering"), "{err}");
}
