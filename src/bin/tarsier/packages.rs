//! `tarsier packages IMAGE.tar [--json]`: every package of every image — apk, dpkg, Python,
//! npm, Java — with its licence and the layers that added, changed and removed it.

use crate::image::load;
use crate::output::{fail, fail_json, write_stdout};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use tarsier::core::image::{Package, Report};

#[derive(clap::Args)]
pub struct Args {
    /// The archive: docker-save / OCI layout tar, optionally gzip- or zstd-compressed.
    file: PathBuf,
    /// Print the packages as a JSON list (each with its `image`).
    #[arg(long)]
    json: bool,
}

/// One package of one image, as `--json` lists it.
#[derive(serde::Serialize)]
struct Listed<'a> {
    image: usize,
    #[serde(flatten)]
    package: &'a Package,
}

/// Every package of every image: present ones, then removed ones, each group in the report's
/// order (by ecosystem, name, location).
fn listed(r: &Report) -> Vec<Listed<'_>> {
    r.images
        .iter()
        .flat_map(|img| img.packages.iter().chain(&img.removed_packages).map(|package| Listed { image: img.index, package }))
        .collect()
}

pub fn run(args: &Args) -> ExitCode {
    let a = match load(&args.file, None) {
        Ok(a) => a,
        Err(e) => return fail_json(args.json, "archive", e.to_string()),
    };
    let all = listed(&a.report);
    if args.json {
        return match serde_json::to_string_pretty(&all) {
            Ok(j) => write_stdout(&format!("{j}\n")),
            Err(e) => fail(format!("could not write JSON: {e}")),
        };
    }
    write_stdout(&render(&a.report, &all))
}

/// The table: one header per image, one row per package.
fn render(r: &Report, all: &[Listed<'_>]) -> String {
    let mut o = String::new();
    for img in &r.images {
        let mine: Vec<&Package> = all.iter().filter(|l| l.image == img.index).map(|l| l.package).collect();
        let removed = mine.iter().filter(|p| p.removed_in.is_some()).count();
        let _ = writeln!(o, "image {}: {} present, {removed} removed", img.index, mine.len().saturating_sub(removed));
        if mine.is_empty() {
            continue;
        }
        let rows: Vec<[String; 7]> = mine.iter().map(|p| row(p)).collect();
        let head = ["ECOSYSTEM", "NAME", "VERSION", "LICENCE", "ADDED", "CHANGED", "REMOVED"].map(str::to_owned);
        let mut width = [0usize; 7];
        for cells in std::iter::once(&head).chain(&rows) {
            for (w, c) in width.iter_mut().zip(cells) {
                *w = (*w).max(c.chars().count());
            }
        }
        for cells in std::iter::once(&head).chain(&rows) {
            let line: Vec<String> = cells.iter().zip(width).map(|(c, w)| format!("{c:<w$}")).collect();
            let _ = writeln!(o, "  {}", line.join("  ").trim_end());
        }
    }
    for w in r.warnings.iter().filter(|w| w.is_about_packages()) {
        let _ = writeln!(o, "warning: {}", w.message);
    }
    o
}

/// A package's cells: layers by position, `-` for none (and for no version: a GOPATH-built Go
/// binary has no module version).
fn row(p: &Package) -> [String; 7] {
    let changed = if p.changed_in.is_empty() { "-".to_owned() } else { p.changed_in.iter().map(usize::to_string).collect::<Vec<_>>().join(",") };
    // One line per package: a multi-line licence text shows its first line.
    let licence = p.licence.as_deref().and_then(|l| l.lines().next()).unwrap_or("-").to_owned();
    [
        p.source.as_str().to_owned(),
        p.name.clone(),
        if p.version.is_empty() { "-".to_owned() } else { p.version.clone() },
        licence,
        p.installed_in.to_string(),
        changed,
        p.removed_in.map_or_else(|| "-".to_owned(), |r| r.to_string()),
    ]
}
