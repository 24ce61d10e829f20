//! `tarsier diff A.tar [B.tar] [--image-a N] [--image-b N] [--json] [--touched]`: two images
//! compared — layers, config, packages, and files by content. With one archive, two of its
//! images (`--image-a 0 --image-b 1`).

use crate::image::load;
use crate::output::{fail, fail_json, write_stdout};
use std::fmt::Write as _;
use std::fs::File;
use std::path::PathBuf;
use std::process::ExitCode;
use tarsier::core::compare::{compare, Comparison};
use tarsier::core::status::human_bytes;

#[derive(clap::Args)]
pub struct Args {
    /// The first archive.
    a: PathBuf,
    /// The second archive (by default the first: compare two of its images).
    b: Option<PathBuf>,
    /// The image of the first archive (0 = first).
    #[arg(long, default_value_t = 0)]
    image_a: usize,
    /// The image of the second archive (by default 0, or 1 when comparing within one archive).
    #[arg(long)]
    image_b: Option<usize>,
    /// Also list the touched paths (same content and metadata, other mtime).
    #[arg(long)]
    touched: bool,
    /// Print the comparison as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: &Args) -> ExitCode {
    let b_path = args.b.clone().unwrap_or_else(|| args.a.clone());
    let image_b = args.image_b.unwrap_or(if args.b.is_some() { 0 } else { 1 });
    let result = (|| -> Result<Comparison, (String, String)> {
        let a = load(&args.a, None).map_err(|e| (e.code().to_owned(), e.to_string()))?;
        let b = if args.b.is_some() { Some(load(&b_path, None).map_err(|e| (e.code().to_owned(), e.to_string()))?) } else { None };
        let open = |p: &PathBuf| File::open(p).map_err(|e| ("io".to_owned(), format!("{}: cannot open it: {e}.", p.display())));
        let (mut fa, mut fb) = (open(&args.a)?, open(&b_path)?);
        compare(&a, &mut fa, args.image_a, b.as_ref().unwrap_or(&a), &mut fb, image_b).map_err(|e| (e.code().to_owned(), format!("{}: {e}", args.a.display())))
    })();
    match result {
        Ok(c) if args.json => match serde_json::to_string_pretty(&c) {
            Ok(j) => write_stdout(&format!("{j}\n")),
            Err(e) => fail(format!("could not write JSON: {e}")),
        },
        Ok(c) => write_stdout(&render(&c, args.touched)),
        Err((code, message)) if args.json => fail_json(true, &code, message),
        Err((_, message)) => fail(message),
    }
}

fn render(c: &Comparison, touched: bool) -> String {
    let mut o = String::new();
    let s = &c.summary;
    let _ = writeln!(o, "== Summary");
    let _ = writeln!(o, "  files: {} added, {} removed, {} changed ({} touched: only the mtime differs)", s.added, s.removed, s.changed, s.touched);
    let _ = writeln!(o, "  size: {} → {}", human_bytes(s.size_a), human_bytes(s.size_b));
    let _ = writeln!(o, "  packages: {} added, {} removed, {} changed; config: {} fields differ", s.packages_added, s.packages_removed, s.packages_changed, s.config_changes);
    let l = &c.layers;
    let _ = writeln!(o, "== Layers ({} shared at the bottom, {} only in A, {} only in B; {} shared)", l.shared_prefix, l.only_a.len(), l.only_b.len(), human_bytes(l.shared_bytes));
    for (side, layers) in [("A", &l.a), ("B", &l.b)] {
        for (i, x) in layers.iter().enumerate().skip(l.shared_prefix) {
            let id: String = x.diff_id.as_deref().unwrap_or("?").chars().take(19).collect();
            let _ = writeln!(o, "  {side} #{i} {id} {} {}", human_bytes(x.size), x.created_by.as_deref().unwrap_or(""));
        }
    }
    if !c.config.is_empty() {
        let _ = writeln!(o, "== Config");
        for ch in &c.config {
            let _ = writeln!(o, "  {}: {} → {}", ch.field, ch.a, ch.b);
        }
    }
    let p = &c.packages;
    if !(p.added.is_empty() && p.removed.is_empty() && p.changed.is_empty()) {
        let _ = writeln!(o, "== Packages");
        for x in &p.added {
            let _ = writeln!(o, "  + {} {} ({})", x.name, x.version_b.as_deref().unwrap_or(""), x.kind);
        }
        for x in &p.removed {
            let _ = writeln!(o, "  - {} {} ({})", x.name, x.version_a.as_deref().unwrap_or(""), x.kind);
        }
        for x in &p.changed {
            let _ = writeln!(o, "  ~ {} {} → {} ({})", x.name, x.version_a.as_deref().unwrap_or(""), x.version_b.as_deref().unwrap_or(""), x.kind);
        }
    }
    render_files(&mut o, c, touched);
    o
}

fn render_files(o: &mut String, c: &Comparison, touched: bool) {
    let _ = writeln!(o, "== Files");
    for f in &c.added {
        let _ = writeln!(o, "  + {} ({}, {})", f.path, f.kind, human_bytes(f.size));
    }
    for f in &c.removed {
        let _ = writeln!(o, "  - {} ({}, {})", f.path, f.kind, human_bytes(f.size));
    }
    for f in &c.changed {
        let _ = writeln!(o, "  ~ {} ({})", f.path, f.what.join(", "));
        if let Some(d) = &f.text_diff {
            for line in &d.lines {
                let _ = writeln!(o, "      {line}");
            }
            if let Some(cut) = &d.cut {
                let _ = writeln!(o, "      ({cut})");
            }
        } else if f.what.iter().any(|w| w == "sha256") {
            let digest = |v: &Option<String>| v.as_deref().map_or_else(|| "not read: the sizes differ".to_owned(), |d| format!("sha256:{}", &d[..d.len().min(12)]));
            let _ = writeln!(o, "      {} ({}) → {} ({})", human_bytes(f.size_a), digest(&f.a.sha256), human_bytes(f.size_b), digest(&f.b.sha256));
        }
    }
    if touched {
        for t in &c.touched {
            let _ = writeln!(o, "  = {} (mtime {} → {})", t.path, t.mtime_a.map_or("-".into(), |m| m.to_string()), t.mtime_b.map_or("-".into(), |m| m.to_string()));
        }
    }
}
