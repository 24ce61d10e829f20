//! AppArmor profile text: its rules listed and explained, and what Docker's `docker-default`
//! profile denies.
//!
//! The language is described in [apparmor.d(5)](https://manpages.debian.org/apparmor.d.5) and
//! the [AppArmor core policy reference](https://gitlab.com/apparmor/apparmor/-/wikis/AppArmor_Core_Policy_Reference).
//! This reader covers what profiles for containers use: `abi`, `include` / `#include`,
//! variables, profile and hat headers with `flags=(…)`, file rules (`PATH PERMS`, `PERMS PATH`,
//! `file`), `audit`/`deny`/`owner`, `capability`, `network`, `mount`, `umount`, `remount`,
//! `pivot_root`, `ptrace` and `signal`. Other rule kinds (dbus, unix, change_profile, rlimit, …)
//! are kept as written ([`ItemKind::Other`]), never dropped; globs with `{a,b}` alternations
//! and comments after rules are read correctly. The full language (conditionals, variable
//! expansion, include resolution) is not.
//!
//! The label parser for `/proc/<pid>/attr/current` is [`crate::core::apparmor`].

mod docker_default;
mod parse;

pub use docker_default::{explain as explain_docker_default, render, render_source, DockerDefault, ExplainedRule, Template, TemplateData, TemplateError};
pub use parse::{parse, Item, ItemKind, ProfileText, ProfileTextError, Qualifiers, MAX_DEPTH, MAX_ITEMS, MAX_PROFILE_TEXT_BYTES};

/// Whether pasted text looks like profile text rather than a `/proc/<pid>/attr/current` label:
/// it has a rule ending in `,`, a block brace, or an include.
pub fn looks_like_profile(text: &str) -> bool {
    text.lines().map(str::trim).any(|l| {
        l.ends_with(',') || l.ends_with('{') || l == "}" || l.starts_with("#include") || l.starts_with("include ") || l.starts_with("profile ")
    })
}

#[cfg(test)]
mod tests {
    use super::looks_like_profile;

    #[test]
    fn any_one_sign_of_profile_text_is_enough_and_a_label_has_none() {
        for text in ["  /etc/** r,", "profile x {", "}", "#include <abstractions/base>", "include <tunables/global>", "profile foo flags=(complain)"] {
            assert!(looks_like_profile(text), "{text:?}");
        }
        for label in ["docker-default (enforce)", "unconfined", "cri-containerd.apparmor.d (complain)", "a//b (enforce)\n"] {
            assert!(!looks_like_profile(label), "{label:?}");
        }
    }
}
