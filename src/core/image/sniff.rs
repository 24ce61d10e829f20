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

/// How many first bytes [`sniff`] reads: a tar header's worth (its `ustar` magic is at 257).
pub const SNIFF_BYTES: usize = 512;

/// Stage 1: the outer archive's compression, sniffed from its first bytes (the reader is left
/// at the start). A file that is plainly something else (a zip, an image, a PDF, text…) is
/// refused here, with a sentence saying what it is ([`foreign_format`]).
///
/// # Errors
/// [`ImageError::Io`] when the first bytes cannot be read; [`ImageError::WrongFormat`] for a
/// file of a known other format.
pub(crate) fn sniff<R: Read + Seek>(reader: &mut R) -> Result<Compression, ImageError> {
    let mut head = [0u8; SNIFF_BYTES];
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
    let head = head.get(..got).unwrap_or(&[]);
    let compression = Compression::sniff(head);
    if compression == Compression::None {
        if let Some(found) = foreign_format(head) {
            return Err(ImageError::WrongFormat { what: found.what, hint: found.hint });
        }
    }
    Ok(compression)
}

/// A file format that is not an image archive, as [`foreign_format`] names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Foreign {
    /// What the file is, as a phrase: "a zip archive", "plain text".
    pub what: &'static str,
    /// A sentence of advice for this format, or "".
    pub hint: &'static str,
}

/// Magic numbers of formats people drop by mistake, at the file's start.
const MAGIC: &[(&[u8], &str, &str)] = &[
    (b"PK\x03\x04", "a zip archive", ""),
    (b"PK\x05\x06", "an empty zip archive", ""),
    (b"PK\x07\x08", "a zip archive", ""),
    (b"\x89PNG\r\n\x1a\n", "a PNG image", ""),
    (b"\xff\xd8\xff", "a JPEG image", ""),
    (b"GIF87a", "a GIF image", ""),
    (b"GIF89a", "a GIF image", ""),
    (b"%PDF-", "a PDF document", ""),
    (b"\xfd7zXZ\x00", "an xz-compressed file", "Decompress it first (xz -d), or save the image again uncompressed or with gzip or zstd. "),
    (b"BZh", "a bzip2-compressed file", "Decompress it first (bunzip2), or save the image again uncompressed or with gzip or zstd. "),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", ""),
    (b"Rar!\x1a\x07", "a RAR archive", ""),
    (b"\x7fELF", "an ELF program", ""),
    (b"SQLite format 3\x00", "an SQLite database", ""),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a Microsoft Office document", ""),
];

/// What a file whose first bytes are `head` is, when it is plainly not an image archive: a
/// format known by its magic number (zip, PNG, JPEG, GIF, PDF, xz, bzip2, 7-Zip, RAR, ELF,
/// SQLite, WebP, Office), JSON, or plain text; `None` for anything that may be a tar (`ustar`
/// at byte 257 is always a tar) or that is not recognised (the tar reader then says why).
/// gzip and zstd are compressions Tarsier reads: the caller checks them first.
///
/// ```
/// use tarsier::core::image::foreign_format;
/// assert_eq!(foreign_format(b"PK\x03\x04\x14\x00").map(|f| f.what), Some("a zip archive"));
/// assert_eq!(foreign_format(b"Name:\tbash\n").map(|f| f.what), Some("plain text"));
/// assert_eq!(foreign_format(&[0u8; 512]), None);
/// ```
pub fn foreign_format(head: &[u8]) -> Option<Foreign> {
    if head.get(257..262) == Some(b"ustar".as_slice()) {
        return None;
    }
    if let Some(&(_, what, hint)) = MAGIC.iter().find(|(magic, _, _)| head.starts_with(magic)) {
        return Some(Foreign { what, hint });
    }
    if head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WEBP".as_slice()) {
        return Some(Foreign { what: "a WebP image", hint: "" });
    }
    if !is_text(head, head.len() >= SNIFF_BYTES) {
        return None;
    }
    let first = head.iter().copied().find(|b| !b.is_ascii_whitespace());
    if matches!(first, Some(b'{' | b'[')) {
        return Some(Foreign { what: "JSON text", hint: "A manifest.json or index.json alone is not enough: Tarsier needs the whole archive with the layers. " });
    }
    if first == Some(b'<') {
        return Some(Foreign { what: "an HTML or XML page", hint: "" });
    }
    Some(Foreign {
        what: "plain text",
        hint: "A /proc/PID/status dump, a capability mask or an AppArmor label goes in the Process tool (tarsier status or tarsier caps on the command line). ",
    })
}

/// Whether `head` is text: UTF-8 (a character cut by the end of the sample is allowed when the
/// sample is only the file's start, `cut`), not empty, without NUL or other control characters
/// than tab, line feed, carriage return, form feed and escape (colours in a pasted terminal).
fn is_text(head: &[u8], cut: bool) -> bool {
    let valid = match std::str::from_utf8(head) {
        Ok(s) => s,
        Err(e) if cut && e.error_len().is_none() => std::str::from_utf8(head.get(..e.valid_up_to()).unwrap_or_default()).unwrap_or_default(),
        Err(_) => return false,
    };
    !valid.trim().is_empty() && valid.chars().all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\x0c' | '\x1b'))
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
