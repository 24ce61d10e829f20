//! `tarsier shared A.tar [B.tar…] [--json]`: every image of the archives given, the layers each
//! pair of them shares (by diff_id) and their bytes, the layers only one image has, and what
//! storing them all once costs against each alone.

use crate::image::load;
use crate::output::{fail, fail_json, write_stdout};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use tarsier::core::compare::{layer_matrix, LayerMatrix};
use tarsier::core::image::Analysis;
use tarsier::core::status::human_bytes;

#[derive(clap::Args)]
pub struct Args {
    /// One or more archives (every image of each is counted).
    #[arg(required = true)]
    archives: Vec<PathBuf>,
    /// Print the matrix as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: &Args) -> ExitCode {
    let mut loaded: Vec<(String, Analysis)> = Vec::with_capacity(args.archives.len());
    for path in &args.archives {
        match load(path, None) {
            Ok(a) => loaded.push((path.display().to_string(), a)),
            Err(e) if args.json => return fail_json(true, "archive", e.to_string()),
            Err(e) => return fail(e.to_string()),
        }
    }
    let sources: Vec<(&str, &tarsier::core::image::Report)> = loaded.iter().map(|(name, a)| (name.as_str(), &a.report)).collect();
    let m = layer_matrix(&sources);
    if args.json {
        return match serde_json::to_string_pretty(&m) {
            Ok(j) => write_stdout(&format!("{j}\n")),
            Err(e) => fail(format!("could not write JSON: {e}")),
        };
    }
    write_stdout(&render(&m))
}

fn render(m: &LayerMatrix) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "== {} images, {} distinct layers: {} each stored alone, {} stored once",
        m.images.len(),
        m.layers.len(),
        human_bytes(m.bytes_each_alone),
        human_bytes(m.bytes_stored_once)
    );
    for (i, img) in m.images.iter().enumerate() {
        let tags = if img.tags.is_empty() { "untagged".to_owned() } else { img.tags.join(", ") };
        let _ = writeln!(o, "  [{i}] {} image {} ({tags}): {} layers, {}", img.archive, img.index, img.layers, human_bytes(img.bytes));
    }
    let _ = writeln!(o, "== Shared layers (layers, bytes) — row × column");
    for (i, row) in m.shared.iter().enumerate() {
        let cells: Vec<String> = row.iter().map(|c| format!("{:>2} {:>10}", c.layers, human_bytes(c.bytes))).collect();
        let _ = writeln!(o, "  [{i}] {}", cells.join(" | "));
    }
    let _ = writeln!(o, "== Layers only one image has");
    for i in 0..m.images.len() {
        for l in m.unique_to(i) {
            let _ = writeln!(o, "  [{i}] {} {} {}", l.id, human_bytes(l.size), l.created_by.as_deref().unwrap_or(""));
        }
    }
    o
}
