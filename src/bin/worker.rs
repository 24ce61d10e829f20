//! The Web Worker's entry point (Trunk `data-type="worker"`): runs the core off the UI thread.

#[cfg(target_arch = "wasm32")]
fn main() {
    tarsier::web::start_worker();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the Tarsier worker runs in a browser Web Worker");
}
