//! The profiles built in, embedded byte for byte (sources and licences in
//! `profiles/SOURCES.md`, `NOTICE` and `LICENSES/`).

use super::profile::{parse_profile, Profile, ProfileError};
use serde::{Deserialize, Serialize};

/// A built-in profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Builtin {
    /// Docker's current default (moby/profiles `seccomp/default.json`).
    Docker,
    /// Docker's default of March 2018 (moby/moby a575b0b), the one the source article links.
    Docker2018,
    /// podman's and CRI-O's default (containers/common `pkg/seccomp/seccomp.json`).
    Podman,
}

pub const ALL: [Builtin; 3] = [Builtin::Docker, Builtin::Docker2018, Builtin::Podman];

impl Builtin {
    /// The name the CLI and the page use: `docker`, `docker-2018`, `podman`.
    pub fn as_str(self) -> &'static str {
        match self {
            Builtin::Docker => "docker",
            Builtin::Docker2018 => "docker-2018",
            Builtin::Podman => "podman",
        }
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            Builtin::Docker => "Docker's default seccomp profile (moby/profiles cd3bed8)",
            Builtin::Docker2018 => "Docker's default seccomp profile of 2018 (moby/moby a575b0b)",
            Builtin::Podman => "podman's / CRI-O's default seccomp profile (containers/common f437c58)",
        }
    }

    /// The JSON as shipped upstream.
    pub fn json(self) -> &'static str {
        match self {
            Builtin::Docker => include_str!("profiles/docker_default.json"),
            Builtin::Docker2018 => include_str!("profiles/docker_2018.json"),
            Builtin::Podman => include_str!("profiles/podman_default.json"),
        }
    }

    /// The parsed profile.
    ///
    /// # Errors
    /// Never for the embedded files (a test parses each); the type is that of [`parse_profile`].
    pub fn profile(self) -> Result<Profile, ProfileError> {
        parse_profile(self.json())
    }

    /// Looks a built-in up by its name (`docker`, `docker-2018`, `podman`; `default`, `moby`,
    /// `crio` and `containers` are accepted too).
    pub fn from_name(name: &str) -> Option<Builtin> {
        match name.trim().to_ascii_lowercase().as_str() {
            "docker" | "default" | "moby" => Some(Builtin::Docker),
            "docker-2018" | "docker2018" => Some(Builtin::Docker2018),
            "podman" | "crio" | "cri-o" | "containers" => Some(Builtin::Podman),
            _ => None,
        }
    }
}
