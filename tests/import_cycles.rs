//! No module under `src/web` takes part in an import cycle (`scripts/import_cycles.py`: module X
//! imports Y when X's code names a path into Y). `python3` is required: without it the test
//! fails, saying what to install.
//!
//! Only `web` for now: the core's cycles (`paste ↔ status ↔ apparmor`, `image::source → image`)
//! belong to the core's own restructuring; run the script without `--under` to see them.

use std::process::Command;

#[test]
fn web_modules_have_no_import_cycle() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/import_cycles.py");
    let out = Command::new("python3")
        .args([script, "--under", "web"])
        .output()
        .unwrap_or_else(|e| panic!("cannot run python3 ({e}): install it (Debian: apt-get install python3)"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    // The script saw the modules (a moved src/ would otherwise pass with nothing checked).
    let count: usize = text
        .lines()
        .last()
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(count >= 30, "only {count} modules under src/web: {text}");
}
