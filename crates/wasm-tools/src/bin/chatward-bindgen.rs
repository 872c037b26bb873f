//! wasm-bindgen's bindings generator (`wasm-bindgen` CLI), pinned to the app's version.
//!
//! Named `chatward-bindgen` rather than `wasm-bindgen` so it never shadows an installed CLI.

use std::process::ExitCode;

fn main() -> ExitCode {
    match wasm_bindgen_cli::wasm_bindgen::run_cli_with_args(std::env::args_os()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("chatward-bindgen: {err:?}");
            ExitCode::FAILURE
        }
    }
}
