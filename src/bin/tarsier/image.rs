//! `tarsier inspect|ls|cat`: placeholder until the image analyzer lands.

use crate::fail;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct InspectArgs {
    file: PathBuf,
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
pub struct LsArgs {
    file: PathBuf,
    #[arg(long)]
    layer: Option<usize>,
    path: Option<String>,
}

#[derive(clap::Args)]
pub struct CatArgs {
    file: PathBuf,
    path: String,
    #[arg(long)]
    layer: Option<usize>,
}

pub fn inspect(_args: &InspectArgs) -> ExitCode {
    fail("the image analyzer is not built yet")
}
pub fn ls(_args: &LsArgs) -> ExitCode {
    fail("the image analyzer is not built yet")
}
pub fn cat(_args: &CatArgs) -> ExitCode {
    fail("the image analyzer is not built yet")
}
