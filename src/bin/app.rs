//! The web app's entry point (Trunk `data-type="main"`).

#[cfg(target_arch = "wasm32")]
fn main() {
    tarsier::web::start_app();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the Tarsier web app runs in a browser: build it with trunk build --release");
}
