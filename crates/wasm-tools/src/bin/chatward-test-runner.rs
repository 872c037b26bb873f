//! wasm-bindgen's test runner, used as cargo's runner for `wasm32-unknown-unknown` tests.
//!
//! It serves the test module and drives headless Chromium through `$CHROMEDRIVER`.

use std::process::ExitCode;

fn main() -> ExitCode {
    match wasm_bindgen_cli::wasm_bindgen_test_runner::run_cli_with_args(std::env::args_os()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("chatward-test-runner: {err:?}");
            ExitCode::FAILURE
        }
    }
}
