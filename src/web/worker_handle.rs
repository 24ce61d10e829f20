//! A running Web Worker, whatever it speaks: starts it, holds messages until it has loaded, and
//! terminates it when dropped. The page's side of its protocol is in [`super::client`], the
//! archive worker's side of the helpers' in [`super::pool`].

use super::protocol::{encode, is_ready};
use serde::Serialize;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Where Trunk puts the worker's loader script (`data-loader-shim`, file hashing off), relative
/// to the page so the site works under any base path.
pub const WORKER_URL: &str = "./worker_loader.js";

/// What a worker's owner does with each message it posts (the raw message object: the caller
/// decodes it with its own protocol's type, and it may carry bytes).
pub type OnMessage = Rc<dyn Fn(&JsValue)>;

/// A running worker and the closures that keep its handlers alive.
pub struct WorkerHandle {
    worker: web_sys::Worker,
    /// Messages posted before the worker said it is ready: a worker's wasm loads
    /// asynchronously, and a message that arrives before its handler is installed is lost.
    queue: Rc<RefCell<Option<Vec<JsValue>>>>,
    _on_message: Closure<dyn Fn(web_sys::MessageEvent)>,
    _on_error: Closure<dyn Fn(web_sys::Event)>,
}

impl WorkerHandle {
    /// Starts a worker named `name` (from the page, or from another worker: the URL is relative
    /// to the script that starts it, and both live side by side). `on_message` gets each message
    /// after the ready one; `on_error` gets a sentence when the worker fails or a message cannot
    /// be sent.
    ///
    /// # Errors
    /// A sentence for the user when the browser refuses to start the worker.
    pub fn spawn(name: &str, on_message: OnMessage, on_error: Rc<dyn Fn(String)>) -> Result<WorkerHandle, String> {
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Classic);
        options.set_name(name);
        let worker = web_sys::Worker::new_with_options(WORKER_URL, &options)
            .map_err(|e| format!("The browser would not start Tarsier's worker: {}", describe(&e)))?;
        let queue: Rc<RefCell<Option<Vec<JsValue>>>> = Rc::new(RefCell::new(Some(Vec::new())));
        let flush_queue = queue.clone();
        let flush_worker = worker.clone();
        let send_error = on_error.clone();
        let on_message = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let data = event.data();
            if !is_ready(&data) {
                return on_message(&data);
            }
            let pending = flush_queue.borrow_mut().take().unwrap_or_default();
            for message in pending {
                if let Err(e) = flush_worker.post_message(&message) {
                    send_error(format!("Could not send work to Tarsier's worker: {}", describe(&e)));
                }
            }
        });
        let on_error = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
            let detail = event
                .dyn_ref::<web_sys::ErrorEvent>()
                .map(|e| e.message())
                .unwrap_or_else(|| "it failed to load".to_owned());
            on_error(format!("Tarsier's worker stopped: {detail}"));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(WorkerHandle { worker, queue, _on_message: on_message, _on_error: on_error })
    }

    /// Posts a payload (and optionally a file) to the worker.
    ///
    /// # Errors
    /// A sentence for the user when the message cannot be sent.
    pub fn send<T: Serialize>(&self, payload: &T, file: Option<&web_sys::File>) -> Result<(), String> {
        self.send_message(encode(payload, file)?)
    }

    /// Posts a message already built with [`encode`] (and perhaps more attached to it).
    ///
    /// # Errors
    /// A sentence for the user when the message cannot be sent.
    pub fn send_message(&self, message: JsValue) -> Result<(), String> {
        if let Some(queue) = self.queue.borrow_mut().as_mut() {
            queue.push(message);
            return Ok(());
        }
        self.worker
            .post_message(&message)
            .map_err(|e| format!("Could not send work to Tarsier's worker: {}", describe(&e)))
    }
}

impl Drop for WorkerHandle {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

fn describe(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "unknown error".to_owned())
}
