//! The page's side of a comparison: a worker of its own per comparison (the newest wins;
//! cancelling or closing terminates it, and it is let go once it has answered, with the two
//! indexes it held), and the files of the archives opened on the page, so "Compare with…" can
//! send the one on screen again.
//!
//! When one side is the archive on screen, its worker's index goes along (the verbs ask for it,
//! [`super::client::ImageSessions::ask_index`], and start the comparison when it arrives), so
//! the comparison's worker adopts it instead of reading the archive's layers again. The body
//! digests each comparison read are kept here ([`KnownHashes`]) and given to the next one.

use super::client::spawn;
use super::compare_worker::{attach_files, attach_second};
use crate::core::compare::KnownHashes;
use super::protocol::{attach_index, encode, Request, RequestId, Response};
use super::state::Action;
use super::worker_handle::WorkerHandle;
use std::cell::RefCell;
use std::rc::Rc;

/// Archives remembered (the one on screen, one being indexed, and one spare).
const REMEMBERED: usize = 3;

#[derive(Clone, Default)]
pub struct CompareClient(Rc<RefCell<Inner>>);

#[derive(Default)]
struct Inner {
    worker: Option<WorkerHandle>,
    files: Vec<(RequestId, web_sys::File)>,
    /// Body digests read by earlier comparisons.
    known: KnownHashes,
    /// The comparison asked for last (0: none, or cancelled): one still waiting for an index
    /// starts only if it is this one.
    current: RequestId,
}

impl PartialEq for CompareClient {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Two images to compare: A's file, B's file (`None`: A's again, another image of it), and
/// which image of each.
#[derive(Clone)]
pub struct Pair {
    pub file_a: web_sys::File,
    pub file_b: Option<web_sys::File>,
    pub name_a: String,
    pub name_b: String,
    pub image_a: usize,
    pub image_b: usize,
}

impl CompareClient {
    /// Keeps the file opened as `session`, for comparing it later.
    pub fn remember(&self, session: RequestId, file: &web_sys::File) {
        let mut inner = self.0.borrow_mut();
        inner.files.push((session, file.clone()));
        let excess = inner.files.len().saturating_sub(REMEMBERED);
        inner.files.drain(..excess);
    }

    /// The file opened as `session`, if it is still remembered.
    pub fn file_of(&self, session: RequestId) -> Option<web_sys::File> {
        self.0.borrow().files.iter().find(|(s, _)| *s == session).map(|(_, f)| f.clone())
    }

    /// Starts comparing `pair` as `id` in a new worker, terminating any earlier comparison;
    /// `index_a`: side A's packed index from its own worker (a `Uint8Array`), or undefined.
    ///
    /// # Errors
    /// A sentence for the user when the worker cannot be started or reached.
    pub fn start(&self, dispatch: Rc<dyn Fn(Action)>, id: RequestId, pair: &Pair, index_a: &wasm_bindgen::JsValue) -> Result<(), String> {
        let known = self.0.borrow().known.clone();
        let request = Request::Compare { id, name_a: pair.name_a.clone(), name_b: pair.name_b.clone(), image_a: pair.image_a, image_b: pair.image_b, known };
        let message = encode(&request, Some(&pair.file_a))?;
        if let Some(file_b) = &pair.file_b {
            attach_second(&message, file_b)?;
        }
        attach_index(&message, index_a);
        self.send(dispatch, message)
    }

    /// Starts working out, as `id` in a new worker, the layers the images of `files` share.
    ///
    /// # Errors
    /// A sentence for the user when the worker cannot be started or reached.
    pub fn start_shared(&self, dispatch: Rc<dyn Fn(Action)>, id: RequestId, files: &[web_sys::File]) -> Result<(), String> {
        let message = encode(&Request::Shared { id, names: files.iter().map(web_sys::File::name).collect() }, None)?;
        attach_files(&message, files)?;
        self.send(dispatch, message)
    }

    /// Sends `message` to a new worker, terminating any earlier comparison's.
    fn send(&self, dispatch: Rc<dyn Fn(Action)>, message: wasm_bindgen::JsValue) -> Result<(), String> {
        self.cancel();
        let me = self.0.clone();
        let routed: Rc<dyn Fn(Action)> = Rc::new(move |mut action: Action| {
            if let Action::Worker(Response::Compared { known, .. }) = &mut action {
                // The digests it read (with those it was given) serve the next comparison.
                let known = std::mem::take(known);
                if !known.is_empty() {
                    me.borrow_mut().known = known;
                }
            }
            if matches!(action, Action::Worker(Response::Compared { .. } | Response::SharedLayers { .. })) {
                // Done: let the worker (and the indexes it holds) go, after this handler returns.
                let done = me.borrow_mut().worker.take();
                wasm_bindgen_futures::spawn_local(async move { drop(done) });
            }
            dispatch(action)
        });
        let handle = spawn(routed)?;
        handle.send_message(message)?;
        self.0.borrow_mut().worker = Some(handle);
        Ok(())
    }

    /// Marks `id` as the comparison asked for last (see [`CompareClient::is_current`]).
    pub fn set_current(&self, id: RequestId) {
        self.0.borrow_mut().current = id;
    }

    /// Whether `id` is still the comparison asked for last, and not cancelled.
    pub fn is_current(&self, id: RequestId) -> bool {
        id != 0 && self.0.borrow().current == id
    }

    /// Stops the comparison running (terminates its worker), or one waiting to start.
    pub fn cancel(&self) {
        let worker = {
            let mut inner = self.0.borrow_mut();
            inner.current = 0;
            inner.worker.take()
        };
        drop(worker);
    }
}
