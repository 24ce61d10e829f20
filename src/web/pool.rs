//! Helper workers that index an archive's compressed layers in parallel, for the archive's
//! worker.
//!
//! The archive's worker lists the big members of an uncompressed archive
//! ([`parallel_candidates`](crate::core::image::parallel_candidates)) and, when the machine has
//! cores to spare ([`helper_count`]), starts a few helpers (nested workers running the same
//! script) and sends them all their members at once, biggest first to the least loaded. A
//! helper ([`super::helper`]) indexes each member on its own and sends the packed index back as a transferred
//! buffer ([`PreIndexed::to_bytes`]); the archive's worker then runs the normal analysis, which
//! adopts those indexes instead of reading the members again
//! ([`analyze_prepared`](crate::core::image::analyze_prepared)) and gives the same result as
//! reading everything itself.
//!
//! Nothing here is needed for correctness: a helper that cannot start, fails or sends something
//! unreadable just leaves its member to the archive's worker. Cancelling is terminating the
//! archive's worker, which terminates its helpers with it.

use super::protocol::{attached_bytes, decode, HelperRequest, HelperResponse, HELPER_NAME};
use super::worker_handle::{OnMessage, WorkerHandle};
use crate::core::image::{MemberSpan, PreIndexed};
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
use wasm_bindgen::JsValue;

pub use crate::core::image::{helper_count, MAX_HELPERS};

/// What the helpers have done so far, for the progress bar: bytes of members and entries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolProgress {
    pub bytes: u64,
    pub files: u64,
    pub members: usize,
}

/// Everything the helpers produced.
#[derive(Debug, Default)]
pub struct Prepared {
    pub layers: Vec<PreIndexed>,
    /// Bytes the helpers read from the file.
    pub fetched: u64,
    /// Helpers started.
    pub helpers: usize,
    /// Layers the helpers indexed (in `layers`).
    pub helper_layers: usize,
}

struct Pool {
    /// Per helper: the members sent to it, in order (the first is the one it works on), and
    /// its progress in that first one.
    queues: Vec<VecDeque<MemberSpan>>,
    handles: Vec<Option<WorkerHandle>>,
    working: HashMap<usize, (u64, u64)>,
    done: PoolProgress,
    out: Prepared,
    running: usize,
    resolve: Option<js_sys::Function>,
    on_progress: Rc<dyn Fn(PoolProgress)>,
}

impl Pool {
    fn progress(&self) -> PoolProgress {
        let mut p = self.done;
        for (bytes, files) in self.working.values() {
            p.bytes += bytes;
            p.files += files;
        }
        p
    }

    /// Sends every member to a helper up front, biggest first to the least loaded one, so a
    /// helper never waits for its owner (which may be busy indexing members of its own).
    fn assign(&mut self, mut spans: Vec<MemberSpan>, file: &web_sys::File, name: &str) {
        spans.sort_by_key(|s| std::cmp::Reverse(s.size));
        let mut load = vec![0u64; self.handles.len()];
        for span in spans {
            let live = (0..self.handles.len()).filter(|&h| self.handles.get(h).is_some_and(Option::is_some));
            let Some(h) = live.min_by_key(|&h| load.get(h).copied().unwrap_or(u64::MAX)) else { return };
            let request = HelperRequest::IndexMember { name: name.to_owned(), span };
            let sent = self.handles.get(h).and_then(Option::as_ref).is_some_and(|handle| handle.send(&request, Some(file)).is_ok());
            if sent {
                if let Some(q) = self.queues.get_mut(h) {
                    q.push_back(span);
                }
                if let Some(l) = load.get_mut(h) {
                    *l += span.size;
                }
            } else {
                self.retire(h);
            }
        }
        for h in 0..self.handles.len() {
            if self.queues.get(h).is_some_and(VecDeque::is_empty) {
                self.retire(h);
            }
        }
    }

    fn retire(&mut self, h: usize) {
        self.working.remove(&h);
        if let Some(q) = self.queues.get_mut(h) {
            q.clear();
        }
        if let Some(slot) = self.handles.get_mut(h) {
            if let Some(handle) = slot.take() {
                self.running = self.running.saturating_sub(1);
                // This may run inside the helper's own message handler: drop (terminate) the
                // helper after the handler returns.
                wasm_bindgen_futures::spawn_local(async move { drop(handle) });
            }
        }
        if self.running == 0 {
            if let Some(resolve) = self.resolve.take() {
                let _ = resolve.call0(&JsValue::NULL);
            }
        }
    }

    fn on_message(&mut self, h: usize, message: &JsValue) {
        let response = decode::<HelperResponse>(message).map(|(r, _)| r);
        let current = self.queues.get(h).and_then(|q| q.front().copied());
        match response {
            Ok(HelperResponse::MemberProgress { offset, bytes, files }) => {
                if current.is_some_and(|s| s.offset == offset) {
                    self.working.insert(h, (bytes, files));
                    (self.on_progress)(self.progress());
                }
            }
            Ok(HelperResponse::MemberIndexed { offset, fetched }) => {
                self.out.fetched += fetched;
                let Some(span) = current.filter(|s| s.offset == offset) else {
                    return self.retire(h);
                };
                if let Some(q) = self.queues.get_mut(h) {
                    q.pop_front();
                }
                self.working.remove(&h);
                let layer = attached_bytes(message).and_then(|b| PreIndexed::from_bytes(&b).ok());
                if let Some(layer) = layer.filter(|l| l.span() == span) {
                    self.done.files += layer.entries() as u64;
                    self.out.layers.push(layer);
                }
                self.done.bytes += span.size;
                self.done.members += 1;
                (self.on_progress)(self.progress());
                if self.queues.get(h).is_none_or(VecDeque::is_empty) {
                    self.retire(h);
                }
            }
            // Anything else (a protocol error) ends this helper; its members are left to the
            // archive's worker.
            _ => self.retire(h),
        }
    }
}

/// Helpers at work; [`Running::finish`] waits for them.
pub struct Running {
    pool: Rc<RefCell<Pool>>,
    done: js_sys::Promise,
}

/// Starts up to `helpers` helper workers on `spans` of `file` and sends them all their work
/// at once. `on_progress` hears about every step (when the caller is not busy).
pub fn start(
    file: &web_sys::File,
    name: &str,
    spans: Vec<MemberSpan>,
    helpers: usize,
    on_progress: Rc<dyn Fn(PoolProgress)>,
) -> Running {
    let helpers = helpers.min(spans.len()).min(MAX_HELPERS);
    let pool = Rc::new(RefCell::new(Pool {
        queues: vec![VecDeque::new(); helpers],
        handles: Vec::new(),
        working: HashMap::new(),
        done: PoolProgress::default(),
        out: Prepared::default(),
        running: 0,
        resolve: None,
        on_progress,
    }));
    for h in 0..helpers {
        let on_message: OnMessage = {
            let pool = pool.clone();
            Rc::new(move |message: &JsValue| pool.borrow_mut().on_message(h, message))
        };
        let on_error = {
            let pool = pool.clone();
            Rc::new(move |_message: String| pool.borrow_mut().retire(h))
        };
        let handle = WorkerHandle::spawn(HELPER_NAME, on_message, on_error).ok();
        let mut p = pool.borrow_mut();
        if handle.is_some() {
            p.running += 1;
        }
        p.handles.push(handle);
    }
    let mut resolve = None;
    let done = js_sys::Promise::new(&mut |ok, _| resolve = Some(ok));
    {
        let mut p = pool.borrow_mut();
        p.out.helpers = p.running;
        p.resolve = resolve;
        if p.running == 0 {
            if let Some(r) = p.resolve.take() {
                let _ = r.call0(&JsValue::NULL);
            }
        } else {
            p.assign(spans, file, name);
        }
    }
    Running { pool, done }
}

impl Running {
    /// Waits for every helper to finish (or fail) and returns what they produced.
    pub async fn finish(self) -> Prepared {
        let _ = wasm_bindgen_futures::JsFuture::from(self.done).await;
        let mut p = self.pool.borrow_mut();
        // Break the pool ↔ handler cycle: terminate whatever is left.
        let handles = std::mem::take(&mut p.handles);
        wasm_bindgen_futures::spawn_local(async move { drop(handles) });
        let mut out = std::mem::take(&mut p.out);
        out.helper_layers = out.layers.len();
        out
    }
}
