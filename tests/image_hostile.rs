//! Hostile and damaged archives built in code: truncation at many offsets, size-field overflow,
//! non-octal numbers, path traversal, a layer listed twice, absent layers, a gzip bomb, non-UTF-8
//! names, bad JSON, short reads. Each gives a typed error or a warning, never a panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;

use std::io::{Cursor, Read, Seek, SeekFrom, Write};
use tarsier::core::image::{analyze, list_layer, read_entry, Analysis, FindingKind, Flow, ImageError, Options};

fn run(bytes: &[u8]) -> Result<Analysis, ImageError> {
    run_opts(bytes, &Options::named("hostile.tar"))
}

fn run_opts(bytes: &[u8], opts: &Options) -> Result<Analysis, ImageError> {
    analyze(Cursor::new(bytes), bytes.len() as u64, opts, &mut |_| {
        Flow::Continue
    })
}

/// GNU tar, the oracle, run on `bytes` as a scratch archive: `tar -f FILE ARGS` (GNU tar takes
/// `-f` before the operation), with `TZ=UTC` for its dates, in a scratch directory (the cwd, for
/// what `-x` extracts) that is removed after; with the tree `-x` left there, if `keep` wants it.
fn gnu_tar_in(bytes: &[u8], args: &[&str], keep: impl FnOnce(&std::path::Path)) -> std::process::Output {
    static SCRATCH: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = SCRATCH.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("tarsier-hostile-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("scratch.tar"), bytes).unwrap();
    let out = std::process::Command::new("tar").current_dir(&dir).env("TZ", "UTC").args(["-f", "scratch.tar"]).args(args).output().expect("GNU tar: apt-get install tar");
    keep(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    out
}

/// [`gnu_tar_in`] without a look at the directory.
fn gnu_tar(bytes: &[u8], args: &[&str]) -> std::process::Output {
    gnu_tar_in(bytes, args, |_| ())
}

fn base_image() -> Vec<u8> {
    let l0 = simple_layer(&[
        (b"etc/", b""),
        (b"etc/passwd", b"root:x:0:0::/root:/bin/sh\n"),
        (b"big", &[7u8; 3000]),
    ]);
    let l1 = simple_layer(&[(b"etc/.wh.passwd", b""), (b"new", b"hello")]);
    image_with(&[l0, l1], &["l0.tar", "l1.tar"])
}

#[test]
fn base_image_is_fine() {
    let a = run(&base_image()).unwrap();
    let img = &a.report.images[0];
    assert_eq!(img.layers.len(), 2);
    assert!(
        a.merged_entry(0, "etc/passwd").unwrap().status
            == tarsier::core::image::MergedStatus::Deleted
    );
    assert!(img
        .findings
        .iter()
        .any(|f| f.kind == FindingKind::SecretEnv));
    assert!(img
        .findings
        .iter()
        .any(|f| f.kind == FindingKind::RunsAsRoot));
}

/// Every cut, the ones inside the final two zero blocks included, is an error or a warning:
/// never a clean report.
#[test]
fn truncated_at_every_offset_errors_or_warns_never_panics() {
    let full = base_image();
    for cut in
        (1..full.len())
            .step_by(37)
            .chain([512, 1024, 1536, full.len() - 1024, full.len() - 512, full.len() - 1])
    {
        match run(&full[..cut]) {
            Ok(a) => assert!(!a.report.warnings.is_empty(), "cut {cut} of {}: silent success", full.len()),
            Err(e) => {
                // A sentence without the file's name (the edge adds it), and a position inside
                // the bytes that were there.
                let m = e.to_string();
                assert!(!m.contains("hostile.tar") && m.ends_with('.'), "cut {cut}: {m}");
                if let Some(at) = e.position() {
                    assert!(at.offset <= cut as u64, "cut {cut}: position {at:?} beyond the end: {m}");
                }
            }
        }
    }
    assert!(run(&full).unwrap().report.warnings.is_empty());
}

fn codes(a: &Analysis) -> Vec<&str> {
    a.report.warnings.iter().map(|w| w.code.as_str()).collect()
}

/// The messages of the warnings with this code.
fn messages<'a>(a: &'a Analysis, code: &str) -> Vec<&'a str> {
    a.report.warnings.iter().filter(|w| w.code == code).map(|w| w.message.as_str()).collect()
}

/// The end-of-archive marker is two zero blocks; an archive cut after the first one is cut
/// short, which a walk that stops at the first zero block cannot tell.
#[test]
fn an_archive_cut_inside_its_end_marker_warns() {
    let full = base_image();
    for cut in [full.len() - 512, full.len() - 100] {
        let a = run(&full[..cut]).unwrap();
        assert_eq!(codes(&a), ["lone_zero_block"], "cut {cut}");
        assert_eq!(a.report.images[0].layers.len(), 2);
    }
    // Cut before the marker: no marker at all.
    let a = run(&full[..full.len() - 1024]).unwrap();
    assert_eq!(codes(&a), ["no_end_marker"]);
    // A zero block followed by something else is a lone zero block too (as GNU tar says).
    let mut odd = full[..full.len() - 512].to_vec();
    odd.extend_from_slice(&[1u8; 512]);
    assert_eq!(codes(&run(&odd).unwrap()), ["lone_zero_block"]);
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// gzip's trailer (RFC 1952: CRC32 and ISIZE of the data) missing in part or whole, or wrong.
fn damaged_trailers(gz: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let n = gz.len();
    let mut bad_crc = gz.to_vec();
    bad_crc[n - 8] ^= 0xff;
    let mut bad_size = gz.to_vec();
    bad_size[n - 4] ^= 0x01;
    vec![
        ("no trailer", gz[..n - 8].to_vec()),
        ("no ISIZE", gz[..n - 4].to_vec()),
        ("half an ISIZE", gz[..n - 2].to_vec()),
        ("a wrong CRC32", bad_crc),
        ("a wrong ISIZE", bad_size),
    ]
}

/// A gzip layer whose tar is whole but whose trailer is missing or wrong: the layer's bytes
/// are not what was written, so the layer is damaged, although its listing is whole.
#[test]
fn a_gzip_layer_with_a_missing_or_wrong_trailer_is_a_damaged_layer() {
    let layer = simple_layer(&[(b"etc/", b""), (b"etc/hostname", b"box\n")]);
    let gz = gzip(&layer);
    let a = run(&image_with(std::slice::from_ref(&gz), &["l0.tar"])).unwrap();
    assert!(a.report.warnings.is_empty(), "{:?}", a.report.warnings);
    for (what, bad) in damaged_trailers(&gz) {
        let a = run(&image_with(std::slice::from_ref(&bad), &["l0.tar"])).unwrap();
        assert_eq!(codes(&a), ["damaged_layer"], "{what}");
        assert!(a.report.warnings[0].message.contains("l0.tar"), "{what}: {}", a.report.warnings[0].message);
        assert_eq!(a.report.layers[0].entry_count, 2, "{what}: the listing is whole");
        assert!(a.merged_entry(0, "etc/hostname").is_some(), "{what}");
        // A bare layer listed on its own: an error.
        let e = list_layer(Cursor::new(&bad), &Options::named("l0.tar.gz")).unwrap_err();
        assert!(matches!(e.code(), "truncated" | "corrupt"), "{what}: {e}");
    }
    assert_eq!(list_layer(Cursor::new(&gz), &Options::named("l0.tar.gz")).unwrap().len(), 2);
}

/// The same for a gzip-compressed archive: what was read is whole, the file is not.
#[test]
fn a_gzip_archive_with_a_missing_or_wrong_trailer_warns() {
    let gz = gzip(&base_image());
    let a = run(&gz).unwrap();
    assert!(a.report.warnings.is_empty(), "{:?}", a.report.warnings);
    for (what, bad) in damaged_trailers(&gz) {
        let a = run(&bad).unwrap();
        assert_eq!(codes(&a), ["damaged_stream"], "{what}");
        assert_eq!(a.report.images[0].layers.len(), 2, "{what}");
    }
}

/// A gzip layer whose tar ends at once (its first block is zeros) but whose compressed data
/// goes on expanding: the rest is inflated to its end, so the limits see it.
#[test]
fn a_gzip_bomb_after_an_empty_tar_is_stopped_by_the_limit() {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..64 {
        enc.write_all(&zeros).unwrap();
    }
    let img = image_with(&[enc.finish().unwrap()], &["l0.tar"]);
    let mut opts = Options::named("bomb.tar");
    opts.max_layer_bytes = 1 << 20;
    let a = run_opts(&img, &opts).unwrap();
    assert_eq!(codes(&a), ["damaged_layer"]);
    assert!(a.report.warnings[0].message.contains("limit"), "{}", a.report.warnings[0].message);
    assert_eq!(a.report.layers[0].entry_count, 0);
}

/// A shared fixture's bytes; a missing one fails the test, saying where it should be.
fn fixture(name: &str) -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/images").join(name);
    std::fs::read(&p).unwrap_or_else(|e| {
        panic!("the shared fixture {} is missing ({e}): put the fixtures at ../shared/fixtures", p.display())
    })
}

#[test]
fn truncated_real_fixture_and_gzip() {
    let full = fixture("a1_podman_docker-archive.tar");
    for cut in [
        100,
        512,
        513,
        4096,
        700_000,
        2_027_000,
        2_040_000,
        full.len() - 600,
    ] {
        let r = run(&full[..cut]);
        assert!(r.is_err(), "cut {cut}");
        assert!(
            matches!(
                r.unwrap_err().code(),
                "truncated" | "not_an_archive" | "missing_manifest"
            ),
            "cut {cut}"
        );
    }
    let gz = fixture("a5_podman_docker-archive.tar.gz");
    for cut in [10, 20_000, 500_000, gz.len() - 2000] {
        let e = run(&gz[..cut]).unwrap_err();
        assert!(
            matches!(e.code(), "truncated" | "corrupt" | "io"),
            "gz cut {cut}: {e}"
        );
    }
}

#[test]
fn size_field_overflow_and_non_octal() {
    // outer member whose size claims 8 GiB
    let mut out = Vec::new();
    let mut h = header(b"manifest.json", 0, b'0', 0o644, b"");
    h[124..136].copy_from_slice(b"77777777777\0");
    fix_checksum(&mut h);
    out.extend_from_slice(&h);
    out.extend_from_slice(&[b'{'; 600]);
    let e = run(&out).unwrap_err();
    assert_eq!(e.code(), "truncated", "{e}");
    // base-256 size larger than u64
    let mut h = header(b"x", 0, b'0', 0o644, b"");
    h[124] = 0x80;
    for b in &mut h[125..136] {
        *b = 0xff;
    }
    fix_checksum(&mut h);
    let mut out = h.to_vec();
    out.extend_from_slice(&[0u8; 1024]);
    let e = run(&out).unwrap_err();
    assert_eq!(e.code(), "corrupt", "{e}");
    // non-octal mode in the outer archive
    let mut h = header(b"manifest.json", 2, b'0', 0o644, b"");
    h[100..108].copy_from_slice(b"0z44\0\0\0\0");
    fix_checksum(&mut h);
    let mut out = Vec::new();
    push(&mut out, h, b"[]");
    let e = run(&finish(out)).unwrap_err();
    assert_eq!(e.code(), "corrupt", "{e}");
    assert!(e.to_string().contains("byte 0"), "{e}");
    // non-octal size inside a layer: a warning, the rest of the image still analyzed
    let mut l = Vec::new();
    file(&mut l, b"ok", b"fine");
    let mut h = header(b"bad", 1, b'0', 0o644, b"");
    h[124..136].copy_from_slice(b"12x45678901\0");
    fix_checksum(&mut h);
    push(&mut l, h, b"x");
    let img = image_with(&[finish(l)], &["l0.tar"]);
    let a = run(&img).unwrap();
    assert!(
        a.report.warnings.iter().any(|w| w.code == "damaged_layer"),
        "{:?}",
        a.report.warnings
    );
    assert!(a.merged_entry(0, "ok").is_some());
}

#[test]
fn path_traversal_names_are_flagged_not_merged() {
    let l = simple_layer(&[
        (b"../../etc/evil", b"x"),
        (b"/abs/file", b"y"),
        (b"./a/../../b", b"z"),
    ]);
    let a = run(&image_with(&[l], &["l0.tar"])).unwrap();
    let img = &a.report.images[0];
    let trav: Vec<&str> = img
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::PathTraversal)
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(trav.len(), 2, "{trav:?}");
    assert!(a.merged_entry(0, "abs/file").is_some());
    assert!(a
        .merged_tree(0, true)
        .unwrap()
        .iter()
        .all(|e| !e.path.contains("..")));
}

#[test]
fn a_layer_listed_twice_warns() {
    let l0 = simple_layer(&[(b"f", b"1")]);
    let a = run(&image_with(&[l0], &["l0.tar", "l0.tar"])).unwrap();
    assert!(a
        .report
        .warnings
        .iter()
        .any(|w| w.code == "layer_listed_twice"));
    assert_eq!(a.report.layers.len(), 1);
    assert_eq!(a.report.images[0].layers.len(), 2);
}

#[test]
fn manifest_naming_absent_layers_is_an_error() {
    let l0 = simple_layer(&[(b"f", b"1")]);
    let e = run(&image_with(&[l0], &["l0.tar", "missing.tar"])).unwrap_err();
    assert_eq!(e.code(), "missing_member");
    assert!(e.to_string().contains("missing.tar"), "{e}");
}

#[test]
fn an_archive_without_a_manifest_says_which_one_it_lacks() {
    let detail = |members: &[(&[u8], &[u8])]| {
        let mut out = Vec::new();
        for (name, body) in members {
            file(&mut out, name, body);
        }
        let e = run(&finish(out)).unwrap_err();
        assert_eq!(e.code(), "missing_manifest", "{e}");
        e.to_string()
    };
    let legacy = detail(&[(b"repositories", b"{\"busybox\":{\"latest\":\"abc\"}}"), (b"abc/layer.tar", b"")]);
    assert!(legacy.contains("pre-Docker-1.10 repositories file"), "{legacy}");
    let neither = detail(&[(b"etc/passwd", b"root:x:0:0::/root:/bin/sh\n")]);
    assert!(neither.ends_with("it has no manifest.json and no index.json."), "{neither}");
    assert!(detail(&[(b"manifest.json", b"null")]).ends_with("manifest.json is null."));
    assert!(detail(&[(b"manifest.json", b"[]")]).ends_with("manifest.json is an empty list."));
}

#[test]
fn bad_json_names_member_and_position() {
    let mut out = Vec::new();
    file(&mut out, b"manifest.json", b"[{\"Config\": \"c.json\",,}]");
    let e = run(&finish(out)).unwrap_err();
    assert_eq!(e.code(), "bad_json");
    let m = e.to_string();
    assert!(m.contains("manifest.json") && m.contains("line 1"), "{m}");
}

#[test]
fn not_a_tar_and_empty_input() {
    assert_eq!(run(b"").unwrap_err().code(), "not_an_archive");
    let junk: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
    assert_eq!(run(&junk).unwrap_err().code(), "not_an_archive");
    assert_eq!(run(&[0x1f, 0x8b, 0, 0]).unwrap_err().code(), "truncated");
}

/// The sentence every wrongly dropped file ends with: what Tarsier opens instead.
const OPENS: &str = "Tarsier opens what docker save, podman save or skopeo copy writes: a tar archive (docker-archive or OCI layout), optionally gzip- or zstd-compressed.";

/// A real zip, written by Python's zipfile (outside truth for the zip format).
fn python_zip() -> Vec<u8> {
    let dir = std::env::temp_dir().join(format!("tarsier-zip-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("archive.zip");
    let status = std::process::Command::new("python3")
        .args(["-c", "import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], 'w') as z: z.writestr('manifest.json', '[]'); z.writestr('layer.tar', 'x' * 100)", path.to_str().unwrap()])
        .status()
        .expect("python3 runs");
    assert!(status.success());
    let bytes = std::fs::read(&path).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    bytes
}

/// Files dropped by mistake are named by what they are, in one plain sentence (no position, no
/// backtick), with advice where there is some; a tar whose first member's name looks like a
/// magic number is still read as a tar.
#[test]
fn wrong_formats_are_named_in_plain_words() {
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89";
    let mut cut_text = "CapEff:\t0000003fffffffff\n".repeat(30).into_bytes();
    cut_text.truncate(511);
    cut_text.extend_from_slice("é and more".as_bytes()); // 'é' split by the 512-byte sample
    let cases: Vec<(Vec<u8>, &str, &str)> = vec![
        (python_zip(), "a zip archive", ""),
        (b"PK\x05\x06".iter().copied().chain([0u8; 18]).collect(), "an empty zip archive", ""),
        (png.to_vec(), "a PNG image", ""),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00".to_vec(), "a JPEG image", ""),
        (b"GIF89a\x01\x00\x01\x00".to_vec(), "a GIF image", ""),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec(), "a PDF document", ""),
        (b"\xfd7zXZ\x00\x00\x04".to_vec(), "an xz-compressed file", "Decompress it first (xz -d), or save the image again uncompressed or with gzip or zstd. "),
        (b"BZh91AY&SY".to_vec(), "a bzip2-compressed file", "Decompress it first (bunzip2), or save the image again uncompressed or with gzip or zstd. "),
        (b"\x7fELF\x02\x01\x01".to_vec(), "an ELF program", ""),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ".to_vec(), "a WebP image", ""),
        (Vec::new(), "an empty file (0 bytes)", ""),
        (b"  [{\"Config\": \"c.json\"}]\n".to_vec(), "JSON text", "A manifest.json or index.json alone is not enough: Tarsier needs the whole archive with the layers. "),
        (b"\n<!doctype html><title>x</title>".to_vec(), "an HTML or XML page", ""),
        (b"Name:\tbash\nCapEff:\t0000000000000000\n".to_vec(), "plain text", "A /proc/PID/status dump, a capability mask or an AppArmor label goes in the Process tool (tarsier status or tarsier caps on the command line). "),
        (b"\x1b[1mbold\x1b[0m\r\n\x0cpage\n".to_vec(), "plain text", "A /proc/PID/status dump, a capability mask or an AppArmor label goes in the Process tool (tarsier status or tarsier caps on the command line). "),
        (cut_text, "plain text", "A /proc/PID/status dump, a capability mask or an AppArmor label goes in the Process tool (tarsier status or tarsier caps on the command line). "),
    ];
    for (bytes, what, hint) in cases {
        let e = run(&bytes).unwrap_err();
        assert_eq!(e.code(), "not_an_archive", "{what}");
        assert_eq!(e.to_string(), format!("this is {what}, not a container image archive. {hint}{OPENS}"));
        assert!(e.position().is_none() && !e.to_string().contains('`'), "{e}");
        let found = tarsier::core::image::foreign_format(&bytes);
        assert_eq!(found.map(|f| f.what), (!bytes.is_empty()).then_some(what), "{what}");
    }
    // Not text: a NUL, a bell, a broken UTF-8 sequence inside the sample, only blanks.
    for bytes in [&b"Name:\tbash\x00\n"[..], b"ring \x07\n", b"caf\xc3 au lait", b" \n\t \n"] {
        assert_eq!(tarsier::core::image::foreign_format(bytes), None, "{bytes:?}");
        let e = run(bytes).unwrap_err();
        assert!(!e.to_string().contains("not a container image archive"), "{bytes:?}: {e}");
    }
    // A real tar (ustar at byte 257) whose first member is named like a zip or a PDF is a tar.
    for name in [&b"PK\x03\x04.txt"[..], b"%PDF-notes", b"BZh", b"plain name"] {
        let mut out = Vec::new();
        file(&mut out, name, b"hello");
        let tar = finish(out);
        assert_eq!(tarsier::core::image::foreign_format(&tar), None);
        assert_eq!(run(&tar).unwrap_err().code(), "missing_manifest", "{name:?}");
    }
    // gzip and zstd are read, whatever follows their magic.
    assert_eq!(run(&[0x1f, 0x8b, b'P', b'K']).unwrap_err().code(), "truncated");
}

#[test]
fn gzip_bomb_is_capped_by_the_named_limit() {
    // A gzip layer holding one 64 MiB file of zeros (about 64 KiB compressed).
    let mut l = Vec::new();
    l.extend_from_slice(&header(b"zeros", 64 << 20, b'0', 0o644, b""));
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(&l).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..64 {
        enc.write_all(&zeros).unwrap();
    }
    enc.write_all(&[0u8; 1024]).unwrap();
    let gz = enc.finish().unwrap();
    let img = image_with(&[gz], &["l0.tar"]);
    let mut opts = Options::named("bomb.tar");
    opts.max_layer_bytes = 1 << 20;
    let a = run_opts(&img, &opts).unwrap();
    // Stopped at the limit, not after inflating all 64 MiB.
    assert!(a.report.layers[0].uncompressed_size <= opts.max_layer_bytes, "{}", a.report.layers[0].uncompressed_size);
    let w = a
        .report
        .warnings
        .iter()
        .find(|w| w.code == "damaged_layer")
        .expect("limit warning");
    assert!(w.message.contains("limit"), "{}", w.message);
}

/// The default cap on a layer's decompressed bytes is 256 GiB: a gzip layer of a file of 1.1 GiB
/// (compressed about 60 to 1, under the bomb guard's ratio) is read whole, its file as long as
/// its header says, with no limit reached.
#[test]
fn a_layer_of_more_than_one_gib_is_within_the_default_limit() {
    const BODY: u64 = (1 << 30) + (100 << 20);
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(&header(b"big.bin", BODY, b'0', 0o644, b"")).unwrap();
    // 4 KiB blocks of zeros, each with 64 bytes of xorshift noise: about 60 to 1 compressed.
    let mut block = vec![0u8; 4096];
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..BODY / 4096 {
        for chunk in block[..64].chunks_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            chunk.copy_from_slice(&x.to_le_bytes());
        }
        enc.write_all(&block).unwrap();
    }
    enc.write_all(&[0u8; 1024]).unwrap();
    let gz = enc.finish().unwrap();
    assert!(BODY / gz.len() as u64 > 20 && BODY / (gz.len() as u64) < 200, "{}", gz.len());
    let a = run(&image_with(&[gz], &["l0.tar"])).unwrap();
    assert!(a.report.warnings.is_empty(), "{:?}", a.report.warnings);
    assert_eq!(a.report.layers[0].uncompressed_size, 512 + BODY + 1024);
    assert_eq!(a.merged_entry(0, "big.bin").map(|e| e.size), Some(BODY));
}

/// Progress comes at a bounded rate: about one report per MiB of input (`PROGRESS_BYTES`) or 4096
/// entries, never one per entry. A layer of 2,048 files of 4 KiB (9 MiB) gives 8 or 9 reports
/// while it is indexed (measured: 8, at 1 MiB and 3 KiB apart), not thousands.
#[test]
fn progress_comes_about_once_per_mib() {
    let files: Vec<(Vec<u8>, Vec<u8>)> = (0..2048).map(|i| (format!("d/f{i:04}").into_bytes(), vec![b'x'; 4096])).collect();
    let refs: Vec<(&[u8], &[u8])> = files.iter().map(|(n, b)| (n.as_slice(), b.as_slice())).collect();
    let img = image_with(&[simple_layer(&refs)], &["l0.tar"]);
    assert!(img.len() > 9 << 20 && img.len() < 10 << 20, "{}", img.len());
    let mut indexing = 0;
    analyze(Cursor::new(&img), img.len() as u64, &Options::named("many.tar"), &mut |p| {
        // (The overview's quick walk over the headers reports with no bytes: for Cancel only.)
        indexing += usize::from(p.phase == tarsier::core::image::Phase::Indexing && p.bytes_done > 0);
        Flow::Continue
    })
    .unwrap();
    assert!((8..=9).contains(&indexing), "{indexing} reports while indexing");
}

/// A GNU long name of 64 KiB (`MAX_LONG_NAME`: 65,535 bytes and its NUL) is read, as GNU tar
/// lists it; one byte more damages the layer there, naming the long name.
#[test]
fn a_gnu_long_name_of_sixty_four_kib_is_read_and_one_byte_more_is_named() {
    for body in [64usize << 10, (64 << 10) + 1] {
        let name = "d/".repeat((body - 2) / 2) + &"f".repeat(body - 1 - (body - 2) / 2 * 2);
        assert_eq!(name.len() + 1, body);
        let mut l = Vec::new();
        file(&mut l, b"before", b"b\n");
        push(&mut l, header(b"././@LongLink", body as u64, b'L', 0o644, b""), format!("{name}\0").as_bytes());
        file(&mut l, b"truncated-name", b"long\n");
        let layer = finish(l);
        let a = run(&image_with(std::slice::from_ref(&layer), &["l0.tar"])).unwrap();
        let damaged = messages(&a, "damaged_layer");
        if body == 64 << 10 {
            let gnu = gnu_tar(&layer, &["-t"]);
            assert!(gnu.status.success(), "{}", String::from_utf8_lossy(&gnu.stderr));
            assert_eq!(String::from_utf8_lossy(&gnu.stdout).lines().nth(1), Some(name.as_str()));
            assert!(damaged.is_empty(), "{damaged:?}");
            assert_eq!(a.merged_entry(0, &name).map(|e| e.size), Some(5));
        } else {
            assert!(damaged.len() == 1 && damaged[0].contains("GNU long name"), "{:?}", a.report.warnings);
            assert!(a.merged_entry(0, "before").is_some());
        }
    }
}

/// An extended attribute of 64 KiB (`MAX_XATTR_VALUE`) is kept with its size; one byte more is
/// left out (the entry is kept).
#[test]
fn an_xattr_of_sixty_four_kib_is_kept_and_one_byte_more_is_not() {
    for size in [64usize << 10, (64 << 10) + 1] {
        let value = vec![b'v'; size];
        let mut l = Vec::new();
        pax(&mut l, &[("SCHILY.xattr.user.big", &value)]);
        file(&mut l, b"with-xattr", b"x\n");
        let a = run(&image_with(&[finish(l)], &["l0.tar"])).unwrap();
        let page = a.layer_entries(0, 0, 10).unwrap();
        assert_eq!(page.items.len(), 1);
        let kept: Vec<(&str, usize)> = page.items[0].xattrs.iter().map(|x| (x.name.as_str(), x.size)).collect();
        let want: Vec<(&str, usize)> = if size == 64 << 10 { vec![("user.big", size)] } else { vec![] };
        assert_eq!(kept, want);
    }
}

#[test]
fn non_utf8_names_are_kept_and_escaped() {
    let l = simple_layer(&[(b"dir/bad\xffname", b"payload")]);
    let bytes = image_with(&[l], &["l0.tar"]);
    let a = run(&bytes).unwrap();
    let page = a.layer_entries(0, 0, 10).unwrap();
    let e = &page.items[0];
    assert_eq!(e.path, "dir/bad\\xffname");
    assert!(e.path_b64.is_some());
    let listed = a.list_dir(0, "dir", false).unwrap();
    assert_eq!(listed[0].name, "bad\\xffname");
    let body = read_entry(Cursor::new(&bytes), &a, 0, "dir/bad\\xffname", 0, 100).unwrap();
    assert_eq!(body, b"payload");
}

#[test]
fn gnu_long_names_pax_records_and_duplicates() {
    let long = "d/".repeat(80) + "file.txt";
    let mut l = Vec::new();
    push(
        &mut l,
        header(b"././@LongLink", long.len() as u64 + 1, b'L', 0o644, b""),
        format!("{long}\0").as_bytes(),
    );
    file(&mut l, b"truncated-name", b"long");
    let pax = "30 SCHILY.xattr.user.test=abc\n";
    let path_rec = format!("{} path=pax/{}\n", 0, "p".repeat(150));
    // fix the PAX length field (length includes itself)
    let body_len = path_rec.len() - 1;
    let mut n = body_len + body_len.to_string().len();
    if (n).to_string().len() != body_len.to_string().len() {
        n += 1;
    }
    let path_rec = format!("{n} path=pax/{}\n", "p".repeat(150));
    let pax_body = format!("{pax}{path_rec}");
    push(
        &mut l,
        header(b"PaxHeader/x", pax_body.len() as u64, b'x', 0o644, b""),
        pax_body.as_bytes(),
    );
    file(&mut l, b"short", b"pax");
    file(&mut l, b"dup", b"1");
    file(&mut l, b"dup", b"22");
    let a = run(&image_with(&[finish(l)], &["l0.tar"])).unwrap();
    let page = a.layer_entries(0, 0, 10).unwrap();
    assert_eq!(page.items[0].path, long);
    assert_eq!(page.items[1].path, format!("pax/{}", "p".repeat(150)));
    assert_eq!(page.items[1].xattrs[0].name, "user.test");
    let img = &a.report.images[0];
    // One finding for the path that occurs twice (not for every path's first occurrence).
    let dups: Vec<(&str, Option<usize>)> = img.findings.iter().filter(|f| f.kind == FindingKind::DuplicateEntry).map(|f| (f.path.as_str(), f.layer)).collect();
    assert_eq!(dups, [("dup", Some(0))]);
    assert_eq!(a.merged_entry(0, "dup").unwrap().size, 2);
}

/// A reader that returns at most 7 bytes per call.
struct Trickle(Cursor<Vec<u8>>);
impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(7);
        self.0.read(&mut buf[..n])
    }
}
impl Seek for Trickle {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.0.seek(pos)
    }
}

#[test]
fn short_reads_give_the_same_analysis() {
    let bytes = base_image();
    let a = run(&bytes).unwrap();
    let b = analyze(
        Trickle(Cursor::new(bytes.clone())),
        bytes.len() as u64,
        &Options::named("hostile.tar"),
        &mut |_| Flow::Continue,
    )
    .unwrap();
    assert_eq!(
        serde_json::to_string(&a.full_report()).unwrap(),
        serde_json::to_string(&b.full_report()).unwrap()
    );
    let body = read_entry(Trickle(Cursor::new(bytes)), &b, 0, "big", 100, 50).unwrap();
    assert_eq!(body, vec![7u8; 50]);
}

#[test]
fn hardlink_to_missing_target_and_escaping_symlink() {
    let mut l = Vec::new();
    push(&mut l, header(b"etc/", 0, b'5', 0o755, b""), b"");
    push(&mut l, header(b"etc/hl", 0, b'1', 0o644, b"nowhere"), b"");
    push(
        &mut l,
        header(b"etc/esc", 0, b'2', 0o777, b"../../../host"),
        b"",
    );
    push(&mut l, header(b"tmpw", 0, b'5', 0o777, b""), b"");
    let a = run(&image_with(&[finish(l)], &["l0.tar"])).unwrap();
    let f = &a.report.images[0].findings;
    assert!(f
        .iter()
        .any(|x| x.kind == FindingKind::HardlinkMissingTarget && x.path == "etc/hl"));
    assert!(f
        .iter()
        .any(|x| x.kind == FindingKind::SymlinkEscapesRoot && x.path == "etc/esc"));
    assert!(f
        .iter()
        .any(|x| x.kind == FindingKind::WorldWritable && x.path == "tmpw"));
}

/// A layer member that is no regular file (here a FIFO of 0 bytes, as `tar -tvf` shows `p`) is
/// not an empty layer but an error naming the member: only a 0-byte regular file is read as one.
#[test]
fn a_layer_member_that_is_a_fifo_is_not_a_tar() {
    let mut outer = Vec::new();
    push(&mut outer, header(b"l0.tar", 0, b'6', 0o644, b""), b"");
    file(&mut outer, b"a.json", config(1).as_bytes());
    file(&mut outer, b"manifest.json", b"[{\"Config\":\"a.json\",\"RepoTags\":[\"a:1\"],\"Layers\":[\"l0.tar\"]}]");
    let e = run(&finish(outer)).unwrap_err().to_string();
    assert!(e.contains("l0.tar") && e.contains("it is not a tar archive (nor gzip- or zstd-compressed)"), "{e}");
}

/// A hard link reads as its target, the last regular file of that name before it, as GNU tar
/// extracts it (`tar -xf`, then the link's bytes) — not as whichever regular file came last.
#[test]
fn a_hard_link_reads_as_its_target_as_gnu_tar_extracts_it() {
    let mut l = Vec::new();
    file(&mut l, b"a", b"first a\n");
    file(&mut l, b"a", b"the a the link names\n");
    file(&mut l, b"b", b"b, written after a\n");
    push(&mut l, header(b"c", 0, b'1', 0o644, b"a"), b"");
    let layer = finish(l);
    let mut extracted = Vec::new();
    let gnu = gnu_tar_in(&layer, &["-x"], |dir| extracted = std::fs::read(dir.join("c")).unwrap());
    assert!(gnu.status.success(), "{}", String::from_utf8_lossy(&gnu.stderr));
    assert_eq!(extracted, b"the a the link names\n");
    let bytes = image_with(&[layer], &["l0.tar"]);
    let a = run(&bytes).unwrap();
    assert_eq!(read_entry(Cursor::new(&bytes), &a, 0, "c", 0, 100).unwrap(), extracted);
}

/// Findings are of the merged image, as `tar -x` of the layers in order (with the OCI whiteouts)
/// leaves it: a world-writable file that a later layer deletes is not a finding of the image, and
/// a hard link whose target is present is not "missing" (GNU tar extracts it as a link to that file).
#[test]
fn findings_follow_the_merged_tree_deleted_files_and_present_link_targets() {
    let mut l0 = Vec::new();
    push(&mut l0, header(b"etc/", 0, b'5', 0o755, b""), b"");
    push(&mut l0, header(b"etc/real", 5, b'0', 0o644, b""), b"hello");
    push(&mut l0, header(b"etc/hl", 0, b'1', 0o644, b"etc/real"), b"");
    push(&mut l0, header(b"gone-later", 3, b'0', 0o777, b""), b"abc");
    push(&mut l0, header(b"stays", 3, b'0', 0o777, b""), b"abc");
    let l1 = simple_layer(&[(b".wh.gone-later", b"")]);
    let a = run(&image_with(&[finish(l0), l1], &["l0.tar", "l1.tar"])).unwrap();
    let f = &a.report.images[0].findings;
    let ww: Vec<&str> = f.iter().filter(|x| x.kind == FindingKind::WorldWritable).map(|x| x.path.as_str()).collect();
    assert_eq!(ww, ["stays"], "{f:?}");
    assert!(!f.iter().any(|x| x.kind == FindingKind::HardlinkMissingTarget), "{f:?}");
}

/// An image config with `n` made-up diff_ids.
fn config(n: usize) -> String {
    let ids: Vec<String> = (0..n).map(|i| format!("\"sha256:{i:064x}\"")).collect();
    format!("{{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{{}},\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[{}]}}}}", ids.join(","))
}

/// A JSON member of 16 MiB (the limit, `MAX_JSON`; here a config padded with spaces after its
/// value, which any JSON reader takes) is read; one byte more is refused, naming the member, its
/// size and the limit.
#[test]
fn a_config_of_sixteen_mib_is_read_and_one_byte_more_is_named() {
    let l0 = simple_layer(&[(b"etc/motd", b"hi\n")]);
    let manifest = "[{\"Config\":\"config.json\",\"RepoTags\":[\"big:1\"],\"Layers\":[\"l0.tar\"]}]";
    for size in [16usize << 20, (16 << 20) + 1] {
        let mut cfg = config(1).replace("amd64", "riscv64").into_bytes();
        cfg.resize(size, b' ');
        let mut outer = Vec::new();
        file(&mut outer, b"l0.tar", &l0);
        file(&mut outer, b"config.json", &cfg);
        file(&mut outer, b"manifest.json", manifest.as_bytes());
        match run(&finish(outer)) {
            Ok(a) => {
                assert_eq!(size, 16 << 20);
                assert_eq!(a.report.images[0].architecture.as_deref(), Some("riscv64"));
            }
            Err(e) => {
                assert_eq!(size, (16 << 20) + 1, "{e}");
                let (text, limit) = (e.to_string(), 16u64 << 20);
                assert!(matches!(e, ImageError::LimitExceeded { limit: l, .. } if l == limit), "{e:?}");
                assert!(text.contains(&format!("config.json ({size} bytes)")) && text.contains(&limit.to_string()), "{text}");
            }
        }
    }
}

/// Two images sharing a bottom layer whose first entry is a world-writable directory: the first
/// image's findings are its own paths only, never the paths only the second image has (the
/// archive's path tree holds both images' paths).
#[test]
fn findings_are_of_their_own_image_in_a_two_image_archive() {
    let mut l0 = Vec::new();
    push(&mut l0, header(b"tmp/", 0, b'5', 0o777, b""), b"");
    push(&mut l0, header(b"etc/", 0, b'5', 0o755, b""), b"");
    let l0 = finish(l0);
    let l1 = simple_layer(&[(b"opt/extra/tool", b"#!/bin/sh\n")]);
    let manifest = "[{\"Config\":\"a.json\",\"RepoTags\":[\"a:1\"],\"Layers\":[\"l0.tar\"]},{\"Config\":\"b.json\",\"RepoTags\":[\"b:1\"],\"Layers\":[\"l0.tar\",\"l1.tar\"]}]";
    let mut outer = Vec::new();
    file(&mut outer, b"l0.tar", &l0);
    file(&mut outer, b"l1.tar", &l1);
    file(&mut outer, b"a.json", config(1).as_bytes());
    file(&mut outer, b"b.json", config(2).as_bytes());
    file(&mut outer, b"manifest.json", manifest.as_bytes());
    let a = run(&finish(outer)).unwrap();
    let paths = |i: usize| {
        let mut p: Vec<String> = a.report.images[i].findings.iter().filter(|f| f.kind == FindingKind::WorldWritable).map(|f| f.path.clone()).collect();
        p.sort();
        p
    };
    assert_eq!(paths(0), ["tmp"]);
    assert_eq!(paths(1), ["tmp"]);
}

/// A 0-byte layer member is an empty layer, with a warning: one layer for it, whichever images
/// name it and wherever it sits among their layers, and never another member's layer.
#[test]
fn a_zero_byte_layer_member_is_one_empty_layer_of_every_image_naming_it() {
    let l0 = simple_layer(&[(b"etc/motd", b"hi\n")]);
    let manifest = "[{\"Config\":\"a.json\",\"RepoTags\":[\"a:1\"],\"Layers\":[\"l0.tar\",\"empty.tar\"]},{\"Config\":\"b.json\",\"RepoTags\":[\"b:1\"],\"Layers\":[\"empty.tar\"]}]";
    let mut outer = Vec::new();
    file(&mut outer, b"l0.tar", &l0);
    file(&mut outer, b"empty.tar", b"");
    file(&mut outer, b"a.json", config(2).as_bytes());
    file(&mut outer, b"b.json", config(1).as_bytes());
    file(&mut outer, b"manifest.json", manifest.as_bytes());
    let a = run(&finish(outer)).unwrap();
    assert_eq!(codes(&a).iter().filter(|c| **c == "empty_layer_member").count(), 1, "{:?}", codes(&a));
    let members: Vec<(&str, u64)> = a.report.layers.iter().map(|l| (l.member.as_str(), l.entry_count)).collect();
    assert_eq!(members, [("l0.tar", 1), ("empty.tar", 0)]);
    let layers = |i: usize| a.report.images[i].layers.iter().map(|l| a.report.layers[l.layer].member.as_str()).collect::<Vec<_>>();
    assert_eq!(layers(0), ["l0.tar", "empty.tar"]);
    assert_eq!(layers(1), ["empty.tar"]);
    assert_eq!(a.report.images[1].merged.files, 0);
}

/// One 24 MiB file of incompressible bytes in a gzip layer: inflating its body takes a while, and
/// progress must keep coming (and Cancel must work) inside that one entry, not only between
/// entries: as often as between small entries (`PROGRESS_BYTES`, one MiB).
#[test]
fn progress_and_cancel_inside_one_long_compressed_body() {
    const BODY: usize = 24 << 20;
    let mut raw = Vec::with_capacity(BODY + 2048);
    raw.extend_from_slice(&header(b"blob.bin", BODY as u64, b'0', 0o644, b""));
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    while raw.len() < 512 + BODY {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        raw.extend_from_slice(&x.to_le_bytes());
    }
    raw.extend_from_slice(&[0u8; 1024]);
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(&raw).unwrap();
    let img = image_with(&[enc.finish().unwrap()], &["l0.tar"]);
    let opts = Options::named("long-body.tar");

    // Progress: reports keep arriving while the single entry's body is inflated.
    let mut inside = Vec::new();
    let a = analyze(Cursor::new(&img), img.len() as u64, &opts, &mut |p| {
        if p.files_seen == 1 && p.current.contains("l0.tar") {
            inside.push(p.bytes_done);
        }
        Flow::Continue
    })
    .unwrap();
    assert_eq!(a.report.layers[0].entry_count, 1);
    assert!(a.report.warnings.is_empty(), "{:?}", a.report.warnings);
    // About one report per MiB of input (measured: 23 for the 24 MiB, 1 MiB and 32 KiB apart).
    assert!(inside.len() >= 20, "only {} progress reports inside the body: {inside:?}", inside.len());
    assert!(inside.windows(2).all(|w| w[0] < w[1] && w[1] - w[0] <= (1 << 20) + (64 << 10)), "about a MiB apart: {inside:?}");

    // Cancel: asked for half way through the body, honoured before the body ends.
    let mut last = 0;
    let err = analyze(Cursor::new(&img), img.len() as u64, &opts, &mut |p| {
        last = p.bytes_done;
        if p.files_seen == 1 && p.bytes_done > (BODY / 2) as u64 {
            Flow::Cancel
        } else {
            Flow::Continue
        }
    })
    .unwrap_err();
    assert_eq!(err.code(), "cancelled");
    assert!(last < (BODY as u64) * 3 / 4, "cancelled at {last}");
}

/// A header claiming `size` bytes in base-256 (GNU's encoding for sizes octal cannot hold).
fn huge_header(name: &[u8], size: u64) -> [u8; 512] {
    let mut h = header(name, 0, b'0', 0o644, b"");
    h[124..136].fill(0);
    h[124] = 0x80;
    h[128..136].copy_from_slice(&size.to_be_bytes());
    fix_checksum(&mut h);
    h
}

/// Two layers, each ending with a header that claims a 2^63-byte body and then the data stops:
/// the sums of claimed sizes would overflow (a panic with overflow checks, a wrapped "4 B" in
/// release). The cut-off entries are marked, their claimed sizes are not counted as data, and
/// each layer is a damaged-layer warning.
#[test]
fn entries_cut_off_inside_their_body_are_marked_and_not_counted() {
    let mut layers = Vec::new();
    for (i, name) in [&b"a"[..], b"b"].into_iter().enumerate() {
        let mut l = Vec::new();
        file(&mut l, format!("small{i}").as_bytes(), b"12345");
        l.extend_from_slice(&huge_header(name, 1 << 63));
        l.extend_from_slice(&[9u8; 100]);
        layers.push(l);
    }
    let a = run(&image_with(&layers, &["l0.tar", "l1.tar"])).unwrap();
    let damaged: Vec<_> = a.report.warnings.iter().filter(|w| w.code == "damaged_layer").collect();
    assert_eq!(damaged.len(), 2, "{:?}", a.report.warnings);
    for (w, layer) in damaged.iter().zip(["l0.tar", "l1.tar"]) {
        let at = w.position.as_ref().expect("a damaged layer has a position");
        let inner = at.inner.as_ref().expect("inside the layer");
        assert_eq!(inner.member.as_deref(), Some(layer), "{}", w.message);
        assert!(w.message.starts_with(&format!("layer {layer} is damaged at byte ")), "{}", w.message);
    }
    let img = &a.report.images[0];
    // Only the two 5-byte files are data.
    assert_eq!(img.merged.total_bytes, 10, "{:?}", img.merged);
    assert_eq!(img.layers.iter().map(|l| l.changes.added_bytes).sum::<u64>(), 10);
    for (name, layer) in [("a", 0), ("b", 1)] {
        let e = a.merged_entry(0, name).unwrap();
        assert!(e.cut_off, "{name} is marked cut off: {e:?}");
        let listed = a.layer_entries(layer, 0, 100).unwrap();
        let entry = listed.items.iter().find(|x| x.path == name).unwrap();
        assert!(entry.cut_off && entry.size == 1 << 63, "{entry:?}");
    }
    assert!(a.merged_entry(0, "small0").is_some_and(|e| !e.cut_off));
    // The JSON says so too.
    let json = serde_json::to_value(a.full_report()).unwrap();
    assert_eq!(json["images"][0]["merged"]["total_bytes"], 10);
}

/// A manifest.json of exactly the JSON limit is read; one byte more is refused with a sentence
/// naming the member and the limit (not taken for a member that is not JSON).
#[test]
fn a_json_member_past_the_limit_is_named_with_the_limit() {
    let limit = tarsier::core::image::MAX_JSON as usize;
    let manifest = br#"[{"Config":"config.json","RepoTags":["x:1"],"Layers":["l0.tar"]}]"#;
    let config = br#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#;
    let archive = |len: usize| {
        let mut padded = manifest.to_vec();
        padded.resize(len, b' ');
        let mut out = Vec::new();
        file(&mut out, b"l0.tar", &simple_layer(&[(b"etc/hostname", b"box\n")]));
        file(&mut out, b"config.json", config);
        file(&mut out, b"manifest.json", &padded);
        finish(out)
    };
    let a = run(&archive(limit)).unwrap_or_else(|e| panic!("a manifest of exactly {limit} bytes: {e}"));
    assert_eq!(a.report.images[0].tags, ["x:1"]);
    let Err(e) = run(&archive(limit + 1)) else { panic!("a manifest one byte past the limit was read") };
    assert_eq!(e.code(), "limit_exceeded", "{e}");
    let text = e.to_string();
    assert!(text.contains("manifest.json") && text.contains(&format!("{}", limit + 1)), "{text}");
}

/// An OCI layout whose index.json points at an index that points at the image manifest (as
/// multi-platform images are pushed): the nested index is followed to the image; a chain deeper
/// than MAX_INDEX_DEPTH is not followed, and the error says so.
#[test]
fn nested_oci_indexes_are_followed_to_the_image_and_stop_when_too_deep() {
    use sha2::{Digest, Sha256};
    let sha = |b: &[u8]| format!("sha256:{:x}", Sha256::digest(b));
    let desc = |media: &str, b: &[u8]| format!(r#"{{"mediaType":"{media}","digest":"{}","size":{}}}"#, sha(b), b.len());
    const INDEX: &str = "application/vnd.oci.image.index.v1+json";
    let layer = simple_layer(&[(b"etc/hostname", b"box\n")]);
    let config = format!(r#"{{"architecture":"arm64","os":"linux","rootfs":{{"type":"layers","diff_ids":["{}"]}}}}"#, sha(&layer)).into_bytes();
    let manifest = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{},"layers":[{}]}}"#,
        desc("application/vnd.oci.image.config.v1+json", &config),
        desc("application/vnd.oci.image.layer.v1.tar", &layer)
    )
    .into_bytes();
    let archive = |levels: usize| {
        let mut blobs = vec![layer.clone(), config.clone(), manifest.clone()];
        let mut top = desc("application/vnd.oci.image.manifest.v1+json", &manifest);
        for _ in 0..levels {
            let index = format!(r#"{{"schemaVersion":2,"mediaType":"{INDEX}","manifests":[{top}]}}"#).into_bytes();
            top = desc(INDEX, &index);
            blobs.push(index);
        }
        let mut out = Vec::new();
        file(&mut out, b"oci-layout", br#"{"imageLayoutVersion":"1.0.0"}"#);
        for b in &blobs {
            file(&mut out, format!("blobs/sha256/{}", &sha(b)[7..]).as_bytes(), b);
        }
        file(&mut out, b"index.json", format!(r#"{{"schemaVersion":2,"manifests":[{top}]}}"#).as_bytes());
        finish(out)
    };
    for levels in [1, 2] {
        let a = run(&archive(levels)).unwrap_or_else(|e| panic!("{levels} nested: {e}"));
        assert_eq!(a.report.images.len(), 1, "{levels} nested indexes");
        assert_eq!(a.report.images[0].architecture.as_deref(), Some("arm64"));
        assert!(!a.report.warnings.iter().any(|w| w.code == "index_too_deep"), "{:?}", a.report.warnings);
    }
    // Deeper than followed: no image is reached, and the sentence says why.
    let deep = tarsier::core::image::MAX_INDEX_DEPTH + 1;
    let Err(e) = run(&archive(deep)) else { panic!("an image behind too many indexes was read") };
    let text = e.to_string();
    assert!(text.contains(&format!("nested indexes deeper than {}", tarsier::core::image::MAX_INDEX_DEPTH)), "{text}");
}

/// A pax `size` record overrides the header's size field (how tar stores files of 8 GiB and
/// more): the entry is as long as the record says, and the next header is found after its body —
/// as GNU tar lists the same bytes.
#[test]
fn a_pax_size_record_sets_the_size_as_gnu_tar_reads_it() {
    let mut l = Vec::new();
    pax(&mut l, &[("size", b"700")]);
    push(&mut l, header(b"big.bin", 0, b'0', 0o644, b""), &[b'x'; 700]);
    file(&mut l, b"after.txt", b"after\n");
    let l = finish(l);
    let entries = list_layer(Cursor::new(&l), &Options::named("l0.tar")).unwrap();
    let seen: Vec<(&str, u64)> = entries.iter().map(|e| (e.path.as_str(), e.size)).collect();
    assert_eq!(seen, [("big.bin", 700), ("after.txt", 6)]);
    let out = gnu_tar(&l, &["-tv"]);
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "tar -tvf: {}", String::from_utf8_lossy(&out.stderr));
    let sizes: Vec<(String, u64)> = listing
        .lines()
        .map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            (f[5].to_owned(), f[2].parse().unwrap())
        })
        .collect();
    assert_eq!(sizes, [("big.bin".to_owned(), 700), ("after.txt".to_owned(), 6)], "{listing}");
}

/// pax owner and time records override the ustar header's (POSIX pax: `uid`, `gid`, `uname`,
/// `gname`, `mtime` with a fraction): as `tar -tvf --numeric-owner --full-time` and `tar -tvf`
/// list the same bytes.
#[test]
fn pax_owner_and_time_records_as_gnu_tar_reads_them() {
    let mut l = Vec::new();
    pax(&mut l, &[("uid", b"1234"), ("gid", b"5678"), ("uname", b"alice"), ("gname", b"staff"), ("mtime", b"1700000000.75")]);
    push(&mut l, header_owned(b"owned.txt", 2, b'0', 0o640, b"", b"root"), b"hi");
    let l = finish(l);
    let e = &list_layer(Cursor::new(&l), &Options::named("l0.tar")).unwrap()[0];
    let mine = (e.uid, e.gid, e.uname.as_str(), e.gname.as_str(), e.mtime);
    let tar = |args: &[&str]| {
        let out = gnu_tar(&l, args);
        assert!(out.status.success(), "tar -tvf: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let numeric = tar(&["-tv", "--numeric-owner", "--full-time"]);
    let named = tar(&["-tv"]);
    let f: Vec<&str> = numeric.split_whitespace().collect();
    let (uid, gid) = f[1].split_once('/').unwrap();
    let (uname, gname) = named.split_whitespace().nth(1).unwrap().split_once('/').unwrap();
    let out = std::process::Command::new("date").args(["-u", "-d", &format!("{} {}", f[3], f[4]), "+%s"]).output().expect("GNU date");
    let secs: i64 = String::from_utf8(out.stdout).unwrap().trim().parse().unwrap();
    assert_eq!(mine, (uid.parse().unwrap(), gid.parse().unwrap(), uname, gname, secs), "{numeric}{named}");
}

/// A gzip-compressed archive whose stream ends inside a JSON member (the header promised more
/// bytes than follow): Truncated, at the last byte the stream had, as `gzip -dc | wc -c` counts
/// it; GNU tar calls it an unexpected end too.
#[test]
fn a_compressed_archive_ending_inside_a_json_member_names_where() {
    let mut t = Vec::new();
    let body = format!("[{{\"Config\":\"config.json\",\"RepoTags\":[\"x:1\"],\"Layers\":[]{}", " ".repeat(700));
    push(&mut t, header(b"manifest.json", 2000, b'0', 0o644, b""), b"");
    t.truncate(512);
    t.extend_from_slice(&body.as_bytes()[..700]);
    let gz = gzip(&t);
    let listed = gnu_tar(&gz, &["-tz"]);
    assert!(String::from_utf8_lossy(&listed.stderr).contains("Unexpected EOF"), "{}", String::from_utf8_lossy(&listed.stderr));
    let e = run(&gz).map(|_| ()).unwrap_err();
    assert!(matches!(e, ImageError::Truncated { .. }), "{e:?}");
    assert!(e.to_string().contains(&format!("byte {} of", t.len())), "{e}");
}

/// A layer member stored as a hard link to another member of the outer archive (what a tar of a
/// directory with two names for one blob holds): read through the link, as GNU tar extracts
/// it (the same bytes under both names).
#[test]
fn a_layer_member_that_is_a_hard_link_is_read_through_it() {
    let l0 = simple_layer(&[(b"etc/os-release", b"ID=test\n"), (b"bin/tool", b"#!/bin/sh\n")]);
    let mut outer = image_with(&[l0], &["l0.tar", "l1.tar"]);
    outer.truncate(outer.len() - 1024);
    push(&mut outer, header(b"l1.tar", 0, b'1', 0o644, b"l0.tar"), b"");
    let outer = finish(outer);
    let mut extracted = Vec::new();
    let x = gnu_tar_in(&outer, &["-x"], |dir| extracted = std::fs::read(dir.join("l1.tar")).unwrap());
    assert!(x.status.success(), "{}", String::from_utf8_lossy(&x.stderr));
    let a = run(&outer).unwrap();
    assert_eq!(a.report.images[0].layers.len(), 2);
    let layers = &a.report.images[0].layers;
    let list = |k: usize| a.layer_entries(layers[k].layer, 0, usize::MAX).unwrap().items.into_iter().map(|e| (e.path, e.size)).collect::<Vec<_>>();
    let by_tar = list_layer(Cursor::new(&extracted), &Options::named("l1.tar")).unwrap().into_iter().map(|e| (e.path, e.size)).collect::<Vec<_>>();
    assert_eq!(list(1), by_tar);
    assert_eq!(list(1), list(0));
}

/// A gzip layer whose inflated bytes are no tar, inside a gzip-compressed archive (read as one
/// stream): refused as "not a tar archive", naming the layer, as `tar -tzf` of that layer fails.
#[test]
fn a_gzip_layer_that_is_no_tar_in_a_compressed_archive_is_named() {
    let junk = "this is a text file, not a tar archive\n".repeat(40);
    let layer = gzip(junk.as_bytes());
    let listed = gnu_tar(&layer, &["-tz"]);
    assert!(!listed.status.success(), "GNU tar lists it");
    let e = run(&gzip(&image_with(&[layer], &["l0.tar"]))).map(|_| ()).unwrap_err();
    let text = e.to_string();
    assert!(matches!(e, ImageError::Corrupt { .. }), "{e:?}");
    assert!(text.contains("not a tar archive") && text.contains("l0.tar"), "{text}");
}

/// Two ustar fields GNU tar reads and Tarsier must too: the prefix field that holds the start of
/// a path longer than 100 bytes, and a character device's major and minor numbers. Both as
/// `tar -tvf` lists the same bytes.
#[test]
fn ustar_path_prefixes_and_device_numbers_as_gnu_tar_lists_them() {
    let dir_part = "usr/share/a-directory-name-long-enough/that-the-whole-path/does-not-fit-in-one-hundred-bytes";
    let mut long = header(b"of-the-name-field.txt", 3, b'0', 0o644, b"");
    long[345..345 + dir_part.len()].copy_from_slice(dir_part.as_bytes());
    fix_checksum(&mut long);
    let mut null = header(b"dev/null", 0, b'3', 0o666, b"");
    null[329..337].copy_from_slice(b"0000001\0");
    null[337..345].copy_from_slice(b"0000003\0");
    fix_checksum(&mut null);
    let mut l = Vec::new();
    push(&mut l, long, b"abc");
    push(&mut l, null, b"");
    let l = finish(l);
    let entries = list_layer(Cursor::new(&l), &Options::named("l0.tar")).unwrap();
    let mine: Vec<(String, Option<(u32, u32)>)> = entries.iter().map(|e| (e.path.clone(), e.device)).collect();
    let out = gnu_tar(&l, &["-tv"]);
    assert!(out.status.success(), "tar -tvf: {}", String::from_utf8_lossy(&out.stderr));
    let theirs: Vec<(String, Option<(u32, u32)>)> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let device = f[2].split_once(',').map(|(a, b)| (a.parse().unwrap(), b.parse().unwrap()));
            (f[f.len() - 1].to_owned(), device)
        })
        .collect();
    assert_eq!(theirs[0].0, format!("{dir_part}/of-the-name-field.txt"));
    assert_eq!(theirs[1].1, Some((1, 3)));
    assert_eq!(mine, theirs);
}

/// A layer whose file has a PAX extended header of 1 MiB (one record that readers ignore) is
/// read: the files are listed as GNU tar lists them. A header one byte longer is past the limit:
/// the layer is damaged there (the file before it is kept), and the warning names the header's
/// size and the limit.
#[test]
fn a_pax_header_of_one_mib_is_read_and_one_byte_more_is_named() {
    for target in [1usize << 20, (1 << 20) + 1] {
        // "1048576 TARSIER.pad=…\n": the length's 7 digits, the space, the key, '=' and '\n'.
        let mut l = Vec::new();
        file(&mut l, b"e", b"first\n");
        pax(&mut l, &[("TARSIER.pad", &vec![b'x'; target - 7 - 1 - 11 - 2])]);
        push(&mut l, header(b"f", 6, b'0', 0o644, b""), b"hello\n");
        let layer = finish(l);
        let body = std::str::from_utf8(&layer[1024 + 124..1024 + 135]).unwrap().trim_matches(|c| c == '\0' || c == ' ').to_owned();
        assert_eq!((layer[1024 + 156], usize::from_str_radix(&body, 8).unwrap()), (b'x', target));
        let gnu = String::from_utf8_lossy(&gnu_tar(&layer, &["-tv", "--warning=no-unknown-keyword"]).stdout).into_owned();
        let a = run(&image_with(&[layer], &["l0.tar"])).unwrap();
        let damaged = messages(&a, "damaged_layer");
        if target == 1 << 20 {
            assert!(damaged.is_empty(), "{damaged:?}");
            assert_eq!(gnu.lines().map(|l| l.rsplit(' ').next().unwrap_or_default()).collect::<Vec<_>>(), ["e", "f"], "{gnu}");
            assert_eq!(a.merged_entry(0, "f").map(|e| e.size), Some(6));
        } else {
            assert_eq!(damaged.len(), 1, "{:?}", a.report.warnings);
            assert!(damaged[0].contains(&format!("a PAX extended header of {target} bytes")) && damaged[0].contains("1048576"), "{}", damaged[0]);
            assert!(a.merged_entry(0, "f").is_none() && a.merged_entry(0, "e").is_some());
        }
    }
}

/// A directory a later layer replaces with a file goes with everything under it, as GNU tar
/// extracting the layers in order with `--recursive-unlink` leaves it: whether the directory
/// had an entry of its own (`b/`) or was only implied by a path under it (`a/x`).
#[test]
fn a_directory_replaced_by_a_file_takes_its_children_with_it() {
    use tarsier::core::image::{EntryKind, MergedStatus};
    let l0 = simple_layer(&[(b"a/x", b"under a\n"), (b"b/", b""), (b"b/y", b"under b\n"), (b"keep", b"k\n")]);
    let l1 = simple_layer(&[(b"a", b"now a file\n"), (b"b", b"b too\n")]);
    let dir = std::env::temp_dir().join(format!("tarsier-dir-file-{}", std::process::id()));
    let root = dir.join("root");
    std::fs::create_dir_all(&root).unwrap();
    for (i, l) in [&l0, &l1].into_iter().enumerate() {
        let path = dir.join(format!("l{i}.tar"));
        std::fs::write(&path, l).unwrap();
        let out = std::process::Command::new("tar").arg("-C").arg(&root).args(["--recursive-unlink", "-xf"]).arg(&path).output().expect("GNU tar");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let a = run(&image_with(&[l0, l1], &["l0.tar", "l1.tar"])).unwrap();
    for path in ["a", "a/x", "b", "b/y", "keep"] {
        let on_disk = std::fs::symlink_metadata(root.join(path)).ok().map(|m| (m.is_file(), m.len()));
        let merged = a.merged_entry(0, path).filter(|e| e.status == MergedStatus::Present).map(|e| (e.kind == EntryKind::File, e.size));
        assert_eq!(merged, on_disk, "{path}");
    }
    // The files under them are there as deleted by layer 1, which modifies two paths.
    for path in ["a/x", "b/y"] {
        assert_eq!(a.merged_entry(0, path).map(|e| (e.status, e.layer)), Some((MergedStatus::Deleted, 1)), "{path}");
    }
    let c = &a.report.images[0].layers[1].changes;
    assert_eq!((c.modified, c.deleted, c.deleted_bytes), (2, 2, 16), "{c:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A PAX record whose length covers only its own digits and space (`2 `: no key, no newline)
/// is malformed, as GNU tar says ("Malformed extended header"): the layer is damaged there, the
/// file before it kept.
#[test]
fn a_pax_record_of_only_its_length_is_malformed_as_gnu_tar_says() {
    let mut l = Vec::new();
    file(&mut l, b"e", b"first\n");
    push(&mut l, header(b"PaxHeaders/f", 2, b'x', 0o644, b""), b"2 ");
    push(&mut l, header(b"f", 6, b'0', 0o644, b""), b"hello\n");
    let layer = finish(l);
    let gnu = gnu_tar(&layer, &["-t"]);
    assert!(!gnu.status.success() && String::from_utf8_lossy(&gnu.stderr).contains("Malformed extended header"), "{gnu:?}");
    let a = run(&image_with(&[layer], &["l0.tar"])).unwrap();
    let damaged = messages(&a, "damaged_layer");
    assert_eq!(damaged.len(), 1, "{:?}", a.report.warnings);
    assert!(a.merged_entry(0, "e").is_some());
}
