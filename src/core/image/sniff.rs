//! Stage 1, sniff: what the outer archive is compressed with, from its first bytes (gzip and
//! zstd by their magic numbers, [RFC 1952], [RFC 8878]; anything else is read as a plain tar),
//! and the one way to read its tar stream: from the start, decompressed if need be, with the
//! decompressed size bounded and the reader's position in the file kept in a shared counter.
//!
//! [RFC 1952]: https://www.rfc-editor.org/rfc/rfc1952
//! [RFC 8878]: https://www.rfc-editor.org/rfc/rfc8878

use super::error::{ImageError, Position};
use super::source::{zstd_decoder, Compression, Counting, SeekSource, Source, StreamSource, Tick, SEEK_WINDOW};
use std::io::{self, Read, Seek, SeekFrom};

fn seek_start<R: Seek>(reader: &mut R) -> Result<(), ImageError> {
    reader
        .seek(SeekFrom::Start(0))
        .map(|_| ())
        .map_err(|e| ImageError::from_io(Position::file(0), "while seeking to the start", e))
}

/// Stage 1: the outer archive's compression, sniffed from its first bytes (the reader is left
/// at the start).
///
/// # Errors
/// [`ImageError::Io`] when the first bytes cannot be read.
pub(crate) fn sniff<R: Read + Seek>(reader: &mut R) -> Result<Compression, ImageError> {
    let mut head = [0u8; 4];
    seek_start(reader)?;
    let mut got = 0;
    while got < head.len() {
        match reader.read(head.get_mut(got..).unwrap_or(&mut [])) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(ImageError::from_io(Position::file(got as u64), "while reading the first bytes", e)),
        }
    }
    seek_start(reader)?;
    Ok(Compression::sniff(head.get(..got).unwrap_or(&[])))
}

/// Where a place in the outer tar stream is in the user's file: itself for a plain archive; for a
/// compressed one, how far the compressed bytes were read (`tick`) and the offset in the
/// decompressed tar.
pub(crate) fn outer_position(compression: Compression, tick: &Tick, stream_offset: u64) -> Position {
    match compression {
        Compression::None => Position::file(stream_offset),
        _ => Position::inside(tick.get(), None, stream_offset),
    }
}

/// Runs `f` over the outer tar stream from its start: the file itself for a plain archive, its
/// decompressed stream (at most `limit` bytes) for a compressed one. `tick` counts the bytes of
/// the file read so far (for progress and positions).
///
/// # Errors
/// What `f` returns, and [`ImageError`]s for a file that cannot be rewound or a zstd frame
/// header that cannot be read.
pub(crate) fn with_outer<R: Read + Seek, T>(
    mut reader: R,
    total_len: u64,
    compression: Compression,
    limit: u64,
    tick: Tick,
    f: &mut dyn FnMut(&mut dyn Source) -> Result<T, ImageError>,
) -> Result<T, ImageError> {
    seek_start(&mut reader)?;
    tick.set(0);
    match compression {
        Compression::None => f(&mut SeekSource::new(reader, total_len, 0, tick)),
        Compression::Gzip => {
            let counting = io::BufReader::with_capacity(SEEK_WINDOW, Counting { inner: reader, tick: tick.clone() });
            let dec = flate2::read::MultiGzDecoder::new(counting);
            f(&mut StreamSource::with_ratio_guard(dec, limit, tick))
        }
        Compression::Zstd => {
            let counting = io::BufReader::with_capacity(SEEK_WINDOW, Counting { inner: reader, tick: tick.clone() });
            let dec = zstd_decoder(counting)
                .map_err(|e| ImageError::from_io(Position::file(tick.get()), "in the zstd frame header", e))?;
            f(&mut StreamSource::with_ratio_guard(dec, limit, tick))
        }
    }
}
