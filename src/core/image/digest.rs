//! The optional digest pass: sha256 of every layer blob (against its digest) and of its
//! uncompressed tar (against the config's `diff_id`), and of every config (against its digest).
//! See the OCI [descriptor digests](https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests)
//! and [`rootfs.diff_ids`](https://github.com/opencontainers/image-spec/blob/main/config.md#layer-diffid).

use super::analysis::Analysis;
use super::error::{ImageError, Position};
use super::progress::{Flow, Phase, Progress, Progressor};
use super::report::DigestCheck;
use super::sniff::outer_position;
use super::source::{with_decoded, Bounded, Compression, Source, Tick};
use crate::core::sha::{prefixed, HashingReader};
use sha2::{Digest as _, Sha256};
use std::cell::Cell;
use std::io::{self, Read, Seek};
use std::rc::Rc;

const HASH_CHUNK: usize = 256 * 1024;

struct Target {
    offset: u64,
    size: u64,
    member: String,
    /// `Some(report layer)` for layers.
    layer: Option<usize>,
    compression: Compression,
    digest: Option<String>,
    diff_id: Option<String>,
}

fn check(
    out: &mut Vec<DigestCheck>,
    t: &Target,
    subject: &str,
    which: &str,
    expected: &Option<String>,
    actual: &str,
) {
    if let Some(exp) = expected {
        if exp.starts_with("sha256:") {
            out.push(DigestCheck {
                subject: subject.to_owned(),
                check: which.to_owned(),
                member: t.member.clone(),
                expected: exp.clone(),
                actual: actual.to_owned(),
                ok: exp.eq_ignore_ascii_case(actual),
            });
        }
    }
}

/// Hashes every layer and config of the analysis (a second pass over the archive).
/// Mismatches are reported in the returned checks (`ok: false`), not as errors.
///
/// # Errors
/// Read errors, a damaged compressed stream, or [`ImageError::Cancelled`] from `progress`.
pub fn verify_digests<R: Read + Seek>(
    reader: R,
    a: &Analysis,
    mut progress: &mut dyn FnMut(Progress) -> Flow,
) -> Result<Vec<DigestCheck>, ImageError> {
    let mut targets = Vec::new();
    for (li, l) in a.report.layers.iter().enumerate() {
        let Some(b) = a.layer_blob.get(li).and_then(|&b| a.blobs.get(b)) else {
            continue;
        };
        targets.push(Target {
            offset: b.offset,
            size: b.size,
            member: l.member.clone(),
            layer: Some(li),
            compression: b.compression,
            digest: l.digest.clone(),
            diff_id: l.diff_id.clone(),
        });
    }
    for c in &a.configs {
        if !targets.iter().any(|t| t.offset == c.offset) {
            targets.push(Target {
                offset: c.offset,
                size: c.size,
                member: c.member.clone(),
                layer: None,
                compression: Compression::None,
                digest: Some(c.digest.clone()),
                diff_id: None,
            });
        }
    }
    targets.sort_by_key(|t| t.offset);
    let tick: Tick = Rc::new(Cell::new(0));
    let mut prog = Progressor::new(&mut progress, tick.clone(), a.total_len, Phase::Verifying);
    let compression = a.outer_compression;
    let mut out = Vec::new();
    a.with_outer(reader, tick.clone(), &mut |outer| {
        for t in &targets {
            prog.current.clone_from(&t.member);
            prog.report()?;
            // (The targets are sorted, one per blob, each past the last one's end: a blob
            // behind the cursor cannot come, and would be skipped rather than read.)
            let Some(gap) = t.offset.checked_sub(outer.pos()) else { continue };
            outer
                .skip(gap)
                .map_err(|e| ImageError::from_io(outer_position(compression, &tick, t.offset), "while seeking to a blob", e))?;
            let mut body = Bounded::new(outer, t.size);
            let ctx = format!("inside {}", t.member);
            let at = || Position::inside(tick.get(), Some(&t.member), 0);
            let mut hashing = HashingReader::new(&mut body);
            let mut buf = vec![0u8; HASH_CHUNK];
            let diff = if t.compression == Compression::None {
                loop {
                    let n = hashing
                        .read(&mut buf)
                        .map_err(|e| ImageError::from_io(at(), &ctx, e))?;
                    if n == 0 {
                        break;
                    }
                    prog.maybe()?;
                }
                None
            } else {
                // with_decoded reads a compressed source through read_some only: it never skips
                // it or asks its position (the decoder's stream keeps its own).
                struct ReadSrc<'x, 'a, 'b>(&'x mut HashingReader<&'a mut Bounded<'b>>);
                impl Source for ReadSrc<'_, '_, '_> {
                    fn read_some(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                        self.0.read(buf)
                    }
                    fn skip(&mut self, _n: u64) -> io::Result<()> {
                        Err(io::Error::new(io::ErrorKind::Unsupported, "skip"))
                    }
                    fn pos(&self) -> u64 {
                        0
                    }
                }
                let mut src = ReadSrc(&mut hashing);
                let d = with_decoded(
                    t.compression,
                    &mut src,
                    a.max_layer_bytes,
                    &mut |s: &mut dyn Source| {
                        let mut h = Sha256::new();
                        loop {
                            let n = s
                                .read_some(&mut buf)
                                .map_err(|e| ImageError::from_io(at(), &ctx, e))?;
                            if n == 0 {
                                break;
                            }
                            h.update(buf.get(..n).unwrap_or(&[]));
                            prog.maybe()?;
                        }
                        Ok(h)
                    },
                    &|e| ImageError::from_io(at(), &ctx, e),
                )?;
                // Hash whatever follows the compressed stream inside the blob.
                let mut rest = vec![0u8; HASH_CHUNK];
                loop {
                    let n = hashing
                        .read(&mut rest)
                        .map_err(|e| ImageError::from_io(at(), &ctx, e))?;
                    if n == 0 {
                        break;
                    }
                }
                Some(prefixed(d))
            };
            let raw = hashing.digest();
            let subject = if t.layer.is_some() { "layer" } else { "config" };
            check(&mut out, t, subject, "digest", &t.digest, &raw);
            let diff_actual = diff.unwrap_or_else(|| raw.clone());
            check(&mut out, t, subject, "diff_id", &t.diff_id, &diff_actual);
        }
        Ok(())
    })?;
    Ok(out)
}
