//! The upload benchmark in WebAssembly: built as a library whose functions JavaScript calls,
//! and timed by `upload_bench_wasm.mjs` in Node, whose V8 is the engine of Chromium. Built
//! with the pane's own release profile, so the figures are the browser's:
//!
//! ```text
//! cargo build -p chatward-core --example upload_bench_wasm \
//!     --target wasm32-unknown-unknown --profile wasm-release
//! node crates/chatward-core/examples/upload_bench_wasm.mjs \
//!     target/wasm32-unknown-unknown/wasm-release/examples/upload_bench_wasm.wasm
//! ```

// Exporting a function to JavaScript needs `no_mangle`, which Rust counts as unsafe code;
// nothing else here is unsafe.
#![allow(unsafe_code)]

use std::sync::OnceLock;

use chatward_core::{UploadLimits, check_upload};

#[path = "upload_photo/mod.rs"]
mod upload_photo;

static PHOTO: OnceLock<Vec<u8>> = OnceLock::new();
static PNG: OnceLock<Vec<u8>> = OnceLock::new();

fn photo() -> &'static [u8] {
    PHOTO.get_or_init(upload_photo::photo)
}

fn png() -> &'static [u8] {
    PNG.get_or_init(upload_photo::png)
}

/// Bytes in the photo (builds it on first call, outside the timing).
#[unsafe(no_mangle)]
pub extern "C" fn photo_len() -> u32 {
    photo().len() as u32
}

/// Bytes in the PNG (builds it on first call, outside the timing).
#[unsafe(no_mangle)]
pub extern "C" fn png_len() -> u32 {
    png().len() as u32
}

/// Checks and cleans the photo; returns the cleaned size, 0 when refused.
#[unsafe(no_mangle)]
pub extern "C" fn check_photo() -> u32 {
    cleaned_len(photo())
}

/// Checks and cleans the PNG; returns the cleaned size, 0 when refused.
#[unsafe(no_mangle)]
pub extern "C" fn check_png() -> u32 {
    cleaned_len(png())
}

fn cleaned_len(bytes: &[u8]) -> u32 {
    check_upload(bytes, &UploadLimits::default()).map_or(0, |image| image.bytes.len() as u32)
}
