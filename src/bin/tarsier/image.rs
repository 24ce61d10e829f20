//! `tarsier inspect|ls|cat`: the image archive analyzer on the command line.
//!
//! `inspect` prints a human summary or the full JSON report (`--json`, the schema in
//! `docs/report-schema.md`); `ls` lists one layer or the merged filesystem like `tar -tv`;
//! `cat` writes one file's bytes to stdout.

use crate::output::{fail, write_stdout};
// Sizes in the summary as the status report writes memory: `1.5 MiB`, whole bytes below 1 KiB.
use tarsier::core::status::human_bytes;
use tarsier::core::cross_check::{cross_check, CrossCheck, ProcessFacts};
use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::process::ExitCode;
use tarsier::core::image::{
    analyze_prepared, copy_entry, copy_merged, index_member, mode_string, parallel_candidates, verify_digests,
    Analysis, EntryKind, Flow, PreIndexed, PARALLEL_MIN_MEMBER,
    ErrorReport, ImageError, ImageReport, MergedStatus, Options, Progress, Report,
};
use tarsier::core::time::utc_minutes;

#[derive(clap::Args)]
pub struct InspectArgs {
    /// The archive: docker-save / OCI layout tar, optionally gzip- or zstd-compressed.
    file: PathBuf,
    /// Print the full JSON report (every layer entry and every merged tree).
    #[arg(long)]
    json: bool,
    /// Also check every layer and config against its sha256 digest / diff_id (a second pass).
    #[arg(long)]
    verify: bool,
    /// Threads that index big layers in parallel (default: one per core, at most 8; 1 reads
    /// the archive in one pass). The result is the same either way.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=64))]
    threads: Option<u16>,
    /// A `/proc/<pid>/status` dump of a process of this image: check the image's setuid and
    /// file-capability binaries against its CapBnd and NoNewPrivs, and its User against the Uid.
    #[arg(long, value_name = "FILE")]
    status: Option<PathBuf>,
}

/// One image's process ↔ image checks (`inspect --status`).
#[derive(serde::Serialize)]
struct ImageCrossChecks {
    image: usize,
    checks: Vec<CrossCheck>,
}

/// Largest `/etc/passwd` read to resolve the config's user name.
const MAX_PASSWD: u64 = 1 << 20;

/// The process ↔ image checks of every image against the dump at `status`.
fn cross_checks(file: &Path, a: &Analysis, status: &Path) -> Result<Vec<ImageCrossChecks>, String> {
    let text = std::fs::read(status).map_err(|e| format!("{}: cannot read it: {e}.", status.display()))?;
    let text = String::from_utf8_lossy(&text);
    let dump = tarsier::core::status::parse(&text).map_err(|e| format!("{}: {e}", status.display()))?;
    let facts = ProcessFacts::from_status(&dump);
    let mut reader = File::open(file).map_err(|e| format!("{}: cannot open it: {e}.", file.display()))?;
    let mut out = Vec::new();
    for (i, img) in a.report.images.iter().enumerate() {
        let files = a.privileged_files(i).map_err(|e| format!("{}: {e}", file.display()))?;
        let mut passwd = Vec::new();
        let fits = a.merged_entry(i, "etc/passwd").is_some_and(|e| e.size <= MAX_PASSWD);
        let passwd = (fits && copy_merged(&mut reader, a, i, "etc/passwd", &mut passwd).is_ok()).then(|| String::from_utf8_lossy(&passwd).into_owned());
        out.push(ImageCrossChecks { image: i, checks: cross_check(&files, img.config.user.as_deref(), passwd.as_deref(), &facts) });
    }
    Ok(out)
}

fn print_cross_checks(out: &mut dyn Write, status: &Path, all: &[ImageCrossChecks]) -> std::io::Result<()> {
    writeln!(out)?;
    writeln!(out, "process ({}) ↔ image:", status.display())?;
    for c in all {
        if c.checks.is_empty() {
            writeln!(out, "  image {}: nothing its files or user would do differently", c.image)?;
        }
        for x in &c.checks {
            let kind = serde_json::to_value(x.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
            let path = if x.path.is_empty() { String::new() } else { format!(" /{}", x.path) };
            writeln!(out, "  image {}: [{kind}]{path}: {}", c.image, x.detail)?;
        }
    }
    Ok(())
}

#[derive(clap::Args)]
pub struct LsArgs {
    file: PathBuf,
    /// List one layer of the image (0 = bottom) instead of the merged filesystem.
    #[arg(long)]
    layer: Option<usize>,
    /// The image in a multi-image archive (0 = first).
    #[arg(long, default_value_t = 0)]
    image: usize,
    /// Also show deleted and hidden paths in the merged listing.
    #[arg(long)]
    deleted: bool,
    /// Only this path and what is below it.
    path: Option<String>,
}

#[derive(clap::Args)]
pub struct CatArgs {
    file: PathBuf,
    /// One or more paths; their bytes are written one after the other, as `cat` does.
    #[arg(required = true)]
    path: Vec<String>,
    /// Read the path from this layer of the image (0 = bottom) instead of the merged filesystem.
    #[arg(long)]
    layer: Option<usize>,
    /// The image in a multi-image archive (0 = first).
    #[arg(long, default_value_t = 0)]
    image: usize,
}

fn open(path: &PathBuf) -> Result<(File, u64), String> {
    let f = File::open(path).map_err(|e| format!("cannot open it: {e}."))?;
    let len = f.metadata().map_err(|e| format!("cannot read its size: {e}."))?.len();
    Ok((f, len))
}

fn progress_printer() -> impl FnMut(Progress) -> Flow {
    let tty = std::io::stderr().is_terminal();
    move |p: Progress| {
        if tty {
            let pct = (p.bytes_done * 100).checked_div(p.bytes_total).unwrap_or(0);
            eprint!(
                "\r\x1b[K{:?} {pct:3}% {} files {}",
                p.phase,
                p.files_seen,
                p.current.chars().take(60).collect::<String>()
            );
        }
        Flow::Continue
    }
}

fn clear_progress() {
    if std::io::stderr().is_terminal() {
        eprint!("\r\x1b[K");
    }
}

/// Why an archive could not be loaded: the error as it crosses to the user (code, sentence,
/// position), and the file's name, which is put before the sentence here, once.
pub(crate) struct LoadError {
    file: String,
    report: ErrorReport,
}

impl LoadError {
    fn new(path: &Path, report: ErrorReport) -> Self {
        LoadError { file: path.display().to_string(), report }
    }

    /// The error's code, as `inspect --json` reports it (docs/report-schema.md).
    pub(crate) fn code(&self) -> &str {
        &self.report.code
    }

    fn io(path: &Path, message: String) -> Self {
        LoadError::new(path, ErrorReport { code: "io".into(), message, position: None })
    }

    /// Prints the error (`tarsier: FILE: SENTENCE`) and, with `--json`, also
    /// `{"error": {"code", "message", "file", "position"}}` on stdout.
    fn fail(&self, json: bool) -> ExitCode {
        if json {
            let mut v = serde_json::json!({ "code": self.report.code, "message": self.report.message, "file": self.file });
            if let Some(p) = &self.report.position {
                v["position"] = serde_json::to_value(p).unwrap_or_default();
            }
            let _ = write_stdout(&format!("{}\n", serde_json::json!({ "error": v })));
        }
        fail(self)
    }
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.report.message)
    }
}

pub(crate) fn load(path: &PathBuf, threads: Option<u16>) -> Result<Analysis, LoadError> {
    let (f, len) = open(path).map_err(|message| LoadError::io(path, message))?;
    let opts = Options::named(path.display().to_string());
    let threads = match threads {
        Some(n) => usize::from(n),
        None => std::thread::available_parallelism().map_or(1, |n| n.get()).min(MAX_THREADS),
    };
    let prepared = if threads > 1 { prepare(path, len, &opts, threads) } else { Vec::new() };
    let mut cb = progress_printer();
    let r = analyze_prepared(f, len, &opts, &mut cb, prepared);
    clear_progress();
    r.map_err(|e: ImageError| LoadError::new(path, ErrorReport::from(&e)))
}

/// Most threads indexing layers at once.
const MAX_THREADS: usize = 8;

/// Indexes the big layers of an uncompressed archive on `threads` threads, largest first, for
/// [`analyze_prepared`] (which indexes anything left out itself, and gives the same result).
fn prepare(path: &PathBuf, len: u64, opts: &Options, threads: usize) -> Vec<PreIndexed> {
    let Ok(f) = File::open(path) else {
        return Vec::new();
    };
    let mut spans: Vec<_> = parallel_candidates(std::io::BufReader::new(f), len, PARALLEL_MIN_MEMBER)
        .into_iter()
        .map(|c| c.span)
        .collect();
    if spans.len() < 2 {
        return Vec::new();
    }
    spans.sort_by_key(|s| s.size); // popped from the end: largest first
    let queue = Mutex::new(spans);
    let done = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let Ok(f) = File::open(path) else { return };
                loop {
                    let next = queue.lock().unwrap_or_else(PoisonError::into_inner).pop();
                    let Some(span) = next else { break };
                    if let Ok(Some(p)) = index_member(&f, len, span, opts, &mut |_| Flow::Continue) {
                        done.lock().unwrap_or_else(PoisonError::into_inner).push(p);
                    }
                }
            });
        }
    });
    done.into_inner().unwrap_or_else(PoisonError::into_inner)
}

fn one_line(s: &str, max: usize) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > max {
        format!("{}…", flat.chars().take(max).collect::<String>())
    } else {
        flat
    }
}

fn print_summary(out: &mut dyn Write, r: &Report) -> std::io::Result<()> {
    let a = &r.archive;
    writeln!(
        out,
        "{}: {} ({:?}, {} compression, {} members, {} files indexed)",
        a.name,
        human_bytes(a.size),
        a.format,
        format!("{:?}", a.compression).to_lowercase(),
        a.members,
        a.files_indexed
    )?;
    for img in &r.images {
        writeln!(out)?;
        let tags = if img.tags.is_empty() {
            "<untagged>".to_owned()
        } else {
            img.tags.join(", ")
        };
        writeln!(out, "image {}: {tags}", img.index)?;
        if let Some((os, name)) = img.os_release.as_ref().and_then(|os| Some((os, os.display()?))) {
            writeln!(out, "  os: {name} (/{}, layer {})", os.path, os.layer)?;
        }
        print_config(out, img)?;
        print_layers(out, r, img)?;
        print_findings(out, img)?;
        print_packages(out, img)?;
    }
    let absent: Vec<_> = r.platforms.iter().filter(|p| !p.present).collect();
    if !absent.is_empty() {
        writeln!(out)?;
        writeln!(out, "platforms absent from the archive:")?;
        for p in absent {
            writeln!(
                out,
                "  {} {}/{}",
                p.digest,
                p.os.as_deref().unwrap_or("?"),
                p.architecture.as_deref().unwrap_or("?")
            )?;
        }
    }
    if !r.warnings.is_empty() {
        writeln!(out)?;
        writeln!(out, "warnings:")?;
        for w in &r.warnings {
            writeln!(out, "  [{}] {}", w.code, w.message)?;
        }
    }
    Ok(())
}


/// The image's platform, creation and container config, one setting per line.
fn print_config(out: &mut dyn Write, img: &ImageReport) -> std::io::Result<()> {
    writeln!(
        out,
        "  config {}  {}/{}{}  created {}{}",
        img.config_digest.as_deref().unwrap_or(&img.config_member),
        img.os.as_deref().unwrap_or("?"),
        img.architecture.as_deref().unwrap_or("?"),
        img.variant
            .as_deref()
            .map(|v| format!("/{v}"))
            .unwrap_or_default(),
        img.created.as_deref().unwrap_or("?"),
        img.author
            .as_deref()
            .map(|a| format!("  author {a}"))
            .unwrap_or_default()
    )?;
    let c = &img.config;
    writeln!(
        out,
        "  user {:?}  workdir {:?}",
        c.user.as_deref().unwrap_or(""),
        c.working_dir.as_deref().unwrap_or("")
    )?;
    if let Some(e) = &c.entrypoint {
        writeln!(out, "  entrypoint {e:?}")?;
    }
    if let Some(cmd) = &c.cmd {
        writeln!(out, "  cmd {cmd:?}")?;
    }
    for e in &c.env {
        writeln!(out, "  env {e}")?;
    }
    if !c.exposed_ports.is_empty() {
        writeln!(out, "  ports {}", c.exposed_ports.join(" "))?;
    }
    if !c.volumes.is_empty() {
        writeln!(out, "  volumes {}", c.volumes.join(" "))?;
    }
    for (k, v) in &c.labels {
        writeln!(out, "  label {k}={v}")?;
    }
    if let Some(s) = &c.stop_signal {
        writeln!(out, "  stop signal {s}")?;
    }
    if let Some(h) = &c.healthcheck {
        writeln!(
            out,
            "  healthcheck {:?} every {}s",
            h.test,
            h.interval_ns.unwrap_or(0) / 1_000_000_000
        )?;
    }
    Ok(())
}

/// One line per layer: size, compression, entries, changes, digest and the command.
fn print_layers(out: &mut dyn Write, r: &Report, img: &ImageReport) -> std::io::Result<()> {
    writeln!(out, "  layers:")?;
    for (pos, l) in img.layers.iter().enumerate() {
        let Some(lr) = r.layers.get(l.layer) else {
            continue;
        };
        let ch = &l.changes;
        writeln!(
            out,
            "    #{pos} {:>10} {:<5} {:>6} entries  +{} ~{} -{}  {}  {}",
            human_bytes(lr.uncompressed_size),
            format!("{:?}", lr.compression).to_lowercase(),
            lr.entry_count,
            ch.added,
            ch.modified,
            ch.deleted,
            lr.digest
                .as_deref()
                .or(l.diff_id.as_deref())
                .map_or_else(|| lr.member.clone(), |d| d.chars().take(19).collect()),
            one_line(l.created_by.as_deref().unwrap_or(""), 70)
        )?;
    }
    let m = &img.merged;
    writeln!(
        out,
        "  merged: {} paths ({} files, {} dirs, {} symlinks, {} hard links), {}; efficiency {:.1}%, wasted {}",
        m.paths,
        m.files,
        m.dirs,
        m.symlinks,
        m.hardlinks,
        human_bytes(m.total_bytes),
        img.efficiency.score * 100.0,
        human_bytes(img.efficiency.wasted_bytes)
    )?;
    Ok(())
}

/// The findings, at most a few per kind.
fn print_findings(out: &mut dyn Write, img: &ImageReport) -> std::io::Result<()> {
    if !img.findings.is_empty() {
        writeln!(out, "  findings:")?;
        // At most FINDINGS_PER_KIND lines per kind in the summary (`--json` has them all).
        const FINDINGS_PER_KIND: usize = 10;
        let mut shown: std::collections::BTreeMap<String, usize> = Default::default();
        for f in &img.findings {
            // The kind as the JSON report names it (`symlink_absolute`), for the lines and the
            // "… and N more" line alike.
            let kind = serde_json::to_value(f.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            let n = shown.entry(kind.clone()).or_insert(0);
            *n += 1;
            if *n > FINDINGS_PER_KIND {
                continue;
            }
            let sev = format!("{:?}", f.severity).to_lowercase();
            let path = if f.path.is_empty() {
                String::new()
            } else {
                format!(" /{}", f.path)
            };
            writeln!(out, "    [{sev}] {kind}{path}: {}", f.detail)?;
        }
        for (kind, n) in shown.iter().filter(|(_, n)| **n > FINDINGS_PER_KIND) {
            writeln!(
                out,
                "    … and {} more {kind} findings (see --json)",
                n - FINDINGS_PER_KIND
            )?;
        }
    }
    Ok(())
}

/// The packages with their installing layer.
fn print_packages(out: &mut dyn Write, img: &ImageReport) -> std::io::Result<()> {
    if !img.packages.is_empty() {
        writeln!(out, "  packages ({}):", img.packages.len())?;
        for p in &img.packages {
            let changed = if p.changed_in.is_empty() {
                String::new()
            } else {
                format!(", changed in #{:?}", p.changed_in)
            };
            writeln!(
                out,
                "    {} {} ({:?}, layer #{}{changed})",
                p.name, p.version, p.source, p.installed_in
            )?;
        }
    }
    Ok(())
}

pub fn inspect(args: &InspectArgs) -> ExitCode {
    let analysis = match load(&args.file, args.threads) {
        Ok(a) => a,
        Err(e) => return e.fail(args.json),
    };
    let checks = if args.verify {
        let (f, _) = match open(&args.file) {
            Ok(x) => x,
            Err(e) => return LoadError::io(&args.file, e).fail(args.json),
        };
        let mut cb = progress_printer();
        let r = verify_digests(f, &analysis, &mut cb);
        clear_progress();
        match r {
            Ok(c) => Some(c),
            Err(e) => return LoadError::new(&args.file, ErrorReport::from(&e)).fail(args.json),
        }
    } else {
        None
    };
    let cross = match &args.status {
        Some(status) => match cross_checks(&args.file, &analysis, status) {
            Ok(c) => Some(c),
            Err(e) => return crate::output::fail_json(args.json, "status", e),
        },
        None => None,
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let res = if args.json {
        #[derive(serde::Serialize)]
        struct WithChecks<'a> {
            #[serde(flatten)]
            full: tarsier::core::image::FullReport<'a>,
            #[serde(skip_serializing_if = "Option::is_none")]
            digest_checks: Option<&'a Vec<tarsier::core::image::DigestCheck>>,
            #[serde(skip_serializing_if = "Option::is_none")]
            cross_checks: Option<&'a Vec<ImageCrossChecks>>,
        }
        serde_json::to_writer_pretty(
            &mut out,
            &WithChecks {
                full: analysis.full_report(),
                digest_checks: checks.as_ref(),
                cross_checks: cross.as_ref(),
            },
        )
        .map_err(std::io::Error::other)
        .and_then(|()| writeln!(out))
    } else {
        print_summary(&mut out, &analysis.report).and_then(|()| {
            if let Some(c) = &checks {
                writeln!(out)?;
                writeln!(out, "digests:")?;
                for d in c {
                    writeln!(
                        out,
                        "  {} {} {} {}",
                        if d.ok { "ok      " } else { "MISMATCH" },
                        d.check,
                        d.member,
                        if d.ok {
                            String::new()
                        } else {
                            format!("expected {} got {}", d.expected, d.actual)
                        }
                    )?;
                }
            }
            match (&cross, &args.status) {
                (Some(c), Some(status)) => print_cross_checks(&mut out, status, c),
                _ => Ok(()),
            }
        })
    };
    if let Err(e) = res.and_then(|()| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return fail(format!("could not write the report: {e}."));
        }
    }
    ExitCode::SUCCESS
}

fn under(path: &str, prefix: &str) -> bool {
    let prefix = prefix.trim_matches('/');
    prefix.is_empty()
        || path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|r| r.starts_with('/'))
}

pub fn ls(args: &LsArgs) -> ExitCode {
    let a = match load(&args.file, None) {
        Ok(a) => a,
        Err(e) => return e.fail(false),
    };
    let Some(img) = a.report.images.get(args.image) else {
        return fail(format!(
            "{} has no image {} (it has {}).",
            args.file.display(),
            args.image,
            a.report.images.len()
        ));
    };
    let prefix = args.path.clone().unwrap_or_default();
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let res: std::io::Result<()> = (|| {
        if let Some(pos) = args.layer {
            let Some(l) = img.layers.get(pos) else {
                return Err(std::io::Error::other(format!(
                    "image {} has no layer {pos} (it has {}).",
                    args.image,
                    img.layers.len()
                )));
            };
            let page = a
                .layer_entries(l.layer, 0, usize::MAX)
                .map_err(std::io::Error::other)?;
            for e in page.items.iter().filter(|e| under(&e.path, &prefix)) {
                let owner = format!(
                    "{}/{}",
                    if e.uname.is_empty() {
                        e.uid.to_string()
                    } else {
                        e.uname.clone()
                    },
                    if e.gname.is_empty() {
                        e.gid.to_string()
                    } else {
                        e.gname.clone()
                    }
                );
                let size = match e.device {
                    Some((ma, mi)) => format!("{ma},{mi}"),
                    None => e.size.to_string(),
                };
                let (name, link) = name_and_link(e.kind, &e.path, e.link_target.as_deref());
                let caps = e
                    .capabilities
                    .as_ref()
                    .map(|c| format!("  [{}]", c.text))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "{} {owner:<12} {size:>10} {} {name}{link}{caps}",
                    mode_string(e.kind, e.mode),
                    utc_minutes(e.mtime)
                )?;
            }
        } else {
            let tree = a
                .merged_tree(args.image, args.deleted)
                .map_err(std::io::Error::other)?;
            for e in tree.iter().filter(|e| under(&e.path, &prefix)) {
                let (name, link) = name_and_link(e.kind, &e.path, e.link_target.as_deref());
                let status = match e.status {
                    MergedStatus::Present => String::new(),
                    MergedStatus::Deleted => format!("  (deleted in layer #{})", e.layer),
                    MergedStatus::Hidden => {
                        format!("  (hidden by opaque dir in layer #{})", e.layer)
                    }
                };
                // A directory no layer lists has no date of its own.
                let date = e.mtime.map_or_else(|| format!("{:16}", "-"), utc_minutes);
                writeln!(
                    out,
                    "{} {:<12} {:>10} {date} #{:<3} {name}{link}{status}",
                    e.mode_str,
                    format!("{}/{}", e.uid, e.gid),
                    e.size,
                    e.layer
                )?;
            }
        }
        out.flush()
    })();
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

pub fn cat(args: &CatArgs) -> ExitCode {
    let a = match load(&args.file, None) {
        Ok(a) => a,
        Err(e) => return e.fail(false),
    };
    let (f, _) = match open(&args.file) {
        Ok(x) => x,
        Err(e) => return LoadError::io(&args.file, e).fail(false),
    };
    let stdout = std::io::stdout();
    let mut out = WriteWatch { inner: BufWriter::new(stdout.lock()), failed: None };
    let layer = match args.layer {
        Some(pos) => match a.report.images.get(args.image).and_then(|i| i.layers.get(pos)) {
            Some(l) => Some(l.layer),
            None => {
                return fail(format!("{} has no layer {pos} in image {}.", args.file.display(), args.image))
            }
        },
        None => None,
    };
    let mut r = Ok(0);
    for path in &args.path {
        let path = path.trim_start_matches('/');
        r = match layer {
            Some(l) => copy_entry(&f, &a, l, path, &mut out),
            None => copy_merged(&f, &a, args.image, path, &mut out),
        };
        if r.is_err() {
            break;
        }
    }
    // A failed write reaches here inside the copy's error, or from the last flush: either way
    // the watch saw it (its error is the one kept), and it is about stdout, not the archive.
    if r.is_ok() {
        out.flush().ok();
    }
    match (out.failed, r) {
        (Some((std::io::ErrorKind::BrokenPipe, _)), _) => ExitCode::SUCCESS,
        (Some((_, message)), _) => fail(format!("could not write to standard output: {message}.")),
        (None, Err(e)) => LoadError::new(&args.file, ErrorReport::from(&e)).fail(false),
        (None, Ok(_)) => ExitCode::SUCCESS,
    }
}

/// A writer that remembers its first failed write or flush (kind and message).
struct WriteWatch<W> {
    inner: W,
    failed: Option<(std::io::ErrorKind, String)>,
}

impl<W: Write> Write for WriteWatch<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.inner.write(buf).inspect_err(|e| {
            self.failed.get_or_insert((e.kind(), e.to_string()));
        })
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush().inspect_err(|e| {
            self.failed.get_or_insert((e.kind(), e.to_string()));
        })
    }
}

/// The name column of a `tar -tv`-like line (`dir/` for directories) and its link suffix
/// (` -> target` for symlinks, ` link to target` for hard links, as GNU tar prints them).
fn name_and_link(kind: EntryKind, path: &str, link_target: Option<&str>) -> (String, String) {
    let name = if kind == EntryKind::Dir { format!("{path}/") } else { path.to_owned() };
    let link = match (kind, link_target) {
        (EntryKind::Symlink, Some(t)) => format!(" -> {t}"),
        (EntryKind::Hardlink, Some(t)) => format!(" link to {t}"),
        _ => String::new(),
    };
    (name, link)
}
