//! The pure analysis core: everything that understands bytes and text.
//!
//! Nothing here knows about the browser or the terminal: entry points take `&str`, `impl Read`
//! or `impl Read + Seek` and return serde-serializable reports and typed errors. The crate's
//! `Cargo.toml` puts every web crate under a wasm32-only table, so a native build proves this.

pub mod caps;
pub mod image;
pub mod paste;
pub mod prompt;
pub mod status;
pub mod signals;
pub mod apparmor;
pub mod seccomp;
pub mod apparmor_profile;
pub mod pod_security;
pub mod cross_check;
pub mod build;
pub mod compare;
pub mod scan;
pub mod sha;
pub mod time;
pub mod sbom;
#[doc(hidden)]
pub mod fuzz;
