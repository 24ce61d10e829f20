//! Setuid/setgid files split into the ordinary ones and those that give a shell to whoever runs
//! them (GTFOBins' SUID list: interpreters, editors, `find`, `env`, `busybox`…), and file
//! capabilities on interpreters.

use crate::core::image::PrivilegedFile;
use serde::{Deserialize, Serialize};

/// Names that give a shell when setuid/setgid (GTFOBins, <https://gtfobins.github.io/#+suid>).
const SHELL_NAMES: &[&str] = &["find", "env", "busybox", "bash", "sh", "dash", "zsh", "ksh", "vim", "vi", "nano", "less", "more", "awk", "gawk", "node", "ruby", "tclsh", "expect", "nmap", "cp", "tar", "xargs", "strace", "gdb", "docker", "ld.so"];
/// Interpreter name prefixes (`python3.11`, `perl5.36`, `php8`, `lua5.4`).
const INTERPRETERS: &[&str] = &["python", "perl", "php", "lua", "ruby", "node", "bash", "sh", "dash", "zsh", "tclsh"];

fn name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Whether a file name is an interpreter.
pub fn is_interpreter(path: &str) -> bool {
    let n = name(path);
    INTERPRETERS.iter().any(|i| n == *i || n.strip_prefix(i).is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit() || c == '.')))
}

/// One setuid or setgid file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetidFile {
    pub path: String,
    /// `setuid` or `setgid` (a file with both is listed twice).
    pub kind: String,
    pub mode: u32,
    pub uid: u64,
    pub gid: u64,
    /// `shell` (gives a shell to whoever runs it) or `ordinary`.
    pub class: String,
    pub layer: usize,
}

/// A file with capabilities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapFile {
    pub path: String,
    pub caps: String,
    /// An interpreter with capabilities runs any script with them: high.
    pub interpreter: bool,
    pub layer: usize,
}

/// Splits the image's privileged files.
pub fn triage(files: &[PrivilegedFile]) -> (Vec<SetidFile>, Vec<CapFile>) {
    let mut setid = Vec::new();
    let mut caps = Vec::new();
    for f in files {
        let class = if SHELL_NAMES.contains(&name(&f.path)) || is_interpreter(&f.path) { "shell" } else { "ordinary" };
        for (bit, kind) in [(0o4000, "setuid"), (0o2000, "setgid")] {
            if f.mode & bit != 0 {
                setid.push(SetidFile { path: f.path.clone(), kind: kind.into(), mode: f.mode, uid: f.uid, gid: f.gid, class: class.into(), layer: f.layer });
            }
        }
        if let Some(c) = &f.caps {
            caps.push(CapFile { path: f.path.clone(), caps: c.text.clone(), interpreter: is_interpreter(&f.path), layer: f.layer });
        }
    }
    (setid, caps)
}
