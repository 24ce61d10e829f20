//! Browser tests run inside a dedicated Web Worker in headless Chromium: the real `Blob.slice` +
//! `FileReaderSync` adapter ([`BlobReader`]) under the image core, over real fixture archives
//! (compiled in with `include_bytes!`), checked against the same analysis from memory.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Cursor, Read, Seek, SeekFrom};
use tarsier::core::image::{analyze, read_merged, Flow, Options};
use tarsier::web::blob_reader::{BlobReader, MAX_SLICE, WINDOW};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

const A1: &[u8] = include_bytes!("../../shared/fixtures/images/a1_podman_docker-archive.tar");
const A5: &[u8] = include_bytes!("../../shared/fixtures/images/a5_podman_docker-archive.tar.gz");
const D2: &[u8] = include_bytes!("../../shared/fixtures/images/d2_skopeo_oci-archive_zstd.tar");

fn blob(bytes: &[u8]) -> web_sys::Blob {
    let array = js_sys::Uint8Array::from(bytes);
    web_sys::Blob::new_with_u8_array_sequence(&js_sys::Array::of1(&array)).unwrap()
}

#[wasm_bindgen_test]
fn blob_reader_reads_and_seeks_like_a_cursor() {
    let mut reader = BlobReader::new(blob(A1)).unwrap();
    assert_eq!(reader.len(), A1.len() as u64);
    let mut cursor = Cursor::new(A1);
    // Small reads inside one window, a read across windows, seeks forward, back and from the end.
    for (seek, len) in [(SeekFrom::Start(0), 512), (SeekFrom::Current(10), 100), (SeekFrom::Start(WINDOW as u64 - 5), 20),
        (SeekFrom::End(-700), 1000), (SeekFrom::Start(3), 3 * WINDOW), (SeekFrom::Current(-50), 10)] {
        assert_eq!(reader.seek(seek).unwrap(), cursor.seek(seek).unwrap());
        let (mut a, mut b) = (vec![0u8; len], vec![0u8; len]);
        let (mut got_a, mut got_b) = (0, 0);
        loop {
            let n = reader.read(&mut a[got_a..]).unwrap();
            got_a += n;
            if n == 0 || got_a == len { break; }
        }
        loop {
            let n = cursor.read(&mut b[got_b..]).unwrap();
            got_b += n;
            if n == 0 || got_b == len { break; }
        }
        assert_eq!(got_a, got_b);
        assert_eq!(a[..got_a], b[..got_b]);
    }
    assert!(reader.seek(SeekFrom::Current(-(A1.len() as i64) * 2)).is_err(), "seeking before the start is an error");
}

#[wasm_bindgen_test]
fn analysis_through_a_blob_equals_analysis_from_memory() {
    for (name, bytes) in [("a1.tar", A1), ("a5.tar.gz", A5), ("d2.tar", D2)] {
        let from_blob = analyze(BlobReader::new(blob(bytes)).unwrap(), bytes.len() as u64, &Options::named(name), &mut |_| Flow::Continue).unwrap();
        let from_memory = analyze(Cursor::new(bytes), bytes.len() as u64, &Options::named(name), &mut |_| Flow::Continue).unwrap();
        let a = serde_json::to_value(&from_blob.report).unwrap();
        let b = serde_json::to_value(&from_memory.report).unwrap();
        assert_eq!(a, b, "{name}");
        assert_eq!(from_blob.report.images[0].layers.len(), 4, "{name}");
        let text = read_merged(BlobReader::new(blob(bytes)).unwrap(), &from_blob, 0, "etc/passwd", 0, 4096).unwrap();
        assert!(String::from_utf8(text).unwrap().starts_with("root:x:0:0:"), "{name}");
    }
}

#[wasm_bindgen_test]
fn a_truncated_archive_is_an_error_in_the_browser_too() {
    let cut = &A1[..A1.len() / 3];
    let result = analyze(BlobReader::new(blob(cut)).unwrap(), cut.len() as u64, &Options::named("cut.tar"), &mut |_| Flow::Continue);
    let error = result.expect_err("a truncated archive is an error");
    // The sentence does not name the file: the page puts the name before it, once.
    assert_eq!(error.code(), "truncated", "{error}");
    assert!(error.to_string().starts_with("the archive is truncated: it ends at byte "), "{error}");
    assert!(!error.to_string().contains("cut.tar"), "{error}");
}

#[wasm_bindgen_test]
fn read_ahead_grows_on_sequential_reads_and_resets_after_a_jump() {
    // 12 MiB of a position-dependent pattern: any misplaced byte shows.
    let data: Vec<u8> = (0..12u32 * 1024 * 1024).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let mut reader = BlobReader::new(blob(&data)).unwrap();
    let mut cursor = Cursor::new(&data[..]);
    let mut step = 0u64;
    let mut a = vec![0u8; 512];
    let mut b = vec![0u8; 512];
    // Header-sized sequential reads with occasional skips, as the tar walker does.
    while cursor.position() < data.len() as u64 {
        step += 1;
        if step % 997 == 0 {
            let skip = SeekFrom::Current(1_500_000);
            assert_eq!(reader.seek(skip).unwrap(), cursor.seek(skip).unwrap());
        }
        let n = cursor.read(&mut b).unwrap();
        let mut got = 0;
        while got < n {
            let k = reader.read(&mut a[got..n]).unwrap();
            assert!(k > 0, "short read at {}", cursor.position());
            got += k;
        }
        assert_eq!(a[..n], b[..n], "at {}", cursor.position());
        if n == 0 {
            break;
        }
    }
    // About a quarter is read (510 KB between 1.5 MB skips); the rest is skipped, not fetched.
    assert!(reader.fetched >= data.len() as u64 / 5, "the reads were really fetched: {}", reader.fetched);
    assert!(reader.fetched <= data.len() as u64 / 2, "skipped bodies are not fetched: {}", reader.fetched);
    assert!(reader.fetched <= data.len() as u64 + (MAX_SLICE as u64), "no large over-read: {}", reader.fetched);
}
