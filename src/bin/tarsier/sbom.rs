//! `tarsier sbom IMAGE.tar --format cyclonedx|spdx [--scope merged|all] [--from-layer N]`: the
//! image's software bill of materials as CycloneDX 1.6 or SPDX 2.3 JSON on stdout
//! (`src/core/sbom/`).

use crate::image::load;
use crate::output::{fail, write_stdout};
use std::path::PathBuf;
use std::process::ExitCode;
use tarsier::core::sbom::{write, Format, Request, Scope};

#[derive(Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    /// CycloneDX 1.6 JSON.
    Cyclonedx,
    /// SPDX 2.3 JSON.
    Spdx,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ScopeArg {
    /// What the final (squashed) image holds.
    Merged,
    /// Also the packages a later layer removed, each marked with that layer.
    All,
}

#[derive(clap::Args)]
pub struct Args {
    /// The archive: docker-save / OCI layout tar, optionally gzip- or zstd-compressed.
    file: PathBuf,
    /// The document format.
    #[arg(long, value_enum)]
    format: FormatArg,
    /// Which packages: the final image's, or every layer's (removed ones too).
    #[arg(long, value_enum, default_value = "merged")]
    scope: ScopeArg,
    /// Only the layers from this one up (0 = bottom) and the packages they added or changed:
    /// "only my layers" above a base image.
    #[arg(long, value_name = "N")]
    from_layer: Option<usize>,
    /// The image in a multi-image archive (0 = first).
    #[arg(long, default_value_t = 0)]
    image: usize,
}

pub fn run(args: &Args) -> ExitCode {
    let analysis = match load(&args.file, None) {
        Ok(a) => a,
        Err(e) => return fail(e),
    };
    let request = Request {
        format: match args.format {
            FormatArg::Cyclonedx => Format::CycloneDx,
            FormatArg::Spdx => Format::Spdx,
        },
        scope: match args.scope {
            ScopeArg::Merged => Scope::Merged,
            ScopeArg::All => Scope::All,
        },
        from_layer: args.from_layer,
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
    };
    match write(&analysis.report, args.image, &request) {
        Ok(text) => write_stdout(&text),
        Err(e) => fail(format!("{}: {e}", args.file.display())),
    }
}
