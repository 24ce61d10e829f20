//! Tarsier: see what is inside a container image and what a process may do.
//!
//! - [`core`]: the pure analysis core (capabilities, `/proc/<pid>/status`, image archives).
//! - `web` (wasm32 only): the Yew app and the Web Worker that drive the core in a browser.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod web;
