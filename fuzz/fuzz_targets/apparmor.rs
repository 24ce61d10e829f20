//! An AppArmor label (`/proc/<pid>/attr/current`, `docker-default (enforce)`).
#![no_main]

use libfuzzer_sys::fuzz_target;

// The calls and checks live in `tarsier::core::fuzz`, shared with the native replay of
// regressions; a failed check panics, which libFuzzer records as a crash.
fuzz_target!(|data: &[u8]| {
    if let Err(failure) = tarsier::core::fuzz::run("apparmor", data) {
        panic!("{failure}");
    }
});
