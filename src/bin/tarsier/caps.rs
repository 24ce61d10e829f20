//! `tarsier caps HEX...`: one `capsh --decode` line per mask, or JSON.

use crate::output::{fail, write_stdout};
use std::process::ExitCode;
use tarsier::core::caps::{parse_mask, MaskReport};

#[derive(clap::Args)]
pub struct Args {
    /// Masks in any spelling: 00000000a80425fb, 0xa80425fb, a80425fb.
    #[arg(required = true, allow_hyphen_values = true)]
    masks: Vec<String>,
    /// Print a JSON array of decoded masks instead of capsh lines.
    #[arg(long)]
    json: bool,
}

pub fn run(args: &Args) -> ExitCode {
    let mut reports = Vec::with_capacity(args.masks.len());
    for text in &args.masks {
        match parse_mask(text) {
            Ok(set) => reports.push(MaskReport::new(set)),
            Err(e) => return fail(e),
        }
    }
    if args.json {
        match serde_json::to_string_pretty(&reports) {
            Ok(json) => write_stdout(&format!("{json}\n")),
            Err(e) => fail(format!("could not write JSON: {e}")),
        }
    } else {
        write_stdout(&reports.iter().map(|r| format!("{}\n", r.capsh)).collect::<String>())
    }
}
