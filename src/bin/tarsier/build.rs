//! `tarsier build -o OUT …`: make an image without Docker — the empty image, an image from a
//! root filesystem tarball (`--rootfs`, `-` for stdin as `docker import -`), a layer of changes
//! on a base image (`--base`) — as a docker-archive or an OCI layout archive, to a file or
//! (`-o -`) to standard output, as `docker save` does, for `| podman load`. The page's Build
//! view writes the same bytes for the same inputs.

use crate::image::load;
use crate::output::{fail, fail_json, write_stdout};
use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tarsier::core::build::{self, BuildError, BuildSpec, Change, ConfigSpec, Format, Platform, ReadSeek};

#[derive(clap::Args)]
pub struct Args {
    /// The archive to write (written beside it first, then renamed: never half-written); `-`
    /// streams it to standard output, and the summary goes to standard error.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: PathBuf,
    /// `docker` (docker load / podman load) or `oci` (an OCI image layout as one tar).
    #[arg(long, default_value = "docker", value_parser = ["docker", "oci"])]
    format: String,
    /// Compress the layer of changes with gzip (the rootfs and base layers stay as they are).
    #[arg(long)]
    gzip: bool,
    /// A tag, `name[:tag]` (repeatable).
    #[arg(long = "tag", value_name = "REF")]
    tags: Vec<String>,
    /// A root filesystem tarball (plain, gzip or zstd) to import as a layer; `-` reads stdin.
    #[arg(long, value_name = "TAR")]
    rootfs: Option<PathBuf>,
    /// An image archive to build on (its layers are reused byte for byte).
    #[arg(long, value_name = "ARCHIVE")]
    base: Option<PathBuf>,
    /// The image of a multi-image base archive (0 = first).
    #[arg(long, default_value_t = 0, requires = "base")]
    image: usize,
    /// Add a file from disk: DEST=SRC (its mode is kept, owner root).
    #[arg(long = "add-file", value_name = "DEST=SRC")]
    add_file: Vec<String>,
    /// Add a text file: DEST=TEXT (mode 0644).
    #[arg(long = "add", value_name = "DEST=TEXT")]
    add: Vec<String>,
    /// Make a directory (mode 0755).
    #[arg(long, value_name = "DIR")]
    mkdir: Vec<String>,
    /// Make a symbolic link: DEST=TARGET.
    #[arg(long, value_name = "DEST=TARGET")]
    symlink: Vec<String>,
    /// Delete a path of the base (a whiteout).
    #[arg(long, value_name = "PATH")]
    delete: Vec<String>,
    /// Replace a directory of the base: hide all it holds (an opaque whiteout).
    #[arg(long, value_name = "DIR")]
    replace: Vec<String>,
    /// Cmd as a JSON array (`["sh","-c","echo hi"]`).
    #[arg(long, value_name = "JSON")]
    cmd: Option<String>,
    /// Entrypoint as a JSON array.
    #[arg(long, value_name = "JSON")]
    entrypoint: Option<String>,
    /// KEY=VALUE (repeatable; replaces the base's KEY).
    #[arg(long, value_name = "K=V")]
    env: Vec<String>,
    #[arg(long, value_name = "DIR")]
    workdir: Option<String>,
    #[arg(long, value_name = "USER")]
    user: Option<String>,
    /// PORT[/tcp|udp|sctp] (repeatable).
    #[arg(long, value_name = "PORT")]
    expose: Vec<String>,
    #[arg(long, value_name = "DIR")]
    volume: Vec<String>,
    /// KEY=VALUE (repeatable).
    #[arg(long, value_name = "K=V")]
    label: Vec<String>,
    #[arg(long, value_name = "SIGNAL")]
    stop_signal: Option<String>,
    /// OS/ARCH[/VARIANT]; by default the base's, or linux/amd64.
    #[arg(long, value_name = "PLATFORM")]
    platform: Option<String>,
    /// The history line's "created by".
    #[arg(long, value_name = "TEXT")]
    created_by: Option<String>,
    /// Creation time (RFC 3339), or `now`; by default 1970-01-01T00:00:00Z so that the same
    /// inputs give the same bytes.
    #[arg(long, value_name = "TIME")]
    created: Option<String>,
    /// Print what was written as JSON.
    #[arg(long)]
    json: bool,
}

/// Most bytes `--add-file` reads from one file (the added files are held in memory).
const MAX_ADD_FILE: u64 = build::MAX_ADDED_BYTES;

pub fn run(args: &Args) -> ExitCode {
    if args.json && to_stdout(&args.output) {
        return fail_json(true, "invalid", "--json and -o - both write to standard output: write the archive to a file, or leave out --json.");
    }
    if to_stdout(&args.output) && std::io::stdout().is_terminal() {
        return fail("-o - writes a tar archive to standard output, which is a terminal here: redirect it to a file, or pipe it (| podman load).");
    }
    match run_inner(args) {
        Ok(built) => {
            if args.json {
                let v = serde_json::json!({
                    "output": args.output.display().to_string(),
                    "size": built.len,
                    "manifest_digest": built.manifest_digest,
                    "config_digest": built.config_digest,
                    "layers": built.layers,
                    "tags": built.tags,
                });
                write_stdout(&format!("{v:#}\n"))
            } else {
                let tags = if built.tags.is_empty() { "no tag".to_owned() } else { built.tags.join(", ") };
                let name = if to_stdout(&args.output) { "standard output".to_owned() } else { args.output.display().to_string() };
                let summary = format!(
                    "{name}: {} bytes, {} layer(s), {tags}\nmanifest {}\nconfig   {}\n",
                    built.len,
                    built.layers.len(),
                    built.manifest_digest,
                    built.config_digest
                );
                if to_stdout(&args.output) {
                    eprint!("{summary}");
                    ExitCode::SUCCESS
                } else {
                    write_stdout(&summary)
                }
            }
        }
        Err((code, message)) if args.json => fail_json(true, code, message),
        Err((_, message)) => fail(message),
    }
}

type Failure = (&'static str, String);

/// `-o -`: the archive goes to standard output.
fn to_stdout(output: &Path) -> bool {
    output == Path::new("-")
}

fn build_error(e: BuildError) -> Failure {
    (e.code(), e.to_string())
}

fn run_inner(args: &Args) -> Result<build::Built, Failure> {
    let spec = spec(args)?;
    let mut base_file = match &args.base {
        Some(path) => Some(open_base(path, args.image)?),
        None => None,
    };
    let (rootfs, mut rootfs_file, spooled) = match &args.rootfs {
        Some(path) => {
            let (mut f, spooled) = open_rootfs(path, &args.output)?;
            let r = build::read_rootfs(&mut f, &mut |_| true).map_err(|e| {
                remove(spooled.as_deref());
                (e.code(), format!("{}: {e}", path.display()))
            })?;
            (Some(r), Some(f), spooled)
        }
        None => (None, None, None),
    };
    let result = build::build(&spec, base_file.as_ref().map(|(b, _)| b), rootfs.as_ref()).map_err(build_error).and_then(|built| {
        let base: Option<&mut dyn ReadSeek> = base_file.as_mut().map(|(_, f)| f as &mut dyn ReadSeek);
        let rootfs: Option<&mut dyn ReadSeek> = rootfs_file.as_mut().map(|f| f as &mut dyn ReadSeek);
        write_atomically(&args.output, &built, base, rootfs)?;
        Ok(built)
    });
    remove(spooled.as_deref());
    result
}

fn remove(path: Option<&Path>) {
    if let Some(p) = path {
        let _ = std::fs::remove_file(p);
    }
}

/// The base archive analyzed, and its image `image` read as a base (its layers hashed).
fn open_base(path: &PathBuf, image: usize) -> Result<(build::Base, File), Failure> {
    let analysis = load(path, None).map_err(|e| ("base", e.to_string()))?;
    let mut f = File::open(path).map_err(|e| ("io", format!("{}: cannot open it: {e}.", path.display())))?;
    let base = build::read_base(&analysis, &mut f, image, &mut |_| true).map_err(|e| (e.code(), format!("{}: {e}", path.display())))?;
    Ok((base, f))
}

/// The rootfs tarball opened for reading twice (hash, then copy); stdin is first copied to a
/// file beside the output, or in the temporary directory when the output is stdout (removed
/// afterwards), since its bytes are needed twice.
fn open_rootfs(path: &Path, output: &Path) -> Result<(File, Option<PathBuf>), Failure> {
    if path != Path::new("-") {
        let f = File::open(path).map_err(|e| ("io", format!("{}: cannot open it: {e}.", path.display())))?;
        return Ok((f, None));
    }
    let spool = if to_stdout(output) { sibling(&std::env::temp_dir().join("stdout"), "rootfs") } else { sibling(output, "rootfs") };
    let copied = File::create(&spool).and_then(|mut f| {
        std::io::copy(&mut std::io::stdin().lock(), &mut f)?;
        f.flush()
    });
    if let Err(e) = copied {
        remove(Some(&spool));
        return Err(("io", format!("cannot copy standard input to {}: {e}.", spool.display())));
    }
    let f = File::open(&spool).map_err(|e| ("io", format!("{}: {e}.", spool.display())))?;
    Ok((f, Some(spool)))
}

/// A temporary file beside `path`: `.NAME.tarsier-WHAT-PID`.
fn sibling(path: &Path, what: &str) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.tarsier-{what}-{}", std::process::id()))
}

/// Writes the archive beside `out`, then renames it over `out`: a failed build leaves no
/// half-written archive. `-` streams it to standard output (a reader such as `podman load`
/// refuses a cut archive).
fn write_atomically(out: &Path, built: &build::Built, base: Option<&mut dyn ReadSeek>, rootfs: Option<&mut dyn ReadSeek>) -> Result<(), Failure> {
    if to_stdout(out) {
        let mut w = BufWriter::new(std::io::stdout().lock());
        return build::write_parts(&built.parts, base, rootfs, &mut w)
            .and_then(|_written| w.flush().map_err(|e| BuildError::Io { context: "writing the archive".into(), source: e }))
            .map_err(build_error);
    }
    let tmp = sibling(out, "partial");
    let written = File::create(&tmp)
        .map_err(|e| BuildError::Io { context: format!("creating {}", tmp.display()), source: e })
        .and_then(|f| {
            let mut w = BufWriter::new(f);
            build::write_parts(&built.parts, base, rootfs, &mut w)?;
            w.flush().map_err(|e| BuildError::Io { context: "writing the archive".into(), source: e })
        });
    if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, out).map_err(|e| BuildError::Io { context: format!("renaming to {}", out.display()), source: e })) {
        remove(Some(&tmp));
        return Err(build_error(e));
    }
    Ok(())
}

fn spec(args: &Args) -> Result<BuildSpec, Failure> {
    let invalid = |m: String| ("invalid", m);
    let json_list = |flag: &str, v: &Option<String>| -> Result<Option<Vec<String>>, Failure> {
        v.as_ref()
            .map(|text| serde_json::from_str::<Vec<String>>(text).map_err(|e| invalid(format!("--{flag} takes a JSON array of strings, such as [\"sh\",\"-c\",\"echo hi\"] ({e})."))))
            .transpose()
    };
    let created = match args.created.as_deref() {
        Some("now") => Some(now_rfc3339()),
        other => other.map(str::to_owned),
    };
    let platform = args.platform.as_deref().map(Platform::parse).transpose().map_err(build_error)?;
    let labels = args.label.iter().map(|l| pair("--label", l, "K=V").map(|(k, v)| (k.to_owned(), v.to_owned()))).collect::<Result<_, _>>()?;
    Ok(BuildSpec {
        format: if args.format == "oci" { Format::Oci } else { Format::Docker },
        gzip: args.gzip,
        tags: args.tags.clone(),
        changes: changes(args)?,
        config: ConfigSpec {
            cmd: json_list("cmd", &args.cmd)?,
            entrypoint: json_list("entrypoint", &args.entrypoint)?,
            env: args.env.clone(),
            working_dir: args.workdir.clone(),
            user: args.user.clone(),
            exposed_ports: args.expose.clone(),
            volumes: args.volume.clone(),
            labels,
            stop_signal: args.stop_signal.clone(),
            platform,
        },
        created_by: args.created_by.clone(),
        created,
    })
}

fn pair<'a>(flag: &str, text: &'a str, form: &str) -> Result<(&'a str, &'a str), Failure> {
    text.split_once('=').ok_or_else(|| ("invalid", format!("{flag} takes {form}; {text} has no \"=\".")))
}

fn changes(args: &Args) -> Result<Vec<Change>, Failure> {
    let mut out = Vec::new();
    for a in &args.add_file {
        let (dest, src) = pair("--add-file", a, "DEST=SRC")?;
        out.push(file_from_disk(dest, Path::new(src))?);
    }
    for a in &args.add {
        let (dest, text) = pair("--add", a, "DEST=TEXT")?;
        out.push(Change::File { path: dest.into(), body: text.as_bytes().to_vec(), mode: 0o644, uid: 0, gid: 0 });
    }
    out.extend(args.mkdir.iter().map(|d| Change::Dir { path: d.clone(), mode: 0o755, uid: 0, gid: 0 }));
    for s in &args.symlink {
        let (dest, target) = pair("--symlink", s, "DEST=TARGET")?;
        out.push(Change::Symlink { path: dest.into(), target: target.into(), uid: 0, gid: 0 });
    }
    out.extend(args.delete.iter().map(|p| Change::Delete { path: p.clone() }));
    for d in &args.replace {
        out.push(Change::Opaque { path: d.clone() });
    }
    Ok(out)
}

fn file_from_disk(dest: &str, src: &Path) -> Result<Change, Failure> {
    use std::io::Read;
    use std::os::unix::fs::PermissionsExt;
    let io = |e: std::io::Error| ("io", format!("{}: cannot read it: {e}.", src.display()));
    let f = File::open(src).map_err(io)?;
    let meta = f.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(("invalid", format!("{}: --add-file takes a regular file.", src.display())));
    }
    let mut body = Vec::new();
    f.take(MAX_ADD_FILE + 1).read_to_end(&mut body).map_err(io)?;
    if body.len() as u64 > MAX_ADD_FILE {
        return Err(("invalid", format!("{}: over {} MiB; add big trees as a rootfs tarball (--rootfs).", src.display(), MAX_ADD_FILE >> 20)));
    }
    Ok(Change::File { path: dest.into(), body, mode: meta.permissions().mode() & 0o7777, uid: 0, gid: 0 })
}

/// The current time as RFC 3339 (UTC, whole seconds).
fn now_rfc3339() -> String {
    build::format_rfc3339(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()))
}
