//! How the CLI reports failure: one sentence on stderr (`tarsier: …`), exit code 1, and with
//! `--json` the error as JSON on stdout. A leaf: every sub-command imports it, it imports none.

use std::process::ExitCode;

/// Prints `message` as the one-line error users see, and returns the failure exit code.
pub fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("tarsier: {message}");
    ExitCode::FAILURE
}

/// Prints a command's output, or its error as [`fail`] does.
pub fn print_or_fail(result: Result<String, String>) -> ExitCode {
    match result {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

/// [`fail`], and with `--json` also the error as JSON on stdout,
/// `{"error": {"code": CODE, "message": MESSAGE}}`, so that a script can tell one kind of
/// failure from another by its stable `code` instead of the sentence.
pub fn fail_json(json: bool, code: &str, message: impl std::fmt::Display) -> ExitCode {
    let message = message.to_string();
    if json {
        println!("{}", serde_json::json!({ "error": { "code": code, "message": message } }));
    }
    fail(message)
}
