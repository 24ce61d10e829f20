//! Parallel indexing gives the same result as indexing in one go: for every real fixture archive,
//! and for the adversarial corpus (`scripts/make_adversarial.py`), every member is indexed on its
//! own with `index_member`, packed with `to_bytes` and unpacked with `from_bytes` (the trip
//! between workers), and adopted by `analyze_prepared`; the full JSON report, or the error, must
//! equal what `analyze` gives. The same holds for an analysis' own index exported
//! (`Analysis::export_index`, what the page hands the comparison's worker), packed, and adopted by
//! a second analysis of the same file, which then reads only the archive's own headers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;
use std::io::Write;

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;
use tarsier::core::image::{
    analyze, analyze_prepared, index_member, parallel_candidates, Analysis, ArchiveIndex, Flow, ImageError,
    Compression, Options, PreIndexed, SEEK_WINDOW,
};
use std::io::{Read, Seek, SeekFrom};

/// A reader that counts the bytes read through it.
struct Counting<'a> {
    inner: Cursor<&'a [u8]>,
    read: u64,
}

impl Read for Counting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

impl Seek for Counting<'_> {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(to)
    }
}

/// Analyzes `bytes` (counting what is read), exports the index, packs and unpacks it, and
/// analyzes again adopting it. `None` when the first analysis fails (nothing to export); else the
/// first result, the second, the layers exported, and the bytes each analysis read.
fn reanalyzed(bytes: &[u8], opts: &Options) -> Option<(String, String, usize, u64, u64)> {
    let len = bytes.len() as u64;
    let mut first_reader = Counting { inner: Cursor::new(bytes), read: 0 };
    let first = analyze(&mut first_reader, len, opts, &mut |_| Flow::Continue).ok()?;
    let packed = first.export_index().to_bytes();
    let index = ArchiveIndex::from_bytes(&packed).unwrap();
    assert_eq!(index.to_bytes(), packed, "packing round-trips");
    assert_eq!(index.total_len, len);
    let layers = index.layers.len();
    let mut second_reader = Counting { inner: Cursor::new(bytes), read: 0 };
    let second = outcome(analyze_prepared(&mut second_reader, len, opts, &mut |_| Flow::Continue, index.layers));
    Some((outcome(Ok(first)), second, layers, first_reader.read, second_reader.read))
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures")
}

/// The files below `dir`, sorted: descending into the directories `enter` accepts, keeping the
/// files `keep` accepts.
fn files_under(dir: &Path, enter: &dyn Fn(&Path) -> bool, keep: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for p in rd.flatten().map(|e| e.path()) {
            if p.is_dir() {
                if enter(&p) {
                    dirs.push(p);
                }
            } else if keep(&p) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn name_of(p: &Path) -> &str {
    p.file_name().and_then(|n| n.to_str()).unwrap_or_default()
}

fn outcome(r: Result<Analysis, ImageError>) -> String {
    match r {
        Ok(a) => serde_json::to_string(&a.full_report()).unwrap(),
        Err(e) => format!("error: {e}"),
    }
}

/// Prepares every member (no size floor), through bytes, and returns (prepared, result).
fn parallel(bytes: &[u8], opts: &Options) -> (usize, String) {
    let spans = parallel_candidates(Cursor::new(bytes), bytes.len() as u64, 0);
    let mut prepared = Vec::new();
    for c in spans {
        if let Some(p) = index_member(Cursor::new(bytes), bytes.len() as u64, c.span, opts, &mut |_| Flow::Continue).unwrap() {
            let packed = p.to_bytes();
            let back = PreIndexed::from_bytes(&packed).unwrap();
            assert_eq!(back.to_bytes(), packed, "packing round-trips");
            prepared.push(back);
        }
    }
    let n = prepared.len();
    (n, outcome(analyze_prepared(Cursor::new(bytes), bytes.len() as u64, opts, &mut |_| Flow::Continue, prepared)))
}

fn same_result(path: &Path) -> usize {
    let bytes = std::fs::read(path).unwrap();
    let opts = Options::named(path.file_name().unwrap().to_string_lossy());
    let serial = outcome(analyze(Cursor::new(&bytes), bytes.len() as u64, &opts, &mut |_| Flow::Continue));
    let (n, par) = parallel(&bytes, &opts);
    assert!(serial == par, "{}: parallel result differs\nserial:   {:.600}\nparallel: {:.600}", path.display(), serial, par);
    if let Some((first, second, layers, read_first, read_second)) = reanalyzed(&bytes, &opts) {
        assert!(first == serial, "{}: analysis is not repeatable", path.display());
        assert!(second == serial, "{}: the exported index gives another result\nserial:  {:.600}\nadopted: {:.600}", path.display(), serial, second);
        // The archive is read in windows of SEEK_WINDOW: a small one is read whole either way.
        let plain = !matches!(bytes.get(..2), Some([0x1f, 0x8b]) | Some([0x28, 0xb5]));
        if plain && layers > 0 && bytes.len() > 4 * SEEK_WINDOW {
            assert!(read_second < read_first, "{}: adopting {layers} layers read {read_second} bytes, indexing read {read_first}", path.display());
        }
    }
    n
}

#[test]
fn fixtures_index_the_same_in_parallel() {
    // Every archive, not the recorded ground truth beside it.
    let enter = |d: &Path| !name_of(d).ends_with(".truth");
    let keep = |f: &Path| [".tar", ".tar.gz", ".tgz", ".tar.zst", ".gz", ".zst", ".bin"].iter().any(|s| name_of(f).ends_with(s));
    let mut files = files_under(&fixtures().join("images"), &enter, &keep);
    files.extend(files_under(&fixtures().join("public"), &enter, &keep));
    assert!(files.len() >= 8, "fixtures missing: {files:?}");
    let mut layers = 0;
    for f in &files {
        layers += same_result(f);
    }
    // The uncompressed archives' layers really went through the parallel path.
    assert!(layers >= 20, "only {layers} layers were prepared");
    // And the exported indexes were adopted across every kind of archive: plain, gzip, OCI.
    let exported: usize = files.iter().filter_map(|f| {
        let bytes = std::fs::read(f).unwrap();
        reanalyzed(&bytes, &Options::named(name_of(f))).map(|r| r.2)
    }).sum();
    assert!(exported >= 30, "only {exported} layers were exported");
}

/// A packed archive index cut anywhere, or with a byte changed in its framing, is refused with a
/// sentence, never a panic; an index of another length is told by its `total_len`.
#[test]
fn a_damaged_archive_index_is_refused() {
    let path = fixtures().join("images/a1_podman_docker-archive.tar");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let a = analyze(Cursor::new(&bytes), bytes.len() as u64, &Options::named("a1.tar"), &mut |_| Flow::Continue).unwrap();
    let packed = a.export_index().to_bytes();
    assert!(packed.len() > 100);
    for cut in (0..packed.len()).step_by(7) {
        assert!(ArchiveIndex::from_bytes(&packed[..cut]).is_err(), "cut at {cut} accepted");
    }
    let mut longer = packed.clone();
    longer.push(0);
    assert!(ArchiveIndex::from_bytes(&longer).unwrap_err().contains("after its last layer"));
    let mut lying = packed.clone();
    let count_at = b"TARSIER-ARCHIVE-INDEX-1\n".len() + 8;
    lying[count_at..count_at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
    assert!(ArchiveIndex::from_bytes(&lying).unwrap_err().contains("counts more layers"));
    // At the bound: a count of exactly (bytes left) / 8 could be that many empty layers, so the
    // layers are read until the bytes run out; one more is a lie told before anything is read.
    let left = (packed.len() - count_at - 8) as u64;
    for (count, said) in [(left / 8, "is cut short"), (left / 8 + 1, "counts more layers")] {
        let mut lying = packed.clone();
        lying[count_at..count_at + 8].copy_from_slice(&count.to_le_bytes());
        let e = ArchiveIndex::from_bytes(&lying).unwrap_err();
        assert!(e.contains(said), "count {count} of {left} bytes left: {e}");
    }
}

/// Layers whose owners, paths, whiteouts and odd members overlap, so that a prepared layer's own
/// ids (paths, user names) differ from the analysis' and must be translated.
#[test]
fn overlapping_layers_index_the_same_in_parallel() {
    let mut l0 = Vec::new();
    for (name, kind, mode, link, owner) in [
        (&b"etc/"[..], b'5', 0o755, &b""[..], &b"root"[..]),
        (b"etc/passwd", b'0', 0o644, b"", b"alice"),
        (b"usr/bin/tool", b'0', 0o4755, b"", b"alice"),
        (b"usr/bin/hard", b'1', 0o755, b"usr/bin/tool", b"bob"),
        (b"dev/null", b'3', 0o666, b"", b"root"),
        (b"../escape", b'0', 0o644, b"", b"eve"),
        (b"etc/passwd", b'0', 0o600, b"", b"carol"),
    ] {
        push(&mut l0, header_owned(name, 0, kind, mode, link, owner), b"");
    }
    pax(&mut l0, &[("SCHILY.xattr.security.capability", &[1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])]);
    push(&mut l0, header_owned(b"usr/bin/ping", 5, b'0', 0o755, b"", b"alice"), b"ping\n");
    let l0 = finish(l0);
    let mut l1 = Vec::new();
    for (name, owner) in [(&b"etc/.wh.passwd"[..], &b"dave"[..]), (b"usr/.wh..wh..opq", b"bob"), (b"usr/lib/new", b"frank"), (b"etc/group", b"alice")] {
        push(&mut l1, header_owned(name, 3, b'0', 0o644, b"", owner), b"abc");
    }
    let l1 = finish(l1);
    let mut l2 = Vec::new();
    push(&mut l2, header_owned(b"usr/lib/.wh.new", 0, b'0', 0o644, b"", b"gina"), b"");
    push(&mut l2, header_owned(b"opt/app/run", 4, b'0', 0o777, b"", b"frank"), b"#!sh");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&finish(l2)).unwrap();
    let img = image_with(&[l0, l1, gz.finish().unwrap()], &["l0.tar", "l1.tar", "l2.tar"]);
    let opts = Options::named("overlap.tar");
    let serial = outcome(analyze(Cursor::new(&img), img.len() as u64, &opts, &mut |_| Flow::Continue));
    for owner in ["alice", "bob", "carol", "dave", "frank", "gina", "cap_net_raw"] {
        assert!(serial.contains(owner), "{owner} missing from the report");
    }
    let (n, par) = parallel(&img, &opts);
    assert_eq!(n, 3, "all three layers prepared");
    assert!(serial == par, "parallel result differs\nserial:   {serial:.2000}\nparallel: {par:.2000}");
}

/// A prepared layer is adopted only for the member it was made from: one made from another
/// archive whose layer starts at the same offset but has another size (a file replaced while
/// the helpers read it) is left out, and the result is the serial one.
#[test]
fn a_prepared_layer_of_another_size_is_not_adopted() {
    let layer = |files: &[(&[u8], &[u8])]| simple_layer(files);
    let a = image_with(&[layer(&[(b"etc/a", b"from a")])], &["l0.tar"]);
    let b = image_with(&[layer(&[(b"etc/b", b"from b"), (b"etc/c", &[b'c'; 2000])])], &["l0.tar"]);
    let opts = Options::named("x.tar");
    let span_a = parallel_candidates(Cursor::new(&a), a.len() as u64, 0)[0].span;
    let span_b = parallel_candidates(Cursor::new(&b), b.len() as u64, 0)[0].span;
    assert_eq!(span_a.offset, span_b.offset, "the layers start at the same offset");
    assert_ne!(span_a.size, span_b.size);
    let foreign = index_member(Cursor::new(&a), a.len() as u64, span_a, &opts, &mut |_| Flow::Continue).unwrap().unwrap();
    let serial = outcome(analyze(Cursor::new(&b), b.len() as u64, &opts, &mut |_| Flow::Continue));
    assert!(serial.contains("etc/c") && !serial.contains("etc/a"), "{serial:.1000}");
    let adopted = outcome(analyze_prepared(Cursor::new(&b), b.len() as u64, &opts, &mut |_| Flow::Continue, vec![foreign]));
    assert!(serial == adopted, "serial:   {serial:.1000}\nprepared: {adopted:.1000}");
}

#[test]
fn adversarial_corpus_indexes_the_same_in_parallel() {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("parallel-adversarial");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/make_adversarial.py");
    let ok = Command::new("python3")
        .arg(&script)
        .arg(&out)
        .arg("--fixtures")
        .arg(fixtures())
        .arg("--entries")
        .arg("20000")
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "could not generate the adversarial corpus: python3 (apt-get install python3) and ../shared/fixtures are needed");
    let files = files_under(
        &out,
        // Pastes are not archives; bombs (small files that inflate to the limits) are about
        // limits, which tests/adversarial.rs checks: the point here is damaged headers and odd
        // members.
        &|d| !d.ends_with("paste") && !d.ends_with("bomb"),
        // Nor huge files.
        &|f| f.extension().is_none_or(|x| x != "txt") && f.metadata().is_ok_and(|m| m.len() <= 64 << 20),
    );
    assert!(files.len() >= 50, "corpus too small: {}", files.len());
    for f in &files {
        same_result(f);
    }
}

/// The page counts a prepared layer's files with `PreIndexed::entries` (the progress line's
/// "N files"): for each layer of two real archives (plain and gzip layers), GNU tar's `tar -tf`
/// of that member lists as many entries.
#[test]
fn a_prepared_layers_entry_count_is_gnu_tars() {
    let mut checked = 0;
    for rel in ["images/a1_podman_docker-archive.tar", "images/b1_podman_oci-archive.tar"] {
        let bytes = std::fs::read(fixtures().join(rel)).unwrap();
        let opts = Options::named(rel);
        for c in parallel_candidates(Cursor::new(&bytes[..]), bytes.len() as u64, 0) {
            let Some(p) = index_member(Cursor::new(&bytes[..]), bytes.len() as u64, c.span, &opts, &mut |_| Flow::Continue).unwrap() else { continue };
            let start = usize::try_from(c.span.offset).unwrap();
            let member = &bytes[start..start + usize::try_from(c.span.size).unwrap()];
            let filter = match c.compression {
                Compression::Gzip => "--gzip",
                Compression::Zstd => "--zstd",
                Compression::None => "--no-auto-compress",
            };
            let mut tar = Command::new("tar").args([filter, "-tf", "-"]).stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).spawn().expect("GNU tar");
            let mut stdin = tar.stdin.take().unwrap();
            let body = member.to_vec();
            let writer = std::thread::spawn(move || stdin.write_all(&body));
            let out = tar.wait_with_output().unwrap();
            writer.join().unwrap().unwrap();
            assert!(out.status.success(), "{rel}: tar -t of member at {}", c.span.offset);
            let listed = String::from_utf8_lossy(&out.stdout).lines().count();
            assert_eq!(p.entries(), listed, "{rel}: member at {}", c.span.offset);
            checked += 1;
        }
    }
    assert!(checked >= 4, "only {checked} layers were prepared");
}

/// The CLI's `--threads` (its `prepare`: the big layers of an uncompressed archive indexed on
/// threads, largest first, then adopted) changes nothing it prints. No fixture has two layers of
/// 1 MiB or more, so without this archive (three such layers, their paths overlapping, one
/// whiting out another's file) the threads would never run in a test.
#[test]
fn the_cli_prints_the_same_with_threads() {
    let big = vec![b'x'; (1 << 20) + 1000];
    let l0 = simple_layer(&[(b"etc/a", b"a0"), (b"usr/big0", &big[..(1 << 20) + 512]), (b"etc/gone", b"g")]);
    let l1 = simple_layer(&[(b"etc/a", b"a1"), (b"usr/big1", &big[..(1 << 20) + 100]), (b"etc/.wh.gone", b"")]);
    let l2 = simple_layer(&[(b"usr/big2", &big), (b"etc/b", b"b")]);
    let img = image_with(&[l0, l1, l2], &["l0.tar", "l1.tar", "l2.tar"]);
    let spans = parallel_candidates(Cursor::new(&img), img.len() as u64, tarsier::core::image::PARALLEL_MIN_MEMBER);
    assert_eq!(spans.len(), 3, "three layers big enough for a thread");
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("three-big-layers.tar");
    std::fs::write(&path, &img).unwrap();
    let run = |args: &[&str], threads: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_tarsier")).args(args).args(["--threads", threads]).arg(&path).output().unwrap();
        assert!(out.status.success(), "{args:?} --threads {threads}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    for (args, third_layer) in [(&["inspect", "--json"][..], "\"l2.tar\""), (&["inspect"][..], "#2 ")] {
        let serial = run(args, "1");
        assert!(serial.contains(third_layer), "{serial:.2000}");
        for threads in ["2", "3", "8"] {
            assert!(run(args, threads) == serial, "{args:?} with {threads} threads differs from one");
        }
    }
}
