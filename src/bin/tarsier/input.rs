//! The one reader of the commands that take a FILE or `-` (standard input): `status`,
//! `seccomp` (a profile, or `--status FILE`) and `apparmor`.

use std::io::Read;

/// Why the input could not be read: a stable `code` for `--json` errors (`io`, or `too_large` as
/// the core's `TooLarge` errors) and the sentence users see.
pub struct InputError {
    pub code: &'static str,
    pub message: String,
}

/// How an input is named in messages: its path, or "standard input" for `-`.
pub fn name(file: &str) -> &str {
    if file == "-" {
        "standard input"
    } else {
        file
    }
}

/// Reads `file` (`-`: standard input), at most `limit` bytes: one byte more is read, so that an
/// input larger than `limit` is refused (with `what` in the sentence: "a /proc/<pid>/status
/// dump") instead of being cut short, and a larger one is never read further.
pub fn read_limited(file: &str, limit: usize, what: &str) -> Result<Vec<u8>, InputError> {
    let io = |message: String| InputError { code: "io", message };
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    let mut bytes = Vec::new();
    let result = if file == "-" {
        std::io::stdin().lock().take(cap).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(file).map_err(|e| io(format!("cannot open {file}: {e}")))?.take(cap).read_to_end(&mut bytes)
    };
    result.map_err(|e| io(format!("cannot read {}: {e}", name(file))))?;
    if bytes.len() > limit {
        return Err(InputError {
            code: "too_large",
            message: format!("{} is larger than {limit} bytes, more than {what} this tool reads", name(file)),
        });
    }
    Ok(bytes)
}
