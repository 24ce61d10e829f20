//! The page's side of the worker: starts it, posts [`Request`]s, and turns its [`Response`]s
//! into [`Action`]s for the app's reducer.

use super::build_order::BuiltSummary;
use super::protocol::{attached_bytes, decode, error_report, Request, RequestId, Response};
use super::state::BuiltFile;
use crate::core::image::ErrorReport;
use super::state::Action;
use super::worker_handle::WorkerHandle;
use std::cell::RefCell;
use std::rc::Rc;

/// The name the page's workers are started with (a helper worker has another, see
/// [`super::protocol::HELPER_NAME`]).
const WORKER_NAME: &str = "tarsier";

/// Starts a worker whose responses (with any bytes that rode beside them put back) are passed
/// to `dispatch`.
///
/// # Errors
/// A sentence for the user when the browser refuses to start the worker.
pub(super) fn spawn(dispatch: Rc<dyn Fn(Action)>) -> Result<WorkerHandle, String> {
    let on_error = dispatch.clone();
    WorkerHandle::spawn(
        WORKER_NAME,
        Rc::new(move |message| {
            dispatch(match decode::<Response>(message) {
                Ok((Response::Built { id, result }, file)) => Action::BuildDone { id, result: built_file(id, result, file) },
                // Kept as the JS array it came in: it only passes through to the comparison's worker.
                Ok((Response::IndexExported { id, .. }, _)) => {
                    Action::IndexExported { id, bytes: js_sys::Reflect::get(message, &"bytes".into()).unwrap_or(wasm_bindgen::JsValue::UNDEFINED) }
                }
                Ok((mut response, _)) => {
                    if let Some(bytes) = attached_bytes(message) {
                        response.put_bytes(bytes);
                    }
                    Action::Worker(response)
                }
                Err(message) => Action::WorkerFailed(message),
            })
        }),
        Rc::new(move |message| on_error(Action::WorkerFailed(message))),
    )
}

/// A build's answer with the archive that rode beside it, and a download link for it.
fn built_file(id: RequestId, result: Result<BuiltSummary, ErrorReport>, file: Option<web_sys::File>) -> Result<BuiltFile, ErrorReport> {
    let summary = result?;
    let file = file.ok_or_else(|| error_report("browser", "The built archive did not reach the page."))?;
    let url = web_sys::Url::create_object_url_with_blob(&file)
        .map_err(|_| error_report("browser", "The browser refused to make a download link."))?;
    Ok(BuiltFile { id, summary, file, url })
}

/// Shared, lazily started worker for the app.
#[derive(Clone, Default)]
pub struct WorkerSlot(Rc<RefCell<Option<WorkerHandle>>>, Rc<std::cell::Cell<u64>>);

impl PartialEq for WorkerSlot {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl WorkerSlot {
    /// Sends `request`, starting the worker first if needed.
    ///
    /// # Errors
    /// A sentence for the user when the worker cannot be started or reached.
    pub fn send(&self, dispatch: &Rc<dyn Fn(Action)>, request: &Request, file: Option<&web_sys::File>) -> Result<(), String> {
        self.send_message(dispatch, super::protocol::encode(request, file)?)
    }

    /// Sends a message already built (with more attached than one file), starting the worker
    /// first if needed.
    ///
    /// # Errors
    /// A sentence for the user when the worker cannot be started or reached.
    pub fn send_message(&self, dispatch: &Rc<dyn Fn(Action)>, message: wasm_bindgen::JsValue) -> Result<(), String> {
        let mut slot = self.0.borrow_mut();
        if slot.is_none() {
            *slot = Some(spawn(dispatch.clone())?);
            self.1.set(self.1.get().wrapping_add(1));
        }
        match slot.as_ref() {
            Some(handle) => handle.send_message(message),
            None => Err("Tarsier's worker is not running.".to_owned()),
        }
    }

    /// Stops the worker (cancelling whatever it is doing); the next request starts a new one.
    pub fn stop(&self) {
        self.0.borrow_mut().take();
    }

    /// Stops the worker once the message being handled is done (a worker is not ended from
    /// inside its own message handler) — unless another worker has been started since.
    pub fn stop_soon(&self) {
        let (slot, started) = (self.clone(), self.1.get());
        gloo::timers::callback::Timeout::new(0, move || {
            if slot.1.get() == started {
                slot.stop();
            }
        })
        .forget();
    }
}

/// The image archives' workers: one per archive. The worker of the archive on screen keeps its
/// index for queries; a new archive gets a fresh worker, which replaces it only when indexing
/// succeeds (so a failing file never takes away what is shown), and cancelling terminates it.
#[derive(Clone, Default)]
pub struct ImageSessions(Rc<RefCell<SessionSlots>>);

#[derive(Default)]
struct SessionSlots {
    current: Option<(RequestId, WorkerHandle)>,
    pending: Option<(RequestId, WorkerHandle)>,
    /// A worker started ahead of time (its wasm compiled and instantiated while the user picks
    /// a file), with the slot that routes its messages once it gets a session.
    spare: Option<(WorkerHandle, Router)>,
    /// Who waits for the archive's index asked as which request ([`ImageSessions::ask_index`]).
    waiting: Vec<(RequestId, IndexWaiter)>,
}

/// What to do with an archive's packed index (a `Uint8Array`, or undefined) when it arrives.
pub type IndexWaiter = Box<dyn FnOnce(wasm_bindgen::JsValue)>;

/// Where a spare worker's messages go once it is given a session.
type Router = Rc<RefCell<RouterSlot>>;

#[derive(Default)]
struct RouterSlot {
    to: Option<Rc<dyn Fn(Action)>>,
    /// The worker failed before it was given a session (it is then not used).
    failed: bool,
}

/// Starts a worker whose messages go wherever `router` says (nowhere until it is set).
fn routed_worker() -> Result<(WorkerHandle, Router), String> {
    let router: Router = Rc::new(RefCell::new(RouterSlot::default()));
    let to = router.clone();
    let dispatch: Rc<dyn Fn(Action)> = Rc::new(move |action| {
        let target = to.borrow().to.clone();
        match target {
            Some(target) => target(action),
            None => {
                if matches!(action, Action::WorkerFailed(_)) {
                    to.borrow_mut().failed = true;
                }
            }
        }
    });
    Ok((spawn(dispatch)?, router))
}

impl PartialEq for ImageSessions {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl ImageSessions {
    /// Starts indexing `file` as `session` in a new worker, cancelling any archive still being
    /// indexed (the newest drop wins).
    ///
    /// # Errors
    /// A sentence for the user when the worker cannot be started or reached.
    pub fn open(&self, dispatch: Rc<dyn Fn(Action)>, session: RequestId, file: &web_sys::File) -> Result<(), String> {
        let slots = self.0.clone();
        let routed: Rc<dyn Fn(Action)> = Rc::new(move |action: Action| match action {
            Action::IndexExported { id, bytes } => {
                let waiter = {
                    let mut s = slots.borrow_mut();
                    let at = s.waiting.iter().position(|(w, _)| *w == id);
                    at.map(|at| s.waiting.remove(at).1)
                };
                if let Some(then) = waiter {
                    then(bytes);
                }
            }
            Action::Worker(Response::ImageProgress { session, progress }) => {
                dispatch(Action::ImageProgressAt { session, progress, now_ms: now_ms() })
            }
            Action::Worker(Response::ImageOpened { session, result, stats }) => {
                let promoted = {
                    let mut s = slots.borrow_mut();
                    match s.pending.take() {
                        Some((id, handle)) if id == session => {
                            let old = if result.is_ok() { s.current.replace((id, handle)) } else { Some((id, handle)) };
                            Some(old)
                        }
                        other => {
                            s.pending = other;
                            None
                        }
                    }
                };
                let Some(retired) = promoted else { return };
                // The retired worker may be the one whose handler is running now: terminate
                // it after this handler returns.
                wasm_bindgen_futures::spawn_local(async move { drop(retired) });
                // Whoever waited for the retired archive's index will not get it: they go on
                // without it (the archive's file is still theirs, and is indexed again).
                if result.is_ok() {
                    let waiting = std::mem::take(&mut slots.borrow_mut().waiting);
                    for (_, then) in waiting {
                        then(wasm_bindgen::JsValue::UNDEFINED);
                    }
                }
                dispatch(Action::Worker(Response::ImageOpened { session, result, stats }));
            }
            other => dispatch(other),
        });
        // A spare that failed to load is dropped: a fresh worker reports its own failure.
        let spare = self.0.borrow_mut().spare.take().filter(|(_, router)| !router.borrow().failed);
        let (handle, router) = match spare {
            Some(spare) => spare,
            None => routed_worker()?,
        };
        router.borrow_mut().to = Some(routed);
        let cores = gloo::utils::window().navigator().hardware_concurrency();
        let cores = if cores.is_finite() && cores >= 1.0 { cores as usize } else { 0 };
        handle.send(&Request::OpenImage { session, name: file.name(), cores }, Some(file))?;
        self.0.borrow_mut().pending = Some((session, handle)); // drops (terminates) an older pending one
        Ok(())
    }

    /// Starts a spare worker now, if there is none, so the next archive does not wait for one
    /// to load. Failure is silent: `open` then starts one (and reports why it cannot).
    pub fn warm(&self) {
        let mut slots = self.0.borrow_mut();
        if slots.spare.is_none() {
            slots.spare = routed_worker().ok();
        }
    }

    /// Stops indexing the pending archive.
    pub fn cancel(&self) {
        let pending = self.0.borrow_mut().pending.take();
        drop(pending);
    }

    /// Sends a request, with a file, to the worker of the archive on screen.
    ///
    /// # Errors
    /// A sentence for the user when no archive is loaded or the worker is unreachable.
    pub fn send_with_file(&self, request: &Request, file: Option<&web_sys::File>) -> Result<(), String> {
        match self.0.borrow().current.as_ref() {
            Some((_, handle)) => handle.send(request, file),
            None => Err("No image is loaded.".to_owned()),
        }
    }

    /// Asks the worker of the archive on screen for its index (packed, see
    /// [`crate::core::image::ArchiveIndex`]) as request `id`; `then` gets it when it arrives —
    /// unless [`ImageSessions::forget`] is called first. `then` gets undefined instead (at once)
    /// when the archive's worker cannot be asked, or (later) when another archive replaces it:
    /// whoever waits then goes on without the index. The archive's worker answers between its
    /// other requests, so the wait is short.
    pub fn ask_index(&self, id: RequestId, then: IndexWaiter) {
        match self.send(&Request::ExportIndex { id }) {
            Ok(()) => self.0.borrow_mut().waiting.push((id, then)),
            Err(_) => then(wasm_bindgen::JsValue::UNDEFINED),
        }
    }

    /// No longer waits for the index asked as `id` (what was to be done with it is dropped).
    pub fn forget(&self, id: RequestId) {
        self.0.borrow_mut().waiting.retain(|(w, _)| *w != id);
    }

    /// Sends a request about the archive on screen.
    ///
    /// # Errors
    /// A sentence for the user when no archive is loaded or the worker is unreachable.
    pub fn send(&self, request: &Request) -> Result<(), String> {
        match self.0.borrow().current.as_ref() {
            Some((_, handle)) => handle.send(request, None),
            None => Err("No image is loaded.".to_owned()),
        }
    }
}

/// Milliseconds since the page started (`performance.now()`), or 0 where unavailable.
pub fn now_ms() -> f64 {
    gloo::utils::window().performance().map_or(0.0, |p| p.now())
}
