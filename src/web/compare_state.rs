//! What the Compare view shows: the comparison running (its step and progress), its result or
//! why it failed. A part of [`super::state::AppState`]; its changes go through the app's one
//! reducer as [`CompareAction`]s and [`Response::CompareProgress`] / [`Response::Compared`].

use super::protocol::{CompareStats, RequestId, Response};
use crate::core::compare::{Comparison, LayerMatrix};
use crate::core::image::{ErrorReport, Progress};
use std::rc::Rc;

/// The comparison on screen, or being made.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CompareState {
    /// The latest comparison asked for; only its answers are shown.
    pub latest: RequestId,
    /// Whether the Compare view is shown (in place of the archive on screen).
    pub open: bool,
    /// What is compared: `A` and `B` as the user knows them (file names, with the image when
    /// an archive holds several).
    pub name_a: String,
    pub name_b: String,
    /// While it runs: which step, and how far.
    pub running: Option<Rc<CompareStep>>,
    pub result: Option<SharedComparison>,
    /// The answer for several archives: the layers their images share.
    pub matrix: Option<Rc<LayerMatrix>>,
    pub error: Option<ErrorReport>,
    /// What the comparison's worker spent (its memory, what it read of side A).
    pub stats: Option<CompareStats>,
}

/// A comparison, shared and compared by identity (as [`super::state::Shared`], which this
/// module cannot import: the state imports it).
#[derive(Debug, Clone)]
pub struct SharedComparison(pub Rc<Comparison>);

impl PartialEq for SharedComparison {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for SharedComparison {
    type Target = Comparison;
    fn deref(&self) -> &Comparison {
        &self.0
    }
}

/// `Cancelled: A was not compared with B.`, or for several archives `Cancelled: the layers of
/// A, B, C were not compared.`
fn cancelled(name_a: &str, name_b: &str) -> String {
    if name_b.is_empty() {
        format!("Cancelled: the layers of {name_a} were not compared.")
    } else {
        format!("Cancelled: {name_a} was not compared with {name_b}.")
    }
}

/// A step of a running comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareStep {
    pub step: String,
    pub bytes_done: u64,
    pub bytes_total: u64,
    pub files_seen: u64,
}

/// What the page does to the Compare view.
#[derive(Debug, Clone)]
pub enum CompareAction {
    /// A comparison was handed to a worker as `id`.
    Started { id: RequestId, name_a: String, name_b: String },
    /// The user stopped it (the worker is terminated).
    Cancelled,
    /// The user closed the Compare view.
    Closed,
}

impl CompareState {
    /// Applies a page action.
    pub fn apply(&mut self, action: CompareAction) {
        match action {
            CompareAction::Started { id, name_a, name_b } => {
                *self = CompareState { latest: id, open: true, name_a, name_b, running: Some(Rc::new(starting())), result: None, matrix: None, error: None, stats: None };
            }
            CompareAction::Cancelled => {
                if self.running.take().is_some() {
                    // Said in words, where the result would have been; Close takes it away.
                    self.error = Some(ErrorReport { code: "cancelled".into(), message: cancelled(&self.name_a, &self.name_b), position: None });
                }
                self.latest = self.latest.wrapping_add(1); // answers in flight are stale now
            }
            CompareAction::Closed => {
                *self = CompareState { latest: self.latest.wrapping_add(1), ..CompareState::default() };
            }
        }
    }

    /// Files a worker's answer; `false` when it is not about the latest comparison.
    pub fn on_response(&mut self, response: Response) -> bool {
        match response {
            Response::CompareProgress { id, step, progress } if id == self.latest && self.running.is_some() => {
                self.running = Some(Rc::new(step_of(step, &progress)));
                true
            }
            Response::Compared { id, result, stats, .. } if id == self.latest && self.running.is_some() => {
                self.running = None;
                self.stats = Some(stats);
                match result {
                    Ok(c) => self.result = Some(SharedComparison(Rc::new(*c))),
                    Err(e) => self.error = Some(e),
                }
                true
            }
            Response::SharedLayers { id, result } if id == self.latest && self.running.is_some() => {
                self.running = None;
                match result {
                    Ok(m) => self.matrix = Some(Rc::new(*m)),
                    Err(e) => self.error = Some(e),
                }
                true
            }
            _ => false,
        }
    }
}

fn starting() -> CompareStep {
    CompareStep { step: "Starting a worker".to_owned(), bytes_done: 0, bytes_total: 0, files_seen: 0 }
}

fn step_of(step: String, p: &Progress) -> CompareStep {
    CompareStep { step, bytes_done: p.bytes_done, bytes_total: p.bytes_total, files_seen: p.files_seen }
}
