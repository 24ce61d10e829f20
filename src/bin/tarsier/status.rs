//! `tarsier status [FILE|-]`: placeholder until the status analyzer lands.

use crate::fail;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// A file holding the dump, or `-` for standard input.
    #[arg(default_value = "-")]
    file: String,
    /// Print the full JSON report.
    #[arg(long)]
    json: bool,
}

pub fn run(_args: &Args) -> ExitCode {
    fail("the status analyzer is not built yet")
}
