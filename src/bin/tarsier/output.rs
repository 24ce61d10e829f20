//! How the CLI reports failure: one sentence on stderr (`tarsier: …`), exit code 1, and with
//! `--json` the error as JSON on stdout. A leaf: every sub-command imports it, it imports none.

use std::io::Write;
use std::process::ExitCode;

/// Prints `message` as the one-line error users see, and returns the failure exit code.
pub fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("tarsier: {message}");
    ExitCode::FAILURE
}

/// Prints a command's output, or its error as [`fail`] does.
pub fn print_or_fail(result: Result<String, String>) -> ExitCode {
    match result {
        Ok(text) => write_stdout(&text),
        Err(e) => fail(e),
    }
}

/// [`fail`], and with `--json` also the error as JSON on stdout,
/// `{"error": {"code": CODE, "message": MESSAGE}}`, so that a script can tell one kind of
/// failure from another by its stable `code` instead of the sentence.
pub fn fail_json(json: bool, code: &str, message: impl std::fmt::Display) -> ExitCode {
    let message = message.to_string();
    if json {
        // The sentence on stderr follows whether or not stdout can still be written.
        let _ = write_stdout(&format!("{}\n", serde_json::json!({ "error": { "code": code, "message": message } })));
    }
    fail(message)
}

/// Writes `text` to stdout. A reader that has gone away (`tarsier status BIG | head`) is not an
/// error: the command succeeds quietly, as `cat` does under `head` (Rust's `print!` would panic
/// on the broken pipe). Any other write error is reported as [`fail`] does.
pub fn write_stdout(text: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => fail(format!("cannot write to standard output: {e}.")),
    }
}
