//! How an analysis reports on itself while it runs: [`Progress`] at a bounded rate, the
//! [`Overview`] as soon as the manifests and configs are read, and the caller's answer
//! ([`Flow::Cancel`] stops it).

use super::error::ImageError;
use super::report::Report;
use super::source::Tick;
use serde::{Deserialize, Serialize};

/// Report progress about this often (bytes of input; see [`Observer::progress`]).
pub const PROGRESS_BYTES: u64 = 1024 * 1024;
/// … or this often (entries seen).
pub const PROGRESS_ENTRIES: u64 = 4096;

/// What the analysis is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Walking the outer archive and indexing layers.
    Indexing,
    /// Resolving manifests and merging layers.
    Merging,
    /// Hashing blobs ([`verify_digests`](super::verify_digests)).
    Verifying,
    /// Reading an entry's bytes.
    Reading,
}

/// A progress report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Progress {
    pub phase: Phase,
    /// Bytes of the input consumed (compressed bytes for a compressed archive).
    pub bytes_done: u64,
    pub bytes_total: u64,
    /// Layer entries seen so far.
    pub files_seen: u64,
    /// The member being read (e.g. a layer's path in the archive).
    pub current: String,
}

/// What the caller wants after a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Cancel,
}

/// The report an analysis can give before its layers are indexed: the archive, its images
/// (tags, platform, config, history, layers by digest) and the OCI index's platforms, from the
/// manifests and configs alone. Layer sizes, entry counts, changes, the merged filesystem,
/// findings and packages are not known yet and are empty or zero.
pub type Overview = Report;

/// What an analysis tells its caller while it runs. A closure `FnMut(Progress) -> Flow` is one
/// (it ignores the overview).
pub trait Observer {
    /// Progress, once [`PROGRESS_BYTES`] bytes of input or [`PROGRESS_ENTRIES`] entries have
    /// passed since the last: checked after every entry, and inside one long body after every
    /// [`PROGRESS_BYTES`] of it.
    fn progress(&mut self, progress: Progress) -> Flow;
    /// The overview, once, before the layers are indexed, from a first walk over the outer
    /// archive's headers and JSON members. Only an uncompressed archive can be walked twice
    /// cheaply, so a compressed one gives no overview: its report comes at the end.
    fn overview(&mut self, _overview: &Overview) -> Flow {
        Flow::Continue
    }
}

impl<F: FnMut(Progress) -> Flow> Observer for F {
    fn progress(&mut self, progress: Progress) -> Flow {
        self(progress)
    }
}

/// Calls the caller's observer at a bounded rate.
pub(crate) struct Progressor<'a> {
    pub observer: &'a mut dyn Observer,
    pub tick: Tick,
    pub total: u64,
    pub files: u64,
    pub phase: Phase,
    pub current: String,
    last_bytes: u64,
    last_files: u64,
}

impl<'a> Progressor<'a> {
    pub(crate) fn new(observer: &'a mut dyn Observer, tick: Tick, total: u64, phase: Phase) -> Self {
        Progressor { observer, tick, total, files: 0, phase, current: String::new(), last_bytes: 0, last_files: 0 }
    }

    /// Counts `entries` more entries (0 while a long body is skipped) and reports if due: the
    /// `on_progress` of a layer being indexed.
    pub(crate) fn advance(&mut self, entries: u64) -> Result<(), ImageError> {
        self.files = self.files.saturating_add(entries);
        self.maybe()
    }

    /// Reports if [`PROGRESS_BYTES`] bytes or [`PROGRESS_ENTRIES`] entries passed since the last.
    pub(crate) fn maybe(&mut self) -> Result<(), ImageError> {
        let b = self.tick.get();
        if b.saturating_sub(self.last_bytes) >= PROGRESS_BYTES
            || self.files.saturating_sub(self.last_files) >= PROGRESS_ENTRIES
        {
            self.report()
        } else {
            Ok(())
        }
    }

    /// Reports now.
    pub(crate) fn report(&mut self) -> Result<(), ImageError> {
        self.last_bytes = self.tick.get();
        self.last_files = self.files;
        let p = Progress {
            phase: self.phase,
            bytes_done: self.last_bytes.min(self.total),
            bytes_total: self.total,
            files_seen: self.files,
            current: self.current.clone(),
        };
        match self.observer.progress(p) {
            Flow::Continue => Ok(()),
            Flow::Cancel => Err(ImageError::Cancelled),
        }
    }
}
