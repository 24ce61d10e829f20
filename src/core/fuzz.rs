//! The calls each fuzz target makes (`fuzz/fuzz_targets/<target>.rs`), in one place so the
//! native replay of fuzz regressions (`tests/fuzz_regressions.rs`) runs exactly the same code.
//! Not an API: hidden from the docs.
//!
//! Hostile input is expected to fail with an error, so analysis errors are not failures here.
//! What is a failure (an `Err` naming what went wrong, which the fuzz targets turn into a panic
//! and libFuzzer into a crash) is a result a user would see wrong:
//! - a report that does not serialize, or whose JSON does not read back into the same report
//!   (the worker sends reports to the page as JSON; `tarsier inspect --json` prints them);
//! - a share link (`#status=…`, `#caps=…`) that does not reopen the same decode;
//! - figures of a successful analysis that contradict each other (an image pointing at a layer
//!   that is not in the report, merged totals that do not add up, a listing entry that opens
//!   another file than the one listed, a layer's kind counts that do not sum to its entries…);
//! - a packed layer index (between workers) that does not pack back to the same bytes, and a
//!   parallel analysis that differs from one pass.

use crate::core::image::{
    self, analyze, analyze_prepared, index_member, list_layer, parallel_candidates, read_entry, read_merged,
    Analysis, ArchiveInfo, EntryKind, EntryReport, Flow, ImageReport, LayerReport, MergedEntry, MergedStatus, Options,
    PlatformEntry, PreIndexed, Report, Warning,
};
use crate::core::paste::{self, PasteReport};
use crate::core::status::{self, StatusError, StatusReport};
use crate::core::{apparmor, caps};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::io::Cursor;

/// Every fuzz target's name, as `fuzz/fuzz_targets/<name>.rs` and the corpus folders call it.
pub const TARGETS: &[&str] = &["archive", "layered", "layer", "json", "status", "apparmor", "paste", "parallel", "packed"];

/// Small limits so one run stays fast and a bomb is cut off early.
pub fn options(name: &str) -> Options {
    Options { name: name.into(), max_layer_bytes: 4 * 1024 * 1024, max_layer_entries: 20_000 }
}

/// What went wrong, as a sentence (the fuzz target panics with it).
pub type Failure = String;

/// Runs target `name` on `data`.
///
/// # Errors
/// A [`Failure`] when the code under test gave a result a user would see wrong (see the module
/// documentation), or for an unknown target.
pub fn run(name: &str, data: &[u8]) -> Result<(), Failure> {
    match name {
        "archive" => archive(data),
        "layered" => layered(data),
        "layer" => layer(data),
        "json" => json(data),
        "status" => status_dump(data),
        "apparmor" => apparmor_label(data),
        "paste" => paste_box(data),
        "parallel" => parallel(data),
        "packed" => packed(data),
        _ => Err(format!("unknown fuzz target `{name}` (known: {})", TARGETS.join(", "))),
    }
}

/// `Err(format!(…))` unless `cond`.
macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

/// `value` as JSON, read back and written again: the same JSON, or a failure naming `what`.
/// Returns the value read back.
fn round_trip<T: Serialize + DeserializeOwned>(what: &str, value: &T) -> Result<T, Failure> {
    round_trip_as(what, value)
}

/// [`round_trip`], reading the JSON back as `U` (owned data for what only serializes).
fn round_trip_as<T: Serialize, U: Serialize + DeserializeOwned>(what: &str, value: &T) -> Result<U, Failure> {
    let json = serde_json::to_string(value).map_err(|e| format!("{what} does not serialize: {e}"))?;
    let back: U =
        serde_json::from_str(&json).map_err(|e| format!("{what} does not read back from its own JSON: {e}\n{json}"))?;
    let again = serde_json::to_string(&back).map_err(|e| format!("{what}, read back, does not serialize: {e}"))?;
    ensure!(again == json, "{what} changes when its JSON is read back:\nbefore: {json}\nafter:  {again}");
    Ok(back)
}

/// [`round_trip`], and the value read back equals the original.
fn round_trip_eq<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(
    what: &str,
    value: &T,
) -> Result<(), Failure> {
    let back = round_trip(what, value)?;
    ensure!(back == *value, "{what} read back from JSON differs:\nbefore: {value:?}\nafter:  {back:?}");
    Ok(())
}

fn to_json<T: Serialize + ?Sized>(what: &str, value: &T) -> Result<String, Failure> {
    serde_json::to_string(value).map_err(|e| format!("{what} does not serialize: {e}"))
}

/// What `tarsier inspect --json` prints ([`image::FullReport`]), as owned data to read it back.
#[derive(Serialize, Deserialize)]
struct OwnedFullReport {
    archive: ArchiveInfo,
    images: Vec<ImageReport>,
    layers: Vec<LayerReport>,
    platforms: Vec<PlatformEntry>,
    warnings: Vec<Warning>,
    layer_entries: Vec<Vec<EntryReport>>,
    merged_trees: Vec<Vec<MergedEntry>>,
}

/// The whole archive reader, then the queries a UI makes on a successful analysis, checking
/// the report, its JSON and the answers against each other.
pub fn archive(data: &[u8]) -> Result<(), Failure> {
    let len = data.len() as u64;
    let Ok(a) = analyze(Cursor::new(data), len, &options("fuzz.tar"), &mut |_| Flow::Continue) else {
        return Ok(());
    };
    round_trip("the report", &a.report)?;
    let full: OwnedFullReport = round_trip_as("the full report (`inspect --json`)", &a.full_report())?;
    check_report(&a.report, &full)?;
    for image in 0..a.report.images.len().min(4) {
        if let Ok(children) = a.list_dir(image, "/", true) {
            for c in children.iter().take(8) {
                same_entry(&a, image, c)?;
                if let Ok(grandchildren) = a.list_dir(image, &c.path, true) {
                    for g in grandchildren.iter().take(4) {
                        same_entry(&a, image, g)?;
                    }
                }
                let _ = read_merged(Cursor::new(data), &a, image, &c.path, 0, 4096);
                let _ = read_merged(Cursor::new(data), &a, image, &c.path, u64::MAX, 4096);
            }
        }
        for (pattern, glob) in [("*", true), ("/*/?a*", true), ("e", false)] {
            for hit in a.search(image, pattern, true, 64) {
                let e = a
                    .merged_entry(image, &hit.path)
                    .ok_or_else(|| format!("image {image}: search hit `{}` does not open", hit.path))?;
                ensure!(
                    (e.path.as_str(), e.status, e.kind, e.size, e.layer)
                        == (hit.path.as_str(), hit.status, hit.kind, hit.size, hit.layer),
                    "image {image}: search `{pattern}` (glob: {glob}) lists {hit:?}, which opens {e:?}"
                );
            }
        }
    }
    for layer in 0..a.report.layers.len().min(4) {
        if let Ok(page) = a.layer_entries(layer, 0, 8) {
            let expected = a.report.layers.get(layer).map(|l| l.entry_count);
            ensure!(
                Some(page.total as u64) == expected,
                "layer {layer}: the paged listing has {} entries, the report says {expected:?}",
                page.total
            );
            for e in &page.items {
                let _ = read_entry(Cursor::new(data), &a, layer, &e.path, 1, 4096);
            }
        }
    }
    Ok(())
}

/// `entry` (from a directory listing) is what opening its path shows.
fn same_entry(a: &Analysis, image: usize, entry: &MergedEntry) -> Result<(), Failure> {
    let opened = a
        .merged_entry(image, &entry.path)
        .ok_or_else(|| format!("image {image}: listed path `{}` does not open", entry.path))?;
    let (listed, shown) = (to_json("an entry", entry)?, to_json("an entry", &opened)?);
    ensure!(listed == shown, "image {image}: the listing shows {listed}\nbut opening its path shows {shown}");
    Ok(())
}

/// Figures of one report that must agree (`docs/report-schema.md`).
fn check_report(r: &Report, full: &OwnedFullReport) -> Result<(), Failure> {
    ensure!(
        full.layer_entries.len() == r.layers.len(),
        "{} layers but {} layer listings",
        r.layers.len(),
        full.layer_entries.len()
    );
    ensure!(
        full.merged_trees.len() == r.images.len(),
        "{} images but {} merged trees",
        r.images.len(),
        full.merged_trees.len()
    );
    let mut entries_in_layers = 0u64;
    for (li, (l, entries)) in r.layers.iter().zip(&full.layer_entries).enumerate() {
        ensure!(l.index == li, "layers[{li}] says it is layer {}", l.index);
        ensure!(
            entries.len() as u64 == l.entry_count,
            "layer {li}: entry_count {} but {} entries listed",
            l.entry_count,
            entries.len()
        );
        let c = &l.counts;
        let by_kind = [c.file, c.dir, c.symlink, c.hardlink, c.char, c.block, c.fifo, c.whiteout, c.opaque, c.other];
        let sum = by_kind.iter().fold(0u64, |s, &n| s.saturating_add(n));
        ensure!(sum == l.entry_count, "layer {li}: the kind counts {c:?} add up to {sum}, not {}", l.entry_count);
        let listed = |k: fn(&EntryKind) -> bool| entries.iter().filter(|e| k(&e.kind)).count() as u64;
        ensure!(
            listed(|k| *k == EntryKind::File) == c.file && listed(|k| *k == EntryKind::Dir) == c.dir,
            "layer {li}: the kind counts {c:?} disagree with the entries listed"
        );
        ensure!(!l.images.is_empty(), "layer {li} is used by no image");
        for &ii in &l.images {
            let uses = r.images.get(ii).is_some_and(|img| img.layers.iter().any(|x| x.layer == li));
            ensure!(uses, "layer {li} says image {ii} uses it, but that image does not list it");
        }
        entries_in_layers = entries_in_layers.saturating_add(l.entry_count);
    }
    // `files_indexed` counts every layer entry read, including blobs no image uses and layers
    // whose listing was dropped after damage, so it is at least what the layers list.
    ensure!(
        r.archive.files_indexed >= entries_in_layers,
        "files_indexed {} is less than the {entries_in_layers} entries the layers list",
        r.archive.files_indexed
    );
    for (ii, (img, tree)) in r.images.iter().zip(&full.merged_trees).enumerate() {
        check_image(r, ii, img, tree)?;
    }
    for (pi, p) in r.platforms.iter().enumerate() {
        if let Some(ii) = p.image {
            ensure!(ii < r.images.len(), "platform {pi} points at image {ii} of {}", r.images.len());
        }
    }
    Ok(())
}

fn check_image(r: &Report, ii: usize, img: &ImageReport, tree: &[MergedEntry]) -> Result<(), Failure> {
    let positions = img.layers.len();
    ensure!(img.index == ii, "images[{ii}] says it is image {}", img.index);
    for (pos, l) in img.layers.iter().enumerate() {
        let lr = r.layers.get(l.layer).ok_or_else(|| {
            format!("image {ii} layer {pos} points at report layer {} of {}", l.layer, r.layers.len())
        })?;
        ensure!(lr.images.contains(&ii), "image {ii} uses layer {} but the layer does not list the image", l.layer);
        if let Some(h) = l.history {
            let step = img.history.get(h);
            ensure!(
                step.is_some_and(|s| s.layer == Some(pos)),
                "image {ii} layer {pos} names history step {h}, which names layer {:?}",
                step.map(|s| s.layer)
            );
        }
    }
    for (h, step) in img.history.iter().enumerate() {
        if let Some(pos) = step.layer {
            ensure!(
                img.layers.get(pos).is_some_and(|l| l.history == Some(h)),
                "image {ii} history step {h} names layer {pos}, which does not name the step"
            );
            ensure!(!step.empty_layer, "image {ii} history step {h} is an empty step with layer {pos}");
        }
    }
    let m = &img.merged;
    let kinds = [m.files, m.dirs, m.symlinks, m.hardlinks, m.others].iter().fold(0u64, |s, &n| s.saturating_add(n));
    ensure!(kinds == m.paths, "image {ii}: merged stats {m:?}: the kinds add up to {kinds}, not {}", m.paths);
    let present = tree.iter().filter(|e| e.status == MergedStatus::Present).count() as u64;
    let gone = tree.len() as u64 - present;
    ensure!(
        present == m.paths && gone == m.deleted_paths,
        "image {ii}: merged stats say {} paths and {} deleted, the merged tree has {present} and {gone}",
        m.paths,
        m.deleted_paths
    );
    let files = tree.iter().filter(|e| e.status == MergedStatus::Present && e.kind == EntryKind::File).count() as u64;
    ensure!(files == m.files, "image {ii}: merged stats say {} files, the merged tree has {files}", m.files);
    for e in tree {
        ensure!(e.layer < positions, "image {ii}: `{}` was last changed by layer {} of {positions}", e.path, e.layer);
        ensure!(
            e.history.last().is_some_and(|c| c.layer == e.layer)
                && e.history.iter().all(|c| c.layer < positions)
                && e.history.windows(2).all(|w| w[0].layer <= w[1].layer),
            "image {ii}: `{}` (layer {}) has the history {:?}",
            e.path,
            e.layer,
            e.history
        );
    }
    let eff = &img.efficiency;
    ensure!(
        eff.score.is_finite() && (0.0..=1.0).contains(&eff.score),
        "image {ii}: efficiency score {}",
        eff.score
    );
    let wasted = img.layers.iter().fold(0u64, |s, l| s.saturating_add(l.changes.wasted_bytes));
    ensure!(
        wasted == eff.wasted_bytes,
        "image {ii}: wasted bytes {} but the layers' wasted bytes add up to {wasted}",
        eff.wasted_bytes
    );
    ensure!(
        eff.inefficient_paths.len() <= 50 && eff.inefficient_paths.iter().all(|p| p.versions >= 2),
        "image {ii}: inefficient paths {:?}",
        eff.inefficient_paths
    );
    for f in &img.findings {
        if let Some(pos) = f.layer {
            ensure!(pos < positions, "image {ii}: finding {f:?} names layer {pos} of {positions}");
        }
    }
    for p in &img.packages {
        ensure!(
            p.installed_in < positions
                && p.changed_in.iter().all(|&c| c < positions)
                && p.changed_in.first().is_none_or(|&c| c > p.installed_in)
                && p.changed_in.windows(2).all(|w| w[0] < w[1]),
            "image {ii}: package {p:?} with {positions} layers"
        );
    }
    for p in &img.removed_packages {
        ensure!(
            p.removed_in.is_some_and(|r| r > p.installed_in && r < positions),
            "image {ii}: removed package {p:?} with {positions} layers"
        );
    }
    Ok(())
}

/// One bare layer tar (plain, gzip or zstd; sniffed), read as a stream.
pub fn layer(data: &[u8]) -> Result<(), Failure> {
    if let Ok(entries) = list_layer(data, &options("layer.tar")) {
        round_trip("a layer listing", &entries)?;
    }
    Ok(())
}

/// The image JSON documents; a config's model (container config, history) must serialize, read
/// back, and have history steps and layers that name each other.
pub fn json(data: &[u8]) -> Result<(), Failure> {
    let Some((config, steps, per_layer)) = image::fuzz_json(data) else {
        return Ok(());
    };
    round_trip("a container config", &config)?;
    round_trip("a history", &steps)?;
    for (pos, h) in per_layer.iter().enumerate() {
        if let Some(h) = *h {
            ensure!(
                steps.get(h).is_some_and(|s| s.layer == Some(pos) && !s.empty_layer),
                "layer {pos} is made by history step {h}, which says {:?}",
                steps.get(h)
            );
        }
    }
    for (h, s) in steps.iter().enumerate() {
        if let Some(pos) = s.layer {
            ensure!(per_layer.get(pos) == Some(&Some(h)), "history step {h} makes layer {pos}, which says otherwise");
        }
    }
    Ok(())
}

/// `/proc/<pid>/status`: parse every dump, explain it, compare it with itself and its
/// neighbour, and share it by link.
pub fn status_dump(data: &[u8]) -> Result<(), Failure> {
    let text = String::from_utf8_lossy(data);
    for accept in [paste::Accept::Any, paste::Accept::StatusOrLabel] {
        if let Ok(paste::Classified::Status(dumps)) = paste::classify(&text, accept) {
            ensure!(status::parse_all(&text).as_ref() == Ok(&dumps), "classify read other dumps than parse_all");
        }
    }
    let all = status::parse_all(&text);
    match (&all, status::parse(&text)) {
        (Ok(dumps), Ok(one)) => {
            ensure!(dumps.len() == 1 && dumps[0] == one, "parse reads one dump, parse_all {}", dumps.len());
        }
        (Ok(dumps), Err(StatusError::SeveralDumps { count, .. })) => {
            ensure!(count == dumps.len() && count > 1, "parse says {count} dumps, parse_all reads {}", dumps.len());
        }
        (Ok(dumps), Err(e)) => return Err(format!("parse_all reads {} dumps, parse fails: {e}", dumps.len())),
        (Err(e), Ok(_)) => return Err(format!("parse reads a dump, parse_all fails: {e}")),
        (Err(a), Err(b)) => ensure!(*a == b, "parse_all fails with {a:?}, parse with {b:?}"),
    }
    let reports: Vec<StatusReport> = match &all {
        Ok(dumps) => dumps.iter().map(status::analyze).collect(),
        Err(_) => Vec::new(),
    };
    for r in &reports {
        round_trip_eq("a status report", r)?;
        let same = status::compare(r, r);
        ensure!(
            same.iter().all(|d| !d.differs && d.added.is_empty() && d.removed.is_empty()),
            "a dump compared with itself differs: {:?}",
            same.iter().find(|d| d.differs || !d.added.is_empty() || !d.removed.is_empty())
        );
    }
    for pair in reports.windows(2) {
        round_trip_eq("a comparison", &status::compare(&pair[0], &pair[1]))?;
    }
    // The share link carries the text exactly, so it reopens the same analysis.
    match status::to_fragment(&text) {
        Ok(f) => {
            ensure!(f.len() <= status::MAX_FRAGMENT_CHARS, "a fragment of {} characters was written", f.len());
            for link in [f.clone(), format!("#status={f}")] {
                let back = status::from_fragment(&link).map_err(|e| format!("the link {link} does not open: {e}"))?;
                ensure!(back == text, "the link {link} opens other text:\n{back:?}\ninstead of\n{text:?}");
            }
        }
        Err(e) => ensure!(
            text.len() > status::MAX_FRAGMENT_TEXT_BYTES || matches!(e, status::FragmentError::FragmentTooLong { .. }),
            "{} bytes of text cannot be shared: {e}",
            text.len()
        ),
    }
    if let Ok(t) = status::from_fragment(&text) {
        ensure!(t.len() <= status::MAX_FRAGMENT_TEXT_BYTES, "a link opened {} bytes of text", t.len());
    }
    Ok(())
}

/// An AppArmor label (`/proc/<pid>/attr/current`): its report reads back from JSON, and
/// reading the label it shows gives the same report.
pub fn apparmor_label(data: &[u8]) -> Result<(), Failure> {
    let text = String::from_utf8_lossy(data);
    if let Ok(label) = apparmor::parse(&text) {
        round_trip_eq("an AppArmor label", &label)?;
        let again = apparmor::parse(&label.raw).map_err(|e| format!("the label it shows, {:?}, fails: {e}", label.raw))?;
        ensure!(again == label, "reading the label it shows gives another report:\n{label:?}\n{again:?}");
    }
    Ok(())
}

/// The paste box: masks, dumps, labels; the share link must reopen the same decode. Text before
/// the first NUL is a pinned dump, after it the new paste.
pub fn paste_box(data: &[u8]) -> Result<(), Failure> {
    let text = String::from_utf8_lossy(data);
    let _ = caps::parse_mask(&text);
    let (pinned, now) = match text.split_once('\0') {
        Some((p, n)) => (Some(p), n),
        None => (None, &*text),
    };
    if let Ok(report) = paste::analyze_against(now, pinned) {
        round_trip_eq("a paste report", &report)?;
        if let Some(f) = paste::fragment_for(&report, now, pinned) {
            let opened = paste::text_for_fragment(&format!("#{f}"))
                .map_err(|e| format!("the link #{f} does not open: {e}"))?
                .ok_or_else(|| format!("the link #{f} is not taken for one of Tarsier's"))?;
            // Whoever opens the link has nothing pinned.
            let again = paste::analyze_against(&opened, None)
                .map_err(|e| format!("the link #{f} opens {opened:?}, which fails: {e}"))?;
            same_decode(&report, &again).map_err(|why| format!("the link #{f} opens another decode: {why}"))?;
        } else {
            ensure!(
                !matches!(report, PasteReport::Masks(_)),
                "a mask decode has no link"
            );
        }
    }
    let _ = paste::text_for_fragment(&text);
    let _ = paste::percent_decode(&text);
    Ok(())
}

/// Whether a link's decode is the decode it was made from. The link carries the text trimmed
/// (and, for a comparison, both dumps one after the other), so where each line was may differ;
/// masks keep their values and the labels a link can carry.
fn same_decode(made: &PasteReport, opened: &PasteReport) -> Result<(), Failure> {
    match (made, opened) {
        (PasteReport::Masks(a), PasteReport::Masks(b)) => {
            let values = |m: &[paste::LabeledMask]| m.iter().map(|x| x.report.value).collect::<Vec<_>>();
            ensure!(values(a) == values(b), "masks {:?} became {:?}", values(a), values(b));
            let (fa, fb) = (paste::masks_to_fragment(a), paste::masks_to_fragment(b));
            ensure!(fa == fb, "the reopened masks' link is {fb}, not {fa}");
        }
        (PasteReport::Status(a), PasteReport::Status(b)) => {
            ensure!(a.dumps.len() == b.dumps.len(), "{} dumps became {}", a.dumps.len(), b.dumps.len());
            for (i, (x, y)) in a.dumps.iter().zip(&b.dumps).enumerate() {
                let (x, y) = (without_lines(x)?, without_lines(y)?);
                ensure!(x == y, "dump {i} differs:\n{x}\n{y}");
            }
            let (x, y) = (without_lines(&a.comparison)?, without_lines(&b.comparison)?);
            ensure!(x == y, "the comparison differs:\n{x}\n{y}");
        }
        (PasteReport::AppArmor(a), PasteReport::AppArmor(b)) => {
            ensure!(a == b, "the label {a:?} became {b:?}");
        }
        _ => return Err(format!("a {} decode became a {} decode", kind(made), kind(opened))),
    }
    Ok(())
}

fn kind(r: &PasteReport) -> &'static str {
    match r {
        PasteReport::Masks(_) => "mask",
        PasteReport::Status(_) => "status",
        PasteReport::AppArmor(_) => "AppArmor",
    }
}

/// `value`'s JSON without line numbers: every `line` key is dropped, and so is the `message`
/// beside it (a warning's sentence names its line).
fn without_lines<T: Serialize>(value: &T) -> Result<String, Failure> {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                if m.remove("line").is_some() {
                    m.remove("message");
                }
                m.values_mut().for_each(strip);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    // Through the JSON text, as the worker sends it: `to_value` cannot hold a number above
    // u64 (a 128-bit signal mask: "number out of range"), so long integers are quoted first and
    // compared digit for digit.
    let text = serde_json::to_string(value).map_err(|e| format!("a decode does not serialize: {e}"))?;
    let mut v: serde_json::Value = serde_json::from_str(&quote_long_integers(&text)).map_err(|e| format!("a decode's JSON does not read back: {e}"))?;
    strip(&mut v);
    Ok(v.to_string())
}

/// JSON text with every integer of more than 15 digits outside strings written as a string.
fn quote_long_integers(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    let mut chars = json.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if in_string {
            out.push(c);
            (escaped, in_string) = match (escaped, c) {
                (true, _) => (false, true),
                (false, '\\') => (true, true),
                (false, '"') => (false, false),
                _ => (false, true),
            };
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if c.is_ascii_digit() || c == '-' {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if !(d.is_ascii_digit() || matches!(d, '.' | 'e' | 'E' | '+' | '-')) {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            let number = json.get(i..end).unwrap_or_default();
            if number.len() > 15 && number.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
                out.push('"');
                out.push_str(number);
                out.push('"');
            } else {
                out.push_str(number);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Differential: every member indexed on its own (packed and unpacked on the way, as between
/// workers) and adopted must give exactly what one pass gives, report and error alike.
pub fn parallel(data: &[u8]) -> Result<(), Failure> {
    let len = data.len() as u64;
    let opts = options("fuzz.tar");
    let outcome = |r: Result<Analysis, image::ImageError>| match r {
        Ok(a) => to_json("the full report", &a.full_report()),
        Err(e) => Ok(format!("error: {e}")),
    };
    let serial = outcome(analyze(Cursor::new(data), len, &opts, &mut |_| Flow::Continue))?;
    let mut prepared = Vec::new();
    for c in parallel_candidates(Cursor::new(data), len, 0) {
        if let Ok(Some(p)) = index_member(Cursor::new(data), len, c.span, &opts, &mut |_| Flow::Continue) {
            let bytes = p.to_bytes();
            let back = PreIndexed::from_bytes(&bytes).map_err(|e| format!("a packed index does not unpack: {e}"))?;
            ensure!(back.to_bytes() == bytes, "a packed index does not pack back to the same bytes");
            prepared.push(back);
        }
    }
    let parallel = outcome(analyze_prepared(Cursor::new(data), len, &opts, &mut |_| Flow::Continue, prepared))?;
    ensure!(serial == parallel, "parallel indexing differs from one pass:\none pass: {serial}\nparallel: {parallel}");
    Ok(())
}

/// A packed layer index as it arrives from a helper worker: unpacking garbage is an error,
/// and what unpacks packs back to the same bytes.
pub fn packed(data: &[u8]) -> Result<(), Failure> {
    if let Ok(p) = PreIndexed::from_bytes(data) {
        ensure!(p.to_bytes() == data, "a packed index does not pack back to the same bytes");
    }
    Ok(())
}

/// Reads fuzz bytes as choices: each call takes the next byte (0 once they run out).
struct Choices<'a>(&'a [u8]);

impl Choices<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }

    fn pick<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        &items[usize::from(self.byte()) % items.len()]
    }

    fn done(&self) -> bool {
        self.0.is_empty()
    }
}

/// A ustar header (sizes over octal's 11 digits in GNU base-256), checksum filled in.
fn tar_header(name: &[u8], size: u64, typeflag: u8, mode: u32, link: &[u8]) -> [u8; 512] {
    let mut h = [0u8; 512];
    let n = name.len().min(100);
    h[..n].copy_from_slice(&name[..n]);
    h[100..108].copy_from_slice(format!("{:07o}\0", mode & 0o7777).as_bytes());
    h[108..116].copy_from_slice(b"0000000\0");
    h[116..124].copy_from_slice(b"0000000\0");
    if size < 0o777_7777_7777 {
        h[124..136].copy_from_slice(format!("{size:011o}\0").as_bytes());
    } else {
        h[124] = 0x80;
        h[128..136].copy_from_slice(&size.to_be_bytes());
    }
    h[136..148].copy_from_slice(b"14000000000\0");
    h[156] = typeflag;
    let l = link.len().min(100);
    h[157..157 + l].copy_from_slice(&link[..l]);
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    h
}

fn tar_member(out: &mut Vec<u8>, h: [u8; 512], body: &[u8]) {
    out.extend_from_slice(&h);
    out.extend_from_slice(body);
    out.resize(out.len().div_ceil(512) * 512, 0);
}

/// One layer from the choices: entries over a small set of names (so layers overwrite, delete
/// and hide each other's paths), of every kind the merge treats apart — files, directories,
/// symlinks, hard links, whiteouts, opaque markers, duplicates, `..` names — with bodies of a
/// few bytes, and, at the end, sometimes a header that claims a huge body and is cut off.
fn fuzz_layer(c: &mut Choices<'_>) -> Vec<u8> {
    const NAMES: &[&[u8]] = &[b"a", b"b", b"d/", b"d/x", b"d/y", b"d/e/f", b"etc/passwd", b"usr/bin/sh", b"../up", b"./"];
    let mut l = Vec::new();
    let entries = c.byte() % 12;
    for _ in 0..entries {
        let name = c.pick::<&[u8]>(NAMES);
        let base = name.strip_suffix(b"/").unwrap_or(name);
        let (dir, leaf) = match base.iter().rposition(|&b| b == b'/') {
            Some(i) => (&base[..=i], &base[i + 1..]),
            None => (&b""[..], base),
        };
        let body: Vec<u8> = (0..c.byte() % 40).map(|i| i ^ 0x5a).collect();
        let mode = u32::from(c.byte()) << 4 | 0o644;
        match c.byte() % 8 {
            0 | 1 => tar_member(&mut l, tar_header(name, body.len() as u64, b'0', mode, b""), &body),
            2 => tar_member(&mut l, tar_header(name, 0, b'5', 0o755, b""), &[]),
            3 => tar_member(&mut l, tar_header(name, 0, b'2', 0o777, c.pick::<&[u8]>(NAMES)), &[]),
            4 => tar_member(&mut l, tar_header(name, 0, b'1', 0o644, c.pick::<&[u8]>(NAMES)), &[]),
            5 => {
                let wh = [dir, b".wh.", leaf].concat();
                tar_member(&mut l, tar_header(&wh, 0, b'0', 0o644, b""), &[]);
            }
            6 => {
                let opq = [dir, b".wh..wh..opq"].concat();
                tar_member(&mut l, tar_header(&opq, 0, b'0', 0o644, b""), &[]);
            }
            _ => tar_member(&mut l, tar_header(name, 1, b'0', 0o4755, b""), b"!"),
        }
    }
    match c.byte() % 6 {
        // A header whose body is cut off: sizes that would overflow the sums if counted.
        0 => {
            let size = *c.pick(&[1u64 << 63, u64::MAX / 3, 1 << 40, 600]);
            l.extend_from_slice(&tar_header(c.pick::<&[u8]>(NAMES), size, b'0', 0o644, b""));
            l.extend_from_slice(&[7u8; 100]);
        }
        // No end marker, or a lone zero block.
        1 => {}
        2 => l.extend_from_slice(&[0u8; 512]),
        _ => l.extend_from_slice(&[0u8; 1024]),
    }
    l
}

/// Builds a docker-archive of 1–5 layers from the fuzz bytes (the config's diff_ids and history
/// sometimes disagreeing with the layer count, a layer sometimes listed twice) and runs the
/// [`archive`] checks on it: the structure-aware way to reach the merge, findings, packages and
/// efficiency, which random bytes seldom get through the outer tar and the JSON to.
pub fn layered(data: &[u8]) -> Result<(), Failure> {
    archive(&layered_archive(data))
}

/// The docker-archive [`layered`] builds from `data`.
pub fn layered_archive(data: &[u8]) -> Vec<u8> {
    let mut c = Choices(data);
    let count = 1 + usize::from(c.byte() % 5);
    let mut layers = Vec::new();
    for _ in 0..count {
        layers.push(fuzz_layer(&mut c));
    }
    let mut names: Vec<String> = (0..count).map(|i| format!("l{i}/layer.tar")).collect();
    if count > 1 && c.byte() % 8 == 0 {
        names.push(names[0].clone());
    }
    let ids = count + usize::from(c.byte() % 3) - 1;
    let diff_ids: Vec<String> = (0..ids).map(|i| format!("\"sha256:{i:064x}\"")).collect();
    let history: Vec<String> = (0..count).map(|i| format!("{{\"created_by\":\"RUN step {i}\"}}")).collect();
    let user = c.pick(&["", "root", "1000:1000", "0"]);
    let config = format!(
        "{{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{{\"User\":\"{user}\",\"Env\":[\"API_TOKEN=x\",\"PATH=/bin\"]}},\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[{}]}},\"history\":[{}]}}",
        diff_ids.join(","),
        history.join(",")
    );
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    let manifest = format!("[{{\"Config\":\"config.json\",\"RepoTags\":[\"fuzz:latest\"],\"Layers\":[{}]}}]", quoted.join(","));
    let mut out = Vec::new();
    for (i, l) in layers.iter().enumerate() {
        tar_member(&mut out, tar_header(format!("l{i}/layer.tar").as_bytes(), l.len() as u64, b'0', 0o644, b""), l);
    }
    tar_member(&mut out, tar_header(b"config.json", config.len() as u64, b'0', 0o644, b""), config.as_bytes());
    tar_member(&mut out, tar_header(b"manifest.json", manifest.len() as u64, b'0', 0o644, b""), manifest.as_bytes());
    out.extend_from_slice(&[0u8; 1024]);
    // The rest of the bytes, if any, overwrite some of the archive (a damaged variant).
    if !c.done() {
        let at = usize::from(c.byte()) * 64 % out.len().max(1);
        for (dst, &b) in out.iter_mut().skip(at).zip(c.0) {
            *dst = b;
        }
    }
    out
}
