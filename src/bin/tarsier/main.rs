//! `tarsier`: the native command-line face of the core, for terminals, scripts and CI.
//!
//! Each sub-command lives in its own module and returns an exit code; errors are printed as one
//! sentence on stderr, never as a panic.

// The CLI is native only; for wasm32 (which `cargo test --target wasm32-unknown-unknown` builds
// every binary for) it is an empty program.
#![cfg_attr(target_arch = "wasm32", allow(unused))]

#[cfg(not(target_arch = "wasm32"))]
use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[cfg(not(target_arch = "wasm32"))]
mod apparmor;
#[cfg(not(target_arch = "wasm32"))]
mod build;
#[cfg(not(target_arch = "wasm32"))]
mod caps;
#[cfg(not(target_arch = "wasm32"))]
mod diff;
#[cfg(not(target_arch = "wasm32"))]
mod image;
#[cfg(not(target_arch = "wasm32"))]
mod input;
#[cfg(not(target_arch = "wasm32"))]
mod output;
#[cfg(not(target_arch = "wasm32"))]
mod packages;
#[cfg(not(target_arch = "wasm32"))]
mod scan;
#[cfg(not(target_arch = "wasm32"))]
mod shared;
#[cfg(not(target_arch = "wasm32"))]
mod seccomp;
#[cfg(not(target_arch = "wasm32"))]
mod status;

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
#[derive(Parser)]
#[command(name = "tarsier", version, about = "See what is inside a container image and what a process may do.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[cfg(not(target_arch = "wasm32"))]
#[derive(Subcommand)]
enum Command {
    /// Decode capability masks exactly as `capsh --decode` prints them.
    Caps(caps::Args),
    /// Explain a /proc/<pid>/status dump (or /proc/<pid>/attr/current).
    Status(status::Args),
    /// Summarise a docker-save / OCI archive (images, layers, findings, packages).
    Inspect(image::InspectArgs),
    /// List one layer's entries or the merged filesystem, like `tar -tv`.
    Ls(image::LsArgs),
    /// Every package (apk, dpkg, Python, npm, Java) with its licence and the layers that added,
    /// changed and removed it.
    Packages(packages::Args),
    /// Write one file's bytes from the image to stdout.
    Cat(image::CatArgs),
    /// What a seccomp profile lets a container call: every system call's verdict and why.
    Seccomp(seccomp::Args),
    /// Explain an AppArmor label or profile text (and what docker-default denies).
    Apparmor(apparmor::Args),
    /// Make an image without Docker: empty, from a rootfs tarball, or a layer on a base image.
    Build(Box<build::Args>),
    /// Compare two images: layers, config, packages, and files by content.
    Diff(diff::Args),
    /// Scan contents: secrets (deleted ones too), accounts, setuid triage.
    Scan(scan::Args),
    /// The layers many images share (by diff_id), and their bytes.
    Shared(shared::Args),
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Caps(args) => caps::run(&args),
        Command::Status(args) => status::run(&args),
        Command::Inspect(args) => image::inspect(&args),
        Command::Ls(args) => image::ls(&args),
        Command::Packages(args) => packages::run(&args),
        Command::Cat(args) => image::cat(&args),
        Command::Seccomp(args) => seccomp::run(&args),
        Command::Apparmor(args) => apparmor::run(&args),
        Command::Build(args) => build::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Scan(args) => scan::run(&args),
        Command::Shared(args) => shared::run(&args),
    }
}
